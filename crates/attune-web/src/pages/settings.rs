//! Settings: the passphrase, the lock time, a backup, removing deleted
//! records for good and erasing the journal; export, import and the report
//! are in `transfer`.

use std::path::PathBuf;
use std::time::Duration;

use askama::Template;
use attune_core::privacy::{EraseTexts, Trace};
use attune_store::{Passphrase, Store, StoreError};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::{Extension, Form};
use serde::Deserialize;

use super::safety::settings;
use super::settings_page::{LOCK_CHOICES, default_backup_dir, describe, show};
use super::unlock::{secrets, strong_enough};
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::views::Layout;

/// The page that asks for the word before erasing.
#[derive(Debug, Template)]
#[template(path = "erase.html")]
pub struct ErasePage {
    l: Layout,
    store_dir: String,
    warning: String,
    word: String,
    error: Option<String>,
}

/// After erasing: no journal, no session data; the checklist of traces.
#[derive(Debug, Template)]
#[template(path = "erased.html")]
pub struct ErasedPage {
    done: String,
    intro: String,
    traces: Vec<Trace>,
    left: Vec<String>,
    safety: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    backup: Option<String>,
    #[serde(default)]
    imported: Option<String>,
    #[serde(default)]
    previous: Option<String>,
    #[serde(default)]
    purged: Option<String>,
}

/// `GET /settings`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<SettingsQuery>,
) -> WebResult {
    let message = match q.done.as_deref() {
        Some("passphrase") => Some(
            "Your passphrase is changed, and your journal has a new key. Use the new passphrase from now on. \
             Backups made before now keep the old key and still open with the old passphrase; exports and \
             reports made before are not changed either. If someone else may know the old passphrase, delete \
             those copies or keep them where only you can reach them."
                .to_string(),
        ),
        Some("lock") => Some("The lock time is changed for as long as attune serve runs.".to_string()),
        Some("backup") => q.backup.map(|b| format!("A backup was written to {b}, with its key file beside it.")),
        Some("restore") => Some(match q.previous.filter(|p| !p.is_empty()) {
            Some(p) => format!("The backup is your journal now. The journal that was there is kept, whole, in {p}."),
            None => "The backup is your journal now.".to_string(),
        }),
        Some("import") => q.imported,
        Some("import-cancelled") => Some("Nothing was imported.".to_string()),
        Some("purge") => Some(format!(
            "Removed for good: {}. Backups and exports made before now still hold them.",
            q.purged.as_deref().unwrap_or("nothing was waiting")
        )),
        _ => None,
    };
    show(&state, &ctx, message, None).await
}

/// `POST /settings/passphrase`: current, new, and new again.
pub async fn passphrase(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, body: Bytes) -> WebResult {
    let [old, new, again] = secrets(body, ["passphrase", "new_passphrase", "new_passphrase2"]);
    if let Err(msg) = strong_enough(&new) {
        return show(&state, &ctx, None, Some(format!("{msg} Nothing was changed."))).await;
    }
    if *new != *again {
        return show(&state, &ctx, None, Some("The two new passphrases differ; nothing was changed.".into())).await;
    }
    // Three Argon2 derivations: through the same gate as unlock, so a page
    // of guesses (by someone at an unlocked screen) waits and cannot queue.
    let mut tries = match state.passphrase_gate().enter() {
        Ok(tries) => tries,
        Err(refused) => {
            return show(&state, &ctx, None, Some(format!("{} Nothing was changed.", refused.message()))).await;
        }
    };
    let kdf = state.cfg().kdf;
    let (old, new) = (Passphrase::new(old.to_string()), Passphrase::new(new.to_string()));
    // The store closes the journal this app holds, makes the new key, copies
    // the journal under it and opens it again (with the old key if it failed).
    let changed = state
        .store(move |store| match store.change_passphrase_while_open(&old, &new, kdf) {
            Ok(_) => Ok(true),
            Err(StoreError::WrongPassphrase) => Ok(false),
            Err(e) => Err(e.into()),
        })
        .await;
    match &changed {
        Ok(true) => tries.succeeded(),
        Ok(false) => tries.failed(std::time::Instant::now()),
        Err(_) => {}
    }
    drop(tries);
    let changed = match changed {
        Ok(changed) => changed,
        Err(e) => {
            // Should it not have opened again, nothing half-open stays behind.
            state.lock_now();
            return Err(e);
        }
    };
    if !changed {
        return show(&state, &ctx, None, Some("The current passphrase is not right; nothing was changed.".into()))
            .await;
    }
    see_other("/settings?done=passphrase")
}

