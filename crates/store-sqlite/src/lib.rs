//! The embedded SQLite store: one file, created on first use, with embedded
//! versioned migrations. Tables mirror the file kinds of exchange format v1
//! (one column per file column, typed), plus `batch_id` on every row, dense
//! reference columns (`*_ref`) for the registry's large joins, and the
//! append-only audit trail (`batches`, `audit`).

mod accounts;
mod copy;
mod ddl;

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::path::Path;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::ddl::{
    AUDIT_SELECT, Dialect, RowId, insert_sql, select_by_key, select_with_refs, update_sql,
};
use xiezuo_store::upsert::{UpsertPlan, audit_changes, no_holder, plan_upsert};
use xiezuo_store::{
    AuditEntry, Batch, BatchInfo, HouseholdFacts, ImportTx, PersonHouseholds, RowVisitor, Store,
    StoreError, StoredRow, Upsert, check_backup_target, dense_refs, key_text,
};

pub use ddl::{MIGRATIONS, migration_sql};

pub(crate) fn be(e: rusqlite::Error) -> StoreError {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
        // Writers take turns: an import holds the write lock until it
        // commits, and the others wait up to BUSY_TIMEOUT_S for it.
        return StoreError::Backend(format!(
            "the store is busy: another process is writing to it ({e}); try again when it has finished"
        ));
    }
    StoreError::Backend(e.to_string())
}

/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT_S: u32 = 30;

/// The SQLite implementation of `Store`.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating on first use) the store file at `path` and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(be)?;
        Self::init(conn)
    }

    /// A private in-memory store (tests).
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Self::init(Connection::open_in_memory().map_err(be)?)
    }

    fn init(conn: Connection) -> Result<SqliteStore, StoreError> {
        let wait = std::time::Duration::from_secs(BUSY_TIMEOUT_S.into());
        conn.busy_timeout(wait).map_err(be)?;
        // Turning a new file into WAL needs an exclusive lock that SQLite
        // does not wait for: when another process opens the same new store
        // at the same moment, try again.
        let start = std::time::Instant::now();
        while let Err(e) = conn.execute_batch("PRAGMA journal_mode=WAL") {
            if e.sqlite_error_code() != Some(rusqlite::ErrorCode::DatabaseBusy)
                || start.elapsed() > wait
            {
                return Err(be(e));
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        conn.execute_batch(
            "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;",
        )
        .map_err(be)?;
        let mut s = SqliteStore { conn };
        s.migrate()?;
        Ok(s)
    }

    /// Applies the embedded migrations not yet applied, each in its own
    /// transaction; refuses a store written by a newer version.
    fn migrate(&mut self) -> Result<(), StoreError> {
        xiezuo_store::migrate::run(&mut SqliteMigrator(&mut self.conn), MIGRATIONS)
    }

    /// The applied migrations: (version, name).
    pub fn applied_migrations(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT version, name FROM schema_migrations ORDER BY version")
            .map_err(be)?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(be)?;
        rows.collect::<Result<_, _>>().map_err(be)
    }
}

fn to_value(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Int(v) => Value::Integer(*v),
        Cell::Real(v) => Value::Real(*v),
        Cell::Text(t) => Value::Text(t.to_string()),
    }
}

fn to_cell(v: ValueRef<'_>) -> Result<Cell, StoreError> {
    Ok(match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Real(f) => Cell::Real(f),
        ValueRef::Text(t) => Cell::Text(
            std::str::from_utf8(t)
                .map_err(|_| StoreError::Corrupt("text that is not UTF-8".into()))?
                .into(),
        ),
        ValueRef::Blob(_) => return Err(StoreError::Corrupt("unexpected blob".into())),
    })
}

fn col_list(kind: FileKind) -> String {
    xiezuo_store::ddl::col_list(kind)
}

fn read_row(kind: FileKind, r: &rusqlite::Row<'_>) -> Result<StoredRow, StoreError> {
    let n = kind.columns().len();
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        cells.push(to_cell(r.get_ref(i + 2).map_err(be)?)?);
    }
    Ok(StoredRow {
        rowid: r.get(0).map_err(be)?,
        batch_id: r.get(1).map_err(be)?,
        cells,
    })
}

