use sea_orm::entity::prelude::*;

/// A designated place (指定緊急避難場所) or shelter (指定避難所).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shelters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// The imported list it came from; `None` when entered by hand.
    pub layer_id: Option<Uuid>,
    pub external_id: Option<String>,
    pub name: String,
    pub name_kana: Option<String>,
    pub address: String,
    pub lon: f64,
    pub lat: f64,
    /// JSON of the per-hazard suitability flags.
    pub suits: String,
    pub emergency_place: bool,
    pub shelter: bool,
    pub welfare: bool,
    pub capacity: Option<i32>,
    pub capacity_text: Option<String>,
    pub phone: Option<String>,
    /// JSON array of 自治会 names it serves.
    pub communities: String,
    pub note: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    /// When staff last edited an imported row on screen (re-imports keep such rows).
    pub edited_at: Option<DateTimeUtc>,
    /// Who did (the login).
    pub edited_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
