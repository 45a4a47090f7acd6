//! `attune plan`: needs, trigger plans and the partner's name; the whole
//! plan at a glance (framework steps 3 and 5).

use std::io::Write;

use attune_core::label::{Resolved, resolve};
use attune_core::plan::{
    Agreement, KnownNeed, Need, NeedDraft, PARTNER_NAME_SETTING, PlanStatus, TriggerPlan, TriggerPlanDraft, known_needs,
};
use attune_core::{LabelKind, Slug};
use attune_store::{Numbered, Store};
use clap::{Args, Subcommand, ValueEnum};
use dialoguer::Input;
use dialoguer::theme::ColorfulTheme;
use serde::Serialize;

use crate::app::App;
use crate::commands::toolkit::{agreement_line, content, day, dim, plan_texts, policy, wrapped};
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, GOOD, HINT, Stamp};

/// `attune plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub action: Option<PlanAction>,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long, global = true)]
    pub json: bool,
}

/// What to change in the plan.
#[derive(Debug, Subcommand)]
pub enum PlanAction {
    /// Add or change a need: what you need to feel safe.
    Need(NeedArgs),
    /// Show or change your plan for one trigger (`attune plan trigger late-reply`).
    Trigger(TriggerArgs),
    /// Set your partner's name, used to fill in conversation scripts.
    Partner(PartnerArgs),
}

/// `attune plan need`.
#[derive(Debug, Args)]
pub struct NeedArgs {
    /// A need the framework names (transparency, stability, respect, presence, rituals,
    /// commitment, regular-contact, attention, shared-routines) or your own words.
    pub name: String,
    /// What this looks like for you, in everyday life.
    #[arg(long, value_name = "TEXT")]
    pub looks_like: Option<String>,
    /// Take it off your plan.
    #[arg(long, conflicts_with = "looks_like")]
    pub remove: bool,
}

/// Where a trigger plan stands, as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Written down, not agreed yet.
    Proposed,
    /// Agreed with your partner (on --on, default today).
    Agreed,
    /// To look at again on the day given with --on.
    Revisit,
}

/// `attune plan trigger`.
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// The trigger, from your list (`attune triggers`).
    pub trigger: String,
    /// What you will do for yourself when it happens.
    #[arg(long, value_name = "TEXT")]
    pub myself: Option<String>,
    /// What you ask of your partner when it happens.
    #[arg(long, value_name = "TEXT")]
    pub ask: Option<String>,
    /// proposed, agreed or revisit.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// The day for --status agreed (default today) or revisit: 2026-12-24, "monday", …
    #[arg(long, value_name = "WHEN")]
    pub on: Option<String>,
    /// Delete the plan for this trigger (the trigger stays on your list).
    #[arg(long, conflicts_with_all = ["myself", "ask", "status", "on"])]
    pub remove: bool,
}

/// `attune plan partner`.
#[derive(Debug, Args)]
pub struct PartnerArgs {
    /// Their name (leave out to see it).
    pub name: Option<String>,
    /// Forget the name.
    #[arg(long, conflicts_with = "name")]
    pub clear: bool,
}

/// The whole plan, as `--json` prints it.
#[derive(Serialize)]
struct PlanJson<'a> {
    safety_mode: bool,
    partner_name: Option<String>,
    needs: &'a [Need],
    trigger_plans: Vec<TriggerPlan>,
    pause_minutes: u32,
    agreements: Option<&'a [Numbered<Agreement>]>,
}

pub fn run(args: PlanArgs, app: &App) -> CliResult {
    let mut opened = app.open()?;
    let store = &mut opened.store;
    match args.action {
        None => show(store, app, args.json),
        Some(PlanAction::Need(a)) => need(store, app, a, args.json),
        Some(PlanAction::Trigger(a)) => trigger(store, app, a, args.json),
        Some(PlanAction::Partner(a)) => partner(store, a, args.json),
    }
}

/// Hides what is asked of the partner (and the agreed status) in safety mode.
fn for_policy(plan: TriggerPlan, partner_ok: bool) -> TriggerPlan {
    if partner_ok { plan } else { TriggerPlan { ask_partner: String::new(), status: PlanStatus::Proposed, ..plan } }
}

