//! Settings (设置): the one typed value the command line is configured
//! with. It is built in layers, each overriding the one before: built-in
//! defaults, then an optional TOML file (`--config FILE` or
//! `XIEZUO_CONFIG`), then `XIEZUO_*` environment variables, then flags.
//! Layering is a pure function of the file's text, an environment map and
//! the parsed flags; only [`Settings::load`] reads the file.

use crate::db::StoreSettings;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// The address `serve` listens on unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The environment variable that names the settings file.
pub const CONFIG_ENV: &str = "XIEZUO_CONFIG";

/// The environment as the settings see it: variable name to value. Built
/// from the process environment in `main`, or by hand in tests.
pub type Env = BTreeMap<String, OsString>;

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The built-in default.
    Default,
    /// The settings file.
    File,
    /// An environment variable (its name).
    Env(&'static str),
    /// A command-line flag (its name).
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("file"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// Settings of the web server (`xiezuo serve`, section `[serve]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeSettings {
    /// Address to listen on (port 0 picks a free port).
    pub addr: String,
    /// Directory of `<division code>.geojson` base maps replacing the
    /// built-in one.
    pub map_dir: Option<PathBuf>,
    /// Directory of further assessment method files (`*.toml`).
    pub methods_dir: Option<PathBuf>,
    /// One line per snapshot build on standard error.
    pub log_snapshots: bool,
    /// Seconds a client may take to send a request's head before its
    /// connection is closed.
    pub header_timeout_secs: u64,
    /// The most connections served at once.
    pub max_connections: usize,
    /// The largest upload request body, in MiB.
    pub max_upload_mib: u64,
}

impl Default for ServeSettings {
    fn default() -> ServeSettings {
        ServeSettings {
            addr: DEFAULT_ADDR.to_string(),
            map_dir: None,
            methods_dir: None,
            log_snapshots: false,
            header_timeout_secs: xiezuo_web::HEADER_READ_TIMEOUT.as_secs(),
            max_connections: xiezuo_web::MAX_CONNECTIONS,
            max_upload_mib: xiezuo_web::UploadLimits::default().body_bytes >> 20,
        }
    }
}

/// The settings file that was read, and how it was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    pub path: PathBuf,
    /// `--config` or `XIEZUO_CONFIG`.
    pub named_by: Source,
}

/// The resolved settings, with where each value came from.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `[store]`: the store location and the personal-data key file.
    pub store: StoreSettings,
    /// Who is acting, for the audit trail; `None`: the operating-system user.
    pub actor: Option<String>,
    /// `[serve]`.
    pub serve: ServeSettings,
    /// The settings file read, if any.
    pub file: Option<ConfigFile>,
    /// Where each setting (by its key, e.g. `store.db`) came from.
    origins: BTreeMap<&'static str, Source>,
}

/// What one layer (the file, the environment or the flags) sets; a `None`
/// leaves the value of the layers below. It is also the settings file's
/// shape, so an unknown key in the file is an error that names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub actor: Option<String>,
    #[serde(default)]
    pub store: StoreLayer,
    #[serde(default)]
    pub serve: ServeLayer,
}

/// The `[store]` section of a layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreLayer {
    pub db: Option<String>,
    pub key_file: Option<PathBuf>,
}

/// The `[serve]` section of a layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeLayer {
    pub addr: Option<String>,
    pub map_dir: Option<PathBuf>,
    pub methods_dir: Option<PathBuf>,
    pub log_snapshots: Option<bool>,
    pub header_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
    pub max_upload_mib: Option<u64>,
}

