//! Questionnaires in the browser, as `attune assess`: one question per page
//! or all on one page. Every answer is saved as the same resumable session
//! the CLI keeps, so a questionnaire left half-way (here or in a terminal)
//! carries on where it stopped; a finished one joins the same history.

use askama::Template;
use attune_core::assess::{self, AssessTexts, Instrument, Session};
use axum::extract::{Path, Query, State};
use axum::{Extension, Form};
use serde::Deserialize;

use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::views::Layout;

/// One question as shown.
#[derive(Debug)]
pub struct Question {
    /// The item's id (the radio group's name is `item-<id>`).
    pub id: String,
    /// Its number, from 1.
    pub n: usize,
    /// The words.
    pub text: String,
    /// (value, label, chosen) for each point of the scale.
    pub choices: Vec<(i32, String, bool)>,
    /// Why the answer was refused.
    pub error: Option<String>,
}

/// A questionnaire being taken.
#[derive(Debug, Template)]
#[template(path = "assess.html")]
pub struct AssessPage {
    l: Layout,
    id: String,
    title: String,
    intro: String,
    note: String,
    stem: Option<String>,
    /// All questions on one page, or only the current one.
    all: bool,
    questions: Vec<Question>,
    /// "Question 3 of 10".
    progress: String,
    /// "You answered 2 of 10 on 26 Nov; carry on from here."
    resumed: Option<String>,
    can_go_back: bool,
    error: Option<String>,
}

fn content(e: attune_core::content::ContentError) -> WebError {
    WebError::Internal(format!("{}: {}", e.file, e.message))
}

/// The built-in and the person's own questionnaires, built-in ones first.
pub fn catalog(state: &AppState) -> Vec<Instrument> {
    let (mut found, _) = assess::instruments(state.library());
    found.sort_by_key(|i| (assess::BUILT_IN.iter().position(|b| *b == i.id).unwrap_or(usize::MAX), i.id.clone()));
    found
}

fn instrument(state: &AppState, id: &str) -> WebResult<Instrument> {
    catalog(state)
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| WebError::NotFound(format!("There is no questionnaire '{id}'. Understand lists them.")))
}

fn choices(inst: &Instrument, chosen: Option<i32>) -> Vec<(i32, String, bool)> {
    inst.scale
        .values()
        .map(|v| {
            let label = inst.scale.label(v).map_or_else(|| v.to_string(), |l| format!("{v} {l}"));
            (v, label, chosen == Some(v))
        })
        .collect()
}

/// The saved session, when it still fits the questionnaire (a changed
/// questionnaire starts again, as in the CLI).
fn session_of(store: &mut attune_store::Store, inst: &Instrument) -> WebResult<Option<Session>> {
    match store.assessment_session(&inst.id)? {
        Some(s) if s.fits(inst) => Ok(Some(s)),
        Some(_) => {
            store.discard_assessment_session(&inst.id)?;
            Ok(None)
        }
        None => Ok(None),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AssessQuery {
    #[serde(default)]
    all: Option<String>,
}

/// What the page shows besides the questions' answers.
struct Shown<'a> {
    all: bool,
    session: &'a Session,
    fresh: bool,
    typed: &'a [(String, i32)],
    errors: &'a [(String, String)],
    error: Option<String>,
}

fn page_of(state: &AppState, ctx: &Ctx, mode: bool, inst: &Instrument, texts: &AssessTexts, s: Shown<'_>) -> WebResult {
    let answer = |id: &str| {
        s.typed.iter().find(|(k, _)| k == id).map(|(_, v)| *v).or_else(|| s.session.answers.get(id).copied())
    };
    let question = |n: usize, item: &assess::Item| Question {
        id: item.id.clone(),
        n: n + 1,
        text: item.text.clone(),
        choices: choices(inst, answer(&item.id)),
        error: s.errors.iter().find(|(k, _)| *k == item.id).map(|(_, m)| m.clone()),
    };
    let questions: Vec<Question> = if s.all {
        inst.items.iter().enumerate().map(|(n, i)| question(n, i)).collect()
    } else {
        inst.items.get(s.session.position).map(|i| question(s.session.position, i)).into_iter().collect()
    };
    let total = inst.items.len();
    let progress = if s.all {
        format!("{} questions; answer the ones you want to.", total)
    } else {
        assess::render(
            &texts.take.progress,
            &[("n", (s.session.position + 1).to_string()), ("total", total.to_string())],
        )
    };
    let resumed = (!s.fresh && s.session.answered() > 0)
        .then(|| format!("You answered {} of {total} before; your answers are kept.", s.session.answered()));
    render(&AssessPage {
        l: layout(state, ctx, &inst.title, "/understand", SafetyPolicyView::for_mode(mode)),
        id: inst.id.clone(),
        title: inst.title.clone(),
        intro: inst.intro.trim().to_string(),
        note: texts.reflection_note.trim().to_string(),
        stem: inst.stem.clone(),
        all: s.all,
        questions,
        progress,
        resumed,
        can_go_back: !s.all && s.session.position > 0,
        error: s.error,
    })
}

/// `GET /assess/{id}` (`?all=1`: every question on one page).
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<AssessQuery>,
) -> WebResult {
    let inst = instrument(&state, &id)?;
    let texts = AssessTexts::load(state.library()).map_err(content)?;
    let now = state.now_moment();
    let i2 = inst.clone();
    let (mode, session, fresh) = state
        .store(move |store| {
            let saved = session_of(store, &i2)?;
            let fresh = saved.is_none();
            Ok((store.safety_mode()?, saved.unwrap_or_else(|| Session::new(&i2, now)), fresh))
        })
        .await?;
    let all = q.all.is_some() || session.is_done(&inst);
    let shown = Shown { all, session: &session, fresh, typed: &[], errors: &[], error: None };
    page_of(&state, &ctx, mode, &inst, &texts, shown)
}

