//! Safety first: the services, safety mode, keeping attune private, and the
//! notice shown before anything else when saved words may point to a crisis.
//! The rules are the CLI's: `attune_text::crisis` reads the words, the
//! journal's `safety_mode` and `country` settings pick what is shown.

use askama::Template;
use attune_core::Checkin;
use attune_core::content::Library;
use attune_core::insights::Template as Sentence;
use attune_core::safety::{CheckinSignal, INTERNATIONAL, Purpose, Resource, ResourceDirectory, checkin_signal};
use attune_store::Store;
use attune_text::crisis::{self, Level};
use axum::extract::State;
use axum::{Extension, Form};
use serde::Deserialize;

use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::AppState;
use crate::views::Layout;

/// The journal setting that holds safety mode (shared with the CLI).
pub const MODE_KEY: &str = "safety_mode";
/// The journal setting that holds the country code (shared with the CLI).
pub const COUNTRY_KEY: &str = "country";

/// The parts of `content/safety/messages.toml` the pages use.
#[derive(Clone, Debug, Deserialize)]
pub struct Messages {
    crisis: CrisisTexts,
    checkin: CheckinTexts,
    safety_mode: ModeTexts,
    resources: ResourceTexts,
    page: PageTexts,
}

#[derive(Clone, Debug, Deserialize)]
struct CrisisTexts {
    concern_title: String,
    concern_text: String,
    urgent_title: String,
    urgent_text: String,
    noticed: Sentence,
}

#[derive(Clone, Debug, Deserialize)]
struct CheckinTexts {
    offer_title: String,
}

#[derive(Clone, Debug, Deserialize)]
struct ModeTexts {
    note_title: String,
    note_text: String,
}

#[derive(Clone, Debug, Deserialize)]
struct ResourceTexts {
    crisis: String,
    abuse: String,
    emergency: String,
    own_behaviour: String,
}

#[derive(Clone, Debug, Deserialize)]
struct PageTexts {
    title: String,
    intro: String,
}

/// The texts and services, from the content library.
#[derive(Clone, Debug)]
pub struct SafetyContent {
    messages: Messages,
    resources: ResourceDirectory,
    offer_text: String,
}

#[derive(Deserialize)]
struct ScreenCheckin {
    checkin: OfferText,
}

#[derive(Deserialize)]
struct OfferText {
    offer_text: String,
}

impl SafetyContent {
    /// Loads the safety texts; they are built in and tested, so a failure here is a bug.
    pub fn load(lib: &Library) -> Result<Self, WebError> {
        let bad = |e: attune_core::content::ContentError| {
            WebError::Internal(format!("content file {} is invalid: {}", e.file, e.message))
        };
        let messages: Messages = lib.toml("safety/messages.toml").map_err(bad)?;
        let screen: ScreenCheckin = lib.toml("safety/screen.toml").map_err(bad)?;
        let files: Vec<(String, &str)> = lib
            .paths_under("safety/resources/")
            .filter_map(|p| {
                let code = p.strip_prefix("safety/resources/")?.strip_suffix(".toml")?;
                Some((code.to_string(), lib.text(p).ok()?))
            })
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(c, t)| (c.as_str(), *t)).collect();
        let resources = ResourceDirectory::parse(&files).map_err(bad)?;
        Ok(Self { messages, resources, offer_text: screen.checkin.offer_text })
    }

    /// The services for `purpose` in `country`, falling back to the
    /// international ones, as the CLI does.
    fn serving(&self, country: &str, purpose: Purpose) -> Vec<Resource> {
        let own: Vec<Resource> = self.resources.for_country(country).serving(purpose).cloned().collect();
        if own.is_empty() && purpose != Purpose::Emergency {
            self.resources.international().serving(purpose).cloned().collect()
        } else {
            own
        }
    }

    /// Groups for `purposes`, each service once.
    pub fn groups(&self, country: &str, purposes: &[Purpose]) -> Vec<Group> {
        let mut shown: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for &purpose in purposes {
            let list: Vec<Resource> =
                self.serving(country, purpose).into_iter().filter(|r| !shown.contains(&r.name)).collect();
            shown.extend(list.iter().map(|r| r.name.clone()));
            if !list.is_empty() {
                let r = &self.messages.resources;
                let heading = match purpose {
                    Purpose::Crisis => &r.crisis,
                    Purpose::Abuse => &r.abuse,
                    Purpose::Emergency => &r.emergency,
                    Purpose::OwnBehaviour => &r.own_behaviour,
                };
                out.push(Group { heading: heading.clone(), resources: list });
            }
        }
        out
    }

    /// Groups for `purposes` exactly as core groups them
    /// ([`ResourceDirectory::groups`]), with the page's headings.
    pub fn core_groups(&self, country: &str, purposes: &[Purpose]) -> Vec<Group> {
        let r = &self.messages.resources;
        self.resources
            .groups(country, purposes)
            .into_iter()
            .map(|g| Group {
                heading: match g.purpose {
                    Purpose::Crisis => r.crisis.clone(),
                    Purpose::Abuse => r.abuse.clone(),
                    Purpose::Emergency => r.emergency.clone(),
                    Purpose::OwnBehaviour => r.own_behaviour.clone(),
                },
                resources: g.resources,
            })
            .collect()
    }

    /// The country's first line (what to do in immediate danger).
    pub fn advice(&self, country: &str) -> String {
        self.resources.for_country(country).advice.clone()
    }
}

