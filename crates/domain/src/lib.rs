//! Domain types and rules of East-West cooperation (东西部协作).
//!
//! Everything here is pure: no files, no SQL, no clocks. Values are parsed
//! into validated newtypes at the edge (`RegionCode`, `Fen`, `Id`,
//! `IdNumber`), so the rest of the system can rely on them.

pub mod enums;
pub mod id_number;
pub mod indicator;
pub mod message;
pub mod money;
pub mod records;
pub mod region;
pub mod rules;
pub mod time;
pub mod types;

pub use enums::*;
pub use id_number::{IdNumber, IdNumberError};
pub use indicator::{Finding, Indicator, IndicatorUnit};
pub use message::Message;
pub use money::{Fen, MoneyError};
pub use records::*;
pub use region::{RegionCode, RegionCodeError};
pub use time::{DateRange, Year};
pub use types::{Id, IdError, Party, PartyError};
