//! Reflection entries: framework step 1, "write down the situation, the
//! trigger, the thoughts and the feelings, each time".

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Problems, ValidationError};
use crate::ids::RecordId;
use crate::label::{Label, Resolved, Slug, resolve};
use crate::moment::Moment;
use crate::vocab::{Sign, Source};

/// The longest text accepted in one field (about 30 printed pages); longer
/// input is refused with a message rather than cut.
pub const MAX_TEXT_CHARS: usize = 50_000;
/// The most tags, triggers or feelings on one entry.
pub const MAX_LIST_LEN: usize = 50;

/// How strong the episode felt, 0 (not at all) to 10 (overwhelming).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Intensity(u8);

impl Intensity {
    /// The strongest value.
    pub const MAX: u8 = 10;

    /// `Some` for 0 to 10.
    pub fn new(value: i64) -> Option<Self> {
        u8::try_from(value).ok().filter(|v| *v <= Self::MAX).map(Self)
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Intensity {
    type Error = String;

    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Self::new(i64::from(v)).ok_or_else(|| format!("intensity {v} is above 10"))
    }
}

impl From<Intensity> for u8 {
    fn from(i: Intensity) -> Self {
        i.0
    }
}

impl fmt::Display for Intensity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A saved reflection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable identity.
    pub id: RecordId,
    /// When it happened.
    pub occurred: Moment,
    /// When it was written down.
    pub recorded: Moment,
    /// What happened.
    pub situation: String,
    /// What set it off (slugs from the person's trigger list).
    pub triggers: Vec<Slug>,
    /// What went through my mind.
    pub thoughts: String,
    /// What I fear will happen.
    pub fear: String,
    /// Named feelings (slugs from the person's feeling list).
    pub feelings: Vec<Slug>,
    /// How strong it felt overall.
    pub intensity: Option<Intensity>,
    /// Which signs of insecurity showed.
    pub signs: Vec<Sign>,
    /// Where I suspect it comes from.
    pub sources: Vec<Source>,
    /// What I did, and what helped.
    pub helped: String,
    /// Free tags.
    pub tags: Vec<String>,
    /// Marked as important.
    pub starred: bool,
}

impl Entry {
    /// The entry's content as an editable draft.
    pub fn to_draft(&self) -> EntryDraft {
        EntryDraft {
            situation: self.situation.clone(),
            triggers: self.triggers.iter().map(|s| s.to_string()).collect(),
            thoughts: self.thoughts.clone(),
            fear: self.fear.clone(),
            feelings: self.feelings.iter().map(|s| s.to_string()).collect(),
            intensity: self.intensity.map(|i| i64::from(i.get())),
            signs: self.signs.iter().map(|s| s.to_string()).collect(),
            sources: self.sources.iter().map(|s| s.to_string()).collect(),
            helped: self.helped.clone(),
            tags: self.tags.clone(),
            starred: self.starred,
        }
    }

    /// All free text of the entry, for search indexes and leak tests.
    pub fn text_fields(&self) -> [&str; 4] {
        [&self.situation, &self.thoughts, &self.fear, &self.helped]
    }

    /// A one-line title: the first line of the situation, shortened.
    pub fn title(&self, max_chars: usize) -> String {
        let first = self.situation.lines().next().unwrap_or("").trim();
        shorten(first, max_chars)
    }
}

/// Cuts `text` to `max_chars` characters, ending with an ellipsis when cut.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An entry as typed, before it is checked. Numbers are wide so that
/// out-of-range input ("intensity 11", "-3") can be reported, not wrapped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryDraft {
    /// What happened (required).
    pub situation: String,
    /// Trigger names.
    pub triggers: Vec<String>,
    /// Thoughts.
    pub thoughts: String,
    /// The fear.
    pub fear: String,
    /// Feeling names.
    pub feelings: Vec<String>,
    /// 0 to 10.
    pub intensity: Option<i64>,
    /// Sign ids.
    pub signs: Vec<String>,
    /// Source ids.
    pub sources: Vec<String>,
    /// What helped.
    pub helped: String,
    /// Free tags (a leading `#` or `@` is dropped).
    pub tags: Vec<String>,
    /// Star it.
    pub starred: bool,
}

/// The person's current lists, needed to check names.
#[derive(Clone, Copy, Debug)]
pub struct Known<'a> {
    /// The trigger list.
    pub triggers: &'a [Label],
    /// The feeling list.
    pub feelings: &'a [Label],
}

