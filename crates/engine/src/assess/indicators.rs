//! The indicator families of `assessment.md`, one function each, in the
//! specification's order: each sums its records over the pairing's scope
//! and traces every contribution.

use super::compute::Value;
use super::compute::{FindingRow, Inside, Pass, Tracer, Vals, in_year, person_in_area, rate};
use super::data::{AssessmentData, PartyRef};
use chrono::{Datelike, NaiveDate};
use hashbrown::{HashMap, HashSet};
use roaring::RoaringBitmap;
use xiezuo_domain::enums::*;
use xiezuo_domain::time::{covered_days, year_bounds};
use xiezuo_domain::{Fen, Finding, Indicator, Message, RegionLevel, Year};

/// Organisation and leadership (组织领导): joint meetings and top leaders' visits.
pub(super) fn leadership(c: &Pass<'_>, t: &mut Tracer<'_>, vals: &mut Vals) {
    let Pass { d, ix, s, year, .. } = *c;
    use Indicator as I;
    // Organisation and leadership.
    let mut meet = [0i64; 3];
    for (_, m) in records_in_scope(s, &ix.meetings, &d.meetings) {
        if !in_year(m.date, year) || !m.top_leader {
            continue;
        }
        let (slot, ind) = match m.kind {
            MeetingKind::JointMeeting => (0, I::JointMeetings),
            MeetingKind::VisitToWest => (1, I::TopVisitsToWest),
            MeetingKind::VisitToEast => (2, I::TopVisitsToEast),
        };
        meet[slot] += 1;
        t.add(
            ind,
            "meeting",
            m.meeting_id.as_str(),
            Message::new("trace.meeting")
                .with("date", m.date)
                .with("kind", m.kind)
                .with("kind_zh", m.kind.label_zh()),
        );
    }
    vals.push((I::JointMeetings, Value::Count(meet[0])));
    vals.push((I::TopVisitsToWest, Value::Count(meet[1])));
    vals.push((I::TopVisitsToEast, Value::Count(meet[2])));
}

