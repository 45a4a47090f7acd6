//! Undo: every create, edit and delete of an entry or check-in is logged, and
//! `undo` reverts the most recent one.

use attune_core::Entry;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::Store;
use super::rows::{follow_merges, read_entry};
use super::write::{NOW_MS_SQL, reindex_checkin, reindex_entry, soft_delete, write_entry_fields, write_entry_lists};
use crate::error::StoreError;

/// What `undo` reverted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Undone {
    /// A new entry was removed again.
    EntryCreated(i64),
    /// A deleted entry is back.
    EntryDeleted(i64),
    /// An edit was reverted.
    EntryEdited(i64),
    /// A new check-in was removed again.
    CheckinCreated(i64),
    /// A deleted check-in is back.
    CheckinDeleted(i64),
}

/// How many undoable actions are remembered (see also `purge::UNDO_WINDOW_DAYS`).
pub(super) const UNDO_KEEP: i64 = 200;

impl Store {
    /// Reverts the most recent create, edit or delete; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Undone>, StoreError> {
        self.writing(|tx| {
            let row: Option<(i64, String, i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, action, record_seq, before FROM undo_log WHERE undone = 0 ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((log_id, action, seq, before)) = row else {
                return Ok(None);
            };
            let undone = match action.as_str() {
                "entry-create" => {
                    soft_delete(tx, "entries", seq)?;
                    tx.execute("DELETE FROM entries_fts WHERE rowid = ?1", params![seq])?;
                    Undone::EntryCreated(seq)
                }
                "entry-delete" => {
                    tx.execute("UPDATE entries SET deleted_at = NULL WHERE seq = ?1", params![seq])?;
                    reindex_entry(tx, seq)?;
                    Undone::EntryDeleted(seq)
                }
                "entry-edit" => {
                    let before =
                        before.ok_or_else(|| StoreError::Decode("an edit without its earlier version".into()))?;
                    let snap: Snapshot =
                        serde_json::from_str(&before).map_err(|e| StoreError::Decode(e.to_string()))?;
                    let follow =
                        |ids: &[i64]| ids.iter().map(|id| follow_merges(tx, *id)).collect::<Result<Vec<_>, _>>();
                    let triggers = follow(&snap.trigger_ids)?;
                    let feelings = follow(&snap.feeling_ids)?;
                    write_entry_fields(tx, seq, &snap.entry)?;
                    write_entry_lists(tx, seq, &triggers, &feelings, &snap.entry.tags)?;
                    reindex_entry(tx, seq)?;
                    Undone::EntryEdited(seq)
                }
                "checkin-create" => {
                    soft_delete(tx, "checkins", seq)?;
                    tx.execute("DELETE FROM checkins_fts WHERE rowid = ?1", params![seq])?;
                    Undone::CheckinCreated(seq)
                }
                "checkin-delete" => {
                    tx.execute("UPDATE checkins SET deleted_at = NULL WHERE seq = ?1", params![seq])?;
                    reindex_checkin(tx, seq)?;
                    Undone::CheckinDeleted(seq)
                }
                other => return Err(StoreError::Decode(format!("unknown action '{other}' in the undo log"))),
            };
            tx.execute("UPDATE undo_log SET undone = 1 WHERE id = ?1", params![log_id])?;
            Ok(Some(undone))
        })
    }
}

/// An entry as stored before an edit, with its label ids (not slugs), so that
/// undo still finds them after a rename or merge.
#[derive(Serialize, Deserialize)]
pub(super) struct Snapshot {
    entry: Entry,
    trigger_ids: Vec<i64>,
    feeling_ids: Vec<i64>,
}

pub(super) fn snapshot(conn: &Connection, seq: i64) -> Result<Snapshot, StoreError> {
    let entry = read_entry(conn, seq)?.item;
    let mut stmt = conn.prepare_cached(
        "SELECT el.label_id, l.kind FROM entry_labels el JOIN labels l ON l.id = el.label_id \
         WHERE el.entry_seq = ?1 ORDER BY el.position, el.label_id",
    )?;
    let rows = stmt.query_map(params![seq], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let (mut trigger_ids, mut feeling_ids) = (Vec::new(), Vec::new());
    for row in rows {
        let (id, kind) = row?;
        if kind == "trigger" { trigger_ids.push(id) } else { feeling_ids.push(id) }
    }
    Ok(Snapshot { entry, trigger_ids, feeling_ids })
}

pub(super) fn log_action(conn: &Connection, action: &str, seq: i64, before: Option<&str>) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "INSERT INTO undo_log (action, record_seq, before, at_ms) VALUES (?1, ?2, ?3, {NOW_MS_SQL})"
    ))?
    .execute(params![action, seq, before])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("DELETE FROM undo_log WHERE id <= ?1")?.execute(params![id - UNDO_KEEP])?;
    Ok(())
}
