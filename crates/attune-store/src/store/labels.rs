//! The person's lists of triggers and feelings: adding, renaming, merging,
//! retiring. Entries follow a rename or merge, search rows included.

use attune_core::{Label, LabelKind, Slug};
use rusqlite::{Connection, params};

use super::Store;
use super::rows::{find_label, follow_merges, label_by_id, label_slug, list_labels, not_on_list};
use super::write::{LABEL_LIST_OF_ROW, reindex_entry};
use crate::error::StoreError;

/// Longest label name accepted.
const MAX_LABEL_NAME_CHARS: usize = 80;

impl Store {
    /// The person's list of triggers or feelings (retired and merged included).
    pub fn labels(&self, kind: LabelKind) -> Result<Vec<Label>, StoreError> {
        self.reading(|conn| list_labels(conn, kind))
    }

    /// Adds a label; the slug is derived from `name`. Err(Label) if taken.
    pub fn add_label(&mut self, kind: LabelKind, name: &str) -> Result<Label, StoreError> {
        let (slug, name) = label_name(kind, name)?;
        self.writing(|tx| {
            if find_label(tx, kind, &slug)?.is_some() {
                return Err(taken(kind, &slug));
            }
            tx.execute(
                "INSERT INTO labels (kind, slug, name) VALUES (?1, ?2, ?3)",
                params![kind.as_str(), slug.as_str(), name],
            )?;
            Ok(Label { kind, slug, name, retired: false, merged_into: None })
        })
    }

    /// Renames a label (slug and name); entries follow.
    pub fn rename_label(&mut self, kind: LabelKind, from: &Slug, new_name: &str) -> Result<Label, StoreError> {
        let (slug, name) = label_name(kind, new_name)?;
        self.writing(|tx| {
            let row = find_label(tx, kind, from)?.ok_or_else(|| not_on_list(kind, from))?;
            if let Some(target) = row.merged_into {
                let target = label_slug(tx, target)?;
                return Err(StoreError::Label(format!(
                    "'{from}' was merged into '{target}'; rename '{target}' instead"
                )));
            }
            if slug != *from && find_label(tx, kind, &slug)?.is_some() {
                return Err(taken(kind, &slug));
            }
            tx.execute("UPDATE labels SET slug = ?1, name = ?2 WHERE id = ?3", params![slug.as_str(), name, row.id])?;
            for seq in live_entries_with_label(tx, row.id)? {
                reindex_entry(tx, seq)?;
            }
            Ok(Label { kind, slug, name, retired: row.retired, merged_into: None })
        })
    }

    /// Moves every use of `from` to `into` and marks `from` merged.
    /// Returns how many (live) entries moved.
    pub fn merge_label(&mut self, kind: LabelKind, from: &Slug, into: &Slug) -> Result<usize, StoreError> {
        self.writing(|tx| {
            let source = find_label(tx, kind, from)?.ok_or_else(|| not_on_list(kind, from))?;
            if let Some(target) = source.merged_into {
                let target = label_slug(tx, target)?;
                return Err(StoreError::Label(format!("'{from}' is already merged into '{target}'")));
            }
            let target = find_label(tx, kind, into)?.ok_or_else(|| not_on_list(kind, into))?;
            let target_id = follow_merges(tx, target.id)?;
            if target_id == source.id {
                return Err(StoreError::Label(format!("'{from}' cannot be merged into itself")));
            }
            let target = label_by_id(tx, target_id)?;
            if target.retired {
                return Err(StoreError::Label(format!(
                    "'{}' is retired; restore it first, or merge into another {kind}",
                    target.slug
                )));
            }
            let moved = live_entries_with_label(tx, source.id)?;
            // Deleted entries too: undo can bring them back.
            let relisted: Vec<i64> = tx
                .prepare("SELECT entry_seq FROM entry_labels WHERE label_id = ?1")?
                .query_map(params![source.id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            tx.execute(
                "UPDATE OR IGNORE entry_labels SET label_id = ?2 WHERE label_id = ?1",
                params![source.id, target_id],
            )?;
            tx.execute("DELETE FROM entry_labels WHERE label_id = ?1", params![source.id])?;
            let mut relist =
                tx.prepare(&format!("UPDATE entries SET label_list = {LABEL_LIST_OF_ROW} WHERE seq = ?1"))?;
            for seq in &relisted {
                relist.execute(params![seq])?;
            }
            drop(relist);
            // Keep merge chains one step long.
            tx.execute("UPDATE labels SET merged_into = ?2 WHERE merged_into = ?1", params![source.id, target_id])?;
            tx.execute("UPDATE labels SET merged_into = ?2, retired = 1 WHERE id = ?1", params![source.id, target_id])?;
            for seq in &moved {
                reindex_entry(tx, *seq)?;
            }
            Ok(moved.len())
        })
    }

    /// Retires (`true`) or restores (`false`) a label. Restoring a merged
    /// label makes it a separate, usable label again (its old entries stay
    /// with the label they were merged into).
    pub fn set_label_retired(&mut self, kind: LabelKind, slug: &Slug, retired: bool) -> Result<(), StoreError> {
        self.writing(|tx| {
            let row = find_label(tx, kind, slug)?.ok_or_else(|| not_on_list(kind, slug))?;
            if retired {
                tx.execute("UPDATE labels SET retired = 1 WHERE id = ?1", params![row.id])?;
            } else {
                tx.execute("UPDATE labels SET retired = 0, merged_into = NULL WHERE id = ?1", params![row.id])?;
            }
            Ok(())
        })
    }
}

fn taken(kind: LabelKind, slug: &Slug) -> StoreError {
    StoreError::Label(format!("'{slug}' is already on your list of {kind}s"))
}

/// Checks a label name as typed and derives its slug.
fn label_name(kind: LabelKind, name: &str) -> Result<(Slug, String), StoreError> {
    let name = name.trim();
    if name.chars().any(char::is_control) {
        return Err(StoreError::Label(format!("a {kind} name cannot contain control characters")));
    }
    if name.chars().count() > MAX_LABEL_NAME_CHARS {
        return Err(StoreError::Label(format!("a {kind} name can be at most {MAX_LABEL_NAME_CHARS} characters long")));
    }
    let slug =
        Slug::from_name(name).map_err(|e| StoreError::Label(format!("'{name}' cannot be a {kind} name: {e}")))?;
    Ok((slug, name.to_string()))
}

fn live_entries_with_label(conn: &Connection, label_id: i64) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT el.entry_seq FROM entry_labels el JOIN entries e ON e.seq = el.entry_seq \
         WHERE el.label_id = ?1 AND e.deleted_at IS NULL ORDER BY el.entry_seq",
    )?;
    let seqs = stmt.query_map(params![label_id], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(seqs)
}
