//! Writing entry and check-in rows: their label and tag lists, many rows
//! per statement, and their full-text search rows.

use attune_core::vocab::to_mask;
use attune_core::{Checkin, Entry, Intensity, LabelKind, Sign, Source};
use rusqlite::{Connection, params};

use super::rows::label_ids;
use crate::error::StoreError;

/// "Now" for `deleted_at`, from SQLite's clock: the delete methods take no
/// time argument, and the value is bookkeeping that is never shown.
pub(super) const NOW_MS_SQL: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

pub(super) fn insert_entry_row(conn: &Connection, entry: &Entry) -> Result<i64, StoreError> {
    let triggers = label_ids(conn, LabelKind::Trigger, &entry.triggers)?;
    let feelings = label_ids(conn, LabelKind::Feeling, &entry.feelings)?;
    let seq = insert_entry_unindexed(conn, entry, &triggers, &feelings)?;
    reindex_entry(conn, seq)?;
    Ok(seq)
}

/// Writes a new entry's row and its lists (label ids already resolved), but
/// no search row: the caller indexes it, alone or with a whole import.
fn insert_entry_unindexed(
    conn: &Connection,
    entry: &Entry,
    triggers: &[i64],
    feelings: &[i64],
) -> Result<i64, StoreError> {
    let row = NewEntry { entry, triggers: triggers.to_vec(), feelings: feelings.to_vec() };
    insert_entries(conn, std::slice::from_ref(&row))
}

/// An entry to write, with the ids of its triggers and feelings.
pub(super) struct NewEntry<'a> {
    pub(super) entry: &'a Entry,
    pub(super) triggers: Vec<i64>,
    pub(super) feelings: Vec<i64>,
}

/// Entries per INSERT, and link rows (labels, tags) per INSERT. Each
/// statement pays its setup once (cursors on the table and its indexes,
/// the AUTOINCREMENT counter read and written back) whatever it carries:
/// for an import of 100,000 entries, a fifth of the instructions that
/// writing the entries took with one row per statement.
const ENTRIES_PER_STATEMENT: usize = 32;

const LINKS_PER_STATEMENT: usize = 64;

/// The statements that add an entry's label and tag rows.
const ADD_LABELS: &str = "INSERT OR IGNORE INTO entry_labels (entry_seq, label_id, position)";

const ADD_TAGS: &str = "INSERT OR IGNORE INTO entry_tags (entry_seq, tag, position)";

/// The values of an `entries` row, in the order [`bind_entry`] binds them.
const ENTRY_COLUMNS: &str = "id, occurred_ms, occurred_offset, occurred_zone, recorded_ms, recorded_offset, \
     recorded_zone, situation, thoughts, fear, helped, intensity, signs_mask, sources_mask, starred, label_list";

const ENTRY_VALUES: usize = 16;

