//! Attachments of a self-evaluation (自评佐证材料): the documents a party
//! files beside its claims (meeting minutes, contracts, bank statements,
//! photos). During the round's self-evaluation step, once frozen, a side
//! adds or removes its own; everyone who may see the pairing reads them.
//!
//! Only documents of known kinds are taken — PDF, PNG, JPEG, and Word or
//! Excel files (DOCX, XLSX) — and each file's content must be what its
//! name says (its leading bytes), so that nothing else is served back
//! under a document's name. At most `MAX_FILES` per side, `MAX_BYTES`
//! each. Each is kept with its SHA-256, who added it and when.
//!
//! The list is kept per pairing and side in the store's named settings
//! (`assessment_round/<year>/self/<pairing>/<side>/attachments`, by
//! compare-and-set) and each file beside it as base64 (`…/attachment/<n>`).

use crate::self_evaluation::{SelfEvaluationError, check_round, check_side, prefill};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use xiezuo_domain::Year;
use xiezuo_store::Store;

/// The most attachments of one side's self-evaluation.
pub const MAX_FILES: usize = 10;
/// The largest attachment, in bytes.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The kinds taken: extension, media type, leading bytes.
const KINDS: [(&str, &str, &[u8]); 6] = [
    ("pdf", "application/pdf", b"%PDF-"),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
];

/// One attachment as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its number within the side's attachments (never reused).
    pub n: u32,
    pub name: String,
    pub media_type: String,
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub by: String,
    pub at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct List {
    next: u32,
    items: Vec<Attachment>,
}

fn list_key(year: Year, pairing: &str, side: &str) -> String {
    format!("assessment_round/{year}/self/{pairing}/{side}/attachments")
}

fn file_key(year: Year, pairing: &str, side: &str, n: u32) -> String {
    format!("assessment_round/{year}/self/{pairing}/{side}/attachment/{n}")
}

fn read(
    store: &dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
) -> Result<(Option<String>, List), SelfEvaluationError> {
    let (text, list) = crate::setting::read(store, &list_key(year, pairing, side))?;
    Ok((text, list.unwrap_or_default()))
}

fn write(
    store: &mut dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
    old: Option<&str>,
    list: &List,
) -> Result<(), SelfEvaluationError> {
    Ok(crate::setting::replace(
        store,
        &list_key(year, pairing, side),
        old,
        list,
    )?)
}

/// A side's attachments, in the order added.
pub fn attachments(
    store: &dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
) -> Result<Vec<Attachment>, SelfEvaluationError> {
    check_side(side)?;
    Ok(read(store, year, pairing, side)?.1.items)
}

/// The media type of a file named `name` whose content starts as
/// `bytes`, or why it is refused.
fn media_type(name: &str, bytes: &[u8]) -> Result<&'static str, SelfEvaluationError> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    let bad = |why: &'static str| SelfEvaluationError::BadAttachment {
        name: name.chars().take(80).collect(),
        why,
    };
    let (_, media, magic) = KINDS
        .iter()
        .find(|(e, _, _)| *e == ext)
        .ok_or_else(|| bad("kind"))?;
    if !bytes.starts_with(magic) {
        return Err(bad("content"));
    }
    Ok(media)
}

/// Adds an attachment to a side's self-evaluation (during the round's
/// self-evaluation step).
#[allow(clippy::too_many_arguments)]
pub fn add(
    store: &mut dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
    name: &str,
    bytes: &[u8],
    by: &str,
    at: &str,
) -> Result<Attachment, SelfEvaluationError> {
    check_side(side)?;
    check_round(store, year)?;
    prefill(store, year, pairing)?;
    if bytes.len() > MAX_BYTES {
        return Err(SelfEvaluationError::AttachmentTooLarge {
            name: name.chars().take(80).collect(),
            max_mib: MAX_BYTES / (1024 * 1024),
        });
    }
    let media = media_type(name, bytes)?;
    let (old, mut list) = read(store, year, pairing, side)?;
    if list.items.len() >= MAX_FILES {
        return Err(SelfEvaluationError::TooManyAttachments(MAX_FILES));
    }
    let n = list.next.max(1);
    store.set_meta(&file_key(year, pairing, side, n), &STANDARD.encode(bytes))?;
    let a = Attachment {
        n,
        name: name.chars().take(200).collect(),
        media_type: media.to_string(),
        bytes: bytes.len() as u64,
        sha256: Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        by: by.to_string(),
        at: at.to_string(),
    };
    list.next = n + 1;
    list.items.push(a.clone());
    write(store, year, pairing, side, old.as_deref(), &list)?;
    Ok(a)
}

/// Removes an attachment (during the round's self-evaluation step); its
/// number is not used again.
pub fn remove(
    store: &mut dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
    n: u32,
) -> Result<(), SelfEvaluationError> {
    check_side(side)?;
    check_round(store, year)?;
    let (old, mut list) = read(store, year, pairing, side)?;
    let before = list.items.len();
    list.items.retain(|a| a.n != n);
    if list.items.len() == before {
        return Err(SelfEvaluationError::NoAttachment(n));
    }
    write(store, year, pairing, side, old.as_deref(), &list)?;
    store.set_meta(&file_key(year, pairing, side, n), "")?;
    Ok(())
}

