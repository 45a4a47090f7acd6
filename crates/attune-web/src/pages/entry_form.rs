//! The entry form, shared by Today's quick entry, the edit page and the
//! drafts kept while locked: the names offered to pick, and the draft the
//! posted fields describe (core validates it).

use attune_core::{EntryDraft, LabelKind};
use attune_store::Store;

use super::{Fields, WebResult};

/// A name to pick, with its id.
#[derive(Clone, Debug)]
pub struct Choice {
    /// The id sent in the form.
    pub id: String,
    /// What it says.
    pub name: String,
}

/// Active names of a list, for checkboxes.
pub fn choices(store: &Store, kind: LabelKind) -> WebResult<Vec<Choice>> {
    Ok(store
        .labels(kind)?
        .into_iter()
        .filter(|l| !l.retired && l.merged_into.is_none())
        .map(|l| Choice { id: l.slug.as_str().to_string(), name: l.name })
        .collect())
}

/// The entry a form describes.
pub fn entry_draft(f: &Fields) -> WebResult<EntryDraft> {
    Ok(EntryDraft {
        situation: f.text("situation"),
        triggers: f.all("trigger"),
        thoughts: f.text("thoughts"),
        fear: f.text("fear"),
        feelings: f.all("feeling"),
        intensity: f.number("intensity", "Intensity")?,
        signs: f.all("sign"),
        sources: f.all("source"),
        helped: f.text("helped"),
        tags: f.text("tags").split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
        starred: f.get("starred").is_some(),
    })
}
