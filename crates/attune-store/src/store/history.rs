//! Whole stretches of history at once, for statistics (`attune insights`
//! and the web app's Insights page): every live entry or check-in in a time
//! range, read in a few set-based queries instead of per-record lookups, so
//! years of notes load in tens of milliseconds. Entries are read as the
//! insights' lean [`Facts`]: only the columns they count, labels and zone
//! names as numbers, no allocation per entry.

use attune_core::insights::{EntryFacts, Facts};
use attune_core::{Checkin, Intensity, Slug};
use jiff::Timestamp;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::Store;
use super::open::open_connection;
use super::rows::{CHECKIN_COLS, CheckinRow, mask, query_checkins, record_id, slug_from_db};
use super::write::{index_new_checkins, insert_checkin_unindexed};
use crate::error::StoreError;

/// The range as SQL (`column >= ?1 AND column <= ?2`, either part optional)
/// and its parameters.
fn range_sql(column: &str, since: Option<Timestamp>, until: Option<Timestamp>) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut values = Vec::new();
    if let Some(since) = since {
        values.push(Value::Integer(since.as_millisecond()));
        sql.push_str(&format!(" AND {column} >= ?{}", values.len()));
    }
    if let Some(until) = until {
        values.push(Value::Integer(until.as_millisecond()));
        sql.push_str(&format!(" AND {column} <= ?{}", values.len()));
    }
    (sql, values)
}

impl Store {
    /// Live entries that occurred in `[since, until]` (either end open),
    /// oldest first, **for statistics**, with their numbers (`seqs[i]` is
    /// `facts.entries[i]`'s). Only what the insights count is read: time,
    /// offset and zone, intensity, labels, signs and sources, and the id
    /// (examples name it); never the words, tags or star. Read a full entry
    /// with [`Store::entry`] when its words are needed (an example to show).
    ///
    /// A long history is split into stretches of time read on several
    /// connections at once.
    pub fn entry_facts(
        &self,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    ) -> Result<(Vec<i64>, Facts), StoreError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.reading(|conn| entry_facts(conn, self, since, until, ENTRIES_PER_THREAD, cores.clamp(1, MAX_THREADS)))
    }

    /// Live check-ins made in `[since, until]` (either end open), oldest first,
    /// with every field.
    pub fn checkins_between(
        &self,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    ) -> Result<Vec<CheckinRow>, StoreError> {
        let (range, values) = range_sql("c.at_ms", since, until);
        let sql =
            format!("SELECT {CHECKIN_COLS} FROM checkins c WHERE c.deleted_at IS NULL{range} ORDER BY c.at_ms, c.seq");
        self.reading(|conn| query_checkins(conn, &sql, &values))
    }

    /// Saves many check-ins in one transaction, without undo records. For
    /// benches, tests and bulk imports; returns the new numbers in order.
    #[doc(hidden)]
    pub fn bulk_insert_checkins(&mut self, checkins: &[Checkin]) -> Result<Vec<i64>, StoreError> {
        self.writing(|tx| {
            let mut seqs = Vec::with_capacity(checkins.len());
            for c in checkins {
                seqs.push(insert_checkin_unindexed(tx, c)?);
            }
            if let Some(from) = seqs.first() {
                index_new_checkins(tx, *from)?;
            }
            Ok(seqs)
        })
    }

    /// A read connection besides the store's own: a kept one, or a new one.
    /// Give it back with [`Store::return_reader`] to keep it warm.
    fn take_reader(&self) -> Result<rusqlite::Connection, StoreError> {
        let kept = self.readers.lock().map_or(None, |mut r| r.pop());
        match kept {
            Some(conn) => Ok(conn),
            None => open_connection(&self.db, self.key.as_ref(), false),
        }
    }

    fn return_reader(&self, conn: rusqlite::Connection) {
        if let Ok(mut kept) = self.readers.lock() {
            kept.push(conn);
        }
    }
}

/// A text column's value as `&str` (a wrong type is a decode error).
fn text(v: ValueRef<'_>) -> Result<Option<&str>, StoreError> {
    v.as_str_or_null().map_err(|e| StoreError::Decode(e.to_string()))
}

