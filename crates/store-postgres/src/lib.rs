//! The PostgreSQL store: the same tables, semantics and audit trail as the
//! embedded SQLite store, on a database server (`postgres://user@host:port/db`).
//!
//! - The schema is generated from the one schema table
//!   (`xiezuo_store::ddl`, PostgreSQL dialect) and applied by embedded
//!   migrations at open, under an advisory lock; a database written by a
//!   newer version is refused (`TooNew`).
//! - Row ids are dense and in first-stored order, as in SQLite: an import
//!   holds the import lock (one import at a time) and numbers its rows
//!   itself, so a rolled-back import leaves no gap.
//! - Rows of a kind that was empty when the import began are buffered and
//!   written with `COPY … (FORMAT binary)`; uniqueness is kept exact by
//!   in-memory hashes checked against the database on a hit.
//! - Batches, the audit trail, the funds ledger and the access log are
//!   append-only, enforced by triggers.
//!
//! The client is the synchronous `postgres` crate, which runs its own small
//! runtime: call it from a blocking thread, never from async code directly.

mod accounts;
mod copy;
mod ddl;
mod import;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, GenericClient, NoTls, Row, Statement};
use std::cell::{RefCell, RefMut};
use std::collections::HashMap;
use std::path::Path;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::ddl::{
    AUDIT_SELECT, Dialect, SqlType, ref_column, select_by_key, select_with_refs, sql_type,
};
use xiezuo_store::{
    AuditEntry, Batch, BatchInfo, HouseholdFacts, ImportTx, PersonHouseholds, RowVisitor, Store,
    StoreError, StoredRow, dense_refs,
};

pub use ddl::{MIGRATIONS, migration_sql};

/// The advisory lock held while migrating.
const MIGRATE_LOCK: i64 = 0x7869_657a_756f_0001;
/// The advisory lock held by an import or a copy into the store: one
/// writer of records at a time, as in SQLite.
const IMPORT_LOCK: i64 = 0x7869_657a_756f_0002;
/// How long a writer waits for another to finish before giving up.
const LOCK_TIMEOUT_S: u32 = 30;

/// The server's message of an error, or the client's with its causes.
pub(crate) fn message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut m = format!("{}: {}", db.severity(), db.message());
        if let Some(d) = db.detail() {
            m.push_str(&format!(" ({d})"));
        }
        return m;
    }
    let mut m = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !m.contains(&text) {
            m.push_str(&format!(": {text}"));
        }
        cause = c.source();
    }
    m
}

/// A backend error with the server's message.
pub(crate) fn pe(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) if db.code() == &postgres::error::SqlState::LOCK_NOT_AVAILABLE => {
            StoreError::Backend(format!(
                "the store is busy: another writer has held it for over {LOCK_TIMEOUT_S} s ({}); try again when it has finished",
                db.message()
            ))
        }
        _ => StoreError::Backend(message(&e)),
    }
}

/// The connection and the statements prepared on it.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) cache: Statements,
}

/// Statements prepared once per connection, by SQL text.
#[derive(Default)]
pub(crate) struct Statements(HashMap<String, Statement>);

