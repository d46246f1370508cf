//! The cross-row rules of an import: references into the dataset or the
//! store, a pairing's parties, ledger reversals, dense references, and the
//! messages for duplicate keys and unique values.

use super::resolve::*;
use super::*;

impl Ctx<'_> {
    pub(super) fn check_pairing(&mut self, id: &Id, out: &mut Problems) -> Result<(), StoreError> {
        let f = self.exists(FileKind::Pairings, id)?;
        missing(f, out, "pairing_id", "pairing_id", id);
        Ok(())
    }

    pub(super) fn check_region(
        &mut self,
        code: RegionCode,
        col: &'static str,
        out: &mut Problems,
    ) -> Result<Option<RegionLevel>, StoreError> {
        let f = self.region(code)?;
        Ok(missing(f, out, col, "region code", &code).map(|(l, _)| l))
    }

    pub(super) fn check_party(
        &mut self,
        p: &Party,
        col: &'static str,
        out: &mut Problems,
    ) -> Result<Option<(RegionLevel, Option<OrgKind>)>, StoreError> {
        Ok(match p {
            Party::Region(c) => self.check_region(*c, col, out)?.map(|l| (l, None)),
            Party::Org(id) => {
                let f = self.org(id)?;
                match missing(f, out, col, "organisation", id) {
                    Some((kind, region)) => match self.region(region)? {
                        Found::Yes((l, _)) => Some((l, Some(kind))),
                        _ => None,
                    },
                    None => None,
                }
            }
        })
    }

    /// A pairing's parties exist, and agree with its helper kind and level.
    pub(super) fn check_pairing_parties(
        &mut self,
        p: &xiezuo_domain::Pairing,
        out: &mut Problems,
    ) -> Result<(), StoreError> {
        let helper = self.check_party(&p.helper, "helper", out)?;
        let helped = self.check_party(&p.helped, "helped", out)?;
        if let Some((_, Some(org_kind))) = helper
            && p.helper_kind.org_kind() != Some(org_kind)
        {
            out.push((
                "helper_kind",
                Message::new("pairing.org_kind")
                    .with("org_kind", org_kind)
                    .with("org_kind_zh", org_kind.label_zh())
                    .with("helper_kind", p.helper_kind)
                    .with("helper_kind_zh", p.helper_kind.label_zh()),
            ));
        }
        if let Some((level, _)) = helped
            && level != p.level
        {
            out.push((
                "level",
                Message::new("pairing.helped_level")
                    .with("actual", level)
                    .with("actual_zh", level.label_zh())
                    .with("level", p.level)
                    .with("level_zh", p.level.label_zh()),
            ));
        }
        Ok(())
    }

    /// A ledger row's references, and a reversal against its original: not
    /// itself a reversal, the same pairing, source, kind and project, not
    /// dated before it, and never reversing more than its amount.
    pub(super) fn check_fund_txn(
        &mut self,
        t: &xiezuo_domain::FundTxn,
        out: &mut Problems,
    ) -> Result<(), StoreError> {
        self.check_pairing(&t.pairing_id, out)?;
        if let Some(p) = &t.project_id {
            let f = self.project(p)?;
            missing(f, out, "project_id", "project_id", p);
        }
        if let Some(orig_id) = &t.reverses {
            let f = self.txn(orig_id)?;
            if let Some(orig) = missing(f, out, "reverses", "txn_id in reverses", orig_id) {
                if orig.is_reversal {
                    out.push((
                        "reverses",
                        Message::new("funds.reverses_reversal").with("id", orig_id),
                    ));
                }
                if orig.pairing != t.pairing_id
                    || orig.source != t.source
                    || orig.kind != t.kind
                    || orig.project != t.project_id
                {
                    out.push((
                        "reverses",
                        Message::new("funds.reversal_mismatch").with("id", orig_id),
                    ));
                }
                if t.date < orig.date {
                    out.push((
                        "date",
                        Message::new("funds.reversal_before")
                            .with("id", orig_id)
                            .with("date", orig.date),
                    ));
                }
                if orig.amount.0 + orig.reversed + t.amount.0 < 0 {
                    out.push((
                        "amount",
                        Message::new("funds.reversal_exceeds")
                            .with("id", orig_id)
                            .with("amount", orig.amount),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Cross-row checks of one record against the dataset and the store.
    pub(super) fn check(&mut self, rec: &Record, out: &mut Problems) -> Result<(), StoreError> {
        match rec {
            Record::Region(_) => {} // checked per file (needs all codes)
            Record::RegionStat(r) => {
                self.check_region(r.code, "code", out)?;
            }
            Record::Organisation(o) => {
                self.check_region(o.region, "region", out)?;
            }
            Record::Pairing(p) => self.check_pairing_parties(p, out)?,
            Record::Household(h) => {
                if let Some(l) = self.check_region(h.village, "village", out)?
                    && l != RegionLevel::Village
                {
                    out.push(("village", wrong_level(h.village, l, RegionLevel::Village)));
                }
            }
            Record::Person(p) => {
                let f = self.household(&p.household_id)?;
                missing(f, out, "household_id", "household_id", &p.household_id);
            }
            Record::HouseholdIncome(h) => {
                let f = self.household(&h.household_id)?;
                missing(f, out, "household_id", "household_id", &h.household_id);
            }
            Record::Project(p) => {
                self.check_pairing(&p.pairing_id, out)?;
                if let Some(l) = self.check_region(p.county, "county", out)?
                    && l != RegionLevel::County
                {
                    out.push(("county", wrong_level(p.county, l, RegionLevel::County)));
                }
                if let Some(v) = p.village
                    && let Some(l) = self.check_region(v, "village", out)?
                    && l != RegionLevel::Village
                {
                    out.push(("village", wrong_level(v, l, RegionLevel::Village)));
                }
            }
            Record::Milestone(m) => {
                let f = self.project(&m.project_id)?;
                missing(f, out, "project_id", "project_id", &m.project_id);
            }
            Record::Beneficiary(b) => {
                let f = self.project(&b.project_id)?;
                missing(f, out, "project_id", "project_id", &b.project_id);
                let f = self.household(&b.household_id)?;
                missing(f, out, "household_id", "household_id", &b.household_id);
            }
            Record::FundTxn(t) => self.check_fund_txn(t, out)?,
            Record::Placement(p) => {
                let f = self.person(&p.person_id)?;
                missing(f, out, "person_id", "person_id", &p.person_id);
                if let Some(posting) = &p.posting_id {
                    let f = self.exists(FileKind::Postings, posting)?;
                    missing(f, out, "posting_id", "posting_id", posting);
                }
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.employer {
                    self.check_party(party, "employer", out)?;
                }
                self.check_region(p.work_region, "work_region", out)?;
            }
            Record::Posting(p) => {
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.employer {
                    self.check_party(party, "employer", out)?;
                }
                self.check_region(p.work_region, "work_region", out)?;
            }
            Record::Seeker(sk) => {
                let f = self.person(&sk.person_id)?;
                missing(f, out, "person_id", "person_id", &sk.person_id);
                for code in &sk.wanted_regions {
                    self.check_region(*code, "wanted_regions", out)?;
                }
            }
            Record::Training(t) => self.check_pairing(&t.pairing_id, out)?,
            Record::Attendance(a) => {
                let f = self.exists(FileKind::Trainings, &a.training_id)?;
                missing(f, out, "training_id", "training_id", &a.training_id);
                let f = self.person(&a.person_id)?;
                missing(f, out, "person_id", "person_id", &a.person_id);
            }
            Record::Secondment(s) => self.check_pairing(&s.pairing_id, out)?,
            Record::Investment(i) => {
                self.check_pairing(&i.pairing_id, out)?;
                self.check_party(&i.enterprise, "enterprise", out)?;
                self.check_region(i.county, "county", out)?;
            }
            Record::Purchase(p) => {
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.buyer {
                    self.check_party(party, "buyer", out)?;
                }
                self.check_region(p.seller_county, "seller_county", out)?;
            }
            Record::Donation(d) => {
                self.check_pairing(&d.pairing_id, out)?;
                if let NameOrParty::Party(party) = &d.donor {
                    self.check_party(party, "donor", out)?;
                }
            }
            Record::Meeting(m) => self.check_pairing(&m.pairing_id, out)?,
            Record::Target(t) => self.check_pairing(&t.pairing_id, out)?,
            // The references to the other side's records (txn_id,
            // placement_id, secondment_id, purchase_id) are what the
            // reconciliation checks, not the import: a confirmation may
            // name a record the sender has not reported.
            Record::FundReceipt(r) => self.check_pairing(&r.pairing_id, out)?,
            Record::SecondmentArrival(r) => self.check_pairing(&r.pairing_id, out)?,
            Record::PlacementConfirmation(p) => {
                let f = self.person(&p.person_id)?;
                missing(f, out, "person_id", "person_id", &p.person_id);
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.employer {
                    self.check_party(party, "employer", out)?;
                }
            }
            Record::Sale(p) => {
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.seller {
                    self.check_party(party, "seller", out)?;
                }
                self.check_region(p.seller_county, "seller_county", out)?;
            }
        }
        Ok(())
    }

    /// Dense reference ids for the store, and the caches updated after a
    /// row is stored.
    pub(super) fn dense_refs(&mut self, rec: &Record) -> Result<Vec<i64>, StoreError> {
        let hh = |c: &mut Self, id: &Id| -> Result<i64, StoreError> {
            match c.household(id)? {
                Found::Yes(h) => Ok(h.rowid),
                _ => Err(StoreError::Corrupt(format!(
                    "household {id} vanished during import"
                ))),
            }
        };
        let person = |c: &mut Self, id: &Id| -> Result<i64, StoreError> {
            match c.person(id)? {
                Found::Yes(r) => Ok(r),
                _ => Err(StoreError::Corrupt(format!(
                    "person {id} vanished during import"
                ))),
            }
        };
        Ok(match rec {
            Record::Person(p) => vec![hh(self, &p.household_id)?],
            Record::HouseholdIncome(h) => vec![hh(self, &h.household_id)?],
            Record::Beneficiary(b) => vec![hh(self, &b.household_id)?],
            Record::Placement(p) => vec![person(self, &p.person_id)?],
            Record::Attendance(a) => vec![person(self, &a.person_id)?],
            Record::Seeker(sk) => vec![person(self, &sk.person_id)?],
            _ => vec![],
        })
    }

    pub(super) fn remember(&mut self, rec: &Record, rowid: i64) {
        match rec {
            Record::Region(r) => {
                self.regions.insert(r.code, Some((r.level, r.parent)));
            }
            Record::Organisation(o) => {
                self.orgs.insert(o.org_id.clone(), Some((o.kind, o.region)));
            }
            Record::Pairing(p) => {
                self.pairings.insert(p.pairing_id.clone(), true);
            }
            Record::Household(h) => {
                self.households
                    .insert(h.household_id.clone(), Some(HouseholdInfo { rowid }));
            }
            Record::Project(p) => {
                self.projects.insert(p.project_id.clone(), Some(p.county));
            }
            Record::Training(t) => {
                self.trainings.insert(t.training_id.clone(), true);
            }
            Record::Posting(p) => {
                self.postings.insert(p.posting_id.clone(), true);
            }
            Record::FundTxn(t) => {
                if let Some(orig) = &t.reverses
                    && let Some(Some(o)) = self.txns.get_mut(orig)
                {
                    o.reversed += t.amount.0;
                }
                self.txns.insert(
                    t.txn_id.clone(),
                    Some(TxnInfo {
                        pairing: t.pairing_id.clone(),
                        source: t.source,
                        kind: t.kind,
                        project: t.project_id.clone(),
                        amount: t.amount,
                        date: t.date,
                        is_reversal: t.reverses.is_some(),
                        reversed: 0,
                    }),
                );
            }
            _ => {}
        }
    }
}

/// The message for a unique value held by another row.
pub(super) fn duplicate_reason(
    ctx: &mut Ctx<'_>,
    kind: FileKind,
    column: Option<usize>,
    rowid: i64,
    cells: &[Cell],
) -> Result<(&'static str, Message), StoreError> {
    let line = ctx.written_line(kind, rowid);
    Ok(match column {
        None => {
            let code = if kind.key().len() == 1 {
                "duplicate.id"
            } else {
                "duplicate.key"
            };
            let col = kind.columns()[kind.key()[0]].name;
            let key = key_text(kind, cells);
            (
                col,
                Message::new(code).with("key", key).with_opt("line", line),
            )
        }
        Some(c) => {
            let col = kind.columns()[c].name;
            let holder = match kind {
                FileKind::Persons => {
                    let held = cells
                        .get(c)
                        .and_then(|v| v.as_text())
                        .map(|idn| ctx.tx.person_by_id_number(idn))
                        .transpose()?
                        .flatten();
                    match held {
                        // A holder outside the writer's scope is not named.
                        Some((_, pid)) if line.is_some() || ctx.may_name_person(&pid)? => Some(pid),
                        _ => None,
                    }
                }
                _ => None,
            };
            // In this file (the line of the other row) or already stored.
            let code = if line.is_some() {
                "duplicate.value_in_file"
            } else {
                "duplicate.value_stored"
            };
            let column = &kind.columns()[c];
            (
                col,
                Message::new(code)
                    .with("column", col)
                    .with("column_zh", column.zh)
                    .with_opt("line", line)
                    .with_opt("person", holder),
            )
        }
    })
}

/// A region of another level than the reference needs (`region.wrong_level`).
fn wrong_level(code: impl std::fmt::Display, actual: RegionLevel, level: RegionLevel) -> Message {
    Message::new("region.wrong_level")
        .with("code", code)
        .with("actual", actual)
        .with("actual_zh", actual.label_zh())
        .with("level", level)
        .with("level_zh", level.label_zh())
}
