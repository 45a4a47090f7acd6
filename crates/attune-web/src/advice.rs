//! What a person can do about a store error, in the words of
//! `content/web/advice.toml`: embedded with the rest of `content/` and
//! parsed once. The web app's words for the hints the CLI gives.

use std::sync::LazyLock;

use attune_core::content::{ContentError, Library};
use attune_store::StoreError;
use serde::Deserialize;

/// The advice file, under `content/`.
pub const FILE: &str = "web/advice.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdviceFile {
    store: StoreAdvice,
}

/// One text per kind of store error a person can do something about.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreAdvice {
    busy: String,
    in_use: String,
    disk: String,
    read_only: String,
    too_new: String,
    plain: String,
}

impl StoreAdvice {
    /// Reads the advice from `lib`: every key present, none unknown, none blank.
    pub fn load(lib: &Library) -> Result<Self, ContentError> {
        let advice = lib.toml::<AdviceFile>(FILE)?.store;
        let blank = advice.texts().into_iter().find(|(_, text)| text.trim().is_empty()).map(|(key, _)| key);
        match blank {
            Some(key) => {
                Err(ContentError { file: FILE.to_string(), message: format!("[store] {key} is an empty text") })
            }
            None => Ok(advice),
        }
    }

    fn texts(&self) -> [(&'static str, &str); 6] {
        [
            ("busy", &self.busy),
            ("in_use", &self.in_use),
            ("disk", &self.disk),
            ("read_only", &self.read_only),
            ("too_new", &self.too_new),
            ("plain", &self.plain),
        ]
    }

    /// The advice for `e`, where there is something to do.
    pub fn for_error(&self, e: &StoreError) -> Option<&str> {
        let text = match e {
            StoreError::Busy => &self.busy,
            StoreError::InUse(_) => &self.in_use,
            StoreError::DiskFull | StoreError::DiskIo(_) => &self.disk,
            StoreError::ReadOnly(_) => &self.read_only,
            StoreError::TooNew { .. } | StoreError::KeyFileTooNew { .. } => &self.too_new,
            StoreError::Plain(_) => &self.plain,
            _ => return None,
        };
        Some(text)
    }
}

/// Parsed on first use; the state forces it at start, so a broken file is
/// reported then and not on an error page.
static BUILT_IN: LazyLock<Result<StoreAdvice, ContentError>> =
    LazyLock::new(|| StoreAdvice::load(&Library::embedded()));

/// The built-in advice, or why it could not be read (a bug).
pub fn built_in() -> Result<&'static StoreAdvice, &'static ContentError> {
    BUILT_IN.as_ref()
}

/// What a person can do about `e`, where there is something.
pub fn for_store_error(e: &StoreError) -> Option<&'static str> {
    built_in().ok()?.for_error(e)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::PathBuf;

    use super::*;

    #[test]
    fn every_store_error_with_advice_finds_its_text_in_the_file() {
        let dir = PathBuf::from("/somewhere/journal");
        let with_advice = [
            StoreError::Busy,
            StoreError::InUse(dir.clone()),
            StoreError::DiskFull,
            StoreError::DiskIo(dir.clone()),
            StoreError::ReadOnly(dir.clone()),
            StoreError::TooNew { found: 99, known: 12 },
            StoreError::KeyFileTooNew { path: dir.clone(), found: 9, known: 3 },
            StoreError::Plain(dir.clone()),
        ];
        let advice = built_in().unwrap();
        for e in &with_advice {
            let text = advice.for_error(e).unwrap_or_default();
            assert!(!text.trim().is_empty(), "no advice for {e:?}");
        }
        for (key, text) in advice.texts() {
            assert!(!text.trim().is_empty() && !text.contains('\n'), "{key}: {text:?}");
        }
        assert_eq!(for_store_error(&StoreError::Corrupt(dir)), None);
    }

    fn with_file(text: &str) -> Result<StoreAdvice, ContentError> {
        StoreAdvice::load(&Library::embedded().with_overrides([(FILE.to_string(), text.to_string())]).unwrap())
    }

    #[test]
    fn a_missing_unknown_or_blank_text_is_refused_with_the_file_and_the_key() {
        let all =
            "[store]\nbusy = \"a\"\nin_use = \"b\"\ndisk = \"c\"\nread_only = \"d\"\ntoo_new = \"e\"\nplain = \"f\"\n";
        assert_eq!(with_file(all).unwrap().for_error(&StoreError::DiskFull), Some("c"));
        let missing = with_file(&all.replace("plain = \"f\"\n", "")).unwrap_err();
        assert_eq!(missing.file, FILE);
        assert!(missing.message.contains("plain"), "{}", missing.message);
        let unknown = with_file(&format!("{all}later = \"g\"\n")).unwrap_err();
        assert!(
            unknown.message.contains("unknown field `later`") && unknown.message.starts_with("line "),
            "{}",
            unknown.message
        );
        let blank = with_file(&all.replace("\"d\"", "\"  \"")).unwrap_err();
        assert_eq!(blank.to_string(), "content file web/advice.toml is invalid: [store] read_only is an empty text");
    }
}