impl EntryDraft {
    /// Checks every field and builds the entry, or lists every problem.
    pub fn into_entry(
        self,
        id: RecordId,
        occurred: Moment,
        recorded: Moment,
        known: Known<'_>,
    ) -> Result<Entry, ValidationError> {
        let mut problems = Problems::default();

        let situation = clean_text(&self.situation, "situation", &mut problems);
        if situation.is_empty() && !problems.has("situation") {
            problems.push(
                "situation",
                "is empty: an entry needs at least a few words about what happened",
                Some("for example: attune log \"no reply for 5 hours\"".into()),
            );
        }
        let thoughts = clean_text(&self.thoughts, "thoughts", &mut problems);
        let fear = clean_text(&self.fear, "fear", &mut problems);
        let helped = clean_text(&self.helped, "helped", &mut problems);

        let triggers = labels(&self.triggers, known.triggers, "trigger", "triggers", &mut problems);
        let feelings = labels(&self.feelings, known.feelings, "feeling", "feelings", &mut problems);

        let intensity = match self.intensity {
            None => None,
            Some(v) => match Intensity::new(v) {
                Some(i) => Some(i),
                None => {
                    problems.push(
                        "intensity",
                        format!("{v} is outside the scale"),
                        Some("use a whole number from 0 (not at all) to 10 (overwhelming)".into()),
                    );
                    None
                }
            },
        };

        let signs = vocab_list::<Sign>(&self.signs, "sign", &mut problems);
        let sources = vocab_list::<Source>(&self.sources, "source", &mut problems);
        let tags = tags(&self.tags, &mut problems);

        problems.finish(|| Entry {
            id,
            occurred,
            recorded,
            situation,
            triggers,
            thoughts,
            fear,
            feelings,
            intensity,
            signs,
            sources,
            helped,
            tags,
            starred: self.starred,
        })
    }
}

/// Normalises line endings and trims; refuses control characters (they can
/// rewrite a terminal screen) and over-long text.
pub(crate) fn clean_text(text: &str, field: &'static str, problems: &mut Problems) -> String {
    // Most text has no carriage returns: then it is read in place, not copied.
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let text = text.trim();
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        problems.push(
            field,
            format!("is {chars} characters long; the most is {MAX_TEXT_CHARS}"),
            Some("split it into two entries, or keep the long text in a file and note where".into()),
        );
        return String::new();
    }
    if let Some((pos, c)) = text.chars().enumerate().find(|(_, c)| c.is_control() && *c != '\n' && *c != '\t') {
        problems.push(
            field,
            format!("contains an invisible control character (U+{:04X}) at character {}", c as u32, pos + 1),
            Some("remove it; it often comes from pasting out of another program".into()),
        );
        return String::new();
    }
    text.to_string()
}

fn labels(
    given: &[String],
    known: &[Label],
    field: &'static str,
    list_command: &str,
    problems: &mut Problems,
) -> Vec<Slug> {
    if given.len() > MAX_LIST_LEN {
        problems.push(field, format!("{} given; the most is {MAX_LIST_LEN}", given.len()), None);
        return Vec::new();
    }
    let mut out: Vec<Slug> = Vec::new();
    for name in given {
        match resolve(known, name) {
            Resolved::Active(slug) => {
                if !out.contains(&slug) {
                    out.push(slug);
                }
            }
            Resolved::Retired(slug) => problems.push(
                field,
                format!("'{slug}' is retired"),
                Some(format!("bring it back with `attune {list_command} restore {slug}`, or pick another")),
            ),
            Resolved::Unknown { suggestion } => {
                let hint = match suggestion {
                    Some(s) => format!("did you mean '{s}'? Or add it with `attune {list_command} add \"{name}\"`"),
                    None => format!(
                        "see your list with `attune {list_command}`, or add it with `attune {list_command} add \"{name}\"`"
                    ),
                };
                problems.push(field, format!("'{name}' is not on your {field} list"), Some(hint));
            }
        }
    }
    out
}

