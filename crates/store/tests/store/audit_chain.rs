//! The audit trail: every access recorded, the hash chain verified, tampering and deletion
//! detected, a rolled-back change leaving no entry, concurrent writers keeping one chain.

use super::*;
use tsunagi_store::testing::execute_raw;

db_test!(
    every_access_is_audited_and_the_chain_verifies,
    |store: Store| async move {
        let f = setup(&store).await;
        let p = create(
            &store,
            &f.town_staff,
            details("山田　花子", "ヤマダ ハナコ", "1001"),
        )
        .await;
        get(&store, &f.town_staff, p.id).await.expect("read");
        search(&store, &f.town_staff, "ﾔﾏﾀﾞ").await;

        let mut tx = store.begin(ctx(&f.town_admin)).await.expect("begin");
        let page = audit::list(
            &mut tx,
            &f.town_admin,
            &audit::AuditFilter {
                entity_id: Some(p.id.to_string()),
                ..Default::default()
            },
            Page::default(),
        )
        .await
        .expect("audit list");
        tx.commit().await.expect("commit");
        let actions: Vec<&str> = page.items.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, vec!["person.viewed", "person.created"]);
        assert!(
            page.items.iter().all(
                |r| r.user_login == "town-staff" && r.request_id.as_deref() == Some("req-test")
            )
        );

        let v = audit::verify(&store, |_, _| {})
            .await
            .expect("intact chain verifies");
        assert!(v.entries > 10);

        // A non-administrator may not read the trail.
        let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
        assert!(matches!(
            audit::list(&mut tx, &f.town_staff, &Default::default(), Page::default()).await,
            Err(StoreError::Forbidden)
        ));
    }
);

db_test!(
    tampering_with_the_audit_trail_is_detected,
    |store: Store| async move {
        let f = setup(&store).await;
        create(
            &store,
            &f.town_staff,
            details("山田　花子", "ヤマダ ハナコ", "1001"),
        )
        .await;
        assert!(audit::verify(&store, |_, _| {}).await.is_ok());
        execute_raw(
            &store,
            "UPDATE audit_log SET user_login = 'someone' WHERE seq = 3",
        )
        .await
        .expect("tamper");
        let r = audit::verify(&store, |_, _| {}).await;
        assert!(
            matches!(
                r,
                Err(audit::VerifyError::Broken(
                    tsunagi_domain::audit::ChainBreak::HashMismatch { seq: 3 }
                ))
            ),
            "{r:?}"
        );
    }
);

db_test!(
    deleting_the_last_audit_entry_is_detected,
    |store: Store| async move {
        let f = setup(&store).await;
        create(
            &store,
            &f.town_staff,
            details("山田　花子", "ヤマダ ハナコ", "1001"),
        )
        .await;
        execute_raw(
            &store,
            "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
        )
        .await
        .expect("tamper");
        let r = audit::verify(&store, |_, _| {}).await;
        assert!(
            matches!(
                r,
                Err(audit::VerifyError::Broken(
                    tsunagi_domain::audit::ChainBreak::Tail { .. }
                ))
            ),
            "{r:?}"
        );
    }
);

db_test!(
    a_rolled_back_change_leaves_no_audit_entry_and_no_data,
    |store: Store| async move {
        let f = setup(&store).await;
        let before = audit::verify(&store, |_, _| {})
            .await
            .expect("verify")
            .entries;
        {
            let mut tx = store.begin(ctx(&f.town_staff)).await.expect("begin");
            persons::create(
                &mut tx,
                &f.town_staff,
                &DisasterState::normal(),
                details("山田　花子", "ヤマダ ハナコ", "1001"),
            )
            .await
            .expect("create");
            // dropped without commit
        }
        assert_eq!(
            audit::verify(&store, |_, _| {})
                .await
                .expect("verify")
                .entries,
            before
        );
        assert_eq!(search(&store, &f.town_staff, "").await.total, 0);
    }
);

db_test!(
    concurrent_writers_keep_one_unbroken_chain,
    |store: Store| async move {
        let f = setup(&store).await;
        let mut handles = Vec::new();
        for i in 0..12 {
            let store = store.clone();
            let a = f.town_staff.clone();
            handles.push(tokio::spawn(async move {
                let mut tx = store.begin(ctx(&a)).await.expect("begin");
                persons::create(
                    &mut tx,
                    &a,
                    &DisasterState::normal(),
                    details("並行　試験", "ヘイコウ シケン", &format!("{}", 5000 + i)),
                )
                .await
                .expect("create");
                tx.commit().await.expect("commit");
            }));
        }
        for h in handles {
            h.await.expect("task");
        }
        assert_eq!(search(&store, &f.town_staff, "ﾍｲｺｳ").await.total, 12);
        assert!(audit::verify(&store, |_, _| {}).await.is_ok());
    }
);

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error() {
    let r = Store::connect("postgres://postgres@127.0.0.1:1/none").await;
    assert!(matches!(r, Err(StoreError::Unavailable(_))), "{r:?}");
}
