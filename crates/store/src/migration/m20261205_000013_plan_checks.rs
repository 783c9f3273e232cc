//! 市町村による確認 is recorded per plan version (`evacuation_plan_checks`): receivers see the
//! newest checked version, never a later draft. Plans whose workflow had already passed the
//! check (at 提供 or 作成完了) have their newest version recorded as checked here.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EvacuationPlanChecks {
    Table,
    PersonId,
    Version,
    CheckedAt,
    CheckedBy,
    CheckedByOrganisation,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EvacuationPlanChecks::Table)
                .col(uuid(EvacuationPlanChecks::PersonId))
                .col(integer(EvacuationPlanChecks::Version))
                .col(timestamp_with_time_zone(EvacuationPlanChecks::CheckedAt))
                .col(string_len(EvacuationPlanChecks::CheckedBy, 100))
                .col(string_len(EvacuationPlanChecks::CheckedByOrganisation, 200))
                .primary_key(
                    Index::create()
                        .col(EvacuationPlanChecks::PersonId)
                        .col(EvacuationPlanChecks::Version),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_plan_check_person")
                        .from(EvacuationPlanChecks::Table, EvacuationPlanChecks::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        backfill(m).await
    }
}

/// Plans already past the check: their newest version counts as checked, by "migration".
async fn backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT p.person_id, MAX(p.version) AS version FROM evacuation_plans p \
             JOIN plan_workflows w ON w.person_id = p.person_id \
             WHERE w.step IN ('share', 'done') GROUP BY p.person_id",
        ))
        .await?;
    let now = chrono::Utc::now();
    for r in rows {
        let person: uuid::Uuid = r.try_get("", "person_id")?;
        let version: i32 = r.try_get("", "version")?;
        let insert = Query::insert()
            .into_table(EvacuationPlanChecks::Table)
            .columns([
                EvacuationPlanChecks::PersonId,
                EvacuationPlanChecks::Version,
                EvacuationPlanChecks::CheckedAt,
                EvacuationPlanChecks::CheckedBy,
                EvacuationPlanChecks::CheckedByOrganisation,
            ])
            .values_panic([
                person.into(),
                version.into(),
                now.into(),
                "migration".into(),
                "".into(),
            ])
            .to_owned();
        m.exec_stmt(insert).await?;
    }
    Ok(())
}
