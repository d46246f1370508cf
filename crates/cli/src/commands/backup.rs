//! `xiezuo backup PATH` and `xiezuo restore PATH`: an online, consistent
//! copy of the store, and putting such a copy back.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist).
    pub path: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// A backup file written by `xiezuo backup`.
    pub path: PathBuf,
    /// Replace an existing store (it is first moved aside to <store>.before-restore).
    #[arg(long)]
    pub force: bool,
}

pub fn backup(settings: &crate::db::StoreSettings, a: BackupArgs) -> Result<ExitCode> {
    let store = settings.open()?;
    store
        .backup_to(&a.path)
        .with_context(|| format!("backing up to {}", a.path.display()))?;
    println!("backup written to {}", a.path.display());
    Ok(ExitCode::SUCCESS)
}

pub fn restore(settings: &crate::db::StoreSettings, a: RestoreArgs) -> Result<ExitCode> {
    let target = match settings.location()? {
        crate::db::Location::Sqlite(p) => p,
        crate::db::Location::Postgres(_) => {
            bail!(
                "restore puts a backup file back as an embedded store; to load a backup into a new PostgreSQL database use `xiezuo migrate-store --from BACKUP --to postgres://…`"
            )
        }
    };
    // The backup must open as a store of this version before anything moves.
    // It is sealed with the target store's personal-data key.
    let key_file = settings.key_file_for(&crate::db::Location::Sqlite(target.clone()))?;
    crate::db::open_backend(&crate::db::Location::Sqlite(a.path.clone()))
        .and_then(|s| crate::db::protect(s, &key_file))
        .with_context(|| format!("{} is not a usable backup", a.path.display()))?;
    if target.exists() {
        if !a.force {
            bail!(
                "{} exists; pass --force to replace it (it is kept as {}.before-restore)",
                target.display(),
                target.display()
            );
        }
        let aside = PathBuf::from(format!("{}.before-restore", target.display()));
        std::fs::rename(&target, &aside)
            .with_context(|| format!("moving {} aside", target.display()))?;
        for ext in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{ext}", target.display()));
            if side.exists() {
                std::fs::rename(&side, format!("{}{ext}", aside.display()))?;
            }
        }
    }
    std::fs::copy(&a.path, &target)
        .with_context(|| format!("copying into {}", target.display()))?;
    println!(
        "store {} restored from {}",
        target.display(),
        a.path.display()
    );
    Ok(ExitCode::SUCCESS)
}
