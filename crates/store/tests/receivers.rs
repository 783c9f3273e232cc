//! Receivers (提供先) by district, what they receive, and assignment-based access, on both
//! databases.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::NaiveDate;
use std::collections::BTreeSet;
use tsunagi_domain::PersonId;
use tsunagi_domain::access::{AccessBasis, AccessLevel, Actor, ShareSource};
use tsunagi_domain::consent::{ConsentMethod, ConsentRecord, ConsentStatus};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::paging::Page;
use tsunagi_domain::person::PersonInput;
use tsunagi_domain::receiver::{DistrictField, Receiver};
use tsunagi_domain::roster::RosterEntry;
use tsunagi_store::testing::{Fixture, fixture};
use tsunagi_store::{AuditContext, Store, StoreError, db_test, persons, plans, receivers, roster};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn ctx(a: &Actor) -> AuditContext {
    AuditContext::for_actor(a, Some("req-test".into()))
}

async fn person(store: &Store, f: &Fixture, no: &str, district: &str) -> PersonId {
    let input = PersonInput {
        resident_no: no.into(),
        name: format!("試験 {no}"),
        name_kana: "シケン".into(),
        birth_date: "昭和15年6月1日".into(),
        sex: "女".into(),
        address: "潮見市本町1番".into(),
        household_no: format!("H{no}"),
        ..Default::default()
    };
    let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
    let p = persons::create(
        &mut tx,
        &f.town_staff,
        &DisasterState::normal(),
        input.validate(today()).expect("valid"),
    )
    .await
    .expect("create");
    let entry = RosterEntry {
        lives_alone: true,
        community_district: Some(district.into()),
        ..RosterEntry::default()
    };
    roster::set(
        &mut tx,
        &f.town_staff,
        &DisasterState::normal(),
        p.id,
        &entry,
    )
    .await
    .expect("roster");
    tx.commit().await.expect("commit");
    p.id
}

async fn consent(store: &Store, f: &Fixture, id: PersonId, status: ConsentStatus) {
    let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
    let c = ConsentRecord {
        status,
        scope: BTreeSet::from([OrganisationKind::CommunityAssociation]),
        obtained_on: Some(today()),
        method: Some(ConsentMethod::Written),
        obtained_by: None,
        note: None,
    };
    persons::set_consent(&mut tx, &f.town_staff, &DisasterState::normal(), id, &c)
        .await
        .expect("consent");
    tx.commit().await.expect("commit");
}

async fn visible(store: &Store, a: &Actor) -> BTreeSet<PersonId> {
    let mut tx = store.begin(ctx(a)).await.expect("begin");
    let page = persons::search(&mut tx, a, &DisasterState::normal(), "", Page::default())
        .await
        .expect("search");
    tx.commit().await.expect("commit");
    page.items.into_iter().map(|p| p.id).collect()
}

async fn set_receiver(
    store: &Store,
    f: &Fixture,
    def: Option<&Receiver>,
    version: i32,
) -> Result<receivers::ApplyReport, StoreError> {
    let mut tx = store.begin(ctx(&f.town_staff)).await?;
    let r = receivers::set(&mut tx, &f.town_staff, f.community.id, def, version).await?;
    tx.commit().await?;
    Ok(r)
}

async fn list(
    store: &Store,
    a: &Actor,
    f: &Fixture,
) -> Result<Vec<receivers::ListLine>, StoreError> {
    let mut tx = store.begin(ctx(a)).await?;
    let (_, lines) =
        receivers::receiver_list(&mut tx, a, &DisasterState::normal(), f.community.id).await?;
    tx.commit().await?;
    Ok(lines)
}

async fn plan_history(store: &Store, a: &Actor, id: PersonId) -> Result<usize, StoreError> {
    let mut tx = store.begin(ctx(a)).await?;
    let h = plans::history(&mut tx, a, &DisasterState::normal(), id).await?;
    tx.commit().await?;
    Ok(h.len())
}

