//! The fixed part of a dataset: the region hierarchy, organisations and
//! pairings (and yearly region figures). It is small (it grows with the number
//! of villages, not of persons) and kept in memory.

use crate::names;
use crate::orgs::{build_orgs, org_pairings};
use crate::rng::{Rng, between, chance, round_random, stream, unit, ymd};
use chrono::NaiveDate;
use xiezuo_domain::enums::{HelperKind, OrgKind, RegionLevel};

const EAST: [u32; 9] = [44, 31, 32, 33, 35, 37, 11, 12, 21];
pub(crate) const WEST: [u32; 12] = [45, 53, 52, 50, 51, 62, 15, 64, 63, 61, 54, 65];

/// A row of regions.csv.
pub struct RegionRow {
    pub code: u64,
    pub name: String,
    pub level: RegionLevel,
    pub parent: Option<u64>,
    pub side: Option<&'static str>,
    pub poor_county: Option<bool>,
    pub poor_village: Option<bool>,
    pub deep_poverty: Option<bool>,
    pub exit_year: Option<i32>,
}

/// A western county, where registered households live.
pub struct County {
    pub code: u64,
    pub poor: bool,
    /// Indices into `World::villages`.
    pub villages: std::ops::Range<usize>,
    /// Planned households of the county (sum over its villages).
    pub households: u64,
}

/// A western village.
pub struct Village {
    pub code: u64,
    pub county: usize,
    pub poor: bool,
    pub deep: bool,
    pub households: u32,
}

/// An organisation.
pub struct Org {
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    pub region: u64,
    pub west: bool,
}

/// A party of a pairing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Region(u64),
    Org(usize),
}

/// A pairing (结对关系) with what later files need to attach records to it.
pub struct Pairing {
    pub id: String,
    pub helper: Party,
    pub helped: Party,
    pub level: RegionLevel,
    pub kind: HelperKind,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Western counties (indices) inside the helped area.
    pub counties: Vec<usize>,
    /// For township and village pairings: the villages of the helped area.
    pub villages: Vec<usize>,
    /// Eastern county codes within the helper (or the helper organisation's region).
    pub helper_counties: Vec<u64>,
}

impl Pairing {
    /// A government pairing of two regions, helping the western counties
    /// (indices) `counties` from the eastern counties `helper_counties`.
    pub(crate) fn of_regions(
        id: String,
        (helper, helped): (u64, u64),
        level: RegionLevel,
        (start, end): (NaiveDate, Option<NaiveDate>),
        counties: Vec<usize>,
        helper_counties: Vec<u64>,
    ) -> Pairing {
        Pairing {
            id,
            helper: Party::Region(helper),
            helped: Party::Region(helped),
            level,
            kind: HelperKind::Government,
            start,
            end,
            counties,
            villages: Vec::new(),
            helper_counties,
        }
    }

    /// Whether the pairing is a government pairing.
    pub fn is_gov(&self) -> bool {
        self.kind == HelperKind::Government
    }
    /// Whether the pairing is active in year `y`.
    pub fn active_in(&self, y: i32) -> bool {
        chrono::Datelike::year(&self.start) <= y
            && self.end.is_none_or(|e| chrono::Datelike::year(&e) >= y)
    }
}

/// The whole fixed world.
pub struct World {
    pub regions: Vec<RegionRow>,
    pub counties: Vec<County>,
    pub villages: Vec<Village>,
    pub orgs: Vec<Org>,
    pub pairings: Vec<Pairing>,
    /// Eastern county codes.
    pub east_counties: Vec<u64>,
    /// Codes with yearly figures: (code, east side, level).
    pub stat_codes: Vec<(u64, bool, RegionLevel)>,
    /// The showcase county pairing (forced tricky cases), a second county
    /// pairing, and the prefecture pairing containing the showcase.
    pub cp0: usize,
    pub cp1: usize,
    pub pref0: usize,
    /// Indices of enterprises located in the east.
    pub east_enterprises: Vec<usize>,
}

