//! The key file (`key.json`): how the random 256-bit data key is protected.
//!
//! Encrypted stores keep the data key wrapped with XChaCha20-Poly1305 under a
//! key derived from the passphrase with Argon2id; the KDF parameters and salt
//! sit beside the wrapped key and are bound to it as associated data, so a
//! tampered parameter fails to unwrap instead of weakening the KDF.
//! Unencrypted stores have a key file that says so explicitly.
//!
//! Version 2 adds `page_hmac`, the MAC SQLCipher puts on every page. Key
//! files of version 1 say nothing about it and mean SQLCipher's default,
//! HMAC-SHA512; new journals use HMAC-SHA256, which does the same job at
//! about three times the speed on processors with SHA instructions (every
//! page written or read is MACed). A key file keeps the version it was made
//! with, so an older attune can still open an older journal.

use std::fs;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::KEY_FILE;
use crate::error::StoreError;
use crate::fsutil::{Existing, write_atomic};

/// The database key. Zeroed on drop; never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// Wraps raw key bytes (from the key cache).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw bytes, for the key cache and SQLCipher.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A passphrase. Zeroed on drop; never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

// Its only field wipes itself on drop; this marker lets callers require it.
impl ZeroizeOnDrop for Passphrase {}

impl Passphrase {
    /// Takes ownership of the text (a trailing newline should already be cut).
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// The text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// The default for new stores: 64 MiB, 3 passes, 1 lane (the issue's floor;
    /// about a quarter second on a laptop).
    pub const DEFAULT: KdfParams = KdfParams { m_cost_kib: 64 * 1024, t_cost: 3, p_cost: 1 };
}

/// How a new store is protected.
#[derive(Debug)]
pub enum Protection {
    /// Encrypted with a data key wrapped by this passphrase.
    Passphrase(Passphrase, KdfParams),
    /// Not encrypted (the person chose this explicitly).
    None,
}

impl KdfParams {
    /// The cheapest parameters a key file may carry (8 MiB, 1 pass). Only
    /// tests should go this low; it keeps them fast.
    pub const MINIMUM: KdfParams = KdfParams { m_cost_kib: 8 * 1024, t_cost: 1, p_cost: 1 };

    /// Upper bounds, so a damaged key file cannot make us allocate the
    /// machine's whole memory before the tag check fails.
    const MAX_M_COST_KIB: u32 = 4 * 1024 * 1024;
    const MAX_T_COST: u32 = 64;
    const MAX_P_COST: u32 = 16;

    /// Why these parameters are not acceptable, if they are not.
    pub fn check(&self) -> Result<(), String> {
        let min = Self::MINIMUM;
        if self.m_cost_kib < min.m_cost_kib || self.t_cost < min.t_cost || self.p_cost < min.p_cost {
            return Err(format!(
                "key derivation settings ({} KiB, {} passes, {} lanes) are below the minimum of {} KiB and {} pass",
                self.m_cost_kib, self.t_cost, self.p_cost, min.m_cost_kib, min.t_cost
            ));
        }
        if self.m_cost_kib > Self::MAX_M_COST_KIB || self.t_cost > Self::MAX_T_COST || self.p_cost > Self::MAX_P_COST {
            return Err(format!(
                "key derivation settings ({} KiB, {} passes, {} lanes) are beyond what attune uses",
                self.m_cost_kib, self.t_cost, self.p_cost
            ));
        }
        Ok(())
    }
}

impl DataKey {
    /// A fresh random key from the operating system.
    pub(crate) fn generate() -> Result<DataKey, getrandom::Error> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())?;
        Ok(DataKey(*bytes))
    }
}

/// The newest key file format: what new encrypted journals get.
const VERSION: u32 = 2;
/// The format that knows no `page_hmac` (HMAC-SHA512 pages).
const VERSION_SHA512_PAGES: u32 = 1;
const PAGE_HMAC_SHA256: &str = "sha256";
const ENC_NONE: &str = "none";
const ENC_XCHACHA: &str = "xchacha20poly1305";
const KDF_ARGON2ID: &str = "argon2id";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// The MAC SQLCipher puts on each page of an encrypted journal. Fixed when
/// the journal is made: every page carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageMac {
    /// SQLCipher 4's default; journals made before key file version 2.
    Sha512,
    /// New journals.
    Sha256,
}

impl PageMac {
    /// The MAC new journals get.
    pub(crate) const NEW: PageMac = PageMac::Sha256;

