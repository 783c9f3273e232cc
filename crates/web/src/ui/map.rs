//! The map (地図): the municipality's hazard layers, its shelters and the roster homes the user
//! may see, drawn by the vendored Leaflet from three JSON endpoints. Works on closed networks:
//! without base tiles the vector layers show on a plain background. Staff of the owning
//! municipality pin a home by hand (`/map?pin=<id>`), with a plain form as the fallback.

use super::{Chrome, UiError, UiResult, path_person_id};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, extract::rejection::QueryRejection};
use serde::{Deserialize, Serialize};
use tsunagi_app::gis::{self, LayerType, MapPerson, municipality_of};

/// The attribution the GSI asks for with its tiles.
const GSI_ATTRIBUTION: &str =
    "<a href=\"https://maps.gsi.go.jp/development/ichiran.html\">地理院タイル</a>";

/// A hazard layer offered on the map.
#[derive(Serialize)]
struct MapLayer {
    id: uuid::Uuid,
    name: String,
    hazard: Option<&'static str>,
}

/// The person being pinned.
struct Pin {
    id: String,
    name: String,
    version: i32,
    lon: String,
    lat: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "map.html")]
struct MapPage {
    chrome: Chrome,
    tile_url: String,
    attribution: &'static str,
    /// The hazard layers as JSON, for the script.
    layers_json: String,
    layer_count: usize,
    pin: Option<Pin>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    pin: Option<String>,
}

