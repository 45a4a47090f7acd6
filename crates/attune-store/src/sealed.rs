//! Sealed drafts: text that reached a locked journal, kept without a key.
//!
//! When the web app locked itself (idle time, `attune lock`) while someone
//! was still typing, the form posted afterwards must neither be lost nor be
//! kept readable. The server holds no key while locked, so it seals the text
//! to the journal's *drafts recipient*, an age X25519 public key, into
//! `sealed/<random>.sealed` (0600, folder 0700). Only the matching private
//! key opens it, and that lives in `key.json`'s `drafts` section, encrypted
//! with a key derived from the data key. At the next unlock,
//! [`after_unlock`] opens every sealed draft and turns it into an ordinary
//! draft (see [`crate::drafts`]), which both front ends offer back.
//!
//! The section is made by `Store::create`, added at the first unlock to key
//! files made before it, carried unchanged by a passphrase change that keeps
//! the data key, and re-encrypted by [`rewrap_drafts`] when the data key
//! changes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use attune_core::{EntryDraft, Moment};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::StoreError;
use crate::fsutil::{self, Existing};
use crate::keyfile::{self, DataKey, DraftsSection, KeyFile, SECTION_NONCE_LEN as NONCE_LEN};
use crate::{DRAFTS_DIR, KEY_FILE, SEALED_DIR, drafts};

/// File name extension of sealed drafts.
const EXT: &str = "sealed";
/// A sealed draft claimed by an unlock that is moving it into the drafts.
const TAKING_EXT: &str = "taking";
/// Largest sealed draft read back (a form is at most 1 MiB).
const MAX_SEALED_LEN: u64 = 4 * 1024 * 1024;

/// The key that encrypts the drafts identity: a subkey of the data key
/// (never the data key itself), for this purpose only.
fn identity_key(key: &DataKey) -> Zeroizing<[u8; 32]> {
    crate::keyfile::subkey(key, b"attune drafts identity key v1")
}

/// Binds the encrypted identity to its recipient: swapping in another
/// recipient fails the tag check.
fn aad(recipient: &str) -> Vec<u8> {
    format!("attune drafts identity v1|{recipient}").into_bytes()
}

fn seal_identity(identity: &age::x25519::Identity, key: &DataKey) -> Result<DraftsSection, String> {
    let recipient = identity.to_public().to_string();
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|e| format!("no randomness from the system: {e}"))?;
    let secret = identity.to_string();
    let cipher = XChaCha20Poly1305::new(Key::from_slice(identity_key(key).as_ref()));
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret.expose_secret().as_bytes(), aad: &aad(&recipient) })
        .map_err(|_| "sealing the drafts key failed".to_string())?;
    Ok(DraftsSection { recipient, nonce, identity: sealed })
}

/// A fresh drafts key pair, its private half encrypted for `key`.
pub(crate) fn new_section(key: &DataKey) -> Result<DraftsSection, String> {
    seal_identity(&age::x25519::Identity::generate(), key)
}

/// The private half, if `key` opens it and it matches its recipient.
fn open_identity(section: &DraftsSection, key: &DataKey) -> Option<age::x25519::Identity> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(identity_key(key).as_ref()));
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&section.nonce),
                Payload { msg: &section.identity, aad: &aad(&section.recipient) },
            )
            .ok()?,
    );
    let identity = age::x25519::Identity::from_str(std::str::from_utf8(&plain).ok()?).ok()?;
    (identity.to_public().to_string() == section.recipient).then_some(identity)
}

/// For a change of data key: the same key pair (so drafts sealed before
/// still open), its private half encrypted for `new` instead of `old`.
/// `Err` when `old` does not open it.
pub fn rewrap_drafts(section: &DraftsSection, old: &DataKey, new: &DataKey) -> Result<DraftsSection, String> {
    let identity =
        open_identity(section, old).ok_or_else(|| "the drafts key does not open with the old data key".to_string())?;
    seal_identity(&identity, new)
}

/// The public key sealed drafts are written to. Holds no secret: keeping it
/// while locked is safe.
#[derive(Clone)]
pub struct DraftsRecipient(age::x25519::Recipient);

impl std::fmt::Debug for DraftsRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DraftsRecipient({})", self.0)
    }
}

