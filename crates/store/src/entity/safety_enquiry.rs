use sea_orm::entity::prelude::*;

/// An enquiry about a person's safety and the answer given.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_enquiries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub declaration_id: Uuid,
    pub person_id: Uuid,
    pub enquirer_name: String,
    pub relation: String,
    pub answered: bool,
    pub answer: String,
    pub answered_by: String,
    pub answered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
