//! The open store: every read and write of journal data.
//!
//! Every write runs in one `BEGIN IMMEDIATE` transaction and returns only
//! after `COMMIT` succeeded. SQLite errors are turned into [`StoreError`]
//! variants with a meaning (busy, disk full, read-only, damaged) at the edge
//! of each public method.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::Duration;

use attune_core::vocab::{from_mask, to_mask};
use attune_core::{Checkin, Consequence, Entry, Intensity, Label, LabelKind, Moment, RecordId, Sign, Slug, Source};
use jiff::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params, params_from_iter};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::StoreError;
use crate::fsutil::{self, Existing};
use crate::keyfile::{self, DataKey, KdfParams, KeyFile, PageMac, Passphrase, Protection, UnwrapError};
use crate::{DB_FILE, DRAFTS_DIR, KEY_FILE, LOCK_FILE, drafts, keycache, migrations};

mod assess;
mod history;
pub(crate) mod import;
pub(crate) mod plan;
pub(crate) mod purge;
pub(crate) mod safety;
mod safety_plan;
mod settings;
/// An open journal.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    /// The database file, as the key file names it.
    db: PathBuf,
    conn: rusqlite::Connection,
    encrypted: bool,
    /// Kept for readers and `backup`, which open the file as this did.
    key: Option<Cipher>,
    /// Extra connections that reads split across threads borrow, kept open
    /// so their page caches stay warm from one read to the next (`serve`
    /// answers many); SQLite checks a cache against the file at each read.
    readers: std::sync::Mutex<Vec<rusqlite::Connection>>,
    /// A shared lock on [`LOCK_FILE`] while open (see [`hold_shared`]).
    _in_use: Option<File>,
}

/// What SQLCipher needs to open an encrypted journal's file: its key, and
/// the MAC its pages carry (from the key file).
#[derive(Clone, Debug)]
struct Cipher {
    key: DataKey,
    page_mac: PageMac,
}

/// The page cache of every connection, in KiB.
const CACHE_KIB: i64 = 16 * 1024;

/// Past this size, the process that closes a store empties the WAL.
const WAL_TRUNCATE_BYTES: u64 = 1 << 20;

impl Drop for Store {
    fn drop(&mut self) {
        // Each process start rebuilds the WAL index by reading the whole WAL
        // and, not knowing what was already copied back, counts all of it as
        // new: SQLite would then never start the WAL over, and every later
        // save would copy it all back again. Once the WAL is past the
        // auto-checkpoint size (256 pages), the closing process empties it.
        let wal = wal_path(&self.db);
        if fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_TRUNCATE_BYTES) {
            // Best effort: when busy (another process reading) or failing,
            // the WAL stays as it is, complete and valid.
            let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

/// A stored entry with its short local number (`seq`), which people type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryRow {
    /// Short number, unique in this store, never reused.
    pub seq: i64,
    /// The entry.
    #[serde(flatten)]
    pub entry: Entry,
}

/// A stored check-in with its short local number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckinRow {
    /// Short number, unique among check-ins, never reused.
    pub seq: i64,
    /// The check-in.
    #[serde(flatten)]
    pub checkin: Checkin,
}

/// What an id typed by a person points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordRef {
    /// An entry, by its local number.
    Entry(i64),
    /// A check-in, by its local number.
    Checkin(i64),
}

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

/// Which check-ins to list.
#[derive(Clone, Debug, Default)]
pub struct CheckinFilter {
    /// At or after.
    pub since: Option<Timestamp>,
    /// At or before.
    pub until: Option<Timestamp>,
    /// The newest N.
    pub limit: Option<usize>,
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
// Hits are few (one page) and built once; boxing would only complicate the API.
#[allow(clippy::large_enum_variant)]
pub enum SearchHit {
    /// An entry matched.
    Entry {
        /// The entry.
        #[serde(flatten)]
        row: EntryRow,
        /// The best matching passage, with matches between `[` and `]`.
        snippet: String,
    },
    /// A check-in note matched.
    Checkin {
        /// The check-in.
        #[serde(flatten)]
        row: CheckinRow,
        /// The best matching passage.
        snippet: String,
    },
}

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
const UNDO_KEEP: i64 = 200;
/// Longest label name accepted.
const MAX_LABEL_NAME_CHARS: usize = 80;
/// Most words used from a search query.
const MAX_SEARCH_WORDS: usize = 32;
/// Words of context around a search match.
const SNIPPET_WORDS: i64 = 12;

/// Columns read for an entry, in the order [`RawEntry::from_row`] expects.
const ENTRY_COLS: &str = "e.seq, e.id, e.occurred_ms, e.occurred_offset, e.occurred_zone, \
     e.recorded_ms, e.recorded_offset, e.recorded_zone, e.situation, e.thoughts, e.fear, e.helped, \
     e.intensity, e.signs_mask, e.sources_mask, e.starred";

/// Columns read for a check-in, in the order [`checkin_from_row`] expects.
const CHECKIN_COLS: &str = "c.seq, c.id, c.at_ms, c.at_offset, c.at_zone, c.security, c.seen, c.trusted, \
     c.respected, c.consequences, c.note";

/// "Now" for `deleted_at`, from SQLite's clock: the delete methods take no
/// time argument, and the value is bookkeeping that is never shown.
const NOW_MS_SQL: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

impl Store {
    /// Whether `dir` holds a store, and whether it is encrypted:
    /// `Ok(Some(true))` encrypted, `Ok(Some(false))` plain, `Ok(None)` no store.
    pub fn probe(dir: &Path) -> Result<Option<bool>, StoreError> {
        let key_file = match keyfile::read(dir) {
            Ok(kf) => kf,
            // A damaged key file matters only beside a journal.
            Err(e) => return if has_journal_file(dir) { Err(e) } else { Ok(None) },
        };
        match key_file {
            Some(kf) if dir.join(kf.db_name()).exists() => Ok(Some(kf.is_encrypted())),
            Some(_) => Ok(None),
            None if has_journal_file(dir) => Err(missing_key_file(dir)),
            None => Ok(None),
        }
    }

    /// Creates a new store in `dir` (created if missing; must not hold a
    /// store yet), seeds the default trigger and feeling lists, and returns it
    /// open, with the data key when encrypted (so the caller can cache it).
    ///
    /// Crash-safe: the key file is written and synced first; the database is
    /// built complete (schema and lists) under a temporary name and only then
    /// renamed to `attune.db`. So an `attune.db` always has its key on disk
    /// and is never half made; leftovers of an interrupted `create` are
    /// replaced by the next one. (Two `create`s racing on one folder are not
    /// supported.)
    pub fn create(dir: &Path, protection: Protection) -> Result<(Store, Option<DataKey>), StoreError> {
        let db = dir.join(DB_FILE);
        // Any generation of a journal's file (a changed passphrase names
        // `attune-N.db`): its key file must never be replaced.
        if has_journal_file(dir) {
            return Err(StoreError::AlreadyExists(dir.to_path_buf()));
        }
        let (key_file, key) = match &protection {
            Protection::None => (KeyFile::Plain, None),
            Protection::Passphrase(passphrase, params) => {
                let bad = |message: String| StoreError::KeyFile { path: dir.join(KEY_FILE), message };
                params.check().map_err(bad)?;
                let key = DataKey::generate()
                    .map_err(|e| StoreError::io("creating a key for", dir, std::io::Error::other(e.to_string())))?;
                let page_mac = PageMac::NEW;
                let mut wrapped = keyfile::wrap(&key, passphrase, *params, page_mac).map_err(bad)?;
                wrapped.drafts = Some(crate::sealed::new_section(&key).map_err(bad)?);
                (KeyFile::Wrapped(wrapped), Some(Cipher { key, page_mac }))
            }
        };
        fsutil::create_private_dir(dir)?;
        fsutil::make_private_dir(dir)?;
        let staging = dir.join(STAGING_FILE);
        remove_db_files(&staging)?;
        keyfile::write(dir, &key_file)?;
        let placed = build_new_db(&staging, key.as_ref())
            .map_err(|e| classify(e, dir))
            .and_then(|()| place_new_db(&staging, &db, dir));
        if let Err(e) = placed {
            let _ = remove_db_files(&staging);
            if !db.exists() {
                let _ = fs::remove_file(dir.join(KEY_FILE));
            }
            return Err(e);
        }
        let in_use = hold_shared(dir)?;
        let store = Self::open_db(dir, &db, key.as_ref(), in_use)?;
        Ok((store, key.map(|c| c.key)))
    }

    /// Unwraps the data key with the passphrase (Argon2id; slow on purpose).
    pub fn unlock(dir: &Path, passphrase: &Passphrase) -> Result<DataKey, StoreError> {
        let wrapped = read_wrapped(dir)?;
        keyfile::unwrap(&wrapped, passphrase).map_err(|e| unwrap_error(e, dir))
    }

    /// Opens an encrypted store with its data key, running pending
    /// migrations first. A plain (unencrypted) store is refused with
    /// [`StoreError::Plain`]: a journal swapped for a plain one would
    /// otherwise take every later entry in plaintext without a word. Only
    /// [`Store::open_plain`], the person's explicit choice, opens one.
    pub fn open(dir: &Path, key: Option<&DataKey>) -> Result<Store, StoreError> {
        Self::open_inner(dir, key, false)
    }

    /// Opens a store that is not encrypted, when the person said a plain
    /// journal is what they want (`attune init --no-encryption`, the
    /// `allow_plain` setting). An encrypted store needs [`Store::open`].
    pub fn open_plain(dir: &Path) -> Result<Store, StoreError> {
        Self::open_inner(dir, None, true)
    }

    fn open_inner(dir: &Path, key: Option<&DataKey>, allow_plain: bool) -> Result<Store, StoreError> {
        if !dir.join(KEY_FILE).exists() {
            return Err(if has_journal_file(dir) {
                missing_key_file(dir)
            } else {
                StoreError::Missing(dir.to_path_buf())
            });
        }
        // Taken before the key file is read: a passphrase change holds it
        // exclusively while it switches the key file to a new database file.
        let in_use = hold_shared(dir)?;
        // Gone since the check above: only by someone removing it.
        let key_file = keyfile::read(dir)?.ok_or_else(|| missing_key_file(dir))?;
        let db = dir.join(key_file.db_name());
        if !db.exists() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        // SQLite would take an empty file for a new database and build an
        // empty journal in it; an emptied journal is damage, not a fresh start.
        if fs::metadata(&db).map_err(|e| StoreError::io("reading", &db, e))?.len() == 0 {
            return Err(StoreError::Corrupt(db));
        }
        let key = match (&key_file, key) {
            (KeyFile::Plain, _) if !allow_plain => return Err(StoreError::Plain(dir.to_path_buf())),
            (KeyFile::Plain, _) => None,
            (KeyFile::Wrapped(_), None) => return Err(StoreError::NeedsKey),
            (KeyFile::Wrapped(w), Some(k)) => Some(Cipher { key: k.clone(), page_mac: w.page_mac }),
        };
        Self::open_db(dir, &db, key.as_ref(), in_use)
    }

