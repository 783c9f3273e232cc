use sea_orm::entity::prelude::*;

/// Which acts apply to a declared disaster; `None` is not yet known.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disaster_acts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub declaration_id: Uuid,
    pub support_act_applied: Option<bool>,
    pub relief_act_applied: Option<bool>,
    pub condolence_act_applies: Option<bool>,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
