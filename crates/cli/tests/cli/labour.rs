//! Labour matching (劳务协作) end to end on the conformance registry:
//! priorities, reasons for the unmatched, confirmation as placements that
//! count in `poor_employed`, and the station view.

use crate::support::*;

const POSTINGS: &str = "posting_id,pairing_id,employer,work_region,positions,monthly_wage,age_min,age_max,labor_required,skills,housing,start_date,closing_date
JP-T1,PROV-44-45,某电子厂,440101000000,2,5000,18,55,full,,1,2021-03-15,2021-04-30
";

// P000000010: poor household, no one employed. P000000002: household exited
// in 2019, no one employed. P000004588: a household member is employed and
// the household exited (lowest priority, best fit). P000000011 wants Yunnan
// only; P000000041 asks too much; P000004589 is employed.
const SEEKERS: &str =
    "person_id,station,registered_date,wanted_regions,max_distance,min_wage,skills,available_from
P000000010,丰龙县劳务协作工作站,2021-01-05,440000000000,,4500,,2021-02-01
P000000002,丰龙县劳务协作工作站,2021-01-05,440000000000,,3000,,2021-02-01
P000004588,某县劳务协作工作站,2021-01-05,,any,3000,,2021-02-01
P000000011,丰龙县劳务协作工作站,2021-01-05,530000000000,,3000,,2021-02-01
P000000041,丰龙县劳务协作工作站,2021-01-05,,any,9000,,2021-02-01
P000004589,某县劳务协作工作站,2021-01-05,,any,3000,,2021-02-01
";

fn indicator(out: &std::path::Path, pairing: &str, name: &str) -> String {
    let text = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    text.lines()
        .find(|l| l.starts_with(&format!("{pairing},")) && l.contains(&format!(",{name},")))
        .and_then(|l| l.rsplit(',').next())
        .unwrap()
        .to_string()
}

fn reason(unmatched: &str, person: &str) -> String {
    unmatched
        .lines()
        .find(|l| l.starts_with(person))
        .map(|l| l.split(',').nth(2).unwrap().to_string())
        .unwrap_or_else(|| panic!("{person} not in unmatched.csv:\n{unmatched}"))
}

#[test]
fn matching_places_by_priority_explains_the_rest_and_confirms_placements() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "l.db");
    assert_eq!(
        xiezuo(
            &db,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    let v11 = tmp.path().join("v11");
    std::fs::create_dir_all(&v11).unwrap();
    std::fs::write(v11.join("postings.csv"), POSTINGS).unwrap();
    std::fs::write(v11.join("seekers.csv"), SEEKERS).unwrap();
    let r = xiezuo(&db, &["import", v11.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let before = tmp.path().join("before");
    assert_eq!(
        xiezuo(
            &db,
            &[
                "assess",
                "--year",
                "2021",
                "--out",
                before.to_str().unwrap()
            ]
        )
        .code,
        0
    );

    let m = tmp.path().join("m");
    let r = xiezuo(
        &db,
        &[
            "match",
            "--date",
            "2021-03-01",
            "--out",
            m.to_str().unwrap(),
            "--confirm",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("greedy falls short by"), "{}", r.stdout);
    let proposals = std::fs::read_to_string(m.join("proposals.csv")).unwrap();
    let mut placed: Vec<&str> = proposals
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    placed.sort_unstable();
    assert_eq!(
        placed,
        ["P000000002", "P000000010"],
        "the two seekers of households with no one employed"
    );
    let unmatched = std::fs::read_to_string(m.join("unmatched.csv")).unwrap();
    assert_eq!(reason(&unmatched, "P000004588"), "capacity_taken");
    assert_eq!(reason(&unmatched, "P000000011"), "no_posting_in_reach");
    assert_eq!(reason(&unmatched, "P000000041"), "not_eligible");
    assert!(unmatched.contains("wage: 1 postings"), "{unmatched}");
    assert_eq!(reason(&unmatched, "P000004589"), "already_employed");
    assert!(r.stdout.contains("confirmed 2 placements"), "{}", r.stdout);

    // The confirmed placements are stored, linked to the posting, and count
    // in poor_employed once they cover 90 days.
    let e = tmp.path().join("e");
    assert_eq!(xiezuo(&db, &["export", e.to_str().unwrap()]).code, 0);
    let placements = std::fs::read_to_string(e.join("placements.csv")).unwrap();
    assert_eq!(
        placements.lines().filter(|l| l.ends_with(",JP-T1")).count(),
        2,
        "{}",
        &placements[..200]
    );
    let after = tmp.path().join("after");
    assert_eq!(
        xiezuo(
            &db,
            &["assess", "--year", "2021", "--out", after.to_str().unwrap()]
        )
        .code,
        0
    );
    let b: i64 = indicator(&before, "PROV-44-45", "poor_employed")
        .parse()
        .unwrap();
    let a: i64 = indicator(&after, "PROV-44-45", "poor_employed")
        .parse()
        .unwrap();
    assert_eq!(a - b, 2);

    // Matching again: both are employed now and the posting is full.
    let m2 = tmp.path().join("m2");
    let r = xiezuo(
        &db,
        &[
            "match",
            "--date",
            "2021-03-20",
            "--out",
            m2.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let unmatched = std::fs::read_to_string(m2.join("unmatched.csv")).unwrap();
    assert_eq!(reason(&unmatched, "P000000010"), "already_employed");
    assert_eq!(reason(&unmatched, "P000004588"), "no_posting_in_reach");

    let r = xiezuo(
        &db,
        &[
            "station",
            "--date",
            "2021-09-30",
            "--station",
            "丰龙县劳务协作工作站",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("seekers: 4 registered"), "{}", r.stdout);
    assert!(
        r.stdout.contains("retention at 3 months: 2 of 2"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("retention at 6 months: 2 of 2"),
        "{}",
        r.stdout
    );
}

#[test]
fn v1_1_files_are_validated_like_every_other_file() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "l.db");
    assert_eq!(
        xiezuo(
            &db,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    let v11 = tmp.path().join("v11");
    std::fs::create_dir_all(&v11).unwrap();
    std::fs::write(
        v11.join("postings.csv"),
        POSTINGS.to_string()
            + "JP-T2,NOPE,某厂,440101000000,0,5000,40,30,none,,1,2021-03-15,2021-04-30\n",
    )
    .unwrap();
    std::fs::write(
        v11.join("seekers.csv"),
        SEEKERS.to_string() + "P999,站,2021-01-05,45012X,,3000,,2021-02-01\n",
    )
    .unwrap();
    let r = xiezuo(&db, &["import", v11.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    for want in [
        "postings.csv:3 [pairing_id]: unknown pairing_id NOPE",
        "postings.csv:3 [positions]",
        "postings.csv:3 [age_max]",
        "postings.csv:3 [labor_required]",
        "seekers.csv:8 [wanted_regions]",
    ] {
        assert!(r.stderr.contains(want), "missing {want}:\n{}", r.stderr);
    }
    assert!(r.stdout.contains("nothing was stored"));
}