/// Below this many entries one thread reads them all; above, the range is
/// split in time and read on several connections at once.
const ENTRIES_PER_THREAD: usize = 10_000;
/// The most threads used.
const MAX_THREADS: usize = 8;
/// The most entries room is made for up front (the estimate can be high;
/// beyond this the list grows as it is read).
const MAX_RESERVE: usize = 1 << 18;

/// The labels: ids sorted, whether each is a trigger, and their slugs (the
/// positions that [`Facts`] name them by).
struct Labels {
    ids: Vec<i64>,
    trigger: Vec<bool>,
    slugs: Vec<Slug>,
}

/// One stretch: entry numbers, and the facts without the label list.
type Part = (Vec<i64>, Facts);

/// The facts read on `conn` and, for a long history, on readers `store`
/// lends (see [`Store::take_reader`]).
fn entry_facts(
    conn: &Connection,
    store: &Store,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    per_thread: usize,
    threads: usize,
) -> Result<(Vec<i64>, Facts), StoreError> {
    // Tens of labels: sorted by id, found by binary search.
    let mut labels = Labels { ids: Vec::new(), trigger: Vec::new(), slugs: Vec::new() };
    let mut stmt = conn.prepare_cached("SELECT id, kind, slug FROM labels ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        labels.ids.push(r.get(0)?);
        labels.trigger.push(text(r.get_ref(1)?)? == Some("trigger"));
        labels.slugs.push(slug_from_db(r.get(2)?)?);
    }

    // The first and last entry of the stretch: two lookups at the ends of
    // the index. Numbers mostly follow time, so the distance between their
    // numbers estimates how many lie between (only used to plan the read).
    let (range, values) = range_sql("e.occurred_ms", since, until);
    let end = |direction: &str| -> Result<Option<(i64, i64)>, StoreError> {
        let sql = format!(
            "SELECT e.occurred_ms, e.seq FROM entries e INDEXED BY entries_stats WHERE e.deleted_at IS NULL{range} \
             ORDER BY e.occurred_ms {direction}, e.seq {direction} LIMIT 1"
        );
        Ok(conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values.iter()), |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    };
    let (Some((first, first_seq)), Some((last, last_seq))) = (end("ASC")?, end("DESC")?) else {
        return Ok((Vec::new(), Facts { labels: labels.slugs, ..Facts::default() }));
    };
    let count = usize::try_from(last_seq.abs_diff(first_seq)).unwrap_or(usize::MAX).saturating_add(1);
    let parts = (count / per_thread.max(1)).clamp(1, threads.max(1));
    if parts == 1 {
        let (seqs, mut facts) = read_part(conn, &labels, first, last, true, count.min(MAX_RESERVE))?;
        facts.labels = labels.slugs;
        return Ok((seqs, facts));
    }

    // Equal stretches of time, each on its own connection; the first on
    // this one. Concatenated in order, they are in time order. The
    // stretches do not overlap, so no entry is read twice; a save by another
    // process while they are read shows up in its stretch or not at all,
    // which is as good as reading a moment earlier or later.
    let span = i128::from(last) - i128::from(first);
    let bound = |i: usize| {
        i64::try_from(i128::from(first) + span * i128::try_from(i).unwrap_or(0) / parts as i128).unwrap_or(last)
    };
    let shared = &labels;
    let each = (count / parts + count / 10).min(MAX_RESERVE);
    let readers = (1..parts).map(|_| store.take_reader()).collect::<Result<Vec<_>, _>>()?;
    let results: Vec<Result<Part, StoreError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..parts)
            .zip(readers)
            .map(|(i, reader)| {
                scope.spawn(move || {
                    let part = read_part(&reader, shared, bound(i), bound(i + 1), i + 1 == parts, each);
                    (reader, part)
                })
            })
            .collect();
        // The first part's lists have room for all, so only the later parts are copied.
        let mut results = vec![read_part(conn, shared, bound(0), bound(1), false, count.min(MAX_RESERVE))];
        for h in handles {
            results.push(match h.join() {
                Ok((reader, part)) => {
                    store.return_reader(reader);
                    part
                }
                Err(_) => Err(StoreError::Decode("a reader thread failed".into())),
            });
        }
        results
    });
    let mut parts = results.into_iter();
    let (mut seqs, mut facts) = parts.next().unwrap_or_else(|| Ok((Vec::new(), Facts::default())))?;
    for part in parts {
        let (s, f) = part?;
        seqs.extend(s);
        // Each part numbered its own zones and runs from 0: shift them.
        let zones: Vec<u32> = f
            .zones
            .into_iter()
            .map(|z| {
                let at = facts.zones.iter().position(|k| *k == z).unwrap_or_else(|| {
                    facts.zones.push(z);
                    facts.zones.len() - 1
                });
                u32::try_from(at).unwrap_or(u32::MAX)
            })
            .collect();
        let offset = u32::try_from(facts.runs.len()).map_err(|_| StoreError::Decode("too many labels".into()))?;
        facts.runs.extend(f.runs);
        facts.entries.extend(f.entries.into_iter().map(|mut e| {
            e.zone = e.zone.and_then(|z| zones.get(z as usize).copied());
            e.start += offset;
            e
        }));
    }
    facts.labels = labels.slugs;
    Ok((seqs, facts))
}

