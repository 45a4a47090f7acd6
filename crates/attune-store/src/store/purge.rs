//! Removing for good: delete for good, purge, the undo window and erase.
//!
//! An ordinary delete only marks a record (`deleted_at`) so that undo can
//! bring it back. Removing it for good takes every copy the journal keeps:
//! the row and its label and tag rows, its search rows, its undo records
//! (which hold earlier versions of edited entries) and its import
//! fingerprint. Then the search indexes are merged (a contentless FTS5 table
//! keeps a deleted row's words in its old segments until they are merged)
//! and the write-ahead log is emptied. Every connection runs with
//! `secure_delete`, so the freed pages are zeros. Backups and exports made
//! earlier are files of their own and keep what they hold.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::Store;
use super::locks::hold_exclusive;
use super::undo::UNDO_KEEP;
use super::write::NOW_MS_SQL;
use crate::error::StoreError;
use crate::{DB_FILE, DRAFTS_DIR, KEY_FILE, LOCK_FILE, SEALED_DIR, fsutil, keycache, keyfile};

/// How long an ordinary delete can be undone, and an edit's earlier version
/// kept. Older undo records, and the records deleted that long ago, are
/// removed for good when the journal opens or after a delete.
pub const UNDO_WINDOW_DAYS: i64 = 30;

/// How many of the latest changes undo can go back through (within
/// [`UNDO_WINDOW_DAYS`]).
pub const UNDO_ACTIONS: i64 = UNDO_KEEP;

const DAY_MS: i64 = 86_400_000;

/// What a delete for good, a purge or the undo window removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Entries removed for good.
    pub entries: usize,
    /// Check-ins removed for good.
    pub checkins: usize,
    /// Other deleted records removed for good: activities, questionnaire
    /// results, people removed from the support map, own affirmations.
    pub others: usize,
    /// Undo records removed (among them earlier versions of edited entries).
    pub undo_records: usize,
    /// Whether the write-ahead log was emptied. False when another attune
    /// was reading the journal at that moment; the log is then emptied by a
    /// later purge or when it grows past its limit.
    pub log_emptied: bool,
}

impl Purged {
    /// Whether nothing was removed.
    pub fn is_empty(&self) -> bool {
        self.entries == 0 && self.checkins == 0 && self.others == 0 && self.undo_records == 0
    }
}

/// How many deleted records wait, undoable, until the undo window ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Deleted {
    /// Deleted entries.
    pub entries: usize,
    /// Deleted check-ins.
    pub checkins: usize,
    /// Earlier versions of edited entries, kept for undo.
    pub versions: usize,
}

impl Deleted {
    /// Whether a purge would find nothing.
    pub fn is_empty(&self) -> bool {
        self.entries == 0 && self.checkins == 0 && self.versions == 0
    }
}

/// What [`Store::erase`] removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Erased {
    /// Key files overwritten and removed (first, so the rest is unreadable).
    pub key_files: Vec<PathBuf>,
    /// Other files and folders of the journal removed.
    pub removed: Vec<PathBuf>,
    /// Whether the journal's folder itself is gone. False when it held
    /// files that are not attune's: those are left as they were.
    pub folder_removed: bool,
    /// Files in the folder that are not attune's, left alone.
    pub left: Vec<PathBuf>,
}

/// Which deleted records a purge takes.
#[derive(Clone, Copy)]
enum Scope {
    /// Everything deleted, and every earlier version.
    All,
    /// What was deleted (or recorded for undo) before this Unix ms.
    Before(i64),
}

impl Store {
    /// Deletes an entry for good, whether it is live or already deleted:
    /// no undo, no search row, no earlier version, no import fingerprint,
    /// and no copy in the file's free space or the write-ahead log.
    pub fn delete_entry_for_good(&mut self, seq: i64) -> Result<Purged, StoreError> {
        self.for_good(Table::Entries, seq)
    }

