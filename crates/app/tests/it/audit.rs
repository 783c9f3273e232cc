//! What the municipality's administrator finds in 監査ログ: receivers' list views, failed logins
//! and lock-outs of its users, attempts under unknown names; and the request ids every entry
//! carries (the server's own, the client's beside it).

use tsunagi_app::triage::RosterFilter;
use tsunagi_app::{Identity, RequestIds, audit, gis, persons, triage, users};
use tsunagi_domain::paging::Page;
use tsunagi_store::audit::AuditFilter;
use tsunagi_store::{Store, db_test};

use crate::common::{ctx, world};

fn filter(action: &str) -> AuditFilter {
    AuditFilter {
        action: Some(action.to_owned()),
        ..Default::default()
    }
}

db_test!(
    the_administrator_finds_receivers_list_views_and_failed_logins,
    |store: Store| async move {
        let (app, f) = world(&store).await;
        let admin = ctx(&app, &f.town_admin).await;
        let leader = ctx(&app, &f.community_leader).await;

        // A 自治会 leader looks at the person list, the roster and the map.
        persons::search(&app, &leader, "ヤマ", Page::default())
            .await
            .unwrap();
        triage::roster_list(&app, &leader, &RosterFilter::default(), Page::default())
            .await
            .unwrap();
        gis::map_persons(&app, &leader).await.unwrap();
        let seen = audit::list(&app, &admin, &filter("person.searched"), Page::default())
            .await
            .unwrap();
        let by_leader: Vec<_> = seen
            .items
            .iter()
            .filter(|r| r.user_login == "community-leader")
            .collect();
        assert_eq!(by_leader.len(), 3, "{:?}", seen.items);
        for r in &by_leader {
            assert_eq!(
                r.organisation_id.as_deref(),
                Some(f.community.id.to_string().as_str())
            );
            assert_eq!(
                r.subject_owner_id.as_deref(),
                Some(f.town.id.to_string().as_str())
            );
        }
        // The neighbouring town's administrator sees none of it.
        let other_admin = {
            let mut a = f.other_staff.clone();
            a.role = tsunagi_domain::role::Role::Administrator;
            ctx(&app, &a).await
        };
        let other = audit::list(
            &app,
            &other_admin,
            &filter("person.searched"),
            Page::default(),
        )
        .await
        .unwrap();
        assert!(
            other
                .items
                .iter()
                .all(|r| r.user_login != "community-leader")
        );

        // Failed logins of the town's users, and the lock-out after five.
        let anonymous = |login: &str| {
            app.context(
                Identity::Anonymous {
                    login: login.to_owned(),
                },
                RequestIds::generate(Some("client-7".into())),
            )
        };
        for _ in 0..5 {
            let c = anonymous("community-leader").await.unwrap();
            let ok = users::login(&app, &c, "community-leader", "wrong".into())
                .await
                .unwrap();
            assert!(ok.is_none());
        }
        let c = anonymous("nobody").await.unwrap();
        assert!(
            users::login(&app, &c, "nobody", "wrong".into())
                .await
                .unwrap()
                .is_none()
        );
        let failed = audit::list(&app, &admin, &filter("login.failed"), Page::default())
            .await
            .unwrap();
        let leader_id = f.community_leader.user_id.to_string();
        assert_eq!(
            failed
                .items
                .iter()
                .filter(|r| r.entity_id.as_deref() == Some(leader_id.as_str()))
                .count(),
            4
        );
        assert!(
            failed.items.iter().any(|r| r.user_login == "nobody"),
            "an unknown name is every administrator's concern"
        );
        let locked = audit::list(&app, &admin, &filter("login.locked"), Page::default())
            .await
            .unwrap();
        assert_eq!(locked.items.len(), 1);
        assert_eq!(
            locked.items[0].entity_id.as_deref(),
            Some(leader_id.as_str())
        );
        // The neighbouring town's administrator does not see this town's users' failures.
        let other = audit::list(&app, &other_admin, &filter("login.failed"), Page::default())
            .await
            .unwrap();
        assert!(
            other
                .items
                .iter()
                .all(|r| r.entity_id.as_deref() != Some(leader_id.as_str()))
        );

        // Every entry carries the server's request id; the client's is kept beside it.
        for r in &failed.items {
            let server = r.request_id.as_deref().unwrap();
            assert!(uuid::Uuid::parse_str(server).is_ok(), "{server}");
            assert_eq!(r.client_request_id.as_deref(), Some("client-7"));
        }
        // Reading a person's workflow is a view of the person, audited with its basis.
        let staff = ctx(&app, &f.town_staff).await;
        let input = tsunagi_domain::person::PersonInput {
            resident_no: "5001".into(),
            name: "試験　花".into(),
            name_kana: "シケン ハナ".into(),
            birth_date: "S10.1.1".into(),
            sex: "女".into(),
            address: "潮見市本町1番".into(),
            ..Default::default()
        };
        let p = persons::create(
            &app,
            &staff,
            input.validate(crate::common::today()).unwrap(),
        )
        .await
        .unwrap();
        tsunagi_app::workflows::get(&app, &staff, p.id)
            .await
            .unwrap();
        let views = audit::list(
            &app,
            &admin,
            &AuditFilter {
                action: Some("person.viewed".into()),
                entity_id: Some(p.id.to_string()),
                ..Default::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
        assert!(
            views
                .items
                .iter()
                .any(|r| r.detail.contains("\"part\":\"workflow\"")
                    && r.access_basis.as_deref() == Some("owner")),
            "{:?}",
            views.items
        );
        assert!(matches!(
            tsunagi_app::audit::verify(&app, |_, _| {}).await,
            Ok(v) if v.entries > 0
        ));
    }
);
