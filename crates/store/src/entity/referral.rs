use sea_orm::entity::prelude::*;

/// A referral from a case; `body` is the JSON of `tsunagi_store::referrals::ReferralBody`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub case_id: Uuid,
    pub to_organisation_id: Uuid,
    pub state: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
