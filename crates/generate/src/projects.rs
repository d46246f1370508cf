//! Cooperation projects (协作项目), their milestones (目标节点) and the funds
//! ledger (资金): pairing-level fiscal money, and the commitments,
//! disbursements, expenditure and reversals of every project.
//!
//! Each pairing and year has its own random stream, consumed in a fixed
//! order: the pairing's fiscal money, the number of projects, then each
//! project (place, name, budget, dates, status, milestones, funds).

use crate::GenerateError;
use crate::activity::{FileRows, PairingYear, Project, clamp_date, money, scale_of};
use crate::names;
use crate::out::{Out, rc};
use crate::rng::{
    Rng, between, chance, date_between, fmt_date, pick, round_random, stream, unit, ymd,
};
use crate::world::{Pairing, World};
use chrono::{Days, NaiveDate};
use std::path::Path;
use xiezuo_domain::Fen;
use xiezuo_domain::enums::{HelperKind, ProjectStatus, RegionLevel, Vocabulary};
use xiezuo_exchange::FileKind;

/// The fund source of a pairing's project money.
fn source_of(p: &Pairing) -> &'static str {
    match p.kind {
        HelperKind::Government => "fiscal",
        HelperKind::Enterprise => "enterprise",
        _ => "social",
    }
}

/// A ledger row before ids are assigned.
struct Txn {
    date: NaiveDate,
    pairing: usize,
    project: Option<usize>,
    source: &'static str,
    kind: &'static str,
    amount: i64,
    reverses: Option<usize>,
}

impl Txn {
    /// A row that reverses nothing.
    fn new(
        date: NaiveDate,
        (pairing, project): (usize, Option<usize>),
        source: &'static str,
        kind: &'static str,
        amount: i64,
    ) -> Txn {
        Txn {
            date,
            pairing,
            project,
            source,
            kind,
            amount,
            reverses: None,
        }
    }
}

/// The funds ledger, in generation order (the order of the ids).
struct Ledger {
    rows: Vec<Txn>,
    /// Total already reversed, per row.
    reversed: Vec<i64>,
    end: NaiveDate,
}

impl Ledger {
    /// Adds a row, and now and then a partial reversal of it; returns its index.
    fn push(&mut self, rng: &mut Rng, t: Txn) -> usize {
        let i = self.rows.len();
        let (date, amount) = (t.date, t.amount);
        let (pairing, project, source, kind) = (t.pairing, t.project, t.source, t.kind);
        self.rows.push(t);
        self.reversed.push(0);
        if amount > 100 && chance(rng, 0.02) {
            let d = clamp_date(
                date + Days::new(between(rng, 1, 90) as u64),
                date,
                self.end.max(date),
            );
            let part = amount * between(rng, 10, 100) / 100;
            self.rows.push(Txn {
                reverses: Some(i),
                ..Txn::new(d, (pairing, project), source, kind, -part)
            });
            self.reversed.push(0);
            self.reversed[i] += part;
        }
        i
    }

    /// Reverses up to `amount` of row `of` (never more than what is left).
    fn reverse(&mut self, of: usize, date: NaiveDate, amount: i64) {
        let o = &self.rows[of];
        let left = o.amount - self.reversed[of];
        let amount = amount.abs().min(left);
        if amount <= 0 {
            return;
        }
        let t = Txn {
            reverses: Some(of),
            ..Txn::new(
                date.max(o.date),
                (o.pairing, o.project),
                o.source,
                o.kind,
                -amount,
            )
        };
        self.rows.push(t);
        self.reversed.push(0);
        self.reversed[of] += amount;
    }
}

/// A project's dates and money, as drawn before its milestones and funds.
struct Drawn {
    start: NaiveDate,
    end: NaiveDate,
    budget: i64,
    status: ProjectStatus,
}

/// The pass over pairings and years that writes projects and milestones and
/// fills the ledger.
struct ProjectPass<'w> {
    w: &'w World,
    fy: i32,
    ly: i32,
    /// The last day of the period: later dates are in the future.
    today: NaiveDate,
    persons_per_county: f64,
    projects: Vec<Project>,
    ledger: Ledger,
    projects_out: Out,
    milestones_out: Out,
    /// Whether the showcase's late and undone milestones were written.
    forced_late: bool,
}