    fn open_db(dir: &Path, db: &Path, key: Option<&Cipher>, in_use: Option<File>) -> Result<Store, StoreError> {
        let mut conn = open_connection(db, key, true).map_err(|e| classify(e, dir))?;
        migrations::migrate(&mut conn).map_err(|e| classify(e, dir))?;
        // The key just opened the file the key file names, so whatever an
        // interrupted passphrase change left is known to be stale. Best
        // effort: a read-only folder still opens, and the next open retries.
        if let Some(name) = db.file_name().and_then(|n| n.to_str()) {
            let _ = remove_stale_files(dir, name);
        }
        if let Some(c) = key {
            let _ = drafts::remove_unopenable(&dir.join(DRAFTS_DIR), &c.key);
        }
        let mut store = Store {
            dir: dir.to_path_buf(),
            db: db.to_path_buf(),
            conn,
            encrypted: key.is_some(),
            key: key.cloned(),
            readers: std::sync::Mutex::default(),
            _in_use: in_use,
        };
        // The undo window: best effort, as a read-only or busy journal must
        // still open; what is left is taken at the next open or delete.
        let _ = store.purge_expired();
        Ok(store)
    }

    /// Changes the passphrase and, with it, the data key: a new random key,
    /// under which the journal is copied into a new database file and the
    /// drafts are sealed again; then the key file switches to the new key
    /// and file, and what the old key opens is removed. Returns the new key
    /// (to cache). The key cache is cleared. Backups made before keep the
    /// old key, and open with the old passphrase.
    ///
    /// Takes `attune.lock` exclusively: while another attune has the journal
    /// open it is refused with [`StoreError::InUse`] (a front end that holds
    /// the journal itself uses [`Store::change_passphrase_while_open`]).
    ///
    /// Crash-safe: the key file's atomic switch (write, fsync, rename, fsync
    /// of the folder) is the one moment the change happens; the new file and
    /// drafts are complete and synced before it, and the old ones are only
    /// removed after it. Killed anywhere, the journal opens with the old or
    /// the new passphrase, and the next open or change removes the leftovers
    /// (files the key file does not name, drafts its key does not open).
    /// A failure before the switch changes nothing.
    pub fn change_passphrase(
        dir: &Path,
        old: &Passphrase,
        new: &Passphrase,
        params: KdfParams,
    ) -> Result<DataKey, StoreError> {
        Self::change_passphrase_with(dir, old, new, params, &mut |_| {})
    }

    /// [`Store::change_passphrase`], calling `after` when each step is done
    /// (the crash tests stop the process there).
    #[doc(hidden)]
    pub fn change_passphrase_with(
        dir: &Path,
        old: &Passphrase,
        new: &Passphrase,
        params: KdfParams,
        after: &mut dyn FnMut(ChangeStep),
    ) -> Result<DataKey, StoreError> {
        let bad = |message: String| StoreError::KeyFile { path: dir.join(KEY_FILE), message };
        params.check().map_err(bad)?;
        // Before reading anything: no other attune has the journal open, and
        // none opens it until the new key file is in place.
        let _only_us = hold_exclusive_waiting(dir)?;
        let wrapped = read_wrapped(dir)?;
        let old_key = keyfile::unwrap(&wrapped, old).map_err(|e| unwrap_error(e, dir))?;
        let key_file = KeyFile::Wrapped(wrapped.clone());
        let current_name = key_file.db_name().to_string();
        let current = dir.join(&current_name);
        if !current.exists() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        // The old key may have been read from the cache: it goes first.
        keycache::forget(dir);
        let new_key = DataKey::generate()
            .map_err(|e| StoreError::io("creating a key for", dir, std::io::Error::other(e.to_string())))?;
        // New journals' page MAC: the copy is made as a new journal is.
        let mut new_wrapped = keyfile::wrap(&new_key, new, params, PageMac::NEW).map_err(bad)?;
        let next_name = keyfile::db_file_name(keyfile::generation_of(&current_name).unwrap_or(1) + 1);
        let next = dir.join(&next_name);
        let drafts_dir = dir.join(DRAFTS_DIR);
        // Leftovers of an interrupted change, known stale now.
        remove_stale_files(dir, &current_name)?;
        drafts::remove_unopenable(&drafts_dir, &old_key)?;
        after(ChangeStep::Locked);

        let old_cipher = Cipher { key: old_key.clone(), page_mac: wrapped.page_mac };
        let new_cipher = Cipher { key: new_key.clone(), page_mac: PageMac::NEW };
        let copied = copy_under_new_key(&current, &next, &old_cipher, &new_cipher, &mut *after)
            .map_err(|e| classify(e, dir))
            .and_then(|()| {
                after(ChangeStep::Synced);
                drafts::rekey(&drafts_dir, &old_key, &new_key)
            });
        let old_drafts = match copied {
            Ok(paths) => paths,
            Err(e) => {
                // Nothing is changed: the key file still names the old file.
                let _ = remove_db_files(&next);
                let _ = drafts::remove_unopenable(&drafts_dir, &old_key);
                return Err(e);
            }
        };
        after(ChangeStep::DraftsSealed);

        new_wrapped.db = Some(next_name);
        // The sealed drafts' key pair moves to the new data key; the public
        // half stays, so drafts sealed before the change still open. One that
        // cannot be moved is dropped, and the next unlock makes a new pair.
        new_wrapped.drafts =
            wrapped.drafts.as_ref().and_then(|d| crate::sealed::rewrap_drafts(d, &old_key, &new_key).ok());
        if let Err(e) = keyfile::write(dir, &KeyFile::Wrapped(new_wrapped)) {
            // The rename did not happen (or the key file could not be
            // synced, in which case either one is there, and both open).
            if keyfile::read(dir).ok().flatten().as_ref() == Some(&key_file) {
                let _ = remove_db_files(&next);
                let _ = drafts::remove_unopenable(&drafts_dir, &old_key);
            }
            return Err(e);
        }
        after(ChangeStep::KeySwitched);

        // Changed. What follows only removes what the old key opens; should
        // it fail, the next open removes it.
        keycache::forget(dir);
        if remove_db_files(&current).is_ok() {
            let _ = fsutil::sync_dir(dir);
        }
        after(ChangeStep::OldRemoved);
        let _ = drafts::remove_all(&drafts_dir, &old_drafts);
        after(ChangeStep::DraftsRemoved);
        Ok(new_key)
    }

    /// [`Store::change_passphrase`] for a front end that holds this journal
    /// open (`attune serve`): this store closes its files, the change runs,
    /// and it opens again with the new key, or with the old one when the
    /// change failed (then nothing was changed). A wrong `old` passphrase is
    /// found before anything is closed.
    pub fn change_passphrase_while_open(
        &mut self,
        old: &Passphrase,
        new: &Passphrase,
        params: KdfParams,
    ) -> Result<DataKey, StoreError> {
        let dir = self.dir.clone();
        let Some(was) = self.key.clone() else {
            return Err(StoreError::KeyFile {
                path: dir.join(KEY_FILE),
                message: "this journal is not encrypted, so it has no passphrase".into(),
            });
        };
        keyfile::unwrap(&read_wrapped(&dir)?, old).map_err(|e| unwrap_error(e, &dir))?;
        // Close the database and give up the shared lock, keeping the value.
        self.conn = Connection::open_in_memory()?;
        if let Ok(mut readers) = self.readers.lock() {
            readers.clear();
        }
        self._in_use = None;
        let changed = Self::change_passphrase(&dir, old, new, params);
        let key = changed.as_ref().map_or(was.key, DataKey::clone);
        *self = Store::open(&dir, Some(&key))?;
        changed
    }

