//! Text that reached a locked journal: sealed (kept, unreadable) when it is
//! posted, offered back on Today after the next unlock. The rules (the
//! sealing, what opens it) are `attune_store::sealed`'s; this file only
//! turns a posted form into a draft and shows the drafts.

use std::path::Path;

use attune_core::entry::{Known, shorten};
use attune_core::{EntryDraft, LabelKind};
use attune_store::sealed::{self, DraftsRecipient};
use attune_store::{DataKey, Store, drafts};
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use zeroize::Zeroize;

use super::entry_form::entry_draft;
use super::safety::after_save;
use super::{Fields, WebError, WebResult, see_other};
use crate::state::AppState;

/// A draft shown on Today.
#[derive(Clone, Debug)]
pub struct Offered {
    /// Its file's random name, used in the restore and discard links.
    pub id: String,
    /// When it was kept.
    pub when: String,
    /// Its first line, shortened.
    pub title: String,
}

/// Posts whose words are never kept while locked: secrets, and actions
/// that carry no writing of the person's own.
fn never_kept(path: &str) -> bool {
    path.starts_with("/settings")
        || path.starts_with("/drafts/")
        || path.ends_with("/delete")
        || path.ends_with("/remove")
        || matches!(path, "/unlock" | "/restore" | "/lock" | "/exit" | "/idle-lock" | "/undo" | "/pause/done")
}

/// Values that are a control's state rather than something typed.
fn typed(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && v.chars().any(char::is_alphabetic)
        && !matches!(v.to_ascii_lowercase().as_str(), "on" | "off" | "true" | "false")
}

/// What was typed into a form posted to `path`, as an entry draft: an
/// entry form's own fields, otherwise the typed values one per line.
/// `None` when nothing typed is in it.
pub fn typed_draft(path: &str, fields: &Fields) -> Option<EntryDraft> {
    if never_kept(path) {
        return None;
    }
    let entry_form = path == "/log" || (path.starts_with("/journal/") && path.ends_with("/edit"));
    if entry_form && let Ok(d) = entry_draft(fields) {
        let has_words = [&d.situation, &d.thoughts, &d.fear, &d.helped].iter().any(|t| !t.trim().is_empty());
        return has_words.then_some(d);
    }
    let lines: Vec<&str> =
        fields.0.iter().filter(|(k, v)| !k.starts_with('_') && typed(v)).map(|(_, v)| v.trim()).collect();
    (!lines.is_empty()).then(|| EntryDraft { situation: lines.join("\n"), ..Default::default() })
}

/// Keeps what a form posted to `path` while locked held: sealed to the
/// journal's drafts key (a plain journal keeps a plain draft, like the
/// journal itself). Returns whether anything was kept. The body is zeroed.
pub async fn keep_typed(state: &AppState, path: &str, body: Bytes) -> bool {
    let mut fields = Fields(serde_urlencoded::from_bytes(&body).unwrap_or_default());
    if let Ok(mut bytes) = body.try_into_mut() {
        bytes.as_mut().zeroize();
    }
    let draft = typed_draft(path, &fields);
    for (k, v) in &mut fields.0 {
        k.zeroize();
        v.zeroize();
    }
    let Some(draft) = draft else { return false };
    let dir = state.cfg().store_dir.clone();
    let now = state.now_moment();
    let to = state.drafts_to();
    let plain = to.is_none() && matches!(state.probe(), Ok(Some(false)));
    AppState::blocking(move || {
        let at = now.at;
        let kept = match (&to, plain) {
            (Some(to), _) => sealed::seal(&dir, to, &draft, Some(&now), at).is_ok(),
            (None, true) => drafts::save(&dir.join(attune_store::DRAFTS_DIR), None, &draft, Some(&now), at).is_ok(),
            // After a quick exit, or when the drafts key could not be read.
            (None, false) => false,
        };
        Ok(kept)
    })
    .await
    .unwrap_or(false)
}

/// Opens the journal with its data key and offers back what was sealed
/// while it was locked. Sealed drafts that cannot be moved do not stop
/// the unlock: they stay sealed for the next one.
pub fn open_with(dir: &Path, key: &DataKey) -> Result<(Store, Option<DraftsRecipient>), WebError> {
    let store = Store::open(dir, Some(key))?;
    let to = match sealed::after_unlock(dir, key) {
        Ok(done) => Some(done.recipient),
        Err(e) => {
            eprintln!("attune: sealed drafts were not offered: {e}");
            None
        }
    };
    Ok((store, to))
}

