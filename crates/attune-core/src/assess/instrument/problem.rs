//! What can be wrong with an instrument file, each problem with its line.

use std::fmt;

use serde::Serialize;

/// What is wrong with an instrument file: a stable code for scripts and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// Not valid TOML, or a value of the wrong type.
    Syntax,
    /// A field the format does not have (often a typo).
    UnknownField,
    /// A required field is missing.
    MissingField,
    /// A text is empty or only spaces.
    EmptyText,
    /// A text is longer than [`MAX_TEXT_CHARS`](super::MAX_TEXT_CHARS), or the file too big.
    TooLarge,
    /// An id with characters other than letters, digits, `-` and `_`.
    BadId,
    /// The version is not a positive whole number.
    BadVersion,
    /// Two items, subscales or regions share an id.
    DuplicateId,
    /// The scale itself is impossible (points, first value).
    ScaleInvalid,
    /// Something does not fit the scale (an anchor outside it, a missing end label).
    ScaleMismatch,
    /// The instrument has no items.
    NoItems,
    /// An item names no subscale.
    ItemWithoutSubscale,
    /// An item (or axis, or rule) names a subscale that is not defined.
    UnknownSubscale,
    /// A subscale has no items.
    SubscaleWithoutItems,
    /// `reverse_keyed` names an item that does not exist.
    ReverseUnknownItem,
    /// An item says `reverse = false` but `reverse_keyed` lists it.
    ReverseConflict,
    /// `min_answered` is not a share above 0 and at most 1.
    MinAnsweredOutOfRange,
    /// `score` is neither "mean" nor "sum".
    BadAggregate,
    /// A band's `from` is not below its `to`.
    BandInvalid,
    /// Some possible scores fall in no band.
    BandGap,
    /// Two bands cover the same scores.
    BandOverlap,
    /// A band reaches outside the possible scores.
    BandOutsideRange,
    /// `norms` names a subscale that is not defined.
    NormsUnknownSubscale,
    /// A norm's SD is not above 0, or a value is not a finite number.
    NormsInvalid,
    /// `source` or `sign` is not one of the framework's ids.
    UnknownVocabulary,
    /// The axes are incomplete or inconsistent.
    AxesInvalid,
}

impl ProblemKind {
    /// The stable code ("item-without-subscale").
    pub fn code(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::UnknownField => "unknown-field",
            Self::MissingField => "missing-field",
            Self::EmptyText => "empty-text",
            Self::TooLarge => "too-large",
            Self::BadId => "bad-id",
            Self::BadVersion => "bad-version",
            Self::DuplicateId => "duplicate-id",
            Self::ScaleInvalid => "scale-invalid",
            Self::ScaleMismatch => "scale-mismatch",
            Self::NoItems => "no-items",
            Self::ItemWithoutSubscale => "item-without-subscale",
            Self::UnknownSubscale => "unknown-subscale",
            Self::SubscaleWithoutItems => "subscale-without-items",
            Self::ReverseUnknownItem => "reverse-unknown-item",
            Self::ReverseConflict => "reverse-conflict",
            Self::MinAnsweredOutOfRange => "min-answered-out-of-range",
            Self::BadAggregate => "bad-aggregate",
            Self::BandInvalid => "band-invalid",
            Self::BandGap => "band-gap",
            Self::BandOverlap => "band-overlap",
            Self::BandOutsideRange => "band-outside-range",
            Self::NormsUnknownSubscale => "norms-unknown-subscale",
            Self::NormsInvalid => "norms-invalid",
            Self::UnknownVocabulary => "unknown-vocabulary",
            Self::AxesInvalid => "axes-invalid",
        }
    }
}

/// One problem, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The line in the file (1-based), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Which part ("item 'q3'", "subscale 'anxiety', band 2", "\[scale\]").
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.place.is_empty() {
            write!(f, "{}: ", self.place)?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one instrument file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct InstrumentError {
    /// The file, as the caller named it.
    pub file: String,
    /// At least one problem, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for InstrumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not a valid questionnaire: ", self.file)?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl InstrumentError {
    /// The problem kinds, in order (for tests and scripts).
    pub fn kinds(&self) -> Vec<ProblemKind> {
        self.problems.iter().map(|p| p.kind).collect()
    }
}
