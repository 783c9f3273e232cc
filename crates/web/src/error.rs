//! The web layer's one error type. Internals are logged, never shown: the client gets a stable
//! code and a Japanese message, as JSON on the API and as a page on the screens.

use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tsunagi_app::Error as UseCaseError;
use tsunagi_domain::{FieldError, ValidationErrors};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not authenticated")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input")]
    Invalid(ValidationErrors),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("version conflict (now {current})")]
    Conflict { current: i32 },
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine code: `not_found`, `invalid`, `conflict` …
    pub code: &'static str,
    /// Japanese message for people.
    pub message: String,
    /// Per-field problems, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldError>,
    /// The record's current version, for `conflict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i32>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict { .. } | AppError::Duplicate(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict { .. } => "conflict",
            AppError::Duplicate(_) => "duplicate",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The Japanese message shown to people.
    pub fn message(&self) -> String {
        match self {
            AppError::NotFound => "お探しの情報は見つかりませんでした。".into(),
            AppError::Unauthenticated => "ログインしてください。".into(),
            AppError::Forbidden => "この操作を行う権限がありません。".into(),
            AppError::Invalid(_) => "入力内容に誤りがあります。".into(),
            AppError::BadRequest(m) => format!("リクエストの形式が正しくありません: {m}"),
            AppError::Conflict { .. } => {
                "他の利用者が先に更新しました。最新の内容を確認してから、もう一度保存してください。"
                    .into()
            }
            AppError::Duplicate("login") => "このログインIDは既に使われています。".into(),
            AppError::Duplicate("resident_no") => "この宛名番号は既に登録されています。".into(),
            AppError::Duplicate(_) => "同じ内容が既に登録されています。".into(),
            AppError::Unavailable(_) => {
                "データベースに接続できないか、混み合っています。しばらくしてからもう一度お試しください。"
                    .into()
            }
            AppError::Internal(_) => {
                "システムエラーが発生しました。管理者に連絡してください。".into()
            }
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.message(),
            fields: match self {
                AppError::Invalid(e) => e.0.clone(),
                _ => Vec::new(),
            },
            current_version: match self {
                AppError::Conflict { current } => Some(*current),
                _ => None,
            },
        }
    }

    pub(crate) fn log(&self) {
        match self {
            AppError::Internal(m) => tracing::error!(error = %m, "internal error"),
            AppError::Unavailable(m) => tracing::warn!(error = %m, "database unavailable"),
            _ => {}
        }
    }
}

impl From<UseCaseError> for AppError {
    fn from(e: UseCaseError) -> Self {
        match e {
            UseCaseError::NotFound => AppError::NotFound,
            UseCaseError::Unauthenticated => AppError::Unauthenticated,
            UseCaseError::Forbidden => AppError::Forbidden,
            UseCaseError::Conflict { current } => AppError::Conflict { current },
            UseCaseError::Duplicate(what) => AppError::Duplicate(what),
            UseCaseError::Invalid(v) => AppError::Invalid(v),
            UseCaseError::Unavailable(m) => AppError::Unavailable(m),
            UseCaseError::Internal(m) => AppError::Internal(m),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        AppError::BadRequest(format!("JSON を読み取れません（{}）", r.body_text()))
    }
}
impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        // A malformed id names no record: the same answer as an unknown one.
        AppError::NotFound
    }
}
impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::BadRequest(format!("検索条件を読み取れません（{}）", r.body_text()))
    }
}
impl From<FormRejection> for AppError {
    fn from(r: FormRejection) -> Self {
        AppError::BadRequest(format!(
            "フォームの内容を読み取れません（{}）",
            r.body_text()
        ))
    }
}

/// API responses: JSON.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        (self.status(), Json(self.body())).into_response()
    }
}
