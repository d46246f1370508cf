//! Typed records built from canonical cells, and the checks that look at one
//! row at a time.

use crate::cell::{Cell, parse_date};
use crate::schema::FileKind;
use chrono::NaiveDate;
use xiezuo_domain::enums::*;
use xiezuo_domain::records::*;
use xiezuo_domain::{DateRange, Fen, Id, IdNumber, IdNumberError, Indicator, Party, RegionCode};

/// A stored or parsed value did not have the shape its column requires.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("column {column}: {reason}")]
pub struct DecodeError {
    pub column: &'static str,
    pub reason: String,
}

/// One record of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Region(Region),
    RegionStat(RegionStat),
    Organisation(Organisation),
    Pairing(Pairing),
    Household(Household),
    Person(Person),
    HouseholdIncome(HouseholdIncome),
    Project(Project),
    Milestone(Milestone),
    Beneficiary(Beneficiary),
    FundTxn(FundTxn),
    Placement(Placement),
    Posting(Posting),
    Seeker(Seeker),
    Training(Training),
    Attendance(Attendance),
    Secondment(Secondment),
    Investment(Investment),
    Purchase(Purchase),
    Donation(Donation),
    Meeting(Meeting),
    Target(Target),
}

struct Cursor<'a> {
    kind: FileKind,
    cells: &'a [Cell],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn next(&mut self) -> Result<(&'static str, &'a Cell), DecodeError> {
        let cols = self.kind.columns();
        let col = cols.get(self.i).map_or("?", |c| c.name);
        let cell = self.cells.get(self.i).ok_or(DecodeError {
            column: col,
            reason: "missing cell".into(),
        })?;
        self.i += 1;
        Ok((col, cell))
    }
    fn err<T>(column: &'static str, reason: impl Into<String>) -> Result<T, DecodeError> {
        Err(DecodeError {
            column,
            reason: reason.into(),
        })
    }
    fn opt_text(&mut self) -> Result<Option<&'a str>, DecodeError> {
        match self.next()? {
            (_, Cell::Null) => Ok(None),
            (_, Cell::Text(t)) => Ok(Some(t.as_str())),
            (c, _) => Self::err(c, "expected text"),
        }
    }
    fn text(&mut self) -> Result<Text, DecodeError> {
        let col = self.col_name();
        self.opt_text()?
            .map(Text::from)
            .map_or_else(|| Self::err(col, "required"), Ok)
    }
    fn col_name(&self) -> &'static str {
        self.kind.columns().get(self.i).map_or("?", |c| c.name)
    }
    fn opt_id(&mut self) -> Result<Option<Id>, DecodeError> {
        let col = self.col_name();
        self.opt_text()?
            .map(|t| Id::parse(t).or_else(|e| Self::err(col, e.to_string())))
            .transpose()
    }
    fn id(&mut self) -> Result<Id, DecodeError> {
        let col = self.col_name();
        self.opt_id()?
            .map_or_else(|| Self::err(col, "required"), Ok)
    }
    fn opt_int(&mut self) -> Result<Option<i64>, DecodeError> {
        match self.next()? {
            (_, Cell::Null) => Ok(None),
            (_, Cell::Int(v)) => Ok(Some(*v)),
            (c, _) => Self::err(c, "expected an integer"),
        }
    }
    fn int(&mut self) -> Result<i64, DecodeError> {
        let col = self.col_name();
        self.opt_int()?
            .map_or_else(|| Self::err(col, "required"), Ok)
    }
    fn year(&mut self) -> Result<i32, DecodeError> {
        let col = self.col_name();
        i32::try_from(self.int()?).or_else(|_| Self::err(col, "year out of range"))
    }
    fn opt_year(&mut self) -> Result<Option<i32>, DecodeError> {
        let col = self.col_name();
        self.opt_int()?
            .map(|v| i32::try_from(v).or_else(|_| Self::err(col, "year out of range")))
            .transpose()
    }
    fn opt_code(&mut self) -> Result<Option<RegionCode>, DecodeError> {
        let col = self.col_name();
        self.opt_int()?
            .map(|v| {
                u64::try_from(v)
                    .ok()
                    .and_then(RegionCode::from_u64)
                    .map_or_else(|| Self::err(col, "bad region code"), Ok)
            })
            .transpose()
    }
    fn code(&mut self) -> Result<RegionCode, DecodeError> {
        let col = self.col_name();
        self.opt_code()?
            .map_or_else(|| Self::err(col, "required"), Ok)
    }
    fn money(&mut self) -> Result<Fen, DecodeError> {
        Ok(Fen(self.int()?))
    }
    fn opt_money(&mut self) -> Result<Option<Fen>, DecodeError> {
        Ok(self.opt_int()?.map(Fen))
    }
    fn opt_bool(&mut self) -> Result<Option<bool>, DecodeError> {
        Ok(self.opt_int()?.map(|v| v != 0))
    }
    fn bool(&mut self) -> Result<bool, DecodeError> {
        Ok(self.int()? != 0)
    }
    fn opt_date(&mut self) -> Result<Option<NaiveDate>, DecodeError> {
        let col = self.col_name();
        self.opt_text()?
            .map(|t| parse_date(t).or_else(|e| Self::err(col, e)))
            .transpose()
    }
    fn date(&mut self) -> Result<NaiveDate, DecodeError> {
        let col = self.col_name();
        self.opt_date()?
            .map_or_else(|| Self::err(col, "required"), Ok)
    }
    fn opt_vocab<V: Vocabulary>(&mut self) -> Result<Option<V>, DecodeError> {
        let col = self.col_name();
        self.opt_text()?
            .map(|t| V::parse(t).map_or_else(|| Self::err(col, format!("unknown value {t}")), Ok))
            .transpose()
    }
    fn vocab<V: Vocabulary>(&mut self) -> Result<V, DecodeError> {
        let col = self.col_name();
        self.opt_vocab()?
            .map_or_else(|| Self::err(col, "required"), Ok)
    }
    fn party(&mut self) -> Result<Party, DecodeError> {
        let col = self.col_name();
        let t = self
            .opt_text()?
            .map_or_else(|| Self::err(col, "required"), Ok)?;
        Party::parse(t).or_else(|e| Self::err(col, e.to_string()))
    }
    fn name_or_party(&mut self) -> Result<NameOrParty, DecodeError> {
        let col = self.col_name();
        let t = self
            .opt_text()?
            .map_or_else(|| Self::err(col, "required"), Ok)?;
        Ok(if Party::looks_like_party(t) {
            NameOrParty::Party(Party::parse(t).or_else(|e| Self::err(col, e.to_string()))?)
        } else {
            NameOrParty::Name(t.into())
        })
    }
    fn range(&mut self) -> Result<DateRange, DecodeError> {
        Ok(DateRange {
            start: self.date()?,
            end: self.opt_date()?,
        })
    }
}

