//! Needs: what I need to feel safe, in the framework's words or my own.

use serde::{Deserialize, Serialize};

use crate::error::{Problems, ValidationError};
use crate::ids::RecordId;
use crate::label::Slug;
use crate::moment::Moment;

use super::{KnownNeed, MAX_NAME_CHARS, MAX_TEXT_CHARS, text_field};

/// A need: what I need to feel safe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    /// Stable identity.
    pub id: RecordId,
    /// Typeable id ("transparency", or derived from my own words).
    pub slug: Slug,
    /// The name ("Transparency", or my own words).
    pub name: String,
    /// What this looks like for me.
    pub looks_like: String,
    /// Whether it is one of the framework's needs (false: my own words).
    pub known: bool,
    /// When it was first written down.
    pub created: Moment,
}

/// A need as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NeedDraft {
    /// A framework id or name ("transparency"), or my own words.
    pub name: String,
    /// What it looks like for me.
    pub looks_like: String,
}

impl NeedDraft {
    /// Checks the draft; a name matching a known need takes its id and name.
    pub fn into_need(self, id: RecordId, created: Moment, known: &[KnownNeed]) -> Result<Need, ValidationError> {
        let mut p = Problems::default();
        let name = text_field(&mut p, "need", &self.name, MAX_TEXT_CHARS);
        let looks_like = text_field(&mut p, "looks-like", &self.looks_like, MAX_TEXT_CHARS);
        let mut slug = None;
        if name.is_empty() && !p.has("need") {
            p.push("need", "is empty", Some("name a need, e.g. transparency, or write it in your own words".into()));
        } else if name.chars().count() > MAX_NAME_CHARS {
            p.push(
                "need",
                format!("is longer than {MAX_NAME_CHARS} characters"),
                Some("keep the name short; put the rest in --looks-like".into()),
            );
        } else {
            match Slug::from_name(&name) {
                Ok(s) => slug = Some(s),
                Err(e) => p.push("need", e.to_string(), None),
            }
        }
        let found = slug
            .as_ref()
            .and_then(|s| known.iter().find(|k| &k.id == s || Slug::from_name(&k.name).ok().as_ref() == Some(s)));
        p.finish(|| match found {
            Some(k) => Need { id, slug: k.id.clone(), name: k.name.clone(), looks_like, known: true, created },
            None => Need {
                id,
                slug: slug.unwrap_or_else(|| Slug::from_name("need").expect("a valid slug")),
                name,
                looks_like,
                known: false,
                created,
            },
        })
    }
}
