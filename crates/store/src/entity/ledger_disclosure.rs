use sea_orm::entity::prelude::*;

/// A provision of ledger information (art. 90-4); `items` is a JSON array of item codes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_disclosures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub ledger_id: Uuid,
    pub basis: String,
    pub receiver_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub items: String,
    pub purpose: String,
    pub disclosed_on: Date,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