impl Record {
    /// Builds the record of `kind` from its canonical cells (in column order).
    pub fn from_cells(kind: FileKind, cells: &[Cell]) -> Result<Record, DecodeError> {
        let mut c = Cursor { kind, cells, i: 0 };
        Ok(match kind {
            FileKind::Regions => Record::Region(Region {
                code: c.code()?,
                name: c.text()?,
                level: c.vocab()?,
                parent: c.opt_code()?,
                side: c.opt_vocab()?,
                poor_county: c.opt_bool()?,
                poor_village: c.opt_bool()?,
                deep_poverty: c.opt_bool()?,
                exit_year: c.opt_year()?,
            }),
            FileKind::RegionStats => Record::RegionStat(RegionStat {
                code: c.code()?,
                year: c.year()?,
                rural_population: c.opt_int()?,
                fiscal_revenue: c.opt_money()?,
                rural_income_per_capita: c.opt_money()?,
            }),
            FileKind::Organisations => Record::Organisation(Organisation {
                org_id: c.id()?,
                name: c.text()?,
                kind: c.vocab()?,
                region: c.code()?,
            }),
            FileKind::Pairings => Record::Pairing(Pairing {
                pairing_id: c.id()?,
                helper: c.party()?,
                helped: c.party()?,
                level: c.vocab()?,
                helper_kind: c.vocab()?,
                period: c.range()?,
            }),
            FileKind::Households => Record::Household(Household {
                household_id: c.id()?,
                village: c.code()?,
                category: c.vocab()?,
                identified_year: c.year()?,
                exit_year: c.opt_year()?,
                monitor_type: c.opt_vocab()?,
                monitor_year: c.opt_year()?,
            }),
            FileKind::Persons => Record::Person(Person {
                person_id: c.id()?,
                household_id: c.id()?,
                id_number: {
                    let t = c.text()?;
                    IdNumber::parse(&t).or_else(|e| Cursor::err("id_number", id_reason(e)))?
                },
                name: c.text()?,
                sex: c.vocab()?,
                birth_date: c.date()?,
                labor: c.vocab()?,
            }),
            FileKind::HouseholdIncome => Record::HouseholdIncome(HouseholdIncome {
                household_id: c.id()?,
                year: c.year()?,
                income_per_capita: c.money()?,
            }),
            FileKind::Projects => Record::Project(Project {
                project_id: c.id()?,
                pairing_id: c.id()?,
                year: c.year()?,
                name: c.text()?,
                category: c.vocab()?,
                county: c.code()?,
                village: c.opt_code()?,
                budget: c.money()?,
                start_date: c.date()?,
                end_date: c.date()?,
                status: c.vocab()?,
            }),
            FileKind::Milestones => Record::Milestone(Milestone {
                project_id: c.id()?,
                seq: c.int()?,
                name: c.text()?,
                due_date: c.date()?,
                done_date: c.opt_date()?,
                responsible: c.text()?,
            }),
            FileKind::Beneficiaries => Record::Beneficiary(Beneficiary {
                project_id: c.id()?,
                household_id: c.id()?,
            }),
            FileKind::Funds => Record::FundTxn(FundTxn {
                txn_id: c.id()?,
                date: c.date()?,
                pairing_id: c.id()?,
                project_id: c.opt_id()?,
                source: c.vocab()?,
                kind: c.vocab()?,
                amount: c.money()?,
                reverses: c.opt_id()?,
            }),
            FileKind::Placements => Record::Placement(Placement {
                placement_id: c.id()?,
                person_id: c.id()?,
                pairing_id: c.id()?,
                employer: c.name_or_party()?,
                work_region: c.code()?,
                period: c.range()?,
                monthly_wage: c.money()?,
                posting_id: c.opt_id()?,
            }),
            FileKind::Postings => Record::Posting(Posting {
                posting_id: c.id()?,
                pairing_id: c.id()?,
                employer: c.name_or_party()?,
                work_region: c.code()?,
                positions: c.int()?,
                monthly_wage: c.money()?,
                age_min: c.opt_int()?,
                age_max: c.opt_int()?,
                labor_required: c.vocab()?,
                skills: c.opt_text()?.map(Text::from),
                housing: c.bool()?,
                start_date: c.date()?,
                closing_date: c.date()?,
            }),
            FileKind::Seekers => Record::Seeker(Seeker {
                person_id: c.id()?,
                station: c.text()?,
                registered_date: c.date()?,
                wanted_regions: {
                    let col = c.col_name();
                    match c.opt_text()? {
                        None => Vec::new(),
                        Some(t) => t
                            .split(';')
                            .map(|x| {
                                RegionCode::parse(x).or_else(|e| Cursor::err(col, e.to_string()))
                            })
                            .collect::<Result<_, _>>()?,
                    }
                },
                max_distance: c.opt_vocab()?,
                min_wage: c.money()?,
                skills: c.opt_text()?.map(Text::from),
                available_from: c.date()?,
            }),
            FileKind::Trainings => Record::Training(Training {
                training_id: c.id()?,
                pairing_id: c.id()?,
                kind: c.vocab()?,
                course: c.text()?,
                start_date: c.date()?,
                days: c.int()?,
                attendees: c.int()?,
            }),
            FileKind::TrainingAttendance => Record::Attendance(Attendance {
                training_id: c.id()?,
                person_id: c.id()?,
            }),
            FileKind::Secondments => Record::Secondment(Secondment {
                secondment_id: c.id()?,
                pairing_id: c.id()?,
                direction: c.vocab()?,
                role: c.vocab()?,
                field: c.opt_vocab()?,
                person_name: c.text()?,
                period: {
                    let start = c.date()?;
                    DateRange {
                        start,
                        end: Some(c.date()?),
                    }
                },
            }),
            FileKind::Investments => Record::Investment(Investment {
                investment_id: c.id()?,
                pairing_id: c.id()?,
                enterprise: c.party()?,
                county: c.code()?,
                date: c.date()?,
                amount: c.money()?,
                park: c.opt_text()?.map(Text::from),
            }),
            FileKind::Purchases => Record::Purchase(Purchase {
                purchase_id: c.id()?,
                pairing_id: c.id()?,
                date: c.date()?,
                buyer: c.name_or_party()?,
                seller_county: c.code()?,
                product: c.text()?,
                amount: c.money()?,
            }),
            FileKind::Donations => Record::Donation(Donation {
                donation_id: c.id()?,
                pairing_id: c.id()?,
                date: c.date()?,
                donor: c.name_or_party()?,
                donor_kind: c.vocab()?,
                amount: c.money()?,
                in_kind: c.bool()?,
            }),
            FileKind::Meetings => Record::Meeting(Meeting {
                meeting_id: c.id()?,
                pairing_id: c.id()?,
                date: c.date()?,
                kind: c.vocab()?,
                top_leader: c.bool()?,
            }),
            FileKind::Targets => Record::Target(Target {
                pairing_id: c.id()?,
                year: c.year()?,
                indicator: {
                    let t = c.text()?;
                    Indicator::parse(&t).map_or_else(
                        || Cursor::err("indicator", format!("unknown indicator {t}")),
                        Ok,
                    )?
                },
                target: match c.next()? {
                    (_, Cell::Real(v)) => *v,
                    (_, Cell::Int(v)) => *v as f64,
                    (col, _) => return Cursor::err(col, "expected a number"),
                },
            }),
        })
    }

