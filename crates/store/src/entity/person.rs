use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The owning municipality (実施主体).
    pub municipality_id: Uuid,
    /// 宛名番号
    pub resident_no: Option<String>,
    pub name: String,
    pub name_kana: String,
    pub birth_date: Date,
    pub sex: String,
    pub postal_code: Option<String>,
    pub address: String,
    pub address_extra: Option<String>,
    pub phone: Option<String>,
    pub household_id: Option<Uuid>,
    pub relationship: Option<String>,
    /// Name and reading folded for search (see `tsunagi_domain::text::fold_for_search`).
    pub search_key: String,
    pub has_gaiji: bool,
    /// Optimistic concurrency: every update must name the version it started from.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
