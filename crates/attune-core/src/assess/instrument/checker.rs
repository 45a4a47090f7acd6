//! Collects an instrument file's problems with their lines.

use super::{MAX_TEXT_CHARS, Problem, ProblemKind, valid_id};

/// Collects problems with their lines.
pub(super) struct Checker<'a> {
    pub(super) text: &'a str,
    pub(super) problems: Vec<Problem>,
}

impl Checker<'_> {
    pub(super) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        let end = (0..=end).rev().find(|&i| self.text.is_char_boundary(i)).unwrap_or(0);
        self.text[..end].matches('\n').count() + 1
    }

    pub(super) fn push(
        &mut self,
        kind: ProblemKind,
        at: Option<usize>,
        place: &str,
        message: String,
        hint: Option<String>,
    ) {
        let line = at.map(|o| self.line_of(o));
        self.problems.push(Problem { kind, line, place: place.to_string(), message, hint });
    }

    /// A required, non-empty text (trimmed).
    pub(super) fn text_field(&mut self, value: Option<&String>, at: Option<usize>, place: &str, field: &str) -> String {
        match value {
            None => {
                self.push(
                    ProblemKind::MissingField,
                    at,
                    place,
                    format!("`{field}` is missing"),
                    Some(format!("add {field} = \"…\"")),
                );
                String::new()
            }
            Some(v) => self.check_text(v, at, place, field),
        }
    }

    /// An optional text: if given, it must not be empty.
    pub(super) fn optional_text(
        &mut self,
        value: Option<&String>,
        at: Option<usize>,
        place: &str,
        field: &str,
    ) -> Option<String> {
        value.map(|v| self.check_text(v, at, place, field))
    }

    pub(super) fn check_text(&mut self, value: &str, at: Option<usize>, place: &str, field: &str) -> String {
        let t = value.trim();
        if t.is_empty() {
            self.push(
                ProblemKind::EmptyText,
                at,
                place,
                format!("`{field}` is empty"),
                Some(format!("write the {field}, or remove the line if it is optional")),
            );
        } else if t.chars().count() > MAX_TEXT_CHARS {
            self.push(
                ProblemKind::TooLarge,
                at,
                place,
                format!("`{field}` is longer than {MAX_TEXT_CHARS} characters"),
                Some("shorten it".into()),
            );
        }
        t.to_string()
    }

    pub(super) fn id_field(&mut self, value: Option<&String>, at: Option<usize>, place: &str, field: &str) -> String {
        let Some(v) = value else {
            self.push(
                ProblemKind::MissingField,
                at,
                place,
                format!("`{field}` is missing"),
                Some(format!("add {field} = \"…\" (letters, digits, - and _)")),
            );
            return String::new();
        };
        let v = v.trim();
        if !valid_id(v) {
            self.push(
                ProblemKind::BadId,
                at,
                place,
                format!("`{field}` '{v}' is not a usable id"),
                Some("use 1 to 64 letters, digits, '-' or '_'".into()),
            );
        }
        v.to_string()
    }
}
