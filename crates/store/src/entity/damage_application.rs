use sea_orm::entity::prelude::*;

/// An application for a damage certificate (罹災証明書交付申請).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "damage_applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub declaration_id: Uuid,
    pub household_id: Uuid,
    pub applicant_name: String,
    pub applicant_relation: String,
    pub applicant_phone: Option<String>,
    pub cause: String,
    pub location: String,
    pub applied_on: Date,
    pub state: String,
    pub resurvey_requested_on: Option<Date>,
    pub resurvey_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
