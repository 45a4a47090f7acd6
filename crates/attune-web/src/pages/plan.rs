//! Plan: my needs, plans for my triggers, and (outside safety mode) what we
//! agreed together, with review dates and a calendar file, as `attune plan`,
//! `attune agree` and `attune agree export --ics`.

use askama::Template;
use attune_core::plan::{AgreementDraft, AgreementKind, NeedDraft, PlanTexts, Proposer, ics, known_needs};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::{Extension, Form};
use serde::Deserialize;

use super::safety::settings;
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::AppState;
use crate::views::Layout;

/// One agreement as listed.
#[derive(Debug)]
pub struct AgreementLine {
    /// What kind.
    pub kind: &'static str,
    /// The words.
    pub text: String,
    /// When to look at it again.
    pub review_on: Option<String>,
    /// A pause rule's length.
    pub pause_minutes: Option<u32>,
}

/// The Plan page.
#[derive(Debug, Template)]
#[template(path = "plan.html")]
pub struct PlanPage {
    l: Layout,
    needs: Vec<(String, String)>,
    plans: Vec<(String, String, String)>,
    agreements: Vec<AgreementLine>,
    kinds: Vec<&'static str>,
    partner_ok: bool,
}

fn bad(e: attune_core::content::ContentError) -> WebError {
    WebError::Internal(format!("{}: {}", e.file, e.message))
}

/// `GET /plan`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let (mode, needs, plans, agreements) = state
        .store(|store| {
            let mode = settings(store)?.mode;
            let needs = store.needs()?.into_iter().map(|n| (n.name, n.looks_like)).collect();
            let plans = store
                .trigger_plans()?
                .into_iter()
                .map(|p| (p.trigger.name, p.for_myself, if mode { String::new() } else { p.ask_partner }))
                .collect();
            let agreements = if mode {
                Vec::new()
            } else {
                store
                    .agreements(false)?
                    .into_iter()
                    .map(|a| AgreementLine {
                        kind: a.item.kind.as_str(),
                        text: a.item.text,
                        review_on: a.item.review_on.map(|d| d.to_string()),
                        pause_minutes: a.item.pause_minutes,
                    })
                    .collect()
            };
            Ok((mode, needs, plans, agreements))
        })
        .await?;
    render(&PlanPage {
        l: layout(&state, &ctx, "Plan", "/plan", SafetyPolicyView { partner_talk: !mode }),
        needs,
        plans,
        agreements,
        kinds: AgreementKind::ALL.iter().map(|k| k.as_str()).collect(),
        partner_ok: !mode,
    })
}

/// `POST /plan/need`: `name`, `looks_like`.
pub async fn need(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let known = known_needs(state.library()).map_err(bad)?;
    let draft = NeedDraft { name: f.text("name"), looks_like: f.text("looks_like") };
    let need = draft.into_need(state.new_id(), state.now_moment(), &known)?;
    state.store(move |store| Ok(store.save_need(&need).map(|_| ())?)).await?;
    see_other("/plan#needs")
}

/// `POST /plan/agreement`: `kind`, `text`, `review_on`, `pause_minutes`.
pub async fn agreement(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let kind: AgreementKind = f
        .get("kind")
        .unwrap_or("other")
        .parse()
        .map_err(|e: attune_core::plan::BadKind| WebError::User(format!("{e}; nothing was saved.")))?;
    let review_on = match f.get("review_on") {
        None => None,
        Some(d) => Some(d.parse().map_err(|_| {
            WebError::User(format!("Look at it again on: '{d}' is not a date like 2026-12-24; nothing was saved."))
        })?),
    };
    let draft = AgreementDraft {
        kind,
        text: f.text("text"),
        proposed_by: Proposer::Both,
        agreed_on: Some(state.now().date()),
        rhythm: None,
        pause_minutes: f.number("pause_minutes", "Pause length")?,
        review_on,
        review_every: None,
    };
    let a = draft.into_agreement(state.new_id(), state.now_moment())?;
    state
        .store(move |store| {
            if !settings(store)?.mode {
                store.add_agreement(&a)?;
            }
            Ok(())
        })
        .await?;
    see_other("/plan#agreements")
}

#[derive(Debug, Default, Deserialize)]
pub struct IcsQuery {
    #[serde(default)]
    discreet: Option<String>,
}

/// `GET /plan/calendar.ics`: the same calendar as `attune agree export --ics`.
pub async fn calendar(State(state): State<AppState>, Query(q): Query<IcsQuery>) -> WebResult {
    let texts = PlanTexts::load(state.library()).map_err(bad)?;
    let stamp = state.now().timestamp();
    let discreet = q.discreet.is_some();
    let text = state
        .store(move |store| {
            let agreements = if settings(store)?.mode { Vec::new() } else { store.agreements(false)? };
            let plans = store.trigger_plans()?;
            let refs: Vec<_> = agreements.iter().map(|a| &a.item).collect();
            let plan_refs: Vec<_> = plans.iter().collect();
            Ok(ics::export(&refs, &plan_refs, &texts.calendar, stamp, discreet))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"attune-plan.ics\""),
        ],
        text,
    )
        .into_response())
}