/// Why the settings cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "settings file {}, line {line}, column {column}{}: {message}",
        path.display(),
        key.as_ref().map(|k| format!(", key {k}")).unwrap_or_default()
    )]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        /// The key at the error, e.g. `serve.addr`, when there is one.
        key: Option<String>,
        message: String,
    },
    #[error("environment variable {var} is not valid UTF-8")]
    NotUnicode { var: &'static str },
    #[error("environment variable {var}={value:?} is not a boolean: use true or false")]
    NotBool { var: &'static str, value: String },
    #[error("environment variable {var}={value:?} is not a positive whole number")]
    NotNumber { var: &'static str, value: String },
}

pub mod vars {
    //! The environment variable of each setting read from the environment.
    pub const DB: &str = "XIEZUO_DB";
    pub const ACTOR: &str = "XIEZUO_ACTOR";
    pub const KEY_FILE: &str = "XIEZUO_KEY_FILE";
    pub const ADDR: &str = "XIEZUO_ADDR";
    pub const MAP_DIR: &str = "XIEZUO_MAP_DIR";
    pub const METHODS_DIR: &str = "XIEZUO_METHODS_DIR";
    pub const LOG_SNAPSHOTS: &str = "XIEZUO_LOG_SNAPSHOTS";
    pub const HEADER_TIMEOUT: &str = "XIEZUO_HEADER_TIMEOUT";
    pub const MAX_CONNECTIONS: &str = "XIEZUO_MAX_CONNECTIONS";
    pub const MAX_UPLOAD_MIB: &str = "XIEZUO_MAX_UPLOAD_MIB";
}

impl Layer {
    /// Parses a settings file's text; `path` names the file in errors.
    pub fn from_toml(path: &Path, text: &str) -> Result<Layer, SettingsError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = line_column(text, offset);
            SettingsError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                key: key_at(text, offset),
                message: e.message().trim().to_string(),
            }
        })
    }

    /// The `XIEZUO_*` variables of `env`. An empty variable counts as unset.
    pub fn from_env(env: &Env) -> Result<Layer, SettingsError> {
        let text = |var: &'static str| -> Result<Option<String>, SettingsError> {
            match env.get(var).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => v
                    .to_str()
                    .map(|s| Some(s.to_string()))
                    .ok_or(SettingsError::NotUnicode { var }),
            }
        };
        let path = |var: &'static str| env.get(var).filter(|v| !v.is_empty()).map(PathBuf::from);
        let log_snapshots = match text(vars::LOG_SNAPSHOTS)? {
            None => None,
            Some(v) => Some(parse_bool(&v).ok_or(SettingsError::NotBool {
                var: vars::LOG_SNAPSHOTS,
                value: v,
            })?),
        };
        let number = |var: &'static str| -> Result<Option<u64>, SettingsError> {
            match text(var)? {
                None => Ok(None),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(SettingsError::NotNumber { var, value: v }),
                },
            }
        };
        Ok(Layer {
            actor: text(vars::ACTOR)?,
            store: StoreLayer {
                db: text(vars::DB)?,
                key_file: path(vars::KEY_FILE),
            },
            serve: ServeLayer {
                addr: text(vars::ADDR)?,
                map_dir: path(vars::MAP_DIR),
                methods_dir: path(vars::METHODS_DIR),
                log_snapshots,
                header_timeout_secs: number(vars::HEADER_TIMEOUT)?,
                max_connections: number(vars::MAX_CONNECTIONS)?.map(|n| n as usize),
                max_upload_mib: number(vars::MAX_UPLOAD_MIB)?,
            },
        })
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// The dotted key on the line of byte `offset` of a TOML text, with the
/// table it is in (`serve.addr`), or the table of a `[table]` line.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..)?.lines().next().unwrap_or("");
    let table_name = |l: &str| {
        l.trim()
            .strip_prefix('[')
            .and_then(|l| l.split(']').next())
            .map(|t| t.trim().trim_matches('[').trim().to_string())
    };
    if let Some(t) = table_name(line) {
        return Some(t);
    }
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"').trim_matches('\'');
    if key.is_empty() {
        return None;
    }
    let table = before
        .get(..line_start)
        .unwrap_or("")
        .lines()
        .rev()
        .find_map(table_name);
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// The value of one setting: the last layer that sets it, else the default.
fn pick<T>(
    origins: &mut BTreeMap<&'static str, Source>,
    key: &'static str,
    default: T,
    layers: [(Source, Option<T>); 3],
) -> T {
    let mut value = default;
    let mut source = Source::Default;
    for (s, v) in layers {
        if let Some(v) = v {
            value = v;
            source = s;
        }
    }
    origins.insert(key, source);
    value
}

