//! `key.json`'s `drafts` section as data: its JSON shape and its checks.
//! What it holds is made and opened by [`crate::sealed`]; the key file only
//! carries it.

use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

/// Length of the nonce that seals the drafts identity.
pub(crate) const SECTION_NONCE_LEN: usize = 24;
const NONCE_LEN: usize = SECTION_NONCE_LEN;
/// Largest encrypted identity accepted from a key file (an age identity
/// string is 74 characters, plus the tag).
const MAX_IDENTITY_LEN: usize = 256;

/// `key.json`'s `drafts` section: the public recipient in clear, the
/// private identity encrypted under a key derived from the data key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftsSection {
    pub(crate) recipient: String,
    pub(crate) nonce: [u8; NONCE_LEN],
    pub(crate) identity: Vec<u8>,
}

/// The section as written in `key.json`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftsJson {
    recipient: String,
    nonce: String,
    identity: String,
}

impl DraftsSection {
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let json = DraftsJson {
            recipient: self.recipient.clone(),
            nonce: B64.encode(self.nonce),
            identity: B64.encode(&self.identity),
        };
        serde_json::to_value(json).unwrap_or(serde_json::Value::Null)
    }

    /// The section, if it is well formed. A damaged one counts as absent:
    /// the journal still opens, and the next unlock writes a new pair
    /// (drafts sealed to the damaged one stay sealed, counted unreadable).
    pub(crate) fn from_json(value: serde_json::Value) -> Option<DraftsSection> {
        Self::parse(serde_json::from_value(value).ok()?).ok()
    }

    /// Checks the shape only; whether it opens is known at unlock.
    fn parse(json: DraftsJson) -> Result<DraftsSection, String> {
        age::x25519::Recipient::from_str(&json.recipient)
            .map_err(|_| "the drafts recipient is not an age X25519 public key".to_string())?;
        let nonce = B64
            .decode(json.nonce)
            .ok()
            .and_then(|n| <[u8; NONCE_LEN]>::try_from(n).ok())
            .ok_or_else(|| format!("the drafts nonce must be {NONCE_LEN} bytes of base64"))?;
        let identity = B64.decode(json.identity).map_err(|_| "the drafts identity is not base64".to_string())?;
        if identity.len() > MAX_IDENTITY_LEN {
            return Err("the drafts identity is too long".into());
        }
        Ok(DraftsSection { recipient: json.recipient, nonce, identity })
    }
}
