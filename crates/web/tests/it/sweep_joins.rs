//! Nobody registered during a disaster is forgotten (issue 18, item 3): a person entered on the
//! roster (or moved into the area) while a declaration is open joins its sweep at once, with a
//! checker by the order; a person outside the area does not.

use crate::common::{HONMACHI_ROSTER, app, call_json, load_roster, token_for};
use axum::http::Method;
use serde_json::json;
use tsunagi_store::{Store, db_test};

const MORE: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町自治会\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市本町3,,1,,本町自治会\n\
1004,浜田　進,ハマダ ススム,S9.1.1,1,潮見市港町2,,1,,港町自治会\n";

db_test!(
    a_person_entered_on_the_roster_during_a_declaration_joins_its_sweep,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        crate::common::community_receives_honmachi(&app, &staff, false).await;
        let (_, d) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            Some(
                json!({"name": "本町の浸水", "kind": "flood", "stage": "occurred",
                "area": {"type": "towns", "towns": ["本町"]}, "started_at": null}),
            ),
        )
        .await;
        let decl = d["id"].as_str().unwrap().to_owned();
        assert_eq!(
            crate::sweep_checkers::checkers(&app, &decl, &staff, false)
                .await
                .len(),
            2
        );
        // Two more on the roster: 岡林 in 本町 joins, with the 自治会 as her checker; 浜田 in
        // 港町 is outside the area.
        load_roster(&app, MORE).await;
        assert_eq!(
            crate::sweep_checkers::checkers(&app, &decl, &staff, false).await,
            ["佐藤　茂", "山田　ハル", "岡林　千代"]
                .map(|n| crate::sweep_checkers::line(n, "本町自治会", "community_association"))
                .to_vec()
        );
        let (_, audit) = call_json(&app, Method::GET, "/api/v1/audit", &admin, None).await;
        assert!(
            audit["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "safety.sweep_joined" && e["entity_id"] == decl.as_str()),
            "{audit}"
        );
        // The same file again: nobody joins twice.
        load_roster(&app, MORE).await;
        assert_eq!(
            crate::sweep_checkers::checkers(&app, &decl, &staff, false)
                .await
                .len(),
            3
        );
    }
);
