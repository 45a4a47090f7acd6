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
//!
//! Version 3 adds `db`: the name of the database file this key opens. A
//! passphrase change makes a new data key and a new database file under it
//! (`attune-<generation>.db`), and the key file switching to name it is the
//! one atomic step of that change. Without `db` the file is `attune.db`.
//! Version 3 is also what carries `drafts`, the sealed drafts' key pair,
//! which new journals get and older key files get at their first unlock.
//! Only key files with either field are written as version 3, so an older
//! attune refuses them as too new rather than as damaged.

use std::fs;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

mod section;
pub use section::DraftsSection;
pub(crate) use section::SECTION_NONCE_LEN;

use crate::error::StoreError;
use crate::fsutil::{Existing, write_atomic};
use crate::{DB_FILE, KEY_FILE};

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
    /// The default for new stores: 64 MiB, 3 passes, 1 lane (the floor;
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
    /// The cheapest parameters a key file may carry: OWASP's minimum for
    /// Argon2id (19 MiB, 2 passes). attune itself writes [`KdfParams::DEFAULT`];
    /// tests use this to stay fast. A key file below it was not written by
    /// attune for a person, and keeping the journal behind it would make
    /// guessing the passphrase cheap, so it is refused rather than used.
    pub const MINIMUM: KdfParams = KdfParams { m_cost_kib: 19 * 1024, t_cost: 2, p_cost: 1 };

    /// Upper bounds: a damaged or planted key file must not make attune
    /// allocate gigabytes or work for minutes before the tag check fails.
    /// 16 times the default's memory, and at most 16 times its work.
    const MAX_M_COST_KIB: u32 = 16 * KdfParams::DEFAULT.m_cost_kib;
    const MAX_T_COST: u32 = 16;
    const MAX_P_COST: u32 = 8;
    const MAX_WORK: u64 = 16 * KdfParams::DEFAULT.m_cost_kib as u64 * KdfParams::DEFAULT.t_cost as u64;

    /// Why these parameters are not acceptable, if they are not.
    pub fn check(&self) -> Result<(), String> {
        let work = u64::from(self.m_cost_kib) * u64::from(self.t_cost);
        if self.m_cost_kib > Self::MAX_M_COST_KIB
            || self.t_cost > Self::MAX_T_COST
            || self.p_cost > Self::MAX_P_COST
            || work > Self::MAX_WORK
        {
            return Err(format!(
                "its key derivation settings ({} KiB, {} passes, {} lanes) are far beyond what attune uses \
                 (at most {} KiB, {} passes, {} lanes and 16 times the usual work)",
                self.m_cost_kib,
                self.t_cost,
                self.p_cost,
                Self::MAX_M_COST_KIB,
                Self::MAX_T_COST,
                Self::MAX_P_COST
            ));
        }
        let min = Self::MINIMUM;
        if self.m_cost_kib < min.m_cost_kib || self.t_cost < min.t_cost || self.p_cost < min.p_cost {
            return Err(format!(
                "its key derivation settings ({} KiB, {} passes, {} lanes) are far weaker than attune writes \
                 (at least {} KiB and {} passes), so attune did not make it for this journal",
                self.m_cost_kib, self.t_cost, self.p_cost, min.m_cost_kib, min.t_cost
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

/// The newest key file format this attune reads.
const VERSION: u32 = 3;
/// The format that names the database file (`db`) or carries the sealed
/// drafts' key pair (`drafts`); written only when it does, so an older
/// attune says "newer attune" instead of "not valid: unknown field".
const VERSION_NAMED_DB: u32 = 3;
/// What new encrypted journals get: `page_hmac` says HMAC-SHA256.
const VERSION_SHA256_PAGES: u32 = 2;
/// The format that knows no `page_hmac` (HMAC-SHA512 pages).
const VERSION_SHA512_PAGES: u32 = 1;
const PAGE_HMAC_SHA256: &str = "sha256";
/// Only named from version 3 on (version 1 says it by saying nothing).
const PAGE_HMAC_SHA512: &str = "sha512";
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
            PageMac::Sha256 => (VERSION_SHA256_PAGES, Some(PAGE_HMAC_SHA256)),
        }
    }

    /// Its name in `page_hmac`, for key files that always say it (version 3).
    fn name(self) -> &'static str {
        match self {
            PageMac::Sha512 => PAGE_HMAC_SHA512,
            PageMac::Sha256 => PAGE_HMAC_SHA256,
        }
    }
}

