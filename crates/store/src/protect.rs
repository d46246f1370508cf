//! Personal data at rest (个人信息保护): identity numbers and names of
//! registered persons never reach a backend in clear.
//!
//! `ProtectedStore` wraps any backend. On the way in, a person row's
//! `id_number` cell is replaced by a keyed hash (HMAC-SHA-256, the blind
//! index the backend's unique index and look-ups work on) and its `name`
//! cell by a sealed envelope holding both name and identity number
//! (AES-SIV, RFC 5297: deterministic authenticated encryption, so an
//! unchanged person stays unchanged on re-import and nothing but equality
//! is revealed, which the keyed hash reveals anyway). On the way out the
//! envelope is opened and both cells are restored. The key comes from a
//! key file, never from the database; the store keeps only a check value
//! so that a wrong key is refused instead of silently producing garbage.

use crate::{
    AccessEvent, Account, AccountStore, ApiToken, AuditEntry, Batch, BatchInfo, HouseholdFacts,
    ImportTx, NewAccount, RowVisitor, Store, StoreError, StoredRow, Upsert,
};
use aes_siv::aead::KeyInit;
use aes_siv::siv::Aes256Siv;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;
use std::sync::Arc;
use xiezuo_exchange::{Cell, FileKind};

/// The `meta` entry holding the key's check value.
pub const KEY_CHECK: &str = "personal_key_check";
const BLIND_PREFIX: &str = "k1:";
const SEAL_PREFIX: &str = "s1:";
const SEPARATOR: char = '\u{1f}';
const ASSOCIATED: &[u8] = b"xiezuo persons v1";

/// The personal-data key: 32 random bytes, kept in a key file as 64 hex
/// digits. The blind-index and encryption keys are derived from it.
pub struct PersonalKey {
    master: [u8; 32],
    index: [u8; 32],
    siv: [u8; 64],
}

impl std::fmt::Debug for PersonalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PersonalKey(check {})", self.check_value())
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length: this cannot fail.
    let mut m = match <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    m.update(data);
    m.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_error(msg: impl Into<String>) -> StoreError {
    StoreError::Key(msg.into())
}