/// `POST /settings/lock-after`: `minutes`.
pub async fn lock_after(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let minutes = f.number("minutes", "Lock after")?.unwrap_or(0);
    let Some(m) = LOCK_CHOICES.iter().find(|m| i64::try_from(**m).is_ok_and(|x| x == minutes)) else {
        return Err(WebError::User(format!("Lock after: choose one of the offered times, not {minutes} minutes.")));
    };
    state.set_lock_after(Duration::from_secs(m * 60));
    see_other("/settings?done=lock")
}

/// `POST /settings/backup`: an encrypted copy into `folder` (made if missing).
pub async fn backup(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let folder = f.get("folder").map(PathBuf::from).unwrap_or_else(|| default_backup_dir(&state));
    if !folder.is_absolute() {
        return Err(WebError::User(format!(
            "Backup folder: '{}' is not a full path (it should start with /). Nothing was written.",
            folder.display()
        )));
    }
    let stamp = state.now().strftime("%Y-%m-%d-%H%M%S").to_string();
    let file = folder.join(format!("attune-backup-{stamp}.db"));
    let shown = file.display().to_string();
    state
        .store(move |store| {
            // A new folder is private (0700), whatever the umask.
            attune_store::create_private_dir_all(&folder).map_err(|e| {
                WebError::User(format!("Backup folder {} cannot be made: {e}. Nothing was written.", folder.display()))
            })?;
            store.backup(&file)?;
            Ok(())
        })
        .await?;
    see_other(&format!(
        "/settings?{}",
        serde_urlencoded::to_string([("done", "backup"), ("backup", &shown)]).unwrap_or_default()
    ))
}

/// `POST /settings/purge`: everything deleted, and the earlier versions
/// kept for undo, removed for good (the store's rule).
pub async fn purge(State(state): State<AppState>) -> WebResult {
    let (waiting, purged) = state
        .store(|store| {
            let waiting = store.deleted()?;
            Ok((waiting, store.purge()?))
        })
        .await?;
    let mut said = describe(&waiting);
    if !purged.log_emptied {
        said.push_str(" (another attune is reading the journal just now: remove them again later to clear its log)");
    }
    see_other(&format!(
        "/settings?{}",
        serde_urlencoded::to_string([("done", "purge"), ("purged", &said)]).unwrap_or_default()
    ))
}

fn erase_texts(state: &AppState) -> WebResult<EraseTexts> {
    EraseTexts::load(state.library())
        .map_err(|e| WebError::Internal(format!("the built-in text {} is broken: {}", e.file, e.message)))
}

async fn erase_page(state: &AppState, ctx: &Ctx, error: Option<String>) -> WebResult {
    let texts = erase_texts(state)?;
    let mode = state.store(|store| Ok(settings(store)?.mode)).await?;
    let page = ErasePage {
        l: layout(state, ctx, "Erase", "/settings", SafetyPolicyView::for_mode(mode)),
        store_dir: state.cfg().store_dir.display().to_string(),
        warning: texts.warning,
        word: texts.word,
        error,
    };
    let html = page.render()?;
    let status = if page.error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    Ok((status, Html(html)).into_response())
}

/// `GET /settings/erase`: the warning and the word to type.
pub async fn erase_form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    erase_page(&state, &ctx, None).await
}

/// `POST /settings/erase`: `confirm` must be the word. Locks (the key
/// leaves memory), then the store destroys the key file first, the key
/// cache and the journal. The answer is the checklist; every later page is
/// the set-up page, as there is no journal.
pub async fn erase(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Form(f): Form<Fields>) -> WebResult {
    let texts = erase_texts(&state)?;
    if !texts.confirmed_by(f.get("confirm").unwrap_or("")) {
        let error = format!("Nothing was erased. To erase the journal, type {} in the box.", texts.word);
        return erase_page(&state, &ctx, Some(error)).await;
    }
    state.lock_now();
    let dir = state.cfg().store_dir.clone();
    let erased = AppState::blocking(move || Ok(Store::erase(&dir)?)).await?;
    render(&ErasedPage {
        done: texts.done,
        intro: texts.intro,
        traces: texts.traces,
        left: erased.left.iter().map(|p| p.display().to_string()).collect(),
        safety: texts.safety,
    })
}
