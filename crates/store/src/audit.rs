//! The audited transaction, the only way to write, and the audit trail's queries.
//!
//! Architecture invariant: repository functions that write, or that read a person's detail,
//! take `&mut AuditedTx`. Its `commit` appends the recorded entries to the hash chain in the
//! same database transaction, so a change without its audit entry cannot be committed.

use crate::entity::{audit_head, audit_log};
use crate::error::StoreError;
use crate::{Store, now};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::Value;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::{AuditAction, AuditRecord, ChainBreak, GENESIS_HASH, chain_hash};
use tsunagi_domain::paging::Page;

/// Who is acting, for the audit trail. Built from an [`Actor`], or anonymously for logins.
#[derive(Clone, Debug, Default)]
pub struct AuditContext {
    pub user_id: Option<String>,
    pub user_login: String,
    pub organisation_id: Option<String>,
    pub role: Option<String>,
    /// The server's id of the request.
    pub request_id: Option<String>,
    /// The id the client sent, if any: logged beside the server's, never instead of it.
    pub client_request_id: Option<String>,
    /// The open disaster declarations (municipality, declaration id) of the request: an entry
    /// on the basis 災害時 names those of its subject's municipality.
    pub declarations: Vec<(String, String)>,
}

impl AuditContext {
    pub fn for_actor(actor: &Actor, request_id: Option<String>) -> Self {
        Self {
            user_id: Some(actor.user_id.to_string()),
            user_login: actor.login.clone(),
            organisation_id: Some(actor.organisation_id.to_string()),
            role: Some(actor.role.code().to_owned()),
            request_id,
            client_request_id: None,
            declarations: Vec::new(),
        }
    }

    /// For the command line and other system work: `login` names the operator.
    pub fn system(login: &str) -> Self {
        Self {
            user_login: login.to_owned(),
            ..Self::default()
        }
    }
}

/// One entry waiting for commit.
#[derive(Clone, Debug)]
pub struct Entry {
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub subject_owner_id: Option<String>,
    pub access_basis: Option<AccessBasis>,
    pub detail: Value,
    /// The detail already written as JSON text (bulk work builds it straight from stored
    /// JSON); takes the place of `detail`.
    pub detail_text: Option<String>,
}

impl Entry {
    pub fn new(action: AuditAction, entity: &'static str, entity_id: impl ToString) -> Self {
        Self {
            action,
            entity,
            entity_id: Some(entity_id.to_string()),
            subject_owner_id: None,
            access_basis: None,
            detail: Value::Object(Default::default()),
            detail_text: None,
        }
    }
    pub fn owner(mut self, owner: impl ToString) -> Self {
        self.subject_owner_id = Some(owner.to_string());
        self
    }
    /// A list view's entry belongs to the municipality whose residents the actor works for,
    /// so that its administrator finds it (a receiver's search, roster or map view).
    pub fn listed_for(mut self, actor: &Actor) -> Self {
        if let Some(m) = actor.municipality_id {
            self.subject_owner_id = Some(m.to_string());
        }
        self
    }
    pub fn basis(mut self, basis: AccessBasis) -> Self {
        self.access_basis = Some(basis);
        self
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
    /// The detail as JSON text the caller has made (it must be a JSON object).
    pub fn detail_text(mut self, json: String) -> Self {
        self.detail_text = Some(json);
        self
    }
}

/// A database transaction that carries its audit entries. Dropping it without `commit` rolls
/// everything back.
pub struct AuditedTx {
    tx: DatabaseTransaction,
    ctx: AuditContext,
    /// The chain's last (seq, hash) as written so far in this transaction.
    head: (i64, String),
    entries: Vec<Entry>,
    /// One time for every entry of the transaction.
    at: DateTime<Utc>,
    /// A read ([`Store::begin_read`]): the chain's lock is not held; the entries are appended
    /// at `commit`, after the reads, in a short transaction of their own on this connection.
    read: Option<sea_orm::DatabaseConnection>,
}

impl Store {
    /// Begins an audited transaction. Takes the audit chain's lock first, so appends are
    /// serialised (and SQLite takes its write lock before any read, avoiding busy snapshots).
    pub async fn begin(&self, ctx: AuditContext) -> Result<AuditedTx, StoreError> {
        let tx = self.conn().begin().await?;
        audit_head::Entity::update_many()
            .col_expr(
                audit_head::Column::LockCounter,
                Expr::col(audit_head::Column::LockCounter).add(1),
            )
            .filter(audit_head::Column::Id.eq(1))
            .exec(&tx)
            .await?;
        let head = audit_head::Entity::find_by_id(1)
            .one(&tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt("audit_head row is missing".into()))?;
        Ok(AuditedTx {
            tx,
            ctx,
            head: (head.seq, head.hash),
            entries: Vec::new(),
            at: now(),
            read: None,
        })
    }

