//! The SQL schema: embedded migrations, and the generator the first
//! migration was written from (a test keeps them in agreement).

use xiezuo_exchange::{ColType, FileKind};
use xiezuo_store::dense_refs;

/// The embedded migrations, in order: (name, SQL). Never edit an applied
/// migration; add a new one.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_exchange_v1",
        include_str!("../migrations/0001_exchange_v1.sql"),
    ),
    (
        "0002_exchange_v1_1",
        include_str!("../migrations/0002_exchange_v1_1.sql"),
    ),
    (
        "0003_registry_indexes",
        include_str!("../migrations/0003_registry_indexes.sql"),
    ),
    (
        "0004_accounts",
        include_str!("../migrations/0004_accounts.sql"),
    ),
];

fn sql_type(c: &xiezuo_exchange::Column) -> &'static str {
    match c.ty {
        ColType::Code | ColType::Int | ColType::Money | ColType::Bool => "INTEGER",
        ColType::Decimal => "REAL",
        _ => "TEXT",
    }
}

fn create_table(k: FileKind, version: u8) -> String {
    let mut t = format!(
        "CREATE TABLE {} (\n  id INTEGER PRIMARY KEY,\n  batch_id INTEGER NOT NULL",
        k.table()
    );
    for c in k.columns().iter().filter(|c| c.since <= version) {
        let nn = if c.required { " NOT NULL" } else { "" };
        t.push_str(&format!(",\n  {} {}{nn}", c.name, sql_type(c)));
    }
    for (col, _) in dense_refs(k) {
        t.push_str(&format!(
            ",\n  {}_ref INTEGER",
            k.columns()[*col].name.trim_end_matches("_id")
        ));
    }
    t.push_str("\n);\n");
    let key: Vec<&str> = k.key().iter().map(|&i| k.columns()[i].name).collect();
    t.push_str(&format!(
        "CREATE UNIQUE INDEX {}_key ON {} ({});\n",
        k.table(),
        k.table(),
        key.join(", ")
    ));
    t
}

/// The migration that brings the schema to format `version` (1: v1,
/// 2: v1.1), as generated from the schema table.
pub fn migration_sql(version: u8) -> String {
    let mut s = String::new();
    if version == 2 {
        s.push_str(&format!(
            "-- Exchange format v1.{}: new kinds and columns.\n",
            version - 1
        ));
    }
    for k in FileKind::ALL.iter().filter(|k| k.since() == version) {
        s.push_str(&create_table(*k, version));
    }
    for k in FileKind::ALL.iter().filter(|k| k.since() < version) {
        for c in k.columns().iter().filter(|c| c.since == version) {
            s.push_str(&format!(
                "ALTER TABLE {} ADD COLUMN {} {};\n",
                k.table(),
                c.name,
                sql_type(c)
            ));
        }
    }
    if version == 1 {
        s.push_str(
            "CREATE UNIQUE INDEX persons_id_number ON persons (id_number);\n\
             CREATE INDEX funds_reverses ON funds (reverses);\n\
             -- Exchange format v1: one table per file kind, plus the audit trail.\n\
             CREATE TABLE batches (\n  id INTEGER PRIMARY KEY,\n  actor TEXT NOT NULL,\n  at TEXT NOT NULL,\n  source TEXT NOT NULL,\n  counts TEXT NOT NULL\n);\n\
             CREATE TABLE audit (\n  id INTEGER PRIMARY KEY,\n  batch_id INTEGER NOT NULL,\n  kind TEXT NOT NULL,\n  row_key TEXT NOT NULL,\n  field TEXT NOT NULL,\n  old_value TEXT,\n  new_value TEXT\n);\n\
             CREATE INDEX audit_row ON audit (kind, row_key);\n\
             CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;\n\
             CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;\n\
             CREATE TRIGGER batches_append_only_u BEFORE UPDATE ON batches BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;\n\
             CREATE TRIGGER batches_append_only_d BEFORE DELETE ON batches BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;\n\
             CREATE TRIGGER funds_append_only_u BEFORE UPDATE ON funds BEGIN SELECT RAISE(ABORT, 'the funds ledger is append-only: add a reversal row'); END;\n\
             CREATE TRIGGER funds_append_only_d BEFORE DELETE ON funds BEGIN SELECT RAISE(ABORT, 'the funds ledger is append-only: add a reversal row'); END;\n",
        );
    }
    if version == 2 {
        s.push_str("CREATE INDEX placements_posting ON placements (posting_id);\n");
    }
    if version == 3 {
        s.push_str(
            "-- Indexes for browsing the registry by region and household.\n\
             CREATE INDEX households_village ON households (village);\n\
             CREATE INDEX persons_household ON persons (household_ref);\n\
             CREATE INDEX funds_project ON funds (project_id);\n",
        );
    }
    if version == 4 {
        s.push_str(
            "-- Accounts, API tokens, the access log and store settings.\n\
             CREATE TABLE accounts (\n  id INTEGER PRIMARY KEY,\n  login TEXT NOT NULL UNIQUE,\n  display_name TEXT NOT NULL,\n  role TEXT NOT NULL,\n  region INTEGER,\n  organisation TEXT,\n  can_view_personal INTEGER NOT NULL,\n  password_hash TEXT NOT NULL,\n  disabled INTEGER NOT NULL DEFAULT 0,\n  failed_logins INTEGER NOT NULL DEFAULT 0,\n  locked_until TEXT,\n  created_at TEXT NOT NULL\n);\n\
             CREATE TABLE api_tokens (\n  id INTEGER PRIMARY KEY,\n  account_id INTEGER NOT NULL REFERENCES accounts (id),\n  secret_hash TEXT NOT NULL UNIQUE,\n  label TEXT NOT NULL,\n  created_at TEXT NOT NULL,\n  revoked_at TEXT\n);\n\
             CREATE TABLE access_log (\n  id INTEGER PRIMARY KEY,\n  at TEXT NOT NULL,\n  actor TEXT NOT NULL,\n  origin TEXT NOT NULL,\n  action TEXT NOT NULL,\n  kind TEXT,\n  row_key TEXT,\n  detail TEXT NOT NULL\n);\n\
             CREATE INDEX access_log_row ON access_log (kind, row_key);\n\
             CREATE TRIGGER access_log_append_only_u BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;\n\
             CREATE TRIGGER access_log_append_only_d BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;\n\
             CREATE TABLE meta (\n  name TEXT PRIMARY KEY,\n  value TEXT NOT NULL\n);\n",
        );
    }
    s
}
