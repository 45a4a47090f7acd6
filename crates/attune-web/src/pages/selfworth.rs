//! Self-worth: what I did that shows my own value, the people who support
//! me besides my partner, and my affirmations (as `attune did`, `attune
//! support` and `attune affirm`).

use askama::Template;
use attune_core::selfworth::{ActivityDraft, Affirmation, affirmation_text, suggestions};
use axum::extract::State;
use axum::{Extension, Form};

use super::safety::settings;
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::AppState;
use crate::views::Layout;

/// How many recent activities are listed.
const RECENT: usize = 20;

/// The Self-worth page.
#[derive(Debug, Template)]
#[template(path = "selfworth.html")]
pub struct SelfWorthPage {
    l: Layout,
    activities: Vec<(String, String, String)>,
    supporters: Vec<(String, String, String)>,
    affirmations: Vec<(String, bool)>,
}

/// `GET /self-worth`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let shipped = suggestions(state.library()).map_err(|e| WebError::Internal(format!("{}: {}", e.file, e.message)))?;
    let ids = state.clone();
    let (mode, activities, supporters, affirmations) = state
        .store(move |store| {
            store.sync_affirmation_suggestions(&shipped, &mut || ids.new_id())?;
            let activities = store
                .activities(None, Some(RECENT))?
                .into_iter()
                .map(|a| {
                    let date = a.item.at.local().strftime("%Y-%m-%d").to_string();
                    (date, a.item.what, a.item.category.as_str().replace('-', " "))
                })
                .collect();
            let supporters = store
                .supporters()?
                .into_iter()
                .map(|s| {
                    let last = s.item.last_contact.map(|d| format!("last in touch {d}")).unwrap_or_default();
                    (s.item.name, s.item.relation, last)
                })
                .collect();
            let affirmations = store.affirmations(&shipped)?.into_iter().map(|a| (a.item.text, a.item.own)).collect();
            Ok((settings(store)?.mode, activities, supporters, affirmations))
        })
        .await?;
    render(&SelfWorthPage {
        l: layout(&state, &ctx, "Self-worth", "/self-worth", SafetyPolicyView { partner_talk: !mode }),
        activities,
        supporters,
        affirmations,
    })
}

/// `POST /self-worth/did`: `what`, `category`, `minutes`.
pub async fn did(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let draft = ActivityDraft {
        what: f.text("what"),
        category: f.get("category").map(str::to_string),
        minutes: f.number("minutes", "Minutes")?,
        felt: None,
        note: String::new(),
    };
    let a = draft.into_activity(state.new_id(), state.now_moment())?;
    state.store(move |store| Ok(store.insert_activity(&a).map(|_| ())?)).await?;
    see_other("/self-worth#did")
}

/// `POST /self-worth/affirmation`: `text`, in my own words.
pub async fn affirmation(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let text = affirmation_text(&f.text("text"))?;
    let a = Affirmation { id: state.new_id(), text, suggestion: None, own: true, starred: false, shown: 0 };
    state.store(move |store| Ok(store.add_affirmation(&a).map(|_| ())?)).await?;
    see_other("/self-worth#affirmations")
}
