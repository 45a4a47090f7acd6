//! One safety decision, two front ends: for every reason a safety note can
//! have, with safety mode on and off, in three countries, `attune … --json`
//! and the web page a save leads to must show the same decision (reasons,
//! country, groups of services in order, and the services in each).
//! Both only render `attune_core::safety`'s decision; this test fails as
//! soon as one of them composes its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use attune_store::KdfParams;
use attune_web::{AppState, Config, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::Sandbox;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:8123";
const WEB_PASS: &str = "correct horse battery";

/// What both front ends must agree on.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    reasons: Vec<String>,
    country: String,
    /// (purpose, service names) per group, in order.
    groups: Vec<(String, Vec<String>)>,
}

enum Save {
    Entry(&'static str),
    Checkin { security: &'static str, afraid: Option<&'static str> },
}

const CASES: &[(&str, Save)] = &[
    ("crisis-language", Save::Entry("I can't do this anymore. I want to die.")),
    ("abuse-language", Save::Entry("He grabbed my throat during the argument and said nobody would believe me")),
    ("own-behaviour", Save::Entry("I checked his phone again last night while he slept.")),
    ("afraid-now", Save::Checkin { security: "1", afraid: Some("yes") }),
    ("very-low-rating", Save::Checkin { security: "1", afraid: None }),
    ("safety-mode", Save::Entry("A calm evening, we cooked together.")),
];

const COUNTRIES: &[&str] = &["gb", "us", "international"];

fn from_cli(safety: &Value) -> Option<Shown> {
    if safety.is_null() {
        return None;
    }
    let groups = safety["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let names = g["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string());
            (g["purpose"].as_str().unwrap().to_string(), names.collect())
        })
        .collect();
    Some(Shown {
        reasons: safety["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect(),
        country: safety["country"].as_str().unwrap().to_string(),
        groups,
    })
}

fn attr<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    &html[at..at + html[at..].find('"').unwrap()]
}

/// Undoes the template's HTML escaping of a service's name.
fn unescape(html: &str) -> String {
    [("&#38;", "&"), ("&amp;", "&"), ("&#39;", "'"), ("&#34;", "\""), ("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">")]
        .iter()
        .fold(html.to_string(), |s, (from, to)| s.replace(from, to))
}

/// Reads the notice section of a page (`templates/notice.html`).
fn from_web(html: &str) -> Option<Shown> {
    let start = html.find("<section class=\"notice\"")?;
    let notice = &html[start..start + html[start..].find("</section>").unwrap()];
    let mut groups = Vec::new();
    for part in notice.split("<div class=\"resource-group\"").skip(1) {
        let purpose = attr(part, "data-purpose").to_string();
        let names =
            part.split("<li><strong>").skip(1).map(|li| unescape(&li[..li.find("</strong>").unwrap()])).collect();
        groups.push((purpose, names));
    }
    Some(Shown {
        reasons: attr(notice, "data-reasons").split_whitespace().map(str::to_string).collect(),
        country: attr(notice, "data-country").to_string(),
        groups,
    })
}

fn cli_shown(country: &str, mode: bool, save: &Save) -> Option<Shown> {
    let s = Sandbox::new();
    s.init();
    if country != "international" {
        s.run(&["safety", "country", country]);
    }
    if mode {
        s.run(&["safety", "mode", "on"]);
    }
    let json = match save {
        Save::Entry(text) => s.json(&["log", text, "--json"]),
        Save::Checkin { security, afraid } => {
            let mut args = vec!["checkin", "--security", security, "--json"];
            if let Some(a) = afraid {
                args.extend(["--afraid-now", a]);
            }
            s.json(&args)
        }
    };
    from_cli(&json["safety"])
}

struct Web {
    app: Router,
    cookie: String,
    csrf: String,
    _tmp: tempfile::TempDir,
}

impl Web {
    async fn send(&self, req: Request<Body>) -> (StatusCode, String, String) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let location =
            resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, location, String::from_utf8_lossy(&bytes).into_owned())
    }

    fn get(&self, uri: &str) -> Request<Body> {
        Request::get(uri).header(header::HOST, HOST).header(header::COOKIE, &self.cookie).body(Body::empty()).unwrap()
    }

    fn post(&self, uri: &str, form: &[(&str, &str)]) -> Request<Body> {
        let mut fields: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        fields.extend_from_slice(form);
        Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
            .unwrap()
    }

    async fn start() -> Web {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = Config {
            store_dir: tmp.path().join("journal"),
            lock_after: Duration::from_secs(900),
            listen: HOST.parse().unwrap(),
            now: Some(format!("{}[Europe/Berlin]", common::NOW).parse().unwrap()),
            kdf: KdfParams::MINIMUM,
            allow_plain: false,
        };
        let (state, token) = AppState::new(cfg).unwrap();
        let mut w = Web { app: router(state), cookie: String::new(), csrf: String::new(), _tmp: tmp };
        let resp = w.app.clone().oneshot(w.get(&format!("/open?token={token}"))).await.unwrap();
        let set = resp.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
        w.cookie = set.split(';').next().unwrap().to_string();
        let (_, _, html) = w.send(w.get("/unlock")).await;
        let at = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
        w.csrf = html[at..at + 64].to_string();
        let (status, _, _) = w.send(w.post("/unlock", &[("passphrase", WEB_PASS), ("passphrase2", WEB_PASS)])).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        w
    }

    async fn posted(&self, uri: &str, form: &[(&str, &str)]) -> String {
        let (status, location, body) = self.send(self.post(uri, form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}: {body}");
        let (status, _, html) = self.send(self.get(&location)).await;
        assert_eq!(status, StatusCode::OK, "{location}");
        html
    }
}

async fn web_shown(country: &str, mode: bool, save: &Save) -> Option<Shown> {
    let w = Web::start().await;
    w.posted("/safety/country", &[("country", country)]).await;
    if mode {
        w.posted("/safety/mode", &[("mode", "on")]).await;
    }
    let html = match save {
        Save::Entry(text) => w.posted("/log", &[("situation", text)]).await,
        Save::Checkin { security, afraid } => {
            let mut form = vec![("security", *security)];
            if let Some(a) = afraid {
                form.push(("afraid_now", a));
            }
            w.posted("/checkin", &form).await
        }
    };
    from_web(&html)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_and_the_web_app_show_the_same_decision_for_every_reason_mode_and_country() {
    let mut checked = 0;
    for (reason, save) in CASES {
        for mode in [false, true] {
            for country in COUNTRIES {
                let cli = tokio::task::block_in_place(|| cli_shown(country, mode, save));
                let web = web_shown(country, mode, save).await;
                let what = format!("{reason}, safety mode {mode}, {country}");
                assert_eq!(cli, web, "{what}");
                checked += 1;
                if *reason == "safety-mode" && !mode {
                    assert_eq!(cli, None, "{what}: calm words outside safety mode show nothing");
                    continue;
                }
                let shown = cli.unwrap_or_else(|| panic!("{what}: nothing was shown"));
                let expected = if *reason == "very-low-rating" && mode { "safety-mode" } else { reason };
                assert!(shown.reasons.iter().any(|r| r == expected), "{what}: {:?}", shown.reasons);
                assert_eq!(shown.country, *country, "{what}");
            }
        }
    }
    assert_eq!(checked, CASES.len() * 2 * COUNTRIES.len());
}
