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
use xiezuo_exchange::FileKind;

/// One bad row: file, row cells, column, reason.
struct Bad {
    file: FileKind,
    row: Vec<String>,
    column: &'static str,
    reason: String,
}

/// A bad row of `file` whose `column` is wrong for `reason`.
fn bad(file: FileKind, row: Vec<String>, column: &'static str, reason: &str) -> Bad {
    Bad {
        file,
        row,
        column,
        reason: reason.to_string(),
    }
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

/// What the bad rows are built from: the first clean person, the showcase
/// pairing, the first village and county, and the row counts of the clean
/// files (so that new ids follow the clean ones).
struct Base<'a> {
    /// The first person row (line 2 of persons.csv).
    first: &'a [String],
    /// The first person's household.
    household: String,
    /// Persons and households written.
    persons: u64,
    households: u64,
    /// The showcase county pairing's id.
    cp0: String,
    village: String,
    county: String,
    /// Row counts of placements, funds and meetings.
    placements: u64,
    funds: u64,
    meetings: u64,
    fy: i32,
}

/// Appends the bad rows and writes the manifest; returns the number of bad rows.
pub fn write_dirty(
    w: &World,
    info: &PeopleInfo,
    dir: &Path,
    rows: &mut [(String, u64)],
    fy: i32,
) -> Result<u64, GenerateError> {
    let count = |kind: FileKind| {
        let name = kind.file_name("csv");
        rows.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| *r)
            .unwrap_or(0)
    };
    let fp = &info.first_person;
    if fp.len() < 7 {
        return Err(GenerateError::Invalid(
            "no person to build dirty rows from".into(),
        ));
    }
    let base = Base {
        first: fp,
        household: fp[1].clone(),
        persons: info.persons,
        households: info.households,
        cp0: w.pairings[w.cp0].id.clone(),
        village: rc(w.villages[0].code),
        county: rc(w.counties[0].code),
        placements: count(FileKind::Placements),
        funds: count(FileKind::Funds),
        meetings: count(FileKind::Meetings),
        fy,
    };
    let township = w.villages[0].code / 1000 * 1000;
    let mut all = bad_persons(&base);
    all.extend(bad_households(&base));
    all.push(bad(
        FileKind::Regions,
        s(&[
            &format!("{:012}", township + 799),
            "错级村",
            "county",
            &format!("{township:012}"),
            "",
            "",
            "",
            "",
            "",
        ]),
        "level",
        "level does not match the code",
    ));
    all.extend(bad_placements(&base));
    all.extend(bad_funds(&base));
    all.extend(bad_projects(&base));
    all.extend(bad_meetings(&base));
    all.push(bad(
        FileKind::TrainingAttendance,
        s(&["TR999999", &fp[0]]),
        "training_id",
        "unknown training_id",
    ));
    append(dir, rows, all)
}

/// Persons: identity numbers, birth dates, sex, names and labour.
fn bad_persons(base: &Base) -> Vec<Bad> {
    let fp = base.first;
    let county6 = &fp[2][..6];
    let hid = base.household.as_str();
    let mut next = base.persons;
    let mut pid = || {
        next += 1;
        format!("P{next:09}")
    };
    let bad_check = {
        let mut x = fp[2].clone();
        let last = x.pop().unwrap_or('0');
        x.push(if last == '0' { '1' } else { '0' });
        x
    };
    let person = |pid: String, rest: &[&str], column, reason| {
        let mut row = vec![pid, hid.to_string()];
        row.extend(s(rest));
        bad(FileKind::Persons, row, column, reason)
    };
    vec![
        person(
            pid(),
            &[&bad_check, "王小明", &fp[4], &fp[5], "full"],
            "id_number",
            "bad GB 11643 check digit",
        ),
        person(
            pid(),
            &[
                &id_number(county6, "19800101", "999"),
                "李强",
                "M",
                "1980-01-02",
                "full",
            ],
            "birth_date",
            "birth date differs from the identity number",
        ),
        person(
            pid(),
            &[
                &id_number(county6, "19810101", "999"),
                "张芳",
                "F",
                "1981-01-01",
                "full",
            ],
            "sex",
            "sex differs from the identity number",
        ),
        person(
            pid(),
            &[&fp[2], &fp[3], &fp[4], &fp[5], &fp[6]],
            "id_number",
            "duplicate id_number (same as line 2)",
        ),
        person(
            pid(),
            &[
                &id_number(county6, "19820101", "999"),
                "",
                "M",
                "1982-01-01",
                "full",
            ],
            "name",
            "missing required cell",
        ),
        person(
            pid(),
            &[
                &id_number(county6, "19830101", "999"),
                "赵军",
                "M",
                "1983-01-01",
                "strong",
            ],
            "labor",
            "bad value (full|weak|none)",
        ),
    ]
}

/// Households: a duplicate id, bad village codes and years.
fn bad_households(base: &Base) -> Vec<Bad> {
    let h = base.households;
    let village = base.village.as_str();
    let household = |id: &str, village: &str, years: [&str; 2], column, reason| {
        bad(
            FileKind::Households,
            s(&[id, village, "general", years[0], years[1], "", ""]),
            column,
            reason,
        )
    };
    vec![
        household(
            &base.household,
            village,
            ["2014", ""],
            "household_id",
            "duplicate id (same as line 2)",
        ),
        household(
            &format!("H{:08}", h + 1),
            &village[..11],
            ["2014", ""],
            "village",
            "malformed region code",
        ),
        household(
            &format!("H{:08}", h + 2),
            &base.county,
            ["2014", ""],
            "village",
            "region is not a village",
        ),
        household(
            &format!("H{:08}", h + 3),
            village,
            ["2018", "2016"],
            "exit_year",
            "exit_year before identified_year",
        ),
    ]
}

