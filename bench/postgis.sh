#!/usr/bin/env bash
# PostGIS as the yardstick for `tsunagi bench gis` (issue 9) and `tsunagi bench stored` (issue
# 15): loads the same generated files (zones.geojson and homes.csv in the given folder,
# target/bench-gis by default; target/bench-stored for the stored path), builds geometries and GiST indexes, and runs
# the ST_Intersects join that gives each home its worst flood depth rank; prints the seconds of
# each phase and the ratios against tsunagi's figures for the same files. Run
# `tsunagi bench gis` first (same --out), on the same machine. Needs PostgreSQL on 127.0.0.1:5432
# (trust auth, database `test`) and Debian's postgresql-15-postgis-3, which it installs.
#
#   ./target/release/tsunagi bench gis && bash bench/postgis.sh
#   ./target/release/tsunagi bench stored && bash bench/postgis.sh target/bench-stored
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-target/bench-gis}"
DB="${TSUNAGI_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

if [ ! -f "/usr/share/postgresql/$(ls /etc/postgresql | head -n1)/extension/postgis.control" ]; then
  echo "installing postgresql-$(ls /etc/postgresql | head -n1)-postgis-3"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$(ls /etc/postgresql | head -n1)-postgis-3" >/dev/null
fi

# One feature per line (as the bench writes it) → (rank, geometry JSON) as CSV for COPY.
python3 - "$DIR/zones.geojson" "$DIR/zones.csv" <<'PY'
import csv, json, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src) as f, open(dst, "w", newline="") as out:
    w = csv.writer(out)
    for line in f:
        line = line.strip().lstrip(",")
        if not line.startswith('{"type":"Feature"'):
            continue
        feat = json.loads(line)
        w.writerow([feat["properties"]["A31_201"], json.dumps(feat["geometry"], separators=(",", ":"))])
PY

run() { psql "$DB" -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
secs() { printf '%d.%02d' $(( $1 / 1000000000 )) $(( ($1 % 1000000000) / 10000000 )); }
total=0
declare -A took
timed() {
  local key="$1" label="$2" t0 t1
  shift 2
  t0=$(date +%s%N)
  for sql in "$@"; do run "$sql"; done
  t1=$(date +%s%N)
  total=$(( total + t1 - t0 ))
  took[$key]=$(( t1 - t0 ))
  printf '  %-44s %8s s\n' "$label" "$(secs $(( t1 - t0 )))"
}

run "CREATE EXTENSION IF NOT EXISTS postgis;
     DROP TABLE IF EXISTS bench_zones_raw, bench_zones, bench_homes_raw, bench_homes, bench_result;
     CREATE UNLOGGED TABLE bench_zones_raw (rank int, geojson text);
     CREATE UNLOGGED TABLE bench_homes_raw (id int, lon float8, lat float8);"
echo "PostGIS on the same files ($DIR):"
timed load "load zones and homes (COPY)" \
  "\\copy bench_zones_raw FROM '$DIR/zones.csv' CSV" \
  "\\copy bench_homes_raw FROM '$DIR/homes.csv' CSV HEADER"
timed build "build geometries" \
  "CREATE UNLOGGED TABLE bench_zones AS SELECT rank, ST_SetSRID(ST_GeomFromGeoJSON(geojson), 6668) AS geom FROM bench_zones_raw" \
  "CREATE UNLOGGED TABLE bench_homes AS SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 6668) AS geom FROM bench_homes_raw"
timed index "GiST indexes + analyze" \
  "CREATE INDEX ON bench_zones USING gist (geom)" \
  "CREATE INDEX ON bench_homes USING gist (geom)" \
  "ANALYZE bench_zones" "ANALYZE bench_homes"
timed join "join: worst rank per home (ST_Intersects)" \
  "CREATE UNLOGGED TABLE bench_result AS SELECT h.id, max(z.rank) AS rank FROM bench_homes h JOIN bench_zones z ON ST_Intersects(z.geom, h.geom) GROUP BY h.id"
echo "  total: $(secs $total) s"
psql "$DB" -At -c "SELECT count(*) || ' homes in a flood zone' FROM bench_result;"

# The ratios against tsunagi's figures from the same files: `tsunagi bench gis` (the in-memory
# kernel, tsunagi-figures.txt) and `tsunagi bench stored` (the commands a user runs on SQLite and
# PostgreSQL, tsunagi-figures-{sqlite,postgres}.txt).
ns() { echo "${took[$1]}"; }
ratio() { awk -v p="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", p / 1e9 / t; else print "-" }'; }
bij=$(( $(ns build) + $(ns index) + $(ns join) ))
FIG="$DIR/tsunagi-figures.txt"
if [ -f "$FIG" ]; then
  fig() { awk -v k="$1" '$1 == k { print $2 }' "$FIG"; }
  echo "Ratios, in-memory kernel (PostGIS ÷ tsunagi; issue 9 targets: classification ≥ 20, whole run ≥ 10):"
  printf '  %-60s %6s×\n' "classify vs join ($(fig classify) s vs $(secs "$(ns join)") s)" "$(ratio "$(ns join)" "$(fig classify)")"
  printf '  %-60s %6s×\n' "whole run vs build + index + join ($(fig whole) s vs $(secs $bij) s)" "$(ratio $bij "$(fig whole)")"
  printf '  %-60s %6s×\n' "whole run vs load + build + index + join" "$(ratio $total "$(fig whole)")"
  echo "  nearest flood shelter for every home: $(fig nearest) s (target < 0.5 s)"
fi
for db in sqlite postgres; do
  FIG="$DIR/tsunagi-figures-$db.txt"
  [ -f "$FIG" ] || continue
  stored() { awk -v k="$1" '$1 == k { print $2 }' "$FIG"; }
  both=$(awk -v a="$(stored import_hazard)" -v b="$(stored classify)" 'BEGIN { printf "%.2f", a + b }')
  echo "Ratios, stored path on $db (PostGIS ÷ tsunagi; issue 15 targets: both ≥ 10):"
  printf '  %-60s %6s×\n' "import-hazard + classify vs build + index + join ($both s vs $(secs $bij) s)" "$(ratio $bij "$both")"
  printf '  %-60s %6s×\n' "classify vs join ($(stored classify) s vs $(secs "$(ns join)") s)" "$(ratio "$(ns join)" "$(stored classify)")"
done
run "DROP TABLE IF EXISTS bench_zones_raw, bench_zones, bench_homes_raw, bench_homes, bench_result;"
