use sea_orm::entity::prelude::*;

/// An agreement (協定) or pledge (誓約書) of a receiver with a municipality.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "receiver_agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub organisation_id: Uuid,
    /// agreement / pledge (`AgreementKind`)
    pub kind: String,
    pub concluded_on: Date,
    pub expires_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub scope: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub file_reference: Option<String>,
    /// Ended early (the day it no longer holds).
    pub ended_on: Option<Date>,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
