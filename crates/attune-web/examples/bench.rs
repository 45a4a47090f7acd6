//! Server time per page, in process (router + `oneshot`, no sockets), over
//! a seeded journal. See BENCHMARKS.md, "Web app".
//!
//! `ATTUNE_SEED_PASSPHRASE=… cargo run --release -p attune-web --example bench -- DIR [ROUNDS] [PAGE…]`
//! where DIR was made by `cargo run --release -p attune-cli --example seed -- DIR 100000`.
//! PAGE (a page's name, as in the table) measures only those pages: under
//! `valgrind --tool=callgrind`, two runs with different ROUNDS give the
//! instructions one request takes (the difference over the extra rounds).
//! Adds two years of daily check-ins the first time, so the insights have
//! something to draw.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use attune_core::{CheckinDraft, Moment, RecordId};
use attune_store::{CheckinFilter, KdfParams, Passphrase, Store};
use attune_web::{AppState, Config, router};
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:8123";

fn add_checkins(dir: &std::path::Path, pass: &str) {
    let key = Store::unlock(dir, &Passphrase::new(pass.to_string())).unwrap();
    let mut store = Store::open(dir, Some(&key)).unwrap();
    if !store.checkins(&CheckinFilter { limit: Some(1), ..Default::default() }).unwrap().is_empty() {
        return;
    }
    let start = jiff::Timestamp::from_second(1_730_000_000).unwrap();
    let list: Vec<_> = (0..730i64)
        .map(|d| {
            let at = Moment::with_offset(start.checked_add(jiff::SignedDuration::from_hours(24 * d)).unwrap(), 3600);
            let draft = CheckinDraft {
                security: Some(3 + (d * 7 % 6)),
                seen: Some(4 + (d * 5 % 5)),
                trusted: Some(5 + (d * 3 % 4)),
                respected: Some(6 + (d % 3)),
                ..Default::default()
            };
            draft.into_checkin(RecordId::from_uuid(uuid::Uuid::now_v7()), at).unwrap()
        })
        .collect();
    store.bulk_insert_checkins(&list).unwrap();
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: bench DIR [ROUNDS]"));
    let rounds: usize = args.next().map(|r| r.parse().expect("ROUNDS is a number")).unwrap_or(200);
    let only: Vec<String> = args.collect();
    let pass = std::env::var("ATTUNE_SEED_PASSPHRASE").expect("set ATTUNE_SEED_PASSPHRASE");
    add_checkins(&dir, &pass);
    let cfg = Config {
        store_dir: dir,
        lock_after: Duration::from_secs(3600),
        listen: HOST.parse().unwrap(),
        now: Some("2026-11-26T21:00:00+01:00[Europe/Berlin]".parse().unwrap()),
        kdf: KdfParams::DEFAULT,
        allow_plain: false,
    };
    let (state, token) = AppState::new(cfg).unwrap();
    let app = router(state);
    let send = |req: Request<Body>| {
        let app = app.clone();
        async move {
            let resp = app.oneshot(req).await.unwrap();
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = resp.into_body().collect().await.unwrap().to_bytes();
            (status, headers, body)
        }
    };
    let (_, h, _) =
        send(Request::get(format!("/open?token={token}")).header(header::HOST, HOST).body(Body::empty()).unwrap())
            .await;
    let cookie = h.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let get = |uri: &str| {
        Request::get(uri).header(header::HOST, HOST).header(header::COOKIE, &cookie).body(Body::empty()).unwrap()
    };
    let (_, _, html) = send(get("/unlock")).await;
    let html = String::from_utf8_lossy(&html);
    let at = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
    let csrf = html[at..at + 64].to_string();
    let body = serde_urlencoded::to_string([("_csrf", csrf.as_str()), ("passphrase", pass.as_str())]).unwrap();
    let unlock = Request::post("/unlock")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let (status, _, _) = send(unlock).await;
    assert!(status.is_redirection(), "unlock failed: {status}");

    // Every page of the app, with its p99 target (issue 6: 10 ms, insights 100 ms).
    let fast = Duration::from_millis(10);
    let insights = Duration::from_millis(100);
    let pages = [
        ("today", "/", rounds, fast),
        ("journal", "/journal", rounds, fast),
        ("journal filtered", "/journal?trigger=late-reply&min_intensity=8", rounds, fast),
        ("journal search", "/journal?q=anniversary", rounds, fast),
        ("entry", "/journal/50000", rounds, fast),
        ("edit", "/journal/50000/edit", rounds, fast),
        ("insights, last 26 weeks", "/insights", (rounds / 10).max(5), insights),
        ("insights, everything", "/insights?weeks=all", (rounds / 20).max(5), insights),
        ("understand", "/understand", rounds, fast),
        ("understand, a topic", "/understand/signs", rounds, fast),
        ("questionnaire", "/assess/seen-trusted-respected", rounds, fast),
        ("plan", "/plan", rounds, fast),
        ("pause", "/pause", rounds, fast),
        ("say it", "/say", rounds, fast),
        ("self-worth", "/self-worth", rounds, fast),
        ("safety", "/safety", rounds, fast),
        ("settings", "/settings", rounds, fast),
    ];
    let pages = pages
        .into_iter()
        .filter(|(name, ..)| only.is_empty() || only.iter().any(|o| o == name))
        .map(|(name, uri, n, target)| (name, uri, if only.is_empty() { n } else { rounds }, target));
    println!("| page | requests | p50 | p99 | target (p99) | |");
    println!("|---|---|---|---|---|---|");
    for (name, uri, n, target) in pages {
        let (status, _, _) = send(get(uri)).await; // warm-up
        assert!(status.is_success(), "{uri}: {status}");
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let (status, _, body) = send(get(uri)).await;
            times.push(t.elapsed());
            assert!(status.is_success() && !body.is_empty());
        }
        times.sort();
        let p99 = pct(&times, 0.99);
        println!(
            "| {name} (`{uri}`) | {n} | {:.2} ms | {:.2} ms | {:.0} ms | {} |",
            ms(pct(&times, 0.5)),
            ms(p99),
            ms(target),
            if p99 < target { "met" } else { "missed" }
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
