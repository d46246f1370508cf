//! `AccountStore` on PostgreSQL: accounts, tokens, the access log, settings.
//! Ids are numbered as in SQLite (the largest plus one, no gaps): each
//! insert locks its table against other inserts for its short transaction.

use crate::{PgStore, pe};
use postgres::Row;
use xiezuo_store::accounts::{ACCESS_COLUMNS, ACCOUNT_COLUMNS, account_columns_of, login_taken};
use xiezuo_store::{AccessEvent, Account, AccountStore, ApiToken, NewAccount, StoreError};

pub(crate) fn account_row(r: &Row) -> Result<Account, StoreError> {
    Ok(Account {
        id: r.try_get(0).map_err(pe)?,
        login: r.try_get(1).map_err(pe)?,
        display_name: r.try_get(2).map_err(pe)?,
        role: r.try_get(3).map_err(pe)?,
        region: r
            .try_get::<_, Option<i64>>(4)
            .map_err(pe)?
            .map(|v| v as u64),
        organisation: r.try_get(5).map_err(pe)?,
        can_view_personal: r.try_get(6).map_err(pe)?,
        password_hash: r.try_get(7).map_err(pe)?,
        disabled: r.try_get(8).map_err(pe)?,
        failed_logins: u32::try_from(r.try_get::<_, i64>(9).map_err(pe)?)
            .map_err(|_| StoreError::Corrupt("failed sign-in count".into()))?,
        locked_until: r.try_get(10).map_err(pe)?,
        created_at: r.try_get(11).map_err(pe)?,
    })
}

pub(crate) fn event_row(r: &Row) -> Result<AccessEvent, StoreError> {
    Ok(AccessEvent {
        id: r.try_get(0).map_err(pe)?,
        at: r.try_get(1).map_err(pe)?,
        actor: r.try_get(2).map_err(pe)?,
        origin: r.try_get(3).map_err(pe)?,
        action: r.try_get(4).map_err(pe)?,
        kind: r.try_get(5).map_err(pe)?,
        key: r.try_get(6).map_err(pe)?,
        detail: r.try_get(7).map_err(pe)?,
    })
}

impl PgStore {
    /// Runs `insert` (which gets the new id as `$1`) in a transaction that
    /// holds `table` against other inserts; returns the new id, or None
    /// when the statement inserted nothing.
    fn insert_numbered(
        &self,
        table: &str,
        insert: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<i64>, StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.client.transaction().map_err(pe)?;
        tx.batch_execute(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            .map_err(pe)?;
        let id: i64 = tx
            .query_one(
                &format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"),
                &[],
            )
            .map_err(pe)?
            .get(0);
        let mut all: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&id];
        all.extend_from_slice(params);
        let n = tx.execute(insert, &all).map_err(pe)?;
        tx.commit().map_err(pe)?;
        Ok((n == 1).then_some(id))
    }
}