/// The generation of a database file name: 1 for `attune.db`, N for
/// `attune-N.db` (N from 2, no leading zeros); `None` for any other name,
/// so a key file can never point outside the store folder.
pub(crate) fn generation_of(name: &str) -> Option<u64> {
    if name == DB_FILE {
        return Some(1);
    }
    let digits = name.strip_prefix("attune-")?.strip_suffix(".db")?;
    if digits.is_empty() || digits.len() > 12 || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    digits.parse().ok().filter(|n| *n >= 2)
}

/// The database file name of `generation` (see [`generation_of`]).
pub(crate) fn db_file_name(generation: u64) -> String {
    if generation <= 1 { DB_FILE.to_string() } else { format!("attune-{generation}.db") }
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
    pub(crate) drafts: Option<DraftsSection>,
    /// The database file this key opens, when it is not `attune.db`. Not
    /// bound to the wrapped key: it only says where to look, and a file
    /// under another key does not open with this one.
    pub(crate) db: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    db: Option<String>,
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
                db: None,
            },
            KeyFile::Wrapped(w) => Json {
                version: if w.db.is_some() || w.drafts.is_some() { VERSION_NAMED_DB } else { w.page_mac.version().0 },
                encryption: ENC_XCHACHA.into(),
                kdf: Some(KDF_ARGON2ID.into()),
                m_cost_kib: Some(w.params.m_cost_kib),
                t_cost: Some(w.params.t_cost),
                p_cost: Some(w.params.p_cost),
                salt: Some(B64.encode(&w.salt)),
                nonce: Some(B64.encode(w.nonce)),
                ciphertext: Some(B64.encode(&w.ciphertext)),
                page_hmac: if w.db.is_some() || w.drafts.is_some() {
                    Some(w.page_mac.name().to_string())
                } else {
                    w.page_mac.version().1.map(String::from)
                },
                drafts: w.drafts.as_ref().map(DraftsSection::to_json),
                db: w.db.clone(),
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
            (VERSION_NAMED_DB.., Some(PAGE_HMAC_SHA512)) => PageMac::Sha512,
            (_, Some(other)) => return Err(format!("page MAC '{other}' is not supported")),
            (_, None) if json.encryption == ENC_NONE => PageMac::NEW,
            (_, None) => return Err(missing("page_hmac")),
        };
        let db = match json.db {
            None => None,
            Some(_) if json.version < VERSION_NAMED_DB => {
                return Err(format!("the field 'db' needs format version {VERSION_NAMED_DB} or later"));
            }
            Some(_) if json.encryption == ENC_NONE => {
                return Err("the field 'db' is only for encrypted journals".into());
            }
            Some(name) if generation_of(&name).is_none() => {
                return Err(format!("'{name}' is not a journal file name attune uses"));
            }
            Some(name) => Some(name),
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
                let drafts = json.drafts.and_then(DraftsSection::from_json);
                Ok(KeyFile::Wrapped(Wrapped { params, salt, nonce, ciphertext, page_mac, drafts, db }))
            }
            other => Err(format!("encryption '{other}' is not supported")),
        }
    }

    /// Whether the database is encrypted.
    pub(crate) fn is_encrypted(&self) -> bool {
        matches!(self, KeyFile::Wrapped(_))
    }

    /// The name of the database file this key file is for.
    pub(crate) fn db_name(&self) -> &str {
        match self {
            KeyFile::Wrapped(Wrapped { db: Some(name), .. }) => name,
            _ => DB_FILE,
        }
    }

    /// The same key file without the database's name, for a copy that sits
    /// beside a backup or becomes `attune.db` in a restore.
    pub(crate) fn without_db(&self) -> KeyFile {
        match self {
            KeyFile::Wrapped(w) => KeyFile::Wrapped(Wrapped { db: None, ..w.clone() }),
            KeyFile::Plain => KeyFile::Plain,
        }
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
    Ok(Wrapped { params, salt, nonce, ciphertext, page_mac, drafts: None, db: None })
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

/// A key for one purpose, derived from the data key with HKDF-SHA256
/// (RFC 5869; no salt, `label` as the info), so that the drafts, the sealed
/// drafts' identity and the database never share a key.
pub(crate) fn subkey(key: &DataKey, label: &[u8]) -> Zeroizing<[u8; 32]> {
    hkdf_sha256_32(&[], key.as_bytes(), label)
}

/// The first 32 bytes of HKDF-SHA256's output.
fn hkdf_sha256_32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit of 255 blocks: it cannot fail.
    let _ = hkdf::Hkdf::<sha2::Sha256>::new((!salt.is_empty()).then_some(salt), ikm).expand(info, out.as_mut());
    out
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
mod tests;
