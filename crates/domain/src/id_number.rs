//! Resident identity numbers (公民身份号码) under GB 11643-1999.

use chrono::NaiveDate;
use std::fmt;

/// An 18-character identity number whose check digit and birth date are valid.
///
/// Personal data: `Debug` and `Display` show only the masked form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber([u8; 18]);

/// Why a string is not a valid identity number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("identity number must have 18 characters")]
    Length,
    #[error("identity number must be 17 digits and a digit or X")]
    Characters,
    #[error("bad GB 11643 check digit")]
    CheckDigit,
    #[error("identity number holds no valid birth date")]
    BirthDate,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character for the first 17 digits.
pub fn check_char(first17: &[u8; 17]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses and verifies an identity number (a lowercase `x` is accepted).
    pub fn parse(s: &str) -> Result<Self, IdNumberError> {
        let b = s.as_bytes();
        if b.len() != 18 {
            return Err(IdNumberError::Length);
        }
        let mut out = [0u8; 18];
        for (i, &c) in b.iter().enumerate() {
            out[i] = match c {
                b'0'..=b'9' => c,
                b'x' | b'X' if i == 17 => b'X',
                _ => return Err(IdNumberError::Characters),
            };
        }
        let mut first = [0u8; 17];
        first.copy_from_slice(&out[..17]);
        if check_char(&first) != out[17] {
            return Err(IdNumberError::CheckDigit);
        }
        let id = IdNumber(out);
        id.birth_date().ok_or(IdNumberError::BirthDate)?;
        Ok(id)
    }

    fn digits(&self, from: usize, to: usize) -> u32 {
        self.0[from..to]
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    }

    /// The birth date encoded in digits 7–14.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            self.digits(6, 10) as i32,
            self.digits(10, 12),
            self.digits(12, 14),
        )
    }

    /// True when the 17th digit (the sex digit) is odd.
    pub fn is_male(&self) -> bool {
        (self.0[16] - b'0') % 2 == 1
    }

    /// The full number. Personal data: show it only to users with that right.
    pub fn expose(&self) -> &str {
        // Only ASCII digits and 'X' are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The masked form shown by default, e.g. `5201**********123X`.
    pub fn masked(&self) -> String {
        let s = self.expose();
        format!("{}**********{}", &s[..4], &s[14..])
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_number_parses() {
        let id = IdNumber::parse("450121196001184277").unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1960, 1, 18));
        assert!(id.is_male());
        assert_eq!(id.masked(), "4501**********4277");
        assert!(!format!("{id:?}").contains("196001"));
    }

    #[test]
    fn check_digit_is_verified() {
        assert_eq!(
            IdNumber::parse("450123196402043120"),
            Err(IdNumberError::CheckDigit)
        );
        assert_eq!(
            IdNumber::parse("45012319640204312"),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            IdNumber::parse("4501231964020431X8"),
            Err(IdNumberError::Characters)
        );
    }

    #[test]
    fn x_check_digit_and_bad_birth_date() {
        // Build numbers with the right check digit to isolate other rules.
        let mut first = *b"11010519491231002";
        let id = format!(
            "{}{}",
            std::str::from_utf8(&first).unwrap(),
            check_char(&first) as char
        );
        assert!(IdNumber::parse(&id).is_ok());
        first = *b"11010519490230002";
        let bad = format!(
            "{}{}",
            std::str::from_utf8(&first).unwrap(),
            check_char(&first) as char
        );
        assert_eq!(IdNumber::parse(&bad), Err(IdNumberError::BirthDate));
        let lower = IdNumber::parse("11010519900101291x");
        if let Ok(v) = lower {
            assert!(v.expose().ends_with('X'));
        }
    }
}
