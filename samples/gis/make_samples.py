#!/usr/bin/env python3
"""Make the GIS sample files of the fictional demo town 潮見市 (高知県), in the official formats.

Deterministic: every random draw comes from random.Random seeded with a fixed string. Standard
library only, plus pyshp for the Shapefile zips (`pip install pyshp`). Run from anywhere:

    python3 samples/gis/make_samples.py

It writes every sample next to itself, re-reads each file with its stated encoding, checks the
geometry (closed rings, orientation, no self-intersections, bands nested), checks the facts the
README promises by point-in-polygon and haversine, prints them, and rewrites the facts section
of README.md (between the `facts:begin` / `facts:end` markers) and facts.json.
"""

import csv
import io
import json
import math
import os
import random
import re
import sys
import unicodedata
import zipfile

import shapefile  # pyshp

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = "tsunagi-shiomi-2024"


def rng(key):
    return random.Random(f"{SEED}/{key}")


# ---------------------------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------------------------


def check_digit(code5):
    s = sum(w * int(c) for w, c in zip((6, 5, 4, 3, 2), code5))
    return str((11 - s % 11) % 10)


assert check_digit("39000") == "3" and check_digit("39201") == "4"  # 390003 高知県, 392014 高知市
assert check_digit("46000") == "1" and check_digit("46201") == "2"  # 460001, 462012
PREF = "高知県"
PREF_CODE = "39"
CITY = "潮見市"
CITY5 = "39990"
CITY6 = CITY5 + check_digit(CITY5)  # 399906
KOCHI5 = "39201"

# ---------------------------------------------------------------------------------------------
# Local frame: kilometres east (x) and north (y) of a point on the coast. Shapes are designed in
# km and written as JGD2011 degrees.
# ---------------------------------------------------------------------------------------------

LON0, LAT0 = 133.400, 33.4285
KM_LAT = 110.913  # km per degree of latitude at 33.45°N
KM_LON = 92.97  # km per degree of longitude at 33.45°N


def to_ll(p, nd=7):
    x, y = p
    return [round(LON0 + x / KM_LON, nd), round(LAT0 + y / KM_LAT, nd)]


def to_km(lon, lat):
    return ((lon - LON0) * KM_LON, (lat - LAT0) * KM_LAT)


R_EARTH = 6371008.8


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_EARTH * math.asin(math.sqrt(h))


class Noise:
    """Smooth deterministic noise in [-1, 1]: a sum of sines with seeded phases."""

    def __init__(self, key, base=2.0, terms=4, periodic=False):
        r = rng("noise/" + key)
        self.t = []
        for k in range(terms):
            f = (k + 2) if periodic else base * (1.8**k) * r.uniform(0.8, 1.25)
            self.t.append((f, r.uniform(0, 2 * math.pi), 1.0 / (k + 1)))
        self.norm = sum(a for _, _, a in self.t)

    def __call__(self, t):
        return sum(a * math.sin(f * t + ph) for f, ph, a in self.t) / self.norm


def pl(ctrl, t):
    """Piecewise-linear interpolation over [(t, v...)]; clamps at the ends."""
    if t <= ctrl[0][0]:
        return ctrl[0][1:]
    for (t0, *v0), (t1, *v1) in zip(ctrl, ctrl[1:]):
        if t <= t1:
            u = (t - t0) / (t1 - t0)
            return tuple(a + (b - a) * u for a, b in zip(v0, v1))
    return ctrl[-1][1:]


def linspace(a, b, n):
    return [a + (b - a) * i / (n - 1) for i in range(n)]


def smooth_ramp(u):
    u = max(0.0, min(1.0, u))
    return u * u * (3 - 2 * u)


# ---------------------------------------------------------------------------------------------
# Geometry helpers (planar, in whatever units the points are in)
# ---------------------------------------------------------------------------------------------


def signed_area(ring):
    """Shoelace over an open or closed ring; > 0 for counter-clockwise (x east, y north)."""
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    s = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
        s += x1 * y2 - x2 * y1
    return s / 2


def _orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return 0 if abs(v) < 1e-15 else (1 if v > 0 else -1)


def _on_seg(a, b, p):
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_intersect(p1, p2, q1, q2):
    o1, o2, o3, o4 = _orient(p1, p2, q1), _orient(p1, p2, q2), _orient(q1, q2, p1), _orient(q1, q2, p2)
    if o1 != o2 and o3 != o4:
        return True
    if o1 == 0 and _on_seg(p1, p2, q1):
        return True
    if o2 == 0 and _on_seg(p1, p2, q2):
        return True
    if o3 == 0 and _on_seg(q1, q2, p1):
        return True
    if o4 == 0 and _on_seg(q1, q2, p2):
        return True
    return False