    /// The drafts this journal's key opens (entries not saved yet, and
    /// sealed drafts offered back at unlock), newest first.
    pub fn drafts(&self) -> Result<Vec<crate::drafts::DraftFile>, StoreError> {
        crate::drafts::list(&self.dir.join(crate::DRAFTS_DIR), self.key.as_ref().map(|c| &c.key))
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the database is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// Gives SQLite errors their meaning for the person.
    fn edge<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        result.map_err(|e| classify(e, &self.dir))
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

    fn write_tx(&mut self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    // ---- tags -------------------------------------------------------------

    /// Every free tag on live entries and how many entries carry it, most
    /// used first (ties by name). Counted over the link table and the index
    /// of deleted entries, so the entries' pages (most of the file, each
    /// read a page decrypted) are never read.
    pub fn tag_counts(&self) -> Result<Vec<(String, usize)>, StoreError> {
        self.edge(tag_counts(&self.conn))
    }

    // ---- labels -----------------------------------------------------------

    /// The person's list of triggers or feelings (retired and merged included).
    pub fn labels(&self, kind: LabelKind) -> Result<Vec<Label>, StoreError> {
        self.edge(list_labels(&self.conn, kind))
    }

    /// Adds a label; the slug is derived from `name`. Err(Label) if taken.
    pub fn add_label(&mut self, kind: LabelKind, name: &str) -> Result<Label, StoreError> {
        let r = self.add_label_inner(kind, name);
        self.edge(r)
    }

    fn add_label_inner(&mut self, kind: LabelKind, name: &str) -> Result<Label, StoreError> {
        let (slug, name) = label_name(kind, name)?;
        let tx = self.write_tx()?;
        if find_label(&tx, kind, &slug)?.is_some() {
            return Err(taken(kind, &slug));
        }
        tx.execute(
            "INSERT INTO labels (kind, slug, name) VALUES (?1, ?2, ?3)",
            params![kind.as_str(), slug.as_str(), name],
        )?;
        tx.commit()?;
        Ok(Label { kind, slug, name, retired: false, merged_into: None })
    }

    /// Renames a label (slug and name); entries follow.
    pub fn rename_label(&mut self, kind: LabelKind, from: &Slug, new_name: &str) -> Result<Label, StoreError> {
        let r = self.rename_label_inner(kind, from, new_name);
        self.edge(r)
    }

    fn rename_label_inner(&mut self, kind: LabelKind, from: &Slug, new_name: &str) -> Result<Label, StoreError> {
        let (slug, name) = label_name(kind, new_name)?;
        let tx = self.write_tx()?;
        let row = find_label(&tx, kind, from)?.ok_or_else(|| not_on_list(kind, from))?;
        if let Some(target) = row.merged_into {
            let target = label_slug(&tx, target)?;
            return Err(StoreError::Label(format!("'{from}' was merged into '{target}'; rename '{target}' instead")));
        }
        if slug != *from && find_label(&tx, kind, &slug)?.is_some() {
            return Err(taken(kind, &slug));
        }
        tx.execute("UPDATE labels SET slug = ?1, name = ?2 WHERE id = ?3", params![slug.as_str(), name, row.id])?;
        for seq in live_entries_with_label(&tx, row.id)? {
            reindex_entry(&tx, seq)?;
        }
        tx.commit()?;
        Ok(Label { kind, slug, name, retired: row.retired, merged_into: None })
    }

    /// Moves every use of `from` to `into` and marks `from` merged.
    /// Returns how many (live) entries moved.
    pub fn merge_label(&mut self, kind: LabelKind, from: &Slug, into: &Slug) -> Result<usize, StoreError> {
        let r = self.merge_label_inner(kind, from, into);
        self.edge(r)
    }

    fn merge_label_inner(&mut self, kind: LabelKind, from: &Slug, into: &Slug) -> Result<usize, StoreError> {
        let tx = self.write_tx()?;
        let source = find_label(&tx, kind, from)?.ok_or_else(|| not_on_list(kind, from))?;
        if let Some(target) = source.merged_into {
            let target = label_slug(&tx, target)?;
            return Err(StoreError::Label(format!("'{from}' is already merged into '{target}'")));
        }
        let target = find_label(&tx, kind, into)?.ok_or_else(|| not_on_list(kind, into))?;
        let target_id = follow_merges(&tx, target.id)?;
        if target_id == source.id {
            return Err(StoreError::Label(format!("'{from}' cannot be merged into itself")));
        }
        let target = label_by_id(&tx, target_id)?;
        if target.retired {
            return Err(StoreError::Label(format!(
                "'{}' is retired; restore it first, or merge into another {kind}",
                target.slug
            )));
        }
        let moved = live_entries_with_label(&tx, source.id)?;
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
        let mut relist = tx.prepare(&format!("UPDATE entries SET label_list = {LABEL_LIST_OF_ROW} WHERE seq = ?1"))?;
        for seq in &relisted {
            relist.execute(params![seq])?;
        }
        drop(relist);
        // Keep merge chains one step long.
        tx.execute("UPDATE labels SET merged_into = ?2 WHERE merged_into = ?1", params![source.id, target_id])?;
        tx.execute("UPDATE labels SET merged_into = ?2, retired = 1 WHERE id = ?1", params![source.id, target_id])?;
        for seq in &moved {
            reindex_entry(&tx, *seq)?;
        }
        tx.commit()?;
        Ok(moved.len())
    }

    /// Retires (`true`) or restores (`false`) a label. Restoring a merged
    /// label makes it a separate, usable label again (its old entries stay
    /// with the label they were merged into).
    pub fn set_label_retired(&mut self, kind: LabelKind, slug: &Slug, retired: bool) -> Result<(), StoreError> {
        let r = self.set_label_retired_inner(kind, slug, retired);
        self.edge(r)
    }

    fn set_label_retired_inner(&mut self, kind: LabelKind, slug: &Slug, retired: bool) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        let row = find_label(&tx, kind, slug)?.ok_or_else(|| not_on_list(kind, slug))?;
        if retired {
            tx.execute("UPDATE labels SET retired = 1 WHERE id = ?1", params![row.id])?;
        } else {
            tx.execute("UPDATE labels SET retired = 0, merged_into = NULL WHERE id = ?1", params![row.id])?;
        }
        tx.commit()?;
        Ok(())
    }

    // ---- entries ----------------------------------------------------------

    /// Saves a new entry; returns its number after COMMIT succeeded.
    ///
    /// Triggers and feelings are looked up by slug (following merges; retired
    /// labels are accepted, as the caller has already applied the rules for
    /// new input and an import may carry them). An unknown slug is
    /// `StoreError::Label` and nothing is saved.
    pub fn insert_entry(&mut self, entry: &Entry) -> Result<i64, StoreError> {
        let r = self.insert_entry_inner(entry);
        self.edge(r)
    }

    fn insert_entry_inner(&mut self, entry: &Entry) -> Result<i64, StoreError> {
        let tx = self.write_tx()?;
        let seq = insert_entry_row(&tx, entry)?;
        log_action(&tx, "entry-create", seq, None)?;
        tx.commit()?;
        Ok(seq)
    }

    /// Saves many entries in one transaction, without undo records. For
    /// benches and bulk imports; returns the new numbers in order.
    #[doc(hidden)]
    pub fn bulk_insert_entries(&mut self, entries: &[Entry]) -> Result<Vec<i64>, StoreError> {
        let r = self.bulk_insert_inner(entries);
        self.edge(r)
    }

    fn bulk_insert_inner(&mut self, entries: &[Entry]) -> Result<Vec<i64>, StoreError> {
        let tx = self.write_tx()?;
        let seqs = entries.iter().map(|e| insert_entry_row(&tx, e)).collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;
        Ok(seqs)
    }

    /// Replaces an entry's content (same id); the previous version is kept for undo.
    pub fn update_entry(&mut self, entry: &Entry) -> Result<i64, StoreError> {
        let r = self.update_entry_inner(entry);
        self.edge(r)
    }

    fn update_entry_inner(&mut self, entry: &Entry) -> Result<i64, StoreError> {
        let tx = self.write_tx()?;
        let seq: i64 = tx
            .query_row(
                "SELECT seq FROM entries WHERE id = ?1 AND deleted_at IS NULL",
                params![entry.id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "entry", given: entry.id.to_string() })?;
        let before = snapshot(&tx, seq)?;
        let before = serde_json::to_string(&before).map_err(|e| StoreError::Decode(e.to_string()))?;
        let triggers = label_ids(&tx, LabelKind::Trigger, &entry.triggers)?;
        let feelings = label_ids(&tx, LabelKind::Feeling, &entry.feelings)?;
        write_entry_fields(&tx, seq, entry)?;
        write_entry_lists(&tx, seq, &triggers, &feelings, &entry.tags)?;
        reindex_entry(&tx, seq)?;
        log_action(&tx, "entry-edit", seq, Some(&before))?;
        tx.commit()?;
        Ok(seq)
    }

    /// Soft-deletes an entry: undo brings it back within the undo window
    /// ([`UNDO_WINDOW_DAYS`](crate::UNDO_WINDOW_DAYS)); after that it is
    /// removed for good.
    pub fn delete_entry(&mut self, seq: i64) -> Result<(), StoreError> {
        let r = self.delete_entry_inner(seq);
        self.edge(r)
    }

    fn delete_entry_inner(&mut self, seq: i64) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        if !soft_delete(&tx, "entries", seq)? {
            return Err(StoreError::NotFound { what: "entry", given: seq.to_string() });
        }
        tx.execute("DELETE FROM entries_fts WHERE rowid = ?1", params![seq])?;
        log_action(&tx, "entry-delete", seq, None)?;
        tx.commit()?;
        // Saved; what is past the undo window can wait for a later try.
        let _ = self.purge_expired();
        Ok(())
    }

    /// One entry by number (not deleted).
    pub fn entry(&self, seq: i64) -> Result<EntryRow, StoreError> {
        self.edge(read_entry(&self.conn, seq))
    }

    /// Entries matching the filter, newest first.
    pub fn entries(&self, filter: &EntryFilter) -> Result<Vec<EntryRow>, StoreError> {
        self.edge(self.entries_inner(filter))
    }

    fn entries_inner(&self, filter: &EntryFilter) -> Result<Vec<EntryRow>, StoreError> {
        let (where_sql, mut values) = entry_filter_sql(&self.conn, filter)?;
        let mut sql =
            format!("SELECT {ENTRY_COLS} FROM entries e WHERE {where_sql} ORDER BY e.occurred_ms DESC, e.seq DESC");
        if let Some(limit) = filter.limit {
            values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT ?{}", values.len()));
        }
        query_entries(&self.conn, &sql, &values)
    }

    /// Every live entry, oldest first, handed to `each` one at a time, so a
    /// whole-journal export never holds them all. The lists come from two
    /// scans of their tables up front, not a query per entry.
    pub fn each_entry(&self, each: &mut dyn FnMut(EntryRow)) -> Result<(), StoreError> {
        self.edge(self.each_entry_inner(each))
    }

