//! Receivers (提供先) by district, what they receive, and assignment-based access, through
//! the use cases (the receivers' shares are a consequence of roster changes).

use std::collections::BTreeSet;
use tsunagi_app::{App, Error, persons, plans, receivers, roster, sharing};
use tsunagi_domain::PersonId;
use tsunagi_domain::access::{AccessBasis, AccessLevel, Actor, ShareSource};
use tsunagi_domain::consent::{ConsentMethod, ConsentRecord, ConsentStatus};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::paging::Page;
use tsunagi_domain::person::PersonInput;
use tsunagi_domain::receiver::{DistrictField, Receiver};
use tsunagi_domain::roster::RosterEntry;
use tsunagi_store::testing::Fixture;
use tsunagi_store::{AuditContext, Store, db_test};

use crate::common::{ctx, today, world};

async fn person(app: &App, f: &Fixture, no: &str, district: &str) -> PersonId {
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
    let staff = ctx(app, &f.town_staff).await;
    let p = persons::create(app, &staff, input.validate(today()).expect("valid"))
        .await
        .expect("create");
    let entry = RosterEntry {
        lives_alone: true,
        community_district: Some(district.into()),
        ..RosterEntry::default()
    };
    roster::set_entry(app, &staff, p.id, &entry)
        .await
        .expect("roster");
    p.id
}

async fn consent(app: &App, f: &Fixture, id: PersonId, status: ConsentStatus) {
    let c = ConsentRecord {
        status,
        scope: BTreeSet::from([OrganisationKind::CommunityAssociation]),
        obtained_on: Some(today()),
        method: Some(ConsentMethod::Written),
        obtained_by: None,
        note: None,
    };
    sharing::set_consent(app, &ctx(app, &f.town_staff).await, id, &c)
        .await
        .expect("consent");
}

async fn visible(app: &App, a: &Actor) -> BTreeSet<PersonId> {
    let page = persons::search(app, &ctx(app, a).await, "", Page::default())
        .await
        .expect("search");
    page.items.into_iter().map(|p| p.id).collect()
}

async fn set_receiver(
    app: &App,
    f: &Fixture,
    def: Option<&Receiver>,
    version: i32,
) -> Result<receivers::ApplyReport, Error> {
    receivers::set(
        app,
        &ctx(app, &f.town_staff).await,
        f.community.id,
        def,
        version,
    )
    .await
}

async fn list(app: &App, a: &Actor, f: &Fixture) -> Result<Vec<receivers::ListLine>, Error> {
    let (_, lines) =
        receivers::receiver_list(app, &ctx(app, a).await, f.community.id, "api").await?;
    Ok(lines)
}

async fn plan_history(app: &App, a: &Actor, id: PersonId) -> Result<usize, Error> {
    Ok(plans::history(app, &ctx(app, a).await, id).await?.len())
}

db_test!(
    a_district_receiver_sees_exactly_its_consented_people,
    |store: Store| async move {
        let (app, f) = world(&store).await;
        let consented = person(&app, &f, "1", "本町自治会").await;
        let not_asked = person(&app, &f, "2", "本町 自治会").await;
        let elsewhere = person(&app, &f, "3", "浜町自治会").await;
        consent(&app, &f, consented, ConsentStatus::Given).await;
        consent(&app, &f, elsewhere, ConsentStatus::Given).await;

        let mut def = Receiver {
            district_field: DistrictField::Community,
            districts: BTreeSet::from(["本町自治会".to_owned()]),
            includes_plan: false,
            disaster_only: false,
        };
        let r = set_receiver(&app, &f, Some(&def), 0).await.expect("set");
        assert_eq!((r.added, r.removed), (2, 0));
        assert_eq!(
            visible(&app, &f.community_leader).await,
            BTreeSet::from([consented])
        );
        // Roster entries only: the plan is hidden as if it did not exist.
        assert!(matches!(
            plan_history(&app, &f.community_leader, consented).await,
            Err(Error::NotFound)
        ));
        let lines = list(&app, &f.town_staff, &f).await.expect("list");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].person.id, consented);
        assert!(lines[0].plan.is_none());

        // Plans too, from version 1; a stale edit is refused.
        def.includes_plan = true;
        set_receiver(&app, &f, Some(&def), 1).await.expect("set v2");
        assert_eq!(
            plan_history(&app, &f.community_leader, consented)
                .await
                .expect("plan"),
            0
        );
        assert!(matches!(
            set_receiver(&app, &f, Some(&def), 1).await,
            Err(Error::Conflict { current: 2 })
        ));

        // Consent given later opens the record at once; no re-apply is needed.
        consent(&app, &f, not_asked, ConsentStatus::Given).await;
        assert_eq!(
            visible(&app, &f.community_leader).await,
            BTreeSet::from([consented, not_asked])
        );
        // The receiver's own list, by its own member.
        assert_eq!(
            list(&app, &f.community_leader, &f)
                .await
                .expect("own list")
                .len(),
            2
        );
        // Nobody else gets the list, and it looks like nothing is there.
        assert!(matches!(
            list(&app, &f.npo_staff, &f).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            list(&app, &f.other_staff, &f).await,
            Err(Error::NotFound)
        ));

        // Moving house to another 自治会 takes the person out of the district's shares.
        let moved = RosterEntry {
            lives_alone: true,
            community_district: Some("浜町自治会".into()),
            ..RosterEntry::default()
        };
        roster::set_entry(&app, &ctx(&app, &f.town_staff).await, not_asked, &moved)
            .await
            .expect("move");
        assert_eq!(
            visible(&app, &f.community_leader).await,
            BTreeSet::from([consented])
        );

        // Withdrawal: gone from the view and the list at once.
        consent(&app, &f, consented, ConsentStatus::Withdrawn).await;
        assert!(visible(&app, &f.community_leader).await.is_empty());
        assert!(
            list(&app, &f.town_staff, &f)
                .await
                .expect("list")
                .is_empty()
        );

        // Removing the definition removes its shares.
        let r = set_receiver(&app, &f, None, 2).await.expect("remove");
        assert_eq!(r.removed, 1);
    }
);

db_test!(
    an_assigned_care_provider_sees_the_person_before_consent,
    |store: Store| async move {
        let (app, f) = world(&store).await;
        let id = person(&app, &f, "9", "本町自治会").await;
        assert!(visible(&app, &f.care_manager).await.is_empty());
        for (org, leader) in [
            (f.care.id, &f.care_manager),
            (f.community.id, &f.community_leader),
        ] {
            // Set up as an assignment would leave it (the share itself, not the workflow).
            let mut tx = store
                .begin(AuditContext::for_actor(&f.town_staff, None))
                .await
                .expect("begin");
            tsunagi_store::sharing::share_as(
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
            let seen = visible(&app, leader).await;
            if org == f.care.id {
                assert_eq!(seen, BTreeSet::from([id]));
                let r = persons::get(&app, &ctx(&app, leader).await, id)
                    .await
                    .expect("get");
                assert_eq!(r.grant.basis, AccessBasis::Assignment);
            } else {
                // A 自治会 is not entrusted: consent first.
                assert!(seen.is_empty());
            }
        }
    }
);
