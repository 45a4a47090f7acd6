//! Leak test for the web app: 50 unique markers go in through the forms
//! (entries and their edits, check-ins, needs, agreements, things I did,
//! affirmations, the statement check, journal search), then every file the
//! app left in its folder (journal, WAL, key file, drafts, backups) is
//! scanned byte-wise for each marker as typed, in upper case, hex and
//! base64: none may appear. A control run over a journal the person chose
//! not to encrypt proves the scan finds markers where they are.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use common::{Setup, Web};

/// A web app over a new journal: encrypted (created through the unlock
/// form, as a person does) or plain (created beforehand, as `attune init
/// --no-passphrase` does; the app then opens it without asking). The
/// journal sits in `app/`, beside the backups, so one scan finds both.
async fn start(encrypted: bool) -> Web {
    // The plain journal is made on purpose here, as `attune init --no-encryption` does.
    Web::start_with(Setup { folder: "app/journal", plain: !encrypted, allow_plain: !encrypted, ..Setup::default() })
        .await
}

/// Everything the app writes: the journal folder and the backup folder.
fn root(w: &Web) -> PathBuf {
    w.dir.parent().unwrap().to_path_buf()
}

/// A marker no word list, content file or encoding produces by chance.
fn marker(i: usize) -> String {
    format!("qzx{i:02}webcanarywv")
}

/// One form that takes text: where it goes, and its fields with `{}` for the marker.
struct Form {
    uri: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

/// Every form of the web app that stores or reads free text. Each row takes
/// one marker; the table is used over and over to reach 50.
const FORMS: &[Form] = &[
    Form { uri: "/log", fields: &[("situation", "{}"), ("intensity", "6")] },
    Form { uri: "/log", fields: &[("situation", "x"), ("thoughts", "{}")] },
    Form { uri: "/log", fields: &[("situation", "x"), ("fear", "{}")] },
    Form { uri: "/log", fields: &[("situation", "x"), ("helped", "{}")] },
    Form { uri: "/log", fields: &[("situation", "x"), ("tags", "{}, work")] },
    Form { uri: "/journal/1/edit", fields: &[("situation", "{}")] },
    Form { uri: "/checkin", fields: &[("security", "5"), ("note", "{}")] },
    Form { uri: "/plan/need", fields: &[("name", "{}"), ("looks_like", "a text")] },
    Form { uri: "/plan/need", fields: &[("name", "transparency"), ("looks_like", "{}")] },
    Form { uri: "/plan/agreement", fields: &[("kind", "words"), ("text", "{}")] },
    Form { uri: "/self-worth/did", fields: &[("what", "{}"), ("minutes", "30")] },
    Form { uri: "/self-worth/affirmation", fields: &[("text", "I am allowed to ask for {}")] },
    Form { uri: "/say", fields: &[("draft", "I felt {} when you were late")] },
];

/// Writes 50 markers through the forms (and one journal search); returns
/// them with the ones that must be readable back from the journal page.
async fn write_markers(w: &Web) -> (Vec<String>, Vec<String>) {
    let mut used = Vec::new();
    let mut journal = Vec::new();
    for i in 0..49 {
        let form = &FORMS[i % FORMS.len()];
        let m = marker(i);
        let filled: Vec<(String, String)> =
            form.fields.iter().map(|(k, v)| ((*k).to_string(), v.replace("{}", &m))).collect();
        let fields: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, _, html) = w.go(w.post(form.uri, &fields)).await;
        let expected = if form.uri == "/say" { StatusCode::OK } else { StatusCode::SEE_OTHER };
        assert_eq!(status, expected, "{} {fields:?}: {html}", form.uri);
        // The first entry is edited later (its first text is gone by design).
        if form.uri == "/log" && i % FORMS.len() == 0 && i > 0 {
            journal.push(m.clone());
        }
        used.push(m);
    }
    let m = marker(49);
    let (status, _, _) = w.go(w.get(&format!("/journal?q={m}"))).await;
    assert_eq!(status, StatusCode::OK);
    used.push(m);
    (used, journal)
}

