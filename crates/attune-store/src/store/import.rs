//! Bringing many records in at once (`attune import`): one transaction for
//! the whole file, so it lands completely or not at all, with prepared
//! statements reused for every row. A record whose content hash or id is
//! already in the journal is counted, not added again, so an import can be
//! repeated safely. A dry run does all the work and rolls it back, so the
//! preview's numbers are exactly what a real import would do.

use std::collections::{HashMap, HashSet};

use attune_core::assess::Taken;
use attune_core::pause::Pause;
use attune_core::plan::{Agreement, Need, TriggerPlan};
use attune_core::selfworth::{Activity, Affirmation, Supporter};
use attune_core::{Checkin, ContentHash, Entry, Label, LabelKind, RecordId, Slug};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::assess::insert_assessment;
use super::pause::insert_pause;
use super::plan::{insert_agreement, insert_need, write_trigger_plan};
use super::rows::{find_label, follow_merges, label_ids_cached, not_on_list};
use super::selfworth::{insert_activity, insert_affirmation, insert_supporter};
use super::write::{
    NewEntry, index_new_checkins, index_new_entries, insert_checkin_unindexed, insert_entries, insert_rows,
};
use super::{CACHE_KIB, Store, classify};
use crate::error::StoreError;

/// Everything one import brings. Entries and check-ins carry a content hash.
#[derive(Clone, Debug, Default)]
pub struct ImportBatch {
    /// Labels to create when missing (attune's own export carries its lists).
    pub labels: Vec<Label>,
    /// (content hash, entry).
    pub entries: Vec<(ContentHash, Entry)>,
    /// (content hash, check-in).
    pub checkins: Vec<(ContentHash, Checkin)>,
    /// Finished questionnaires.
    pub assessments: Vec<Taken>,
    /// Needs.
    pub needs: Vec<Need>,
    /// Trigger plans.
    pub trigger_plans: Vec<TriggerPlan>,
    /// Agreements with history.
    pub agreements: Vec<Agreement>,
    /// Pauses.
    pub pauses: Vec<Pause>,
    /// Activities.
    pub activities: Vec<Activity>,
    /// Supporters.
    pub supporters: Vec<Supporter>,
    /// Affirmations.
    pub affirmations: Vec<Affirmation>,
}

impl ImportBatch {
    /// How many recent entries' and check-ins' words core's safety check
    /// notices (core's `ImportSafety`: the last days, the most recent
    /// first; an import shows these counts, never a note per record).
    /// `now_ms`: Unix milliseconds.
    pub fn safety_count(&self, now_ms: i64) -> attune_core::safety::ImportSafety {
        use attune_core::safety::ImportSafety;
        let entries = self.entries.iter().map(|(_, e)| (e.occurred.unix_ms(), e.text_fields().to_vec()));
        let checkins = self.checkins.iter().map(|(_, c)| (c.at.unix_ms(), vec![c.note.as_str()]));
        let mut recent: Vec<(i64, Vec<&str>)> =
            entries.chain(checkins).filter(|(at, _)| ImportSafety::is_recent(*at, now_ms)).collect();
        recent.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        recent.truncate(ImportSafety::MAX_READ);
        ImportSafety::count(recent.iter().map(|(_, t)| t.as_slice()))
    }
}

/// How many records were added, per kind, and how many were there already.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    /// New labels.
    pub labels: usize,
    /// New entries.
    pub entries: usize,
    /// New check-ins.
    pub checkins: usize,
    /// New questionnaire results.
    pub assessments: usize,
    /// New needs.
    pub needs: usize,
    /// New trigger plans.
    pub trigger_plans: usize,
    /// New agreements.
    pub agreements: usize,
    /// New pauses.
    pub pauses: usize,
    /// New activities.
    pub activities: usize,
    /// New supporters.
    pub supporters: usize,
    /// New affirmations.
    pub affirmations: usize,
    /// Records already in the journal (same content or same id), left as they were.
    pub already_there: usize,
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool, StoreError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)");
    Ok(conn.prepare_cached(&sql)?.query_row([id], |r| r.get(0))?)
}

