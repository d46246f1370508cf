//! Identifiers and parties.

use crate::region::RegionCode;
use compact_str::CompactString;
use std::fmt;

/// An identifier of a record: 1–64 characters of `[A-Za-z0-9_.:-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(CompactString);

/// Why a string is not an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id must have 1 to 64 characters")]
    Length,
    #[error("id may contain only A-Z a-z 0-9 _ . : -")]
    Characters,
}

impl Id {
    /// Parses an identifier.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        if s.is_empty() || s.len() > 64 {
            return Err(IdError::Length);
        }
        if !s
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-'))
        {
            return Err(IdError::Characters);
        }
        Ok(Id(CompactString::new(s)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A party to a pairing or a transaction: a government (its region code) or
/// an organisation (`org:<org_id>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    Region(RegionCode),
    Org(Id),
}

/// Why a string is not a party.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartyError {
    #[error("party must be a region code or org:<org_id>")]
    Malformed,
}

impl Party {
    /// Parses `org:<org_id>` or a region code.
    pub fn parse(s: &str) -> Result<Self, PartyError> {
        if let Some(org) = s.strip_prefix("org:") {
            return Id::parse(org)
                .map(Party::Org)
                .map_err(|_| PartyError::Malformed);
        }
        RegionCode::parse(s)
            .map(Party::Region)
            .map_err(|_| PartyError::Malformed)
    }

    /// True when the text is meant as a party (an `org:` reference or a code);
    /// other text in free-text columns is a plain name.
    pub fn looks_like_party(s: &str) -> bool {
        s.starts_with("org:")
            || ((s.len() == 12 || s.len() == 6) && s.bytes().all(|c| c.is_ascii_digit()))
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Party::Region(c) => write!(f, "{c}"),
            Party::Org(id) => write!(f, "org:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(Id::parse("TX-00:1.a_b").is_ok());
        assert_eq!(Id::parse(""), Err(IdError::Length));
        assert_eq!(Id::parse(&"a".repeat(65)), Err(IdError::Length));
        assert_eq!(Id::parse("H 1"), Err(IdError::Characters));
    }

    #[test]
    fn parties() {
        assert_eq!(
            Party::parse("org:E00001"),
            Ok(Party::Org(Id::parse("E00001").unwrap()))
        );
        assert!(matches!(Party::parse("440000"), Ok(Party::Region(_))));
        assert!(Party::parse("个体餐馆").is_err());
        assert!(Party::looks_like_party("org:X"));
        assert!(!Party::looks_like_party("工会采购"));
    }
}
