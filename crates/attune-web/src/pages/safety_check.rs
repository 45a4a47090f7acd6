//! The relationship-safety check in the browser, as `attune safety check`:
//! the same questions from `content/safety/screen.toml`, one per page with
//! nothing chosen in advance, each skippable; progress is kept after every
//! answer so the check can be left and resumed; at the end core scores it,
//! safety mode is switched on when core says so (offered when core offers
//! it), and the outcome comes with the country's support services.

use askama::Template;
use attune_core::safety::{Answer, CheckProgress, Message, Purpose, SafetySettings, SavedCheck, Screen, Tier};
use axum::extract::{Query, State};
use axum::{Extension, Form};
use serde::Deserialize;

use super::safety::settings;
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::texts::Group;
use crate::views::Layout;

const PATH: &str = "/safety/check";

/// Before the first question: why, privacy, and where to start.
#[derive(Debug, Template)]
#[template(path = "safety_check.html")]
pub struct IntroPage {
    l: Layout,
    title: String,
    intro: String,
    privacy: String,
    not_a_diagnosis: String,
    total: usize,
    /// (answered, next question number) of a check left part-way.
    unfinished: Option<(usize, usize)>,
    /// "26 November 2026" when a check was completed before.
    last_taken: Option<String>,
}

/// One question.
#[derive(Debug, Template)]
#[template(path = "safety_check_question.html")]
pub struct QuestionPage {
    l: Layout,
    title: String,
    /// "Question 3 of 18".
    progress: String,
    n: usize,
    id: String,
    text: String,
    /// (value, label) of each answer; none is pre-selected.
    choices: Vec<(&'static str, String)>,
    /// The answer given before, when coming back to a question.
    earlier: Option<String>,
    /// Shown when a check left part-way is picked up again.
    resumed: Option<String>,
    /// The question "Back" goes to (0: the introduction).
    back: usize,
    error: Option<String>,
    privacy: String,
}

/// After the last question.
#[derive(Debug, Template)]
#[template(path = "safety_check_outcome.html")]
pub struct OutcomePage {
    l: Layout,
    messages: Vec<Message>,
    /// The check's tier, for the page's class and tests ("safety-mode", …).
    tier: &'static str,
    mode: bool,
    /// Offer to switch safety mode on (core offers it and it is off).
    offer: bool,
    advice: String,
    groups: Vec<Group>,
    taken: Option<String>,
    privacy: String,
    not_a_diagnosis: String,
}

fn tier_name(t: Tier) -> &'static str {
    match t {
        Tier::Clear => "clear",
        Tier::Support => "support",
        Tier::Offer => "offer",
        Tier::SafetyMode => "safety-mode",
    }
}

fn day(m: &attune_core::Moment) -> String {
    m.local().date().strftime("%-d %B %Y").to_string()
}

/// What the store holds for the check.
struct Stored {
    settings: SafetySettings,
    progress: Option<CheckProgress>,
    last: Option<SavedCheck>,
}

async fn stored(state: &AppState) -> WebResult<Stored> {
    let screen = state.texts().safety.core.screen.clone();
    state
        .store(move |store| {
            let s = settings(store)?;
            let progress = store.safety_check_progress()?.and_then(|j| CheckProgress::from_json(&j, &screen));
            let last = store.last_safety_check()?.as_deref().and_then(SavedCheck::from_json);
            Ok(Stored { settings: s, progress, last })
        })
        .await
}

/// `?q=N` shows question N (0: the introduction); `?done=1` the outcome of
/// the last completed check.
#[derive(Debug, Default, Deserialize)]
pub struct CheckQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

fn frame(state: &AppState, ctx: &Ctx, mode: bool) -> Layout {
    let title = &state.texts().safety.core.screen.texts.title;
    layout(state, ctx, title, "/safety", SafetyPolicyView::for_mode(mode))
}

struct Shown {
    resumed: bool,
    error: Option<String>,
}

fn question(state: &AppState, ctx: &Ctx, s: &Stored, index: usize, shown: Shown) -> WebResult {
    let screen: &Screen = &state.texts().safety.core.screen;
    let item = screen.items.get(index).ok_or_else(|| WebError::NotFound("There is no such question.".into()))?;
    let total = screen.items.len();
    let earlier = s.progress.as_ref().and_then(|p| p.answers.get(&item.id)).map(|a| {
        format!("You answered “{}” before. Choose again, or skip it to leave it unanswered.", screen.answers.get(*a))
    });
    let resumed = shown.resumed.then(|| {
        let answered = s.progress.as_ref().map_or(0, CheckProgress::answered);
        format!("Welcome back. Your {answered} earlier answers are kept; you can carry on from here.")
    });
    render(&QuestionPage {
        l: frame(state, ctx, s.settings.mode),
        title: screen.texts.title.clone(),
        progress: format!("Question {} of {total}", index + 1),
        n: index + 1,
        id: item.id.clone(),
        text: item.text.clone(),
        choices: Answer::ALL.iter().map(|a| (a.as_str(), screen.answers.get(*a).to_string())).collect(),
        earlier,
        resumed,
        back: index,
        error: shown.error,
        privacy: screen.texts.privacy.trim().to_string(),
    })
}

