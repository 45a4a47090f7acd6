//! Journal: the list with search and filters, one entry, edit, delete and
//! undo.

use std::collections::HashMap;

use askama::Template;
use attune_core::entry::Known;
use attune_core::vocab::{Sign, Source};
use attune_core::{Entry, LabelKind, Slug};
use attune_store::{EntryFilter, SearchHit, Store, UNDO_WINDOW_DAYS, Undone};
use axum::extract::{Path, Query, State};
use axum::{Extension, Form};
use serde::Deserialize;

use super::entry_form::{Choice, choices, entry_draft};
use super::safety::{Notice, after_save, settings};
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::views::Layout;

/// How many entries the list shows at first.
const PAGE: usize = 50;

/// One line of the list.
#[derive(Debug)]
pub struct Line {
    /// The entry number.
    pub seq: i64,
    /// "2026-11-26 21:00".
    pub when: String,
    /// The first words.
    pub title: String,
    /// Intensity, when given.
    pub intensity: Option<u8>,
    /// Trigger names.
    pub triggers: Vec<String>,
    /// Starred.
    pub starred: bool,
    /// For a search: the passage, as (text, matched) pieces.
    pub snippet: Vec<(String, bool)>,
}

/// The list page.
#[derive(Debug, Template)]
#[template(path = "journal.html")]
pub struct JournalPage {
    l: Layout,
    q: JournalQuery,
    lines: Vec<Line>,
    /// How many entries match, when known: a search counts its matches,
    /// the list only knows whether there are more than it shows (counting
    /// every match would read the whole journal on every page).
    total: Option<usize>,
    more: Option<String>,
    deleted: Option<i64>,
    /// An entry just deleted for good.
    gone: Option<i64>,
    undo_days: i64,
    triggers: Vec<Choice>,
    feelings: Vec<Choice>,
    signs: Vec<&'static str>,
    sources: Vec<&'static str>,
    filtered: bool,
}

/// The list's filters, as typed into the form (kept for the form).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct JournalQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub trigger: String,
    #[serde(default)]
    pub feeling: String,
    #[serde(default)]
    pub sign: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub min_intensity: String,
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub starred: String,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub deleted: Option<i64>,
    #[serde(default)]
    pub gone: Option<i64>,
}

fn names(store: &Store, kind: LabelKind) -> WebResult<HashMap<String, String>> {
    Ok(store.labels(kind)?.into_iter().map(|l| (l.slug.as_str().to_string(), l.name)).collect())
}

fn when(e: &Entry) -> String {
    e.occurred.local().strftime("%Y-%m-%d %H:%M").to_string()
}

/// "a [b] c" into pieces, the bracketed ones marked.
fn pieces(snippet: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find('[') {
        let Some(len) = rest[start..].find(']') else { break };
        out.push((rest[..start].to_string(), false));
        out.push((rest[start + 1..start + len].to_string(), true));
        rest = &rest[start + len + 1..];
    }
    out.push((rest.to_string(), false));
    out
}

fn date(text: &str, field: &str, end: bool, state: &AppState) -> WebResult<Option<jiff::Timestamp>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let d: jiff::civil::Date = text.trim().parse().map_err(|_| {
        WebError::User(format!("{field}: '{text}' is not a date like 2026-11-01. Nothing was changed."))
    })?;
    let tz = state.now().time_zone().clone();
    let t = if end { d.at(23, 59, 59, 999_999_999) } else { d.at(0, 0, 0, 0) };
    let z = t.to_zoned_datetime(tz).map_err(|e| WebError::User(format!("{field}: {e}")))?;
    Ok(Some(z.timestamp()))
}

fn line(e: &Entry, seq: i64, triggers: &HashMap<String, String>, snippet: Vec<(String, bool)>) -> Line {
    Line {
        seq,
        when: when(e),
        title: e.title(80),
        intensity: e.intensity.map(|i| i.get()),
        triggers: e.triggers.iter().map(|t| triggers.get(t.as_str()).cloned().unwrap_or(t.as_str().into())).collect(),
        starred: e.starred,
        snippet,
    }
}

/// `GET /journal`: the newest entries, or the filters of a "Show more" link.
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<JournalQuery>,
) -> WebResult {
    list_page(state, ctx, q).await
}

/// `POST /journal`: the search form. Posted, not sent in the address, so
/// the words searched for never reach the browser's history.
pub async fn search(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(q): Form<JournalQuery>,
) -> WebResult {
    list_page(state, ctx, q).await
}

