//! A long transaction flushes its audit entries as it goes; the chain holds.

use super::*;

db_test!(
    a_long_transaction_writes_its_entries_as_it_goes_and_the_chain_holds,
    |store: Store| async move {
        use tsunagi_domain::audit::AuditAction;
        use tsunagi_store::audit::Entry;
        let mut tx = store
            .begin(AuditContext::system("bulk"))
            .await
            .expect("begin");
        for i in 0..25_000 {
            tx.record(
                Entry::new(AuditAction::PersonViewed, "person", i)
                    .detail(serde_json::json!({"n": i})),
            );
            tx.flush_if_many().await.expect("flush");
        }
        let last = tx.commit().await.expect("commit");
        let v = audit::verify(&store, |_, _| {})
            .await
            .expect("the chain holds");
        assert_eq!(v.entries, last);
        assert!(last >= 25_000);
        // A transaction dropped after flushing leaves nothing behind.
        let mut tx = store
            .begin(AuditContext::system("bulk"))
            .await
            .expect("begin");
        for i in 0..12_000 {
            tx.record(Entry::new(AuditAction::PersonViewed, "person", i));
            tx.flush_if_many().await.expect("flush");
        }
        drop(tx);
        let after = audit::verify(&store, |_, _| {}).await.expect("intact");
        assert_eq!(after.entries, last);
    }
);
