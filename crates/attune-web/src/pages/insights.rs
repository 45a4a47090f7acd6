//! Insights: `attune_core::insights` over the whole journal, as
//! `attune insights` computes them, drawn as server-side SVG charts.

use std::collections::HashMap;

use askama::Template;
use attune_core::insights::{Insights, InsightsConfig, Verdict, Window, insights};
use attune_core::{Checkin, LabelKind};
use axum::Extension;
use axum::extract::State;

use super::safety::settings;
use super::{Ctx, SafetyPolicyView, WebError, WebResult, layout, render};
use crate::AppState;
use crate::charts::{self, Series};
use crate::views::Layout;

/// The charts show at most this many weeks (like the CLI).
const CHART_WEEKS: usize = 52;
/// Triggers in the ranking.
const TOP_TRIGGERS: usize = 8;

/// The Insights page.
#[derive(Debug, Template)]
#[template(path = "insights.html")]
pub struct InsightsPage {
    l: Layout,
    entries: usize,
    checkins: usize,
    weeks: u32,
    verdict: &'static str,
    verdict_text: String,
    evidence: Vec<String>,
    trends: Vec<String>,
    help: Option<(String, String)>,
    lines_svg: String,
    triggers_svg: Option<String>,
    heat_svg: Option<String>,
    signs_svg: Option<String>,
    sources_svg: Option<String>,
    peak: Option<String>,
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Quiet => "quiet",
        Verdict::TooEarly => "too early to tell",
        Verdict::Passing => "passing",
        Verdict::Recurring => "recurring",
    }
}

/// Computes the insights for the whole journal.
pub fn compute(state: &AppState, store: &attune_store::Store) -> WebResult<(Insights, HashMap<String, String>)> {
    let lib = state.library();
    let bad = |e: attune_core::content::ContentError| WebError::Internal(format!("{}: {}", e.file, e.message));
    let cfg = InsightsConfig::from_toml(lib.text("insights.toml").map_err(bad)?).map_err(bad)?;
    let (_, entries) = store.entries_for_stats(None, None)?;
    let checkins: Vec<Checkin> = store.checkins_between(None, None)?.into_iter().map(|r| r.checkin).collect();
    let names = store.labels(LabelKind::Trigger)?.into_iter().map(|l| (l.slug.as_str().to_string(), l.name)).collect();
    Ok((insights(&entries, &checkins, &state.now(), Window::All, &cfg), names))
}

/// `GET /insights`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let st = state.clone();
    let (ins, names, mode) = state
        .store(move |store| {
            let (ins, names) = compute(&st, store)?;
            Ok((ins, names, settings(store)?.mode))
        })
        .await?;
    let weeks: Vec<_> = ins.progress.weeks.iter().rev().take(CHART_WEEKS).rev().collect();
    let labels: Vec<String> = weeks.iter().map(|w| w.end.strftime("%b %-d").to_string()).collect();
    let series = vec![
        Series { class: "s-security", label: "felt security", values: weeks.iter().map(|w| w.security).collect() },
        Series { class: "s-seen", label: "seen", values: weeks.iter().map(|w| w.seen).collect() },
        Series { class: "s-trusted", label: "trusted", values: weeks.iter().map(|w| w.trusted).collect() },
        Series { class: "s-respected", label: "respected", values: weeks.iter().map(|w| w.respected).collect() },
    ];
    let rated = weeks.iter().filter(|w| w.security.is_some()).count();
    let lines_svg = charts::lines(
        "Felt security, seen, trusted and respected, week by week (0 to 10)",
        &format!("{rated} of {} weeks have a check-in. The straight line is the trend of felt security.", weeks.len()),
        &labels,
        &series,
    );
    let ranked: Vec<(String, f64, String)> = ins
        .triggers
        .ranked
        .iter()
        .take(TOP_TRIGGERS)
        .map(|t| {
            let name = names.get(t.trigger.as_str()).cloned().unwrap_or_else(|| t.trigger.as_str().to_string());
            let mean = t.mean_intensity.map(|m| format!(", intensity {m:.1}")).unwrap_or_default();
            (name, f64::from(t.episodes), format!("{} times{mean}", t.episodes))
        })
        .collect();
    let triggers_svg = (!ranked.is_empty()).then(|| charts::bars("c-trig", "What set it off most", &ranked));
    let parts = vec!["night".to_string(), "morning".into(), "afternoon".into(), "evening".into()];
    let rows: Vec<(String, Vec<u32>)> = ins
        .contexts
        .grid
        .iter()
        .map(|r| (r.weekday.to_string(), r.cells.iter().map(|c| c.episodes).collect()))
        .collect();
    let any = rows.iter().any(|r| r.1.iter().any(|n| *n > 0));
    let heat_svg = any.then(|| charts::heat("Moments by weekday and time of day", &parts, &rows));
    let profile = |id: &str, title: &str, shares: Vec<(String, f64)>| {
        let rows: Vec<(String, f64, String)> =
            shares.into_iter().map(|(n, s)| (n.replace('-', " "), s, format!("{:.0}%", s * 100.0))).collect();
        (!rows.is_empty()).then(|| charts::bars(id, title, &rows))
    };
    let signs_svg = profile(
        "c-signs",
        "Signs you noticed",
        ins.contexts.signs.iter().filter(|p| p.entries > 0).map(|p| (p.id.as_str().to_string(), p.share)).collect(),
    );
    let sources_svg = profile(
        "c-sources",
        "Where it may come from",
        ins.contexts.sources.iter().filter(|p| p.entries > 0).map(|p| (p.id.as_str().to_string(), p.share)).collect(),
    );
    let ev = &ins.pattern.evidence;
    let mut evidence = vec![
        format!("{} moments in {} of the last {} weeks", ev.episodes, ev.weeks_with_episodes, ev.weeks.len()),
        format!("{} of them strong", ev.strong_episodes),
    ];
    if let Some(m) = ev.mean_intensity {
        evidence.push(format!("average intensity {m:.1}"));
    }
    if let Some(s) = ev.mean_security {
        evidence.push(format!("average felt security {s:.1} over {} check-ins", ev.checkins));
    }
    evidence.push(ins.pattern.rule.clone());
    let page = InsightsPage {
        l: layout(&state, &ctx, "Insights", "/insights", SafetyPolicyView { partner_talk: !mode }),
        entries: ins.window.entries,
        checkins: ins.window.checkins,
        weeks: ins.window.weeks,
        verdict: verdict_name(ins.pattern.verdict),
        verdict_text: ins.pattern.text.clone(),
        evidence,
        trends: ins.progress.trends.iter().map(|t| t.text.clone()).collect(),
        help: ins.professional_help.as_ref().map(|h| (h.text.clone(), h.not_diagnosis.clone())),
        lines_svg,
        triggers_svg,
        heat_svg,
        signs_svg,
        sources_svg,
        peak: ins.contexts.peak.as_ref().map(|p| p.weekday.to_string()),
    };
    render(&page)
}