/// Import hashes per INSERT.
const HASHES_PER_STATEMENT: usize = 64;

/// Entries written together (and how often progress is told).
const WRITE_RUN: usize = 1024;

/// The page cache while importing, in KiB (the everyday one is [`CACHE_KIB`]).
const IMPORT_CACHE_KIB: i64 = 512 * 1024;

/// FTS5's buffer of pending terms (its `hashsize`): the default, and the
/// one used while importing. Past it the terms are written out, so the
/// memory stays bounded for a file of any size.
const FTS_BUFFER: i64 = 1024 * 1024;
const IMPORT_FTS_BUFFER: i64 = 64 * 1024 * 1024;

fn set_fts_buffer(conn: &Connection, bytes: i64) -> Result<(), StoreError> {
    conn.execute("INSERT INTO entries_fts (entries_fts, rank) VALUES ('hashsize', ?1)", [bytes])?;
    Ok(())
}

const HASH_KNOWN: &str = "SELECT EXISTS (SELECT 1 FROM import_hashes WHERE hash = ?1)";

fn hash_known(conn: &Connection, hash: &ContentHash) -> Result<bool, StoreError> {
    Ok(conn.prepare_cached(HASH_KNOWN)?.query_row([&hash.0[..]], |r| r.get(0))?)
}