/// Every row of `kind` a query returns (`id, batch_id, <columns>`).
fn query_rows(
    conn: &Connection,
    kind: FileKind,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredRow>, StoreError> {
    let mut st = conn.prepare_cached(sql).map_err(be)?;
    let mut rows = st.query(params).map_err(be)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(be)? {
        out.push(read_row(kind, r)?);
    }
    Ok(out)
}

fn get_row(
    conn: &Connection,
    kind: FileKind,
    key: &[Cell],
) -> Result<Option<StoredRow>, StoreError> {
    let sql = select_by_key(kind, Dialect::Sqlite);
    let mut st = conn.prepare_cached(&sql).map_err(be)?;
    let vals: Vec<Value> = key.iter().map(to_value).collect();
    let mut rows = st.query(rusqlite::params_from_iter(vals)).map_err(be)?;
    match rows.next().map_err(be)? {
        Some(r) => Ok(Some(read_row(kind, r)?)),
        None => Ok(None),
    }
}

impl Store for SqliteStore {
    fn begin_read(&self) -> Result<(), StoreError> {
        // A WAL reader's snapshot is taken at its first read and kept
        // until the transaction ends.
        self.conn.execute_batch("BEGIN DEFERRED").map_err(be)
    }

    fn end_read(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(be)
    }

    fn begin_import(&mut self, batch: &BatchInfo) -> Result<Box<dyn ImportTx + '_>, StoreError> {
        // A large page cache keeps the key indexes in memory while loading.
        self.conn
            .execute_batch("PRAGMA cache_size=-1048576")
            .map_err(be)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(be)?;
        let batch_id: i64 = tx
            .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM batches", [], |r| {
                r.get(0)
            })
            .map_err(be)?;
        let mut empty = Vec::new();
        for k in FileKind::ALL {
            let has: Option<i64> = tx
                .query_row(&format!("SELECT 1 FROM {} LIMIT 1", k.table()), [], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(be)?;
            if has.is_none() {
                empty.push(*k);
            }
        }
        Ok(Box::new(SqliteImport {
            tx,
            batch_id,
            batch: batch.clone(),
            empty_at_start: empty,
            sql: Vec::new(),
        }))
    }

    fn count(&self, kind: FileKind) -> Result<u64, StoreError> {
        self.conn
            .query_row(&format!("SELECT COUNT(*) FROM {}", kind.table()), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|v| v as u64)
            .map_err(be)
    }

    fn get(&self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        get_row(&self.conn, kind, key)
    }

    fn scan(&self, kind: FileKind, visit: &mut RowVisitor<'_>) -> Result<(), StoreError> {
        let refs = dense_refs(kind);
        let sql = format!("{} ORDER BY id", select_with_refs(kind));
        let mut st = self.conn.prepare(&sql).map_err(be)?;
        let mut rows = st.query([]).map_err(be)?;
        let n = kind.columns().len();
        let mut ref_vals = vec![None; refs.len()];
        while let Some(r) = rows.next().map_err(be)? {
            let row = read_row(kind, r)?;
            for (i, v) in ref_vals.iter_mut().enumerate() {
                *v = r.get::<_, Option<i64>>(n + 2 + i).map_err(be)?;
            }
            visit(&row, &ref_vals)?;
        }
        Ok(())
    }

    fn person_households(&self) -> Result<Vec<u32>, StoreError> {
        let max: i64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM persons", [], |r| r.get(0))
            .map_err(be)?;
        let mut out = PersonHouseholds::new(max);
        let mut st = self
            .conn
            .prepare("SELECT id, household_ref FROM persons")
            .map_err(be)?;
        let mut rows = st.query([]).map_err(be)?;
        while let Some(r) = rows.next().map_err(be)? {
            out.set(r.get(0).map_err(be)?, r.get(1).map_err(be)?)?;
        }
        Ok(out.into_column())
    }

    fn household_facts(&self) -> Result<Vec<HouseholdFacts>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id, village, identified_year, exit_year FROM households ORDER BY id")
            .map_err(be)?;
        let mut rows = st.query([]).map_err(be)?;
        let mut out =
            Vec::with_capacity(usize::try_from(self.count(FileKind::Households)?).unwrap_or(0));
        while let Some(r) = rows.next().map_err(be)? {
            out.push(HouseholdFacts {
                rowid: r.get(0).map_err(be)?,
                village: r.get::<_, i64>(1).map_err(be)? as u64,
                identified_year: r.get(2).map_err(be)?,
                exit_year: r.get(3).map_err(be)?,
            });
        }
        Ok(out)
    }

    fn households_in(
        &self,
        lo: u64,
        hi: u64,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<StoredRow>), StoreError> {
        let kind = FileKind::Households;
        let total: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM households WHERE village BETWEEN ?1 AND ?2",
                params![lo as i64, hi as i64],
                |r| r.get(0),
            )
            .map_err(be)?;
        let sql = format!(
            "SELECT id, batch_id, {} FROM households WHERE village BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?3 OFFSET ?4",
            col_list(kind)
        );
        let rows = query_rows(
            &self.conn,
            kind,
            &sql,
            params![lo as i64, hi as i64, limit as i64, offset as i64],
        )?;
        Ok((total as u64, rows))
    }

    fn members_of(&self, household_rowid: i64) -> Result<Vec<StoredRow>, StoreError> {
        let kind = FileKind::Persons;
        let sql = format!(
            "SELECT id, batch_id, {} FROM persons WHERE household_ref = ?1 ORDER BY id",
            col_list(kind)
        );
        query_rows(&self.conn, kind, &sql, params![household_rowid])
    }

    fn funds_of_project(&self, project_id: &str) -> Result<Vec<StoredRow>, StoreError> {
        let kind = FileKind::Funds;
        let sql = format!(
            "SELECT id, batch_id, {} FROM funds WHERE project_id = ?1 ORDER BY id",
            col_list(kind)
        );
        query_rows(&self.conn, kind, &sql, params![project_id])
    }

    fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        check_backup_target(path)?;
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::BadLocation(path.display().to_string()))?;
        // VACUUM INTO reads one consistent snapshot and writes a compact copy.
        self.conn
            .execute("VACUUM INTO ?1", params![target])
            .map_err(be)?;
        Ok(())
    }

    fn batches(&self) -> Result<Vec<Batch>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id, actor, at, source, counts FROM batches ORDER BY id")
            .map_err(be)?;
        let rows = st
            .query_map([], |r| {
                Ok(Batch {
                    id: r.get(0)?,
                    actor: r.get(1)?,
                    at: r.get(2)?,
                    source: r.get(3)?,
                    counts: r.get(4)?,
                })
            })
            .map_err(be)?;
        rows.collect::<Result<_, _>>().map_err(be)
    }

    fn audit_of(&self, kind: FileKind, key: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!(
                "{AUDIT_SELECT} WHERE a.kind = ?1 AND a.row_key = ?2 ORDER BY a.id"
            ))
            .map_err(be)?;
        let rows = st
            .query_map(params![kind.stem(), key], audit_row)
            .map_err(be)?;
        rows.collect::<Result<_, _>>().map_err(be)
    }

    fn audit_trail(
        &self,
        visit: &mut dyn FnMut(&AuditEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare(&format!("{AUDIT_SELECT} ORDER BY a.id"))
            .map_err(be)?;
        let mut rows = st.query([]).map_err(be)?;
        while let Some(r) = rows.next().map_err(be)? {
            visit(&audit_row(r).map_err(be)?)?;
        }
        Ok(())
    }
}

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        batch_id: r.get(0)?,
        actor: r.get(1)?,
        at: r.get(2)?,
        kind: r.get(3)?,
        key: r.get(4)?,
        field: r.get(5)?,
        old: r.get(6)?,
        new: r.get(7)?,
    })
}

