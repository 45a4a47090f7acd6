//! The file lock every open store shares, and that a restore, a passphrase
//! change or an erase takes alone.

use std::fs::{self, File};
use std::path::Path;
use std::time::Duration;

use crate::LOCK_FILE;
use crate::error::StoreError;

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
pub(super) fn hold_shared(dir: &Path) -> Result<Option<File>, StoreError> {
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
pub(super) fn hold_exclusive(dir: &Path) -> Result<Option<File>, StoreError> {
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
pub(super) fn hold_exclusive_waiting(dir: &Path) -> Result<Option<File>, StoreError> {
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
