//! Today: a check-in, a quick log, what is due, and an affirmation.

use askama::Template;
use attune_core::entry::Known;
use attune_core::plan::due::DueKind;
use attune_core::safety::{Answer, CheckinAnswers, Screen};
use attune_core::selfworth::{Affirmation, next_affirmation};
use attune_core::template;
use attune_core::{CheckinDraft, Consequence, LabelKind};
use attune_store::CheckinFilter;
use axum::extract::{Query, State};
use axum::{Extension, Form};
use serde::Deserialize;

use super::entry_form::{Choice, choices, entry_draft};
use super::safety::{Notice, after_save, settings};
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::views::Layout;

/// The Today page.
#[derive(Debug, Template)]
#[template(path = "today.html")]
pub struct TodayPage {
    l: Layout,
    welcome: bool,
    saved_checkin: Option<i64>,
    notice: Option<Notice>,
    due: Vec<String>,
    nothing_due: String,
    affirmation: Option<String>,
    triggers: Vec<Choice>,
    feelings: Vec<Choice>,
    consequences: Vec<(&'static str, String)>,
    last_security: Option<u8>,
    afraid: AfraidQuestion,
    /// Drafts not saved yet (among them text kept while locked).
    offered: Vec<super::drafts::Offered>,
}

/// The check-in's optional "afraid right now" question, from the safety
/// check's content; no answer is pre-selected.
#[derive(Clone, Debug)]
pub struct AfraidQuestion {
    question: String,
    /// (value sent, label).
    answers: Vec<(&'static str, String)>,
}

impl AfraidQuestion {
    fn new(screen: &Screen) -> Self {
        Self {
            question: screen.checkin.question.clone(),
            answers: Answer::ALL.iter().map(|a| (a.as_str(), screen.answers.get(*a).to_string())).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TodayQuery {
    #[serde(default)]
    welcome: Option<String>,
    #[serde(default)]
    saved: Option<i64>,
}

/// `GET /`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<TodayQuery>,
) -> WebResult {
    let now = state.now();
    let ids = state.clone();
    let saved = q.saved;
    let (s, due, affirmation, triggers, feelings, last, notice, offered) = state
        .store(move |store| {
            let texts = ids.texts();
            let plan_texts = &texts.plan;
            let s = settings(store)?;
            let policy = attune_core::safety::SafetyPolicy::for_mode(s.mode);
            let due = if policy.partner_agreements {
                let agreements = store.agreements(false)?;
                let refs: Vec<_> = agreements.iter().map(|a| (a.seq, &a.item)).collect();
                let plans = store.trigger_plans()?;
                let plan_refs: Vec<_> = plans.iter().collect();
                attune_core::plan::due::due(&refs, &plan_refs, now.datetime())
            } else {
                Vec::new()
            };
            let due: Vec<String> = due
                .iter()
                .map(|d| {
                    let t = match d.kind {
                        DueKind::Rhythm => &plan_texts.due.rhythm,
                        DueKind::Review => &plan_texts.due.review,
                        DueKind::Revisit => &plan_texts.due.revisit,
                    };
                    let time = d.time.map(|t| t.strftime("%H:%M").to_string()).unwrap_or_default();
                    template::render(t, &[("time", time.as_str()), ("text", d.text.as_str())]).trim().to_string()
                })
                .collect();
            store.sync_affirmation_suggestions(&texts.suggestions, &mut || ids.new_id())?;
            let all = store.affirmations(&texts.suggestions)?;
            let items: Vec<Affirmation> = all.iter().map(|a| a.item.clone()).collect();
            // The day picks the affirmation, so reloading the page keeps it.
            let pick = u64::try_from(now.date().day_of_year()).unwrap_or(0);
            let affirmation =
                next_affirmation(&items, false, pick).and_then(|i| all.get(i)).map(|a| a.item.text.clone());
            let recent = store.checkins(&CheckinFilter { limit: Some(1), ..Default::default() })?;
            let last = recent.first().map(|c| c.item.security);
            let notice = saved
                .and_then(|seq| ids.saved_decision(&format!("c{seq}")))
                .and_then(|d| Notice::from_decision(&texts.safety, &d));
            Ok((
                s,
                due,
                affirmation,
                choices(store, LabelKind::Trigger)?,
                choices(store, LabelKind::Feeling)?,
                last,
                notice,
                super::drafts::offered(store)?,
            ))
        })
        .await?;
    let page = TodayPage {
        l: layout(&state, &ctx, "Today", "/", SafetyPolicyView { partner_talk: s.policy().suggest_partner_talk }),
        afraid: AfraidQuestion::new(&state.texts().safety.core.screen),
        welcome: q.welcome.is_some(),
        saved_checkin: q.saved,
        notice,
        due,
        nothing_due: state.texts().plan.due.nothing.clone(),
        affirmation,
        triggers,
        feelings,
        consequences: Consequence::ALL.iter().map(|c| (c.as_str(), c.as_str().replace('-', " "))).collect(),
        last_security: last,
        offered,
    };
    render(&page)
}

/// `POST /checkin`.
pub async fn checkin(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let mut draft = CheckinDraft {
        security: f.number("security", "Felt security")?,
        seen: f.number("seen", "Seen")?,
        trusted: f.number("trusted", "Trusted")?,
        respected: f.number("respected", "Respected")?,
        consequences: Vec::new(),
        note: f.text("note"),
    };
    for c in Consequence::ALL {
        if let Some(v) = f.number(&format!("c_{}", c.as_str()), c.as_str())? {
            draft.consequences.push((c.as_str().to_string(), v));
        }
    }
    if draft.security.is_none() {
        return Err(WebError::User(
            "Please choose how safe the relationship feels (0 to 10); nothing was saved.".into(),
        ));
    }
    let afraid_now = match f.get("afraid_now") {
        None => None,
        Some(a) => Some(a.parse::<Answer>().map_err(|_| {
            WebError::User(format!("'{a}' is not an answer to the question about being afraid; nothing was saved."))
        })?),
    };
    let checkin = draft.into_checkin(state.new_id(), state.now_moment())?;
    let ids = state.clone();
    let today = state.today();
    let (seq, decision) = state
        .store(move |store| {
            let seq = store.insert_checkin(&checkin)?;
            // Saved: now, and only now, core decides what safety asks for.
            let answers = CheckinAnswers { checkin: &checkin, afraid_now };
            let decision = after_save(&ids.texts().safety, store, &[&checkin.note], Some(answers), &today);
            Ok((seq, decision))
        })
        .await?;
    state.set_saved_decision(format!("c{seq}"), decision);
    see_other(&format!("/?saved={seq}#saved"))
}

/// `POST /log`: a quick entry; its page shows the safety notice first when
/// the words call for it.
pub async fn log(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let draft = entry_draft(&f)?;
    let id = state.new_id();
    let now = state.now_moment();
    let ids = state.clone();
    let today = state.today();
    let (seq, decision) = state
        .store(move |store| {
            let triggers = store.labels(LabelKind::Trigger)?;
            let feelings = store.labels(LabelKind::Feeling)?;
            let entry = draft.into_entry(id, now.clone(), now, Known { triggers: &triggers, feelings: &feelings })?;
            let seq = store.insert_entry(&entry)?;
            let decision = after_save(&ids.texts().safety, store, &entry.text_fields(), None, &today);
            Ok((seq, decision))
        })
        .await?;
    state.set_saved_decision(format!("e{seq}"), decision);
    see_other(&format!("/journal/{seq}?saved=1"))
}
