//! Uploads between their check and their commit (待确认上传): held in
//! memory (never written to disk before they are imported), owned by the
//! account that uploaded them, bounded per account, and expired.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use xiezuo_engine::import::StreamedFile;

/// An upload's files, held in memory until it is committed, dropped or
/// expired: a file as it was sent, a zip compressed (its entries are
/// unpacked each time they are read).
pub struct Upload {
    pub files: Vec<std::sync::Arc<dyn StreamedFile>>,
    /// Who uploaded it: only they may commit it.
    pub owner: crate::session::Caller,
    /// The id of its check job: it is committed only once that has ended.
    pub check: Option<String>,
    pub(crate) received: Instant,
}

impl Upload {
    pub(crate) fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size()).sum()
    }

    pub(crate) fn names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name().to_string()).collect()
    }
}

/// How long a checked upload waits for its commit.
pub const UPLOAD_TTL: Duration = Duration::from_secs(60 * 60);
/// Pending uploads an account may hold at once (the oldest goes first).
pub const UPLOADS_PER_ACCOUNT: usize = 4;
/// The bounds of one upload (上传限额): what its request body may be and
/// what the entries of a zip in it may unpack to. An entry is refused as
/// soon as unpacking passes a bound, so a zip bomb is never held whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadLimits {
    /// The request body of an upload, in bytes (`[serve] max_upload_mib`).
    pub body_bytes: u64,
    /// What one zip entry may unpack to, in bytes.
    pub file_bytes: u64,
    /// What all the entries of an upload may unpack to, in bytes.
    pub upload_bytes: u64,
    /// How many times larger than its compressed bytes an entry may unpack
    /// to, counted once it is past `RATIO_FROM` bytes.
    pub ratio: u64,
}

/// The unpacked size from which the compression ratio of an entry counts:
/// small files compress far better than real data sets do.
pub const RATIO_FROM: u64 = 1 << 20;

impl Default for UploadLimits {
    /// A 256 MiB body holds a province's data set zipped; 1 GiB unpacked
    /// per entry and per upload is above the national data set's largest
    /// file; real spreadsheets compress less than 200:1, zip bombs ~1000:1.
    fn default() -> UploadLimits {
        UploadLimits {
            body_bytes: 256 << 20,
            file_bytes: 1 << 30,
            upload_bytes: 1 << 30,
            ratio: 200,
        }
    }
}

/// The pending uploads (待确认上传), by token.
#[derive(Default)]
pub struct PendingUploads {
    map: Mutex<HashMap<String, Upload>>,
    next: AtomicU64,
}

impl PendingUploads {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Upload>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a checked upload until it is committed; returns its token.
    /// Expired uploads, and the oldest beyond an account's share, go.
    pub fn keep(&self, u: Upload) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let token = format!("u{n}");
        let mut map = self.lock();
        map.retain(|_, p| p.received.elapsed() < UPLOAD_TTL);
        let mut mine: Vec<(Instant, String)> = map
            .iter()
            .filter(|(_, p)| p.owner.login == u.owner.login)
            .map(|(t, p)| (p.received, t.clone()))
            .collect();
        mine.sort();
        let surplus = (mine.len() + 1).saturating_sub(UPLOADS_PER_ACCOUNT);
        for (_, t) in mine.into_iter().take(surplus) {
            map.remove(&t);
        }
        map.insert(token.clone(), u);
        token
    }

    /// Whether a pending upload was made by `login`.
    pub fn owned_by(&self, token: &str, login: &str) -> bool {
        self.lock()
            .get(token)
            .is_some_and(|u| u.owner.login == login && u.received.elapsed() < UPLOAD_TTL)
    }

    /// Records the check job of a pending upload.
    pub fn set_check(&self, token: &str, job: &str) {
        if let Some(u) = self.lock().get_mut(token) {
            u.check = Some(job.to_string());
        }
    }

    /// The check job of a pending upload.
    pub fn check(&self, token: &str) -> Option<String> {
        self.lock().get(token).and_then(|u| u.check.clone())
    }

    /// Takes a pending upload out.
    pub fn take(&self, token: &str) -> Option<Upload> {
        self.lock()
            .remove(token)
            .filter(|u| u.received.elapsed() < UPLOAD_TTL)
    }

    /// Drops a pending upload (its check failed).
    pub(crate) fn drop_upload(&self, token: &str) {
        self.lock().remove(token);
    }
}
