//! Whole stretches of history at once, for statistics (`attune insights`):
//! every live entry or check-in in a time range, read in a few set-based
//! queries instead of per-record lookups, so years of notes load in tens of
//! milliseconds.

use attune_core::vocab::from_mask;
use attune_core::{Checkin, Entry, Intensity, Sign, Slug, Source};
use jiff::Timestamp;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use crate::error::StoreError;
use crate::store::{
    CHECKIN_COLS, CheckinRow, Store, mask, moment, query_checkins, record_id, reindex_checkin, slug_from_db,
};

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
    /// `entries[i]`'s; two lists, so the entries can be handed on as one
    /// slice without copying). Identity, times, intensity, triggers,
    /// feelings, signs, sources and the star are read; the four free-text
    /// fields and the tags are left empty, because statistics never read them
    /// and they are most of the bytes. Read a full entry with
    /// [`Store::entry`] when its words are needed (an example to show).
    ///
    /// A long history is split into stretches of time read on several
    /// connections at once.
    pub fn entries_for_stats(
        &self,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    ) -> Result<(Vec<i64>, Vec<Entry>), StoreError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let r = entries_for_stats(self, since, until, ENTRIES_PER_THREAD, cores.clamp(1, MAX_THREADS));
        self.edge(r)
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
        self.edge(query_checkins(&self.conn, &sql, &values))
    }

    /// Saves many check-ins in one transaction, without undo records. For
    /// benches, tests and bulk imports; returns the new numbers in order.
    #[doc(hidden)]
    pub fn bulk_insert_checkins(&mut self, checkins: &[Checkin]) -> Result<Vec<i64>, StoreError> {
        let r = self.bulk_insert_checkins_inner(checkins);
        self.edge(r)
    }

    fn bulk_insert_checkins_inner(&mut self, checkins: &[Checkin]) -> Result<Vec<i64>, StoreError> {
        let tx = self.write_tx()?;
        let mut seqs = Vec::with_capacity(checkins.len());
        for c in checkins {
            let consequences = serde_json::to_string(&c.consequences).map_err(|e| StoreError::Decode(e.to_string()))?;
            tx.execute(
                "INSERT INTO checkins (id, at_ms, at_offset, at_zone, security, seen, trusted, respected, consequences, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    c.id.to_string(),
                    c.at.unix_ms(),
                    c.at.offset_seconds,
                    c.at.zone,
                    c.security,
                    c.seen,
                    c.trusted,
                    c.respected,
                    consequences,
                    c.note,
                ],
            )?;
            let seq = tx.last_insert_rowid();
            reindex_checkin(&tx, seq)?;
            seqs.push(seq);
        }
        tx.commit()?;
        Ok(seqs)
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

/// A label row: (id, is a trigger, slug), sorted by id.
type Labels = Vec<(i64, bool, Slug)>;

/// Entry numbers and entries, in the same order.
type Part = (Vec<i64>, Vec<Entry>);

fn entries_for_stats(
    store: &Store,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    per_thread: usize,
    threads: usize,
) -> Result<(Vec<i64>, Vec<Entry>), StoreError> {
    let conn = &store.conn;
    // Tens of labels: a sorted list, searched by id.
    let mut labels: Labels = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT id, kind, slug FROM labels ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        labels.push((r.get(0)?, text(r.get_ref(1)?)? == Some("trigger"), slug_from_db(r.get(2)?)?));
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
        return Ok((Vec::new(), Vec::new()));
    };
    let count = usize::try_from(last_seq.abs_diff(first_seq)).unwrap_or(usize::MAX).saturating_add(1);
    let parts = (count / per_thread.max(1)).clamp(1, threads.max(1));
    if parts == 1 {
        return read_part(conn, &labels, first, last, true, count.min(MAX_RESERVE));
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
    let db = store.dir.join(crate::DB_FILE);
    let key = store.key.as_ref();
    let labels = &labels;
    let each = (count / parts + count / 10).min(MAX_RESERVE);
    let results: Vec<Result<Part, StoreError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..parts)
            .map(|i| {
                let db = db.clone();
                scope.spawn(move || {
                    let conn = crate::store::open_connection(&db, key, false)?;
                    read_part(&conn, labels, bound(i), bound(i + 1), i + 1 == parts, each)
                })
            })
            .collect();
        // The first part's list has room for all, so only the later parts are copied.
        let mut results = vec![read_part(conn, labels, bound(0), bound(1), false, count.min(MAX_RESERVE))];
        for h in handles {
            results.push(h.join().unwrap_or_else(|_| Err(StoreError::Decode("a reader thread failed".into()))));
        }
        results
    });
    let mut parts = results.into_iter();
    let (mut seqs, mut entries) = parts.next().unwrap_or_else(|| Ok((Vec::new(), Vec::new())))?;
    for part in parts {
        let (s, e) = part?;
        seqs.extend(s);
        entries.extend(e);
    }
    Ok((seqs, entries))
}

