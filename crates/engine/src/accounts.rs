//! Accounts and roles (账号与角色): who may use the platform and as what,
//! passwords (argon2id), sign-in counting failures (never a lockout), API tokens, and the scope a
//! caller may read and write.
//!
//! The rules live here, once; the store only keeps rows (`AccountStore`),
//! and the web layer only asks `Scope` what a caller may see.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use xiezuo_domain::RegionCode;
use xiezuo_store::{AccessEvent, Account, NewAccount, Store, StoreError};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// A role (角色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// National administrator (国家级管理员): everything.
    Admin,
    /// Assessor (考核评估人员): reads every aggregate, runs assessments,
    /// sees findings; no personal data.
    Assessor,
    /// Office user of a region (协作办), east or west, at province,
    /// prefecture or county level: reads and writes its region and the
    /// pairings it is party to.
    Office,
    /// Organisation user (enterprise, social organisation): writes its own
    /// donations, purchases, investments and job postings.
    Organisation,
    /// The public (公众): published aggregates only. Never stored.
    Public,
}

impl Role {
    pub const ACCOUNT_ROLES: [Role; 4] = [
        Role::Admin,
        Role::Assessor,
        Role::Office,
        Role::Organisation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Assessor => "assessor",
            Role::Office => "office",
            Role::Organisation => "organisation",
            Role::Public => "public",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Assessor => "考核评估",
            Role::Office => "协作办",
            Role::Organisation => "社会组织/企业",
            Role::Public => "公众",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ACCOUNT_ROLES.into_iter().find(|r| r.as_str() == s)
    }
}

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("unknown role {0:?}: use admin, assessor, office or organisation")]
    BadRole(String),
    #[error("an office account needs --region (a 12- or 6-digit division code)")]
    OfficeNeedsRegion,
    #[error("an organisation account needs --organisation (its org id)")]
    OrganisationNeedsId,
    #[error("a login is 2–64 letters, digits, '-', '_' or '.'")]
    BadLogin,
    #[error("a password has at least {MIN_PASSWORD_LEN} characters")]
    WeakPassword,
    #[error("no account {0:?}")]
    NoAccount(String),
    #[error("password hashing: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a sign-in was refused: one answer for a wrong password, an unknown
