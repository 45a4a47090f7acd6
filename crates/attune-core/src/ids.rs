//! Record identities.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The stable identity of an entry or check-in: a UUIDv7, so ids sort by
/// creation time and can travel between stores (export, partner space)
/// without clashing. The caller makes it (core has no clock and no RNG).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(Uuid);

impl RecordId {
    /// Builds an id from a UUID the caller generated (normally UUIDv7).
    pub fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The underlying UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }

    /// The id without dashes, as people type prefixes of it.
    pub fn simple(&self) -> String {
        self.0.simple().to_string()
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

impl FromStr for RecordId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A record's fingerprint for imports: a SHA-256 of what it says, so the
/// same record met again (the same file imported twice, or another export
/// of it) is recognised. Made by the importers; kept by the store.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContentHash(pub [u8; 32]);

/// Eight of the digest's bytes are as good a key as all 32 (the digest is
/// already uniform), for a quarter of the hashing when a big import keeps
/// every fingerprint in a set.
impl std::hash::Hash for ContentHash {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(&self.0[..8]);
    }
}

impl ContentHash {
    /// The SHA-256 of `text`.
    pub fn of(text: &str) -> Self {
        use sha2::{Digest, Sha256};
        Self(Sha256::digest(text.as_bytes()).into())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}
