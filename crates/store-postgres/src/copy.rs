//! `CopyStore` on PostgreSQL: the whole store read from one REPEATABLE READ
//! snapshot, and an empty store filled in one transaction with `COPY`,
//! every row keeping its id. A backup is such a copy into a new SQLite
//! store file.

use crate::accounts::{account_row, event_row};
use crate::import::{audit_buffer, lock_for_writing};
use crate::{Conn, CopyBuffer, PgStore, batches, pe, scan_rows};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{GenericClient, IsolationLevel, Transaction};
use std::path::Path;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::accounts::{ACCESS_COLUMNS, ACCOUNT_COLUMNS};
use xiezuo_store::copy::{
    AuditRow, CopySink, CopyStore, CopyTx, TokenRow, Totals, copy_store, not_empty,
};
use xiezuo_store::{AccessEvent, Account, Batch, StoreError, StoredRow, check_backup_target};
use xiezuo_store_sqlite::SqliteStore;

/// Rows written per `COPY`.
const FLUSH_ROWS: usize = 50_000;

fn totals(c: &mut impl GenericClient) -> Result<Totals, StoreError> {
    let tables = Totals::tables();
    let counts: Vec<String> = tables
        .iter()
        .map(|t| format!("(SELECT COUNT(*) FROM {t})"))
        .collect();
    let r = c
        .query_one(&format!("SELECT {}", counts.join(", ")), &[])
        .map_err(pe)?;
    let mut n = Vec::with_capacity(tables.len());
    for i in 0..tables.len() {
        n.push(u64::try_from(r.try_get::<_, i64>(i).map_err(pe)?).unwrap_or(0));
    }
    Ok(Totals::from_counts(&n))
}

fn text_or_null(v: &Option<String>) -> Cell {
    v.as_deref().map_or(Cell::Null, |s| Cell::Text(s.into()))
}

/// Writes a consistent copy of `store` into a new SQLite store at `path`.
pub(crate) fn backup_to_sqlite(store: &PgStore, path: &Path) -> Result<(), StoreError> {
    check_backup_target(path)?;
    let result = SqliteStore::open(path).and_then(|mut target| copy_store(store, &mut target));
    if result.is_err() {
        // Leave nothing half-written behind.
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
    }
    result.map(|_| ())
}

impl CopyStore for PgStore {
    fn dump(&self, into: &mut dyn CopySink) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        let mut tx = c
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pe)?;
        for b in batches(&mut tx)? {
            into.put_batch(&b)?;
        }
        for k in FileKind::ALL {
            scan_rows(&mut tx, *k, &mut |row, refs| into.put_row(*k, row, refs))?;
        }
        let none = || std::iter::empty::<&dyn ToSql>();
        {
            let mut rows = tx
                .query_raw(
                    "SELECT id, batch_id, kind, row_key, field, old_value, new_value FROM audit ORDER BY id",
                    none(),
                )
                .map_err(pe)?;
            while let Some(r) = rows.next().map_err(pe)? {
                into.put_audit(&AuditRow {
                    id: r.try_get(0).map_err(pe)?,
                    batch_id: r.try_get(1).map_err(pe)?,
                    kind: r.try_get(2).map_err(pe)?,
                    key: r.try_get(3).map_err(pe)?,
                    field: r.try_get(4).map_err(pe)?,
                    old: r.try_get(5).map_err(pe)?,
                    new: r.try_get(6).map_err(pe)?,
                })?;
            }
        }
        for r in tx
            .query(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"),
                &[],
            )
            .map_err(pe)?
        {
            into.put_account(&account_row(&r)?)?;
        }
        for r in tx
            .query(
                "SELECT id, account_id, secret_hash, label, created_at, revoked_at FROM api_tokens ORDER BY id",
                &[],
            )
            .map_err(pe)?
        {
            into.put_token(&TokenRow {
                id: r.try_get(0).map_err(pe)?,
                account_id: r.try_get(1).map_err(pe)?,
                secret_hash: r.try_get(2).map_err(pe)?,
                label: r.try_get(3).map_err(pe)?,
                created_at: r.try_get(4).map_err(pe)?,
                revoked_at: r.try_get(5).map_err(pe)?,
            })?;
        }
        {
            let mut rows = tx
                .query_raw(
                    &format!("SELECT {ACCESS_COLUMNS} FROM access_log ORDER BY id"),
                    none(),
                )
                .map_err(pe)?;
            while let Some(r) = rows.next().map_err(pe)? {
                into.put_access(&event_row(&r)?)?;
            }
        }
        for r in tx
            .query("SELECT name, value FROM meta ORDER BY name", &[])
            .map_err(pe)?
        {
            let name: String = r.try_get(0).map_err(pe)?;
            let value: String = r.try_get(1).map_err(pe)?;
            into.put_meta(&name, &value)?;
        }
        tx.commit().map_err(pe)
    }

    fn begin_copy(&mut self) -> Result<Box<dyn CopyTx + '_>, StoreError> {
        let Conn { client, .. } = self.conn.get_mut();
        let mut tx = client.transaction().map_err(pe)?;
        lock_for_writing(&mut tx)?;
        let held = totals(&mut tx)?;
        if !held.is_empty() {
            return Err(not_empty(&held));
        }
        Ok(Box::new(PgCopy { tx, current: None }))
    }

    fn totals(&self) -> Result<Totals, StoreError> {
        totals(&mut self.conn()?.client)
    }
}

struct PgCopy<'a> {
    tx: Transaction<'a>,
    /// The table being filled, and its buffered rows.
    current: Option<(String, CopyBuffer)>,
}

