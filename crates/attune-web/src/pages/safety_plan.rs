//! The two safety plans (a crisis plan, a plan for staying safe): read and
//! printed at `/safety/plan/{kind}`, filled in at `/safety/plan/{kind}/edit`,
//! one fieldset per section. The sections and their checks are core's
//! (`attune_core::safety::SafetyPlan`), the words `content/safety/plans.toml`,
//! the services the person's country's, as on the Safety page.

use std::collections::BTreeMap;

use askama::Template;
use attune_core::safety::{PlanKind, SafetyPlan, SafetyPlanDraft, SafetyPlans, SafetySettings, items_from_lines};
use axum::extract::{Path, Query, State};
use axum::{Extension, Form};
use serde::Deserialize;

use super::safety::settings;
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::texts::Group;
use crate::views::Layout;

/// One section as the pages show it.
#[derive(Debug)]
pub struct SectionView {
    /// Stable id: the form field's name and the element ids.
    pub id: String,
    /// Heading.
    pub title: String,
    /// What to write there.
    pub guidance: String,
    /// What a line might look like.
    pub example: String,
    /// The country's services for this section.
    pub groups: Vec<Group>,
    /// The saved (or typed) entries.
    pub items: Vec<String>,
    /// The text area's text (the edit form).
    pub text: String,
    /// What is wrong with it, when the form was refused.
    pub error: Option<String>,
}

/// `GET /safety/plan/{kind}`.
#[derive(Debug, Template)]
#[template(path = "safety_plan.html")]
pub struct PlanPage {
    l: Layout,
    kind: &'static str,
    title: String,
    first: Vec<String>,
    intro: String,
    keep: String,
    advice: String,
    empty: String,
    services: String,
    own: String,
    sections: Vec<SectionView>,
    updated: Option<String>,
    saved: bool,
}

/// `GET/POST /safety/plan/{kind}/edit`.
#[derive(Debug, Template)]
#[template(path = "safety_plan_edit.html")]
pub struct EditPage {
    l: Layout,
    kind: &'static str,
    title: String,
    first: Vec<String>,
    keep: String,
    advice: String,
    one_per_line: String,
    sections: Vec<SectionView>,
    error: Option<String>,
}

/// `?saved=1` after a save.
#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// The page of a plan ("/safety/plan/crisis"), for the notes that point to it.
pub fn path(kind: PlanKind) -> String {
    format!("/safety/plan/{kind}")
}

fn kind_of(text: &str) -> Result<PlanKind, WebError> {
    text.parse().map_err(|_| WebError::NotFound(format!("There is no safety plan called '{text}'.")))
}

fn texts(state: &AppState) -> Result<SafetyPlans, WebError> {
    SafetyPlans::load(state.library())
        .map_err(|e| WebError::Internal(format!("content file {} is invalid: {}", e.file, e.message)))
}

struct Loaded {
    plan: Option<SafetyPlan>,
    settings: SafetySettings,
}

async fn load(state: &AppState, kind: PlanKind) -> WebResult<Loaded> {
    state.store(move |store| Ok(Loaded { plan: store.safety_plan(kind)?, settings: settings(store)? })).await
}

/// The sections with their services, holding `items` per section id.
fn sections(
    state: &AppState,
    texts: &SafetyPlans,
    kind: PlanKind,
    settings: &SafetySettings,
    items: impl Fn(&str) -> Vec<String>,
) -> Vec<SectionView> {
    let safety = &state.texts().safety;
    texts
        .get(kind)
        .sections
        .iter()
        .map(|s| {
            let items = items(&s.id);
            SectionView {
                id: s.id.clone(),
                title: s.title.clone(),
                guidance: s.guidance.clone(),
                example: s.example.clone().unwrap_or_default(),
                groups: if s.services.is_empty() { Vec::new() } else { safety.groups_for(settings, &s.services) },
                text: items.join("\n"),
                items,
                error: None,
            }
        })
        .collect()
}