fn code(pp: u32, cc: u32, dd: u32, ttt: u32, vvv: u32) -> u64 {
    u64::from(pp) * 10_000_000_000
        + u64::from(cc) * 100_000_000
        + u64::from(dd) * 1_000_000
        + u64::from(ttt) * 1000
        + u64::from(vvv)
}

pub(crate) fn region(
    code: u64,
    name: String,
    level: RegionLevel,
    parent: Option<u64>,
) -> RegionRow {
    RegionRow {
        code,
        name,
        level,
        parent,
        side: None,
        poor_county: None,
        poor_village: None,
        deep_poverty: None,
        exit_year: None,
    }
}

/// Scale-dependent sizes.
pub(crate) struct Sizes {
    pub(crate) persons: f64,
    west_provinces: usize,
    east_provinces: usize,
    pub(crate) west_counties: usize,
    villages: usize,
}

pub(crate) fn sizes(scale: f64) -> Sizes {
    let persons = 1_000_000.0 * scale;
    let lg = (scale * 100.0).max(1.0).log10();
    let west_counties = ((75.0 * scale.powf(0.55)).round() as usize).clamp(4, 900);
    let west_provinces = ((2.0 + (2.5 * lg).round()) as usize)
        .clamp(2, 12)
        .min(west_counties / 2);
    let east_provinces = ((2.0 + (1.75 * lg).round()) as usize)
        .clamp(2, 9)
        .min(west_provinces);
    let villages = ((persons / 1000.0).round() as usize).max(west_counties * 4);
    Sizes {
        persons,
        west_provinces,
        east_provinces,
        west_counties,
        villages,
    }
}

fn split(total: usize, parts: usize) -> Vec<usize> {
    let parts = parts.max(1);
    (0..parts)
        .map(|i| total / parts + usize::from(i < total % parts))
        .collect()
}

/// A western prefecture of the synthetic world.
struct WestPref {
    code: u64,
    /// Index into `WEST`.
    province: usize,
    /// Indices into `World::counties`.
    counties: Vec<usize>,
}

/// An eastern prefecture-level city, paired with the western prefecture of
/// the same index.
struct EastPref {
    code: u64,
    /// Its county codes.
    counties: Vec<u64>,
}

/// The eastern side of the synthetic world.
struct EastSide {
    /// County codes.
    counties: Vec<u64>,
    province_codes: Vec<u64>,
    /// Parallel to the western prefectures.
    prefs: Vec<EastPref>,
}

/// The regions of a world being built.
#[derive(Default)]
struct Places {
    regions: Vec<RegionRow>,
    counties: Vec<County>,
    villages: Vec<Village>,
    stat_codes: Vec<(u64, bool, RegionLevel)>,
}

/// Builds the world for the options. One random stream, consumed stage by
/// stage: the west, households, the east, organisations, pairings.
pub fn build(seed: u64, scale: f64, first_year: i32, last_year: i32) -> World {
    let mut rng = stream(seed, "world", 0);
    let sz = sizes(scale);
    let mut places = Places::default();
    let west_prefs = places.west(&mut rng, &sz);
    let households_total = sz.persons / 3.3;
    distribute_households(
        &mut rng,
        &mut places.villages,
        &mut places.counties,
        households_total,
    );
    let east = places.east(&mut rng, &sz, &west_prefs);
    let orgs = build_orgs(
        &mut rng,
        &places.regions,
        &places.counties,
        &east.counties,
        &east.province_codes,
    );
    let Places {
        regions,
        counties,
        villages,
        stat_codes,
    } = places;
    let years = (first_year, last_year);
    let (mut pairings, [cp0, cp1, pref0]) =
        gov_pairings(&mut rng, &sz, &counties, (&west_prefs, &east), years);
    let cp0_county = pairings[cp0].counties[0];
    org_pairings(
        &mut rng,
        &mut pairings,
        &orgs,
        (&counties, &villages),
        cp0_county,
        years,
    );
    World {
        regions,
        counties,
        villages,
        orgs: orgs.list,
        pairings,
        east_counties: east.counties,
        stat_codes,
        cp0,
        cp1,
        pref0,
        east_enterprises: orgs.east_enterprises,
    }
}

