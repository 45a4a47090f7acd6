//! The note the statement helper shows first when a draft describes harm.

use attune_text::abuse::{self, Tier};
use serde::Serialize;

use super::{NextStep, Reason, SafetyContent, quoted, read_abuse};

/// What the statement helper says first when a draft message to the partner
/// describes control or harm done to the person ("you keep checking my
/// phone"): instead of coaching them out of "blame", it says gently that
/// this may be about their safety and points to the safety check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DraftNote {
    /// Why.
    pub reason: Reason,
    /// The most serious tier noticed.
    pub tier: Tier,
    /// The kinds noticed.
    pub kinds: Vec<abuse::Kind>,
    /// Heading.
    pub title: String,
    /// Paragraph.
    pub text: String,
    /// What attune noticed, as a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noticed: Option<String>,
    /// What the person can do next.
    pub next: Vec<NextStep>,
}

/// The note for a draft message, when it describes control or harm done to
/// the person. A draft says "you" to the partner, so what "you" do to "me"
/// is read as done to the writer.
pub fn draft_note(content: &SafetyContent, draft: &str) -> Option<DraftNote> {
    let (found, _) = read_abuse(draft);
    let found = found?;
    let mut next = vec![NextStep::SafetyCheck];
    if found.tier == Tier::Danger {
        next.insert(0, NextStep::StayingSafePlan);
    }
    Some(DraftNote {
        reason: Reason::AbuseLanguage,
        tier: found.tier,
        kinds: found.kinds,
        title: content.notes.draft.title.clone(),
        text: content.notes.draft.text.clone(),
        noticed: quoted(&found.noticed).map(|w| content.notes.noticed.render(&[("words", w)])),
        next,
    })
}
