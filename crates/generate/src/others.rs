//! The other pairing-level records: secondments (干部人才交流), investments
//! (产业合作), purchases (消费帮扶), donations (社会帮扶), meetings (组织领导)
//! and agreement targets (帮扶协议目标).
//!
//! Each pairing and year has its own random stream, consumed by the kinds in
//! that order.

use crate::GenerateError;
use crate::activity::{FileRows, PairingYear, enterprise_for, money, scale_of};
use crate::names;
use crate::out::{Out, b, rc};
use crate::rng::{Rng, between, chance, date_between, fmt_date, pick, stream, unit};
use crate::world::{Party, World};
use chrono::Days;
use std::path::Path;
use xiezuo_domain::Fen;
use xiezuo_domain::enums::{HelperKind, OrgKind};
use xiezuo_exchange::FileKind;

/// The fields of technicians sent by government pairings.
const FIELDS: [&str; 4] = ["education", "health", "agriculture", "other"];

/// The pass over pairings and years that writes the six files.
struct OtherPass<'w> {
    w: &'w World,
    secondments: Out,
    investments: Out,
    purchases: Out,
    donations: Out,
    meetings: Out,
    targets: Out,
    /// Indices of the social organisations.
    social: Vec<usize>,
    /// The first donation is in kind.
    first_donation: bool,
    /// Targets written so far: the first two are 0 and -1.
    forced_targets: u32,
}

/// Writes secondments, investments, purchases, donations, meetings and targets.
pub fn write_others(
    w: &World,
    dir: &Path,
    seed: u64,
    fy: i32,
    ly: i32,
) -> Result<FileRows, GenerateError> {
    let mut pass = OtherPass {
        w,
        secondments: Out::create(dir, FileKind::Secondments)?,
        investments: Out::create(dir, FileKind::Investments)?,
        purchases: Out::create(dir, FileKind::Purchases)?,
        donations: Out::create(dir, FileKind::Donations)?,
        meetings: Out::create(dir, FileKind::Meetings)?,
        targets: Out::create(dir, FileKind::Targets)?,
        social: (0..w.orgs.len())
            .filter(|&i| w.orgs[i].kind == OrgKind::SocialOrg)
            .collect(),
        first_donation: true,
        forced_targets: 0,
    };
    for y in fy..=ly {
        for (pi, p) in w.pairings.iter().enumerate() {
            if !p.active_in(y) {
                continue;
            }
            let mut rng = stream(seed, "others", (pi as u64) << 16 | (y - fy) as u64);
            let py = PairingYear::new(pi, p, y);
            pass.secondments(&mut rng, &py)?;
            pass.investments(&mut rng, &py)?;
            pass.purchases(&mut rng, &py)?;
            pass.donations(&mut rng, &py)?;
            if p.is_gov() {
                pass.meetings(&mut rng, &py)?;
            }
            pass.targets(&mut rng, &py)?;
        }
    }
    Ok(vec![
        pass.secondments.finish()?,
        pass.investments.finish()?,
        pass.purchases.finish()?,
        pass.donations.finish()?,
        pass.meetings.finish()?,
        pass.targets.finish()?,
    ])
}