/// The row of a province, on a side.
fn province_row(pp: u32, side: &'static str) -> RegionRow {
    let mut r = region(
        code(pp, 0, 0, 0, 0),
        names::province(pp).to_string(),
        RegionLevel::Province,
        None,
    );
    r.side = Some(side);
    r
}

/// Sets the poverty flags of a county row, and when poor its exit year (a
/// deeply poor county exits late).
pub(crate) fn poverty_flags(rng: &mut Rng, r: &mut RegionRow, poor: bool, deep: bool) {
    r.poor_county = Some(poor);
    r.deep_poverty = Some(deep);
    r.exit_year = poor.then(|| {
        if deep {
            between(rng, 2019, 2020)
        } else {
            between(rng, 2016, 2020)
        }
    } as i32);
}

impl Places {
    /// The western provinces, prefectures (at most 8 counties each) and
    /// counties with their townships and villages.
    fn west(&mut self, rng: &mut Rng, sz: &Sizes) -> Vec<WestPref> {
        let mut prefs = Vec::new();
        let villages_per_county = sz.villages as f64 / sz.west_counties as f64;
        for (pi, ncounties) in split(sz.west_counties, sz.west_provinces)
            .into_iter()
            .enumerate()
        {
            let pp = WEST[pi];
            let pcode = code(pp, 0, 0, 0, 0);
            self.regions.push(province_row(pp, "west"));
            self.stat_codes.push((pcode, false, RegionLevel::Province));
            let nprefs = ncounties.div_ceil(8).max(1);
            for (ci, nc) in split(ncounties, nprefs).into_iter().enumerate() {
                let cc = ci as u32 + 1;
                let prefcode = code(pp, cc, 0, 0, 0);
                self.regions.push(region(
                    prefcode,
                    names::place(rng, "市"),
                    RegionLevel::Prefecture,
                    Some(pcode),
                ));
                self.stat_codes
                    .push((prefcode, false, RegionLevel::Prefecture));
                let counties = (0..nc)
                    .map(|di| self.west_county(rng, prefcode, di, villages_per_county))
                    .collect();
                prefs.push(WestPref {
                    code: prefcode,
                    province: pi,
                    counties,
                });
            }
        }
        prefs
    }

    /// The `di`-th county of a western prefecture (the first is always
    /// poor) with its townships and villages; returns its index.
    fn west_county(
        &mut self,
        rng: &mut Rng,
        prefcode: u64,
        di: usize,
        villages_per_county: f64,
    ) -> usize {
        let ccode = prefcode + (21 + di as u64) * 1_000_000;
        let poor = di == 0 || chance(rng, 0.7);
        let deep = poor && chance(rng, 0.3);
        let mut r = region(
            ccode,
            names::place(rng, "县"),
            RegionLevel::County,
            Some(prefcode),
        );
        poverty_flags(rng, &mut r, poor, deep);
        self.regions.push(r);
        self.stat_codes.push((ccode, false, RegionLevel::County));
        add_villages(
            rng,
            &mut self.regions,
            &mut self.villages,
            &mut self.counties,
            ccode,
            (poor, deep),
            villages_per_county,
        )
    }

