use sea_orm::entity::prelude::*;

/// An imported layer: a hazard map, address reference points or a shelter list, versioned.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gis_layers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// hazard / address_block / address_town / shelter_emergency / shelter_shelter
    pub layer_type: String,
    pub name: String,
    /// The mapping or file format it was read with (e.g. A31-max, gsi-emergency).
    pub dataset: String,
    pub hazard_kind: Option<String>,
    pub version: i32,
    pub file_name: String,
    pub item_count: i32,
    pub imported_by: String,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