    /// The value of SQLCipher's `cipher_hmac_algorithm`.
    pub(crate) fn pragma_value(self) -> &'static str {
        match self {
            PageMac::Sha512 => "HMAC_SHA512",
            PageMac::Sha256 => "HMAC_SHA256",
        }
    }

    /// The key file version for this MAC, and what its `page_hmac` says
    /// (version 1 says SHA-512 by saying nothing).
    fn version(self) -> (u32, Option<&'static str>) {
        match self {
            PageMac::Sha512 => (VERSION_SHA512_PAGES, None),
            PageMac::Sha256 => (VERSION, Some(PAGE_HMAC_SHA256)),
        }
    }
}

/// The parsed key file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyFile {
    /// The database is plain SQLite.
    Plain,
    /// The data key, wrapped under a passphrase.
    Wrapped(Wrapped),
}

/// A data key sealed with XChaCha20-Poly1305 under an Argon2id-derived key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Wrapped {
    pub(crate) params: KdfParams,
    pub(crate) salt: Vec<u8>,
    pub(crate) nonce: [u8; NONCE_LEN],
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) page_mac: PageMac,
    /// The sealed drafts' key pair (see [`crate::sealed`]); absent in key
    /// files made before it, until the next unlock adds it.
    pub(crate) drafts: Option<crate::sealed::DraftsSection>,
}

/// The on-disk JSON. Flat, with every field named, so a person (or another
/// implementation) can read what protects their journal.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Json {
    version: u32,
    encryption: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kdf: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    m_cost_kib: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t_cost: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p_cost: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    salt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ciphertext: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page_hmac: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Read on its own: a damaged drafts section must not lock anyone out
    /// of their journal (it is replaced at the next unlock).
    drafts: Option<serde_json::Value>,
}

/// Only the version, read first: a newer attune's key file may carry fields
/// this one does not know, and must still be told apart from a damaged one.
#[derive(serde::Deserialize)]
struct VersionOnly {
    version: u32,
}

/// Why a key file was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Written by a newer attune, in this format version.
    Newer(u32),
    /// Anything else, as the sentence a person sees.
    Invalid(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Newer(found) => {
                write!(f, "it has format version {found}, but this attune knows up to {VERSION}; update attune")
            }
            Refused::Invalid(message) => f.write_str(message),
        }
    }
}