/// Funds (资金支持): the fiscal ledger, its growth, the share reaching the poor, social funds.
pub(super) fn funds(
    c: &Pass<'_>,
    t: &mut Tracer<'_>,
    vals: &mut Vals,
    findings: &mut Vec<FindingRow>,
) {
    let Pass {
        d,
        ix,
        s,
        helper,
        year,
        p,
        ..
    } = *c;
    use Indicator as I;
    // Funds ledger.
    let (mut committed, mut disbursed, mut expended, mut prev) = (0i64, 0i64, 0i64, 0i64);
    let (mut poor_num, mut poor_den, mut social) = (0i64, 0i64, 0i64);
    let (mut cum_commit, mut cum_disb) = (0i64, 0i64);
    let (_, year_end) = year_bounds(year);
    for &q in s {
        for &i in &ix.funds[q as usize] {
            let f = &d.funds[i as usize].1;
            let a = f.amount.0;
            let fy = f.date.year();
            if f.source == FundSource::Fiscal && f.date <= year_end {
                match f.kind {
                    FundKind::Commitment => cum_commit += a,
                    FundKind::Disbursement => cum_disb += a,
                    FundKind::Expenditure => {}
                }
            }
            if f.source == FundSource::Fiscal
                && Some(fy) == year.checked_sub(1)
                && f.kind == FundKind::Disbursement
            {
                prev += a;
                t.add(
                    I::FiscalDisbursedPrev,
                    "fund",
                    f.txn_id.as_str(),
                    format!("{} {}", f.date, f.amount),
                );
            }
            if fy != year {
                continue;
            }
            match (f.source, f.kind) {
                (FundSource::Fiscal, FundKind::Commitment) => {
                    committed += a;
                    t.add(
                        I::FiscalCommitted,
                        "fund",
                        f.txn_id.as_str(),
                        format!("{} {}", f.date, f.amount),
                    );
                }
                (FundSource::Fiscal, FundKind::Disbursement) => {
                    disbursed += a;
                    t.add(
                        I::FiscalDisbursed,
                        "fund",
                        f.txn_id.as_str(),
                        format!("{} {}", f.date, f.amount),
                    );
                    if let Some(pid) = &f.project_id
                        && let Some(&pi) = d.project_idx.get(pid)
                    {
                        poor_den += a;
                        let proj = &d.projects[pi as usize];
                        let in_poor_village = proj
                            .village
                            .and_then(|v| d.region_idx.get(&v))
                            .is_some_and(|&v| d.regions[v as usize].poor_village);
                        let reaches = in_poor_village || d.project_has_beneficiary[pi as usize];
                        if reaches {
                            poor_num += a;
                        }
                        t.add(
                            I::FundsToPoorShare,
                            "fund",
                            f.txn_id.as_str(),
                            format!(
                                "{} project {pid} {}",
                                f.amount,
                                if reaches {
                                    "reaches the poor"
                                } else {
                                    "does not reach the poor"
                                }
                            ),
                        );
                    }
                }
                (FundSource::Fiscal, FundKind::Expenditure) => {
                    expended += a;
                    t.add(
                        I::FiscalExpended,
                        "fund",
                        f.txn_id.as_str(),
                        format!("{} {}", f.date, f.amount),
                    );
                }
                (FundSource::Enterprise | FundSource::Social, FundKind::Disbursement) => {
                    social += a;
                    t.add(
                        I::SocialFunds,
                        "fund",
                        f.txn_id.as_str(),
                        Message::new("trace.fund_source")
                            .with("date", f.date)
                            .with("source", f.source)
                            .with("source_zh", f.source.label_zh())
                            .with("amount", f.amount),
                    );
                }
                _ => {}
            }
        }
        for &i in &ix.donations[q as usize] {
            let dn = &d.donations[i as usize].1;
            if in_year(dn.date, year) {
                social += dn.amount.0;
                t.add(
                    I::SocialFunds,
                    "donation",
                    dn.donation_id.as_str(),
                    format!("{} {}", dn.date, dn.amount),
                );
            }
        }
    }
    if cum_disb > cum_commit {
        findings.push(FindingRow {
            finding: Finding::Overdisbursed,
            record_kind: "pairing",
            record_id: d.pairings[p as usize].pairing_id.to_string(),
        });
    }
    vals.push((I::FiscalCommitted, Value::Money(Fen(committed))));
    vals.push((I::FiscalDisbursed, Value::Money(Fen(disbursed))));
    vals.push((I::FiscalExpended, Value::Money(Fen(expended))));
    vals.push((I::FiscalDisbursedPrev, Value::Money(Fen(prev))));
    vals.push((I::FiscalGrowth, fiscal_growth(disbursed, prev)));
    vals.push((I::RevenueGrowth, revenue_growth(d, helper, year)));
    vals.push((I::FundsToPoorShare, rate(poor_num as f64, poor_den as f64)));
    vals.push((I::SocialFunds, Value::Money(Fen(social))));
}