/// `INSERT … VALUES (?, …), …` for `rows` rows of `per_row` values each.
/// Built for every statement (it is the statement cache's key), so in one
/// buffer rather than a string per row.
fn insert_sql(head: &str, rows: usize, per_row: usize) -> String {
    let row_len = 3 * per_row + 2; // "(?, ?, …), "
    let mut sql = String::with_capacity(head.len() + 8 + rows * row_len);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(?" } else { ", (?" });
        for _ in 1..per_row {
            sql.push_str(", ?");
        }
        sql.push(')');
    }
    sql
}

/// Binds one entry's row from parameter `first` (1-based) on.
fn bind_entry(
    stmt: &mut rusqlite::Statement<'_>,
    first: usize,
    e: &Entry,
    label_list: &str,
) -> Result<(), rusqlite::Error> {
    let mut id = [0u8; uuid::fmt::Hyphenated::LENGTH];
    stmt.raw_bind_parameter(first, &*e.id.as_uuid().hyphenated().encode_lower(&mut id))?;
    stmt.raw_bind_parameter(first + 1, e.occurred.unix_ms())?;
    stmt.raw_bind_parameter(first + 2, e.occurred.offset_seconds)?;
    stmt.raw_bind_parameter(first + 3, &e.occurred.zone)?;
    stmt.raw_bind_parameter(first + 4, e.recorded.unix_ms())?;
    stmt.raw_bind_parameter(first + 5, e.recorded.offset_seconds)?;
    stmt.raw_bind_parameter(first + 6, &e.recorded.zone)?;
    stmt.raw_bind_parameter(first + 7, &e.situation)?;
    stmt.raw_bind_parameter(first + 8, &e.thoughts)?;
    stmt.raw_bind_parameter(first + 9, &e.fear)?;
    stmt.raw_bind_parameter(first + 10, &e.helped)?;
    stmt.raw_bind_parameter(first + 11, e.intensity.map(Intensity::get))?;
    stmt.raw_bind_parameter(first + 12, to_mask(&e.signs, Sign::index))?;
    stmt.raw_bind_parameter(first + 13, to_mask(&e.sources, Source::index))?;
    stmt.raw_bind_parameter(first + 14, e.starred)?;
    stmt.raw_bind_parameter(first + 15, label_list)?;
    Ok(())
}

/// Writes `rows` with `head` (`INSERT … (columns)`), `per_statement` rows
/// of `per_row` values to a statement; `bind` binds one row from the given
/// parameter (1-based) on.
pub(super) fn insert_rows<R>(
    conn: &Connection,
    head: &str,
    per_row: usize,
    per_statement: usize,
    rows: &[R],
    bind: impl Fn(&mut rusqlite::Statement<'_>, usize, &R) -> Result<(), rusqlite::Error>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(per_statement) {
        let mut stmt = conn.prepare_cached(&insert_sql(head, chunk.len(), per_row))?;
        for (i, row) in chunk.iter().enumerate() {
            bind(&mut stmt, i * per_row + 1, row)?;
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

/// Writes `(entry_seq, value, position)` rows with `head`, many per statement.
fn insert_links<T: rusqlite::ToSql>(conn: &Connection, head: &str, rows: &[(i64, T, i64)]) -> Result<(), StoreError> {
    insert_rows(conn, head, 3, LINKS_PER_STATEMENT, rows, |stmt, first, (seq, value, position)| {
        stmt.raw_bind_parameter(first, seq)?;
        stmt.raw_bind_parameter(first + 1, value)?;
        stmt.raw_bind_parameter(first + 2, position)
    })
}

/// The label and tag rows of entry `seq`, in order of position, added to
/// `labels` and `tags`.
fn push_list_rows<'t>(
    seq: i64,
    triggers: &[i64],
    feelings: &[i64],
    entry_tags: &'t [String],
    labels: &mut Vec<(i64, i64, i64)>,
    tags: &mut Vec<(i64, &'t str, i64)>,
) {
    for list in [triggers, feelings] {
        labels.extend(list.iter().enumerate().map(|(pos, &id)| (seq, id, pos as i64)));
    }
    tags.extend(entry_tags.iter().enumerate().map(|(pos, tag)| (seq, tag.as_str(), pos as i64)));
}

/// Writes new entries and their lists, in order, many rows per statement;
/// returns the first new entry's number (the others follow it one by one).
/// `rows` must not be empty.
pub(super) fn insert_entries(conn: &Connection, rows: &[NewEntry<'_>]) -> Result<i64, StoreError> {
    let head = format!("INSERT INTO entries ({ENTRY_COLUMNS})");
    let (mut first, mut labels, mut tags) = (None, Vec::new(), Vec::new());
    for chunk in rows.chunks(ENTRIES_PER_STATEMENT) {
        let mut stmt = conn.prepare_cached(&insert_sql(&head, chunk.len(), ENTRY_VALUES))?;
        for (i, row) in chunk.iter().enumerate() {
            bind_entry(&mut stmt, i * ENTRY_VALUES + 1, row.entry, &label_list(&row.triggers, &row.feelings))?;
        }
        let written = stmt.raw_execute()?;
        // AUTOINCREMENT numbers the rows of one statement one after
        // another, from one past the largest number ever used.
        let last = conn.last_insert_rowid();
        let start = last - (chunk.len() as i64 - 1);
        if written != chunk.len() || start < 1 {
            return Err(StoreError::Decode(format!("wrote {written} of {} entries", chunk.len())));
        }
        first.get_or_insert(start);
        for (seq, row) in (start..).zip(chunk) {
            push_list_rows(seq, &row.triggers, &row.feelings, &row.entry.tags, &mut labels, &mut tags);
        }
    }
    insert_links(conn, ADD_LABELS, &labels)?;
    insert_links(conn, ADD_TAGS, &tags)?;
    first.ok_or_else(|| StoreError::Decode("no entry to write".into()))
}

/// Overwrites the content columns of entry `seq` (the id stays).
pub(super) fn write_entry_fields(conn: &Connection, seq: i64, entry: &Entry) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE entries SET occurred_ms = ?2, occurred_offset = ?3, occurred_zone = ?4, recorded_ms = ?5, \
         recorded_offset = ?6, recorded_zone = ?7, situation = ?8, thoughts = ?9, fear = ?10, helped = ?11, \
         intensity = ?12, signs_mask = ?13, sources_mask = ?14, starred = ?15 WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        entry.occurred.unix_ms(),
        entry.occurred.offset_seconds,
        entry.occurred.zone,
        entry.recorded.unix_ms(),
        entry.recorded.offset_seconds,
        entry.recorded.zone,
        entry.situation,
        entry.thoughts,
        entry.fear,
        entry.helped,
        entry.intensity.map(Intensity::get),
        to_mask(&entry.signs, Sign::index),
        to_mask(&entry.sources, Source::index),
        entry.starred,
    ])?;
    Ok(())
}

pub(super) fn write_entry_lists(
    conn: &Connection,
    seq: i64,
    triggers: &[i64],
    feelings: &[i64],
    tags: &[String],
) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM entry_labels WHERE entry_seq = ?1")?.execute(params![seq])?;
    conn.prepare_cached("DELETE FROM entry_tags WHERE entry_seq = ?1")?.execute(params![seq])?;
    conn.prepare_cached("UPDATE entries SET label_list = ?2 WHERE seq = ?1")?
        .execute(params![seq, label_list(triggers, feelings)])?;
    add_entry_lists(conn, seq, triggers, feelings, tags)
}

/// An entry's labels as `entries.label_list` keeps them (migration
/// `LABEL_LISTS`): ids in order of position, then id, comma-separated. A
/// label given twice counts where it first appears, as `INSERT OR IGNORE`
/// into `entry_labels` keeps it. [`LABEL_LIST_OF_ROW`] computes the same
/// from `entry_labels`.
pub(super) fn label_list(triggers: &[i64], feelings: &[i64]) -> String {
    let mut kept: Vec<(usize, i64)> = Vec::with_capacity(triggers.len() + feelings.len());
    for list in [triggers, feelings] {
        for (position, &id) in list.iter().enumerate() {
            if !kept.iter().any(|&(_, k)| k == id) {
                kept.push((position, id));
            }
        }
    }
    kept.sort_unstable();
    let ids: Vec<String> = kept.iter().map(|(_, id)| id.to_string()).collect();
    ids.join(",")
}

/// `entries.label_list` of the row being updated, from `entry_labels`.
pub(super) const LABEL_LIST_OF_ROW: &str = "coalesce((SELECT group_concat(el.label_id, ',' ORDER BY el.position, el.label_id) \
     FROM entry_labels el WHERE el.entry_seq = entries.seq), '')";

/// Adds the label and tag rows of entry `seq` (which has none yet).
fn add_entry_lists(
    conn: &Connection,
    seq: i64,
    triggers: &[i64],
    feelings: &[i64],
    tags: &[String],
) -> Result<(), StoreError> {
    let (mut label_rows, mut tag_rows) = (Vec::new(), Vec::new());
    push_list_rows(seq, triggers, feelings, tags, &mut label_rows, &mut tag_rows);
    insert_links(conn, ADD_LABELS, &label_rows)?;
    insert_links(conn, ADD_TAGS, &tag_rows)
}

/// The search rows of live entries, built from the tables; the caller adds
/// which entries (`AND e.seq …`). An entry whose `label_list` is empty has
/// no labels to look up (most of a big import).
const ENTRY_FTS_ROWS: &str = "INSERT INTO entries_fts (rowid, situation, thoughts, fear, helped, labels, tags) \
     SELECT e.seq, e.situation, e.thoughts, e.fear, e.helped, \
            CASE WHEN e.label_list = '' THEN '' ELSE \
            coalesce((SELECT group_concat(l.name || ' ' || l.slug, ' ') \
                        FROM entry_labels el JOIN labels l ON l.id = el.label_id \
                       WHERE el.entry_seq = e.seq), '') END, \
            coalesce((SELECT group_concat(t.tag, ' ') FROM entry_tags t WHERE t.entry_seq = e.seq), '') \
       FROM entries e WHERE e.deleted_at IS NULL";

/// Rewrites the search row of one entry from the tables (none if deleted).
pub(super) fn reindex_entry(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM entries_fts WHERE rowid = ?1")?.execute(params![seq])?;
    conn.prepare_cached(&format!("{ENTRY_FTS_ROWS} AND e.seq = ?1"))?.execute(params![seq])?;
    Ok(())
}

/// Adds the search rows of the new entries numbered `from` and up, in one
/// statement. Writing them one by one inside a long transaction makes FTS5
/// flush its pending terms to disk at every statement that could roll back
/// alone, merging segments over and over; in one statement they are
/// gathered in memory and written out in large pieces.
pub(super) fn index_new_entries(conn: &Connection, from: i64) -> Result<(), StoreError> {
    conn.execute(&format!("{ENTRY_FTS_ROWS} AND e.seq >= ?1"), params![from])?;
    Ok(())
}

/// Writes a new check-in row and its search row; returns its number. The
/// caller owns the transaction (one check-in, or a bulk insert).
pub(super) fn insert_checkin_row(conn: &Connection, c: &Checkin) -> Result<i64, StoreError> {
    let seq = insert_checkin_unindexed(conn, c)?;
    reindex_checkin(conn, seq)?;
    Ok(seq)
}

/// Writes a new check-in row without its search row (see [`index_new_entries`]).
pub(super) fn insert_checkin_unindexed(conn: &Connection, c: &Checkin) -> Result<i64, StoreError> {
    let consequences = serde_json::to_string(&c.consequences).map_err(|e| StoreError::Decode(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO checkins (id, at_ms, at_offset, at_zone, security, seen, trusted, respected, consequences, note) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
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
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The search rows of live check-ins with a note; the caller adds which.
const CHECKIN_FTS_ROWS: &str =
    "INSERT INTO checkins_fts (rowid, note) SELECT seq, note FROM checkins WHERE deleted_at IS NULL AND note <> ''";

pub(super) fn reindex_checkin(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM checkins_fts WHERE rowid = ?1")?.execute(params![seq])?;
    conn.prepare_cached(&format!("{CHECKIN_FTS_ROWS} AND seq = ?1"))?.execute(params![seq])?;
    Ok(())
}

/// Adds the search rows of the new check-ins numbered `from` and up, in one
/// statement (see [`index_new_entries`]).
pub(super) fn index_new_checkins(conn: &Connection, from: i64) -> Result<(), StoreError> {
    conn.execute(&format!("{CHECKIN_FTS_ROWS} AND seq >= ?1"), params![from])?;
    Ok(())
}

/// Marks a live row deleted; false if there was no live row.
pub(super) fn soft_delete(conn: &Connection, table: &str, seq: i64) -> Result<bool, StoreError> {
    let sql = format!("UPDATE {table} SET deleted_at = {NOW_MS_SQL} WHERE seq = ?1 AND deleted_at IS NULL");
    Ok(conn.prepare_cached(&sql)?.execute(params![seq])? == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_sql_lists_every_row() {
        assert_eq!(insert_sql("INSERT INTO t (a)", 1, 1), "INSERT INTO t (a) VALUES (?)");
        assert_eq!(insert_sql("INSERT INTO t (a, b, c)", 2, 3), "INSERT INTO t (a, b, c) VALUES (?, ?, ?), (?, ?, ?)");
    }

    #[test]
    fn label_lists_order_by_position_then_id_and_keep_the_first_of_a_repeat() {
        assert_eq!(label_list(&[], &[]), "");
        assert_eq!(label_list(&[9, 4], &[7]), "7,9,4", "position 0: 7 and 9; position 1: 4");
        assert_eq!(label_list(&[5, 5, 2], &[]), "5,2", "a repeat counts where it first appears");
        assert_eq!(label_list(&[3], &[3, 8]), "3,8");
    }
}
