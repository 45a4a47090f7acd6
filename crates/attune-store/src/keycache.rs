//! Caches an unlocked data key for a limited time, so a person unlocks once
//! rather than on every command; and asks a running `attune serve` to lock.
//!
//! On Linux the key lives in the kernel's keyring (never on disk), as a
//! "user" key named `attune:v1:<sha256 of the store's canonical path>`, with a
//! timeout after which the kernel forgets it. It is linked into the *session*
//! keyring and only its possessor may use it: processes of this login session
//! (the terminal's, and what they start) find and read it; the same account's
//! processes in another login session (an SSH login, another desktop
//! session) do not find it by a search, though a program set on it can still
//! link the session keyring into its own: this narrows who stumbles on the
//! key, it does not keep it from the account. Where no session keyring was
//! set up, the kernel gives every process of the account the same "user
//! session" keyring. Other accounts can never read it. Elsewhere, or where
//! the keyring is blocked (some containers), nothing is cached and the
//! person is asked each time.
//!
//! The key is made in this thread's private keyring, given its timeout and
//! permissions, and only then linked where other commands look: a process
//! killed in between leaves nothing behind (the thread keyring dies with it).
//!
//! `attune lock` also writes a fresh random value into [`LOCK_REQUEST_FILE`]
//! in the store folder; a running `attune serve` reads it twice a second
//! ([`LockRequests`]) and locks when it changes, whatever keyring it can see.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::StoreError;
use crate::fsutil::{Existing, write_atomic};
use crate::keyfile::DataKey;

/// The file in the store folder whose change asks a running `serve` to lock.
pub const LOCK_REQUEST_FILE: &str = "lock-request";

#[cfg(target_os = "linux")]
mod imp {
    use super::*;
    use linux_keyutils::{KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
    use sha2::{Digest, Sha256};
    use zeroize::Zeroizing;

    /// The key's name in the keyring, the same for every spelling of the path.
    pub(super) fn description(store_dir: &Path) -> Result<String, String> {
        let canonical = store_dir
            .canonicalize()
            .map_err(|e| format!("cannot find the journal folder {}: {e}", store_dir.display()))?;
        use std::os::unix::ffi::OsStrExt;
        let digest = Sha256::digest(canonical.as_os_str().as_bytes());
        Ok(format!("attune:v1:{}", hex::encode(digest)))
    }

    /// The session keyring. Never created here: a new session keyring would
    /// belong to this process alone and the next command would not find the
    /// key; without one the kernel answers with the user session keyring.
    fn session() -> Result<KeyRing, String> {
        KeyRing::from_special_id(KeyRingIdentifier::Session, false)
            .map_err(|e| format!("the kernel keyring is not available here ({e})"))
    }

    /// What the possessor may do; everyone else, the same account included,
    /// may do nothing (not even see that the key exists).
    pub(super) fn rights() -> Permission {
        Permission::VIEW
            | Permission::READ
            | Permission::SEARCH
            | Permission::WRITE
            | Permission::SETATTR
            | Permission::LINK
    }

    pub(super) fn put(store_dir: &Path, key: &DataKey, ttl: Duration) -> Result<(), String> {
        let secs = usize::try_from(ttl.as_secs()).unwrap_or(usize::MAX);
        if secs == 0 {
            return Err("a cache time under one second keeps nothing".into());
        }
        let description = description(store_dir)?;
        let session = session()?;
        let private = KeyRing::from_special_id(KeyRingIdentifier::Thread, true)
            .map_err(|e| format!("the kernel keyring is not available here ({e})"))?;
        let k = private
            .add_key(&description, key.as_bytes())
            .map_err(|e| format!("the kernel keyring refused the key ({e})"))?;
        let perms = KeyPermissionsBuilder::builder().posessor(rights()).build();
        let placed = k.set_timeout(secs).and_then(|()| k.set_perms(perms)).and_then(|()| session.link_key(k));
        // Whatever happened, the private link goes: the key lives on only
        // where it was linked with its timeout, or not at all.
        let _ = private.unlink_key(k);
        if let Err(e) = placed {
            let _ = k.invalidate();
            return Err(format!("the kernel keyring refused the key settings ({e})"));
        }
        Ok(())
    }

    pub(super) fn get(store_dir: &Path) -> Option<DataKey> {
        let description = description(store_dir).ok()?;
        let k = session().ok()?.search(&description).ok()?;
        let mut buf = Zeroizing::new([0u8; 64]);
        let len = k.read(&mut *buf).ok()?;
        let bytes: [u8; 32] = buf.get(..len)?.try_into().ok()?;
        Some(DataKey::from_bytes(bytes))
    }

    pub(super) fn forget(store_dir: &Path) -> bool {
        let Ok(description) = description(store_dir) else { return false };
        let mut removed = false;
        // The session keyring (which usually links the user keyring, where
        // older versions kept the key), then the user keyring itself.
        let rings = [session().ok(), KeyRing::from_special_id(KeyRingIdentifier::User, false).ok()];
        for ring in rings.into_iter().flatten() {
            // Linking replaces in place, but be thorough should there be several.
            while let Ok(k) = ring.search(&description) {
                if k.invalidate().is_err() {
                    break;
                }
                removed = true;
            }
        }
        removed
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::*;

    pub(super) fn put(_: &Path, _: &DataKey, _: Duration) -> Result<(), String> {
        Err("this system has no key cache attune can use".into())
    }

    pub(super) fn get(_: &Path) -> Option<DataKey> {
        None
    }

    pub(super) fn forget(_: &Path) -> bool {
        false
    }
}

/// Keeps `key` for `ttl` (whole seconds, at least one). `Err` says in plain
/// words why it could not be cached; the caller can carry on without.
pub fn put(store_dir: &Path, key: &DataKey, ttl: Duration) -> Result<(), String> {
    imp::put(store_dir, key, ttl)
}

/// The cached key for this store, if there is one and it has not expired.
pub fn get(store_dir: &Path) -> Option<DataKey> {
    imp::get(store_dir)
}

/// Drops the cached key ("lock now"); true if one was there.
pub fn forget(store_dir: &Path) -> bool {
    imp::forget(store_dir)
}

/// Asks every running `attune serve` of this store to lock: writes a fresh
/// random value into [`LOCK_REQUEST_FILE`] (0600). A folder without a
/// journal is left alone.
pub fn request_lock(store_dir: &Path) -> Result<(), StoreError> {
    // The key file, not `attune.db`: after a passphrase change the
    // database has another name.
    if !store_dir.join(crate::KEY_FILE).exists() {
        return Ok(());
    }
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| {
        StoreError::io("asking attune serve to lock in", store_dir, std::io::Error::other(e.to_string()))
    })?;
    write_atomic(&store_dir.join(LOCK_REQUEST_FILE), hex::encode(nonce).as_bytes(), Existing::Replace)
}

/// Watches [`LOCK_REQUEST_FILE`] for a new request: `serve` asks
/// [`LockRequests::asked`] twice a second. One small read each time.
#[derive(Debug)]
pub struct LockRequests {
    path: PathBuf,
    seen: Option<Vec<u8>>,
}

impl LockRequests {
    /// Starts watching; requests made before now do not count.
    pub fn watch(store_dir: &Path) -> Self {
        let path = store_dir.join(LOCK_REQUEST_FILE);
        let seen = Self::read(&path);
        Self { path, seen }
    }

