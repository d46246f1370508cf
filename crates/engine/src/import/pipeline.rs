//! The import pipeline of one file: a parser thread reads and parses rows in
//! batches while this thread checks them against the dataset and the store
//! and writes them; whole-file kinds (regions, funds) are checked once read.

use super::resolve::*;
use super::rules::*;
use super::*;
use xiezuo_store::upsert::{UpsertPlan, is_append_only, plan_upsert};

/// One parsed row waiting for its cross-row checks.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) raw: RawFields,
    pub(super) cells: Vec<Cell>,
    pub(super) rec: Record,
}

pub(super) struct FileRun<'a> {
    pub(super) kind: FileKind,
    pub(super) file: String,
    pub(super) report: &'a mut ImportReport,
}

impl FileRun<'_> {
    pub(super) fn reject(
        &mut self,
        ctx: &mut Ctx<'_>,
        line: u64,
        raw: &RawFields,
        key: Option<String>,
        problems: Problems,
    ) {
        if let Some(k) = key {
            ctx.rejected
                .entry(self.kind)
                .or_default()
                .entry(k)
                .or_insert_with(|| format!("{}:{line}", self.file));
        }
        for (col, reason) in problems {
            self.report.errors.push(Rejected {
                error: ImportError::message(&self.file, line, col, reason),
                raw: raw.clone(),
            });
        }
        self.report.counts.entry(self.kind).or_default().rejected += 1;
    }
}

pub(super) fn import_file(
    ctx: &mut Ctx<'_>,
    (kind, table): (FileKind, super::source::Table<'_>),
    limits: &ImportLimits,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), ImportFailure> {
    let mut reader = match table.open(kind, limits) {
        Ok(r) => r,
        Err(errs) => {
            for e in errs {
                report.errors.push(Rejected {
                    error: e,
                    raw: RawFields::new(),
                });
            }
            return Ok(());
        }
    };
    let file = reader.file.clone();
    for e in std::mem::take(&mut reader.header_errors) {
        report.errors.push(Rejected {
            error: e,
            raw: RawFields::new(),
        });
    }
    report.warnings.append(&mut reader.warnings);
    progress.file_started(&file, reader.size);
    report.counts.entry(kind).or_default();
    let mut run = FileRun {
        kind,
        file: file.clone(),
        report,
    };
    // Kinds that reference their own file are checked once the whole file is read.
    let whole_file = matches!(kind, FileKind::Regions | FileKind::Funds);
    let mut pending: Vec<Row> = Vec::new();
    // A parser thread reads and parses rows in batches while this thread
    // checks them against the dataset and the store and writes them.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Vec<Parsed>, u64)>(4);
    let outcome: Result<(), StoreError> = std::thread::scope(|scope| {
        let parser = scope.spawn(move || parse_rows(&mut reader, &tx));
        for (batch, position) in rx {
            progress.advanced(position);
            if !whole_file {
                prefetch(ctx, kind, batch.iter().filter_map(Parsed::good))?;
            }
            for parsed in batch {
                match parsed {
                    Parsed::Unreadable(e) => {
                        run.report.errors.push(Rejected {
                            error: e,
                            raw: RawFields::new(),
                        });
                        run.report.counts.entry(kind).or_default().rejected += 1;
                    }
                    Parsed::Bad {
                        line,
                        raw,
                        key,
                        problems,
                        partial,
                    } => {
                        run.report.counts.entry(kind).or_default().read += 1;
                        run.reject_bad(ctx, line, &raw, key, problems, &partial)?;
                    }
                    Parsed::Good(row) => {
                        run.report.counts.entry(kind).or_default().read += 1;
                        if whole_file {
                            pending.push(row);
                        } else {
                            process_row_with(ctx, &mut run, row, Vec::new())?;
                        }
                    }
                }
            }
        }
        // The parser ends when the file does (or when this side stops early).
        let _ = parser.join();
        Ok(())
    });
    outcome?;
    if whole_file {
        match kind {
            FileKind::Regions => {
                let codes: hashbrown::HashSet<RegionCode> = pending
                    .iter()
                    .filter_map(|r| match &r.rec {
                        Record::Region(g) => Some(g.code),
                        _ => None,
                    })
                    .collect();
                // Regions of this file are known before their parents are checked.
                for row in &pending {
                    if let Record::Region(g) = &row.rec {
                        ctx.regions
                            .entry(g.code)
                            .or_insert(Some((g.level, g.parent)));
                    }
                }
                let mut rows = pending.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<Row> = rows.by_ref().take(BATCH).collect();
                    prefetch(ctx, kind, chunk.iter())?;
                    for row in chunk {
                        let mut extra = Vec::new();
                        if let Record::Region(g) = &row.rec {
                            let mut nearest = None;
                            for a in g.code.prefix_ancestors() {
                                if codes.contains(&a) || matches!(ctx.region(a)?, Found::Yes(_)) {
                                    nearest = Some(a);
                                    break;
                                }
                            }
                            match (g.parent, nearest) {
                                (Some(p), Some(n)) if p != n => extra.push((
                                    "parent",
                                    Message::new("region.parent_not_nearest")
                                        .with("nearest", n)
                                        .with("parent", p),
                                )),
                                (Some(p), None) => extra.push((
                                    "parent",
                                    Message::new("region.unknown_parent").with("code", p),
                                )),
                                _ => {}
                            }
                        }
                        process_row_with(ctx, &mut run, row, extra)?;
                    }
                }
            }
            _ => {
                // Originals before reversals, so a reversal may precede its original in the file.
                pending
                    .sort_by_key(|r| matches!(&r.rec, Record::FundTxn(t) if t.reverses.is_some()));
                let mut rows = pending.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<Row> = rows.by_ref().take(BATCH).collect();
                    prefetch(ctx, kind, chunk.iter())?;
                    for row in chunk {
                        process_row_with(ctx, &mut run, row, Vec::new())?;
                    }
                }
            }
        }
    }
    progress.file_done(&file);
    Ok(())
}