struct SqliteImport<'a> {
    tx: rusqlite::Transaction<'a>,
    batch_id: i64,
    batch: BatchInfo,
    empty_at_start: Vec<FileKind>,
    /// INSERT and UPDATE statements per kind, built once.
    sql: Vec<Option<(String, String)>>,
}

/// A cell bound to a statement without copying it.
struct Bound<'a>(&'a Cell);

impl rusqlite::ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ToSqlOutput::Borrowed;
        Ok(match self.0 {
            Cell::Null => Borrowed(ValueRef::Null),
            Cell::Int(v) => Borrowed(ValueRef::Integer(*v)),
            Cell::Real(v) => Borrowed(ValueRef::Real(*v)),
            Cell::Text(t) => Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

/// The column of a UNIQUE violation, from SQLite's message
/// ("UNIQUE constraint failed: persons.id_number"): None for the key.
fn unique_violation(e: &rusqlite::Error, kind: FileKind) -> Option<Option<usize>> {
    match e {
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            let cols: Vec<&str> = msg
                .split_once(": ")
                .map_or("", |x| x.1)
                .split(", ")
                .filter_map(|c| c.split_once('.').map(|x| x.1))
                .collect();
            let key: Vec<&str> = kind.key().iter().map(|&i| kind.columns()[i].name).collect();
            if cols == key {
                Some(None)
            } else {
                Some(cols.first().and_then(|c| kind.col(c)))
            }
        }
        _ => None,
    }
}

impl SqliteImport<'_> {
    /// The INSERT and UPDATE statements of a kind, built once.
    fn statements(&mut self, kind: FileKind) -> &(String, String) {
        let i = kind as usize;
        if self.sql.len() <= i {
            self.sql.resize(FileKind::ALL.len(), None);
        }
        self.sql[i].get_or_insert_with(|| {
            (
                insert_sql(kind, Dialect::Sqlite, RowId::Assigned),
                update_sql(kind, Dialect::Sqlite),
            )
        })
    }

    /// Writes one row of `kind`: the INSERT, or the UPDATE of row `rowid`.
    /// The outer error is the statement's, the inner one the write's (a
    /// unique violation among them).
    fn write_row(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
        rowid: Option<i64>,
    ) -> Result<rusqlite::Result<usize>, StoreError> {
        self.statements(kind);
        let sql = self
            .sql
            .get(kind as usize)
            .and_then(Option::as_ref)
            .map_or("", |s| if rowid.is_some() { &s.1 } else { &s.0 });
        let bound: Vec<Bound<'_>> = cells.iter().map(Bound).collect();
        let mut params: Vec<&dyn rusqlite::ToSql> =
            Vec::with_capacity(2 + cells.len() + refs.len());
        params.push(&self.batch_id);
        params.extend(bound.iter().map(|b| b as &dyn rusqlite::ToSql));
        params.extend(refs.iter().map(|r| r as &dyn rusqlite::ToSql));
        if let Some(id) = &rowid {
            params.push(id);
        }
        let mut st = self.tx.prepare_cached(sql).map_err(be)?;
        Ok(st.execute(params.as_slice()))
    }

    /// Inserts a row; a unique violation becomes `Duplicate`.
    fn insert(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
    ) -> Result<Upsert, StoreError> {
        match self.write_row(kind, cells, refs, None)? {
            Ok(_) => Ok(Upsert::Inserted(self.tx.last_insert_rowid())),
            Err(e) => match unique_violation(&e, kind) {
                Some(column) => self.holder(kind, cells, column),
                None => Err(be(e)),
            },
        }
    }

    /// The row holding the unique value that made a write fail.
    fn holder(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        column: Option<usize>,
    ) -> Result<Upsert, StoreError> {
        let rowid = match column {
            None => {
                get_row(&self.tx, kind, &xiezuo_store::key_cells(kind, cells))?.map(|r| r.rowid)
            }
            Some(c) => {
                let name = kind.columns()[c].name;
                let sql = format!("SELECT id FROM {} WHERE {name} = ?1", kind.table());
                let mut st = self.tx.prepare_cached(&sql).map_err(be)?;
                st.query_row([Bound(&cells[c])], |r| r.get(0))
                    .optional()
                    .map_err(be)?
            }
        };
        match rowid {
            Some(rowid) => Ok(Upsert::Duplicate { column, rowid }),
            None => Err(no_holder(kind)),
        }
    }

    /// Updates row `rowid` from `old` to `cells` and audits the `changed`
    /// cells; a unique violation becomes `Duplicate`.
    fn update(
        &mut self,
        kind: FileKind,
        rowid: i64,
        old: &[Cell],
        cells: &[Cell],
        refs: &[i64],
        changed: &[usize],
    ) -> Result<Upsert, StoreError> {
        if let Err(e) = self.write_row(kind, cells, refs, Some(rowid))? {
            return match unique_violation(&e, kind) {
                Some(column) => self.holder(kind, cells, column),
                None => Err(be(e)),
            };
        }
        let key = key_text(kind, cells);
        let mut st = self
            .tx
            .prepare_cached(
                "INSERT INTO audit (batch_id, kind, row_key, field, old_value, new_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(be)?;
        for change in audit_changes(kind, old, cells, changed) {
            st.execute(params![
                self.batch_id,
                kind.stem(),
                key,
                change.field,
                change.old,
                change.new
            ])
            .map_err(be)?;
        }
        Ok(Upsert::Updated {
            rowid,
            changed: changed.len(),
        })
    }
}

impl ImportTx for SqliteImport<'_> {
    fn get(&mut self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        get_row(&self.tx, kind, key)
    }

    fn was_empty(&self, kind: FileKind) -> bool {
        self.empty_at_start.contains(&kind)
    }

    fn person_by_id_number(
        &mut self,
        id_number: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let mut st = self
            .tx
            .prepare_cached("SELECT id, person_id FROM persons WHERE id_number = ?1")
            .map_err(be)?;
        st.query_row(params![id_number], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(be)
    }

    fn reversed_total(&mut self, txn_id: &str) -> Result<i64, StoreError> {
        let mut st = self
            .tx
            .prepare_cached("SELECT COALESCE(SUM(amount), 0) FROM funds WHERE reverses = ?1")
            .map_err(be)?;
        st.query_row(params![txn_id], |r| r.get(0)).map_err(be)
    }

    fn upsert(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
        written: &dyn Fn(i64) -> bool,
    ) -> Result<Upsert, StoreError> {
        if self.empty_at_start.contains(&kind) {
            return self.insert(kind, cells, refs);
        }
        let key = xiezuo_store::key_cells(kind, cells);
        let old = get_row(&self.tx, kind, &key)?;
        match plan_upsert(kind, old.as_ref(), cells, written)? {
            UpsertPlan::Insert => self.insert(kind, cells, refs),
            UpsertPlan::Done(outcome) => Ok(outcome),
            UpsertPlan::Update { rowid, changed } => {
                let old_cells = old.map(|o| o.cells).unwrap_or_default();
                self.update(kind, rowid, &old_cells, cells, refs, &changed)
            }
        }
    }

    fn commit(self: Box<Self>, counts: &str) -> Result<i64, StoreError> {
        let this = *self;
        this.tx
            .execute(
                "INSERT INTO batches (id, actor, at, source, counts) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    this.batch_id,
                    this.batch.actor,
                    this.batch.at,
                    this.batch.source,
                    counts
                ],
            )
            .map_err(be)?;
        this.tx.commit().map_err(be)?;
        Ok(this.batch_id)
    }
}

/// The SQLite side of the migration runner: each migration in its own
/// transaction, taken with the write lock.
struct SqliteMigrator<'c>(&'c mut Connection);

impl xiezuo_store::migrate::Migrator for SqliteMigrator<'_> {
    fn current_version(&mut self) -> Result<i64, StoreError> {
        self.0
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            )
            .map_err(be)?;
        self.0
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(be)
    }

    fn apply(&mut self, version: i64, name: &str, sql: &str) -> Result<(), StoreError> {
        // Another process may be opening the same new store: take the
        // write lock first, then look again at what it has applied.
        let tx = self
            .0
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(be)?;
        let applied: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [version],
                |r| r.get(0),
            )
            .map_err(be)?;
        if applied {
            return Ok(());
        }
        tx.execute_batch(sql).map_err(be)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            params![version, name],
        )
        .map_err(be)?;
        tx.commit().map_err(be)
    }
}

#[cfg(test)]
mod tests;
