//! Drafts: entries that could not be saved, kept encrypted with the data key.
//!
//! When saving an entry fails (validation, a busy or full disk, a crash of
//! the editor), the text is kept here so nothing the person wrote is lost.
//! For an encrypted store a draft is sealed with XChaCha20-Poly1305 under the
//! data key before it touches the disk; its plaintext never does. Files are
//! 0600 with random names (no hint of when or what), written atomically.

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
use crate::keyfile::DataKey;

/// File name extension of drafts.
const EXT: &str = "draft";
/// Bound into every sealed draft, so a draft cannot pass for another kind of file.
const AAD: &[u8] = b"attune draft v1";

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
    fsutil::create_private_dir(drafts_dir)?;
    let payload = Kept { saved_at: now, draft: draft.clone(), occurred: occurred.cloned() };
    let envelope = match key {
        None => {
            Envelope { version: 1, encryption: "none".into(), nonce: None, ciphertext: None, payload: Some(payload) }
        }
        Some(key) => {
            let plain = Zeroizing::new(serde_json::to_vec(&payload).map_err(|e| StoreError::Decode(e.to_string()))?);
            let mut nonce = [0u8; 24];
            getrandom::fill(&mut nonce).map_err(|e| randomness(drafts_dir, e))?;
            let cipher = XChaCha20Poly1305::new(Key::from_slice(key.as_bytes()));
            let sealed = cipher
                .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: AAD })
                .map_err(|_| StoreError::Decode("sealing the draft failed".into()))?;
            Envelope {
                version: 1,
                encryption: "xchacha20poly1305".into(),
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
    let dir = match fs::read_dir(drafts_dir) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("reading", drafts_dir, e)),
    };
    let mut out = Vec::new();
    for item in dir {
        let item = item.map_err(|e| StoreError::io("reading", drafts_dir, e))?;
        let path = item.path();
        if path.extension().and_then(|e| e.to_str()) != Some(EXT) {
            continue;
        }
        let Ok(bytes) = fs::read(&path) else { continue };
        if let Some(d) = decode(path, &bytes, key) {
            out.push(d);
        }
    }
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
    if envelope.version != 1 {
        return None;
    }
    match (envelope.encryption.as_str(), key) {
        ("none", None) => envelope.payload,
        ("xchacha20poly1305", Some(key)) => {
            let nonce: [u8; 24] = B64.decode(envelope.nonce?).ok()?.try_into().ok()?;
            let sealed = B64.decode(envelope.ciphertext?).ok()?;
            let cipher = XChaCha20Poly1305::new(Key::from_slice(key.as_bytes()));
            let plain =
                Zeroizing::new(cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: AAD }).ok()?);
            serde_json::from_slice(&plain).ok()
        }
        _ => None,
    }
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

    #[test]
    fn plain_drafts_for_plain_stores() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), None, &draft("hello"), None, Timestamp::UNIX_EPOCH).unwrap();
        let listed = list(dir.path(), None).unwrap();
        assert_eq!(listed[0].draft.situation, "hello");
        assert!(list(&dir.path().join("nope"), None).unwrap().is_empty());
    }
}