    /// Begins a transaction that only reads. The audit chain's lock is not taken while it
    /// reads, so reads run beside writes (on SQLite, beside the one writer, instead of queueing
    /// for its lock); the entries it records are appended at [`AuditedTx::commit`] in a short
    /// transaction of their own, and the caller answers only once that has committed — nothing
    /// read is shown without its audit entry. Writing in it is a bug: on SQLite the write could
    /// fail on a stale snapshot, on PostgreSQL it would escape the chain's serialisation.
    pub async fn begin_read(&self, ctx: AuditContext) -> Result<AuditedTx, StoreError> {
        Ok(AuditedTx {
            tx: self.conn().begin().await?,
            ctx,
            head: (0, String::new()),
            entries: Vec::new(),
            at: now(),
            read: Some(self.conn().clone()),
        })
    }
}

impl AuditedTx {
    /// The connection to run queries on, inside the transaction.
    pub(crate) fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    pub fn context(&self) -> &AuditContext {
        &self.ctx
    }

    /// Records an entry, appended at the next `flush` or at commit.
    pub fn record(&mut self, mut entry: Entry) {
        if entry.access_basis == Some(AccessBasis::Disaster) {
            let owner = entry.subject_owner_id.clone().unwrap_or_default();
            let ids: Vec<&String> = self
                .ctx
                .declarations
                .iter()
                .filter(|(m, _)| *m == owner)
                .map(|(_, id)| id)
                .collect();
            if let Value::Object(fields) = &mut entry.detail {
                fields.insert("declarations".into(), serde_json::json!(ids));
            }
        }
        self.entries.push(entry);
    }

