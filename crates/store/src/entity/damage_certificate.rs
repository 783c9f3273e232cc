use sea_orm::entity::prelude::*;

/// An issued damage certificate (罹災証明書); a re-issue is a new row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "damage_certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub municipality_id: Uuid,
    pub number: String,
    pub issued_on: Date,
    pub level: String,
    pub survey_id: Uuid,
    pub reissue: bool,
    pub issued_by: String,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
