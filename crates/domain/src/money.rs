//! Money as integer fen (分); never a float.

use std::fmt;

/// An amount of money in fen (1 元 = 100 fen). May be negative (reversals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

/// Why a string is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not a decimal amount")]
    NotDecimal,
    #[error("more than 2 fractional digits")]
    TooPrecise,
    #[error("amount too large")]
    Overflow,
}

impl Fen {
    /// Parses yuan with at most two fractional digits, e.g. `-1193333.34`.
    pub fn parse_yuan(s: &str) -> Result<Fen, MoneyError> {
        let (neg, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().all(|c| c.is_ascii_digit())
            || !frac.bytes().all(|c| c.is_ascii_digit())
            || (body.contains('.') && frac.is_empty())
        {
            return Err(MoneyError::NotDecimal);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let mut fen: i64 = 0;
        for c in int.bytes() {
            fen = fen
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(c - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        fen = fen.checked_mul(100).ok_or(MoneyError::Overflow)?;
        let mut f = 0i64;
        for (i, c) in frac.bytes().enumerate() {
            f += i64::from(c - b'0') * if i == 0 { 10 } else { 1 };
        }
        fen = fen.checked_add(f).ok_or(MoneyError::Overflow)?;
        Ok(Fen(if neg { -fen } else { fen }))
    }

    /// Yuan with exactly two decimals, as in assessment output: `1193333.40`.
    pub fn to_yuan_2dp(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }

    /// Yuan in the shortest exact form, as in exchange files: `1363000`, `12.5`.
    pub fn to_yuan_short(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        match a % 100 {
            0 => format!("{sign}{}", a / 100),
            f if f % 10 == 0 => format!("{sign}{}.{}", a / 100, f / 10),
            f => format!("{sign}{}.{:02}", a / 100, f),
        }
    }

    /// The amount in yuan as a float, for rates only (never for sums).
    pub fn as_yuan_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0 + o.0)
    }
}

impl std::ops::AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen(iter.map(|f| f.0).sum())
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_yuan_short())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yuan() {
        assert_eq!(Fen::parse_yuan("1193333.34"), Ok(Fen(119_333_334)));
        assert_eq!(Fen::parse_yuan("-100"), Ok(Fen(-10_000)));
        assert_eq!(Fen::parse_yuan("12.5"), Ok(Fen(1250)));
        assert_eq!(Fen::parse_yuan("12.500"), Ok(Fen(1250)));
        assert_eq!(Fen::parse_yuan(".5"), Ok(Fen(50)));
        assert_eq!(Fen::parse_yuan("12.345"), Err(MoneyError::TooPrecise));
        assert_eq!(Fen::parse_yuan("1e5"), Err(MoneyError::NotDecimal));
        assert_eq!(Fen::parse_yuan(""), Err(MoneyError::NotDecimal));
        assert_eq!(Fen::parse_yuan("5."), Err(MoneyError::NotDecimal));
        assert_eq!(
            Fen::parse_yuan("99999999999999999999"),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn formats_yuan() {
        assert_eq!(Fen(119_333_334).to_yuan_2dp(), "1193333.34");
        assert_eq!(Fen(-5).to_yuan_2dp(), "-0.05");
        assert_eq!(Fen(136_300_000).to_yuan_short(), "1363000");
        assert_eq!(Fen(1250).to_yuan_short(), "12.5");
        assert_eq!(Fen(-1205).to_yuan_short(), "-12.05");
    }
}