/// Placements: an unknown person, and bad dates.
fn bad_placements(base: &Base) -> Vec<Bad> {
    let (fy, pl) = (base.fy, base.placements);
    let placement = |n: u64, person: &str, dates: [&str; 2], column, reason| {
        bad(
            FileKind::Placements,
            s(&[
                &format!("PL{:07}", pl + n),
                person,
                &base.cp0,
                "工厂",
                &base.county,
                dates[0],
                dates[1],
                "3000",
            ]),
            column,
            reason,
        )
    };
    let person = base.first[0].as_str();
    vec![
        placement(
            1,
            "P999999999",
            [&format!("{fy}-03-01"), ""],
            "person_id",
            "unknown person_id",
        ),
        placement(
            2,
            person,
            [&format!("{fy}-05-01"), &format!("{fy}-04-01")],
            "end_date",
            "end_date before start_date",
        ),
        placement(
            3,
            person,
            [&format!("{fy}/6/1"), ""],
            "start_date",
            "date not in YYYY-MM-DD form",
        ),
    ]
}

/// Funds: bad amounts and an unknown reversed transaction.
fn bad_funds(base: &Base) -> Vec<Bad> {
    let (fy, tx) = (base.fy, base.funds);
    let txn = |n: u64, kind: &str, amount: &str, reverses: &str, column, reason| {
        bad(
            FileKind::Funds,
            s(&[
                &format!("TX{:08}", tx + n),
                &format!("{fy}-03-0{n}"),
                &base.cp0,
                "",
                "fiscal",
                kind,
                amount,
                reverses,
            ]),
            column,
            reason,
        )
    };
    vec![
        txn(
            1,
            "commitment",
            "1234.567",
            "",
            "amount",
            "more than 2 fractional digits",
        ),
        txn(
            2,
            "disbursement",
            "-1000",
            "",
            "amount",
            "negative amount without reverses",
        ),
        txn(
            3,
            "disbursement",
            "-100",
            "TX99999999",
            "reverses",
            "unknown txn_id in reverses",
        ),
    ]
}

/// Milestones with bad dates, and a project of an unknown pairing.
fn bad_projects(base: &Base) -> Vec<Bad> {
    let fy = base.fy;
    let project = format!("XM{fy}-000001");
    let milestone = |seq: &str, dates: [&str; 2], column, reason| {
        bad(
            FileKind::Milestones,
            s(&[&project, seq, "竣工验收", dates[0], dates[1], "王伟"]),
            column,
            reason,
        )
    };
    vec![
        milestone(
            "99",
            ["2019-02-30", ""],
            "due_date",
            "invalid date 2019-02-30",
        ),
        milestone(
            "98",
            [&format!("{fy}-06-30"), "2019/3/5"],
            "done_date",
            "date not in YYYY-MM-DD form",
        ),
        bad(
            FileKind::Projects,
            s(&[
                "XM9999-000001",
                "NOPE-0000",
                &fy.to_string(),
                "无名项目",
                "other",
                &base.county,
                "",
                "1000",
                &format!("{fy}-03-01"),
                &format!("{fy}-09-01"),
                "ongoing",
            ]),
            "pairing_id",
            "unknown pairing_id",
        ),
    ]
}

/// Meetings: a bad boolean and an unknown kind.
fn bad_meetings(base: &Base) -> Vec<Bad> {
    let (fy, mt) = (base.fy, base.meetings);
    let meeting = |n: u64, kind: &str, top: &str, column, reason| {
        bad(
            FileKind::Meetings,
            s(&[
                &format!("MT{:06}", mt + n),
                &base.cp0,
                &format!("{fy}-05-0{}", 4 + n),
                kind,
                top,
            ]),
            column,
            reason,
        )
    };
    vec![
        meeting(1, "joint_meeting", "yes", "top_leader", "not a boolean"),
        meeting(
            2,
            "dinner",
            "1",
            "kind",
            "bad value (joint_meeting|visit_to_west|visit_to_east)",
        ),
    ]
}

/// Appends the bad rows to their files, grouped by file name (each file's
/// rows in the order given), writes the manifest and updates the row counts.
fn append(dir: &Path, rows: &mut [(String, u64)], bad: Vec<Bad>) -> Result<u64, GenerateError> {
    let mut by_file: BTreeMap<String, Vec<Bad>> = BTreeMap::new();
    for b in bad {
        by_file.entry(b.file.file_name("csv")).or_default().push(b);
    }
    let mut manifest = csv::Writer::from_path(dir.join("dirty-manifest.csv"))?;
    manifest.write_record(["file", "line", "column", "reason"])?;
    let mut n = 0u64;
    for (file, list) in by_file {
        let f = OpenOptions::new().append(true).open(dir.join(&file))?;
        let mut wr = csv::WriterBuilder::new().from_writer(BufWriter::new(f));
        let entry = rows.iter_mut().find(|(n, _)| *n == file);
        let mut line = entry.as_ref().map(|(_, r)| *r).unwrap_or(0) + 1;
        for b in list {
            wr.write_record(&b.row)?;
            line += 1;
            n += 1;
            manifest.write_record([file.as_str(), &line.to_string(), b.column, &b.reason])?;
        }
        wr.flush()?;
        if let Some(e) = entry {
            e.1 = line - 1;
        }
    }
    manifest.flush()?;
    Ok(n)
}
