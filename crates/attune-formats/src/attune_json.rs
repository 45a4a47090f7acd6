//! attune's own export: everything in one versioned JSON document, so that
//! importing it into an empty journal gives the same journal back. The
//! schema is described in `docs/export-format.md`.

use attune_core::assess::Taken;
use attune_core::pause::Pause;
use attune_core::plan::{Agreement, Need, TriggerPlan};
use attune_core::selfworth::{Activity, Affirmation, Supporter};
use attune_core::{Checkin, Entry, Label};
use serde::{Deserialize, Serialize};

use crate::error::{Location, ParseError};
use crate::jrnl::json_error;
use crate::text::utf8;

/// The value of `"format"`.
pub const FORMAT: &str = "attune-export";
/// The schema version this build writes and reads.
pub const VERSION: u32 = 1;

/// The whole journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Always [`FORMAT`].
    pub format: String,
    /// Schema version ([`VERSION`]).
    pub version: u32,
    /// When the export was made (RFC 3339 with offset).
    pub exported_at: String,
    /// The trigger list, retired and merged ones included.
    pub triggers: Vec<Label>,
    /// The feeling list.
    pub feelings: Vec<Label>,
    /// Entries, oldest first.
    pub entries: Vec<Entry>,
    /// Check-ins, oldest first.
    pub checkins: Vec<Checkin>,
    /// Finished questionnaires, oldest first.
    pub assessments: Vec<Taken>,
    /// What I need to feel safe.
    pub needs: Vec<Need>,
    /// Trigger plans.
    pub trigger_plans: Vec<TriggerPlan>,
    /// Agreements with their history (retired ones included).
    pub agreements: Vec<Agreement>,
    /// Pauses taken.
    pub pauses: Vec<Pause>,
    /// Things I did that show my own value.
    pub activities: Vec<Activity>,
    /// The support map.
    pub supporters: Vec<Supporter>,
    /// My own affirmations (suggestions from the content library are not exported).
    pub affirmations: Vec<Affirmation>,
}

/// Reads an attune export, refusing other formats and newer versions.
pub fn parse(input: &[u8]) -> Result<Document, ParseError> {
    let text = utf8(input)?;
    // The version is checked first, so a newer file says so rather than
    // failing on a field this build does not know.
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        version: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_str(text).map_err(|e| json_error(&e, "attune"))?;
    if head.format.as_deref() != Some(FORMAT) {
        return Err(ParseError::new(Location::File, "format", format!("is not \"{FORMAT}\""))
            .hint("this is not an attune export; `attune export json` makes one"));
    }
    match head.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) if v > u64::from(VERSION) => {
            return Err(ParseError::new(
                Location::File,
                "version",
                format!("{v} is newer than this attune reads ({VERSION})"),
            )
            .hint("update attune, then import again"));
        }
        _ => return Err(ParseError::new(Location::File, "version", format!("must be {VERSION}"))),
    }
    serde_json::from_str(text).map_err(|e| json_error(&e, "attune"))
}

/// The document as pretty JSON.
pub fn write(doc: &Document) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}