    /// The eastern provinces, and one eastern city per western prefecture in
    /// the partner province (the regions listed province by province).
    fn east(&mut self, rng: &mut Rng, sz: &Sizes, west_prefs: &[WestPref]) -> EastSide {
        let mut side = EastSide {
            counties: Vec::new(),
            province_codes: Vec::new(),
            prefs: Vec::new(),
        };
        let mut pref_count = vec![0u32; sz.east_provinces];
        let mut rows: Vec<Vec<RegionRow>> = Vec::new();
        for &pp in &EAST[..sz.east_provinces] {
            rows.push(vec![province_row(pp, "east")]);
            side.province_codes.push(code(pp, 0, 0, 0, 0));
        }
        for wp in west_prefs {
            let ei = wp.province % sz.east_provinces;
            pref_count[ei] += 1;
            let cc = pref_count[ei];
            let npoor = wp
                .counties
                .iter()
                .filter(|&&c| self.counties[c].poor)
                .count();
            // A town directly under the first city, with no county (as in 东莞).
            let direct_town = cc == 1 && ei == 0;
            let pref = east_prefecture(
                rng,
                &mut rows[ei],
                code(EAST[ei], cc, 0, 0, 0),
                npoor,
                direct_town,
            );
            side.counties.extend(pref.counties.iter().copied());
            side.prefs.push(pref);
        }
        for rows in rows {
            for r in &rows {
                if r.level <= RegionLevel::County {
                    self.stat_codes.push((r.code, true, r.level));
                }
            }
            self.regions.extend(rows);
        }
        side
    }
}

/// An eastern city helping a western prefecture with `npoor` poor counties:
/// about one district per two poor counties (at least three, the last a
/// county-level city), each with its towns, and when asked a town directly
/// under the city.
fn east_prefecture(
    rng: &mut Rng,
    rows: &mut Vec<RegionRow>,
    prefcode: u64,
    npoor: usize,
    direct_town: bool,
) -> EastPref {
    let pcode = prefcode / 10_000_000_000 * 10_000_000_000;
    rows.push(region(
        prefcode,
        names::place(rng, "市"),
        RegionLevel::Prefecture,
        Some(pcode),
    ));
    let ncounties = npoor.div_ceil(2).max(3);
    let mut counties = Vec::new();
    for di in 0..ncounties {
        let dd = if di == ncounties - 1 {
            81
        } else {
            di as u64 + 1
        };
        let ccode = prefcode + dd * 1_000_000;
        let suffix = if dd == 81 { "市" } else { "区" };
        let mut r = region(
            ccode,
            names::place(rng, suffix),
            RegionLevel::County,
            Some(prefcode),
        );
        r.poor_county = Some(false);
        rows.push(r);
        east_towns(rng, rows, ccode);
        counties.push(ccode);
    }
    if direct_town {
        let tcode = prefcode + 1000;
        rows.push(region(
            tcode,
            names::place(rng, "镇"),
            RegionLevel::Township,
            Some(prefcode),
        ));
        rows.push(community_row(rng, tcode + 1, tcode));
    }
    EastPref {
        code: prefcode,
        counties,
    }
}

/// The western counties (indices) whose code agrees with `code` above `div`.
fn counties_in(counties: &[County], div: u64, code: u64) -> Vec<usize> {
    counties
        .iter()
        .enumerate()
        .filter(|(_, c)| c.code / div == code / div)
        .map(|(i, _)| i)
        .collect()
}

