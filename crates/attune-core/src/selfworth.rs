//! Building self-worth (framework step 4): things I did that show my own
//! value, the people besides my partner I can lean on, and affirmations in
//! my own words. No streaks and no scores: only what I did, kindly shown.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::content::{ContentError, Library};
use crate::error::{Problems, ValidationError};
use crate::ids::RecordId;
use crate::moment::Moment;
use crate::plan::{MAX_NAME_CHARS, MAX_TEXT_CHARS, text_field};

/// Longest activity, in minutes (a day).
pub const MAX_ACTIVITY_MINUTES: i64 = 24 * 60;

/// What kind of activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Work I am proud of.
    Work,
    /// A hobby.
    Hobby,
    /// Helping others.
    Volunteering,
    /// Making something.
    Art,
    /// Moving.
    Sport,
    /// Time with friends.
    Friends,
    /// Anything else.
    Other,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 7] = [
        Category::Work,
        Category::Hobby,
        Category::Volunteering,
        Category::Art,
        Category::Sport,
        Category::Friends,
        Category::Other,
    ];

    /// Stable id.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Work => "work",
            Category::Hobby => "hobby",
            Category::Volunteering => "volunteering",
            Category::Art => "art",
            Category::Sport => "sport",
            Category::Friends => "friends",
            Category::Other => "other",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not a category.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a category; use work, hobby, volunteering, art, sport, friends or other")]
pub struct BadCategory(pub String);

impl FromStr for Category {
    type Err = BadCategory;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_lowercase();
        let alias = match norm.as_str() {
            "time-with-friends" | "time with friends" | "friend" | "social" => "friends",
            "volunteer" => "volunteering",
            "sports" | "exercise" => "sport",
            "hobbies" => "hobby",
            "arts" | "craft" | "music" => "art",
            other => other,
        };
        Category::ALL.into_iter().find(|c| c.as_str() == alias).ok_or_else(|| BadCategory(s.to_string()))
    }
}

/// Something I did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Stable identity.
    pub id: RecordId,
    /// When.
    pub at: Moment,
    /// What ("pottery class").
    pub what: String,
    /// Kind.
    pub category: Category,
    /// How long, in minutes.
    pub minutes: Option<u32>,
    /// How I felt afterwards, 0 (low) to 10 (really good).
    pub felt: Option<u8>,
    /// A few words.
    pub note: String,
}

/// An activity as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityDraft {
    /// What.
    pub what: String,
    /// Category as typed (default: other).
    pub category: Option<String>,
    /// Minutes.
    pub minutes: Option<i64>,
    /// 0–10.
    pub felt: Option<i64>,
    /// Note.
    pub note: String,
}

impl ActivityDraft {
    /// Checks every field.
    pub fn into_activity(self, id: RecordId, at: Moment) -> Result<Activity, ValidationError> {
        let mut p = Problems::default();
        let what = text_field(&mut p, "what", &self.what, MAX_NAME_CHARS * 2);
        if what.is_empty() && !p.has("what") {
            p.push(
                "what",
                "is empty",
                Some("say what you did, e.g. attune did \"pottery class\" --category art".into()),
            );
        }
        let category = match self.category.as_deref().map(str::parse::<Category>) {
            None => Category::Other,
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                p.push("category", e.to_string(), None);
                Category::Other
            }
        };
        let minutes = match self.minutes {
            None => None,
            Some(m) if (1..=MAX_ACTIVITY_MINUTES).contains(&m) => u32::try_from(m).ok(),
            Some(m) => {
                p.push("minutes", format!("{m} is outside 1 to {MAX_ACTIVITY_MINUTES}"), None);
                None
            }
        };
        let felt = match self.felt {
            None => None,
            Some(v) if (0..=10).contains(&v) => u8::try_from(v).ok(),
            Some(v) => {
                p.push("felt", format!("{v} is outside 0 to 10"), Some("0 is low, 10 is really good".into()));
                None
            }
        };
        let note = text_field(&mut p, "note", &self.note, MAX_TEXT_CHARS);
        p.finish(|| Activity { id, at, what, category, minutes, felt, note })
    }
}

