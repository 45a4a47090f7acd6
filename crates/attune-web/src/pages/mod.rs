//! Route handlers: each reads the request, asks the store and core, and
//! renders a template from `views`.

pub mod assess;
pub mod assets;
pub mod drafts;
pub mod entry_form;
pub mod insights;
pub mod journal;
pub mod pause;
pub mod plan;
pub mod restore;
pub mod safety;
pub mod safety_check;
pub mod safety_plan;
pub mod say;
pub mod selfworth;
pub mod settings;
pub mod settings_page;
pub mod today;
pub mod transfer;
pub mod transfer_form;
pub mod understand;
pub mod unlock;

use askama::Template;
use attune_core::safety::SafetyPolicy;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

pub use crate::error::{WebError, WebResult};
use crate::state::AppState;
use crate::views::{Layout, NavItem, NoSessionPage};

/// What the guard hands every handler behind it.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The session's CSRF token, for the forms on the page.
    pub csrf: String,
}

/// Renders a template as a 200 page.
pub fn render(t: &impl Template) -> WebResult {
    Ok(Html(t.render()?).into_response())
}

/// After a POST: go to `to` (303, so reloading does not post again).
pub fn see_other(to: &str) -> WebResult {
    Ok(Redirect::to(to).into_response())
}

/// The answer to a request without the session cookie.
pub fn no_session(get: bool) -> Response {
    if !get {
        return (StatusCode::FORBIDDEN, "This request did not come from attune's own page, so nothing was changed.")
            .into_response();
    }
    match (NoSessionPage {}).render() {
        Ok(html) => (StatusCode::UNAUTHORIZED, Html(html)).into_response(),
        Err(_) => (StatusCode::UNAUTHORIZED, "attune is locked").into_response(),
    }
}

const NAV: [(&str, &str, bool); 10] = [
    ("/", "Today", false),
    ("/journal", "Journal", false),
    ("/insights", "Insights", false),
    ("/understand", "Understand", false),
    ("/plan", "Plan", false),
    ("/pause", "Pause", false),
    // Talking with the partner: hidden in safety mode.
    ("/say", "Say it", true),
    ("/self-worth", "Self-worth", false),
    ("/safety", "Safety", false),
    ("/settings", "Settings", false),
];

/// The frame around every page.
pub fn layout(state: &AppState, ctx: &Ctx, title: &str, current: &str, policy: SafetyPolicyView) -> Layout {
    let nav = NAV
        .iter()
        .filter(|(_, _, partner)| !partner || policy.partner_talk)
        .map(|(href, label, _)| NavItem { href, label, current: *href == current })
        .collect();
    Layout {
        title: title.to_string(),
        csrf: ctx.csrf.clone(),
        lock_secs: state.lock_after().as_secs(),
        nav,
        safety_mode: !policy.partner_talk,
        plain: state.is_plain(),
    }
}

/// The parts of the safety policy the frame needs.
#[derive(Clone, Copy, Debug)]
pub struct SafetyPolicyView {
    /// Whether partner-facing features are offered.
    pub partner_talk: bool,
}

impl SafetyPolicyView {
    /// The frame's part of core's policy for safety mode on or off (the
    /// rule is core's, never decided here).
    pub fn for_mode(mode: bool) -> Self {
        Self { partner_talk: SafetyPolicy::for_mode(mode).suggest_partner_talk }
    }
}

/// A form's fields in order (repeated names kept).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, trimmed; `None` when missing or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// The text of `name`, or empty.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }

    /// Every non-blank value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string()).collect()
    }

    /// A whole number, with a clear error naming the field.
    pub fn number(&self, name: &str, label: &str) -> WebResult<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| WebError::User(format!("{label}: '{v}' is not a whole number; nothing was saved."))),
        }
    }
}