/// login and a disabled account, so that logins cannot be probed. Repeated
/// failures are slowed down by the caller (throttling), never locked out:
/// a lock would let anyone shut the owner out.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong login or password")]
    Refused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Hashes a password (argon2id, random salt) as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).map_err(|e| StoreError::Backend(format!("no randomness: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// A new random secret (API token, session id, CSRF token).
pub fn new_secret(prefix: &str) -> Result<String, StoreError> {
    Ok(format!("{prefix}{}", random_hex(32)?))
}

/// The stored hash of a secret (SHA-256, hex): secrets are random and
/// long, so a fast hash suffices.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// What `add_account` needs.
#[derive(Debug, Clone)]
pub struct AccountSpec {
    pub login: String,
    pub display_name: Option<String>,
    pub role: String,
    pub region: Option<String>,
    pub organisation: Option<String>,
    pub can_view_personal: bool,
}

/// Validates and adds an account.
pub fn add_account(
    store: &mut dyn Store,
    spec: &AccountSpec,
    password: &str,
    at: &str,
) -> Result<i64, AccountError> {
    let role = Role::parse(&spec.role).ok_or_else(|| AccountError::BadRole(spec.role.clone()))?;
    let login_ok = (2..=64).contains(&spec.login.len())
        && spec
            .login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !login_ok {
        return Err(AccountError::BadLogin);
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AccountError::WeakPassword);
    }
    let region = match (role, spec.region.as_deref()) {
        (Role::Office, Some(r)) => Some(
            RegionCode::parse(r.trim())
                .map_err(|_| AccountError::OfficeNeedsRegion)?
                .as_u64(),
        ),
        (Role::Office, None) => return Err(AccountError::OfficeNeedsRegion),
        _ => None,
    };
    let organisation = match (role, spec.organisation.as_deref()) {
        (Role::Organisation, Some(o)) if !o.trim().is_empty() => Some(o.trim().to_string()),
        (Role::Organisation, _) => return Err(AccountError::OrganisationNeedsId),
        _ => None,
    };
    let id = store.add_account(&NewAccount {
        login: spec.login.clone(),
        display_name: spec
            .display_name
            .clone()
            .unwrap_or_else(|| spec.login.clone()),
        role: role.as_str().to_string(),
        region,
        organisation,
        // Only administrators and office users may be given the full view.
        can_view_personal: spec.can_view_personal && matches!(role, Role::Admin | Role::Office),
        password_hash: hash_password(password)?,
        created_at: at.to_string(),
    })?;
    Ok(id)
}

/// Checks a password. Failures are counted on the account (shown to
/// administrators by `xiezuo user list`); a success clears the count.
/// Disabled and unknown accounts are refused like a wrong password (after
/// the same hashing work). There is no lock: the interfaces throttle.
pub fn sign_in(
    store: &mut dyn Store,
    login: &str,
    password: &str,
    _now: DateTime<Utc>,
) -> Result<Account, SignInError> {
    let Some(a) = store.account(login)? else {
        // Spend the same time as a real check.
        let _ = verify_password(password, dummy_hash());
        return Err(SignInError::Refused);
    };
    let ok = verify_password(password, &a.password_hash);
    if ok && !a.disabled {
        if a.failed_logins > 0 || a.locked_until.is_some() {
            store.set_login_state(login, 0, None)?;
        }
        return Ok(a);
    }
    if !ok {
        store.set_login_state(login, a.failed_logins.saturating_add(1), None)?;
    }
    Err(SignInError::Refused)
}

/// An argon2id hash of nothing anyone knows: checked against when the
/// login is unknown, so both paths cost the same.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("\u{0}unknown login\u{0}").unwrap_or_default())
}

/// Issues an API token for an account: returns (token id, secret). The
/// secret is shown once; only its hash is kept.
pub fn issue_token(
    store: &mut dyn Store,
    login: &str,
    label: &str,
    at: &str,
) -> Result<(i64, String), AccountError> {
    let a = store
        .account(login)?
        .ok_or_else(|| AccountError::NoAccount(login.to_string()))?;
    let secret = new_secret("xzt_")?;
    let id = store.add_token(a.id, &secret_hash(&secret), label, at)?;
    Ok((id, secret))
}

/// The longest text kept in one field of an access log entry, in
/// characters: the log is append-only, and a login name or an origin may
/// come from anyone (a failed sign-in), so nothing longer is stored.
pub const LOGGED_TEXT_MAX: usize = 128;

/// `s` cut to `LOGGED_TEXT_MAX` characters, marked with `…` when cut.
pub fn logged_text(s: &str) -> String {
    match s.char_indices().nth(LOGGED_TEXT_MAX) {
        None => s.to_string(),
        Some((end, _)) => {
            let cut = s[..end]
                .char_indices()
                .nth(LOGGED_TEXT_MAX - 1)
                .map_or(end, |(i, _)| i);
            format!("{}…", &s[..cut])
        }
    }
}

/// Sets a new password and ends what the old one let in: every API token
/// of the account that is not revoked is revoked, except `keep` (the token
/// making the change, if any). Sessions end by themselves, because a
/// session remembers the `credential_stamp` it began with. Returns how
/// many tokens were revoked.
pub fn change_password(
    store: &mut dyn Store,
    login: &str,
    password: &str,
    at: &str,
    keep: Option<i64>,
) -> Result<usize, AccountError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AccountError::WeakPassword);
    }
    let a = store
        .account(login)?
        .ok_or_else(|| AccountError::NoAccount(login.to_string()))?;
    if !store.set_password_hash(login, &hash_password(password)?)? {
        return Err(AccountError::NoAccount(login.to_string()));
    }
    let mut revoked = 0;
    for t in store.tokens(Some(a.id))? {
        if t.revoked_at.is_none() && Some(t.id) != keep && store.revoke_token(t.id, at)? {
            revoked += 1;
        }
    }
    Ok(revoked)
}

/// What a session remembers of the credentials it began with: it changes
/// with every password change (each hash has a fresh salt), so a session
/// whose stamp no longer matches its account's has ended.
pub fn credential_stamp(a: &Account) -> String {
    secret_hash(&a.password_hash)
}

/// An entry for the access log, each text cut to `LOGGED_TEXT_MAX`.
pub fn event(at: &str, actor: &str, origin: &str, action: &str, detail: &str) -> AccessEvent {
    AccessEvent {
        id: 0,
        at: logged_text(at),
        actor: logged_text(actor),
        origin: logged_text(origin),
        action: logged_text(action),
        kind: None,
        key: None,
        detail: logged_text(detail),
    }
}

