-- Refuses a change to an append-only table; the message is the trigger's argument.
CREATE FUNCTION xiezuo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TABLE regions (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  code BIGINT NOT NULL,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  parent BIGINT,
  side TEXT,
  poor_county BIGINT,
  poor_village BIGINT,
  deep_poverty BIGINT,
  exit_year BIGINT
);
CREATE UNIQUE INDEX regions_key ON regions (code);
CREATE TABLE region_stats (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  code BIGINT NOT NULL,
  year BIGINT NOT NULL,
  rural_population BIGINT,
  fiscal_revenue BIGINT,
  rural_income_per_capita BIGINT
);
CREATE UNIQUE INDEX region_stats_key ON region_stats (code, year);
CREATE TABLE organisations (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  org_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  region BIGINT NOT NULL
);
CREATE UNIQUE INDEX organisations_key ON organisations (org_id);
CREATE TABLE pairings (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  pairing_id TEXT NOT NULL,
  helper TEXT NOT NULL,
  helped TEXT NOT NULL,
  level TEXT NOT NULL,
  helper_kind TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT
);
CREATE UNIQUE INDEX pairings_key ON pairings (pairing_id);
CREATE TABLE households (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  household_id TEXT NOT NULL,
  village BIGINT NOT NULL,
  category TEXT NOT NULL,
  identified_year BIGINT NOT NULL,
  exit_year BIGINT,
  monitor_type TEXT,
  monitor_year BIGINT
);
CREATE UNIQUE INDEX households_key ON households (household_id);
CREATE TABLE persons (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  person_id TEXT NOT NULL,
  household_id TEXT NOT NULL,
  id_number TEXT NOT NULL,
  name TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  labor TEXT NOT NULL,
  household_ref BIGINT
);
CREATE UNIQUE INDEX persons_key ON persons (person_id);
CREATE TABLE household_income (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  household_id TEXT NOT NULL,
  year BIGINT NOT NULL,
  income_per_capita BIGINT NOT NULL,
  household_ref BIGINT
);
CREATE UNIQUE INDEX household_income_key ON household_income (household_id, year);
CREATE TABLE projects (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  project_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  year BIGINT NOT NULL,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  county BIGINT NOT NULL,
  village BIGINT,
  budget BIGINT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE UNIQUE INDEX projects_key ON projects (project_id);
CREATE TABLE milestones (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  project_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  name TEXT NOT NULL,
  due_date TEXT NOT NULL,
  done_date TEXT,
  responsible TEXT NOT NULL
);
CREATE UNIQUE INDEX milestones_key ON milestones (project_id, seq);
CREATE TABLE beneficiaries (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  project_id TEXT NOT NULL,
  household_id TEXT NOT NULL,
  household_ref BIGINT
);
CREATE UNIQUE INDEX beneficiaries_key ON beneficiaries (project_id, household_id);
CREATE TABLE funds (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  txn_id TEXT NOT NULL,
  date TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  project_id TEXT,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount BIGINT NOT NULL,
  reverses TEXT
);
CREATE UNIQUE INDEX funds_key ON funds (txn_id);
CREATE TABLE placements (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  placement_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  employer TEXT NOT NULL,
  work_region BIGINT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  monthly_wage BIGINT NOT NULL,
  person_ref BIGINT
);
CREATE UNIQUE INDEX placements_key ON placements (placement_id);
CREATE TABLE trainings (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  training_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  course TEXT NOT NULL,
  start_date TEXT NOT NULL,
  days BIGINT NOT NULL,
  attendees BIGINT NOT NULL
);
CREATE UNIQUE INDEX trainings_key ON trainings (training_id);
CREATE TABLE training_attendance (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  training_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  person_ref BIGINT
);
CREATE UNIQUE INDEX training_attendance_key ON training_attendance (training_id, person_id);
CREATE TABLE secondments (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  secondment_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  direction TEXT NOT NULL,
  role TEXT NOT NULL,
  field TEXT,
  person_name TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL
);
CREATE UNIQUE INDEX secondments_key ON secondments (secondment_id);
CREATE TABLE investments (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  investment_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  enterprise TEXT NOT NULL,
  county BIGINT NOT NULL,
  date TEXT NOT NULL,
  amount BIGINT NOT NULL,
  park TEXT
);
CREATE UNIQUE INDEX investments_key ON investments (investment_id);
CREATE TABLE purchases (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  purchase_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  date TEXT NOT NULL,
  buyer TEXT NOT NULL,
  seller_county BIGINT NOT NULL,
  product TEXT NOT NULL,
  amount BIGINT NOT NULL
);
CREATE UNIQUE INDEX purchases_key ON purchases (purchase_id);
CREATE TABLE donations (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  donation_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  date TEXT NOT NULL,
  donor TEXT NOT NULL,
  donor_kind TEXT NOT NULL,
  amount BIGINT NOT NULL,
  in_kind BIGINT NOT NULL
);
CREATE UNIQUE INDEX donations_key ON donations (donation_id);
CREATE TABLE meetings (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  meeting_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  top_leader BIGINT NOT NULL
);
CREATE UNIQUE INDEX meetings_key ON meetings (meeting_id);
CREATE TABLE targets (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  pairing_id TEXT NOT NULL,
  year BIGINT NOT NULL,
  indicator TEXT NOT NULL,
  target DOUBLE PRECISION NOT NULL
);
CREATE UNIQUE INDEX targets_key ON targets (pairing_id, year, indicator);
CREATE UNIQUE INDEX persons_id_number ON persons (id_number);
CREATE INDEX funds_reverses ON funds (reverses);
-- Exchange format v1: one table per file kind, plus the audit trail.
CREATE TABLE batches (
  id BIGINT PRIMARY KEY,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  source TEXT NOT NULL,
  counts TEXT NOT NULL
);
CREATE TABLE audit (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  row_key TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX audit_row ON audit (kind, row_key);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION xiezuo_append_only('the audit trail is append-only');
CREATE TRIGGER audit_append_only_t BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION xiezuo_append_only('the audit trail is append-only');
CREATE TRIGGER batches_append_only BEFORE UPDATE OR DELETE ON batches FOR EACH ROW EXECUTE FUNCTION xiezuo_append_only('batches are append-only');
CREATE TRIGGER batches_append_only_t BEFORE TRUNCATE ON batches FOR EACH STATEMENT EXECUTE FUNCTION xiezuo_append_only('batches are append-only');
CREATE TRIGGER funds_append_only BEFORE UPDATE OR DELETE ON funds FOR EACH ROW EXECUTE FUNCTION xiezuo_append_only('the funds ledger is append-only: add a reversal row');
CREATE TRIGGER funds_append_only_t BEFORE TRUNCATE ON funds FOR EACH STATEMENT EXECUTE FUNCTION xiezuo_append_only('the funds ledger is append-only: add a reversal row');
