//! Typed records built from canonical cells; `row_checks` applies the
//! domain's row rules (`xiezuo_domain::rules`) to a record of any kind.

use crate::cell::{Cell, parse_date};
use crate::schema::FileKind;
use chrono::NaiveDate;
use xiezuo_domain::enums::*;
use xiezuo_domain::records::*;
use xiezuo_domain::rules::RowRules;
use xiezuo_domain::{DateRange, Fen, Id, IdNumber, Indicator, Message, Party, RegionCode};

/// A stored or parsed value did not have the shape its column requires.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("column {column}: {reason}")]
pub struct DecodeError {
    pub column: &'static str,
    pub reason: Message,
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
    FundReceipt(FundReceipt),
    PlacementConfirmation(PlacementConfirmation),
    SecondmentArrival(SecondmentArrival),
    Sale(Sale),
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
            reason: Message::new("decode.missing_cell"),
        })?;
        self.i += 1;
        Ok((col, cell))
    }
    fn err<T>(column: &'static str, reason: Message) -> Result<T, DecodeError> {
        Err(DecodeError { column, reason })
    }
    fn opt_text(&mut self) -> Result<Option<&'a str>, DecodeError> {
        match self.next()? {
            (_, Cell::Null) => Ok(None),
            (_, Cell::Text(t)) => Ok(Some(t.as_str())),
            (c, _) => Self::err(c, Message::new("decode.expected_text")),
        }
    }
    fn text(&mut self) -> Result<Text, DecodeError> {
        let col = self.col_name();
        self.opt_text()?
            .map(Text::from)
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)
    }
    fn col_name(&self) -> &'static str {
        self.kind.columns().get(self.i).map_or("?", |c| c.name)
    }
    fn opt_id(&mut self) -> Result<Option<Id>, DecodeError> {
        let col = self.col_name();
        self.opt_text()?
            .map(|t| Id::parse(t).or_else(|e| Self::err(col, Message::from(&e))))
            .transpose()
    }
    fn id(&mut self) -> Result<Id, DecodeError> {
        let col = self.col_name();
        self.opt_id()?
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)
    }
    fn opt_int(&mut self) -> Result<Option<i64>, DecodeError> {
        match self.next()? {
            (_, Cell::Null) => Ok(None),
            (_, Cell::Int(v)) => Ok(Some(*v)),
            (c, _) => Self::err(c, Message::new("decode.expected_integer")),
        }
    }
    fn int(&mut self) -> Result<i64, DecodeError> {
        let col = self.col_name();
        self.opt_int()?
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)
    }
    fn year(&mut self) -> Result<i32, DecodeError> {
        let col = self.col_name();
        i32::try_from(self.int()?).or_else(|_| Self::err(col, Message::new("decode.year_range")))
    }
    fn opt_year(&mut self) -> Result<Option<i32>, DecodeError> {
        let col = self.col_name();
        self.opt_int()?
            .map(|v| {
                i32::try_from(v).or_else(|_| Self::err(col, Message::new("decode.year_range")))
            })
            .transpose()
    }
    fn opt_code(&mut self) -> Result<Option<RegionCode>, DecodeError> {
        let col = self.col_name();
        self.opt_int()?
            .map(|v| {
                u64::try_from(v)
                    .ok()
                    .and_then(RegionCode::from_u64)
                    .map_or_else(
                        || Self::err(col, Message::new("decode.bad_region_code")),
                        Ok,
                    )
            })
            .transpose()
    }
    fn code(&mut self) -> Result<RegionCode, DecodeError> {
        let col = self.col_name();
        self.opt_code()?
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)
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
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)
    }
    fn opt_vocab<V: Vocabulary>(&mut self) -> Result<Option<V>, DecodeError> {
        let col = self.col_name();
        self.opt_text()?
            .map(|t| {
                V::parse(t).map_or_else(
                    || Self::err(col, Message::new("decode.unknown_value").with("value", t)),
                    Ok,
                )
            })
            .transpose()
    }
    fn vocab<V: Vocabulary>(&mut self) -> Result<V, DecodeError> {
        let col = self.col_name();
        self.opt_vocab()?
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)
    }
    fn party(&mut self) -> Result<Party, DecodeError> {
        let col = self.col_name();
        let t = self
            .opt_text()?
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)?;
        Party::parse(t).or_else(|e| Self::err(col, Message::from(&e)))
    }
    fn name_or_party(&mut self) -> Result<NameOrParty, DecodeError> {
        let col = self.col_name();
        let t = self
            .opt_text()?
            .map_or_else(|| Self::err(col, Message::new("required")), Ok)?;
        Ok(if Party::looks_like_party(t) {
            NameOrParty::Party(Party::parse(t).or_else(|e| Self::err(col, Message::from(&e)))?)
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
        match kind {
            FileKind::Regions
            | FileKind::RegionStats
            | FileKind::Organisations
            | FileKind::Pairings
            | FileKind::Households
            | FileKind::Persons
            | FileKind::HouseholdIncome => decode_registry(&mut c),
            FileKind::Projects
            | FileKind::Milestones
            | FileKind::Beneficiaries
            | FileKind::Funds
            | FileKind::Placements
            | FileKind::Postings
            | FileKind::Seekers => decode_projects_and_labour(&mut c),
            FileKind::Trainings
            | FileKind::TrainingAttendance
            | FileKind::Secondments
            | FileKind::Investments
            | FileKind::Purchases
            | FileKind::Donations
            | FileKind::Meetings
            | FileKind::Targets => decode_cooperation(&mut c),
            FileKind::FundReceipts
            | FileKind::PlacementConfirmations
            | FileKind::SecondmentArrivals
            | FileKind::Sales => decode_receiving(&mut c),
        }
    }

    /// The row rules of this record (`xiezuo_domain::rules`): each problem
    /// is (column, reason).
    pub fn row_checks(&self) -> Vec<xiezuo_domain::rules::Problem> {
        let mut out = Vec::new();
        let rules: Option<&dyn RowRules> = match self {
            Record::Region(r) => Some(r),
            Record::Pairing(p) => Some(p),
            Record::Household(h) => Some(h),
            Record::Person(p) => Some(p),
            Record::Project(p) => Some(p),
            Record::FundTxn(t) => Some(t),
            Record::Placement(p) => Some(p),
            Record::Posting(p) => Some(p),
            Record::Secondment(s) => Some(s),
            Record::FundReceipt(r) => Some(r),
            Record::PlacementConfirmation(r) => Some(r),
            Record::SecondmentArrival(r) => Some(r),
            Record::Sale(r) => Some(r),
            Record::Seeker(_)
            | Record::Milestone(_)
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
            | Record::Target(_) => None,
        };
        if let Some(r) = rules {
            r.check(&mut out);
        }
        out
    }
}

/// The registry: regions and their statistics, organisations, pairings, households, persons and their incomes.
fn decode_registry(c: &mut Cursor<'_>) -> Result<Record, DecodeError> {
    Ok(match c.kind {
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
                IdNumber::parse(&t).or_else(|e| Cursor::err("id_number", Message::from(&e)))?
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
        other => {
            return Cursor::err(
                "",
                Message::new("decode.elsewhere").with("kind", format!("{other:?}")),
            );
        }
    })
}

/// Projects and their milestones, beneficiaries and funds; labour placements, postings and seekers.
fn decode_projects_and_labour(c: &mut Cursor<'_>) -> Result<Record, DecodeError> {
    Ok(match c.kind {
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
                            RegionCode::parse(x).or_else(|e| Cursor::err(col, Message::from(&e)))
                        })
                        .collect::<Result<_, _>>()?,
                }
            },
            max_distance: c.opt_vocab()?,
            min_wage: c.money()?,
            skills: c.opt_text()?.map(Text::from),
            available_from: c.date()?,
        }),
        other => {
            return Cursor::err(
                "",
                Message::new("decode.elsewhere").with("kind", format!("{other:?}")),
            );
        }
    })
}

