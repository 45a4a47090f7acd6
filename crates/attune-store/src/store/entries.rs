//! Entries: saving, editing, deleting and listing them, and their free tags.

use std::collections::HashMap;

use attune_core::vocab::to_mask;
use attune_core::{Entry, LabelKind, Sign, Slug, Source};
use jiff::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::Store;
use super::rows::{ENTRY_COLS, EntryRow, RawEntry, all_lists, label_ids, query_entries, read_entry};
use super::undo::{log_action, snapshot};
use super::write::{insert_entry_row, reindex_entry, soft_delete, write_entry_fields, write_entry_lists};
use crate::error::StoreError;

/// Which entries to list. Empty lists mean "any"; all set conditions must hold
/// (several triggers: an entry with any of them).
#[derive(Clone, Debug, Default)]
pub struct EntryFilter {
    /// Occurred at or after.
    pub since: Option<Timestamp>,
    /// Occurred at or before.
    pub until: Option<Timestamp>,
    /// Any of these triggers.
    pub triggers: Vec<Slug>,
    /// Any of these feelings.
    pub feelings: Vec<Slug>,
    /// Any of these signs.
    pub signs: Vec<Sign>,
    /// Any of these sources.
    pub sources: Vec<Source>,
    /// Any of these tags.
    pub tags: Vec<String>,
    /// Intensity at least this.
    pub min_intensity: Option<u8>,
    /// Only starred entries.
    pub starred: bool,
    /// The newest N (after the other conditions).
    pub limit: Option<usize>,
}

impl Store {
    /// Every free tag on live entries and how many entries carry it, most
    /// used first (ties by name). Counted over the link table and the index
    /// of deleted entries, so the entries' pages (most of the file, each
    /// read a page decrypted) are never read.
    pub fn tag_counts(&self) -> Result<Vec<(String, usize)>, StoreError> {
        self.reading(tag_counts)
    }

    /// Saves a new entry; returns its number after COMMIT succeeded.
    ///
    /// Triggers and feelings are looked up by slug (following merges; retired
    /// labels are accepted, as the caller has already applied the rules for
    /// new input and an import may carry them). An unknown slug is
    /// `StoreError::Label` and nothing is saved.
    pub fn insert_entry(&mut self, entry: &Entry) -> Result<i64, StoreError> {
        self.writing(|tx| {
            let seq = insert_entry_row(tx, entry)?;
            log_action(tx, "entry-create", seq, None)?;
            Ok(seq)
        })
    }

    /// Saves many entries in one transaction, without undo records. For
    /// benches and bulk imports; returns the new numbers in order.
    #[doc(hidden)]
    pub fn bulk_insert_entries(&mut self, entries: &[Entry]) -> Result<Vec<i64>, StoreError> {
        self.writing(|tx| {
            let seqs = entries.iter().map(|e| insert_entry_row(tx, e)).collect::<Result<Vec<_>, _>>()?;
            Ok(seqs)
        })
    }

    /// Replaces an entry's content (same id); the previous version is kept for undo.
    pub fn update_entry(&mut self, entry: &Entry) -> Result<i64, StoreError> {
        self.writing(|tx| {
            let seq: i64 = tx
                .query_row(
                    "SELECT seq FROM entries WHERE id = ?1 AND deleted_at IS NULL",
                    params![entry.id.to_string()],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::NotFound { what: "entry", given: entry.id.to_string() })?;
            let before = snapshot(tx, seq)?;
            let before = serde_json::to_string(&before).map_err(|e| StoreError::Decode(e.to_string()))?;
            let triggers = label_ids(tx, LabelKind::Trigger, &entry.triggers)?;
            let feelings = label_ids(tx, LabelKind::Feeling, &entry.feelings)?;
            write_entry_fields(tx, seq, entry)?;
            write_entry_lists(tx, seq, &triggers, &feelings, &entry.tags)?;
            reindex_entry(tx, seq)?;
            log_action(tx, "entry-edit", seq, Some(&before))?;
            Ok(seq)
        })
    }

    /// Soft-deletes an entry: undo brings it back within the undo window
    /// ([`UNDO_WINDOW_DAYS`](crate::UNDO_WINDOW_DAYS)); after that it is
    /// removed for good.
    pub fn delete_entry(&mut self, seq: i64) -> Result<(), StoreError> {
        self.writing(|tx| {
            if !soft_delete(tx, "entries", seq)? {
                return Err(StoreError::NotFound { what: "entry", given: seq.to_string() });
            }
            tx.execute("DELETE FROM entries_fts WHERE rowid = ?1", params![seq])?;
            log_action(tx, "entry-delete", seq, None)
        })?;
        // Saved; what is past the undo window can wait for a later try.
        let _ = self.purge_expired();
        Ok(())
    }

    /// One entry by number (not deleted).
    pub fn entry(&self, seq: i64) -> Result<EntryRow, StoreError> {
        self.reading(|conn| read_entry(conn, seq))
    }

