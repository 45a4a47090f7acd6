//! The decision: notes in order, services in order, safety mode, next steps.

use std::collections::BTreeSet;

use attune_text::abuse::Tier;
use attune_text::crisis::Level;

use super::{
    AbuseFound, CONTROL_KINDS_FOR_SAFETY_MODE, CheckinAnswers, CrisisFound, Decision, NextStep, Note, Reason,
    SafetyContent, SafetySettings, Saved, join, note_key, quoted, read_all,
};
use crate::safety::{CheckinSignal, Purpose, checkin_signal};

/// The response after a save. `shown_today` holds the note keys already
/// shown today (from [`Decision::shown`] of earlier saves the same day).
pub fn decide(
    content: &SafetyContent,
    settings: &SafetySettings,
    saved: Saved<'_>,
    shown_today: &BTreeSet<String>,
) -> Decision {
    decide_from(content, settings, Found::read(saved), shown_today)
}

/// What was noticed, already read (the import reads words in bulk).
#[derive(Clone, Debug, Default)]
pub struct Found<'a> {
    /// Crisis language.
    pub crisis: Option<CrisisFound>,
    /// Abuse of the person.
    pub abuse: Option<AbuseFound>,
    /// The person's own controlling or harmful behaviour.
    pub own: Option<AbuseFound>,
    /// A check-in's answers.
    pub checkin: Option<CheckinAnswers<'a>>,
}

