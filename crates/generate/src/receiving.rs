//! The receiving side's files of exchange format v1.2 (对账): what the
//! other party of each pairing confirms of the flows just written — fund
//! receipts for disbursements, the employers' confirmations of placements,
//! arrivals of seconded people, sales for purchases. Most items are
//! confirmed in agreement; some are not confirmed, some differ in amount,
//! date or wage, some receipts are spent beyond what arrived, and a few are
//! confirmed without a sending record, so that every outcome of the
//! reconciliation occurs.
//!
//! They are derived from the sending files as written, each row with its
//! own random stream, so the other files are the same with or without them.

use crate::GenerateError;
use crate::out::Out;
use crate::rng::{Rng, between, chance, fmt_date, stream};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use xiezuo_domain::Fen;
use xiezuo_exchange::schema::FileKind;

/// A sending file read back: its rows by header name.
struct Sent {
    header: HashMap<String, usize>,
    rows: Vec<csv::StringRecord>,
}

impl Sent {
    fn read(dir: &Path, kind: FileKind) -> Result<Sent, GenerateError> {
        let mut r = csv::Reader::from_path(dir.join(kind.file_name("csv")))?;
        let header = r
            .headers()?
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_string(), i))
            .collect();
        let rows = r.records().collect::<Result<Vec<_>, _>>()?;
        Ok(Sent { header, rows })
    }

    fn get<'r>(&self, row: &'r csv::StringRecord, col: &str) -> &'r str {
        self.header.get(col).and_then(|&i| row.get(i)).unwrap_or("")
    }
}

fn fen(s: &str) -> Option<i64> {
    Fen::parse_yuan(s).ok().map(|f| f.0)
}

