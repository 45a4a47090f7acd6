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
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    if state.is_unlocked() {
        return see_other("/");
    }
    match state.probe()? {
        None => render(&UnlockPage { csrf: ctx.csrf, create: true, error: None }),
        Some(true) => render(&UnlockPage { csrf: ctx.csrf, create: false, error: None }),
        Some(false) => {
            // A journal the person chose not to encrypt opens without a passphrase.
            // Only with the person's allow_plain: one may have been put in place of theirs.
            let dir = state.cfg().store_dir.clone();
            let allowed = state.cfg().allow_plain;
            let store = AppState::blocking(move || {
                if allowed { Store::open_plain(&dir) } else { Store::open(&dir, None) }.map_err(WebError::from)
            })
            .await?;
            state.set_unlocked(store);
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
        let page = UnlockPage { csrf: ctx.csrf.clone(), create, error: Some(msg) };
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
            let store = AppState::blocking(move || {
                Store::create(&dir, Protection::Passphrase(pass, kdf)).map(|(s, _)| s).map_err(WebError::from)
            })
            .await?;
            state.set_unlocked(store);
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
                Ok(Some(Store::open(&dir, Some(&key))?))
            })
            .await?;
            match opened {
                Some(store) => {
                    state.set_unlocked(store);
                    see_other("/")
                }
                None => {
                    retry(false, "That passphrase did not open the journal. Check for caps lock and try again.".into())
                }
            }
        }
    }
}

/// `POST /lock`.
pub async fn lock(State(state): State<AppState>) -> WebResult {
    state.lock_now();
    see_other("/unlock")
}

/// `POST /exit`: the quick exit. Locks, then shows a page with nothing of
/// attune on it.
pub async fn exit(State(state): State<AppState>) -> WebResult {
    state.lock_now();
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