impl KeyFile {
    /// Serialises to the bytes written to `key.json`.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let json = match self {
            // Nothing about a plain journal changed in version 2.
            KeyFile::Plain => Json {
                version: VERSION_SHA512_PAGES,
                encryption: ENC_NONE.into(),
                kdf: None,
                m_cost_kib: None,
                t_cost: None,
                p_cost: None,
                salt: None,
                nonce: None,
                ciphertext: None,
                page_hmac: None,
                drafts: None,
            },
            KeyFile::Wrapped(w) => Json {
                version: w.page_mac.version().0,
                encryption: ENC_XCHACHA.into(),
                kdf: Some(KDF_ARGON2ID.into()),
                m_cost_kib: Some(w.params.m_cost_kib),
                t_cost: Some(w.params.t_cost),
                p_cost: Some(w.params.p_cost),
                salt: Some(B64.encode(&w.salt)),
                nonce: Some(B64.encode(w.nonce)),
                ciphertext: Some(B64.encode(&w.ciphertext)),
                page_hmac: w.page_mac.version().1.map(String::from),
                drafts: w.drafts.as_ref().map(crate::sealed::DraftsSection::to_json),
            },
        };
        // Serialising this plain struct cannot fail; fall back to an empty
        // object rather than panic, which `parse` would then refuse.
        let mut bytes = serde_json::to_vec_pretty(&json).unwrap_or_else(|_| b"{}".to_vec());
        bytes.push(b'\n');
        bytes
    }

    /// Parses and checks `key.json`.
    pub(crate) fn parse(bytes: &[u8]) -> Result<KeyFile, Refused> {
        if let Ok(VersionOnly { version }) = serde_json::from_slice(bytes)
            && version > VERSION
        {
            return Err(Refused::Newer(version));
        }
        Self::parse_known(bytes).map_err(Refused::Invalid)
    }

    /// Parses a key file of a version this attune knows; `Err` is the
    /// sentence a person sees.
    fn parse_known(bytes: &[u8]) -> Result<KeyFile, String> {
        let json: Json = serde_json::from_slice(bytes).map_err(|e| format!("it is not valid: {e}"))?;
        if json.version < VERSION_SHA512_PAGES {
            return Err(format!("format version {} is unknown", json.version));
        }
        let missing = |field: &str| format!("the field '{field}' is missing");
        let page_mac = match (json.version, json.page_hmac.as_deref()) {
            (VERSION_SHA512_PAGES, None) => PageMac::Sha512,
            (VERSION_SHA512_PAGES, Some(_)) => {
                return Err("the field 'page_hmac' needs format version 2 or later".into());
            }
            (_, Some(PAGE_HMAC_SHA256)) => PageMac::Sha256,
            (_, Some(other)) => return Err(format!("page MAC '{other}' is not supported")),
            (_, None) if json.encryption == ENC_NONE => PageMac::NEW,
            (_, None) => return Err(missing("page_hmac")),
        };
        match json.encryption.as_str() {
            ENC_NONE => Ok(KeyFile::Plain),
            ENC_XCHACHA => {
                let kdf = json.kdf.ok_or_else(|| missing("kdf"))?;
                if kdf != KDF_ARGON2ID {
                    return Err(format!("key derivation '{kdf}' is not supported"));
                }
                let params = KdfParams {
                    m_cost_kib: json.m_cost_kib.ok_or_else(|| missing("m_cost_kib"))?,
                    t_cost: json.t_cost.ok_or_else(|| missing("t_cost"))?,
                    p_cost: json.p_cost.ok_or_else(|| missing("p_cost"))?,
                };
                params.check()?;
                let decode = |field: &str, value: Option<String>| -> Result<Vec<u8>, String> {
                    let text = value.ok_or_else(|| missing(field))?;
                    B64.decode(text).map_err(|_| format!("the field '{field}' is not base64"))
                };
                let salt = decode("salt", json.salt)?;
                if salt.len() < SALT_LEN {
                    return Err(format!("the salt is {} bytes; at least {SALT_LEN} are needed", salt.len()));
                }
                let nonce: [u8; NONCE_LEN] = decode("nonce", json.nonce)?
                    .try_into()
                    .map_err(|_| format!("the nonce must be {NONCE_LEN} bytes"))?;
                let ciphertext = decode("ciphertext", json.ciphertext)?;
                if ciphertext.len() != 32 + 16 {
                    return Err("the wrapped key has the wrong length".into());
                }
                let drafts = json.drafts.and_then(crate::sealed::DraftsSection::from_json);
                Ok(KeyFile::Wrapped(Wrapped { params, salt, nonce, ciphertext, page_mac, drafts }))
            }
            other => Err(format!("encryption '{other}' is not supported")),
        }
    }

    /// Whether the database is encrypted.
    pub(crate) fn is_encrypted(&self) -> bool {
        matches!(self, KeyFile::Wrapped(_))
    }
}

/// Checks the bytes of a key file without unwrapping anything: `Ok(true)`
/// for an encrypted journal's key file, `Ok(false)` for a plain one, `Err`
/// with the sentence a person would see. For diagnostics and fuzzing.
pub fn inspect(bytes: &[u8]) -> Result<bool, String> {
    KeyFile::parse(bytes).map(|kf| kf.is_encrypted()).map_err(|refused| refused.to_string())
}

/// Everything about the wrapping except the secret: tampering with any of it
/// (say, lowering the KDF cost) makes the tag check fail. That includes the
/// version, which says the page MAC: a version 2 file edited into a
/// version 1 file (SHA-512 pages) fails here, not on the journal's pages.
fn associated_data(version: u32, params: &KdfParams, salt: &[u8]) -> Vec<u8> {
    format!(
        "attune key.json v{version}|{ENC_XCHACHA}|{KDF_ARGON2ID}|m={}|t={}|p={}|salt={}",
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
        B64.encode(salt)
    )
    .into_bytes()
}