db_test!(
    a_district_receiver_sees_exactly_its_consented_people,
    |store: Store| async move {
        let f = fixture(&store, "x").await.expect("fixture");
        let consented = person(&store, &f, "1", "本町自治会").await;
        let not_asked = person(&store, &f, "2", "本町 自治会").await;
        let elsewhere = person(&store, &f, "3", "浜町自治会").await;
        consent(&store, &f, consented, ConsentStatus::Given).await;
        consent(&store, &f, elsewhere, ConsentStatus::Given).await;

        let mut def = Receiver {
            district_field: DistrictField::Community,
            districts: BTreeSet::from(["本町自治会".to_owned()]),
            includes_plan: false,
        };
        let r = set_receiver(&store, &f, Some(&def), 0).await.expect("set");
        assert_eq!((r.added, r.removed), (2, 0));
        assert_eq!(
            visible(&store, &f.community_leader).await,
            BTreeSet::from([consented])
        );
        // Roster entries only: the plan is hidden as if it did not exist.
        assert!(matches!(
            plan_history(&store, &f.community_leader, consented).await,
            Err(StoreError::NotFound)
        ));
        let lines = list(&store, &f.town_staff, &f).await.expect("list");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].person.id, consented);
        assert!(lines[0].plan.is_none());

        // Plans too, from version 1; a stale edit is refused.
        def.includes_plan = true;
        set_receiver(&store, &f, Some(&def), 1)
            .await
            .expect("set v2");
        assert_eq!(
            plan_history(&store, &f.community_leader, consented)
                .await
                .expect("plan"),
            0
        );
        assert!(matches!(
            set_receiver(&store, &f, Some(&def), 1).await,
            Err(StoreError::Conflict { current: 2 })
        ));

        // Consent given later opens the record at once; no re-apply is needed.
        consent(&store, &f, not_asked, ConsentStatus::Given).await;
        assert_eq!(
            visible(&store, &f.community_leader).await,
            BTreeSet::from([consented, not_asked])
        );
        // The receiver's own list, by its own member.
        assert_eq!(
            list(&store, &f.community_leader, &f)
                .await
                .expect("own list")
                .len(),
            2
        );
        // Nobody else gets the list, and it looks like nothing is there.
        assert!(matches!(
            list(&store, &f.npo_staff, &f).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            list(&store, &f.other_staff, &f).await,
            Err(StoreError::NotFound)
        ));

        // Moving house to another 自治会 takes the person out of the district's shares.
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        let moved = RosterEntry {
            lives_alone: true,
            community_district: Some("浜町自治会".into()),
            ..RosterEntry::default()
        };
        roster::set(
            &mut tx,
            &f.town_staff,
            &DisasterState::normal(),
            not_asked,
            &moved,
        )
        .await
        .expect("move");
        tx.commit().await.expect("commit");
        assert_eq!(
            visible(&store, &f.community_leader).await,
            BTreeSet::from([consented])
        );

        // Withdrawal: gone from the view and the list at once.
        consent(&store, &f, consented, ConsentStatus::Withdrawn).await;
        assert!(visible(&store, &f.community_leader).await.is_empty());
        assert!(
            list(&store, &f.town_staff, &f)
                .await
                .expect("list")
                .is_empty()
        );

        // Removing the definition removes its shares.
        let r = set_receiver(&store, &f, None, 2).await.expect("remove");
        assert_eq!(r.removed, 1);
    }
);

db_test!(
    an_assigned_care_provider_sees_the_person_before_consent,
    |store: Store| async move {
        let f = fixture(&store, "x").await.expect("fixture");
        let id = person(&store, &f, "9", "本町自治会").await;
        assert!(visible(&store, &f.care_manager).await.is_empty());
        for (org, leader) in [
            (f.care.id, &f.care_manager),
            (f.community.id, &f.community_leader),
        ] {
            let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
            persons::share_as(
                &mut tx,
                &f.town_staff,
                &DisasterState::normal(),
                id,
                org,
                AccessLevel::Write,
                ShareSource::Assignment,
            )
            .await
            .expect("assign");
            tx.commit().await.expect("commit");
            let seen = visible(&store, leader).await;
            if org == f.care.id {
                assert_eq!(seen, BTreeSet::from([id]));
                let mut tx = store.begin(ctx(leader)).await.expect("begin");
                let r = persons::get(&mut tx, leader, &DisasterState::normal(), id)
                    .await
                    .expect("get");
                tx.commit().await.expect("commit");
                assert_eq!(r.grant.basis, AccessBasis::Assignment);
            } else {
                // A 自治会 is not entrusted: consent first.
                assert!(seen.is_empty());
            }
        }
    }
);
