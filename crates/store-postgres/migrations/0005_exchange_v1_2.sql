-- Exchange format v1.2: the receiving side's files (对账).
CREATE TABLE fund_receipts (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  receipt_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  txn_id TEXT,
  date TEXT NOT NULL,
  amount BIGINT NOT NULL,
  expended BIGINT
);
CREATE UNIQUE INDEX fund_receipts_key ON fund_receipts (receipt_id);
CREATE TABLE placement_confirmations (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  confirmation_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  placement_id TEXT,
  person_id TEXT NOT NULL,
  employer TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  monthly_wage BIGINT
);
CREATE UNIQUE INDEX placement_confirmations_key ON placement_confirmations (confirmation_id);
CREATE TABLE secondment_arrivals (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  arrival_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  secondment_id TEXT,
  person_name TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT
);
CREATE UNIQUE INDEX secondment_arrivals_key ON secondment_arrivals (arrival_id);
CREATE TABLE sales (
  id BIGINT PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  sale_id TEXT NOT NULL,
  pairing_id TEXT NOT NULL,
  purchase_id TEXT,
  seller TEXT NOT NULL,
  seller_county BIGINT NOT NULL,
  date TEXT NOT NULL,
  amount BIGINT NOT NULL
);
CREATE UNIQUE INDEX sales_key ON sales (sale_id);
