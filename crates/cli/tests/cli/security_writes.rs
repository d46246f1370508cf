//! Writes that cross regions, probed against the real server as an
//! attacker would: re-keying another province's records by upload,
//! organisations posting money into pairings they are no party to, the
//! identity-number oracle, and upload copies left on disk.

use crate::support::*;
use crate::web::{account_token, raw_request, serve_plain};
use serde_json::Value;

struct World {
    tmp: tempfile::TempDir,
    db: TestDb,
    /// The Guangxi office (450000), with the personal-data flag.
    gx: String,
    /// The organisation O0001, party to no pairing.
    o1: String,
    /// The enterprise E00034, helper of VILL-E00034-530123101205.
    e34: String,
    /// An assessor (no registry rights).
    assessor: String,
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    let gx = account_token(
        &db,
        "gx",
        &["--role", "office", "--region", "450000", "--personal-data"],
    );
    let o1 = account_token(
        &db,
        "o1",
        &["--role", "organisation", "--organisation", "O0001"],
    );
    let e34 = account_token(
        &db,
        "e34",
        &["--role", "organisation", "--organisation", "E00034"],
    );
    let assessor = account_token(&db, "as", &["--role", "assessor"]);
    World {
        tmp,
        db,
        gx,
        o1,
        e34,
        assessor,
    }
}

pub(crate) fn multipart(file: &str, content: &str) -> (String, String) {
    (
        "multipart/form-data; boundary=XZBOUNDARY".into(),
        format!(
            "--XZBOUNDARY\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--XZBOUNDARY--\r\n"
        ),
    )
}

pub(crate) fn auth(token: &str) -> String {
    format!("Authorization: Bearer {token}\r\n")
}

