//! `xiezuo export DIR`: the stored data back out in exchange format v1.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::export::{ExportFormat, export_dir};
use xiezuo_exchange::Headers;

#[derive(clap::Args)]
pub struct Args {
    /// Directory to write the dataset files into.
    pub dir: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Fmt,
    /// Header language: English column names or Chinese labels.
    #[arg(long, value_enum, default_value = "en")]
    pub headers: Lang,
}

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum Fmt {
    Csv,
    Xlsx,
}

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum Lang {
    En,
    Zh,
}

pub fn run(settings: &crate::db::StoreSettings, a: Args) -> Result<ExitCode> {
    let store = settings.open()?;
    let format = match a.format {
        Fmt::Csv => ExportFormat::Csv,
        Fmt::Xlsx => ExportFormat::Xlsx,
    };
    let headers = match a.headers {
        Lang::En => Headers::En,
        Lang::Zh => Headers::Zh,
    };
    let files = export_dir(store.as_ref(), &a.dir, format, headers)
        .with_context(|| format!("exporting to {}", a.dir.display()))?;
    for (f, n) in &files {
        println!("{f:<28} {n:>10} rows");
    }
    println!("exported {} files to {}", files.len(), a.dir.display());
    Ok(ExitCode::SUCCESS)
}
