//! `attune scripts [purpose]`: conversation starters from content, filled
//! in from the plan (partner's name, a need, a trigger, the pause length).

use std::collections::BTreeMap;
use std::io::Write;

use attune_core::LabelKind;
use attune_core::label::{Resolved, resolve};
use attune_core::pause::PauseTexts;
use attune_core::plan::PARTNER_NAME_SETTING;
use attune_core::scripts::{Scripts, fill};
use clap::Args;
use serde::Serialize;

use crate::app::App;
use crate::commands::toolkit::{content, dim, policy, safety_note, wrapped};
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, HINT};

/// `attune scripts`.
#[derive(Debug, Args)]
pub struct ScriptsArgs {
    /// Which kind: asking-to-be-seen, showing-vulnerability, asking-for-directness,
    /// proposing-a-cool-down, naming-a-trigger, repairing-after-a-fight, asking-for-reassurance.
    pub purpose: Option<String>,
    /// Use this need from your plan (default: the first).
    #[arg(long, value_name = "NEED")]
    pub need: Option<String>,
    /// Use this trigger (default: the first with a plan).
    #[arg(long, value_name = "TRIGGER")]
    pub trigger: Option<String>,
    /// Print JSON (stable shape, see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct PurposeJson {
    id: String,
    title: String,
    about: String,
    variants: Vec<String>,
    missing: Vec<String>,
}

pub fn run(args: ScriptsArgs, app: &App) -> CliResult {
    let opened = app.open()?;
    let store = &opened.store;
    if !policy(app, store)?.suggest_partner_talk {
        return safety_note(app, args.json);
    }
    let library = app.library()?;
    let scripts = content(Scripts::load(&library))?;

    // Values from the plan.
    let mut values = BTreeMap::new();
    if let Some(name) = store.setting(PARTNER_NAME_SETTING)? {
        values.insert("partner".to_string(), name);
    }
    let needs = store.needs()?;
    let need = match &args.need {
        Some(n) => Some(
            needs
                .iter()
                .find(|x| {
                    x.slug.as_str() == n.trim().to_lowercase().replace(' ', "-")
                        || x.name.eq_ignore_ascii_case(n.trim())
                })
                .ok_or_else(|| {
                    CliError::user(format!("'{n}' is not a need on your plan")).hint("`attune plan` shows your needs")
                })?,
        ),
        None => needs.first(),
    };
    if let Some(n) = need {
        values.insert("need".to_string(), n.name.to_lowercase());
        if !n.looks_like.is_empty() {
            values.insert("need_looks_like".to_string(), n.looks_like.clone());
        }
    }
    let trigger_name = match &args.trigger {
        Some(t) => {
            let labels = store.labels(LabelKind::Trigger)?;
            match resolve(&labels, t) {
                Resolved::Active(s) | Resolved::Retired(s) => labels.into_iter().find(|l| l.slug == s).map(|l| l.name),
                Resolved::Unknown { suggestion } => {
                    let err = CliError::user(format!("'{t}' is not on your trigger list"));
                    return Err(match suggestion {
                        Some(s) => err.hint(format!("did you mean '{s}'?")),
                        None => err.hint("`attune triggers` shows your list"),
                    });
                }
            }
        }
        None => store.trigger_plans()?.into_iter().next().map(|p| p.trigger.name),
    };
    if let Some(t) = trigger_name {
        values.insert("trigger".to_string(), t.to_lowercase());
    }
    let agreements = store.agreements(false)?;
    let default_minutes = content(PauseTexts::load(&library))?.default_minutes;
    values.insert(
        "pause_minutes".to_string(),
        attune_core::plan::pause_minutes(agreements.iter().map(|a| &a.item), default_minutes).to_string(),
    );

    let chosen: Vec<_> = match &args.purpose {
        Some(p) => vec![scripts.find(p).map_err(|suggestion| {
            let err = CliError::user(format!("there are no scripts for '{p}'"));
            match suggestion {
                Some(s) => err.hint(format!("did you mean '{s}'?")),
                None => err.hint("`attune scripts` lists the kinds"),
            }
        })?],
        None => scripts.purposes.iter().collect(),
    };
    let all = args.purpose.is_none();
    let filled: Vec<PurposeJson> = chosen
        .iter()
        .map(|p| {
            let mut missing: Vec<String> = Vec::new();
            let variants = p
                .variants
                .iter()
                .map(|v| {
                    let (text, miss) = fill(&v.text, &values, &scripts.fallback);
                    for m in miss {
                        if !missing.contains(&m) {
                            missing.push(m);
                        }
                    }
                    text
                })
                .collect();
            PurposeJson { id: p.id.clone(), title: p.title.clone(), about: p.about.clone(), variants, missing }
        })
        .collect();
    if args.json {
        return out::json(&filled);
    }
    let mut w = out::stdout();
    for p in &filled {
        writeln!(w, "{BOLD}{}{BOLD:#}  {HINT}{}{HINT:#}", p.title, p.id)?;
        dim(&mut w, &p.about)?;
        let shown = if all { &p.variants[..1] } else { &p.variants[..] };
        for v in shown {
            wrapped(&mut w, &format!("“{v}”"), "  ")?;
        }
        writeln!(w)?;
    }
    if all {
        dim(&mut w, "`attune scripts <kind>` shows every variant of one kind.")?;
    }
    let mut missing: Vec<&String> = filled.iter().flat_map(|p| &p.missing).collect();
    missing.sort();
    missing.dedup();
    let hint = |name: &str| match name {
        "partner" => Some("attune plan partner \"name\""),
        "need" | "need_looks_like" => Some("attune plan need transparency --looks-like \"…\""),
        "trigger" => Some("attune plan trigger late-reply --myself \"…\""),
        _ => None,
    };
    let mut hints: Vec<&str> = missing.iter().filter_map(|m| hint(m)).collect();
    hints.dedup();
    if !hints.is_empty() {
        writeln!(
            w,
            "{DIM}Words in [brackets] are for you to fill in; your plan can fill them: {}{DIM:#}",
            hints.join(" · ")
        )?;
    }
    dim(&mut w, "These are starting points: change them until they sound like you.")?;
    Ok(())
}