    /// Deletes a check-in for good, like [`Store::delete_entry_for_good`].
    pub fn delete_checkin_for_good(&mut self, seq: i64) -> Result<Purged, StoreError> {
        self.for_good(Table::Checkins, seq)
    }

    /// Removes for good everything already deleted (entries, check-ins,
    /// activities, questionnaire results, people removed from the support
    /// map, own affirmations) and every earlier version of an edited entry.
    /// Undo can still revert what it reverted before, except these.
    pub fn purge(&mut self) -> Result<Purged, StoreError> {
        self.remove_deleted(Scope::All)
    }

    /// Removes for good what is past the undo window ([`UNDO_WINDOW_DAYS`]
    /// by SQLite's clock, the clock `deleted_at` is written with). Cheap
    /// when there is nothing to remove: one index look-up per table.
    pub fn purge_expired(&mut self) -> Result<Purged, StoreError> {
        let now = self.reading(|conn| Ok(conn.query_row(&format!("SELECT {NOW_MS_SQL}"), [], |r| r.get(0))?))?;
        self.expire(now)
    }

    /// [`Store::purge_expired`] as if it were `now` (tests).
    #[doc(hidden)]
    pub fn purge_expired_at(&mut self, now: Timestamp) -> Result<Purged, StoreError> {
        self.expire(now.as_millisecond())
    }

    fn expire(&mut self, now_ms: i64) -> Result<Purged, StoreError> {
        let cutoff = now_ms.saturating_sub(UNDO_WINDOW_DAYS * DAY_MS);
        if self.reading(|conn| anything_before(conn, cutoff))? {
            self.remove_deleted(Scope::Before(cutoff))
        } else {
            Ok(Purged { log_emptied: true, ..Purged::default() })
        }
    }

    /// What waits, deleted but undoable, for the undo window to end.
    pub fn deleted(&self) -> Result<Deleted, StoreError> {
        self.reading(|conn| {
            let count = |sql: &str| -> Result<usize, StoreError> {
                let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
                Ok(usize::try_from(n).unwrap_or(0))
            };
            Ok(Deleted {
                entries: count("SELECT count(*) FROM entries WHERE deleted_at IS NOT NULL")?,
                checkins: count("SELECT count(*) FROM checkins WHERE deleted_at IS NOT NULL")?,
                versions: count("SELECT count(*) FROM undo_log WHERE before IS NOT NULL")?,
            })
        })
    }

