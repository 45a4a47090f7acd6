//! The web safety check through the real router: answering, skipping,
//! leaving and resuming, the three tiers of outcome, safety mode, the CSRF
//! check, and snapshots of the question page and each outcome.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use attune_core::safety::{Answer, SavedCheck, screen};
use axum::http::StatusCode;
use common::{PASS, Web, flat, location, snapshot_settings as settings};

/// The check's own steps, on the shared harness.
impl Web {
    /// Posts to the check; returns where it sent the browser.
    async fn answer(&self, item: &str, action: &str, answer: Option<&str>) -> String {
        let mut form = vec![("item", item), ("action", action)];
        if let Some(a) = answer {
            form.push(("answer", a));
        }
        let (status, resp, html) = self.call(self.post("/safety/check", &form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{item} {action}: {html}");
        location(&resp)
    }

    /// Answers every question: `pick` gives the answer per item id
    /// (`None`: skip). Returns the last redirect.
    async fn take(&self, pick: impl Fn(&str) -> Option<&'static str>) -> String {
        let mut to = String::new();
        for item in &screen().unwrap().items {
            to = match pick(&item.id) {
                Some(a) => self.answer(&item.id, "answer", Some(a)).await,
                None => self.answer(&item.id, "skip", None).await,
            };
        }
        to
    }

    async fn mode_on(&self) -> bool {
        flat(&self.page("/safety").await).contains("Safety mode is on.")
    }
}

const NO: fn(&str) -> Option<&'static str> = |_| Some("no");

#[tokio::test]
async fn the_safety_page_links_to_the_check_and_the_intro_starts_it() {
    let w = Web::start(Duration::from_secs(900)).await;
    let safety = w.page("/safety").await;
    assert!(safety.contains("href=\"/safety/check\""), "{safety}");
    let intro = w.page("/safety/check").await;
    assert!(intro.contains("Is your relationship safe for you?"), "{intro}");
    assert!(flat(&intro).contains("nothing here is a diagnosis"));
    assert!(intro.contains("href=\"/safety/check?q=1\""));
    let total = screen().unwrap().items.len();
    let first = w.page("/safety/check?q=1").await;
    assert!(first.contains(&format!("Question 1 of {total}")), "{first}");
    assert!(first.contains("Are you afraid of your partner"), "{first}");
    for form in first.split("<form").skip(1).filter(|f| f.contains("action=\"/safety/check\"")) {
        assert!(form.contains("autocomplete=\"off\""), "{form}");
    }
    assert!(first.contains("autocomplete=\"off\""));
    // Nothing is chosen in advance.
    assert_eq!(first.matches("type=\"radio\"").count(), 3);
    assert!(!first.contains("checked"), "{first}");
    assert!(first.contains("value=\"prefer-not-to-say\"> I&#39;d rather not say"), "{first}");
    assert!(first.contains("Skip this question"));
    assert!(first.contains("href=\"/safety/check?q=0\">Back"), "{first}");
    assert_eq!(w.call(w.get(&format!("/safety/check?q={}", total + 1))).await.0, StatusCode::NOT_FOUND);
    settings().bind(|| insta::assert_snapshot!("question", first));
}

#[tokio::test]
async fn answers_and_skips_are_kept_after_each_question_and_resume() {
    let w = Web::start(Duration::from_secs(900)).await;
    let items = &screen().unwrap().items;
    assert_eq!(w.answer(&items[0].id, "answer", Some("yes")).await, "/safety/check?q=2");
    assert_eq!(w.answer(&items[1].id, "skip", None).await, "/safety/check?q=3");
    // No answer chosen: refused on the same question, nothing moves on.
    let (status, _, html) = w.call(w.post("/safety/check", &[("item", &items[2].id), ("action", "answer")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Choose one of the answers, or skip this question."), "{html}");
    assert!(html.contains("Question 3 of"), "{html}");
    assert_eq!(w.answer(&items[2].id, "answer", Some("prefer-not-to-say")).await, "/safety/check?q=4");

    // Leave and come back: the check carries on at question 4.
    let back = w.page("/safety/check").await;
    assert!(back.contains("Question 4 of"), "{back}");
    assert!(back.contains("Welcome back. Your 2 earlier answers are kept"), "{back}");
    let safety = w.page("/safety").await;
    assert!(!flat(&safety).contains("Safety mode is on."), "not before the end");
    // The introduction offers to carry on.
    let intro = w.page("/safety/check?q=0").await;
    assert!(intro.contains("answered 2 of"), "{intro}");
    assert!(intro.contains("href=\"/safety/check?q=4\">Carry on"), "{intro}");
    // Back to question 1 shows the earlier answer but chooses nothing.
    let first = w.page("/safety/check?q=1").await;
    assert!(first.contains("You answered “Yes” before"), "{first}");
    assert!(!first.contains("checked"));

    // An unknown question or action changes nothing.
    let (status, _, _) =
        w.call(w.post("/safety/check", &[("item", "afraid-of-partnr"), ("action", "answer"), ("answer", "no")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) =
        w.call(w.post("/safety/check", &[("item", &items[3].id), ("action", "answer"), ("answer", "maybe")])).await;
    assert_eq!(status, StatusCode::OK, "an unreadable answer is asked again");

    // Finish from question 4; the first answer (yes, a danger item) counts.
    let mut to = String::new();
    for item in &items[3..] {
        to = w.answer(&item.id, "answer", Some("no")).await;
    }
    assert_eq!(to, "/safety/check?done=1");
    let done = w.page(&to).await;
    assert!(done.contains("Your safety comes first"), "{done}");
    assert!(w.mode_on().await, "a danger yes switches safety mode on");
    // Completed: the next visit starts fresh at the introduction.
    let intro = w.page("/safety/check").await;
    assert!(
        intro.contains("Start the check") && intro.contains("You last completed it on 26 November 2026"),
        "{intro}"
    );

    // Start again drops a check left part-way.
    w.answer(&items[0].id, "answer", Some("no")).await;
    let (status, resp, _) = w.call(w.post("/safety/check", &[("action", "restart")])).await;
    assert_eq!((status, location(&resp).as_str()), (StatusCode::SEE_OTHER, "/safety/check?q=1"));
    assert!(w.page("/safety/check").await.contains("Start the check"));
}

#[tokio::test]
async fn the_outcome_has_three_tiers_and_safety_mode_follows_core() {
    // Clear: all no.
    let w = Web::start(Duration::from_secs(900)).await;
    assert_eq!(w.take(NO).await, "/safety/check?done=1");
    let clear = w.page("/safety/check?done=1").await;
    assert!(clear.contains("outcome-clear") && clear.contains("Thank you for answering"), "{clear}");
    assert!(!w.mode_on().await);
    settings().bind(|| insta::assert_snapshot!("outcome-clear", clear));

    // Support: emotional items only; never safety mode.
    let w = Web::start(Duration::from_secs(900)).await;
    w.take(|id| Some(if id == "put-downs" || id == "told-you-imagined-it" { "yes" } else { "no" })).await;
    let support = w.page("/safety/check?done=1").await;
    assert!(support.contains("outcome-support") && support.contains("What you described matters"), "{support}");
    assert!(flat(&support).contains("not a sign that you are too sensitive or too insecure"));
    assert!(support.contains("If your partner frightens, controls or hurts you"), "abuse services: {support}");
    assert!(!support.contains("Switch safety mode on"), "{support}");
    assert!(!w.mode_on().await, "emotional answers alone never switch safety mode on");
    settings().bind(|| insta::assert_snapshot!("outcome-support", support));

    // Offer: one control item; a button, not switched on.
    let w = Web::start(Duration::from_secs(900)).await;
    w.take(|id| Some(if id == "controls-money" { "yes" } else { "no" })).await;
    let offer = w.page("/safety/check?done=1").await;
    assert!(offer.contains("outcome-offer") && offer.contains("Some of this can be a sign of control"), "{offer}");
    assert!(offer.contains("name=\"mode\" value=\"on\""), "{offer}");
    assert!(!w.mode_on().await);
    settings().bind(|| insta::assert_snapshot!("outcome-offer", offer));
    let (status, _, _) = w.call(w.post("/safety/mode", &[("mode", "on")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(w.mode_on().await);

    // Safety mode: a skipped danger question alone is only an offer; a yes switches it on.
    let w = Web::start(Duration::from_secs(900)).await;
    w.take(|id| if id == "afraid-of-partner" { None } else { Some("no") }).await;
    assert!(w.page("/safety/check?done=1").await.contains("outcome-offer"));
    assert!(!w.mode_on().await);
    w.take(|id| Some(if id == "neck-or-breathing" || id == "put-downs" { "yes" } else { "no" })).await;
    let on = w.page("/safety/check?done=1").await;
    assert!(on.contains("outcome-safety-mode") && on.contains("Your safety comes first"), "{on}");
    assert!(on.contains("What you described matters"), "the support message follows: {on}");
    assert!(on.contains("Safety mode is on"), "{on}");
    assert!(w.mode_on().await);
    assert!(on.contains("If your partner frightens, controls or hurts you"), "{on}");
    settings().bind(|| insta::assert_snapshot!("outcome-safety-mode", on));
}

#[tokio::test]
async fn the_check_refuses_posts_without_the_csrf_token() {
    let mut w = Web::start(Duration::from_secs(900)).await;
    let item = &screen().unwrap().items[0].id;
    let good = w.csrf.clone();
    for bad in ["", "0000000000000000000000000000000000000000000000000000000000000000"] {
        w.csrf = bad.to_string();
        let (status, _, _) =
            w.call(w.post("/safety/check", &[("item", item), ("action", "answer"), ("answer", "yes")])).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "with '{bad}'");
    }
    w.csrf = good;
    // Nothing was kept.
    assert!(w.page("/safety/check").await.contains("Start the check"));
}

#[tokio::test]
async fn a_very_low_check_in_links_to_the_web_check() {
    let w = Web::start(Duration::from_secs(900)).await;
    let (status, resp, _) = w.call(w.post("/checkin", &[("security", "1")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = location(&resp);
    let html = w.page(to.split('#').next().unwrap()).await;
    assert!(html.contains("<a href=\"/safety/check\">"), "{html}");
    assert!(!html.contains("attune safety check"), "no terminal command in the browser: {html}");
}

#[tokio::test]
async fn a_check_saved_by_version_1_still_shows() {
    let w = Web::start(Duration::from_secs(900)).await;
    let v1 = r#"{"at":"2026-11-20T19:00:00+01:00","answers":{"afraid-of-partner":"no","controls-money":"yes"}}"#;
    let saved = SavedCheck::from_json(v1).unwrap();
    assert_eq!((saved.version, saved.answers["controls-money"]), (1, Answer::Yes));
    {
        // As an older attune left it, written beside the running app.
        let dir = w.tmp.path().join("journal");
        let key = attune_store::Store::unlock(&dir, &attune_store::Passphrase::new(PASS.into())).unwrap();
        let mut store = attune_store::Store::open(&dir, Some(&key)).unwrap();
        store.set_last_safety_check(v1).unwrap();
    }
    let intro = w.page("/safety/check").await;
    assert!(intro.contains("You last completed it on 20 November 2026"), "{intro}");
    let done = w.page("/safety/check?done=1").await;
    assert!(done.contains("outcome-offer") && done.contains("Some of this can be a sign of control"), "{done}");
    assert!(done.contains("You took this check on 20 November 2026"), "{done}");
}