/// What [`after_unlock`] did.
#[derive(Clone, Debug)]
pub struct AfterUnlock {
    /// Where to seal while locked from now on (checked against the private
    /// half just now, so a recipient swapped into `key.json` while locked
    /// is not used).
    pub recipient: DraftsRecipient,
    /// Sealed drafts opened and moved into the drafts folder.
    pub offered: usize,
    /// Sealed drafts this key cannot open (left where they are).
    pub unreadable: usize,
}

/// What a sealed draft holds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kept {
    saved_at: Timestamp,
    draft: EntryDraft,
    occurred: Option<Moment>,
}

/// Seals `draft` to `to` in `<dir>/sealed/` and returns the file's path.
/// Needs no key; the plaintext never touches the disk.
pub fn seal(
    dir: &Path,
    to: &DraftsRecipient,
    draft: &EntryDraft,
    occurred: Option<&Moment>,
    now: Timestamp,
) -> Result<PathBuf, StoreError> {
    let folder = dir.join(SEALED_DIR);
    fsutil::create_private_dir(&folder)?;
    let kept = Kept { saved_at: now, draft: draft.clone(), occurred: occurred.cloned() };
    let plain = Zeroizing::new(serde_json::to_vec(&kept).map_err(|e| StoreError::Decode(e.to_string()))?);
    let sealed = age::encrypt(&to.0, &plain).map_err(|e| StoreError::Decode(format!("sealing a draft failed: {e}")))?;
    let mut name = [0u8; 12];
    getrandom::fill(&mut name)
        .map_err(|e| StoreError::io("sealing a draft in", &folder, io::Error::other(e.to_string())))?;
    let path = folder.join(format!("{}.{EXT}", hex::encode(name)));
    fsutil::write_atomic(&path, &sealed, Existing::Keep)?;
    Ok(path)
}

/// How many sealed drafts wait in `dir` (none for a missing folder).
pub fn count(dir: &Path) -> usize {
    fs::read_dir(dir.join(SEALED_DIR))
        .map(|d| d.filter_map(Result::ok).filter(|e| has_ext(&e.path(), EXT)).count())
        .unwrap_or(0)
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension().and_then(|e| e.to_str()) == Some(ext)
}

/// Run by both front ends right after a passphrase (or a cached key)
/// opened an encrypted journal (never with an unchecked key): gives
/// `key.json` a drafts section if it has none, then moves every sealed draft into
/// the drafts folder, encrypted with the data key as drafts are.
pub fn after_unlock(dir: &Path, key: &DataKey) -> Result<AfterUnlock, StoreError> {
    let bad = |message: String| StoreError::KeyFile { path: dir.join(KEY_FILE), message };
    let Some(KeyFile::Wrapped(mut wrapped)) = keyfile::read(dir)? else {
        return Err(bad("it does not say how the journal is encrypted, so no drafts key can be kept in it".into()));
    };
    let identity = match wrapped.drafts.as_ref() {
        // Never replaced when it does not open: drafts sealed to it would be
        // lost, and a wrong key must change nothing.
        Some(section) => open_identity(section, key).ok_or_else(|| {
            bad("its drafts key does not open with this journal's key; sealed drafts cannot be offered \
                 (restore key.json from a backup made with this journal)"
                .into())
        })?,
        None => {
            let identity = age::x25519::Identity::generate();
            wrapped.drafts = Some(seal_identity(&identity, key).map_err(bad)?);
            keyfile::write(dir, &KeyFile::Wrapped(wrapped))?;
            identity
        }
    };
    let recipient = DraftsRecipient(identity.to_public());
    let folder = dir.join(SEALED_DIR);
    let entries = match fs::read_dir(&folder) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(AfterUnlock { recipient, offered: 0, unreadable: 0 });
        }
        Err(e) => return Err(StoreError::io("reading", &folder, e)),
    };
    let (mut offered, mut unreadable) = (0, 0);
    for item in entries {
        let path = item.map_err(|e| StoreError::io("reading", &folder, e))?.path();
        let taking = if has_ext(&path, EXT) {
            // Claim it first, so two unlocks at once do not both offer it.
            let taking = path.with_extension(TAKING_EXT);
            if fs::rename(&path, &taking).is_err() {
                continue;
            }
            taking
        } else if has_ext(&path, TAKING_EXT) {
            path // Left by an unlock that stopped half way.
        } else {
            continue;
        };
        let Some(kept) = open_sealed(&taking, &identity) else {
            let _ = fs::rename(&taking, taking.with_extension(EXT));
            unreadable += 1;
            continue;
        };
        drafts::save(&dir.join(DRAFTS_DIR), Some(key), &kept.draft, kept.occurred.as_ref(), kept.saved_at)?;
        drafts::remove(&taking)?;
        offered += 1;
    }
    Ok(AfterUnlock { recipient, offered, unreadable })
}

