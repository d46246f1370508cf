//! Typed cells: the canonical value of one column of one row, as parsed from
//! a file, kept in the store and written back out.

use crate::schema::{ColType, Column};
use chrono::NaiveDate;
use compact_str::CompactString;
use xiezuo_domain::{
    Fen, Id, IdNumber, Indicator, Message, MoneyError, Party, RegionCode, enums::parse_bool,
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
pub fn parse_date(s: &str) -> Result<NaiveDate, Message> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(Message::new("date.shape"));
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
    NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
        .ok_or_else(|| Message::new("date.invalid").with("value", s))
}

/// The most characters of an input value an error quotes.
pub const QUOTE_CHARS: usize = 40;

/// An input value as an error message quotes it (引用): whole when it is at
/// most `QUOTE_CHARS` characters, else its first `QUOTE_CHARS` characters
/// (cut on a char boundary) with "…" and its length, e.g.
/// `"abc…" (52428800 characters)`. Every error that quotes input uses it,
/// so no message grows with its input.
pub fn quote_value(s: &str) -> String {
    match s.char_indices().nth(QUOTE_CHARS) {
        None => s.to_string(),
        Some((cut, _)) => format!("\"{}…\" ({} characters)", &s[..cut], s.chars().count()),
    }
}

/// Whether an error about a cell may quote its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Quote a short prefix (`quote_value`): cells of ordinary kinds.
    Prefix,
    /// Never quote it: every cell of a kind that holds personal data
    /// (个人信息), since a misaligned row puts a name or an identity number
    /// in any of its columns. The message names what was expected instead.
    Never,
}

impl Quoting {
    /// How errors about the cells of `kind` quote them.
    pub fn of_kind(kind: crate::schema::FileKind) -> Quoting {
        if kind.holds_personal_data() {
            Quoting::Never
        } else {
            Quoting::Prefix
        }
    }

    /// `m` with the quoted value as its `value`, or `m` alone.
    fn quote(self, m: Message, value: &str) -> Message {
        match self {
            Quoting::Prefix => m.with("value", quote_value(value)),
            Quoting::Never => m,
        }
    }
}

fn parse_nonneg_int(s: &str, q: Quoting) -> Result<i64, Message> {
    let bad = || q.quote(Message::new("cell.not_nonneg_int"), s);
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    s.parse::<i64>().map_err(|_| bad())
}

/// Parses one non-empty cell according to its column; the error is the
/// reason, quoting at most a short prefix of the value.
pub fn parse_cell(col: &Column, s: &str) -> Result<Cell, Message> {
    parse_cell_quoting(col, s, Quoting::Prefix)
}

/// Full-width ASCII forms (U+FF01 to U+FF5E) and the ideographic space as
/// their ASCII characters; anything else unchanged.
pub fn halfwidth(s: &str) -> std::borrow::Cow<'_, str> {
    if !s
        .chars()
        .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}')
    {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                c => c,
            })
            .collect(),
    )
}

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet would read a cell with this text as a formula.
pub fn starts_formula(s: &str) -> bool {
    s.starts_with(FORMULA_START)
}

/// A free-text cell as written to a CSV file that people open in Excel or
/// WPS (公式注入防护): a value that would start a formula gets a leading `'`,
/// which spreadsheets show as text. So that the round trip stays exact, a
/// value that already starts with `'` before such a character (or before
/// another `'`) gets one more. `unescape_text` undoes exactly this.
pub fn escape_text(s: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = s.chars();
    let needs = match chars.next() {
        _ if starts_formula(s) => true,
        Some('\'') => chars
            .next()
            .is_some_and(|c| c == '\'' || FORMULA_START.contains(&c)),
        _ => false,
    };
    if needs {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Reads a free-text cell written by `escape_text`: one leading `'` before a
/// formula character or another `'` is dropped; anything else is as given.
pub fn unescape_text(s: &str) -> &str {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some('\''), Some(c)) if c == '\'' || FORMULA_START.contains(&c) => &s[1..],
        _ => s,
    }
}

