//! Loading a lexicon: what `crisis`, `abuse` and `statement` share when
//! they read their TOML. The version, the settings' ranges, the `[words]`
//! lists, the typo lists, unique rule and exclude ids, the phrases and the
//! macros they use. Messages are plain strings; each lexicon wraps them in
//! its own error type, which names the lexicon.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::pattern::{Macros, Phrase, StartWords, check_macros, compile_all};

/// A lexicon's TOML, read into `T`; `version` says which version it claims,
/// and only version 1 is known.
pub(crate) fn read<T: DeserializeOwned>(text: &str, version: impl Fn(&T) -> u32) -> Result<T, String> {
    let raw: T = toml::from_str(text).map_err(|e| e.to_string())?;
    match version(&raw) {
        1 => Ok(raw),
        v => Err(format!("version {v} is not supported (expected 1)")),
    }
}

/// Each `[settings]` value as (name, value, largest allowed): 1 to that.
pub(crate) fn check_settings(settings: &[(&str, usize, usize)]) -> Result<(), String> {
    match settings.iter().find(|(_, value, max)| *value == 0 || value > max) {
        Some((name, value, max)) => Err(format!("[settings] {name} must be 1 to {max}, not {value}")),
        None => Ok(()),
    }
}

/// A single normalised word: lower-case letters and digits only.
fn is_word(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() && !c.is_uppercase())
}

/// A rule id: lower-case letters, digits and inner dashes.
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// A lexicon's `[words]` list as a set: single normalised words, no repeats.
pub(crate) fn word_set(list: Vec<String>, name: &str, required: bool) -> Result<HashSet<String>, String> {
    if required && list.is_empty() {
        return Err(format!("[words] {name} is empty"));
    }
    let mut set = HashSet::new();
    for w in list {
        if !is_word(&w) {
            return Err(format!("[words] {name}: '{w}' is not a single lower-case word without apostrophes"));
        }
        if !set.insert(w.clone()) {
            return Err(format!("[words] {name}: '{w}' is listed twice"));
        }
    }
    Ok(set)
}

/// A lexicon's typo handling: `[words] fuzzy` only long words (short ones
/// would catch real words), `[spelling]` single words on both sides.
pub(crate) fn check_typos(fuzzy: &[String], spelling: &BTreeMap<String, String>) -> Result<(), String> {
    let fuzzy = word_set(fuzzy.to_vec(), "fuzzy", false)?;
    if let Some(short) = fuzzy.iter().find(|f| f.chars().count() < 6) {
        return Err(format!(
            "[words] fuzzy: '{short}' is shorter than 6 letters; list its misspellings in [spelling] instead"
        ));
    }
    for (from, to) in spelling {
        if !is_word(from) || !is_word(to) {
            return Err(format!("[spelling] {from} = \"{to}\": both sides must be single words"));
        }
    }
    Ok(())
}

/// An `[[exclude]]` of the crisis and abuse lexicons: phrases that cancel
/// any match they overlap.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExclude {
    id: String,
    phrases: Vec<String>,
}

/// The rules, excludes and cues of one lexicon as they compile: the macros,
/// which of them the phrases use, and the ids taken so far.
pub(crate) struct Loader {
    macros: Macros,
    names: Vec<String>,
    used: BTreeSet<String>,
    ids: BTreeSet<String>,
}

impl Loader {
    /// Checks and compiles the lexicon's `[macros]`.
    pub(crate) fn new(macros: &BTreeMap<String, String>) -> Result<Self, String> {
        Ok(Self {
            macros: check_macros(macros)?,
            names: macros.keys().cloned().collect(),
            used: BTreeSet::new(),
            ids: BTreeSet::new(),
        })
    }

    /// Takes the id of a `what` ("rule", "exclude"); ids are shared by both.
    pub(crate) fn id(&mut self, what: &str, id: &str) -> Result<(), String> {
        if !is_id(id) || !self.ids.insert(id.to_string()) {
            return Err(format!("{what} id '{id}' is not a unique lower-case-dashed id"));
        }
        Ok(())
    }

    /// Compiles the phrases of `owner` ("rule hit", "[cues] denial").
    pub(crate) fn phrases(&mut self, phrases: &[String], owner: &str) -> Result<Vec<Phrase>, String> {
        compile_all(phrases, &self.macros, &mut self.used, owner)
    }

