//! Insights: `attune_core::insights` over the whole journal, as
//! `attune insights` computes them, drawn as server-side SVG charts.

use std::collections::HashMap;

use askama::Template;
use attune_core::insights::{Insights, NextKind, Verdict, WeekSummary, Window, insights_of, next_steps};
use attune_core::safety::SafetyPolicy;
use attune_core::{Checkin, LabelKind};
use attune_formats::report::svg::{BarChart, HeatMap, LineChart, Series};
use axum::Extension;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::{Ctx, SafetyPolicyView, WebError, WebResult, layout, render};
use crate::state::AppState;
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
    windows: Vec<(String, String, bool)>,
    /// Core's next steps: (text, whether it is the safety-first line).
    next: Vec<(String, bool)>,
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Quiet => "quiet",
        Verdict::TooEarly => "too early to tell",
        Verdict::Passing => "passing",
        Verdict::Recurring => "recurring",
    }
}

/// Computes the insights for `window`, reading only the records it needs
/// (the window plus the weeks the pattern and setback rules compare with, a
/// day wider for other time zones), and of each entry only what the
/// insights count (the store's lean `Facts`), as `attune insights` does.
pub fn compute(
    state: &AppState,
    store: &attune_store::Store,
    window: Window,
) -> WebResult<(Insights, HashMap<String, String>)> {
    let cfg = &state.texts().insights;
    let now = state.now();
    let since = match window {
        Window::All => None,
        Window::LastWeeks(n) => {
            let weeks = n.min(cfg.window.max_weeks).max(cfg.pattern.recent_weeks).max(cfg.progress.setback_weeks + 1);
            now.date()
                .checked_sub(jiff::ToSpan::days(i64::from(weeks) * 7 + 1))
                .ok()
                .and_then(|d| d.to_zoned_datetime(now.time_zone().clone()).ok())
                .map(|z| z.timestamp())
        }
    };
    let (_, facts) = store.entry_facts(since, None)?;
    let checkins: Vec<Checkin> = store.checkins_between(since, None)?.into_iter().map(|r| r.item).collect();
    let names = store.labels(LabelKind::Trigger)?.into_iter().map(|l| (l.slug.as_str().to_string(), l.name)).collect();
    Ok((insights_of(&facts, &checkins, &[], &now, window, cfg), names))
}

/// The stretches offered; the first is shown unless another is chosen.
const WINDOWS: [(&str, Option<u32>); 4] = [
    ("the last 26 weeks", Some(26)),
    ("the last 12 weeks", Some(12)),
    ("the last year", Some(52)),
    ("everything", None),
];

#[derive(Debug, Default, Deserialize)]
pub struct InsightsQuery {
    #[serde(default)]
    weeks: Option<String>,
}

/// `GET /insights`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<InsightsQuery>,
) -> WebResult {
    let chosen = match q.weeks.as_deref() {
        None | Some("") => WINDOWS[0].1,
        Some("all") => None,
        Some(w) => Some(
            w.parse::<u32>()
                .ok()
                .filter(|w| (1..=5200).contains(w))
                .ok_or_else(|| WebError::User(format!("Weeks: '{w}' is not a number of weeks from 1 to 5200.")))?,
        ),
    };
    let window = chosen.map_or(Window::All, Window::LastWeeks);
    let st = state.clone();
    let (ins, names, mode) = state
        .store(move |store| {
            let (ins, names) = compute(&st, store, window)?;
            Ok((ins, names, store.safety_mode()?))
        })
        .await?;
    let weeks: Vec<_> = ins.progress.weeks.iter().rev().take(CHART_WEEKS).rev().collect();
    // About six dates under the axis, so they never overlap.
    let step = (weeks.len() / 6).max(1);
    let labels: Vec<String> = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| if i % step == 0 { w.end.strftime("%b %-d").to_string() } else { String::new() })
        .collect();
    let series = |class: &str, name: &str, value: fn(&WeekSummary) -> Option<f64>| Series {
        name: name.into(),
        values: weeks.iter().map(|w| value(w)).collect(),
        class: class.into(),
        // Dots on the main line only: four dotted lines over a year are a blur.
        dots: class == "s-security",
    };
    let rated = weeks.iter().filter(|w| w.security.is_some()).count();
    let lines_svg = LineChart {
        title: "Felt security, seen, trusted and respected, week by week (0 to 10)".into(),
        desc: format!(
            "{rated} of {} weeks have a check-in. The straight line is the trend of felt security.",
            weeks.len()
        ),
        id: "c-lines".into(),
        x_labels: labels,
        y_min: 0.0,
        y_max: 10.0,
        series: vec![
            series("s-security", "felt security", |w| w.security),
            series("s-seen", "seen", |w| w.seen),
            series("s-trusted", "trusted", |w| w.trusted),
            series("s-respected", "respected", |w| w.respected),
        ],
        trend: true,
    }
    .render();
    let bars = |id: &str, title: &str, bars: Vec<(String, f64, String)>| {
        let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max);
        (!bars.is_empty()).then(|| BarChart { title: title.into(), id: id.into(), bars, max }.render())
    };
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
    let triggers_svg = bars("c-trig", "What set it off most", ranked);
    let parts = vec!["night".to_string(), "morning".into(), "afternoon".into(), "evening".into()];
    let rows: Vec<(String, Vec<u32>)> = ins
        .contexts
        .grid
        .iter()
        .map(|r| (r.weekday.to_string(), r.cells.iter().map(|c| c.episodes).collect()))
        .collect();
    let any = rows.iter().any(|r| r.1.iter().any(|n| *n > 0));
    let heat_svg = any.then(|| {
        HeatMap { title: "Moments by weekday and time of day".into(), id: "c-heat".into(), columns: parts, rows }
            .render()
    });
    let profile = |id: &str, title: &str, shares: Vec<(String, f64)>| {
        let rows: Vec<(String, f64, String)> =
            shares.into_iter().map(|(n, s)| (n.replace('-', " "), s, format!("{:.0}%", s * 100.0))).collect();
        bars(id, title, rows)
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
    let policy = SafetyPolicy::for_mode(mode);
    let next = next_steps(&ins, &state.texts().insights, policy)
        .into_iter()
        .map(|s| (s.text, s.kind == NextKind::SafetyFirst))
        .collect();
    let page = InsightsPage {
        l: layout(
            &state,
            &ctx,
            "Insights",
            "/insights",
            SafetyPolicyView { partner_talk: policy.suggest_partner_talk },
        ),
        next,
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
        windows: WINDOWS
            .iter()
            .map(|(label, w)| (w.map_or("all".to_string(), |w| w.to_string()), label.to_string(), *w == chosen))
            .collect(),
    };
    render(&page)
}
