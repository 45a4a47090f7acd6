//! Parse errors that say where and what: the line (text files), row (CSV)
//! or entry (JSON), the field, and how to fix it.

use std::fmt;

/// Where in a file something is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// The whole file.
    File,
    /// A line of a text file (1-based).
    Line(usize),
    /// A row of a CSV file (1-based, the header is row 1).
    Row(usize),
    /// An entry of a JSON list (1-based).
    Entry(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File => f.write_str("the file"),
            Self::Line(n) => write!(f, "line {n}"),
            Self::Row(n) => write!(f, "row {n}"),
            Self::Entry(n) => write!(f, "entry {n}"),
        }
    }
}

/// Why a file could not be read. Nothing is imported when there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{at}, {field}: {message}")]
pub struct ParseError {
    /// Where.
    pub at: Location,
    /// Which field ("date", "mood", "header", …).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
}

impl ParseError {
    /// A new error.
    pub fn new(at: Location, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { at, field: field.into(), message: message.into(), hint: None }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Shortens user text quoted in an error, so a huge field does not flood the screen.
pub(crate) fn quote(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() { format!("'{short}…'") } else { format!("'{short}'") }
}
