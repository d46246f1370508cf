//! Messages (提示信息): every reason the platform gives about a row, a cell
//! or a file, as a stable code with named parameters, rendered in English
//! or Chinese from one catalogue.
//!
//! A template names its parameters as `{name}`; a part in square brackets
//! (`[: {value}]`) is written only when every parameter inside it is given,
//! so one code serves a reason that quotes the input and one that may not
//! (personal data is never quoted). A Chinese template may use
//! `{name_zh}` where a site gives a Chinese form of a parameter (an enum
//! label, a column label); it falls back to `{name}` when none is given.
//! The English rendering is the reason text of files, reports and the CLI,
//! so it never changes for an existing code.

mod catalogue;
mod process;

use std::fmt;

/// The generic code of a reason given as plain English text only.
pub const OTHER: &str = "other";

/// One message: a code of `CATALOGUE` and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Message {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl Message {
    /// A message without parameters (yet).
    pub fn new(code: &'static str) -> Message {
        Message {
            code,
            params: Vec::new(),
        }
    }

    /// A reason known only as English text: the generic code.
    pub fn other(reason: impl Into<String>) -> Message {
        Message::new(OTHER).with("reason", reason.into())
    }

    /// Adds a parameter.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Message {
        self.params.push((name, value.to_string()));
        self
    }

    /// Adds a parameter when it is given.
    pub fn with_opt(self, name: &'static str, value: Option<impl fmt::Display>) -> Message {
        match value {
            Some(v) => self.with(name, v),
            None => self,
        }
    }

    /// The value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The English text.
    pub fn en(&self) -> String {
        match templates(self.code) {
            Some((en, _)) => render(en, self, false),
            None => self.param("reason").unwrap_or(self.code).to_string(),
        }
    }

    /// The Chinese text.
    pub fn zh(&self) -> String {
        match templates(self.code) {
            Some((_, zh)) => render(zh, self, true),
            None => self.en(),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

/// The (English, Chinese) templates of a code.
pub fn templates(code: &str) -> Option<(&'static str, &'static str)> {
    entries()
        .find(|(c, _, _)| *c == code)
        .map(|&(_, en, zh)| (en, zh))
}

/// The value a placeholder stands for, with `_zh` falling back to the
/// plain parameter.
fn lookup<'a>(m: &'a Message, name: &str, zh: bool) -> Option<&'a str> {
    if zh && !name.ends_with("_zh") {
        let key = format!("{name}_zh");
        if let Some(v) = m.param(&key) {
            return Some(v);
        }
    }
    m.param(name)
        .or_else(|| name.strip_suffix("_zh").and_then(|n| m.param(n)))
}

/// Fills a template; see the module doc.
fn render(template: &str, m: &Message, zh: bool) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find(['[', '{']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with('[') {
            let end = tail.find(']').unwrap_or(tail.len());
            let inner = &tail[1..end];
            if placeholders(inner).all(|p| lookup(m, p, zh).is_some()) {
                out.push_str(&render(inner, m, zh));
            }
            rest = tail.get(end + 1..).unwrap_or("");
        } else {
            let end = tail.find('}').unwrap_or(tail.len());
            let name = &tail[1..end];
            out.push_str(lookup(m, name, zh).unwrap_or(""));
            rest = tail.get(end + 1..).unwrap_or("");
        }
    }
    out.push_str(rest);
    out
}

/// The parameter names of a template.
pub fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

pub use catalogue::CATALOGUE;
pub use process::PROCESS;

/// Every code of every catalogue: the importer's and the API's
/// (`CATALOGUE`), then the assessment process's (`PROCESS`).
pub fn entries() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    CATALOGUE.iter().chain(PROCESS)
}

impl From<&crate::IdError> for Message {
    fn from(e: &crate::IdError) -> Message {
        Message::new(match e {
            crate::IdError::Length => "id.length",
            crate::IdError::Characters => "id.characters",
        })
    }
}

impl From<&crate::RegionCodeError> for Message {
    fn from(e: &crate::RegionCodeError) -> Message {
        match e {
            crate::RegionCodeError::Malformed => Message::new("region_code.malformed"),
        }
    }
}

impl From<&crate::PartyError> for Message {
    fn from(e: &crate::PartyError) -> Message {
        match e {
            crate::PartyError::Malformed => Message::new("party.malformed"),
        }
    }
}

