//! PLACEHOLDER until the abuse lexicon lands (branch `text`): the API, with
//! a few fixed phrases so the safety decision can be built and tested.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// `content/safety/abuse_lexicon.toml`, embedded.
pub const LEXICON_TOML: &str = "";

/// What a finding describes. Declared (and so ordered) most severe first:
/// sorting kinds puts the danger kinds first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Hitting, pushing, kicking, grabbing, throwing things at.
    PhysicalViolence,
    /// Choking, strangling, hands on the neck.
    Strangulation,
    /// A weapon, or a threat to kill.
    WeaponsOrThreatsToKill,
    /// Threats to hurt or take the children, or to hurt pets.
    ThreatsToChildrenOrPets,
    /// Sex forced or pressured.
    SexualCoercion,
    /// Threats to share intimate pictures.
    ThreatsToShareImages,
    /// Threats of self-harm or suicide to make the writer stay or obey.
    SelfHarmThreatsToControl,
    /// Reading messages, tracking, demanding passwords or whereabouts.
    Monitoring,
    /// Taking or controlling money, keeping the writer from working.
    MoneyControl,
    /// Keeping the writer from friends, family or going out.
    Isolation,
    /// Name-calling, putting down.
    Belittling,
    /// Humiliating, mocking in front of others.
    Humiliation,
    /// Denying what happened, calling the writer crazy.
    Gaslighting,
    /// Constant accusations of cheating or lying.
    Accusations,
}

impl Kind {
    /// Every kind, most severe first.
    pub const ALL: [Kind; 14] = [
        Kind::PhysicalViolence,
        Kind::Strangulation,
        Kind::WeaponsOrThreatsToKill,
        Kind::ThreatsToChildrenOrPets,
        Kind::SexualCoercion,
        Kind::ThreatsToShareImages,
        Kind::SelfHarmThreatsToControl,
        Kind::Monitoring,
        Kind::MoneyControl,
        Kind::Isolation,
        Kind::Belittling,
        Kind::Humiliation,
        Kind::Gaslighting,
        Kind::Accusations,
    ];

    /// The stable kebab-case id ("physical-violence").
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PhysicalViolence => "physical-violence",
            Kind::Strangulation => "strangulation",
            Kind::WeaponsOrThreatsToKill => "weapons-or-threats-to-kill",
            Kind::ThreatsToChildrenOrPets => "threats-to-children-or-pets",
            Kind::SexualCoercion => "sexual-coercion",
            Kind::ThreatsToShareImages => "threats-to-share-images",
            Kind::SelfHarmThreatsToControl => "self-harm-threats-to-control",
            Kind::Monitoring => "monitoring",
            Kind::MoneyControl => "money-control",
            Kind::Isolation => "isolation",
            Kind::Belittling => "belittling",
            Kind::Humiliation => "humiliation",
            Kind::Gaslighting => "gaslighting",
            Kind::Accusations => "accusations",
        }
    }

    /// The tier the kind belongs to.
    pub fn tier(self) -> Tier {
        match self {
            Kind::PhysicalViolence
            | Kind::Strangulation
            | Kind::WeaponsOrThreatsToKill
            | Kind::ThreatsToChildrenOrPets
            | Kind::SexualCoercion
            | Kind::ThreatsToShareImages
            | Kind::SelfHarmThreatsToControl => Tier::Danger,
            Kind::Monitoring | Kind::MoneyControl | Kind::Isolation => Tier::Control,
            Kind::Belittling | Kind::Humiliation | Kind::Gaslighting | Kind::Accusations => Tier::Emotional,
        }
    }

    /// The kind with this id, if there is one.
    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == id)
    }
}

/// How serious a kind is, least serious first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Belittling, humiliation, gaslighting, accusations.
    Emotional,
    /// Monitoring, money control, isolation.
    Control,
    /// Violence, strangulation, threats, sexual coercion and the like.
    Danger,
}

/// Who did what a finding describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// Someone (usually the partner) did it to the writer.
    Other,
    /// The writer did it to their partner.
    Writer,
}

/// One place in the text that the lexicon noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The lexicon rule's id ("choked", "reads-messages").
    pub rule: String,
    /// What it describes.
    pub kind: Kind,
    /// Who did it.
    pub actor: Actor,
    /// What the rule notices, in plain words ("describes being choked or
    /// strangled").
    pub about: String,
    /// Byte range in the text that was assessed; always on character
    /// boundaries.
    pub span: Range<usize>,
}

/// The result of [`assess`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// What was noticed, in text order, without duplicates.
    pub findings: Vec<Finding>,
}

impl Assessment {
    /// Whether the text describes something done to the writer.
    pub fn is_flagged(&self) -> bool {
        self.done_to_writer().next().is_some()
    }

    /// The highest tier among what was done to the writer.
    pub fn tier(&self) -> Option<Tier> {
        self.done_to_writer().map(|f| f.kind.tier()).max()
    }

    /// Findings about what someone did to the writer.
    pub fn done_to_writer(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.actor == Actor::Other)
    }

    /// Findings about what the writer did.
    pub fn by_writer(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.actor == Actor::Writer)
    }

    /// The kinds of what was done to the writer, most severe first.
    pub fn kinds(&self) -> BTreeSet<Kind> {
        self.done_to_writer().map(|f| f.kind).collect()
    }
}

/// A lexicon that does not match its schema or has a phrase that does not
/// compile.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("abuse lexicon is invalid: {0}")]
pub struct LexiconError(pub String);

/// Reads `text` with the embedded lexicon.
///
/// Fails only if the embedded lexicon is broken, which the crate's tests
/// rule out.
pub fn assess(text: &str) -> Result<Assessment, LexiconError> {
    Ok(Lexicon::embedded()?.assess(text))
}

/// The placeholder lexicon.
#[derive(Debug)]
pub struct Lexicon;

impl Lexicon {
    /// The placeholder.
    pub fn embedded() -> Result<&'static Lexicon, LexiconError> {
        Ok(&Lexicon)
    }

    /// Reads a text.
    pub fn assess(&self, text: &str) -> Assessment {
        let lower = text.to_lowercase();
        let rules: [(&str, Kind, Actor); 6] = [
            ("grabbed my throat", Kind::Strangulation, Actor::Other),
            ("reads all my messages", Kind::Monitoring, Actor::Other),
            ("not allowed to see my friends", Kind::Isolation, Actor::Other),
            ("calls me stupid", Kind::Belittling, Actor::Other),
            ("i checked his phone", Kind::Monitoring, Actor::Writer),
            ("takes my wages", Kind::MoneyControl, Actor::Other),
        ];
        let mut findings = Vec::new();
        for (p, kind, actor) in rules {
            if let Some(at) = lower.find(p) {
                findings.push(Finding {
                    rule: p.replace(' ', "-"),
                    kind,
                    actor,
                    about: p.into(),
                    span: at..at + p.len(),
                });
            }
        }
        findings.sort_by_key(|f| f.span.start);
        Assessment { findings }
    }
}