/// Time per category over a list of activities (count, minutes), in
/// category order, leaving out categories with nothing.
pub fn by_category(activities: &[Activity]) -> Vec<(Category, usize, u32)> {
    Category::ALL
        .into_iter()
        .filter_map(|c| {
            let of: Vec<&Activity> = activities.iter().filter(|a| a.category == c).collect();
            (!of.is_empty()).then(|| (c, of.len(), of.iter().filter_map(|a| a.minutes).sum()))
        })
        .collect()
}

/// Someone besides my partner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supporter {
    /// Stable identity.
    pub id: RecordId,
    /// Name.
    pub name: String,
    /// How they relate to me ("sister", "friend from work").
    pub relation: String,
    /// The day we were last in touch.
    pub last_contact: Option<Date>,
    /// I could call them when upset.
    pub can_call: bool,
    /// A few words.
    pub note: String,
}

/// A supporter as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupporterDraft {
    /// Name.
    pub name: String,
    /// Relation.
    pub relation: String,
    /// Last contact.
    pub last_contact: Option<Date>,
    /// Could call when upset.
    pub can_call: bool,
    /// Note.
    pub note: String,
}

impl SupporterDraft {
    /// Checks every field.
    pub fn into_supporter(self, id: RecordId) -> Result<Supporter, ValidationError> {
        let mut p = Problems::default();
        let name = text_field(&mut p, "name", &self.name, MAX_NAME_CHARS);
        if name.is_empty() && !p.has("name") {
            p.push("name", "is empty", Some("a first name or a nickname is enough".into()));
        }
        let relation = text_field(&mut p, "relation", &self.relation, MAX_NAME_CHARS);
        let note = text_field(&mut p, "note", &self.note, MAX_TEXT_CHARS);
        p.finish(|| Supporter { id, name, relation, last_contact: self.last_contact, can_call: self.can_call, note })
    }
}

/// What the support map gently points out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupportNote {
    /// Nobody besides the partner is on the map.
    PartnerOnly,
    /// People are there, but none I could call when upset.
    NoOneToCall,
    /// Nothing to point out.
    Fine,
}

/// The rule: nobody on the map means the partner is the only support.
pub fn support_note(supporters: &[Supporter]) -> SupportNote {
    if supporters.is_empty() {
        SupportNote::PartnerOnly
    } else if !supporters.iter().any(|s| s.can_call) {
        SupportNote::NoOneToCall
    } else {
        SupportNote::Fine
    }
}

/// An affirmation: my own words, or a suggestion from content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affirmation {
    /// Stable identity.
    pub id: RecordId,
    /// The words (for a suggestion, as shown now).
    pub text: String,
    /// The content id when it started as a suggestion.
    pub suggestion: Option<String>,
    /// Edited by me (a suggestion I rewrote, or my own).
    pub own: bool,
    /// Starred.
    pub starred: bool,
    /// How many times it was shown.
    pub shown: u32,
}

/// Checks an affirmation's words.
pub fn affirmation_text(text: &str) -> Result<String, ValidationError> {
    let mut p = Problems::default();
    let t = text_field(&mut p, "affirmation", text, 500);
    if t.is_empty() && !p.has("affirmation") {
        p.push(
            "affirmation",
            "is empty",
            Some("write a sentence in your own words, e.g. \"I am worth listening to\"".into()),
        );
    }
    p.finish(|| t)
}

/// Which affirmation to show next: one of those shown least often (so none
/// repeats until all were shown), starred ones first among those, chosen by
/// `pick` (a number the caller makes, e.g. from the time). `None` if empty.
pub fn next_affirmation(items: &[Affirmation], starred_only: bool, pick: u64) -> Option<usize> {
    let pool: Vec<usize> = (0..items.len()).filter(|&i| !starred_only || items[i].starred).collect();
    let least = pool.iter().map(|&i| items[i].shown).min()?;
    let fresh: Vec<usize> = pool.into_iter().filter(|&i| items[i].shown == least).collect();
    let n = fresh.len() as u64;
    fresh.get(usize::try_from(pick % n.max(1)).unwrap_or(0)).copied()
}

/// Affirmation suggestions (`content/selfworth/affirmations.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    /// Stable id.
    pub id: String,
    /// The words.
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuggestionsFile {
    suggestion: Vec<Suggestion>,
}

