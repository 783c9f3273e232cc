use sea_orm::entity::prelude::*;

/// A municipality's own escalation time for the sweep.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: Uuid,
    pub escalate_after_minutes: i32,
    /// The checker order (`CheckerOrder` codes joined by commas); `None`: the default.
    pub checker_order: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