fn vocab_list<T>(given: &[String], field: &'static str, problems: &mut Problems) -> Vec<T>
where
    T: std::str::FromStr<Err = crate::vocab::UnknownId> + PartialEq + Ord + Copy,
{
    let mut out = Vec::new();
    for g in given {
        match g.parse::<T>() {
            Ok(v) => {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Err(e) => {
                let hint = match &e.suggestion {
                    Some(s) => format!("did you mean '{s}'? Known: {}", e.known.join(", ")),
                    None => format!("known: {}", e.known.join(", ")),
                };
                problems.push(field, format!("'{g}' is not a known {field}"), Some(hint));
            }
        }
    }
    out.sort();
    out
}

fn tags(given: &[String], problems: &mut Problems) -> Vec<String> {
    if given.len() > MAX_LIST_LEN {
        problems.push("tag", format!("{} given; the most is {MAX_LIST_LEN}", given.len()), None);
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for raw in given {
        let t = raw.trim().trim_start_matches(['#', '@']).to_lowercase();
        if t.is_empty() {
            problems.push("tag", "is empty", Some("write the tag without spaces, e.g. --tag weekend".into()));
        } else if t.chars().any(|c| c.is_whitespace() || c.is_control() || c == ',') {
            problems.push(
                "tag",
                format!("'{}' contains a space, comma or control character", shorten(raw, 41)),
                Some("use dashes instead, e.g. --tag family-dinner".into()),
            );
        } else if t.chars().count() > 40 {
            problems.push("tag", format!("'{}' is longer than 40 characters", shorten(raw, 41)), None);
        } else if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::LabelKind;
    use jiff::Timestamp;
    use proptest::prelude::*;

    fn lbl(kind: LabelKind, name: &str) -> Label {
        Label { kind, slug: Slug::from_name(name).unwrap(), name: name.into(), retired: false, merged_into: None }
    }

    fn lists() -> (Vec<Label>, Vec<Label>) {
        (
            vec![lbl(LabelKind::Trigger, "late-reply"), lbl(LabelKind::Trigger, "cancelled-plan")],
            vec![lbl(LabelKind::Feeling, "anxious"), lbl(LabelKind::Feeling, "sad")],
        )
    }

    fn build(draft: EntryDraft) -> Result<Entry, ValidationError> {
        let (t, f) = lists();
        let m = Moment::with_offset(Timestamp::from_second(1_700_000_000).unwrap(), 3600);
        let id = RecordId::from_uuid(uuid::Uuid::nil());
        draft.into_entry(id, m.clone(), m, Known { triggers: &t, feelings: &f })
    }

    #[test]
    fn a_good_draft_becomes_an_entry() {
        let e = build(EntryDraft {
            situation: "  No reply for 5 hours\r\n".into(),
            triggers: vec!["Late reply".into(), "late-reply".into()],
            feelings: vec!["anxious".into()],
            intensity: Some(7),
            signs: vec!["over-interpreting".into()],
            tags: vec!["#Weekend".into()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(e.situation, "No reply for 5 hours");
        assert_eq!(e.triggers.len(), 1, "duplicates collapse");
        assert_eq!(e.intensity.unwrap().get(), 7);
        assert_eq!(e.tags, vec!["weekend"]);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let err = build(EntryDraft {
            situation: "   ".into(),
            triggers: vec!["late-replay".into()],
            intensity: Some(11),
            signs: vec!["jealous".into()],
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = err.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["situation", "trigger", "intensity", "sign"]);
        let trigger = &err.problems[1];
        assert!(trigger.hint.as_deref().unwrap().contains("did you mean 'late-reply'"), "{trigger}");
        assert!(err.problems[2].message.contains("11"));
    }

    #[test]
    fn control_characters_and_huge_text_are_refused() {
        let err = build(EntryDraft { situation: "hi\u{1b}[2J".into(), ..Default::default() }).unwrap_err();
        assert!(err.problems[0].message.contains("U+001B"), "{err}");
        let err = build(EntryDraft { situation: "x".repeat(MAX_TEXT_CHARS + 1), ..Default::default() }).unwrap_err();
        assert!(err.problems[0].message.contains("characters long"), "{err}");
        assert_eq!(err.problems.len(), 1, "no second 'empty' complaint");
    }

    #[test]
    fn negative_intensity_is_refused_not_wrapped() {
        let err = build(EntryDraft { situation: "x".into(), intensity: Some(-1), ..Default::default() }).unwrap_err();
        assert_eq!(err.problems[0].field, "intensity");
    }

    #[test]
    fn title_is_the_shortened_first_line() {
        let e = build(EntryDraft { situation: "A long first line here\nsecond".into(), ..Default::default() }).unwrap();
        assert_eq!(e.title(10), "A long fi…");
        assert_eq!(e.title(100), "A long first line here");
    }

    proptest! {
        #[test]
        fn draft_round_trips_through_entry(
            situation in "[a-zA-Z0-9 .,!?']{1,80}",
            intensity in proptest::option::of(0i64..=10),
            starred in any::<bool>(),
            tags in proptest::collection::vec("[a-z]{1,10}", 0..4),
        ) {
            prop_assume!(!situation.trim().is_empty());
            let draft = EntryDraft {
                situation: situation.trim().to_string(),
                triggers: vec!["cancelled-plan".into()],
                feelings: vec!["sad".into()],
                intensity,
                tags: tags.clone(),
                starred,
                ..Default::default()
            };
            let entry = build(draft).unwrap();
            let again = build(entry.to_draft()).unwrap();
            prop_assert_eq!(&again, &entry);
            let json = serde_json::to_string(&entry).unwrap();
            prop_assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), entry);
        }
    }
}