fn show(store: &Store, app: &App, json: bool) -> CliResult {
    let policy = policy(app, store)?;
    let partner_ok = policy.partner_agreements;
    let texts = plan_texts(app)?;
    let library = app.library()?;
    let known = content(known_needs(&library))?;
    let pause_default = content(attune_core::pause::PauseTexts::load(&library))?.default_minutes;
    let needs = store.needs()?;
    let plans: Vec<TriggerPlan> = store.trigger_plans()?.into_iter().map(|p| for_policy(p, partner_ok)).collect();
    let agreements = if partner_ok { store.agreements(false)? } else { Vec::new() };
    let pause_minutes = attune_core::plan::pause_minutes(agreements.iter().map(|a| &a.item), pause_default);
    let partner_name = store.setting(PARTNER_NAME_SETTING)?;
    if json {
        return out::json(&PlanJson {
            safety_mode: !partner_ok,
            partner_name,
            needs: &needs,
            trigger_plans: plans,
            pause_minutes,
            agreements: partner_ok.then_some(agreements.as_slice()),
        });
    }
    let this_year = app.now.year();
    let mut w = out::stdout();
    writeln!(w, "{BOLD}Your plan{BOLD:#}")?;
    dim(&mut w, &texts.plan.intro)?;

    writeln!(w, "\n{BOLD}What I need to feel safe{BOLD:#}")?;
    if needs.is_empty() {
        wrapped(&mut w, &texts.plan.no_needs, "  ")?;
        let ids: Vec<&str> = known.iter().map(|k| k.id.as_str()).collect();
        writeln!(w, "  {DIM}Needs to start from: {}{DIM:#}", ids.join(", "))?;
    }
    for n in &needs {
        if n.known {
            writeln!(w, "  {HINT}{}{HINT:#}", n.slug)?;
        } else {
            writeln!(w, "  {HINT}{}{HINT:#}  {DIM}(your own words){DIM:#}", n.slug)?;
        }
        if !n.looks_like.is_empty() {
            wrapped(&mut w, &n.looks_like, "      ")?;
        }
    }

    writeln!(w, "\n{BOLD}When something sets me off{BOLD:#}")?;
    if plans.is_empty() {
        wrapped(&mut w, &texts.plan.no_trigger_plans, "  ")?;
    }
    for p in &plans {
        trigger_block(&mut w, p, partner_ok, this_year)?;
    }

    writeln!(w, "\n{BOLD}Pause rule{BOLD:#}")?;
    writeln!(w, "  a pause lasts {pause_minutes} minutes  {DIM}(`attune pause` starts one){DIM:#}")?;

    if partner_ok {
        writeln!(w, "\n{BOLD}What we agreed{BOLD:#}")?;
        if agreements.is_empty() {
            wrapped(&mut w, &texts.plan.no_agreements, "  ")?;
        }
        for a in &agreements {
            agreement_line(&mut w, a, this_year)?;
        }
        match &partner_name {
            Some(name) => writeln!(w, "\n{DIM}Partner's name for scripts: {name}{DIM:#}")?,
            None => writeln!(w, "\n{DIM}{}{DIM:#}", texts.plan.no_partner_name)?,
        }
    } else {
        writeln!(w)?;
        wrapped(&mut w, &texts.safety_mode.text, "")?;
        writeln!(w, "{}", texts.safety_mode.next)?;
    }
    Ok(())
}

fn trigger_block(w: &mut impl Write, p: &TriggerPlan, partner_ok: bool, this_year: i16) -> CliResult {
    let status = match (&p.status, partner_ok) {
        (_, false) => String::new(),
        (PlanStatus::Proposed, _) => "proposed".to_string(),
        (PlanStatus::Agreed { on }, _) => format!("agreed {}", out::stamp(*on, this_year, Stamp::Weekday)),
        (PlanStatus::Revisit { on }, _) => format!("revisit {}", out::stamp(*on, this_year, Stamp::Weekday)),
    };
    writeln!(w, "  {HINT}{}{HINT:#} {}  {DIM}{status}{DIM:#}", p.trigger.slug, p.trigger.name)?;
    if !p.for_myself.is_empty() {
        wrapped(w, &format!("I will: {}", p.for_myself), "      ")?;
    }
    if partner_ok && !p.ask_partner.is_empty() {
        wrapped(w, &format!("I ask: {}", p.ask_partner), "      ")?;
    }
    Ok(())
}

