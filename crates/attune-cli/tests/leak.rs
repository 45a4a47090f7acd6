//! Leak tests: what a person writes, and the secrets that protect it, never
//! reach the disk or the screen in the clear.
//!
//! - 50 unique markers are written through every path that takes text
//!   (the table [`PATHS`]; add a row when a command learns to store text),
//!   then every file under the sandbox (journal, WAL, backups and their key
//!   files, drafts, config, temporary and editor files) is scanned
//!   byte-wise for each marker, in upper and lower case, hex and base64.
//!   Four of the markers arrive through `attune import` (jrnl, Day One); the
//!   scan includes an `export json --encrypt` file.
//! - Plain exports (json, markdown, jrnl, csv) are meant to hold the words:
//!   the scan must find them there. The counsellor's report holds entry
//!   words only for the entries chosen with `--entries`.
//! - A control run over a plain (unencrypted) journal proves the scan finds
//!   markers where they are.
//! - A distinctive passphrase and the data key never appear in any output
//!   of failing commands or in `--json`, and attune runs with core dumps
//!   switched off (RLIMIT_CORE = 0).

// Helpers outside #[test] functions panic on purpose: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use attune_store::{KdfParams, Passphrase, Protection, Store};
use common::{PASS, Sandbox};

/// A marker no word list, content file or encoding produces by chance.
fn marker(i: usize) -> String {
    format!("qzx{i:02}canarywv")
}

/// One way text enters attune: the arguments (with `{}` for the marker),
/// and what to write on standard input.
struct Path_ {
    what: &'static str,
    args: &'static [&'static str],
    stdin: Option<&'static str>,
}

