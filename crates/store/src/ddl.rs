//! The SQL schema of every backend, generated from one table: the file
//! kinds and columns of the exchange format (`xiezuo_exchange::schema`),
//! plus the audit trail, accounts and settings declared here. Each backend
//! embeds the migrations generated for its dialect; a test in each keeps its
//! files equal to the generated text, so the dialects move in lockstep.

use crate::dense_refs;
use xiezuo_exchange::{ColType, Column, FileKind};

/// The SQL dialects of the backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The migration names, in order: version `i + 1` is `NAMES[i]`. Every
/// backend has one migration file per name. Never edit an applied
/// migration; add a new one.
pub const NAMES: &[&str] = &[
    "0001_exchange_v1",
    "0002_exchange_v1_1",
    "0003_registry_indexes",
    "0004_accounts",
    "0005_exchange_v1_2",
];

/// The columns besides a kind's key that are unique: (kind, column name).
const UNIQUE: &[(FileKind, &str)] = &[(FileKind::Persons, "id_number")];

/// The positions of the columns of `kind` that are unique besides its key
/// (a unique index each), e.g. a person's identity number.
pub fn unique_columns(kind: FileKind) -> Vec<usize> {
    UNIQUE
        .iter()
        .filter(|(k, _)| *k == kind)
        .filter_map(|(k, c)| k.col(c))
        .collect()
}

/// The column of the dense row id kept beside a reference column
/// (`household_id` → `household_ref`).
pub fn ref_column(kind: FileKind, col: usize) -> String {
    format!("{}_ref", kind.columns()[col].name.trim_end_matches("_id"))
}

/// The storage class of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    /// 64-bit integers: integers, codes, money, booleans of records (0/1).
    Int,
    /// Double precision.
    Real,
    Text,
    /// A flag of a table outside the records (accounts).
    Flag,
}

/// The storage class of an exchange-format column.
pub fn sql_type(c: &Column) -> SqlType {
    match c.ty {
        ColType::Code | ColType::Int | ColType::Money | ColType::Bool => SqlType::Int,
        ColType::Decimal => SqlType::Real,
        _ => SqlType::Text,
    }
}

impl Dialect {
    /// The `n`th (1-based) statement parameter.
    pub fn param(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    fn ty(self, t: SqlType) -> &'static str {
        match (self, t) {
            (Dialect::Sqlite, SqlType::Int | SqlType::Flag) => "INTEGER",
            (Dialect::Sqlite, SqlType::Real) => "REAL",
            (_, SqlType::Text) => "TEXT",
            (Dialect::Postgres, SqlType::Int) => "BIGINT",
            (Dialect::Postgres, SqlType::Real) => "DOUBLE PRECISION",
            (Dialect::Postgres, SqlType::Flag) => "BOOLEAN",
        }
    }

    /// The row id column: dense, assigned in first-stored order.
    fn id(self) -> &'static str {
        match self {
            Dialect::Sqlite => "id INTEGER PRIMARY KEY",
            Dialect::Postgres => "id BIGINT PRIMARY KEY",
        }
    }

    /// The literal of an unset flag.
    fn flag_off(self) -> &'static str {
        match self {
            Dialect::Sqlite => "0",
            Dialect::Postgres => "FALSE",
        }
    }
}