impl<'a> Found<'a> {
    /// Reads what was saved: its words for crisis language and abuse, and
    /// a check-in's answers.
    pub fn read(saved: Saved<'a>) -> Found<'a> {
        let text = join(saved.texts);
        let (crisis, abuse, own) = read_all(&text);
        Found { crisis, abuse, own, checkin: saved.checkin }
    }

    /// Whether the decision can only be "nothing to say": nothing noticed,
    /// no check-in signal, and safety mode off. Then no text or service
    /// needs loading (most saves).
    pub fn is_quiet(&self, safety_mode: bool) -> bool {
        !safety_mode
            && self.crisis.is_none()
            && self.abuse.is_none()
            && self.own.is_none()
            && self.checkin.is_none_or(|c| checkin_signal(c.checkin, c.afraid_now) == CheckinSignal::None)
    }
}

/// [`decide`] for words already read.
pub fn decide_from(
    content: &SafetyContent,
    settings: &SafetySettings,
    found: Found<'_>,
    shown_today: &BTreeSet<String>,
) -> Decision {
    let n = &content.notes;
    let Found { crisis, mut abuse, mut own, checkin } = found;
    let mut reasons = Vec::new();
    let mut messages = Vec::new();
    let mut purposes: Vec<Purpose> = Vec::new();
    let mut next: Vec<NextStep> = Vec::new();
    let mut shown = Vec::new();
    let mut switch_on = false;

    let signal = checkin.map(|c| checkin_signal(c.checkin, c.afraid_now));
    if signal == Some(CheckinSignal::Danger) {
        reasons.push(Reason::AfraidNow);
        let t = &content.screen.checkin;
        messages.push(Note {
            reason: Reason::AfraidNow,
            title: t.danger_title.clone(),
            text: t.danger_text.clone(),
            noticed: None,
        });
        purposes.extend([Purpose::Emergency, Purpose::Abuse]);
        next.extend([NextStep::StayingSafePlan, NextStep::SafetyCheck]);
        switch_on = true;
    }

    if let Some(found) = &crisis {
        reasons.push(Reason::CrisisLanguage);
        let (title, text) = match found.level {
            Level::Urgent => (&n.crisis.urgent_title, &n.crisis.urgent_text),
            _ => (&n.crisis.concern_title, &n.crisis.concern_text),
        };
        let noticed = quoted(&found.noticed).map(|w| n.noticed.render(&[("words", w)]));
        messages.push(Note { reason: Reason::CrisisLanguage, title: title.clone(), text: text.clone(), noticed });
        purposes.extend([Purpose::Crisis, Purpose::Emergency]);
        next.push(NextStep::CrisisPlan);
    }

    if let Some(found) = abuse.as_mut() {
        reasons.push(Reason::AbuseLanguage);
        let keys: Vec<String> = found.kinds.iter().map(|k| note_key("abuse", *k)).collect();
        let control_kinds = found.kinds.iter().filter(|k| k.tier() == Tier::Control).count();
        // The sentence reader can misread a whole sentence where a phrase
        // rule would not: what it alone noticed informs and offers the safety
        // check, whose answers may then switch the mode on.
        let only_read = found.noticed.iter().all(|n| n.rule == attune_text::reader::RULE);
        let danger = !only_read && (found.tier == Tier::Danger || control_kinds >= CONTROL_KINDS_FOR_SAFETY_MODE);
        if danger {
            switch_on = true;
        }
        // A new kind, or a danger that is not yet handled by safety mode,
        // is always shown; a note the person saw today for the same kinds is not.
        let handled = settings.mode || !danger;
        found.already_shown_today = handled && keys.iter().all(|k| shown_today.contains(k));
        if !found.already_shown_today {
            let (title, text) = match found.tier {
                Tier::Danger => (&n.abuse.danger_title, &n.abuse.danger_text),
                Tier::Control => (&n.abuse.control_title, &n.abuse.control_text),
                Tier::Emotional => (&n.abuse.emotional_title, &n.abuse.emotional_text),
            };
            let noticed = quoted(&found.noticed).map(|w| n.noticed.render(&[("words", w)]));
            messages.push(Note { reason: Reason::AbuseLanguage, title: title.clone(), text: text.clone(), noticed });
            if danger {
                purposes.extend([Purpose::Abuse, Purpose::Emergency]);
                next.extend([NextStep::StayingSafePlan, NextStep::SafetyCheck]);
            } else {
                purposes.push(Purpose::Abuse);
                next.extend([NextStep::SafetyCheck, NextStep::StayingSafePlan]);
            }
            shown.extend(keys);
        }
    }

    if let Some(found) = own.as_mut() {
        reasons.push(Reason::OwnBehaviour);
        let keys: Vec<String> = found.kinds.iter().map(|k| note_key("own", *k)).collect();
        found.already_shown_today = keys.iter().all(|k| shown_today.contains(k));
        if !found.already_shown_today {
            let noticed = quoted(&found.noticed).map(|w| n.noticed.render(&[("words", w)]));
            messages.push(Note {
                reason: Reason::OwnBehaviour,
                title: n.own_behaviour.title.clone(),
                text: n.own_behaviour.text.clone(),
                noticed,
            });
            purposes.push(Purpose::OwnBehaviour);
            shown.extend(keys);
        }
    }

    let mode = settings.mode || switch_on;
    if signal == Some(CheckinSignal::OfferCheck) && !mode {
        reasons.push(Reason::VeryLowRating);
        messages.push(Note {
            reason: Reason::VeryLowRating,
            title: n.checkin.offer_title.clone(),
            text: content.screen.checkin.offer_text.trim().to_string(),
            noticed: None,
        });
        next.push(NextStep::SafetyCheck);
    }

    if mode {
        reasons.push(Reason::SafetyMode);
        let text = if settings.mode { n.safety_mode.note_text.clone() } else { n.safety_mode.switched_on.clone() };
        messages.push(Note {
            reason: Reason::SafetyMode,
            title: n.safety_mode.note_title.clone(),
            text,
            noticed: None,
        });
        purposes.extend([Purpose::Abuse, Purpose::Emergency]);
        next.push(NextStep::SafetyMode);
    }

    let code = settings.country_code();
    let resources = if messages.is_empty() { Vec::new() } else { content.resources.groups(code, &dedup(purposes)) };
    if !resources.is_empty() && settings.country.is_none() {
        next.push(NextStep::SetCountry);
    }
    let country = content.resources.for_country(code);
    Decision {
        offer_check: reasons.contains(&Reason::VeryLowRating),
        reasons,
        crisis,
        abuse,
        own_behaviour: own,
        checkin: signal.filter(|s| *s != CheckinSignal::None),
        safety_mode: mode,
        switched_on: switch_on && !settings.mode,
        country: country.country.clone(),
        country_set: settings.country.is_some(),
        advice: country.advice.clone(),
        messages,
        resources,
        next: dedup(next),
        shown,
    }
}

/// Keeps the first of each, in order.
pub(super) fn dedup<T: PartialEq + Copy>(list: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(list.len());
    for x in list {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}