async fn list_page(state: AppState, ctx: Ctx, q: JournalQuery) -> WebResult {
    let limit = q.limit.unwrap_or(PAGE).clamp(1, 10_000);
    let mut filter = EntryFilter {
        since: date(&q.since, "From", false, &state)?,
        until: date(&q.until, "Until", true, &state)?,
        starred: !q.starred.is_empty(),
        // One more than shown, to know whether there is a next page.
        limit: Some(limit + 1),
        ..Default::default()
    };
    if !q.trigger.is_empty() {
        filter
            .triggers
            .push(Slug::from_name(&q.trigger).map_err(|_| WebError::User("That trigger is not known.".into()))?);
    }
    if !q.feeling.is_empty() {
        filter
            .feelings
            .push(Slug::from_name(&q.feeling).map_err(|_| WebError::User("That feeling is not known.".into()))?);
    }
    if !q.sign.is_empty() {
        filter.signs.push(q.sign.parse::<Sign>().map_err(|e| WebError::User(e.to_string()))?);
    }
    if !q.source.is_empty() {
        filter.sources.push(q.source.parse::<Source>().map_err(|e| WebError::User(e.to_string()))?);
    }
    if !q.min_intensity.is_empty() {
        let n: u8 = q
            .min_intensity
            .parse()
            .ok()
            .filter(|n| *n <= 10)
            .ok_or_else(|| WebError::User("Intensity at least: a number from 0 to 10.".into()))?;
        filter.min_intensity = Some(n);
    }
    let words = q.q.trim().to_string();
    let (lines, total, more, triggers, feelings, mode) = state
        .store(move |store| {
            let names_t = names(store, LabelKind::Trigger)?;
            let mut lines = Vec::new();
            let total;
            let mut more = false;
            if words.is_empty() {
                total = None;
                for row in store.entries(&filter)? {
                    if lines.len() == limit {
                        more = true;
                        break;
                    }
                    lines.push(line(&row.item, row.seq, &names_t, Vec::new()));
                }
            } else {
                let (hits, count) = store.search(&words, limit)?;
                total = Some(count);
                for hit in hits {
                    if let SearchHit::Entry { row, snippet } = hit {
                        lines.push(line(&row.item, row.seq, &names_t, pieces(&snippet)));
                    }
                }
            }
            let mode = settings(store)?.mode;
            Ok((lines, total, more, choices(store, LabelKind::Trigger)?, choices(store, LabelKind::Feeling)?, mode))
        })
        .await?;
    let filtered = !q.q.is_empty()
        || !q.trigger.is_empty()
        || !q.feeling.is_empty()
        || !q.sign.is_empty()
        || !q.source.is_empty()
        || !q.min_intensity.is_empty()
        || !q.since.is_empty()
        || !q.until.is_empty()
        || !q.starred.is_empty();
    let more = more.then(|| {
        let mut params: Vec<(&str, String)> = vec![
            ("trigger", q.trigger.clone()),
            ("feeling", q.feeling.clone()),
            ("sign", q.sign.clone()),
            ("source", q.source.clone()),
            ("min_intensity", q.min_intensity.clone()),
            ("since", q.since.clone()),
            ("until", q.until.clone()),
            ("starred", q.starred.clone()),
        ];
        params.retain(|(_, v)| !v.is_empty());
        params.push(("limit", (limit * 2).to_string()));
        format!("/journal?{}", serde_urlencoded::to_string(&params).unwrap_or_default())
    });
    let page = JournalPage {
        l: layout(&state, &ctx, "Journal", "/journal", SafetyPolicyView::for_mode(mode)),
        deleted: q.deleted,
        gone: q.gone,
        undo_days: UNDO_WINDOW_DAYS,
        q,
        lines,
        total,
        more,
        triggers,
        feelings,
        signs: Sign::ALL.iter().map(|s| s.as_str()).collect(),
        sources: Source::ALL.iter().map(|s| s.as_str()).collect(),
        filtered,
    };
    render(&page)
}