fn open_sealed(path: &Path, identity: &age::x25519::Identity) -> Option<Kept> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path).ok()?.take(MAX_SEALED_LEN).read_to_end(&mut bytes).ok()?;
    let plain = Zeroizing::new(age::decrypt(identity, &bytes).ok()?);
    serde_json::from_slice(&plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KdfParams, Passphrase, Protection, Store};

    fn journal() -> (tempfile::TempDir, DataKey) {
        let dir = tempfile::tempdir().unwrap();
        let pass = Passphrase::new("correct horse".into());
        let (_store, key) = Store::create(dir.path(), Protection::Passphrase(pass, KdfParams::MINIMUM)).unwrap();
        (dir, key.unwrap())
    }

    fn files_hold(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if fs::read(&p).unwrap().windows(needle.len()).any(|w| w == needle) {
                    found.push(p);
                }
            }
        }
        found
    }

    #[test]
    fn a_sealed_draft_is_unreadable_until_unlock_and_then_offered_as_a_draft() {
        let (dir, key) = journal();
        let first = after_unlock(dir.path(), &key).unwrap();
        assert_eq!((first.offered, first.unreadable), (0, 0));
        let marker = "sealedmarker horse 4711";
        let draft = EntryDraft { situation: marker.into(), ..Default::default() };
        let path = seal(dir.path(), &first.recipient, &draft, None, Timestamp::from_second(99).unwrap()).unwrap();
        assert!(files_hold(dir.path(), marker.as_bytes()).is_empty());
        assert_eq!(count(dir.path()), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            let folder = fs::metadata(dir.path().join(SEALED_DIR)).unwrap();
            assert_eq!(folder.permissions().mode() & 0o777, 0o700);
        }

        // Another journal's key opens nothing and changes nothing.
        let (_other, other_key) = journal();
        let before = fs::read(dir.path().join(KEY_FILE)).unwrap();
        assert!(after_unlock(dir.path(), &other_key).is_err());
        assert_eq!(fs::read(dir.path().join(KEY_FILE)).unwrap(), before);
        assert_eq!(count(dir.path()), 1);
        // The journal's key offers it back, still encrypted.
        assert_eq!(after_unlock(dir.path(), &key).unwrap().offered, 1);
        assert!(files_hold(dir.path(), marker.as_bytes()).is_empty());
    }

    #[test]
    fn the_journal_key_offers_sealed_drafts_back_once() {
        let (dir, key) = journal();
        let recipient = after_unlock(dir.path(), &key).unwrap().recipient;
        let marker = "sealedmarker 0815";
        let when: Moment = "2026-01-02T03:04:05+01:00[Europe/Berlin]".parse().unwrap();
        let draft = EntryDraft { situation: marker.into(), intensity: Some(4), ..Default::default() };
        seal(dir.path(), &recipient, &draft, Some(&when), Timestamp::from_second(5).unwrap()).unwrap();
        seal(dir.path(), &recipient, &draft, None, Timestamp::from_second(6).unwrap()).unwrap();
        let done = after_unlock(dir.path(), &key).unwrap();
        assert_eq!((done.offered, done.unreadable), (2, 0));
        assert_eq!(count(dir.path()), 0);
        let listed = drafts::list(&dir.path().join(DRAFTS_DIR), Some(&key)).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].draft, draft);
        assert_eq!(listed[0].saved_at, Timestamp::from_second(6).unwrap());
        assert_eq!(listed[1].occurred.as_ref(), Some(&when));
        assert!(files_hold(dir.path(), marker.as_bytes()).is_empty());
        assert_eq!(after_unlock(dir.path(), &key).unwrap().offered, 0);
    }

    #[test]
    fn older_key_files_get_a_section_at_unlock_and_keep_it() {
        let (dir, key) = journal();
        let kf = keyfile::read(dir.path()).unwrap();
        let Some(KeyFile::Wrapped(mut w)) = kf else { panic!("not encrypted") };
        assert!(w.drafts.is_some(), "new journals have a drafts section");
        // A key file from before: no section.
        w.drafts = None;
        keyfile::write(dir.path(), &KeyFile::Wrapped(w)).unwrap();
        let recipient = after_unlock(dir.path(), &key).unwrap().recipient;
        let text = fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
        assert!(text.contains("\"drafts\"") && text.contains(&recipient.0.to_string()));
        assert!(!text.contains("AGE-SECRET-KEY"), "the private half is never in clear");
        // The next unlock keeps the same pair.
        assert_eq!(after_unlock(dir.path(), &key).unwrap().recipient.0.to_string(), recipient.0.to_string());
        // A passphrase change makes a new data key; the pair moves to it.
        let old = Passphrase::new("correct horse".into());
        let new = Passphrase::new("battery staple".into());
        let new_key = Store::change_passphrase(dir.path(), &old, &new, KdfParams::MINIMUM).unwrap();
        assert!(after_unlock(dir.path(), &key).is_err(), "the old data key opens nothing now");
        assert_eq!(after_unlock(dir.path(), &new_key).unwrap().recipient.0.to_string(), recipient.0.to_string());
    }

    #[test]
    fn rewrap_moves_the_pair_to_a_new_data_key() {
        let old = DataKey::from_bytes([1; 32]);
        let new = DataKey::from_bytes([2; 32]);
        let section = new_section(&old).unwrap();
        let moved = rewrap_drafts(&section, &old, &new).unwrap();
        assert_eq!(moved.recipient, section.recipient);
        assert!(open_identity(&moved, &new).is_some());
        assert!(open_identity(&moved, &old).is_none());
        assert!(rewrap_drafts(&section, &new, &old).is_err());
        // A recipient swapped in beside the encrypted identity fails.
        let mut swapped = section.clone();
        swapped.recipient = new_section(&old).unwrap().recipient;
        assert!(open_identity(&swapped, &old).is_none());
        // The JSON form round-trips and refuses nonsense.
        assert_eq!(DraftsSection::from_json(section.to_json()).unwrap(), section);
        let mut j = section.to_json();
        j["recipient"] = "age1nonsense".into();
        assert!(DraftsSection::from_json(j).is_none());
        assert!(DraftsSection::from_json(serde_json::json!({"recipient": 1})).is_none());
        assert!(DraftsSection::from_json(serde_json::json!("nothing")).is_none());
    }

    #[test]
    fn damaged_sealed_files_are_left_alone() {
        let (dir, key) = journal();
        let folder = dir.path().join(SEALED_DIR);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("junk.sealed"), b"not age at all").unwrap();
        let done = after_unlock(dir.path(), &key).unwrap();
        assert_eq!((done.offered, done.unreadable), (0, 1));
        assert!(folder.join("junk.sealed").exists());
    }
}

#[cfg(test)]
mod damaged_section_tests {
    use super::*;
    use crate::{KdfParams, Passphrase, Protection, Store};

    #[test]
    fn a_damaged_drafts_section_never_locks_anyone_out() {
        let dir = tempfile::tempdir().unwrap();
        let pass = Passphrase::new("correct horse".into());
        let (store, key) = Store::create(dir.path(), Protection::Passphrase(pass.clone(), KdfParams::MINIMUM)).unwrap();
        drop(store);
        let key = key.unwrap();
        let path = dir.path().join(KEY_FILE);
        let mut json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        json["drafts"] = serde_json::json!({"recipient": "damaged", "what": true});
        fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        // The passphrase still opens the journal, and the unlock mends the section.
        let unlocked = Store::unlock(dir.path(), &pass).unwrap();
        assert_eq!(unlocked.as_bytes(), key.as_bytes());
        Store::open(dir.path(), Some(&key)).unwrap();
        after_unlock(dir.path(), &key).unwrap();
        let Some(KeyFile::Wrapped(w)) = keyfile::read(dir.path()).unwrap() else { panic!("not encrypted") };
        assert!(w.drafts.is_some_and(|s| open_identity(&s, &key).is_some()));
    }
}