/// Services for one purpose.
#[derive(Clone, Debug)]
pub struct Group {
    /// "If you are thinking about suicide or self-harm".
    pub heading: String,
    /// The services.
    pub resources: Vec<Resource>,
}

/// What to show before anything else after a save.
#[derive(Clone, Debug, Default)]
pub struct Notice {
    /// Headline and paragraph, in order.
    pub messages: Vec<(String, String)>,
    /// What attune noticed in the words (a sentence).
    pub noticed: Option<String>,
    /// What to do in immediate danger.
    pub advice: String,
    /// The services.
    pub groups: Vec<Group>,
    /// Link to the safety check (a very low check-in offers it).
    pub check_link: bool,
}

/// The person's safety settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Safety mode.
    pub mode: bool,
    /// The country code used.
    pub country: String,
}

/// Reads safety mode and the country (a damaged mode value counts as on).
pub fn settings(store: &Store) -> WebResult<Settings> {
    let mode = store.setting(MODE_KEY)?.is_some_and(|v| v != "off");
    let country = store.setting(COUNTRY_KEY)?.filter(|c| !c.trim().is_empty()).unwrap_or(INTERNATIONAL.into());
    Ok(Settings { mode, country })
}

/// The notice for a record just saved, as the CLI builds it: crisis words
/// first, a very low check-in offers the safety check, safety mode adds its
/// note and the abuse and emergency services.
pub fn after_save(c: &SafetyContent, s: &Settings, texts: &[&str], checkin: Option<&Checkin>) -> Option<Notice> {
    let m = &c.messages;
    let joined = texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n\n");
    let mut notice = Notice::default();
    let mut purposes = Vec::new();
    // A broken lexicon cannot happen with the embedded one; if it did, show the services anyway.
    let found = crisis::assess(&joined).map(Some).unwrap_or(None);
    let flagged = found.as_ref().is_none_or(|a| a.is_flagged());
    if flagged {
        let urgent = found.as_ref().is_some_and(|a| a.level == Level::Urgent);
        let (title, text) = if urgent {
            (&m.crisis.urgent_title, &m.crisis.urgent_text)
        } else {
            (&m.crisis.concern_title, &m.crisis.concern_text)
        };
        notice.messages.push((title.clone(), text.clone()));
        if let Some(a) = &found {
            let words: Vec<String> = a.excerpts(&joined).iter().map(|w| format!("“{w}”")).collect();
            notice.noticed = Some(m.crisis.noticed.render(&[("words", words.join(", "))]));
        }
        purposes.push(Purpose::Crisis);
    }
    let signal = checkin.map(|ci| checkin_signal(ci, None));
    if signal == Some(CheckinSignal::OfferCheck) && !s.mode {
        notice.messages.push((m.checkin.offer_title.clone(), c.offer_text.trim().to_string()));
        notice.check_link = true;
    }
    if s.mode {
        notice.messages.push((m.safety_mode.note_title.clone(), m.safety_mode.note_text.replace('`', "")));
        purposes.extend([Purpose::Abuse, Purpose::Emergency]);
    }
    if notice.messages.is_empty() {
        return None;
    }
    if purposes.contains(&Purpose::Crisis) && !purposes.contains(&Purpose::Emergency) {
        purposes.push(Purpose::Emergency);
    }
    notice.advice = c.advice(&s.country);
    notice.groups = c.groups(&s.country, &purposes);
    Some(notice)
}

/// The Safety page.
#[derive(Debug, Template)]
#[template(path = "safety.html")]
pub struct SafetyPage {
    l: Layout,
    title: String,
    intro: String,
    advice: String,
    groups: Vec<Group>,
    mode: bool,
    lock_minutes: u64,
}

/// `GET /safety`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let s = state.store(|store| settings(store)).await?;
    let content = &state.texts().safety;
    let m = &content.messages;
    let page = SafetyPage {
        l: layout(&state, &ctx, &m.page.title, "/safety", SafetyPolicyView { partner_talk: !s.mode }),
        title: m.page.title.clone(),
        intro: m.page.intro.clone(),
        advice: content.advice(&s.country),
        groups: content.groups(&s.country, &[Purpose::Crisis, Purpose::Abuse, Purpose::Emergency]),
        mode: s.mode,
        lock_minutes: state.lock_after().as_secs().div_ceil(60),
    };
    render(&page)
}

/// `POST /safety/mode`: `mode=on|off`.
pub async fn mode(State(state): State<AppState>, Form(f): Form<Fields>) -> WebResult {
    let on = match f.get("mode") {
        Some("on") => true,
        Some("off") => false,
        other => {
            return Err(WebError::User(format!(
                "Safety mode can be on or off, not '{}'; nothing was changed.",
                other.unwrap_or_default()
            )));
        }
    };
    state.store(move |store| Ok(store.set_setting(MODE_KEY, Some(if on { "on" } else { "off" }))?)).await?;
    see_other("/safety")
}
