//! The SQL schema: embedded migrations, and the generator the first
//! migration was written from (a test keeps them in agreement).

use xiezuo_exchange::{ColType, FileKind};
use xiezuo_store::dense_refs;

/// The embedded migrations, in order: (name, SQL). Never edit an applied
/// migration; add a new one.
pub const MIGRATIONS: &[(&str, &str)] = &[(
    "0001_exchange_v1",
    include_str!("../migrations/0001_exchange_v1.sql"),
)];

/// The schema of exchange format v1 as generated from the schema table.
pub fn generated_schema_sql() -> String {
    let mut s = String::from(
        "-- Exchange format v1: one table per file kind, plus the audit trail.\n\
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
    // Tables first (the funds triggers above need the table; SQLite resolves
    // trigger tables at creation, so emit tables before triggers).
    let mut tables = String::new();
    for k in FileKind::ALL {
        tables.push_str(&format!(
            "CREATE TABLE {} (\n  id INTEGER PRIMARY KEY,\n  batch_id INTEGER NOT NULL",
            k.table()
        ));
        for c in k.columns() {
            let ty = match c.ty {
                ColType::Code | ColType::Int | ColType::Money | ColType::Bool => "INTEGER",
                ColType::Decimal => "REAL",
                _ => "TEXT",
            };
            let nn = if c.required { " NOT NULL" } else { "" };
            tables.push_str(&format!(",\n  {} {ty}{nn}", c.name));
        }
        for (col, _) in dense_refs(*k) {
            tables.push_str(&format!(
                ",\n  {}_ref INTEGER",
                k.columns()[*col].name.trim_end_matches("_id")
            ));
        }
        tables.push_str("\n);\n");
        let key: Vec<&str> = k.key().iter().map(|&i| k.columns()[i].name).collect();
        tables.push_str(&format!(
            "CREATE UNIQUE INDEX {}_key ON {} ({});\n",
            k.table(),
            k.table(),
            key.join(", ")
        ));
    }
    tables.push_str("CREATE UNIQUE INDEX persons_id_number ON persons (id_number);\n");
    tables.push_str("CREATE INDEX funds_reverses ON funds (reverses);\n");
    tables + &s.split_off(0)
}
