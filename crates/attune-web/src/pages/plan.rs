//! Plan: my needs, plans for my triggers, and (outside safety mode) what we
//! agreed together, with review dates and a calendar file, as `attune plan`,
//! `attune agree` and `attune agree export --ics`.

use askama::Template;
use attune_core::content::Library;
use attune_core::plan::{
    AgreementDraft, AgreementKind, ControlRules, NeedDraft, PlanStatus, PlanTexts, Proposer, TriggerPlanDraft, ics,
    known_needs,
};
use attune_core::safety::SafetyPolicy;
use attune_core::{LabelKind, Slug};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::{Extension, Form};
use serde::Deserialize;

use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
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
    /// (slug, name, for myself, ask partner, status).
    plans: Vec<(String, String, String, String, String)>,
    agreements: Vec<AgreementLine>,
    kinds: Vec<&'static str>,
    partner_ok: bool,
    /// The person's triggers: (slug, name, chosen in the form).
    triggers: Vec<(String, String, bool)>,
    /// The trigger-plan form, as typed (or as saved when editing).
    tp: TriggerForm,
    /// The need form, as typed when refused.
    nf: NeedForm,
    /// The agreement form, as typed when refused.
    af: AgreementForm,
    /// The gentle questions about an agreement just saved whose words may
    /// encode control.
    control: Option<ControlView>,
}

/// Core's concerns about an agreement's words, in the page's terms.
#[derive(Debug, Clone)]
pub struct ControlView {
    /// Heading.
    pub title: String,
    /// "This agreement seems to be about …".
    pub found: String,
    /// The questions.
    pub questions: Vec<String>,
    /// Why it is asked, and the safety check.
    pub note: String,
    /// That it is saved anyway.
    pub saved_anyway: String,
}

impl ControlView {
    /// The view for `text`, or `None` when nothing in it may be about
    /// control. A broken `plan/control.toml` in the content folder falls
    /// back to the built-in phrases, so the question is never lost.
    pub fn of(library: &Library, text: &str) -> Option<ControlView> {
        let rules = ControlRules::load(library).or_else(|_| ControlRules::load(&Library::embedded())).ok()?;
        let concerns = rules.concerns(text);
        if concerns.is_empty() {
            return None;
        }
        let t = &rules.texts;
        Some(ControlView {
            title: t.title.clone(),
            found: t.found_line(&concerns),
            questions: t.questions.iter().map(|q| q.trim().to_string()).collect(),
            note: t.note.trim().to_string(),
            saved_anyway: t.saved_anyway.trim().to_string(),
        })
    }
}

/// The page's three forms; each is empty unless it was refused (or, for
/// the trigger plan, being changed).
#[derive(Debug, Default)]
struct Forms {
    tp: TriggerForm,
    nf: NeedForm,
    af: AgreementForm,
    control: Option<ControlView>,
}

