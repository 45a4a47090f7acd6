//! Getting in and out: the launch link, unlocking (or creating) the journal,
//! locking, and the quick exit.

use askama::Template;
use attune_store::{Passphrase, Protection, Store, StoreError};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse};
use zeroize::{Zeroize, Zeroizing};

use std::time::Instant;

use super::{Ctx, WebError, WebResult, render, see_other};
use crate::state::AppState;
use crate::state::COOKIE;
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

/// The short page between the launch link and attune, for a link that was
/// followed from a file or another page.
#[derive(Debug, Template)]
#[template(path = "opening.html")]
pub struct OpeningPage {}

/// `GET /open?token=…`: the printed link. Trades the one-time token for the
/// session cookie, then leaves the URL (and the token) behind.
pub async fn open(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<OpenQuery>) -> WebResult {
    let Some(session) = state.open_session(&q.token)? else {
        return Ok(super::no_session(true));
    };
    let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", AppState::cookie_value(&session));
    // A link typed or pasted into the browser (Sec-Fetch-Site "none") may be
    // redirected: the new SameSite=Strict cookie goes with the redirect. A
    // link followed from elsewhere, such as the file `attune serve --open`
    // hands the browser, is a cross-site navigation and its redirect would
    // go without the cookie; it gets a page that moves on from our own origin.
    let from_elsewhere = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site != "none" && site != "same-origin");
    let mut resp = if from_elsewhere { render(&OpeningPage {})? } else { see_other("/")? };
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
            // Only with the person's allow_plain: one may have been put in place of theirs.
            let dir = state.cfg().store_dir.clone();
            let allowed = state.cfg().allow_plain;
            let store = AppState::blocking(move || {
                if allowed { Store::open_plain(&dir) } else { Store::open(&dir, None) }.map_err(WebError::from)
            })
            .await?;
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
    let page = |status: StatusCode, create: bool, msg: String| -> WebResult {
        let page = UnlockPage { csrf: ctx.csrf.clone(), create, error: Some(msg), kept: false };
        Ok((status, Html(page.render()?)).into_response())
    };
    let retry = |create: bool, msg: String| page(StatusCode::UNAUTHORIZED, create, msg);
    if state.is_unlocked() {
        return see_other("/");
    }
    let dir = state.cfg().store_dir.clone();
    // Checked before any derivation, so a refused try costs no memory.
    let mut tries = match state.passphrase_gate().enter_or_wait().await {
        Ok(tries) => tries,
        Err(refused) => return page(StatusCode::TOO_MANY_REQUESTS, state.probe()?.is_none(), refused.message()),
    };
    // The try waited for may have opened (or made) the journal: a form sent
    // twice then just goes on.
    if state.is_unlocked() {
        return see_other("/");
    }
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
                let created = Store::create(&dir, Protection::Passphrase(pass, kdf));
                drop(tries);
                let (store, key) = created?;
                let to = key.and_then(|k| attune_store::sealed::after_unlock(&dir, &k).ok()).map(|a| a.recipient);
                Ok::<_, WebError>((store, to))
            })
            .await?;
            state.set_unlocked(store, to);
            see_other("/?welcome=1")
        }
        Some(_) => {
            let pass = Passphrase::new(first.to_string());
            // The gate's guard goes into the task: it is held until the
            // derivation ends, even if the browser stops waiting.
            let opened = AppState::blocking(move || {
                let key = match Store::unlock(&dir, &pass) {
                    Ok(key) => key,
                    Err(StoreError::WrongPassphrase) => {
                        tries.failed(Instant::now());
                        return Ok(None);
                    }
                    Err(e) => return Err(e.into()),
                };
                tries.succeeded();
                drop(tries);
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
    #![allow(clippy::unwrap_used)]

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    /// While one passphrase is being derived (64 MiB), one more try waits
    /// for it and any other is refused at once, without deriving; the one
    /// that waited finds the journal open (a form sent twice) and goes on.
    #[tokio::test]
    async fn a_try_while_another_is_checked_waits_or_is_refused_without_deriving() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("journal");
        let cfg = crate::Config {
            store_dir: dir.clone(),
            lock_after: std::time::Duration::from_secs(900),
            listen: "127.0.0.1:8123".parse().unwrap(),
            now: None,
            kdf: attune_store::KdfParams::MINIMUM,
            allow_plain: false,
        };
        let (state, token) = AppState::new(cfg).unwrap();
        let session = state.open_session(&token).unwrap().unwrap();
        let post = || {
            let body =
                format!("_csrf={}&passphrase=correct+horse+battery&passphrase2=correct+horse+battery", session.csrf);
            Request::post("/unlock")
                .header(header::HOST, "127.0.0.1:8123")
                .header(header::COOKIE, format!("{COOKIE}={}", AppState::cookie_value(&session)))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        };
        // The try being checked.
        let in_flight = state.passphrase_gate().enter().unwrap();
        let waiting = tokio::spawn(crate::router(state.clone()).oneshot(post()));
        while !state.passphrase_gate().has_waiting() {
            tokio::task::yield_now().await;
        }
        let resp = crate::router(state.clone()).oneshot(post()).await.unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(!dir.exists(), "no journal was made, so no key was derived");
        // The try being checked makes the journal, then the waiting one goes on.
        let pass = Passphrase::new("correct horse battery".into());
        let (store, _) = Store::create(&dir, Protection::Passphrase(pass, attune_store::KdfParams::MINIMUM)).unwrap();
        state.set_unlocked(store, None);
        drop(in_flight);
        let resp = waiting.await.unwrap().unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(resp.headers().get(header::LOCATION).unwrap(), "/");
    }

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