fn need(store: &mut Store, app: &App, a: NeedArgs, json: bool) -> CliResult {
    let known: Vec<KnownNeed> = content(known_needs(&app.library()?))?;
    if a.remove {
        let slug = Slug::from_name(&a.name).map_err(|e| CliError::user(format!("'{}': {e}", a.name)))?;
        let slug = known
            .iter()
            .find(|k| Slug::from_name(&k.name).ok() == Some(slug.clone()))
            .map(|k| k.id.clone())
            .unwrap_or(slug);
        if !store.remove_need(&slug)? {
            return Err(CliError::user(format!("'{slug}' is not on your plan")).hint("`attune plan` shows your needs"));
        }
        writeln!(out::stdout(), "Removed '{slug}' from your needs.")?;
        return Ok(());
    }
    let existing = store.needs()?;
    let mut looks_like = a.looks_like.clone();
    if looks_like.is_none() && app.interactive {
        let texts = plan_texts(app)?;
        looks_like = Some(ask(&texts.questions.looks_like, "")?);
    }
    let draft = NeedDraft { name: a.name.clone(), looks_like: looks_like.clone().unwrap_or_default() };
    let mut need = draft.into_need(app.new_id(), app.now_moment(), &known)?;
    // Without --looks-like, an existing need keeps its words.
    if looks_like.is_none()
        && let Some(old) = existing.iter().find(|n| n.slug == need.slug)
    {
        need.looks_like.clone_from(&old.looks_like);
    }
    let (stored, new) = store.save_need(&need)?;
    if json {
        return out::json(&stored);
    }
    let verb = if new { "Added" } else { "Updated" };
    let mut w = out::stdout();
    writeln!(w, "{GOOD}{verb}{GOOD:#} the need '{}'.", stored.name)?;
    if let Some(k) = known.iter().find(|k| k.id == stored.slug) {
        dim(&mut w, &k.about)?;
    }
    Ok(())
}

fn ask(question: &str, initial: &str) -> CliResult<String> {
    Input::<String>::with_theme(&ColorfulTheme::default())
        .with_prompt(question)
        .with_initial_text(initial)
        .allow_empty(true)
        .interact_text()
        .map_err(|e| CliError::user(format!("the question was interrupted: {e}")).hint("nothing was changed"))
}

/// A trigger on the person's list, or an error with a suggestion.
fn trigger_slug(store: &Store, name: &str) -> CliResult<Slug> {
    let labels = store.labels(LabelKind::Trigger)?;
    match resolve(&labels, name) {
        Resolved::Active(s) | Resolved::Retired(s) => Ok(s),
        Resolved::Unknown { suggestion } => {
            let err = CliError::user(format!("'{name}' is not on your trigger list"));
            Err(match suggestion {
                Some(s) => err.hint(format!("did you mean '{s}'?")),
                None => err.hint("`attune triggers` shows your list; `attune triggers add \"name\"` adds one"),
            })
        }
    }
}