/// The records of one kind in the pairing's scope `S(P)`, pairing by pairing
/// in scope order and in stored order within a pairing, each with its
/// index: the walk every family sums and traces over.
fn records_in_scope<'d, R>(
    s: &'d [u32],
    by_pairing: &'d [Vec<u32>],
    rows: &'d [(u32, R)],
) -> impl Iterator<Item = (u32, &'d R)> + 'd {
    s.iter()
        .flat_map(move |&q| by_pairing[q as usize].iter())
        .map(move |&i| (i, &rows[i as usize].1))
}

/// `fiscal_disbursed / fiscal_disbursed_prev - 1`, null without a previous year.
fn fiscal_growth(disbursed: i64, prev: i64) -> Value {
    if prev == 0 {
        Value::Null
    } else {
        Value::Rate(disbursed as f64 / prev as f64 - 1.0)
    }
}

/// The helper's fiscal revenue growth over the previous year; null for an
/// organisation or without both years.
fn revenue_growth(d: &AssessmentData, helper: PartyRef, year: Year) -> Value {
    match helper {
        PartyRef::Org(_) => Value::Null,
        PartyRef::Region(r) => {
            let cur = d.region_revenue.get(&(r, year)).copied().flatten();
            let before = year
                .checked_sub(1)
                .and_then(|prev| d.region_revenue.get(&(r, prev)).copied().flatten());
            match (cur, before) {
                (Some(c), Some(b)) if b.0 != 0 => Value::Rate(c.0 as f64 / b.0 as f64 - 1.0),
                _ => Value::Null,
            }
        }
    }
}

/// Talent (人才支援): secondments both ways, and trainings with their attendees.
pub(super) fn talent(
    c: &Pass<'_>,
    t: &mut Tracer<'_>,
    vals: &mut Vals,
    findings: &mut Vec<FindingRow>,
) -> RoaringBitmap {
    let Pass {
        d,
        ix,
        s,
        area,
        year,
        ..
    } = *c;
    use Indicator as I;
    // Talent.
    let mut sec = [0i64; 3];
    for (_, sc) in records_in_scope(s, &ix.secondments, &d.secondments) {
        if !sc.period.active_in(year) {
            continue;
        }
        let (slot, ind) = match (sc.role, sc.direction) {
            (SecondmentRole::Cadre, Direction::ToWest) => (0, I::CadresToWest),
            (SecondmentRole::Technician, Direction::ToWest) => (1, I::TechniciansToWest),
            (SecondmentRole::Cadre, Direction::ToEast) => (2, I::CadresToEast),
            (SecondmentRole::Technician, Direction::ToEast) => continue,
        };
        sec[slot] += 1;
        t.add(
            ind,
            "secondment",
            sc.secondment_id.as_str(),
            Message::new("trace.secondment")
                .with("role", sc.role)
                .with("role_zh", sc.role.label_zh())
                .with("start", format!("{:?}", sc.period.start))
                .with("end", format!("{:?}", sc.period.end))
                .with(
                    "end_zh",
                    sc.period.end.map_or("至今".to_string(), |e| e.to_string()),
                ),
        );
    }
    vals.push((I::CadresToWest, Value::Count(sec[0])));
    vals.push((I::TechniciansToWest, Value::Count(sec[1])));
    vals.push((I::CadresToEast, Value::Count(sec[2])));
    let mut trained_people = 0i64;
    let mut trained = RoaringBitmap::new();
    for (i, tr) in records_in_scope(s, &ix.trainings, &d.trainings) {
        if !in_year(tr.start_date, year) {
            continue;
        }
        if tr.kind != TrainingKind::PoorLabor {
            trained_people += tr.attendees;
            t.add(
                I::TrainedPeople,
                "training",
                tr.training_id.as_str(),
                Message::new("trace.training")
                    .with("kind", tr.kind)
                    .with("kind_zh", tr.kind.label_zh())
                    .with("attendees", tr.attendees),
            );
        }
        for &a in &ix.attendance_by_training[i as usize] {
            let (_, person, pid) = &d.attendance[a as usize];
            let inside = person_in_area(d, *person, area, year);
            if inside == Inside::Outside {
                findings.push(FindingRow {
                    finding: Finding::PersonOutsideArea,
                    record_kind: "attendance",
                    record_id: format!("{}/{}", tr.training_id, pid),
                });
            }
            if tr.kind == TrainingKind::PoorLabor && inside == Inside::Registered {
                trained.insert(*person);
            }
        }
    }
    vals.push((I::TrainedPeople, Value::Count(trained_people)));

    trained
}

/// Industry (产业合作): enterprises and their investment.
pub(super) fn industry(c: &Pass<'_>, t: &mut Tracer<'_>, vals: &mut Vals) {
    let Pass { d, ix, s, year, .. } = *c;
    use Indicator as I;
    // Industry.
    let mut enterprises: HashSet<String> = HashSet::new();
    let mut investment = 0i64;
    for (_, inv) in records_in_scope(s, &ix.investments, &d.investments) {
        if in_year(inv.date, year) {
            enterprises.insert(inv.enterprise.to_string());
            investment += inv.amount.0;
            t.add(
                I::Investment,
                "investment",
                inv.investment_id.as_str(),
                format!("{} {} {}", inv.date, inv.enterprise, inv.amount),
            );
            t.add(
                I::EnterprisesInvested,
                "investment",
                inv.investment_id.as_str(),
                inv.enterprise.to_string(),
            );
        }
    }
    vals.push((
        I::EnterprisesInvested,
        Value::Count(enterprises.len() as i64),
    ));
    vals.push((I::Investment, Value::Money(Fen(investment))));
}

/// Labour (劳务协作): registered poor persons employed in Y, and those trained.
pub(super) fn labour(
    c: &Pass<'_>,
    t: &mut Tracer<'_>,
    vals: &mut Vals,
    findings: &mut Vec<FindingRow>,
    trained: &RoaringBitmap,
) -> RoaringBitmap {
    let Pass {
        d,
        ix,
        s,
        area,
        year,
        ..
    } = *c;
    use Indicator as I;
    // Labour: placements in scope active in Y, by person.
    let mut by_person: HashMap<u32, Vec<u32>> = HashMap::new();
    for &q in s {
        for &i in &ix.placements[q as usize] {
            let (_, person, pl) = &d.placements[i as usize];
            if pl.period.active_in(year) {
                by_person.entry(*person).or_default().push(i);
            }
        }
    }
    let mut employed = RoaringBitmap::new();
    let mut persons: Vec<u32> = by_person.keys().copied().collect();
    persons.sort_unstable();
    for person in persons {
        let list = &by_person[&person];
        let mut spans: Vec<(NaiveDate, NaiveDate, u32)> = list
            .iter()
            .filter_map(|&i| {
                d.placements[i as usize]
                    .2
                    .period
                    .clip_to_year(year)
                    .map(|(a, b)| (a, b, i))
            })
            .collect();
        spans.sort_unstable();
        // Overlaps inside Y between placements of the same person.
        let mut overlapping: HashSet<u32> = HashSet::new();
        for a in 0..spans.len() {
            for b in a + 1..spans.len() {
                if spans[b].0 <= spans[a].1 {
                    overlapping.insert(spans[a].2);
                    overlapping.insert(spans[b].2);
                }
            }
        }
        let mut ov: Vec<u32> = overlapping.into_iter().collect();
        ov.sort_unstable();
        for i in ov {
            findings.push(FindingRow {
                finding: Finding::OverlappingPlacements,
                record_kind: "placement",
                record_id: d.placements[i as usize].2.placement_id.to_string(),
            });
        }
        let inside = person_in_area(d, person, area, year);
        if inside == Inside::Outside {
            for &i in list {
                findings.push(FindingRow {
                    finding: Finding::PersonOutsideArea,
                    record_kind: "placement",
                    record_id: d.placements[i as usize].2.placement_id.to_string(),
                });
            }
        }
        let mut iv: Vec<(NaiveDate, NaiveDate)> = spans.iter().map(|(a, b, _)| (*a, *b)).collect();
        let days = covered_days(&mut iv);
        if inside == Inside::Registered && days >= 90 {
            employed.insert(person);
            if t.on() {
                for &i in list {
                    let pl = &d.placements[i as usize].2;
                    t.add(
                        I::PoorEmployed,
                        "placement",
                        pl.placement_id.as_str(),
                        Message::new("trace.person_days")
                            .with("person", &pl.person_id)
                            .with("days", days)
                            .with("year", year),
                    );
                }
            }
        }
    }
    vals.push((I::PoorEmployed, Value::Count(employed.len() as i64)));
    vals.push((I::PoorTrained, Value::Count(trained.len() as i64)));
    if t.on() {
        for (ti, person, pid) in &d.attendance {
            if trained.contains(*person) && s.contains(&d.trainings[*ti as usize].0) {
                let tr = &d.trainings[*ti as usize].1;
                if tr.kind == TrainingKind::PoorLabor && in_year(tr.start_date, year) {
                    t.add(
                        I::PoorTrained,
                        "attendance",
                        format!("{}/{pid}", tr.training_id),
                        format!("{} {}", tr.course, tr.start_date),
                    );
                }
            }
        }
    }

    employed
}

/// Beneficiaries of projects of Y and milestones of projects in scope (携手奔小康 results).
pub(super) fn beneficiaries(
    c: &Pass<'_>,
    t: &mut Tracer<'_>,
    vals: &mut Vals,
    findings: &mut Vec<FindingRow>,
    employed: &RoaringBitmap,
    trained: &RoaringBitmap,
) -> (i64, i64) {
    let Pass {
        d,
        ix,
        y,
        s,
        area,
        year,
        ..
    } = *c;
    use Indicator as I;
    // Beneficiaries of projects of Y in scope; milestones of projects in scope.
    let mut ben_households = RoaringBitmap::new();
    let mut due = 0i64;
    let mut late = 0i64;
    for &q in s {
        for &pi in &ix.projects[q as usize] {
            let proj = &d.projects[pi as usize];
            if proj.status == ProjectStatus::Cancelled {
                continue;
            }
            for &mi in &ix.milestones_by_project[pi as usize] {
                let m = &d.milestones[mi as usize].1;
                if !in_year(m.due_date, year) {
                    continue;
                }
                due += 1;
                let is_late = m.done_date.is_none_or(|dd| dd > m.due_date);
                t.add(
                    I::MilestonesDue,
                    "milestone",
                    format!("{}/{}", m.project_id, m.seq),
                    Message::new("trace.milestone_due")
                        .with("due", m.due_date)
                        .with(
                            "done",
                            m.done_date.map_or("-".to_string(), |x| x.to_string()),
                        ),
                );
                if is_late {
                    late += 1;
                    t.add(
                        I::OnTimeRate,
                        "milestone",
                        format!("{}/{}", m.project_id, m.seq),
                        Message::new("trace.milestone_late")
                            .with("due", m.due_date)
                            .with(
                                "done",
                                m.done_date.map_or("-".to_string(), |x| x.to_string()),
                            ),
                    );
                    findings.push(FindingRow {
                        finding: Finding::LateMilestone,
                        record_kind: "milestone",
                        record_id: format!("{}/{}", m.project_id, m.seq),
                    });
                }
            }
            if proj.year != year {
                continue;
            }
            let county = d.region_idx.get(&proj.county).copied();
            for &bi in &ix.beneficiaries_by_project[pi as usize] {
                let (_, hh, hid) = &d.beneficiaries[bi as usize];
                let Some(Some(h)) = d.households.get(*hh as usize) else {
                    continue;
                };
                if !county.is_some_and(|c| d.region_within(h.village, c)) {
                    findings.push(FindingRow {
                        finding: Finding::BeneficiaryOutside,
                        record_kind: "beneficiary",
                        record_id: format!("{}/{hid}", proj.project_id),
                    });
                }
                if h.identified_year <= year
                    && d.region_within(h.village, area)
                    && ben_households.insert(*hh)
                {
                    t.add(
                        I::PoorBenefited,
                        "household",
                        hid.as_str(),
                        Message::new("trace.beneficiary")
                            .with("project", &proj.project_id)
                            .with("members", h.members),
                    );
                }
            }
        }
    }
    let mut benefited: i64 = ben_households
        .iter()
        .filter_map(|h| d.households.get(h as usize).copied().flatten())
        .map(|h| i64::from(h.members))
        .sum();
    let others = employed | trained;
    for person in &others {
        let hh = d
            .person_household
            .get(person as usize)
            .copied()
            .unwrap_or(0);
        if !ben_households.contains(hh) {
            benefited += 1;
            if t.on() {
                let pid = d
                    .person_ids
                    .get(&person)
                    .map_or_else(String::new, |x| x.to_string());
                t.add(I::PoorBenefited, "person", pid, "placed or trained");
            }
        }
    }
    let at_start = y.poor_at_start[area as usize];
    vals.push((I::PoorBenefited, Value::Count(benefited)));
    vals.push((I::PoorAtStart, Value::Count(at_start)));
    vals.push((I::BenefitRate, rate(benefited as f64, at_start as f64)));
    vals.push((
        I::ExitRate,
        rate(y.exited[area as usize] as f64, at_start as f64),
    ));

    (due, late)
}

/// Consumption (消费扶贫): purchases from the helped area.
pub(super) fn consumption(c: &Pass<'_>, t: &mut Tracer<'_>, vals: &mut Vals) {
    let Pass { d, ix, s, year, .. } = *c;
    use Indicator as I;
    // Consumption.
    let mut purchases = 0i64;
    for (_, pu) in records_in_scope(s, &ix.purchases, &d.purchases) {
        if in_year(pu.date, year) {
            purchases += pu.amount.0;
            t.add(
                I::Purchases,
                "purchase",
                pu.purchase_id.as_str(),
                format!("{} {}", pu.date, pu.amount),
            );
        }
    }
    vals.push((I::Purchases, Value::Money(Fen(purchases))));
}

/// Coverage (携手奔小康): poor counties and deep-poverty villages reached, milestones on time.
pub(super) fn coverage(c: &Pass<'_>, t: &mut Tracer<'_>, vals: &mut Vals, due: i64, late: i64) {
    let Pass {
        d,
        y,
        s,
        area,
        helper,
        ..
    } = *c;
    use Indicator as I;
    // Coverage (携手奔小康).
    let (mut counties, mut covered_counties) = (0i64, 0i64);
    let (mut villages, mut covered_villages) = (0i64, 0i64);
    for (ri, r) in d.regions.iter().enumerate() {
        let ri = ri as u32;
        let county = r.poor_county && r.level == RegionLevel::County;
        let village = r.deep_poverty && r.level == RegionLevel::Village;
        if !(county || village) || !d.region_within(ri, area) {
            continue;
        }
        if county {
            counties += 1;
            let hit = (0..d.pairings.len()).any(|q| {
                y.active[q]
                    && d.pairings[q].level == RegionLevel::County
                    && d.pairing_helped[q] == PartyRef::Region(ri)
                    && d.party_within(d.pairing_helper[q], helper)
            });
            if hit {
                covered_counties += 1;
            }
            t.add(
                I::CountyCoverage,
                "region",
                r.code.to_string(),
                if hit {
                    "poor county, paired"
                } else {
                    "poor county, not paired"
                },
            );
        }
        if village {
            villages += 1;
            let hit = s.iter().any(|&q| {
                d.pairings[q as usize].level == RegionLevel::Village
                    && d.pairing_helped[q as usize] == PartyRef::Region(ri)
            });
            if hit {
                covered_villages += 1;
            }
            t.add(
                I::VillageCoverage,
                "region",
                r.code.to_string(),
                if hit {
                    "deep-poverty village, paired"
                } else {
                    "deep-poverty village, not paired"
                },
            );
        }
    }
    vals.push((
        I::CountyCoverage,
        rate(covered_counties as f64, counties as f64),
    ));
    vals.push((
        I::VillageCoverage,
        rate(covered_villages as f64, villages as f64),
    ));
    vals.push((I::MilestonesDue, Value::Count(due)));
    vals.push((
        I::OnTimeRate,
        if due == 0 {
            Value::Null
        } else {
            Value::Rate(1.0 - late as f64 / due as f64)
        },
    ));
}
