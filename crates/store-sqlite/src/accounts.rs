//! `AccountStore` on SQLite: accounts, tokens, the access log, settings.

use crate::{SqliteStore, be};
use rusqlite::{OptionalExtension, params};
use xiezuo_store::accounts::{ACCESS_COLUMNS, ACCOUNT_COLUMNS, account_columns_of, login_taken};
use xiezuo_store::{AccessEvent, Account, AccountStore, ApiToken, NewAccount, StoreError};

pub(crate) fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        login: r.get(1)?,
        display_name: r.get(2)?,
        role: r.get(3)?,
        region: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
        organisation: r.get(5)?,
        can_view_personal: r.get(6)?,
        password_hash: r.get(7)?,
        disabled: r.get(8)?,
        failed_logins: r.get(9)?,
        locked_until: r.get(10)?,
        created_at: r.get(11)?,
    })
}

pub(crate) fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccessEvent> {
    Ok(AccessEvent {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        origin: r.get(3)?,
        action: r.get(4)?,
        kind: r.get(5)?,
        key: r.get(6)?,
        detail: r.get(7)?,
    })
}

impl AccountStore for SqliteStore {
    fn add_account(&mut self, a: &NewAccount) -> Result<i64, StoreError> {
        let r = self.conn.execute(
            "INSERT INTO accounts (login, display_name, role, region, organisation, can_view_personal, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.login,
                a.display_name,
                a.role,
                a.region.map(|v| v as i64),
                a.organisation,
                a.can_view_personal,
                a.password_hash,
                a.created_at
            ],
        );
        match r {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(login_taken(&a.login))
            }
            Err(e) => Err(be(e)),
        }
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
            ))
            .map_err(be)?;
        let rows = st.query_map([], account_row).map_err(be)?;
        rows.collect::<Result<_, _>>().map_err(be)
    }

    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?1"),
                params![login],
                account_row,
            )
            .optional()
            .map_err(be)
    }

    fn set_disabled(&mut self, login: &str, disabled: bool) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE accounts SET disabled = ?2 WHERE login = ?1",
                params![login, disabled],
            )
            .map_err(be)?;
        Ok(n == 1)
    }

    fn set_password_hash(&mut self, login: &str, hash: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE accounts SET password_hash = ?2, failed_logins = 0, locked_until = NULL WHERE login = ?1",
                params![login, hash],
            )
            .map_err(be)?;
        Ok(n == 1)
    }

    fn set_login_state(
        &mut self,
        login: &str,
        failed_logins: u32,
        locked_until: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE accounts SET failed_logins = ?2, locked_until = ?3 WHERE login = ?1",
                params![login, failed_logins, locked_until],
            )
            .map_err(be)?;
        Ok(())
    }

    fn add_token(
        &mut self,
        account_id: i64,
        secret_hash: &str,
        label: &str,
        at: &str,
    ) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO api_tokens (account_id, secret_hash, label, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![account_id, secret_hash, label, at],
            )
            .map_err(be)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn tokens(&self, account_id: Option<i64>) -> Result<Vec<ApiToken>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, account_id, label, created_at, revoked_at FROM api_tokens
                 WHERE ?1 IS NULL OR account_id = ?1 ORDER BY id",
            )
            .map_err(be)?;
        let rows = st
            .query_map(params![account_id], |r| {
                Ok(ApiToken {
                    id: r.get(0)?,
                    account_id: r.get(1)?,
                    label: r.get(2)?,
                    created_at: r.get(3)?,
                    revoked_at: r.get(4)?,
                })
            })
            .map_err(be)?;
        rows.collect::<Result<_, _>>().map_err(be)
    }

    fn token_account(&self, secret_hash: &str) -> Result<Option<Account>, StoreError> {
        let cols = account_columns_of("a");
        self.conn
            .query_row(
                &format!(
                    "SELECT {cols} FROM api_tokens t JOIN accounts a ON a.id = t.account_id
                     WHERE t.secret_hash = ?1 AND t.revoked_at IS NULL"
                ),
                params![secret_hash],
                account_row,
            )
            .optional()
            .map_err(be)
    }

    fn revoke_token(&mut self, id: i64, at: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map_err(be)?;
        Ok(n == 1)
    }

    fn log_access(&mut self, e: &AccessEvent) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO access_log (at, actor, origin, action, kind, row_key, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    e.at, e.actor, e.origin, e.action, e.kind, e.key, e.detail
                ])
            })
            .map_err(be)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn access_log(
        &self,
        kind: Option<&str>,
        key: Option<&str>,
    ) -> Result<Vec<AccessEvent>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {ACCESS_COLUMNS} FROM access_log
                 WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR row_key = ?2) ORDER BY id"
            ))
            .map_err(be)?;
        let rows = st.query_map(params![kind, key], event_row).map_err(be)?;
        rows.collect::<Result<_, _>>().map_err(be)
    }

    fn meta(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()
            .map_err(be)
    }

    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO meta (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, value],
            )
            .map_err(be)?;
        Ok(())
    }

    fn replace_meta(
        &mut self,
        name: &str,
        expected: Option<&str>,
        value: &str,
    ) -> Result<bool, StoreError> {
        let changed = match expected {
            None => self.conn.execute(
                "INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                params![name, value],
            ),
            Some(old) => self.conn.execute(
                "UPDATE meta SET value = ?3 WHERE name = ?1 AND value = ?2",
                params![name, old, value],
            ),
        }
        .map_err(be)?;
        Ok(changed == 1)
    }
}