fn yuan(f: i64) -> String {
    Fen(f).to_yuan_2dp()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn later(d: NaiveDate, rng: &mut Rng, max_days: i64) -> String {
    fmt_date(d + chrono::Duration::days(between(rng, 0, max_days)))
}

/// Writes the four receiving files from the sending files in `dir`.
pub fn write_receiving(dir: &Path, seed: u64) -> Result<Vec<(String, u64)>, GenerateError> {
    Ok(vec![
        receipts(dir, seed)?,
        confirmations(dir, seed)?,
        arrivals(dir, seed)?,
        sales(dir, seed)?,
    ])
}

fn receipts(dir: &Path, seed: u64) -> Result<(String, u64), GenerateError> {
    let s = Sent::read(dir, FileKind::Funds)?;
    let reversed: HashSet<&str> = s
        .rows
        .iter()
        .map(|r| s.get(r, "reverses"))
        .filter(|v| !v.is_empty())
        .collect();
    let mut out = Out::create(dir, FileKind::FundReceipts)?;
    for (i, row) in s.rows.iter().enumerate() {
        let (id, kind) = (s.get(row, "txn_id"), s.get(row, "kind"));
        if kind != "disbursement" || reversed.contains(id) || !s.get(row, "reverses").is_empty() {
            continue;
        }
        let (Some(amount), Some(d)) = (fen(s.get(row, "amount")), date(s.get(row, "date"))) else {
            continue;
        };
        let rng = &mut stream(seed, "receipt", i as u64);
        if amount <= 0 || !chance(rng, 0.93) {
            continue;
        }
        let received = if chance(rng, 0.04) {
            amount - between(rng, 1, amount / 10 + 1) * 100
        } else {
            amount
        };
        let received = received.max(100);
        let expended = if chance(rng, 0.02) {
            received + between(rng, 1, 1000) * 100
        } else {
            received * between(rng, 40, 100) / 100
        };
        let txn = if chance(rng, 0.75) { id } else { "" };
        let lag = if chance(rng, 0.03) { 90 } else { 20 };
        out.row([
            format!("RC-{id}"),
            s.get(row, "pairing_id").to_string(),
            txn.to_string(),
            later(d, rng, lag),
            yuan(received),
            yuan(expended),
        ])?;
        if chance(rng, 0.01) {
            out.row([
                format!("RX-{id}"),
                s.get(row, "pairing_id").to_string(),
                String::new(),
                later(d, rng, 200),
                yuan(between(rng, 1, 500) * 10_000),
                String::new(),
            ])?;
        }
    }
    out.finish()
}

fn confirmations(dir: &Path, seed: u64) -> Result<(String, u64), GenerateError> {
    let s = Sent::read(dir, FileKind::Placements)?;
    let mut out = Out::create(dir, FileKind::PlacementConfirmations)?;
    for (i, row) in s.rows.iter().enumerate() {
        let id = s.get(row, "placement_id");
        let (Some(d), Some(wage)) = (
            date(s.get(row, "start_date")),
            fen(s.get(row, "monthly_wage")),
        ) else {
            continue;
        };
        let rng = &mut stream(seed, "confirmation", i as u64);
        if !chance(rng, 0.88) {
            continue;
        }
        let wage = if chance(rng, 0.05) {
            wage - between(rng, 3, 10) * 10_000
        } else {
            wage
        };
        let lag = if chance(rng, 0.03) { 60 } else { 10 };
        let start = later(d, rng, lag);
        let end = s.get(row, "end_date");
        let end = if date(end).is_some_and(|e| e.to_string() >= start) {
            end
        } else {
            ""
        };
        out.row([
            format!("CF-{id}"),
            s.get(row, "pairing_id").to_string(),
            if chance(rng, 0.8) { id } else { "" }.to_string(),
            s.get(row, "person_id").to_string(),
            s.get(row, "employer").to_string(),
            start,
            end.to_string(),
            if wage > 0 { yuan(wage) } else { String::new() },
        ])?;
    }
    out.finish()
}

fn arrivals(dir: &Path, seed: u64) -> Result<(String, u64), GenerateError> {
    let s = Sent::read(dir, FileKind::Secondments)?;
    let mut out = Out::create(dir, FileKind::SecondmentArrivals)?;
    for (i, row) in s.rows.iter().enumerate() {
        let id = s.get(row, "secondment_id");
        let Some(d) = date(s.get(row, "start_date")) else {
            continue;
        };
        let rng = &mut stream(seed, "arrival", i as u64);
        if !chance(rng, 0.95) {
            continue;
        }
        let start = later(d, rng, 7);
        let end = s.get(row, "end_date");
        let end = if date(end).is_some_and(|e| e.to_string() >= start) {
            end
        } else {
            ""
        };
        out.row([
            format!("AR-{id}"),
            s.get(row, "pairing_id").to_string(),
            if chance(rng, 0.9) { id } else { "" }.to_string(),
            s.get(row, "person_name").to_string(),
            start,
            end.to_string(),
        ])?;
    }
    out.finish()
}

fn sales(dir: &Path, seed: u64) -> Result<(String, u64), GenerateError> {
    let s = Sent::read(dir, FileKind::Purchases)?;
    let mut out = Out::create(dir, FileKind::Sales)?;
    for (i, row) in s.rows.iter().enumerate() {
        let id = s.get(row, "purchase_id");
        let (Some(amount), Some(d)) = (fen(s.get(row, "amount")), date(s.get(row, "date"))) else {
            continue;
        };
        let rng = &mut stream(seed, "sale", i as u64);
        if amount <= 0 || !chance(rng, 0.85) {
            continue;
        }
        let sold = if chance(rng, 0.05) {
            (amount * between(rng, 50, 95) / 100).max(100)
        } else {
            amount
        };
        out.row([
            format!("SL-{id}"),
            s.get(row, "pairing_id").to_string(),
            if chance(rng, 0.6) { id } else { "" }.to_string(),
            format!("{}专业合作社", s.get(row, "product")),
            s.get(row, "seller_county").to_string(),
            later(d, rng, 15),
            yuan(sold),
        ])?;
    }
    out.finish()
}