const fn p(what: &'static str, args: &'static [&'static str]) -> Path_ {
    Path_ { what, args, stdin: None }
}

/// Every path on this branch that stores or reads free text. Each row takes
/// one marker (rows may be used more than once to reach 50).
const PATHS: &[Path_] = &[
    p("entry text", &["log", "{}"]),
    p("entry thoughts", &["log", "x", "--thoughts", "{}"]),
    p("entry fear", &["log", "x", "--fear", "{}"]),
    p("entry helped", &["log", "x", "--helped", "{}"]),
    p("entry tag", &["log", "x", "--tag", "{}"]),
    Path_ { what: "entry from stdin", args: &["log", "-"], stdin: Some("{}") },
    p("entry edit", &["edit", "1", "--text", "{}"]),
    p("entry edit thoughts", &["edit", "2", "--thoughts", "{}"]),
    p("check-in note", &["checkin", "--security", "5", "--note", "{}"]),
    p("trigger name", &["triggers", "add", "{}"]),
    p("feeling name", &["feelings", "add", "{}"]),
    p("feeling rename", &["feelings", "rename", "anxious", "{}"]),
    p("need", &["plan", "need", "{}"]),
    p("need looks like", &["plan", "need", "transparency", "--looks-like", "{}"]),
    p("partner name", &["plan", "partner", "{}"]),
    p("trigger plan, myself", &["plan", "trigger", "late-reply", "--myself", "{}"]),
    p("trigger plan, ask", &["plan", "trigger", "late-reply", "--ask", "{}"]),
    p("agreement", &["agree", "add", "{}"]),
    p("support person", &["support", "add", "{}"]),
    p("support relation", &["support", "add", "Mia", "--relation", "{}"]),
    p("activity", &["did", "{}"]),
    p("affirmation", &["affirm", "add", "{}"]),
    p("search query", &["search", "{}"]),
    p("statement check", &["say", "--check", "{}"]),
    p("list filter", &["list", "--tag", "{}"]),
];

fn cheap_journal(sb: &Sandbox, encrypted: bool) {
    let protection = if encrypted {
        Protection::Passphrase(Passphrase::new(PASS.into()), KdfParams::MINIMUM)
    } else {
        Protection::None
    };
    Store::create(&sb.store(), protection).unwrap();
}

/// A command whose temporary and editor files land inside the sandbox, so
/// the scan sees them too.
fn cmd(sb: &Sandbox) -> Command {
    let tmp = sb.dir.path().join("tmp");
    let runtime = sb.dir.path().join("runtime");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::create_dir_all(&runtime).unwrap();
    // A login's runtime folder is 0700; the editor uses no other.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let mut c = sb.std_cmd();
    // The plain journal of one test is made on purpose (as `init --no-encryption` would).
    c.env("TMPDIR", &tmp).env("XDG_RUNTIME_DIR", &runtime).env("ATTUNE_ALLOW_PLAIN", "1");
    c
}

fn run(sb: &Sandbox, args: &[String], stdin: Option<&str>) -> Output {
    let mut c = cmd(sb);
    c.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        std::io::Write::write_all(&mut input, text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// Writes markers through every path; returns the markers used.
fn write_markers(sb: &Sandbox, editor_dir: &Path) -> Vec<String> {
    let mut used = Vec::new();
    let mut i = 0;
    while used.len() < 44 {
        let row = &PATHS[i % PATHS.len()];
        // Rows that rename or edit a fixed record only work the first time.
        let fixed_record = ["feeling rename", "partner name", "support relation", "need looks like"];
        if i >= PATHS.len() && fixed_record.contains(&row.what) {
            i += 1;
            continue;
        }
        let m = marker(used.len());
        let args: Vec<String> = row.args.iter().map(|a| a.replace("{}", &m)).collect();
        let stdin = row.stdin.map(|s| s.replace("{}", &m));
        let out = run(sb, &args, stdin.as_deref());
        assert!(
            out.status.success() || row.what == "list filter",
            "{} ({args:?}) failed: {}",
            row.what,
            String::from_utf8_lossy(&out.stderr)
        );
        used.push(m);
        i += 1;
    }
    // Imports: a jrnl journal and a Day One export, two markers each (text and tag).
    let ours: Vec<String> = (used.len()..used.len() + 4).map(marker).collect();
    let files = import_files(editor_dir, [&ours[0], &ours[1]], [&ours[2], &ours[3]]);
    for (format, file) in [("jrnl", &files[0]), ("dayone", &files[1])] {
        let out = run(sb, &["import".into(), format.into(), file.display().to_string()], None);
        assert!(out.status.success(), "import {format}: {}", String::from_utf8_lossy(&out.stderr));
    }
    used.extend(ours);
    // A draft: an "editor" that writes an invalid intensity and never fixes it.
    let m = marker(used.len());
    let script = editor_dir.join("bad-editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif grep -q 'NOT SAVED' \"$1\"; then exit 0; fi\n\
             sed -i -e 's/^## What happened$/## What happened\\n{m}/' -e 's/^intensity: $/intensity: 12/' \"$1\"\n"
        ),
    )
    .unwrap();
    let out = cmd(sb).env("EDITOR", format!("sh {}", script.display())).args(["log", "--edit"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("draft"), "{}", String::from_utf8_lossy(&out.stderr));
    used.push(m);
    // A deleted entry (kept for undo) and an encrypted backup.
    let m = marker(used.len());
    run(sb, &["log".into(), m.clone()], None);
    let listed = sb.json(&["list", "--json", "--limit", "1"]);
    let seq = listed[0]["seq"].as_i64().unwrap().to_string();
    assert!(run(sb, &["delete".into(), seq], None).status.success());
    used.push(m);
    let backup = sb.dir.path().join("backups").join("journal-copy.db");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let out = run(sb, &["backup".into(), backup.display().to_string()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(used.len(), 50);
    used
}

/// A jrnl journal and a Day One export whose entries carry a marker in
/// their text and one as a tag, written to `dir` (not scanned: they stand
/// for files the person already had).
fn import_files(dir: &Path, [jrnl, jrnl_tag]: [&str; 2], [dayone, dayone_tag]: [&str; 2]) -> [PathBuf; 2] {
    let jrnl_file = dir.join("journal.txt");
    std::fs::write(&jrnl_file, format!("[2026-09-01 08:15:00 AM] {jrnl} in jrnl. @{jrnl_tag}\nmore words\n")).unwrap();
    let dayone_file = dir.join("Journal.json");
    let entry = serde_json::json!({
        "uuid": "6A1F0C2E3B1D4C0E9F7A1B2C3D4E5F60",
        "creationDate": "2026-08-10T19:30:00Z",
        "timeZone": "Europe/Berlin",
        "tags": [dayone_tag],
        "text": format!("{dayone} in Day One"),
    });
    std::fs::write(&dayone_file, serde_json::json!({"metadata": {"version": "1.0"}, "entries": [entry]}).to_string())
        .unwrap();
    [jrnl_file, dayone_file]
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

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// (file, marker) for every marker form found in any file under `dir`,
/// except the given files (the test's own passphrase and editor script).
fn scan(dir: &Path, markers: &[String], skip: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    if dir.is_file() {
        files.push((dir.to_path_buf(), std::fs::read(dir).unwrap()));
    }
    common::walk(dir, &mut files);
    // Every form of every marker, indexed by its first byte, so each file is
    // read once (a plain search per form is slow in a debug build).
    let mut by_first: Vec<Vec<(&[u8], &String)>> = vec![Vec::new(); 256];
    let all: Vec<(Vec<u8>, &String)> = markers.iter().flat_map(|m| forms(m).into_iter().map(move |f| (f, m))).collect();
    for (f, m) in &all {
        by_first[usize::from(f[0])].push((f.as_slice(), m));
    }
    let mut found = Vec::new();
    for (path, bytes) in files.iter().filter(|(p, _)| !skip.contains(p)) {
        for i in 0..bytes.len() {
            for (f, m) in &by_first[usize::from(bytes[i])] {
                if bytes[i..].starts_with(f) && !found.contains(&(path.clone(), (*m).clone())) {
                    found.push((path.clone(), (*m).clone()));
                }
            }
        }
    }
    found
}

#[test]
fn no_marker_written_through_any_path_reaches_any_file() {
    let sb = Sandbox::new();
    cheap_journal(&sb, true);
    let editor_dir = tempfile::tempdir().unwrap();
    let markers = write_markers(&sb, editor_dir.path());
    // Everything the journal holds is still readable through attune.
    let found_by_search = sb.json(&["search", &markers[2], "--json"]);
    assert!(found_by_search.to_string().contains(&markers[2]), "{found_by_search}");
    // An encrypted export, inside the scanned folder.
    let sealed = sb.dir.path().join("exports").join("journal.json.age");
    std::fs::create_dir_all(sealed.parent().unwrap()).unwrap();
    let out = cmd(&sb)
        .env("ATTUNE_NEW_PASSPHRASE_COMMAND", format!("cat '{}'", sb.pass_file().display()))
        .args(["export", "json", "--encrypt", "-o", sealed.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&sealed).unwrap().starts_with(b"age-encryption.org/v1"));
    let files_scanned = {
        let mut f = Vec::new();
        common::walk(sb.dir.path(), &mut f);
        f.len()
    };
    let found = scan(sb.dir.path(), &markers, &[sb.pass_file()]);
    assert!(found.is_empty(), "markers found in files: {found:?}");
    assert!(files_scanned >= 6, "the scan saw only {files_scanned} files");
    eprintln!("leak: 50 markers through {} paths, {files_scanned} files scanned, 0 found", PATHS.len() + 5);

    // Plain exports are meant to hold the words (the control: the scan finds
    // them there); the counsellor's report holds entry words only when asked.
    let plain = editor_dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    // Entry text (the second "entry text" row: the first one's entry is
    // edited later), an imported jrnl entry and an imported Day One entry.
    let entry_words = [&markers[PATHS.len()], &markers[44], &markers[46]];
    for (format, name) in [("json", "export.json"), ("markdown", "export.md"), ("jrnl", "export.txt"), ("csv", "csv")] {
        let path = plain.join(name);
        let out = run(&sb, &["export".into(), format.into(), "-o".into(), path.display().to_string()], None);
        assert!(out.status.success(), "export {format}: {}", String::from_utf8_lossy(&out.stderr));
        let found = scan(&path, &markers, &[]);
        for m in entry_words {
            assert!(found.iter().any(|(_, f)| f == m), "the plain {format} export lacks {m}: {found:?}");
        }
    }
    let report = plain.join("report.html");
    let out = run(
        &sb,
        &["report".into(), "-o".into(), report.display().to_string(), "--since".into(), "2020-01-01".into()],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let found = scan(&report, &markers, &[]);
    for m in entry_words {
        assert!(!found.iter().any(|(_, f)| f == m), "the report holds entry words nobody chose: {m}");
    }
    let listed = sb.json(&["list", "--json", "--limit", "1000"]);
    let first = listed.as_array().unwrap().iter().find(|e| e.to_string().contains(entry_words[0])).unwrap();
    let chosen = plain.join("report-chosen.html");
    let out = run(
        &sb,
        &[
            "report".into(),
            "-o".into(),
            chosen.display().to_string(),
            "--since".into(),
            "2020-01-01".into(),
            "--entries".into(),
            first["seq"].to_string(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let found = scan(&chosen, &markers, &[]);
    assert!(found.iter().any(|(_, f)| f == entry_words[0]), "the chosen entry is not in the report: {found:?}");
}

#[test]
fn the_scan_finds_markers_in_a_plain_journal() {
    let sb = Sandbox::new();
    cheap_journal(&sb, false);
    let m = vec![marker(1), marker(2)];
    assert!(run(&sb, &["log".into(), m[0].clone()], None).status.success());
    assert!(
        run(&sb, &["checkin".into(), "-s".into(), "4".into(), "--note".into(), m[1].clone()], None).status.success()
    );
    let found = scan(sb.dir.path(), &m, &[]);
    for marker in &m {
        assert!(found.iter().any(|(_, f)| f == marker), "the scan missed {marker} in a plain journal: {found:?}");
    }
    // The forms are real encodings (so the scan would catch an encoded leak).
    assert_eq!(b64(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw", "base64 without padding");
}

const SECRET: &str = "Xylophone-Quokka-7731-passphrase";

/// Everything a command printed.
fn printed(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn the_passphrase_and_the_key_never_appear_in_any_output() {
    let sb = Sandbox::new();
    std::fs::write(sb.pass_file(), SECRET).unwrap();
    Store::create(&sb.store(), Protection::Passphrase(Passphrase::new(SECRET.into()), KdfParams::MINIMUM)).unwrap();
    let key = Store::unlock(&sb.store(), &Passphrase::new(SECRET.into())).unwrap();
    let key_hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let secret_file = sb.dir.path().join("secret");
    std::fs::write(&secret_file, SECRET).unwrap();
    let wrong_file = sb.dir.path().join("wrong");
    std::fs::write(&wrong_file, format!("{SECRET}-but-wrong")).unwrap();
    let cat = |f: &Path| format!("cat '{}'", f.display());
    let with = |args: &[&str], env: &[(&str, String)]| {
        let mut c = sb.std_cmd();
        c.args(args).stdin(Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let mut outputs = vec![
        // Wrong passphrase, from the command.
        with(&["list"], &[("ATTUNE_PASSPHRASE_COMMAND", cat(&wrong_file))]),
        // A passphrase command that prints the passphrase and then fails.
        with(&["list"], &[("ATTUNE_PASSPHRASE_COMMAND", format!("{}; exit 3", cat(&secret_file)))]),
        // One that prints it followed by bytes that are not text.
        with(&["list"], &[("ATTUNE_PASSPHRASE_COMMAND", format!("{}; printf '\\377'", cat(&secret_file)))]),
        // A new passphrase that is too short, and one equal to the secret with a typo.
        with(&["passphrase"], &[("ATTUNE_NEW_PASSPHRASE_COMMAND", "printf Xylo".into())]),
        with(&["passphrase"], &[("ATTUNE_NEW_PASSPHRASE_COMMAND", "false".into())]),
        // Bad input and bad settings while unlocked.
        with(&["log", "x", "--intensity", "99"], &[]),
        with(&["show", "999"], &[]),
        with(&["list"], &[("ATTUNE_LOCK_AFTER", "soon".into())]),
        with(&["list", "--since", "the day after never"], &[]),
        // Successful JSON output, settings included.
        with(&["log", "fine", "--json"], &[]),
        with(&["list", "--json"], &[]),
        with(&["config", "--json"], &[]),
        with(&["insights", "--json"], &[]),
    ];
    // A damaged key file and a damaged database, then a wrong key in the cache's place.
    let key_json = sb.store().join("key.json");
    let good = std::fs::read(&key_json).unwrap();
    std::fs::write(&key_json, &good[..good.len() / 2]).unwrap();
    outputs.push(with(&["list"], &[]));
    std::fs::write(&key_json, &good).unwrap();
    for out in &outputs {
        let text = printed(out);
        assert!(!text.contains(SECRET) && !text.contains("Xylophone"), "the passphrase was printed: {text}");
        assert!(!text.contains(&key_hex) && !text.to_uppercase().contains(&key_hex.to_uppercase()), "{text}");
        assert!(!text.contains("panicked"), "{text}");
    }
    // Nor is the key or the passphrase anywhere in the journal's files.
    let mut files = Vec::new();
    common::walk(&sb.store(), &mut files);
    for (path, bytes) in &files {
        assert!(!contains(bytes, key.as_bytes()), "the raw key is in {}", path.display());
        assert!(!contains(bytes, key_hex.as_bytes()), "the key in hex is in {}", path.display());
        assert!(!contains(bytes, SECRET.as_bytes()), "the passphrase is in {}", path.display());
    }
}

#[cfg(target_os = "linux")]
#[test]
fn attune_runs_with_core_dumps_switched_off() {
    let sb = Sandbox::new();
    cheap_journal(&sb, true);
    // The passphrase command is a child of attune and inherits its limits.
    let limits = sb.dir.path().join("limits");
    let out = sb
        .std_cmd()
        .env(
            "ATTUNE_PASSPHRASE_COMMAND",
            format!(
                "grep 'Max core file size' /proc/self/limits > '{}'; cat '{}'",
                limits.display(),
                sb.pass_file().display()
            ),
        )
        .arg("list")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = std::fs::read_to_string(&limits).unwrap();
    let numbers: Vec<&str> = line.split_whitespace().filter(|w| w.chars().all(|c| c.is_ascii_digit())).collect();
    assert_eq!(numbers, ["0", "0"], "soft and hard core limits should be 0: {line}");
}