impl Statements {
    pub(crate) fn get(
        &mut self,
        c: &mut impl GenericClient,
        sql: &str,
    ) -> Result<Statement, StoreError> {
        if let Some(s) = self.0.get(sql) {
            return Ok(s.clone());
        }
        let s = c.prepare(sql).map_err(pe)?;
        self.0.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// The PostgreSQL implementation of `Store`.
pub struct PgStore {
    conn: RefCell<Conn>,
    /// Where the store is: an import opens a connection of its own.
    config: postgres::Config,
    /// The import connection kept from the last import, for the next one.
    import_worker: Option<import::Worker>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`)
    /// and brings its schema up to date.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| StoreError::BadLocation(format!("{}: {e}", redact(url))))?;
        let client = config
            .connect(NoTls)
            .map_err(|e| StoreError::Backend(format!("cannot connect: {}", message(&e))))?;
        let mut s = PgStore {
            conn: RefCell::new(Conn {
                client,
                cache: Statements::default(),
            }),
            config,
            import_worker: None,
        };
        s.migrate()?;
        Ok(s)
    }

    /// Applies the embedded migrations not yet applied, in one transaction
    /// under the migration lock; refuses a database written by a newer
    /// version.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let client = &mut self.conn.get_mut().client;
        let mut tx = client.transaction().map_err(pe)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .map_err(pe)?;
        xiezuo_store::migrate::run(&mut PgMigrator(&mut tx), MIGRATIONS)?;
        tx.commit().map_err(pe)
    }

    /// The applied migrations: (version, name).
    pub fn applied_migrations(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut c = self.conn()?;
        let rows = c
            .client
            .query(
                "SELECT version, name FROM schema_migrations ORDER BY version",
                &[],
            )
            .map_err(pe)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Runs SQL directly (tests of the database's own rules).
    pub fn execute_sql(&self, sql: &str) -> Result<(), StoreError> {
        self.conn()?.client.batch_execute(sql).map_err(pe)
    }

    pub(crate) fn conn(&self) -> Result<RefMut<'_, Conn>, StoreError> {
        self.conn.try_borrow_mut().map_err(|_| {
            StoreError::Backend("the store was used again from inside one of its own visits".into())
        })
    }
}

/// A store URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The URL of database `name` on the server of `server_url` (whose own
/// database, if any, is replaced).
pub fn database_url(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server_url, String::new()),
    };
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[host_start..].find('/') {
        Some(i) => &base[..host_start + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

fn check_database_name(name: &str) -> Result<(), StoreError> {
    if name.is_empty()
        || name.len() > 63
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(StoreError::BadLocation(format!(
            "database name {name:?}: use 1 to 63 of a-z, 0-9 and _"
        )));
    }
    Ok(())
}

/// Creates the empty database `name` on the server of `server_url` and
/// returns its URL (new deployments, and each test's own database).
pub fn create_database(server_url: &str, name: &str) -> Result<String, StoreError> {
    check_database_name(name)?;
    let mut c = Client::connect(server_url, NoTls).map_err(pe)?;
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .map_err(pe)?;
    Ok(database_url(server_url, name))
}

/// Drops the database `name` on the server of `server_url`, if it exists,
/// closing its connections.
pub fn drop_database(server_url: &str, name: &str) -> Result<(), StoreError> {
    check_database_name(name)?;
    let mut c = Client::connect(server_url, NoTls).map_err(pe)?;
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .map_err(pe)
}

/// A cell bound to a statement.
#[derive(Debug)]
pub(crate) struct PgCell<'a>(pub(crate) &'a Cell);

/// A cell owned by a buffer of rows to write.
#[derive(Debug)]
pub(crate) struct Val(pub(crate) Cell);

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// Encodes a cell for a column of type `ty`. A cell of another type than
/// the column's is converted where SQLite would compare it the same way.
fn cell_to_sql(c: &Cell, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
    let text = *ty == Type::TEXT || *ty == Type::VARCHAR;
    match c {
        Cell::Null => Ok(IsNull::Yes),
        Cell::Int(v) if *ty == Type::INT8 => v.to_sql(ty, out),
        Cell::Int(v) if *ty == Type::FLOAT8 => (*v as f64).to_sql(ty, out),
        Cell::Int(v) if text => v.to_string().to_sql(ty, out),
        Cell::Real(v) if *ty == Type::FLOAT8 => v.to_sql(ty, out),
        Cell::Real(v) if text => v.to_string().to_sql(ty, out),
        Cell::Text(t) if text => t.as_str().to_sql(ty, out),
        Cell::Text(t) if *ty == Type::INT8 => t
            .parse::<i64>()
            .map_err(|_| format!("{t:?} is not an integer"))?
            .to_sql(ty, out),
        c => Err(format!("a value {c:?} for a column of type {ty}").into()),
    }
}

fn accepts_cell(ty: &Type) -> bool {
    matches!(*ty, Type::INT8 | Type::FLOAT8 | Type::TEXT | Type::VARCHAR)
}

impl ToSql for PgCell<'_> {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        cell_to_sql(self.0, ty, out)
    }
    fn accepts(ty: &Type) -> bool {
        accepts_cell(ty)
    }
    to_sql_checked!();
}

impl ToSql for Val {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        cell_to_sql(&self.0, ty, out)
    }
    fn accepts(ty: &Type) -> bool {
        accepts_cell(ty)
    }
    to_sql_checked!();
}

/// Rows waiting to be written into one table with one `COPY`.
pub(crate) struct CopyBuffer {
    sql: String,
    types: Vec<Type>,
    vals: Vec<Val>,
}

impl CopyBuffer {
    /// A buffer for `table (columns…)` of these types.
    pub(crate) fn new(table: &str, columns: &[String], types: Vec<Type>) -> CopyBuffer {
        CopyBuffer {
            sql: format!(
                "COPY {table} ({}) FROM STDIN (FORMAT binary)",
                columns.join(", ")
            ),
            types,
            vals: Vec::new(),
        }
    }

    /// The buffer of a kind's rows: `id, batch_id, <columns>, <dense refs>`.
    pub(crate) fn for_kind(kind: FileKind) -> CopyBuffer {
        let mut names = vec!["id".to_string(), "batch_id".to_string()];
        let mut types = vec![Type::INT8, Type::INT8];
        for c in kind.columns() {
            names.push(c.name.to_string());
            types.push(pg_type(sql_type(c)));
        }
        for (col, _) in dense_refs(kind) {
            names.push(ref_column(kind, *col));
            types.push(Type::INT8);
        }
        CopyBuffer::new(kind.table(), &names, types)
    }

    /// The values of one row of a kind's buffer.
    pub(crate) fn width(kind: FileKind) -> usize {
        2 + kind.columns().len() + dense_refs(kind).len()
    }

    pub(crate) fn push(&mut self, v: Cell) {
        self.vals.push(Val(v));
    }

    /// Rows buffered.
    pub(crate) fn rows(&self) -> usize {
        self.vals.len() / self.types.len().max(1)
    }

    /// Writes the buffered rows.
    pub(crate) fn flush(&mut self, c: &mut impl GenericClient) -> Result<(), StoreError> {
        if self.vals.is_empty() {
            return Ok(());
        }
        if !self.vals.len().is_multiple_of(self.types.len()) {
            return Err(StoreError::Backend(
                "a buffered row has the wrong width".into(),
            ));
        }
        let w = c.copy_in(&self.sql).map_err(pe)?;
        let mut w = postgres::binary_copy::BinaryCopyInWriter::new(w, &self.types);
        for row in self.vals.chunks(self.types.len()) {
            w.write_raw(row.iter().map(|v| v as &dyn ToSql))
                .map_err(pe)?;
        }
        w.finish().map_err(pe)?;
        self.vals.clear();
        Ok(())
    }
}

/// The PostgreSQL type of a stored column.
pub(crate) fn pg_type(t: SqlType) -> Type {
    match t {
        SqlType::Int => Type::INT8,
        SqlType::Real => Type::FLOAT8,
        SqlType::Text => Type::TEXT,
        SqlType::Flag => Type::BOOL,
    }
}

fn col_list(kind: FileKind) -> String {
    xiezuo_store::ddl::col_list(kind)
}

/// The cells of a row from column `offset` on.
pub(crate) fn read_cells(kind: FileKind, r: &Row, offset: usize) -> Result<Vec<Cell>, StoreError> {
    let cols = kind.columns();
    let mut cells = Vec::with_capacity(cols.len());
    for (i, c) in cols.iter().enumerate() {
        let at = offset + i;
        let cell = match sql_type(c) {
            SqlType::Int | SqlType::Flag => r
                .try_get::<_, Option<i64>>(at)
                .map_err(pe)?
                .map_or(Cell::Null, Cell::Int),
            SqlType::Real => r
                .try_get::<_, Option<f64>>(at)
                .map_err(pe)?
                .map_or(Cell::Null, Cell::Real),
            SqlType::Text => r
                .try_get::<_, Option<&str>>(at)
                .map_err(pe)?
                .map_or(Cell::Null, |t| Cell::Text(t.into())),
        };
        cells.push(cell);
    }
    Ok(cells)
}

/// A row selected as `id, batch_id, <columns>`.
pub(crate) fn read_row(kind: FileKind, r: &Row) -> Result<StoredRow, StoreError> {
    Ok(StoredRow {
        rowid: r.try_get(0).map_err(pe)?,
        batch_id: r.try_get(1).map_err(pe)?,
        cells: read_cells(kind, r, 2)?,
    })
}

/// The dense references selected after the columns.
pub(crate) fn read_refs(
    kind: FileKind,
    r: &Row,
    out: &mut [Option<i64>],
) -> Result<(), StoreError> {
    let n = kind.columns().len();
    for (i, v) in out.iter_mut().enumerate() {
        *v = r.try_get::<_, Option<i64>>(n + 2 + i).map_err(pe)?;
    }
    Ok(())
}

/// Every row of `kind` a query returns (`id, batch_id, <columns>`).
fn query_rows(
    c: &mut Conn,
    kind: FileKind,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<StoredRow>, StoreError> {
    let st = c.cache.get(&mut c.client, sql)?;
    let rows = c.client.query(&st, params).map_err(pe)?;
    rows.iter().map(|r| read_row(kind, r)).collect()
}

/// The row of `kind` with these key cells.
pub(crate) fn get_row(
    client: &mut impl GenericClient,
    cache: &mut Statements,
    kind: FileKind,
    key: &[Cell],
) -> Result<Option<StoredRow>, StoreError> {
    let st = cache.get(client, &select_by_key(kind, Dialect::Postgres))?;
    let bound: Vec<PgCell<'_>> = key.iter().map(PgCell).collect();
    let params: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b as _).collect();
    match client.query_opt(&st, &params).map_err(pe)? {
        Some(r) => Ok(Some(read_row(kind, &r)?)),
        None => Ok(None),
    }
}

/// Visits every row of `kind` in row-id order.
pub(crate) fn scan_rows(
    client: &mut impl GenericClient,
    kind: FileKind,
    visit: &mut RowVisitor<'_>,
) -> Result<(), StoreError> {
    let sql = format!("{} ORDER BY id", select_with_refs(kind));
    let mut rows = client
        .query_raw(&sql, std::iter::empty::<&dyn ToSql>())
        .map_err(pe)?;
    let mut refs = vec![None; dense_refs(kind).len()];
    while let Some(r) = rows.next().map_err(pe)? {
        let row = read_row(kind, &r)?;
        read_refs(kind, &r, &mut refs)?;
        visit(&row, &refs)?;
    }
    Ok(())
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Store for PgStore {
    fn begin_read(&self) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        c.client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .map_err(pe)
    }

    fn end_read(&self) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        c.client.batch_execute("COMMIT").map_err(pe)
    }

    fn begin_import(&mut self, batch: &BatchInfo) -> Result<Box<dyn ImportTx + '_>, StoreError> {
        Ok(Box::new(import::PgImport::begin(
            &self.config,
            &mut self.import_worker,
            batch,
        )?))
    }

    fn count(&self, kind: FileKind) -> Result<u64, StoreError> {
        let mut c = self.conn()?;
        let n: i64 = c
            .client
            .query_one(&format!("SELECT COUNT(*) FROM {}", kind.table()), &[])
            .map_err(pe)?
            .get(0);
        Ok(to_u64(n))
    }

    fn get(&self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        let mut c = self.conn()?;
        let Conn { client, cache } = &mut *c;
        get_row(client, cache, kind, key)
    }

    fn scan(&self, kind: FileKind, visit: &mut RowVisitor<'_>) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        scan_rows(&mut c.client, kind, visit)
    }

    fn person_households(&self) -> Result<Vec<u32>, StoreError> {
        let mut c = self.conn()?;
        let max: i64 = c
            .client
            .query_one("SELECT COALESCE(MAX(id), 0) FROM persons", &[])
            .map_err(pe)?
            .get(0);
        let mut out = PersonHouseholds::new(max);
        let mut rows = c
            .client
            .query_raw(
                "SELECT id, household_ref FROM persons",
                std::iter::empty::<&dyn ToSql>(),
            )
            .map_err(pe)?;
        while let Some(r) = rows.next().map_err(pe)? {
            out.set(r.try_get(0).map_err(pe)?, r.try_get(1).map_err(pe)?)?;
        }
        Ok(out.into_column())
    }

    fn household_facts(&self) -> Result<Vec<HouseholdFacts>, StoreError> {
        let mut c = self.conn()?;
        let mut rows = c
            .client
            .query_raw(
                "SELECT id, village, identified_year, exit_year FROM households ORDER BY id",
                std::iter::empty::<&dyn ToSql>(),
            )
            .map_err(pe)?;
        let year = |v: i64| i32::try_from(v).map_err(|_| StoreError::Corrupt(format!("year {v}")));
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(pe)? {
            out.push(HouseholdFacts {
                rowid: r.try_get(0).map_err(pe)?,
                village: to_u64(r.try_get(1).map_err(pe)?),
                identified_year: year(r.try_get(2).map_err(pe)?)?,
                exit_year: r
                    .try_get::<_, Option<i64>>(3)
                    .map_err(pe)?
                    .map(year)
                    .transpose()?,
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
        let (lo, hi) = (lo as i64, hi as i64);
        let (offset, limit) = (offset as i64, limit as i64);
        let mut c = self.conn()?;
        let total: i64 = c
            .client
            .query_one(
                "SELECT COUNT(*) FROM households WHERE village BETWEEN $1 AND $2",
                &[&lo, &hi],
            )
            .map_err(pe)?
            .get(0);
        let sql = format!(
            "SELECT id, batch_id, {} FROM households WHERE village BETWEEN $1 AND $2 ORDER BY id LIMIT $3 OFFSET $4",
            col_list(kind)
        );
        let rows = query_rows(&mut c, kind, &sql, &[&lo, &hi, &limit, &offset])?;
        Ok((to_u64(total), rows))
    }

    fn members_of(&self, household_rowid: i64) -> Result<Vec<StoredRow>, StoreError> {
        let kind = FileKind::Persons;
        let sql = format!(
            "SELECT id, batch_id, {} FROM persons WHERE household_ref = $1 ORDER BY id",
            col_list(kind)
        );
        query_rows(&mut *self.conn()?, kind, &sql, &[&household_rowid])
    }

    fn members_of_households(
        &self,
        household_rowids: &[i64],
    ) -> Result<Vec<Vec<StoredRow>>, StoreError> {
        let kind = FileKind::Persons;
        let sql = format!(
            "SELECT id, batch_id, {}, household_ref FROM persons WHERE household_ref = ANY($1) ORDER BY id",
            col_list(kind)
        );
        let mut c = self.conn()?;
        let Conn { client, cache } = &mut *c;
        let st = cache.get(client, &sql)?;
        let ids = household_rowids.to_vec();
        let mut out: Vec<Vec<StoredRow>> = vec![Vec::new(); household_rowids.len()];
        for r in client.query(&st, &[&ids]).map_err(pe)? {
            let hh: Option<i64> = r.try_get(kind.columns().len() + 2).map_err(pe)?;
            let row = read_row(kind, &r)?;
            for (i, _) in household_rowids
                .iter()
                .enumerate()
                .filter(|(_, h)| Some(**h) == hh)
            {
                out[i].push(row.clone());
            }
        }
        Ok(out)
    }

    fn funds_of_project(&self, project_id: &str) -> Result<Vec<StoredRow>, StoreError> {
        let kind = FileKind::Funds;
        let sql = format!(
            "SELECT id, batch_id, {} FROM funds WHERE project_id = $1 ORDER BY id",
            col_list(kind)
        );
        query_rows(&mut *self.conn()?, kind, &sql, &[&project_id])
    }

    fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        copy::backup_to_sqlite(self, path)
    }

    fn batches(&self) -> Result<Vec<Batch>, StoreError> {
        let mut c = self.conn()?;
        batches(&mut c.client)
    }

    fn audit_of(&self, kind: FileKind, key: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut c = self.conn()?;
        let rows = c
            .client
            .query(
                &format!("{AUDIT_SELECT} WHERE a.kind = $1 AND a.row_key = $2 ORDER BY a.id"),
                &[&kind.stem(), &key],
            )
            .map_err(pe)?;
        rows.iter().map(audit_row).collect()
    }

    fn audit_trail(
        &self,
        visit: &mut dyn FnMut(&AuditEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        let mut rows = c
            .client
            .query_raw(
                &format!("{AUDIT_SELECT} ORDER BY a.id"),
                std::iter::empty::<&dyn ToSql>(),
            )
            .map_err(pe)?;
        while let Some(r) = rows.next().map_err(pe)? {
            visit(&audit_row(&r)?)?;
        }
        Ok(())
    }
}

pub(crate) fn batches(client: &mut impl GenericClient) -> Result<Vec<Batch>, StoreError> {
    let rows = client
        .query(
            "SELECT id, actor, at, source, counts FROM batches ORDER BY id",
            &[],
        )
        .map_err(pe)?;
    rows.iter()
        .map(|r| {
            Ok(Batch {
                id: r.try_get(0).map_err(pe)?,
                actor: r.try_get(1).map_err(pe)?,
                at: r.try_get(2).map_err(pe)?,
                source: r.try_get(3).map_err(pe)?,
                counts: r.try_get(4).map_err(pe)?,
            })
        })
        .collect()
}

fn audit_row(r: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        batch_id: r.try_get(0).map_err(pe)?,
        actor: r.try_get(1).map_err(pe)?,
        at: r.try_get(2).map_err(pe)?,
        kind: r.try_get(3).map_err(pe)?,
        key: r.try_get(4).map_err(pe)?,
        field: r.try_get(5).map_err(pe)?,
        old: r.try_get(6).map_err(pe)?,
        new: r.try_get(7).map_err(pe)?,
    })
}

/// The PostgreSQL side of the migration runner: every migration inside the
/// one transaction that holds the migration lock.
struct PgMigrator<'t, 'c>(&'t mut postgres::Transaction<'c>);

impl xiezuo_store::migrate::Migrator for PgMigrator<'_, '_> {
    fn current_version(&mut self) -> Result<i64, StoreError> {
        self.0
            .batch_execute(
                "SET LOCAL client_min_messages = warning;
             CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
            )
            .map_err(pe)?;
        Ok(self
            .0
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )
            .map_err(pe)?
            .get(0))
    }

    fn apply(&mut self, version: i64, name: &str, sql: &str) -> Result<(), StoreError> {
        self.0.batch_execute(sql).map_err(pe)?;
        self.0
            .execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&version, &name],
            )
            .map_err(pe)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
