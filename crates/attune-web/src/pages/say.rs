//! Say it: the statement helper. Four short answers become a message
//! without blame, or a draft is checked, with the words that may land as
//! blame highlighted (`attune_text::statement`, as `attune say`). Offered only
//! outside safety mode.

use askama::Template;
use attune_core::plan::SafetyModeNote;
use attune_core::safety::SafetyPolicy;
use attune_core::safety::draft_note;
use attune_core::scripts::ComposerTexts;
use attune_text::statement::Lexicon;
use axum::extract::State;
use axum::{Extension, Form};

use super::safety::{Step, step};
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render};
use crate::state::AppState;
use crate::views::Layout;

/// A highlighted finding.
#[derive(Debug)]
pub struct Found {
    /// The words.
    pub excerpt: String,
    /// The kind's short name.
    pub name: String,
    /// Why it may land badly.
    pub reason: String,
}

/// What the check says about a text.
#[derive(Debug, Default)]
pub struct Checked {
    /// The text, as (piece, highlighted) pieces.
    pub pieces: Vec<(String, bool)>,
    /// Each finding.
    pub found: Vec<Found>,
    /// Tips, one per kind found.
    pub tips: Vec<String>,
    /// A skeleton to rewrite from.
    pub rewrite: String,
}

/// The Say it page.
#[derive(Debug, Template)]
#[template(path = "say.html")]
pub struct SayPage {
    l: Layout,
    t: ComposerTexts,
    /// Safety mode: the note `attune say` shows instead (plan/texts.toml),
    /// and nothing is checked or composed.
    safety_note: Option<SafetyModeNote>,
    draft: String,
    parts: [String; 4],
    message: Option<String>,
    checked: Option<Checked>,
    /// Core's note when the draft describes control or harm done to the person.
    draft_note: Option<DraftView>,
}

/// Core's draft note, with its next steps as links.
#[derive(Debug)]
pub struct DraftView {
    title: String,
    text: String,
    noticed: Option<String>,
    next: Vec<Step>,
}

/// Splits `text` at the findings' spans.
fn check(text: &str, lex: &Lexicon, t: &ComposerTexts, need: Option<&str>) -> Checked {
    let result = lex.check(text);
    let mut pieces = Vec::new();
    let mut at = 0;
    for f in &result.findings {
        if f.span.start < at {
            continue;
        }
        pieces.push((text.get(at..f.span.start).unwrap_or_default().to_string(), false));
        pieces.push((text.get(f.span.clone()).unwrap_or_default().to_string(), true));
        at = f.span.end;
    }
    pieces.push((text.get(at..).unwrap_or_default().to_string(), false));
    let found = result
        .findings
        .iter()
        .map(|f| Found {
            excerpt: text.get(f.span.clone()).unwrap_or_default().to_string(),
            name: lex.kind_text(f.kind).map(|k| k.name.clone()).unwrap_or_else(|| f.kind.as_str().into()),
            reason: f.reason.clone(),
        })
        .collect();
    let tips = result.kinds().into_iter().filter_map(|k| lex.kind_text(k).map(|t| t.tip.clone())).collect();
    Checked { pieces, found, tips, rewrite: t.skeleton_for(need) }
}

/// `GET /say`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let t = state.texts().composer.clone();
    let mode = state.store(|store| Ok(store.safety_mode()?)).await?;
    let talk = SafetyPolicy::for_mode(mode).suggest_partner_talk;
    render(&SayPage {
        l: layout(&state, &ctx, "Say it", "/say", SafetyPolicyView { partner_talk: talk }),
        t,
        safety_note: (!talk).then(|| state.texts().plan.safety_mode.clone()),
        draft_note: None,
        draft: String::new(),
        parts: Default::default(),
        message: None,
        checked: None,
    })
}

/// `POST /say`: `draft` to check, or the four parts to compose.
pub async fn check_page(state: AppState, ctx: Ctx, f: Fields) -> WebResult {
    let t = state.texts().composer.clone();
    let lex = &state.texts().lexicon;
    let (mode, need) = state
        .store(|store| Ok((store.safety_mode()?, store.needs()?.into_iter().next().map(|n| n.name.to_lowercase()))))
        .await?;
    let talk = SafetyPolicy::for_mode(mode).suggest_partner_talk;
    let parts = [f.text("when"), f.text("feel"), f.text("need"), f.text("ask")];
    let draft = f.text("draft");
    let (message, checked) = if !talk {
        (None, None)
    } else if f.get("compose").is_some() {
        if parts.iter().any(|p| p.trim().is_empty()) {
            return Err(WebError::User("Each of the four parts needs a few words.".into()));
        }
        let message = t.compose(&parts[0], &parts[1], &parts[2], &parts[3]);
        let checked = check(&message, lex, &t, need.as_deref());
        (Some(message), Some(checked))
    } else {
        if draft.trim().is_empty() {
            return Err(WebError::User("There is nothing to check yet: write your draft message first.".into()));
        }
        (None, Some(check(&draft, lex, &t, need.as_deref())))
    };
    let draft_note = if !talk || draft.trim().is_empty() {
        None
    } else {
        draft_note(&state.texts().safety.core, &draft).map(|n| DraftView {
            title: n.title,
            text: n.text,
            noticed: n.noticed,
            next: n.next.into_iter().map(step).collect(),
        })
    };
    render(&SayPage {
        l: layout(&state, &ctx, "Say it", "/say", SafetyPolicyView { partner_talk: talk }),
        t,
        safety_note: (!talk).then(|| state.texts().plan.safety_mode.clone()),
        draft,
        parts,
        message,
        checked,
        draft_note,
    })
}

/// `POST /say`.
pub async fn check_route(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<Fields>,
) -> WebResult {
    check_page(state, ctx, f).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use attune_core::content::Library;

    #[test]
    fn findings_are_split_out() {
        let lib = Library::embedded();
        let t = ComposerTexts::load(&lib).unwrap();
        let lex = Lexicon::parse(lib.text("say/statement_lexicon.toml").unwrap()).unwrap();
        let c = check("You always ignore me.", &lex, &t, None);
        assert!(c.pieces.iter().any(|(p, hit)| *hit && p.to_lowercase().contains("always")), "{:?}", c.pieces);
        let joined: String = c.pieces.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(joined, "You always ignore me.");
    }
}
