use sea_orm::entity::prelude::*;

/// The latest safety status of one person in one declaration's sweep.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub declaration_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub status: String,
    pub attempts: i32,
    pub last_at: Option<DateTimeUtc>,
    pub last_by: Option<String>,
    /// Microseconds since the epoch of the last attempt (the queue's tie-break).
    pub last_seq: Option<i64>,
    /// The checking organisation; `None`: the municipality's staff.
    pub checker_id: Option<Uuid>,
    /// The checker order's step that decided (`CheckerStep` code).
    pub checker_step: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