/// Every file under `dir`, with its bytes.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for k in 0..=chunk.len() {
            out.push(char::from(A[(n >> (18 - 6 * k) & 63) as usize]));
        }
    }
    out
}

/// The forms a marker could take on disk: as typed, upper case, hex, and
/// base64 at each of the three alignments (the inner, stable part).
fn forms(m: &str) -> Vec<Vec<u8>> {
    let mut out = vec![m.as_bytes().to_vec(), m.to_uppercase().into_bytes()];
    out.push(m.bytes().map(|b| format!("{b:02x}")).collect::<String>().into_bytes());
    for pad in 0..3 {
        let mut bytes = vec![0u8; pad];
        bytes.extend(m.bytes());
        let enc = b64(&bytes);
        out.push(enc.as_bytes()[4..enc.len() - 4].to_vec());
    }
    out
}

/// (file, marker) for every marker found in any form in any file under `dir`;
/// and how many files were scanned.
fn scan(dir: &Path, markers: &[String]) -> (Vec<(PathBuf, String)>, usize) {
    let mut files = Vec::new();
    walk(dir, &mut files);
    // Every form of every marker, indexed by its first byte, so each file is
    // read once (a plain search per form takes minutes in a debug build).
    let mut by_first: Vec<Vec<(&[u8], &String)>> = vec![Vec::new(); 256];
    let all: Vec<(Vec<u8>, &String)> = markers.iter().flat_map(|m| forms(m).into_iter().map(move |f| (f, m))).collect();
    for (f, m) in &all {
        by_first[usize::from(f[0])].push((f.as_slice(), m));
    }
    let mut found = Vec::new();
    for (path, bytes) in &files {
        for i in 0..bytes.len() {
            for (f, m) in &by_first[usize::from(bytes[i])] {
                if bytes[i..].starts_with(f) && !found.contains(&(path.clone(), (*m).clone())) {
                    found.push((path.clone(), (*m).clone()));
                }
            }
        }
    }
    (found, files.len())
}

#[tokio::test]
async fn no_marker_typed_into_the_web_app_reaches_any_file() {
    let w = start(true).await;
    let (markers, journal) = write_markers(&w).await;
    // They were saved: the journal shows them.
    let (_, _, html) = w.go(w.get("/journal")).await;
    for m in &journal {
        assert!(html.contains(m.as_str()), "{m} is not in the journal");
    }
    let (_, _, html) = w.go(w.get("/plan")).await;
    assert!(html.contains(&marker(9)), "the agreement is not on the plan page");
    // An encrypted backup, into a folder beside the journal.
    let backups = root(&w).join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let (status, _, _) = w.go(w.post("/settings/backup", &[("folder", backups.to_str().unwrap())])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Scanned while the journal is open (its WAL holds the latest pages), then after locking.
    let (found, files) = scan(&root(&w), &markers);
    assert!(found.is_empty(), "markers found while unlocked: {found:?}");
    assert!(files >= 3, "only {files} files scanned: the journal, its WAL and key file at least");
    let (status, _, _) = w.go(w.post("/lock", &[])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (found, files) = scan(&root(&w), &markers);
    assert!(found.is_empty(), "markers found after locking: {found:?}");
    eprintln!(
        "web leak: {} markers through {} forms and search, {files} files scanned, 0 found",
        markers.len(),
        FORMS.len()
    );
}

#[tokio::test]
async fn the_scan_finds_web_markers_in_a_plain_journal() {
    let w = start(false).await;
    let (markers, journal) = write_markers(&w).await;
    let (found, _) = scan(&root(&w), &markers);
    for m in &journal {
        assert!(found.iter().any(|(_, f)| f == m), "the scan missed {m} in a plain journal: {found:?}");
    }
    // The encodings are real (so an encoded leak would be caught too).
    assert_eq!(b64(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw");
    let hex: String = marker(0).bytes().map(|b| format!("{b:02x}")).collect();
    assert!(hex.starts_with("71") && forms(&marker(0)).contains(&hex.into_bytes()));
}
