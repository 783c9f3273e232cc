//! Reading the files municipal staff already have, as published: CSV in UTF-8 (with or without
//! BOM) or Shift_JIS as Excel writes it (CP932), headers matched by name, every bad row reported
//! with its line and reason. Parsing only: nothing here writes anywhere.

pub mod address_points;
pub mod decode;
pub mod residents;
pub mod roster;
pub mod shelters;
pub mod surveys;
pub mod table;

pub use decode::{Encoding, decode};
pub use table::{RowError, Table};

/// A problem with the file as a whole (as opposed to one row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("ファイルの文字コードを判別できません（UTF-8 でも Shift_JIS でもありません）")]
    UnknownEncoding,
    #[error("Shift_JIS として読めない部分があります（{line} 行目付近）")]
    BadShiftJis { line: u64 },
    #[error("ファイルが空です")]
    Empty,
    #[error("必須の列がありません: {0}")]
    MissingColumns(String),
    #[error("同じ名前の列が複数あります: {0}")]
    DuplicateColumns(String),
    #[error("CSV の形式が正しくありません（{line} 行目）: {message}")]
    Malformed { line: u64, message: String },
    #[error("列の対応付けが正しくありません: {0}")]
    BadMapping(String),
}