/// An attachment with its content.
pub fn content(
    store: &dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
    n: u32,
) -> Result<(Attachment, Vec<u8>), SelfEvaluationError> {
    let a = attachments(store, year, pairing, side)?
        .into_iter()
        .find(|a| a.n == n)
        .ok_or(SelfEvaluationError::NoAttachment(n))?;
    let text = store
        .meta(&file_key(year, pairing, side, n))?
        .ok_or_else(|| SelfEvaluationError::Corrupt(format!("attachment {n} is missing")))?;
    let bytes = STANDARD
        .decode(text.as_bytes())
        .map_err(|e| SelfEvaluationError::Corrupt(e.to_string()))?;
    Ok((a, bytes))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::assess::method::Method;
    use crate::round::{self, RoundState};
    use crate::test_support::{AT, dataset_store, freeze_round};

    const PDF: &[u8] = b"%PDF-1.4\n% minutes of the joint meeting\n";

    #[test]
    fn a_side_adds_reads_and_removes_its_documents_during_the_step() {
        let m = Method::default_v1();
        let mut store = dataset_store();
        freeze_round(&mut store, 2020, &m);
        let a = add(
            &mut store,
            2020,
            "PROV-44-45",
            "west",
            "会议纪要.pdf",
            PDF,
            "gx",
            AT,
        )
        .unwrap();
        assert_eq!(
            (a.n, a.media_type.as_str(), a.bytes),
            (1, "application/pdf", PDF.len() as u64)
        );
        assert_eq!(a.sha256.len(), 64);
        let (got, bytes) = content(&store, 2020, "PROV-44-45", "west", 1).unwrap();
        assert_eq!((got, bytes.as_slice()), (a, PDF));
        // A file that is not what its name says, or of another kind, is refused.
        let e = add(
            &mut store,
            2020,
            "PROV-44-45",
            "west",
            "x.pdf",
            b"<html>",
            "gx",
            AT,
        )
        .unwrap_err();
        assert!(e.to_string().contains("is not what its name says"), "{e}");
        let e = add(
            &mut store,
            2020,
            "PROV-44-45",
            "west",
            "x.exe",
            PDF,
            "gx",
            AT,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("PDF, PNG, JPEG, DOCX or XLSX"),
            "{e}"
        );
        let big = [PDF, &vec![b' '; MAX_BYTES]].concat();
        let e = add(
            &mut store,
            2020,
            "PROV-44-45",
            "west",
            "big.pdf",
            &big,
            "gx",
            AT,
        )
        .unwrap_err();
        assert!(
            matches!(e, SelfEvaluationError::AttachmentTooLarge { .. }),
            "{e}"
        );
        let e = add(&mut store, 2020, "NO-SUCH", "west", "a.pdf", PDF, "gx", AT).unwrap_err();
        assert!(matches!(e, SelfEvaluationError::NotAssessed { .. }), "{e}");
        // Removed, its number is not given again.
        remove(&mut store, 2020, "PROV-44-45", "west", 1).unwrap();
        assert!(matches!(
            remove(&mut store, 2020, "PROV-44-45", "west", 1),
            Err(SelfEvaluationError::NoAttachment(1))
        ));
        let b = add(
            &mut store,
            2020,
            "PROV-44-45",
            "west",
            "b.pdf",
            PDF,
            "gx",
            AT,
        )
        .unwrap();
        assert_eq!(b.n, 2);
        assert_eq!(
            attachments(&store, 2020, "PROV-44-45", "west")
                .unwrap()
                .len(),
            1
        );
        assert!(
            attachments(&store, 2020, "PROV-44-45", "east")
                .unwrap()
                .is_empty()
        );
        for i in 0..MAX_FILES - 1 {
            add(
                &mut store,
                2020,
                "PROV-44-45",
                "west",
                &format!("{i}.pdf"),
                PDF,
                "gx",
                AT,
            )
            .unwrap();
        }
        let e = add(
            &mut store,
            2020,
            "PROV-44-45",
            "west",
            "c.pdf",
            PDF,
            "gx",
            AT,
        )
        .unwrap_err();
        assert!(
            matches!(e, SelfEvaluationError::TooManyAttachments(10)),
            "{e}"
        );
        // After the step, the documents stay and are read, but do not change.
        round::advance(&mut store, 2020, RoundState::CrossCheck, "nat", "核查", AT).unwrap();
        let e = remove(&mut store, 2020, "PROV-44-45", "west", 2).unwrap_err();
        assert!(matches!(e, SelfEvaluationError::NotNow { .. }), "{e}");
        assert_eq!(
            content(&store, 2020, "PROV-44-45", "west", 2).unwrap().1,
            PDF
        );
    }
}
