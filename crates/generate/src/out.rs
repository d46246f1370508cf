//! CSV output: one buffered writer per file, with the spec's headers.

use crate::GenerateError;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// The 20 files of exchange format v1 with their headers, in spec order.
pub const FILES: [(&str, &[&str]); 22] = [
    (
        "regions.csv",
        &[
            "code",
            "name",
            "level",
            "parent",
            "side",
            "poor_county",
            "poor_village",
            "deep_poverty",
            "exit_year",
        ],
    ),
    (
        "region_stats.csv",
        &[
            "code",
            "year",
            "rural_population",
            "fiscal_revenue",
            "rural_income_per_capita",
        ],
    ),
    ("organisations.csv", &["org_id", "name", "kind", "region"]),
    (
        "pairings.csv",
        &[
            "pairing_id",
            "helper",
            "helped",
            "level",
            "helper_kind",
            "start_date",
            "end_date",
        ],
    ),
    (
        "households.csv",
        &[
            "household_id",
            "village",
            "category",
            "identified_year",
            "exit_year",
            "monitor_type",
            "monitor_year",
        ],
    ),
    (
        "persons.csv",
        &[
            "person_id",
            "household_id",
            "id_number",
            "name",
            "sex",
            "birth_date",
            "labor",
        ],
    ),
    (
        "household_income.csv",
        &["household_id", "year", "income_per_capita"],
    ),
    (
        "projects.csv",
        &[
            "project_id",
            "pairing_id",
            "year",
            "name",
            "category",
            "county",
            "village",
            "budget",
            "start_date",
            "end_date",
            "status",
        ],
    ),
    (
        "milestones.csv",
        &[
            "project_id",
            "seq",
            "name",
            "due_date",
            "done_date",
            "responsible",
        ],
    ),
    ("beneficiaries.csv", &["project_id", "household_id"]),
    (
        "funds.csv",
        &[
            "txn_id",
            "date",
            "pairing_id",
            "project_id",
            "source",
            "kind",
            "amount",
            "reverses",
        ],
    ),
    (
        "placements.csv",
        &[
            "placement_id",
            "person_id",
            "pairing_id",
            "employer",
            "work_region",
            "start_date",
            "end_date",
            "monthly_wage",
        ],
    ),
    (
        "trainings.csv",
        &[
            "training_id",
            "pairing_id",
            "kind",
            "course",
            "start_date",
            "days",
            "attendees",
        ],
    ),
    ("training_attendance.csv", &["training_id", "person_id"]),
    (
        "secondments.csv",
        &[
            "secondment_id",
            "pairing_id",
            "direction",
            "role",
            "field",
            "person_name",
            "start_date",
            "end_date",
        ],
    ),
    (
        "investments.csv",
        &[
            "investment_id",
            "pairing_id",
            "enterprise",
            "county",
            "date",
            "amount",
            "park",
        ],
    ),
    (
        "purchases.csv",
        &[
            "purchase_id",
            "pairing_id",
            "date",
            "buyer",
            "seller_county",
            "product",
            "amount",
        ],
    ),
    (
        "donations.csv",
        &[
            "donation_id",
            "pairing_id",
            "date",
            "donor",
            "donor_kind",
            "amount",
            "in_kind",
        ],
    ),
    (
        "meetings.csv",
        &["meeting_id", "pairing_id", "date", "kind", "top_leader"],
    ),
    (
        "targets.csv",
        &["pairing_id", "year", "indicator", "target"],
    ),
    (
        "postings.csv",
        &[
            "posting_id",
            "pairing_id",
            "employer",
            "work_region",
            "positions",
            "monthly_wage",
            "age_min",
            "age_max",
            "labor_required",
            "skills",
            "housing",
            "start_date",
            "closing_date",
        ],
    ),
    (
        "seekers.csv",
        &[
            "person_id",
            "station",
            "registered_date",
            "wanted_regions",
            "max_distance",
            "min_wage",
            "skills",
            "available_from",
        ],
    ),
];

/// The header of a file kind.
pub fn header(name: &str) -> &'static [&'static str] {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, h)| *h)
        .unwrap_or(&[])
}

/// A CSV file being written, counting its data rows.
pub struct Out {
    name: &'static str,
    w: csv::Writer<BufWriter<File>>,
    /// Data rows written so far.
    pub rows: u64,
}

impl Out {
    /// Creates the file and writes its header.
    pub fn create(dir: &Path, name: &'static str) -> Result<Out, GenerateError> {
        let f = File::create(dir.join(name))?;
        let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, f));
        w.write_record(header(name))?;
        Ok(Out { name, w, rows: 0 })
    }

    /// Writes one data row.
    pub fn row<I, T>(&mut self, rec: I) -> Result<(), GenerateError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.w.write_record(rec)?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes and returns (file name, rows).
    pub fn finish(mut self) -> Result<(String, u64), GenerateError> {
        self.w.flush()?;
        Ok((self.name.to_string(), self.rows))
    }
}

/// `0`/`1`.
pub fn b(v: bool) -> &'static str {
    if v { "1" } else { "0" }
}

/// 12-digit region code.
pub fn rc(code: u64) -> String {
    format!("{code:012}")
}
