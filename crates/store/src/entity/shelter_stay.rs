use sea_orm::entity::prelude::*;

/// An evacuee's stay at an opened shelter; `needs` is a JSON array of need codes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shelter_stays")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub opening_id: Uuid,
    pub person_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub needs: String,
    pub note: Option<String>,
    pub checked_in_at: DateTimeUtc,
    pub checked_in_by: String,
    pub checked_out_at: Option<DateTimeUtc>,
    pub checked_out_by: Option<String>,
    pub transferred_to: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
