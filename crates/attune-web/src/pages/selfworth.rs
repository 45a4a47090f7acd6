//! Self-worth: what I did that shows my own value, the people who support
//! me besides my partner, and my affirmations (as `attune did`, `attune
//! support` and `attune affirm`).

use askama::Template;
use attune_core::selfworth::{ActivityDraft, Affirmation, SupporterDraft, affirmation_text, suggestions};
use axum::extract::{Path, Query, State};
use axum::{Extension, Form};
use serde::Deserialize;

use super::safety::settings;
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::state::AppState;
use crate::views::Layout;

/// How many recent activities are listed.
const RECENT: usize = 20;

/// The Self-worth page.
#[derive(Debug, Template)]
#[template(path = "selfworth.html")]
pub struct SelfWorthPage {
    l: Layout,
    activities: Vec<(String, String, String)>,
    /// (number, name, relation, last in touch, could call, note).
    supporters: Vec<(i64, String, String, String, bool, String)>,
    affirmations: Vec<(String, bool)>,
    /// The support-map form, as typed or as saved when changing someone.
    sf: SupportForm,
}

/// What the support-map form holds, kept when it is refused.
#[derive(Debug, Default, Clone)]
pub struct SupportForm {
    /// The person's number when changing someone; `None` adds.
    pub seq: Option<i64>,
    /// Name.
    pub name: String,
    /// How they relate to me.
    pub relation: String,
    /// Could call them when upset.
    pub can_call: bool,
    /// Last in touch (a date).
    pub contact: String,
    /// A few words.
    pub note: String,
    /// Why it was refused, and which field ("name", "relation", "contact", "note").
    pub error: Option<(&'static str, String)>,
}

impl SupportForm {
    /// The error for one field.
    pub fn err(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SelfWorthQuery {
    /// Someone on the support map to change (their number).
    #[serde(default)]
    edit: Option<i64>,
}

/// `GET /self-worth` (`?edit=<number>` fills the support form with that person).
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<SelfWorthQuery>,
) -> WebResult {
    let sf = match q.edit {
        None => SupportForm::default(),
        Some(seq) => {
            state
                .store(move |store| {
                    let p = store.supporters()?.into_iter().find(|p| p.seq == seq);
                    let p = p.ok_or_else(|| {
                        WebError::NotFound(format!("There is no one with number {seq} on your support map."))
                    })?;
                    Ok(SupportForm {
                        seq: Some(seq),
                        name: p.item.name,
                        relation: p.item.relation,
                        can_call: p.item.can_call,
                        contact: p.item.last_contact.map(|d| d.to_string()).unwrap_or_default(),
                        note: p.item.note,
                        error: None,
                    })
                })
                .await?
        }
    };
    show(&state, &ctx, sf).await
}

async fn show(state: &AppState, ctx: &Ctx, sf: SupportForm) -> WebResult {
    let shipped = suggestions(state.library()).map_err(|e| WebError::Internal(format!("{}: {}", e.file, e.message)))?;
    let ids = state.clone();
    let (mode, activities, supporters, affirmations) = state
        .store(move |store| {
            store.sync_affirmation_suggestions(&shipped, &mut || ids.new_id())?;
            let activities = store
                .activities(None, Some(RECENT))?
                .into_iter()
                .map(|a| {
                    let date = a.item.at.local().strftime("%Y-%m-%d").to_string();
                    (date, a.item.what, a.item.category.as_str().replace('-', " "))
                })
                .collect();
            let supporters = store
                .supporters()?
                .into_iter()
                .map(|s| {
                    let last = s.item.last_contact.map(|d| format!("last in touch {d}")).unwrap_or_default();
                    (s.seq, s.item.name, s.item.relation, last, s.item.can_call, s.item.note)
                })
                .collect();
            let affirmations = store.affirmations(&shipped)?.into_iter().map(|a| (a.item.text, a.item.own)).collect();
            Ok((settings(store)?.mode, activities, supporters, affirmations))
        })
        .await?;
    render(&SelfWorthPage {
        l: layout(state, ctx, "Self-worth", "/self-worth", SafetyPolicyView::for_mode(mode)),
        activities,
        supporters,
        affirmations,
        sf,
    })
}

/// `POST /self-worth/support`: `seq` (to change someone, else a new one),
/// `name`, `relation`, `can_call`, `contact`, `note`, as `attune support add`
/// and `attune support edit`. A refused form comes back as typed.
pub async fn support(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<Fields>,
) -> WebResult {
    let mut sf = SupportForm {
        seq: f.number("seq", "Number")?,
        name: f.text("name"),
        relation: f.text("relation"),
        can_call: f.get("can_call").is_some(),
        contact: f.text("contact"),
        note: f.text("note"),
        error: None,
    };
    let last_contact = match sf.contact.as_str() {
        "" => None,
        d => match d.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                sf.error = Some((
                    "contact",
                    format!("Last in touch: '{d}' is not a date like 2026-11-20; nothing was saved."),
                ));
                return show(&state, &ctx, sf).await;
            }
        },
    };
    let draft = SupporterDraft {
        name: sf.name.clone(),
        relation: sf.relation.clone(),
        last_contact,
        can_call: sf.can_call,
        note: sf.note.clone(),
    };
    let (seq, new_id) = (sf.seq, state.new_id());
    let refused = state
        .store(move |store| {
            let old = match seq {
                Some(n) => Some(store.supporters()?.into_iter().find(|p| p.seq == n).ok_or_else(|| {
                    WebError::NotFound(format!("There is no one with number {n} on your support map."))
                })?),
                None => None,
            };
            let id = old.as_ref().map_or(new_id, |p| p.item.id);
            match draft.into_supporter(id) {
                Ok(s) => {
                    match old {
                        Some(p) => store.update_supporter(p.seq, &s)?,
                        None => {
                            store.add_supporter(&s)?;
                        }
                    }
                    Ok(None)
                }
                Err(e) => {
                    let p = e.problems.first();
                    let field = match p.map(|p| p.field) {
                        Some("relation") => "relation",
                        Some("note") => "note",
                        _ => "name",
                    };
                    let what = match field {
                        "relation" => "How they relate to you",
                        "note" => "A few words",
                        _ => "Name",
                    };
                    let msg = p.map_or_else(|| e.to_string(), |p| p.message.clone());
                    Ok(Some((field, format!("{what}: {msg}; nothing was saved."))))
                }
            }
        })
        .await?;
    if let Some(error) = refused {
        sf.error = Some(error);
        return show(&state, &ctx, sf).await;
    }
    see_other("/self-worth#support")
}

