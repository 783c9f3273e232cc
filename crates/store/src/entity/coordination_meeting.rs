use sea_orm::entity::prelude::*;

/// A coordination meeting (調整会議) held for one person's plan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coordination_meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub held_on: Date,
    pub place: String,
    /// JSON array of attendees.
    pub attendees: String,
    pub destination_and_route: String,
    pub timing: String,
    pub roles: String,
    pub notes: Option<String>,
    pub recorded_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
