//! The open store: every read and write of journal data.
//!
//! Every write runs in one `BEGIN IMMEDIATE` transaction and returns only
//! after `COMMIT` succeeded. SQLite errors are turned into [`StoreError`]
//! variants with a meaning (busy, disk full, read-only, damaged) in one
//! place: every public method reads through `Store::reading` or writes
//! through `Store::writing`, which classify them.
//!
//! The submodules follow what they keep: `open` (opening and keying),
//! `labels`, `entries`, `checkins`, `search` (and ids as typed), `undo`,
//! `backup` (and restore), `locks` (the shared lock file), and the helpers
//! they share: `rows` (reading rows back) and `write` (writing entry and
//! check-in rows with their search rows). The plan and toolkit records are
//! in `plan`, `pause` and `selfworth`, as in core.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, Params, Transaction, TransactionBehavior};

use crate::DB_FILE;
use crate::error::StoreError;
use crate::keyfile::{self, DataKey, PageMac};

mod assess;
pub(crate) mod backup;
pub(crate) mod checkins;
pub(crate) mod entries;
mod history;
pub(crate) mod import;
mod labels;
mod locks;
pub(crate) mod numbered;
pub(crate) mod open;
mod pause;
mod plan;
pub(crate) mod purge;
pub(crate) mod rows;
pub(crate) mod safety;
mod safety_plan;
pub(crate) mod search;
mod selfworth;
mod settings;
pub(crate) mod undo;
mod write;

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

impl Store {
    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the database is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// Runs `read` on the store's connection, giving SQLite errors their
    /// meaning for the person.
    fn reading<T>(&self, read: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        read(&self.conn).map_err(|e| classify(e, &self.dir))
    }

    /// Runs `write` in one `BEGIN IMMEDIATE` transaction and commits it when
    /// `write` succeeded (an error rolls everything back), giving SQLite
    /// errors their meaning for the person. Returns after COMMIT.
    fn writing<T>(&mut self, write: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let written = self.write_tx().and_then(|tx| {
            let value = write(&tx)?;
            tx.commit()?;
            Ok(value)
        });
        written.map_err(|e| classify(e, &self.dir))
    }

    /// Runs one UPDATE of record `seq` in its own transaction; when it
    /// changes no row, the record is not there (`what` names it) and
    /// nothing is written.
    fn change_one(&mut self, what: &'static str, seq: i64, sql: &str, values: impl Params) -> Result<(), StoreError> {
        self.writing(|tx| {
            if tx.execute(sql, values)? == 0 {
                return Err(rows::not_found(what, seq));
            }
            Ok(())
        })
    }

    fn write_tx(&mut self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// The write-ahead log beside database file `db`.
fn wal_path(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-wal");
    name.into()
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

/// The database file the key file in `dir` names, for messages: `attune.db`
/// when it cannot be read.
fn current_db(dir: &Path) -> PathBuf {
    match keyfile::read(dir) {
        Ok(Some(kf)) => dir.join(kf.db_name()),
        _ => dir.join(DB_FILE),
    }
}
