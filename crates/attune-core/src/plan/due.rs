//! What is due on a day: a rhythm that happens today (and has not ended
//! yet), an agreement ready to be looked at again, a trigger plan to
//! revisit. No streaks and no "missed" counts: a date in the past simply
//! stays "ready" until it is reviewed.

use jiff::civil::{DateTime, Time};
use serde::Serialize;

use super::{Agreement, DueTexts, PlanStatus, TriggerPlan};

/// What kind of thing is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DueKind {
    /// A check-in or ritual happens today.
    Rhythm,
    /// An agreement is ready for review.
    Review,
    /// A trigger plan is ready to be revisited.
    Revisit,
}

/// One thing that is due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Due {
    /// What kind.
    pub kind: DueKind,
    /// The agreement's number, when it is one.
    pub agreement: Option<i64>,
    /// The trigger's id, for a revisit.
    pub trigger: Option<String>,
    /// The agreement's words or the trigger's name.
    pub text: String,
    /// Today's time, for a rhythm.
    #[serde(serialize_with = "ser_time")]
    pub time: Option<Time>,
    /// The day it became due (today for a rhythm).
    pub since: jiff::civil::Date,
}

fn ser_time<S: serde::Serializer>(t: &Option<Time>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(&t.strftime("%H:%M")),
        None => s.serialize_none(),
    }
}

/// Everything due at `now` (local wall-clock time), rhythms first by time,
/// then reviews and revisits by date.
pub fn due(agreements: &[(i64, &Agreement)], plans: &[&TriggerPlan], now: DateTime) -> Vec<Due> {
    let today = now.date();
    let mut out = Vec::new();
    for (seq, a) in agreements.iter().filter(|(_, a)| a.is_active()) {
        if let Some(r) = &a.rhythm
            && r.falls_on(today)
        {
            let end = today.to_datetime(r.at).saturating_add(jiff::Span::new().minutes(i64::from(r.minutes)));
            if end >= now {
                out.push(Due {
                    kind: DueKind::Rhythm,
                    agreement: Some(*seq),
                    trigger: None,
                    text: a.text.clone(),
                    time: Some(r.at),
                    since: today,
                });
            }
        }
        if let Some(on) = a.review_on
            && on <= today
        {
            out.push(Due {
                kind: DueKind::Review,
                agreement: Some(*seq),
                trigger: None,
                text: a.text.clone(),
                time: None,
                since: on,
            });
        }
    }
    for p in plans {
        if let PlanStatus::Revisit { on } = p.status
            && on <= today
        {
            out.push(Due {
                kind: DueKind::Revisit,
                agreement: None,
                trigger: Some(p.trigger.slug.to_string()),
                text: p.trigger.name.clone(),
                time: None,
                since: on,
            });
        }
    }
    out.sort_by_key(|d| (d.kind, d.time, d.since));
    out
}

/// The discreet one-line summary for a shell prompt ("1 ritual at 19:00 ·
/// 1 to review"): counts and times only, never an agreement's words or a
/// trigger's name, since a prompt is on screen for anyone nearby. Empty
/// when nothing is due.
pub fn discreet_line(items: &[Due], t: &DueTexts) -> String {
    let times: Vec<String> = items
        .iter()
        .filter(|d| d.kind == DueKind::Rhythm)
        .filter_map(|d| d.time.map(|t| t.strftime("%H:%M").to_string()))
        .collect();
    let count = |kind: DueKind| items.iter().filter(|d| d.kind == kind).count();
    let rhythms = count(DueKind::Rhythm);
    let mut parts = Vec::new();
    if rhythms > 0 {
        let template = if rhythms == 1 { &t.short_rhythm_one } else { &t.short_rhythm_many };
        parts.push(template.replace("{count}", &rhythms.to_string()).replace("{times}", &times.join(", ")));
    }
    for (kind, template) in [(DueKind::Review, &t.short_review), (DueKind::Revisit, &t.short_revisit)] {
        let n = count(kind);
        if n > 0 {
            parts.push(template.replace("{count}", &n.to_string()));
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{AgreementDraft, AgreementKind, Every, Proposer, Rhythm};
    use crate::{Label, LabelKind, Moment, RecordId, Slug};

    #[test]
    fn today_rhythms_until_they_end_and_reviews_from_their_day() {
        let created = Moment::with_offset("2026-11-20T12:00:00Z".parse().unwrap(), 0);
        let from = "2026-11-20".parse().unwrap();
        let rhythm = Rhythm::new(Every::parse("sunday", from).unwrap(), Time::constant(19, 0, 0, 0), 20, from).unwrap();
        let a = AgreementDraft {
            kind: AgreementKind::CheckIn,
            text: "our Sunday talk".into(),
            proposed_by: Proposer::Both,
            agreed_on: None,
            rhythm: Some(rhythm),
            pause_minutes: None,
            review_on: Some("2026-11-29".parse().unwrap()),
            review_every: None,
        }
        .into_agreement(RecordId::from_uuid(uuid::Uuid::from_u128(1)), created.clone())
        .unwrap();
        let plan = TriggerPlan {
            id: RecordId::from_uuid(uuid::Uuid::from_u128(2)),
            trigger: Label {
                kind: LabelKind::Trigger,
                slug: Slug::from_name("late-reply").unwrap(),
                name: "Late reply".into(),
                retired: false,
                merged_into: None,
            },
            for_myself: "breathe".into(),
            ask_partner: String::new(),
            status: PlanStatus::Revisit { on: "2026-11-28".parse().unwrap() },
            updated: created,
        };
        let saturday: DateTime = "2026-11-28T10:00".parse().unwrap();
        let d = due(&[(1, &a)], &[&plan], saturday);
        assert_eq!(d.iter().map(|d| d.kind).collect::<Vec<_>>(), [DueKind::Revisit]);
        let sunday: DateTime = "2026-11-29T18:00".parse().unwrap();
        let d = due(&[(1, &a)], &[&plan], sunday);
        assert_eq!(d.iter().map(|d| d.kind).collect::<Vec<_>>(), [DueKind::Rhythm, DueKind::Review, DueKind::Revisit]);
        let late: DateTime = "2026-11-29T19:21".parse().unwrap();
        assert!(due(&[(1, &a)], &[], late).iter().all(|d| d.kind != DueKind::Rhythm));
        assert!(due(&[(1, &a)], &[], "2026-11-27T10:00".parse().unwrap()).is_empty());
        // The discreet line counts; it never carries the words or the trigger's name.
        let texts = crate::plan::PlanTexts::load(&crate::content::Library::embedded()).unwrap().due;
        let line = discreet_line(&due(&[(1, &a)], &[&plan], sunday), &texts);
        assert_eq!(line, "1 ritual at 19:00 · 1 to review · 1 plan to revisit");
        assert!(!line.contains("Sunday") && !line.contains("Late"));
        assert_eq!(discreet_line(&[], &texts), "");
    }
}
