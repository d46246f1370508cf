//! The procedure's documents in the store's named settings (`meta`): a
//! value kept as JSON under a key, read with its stored text and written
//! back by compare-and-set (`AccountStore::replace_meta`), so that of two
//! writers who read the same text only one writes. Rounds, self-
//! evaluations and their attachments, cross-check verdicts, appeals and
//! corrections are all kept this way; each module maps `SettingError` to
//! its own error.

use serde::Serialize;
use serde::de::DeserializeOwned;
use xiezuo_store::{Store, StoreError};

/// Why a setting could not be read or written.
#[derive(Debug)]
pub(crate) enum SettingError {
    Store(StoreError),
    /// The stored text is not the JSON of the value.
    Corrupt(String),
    /// Another writer changed the setting since it was read.
    Concurrent,
}

impl From<StoreError> for SettingError {
    fn from(e: StoreError) -> Self {
        SettingError::Store(e)
    }
}

/// The stored text under `key` and the value it holds (`None`: no setting).
pub(crate) fn read<T: DeserializeOwned>(
    store: &dyn Store,
    key: &str,
) -> Result<(Option<String>, Option<T>), SettingError> {
    let text = store.meta(key)?;
    let value = match &text {
        None => None,
        Some(t) => Some(serde_json::from_str(t).map_err(|e| SettingError::Corrupt(e.to_string()))?),
    };
    Ok((text, value))
}

/// Writes `value` under `key` unless the stored text is no longer `old`.
pub(crate) fn replace<T: Serialize + ?Sized>(
    store: &mut dyn Store,
    key: &str,
    old: Option<&str>,
    value: &T,
) -> Result<(), SettingError> {
    let new = serde_json::to_string(value).map_err(|e| SettingError::Corrupt(e.to_string()))?;
    if store.replace_meta(key, old, &new)? {
        Ok(())
    } else {
        Err(SettingError::Concurrent)
    }
}

/// `impl From<SettingError>` for an error with `Store`, `Corrupt(String)`
/// and `Concurrent` variants.
macro_rules! setting_errors {
    ($t:ty) => {
        impl From<$crate::setting::SettingError> for $t {
            fn from(e: $crate::setting::SettingError) -> Self {
                use $crate::setting::SettingError as S;
                match e {
                    S::Store(s) => <$t>::Store(s),
                    S::Corrupt(d) => <$t>::Corrupt(d),
                    S::Concurrent => <$t>::Concurrent,
                }
            }
        }
    };
}
pub(crate) use setting_errors;