/// `POST /self-worth/support/{seq}/contact`: in touch today.
pub async fn contact(State(state): State<AppState>, Path(seq): Path<i64>) -> WebResult {
    let today = state.now().date();
    state
        .store(move |store| {
            let mut p =
                store.supporters()?.into_iter().find(|p| p.seq == seq).ok_or_else(|| {
                    WebError::NotFound(format!("There is no one with number {seq} on your support map."))
                })?;
            p.item.last_contact = Some(today);
            Ok(store.update_supporter(p.seq, &p.item)?)
        })
        .await?;
    see_other("/self-worth#support")
}

/// `POST /self-worth/support/{seq}/remove`: off the map.
pub async fn remove(State(state): State<AppState>, Path(seq): Path<i64>) -> WebResult {
    state.store(move |store| Ok(store.remove_supporter(seq).map(|_| ())?)).await?;
    see_other("/self-worth#support")
}

/// `POST /self-worth/did`: `what`, `category`, `minutes`.
pub async fn did(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let draft = ActivityDraft {
        what: f.text("what"),
        category: f.get("category").map(str::to_string),
        minutes: f.number("minutes", "Minutes")?,
        felt: None,
        note: String::new(),
    };
    let a = draft.into_activity(state.new_id(), state.now_moment())?;
    state.store(move |store| Ok(store.insert_activity(&a).map(|_| ())?)).await?;
    see_other("/self-worth#did")
}

/// `POST /self-worth/affirmation`: `text`, in my own words.
pub async fn affirmation(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let text = affirmation_text(&f.text("text"))?;
    let a = Affirmation { id: state.new_id(), text, suggestion: None, own: true, starred: false, shown: 0 };
    state.store(move |store| Ok(store.add_affirmation(&a).map(|_| ())?)).await?;
    see_other("/self-worth#affirmations")
}
