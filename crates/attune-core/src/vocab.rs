//! The fixed vocabularies of the framework: the five signs of insecurity,
//! the five sources, and the consequences tracked in check-ins.
//!
//! The ids are part of the stored and exported format and never change; the
//! words people read live in `content/`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::closest;

/// Implements id round trips (`as_str`, `FromStr`, `Display`) and `ALL`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in the framework's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable id used in storage, exports and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id),+
                }
            }

            /// Position in [`Self::ALL`]; stable, used for compact storage.
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|v| *v == self).unwrap_or(0)
            }

            /// All ids, for help texts and error messages.
            pub fn ids() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_lowercase().replace([' ', '_'], "-");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| UnknownId {
                        what: $what,
                        given: s.to_string(),
                        suggestion: closest(&wanted, Self::ALL.iter().map(|v| v.as_str())),
                        known: Self::ids(),
                    })
            }
        }
    };
}

vocabulary! {
    /// A sign that insecurity is present (framework section 1).
    Sign, "sign" {
        FearOfRejection => "fear-of-rejection",
        FearOfAbandonment => "fear-of-abandonment",
        ReassuranceSeeking => "reassurance-seeking",
        OverInterpreting => "over-interpreting",
        FeelingThreatened => "feeling-threatened",
    }
}

vocabulary! {
    /// Where insecurity may come from (framework section 2).
    Source, "source" {
        PastWounds => "past-wounds",
        Attachment => "attachment",
        SelfWorth => "self-worth",
        Communication => "communication",
        Comparison => "comparison",
    }
}

vocabulary! {
    /// What chronic insecurity costs (framework section 3), rated 0–3 in check-ins.
    Consequence, "consequence" {
        Blame => "blame",
        Suspicion => "suspicion",
        Jealousy => "jealousy",
        LessIntimacy => "less-intimacy",
        LessTrust => "less-trust",
        Exhaustion => "exhaustion",
        SpillOver => "spill-over",
    }
}

/// An id that is not part of a fixed vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}'")]
pub struct UnknownId {
    /// Which vocabulary ("sign", "source", ...).
    pub what: &'static str,
    /// What the person typed.
    pub given: String,
    /// The closest known id, when one is close enough to be a likely typo.
    pub suggestion: Option<String>,
    /// Every known id.
    pub known: Vec<&'static str>,
}

/// A set of vocabulary values stored as a bit mask (at most 32 values).
pub fn to_mask<T: Copy>(values: &[T], index: impl Fn(T) -> usize) -> u32 {
    values.iter().fold(0u32, |mask, v| mask | (1 << index(*v)))
}

/// The inverse of [`to_mask`], in vocabulary order.
pub fn from_mask<T: Copy>(mask: u32, all: &[T]) -> Vec<T> {
    all.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, v)| *v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for s in Sign::ALL {
            assert_eq!(s.as_str().parse::<Sign>().unwrap(), *s);
        }
        for s in Source::ALL {
            assert_eq!(s.as_str().parse::<Source>().unwrap(), *s);
        }
        for c in Consequence::ALL {
            assert_eq!(c.as_str().parse::<Consequence>().unwrap(), *c);
        }
    }

    #[test]
    fn parsing_is_forgiving_about_case_and_separators() {
        assert_eq!("Fear of Rejection".parse::<Sign>().unwrap(), Sign::FearOfRejection);
        assert_eq!("self_worth".parse::<Source>().unwrap(), Source::SelfWorth);
    }

    #[test]
    fn unknown_id_suggests_the_closest() {
        let err = "fear-of-abandonmnet".parse::<Sign>().unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("fear-of-abandonment"));
        assert_eq!(err.known.len(), 5);
    }

    #[test]
    fn masks_round_trip() {
        let signs = vec![Sign::FearOfRejection, Sign::FeelingThreatened];
        let mask = to_mask(&signs, Sign::index);
        assert_eq!(from_mask(mask, Sign::ALL), signs);
    }

    #[test]
    fn serde_uses_the_stable_ids() {
        assert_eq!(serde_json::to_string(&Source::PastWounds).unwrap(), "\"past-wounds\"");
        assert_eq!(serde_json::to_string(&Consequence::SpillOver).unwrap(), "\"spill-over\"");
    }
}
