-- Exchange format v1.1: new kinds and columns.
CREATE TABLE seekers (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  person_id TEXT NOT NULL,
  station TEXT NOT NULL,
  registered_date TEXT NOT NULL,
  wanted_regions TEXT,
  max_distance TEXT,
  min_wage BIGINT NOT NULL,
  skills TEXT,
  available_from TEXT NOT NULL,
  person_ref BIGINT
);
CREATE UNIQUE INDEX seekers_key ON seekers (person_id);
CREATE TABLE postings (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  posting_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  employer TEXT NOT NULL,
  work_region BIGINT NOT NULL,
  positions BIGINT NOT NULL,
  monthly_wage BIGINT NOT NULL,
  age_min BIGINT,
  age_max BIGINT,
  labor_required TEXT NOT NULL,
  skills TEXT,
  housing BIGINT NOT NULL,
  start_date TEXT NOT NULL,
  closing_date TEXT NOT NULL
);
CREATE UNIQUE INDEX postings_key ON postings (posting_id);
ALTER TABLE placements ADD COLUMN posting_id TEXT;
CREATE INDEX placements_posting ON placements (posting_id);