/// An integer column (a wrong type is a decode error).
fn int(v: ValueRef<'_>) -> Result<i64, StoreError> {
    v.as_i64().map_err(|e| StoreError::Decode(e.to_string()))
}

/// Live entries with `from <= occurred_ms < to` (`<= to` when `last`), in
/// time order from the covering index (migrations `STATS_INDEX`, `LABEL_LISTS`): the
/// table's rows, and so their texts, are never read. The facts' label list
/// is left empty (the caller has it).
fn read_part(
    conn: &Connection,
    labels: &Labels,
    from: i64,
    to: i64,
    last: bool,
    capacity: usize,
) -> Result<Part, StoreError> {
    let mut stmt = conn.prepare_cached(&stats_sql(if last { "<=" } else { "<" }))?;
    let mut rows = stmt.query(params![from, to])?;
    let mut seqs: Vec<i64> = Vec::with_capacity(capacity);
    let mut facts = Facts { entries: Vec::with_capacity(capacity), ..Facts::default() };
    let too_many = || StoreError::Decode("an entry has too many labels".into());
    let mut found: Vec<usize> = Vec::new();
    while let Some(r) = rows.next()? {
        let ms = int(r.get_ref(2)?)?;
        let at = Timestamp::from_millisecond(ms).map_err(|e| StoreError::Decode(format!("time {ms}: {e}")))?;
        let offset = int(r.get_ref(3)?)?;
        let offset_seconds = i32::try_from(offset).map_err(|_| StoreError::Decode(format!("offset {offset}")))?;
        // A handful of zone names: found by comparing, not allocated per entry.
        let zone = match text(r.get_ref(4)?)? {
            None => None,
            Some(z) => Some(match facts.zones.iter().position(|k| k == z) {
                Some(at) => at,
                None => {
                    facts.zones.push(z.to_string());
                    facts.zones.len() - 1
                }
            }),
        };
        let intensity = match r.get_ref(5)? {
            ValueRef::Null => None,
            v => {
                let v = int(v)?;
                Some(Intensity::new(v).ok_or_else(|| StoreError::Decode(format!("intensity {v}")))?)
            }
        };
        // The labels (migration `LABEL_LISTS`): ids in order of position,
        // then id; this entry's run is its triggers, then its feelings,
        // each in that order.
        let start = u32::try_from(facts.runs.len()).map_err(|_| too_many())?;
        let list = text(r.get_ref(8)?)?.unwrap_or_default();
        found.clear();
        for id in list.split(',').filter(|p| !p.is_empty()) {
            let id: i64 = id.parse().map_err(|_| StoreError::Decode(format!("label list '{list}'")))?;
            let k = labels
                .ids
                .binary_search(&id)
                .map_err(|_| StoreError::Decode(format!("entry label {id} is missing")))?;
            found.push(k);
        }
        for want_trigger in [true, false] {
            for &k in &found {
                if labels.trigger[k] == want_trigger {
                    facts.runs.push(u32::try_from(k).map_err(|_| too_many())?);
                }
            }
        }
        let triggers = found.iter().filter(|&&k| labels.trigger[k]).count();
        seqs.push(int(r.get_ref(0)?)?);
        facts.entries.push(EntryFacts {
            id: record_id(text(r.get_ref(1)?)?.unwrap_or_default())?,
            at,
            offset_seconds,
            zone: zone.and_then(|z| u32::try_from(z).ok()),
            intensity,
            signs: mask(int(r.get_ref(6)?)?)?,
            sources: mask(int(r.get_ref(7)?)?)?,
            start,
            triggers: u16::try_from(triggers).map_err(|_| too_many())?,
            feelings: u16::try_from(found.len() - triggers).map_err(|_| too_many())?,
        });
    }
    Ok((seqs, facts))
}