/// `GET /safety/plan/{kind}`: the plan, readable and printable.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(kind): Path<String>,
    Query(q): Query<Saved>,
) -> WebResult {
    let kind = kind_of(&kind)?;
    let texts = texts(&state)?;
    let loaded = load(&state, kind).await?;
    let t = texts.get(kind);
    let plan = loaded.plan.as_ref();
    let page = PlanPage {
        l: layout(
            &state,
            &ctx,
            &t.title,
            "/safety",
            SafetyPolicyView { partner_talk: loaded.settings.policy().suggest_partner_talk },
        ),
        kind: kind.as_str(),
        title: t.title.clone(),
        first: t.first.clone(),
        intro: t.intro.clone(),
        keep: t.keep.clone(),
        advice: state.texts().safety.advice(&loaded.settings),
        empty: texts.texts.empty.clone(),
        services: texts.texts.services.clone(),
        own: texts.texts.own.clone(),
        sections: sections(&state, &texts, kind, &loaded.settings, |id| {
            plan.map(|p| p.items(id).to_vec()).unwrap_or_default()
        }),
        updated: plan.map(|p| p.updated.local().date().strftime("%-d %B %Y").to_string()),
        saved: q.saved.is_some(),
    };
    render(&page)
}

/// `GET /safety/plan/{kind}/edit`: the form, with what is saved.
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(kind): Path<String>,
) -> WebResult {
    let kind = kind_of(&kind)?;
    let texts = texts(&state)?;
    let loaded = load(&state, kind).await?;
    let plan = loaded.plan.as_ref();
    let sections =
        sections(&state, &texts, kind, &loaded.settings, |id| plan.map(|p| p.items(id).to_vec()).unwrap_or_default());
    render(&edit_page(&state, &ctx, &texts, kind, &loaded, sections, None))
}

fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    texts: &SafetyPlans,
    kind: PlanKind,
    loaded: &Loaded,
    sections: Vec<SectionView>,
    error: Option<String>,
) -> EditPage {
    let t = texts.get(kind);
    EditPage {
        l: layout(
            state,
            ctx,
            &t.title,
            "/safety",
            SafetyPolicyView { partner_talk: loaded.settings.policy().suggest_partner_talk },
        ),
        kind: kind.as_str(),
        title: t.title.clone(),
        first: t.first.clone(),
        keep: t.keep.clone(),
        advice: state.texts().safety.advice(&loaded.settings),
        one_per_line: texts.texts.one_per_line.clone(),
        sections,
        error,
    }
}

/// `POST /safety/plan/{kind}/edit`: one text area per section (named by the
/// section's id), one entry per line. A refused form comes back as typed,
/// with each problem beside its section.
pub async fn edit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(kind): Path<String>,
    Form(f): Form<Fields>,
) -> WebResult {
    let kind = kind_of(&kind)?;
    let texts = texts(&state)?;
    let typed: BTreeMap<&str, String> = kind
        .section_ids()
        .iter()
        .map(|id| (*id, f.0.iter().find(|(k, _)| k == id).map(|(_, v)| v.clone()).unwrap_or_default()))
        .collect();
    let mut draft = SafetyPlanDraft::new(kind);
    for (id, text) in &typed {
        draft.set(id, items_from_lines(text));
    }
    match draft.validate(state.now_moment()) {
        Ok(plan) => {
            state.store(move |store| Ok(store.set_safety_plan(&plan)?)).await?;
            see_other(&format!("{}?saved=1", path(kind)))
        }
        Err(e) => {
            let loaded = load(&state, kind).await?;
            let mut sections = sections(&state, &texts, kind, &loaded.settings, |_| Vec::new());
            for s in &mut sections {
                s.text = typed.get(s.id.as_str()).cloned().unwrap_or_default();
                let mine: Vec<String> = e
                    .problems
                    .iter()
                    .filter(|p| p.field == s.id)
                    .map(|p| match &p.hint {
                        Some(h) => format!("{} ({h}).", capitalised(&p.message)),
                        None => format!("{}.", capitalised(&p.message)),
                    })
                    .collect();
                if !mine.is_empty() {
                    s.error = Some(mine.join(" "));
                }
            }
            let page = edit_page(
                &state,
                &ctx,
                &texts,
                kind,
                &loaded,
                sections,
                Some("Nothing was saved yet: please look at the parts marked below.".into()),
            );
            render(&page)
        }
    }
}

/// `POST /safety/plan/{kind}/delete`: removes the plan from the journal
/// (for example, to keep it only on paper).
pub async fn delete(State(state): State<AppState>, Path(kind): Path<String>) -> WebResult {
    let kind = kind_of(&kind)?;
    state.store(move |store| Ok(store.delete_safety_plan(kind).map(|_| ())?)).await?;
    see_other("/safety#plans")
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
