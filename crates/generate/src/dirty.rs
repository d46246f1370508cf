//! Dirty mode: bad rows appended to a clean dataset, one or more per class of
//! error, and `dirty-manifest.csv` saying where each one is.

use crate::GenerateError;
use crate::out::rc;
use crate::people::PeopleInfo;
use crate::world::World;
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::BufWriter;
use std::path::Path;
use xiezuo_domain::id_number::check_char;

/// One bad row: file, row cells, column, reason.
struct Bad {
    file: &'static str,
    row: Vec<String>,
    column: &'static str,
    reason: String,
}

fn id_number(county6: &str, ymd8: &str, seq3: &str) -> String {
    let mut s = format!("{county6}{ymd8}{seq3}");
    let mut f = [0u8; 17];
    f.copy_from_slice(&s.as_bytes()[..17]);
    s.push(char::from(check_char(&f)));
    s
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_string()).collect()
}

/// Appends the bad rows and writes the manifest; returns the number of bad rows.
pub fn write_dirty(
    w: &World,
    info: &PeopleInfo,
    dir: &Path,
    rows: &mut [(String, u64)],
    fy: i32,
) -> Result<u64, GenerateError> {
    let count = |name: &str| {
        rows.iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| *r)
            .unwrap_or(0)
    };
    let fp = &info.first_person;
    if fp.len() < 7 {
        return Err(GenerateError::Invalid(
            "no person to build dirty rows from".into(),
        ));
    }
    let county6 = &fp[2][..6];
    let hid = fp[1].clone();
    let mut next_p = info.persons;
    let mut pid = || {
        next_p += 1;
        format!("P{next_p:09}")
    };
    let bad_check = {
        let mut x = fp[2].clone();
        let last = x.pop().unwrap_or('0');
        x.push(if last == '0' { '1' } else { '0' });
        x
    };
    let cp0 = w.pairings[w.cp0].id.clone();
    let village = rc(w.villages[0].code);
    let county = rc(w.counties[0].code);
    let township = w.villages[0].code / 1000 * 1000;
    let h = info.households;
    let pl = count("placements.csv");
    let tx = count("funds.csv");
    let mt = count("meetings.csv");
    let project = format!("XM{fy}-000001");
    let mut bad = vec![
        Bad {
            file: "persons.csv",
            row: vec![
                pid(),
                hid.clone(),
                bad_check,
                "王小明".into(),
                fp[4].clone(),
                fp[5].clone(),
                "full".into(),
            ],
            column: "id_number",
            reason: "bad GB 11643 check digit".into(),
        },
        Bad {
            file: "persons.csv",
            row: vec![
                pid(),
                hid.clone(),
                id_number(county6, "19800101", "999"),
                "李强".into(),
                "M".into(),
                "1980-01-02".into(),
                "full".into(),
            ],
            column: "birth_date",
            reason: "birth date differs from the identity number".into(),
        },
        Bad {
            file: "persons.csv",
            row: vec![
                pid(),
                hid.clone(),
                id_number(county6, "19810101", "999"),
                "张芳".into(),
                "F".into(),
                "1981-01-01".into(),
                "full".into(),
            ],
            column: "sex",
            reason: "sex differs from the identity number".into(),
        },
        Bad {
            file: "persons.csv",
            row: vec![
                pid(),
                hid.clone(),
                fp[2].clone(),
                fp[3].clone(),
                fp[4].clone(),
                fp[5].clone(),
                fp[6].clone(),
            ],
            column: "id_number",
            reason: "duplicate id_number (same as line 2)".into(),
        },
        Bad {
            file: "persons.csv",
            row: vec![
                pid(),
                hid.clone(),
                id_number(county6, "19820101", "999"),
                String::new(),
                "M".into(),
                "1982-01-01".into(),
                "full".into(),
            ],
            column: "name",
            reason: "missing required cell".into(),
        },
        Bad {
            file: "persons.csv",
            row: vec![
                pid(),
                hid.clone(),
                id_number(county6, "19830101", "999"),
                "赵军".into(),
                "M".into(),
                "1983-01-01".into(),
                "strong".into(),
            ],
            column: "labor",
            reason: "bad value (full|weak|none)".into(),
        },
        Bad {
            file: "households.csv",
            row: s(&[&hid, &village, "general", "2014", "", "", ""]),
            column: "household_id",
            reason: "duplicate id (same as line 2)".into(),
        },
        Bad {
            file: "households.csv",
            row: vec![
                format!("H{:08}", h + 1),
                village[..11].to_string(),
                "general".into(),
                "2014".into(),
                String::new(),
                String::new(),
                String::new(),
            ],
            column: "village",
            reason: "malformed region code".into(),
        },
        Bad {
            file: "households.csv",
            row: vec![
                format!("H{:08}", h + 2),
                county.clone(),
                "general".into(),
                "2014".into(),
                String::new(),
                String::new(),
                String::new(),
            ],
            column: "village",
            reason: "region is not a village".into(),
        },
        Bad {
            file: "households.csv",
            row: vec![
                format!("H{:08}", h + 3),
                village.clone(),
                "general".into(),
                "2018".into(),
                "2016".into(),
                String::new(),
                String::new(),
            ],
            column: "exit_year",
            reason: "exit_year before identified_year".into(),
        },
        Bad {
            file: "regions.csv",
            row: vec![
                format!("{:012}", township + 799),
                "错级村".into(),
                "county".into(),
                format!("{township:012}"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            column: "level",
            reason: "level does not match the code".into(),
        },
        Bad {
            file: "placements.csv",
            row: vec![
                format!("PL{:07}", pl + 1),
                "P999999999".into(),
                cp0.clone(),
                "工厂".into(),
                county.clone(),
                format!("{fy}-03-01"),
                String::new(),
                "3000".into(),
            ],
            column: "person_id",
            reason: "unknown person_id".into(),
        },
        Bad {
            file: "placements.csv",
            row: vec![
                format!("PL{:07}", pl + 2),
                fp[0].clone(),
                cp0.clone(),
                "工厂".into(),
                county.clone(),
                format!("{fy}-05-01"),
                format!("{fy}-04-01"),
                "3000".into(),
            ],
            column: "end_date",
            reason: "end_date before start_date".into(),
        },
        Bad {
            file: "placements.csv",
            row: vec![
                format!("PL{:07}", pl + 3),
                fp[0].clone(),
                cp0.clone(),
                "工厂".into(),
                county.clone(),
                format!("{fy}/6/1"),
                String::new(),
                "3000".into(),
            ],
            column: "start_date",
            reason: "date not in YYYY-MM-DD form".into(),
        },
        Bad {
            file: "funds.csv",
            row: vec![
                format!("TX{:08}", tx + 1),
                format!("{fy}-03-01"),
                cp0.clone(),
                String::new(),
                "fiscal".into(),
                "commitment".into(),
                "1234.567".into(),
                String::new(),
            ],
            column: "amount",
            reason: "more than 2 fractional digits".into(),
        },
        Bad {
            file: "funds.csv",
            row: vec![
                format!("TX{:08}", tx + 2),
                format!("{fy}-03-02"),
                cp0.clone(),
                String::new(),
                "fiscal".into(),
                "disbursement".into(),
                "-1000".into(),
                String::new(),
            ],
            column: "amount",
            reason: "negative amount without reverses".into(),
        },
        Bad {
            file: "funds.csv",
            row: vec![
                format!("TX{:08}", tx + 3),
                format!("{fy}-03-03"),
                cp0.clone(),
                String::new(),
                "fiscal".into(),
                "disbursement".into(),
                "-100".into(),
                "TX99999999".into(),
            ],
            column: "reverses",
            reason: "unknown txn_id in reverses".into(),
        },
        Bad {
            file: "milestones.csv",
            row: vec![
                project.clone(),
                "99".into(),
                "竣工验收".into(),
                "2019-02-30".into(),
                String::new(),
                "王伟".into(),
            ],
            column: "due_date",
            reason: "invalid date 2019-02-30".into(),
        },
        Bad {
            file: "milestones.csv",
            row: vec![
                project.clone(),
                "98".into(),
                "竣工验收".into(),
                format!("{fy}-06-30"),
                "2019/3/5".into(),
                "王伟".into(),
            ],
            column: "done_date",
            reason: "date not in YYYY-MM-DD form".into(),
        },
        Bad {
            file: "projects.csv",
            row: vec![
                "XM9999-000001".into(),
                "NOPE-0000".into(),
                fy.to_string(),
                "无名项目".into(),
                "other".into(),
                county.clone(),
                String::new(),
                "1000".into(),
                format!("{fy}-03-01"),
                format!("{fy}-09-01"),
                "ongoing".into(),
            ],
            column: "pairing_id",
            reason: "unknown pairing_id".into(),
        },
        Bad {
            file: "meetings.csv",
            row: vec![
                format!("MT{:06}", mt + 1),
                cp0.clone(),
                format!("{fy}-05-05"),
                "joint_meeting".into(),
                "yes".into(),
            ],
            column: "top_leader",
            reason: "not a boolean".into(),
        },
        Bad {
            file: "meetings.csv",
            row: vec![
                format!("MT{:06}", mt + 2),
                cp0.clone(),
                format!("{fy}-05-06"),
                "dinner".into(),
                "1".into(),
            ],
            column: "kind",
            reason: "bad value (joint_meeting|visit_to_west|visit_to_east)".into(),
        },
        Bad {
            file: "training_attendance.csv",
            row: vec!["TR999999".into(), fp[0].clone()],
            column: "training_id",
            reason: "unknown training_id".into(),
        },
    ];
    // Group by file, keeping the order above.
    let mut by_file: BTreeMap<&str, Vec<&mut Bad>> = BTreeMap::new();
    for b in bad.iter_mut() {
        by_file.entry(b.file).or_default().push(b);
    }
    let mut manifest = csv::Writer::from_path(dir.join("dirty-manifest.csv"))?;
    manifest.write_record(["file", "line", "column", "reason"])?;
    let mut n = 0u64;
    for (file, list) in by_file {
        let f = OpenOptions::new().append(true).open(dir.join(file))?;
        let mut wr = csv::WriterBuilder::new().from_writer(BufWriter::new(f));
        let entry = rows.iter_mut().find(|(n, _)| n == file);
        let mut line = entry.as_ref().map(|(_, r)| *r).unwrap_or(0) + 1;
        for b in list {
            wr.write_record(&b.row)?;
            line += 1;
            n += 1;
            manifest.write_record([file, &line.to_string(), b.column, &b.reason])?;
        }
        wr.flush()?;
        if let Some(e) = entry {
            e.1 = line - 1;
        }
    }
    manifest.flush()?;
    Ok(n)
}