impl From<&crate::IdNumberError> for Message {
    fn from(e: &crate::IdNumberError) -> Message {
        Message::new(match e {
            crate::IdNumberError::Length => "id_number.length",
            crate::IdNumberError::Characters => "id_number.characters",
            crate::IdNumberError::CheckDigit => "id_number.check_digit",
            crate::IdNumberError::BirthDate => "id_number.birth_date",
        })
    }
}

impl From<&crate::MoneyError> for Message {
    fn from(e: &crate::MoneyError) -> Message {
        Message::new(match e {
            crate::MoneyError::NotDecimal => "money.not_decimal",
            crate::MoneyError::TooPrecise => "cell.too_precise",
            crate::MoneyError::Overflow => "cell.amount_too_large",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_unique_and_has_both_templates() {
        let mut seen = HashSet::new();
        for (code, en, zh) in entries() {
            assert!(seen.insert(code), "{code} twice");
            assert!(!en.is_empty() && !zh.is_empty(), "{code}");
            assert_eq!(en.matches('[').count(), en.matches(']').count(), "{code}");
            assert_eq!(zh.matches('[').count(), zh.matches(']').count(), "{code}");
            // A Chinese template names only what the English one gives (or
            // its Chinese form).
            let en_params: HashSet<&str> = placeholders(en).collect();
            for p in placeholders(zh) {
                let base = p.strip_suffix("_zh").unwrap_or(p);
                assert!(en_params.contains(base), "{code}: {{{p}}}");
            }
        }
    }

    /// Every code a source file of the workspace gives is in the catalogue,
    /// with every parameter its templates need outside `[...]` given
    /// within that message's construction (up to its first `;`).
    #[test]
    fn every_code_given_is_catalogued_with_its_parameters() {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    files(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut all = Vec::new();
        files(&crates, &mut all);
        let mut seen = 0;
        for f in all {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            for (i, _) in text.match_indices("Message::new(\"") {
                let rest = &text[i + 14..];
                let Some(end) = rest.find('"') else { continue };
                let code = &rest[..end];
                if code.is_empty() || code.contains(' ') {
                    continue;
                }
                let (en, _) = templates(code)
                    .unwrap_or_else(|| panic!("{}: code {code} is not catalogued", f.display()));
                let site = &rest[..rest.find(';').unwrap_or(rest.len())];
                let mut required = en.to_string();
                while let (Some(a), Some(b)) = (required.find('['), required.find(']')) {
                    required.replace_range(a..=b.max(a), "");
                }
                for p in placeholders(&required) {
                    assert!(
                        site.contains(&format!("\"{p}\"")),
                        "{}: {code} needs {p}",
                        f.display()
                    );
                }
                seen += 1;
            }
        }
        assert!(seen > 50, "{seen} sites");
    }

    #[test]
    fn renders_optional_parts_and_chinese_forms() {
        let m = Message::new("cell.not_decimal");
        assert_eq!(m.en(), "not a decimal number");
        let m = m.with("value", "abc");
        assert_eq!(m.en(), "not a decimal number: abc");
        assert_eq!(m.zh(), "不是小数：abc");
        let m = Message::new("pairing.helped_level")
            .with("actual", "county")
            .with("actual_zh", "县级")
            .with("level", "city");
        assert_eq!(m.en(), "the helped party is at level county, not city");
        assert_eq!(m.zh(), "受援方是县级，不是city");
        assert_eq!(Message::other("free text").zh(), "free text");
    }

    #[test]
    fn value_errors_keep_their_display_text() {
        use crate::*;
        for e in [IdError::Length, IdError::Characters] {
            assert_eq!(Message::from(&e).en(), e.to_string());
        }
        assert_eq!(
            Message::from(&RegionCodeError::Malformed).en(),
            RegionCodeError::Malformed.to_string()
        );
        assert_eq!(
            Message::from(&PartyError::Malformed).en(),
            PartyError::Malformed.to_string()
        );
        for e in [
            IdNumberError::Length,
            IdNumberError::Characters,
            IdNumberError::CheckDigit,
            IdNumberError::BirthDate,
        ] {
            assert_eq!(Message::from(&e).en(), e.to_string());
        }
        for e in [
            MoneyError::NotDecimal,
            MoneyError::TooPrecise,
            MoneyError::Overflow,
        ] {
            assert_eq!(Message::from(&e).en(), e.to_string());
        }
    }
}
