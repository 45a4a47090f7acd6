//! Reading the saved words for crisis language and for abuse.

use std::collections::BTreeSet;

use attune_text::abuse::{self, Actor};
use attune_text::crisis::{self, Level};

use super::{AbuseFound, CrisisFound, Noticed};

/// Joins a record's fields with blank lines, which end sentences, so
/// nothing matches across two fields.
pub(super) fn join(texts: &[&str]) -> String {
    texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n\n")
}

pub(super) fn noticed(text: &str, rule: &str, about: &str, span: std::ops::Range<usize>) -> Noticed {
    Noticed { rule: rule.to_string(), about: about.to_string(), words: text.get(span).unwrap_or_default().to_string() }
}

/// What was noticed in `text`: crisis language, abuse of the person and
/// their own behaviour. Both checks share the sentence reader's work.
pub fn read_all(text: &str) -> (Option<CrisisFound>, Option<AbuseFound>, Option<AbuseFound>) {
    let (c, a) = attune_text::assess_safety(text);
    let (abuse, own) = abuse_found(text, a);
    (crisis_found(text, c), abuse, own)
}

/// What the crisis check finds in `text`.
pub fn read_crisis(text: &str) -> Option<CrisisFound> {
    crisis_found(text, crisis::assess(text))
}

/// A broken lexicon or model (which the crate's tests rule out) counts as
/// a concern: in doubt, show the services.
fn crisis_found(text: &str, assessed: Result<crisis::Assessment, crisis::LexiconError>) -> Option<CrisisFound> {
    match assessed {
        Ok(a) if !a.is_flagged() => None,
        Ok(a) => Some(CrisisFound {
            level: a.level,
            escalated: a.escalated,
            noticed: a.matches.iter().map(|m| noticed(text, &m.rule, &m.about, m.span.clone())).collect(),
        }),
        Err(_) => Some(CrisisFound { level: Level::Concern, escalated: false, noticed: Vec::new() }),
    }
}

/// What the abuse check finds in `text`: done to the person, and done by them.
pub fn read_abuse(text: &str) -> (Option<AbuseFound>, Option<AbuseFound>) {
    abuse_found(text, abuse::assess(text))
}

fn abuse_found(
    text: &str,
    assessed: Result<abuse::Assessment, abuse::LexiconError>,
) -> (Option<AbuseFound>, Option<AbuseFound>) {
    let Ok(a) = assessed else {
        // A broken lexicon cannot be told from silence; the crisis side
        // already leans to showing services, and the tests rule this out.
        return (None, None);
    };
    let found = |actor: Actor| {
        let findings: Vec<&abuse::Finding> = a.findings.iter().filter(|f| f.actor == actor).collect();
        let tier = findings.iter().map(|f| f.kind.tier()).max()?;
        let kinds: BTreeSet<abuse::Kind> = findings.iter().map(|f| f.kind).collect();
        Some(AbuseFound {
            tier,
            kinds: kinds.into_iter().collect(),
            noticed: findings.iter().map(|f| noticed(text, &f.rule, &f.about, f.span.clone())).collect(),
            already_shown_today: false,
        })
    };
    (found(Actor::Other), found(Actor::Writer))
}

/// Words of `noticed` passages, quoted, for the "attune noticed" sentence.
pub(super) fn quoted(list: &[Noticed]) -> Option<String> {
    let words: Vec<String> = list.iter().filter(|n| !n.words.is_empty()).map(|n| format!("“{}”", n.words)).collect();
    (!words.is_empty()).then(|| words.join(", "))
}

/// The note key remembered per day: one per abuse kind, and one for own behaviour.
pub(super) fn note_key(prefix: &str, kind: abuse::Kind) -> String {
    format!("{prefix}:{}", kind.as_str())
}
