//! attune's journal store: one SQLCipher database in a directory, opened with
//! a random data key that is itself wrapped by a key derived (Argon2id) from
//! the person's passphrase.
//!
//! The library never talks to the user and never reads environment variables
//! or the home directory: callers pass the directory, the passphrase and "now".
//!
//! Layout of a store directory:
//! - `attune.db` (+ `-wal`, `-shm`): the SQLCipher database (or plain SQLite
//!   when created without encryption); after a passphrase change
//!   `attune-<generation>.db`, the file `key.json` names;
//! - `key.json`: how the data key is protected and which file it opens (see [`keyfile`]);
//! - `drafts/`: entries that could not be saved, encrypted with a subkey of the data key;
//! - `sealed/`: text posted while the journal was locked, sealed to the
//!   drafts public key (see [`sealed`]);
//! - `lock-request`: written by `attune lock` so a running `serve` locks;
//! - `attune.lock`: shared by every open store, exclusive for a restore or a
//!   passphrase change;
//! - `key.json.tmp`, `attune.db.new`, an `attune-<generation>.db` that
//!   `key.json` does not name: only while a write or a passphrase change is
//!   under way; a leftover from a crash is never read, and is replaced by the
//!   next write or removed by the next open.

pub mod drafts;
pub mod error;
mod fsutil;
pub mod keycache;
pub mod keyfile;
mod migrations;
pub mod sealed;
mod store;

pub use error::StoreError;
pub use keyfile::{DataKey, KdfParams, Passphrase, Protection};
pub use store::Store;
pub use store::backup::{Restored, backup_key_file};
pub use store::checkins::CheckinFilter;
pub use store::entries::EntryFilter;
pub use store::import::{ImportBatch, ImportCounts};
pub use store::numbered::Numbered;
pub use store::open::ChangeStep;
pub use store::purge::{Deleted, Erased, Purged, UNDO_ACTIONS, UNDO_WINDOW_DAYS};
pub use store::rows::{CheckinRow, EntryRow};
pub use store::safety::AfterSave;
pub use store::search::{RecordRef, SearchHit};
pub use store::undo::Undone;

/// File name of the database inside a store directory.
pub const DB_FILE: &str = "attune.db";
/// File name of the key file inside a store directory.
pub const KEY_FILE: &str = "key.json";
/// Folder for unsaved drafts inside a store directory.
pub const DRAFTS_DIR: &str = "drafts";
/// Folder for sealed drafts (text that reached a locked journal; see [`sealed`]).
pub const SEALED_DIR: &str = "sealed";
/// Empty file inside a store directory that every open store holds a shared
/// lock on, so `restore` can tell that another attune has the journal open.
pub const LOCK_FILE: &str = "attune.lock";

/// Writes a private file (0600) so that a crash leaves the old file or the
/// new one, never a mix: a temporary file beside it, fsync, rename, fsync
/// of the folder. For exports and other files written outside the store.
pub fn write_file_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), StoreError> {
    fsutil::write_atomic(path, bytes, fsutil::Existing::Replace)
}

/// Makes `dir` and any missing parents readable only by their owner (0700
/// whatever the umask); a folder that already exists is left as it is (it
/// may be the person's own). For export and backup folders outside the store.
pub fn create_private_dir_all(dir: &std::path::Path) -> Result<(), StoreError> {
    fsutil::create_private_dir(dir).map(|_| ())
}