/// Trainings, secondments, investments, purchases, donations, meetings and agreement targets.
fn decode_cooperation(c: &mut Cursor<'_>) -> Result<Record, DecodeError> {
    Ok(match c.kind {
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
                    || {
                        Cursor::err(
                            "indicator",
                            Message::new("cell.unknown_indicator").with("value", &t),
                        )
                    },
                    Ok,
                )?
            },
            target: match c.next()? {
                (_, Cell::Real(v)) => *v,
                (_, Cell::Int(v)) => *v as f64,
                (col, _) => return Cursor::err(col, Message::new("decode.expected_number")),
            },
        }),
        other => {
            return Cursor::err(
                "",
                Message::new("decode.elsewhere").with("kind", format!("{other:?}")),
            );
        }
    })
}

/// The receiving side's files of v1.2: fund receipts, placement
/// confirmations, secondment arrivals and sales.
fn decode_receiving(c: &mut Cursor<'_>) -> Result<Record, DecodeError> {
    Ok(match c.kind {
        FileKind::FundReceipts => Record::FundReceipt(FundReceipt {
            receipt_id: c.id()?,
            pairing_id: c.id()?,
            txn_id: c.opt_id()?,
            date: c.date()?,
            amount: c.money()?,
            expended: c.opt_money()?,
        }),
        FileKind::PlacementConfirmations => Record::PlacementConfirmation(PlacementConfirmation {
            confirmation_id: c.id()?,
            pairing_id: c.id()?,
            placement_id: c.opt_id()?,
            person_id: c.id()?,
            employer: c.name_or_party()?,
            period: c.range()?,
            monthly_wage: c.opt_money()?,
        }),
        FileKind::SecondmentArrivals => Record::SecondmentArrival(SecondmentArrival {
            arrival_id: c.id()?,
            pairing_id: c.id()?,
            secondment_id: c.opt_id()?,
            person_name: c.text()?,
            period: c.range()?,
        }),
        FileKind::Sales => Record::Sale(Sale {
            sale_id: c.id()?,
            pairing_id: c.id()?,
            purchase_id: c.opt_id()?,
            seller: c.name_or_party()?,
            seller_county: c.code()?,
            date: c.date()?,
            amount: c.money()?,
        }),
        other => {
            return Cursor::err(
                "",
                Message::new("decode.elsewhere").with("kind", format!("{other:?}")),
            );
        }
    })
}