    fn each_entry_inner(&self, each: &mut dyn FnMut(EntryRow)) -> Result<(), StoreError> {
        let mut lists = all_lists(&self.conn)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ENTRY_COLS} FROM entries e WHERE e.deleted_at IS NULL ORDER BY e.occurred_ms, e.seq"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let raw = RawEntry::from_row(row)?;
            let l = lists.remove(&raw.seq);
            each(raw.decode(l)?);
        }
        Ok(())
    }

    /// How many entries match the filter (ignoring its limit).
    pub fn count_entries(&self, filter: &EntryFilter) -> Result<usize, StoreError> {
        self.edge(self.count_entries_inner(filter))
    }

    fn count_entries_inner(&self, filter: &EntryFilter) -> Result<usize, StoreError> {
        let (where_sql, values) = entry_filter_sql(&self.conn, filter)?;
        let sql = format!("SELECT count(*) FROM entries e WHERE {where_sql}");
        let n: i64 = self.conn.prepare_cached(&sql)?.query_row(params_from_iter(values.iter()), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    // ---- check-ins --------------------------------------------------------

    /// Saves a new check-in; returns its number after COMMIT succeeded.
    pub fn insert_checkin(&mut self, checkin: &Checkin) -> Result<i64, StoreError> {
        let r = self.insert_checkin_inner(checkin);
        self.edge(r)
    }

    fn insert_checkin_inner(&mut self, c: &Checkin) -> Result<i64, StoreError> {
        let tx = self.write_tx()?;
        let seq = insert_checkin_row(&tx, c)?;
        log_action(&tx, "checkin-create", seq, None)?;
        tx.commit()?;
        Ok(seq)
    }

    /// Soft-deletes a check-in.
    pub fn delete_checkin(&mut self, seq: i64) -> Result<(), StoreError> {
        let r = self.delete_checkin_inner(seq);
        self.edge(r)
    }

    fn delete_checkin_inner(&mut self, seq: i64) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        if !soft_delete(&tx, "checkins", seq)? {
            return Err(StoreError::NotFound { what: "check-in", given: format!("c{seq}") });
        }
        tx.execute("DELETE FROM checkins_fts WHERE rowid = ?1", params![seq])?;
        log_action(&tx, "checkin-delete", seq, None)?;
        tx.commit()?;
        // Saved; what is past the undo window can wait for a later try.
        let _ = self.purge_expired();
        Ok(())
    }

    /// One check-in by number.
    pub fn checkin(&self, seq: i64) -> Result<CheckinRow, StoreError> {
        self.edge(read_checkin(&self.conn, seq))
    }

    /// Check-ins matching the filter, newest first.
    pub fn checkins(&self, filter: &CheckinFilter) -> Result<Vec<CheckinRow>, StoreError> {
        self.edge(self.checkins_inner(filter))
    }

    fn checkins_inner(&self, filter: &CheckinFilter) -> Result<Vec<CheckinRow>, StoreError> {
        let mut values = Vec::new();
        let mut sql = format!("SELECT {CHECKIN_COLS} FROM checkins c WHERE c.deleted_at IS NULL");
        if let Some(since) = filter.since {
            values.push(Value::Integer(since.as_millisecond()));
            sql.push_str(&format!(" AND c.at_ms >= ?{}", values.len()));
        }
        if let Some(until) = filter.until {
            values.push(Value::Integer(until.as_millisecond()));
            sql.push_str(&format!(" AND c.at_ms <= ?{}", values.len()));
        }
        sql.push_str(" ORDER BY c.at_ms DESC, c.seq DESC");
        if let Some(limit) = filter.limit {
            values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT ?{}", values.len()));
        }
        query_checkins(&self.conn, &sql, &values)
    }

    // ---- search -----------------------------------------------------------

    /// Full-text search over every text field of entries (situation, thoughts,
    /// fear, helped, tags, trigger and feeling names) and check-in notes.
    /// All words must match (prefix match on each); newest first, at most `limit`.
    /// Returns the hits and the total number of matches.
    ///
    /// Only letters and digits of `words` are used, each as a quoted prefix
    /// term, so no input is ever read as FTS5 query syntax.
    pub fn search(&self, words: &str, limit: usize) -> Result<(Vec<SearchHit>, usize), StoreError> {
        self.edge(self.search_inner(words, limit))
    }

    /// Per table, the FTS query runs once whatever the page size (see
    /// [`newest_matches`]); snippets come from the page's rows in memory.
    /// Per-row FTS queries would merge the prefix terms' whole doclists again
    /// for every hit.
    fn search_inner(&self, words: &str, limit: usize) -> Result<(Vec<SearchHit>, usize), StoreError> {
        let Some(query) = fts_query(words) else {
            return Ok((Vec::new(), 0));
        };
        let conn = &self.conn;
        let lim = i64::try_from(limit).unwrap_or(i64::MAX);
        let entry_matches = newest_matches(conn, "entries", "e", "occurred_ms", &query, lim)?;
        let checkin_matches = newest_matches(conn, "checkins", "c", "at_ms", &query, lim)?;
        let total = entry_matches.0 + checkin_matches.0;
        let (entry_matches, checkin_matches) = (entry_matches.1, checkin_matches.1);

        // Merge the two newest-first lists; ties go to the entry.
        let (mut e_page, mut c_page, mut order) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ei, mut ci) = (entry_matches.iter().peekable(), checkin_matches.iter().peekable());
        while order.len() < limit {
            let take_entry = match (ei.peek(), ci.peek()) {
                (Some(e), Some(c)) => e.1 >= c.1,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_entry {
                if let Some((seq, _)) = ei.next() {
                    e_page.push(*seq);
                    order.push(RecordRef::Entry(*seq));
                }
            } else if let Some((seq, _)) = ci.next() {
                c_page.push(*seq);
                order.push(RecordRef::Checkin(*seq));
            }
        }
        if order.is_empty() {
            return Ok((Vec::new(), total));
        }

        let e_ids = json_ids(&e_page)?;
        let c_ids = json_ids(&c_page)?;
        let entry_sql = format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.seq IN (SELECT value FROM json_each(?1))");
        let mut entries: HashMap<i64, EntryRow> =
            query_entries(conn, &entry_sql, &[Value::Text(e_ids.clone())])?.into_iter().map(|r| (r.seq, r)).collect();
        let checkin_sql =
            format!("SELECT {CHECKIN_COLS} FROM checkins c WHERE c.seq IN (SELECT value FROM json_each(?1))");
        let mut checkins: HashMap<i64, CheckinRow> = query_checkins(conn, &checkin_sql, &[Value::Text(c_ids.clone())])?
            .into_iter()
            .map(|r| (r.seq, r))
            .collect();
        let terms = search_terms(words);
        let mut hits = Vec::with_capacity(order.len());
        for r in order {
            match r {
                RecordRef::Entry(seq) => {
                    if let Some(row) = entries.remove(&seq) {
                        let e = &row.entry;
                        let snippet = snippet(&[&e.situation, &e.thoughts, &e.fear, &e.helped], &terms);
                        hits.push(SearchHit::Entry { row, snippet });
                    }
                }
                RecordRef::Checkin(seq) => {
                    if let Some(row) = checkins.remove(&seq) {
                        let snippet = snippet(&[&row.checkin.note], &terms);
                        hits.push(SearchHit::Checkin { row, snippet });
                    }
                }
            }
        }
        Ok((hits, total))
    }

    // ---- ids --------------------------------------------------------------

    /// Resolves an id as typed: "12" (entry number), "c3" (check-in number),
    /// or at least 6 hex digits of a UUID (with or without dashes).
    pub fn resolve(&self, given: &str) -> Result<RecordRef, StoreError> {
        self.edge(self.resolve_inner(given))
    }

    fn resolve_inner(&self, given: &str) -> Result<RecordRef, StoreError> {
        let text = given.trim().to_ascii_lowercase();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let simple: String = text.chars().filter(|c| *c != '-').collect();
        let hex = simple.len() >= 6 && simple.len() <= 32 && simple.bytes().all(|b| b.is_ascii_hexdigit());

        if digits(&text) {
            if let Ok(n) = text.parse::<i64>()
                && live(&self.conn, "entries", n)?
            {
                return Ok(RecordRef::Entry(n));
            }
            if !hex {
                return Err(StoreError::NotFound { what: "entry", given: given.trim().to_string() });
            }
        } else if let Some(rest) = text.strip_prefix('c')
            && digits(rest)
        {
            if let Ok(n) = rest.parse::<i64>()
                && live(&self.conn, "checkins", n)?
            {
                return Ok(RecordRef::Checkin(n));
            }
            if !hex {
                return Err(StoreError::NotFound { what: "check-in", given: given.trim().to_string() });
            }
        }
        if !hex {
            return Err(StoreError::NotFound { what: "entry or check-in", given: given.trim().to_string() });
        }
        self.resolve_prefix(&simple, given.trim())
    }

    /// Finds ids starting with a hex prefix with an index range scan: ids are
    /// stored hyphenated in lower case, and every id character sorts below 'g'.
    fn resolve_prefix(&self, simple: &str, given: &str) -> Result<RecordRef, StoreError> {
        let mut low = String::with_capacity(40);
        for (i, c) in simple.chars().enumerate() {
            if matches!(i, 8 | 12 | 16 | 20) {
                low.push('-');
            }
            low.push(c);
        }
        let high = format!("{low}g");
        let mut found = Vec::new();
        let mut count = 0usize;
        for (table, make) in [("entries", RecordRef::Entry as fn(i64) -> RecordRef), ("checkins", RecordRef::Checkin)] {
            let sql = format!("SELECT seq FROM {table} WHERE id >= ?1 AND id < ?2 AND deleted_at IS NULL LIMIT 2");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let seqs = stmt.query_map(params![low, high], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
            if seqs.len() > 1 {
                let sql = format!("SELECT count(*) FROM {table} WHERE id >= ?1 AND id < ?2 AND deleted_at IS NULL");
                let n: i64 = self.conn.query_row(&sql, params![low, high], |r| r.get(0))?;
                count += usize::try_from(n).unwrap_or(0);
            } else {
                count += seqs.len();
            }
            found.extend(seqs.into_iter().map(make));
        }
        match (count, found.first()) {
            (1, Some(r)) => Ok(*r),
            (0, _) | (_, None) => Err(StoreError::NotFound { what: "entry or check-in", given: given.to_string() }),
            (count, _) => Err(StoreError::Ambiguous { given: given.to_string(), count }),
        }
    }

    /// Finds a record by its UUID (used by imports and tests). Deleted
    /// records are not found.
    pub fn find_id(&self, id: RecordId) -> Result<Option<RecordRef>, StoreError> {
        self.edge(self.find_id_inner(id))
    }

    fn find_id_inner(&self, id: RecordId) -> Result<Option<RecordRef>, StoreError> {
        let id = id.to_string();
        let by_id = |table: &str| -> Result<Option<i64>, StoreError> {
            let sql = format!("SELECT seq FROM {table} WHERE id = ?1 AND deleted_at IS NULL");
            Ok(self.conn.prepare_cached(&sql)?.query_row(params![id], |r| r.get(0)).optional()?)
        };
        if let Some(seq) = by_id("entries")? {
            return Ok(Some(RecordRef::Entry(seq)));
        }
        Ok(by_id("checkins")?.map(RecordRef::Checkin))
    }

    // ---- undo -------------------------------------------------------------

    /// Reverts the most recent create, edit or delete; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Undone>, StoreError> {
        let r = self.undo_inner();
        self.edge(r)
    }

    fn undo_inner(&mut self) -> Result<Option<Undone>, StoreError> {
        let tx = self.write_tx()?;
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
                soft_delete(&tx, "entries", seq)?;
                tx.execute("DELETE FROM entries_fts WHERE rowid = ?1", params![seq])?;
                Undone::EntryCreated(seq)
            }
            "entry-delete" => {
                tx.execute("UPDATE entries SET deleted_at = NULL WHERE seq = ?1", params![seq])?;
                reindex_entry(&tx, seq)?;
                Undone::EntryDeleted(seq)
            }
            "entry-edit" => {
                let before = before.ok_or_else(|| StoreError::Decode("an edit without its earlier version".into()))?;
                let snap: Snapshot = serde_json::from_str(&before).map_err(|e| StoreError::Decode(e.to_string()))?;
                let follow = |ids: &[i64]| ids.iter().map(|id| follow_merges(&tx, *id)).collect::<Result<Vec<_>, _>>();
                let triggers = follow(&snap.trigger_ids)?;
                let feelings = follow(&snap.feeling_ids)?;
                write_entry_fields(&tx, seq, &snap.entry)?;
                write_entry_lists(&tx, seq, &triggers, &feelings, &snap.entry.tags)?;
                reindex_entry(&tx, seq)?;
                Undone::EntryEdited(seq)
            }
            "checkin-create" => {
                soft_delete(&tx, "checkins", seq)?;
                tx.execute("DELETE FROM checkins_fts WHERE rowid = ?1", params![seq])?;
                Undone::CheckinCreated(seq)
            }
            "checkin-delete" => {
                tx.execute("UPDATE checkins SET deleted_at = NULL WHERE seq = ?1", params![seq])?;
                reindex_checkin(&tx, seq)?;
                Undone::CheckinDeleted(seq)
            }
            other => return Err(StoreError::Decode(format!("unknown action '{other}' in the undo log"))),
        };
        tx.execute("UPDATE undo_log SET undone = 1 WHERE id = ?1", params![log_id])?;
        tx.commit()?;
        Ok(Some(undone))
    }

    // ---- maintenance ------------------------------------------------------

    /// Writes a consistent, encrypted copy of the database to `dest` (online
    /// backup API) and the key file beside it as `<dest>.key.json`.
    /// Refuses to overwrite an existing file.
    pub fn backup(&self, dest: &Path) -> Result<PathBuf, StoreError> {
        let key_dest = backup_key_file(dest);
        for path in [dest, key_dest.as_path()] {
            if path.exists() {
                return Err(already_there(path));
            }
        }
        // Without the journal's own file name: the copy is one file of its own.
        let key_bytes = keyfile::read_file(&self.dir.join(KEY_FILE))?.without_db().to_bytes();
        match fsutil::create_new_private(dest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(already_there(dest)),
            Err(e) => return Err(StoreError::io("creating", dest, e)),
        }
        let copied = self
            .copy_database(dest)
            .map_err(|e| classify(e, fsutil::parent_of(dest)))
            .and_then(|()| fsutil::write_atomic(&key_dest, &key_bytes, Existing::Keep));
        if let Err(e) = copied {
            let _ = fs::remove_file(dest);
            let mut journal = dest.as_os_str().to_os_string();
            journal.push("-journal");
            let _ = fs::remove_file(journal);
            return Err(e);
        }
        Ok(key_dest)
    }

    /// Whether the backup at `backup` (with its `<backup>.key.json`) is
    /// encrypted, so a caller knows whether [`Store::restore`] needs a
    /// passphrase. Either file missing or a bad key file is an error.
    pub fn probe_backup(backup: &Path) -> Result<bool, StoreError> {
        fs::metadata(backup).map_err(|e| StoreError::io("reading", backup, e))?;
        Ok(keyfile::read_file(&backup_key_file(backup))?.is_encrypted())
    }

    /// Puts a backup made by [`Store::backup`] (`backup` and
    /// `<backup>.key.json`) in place of the journal in `dir`.
    ///
    /// The backup is copied into a new folder beside `dir`, unlocked with
    /// `passphrase` (the one it had when it was made; `None` for a plain
    /// backup), brought to this version's schema and checked. Only then is
    /// the journal in `dir`, if there is one, moved aside whole (drafts and
    /// all) to `<dir>.before-restore-<time>`, and the new folder renamed to
    /// `dir`. Nothing is deleted, and a failure before the renames leaves
    /// `dir` as it was. While another attune has the journal open (`attune
    /// serve`), which would go on writing to the folder moved aside, it is
    /// refused with [`StoreError::InUse`].
    ///
    /// A plain (unencrypted) backup is refused with [`StoreError::Plain`]
    /// (restored over an encrypted journal, it would make every later entry
    /// plaintext); [`Store::restore_plain`] is the explicit way.
    pub fn restore(dir: &Path, backup: &Path, passphrase: Option<&Passphrase>) -> Result<Restored, StoreError> {
        Self::restore_inner(dir, backup, passphrase, false)
    }

    /// [`Store::restore`] for a backup that is not encrypted, when the person
    /// said a plain journal is what they want.
    pub fn restore_plain(dir: &Path, backup: &Path) -> Result<Restored, StoreError> {
        Self::restore_inner(dir, backup, None, true)
    }

    fn restore_inner(
        dir: &Path,
        backup: &Path,
        passphrase: Option<&Passphrase>,
        allow_plain: bool,
    ) -> Result<Restored, StoreError> {
        let encrypted = Self::probe_backup(backup)?;
        if !encrypted && !allow_plain {
            return Err(StoreError::Plain(backup.to_path_buf()));
        }
        let key_src = backup_key_file(backup);
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, "give the journal's folder by its name");
            return Err(StoreError::io("restoring into", dir, e));
        };
        let parent = fsutil::parent_of(dir);
        let staging = parent.join(format!(".{name}.restoring"));
        // Left by a restore that was interrupted; never a journal in use.
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| StoreError::io("removing", &staging, e))?;
        }
        fsutil::create_private_dir(&staging)?;
        let swapped = copy_and_check_backup(&staging, backup, &key_src, encrypted, passphrase).and_then(|key| {
            // Held until the swap is done: no attune opens the journal meanwhile.
            let _swapping = hold_exclusive(dir)?;
            let previous = swap_in(&staging, dir, parent, name)?;
            Ok(Restored { key, previous })
        });
        if swapped.is_err() {
            // The checked copy, or what is left of it; the journal is where it was.
            let _ = fs::remove_dir_all(&staging);
        }
        let restored = swapped?;
        fsutil::sync_dir(parent)?;
        Ok(restored)
    }

    fn copy_database(&self, dest: &Path) -> Result<(), StoreError> {
        let mut dst = open_connection(dest, self.key.as_ref(), false)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
            let mut waits = 0;
            loop {
                match backup.step(-1)? {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => {}
                    rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                        waits += 1;
                        if waits > 100 {
                            return Err(StoreError::Busy);
                        }
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    _ => {}
                }
            }
        }
        let version: i64 = dst.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != migrations::latest() {
            return Err(StoreError::Corrupt(dest.to_path_buf()));
        }
        dst.close().map_err(|(_, e)| e)?;
        fsutil::sync_dir(fsutil::parent_of(dest))
    }

    /// `PRAGMA integrity_check` passes, every entry's `label_list` matches
    /// its labels, and, when encrypted, every page's authentication code
    /// verifies.
    pub fn integrity_ok(&self) -> Result<bool, StoreError> {
        self.edge(self.integrity_inner())
    }

    fn integrity_inner(&self) -> Result<bool, StoreError> {
        let first: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if first != "ok" {
            return Ok(false);
        }
        // The derived label lists agree with the label rows.
        let stale: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM entries WHERE label_list IS NOT {LABEL_LIST_OF_ROW}"),
            [],
            |r| r.get(0),
        )?;
        if stale != 0 {
            return Ok(false);
        }
        if self.encrypted {
            let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
            let mut rows = stmt.query([])?;
            if rows.next()?.is_some() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

// ---- opening ----------------------------------------------------------------

/// Opens an existing database file, keys it, proves the key is right, and
/// sets the connection up. Never creates the file. `wal` is false for backup
/// copies, which are meant to be one self-contained file.
fn open_connection(db: &Path, key: Option<&Cipher>, wal: bool) -> Result<Connection, StoreError> {
    // SQLite is built without its own directory syncs (.cargo/config.toml):
    // it would sync the directory on the first commit of every process,
    // one more fsync per save. Its purpose, a durable name for a WAL file
    // that was just created, is served here instead: a WAL that is missing
    // or empty now is synced below once it exists.
    let wal_is_new = wal && fs::metadata(wal_path(db)).map_or(true, |m| m.len() == 0);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags)?;
    // SQLCipher would print a wrong key to stderr as "ERROR CORE …"; the
    // caller gets `Corrupt` instead, and a library never writes to the terminal.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    if wal {
        // Before the first read: if the file turns out damaged or the key
        // wrong, dropping this connection must not checkpoint the WAL into
        // (or delete it beside) a file we could not read.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    }
    if let Some(c) = key {
        conn.execute_batch(&key_pragma(&c.key))?;
        conn.execute_batch(&format!("PRAGMA cipher_hmac_algorithm = {};", c.page_mac.pragma_value()))?;
    }
    // The first read decrypts page 1: a wrong key or a damaged file fails here.
    let check: Result<i64, _> = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
    if let Err(e) = check {
        return Err(match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt(db.to_path_buf())
            }
            _ => e.into(),
        });
    }
    conn.busy_timeout(Duration::from_millis(5000))?;
    if wal {
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        // Each CLI command is a short process: checkpointing on every close
        // would add several fsyncs to every save. The WAL is already durable
        // (synchronous = FULL). A small auto-checkpoint keeps it short,
        // because every process start re-reads it to rebuild the WAL index.
        conn.execute_batch("PRAGMA wal_autocheckpoint = 256;")?;
        if wal_is_new {
            fsutil::sync_dir(fsutil::parent_of(db))?;
        }
    }
    // temp_store: sorts and FTS merges stay in memory, never in plain temp files.
    // secure_delete: what a delete, an edit or a merge frees is overwritten
    // with zeros, so a record deleted for good leaves no copy in free space.
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON;",
    )?;
    // 16 MiB of page cache (default 2): a big journal's indexes stay decrypted in memory.
    conn.execute_batch(&format!("PRAGMA cache_size = -{CACHE_KIB};"))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// The write-ahead log beside database file `db`.