    fn for_good(&mut self, table: Table, seq: i64) -> Result<Purged, StoreError> {
        let mut purged = self.writing(|tx| {
            let exists: bool = tx.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {} WHERE seq = ?1)", table.name()),
                params![seq],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(match table {
                    Table::Entries => StoreError::NotFound { what: "entry", given: seq.to_string() },
                    Table::Checkins => StoreError::NotFound { what: "check-in", given: format!("c{seq}") },
                });
            }
            let mut purged = Purged { undo_records: remove_records(tx, table, &[seq])?, ..Purged::default() };
            match table {
                Table::Entries => purged.entries = 1,
                Table::Checkins => purged.checkins = 1,
            }
            merge_search_index(tx)?;
            Ok(purged)
        })?;
        purged.log_emptied = self.reading(empty_log)?;
        Ok(purged)
    }

    /// Removes for good what `scope` names, in one transaction, then
    /// empties the write-ahead log when anything was removed.
    fn remove_deleted(&mut self, scope: Scope) -> Result<Purged, StoreError> {
        let mut purged = self.writing(|tx| {
            let (deleted, undo_cond) = match scope {
                Scope::All => ("deleted_at IS NOT NULL".to_string(), "before IS NOT NULL".to_string()),
                Scope::Before(cutoff) => (format!("deleted_at < {cutoff}"), format!("at_ms < {cutoff}")),
            };
            let seqs = |table: &str| -> Result<Vec<i64>, StoreError> {
                let mut stmt = tx.prepare(&format!("SELECT seq FROM {table} WHERE {deleted}"))?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<Vec<i64>, _>>()?)
            };
            let entries = seqs("entries")?;
            let checkins = seqs("checkins")?;
            let mut undo_records = remove_records(tx, Table::Entries, &entries)?;
            undo_records += remove_records(tx, Table::Checkins, &checkins)?;
            // Within the window undo keeps creates and deletes (no text); a
            // purge takes the earlier versions, past the window every record.
            undo_records += tx.execute(&format!("DELETE FROM undo_log WHERE {undo_cond}"), [])?;
            let mut others = tx.execute(&format!("DELETE FROM activities WHERE {deleted}"), [])?;
            if matches!(scope, Scope::All) {
                others += tx.execute("DELETE FROM assessments WHERE deleted_at IS NOT NULL", [])?;
                others += tx.execute("DELETE FROM supporters WHERE removed = 1", [])?;
                others += tx.execute("DELETE FROM affirmations WHERE removed = 1 AND suggestion IS NULL", [])?;
                // A removed suggestion stays, so it is not offered again; only
                // the person's own wording of it goes.
                others += tx.execute(
                    "UPDATE affirmations SET text = NULL WHERE removed = 1 AND suggestion IS NOT NULL AND text IS NOT NULL",
                    [],
                )?;
            }
            let purged =
                Purged { entries: entries.len(), checkins: checkins.len(), others, undo_records, log_emptied: false };
            if !purged.is_empty() {
                merge_search_index(tx)?;
            }
            Ok(purged)
        })?;
        // Nothing removed: the log holds nothing that was.
        purged.log_emptied = purged.is_empty() || self.reading(empty_log)?;
        Ok(purged)
    }

    /// Destroys the journal in `dir` at once: first every key file
    /// (overwritten, synced, removed, the folder synced), so what remains
    /// cannot be read by anyone, then the key cache, then the database, its
    /// log, the drafts and the lock file, and the folder itself when nothing
    /// else is in it. Journals a restore moved aside beside it
    /// (`<dir>.before-restore-…`) go the same way, keys first. Files in the
    /// folder that attune did not make are left alone and listed.
    ///
    /// Refused with [`StoreError::InUse`] while another attune has the
    /// journal open (`attune serve`): close it, or lock it there first.
    pub fn erase(dir: &Path) -> Result<Erased, StoreError> {
        if !dir.join(KEY_FILE).exists() && !dir.join(DB_FILE).exists() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        let _alone = hold_exclusive(dir)?;
        let plain = matches!(keyfile::read(dir), Ok(Some(kf)) if !kf.is_encrypted());
        let mut folders = vec![dir.to_path_buf()];
        folders.extend(moved_aside(dir));
        let mut erased = Erased::default();
        // The cache names the folder by its real path: forget before it goes.
        keycache::forget(dir);
        match erase_folders(dir, &folders, plain, &mut erased) {
            Ok(()) => Ok(erased),
            // Once a key file is gone, "nothing was changed" would be untrue.
            Err(e) if !erased.key_files.is_empty() => {
                Err(StoreError::PartlyErased { path: dir.to_path_buf(), reason: e.to_string() })
            }
            Err(e) => Err(e),
        }
    }
}

/// [`Store::erase`]'s work: the key files of every folder first, then the
/// rest; what was done so far is in `erased` when it stops.
fn erase_folders(dir: &Path, folders: &[PathBuf], plain: bool, erased: &mut Erased) -> Result<(), StoreError> {
    for folder in folders {
        for key in key_files(folder)? {
            destroy_file(&key, true)?;
            erased.key_files.push(key);
        }
        fsutil::sync_dir(folder)?;
    }
    for folder in folders {
        let (removed, left) = remove_journal_files(folder, plain && folder == dir)?;
        erased.removed.extend(removed);
        if left.is_empty() {
            match fs::remove_dir(folder) {
                Ok(()) => {
                    erased.removed.push(folder.clone());
                    if folder == dir {
                        erased.folder_removed = true;
                    }
                }
                Err(e) => return Err(StoreError::io("removing", folder, e)),
            }
        } else {
            erased.left.extend(left);
        }
    }
    fsutil::sync_dir(fsutil::parent_of(dir))
}

