//! The refusals of the assessment process as catalogue messages
//! (`xiezuo_domain::message::PROCESS`): what the API answers in Chinese and
//! English. The English text of every message is the error's `Display`
//! text (a test checks each variant).

use super::{RoundError, RoundState};
use crate::appeal::AppealError;
use crate::self_evaluation::SelfEvaluationError;
use xiezuo_domain::Message;

/// The Chinese label of an assessed side (考核对象).
pub fn side_zh(side: &str) -> &'static str {
    match side {
        "east" => "东部帮扶方",
        "west" => "西部受帮扶方",
        _ => "",
    }
}

pub(crate) fn with_state(
    m: Message,
    name: &'static str,
    zh: &'static str,
    s: RoundState,
) -> Message {
    m.with(name, s.as_str()).with(zh, s.label_zh())
}

/// Adds the Chinese label of the side given as `side`.
fn with_side_zh(m: Message) -> Message {
    let zh = side_zh(m.param("side").unwrap_or_default());
    if zh.is_empty() {
        m
    } else {
        m.with("side_zh", zh)
    }
}

impl RoundError {
    /// This refusal as a catalogue message.
    pub fn message(&self) -> Message {
        use RoundError as E;
        match self {
            E::NoRound(y) => Message::new("round.none").with("year", y),
            E::Exists(y) => Message::new("round.exists").with("year", y),
            E::OutOfOrder { year, from, to } => {
                let code = match from.next() {
                    Some(_) => "round.out_of_order",
                    None => "round.out_of_order_end",
                };
                let m = with_state(
                    Message::new(code).with("year", year),
                    "from",
                    "from_zh",
                    *from,
                );
                let m = with_state(m, "to", "to_zh", *to);
                match from.next() {
                    Some(next) => with_state(m, "next", "next_zh", next),
                    None => m,
                }
            }
            E::NotFrozen(y) => Message::new("round.not_frozen").with("year", y),
            E::AlreadyFrozen { year, at } => Message::new("round.already_frozen")
                .with("year", year)
                .with("at", at),
            E::TooLateToFreeze { year, state } => with_state(
                Message::new("round.too_late_to_freeze").with("year", year),
                "state",
                "state_zh",
                *state,
            ),
            E::NoReason => Message::new("process.no_reason"),
            E::PenaltiesNotNow { year, state } => with_state(
                Message::new("round.penalties_not_now").with("year", year),
                "state",
                "state_zh",
                *state,
            ),
            E::PenaltiesApplied(y) => Message::new("round.penalties_applied").with("year", y),
            E::NoSample(y) => Message::new("round.no_sample").with("year", y),
            E::SampleMoved(y) => Message::new("round.sample_moved").with("year", y),
            E::Concurrent => Message::new("round.concurrent"),
            E::Corrupt(d) => Message::new("round.corrupt").with("detail", d),
            E::Store(_) => Message::other(self.to_string()),
        }
    }
}

impl SelfEvaluationError {
    /// This refusal as a catalogue message.
    pub fn message(&self) -> Message {
        use SelfEvaluationError as E;
        match self {
            E::Round(r) => r.message(),
            E::NotNow { year, state } => with_state(
                Message::new("self_evaluation.not_now").with("year", year),
                "state",
                "state_zh",
                *state,
            ),
            E::NotFrozen(y) => Message::new("self_evaluation.not_frozen").with("year", y),
            E::NotAssessed { pairing, year } => Message::new("process.not_assessed")
                .with("pairing", pairing)
                .with("year", year),
            E::BadSide(s) => Message::new("process.bad_side").with("value", format!("{s:?}")),
            E::UnknownIndicator(i) => {
                Message::new("process.unknown_indicator").with("value", format!("{i:?}"))
            }
            E::BadValue { indicator, value } => Message::new("self_evaluation.bad_value")
                .with("indicator", indicator)
                .with("value", format!("{value:?}")),
            E::NotSubmitted {
                year,
                pairing,
                side: s,
            } => with_side_zh(
                Message::new("self_evaluation.not_submitted")
                    .with("year", year)
                    .with("pairing", pairing)
                    .with("side", s),
            ),
            E::BadAttachment { name, why } => Message::new(match *why {
                "kind" => "self_evaluation.attachment_kind",
                _ => "self_evaluation.attachment_content",
            })
            .with("name", name),
            E::AttachmentTooLarge { name, max_mib } => {
                Message::new("self_evaluation.attachment_too_large")
                    .with("name", name)
                    .with("max_mib", max_mib)
            }
            E::TooManyAttachments(n) => {
                Message::new("self_evaluation.too_many_attachments").with("max", n)
            }
            E::NoAttachment(n) => Message::new("self_evaluation.no_attachment").with("n", n),
            E::Concurrent => Message::new("self_evaluation.concurrent"),
            E::Corrupt(d) => Message::new("self_evaluation.corrupt").with("detail", d),
            E::Store(_) => Message::other(self.to_string()),
        }
    }
}

