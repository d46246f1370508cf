//! `xiezuo demo`: generate a demo dataset, import it into the embedded
//! store, assess the latest year and show the ranking.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::assess::data::AssessmentData;
use xiezuo_engine::assess::method::Method;
use xiezuo_engine::assess::{assess, write_outputs};
use xiezuo_engine::import::{Quiet, Source, WritePolicy, ingest};
use xiezuo_generate::{GenerateOptions, generate};
use xiezuo_store::{BatchInfo, Store};

#[derive(clap::Args)]
pub struct Args {
    /// Where the demo dataset and the assessment output go.
    #[arg(long, default_value = "demo")]
    pub dir: PathBuf,
    /// Size of the demo (1 ≈ 1 million registered persons).
    #[arg(long, default_value_t = 0.05)]
    pub scale: f64,
    /// Random seed.
    #[arg(long, default_value_t = 2020)]
    pub seed: u64,
    /// Use a wholly synthetic world instead of the real places and pairings.
    #[arg(long)]
    pub synthetic: bool,
    /// Stop after printing the ranking instead of serving the platform.
    #[arg(long)]
    pub no_serve: bool,
    /// Address of the platform.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    let data_dir = a.dir.join("dataset");
    let out = a.dir.join("assessment");
    let opts = GenerateOptions {
        scale: a.scale,
        seed: a.seed,
        real: !a.synthetic,
        ..GenerateOptions::default()
    };
    let last_year = opts.last_year;
    println!(
        "1/3 generating a demo dataset (scale {}, {}) in {}",
        a.scale,
        if a.synthetic {
            "synthetic world"
        } else {
            "real places and pairings"
        },
        data_dir.display()
    );
    generate(&opts, &data_dir).context("generating the demo dataset")?;
    let db_path = settings
        .db
        .clone()
        .unwrap_or_else(|| a.dir.join("xiezuo.db").display().to_string());
    let settings = settings.with_db(db_path.clone());
    let mut store = settings.open_or_create()?;
    if store.count(xiezuo_exchange::FileKind::Persons)? == 0 {
        println!("2/3 importing into the embedded store {db_path}");
        let batch = BatchInfo {
            actor: actor.to_string(),
            at: super::now_rfc3339(),
            source: data_dir.display().to_string(),
        };
        let report = ingest(
            store.as_mut(),
            Source::Dir(&data_dir),
            &batch,
            &WritePolicy::everywhere(),
            &Quiet,
        )?;
        if report.batch_id.is_none() {
            for e in report.errors.iter().take(20) {
                eprintln!("{}", e.error);
            }
            anyhow::bail!("the demo dataset did not import");
        }
        println!("    {} rows stored", report.total_read());
    } else {
        println!("2/3 the store {db_path} already holds data; using it");
    }
    println!("3/3 assessing {last_year}");
    let data = AssessmentData::load(store.as_ref() as &dyn Store)?;
    let method = Method::default_v1();
    let result = assess(&data, last_year, &method);
    write_outputs(&result, &out)?;
    super::assess::print_ranking(&result, &method, 10);
    println!("\nstore:      {db_path}");
    println!("dataset:    {}", data_dir.display());
    println!(
        "assessment: {} (indicators.csv, scores.csv, findings.csv, ranking.csv)",
        out.display()
    );
    println!(
        "next:       xiezuo --db {db_path} explain --pairing {} --year {last_year} --indicator poor_employed",
        result
            .pairings
            .first()
            .map_or("PAIRING", |p| p.pairing_id.as_str())
    );
    demo_accounts(store.as_mut(), &a.dir)?;
    demo_round(store.as_mut(), last_year - 1, &method, actor)?;
    if a.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    drop(store);
    println!("\nstarting the platform (Ctrl-C to stop)…");
    super::serve::serve(
        &settings,
        &crate::settings::ServeSettings {
            addr: a.addr,
            ..Default::default()
        },
    )
}

/// The demo's published round: the year before the last goes through the
/// whole procedure (opened, frozen, checked, reviewed, approved and
/// published), so that the overview shows published grades and the
/// reports of that year are final; the last year stays open and live. A
/// store that has a round for that year keeps it.
fn demo_round(store: &mut dyn Store, year: i32, method: &Method, actor: &str) -> Result<()> {
    use xiezuo_engine::round::{self, RoundState as S};
    if round::round(store, year)?.is_some() {
        return Ok(());
    }
    let at = super::now_rfc3339();
    round::open(store, year, &method.id, actor, "演示：开启年度考核", &at)?;
    round::advance(
        store,
        year,
        S::SelfEvaluation,
        actor,
        "演示：年度数据截止，进入自评",
        &at,
    )?;
    round::freeze(store, year, method, actor, "演示：考核数据锁定", &at)?;
    for (to, why) in [
        (S::CrossCheck, "演示：交叉核查"),
        (S::Review, "演示：形成考核报告"),
        (S::Approved, "演示：领导小组审定"),
        (S::Published, "演示：公布考核结果"),
    ] {
        round::advance(store, year, to, actor, why, &at)?;
    }
    println!("round:      {year} published (xiezuo round report --year {year} --out DIR)");
    Ok(())
}

/// Demo sign-ins: an administrator with the full view of personal data, an
/// assessor, and the office of the first western province in the data, each
/// with a fresh random password, written to `demo-accounts.txt` (readable by
/// its owner only). A store that has accounts keeps them.
fn demo_accounts(store: &mut dyn Store, dir: &std::path::Path) -> Result<()> {
    use xiezuo_engine::accounts::{AccountSpec, add_account, new_secret};
    if !store.accounts()?.is_empty() {
        println!(
            "accounts:   the store has accounts (xiezuo user list; reset with xiezuo user passwd)"
        );
        return Ok(());
    }
    let west = AssessmentData::load(&*store)
        .ok()
        .and_then(|d| {
            (0..d.pairings.len()).find_map(|p| match d.pairing_helped[p] {
                xiezuo_engine::assess::data::PartyRef::Region(r) => {
                    Some(d.regions[r as usize].code)
                }
                _ => None,
            })
        })
        .and_then(|c| {
            c.truncated(xiezuo_domain::RegionLevel::Province)
                .or(Some(c))
        });
    let mut lines = Vec::new();
    let mut specs = vec![
        ("admin", "admin", None, true),
        ("assessor", "assessor", None, false),
    ];
    if let Some(w) = west {
        specs.push(("west-office", "office", Some(w.to_string()), true));
    }
    for (login, role, region, personal) in specs {
        let password = new_secret("")?[..16].to_string();
        let spec = AccountSpec {
            login: login.into(),
            display_name: None,
            role: role.into(),
            region: region.clone(),
            organisation: None,
            can_view_personal: personal,
        };
        add_account(store, &spec, &password, &super::now_rfc3339())?;
        lines.push(format!(
            "{login}\t{password}\t{role}{}",
            region.map(|r| format!(" {r}")).unwrap_or_default()
        ));
    }
    let path = dir.join("demo-accounts.txt");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    std::io::Write::write_all(
        &mut f,
        format!("login\tpassword\trole\n{}\n", lines.join("\n")).as_bytes(),
    )?;
    println!(
        "sign in:    {}",
        lines
            .first()
            .map_or("", String::as_str)
            .replace('\t', " / ")
    );
    println!("accounts:   {}", path.display());
    Ok(())
}
