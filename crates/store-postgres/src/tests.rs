//! Store tests. Those that need a server run when `XIEZUO_TEST_POSTGRES`
//! names one (`postgres://postgres@127.0.0.1:PORT`); each gets its own new
//! database. Without it they print a note and pass.

use super::*;
use std::io::Write as _;
use xiezuo_store::Upsert;

#[test]
fn migration_files_match_the_versioned_schema_table() {
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
        assert_eq!(
            *sql,
            migration_sql(i as u8 + 1),
            "{name} differs from the schema table: add a new migration instead of editing an applied one"
        );
    }
}

#[test]
#[ignore = "writes the migrations from the schema table; run once when adding one"]
fn write_migrations() {
    for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
        let path = format!("{}/migrations/{name}.sql", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, migration_sql(i as u8 + 1)).unwrap();
    }
}

/// The server named by `XIEZUO_TEST_POSTGRES`, if any.
fn server() -> Option<String> {
    std::env::var("XIEZUO_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A new database of its own for one test, dropped at the end.
struct TestDb {
    server: String,
    name: String,
    url: String,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = drop_database(&self.server, &self.name);
    }
}

fn fresh(test: &str) -> Option<TestDb> {
    let Some(server) = server() else {
        // Straight to the terminal: the test harness captures eprintln!.
        let _ = writeln!(
            std::io::stderr(),
            "note: {test} skipped: set XIEZUO_TEST_POSTGRES=postgres://USER@HOST:PORT to run it"
        );
        return None;
    };
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "xiezuo_unit_{}_{}_{}",
        test,
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let url = create_database(&server, &name).unwrap();
    Some(TestDb { server, name, url })
}

#[test]
fn migration_names_are_the_same_on_both_backends() {
    let pg: Vec<&str> = MIGRATIONS.iter().map(|m| m.0).collect();
    let lite: Vec<&str> = xiezuo_store_sqlite::MIGRATIONS
        .iter()
        .map(|m| m.0)
        .collect();
    assert_eq!(
        pg, lite,
        "PostgreSQL and SQLite migrations move in lockstep"
    );
    assert_eq!(pg, xiezuo_store::ddl::NAMES);
}

#[test]
fn urls() {
    assert_eq!(
        database_url("postgres://u@h:5432", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        database_url("postgres://u@h:5432/postgres?sslmode=disable", "x"),
        "postgres://u@h:5432/x?sslmode=disable"
    );
    assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    assert!(matches!(
        PgStore::open("postgres://u@h:notaport/db"),
        Err(StoreError::BadLocation(_))
    ));
    assert!(create_database("postgres://u@h", "Bad-Name").is_err());
}

#[test]
fn reopening_is_idempotent_and_newer_stores_are_refused() {
    let Some(db) = fresh("reopen") else { return };
    PgStore::open(&db.url).unwrap();
    let s = PgStore::open(&db.url).unwrap();
    assert_eq!(s.applied_migrations().unwrap().len(), MIGRATIONS.len());
    s.execute_sql("INSERT INTO schema_migrations VALUES (99, 'future')")
        .unwrap();
    drop(s);
    assert!(matches!(
        PgStore::open(&db.url),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn region(code: i64, name: &str) -> Vec<Cell> {
    vec![
        Cell::Int(code),
        t(name),
        t("province"),
        Cell::Null,
        t("east"),
        Cell::Null,
        Cell::Null,
        Cell::Null,
        Cell::Null,
    ]
}

fn household(id: &str, village: i64, exit: Option<i64>) -> Vec<Cell> {
    vec![
        t(id),
        Cell::Int(village),
        t("poor"),
        Cell::Int(2015),
        exit.map_or(Cell::Null, Cell::Int),
        Cell::Null,
        Cell::Null,
    ]
}

fn person(id: &str, hh: &str, idn: &str, name: &str) -> Vec<Cell> {
    vec![
        t(id),
        t(hh),
        t(idn),
        t(name),
        t("F"),
        t("1990-01-01"),
        t("full"),
    ]
}

fn fund(id: &str, project: Option<&str>, amount: i64, reverses: Option<&str>) -> Vec<Cell> {
    vec![
        t(id),
        t("2020-03-01"),
        t("P1"),
        project.map_or(Cell::Null, t),
        t("fiscal"),
        t("grant"),
        Cell::Int(amount),
        reverses.map_or(Cell::Null, t),
    ]
}

fn target(year: i64, value: f64) -> Vec<Cell> {
    vec![
        t("P1"),
        Cell::Int(year),
        t("poor_employed"),
        Cell::Real(value),
    ]
}

fn batch(n: u32) -> BatchInfo {
    BatchInfo {
        actor: "tester".into(),
        at: format!("2026-01-0{n}T00:00:00Z"),
        source: format!("test {n}"),
    }
}

/// One run of the same operations, as text: the outcomes on SQLite and on
/// PostgreSQL must be identical.
fn transcript(s: &mut dyn Store) -> Vec<String> {
    use FileKind::*;
    let mut out = Vec::new();
    let mut log = |what: &str, v: &dyn std::fmt::Debug| out.push(format!("{what}: {v:?}"));
    {
        let mut tx = s.begin_import(&batch(1)).unwrap();
        log("empty regions", &tx.was_empty(Regions));
        for (code, name) in [
            (440000000000, "广东省"),
            (450000000000, "广西"),
            (440000000000, "again"),
        ] {
            log(
                "region",
                &tx.upsert(Regions, &region(code, name), &[], &|_| false)
                    .unwrap(),
            );
        }
        for (id, v) in [
            ("H1", 450102001001),
            ("H2", 450102001002),
            ("H3", 440101001001),
        ] {
            log(
                "household",
                &tx.upsert(Households, &household(id, v, None), &[], &|_| false)
                    .unwrap(),
            );
        }
        log("get own write", &tx.get(Households, &[t("H2")]).unwrap());
        // Read ahead on a kind that was empty: its references are read.
        let ahead = [
            person("A", "H1", "k1:a", "x"),
            person("C", "H2", "k1:a", "x"),
        ];
        let ahead: Vec<&[Cell]> = ahead.iter().map(Vec::as_slice).collect();
        tx.prefetch(Persons, &ahead).unwrap();
        for (id, hh, idn, refs) in [
            ("A", "H1", "k1:a", 1),
            ("B", "H1", "k1:b", 1),
            ("C", "H2", "k1:a", 2),
            ("A", "H2", "k1:c", 2),
            ("A", "H1", "k1:b", 1),
            ("D", "H3", "k1:d", 3),
        ] {
            log(
                "person",
                &tx.upsert(Persons, &person(id, hh, idn, "x"), &[refs], &|_| false)
                    .unwrap(),
            );
        }
        log("by id number", &tx.person_by_id_number("k1:b").unwrap());
        log(
            "fund",
            &tx.upsert(Funds, &fund("T1", Some("PRJ1"), 10000, None), &[], &|_| {
                false
            })
            .unwrap(),
        );
        log(
            "fund",
            &tx.upsert(
                Funds,
                &fund("T2", Some("PRJ1"), -2500, Some("T1")),
                &[],
                &|_| false,
            )
            .unwrap(),
        );
        log("reversed", &tx.reversed_total("T1").unwrap());
        log(
            "target",
            &tx.upsert(Targets, &target(2020, 0.75), &[], &|_| false)
                .unwrap(),
        );
        log("batch", &tx.commit("{\"first\":1}").unwrap());
    }
    {
        // Dropped: nothing stored, and no row id used up.
        let mut tx = s.begin_import(&batch(2)).unwrap();
        log(
            "dropped",
            &tx.upsert(Regions, &region(460000000000, "海南"), &[], &|_| false)
                .unwrap(),
        );
        log(
            "dropped",
            &tx.upsert(Persons, &person("Z", "H1", "k1:z", "z"), &[1], &|_| false)
                .unwrap(),
        );
    }
    {
        let mut tx = s.begin_import(&batch(3)).unwrap();
        log("empty regions", &tx.was_empty(Regions));
        log("empty seekers", &tx.was_empty(Seekers));
        log(
            "unchanged",
            &tx.upsert(Regions, &region(440000000000, "广东省"), &[], &|_| false)
                .unwrap(),
        );
        log(
            "updated",
            &tx.upsert(
                Regions,
                &region(450000000000, "广西壮族自治区"),
                &[],
                &|_| false,
            )
            .unwrap(),
        );
        log(
            "new",
            &tx.upsert(Regions, &region(460000000000, "海南省"), &[], &|_| false)
                .unwrap(),
        );
        log(
            "written",
            &tx.upsert(Regions, &region(460000000000, "海南"), &[], &|r| r == 3)
                .unwrap(),
        );
        let ahead = [
            person("B", "H2", "k1:b", "y"),
            person("D", "H3", "k1:a", "x"),
            person("E", "H3", "k1:d", "x"),
            person("E", "H3", "k1:e", "x"),
            person("B", "H2", "k1:f", "y"),
            person("F", "H2", "k1:b", "f"),
        ];
        let ahead: Vec<&[Cell]> = ahead.iter().map(Vec::as_slice).collect();
        tx.prefetch(Persons, &ahead).unwrap();
        log(
            "person update",
            &tx.upsert(Persons, &person("B", "H2", "k1:b", "y"), &[2], &|_| false)
                .unwrap(),
        );
        log(
            "id number held",
            &tx.upsert(Persons, &person("D", "H3", "k1:a", "x"), &[3], &|_| false)
                .unwrap(),
        );
        log(
            "new person, id number held",
            &tx.upsert(Persons, &person("E", "H3", "k1:d", "x"), &[3], &|_| false)
                .unwrap(),
        );
        log(
            "new person",
            &tx.upsert(Persons, &person("E", "H3", "k1:e", "x"), &[3], &|_| false)
                .unwrap(),
        );
        log(
            "id number freed",
            &tx.upsert(Persons, &person("B", "H2", "k1:f", "y"), &[2], &|_| false)
                .unwrap(),
        );
        log(
            "freed id number taken",
            &tx.upsert(Persons, &person("F", "H2", "k1:b", "f"), &[2], &|_| false)
                .unwrap(),
        );
        log("holder k1:b", &tx.person_by_id_number("k1:b").unwrap());
        log("holder k1:f", &tx.person_by_id_number("k1:f").unwrap());
        log("holder k1:x", &tx.person_by_id_number("k1:x").unwrap());
        log("own write", &tx.get(Persons, &[t("E")]).unwrap());
        log(
            "written twice",
            &tx.upsert(Persons, &person("E", "H3", "k1:e", "z"), &[3], &|r| r == 4)
                .unwrap(),
        );
        log(
            "ledger same",
            &tx.upsert(Funds, &fund("T1", Some("PRJ1"), 10000, None), &[], &|_| {
                false
            })
            .unwrap(),
        );
        log(
            "ledger changed",
            &tx.upsert(Funds, &fund("T1", Some("PRJ1"), 9000, None), &[], &|_| {
                false
            })
            .map_err(|e| e.to_string()),
        );
        log(
            "target update",
            &tx.upsert(Targets, &target(2020, 0.5), &[], &|_| false)
                .unwrap(),
        );
        log("batch", &tx.commit("{}").unwrap());
    }
    for k in [Regions, Households, Persons, Funds, Targets, Seekers] {
        log("count", &(k, s.count(k).unwrap()));
        let mut rows = Vec::new();
        s.scan(k, &mut |r, refs| {
            rows.push(format!("{r:?} {refs:?}"));
            Ok(())
        })
        .unwrap();
        log("scan", &rows);
    }
    log("get", &s.get(Persons, &[t("B")]).unwrap());
    log("get missing", &s.get(Persons, &[t("nobody")]).unwrap());
    log(
        "get pair",
        &s.get(Targets, &[t("P1"), Cell::Int(2020), t("poor_employed")])
            .unwrap(),
    );
    log("person households", &s.person_households().unwrap());
    log("household facts", &s.household_facts().unwrap());
    log(
        "households in",
        &s.households_in(450000000000, 459999999999, 0, 10).unwrap(),
    );
    log(
        "households page",
        &s.households_in(0, u64::MAX >> 1, 1, 1).unwrap(),
    );
    log("members", &s.members_of(2).unwrap());
    log("funds of project", &s.funds_of_project("PRJ1").unwrap());
    log("batches", &s.batches().unwrap());
    log("audit of", &s.audit_of(Regions, "450000000000").unwrap());
    let mut trail = Vec::new();
    s.audit_trail(&mut |e| {
        trail.push(format!("{e:?}"));
        Ok(())
    })
    .unwrap();
    log("audit trail", &trail);
    out
}

#[test]
fn the_same_operations_give_the_same_outcomes_as_sqlite() {
    let Some(db) = fresh("parity") else { return };
    let mut lite = xiezuo_store_sqlite::SqliteStore::open_in_memory().unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    let a = transcript(&mut lite);
    let b = transcript(&mut pg);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    assert_eq!(a.len(), b.len());
}

#[test]
fn the_ledger_audit_and_batches_are_append_only_in_the_database() {
    let Some(db) = fresh("append") else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    transcript(&mut pg);
    for sql in [
        "DELETE FROM audit",
        "UPDATE audit SET field = 'x'",
        "TRUNCATE audit",
        "DELETE FROM batches",
        "UPDATE funds SET amount = 0",
        "DELETE FROM funds",
        "TRUNCATE funds",
        "INSERT INTO access_log VALUES (1, 'a', 'b', 'c', 'd', NULL, NULL, '')",
    ] {
        let _ = pg.execute_sql(sql);
    }
    for sql in [
        "UPDATE access_log SET actor = 'x'",
        "DELETE FROM access_log",
    ] {
        let e = pg.execute_sql(sql).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    for sql in [
        "DELETE FROM audit",
        "UPDATE funds SET amount = 0",
        "TRUNCATE batches",
    ] {
        let e = pg.execute_sql(sql).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(pg.count(FileKind::Funds).unwrap(), 2);
}

#[test]
fn accounts_tokens_and_the_append_only_access_log() {
    use xiezuo_store::{AccessEvent, AccountStore, NewAccount};
    let Some(db) = fresh("accounts") else { return };
    let mut s = PgStore::open(&db.url).unwrap();
    let a = NewAccount {
        login: "gz-office".into(),
        display_name: "贵州省协作办".into(),
        role: "office".into(),
        region: Some(520000000000),
        organisation: None,
        can_view_personal: false,
        password_hash: "$argon2id$x".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    let id = s.add_account(&a).unwrap();
    assert_eq!(id, 1);
    assert!(matches!(s.add_account(&a), Err(StoreError::Conflict(_))));
    let b = NewAccount {
        login: "other".into(),
        ..a.clone()
    };
    assert_eq!(
        s.add_account(&b).unwrap(),
        2,
        "no id used up by the conflict"
    );
    let acc = s.account("gz-office").unwrap().unwrap();
    assert_eq!(acc.region, Some(520000000000));
    assert!(!acc.disabled && acc.failed_logins == 0);
    assert!(s.set_disabled("gz-office", true).unwrap());
    assert!(!s.set_disabled("nobody", true).unwrap());
    s.set_login_state("gz-office", 3, Some("2026-01-01T01:00:00Z"))
        .unwrap();
    let acc = s.account("gz-office").unwrap().unwrap();
    assert_eq!(acc.failed_logins, 3);
    assert!(s.set_password_hash("gz-office", "$argon2id$y").unwrap());
    let acc = s.account("gz-office").unwrap().unwrap();
    assert_eq!((acc.failed_logins, acc.locked_until), (0, None));
    assert_eq!(s.accounts().unwrap().len(), 2);
    let tok = s
        .add_token(id, "abc", "upload", "2026-01-02T00:00:00Z")
        .unwrap();
    assert_eq!(s.token_account("abc").unwrap().unwrap().id, id);
    assert_eq!(s.tokens(Some(id)).unwrap().len(), 1);
    assert_eq!(s.tokens(Some(2)).unwrap().len(), 0);
    assert_eq!(s.tokens(None).unwrap().len(), 1);
    assert!(s.revoke_token(tok, "2026-01-03T00:00:00Z").unwrap());
    assert!(!s.revoke_token(tok, "2026-01-03T00:00:00Z").unwrap());
    assert!(s.token_account("abc").unwrap().is_none());
    let e = AccessEvent {
        id: 0,
        at: "2026-01-04T00:00:00Z".into(),
        actor: "gz-office".into(),
        origin: "127.0.0.1".into(),
        action: "view_personal".into(),
        kind: Some("persons".into()),
        key: Some("P1".into()),
        detail: String::new(),
    };
    assert_eq!(s.log_access(&e).unwrap(), 1);
    assert_eq!(
        s.log_access(&AccessEvent {
            kind: None,
            key: None,
            ..e.clone()
        })
        .unwrap(),
        2
    );
    assert_eq!(s.access_log(Some("persons"), Some("P1")).unwrap().len(), 1);
    assert_eq!(s.access_log(None, None).unwrap().len(), 2);
    assert!(s.execute_sql("DELETE FROM access_log").is_err());
    s.set_meta("k", "1").unwrap();
    s.set_meta("k", "2").unwrap();
    assert_eq!(s.meta("k").unwrap().as_deref(), Some("2"));
    // Compare and set: only from the expected value, only once.
    assert!(!s.replace_meta("k", Some("1"), "3").unwrap());
    assert!(s.replace_meta("k", Some("2"), "3").unwrap());
    assert!(!s.replace_meta("k", None, "4").unwrap());
    assert!(s.replace_meta("cas", None, "a").unwrap());
    assert!(!s.replace_meta("cas", None, "b").unwrap());
    assert_eq!(s.meta("k").unwrap().as_deref(), Some("3"));
    assert_eq!(s.meta("cas").unwrap().as_deref(), Some("a"));
    assert_eq!(s.meta("none").unwrap(), None);
}

/// Records everything a dump puts, as text.
#[derive(Default)]
struct Recorder(Vec<String>);

impl xiezuo_store::copy::CopySink for Recorder {
    fn put_row(
        &mut self,
        kind: FileKind,
        row: &StoredRow,
        refs: &[Option<i64>],
    ) -> Result<(), StoreError> {
        self.0.push(format!("{kind:?} {row:?} {refs:?}"));
        Ok(())
    }
    fn put_batch(&mut self, b: &Batch) -> Result<(), StoreError> {
        self.0.push(format!("{b:?}"));
        Ok(())
    }
    fn put_audit(&mut self, a: &xiezuo_store::copy::AuditRow) -> Result<(), StoreError> {
        self.0.push(format!("{a:?}"));
        Ok(())
    }
    fn put_account(&mut self, a: &xiezuo_store::Account) -> Result<(), StoreError> {
        self.0.push(format!("{a:?}"));
        Ok(())
    }
    fn put_token(&mut self, t: &xiezuo_store::copy::TokenRow) -> Result<(), StoreError> {
        self.0.push(format!("{t:?}"));
        Ok(())
    }
    fn put_access(&mut self, e: &xiezuo_store::AccessEvent) -> Result<(), StoreError> {
        self.0.push(format!("{e:?}"));
        Ok(())
    }
    fn put_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.0.push(format!("{name}={value}"));
        Ok(())
    }
}

fn dump(s: &dyn xiezuo_store::copy::CopyStore) -> Vec<String> {
    let mut r = Recorder::default();
    s.dump(&mut r).unwrap();
    r.0
}

#[test]
fn a_store_copies_to_postgres_and_backs_up_to_sqlite_unchanged() {
    use xiezuo_store::AccountStore;
    use xiezuo_store::copy::{CopyStore, copy_store};
    let Some(db) = fresh("copy") else { return };
    let mut lite = xiezuo_store_sqlite::SqliteStore::open_in_memory().unwrap();
    transcript(&mut lite);
    let acc = xiezuo_store::NewAccount {
        login: "a".into(),
        display_name: "A".into(),
        role: "admin".into(),
        region: None,
        organisation: Some("org".into()),
        can_view_personal: true,
        password_hash: "h".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    let id = lite.add_account(&acc).unwrap();
    lite.add_token(id, "s1", "l", "2026-01-01T00:00:00Z")
        .unwrap();
    lite.revoke_token(1, "2026-01-02T00:00:00Z").unwrap();
    lite.add_token(id, "s2", "l", "2026-01-01T00:00:00Z")
        .unwrap();
    lite.log_access(&xiezuo_store::AccessEvent {
        id: 0,
        at: "t".into(),
        actor: "a".into(),
        origin: "cli".into(),
        action: "login".into(),
        kind: None,
        key: None,
        detail: "d".into(),
    })
    .unwrap();
    lite.set_meta("m", "v").unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    let copied = copy_store(&lite, &mut pg).unwrap();
    assert_eq!(copied, lite.totals().unwrap());
    assert_eq!(dump(&lite), dump(&pg));
    // A non-empty target is refused, and stays as it was.
    assert!(matches!(
        copy_store(&lite, &mut pg),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(pg.totals().unwrap(), copied);
    // New rows continue the ids.
    let mut tx = pg.begin_import(&batch(4)).unwrap();
    assert_eq!(
        tx.upsert(
            FileKind::Regions,
            &region(500000000000, "重庆"),
            &[],
            &|_| false
        )
        .unwrap(),
        Upsert::Inserted(4)
    );
    drop(tx);
    assert_eq!(
        pg.add_account(&xiezuo_store::NewAccount {
            login: "b".into(),
            ..acc
        })
        .unwrap(),
        2
    );
    // The backup of PostgreSQL is a SQLite store holding the same.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    pg.backup_to(&file).unwrap();
    assert!(
        pg.backup_to(&file).is_err(),
        "an existing file is never replaced"
    );
    let back = xiezuo_store_sqlite::SqliteStore::open(&file).unwrap();
    assert_eq!(dump(&back), dump(&pg));
}

#[test]
fn a_consistent_read_does_not_see_later_commits() {
    let Some(db) = fresh("consistent") else {
        return;
    };
    let mut writer = PgStore::open(&db.url).unwrap();
    let reader = PgStore::open(&db.url).unwrap();
    let mut put = |code: i64, n: u32| {
        let mut tx = writer.begin_import(&batch(n)).unwrap();
        tx.upsert(FileKind::Regions, &region(code, "省"), &[], &|_| false)
            .unwrap();
        tx.commit("{}").unwrap();
    };
    put(440000000000, 1);
    let seen = xiezuo_store::read_consistent(&reader, |s| {
        let first = s.count(FileKind::Regions)?;
        put(450000000000, 2);
        Ok((first, s.count(FileKind::Regions)?))
    })
    .unwrap();
    assert_eq!(seen, (1, 1), "the commit in between is not seen");
    assert_eq!(reader.count(FileKind::Regions).unwrap(), 2);
}

#[test]
fn a_row_the_server_refuses_fails_the_commit_and_stores_nothing() {
    let Some(db) = fresh("refused") else {
        return;
    };
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut tx = pg.begin_import(&batch(1)).unwrap();
    // Written in the background with COPY: the failure shows at commit.
    tx.upsert(
        FileKind::Regions,
        &region(440000000000, "广东\0"),
        &[],
        &|_| false,
    )
    .unwrap();
    let e = tx.commit("{}").unwrap_err().to_string();
    assert!(e.contains("0x00"), "{e}");
    assert_eq!(pg.count(FileKind::Regions).unwrap(), 0);
    assert!(pg.batches().unwrap().is_empty());
    // The store takes the next import as usual.
    let mut tx = pg.begin_import(&batch(2)).unwrap();
    assert_eq!(
        tx.upsert(
            FileKind::Regions,
            &region(440000000000, "广东"),
            &[],
            &|_| false
        )
        .unwrap(),
        Upsert::Inserted(1)
    );
    assert_eq!(tx.commit("{}").unwrap(), 1);
}

#[test]
fn members_of_several_households_in_one_read_are_those_of_each() {
    let Some(db) = fresh("members") else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    transcript(&mut pg);
    let ids = [2, 1, 99, 3, 1];
    let each: Vec<Vec<StoredRow>> = ids.iter().map(|&h| pg.members_of(h).unwrap()).collect();
    assert!(each.iter().any(|m| !m.is_empty()));
    assert_eq!(
        format!("{:?}", pg.members_of_households(&ids).unwrap()),
        format!("{each:?}")
    );
}

#[test]
fn imports_one_after_another_share_one_connection_and_a_dropped_one_stores_nothing() {
    let Some(db) = fresh("reuse") else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut import = |code: i64, n: u32, commit: bool| {
        let mut tx = pg.begin_import(&batch(n)).unwrap();
        tx.upsert(FileKind::Regions, &region(code, "省"), &[], &|_| false)
            .unwrap();
        if commit {
            tx.commit("{}").unwrap();
        }
    };
    // The first one dropped: what it prepared serves the next ones.
    import(440000000000, 1, false);
    import(450000000000, 2, true);
    import(460000000000, 3, false);
    import(470000000000, 4, true);
    import(480000000000, 5, true);
    assert_eq!(pg.count(FileKind::Regions).unwrap(), 3);
    assert_eq!(pg.batches().unwrap().len(), 3);
    let backends: i64 = pg
        .conn()
        .unwrap()
        .client
        .query_one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        backends, 2,
        "the store's connection and one kept for imports"
    );
    // The import that filled the empty table gathered its statistics.
    let tuples: f32 = pg
        .conn()
        .unwrap()
        .client
        .query_one(
            "SELECT reltuples FROM pg_class WHERE relname = 'regions'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(tuples >= 1.0, "regions analyzed: {tuples}");
}
