//! Check-ins: a short rating of how safe the relationship feels right now,
//! and what the insecurity is costing (framework sections 3 and 6).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::entry::clean_text;
use crate::error::{Problems, ValidationError};
use crate::ids::RecordId;
use crate::moment::Moment;
use crate::vocab::Consequence;

/// Top of the 0–10 scales.
pub const SCALE_MAX: u8 = 10;
/// Top of the 0–3 consequence scale (0 not at all … 3 a lot).
pub const CONSEQUENCE_MAX: u8 = 3;

/// A saved check-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkin {
    /// Stable identity.
    pub id: RecordId,
    /// When it was made.
    pub at: Moment,
    /// Felt security, 0 (very unsafe) to 10 (completely safe).
    pub security: u8,
    /// Feeling seen, 0–10.
    pub seen: Option<u8>,
    /// Feeling trusted, 0–10.
    pub trusted: Option<u8>,
    /// Feeling respected, 0–10.
    pub respected: Option<u8>,
    /// The consequences the person rated, 0–3 each; unrated ones are absent.
    pub consequences: BTreeMap<Consequence, u8>,
    /// Optional words.
    pub note: String,
}

/// A check-in as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckinDraft {
    /// Required.
    pub security: Option<i64>,
    /// Optional.
    pub seen: Option<i64>,
    /// Optional.
    pub trusted: Option<i64>,
    /// Optional.
    pub respected: Option<i64>,
    /// (consequence id, 0–3) pairs.
    pub consequences: Vec<(String, i64)>,
    /// Optional.
    pub note: String,
}

impl CheckinDraft {
    /// Checks every field and builds the check-in, or lists every problem.
    pub fn into_checkin(self, id: RecordId, at: Moment) -> Result<Checkin, ValidationError> {
        let mut problems = Problems::default();
        let security = match self.security {
            None => {
                problems.push(
                    "security",
                    "is missing: how safe does the relationship feel right now?",
                    Some("give a number from 0 (very unsafe) to 10 (completely safe), e.g. --security 6".into()),
                );
                0
            }
            Some(v) => scale(v, "security", SCALE_MAX, &mut problems).unwrap_or(0),
        };
        let seen = self.seen.and_then(|v| scale(v, "seen", SCALE_MAX, &mut problems));
        let trusted = self.trusted.and_then(|v| scale(v, "trusted", SCALE_MAX, &mut problems));
        let respected = self.respected.and_then(|v| scale(v, "respected", SCALE_MAX, &mut problems));

        let mut consequences = BTreeMap::new();
        for (name, value) in &self.consequences {
            match name.parse::<Consequence>() {
                Ok(c) => {
                    if let Some(v) = scale(*value, "consequence", CONSEQUENCE_MAX, &mut problems) {
                        consequences.insert(c, v);
                    }
                }
                Err(e) => {
                    let hint = match &e.suggestion {
                        Some(s) => format!("did you mean '{s}'? Known: {}", e.known.join(", ")),
                        None => format!("known: {}", e.known.join(", ")),
                    };
                    problems.push("consequence", format!("'{name}' is not a known consequence"), Some(hint));
                }
            }
        }
        let note = clean_text(&self.note, "note", &mut problems);

        problems.finish(|| Checkin { id, at, security, seen, trusted, respected, consequences, note })
    }
}

fn scale(value: i64, field: &'static str, max: u8, problems: &mut Problems) -> Option<u8> {
    match u8::try_from(value) {
        Ok(v) if v <= max => Some(v),
        _ => {
            problems.push(
                field,
                format!("{value} is outside the scale"),
                Some(format!("use a whole number from 0 to {max}")),
            );
            None
        }
    }
}

impl Checkin {
    /// The draft that rebuilds this check-in.
    pub fn to_draft(&self) -> CheckinDraft {
        CheckinDraft {
            security: Some(i64::from(self.security)),
            seen: self.seen.map(i64::from),
            trusted: self.trusted.map(i64::from),
            respected: self.respected.map(i64::from),
            consequences: self.consequences.iter().map(|(c, v)| (c.to_string(), i64::from(*v))).collect(),
            note: self.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use proptest::prelude::*;

    fn at() -> Moment {
        Moment::with_offset(Timestamp::from_second(1_700_000_000).unwrap(), 0)
    }

    fn id() -> RecordId {
        RecordId::from_uuid(uuid::Uuid::nil())
    }

    #[test]
    fn security_is_required_and_scales_are_checked() {
        let err = CheckinDraft { seen: Some(12), consequences: vec![("blame".into(), 4)], ..Default::default() }
            .into_checkin(id(), at())
            .unwrap_err();
        let fields: Vec<_> = err.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["security", "seen", "consequence"]);
    }

    #[test]
    fn unknown_consequence_gets_a_suggestion() {
        let err = CheckinDraft { security: Some(5), consequences: vec![("jealousie".into(), 1)], ..Default::default() }
            .into_checkin(id(), at())
            .unwrap_err();
        assert!(err.problems[0].hint.as_deref().unwrap().contains("'jealousy'"));
    }

    proptest! {
        #[test]
        fn round_trips(
            security in 0i64..=10,
            seen in proptest::option::of(0i64..=10),
            blame in proptest::option::of(0i64..=3),
            note in "[a-z ]{0,30}",
        ) {
            let draft = CheckinDraft {
                security: Some(security),
                seen,
                consequences: blame.map(|b| ("blame".to_string(), b)).into_iter().collect(),
                note: note.trim().to_string(),
                ..Default::default()
            };
            let c = draft.clone().into_checkin(id(), at()).unwrap();
            prop_assert_eq!(c.to_draft(), draft);
            let json = serde_json::to_string(&c).unwrap();
            prop_assert_eq!(serde_json::from_str::<Checkin>(&json).unwrap(), c);
        }
    }
}
