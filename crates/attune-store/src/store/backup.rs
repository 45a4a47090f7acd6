//! Backups and restoring one, and the integrity check both rely on.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::locks::hold_exclusive;
use super::open::open_connection;
use super::write::LABEL_LIST_OF_ROW;
use super::{Store, classify};
use crate::error::StoreError;
use crate::fsutil::{self, Existing};
use crate::keyfile::{self, DataKey, Passphrase};
use crate::{DB_FILE, KEY_FILE, migrations};

impl Store {
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
        Self::restore_from(dir, backup, passphrase, false)
    }

    /// [`Store::restore`] for a backup that is not encrypted, when the person
    /// said a plain journal is what they want.
    pub fn restore_plain(dir: &Path, backup: &Path) -> Result<Restored, StoreError> {
        Self::restore_from(dir, backup, None, true)
    }

    fn restore_from(
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
        self.reading(|conn| {
            let first: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if first != "ok" {
                return Ok(false);
            }
            // The derived label lists agree with the label rows.
            let stale: i64 = conn.query_row(
                &format!("SELECT count(*) FROM entries WHERE label_list IS NOT {LABEL_LIST_OF_ROW}"),
                [],
                |r| r.get(0),
            )?;
            if stale != 0 {
                return Ok(false);
            }
            if self.encrypted {
                let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
                let mut rows = stmt.query([])?;
                if rows.next()?.is_some() {
                    return Ok(false);
                }
            }
            Ok(true)
        })
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
