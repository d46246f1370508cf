-- Exchange format v1.1: new kinds and columns.
CREATE TABLE seekers (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  person_id TEXT NOT NULL,
  station TEXT NOT NULL,
  registered_date TEXT NOT NULL,
  wanted_regions TEXT,
  max_distance TEXT,
  min_wage INTEGER NOT NULL,
  skills TEXT,
  available_from TEXT NOT NULL,
  person_ref INTEGER
);
CREATE UNIQUE INDEX seekers_key ON seekers (person_id);
CREATE TABLE postings (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  posting_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  employer TEXT NOT NULL,
  work_region INTEGER NOT NULL,
  positions INTEGER NOT NULL,
  monthly_wage INTEGER NOT NULL,
  age_min INTEGER,
  age_max INTEGER,
  labor_required TEXT NOT NULL,
  skills TEXT,
  housing INTEGER NOT NULL,
  start_date TEXT NOT NULL,
  closing_date TEXT NOT NULL
);
CREATE UNIQUE INDEX postings_key ON postings (posting_id);
ALTER TABLE placements ADD COLUMN posting_id TEXT;
CREATE INDEX placements_posting ON placements (posting_id);
