//! Drafts: entries that could not be saved, kept encrypted.
//!
//! When saving an entry fails (validation, a busy or full disk, a crash of
//! the editor), the text is kept here so nothing the person wrote is lost.
//! For an encrypted store a draft is sealed with XChaCha20-Poly1305 before it
//! touches the disk; its plaintext never does. Files are 0600 with random
//! names (no hint of when or what), written atomically.
//!
//! Version 2 drafts are sealed under a subkey of the data key (HKDF-SHA256,
//! label [`SUBKEY_LABEL`]), so the drafts and the database never share a
//! key; version 1 drafts, sealed under the data key itself, are still read.
//! A passphrase change seals every draft again under the new key
//! ([`rekey`]), and drafts that the journal's key no longer opens are
//! removed ([`remove_unopenable`]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use attune_core::{EntryDraft, Moment};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::StoreError;
use crate::fsutil::{self, Existing};
use crate::keyfile::{self, DataKey};

/// File name extension of drafts.
const EXT: &str = "draft";
/// Bound into every sealed draft of version 1 (under the data key itself),
/// so a draft cannot pass for another kind of file.
const AAD: &[u8] = b"attune draft v1";
/// The same for version 2 (under the drafts' subkey).
const AAD_V2: &[u8] = b"attune draft v2";
/// What the drafts' subkey is derived with.
const SUBKEY_LABEL: &[u8] = b"attune drafts key v2";
const ENC_XCHACHA: &str = "xchacha20poly1305";

/// A draft read back from disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftFile {
    /// Where it is (pass to [`remove`] once saved).
    pub path: PathBuf,
    /// When it was kept.
    pub saved_at: Timestamp,
    /// What the person had typed.
    pub draft: EntryDraft,
    /// When it happened, if that was already settled.
    pub occurred: Option<Moment>,
}

/// The file: an envelope saying how the payload is protected.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    version: u32,
    encryption: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ciphertext: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payload: Option<Kept>,
}

/// What is protected.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kept {
    saved_at: Timestamp,
    draft: EntryDraft,
    occurred: Option<Moment>,
}

/// Keeps `draft` in `drafts_dir` (created 0700 if missing) and returns the
/// file's path. With a key the file is encrypted; without one (plain store)
/// it is plain JSON like the journal itself.
pub fn save(
    drafts_dir: &Path,
    key: Option<&DataKey>,
    draft: &EntryDraft,
    occurred: Option<&Moment>,
    now: Timestamp,
) -> Result<PathBuf, StoreError> {
    let payload = Kept { saved_at: now, draft: draft.clone(), occurred: occurred.cloned() };
    write_kept(drafts_dir, key, payload)
}

/// Seals `payload` (under the drafts' subkey of `key`) and writes it under a
/// new random name.
fn write_kept(drafts_dir: &Path, key: Option<&DataKey>, payload: Kept) -> Result<PathBuf, StoreError> {
    fsutil::create_private_dir(drafts_dir)?;
    let envelope = match key {
        None => {
            Envelope { version: 1, encryption: "none".into(), nonce: None, ciphertext: None, payload: Some(payload) }
        }
        Some(key) => {
            let plain = Zeroizing::new(serde_json::to_vec(&payload).map_err(|e| StoreError::Decode(e.to_string()))?);
            let mut nonce = [0u8; 24];
            getrandom::fill(&mut nonce).map_err(|e| randomness(drafts_dir, e))?;
            let subkey = keyfile::subkey(key, SUBKEY_LABEL);
            let cipher = XChaCha20Poly1305::new(Key::from_slice(subkey.as_ref()));
            let sealed = cipher
                .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: AAD_V2 })
                .map_err(|_| StoreError::Decode("sealing the draft failed".into()))?;
            Envelope {
                version: 2,
                encryption: ENC_XCHACHA.into(),
                nonce: Some(B64.encode(nonce)),
                ciphertext: Some(B64.encode(sealed)),
                payload: None,
            }
        }
    };
    let bytes = Zeroizing::new(serde_json::to_vec(&envelope).map_err(|e| StoreError::Decode(e.to_string()))?);
    let mut name = [0u8; 12];
    getrandom::fill(&mut name).map_err(|e| randomness(drafts_dir, e))?;
    let path = drafts_dir.join(format!("{}.{EXT}", hex::encode(name)));
    fsutil::write_atomic(&path, &bytes, Existing::Keep)?;
    Ok(path)
}

