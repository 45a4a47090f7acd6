//! The person's own lists of triggers and feelings. They start from sensible
//! defaults (see `content/defaults.toml`) and can be added to, renamed (past
//! entries follow the new name), merged and retired.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::closest;

/// Which list a label belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelKind {
    /// Something that sets the insecurity off ("late reply").
    Trigger,
    /// A named feeling ("anxious").
    Feeling,
}

impl LabelKind {
    /// Stable storage id.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelKind::Trigger => "trigger",
            LabelKind::Feeling => "feeling",
        }
    }

    /// Both kinds.
    pub const ALL: [LabelKind; 2] = [LabelKind::Trigger, LabelKind::Feeling];
}

impl fmt::Display for LabelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A short, typeable name: lowercase letters, digits and single dashes,
/// 1 to 40 characters ("late-reply").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Longest slug accepted.
pub const MAX_SLUG_LEN: usize = 40;

/// Why text cannot be a slug.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadSlug {
    /// Nothing usable was left after normalising.
    #[error("a name needs at least one letter or digit")]
    Empty,
    /// Over [`MAX_SLUG_LEN`].
    #[error("'{0}' is longer than {MAX_SLUG_LEN} characters")]
    TooLong(String),
}

impl Slug {
    /// Normalises a human name: "Late Reply!" becomes "late-reply".
    /// Letters outside ASCII are kept (lower-cased), so names in any language work.
    pub fn from_name(name: &str) -> Result<Self, BadSlug> {
        let mut out = String::new();
        for c in name.trim().chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        while out.ends_with('-') {
            out.pop();
        }
        if out.is_empty() {
            return Err(BadSlug::Empty);
        }
        if out.chars().count() > MAX_SLUG_LEN {
            return Err(BadSlug::TooLong(out));
        }
        Ok(Self(out))
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Slug {
    type Err = BadSlug;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s)
    }
}

impl TryFrom<String> for Slug {
    type Error = BadSlug;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let slug = Self::from_name(&s)?;
        // Stored slugs must already be normal; anything else is not a slug.
        if slug.0 == s { Ok(slug) } else { Err(BadSlug::Empty) }
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> Self {
        s.0
    }
}

/// One entry of the person's trigger or feeling list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Which list.
    pub kind: LabelKind,
    /// The typeable id.
    pub slug: Slug,
    /// The name as the person wrote it ("Late reply").
    pub name: String,
    /// Retired labels stay on old entries but are not offered for new ones.
    pub retired: bool,
    /// Set when this label was merged into another; new uses go there.
    pub merged_into: Option<Slug>,
}

/// How a typed name resolves against the person's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A label in use.
    Active(Slug),
    /// Retired: not for new entries.
    Retired(Slug),
    /// Not on the list; maybe a typo of `suggestion`.
    Unknown {
        /// The closest active name.
        suggestion: Option<String>,
    },
}

/// Looks `given` up in `labels` (all of one kind), following merges.
pub fn resolve(labels: &[Label], given: &str) -> Resolved {
    let Ok(wanted) = Slug::from_name(given) else {
        return Resolved::Unknown { suggestion: None };
    };
    let mut current = wanted;
    // Follow merge chains; the bound guards against a cycle in a damaged store.
    for _ in 0..=labels.len() {
        match labels.iter().find(|l| l.slug == current) {
            Some(Label { merged_into: Some(target), .. }) => current = target.clone(),
            Some(l) if l.retired => return Resolved::Retired(l.slug.clone()),
            Some(l) => return Resolved::Active(l.slug.clone()),
            None => break,
        }
    }
    let active = labels.iter().filter(|l| !l.retired && l.merged_into.is_none());
    Resolved::Unknown { suggestion: closest(current.as_str(), active.map(|l| l.slug.as_str())) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn label(slug: &str, retired: bool, merged_into: Option<&str>) -> Label {
        Label {
            kind: LabelKind::Trigger,
            slug: Slug::from_name(slug).unwrap(),
            name: slug.into(),
            retired,
            merged_into: merged_into.map(|s| Slug::from_name(s).unwrap()),
        }
    }

    #[test]
    fn slugs_normalise_names() {
        assert_eq!(Slug::from_name("  Late Reply! ").unwrap().as_str(), "late-reply");
        assert_eq!(Slug::from_name("Él no contesta").unwrap().as_str(), "él-no-contesta");
        assert_eq!(Slug::from_name("--"), Err(BadSlug::Empty));
        assert!(matches!(Slug::from_name(&"a".repeat(41)), Err(BadSlug::TooLong(_))));
    }

    #[test]
    fn resolve_follows_merges_and_reports_retired() {
        let labels = vec![
            label("late-reply", false, None),
            label("slow-text", true, Some("late-reply")),
            label("old-thing", true, None),
        ];
        assert_eq!(resolve(&labels, "Slow text"), Resolved::Active(Slug::from_name("late-reply").unwrap()));
        assert_eq!(resolve(&labels, "old-thing"), Resolved::Retired(Slug::from_name("old-thing").unwrap()));
        assert_eq!(resolve(&labels, "late-replies"), Resolved::Unknown { suggestion: Some("late-reply".into()) });
    }

    #[test]
    fn resolve_survives_a_merge_cycle() {
        let labels = vec![label("a", true, Some("b")), label("b", true, Some("a"))];
        assert!(matches!(resolve(&labels, "a"), Resolved::Unknown { .. }));
    }

    proptest! {
        #[test]
        fn slug_is_idempotent(name in "\\PC{0,60}") {
            if let Ok(slug) = Slug::from_name(&name) {
                prop_assert_eq!(Slug::from_name(slug.as_str()).unwrap(), slug.clone());
                prop_assert!(!slug.as_str().starts_with('-') && !slug.as_str().ends_with('-'));
                let json = serde_json::to_string(&slug).unwrap();
                prop_assert_eq!(serde_json::from_str::<Slug>(&json).unwrap(), slug);
            }
        }
    }
}
