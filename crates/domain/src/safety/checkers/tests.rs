use super::*;
use proptest::prelude::*;

fn org(n: u128) -> OrganisationId {
    OrganisationId(uuid::Uuid::from_u128(n))
}

fn kinds() -> impl Strategy<Value = OrganisationKind> {
    prop::sample::select(OrganisationKind::ALL.to_vec())
}

fn candidates() -> impl Strategy<Value = CheckerCandidates> {
    (
        prop::collection::vec((1u128..20, kinds()), 0..6),
        any::<bool>(),
    )
        .prop_map(|(orgs, has_supporters)| CheckerCandidates {
            // An organisation has one kind: ids made unique by position.
            organisations: orgs
                .into_iter()
                .enumerate()
                .map(|(i, (n, k))| (org(n * 100 + i as u128), k))
                .collect(),
            has_supporters,
        })
}

fn orders() -> impl Strategy<Value = CheckerOrder> {
    Just(CheckerStep::ALL[..5].to_vec())
        .prop_shuffle()
        .prop_flat_map(|v| (0..=v.len()).prop_map(move |n| v[..n].to_vec()))
        .prop_map(|v| CheckerOrder::new(&v).expect("a valid order"))
}

#[test]
fn the_default_order_is_the_guides() {
    assert_eq!(
        CheckerOrder::default().label(),
        "避難支援等実施者 → ケアマネジャー・事業所 → 民生委員 → 自治会・自主防災組織 → 社会福祉協議会 → 市町村職員"
    );
    let d = CheckerOrder::default();
    assert_eq!(CheckerOrder::parse(&d.code()), Some(d));
}

#[test]
fn an_order_is_checked() {
    use CheckerStep::*;
    assert!(CheckerOrder::new(&[CommunityAssociation, CommunityAssociation]).is_err());
    assert!(CheckerOrder::new(&[MunicipalStaff, CommunityAssociation]).is_err());
    // Staff are added last when left out.
    assert_eq!(
        CheckerOrder::new(&[WelfareCommissioner]).map(|o| o.steps().to_vec()),
        Ok(vec![WelfareCommissioner, MunicipalStaff])
    );
    assert_eq!(CheckerOrder::parse("welfare_commissioner,nobody"), None);
    assert_eq!(
        CheckerOrder::parse("").map(|o| o.steps().to_vec()),
        Some(vec![MunicipalStaff])
    );
}

#[test]
fn the_first_step_there_for_the_person_decides() {
    use CheckerStep::*;
    let c = CheckerCandidates {
        organisations: vec![
            (org(9), OrganisationKind::CommunityAssociation),
            (org(4), OrganisationKind::WelfareCommissionerDistrict),
            (org(2), OrganisationKind::CommunityAssociation),
        ],
        has_supporters: false,
    };
    let d = CheckerOrder::default();
    assert_eq!(
        assign(&d, &c),
        CheckerAssignment {
            step: WelfareCommissioner,
            organisation: Some(org(4))
        }
    );
    // The 自治会 first: the smaller id of the two.
    let o = CheckerOrder::new(&[CommunityAssociation, WelfareCommissioner]).unwrap();
    assert_eq!(assign(&o, &c).organisation, Some(org(2)));
    // Supporters first: the next organisation calls them.
    let s = CheckerCandidates {
        has_supporters: true,
        ..c.clone()
    };
    let a = assign(&d, &s);
    assert!(a.via_supporters());
    assert_eq!(a.organisation, Some(org(4)));
    // Nobody: the municipality's staff.
    assert_eq!(
        assign(&d, &CheckerCandidates::default()),
        CheckerAssignment {
            step: MunicipalStaff,
            organisation: None
        }
    );
    // An NPO or the fire service with a share is not in the order.
    let npo = CheckerCandidates {
        organisations: vec![
            (org(1), OrganisationKind::Npo),
            (org(3), OrganisationKind::FireDepartment),
        ],
        has_supporters: false,
    };
    assert_eq!(assign(&d, &npo).organisation, None);
}

proptest! {
    /// Everyone gets exactly one checker; it is one of the person's organisations of a kind the
    /// order names (or staff); and no step earlier in the order had someone for the person.
    #[test]
    fn everyone_goes_to_the_first_available_checker(order in orders(), c in candidates()) {
        let a = assign(&order, &c);
        let steps = order.steps();
        let at = steps.iter().position(|s| *s == a.step).expect("the step is in the order");
        if let Some(o) = a.organisation {
            let (_, kind) = c.organisations.iter().find(|(x, _)| *x == o).expect("a candidate");
            prop_assert!(steps.iter().any(|s| s.organisation_kind() == Some(*kind)));
            prop_assert_ne!(*kind, OrganisationKind::Municipality);
        }
        for s in &steps[..at] {
            match s {
                CheckerStep::Supporters => prop_assert!(!c.has_supporters),
                s => prop_assert!(!c.organisations.iter().any(|(_, k)| Some(*k) == s.organisation_kind())),
            }
        }
        if a.step == CheckerStep::MunicipalStaff {
            prop_assert_eq!(a.organisation, None);
        }
        // The same facts in another order of the shares give the same checker.
        let mut r = c.clone();
        r.organisations.reverse();
        prop_assert_eq!(assign(&order, &r), a);
    }
}