    /// Checks that need only this row: levels implied by codes, flags on the
    /// right levels, interval order, identity number against birth date and
    /// sex, negative amounts only on reversals, helper kind against helper.
    /// Each problem is (column, reason).
    pub fn row_checks(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        match self {
            Record::Region(r) => {
                if r.code.level() != r.level {
                    out.push((
                        "level",
                        format!(
                            "code {} is of level {}, not {}",
                            r.code,
                            r.code.level(),
                            r.level
                        ),
                    ));
                }
                if r.level == RegionLevel::Province {
                    if r.side.is_none() {
                        out.push(("side", "required on provinces".into()));
                    }
                    if r.parent.is_some() {
                        out.push(("parent", "a province has no parent".into()));
                    }
                } else {
                    if r.side.is_some() {
                        out.push(("side", "side only on provinces".into()));
                    }
                    if r.parent.is_none() {
                        out.push(("parent", "required below province level".into()));
                    }
                }
                if r.poor_county.is_some() && r.level != RegionLevel::County {
                    out.push(("poor_county", "poor_county only on counties".into()));
                }
                if r.poor_village.is_some() && r.level != RegionLevel::Village {
                    out.push(("poor_village", "poor_village only on villages".into()));
                }
                if r.deep_poverty.is_some()
                    && !matches!(r.level, RegionLevel::County | RegionLevel::Village)
                {
                    out.push((
                        "deep_poverty",
                        "deep_poverty only on counties and villages".into(),
                    ));
                }
            }
            Record::Pairing(p) => {
                match (&p.helper, p.helper_kind) {
                    (Party::Region(_), HelperKind::Government) | (Party::Org(_), _) => {}
                    (Party::Region(_), k) => out.push((
                        "helper_kind",
                        format!("helper is a region, so helper_kind must be government, not {k}"),
                    )),
                }
                if matches!(p.helper, Party::Org(_)) && p.helper_kind == HelperKind::Government {
                    out.push((
                        "helper_kind",
                        "helper is an organisation, so helper_kind cannot be government".into(),
                    ));
                }
                check_range(&mut out, &p.period, "end_date");
            }
            Record::Household(h) => {
                if h.village.level() != RegionLevel::Village {
                    out.push(("village", format!("{} is not a village code", h.village)));
                }
                if h.exit_year.is_some_and(|e| e < h.identified_year) {
                    out.push(("exit_year", "exit_year before identified_year".into()));
                }
            }
            Record::Person(p) => {
                if p.id_number.birth_date() != Some(p.birth_date) {
                    out.push((
                        "birth_date",
                        "birth date differs from the one in id_number".into(),
                    ));
                }
                if p.id_number.is_male() != (p.sex == Sex::M) {
                    out.push(("sex", "sex differs from the sex digit of id_number".into()));
                }
            }
            Record::Project(p) => {
                if p.end_date < p.start_date {
                    out.push(("end_date", "end_date before start_date".into()));
                }
                if p.county.level() != RegionLevel::County {
                    out.push(("county", format!("{} is not a county code", p.county)));
                }
                if let Some(v) = p.village {
                    if v.level() != RegionLevel::Village {
                        out.push(("village", format!("{v} is not a village code")));
                    } else if v.truncated(RegionLevel::County) != Some(p.county) {
                        out.push((
                            "village",
                            format!("village {v} is not within county {}", p.county),
                        ));
                    }
                }
            }
            Record::FundTxn(t) => {
                if t.amount.0 < 0 && t.reverses.is_none() {
                    out.push(("amount", "negative amount without reverses".into()));
                }
                if t.reverses.is_some() && t.amount.0 >= 0 {
                    out.push(("amount", "a reversal must have a negative amount".into()));
                }
                if t.reverses.as_ref() == Some(&t.txn_id) {
                    out.push(("reverses", "a transaction cannot reverse itself".into()));
                }
            }
            Record::Placement(p) => check_range(&mut out, &p.period, "end_date"),
            Record::Posting(p) => {
                if let (Some(lo), Some(hi)) = (p.age_min, p.age_max)
                    && hi < lo
                {
                    out.push(("age_max", "age_max below age_min".into()));
                }
                if p.positions == 0 {
                    out.push(("positions", "a posting needs at least one position".into()));
                }
                if p.labor_required == Labor::None {
                    out.push((
                        "labor_required",
                        "a job needs labour capacity: full or weak".into(),
                    ));
                }
            }
            Record::Seeker(_) => {}
            Record::Secondment(s) => {
                check_range(&mut out, &s.period, "end_date");
                if s.role == SecondmentRole::Technician && s.field.is_none() {
                    out.push(("field", "required for technicians".into()));
                }
            }
            Record::Milestone(_)
            | Record::RegionStat(_)
            | Record::Organisation(_)
            | Record::HouseholdIncome(_)
            | Record::Beneficiary(_)
            | Record::Training(_)
            | Record::Attendance(_)
            | Record::Investment(_)
            | Record::Purchase(_)
            | Record::Donation(_)
            | Record::Meeting(_)
            | Record::Target(_) => {}
        }
        out
    }
}

fn check_range(out: &mut Vec<(&'static str, String)>, r: &DateRange, col: &'static str) {
    if r.end.is_some_and(|e| e < r.start) {
        out.push((col, "end_date before start_date".into()));
    }
}

fn id_reason(e: IdNumberError) -> String {
    match e {
        IdNumberError::CheckDigit => "bad GB 11643 check digit".into(),
        other => other.to_string(),
    }
}
