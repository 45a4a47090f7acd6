//! What a handler can fail with, and the calm page that says so: what
//! went wrong, whether anything changed, and what to do about it.

use askama::Template;
use attune_core::ValidationError;
use attune_store::StoreError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::advice;
use crate::views::ErrorPage;

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
                if let Some(advice) = advice::for_store_error(&e) {
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

/// Handler result.
pub type WebResult<T = Response> = Result<T, WebError>;

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