/// Tells the store which rows come next, so that a server backend reads
/// the stored rows they name (by key or by reference) in one go instead of
/// one at a time.
pub(super) fn prefetch<'r>(
    ctx: &mut Ctx<'_>,
    kind: FileKind,
    rows: impl Iterator<Item = &'r Row>,
) -> Result<(), StoreError> {
    let cells: Vec<&[Cell]> = rows.map(|r| r.cells.as_slice()).collect();
    ctx.tx.prefetch(kind, &cells)
}

/// A row as the parser thread hands it over.
pub(super) enum Parsed {
    /// The record could not be read at all (bad CSV).
    Unreadable(ImportError),
    /// Cells that do not parse: (line, raw fields, key if parsable,
    /// problems, and the cells that did parse, a bad one `Null`: empty when
    /// the row cannot be checked further).
    Bad {
        line: u64,
        raw: RawFields,
        key: Option<String>,
        problems: Problems,
        partial: Vec<Cell>,
    },
    Good(Row),
}

impl Parsed {
    pub(super) fn good(&self) -> Option<&Row> {
        match self {
            Parsed::Good(r) => Some(r),
            _ => None,
        }
    }
}

pub(super) const BATCH: usize = 4096;

/// Reads, parses and checks single rows of a file, in batches.
pub(super) fn parse_rows(
    reader: &mut TableReader,
    tx: &std::sync::mpsc::SyncSender<(Vec<Parsed>, u64)>,
) {
    let kind = reader.kind;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(next) = reader.next_row() {
        let parsed = match next {
            Err(e) => Parsed::Unreadable(e),
            Ok(line) => {
                let fields = reader.fields();
                let (cells, errs) = reader.parse_current_partial(line, &fields);
                match errs.is_empty() {
                    false => Parsed::Bad {
                        line,
                        raw: reader.raw(),
                        key: key_if_parsable(kind, &reader.header, &fields),
                        problems: errs
                            .into_iter()
                            .map(|e| (col_static(kind, &e.column), e.to_message()))
                            .collect(),
                        partial: cells,
                    },
                    true => match Record::from_cells(kind, &cells) {
                        Err(e) => Parsed::Bad {
                            line,
                            raw: reader.raw(),
                            key: Some(key_text(kind, &cells)),
                            problems: vec![(e.column, e.reason)],
                            partial: Vec::new(),
                        },
                        Ok(rec) => Parsed::Good(Row {
                            line,
                            raw: reader.raw(),
                            cells,
                            rec,
                        }),
                    },
                }
            }
        };
        batch.push(parsed);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if tx.send((full, reader.position())).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send((batch, reader.position()));
    }
}

pub(super) fn col_static(kind: FileKind, name: &str) -> &'static str {
    kind.columns()
        .iter()
        .find(|c| c.name == name)
        .map_or("", |c| c.name)
}

/// The key of a row whose key cells parse, for cascade messages.
pub(super) fn key_if_parsable(
    kind: FileKind,
    header: &xiezuo_exchange::HeaderMap,
    fields: &[&str],
) -> Option<String> {
    let cols = kind.columns();
    let mut parts = Vec::new();
    for &i in kind.key() {
        let raw = header.positions[i]
            .and_then(|p| fields.get(p))
            .map(|s| s.trim())?;
        if raw.is_empty() {
            return None;
        }
        let cell = xiezuo_exchange::cell::parse_cell(&cols[i], raw).ok()?;
        parts.push(xiezuo_exchange::cell::format_cell(&cols[i], &cell));
    }
    Some(parts.join("/"))
}

