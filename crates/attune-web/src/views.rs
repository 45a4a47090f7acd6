//! Shared template parts: the page frame and the pages without it.

use askama::Template;

/// One link in the main navigation.
#[derive(Debug)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// Whether it is the page shown.
    pub current: bool,
}

/// The frame of every signed-in page.
#[derive(Debug)]
pub struct Layout {
    /// What the page is about: the label of its main region, never the
    /// `<title>`, which the browser keeps in its history.
    pub title: String,
    /// The CSRF token for the forms.
    pub csrf: String,
    /// Idle seconds before the journal locks (app.js hides the page then).
    pub lock_secs: u64,
    /// The navigation.
    pub nav: Vec<NavItem>,
    /// Whether safety mode is on.
    pub safety_mode: bool,
    /// Whether the open journal is not encrypted (a banner on every page).
    pub plain: bool,
}

/// A calm error page.
#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// What went wrong and what to do.
    pub message: String,
}

/// Shown to a browser without the session.
#[derive(Debug, Template)]
#[template(path = "no_session.html")]
pub struct NoSessionPage {}

/// The neutral page after a quick exit.
#[derive(Debug, Template)]
#[template(path = "bye.html")]
pub struct ByePage {}
