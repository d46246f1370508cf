//! The schema migration runner (迁移): the one rule for bringing a store's
//! schema up to date, shared by every backend. A backend implements
//! `Migrator` (read the applied version, apply one migration); `run` decides
//! which migrations to apply and refuses a store written by a newer version.

use crate::StoreError;

/// The migrations' names, in order: version `i + 1` is `MIGRATION_NAMES[i]`.
/// Every backend embeds one SQL file per name, `migrations/NAME.sql`.
pub const MIGRATION_NAMES: [&str; 5] = [
    "0001_exchange_v1",
    "0002_exchange_v1_1",
    "0003_registry_indexes",
    "0004_accounts",
    "0005_exchange_v1_2",
];

/// The embedded migrations of the calling crate, in order: (name, SQL) read
/// from its `migrations/NAME.sql` for each of `MIGRATION_NAMES`. Never edit
/// an applied migration; add a new one.
#[macro_export]
macro_rules! embedded_migrations {
    () => {
        &[
            (
                $crate::migrate::MIGRATION_NAMES[0],
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/migrations/0001_exchange_v1.sql"
                )),
            ),
            (
                $crate::migrate::MIGRATION_NAMES[1],
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/migrations/0002_exchange_v1_1.sql"
                )),
            ),
            (
                $crate::migrate::MIGRATION_NAMES[2],
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/migrations/0003_registry_indexes.sql"
                )),
            ),
            (
                $crate::migrate::MIGRATION_NAMES[3],
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/migrations/0004_accounts.sql"
                )),
            ),
            (
                $crate::migrate::MIGRATION_NAMES[4],
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/migrations/0005_exchange_v1_2.sql"
                )),
            ),
        ]
    };
}

/// What a backend does for the runner.
pub trait Migrator {
    /// The highest applied version (0 for a new store), creating the
    /// bookkeeping table if it does not exist yet.
    fn current_version(&mut self) -> Result<i64, StoreError>;
    /// Applies the migration `sql` as `version` and records it under `name`.
    fn apply(&mut self, version: i64, name: &str, sql: &str) -> Result<(), StoreError>;
}

/// Applies the `migrations` (version `i + 1` is `migrations[i]`) not yet
/// applied, in order; refuses a store whose version is newer than the last
/// one known here as `StoreError::TooNew`.
pub fn run(m: &mut impl Migrator, migrations: &[(&str, &str)]) -> Result<(), StoreError> {
    let current = m.current_version()?;
    let known = migrations.len() as i64;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for (i, (name, sql)) in migrations.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        m.apply(version, name, sql)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        current: i64,
        applied: Vec<(i64, String)>,
    }

    impl Migrator for Fake {
        fn current_version(&mut self) -> Result<i64, StoreError> {
            Ok(self.current)
        }
        fn apply(&mut self, version: i64, name: &str, _sql: &str) -> Result<(), StoreError> {
            self.applied.push((version, name.to_string()));
            Ok(())
        }
    }

    const LIST: &[(&str, &str)] = &[("a", ""), ("b", ""), ("c", "")];

    #[test]
    fn applies_only_the_missing_migrations_in_order() {
        let mut f = Fake {
            current: 1,
            applied: vec![],
        };
        run(&mut f, LIST).unwrap();
        assert_eq!(f.applied, vec![(2, "b".into()), (3, "c".into())]);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut f = Fake {
            current: 4,
            applied: vec![],
        };
        let e = run(&mut f, LIST).unwrap_err();
        assert!(matches!(e, StoreError::TooNew { found: 4, known: 3 }));
        assert!(f.applied.is_empty());
    }
}