impl AccountStore for PgStore {
    fn add_account(&mut self, a: &NewAccount) -> Result<i64, StoreError> {
        let region = a.region.map(|v| v as i64);
        self.insert_numbered(
            "accounts",
            "INSERT INTO accounts (id, login, display_name, role, region, organisation, can_view_personal, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (login) DO NOTHING",
            &[
                &a.login,
                &a.display_name,
                &a.role,
                &region,
                &a.organisation,
                &a.can_view_personal,
                &a.password_hash,
                &a.created_at,
            ],
        )?
        .ok_or_else(|| login_taken(&a.login))
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = self
            .conn()?
            .client
            .query(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"),
                &[],
            )
            .map_err(pe)?;
        rows.iter().map(account_row).collect()
    }

    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        let r = self
            .conn()?
            .client
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = $1"),
                &[&login],
            )
            .map_err(pe)?;
        r.as_ref().map(account_row).transpose()
    }

    fn set_disabled(&mut self, login: &str, disabled: bool) -> Result<bool, StoreError> {
        let n = self
            .conn()?
            .client
            .execute(
                "UPDATE accounts SET disabled = $2 WHERE login = $1",
                &[&login, &disabled],
            )
            .map_err(pe)?;
        Ok(n == 1)
    }

    fn set_password_hash(&mut self, login: &str, hash: &str) -> Result<bool, StoreError> {
        let n = self
            .conn()?
            .client
            .execute(
                "UPDATE accounts SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE login = $1",
                &[&login, &hash],
            )
            .map_err(pe)?;
        Ok(n == 1)
    }

    fn set_login_state(
        &mut self,
        login: &str,
        failed_logins: u32,
        locked_until: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn()?
            .client
            .execute(
                "UPDATE accounts SET failed_logins = $2, locked_until = $3 WHERE login = $1",
                &[&login, &i64::from(failed_logins), &locked_until],
            )
            .map_err(pe)?;
        Ok(())
    }

    fn add_token(
        &mut self,
        account_id: i64,
        secret_hash: &str,
        label: &str,
        at: &str,
    ) -> Result<i64, StoreError> {
        self.insert_numbered(
            "api_tokens",
            "INSERT INTO api_tokens (id, account_id, secret_hash, label, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[&account_id, &secret_hash, &label, &at],
        )?
        .ok_or_else(|| StoreError::Backend("the token was not stored".into()))
    }

    fn tokens(&self, account_id: Option<i64>) -> Result<Vec<ApiToken>, StoreError> {
        let rows = self
            .conn()?
            .client
            .query(
                "SELECT id, account_id, label, created_at, revoked_at FROM api_tokens
                 WHERE $1::BIGINT IS NULL OR account_id = $1 ORDER BY id",
                &[&account_id],
            )
            .map_err(pe)?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get(0).map_err(pe)?,
                    account_id: r.try_get(1).map_err(pe)?,
                    label: r.try_get(2).map_err(pe)?,
                    created_at: r.try_get(3).map_err(pe)?,
                    revoked_at: r.try_get(4).map_err(pe)?,
                })
            })
            .collect()
    }

    fn token_account(&self, secret_hash: &str) -> Result<Option<Account>, StoreError> {
        let cols = account_columns_of("a");
        let r = self
            .conn()?
            .client
            .query_opt(
                &format!(
                    "SELECT {cols} FROM api_tokens t JOIN accounts a ON a.id = t.account_id
                     WHERE t.secret_hash = $1 AND t.revoked_at IS NULL"
                ),
                &[&secret_hash],
            )
            .map_err(pe)?;
        r.as_ref().map(account_row).transpose()
    }

    fn revoke_token(&mut self, id: i64, at: &str) -> Result<bool, StoreError> {
        let n = self
            .conn()?
            .client
            .execute(
                "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[&id, &at],
            )
            .map_err(pe)?;
        Ok(n == 1)
    }

    fn log_access(&mut self, e: &AccessEvent) -> Result<i64, StoreError> {
        self.insert_numbered(
            "access_log",
            &format!(
                "INSERT INTO access_log ({ACCESS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ),
            &[
                &e.at, &e.actor, &e.origin, &e.action, &e.kind, &e.key, &e.detail,
            ],
        )?
        .ok_or_else(|| StoreError::Backend("the access event was not stored".into()))
    }

    fn access_log(
        &self,
        kind: Option<&str>,
        key: Option<&str>,
    ) -> Result<Vec<AccessEvent>, StoreError> {
        let rows = self
            .conn()?
            .client
            .query(
                &format!(
                    "SELECT {ACCESS_COLUMNS} FROM access_log
                 WHERE ($1::TEXT IS NULL OR kind = $1) AND ($2::TEXT IS NULL OR row_key = $2) ORDER BY id"
                ),
                &[&kind, &key],
            )
            .map_err(pe)?;
        rows.iter().map(event_row).collect()
    }

    fn meta(&self, name: &str) -> Result<Option<String>, StoreError> {
        let r = self
            .conn()?
            .client
            .query_opt("SELECT value FROM meta WHERE name = $1", &[&name])
            .map_err(pe)?;
        r.map(|r| r.try_get(0).map_err(pe)).transpose()
    }

    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.conn()?
            .client
            .execute(
                "INSERT INTO meta (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[&name, &value],
            )
            .map_err(pe)?;
        Ok(())
    }

    fn replace_meta(
        &mut self,
        name: &str,
        expected: Option<&str>,
        value: &str,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let client = &mut conn.client;
        let changed = match expected {
            None => client.execute(
                "INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &value],
            ),
            Some(old) => client.execute(
                "UPDATE meta SET value = $3 WHERE name = $1 AND value = $2",
                &[&name, &old, &value],
            ),
        }
        .map_err(pe)?;
        Ok(changed == 1)
    }
}
