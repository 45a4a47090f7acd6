//! Opening and keying: finding, creating, unlocking and opening a journal,
//! changing its passphrase (a new key and file), and the connection set-up
//! every open file gets.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use zeroize::Zeroizing;

use super::locks::{hold_exclusive_waiting, hold_shared};
use super::{CACHE_KIB, Cipher, Store, classify, wal_path};
use crate::error::StoreError;
use crate::fsutil;
use crate::keyfile::{self, DataKey, KdfParams, KeyFile, PageMac, Passphrase, Protection, UnwrapError};
use crate::{DB_FILE, DRAFTS_DIR, KEY_FILE, drafts, keycache, migrations};

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
        Self::open_existing(dir, key, false)
    }

    /// Opens a store that is not encrypted, when the person said a plain
    /// journal is what they want (`attune init --no-encryption`, the
    /// `allow_plain` setting). An encrypted store needs [`Store::open`].
    pub fn open_plain(dir: &Path) -> Result<Store, StoreError> {
        Self::open_existing(dir, None, true)
    }

    fn open_existing(dir: &Path, key: Option<&DataKey>, allow_plain: bool) -> Result<Store, StoreError> {
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
}

/// Opens an existing database file, keys it, proves the key is right, and
/// sets the connection up. Never creates the file. `wal` is false for backup
/// copies, which are meant to be one self-contained file.
pub(super) fn open_connection(db: &Path, key: Option<&Cipher>, wal: bool) -> Result<Connection, StoreError> {
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

/// Whether `dir` holds a journal's database file, of any generation.
fn has_journal_file(dir: &Path) -> bool {
    dir.join(DB_FILE).exists()
        || fs::read_dir(dir).is_ok_and(|items| {
            items.flatten().any(|item| item.file_name().to_str().is_some_and(|n| keyfile::generation_of(n).is_some()))
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_pragma_is_the_raw_key_in_hex() {
        let p = key_pragma(&DataKey::from_bytes([0xab; 32]));
        assert_eq!(p.as_str(), format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)));
    }
}