    /// Entries matching the filter, newest first.
    pub fn entries(&self, filter: &EntryFilter) -> Result<Vec<EntryRow>, StoreError> {
        self.reading(|conn| {
            let (where_sql, mut values) = entry_filter_sql(conn, filter)?;
            let mut sql =
                format!("SELECT {ENTRY_COLS} FROM entries e WHERE {where_sql} ORDER BY e.occurred_ms DESC, e.seq DESC");
            if let Some(limit) = filter.limit {
                values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
                sql.push_str(&format!(" LIMIT ?{}", values.len()));
            }
            query_entries(conn, &sql, &values)
        })
    }

    /// Every live entry, oldest first, handed to `each` one at a time, so a
    /// whole-journal export never holds them all. The lists come from two
    /// scans of their tables up front, not a query per entry.
    pub fn each_entry(&self, each: &mut dyn FnMut(EntryRow)) -> Result<(), StoreError> {
        self.reading(|conn| {
            let mut lists = all_lists(conn)?;
            let mut stmt = conn.prepare(&format!(
                "SELECT {ENTRY_COLS} FROM entries e WHERE e.deleted_at IS NULL ORDER BY e.occurred_ms, e.seq"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let raw = RawEntry::from_row(row)?;
                let l = lists.remove(&raw.seq);
                each(raw.decode(l)?);
            }
            Ok(())
        })
    }

    /// How many entries match the filter (ignoring its limit).
    pub fn count_entries(&self, filter: &EntryFilter) -> Result<usize, StoreError> {
        self.reading(|conn| {
            let (where_sql, values) = entry_filter_sql(conn, filter)?;
            let sql = format!("SELECT count(*) FROM entries e WHERE {where_sql}");
            let n: i64 = conn.prepare_cached(&sql)?.query_row(params_from_iter(values.iter()), |r| r.get(0))?;
            Ok(usize::try_from(n).unwrap_or(0))
        })
    }
}

/// The WHERE clause (over `entries e`) and its parameters for a filter.
/// Trigger and feeling slugs follow merges; an unknown one is an error, so a
/// typo is reported instead of showing "no entries".
fn entry_filter_sql(conn: &Connection, f: &EntryFilter) -> Result<(String, Vec<Value>), StoreError> {
    let mut sql = String::from("e.deleted_at IS NULL");
    let mut values: Vec<Value> = Vec::new();
    let mut push = |sql: &mut String, clause: &str, value: Value| {
        values.push(value);
        sql.push_str(&clause.replace("?N", &format!("?{}", values.len())));
    };
    if let Some(since) = f.since {
        push(&mut sql, " AND e.occurred_ms >= ?N", Value::Integer(since.as_millisecond()));
    }
    if let Some(until) = f.until {
        push(&mut sql, " AND e.occurred_ms <= ?N", Value::Integer(until.as_millisecond()));
    }
    for (kind, slugs) in [(LabelKind::Trigger, &f.triggers), (LabelKind::Feeling, &f.feelings)] {
        if slugs.is_empty() {
            continue;
        }
        let ids = label_ids(conn, kind, slugs)?;
        let ids = serde_json::to_string(&ids).map_err(|e| StoreError::Decode(e.to_string()))?;
        push(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM entry_labels el WHERE el.entry_seq = e.seq \
              AND el.label_id IN (SELECT value FROM json_each(?N)))",
            Value::Text(ids),
        );
    }
    if !f.signs.is_empty() {
        push(&mut sql, " AND (e.signs_mask & ?N) <> 0", Value::Integer(i64::from(to_mask(&f.signs, Sign::index))));
    }
    if !f.sources.is_empty() {
        let m = i64::from(to_mask(&f.sources, Source::index));
        push(&mut sql, " AND (e.sources_mask & ?N) <> 0", Value::Integer(m));
    }
    if !f.tags.is_empty() {
        let tags: Vec<String> = f.tags.iter().map(|t| t.trim().trim_start_matches(['#', '@']).to_lowercase()).collect();
        let tags = serde_json::to_string(&tags).map_err(|e| StoreError::Decode(e.to_string()))?;
        push(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM entry_tags t WHERE t.entry_seq = e.seq \
              AND t.tag IN (SELECT value FROM json_each(?N)))",
            Value::Text(tags),
        );
    }
    if let Some(min) = f.min_intensity {
        push(&mut sql, " AND e.intensity >= ?N", Value::Integer(i64::from(min)));
    }
    if f.starred {
        sql.push_str(" AND e.starred = 1");
    }
    Ok((sql, values))
}

fn tag_counts(conn: &Connection) -> Result<Vec<(String, usize)>, StoreError> {
    let mut counts: HashMap<String, i64> = HashMap::new();
    let mut all = conn.prepare_cached("SELECT tag, count(*) FROM entry_tags GROUP BY tag")?;
    for row in all.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (tag, n) = row?;
        counts.insert(tag, n);
    }
    let mut deleted = conn.prepare_cached(
        "SELECT t.tag, count(*) FROM entries e INDEXED BY entries_deleted \
         JOIN entry_tags t ON t.entry_seq = e.seq WHERE e.deleted_at IS NOT NULL GROUP BY t.tag",
    )?;
    for row in deleted.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (tag, n) = row?;
        if let Some(count) = counts.get_mut(&tag) {
            *count -= n;
        }
    }
    let mut out: Vec<(String, usize)> = counts
        .into_iter()
        .filter_map(|(tag, n)| usize::try_from(n).ok().filter(|n| *n > 0).map(|n| (tag, n)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}
