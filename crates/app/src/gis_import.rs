//! Importing geography files as municipalities have them: hazard layers (GeoJSON or a zipped
//! Shapefile, with a per-release mapping), 位置参照情報 address tables, shelter lists and
//! coordinates by 宛名番号. Every problem is reported with its line or feature number, and a
//! file with any problem changes nothing. Shared by the screens and `tsunagi gis`.

use serde::Serialize;
use tsunagi_gis::HazardKind;
use tsunagi_gis::layers::{Mapping, Rule, mapping};
use tsunagi_import::{Encoding, FileError, RowError};
use tsunagi_store::gis::layers::LayerInfo;
use tsunagi_store::gis::locations::CoordinateRow;
use tsunagi_store::gis::shelters::EditsOnImport;

use crate::{App, Context, Error};

/// One problem, with where it is (「12 行目」, 「地物 3」, or the file as a whole).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub at: String,
    pub message: String,
}

/// What an import did.
#[derive(Clone, Debug, Serialize)]
pub struct GisImportReport {
    pub file_name: String,
    /// What the file was read as (e.g. 「A31 洪水浸水想定区域（想定最大規模）」).
    pub read_as: String,
    pub items: usize,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    /// The layer written; `None` when problems stopped the import.
    pub layer: Option<LayerInfo>,
    /// What the user should know about an import that went through (e.g. edits kept).
    pub notes: Vec<String>,
}

impl GisImportReport {
    fn new(file_name: &str, read_as: impl Into<String>) -> Self {
        GisImportReport {
            file_name: file_name.to_owned(),
            read_as: read_as.into(),
            items: 0,
            problems: Vec::new(),
            ignored_columns: Vec::new(),
            layer: None,
            notes: Vec::new(),
        }
    }
    fn file_problem(mut self, message: String) -> Self {
        self.problems.push(Problem {
            at: "ファイル全体".into(),
            message,
        });
        self
    }
    fn row_problems(mut self, errors: &[RowError]) -> Self {
        self.problems.extend(errors.iter().map(|e| Problem {
            at: format!("{} 行目", e.line),
            message: match &e.column {
                Some(c) => format!("［{c}］{}", e.message),
                None => e.message.clone(),
            },
        }));
        self
    }
}

/// The hazard-layer mapping a user chose: a known release, or their own map's kind and rule.
pub fn choose_mapping(
    id: &str,
    custom_kind: Option<&str>,
    custom_rule: Option<&str>,
    label: &str,
) -> Result<Mapping, String> {
    if id != Mapping::CUSTOM_ID {
        return mapping(id)
            .cloned()
            .ok_or_else(|| format!("不明なデータ形式です: {id}"));
    }
    let kind = match custom_kind.unwrap_or("") {
        "flood" => HazardKind::Flood,
        "inland_flood" => HazardKind::InlandFlood,
        "house_collapse" => HazardKind::HouseCollapse,
        "landslide" => HazardKind::Landslide,
        "tsunami" => HazardKind::Tsunami,
        "storm_surge" => HazardKind::StormSurge,
        other => return Err(format!("災害の種類を選んでください（{other}）")),
    };
    let rule: Rule = custom_rule
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("区域内")
        .parse()?;
    Ok(Mapping::custom(kind, rule, label.to_owned()))
}

