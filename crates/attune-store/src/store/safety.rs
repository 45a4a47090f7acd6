//! The person's safety settings, kept in the encrypted journal's settings
//! table under keys that only this file knows: safety mode, the country for
//! support services, the last safety check, an unfinished one, and when
//! each kind of safety note was last shown.

use std::collections::{BTreeMap, BTreeSet};

use attune_core::safety::{Decision, Found, SafetyContent, SafetySettings, Saved, decide_from};

use crate::error::StoreError;
use crate::store::Store;

/// "on" while safety mode is on; absent when off.
const MODE: &str = "safety_mode";
/// The country code for support services ("gb").
const COUNTRY: &str = "country";
/// The last completed safety check, as JSON (its shape is the caller's).
const LAST_CHECK: &str = "safety_check";
/// A safety check taken part-way, as JSON, so it can be resumed.
const CHECK_PROGRESS: &str = "safety_check_progress";
/// When each kind of note was last shown: JSON `{kind: "YYYY-MM-DD"}`.
const NOTES_SHOWN: &str = "safety_notes_shown";

impl Store {
    /// Whether safety mode is on. A stored value other than "off" (a
    /// damaged setting, or an older journal's date) counts as on: when in
    /// doubt, safety first.
    pub fn safety_mode(&self) -> Result<bool, StoreError> {
        Ok(self.setting(MODE)?.is_some_and(|v| v != "off"))
    }

    /// Switches safety mode on or off; returns after COMMIT.
    pub fn set_safety_mode(&mut self, on: bool) -> Result<(), StoreError> {
        self.set_setting(MODE, on.then_some("on"))
    }

    /// The country code the person chose, if any (trimmed, never empty).
    pub fn country(&self) -> Result<Option<String>, StoreError> {
        Ok(self.setting(COUNTRY)?.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()))
    }

    /// Sets or clears the country code. The caller checks the code.
    pub fn set_country(&mut self, code: Option<&str>) -> Result<(), StoreError> {
        self.set_setting(COUNTRY, code)
    }

    /// The last completed safety check, as the JSON it was saved as.
    pub fn last_safety_check(&self) -> Result<Option<String>, StoreError> {
        self.setting(LAST_CHECK)
    }

    /// Saves a completed safety check (JSON) and drops any unfinished one,
    /// in one transaction each; the completed check is written first.
    pub fn set_last_safety_check(&mut self, json: &str) -> Result<(), StoreError> {
        self.set_setting(LAST_CHECK, Some(json))?;
        self.set_setting(CHECK_PROGRESS, None)
    }

    /// An unfinished safety check (JSON), if one was left part-way.
    pub fn safety_check_progress(&self) -> Result<Option<String>, StoreError> {
        self.setting(CHECK_PROGRESS)
    }

    /// Saves (`Some`) or drops (`None`) an unfinished safety check.
    pub fn set_safety_check_progress(&mut self, json: Option<&str>) -> Result<(), StoreError> {
        self.set_setting(CHECK_PROGRESS, json)
    }

    /// The day (`YYYY-MM-DD`, the person's local date) each kind of safety
    /// note was last shown. A damaged value reads as "never shown", so a
    /// note is shown rather than hidden.
    pub fn safety_notes_shown(&self) -> Result<BTreeMap<String, String>, StoreError> {
        Ok(self.setting(NOTES_SHOWN)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    /// Records that notes of these kinds were shown on `day`.
    pub fn mark_safety_notes_shown(&mut self, kinds: &[&str], day: &str) -> Result<(), StoreError> {
        if kinds.is_empty() {
            return Ok(());
        }
        let mut shown = self.safety_notes_shown()?;
        for kind in kinds {
            shown.insert((*kind).to_string(), day.to_string());
        }
        // A map of strings always serializes.
        let json = serde_json::to_string(&shown).unwrap_or_else(|_| "{}".into());
        self.set_setting(NOTES_SHOWN, Some(&json))
    }
}

/// Core's safety decision after a save, and any problem met while reading
/// the settings it needs or storing what it asks.
#[derive(Debug)]
pub struct AfterSave {
    /// The decision (see `attune_core::safety::decide`).
    pub decision: Decision,
    /// Problems that did not stop the decision: a setting that could not be
    /// read (then safety mode counts as on) or written.
    pub problems: Vec<StoreError>,
}

impl Store {
    /// What follows a save, for every front end: reads the person's safety
    /// settings and the notes already shown on `today` (their local date,
    /// "2026-12-07"), asks core to decide, then stores what the decision
    /// asks: safety mode switched on, the notes shown today. Never fails:
    /// the record is already saved, so a problem is returned beside the
    /// decision, and in doubt safety mode counts as on.
    pub fn safety_after_save(&mut self, content: &SafetyContent, saved: Saved<'_>, today: &str) -> AfterSave {
        self.safety_after_save_found(content, Found::read(saved), today)
    }

    /// [`Store::safety_after_save`] for words already read (a front end
    /// reads them first to skip loading texts when nothing was noticed).
    pub fn safety_after_save_found(&mut self, content: &SafetyContent, found: Found<'_>, today: &str) -> AfterSave {
        let mut problems = Vec::new();
        let mode = self.safety_mode().unwrap_or_else(|e| {
            problems.push(e);
            true
        });
        let country = self.country().unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        let shown: BTreeSet<String> = match self.safety_notes_shown() {
            Ok(map) => map.into_iter().filter(|(_, day)| day == today).map(|(k, _)| k).collect(),
            Err(e) => {
                problems.push(e);
                BTreeSet::new()
            }
        };
        let decision = decide_from(content, &SafetySettings { mode, country }, found, &shown);
        if decision.switched_on
            && let Err(e) = self.set_safety_mode(true)
        {
            problems.push(e);
        }
        let kinds: Vec<&str> = decision.shown.iter().map(String::as_str).collect();
        if let Err(e) = self.mark_safety_notes_shown(&kinds, today) {
            problems.push(e);
        }
        AfterSave { decision, problems }
    }
}