/// Generates and writes projects, milestones and funds; returns the projects.
pub fn write_projects(
    w: &World,
    dir: &Path,
    seed: u64,
    fy: i32,
    ly: i32,
) -> Result<(Vec<Project>, FileRows), GenerateError> {
    let today = ymd(ly, 12, 31);
    let mut pass = ProjectPass {
        w,
        fy,
        ly,
        today,
        persons_per_county: w
            .counties
            .iter()
            .map(|c| c.households as f64 * 3.3)
            .sum::<f64>()
            / w.counties.len() as f64,
        projects: Vec::new(),
        ledger: Ledger {
            rows: Vec::new(),
            reversed: Vec::new(),
            end: today,
        },
        projects_out: Out::create(dir, FileKind::Projects)?,
        milestones_out: Out::create(dir, FileKind::Milestones)?,
        forced_late: false,
    };
    for y in fy..=ly {
        let mut seq = 0u32;
        for (pi, p) in w.pairings.iter().enumerate() {
            if !p.active_in(y) {
                continue;
            }
            let mut rng = stream(seed, "projects", (pi as u64) << 16 | (y - fy) as u64);
            let py = PairingYear::new(pi, p, y);
            if p.is_gov() {
                pass.pairing_funds(&mut rng, &py);
            }
            let n = pass.project_count(&mut rng, &py);
            for k in 0..n {
                seq += 1;
                pass.project(&mut rng, &py, seq, k)?;
            }
        }
    }
    pass.finish(dir)
}