    /// Writes the recorded entries when there are many (bulk work calls this as it goes).
    pub async fn flush_if_many(&mut self) -> Result<(), StoreError> {
        if self.entries.len() >= FLUSH_AT {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes the entries recorded so far to the chain, inside the transaction (the chain's
    /// lock is held from `begin`, so nobody else appends meanwhile). Bulk work calls this now
    /// and then to keep memory bounded; `commit` writes the rest.
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        if self.entries.is_empty() || self.read.is_some() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let entries = std::mem::take(&mut self.entries);
        let n = entries.len();
        let at = self.at;
        let (mut seq, mut prev) = std::mem::take(&mut self.head);
        // The records' texts are built on all cores; the chain is then hashed in order.
        let records = records_of(&self.ctx, at, seq, entries);
        let built = started.elapsed();
        let bytes: usize = records.iter().map(|r| r.detail.len()).sum();
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            seq = record.seq;
            let hash = chain_hash(&prev, &record);
            rows.push(values_of(record, &prev, &hash));
            prev = hash;
        }
        crate::db::bulk::insert_rows(&self.tx, "audit_log", COLUMNS, rows).await?;
        self.head = (seq, prev);
        tracing::debug!(entries = n, bytes, ?built, elapsed = ?started.elapsed(), "audit entries written");
        Ok(())
    }

    /// Appends the entries to the chain and commits. Returns the last sequence number.
    pub async fn commit(mut self) -> Result<i64, StoreError> {
        if let Some(conn) = self.read.take() {
            // A read: end it, then append its entries under the chain's lock.
            self.tx.commit().await?;
            if self.entries.is_empty() {
                return Ok(0);
            }
            let mut append = Store::from_connection(conn).begin(self.ctx).await?;
            append.entries = self.entries;
            append.at = self.at;
            return Box::pin(append.commit()).await;
        }
        self.flush().await?;
        let (seq, prev) = self.head.clone();
        audit_head::Entity::update_many()
            .col_expr(audit_head::Column::Seq, Expr::value(seq))
            .col_expr(audit_head::Column::Hash, Expr::value(prev))
            .filter(audit_head::Column::Id.eq(1))
            .exec(&self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(seq)
    }
}

/// The stored records of entries numbered after `seq`, their JSON built on all cores.
fn records_of(
    ctx: &AuditContext,
    at: DateTime<Utc>,
    seq: i64,
    entries: Vec<Entry>,
) -> Vec<AuditRecord> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let make = |(i, e): (usize, Entry)| AuditRecord {
        seq: seq + 1 + i as i64,
        at,
        user_id: ctx.user_id.clone(),
        user_login: ctx.user_login.clone(),
        organisation_id: ctx.organisation_id.clone(),
        role: ctx.role.clone(),
        action: e.action.code().to_owned(),
        entity: e.entity.to_owned(),
        entity_id: e.entity_id,
        subject_owner_id: e.subject_owner_id,
        access_basis: e.access_basis.map(|b| b.code().to_owned()),
        request_id: ctx.request_id.clone(),
        client_request_id: ctx.client_request_id.clone(),
        detail: e.detail_text.unwrap_or_else(|| e.detail.to_string()),
    };
    if entries.len() < 2000 || threads < 2 {
        return entries.into_iter().enumerate().map(make).collect();
    }
    let per = entries.len().div_ceil(threads);
    let mut parts: Vec<Vec<(usize, Entry)>> = Vec::new();
    let mut it = entries.into_iter().enumerate().peekable();
    while it.peek().is_some() {
        parts.push(it.by_ref().take(per).collect());
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || part.into_iter().map(make).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Entries held in memory before bulk work writes them.
const FLUSH_AT: usize = 10_000;

/// The stored columns, in the order of [`values_of`].
const COLUMNS: &[&str] = &[
    "seq",
    "at",
    "user_id",
    "user_login",
    "organisation_id",
    "role",
    "action",
    "entity",
    "entity_id",
    "subject_owner_id",
    "access_basis",
    "request_id",
    "client_request_id",
    "detail",
    "prev_hash",
    "hash",
];

fn values_of(r: AuditRecord, prev: &str, hash: &str) -> Vec<sea_orm::Value> {
    vec![
        r.seq.into(),
        r.at.into(),
        r.user_id.into(),
        r.user_login.into(),
        r.organisation_id.into(),
        r.role.into(),
        r.action.into(),
        r.entity.into(),
        r.entity_id.into(),
        r.subject_owner_id.into(),
        r.access_basis.into(),
        r.request_id.into(),
        r.client_request_id.into(),
        r.detail.into(),
        prev.to_owned().into(),
        hash.to_owned().into(),
    ]
}

fn to_record(m: &audit_log::Model) -> AuditRecord {
    AuditRecord {
        seq: m.seq,
        at: m.at,
        user_id: m.user_id.clone(),
        user_login: m.user_login.clone(),
        organisation_id: m.organisation_id.clone(),
        role: m.role.clone(),
        action: m.action.clone(),
        entity: m.entity.clone(),
        entity_id: m.entity_id.clone(),
        subject_owner_id: m.subject_owner_id.clone(),
        access_basis: m.access_basis.clone(),
        request_id: m.request_id.clone(),
        client_request_id: m.client_request_id.clone(),
        detail: m.detail.clone(),
    }
}

/// The result of a full verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub entries: i64,
    pub last_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Re-computes the whole chain, in batches, and checks it against the stored head.
/// `progress` is called with (entries checked, total).
pub async fn verify(
    store: &Store,
    mut progress: impl FnMut(u64, u64),
) -> Result<Verified, VerifyError> {
    let db = store.conn();
    let total = audit_log::Entity::find()
        .count(db)
        .await
        .map_err(StoreError::from)?;
    let mut last = (0i64, GENESIS_HASH.to_owned());
    let mut checked = 0u64;
    loop {
        let batch = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gt(last.0))
            .order_by_asc(audit_log::Column::Seq)
            .limit(2000)
            .all(db)
            .await
            .map_err(StoreError::from)?;
        if batch.is_empty() {
            break;
        }
        let records: Vec<AuditRecord> = batch.iter().map(to_record).collect();
        last = tsunagi_domain::audit::verify_batch(
            last,
            records
                .iter()
                .zip(&batch)
                .map(|(r, m)| (r, m.prev_hash.as_str(), m.hash.as_str())),
        )?;
        checked += batch.len() as u64;
        progress(checked, total);
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(StoreError::from)?
        .ok_or_else(|| StoreError::Corrupt("audit_head row is missing".into()))?;
    if head.seq != last.0 || head.hash != last.1 {
        return Err(ChainBreak::Tail {
            expected: head.seq,
            found: last.0,
        }
        .into());
    }
    Ok(Verified {
        entries: last.0,
        last_hash: last.1,
    })
}

/// Filters of the audit trail screen.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub user_login: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// One page of the audit trail.
#[derive(Clone, Debug)]
pub struct AuditPage {
    pub items: Vec<AuditRecord>,
    pub total: u64,
}

/// The entries `actor` may read: those made in the actor's organisation and, for a
/// municipality, those about its residents' records and its users' failed logins; and, for
/// every administrator, failed logins under names no account has (an attack on the system
/// belongs to no one organisation). Reading is itself recorded.
pub async fn list(
    tx: &mut AuditedTx,
    actor: &Actor,
    filter: &AuditFilter,
    page: Page,
) -> Result<AuditPage, StoreError> {
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::ReadAudit) {
        return Err(StoreError::Forbidden);
    }
    let org = actor.organisation_id.to_string();
    let unknown_login = Condition::all()
        .add(audit_log::Column::Action.eq(AuditAction::LoginFailed.code()))
        .add(audit_log::Column::EntityId.eq(""))
        .add(audit_log::Column::OrganisationId.is_null())
        .add(audit_log::Column::SubjectOwnerId.is_null());
    let mut cond = Condition::all().add(
        Condition::any()
            .add(audit_log::Column::OrganisationId.eq(org.clone()))
            .add(audit_log::Column::SubjectOwnerId.eq(org))
            .add(unknown_login),
    );
    if let Some(a) = &filter.action {
        cond = cond.add(audit_log::Column::Action.eq(a.clone()));
    }
    if let Some(u) = &filter.user_login {
        cond = cond.add(audit_log::Column::UserLogin.eq(u.clone()));
    }
    if let Some(e) = &filter.entity_id {
        cond = cond.add(audit_log::Column::EntityId.eq(e.clone()));
    }
    if let Some(f) = filter.from {
        cond = cond.add(audit_log::Column::At.gte(f));
    }
    if let Some(u) = filter.until {
        cond = cond.add(audit_log::Column::At.lt(u));
    }
    let query = audit_log::Entity::find().filter(cond);
    let total = query.clone().count(tx.conn()).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Seq)
        .offset(page.offset())
        .limit(page.size)
        .all(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::AuditViewed, "audit", "").detail(serde_json::json!({
            "action": filter.action,
            "user_login": filter.user_login,
            "entity_id": filter.entity_id,
            "page": page.number,
        })),
    );
    Ok(AuditPage {
        items: rows.iter().map(to_record).collect(),
        total,
    })
}