impl Settings {
    /// Layers the defaults, the settings file (its path and text, if one
    /// was named), the environment and the flags. Reads nothing itself.
    pub fn resolve(
        file: Option<(ConfigFile, &str)>,
        env: &Env,
        flags: Layer,
    ) -> Result<Settings, SettingsError> {
        let (file, f) = match file {
            Some((cf, text)) => {
                let layer = Layer::from_toml(&cf.path, text)?;
                (Some(cf), layer)
            }
            None => (None, Layer::default()),
        };
        let e = Layer::from_env(env)?;
        let mut o = BTreeMap::new();
        let store = StoreSettings {
            db: pick(
                &mut o,
                "store.db",
                None,
                [
                    (Source::File, f.store.db.map(Some)),
                    (Source::Env(vars::DB), e.store.db.map(Some)),
                    (Source::Flag("--db"), flags.store.db.map(Some)),
                ],
            ),
            key_file: pick(
                &mut o,
                "store.key_file",
                None,
                [
                    (Source::File, f.store.key_file.map(Some)),
                    (Source::Env(vars::KEY_FILE), e.store.key_file.map(Some)),
                    (Source::Flag("--key-file"), flags.store.key_file.map(Some)),
                ],
            ),
        };
        let actor = pick(
            &mut o,
            "actor",
            None,
            [
                (Source::File, f.actor.map(Some)),
                (Source::Env(vars::ACTOR), e.actor.map(Some)),
                (Source::Flag("--actor"), flags.actor.map(Some)),
            ],
        );
        let serve = ServeSettings {
            addr: pick(
                &mut o,
                "serve.addr",
                DEFAULT_ADDR.to_string(),
                [
                    (Source::File, f.serve.addr),
                    (Source::Env(vars::ADDR), e.serve.addr),
                    (Source::Flag("--addr"), flags.serve.addr),
                ],
            ),
            map_dir: pick(
                &mut o,
                "serve.map_dir",
                None,
                [
                    (Source::File, f.serve.map_dir.map(Some)),
                    (Source::Env(vars::MAP_DIR), e.serve.map_dir.map(Some)),
                    (Source::Flag("--map-dir"), flags.serve.map_dir.map(Some)),
                ],
            ),
            methods_dir: pick(
                &mut o,
                "serve.methods_dir",
                None,
                [
                    (Source::File, f.serve.methods_dir.map(Some)),
                    (
                        Source::Env(vars::METHODS_DIR),
                        e.serve.methods_dir.map(Some),
                    ),
                    (
                        Source::Flag("--methods-dir"),
                        flags.serve.methods_dir.map(Some),
                    ),
                ],
            ),
            log_snapshots: pick(
                &mut o,
                "serve.log_snapshots",
                false,
                [
                    (Source::File, f.serve.log_snapshots),
                    (Source::Env(vars::LOG_SNAPSHOTS), e.serve.log_snapshots),
                    (Source::Flag("--log-snapshots"), flags.serve.log_snapshots),
                ],
            ),
            header_timeout_secs: pick(
                &mut o,
                "serve.header_timeout_secs",
                ServeSettings::default().header_timeout_secs,
                [
                    (Source::File, f.serve.header_timeout_secs),
                    (
                        Source::Env(vars::HEADER_TIMEOUT),
                        e.serve.header_timeout_secs,
                    ),
                    (
                        Source::Flag("--header-timeout"),
                        flags.serve.header_timeout_secs,
                    ),
                ],
            ),
            max_connections: pick(
                &mut o,
                "serve.max_connections",
                ServeSettings::default().max_connections,
                [
                    (Source::File, f.serve.max_connections),
                    (Source::Env(vars::MAX_CONNECTIONS), e.serve.max_connections),
                    (
                        Source::Flag("--max-connections"),
                        flags.serve.max_connections,
                    ),
                ],
            ),
            max_upload_mib: pick(
                &mut o,
                "serve.max_upload_mib",
                ServeSettings::default().max_upload_mib,
                [
                    (Source::File, f.serve.max_upload_mib),
                    (Source::Env(vars::MAX_UPLOAD_MIB), e.serve.max_upload_mib),
                    (Source::Flag("--max-upload-mib"), flags.serve.max_upload_mib),
                ],
            ),
        };
        Ok(Settings {
            store,
            actor,
            serve,
            file,
            origins: o,
        })
    }