/// Parses one non-empty cell according to its column; the error is the
/// reason, quoting the value as `q` allows.
pub fn parse_cell_quoting(col: &Column, s: &str, q: Quoting) -> Result<Cell, Message> {
    // No store keeps it (PostgreSQL text cannot hold it), and no record needs it.
    if s.contains('\0') {
        return Err(Message::new("cell.nul"));
    }
    // Full-width digits and signs, as Chinese input methods type them
    // (１００.５), read as their ASCII forms in every column but free text.
    let half = match col.ty {
        ColType::Text | ColType::NameOrParty => std::borrow::Cow::Borrowed(s),
        _ => halfwidth(s),
    };
    let s: &str = &half;
    let with_colon = |code: &'static str| q.quote(Message::new(code), s);
    Ok(match col.ty {
        ColType::Id => Cell::Text(Id::parse(s).map_err(|e| Message::from(&e))?.as_str().into()),
        ColType::Text => Cell::Text(unescape_text(s).into()),
        ColType::Code => Cell::Int(
            RegionCode::parse(s)
                .map_err(|e| Message::from(&e))?
                .as_u64() as i64,
        ),
        ColType::Party => match Party::parse(s).map_err(|e| Message::from(&e))? {
            Party::Org(_) => Cell::Text(s.into()),
            p @ Party::Region(_) => Cell::Text(p.to_string().into()),
        },
        ColType::NameOrParty => {
            if Party::looks_like_party(s) {
                Cell::Text(
                    Party::parse(s)
                        .map_err(|e| Message::from(&e))?
                        .to_string()
                        .into(),
                )
            } else {
                Cell::Text(unescape_text(s).into())
            }
        }
        ColType::Date => {
            // The strict form is canonical already.
            // Its reason quotes the value only when it has the date's shape
            // (ten characters).
            parse_date(s).map_err(|e| match q {
                Quoting::Never if e.code == "date.invalid" => Message::new("date.no_such_day"),
                _ => e,
            })?;
            Cell::Text(s.into())
        }
        ColType::Int => Cell::Int(parse_nonneg_int(s, q)?),
        ColType::Decimal => {
            let v: f64 = s.parse().map_err(|_| with_colon("cell.not_decimal"))?;
            if !v.is_finite() {
                return Err(with_colon("cell.not_decimal"));
            }
            Cell::Real(v)
        }
        ColType::Money => Cell::Int(
            Fen::parse_yuan(s)
                .map_err(|e| match e {
                    MoneyError::NotDecimal => with_colon("cell.not_yuan"),
                    other => Message::from(&other),
                })?
                .0,
        ),
        ColType::Bool => Cell::Int(i64::from(
            parse_bool(s).ok_or(Message::new("cell.not_bool"))?,
        )),
        ColType::Enum(spec) => Cell::Text(
            (spec.parse)(s)
                .ok_or_else(|| {
                    let zh: Vec<&str> = (spec.values)().into_iter().map(|(_, z)| z).collect();
                    q.quote(Message::new("cell.unknown_value"), s)
                        .with("expected", (spec.expected)())
                        .with("expected_zh", zh.join("、"))
                })?
                .into(),
        ),
        ColType::IdNumber => Cell::Text(
            IdNumber::parse(s)
                .map_err(|e| Message::from(&e))?
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
                        .map_err(|e| q.quote(Message::from(&e), part))?
                        .to_string(),
                );
            }
            Cell::Text(out.join(";").into())
        }
        ColType::Indicator => Cell::Text(
            Indicator::parse(s)
                .ok_or_else(|| q.quote(Message::new("cell.unknown_indicator"), s))?
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
    fn full_width_digits_read_as_digits_outside_free_text() {
        let cols = FileKind::Projects.columns();
        let col = |n: &str| &cols[FileKind::Projects.col(n).unwrap()];
        assert_eq!(
            parse_cell(col("budget"), "１００.５").unwrap(),
            Cell::Int(10050)
        );
        assert_eq!(
            parse_cell(col("year"), "２０１９").unwrap(),
            Cell::Int(2019)
        );
        assert_eq!(
            parse_cell(col("start_date"), "２０１９－０５－０１").unwrap(),
            parse_cell(col("start_date"), "2019-05-01").unwrap()
        );
        assert_eq!(
            parse_cell(col("name"), "１号路").unwrap(),
            Cell::Text("１号路".into())
        );
    }

    #[test]
    fn formula_escape_round_trips_exactly() {
        for v in [
            "=HYPERLINK(\"http://evil.example/x\",\"点击\")",
            "+1",
            "-",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'=x",
            "''",
            "'abc",
            "abc",
            "",
            "'",
        ] {
            let written = escape_text(v);
            assert!(
                !written.starts_with(FORMULA_START),
                "{v:?} is written as {written:?}"
            );
            assert_eq!(unescape_text(&written), v, "{v:?}");
        }
        assert_eq!(escape_text("=1+1"), "'=1+1");
        assert_eq!(escape_text("道路"), "道路");
    }

    #[test]
    fn dates_strict() {
        assert!(parse_date("2019-02-28").is_ok());
        assert_eq!(
            parse_date("2019-02-30").unwrap_err().en(),
            "invalid date 2019-02-30"
        );
        assert_eq!(
            parse_date("2019/05/01").unwrap_err().en(),
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
            parse_cell(amount, "12.345").unwrap_err().en(),
            "more than 2 fractional digits"
        );
        let regions = FileKind::Regions.columns();
        let code = parse_cell(&regions[0], "450121").unwrap();
        assert_eq!(format_cell(&regions[0], &code), "450121000000");
        assert_eq!(
            parse_cell(&regions[5], "maybe").unwrap_err().en(),
            "not a boolean"
        );
        assert!(
            parse_cell(&regions[2], "城市")
                .unwrap_err()
                .en()
                .contains("expected province|")
        );
        assert_eq!(format_decimal(73.0), "73");
        assert_eq!(format_decimal(0.1888), "0.1888");
    }

    #[test]
    fn errors_quote_a_short_prefix_of_a_long_value() {
        assert_eq!(quote_value("城市"), "城市");
        let forty: String = "字".repeat(QUOTE_CHARS);
        assert_eq!(quote_value(&forty), forty);
        let long = format!("{forty}x");
        assert_eq!(
            quote_value(&long),
            format!("\"{forty}…\" ({} characters)", QUOTE_CHARS + 1)
        );
        let huge = "a".repeat(50 << 20);
        let regions = FileKind::Regions.columns();
        let reason = parse_cell(&regions[2], &huge).unwrap_err().en();
        assert!(reason.len() < 200, "{}", &reason[..200.min(reason.len())]);
        assert!(reason.starts_with("unknown value \"aaaa"), "{reason}");
        assert!(reason.contains("(52428800 characters) (expected province|"));
        let stats = FileKind::RegionStats.columns();
        assert!(parse_cell(&stats[1], &huge).unwrap_err().en().len() < 200);
        assert!(parse_cell(&stats[3], &huge).unwrap_err().en().len() < 200);
    }

    #[test]
    fn cells_of_personal_kinds_are_never_quoted() {
        let persons = FileKind::Persons.columns();
        let sex = &persons[4];
        assert_eq!(Quoting::of_kind(FileKind::Persons), Quoting::Never);
        assert_eq!(Quoting::of_kind(FileKind::Meetings), Quoting::Prefix);
        assert_eq!(
            parse_cell_quoting(sex, "吕金静", Quoting::Never)
                .unwrap_err()
                .en(),
            "unknown value (expected M|F)"
        );
        let birth = &persons[5];
        assert_eq!(
            parse_cell_quoting(birth, "1960-02-30", Quoting::Never)
                .unwrap_err()
                .en(),
            "invalid date (no such day in YYYY-MM-DD)"
        );
        let id = "450121196001184277";
        for col in persons {
            if let Err(reason) = parse_cell_quoting(col, id, Quoting::Never).map_err(|m| m.en()) {
                assert!(!reason.contains(id), "{}: {reason}", col.name);
            }
            if let Err(reason) =
                parse_cell_quoting(col, "吕金静", Quoting::Never).map_err(|m| m.en())
            {
                assert!(!reason.contains("吕金静"), "{}: {reason}", col.name);
            }
        }
        assert!(FileKind::Persons.is_personal("id_number"));
        assert!(FileKind::Secondments.is_personal("person_name"));
        assert!(!FileKind::Persons.is_personal("sex"));
    }

    #[test]
    fn no_store_keeps_a_nul_character() {
        let orgs = FileKind::Organisations.columns();
        assert!(parse_cell(&orgs[1], "宁信科技").is_ok());
        assert_eq!(
            parse_cell(&orgs[1], "宁信\0科技").unwrap_err().en(),
            "contains a NUL character (U+0000)"
        );
    }
}
