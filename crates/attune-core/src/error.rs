//! Validation errors that tell the person which field, what is allowed and,
//! where we can guess, what they probably meant.

use std::fmt;

use serde::Serialize;

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field as the person knows it ("intensity", "trigger").
    pub field: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it, when we can say.
    pub hint: Option<String>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// Everything wrong with a draft, collected so the person can fix it in one go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ValidationError {
    /// At least one problem.
    pub problems: Vec<FieldError>,
}

impl ValidationError {
    /// A single-field error.
    pub fn one(field: &'static str, message: impl Into<String>, hint: Option<String>) -> Self {
        Self { problems: vec![FieldError { field, message: message.into(), hint }] }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Collects field errors while a draft is checked.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    pub(crate) fn push(&mut self, field: &'static str, message: impl Into<String>, hint: Option<String>) {
        self.0.push(FieldError { field, message: message.into(), hint });
    }

    pub(crate) fn has(&self, field: &str) -> bool {
        self.0.iter().any(|p| p.field == field)
    }

    pub(crate) fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationError> {
        if self.0.is_empty() { Ok(value()) } else { Err(ValidationError { problems: self.0 }) }
    }
}

/// The known name closest to `given`, if it is close enough to be a typo.
pub fn closest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let given = given.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&given, &k.to_lowercase()), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_ignores_strangers() {
        let known = ["late-reply", "cancelled-plan", "change-of-tone"];
        assert_eq!(closest("late-replay", known).as_deref(), Some("late-reply"));
        assert_eq!(closest("cancelled-plans", known).as_deref(), Some("cancelled-plan"));
        assert_eq!(closest("xylophone", known), None);
    }

    #[test]
    fn display_lists_every_problem() {
        let err = ValidationError {
            problems: vec![
                FieldError { field: "intensity", message: "11 is above 10".into(), hint: Some("use 0 to 10".into()) },
                FieldError { field: "situation", message: "is empty".into(), hint: None },
            ],
        };
        assert_eq!(err.to_string(), "intensity: 11 is above 10 (use 0 to 10); situation: is empty");
    }
}