/// The government pairings of the synthetic world: province, prefecture and
/// county pairings, one that ended before the years and one that starts in
/// their middle. Returns them with the showcase county pairing, a second
/// county pairing and the prefecture pairing above the showcase.
fn gov_pairings(
    rng: &mut Rng,
    sz: &Sizes,
    counties: &[County],
    (west_prefs, east): (&[WestPref], &EastSide),
    (fy, last_year): (i32, i32),
) -> (Vec<Pairing>, [usize; 3]) {
    let mut pairings: Vec<Pairing> = Vec::new();
    for wi in 0..sz.west_provinces {
        let w = code(WEST[wi], 0, 0, 0, 0);
        let e = code(EAST[wi % sz.east_provinces], 0, 0, 0, 0);
        let start = if wi % 2 == 1 {
            ymd(2016, 12, 1)
        } else {
            ymd(fy, 1, 1)
        };
        pairings.push(Pairing::of_regions(
            format!("PROV-{}-{}", e / 10_000_000_000, w / 10_000_000_000),
            (e, w),
            RegionLevel::Province,
            (start.min(ymd(fy, 1, 1)), None),
            counties_in(counties, 10_000_000_000, w),
            east.counties
                .iter()
                .copied()
                .filter(|c| c / 10_000_000_000 == e / 10_000_000_000)
                .collect(),
        ));
    }
    let mut pref_pairing_of = Vec::new();
    for (wp, ep) in west_prefs.iter().zip(&east.prefs) {
        pref_pairing_of.push(pairings.len());
        pairings.push(Pairing::of_regions(
            format!("PREF-{}-{}", ep.code / 100_000_000, wp.code / 100_000_000),
            (ep.code, wp.code),
            RegionLevel::Prefecture,
            (ymd(fy, 1, 1), None),
            counties_in(counties, 100_000_000, wp.code),
            ep.counties.clone(),
        ));
    }
    let county_pairings = county_pairings(
        rng,
        &mut pairings,
        counties,
        (west_prefs, east),
        (fy, last_year),
    );
    let cp0 = county_pairings[0];
    let cp1 = *county_pairings.get(1).unwrap_or(&cp0);
    let cp0_county = pairings[cp0].counties[0];
    let pref0 = pref_pairing_of
        .iter()
        .copied()
        .find(|&p| pairings[p].counties.contains(&cp0_county))
        .unwrap_or(pref_pairing_of[0]);
    pairings.push(old_county_pairing(counties, east.counties[0], fy));
    // A pairing that starts in the middle of the period, across provinces.
    let ep = &east.prefs[1 % east.prefs.len()];
    let wpref = west_prefs[0].code;
    let start = if last_year > fy {
        ymd(fy + 1, 3, 1)
    } else {
        ymd(fy, 7, 1)
    };
    pairings.push(Pairing::of_regions(
        format!("PREF-{}-{}-X", ep.code / 100_000_000, wpref / 100_000_000),
        (ep.code, wpref),
        RegionLevel::Prefecture,
        (start, None),
        counties_in(counties, 100_000_000, wpref),
        ep.counties.clone(),
    ));
    (pairings, [cp0, cp1, pref0])
}

/// The county pairings (携手奔小康): every poor western county with a
/// county of the partner city, in turn. The first starts on the first day;
/// a few start in the second year. Returns their indices.
fn county_pairings(
    rng: &mut Rng,
    pairings: &mut Vec<Pairing>,
    counties: &[County],
    (west_prefs, east): (&[WestPref], &EastSide),
    (fy, last_year): (i32, i32),
) -> Vec<usize> {
    let mut county_pairings = Vec::new();
    for (wp, ep) in west_prefs.iter().zip(&east.prefs) {
        let ecodes = &ep.counties;
        for (k, &c) in wp
            .counties
            .iter()
            .filter(|&&c| counties[c].poor)
            .enumerate()
        {
            let e = ecodes[k % ecodes.len()];
            let w = counties[c].code;
            let start = if county_pairings.is_empty() {
                ymd(fy, 1, 1)
            } else if chance(rng, 0.1) && last_year > fy {
                crate::rng::date_in_year(rng, fy + 1)
            } else {
                crate::rng::date_between(rng, ymd(fy, 1, 1), ymd(fy, 4, 30))
            };
            county_pairings.push(pairings.len());
            pairings.push(Pairing::of_regions(
                format!("CNTY-{}-{}", e / 1_000_000, w / 1_000_000),
                (e, w),
                RegionLevel::County,
                (start, None),
                vec![c],
                vec![e],
            ));
        }
    }
    county_pairings
}

/// A county pairing that ended before the activity years: the eastern
/// county `helper` with the first western county that is not poor.
pub(crate) fn old_county_pairing(counties: &[County], helper: u64, fy: i32) -> Pairing {
    let old_county = counties
        .iter()
        .position(|c| !c.poor)
        .unwrap_or(counties.len() - 1);
    Pairing::of_regions(
        format!("CNTY-OLD-{}", counties[old_county].code / 1_000_000),
        (helper, counties[old_county].code),
        RegionLevel::County,
        (ymd(2013, 1, 1), Some(ymd(fy - 1, 12, 31))),
        vec![old_county],
        vec![helper],
    )
}