    /// The settings file named by `--config` (`config_flag`), or else by
    /// `XIEZUO_CONFIG`; `None` when neither names one.
    pub fn named_file(config_flag: Option<PathBuf>, env: &Env) -> Option<ConfigFile> {
        match config_flag {
            Some(p) => Some(ConfigFile {
                path: p,
                named_by: Source::Flag("--config"),
            }),
            None => env
                .get(CONFIG_ENV)
                .filter(|v| !v.is_empty())
                .map(|v| ConfigFile {
                    path: PathBuf::from(v),
                    named_by: Source::Env(CONFIG_ENV),
                }),
        }
    }

    /// Reads the settings file named by `--config` or `XIEZUO_CONFIG`
    /// ([`Settings::named_file`]), then layers everything. Without either,
    /// no file is read; a named file that cannot be read is an error.
    pub fn load(
        config_flag: Option<PathBuf>,
        env: &Env,
        flags: Layer,
    ) -> Result<Settings, SettingsError> {
        let Some(cf) = Settings::named_file(config_flag, env) else {
            return Settings::resolve(None, env, flags);
        };
        let text = std::fs::read_to_string(&cf.path).map_err(|source| SettingsError::Read {
            path: cf.path.clone(),
            source,
        })?;
        Settings::resolve(Some((cf, &text)), env, flags)
    }

    /// Where the setting `key` (e.g. `serve.addr`) came from.
    pub fn source(&self, key: &str) -> Source {
        self.origins.get(key).copied().unwrap_or(Source::Default)
    }

    /// Every setting as `(key, value as shown, source)`, in file order,
    /// with secrets redacted: a password in the store URL is `***`. The
    /// key file is named by its path only.
    pub fn entries(&self) -> Vec<(&'static str, String, Source)> {
        let path_or = |p: &Option<PathBuf>, none: &str| {
            p.as_ref()
                .map_or_else(|| none.to_string(), |p| p.display().to_string())
        };
        let values = [
            (
                "actor",
                self.actor
                    .clone()
                    .unwrap_or_else(|| "(none: the operating-system user)".to_string()),
            ),
            (
                "store.db",
                self.store
                    .db
                    .as_deref()
                    .map_or_else(|| crate::default_db().display().to_string(), redact_db),
            ),
            (
                "store.key_file",
                path_or(
                    &self.store.key_file,
                    "(none: <store file>.key beside an embedded store)",
                ),
            ),
            ("serve.addr", self.serve.addr.clone()),
            (
                "serve.map_dir",
                path_or(&self.serve.map_dir, "(none: the built-in base map)"),
            ),
            (
                "serve.methods_dir",
                path_or(&self.serve.methods_dir, "(none: xz-v1 only)"),
            ),
            ("serve.log_snapshots", self.serve.log_snapshots.to_string()),
            (
                "serve.header_timeout_secs",
                self.serve.header_timeout_secs.to_string(),
            ),
            (
                "serve.max_connections",
                self.serve.max_connections.to_string(),
            ),
            (
                "serve.max_upload_mib",
                self.serve.max_upload_mib.to_string(),
            ),
        ];
        values
            .into_iter()
            .map(|(k, v)| (k, v, self.source(k)))
            .collect()
    }
}

/// A store location fit to print: the password of a URL's user
/// (`postgres://user:PASSWORD@host/db`) and any `password=` parameter
/// become `***`.
pub fn redact_db(db: &str) -> String {
    let url = xiezuo_store_postgres::redact(db);
    let mut out = String::with_capacity(url.len());
    let mut rest = url.as_str();
    while let Some(i) = rest.to_ascii_lowercase().find("password=") {
        let value_start = i + "password=".len();
        out.push_str(rest.get(..value_start).unwrap_or(""));
        out.push_str("***");
        let tail = rest.get(value_start..).unwrap_or("");
        let end = tail
            .find(|c: char| c == '&' || c.is_whitespace())
            .unwrap_or(tail.len());
        rest = tail.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
