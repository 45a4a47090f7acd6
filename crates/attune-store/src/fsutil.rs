//! Small file-system helpers for crash-safe, private writes.
//!
//! Everything a store writes is personal, so files are created 0600 and
//! folders 0700 from the start (not chmod-ed afterwards, which would leave a
//! window where another account could open them).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::StoreError;

/// Creates `dir` (and missing parents) readable only by its owner.
/// Returns whether the last component was newly created.
pub(crate) fn create_private_dir(dir: &Path) -> Result<bool, StoreError> {
    if dir.is_dir() {
        return Ok(false);
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| StoreError::io("creating", dir, e))?;
    Ok(true)
}

/// Restricts an existing folder to its owner (a store folder made by
/// someone else's `mkdir` may be world-readable).
pub(crate) fn make_private_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| StoreError::io("restricting access to", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Opens a new file for writing that must not exist yet, mode 0600.
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Flushes a directory entry change (create, rename) to disk, so a rename is
/// durable before we report success. A no-op where directories cannot be
/// opened (Windows).
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        let d = File::open(dir).map_err(|e| StoreError::io("opening", dir, e))?;
        d.sync_all().map_err(|e| StoreError::io("syncing", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The temporary sibling used while `path` is rewritten.
pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// How [`write_atomic`] treats an existing destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Existing {
    /// Replace it (atomically).
    Replace,
    /// Fail with `AlreadyExists` and leave it alone.
    Keep,
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the
/// new one, never a mix: write `<path>.tmp` (0600), fsync it, rename it over
/// `path`, fsync the folder. A stale `.tmp` from an earlier crash is removed
/// first and is never read.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], existing: Existing) -> Result<(), StoreError> {
    let tmp = tmp_path(path);
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(StoreError::io("removing", &tmp, e)),
    }
    let result = write_then_move(&tmp, path, bytes, existing);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_then_move(tmp: &Path, path: &Path, bytes: &[u8], existing: Existing) -> Result<(), StoreError> {
    {
        let mut f = create_new_private(tmp).map_err(|e| StoreError::io("creating", tmp, e))?;
        f.write_all(bytes).map_err(|e| StoreError::io("writing", tmp, e))?;
        f.sync_all().map_err(|e| StoreError::io("syncing", tmp, e))?;
    }
    match existing {
        Existing::Replace => fs::rename(tmp, path).map_err(|e| StoreError::io("replacing", path, e))?,
        Existing::Keep => {
            // A hard link fails atomically when the name is taken; file systems
            // without links (FAT on a USB stick) fall back to check-then-rename.
            match fs::hard_link(tmp, path) {
                Ok(()) => {
                    let _ = fs::remove_file(tmp);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(StoreError::io("writing", path, e));
                }
                Err(_) => {
                    if path.exists() {
                        let e = io::Error::new(io::ErrorKind::AlreadyExists, "the file already exists");
                        return Err(StoreError::io("writing", path, e));
                    }
                    fs::rename(tmp, path).map_err(|e| StoreError::io("writing", path, e))?;
                }
            }
        }
    }
    sync_dir(parent_of(path))
}

/// The folder holding `path` ("." for a bare file name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_cleans_up_a_stale_tmp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        fs::write(tmp_path(&path), b"garbage from a crash").unwrap();
        write_atomic(&path, b"one", Existing::Replace).unwrap();
        write_atomic(&path, b"two", Existing::Replace).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert!(!tmp_path(&path).exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn keep_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        fs::write(&path, b"precious").unwrap();
        assert!(write_atomic(&path, b"new", Existing::Keep).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"precious");
        assert!(!tmp_path(&path).exists());
    }
}
