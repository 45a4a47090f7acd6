//! Pause: a big calm countdown with a breathing pacer, then the reconnect
//! prompt. The length is the agreed pause rule, as in `attune pause`.

use askama::Template;
use attune_core::pause::{Pause, PauseTexts, pick};
use attune_core::safety::SafetyPolicy;
use axum::extract::{Query, State};
use axum::{Extension, Form};
use serde::Deserialize;

use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::views::Layout;

/// The longest pause, as in the CLI.
const MAX_MINUTES: u32 = 120;

/// The Pause page.
#[derive(Debug, Template)]
#[template(path = "pause.html")]
pub struct PausePage {
    l: Layout,
    t: PauseTexts,
    seconds: u32,
    minutes: u32,
    clock: String,
    grounding: String,
    reconnect: String,
    partner_ok: bool,
    done: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PauseQuery {
    /// Minutes (1–120) instead of the agreed length.
    #[serde(default)]
    minutes: Option<u32>,
    /// Seconds instead of minutes: lets the browser tests run a short pause.
    #[serde(default)]
    seconds: Option<u32>,
    /// After the prompt: whether we came back together.
    #[serde(default)]
    done: Option<String>,
}

/// `GET /pause`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<PauseQuery>,
) -> WebResult {
    let t = state.texts().pause.clone();
    if let Some(m) = q.minutes
        && !(1..=MAX_MINUTES).contains(&m)
    {
        return Err(WebError::User(format!("A pause can be 1 to {MAX_MINUTES} minutes, not {m}.")));
    }
    let default = t.default_minutes;
    let (mode, agreed, taken) = state
        .store(move |store| {
            let mode = !SafetyPolicy::for_mode(store.safety_mode()?).partner_agreements;
            let agreed = if mode {
                default
            } else {
                let agreements = store.agreements(false)?;
                attune_core::plan::pause_minutes(agreements.iter().map(|a| &a.item), default)
            };
            Ok((mode, agreed, store.count_pauses()?))
        })
        .await?;
    let minutes = q.minutes.unwrap_or(agreed);
    let seconds = match q.seconds {
        Some(s) => s.clamp(1, MAX_MINUTES * 60),
        None => minutes * 60,
    };
    let page = PausePage {
        l: layout(&state, &ctx, "Pause", "/pause", SafetyPolicyView::for_mode(mode)),
        seconds,
        minutes,
        clock: format!("{}:{:02}", seconds / 60, seconds % 60),
        grounding: pick(&t.grounding, taken).to_string(),
        reconnect: pick(&t.reconnect, taken).to_string(),
        partner_ok: !mode,
        done: q.done.as_deref().map(|d| d == "yes"),
        t,
    };
    render(&page)
}

/// `POST /pause/done`: logs the pause and the answer.
pub async fn done(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let planned = u32::try_from(f.number("planned", "Planned length")?.unwrap_or(0).max(0)).unwrap_or(0);
    let reconvened = match f.get("reconvened") {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    let now = state.now_moment();
    let pause = Pause {
        id: state.new_id(),
        started: now,
        planned_secs: planned,
        actual_secs: planned,
        ended_early: f.get("early").is_some(),
        reconvened,
    };
    state.store(move |store| Ok(store.insert_pause(&pause)?)).await?;
    let answer = match reconvened {
        Some(true) => "yes",
        Some(false) => "no",
        None => "skip",
    };
    see_other(&format!("/pause?done={answer}"))
}
