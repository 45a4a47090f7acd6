//! Route handlers: each reads the request, asks the store and core, and
//! renders a template from `views`.

pub mod assess;
pub mod assets;
pub mod drafts;
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
pub mod today;
pub mod transfer;
pub mod understand;
pub mod unlock;

use askama::Template;
use attune_core::ValidationError;
use attune_store::StoreError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::AppState;
use crate::views::{ErrorPage, Layout, NavItem, NoSessionPage};

/// What the guard hands every handler behind it.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The session's CSRF token, for the forms on the page.
    pub csrf: String,
}

/// Anything a handler can fail with, shown as a calm page.
#[derive(Debug)]
pub enum WebError {
    /// The journal is locked (idle time, quick exit): go unlock.
    Locked,
    /// No such page or record.
    NotFound(String),
    /// Input that cannot be saved; the message says what and how to fix it.
    User(String),
    /// The store refused.
    Store(StoreError),
    /// A bug or a broken built-in text.
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound(e.to_string()),
            other => WebError::Store(other),
        }
    }
}

impl From<ValidationError> for WebError {
    fn from(e: ValidationError) -> Self {
        WebError::User(format!("Nothing was saved: {e}."))
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("a page could not be drawn: {e}"))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            WebError::Locked => return Redirect::to("/unlock").into_response(),
            WebError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            WebError::User(m) => (StatusCode::BAD_REQUEST, m),
            WebError::Store(e) => {
                let status = match e {
                    StoreError::Busy | StoreError::InUse(_) | StoreError::DiskFull | StoreError::ReadOnly(_) => {
                        StatusCode::SERVICE_UNAVAILABLE
                    }
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                let mut message = match &e {
                    StoreError::PartlyErased { path, .. } => format!(
                        "Erasing did not finish: {e}. Try Erase again, or delete the folder {} yourself.",
                        path.display()
                    ),
                    _ => format!("The journal could not be read or written: {e}. Nothing was changed."),
                };
                if let Some(advice) = store_advice(&e) {
                    message.push(' ');
                    message.push_str(advice);
                }
                (status, message)
            }
            WebError::Internal(m) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("Something went wrong in attune: {m}. Nothing was changed."),
            ),
        };
        let page = ErrorPage { message };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.message).into_response(),
        }
    }
}

/// What a person can do about a store error, where there is something to
/// do; the web app's words for the hints the CLI gives.
fn store_advice(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Busy => Some("Wait a moment and try again; if it keeps happening, close other attune windows."),
        StoreError::InUse(_) => Some("Close attune in your terminal (any command still running), then try again."),
        StoreError::DiskFull | StoreError::DiskIo(_) => {
            Some("Check that the disk has free space and is still connected, then try again.")
        }
        StoreError::ReadOnly(_) => {
            Some("The journal's folder cannot be written to: check its permissions, or whether the disk is read-only.")
        }
        StoreError::TooNew { .. } | StoreError::KeyFileTooNew { .. } => {
            Some("Update attune to its newest version, then start it again.")
        }
        StoreError::Plain(_) => Some(
            "If you chose a journal without encryption, add allow_plain = true to attune's config file and start \
             attune again. If you did not, someone may have replaced your journal: do not write in it, and put \
             your encrypted backup back on the Restore page (/restore).",
        ),
        _ => None,
    }
}

/// Handler result.
pub type WebResult<T = Response> = Result<T, WebError>;

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::PathBuf;

    use http_body_util::BodyExt;

    use super::*;

    async fn page(e: StoreError) -> (StatusCode, String) {
        let resp = WebError::Store(e).into_response();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn an_erase_that_stopped_part_way_never_says_nothing_was_changed() {
        let e = StoreError::PartlyErased { path: PathBuf::from("/somewhere/journal"), reason: "disk gone".into() };
        let (status, html) = page(e).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!html.contains("Nothing was changed"), "{html}");
        assert!(html.contains("can no longer be read by anyone") && html.contains("disk gone"), "{html}");
        assert!(html.contains("Try Erase again, or delete the folder /somewhere/journal yourself"), "{html}");
    }

    #[tokio::test]
    async fn a_store_error_page_says_what_to_do_when_there_is_something() {
        let dir = PathBuf::from("/somewhere/journal");
        let (status, html) = page(StoreError::Busy).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(html.contains("Nothing was changed. Wait a moment and try again"), "{html}");
        let (status, html) = page(StoreError::InUse(dir.clone())).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(html.contains("open in another attune") && html.contains("Close attune in your terminal"), "{html}");
        let (status, html) = page(StoreError::DiskFull).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(html.contains("free space"), "{html}");
        let (_, html) = page(StoreError::DiskIo(dir.clone())).await;
        assert!(html.contains("still connected"), "{html}");
        let (_, html) = page(StoreError::ReadOnly(dir.clone())).await;
        assert!(html.contains("check its permissions"), "{html}");
        let (status, html) = page(StoreError::TooNew { found: 99, known: 12 }).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(html.contains("newer attune (schema 99"), "{html}");
        assert!(html.contains("Update attune to its newest version"), "{html}");
        // Nothing a person could do: the message alone, no invented advice.
        let (_, html) = page(StoreError::Corrupt(dir)).await;
        assert!(html.contains("damaged or not an attune journal. Nothing was changed.</p>"), "{html}");
    }
}