/// The page's content security policy: the app's own, plus the tile server's origin.
fn csp(tile_url: Option<&str>) -> Option<HeaderValue> {
    let origin = tile_url.and_then(tile_origin)?;
    HeaderValue::from_str(&format!(
        "default-src 'self'; img-src 'self' data: {origin}; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ))
    .ok()
}

/// `https://host[:port]` of an absolute tile URL template (a `{s}` subdomain becomes `*`);
/// `None` for relative URLs (served by this origin) and anything unexpected.
fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next()?.replace("{s}", "*");
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'));
    ok.then(|| format!("{scheme}://{host}"))
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> UiResult<Response> {
    let Query(q) = query.map_err(AppError::from)?;
    let municipality = municipality_of(&user.ctx).ok();
    let (tile_url, layers) = match municipality {
        Some(m) => {
            let (settings, _) = gis::settings(&state.app, m).await?;
            let layers: Vec<MapLayer> = gis::layers(&state.app, m)
                .await?
                .into_iter()
                .filter(|l| matches!(l.layer_type, LayerType::Hazard | LayerType::HazardPlanned))
                .map(|l| MapLayer {
                    id: l.id,
                    name: l.name,
                    hazard: l.hazard_label,
                })
                .collect();
            (settings.tile_url, layers)
        }
        None => (None, Vec::new()),
    };
    let pin = match q.pin.as_deref().filter(|p| !p.is_empty()) {
        Some(raw) => Some(pin_target(&state, &user, raw).await?),
        None => None,
    };
    let page = MapPage {
        chrome: Chrome::new(&user, "map"),
        tile_url: tile_url.clone().unwrap_or_default(),
        attribution: if tile_url.as_deref().is_some_and(|u| u.contains("gsi.go.jp")) {
            GSI_ATTRIBUTION
        } else {
            ""
        },
        layers_json: serde_json::to_string(&layers)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        layer_count: layers.len(),
        pin,
    };
    let mut r = page.into_response();
    if let Some(v) = csp(tile_url.as_deref()) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(r)
}

/// The person to pin: staff of the owning municipality only.
async fn pin_target(state: &AppState, user: &CurrentUser, raw: &str) -> Result<Pin, UiError> {
    let id: tsunagi_domain::PersonId = raw.parse().map_err(|_| UiError(AppError::NotFound))?;
    let (record, loc) = gis::pin_target(&state.app, &user.ctx, id).await?;
    Ok(Pin {
        id: id.to_string(),
        name: record.details.name.clone(),
        version: loc.as_ref().map_or(0, |l| l.version),
        lon: loc.as_ref().map(|l| l.lon.to_string()).unwrap_or_default(),
        lat: loc.as_ref().map(|l| l.lat.to_string()).unwrap_or_default(),
    })
}

/// The roster homes the user may see (scoped and audited by the store).
pub async fn persons(
    State(state): State<AppState>,
    user: CurrentUser,
) -> UiResult<Json<Vec<MapPerson>>> {
    let persons = gis::map_persons(&state.app, &user.ctx).await?;
    Ok(Json(persons))
}

#[derive(Serialize)]
pub struct MapShelter {
    id: Option<uuid::Uuid>,
    name: String,
    address: String,
    lon: f64,
    lat: f64,
    emergency_place: bool,
    shelter: bool,
    welfare: bool,
    /// Suitability by hazard: 洪水, 土砂, 津波, 高潮.
    flood: bool,
    landslide: bool,
    tsunami: bool,
    storm_surge: bool,
}

/// The municipality's shelters (public information).
pub async fn shelters(
    State(state): State<AppState>,
    user: CurrentUser,
) -> UiResult<Json<Vec<MapShelter>>> {
    let m = municipality_of(&user.ctx)?;
    let out = gis::shelters(&state.app, m)
        .await?
        .into_iter()
        .map(|s| MapShelter {
            id: s.id,
            name: s.name,
            address: s.address,
            lon: s.lon,
            lat: s.lat,
            emergency_place: s.emergency_place,
            shelter: s.shelter,
            welfare: s.welfare,
            flood: s.suits.flood,
            landslide: s.suits.landslide,
            tsunami: s.suits.tsunami,
            storm_surge: s.suits.storm_surge,
        })
        .collect();
    Ok(Json(out))
}

#[derive(Deserialize)]
pub struct LayerQuery {
    z: Option<f64>,
}

/// Simplification tolerance in degrees for a zoom level: none from z16, else about half a
/// pixel of longitude at that zoom.
pub fn tolerance_for(z: Option<f64>) -> f64 {
    let z = z.filter(|z| z.is_finite()).unwrap_or(16.0).clamp(0.0, 22.0);
    if z >= 16.0 {
        0.0
    } else {
        360.0 / 256.0 / 2f64.powf(z.floor()) / 2.0
    }
}

/// One hazard layer of the user's municipality as GeoJSON, simplified for the zoom.
pub async fn layer(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<LayerQuery>, QueryRejection>,
) -> UiResult<Json<serde_json::Value>> {
    let Path(raw) = path.map_err(|_| UiError(AppError::NotFound))?;
    let id: uuid::Uuid = raw.parse().map_err(|_| UiError(AppError::NotFound))?;
    let z = query.ok().and_then(|Query(q)| q.z);
    let m = municipality_of(&user.ctx)?;
    let features = gis::layer_features(&state.app, m, id, tolerance_for(z)).await?;
    Ok(Json(features))
}

#[derive(Deserialize)]
pub struct PinForm {
    lon: String,
    lat: String,
    version: i32,
}

fn coordinate(s: &str) -> Option<f64> {
    use unicode_normalization::UnicodeNormalization;
    let v: f64 = s.trim().nfkc().collect::<String>().parse().ok()?;
    v.is_finite().then_some(v)
}

/// Pins a home where the user clicked (or typed), then shows the record.
pub async fn pin(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<PinForm>, FormRejection>,
) -> UiResult<Response> {
    let id = path_person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let (Some(lon), Some(lat)) = (coordinate(&f.lon), coordinate(&f.lat)) else {
        return Err(UiError(AppError::Invalid(
            tsunagi_domain::ValidationErrors::single("lon", "経度・緯度を数値で入力してください"),
        )));
    };
    gis::pin(&state.app, &user.ctx, id, lon, lat, f.version).await?;
    Ok(Redirect::to(&format!("/persons/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_shrinks_as_the_map_zooms_in() {
        assert_eq!(tolerance_for(Some(16.0)), 0.0);
        assert_eq!(tolerance_for(Some(19.0)), 0.0);
        assert_eq!(tolerance_for(None), 0.0);
        let mut last = f64::INFINITY;
        for z in 0..16 {
            let t = tolerance_for(Some(f64::from(z)));
            assert!(t > 0.0 && t < last, "z{z}: {t}");
            last = t;
        }
    }

    #[test]
    fn tile_origins_are_narrow() {
        assert_eq!(
            tile_origin("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png").as_deref(),
            Some("https://cyberjapandata.gsi.go.jp")
        );
        assert_eq!(
            tile_origin("https://{s}.tile.example.jp:8443/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.example.jp:8443")
        );
        assert_eq!(tile_origin("/tiles/{z}/{x}/{y}.png"), None);
        assert_eq!(tile_origin("https://a.jp; script-src *"), None);
    }
}
