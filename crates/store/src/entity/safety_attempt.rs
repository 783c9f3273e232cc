use sea_orm::entity::prelude::*;

/// One attempt to check on a person (who, how, what was found). Never updated.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub declaration_id: Uuid,
    pub person_id: Uuid,
    pub status: String,
    pub method: String,
    pub note: Option<String>,
    pub by_login: String,
    pub by_organisation: String,
    pub at: DateTimeUtc,
    pub client_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
