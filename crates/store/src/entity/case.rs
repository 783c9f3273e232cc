use sea_orm::entity::prelude::*;

/// A case (ケース) of one household and declaration; `body` is the JSON of
/// `tsunagi_domain::case_management::CaseBody`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub declaration_id: Uuid,
    pub household_id: Uuid,
    pub lead_organisation_id: Uuid,
    pub source: String,
    pub closed: bool,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The municipality or prefecture managing the case (a transfer changes it).
    pub owner_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