#[derive(Clone, Copy)]
enum Table {
    Entries,
    Checkins,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Entries => "entries",
            Table::Checkins => "checkins",
        }
    }
}

/// Removes the records `seqs` of `table` and everything that copies them;
/// returns how many undo records went with them.
/// Whether anything was deleted, or recorded for undo, before `cutoff`.
fn anything_before(conn: &Connection, cutoff: i64) -> Result<bool, StoreError> {
    let sql = "SELECT EXISTS (SELECT 1 FROM entries WHERE deleted_at < ?1) \
                   OR EXISTS (SELECT 1 FROM checkins WHERE deleted_at < ?1) \
                   OR EXISTS (SELECT 1 FROM activities WHERE deleted_at < ?1) \
                   OR EXISTS (SELECT 1 FROM undo_log WHERE at_ms < ?1)";
    Ok(conn.prepare_cached(sql)?.query_row(params![cutoff], |r| r.get(0))?)
}

/// Empties the write-ahead log, so it holds no page from before; false
/// when a reader kept part of it.
fn empty_log(conn: &Connection) -> Result<bool, StoreError> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    Ok(busy == 0)
}

fn remove_records(conn: &Connection, table: Table, seqs: &[i64]) -> Result<usize, StoreError> {
    let (fts, action, links): (&str, &str, &[&str]) = match table {
        Table::Entries => ("entries_fts", "entry-%", &["entry_labels", "entry_tags"]),
        Table::Checkins => ("checkins_fts", "checkin-%", &[]),
    };
    let name = table.name();
    let mut undo_records = 0;
    for &seq in seqs {
        // A deleted record's search row went with the ordinary delete.
        let live: bool = conn
            .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {name} WHERE seq = ?1 AND deleted_at IS NULL)"))?
            .query_row(params![seq], |r| r.get(0))?;
        if live {
            conn.prepare_cached(&format!("DELETE FROM {fts} WHERE rowid = ?1"))?.execute(params![seq])?;
        }
        conn.prepare_cached(&format!(
            "DELETE FROM import_hashes WHERE record_id = (SELECT unhex(replace(id, '-', '')) FROM {name} WHERE seq = ?1)"
        ))?
        .execute(params![seq])?;
        for link in links {
            conn.prepare_cached(&format!("DELETE FROM {link} WHERE entry_seq = ?1"))?.execute(params![seq])?;
        }
        undo_records += conn
            .prepare_cached("DELETE FROM undo_log WHERE record_seq = ?1 AND action LIKE ?2")?
            .execute(params![seq, action])?;
        conn.prepare_cached(&format!("DELETE FROM {name} WHERE seq = ?1"))?.execute(params![seq])?;
    }
    Ok(undo_records)
}

/// Merges each search index into one segment: FTS5 drops a deleted row's
/// words from its segments only when they are merged.
fn merge_search_index(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "INSERT INTO entries_fts (entries_fts) VALUES ('optimize');
         INSERT INTO checkins_fts (checkins_fts) VALUES ('optimize');",
    )?;
    Ok(())
}