fn wal_path(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-wal");
    name.into()
}

/// `PRAGMA key = "x'…'"` with the raw key, so SQLCipher skips its own KDF.
/// Built in a zeroized buffer of fixed capacity (no reallocation copies).
fn key_pragma(key: &DataKey) -> Zeroizing<String> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = Zeroizing::new(String::with_capacity(96));
    s.push_str("PRAGMA key = \"x'");
    for b in key.as_bytes() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s.push_str("'\";");
    s
}

/// The raw key as SQLCipher's blob literal, `x'…'`, for `ATTACH … KEY`.
fn raw_key_literal(key: &DataKey) -> Zeroizing<String> {
    let pragma = key_pragma(key);
    // `PRAGMA key = "x'…'";` holds it between the double quotes.
    let mut s = Zeroizing::new(String::with_capacity(80));
    if let Some(inner) = pragma.split('"').nth(1) {
        s.push_str(inner);
    }
    s
}

/// Turns SQLite errors into what a person can act on.
fn classify(err: StoreError, dir: &Path) -> StoreError {
    let StoreError::Sqlite(e) = err else {
        return err;
    };
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy,
        Some(C::DiskFull) => StoreError::DiskFull,
        // SQLITE_IOERR: not our bug but the disk's answer (EFBIG, EIO, ENOSPC mid-write).
        Some(C::SystemIoFailure) => StoreError::DiskIo(dir.to_path_buf()),
        Some(C::ReadOnly | C::PermissionDenied) => StoreError::ReadOnly(dir.to_path_buf()),
        Some(C::NotADatabase | C::DatabaseCorrupt) => StoreError::Corrupt(current_db(dir)),
        _ => StoreError::Sqlite(e),
    }
}

fn unwrap_error(e: UnwrapError, dir: &Path) -> StoreError {
    match e {
        UnwrapError::Wrong => StoreError::WrongPassphrase,
        UnwrapError::Invalid(message) => StoreError::KeyFile { path: dir.join(KEY_FILE), message },
    }
}

fn missing_key_file(dir: &Path) -> StoreError {
    StoreError::KeyFile {
        path: dir.join(KEY_FILE),
        message: "it is missing; the journal cannot be opened without it (restore it from a backup)".into(),
    }
}

fn read_wrapped(dir: &Path) -> Result<keyfile::Wrapped, StoreError> {
    match keyfile::read(dir)? {
        Some(KeyFile::Wrapped(w)) => Ok(w),
        Some(KeyFile::Plain) => Err(StoreError::KeyFile {
            path: dir.join(KEY_FILE),
            message: "this journal is not encrypted, so it has no passphrase".into(),
        }),
        None if dir.join(DB_FILE).exists() => Err(missing_key_file(dir)),
        None => Err(StoreError::Missing(dir.to_path_buf())),
    }
}

/// What [`Store::restore`] did.
#[derive(Debug)]
pub struct Restored {
    /// The restored journal's data key (`None` when it is not encrypted), to cache.
    pub key: Option<DataKey>,
    /// Where the journal that was there before now is, whole (`None` if there was none).
    pub previous: Option<PathBuf>,
}

/// Where [`Store::backup`] writes the key file of the copy at `backup`.
pub fn backup_key_file(backup: &Path) -> PathBuf {
    let mut name = backup.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".key.json");
    backup.with_file_name(name)
}

/// Copies a backup's two files into the empty folder `staging` as a
/// journal, unlocks it, migrates it and checks it. Errors name the backup's
/// files, not the staging copies.
fn copy_and_check_backup(
    staging: &Path,
    backup: &Path,
    key_src: &Path,
    encrypted: bool,
    passphrase: Option<&Passphrase>,
) -> Result<Option<DataKey>, StoreError> {
    let to = staging.join(DB_FILE);
    // Made 0600 here rather than `fs::copy`, which would carry over a
    // backup's looser mode (one copied by hand may be 0644).
    let mut source = File::open(backup).map_err(|e| StoreError::io("reading", backup, e))?;
    let mut dest = fsutil::create_new_private(&to).map_err(|e| StoreError::io("creating", &to, e))?;
    std::io::copy(&mut source, &mut dest).map_err(|e| StoreError::io("copying", backup, e))?;
    dest.sync_all().map_err(|e| StoreError::io("syncing", &to, e))?;
    // The copy is `attune.db`, whatever file name the key file had beside
    // its journal (someone may have copied a journal's own key file).
    keyfile::write(staging, &keyfile::read_file(key_src)?.without_db())?;
    fsutil::make_private_dir(staging)?;
    let named = |e: StoreError| match e {
        StoreError::Corrupt(_) => StoreError::Corrupt(backup.to_path_buf()),
        StoreError::KeyFile { message, .. } => StoreError::KeyFile { path: key_src.to_path_buf(), message },
        other => other,
    };
    let key = if encrypted {
        Some(Store::unlock(staging, passphrase.ok_or(StoreError::NeedsKey)?).map_err(named)?)
    } else {
        None
    };
    let store = if encrypted { Store::open(staging, key.as_ref()) } else { Store::open_plain(staging) };
    let store = store.map_err(named)?;
    if !store.integrity_ok()? {
        return Err(StoreError::Corrupt(backup.to_path_buf()));
    }
    drop(store);
    fsutil::sync_dir(staging)?;
    Ok(key)
}