impl PersonalKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(master: [u8; 32]) -> PersonalKey {
        let index = hmac(&master, b"xiezuo/blind-index/v1");
        let a = hmac(&master, b"xiezuo/siv/v1/mac");
        let b = hmac(&master, b"xiezuo/siv/v1/enc");
        let mut siv = [0u8; 64];
        siv[..32].copy_from_slice(&a);
        siv[32..].copy_from_slice(&b);
        PersonalKey { master, index, siv }
    }

    /// A fresh random key.
    pub fn generate() -> Result<PersonalKey, StoreError> {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|e| key_error(format!("no randomness: {e}")))?;
        Ok(PersonalKey::from_bytes(b))
    }

    /// Parses the key file's text: 64 hex digits (surrounding space ignored).
    pub fn from_text(text: &str) -> Result<PersonalKey, StoreError> {
        let t = text.trim();
        if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(key_error(
                "a key file holds 64 hexadecimal digits (32 bytes)",
            ));
        }
        let mut b = [0u8; 32];
        for (i, byte) in b.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&t[2 * i..2 * i + 2], 16)
                .map_err(|_| key_error("a key file holds hexadecimal digits"))?;
        }
        Ok(PersonalKey::from_bytes(b))
    }

    /// The key file's text.
    pub fn to_text(&self) -> String {
        format!("{}\n", hex(&self.master))
    }

    /// Reads the key file at `path`, or, when it does not exist and
    /// `create` is true, writes a new random key there (readable by its
    /// owner only) and returns it. Two processes creating it at once agree
    /// on one key.
    pub fn load_or_create(path: &Path, create: bool) -> Result<PersonalKey, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(t) => {
                return PersonalKey::from_text(&t)
                    .map_err(|e| key_error(format!("{}: {e}", path.display())));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {}
            Err(e) => return Err(key_error(format!("cannot read {}: {e}", path.display()))),
        }
        let key = PersonalKey::generate()?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            if let Some(d) = dir {
                std::fs::create_dir_all(d)?;
            }
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp)?;
            std::io::Write::write_all(&mut f, key.to_text().as_bytes())?;
            f.sync_all()?;
            Ok(())
        };
        write().map_err(|e| key_error(format!("cannot write {}: {e}", tmp.display())))?;
        // A hard link never replaces: whoever links first wins.
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(key),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                PersonalKey::load_or_create(path, false)
            }
            Err(e) => Err(key_error(format!("cannot write {}: {e}", path.display()))),
        }
    }

    /// A value that identifies the key without revealing it.
    pub fn check_value(&self) -> String {
        hex(&hmac(&self.master, b"xiezuo/key-check/v1")[..8])
    }

    /// The keyed hash of an identity number: what the store indexes and
    /// looks up.
    pub fn blind(&self, id_number: &str) -> String {
        format!(
            "{BLIND_PREFIX}{}",
            hex(&hmac(&self.index, id_number.as_bytes())[..16])
        )
    }

    /// Encrypts `plain` (deterministically).
    pub fn seal(&self, plain: &str) -> Result<String, StoreError> {
        let mut siv = Aes256Siv::new_from_slice(&self.siv)
            .map_err(|_| key_error("the derived key has the wrong length"))?;
        let ct = siv
            .encrypt([ASSOCIATED], plain.as_bytes())
            .map_err(|_| key_error("encryption failed"))?;
        Ok(format!("{SEAL_PREFIX}{}", URL_SAFE_NO_PAD.encode(ct)))
    }

    /// Decrypts an envelope made by `seal`.
    pub fn open(&self, sealed: &str) -> Result<String, StoreError> {
        let body = sealed
            .strip_prefix(SEAL_PREFIX)
            .ok_or_else(|| StoreError::Corrupt("a person's name is not sealed".into()))?;
        let ct = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| StoreError::Corrupt("a sealed name is not base64".into()))?;
        let mut siv = Aes256Siv::new_from_slice(&self.siv)
            .map_err(|_| key_error("the derived key has the wrong length"))?;
        let plain = siv.decrypt([ASSOCIATED], &ct).map_err(|_| {
            key_error("a sealed value does not open with this key (wrong key file?)")
        })?;
        String::from_utf8(plain)
            .map_err(|_| StoreError::Corrupt("a sealed value is not UTF-8".into()))
    }
}

/// Column positions of the person row's personal cells.
fn person_cols() -> (usize, usize) {
    let cols = FileKind::Persons.columns();
    let id = cols.iter().position(|c| c.name == "id_number");
    let name = cols.iter().position(|c| c.name == "name");
    match (id, name) {
        (Some(i), Some(n)) => (i, n),
        _ => unreachable!("persons have id_number and name columns"),
    }
}

fn text(c: &Cell) -> &str {
    match c {
        Cell::Text(t) => t.as_str(),
        _ => "",
    }
}

impl PersonalKey {
    /// A person row as the backend stores it.
    pub fn seal_person(&self, cells: &[Cell]) -> Result<Vec<Cell>, StoreError> {
        let (i, n) = person_cols();
        let mut out = cells.to_vec();
        let id = text(&cells[i]);
        let envelope = self.seal(&format!("{}{SEPARATOR}{id}", text(&cells[n])))?;
        out[i] = Cell::Text(self.blind(id).into());
        out[n] = Cell::Text(envelope.into());
        Ok(out)
    }

    /// A stored person row in clear.
    pub fn open_person(&self, cells: &mut [Cell]) -> Result<(), StoreError> {
        let (i, n) = person_cols();
        let plain = self.open(text(&cells[n]))?;
        let (name, id) = plain
            .split_once(SEPARATOR)
            .ok_or_else(|| StoreError::Corrupt("a sealed person lacks its parts".into()))?;
        cells[i] = Cell::Text(id.into());
        cells[n] = Cell::Text(name.into());
        Ok(())
    }