/// Live entries with `from <= occurred_ms < to` (`<= to` when `last`), in
/// time order from the covering index (migration `STATS_INDEX`): the
/// table's rows, and so their texts, are never read.
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
    let mut out: Vec<Entry> = Vec::with_capacity(capacity);
    let zone = |v: ValueRef<'_>| -> Result<Option<String>, StoreError> { Ok(text(v)?.map(str::to_string)) };
    while let Some(r) = rows.next()? {
        let occurred = moment((r.get(2)?, r.get(3)?, zone(r.get_ref(4)?)?))?;
        let recorded = moment((r.get(5)?, r.get(6)?, zone(r.get_ref(7)?)?))?;
        let intensity = match r.get::<_, Option<i64>>(8)? {
            None => None,
            Some(v) => Some(Intensity::new(v).ok_or_else(|| StoreError::Decode(format!("intensity {v}")))?),
        };
        seqs.push(r.get(0)?);
        out.push(Entry {
            id: record_id(text(r.get_ref(1)?)?.unwrap_or_default())?,
            occurred,
            recorded,
            situation: String::new(),
            triggers: Vec::new(),
            thoughts: String::new(),
            fear: String::new(),
            feelings: Vec::new(),
            intensity,
            signs: from_mask(mask(r.get(9)?)?, Sign::ALL),
            sources: from_mask(mask(r.get(10)?)?, Source::ALL),
            helped: String::new(),
            tags: Vec::new(),
            starred: r.get(11)?,
        });
    }
    if out.is_empty() {
        return Ok((seqs, out));
    }

    // Labels: entries by number, walked in step with the label table's own
    // order (entry number first), so each row finds its entry without a
    // lookup. Only the numbers between the first and last entry are read.
    let mut by_seq: Vec<usize> = (0..out.len()).collect();
    by_seq.sort_unstable_by_key(|&i| seqs[i]);
    let lo = seqs[by_seq[0]];
    let hi = seqs[by_seq[by_seq.len() - 1]];
    let mut stmt = conn.prepare_cached(
        "SELECT entry_seq, position, label_id FROM entry_labels WHERE entry_seq BETWEEN ?1 AND ?2 \
         ORDER BY entry_seq",
    )?;
    let mut rows = stmt.query(params![lo, hi])?;
    let mut cursor = 0;
    let mut found: Vec<(i64, i64)> = Vec::new();
    let mut current: Option<usize> = None;
    let mut current_seq = i64::MIN;
    let attach = |at: Option<usize>, found: &mut Vec<(i64, i64)>, out: &mut Vec<Entry>| -> Result<(), StoreError> {
        if let Some(i) = at {
            found.sort_unstable();
            for &(_, label) in found.iter() {
                let (_, is_trigger, slug) = labels
                    .binary_search_by_key(&label, |l| l.0)
                    .ok()
                    .and_then(|k| labels.get(k))
                    .ok_or_else(|| StoreError::Decode(format!("entry label {label} is missing")))?;
                let e = &mut out[i];
                if *is_trigger { e.triggers.push(slug.clone()) } else { e.feelings.push(slug.clone()) }
            }
        }
        found.clear();
        Ok(())
    };
    while let Some(r) = rows.next()? {
        let (seq, position, label): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if seq != current_seq {
            attach(current, &mut found, &mut out)?;
            current_seq = seq;
            while cursor < by_seq.len() && seqs[by_seq[cursor]] < seq {
                cursor += 1;
            }
            current = by_seq.get(cursor).copied().filter(|&i| seqs[i] == seq);
        }
        if current.is_some() {
            found.push((position, label));
        }
    }
    attach(current, &mut found, &mut out)?;
    Ok((seqs, out))
}

