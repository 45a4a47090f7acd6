//! The safety texts: `content/safety/notes.toml`, the safety check and the
//! services per country, loaded together.

use serde::Deserialize;

use super::{NOTES_FILE, RESOURCES_DIR, SCREEN_FILE};
use crate::content::{ContentError, Library};
use crate::insights::Template;
use crate::safety::{ResourceDirectory, Screen, copy_error};

/// `content/safety/notes.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    /// `{words}`: what was noticed, quoted.
    pub noticed: Template,
    /// Crisis language.
    pub crisis: CrisisNotes,
    /// Abuse described in the words.
    pub abuse: AbuseNotes,
    /// The person describes controlling or hurting their partner.
    pub own_behaviour: TitledText,
    /// Safety mode.
    pub safety_mode: ModeNotes,
    /// A very low check-in.
    pub checkin: CheckinNotes,
    /// After an import.
    pub import: ImportNotes,
    /// A draft message that describes control or harm done to the person.
    pub draft: TitledText,
}

/// `[import]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportNotes {
    pub summary: Template,
    pub crisis_one: String,
    pub crisis_many: Template,
    pub abuse_one: String,
    pub abuse_many: Template,
    pub own_one: String,
    pub own_many: Template,
}

/// `[crisis]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisNotes {
    pub concern_title: String,
    pub concern_text: String,
    pub urgent_title: String,
    pub urgent_text: String,
}

/// `[abuse]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbuseNotes {
    pub danger_title: String,
    pub danger_text: String,
    pub control_title: String,
    pub control_text: String,
    pub emotional_title: String,
    pub emotional_text: String,
}

/// A heading and a paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitledText {
    pub title: String,
    pub text: String,
}

/// `[safety_mode]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeNotes {
    pub note_title: String,
    pub note_text: String,
    pub switched_on: String,
}

/// `[checkin]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinNotes {
    pub offer_title: String,
}

/// Everything the decision needs from the content: the notes, the safety
/// check (its check-in texts) and the services.
#[derive(Clone, Debug)]
pub struct SafetyContent {
    /// `notes.toml`.
    pub notes: Notes,
    /// `screen.toml`.
    pub screen: Screen,
    /// `resources/*.toml`.
    pub resources: ResourceDirectory,
}

impl SafetyContent {
    /// Reads the three parts from a library.
    pub fn from_library(library: &Library) -> Result<Self, ContentError> {
        let notes: Notes = library.toml(NOTES_FILE)?;
        if notes.noticed.render(&[("words", String::new())]).contains('{') {
            return Err(ContentError { file: NOTES_FILE.into(), message: "noticed may use only {words}".into() });
        }
        let screen = Screen::parse(library.text(SCREEN_FILE)?)?;
        let files: Vec<(String, &str)> = library
            .paths_under(RESOURCES_DIR)
            .filter_map(|p| {
                let code = p.strip_prefix(RESOURCES_DIR)?.strip_suffix(".toml")?;
                Some((code.to_string(), library.text(p).ok()?))
            })
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(c, t)| (c.as_str(), *t)).collect();
        let resources = ResourceDirectory::parse(&files)?;
        Ok(Self { notes, screen, resources })
    }

    /// The built-in texts, parsed once.
    pub fn embedded() -> Result<&'static Self, ContentError> {
        static EMBEDDED: std::sync::OnceLock<Result<SafetyContent, ContentError>> = std::sync::OnceLock::new();
        EMBEDDED.get_or_init(|| Self::from_library(&Library::embedded())).as_ref().map_err(copy_error)
    }

    /// The person's texts, or the built-in ones when theirs do not parse:
    /// safety texts must always be there, so a broken override is set
    /// aside (and returned, for the caller to mention) rather than stopping
    /// anything.
    pub fn or_embedded(library: &Library) -> Result<(Self, Option<ContentError>), ContentError> {
        match Self::from_library(library) {
            Ok(own) => Ok((own, None)),
            Err(e) => Ok((Self::embedded()?.clone(), Some(e))),
        }
    }
}