/// Waits for a job to end; its JSON.
pub(crate) fn job(addr: &str, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let (st, body) = raw_request(addr, "GET", &format!("/api/v1/jobs/{id}"), &auth(token), "");
        assert_eq!(st, 200, "{body}");
        let j: Value = serde_json::from_str(&body).unwrap();
        if j["state"] != "running" {
            return j;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("job {id} did not end");
}

/// Uploads one file; (check job result, commit job) after committing it.
pub(crate) fn upload_and_commit(
    addr: &str,
    token: &str,
    file: &str,
    content: &str,
) -> (Value, Value) {
    let (ct, body) = multipart(file, content);
    let (st, resp) = raw_request(
        addr,
        "POST",
        "/api/v1/uploads",
        &format!("{}Content-Type: {ct}\r\n", auth(token)),
        &body,
    );
    assert_eq!(st, 200, "{resp}");
    let v: Value = serde_json::from_str(&resp).unwrap();
    let check = job(addr, token, v["job"].as_str().unwrap());
    let (st, resp) = raw_request(
        addr,
        "POST",
        &format!("/api/v1/uploads/{}/commit", v["token"].as_str().unwrap()),
        &auth(token),
        "",
    );
    assert_eq!(st, 200, "{resp}");
    let c: Value = serde_json::from_str(&resp).unwrap();
    let commit = job(addr, token, c["job"].as_str().unwrap());
    (check["result"].clone(), commit)
}

/// The exported rows of a file kind whose first field is `key`.
fn exported(w: &World, file: &str, key: &str) -> String {
    let out = w.tmp.path().join(format!("export-{}", rand_suffix()));
    let r = xiezuo(&w.db, &["export", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(out.join(file)).unwrap();
    text.lines()
        .find(|l| l.split(',').next() == Some(key))
        .unwrap_or_default()
        .to_string()
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

pub(crate) fn scope_refusals(report: &Value) -> Vec<u64> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["reason"]
                .as_str()
                .unwrap_or("")
                .contains("outside your scope")
        })
        .map(|e| e["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn an_upload_cannot_move_another_provinces_records_into_the_scope() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    // H00001443 lives in Yunnan (530121101201); P000004914 is its member.
    let moves = [
        (
            "households.csv",
            "household_id,village,category,identified_year,exit_year,monitor_type,monitor_year\nH00001443,450121101201,general,2014,2018,,\n",
        ),
        (
            "persons.csv",
            "person_id,household_id,id_number,name,sex,birth_date,labor\nP000004914,H00000001,530121198804081158,改名,M,1988-04-08,full\n",
        ),
        (
            "pairings.csv",
            "pairing_id,helper,helped,level,helper_kind,start_date,end_date\nPROV-31-53,310000000000,450000000000,province,government,2016-12-01,\n",
        ),
    ];
    for (file, content) in moves {
        let (report, commit) = upload_and_commit(&s.addr, &w.gx, file, content);
        assert_eq!(report["valid"], false, "{file}: {report}");
        assert_eq!(scope_refusals(&report), [2], "{file}: {report}");
        let text = report.to_string();
        // The refusal tells nothing of the stored row.
        for secret in ["530121", "谢华", "310000000000"] {
            assert!(!text.contains(secret), "{file} leaks {secret}: {text}");
        }
        assert_eq!(commit["state"], "failed", "{file}: {commit}");
    }
    assert!(exported(&w, "households.csv", "H00001443").contains(",530121101201,"));
    let person = exported(&w, "persons.csv", "P000004914");
    assert!(
        person.contains(",H00001443,") && person.contains("谢华"),
        "{person}"
    );
    assert!(exported(&w, "pairings.csv", "PROV-31-53").contains(",530000000000,"));
    // Its own household the office may still change.
    let (report, commit) = upload_and_commit(
        &s.addr,
        &w.gx,
        "households.csv",
        "household_id,village,category,identified_year,exit_year,monitor_type,monitor_year\nH00000002,450121101201,dibao,2015,,,\n",
    );
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(commit["state"], "done", "{commit}");
    assert!(exported(&w, "households.csv", "H00000002").contains(",dibao,"));
}

#[test]
fn an_organisation_writes_only_into_the_pairings_it_is_party_to() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    let donation = |id: &str, pairing: &str, donor: &str, amount: &str| {
        serde_json::json!({ "donation_id": id, "pairing_id": pairing, "date": "2020-05-01", "donor": donor, "donor_kind": "enterprise", "amount": amount, "in_kind": "0" })
            .to_string()
    };
    let save = |token: &str, body: String| {
        raw_request(
            &s.addr,
            "POST",
            "/api/v1/records/donations",
            &format!("{}Content-Type: application/json\r\n", auth(token)),
            &body,
        )
    };
    // O0001 is party to no pairing: a ¥99,999,999 donation is refused.
    let (st, body) = save(
        &w.o1,
        donation("DN-X1", "PROV-44-45", "org:O0001", "99999999"),
    );
    assert_eq!(st, 403, "{body}");
    // By upload too, and nothing is stored.
    let (report, commit) = upload_and_commit(
        &s.addr,
        &w.o1,
        "donations.csv",
        "donation_id,pairing_id,date,donor,donor_kind,amount,in_kind\nDN-X2,PROV-44-45,2020-05-01,org:O0001,social_org,99999999,0\n",
    );
    assert_eq!(scope_refusals(&report), [2], "{report}");
    assert_eq!(commit["state"], "failed");
    assert_eq!(exported(&w, "donations.csv", "DN-X2"), "");
    // E00034 helps VILL-E00034-530123101205: its own donation there passes,
    // one in another's name or another pairing does not.
    let (st, body) = save(
        &w.e34,
        donation("DN-E1", "VILL-E00034-530123101205", "org:E00034", "1000"),
    );
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("\"saved\":true"), "{body}");
    let (st, _) = save(
        &w.e34,
        donation("DN-E2", "PROV-44-45", "org:E00034", "1000"),
    );
    assert_eq!(st, 403);
    let (st, _) = save(
        &w.e34,
        donation("DN-E3", "VILL-E00034-530123101205", "org:O0001", "1000"),
    );
    assert_eq!(st, 403);
}

#[test]
fn a_duplicate_identity_number_does_not_name_a_holder_outside_the_scope() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    // 530121198804081158 belongs to P000004914 in Yunnan.
    let probe = "person_id,household_id,id_number,name,sex,birth_date,labor\nPX1,H00000001,530121198804081158,甲乙,M,1988-04-08,full\n";
    // An assessor may not upload at all.
    let (ct, body) = multipart("persons.csv", probe);
    let (st, resp) = raw_request(
        &s.addr,
        "POST",
        "/api/v1/uploads",
        &format!("{}Content-Type: {ct}\r\n", auth(&w.assessor)),
        &body,
    );
    assert_eq!(st, 403, "{resp}");
    assert!(!resp.contains("P000004914"));
    for (who, token) in [("organisation", &w.o1), ("office", &w.gx)] {
        let (report, _) = upload_and_commit(&s.addr, token, "persons.csv", probe);
        let text = report.to_string();
        assert!(
            !text.contains("P000004914"),
            "{who} learns the holder: {text}"
        );
        assert_eq!(report["valid"], false, "{who}: {text}");
    }
    // The office of the holder's province learns who holds it.
    let yn = account_token(&w.db, "yn", &["--role", "office", "--region", "530000"]);
    let own = "person_id,household_id,id_number,name,sex,birth_date,labor\nPX2,H00001443,530121198804081158,甲乙,M,1988-04-08,full\n";
    let (report, _) = upload_and_commit(&s.addr, &yn, "persons.csv", own);
    assert!(report.to_string().contains("P000004914"), "{report}");
}

