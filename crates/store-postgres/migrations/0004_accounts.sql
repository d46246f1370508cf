-- Accounts, API tokens, the access log and store settings.
CREATE TABLE accounts (
  id BIGINT PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  region BIGINT,
  organisation TEXT,
  can_view_personal BOOLEAN NOT NULL,
  password_hash TEXT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  failed_logins BIGINT NOT NULL DEFAULT 0,
  locked_until TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  secret_hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE access_log (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  origin TEXT NOT NULL,
  action TEXT NOT NULL,
  kind TEXT,
  row_key TEXT,
  detail TEXT NOT NULL
);
CREATE INDEX access_log_row ON access_log (kind, row_key);
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION xiezuo_append_only('the access log is append-only');
CREATE TRIGGER access_log_append_only_t BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION xiezuo_append_only('the access log is append-only');
CREATE TABLE meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
