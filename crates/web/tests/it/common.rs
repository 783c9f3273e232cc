//! Test harness: the whole app on a fresh database (SQLite or PostgreSQL), driven in-process
//! with a small cookie jar, or served on a random port for the browser.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use std::collections::BTreeMap;
use tower::ServiceExt;
use tsunagi_app::{App, Context, Identity, RequestIds};
use tsunagi_domain::access::Actor;
use tsunagi_store::Store;
use tsunagi_store::testing::{Fixture, fixture};
use tsunagi_web::WebConfig;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    /// The use cases over the same database.
    pub app: App,
    pub f: Fixture,
}

impl TestApp {
    /// The context of a request by `actor`, as the web layer makes it.
    pub async fn ctx(&self, actor: &Actor) -> Context {
        self.app
            .context(Identity::User(actor.clone()), RequestIds::generate(None))
            .await
            .expect("context")
    }
}

pub async fn app(store: Store) -> TestApp {
    let hash = tsunagi_app::passwords::hash(PASSWORD.into())
        .await
        .expect("hash");
    let f = fixture(&store, &hash).await.expect("fixture");
    let config = WebConfig {
        secure_cookies: false,
        ..WebConfig::default()
    };
    let app = App::new(store.clone());
    TestApp {
        router: tsunagi_web::app(app.clone(), config),
        store,
        app,
        f,
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as received (files: PDF, xlsx, Shift_JIS CSV).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

/// A browser-like client: keeps cookies, finds CSRF tokens in pages.
pub struct Client {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub csrf: String,
}

impl Client {
    pub fn new(app: &TestApp) -> Self {
        Client {
            router: app.router.clone(),
            cookies: BTreeMap::new(),
            csrf: String::new(),
        }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let mut req = req;
        if !self.cookies.is_empty() {
            let c = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut()
                .insert(header::COOKIE, c.parse().expect("cookie"));
        }
        let res = self.router.clone().oneshot(req).await.expect("response");
        for sc in res.headers().get_all(header::SET_COOKIE) {
            let s = sc.to_str().unwrap_or_default();
            let kv = s.split(';').next().unwrap_or_default();
            if let Some((k, v)) = kv.split_once('=') {
                if s.contains("Max-Age=0") || v.is_empty() {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies
                        .insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = to_bytes(res.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(t) = find_csrf(&body) {
            self.csrf = t;
        }
        Resp {
            status,
            headers,
            body,
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).expect("req"))
            .await
    }

    /// A form post carrying the CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        self.post_raw(path, body).await
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> Resp {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("req"),
        )
        .await
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Resp {
        self.get("/login").await;
        self.post(
            "/login",
            &[("login", login), ("password", password), ("next", "/")],
        )
        .await
    }

    pub fn session(&self) -> Option<String> {
        self.cookies.get("tsunagi_session").cloned()
    }
}

fn find_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// An API call with a bearer token.
pub async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Resp {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(j) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(j)),
        None => b.body(Body::empty()),
    }
    .expect("req");
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body");
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// Logs in through the screens and issues an API token there; returns the secret. The
/// community's volunteers may not issue tokens (they work on the screens): theirs is made in
/// the store, so the API's checks on what they see are still what a test exercises.
pub async fn token_for(app: &TestApp, login: &str) -> String {
    if login == "community-leader" {
        return mint_token(app, &app.f.community_leader).await;
    }
    let mut c = Client::new(app);
    let r = c.login(login, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    c.get("/tokens").await;
    let r = c.post("/tokens", &[("name", "test")]).await;
    let marker = "<code id=\"new-token\">";
    let start = r.body.find(marker).expect("token shown") + marker.len();
    let end = r.body[start..].find('<').expect("end") + start;
    r.body[start..end].to_owned()
}

/// A token written to the store directly for `actor`'s membership.
/// A token written in the store for `actor` (volunteers may not issue one themselves).
pub async fn mint_token(app: &TestApp, actor: &Actor) -> String {
    let secret = format!("tsn_test_{}", uuid::Uuid::new_v4().simple());
    let membership = app
        .store
        .membership_of(actor)
        .await
        .expect("membership")
        .expect("a member");
    let mut tx = app
        .store
        .begin(tsunagi_store::AuditContext::system("test"))
        .await
        .expect("begin");
    tsunagi_store::tokens::create(
        &mut tx,
        actor.user_id,
        membership.id,
        "test",
        tsunagi_app::tokens::hash_secret(&secret),
        secret.chars().take(10).collect(),
    )
    .await
    .expect("token");
    tx.commit().await.expect("commit");
    secret
}

/// The id of the person named `name` in the caller's person list (the first page).
pub async fn person_id(app: &TestApp, token: &str, name: &str) -> String {
    let (_, persons) = call_json(app, Method::GET, "/api/v1/persons", token, None).await;
    persons["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {persons}"))["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Creates a person through the API as the town's staff; returns its JSON.
pub async fn create_person(
    app: &TestApp,
    token: &str,
    name: &str,
    kana: &str,
    resident_no: &str,
) -> serde_json::Value {
    let body = serde_json::json!({
        "resident_no": resident_no, "name": name, "name_kana": kana,
        "birth_date": "昭和12年3月4日", "sex": "女", "address": "潮見市本町五丁目1番45号",
        "household_no": format!("H{resident_no}"),
    });
    let r = api(
        app,
        Method::POST,
        "/api/v1/persons",
        Some(token),
        Some(body.to_string()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

/// Imports a roster CSV (UTF-8) as the town's staff, all or nothing, and checks it applied.
#[allow(dead_code)]
pub async fn load_roster(app: &TestApp, csv: &str) {
    let ctx = app.ctx(&app.f.town_staff).await;
    let opts = tsunagi_app::roster::ImportOptions {
        encoding: tsunagi_import::Encoding::Auto,
        mapping: std::collections::HashMap::new(),
        dry_run: false,
        only_valid: false,
        full_extract: false,
    };
    let r = tsunagi_app::roster::import(&app.app, &ctx, "roster.csv", csv.as_bytes(), &opts)
        .await
        .expect("import");
    assert!(r.applied, "{:?}", r.errors);
}

/// A file of the demo town's official-format samples (samples/gis).
pub fn gis_sample(name: &str) -> Vec<u8> {
    let path = format!("{}/../../samples/gis/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `/gis` upload form posted with one file and the given fields.
pub fn gis_upload(
    c: &Client,
    file_name: &str,
    file: &[u8],
    fields: &[(&str, &str)],
) -> Request<Body> {
    let boundary = "----tsunagi-gis-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(format!("/gis/upload?csrf_token={}", c.csrf))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// Two people of 本町自治会 on the roster (山田 with dementia, living alone, in the flood zone;
/// 佐藤 living alone in the flood zone): the town the disaster, legal-basis and departure tests
/// start from.
pub const HONMACHI_ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町自治会\n";

/// An API call with an optional JSON body: the status and the JSON answer (`null` if empty).
pub async fn call_json(
    app: &TestApp,
    m: Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let r = api(app, m, path, Some(token), body.map(|b| b.to_string())).await;
    let v = if r.body.is_empty() {
        serde_json::Value::Null
    } else {
        r.json()
    };
    (r.status, v)
}

/// The town's staff make the 自治会 the receiver of 本町自治会 (with plans or not).
pub async fn community_receives_honmachi(app: &TestApp, staff: &str, includes_plan: bool) {
    let (s, v) = call_json(
        app,
        Method::PUT,
        &format!("/api/v1/receivers/{}", app.f.community.id.0),
        staff,
        Some(
            serde_json::json!({"version": 0, "receiver": {"district_field": "community",
            "districts": ["本町自治会"], "includes_plan": includes_plan}}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// The owning municipality's staff record a person's written consent to the kinds of receiver
/// named (codes such as `community_association`), given on 2026-11-01.
pub async fn give_consent(app: &TestApp, staff: &str, id: &str, kinds: &[&str]) {
    let (s, v) = call_json(
        app,
        Method::PUT,
        &format!("/api/v1/persons/{id}/consent"),
        staff,
        Some(serde_json::json!({"status": "given", "scope": kinds,
            "obtained_on": "2026-11-01", "method": "written", "obtained_by": null, "note": null})),
    )
    .await;
    assert!(s.is_success(), "{v}");
}

/// Does the audit trail, as the town's administrator reads it, hold an entry of `action` about
/// `entity_id` by `login`?
pub async fn audited(app: &TestApp, action: &str, entity_id: &str, login: &str) -> bool {
    let admin = token_for(app, "town-admin").await;
    let (_, audit) = call_json(
        app,
        Method::GET,
        &format!("/api/v1/audit?action={action}"),
        &admin,
        None,
    )
    .await;
    audit["items"].as_array().is_some_and(|items| {
        items
            .iter()
            .any(|e| e["entity_id"] == entity_id && e["user_login"] == login)
    })
}
