//! What a store keeps of the people who use the platform: accounts (账号)
//! with their role and scope, API tokens, the access log (who viewed
//! personal data, who signed in, who changed an account) and a few named
//! settings of the store itself (`meta`).
//!
//! The rules (which role may do what, how passwords are hashed, when a
//! login locks) live above the store; a backend only keeps the rows.

use crate::StoreError;
use xiezuo_domain::Message;

/// The columns of an account row, in `Account` order (a SELECT list, and
/// the columns of a copied account).
pub const ACCOUNT_COLUMNS: &str = "id, login, display_name, role, region, organisation, can_view_personal, \
     password_hash, disabled, failed_logins, locked_until, created_at";

/// `ACCOUNT_COLUMNS` qualified by a table alias (`a.id, a.login, …`).
pub fn account_columns_of(alias: &str) -> String {
    ACCOUNT_COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of an access log row, in `AccessEvent` order.
pub const ACCESS_COLUMNS: &str = "id, at, actor, origin, action, kind, row_key, detail";

/// The refusal of a new account whose login is taken.
pub fn login_taken(login: &str) -> StoreError {
    StoreError::Conflict(Message::new("store.login_taken").with("login", format!("{login:?}")))
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    /// The login name, unique.
    pub login: String,
    pub display_name: String,
    /// The role's stable name (`admin`, `assessor`, `office`, `organisation`).
    pub role: String,
    /// The region of an office account (its 12-digit code).
    pub region: Option<u64>,
    /// The organisation of an organisation account, as named in the records
    /// (employer, buyer, donor, investor).
    pub organisation: Option<String>,
    /// May see identity numbers and names in full.
    pub can_view_personal: bool,
    /// The argon2 PHC string; never the password.
    pub password_hash: String,
    pub disabled: bool,
    /// Failed sign-ins since the last success.
    pub failed_logins: u32,
    /// RFC 3339; sign-in is refused until then.
    pub locked_until: Option<String>,
    pub created_at: String,
}

/// An account to add.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub region: Option<u64>,
    pub organisation: Option<String>,
    pub can_view_personal: bool,
    pub password_hash: String,
    pub created_at: String,
}

/// An API token as stored: only a hash of the secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub account_id: i64,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// One line of the access log: append-only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEvent {
    /// Given by the store on insert (0 when writing).
    pub id: i64,
    pub at: String,
    /// The login (or `-` for an anonymous caller).
    pub actor: String,
    /// Where from: the client address, or `cli`.
    pub origin: String,
    /// What: `view_personal`, `login`, `login_failed`, `account_add`,
    /// `account_disable`, `token_add`, `token_revoke`, `export`…
    pub action: String,
    /// The record concerned, if any: its file kind and key.
    pub kind: Option<String>,
    pub key: Option<String>,
    /// Free text (never personal data).
    pub detail: String,
}

/// Accounts, tokens, the access log and store settings.
pub trait AccountStore {
    /// Adds an account; `Conflict` when the login exists.
    fn add_account(&mut self, a: &NewAccount) -> Result<i64, StoreError>;
    /// Every account, by id.
    fn accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// An account by login.
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError>;
    /// Disables or enables an account; false when there is no such login.
    fn set_disabled(&mut self, login: &str, disabled: bool) -> Result<bool, StoreError>;
    /// Replaces the password hash; false when there is no such login.
    fn set_password_hash(&mut self, login: &str, hash: &str) -> Result<bool, StoreError>;
    /// Records the outcome of sign-in attempts: the failure count and lock.
    fn set_login_state(
        &mut self,
        login: &str,
        failed_logins: u32,
        locked_until: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Adds a token (its secret's hash, hex); returns its id.
    fn add_token(
        &mut self,
        account_id: i64,
        secret_hash: &str,
        label: &str,
        at: &str,
    ) -> Result<i64, StoreError>;
    /// Tokens of one account, or of all when `None`, by id.
    fn tokens(&self, account_id: Option<i64>) -> Result<Vec<ApiToken>, StoreError>;
    /// The account of a token that is not revoked.
    fn token_account(&self, secret_hash: &str) -> Result<Option<Account>, StoreError>;
    /// Revokes a token; false when there is no such token or it was revoked.
    fn revoke_token(&mut self, id: i64, at: &str) -> Result<bool, StoreError>;
    /// Appends to the access log; returns the event's id.
    fn log_access(&mut self, e: &AccessEvent) -> Result<i64, StoreError>;
    /// The access log, oldest first; only events about one record when
    /// `kind` and `key` are given.
    fn access_log(
        &self,
        kind: Option<&str>,
        key: Option<&str>,
    ) -> Result<Vec<AccessEvent>, StoreError>;
    /// A named setting of the store (e.g. the personal-data key's check value).
    fn meta(&self, name: &str) -> Result<Option<String>, StoreError>;
    /// Sets a named setting.
    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError>;
    /// Sets a named setting only if it still holds `expected` (`None`: only
    /// if it is absent), in one atomic step; false (and nothing written)
    /// when another writer changed it first.
    fn replace_meta(
        &mut self,
        name: &str,
        expected: Option<&str>,
        value: &str,
    ) -> Result<bool, StoreError>;
}
