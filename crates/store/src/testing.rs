//! Fresh databases for tests, on SQLite and PostgreSQL alike.
//!
//! [`db_test!`] turns one async test body into two tests, `sqlite` and `postgres`, each on a
//! new, migrated, empty database. PostgreSQL is reached at `TSUNAGI_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`); each test creates its own database
//! there and drops it afterwards.

use crate::{Store, StoreError};
use sea_orm::{ConnectionTrait, Database};
use std::future::Future;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const DEFAULT_TEST_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    sqlite_file: Option<PathBuf>,
    pg: Option<(String, String)>,
}

fn admin_url() -> String {
    std::env::var("TSUNAGI_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES_URL.to_owned())
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > base.find("://").map(|j| j + 2).unwrap_or(0) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Result<TestDatabase, StoreError> {
        let name = format!("tsunagi_t_{}", uuid::Uuid::new_v4().simple());
        match backend {
            Backend::Sqlite => {
                let file = std::env::temp_dir().join(format!("{name}.db"));
                Ok(TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", file.display()),
                    backend,
                    sqlite_file: Some(file),
                    pg: None,
                })
            }
            Backend::Postgres => {
                let admin = admin_url();
                let conn = Database::connect(&admin).await.map_err(|e| {
                    StoreError::Unavailable(format!(
                        "PostgreSQL for tests is not reachable at {admin} ({e}); start it or set TSUNAGI_TEST_POSTGRES_URL"
                    ))
                })?;
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                conn.close().await?;
                Ok(TestDatabase {
                    url: with_database(&admin, &name),
                    backend,
                    sqlite_file: None,
                    pg: Some((admin, name)),
                })
            }
        }
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Result<Store, StoreError> {
        let store = Store::connect(&self.url).await?;
        store.migrate().await?;
        Ok(store)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(file) = self.sqlite_file.take() {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs inside the test's runtime: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(conn) = Database::connect(&admin).await {
                        let _ = conn
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Runs `body` on a fresh, migrated database of `backend`.
pub async fn run<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = match TestDatabase::new(backend).await {
        Ok(db) => db,
        Err(e) => panic!("cannot create a {backend:?} test database: {e}"),
    };
    let store = match db.store().await {
        Ok(s) => s,
        Err(e) => panic!("cannot migrate the {backend:?} test database: {e}"),
    };
    body(store.clone()).await;
    let _ = store.close().await;
    drop(db);
}

/// One test body, run on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! db_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::testing::run($crate::testing::Backend::Sqlite, $body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::testing::run($crate::testing::Backend::Postgres, $body).await
            }
        }
    };
}

/// A small world for tests: a town, a neighbouring town, a fire department and an NPO working
/// in the town, with one user each.
pub struct Fixture {
    pub town: crate::organisations::Organisation,
    pub other_town: crate::organisations::Organisation,
    pub fire: crate::organisations::Organisation,
    pub npo: crate::organisations::Organisation,
    /// A care provider (介護事業所) of the town: the kind plan work is entrusted to.
    pub care: crate::organisations::Organisation,
    /// A 自治会 of the town.
    pub community: crate::organisations::Organisation,
    /// 高知県, for cases of evacuees transferred to the prefecture.
    pub prefecture: crate::organisations::Organisation,
    pub town_admin: tsunagi_domain::access::Actor,
    pub town_staff: tsunagi_domain::access::Actor,
    pub other_staff: tsunagi_domain::access::Actor,
    pub firefighter: tsunagi_domain::access::Actor,
    pub npo_staff: tsunagi_domain::access::Actor,
    pub care_manager: tsunagi_domain::access::Actor,
    pub community_leader: tsunagi_domain::access::Actor,
    pub prefecture_staff: tsunagi_domain::access::Actor,
}

