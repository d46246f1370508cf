//! The buffered path of an import: rows of a kind that was empty when the
//! import began are kept here and handed over in chunks, each written with
//! one binary `COPY` while the importer goes on. Uniqueness stays exact:
//! in-memory hashes of each buffered row's unique values (key, identity
//! number) catch a possible duplicate, which the database then confirms.

use super::PgImport;
use super::worker::Cmd;
use crate::{CopyBuffer, Val};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::ddl::unique_columns;
use xiezuo_store::{StoreError, Upsert};

/// Rows of a kind handed over at a time, each chunk one `COPY`.
const CHUNK: usize = 10_000;

/// The rows of a kind that was empty at the start not yet handed over,
/// and hashes of the unique values of all its rows of this import: (value
/// hash → row id of the first holder).
pub(super) struct Pending {
    rows: Vec<Val>,
    keys: HashMap<u64, i64>,
    uniques: Vec<(usize, HashMap<u64, i64>)>,
}

impl Pending {
    fn new(kind: FileKind) -> Pending {
        Pending {
            rows: Vec::new(),
            keys: HashMap::new(),
            uniques: unique_columns(kind)
                .into_iter()
                .map(|c| (c, HashMap::new()))
                .collect(),
        }
    }
}

fn hash_cells<'a>(cells: impl Iterator<Item = &'a Cell>) -> u64 {
    let mut h = DefaultHasher::new();
    for c in cells {
        match c {
            Cell::Null => 0u8.hash(&mut h),
            Cell::Int(v) => (1u8, v).hash(&mut h),
            Cell::Real(v) => (2u8, v.to_bits()).hash(&mut h),
            Cell::Text(t) => (3u8, t.as_str()).hash(&mut h),
        }
    }
    h.finish()
}

impl PgImport<'_> {
    /// Hands the buffered rows of a kind over to be written.
    pub(super) fn flush(&mut self, kind: FileKind) -> Result<(), StoreError> {
        let rows = match self.pending[kind as usize].as_mut() {
            Some(p) if !p.rows.is_empty() => std::mem::take(&mut p.rows),
            _ => return Ok(()),
        };
        self.worker.send(Cmd::Copy(kind, rows))
    }

    /// Inserts a row of a kind that was empty at the start: buffered.
    pub(super) fn insert_buffered(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
    ) -> Result<Upsert, StoreError> {
        let k = kind as usize;
        let p = self.pending[k].get_or_insert_with(|| Pending::new(kind));
        let mut hits = Vec::new();
        let mut unique_hashes = Vec::with_capacity(p.uniques.len());
        for (col, seen) in &p.uniques {
            if cells[*col].is_null() {
                continue;
            }
            let h = hash_cells(std::iter::once(&cells[*col]));
            if seen.contains_key(&h) {
                hits.push(*col);
            }
            unique_hashes.push((*col, h));
        }
        let key_idx = kind.key();
        let key_hash = (!key_idx.iter().any(|&i| cells[i].is_null()))
            .then(|| hash_cells(key_idx.iter().map(|&i| &cells[i])));
        let key_hit = key_hash.is_some_and(|h| p.keys.contains_key(&h));
        // Possibly a duplicate: ask the database, once it holds every row
        // of this import.
        if !hits.is_empty() || key_hit {
            self.flush(kind)?;
        }
        for col in hits {
            if let Some(rowid) = self.holder_of(kind, col, &cells[col], None)? {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid,
                });
            }
        }
        if key_hit && let Some(r) = self.stored(kind, &xiezuo_store::key_cells(kind, cells))? {
            return Ok(Upsert::Duplicate {
                column: None,
                rowid: r.rowid,
            });
        }
        let id = self.next_id[k];
        self.next_id[k] += 1;
        let batch_id = self.batch_id;
        let p = self.pending[k].get_or_insert_with(|| Pending::new(kind));
        p.rows.push(Val(Cell::Int(id)));
        p.rows.push(Val(Cell::Int(batch_id)));
        p.rows.extend(cells.iter().cloned().map(Val));
        p.rows.extend(refs.iter().map(|r| Val(Cell::Int(*r))));
        if let Some(h) = key_hash {
            p.keys.entry(h).or_insert(id);
        }
        for (col, h) in unique_hashes {
            if let Some((_, seen)) = p.uniques.iter_mut().find(|(c, _)| *c == col) {
                seen.entry(h).or_insert(id);
            }
        }
        let full = p.rows.len() >= CHUNK * CopyBuffer::width(kind);
        self.wrote(kind, id, cells, None);
        if full {
            self.flush(kind)?;
        }
        Ok(Upsert::Inserted(id))
    }
}