impl Store {
    /// Imports a batch in one transaction (all or nothing). `progress` is
    /// told how many entries and check-ins are done, now and then. With
    /// `dry_run` everything is checked and counted, then rolled back.
    pub fn import(
        &mut self,
        batch: &ImportBatch,
        dry_run: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportCounts, StoreError> {
        self.import_parts(&mut std::iter::once(Ok::<_, StoreError>(batch)), dry_run, progress)
    }

    /// Imports a batch that arrives in parts, still in one transaction: a
    /// big file can be read on another thread while this one writes what is
    /// ready. A part that is an error ends the import with that error, and
    /// nothing of it is kept. Otherwise as [`Store::import`].
    pub fn import_parts<B, E>(
        &mut self,
        parts: &mut dyn Iterator<Item = Result<B, E>>,
        dry_run: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportCounts, E>
    where
        B: std::borrow::Borrow<ImportBatch>,
        E: From<StoreError>,
    {
        // A big file's one transaction dirties far more pages than the
        // everyday cache holds. Pages pushed out of it mid-transaction are
        // encrypted into the WAL, then read back, decrypted, changed and
        // written again at commit. SQLite takes the memory only as pages are
        // touched, so a small import stays small.
        let cache = |conn: &Connection, kib: i64| conn.execute_batch(&format!("PRAGMA cache_size = -{kib};"));
        let r = match cache(&self.conn, IMPORT_CACHE_KIB) {
            Ok(()) => self.import_in_one_transaction(parts, dry_run, progress),
            Err(e) => Err(e.into()),
        };
        let restored = cache(&self.conn, CACHE_KIB);
        let r = r.and_then(|n| restored.map(|()| n).map_err(Failed::from));
        r.map_err(|failed| match failed {
            Failed::Part(e) => e,
            Failed::Store(e) => E::from(classify(e, &self.dir)),
        })
    }

    /// The import itself, in one transaction: committed, or rolled back
    /// for a dry run or at the first error.
    fn import_in_one_transaction<B: std::borrow::Borrow<ImportBatch>, E>(
        &mut self,
        parts: &mut dyn Iterator<Item = Result<B, E>>,
        dry_run: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportCounts, Failed<E>> {
        let tx = self.write_tx()?;
        let mut import = Importer::new(&tx)?;
        for part in parts {
            // An error drops `tx` unfinished: SQLite rolls everything back.
            import.part(&tx, part.map_err(Failed::Part)?.borrow(), progress)?;
        }
        import.finish(&tx, progress)?;
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(import.n)
    }
}

/// Why an import in parts stopped: a part could not be made, or the store failed.
enum Failed<E> {
    Part(E),
    Store(StoreError),
}

impl<E, T: Into<StoreError>> From<T> for Failed<E> {
    fn from(e: T) -> Self {
        Failed::Store(e.into())
    }
}

/// One import's progress through its parts, inside its transaction.
#[derive(Default)]
struct Importer {
    n: ImportCounts,
    done: usize,
    /// What the journal held when the import began. A table that was empty
    /// then can only know what this import added, which the sets below
    /// tell without a query (into a new journal, two queries per record).
    before: Before,
    /// Label ids by slug, looked up once each.
    triggers: HashMap<Slug, i64>,
    feelings: HashMap<Slug, i64>,
    first_entry: Option<i64>,
    first_checkin: Option<i64>,
    /// (hash, record id) of the records added. Hashes are written after the
    /// records, sorted: in file order they would land all over their
    /// table, splitting pages everywhere.
    new_hashes: Vec<(ContentHash, RecordId)>,
    /// Every hash met so far, to find a record repeated within the file.
    seen: HashSet<ContentHash>,
    /// The ids of the entries and check-ins added.
    entry_ids: HashSet<RecordId>,
    checkin_ids: HashSet<RecordId>,
}

/// Whether each table had rows when the import began.
#[derive(Default)]
struct Before {
    hashes: bool,
    entries: bool,
    checkins: bool,
}

impl Importer {
    fn new(tx: &Connection) -> Result<Self, StoreError> {
        let before = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM import_hashes), EXISTS (SELECT 1 FROM entries), \
             EXISTS (SELECT 1 FROM checkins)",
            [],
            |r| Ok(Before { hashes: r.get(0)?, entries: r.get(1)?, checkins: r.get(2)? }),
        )?;
        Ok(Self { before, ..Self::default() })
    }

    fn part(
        &mut self,
        tx: &Connection,
        batch: &ImportBatch,
        progress: &mut dyn FnMut(usize),
    ) -> Result<(), StoreError> {
        self.seen.reserve(batch.entries.len() + batch.checkins.len());
        self.entry_ids.reserve(batch.entries.len());
        self.new_hashes.reserve(batch.entries.len() + batch.checkins.len());
        let n = &mut self.n;
        let before = &self.before;
        import_labels(tx, &batch.labels, n)?;
        {
            let mut hash_known = tx.prepare_cached(HASH_KNOWN)?;
            let mut id_known = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM entries WHERE id = ?1)")?;
            // Written a run at a time, many rows per statement.
            let mut run = Vec::with_capacity(WRITE_RUN);
            for (hash, e) in &batch.entries {
                if !self.seen.insert(*hash)
                    || (before.hashes && hash_known.query_row([&hash.0[..]], |r| r.get::<_, bool>(0))?)
                    || self.entry_ids.contains(&e.id)
                    || (before.entries && id_known.query_row([e.id.to_string()], |r| r.get::<_, bool>(0))?)
                {
                    n.already_there += 1;
                } else {
                    let triggers = label_ids_cached(tx, LabelKind::Trigger, &e.triggers, &mut self.triggers)?;
                    let feelings = label_ids_cached(tx, LabelKind::Feeling, &e.feelings, &mut self.feelings)?;
                    run.push(NewEntry { entry: e, triggers, feelings });
                    self.entry_ids.insert(e.id);
                    self.new_hashes.push((*hash, e.id));
                    n.entries += 1;
                }
                self.done += 1;
                if run.len() == WRITE_RUN {
                    self.first_entry.get_or_insert(insert_entries(tx, &run)?);
                    run.clear();
                    progress(self.done);
                }
            }
            if !run.is_empty() {
                self.first_entry.get_or_insert(insert_entries(tx, &run)?);
            }
        }
        for (hash, c) in &batch.checkins {
            if !self.seen.insert(*hash)
                || (before.hashes && hash_known(tx, hash)?)
                || self.checkin_ids.contains(&c.id)
                || (before.checkins && exists(tx, "checkins", &c.id.to_string())?)
            {
                n.already_there += 1;
            } else {
                let seq = insert_checkin_unindexed(tx, c)?;
                self.first_checkin.get_or_insert(seq);
                self.checkin_ids.insert(c.id);
                self.new_hashes.push((*hash, c.id));
                n.checkins += 1;
            }
            self.done += 1;
            if self.done.is_multiple_of(1024) {
                progress(self.done);
            }
        }
        import_rest(tx, batch, n)
    }