/// The suggestions shipped in content.
pub fn suggestions(lib: &Library) -> Result<Vec<Suggestion>, ContentError> {
    let file: SuggestionsFile = lib.toml("selfworth/affirmations.toml")?;
    let mut ids = std::collections::BTreeSet::new();
    for s in &file.suggestion {
        let ok_id = !s.id.is_empty() && s.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok_id || !ids.insert(s.id.clone()) || s.text.trim().is_empty() {
            return Err(ContentError {
                file: "selfworth/affirmations.toml".into(),
                message: format!("suggestion '{}' needs a unique lower-case id and text", s.id),
            });
        }
    }
    Ok(file.suggestion)
}

/// Self-worth texts (`content/selfworth/texts.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfWorthTexts {
    /// The support map's intro.
    pub support_intro: String,
    /// When nobody besides the partner is on the map.
    pub partner_only: String,
    /// When nobody on the map could be called when upset.
    pub no_one_to_call: String,
    /// Small first steps; one is suggested.
    pub support_steps: Vec<String>,
    /// Activity list intro.
    pub activities_intro: String,
    /// No activities yet.
    pub no_activities: String,
    /// After saving an activity.
    pub activity_saved: String,
    /// No affirmations to show.
    pub no_affirmations: String,
}

impl SelfWorthTexts {
    /// Loads and checks `selfworth/texts.toml`.
    pub fn load(lib: &Library) -> Result<SelfWorthTexts, ContentError> {
        let t: SelfWorthTexts = lib.toml("selfworth/texts.toml")?;
        let all = [
            &t.support_intro,
            &t.partner_only,
            &t.no_one_to_call,
            &t.activities_intro,
            &t.no_activities,
            &t.activity_saved,
            &t.no_affirmations,
        ];
        if t.support_steps.is_empty() || all.into_iter().chain(t.support_steps.iter()).any(|s| s.trim().is_empty()) {
            return Err(ContentError { file: "selfworth/texts.toml".into(), message: "a text is empty".into() });
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aff(n: u128, shown: u32, starred: bool) -> Affirmation {
        Affirmation {
            id: RecordId::from_uuid(uuid::Uuid::from_u128(n)),
            text: format!("a{n}"),
            suggestion: None,
            own: true,
            starred,
            shown,
        }
    }

    #[test]
    fn no_repeats_until_all_were_shown() {
        let mut items: Vec<Affirmation> = (0..5).map(|n| aff(n, 0, false)).collect();
        for round in 0..3u32 {
            let mut seen = Vec::new();
            for k in 0..5u64 {
                let i = next_affirmation(&items, false, k * 7 + u64::from(round)).unwrap();
                assert!(!seen.contains(&i), "repeat in round {round}");
                seen.push(i);
                items[i].shown += 1;
            }
        }
        assert!(next_affirmation(&[], false, 0).is_none());
        let items = vec![aff(1, 0, false), aff(2, 3, true)];
        assert_eq!(next_affirmation(&items, true, 0), Some(1));
    }

    #[test]
    fn partner_only_when_the_map_is_empty() {
        assert_eq!(support_note(&[]), SupportNote::PartnerOnly);
        let s = SupporterDraft { name: "Sam".into(), ..Default::default() }
            .into_supporter(RecordId::from_uuid(uuid::Uuid::from_u128(1)))
            .unwrap();
        assert_eq!(support_note(std::slice::from_ref(&s)), SupportNote::NoOneToCall);
        let callable = Supporter { can_call: true, ..s };
        assert_eq!(support_note(&[callable]), SupportNote::Fine);
    }

    #[test]
    fn activity_fields_are_checked() {
        let at = Moment::with_offset(jiff::Timestamp::UNIX_EPOCH, 0);
        let id = RecordId::from_uuid(uuid::Uuid::from_u128(1));
        let a = ActivityDraft {
            what: "pottery class".into(),
            category: Some("Art".into()),
            minutes: Some(90),
            felt: Some(8),
            note: String::new(),
        }
        .into_activity(id, at.clone())
        .unwrap();
        assert_eq!(a.category, Category::Art);
        let err = ActivityDraft {
            what: " ".into(),
            category: Some("napping".into()),
            minutes: Some(0),
            felt: Some(11),
            note: String::new(),
        }
        .into_activity(id, at)
        .unwrap_err();
        let fields: Vec<&str> = err.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["what", "category", "minutes", "felt"]);
    }

    #[test]
    fn shipped_content_is_valid() {
        let lib = Library::embedded();
        assert!(suggestions(&lib).unwrap().len() >= 10);
        SelfWorthTexts::load(&lib).unwrap();
    }
}
