//! The write door: every source imports alike, and the write scope is
//! checked for the new row and for the stored row it would replace.

use super::*;
use crate::accounts::Role;
use xiezuo_store_sqlite::SqliteStore;

const REGIONS: &str = "code,name,level,parent,side
440000000000,东省,province,,east
450000000000,西省,province,,west
450100000000,西市,prefecture,450000000000,
450121000000,西县,county,450100000000,
450121101000,西镇,township,450121000000,
450121101201,西村,village,450121101000,
530000000000,南省,province,,west
530100000000,南市,prefecture,530000000000,
530121000000,南县,county,530100000000,
530121101000,南镇,township,530121000000,
530121101201,南村,village,530121101000,
";
const ORGANISATIONS: &str = "org_id,name,kind,region
E1,东企,enterprise,440000000000
E2,另企,enterprise,440000000000
";
const PAIRINGS: &str = "pairing_id,helper,helped,level,helper_kind,start_date,end_date
P-GX,440000000000,450000000000,province,government,2017-01-01,
P-YN,440000000000,530000000000,province,government,2017-01-01,
V-E1,org:E1,450121101201,village,enterprise,2019-01-01,
";
const HOUSEHOLDS: &str = "household_id,village,category,identified_year
H-GX,450121101201,general,2015
H-YN,530121101201,general,2015
";
const PERSONS: &str = "person_id,household_id,id_number,name,sex,birth_date,labor
P-GX1,H-GX,110101199003074514,甲乙,M,1990-03-07,full
P-YN1,H-YN,110101199003075031,丙丁,M,1990-03-07,full
";

fn file(name: &str, text: &str) -> NamedFile {
    NamedFile {
        name: name.into(),
        bytes: text.as_bytes().into(),
    }
}

fn batch() -> BatchInfo {
    BatchInfo {
        actor: "test".into(),
        at: "2020-01-01T00:00:00Z".into(),
        source: "unit test".into(),
    }
}

fn world() -> Vec<NamedFile> {
    vec![
        file("regions.csv", REGIONS),
        file("organisations.csv", ORGANISATIONS),
        file("pairings.csv", PAIRINGS),
        file("households.csv", HOUSEHOLDS),
        file("persons.csv", PERSONS),
    ]
}

fn reasons(r: &ImportReport) -> Vec<String> {
    r.errors
        .iter()
        .map(|e| format!("{}:{} {}", e.error.file, e.error.line, e.error.reason))
        .collect()
}

fn stored_world() -> SqliteStore {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let files = world();
    let r = ingest(
        &mut store,
        Source::Files(&files),
        &batch(),
        &WritePolicy::everywhere(),
        &Quiet,
    )
    .unwrap();
    assert_eq!(reasons(&r), Vec::<String>::new());
    assert!(r.batch_id.is_some());
    store
}

fn write(store: &mut SqliteStore, scope: &WriteScope, files: &[NamedFile]) -> ImportReport {
    let policy = WritePolicy::within(scope.clone());
    ingest(store, Source::Files(files), &batch(), &policy, &Quiet).unwrap()
}

fn cell(store: &SqliteStore, kind: FileKind, key: &str, col: &str) -> Option<String> {
    let row = store.get(kind, &[Cell::Text(key.into())]).unwrap()?;
    let i = kind.col(col).unwrap();
    Some(xiezuo_exchange::cell::format_cell(
        &kind.columns()[i],
        &row.cells[i],
    ))
}

#[test]
fn files_in_memory_rows_and_a_directory_import_alike() {
    let dir = tempfile::tempdir().unwrap();
    for f in world() {
        std::fs::write(dir.path().join(&f.name), &f.bytes).unwrap();
    }
    let mut from_dir = SqliteStore::open_in_memory().unwrap();
    let r = ingest(
        &mut from_dir,
        Source::Dir(dir.path()),
        &batch(),
        &WritePolicy::everywhere(),
        &Quiet,
    )
    .unwrap();
    let from_files = stored_world();
    for kind in FileKind::ALL {
        assert_eq!(
            from_dir.count(*kind).unwrap(),
            from_files.count(*kind).unwrap(),
            "{kind:?}"
        );
    }
    assert_eq!(r.counts[&FileKind::Persons].inserted, 2);
    // Rows given directly are parsed as a file's text is: a bad cell is
    // an error naming the source, the line and the column.
    let mut store = from_files;
    let rows = Rows {
        kind: FileKind::Meetings,
        name: "meetings.csv".into(),
        rows: vec![
            ["MT1", "P-GX", "2018-05-07", "joint_meeting", "0"]
                .map(String::from)
                .to_vec(),
            ["MT2", "P-GX", "2018-13-07", "joint_meeting", "0"]
                .map(String::from)
                .to_vec(),
        ],
    };
    let r = ingest(
        &mut store,
        Source::Rows(vec![rows]),
        &batch(),
        &WritePolicy::everywhere(),
        &Quiet,
    )
    .unwrap();
    assert_eq!(r.errors.len(), 1, "{:?}", reasons(&r));
    assert_eq!(
        (r.errors[0].error.line, r.errors[0].error.column.as_str()),
        (3, "date")
    );
    assert_eq!(r.batch_id, None, "all or nothing");
    assert_eq!(store.count(FileKind::Meetings).unwrap(), 0);
}