pub(super) fn process_row_with(
    ctx: &mut Ctx<'_>,
    run: &mut FileRun<'_>,
    row: Row,
    mut problems: Problems,
) -> Result<(), StoreError> {
    let kind = run.kind;
    let raw = |row: &Row| -> RawFields { row.raw.clone() };
    // Outside the writer's scope: refused alone, so that the refusal tells
    // nothing of the row's references or of the stored row.
    if !ctx.in_scope(kind, &row)? {
        run.report.out_of_scope += 1;
        let key = Some(key_text(kind, &row.cells));
        run.reject(
            ctx,
            row.line,
            &row.raw,
            key,
            vec![("", ctx.scope.refusal(kind))],
        );
        return Ok(());
    }
    problems.extend(row.rec.row_checks());
    // A frozen round's records stay as they were frozen.
    problems.extend(ctx.frozen_problem(kind, &row)?);
    // On re-import, an identity number held by another stored person.
    if let (Record::Person(p), false) = (&row.rec, ctx.tx.was_empty(FileKind::Persons))
        && let Some((rowid, other)) = ctx.tx.person_by_id_number(p.id_number.expose())?
        && other != p.person_id.as_str()
    {
        let line = ctx.written_line(kind, rowid);
        let reason = match line {
            Some(l) => Message::new("duplicate.id_number_in_file")
                .with("line", l)
                .with("person", other),
            // A holder outside the writer's scope is not named.
            None if ctx.may_name_person(&other)? => {
                Message::new("duplicate.id_number_stored_person").with("person", other)
            }
            None => Message::new("duplicate.id_number_stored"),
        };
        problems.push(("id_number", reason));
    }
    // The ledger is never edited (the store's one upsert rule): a stored
    // ledger row given again is either unchanged or a row error here.
    let mut already_stored = false;
    if is_append_only(kind)
        && !ctx.tx.was_empty(kind)
        && let Some(old) = ctx.tx.get(kind, &key_cells(kind, &row.cells))?
        && ctx.written_line(kind, old.rowid).is_none()
    {
        match plan_upsert(kind, Some(&old), &row.cells, &|_| false) {
            Ok(UpsertPlan::Done(Upsert::Unchanged(_))) => already_stored = true,
            Err(StoreError::Conflict(_)) => problems.push((
                "txn_id",
                Message::new("funds.ledger_changed").with("key", key_text(kind, &row.cells)),
            )),
            Ok(_) => {}
            Err(e) => return Err(e),
        }
    }
    if !already_stored {
        ctx.check(&row.rec, &mut problems)?;
    }
    if !problems.is_empty() {
        // A bad row whose key a good row of this dataset already holds is a
        // duplicate: say so, and do not let it shadow the good row.
        let held = ctx.tx.get(kind, &key_cells(kind, &row.cells))?;
        let key = match held {
            Some(h) if ctx.written_line(kind, h.rowid).is_some() => {
                problems.push(duplicate_reason(ctx, kind, None, h.rowid, &row.cells)?);
                None
            }
            _ => Some(key_text(kind, &row.cells)),
        };
        let raw = raw(&row);
        run.reject(ctx, row.line, &raw, key, problems);
        return Ok(());
    }
    let refs = ctx.dense_refs(&row.rec)?;
    let written = ctx.written.entry(kind).or_default();
    let outcome = ctx.tx.upsert(kind, &row.cells, &refs, &|rowid| {
        written.line_of(rowid).is_some()
    })?;
    if let Upsert::Duplicate { column, rowid } = outcome {
        let reason = duplicate_reason(ctx, kind, column, rowid, &row.cells)?;
        let raw = raw(&row);
        // The good row keeps its key: no cascade from this one.
        run.reject(ctx, row.line, &raw, None, vec![reason]);
        return Ok(());
    }
    if let Some(w) = ctx.written.get_mut(&kind) {
        w.record(outcome, row.line);
    }
    if !already_stored && let Some(rowid) = outcome.rowid() {
        ctx.remember(&row.rec, rowid);
        ctx.scope_facts.forget(&row.rec);
    }
    let c = run.report.counts.entry(kind).or_default();
    match outcome {
        Upsert::Inserted(_) => c.inserted += 1,
        Upsert::Updated { .. } => c.updated += 1,
        Upsert::Unchanged(_) => c.unchanged += 1,
        Upsert::Duplicate { .. } => {}
    }
    Ok(())
}
