//! The SQL schema: embedded migrations, generated for PostgreSQL from the
//! one schema table in `xiezuo_store::ddl` (a test keeps them in agreement
//! with the generated text and with the SQLite migrations' names).

use xiezuo_store::ddl::Dialect;

/// The embedded migrations, in order: (name, SQL). Never edit an applied
/// migration; add a new one.
pub const MIGRATIONS: &[(&str, &str)] = xiezuo_store::embedded_migrations!();

/// The migration that brings the schema to `version`, as generated for
/// PostgreSQL from the schema table.
pub fn migration_sql(version: u8) -> String {
    xiezuo_store::ddl::migration_sql(version, Dialect::Postgres)
}