/// `POST /assess/{id}`: `action` is `next` (with `answer`), `skip`, `back`
/// or `stop` one question at a time; `save` or `finish` with every
/// `item-<id>` on the one-page form.
pub async fn answer(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> WebResult {
    let inst = instrument(&state, &id)?;
    let texts = AssessTexts::load(state.library()).map_err(content)?;
    let now = state.now_moment();
    let action = f.text("action");
    let i2 = inst.clone();
    let (mode, mut session) = state
        .store(move |store| {
            let s = session_of(store, &i2)?.unwrap_or_else(|| Session::new(&i2, now));
            Ok((store.safety_mode()?, s))
        })
        .await?;
    let refuse = |session: &Session, all: bool, typed: &[(String, i32)], errors: &[(String, String)], msg: String| {
        let shown = Shown { all, session, fresh: true, typed, errors, error: Some(msg) };
        page_of(&state, &ctx, mode, &inst, &texts, shown)
    };
    match action.as_str() {
        "next" => {
            let Some(item) = session.current(&inst).cloned() else { return see_other(&format!("/assess/{id}")) };
            let value = match f.get("answer").map(str::parse::<i32>) {
                Some(Ok(v)) if inst.scale.contains(v) => v,
                Some(_) | None => {
                    let msg = "Choose one of the answers, or skip this question.".to_string();
                    return refuse(&session, false, &[], &[(item.id.clone(), msg.clone())], msg);
                }
            };
            session.answer(&inst, value, state.now_moment()).map_err(|e| WebError::User(e.to_string()))?;
        }
        "skip" => session.skip(&inst, state.now_moment()),
        "back" => {
            session.back(state.now_moment());
        }
        "stop" => {
            // An answer chosen before stopping is kept too.
            if let Some(v) = f.get("answer").and_then(|v| v.parse::<i32>().ok()).filter(|v| inst.scale.contains(*v)) {
                session.answer(&inst, v, state.now_moment()).map_err(|e| WebError::User(e.to_string()))?;
            }
            if session.position > 0 || session.answered() > 0 {
                state.store(move |store| Ok(store.save_assessment_session(&session)?)).await?;
            }
            return see_other(&format!("/understand?paused={id}#questionnaires"));
        }
        "save" | "finish" => {
            let mut typed = Vec::new();
            let mut errors = Vec::new();
            for item in &inst.items {
                if let Some(v) = f.get(&format!("item-{}", item.id)) {
                    match v.parse::<i32>() {
                        Ok(v) if inst.scale.contains(v) => typed.push((item.id.clone(), v)),
                        _ => errors.push((item.id.clone(), format!("'{v}' is not one of the answers."))),
                    }
                }
            }
            if !errors.is_empty() {
                let msg = "Some answers could not be read; they are marked below. Nothing was lost.".to_string();
                return refuse(&session, true, &typed, &errors, msg);
            }
            if action == "finish" && typed.is_empty() {
                let msg = "Answer at least one question to see a result, or keep it for later.".to_string();
                return refuse(&session, true, &typed, &errors, msg);
            }
            session.answers.clear();
            session.answers.extend(typed);
            session.updated = state.now_moment();
            session.position = if action == "finish" {
                inst.items.len()
            } else {
                inst.items.iter().position(|i| !session.answers.contains_key(&i.id)).unwrap_or(inst.items.len())
            };
            if action == "save" {
                state.store(move |store| Ok(store.save_assessment_session(&session)?)).await?;
                return see_other(&format!("/understand?paused={id}#questionnaires"));
            }
        }
        other => return Err(WebError::User(format!("'{other}' is not something this form can do."))),
    }
    if !session.is_done(&inst) {
        state.store(move |store| Ok(store.save_assessment_session(&session)?)).await?;
        return see_other(&format!("/assess/{id}"));
    }
    if session.answers.is_empty() {
        let i2 = inst.id.clone();
        state.store(move |store| Ok(store.discard_assessment_session(&i2).map(|_| ())?)).await?;
        return see_other(&format!("/understand?done={id}&empty=1#questionnaires"));
    }
    let taken = session.finish(&inst, state.new_id(), state.now_moment()).map_err(|e| WebError::User(e.to_string()))?;
    let iid = inst.id.clone();
    state
        .store(move |store| {
            store.save_assessment(&taken)?;
            store.discard_assessment_session(&iid)?;
            Ok(())
        })
        .await?;
    see_other(&format!("/understand?done={id}#results-h"))
}
