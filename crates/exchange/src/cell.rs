//! Typed cells: the canonical value of one column of one row, as parsed from
//! a file, kept in the store and written back out.

use crate::schema::{ColType, Column};
use chrono::NaiveDate;
use compact_str::CompactString;
use xiezuo_domain::{
    Fen, Id, IdNumber, IdNumberError, Indicator, MoneyError, Party, RegionCode, enums::parse_bool,
};

/// A canonical cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    /// Integers, years, booleans (0/1), region codes and money (fen).
    Int(i64),
    /// Decimal numbers (targets).
    Real(f64),
    /// Ids, text, dates (ISO), enum values, parties.
    Text(CompactString),
}

impl Cell {
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Cell::Int(v) => Some(*v),
            _ => None,
        }
    }
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// Parses a date in the strict `YYYY-MM-DD` form.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err("date not in YYYY-MM-DD form".into());
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
    NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
        .ok_or_else(|| format!("invalid date {s}"))
}

fn parse_nonneg_int(s: &str) -> Result<i64, String> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("not a non-negative integer: {s}"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("not a non-negative integer: {s}"))
}

/// Parses one non-empty cell according to its column; the error is the reason.
pub fn parse_cell(col: &Column, s: &str) -> Result<Cell, String> {
    // No store keeps it (PostgreSQL text cannot hold it), and no record needs it.
    if s.contains('\0') {
        return Err("contains a NUL character (U+0000)".into());
    }
    Ok(match col.ty {
        ColType::Id => Cell::Text(Id::parse(s).map_err(|e| e.to_string())?.as_str().into()),
        ColType::Text => Cell::Text(s.into()),
        ColType::Code => {
            Cell::Int(RegionCode::parse(s).map_err(|e| e.to_string())?.as_u64() as i64)
        }
        ColType::Party => match Party::parse(s).map_err(|e| e.to_string())? {
            Party::Org(_) => Cell::Text(s.into()),
            p @ Party::Region(_) => Cell::Text(p.to_string().into()),
        },
        ColType::NameOrParty => {
            if Party::looks_like_party(s) {
                Cell::Text(
                    Party::parse(s)
                        .map_err(|e| e.to_string())?
                        .to_string()
                        .into(),
                )
            } else {
                Cell::Text(s.into())
            }
        }
        ColType::Date => {
            // The strict form is canonical already.
            parse_date(s)?;
            Cell::Text(s.into())
        }
        ColType::Int => Cell::Int(parse_nonneg_int(s)?),
        ColType::Decimal => {
            let v: f64 = s
                .parse()
                .map_err(|_| format!("not a decimal number: {s}"))?;
            if !v.is_finite() {
                return Err(format!("not a decimal number: {s}"));
            }
            Cell::Real(v)
        }
        ColType::Money => Cell::Int(
            Fen::parse_yuan(s)
                .map_err(|e| match e {
                    MoneyError::TooPrecise => "more than 2 fractional digits".to_string(),
                    MoneyError::NotDecimal => format!("not an amount in yuan: {s}"),
                    MoneyError::Overflow => "amount too large".to_string(),
                })?
                .0,
        ),
        ColType::Bool => Cell::Int(i64::from(parse_bool(s).ok_or("not a boolean")?)),
        ColType::Enum(spec) => Cell::Text(
            (spec.parse)(s)
                .ok_or_else(|| format!("unknown value {s} (expected {})", (spec.expected)()))?
                .into(),
        ),
        ColType::IdNumber => Cell::Text(
            IdNumber::parse(s)
                .map_err(|e| match e {
                    IdNumberError::CheckDigit => "bad GB 11643 check digit".to_string(),
                    other => other.to_string(),
                })?
                .expose()
                .into(),
        ),
        ColType::CodeList => {
            let mut out = Vec::new();
            for part in s
                .split([';', '；'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                out.push(
                    RegionCode::parse(part)
                        .map_err(|e| format!("{e}: {part}"))?
                        .to_string(),
                );
            }
            Cell::Text(out.join(";").into())
        }
        ColType::Indicator => Cell::Text(
            Indicator::parse(s)
                .ok_or_else(|| format!("unknown indicator {s}"))?
                .as_str()
                .into(),
        ),
    })
}

/// Formats a cell canonically for a file.
pub fn format_cell(col: &Column, cell: &Cell) -> String {
    match (cell, col.ty) {
        (Cell::Null, _) => String::new(),
        (Cell::Int(v), ColType::Money) => Fen(*v).to_yuan_short(),
        (Cell::Int(v), ColType::Code) => format!("{v:012}"),
        (Cell::Int(v), _) => v.to_string(),
        (Cell::Real(v), _) => format_decimal(*v),
        (Cell::Text(t), _) => t.to_string(),
    }
}

/// The shortest decimal that reads back as the same number (`73`, `0.1888`).
pub fn format_decimal(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FileKind;

    #[test]
    fn dates_strict() {
        assert!(parse_date("2019-02-28").is_ok());
        assert_eq!(
            parse_date("2019-02-30").unwrap_err(),
            "invalid date 2019-02-30"
        );
        assert_eq!(
            parse_date("2019/05/01").unwrap_err(),
            "date not in YYYY-MM-DD form"
        );
        assert!(parse_date("19-05-01").is_err());
    }

    #[test]
    fn cells_round_trip() {
        let funds = FileKind::Funds.columns();
        let amount = &funds[6];
        let v = parse_cell(amount, "1193333.34").unwrap();
        assert_eq!(format_cell(amount, &v), "1193333.34");
        assert_eq!(
            parse_cell(amount, "12.345").unwrap_err(),
            "more than 2 fractional digits"
        );
        let regions = FileKind::Regions.columns();
        let code = parse_cell(&regions[0], "450121").unwrap();
        assert_eq!(format_cell(&regions[0], &code), "450121000000");
        assert_eq!(
            parse_cell(&regions[5], "maybe").unwrap_err(),
            "not a boolean"
        );
        assert!(
            parse_cell(&regions[2], "城市")
                .unwrap_err()
                .contains("expected province|")
        );
        assert_eq!(format_decimal(73.0), "73");
        assert_eq!(format_decimal(0.1888), "0.1888");
    }

    #[test]
    fn no_store_keeps_a_nul_character() {
        let orgs = FileKind::Organisations.columns();
        assert!(parse_cell(&orgs[1], "宁信科技").is_ok());
        assert_eq!(
            parse_cell(&orgs[1], "宁信\0科技").unwrap_err(),
            "contains a NUL character (U+0000)"
        );
    }
}