/// Adds the synthetic townships and villages of a county that holds
/// registered households (`PPCCDDTTT000`, `PPCCDDTTTVVV`), and the county
/// itself to `counties`; returns its index. `flags` are (poor, deep poverty).
pub(crate) fn add_villages(
    rng: &mut Rng,
    regions: &mut Vec<RegionRow>,
    villages: &mut Vec<Village>,
    counties: &mut Vec<County>,
    ccode: u64,
    flags: (bool, bool),
    villages_per_county: f64,
) -> usize {
    let (poor, deep) = flags;
    let nv = ((villages_per_county * (0.6 + 0.8 * unit(rng))).round() as usize).max(4);
    let ntown = nv.div_ceil(10).max(2).min(nv);
    let first_village = villages.len();
    let county_idx = counties.len();
    for (ti, ntv) in split(nv, ntown).into_iter().enumerate() {
        let tcode = ccode + (101 + ti as u64) * 1000;
        let suffix = if chance(rng, 0.6) { "镇" } else { "乡" };
        regions.push(region(
            tcode,
            names::place(rng, suffix),
            RegionLevel::Township,
            Some(ccode),
        ));
        for vi in 0..ntv {
            let vcode = tcode + 201 + vi as u64;
            let vpoor = chance(rng, if poor { 0.45 } else { 0.15 });
            let vdeep = vpoor && chance(rng, if deep { 0.4 } else { 0.15 });
            let mut r = region(
                vcode,
                names::place(rng, "村"),
                RegionLevel::Village,
                Some(tcode),
            );
            r.poor_village = Some(vpoor);
            r.deep_poverty = Some(vdeep);
            r.exit_year = vpoor.then(|| between(rng, 2016, 2020) as i32);
            regions.push(r);
            villages.push(Village {
                code: vcode,
                county: county_idx,
                poor: vpoor,
                deep: vdeep,
                households: 0,
            });
        }
    }
    counties.push(County {
        code: ccode,
        poor,
        villages: first_village..villages.len(),
        households: 0,
    });
    county_idx
}

/// Households per village: poor villages hold more registered households.
pub(crate) fn distribute_households(
    rng: &mut Rng,
    villages: &mut [Village],
    counties: &mut [County],
    households_total: f64,
) {
    let weight: f64 = villages
        .iter()
        .map(|v| if v.poor { 3.0 } else { 1.0 })
        .sum();
    for v in villages.iter_mut() {
        let w = if v.poor { 3.0 } else { 1.0 };
        v.households = round_random(rng, households_total * w / weight).max(1) as u32;
        counties[v.county].households += u64::from(v.households);
    }
}

/// An eastern 社区 (village level, never poor) of the town `tcode`.
fn community_row(rng: &mut Rng, code: u64, tcode: u64) -> RegionRow {
    let mut r = region(
        code,
        names::place(rng, "社区"),
        RegionLevel::Village,
        Some(tcode),
    );
    r.poor_village = Some(false);
    r.deep_poverty = Some(false);
    r
}

/// Two synthetic townships (a 街道 and a 镇) with two 社区 each under an
/// eastern county (or city) `ccode`.
pub(crate) fn east_towns(rng: &mut Rng, rows: &mut Vec<RegionRow>, ccode: u64) {
    for ti in 1..=2u64 {
        let tcode = ccode + ti * 1000;
        let suffix = if ti == 1 { "街道" } else { "镇" };
        rows.push(region(
            tcode,
            names::place(rng, suffix),
            RegionLevel::Township,
            Some(ccode),
        ));
        for vi in 1..=2u64 {
            rows.push(community_row(rng, tcode + vi, tcode));
        }
    }
}