/// Builds the [`Fixture`]. Every user's password hash is `password_hash` (tests that log in
/// pass a real Argon2 hash).
pub async fn fixture(store: &Store, password_hash: &str) -> Result<Fixture, StoreError> {
    use crate::organisations::{NewOrganisation, create};
    use crate::users;
    use tsunagi_domain::municipality::MunicipalityCode;
    use tsunagi_domain::organisation::OrganisationKind as K;
    use tsunagi_domain::role::Role;

    let mut tx = store.begin(crate::AuditContext::system("test")).await?;
    let org = |name: &str, kind, code: Option<&str>, municipality| NewOrganisation {
        name: name.to_owned(),
        kind,
        local_gov_code: code.and_then(|c| MunicipalityCode::parse(c).ok()),
        municipality_id: municipality,
    };
    let town = create(&mut tx, org("潮見市", K::Municipality, Some("39999"), None)).await?;
    let other_town = create(&mut tx, org("隣町", K::Municipality, Some("39998"), None)).await?;
    let fire = create(
        &mut tx,
        org("潮見市消防本部", K::FireDepartment, None, Some(town.id)),
    )
    .await?;
    let npo = create(&mut tx, org("NPO法人つなぐ手", K::Npo, None, Some(town.id))).await?;
    let care = create(
        &mut tx,
        org("潮見ケアセンター", K::CareProvider, None, Some(town.id)),
    )
    .await?;
    let community = create(
        &mut tx,
        org("本町自治会", K::CommunityAssociation, None, Some(town.id)),
    )
    .await?;
    let prefecture = create(&mut tx, org("高知県", K::Prefecture, Some("390003"), None)).await?;
    let mut actors = Vec::new();
    for (login, o, role) in [
        ("town-admin", &town, Role::Administrator),
        ("town-staff", &town, Role::WelfareStaff),
        ("other-staff", &other_town, Role::WelfareStaff),
        ("firefighter", &fire, Role::Responder),
        ("npo-staff", &npo, Role::PartnerStaff),
        ("care-manager", &care, Role::CareProfessional),
        ("community-leader", &community, Role::CommunityMember),
        ("pref-staff", &prefecture, Role::PrefectureStaff),
    ] {
        let id = users::create(&mut tx, login, login, password_hash.to_owned()).await?;
        users::add_membership(&mut tx, id, o.id, role).await?;
        actors.push(tsunagi_domain::access::Actor {
            user_id: id,
            login: login.to_owned(),
            organisation_id: o.id,
            organisation_kind: o.kind,
            municipality_id: o.municipality_id,
            role,
        });
    }
    tx.commit().await?;
    let mut it = actors.into_iter();
    let mut next = || {
        it.next()
            .ok_or_else(|| StoreError::Corrupt("fixture".into()))
    };
    Ok(Fixture {
        town_admin: next()?,
        town_staff: next()?,
        other_staff: next()?,
        firefighter: next()?,
        npo_staff: next()?,
        care_manager: next()?,
        community_leader: next()?,
        prefecture_staff: next()?,
        prefecture,
        town,
        other_town,
        fire,
        npo,
        care,
        community,
    })
}

/// Runs raw SQL, for tests that tamper with stored data on purpose.
pub async fn execute_raw(store: &Store, sql: &str) -> Result<u64, StoreError> {
    Ok(store.conn().execute_unprepared(sql).await?.rows_affected())
}

/// Marks a person's shares with an organisation as given for disasters only (as a receiver
/// designated for disasters makes them), for tests of the policy's SQL form.
pub async fn mark_disaster_only(
    store: &Store,
    person: tsunagi_domain::PersonId,
    org: tsunagi_domain::OrganisationId,
) -> Result<u64, StoreError> {
    use crate::entity::person_share;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(person_share::Entity::update_many()
        .col_expr(
            person_share::Column::DisasterOnly,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(person_share::Column::PersonId.eq(person.0))
        .filter(person_share::Column::OrganisationId.eq(org.0))
        .exec(store.conn())
        .await?
        .rows_affected)
}

/// Adds an organisation of the town's kind `kind` with one user of `role` (for tests that need
/// a kind the fixture lacks, such as a 民生委員 district).
pub async fn organisation_with_user(
    store: &Store,
    municipality: tsunagi_domain::OrganisationId,
    name: &str,
    kind: tsunagi_domain::organisation::OrganisationKind,
    login: &str,
    role: tsunagi_domain::role::Role,
    password_hash: &str,
) -> Result<
    (
        crate::organisations::Organisation,
        tsunagi_domain::access::Actor,
    ),
    StoreError,
> {
    use crate::organisations::{NewOrganisation, create};
    let mut tx = store.begin(crate::AuditContext::system("test")).await?;
    let o = create(
        &mut tx,
        NewOrganisation {
            name: name.to_owned(),
            kind,
            local_gov_code: None,
            municipality_id: Some(municipality),
        },
    )
    .await?;
    let id = crate::users::create(&mut tx, login, login, password_hash.to_owned()).await?;
    crate::users::add_membership(&mut tx, id, o.id, role).await?;
    tx.commit().await?;
    let actor = tsunagi_domain::access::Actor {
        user_id: id,
        login: login.to_owned(),
        organisation_id: o.id,
        organisation_kind: o.kind,
        municipality_id: o.municipality_id,
        role,
    };
    Ok((o, actor))
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