/// The columns of a kind's table, in schema order, for a SELECT list.
pub fn col_list(kind: FileKind) -> String {
    kind.columns()
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The condition matching a row by its key cells, bound as parameters
/// 1, 2, … in key order.
pub fn key_where(kind: FileKind, d: Dialect) -> String {
    let cols = kind.columns();
    kind.key()
        .iter()
        .enumerate()
        .map(|(n, &i)| format!("{} = {}", cols[i].name, d.param(n + 1)))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The SELECT of one row of `kind` by its key cells (parameters 1, 2, …
/// in key order): `id, batch_id, <columns>`.
pub fn select_by_key(kind: FileKind, d: Dialect) -> String {
    format!(
        "SELECT id, batch_id, {} FROM {} WHERE {}",
        col_list(kind),
        kind.table(),
        key_where(kind, d)
    )
}

/// The SELECT of every row of `kind` with its dense references: `id,
/// batch_id, <columns>, <dense refs>` (no order).
pub fn select_with_refs(kind: FileKind) -> String {
    let mut extra = String::new();
    for (col, _) in dense_refs(kind) {
        extra.push_str(", ");
        extra.push_str(&ref_column(kind, *col));
    }
    format!(
        "SELECT id, batch_id, {}{extra} FROM {}",
        col_list(kind),
        kind.table()
    )
}

/// Who gives an inserted row its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowId {
    /// The statement binds it as parameter 1 (a copy, or a backend that
    /// numbers its rows itself).
    Bound,
    /// The database assigns it.
    Assigned,
}

/// The INSERT of one row of `kind`: `[id,] batch_id, <columns>, <dense
/// refs>`, bound as parameters 1, 2, … in that order.
pub fn insert_sql(kind: FileKind, d: Dialect, id: RowId) -> String {
    let drefs = dense_refs(kind);
    let mut names = match id {
        RowId::Bound => "id, ".to_string(),
        RowId::Assigned => String::new(),
    };
    names.push_str("batch_id, ");
    names.push_str(&col_list(kind));
    for (col, _) in drefs {
        names.push_str(", ");
        names.push_str(&ref_column(kind, *col));
    }
    let n = usize::from(id == RowId::Bound) + 1 + kind.columns().len() + drefs.len();
    let params = (1..=n).map(|i| d.param(i)).collect::<Vec<_>>().join(", ");
    format!("INSERT INTO {} ({names}) VALUES ({params})", kind.table())
}

/// The UPDATE of every column of one row of `kind`: parameters `batch_id,
/// <columns>, <dense refs>, id`, in that order.
pub fn update_sql(kind: FileKind, d: Dialect) -> String {
    let cols = kind.columns();
    let mut sets = vec![format!("batch_id = {}", d.param(1))];
    for (i, c) in cols.iter().enumerate() {
        sets.push(format!("{} = {}", c.name, d.param(i + 2)));
    }
    let drefs = dense_refs(kind);
    for (j, (col, _)) in drefs.iter().enumerate() {
        sets.push(format!(
            "{} = {}",
            ref_column(kind, *col),
            d.param(cols.len() + 2 + j)
        ));
    }
    format!(
        "UPDATE {} SET {} WHERE id = {}",
        kind.table(),
        sets.join(", "),
        d.param(cols.len() + drefs.len() + 2)
    )
}

/// The audit trail joined with its batches, for `AuditEntry`: `batch_id,
/// actor, at, kind, row_key, field, old_value, new_value`.
pub const AUDIT_SELECT: &str =
    "SELECT a.batch_id, b.actor, b.at, a.kind, a.row_key, a.field, a.old_value, a.new_value
     FROM audit a JOIN batches b ON b.id = a.batch_id";

/// A column of a table declared here: name, type, constraint text.
struct Col<'a>(&'a str, SqlType, &'a str);

fn table(d: Dialect, name: &str, cols: &[Col<'_>]) -> String {
    let mut t = format!("CREATE TABLE {name} (\n  {}", d.id());
    for Col(n, ty, rest) in cols {
        t.push_str(&format!(",\n  {n} {}{rest}", d.ty(*ty)));
    }
    t.push_str("\n);\n");
    t
}

/// Triggers that refuse every change but inserts.
fn append_only(d: Dialect, table: &str, message: &str) -> String {
    match d {
        Dialect::Sqlite => format!(
            "CREATE TRIGGER {table}_append_only_u BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END;\n\
             CREATE TRIGGER {table}_append_only_d BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END;\n"
        ),
        Dialect::Postgres => format!(
            "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION xiezuo_append_only('{message}');\n\
             CREATE TRIGGER {table}_append_only_t BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION xiezuo_append_only('{message}');\n"
        ),
    }
}

fn create_kind(d: Dialect, k: FileKind, version: u8) -> String {
    let mut t = format!(
        "CREATE TABLE {} (\n  {},\n  batch_id {} NOT NULL",
        k.table(),
        d.id(),
        d.ty(SqlType::Int)
    );
    for c in k.columns().iter().filter(|c| c.since <= version) {
        let nn = if c.required { " NOT NULL" } else { "" };
        t.push_str(&format!(",\n  {} {}{nn}", c.name, d.ty(sql_type(c))));
    }
    for (col, _) in dense_refs(k) {
        t.push_str(&format!(
            ",\n  {} {}",
            ref_column(k, *col),
            d.ty(SqlType::Int)
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

/// The migration that brings the schema to `version` (1: exchange format
/// v1 and the audit trail, 2: v1.1, 3: registry indexes, 4: accounts,
/// 5: v1.2, the receiving side's files of the reconciliation), as
/// generated from the schema table for dialect `d`.
pub fn migration_sql(version: u8, d: Dialect) -> String {
    let mut s = String::new();
    if version == 2 {
        s.push_str("-- Exchange format v1.1: new kinds and columns.\n");
    }
    if version == 5 {
        s.push_str("-- Exchange format v1.2: the receiving side's files (对账).\n");
    }
    if version == 1 && d == Dialect::Postgres {
        s.push_str(
            "-- Refuses a change to an append-only table; the message is the trigger's argument.\n\
             CREATE FUNCTION xiezuo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n\
             BEGIN\n  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';\nEND;\n$$;\n",
        );
    }
    for k in FileKind::ALL.iter().filter(|k| k.since() == version) {
        s.push_str(&create_kind(d, *k, version));
    }
    for k in FileKind::ALL.iter().filter(|k| k.since() < version) {
        for c in k.columns().iter().filter(|c| c.since == version) {
            s.push_str(&format!(
                "ALTER TABLE {} ADD COLUMN {} {};\n",
                k.table(),
                c.name,
                d.ty(sql_type(c))
            ));
        }
    }
    use SqlType::{Flag, Int, Text};
    if version == 1 {
        for (k, c) in UNIQUE {
            s.push_str(&format!(
                "CREATE UNIQUE INDEX {t}_{c} ON {t} ({c});\n",
                t = k.table()
            ));
        }
        s.push_str("CREATE INDEX funds_reverses ON funds (reverses);\n");
        s.push_str("-- Exchange format v1: one table per file kind, plus the audit trail.\n");
        s.push_str(&table(
            d,
            "batches",
            &[
                Col("actor", Text, " NOT NULL"),
                Col("at", Text, " NOT NULL"),
                Col("source", Text, " NOT NULL"),
                Col("counts", Text, " NOT NULL"),
            ],
        ));
        s.push_str(&table(
            d,
            "audit",
            &[
                Col("batch_id", Int, " NOT NULL"),
                Col("kind", Text, " NOT NULL"),
                Col("row_key", Text, " NOT NULL"),
                Col("field", Text, " NOT NULL"),
                Col("old_value", Text, ""),
                Col("new_value", Text, ""),
            ],
        ));
        s.push_str("CREATE INDEX audit_row ON audit (kind, row_key);\n");
        s.push_str(&append_only(d, "audit", "the audit trail is append-only"));
        s.push_str(&append_only(d, "batches", "batches are append-only"));
        s.push_str(&append_only(
            d,
            "funds",
            "the funds ledger is append-only: add a reversal row",
        ));
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
        let disabled = format!(" NOT NULL DEFAULT {}", d.flag_off());
        let failed = " NOT NULL DEFAULT 0";
        s.push_str("-- Accounts, API tokens, the access log and store settings.\n");
        s.push_str(&table(
            d,
            "accounts",
            &[
                Col("login", Text, " NOT NULL UNIQUE"),
                Col("display_name", Text, " NOT NULL"),
                Col("role", Text, " NOT NULL"),
                Col("region", Int, ""),
                Col("organisation", Text, ""),
                Col("can_view_personal", Flag, " NOT NULL"),
                Col("password_hash", Text, " NOT NULL"),
                Col("disabled", Flag, &disabled),
                Col("failed_logins", Int, failed),
                Col("locked_until", Text, ""),
                Col("created_at", Text, " NOT NULL"),
            ],
        ));
        s.push_str(&table(
            d,
            "api_tokens",
            &[
                Col("account_id", Int, " NOT NULL REFERENCES accounts (id)"),
                Col("secret_hash", Text, " NOT NULL UNIQUE"),
                Col("label", Text, " NOT NULL"),
                Col("created_at", Text, " NOT NULL"),
                Col("revoked_at", Text, ""),
            ],
        ));
        s.push_str(&table(
            d,
            "access_log",
            &[
                Col("at", Text, " NOT NULL"),
                Col("actor", Text, " NOT NULL"),
                Col("origin", Text, " NOT NULL"),
                Col("action", Text, " NOT NULL"),
                Col("kind", Text, ""),
                Col("row_key", Text, ""),
                Col("detail", Text, " NOT NULL"),
            ],
        ));
        s.push_str("CREATE INDEX access_log_row ON access_log (kind, row_key);\n");
        s.push_str(&append_only(
            d,
            "access_log",
            "the access log is append-only",
        ));
        s.push_str("CREATE TABLE meta (\n  name TEXT PRIMARY KEY,\n  value TEXT NOT NULL\n);\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_statements_bind_in_the_documented_order() {
        let k = FileKind::Persons;
        let cols = col_list(k);
        let n = k.columns().len();
        assert_eq!(
            insert_sql(k, Dialect::Postgres, RowId::Bound),
            format!(
                "INSERT INTO persons (id, batch_id, {cols}, household_ref) VALUES ({})",
                (1..=n + 3)
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
        assert_eq!(
            insert_sql(k, Dialect::Sqlite, RowId::Assigned),
            format!(
                "INSERT INTO persons (batch_id, {cols}, household_ref) VALUES ({})",
                (1..=n + 2)
                    .map(|i| format!("?{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
        let update = update_sql(k, Dialect::Sqlite);
        assert!(update.starts_with("UPDATE persons SET batch_id = ?1, person_id = ?2, "));
        assert!(update.ends_with(&format!(
            ", household_ref = ?{} WHERE id = ?{}",
            n + 2,
            n + 3
        )));
    }
}