/// One entry.
#[derive(Debug, Template)]
#[template(path = "entry.html")]
pub struct EntryPage {
    l: Layout,
    seq: i64,
    saved: bool,
    notice: Option<Notice>,
    when: String,
    e: Entry,
    triggers: Vec<String>,
    feelings: Vec<String>,
    signs: Vec<&'static str>,
    sources: Vec<&'static str>,
    undo_days: i64,
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /journal/{seq}`: the entry; words that may point to a crisis put
/// the support services above everything else.
pub async fn detail(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(seq): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> WebResult {
    let (row, t, f, s) = state
        .store(move |store| {
            let row = store.entry(seq)?;
            Ok((row, names(store, LabelKind::Trigger)?, names(store, LabelKind::Feeling)?, settings(store)?))
        })
        .await?;
    let notice = q
        .saved
        .is_some()
        .then(|| state.saved_decision(&format!("e{seq}")))
        .flatten()
        .and_then(|d| Notice::from_decision(&state.texts().safety, &d));
    let e = row.item;
    let page = EntryPage {
        l: layout(&state, &ctx, &format!("Entry {seq}"), "/journal", SafetyPolicyView::for_mode(s.mode)),
        seq,
        saved: q.saved.is_some(),
        notice,
        when: when(&e),
        triggers: e.triggers.iter().map(|x| t.get(x.as_str()).cloned().unwrap_or(x.as_str().into())).collect(),
        feelings: e.feelings.iter().map(|x| f.get(x.as_str()).cloned().unwrap_or(x.as_str().into())).collect(),
        signs: e.signs.iter().map(|s| s.as_str()).collect(),
        sources: e.sources.iter().map(|s| s.as_str()).collect(),
        undo_days: UNDO_WINDOW_DAYS,
        e,
    };
    render(&page)
}

/// The edit form.
#[derive(Debug, Template)]
#[template(path = "edit.html")]
pub struct EditPage {
    l: Layout,
    seq: i64,
    e: Entry,
    triggers: Vec<(Choice, bool)>,
    feelings: Vec<(Choice, bool)>,
    signs: Vec<(&'static str, bool)>,
    sources: Vec<(&'static str, bool)>,
    tags: String,
    intensity: String,
}

/// `GET /journal/{seq}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(seq): Path<i64>,
) -> WebResult {
    let (row, t, f, mode) = state
        .store(move |store| {
            Ok((
                store.entry(seq)?,
                choices(store, LabelKind::Trigger)?,
                choices(store, LabelKind::Feeling)?,
                settings(store)?.mode,
            ))
        })
        .await?;
    let e = row.item;
    let has = |list: &[Slug], id: &str| list.iter().any(|s| s.as_str() == id);
    let page = EditPage {
        l: layout(&state, &ctx, &format!("Edit entry {seq}"), "/journal", SafetyPolicyView::for_mode(mode)),
        seq,
        triggers: t.into_iter().map(|c| (has(&e.triggers, &c.id), c)).map(|(b, c)| (c, b)).collect(),
        feelings: f.into_iter().map(|c| (has(&e.feelings, &c.id), c)).map(|(b, c)| (c, b)).collect(),
        signs: Sign::ALL.iter().map(|s| (s.as_str(), e.signs.contains(s))).collect(),
        sources: Source::ALL.iter().map(|s| (s.as_str(), e.sources.contains(s))).collect(),
        tags: e.tags.join(", "),
        intensity: e.intensity.map(|i| i.get().to_string()).unwrap_or_default(),
        e,
    };
    render(&page)
}

/// `POST /journal/{seq}/edit`: same identity and times, new content.
pub async fn edit(State(state): State<AppState>, Path(seq): Path<i64>, Form(f): Form<Fields>) -> WebResult {
    let draft = entry_draft(&f)?;
    let ids = state.clone();
    let today = state.today();
    let decision = state
        .store(move |store| {
            let before = store.entry(seq)?.item;
            let triggers = store.labels(LabelKind::Trigger)?;
            let feelings = store.labels(LabelKind::Feeling)?;
            let known = Known { triggers: &triggers, feelings: &feelings };
            let entry = draft.into_entry(before.id, before.occurred.clone(), before.recorded.clone(), known)?;
            if entry == before {
                return Ok(None);
            }
            store.update_entry(&entry)?;
            Ok(Some(after_save(&ids.texts().safety, store, &entry.text_fields(), None, &today)))
        })
        .await?;
    if let Some(decision) = decision {
        state.set_saved_decision(format!("e{seq}"), decision);
    }
    see_other(&format!("/journal/{seq}?saved=1"))
}

/// `POST /journal/{seq}/delete`: the list then offers undo.
pub async fn delete(State(state): State<AppState>, Path(seq): Path<i64>) -> WebResult {
    state.store(move |store| Ok(store.delete_entry(seq)?)).await?;
    see_other(&format!("/journal?deleted={seq}"))
}

/// `POST /journal/{seq}/delete-for-good`: no undo; the store's rule removes
/// every copy the journal keeps.
pub async fn delete_for_good(State(state): State<AppState>, Path(seq): Path<i64>) -> WebResult {
    state
        .store(move |store| {
            // Only a live entry: the page offers the button on one.
            store.entry(seq)?;
            Ok(store.delete_entry_for_good(seq)?)
        })
        .await?;
    see_other(&format!("/journal?gone={seq}"))
}

/// `POST /undo`: reverts the last change.
pub async fn undo(State(state): State<AppState>) -> WebResult {
    let undone = state.store(|store| Ok(store.undo()?)).await?;
    match undone {
        Some(Undone::EntryDeleted(seq) | Undone::EntryEdited(seq)) => see_other(&format!("/journal/{seq}")),
        _ => see_other("/journal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_pieces() {
        let p = pieces("he was [late] again [today]");
        assert_eq!(
            p,
            vec![
                ("he was ".to_string(), false),
                ("late".to_string(), true),
                (" again ".to_string(), false),
                ("today".to_string(), true),
                (String::new(), false)
            ]
        );
    }
}