    fn read(path: &Path) -> Option<Vec<u8>> {
        use std::io::Read;
        // Never more than a request's length, whatever the file holds.
        let mut buf = Vec::with_capacity(64);
        std::fs::File::open(path).ok()?.take(64).read_to_end(&mut buf).ok()?;
        Some(buf)
    }

    /// Whether a lock was requested since the last call.
    pub fn asked(&mut self) -> bool {
        let now = Self::read(&self.path);
        if now.is_some() && now != self.seen {
            self.seen = now;
            return true;
        }
        false
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn description_is_the_same_for_every_spelling_of_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("journal");
        std::fs::create_dir(&sub).unwrap();
        let a = imp::description(&sub).unwrap();
        let b = imp::description(&dir.path().join("journal/../journal/.")).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("attune:v1:") && a.len() == "attune:v1:".len() + 64);
        assert!(imp::description(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn zero_ttl_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(put(dir.path(), &DataKey::from_bytes([1; 32]), Duration::from_millis(300)).is_err());
        assert!(get(dir.path()).is_none());
    }

    /// The line of `/proc/keys` for the key named `description`:
    /// its timeout column and its permissions column.
    fn proc_keys_line(description: &str) -> Option<(String, String)> {
        let text = std::fs::read_to_string("/proc/keys").ok()?;
        text.lines().find(|l| l.contains(description)).map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols[3].to_string(), cols[4].to_string())
        })
    }

    #[test]
    fn a_cached_key_has_its_timeout_and_only_its_possessor_may_use_it() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::from_bytes([7; 32]);
        if let Err(why) = put(dir.path(), &key, Duration::from_secs(100)) {
            eprintln!("skipped: no kernel keyring here ({why})");
            return;
        }
        assert_eq!(get(dir.path()).map(|k| *k.as_bytes()), Some([7; 32]));
        let description = imp::description(dir.path()).unwrap();
        if let Some((timeout, perms)) = proc_keys_line(&description) {
            assert_ne!(timeout, "perm", "the key must carry its timeout");
            // Possessor: view, read, write, search, link, setattr; user,
            // group and others: nothing.
            assert_eq!(perms, format!("{:02x}000000", imp::rights().bits()));
        } else {
            eprintln!("no /proc/keys here: the permissions were not checked");
        }
        // Putting again replaces it: one key, the new value.
        put(dir.path(), &DataKey::from_bytes([8; 32]), Duration::from_secs(100)).unwrap();
        assert_eq!(get(dir.path()).map(|k| *k.as_bytes()), Some([8; 32]));
        assert!(forget(dir.path()));
        assert!(get(dir.path()).is_none());
        assert!(!forget(dir.path()));
    }

    #[test]
    fn a_lock_request_is_seen_once_by_each_watcher() {
        let dir = tempfile::tempdir().unwrap();
        // No journal: nothing is written.
        request_lock(dir.path()).unwrap();
        assert!(!dir.path().join(LOCK_REQUEST_FILE).exists());
        std::fs::write(dir.path().join(crate::KEY_FILE), b"x").unwrap();
        request_lock(dir.path()).unwrap();
        let mut watcher = LockRequests::watch(dir.path());
        assert!(!watcher.asked(), "a request made before watching does not count");
        request_lock(dir.path()).unwrap();
        assert!(watcher.asked());
        assert!(!watcher.asked());
        request_lock(dir.path()).unwrap();
        assert!(watcher.asked());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(LOCK_REQUEST_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
