//! Store unit tests on an in-memory database.

use super::*;

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
fn migration_names_are_the_schema_tables() {
    let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.0).collect();
    assert_eq!(names, xiezuo_store::ddl::NAMES);
}

#[test]
fn reopening_is_idempotent_and_newer_stores_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.db");
    SqliteStore::open(&p).unwrap();
    let s = SqliteStore::open(&p).unwrap();
    assert_eq!(s.applied_migrations().unwrap().len(), MIGRATIONS.len());
    s.conn
        .execute("INSERT INTO schema_migrations VALUES (99, 'future')", [])
        .unwrap();
    drop(s);
    assert!(matches!(
        SqliteStore::open(&p),
        Err(StoreError::TooNew { .. })
    ));
}

fn region_cells(code: i64, name: &str) -> Vec<Cell> {
    vec![
        Cell::Int(code),
        Cell::Text(name.into()),
        Cell::Text("province".into()),
        Cell::Null,
        Cell::Text("east".into()),
        Cell::Null,
        Cell::Null,
        Cell::Null,
        Cell::Null,
    ]
}

fn batch() -> BatchInfo {
    BatchInfo {
        actor: "tester".into(),
        at: "2026-01-01T00:00:00Z".into(),
        source: "test".into(),
    }
}

#[test]
fn upsert_updates_and_audits_and_drop_rolls_back() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    {
        let mut tx = s.begin_import(&batch()).unwrap();
        assert!(matches!(
            tx.upsert(
                FileKind::Regions,
                &region_cells(440000000000, "广东省"),
                &[],
                &|_| false
            )
            .unwrap(),
            Upsert::Inserted(1)
        ));
        tx.commit("{}").unwrap();
    }
    {
        let mut tx = s.begin_import(&batch()).unwrap();
        assert_eq!(
            tx.upsert(
                FileKind::Regions,
                &region_cells(440000000000, "广东省"),
                &[],
                &|_| false
            )
            .unwrap(),
            Upsert::Unchanged(1)
        );
        assert_eq!(
            tx.upsert(
                FileKind::Regions,
                &region_cells(440000000000, "广东"),
                &[],
                &|_| false
            )
            .unwrap(),
            Upsert::Updated {
                rowid: 1,
                changed: 1
            }
        );
        tx.commit("{}").unwrap();
    }
    let audit = s.audit_of(FileKind::Regions, "440000000000").unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].old.as_deref(), Some("广东省"));
    assert_eq!(audit[0].new.as_deref(), Some("广东"));
    {
        let mut tx = s.begin_import(&batch()).unwrap();
        tx.upsert(
            FileKind::Regions,
            &region_cells(450000000000, "广西"),
            &[],
            &|_| false,
        )
        .unwrap();
        // dropped without commit
    }
    assert_eq!(s.count(FileKind::Regions).unwrap(), 1);
    assert_eq!(s.batches().unwrap().len(), 2);
    assert!(
        s.conn.execute("DELETE FROM audit", []).is_err(),
        "audit is append-only"
    );
}

#[test]
fn a_consistent_read_does_not_see_later_commits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.db");
    let mut writer = SqliteStore::open(&p).unwrap();
    let reader = SqliteStore::open(&p).unwrap();
    let mut put = |code: i64| {
        let mut tx = writer.begin_import(&batch()).unwrap();
        tx.upsert(FileKind::Regions, &region_cells(code, "省"), &[], &|_| {
            false
        })
        .unwrap();
        tx.commit("{}").unwrap();
    };
    put(440000000000);
    let seen = xiezuo_store::read_consistent(&reader, |s| {
        let first = s.count(FileKind::Regions)?;
        put(450000000000);
        Ok((first, s.count(FileKind::Regions)?))
    })
    .unwrap();
    assert_eq!(seen, (1, 1), "the commit in between is not seen");
    assert_eq!(reader.count(FileKind::Regions).unwrap(), 2);
}

#[test]
#[ignore = "writes the migrations from the schema table; run once when adding one"]
fn write_migrations() {
    for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
        let path = format!("{}/migrations/{name}.sql", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, migration_sql(i as u8 + 1)).unwrap();
    }
}

#[test]
fn accounts_tokens_and_the_append_only_access_log() {
    use xiezuo_store::{AccessEvent, AccountStore, NewAccount};
    let mut s = SqliteStore::open_in_memory().unwrap();
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
    assert!(matches!(
        s.add_account(&a),
        Err(xiezuo_store::StoreError::Conflict(_))
    ));
    assert_eq!(
        s.account("gz-office").unwrap().unwrap().region,
        Some(520000000000)
    );
    assert!(s.set_disabled("gz-office", true).unwrap());
    assert!(!s.set_disabled("nobody", true).unwrap());
    let t = s
        .add_token(id, "abc", "upload", "2026-01-02T00:00:00Z")
        .unwrap();
    assert_eq!(s.token_account("abc").unwrap().unwrap().id, id);
    assert!(s.revoke_token(t, "2026-01-03T00:00:00Z").unwrap());
    assert!(!s.revoke_token(t, "2026-01-03T00:00:00Z").unwrap());
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
    s.log_access(&e).unwrap();
    assert_eq!(s.access_log(Some("persons"), Some("P1")).unwrap().len(), 1);
    assert!(s.conn.execute("DELETE FROM access_log", []).is_err());
    assert!(
        s.conn
            .execute("UPDATE access_log SET actor = 'x'", [])
            .is_err()
    );
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
}