#[test]
fn uploads_leave_no_copy_on_disk() {
    let w = world();
    let tmp = tempfile::tempdir().unwrap();
    let s = crate::web::serve_with_env(&w.db, &[], &[("TMPDIR", tmp.path().to_str().unwrap())]);
    let (report, commit) = upload_and_commit(
        &s.addr,
        &w.gx,
        "persons.csv",
        "person_id,household_id,id_number,name,sex,birth_date,labor\nPX3,H00000001,110101199003074514,甲乙,M,1990-03-07,full\n",
    );
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(commit["state"], "done", "{commit}");
    // Neither the temporary folder nor the store's folder holds the upload.
    for dir in [tmp.path(), w.tmp.path()] {
        for entry in walk(dir) {
            let bytes = std::fs::read(&entry).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("110101199003074514"),
                "{} holds the upload",
                entry.display()
            );
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_row_with_a_bad_cell_reports_its_references_only_within_the_scope() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    // Its own pairing, a pairing that does not exist, another province's.
    let content = "meeting_id,pairing_id,date,kind,top_leader\n\
        MX-1,PROV-44-45,2019-02-30,joint_meeting,0\n\
        MX-2,NO-SUCH-PAIRING,2019-02-30,joint_meeting,0\n\
        MX-3,PROV-31-53,2019-02-30,joint_meeting,0\n";
    let (report, commit) = upload_and_commit(&s.addr, &w.gx, "meetings.csv", content);
    assert_eq!(commit["state"], "failed", "{commit}");
    let errors = report["errors"].as_array().unwrap();
    let of_line = |l: u64| -> Vec<(String, String)> {
        errors
            .iter()
            .filter(|e| e["line"] == l)
            .map(|e| {
                (
                    e["column"].as_str().unwrap_or("").to_string(),
                    e["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    // Its own row: only the date.
    let own = of_line(2);
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0].0, "date", "{own:?}");
    // An unknown pairing and another province's get one and the same answer:
    // the date and the scope refusal, never "unknown pairing_id".
    assert_eq!(of_line(3), of_line(4), "{report}");
    let other = of_line(3);
    assert!(other.iter().any(|(c, _)| c == "date"), "{other:?}");
    assert!(
        other.iter().any(|(_, r)| r.contains("outside your scope")),
        "{other:?}"
    );
    assert!(
        !report.to_string().contains("unknown pairing_id"),
        "{report}"
    );
}