/// The drafts to offer on Today, newest first.
pub fn offered(store: &Store) -> WebResult<Vec<Offered>> {
    Ok(store
        .drafts()?
        .into_iter()
        .map(|d| Offered {
            id: d.path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string(),
            when: d.saved_at.strftime("%Y-%m-%d %H:%M").to_string(),
            title: shorten(d.draft.situation.lines().next().unwrap_or(""), 80),
        })
        .collect())
}

/// The draft named `id`, among those the journal's key opens.
fn find(store: &Store, id: &str) -> WebResult<drafts::DraftFile> {
    store
        .drafts()?
        .into_iter()
        .find(|d| d.path.file_stem().and_then(|s| s.to_str()) == Some(id))
        .ok_or_else(|| WebError::NotFound("That draft is not there any more; it may have been saved already.".into()))
}

/// `POST /drafts/{id}/restore`: saves the draft as an entry (the safety
/// check runs as for any entry), then removes the draft.
pub async fn restore(State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> WebResult {
    let entry_id = state.new_id();
    let now = state.now_moment();
    let ids = state.clone();
    let today = state.today();
    let (seq, decision) = state
        .store(move |store| {
            let d = find(store, &id)?;
            let triggers = store.labels(LabelKind::Trigger)?;
            let feelings = store.labels(LabelKind::Feeling)?;
            let occurred = d.occurred.clone().unwrap_or_else(|| now.clone());
            let entry =
                d.draft.into_entry(entry_id, occurred, now, Known { triggers: &triggers, feelings: &feelings })?;
            let seq = store.insert_entry(&entry)?;
            drafts::remove(&d.path)?;
            let decision = after_save(&ids.texts().safety, store, &entry.text_fields(), None, &today);
            Ok((seq, decision))
        })
        .await?;
    state.set_saved_decision(format!("e{seq}"), decision);
    see_other(&format!("/journal/{seq}?saved=1"))
}

/// `POST /drafts/{id}/discard`.
pub async fn discard(State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> WebResult {
    state
        .store(move |store| {
            let d = find(store, &id)?;
            drafts::remove(&d.path)?;
            Ok(())
        })
        .await?;
    see_other("/")
}

/// `POST /idle-lock`: the page saw no key or click for the lock time. Locks
/// (the key cache too), and seals what was typed into the form named by
/// `_form`, if anything.
pub async fn idle_lock(State(state): State<AppState>, body: Bytes) -> WebResult {
    state.lock_now();
    let mut fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let form = fields.iter().find(|(k, _)| k == "_form").map(|(_, v)| v.clone());
    // Only the form's name is needed here; the words are read (and wiped) once, in keep_typed.
    for (k, v) in &mut fields {
        k.zeroize();
        v.zeroize();
    }
    let kept = match form {
        Some(path) if path.starts_with('/') => keep_typed(&state, &path, body).await,
        _ => {
            if let Ok(mut bytes) = body.try_into_mut() {
                bytes.as_mut().zeroize();
            }
            false
        }
    };
    see_other(if kept { "/unlock?kept=1" } else { "/unlock" })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn what_counts_as_typed() {
        let log = fields(&[("_csrf", "abc"), ("situation", "  a long talk  "), ("intensity", "6"), ("starred", "on")]);
        let d = typed_draft("/log", &log).unwrap();
        assert_eq!((d.situation.as_str(), d.intensity, d.starred), ("a long talk", Some(6), true));
        // An entry form with no words in it keeps nothing.
        assert!(typed_draft("/log", &fields(&[("_csrf", "x"), ("intensity", "3")])).is_none());
        // Other forms: the typed values, one per line; controls left out.
        let need = fields(&[("_csrf", "x"), ("need", "time to talk"), ("kind", "on"), ("n", "12"), ("w", "why")]);
        assert_eq!(typed_draft("/plan/need", &need).unwrap().situation, "time to talk\nwhy");
        // Never a passphrase, never a deletion.
        assert!(typed_draft("/settings/passphrase", &fields(&[("new", "secret words")])).is_none());
        assert!(typed_draft("/journal/3/delete", &fields(&[("why", "no reason")])).is_none());
        assert!(typed_draft("/say", &fields(&[("_csrf", "x")])).is_none());
    }
}
