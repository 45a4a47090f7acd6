//! Putting a backup back (`Store::restore`): reachable while locked, since
//! a journal that no longer opens is when it is needed most.

use std::path::PathBuf;

use askama::Template;
use attune_store::{Passphrase, Store, StoreError, backup_key_file};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};

use super::unlock::secrets;
use super::{Ctx, WebError, WebResult, render, see_other};
use crate::state::AppState;

/// The restore form.
#[derive(Debug, Template)]
#[template(path = "restore.html")]
pub struct RestorePage {
    /// The CSRF token.
    pub csrf: String,
    /// The backup file as typed.
    pub file: String,
    /// Where the settings page writes backups, shown as an example.
    pub backups: String,
    /// Why the last try was refused.
    pub error: Option<String>,
}

/// `GET /restore`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    render(&RestorePage { csrf: ctx.csrf, file: String::new(), backups: backups(&state), error: None })
}

fn backups(state: &AppState) -> String {
    super::settings_page::default_backup_dir(state).display().to_string()
}

/// `POST /restore`: checks the backup, then swaps it in and opens it.
pub async fn restore(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, body: Bytes) -> WebResult {
    let [pass, typed] = secrets(body, ["passphrase", "file"]);
    let typed = typed.trim().to_string();
    let retry = |status: StatusCode, msg: String| -> WebResult {
        let page =
            RestorePage { csrf: ctx.csrf.clone(), file: typed.clone(), backups: backups(&state), error: Some(msg) };
        Ok((status, Html(page.render()?)).into_response())
    };
    let file = PathBuf::from(&typed);
    // A pasted page is not repeated back in full.
    let shown = attune_core::entry::shorten(&typed, 300);
    if !file.is_absolute() {
        return retry(
            StatusCode::BAD_REQUEST,
            format!("Backup file: '{shown}' is not a full path (it should start with /). Nothing was changed."),
        );
    }
    if !file.is_file() {
        return retry(StatusCode::BAD_REQUEST, format!("There is no backup at {shown}. Nothing was changed."));
    }
    let key_file = backup_key_file(&file);
    if !key_file.is_file() {
        return retry(
            StatusCode::BAD_REQUEST,
            format!(
                "The backup's key file {} is missing. A backup is two files, written side by side; both are \
                 needed. Nothing was changed.",
                key_file.display()
            ),
        );
    }
    // A backup's passphrase is derived like the journal's: the same gate.
    // No waiting here: a restore sent twice must not swap the journal twice.
    let mut tries = match state.passphrase_gate().enter() {
        Ok(tries) => tries,
        Err(refused) => return retry(StatusCode::TOO_MANY_REQUESTS, refused.message()),
    };
    // The open journal is closed first, so nothing writes to it once it is moved aside.
    state.lock_now();
    let dir = state.cfg().store_dir.clone();
    let allow_plain = state.cfg().allow_plain;
    let pass = Passphrase::new(pass.to_string());
    let done = AppState::blocking(move || {
        let encrypted = Store::probe_backup(&file)?;
        // A plain backup only with the person's allow_plain, locked or not.
        if !encrypted && allow_plain {
            drop(tries);
            let restored = Store::restore_plain(&dir, &file)?;
            return Ok((Store::open_plain(&dir)?, None, restored.previous));
        }
        let restored = Store::restore(&dir, &file, encrypted.then_some(&pass));
        match &restored {
            Err(StoreError::WrongPassphrase) => tries.failed(std::time::Instant::now()),
            // Only a passphrase that fitted clears the count.
            Ok(_) if encrypted => tries.succeeded(),
            _ => {}
        }
        drop(tries);
        let restored = restored?;
        let (store, to) = match &restored.key {
            Some(key) => super::drafts::open_with(&dir, key)?,
            None => (Store::open(&dir, None)?, None),
        };
        Ok((store, to, restored.previous))
    })
    .await;
    match done {
        Ok((store, to, previous)) => {
            state.set_unlocked(store, to);
            let previous = previous.map(|p| p.display().to_string()).unwrap_or_default();
            see_other(&format!(
                "/settings?{}",
                serde_urlencoded::to_string([("done", "restore"), ("previous", &previous)]).unwrap_or_default()
            ))
        }
        Err(WebError::Store(StoreError::WrongPassphrase)) => retry(
            StatusCode::UNAUTHORIZED,
            "That passphrase does not open this backup. A backup keeps the passphrase your journal had when \
             the backup was made. Nothing was changed."
                .into(),
        ),
        Err(WebError::Store(StoreError::Plain(_))) => retry(
            StatusCode::BAD_REQUEST,
            "This backup is not encrypted, so it was not put back: everything written afterwards would be \
             readable by anyone with this device. An encrypted journal never makes a backup like this. \
             Nothing was changed."
                .into(),
        ),
        Err(e) => Err(e),
    }
}
