//! Getting in and out: the launch link, unlocking (or creating) the journal,
//! locking, and the quick exit.

use askama::Template;
use attune_store::{Passphrase, Protection, Store, StoreError};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};
use zeroize::{Zeroize, Zeroizing};

use super::{Ctx, WebError, WebResult, render, see_other};
use crate::AppState;
use crate::guard::COOKIE;
use crate::views::ByePage;

/// The unlock (or first-start) page.
#[derive(Debug, Template)]
#[template(path = "unlock.html")]
pub struct UnlockPage {
    /// The CSRF token.
    pub csrf: String,
    /// No journal yet: ask for a new passphrase, twice.
    pub create: bool,
    /// What went wrong last time.
    pub error: Option<String>,
    /// Text posted after the lock was kept sealed: say it will come back.
    pub kept: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct UnlockQuery {
    #[serde(default)]
    kept: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct OpenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /open?token=…`: the printed link. Trades the one-time token for the
/// session cookie, then leaves the URL (and the token) behind.
pub async fn open(State(state): State<AppState>, Query(q): Query<OpenQuery>) -> WebResult {
    let Some(session) = state.open_session(&q.token)? else {
        return Ok(super::no_session(true));
    };
    let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", AppState::cookie_value(&session));
    let mut resp = see_other("/")?;
    let value = cookie.parse().map_err(|_| WebError::Internal("the session cookie is not a header value".into()))?;
    resp.headers_mut().insert(header::SET_COOKIE, value);
    Ok(resp)
}

/// `GET /unlock`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<UnlockQuery>,
) -> WebResult {
    if state.is_unlocked() {
        return see_other("/");
    }
    // Also after a restart of attune serve: whatever waits sealed is mentioned.
    let kept = q.kept.is_some() || attune_store::sealed::count(&state.cfg().store_dir) > 0;
    match state.probe()? {
        None => render(&UnlockPage { csrf: ctx.csrf, create: true, error: None, kept }),
        Some(true) => render(&UnlockPage { csrf: ctx.csrf, create: false, error: None, kept }),
        Some(false) => {
            // A journal the person chose not to encrypt opens without a passphrase.
            let dir = state.cfg().store_dir.clone();
            let store = AppState::blocking(move || Store::open(&dir, None).map_err(WebError::from)).await?;
            state.set_unlocked(store, None);
            see_other("/")
        }
    }
}

/// The named secret fields of a form, decoded into memory that is zeroed
/// on drop; the request body is zeroed too. Missing fields are empty.
pub fn secrets<const N: usize>(body: Bytes, names: [&str; N]) -> [Zeroizing<String>; N] {
    let mut out: [Zeroizing<String>; N] = std::array::from_fn(|_| Zeroizing::new(String::new()));
    if let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) {
        for (k, mut v) in fields {
            if let Some(i) = names.iter().position(|n| *n == k) {
                *out[i] = std::mem::take(&mut v);
            }
            v.zeroize();
        }
    }
    if let Ok(mut bytes) = body.try_into_mut() {
        bytes.as_mut().zeroize();
    }
    out
}

/// At least 8 characters, like the CLI.
pub fn strong_enough(p: &str) -> Result<(), String> {
    if p.chars().count() < 8 {
        return Err("That passphrase is shorter than 8 characters. A few unrelated words make one that is long \
                    and easy to remember."
            .into());
    }
    Ok(())
}

/// `POST /unlock`: unlock, or create the journal on first start.
pub async fn unlock(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, body: Bytes) -> WebResult {
    let [first, second] = secrets(body, ["passphrase", "passphrase2"]);
    let retry = |create: bool, msg: String| -> WebResult {
        let page = UnlockPage { csrf: ctx.csrf.clone(), create, error: Some(msg), kept: false };
        Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response())
    };
    if state.is_unlocked() {
        return see_other("/");
    }
    let dir = state.cfg().store_dir.clone();
    match state.probe()? {
        None => {
            if let Err(msg) = strong_enough(&first) {
                return retry(true, msg);
            }
            if *first != *second {
                return retry(true, "The two passphrases differ. Please type them again.".into());
            }
            let kdf = state.cfg().kdf;
            let pass = Passphrase::new(first.to_string());
            let (store, to) = AppState::blocking(move || {
                let (store, key) = Store::create(&dir, Protection::Passphrase(pass, kdf))?;
                let to = key.and_then(|k| attune_store::sealed::after_unlock(&dir, &k).ok()).map(|a| a.recipient);
                Ok((store, to))
            })
            .await?;
            state.set_unlocked(store, to);
            see_other("/?welcome=1")
        }
        Some(_) => {
            let pass = Passphrase::new(first.to_string());
            let opened = AppState::blocking(move || {
                let key = match Store::unlock(&dir, &pass) {
                    Ok(key) => key,
                    Err(StoreError::WrongPassphrase) => return Ok(None),
                    Err(e) => return Err(e.into()),
                };
                Ok(Some(super::drafts::open_with(&dir, &key)?))
            })
            .await?;
            match opened {
                Some((store, to)) => {
                    state.set_unlocked(store, to);
                    see_other("/")
                }
                None => {
                    retry(false, "That passphrase did not open the journal. Check for caps lock and try again.".into())
                }
            }
        }
    }
}

/// `POST /lock`: locks attune (the key cache too), not only this window.
pub async fn lock(State(state): State<AppState>) -> WebResult {
    state.lock_now();
    see_other("/unlock")
}

/// `POST /exit`: the quick exit. Locks (the key cache too, so a terminal
/// asks for the passphrase), keeps nothing typed, then shows a page with
/// nothing of attune on it.
pub async fn exit(State(state): State<AppState>) -> WebResult {
    state.quick_exit();
    see_other("/bye")
}

/// `GET /bye`: the neutral page.
pub async fn bye() -> WebResult {
    render(&ByePage {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_read_and_the_body_zeroed() {
        let [a, b] =
            secrets(Bytes::from("passphrase=correct%20horse&passphrase2=x&_csrf=1"), ["passphrase", "passphrase2"]);
        assert_eq!(a.as_str(), "correct horse");
        assert_eq!(b.as_str(), "x");
        assert!(strong_enough("short").is_err());
        assert!(strong_enough("long enough").is_ok());
    }
}
