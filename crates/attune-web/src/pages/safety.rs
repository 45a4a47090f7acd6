//! Safety first: the services, safety mode, the country, keeping attune
//! private, and core's decision after a save shown before anything else.
//! Every rule is core's (`attune_core::safety`): what is noticed in saved
//! words and check-ins, which notes and services come in which order, and
//! when safety mode switches on; the store keeps the settings and runs the
//! decision after a save (`Store::safety_after_save`). These pages only
//! render it.

use askama::Template;
use attune_core::safety::{CheckinAnswers, Decision, INTERNATIONAL, NextStep, Purpose, SafetySettings, Saved};
use attune_store::Store;
use axum::extract::State;
use axum::{Extension, Form};

use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::texts::{Group, SafetyTexts};
use crate::views::Layout;

/// A next step as a link.
#[derive(Clone, Debug)]
pub struct Step {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
}

/// A next step as a link.
pub fn step(s: NextStep) -> Step {
    let (href, label) = match s {
        NextStep::CrisisPlan => {
            ("/safety/plan/crisis", "Make a plan for the hardest moments, on a calmer day if you can")
        }
        NextStep::StayingSafePlan => ("/safety/plan/staying-safe", "Think through how to stay safe, or leave safely"),
        NextStep::SafetyCheck => ("/safety/check", "A few questions about how your partner treats you (skip any)"),
        NextStep::SetCountry => ("/safety#country", "Choose your country, for services near you"),
        NextStep::SafetyMode => ("/safety#mode", "Safety mode: what it changes, and switching it off"),
    };
    Step { href, label }
}

/// Core's decision, ready for `notice.html`.
#[derive(Clone, Debug)]
pub struct Notice {
    /// The reasons, space-separated ids (a data attribute, for tests).
    pub reasons: String,
    /// Whose services ("gb", "international").
    pub country: String,
    /// The notes: heading, paragraph, what was noticed.
    pub messages: Vec<(String, String, Option<String>)>,
    /// What to do in immediate danger.
    pub advice: String,
    /// The services.
    pub groups: Vec<Group>,
    /// What to do next.
    pub next: Vec<Step>,
}

impl Notice {
    /// Renders a decision; `None` when it has nothing to show.
    pub fn from_decision(t: &SafetyTexts, d: &Decision) -> Option<Notice> {
        d.is_visible().then(|| Notice {
            reasons: d.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" "),
            country: d.country.clone(),
            messages: d.messages.iter().map(|m| (m.title.clone(), m.text.clone(), m.noticed.clone())).collect(),
            advice: d.advice.clone(),
            groups: t.groups(&d.resources),
            next: d.next.iter().map(|s| step(*s)).collect(),
        })
    }
}

/// Reads safety mode and the country (a damaged mode value counts as on).
pub fn settings(store: &Store) -> WebResult<SafetySettings> {
    Ok(SafetySettings { mode: store.safety_mode()?, country: store.country()? })
}

/// After a save, inside the store closure: core's decision, with what it
/// asks stored. Problems reading or writing a setting do not undo the save;
/// the decision then counts safety mode as on.
pub fn after_save(
    t: &SafetyTexts,
    store: &mut Store,
    texts: &[&str],
    checkin: Option<CheckinAnswers<'_>>,
    today: &str,
) -> Decision {
    store.safety_after_save(&t.core, Saved { texts, checkin }, today).decision
}

/// A country to choose.
#[derive(Clone, Debug)]
pub struct CountryChoice {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Whether it is the person's.
    pub selected: bool,
}

/// The Safety page.
#[derive(Debug, Template)]
#[template(path = "safety.html")]
pub struct SafetyPage {
    l: Layout,
    title: String,
    intro: String,
    advice: String,
    groups: Vec<Group>,
    mode: bool,
    lock_minutes: u64,
    countries: Vec<CountryChoice>,
    country_name: String,
    country_set: bool,
}

/// `GET /safety`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let s = state.store(|store| settings(store)).await?;
    let t = &state.texts().safety;
    let m = &t.messages;
    let dir = &t.core.resources;
    let mut countries: Vec<CountryChoice> = dir
        .country_codes()
        .map(|code| CountryChoice {
            code: code.to_string(),
            name: dir.for_country(code).name.clone(),
            selected: s.country.as_deref() == Some(code),
        })
        .collect();
    countries.sort_by(|a, b| a.name.cmp(&b.name));
    let policy = s.policy();
    let page = SafetyPage {
        l: layout(
            &state,
            &ctx,
            &m.page.title,
            "/safety",
            SafetyPolicyView { partner_talk: policy.suggest_partner_talk },
        ),
        title: m.page.title.clone(),
        intro: m.page.intro.clone(),
        advice: t.advice(&s),
        groups: t.groups_for(&s, &[Purpose::Crisis, Purpose::Abuse, Purpose::Emergency, Purpose::OwnBehaviour]),
        mode: s.mode,
        lock_minutes: state.lock_after().as_secs().div_ceil(60),
        country_name: dir.for_country(s.country_code()).name.clone(),
        country_set: s.country.as_deref().is_some_and(|c| dir.for_country(c).country != INTERNATIONAL),
        countries,
    };
    render(&page)
}

/// `POST /safety/mode`: `mode=on|off`.
pub async fn mode(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let on = match f.get("mode") {
        Some("on") => true,
        Some("off") => false,
        other => {
            return Err(WebError::User(format!(
                "Safety mode can be on or off, not '{}'; nothing was changed.",
                other.unwrap_or_default()
            )));
        }
    };
    state.store(move |store| Ok(store.set_safety_mode(on)?)).await?;
    see_other("/safety#mode")
}

/// `POST /safety/country`: `country=gb`, or `international` for services
/// that work anywhere. Only codes attune has a list for are taken.
pub async fn country(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let code = f.get("country").unwrap_or_default().to_ascii_lowercase();
    let dir = &state.texts().safety.core.resources;
    let known = code == INTERNATIONAL || dir.country_codes().any(|c| c == code);
    if !known {
        return Err(WebError::User(
            "Please choose a country from the list (or \"Somewhere else\"); nothing was changed.".into(),
        ));
    }
    let value = (code != INTERNATIONAL).then_some(code);
    state.store(move |store| Ok(store.set_country(value.as_deref())?)).await?;
    see_other("/safety#country")
}
