use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_shares")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    /// read / write
    pub level: String,
    pub created_at: DateTimeUtc,
    /// manual / receiver / assignment (`ShareSource`)
    pub source: String,
    /// Whether the plan is shared too, or only the roster entry.
    pub includes_plan: bool,
    /// Given for disasters only (a receiver designated for disasters).
    pub disaster_only: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