#[test]
fn write_modes_store_all_the_valid_rows_or_nothing() {
    let mut store = stored_world();
    let meetings = [file(
        "meetings.csv",
        "meeting_id,pairing_id,date,kind,top_leader\nMT1,P-GX,2018-05-07,joint_meeting,0\nMT2,P-NONE,2018-05-07,joint_meeting,0\n",
    )];
    let mut run = |mode| {
        let policy = WritePolicy::everywhere().with_mode(mode);
        ingest(
            &mut store,
            Source::Files(&meetings),
            &batch(),
            &policy,
            &Quiet,
        )
        .unwrap()
    };
    for mode in [WriteMode::DryRun, WriteMode::AllOrNothing] {
        let r = run(mode);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.batch_id, None, "{mode:?}");
    }
    let r = run(WriteMode::SkipInvalid);
    assert!(r.batch_id.is_some());
    assert_eq!(store.count(FileKind::Meetings).unwrap(), 1);
}

#[test]
fn an_office_writes_the_rows_of_its_region_and_its_pairings_only() {
    let mut store = stored_world();
    let gx = WriteScope::of(Role::Office, Some(450000000000), None);
    let meetings = [file(
        "meetings.csv",
        "meeting_id,pairing_id,date,kind,top_leader\nMT1,P-GX,2018-05-07,joint_meeting,0\nMT2,P-YN,2018-05-07,joint_meeting,0\n",
    )];
    let r = write(&mut store, &gx, &meetings);
    assert_eq!(
        reasons(&r),
        ["meetings.csv:3 this meetings row is outside your scope (office 450000000000)"]
    );
    assert_eq!((r.out_of_scope, r.batch_id), (1, None));
    // Registry rows belong to their household's village, in the same
    // upload or in the store.
    let registry = [
        file(
            "households.csv",
            "household_id,village,category,identified_year\nH-GX2,450121101201,general,2016\nH-YN2,530121101201,general,2016\n",
        ),
        file(
            "persons.csv",
            "person_id,household_id,id_number,name,sex,birth_date,labor\nP-GX2,H-GX2,110101199003070011,戊己,M,1990-03-07,full\nP-YN2,H-YN,11010119900307002X,庚辛,F,1990-03-07,full\n",
        ),
    ];
    let r = write(&mut store, &gx, &registry);
    let lines: Vec<(String, u64)> = r
        .errors
        .iter()
        .map(|e| (e.error.file.clone(), e.error.line))
        .collect();
    assert_eq!(
        lines,
        [("households.csv".into(), 3), ("persons.csv".into(), 3)],
        "{:?}",
        reasons(&r)
    );
    assert_eq!(r.out_of_scope, 2);
}

#[test]
fn a_stored_row_of_another_region_cannot_be_moved_in() {
    let mut store = stored_world();
    let gx = WriteScope::of(Role::Office, Some(450000000000), None);
    // Another province's household re-keyed into the office's village,
    // its member renamed, its pairing re-pointed at the office's province:
    // each is refused, with the same words as any row outside the scope.
    let moves = [
        file(
            "households.csv",
            "household_id,village,category,identified_year\nH-YN,450121101201,general,2015\n",
        ),
        file(
            "persons.csv",
            "person_id,household_id,id_number,name,sex,birth_date,labor\nP-YN1,H-GX,110101199003075031,改名,M,1990-03-07,full\n",
        ),
        file(
            "pairings.csv",
            "pairing_id,helper,helped,level,helper_kind,start_date,end_date\nP-YN,440000000000,450000000000,province,government,2017-01-01,\n",
        ),
    ];
    let r = write(&mut store, &gx, &moves);
    assert_eq!(r.out_of_scope, 3, "{:?}", reasons(&r));
    for e in &r.errors {
        assert!(
            e.error.reason.starts_with("this ") && e.error.reason.contains("outside your scope"),
            "{}",
            e.error.reason
        );
        assert!(!e.error.reason.contains("530"), "{}", e.error.reason);
    }
    assert_eq!(r.batch_id, None);
    assert_eq!(
        cell(&store, FileKind::Households, "H-YN", "village").as_deref(),
        Some("530121101201")
    );
    assert_eq!(
        cell(&store, FileKind::Pairings, "P-YN", "helped").as_deref(),
        Some("530000000000")
    );
    // Its own household it may change.
    let own = [file(
        "households.csv",
        "household_id,village,category,identified_year\nH-GX,450121101201,dibao,2015\n",
    )];
    let r = write(&mut store, &gx, &own);
    assert!(r.batch_id.is_some(), "{:?}", reasons(&r));
}