fn trigger(store: &mut Store, app: &App, a: TriggerArgs, json: bool) -> CliResult {
    let partner_ok = policy(app, store)?.partner_agreements;
    let slug = trigger_slug(store, &a.trigger)?;
    if a.remove {
        if !store.remove_trigger_plan(&slug)? {
            return Err(CliError::user(format!("there is no plan for '{slug}'")));
        }
        writeln!(out::stdout(), "Removed your plan for '{slug}'. The trigger stays on your list.")?;
        return Ok(());
    }
    let wants_partner = a.ask.is_some() || matches!(a.status, Some(StatusArg::Agreed));
    if wants_partner && !partner_ok {
        let texts = plan_texts(app)?;
        return Err(CliError::user(format!("nothing was saved: {}", texts.safety_mode.title.to_lowercase()))
            .hint("--myself still works: what you will do for yourself")
            .hint(texts.safety_mode.next));
    }
    let old = store.trigger_plan(&slug)?;
    let label = store
        .labels(LabelKind::Trigger)?
        .into_iter()
        .find(|l| l.slug == slug)
        .ok_or_else(|| CliError::user(format!("'{slug}' is not on your trigger list")))?;
    let no_flags = a.myself.is_none() && a.ask.is_none() && a.status.is_none() && a.on.is_none();
    if no_flags && !app.interactive {
        return match old {
            Some(p) => {
                let p = for_policy(p, partner_ok);
                if json {
                    return out::json(&p);
                }
                trigger_block(&mut out::stdout(), &p, partner_ok, app.now.year())
            }
            None if json => out::json(&serde_json::Value::Null),
            None => Err(CliError::user(format!("there is no plan for '{slug}' yet")).hint(format!(
                "attune plan trigger {slug} --myself \"what you will do\" --ask \"what you ask of your partner\""
            ))),
        };
    }
    let (mut myself, mut ask_partner) = match &old {
        Some(p) => (p.for_myself.clone(), p.ask_partner.clone()),
        None => (String::new(), String::new()),
    };
    if no_flags {
        let texts = plan_texts(app)?;
        out::note(&format!("{} ({})", label.name, label.slug));
        myself = ask(&texts.questions.for_myself, &myself)?;
        if partner_ok {
            ask_partner = ask(&texts.questions.ask_partner, &ask_partner)?;
        }
    }
    if let Some(m) = a.myself {
        myself = m;
    }
    if let Some(x) = a.ask {
        ask_partner = x;
    }
    let on = a.on.as_deref().map(|t| day(app, "--on", t)).transpose()?;
    let status = match (a.status, on) {
        (None, None) => old.as_ref().map(|p| p.status.clone()).unwrap_or(PlanStatus::Proposed),
        (None, Some(_)) => {
            return Err(CliError::user("--on needs --status agreed or --status revisit"));
        }
        (Some(StatusArg::Proposed), _) => PlanStatus::Proposed,
        (Some(StatusArg::Agreed), on) => PlanStatus::Agreed { on: on.unwrap_or(app.now.date()) },
        (Some(StatusArg::Revisit), Some(on)) => PlanStatus::Revisit { on },
        (Some(StatusArg::Revisit), None) => {
            return Err(CliError::user("--status revisit needs a day").hint("add --on, e.g. --on \"2026-12-24\""));
        }
    };
    let id = old.as_ref().map(|p| p.id).unwrap_or_else(|| app.new_id());
    let plan = TriggerPlanDraft { for_myself: myself, ask_partner, status }.into_plan(id, label, app.now_moment())?;
    let stored = store.save_trigger_plan(&plan)?;
    if json {
        return out::json(&for_policy(stored, partner_ok));
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Saved{GOOD:#} your plan for '{}'.", stored.trigger.slug)?;
    trigger_block(&mut w, &for_policy(stored, partner_ok), partner_ok, app.now.year())?;
    Ok(())
}

fn partner(store: &mut Store, a: PartnerArgs, json: bool) -> CliResult {
    if a.clear {
        store.set_setting(PARTNER_NAME_SETTING, None)?;
        writeln!(out::stdout(), "Forgot your partner's name.")?;
        return Ok(());
    }
    let Some(name) = a.name else {
        let name = store.setting(PARTNER_NAME_SETTING)?;
        if json {
            return out::json(&serde_json::json!({ "partner_name": name }));
        }
        match name {
            Some(n) => writeln!(out::stdout(), "{n}")?,
            None => writeln!(out::stdout(), "No name set. `attune plan partner \"name\"` sets it.")?,
        }
        return Ok(());
    };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(CliError::user(
            "nothing was saved: the name must be 1 to 80 characters, without control characters",
        ));
    }
    store.set_setting(PARTNER_NAME_SETTING, Some(name))?;
    writeln!(out::stdout(), "{GOOD}Saved{GOOD:#}. Scripts will use '{name}'.")?;
    Ok(())
}