/// Opens the store's lock file, made if missing; `None` where it cannot be
/// (a read-only folder still opens, only without this protection).
fn lock_file(dir: &Path) -> Option<File> {
    let path = dir.join(LOCK_FILE);
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(&path).or_else(|_| File::open(&path)).ok()
}

/// How long an open waits for a restore's swap, which takes milliseconds.
const SWAP_WAIT: Duration = Duration::from_secs(5);

/// Every open store holds a shared lock on [`LOCK_FILE`], so that
/// [`Store::restore`] can refuse to move a journal another attune is using
/// (it would go on writing to the folder moved aside). Waits while a
/// restore swaps folders.
fn hold_shared(dir: &Path) -> Result<Option<File>, StoreError> {
    let Some(file) = lock_file(dir) else { return Ok(None) };
    let start = std::time::Instant::now();
    loop {
        match file.try_lock_shared() {
            Ok(()) => return Ok(Some(file)),
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < SWAP_WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => return Err(StoreError::Busy),
            // A file system without locks: open as before.
            Err(fs::TryLockError::Error(_)) => return Ok(None),
        }
    }
}

/// The exclusive lock a restore takes before it moves the journal in `dir`
/// aside; [`StoreError::InUse`] while another attune has it open.
fn hold_exclusive(dir: &Path) -> Result<Option<File>, StoreError> {
    if !dir.exists() {
        return Ok(None);
    }
    let Some(file) = lock_file(dir) else { return Ok(None) };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::InUse(dir.to_path_buf())),
        Err(fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// [`hold_exclusive`], waiting a few seconds for commands that are about to
/// finish (an `attune log` takes milliseconds).
fn hold_exclusive_waiting(dir: &Path) -> Result<Option<File>, StoreError> {
    let start = std::time::Instant::now();
    loop {
        match hold_exclusive(dir) {
            Err(StoreError::InUse(_)) if start.elapsed() < SWAP_WAIT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Whether `dir` holds a journal's database file, of any generation.
fn has_journal_file(dir: &Path) -> bool {
    dir.join(DB_FILE).exists()
        || fs::read_dir(dir).is_ok_and(|items| {
            items.flatten().any(|item| item.file_name().to_str().is_some_and(|n| keyfile::generation_of(n).is_some()))
        })
}

/// The database file the key file in `dir` names, for messages: `attune.db`
/// when it cannot be read.
fn current_db(dir: &Path) -> PathBuf {
    match keyfile::read(dir) {
        Ok(Some(kf)) => dir.join(kf.db_name()),
        _ => dir.join(DB_FILE),
    }
}

/// Removes every database file of another generation than `keep` (with its
/// WAL, shared memory and journal): what an interrupted passphrase change
/// left behind, the old journal under the old key or an unfinished copy.
/// Only attune's own names are touched.
fn remove_stale_files(dir: &Path, keep: &str) -> Result<(), StoreError> {
    let items = fs::read_dir(dir).map_err(|e| StoreError::io("reading", dir, e))?;
    let mut removed = false;
    for item in items.flatten() {
        let Some(name) = item.file_name().to_str().map(str::to_owned) else { continue };
        let base = ["-wal", "-shm", "-journal"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(&name);
        if base != keep && keyfile::generation_of(base).is_some() {
            let path = item.path();
            match fs::remove_file(&path) {
                Ok(()) => removed = true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io("removing", path, e)),
            }
        }
    }
    if removed {
        fsutil::sync_dir(dir)?;
    }
    Ok(())
}

/// The steps of a passphrase change, in order (see
/// [`Store::change_passphrase_with`]).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeStep {
    /// The exclusive lock is held, the old passphrase checked, leftovers removed.
    Locked,
    /// The WAL is copied back and emptied.
    Checkpointed,
    /// The new database file is written under the new key.
    Exported,
    /// It is synced, with its folder, and checked.
    Synced,
    /// The drafts are sealed again under the new key, beside the old ones.
    DraftsSealed,
    /// The key file names the new key and file: the change happened.
    KeySwitched,
    /// The old database files are gone.
    OldRemoved,
    /// The old drafts are gone.
    DraftsRemoved,
}

impl ChangeStep {
    /// Every step, in order.
    pub const ALL: [ChangeStep; 8] = [
        ChangeStep::Locked,
        ChangeStep::Checkpointed,
        ChangeStep::Exported,
        ChangeStep::Synced,
        ChangeStep::DraftsSealed,
        ChangeStep::KeySwitched,
        ChangeStep::OldRemoved,
        ChangeStep::DraftsRemoved,
    ];

    /// A short name ("key-switched").
    pub fn name(self) -> &'static str {
        match self {
            ChangeStep::Locked => "locked",
            ChangeStep::Checkpointed => "checkpointed",
            ChangeStep::Exported => "exported",
            ChangeStep::Synced => "synced",
            ChangeStep::DraftsSealed => "drafts-sealed",
            ChangeStep::KeySwitched => "key-switched",
            ChangeStep::OldRemoved => "old-removed",
            ChangeStep::DraftsRemoved => "drafts-removed",
        }
    }
}

/// Copies the journal at `current` (under `old`) into the new file `next`
/// under `new` with `sqlcipher_export`, which writes every table and index
/// afresh: free pages of the old file, which may still hold deleted text,
/// are not copied. Then syncs `next` and its folder and checks that it
/// opens with `new` and has the same schema.
fn copy_under_new_key(
    current: &Path,
    next: &Path,
    old: &Cipher,
    new: &Cipher,
    after: &mut dyn FnMut(ChangeStep),
) -> Result<(), StoreError> {
    let Some(next_text) = next.to_str() else {
        let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, "the folder's name is not valid UTF-8");
        return Err(StoreError::io("creating", next, e));
    };
    let conn = open_connection(current, Some(old), true)?;
    // Everything committed is in the file itself, and the WAL is empty.
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(StoreError::Busy);
    }
    after(ChangeStep::Checkpointed);
    fsutil::create_new_private(next).map_err(|e| StoreError::io("creating", next, e))?;
    let key_text = raw_key_literal(&new.key);
    conn.execute("ATTACH DATABASE ?1 AS rotated KEY ?2", params![next_text, key_text.as_str()])?;
    conn.execute_batch(&format!("PRAGMA rotated.cipher_hmac_algorithm = {};", new.page_mac.pragma_value()))?;
    // No journal and no syncs while copying: until the key file names it,
    // the file is nothing; it is synced once, whole, below.
    conn.query_row("PRAGMA rotated.journal_mode = OFF", [], |_| Ok(()))?;
    conn.execute_batch(&format!("PRAGMA rotated.synchronous = OFF; PRAGMA rotated.cache_size = -{CACHE_KIB};"))?;
    conn.query_row("SELECT sqlcipher_export('rotated')", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA rotated.user_version = {version};"))?;
    let schema = "SELECT count(*) FROM main.sqlite_master";
    let objects: i64 = conn.query_row(schema, [], |r| r.get(0))?;
    conn.execute_batch("DETACH DATABASE rotated;")?;
    drop(conn);
    after(ChangeStep::Exported);
    File::open(next).and_then(|f| f.sync_all()).map_err(|e| StoreError::io("syncing", next, e))?;
    fsutil::sync_dir(fsutil::parent_of(next))?;
    let copy = open_connection(next, Some(new), false)?;
    let copied: (i64, i64) =
        copy.query_row(&format!("SELECT ({schema}), (SELECT user_version FROM pragma_user_version)"), [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if copied != (objects, version) {
        return Err(StoreError::Corrupt(next.to_path_buf()));
    }
    Ok(())
}

/// Moves the journal in `dir`, if any, aside and `staging` into its place;
/// returns where the old one went. If the second rename fails, the first is
/// undone.
fn swap_in(staging: &Path, dir: &Path, parent: &Path, name: &str) -> Result<Option<PathBuf>, StoreError> {
    let previous = if dir.exists() {
        let aside = aside_name(parent, name);
        fs::rename(dir, &aside).map_err(|e| StoreError::io("moving aside", dir, e))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = fs::rename(staging, dir) {
        if let Some(aside) = &previous {
            let _ = fs::rename(aside, dir);
        }
        return Err(StoreError::io("restoring into", dir, e));
    }
    Ok(previous)
}

/// A new name beside `name` for the journal a restore replaces.
fn aside_name(parent: &Path, name: &str) -> PathBuf {
    let stamp = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S").to_string();
    let mut path = parent.join(format!("{name}.before-restore-{stamp}"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = parent.join(format!("{name}.before-restore-{stamp}-{n}"));
    }
    path
}

fn already_there(path: &Path) -> StoreError {
    let e = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the file already exists; pick a new name");
    StoreError::io("writing", path, e)
}

/// Name under which `create` builds the database before it becomes `attune.db`.
const STAGING_FILE: &str = "attune.db.new";

/// Removes a database file and its companions; missing ones are fine.
fn remove_db_files(db: &Path) -> Result<(), StoreError> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        let path = PathBuf::from(name);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io("removing", path, e)),
        }
    }
    Ok(())
}

/// Makes a complete new database at `path` (0600): schema, then the default
/// lists. Rollback-journal mode, so closing leaves exactly one file.
fn build_new_db(path: &Path, key: Option<&Cipher>) -> Result<(), StoreError> {
    fsutil::create_new_private(path).map_err(|e| StoreError::io("creating", path, e))?;
    let mut conn = open_connection(path, key, false)?;
    migrations::migrate(&mut conn)?;
    seed_labels(&mut conn)?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// Gives the finished database its real name without replacing a store that
/// appeared meanwhile, and makes the rename durable.
fn place_new_db(staging: &Path, db: &Path, dir: &Path) -> Result<(), StoreError> {
    match fs::hard_link(staging, db) {
        Ok(()) => fs::remove_file(staging).map_err(|e| StoreError::io("removing", staging, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(StoreError::AlreadyExists(dir.to_path_buf()));
        }
        // File systems without hard links.
        Err(_) => fs::rename(staging, db).map_err(|e| StoreError::io("creating", db, e))?,
    }
    fsutil::sync_dir(dir)
}

fn seed_labels(conn: &mut Connection) -> Result<(), StoreError> {
    let labels = attune_core::content::default_labels().map_err(|e| StoreError::Decode(e.to_string()))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut stmt = tx.prepare("INSERT OR IGNORE INTO labels (kind, slug, name) VALUES (?1, ?2, ?3)")?;
        for l in &labels {
            stmt.execute(params![l.kind.as_str(), l.slug.as_str(), l.name])?;
        }
    }
    tx.commit()?;
    Ok(())
}

// ---- labels -----------------------------------------------------------------

struct LabelRow {
    id: i64,
    retired: bool,
    merged_into: Option<i64>,
}

fn find_label(conn: &Connection, kind: LabelKind, slug: &Slug) -> Result<Option<LabelRow>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, retired, merged_into FROM labels WHERE kind = ?1 AND slug = ?2")?
        .query_row(params![kind.as_str(), slug.as_str()], |r| {
            Ok(LabelRow { id: r.get(0)?, retired: r.get(1)?, merged_into: r.get(2)? })
        })
        .optional()?)
}

