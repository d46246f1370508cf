//! Values computed at most once each, by key, and kept in a cache of
//! bounded size (缓存): callers of a key being computed wait for that
//! computation instead of repeating it, and beyond the cache's capacity the
//! least recently used value is dropped (computed again if asked again).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One value of `Once`: empty until computed.
type Cell<V> = Arc<Mutex<Option<Arc<V>>>>;

struct Entries<K, V> {
    /// Each key's cell and when it was last used (a tick of `clock`).
    cells: HashMap<K, (Cell<V>, u64)>,
    clock: u64,
}

/// Values computed at most once each while kept, at most `capacity` of them.
pub(crate) struct Once<K, V> {
    entries: Mutex<Entries<K, V>>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> Once<K, V> {
    /// An empty cache of at most `capacity` values (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Once::with(capacity, Vec::new())
    }

    /// A cache holding `entries` (the last ones beyond `capacity` are dropped).
    pub(crate) fn with(capacity: usize, entries: Vec<(K, Arc<V>)>) -> Self {
        let capacity = capacity.max(1);
        let cells = entries
            .into_iter()
            .take(capacity)
            .map(|(k, v)| (k, (Arc::new(Mutex::new(Some(v))), 0)))
            .collect();
        Once {
            entries: Mutex::new(Entries { cells, clock: 0 }),
            capacity,
        }
    }

    /// The cell of `key`, made when missing; the least recently used cell
    /// is dropped when the cache is over capacity (a caller computing or
    /// holding it keeps its own reference).
    fn cell(&self, key: K) -> Cell<V> {
        let mut e = lock(&self.entries);
        e.clock += 1;
        let now = e.clock;
        if let Some((c, used)) = e.cells.get_mut(&key) {
            *used = now;
            return c.clone();
        }
        if e.cells.len() >= self.capacity {
            let oldest = e
                .cells
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                e.cells.remove(&k);
            }
        }
        let c: Cell<V> = Arc::default();
        e.cells.insert(key, (c.clone(), now));
        c
    }

    pub(crate) fn get_or_try<E>(
        &self,
        key: K,
        f: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        let cell = self.cell(key);
        let mut slot = lock(&cell);
        if let Some(v) = slot.as_ref() {
            return Ok(v.clone());
        }
        let v = Arc::new(f()?);
        *slot = Some(v.clone());
        Ok(v)
    }

    pub(crate) fn get_or(&self, key: K, f: impl FnOnce() -> V) -> Arc<V> {
        match self.get_or_try(key, || Ok::<V, std::convert::Infallible>(f())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// The values computed so far (not those being computed now), most
    /// recently used first.
    pub(crate) fn filled(&self) -> Vec<(K, Arc<V>)> {
        let mut cells: Vec<(K, Cell<V>, u64)> = lock(&self.entries)
            .cells
            .iter()
            .map(|(k, (c, used))| (k.clone(), c.clone(), *used))
            .collect();
        cells.sort_by_key(|(_, _, used)| std::cmp::Reverse(*used));
        cells
            .into_iter()
            .filter_map(|(k, c, _)| {
                let slot = match c.try_lock() {
                    Ok(s) => s,
                    Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
                    Err(std::sync::TryLockError::WouldBlock) => return None,
                };
                slot.clone().map(|v| (k, v))
            })
            .collect()
    }

    /// How many values are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        lock(&self.entries).cells.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Once;

    #[test]
    fn a_value_is_computed_once_and_the_least_recently_used_goes_first() {
        let c: Once<u32, u32> = Once::new(3);
        let mut runs = 0;
        for k in [1, 2, 3, 1, 1] {
            c.get_or(k, || {
                runs += 1;
                k * 10
            });
        }
        assert_eq!(runs, 3);
        // 2 is the least recently used: 4 takes its place.
        c.get_or(4, || 40);
        assert_eq!(c.len(), 3);
        let keys: Vec<u32> = c.filled().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![4, 1, 3]);
        for k in 0..1000 {
            c.get_or(k, || k);
        }
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn a_cache_made_with_values_keeps_at_most_its_capacity() {
        let c: Once<u32, u32> =
            Once::with(2, (0..5).map(|k| (k, std::sync::Arc::new(k))).collect());
        assert_eq!(c.len(), 2);
        assert_eq!(*c.get_or(0, || 99), 0);
    }
}
