//! `xiezuo user …`: accounts (账号) and API tokens from the command line.

use anyhow::{Context, Result, bail};
use std::io::BufRead;
use std::process::ExitCode;
use xiezuo_engine::accounts::{self, AccountSpec};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add an account. Without --password-stdin a random password is made and printed once.
    Add {
        login: String,
        /// admin, assessor, office or organisation.
        #[arg(long)]
        role: String,
        /// An office's region (12- or 6-digit division code).
        #[arg(long)]
        region: Option<String>,
        /// An organisation account's org id (as in organisations.csv).
        #[arg(long)]
        organisation: Option<String>,
        /// The name shown in the platform.
        #[arg(long)]
        name: Option<String>,
        /// May see identity numbers and names in full (admin and office only; every full view is logged).
        #[arg(long)]
        personal_data: bool,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List,
    /// Disable an account (its sessions and tokens stop working).
    Disable { login: String },
    /// Enable a disabled account.
    Enable { login: String },
    /// Set a new password (read from standard input); clears a lock, ends the account's sessions and revokes its API tokens.
    Passwd { login: String },
    /// Issue an API token for system-to-system upload; prints the secret once.
    Token {
        login: String,
        #[arg(long, default_value = "api")]
        label: String,
    },
    /// List API tokens.
    Tokens,
    /// Revoke an API token by its id.
    Revoke { id: i64 },
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    // Adding an account may start a new store (the first administrator
    // before any import); every other account command needs an existing one.
    let mut store = if matches!(a.command, UserCommand::Add { .. }) {
        settings.open_or_create()?
    } else {
        settings.open()?
    };
    let at = super::now_rfc3339();
    let log = |store: &mut Box<dyn xiezuo_store::Store>, action: &str, detail: &str| {
        store.log_access(&accounts::event(&at, actor, "cli", action, detail))
    };
    match a.command {
        UserCommand::Add {
            login,
            role,
            region,
            organisation,
            name,
            personal_data,
            password_stdin,
        } => {
            let (password, shown) = if password_stdin {
                (read_password()?, false)
            } else {
                (accounts::new_secret("")?[..20].to_string(), true)
            };
            let spec = AccountSpec {
                login: login.clone(),
                display_name: name,
                role,
                region,
                organisation,
                can_view_personal: personal_data,
            };
            let id = accounts::add_account(store.as_mut(), &spec, &password, &at)?;
            log(
                &mut store,
                "account_add",
                &format!("{login} ({})", spec.role),
            )?;
            println!("account {login} added (id {id})");
            if shown {
                println!("password: {password}");
            }
        }
        UserCommand::List => {
            println!("id\tlogin\trole\tregion\torganisation\tpersonal_data\tstatus");
            for u in store.accounts()? {
                // Failed sign-ins since the last success (they slow the
                // guesser down; they never lock the owner out).
                let status = if u.disabled {
                    "disabled".to_string()
                } else if u.failed_logins > 0 {
                    format!("active, {} failed sign-ins", u.failed_logins)
                } else {
                    "active".to_string()
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{status}",
                    u.id,
                    u.login,
                    u.role,
                    u.region.map(|r| r.to_string()).unwrap_or_default(),
                    u.organisation.unwrap_or_default(),
                    if u.can_view_personal { "yes" } else { "no" },
                );
            }
        }
        UserCommand::Disable { login } => {
            if !store.set_disabled(&login, true)? {
                bail!("no account {login:?}");
            }
            log(&mut store, "account_disable", &login)?;
            println!("account {login} disabled");
        }
        UserCommand::Enable { login } => {
            if !store.set_disabled(&login, false)? {
                bail!("no account {login:?}");
            }
            log(&mut store, "account_enable", &login)?;
            println!("account {login} enabled");
        }
        UserCommand::Passwd { login } => {
            let pw = read_password()?;
            // The command line holds no session or token of its own: every
            // session and token of the account ends.
            let revoked = match accounts::change_password(store.as_mut(), &login, &pw, &at, None) {
                Ok(n) => n,
                Err(accounts::AccountError::NoAccount(_)) => bail!("no account {login:?}"),
                Err(e) => bail!("{e}"),
            };
            log(
                &mut store,
                "account_password",
                &format!("{login}: {revoked} API tokens revoked"),
            )?;
            println!(
                "password of {login} changed; its sessions ended and {revoked} API tokens revoked"
            );
        }
        UserCommand::Token { login, label } => {
            let (id, secret) = accounts::issue_token(store.as_mut(), &login, &label, &at)?;
            log(&mut store, "token_add", &format!("token {id} for {login}"))?;
            eprintln!(
                "token {id} for {login} (shown once; send it as 'Authorization: Bearer <token>'):"
            );
            println!("{secret}");
        }
        UserCommand::Tokens => {
            let logins: std::collections::HashMap<i64, String> = store
                .accounts()?
                .into_iter()
                .map(|a| (a.id, a.login))
                .collect();
            println!("id\tlogin\tlabel\tcreated\trevoked");
            for t in store.tokens(None)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    logins.get(&t.account_id).map_or("?", String::as_str),
                    t.label,
                    t.created_at,
                    t.revoked_at.unwrap_or_default()
                );
            }
        }
        UserCommand::Revoke { id } => {
            if !store.revoke_token(id, &at)? {
                bail!("no active token {id}");
            }
            log(&mut store, "token_revoke", &format!("token {id}"))?;
            println!("token {id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
