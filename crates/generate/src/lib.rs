//! Deterministic generator of realistic datasets in exchange format v1
//! (`shared/spec/exchange-format.md`), with the labour files of v1.1 and
//! the receiving side's files of v1.2 (`receiving`) for East-West cooperation (东西部协作).
//!
//! The same [`GenerateOptions`] always give byte-identical files. The world
//! (regions, organisations, pairings) and the pairing-level records are small
//! and built in memory; households, persons and everything attached to
//! persons are streamed village by village, so memory does not grow with the
//! number of persons. Every tricky case of the assessment specification is
//! forced to occur at any scale; `dirty` adds bad rows and a manifest.
//! `real` puts all of it on the real geography and the real pairings
//! (`data/divisions/`, `data/pairings-reference.csv`; see `real`).

mod activity;
mod dirty;
mod divisions;
mod labour;
mod names;
mod orgs;
mod others;
mod out;
mod people;
mod projects;
mod real;
mod receiving;
mod rng;
mod world;

pub use out::{file_kinds, header};

use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// 1.0 ≈ 1,000,000 registered persons.
    pub scale: f64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Add bad rows and `dirty-manifest.csv`.
    pub dirty: bool,
    /// First activity year.
    pub first_year: i32,
    /// Last activity year.
    pub last_year: i32,
    /// Real geography: the real provinces, prefectures and counties (NBS
    /// codes and names) and the real province- and prefecture-level pairings
    /// active in the years, with synthetic townships, villages, county
    /// pairings and records under them. Off: a wholly synthetic world.
    pub real: bool,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            scale: 0.01,
            seed: 1,
            dirty: false,
            first_year: 2017,
            last_year: 2020,
            real: false,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenerateSummary {
    /// File name and data rows written (bad rows included), in spec order.
    pub files: Vec<(String, u64)>,
    /// Bad rows added in dirty mode.
    pub dirty_rows: u64,
}

/// Why generation failed.
#[derive(thiserror::Error, Debug)]
pub enum GenerateError {
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Invalid(String),
}

/// Generates a dataset into `out_dir` (created if missing).
pub fn generate(opts: &GenerateOptions, out_dir: &Path) -> Result<GenerateSummary, GenerateError> {
    if !(opts.scale.is_finite() && opts.scale > 0.0 && opts.scale <= 1000.0) {
        return Err(GenerateError::Invalid(format!(
            "scale must be in (0, 1000], got {}",
            opts.scale
        )));
    }
    let (fy, ly) = (opts.first_year, opts.last_year);
    if !(2015..=2090).contains(&fy) || !(fy..=2090).contains(&ly) {
        return Err(GenerateError::Invalid(format!(
            "years must satisfy 2015 <= first_year <= last_year <= 2090, got {fy}..={ly}"
        )));
    }
    std::fs::create_dir_all(out_dir)?;
    let seed = opts.seed;
    let w = if opts.real {
        real::build(seed, opts.scale, fy, ly)?
    } else {
        world::build(seed, opts.scale, fy, ly)
    };
    let mut files = activity::write_world(&w, out_dir, seed, fy, ly)?;
    let (projects, mut f) = projects::write_projects(&w, out_dir, seed, fy, ly)?;
    files.append(&mut f);
    let trainings = activity::trainings(&w, seed, fy, ly);
    let mut act = activity::Activity {
        projects,
        trainings,
    };
    let (mut f, info) = people::write_people(&w, &mut act, out_dir, seed, fy, ly)?;
    files.append(&mut f);
    files.push(activity::write_trainings(
        out_dir,
        &w,
        &act.trainings,
        seed,
    )?);
    files.append(&mut others::write_others(&w, out_dir, seed, fy, ly)?);
    let seekers = files
        .iter()
        .find(|(n, _)| n == "seekers.csv")
        .map_or(0, |(_, n)| *n);
    files.push(labour::write_postings(&w, out_dir, seed, ly, seekers)?);
    files.append(&mut receiving::write_receiving(out_dir, seed)?);
    // Spec order.
    files.sort_by_key(|(n, _)| out::spec_position(n));
    let dirty_rows = if opts.dirty {
        dirty::write_dirty(&w, &info, out_dir, &mut files, fy)?
    } else {
        0
    };
    Ok(GenerateSummary { files, dirty_rows })
}
