use sea_orm::entity::prelude::*;

/// One version of a municipality's legal basis for normal-time provision (roster, plans).
/// Rows are never updated; the newest version is in force.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_bases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub roster_basis: String,
    pub plan_basis: String,
    pub ordinance: Option<String>,
    pub effective_from: Date,
    /// Nothing to a receiver in normal times without an agreement in force.
    pub agreements_required: bool,
    /// Roster-only receivers get no plans in a disaster either.
    pub roster_only_stays_in_disasters: bool,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