fn outcome(state: &AppState, ctx: &Ctx, s: &Stored, last: &SavedCheck) -> WebResult {
    let screen = &state.texts().safety.core.screen;
    let result = last.score(screen);
    let content = &state.texts().safety;
    render(&OutcomePage {
        l: frame(state, ctx, s.settings.mode),
        messages: screen.outcome_messages(&result).into_iter().cloned().collect(),
        tier: tier_name(result.tier()),
        mode: s.settings.mode,
        offer: result.offer_safety_mode && !s.settings.mode,
        advice: content.advice(&s.settings),
        groups: content.groups_for(&s.settings, &[Purpose::Abuse, Purpose::Emergency]),
        taken: last.at.as_ref().map(day),
        privacy: screen.texts.privacy.trim().to_string(),
        not_a_diagnosis: screen.texts.not_a_diagnosis.trim().to_string(),
    })
}

/// `GET /safety/check`: the introduction, the question to answer next (a
/// check left part-way carries on), `?q=N`, or `?done=1`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(query): Query<CheckQuery>,
) -> WebResult {
    let s = stored(&state).await?;
    let screen = &state.texts().safety.core.screen;
    let total = screen.items.len();
    if query.done.is_some() {
        return match &s.last {
            Some(last) => outcome(&state, &ctx, &s, last),
            None => see_other(PATH),
        };
    }
    let asked = match query.q.as_deref().map(str::parse::<usize>) {
        Some(Ok(0)) => None,
        Some(Ok(n)) if n <= total => Some((n - 1, false)),
        Some(_) => return Err(WebError::NotFound(format!("The safety check has questions 1 to {total}."))),
        None => s.progress.as_ref().filter(|p| !p.is_done(screen)).map(|p| (p.position, p.answered() > 0)),
    };
    if let Some((index, resumed)) = asked {
        return question(&state, &ctx, &s, index, Shown { resumed, error: None });
    }
    render(&IntroPage {
        l: frame(&state, &ctx, s.settings.mode),
        title: screen.texts.title.clone(),
        intro: screen.texts.intro.trim().to_string(),
        privacy: screen.texts.privacy.trim().to_string(),
        not_a_diagnosis: screen.texts.not_a_diagnosis.trim().to_string(),
        total,
        unfinished: s
            .progress
            .as_ref()
            .filter(|p| !p.is_done(screen) && (p.answered() > 0 || p.position > 0))
            .map(|p| (p.answered(), p.position + 1)),
        last_taken: s.last.as_ref().and_then(|l| l.at.as_ref()).map(day),
    })
}

/// `POST /safety/check`: `item` (the question's id) with `action=answer`
/// and `answer` (yes, no, prefer-not-to-say) or `action=skip`; or
/// `action=restart` to drop a check left part-way.
pub async fn answer(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Form(f): Form<Fields>) -> WebResult {
    let screen = state.texts().safety.core.screen.clone();
    let action = f.text("action");
    if action == "restart" {
        state.store(|store| Ok(store.set_safety_check_progress(None)?)).await?;
        return see_other(&format!("{PATH}?q=1"));
    }
    let s = stored(&state).await?;
    let id = f.text("item");
    let Some(index) = screen.items.iter().position(|i| i.id == id) else {
        return Err(WebError::User(format!(
            "'{id}' is not a question of the safety check; nothing was saved. Start the check again from the Safety page."
        )));
    };
    let given = match action.as_str() {
        "skip" => None,
        "answer" => match f.get("answer").map(str::parse::<Answer>) {
            Some(Ok(a)) => Some(a),
            Some(Err(_)) | None => {
                let error = Some("Choose one of the answers, or skip this question.".to_string());
                return question(&state, &ctx, &s, index, Shown { resumed: false, error });
            }
        },
        other => return Err(WebError::User(format!("'{other}' is not something this form can do."))),
    };
    let mut progress = s.progress.clone().unwrap_or_else(|| CheckProgress::new(state.now_moment()));
    progress.answer(&screen, index, given);
    if !progress.is_done(&screen) {
        let next = progress.position + 1;
        let json = progress.to_json();
        state.store(move |store| Ok(store.set_safety_check_progress(Some(&json))?)).await?;
        return see_other(&format!("{PATH}?q={next}"));
    }
    let result = screen.score(&progress.answers)?;
    let saved = SavedCheck::new(state.now_moment(), progress.answers).to_json();
    let switch_on = result.safety_mode && !s.settings.mode;
    state
        .store(move |store| {
            store.set_last_safety_check(&saved)?;
            if switch_on {
                store.set_safety_mode(true)?;
            }
            Ok(())
        })
        .await?;
    see_other(&format!("{PATH}?done=1"))
}
