//! Understand: the framework explanations from the content library (as
//! `attune learn`) and the history of questionnaire results.

use askama::Template;
use attune_core::assess::{self, LearnIndex, StepRules, Vocabulary, learn};
use attune_core::safety::SafetyPolicy;
use axum::Extension;
use axum::extract::{Path, Query, State};

use super::{Ctx, SafetyPolicyView, WebError, WebResult, layout, render};
use crate::state::AppState;
use crate::views::Layout;

/// A heading and its paragraphs.
#[derive(Debug)]
pub struct Part {
    /// Heading level (2 or more inside the page).
    pub level: usize,
    /// The heading ("" for text before the first).
    pub title: String,
    /// Paragraphs, and list items marked with `true`.
    pub blocks: Vec<(String, bool)>,
}

/// The topic list and results.
#[derive(Debug, Template)]
#[template(path = "understand.html")]
pub struct UnderstandPage {
    l: Layout,
    topics: Vec<(String, String, String)>,
    results: Vec<(String, String, Vec<String>)>,
    /// (id, title, "3 of 10 answered" when one is under way).
    questionnaires: Vec<(String, String, Option<String>)>,
    message: Option<String>,
    /// After a questionnaire: what may help most, as `attune assess` says it.
    steps: Option<StepsView>,
}

/// The steps to emphasise after a questionnaire (core's rule, which in
/// safety mode leaves out the steps with the partner).
#[derive(Debug)]
pub struct StepsView {
    /// In safety mode: that safety comes first, and what is offered instead.
    pub safety_first: Option<String>,
    /// (number, title, reasons).
    pub steps: Vec<(usize, String, Vec<String>)>,
}

/// The steps for the newest result of questionnaire `id`, if there is one.
fn steps_for(state: &AppState, idx: &LearnIndex, taken: &[assess::Taken], id: &str, mode: bool) -> Option<StepsView> {
    let latest = taken.iter().filter(|t| t.instrument == id).max_by_key(|t| t.at.unix_ms())?;
    let (instruments, _) = assess::instruments(state.library());
    let rules = StepRules::load(state.library(), &instruments).ok()?;
    let policy = SafetyPolicy::for_mode(mode);
    let steps = rules
        .emphasis(latest, policy)
        .into_iter()
        .map(|e| {
            let title = idx
                .section(state.library(), Vocabulary::Step, e.step.as_str())
                .map_or_else(|| e.step.as_str().to_string(), |s| plain(&s.title));
            (e.number, title, e.because.iter().map(|b| plain(b)).collect())
        })
        .collect();
    Some(StepsView { safety_first: rules.safety_note(policy).map(plain), steps })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct UnderstandQuery {
    #[serde(default)]
    paused: Option<String>,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    empty: Option<String>,
}

/// One topic.
#[derive(Debug, Template)]
#[template(path = "topic.html")]
pub struct TopicPage {
    l: Layout,
    title: String,
    parts: Vec<Part>,
    see_also: Vec<(String, String)>,
}

fn index(state: &AppState) -> WebResult<LearnIndex> {
    LearnIndex::load(state.library()).map_err(|e| WebError::Internal(format!("{}: {}", e.file, e.message)))
}

/// Markdown emphasis and links reduced to their words (the texts are ours and simple).
fn plain(text: &str) -> String {
    text.replace("**", "").replace('`', "").replace('_', " ")
}

/// Splits a section body into paragraphs and list items.
fn blocks(body: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for para in body.split("\n\n") {
        let lines: Vec<&str> = para.lines().collect();
        if lines.iter().all(|l| l.trim_start().starts_with("- ") || l.trim_start().starts_with("* ")) {
            out.extend(lines.iter().map(|l| (plain(l.trim_start()[2..].trim()), true)));
        } else {
            out.push((plain(&lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")), false));
        }
    }
    out.retain(|b| !b.0.is_empty());
    out
}

/// `GET /understand`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<UnderstandQuery>,
) -> WebResult {
    let idx = index(&state)?;
    let (mode, taken, sessions) =
        state.store(|store| Ok((store.safety_mode()?, store.assessments(None)?, store.assessment_sessions()?))).await?;
    let catalog = super::assess::catalog(&state);
    let questionnaires = catalog
        .iter()
        .map(|i| {
            let under_way = sessions
                .iter()
                .find(|s| s.instrument == i.id && s.fits(i))
                .map(|s| format!("{} of {} answered", s.answered(), i.items.len()));
            (i.id.clone(), i.title.clone(), under_way)
        })
        .collect();
    let title_of = |id: &str| catalog.iter().find(|i| i.id == id).map(|i| i.title.clone()).unwrap_or_default();
    let message = match (&q.paused, &q.done) {
        (Some(id), _) => Some(format!("{} is kept as far as you got. Carry on whenever you like.", title_of(id))),
        (_, Some(_)) if q.empty.is_some() => Some("Nothing was answered, so nothing was saved.".to_string()),
        (_, Some(id)) => Some(format!("{} is saved. Your result is below.", title_of(id))),
        _ => None,
    };
    let steps = match (&q.done, &q.empty) {
        (Some(id), None) => steps_for(&state, &idx, &taken, id, mode),
        _ => None,
    };
    let results = taken
        .iter()
        .rev()
        .map(|t| {
            let scores = t.scores.iter().filter_map(|s| s.score.map(|v| format!("{}: {v:.1}", s.subscale))).collect();
            (t.title.clone(), t.at.local().strftime("%Y-%m-%d").to_string(), scores)
        })
        .collect();
    render(&UnderstandPage {
        l: layout(&state, &ctx, "Understand", "/understand", SafetyPolicyView::for_mode(mode)),
        topics: idx.topics.iter().map(|t| (t.id.clone(), t.title.clone(), t.summary.clone())).collect(),
        results,
        questionnaires,
        message,
        steps,
    })
}

/// `GET /understand/{id}`.
pub async fn topic(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<String>) -> WebResult {
    let idx = index(&state)?;
    let topic = idx.topic(&id).ok_or_else(|| WebError::NotFound(format!("There is no topic '{id}'.")))?;
    let text = state.library().text(&topic.file).map_err(|e| WebError::Internal(format!("{} is missing", e.file)))?;
    let parts = learn::sections(text)
        .into_iter()
        .map(|s| Part { level: s.level.clamp(2, 4), title: plain(&s.title), blocks: blocks(&s.body) })
        .collect();
    let see_also =
        topic.see_also.iter().filter_map(|t| idx.topic(t).map(|x| (x.id.clone(), x.title.clone()))).collect();
    let mode = state.store(|store| Ok(store.safety_mode()?)).await?;
    render(&TopicPage {
        l: layout(&state, &ctx, &topic.title, "/understand", SafetyPolicyView::for_mode(mode)),
        title: topic.title.clone(),
        parts,
        see_also,
    })
}