    fn open_audit(&self, e: &mut AuditEntry) -> Result<(), StoreError> {
        if e.kind != FileKind::Persons.stem() {
            return Ok(());
        }
        match e.field.as_str() {
            "name" => {
                for v in [&mut e.old, &mut e.new] {
                    if let Some(s) = v.as_mut().filter(|s| s.starts_with(SEAL_PREFIX)) {
                        let plain = self.open(s)?;
                        *s = plain
                            .split(SEPARATOR)
                            .next()
                            .unwrap_or_default()
                            .to_string();
                    }
                }
            }
            "id_number" => {
                // The trail holds keyed hashes; the identity numbers of the
                // change are in the `name` entries' envelopes of the batch.
                for v in [&mut e.old, &mut e.new] {
                    if let Some(s) = v.as_mut() {
                        *s = format!("[keyed hash {s}]");
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Any store, with persons' identity numbers and names sealed at rest.
pub struct ProtectedStore {
    inner: Box<dyn Store>,
    key: Arc<PersonalKey>,
}

impl ProtectedStore {
    /// Wraps `inner`. The first use records the key's check value; later
    /// uses must bring the same key. A store already holding persons
    /// without a check value holds them in clear and is refused.
    pub fn open(mut inner: Box<dyn Store>, key: Arc<PersonalKey>) -> Result<Self, StoreError> {
        let check = key.check_value();
        match inner.meta(KEY_CHECK)? {
            Some(found) if found == check => {}
            Some(found) => {
                return Err(key_error(format!(
                    "the store's personal data was sealed with another key (check value {found}, this key {check})"
                )));
            }
            None => {
                if inner.count(FileKind::Persons)? > 0 {
                    return Err(key_error(
                        "the store holds persons in clear (written before personal data was sealed): export it with the version that wrote it and import it into a new store",
                    ));
                }
                inner.set_meta(KEY_CHECK, &check)?;
            }
        }
        Ok(ProtectedStore { inner, key })
    }

    fn open_rows(&self, kind: FileKind, rows: &mut [StoredRow]) -> Result<(), StoreError> {
        if kind == FileKind::Persons {
            for r in rows {
                self.key.open_person(&mut r.cells)?;
            }
        }
        Ok(())
    }
}

struct ProtectedImport<'a> {
    inner: Box<dyn ImportTx + 'a>,
    key: Arc<PersonalKey>,
}

impl ImportTx for ProtectedImport<'_> {
    fn get(&mut self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        let mut row = self.inner.get(kind, key)?;
        if let (FileKind::Persons, Some(r)) = (kind, row.as_mut()) {
            self.key.open_person(&mut r.cells)?;
        }
        Ok(row)
    }

    fn was_empty(&self, kind: FileKind) -> bool {
        self.inner.was_empty(kind)
    }

    fn person_by_id_number(
        &mut self,
        id_number: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        self.inner.person_by_id_number(&self.key.blind(id_number))
    }

    fn reversed_total(&mut self, txn_id: &str) -> Result<i64, StoreError> {
        self.inner.reversed_total(txn_id)
    }

    fn upsert(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
        written: &dyn Fn(i64) -> bool,
    ) -> Result<Upsert, StoreError> {
        if kind == FileKind::Persons {
            let sealed = self.key.seal_person(cells)?;
            self.inner.upsert(kind, &sealed, refs, written)
        } else {
            self.inner.upsert(kind, cells, refs, written)
        }
    }

    fn prefetch(&mut self, kind: FileKind, rows: &[&[Cell]]) -> Result<(), StoreError> {
        if kind != FileKind::Persons {
            return self.inner.prefetch(kind, rows);
        }
        // The backend looks persons up by key and by the keyed hash.
        let (i, _) = person_cols();
        let blinded: Vec<Vec<Cell>> = rows
            .iter()
            .map(|r| {
                let mut c = r.to_vec();
                if let Some(cell) = c.get_mut(i) {
                    let blind = self.key.blind(text(cell));
                    *cell = Cell::Text(blind.into());
                }
                c
            })
            .collect();
        let refs: Vec<&[Cell]> = blinded.iter().map(Vec::as_slice).collect();
        self.inner.prefetch(kind, &refs)
    }

    fn commit(self: Box<Self>, counts: &str) -> Result<i64, StoreError> {
        self.inner.commit(counts)
    }
}

impl Store for ProtectedStore {
    fn begin_read(&self) -> Result<(), StoreError> {
        self.inner.begin_read()
    }

    fn end_read(&self) -> Result<(), StoreError> {
        self.inner.end_read()
    }

    fn begin_import(&mut self, batch: &BatchInfo) -> Result<Box<dyn ImportTx + '_>, StoreError> {
        let key = self.key.clone();
        let inner = self.inner.begin_import(batch)?;
        Ok(Box::new(ProtectedImport { inner, key }))
    }

    fn count(&self, kind: FileKind) -> Result<u64, StoreError> {
        self.inner.count(kind)
    }

    fn get(&self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        let mut row = self.inner.get(kind, key)?;
        if let (FileKind::Persons, Some(r)) = (kind, row.as_mut()) {
            self.key.open_person(&mut r.cells)?;
        }
        Ok(row)
    }

    fn scan(&self, kind: FileKind, visit: &mut RowVisitor<'_>) -> Result<(), StoreError> {
        if kind != FileKind::Persons {
            return self.inner.scan(kind, visit);
        }
        let key = self.key.clone();
        self.inner.scan(kind, &mut |row, refs| {
            let mut r = row.clone();
            key.open_person(&mut r.cells)?;
            visit(&r, refs)
        })
    }

    fn person_households(&self) -> Result<Vec<u32>, StoreError> {
        self.inner.person_households()
    }

    fn household_facts(&self) -> Result<Vec<HouseholdFacts>, StoreError> {
        self.inner.household_facts()
    }

    fn households_in(
        &self,
        lo: u64,
        hi: u64,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<StoredRow>), StoreError> {
        self.inner.households_in(lo, hi, offset, limit)
    }

    fn members_of(&self, household_rowid: i64) -> Result<Vec<StoredRow>, StoreError> {
        let mut rows = self.inner.members_of(household_rowid)?;
        self.open_rows(FileKind::Persons, &mut rows)?;
        Ok(rows)
    }

    fn members_of_households(
        &self,
        household_rowids: &[i64],
    ) -> Result<Vec<Vec<StoredRow>>, StoreError> {
        let mut all = self.inner.members_of_households(household_rowids)?;
        for rows in &mut all {
            self.open_rows(FileKind::Persons, rows)?;
        }
        Ok(all)
    }

    fn funds_of_project(&self, project_id: &str) -> Result<Vec<StoredRow>, StoreError> {
        self.inner.funds_of_project(project_id)
    }

    fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        self.inner.backup_to(path)
    }

    fn batches(&self) -> Result<Vec<Batch>, StoreError> {
        self.inner.batches()
    }

    fn audit_of(&self, kind: FileKind, key: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut entries = self.inner.audit_of(kind, key)?;
        for e in &mut entries {
            self.key.open_audit(e)?;
        }
        Ok(entries)
    }

    fn audit_trail(
        &self,
        visit: &mut dyn FnMut(&AuditEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let key = self.key.clone();
        self.inner.audit_trail(&mut |e| {
            let mut e = e.clone();
            key.open_audit(&mut e)?;
            visit(&e)
        })
    }
}

impl AccountStore for ProtectedStore {
    fn add_account(&mut self, a: &NewAccount) -> Result<i64, StoreError> {
        self.inner.add_account(a)
    }
    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.inner.accounts()
    }
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        self.inner.account(login)
    }
    fn set_disabled(&mut self, login: &str, disabled: bool) -> Result<bool, StoreError> {
        self.inner.set_disabled(login, disabled)
    }
    fn set_password_hash(&mut self, login: &str, hash: &str) -> Result<bool, StoreError> {
        self.inner.set_password_hash(login, hash)
    }
    fn set_login_state(
        &mut self,
        login: &str,
        failed_logins: u32,
        locked_until: Option<&str>,
    ) -> Result<(), StoreError> {
        self.inner
            .set_login_state(login, failed_logins, locked_until)
    }
    fn add_token(
        &mut self,
        account_id: i64,
        secret_hash: &str,
        label: &str,
        at: &str,
    ) -> Result<i64, StoreError> {
        self.inner.add_token(account_id, secret_hash, label, at)
    }
    fn tokens(&self, account_id: Option<i64>) -> Result<Vec<ApiToken>, StoreError> {
        self.inner.tokens(account_id)
    }
    fn token_account(&self, secret_hash: &str) -> Result<Option<Account>, StoreError> {
        self.inner.token_account(secret_hash)
    }
    fn revoke_token(&mut self, id: i64, at: &str) -> Result<bool, StoreError> {
        self.inner.revoke_token(id, at)
    }
    fn log_access(&mut self, e: &AccessEvent) -> Result<i64, StoreError> {
        self.inner.log_access(e)
    }
    fn access_log(
        &self,
        kind: Option<&str>,
        key: Option<&str>,
    ) -> Result<Vec<AccessEvent>, StoreError> {
        self.inner.access_log(kind, key)
    }
    fn meta(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.inner.meta(name)
    }
    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.inner.set_meta(name, value)
    }
    fn replace_meta(
        &mut self,
        name: &str,
        expected: Option<&str>,
        value: &str,
    ) -> Result<bool, StoreError> {
        self.inner.replace_meta(name, expected, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PersonalKey {
        PersonalKey::from_bytes([7u8; 32])
    }

    #[test]
    fn sealing_is_deterministic_and_opens() {
        let k = key();
        let a = k.seal("张三\u{1f}520102199001011234").unwrap();
        assert_eq!(a, k.seal("张三\u{1f}520102199001011234").unwrap());
        assert!(!a.contains("张三") && !a.contains("5201021990"));
        assert_eq!(k.open(&a).unwrap(), "张三\u{1f}520102199001011234");
        let other = PersonalKey::from_bytes([8u8; 32]);
        assert!(matches!(other.open(&a), Err(StoreError::Key(_))));
        assert_ne!(k.blind("1"), other.blind("1"));
        assert_eq!(k.blind("1"), key().blind("1"));
    }

    #[test]
    fn person_rows_round_trip() {
        let k = key();
        let cells = vec![
            Cell::Text("P1".into()),
            Cell::Text("H1".into()),
            Cell::Text("52010219900101123X".into()),
            Cell::Text("李四".into()),
            Cell::Text("F".into()),
            Cell::Text("1990-01-01".into()),
            Cell::Null,
        ];
        let sealed = k.seal_person(&cells).unwrap();
        assert_eq!(sealed[0], cells[0]);
        assert_eq!(sealed[2], Cell::Text(k.blind("52010219900101123X").into()));
        let mut opened = sealed.clone();
        k.open_person(&mut opened).unwrap();
        assert_eq!(opened, cells);
    }

    #[test]
    fn key_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.key");
        assert!(PersonalKey::load_or_create(&p, false).is_err());
        let a = PersonalKey::load_or_create(&p, true).unwrap();
        let b = PersonalKey::load_or_create(&p, false).unwrap();
        assert_eq!(a.check_value(), b.check_value());
        std::fs::write(&p, "not a key").unwrap();
        assert!(PersonalKey::load_or_create(&p, true).is_err());
    }
}
