//! Reviews (見直し) of finished plans: marks when something a plan relies on changed, the
//! review list, and recording a review.

use super::*;

/// Marks finished plans for review because something they rely on changed: `marks` gives
/// each person's reasons (e.g. 「住所の変更」). Persons without a finished plan are left alone.
/// One audit entry names everyone marked, the reasons and `cause`. Returns who was marked.
pub async fn mark_for_review(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    marks: &BTreeMap<PersonId, BTreeSet<&str>>,
    cause: &[&str],
) -> Result<Vec<PersonId>, StoreError> {
    let ids: Vec<uuid::Uuid> = marks.keys().map(|p| p.0).collect();
    let mut marked = Vec::new();
    for chunk in ids.chunks(500) {
        let done = plan_workflow::Entity::find()
            .filter(plan_workflow::Column::PersonId.is_in(chunk.to_vec()))
            .filter(plan_workflow::Column::Step.eq(Step::Done.code()))
            .all(tx.conn())
            .await?;
        for w in done {
            let id = PersonId(w.person_id);
            let mut reasons: Vec<String> = w
                .review_reason
                .map(|r| r.split('、').map(str::to_owned).collect())
                .unwrap_or_default();
            let before = reasons.len();
            for reason in marks.get(&id).into_iter().flatten() {
                if !reasons.iter().any(|r| r == reason) {
                    reasons.push((*reason).to_owned());
                }
            }
            if reasons.len() == before {
                continue;
            }
            plan_workflow::Entity::update_many()
                .col_expr(
                    plan_workflow::Column::ReviewReason,
                    Expr::value(Some(reasons.join("、"))),
                )
                .filter(plan_workflow::Column::PersonId.eq(w.person_id))
                .exec(tx.conn())
                .await?;
            marked.push(id);
        }
    }
    if !marked.is_empty() {
        let reasons: BTreeSet<&str> = marked
            .iter()
            .filter_map(|id| marks.get(id))
            .flatten()
            .copied()
            .collect();
        tx.record(
            Entry::new(AuditAction::ReviewMarked, "roster", owner)
                .owner(owner)
                .basis(tsunagi_domain::access::AccessBasis::Owner)
                .detail(serde_json::json!({
                    "cause": cause,
                    "reasons": reasons,
                    "persons": marked.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })),
        );
    }
    Ok(marked)
}

/// Records a review of a finished plan: the next review after the municipality's interval,
/// changes cleared.
pub async fn reviewed(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org_name: &str,
    id: PersonId,
    today: NaiveDate,
    note: Option<String>,
) -> Result<Workflow, StoreError> {
    let owner = owner_only(tx, actor, disaster, id).await?;
    let w = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    if w.step != Step::Done {
        return Err(blocked(Blocked::NotInWorkflow));
    }
    let due = review::next_due(
        today,
        crate::organisations::review_interval(tx.conn(), owner).await?,
    );
    bump(
        tx,
        id,
        w.version,
        vec![
            (plan_workflow::Column::ReviewDue, Expr::value(Some(due))),
            (
                plan_workflow::Column::ReviewReason,
                Expr::value(Option::<String>::None),
            ),
        ],
    )
    .await?;
    event(
        tx,
        Change {
            actor,
            org_name,
            id,
            owner,
        },
        "reviewed",
        None,
        None,
        note,
    )
    .await?;
    load(tx, id).await?.ok_or(StoreError::NotFound)
}

/// A line of the review list.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewLine {
    pub person: crate::persons::PersonSummary,
    pub assignee: Option<String>,
    pub assignee_organisation_id: Option<OrganisationId>,
    pub review_due: Option<NaiveDate>,
    pub reason: Option<String>,
    pub state: String,
}

/// Finished plans of the actor's municipality that are overdue, changed, or due within 30
/// days of `today`, most urgent first, then by assignee.
pub async fn reviews(
    tx: &mut AuditedTx,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Vec<ReviewLine>, StoreError> {
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let owner = actor.organisation_id;
    let rows = plan_workflow::Entity::find()
        .filter(plan_workflow::Column::Step.eq(Step::Done.code()))
        .filter(
            plan_workflow::Column::PersonId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(crate::entity::person::Column::Id)
                    .from(crate::entity::person::Entity)
                    .and_where(crate::entity::person::Column::MunicipalityId.eq(owner.0))
                    .to_owned(),
            ),
        )
        .all(tx.conn())
        .await?;
    let mut out = Vec::new();
    for w in rows {
        let st = review::state(w.review_due, w.review_reason.is_some(), today);
        if st == review::ReviewState::Current {
            continue;
        }
        let Some(p) = crate::entity::person::Entity::find_by_id(w.person_id)
            .one(tx.conn())
            .await?
        else {
            continue;
        };
        out.push((
            st,
            ReviewLine {
                person: crate::persons::summary(&p)?,
                assignee: w.assignee,
                assignee_organisation_id: w.assignee_organisation_id.map(OrganisationId),
                review_due: w.review_due,
                reason: w.review_reason,
                state: st.label().to_owned(),
            },
        ));
    }
    out.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.assignee.cmp(&b.1.assignee))
            .then(a.1.review_due.cmp(&b.1.review_due))
    });
    tx.record(
        Entry::new(AuditAction::PersonSearched, "review", "")
            .owner(owner)
            .detail(serde_json::json!({"reviews": out.len()})),
    );
    Ok(out.into_iter().map(|(_, l)| l).collect())
}
