//! `attune lock` locks a running `attune serve` too, and what the web app
//! sealed while locked comes back through `attune drafts`: the real binary,
//! two processes, plain HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{PASS, Sandbox};

/// Stops `attune serve` when the test ends, passing or not.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Http {
    host: String,
    cookie: String,
}

impl Http {
    /// One request on its own connection: (status, Location, whole response).
    fn send(&mut self, method: &str, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut s = TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.host,
            self.cookie,
            body.len()
        )
        .unwrap();
        let mut bytes = Vec::new();
        // A reset after the whole answer (the server closing first) is fine.
        if let Err(e) = s.read_to_end(&mut bytes) {
            assert!(!bytes.is_empty(), "{method} {path}: {e}");
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let header = |name: &str| {
            text.lines()
                .take_while(|l| !l.is_empty())
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()))
                .unwrap_or_default()
                .to_string()
        };
        if let Some(c) = header("set-cookie").split(';').next().filter(|c| !c.is_empty()) {
            self.cookie = c.to_string();
        }
        (status, header("location"), text)
    }
}

fn csrf(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
    html[at..at + 64].to_string()
}

#[test]
fn attune_lock_locks_serve_and_text_posted_afterwards_comes_back_sealed() {
    let s = Sandbox::new();
    s.init();
    let mut child =
        s.std_cmd().args(["serve", "--port", "0"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let _serve = Serve(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = lines.by_ref().map(|l| l.unwrap()).find(|l| l.contains("/open?token=")).expect("serve prints its link");
    // Keep reading: a closed pipe would make serve's next line fail.
    std::thread::spawn(move || lines.for_each(drop));
    let url = url.trim();
    let rest = url.strip_prefix("http://").unwrap();
    let (host, open) = rest.split_at(rest.find('/').unwrap());
    let mut web = Http { host: host.to_string(), cookie: String::new() };

    let (_, loc, _) = web.send("GET", open, &[]);
    assert_eq!(loc, "/");
    let (_, _, page) = web.send("GET", "/unlock", &[]);
    let token = csrf(&page);
    let (_, loc, _) = web.send("POST", "/unlock", &[("_csrf", &token), ("passphrase", PASS)]);
    assert_eq!(loc, "/");
    let (status, _, _) = web.send("GET", "/", &[]);
    assert_eq!(status, 200);

    s.run(&["lock"]);
    let asked = Instant::now();
    loop {
        let (status, loc, _) = web.send("GET", "/", &[]);
        if status == 303 && loc == "/unlock" {
            eprintln!("serve was locked {} ms after `attune lock` returned", asked.elapsed().as_millis());
            break;
        }
        assert!(asked.elapsed() < Duration::from_secs(1), "serve was still unlocked a second after `attune lock`");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Typed against the journal that locked meanwhile: sealed, not lost.
    let marker = "lockmarker 9c1e harbour";
    let (_, loc, _) = web.send("POST", "/log", &[("_csrf", &token), ("situation", marker)]);
    assert_eq!(loc, "/unlock?kept=1");
    for (path, bytes) in s.snapshot_files() {
        assert!(!bytes.windows(marker.len()).any(|w| w == marker.as_bytes()), "{} holds the text", path.display());
    }
    // The next unlock in a terminal offers it back.
    let out = s.cmd().args(["drafts", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(marker));
    assert!(String::from_utf8_lossy(&out.stderr).contains("attune drafts"));
    let saved = s.run(&["drafts", "restore", "1"]);
    assert!(saved.contains("as entry"), "{saved}");
    assert!(s.run(&["list"]).contains("lockmarker"));
}