    /// The hashes and search rows of everything added, once all parts are in.
    fn finish(&mut self, tx: &Connection, progress: &mut dyn FnMut(usize)) -> Result<(), StoreError> {
        self.new_hashes.sort_unstable();
        let head = "INSERT OR IGNORE INTO import_hashes (hash, record_id)";
        insert_rows(tx, head, 2, HASHES_PER_STATEMENT, &self.new_hashes, |stmt, first, (hash, id)| {
            stmt.raw_bind_parameter(first, &hash.0[..])?;
            stmt.raw_bind_parameter(first + 1, &id.as_uuid().as_bytes()[..])
        })?;
        // Search rows last, all at once (see `index_new_entries`), gathered
        // in a larger buffer: FTS5 writes its pending terms out as a new
        // segment whenever they pass 1 MiB, and merges those segments as it
        // goes, about a third of the indexing work for a big file. The
        // setting is stored in the table, so it is put back in the same
        // transaction.
        if let Some(from) = self.first_entry {
            set_fts_buffer(tx, IMPORT_FTS_BUFFER)?;
            index_new_entries(tx, from)?;
            set_fts_buffer(tx, FTS_BUFFER)?;
        }
        if let Some(from) = self.first_checkin {
            index_new_checkins(tx, from)?;
        }
        progress(self.done);
        Ok(())
    }
}

/// Whether nothing in the journal uses its lists yet (a new journal).
fn lists_unused(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM entries) AND NOT EXISTS (SELECT 1 FROM checkins) \
         AND NOT EXISTS (SELECT 1 FROM trigger_plans)",
        [],
        |r| r.get(0),
    )?)
}