/// The statistics read of one stretch (`?1 <= occurred_ms`, then `op ?2`).
fn stats_sql(op: &str) -> String {
    format!(
        "SELECT e.seq, e.id, e.occurred_ms, e.occurred_offset, e.occurred_zone, e.intensity, e.signs_mask, \
         e.sources_mask, e.label_list FROM entries e INDEXED BY entries_stats \
         WHERE e.deleted_at IS NULL AND e.occurred_ms >= ?1 AND e.occurred_ms {op} ?2 ORDER BY e.occurred_ms, e.seq"
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::keyfile::Protection;
    use crate::store::entries::EntryFilter;
    use attune_core::vocab::{Sign, Source};
    use attune_core::{CheckinDraft, Entry, LabelKind, Moment, RecordId};

    /// What the insights see of one entry, with labels by name.
    type View = (RecordId, Moment, Option<Intensity>, u32, u32, Vec<String>, Vec<String>);

    fn views(facts: &Facts) -> Vec<View> {
        let names = |ps: &[u32]| ps.iter().map(|p| facts.labels[*p as usize].as_str().to_string()).collect();
        facts
            .entries
            .iter()
            .map(|e| {
                let (t, f) = (names(facts.triggers(e)), names(facts.feelings(e)));
                (e.id, facts.occurred(e), e.intensity, e.signs, e.sources, t, f)
            })
            .collect()
    }

    fn moment_at(sec: i64) -> Moment {
        let mut m = Moment::with_offset(Timestamp::from_second(sec).unwrap(), 3600);
        if sec % 2 == 0 {
            m.zone = Some("Europe/Berlin".into());
        }
        m
    }

    fn entry(i: u64, sec: i64, triggers: &[&str], feelings: &[&str]) -> Entry {
        Entry {
            id: RecordId::from_uuid(uuid::Uuid::from_u64_pair(7, i)),
            occurred: moment_at(sec),
            recorded: moment_at(sec + 60),
            situation: format!("situation {i}"),
            triggers: triggers.iter().map(|t| Slug::from_name(t).unwrap()).collect(),
            thoughts: "thoughts".into(),
            fear: String::new(),
            feelings: feelings.iter().map(|t| Slug::from_name(t).unwrap()).collect(),
            intensity: Intensity::new(i64::try_from(i % 11).unwrap()),
            signs: vec![Sign::ALL[usize::try_from(i % 5).unwrap()]],
            sources: vec![Source::ALL[usize::try_from(i % 3).unwrap()]],
            helped: String::new(),
            tags: vec!["tag".into()],
            starred: i.is_multiple_of(2),
        }
    }

    fn checkin(i: u64, sec: i64) -> Checkin {
        CheckinDraft {
            security: Some(i64::try_from(i % 11).unwrap()),
            seen: Some(5),
            consequences: vec![("blame".into(), 2)],
            note: format!("note {i}"),
            ..Default::default()
        }
        .into_checkin(RecordId::from_uuid(uuid::Uuid::from_u64_pair(8, i)), moment_at(sec))
        .unwrap()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let (store, _) = Store::create(&tmp.path().join("j"), Protection::None).unwrap();
        (tmp, store)
    }

    #[test]
    fn stats_read_matches_the_full_read_without_the_words() {
        let (_tmp, mut store) = store();
        store.add_label(LabelKind::Trigger, "Zebra").unwrap();
        let entries = vec![
            entry(1, 1_700_000_000, &["zebra", "late-reply"], &["anxious", "sad"]),
            entry(2, 1_700_100_000, &["late-reply"], &[]),
            entry(3, 1_700_050_000, &[], &["hurt"]),
            entry(4, 1_700_200_000, &["cancelled-plan"], &["anxious"]),
        ];
        store.bulk_insert_entries(&entries).unwrap();
        store.delete_entry(4).unwrap();

        let (seqs, lean) = store.entry_facts(None, None).unwrap();
        let mut full = store.entries(&EntryFilter::default()).unwrap();
        full.reverse();
        // Oldest first, deleted left out, labels in the order given, zones kept.
        assert_eq!(seqs, vec![1, 3, 2]);
        assert_eq!(full.iter().map(|r| r.seq).collect::<Vec<_>>(), seqs);
        let full: Vec<Entry> = full.into_iter().map(|r| r.item).collect();
        assert_eq!(views(&lean), views(&Facts::from_entries(&full)));
        assert_eq!(views(&lean)[0].5, ["zebra", "late-reply"]);
        assert_eq!(views(&lean)[0].6, ["anxious", "sad"]);
        assert_eq!(lean.zones, ["Europe/Berlin"]);

        let since = Timestamp::from_second(1_700_040_000).unwrap();
        let until = Timestamp::from_second(1_700_100_000).unwrap();
        let (some, _) = store.entry_facts(Some(since), Some(until)).unwrap();
        assert_eq!(some, vec![3, 2], "both ends inclusive");
        assert!(store.entry_facts(Some(until), Some(since)).unwrap().0.is_empty());
    }

    #[test]
    fn the_stats_read_uses_only_the_covering_index() {
        let (_tmp, store) = store();
        for op in ["<", "<="] {
            let sql = stats_sql(op);
            let plan: Vec<String> = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(params![1, 2], |r| r.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(plan.len(), 1, "{plan:?}");
            assert!(plan[0].contains("COVERING INDEX entries_stats"), "{sql}: {plan:?}");
        }
    }

    /// Many entries are read in parts on several connections; the result
    /// is the same as reading them in one go.
    #[test]
    fn a_big_history_read_in_parts_is_whole_and_in_order() {
        let (_tmp, mut store) = store();
        let n = 1007;
        let entries: Vec<Entry> = (0..n)
            .map(|i| {
                // Mostly in time order (as numbers are), with every tenth
                // written later about an earlier moment, and ties.
                let i_sec = i64::try_from(i).unwrap();
                let sec = 1_600_000_000 + if i % 10 == 0 { i_sec / 2 * 30 } else { i_sec * 30 };
                entry(i, sec, &["late-reply"], if i % 3 == 0 { &["anxious", "sad"] } else { &[] })
            })
            .collect();
        store.bulk_insert_entries(&entries).unwrap();
        let (seqs, all) = entry_facts(&store.conn, &store, None, None, 100, 4).unwrap();
        let (one_seqs, one) = entry_facts(&store.conn, &store, None, None, 100_000, 1).unwrap();
        assert_eq!((&seqs, views(&all)), (&one_seqs, views(&one)), "parts put together read as one");
        assert_eq!((seqs.clone(), views(&all)), {
            let (s, f) = store.entry_facts(None, None).unwrap();
            (s, views(&f))
        });
        assert_eq!(all.entries.len(), entries.len());
        let keys: Vec<(i64, i64)> = all.entries.iter().zip(&seqs).map(|(e, s)| (e.at.as_millisecond(), *s)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "in time order");
        let mut unique = seqs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), entries.len(), "each entry once");
        let expected = views(&Facts::from_entries(&entries));
        for (seq, view) in seqs.iter().zip(views(&all)) {
            let i = usize::try_from(seq - 1).unwrap();
            assert_eq!(view, expected[i]);
        }
        let since = Timestamp::from_second(1_600_000_000 + 30 * 500).unwrap();
        let (_, part) = entry_facts(&store.conn, &store, Some(since), None, 100, 3).unwrap();
        assert_eq!(part.entries.len(), all.entries.iter().filter(|e| e.at >= since).count());
    }

    /// The parts' connections are kept for the next read; what is saved in
    /// between (here, or by another process) is in that next read.
    #[test]
    fn kept_readers_see_what_was_saved_since() {
        let (tmp, mut store) = store();
        let at = |start: i64, i: u64| start + i64::try_from(i).unwrap() * 60;
        let early: Vec<Entry> = (0..400).map(|i| entry(i, at(1_600_000_000, i), &[], &[])).collect();
        store.bulk_insert_entries(&early).unwrap();
        let (first, _) = entry_facts(&store.conn, &store, None, None, 100, 3).unwrap();
        assert_eq!(first.len(), 400);
        assert_eq!(store.readers.lock().unwrap().len(), 2, "both extra readers kept");

        // Saved through this store, then through another one on the same files.
        let late = |i: u64| entry(i, at(1_700_000_000, i), &["late-reply"], &[]);
        store.bulk_insert_entries(&(400..450).map(late).collect::<Vec<_>>()).unwrap();
        let mut other = Store::open_plain(&tmp.path().join("j")).unwrap();
        other.bulk_insert_entries(&(450..500).map(late).collect::<Vec<_>>()).unwrap();
        drop(other);

        let (again, facts) = entry_facts(&store.conn, &store, None, None, 100, 3).unwrap();
        assert_eq!(again.len(), 500, "the kept readers read the new entries");
        assert_eq!(facts.entries.iter().filter(|e| e.at.as_second() >= 1_700_000_000).count(), 100);
        assert_eq!(store.readers.lock().unwrap().len(), 2, "and were kept again, not opened anew");
    }

    #[test]
    fn merged_labels_follow_the_merge() {
        let (_tmp, mut store) = store();
        store.bulk_insert_entries(&[entry(1, 1_700_000_000, &["late-reply"], &[])]).unwrap();
        let from = Slug::from_name("late-reply").unwrap();
        let into = Slug::from_name("partner-distant").unwrap();
        store.merge_label(LabelKind::Trigger, &from, &into).unwrap();
        let (_, lean) = store.entry_facts(None, None).unwrap();
        assert_eq!(views(&lean)[0].5, [into.as_str()]);
    }

    #[test]
    fn bulk_checkins_read_back_in_range_and_order() {
        let (_tmp, mut store) = store();
        let cs: Vec<Checkin> = (0..5).map(|i| checkin(i, 1_700_000_000 - i64::try_from(i).unwrap() * 86_400)).collect();
        let seqs = store.bulk_insert_checkins(&cs).unwrap();
        assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
        let logged = checkin(9, 1_600_000_000);
        store.insert_checkin(&logged).unwrap();
        let all = store.checkins_between(None, None).unwrap();
        assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![6, 5, 4, 3, 2, 1], "oldest first");
        assert_eq!(all[5].item, cs[0]);
        assert_eq!(store.checkin(1).unwrap().item, cs[0]);
        let since = Timestamp::from_second(1_700_000_000 - 2 * 86_400).unwrap();
        let some = store.checkins_between(Some(since), None).unwrap();
        assert_eq!(some.len(), 3);
        // Bulk check-ins are searchable like any other.
        assert_eq!(store.search("note", 10).unwrap().1, 6);
        // And leave nothing to undo.
        assert!(matches!(store.undo().unwrap(), Some(crate::store::undo::Undone::CheckinCreated(6))));
        assert!(store.undo().unwrap().is_none());
    }
}