fn label_slug(conn: &Connection, id: i64) -> Result<String, StoreError> {
    Ok(conn.query_row("SELECT slug FROM labels WHERE id = ?1", params![id], |r| r.get(0))?)
}

fn label_by_id(conn: &Connection, id: i64) -> Result<Label, StoreError> {
    let (kind, slug, name, retired, merged): (String, String, String, bool, Option<String>) = conn.query_row(
        "SELECT l.kind, l.slug, l.name, l.retired, m.slug FROM labels l LEFT JOIN labels m ON m.id = l.merged_into \
         WHERE l.id = ?1",
        params![id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    label_from_parts(&kind, slug, name, retired, merged)
}

fn label_from_parts(
    kind: &str,
    slug: String,
    name: String,
    retired: bool,
    merged: Option<String>,
) -> Result<Label, StoreError> {
    let kind = match kind {
        "trigger" => LabelKind::Trigger,
        "feeling" => LabelKind::Feeling,
        other => return Err(StoreError::Decode(format!("unknown label kind '{other}'"))),
    };
    Ok(Label { kind, slug: slug_from_db(slug)?, name, retired, merged_into: merged.map(slug_from_db).transpose()? })
}

fn slug_from_db(s: String) -> Result<Slug, StoreError> {
    Slug::try_from(s.clone()).map_err(|_| StoreError::Decode(format!("'{s}' is not a valid label id")))
}

fn list_labels(conn: &Connection, kind: LabelKind) -> Result<Vec<Label>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.kind, l.slug, l.name, l.retired, m.slug FROM labels l LEFT JOIN labels m ON m.id = l.merged_into \
         WHERE l.kind = ?1 ORDER BY l.id",
    )?;
    let rows = stmt
        .query_map(params![kind.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|(k, slug, name, retired, merged)| label_from_parts(&k, slug, name, retired, merged)).collect()
}

/// Follows `merged_into` to the label now in use (bounded, in case of a cycle
/// in a damaged file).
fn follow_merges(conn: &Connection, id: i64) -> Result<i64, StoreError> {
    let mut current = id;
    for _ in 0..64 {
        let next: Option<i64> = conn
            .prepare_cached("SELECT merged_into FROM labels WHERE id = ?1")?
            .query_row(params![current], |r| r.get(0))
            .optional()?
            .flatten();
        match next {
            Some(n) => current = n,
            None => return Ok(current),
        }
    }
    Err(StoreError::Decode("label merges form a cycle".into()))
}

/// Label ids for slugs, in order, following merges; an unknown slug is an error.
fn label_ids(conn: &Connection, kind: LabelKind, slugs: &[Slug]) -> Result<Vec<i64>, StoreError> {
    label_ids_cached(conn, kind, slugs, &mut HashMap::new())
}

/// [`label_ids`], remembering each slug's id in `known` (one map per kind):
/// an import looks up the same few labels for every entry, and the lists do
/// not change meanwhile.
fn label_ids_cached(
    conn: &Connection,
    kind: LabelKind,
    slugs: &[Slug],
    known: &mut HashMap<Slug, i64>,
) -> Result<Vec<i64>, StoreError> {
    let mut out = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let id = match known.get(slug) {
            Some(id) => *id,
            None => {
                let row = find_label(conn, kind, slug)?.ok_or_else(|| not_on_list(kind, slug))?;
                let id = follow_merges(conn, row.id)?;
                known.insert(slug.clone(), id);
                id
            }
        };
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn not_on_list(kind: LabelKind, slug: &Slug) -> StoreError {
    StoreError::Label(format!("'{slug}' is not on your list of {kind}s"))
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

// ---- entry rows -------------------------------------------------------------

/// An entry as stored before an edit, with its label ids (not slugs), so that
/// undo still finds them after a rename or merge.
#[derive(Serialize, Deserialize)]
struct Snapshot {
    entry: Entry,
    trigger_ids: Vec<i64>,
    feeling_ids: Vec<i64>,
}

fn snapshot(conn: &Connection, seq: i64) -> Result<Snapshot, StoreError> {
    let entry = read_entry(conn, seq)?.entry;
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

fn insert_entry_row(conn: &Connection, entry: &Entry) -> Result<i64, StoreError> {
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
pub(crate) struct NewEntry<'a> {
    pub(crate) entry: &'a Entry,
    pub(crate) triggers: Vec<i64>,
    pub(crate) feelings: Vec<i64>,
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
pub(crate) fn insert_rows<R>(
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
pub(crate) fn insert_entries(conn: &Connection, rows: &[NewEntry<'_>]) -> Result<i64, StoreError> {
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
fn write_entry_fields(conn: &Connection, seq: i64, entry: &Entry) -> Result<(), StoreError> {
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

fn write_entry_lists(
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
pub(crate) fn label_list(triggers: &[i64], feelings: &[i64]) -> String {
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
const LABEL_LIST_OF_ROW: &str = "coalesce((SELECT group_concat(el.label_id, ',' ORDER BY el.position, el.label_id) \
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
fn reindex_entry(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM entries_fts WHERE rowid = ?1")?.execute(params![seq])?;
    conn.prepare_cached(&format!("{ENTRY_FTS_ROWS} AND e.seq = ?1"))?.execute(params![seq])?;
    Ok(())
}

/// Adds the search rows of the new entries numbered `from` and up, in one
/// statement. Writing them one by one inside a long transaction makes FTS5
/// flush its pending terms to disk at every statement that could roll back
/// alone, merging segments over and over; in one statement they are
/// gathered in memory and written out in large pieces.
fn index_new_entries(conn: &Connection, from: i64) -> Result<(), StoreError> {
    conn.execute(&format!("{ENTRY_FTS_ROWS} AND e.seq >= ?1"), params![from])?;
    Ok(())
}

/// Writes a new check-in row and its search row; returns its number. The
/// caller owns the transaction (one check-in, or a bulk insert).
fn insert_checkin_row(conn: &Connection, c: &Checkin) -> Result<i64, StoreError> {
    let seq = insert_checkin_unindexed(conn, c)?;
    reindex_checkin(conn, seq)?;
    Ok(seq)
}

/// Writes a new check-in row without its search row (see [`index_new_entries`]).
fn insert_checkin_unindexed(conn: &Connection, c: &Checkin) -> Result<i64, StoreError> {
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

fn reindex_checkin(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM checkins_fts WHERE rowid = ?1")?.execute(params![seq])?;
    conn.prepare_cached(&format!("{CHECKIN_FTS_ROWS} AND seq = ?1"))?.execute(params![seq])?;
    Ok(())
}

/// Adds the search rows of the new check-ins numbered `from` and up, in one
/// statement (see [`index_new_entries`]).
fn index_new_checkins(conn: &Connection, from: i64) -> Result<(), StoreError> {
    conn.execute(&format!("{CHECKIN_FTS_ROWS} AND seq >= ?1"), params![from])?;
    Ok(())
}

/// Marks a live row deleted; false if there was no live row.
fn soft_delete(conn: &Connection, table: &str, seq: i64) -> Result<bool, StoreError> {
    let sql = format!("UPDATE {table} SET deleted_at = {NOW_MS_SQL} WHERE seq = ?1 AND deleted_at IS NULL");
    Ok(conn.prepare_cached(&sql)?.execute(params![seq])? == 1)
}

fn live(conn: &Connection, table: &str, seq: i64) -> Result<bool, StoreError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE seq = ?1 AND deleted_at IS NULL)");
    Ok(conn.prepare_cached(&sql)?.query_row(params![seq], |r| r.get(0))?)
}

fn log_action(conn: &Connection, action: &str, seq: i64, before: Option<&str>) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "INSERT INTO undo_log (action, record_seq, before, at_ms) VALUES (?1, ?2, ?3, {NOW_MS_SQL})"
    ))?
    .execute(params![action, seq, before])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("DELETE FROM undo_log WHERE id <= ?1")?.execute(params![id - UNDO_KEEP])?;
    Ok(())
}

/// Column values of an entry row, decoded in a second step so that a bad
/// value becomes `StoreError::Decode` rather than a SQLite error.
struct RawEntry {
    seq: i64,
    id: String,
    occurred: (i64, i64, Option<String>),
    recorded: (i64, i64, Option<String>),
    situation: String,
    thoughts: String,
    fear: String,
    helped: String,
    intensity: Option<i64>,
    signs: i64,
    sources: i64,
    starred: bool,
}

impl RawEntry {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(RawEntry {
            seq: r.get(0)?,
            id: r.get(1)?,
            occurred: (r.get(2)?, r.get(3)?, r.get(4)?),
            recorded: (r.get(5)?, r.get(6)?, r.get(7)?),
            situation: r.get(8)?,
            thoughts: r.get(9)?,
            fear: r.get(10)?,
            helped: r.get(11)?,
            intensity: r.get(12)?,
            signs: r.get(13)?,
            sources: r.get(14)?,
            starred: r.get(15)?,
        })
    }

    fn decode(self, lists: Option<EntryLists>) -> Result<EntryRow, StoreError> {
        let lists = lists.unwrap_or_default();
        let intensity = match self.intensity {
            None => None,
            Some(v) => Some(Intensity::new(v).ok_or_else(|| StoreError::Decode(format!("intensity {v}")))?),
        };
        Ok(EntryRow {
            seq: self.seq,
            entry: Entry {
                id: record_id(&self.id)?,
                occurred: moment(self.occurred)?,
                recorded: moment(self.recorded)?,
                situation: self.situation,
                triggers: lists.triggers,
                thoughts: self.thoughts,
                fear: self.fear,
                feelings: lists.feelings,
                intensity,
                signs: from_mask(mask(self.signs)?, Sign::ALL),
                sources: from_mask(mask(self.sources)?, Source::ALL),
                helped: self.helped,
                tags: lists.tags,
                starred: self.starred,
            },
        })
    }
}

#[derive(Default)]
struct EntryLists {
    triggers: Vec<Slug>,
    feelings: Vec<Slug>,
    tags: Vec<String>,
}

fn record_id(s: &str) -> Result<RecordId, StoreError> {
    s.parse().map_err(|_| StoreError::Decode(format!("'{s}' is not a record id")))
}

fn moment((ms, offset, zone): (i64, i64, Option<String>)) -> Result<Moment, StoreError> {
    let at = Timestamp::from_millisecond(ms).map_err(|e| StoreError::Decode(format!("time {ms}: {e}")))?;
    let offset_seconds = i32::try_from(offset).map_err(|_| StoreError::Decode(format!("offset {offset}")))?;
    Ok(Moment { at, offset_seconds, zone })
}

fn mask(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Decode(format!("mask {v}")))
}

fn read_entry(conn: &Connection, seq: i64) -> Result<EntryRow, StoreError> {
    let sql = format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.seq = ?1 AND e.deleted_at IS NULL");
    query_entries(conn, &sql, &[Value::Integer(seq)])?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "entry", given: seq.to_string() })
}

/// Runs an entry query, then loads the labels and tags of all its rows in
/// two batched queries (not one per entry).
fn query_entries(conn: &Connection, sql: &str, values: &[Value]) -> Result<Vec<EntryRow>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let raw = stmt.query_map(params_from_iter(values.iter()), RawEntry::from_row)?.collect::<Result<Vec<_>, _>>()?;
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let seqs: Vec<i64> = raw.iter().map(|r| r.seq).collect();
    let mut lists = load_lists(conn, &seqs)?;
    raw.into_iter()
        .map(|r| {
            let l = lists.remove(&r.seq);
            r.decode(l)
        })
        .collect()
}

fn load_lists(conn: &Connection, seqs: &[i64]) -> Result<HashMap<i64, EntryLists>, StoreError> {
    let ids = serde_json::to_string(seqs).map_err(|e| StoreError::Decode(e.to_string()))?;
    let mut out: HashMap<i64, EntryLists> = HashMap::with_capacity(seqs.len());
    let mut stmt = conn.prepare_cached(
        "SELECT el.entry_seq, l.kind, l.slug FROM entry_labels el JOIN labels l ON l.id = el.label_id \
         WHERE el.entry_seq IN (SELECT value FROM json_each(?1)) ORDER BY el.entry_seq, el.position, el.label_id",
    )?;
    let rows = stmt.query_map(params![ids], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?)))?;
    for row in rows {
        let (seq, kind, slug) = row?;
        let slug = slug_from_db(slug)?;
        let lists = out.entry(seq).or_default();
        if kind == "trigger" { lists.triggers.push(slug) } else { lists.feelings.push(slug) }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT entry_seq, tag FROM entry_tags WHERE entry_seq IN (SELECT value FROM json_each(?1)) \
         ORDER BY entry_seq, position",
    )?;
    let rows = stmt.query_map(params![ids], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (seq, tag) = row?;
        out.entry(seq).or_default().tags.push(tag);
    }
    Ok(out)
}