fn import_labels(conn: &Connection, labels: &[Label], n: &mut ImportCounts) -> Result<(), StoreError> {
    // Into a new journal the export's lists replace the starting ones, so
    // renames, merges and their order come back exactly; otherwise missing
    // labels are added and the person's own lists stay as they are.
    let mut before = Vec::new();
    if !labels.is_empty() && lists_unused(conn)? {
        let mut stmt = conn.prepare_cached("SELECT kind, slug FROM labels")?;
        before =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?.collect::<Result<_, _>>()?;
        conn.execute("DELETE FROM labels", [])?;
    }
    for l in labels {
        if find_label(conn, l.kind, &l.slug)?.is_none() {
            let known = before.iter().any(|(k, s)| k == l.kind.as_str() && s == l.slug.as_str());
            conn.prepare_cached("INSERT INTO labels (kind, slug, name, retired) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![l.kind.as_str(), l.slug.as_str(), l.name, l.retired])?;
            n.labels += usize::from(!known);
        }
    }
    // Merges second: the label merged into may come later in the list.
    for l in labels {
        let Some(into) = &l.merged_into else { continue };
        let (Some(from), Some(target)) = (find_label(conn, l.kind, &l.slug)?, find_label(conn, l.kind, into)?) else {
            return Err(not_on_list(l.kind, into));
        };
        if from.merged_into.is_none() && from.id != target.id {
            conn.prepare_cached("UPDATE labels SET merged_into = ?2, retired = 1 WHERE id = ?1")?
                .execute(params![from.id, target.id])?;
        }
    }
    Ok(())
}

/// Adds each of `items` that `taken` does not find in the journal, counting
/// it in `added`; the others count as already there.
fn add_missing<T, R>(
    conn: &Connection,
    items: &[T],
    taken: impl Fn(&Connection, &T) -> Result<bool, StoreError>,
    insert: impl Fn(&Connection, &T) -> Result<R, StoreError>,
    added: &mut usize,
    already_there: &mut usize,
) -> Result<(), StoreError> {
    for item in items {
        if taken(conn, item)? {
            *already_there += 1;
        } else {
            insert(conn, item)?;
            *added += 1;
        }
    }
    Ok(())
}

/// Whether a record with the id of `item` is in `table`.
fn by_id<T>(table: &'static str, id: fn(&T) -> RecordId) -> impl Fn(&Connection, &T) -> Result<bool, StoreError> {
    move |conn, item| exists(conn, table, &id(item).to_string())
}

/// Everything besides entries and check-ins (attune's own export). Records
/// are matched by id; a need also by its name, a plan by its trigger.
fn import_rest(conn: &Connection, b: &ImportBatch, n: &mut ImportCounts) -> Result<(), StoreError> {
    let same = &mut n.already_there;
    add_missing(
        conn,
        &b.assessments,
        by_id("assessments", |t: &Taken| t.id),
        insert_assessment,
        &mut n.assessments,
        same,
    )?;
    let need_taken = |c: &Connection, need: &Need| -> Result<bool, StoreError> {
        Ok(c.prepare_cached("SELECT EXISTS (SELECT 1 FROM needs WHERE id = ?1 OR slug = ?2)")?
            .query_row(params![need.id.to_string(), need.slug.as_str()], |r| r.get(0))?)
    };
    add_missing(conn, &b.needs, need_taken, insert_need, &mut n.needs, same)?;
    for plan in &b.trigger_plans {
        let slug = &plan.trigger.slug;
        let row = find_label(conn, LabelKind::Trigger, slug)?.ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
        let label_id = follow_merges(conn, row.id)?;
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM trigger_plans WHERE id = ?1 OR label_id = ?2)",
            params![plan.id.to_string(), label_id],
            |r| r.get(0),
        )?;
        if taken {
            *same += 1;
        } else {
            write_trigger_plan(conn, label_id, &plan.id.to_string(), plan)?;
            n.trigger_plans += 1;
        }
    }
    add_missing(
        conn,
        &b.agreements,
        by_id("agreements", |a: &Agreement| a.id),
        insert_agreement,
        &mut n.agreements,
        same,
    )?;
    add_missing(conn, &b.pauses, by_id("pauses", |p: &Pause| p.id), insert_pause, &mut n.pauses, same)?;
    add_missing(
        conn,
        &b.activities,
        by_id("activities", |a: &Activity| a.id),
        insert_activity,
        &mut n.activities,
        same,
    )?;
    add_missing(
        conn,
        &b.supporters,
        by_id("supporters", |s: &Supporter| s.id),
        insert_supporter,
        &mut n.supporters,
        same,
    )?;
    let affirmation_taken = |c: &Connection, a: &Affirmation| -> Result<bool, StoreError> {
        Ok(c.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM affirmations WHERE id = ?1 OR (?2 IS NOT NULL AND suggestion = ?2))",
        )?
        .query_row(params![a.id.to_string(), a.suggestion], |r| r.get(0))?)
    };
    // A suggestion not reworded keeps no text of its own: it follows the content.
    let insert = |c: &Connection, a: &Affirmation| {
        insert_affirmation(c, a, a.own.then_some(a.text.as_str()), i64::from(a.shown))
    };
    add_missing(conn, &b.affirmations, affirmation_taken, insert, &mut n.affirmations, same)?;
    Ok(())
}
