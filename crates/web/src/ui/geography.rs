//! 「ハザード・避難場所」: the municipality's staff load hazard maps, 位置参照情報 address tables,
//! shelter lists and coordinates; locate homes; classify them; set walking speeds and tsunami
//! arrival times; edit shelters; and see who cannot reach safety before the tsunami.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::gis::{self, LayerInfo, ReachList, Shelter, Unmatched, staff_municipality};
use tsunagi_app::gis_import::{self, GisImportReport};
use tsunagi_domain::evacuation_timing::{AreaArrival, TimingSettings};
use tsunagi_gis::layers::MAPPINGS;
use tsunagi_import::shelters::ShelterSuits;

use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "geography.html")]
struct GeographyPage {
    chrome: Chrome,
    layers: Vec<LayerInfo>,
    mappings: Vec<(String, String)>,
    report: Option<GisImportReport>,
    notice: Option<String>,
    settings: TimingSettings,
    settings_version: i32,
    arrivals: String,
    shelter_count: usize,
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn back(msg: &str) -> Response {
    Redirect::to(&format!("/gis?notice={}", urlencode(msg))).into_response()
}

#[derive(Deserialize, Default)]
pub struct Notice {
    notice: Option<String>,
}

async fn build(state: &AppState, user: &CurrentUser) -> Result<GeographyPage, AppError> {
    let m = staff_municipality(&user.ctx)?;
    let (settings, settings_version) = gis::settings(&state.app, m).await?;
    Ok(GeographyPage {
        chrome: Chrome::new(user, "gis"),
        layers: gis::layers(&state.app, m).await?,
        mappings: MAPPINGS
            .iter()
            .map(|m| (m.id.to_string(), m.label.to_string()))
            .collect(),
        report: None,
        notice: None,
        arrivals: settings
            .tsunami_arrivals
            .iter()
            .map(|a| format!("{},{}", a.area, a.minutes))
            .collect::<Vec<_>>()
            .join("\n"),
        shelter_count: gis::shelters(&state.app, m).await?.len(),
        settings,
        settings_version,
    })
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(n): Query<Notice>,
) -> UiResult<Response> {
    let mut p = build(&state, &user).await?;
    p.notice = n.notice;
    Ok(p.into_response())
}

/// One upload: a hazard layer, an address table, a shelter list or coordinates.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> UiResult<Response> {
    staff_municipality(&user.ctx)?;
    let bad = |m: String| UiError(AppError::BadRequest(m));
    let mut file: Option<(String, Vec<u8>)> = None;
    let (mut kind, mut mapping, mut name, mut custom_kind, mut custom_rule) =
        (String::new(), String::new(), String::new(), None, None);
    let mut overwrite_edits = false;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
    {
        let field_name = field.name().unwrap_or_default().to_owned();
        if field_name == "file" {
            let n = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
            file = Some((n, bytes.to_vec()));
            continue;
        }
        let text = field.text().await.map_err(|e| bad(e.body_text()))?;
        match field_name.as_str() {
            "kind" => kind = text,
            "mapping" => mapping = text,
            "name" => name = text,
            "custom_kind" => custom_kind = Some(text),
            "custom_rule" => custom_rule = Some(text),
            "overwrite_edits" => overwrite_edits = text == "on" || text == "1",
            _ => {}
        }
    }
    let mut p = build(&state, &user).await?;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        p.notice = Some("ファイルを選んでください".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let (app, ctx) = (&state.app, &user.ctx);
    let report = match kind.as_str() {
        "hazard" => {
            let label = if name.trim().is_empty() {
                file_name.clone()
            } else {
                name.clone()
            };
            match gis_import::choose_mapping(
                &mapping,
                custom_kind.as_deref(),
                custom_rule.as_deref(),
                &label,
            ) {
                Ok(m) => gis_import::import_hazard(app, ctx, &file_name, &bytes, &m, &name).await?,
                Err(e) => {
                    p.notice = Some(e);
                    return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
                }
            }
        }
        "addresses" => gis_import::import_addresses(app, ctx, &file_name, &bytes).await?,
        "shelters" => {
            gis_import::import_shelters(app, ctx, &file_name, &bytes, overwrite_edits).await?
        }
        "coordinates" => gis_import::import_coordinates(app, ctx, &file_name, &bytes).await?,
        _ => return Err(bad("取り込むデータの種類を選んでください".into())),
    };
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut p = build(&state, &user).await?;
    p.report = Some(report);
    Ok((status, p).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "geography_located.html")]
struct LocatedPage {
    chrome: Chrome,
    title: &'static str,
    summary: String,
    unmatched: Vec<Unmatched>,
}

pub async fn geocode(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let r = gis::geocode_all(&state.app, &user.ctx).await?;
    Ok(LocatedPage {
        chrome: Chrome::new(&user, "gis"),
        title: "住所から自宅の位置を特定しました",
        summary: format!(
            "街区で {} 件、町丁目で {} 件を特定しました。地図で指定・座標取込の {} 件はそのままです。特定できなかった方は {} 人です。",
            r.block,
            r.town,
            r.kept,
            r.unmatched.len()
        ),
        unmatched: r.unmatched,
    }
    .into_response())
}

pub async fn unlocated(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let unmatched = gis::unmatched(&state.app, &user.ctx).await?;
    Ok(LocatedPage {
        chrome: Chrome::new(&user, "gis"),
        title: "自宅の位置が未特定の方",
        summary: format!("{} 人", unmatched.len()),
        unmatched,
    }
    .into_response())
}

pub async fn classify(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let r = gis::classify_all(&state.app, &user.ctx, |_, _| {}).await?;
    let kinds: Vec<String> = r
        .per_kind
        .iter()
        .map(|(k, n)| format!("{k} {n} 人"))
        .collect();
    Ok(back(&format!(
        "ハザード判定を実行しました: {} 人を {} 区域と照合し、{} 人がいずれかの区域内です（{}）。位置が未特定 {} 人。優先度判定の「自宅の災害危険性」が変わった方 {} 人（手入力の値を優先した方 {} 人）。",
        r.homes,
        r.zones,
        r.in_some_zone,
        kinds.join("、"),
        r.unlocated,
        r.point1_changed,
        r.manual_kept
    )))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    version: i32,
    speed_independent: f64,
    speed_slow: f64,
    speed_assisted: f64,
    decision_delay_minutes: u32,
    route_factor: f64,
    #[serde(default)]
    arrivals: String,
    #[serde(default)]
    default_arrival_minutes: String,
    #[serde(default)]
    tile_url: String,
}

fn parse_arrivals(text: &str) -> Result<Vec<AreaArrival>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let (area, minutes) = l.rsplit_once([',', '，', '、', '\t']).ok_or_else(|| {
                format!("到達時間 {} 行目: 「地区,分」の形で書いてください", i + 1)
            })?;
            let minutes = minutes
                .trim()
                .parse()
                .map_err(|_| format!("到達時間 {} 行目: 分が数値ではありません", i + 1))?;
            Ok(AreaArrival {
                area: area.trim().to_owned(),
                minutes,
            })
        })
        .collect()
}

