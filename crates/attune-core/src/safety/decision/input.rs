//! What goes into the decision: the person's settings and what was saved.

use crate::checkin::Checkin;
use crate::safety::{Answer, INTERNATIONAL, SafetyPolicy};

/// The person's safety settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SafetySettings {
    /// Whether safety mode is on.
    pub mode: bool,
    /// The country code they chose, if any.
    pub country: Option<String>,
}

impl SafetySettings {
    /// The code used to pick services ("international" when none is set).
    pub fn country_code(&self) -> &str {
        self.country.as_deref().unwrap_or(INTERNATIONAL)
    }

    /// What the front ends offer in this mode.
    pub fn policy(&self) -> SafetyPolicy {
        SafetyPolicy::for_mode(self.mode)
    }
}

/// A saved check-in and the answer to the "afraid right now" question.
#[derive(Clone, Copy, Debug)]
pub struct CheckinAnswers<'a> {
    /// The saved check-in.
    pub checkin: &'a Checkin,
    /// The answer, when the question was asked.
    pub afraid_now: Option<Answer>,
}

/// What was just saved.
#[derive(Clone, Copy, Debug, Default)]
pub struct Saved<'a> {
    /// All its words (fields are read apart: nothing matches across two).
    pub texts: &'a [&'a str],
    /// For a check-in, its answers.
    pub checkin: Option<CheckinAnswers<'a>>,
}
