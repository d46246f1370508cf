//! Choosing the store from `--db`: a path or `sqlite://PATH` is SQLite;
//! `postgres://` (or `postgresql://`) is a PostgreSQL database; anything
//! else is an error, never a silently created file.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xiezuo_store::Store;
use xiezuo_store::copy::CopyStore;
use xiezuo_store::protect::{PersonalKey, ProtectedStore};
use xiezuo_store_postgres::PgStore;
use xiezuo_store_sqlite::SqliteStore;

/// How the settings chose the store: the `[store]` section of
/// `settings::Settings` (`db` and `key_file`, from the settings file,
/// `XIEZUO_DB`/`XIEZUO_KEY_FILE` or `--db`/`--key-file`). Resolved once in
/// `main` and handed to every command that opens a store.
#[derive(Debug, Clone, Default)]
pub struct StoreSettings {
    /// The store location (`--db`); `None` means the default `./xiezuo.db`.
    pub db: Option<String>,
    /// The personal-data key file given; `None` means the default beside
    /// an embedded store.
    pub key_file: Option<PathBuf>,
}

/// Whether opening may bring a new store into being.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// A reading command: a missing embedded store is an error, and
    /// nothing is written to disk.
    Never,
    /// A writing command (import, demo, adding an account): a missing
    /// embedded store is created, with its key file.
    IfMissing,
}

impl StoreSettings {
    /// The same settings with another `--db` value.
    pub fn with_db(&self, db: String) -> StoreSettings {
        StoreSettings {
            db: Some(db),
            key_file: self.key_file.clone(),
        }
    }

    /// Where the store lives.
    pub fn location(&self) -> Result<Location> {
        match &self.db {
            Some(u) => parse_location(u),
            None => Ok(Location::Sqlite(crate::default_db())),
        }
    }

    /// The key file of the store at `loc`: the one given, or
    /// `<store file>.key` beside an embedded store. A server store has no
    /// default: its key must be kept apart from it.
    pub fn key_file_for(&self, loc: &Location) -> Result<PathBuf> {
        if let Some(p) = &self.key_file {
            return Ok(p.clone());
        }
        match loc {
            Location::Sqlite(p) => Ok(PathBuf::from(format!("{}.key", p.display()))),
            Location::Postgres(_) => bail!(
                "a PostgreSQL store needs the personal-data key file: pass --key-file PATH (or set XIEZUO_KEY_FILE)"
            ),
        }
    }

    /// Opens an existing store, for a reading command.
    pub fn open(&self) -> Result<Box<dyn Store>> {
        self.open_with(Create::Never)
    }

    /// Opens the store, creating it (and its key file) when it is missing,
    /// for a writing command.
    pub fn open_or_create(&self) -> Result<Box<dyn Store>> {
        self.open_with(Create::IfMissing)
    }

    fn open_with(&self, create: Create) -> Result<Box<dyn Store>> {
        let loc = self.location()?;
        if create == Create::Never {
            ensure_exists(&loc)?;
        }
        let key_file = self.key_file_for(&loc)?;
        open_backend(&loc).and_then(|s| protect(s, &key_file))
    }
}

/// Refuses a missing embedded store before anything touches the disk. A
/// server store is the server's to check.
pub fn ensure_exists(loc: &Location) -> Result<()> {
    if let Location::Sqlite(p) = loc
        && !p.exists()
    {
        bail!(
            "store {} does not exist; create one with `xiezuo import DIR` or `xiezuo demo`, or pass --db PATH to name an existing one",
            p.display()
        );
    }
    Ok(())
}

/// Wraps a backend so persons' identity numbers and names are sealed at
/// rest with the key in `key_file` (created on first use of a new store).
pub fn protect(inner: Box<dyn Store>, key_file: &Path) -> Result<Box<dyn Store>> {
    let fresh = inner.meta(xiezuo_store::protect::KEY_CHECK)?.is_none();
    let key = PersonalKey::load_or_create(key_file, fresh)
        .with_context(|| "opening the personal-data key".to_string())?;
    Ok(Box::new(ProtectedStore::open(inner, Arc::new(key))?))
}

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

/// Parses a `--db` value.
pub fn parse_location(url: &str) -> Result<Location> {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        if rest.is_empty() {
            bail!("--db sqlite:// needs a file path, e.g. sqlite://xiezuo.db");
        }
        return Ok(Location::Sqlite(PathBuf::from(rest)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Location::Postgres(url.to_string()));
    }
    if let Some((scheme, _)) = url.split_once("://") {
        bail!(
            "unknown store scheme {scheme:?} in --db: use a file path, sqlite://PATH or postgres://…"
        );
    }
    if url.is_empty() {
        bail!("--db is empty");
    }
    Ok(Location::Sqlite(PathBuf::from(url)))
}

/// Opens the backend itself, without the personal-data layer.
pub fn open_backend(loc: &Location) -> Result<Box<dyn Store>> {
    Ok(match loc {
        Location::Sqlite(p) => Box::new(open_sqlite(p)?),
        Location::Postgres(url) => Box::new(open_postgres(url)?),
    })
}

/// Opens the backend for copying a whole store out or in (rows as stored,
/// personal data sealed as it is).
pub fn open_copy(loc: &Location) -> Result<Box<dyn CopyStore>> {
    Ok(match loc {
        Location::Sqlite(p) => Box::new(open_sqlite(p)?),
        Location::Postgres(url) => Box::new(open_postgres(url)?),
    })
}

fn open_sqlite(p: &Path) -> Result<SqliteStore> {
    SqliteStore::open(p).map_err(|e| anyhow::anyhow!("cannot open store {}: {e}", p.display()))
}

fn open_postgres(url: &str) -> Result<PgStore> {
    PgStore::open(url).map_err(|e| {
        anyhow::anyhow!(
            "cannot open store {}: {e}",
            xiezuo_store_postgres::redact(url)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(
            parse_location("a.db").unwrap(),
            Location::Sqlite("a.db".into())
        );
        assert_eq!(
            parse_location("sqlite:///tmp/a.db").unwrap(),
            Location::Sqlite("/tmp/a.db".into())
        );
        assert!(matches!(
            parse_location("postgres://u@h/db").unwrap(),
            Location::Postgres(_)
        ));
        assert!(parse_location("mysql://h/db").is_err());
        assert!(parse_location("sqlite://").is_err());
    }
}