#[test]
fn an_organisation_writes_its_own_rows_in_the_pairings_it_is_party_to() {
    let mut store = stored_world();
    let donations = |rows: &str| {
        [file(
            "donations.csv",
            &format!("donation_id,pairing_id,date,donor,donor_kind,amount,in_kind\n{rows}"),
        )]
    };
    let e1 = WriteScope::of(Role::Organisation, Some(0), Some("E1"));
    let r = write(
        &mut store,
        &e1,
        &donations("DN1,V-E1,2019-05-01,org:E1,enterprise,1000,0\n"),
    );
    assert!(r.batch_id.is_some(), "{:?}", reasons(&r));
    // Not party to P-GX; not its own name; not its kind of row.
    let r = write(
        &mut store,
        &e1,
        &donations(
            "DN2,P-GX,2019-05-01,org:E1,enterprise,9999999900,0\nDN3,V-E1,2019-05-01,org:E2,enterprise,1000,0\n",
        ),
    );
    assert_eq!(r.out_of_scope, 2, "{:?}", reasons(&r));
    let meetings = [file(
        "meetings.csv",
        "meeting_id,pairing_id,date,kind,top_leader\nMT1,V-E1,2019-05-07,joint_meeting,0\n",
    )];
    assert_eq!(write(&mut store, &e1, &meetings).out_of_scope, 1);
    // Assessors and the public write nothing.
    for role in [Role::Assessor, Role::Public] {
        let r = write(&mut store, &WriteScope::of(role, None, None), &meetings);
        assert_eq!(r.out_of_scope, 1, "{role:?}");
    }
    assert_eq!(store.count(FileKind::Donations).unwrap(), 1);
}

#[test]
fn a_duplicate_identity_number_names_its_holder_only_inside_the_scope() {
    let mut store = stored_world();
    // The identity number of P-YN1, a person of another province.
    let person = [file(
        "persons.csv",
        "person_id,household_id,id_number,name,sex,birth_date,labor\nP-GX9,H-GX,110101199003075031,甲丙,M,1990-03-07,full\n",
    )];
    let gx = WriteScope::of(Role::Office, Some(450000000000), None);
    let r = write(&mut store, &gx, &person);
    assert_eq!(
        reasons(&r),
        ["persons.csv:2 duplicate id_number (already registered)"]
    );
    let yn = WriteScope::of(Role::Office, Some(530000000000), None);
    let own = [file(
        "persons.csv",
        "person_id,household_id,id_number,name,sex,birth_date,labor\nP-YN9,H-YN,110101199003075031,甲丙,M,1990-03-07,full\n",
    )];
    let r = write(&mut store, &yn, &own);
    assert_eq!(
        reasons(&r),
        ["persons.csv:2 duplicate id_number (already registered to person P-YN1)"]
    );
    let r = write(&mut store, &WriteScope::Everywhere, &person);
    assert!(reasons(&r)[0].contains("person P-YN1"), "{:?}", reasons(&r));
}

#[test]
fn an_office_row_puts_its_activity_within_its_pairing_only() {
    let mut store = stored_world();
    let gx = WriteScope::of(Role::Office, Some(450000000000), None);
    // A project of its own pairing located in another province's county.
    let projects = [file(
        "projects.csv",
        "project_id,pairing_id,year,name,category,county,village,budget,start_date,end_date,status\nXM-1,P-GX,2019,路,infrastructure,530121000000,,1000,2019-01-01,2019-12-31,completed\nXM-2,P-GX,2019,路,infrastructure,450121000000,,1000,2019-01-01,2019-12-31,completed\n",
    )];
    let r = write(&mut store, &gx, &projects);
    assert_eq!(r.out_of_scope, 1, "{:?}", reasons(&r));
    assert_eq!(r.errors[0].error.line, 2);
    // A placement of a person of another province, and of an unknown
    // person: the same answer, telling nothing of who exists where.
    let placements = [file(
        "placements.csv",
        "placement_id,person_id,pairing_id,employer,work_region,start_date,end_date,monthly_wage\nPL-1,P-YN1,P-GX,厂,440000000000,2019-03-01,,3000\nPL-2,P-NOBODY,P-GX,厂,440000000000,2019-03-01,,3000\nPL-3,P-GX1,P-GX,厂,440000000000,2019-03-01,,3000\n",
    )];
    let r = write(&mut store, &gx, &placements);
    let refusals: Vec<(u64, &str)> = r
        .errors
        .iter()
        .map(|e| (e.error.line, e.error.reason.as_str()))
        .collect();
    assert_eq!(
        refusals,
        [
            (
                2,
                "this placements row is outside your scope (office 450000000000)"
            ),
            (
                3,
                "this placements row is outside your scope (office 450000000000)"
            ),
        ]
    );
}
