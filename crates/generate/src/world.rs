//! The fixed part of a dataset: the region hierarchy, organisations and
//! pairings (and yearly region figures). It is small (it grows with the number
//! of villages, not of persons) and kept in memory.

use crate::names;
use crate::rng::{Rng, between, chance, index, pick, round_random, stream, unit, ymd};
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

/// Builds the world for the options.
pub fn build(seed: u64, scale: f64, first_year: i32, last_year: i32) -> World {
    let mut rng = stream(seed, "world", 0);
    let sz = sizes(scale);
    let mut regions = Vec::new();
    let mut counties: Vec<County> = Vec::new();
    let mut villages: Vec<Village> = Vec::new();
    let mut stat_codes = Vec::new();

    // ---- West ----
    let mut west_prefs: Vec<(u64, usize, Vec<usize>)> = Vec::new(); // (code, province idx, counties)
    let villages_per_county = sz.villages as f64 / sz.west_counties as f64;
    let households_total = sz.persons / 3.3;
    for (pi, ncounties) in split(sz.west_counties, sz.west_provinces)
        .into_iter()
        .enumerate()
    {
        let pp = WEST[pi];
        let pcode = code(pp, 0, 0, 0, 0);
        let mut r = region(
            pcode,
            names::province(pp).to_string(),
            RegionLevel::Province,
            None,
        );
        r.side = Some("west");
        regions.push(r);
        stat_codes.push((pcode, false, RegionLevel::Province));
        let nprefs = ncounties.div_ceil(8).max(1);
        for (ci, nc) in split(ncounties, nprefs).into_iter().enumerate() {
            let cc = ci as u32 + 1;
            let prefcode = code(pp, cc, 0, 0, 0);
            regions.push(region(
                prefcode,
                names::place(&mut rng, "市"),
                RegionLevel::Prefecture,
                Some(pcode),
            ));
            stat_codes.push((prefcode, false, RegionLevel::Prefecture));
            let mut pref_counties = Vec::new();
            for di in 0..nc {
                let dd = 21 + di as u32;
                let ccode = code(pp, cc, dd, 0, 0);
                let poor = di == 0 || chance(&mut rng, 0.7);
                let deep = poor && chance(&mut rng, 0.3);
                let mut r = region(
                    ccode,
                    names::place(&mut rng, "县"),
                    RegionLevel::County,
                    Some(prefcode),
                );
                r.poor_county = Some(poor);
                r.deep_poverty = Some(deep);
                r.exit_year = poor.then(|| if deep { between(&mut rng, 2019, 2020) } else { between(&mut rng, 2016, 2020) } as i32);
                regions.push(r);
                stat_codes.push((ccode, false, RegionLevel::County));
                let county_idx = add_villages(
                    &mut rng,
                    &mut regions,
                    &mut villages,
                    &mut counties,
                    ccode,
                    (poor, deep),
                    villages_per_county,
                );
                pref_counties.push(county_idx);
            }
            west_prefs.push((prefcode, pi, pref_counties));
        }
    }
    distribute_households(&mut rng, &mut villages, &mut counties, households_total);

    // ---- East: one eastern city per western prefecture, in the partner province ----
    let mut east_counties = Vec::new();
    let mut east_prov_codes = Vec::new();
    let mut east_prefs: Vec<(u64, Vec<u64>)> = Vec::new(); // parallel to west_prefs
    let mut east_pref_count = vec![0u32; sz.east_provinces];
    let mut east_region_rows: Vec<Vec<RegionRow>> =
        (0..sz.east_provinces).map(|_| Vec::new()).collect();
    for ei in 0..sz.east_provinces {
        let pp = EAST[ei];
        let pcode = code(pp, 0, 0, 0, 0);
        let mut r = region(
            pcode,
            names::province(pp).to_string(),
            RegionLevel::Province,
            None,
        );
        r.side = Some("east");
        east_region_rows[ei].push(r);
        east_prov_codes.push(pcode);
    }
    for (prefcode_w, wpi, wcounties) in &west_prefs {
        let _ = prefcode_w;
        let ei = wpi % sz.east_provinces;
        let pp = EAST[ei];
        east_pref_count[ei] += 1;
        let cc = east_pref_count[ei];
        let prefcode = code(pp, cc, 0, 0, 0);
        let rows = &mut east_region_rows[ei];
        rows.push(region(
            prefcode,
            names::place(&mut rng, "市"),
            RegionLevel::Prefecture,
            Some(code(pp, 0, 0, 0, 0)),
        ));
        let npoor = wcounties.iter().filter(|&&c| counties[c].poor).count();
        let ncounties = npoor.div_ceil(2).max(3);
        let mut codes = Vec::new();
        for di in 0..ncounties {
            let dd = if di == ncounties - 1 {
                81
            } else {
                di as u32 + 1
            };
            let ccode = code(pp, cc, dd, 0, 0);
            let suffix = if dd == 81 { "市" } else { "区" };
            let mut r = region(
                ccode,
                names::place(&mut rng, suffix),
                RegionLevel::County,
                Some(prefcode),
            );
            r.poor_county = Some(false);
            rows.push(r);
            east_towns(&mut rng, rows, ccode);
            codes.push(ccode);
            east_counties.push(ccode);
        }
        if cc == 1 && ei == 0 {
            // A town directly under the city, with no county (as in 东莞).
            let tcode = code(pp, cc, 0, 1, 0);
            rows.push(region(
                tcode,
                names::place(&mut rng, "镇"),
                RegionLevel::Township,
                Some(prefcode),
            ));
            let mut r = region(
                code(pp, cc, 0, 1, 1),
                names::place(&mut rng, "社区"),
                RegionLevel::Village,
                Some(tcode),
            );
            r.poor_village = Some(false);
            r.deep_poverty = Some(false);
            rows.push(r);
        }
        east_prefs.push((prefcode, codes));
    }
    for (ei, rows) in east_region_rows.into_iter().enumerate() {
        for r in &rows {
            if r.level <= RegionLevel::County {
                stat_codes.push((r.code, true, r.level));
            }
        }
        let _ = ei;
        regions.extend(rows);
    }

    // ---- Organisations ----
    let (orgs, east_enterprises, west_orgs) = build_orgs(
        &mut rng,
        &regions,
        &counties,
        &east_counties,
        &east_prov_codes,
    );

    // ---- Pairings ----
    let mut pairings: Vec<Pairing> = Vec::new();
    let fy = first_year;
    let all_counties_in = |prefix_div: u64, code: u64| -> Vec<usize> {
        counties
            .iter()
            .enumerate()
            .filter(|(_, c)| c.code / prefix_div == code / prefix_div)
            .map(|(i, _)| i)
            .collect()
    };
    let east_in = |prefix_div: u64, code: u64| -> Vec<u64> {
        east_counties
            .iter()
            .copied()
            .filter(|c| c / prefix_div == code / prefix_div)
            .collect()
    };
    for wi in 0..sz.west_provinces {
        let w = code(WEST[wi], 0, 0, 0, 0);
        let e = code(EAST[wi % sz.east_provinces], 0, 0, 0, 0);
        let start = if wi % 2 == 1 {
            ymd(2016, 12, 1)
        } else {
            ymd(fy, 1, 1)
        };
        pairings.push(Pairing {
            id: format!("PROV-{}-{}", e / 10_000_000_000, w / 10_000_000_000),
            helper: Party::Region(e),
            helped: Party::Region(w),
            level: RegionLevel::Province,
            kind: HelperKind::Government,
            start: start.min(ymd(fy, 1, 1)),
            end: None,
            counties: all_counties_in(10_000_000_000, w),
            villages: Vec::new(),
            helper_counties: east_in(10_000_000_000, e),
        });
    }
    let mut pref_pairing_of = Vec::new();
    for (i, (wpref, _, _)) in west_prefs.iter().enumerate() {
        let epref = east_prefs[i].0;
        pref_pairing_of.push(pairings.len());
        pairings.push(Pairing {
            id: format!("PREF-{}-{}", epref / 100_000_000, wpref / 100_000_000),
            helper: Party::Region(epref),
            helped: Party::Region(*wpref),
            level: RegionLevel::Prefecture,
            kind: HelperKind::Government,
            start: ymd(fy, 1, 1),
            end: None,
            counties: all_counties_in(100_000_000, *wpref),
            villages: Vec::new(),
            helper_counties: east_prefs[i].1.clone(),
        });
    }
    let mut county_pairings = Vec::new();
    for (i, (_, _, wcounties)) in west_prefs.iter().enumerate() {
        let ecodes = &east_prefs[i].1;
        for (k, &c) in wcounties.iter().filter(|&&c| counties[c].poor).enumerate() {
            let e = ecodes[k % ecodes.len()];
            let w = counties[c].code;
            let start = if county_pairings.is_empty() {
                ymd(fy, 1, 1)
            } else if chance(&mut rng, 0.1) && last_year > fy {
                crate::rng::date_in_year(&mut rng, fy + 1)
            } else {
                crate::rng::date_between(&mut rng, ymd(fy, 1, 1), ymd(fy, 4, 30))
            };
            county_pairings.push(pairings.len());
            pairings.push(Pairing {
                id: format!("CNTY-{}-{}", e / 1_000_000, w / 1_000_000),
                helper: Party::Region(e),
                helped: Party::Region(w),
                level: RegionLevel::County,
                kind: HelperKind::Government,
                start,
                end: None,
                counties: vec![c],
                villages: Vec::new(),
                helper_counties: vec![e],
            });
        }
    }
    let cp0 = county_pairings[0];
    let cp1 = *county_pairings.get(1).unwrap_or(&cp0);
    let cp0_county = pairings[cp0].counties[0];
    let pref0 = pref_pairing_of
        .iter()
        .copied()
        .find(|&p| pairings[p].counties.contains(&cp0_county))
        .unwrap_or(pref_pairing_of[0]);
    // A pairing that ended before the activity years.
    let old_county = counties
        .iter()
        .position(|c| !c.poor)
        .unwrap_or(counties.len() - 1);
    pairings.push(Pairing {
        id: format!("CNTY-OLD-{}", counties[old_county].code / 1_000_000),
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
    // A pairing that starts in the middle of the period, across provinces.
    {
        let (epref, ecodes) = &east_prefs[1 % east_prefs.len()];
        let wpref = west_prefs[0].0;
        let start = if last_year > fy {
            ymd(fy + 1, 3, 1)
        } else {
            ymd(fy, 7, 1)
        };
        pairings.push(Pairing {
            id: format!("PREF-{}-{}-X", epref / 100_000_000, wpref / 100_000_000),
            helper: Party::Region(*epref),
            helped: Party::Region(wpref),
            level: RegionLevel::Prefecture,
            kind: HelperKind::Government,
            start,
            end: None,
            counties: all_counties_in(100_000_000, wpref),
            villages: Vec::new(),
            helper_counties: ecodes.clone(),
        });
    }
    org_pairings(
        &mut rng,
        &mut pairings,
        (&orgs, &west_orgs, &east_enterprises),
        (&counties, &villages),
        cp0_county,
        (fy, last_year),
    );
    let _: &mut Rng = &mut rng;
    World {
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
    }
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
            let mut r = region(
                tcode + vi,
                names::place(rng, "社区"),
                RegionLevel::Village,
                Some(tcode),
            );
            r.poor_village = Some(false);
            r.deep_poverty = Some(false);
            rows.push(r);
        }
    }
}

