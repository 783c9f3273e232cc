use sea_orm::entity::prelude::*;

/// A person's agreement on whom their safety may be told (安否情報の提供への同意), per declaration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_info_consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub declaration_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub relatives: bool,
    pub acquaintances: bool,
    pub others: bool,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