/// Whether the region `scope` contains `code` (itself or below it).
pub fn region_covers(scope: u64, code: u64) -> bool {
    let Some(s) = RegionCode::from_u64(scope) else {
        return false;
    };
    if scope == code {
        return true;
    }
    RegionCode::from_u64(code).is_some_and(|c| c.prefix_ancestors().any(|a| a == s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xiezuo_store::AccountStore;
    use xiezuo_store_sqlite::SqliteStore;

    fn spec(login: &str, role: &str) -> AccountSpec {
        AccountSpec {
            login: login.into(),
            display_name: None,
            role: role.into(),
            region: Some("520000".into()),
            organisation: Some("ORG1".into()),
            can_view_personal: true,
        }
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn accounts_validate_and_count_failures_without_a_lock() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let t = "2026-01-01T00:00:00Z";
        assert!(matches!(
            add_account(&mut s, &spec("a", "admin"), "long enough pw", t),
            Err(AccountError::BadLogin)
        ));
        assert!(matches!(
            add_account(&mut s, &spec("gz", "office"), "short", t),
            Err(AccountError::WeakPassword)
        ));
        assert!(matches!(
            add_account(&mut s, &spec("gz", "boss"), "long enough pw", t),
            Err(AccountError::BadRole(_))
        ));
        add_account(&mut s, &spec("gz", "office"), "long enough pw", t).unwrap();
        let a = s.account("gz").unwrap().unwrap();
        assert_eq!(a.region, Some(520000000000));
        assert!(a.can_view_personal);
        let now = DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
        assert!(sign_in(&mut s, "gz", "long enough pw", now).is_ok());
        // A hundred wrong passwords never lock the owner out; they are
        // counted, and the right one clears the count.
        for _ in 0..100 {
            assert!(matches!(
                sign_in(&mut s, "gz", "wrong", now),
                Err(SignInError::Refused)
            ));
        }
        assert_eq!(s.account("gz").unwrap().unwrap().failed_logins, 100);
        assert!(sign_in(&mut s, "gz", "long enough pw", now).is_ok());
        assert_eq!(s.account("gz").unwrap().unwrap().failed_logins, 0);
        let later = now;
        s.set_disabled("gz", true).unwrap();
        assert!(matches!(
            sign_in(&mut s, "gz", "long enough pw", later),
            Err(SignInError::Refused)
        ));
        assert!(matches!(
            sign_in(&mut s, "nobody", "long enough pw", later),
            Err(SignInError::Refused)
        ));
    }

    #[test]
    fn tokens_are_kept_as_hashes() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let t = "2026-01-01T00:00:00Z";
        add_account(&mut s, &spec("ci", "admin"), "long enough pw", t).unwrap();
        let (id, secret) = issue_token(&mut s, "ci", "nightly upload", t).unwrap();
        assert!(secret.starts_with("xzt_") && secret.len() == 68);
        assert_eq!(
            s.token_account(&secret_hash(&secret))
                .unwrap()
                .unwrap()
                .login,
            "ci"
        );
        assert!(s.token_account(&secret).unwrap().is_none());
        s.revoke_token(id, t).unwrap();
        assert!(s.token_account(&secret_hash(&secret)).unwrap().is_none());
    }

    #[test]
    fn a_password_change_revokes_every_token_but_the_one_kept() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let t = "2026-01-01T00:00:00Z";
        add_account(&mut s, &spec("ci", "admin"), "long enough pw", t).unwrap();
        add_account(&mut s, &spec("other", "admin"), "long enough pw", t).unwrap();
        let (_, a) = issue_token(&mut s, "ci", "a", t).unwrap();
        let (kept, b) = issue_token(&mut s, "ci", "b", t).unwrap();
        let (_, c) = issue_token(&mut s, "other", "c", t).unwrap();
        let before = credential_stamp(&s.account("ci").unwrap().unwrap());
        assert!(matches!(
            change_password(&mut s, "ci", "short", t, None),
            Err(AccountError::WeakPassword)
        ));
        assert!(matches!(
            change_password(&mut s, "nobody", "long enough pw", t, None),
            Err(AccountError::NoAccount(_))
        ));
        assert_eq!(
            change_password(&mut s, "ci", "another long pw", t, Some(kept)).unwrap(),
            1
        );
        let after = s.account("ci").unwrap().unwrap();
        assert_ne!(credential_stamp(&after), before);
        assert!(verify_password("another long pw", &after.password_hash));
        assert!(s.token_account(&secret_hash(&a)).unwrap().is_none());
        assert!(s.token_account(&secret_hash(&b)).unwrap().is_some());
        assert!(s.token_account(&secret_hash(&c)).unwrap().is_some());
    }

    #[test]
    fn logged_text_is_capped() {
        assert_eq!(logged_text("chief"), "chief");
        let exact = "x".repeat(LOGGED_TEXT_MAX);
        assert_eq!(logged_text(&exact), exact);
        let long = "登".repeat(LOGGED_TEXT_MAX * 100);
        let cut = logged_text(&long);
        assert_eq!(cut.chars().count(), LOGGED_TEXT_MAX);
        assert!(cut.ends_with('…'));
        let e = event("t", &long, &long, "login_failed", &long);
        assert!(e.actor.chars().count() <= LOGGED_TEXT_MAX);
        assert!(e.origin.chars().count() <= LOGGED_TEXT_MAX);
        assert!(e.detail.chars().count() <= LOGGED_TEXT_MAX);
    }

    #[test]
    fn region_scopes() {
        assert!(region_covers(520000000000, 520100000000));
        assert!(region_covers(520000000000, 520102003004));
        assert!(region_covers(520102000000, 520102000000));
        assert!(!region_covers(520100000000, 520000000000));
        assert!(!region_covers(520000000000, 530100000000));
    }
}
