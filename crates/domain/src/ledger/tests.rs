use super::*;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn ids() -> (OrganisationId, OrganisationId) {
    (
        OrganisationId(uuid::Uuid::from_u128(1)),
        OrganisationId(uuid::Uuid::from_u128(2)),
    )
}

fn facts(kind: OrganisationKind, same: bool, registered: bool, consent: bool) -> DisclosureFacts {
    let (owner, other) = ids();
    DisclosureFacts {
        owner,
        receiver: if same { owner } else { other },
        receiver_kind: kind,
        receiver_registered: registered,
        consent_recorded: consent,
    }
}

fn kinds() -> impl Strategy<Value = OrganisationKind> {
    prop::sample::select(vec![
        OrganisationKind::Municipality,
        OrganisationKind::Prefecture,
        OrganisationKind::SocialWelfareCouncil,
        OrganisationKind::CareProvider,
        OrganisationKind::CommunityAssociation,
        OrganisationKind::Npo,
        OrganisationKind::ProfessionalBody,
        OrganisationKind::FireDepartment,
    ])
}

proptest! {
    /// Each basis allows exactly what art. 90-4 says, whatever the other facts are.
    #[test]
    fn each_basis_allows_only_its_receivers(
        kind in kinds(), same: bool, registered: bool, consent: bool,
        basis in prop::sample::select(DisclosureBasis::ALL.to_vec()),
    ) {
        let f = facts(kind, same, registered, consent);
        let expected = match basis {
            DisclosureBasis::Consent => consent,
            DisclosureBasis::Internal => same,
            DisclosureBasis::OtherGovernment => !same && matches!(
                kind, OrganisationKind::Municipality | OrganisationKind::Prefecture),
            DisclosureBasis::RegisteredPartner => registered,
        };
        prop_assert_eq!(may_disclose(basis, f).is_ok(), expected);
    }
}

#[test]
fn an_unregistered_npo_gets_nothing_without_consent() {
    let f = facts(OrganisationKind::Npo, false, false, false);
    assert!(may_disclose(DisclosureBasis::RegisteredPartner, f).is_err());
    assert!(may_disclose(DisclosureBasis::Consent, f).is_err());
    assert!(may_disclose(DisclosureBasis::OtherGovernment, f).is_err());
    let registered = facts(OrganisationKind::Npo, false, true, false);
    assert!(may_disclose(DisclosureBasis::RegisteredPartner, registered).is_ok());
}

#[test]
fn the_ledger_names_only_members_and_keeps_whereabouts_in_order() {
    let a = PersonId(uuid::Uuid::from_u128(10));
    let stranger = PersonId(uuid::Uuid::from_u128(11));
    let (today, day) = (d(2026, 12, 10), d(2026, 12, 4));
    let body = LedgerBody {
        whereabouts: vec![
            Whereabouts {
                person: a,
                kind: WhereaboutsKind::Relatives,
                place: Some("  北町 ".into()),
                since: d(2026, 12, 7),
            },
            Whereabouts {
                person: a,
                kind: WhereaboutsKind::Shelter,
                place: Some("潮見小学校".into()),
                since: d(2026, 12, 4),
            },
        ],
        ..LedgerBody::default()
    };
    let v = body.clone().validate(&[a], today, day).expect("valid");
    assert_eq!(v.whereabouts[0].kind, WhereaboutsKind::Shelter);
    assert_eq!(
        v.current_place(a).map(|w| w.kind),
        Some(WhereaboutsKind::Relatives)
    );
    assert_eq!(v.whereabouts[1].place.as_deref(), Some("北町"));
    let e = body
        .clone()
        .validate(&[stranger], today, day)
        .expect_err("not a member");
    assert!(e.for_field("whereabouts").is_some());
    let early = LedgerBody {
        support: vec![SupportGiven {
            programme: "見舞金".into(),
            given_on: d(2026, 12, 1),
            amount_yen: Some(30000),
            note: None,
        }],
        harms: vec![
            MemberHarm {
                person: a,
                harm: Harm::Injured,
                caused_by_disaster: true,
            },
            MemberHarm {
                person: a,
                harm: Harm::Died,
                caused_by_disaster: true,
            },
        ],
        ..LedgerBody::default()
    };
    let e = early.validate(&[a], today, day).expect_err("bad");
    assert!(e.for_field("support").is_some());
    assert!(e.for_field("harms").is_some());
}

#[test]
fn a_disclosure_names_items_and_a_purpose() {
    let (_, other) = ids();
    let input = DisclosureInput {
        basis: DisclosureBasis::RegisteredPartner,
        receiver: other,
        items: vec![
            LedgerItem::Support,
            LedgerItem::Identity,
            LedgerItem::Identity,
        ],
        purpose: " 見守り訪問 ".into(),
        disclosed_on: d(2026, 12, 5),
    };
    let v = input.clone().validate(d(2026, 12, 5)).expect("valid");
    assert_eq!(v.items, vec![LedgerItem::Identity, LedgerItem::Support]);
    assert_eq!(v.purpose, "見守り訪問");
    let none = DisclosureInput {
        items: vec![],
        purpose: "".into(),
        ..input
    };
    let e = none.validate(d(2026, 12, 5)).expect_err("empty");
    assert!(e.for_field("items").is_some() && e.for_field("purpose").is_some());
}
