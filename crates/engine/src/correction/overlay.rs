//! A store with a correction's rows laid over it, read as the assessment
//! reads a store (`DataSource`): a changed row is seen in place of the
//! stored one (same row id), a new row after every stored row of its kind,
//! as an import would append it. Nothing is written.

use crate::assess::data::DataSource;
use hashbrown::HashMap;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::{
    HouseholdFacts, RowVisitor, Store, StoreError, StoredRow, dense_refs, key_cells,
};

/// The store seen with some rows replaced or added.
pub struct Overlay<'s> {
    store: &'s dyn Store,
    /// Per kind: stored row id → the new cells.
    replaced: HashMap<FileKind, HashMap<i64, Vec<Cell>>>,
    /// Per kind: new rows, in the order given.
    added: HashMap<FileKind, Vec<Vec<Cell>>>,
}

impl<'s> Overlay<'s> {
    /// Lays `rows` (kind, full canonical cells) over `store`.
    pub fn new(
        store: &'s dyn Store,
        rows: impl IntoIterator<Item = (FileKind, Vec<Cell>)>,
    ) -> Result<Overlay<'s>, StoreError> {
        let mut o = Overlay {
            store,
            replaced: HashMap::new(),
            added: HashMap::new(),
        };
        for (kind, cells) in rows {
            match store.get(kind, &key_cells(kind, &cells))? {
                Some(old) => {
                    o.replaced.entry(kind).or_default().insert(old.rowid, cells);
                }
                None => o.added.entry(kind).or_default().push(cells),
            }
        }
        Ok(o)
    }

    /// The dense references of a laid-over row, looked up in the store.
    fn refs(&self, kind: FileKind, cells: &[Cell]) -> Result<Vec<Option<i64>>, StoreError> {
        dense_refs(kind)
            .iter()
            .map(|(col, target)| match cells.get(*col) {
                Some(Cell::Null) | None => Ok(None),
                Some(c) => Ok(self
                    .store
                    .get(*target, std::slice::from_ref(c))?
                    .map(|r| r.rowid)),
            })
            .collect()
    }
}

impl DataSource for Overlay<'_> {
    fn count(&self, kind: FileKind) -> Result<u64, StoreError> {
        let added = self.added.get(&kind).map_or(0, Vec::len) as u64;
        Ok(self.store.count(kind)? + added)
    }

    fn scan(&self, kind: FileKind, visit: &mut RowVisitor<'_>) -> Result<(), StoreError> {
        let replaced = self.replaced.get(&kind);
        let mut last = 0;
        self.store.scan(kind, &mut |row, refs| {
            last = last.max(row.rowid);
            match replaced.and_then(|r| r.get(&row.rowid)) {
                None => visit(row, refs),
                Some(cells) => {
                    let new = StoredRow {
                        rowid: row.rowid,
                        batch_id: row.batch_id,
                        cells: cells.clone(),
                    };
                    visit(&new, &self.refs(kind, cells)?)
                }
            }
        })?;
        for (i, cells) in self.added.get(&kind).into_iter().flatten().enumerate() {
            let new = StoredRow {
                rowid: last + 1 + i as i64,
                batch_id: 0,
                cells: cells.clone(),
            };
            visit(&new, &self.refs(kind, cells)?)?;
        }
        Ok(())
    }

    fn person_households(&self) -> Result<Vec<u32>, StoreError> {
        self.store.person_households()
    }

    fn household_facts(&self) -> Result<Vec<HouseholdFacts>, StoreError> {
        self.store.household_facts()
    }
}