/// Organisations: enterprises (mostly in the east), eastern social
/// organisations, schools, hospitals and others, and western hospitals and
/// schools. Returns them with the indices of eastern enterprises and of the
/// western organisations.
pub(crate) fn build_orgs(
    rng: &mut Rng,
    regions: &[RegionRow],
    counties: &[County],
    east_counties: &[u64],
    east_prov_codes: &[u64],
) -> (Vec<Org>, Vec<usize>, Vec<usize>) {
    let mut orgs: Vec<Org> = Vec::new();
    let ne = east_counties.len();
    let n_ent = (ne * 3).max(20);
    let east_towns: Vec<u64> = regions
        .iter()
        .filter(|r| {
            r.level == RegionLevel::Township
                && east_prov_codes.contains(&(r.code / 10_000_000_000 * 10_000_000_000))
        })
        .map(|r| r.code)
        .collect();
    let mut east_enterprises = Vec::new();
    for i in 0..n_ent {
        let west = chance(rng, 0.08);
        let region = if west {
            counties[index(rng, counties.len())].code
        } else if chance(rng, 0.2) {
            *pick(rng, &east_towns)
        } else {
            *pick(rng, east_counties)
        };
        if !west {
            east_enterprises.push(orgs.len());
        }
        orgs.push(Org {
            id: format!("E{:05}", i + 1),
            name: names::enterprise(rng),
            kind: OrgKind::Enterprise,
            region,
            west,
        });
    }
    let other_kinds: [(OrgKind, &str, usize); 6] = [
        (OrgKind::SocialOrg, "公益协会", (ne / 2).max(4)),
        (OrgKind::School, "中学", (ne / 3).max(3)),
        (OrgKind::Hospital, "人民医院", (ne / 3).max(3)),
        (OrgKind::GovernmentDept, "人力资源和社会保障局", 2),
        (OrgKind::Other, "商会", 2),
        (OrgKind::SocialOrg, "慈善基金会", 2),
    ];
    let mut oi = 0;
    for (kind, suffix, n) in other_kinds {
        for _ in 0..n {
            oi += 1;
            let region = *pick(rng, east_counties);
            orgs.push(Org {
                id: format!("O{oi:05}"),
                name: names::place(rng, suffix),
                kind,
                region,
                west: false,
            });
        }
    }
    let n_west_orgs = (counties.len() / 10).max(2);
    let mut west_orgs = Vec::new();
    for i in 0..n_west_orgs {
        let kind = if i % 2 == 0 {
            OrgKind::Hospital
        } else {
            OrgKind::School
        };
        let suffix = if kind == OrgKind::Hospital {
            "中医院"
        } else {
            "民族中学"
        };
        let county = (i * 7 + 1) % counties.len();
        west_orgs.push(orgs.len());
        orgs.push(Org {
            id: format!("W{:05}", i + 1),
            name: names::place(rng, suffix),
            kind,
            region: counties[county].code,
            west: true,
        });
    }
    (orgs, east_enterprises, west_orgs)
}