impl PgCopy<'_> {
    /// The buffer of `table`, after writing out another table's rows.
    fn buffer(
        &mut self,
        table: &str,
        make: impl FnOnce() -> CopyBuffer,
    ) -> Result<&mut CopyBuffer, StoreError> {
        if self.current.as_ref().is_some_and(|(t, _)| t != table) {
            self.flush()?;
        }
        let (_, b) = self
            .current
            .get_or_insert_with(|| (table.to_string(), make()));
        Ok(b)
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if let Some((_, mut b)) = self.current.take() {
            b.flush(&mut self.tx)?;
        }
        Ok(())
    }

    fn flush_if_full(&mut self) -> Result<(), StoreError> {
        if let Some((_, b)) = self.current.as_mut()
            && b.rows() >= FLUSH_ROWS
        {
            b.flush(&mut self.tx)?;
        }
        Ok(())
    }

    fn push(
        &mut self,
        table: &str,
        make: impl FnOnce() -> CopyBuffer,
        cells: Vec<Cell>,
    ) -> Result<(), StoreError> {
        let b = self.buffer(table, make)?;
        for c in cells {
            b.push(c);
        }
        self.flush_if_full()
    }
}

fn names(cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

impl CopySink for PgCopy<'_> {
    fn put_row(
        &mut self,
        kind: FileKind,
        row: &StoredRow,
        refs: &[Option<i64>],
    ) -> Result<(), StoreError> {
        let b = self.buffer(kind.table(), || CopyBuffer::for_kind(kind))?;
        b.push(Cell::Int(row.rowid));
        b.push(Cell::Int(row.batch_id));
        for c in &row.cells {
            b.push(c.clone());
        }
        for r in refs {
            b.push(r.map_or(Cell::Null, Cell::Int));
        }
        self.flush_if_full()
    }

    fn put_batch(&mut self, b: &Batch) -> Result<(), StoreError> {
        self.push(
            "batches",
            || {
                CopyBuffer::new(
                    "batches",
                    &names(&["id", "actor", "at", "source", "counts"]),
                    vec![Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT],
                )
            },
            vec![
                Cell::Int(b.id),
                Cell::Text(b.actor.as_str().into()),
                Cell::Text(b.at.as_str().into()),
                Cell::Text(b.source.as_str().into()),
                Cell::Text(b.counts.as_str().into()),
            ],
        )
    }

    fn put_audit(&mut self, a: &AuditRow) -> Result<(), StoreError> {
        self.push(
            "audit",
            audit_buffer,
            vec![
                Cell::Int(a.id),
                Cell::Int(a.batch_id),
                Cell::Text(a.kind.as_str().into()),
                Cell::Text(a.key.as_str().into()),
                Cell::Text(a.field.as_str().into()),
                text_or_null(&a.old),
                text_or_null(&a.new),
            ],
        )
    }

    fn put_account(&mut self, a: &Account) -> Result<(), StoreError> {
        self.flush()?;
        let region = a.region.map(|v| v as i64);
        let failed = i64::from(a.failed_logins);
        self.tx
            .execute(
                &format!(
                    "INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                ),
                &[
                    &a.id,
                    &a.login,
                    &a.display_name,
                    &a.role,
                    &region,
                    &a.organisation,
                    &a.can_view_personal,
                    &a.password_hash,
                    &a.disabled,
                    &failed,
                    &a.locked_until,
                    &a.created_at,
                ],
            )
            .map_err(pe)?;
        Ok(())
    }

    fn put_token(&mut self, t: &TokenRow) -> Result<(), StoreError> {
        self.push(
            "api_tokens",
            || {
                CopyBuffer::new(
                    "api_tokens",
                    &names(&[
                        "id",
                        "account_id",
                        "secret_hash",
                        "label",
                        "created_at",
                        "revoked_at",
                    ]),
                    vec![
                        Type::INT8,
                        Type::INT8,
                        Type::TEXT,
                        Type::TEXT,
                        Type::TEXT,
                        Type::TEXT,
                    ],
                )
            },
            vec![
                Cell::Int(t.id),
                Cell::Int(t.account_id),
                Cell::Text(t.secret_hash.as_str().into()),
                Cell::Text(t.label.as_str().into()),
                Cell::Text(t.created_at.as_str().into()),
                text_or_null(&t.revoked_at),
            ],
        )
    }

    fn put_access(&mut self, e: &AccessEvent) -> Result<(), StoreError> {
        self.push(
            "access_log",
            || {
                let mut types = vec![Type::INT8];
                types.extend([Type::TEXT; 7]);
                CopyBuffer::new(
                    "access_log",
                    &names(&ACCESS_COLUMNS.split(", ").collect::<Vec<_>>()),
                    types,
                )
            },
            vec![
                Cell::Int(e.id),
                Cell::Text(e.at.as_str().into()),
                Cell::Text(e.actor.as_str().into()),
                Cell::Text(e.origin.as_str().into()),
                Cell::Text(e.action.as_str().into()),
                text_or_null(&e.kind),
                text_or_null(&e.key),
                Cell::Text(e.detail.as_str().into()),
            ],
        )
    }

    fn put_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.flush()?;
        self.tx
            .execute(
                "INSERT INTO meta (name, value) VALUES ($1, $2)",
                &[&name, &value],
            )
            .map_err(pe)?;
        Ok(())
    }
}

impl CopyTx for PgCopy<'_> {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let mut this = *self;
        this.flush()?;
        this.tx.commit().map_err(pe)
    }
}
