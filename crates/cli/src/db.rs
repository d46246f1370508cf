//! Choosing the store from `--db`: a path or `sqlite://PATH` is SQLite;
//! `postgres://` is reserved for the PostgreSQL backend; anything else is an
//! error, never a silently created file.

use anyhow::{Result, bail};
use std::path::PathBuf;
use xiezuo_store::Store;
use xiezuo_store_sqlite::SqliteStore;

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

/// Opens the store named by `--db` (or the default).
pub fn open(db: Option<&str>) -> Result<Box<dyn Store>> {
    let loc = match db {
        Some(u) => parse_location(u)?,
        None => Location::Sqlite(crate::default_db()),
    };
    match loc {
        Location::Sqlite(p) => {
            let s = SqliteStore::open(&p)
                .map_err(|e| anyhow::anyhow!("cannot open store {}: {e}", p.display()))?;
            Ok(Box::new(s))
        }
        Location::Postgres(_) => {
            bail!(
                "the PostgreSQL backend is not available in this build; use the embedded store (a file path)"
            )
        }
    }
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
