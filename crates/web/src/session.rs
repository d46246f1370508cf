//! Who is calling, as the access rules see it (调用者), and the sessions
//! of signed-in accounts: sessions by the hash of their id, accounts and
//! API tokens cached for a moment, sign-in attempts per client address.
//! No handler lives here: `auth` signs in and out, `access` decides.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xiezuo_engine::accounts::Role;
use xiezuo_store::Account;

/// The session cookie's name.
pub const COOKIE: &str = "xz_session";
/// Sign-in attempts per client address per minute.
pub const LOGIN_ATTEMPTS_PER_MINUTE: usize = 10;
pub(crate) const SESSION_IDLE: Duration = Duration::from_secs(8 * 3600);
/// How long an account read from the store is trusted before it is read
/// again (a disabled account stops working within this time).
pub(crate) const ACCOUNT_FRESH: Duration = Duration::from_secs(2);

/// The caller of a request, as the access rules see it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The login, or `-` for the public.
    pub login: String,
    pub role: Role,
    pub region: Option<u64>,
    pub organisation: Option<String>,
    /// May see identity numbers and names in full.
    pub personal: bool,
    /// The client address, for the access log.
    pub origin: String,
    /// The session's CSRF token when the caller came by cookie.
    pub csrf: Option<String>,
}

impl Caller {
    /// The rows this caller may store (the one write rule, applied by the importer).
    pub fn write_scope(&self) -> xiezuo_engine::import::WriteScope {
        xiezuo_engine::import::WriteScope::of(self.role, self.region, self.organisation.as_deref())
    }

    pub fn public(origin: String) -> Caller {
        Caller {
            login: "-".into(),
            role: Role::Public,
            region: None,
            organisation: None,
            personal: false,
            origin,
            csrf: None,
        }
    }

    pub(crate) fn of(a: &Account, origin: String, csrf: Option<String>) -> Caller {
        Caller {
            login: a.login.clone(),
            role: Role::parse(&a.role).unwrap_or(Role::Public),
            region: a.region,
            organisation: a.organisation.clone(),
            personal: a.can_view_personal,
            origin,
            csrf,
        }
    }
}

pub(crate) struct Session {
    pub(crate) login: String,
    pub(crate) csrf: String,
    pub(crate) seen: Instant,
    /// The account's `credential_stamp` at sign-in: a password changed
    /// since (by any process) ends the session when the account is next
    /// read from the store (within `ACCOUNT_FRESH`).
    pub(crate) stamp: String,
}

/// Sessions, cached accounts and sign-in attempts, in memory.
#[derive(Default)]
pub struct Sessions {
    pub(crate) by_hash: Mutex<HashMap<String, Session>>,
    pub(crate) accounts: Mutex<HashMap<String, (Option<Account>, Instant)>>,
    pub(crate) tokens: Mutex<HashMap<String, (Option<Account>, Instant)>>,
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sessions {
    /// Counts a sign-in attempt from `origin`; false when over the limit.
    pub(crate) fn allow_attempt(&self, origin: &str) -> bool {
        let now = Instant::now();
        let mut m = lock(&self.attempts);
        let q = m.entry(origin.to_string()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60))
        {
            q.pop_front();
        }
        if q.len() >= LOGIN_ATTEMPTS_PER_MINUTE {
            return false;
        }
        q.push_back(now);
        true
    }

    /// Forgets cached accounts (after an account changes).
    pub fn forget_accounts(&self) {
        lock(&self.accounts).clear();
        lock(&self.tokens).clear();
    }
}
