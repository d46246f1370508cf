//! Organisations (组织) and the pairings of organisations, the same in the
//! synthetic and the real world: hospitals and schools paired with western
//! ones, and enterprises and social organisations helping villages (万企帮万村)
//! and townships.

use crate::names;
use crate::rng::{Rng, chance, date_between, index, pick, ymd};
use crate::world::{County, Org, Pairing, Party, RegionRow, Village};
use xiezuo_domain::enums::{HelperKind, OrgKind, RegionLevel};

/// The organisations of a world.
pub(crate) struct Orgs {
    pub list: Vec<Org>,
    /// Indices of the enterprises located in the east.
    pub east_enterprises: Vec<usize>,
    /// Indices of the western hospitals and schools.
    pub west: Vec<usize>,
}

/// Organisations: enterprises (mostly in the east), eastern social
/// organisations, schools, hospitals and others, and western hospitals and
/// schools.
pub(crate) fn build_orgs(
    rng: &mut Rng,
    regions: &[RegionRow],
    counties: &[County],
    east_counties: &[u64],
    east_prov_codes: &[u64],
) -> Orgs {
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
    Orgs {
        list: orgs,
        east_enterprises,
        west: west_orgs,
    }
}

/// Pairings of organisations: hospital and school pairings, enterprises and
/// social organisations helping villages (万企帮万村) and townships. The
/// first village of the showcase county `cp0_county` is always helped.
pub(crate) fn org_pairings(
    rng: &mut Rng,
    pairings: &mut Vec<Pairing>,
    all: &Orgs,
    (counties, villages): (&[County], &[Village]),
    cp0_county: usize,
    (fy, last_year): (i32, i32),
) {
    let (orgs, west_orgs, east_enterprises) = (&all.list, &all.west, &all.east_enterprises);
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
        let start = date_between(rng, ymd(fy, 1, 1), ymd(last_year, 6, 30));
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
            let start = date_between(rng, ymd(fy, 1, 1), ymd(last_year.max(fy + 1) - 1, 12, 31));
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
            start: date_between(rng, ymd(fy, 1, 1), ymd(fy, 12, 31)),
            end: None,
            counties: vec![ci],
            villages: vs,
            helper_counties: vec![orgs[h].region],
        });
    }
}
