//! Privacy texts shared by both front ends: what erasing a journal says
//! before and after, with the traces attune cannot remove itself
//! (`content/privacy/erase.toml`).

use serde::Deserialize;

use crate::content::{ContentError, Library};

/// Where the erase texts live in the library.
pub const ERASE_FILE: &str = "privacy/erase.toml";

/// The erase texts.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EraseTexts {
    /// Said before the typed confirmation.
    pub warning: String,
    /// The word to type to confirm.
    pub word: String,
    /// Said once the journal is gone.
    pub done: String,
    /// Introduces the checklist.
    pub intro: String,
    /// Support services, in case erasing is about someone checking the device.
    pub safety: String,
    /// What attune cannot remove itself, in order.
    pub traces: Vec<Trace>,
}

/// One place a trace of the journal can remain.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Trace {
    /// A few words naming it.
    pub what: String,
    /// Where it is and what to do about it.
    pub how: String,
}

impl EraseTexts {
    /// Reads and checks the texts: every field set, at least one trace.
    pub fn load(library: &Library) -> Result<EraseTexts, ContentError> {
        let texts: EraseTexts = library.toml(ERASE_FILE)?;
        let bad = |message: &str| ContentError { file: ERASE_FILE.to_string(), message: message.to_string() };
        if [&texts.warning, &texts.word, &texts.done, &texts.intro, &texts.safety].iter().any(|t| t.trim().is_empty()) {
            return Err(bad("warning, word, done, intro and safety must all be filled in"));
        }
        if texts.word.trim().contains(char::is_whitespace) {
            return Err(bad("word must be one word, easy to type"));
        }
        if texts.traces.is_empty() || texts.traces.iter().any(|t| t.what.trim().is_empty() || t.how.trim().is_empty()) {
            return Err(bad("list at least one trace, each with what and how"));
        }
        Ok(texts)
    }

    /// Whether `typed` confirms: the word, ignoring case and spaces around it.
    pub fn confirmed_by(&self, typed: &str) -> bool {
        typed.trim().eq_ignore_ascii_case(self.word.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_texts_load_and_only_the_word_confirms() {
        let texts = EraseTexts::load(&Library::embedded()).unwrap();
        assert!(texts.traces.iter().any(|t| t.what == "Backups"));
        assert!(texts.confirmed_by(" Erase "));
        assert!(!texts.confirmed_by(""));
        assert!(!texts.confirmed_by("y"));
        assert!(!texts.confirmed_by("erase it"));
    }

    #[test]
    fn texts_with_a_field_left_empty_are_refused() {
        let lib = Library::embedded()
            .with_overrides([(
                ERASE_FILE.to_string(),
                "warning = 'w'\nword = ''\ndone = 'd'\nintro = 'i'\nsafety = 's'\n[[traces]]\nwhat = 'a'\nhow = 'b'\n"
                    .to_string(),
            )])
            .unwrap();
        let err = EraseTexts::load(&lib).unwrap_err();
        assert_eq!(err.file, ERASE_FILE);
    }
}