fn randomness(dir: &Path, e: getrandom::Error) -> StoreError {
    StoreError::io("saving a draft in", dir, io::Error::other(e.to_string()))
}

/// The drafts that `key` opens, newest first. Files that cannot be read or
/// decrypted (another key, damage, a plain draft when a key is given) are
/// skipped. A missing folder means no drafts.
pub fn list(drafts_dir: &Path, key: Option<&DataKey>) -> Result<Vec<DraftFile>, StoreError> {
    let mut out: Vec<DraftFile> =
        draft_files(drafts_dir)?.into_iter().filter_map(|(path, bytes)| decode(path, &bytes, key)).collect();
    out.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| a.path.cmp(&b.path)));
    Ok(out)
}

/// Reads one draft file's bytes (found at `path`): `None` when `key` does
/// not open it, or it is damaged or not a draft. Never panics on any bytes.
pub fn decode(path: PathBuf, bytes: &[u8], key: Option<&DataKey>) -> Option<DraftFile> {
    let p = open(bytes, key)?;
    Some(DraftFile { path, saved_at: p.saved_at, draft: p.draft, occurred: p.occurred })
}

fn open(bytes: &[u8], key: Option<&DataKey>) -> Option<Kept> {
    let envelope: Envelope = serde_json::from_slice(bytes).ok()?;
    match (envelope.version, envelope.encryption.as_str(), key) {
        (1, "none", None) => envelope.payload,
        (version @ (1 | 2), ENC_XCHACHA, Some(key)) => {
            let nonce: [u8; 24] = B64.decode(envelope.nonce?).ok()?.try_into().ok()?;
            let sealed = B64.decode(envelope.ciphertext?).ok()?;
            // Version 1 drafts were sealed under the data key itself.
            let (subkey, aad) = if version == 1 {
                (Zeroizing::new(*key.as_bytes()), AAD)
            } else {
                (keyfile::subkey(key, SUBKEY_LABEL), AAD_V2)
            };
            let cipher = XChaCha20Poly1305::new(Key::from_slice(subkey.as_ref()));
            let plain = Zeroizing::new(cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad }).ok()?);
            serde_json::from_slice(&plain).ok()
        }
        _ => None,
    }
}

/// Whether `bytes` are a draft sealed by attune with some key (version 1
/// or 2), whatever key that was. Anything else in the folder is not ours
/// to remove.
fn is_sealed_draft(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Envelope>(bytes)
        .is_ok_and(|e| matches!(e.version, 1 | 2) && e.encryption == ENC_XCHACHA && e.ciphertext.is_some())
}

/// The draft files in `drafts_dir` with their bytes (none if it is missing).
fn draft_files(drafts_dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, StoreError> {
    let dir = match fs::read_dir(drafts_dir) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("reading", drafts_dir, e)),
    };
    let mut out = Vec::new();
    for item in dir {
        let path = item.map_err(|e| StoreError::io("reading", drafts_dir, e))?.path();
        if path.extension().and_then(|e| e.to_str()) == Some(EXT)
            && let Ok(bytes) = fs::read(&path)
        {
            out.push((path, bytes));
        }
    }
    Ok(out)
}

/// Seals every draft that `old` opens again under `new`, in new files
/// (synced), and returns the old files, for the caller to remove with
/// [`remove_all`] once `new` is the journal's key on disk. Until then the
/// old drafts are the ones that count; the new ones are removed by
/// [`remove_unopenable`] if the change never completes.
pub(crate) fn rekey(drafts_dir: &Path, old: &DataKey, new: &DataKey) -> Result<Vec<PathBuf>, StoreError> {
    let mut done = Vec::new();
    for (path, bytes) in draft_files(drafts_dir)? {
        if let Some(kept) = open(&bytes, Some(old)) {
            write_kept(drafts_dir, Some(new), kept)?;
            done.push(path);
        }
    }
    Ok(done)
}