impl ProjectPass<'_> {
    /// Pairing-level fiscal money (no project): a commitment, its
    /// disbursements, and the showcase's reversals.
    fn pairing_funds(&mut self, rng: &mut Rng, py: &PairingYear) {
        let (w, pi, y, fy, ly) = (self.w, py.pi, py.y, self.fy, self.ly);
        let (yb, ye) = (py.yb, py.ye);
        let ledger = &mut self.ledger;
        let sc = scale_of(py.p);
        let commit = money(
            rng,
            (8_000_000.0 * sc) as i64,
            (30_000_000.0 * sc) as i64,
            1000,
        );
        let d0 = date_between(rng, yb, ymd(y, 3, 31).max(yb));
        let c = ledger.push(
            rng,
            Txn::new(d0, (pi, None), "fiscal", "commitment", commit),
        );
        let factor = if pi == w.cp1 && y == fy {
            160
        } else {
            between(rng, 80, 100)
        };
        let total = commit * factor / 100;
        let parts = between(rng, 1, 3);
        let mut first_disb = None;
        for k in 0..parts {
            let amt = total / parts + if k == 0 { total % parts } else { 0 };
            let d = date_between(rng, d0, ye);
            let t = ledger.push(rng, Txn::new(d, (pi, None), "fiscal", "disbursement", amt));
            first_disb.get_or_insert(t);
        }
        if pi == w.cp0 && y == fy {
            // Two partial reversals of one commitment; one disbursement
            // reversed in the following year.
            ledger.reverse(c, d0 + Days::new(20), commit / 5);
            ledger.reverse(c, d0 + Days::new(40), commit / 10);
            if let Some(t) = first_disb {
                let amt = ledger.rows[t].amount / 10;
                let d = if ly > fy { ymd(fy + 1, 1, 15) } else { ye };
                ledger.reverse(t, d, amt);
            }
        }
    }

    /// How many projects the pairing starts in the year.
    fn project_count(&self, rng: &mut Rng, py: &PairingYear) -> i64 {
        match py.p.level {
            RegionLevel::County if py.p.is_gov() => {
                let base = (2.0 + self.persons_per_county / 4000.0).min(30.0);
                let f = 0.7 + 0.6 * unit(rng);
                let mut n = round_random(rng, base * f);
                if py.pi == self.w.cp0 {
                    n = n.max(if py.y == self.fy { 3 } else { 1 });
                }
                n.max(1)
            }
            RegionLevel::Province | RegionLevel::Prefecture => between(rng, 1, 2),
            _ => i64::from(chance(rng, 0.6)),
        }
    }

    /// The `k`-th project of the pairing in the year, number `seq` of the
    /// year: its row, milestones and funds.
    fn project(
        &mut self,
        rng: &mut Rng,
        py: &PairingYear,
        seq: u32,
        k: i64,
    ) -> Result<(), GenerateError> {
        let (w, p, y) = (self.w, py.p, py.y);
        let id = format!("XM{y}-{seq:06}");
        let (county, village) = self.place(rng, py);
        let (cat, kind_name) = *pick(rng, names::PROJECT_KINDS);
        let place_name = names::place(rng, "");
        let d = self.draw(rng, py, k);
        self.projects_out.row([
            id.clone(),
            p.id.clone(),
            y.to_string(),
            format!("{place_name}{kind_name}"),
            cat.to_string(),
            rc(w.counties[county].code),
            village.map(|v| rc(w.villages[v].code)).unwrap_or_default(),
            Fen(d.budget).to_yuan_short(),
            fmt_date(d.start),
            fmt_date(d.end),
            d.status.as_str().to_string(),
        ])?;
        self.milestones(rng, py, k, &id, &d)?;
        self.project_funds(rng, py, &d);
        self.projects.push(Project {
            id,
            pairing: py.pi,
            year: y,
            county,
            village,
            status: d.status,
        });
        Ok(())
    }

    /// The county and village of a project: the pairing's own village for
    /// village and township pairings, else mostly a poor village of one of
    /// its counties.
    fn place(&self, rng: &mut Rng, py: &PairingYear) -> (usize, Option<usize>) {
        let (w, p) = (self.w, py.p);
        let county = if p.villages.is_empty() {
            *pick(rng, &p.counties)
        } else {
            p.counties[0]
        };
        let village = if !p.villages.is_empty() {
            Some(*pick(rng, &p.villages))
        } else if chance(rng, 0.7) {
            let vs: Vec<usize> = w.counties[county].villages.clone().collect();
            let poor: Vec<usize> = vs.iter().copied().filter(|&v| w.villages[v].poor).collect();
            Some(if !poor.is_empty() && chance(rng, 0.7) {
                *pick(rng, &poor)
            } else {
                *pick(rng, &vs)
            })
        } else {
            None
        };
        (county, village)
    }

    /// Budget, dates and status; the showcase's first project is cancelled.
    fn draw(&self, rng: &mut Rng, py: &PairingYear, k: i64) -> Drawn {
        let (y, yb) = (py.y, py.yb);
        let budget = if py.p.is_gov() {
            money(rng, 500_000, 10_000_000, 100)
        } else {
            money(rng, 200_000, 3_000_000, 100)
        };
        let start = date_between(rng, yb, ymd(y, 10, 31).max(yb));
        let end = start + Days::new(between(rng, 60, 400) as u64);
        let forced_cancel = py.pi == self.w.cp0 && y == self.fy && k == 0;
        let status = if forced_cancel || chance(rng, 0.04) {
            ProjectStatus::Cancelled
        } else if end <= self.today {
            if chance(rng, 0.9) {
                ProjectStatus::Completed
            } else {
                ProjectStatus::Ongoing
            }
        } else if y == self.ly && chance(rng, 0.3) {
            ProjectStatus::Planned
        } else {
            ProjectStatus::Ongoing
        };
        Drawn {
            start,
            end,
            budget,
            status,
        }
    }

    /// The milestones of a project; the showcase's second project has one
    /// late and one undone milestone (once).
    fn milestones(
        &mut self,
        rng: &mut Rng,
        py: &PairingYear,
        k: i64,
        id: &str,
        d: &Drawn,
    ) -> Result<(), GenerateError> {
        let nm = between(rng, 2, 5) as usize;
        let span = (d.end - d.start).num_days().max(1);
        for (m, mname) in names::MILESTONES.iter().take(nm).enumerate() {
            let due = d.start + Days::new((span * (m as i64 + 1) / nm as i64) as u64);
            let force_here = !self.forced_late && py.pi == self.w.cp0 && py.y == self.fy && k == 1;
            let done = if force_here && m == 0 {
                Some(due + Days::new(15)) // late
            } else if force_here && m == 1 {
                None // undone
            } else {
                done_date(rng, d.status, (due, m == 0), self.today)
            };
            if force_here && m == 1 {
                self.forced_late = true;
            }
            self.milestones_out.row([
                id.to_string(),
                (m + 1).to_string(),
                (*mname).to_string(),
                fmt_date(due),
                done.map(fmt_date).unwrap_or_default(),
                names::person_p(rng, 0.7),
            ])?;
        }
        Ok(())
    }

    /// The funds of a project: its commitment (government pairings), then a
    /// reversal when it was cancelled, or disbursements and expenditure.
    fn project_funds(&mut self, rng: &mut Rng, py: &PairingYear, d: &Drawn) {
        let (pi, yb, ye, today) = (py.pi, py.yb, py.ye, self.today);
        let at = (pi, Some(self.projects.len()));
        let src = source_of(py.p);
        let budget = d.budget;
        let ledger = &mut self.ledger;
        let d0 = clamp_date(d.start - Days::new(between(rng, 0, 30) as u64), yb, ye);
        let cm =
            py.p.is_gov()
                .then(|| ledger.push(rng, Txn::new(d0, at, src, "commitment", budget)));
        match d.status {
            ProjectStatus::Cancelled => {
                if let Some(c) = cm {
                    let d = clamp_date(
                        d0 + Days::new(between(rng, 10, 120) as u64),
                        d0,
                        today.max(d0),
                    );
                    ledger.reverse(c, d, budget);
                }
            }
            ProjectStatus::Planned => {}
            _ => {
                let disb = budget * between(rng, 70, 100) / 100;
                let parts = between(rng, 1, 2);
                let mut last = d0;
                for k2 in 0..parts {
                    let amt = disb / parts + if k2 == 0 { disb % parts } else { 0 };
                    let d = date_between(rng, d0, ye.max(d0));
                    last = last.max(d);
                    ledger.push(rng, Txn::new(d, at, src, "disbursement", amt));
                }
                let spent = disb * between(rng, 60, 100) / 100;
                let d = clamp_date(
                    last + Days::new(between(rng, 5, 200) as u64),
                    last,
                    today.max(last),
                );
                ledger.push(rng, Txn::new(d, at, src, "expenditure", spent));
            }
        }
    }

    /// Finishes projects and milestones and writes funds: ids in generation
    /// order, rows in date order.
    fn finish(self, dir: &Path) -> Result<(Vec<Project>, FileRows), GenerateError> {
        let mut res = vec![self.projects_out.finish()?, self.milestones_out.finish()?];
        let (w, ledger, projects) = (self.w, self.ledger, self.projects);
        let mut order: Vec<usize> = (0..ledger.rows.len()).collect();
        order.sort_by_key(|&i| (ledger.rows[i].date, i));
        let mut fo = Out::create(dir, FileKind::Funds)?;
        for i in order {
            let t = &ledger.rows[i];
            fo.row([
                format!("TX{:08}", i + 1),
                fmt_date(t.date),
                w.pairings[t.pairing].id.clone(),
                t.project
                    .map(|p| projects[p].id.clone())
                    .unwrap_or_default(),
                t.source.to_string(),
                t.kind.to_string(),
                Fen(t.amount).to_yuan_short(),
                t.reverses
                    .map(|r| format!("TX{:08}", r + 1))
                    .unwrap_or_default(),
            ])?;
        }
        res.push(fo.finish()?);
        Ok((projects, res))
    }
}

/// When a milestone due on `due` was done, by the project's status (a
/// cancelled project only did its `first` milestone).
fn done_date(
    rng: &mut Rng,
    status: ProjectStatus,
    (due, first): (NaiveDate, bool),
    today: NaiveDate,
) -> Option<NaiveDate> {
    match status {
        ProjectStatus::Planned => None,
        ProjectStatus::Cancelled => first.then(|| due - Days::new(between(rng, 0, 10) as u64)),
        _ if due > today => None,
        _ => {
            let r = unit(rng);
            if r < 0.80 {
                Some(due - Days::new(between(rng, 0, 20) as u64))
            } else if r < 0.92 {
                Some(due + Days::new(between(rng, 1, 60) as u64))
            } else {
                None
            }
        }
    }
}
