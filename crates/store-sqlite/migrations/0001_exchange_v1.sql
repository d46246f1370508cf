CREATE TABLE regions (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  code INTEGER NOT NULL,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  parent INTEGER,
  side TEXT,
  poor_county INTEGER,
  poor_village INTEGER,
  deep_poverty INTEGER,
  exit_year INTEGER
);
CREATE UNIQUE INDEX regions_key ON regions (code);
CREATE TABLE region_stats (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  code INTEGER NOT NULL,
  year INTEGER NOT NULL,
  rural_population INTEGER,
  fiscal_revenue INTEGER,
  rural_income_per_capita INTEGER
);
CREATE UNIQUE INDEX region_stats_key ON region_stats (code, year);
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  org_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  region INTEGER NOT NULL
);
CREATE UNIQUE INDEX organisations_key ON organisations (org_id);
CREATE TABLE pairings (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
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
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  household_id TEXT NOT NULL,
  village INTEGER NOT NULL,
  category TEXT NOT NULL,
  identified_year INTEGER NOT NULL,
  exit_year INTEGER,
  monitor_type TEXT,
  monitor_year INTEGER
);
CREATE UNIQUE INDEX households_key ON households (household_id);
CREATE TABLE persons (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  person_id TEXT NOT NULL,
  household_id TEXT NOT NULL,
  id_number TEXT NOT NULL,
  name TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  labor TEXT NOT NULL,
  household_ref INTEGER
);
CREATE UNIQUE INDEX persons_key ON persons (person_id);
CREATE TABLE household_income (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  household_id TEXT NOT NULL,
  year INTEGER NOT NULL,
  income_per_capita INTEGER NOT NULL,
  household_ref INTEGER
);
CREATE UNIQUE INDEX household_income_key ON household_income (household_id, year);
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  project_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  year INTEGER NOT NULL,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  county INTEGER NOT NULL,
  village INTEGER,
  budget INTEGER NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE UNIQUE INDEX projects_key ON projects (project_id);
CREATE TABLE milestones (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  project_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  due_date TEXT NOT NULL,
  done_date TEXT,
  responsible TEXT NOT NULL
);
CREATE UNIQUE INDEX milestones_key ON milestones (project_id, seq);
CREATE TABLE beneficiaries (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  project_id TEXT NOT NULL,
  household_id TEXT NOT NULL,
  household_ref INTEGER
);
CREATE UNIQUE INDEX beneficiaries_key ON beneficiaries (project_id, household_id);
CREATE TABLE funds (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  txn_id TEXT NOT NULL,
  date TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  project_id TEXT,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount INTEGER NOT NULL,
  reverses TEXT
);
CREATE UNIQUE INDEX funds_key ON funds (txn_id);
CREATE TABLE placements (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  placement_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  employer TEXT NOT NULL,
  work_region INTEGER NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  monthly_wage INTEGER NOT NULL,
  person_ref INTEGER
);
CREATE UNIQUE INDEX placements_key ON placements (placement_id);
CREATE TABLE trainings (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  training_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  course TEXT NOT NULL,
  start_date TEXT NOT NULL,
  days INTEGER NOT NULL,
  attendees INTEGER NOT NULL
);
CREATE UNIQUE INDEX trainings_key ON trainings (training_id);
CREATE TABLE training_attendance (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  training_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  person_ref INTEGER
);
CREATE UNIQUE INDEX training_attendance_key ON training_attendance (training_id, person_id);
CREATE TABLE secondments (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
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
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  investment_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  enterprise TEXT NOT NULL,
  county INTEGER NOT NULL,
  date TEXT NOT NULL,
  amount INTEGER NOT NULL,
  park TEXT
);
CREATE UNIQUE INDEX investments_key ON investments (investment_id);
CREATE TABLE purchases (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  purchase_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  date TEXT NOT NULL,
  buyer TEXT NOT NULL,
  seller_county INTEGER NOT NULL,
  product TEXT NOT NULL,
  amount INTEGER NOT NULL
);
CREATE UNIQUE INDEX purchases_key ON purchases (purchase_id);
CREATE TABLE donations (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  donation_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  date TEXT NOT NULL,
  donor TEXT NOT NULL,
  donor_kind TEXT NOT NULL,
  amount INTEGER NOT NULL,
  in_kind INTEGER NOT NULL
);
CREATE UNIQUE INDEX donations_key ON donations (donation_id);
CREATE TABLE meetings (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  meeting_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  top_leader INTEGER NOT NULL
);
CREATE UNIQUE INDEX meetings_key ON meetings (meeting_id);
CREATE TABLE targets (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  pairing_id TEXT NOT NULL,
  year INTEGER NOT NULL,
  indicator TEXT NOT NULL,
  target REAL NOT NULL
);
CREATE UNIQUE INDEX targets_key ON targets (pairing_id, year, indicator);
CREATE UNIQUE INDEX persons_id_number ON persons (id_number);
CREATE INDEX funds_reverses ON funds (reverses);
-- Exchange format v1: one table per file kind, plus the audit trail.
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  source TEXT NOT NULL,
  counts TEXT NOT NULL
);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  row_key TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX audit_row ON audit (kind, row_key);
CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER batches_append_only_u BEFORE UPDATE ON batches BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;
CREATE TRIGGER batches_append_only_d BEFORE DELETE ON batches BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;
CREATE TRIGGER funds_append_only_u BEFORE UPDATE ON funds BEGIN SELECT RAISE(ABORT, 'the funds ledger is append-only: add a reversal row'); END;
CREATE TRIGGER funds_append_only_d BEFORE DELETE ON funds BEGIN SELECT RAISE(ABORT, 'the funds ledger is append-only: add a reversal row'); END;
