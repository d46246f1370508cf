//! The showcase of the person pass: tricky cases of the assessment
//! specification (placements of 89, 90 and 91 days, overlaps, open spans,
//! every channel, a placement outside the own county) forced on the first
//! eligible persons of the showcase county pairing's county.

use super::{Pass, attend};
use crate::GenerateError;
use crate::activity::Activity;
use crate::rng::{Rng, ymd};
use crate::world::World;
use chrono::{Datelike, NaiveDate};
use xiezuo_domain::enums::{ProjectStatus, TrainingKind};

/// Tricky cases forced on the first eligible persons of the showcase county.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Force {
    Days89,
    Days90,
    Days91,
    OverlapSame,
    OverlapScope,
    SpanOpen,
    Channels,
    Outside,
}

const FORCES: [Force; 8] = [
    Force::Days89,
    Force::Days90,
    Force::Days91,
    Force::OverlapSame,
    Force::OverlapScope,
    Force::SpanOpen,
    Force::Channels,
    Force::Outside,
];

/// The showcase pairing and the tricky cases still to force on its persons.
pub(super) struct Showcase {
    cp0: usize,
    pub(super) cp0_county: usize,
    y1: i32,
    y2: i32,
    channel_project: Option<usize>,
    pub(super) outside_project: Option<usize>,
    pub(super) forces: std::collections::VecDeque<Force>,
}

impl Showcase {
    /// The showcase of the world, with every forced case still to do.
    pub(super) fn new(w: &World, act: &Activity, fy: i32, ly: i32) -> Showcase {
        let cp0 = w.cp0;
        let y1 = fy;
        Showcase {
            cp0,
            cp0_county: w.pairings[cp0].counties[0],
            y1,
            y2: (fy + 2).min(ly),
            channel_project: act.projects.iter().position(|p| {
                p.pairing == cp0 && p.year == y1 && p.status != ProjectStatus::Cancelled
            }),
            outside_project: act.projects.iter().position(|p| p.county != 0),
            forces: FORCES.into_iter().collect(),
        }
    }
}

/// Writes the placements and attendance of one forced tricky case.
pub(super) fn forced_case(
    pass: &mut Pass,
    rng: &mut Rng,
    f: Force,
    pid: &str,
    code: u64,
    bene: &mut Vec<usize>,
) -> Result<(), GenerateError> {
    let (cp0, y1, y2) = (pass.sc.cp0, pass.sc.y1, pass.sc.y2);
    let pref0 = pass.w.pref0;
    let cp1 = pass.w.cp1;
    let d = ymd;
    // (pairing, start, end) of each placement of the case.
    let spans: Vec<(usize, NaiveDate, Option<NaiveDate>)> = match f {
        Force::Days89 => vec![(cp0, d(y2, 1, 1), Some(d(y2, 3, 30)))],
        Force::Days90 => vec![(cp0, d(y2, 1, 1), Some(d(y2, 3, 31)))],
        Force::Days91 => vec![(cp0, d(y2, 4, 1), Some(d(y2, 6, 30)))],
        Force::OverlapSame => vec![
            (cp0, d(y1, 3, 1), Some(d(y1, 8, 31))),
            (cp0, d(y1, 6, 1), Some(d(y1, 12, 31))),
        ],
        Force::OverlapScope => vec![
            (cp0, d(y2, 2, 1), Some(d(y2, 7, 31))),
            (pref0, d(y2, 5, 1), Some(d(y2, 10, 31))),
        ],
        Force::SpanOpen => vec![
            (cp0, d(y1, 10, 1), Some(d(y1 + 1, 2, 28))),
            (cp0, d(y2, 5, 1), None),
        ],
        Force::Channels => vec![(cp0, d(y1, 3, 1), Some(d(y1, 9, 30)))],
        Force::Outside => vec![(cp1, d(y1, 5, 1), Some(d(y1, 11, 30)))],
    };
    for (pi, s, e) in spans {
        pass.placement(rng, pid, pi, code, s, e)?;
    }
    match f {
        Force::Channels => {
            // One training of every kind of the showcase pairing.
            for kind in [
                TrainingKind::PoorLabor,
                TrainingKind::Cadre,
                TrainingKind::Technician,
                TrainingKind::VillageLeader,
            ] {
                if let Some(t) = pass
                    .act
                    .trainings
                    .iter()
                    .position(|t| t.pairing == cp0 && t.kind == kind && t.start.year() == y1)
                {
                    attend(&mut pass.at, &mut pass.act.trainings[t], pid)?;
                }
            }
            if let Some(p) = pass.sc.channel_project {
                bene.push(p);
            }
        }
        Force::Outside => {
            if let Some(t) = pass
                .act
                .trainings
                .iter()
                .position(|t| t.pairing == cp1 && t.kind == TrainingKind::PoorLabor)
            {
                attend(&mut pass.at, &mut pass.act.trainings[t], pid)?;
            }
        }
        _ => {}
    }
    Ok(())
}