/// The statistics read of one stretch (`?1 <= occurred_ms`, then `op ?2`).
fn stats_sql(op: &str) -> String {
    format!(
        "SELECT e.seq, e.id, e.occurred_ms, e.occurred_offset, e.occurred_zone, e.recorded_ms, e.recorded_offset, \
         e.recorded_zone, e.intensity, e.signs_mask, e.sources_mask, e.starred \
         FROM entries e INDEXED BY entries_stats \
         WHERE e.deleted_at IS NULL AND e.occurred_ms >= ?1 AND e.occurred_ms {op} ?2 ORDER BY e.occurred_ms, e.seq"
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::keyfile::Protection;
    use crate::store::EntryFilter;
    use attune_core::{CheckinDraft, LabelKind, Moment, RecordId};

    fn moment_at(sec: i64) -> Moment {
        Moment::with_offset(Timestamp::from_second(sec).unwrap(), 3600)
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
            sources: vec![],
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

        let (seqs, lean) = store.entries_for_stats(None, None).unwrap();
        let mut full = store.entries(&EntryFilter::default()).unwrap();
        full.reverse();
        // Oldest first, deleted left out, labels in the order given.
        assert_eq!(seqs, vec![1, 3, 2]);
        for ((seq, l), f) in seqs.iter().zip(&lean).zip(&full) {
            let mut expected = f.entry.clone();
            expected.situation.clear();
            expected.thoughts.clear();
            expected.fear.clear();
            expected.helped.clear();
            expected.tags.clear();
            assert_eq!(*seq, f.seq);
            assert_eq!(*l, expected);
        }
        assert_eq!(lean[0].triggers[0].as_str(), "zebra");

        let since = Timestamp::from_second(1_700_040_000).unwrap();
        let until = Timestamp::from_second(1_700_100_000).unwrap();
        let (some, _) = store.entries_for_stats(Some(since), Some(until)).unwrap();
        assert_eq!(some, vec![3, 2], "both ends inclusive");
        assert!(store.entries_for_stats(Some(until), Some(since)).unwrap().0.is_empty());
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
        let (seqs, all) = entries_for_stats(&store, None, None, 100, 4).unwrap();
        assert_eq!((seqs.clone(), all.clone()), store.entries_for_stats(None, None).unwrap());
        assert_eq!(all.len(), entries.len());
        let keys: Vec<(i64, i64)> = all.iter().zip(&seqs).map(|(e, s)| (e.occurred.unix_ms(), *s)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "in time order");
        let mut unique = seqs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), entries.len(), "each entry once");
        for (seq, e) in seqs.iter().zip(&all) {
            let i = usize::try_from(seq - 1).unwrap();
            assert_eq!(e.id, entries[i].id);
            assert_eq!(e.triggers, entries[i].triggers);
            assert_eq!(e.feelings, entries[i].feelings);
        }
        let since = Timestamp::from_second(1_600_000_000 + 30 * 500).unwrap();
        let (_, part) = entries_for_stats(&store, Some(since), None, 100, 3).unwrap();
        assert_eq!(part.len(), all.iter().filter(|e| e.occurred.at >= since).count());
    }

    #[test]
    fn merged_labels_follow_the_merge() {
        let (_tmp, mut store) = store();
        store.bulk_insert_entries(&[entry(1, 1_700_000_000, &["late-reply"], &[])]).unwrap();
        let from = Slug::from_name("late-reply").unwrap();
        let into = Slug::from_name("partner-distant").unwrap();
        store.merge_label(LabelKind::Trigger, &from, &into).unwrap();
        let (_, lean) = store.entries_for_stats(None, None).unwrap();
        assert_eq!(lean[0].triggers, vec![into]);
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
        assert_eq!(all[5].checkin, cs[0]);
        assert_eq!(store.checkin(1).unwrap().checkin, cs[0]);
        let since = Timestamp::from_second(1_700_000_000 - 2 * 86_400).unwrap();
        let some = store.checkins_between(Some(since), None).unwrap();
        assert_eq!(some.len(), 3);
        // Bulk check-ins are searchable like any other.
        assert_eq!(store.search("note", 10).unwrap().1, 6);
        // And leave nothing to undo.
        assert!(matches!(store.undo().unwrap(), Some(crate::store::Undone::CheckinCreated(6))));
        assert!(store.undo().unwrap().is_none());
    }
}
