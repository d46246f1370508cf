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

    /// Whether the caller acts for a party (its self-evaluation, appeals,
    /// attachments): the national office for every one, an office for the
    /// regions it covers, an organisation for itself.
    pub fn acts_for(&self, party: &xiezuo_domain::Party) -> bool {
        use xiezuo_domain::Party;
        match (self.role, party) {
            (Role::Admin, _) => true,
            (Role::Office, Party::Region(code)) => self
                .region
                .is_some_and(|r| xiezuo_engine::accounts::region_covers(r, code.as_u64())),
            (Role::Organisation, Party::Org(id)) => {
                self.organisation.as_deref() == Some(id.as_str())
            }
            _ => false,
        }
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
    /// Failed sign-ins by (login, address): how many, and when the next
    /// try is allowed.
    throttle: Mutex<HashMap<(String, String), (u32, Instant)>>,
    /// The last password check of each login from any address, and the
    /// failures since its last success.
    checked: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Failures from one address for one login before the waits begin.
pub const FREE_FAILURES: u32 = 3;
/// The longest wait between tries of one login from one address: growing
/// from 1 s, doubling per failure, up to this.
pub const MAX_THROTTLE: Duration = Duration::from_secs(60);
/// Once a login has failed `FREE_FAILURES` times (from any address), at
/// most one password check of it in this time, from all addresses together:
/// a distributed guesser gains nothing, the owner waits a moment.
pub const ACCOUNT_CHECK_INTERVAL: Duration = Duration::from_millis(500);
/// Throttle entries kept (the oldest go first beyond this).
const THROTTLE_KEPT: usize = 100_000;

/// Why a sign-in must wait, and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

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

    /// Whether `login` may be tried from `origin` now; the same for logins
    /// that exist and that do not, so the answer reveals nothing.
    pub(crate) fn may_try(&self, login: &str, origin: &str) -> Result<(), Wait> {
        let now = Instant::now();
        let key = (login.to_string(), origin.to_string());
        if let Some((_, next)) = lock(&self.throttle).get(&key)
            && *next > now
        {
            return Err(Wait(*next - now));
        }
        let mut checked = lock(&self.checked);
        if let Some((last, failures)) = checked.get(login)
            && *failures >= FREE_FAILURES
            && now.duration_since(*last) < ACCOUNT_CHECK_INTERVAL
        {
            return Err(Wait(ACCOUNT_CHECK_INTERVAL - now.duration_since(*last)));
        }
        if checked.len() >= THROTTLE_KEPT {
            checked.retain(|_, (t, _)| now.duration_since(*t) < MAX_THROTTLE);
        }
        checked.entry(login.to_string()).or_insert((now, 0)).0 = now;
        Ok(())
    }

    /// Notes a failed sign-in: after `FREE_FAILURES`, each one doubles the
    /// wait of this login from this address, up to `MAX_THROTTLE`. Returns
    /// the failures counted.
    pub(crate) fn failed(&self, login: &str, origin: &str) -> u32 {
        let now = Instant::now();
        let mut m = lock(&self.throttle);
        if m.len() >= THROTTLE_KEPT {
            m.retain(|_, (_, next)| *next > now);
        }
        lock(&self.checked)
            .entry(login.to_string())
            .or_insert((now, 0))
            .1 += 1;
        let e = m
            .entry((login.to_string(), origin.to_string()))
            .or_insert((0, now));
        e.0 = e.0.saturating_add(1);
        if e.0 > FREE_FAILURES {
            let exp = (e.0 - FREE_FAILURES - 1).min(16);
            let wait = Duration::from_secs(1u64 << exp).min(MAX_THROTTLE);
            e.1 = now + wait;
        }
        e.0
    }

    /// Clears the failures of a login from an address after a success.
    pub(crate) fn succeeded(&self, login: &str, origin: &str) {
        lock(&self.throttle).remove(&(login.to_string(), origin.to_string()));
        if let Some(c) = lock(&self.checked).get_mut(login) {
            c.1 = 0;
        }
    }

    /// Forgets cached accounts (after an account changes).
    pub fn forget_accounts(&self) {
        lock(&self.accounts).clear();
        lock(&self.tokens).clear();
    }
}
