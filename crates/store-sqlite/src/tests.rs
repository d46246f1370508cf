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
#[ignore = "writes the migrations from the schema table; run once when adding one"]
fn write_migrations() {
    for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
        let path = format!("{}/migrations/{name}.sql", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, migration_sql(i as u8 + 1)).unwrap();
    }
}