pub async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<SettingsForm>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let arrivals = parse_arrivals(&f.arrivals).map_err(AppError::BadRequest)?;
    let default_arrival_minutes = match f.default_arrival_minutes.trim() {
        "" => None,
        s => Some(
            s.parse()
                .map_err(|_| AppError::BadRequest("既定の到達時間が数値ではありません".into()))?,
        ),
    };
    let s = TimingSettings {
        speed_independent: f.speed_independent,
        speed_slow: f.speed_slow,
        speed_assisted: f.speed_assisted,
        decision_delay_minutes: f.decision_delay_minutes,
        route_factor: f.route_factor,
        tsunami_arrivals: arrivals,
        default_arrival_minutes,
        tile_url: Some(f.tile_url.trim().to_owned()).filter(|u| !u.is_empty()),
    };
    gis::set_settings(&state.app, &user.ctx, &s, f.version).await?;
    Ok(back("設定を保存しました"))
}

pub async fn remove_layer(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let Path(raw) = path.map_err(|_| AppError::NotFound)?;
    let id: uuid::Uuid = raw.parse().map_err(|_| AppError::NotFound)?;
    gis::remove_layer(&state.app, &user.ctx, id).await?;
    Ok(back(
        "削除しました。判定結果に反映するには「ハザード判定を実行」してください",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "shelters.html")]
struct SheltersPage {
    chrome: Chrome,
    shelters: Vec<Shelter>,
    notice: Option<String>,
}

pub async fn shelters(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(n): Query<Notice>,
) -> UiResult<Response> {
    let m = staff_municipality(&user.ctx)?;
    Ok(SheltersPage {
        chrome: Chrome::new(&user, "gis"),
        shelters: gis::shelters(&state.app, m).await?,
        notice: n.notice,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct ShelterForm {
    id: Option<String>,
    version: i32,
    name: String,
    address: String,
    lat: f64,
    lon: f64,
    capacity: Option<String>,
    phone: Option<String>,
    flood: Option<String>,
    landslide: Option<String>,
    storm_surge: Option<String>,
    earthquake: Option<String>,
    tsunami: Option<String>,
    large_fire: Option<String>,
    inland_flood: Option<String>,
    volcano: Option<String>,
    welfare: Option<String>,
}

pub async fn save_shelter(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<ShelterForm>, FormRejection>,
) -> UiResult<Response> {
    let m = staff_municipality(&user.ctx)?;
    let Form(f) = form.map_err(AppError::from)?;
    let id = match f.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(raw.parse::<uuid::Uuid>().map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let mut s = match id {
        Some(id) => gis::shelter(&state.app, m, id).await?,
        None => Shelter {
            id: None,
            name: String::new(),
            name_kana: None,
            address: String::new(),
            lon: 0.0,
            lat: 0.0,
            suits: ShelterSuits::default(),
            emergency_place: true,
            shelter: false,
            welfare: false,
            capacity: None,
            capacity_text: None,
            phone: None,
            communities: Vec::new(),
            note: None,
            external_id: None,
            imported: false,
            edited: None,
            version: 0,
        },
    };
    let on = |v: &Option<String>| v.is_some();
    s.version = f.version;
    s.name = f.name.trim().to_owned();
    s.address = f.address.trim().to_owned();
    s.lat = f.lat;
    s.lon = f.lon;
    // A number is the capacity; anything else (「約200」, 「体育館のみ」) is kept as written,
    // as the imports keep free-text capacities.
    let capacity = f.capacity.as_deref().map(str::trim).unwrap_or("");
    (s.capacity, s.capacity_text) = match capacity.parse::<u32>() {
        Ok(n) => (Some(n), None),
        Err(_) if capacity.is_empty() => (None, None),
        Err(_) => (None, Some(capacity.to_owned())),
    };
    s.phone = f
        .phone
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    s.welfare = on(&f.welfare);
    s.suits = ShelterSuits {
        flood: on(&f.flood),
        landslide: on(&f.landslide),
        storm_surge: on(&f.storm_surge),
        earthquake: on(&f.earthquake),
        tsunami: on(&f.tsunami),
        large_fire: on(&f.large_fire),
        inland_flood: on(&f.inland_flood),
        volcano: on(&f.volcano),
    };
    let saved = gis::save_shelter(&state.app, &user.ctx, &s).await?;
    Ok(Redirect::to(&format!(
        "/gis/shelters?notice={}",
        urlencode(&format!("「{}」を保存しました", saved.name))
    ))
    .into_response())
}

/// The version a delete was confirmed at.
#[derive(Deserialize)]
pub struct RemoveShelterForm {
    version: i32,
}

/// Deletes a shelter (e.g. one no longer designated); a stale page gets 409.
pub async fn remove_shelter(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<RemoveShelterForm>, FormRejection>,
) -> UiResult<Response> {
    let Path(raw) = path.map_err(|_| AppError::NotFound)?;
    let id: uuid::Uuid = raw.parse().map_err(|_| AppError::NotFound)?;
    let Form(f) = form.map_err(AppError::from)?;
    let removed = gis::remove_shelter(&state.app, &user.ctx, id, f.version).await?;
    Ok(Redirect::to(&format!(
        "/gis/shelters?notice={}",
        urlencode(&format!("「{}」を削除しました", removed.name))
    ))
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "tsunami.html")]
struct TsunamiPage {
    chrome: Chrome,
    list: ReachList,
    settings: TimingSettings,
}

pub async fn tsunami(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let (list, settings) = gis::reach_list(&state.app, &user.ctx).await?;
    Ok(TsunamiPage {
        chrome: Chrome::new(&user, "roster_list"),
        list,
        settings,
    }
    .into_response())
}