/// What the need form holds, kept when it is refused.
#[derive(Debug, Default, Clone)]
pub struct NeedForm {
    /// The need, in a few words.
    pub name: String,
    /// What it looks like when it is met.
    pub looks_like: String,
    /// Why it was refused, and which field ("name", "looks_like").
    pub error: Option<(&'static str, String)>,
}

impl NeedForm {
    /// The error for one field.
    pub fn err(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// What the agreement form holds, kept when it is refused.
#[derive(Debug, Default, Clone)]
pub struct AgreementForm {
    /// The kind, as chosen.
    pub kind: String,
    /// What was agreed.
    pub text: String,
    /// The day to look at it again.
    pub review_on: String,
    /// A pause rule's length, as typed.
    pub pause_minutes: String,
    /// Why it was refused, and which field ("kind", "text", "review_on", "pause_minutes").
    pub error: Option<(&'static str, String)>,
}

impl AgreementForm {
    /// The error for one field.
    pub fn err(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// What the trigger-plan form holds, kept when it is refused.
#[derive(Debug, Default, Clone)]
pub struct TriggerForm {
    /// The trigger's slug.
    pub trigger: String,
    /// What I will do for myself.
    pub myself: String,
    /// What I ask of my partner.
    pub ask: String,
    /// proposed, agreed or revisit.
    pub status: String,
    /// The day for agreed or revisit.
    pub on: String,
    /// Why it was refused, and which field ("trigger", "myself", "ask", "on").
    pub error: Option<(&'static str, String)>,
}

impl TriggerForm {
    /// The error for one field.
    pub fn err(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    /// A trigger whose plan to edit.
    #[serde(default)]
    edit: Option<String>,
    /// An agreement just saved, whose words may encode control.
    #[serde(default)]
    saved: Option<i64>,
}

fn bad(e: attune_core::content::ContentError) -> WebError {
    WebError::Internal(format!("{}: {}", e.file, e.message))
}

/// `GET /plan` (`?edit=<trigger>` fills the trigger-plan form with its plan).
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<PlanQuery>,
) -> WebResult {
    let edit = q.edit.clone();
    let saved = q.saved;
    let saved_text = state
        .store(move |store| {
            let Some(seq) = saved else { return Ok(None) };
            // Gone or never there: the page is shown without the question.
            Ok(store.agreement(seq).ok().map(|a| a.item.text))
        })
        .await?;
    let control = saved_text.and_then(|t| ControlView::of(state.library(), &t));
    let tp = state
        .store(move |store| {
            let Some(slug) = edit.as_deref().and_then(|e| Slug::from_name(e).ok()) else {
                return Ok(TriggerForm::default());
            };
            Ok(match store.trigger_plan(&slug)? {
                Some(p) => {
                    let (status, on) = match p.status {
                        PlanStatus::Proposed => ("proposed", String::new()),
                        PlanStatus::Agreed { on } => ("agreed", on.to_string()),
                        PlanStatus::Revisit { on } => ("revisit", on.to_string()),
                    };
                    TriggerForm {
                        trigger: p.trigger.slug.as_str().to_string(),
                        myself: p.for_myself,
                        ask: p.ask_partner,
                        status: status.into(),
                        on,
                        error: None,
                    }
                }
                None => TriggerForm { trigger: slug.as_str().to_string(), ..TriggerForm::default() },
            })
        })
        .await?;
    show(&state, &ctx, Forms { tp, control, ..Forms::default() }).await
}

async fn show(state: &AppState, ctx: &Ctx, forms: Forms) -> WebResult {
    let Forms { tp, nf, af, control } = forms;
    let chosen = tp.trigger.clone();
    let (mode, needs, plans, agreements, triggers) = state
        .store(move |store| {
            // Asks the one rule: agreements and asks of the partner only
            // where the policy offers them.
            let mode = !SafetyPolicy::for_mode(store.safety_mode()?).partner_agreements;
            let needs = store.needs()?.into_iter().map(|n| (n.name, n.looks_like)).collect();
            let plans = store
                .trigger_plans()?
                .into_iter()
                .map(|p| {
                    let status = match p.status {
                        PlanStatus::Proposed => "written down".to_string(),
                        PlanStatus::Agreed { on } => format!("agreed on {on}"),
                        PlanStatus::Revisit { on } => format!("to look at again on {on}"),
                    };
                    let ask = if mode { String::new() } else { p.ask_partner };
                    (p.trigger.slug.as_str().to_string(), p.trigger.name, p.for_myself, ask, status)
                })
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
            let triggers = store
                .labels(LabelKind::Trigger)?
                .into_iter()
                .filter(|l| !l.retired && l.merged_into.is_none())
                .map(|l| {
                    let slug = l.slug.as_str().to_string();
                    let on = slug == chosen;
                    (slug, l.name, on)
                })
                .collect();
            Ok((mode, needs, plans, agreements, triggers))
        })
        .await?;
    render(&PlanPage {
        l: layout(state, ctx, "Plan", "/plan", SafetyPolicyView::for_mode(mode)),
        needs,
        plans,
        agreements,
        kinds: AgreementKind::ALL.iter().map(|k| k.as_str()).collect(),
        partner_ok: !mode,
        triggers,
        tp,
        nf,
        af,
        control: if mode { None } else { control },
    })
}

/// `POST /plan/trigger`: `trigger`, `myself`, `ask`, `status`, `on`, as
/// `attune plan trigger`. A refused form comes back as typed.
pub async fn trigger(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<Fields>,
) -> WebResult {
    let mut tp = TriggerForm {
        trigger: f.text("trigger"),
        myself: f.text("myself"),
        ask: f.text("ask"),
        status: f.get("status").unwrap_or("proposed").to_string(),
        on: f.text("on"),
        error: None,
    };
    let on = match tp.on.as_str() {
        "" => None,
        d => match d.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                tp.error = Some(("on", format!("On: '{d}' is not a date like 2026-12-24; nothing was saved.")));
                return show(&state, &ctx, Forms { tp, ..Forms::default() }).await;
            }
        },
    };
    let status = match (tp.status.as_str(), on) {
        ("agreed", on) => PlanStatus::Agreed { on: on.unwrap_or(state.now().date()) },
        ("revisit", Some(on)) => PlanStatus::Revisit { on },
        ("revisit", None) => {
            tp.error = Some(("on", "On: to look at it again, say on which day; nothing was saved.".into()));
            return show(&state, &ctx, Forms { tp, ..Forms::default() }).await;
        }
        _ => PlanStatus::Proposed,
    };
    let (now, form) = (state.now_moment(), tp.clone());
    let new_id = state.new_id();
    let refused = state
        .store(move |store| {
            let partner_ok = !store.safety_mode()?;
            let refuse = |field: &'static str, msg: String| Ok(Some((field, msg)));
            if !partner_ok && (!form.ask.is_empty() || matches!(status, PlanStatus::Agreed { .. })) {
                return refuse(
                    "ask",
                    "In safety mode, plans hold only what you do for yourself; nothing was saved.".into(),
                );
            }
            let label = store
                .labels(LabelKind::Trigger)?
                .into_iter()
                .find(|l| l.slug.as_str() == form.trigger && !l.retired && l.merged_into.is_none());
            let Some(label) = label else {
                return refuse(
                    "trigger",
                    format!("Trigger: choose one from your list, not '{}'; nothing was saved.", form.trigger),
                );
            };
            let id = store.trigger_plan(&label.slug)?.map_or(new_id, |p| p.id);
            let draft = TriggerPlanDraft { for_myself: form.myself.clone(), ask_partner: form.ask.clone(), status };
            match draft.into_plan(id, label, now) {
                Ok(plan) => {
                    store.save_trigger_plan(&plan)?;
                    Ok(None)
                }
                Err(e) => {
                    // Core's hints name the CLI's flags; the page says it in its own words.
                    let first = e.problems.first();
                    let field = if first.is_some_and(|p| p.field == "ask") { "ask" } else { "myself" };
                    let msg = match first {
                        Some(p) if p.field == "plan" => {
                            "Write what you will do for yourself, or what you ask of your partner; nothing was saved."
                                .to_string()
                        }
                        Some(p) => format!("This {}; nothing was saved.", p.message),
                        None => format!("Nothing was saved: {e}."),
                    };
                    refuse(field, msg)
                }
            }
        })
        .await?;
    if let Some(error) = refused {
        tp.error = Some(error);
        return show(&state, &ctx, Forms { tp, ..Forms::default() }).await;
    }
    see_other("/plan#plans")
}

/// `POST /plan/trigger/remove`: `trigger`. The plan goes; the trigger stays on the list.
pub async fn remove_trigger(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let given = f.text("trigger");
    let slug =
        Slug::from_name(&given).map_err(|_| WebError::User(format!("Trigger: '{given}' is not on your list.")))?;
    state.store(move |store| Ok(store.remove_trigger_plan(&slug).map(|_| ())?)).await?;
    see_other("/plan#plans")
}

/// `POST /plan/need`: `name`, `looks_like`, as `attune plan need`. A
/// refused form comes back as typed.
pub async fn need(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Form(f): Form<Fields>) -> WebResult {
    let known = known_needs(state.library()).map_err(bad)?;
    let mut nf = NeedForm { name: f.text("name"), looks_like: f.text("looks_like"), error: None };
    let draft = NeedDraft { name: nf.name.clone(), looks_like: nf.looks_like.clone() };
    match draft.into_need(state.new_id(), state.now_moment(), &known) {
        Ok(need) => {
            state.store(move |store| Ok(store.save_need(&need).map(|_| ())?)).await?;
            see_other("/plan#needs")
        }
        Err(e) => {
            // Core's hints name the CLI's flags; the page says it in its own words.
            let first = e.problems.first();
            nf.error = Some(match first {
                Some(p) if p.field == "looks-like" => {
                    ("looks_like", format!("What it looks like: {}; nothing was saved.", plain(&p.message)))
                }
                Some(p) if p.message == "is empty" => {
                    ("name", "A need: write it in a few words, for example \"transparency\"; nothing was saved.".into())
                }
                Some(p) if p.message.contains("is longer than") => (
                    "name",
                    format!(
                        "A need: {}; keep the name short and put the rest in what it looks like; nothing was saved.",
                        plain(&p.message)
                    ),
                ),
                Some(p) => ("name", format!("A need: {}; nothing was saved.", plain(&p.message))),
                None => ("name", format!("Nothing was saved: {e}.")),
            });
            show(&state, &ctx, Forms { nf, ..Forms::default() }).await
        }
    }
}

/// `POST /plan/agreement`: `kind`, `text`, `review_on`, `pause_minutes`, as
/// `attune agree add`. A refused form comes back as typed.
pub async fn agreement(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<Fields>,
) -> WebResult {
    let mut af = AgreementForm {
        kind: f.get("kind").unwrap_or("other").to_string(),
        text: f.text("text"),
        review_on: f.text("review_on"),
        pause_minutes: f.text("pause_minutes"),
        error: None,
    };
    match agreement_draft(&state, &af) {
        Ok(draft) => match draft.into_agreement(state.new_id(), state.now_moment()) {
            Ok(a) => {
                let text = a.text.clone();
                let seq = state
                    .store(move |store| {
                        if SafetyPolicy::for_mode(store.safety_mode()?).partner_agreements {
                            return Ok(Some(store.add_agreement(&a)?));
                        }
                        Ok(None)
                    })
                    .await?;
                // Saved first; then, if its words may encode control, a gentle question.
                if let Some(seq) = seq
                    && ControlView::of(state.library(), &text).is_some()
                {
                    return see_other(&format!("/plan?saved={seq}#control"));
                }
                return see_other("/plan#agreements");
            }
            Err(e) => {
                let first = e.problems.first();
                af.error = Some(match first {
                    Some(p) if p.field == "minutes" => ("pause_minutes", minutes_error(&af, &p.message)),
                    Some(p) if p.message == "is empty" => {
                        ("text", "What you agreed: write it in a sentence; nothing was saved.".to_string())
                    }
                    Some(p) => ("text", format!("What you agreed: {}; nothing was saved.", plain(&p.message))),
                    None => ("text", format!("Nothing was saved: {e}.")),
                });
            }
        },
        Err(error) => af.error = Some(error),
    }
    show(&state, &ctx, Forms { af, ..Forms::default() }).await
}

/// Core's problem as the end of a sentence that starts with the field's name.
fn plain(message: &str) -> String {
    if message.starts_with("is ") || message.starts_with("contains ") {
        format!("this {message}")
    } else {
        message.to_string()
    }
}

/// Why a pause length was refused, in the page's words (core's hints name
/// the CLI's flags).
fn minutes_error(af: &AgreementForm, message: &str) -> String {
    if af.pause_minutes.is_empty() {
        "Pause length: a pause rule needs one, for example 10 minutes; nothing was saved.".into()
    } else if af.kind.parse::<AgreementKind>().is_ok_and(|k| k != AgreementKind::PauseRule) {
        "Pause length: only a pause rule has a length; choose that kind, or leave the length empty; nothing was saved."
            .into()
    } else {
        format!("Pause length: {message} minutes; nothing was saved.")
    }
}

/// The agreement as typed, or the field it was refused for and why.
fn agreement_draft(state: &AppState, af: &AgreementForm) -> Result<AgreementDraft, (&'static str, String)> {
    let kind: AgreementKind =
        af.kind.parse().map_err(|e: attune_core::plan::BadKind| ("kind", format!("Kind: {e}; nothing was saved.")))?;
    let review_on = match af.review_on.as_str() {
        "" => None,
        d => Some(d.parse().map_err(|_| {
            ("review_on", format!("Look at it again on: '{d}' is not a date like 2026-12-24; nothing was saved."))
        })?),
    };
    let pause_minutes = match af.pause_minutes.as_str() {
        "" => None,
        m => Some(m.parse::<i64>().map_err(|_| {
            ("pause_minutes", format!("Pause length: '{m}' is not a whole number of minutes; nothing was saved."))
        })?),
    };
    Ok(AgreementDraft {
        kind,
        text: af.text.clone(),
        proposed_by: Proposer::Both,
        agreed_on: Some(state.now().date()),
        rhythm: None,
        pause_minutes,
        review_on,
        review_every: None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct IcsQuery {
    #[serde(default)]
    words: Option<String>,
}

/// `GET /plan/calendar.ics`: the same calendar as `attune agree export --ics`,
/// discreet (no agreement's words in the titles) unless `?words=1`.
pub async fn calendar(State(state): State<AppState>, Query(q): Query<IcsQuery>) -> WebResult {
    let texts = PlanTexts::load(state.library()).map_err(bad)?;
    let stamp = state.now().timestamp();
    let discreet = q.words.is_none();
    let text = state
        .store(move |store| {
            let agreements = if store.safety_mode()? { Vec::new() } else { store.agreements(false)? };
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