    /// As [`Loader::phrases`], each with the words it can start with (see
    /// [`Phrase::start_words`]), so a check tries only those positions.
    pub(crate) fn indexed(
        &mut self,
        phrases: &[String],
        owner: &str,
    ) -> Result<Vec<(Phrase, Option<StartWords>)>, String> {
        let phrases = self.phrases(phrases, owner)?;
        Ok(phrases
            .into_iter()
            .map(|p| {
                let starts = p.start_words();
                (p, starts)
            })
            .collect())
    }

    /// All the excludes' phrases, in one list.
    pub(crate) fn excludes(&mut self, excludes: Vec<RawExclude>) -> Result<Vec<Phrase>, String> {
        let mut out = Vec::new();
        for x in excludes {
            self.id("exclude", &x.id)?;
            out.extend(self.phrases(&x.phrases, &format!("exclude {}", x.id))?);
        }
        Ok(out)
    }

    /// Refuses a macro that no phrase uses: most often a typo in its name.
    pub(crate) fn finish(self) -> Result<(), String> {
        match self.names.iter().find(|m| !self.used.contains(*m)) {
            Some(unused) => Err(format!("[macros] {unused} is never used")),
            None => Ok(()),
        }
    }
}

/// A rule's `about`, trimmed: it must say something.
pub(crate) fn about(rule: &str, about: &str) -> Result<String, String> {
    match about.trim() {
        "" => Err(format!("rule {rule} has an empty 'about'")),
        t => Ok(t.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Versioned {
        version: u32,
    }

    #[test]
    fn only_version_one_is_read() {
        assert!(read("version = 1", |r: &Versioned| r.version).is_ok());
        let err = read("version = 2", |r: &Versioned| r.version).err();
        assert_eq!(err.as_deref(), Some("version 2 is not supported (expected 1)"));
        assert!(read("version = \"one\"", |r: &Versioned| r.version).is_err());
    }

    #[test]
    fn settings_outside_their_range_are_named() {
        assert!(check_settings(&[("a", 1, 5), ("b", 5, 5)]).is_ok());
        assert_eq!(check_settings(&[("a", 1, 5), ("b", 0, 5)]), Err("[settings] b must be 1 to 5, not 0".into()));
        assert_eq!(check_settings(&[("a", 6, 5)]), Err("[settings] a must be 1 to 5, not 6".into()));
    }

    #[test]
    fn ids_are_unique_across_rules_and_excludes() {
        let mut load = Loader::new(&BTreeMap::new()).unwrap();
        assert!(load.id("rule", "hit").is_ok());
        let x = RawExclude { id: "hit".into(), phrases: vec!["hit the road".into()] };
        assert_eq!(
            load.excludes(vec![x]).err().as_deref(),
            Some("exclude id 'hit' is not a unique lower-case-dashed id")
        );
        assert!(load.id("rule", "Bad-Id").is_err());
        assert!(load.id("rule", "-dash").is_err());
    }

    #[test]
    fn excludes_are_one_list_and_unused_macros_are_refused() {
        let macros = BTreeMap::from([("me".to_string(), "me|us".to_string()), ("you".to_string(), "you".to_string())]);
        let mut load = Loader::new(&macros).unwrap();
        let xs = vec![
            RawExclude { id: "a".into(), phrases: vec!["hit @me up".into(), "hit the road".into()] },
            RawExclude { id: "b".into(), phrases: vec!["hit it off".into()] },
        ];
        assert_eq!(load.excludes(xs).unwrap().len(), 3);
        assert_eq!(load.phrases(&[], "rule x").err().as_deref(), Some("rule x has no phrases"));
        assert_eq!(load.finish().err().as_deref(), Some("[macros] you is never used"));
    }

    #[test]
    fn typos_and_words_are_checked() {
        assert!(check_typos(&["suicidal".into()], &BTreeMap::new()).is_ok());
        assert!(check_typos(&["die".into()], &BTreeMap::new()).unwrap_err().contains("shorter than 6"));
        let spelling = BTreeMap::from([("kil".to_string(), "k ill".to_string())]);
        assert!(check_typos(&[], &spelling).unwrap_err().starts_with("[spelling] kil"));
        assert_eq!(word_set(vec![], "links", true).err().as_deref(), Some("[words] links is empty"));
        assert!(word_set(vec!["and".into(), "and".into()], "links", true).unwrap_err().contains("listed twice"));
        assert!(word_set(vec!["don't".into()], "links", false).is_err());
        assert_eq!(about("hit", "  "), Err("rule hit has an empty 'about'".into()));
        assert_eq!(about("hit", " words \n"), Ok("words".into()));
    }
}
