//! Caches an unlocked data key for a limited time, so a person unlocks once
//! rather than on every command.
//!
//! On Linux the key lives in the kernel's user keyring (never on disk), as a
//! "user" key named `attune:v1:<sha256 of the store's canonical path>`, with a
//! timeout after which the kernel forgets it. Processes of the same user can
//! read it (that is the point: the next `attune` command finds it); other
//! users cannot. Elsewhere, or where the keyring is blocked (some
//! containers), nothing is cached and the person is asked each time.

use std::path::Path;
use std::time::Duration;

use crate::keyfile::DataKey;

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

    fn ring() -> Result<KeyRing, String> {
        KeyRing::from_special_id(KeyRingIdentifier::User, true)
            .map_err(|e| format!("the kernel keyring is not available here ({e})"))
    }

    pub(super) fn put(store_dir: &Path, key: &DataKey, ttl: Duration) -> Result<(), String> {
        let secs = usize::try_from(ttl.as_secs()).unwrap_or(usize::MAX);
        if secs == 0 {
            return Err("a cache time under one second keeps nothing".into());
        }
        let description = description(store_dir)?;
        let ring = ring()?;
        let k = ring
            .add_key(&description, key.as_bytes())
            .map_err(|e| format!("the kernel keyring refused the key ({e})"))?;
        let rights =
            || Permission::VIEW | Permission::READ | Permission::SEARCH | Permission::WRITE | Permission::SETATTR;
        let perms = KeyPermissionsBuilder::builder().posessor(rights()).user(rights()).build();
        let configured = k.set_perms(perms).and_then(|()| k.set_timeout(secs));
        if let Err(e) = configured {
            // Never leave a key behind without its timeout.
            let _ = k.invalidate();
            return Err(format!("the kernel keyring refused the key settings ({e})"));
        }
        Ok(())
    }

    pub(super) fn get(store_dir: &Path) -> Option<DataKey> {
        let description = description(store_dir).ok()?;
        let k = ring().ok()?.search(&description).ok()?;
        let mut buf = Zeroizing::new([0u8; 64]);
        let len = k.read(&mut *buf).ok()?;
        let bytes: [u8; 32] = buf.get(..len)?.try_into().ok()?;
        Some(DataKey::from_bytes(bytes))
    }

    pub(super) fn forget(store_dir: &Path) -> bool {
        let Ok(description) = description(store_dir) else { return false };
        let Ok(ring) = ring() else { return false };
        let mut removed = false;
        // `add_key` replaces in place, but be thorough should there be several.
        while let Ok(k) = ring.search(&description) {
            if k.invalidate().is_err() {
                break;
            }
            removed = true;
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
}