/// Derives the wrapping key. The Argon2 work area is zeroed afterwards as it
/// holds values derived from the passphrase.
fn derive(passphrase: &Passphrase, params: &KdfParams, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, String> {
    params.check()?;
    let argon_params = argon2::Params::new(params.m_cost_kib, params.t_cost, params.p_cost, Some(32))
        .map_err(|e| format!("key derivation settings are invalid: {e}"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, argon_params);
    let mut memory = Zeroizing::new(vec![argon2::Block::default(); argon.params().block_count()]);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into_with_memory(passphrase.expose().as_bytes(), salt, out.as_mut(), memory.as_mut_slice())
        .map_err(|e| format!("key derivation failed: {e}"))?;
    Ok(out)
}

/// Seals `key` under `passphrase` with a fresh random salt and nonce, for
/// a journal whose pages carry `page_mac`.
pub(crate) fn wrap(
    key: &DataKey,
    passphrase: &Passphrase,
    params: KdfParams,
    page_mac: PageMac,
) -> Result<Wrapped, String> {
    let mut salt = vec![0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness from the system: {e}"))?;
    getrandom::fill(&mut nonce).map_err(|e| format!("no randomness from the system: {e}"))?;
    let kek = derive(passphrase, &params, &salt)?;
    let cipher = XChaCha20Poly1305::new(Key::from_slice(kek.as_ref()));
    let aad = associated_data(page_mac.version().0, &params, &salt);
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.as_bytes(), aad: &aad })
        .map_err(|_| "sealing the key failed".to_string())?;
    Ok(Wrapped { params, salt, nonce, ciphertext, page_mac, drafts: None })
}

/// Why [`unwrap`] failed.
#[derive(Debug)]
pub(crate) enum UnwrapError {
    /// The tag did not verify: wrong passphrase (or a tampered file).
    Wrong,
    /// The file's contents are unusable.
    Invalid(String),
}

/// Opens the sealed data key. Reads nothing and writes nothing.
pub(crate) fn unwrap(wrapped: &Wrapped, passphrase: &Passphrase) -> Result<DataKey, UnwrapError> {
    let kek = derive(passphrase, &wrapped.params, &wrapped.salt).map_err(UnwrapError::Invalid)?;
    let cipher = XChaCha20Poly1305::new(Key::from_slice(kek.as_ref()));
    let aad = associated_data(wrapped.page_mac.version().0, &wrapped.params, &wrapped.salt);
    let plain = Zeroizing::new(
        cipher
            .decrypt(XNonce::from_slice(&wrapped.nonce), Payload { msg: &wrapped.ciphertext, aad: &aad })
            .map_err(|_| UnwrapError::Wrong)?,
    );
    let bytes: &[u8; 32] =
        plain.as_slice().try_into().map_err(|_| UnwrapError::Invalid("the wrapped key has the wrong length".into()))?;
    Ok(DataKey(*bytes))
}

/// Reads `<dir>/key.json`; `Ok(None)` when there is none. A leftover
/// `key.json.tmp` is never looked at.
pub(crate) fn read(dir: &Path) -> Result<Option<KeyFile>, StoreError> {
    match read_file(&dir.join(KEY_FILE)) {
        Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        other => other.map(Some),
    }
}

/// Reads and parses the key file at `path` (a journal's, or a backup's
/// `<backup>.key.json`).
pub(crate) fn read_file(path: &Path) -> Result<KeyFile, StoreError> {
    let bytes = fs::read(path).map_err(|e| StoreError::io("reading", path, e))?;
    KeyFile::parse(&bytes).map_err(|refused| match refused {
        Refused::Newer(found) => StoreError::KeyFileTooNew { path: path.to_path_buf(), found, known: VERSION },
        Refused::Invalid(message) => StoreError::KeyFile { path: path.to_path_buf(), message },
    })
}

/// Replaces `<dir>/key.json` atomically (see [`write_atomic`]).
pub(crate) fn write(dir: &Path, key_file: &KeyFile) -> Result<(), StoreError> {
    write_atomic(&dir.join(KEY_FILE), &key_file.to_bytes(), Existing::Replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams::MINIMUM;

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.into())
    }

    #[test]
    fn default_params_meet_the_floor() {
        // Checked when compiling: a weaker default does not build.
        const { assert!(KdfParams::DEFAULT.m_cost_kib >= 64 * 1024 && KdfParams::DEFAULT.t_cost >= 3) };
        assert!(KdfParams::DEFAULT.check().is_ok());
    }

    #[test]
    fn wrap_then_unwrap_gives_the_key_back() {
        for mac in [PageMac::Sha256, PageMac::Sha512] {
            let key = DataKey::generate().unwrap();
            let wrapped = wrap(&key, &pass("correct horse"), FAST, mac).unwrap();
            let file = KeyFile::Wrapped(wrapped);
            let parsed = KeyFile::parse(&file.to_bytes()).unwrap();
            assert_eq!(parsed, file);
            let KeyFile::Wrapped(w) = parsed else { panic!() };
            assert_eq!(w.page_mac, mac);
            assert_eq!(unwrap(&w, &pass("correct horse")).unwrap().as_bytes(), key.as_bytes());
            assert!(matches!(unwrap(&w, &pass("wrong horse")), Err(UnwrapError::Wrong)));
        }
    }

    #[test]
    fn the_version_says_the_page_mac_and_is_bound_to_the_key() {
        let key = DataKey::from_bytes([7; 32]);
        let json = |mac| -> serde_json::Value {
            let file = KeyFile::Wrapped(wrap(&key, &pass("pw"), FAST, mac).unwrap());
            serde_json::from_slice(&file.to_bytes()).unwrap()
        };
        // Version 1, as older attune wrote it: no `page_hmac` at all.
        let v1 = json(PageMac::Sha512);
        assert_eq!((v1["version"].as_u64(), v1.get("page_hmac")), (Some(1), None));
        let v2 = json(PageMac::Sha256);
        assert_eq!((v2["version"].as_u64(), v2["page_hmac"].as_str()), (Some(2), Some("sha256")));
        assert_eq!(PageMac::NEW, PageMac::Sha256);
        // Made to look like version 1, a version 2 file fails the tag check.
        let mut w = wrap(&key, &pass("pw"), FAST, PageMac::Sha256).unwrap();
        w.page_mac = PageMac::Sha512;
        assert!(matches!(unwrap(&w, &pass("pw")), Err(UnwrapError::Wrong)));
    }

    #[test]
    fn tampered_parameters_fail_the_tag_check() {
        let key = DataKey::from_bytes([9; 32]);
        let mut w = wrap(&key, &pass("pw"), KdfParams { m_cost_kib: 9 * 1024, ..FAST }, PageMac::NEW).unwrap();
        w.params.m_cost_kib = 8 * 1024;
        assert!(matches!(unwrap(&w, &pass("pw")), Err(UnwrapError::Wrong)));
    }

    #[test]
    fn plain_key_file_is_explicit() {
        let bytes = KeyFile::Plain.to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v, serde_json::json!({"version": 1, "encryption": "none"}));
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        for (text, reason) in [
            ("", "not valid"),
            (r#"{"version":3,"encryption":"none"}"#, "update attune"),
            (r#"{"version":3,"encryption":"none","a_later_field":true}"#, "update attune"),
            (r#"{"version":0,"encryption":"none"}"#, "unknown"),
            (r#"{"version":1,"encryption":"none","page_hmac":"sha256"}"#, "needs format version 2"),
            (r#"{"version":2,"encryption":"xchacha20poly1305","kdf":"argon2id"}"#, "'page_hmac' is missing"),
            (r#"{"version":2,"encryption":"xchacha20poly1305","page_hmac":"md5"}"#, "'md5' is not supported"),
            (r#"{"version":1,"encryption":"rot13"}"#, "not supported"),
            (r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id"}"#, "missing"),
            (
                r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":1024,"t_cost":1,"p_cost":1}"#,
                "below the minimum",
            ),
            (
                r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":4294967295,"t_cost":1,"p_cost":1}"#,
                "beyond",
            ),
        ] {
            let err = KeyFile::parse(text.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(reason), "{text}: {err}");
        }
        assert_eq!(KeyFile::parse(br#"{"version":3,"x":1}"#), Err(Refused::Newer(3)));
    }

    proptest::proptest! {
        /// Any well-formed key file survives writing and reading unchanged.
        #[test]
        fn key_files_round_trip(
            m in 8u32 * 1024..=4 * 1024 * 1024,
            t in 1u32..=64,
            p in 1u32..=16,
            salt in proptest::collection::vec(proptest::prelude::any::<u8>(), 16..64),
            nonce in proptest::prelude::any::<[u8; 24]>(),
            ciphertext in proptest::collection::vec(proptest::prelude::any::<u8>(), 48),
            sha256 in proptest::prelude::any::<bool>(),
        ) {
            let file = KeyFile::Wrapped(Wrapped {
                params: KdfParams { m_cost_kib: m, t_cost: t, p_cost: p },
                salt,
                nonce,
                ciphertext,
                page_mac: if sha256 { PageMac::Sha256 } else { PageMac::Sha512 },
                drafts: None,
            });
            proptest::prop_assert_eq!(KeyFile::parse(&file.to_bytes()).unwrap(), file);
            proptest::prop_assert_eq!(inspect(&KeyFile::Plain.to_bytes()), Ok(false));
        }
    }

    #[test]
    fn key_material_is_wiped_on_drop() {
        // Checked when compiling: dropping one of these zeroes its memory.
        fn wiped_on_drop<T: ZeroizeOnDrop>() {}
        wiped_on_drop::<DataKey>();
        wiped_on_drop::<Passphrase>();
        wiped_on_drop::<Zeroizing<[u8; 32]>>();
    }

    #[test]
    fn debug_never_shows_secrets() {
        assert_eq!(format!("{:?}", DataKey::from_bytes([1; 32])), "DataKey(..)");
        assert_eq!(format!("{:?}", pass("hunter2")), "Passphrase(..)");
    }
}