/// Removes `paths` (drafts) and makes that durable.
pub(crate) fn remove_all(drafts_dir: &Path, paths: &[PathBuf]) -> Result<(), StoreError> {
    for path in paths {
        remove(path)?;
    }
    if !paths.is_empty() {
        fsutil::sync_dir(drafts_dir)?;
    }
    Ok(())
}

/// Removes the sealed drafts that `key`, the journal's key, does not open:
/// what an interrupted passphrase change left (old drafts under a key no
/// longer on disk, or new ones under a key that never reached it). Nobody
/// can read those any more, and they hold text under a key that may have
/// been seen. Files that are not sealed drafts are left alone.
pub(crate) fn remove_unopenable(drafts_dir: &Path, key: &DataKey) -> Result<usize, StoreError> {
    let stale: Vec<PathBuf> = draft_files(drafts_dir)?
        .into_iter()
        .filter(|(_, bytes)| is_sealed_draft(bytes) && open(bytes, Some(key)).is_none())
        .map(|(path, _)| path)
        .collect();
    remove_all(drafts_dir, &stale)?;
    Ok(stale.len())
}

/// Deletes a draft once its entry was saved. A draft already gone is fine.
pub fn remove(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("removing", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(text: &str) -> EntryDraft {
        EntryDraft { situation: text.into(), intensity: Some(12), tags: vec!["x y".into()], ..Default::default() }
    }

    #[test]
    fn encrypted_drafts_round_trip_and_hide_their_text() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::from_bytes([3; 32]);
        let when: Moment = "2026-01-02T03:04:05+01:00[Europe/Berlin]".parse().unwrap();
        let older = save(dir.path(), Some(&key), &draft("first secretword"), None, Timestamp::from_second(10).unwrap())
            .unwrap();
        let newer =
            save(dir.path(), Some(&key), &draft("second"), Some(&when), Timestamp::from_second(20).unwrap()).unwrap();
        assert!(!fs::read_to_string(&older).unwrap().contains("secretword"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&older).unwrap().permissions().mode() & 0o777, 0o600);
        }

        let listed = list(dir.path(), Some(&key)).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].path, newer);
        assert_eq!(listed[0].occurred.as_ref(), Some(&when));
        assert_eq!(listed[1].draft, draft("first secretword"), "invalid input is kept as typed");

        // Another key, or no key, opens nothing; junk files are skipped.
        fs::write(dir.path().join("junk.draft"), b"{not json").unwrap();
        assert!(list(dir.path(), Some(&DataKey::from_bytes([4; 32]))).unwrap().is_empty());
        assert!(list(dir.path(), None).unwrap().is_empty());

        remove(&older).unwrap();
        remove(&older).unwrap();
        assert_eq!(list(dir.path(), Some(&key)).unwrap().len(), 1);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever was typed (any text, any numbers) comes back exactly,
        /// sealed or plain, and a sealed draft never shows its text.
        #[test]
        fn any_draft_reads_back_as_typed(
            situation in "\\PC{0,200}",
            thoughts in ".{0,50}",
            tags in proptest::collection::vec("\\PC{0,12}", 0..4),
            intensity in proptest::option::of(proptest::prelude::any::<i64>()),
            starred in proptest::prelude::any::<bool>(),
            secs in 0i64..4_000_000_000,
            sealed in proptest::prelude::any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let key = DataKey::from_bytes([5; 32]);
            let key = sealed.then_some(&key);
            let typed = EntryDraft { situation, thoughts, tags, intensity, starred, ..Default::default() };
            let now = Timestamp::from_second(secs).unwrap();
            let path = save(dir.path(), key, &typed, None, now).unwrap();
            let bytes = fs::read(&path).unwrap();
            let back = decode(path.clone(), &bytes, key).unwrap();
            proptest::prop_assert_eq!(&back.draft, &typed);
            proptest::prop_assert_eq!(back.saved_at, now);
            if sealed && typed.situation.len() >= 8 {
                let text = typed.situation.as_bytes();
                proptest::prop_assert!(!bytes.windows(text.len()).any(|w| w == text));
            }
        }
    }

    /// A draft as attune before version 2 wrote it: sealed under the data key.
    fn save_v1(dir: &Path, key: &DataKey, text: &str) -> PathBuf {
        let payload = Kept { saved_at: Timestamp::UNIX_EPOCH, draft: draft(text), occurred: None };
        let plain = serde_json::to_vec(&payload).unwrap();
        let nonce = [7u8; 24];
        let cipher = XChaCha20Poly1305::new(Key::from_slice(key.as_bytes()));
        let sealed = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: AAD }).unwrap();
        let envelope = Envelope {
            version: 1,
            encryption: ENC_XCHACHA.into(),
            nonce: Some(B64.encode(nonce)),
            ciphertext: Some(B64.encode(sealed)),
            payload: None,
        };
        let path = dir.join("0000older.draft");
        fs::write(&path, serde_json::to_vec(&envelope).unwrap()).unwrap();
        path
    }

    #[test]
    fn new_drafts_use_a_subkey_and_old_ones_still_open() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::from_bytes([6; 32]);
        let path =
            save(dir.path(), Some(&key), &draft("sealed under the subkey"), None, Timestamp::UNIX_EPOCH).unwrap();
        let envelope: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(envelope["version"], 2);
        // The data key itself does not open it: the drafts have their own key.
        let bytes = fs::read(&path).unwrap();
        let env: Envelope = serde_json::from_slice(&bytes).unwrap();
        let nonce: [u8; 24] = B64.decode(env.nonce.unwrap()).unwrap().try_into().unwrap();
        let sealed = B64.decode(env.ciphertext.unwrap()).unwrap();
        let with_data_key = XChaCha20Poly1305::new(Key::from_slice(key.as_bytes()));
        assert!(with_data_key.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: AAD_V2 }).is_err());
        save_v1(dir.path(), &key, "from an older attune");
        let texts: Vec<String> = list(dir.path(), Some(&key)).unwrap().into_iter().map(|d| d.draft.situation).collect();
        assert_eq!(texts.len(), 2);
        assert!(texts.contains(&"from an older attune".to_string()), "{texts:?}");
    }

    #[test]
    fn rekey_seals_every_draft_again_and_the_leftovers_go() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (DataKey::from_bytes([1; 32]), DataKey::from_bytes([2; 32]));
        save(dir.path(), Some(&old), &draft("one"), None, Timestamp::UNIX_EPOCH).unwrap();
        save_v1(dir.path(), &old, "two");
        fs::write(dir.path().join("notes.draft"), b"not a sealed draft").unwrap();
        let done = rekey(dir.path(), &old, &new).unwrap();
        assert_eq!(done.len(), 2);
        // Before the key switches, the old key still opens both; the new copies are there too.
        assert_eq!(list(dir.path(), Some(&old)).unwrap().len(), 2);
        assert_eq!(list(dir.path(), Some(&new)).unwrap().len(), 2);
        // Interrupted before the switch: the new copies are what is cleaned.
        let scratch = tempfile::tempdir().unwrap();
        for entry in fs::read_dir(dir.path()).unwrap() {
            let p = entry.unwrap().path();
            fs::copy(&p, scratch.path().join(p.file_name().unwrap())).unwrap();
        }
        assert_eq!(remove_unopenable(scratch.path(), &old).unwrap(), 2);
        assert_eq!(list(scratch.path(), Some(&old)).unwrap().len(), 2);
        // Completed: the old files go, and only the new key opens what is left.
        remove_all(dir.path(), &done).unwrap();
        assert!(list(dir.path(), Some(&old)).unwrap().is_empty());
        let mut texts: Vec<String> =
            list(dir.path(), Some(&new)).unwrap().into_iter().map(|d| d.draft.situation).collect();
        texts.sort();
        assert_eq!(texts, ["one", "two"]);
        assert_eq!(remove_unopenable(dir.path(), &new).unwrap(), 0);
        assert!(dir.path().join("notes.draft").exists(), "a file that is not a sealed draft stays");
    }

    #[test]
    fn plain_drafts_for_plain_stores() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), None, &draft("hello"), None, Timestamp::UNIX_EPOCH).unwrap();
        let listed = list(dir.path(), None).unwrap();
        assert_eq!(listed[0].draft.situation, "hello");
        assert!(list(&dir.path().join("nope"), None).unwrap().is_empty());
    }
}