/// Reads and stores a hazard layer (`.geojson`/`.json`, or a `.zip` holding one Shapefile).
pub async fn import_hazard(
    app: &App,
    ctx: &Context,
    file_name: &str,
    bytes: &[u8],
    mapping: &Mapping,
    layer_name: &str,
) -> Result<GisImportReport, Error> {
    let actor = ctx.actor()?;
    let report = GisImportReport::new(file_name, mapping.label.to_string());
    let lower = file_name.to_lowercase();
    // A flood layer classified by the maximum scale keeps its planned-scale depths beside it:
    // both scales are read from the file in one pass (layer 0: the mapping's, 1: planned).
    let planned_mapping = mapping
        .id
        .strip_suffix("-max")
        .and_then(|base| tsunagi_gis::layers::mapping(&format!("{base}-planned")));
    let mut scales = vec![(mapping, 0)];
    scales.extend(planned_mapping.map(|m| (m, 1)));
    let read = if lower.ends_with(".zip") {
        Some(scales.iter().try_fold(Vec::new(), |mut all, (m, layer)| {
            all.extend(tsunagi_gis::shapefile::read_shapefile_zip(
                bytes, m, *layer,
            )?);
            Ok(all)
        }))
    } else if lower.ends_with(".geojson") || lower.ends_with(".json") {
        Some(tsunagi_gis::layers::read_geojson_as(bytes, &scales))
    } else {
        None
    };
    let (zones, planned): (Vec<_>, Vec<_>) = match read {
        None => {
            return Ok(report.file_problem(
                "GeoJSON（.geojson）か、シェープファイル一式の zip（.zip）を選んでください".into(),
            ));
        }
        Some(Ok(z)) => z.into_iter().partition(|z| z.class.layer == 0),
        Some(Err(errors)) => {
            let mut report = report;
            report.problems = problems(errors);
            return Ok(report);
        }
    };
    if zones.is_empty() {
        return Ok(report.file_problem("区域（面）が1つもありません".into()));
    }
    let name = if layer_name.trim().is_empty() {
        mapping.label.to_string()
    } else {
        layer_name.trim().to_owned()
    };
    let planned = planned_mapping
        .filter(|_| !planned.is_empty())
        .map(|m| (m.id.to_string(), planned));
    let mut w = app.begin(ctx).await?;
    let layer = tsunagi_store::gis::layers::import_hazard(
        &mut w.tx,
        actor,
        &name,
        &mapping.id,
        file_name,
        &zones,
        planned.as_ref().map(|(d, z)| (d.as_str(), z.as_slice())),
    )
    .await?;
    w.commit().await?;
    Ok(GisImportReport {
        items: zones.len(),
        layer: Some(layer),
        ..report
    })
}

fn problems(errors: Vec<tsunagi_gis::layers::FeatureError>) -> Vec<Problem> {
    errors
        .into_iter()
        .map(|e| Problem {
            at: if e.feature == 0 {
                "ファイル全体".into()
            } else {
                format!("地物 {}", e.feature)
            },
            message: e.reason,
        })
        .collect()
}

fn file_error(report: GisImportReport, e: FileError) -> GisImportReport {
    report.file_problem(e.to_string())
}

/// Reads and stores a 位置参照情報 file (街区 or 大字・町丁目 level, detected).
pub async fn import_addresses(
    app: &App,
    ctx: &Context,
    file_name: &str,
    bytes: &[u8],
) -> Result<GisImportReport, Error> {
    let actor = ctx.actor()?;
    let report = GisImportReport::new(file_name, "位置参照情報");
    let file = match tsunagi_import::address_points::parse(bytes, Encoding::Auto) {
        Ok(f) => f,
        Err(e) => return Ok(file_error(report, e)),
    };
    let report = GisImportReport {
        read_as: format!("位置参照情報（{}レベル）", file.level.label()),
        ignored_columns: file.ignored_columns.clone(),
        ..report
    };
    store_rows(
        report,
        &file.errors,
        file.points.len(),
        app,
        ctx,
        async |tx| {
            tsunagi_store::gis::addresses::import(tx, actor, file.level, file_name, &file.points)
                .await
                .map(|layer| (layer, Vec::new()))
        },
    )
    .await
}

/// Stores the rows of a file that was read without problems (else reports them), in one
/// transaction.
async fn store_rows(
    report: GisImportReport,
    errors: &[RowError],
    rows: usize,
    app: &App,
    ctx: &Context,
    write: impl AsyncFnOnce(
        &mut tsunagi_store::AuditedTx,
    ) -> Result<(LayerInfo, Vec<String>), tsunagi_store::StoreError>,
) -> Result<GisImportReport, Error> {
    if !errors.is_empty() {
        return Ok(report.row_problems(errors));
    }
    if rows == 0 {
        return Ok(report.file_problem("データの行がありません".into()));
    }
    let mut w = app.begin(ctx).await?;
    let (layer, notes) = write(&mut w.tx).await?;
    w.commit().await?;
    Ok(GisImportReport {
        items: rows,
        layer: Some(layer),
        notes,
        ..report
    })
}

