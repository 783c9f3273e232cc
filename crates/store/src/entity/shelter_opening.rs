use sea_orm::entity::prelude::*;

/// A shelter opened for a declaration (避難所の開設); the name is copied at opening.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shelter_openings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub declaration_id: Uuid,
    pub shelter_id: Uuid,
    pub shelter_name: String,
    pub welfare: bool,
    pub capacity: i32,
    pub opened_at: DateTimeUtc,
    pub opened_by: String,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
