//! Ranks and quota grades (排名与定档): pairings ranked within each side
//! (the east's helpers, the west's helped) and each pairing level, best
//! first, ties sharing a rank (1, 2, 2, 4); `ranking.csv` beside the other
//! outputs; and, when the method grades by quota, the grades given by rank
//! within each such group.

use super::Assessment;
use super::method::{Grading, Method};
use std::io::Write;

/// The pairing levels in the order a ranking lists them.
const LEVELS: [&str; 5] = ["province", "prefecture", "county", "township", "village"];

/// One ranked side of a pairing.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub side: String,
    pub level: &'static str,
    pub rank: usize,
    /// Index into `Assessment::pairings`, and into its `scores`.
    pub pairing: usize,
    pub score: usize,
}

/// Every side of every pairing, grouped by side (as the method lists the
/// sides) and level, ranked best first; ties keep pairing-id order and
/// share the better rank.
pub fn ranks(a: &Assessment) -> Vec<Ranked> {
    let mut sides: Vec<String> = Vec::new();
    for p in &a.pairings {
        for s in &p.scores {
            if !sides.contains(&s.side) {
                sides.push(s.side.clone());
            }
        }
    }
    let level_order = |l: &str| LEVELS.iter().position(|x| *x == l).unwrap_or(LEVELS.len());
    let mut levels: Vec<&'static str> = a.pairings.iter().map(|p| p.level).collect();
    levels.sort_by_key(|l| (level_order(l), *l));
    levels.dedup();
    let mut out = Vec::new();
    for side in &sides {
        for level in &levels {
            let mut group: Vec<(usize, usize, f64)> = a
                .pairings
                .iter()
                .enumerate()
                .filter(|(_, p)| p.level == *level)
                .flat_map(|(i, p)| {
                    p.scores
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.side == *side)
                        .map(move |(j, s)| (i, j, s.total))
                })
                .collect();
            // Pairings are sorted by id: a stable sort keeps that order in ties.
            group.sort_by(|x, y| y.2.total_cmp(&x.2));
            let mut rank = 0;
            let mut prev = None;
            for (n, (i, j, total)) in group.into_iter().enumerate() {
                if prev != Some(total) {
                    rank = n + 1;
                    prev = Some(total);
                }
                out.push(Ranked {
                    side: side.clone(),
                    level,
                    rank,
                    pairing: i,
                    score: j,
                });
            }
        }
    }
    out
}

/// Under quota grading, gives each side its grade by rank within its
/// group; under band grading, changes nothing.
pub fn apply_quota(a: &mut Assessment, method: &Method) {
    if method.grading != Grading::Quota {
        return;
    }
    let ranked = ranks(a);
    let mut start = 0;
    while start < ranked.len() {
        let key = (&ranked[start].side, ranked[start].level);
        let end = ranked[start..]
            .iter()
            .position(|r| (&r.side, r.level) != key)
            .map_or(ranked.len(), |n| start + n);
        let group = &ranked[start..end];
        let n = group.len();
        // The last rank (1-based) each grade reaches, cumulated.
        let mut bounds = Vec::new();
        let mut cum = 0.0;
        for g in &method.grades {
            match g.share {
                Some(share) => {
                    cum += share;
                    bounds.push(((cum * n as f64) - 1e-9).ceil().max(0.0) as usize);
                }
                None => bounds.push(n),
            }
        }
        for r in group {
            let grade = bounds
                .iter()
                .position(|&b| r.rank <= b)
                .and_then(|g| method.grades.get(g))
                .or(method.grades.last())
                .map_or(String::new(), |g| g.grade.clone());
            a.pairings[r.pairing].scores[r.score].grade = grade;
        }
        start = end;
    }
}

/// Writes `ranking.csv`: `year,side,level,rank,pairing_id,total,grade`.
pub fn write_ranking(a: &Assessment, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, "year,side,level,rank,pairing_id,total,grade")?;
    for r in ranks(a) {
        let p = &a.pairings[r.pairing];
        let s = &p.scores[r.score];
        writeln!(
            w,
            "{},{},{},{},{},{:.2},{}",
            a.year, r.side, r.level, r.rank, p.pairing_id, s.total, s.grade
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::Assessed;
    use crate::assess::compute::PairingResult;
    use crate::assess::method::SideScore;

    fn assessment(rows: &[(&str, &'static str, f64)]) -> Assessment {
        Assessment {
            year: 2020,
            method_id: "t".into(),
            columns: vec![],
            pairings: rows
                .iter()
                .map(|(id, level, total)| Assessed {
                    pairing_id: id.to_string(),
                    level,
                    result: PairingResult {
                        pairing: 0,
                        values: vec![],
                        findings: vec![],
                    },
                    scores: ["east", "west"]
                        .iter()
                        .map(|side| SideScore {
                            side: side.to_string(),
                            components: vec![],
                            total: *total,
                            grade: "g".into(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn ranks_are_within_side_and_level_and_ties_share_a_rank() {
        let a = assessment(&[
            ("A", "county", 80.0),
            ("B", "county", 90.0),
            ("C", "county", 80.0),
            ("D", "county", 70.0),
            ("P", "province", 50.0),
        ]);
        let mut text = Vec::new();
        write_ranking(&a, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        let east: Vec<&str> = text.lines().filter(|l| l.contains(",east,")).collect();
        assert_eq!(
            east,
            [
                "2020,east,province,1,P,50.00,g",
                "2020,east,county,1,B,90.00,g",
                "2020,east,county,2,A,80.00,g",
                "2020,east,county,2,C,80.00,g",
                "2020,east,county,4,D,70.00,g",
            ]
        );
        assert_eq!(text.lines().filter(|l| l.contains(",west,")).count(), 5);
    }

    #[test]
    fn quota_grading_gives_grades_by_rank_within_each_group() {
        let toml = crate::assess::method::XZ_V1.replace(
            "grades = [\n  { grade = \"good\", label = \"好\", min = 90 },\n  { grade = \"fair\", label = \"较好\", min = 80 },\n  { grade = \"average\", label = \"一般\", min = 60 },\n  { grade = \"poor\", label = \"较差\" },\n]",
            "grading = \"quota\"\ngrades = [\n  { grade = \"good\", share = 0.2 },\n  { grade = \"fair\", share = 0.3 },\n  { grade = \"average\", share = 0.3 },\n  { grade = \"poor\" },\n]",
        );
        let m = Method::parse(&toml, "quota.toml").unwrap();
        assert_eq!(m.grading, Grading::Quota);
        let rows: Vec<(String, f64)> = (0..10)
            .map(|i| (format!("P{i}"), 100.0 - i as f64))
            .collect();
        let rows: Vec<(&str, &'static str, f64)> = rows
            .iter()
            .map(|(id, t)| (id.as_str(), "county", *t))
            .collect();
        let mut a = assessment(&rows);
        apply_quota(&mut a, &m);
        let grades: Vec<&str> = a
            .pairings
            .iter()
            .map(|p| p.scores[0].grade.as_str())
            .collect();
        assert_eq!(
            grades,
            [
                "good", "good", "fair", "fair", "fair", "average", "average", "average", "poor",
                "poor"
            ]
        );
        // Shares that pass the whole, or a share on the last grade, are refused.
        let bad = toml.replace(
            "share = 0.3 },\n  { grade = \"poor\" }",
            "share = 0.9 },\n  { grade = \"poor\" }",
        );
        assert!(Method::parse(&bad, "bad.toml").is_err());
    }
}
