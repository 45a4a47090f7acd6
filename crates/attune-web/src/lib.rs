//! attune's local web app (`attune serve`): server-rendered pages over the
//! encrypted journal, for people who will never open a terminal.
//!
//! Presentation only: records are read and written through `attune-store`,
//! and every rule (validation, insights, safety policy, crisis words, the
//! statement check) comes from `attune-core` and `attune-text`.
//!
//! Security model (see ARCHITECTURE.md, "web app"): loopback only, a one-time
//! launch token that becomes an HttpOnly SameSite=Strict session cookie, a
//! Host check against DNS rebinding, a CSRF token on every POST, a strict CSP
//! and no caching of private pages. The journal's key lives only in the
//! server's memory, and is dropped on lock, quick exit, idle timeout and
//! `attune lock` (with the kernel key cache). Text posted after the journal
//! locked is sealed to the drafts public key and offered back after unlock.

mod advice;
mod config;
mod error;
mod guard;
mod pages;
mod pending;
mod state;
mod texts;
mod throttle;
mod views;

use axum::Router;
use axum::routing::{get, post};

pub use config::{Config, ListenRefused, MIN_LOCK_AFTER, check_listen};
pub use state::{AppState, LAUNCH_VALID_FOR};
pub use throttle::{MAX_WAIT, wait_after};

/// Every route. Security checks wrap all of them (see `guard`).
pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::today::page))
        .route("/checkin", post(pages::today::checkin))
        .route("/log", post(pages::today::log))
        .route("/journal", get(pages::journal::list).post(pages::journal::search))
        .route("/journal/{seq}", get(pages::journal::detail))
        .route("/journal/{seq}/edit", get(pages::journal::edit_form).post(pages::journal::edit))
        .route("/journal/{seq}/delete", post(pages::journal::delete))
        .route("/journal/{seq}/delete-for-good", post(pages::journal::delete_for_good))
        .route("/undo", post(pages::journal::undo))
        .route("/insights", get(pages::insights::page))
        .route("/understand", get(pages::understand::page))
        .route("/understand/{id}", get(pages::understand::topic))
        .route("/assess/{id}", get(pages::assess::page).post(pages::assess::answer))
        .route("/plan", get(pages::plan::page))
        .route("/plan/need", post(pages::plan::need))
        .route("/plan/trigger", post(pages::plan::trigger))
        .route("/plan/trigger/remove", post(pages::plan::remove_trigger))
        .route("/plan/agreement", post(pages::plan::agreement))
        .route("/plan/calendar.ics", get(pages::plan::calendar))
        .route("/self-worth", get(pages::selfworth::page))
        .route("/self-worth/did", post(pages::selfworth::did))
        .route("/self-worth/affirmation", post(pages::selfworth::affirmation))
        .route("/self-worth/support", post(pages::selfworth::support))
        .route("/self-worth/support/{seq}/contact", post(pages::selfworth::contact))
        .route("/self-worth/support/{seq}/remove", post(pages::selfworth::remove))
        .route("/pause", get(pages::pause::page))
        .route("/pause/done", post(pages::pause::done))
        .route("/say", get(pages::say::page).post(pages::say::check_route))
        .route("/safety", get(pages::safety::page))
        .route("/safety/mode", post(pages::safety::mode))
        .route("/safety/country", post(pages::safety::country))
        .route("/safety/plan/{kind}", get(pages::safety_plan::page))
        .route("/safety/plan/{kind}/edit", get(pages::safety_plan::edit_form).post(pages::safety_plan::edit))
        .route("/safety/plan/{kind}/delete", post(pages::safety_plan::delete))
        .route("/safety/check", get(pages::safety_check::page).post(pages::safety_check::answer))
        .route("/settings", get(pages::settings::page))
        .route("/settings/passphrase", post(pages::settings::passphrase))
        .route("/settings/lock-after", post(pages::settings::lock_after))
        .route("/settings/backup", post(pages::settings::backup))
        .route("/settings/purge", post(pages::settings::purge))
        .route("/settings/erase", get(pages::settings::erase_form).post(pages::settings::erase))
        .route("/settings/export", post(pages::transfer::export))
        .route(
            "/settings/import",
            post(pages::transfer::import).layer(axum::extract::DefaultBodyLimit::max(guard::MAX_UPLOAD)),
        )
        .route("/settings/import/confirm", post(pages::transfer::confirm))
        .route("/settings/import/cancel", post(pages::transfer::cancel))
        .route("/settings/report", post(pages::transfer::report))
        .route("/restore", get(pages::restore::page).post(pages::restore::restore))
        .route("/unlock", get(pages::unlock::page).post(pages::unlock::unlock))
        .route("/lock", post(pages::unlock::lock))
        .route("/exit", post(pages::unlock::exit))
        .route("/idle-lock", post(pages::drafts::idle_lock))
        .route("/drafts/{id}/restore", post(pages::drafts::restore))
        .route("/drafts/{id}/discard", post(pages::drafts::discard))
        .route("/open", get(pages::unlock::open))
        .route("/bye", get(pages::unlock::bye))
        .route("/assets/{name}", get(pages::assets::asset));
    pages.layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard)).with_state(state)
}
