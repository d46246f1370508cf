//! Deterministic random sub-streams: every file and entity derives its own
//! ChaCha8 stream from the user seed, a tag and an index, so the output does
//! not depend on the order in which other parts were generated.

use chrono::{Datelike, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator's random stream.
pub type Rng = ChaCha8Rng;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stream for (`seed`, `tag`, `index`).
pub fn stream(seed: u64, tag: &str, index: u64) -> Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in tag.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let s = splitmix(splitmix(seed ^ h).wrapping_add(splitmix(index)));
    ChaCha8Rng::seed_from_u64(s)
}

/// Uniform integer in `lo..=hi` (returns `lo` when the range is empty).
pub fn between(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Uniform index below `n` (0 when `n` is 0).
pub fn index(rng: &mut Rng, n: usize) -> usize {
    if n <= 1 { 0 } else { rng.random_range(0..n) }
}

/// True with probability `p`.
pub fn chance(rng: &mut Rng, p: f64) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        rng.random_bool(p)
    }
}

/// Uniform float in `[0, 1)`.
pub fn unit(rng: &mut Rng) -> f64 {
    rng.random::<f64>()
}

/// Picks one element of a non-empty slice (the first when it has one).
pub fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[index(rng, items.len())]
}

/// A stochastic rounding of `x`: its integer part plus one with the
/// probability of its fractional part.
pub fn round_random(rng: &mut Rng, x: f64) -> i64 {
    let f = x.floor();
    f as i64 + i64::from(chance(rng, x - f))
}

/// A uniform date in the inclusive window.
pub fn date_between(rng: &mut Rng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    let span = (hi - lo).num_days();
    lo + chrono::Days::new(between(rng, 0, span.max(0)) as u64)
}

/// A uniform date of year `y`.
pub fn date_in_year(rng: &mut Rng, y: i32) -> NaiveDate {
    date_between(rng, ymd(y, 1, 1), ymd(y, 12, 31))
}

/// A valid date (month and day are clamped into range).
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    let m = m.clamp(1, 12);
    let mut d = d.clamp(1, 31);
    loop {
        if let Some(x) = NaiveDate::from_ymd_opt(y, m, d) {
            return x;
        }
        d -= 1;
    }
}

/// `YYYY-MM-DD`.
pub fn fmt_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}
