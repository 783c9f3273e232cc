//! Storage tests. Each `db_test!` runs on SQLite and on PostgreSQL.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::NaiveDate;
use std::collections::BTreeSet;
use tsunagi_domain::access::{AccessBasis, AccessLevel, Actor, PersonFacts, Share, ShareSource};
use tsunagi_domain::consent::{ConsentFacts, ConsentRecord, ConsentStatus};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::legal_basis::{LegalBasis, Provision, ProvisionBasis};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::paging::Page;
use tsunagi_domain::person::{PersonDetails, PersonInput};
use tsunagi_store::testing::{Fixture, fixture};
use tsunagi_store::{AuditContext, Store, StoreError, audit, db_test, persons, sharing};

#[path = "store/audit_chain.rs"]
mod audit_chain;
#[path = "store/long_transactions.rs"]
mod long_transactions;
#[path = "store/zone_packs.rs"]
mod zone_packs;

fn record(c: &ConsentFacts) -> ConsentRecord {
    ConsentRecord {
        status: c.status,
        scope: c.scope.clone(),
        obtained_on: Some(today()),
        method: Some(tsunagi_domain::consent::ConsentMethod::Written),
        obtained_by: None,
        note: None,
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

fn details(name: &str, kana: &str, resident_no: &str) -> PersonDetails {
    let input = PersonInput {
        resident_no: resident_no.into(),
        name: name.into(),
        name_kana: kana.into(),
        birth_date: "昭和15年6月1日".into(),
        sex: "女".into(),
        address: "潮見市本町五丁目1番45号".into(),
        household_no: format!("H{resident_no}"),
        ..Default::default()
    };
    match input.validate(today()) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

async fn setup(store: &Store) -> Fixture {
    match fixture(store, "not-a-real-hash").await {
        Ok(f) => f,
        Err(e) => panic!("fixture: {e}"),
    }
}

fn ctx(a: &Actor) -> AuditContext {
    AuditContext::for_actor(a, Some("req-test".into()))
}

async fn create(store: &Store, a: &Actor, d: PersonDetails) -> persons::PersonRecord {
    let mut tx = store.begin(ctx(a)).await.expect("begin");
    let p = persons::create(&mut tx, a, &DisasterState::normal(), d)
        .await
        .expect("create");
    tx.commit().await.expect("commit");
    p
}

async fn get(
    store: &Store,
    a: &Actor,
    id: tsunagi_domain::PersonId,
) -> Result<persons::PersonRecord, StoreError> {
    let mut tx = store.begin(ctx(a)).await?;
    let r = persons::get(&mut tx, a, &DisasterState::normal(), id).await;
    tx.commit().await?;
    r
}

async fn search(store: &Store, a: &Actor, q: &str) -> persons::PersonPage {
    let mut tx = store.begin(ctx(a)).await.expect("begin");
    let r = persons::search(&mut tx, a, &DisasterState::normal(), q, Page::default())
        .await
        .expect("search");
    tx.commit().await.expect("commit");
    r
}

db_test!(
    create_read_and_search_with_half_width_kana,
    |store: Store| async move {
        let f = setup(&store).await;
        let p = create(
            &store,
            &f.town_staff,
            details("山田　花子", "やまだ はなこ", "1001"),
        )
        .await;
        create(
            &store,
            &f.town_staff,
            details("佐藤　一郎", "サトウ イチロウ", "1002"),
        )
        .await;
        assert_eq!(p.details.name_kana, "ヤマダ\u{3000}ハナコ");
        assert_eq!(p.version, 1);

        let hits = search(&store, &f.town_staff, "ﾔﾏﾀﾞ").await;
        assert_eq!(hits.total, 1);
        assert_eq!(hits.items[0].id, p.id);
        assert_eq!(search(&store, &f.town_staff, "やまだ　はな").await.total, 1);
        assert_eq!(search(&store, &f.town_staff, "山田").await.total, 1);
        assert_eq!(search(&store, &f.town_staff, "1002").await.total, 1);
        assert_eq!(search(&store, &f.town_staff, "").await.total, 2);
        assert_eq!(
            search(&store, &f.town_staff, "%").await.total,
            0,
            "LIKE wildcards are escaped"
        );

        let read = get(&store, &f.town_staff, p.id).await.expect("read");
        assert_eq!(read.details, p.details);
        assert_eq!(read.grant.basis, AccessBasis::Owner);
    }
);

db_test!(stale_edits_are_refused, |store: Store| async move {
    let f = setup(&store).await;
    let p = create(
        &store,
        &f.town_staff,
        details("山田　花子", "ヤマダ ハナコ", "1001"),
    )
    .await;
    let mut first = p.details.clone();
    first.phone = Some("088-111-2222".into());
    let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
    let updated = persons::update(
        &mut tx,
        &f.town_staff,
        &DisasterState::normal(),
        p.id,
        1,
        first,
    )
    .await
    .expect("first edit");
    tx.commit().await.expect("commit");
    assert_eq!(updated.0.version, 2);

    // A second editor who loaded version 1 saves later: refused, nothing overwritten.
    let mut second = p.details.clone();
    second.address = "潮見市港町1-1".into();
    let mut tx = store.begin(ctx(&f.town_admin)).await.expect("begin");
    let r = persons::update(
        &mut tx,
        &f.town_admin,
        &DisasterState::normal(),
        p.id,
        1,
        second,
    )
    .await;
    assert!(
        matches!(r, Err(StoreError::Conflict { current: 2 })),
        "{r:?}"
    );
    drop(tx);
    let now = get(&store, &f.town_staff, p.id).await.expect("read");
    assert_eq!(now.details.phone.as_deref(), Some("088-111-2222"));
    assert_eq!(now.details.address, p.details.address);
});

db_test!(
    duplicate_resident_numbers_are_refused,
    |store: Store| async move {
        let f = setup(&store).await;
        create(
            &store,
            &f.town_staff,
            details("山田　花子", "ヤマダ ハナコ", "1001"),
        )
        .await;
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        let r = persons::create(
            &mut tx,
            &f.town_staff,
            &DisasterState::normal(),
            details("別人", "ベツジン", "1001"),
        )
        .await;
        assert!(
            matches!(r, Err(StoreError::Duplicate("resident_no"))),
            "{r:?}"
        );
    }
);

db_test!(
    other_organisations_see_nothing_without_share_and_consent,
    |store: Store| async move {
        let f = setup(&store).await;
        let p = create(
            &store,
            &f.town_staff,
            details("山田　花子", "ヤマダ ハナコ", "1001"),
        )
        .await;
        for a in [&f.other_staff, &f.firefighter, &f.npo_staff] {
            assert!(matches!(
                get(&store, a, p.id).await,
                Err(StoreError::NotFound)
            ));
            assert_eq!(search(&store, a, "").await.total, 0);
        }
        // Shared with the fire department, but no consent yet: still nothing.
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        sharing::share(
            &mut tx,
            &f.town_staff,
            &DisasterState::normal(),
            p.id,
            f.fire.id,
            AccessLevel::Read,
        )
        .await
        .expect("share");
        tx.commit().await.expect("commit");
        assert!(matches!(
            get(&store, &f.firefighter, p.id).await,
            Err(StoreError::NotFound)
        ));

        // Consent covering fire: visible, read-only, on the basis of consent.
        let consent = ConsentFacts {
            status: ConsentStatus::Given,
            scope: BTreeSet::from([OrganisationKind::FireDepartment]),
        };
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        sharing::set_consent(
            &mut tx,
            &f.town_staff,
            &DisasterState::normal(),
            p.id,
            &record(&consent),
        )
        .await
        .expect("consent");
        tx.commit().await.expect("commit");
        let seen = get(&store, &f.firefighter, p.id).await.expect("visible");
        assert_eq!(seen.grant.basis, AccessBasis::Consent);
        assert_eq!(seen.grant.level, AccessLevel::Read);
        assert_eq!(search(&store, &f.firefighter, "ﾊﾅｺ").await.total, 1);
        // …but cannot edit.
        let mut tx = store.begin(ctx(&f.firefighter)).await.expect("begin");
        let r = persons::update(
            &mut tx,
            &f.firefighter,
            &DisasterState::normal(),
            p.id,
            1,
            p.details.clone(),
        )
        .await;
        assert!(matches!(r, Err(StoreError::Forbidden)), "{r:?}");
        drop(tx);
        // The NPO, with no share, still sees nothing.
        assert!(matches!(
            get(&store, &f.npo_staff, p.id).await,
            Err(StoreError::NotFound)
        ));

        // Withdrawal takes effect at once.
        let withdrawn = ConsentFacts {
            status: ConsentStatus::Withdrawn,
            ..consent
        };
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        sharing::set_consent(
            &mut tx,
            &f.town_staff,
            &DisasterState::normal(),
            p.id,
            &record(&withdrawn),
        )
        .await
        .expect("withdraw");
        tx.commit().await.expect("commit");
        assert!(matches!(
            get(&store, &f.firefighter, p.id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(search(&store, &f.firefighter, "").await.total, 0);
    }
);

db_test!(
    declared_disaster_opens_shared_records_without_consent,
    |store: Store| async move {
        let f = setup(&store).await;
        let p = create(
            &store,
            &f.town_staff,
            details("山田　花子", "ヤマダ ハナコ", "1001"),
        )
        .await;
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        sharing::share(
            &mut tx,
            &f.town_staff,
            &DisasterState::normal(),
            p.id,
            f.fire.id,
            AccessLevel::Read,
        )
        .await
        .expect("share");
        tx.commit().await.expect("commit");
        let declared = DisasterState {
            declared_in: vec![f.town.id],
            ..DisasterState::default()
        };
        let mut tx = store.begin(ctx(&f.firefighter)).await.expect("begin");
        let r = persons::get(&mut tx, &f.firefighter, &declared, p.id)
            .await
            .expect("visible in disaster");
        assert_eq!(r.grant.basis, AccessBasis::Disaster);
        let page = persons::search(&mut tx, &f.firefighter, &declared, "", Page::default())
            .await
            .expect("search");
        assert_eq!(page.total, 1);
        tx.commit().await.expect("commit");
    }
);

// The SQL form of the scope returns exactly the persons the record check admits.
db_test!(
    list_scope_matches_record_policy,
    |store: Store| async move {
        let f = setup(&store).await;
        let orgs = [
            f.fire.id,
            f.npo.id,
            f.other_town.id,
            f.care.id,
            f.community.id,
        ];
        let kinds = [
            OrganisationKind::FireDepartment,
            OrganisationKind::Npo,
            OrganisationKind::Municipality,
            OrganisationKind::Police,
            OrganisationKind::CareProvider,
            OrganisationKind::CommunityAssociation,
        ];
        let statuses = ConsentStatus::ALL;
        let mut facts = Vec::new();
        let mut disaster_only_later = Vec::new();
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        for i in 0..64u32 {
            let p = persons::create(
                &mut tx,
                &f.town_staff,
                &DisasterState::normal(),
                details("試験　太郎", "シケン タロウ", &format!("{}", 2000 + i)),
            )
            .await
            .expect("create");
            let mut shares = Vec::new();
            for (j, o) in orgs.iter().enumerate() {
                if (i >> j) & 1 == 1 {
                    let level = if i % 3 == 0 {
                        AccessLevel::Write
                    } else {
                        AccessLevel::Read
                    };
                    // Care and community shares alternate between assignment and manual.
                    let source = if j >= 3 && i % 2 == 0 {
                        ShareSource::Assignment
                    } else {
                        ShareSource::Manual
                    };
                    sharing::share_as(
                        &mut tx,
                        &f.town_staff,
                        &DisasterState::normal(),
                        p.id,
                        *o,
                        level,
                        source,
                    )
                    .await
                    .expect("share");
                    // Some shares are a receiver's designated for disasters only.
                    let disaster_only = (i + j as u32) % 5 == 1;
                    if disaster_only {
                        disaster_only_later.push((p.id, *o));
                    }
                    shares.push(Share {
                        organisation_id: *o,
                        level,
                        plan: true,
                        source,
                        disaster_only,
                    });
                }
            }
            let consent = ConsentFacts {
                status: statuses[(i as usize / 8) % statuses.len()],
                scope: kinds
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| (i as usize + k).is_multiple_of(2))
                    .map(|(_, k)| *k)
                    .collect(),
            };
            sharing::set_consent(
                &mut tx,
                &f.town_staff,
                &DisasterState::normal(),
                p.id,
                &record(&consent),
            )
            .await
            .expect("consent");
            facts.push((
                p.id,
                PersonFacts {
                    owner: f.town.id,
                    shares,
                    consent,
                    provision: Provision::default(),
                    declared_areas: Vec::new(),
                    // Made by hand, not by a roster import.
                    on_roster: false,
                    supporters_agreed: true,
                    unagreed: Vec::new(),
                },
            ));
        }
        tx.commit().await.expect("commit");
        for (p, o) in disaster_only_later {
            let n = tsunagi_store::testing::mark_disaster_only(&store, p, o)
                .await
                .expect("disaster only");
            assert_eq!(n, 1);
        }
        // A declaration over part of the town holding every third person (its sweep).
        let mut tx = store.begin(ctx(&f.town_admin)).await.expect("begin");
        let part = tsunagi_store::declarations::declare(
            &mut tx,
            &f.town_admin,
            tsunagi_domain::declaration::NewDeclaration {
                name: "一部の区域".into(),
                kind: tsunagi_domain::declaration::DisasterKind::Flood,
                stage: tsunagi_domain::declaration::Stage::EvacuationOrder,
                area: tsunagi_domain::declaration::AffectedArea::Towns {
                    towns: ["本町".to_owned()].into_iter().collect(),
                },
                started_at: None,
                residents_aged: None,
            },
        )
        .await
        .expect("declare");
        let inside: Vec<uuid::Uuid> = facts.iter().step_by(3).map(|(id, _)| id.0).collect();
        let staff = tsunagi_domain::safety::checkers::CheckerAssignment {
            step: tsunagi_domain::safety::checkers::CheckerStep::MunicipalStaff,
            organisation: None,
        };
        tsunagi_store::safety::open_sweep(
            &mut tx,
            part.id,
            inside.iter().map(|p| (*p, staff)).collect(),
        )
        .await
        .expect("sweep");
        tx.commit().await.expect("commit");
        for (id, pf) in facts.iter_mut() {
            if inside.contains(&id.0) {
                pf.declared_areas = vec![part.id];
            }
        }
        let disasters = [
            DisasterState::normal(),
            DisasterState {
                declared_in: vec![f.town.id],
                ..DisasterState::default()
            },
            DisasterState {
                partial: vec![(f.town.id, part.id)],
                ..DisasterState::default()
            },
        ];
        // Under each legal basis the town may choose (同意方式 first: none recorded), the SQL
        // scope returns exactly what the record check admits.
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        // The 自治会 signed a pledge (誓約書); nobody else did. It counts only where the town
        // requires one (the last basis below).
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        tsunagi_store::receivers::agreements::add(
            &mut tx,
            &f.town_staff,
            f.community.id,
            tsunagi_domain::receiver::ReceiverAgreement {
                kind: tsunagi_domain::receiver::AgreementKind::Pledge,
                concluded_on: today,
                expires_on: None,
                scope: "名簿情報の適正管理".into(),
                file_reference: None,
            },
            today,
        )
        .await
        .expect("agreement");
        tx.commit().await.expect("commit");
        for (version, roster, agreements_required) in [
            (0, ProvisionBasis::Consent, false),
            (1, ProvisionBasis::OrdinanceOptOut, false),
            (2, ProvisionBasis::OrdinanceWithoutConsent, false),
            (3, ProvisionBasis::SelfRegistration, false),
            (4, ProvisionBasis::OrdinanceWithoutConsent, true),
        ] {
            if version > 0 {
                let mut tx = store.begin(ctx(&f.town_admin)).await.expect("begin");
                let basis = LegalBasis {
                    provision: Provision {
                        roster,
                        plans: ProvisionBasis::Consent,
                        agreements_required,
                        roster_only_stays_in_disasters: false,
                    },
                    ordinance: Some("潮見市避難行動要支援者名簿条例 第5条".into()),
                    effective_from: today,
                };
                tsunagi_store::legal_bases::record(&mut tx, &f.town_admin, version - 1, basis)
                    .await
                    .expect("basis");
                tx.commit().await.expect("commit");
            }
            for (_, pf) in facts.iter_mut() {
                pf.provision.roster = roster;
                pf.provision.agreements_required = agreements_required;
                pf.unagreed = if agreements_required {
                    pf.shares
                        .iter()
                        .map(|s| s.organisation_id)
                        .filter(|o| *o != f.community.id && *o != f.town.id)
                        .collect()
                } else {
                    Vec::new()
                };
            }
            for a in [
                &f.town_staff,
                &f.other_staff,
                &f.firefighter,
                &f.npo_staff,
                &f.care_manager,
                &f.community_leader,
            ] {
                for d in &disasters {
                    let mut tx = store.begin(ctx(a)).await.expect("begin");
                    let page = persons::search(&mut tx, a, d, "", Page::new(Some(1), Some(200)))
                        .await
                        .expect("search");
                    tx.commit().await.expect("commit");
                    let got: BTreeSet<_> = page.items.iter().map(|p| p.id).collect();
                    let want: BTreeSet<_> = facts
                        .iter()
                        .filter(|(_, pf)| tsunagi_domain::access::person_access(a, pf, d).is_some())
                        .map(|(id, _)| *id)
                        .collect();
                    assert_eq!(
                        got, want,
                        "actor {} disaster {d:?} basis {roster:?}",
                        a.login
                    );
                }
            }
        }
    }
);
