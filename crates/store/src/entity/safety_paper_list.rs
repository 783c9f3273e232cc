use sea_orm::entity::prelude::*;

/// A checker's list of a sweep printed on paper (紙の安否確認名簿): who it was for, who printed
/// it when, the people on it in row order, and when its results were entered.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_paper_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub declaration_id: Uuid,
    pub municipality_id: Uuid,
    /// 名簿番号: 1, 2, … within the declaration.
    pub number: i32,
    /// The checking organisation; `None`: the municipality's staff.
    pub checker_id: Option<Uuid>,
    /// The people in row order (a JSON array of ids).
    pub persons: String,
    pub issued_by: String,
    pub issued_at: DateTimeUtc,
    pub entered_by: Option<String>,
    pub entered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
