use sea_orm::entity::prelude::*;

/// A damage survey (被害認定調査); `surveyors` is a JSON array of names.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "damage_surveys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: String,
    pub surveyed_on: Date,
    #[sea_orm(column_type = "Text")]
    pub surveyors: String,
    pub ratio_tenths: Option<i32>,
    pub collapsed: bool,
    pub level: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
