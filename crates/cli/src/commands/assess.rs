//! `xiezuo assess`.

use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_db: Option<&str>, _a: Args) -> Result<ExitCode> {
    anyhow::bail!("assess: being written")
}