/// Journals a restore moved aside beside `dir`, and the copy an interrupted
/// restore left.
fn moved_aside(dir: &Path) -> Vec<PathBuf> {
    let Some(name) = dir.file_name().and_then(|n| n.to_str()) else { return Vec::new() };
    let aside = format!("{name}.before-restore-");
    let restoring = format!(".{name}.restoring");
    let Ok(read) = fs::read_dir(fsutil::parent_of(dir)) else { return Vec::new() };
    let mut found: Vec<PathBuf> = read
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&aside) || n == restoring))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// The key file and any copy of it being written (`key.json.tmp`, and any
/// `key.*` file a newer attune may keep there).
fn key_files(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| StoreError::io("reading", dir, e))? {
        let entry = entry.map_err(|e| StoreError::io("reading", dir, e))?;
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && entry.file_name().to_str().is_some_and(is_key_file) {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

fn is_key_file(name: &str) -> bool {
    name == KEY_FILE || name.starts_with("key.")
}

/// Whether a name in a journal folder is attune's own: the key files, the
/// database and its companions (`attune.db-wal`, `attune.db.new`, and any
/// `attune….db…` a newer attune may write), the lock file and the drafts.
fn is_journal_file(name: &str) -> bool {
    is_key_file(name)
        || name.starts_with(DB_FILE)
        || (name.starts_with("attune") && name.contains(".db"))
        || name == DRAFTS_DIR
        || name == SEALED_DIR
        || name == LOCK_FILE
        || name == keycache::LOCK_REQUEST_FILE
}

/// Removes attune's files from `dir` (drafts too); returns what was removed
/// and what was left because attune did not make it. With `overwrite`, a
/// plain journal's files are overwritten with zeros first.
fn remove_journal_files(dir: &Path, overwrite: bool) -> Result<(Vec<PathBuf>, Vec<PathBuf>), StoreError> {
    let mut removed = Vec::new();
    let mut left = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| StoreError::io("reading", dir, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::io("reading", dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| is_journal_file(n)) else {
            left.push(path);
            continue;
        };
        let kind = entry.file_type().map_err(|e| StoreError::io("reading", &path, e))?;
        if kind.is_dir() && (name == DRAFTS_DIR || name == SEALED_DIR) {
            let (inner, others) = remove_journal_drafts(&path)?;
            removed.extend(inner);
            if others.is_empty() {
                fs::remove_dir(&path).map_err(|e| StoreError::io("removing", &path, e))?;
                removed.push(path);
            } else {
                left.extend(others);
            }
        } else if kind.is_file() {
            destroy_file(&path, overwrite)?;
            removed.push(path);
        } else {
            left.push(path);
        }
    }
    Ok((removed, left))
}

/// Every draft file, and every sealed draft (under keys only the key file
/// opens, so unreadable once it is gone); anything else in the folder is left.
fn remove_journal_drafts(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), StoreError> {
    let mut removed = Vec::new();
    let mut left = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| StoreError::io("reading", dir, e))? {
        let entry = entry.map_err(|e| StoreError::io("reading", dir, e))?;
        let path = entry.path();
        let is_draft = entry.file_type().is_ok_and(|t| t.is_file())
            && path.extension().is_some_and(|e| ["draft", "tmp", "sealed", "taking"].iter().any(|x| e == *x));
        if is_draft {
            destroy_file(&path, true)?;
            removed.push(path);
        } else {
            left.push(path);
        }
    }
    Ok((removed, left))
}

/// Overwrites a file with zeros (when `overwrite`), syncs it and removes it.
/// A missing file is fine. Overwriting cannot reach copies the disk itself
/// keeps (SSD wear-levelling, snapshots); removing the key is what makes the
/// encrypted rest unreadable.
fn destroy_file(path: &Path, overwrite: bool) -> Result<(), StoreError> {
    if overwrite {
        match OpenOptions::new().write(true).open(path) {
            Ok(file) => zero_fill(file).map_err(|e| StoreError::io("overwriting", path, e))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io("overwriting", path, e)),
        }
    }
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("removing", path, e)),
    }
}

fn zero_fill(mut file: File) -> io::Result<()> {
    let len = file.metadata()?.len();
    let zeros = [0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = usize::try_from(left.min(zeros.len() as u64)).unwrap_or(zeros.len());
        file.write_all(zeros.get(..n).unwrap_or(&zeros))?;
        left -= n as u64;
    }
    file.sync_all()
}