/// Pairings of organisations: hospital and school pairings, enterprises and
/// social organisations helping villages (万企帮万村) and townships. The
/// first village of the showcase county `cp0_county` is always helped.
pub(crate) fn org_pairings(
    rng: &mut Rng,
    pairings: &mut Vec<Pairing>,
    (orgs, west_orgs, east_enterprises): (&[Org], &[usize], &[usize]),
    (counties, villages): (&[County], &[Village]),
    cp0_county: usize,
    (fy, last_year): (i32, i32),
) {
    // Organisation to organisation (hospital / school).
    for &w in west_orgs {
        let kind = orgs[w].kind;
        let helpers: Vec<usize> = (0..orgs.len())
            .filter(|&i| orgs[i].kind == kind && !orgs[i].west)
            .collect();
        let h = *pick(rng, &helpers);
        let wc = counties
            .iter()
            .position(|c| c.code == orgs[w].region)
            .unwrap_or(0);
        let start = crate::rng::date_between(rng, ymd(fy, 1, 1), ymd(last_year, 6, 30));
        pairings.push(Pairing {
            id: format!("ORGO-{}-{}", orgs[h].id, orgs[w].id),
            helper: Party::Org(h),
            helped: Party::Org(w),
            level: RegionLevel::County,
            kind: if kind == OrgKind::Hospital {
                HelperKind::Hospital
            } else {
                HelperKind::School
            },
            start,
            end: None,
            counties: vec![wc],
            villages: Vec::new(),
            helper_counties: vec![orgs[h].region],
        });
    }
    // Enterprises and social organisations helping villages (万企帮万村) and townships.
    let social: Vec<usize> = (0..orgs.len())
        .filter(|&i| orgs[i].kind == OrgKind::SocialOrg)
        .collect();
    let mut n_social = 0;
    for (ci, c) in counties.iter().enumerate() {
        for vi in c.villages.clone() {
            let v = &villages[vi];
            let p = if v.deep {
                0.5
            } else if v.poor {
                0.08
            } else {
                0.0
            };
            let forced = ci == cp0_county && vi == c.villages.start;
            if !(forced || chance(rng, p)) {
                continue;
            }
            let use_social = n_social == 0 || chance(rng, 0.1);
            let (h, kind) = if use_social {
                n_social += 1;
                (*pick(rng, &social), HelperKind::SocialOrg)
            } else {
                (*pick(rng, east_enterprises), HelperKind::Enterprise)
            };
            let start = crate::rng::date_between(
                rng,
                ymd(fy, 1, 1),
                ymd(last_year.max(fy + 1) - 1, 12, 31),
            );
            pairings.push(Pairing {
                id: format!("VILL-{}-{}", orgs[h].id, v.code),
                helper: Party::Org(h),
                helped: Party::Region(v.code),
                level: RegionLevel::Village,
                kind,
                start,
                end: None,
                counties: vec![ci],
                villages: vec![vi],
                helper_counties: vec![orgs[h].region],
            });
        }
    }
    let ntowns = (counties.len() / 10).max(1);
    for k in 0..ntowns {
        let ci = (k * 5 + 1) % counties.len();
        let c = &counties[ci];
        let vi = c.villages.start;
        let tcode = villages[vi].code / 1000 * 1000;
        let vs: Vec<usize> = c
            .villages
            .clone()
            .filter(|&v| villages[v].code / 1000 * 1000 == tcode)
            .collect();
        let h = *pick(rng, east_enterprises);
        pairings.push(Pairing {
            id: format!("TOWN-{}-{}", orgs[h].id, tcode / 1000),
            helper: Party::Org(h),
            helped: Party::Region(tcode),
            level: RegionLevel::Township,
            kind: HelperKind::Enterprise,
            start: crate::rng::date_between(rng, ymd(fy, 1, 1), ymd(fy, 12, 31)),
            end: None,
            counties: vec![ci],
            villages: vs,
            helper_counties: vec![orgs[h].region],
        });
    }
}
