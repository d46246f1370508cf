//! `xiezuo appeal file|decide|list`: appeals (申诉) of a round in review.

use anyhow::Result;
use std::process::ExitCode;
use xiezuo_engine::appeal::{self, Appeal, Subject};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// File an appeal of an indicator value (`--indicator ID --value V`), of
    /// a finding (`--finding ID --record-kind K --record-id R`) or of a
    /// falsification penalty (`--penalty --record-kind K --record-id R`).
    File {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        pairing: String,
        /// The appealing side: east or west.
        #[arg(long)]
        side: String,
        #[arg(long, requires = "value", conflicts_with = "finding")]
        indicator: Option<String>,
        #[arg(long)]
        value: Option<String>,
        #[arg(long, requires_all = ["record_kind", "record_id"])]
        finding: Option<String>,
        #[arg(long, requires_all = ["record_kind", "record_id"], conflicts_with_all = ["finding", "indicator"])]
        penalty: bool,
        #[arg(long)]
        record_kind: Option<String>,
        #[arg(long)]
        record_id: Option<String>,
        #[arg(long)]
        reason: String,
        /// What supports it (documents, their references).
        #[arg(long, default_value = "")]
        evidence: String,
    },
    /// Decide an appeal: `--uphold` re-runs the assessment on the frozen
    /// data plus the decision, as the round's next version.
    Decide {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        id: u32,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        uphold: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long)]
        comment: String,
        /// Method file (TOML); default: the shipped method xz-v1.
        #[arg(long, value_name = "FILE")]
        method: Option<std::path::PathBuf>,
    },
    /// List a year's appeals and their decisions.
    List {
        #[arg(long)]
        year: i32,
    },
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    let mut store = settings.open()?;
    let at = super::now_rfc3339();
    match a.action {
        Action::File {
            year,
            pairing,
            side,
            indicator,
            value,
            finding,
            penalty,
            record_kind,
            record_id,
            reason,
            evidence,
        } => {
            let subject = match (indicator, finding) {
                (None, None) if penalty => Subject::Penalty {
                    record_kind: record_kind.unwrap_or_default(),
                    record_id: record_id.unwrap_or_default(),
                },
                (Some(indicator), None) => Subject::Indicator {
                    indicator,
                    value: value.unwrap_or_default(),
                },
                (None, Some(finding)) => Subject::Finding {
                    finding,
                    record_kind: record_kind.unwrap_or_default(),
                    record_id: record_id.unwrap_or_default(),
                },
                _ => anyhow::bail!(
                    "an appeal names --indicator (with --value), --finding or --penalty"
                ),
            };
            let ap = appeal::file(
                store.as_mut(),
                year,
                &pairing,
                &side,
                subject,
                &reason,
                &evidence,
                actor,
                &at,
            )?;
            print_appeal(&ap);
        }
        Action::Decide {
            year,
            id,
            uphold,
            reject: _,
            comment,
            method,
        } => {
            let m = super::assess::load_method(method.as_ref())?;
            let ap = appeal::decide(store.as_mut(), year, id, uphold, &comment, &m, actor, &at)?;
            print_appeal(&ap);
        }
        Action::List { year } => {
            let list = appeal::appeals(store.as_ref(), year)?;
            if list.is_empty() {
                println!("no appeals for {year}");
            }
            for ap in &list {
                print_appeal(ap);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_appeal(a: &Appeal) {
    let subject = match &a.subject {
        Subject::Indicator { indicator, value } => format!("indicator {indicator} = {value}"),
        Subject::Finding {
            finding,
            record_kind,
            record_id,
        } => format!("finding {finding} on {record_kind} {record_id}"),
        Subject::Penalty {
            record_kind,
            record_id,
        } => format!("penalty on {record_kind} {record_id}"),
    };
    println!(
        "appeal {} ({} {}): {subject} — {} [{} {}]",
        a.id, a.pairing_id, a.side, a.reason, a.by, a.at
    );
    match &a.decision {
        None => println!("  undecided"),
        Some(d) => println!(
            "  {} by {} {}: {}{}",
            if d.upheld { "upheld" } else { "rejected" },
            d.by,
            d.at,
            d.comment,
            d.version
                .map_or(String::new(), |v| format!(" (frozen version {v})"))
        ),
    }
}
