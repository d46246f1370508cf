//! Statistical division codes (统计用区划代码).

use crate::enums::RegionLevel;
use std::fmt;

/// A 12-digit statistical division code; its level is implied by its digits:
/// province `PP0000000000`, prefecture `PPCC00000000`, county `PPCCDD000000`,
/// township `PPCCDDTTT000`, village all 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(u64);

/// Why a string is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("malformed region code (12 digits, or 6 for county level and above)")]
    Malformed,
}

const LEVEL_DIGITS: [(RegionLevel, u32); 5] = [
    (RegionLevel::Province, 2),
    (RegionLevel::Prefecture, 4),
    (RegionLevel::County, 6),
    (RegionLevel::Township, 9),
    (RegionLevel::Village, 12),
];

impl RegionCode {
    /// Parses 12 digits, or 6 digits right-padded with zeros.
    pub fn parse(s: &str) -> Result<Self, RegionCodeError> {
        let b = s.as_bytes();
        if !(b.len() == 12 || b.len() == 6) || !b.iter().all(u8::is_ascii_digit) {
            return Err(RegionCodeError::Malformed);
        }
        let mut v: u64 = b.iter().fold(0, |a, d| a * 10 + u64::from(d - b'0'));
        if b.len() == 6 {
            v *= 1_000_000;
        }
        if v < 10_000_000_000 {
            // Province digits "00" are not a region.
            return Err(RegionCodeError::Malformed);
        }
        Ok(RegionCode(v))
    }

    /// Builds a code from its integer value (as stored); `None` if not 12 digits.
    pub fn from_u64(v: u64) -> Option<Self> {
        (10_000_000_000..1_000_000_000_000)
            .contains(&v)
            .then_some(RegionCode(v))
    }

    /// The integer value of the 12 digits.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The level implied by the digits.
    pub fn level(self) -> RegionLevel {
        let v = self.0;
        if v.is_multiple_of(10_000_000_000) {
            RegionLevel::Province
        } else if v.is_multiple_of(100_000_000) {
            RegionLevel::Prefecture
        } else if v.is_multiple_of(1_000_000) {
            RegionLevel::County
        } else if v.is_multiple_of(1000) {
            RegionLevel::Township
        } else {
            RegionLevel::Village
        }
    }

    /// The code truncated to the digits of `level` (zeros after), when that
    /// is a strict ancestor by prefix.
    pub fn truncated(self, level: RegionLevel) -> Option<RegionCode> {
        let digits = LEVEL_DIGITS.iter().find(|(l, _)| *l == level)?.1;
        let m = 10u64.pow(12 - digits);
        let t = self.0 / m * m;
        (t != self.0 && t >= 10_000_000_000).then_some(RegionCode(t))
    }

    /// Candidate ancestors by code prefix, nearest first.
    pub fn prefix_ancestors(self) -> impl Iterator<Item = RegionCode> {
        LEVEL_DIGITS
            .iter()
            .rev()
            .filter_map(move |(l, _)| self.truncated(*l))
            .fold(Vec::with_capacity(4), |mut v, c| {
                if v.last() != Some(&c) {
                    v.push(c);
                }
                v
            })
            .into_iter()
    }

    /// The two-digit province prefix.
    pub fn province_prefix(self) -> u32 {
        (self.0 / 10_000_000_000) as u32
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_digits() {
        let c = |s| RegionCode::parse(s).unwrap();
        assert_eq!(c("450000000000").level(), RegionLevel::Province);
        assert_eq!(c("450100000000").level(), RegionLevel::Prefecture);
        assert_eq!(c("450121").level(), RegionLevel::County);
        assert_eq!(c("440201001000").level(), RegionLevel::Township);
        assert_eq!(c("450121101201").level(), RegionLevel::Village);
        assert_eq!(c("450121").to_string(), "450121000000");
    }

    #[test]
    fn malformed_codes() {
        assert!(RegionCode::parse("52999910120X").is_err());
        assert!(RegionCode::parse("4501").is_err());
        assert!(RegionCode::parse("000000000000").is_err());
        assert!(RegionCode::parse(" 450121000000").is_err());
    }

    #[test]
    fn ancestors_by_prefix() {
        let v = RegionCode::parse("450121101201").unwrap();
        let a: Vec<String> = v.prefix_ancestors().map(|c| c.to_string()).collect();
        assert_eq!(
            a,
            [
                "450121101000",
                "450121000000",
                "450100000000",
                "450000000000"
            ]
        );
        let p = RegionCode::parse("450000000000").unwrap();
        assert_eq!(p.prefix_ancestors().count(), 0);
    }
}
