//! Entries recorded without a connection (离线填报) are saved with the batch
//! of the record they were based on: a record changed on the server since,
//! or a new record whose key already exists, answers 409 `conflict` and is
//! not overwritten until the person resends without the precondition. A
//! save equal to the stored record is never a conflict (an entry stored
//! whose answer was lost is sent again).

use crate::support::*;

#[test]
fn a_save_based_on_an_older_batch_is_a_conflict_and_writes_nothing() {
    use crate::web::{account_token, raw_request, serve_plain};
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let s = serve_plain(&db, &[]);
    let send = |method: &str, path: &str, body: &str| -> (u16, serde_json::Value) {
        let headers =
            format!("Authorization: Bearer {admin}\r\nContent-Type: application/json\r\n");
        let (st, text) = raw_request(&s.addr, method, path, &headers, body);
        (
            st,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    };
    let meeting = |kind: &str| {
        format!(
            r#"{{"meeting_id":"MT990001","pairing_id":"PROV-44-45","date":"2020-10-15","kind":"{kind}","top_leader":"0"}}"#
        )
    };
    let path = "/api/v1/records/meetings";
    // A new record: saved once, its key then exists.
    let (st, b) = send(
        "POST",
        &format!("{path}?base_batch=0"),
        &meeting("joint_meeting"),
    );
    assert_eq!((st, b["saved"].as_bool()), (200, Some(true)), "{b}");
    let first = b["batch_id"].as_i64().unwrap();
    // Sent again as it is (its answer lost on the way): nothing changes and
    // it is no conflict with itself.
    let (st, b) = send(
        "POST",
        &format!("{path}?base_batch=0"),
        &meeting("joint_meeting"),
    );
    assert_eq!((st, b["saved"].as_bool()), (200, Some(true)), "{b}");
    assert_eq!(
        (b["unchanged"].as_i64(), b["changed"].as_i64()),
        (Some(1), Some(0)),
        "{b}"
    );
    // Another new record with the same key is a conflict.
    let (st, b) = send(
        "POST",
        &format!("{path}?base_batch=0"),
        &meeting("visit_to_west"),
    );
    assert_eq!((st, b["code"].as_str()), (409, Some("conflict")), "{b}");
    assert!(b.to_string().contains("already exists"), "{b}");
    // An update based on the stored batch is written.
    let (st, b) = send("GET", &format!("{path}/MT990001"), "");
    assert_eq!((st, b["batch_id"].as_i64()), (200, Some(first)), "{b}");
    let changed = meeting("visit_to_west");
    let (st, b) = send("POST", &format!("{path}?base_batch={first}"), &changed);
    assert_eq!((st, b["saved"].as_bool()), (200, Some(true)), "{b}");
    let second = b["batch_id"].as_i64().unwrap();
    // An entry still based on the first batch is refused and writes nothing.
    let (st, b) = send(
        "POST",
        &format!("{path}?base_batch={first}"),
        &meeting("joint_meeting"),
    );
    assert_eq!((st, b["code"].as_str()), (409, Some("conflict")), "{b}");
    assert!(
        b.to_string().contains(&format!("now batch {second}")),
        "{b}"
    );
    let (_, b) = send("GET", &format!("{path}/MT990001"), "");
    assert_eq!(b["batch_id"].as_i64(), Some(second), "{b}");
    assert_eq!(b["values"]["kind"], "visit_to_west", "{b}");
    // Keeping one's own version: resent without the precondition.
    let (st, b) = send("POST", path, &meeting("joint_meeting"));
    assert_eq!((st, b["saved"].as_bool()), (200, Some(true)), "{b}");
    let (_, b) = send("GET", &format!("{path}/MT990001"), "");
    assert_eq!(b["values"]["kind"], "joint_meeting", "{b}");
}