def ring_self_intersections(ring):
    """O(n²) test of a closed ring: pairs of non-adjacent edges that meet. Returns the pairs."""
    assert ring[0] == ring[-1], "ring not closed"
    pts = ring[:-1]
    n = len(pts)
    if len(set(map(tuple, pts))) != n:
        return [("repeated vertex", None)]
    bad = []
    edges = [(pts[i], pts[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue
            if segments_intersect(*edges[i], *edges[j]):
                bad.append((i, j))
    return bad


def rings_cross(r1, r2):
    """Do two closed rings have any pair of edges that meet?"""
    e1 = list(zip(r1, r1[1:]))
    e2 = list(zip(r2, r2[1:]))
    for a in e1:
        ax0, ax1 = sorted((a[0][0], a[1][0]))
        ay0, ay1 = sorted((a[0][1], a[1][1]))
        for b in e2:
            if max(b[0][0], b[1][0]) < ax0 or min(b[0][0], b[1][0]) > ax1:
                continue
            if max(b[0][1], b[1][1]) < ay0 or min(b[0][1], b[1][1]) > ay1:
                continue
            if segments_intersect(a[0], a[1], b[0], b[1]):
                return True
    return False


def point_in_ring(pt, ring):
    x, y = pt
    inside = False
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    j = len(pts) - 1
    for i in range(len(pts)):
        xi, yi = pts[i]
        xj, yj = pts[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygon(pt, poly):
    """poly = [outer, hole, ...]"""
    return point_in_ring(pt, poly[0]) and not any(point_in_ring(pt, h) for h in poly[1:])


def seg_dist(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    u = 0.0 if L == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / L))
    return math.hypot(px - ax - u * dx, py - ay - u * dy)


def dist_to_ring(p, ring):
    pts = ring if ring[0] == ring[-1] else ring + ring[:1]
    return min(seg_dist(p, a, b) for a, b in zip(pts, pts[1:]))


def close(ring):
    return ring + [ring[0]] if ring[0] != ring[-1] else ring


# ---------------------------------------------------------------------------------------------
# The town. Streets are rectangles (km) holding a grid of cells; blocks 1..29 fill 29 of the 30
# cells in the stated order. See README.md for the sketch.
# ---------------------------------------------------------------------------------------------

# name, postal code, kana, (x0, x1, y0, y1), cols, rows, order, 住居表示フラグ
# order: (major, x_from, y_from): major "row" fills a row west→east (or east→west) then moves
# north (or south); "col" fills a column first.
STREETS = [
    ("本町一丁目", "7810101", (-0.25, 0.75, 2.20, 2.90), 6, 5, ("col", "E", "S")),
    ("本町二丁目", "7810102", (-0.25, 0.75, 1.50, 2.20), 6, 5, ("row", "W", "S")),
    ("本町三丁目", "7810103", (-0.25, 0.75, 0.85, 1.50), 6, 5, ("row", "W", "S")),
    ("港町一丁目", "7810111", (-0.40, 0.75, 0.20, 0.85), 6, 5, ("row", "W", "S")),
    ("港町二丁目", "7810112", (1.15, 2.25, 0.20, 0.85), 6, 5, ("row", "W", "S")),
    ("浜田", "7810121", (-1.55, -0.40, 0.20, 0.85), 6, 5, ("row", "E", "S")),
    ("汐入", "7810122", (-2.45, -1.55, 0.20, 0.80), 6, 5, ("col", "W", "S")),
    ("山手町", "7810131", (-1.85, -0.75, 2.45, 3.45), 6, 5, ("row", "W", "S")),
    ("桜ヶ丘", "7810132", (-3.00, -1.95, 1.15, 2.05), 6, 5, ("row", "W", "S")),
    ("旭町", "7810141", (-1.75, -0.75, 1.30, 2.20), 6, 5, ("row", "W", "S")),
    ("栄町", "7810142", (2.75, 3.75, 1.30, 2.20), 6, 5, ("row", "W", "S")),
    ("新町", "7810143", (1.15, 2.15, 1.20, 2.30), 6, 5, ("row", "W", "S")),
    ("大字中村", "7810151", (0.20, 1.80, 3.10, 4.30), 6, 5, ("row", "W", "S")),
    ("大字上ノ村", "7810152", (-1.20, 0.20, 4.40, 5.60), 6, 5, ("row", "W", "S")),
]
STREET = {s[0]: s for s in STREETS}
NO_GAIKU = {("汐入", b) for b in range(25, 30)} | {("大字上ノ村", b) for b in range(1, 30)}
# 大字町丁目コード: municipality (5) + 大字 (4) + 丁目 (3)
OAZA_CODE = {
    "本町一丁目": "0001001", "本町二丁目": "0001002", "本町三丁目": "0001003",
    "港町一丁目": "0002001", "港町二丁目": "0002002", "浜田": "0003000", "汐入": "0004000",
    "山手町": "0005000", "桜ヶ丘": "0006000", "大字上ノ村": "0007000", "旭町": "0008000",
    "栄町": "0009000", "新町": "0010000", "大字中村": "0011000",
}
# representative points (km) of the 大字・町丁目 level
OAZA_POINT = {
    "汐入": (-2.00, 0.50),
    "大字上ノ村": (-0.50, 5.00),
}


def is_choume(name):
    return name.endswith("丁目")


def is_oaza(name):
    return name.startswith("大字")


def cells(street):
    name, _, (x0, x1, y0, y1), cols, rows, (major, xf, yf) = street
    cw, ch = (x1 - x0) / cols, (y1 - y0) / rows
    out = []
    for k in range(29):
        if major == "row":
            r, c = divmod(k, cols)
        else:
            c, r = divmod(k, rows)
        if xf == "E":
            c = cols - 1 - c
        if yf == "N":
            r = rows - 1 - r
        out.append((x0 + (c + 0.5) * cw, y0 + (r + 0.5) * ch, cw, ch))
    return out


def river_x(y):
    return 0.95 + 0.04 * math.sin(1.7 * y) + 0.015 * math.sin(4.9 * y + 0.7)


# ---------------------------------------------------------------------------------------------
# Hazard geometry (km). Each feature: dict(props=..., polys=[[outer, hole...], ...]). Rings are
# open lists of (x, y) here; they are closed when written.
# ---------------------------------------------------------------------------------------------


def corridor(ctrl, key, n=40, amp=0.03):
    """A y-monotone band around the river: ctrl = [(y, west width, east width)], widths 0 at
    both ends. Counter-clockwise: north along the east bank, south along the west bank."""
    nw, ne = Noise(key + "/w", base=4.0, terms=5), Noise(key + "/e", base=4.0, terms=5)
    ys = linspace(ctrl[0][0], ctrl[-1][0], n)
    east, west = [], []
    (y0, *_), (y1, *w1) = ctrl[0], ctrl[1]
    (ya, *wa), (yb, *_) = ctrl[-2], ctrl[-1]
    for y in ys[1:-1]:
        if y < y1:  # rounded tips, not pointed ones
            wW, wE = (w * math.sqrt((y - y0) / (y1 - y0)) for w in w1)
        elif y > ya:
            wW, wE = (w * math.sqrt((yb - y) / (yb - ya)) for w in wa)
        else:
            wW, wE = pl(ctrl, y)
        xr = river_x(y)
        east.append((xr + wE * (1 + amp * ne(y)), y))
        west.append((xr - wW * (1 + amp * nw(y)), y))
    south, north = (river_x(ys[0]), ys[0]), (river_x(ys[-1]), ys[-1])
    return [south] + east + [north] + west[::-1]


def blob(cx, cy, rx, ry, key, n=36, amp=0.12):
    nz = Noise(key, periodic=True)
    out = []
    for i in range(n):
        th = 2 * math.pi * i / n
        r = 1 + amp * nz(th)
        out.append((cx + rx * r * math.cos(th), cy + ry * r * math.sin(th)))
    return out


def xstrip(x0, x1, bottom, top, key, step=0.04, amp=0.025):
    """An x-monotone strip: bottom/top = [(x, y)] control points. Counter-clockwise."""
    nb, nt = Noise(key + "/b", base=6.0), Noise(key + "/t", base=6.0)
    n = max(4, int(round((x1 - x0) / step)) + 1)
    xs = linspace(x0, x1, n)
    bot = [(x, pl(bottom, x)[0] + amp * nb(x)) for x in xs]
    tp = [(x, pl(top, x)[0] + amp * nt(x)) for x in xs]
    return bot + tp[::-1]


def ystrip(ctrl, key, n=30, amp=0.03):
    """A y-monotone band along a valley: ctrl = [(y, centre x, west width, east width)],
    widths 0 at the ends. Counter-clockwise."""
    nw, ne = Noise(key + "/w", base=5.0), Noise(key + "/e", base=5.0)
    ys = linspace(ctrl[0][0], ctrl[-1][0], n)
    east, west = [], []
    for y in ys[1:-1]:
        cx, wW, wE = pl(ctrl, y)
        east.append((cx + wE * (1 + amp * ne(y)), y))
        west.append((cx - wW * (1 + amp * nw(y)), y))
    s, nn = ctrl[0], ctrl[-1]
    return [(s[1], s[0])] + east + [(nn[1], nn[0])] + west[::-1]


# --- A31 flood (洪水浸水想定区域), along 潮見川 -------------------------------------------------

R1 = corridor([(-0.05, 0, 0), (0.3, 0.70, 0.60), (0.9, 1.20, 1.10), (1.6, 1.45, 1.50),
               (3.0, 1.45, 1.50), (3.6, 1.30, 1.20), (4.1, 0.90, 0.90), (4.5, 0.45, 0.60),
               (5.3, 0.30, 0.35), (5.9, 0, 0)], "a31/r1", n=46, amp=0.07)
R2 = corridor([(0.35, 0, 0), (0.8, 0.80, 0.60), (1.4, 1.20, 0.95), (2.9, 1.25, 0.95),
               (3.5, 1.05, 0.85), (4.1, 0.70, 0.60), (4.6, 0.25, 0.25), (4.9, 0, 0)], "a31/r2", n=44, amp=0.07)
R3A = corridor([(1.25, 0, 0), (1.7, 0.68, 0.45), (2.95, 0.70, 0.45), (3.25, 0, 0)], "a31/r3a",
               n=40, amp=0.045)
R3B = corridor([(3.45, 0, 0), (3.75, 0.45, 0.40), (4.1, 0.45, 0.38), (4.35, 0, 0)], "a31/r3b", n=26, amp=0.08)
POND = blob(2.55, 1.02, 0.16, 0.09, "a31/pond", n=28)

A31_COMMON = {
    "A31_102": "2016/06/14",
    "A31_103": "高知県告示第512号",
    "A31_104": "潮見川流域の2日間総雨量446mm",
    "A31_202": "2021/05/28",
    "A31_203": "高知県告示第377号",
    "A31_204": "潮見川流域の48時間総雨量890mm",
}


def a31_props(planned, maximum, duration, danger):
    p = {"A31_101": planned}
    p.update({k: A31_COMMON[k] for k in ("A31_102", "A31_103", "A31_104")})
    p["A31_201"] = maximum
    p.update({k: A31_COMMON[k] for k in ("A31_202", "A31_203", "A31_204")})
    p["A31_301"] = duration
    p["A31_401"] = danger
    return p


A31 = [
    # rank 1 band around rank 2, and a small low-lying pocket east of 港町二丁目
    {"props": a31_props(None, 1, 1, None), "polys": [[R1, R2[::-1]], [POND]]},
    # rank 2 band around the two rank-3 cores
    {"props": a31_props(1, 2, 2, None), "polys": [[R2, R3A[::-1], R3B[::-1]]]},
    # rank 3 core beside 本町
    {"props": a31_props(2, 3, 3, None), "polys": [[R3A]]},
    # rank 3 core at 大字中村, where the levee is expected to breach (氾濫流)
    {"props": a31_props(2, 3, 3, 1), "polys": [[R3B]]},
]

# --- A40 tsunami (津波浸水想定) and A49 storm surge (高潮浸水想定区域) --------------------------

GRID_X0, GRID_STEP = -3.6, 0.15
coast_noise = Noise("coast", base=2.3)


def coast_y(x):
    return 0.035 + 0.02 * coast_noise(x)


def grid(a, b):
    i0 = round((a - GRID_X0) / GRID_STEP)
    i1 = round((b - GRID_X0) / GRID_STEP)
    assert abs(GRID_X0 + i0 * GRID_STEP - a) < 1e-9 and abs(GRID_X0 + i1 * GRID_STEP - b) < 1e-9
    return [round(GRID_X0 + i * GRID_STEP, 9) for i in range(i0, i1 + 1)]


class Reach:
    """Landward limit of water ≥ a threshold: y = G(x) on [a, b], meeting the coast at a, b."""

    def __init__(self, key, a, b, ctrl, amp=0.008, taper=0.3):
        self.a, self.b, self.ctrl, self.amp, self.taper = a, b, ctrl, amp, taper
        self.noise = Noise(key, base=4.0)

    def __call__(self, x):
        env = smooth_ramp((x - self.a) / self.taper) * smooth_ramp((self.b - x) / self.taper)
        c = coast_y(x)
        return c + env * (pl(self.ctrl, x)[0] - c + self.amp * self.noise(x))


def band_ring(lo, hi):
    """The area reached by `lo` but not by `hi` (hi nested in lo). Counter-clockwise."""
    if hi is None:
        xs = grid(lo.a, lo.b)
        return [(x, coast_y(x)) for x in xs] + [(x, lo(x)) for x in xs[1:-1]][::-1]
    ring = [(x, coast_y(x)) for x in grid(lo.a, hi.a)]
    ring += [(x, hi(x)) for x in grid(hi.a, hi.b)[1:-1]]
    ring += [(x, coast_y(x)) for x in grid(hi.b, lo.b)]
    ring += [(x, lo(x)) for x in grid(lo.a, lo.b)[1:-1]][::-1]
    return ring


TSUNAMI_BANDS = [  # (threshold m, Kochi's wording of the band from it to the next)
    (0.3, "0.3m以上～0.5m未満"),
    (0.5, "0.5m以上～1m未満"),
    (1, "1m以上～2m未満"),
    (2, "2m以上～5m未満"),
    (5, "5m以上～10m未満"),
    (10, "10m以上～20m未満"),
]
T_REACH = {
    0.3: Reach("a40/0.3", -3.60, 3.45, [(-3.6, 0.68), (-2.4, 0.95), (-1.55, 0.97), (-0.9, 1.02),
                                         (-0.4, 1.09), (0.75, 1.09), (1.0, 1.13), (1.3, 1.07),
                                         (2.25, 0.98), (3.45, 0.68)]),
    0.5: Reach("a40/0.5", -3.45, 3.30, [(-3.45, 0.60), (-2.4, 0.88), (-1.55, 0.90), (-0.9, 0.95),
                                         (-0.4, 1.01), (0.75, 1.01), (1.0, 1.08), (1.3, 1.02),
                                         (2.25, 0.92), (3.3, 0.60)]),
    1: Reach("a40/1", -3.30, 3.15, [(-3.3, 0.50), (-2.4, 0.80), (-1.55, 0.82), (-0.9, 0.90),
                                     (-0.4, 0.96), (0.75, 0.96), (1.0, 1.04), (1.3, 0.98),
                                     (2.25, 0.85), (3.15, 0.50)]),
    2: Reach("a40/2", -3.15, 3.00, [(-3.15, 0.40), (-2.4, 0.68), (-1.55, 0.69), (-0.9, 0.81),
                                     (-0.4, 0.88), (0.75, 0.88), (1.0, 0.97), (1.3, 0.90),
                                     (2.25, 0.72), (3.0, 0.40)]),
    5: Reach("a40/5", -3.00, 2.85, [(-3.0, 0.16), (-2.4, 0.20), (-1.55, 0.22), (-0.9, 0.55),
                                     (-0.55, 0.79), (-0.4, 0.85), (0.75, 0.85), (1.0, 0.90),
                                     (1.3, 0.78), (2.25, 0.45), (2.85, 0.20)]),
    10: Reach("a40/10", -2.85, 2.70, [(-2.85, 0.10), (0.0, 0.12), (1.0, 0.15), (2.7, 0.10)], amp=0.005),
}
HILL = blob(-1.725, 0.50, 0.10, 0.09, "a40/hill", n=30, amp=0.10)  # 汐入山, a knoll in the zone


def cove():
    """A second, small piece of the 0.3–0.5 m band: a beach east of the town."""
    nz = Noise("a40/cove", base=5.0)
    xs = [3.60 + 0.05 * i for i in range(10)]
    top = [(x, coast_y(x) + 0.11 * math.sin(math.pi * (x - 3.6) / 0.45) + 0.004 * nz(x)) for x in xs[1:-1]]
    return [(x, coast_y(x)) for x in xs] + top[::-1]


def tsunami_features():
    feats = []
    ths = [t for t, _ in TSUNAMI_BANDS]
    for i, (t, label) in enumerate(TSUNAMI_BANDS):
        hi = T_REACH[ths[i + 1]] if i + 1 < len(ths) else None
        poly = [band_ring(T_REACH[t], hi)]
        if t == 2:
            poly.append(HILL[::-1])
        polys = [poly]
        if t == 0.3:
            polys.append([cove()])
        feats.append({"props": {"A40_001": PREF, "A40_002": PREF_CODE, "A40_003": label}, "polys": polys})
    return feats


A40 = tsunami_features()

SURGE_BANDS = [(0.3, "0.3m以上～0.5m未満"), (0.5, "0.5m以上～1m未満"), (1, "1m以上～3m未満")]
S_REACH = {
    0.3: Reach("a49/0.3", -1.05, 2.25, [(-1.05, 0.30), (-0.6, 0.50), (0.0, 0.58), (0.9, 0.66),
                                         (1.4, 0.58), (2.25, 0.35)], amp=0.01),
    0.5: Reach("a49/0.5", -0.90, 2.10, [(-0.9, 0.25), (-0.5, 0.38), (0.0, 0.45), (0.9, 0.52),
                                         (1.4, 0.45), (2.1, 0.28)], amp=0.01),
    1: Reach("a49/1", -0.75, 1.95, [(-0.75, 0.18), (-0.3, 0.26), (0.0, 0.30), (0.9, 0.36),
                                     (1.4, 0.30), (1.95, 0.18)], amp=0.01),
}


def surge_features():
    feats = []
    ths = [t for t, _ in SURGE_BANDS]
    for i, (t, label) in enumerate(SURGE_BANDS):
        hi = S_REACH[ths[i + 1]] if i + 1 < len(ths) else None
        feats.append({"props": {"A49_001": PREF, "A49_002": PREF_CODE, "A49_003": label},
                      "polys": [[band_ring(S_REACH[t], hi)]]})
    return feats


A49 = surge_features()

# --- A33 土砂災害警戒区域 ---------------------------------------------------------------------

PHENOMENON = {1: "急傾斜地の崩壊", 2: "土石流", 3: "地滑り"}
ZONE_KIND = {1: "警戒区域", 2: "特別警戒区域", 3: "警戒区域（指定前）", 4: "特別警戒区域（指定前）"}


def a33(kind, zone, number, name, place, date, unflagged, ring):
    return {"props": {"A33_001": kind, "A33_002": zone, "A33_003": PREF_CODE, "A33_004": number,
                      "A33_005": name, "A33_006": place, "A33_007": date, "A33_008": unflagged},
            "polys": [[ring]]}


A33 = [
    # 山手町: the steep slope along the north of the street, designated, with its red zone
    a33(1, 1, f"{CITY5}-急0012", "山手町", "潮見市山手町", "2016/03/29", 0,
        xstrip(-1.82, -0.95, [(-1.82, 3.08), (-1.6, 3.03), (-1.3, 3.06), (-1.1, 3.02), (-0.95, 3.09)],
               [(-1.82, 3.52), (-1.55, 3.66), (-1.3, 3.60), (-1.1, 3.70), (-0.95, 3.55)], "a33/yamate-y",
               amp=0.035)),
    a33(1, 2, f"{CITY5}-急0012", "山手町", "潮見市山手町", "2016/03/29", 0,
        xstrip(-1.70, -1.30, [(-1.70, 3.27), (-1.5, 3.23), (-1.3, 3.27)],
               [(-1.70, 3.44), (-1.5, 3.52), (-1.3, 3.47)], "a33/yamate-r", step=0.025, amp=0.02)),
    # 山手谷川: a debris-flow valley west of 山手町 (no red zone designated)
    a33(2, 1, f"{CITY5}-土0007", "山手谷川", "潮見市山手町", "2018/02/16", 1,
        ystrip([(2.55, -1.98, 0, 0), (2.75, -1.98, 0.10, 0.09), (3.30, -2.00, 0.08, 0.07),
                (3.90, -2.05, 0.05, 0.05), (4.10, -2.06, 0, 0)], "a33/yamate-valley")),
    # 桜ヶ丘: surveyed, not yet designated (基礎調査結果公表済み)
    a33(1, 3, f"{CITY5}-急0031", "桜ヶ丘", "潮見市桜ヶ丘", None, 1,
        xstrip(-2.95, -2.30, [(-2.95, 1.74), (-2.75, 1.68), (-2.5, 1.70), (-2.30, 1.73)],
               [(-2.95, 2.10), (-2.7, 2.22), (-2.45, 2.16), (-2.30, 2.12)], "a33/sakura-y", amp=0.035)),
    a33(1, 4, f"{CITY5}-急0031", "桜ヶ丘", "潮見市桜ヶ丘", None, 1,
        xstrip(-2.80, -2.45, [(-2.80, 1.88), (-2.6, 1.85), (-2.45, 1.88)],
               [(-2.80, 2.04), (-2.6, 2.10), (-2.45, 2.05)], "a33/sakura-r", step=0.025, amp=0.015)),
    a33(3, 3, f"{CITY5}-地0003", "桜ヶ丘西", "潮見市桜ヶ丘", None, 1,
        blob(-3.17, 1.45, 0.13, 0.17, "a33/sakura-slide", n=32)),
    # 大字上ノ村: the village lies in a debris-flow valley; a landslide block on the east slope
    a33(2, 1, f"{CITY5}-土0002", "上ノ村谷川", "潮見市大字上ノ村", "2014/03/28", 0,
        ystrip([(4.55, -0.42, 0, 0), (4.70, -0.43, 0.30, 0.28), (5.20, -0.50, 0.26, 0.24),
                (5.80, -0.55, 0.16, 0.14), (6.25, -0.58, 0, 0)], "a33/kami-valley")),
    a33(2, 2, f"{CITY5}-土0002", "上ノ村谷川", "潮見市大字上ノ村", "2014/03/28", 0,
        ystrip([(5.35, -0.53, 0, 0), (5.50, -0.53, 0.07, 0.06), (5.95, -0.56, 0.06, 0.05),
                (6.10, -0.57, 0, 0)], "a33/kami-valley-r", n=20)),
    a33(3, 1, f"{CITY5}-地0001", "上ノ村東", "潮見市大字上ノ村", "2014/03/28", 1,
        blob(0.02, 5.30, 0.14, 0.12, "a33/kami-slide", n=32)),
]
# which (特別) zone lies inside which (警戒) zone: indexes into A33
A33_NESTED = [(1, 0), (4, 3), (7, 6)]

# ---------------------------------------------------------------------------------------------
# Evacuation places (指定緊急避難場所) and shelters (指定避難所)
# ---------------------------------------------------------------------------------------------

FLAGS = ["洪水", "崖崩れ、土石流及び地滑り", "高潮", "地震", "津波", "大規模な火事", "内水氾濫", "火山現象"]


def F(*names):
    return {n: (n in names) for n in FLAGS}


# name, kana, english, street, (x, y), flags, 重複, capacity text, associations, elevation,
# phone, gsi serial (None: ID left empty in the DA file), tower, 備考, GSI address override
PLACES = [
    ("潮見市立潮見小学校", "シオミシリツシオミショウガッコウ", "Shiomi Elementary School", "旭町", (-1.25, 1.75),
     F("洪水", "崖崩れ、土石流及び地滑り", "地震", "津波", "大規模な火事", "内水氾濫"), True, "650",
     ["旭町自治会", "本町二丁目自治会", "浜田地区自治会"], "", "0889-42-2301", 1001, False, "体育館・校舎3階以上", None),
    ("潮見市立潮見中学校", "シオミシリツシオミチュウガッコウ", "Shiomi Junior High School", "山手町", (-1.15, 2.60),
     F("洪水", "地震", "津波", "大規模な火事", "内水氾濫"), True, "800",
     ["山手町内会", "本町一丁目自治会", "新町自治会"], "", "0889-42-2401", 1002, False, "土砂災害時は使用しない", None),
    ("潮見市立港小学校", "シオミシリツミナトショウガッコウ", "Minato Elementary School", "港町二丁目", (1.95, 0.68),
     F("地震", "大規模な火事"), True, "420",
     ["港町自主防災会"], "", "0889-42-2302", 1003, False, "津波浸水想定区域内", None),
    ("港町一丁目津波避難タワー", "ミナトマチイッチョウメツナミヒナンタワー", "Minatomachi 1-chome Tsunami Evacuation Tower",
     "港町一丁目", (0.175, 0.47), F("津波"), False, "300",
     ["港町自主防災会"], "", "", None, True, "避難床 T.P.+17.5m", None),
    ("港町二丁目津波避難タワー", "ミナトマチニチョウメツナミヒナンタワー", "Minatomachi 2-chome Tsunami Evacuation Tower",
     "港町二丁目", (1.70, 0.53), F("津波"), False, "250",
     ["港町自主防災会"], "", "", 1005, True, "避難床 T.P.+16.0m", None),
    ("浜田津波避難タワー", "ハマダツナミヒナンタワー", "Hamada Tsunami Evacuation Tower", "浜田", (-0.975, 0.46),
     F("津波"), False, "約200", ["浜田地区自治会"], "", "", 1006, True, "避難床 T.P.+15.0m",
     "高知県潮見市浜田８７１－イ"),
    ("汐入山高台避難場所", "シオイリヤマタカダイヒナンバショ", "Shioiriyama Hilltop Evacuation Site", "汐入", (-1.725, 0.50),
     F("高潮", "地震", "津波"), False, "150", ["汐入自治会", "浜田地区自治会"], "21.5", "", 1007, False, "階段約110段", None),
    ("潮見八幡宮", "シオミハチマングウ", "Shiomi Hachimangu Shrine", "山手町", (-1.30, 3.85),
     F("洪水", "地震", "津波", "大規模な火事", "内水氾濫"), False, "120",
     ["山手町内会"], "38.2", "", None, False, "境内（高台）", None),
    ("潮見市民会館", "シオミシミンカイカン", "Shiomi Civic Hall", "本町二丁目", (0.20, 1.95),
     F("地震", "津波", "大規模な火事"), True, "350",
     ["本町一丁目自治会", "本町二丁目自治会", "本町三丁目自治会"], "", "0889-42-1111", 1009, False, "洪水時は使用しない", None),
    ("潮見川緑地", "シオミガワリョクチ", "Shiomigawa Riverside Park", "本町三丁目", (0.84, 1.29),
     F("地震", "大規模な火事"), False, "2,400 ", ["本町三丁目自治会"], "", "", None, False, "河川敷のため洪水時は使用不可", None),
    ("新町児童公園", "シンマチジドウコウエン", "Shinmachi Children's Park", "新町", (1.60, 1.90),
     F("地震"), False, "350", ["新町自治会"], "", "", 1011, False, "", None),
    ("潮見総合運動公園", "シオミソウゴウウンドウコウエン", "Shiomi Sports Park", "栄町", (3.20, 1.60),
     F("洪水", "地震", "津波", "大規模な火事", "内水氾濫"), False, "50,700 ",
     ["栄町自治会", "新町自治会", "港町自主防災会"], "", "0889-42-3300", 1012, False, "広域避難場所", None),
    ("桜ヶ丘コミュニティセンター", "サクラガオカコミュニティセンター", "Sakuragaoka Community Center", "桜ヶ丘", (-2.20, 1.50),
     F("洪水", "地震", "津波", "大規模な火事", "内水氾濫"), True, "120",
     ["桜ヶ丘自治会", "汐入自治会"], "", "0889-42-5120", None, False, "", None),
    ("上ノ村ふれあいセンター", "カミノムラフレアイセンター", "Kaminomura Fureai Center", "大字上ノ村", (-1.00, 4.60),
     F("洪水", "地震", "大規模な火事"), True, "80",
     ["上ノ村自治会"], "64.0", "0889-43-0211", 1014, False, "", None),
    ("潮見市役所", "シオミシヤクショ", "Shiomi City Hall", "本町三丁目", (0.25, 1.25),
     F("地震", "津波", "大規模な火事"), False, "500", ["本町三丁目自治会", "本町二丁目自治会"], "", "0889-42-1111",
     1015, False, "津波時は本庁舎4階以上", None),
]

# 指定避難所 (the shelters for staying), with the 福祉避難所 flag
SHELTERS = [
    ("潮見市立潮見小学校 体育館", "シオミシリツシオミショウガッコウ タイイクカン", "Shiomi Elementary School Gym", "旭町", (-1.25, 1.75),
     True, "650", ["旭町自治会", "本町二丁目自治会", "浜田地区自治会"], False, "", "0889-42-2301"),
    ("潮見市立潮見中学校 体育館", "シオミシリツシオミチュウガッコウ タイイクカン", "Shiomi Junior High School Gym", "山手町", (-1.15, 2.60),
     True, "800", ["山手町内会", "本町一丁目自治会", "新町自治会"], False, "", "0889-42-2401"),
    ("潮見市立港小学校 体育館", "シオミシリツミナトショウガッコウ タイイクカン", "Minato Elementary School Gym", "港町二丁目", (1.95, 0.68),
     True, "420", ["港町自主防災会"], False, "", "0889-42-2302"),
    ("潮見市民会館", "シオミシミンカイカン", "Shiomi Civic Hall", "本町二丁目", (0.20, 1.95),
     True, "350", ["本町一丁目自治会", "本町二丁目自治会", "本町三丁目自治会"], False, "", "0889-42-1111"),
    ("桜ヶ丘コミュニティセンター", "サクラガオカコミュニティセンター", "Sakuragaoka Community Center", "桜ヶ丘", (-2.20, 1.50),
     True, "120", ["桜ヶ丘自治会", "汐入自治会"], False, "", "0889-42-5120"),
    ("上ノ村ふれあいセンター", "カミノムラフレアイセンター", "Kaminomura Fureai Center", "大字上ノ村", (-1.00, 4.60),
     True, "80", ["上ノ村自治会"], False, "", "0889-43-0211"),
    ("潮見市総合福祉センター", "シオミシソウゴウフクシセンター", "Shiomi Welfare Center", "旭町", (-0.95, 1.42),
     False, "60", [], True, "要配慮者", "0889-42-3939"),
    ("栄町コミュニティ防災センター", "サカエマチコミュニティボウサイセンター", "Sakaemachi Community Disaster Center", "栄町", (3.45, 2.05),
     False, "150", ["栄町自治会"], False, "", "0889-42-4411"),
]


def tsunami_ok(place):
    return place[5]["津波"]


def flood_ok(place):
    return place[5]["洪水"]


# ---------------------------------------------------------------------------------------------
# Block points: a jittered point in each block's cell, kept ≥ MARGIN from every hazard boundary
# and never within MARGIN of the 600 m line to a tsunami place, so facts do not hang on metres.
# ---------------------------------------------------------------------------------------------

MARGIN_KM = 0.015
ALL_RINGS = []
for layer in (A31, A40, A49, A33):
    for f in layer:
        for poly in f["polys"]:
            ALL_RINGS.extend(poly)


def ll_of(p):
    lon, lat = to_ll(p, 6)
    return lat, lon


def tsunami_dists(p):
    lat, lon = ll_of(p)
    return [haversine(lat, lon, *ll_of(pl_[4])) for pl_ in PLACES if tsunami_ok(pl_)]


def ok_point(p):
    if any(dist_to_ring(p, r) < MARGIN_KM for r in ALL_RINGS):
        return False
    if any(abs(d - 600) < MARGIN_KM * 1000 for d in tsunami_dists(p)):
        return False
    return True


def block_points():
    pts = {}
    for s in STREETS:
        r = rng("blocks/" + s[0])
        for b, (cx, cy, cw, ch) in enumerate(cells(s), start=1):
            for attempt in range(400):
                spread = 0.12 + 0.3 * min(1.0, attempt / 200)
                p = (cx + r.uniform(-spread, spread) * cw, cy + r.uniform(-spread, spread) * ch)
                if ok_point(p):
                    break
            else:
                raise SystemExit(f"no clear point for {s[0]}{b}番")
            pts[(s[0], b)] = p
    return pts


# ---------------------------------------------------------------------------------------------
# Plane rectangular coordinates (平面直角座標系), zone IV: origin 33°N 133°30'E, m0 = 0.9999,
# GRS80, Krüger series (as the GSI computes them).
# ---------------------------------------------------------------------------------------------


def plane_rect(lat, lon, lat0=33.0, lon0=133.5):
    a, F_ = 6378137.0, 298.257222101
    n = 1 / (2 * F_ - 1)
    m0 = 0.9999
    A = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    al = [0, n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16, 13 * n**2 / 48 - 3 * n**3 / 5, 61 * n**3 / 240]
    k = 2 * math.sqrt(n) / (1 + n)

    def xe(phi, lam):
        t = math.sinh(math.atanh(math.sin(phi)) - k * math.atanh(k * math.sin(phi)))
        tb = math.sqrt(1 + t * t)
        lc, ls = math.cos(lam - math.radians(lon0)), math.sin(lam - math.radians(lon0))
        xi, eta = math.atan2(t, lc), math.atanh(ls / tb)
        x = xi + sum(al[j] * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j in (1, 2, 3))
        y = eta + sum(al[j] * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j in (1, 2, 3))
        return m0 * A * x, m0 * A * y

    x, y = xe(math.radians(lat), math.radians(lon))
    x0, _ = xe(math.radians(lat0), math.radians(lon0))
    return x - x0, y


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def path(*p):
    return os.path.join(HERE, *p)


def write_bytes(rel, data):
    full = path(rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)


def csv_text(rows, quote_all=True, eol="\r\n"):
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator=eol)
    w.writerows(rows)
    return buf.getvalue()


GAIKU_HEADER = ["都道府県名", "市区町村名", "大字・丁目名", "小字・通称名", "街区符号・地番", "座標系番号",
                "Ｘ座標", "Ｙ座標", "緯度", "経度", "住居表示フラグ", "代表フラグ", "更新前履歴フラグ",
                "更新後履歴フラグ"]
OAZA_HEADER = ["都道府県コード", "都道府県名", "市区町村コード", "市区町村名", "大字町丁目コード", "大字町丁目名",
               "緯度", "経度", "原典資料コード", "大字・字・丁目区分コード"]

# A few rows of the real 高知市 (392014) to make "本町一丁目" ambiguous across municipalities.
KOCHI_ROWS = [("本町一丁目", b, 33.55905 + 0.0004 * (b % 3), 133.52870 + 0.0009 * b) for b in range(1, 6)] + \
             [("本町二丁目", b, 33.56010 + 0.0004 * (b % 2), 133.52610 + 0.0009 * b) for b in range(1, 4)]


def gaiku_row(city, town, block, lat, lon, jukyo):
    x, y = plane_rect(lat, lon)
    return [PREF, city, town, "", str(block), "4", f"{x:.1f}", f"{y:.1f}", f"{lat:.6f}", f"{lon:.6f}",
            "1" if jukyo else "0", "1", "0", "0"]


def jukyo_flag(name):
    return not is_oaza(name)  # 住居表示実施: every street but the 大字


def make_gaiku(blocks):
    rows = [GAIKU_HEADER]
    for town, b, lat, lon in KOCHI_ROWS:
        rows.append(gaiku_row("高知市", town, b, lat, lon, True))
    for s in STREETS:
        for b in range(1, 30):
            if (s[0], b) in NO_GAIKU:
                continue
            lat, lon = ll_of(blocks[(s[0], b)])
            rows.append(gaiku_row(CITY, s[0], b, lat, lon, jukyo_flag(s[0])))
    write_bytes("39_2024_gaiku.csv", csv_text(rows).encode("cp932"))
    return rows


def oaza_point(name, blocks):
    """The representative point: given for the two streets whose homes use it, else the mean of
    the street's block points."""
    if name in OAZA_POINT:
        return OAZA_POINT[name]
    pts = [blocks[(name, b)] for b in range(1, 30)]
    return (sum(x for x, _ in pts) / 29, sum(y for _, y in pts) / 29)


def make_oaza(blocks):
    rows = [OAZA_HEADER]
    rows.append([PREF_CODE, PREF, KOCHI5, "高知市", KOCHI5 + "0141001", "本町一丁目", "33.559870", "133.531300", "2", "3"])
    rows.append([PREF_CODE, PREF, KOCHI5, "高知市", KOCHI5 + "0141002", "本町二丁目", "33.560310", "133.527900", "2", "3"])
    for s in sorted(STREETS, key=lambda s: OAZA_CODE[s[0]]):
        name = s[0]
        lat, lon = ll_of(oaza_point(name, blocks))
        kubun = "3" if is_choume(name) else ("1" if is_oaza(name) else "0")
        source = "1" if name == "大字上ノ村" else "2"
        rows.append([PREF_CODE, PREF, CITY5, CITY, CITY5 + OAZA_CODE[name], name, f"{lat:.6f}", f"{lon:.6f}", source, kubun])
    write_bytes("39_2024_oaza.csv", csv_text(rows).encode("cp932"))
    return rows


def geometry_json(polys):
    rings = [[[to_ll(p) for p in close(r)] for r in poly] for poly in polys]
    if len(rings) == 1:
        return {"type": "Polygon", "coordinates": rings[0]}
    return {"type": "MultiPolygon", "coordinates": rings}


def geojson_text(name, feats, geom=geometry_json):
    lines = ["{", '"type": "FeatureCollection",', f'"name": "{name}",',
             '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::6668" } },', '"features": [']
    body = []
    for f in feats:
        g = f["geometry"] if "geometry" in f else geom(f["polys"])
        body.append(json.dumps({"type": "Feature", "properties": f["props"], "geometry": g},
                               ensure_ascii=False, separators=(", ", ": ")))
    lines.append(",\n".join(body))
    lines += ["]", "}", ""]
    return "\n".join(lines)


def make_geojson(fname, name, feats):
    text = geojson_text(name, feats)
    write_bytes(fname, text.encode("utf-8"))
    return text


# --- Shapefile --------------------------------------------------------------------------------

PRJ_JGD2011 = ('GEOGCS["JGD2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]],'
               'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
ZIP_DATE = (2024, 3, 29, 0, 0, 0)


def shp_bytes(feats, encoding, char_width):
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    w = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding)
    w.field("A33_001", "N", 2, 0)
    w.field("A33_002", "N", 2, 0)
    w.field("A33_003", "C", 2)
    w.field("A33_004", "C", char_width // 4)
    w.field("A33_005", "C", char_width)
    w.field("A33_006", "C", char_width)
    w.field("A33_007", "C", 10)
    w.field("A33_008", "N", 1, 0)
    for f in feats:
        rings = []
        for poly in f["polys"]:
            for i, r in enumerate(poly):
                ll = [tuple(to_ll(p)) for p in close(r)]
                # Shapefile rings: outer clockwise, holes counter-clockwise (the reverse of GeoJSON)
                if (signed_area(ll) > 0) == (i == 0):
                    ll = ll[::-1]
                rings.append(ll)
        w.poly(rings)
        p = f["props"]
        w.record(p["A33_001"], p["A33_002"], p["A33_003"], p["A33_004"], p["A33_005"], p["A33_006"],
                 p["A33_007"] or "", p["A33_008"])
    w.close()
    d = bytearray(dbf.getvalue())
    d[1:4] = bytes([2024 - 1900, 3, 29])  # the dbf header's "last update" date, fixed
    return shp.getvalue(), shx.getvalue(), bytes(d)


def make_shp_zip(fname, base, feats, encoding, cpg, char_width):
    shp, shx, dbf = shp_bytes(feats, encoding, char_width)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        entries = [(base + ".shp", shp), (base + ".shx", shx), (base + ".dbf", dbf),
                   (base + ".prj", PRJ_JGD2011.encode("ascii"))]
        if cpg:
            entries.append((base + ".cpg", cpg.encode("ascii")))
        for n, data in entries:
            zi = zipfile.ZipInfo(n, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    write_bytes(fname, buf.getvalue())


# --- Shelters ----------------------------------------------------------------------------------

HALF = dict(zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー・　",
                "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ･ "))


def half_kana(s):
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if ch == "\u3099":
            out.append("ﾞ")
        elif ch == "\u309a":
            out.append("ﾟ")
        else:
            out.append(HALF.get(ch, ch))
    return "".join(out)


DA_EMERGENCY_HEADER = [
    "全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字", "所在地_全国地方公共団体コード", "町字ID",
    "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)",
    "緯度", "経度", "標高", "電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL",
    "連絡先備考（その他、SNSなど）", "郵便番号", "市区町村コード", "地方公共団体名",
    "災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮", "災害種別_地震", "災害種別_津波",
    "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象", "指定避難所との重複", "想定収容人数",
    "対象となる町会・自治会", "URL", "画像", "画像_ライセンス", "備考",
]
assert len(DA_EMERGENCY_HEADER) == 39
EXTRA_AT = DA_EMERGENCY_HEADER.index("想定収容人数")  # the unnamed empty column goes before it

DA_SHELTER_HEADER = [
    "全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字", "所在地_全国地方公共団体コード", "町字ID",
    "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)",
    "緯度", "経度", "標高", "電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL",
    "連絡先備考（その他、SNSなど）", "郵便番号", "市区町村コード", "地方公共団体名",
    "指定緊急避難場所との重複", "想定収容人数", "対象となる町会・自治会", "福祉避難所", "受入対象者",
    "URL", "画像", "画像_ライセンス", "備考",
]

GSI_HEADER = ["NO", "共通ID", "都道府県名及び市町村名", "施設・場所名", "住所", "洪水", "崖崩れ、土石流及び地滑り",
              "高潮", "地震", "津波", "大規模な火事", "内水氾濫", "火山現象", "指定避難所との住所同一", "緯度", "経度", "備考"]


def nearest_block(street, p, blocks):
    best = min(range(1, 30), key=lambda b: math.dist(p, blocks[(street, b)]))
    return best


def place_address(street, p, blocks, salt):
    b = nearest_block(street, p, blocks)
    go = 1 + rng("go/" + salt).randrange(24)
    return f"{b}番{go}号"


def postal(street):
    code = STREET[street][1]
    return f"{code[:3]}-{code[3:]}"


def gsi_id(serial):
    return f"E{CITY5}0000{serial:04d}"


def make_da_emergency(blocks):
    rows = []
    head = DA_EMERGENCY_HEADER[:EXTRA_AT] + [""] + DA_EMERGENCY_HEADER[EXTRA_AT:]
    rows.append(head)
    for i, pl_ in enumerate(PLACES):
        (name, kana, en, street, p, flags, dup, cap, assoc, elev, tel, serial, tower, note, gsi_addr) = pl_
        lat, lon = ll_of(p)
        banchi = place_address(street, p, blocks, name)
        if gsi_addr:  # a land lot (地番), not a 住居表示 number
            banchi = unicodedata.normalize("NFKC", gsi_addr).split(street, 1)[1]
        split = i % 3 != 2  # some rows leave the split address columns empty
        row = [CITY6, gsi_id(serial) if serial else "", name, half_kana(kana), en, CITY6, "",
               f"{PREF}{CITY}{street}{banchi}",
               PREF if split else "", CITY if split else "", street if split else "", banchi if split else "", "",
               f"{lat:.6f}", f"{lon:.6f}", elev, tel, "", "", "",
               "潮見市危機管理課 0889-42-1111" if tower else "", postal(street), CITY6, CITY]
        row += ["1" if flags[k] else "" for k in FLAGS]
        row += ["1" if dup else "", cap, ";".join(assoc), "", "", "", note]
        row = row[:EXTRA_AT] + [""] + row[EXTRA_AT:]
        assert len(row) == 40
        rows.append(row)
    # UTF-8 with BOM, LF line ends, quoted only where needed (as one city publishes)
    text = csv_text(rows, quote_all=False, eol="\n")
    write_bytes("shelters-emergency-da.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    return rows


def make_da_shelters(blocks):
    rows = [DA_SHELTER_HEADER + [""]]  # Excel's trailing empty column
    for i, (name, kana, en, street, p, dup, cap, assoc, welfare, target, tel) in enumerate(SHELTERS, start=1):
        lat, lon = ll_of(p)
        banchi = place_address(street, p, blocks, name.split(" ")[0])
        row = [CITY6, f"{CITY6}-S{i:03d}", name, kana, en, CITY6, "", f"{PREF}{CITY}{street}{banchi}",
               PREF, CITY, street, banchi, "", f"{lat:.6f}", f"{lon:.6f}", "", tel, "", "", "", "",
               postal(street), CITY6, CITY, "1" if dup else "", cap, ";".join(assoc),
               "1" if welfare else "", target, "", "", "", "福祉避難所（二次避難所）" if welfare else ""]
        rows.append(row + [""])
    write_bytes("shelters-da-cp932.csv", csv_text(rows).encode("cp932"))
    return rows


def make_gsi(blocks):
    rows = [GSI_HEADER]
    for i, pl_ in enumerate(PLACES, start=1):
        (name, kana, en, street, p, flags, dup, cap, assoc, elev, tel, serial, tower, note, gsi_addr) = pl_
        lat, lon = ll_of(p)
        addr = gsi_addr or f"{PREF}{CITY}{street}{place_address(street, p, blocks, name)}"
        rows.append([str(i), gsi_id(serial or 1000 + i), PREF + CITY, name, addr] +
                    ["1" if flags[k] else "" for k in FLAGS] +
                    ["1" if dup else "", f"{lat:.6f}", f"{lon:.6f}", ""])
    text = csv_text(rows, quote_all=False, eol="\r\n")
    write_bytes("mergeFromCity_2.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    return rows


def make_persons(blocks):
    picks = [("900001", "本町一丁目", 5), ("900002", "港町一丁目", 10), ("900003", "汐入", 2)]
    rows = [["宛名番号", "緯度", "経度"]]
    for num, street, b in picks:
        x, y = blocks[(street, b)]
        lat, lon = ll_of((x + 0.012, y - 0.008))  # the house, a little off the block's point
        rows.append([num, f"{lat:.6f}", f"{lon:.6f}"])
    write_bytes("persons-coordinates.csv", csv_text(rows, quote_all=False, eol="\n").encode("utf-8"))
    return picks


# --- Bad files ----------------------------------------------------------------------------------


def make_bad(blocks, a33_text, gaiku_rows, da_rows):
    # 1. feature 2 has a self-intersecting (bow-tie) outer ring
    good1 = blob(3.3, 3.0, 0.20, 0.15, "bad/1", n=16)
    bow = blob(3.3, 3.6, 0.20, 0.15, "bad/2", n=16)
    bow[3], bow[11] = bow[11], bow[3]
    good3 = blob(3.3, 4.2, 0.20, 0.15, "bad/3", n=16)
    feats = [{"props": a31_props(1, 2, 2, None), "polys": [[r]]} for r in (good1, bow, good3)]
    write_bytes("bad/A31-self-intersecting.geojson", geojson_text("A31-12_39_bad", feats).encode("utf-8"))
    assert ring_self_intersections([tuple(to_ll(p)) for p in close(bow)])
    # 2. feature 3 has [lat, lon] instead of [lon, lat]
    feats = [dict(f) for f in A40[:4]]
    swapped = {"type": "Polygon", "coordinates": [[[lat, lon] for lon, lat in
                                                   geometry_json(A40[2]["polys"][:1])["coordinates"][0]]]}
    feats[2] = {"props": A40[2]["props"], "geometry": swapped}
    write_bytes("bad/A40-swapped-latlon.geojson", geojson_text("A40-16_39_bad", feats).encode("utf-8"))
    # 3. truncated in the middle of a coordinate
    cut = a33_text.index("133.", len(a33_text) // 2) + 6
    write_bytes("bad/A33-truncated.geojson", a33_text[:cut].encode("utf-8"))
    # 4. 街区 CSV: line 4 has no 緯度, line 6 lies outside Japan (緯度 3.4…, a dropped digit)
    rows = [gaiku_rows[0]] + [list(r) for r in gaiku_rows[9:14]]
    rows[3][8] = ""
    rows[5][8] = rows[5][8][1:]
    write_bytes("bad/gaiku-bad.csv", csv_text(rows).encode("cp932"))
    # 5. shelters: line 4 has 緯度 and 経度 swapped
    rows = [list(r) for r in da_rows[:5]]
    lat_i, lon_i = rows[0].index("緯度"), rows[0].index("経度")
    rows[3][lat_i], rows[3][lon_i] = rows[3][lon_i], rows[3][lat_i]
    write_bytes("bad/shelters-swapped-latlon.csv",
                b"\xef\xbb\xbf" + csv_text(rows, quote_all=False, eol="\n").encode("utf-8"))
    return {"gaiku_missing_lat_line": 4, "gaiku_outside_line": 6, "shelter_swapped_line": 4,
            "shelter_swapped_name": rows[3][2]}


# ---------------------------------------------------------------------------------------------
# Validation and facts (everything below reads the files back)
# ---------------------------------------------------------------------------------------------


def read_csv(rel, encoding, eol, bom=False, all_quoted=False):
    raw = open(path(rel), "rb").read()
    if bom:
        assert raw.startswith(b"\xef\xbb\xbf"), rel + ": no BOM"
        raw = raw[3:]
    else:
        assert not raw.startswith(b"\xef\xbb\xbf"), rel + ": unexpected BOM"
    text = raw.decode(encoding)  # strict
    if eol == "\r\n":
        assert "\n" not in text.replace("\r\n", ""), rel + ": bare LF"
    else:
        assert "\r" not in text, rel + ": CR found"
    assert text.endswith(eol)
    if all_quoted:
        for line in text.split(eol)[:-1]:
            assert re.fullmatch(r'"[^"]*"(,"[^"]*")*', line), rel + ": unquoted field in " + line
    return list(csv.reader(io.StringIO(text, newline="")))


def check_ring(ring, outer, where):
    assert len(ring) >= 4 and ring[0] == ring[-1], f"{where}: ring not closed"
    a = signed_area(ring)
    assert (a > 0) == outer, f"{where}: {'outer' if outer else 'hole'} ring wrongly oriented"
    bad = ring_self_intersections([tuple(p) for p in ring])
    assert not bad, f"{where}: self-intersection {bad[:3]}"
    for lon, lat in ring:
        assert 133.36 <= lon <= 133.46 and 33.42 <= lat <= 33.50, f"{where}: outside the town box"


def load_layer(rel):
    data = json.load(open(path(rel), encoding="utf-8"))
    assert data["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::6668"
    feats = []
    for i, f in enumerate(data["features"], start=1):
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for j, poly in enumerate(polys):
            for k, ring in enumerate(poly):
                check_ring(ring, k == 0, f"{rel} feature {i} polygon {j + 1} ring {k + 1}")
            for h in poly[1:]:
                assert not rings_cross(poly[0], h), f"{rel} feature {i}: hole crosses outer ring"
                assert all(point_in_ring(p, poly[0]) for p in h), f"{rel} feature {i}: hole outside"
        feats.append((f["properties"], polys))
    return feats


def in_feature(pt, polys):
    return any(point_in_polygon(pt, poly) for poly in polys)


def check_no_overlap(rel, feats):
    """Bands of one layer must not overlap: no vertex of one feature lies strictly inside another."""
    for i, (_, pa) in enumerate(feats):
        for j, (_, pb) in enumerate(feats):
            if i == j:
                continue
            for a in pa:
                for b in pb:
                    for p in a[0]:
                        if point_in_polygon(p, b) and all(dist_to_ring(p, r) > 1e-9 for r in b):
                            raise AssertionError(f"{rel}: features {i + 1} and {j + 1} overlap")


def ranges(nums):
    nums = sorted(nums)
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append((start, prev))
            start = prev = n
    if start is not None:
        out.append((start, prev))
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in out)


def validate_and_facts(extra):
    out = {}
    # --- CSVs
    gaiku = read_csv("39_2024_gaiku.csv", "cp932", "\r\n", all_quoted=True)
    assert gaiku[0] == GAIKU_HEADER and all(len(r) == 14 for r in gaiku)
    oaza = read_csv("39_2024_oaza.csv", "cp932", "\r\n", all_quoted=True)
    assert oaza[0] == OAZA_HEADER and all(len(r) == 10 for r in oaza)
    da = read_csv("shelters-emergency-da.csv", "utf-8", "\n", bom=True)
    assert len(da[0]) == 40 and da[0][EXTRA_AT] == "" and [h for h in da[0] if h] == DA_EMERGENCY_HEADER
    assert all(len(r) == 40 for r in da)
    sh = read_csv("shelters-da-cp932.csv", "cp932", "\r\n", all_quoted=True)
    assert sh[0][:-1] == DA_SHELTER_HEADER and sh[0][-1] == "" and all(len(r) == len(sh[0]) for r in sh)
    gsi = read_csv("mergeFromCity_2.csv", "utf-8", "\r\n", bom=True)
    assert gsi[0] == GSI_HEADER and all(len(r) == 17 for r in gsi)
    assert any("８７１－イ" in r[4] for r in gsi)
    persons = read_csv("persons-coordinates.csv", "utf-8", "\n")
    assert persons[0] == ["宛名番号", "緯度", "経度"] and len(persons) == 4

    # --- geometry
    a31 = load_layer("A31-shiomi.geojson")
    a33 = load_layer("A33-shiomi.geojson")
    a40 = load_layer("A40-shiomi.geojson")
    a49 = load_layer("A49-shiomi.geojson")
    for rel, feats in (("A31", a31), ("A40", a40), ("A49", a49)):
        check_no_overlap(rel, feats)
    assert any(len(poly) > 1 for _, polys in a31 for poly in polys)
    assert any(len(poly) > 1 for _, polys in a40 for poly in polys)
    nverts = [len(r) for layer in (a31, a33, a40, a49) for _, polys in layer for poly in polys for r in poly]
    out["vertices"] = (min(nverts), max(nverts))
    # A31 nesting: the outer ring of each rank lies inside the next lower rank's outer ring
    r1o, r2o = a31[0][1][0][0], a31[1][1][0][0]
    r3a, r3b = a31[2][1][0][0], a31[3][1][0][0]
    for inner, outer_ in ((r2o, r1o), (r3a, r2o), (r3b, r2o)):
        assert inner == outer_ or not rings_cross(inner, outer_)
        assert all(point_in_ring(p, outer_) for p in inner)
    # A33: 特別 zones inside their 警戒 zones
    for red, yellow in A33_NESTED:
        rr, yr = a33[red][1][0][0], a33[yellow][1][0][0]
        assert a33[red][0]["A33_002"] in (2, 4) and a33[yellow][0]["A33_002"] in (1, 3)
        assert not rings_cross(rr, yr) and all(point_in_ring(p, yr) for p in rr)

    # shapefiles read back
    for zname, enc, cpg in (("A33-shiomi-shp.zip", "cp932", None), ("A33-shiomi-utf8-shp.zip", "utf-8", "UTF-8")):
        z = zipfile.ZipFile(path(zname))
        names = sorted(z.namelist())
        exp = sorted(["A33-shiomi.shp", "A33-shiomi.shx", "A33-shiomi.dbf", "A33-shiomi.prj"] +
                     (["A33-shiomi.cpg"] if cpg else []))
        assert names == exp, names
        if cpg:
            assert z.read("A33-shiomi.cpg").decode() == cpg
        assert z.read("A33-shiomi.prj").decode().startswith('GEOGCS["JGD2011"')
        r = shapefile.Reader(shp=io.BytesIO(z.read("A33-shiomi.shp")), shx=io.BytesIO(z.read("A33-shiomi.shx")),
                             dbf=io.BytesIO(z.read("A33-shiomi.dbf")), encoding=enc)
        assert len(r) == len(a33)
        for (props, polys), sr in zip(a33, r.iterShapeRecords()):
            rec = sr.record.as_dict()
            for k in ("A33_001", "A33_002", "A33_003", "A33_004", "A33_005", "A33_006", "A33_008"):
                assert rec[k] == props[k], (zname, k, rec[k], props[k])
            assert signed_area([tuple(p) for p in sr.shape.points]) < 0  # outer clockwise in shp
        if enc == "cp932":  # the dbf really is CP932, not UTF-8
            raw = z.read("A33-shiomi.dbf")
            assert "山手町".encode("cp932") in raw and "山手町".encode("utf-8") not in raw

    # --- facts
    blocks = {}
    for r in gaiku[1:]:
        if r[1] == CITY:
            blocks[(r[2], int(r[4]))] = (float(r[9]), float(r[8]))  # (lon, lat)
    oaza_pt = {r[5]: (float(r[7]), float(r[6])) for r in oaza[1:] if r[3] == CITY}
    homes = {}
    for s in STREETS:
        for b in range(1, 30):
            homes[(s[0], b)] = blocks.get((s[0], b), oaza_pt[s[0]])
    assert set(blocks) == {(s[0], b) for s in STREETS for b in range(1, 30)} - NO_GAIKU

    def flood(p):
        for props, polys in a31:
            if in_feature(p, polys):
                return props["A31_201"], props["A31_101"], props["A31_401"]
        return 0, None, None

    def band(layer, key, p):
        for props, polys in layer:
            if in_feature(p, polys):
                return props[key]
        return None

    def slides(p):
        return [(props["A33_001"], props["A33_002"], props["A33_005"]) for props, polys in a33 if in_feature(p, polys)]

    places = []
    hdr = da[0]
    for r in da[1:]:
        d = dict(zip(hdr, r))
        places.append({"name": d["名称"], "lat": float(d["緯度"]), "lon": float(d["経度"]),
                       "flags": {k: d["災害種別_" + k] == "1" for k in FLAGS},
                       "tower": "タワー" in d["名称"]})
    # the town-level points used as homes keep the same margins as the block points
    for name in OAZA_POINT:
        assert ok_point(to_km(*oaza_pt[name])), name
    # the bad files are bad in the stated way
    try:
        json.load(open(path("bad/A33-truncated.geojson"), encoding="utf-8"))
        raise AssertionError("truncated file parses")
    except json.JSONDecodeError:
        pass
    sw = json.load(open(path("bad/A40-swapped-latlon.geojson"), encoding="utf-8"))["features"]
    def first_values(g):
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        return [c[0] for poly in polys for ring in poly for c in ring]
    assert all(v > 100 for f in sw[:2] + sw[3:] for v in first_values(f["geometry"]))
    assert all(v < 40 for v in first_values(sw[2]["geometry"]))
    si = json.load(open(path("bad/A31-self-intersecting.geojson"), encoding="utf-8"))["features"]
    assert [bool(ring_self_intersections(f["geometry"]["coordinates"][0])) for f in si] == [False, True, False]
    bg = read_csv("bad/gaiku-bad.csv", "cp932", "\r\n", all_quoted=True)
    assert bg[3][8] == "" and not 20 <= float(bg[5][8]) <= 46
    bs = read_csv("bad/shelters-swapped-latlon.csv", "utf-8", "\n", bom=True)
    assert float(bs[3][bs[0].index("緯度")]) > 100 and float(bs[3][bs[0].index("経度")]) < 40
    # designation rules
    for pl_ in places:
        p = (pl_["lon"], pl_["lat"])
        if pl_["flags"]["洪水"]:
            assert flood(p)[0] == 0, pl_["name"] + " is flood-suitable but in a flood zone"
        if pl_["flags"]["津波"] and not pl_["tower"]:
            assert band(a40, "A40_003", p) is None, pl_["name"] + " is tsunami-suitable but in the zone"
        if pl_["flags"]["高潮"] and not pl_["tower"]:
            assert band(a49, "A49_003", p) is None, pl_["name"]
        if pl_["flags"]["崖崩れ、土石流及び地滑り"]:
            assert not slides(p), pl_["name"]
    assert any(not p["flags"]["洪水"] for p in places)
    assert any([k for k in FLAGS if p["flags"][k]] == ["地震"] for p in places)
    for pl_ in places:
        p = (pl_["lon"], pl_["lat"])
        pl_["in"] = {"flood": flood(p)[0], "tsunami": band(a40, "A40_003", p), "slide": slides(p)}

    def dist(home, pl_):
        lon, lat = homes[home]
        return haversine(lat, lon, pl_["lat"], pl_["lon"])

    fl = {h: flood(p) for h, p in homes.items()}
    ts = {h: band(a40, "A40_003", p) for h, p in homes.items()}
    su = {h: band(a49, "A49_003", p) for h, p in homes.items()}
    sl = {h: slides(p) for h, p in homes.items()}

    # required facts
    for b in range(1, 16):
        assert fl[("本町一丁目", b)][:2] == (3, 2), ("本町一丁目", b, fl[("本町一丁目", b)])
    for b in range(1, 30):
        assert ts[("港町一丁目", b)] == "5m以上～10m未満", ("港町一丁目", b, ts[("港町一丁目", b)])
    assert any(z[1] == 2 for b in range(1, 30) for z in sl[("山手町", b)])
    assert any(z[1] == 3 for b in range(1, 30) for z in sl[("桜ヶ丘", b)])
    for st in ("旭町", "栄町"):
        for b in range(1, 30):
            h = (st, b)
            assert fl[h][0] == 0 and ts[h] is None and su[h] is None and not sl[h], h
    assert any(ts[("本町三丁目", b)] for b in range(1, 30))

    tsu = [p for p in places if p["flags"]["津波"]]
    fld = [p for p in places if p["flags"]["洪水"]]
    h = ("本町一丁目", 5)
    fd = sorted(((dist(h, p), p) for p in fld), key=lambda t: t[0])
    assert fd[1][0] - fd[0][0] > 50
    h2 = ("港町一丁目", 10)
    td = sorted(((dist(h2, p), p) for p in tsu), key=lambda t: t[0])
    assert td[1][0] - td[0][0] > 50
    far = {hh: min(dist(hh, p) for p in tsu) for hh in homes}
    for hh, d in far.items():
        assert abs(d - 600) > 10, (hh, d)
    far_all = sorted([hh for hh, d in far.items() if d > 600], key=lambda t: ([s[0] for s in STREETS].index(t[0]), t[1]))
    far_zone = [hh for hh in far_all if ts[hh]]
    shioiri_far = [b for (st, b) in far_zone if st == "汐入"]
    assert shioiri_far and max(shioiri_far) < 25 and len(shioiri_far) <= 8, shioiri_far
    assert all(st == "汐入" for st, _ in far_zone), far_zone

    out.update(dict(fl=fl, ts=ts, su=su, sl=sl, places=places, fd=fd, td=td, far=far, far_all=far_all,
                    far_zone=far_zone, homes=homes, blocks=blocks, oaza_pt=oaza_pt, extra=extra,
                    a31=a31, a33=a33, a40=a40, a49=a49))
    return out


def by_value(street, fn):
    groups = {}
    for b in range(1, 30):
        groups.setdefault(fn(b), []).append(b)
    return groups


def label(st):
    tl = [b for b in range(1, 30) if (st, b) in NO_GAIKU]
    if not tl:
        return st
    if len(tl) == 29:
        return f"{st} (all blocks at town level)"
    return f"{st} ({ranges(tl)} at town level)"


def facts_markdown(F_):
    fl, ts, su, sl = F_["fl"], F_["ts"], F_["su"], F_["sl"]
    L = []
    L.append("All facts below are computed by `make_samples.py` from the files as written (block points from")
    L.append("`39_2024_gaiku.csv`, polygons from the GeoJSON files, places from `shelters-emergency-da.csv`),")
    L.append("by point-in-polygon and the haversine formula (R = 6371008.8 m). A *home* at `{street}{n}番{m}号` is")
    L.append("the 街区 point of `{street}` block n; 汐入 blocks 25–29 and all of 大字上ノ村 have no 街区 row")
    L.append("and use the 大字・町丁目 point of `39_2024_oaza.csv` (marked *town level*). Every block point is at")
    L.append("least 15 m from every hazard boundary and at least 15 m from the 600 m line, so the facts do not")
    L.append("hang on rounding. Blocks not listed for a layer are outside it. `facts.json` has the same facts.")
    L.append("")
    L.append("### Flood (A31): 想定最大規模 rank `A31_201` (計画規模 rank `A31_101` in brackets)")
    L.append("")
    for s in STREETS:
        st = s[0]
        g = by_value(st, lambda b: fl[(st, b)][:2])
        parts = []
        for (mx, plan), bs in sorted(g.items(), key=lambda kv: -kv[0][0]):
            if mx == 0:
                continue
            parts.append(f"rank {mx} ({'planned ' + str(plan) if plan else 'planned: none'}): {ranges(bs)}")
        L.append(f"- {label(st)}: " + ("; ".join(parts) if parts else "none"))
    hk = [(st, b) for (st, b), v in fl.items() if v[2]]
    L.append("")
    L.append("Ranks: 1 = 0–0.5 m, 2 = 0.5–3.0 m, 3 = 3.0–5.0 m. `A31_401` (危険区域区分) is empty everywhere except the")
    L.append("rank-3 core at 大字中村, where it is 1 (氾濫流): " + (
        "; ".join(f"{st} {ranges([b for s2, b in hk if s2 == st])}" for st in dict.fromkeys(s for s, _ in hk))
        if hk else "no home lies in it") + ".")
    L.append("")
    L.append("### Tsunami (A40, `A40_003`)")
    L.append("")
    for s in STREETS:
        st = s[0]
        g = by_value(st, lambda b: ts[(st, b)])
        order = [lbl for _, lbl in TSUNAMI_BANDS][::-1]
        parts = [f"{lbl}: {ranges(g[lbl])}" for lbl in order if lbl in g]
        L.append(f"- {label(st)}: " + ("; ".join(parts) if parts else "none"))
    onhill = [b for b in range(1, 30) if ts[("汐入", b)] is None]
    L.append("")
    L.append(f"汐入 {ranges(onhill)} stands on 汐入山, the hole in the 2m以上～5m未満 band, so it is in no tsunami band.")
    L.append("")
    L.append("### Storm surge (A49, `A49_003`)")
    L.append("")
    for s in STREETS:
        st = s[0]
        g = by_value(st, lambda b: su[(st, b)])
        parts = [f"{lbl}: {ranges(g[lbl])}" for _, lbl in SURGE_BANDS[::-1] if lbl in g]
        if parts:
            L.append(f"- {label(st)}: " + "; ".join(parts))
    L.append("- every other street: none")
    L.append("")
    L.append("### Landslide (A33)")
    L.append("")
    for s in STREETS:
        st = s[0]
        g = by_value(st, lambda b: tuple(sorted((z[0], z[1]) for z in sl[(st, b)])))
        parts = []
        for key, bs in sorted(g.items()):
            if not key:
                continue
            desc = " + ".join(f"{PHENOMENON[k]} {ZONE_KIND[z]} (A33_001={k}, A33_002={z})" for k, z in key)
            parts.append(f"{ranges(bs)}: {desc}")
        if parts:
            L.append(f"- {label(st)}: " + "; ".join(parts))
    L.append("- every other street: none. 指定前 (A33_002 3 or 4) zones hold homes only in 桜ヶ丘.")
    L.append("")
    L.append("### Streets in no zone at all")
    L.append("")
    clean = [s[0] for s in STREETS if all(fl[(s[0], b)][0] == 0 and not ts[(s[0], b)] and not su[(s[0], b)]
                                          and not sl[(s[0], b)] for b in range(1, 30))]
    L.append("- " + ", ".join(clean) + ": no block in any A31, A40, A49 or A33 polygon.")
    L.append("")
    L.append("### Nearest places")
    L.append("")
    d0, p0 = F_["fd"][0]
    d1, p1 = F_["fd"][1]
    h = F_["homes"][("本町一丁目", 5)]
    L.append(f"- Nearest flood-suitable (災害種別_洪水 = 1) place to 本町一丁目5番 (lat {h[1]:.6f}, lon {h[0]:.6f}):")
    L.append(f"  **{p0['name']}**, lat {p0['lat']:.6f}, lon {p0['lon']:.6f}, {d0:.1f} m"
             f" (next: {p1['name']}, {d1:.1f} m).")
    d0, p0 = F_["td"][0]
    d1, p1 = F_["td"][1]
    h = F_["homes"][("港町一丁目", 10)]
    L.append(f"- Nearest tsunami-suitable (災害種別_津波 = 1) place to 港町一丁目10番 (lat {h[1]:.6f}, lon {h[0]:.6f}):")
    L.append(f"  **{p0['name']}**, lat {p0['lat']:.6f}, lon {p0['lon']:.6f}, **{d0:.1f} m**"
             f" (next: {p1['name']}, {d1:.1f} m).")
    L.append("")
    L.append("### Homes more than 600 m from every tsunami-suitable place")
    L.append("")
    fz = F_["far_zone"]
    L.append("- Inside a tsunami zone: " + "; ".join(
        f"{st} {ranges([b for s2, b in fz if s2 == st])}" for st in dict.fromkeys(s for s, _ in fz)) +
        " — the far (west) end of 汐入. Their distances: " +
        ", ".join(f"{st}{b}番 {F_['far'][(st, b)]:.0f} m" for st, b in fz) + ".")
    fa = [h for h in F_["far_all"] if h not in fz]
    parts = []
    for st in dict.fromkeys(s for s, _ in fa):
        bs = [b for s2, b in fa if s2 == st]
        parts.append(f"{label(st)} {ranges(bs)}")
    L.append("- Outside every tsunami zone (inland; listed for completeness): " + ("; ".join(parts) or "none") + ".")
    L.append("- Every other home is within 600 m of a tsunami-suitable place.")
    L.append("")
    L.append("### Places and the zones they are in")
    L.append("")
    L.append("| place | lat | lon | flags (災害種別 = 1) | flood rank | tsunami band | A33 |")
    L.append("| --- | --- | --- | --- | --- | --- | --- |")
    for p in F_["places"]:
        fl_ = ", ".join(k for k in FLAGS if p["flags"][k])
        z = p["in"]
        L.append(f"| {p['name']} | {p['lat']:.6f} | {p['lon']:.6f} | {fl_} | {z['flood'] or '–'} | "
                 f"{z['tsunami'] or '–'} | {', '.join(n for _, _, n in z['slide']) or '–'} |")
    L.append("")
    L.append("Every flood-suitable place lies outside all A31 polygons; every tsunami-suitable place is a tower or")
    L.append("lies outside all A40 polygons (汐入山 is a knoll: a hole in the 2m以上～5m未満 band); 潮見川緑地 is")
    L.append("not flood-suitable; 新町児童公園 is earthquake-only.")
    L.append("")
    e = F_["extra"]
    L.append("### Bad files (`bad/`), and the errors they must raise")
    L.append("")
    L.append("- `A31-self-intersecting.geojson`: feature 2 (1-based; index 1) has a self-intersecting outer ring "
             "(vertices 4 and 12 swapped: a bow-tie).")
    L.append("- `A40-swapped-latlon.geojson`: feature 3 (1-based) has [lat, lon] pairs (first value ≈ 33.4, second ≈ 133.4).")
    L.append("- `A33-truncated.geojson`: the A33 layer cut in the middle of a coordinate; not valid JSON.")
    L.append(f"- `gaiku-bad.csv` (CP932, CRLF, all quoted): line {e['gaiku_missing_lat_line']} has an empty 緯度; "
             f"line {e['gaiku_outside_line']} has 緯度 3.4… (outside Japan).")
    L.append(f"- `shelters-swapped-latlon.csv` (DA 指定緊急避難場所 layout, UTF-8 BOM, LF): line "
             f"{e['shelter_swapped_line']} ({e['shelter_swapped_name']}) has 緯度 and 経度 swapped.")
    return "\n".join(L)


def facts_json(F_):
    def key(h):
        return f"{h[0]}{h[1]}番"
    d = {
        "municipality_code": CITY6,
        "homes": {key(h): {"lat": p[1], "lon": p[0], "level": "town" if h in NO_GAIKU else "block",
                           "flood_max_rank": F_["fl"][h][0], "flood_planned_rank": F_["fl"][h][1],
                           "flood_danger": F_["fl"][h][2], "tsunami": F_["ts"][h], "storm_surge": F_["su"][h],
                           "landslide": [{"A33_001": a, "A33_002": b, "A33_005": n} for a, b, n in F_["sl"][h]],
                           "nearest_tsunami_place_m": round(F_["far"][h], 1)}
                  for h, p in F_["homes"].items()},
        "nearest_flood_place_to_本町一丁目5番": {"name": F_["fd"][0][1]["name"], "lat": F_["fd"][0][1]["lat"],
                                              "lon": F_["fd"][0][1]["lon"], "m": round(F_["fd"][0][0], 1)},
        "nearest_tsunami_place_to_港町一丁目10番": {"name": F_["td"][0][1]["name"], "lat": F_["td"][0][1]["lat"],
                                                "lon": F_["td"][0][1]["lon"], "m": round(F_["td"][0][0], 1)},
        "homes_over_600m_from_tsunami_places_in_tsunami_zone": [key(h) for h in F_["far_zone"]],
        "homes_over_600m_from_tsunami_places": [key(h) for h in F_["far_all"]],
    }
    homes = d.pop("homes")
    lines = ["{"] + [f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}," for k, v in d.items()]
    lines.append(' "homes": {')
    lines += [f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}," for k, v in homes.items()]
    lines[-1] = lines[-1].rstrip(",")
    lines += [" }", "}", ""]
    text = "\n".join(lines)
    json.loads(text)
    return text


LETTERS = "ABCDEFGHIJKLMN"


def streets_markdown(blocks):
    """The map sketch and the table of streets, generated from the same numbers as the files."""
    L = ["```"]
    a33_rings = [poly[0] for f in A33 for poly in f["polys"]]
    place_cells = {}
    for pl_ in PLACES:
        x, y = pl_[4]
        place_cells[(round((x + 3.4) / 0.1), round((6.25 - y) / 0.25))] = "*"
    for r in range(27):
        y = 6.25 - 0.25 * r
        row = []
        for c in range(75):
            x = -3.4 + 0.1 * c
            ch = " "
            if y < coast_y(x):
                ch = "~"
            elif any(point_in_ring((x, y), ring) for ring in a33_rings):
                ch = "^"
            for i, st in enumerate(STREETS):
                x0, x1, y0, y1 = st[2]
                if x0 <= x < x1 and y0 <= y < y1:
                    ch = LETTERS[i]
            if -0.1 <= y <= 6.0 and abs(x - river_x(y)) < 0.05:
                ch = "|"
            ch = place_cells.get((c, r), ch)
            row.append(ch)
        lat = LAT0 + y / KM_LAT
        L.append(f"{lat:8.4f} " + "".join(row).rstrip())
    axis = [" "] * 84
    for c, x in ((0, -3.4), (34, 0.0), (64, 3.0)):
        lbl = f"^{LON0 + x / KM_LON:.3f}"
        axis[9 + c:9 + c + len(lbl)] = lbl
    L.append("  lon →  "[:9] + "".join(axis[9:]).rstrip())
    L.append("```")
    L.append("")
    L.append("North is up; one character is about 100 m east–west and 250 m north–south. `|` 潮見川, `~` the sea")
    L.append("(土佐湾), `*` an evacuation place of `shelters-emergency-da.csv`, `^` a landslide zone (A33) outside")
    L.append("the streets. Letters are the streets of the table below.")
    L.append("")
    L.append("| | street | 〒 | 住居表示フラグ | area: lon (W–E) | area: lat (S–N) | blocks 1..29 fill a 6×5 grid | 大字・町丁目 point (lat, lon) |")
    L.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for i, st in enumerate(STREETS):
        name, zipc, (x0, x1, y0, y1), cols, rows, (major, xf, yf) = st
        order = (f"{'row by row' if major == 'row' else 'column by column'}, from the "
                 f"{'west' if xf == 'W' else 'east'}, starting in the {'south' if yf == 'S' else 'north'}")
        lat, lon = ll_of(oaza_point(name, blocks))
        L.append(f"| {LETTERS[i]} | {name} | {zipc[:3]}-{zipc[3:]} | {'1' if jukyo_flag(name) else '0'} | "
                 f"{LON0 + x0 / KM_LON:.4f}–{LON0 + x1 / KM_LON:.4f} | {LAT0 + y0 / KM_LAT:.4f}–{LAT0 + y1 / KM_LAT:.4f} | "
                 f"{order} | {lat:.6f}, {lon:.6f} |")
    return "\n".join(L)


def update_readme(sections):
    rp = path("README.md")
    text = open(rp, encoding="utf-8").read()
    for name, md in sections.items():
        b, e = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        i, j = text.index(b) + len(b), text.index(e)
        text = text[:i] + "\n" + md + "\n" + text[j:]
    with open(rp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    blocks = block_points()
    gaiku_rows = make_gaiku(blocks)
    make_oaza(blocks)
    make_geojson("A31-shiomi.geojson", "A31-12_39_shiomi", A31)
    a33_text = make_geojson("A33-shiomi.geojson", "A33-19_39_shiomi", A33)
    make_geojson("A40-shiomi.geojson", "A40-16_39_shiomi", A40)
    make_geojson("A49-shiomi.geojson", "A49-21_39_shiomi", A49)
    make_shp_zip("A33-shiomi-shp.zip", "A33-shiomi", A33, "cp932", None, 60)
    make_shp_zip("A33-shiomi-utf8-shp.zip", "A33-shiomi", A33, "utf-8", "UTF-8", 90)
    da_rows = make_da_emergency(blocks)
    make_da_shelters(blocks)
    make_gsi(blocks)
    make_persons(blocks)
    extra = make_bad(blocks, a33_text, gaiku_rows, da_rows)
    F_ = validate_and_facts(extra)
    md = facts_markdown(F_)
    write_bytes("facts.json", facts_json(F_).encode("utf-8"))
    update_readme({"streets": streets_markdown(blocks), "facts": md})
    print(md)
    print(f"\nvertices per ring: {F_['vertices'][0]}..{F_['vertices'][1]}", file=sys.stderr)
    print("all checks passed", file=sys.stderr)


if __name__ == "__main__":
    main()
