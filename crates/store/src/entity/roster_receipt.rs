use sea_orm::entity::prelude::*;

/// A receipt of the full roster handed to fire or police during a declaration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roster_receipts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub declaration_id: Uuid,
    pub organisation_id: Uuid,
    pub received_by: String,
    pub received_at: DateTimeUtc,
    pub persons: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