impl OtherPass<'_> {
    /// Cadres and technicians sent west, and cadres sent east.
    fn secondments(&mut self, rng: &mut Rng, py: &PairingYear) -> Result<(), GenerateError> {
        let p = py.p;
        let sc = scale_of(p);
        // direction, role, count, min days, max days
        let mut sec: Vec<(&str, &str, i64, i64, i64)> = Vec::new();
        if p.is_gov() {
            sec.push((
                "to_west",
                "cadre",
                between(rng, 0, 1 + sc as i64),
                365,
                1000,
            ));
            sec.push((
                "to_west",
                "technician",
                between(rng, 1, 3 * sc as i64),
                90,
                540,
            ));
            sec.push(("to_east", "cadre", between(rng, 0, 1), 90, 365));
        } else if matches!(p.kind, HelperKind::Hospital | HelperKind::School) {
            sec.push(("to_west", "technician", between(rng, 1, 3), 90, 365));
        }
        for (direction, role, k, lo, hi) in sec {
            for _ in 0..k {
                let s = date_between(rng, py.yb, py.ye.max(py.yb));
                let e = s + Days::new(between(rng, lo, hi) as u64);
                let field = if role != "technician" {
                    ""
                } else if p.kind == HelperKind::Hospital {
                    "health"
                } else if p.kind == HelperKind::School {
                    "education"
                } else {
                    *pick(rng, &FIELDS)
                };
                let o = &mut self.secondments;
                o.row([
                    format!("SC{:06}", o.rows + 1),
                    p.id.clone(),
                    direction.to_string(),
                    role.to_string(),
                    field.to_string(),
                    names::person_p(rng, 0.7),
                    fmt_date(s),
                    fmt_date(e),
                ])?;
            }
        }
        Ok(())
    }

    /// Investments of eastern enterprises in the helped counties.
    fn investments(&mut self, rng: &mut Rng, py: &PairingYear) -> Result<(), GenerateError> {
        let (w, p) = (self.w, py.p);
        let n = if p.is_gov() {
            between(rng, 0, 1 + scale_of(p) as i64)
        } else if p.kind == HelperKind::Enterprise {
            i64::from(chance(rng, 0.3))
        } else {
            0
        };
        for _ in 0..n {
            let e = enterprise_for(w, rng, p);
            let county = w.counties[*pick(rng, &p.counties)].code;
            let park = if chance(rng, 0.3) {
                *pick(rng, names::PARKS)
            } else {
                ""
            };
            let o = &mut self.investments;
            o.row([
                format!("IV{:06}", o.rows + 1),
                p.id.clone(),
                format!("org:{}", w.orgs[e].id),
                rc(county),
                fmt_date(date_between(rng, py.yb, py.ye.max(py.yb))),
                Fen(money(rng, 1_000_000, 50_000_000, 1)).to_yuan_short(),
                park.to_string(),
            ])?;
        }
        Ok(())
    }

    /// Purchases of western products by named buyers or enterprises.
    fn purchases(&mut self, rng: &mut Rng, py: &PairingYear) -> Result<(), GenerateError> {
        let (w, p) = (self.w, py.p);
        let n = if p.is_gov() {
            between(rng, 1, 2 + 2 * scale_of(p) as i64)
        } else {
            i64::from(chance(rng, 0.3))
        };
        for _ in 0..n {
            let buyer = if chance(rng, 0.6) {
                (*pick(rng, names::BUYERS)).to_string()
            } else {
                format!("org:{}", w.orgs[enterprise_for(w, rng, p)].id)
            };
            let o = &mut self.purchases;
            o.row([
                format!("PU{:07}", o.rows + 1),
                p.id.clone(),
                fmt_date(date_between(rng, py.yb, py.ye.max(py.yb))),
                buyer,
                rc(w.counties[*pick(rng, &p.counties)].code),
                (*pick(rng, names::PRODUCTS)).to_string(),
                Fen(money(rng, 50_000, 5_000_000, 1)).to_yuan_short(),
            ])?;
        }
        Ok(())
    }

    /// Donations of the helper organisation, or of social organisations,
    /// enterprises and individuals.
    fn donations(&mut self, rng: &mut Rng, py: &PairingYear) -> Result<(), GenerateError> {
        let (w, p) = (self.w, py.p);
        let gov = p.is_gov();
        let n = if gov {
            between(rng, 0, 3)
        } else if p.kind == HelperKind::SocialOrg {
            between(rng, 1, 2)
        } else {
            i64::from(chance(rng, 0.4))
        };
        for _ in 0..n {
            let r = unit(rng);
            let (donor, kind) = if let (Party::Org(h), false) = (p.helper, gov) {
                let k = if w.orgs[h].kind == OrgKind::Enterprise {
                    "enterprise"
                } else {
                    "social_org"
                };
                (format!("org:{}", w.orgs[h].id), k)
            } else if r < 0.4 {
                (
                    format!("org:{}", w.orgs[*pick(rng, &self.social)].id),
                    "social_org",
                )
            } else if r < 0.75 {
                (
                    format!("org:{}", w.orgs[enterprise_for(w, rng, p)].id),
                    "enterprise",
                )
            } else {
                (names::person_p(rng, 0.6), "individual")
            };
            let in_kind = self.first_donation || chance(rng, 0.2);
            self.first_donation = false;
            let o = &mut self.donations;
            o.row([
                format!("DN{:06}", o.rows + 1),
                p.id.clone(),
                fmt_date(date_between(rng, py.yb, py.ye.max(py.yb))),
                donor,
                kind.to_string(),
                Fen(money(rng, 10_000, 2_000_000, 1)).to_yuan_short(),
                b(in_kind).to_string(),
            ])?;
        }
        Ok(())
    }

    /// Joint meetings and visits of a government pairing.
    fn meetings(&mut self, rng: &mut Rng, py: &PairingYear) -> Result<(), GenerateError> {
        let spec = [
            ("joint_meeting", i64::from(chance(rng, 0.9)), 0.85),
            ("visit_to_west", between(rng, 0, 2), 0.7),
            ("visit_to_east", between(rng, 0, 2), 0.6),
        ];
        for (kind, k, top) in spec {
            for _ in 0..k {
                let o = &mut self.meetings;
                o.row([
                    format!("MT{:06}", o.rows + 1),
                    py.p.id.clone(),
                    fmt_date(date_between(rng, py.yb, py.ye.max(py.yb))),
                    kind.to_string(),
                    b(chance(rng, top)).to_string(),
                ])?;
            }
        }
        Ok(())
    }

    /// Targets (partial: some government pairings, some indicators); the
    /// first two written are 0 and -1.
    fn targets(&mut self, rng: &mut Rng, py: &PairingYear) -> Result<(), GenerateError> {
        if !(py.p.is_gov() && chance(rng, 0.85)) {
            return Ok(());
        }
        for (ind, v) in self.target_candidates(rng, py) {
            if !chance(rng, 0.55) {
                continue;
            }
            let v = match self.forced_targets {
                0 => "0".to_string(),
                1 => "-1".to_string(),
                _ => v,
            };
            self.forced_targets += 1;
            self.targets
                .row([py.p.id.clone(), py.y.to_string(), ind.to_string(), v])?;
        }
        Ok(())
    }

    /// A value for each indicator a target may be set for.
    fn target_candidates(&self, rng: &mut Rng, py: &PairingYear) -> [(&'static str, String); 10] {
        let w = self.w;
        let sc = scale_of(py.p);
        let persons: f64 =
            py.p.counties
                .iter()
                .map(|&c| w.counties[c].households as f64 * 3.3)
                .sum();
        [
            ("cadres_to_west", between(rng, 1, 2 + sc as i64).to_string()),
            (
                "technicians_to_west",
                between(rng, 1, 4 * sc as i64).to_string(),
            ),
            ("trained_people", between(rng, 20, 150).to_string()),
            ("enterprises_invested", between(rng, 1, 3).to_string()),
            (
                "investment",
                Fen(money(rng, 5_000_000, 40_000_000, 10_000)).to_yuan_short(),
            ),
            (
                "poor_employed",
                ((persons * 0.02 * (0.5 + unit(rng))) as i64)
                    .max(1)
                    .to_string(),
            ),
            ("poor_trained", between(rng, 10, 60).to_string()),
            (
                "poor_benefited",
                ((persons * 0.08 * (0.5 + unit(rng))) as i64)
                    .max(1)
                    .to_string(),
            ),
            ("exit_rate", format!("0.{:04}", between(rng, 500, 3000))),
            (
                "purchases",
                Fen(money(rng, 200_000, 5_000_000, 1000)).to_yuan_short(),
            ),
        ]
    }
}