/// What happened to the rows edited on screen, in words.
fn edit_notes(e: &EditsOnImport) -> Vec<String> {
    let mut notes = Vec::new();
    if !e.kept.is_empty() {
        notes.push(format!(
            "画面で編集した {} 件は、一覧の値で上書きせず編集内容のまま残しました: {}",
            e.kept.len(),
            e.kept.join("、")
        ));
    }
    if !e.overwritten.is_empty() {
        notes.push(format!(
            "画面で編集した {} 件を一覧の値で上書きしました: {}",
            e.overwritten.len(),
            e.overwritten.join("、")
        ));
    }
    if !e.unlisted.is_empty() {
        notes.push(format!(
            "画面で編集した {} 件は新しい一覧にありませんが、編集内容のまま残しています（指定が解除された施設なら、一覧・編集の画面で削除してください）: {}",
            e.unlisted.len(),
            e.unlisted.join("、")
        ));
    }
    notes
}

/// Reads and stores a shelter list (Digital Agency or GSI format, detected). Rows staff edited
/// on screen are kept as edited unless `overwrite_edits`.
pub async fn import_shelters(
    app: &App,
    ctx: &Context,
    file_name: &str,
    bytes: &[u8],
    overwrite_edits: bool,
) -> Result<GisImportReport, Error> {
    let actor = ctx.actor()?;
    let report = GisImportReport::new(file_name, "避難場所・避難所の一覧");
    let file = match tsunagi_import::shelters::parse(bytes, Encoding::Auto) {
        Ok(f) => f,
        Err(e) => return Ok(file_error(report, e)),
    };
    let report = GisImportReport {
        read_as: file.format.label().to_owned(),
        ignored_columns: file.ignored_columns.clone(),
        ..report
    };
    store_rows(
        report,
        &file.errors,
        file.rows.len(),
        app,
        ctx,
        async |tx| {
            let (layer, edits) = tsunagi_store::gis::shelters::import(
                tx,
                actor,
                file.format,
                file_name,
                &file.rows,
                overwrite_edits,
            )
            .await?;
            Ok((layer, edit_notes(&edits)))
        },
    )
    .await
}

const COORDINATE_COLUMNS: &[(&str, &[&str])] = &[
    ("宛名番号", &["住民番号", "個人番号"]),
    ("緯度", &["lat", "latitude"]),
    ("経度", &["lon", "lng", "longitude"]),
];

/// Reads coordinates by 宛名番号 (columns 宛名番号, 緯度, 経度) and stores them, all or
/// nothing.
pub async fn import_coordinates(
    app: &App,
    ctx: &Context,
    file_name: &str,
    bytes: &[u8],
) -> Result<GisImportReport, Error> {
    let actor = ctx.actor()?;
    let report = GisImportReport::new(file_name, "座標（宛名番号・緯度・経度）");
    let parsed = tsunagi_import::decode(bytes, Encoding::Auto).and_then(|(text, _)| {
        tsunagi_import::table::read(
            &text,
            COORDINATE_COLUMNS,
            &["宛名番号", "緯度", "経度"],
            &Default::default(),
        )
    });
    let table = match parsed {
        Ok(t) => t,
        Err(e) => return Ok(file_error(report, e)),
    };
    let mut errors = table.errors.clone();
    let mut rows = Vec::new();
    for (line, cells) in &table.rows {
        let get = |c: &str| cells.get(c).map(|s| s.trim()).unwrap_or("");
        let number = |c: &str| {
            use unicode_normalization::UnicodeNormalization;
            get(c).nfkc().collect::<String>().parse::<f64>().ok()
        };
        match (number("緯度"), number("経度")) {
            (Some(lat), Some(lon)) if !get("宛名番号").is_empty() => rows.push(CoordinateRow {
                line: *line,
                resident_no: get("宛名番号").to_owned(),
                lon,
                lat,
            }),
            _ => errors.push(RowError {
                line: *line,
                column: None,
                message: "宛名番号・緯度・経度のいずれかが空か、数値として読めません".into(),
            }),
        }
    }
    let mut report = GisImportReport {
        ignored_columns: table.ignored.clone(),
        ..report
    };
    if !errors.is_empty() {
        return Ok(report.row_problems(&errors));
    }
    let mut w = app.begin(ctx).await?;
    match tsunagi_store::gis::locations::import_coordinates(&mut w.tx, actor, &rows).await {
        Ok(n) => {
            w.commit().await?;
            report.items = n;
            Ok(report)
        }
        Err(problems) => {
            report.problems = problems
                .into_iter()
                .map(|(line, message)| Problem {
                    at: if line == 0 {
                        "ファイル全体".into()
                    } else {
                        format!("{line} 行目")
                    },
                    message,
                })
                .collect();
            Ok(report)
        }
    }
}
