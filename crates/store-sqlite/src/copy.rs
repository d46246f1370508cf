//! `CopyStore` on SQLite: the whole store read from one snapshot, and an
//! empty store filled in one transaction, every row keeping its id.

use crate::accounts::{account_row, event_row};
use crate::{Bound, SqliteStore, be};
use rusqlite::{Connection, TransactionBehavior, params};
use xiezuo_exchange::FileKind;
use xiezuo_store::accounts::{ACCESS_COLUMNS, ACCOUNT_COLUMNS};
use xiezuo_store::copy::{AuditRow, CopySink, CopyStore, CopyTx, TokenRow, Totals, not_empty};
use xiezuo_store::ddl::{Dialect, RowId, insert_sql};
use xiezuo_store::{AccessEvent, Account, Batch, Store, StoreError, StoredRow};

fn count(conn: &Connection, table: &str) -> Result<u64, StoreError> {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n as u64)
    .map_err(be)
}

fn totals(conn: &Connection) -> Result<Totals, StoreError> {
    let counts = Totals::tables()
        .into_iter()
        .map(|t| count(conn, t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Totals::from_counts(&counts))
}

impl CopyStore for SqliteStore {
    fn dump(&self, into: &mut dyn CopySink) -> Result<(), StoreError> {
        // One read transaction: every query below sees the same snapshot.
        let tx = self.conn.unchecked_transaction().map_err(be)?;
        for b in self.batches()? {
            into.put_batch(&b)?;
        }
        for k in FileKind::ALL {
            self.scan(*k, &mut |row, refs| into.put_row(*k, row, refs))?;
        }
        {
            let mut st = tx
                .prepare(
                    "SELECT id, batch_id, kind, row_key, field, old_value, new_value FROM audit ORDER BY id",
                )
                .map_err(be)?;
            let mut rows = st.query([]).map_err(be)?;
            while let Some(r) = rows.next().map_err(be)? {
                let a = (|| {
                    Ok::<_, rusqlite::Error>(AuditRow {
                        id: r.get(0)?,
                        batch_id: r.get(1)?,
                        kind: r.get(2)?,
                        key: r.get(3)?,
                        field: r.get(4)?,
                        old: r.get(5)?,
                        new: r.get(6)?,
                    })
                })()
                .map_err(be)?;
                into.put_audit(&a)?;
            }
            let mut st = tx
                .prepare(&format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
                ))
                .map_err(be)?;
            for a in st.query_map([], account_row).map_err(be)? {
                into.put_account(&a.map_err(be)?)?;
            }
            let mut st = tx
                .prepare(
                    "SELECT id, account_id, secret_hash, label, created_at, revoked_at FROM api_tokens ORDER BY id",
                )
                .map_err(be)?;
            let tokens = st
                .query_map([], |r| {
                    Ok(TokenRow {
                        id: r.get(0)?,
                        account_id: r.get(1)?,
                        secret_hash: r.get(2)?,
                        label: r.get(3)?,
                        created_at: r.get(4)?,
                        revoked_at: r.get(5)?,
                    })
                })
                .map_err(be)?;
            for t in tokens {
                into.put_token(&t.map_err(be)?)?;
            }
            let mut st = tx
                .prepare(&format!(
                    "SELECT {ACCESS_COLUMNS} FROM access_log ORDER BY id"
                ))
                .map_err(be)?;
            for e in st.query_map([], event_row).map_err(be)? {
                into.put_access(&e.map_err(be)?)?;
            }
            let mut st = tx
                .prepare("SELECT name, value FROM meta ORDER BY name")
                .map_err(be)?;
            let meta = st
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(be)?;
            for m in meta {
                let (name, value) = m.map_err(be)?;
                into.put_meta(&name, &value)?;
            }
        }
        tx.rollback().map_err(be)
    }

    fn begin_copy(&mut self) -> Result<Box<dyn CopyTx + '_>, StoreError> {
        self.conn
            .execute_batch("PRAGMA cache_size=-1048576")
            .map_err(be)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(be)?;
        let held = totals(&tx)?;
        if !held.is_empty() {
            return Err(not_empty(&held));
        }
        Ok(Box::new(SqliteCopy { tx }))
    }

    fn totals(&self) -> Result<Totals, StoreError> {
        totals(&self.conn)
    }
}

struct SqliteCopy<'a> {
    tx: rusqlite::Transaction<'a>,
}

impl CopySink for SqliteCopy<'_> {
    fn put_row(
        &mut self,
        kind: FileKind,
        row: &StoredRow,
        refs: &[Option<i64>],
    ) -> Result<(), StoreError> {
        let bound: Vec<Bound<'_>> = row.cells.iter().map(Bound).collect();
        let mut params: Vec<&dyn rusqlite::ToSql> =
            Vec::with_capacity(2 + row.cells.len() + refs.len());
        params.push(&row.rowid);
        params.push(&row.batch_id);
        params.extend(bound.iter().map(|b| b as &dyn rusqlite::ToSql));
        params.extend(refs.iter().map(|r| r as &dyn rusqlite::ToSql));
        self.tx
            .prepare_cached(&insert_sql(kind, Dialect::Sqlite, RowId::Bound))
            .map_err(be)?
            .execute(params.as_slice())
            .map_err(be)?;
        Ok(())
    }

    fn put_batch(&mut self, b: &Batch) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO batches (id, actor, at, source, counts) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(be)?
            .execute(params![b.id, b.actor, b.at, b.source, b.counts])
            .map_err(be)?;
        Ok(())
    }

    fn put_audit(&mut self, a: &AuditRow) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO audit (id, batch_id, kind, row_key, field, old_value, new_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(be)?
            .execute(params![a.id, a.batch_id, a.kind, a.key, a.field, a.old, a.new])
            .map_err(be)?;
        Ok(())
    }

    fn put_account(&mut self, a: &Account) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ))
            .map_err(be)?
            .execute(params![
                a.id,
                a.login,
                a.display_name,
                a.role,
                a.region.map(|v| v as i64),
                a.organisation,
                a.can_view_personal,
                a.password_hash,
                a.disabled,
                a.failed_logins,
                a.locked_until,
                a.created_at
            ])
            .map_err(be)?;
        Ok(())
    }

    fn put_token(&mut self, t: &TokenRow) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO api_tokens (id, account_id, secret_hash, label, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(be)?
            .execute(params![
                t.id,
                t.account_id,
                t.secret_hash,
                t.label,
                t.created_at,
                t.revoked_at
            ])
            .map_err(be)?;
        Ok(())
    }

    fn put_access(&mut self, e: &AccessEvent) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO access_log ({ACCESS_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))
            .map_err(be)?
            .execute(params![
                e.id, e.at, e.actor, e.origin, e.action, e.kind, e.key, e.detail
            ])
            .map_err(be)?;
        Ok(())
    }

    fn put_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT INTO meta (name, value) VALUES (?1, ?2)")
            .map_err(be)?
            .execute(params![name, value])
            .map_err(be)?;
        Ok(())
    }
}

impl CopyTx for SqliteCopy<'_> {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().map_err(be)
    }
}
