//! The two-sided reconciliation (对账) through the real binary and server:
//! a v1 store reconciles nothing; the receiving side's files of v1.2 (with
//! Chinese headers) are imported and matched, every unmatched or
//! mismatched item is written for both parties, the assessment's output is
//! unchanged by them, a bad file stores nothing, a frozen year refuses
//! them, and over the API each office sees its own pairings and writes
//! only the receiving side it is.

use crate::security_writes::{auth, scope_refusals, upload_and_commit};
use crate::support::*;
use crate::web::{account_token, raw_request, serve_plain};
use std::path::Path;

const RECEIPTS: &str = "到账编号,结对编号,拨付流水号,到账日期,到账金额,已支出金额
R1,PROV-44-45,TX00000305,2020-01-20,515304.03,400000
R2,CNTY-310183-530123,TX00000318,2020-01-16,6000000.00,
R3,PROV-44-45,,2020-05-01,12345.00,
R4,PROV-44-45,TX99999999,2020-02-01,100.00,
";

const SALES: &str = "sale_id,pairing_id,purchase_id,seller,seller_county,date,amount
SL1,PREF-4401-4501,PU0000083,土豆专业合作社,450122000000,2020-11-25,495551.27
";

fn reconcile(db: &TestDb, out: &Path) -> Run {
    let r = xiezuo(
        db,
        &[
            "reconcile",
            "--year",
            "2020",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn import_files(db: &TestDb, dir: &Path, files: &[(&str, &str)]) -> Run {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    xiezuo(db, &["import", dir.to_str().unwrap()])
}

#[test]
fn both_sides_are_matched_and_every_difference_is_a_finding_of_both() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let db = TestDb::new(t, "r.db");
    import_test_dataset(&db);
    let before = t.join("assess-before");
    assess_into(&db, "2020", &before);

    // Format v1 only: nothing is reconciled, nothing is a finding.
    let r = reconcile(&db, &t.join("r0"));
    assert!(r.stdout.contains("nothing reconciled"), "{}", r.stdout);
    assert_eq!(
        read(&t.join("r0/reconciliation.csv")).lines().count(),
        1,
        "only the header"
    );

    let r = import_files(
        &db,
        &t.join("v12"),
        &[("fund_receipts.csv", RECEIPTS), ("sales.csv", SALES)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = reconcile(&db, &t.join("r1"));
    assert!(r.stdout.contains("funds"), "{}", r.stdout);
    let items = read(&t.join("r1/reconciliation.csv"));
    let line = |needle: &str| {
        items
            .lines()
            .find(|l| l.contains(needle))
            .map(str::to_string)
    };
    // R1 and SL1 agree: no finding.
    assert_eq!(line(",R1,"), None, "{items}");
    assert_eq!(line(",SL1,"), None, "{items}");
    assert_eq!(
        line(",R2,").as_deref(),
        Some(
            "funds,CNTY-310183-530123,310183000000,530123000000,amount_differs,TX00000318,R2,2020-01-15,2020-01-16,6630022.58,6000000.00"
        )
    );
    assert!(
        line(",R3,").is_some_and(|l| l.contains(",unreported,,R3,")),
        "{items}"
    );
    assert!(
        line(",R4,").is_some_and(|l| l.contains(",unknown_reference,,R4,")),
        "{items}"
    );
    // A disbursement nobody confirmed, named with both parties.
    assert!(
        line("TX00000399")
            .is_some_and(|l| l.contains(",310102000000,530122000000,unconfirmed,TX00000399,,")),
        "{items}"
    );
    let trace = read(&t.join("r1/traceability.csv"));
    assert!(
        trace.starts_with("pairing_id,year,money_sent,money_confirmed,money_share,people_sent")
    );
    assert!(
        trace
            .lines()
            .any(|l| l.starts_with("PREF-4401-4501,2020,") && l.contains(",495551.27")),
        "{trace}"
    );

    // The assessment's output does not move with the receiving side's files.
    let after = t.join("assess-after");
    let r = xiezuo(
        &db,
        &["assess", "--year", "2020", "--out", after.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(compare_outputs(&before, &after), Vec::<String>::new());

    // A bad file: every bad row named with file, line and column; nothing stored.
    let r = import_files(
        &db,
        &t.join("bad"),
        &[(
            "fund_receipts.csv",
            "receipt_id,pairing_id,txn_id,date,amount,expended\nR9,PROV-44-45,,2020-03-01,-5,\nR10,NO-SUCH,,2020-03-01,5,\nR11,PROV-44-45,,2020-13-01,5,\n",
        )],
    );
    assert_ne!(r.code, 0);
    for needle in [
        "fund_receipts.csv:2 [amount]",
        "fund_receipts.csv:3 [pairing_id]",
        "fund_receipts.csv:4 [date]",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    reconcile(&db, &t.join("r2"));
    assert_eq!(items, read(&t.join("r2/reconciliation.csv")));

    // Frozen: a receipt dated in the year is refused, naming the round.
    assert_eq!(xiezuo(&db, &["round", "open", "--year", "2020"]).code, 0);
    let r = xiezuo(&db, &["freeze", "--year", "2020", "--reason", "截止"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = import_files(
        &db,
        &t.join("late"),
        &[(
            "fund_receipts.csv",
            "receipt_id,pairing_id,txn_id,date,amount,expended\nR20,PROV-44-45,,2020-06-01,5,\n",
        )],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("fund_receipts.csv:2")
            && r.stderr.contains("2020 assessment round is frozen"),
        "{}",
        r.stderr
    );
}

#[test]
fn each_office_sees_its_pairings_and_writes_only_the_side_it_receives_on() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "w.db");
    import_test_dataset(&db);
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let gd = account_token(&db, "gd", &["--role", "office", "--region", "440000"]);
    let assessor = account_token(&db, "as", &["--role", "assessor"]);
    let s = serve_plain(&db, &[]);

    // Guangdong disbursed to Guangxi: Guangxi confirms, Guangdong may not.
    let receipt = "receipt_id,pairing_id,txn_id,date,amount,expended\nR1,PROV-44-45,TX00000305,2020-01-20,515304.03,\n";
    let (report, commit) = upload_and_commit(&s.addr, &gd, "fund_receipts.csv", receipt);
    assert_eq!(scope_refusals(&report), [2], "{report}");
    assert_eq!(commit["state"], "failed", "{commit}");
    let (report, commit) = upload_and_commit(&s.addr, &gx, "fund_receipts.csv", receipt);
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(commit["state"], "done", "{commit}");
    let other = "receipt_id,pairing_id,txn_id,date,amount,expended\nR2,CNTY-310183-530123,TX00000318,2020-01-16,6000000.00,\n";
    let (report, _) = upload_and_commit(&s.addr, &gx, "fund_receipts.csv", other);
    assert_eq!(scope_refusals(&report), [2], "{report}");
    let r = import_files(
        &db,
        &tmp.path().join("cli"),
        &[("fund_receipts.csv", other)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let get = |token: &str| -> serde_json::Value {
        let (st, body) = raw_request(
            &s.addr,
            "GET",
            "/api/v1/reconciliation/2020",
            &auth(token),
            "",
        );
        assert_eq!(st, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    };
    let mine = get(&gx);
    assert_eq!(mine["flows"], serde_json::json!(["funds"]));
    assert_eq!(
        (
            mine["amount_tolerance_fen"].as_i64(),
            mine["date_tolerance_days"].as_i64()
        ),
        (Some(100), Some(30))
    );
    let pairings = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["pairing_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!pairings(&mine).is_empty());
    assert!(
        !pairings(&mine).iter().any(|p| p == "CNTY-310183-530123"),
        "{mine}"
    );
    let all = get(&assessor);
    let r2 = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["received_id"] == "R2")
        .cloned();
    let r2 = r2.expect("R2 is a finding");
    assert_eq!(
        (r2["status"].as_str(), r2["status_zh"].as_str()),
        (Some("amount_differs"), Some("金额不符"))
    );
    assert_eq!(r2["sent_amount"], "6630022.58");
    let prov = all["traceability"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["pairing_id"] == "PROV-44-45")
        .cloned()
        .unwrap();
    assert!(
        prov["money_share"]
            .as_f64()
            .is_some_and(|x| x > 0.0 && x < 1.0),
        "{prov}"
    );
    let (st, _) = raw_request(&s.addr, "GET", "/api/v1/reconciliation/2020", "", "");
    assert_eq!(st, 401);
}