impl AppealError {
    /// This refusal as a catalogue message.
    pub fn message(&self) -> Message {
        use AppealError as E;
        match self {
            E::Round(r) => r.message(),
            E::NotNow { year, state } => with_state(
                Message::new("appeal.not_now").with("year", year),
                "state",
                "state_zh",
                *state,
            ),
            E::NotFrozen(y) => Message::new("appeal.not_frozen").with("year", y),
            E::NotAssessed { pairing, year } => Message::new("process.not_assessed")
                .with("pairing", pairing)
                .with("year", year),
            E::BadSide(s) => Message::new("process.bad_side").with("value", format!("{s:?}")),
            E::UnknownIndicator(i) => {
                Message::new("process.unknown_indicator").with("value", format!("{i:?}"))
            }
            E::BadValue { indicator, value } => Message::new("appeal.bad_value")
                .with("indicator", indicator)
                .with("value", format!("{value:?}")),
            E::NoSuchFinding {
                pairing,
                finding,
                record_kind,
                record_id,
            } => Message::new("appeal.no_finding")
                .with("pairing", pairing)
                .with("finding", finding)
                .with("record_kind", record_kind)
                .with("record_id", record_id),
            E::NoSuchPenalty {
                pairing,
                record_kind,
                record_id,
            } => Message::new("appeal.no_penalty")
                .with("pairing", pairing)
                .with("record_kind", record_kind)
                .with("record_id", record_id),
            E::NoReason => Message::new("process.no_reason"),
            E::NoComment => Message::new("appeal.no_comment"),
            E::NoAppeal { year, id } => Message::new("appeal.none")
                .with("year", year)
                .with("id", id),
            E::Decided(id) => Message::new("appeal.decided").with("id", id),
            E::Concurrent => Message::new("appeal.concurrent"),
            E::Corrupt(d) => Message::new("appeal.corrupt").with("detail", d),
            E::Store(_) => Message::other(self.to_string()),
        }
    }
}

/// "only the east party of P …" refusals of the web: who may act for a side.
pub fn not_party(code: &'static str, pairing: &str, side: &str) -> Message {
    with_side_zh(
        Message::new(code)
            .with("pairing", pairing)
            .with("side", side),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoundState as S;

    fn round_errors() -> Vec<RoundError> {
        let mut v = vec![
            RoundError::NoRound(2020),
            RoundError::Exists(2020),
            RoundError::NotFrozen(2020),
            RoundError::AlreadyFrozen {
                year: 2020,
                at: "2021-01-05T10:00:00+08:00".into(),
            },
            RoundError::TooLateToFreeze {
                year: 2020,
                state: S::Review,
            },
            RoundError::NoReason,
            RoundError::PenaltiesNotNow {
                year: 2020,
                state: S::Open,
            },
            RoundError::PenaltiesApplied(2020),
            RoundError::NoSample(2020),
            RoundError::SampleMoved(2020),
            RoundError::Concurrent,
            RoundError::Corrupt("bad json".into()),
        ];
        for from in S::ALL {
            for to in S::ALL {
                v.push(RoundError::OutOfOrder {
                    year: 2020,
                    from,
                    to,
                });
            }
        }
        v
    }

    #[test]
    fn english_is_the_display_text_and_chinese_has_no_english_state() {
        for e in round_errors() {
            let m = e.message();
            assert_eq!(m.en(), e.to_string());
            let zh = m.zh();
            assert!(
                !zh.contains("cross_check") && !zh.contains("self_evaluation"),
                "{zh}"
            );
        }
        let se = [
            SelfEvaluationError::NotNow {
                year: 2020,
                state: S::Open,
            },
            SelfEvaluationError::NotFrozen(2020),
            SelfEvaluationError::NotAssessed {
                pairing: "P1".into(),
                year: 2020,
            },
            SelfEvaluationError::BadSide("north".into()),
            SelfEvaluationError::UnknownIndicator("x".into()),
            SelfEvaluationError::BadValue {
                indicator: "poor_employed".into(),
                value: "many".into(),
            },
            SelfEvaluationError::NotSubmitted {
                year: 2020,
                pairing: "P1".into(),
                side: "east".into(),
            },
            SelfEvaluationError::BadAttachment {
                name: "a.exe".into(),
                why: "kind",
            },
            SelfEvaluationError::BadAttachment {
                name: "a.pdf".into(),
                why: "content",
            },
            SelfEvaluationError::AttachmentTooLarge {
                name: "a.pdf".into(),
                max_mib: 5,
            },
            SelfEvaluationError::TooManyAttachments(10),
            SelfEvaluationError::NoAttachment(3),
            SelfEvaluationError::Concurrent,
            SelfEvaluationError::Corrupt("x".into()),
            SelfEvaluationError::Round(RoundError::NoRound(2019)),
        ];
        for e in se {
            assert_eq!(e.message().en(), e.to_string());
        }
        let ap = [
            AppealError::NotNow {
                year: 2020,
                state: S::Approved,
            },
            AppealError::NotFrozen(2020),
            AppealError::NotAssessed {
                pairing: "P1".into(),
                year: 2020,
            },
            AppealError::BadSide("north".into()),
            AppealError::UnknownIndicator("x".into()),
            AppealError::BadValue {
                indicator: "grade".into(),
                value: "best".into(),
            },
            AppealError::NoSuchFinding {
                pairing: "P1".into(),
                finding: "F1".into(),
                record_kind: "project".into(),
                record_id: "PR1".into(),
            },
            AppealError::NoSuchPenalty {
                pairing: "P1".into(),
                record_kind: "placement".into(),
                record_id: "PL1".into(),
            },
            AppealError::NoReason,
            AppealError::NoComment,
            AppealError::NoAppeal { year: 2020, id: 3 },
            AppealError::Decided(3),
            AppealError::Concurrent,
            AppealError::Corrupt("x".into()),
        ];
        for e in ap {
            assert_eq!(e.message().en(), e.to_string());
        }
        let m = SelfEvaluationError::NotSubmitted {
            year: 2020,
            pairing: "P1".into(),
            side: "west".into(),
        }
        .message();
        assert_eq!(m.zh(), "结对 P1 的西部受帮扶方尚未提交 2020 年度自评");
    }
}