/// The lists of every entry (deleted ones too: cheaper than joining to skip them).
fn all_lists(conn: &Connection) -> Result<HashMap<i64, EntryLists>, StoreError> {
    let mut out: HashMap<i64, EntryLists> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT el.entry_seq, l.kind, l.slug FROM entry_labels el JOIN labels l ON l.id = el.label_id \
         ORDER BY el.entry_seq, el.position, el.label_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (seq, kind, slug): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let slug = slug_from_db(slug)?;
        let lists = out.entry(seq).or_default();
        if kind == "trigger" { lists.triggers.push(slug) } else { lists.feelings.push(slug) }
    }
    let mut stmt = conn.prepare("SELECT entry_seq, tag FROM entry_tags ORDER BY entry_seq, position")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().tags.push(r.get(1)?);
    }
    Ok(out)
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

// ---- check-in rows ----------------------------------------------------------

type RawCheckin = (i64, String, (i64, i64, Option<String>), u8, Option<u8>, Option<u8>, Option<u8>, String, String);

fn checkin_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawCheckin> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        (r.get(2)?, r.get(3)?, r.get(4)?),
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

fn decode_checkin(raw: RawCheckin) -> Result<CheckinRow, StoreError> {
    let (seq, id, at, security, seen, trusted, respected, consequences, note) = raw;
    let consequences: BTreeMap<Consequence, u8> =
        serde_json::from_str(&consequences).map_err(|e| StoreError::Decode(format!("consequences: {e}")))?;
    Ok(CheckinRow {
        seq,
        checkin: Checkin {
            id: record_id(&id)?,
            at: moment(at)?,
            security,
            seen,
            trusted,
            respected,
            consequences,
            note,
        },
    })
}

fn query_checkins(conn: &Connection, sql: &str, values: &[Value]) -> Result<Vec<CheckinRow>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let raw = stmt.query_map(params_from_iter(values.iter()), checkin_from_row)?.collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(decode_checkin).collect()
}

fn read_checkin(conn: &Connection, seq: i64) -> Result<CheckinRow, StoreError> {
    let sql = format!("SELECT {CHECKIN_COLS} FROM checkins c WHERE c.seq = ?1 AND c.deleted_at IS NULL");
    query_checkins(conn, &sql, &[Value::Integer(seq)])?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "check-in", given: format!("c{seq}") })
}

// ---- search -----------------------------------------------------------------

/// An FTS5 query from free text: every run of letters and digits becomes a
/// quoted prefix term (`"word"*`), all of which must match. Quotes,
/// operators and parentheses in the input are separators, never syntax.
fn fts_query(words: &str) -> Option<String> {
    let terms: Vec<String> = words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if terms.is_empty() { None } else { Some(terms.join(" ")) }
}

/// How many live records of `table` match, and the newest `limit` of them
/// as (seq, time). The FTS query runs once, into a sorted list (FTS5 yields
/// rowids in order natively; deleted records are not in the index, so its
/// length is the total). Then the cheaper of two ways:
/// look each match up and sort (a page of the table, decrypted, per match),
/// or walk the table's live-by-time index newest first until `limit`
/// matches, never reading the rows themselves (about total / matches ×
/// limit index rows, some hundred to a decrypted page).
fn newest_matches(
    conn: &Connection,
    table: &str,
    alias: &str,
    time: &str,
    query: &str,
    limit: i64,
) -> Result<(usize, Vec<(i64, i64)>), StoreError> {
    let fts_sql = format!("SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?1 ORDER BY rowid");
    let matched: Vec<i64> =
        conn.prepare_cached(&fts_sql)?.query_map(params![query], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let count = matched.len();
    if count == 0 || limit <= 0 {
        return Ok((count, Vec::new()));
    }
    let want = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut page = Vec::with_capacity(want.min(count));
    // Every number ever given out bounds the rows the walk may pass.
    let rows: i64 =
        conn.prepare_cached(&format!("SELECT coalesce(max(seq), 0) FROM {table}"))?.query_row([], |r| r.get(0))?;
    if look_up_each(count, usize::try_from(rows).unwrap_or(usize::MAX), want) {
        let sql = format!(
            "SELECT {alias}.seq, {alias}.{time} FROM {table} {alias} \
             WHERE {alias}.deleted_at IS NULL AND {alias}.seq IN (SELECT value FROM json_each(?1)) \
             ORDER BY {alias}.{time} DESC, {alias}.seq DESC LIMIT ?2"
        );
        let ids = json_ids(&matched)?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![ids, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            page.push(row?);
        }
    } else {
        // Many matches: newest first along the live-by-time index, keeping the
        // matched ones; with a match in every n rows this reads about n × limit rows.
        let sql = format!(
            "SELECT {alias}.seq, {alias}.{time} FROM {table} {alias} \
             WHERE {alias}.deleted_at IS NULL ORDER BY {alias}.{time} DESC, {alias}.seq DESC"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        while page.len() < want
            && let Some(row) = rows.next()?
        {
            let seq: i64 = row.get(0)?;
            if matched.binary_search(&seq).is_ok() {
                page.push((seq, row.get(1)?));
            }
        }
    }
    Ok((count, page))
}

/// The lower-cased words of a search, as [`fts_query`] splits them.
fn search_terms(words: &str) -> Vec<String> {
    words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// The passage around the first word that starts with a search term, matches
/// between `[` and `]`. Built from the page's rows in memory: asking FTS5 for
/// snippets would walk every match of the query again.
fn snippet(texts: &[&str], terms: &[String]) -> String {
    let hit = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        !w.is_empty() && terms.iter().any(|t| w.starts_with(t.as_str()))
    };
    let words_of = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    // The field where a term appears; otherwise (a tag or trigger matched) the first non-empty one.
    let (words, first) = texts
        .iter()
        .find_map(|t| {
            let words = words_of(t);
            words.iter().position(|w| hit(w)).map(|i| (words, Some(i)))
        })
        .unwrap_or_else(|| (texts.iter().map(|t| words_of(t)).find(|w| !w.is_empty()).unwrap_or_default(), None));
    let max = usize::try_from(SNIPPET_WORDS).unwrap_or(12);
    let start = first.map_or(0, |i| i.saturating_sub(max / 3));
    let end = (start + max).min(words.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    for (i, w) in words[start..end].iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if hit(w) {
            out.push('[');
            out.push_str(w);
            out.push(']');
        } else {
            out.push_str(w);
        }
    }
    if end < words.len() {
        out.push('…');
    }
    out
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

/// Whether looking up each of `matches` rows beats walking the time index
/// for the newest `want` of them among `rows` rows. A look-up decrypts about
/// one table page; the walk passes about rows / matches × want index rows,
/// roughly 100 of which cost as much as one page.
fn look_up_each(matches: usize, rows: usize, want: usize) -> bool {
    (matches as u128).saturating_pow(2).saturating_mul(100) <= (rows as u128).saturating_mul(want as u128)
}

fn json_ids(ids: &[i64]) -> Result<String, StoreError> {
    serde_json::to_string(ids).map_err(|e| StoreError::Decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_matches_and_fall_back_to_the_first_field() {
        let terms = search_terms("Jeal");
        let s = snippet(&["we went out", "I felt so jealous, again and again"], &terms);
        assert_eq!(s, "I felt so [jealous,] again and again");
        let long = "one two three four five six seven eight nine ten eleven twelve thirteen jealous end";
        assert!(snippet(&[long], &terms).starts_with('…'));
        assert_eq!(snippet(&["", "tagged only"], &terms), "tagged only");
        assert_eq!(snippet(&[""], &terms), "");
    }

    #[test]
    fn fts_query_quotes_every_word_and_drops_syntax() {
        assert_eq!(fts_query("late reply").as_deref(), Some("\"late\"* \"reply\"*"));
        assert_eq!(fts_query("\"a\" AND (b OR c*)").as_deref(), Some("\"a\"* \"AND\"* \"b\"* \"OR\"* \"c\"*"));
        assert_eq!(fts_query("\" ( ) * : ^ -"), None);
        assert_eq!(fts_query("él no contesta").as_deref(), Some("\"él\"* \"no\"* \"contesta\"*"));
    }

    #[test]
    fn insert_sql_lists_every_row() {
        assert_eq!(insert_sql("INSERT INTO t (a)", 1, 1), "INSERT INTO t (a) VALUES (?)");
        assert_eq!(insert_sql("INSERT INTO t (a, b, c)", 2, 3), "INSERT INTO t (a, b, c) VALUES (?, ?, ?), (?, ?, ?)");
    }

    #[test]
    fn search_looks_up_few_matches_and_walks_the_index_for_many() {
        assert!(look_up_each(5, 100_000, 20));
        assert!(look_up_each(100, 100_000, 20));
        assert!(!look_up_each(842, 10_000, 20), "842 look-ups cost more than walking ~240 index rows");
        assert!(!look_up_each(91, 1_000, 20));
        assert!(!look_up_each(usize::MAX, usize::MAX, 1), "no overflow");
    }

    #[test]
    fn label_lists_order_by_position_then_id_and_keep_the_first_of_a_repeat() {
        assert_eq!(label_list(&[], &[]), "");
        assert_eq!(label_list(&[9, 4], &[7]), "7,9,4", "position 0: 7 and 9; position 1: 4");
        assert_eq!(label_list(&[5, 5, 2], &[]), "5,2", "a repeat counts where it first appears");
        assert_eq!(label_list(&[3], &[3, 8]), "3,8");
    }

    #[test]
    fn key_pragma_is_the_raw_key_in_hex() {
        let p = key_pragma(&DataKey::from_bytes([0xab; 32]));
        assert_eq!(p.as_str(), format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)));
    }
}
