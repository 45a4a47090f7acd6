//! `attune import`, `attune export` and `attune report` against a real journal.
#![allow(clippy::unwrap_used)]
mod common;

use std::path::PathBuf;

use common::Sandbox;
use serde_json::Value;

fn fixture(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../attune-formats/tests/fixtures").join(rel);
    p.canonicalize().unwrap().display().to_string()
}

/// Turns the absolute fixture paths in output into `[fixtures]/…`.
fn redact(text: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../attune-formats/tests/fixtures");
    text.replace(&root.canonicalize().unwrap().display().to_string(), "[fixtures]")
}

fn counts(s: &Sandbox) -> (usize, usize) {
    let entries = s.json(&["list", "--json", "--limit", "100000"]);
    let checkins = s.json(&["list", "--checkins", "--json", "--limit", "100000"]);
    (entries.as_array().unwrap().len(), checkins.as_array().unwrap().len())
}

#[test]
fn every_format_imports_with_a_preview_and_a_second_import_adds_nothing() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("jrnl", "jrnl/journal.txt", &[]),
        ("jrnl", "jrnl/journal-old.txt", &[]),
        ("jrnl", "jrnl/custom.txt", &["--jrnl-config", "jrnl/jrnl.yaml"]),
        ("jrnl-json", "jrnl/export.json", &[]),
        ("dayone", "dayone/Journal.json", &[]),
        ("dayone", "dayone/export.zip", &[]),
        ("daylio", "daylio/daylio.csv", &[]),
        ("daylio", "daylio/daylio-old.csv", &[]),
        ("daylio", "daylio/daylio-custom-mood.csv", &["--mood-map", "ecstatic=10"]),
        ("bearable", "bearable/bearable.csv", &[]),
        ("freecbt", "freecbt/freecbt.csv", &[]),
    ];
    let mut previews = String::new();
    for (format, file, extra) in cases {
        let s = Sandbox::new();
        s.init();
        let mut args: Vec<String> = vec!["import".into(), (*format).into(), fixture(file)];
        for (i, a) in extra.iter().enumerate() {
            // Flag values after a flag naming a file are fixtures too.
            let prev = if i > 0 { extra[i - 1] } else { "" };
            args.push(if prev == "--jrnl-config" { fixture(a) } else { (*a).to_string() });
        }
        let mut dry = args.clone();
        dry.push("--dry-run".into());
        let dry: Vec<&str> = dry.iter().map(String::as_str).collect();
        let preview = s.run(&dry);
        assert_eq!(counts(&s), (0, 0), "{file}: a dry run changes nothing");
        previews.push_str(&format!("$ attune import {format} {file} --dry-run\n{}\n", redact(&preview)));

        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let done = s.run(&args);
        assert!(done.contains("Imported"), "{file}: {done}");
        let after_first = counts(&s);
        assert!(after_first.0 + after_first.1 > 0, "{file} imported nothing");
        let again = s.run(&args);
        assert!(again.contains("nothing new"), "{file}: {again}");
        assert_eq!(counts(&s), after_first, "{file}: importing twice adds nothing");
    }
    insta::assert_snapshot!("import_previews", previews);
}

#[test]
fn imported_records_keep_times_tags_stars_and_map_to_the_persons_lists() {
    let s = Sandbox::new();
    s.init();
    s.run(&["import", "jrnl", &fixture("jrnl/journal.txt"), "--tz", "Europe/Berlin"]);
    let list = s.json(&["list", "--json"]);
    let entries = list.as_array().unwrap();
    // Oldest entry: `@late-reply` is one of the starting triggers, `#anxious` a feeling.
    let first = entries.iter().find(|e| e["situation"].as_str().unwrap().starts_with("No good-morning")).unwrap();
    assert_eq!(first["triggers"], serde_json::json!(["late-reply"]));
    assert_eq!(first["feelings"], serde_json::json!(["anxious"]));
    assert_eq!(first["occurred"].as_str().unwrap(), "2026-09-01T08:15:00+02:00[Europe/Berlin]");
    let starred = entries.iter().find(|e| e["starred"] == Value::Bool(true)).unwrap();
    assert!(starred["situation"].as_str().unwrap().starts_with("We talked it through"));
    let third = entries.iter().find(|e| e["situation"].as_str().unwrap().starts_with("Lunch alone")).unwrap();
    assert_eq!(third["triggers"], serde_json::json!(["social-media"]));
    assert_eq!(third["tags"], serde_json::json!(["sam"]));

    // Day One: the zone of each entry, escapes gone, photos left out.
    let d = Sandbox::new();
    d.init();
    let out = d.run(&["import", "dayone", &fixture("dayone/export.zip")]);
    assert!(out.contains("2 photos were left out"), "{out}");
    let list = d.json(&["list", "--json"]);
    let late = list.as_array().unwrap().iter().find(|e| e["starred"] == Value::Bool(true)).unwrap();
    assert_eq!(
        late["situation"],
        "He didn't answer until midnight. I told myself it means nothing!\n\nStill - it hurt."
    );
    assert_eq!(late["occurred"], "2026-08-10T21:30:00+02:00[Europe/Berlin]");
    assert_eq!(late["triggers"], serde_json::json!(["late-reply"]));
}

#[test]
fn malformed_files_are_refused_with_file_place_and_field_and_change_nothing() {
    let cases: &[(&str, &str, &str)] = &[
        ("jrnl", "jrnl/bad-no-header.txt", "bad-no-header.txt: line 1, date: text before the first entry's date"),
        ("jrnl", "jrnl/bad-month.txt", "bad-month.txt: line 4, date: '2026-13-01 08:15:00 AM' is not a real date"),
        ("jrnl", "jrnl/bad-unclosed.txt", "bad-unclosed.txt: line 1, date: the date has no closing ']'"),
        ("jrnl", "jrnl/bad-utf8.txt", "bad-utf8.txt: line 2, text: is not UTF-8 text"),
        ("jrnl", "jrnl/bad-empty.txt", "bad-empty.txt: the file, entries: has no entries"),
        ("jrnl", "jrnl/bad-control.txt", "bad-control.txt: line 1, situation: "),
        // Dates beyond what can be typed: more than a day ahead, or before 1900.
        ("jrnl", "jrnl/bad-future.txt", "bad-future.txt: line 4, date: 2062-09-01 08:15 is in the future"),
        (
            "daylio",
            "daylio/bad-before-1900.csv",
            "bad-before-1900.csv: row 3, full_date: 1826-09-13 21:30 is before 1900",
        ),
        ("jrnl-json", "jrnl/bad-json-syntax.json", "bad-json-syntax.json: line 2, json: trailing comma"),
        (
            "jrnl-json",
            "jrnl/bad-json-no-entries.json",
            "bad-json-no-entries.json: line 1, entries: missing field `entries`",
        ),
        ("jrnl-json", "jrnl/bad-json-date.json", "bad-json-date.json: entry 2, date: '2026-13-02' is not a date"),
        ("jrnl-json", "jrnl/bad-json-time.json", "bad-json-time.json: entry 1, time: '25:00' is not a time"),
        ("jrnl-json", "jrnl/bad-json-entries-type.json", "bad-json-entries-type.json: line 1, json: invalid type"),
        (
            "dayone",
            "dayone/bad-date.json",
            "bad-date.json: entry 2, creationDate: '11/08/2026 05:00' is not a UTC time",
        ),
        (
            "dayone",
            "dayone/bad-zone.json",
            "bad-zone.json: entry 2, timeZone: 'Mars/Olympus_Mons' is not a known time zone",
        ),
        ("dayone", "dayone/bad-syntax.json", "bad-syntax.json: line 2, json: expected `,` or `}`"),
        ("dayone", "dayone/bad-no-entries.json", "bad-no-entries.json: line 1, entries: missing field `entries`"),
        ("dayone", "dayone/bad-no-json.zip", "bad-no-json.zip: the file, zip: holds no .json journal"),
        ("dayone", "dayone/bad-truncated.zip", "bad-truncated.zip: the file, zip: cannot be opened"),
        (
            "daylio",
            "daylio/bad-header.csv",
            "bad-header.csv: row 1, header: has no column full_date, weekday, time, activities",
        ),
        ("daylio", "daylio/bad-mood.csv", "bad-mood.csv: row 3, mood: 'stormy' has no felt-security value"),
        ("daylio", "daylio/bad-time.csv", "bad-time.csv: row 2, time: '25:61' is not a time"),
        ("daylio", "daylio/bad-date.csv", "bad-date.csv: row 3, full_date: '2026-02-30' is not a date"),
        ("daylio", "daylio/bad-fields.csv", "bad-fields.csv: row 3, row: has 9 fields where the header has 8"),
        ("daylio", "daylio/bad-utf8.csv", "bad-utf8.csv: line 2, text: is not UTF-8 text"),
        (
            "bearable",
            "bearable/bad-header.csv",
            "bad-header.csv: row 1, header: has no column time of day, rating/amount, detail, notes",
        ),
        ("bearable", "bearable/bad-rating.csv", "bad-rating.csv: row 2, rating/amount: '7' is outside 1 to 5"),
        ("bearable", "bearable/bad-date.csv", "bad-date.csv: row 3, date: '20/09/2026' is not a date"),
        ("bearable", "bearable/bad-time.csv", "bad-time.csv: row 2, time of day: 'noonish' is not am, mid, pm"),
        ("bearable", "bearable/bad-category.csv", "bad-category.csv: row 2, category: is empty"),
        ("bearable", "bearable/bad-number.csv", "bad-number.csv: row 2, rating/amount: 'good' is not a number"),
        ("freecbt", "freecbt/bad-header.csv", "bad-header.csv: row 1, header: has no column createdat"),
        ("freecbt", "freecbt/bad-created.csv", "bad-created.csv: row 2, createdAt: 'yesterday' is not a time"),
        ("freecbt", "freecbt/bad-fields.csv", "bad-fields.csv: row 2, row: has 6 fields where the header has 7"),
        ("freecbt", "freecbt/bad-utf8.csv", "bad-utf8.csv: line 2, text: is not UTF-8 text"),
        ("freecbt", "freecbt/bad-empty.csv", "bad-empty.csv: the file, rows: has no rows after the header"),
        ("freecbt", "freecbt/bad-control.csv", "bad-control.csv: row 2, situation: "),
    ];
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "something before the imports", "--trigger", "late-reply"]);
    let before = s.snapshot_files();
    for (format, file, expected) in cases {
        let (code, err) = s.fail(&["import", format, &fixture(file)]);
        assert_eq!(code, 1, "{file}: {err}");
        assert!(err.contains(expected), "{file}: expected {expected:?} in:\n{err}");
        assert!(err.contains("nothing was imported"), "{file}: {err}");
        assert_eq!(s.snapshot_files(), before, "{file} changed the journal");
    }
}

/// A jrnl file of `n` entries, a minute apart from 2025-01-01 00:01, with
/// entry `bad` (counted from 1) dated 2062 instead.
fn long_jrnl(dir: &std::path::Path, n: usize, bad: Option<usize>) -> String {
    let mut text = String::new();
    for i in 1..=n {
        let year = if Some(i) == bad { 2062 } else { 2025 };
        let (day, minute) = (1 + i / 1440, i % 1440);
        text.push_str(&format!(
            "[{year}-01-{day:02} {:02}:{:02}] Entry number {i} @late-reply\nThe body of entry {i}.\n\n",
            minute / 60,
            minute % 60
        ));
    }
    let path = dir.join(format!("long-{n}-{bad:?}.txt"));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Big files are mapped on a second thread while the journal writes the
/// parts before (thousands of records at a time): the result must be the
/// same as one pass, and a bad record in a late part must still leave nothing.
#[test]
fn a_file_imported_in_parts_lands_whole_or_not_at_all() {
    let s = Sandbox::new();
    s.init();
    let dir = tempfile::tempdir().unwrap();
    let before = s.snapshot_files();
    let bad = long_jrnl(dir.path(), 9_000, Some(8_999));
    let (code, err) = s.fail(&["import", "jrnl", &bad]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("line {}, date: 2062-01-07 05:59 is in the future", 8_998 * 3 + 1)), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(s.snapshot_files(), before, "a bad record in the last part changed the journal");

    let good = long_jrnl(dir.path(), 9_000, None);
    let done = s.json(&["import", "jrnl", &good, "--json"]);
    assert_eq!(done["imported"]["entries"], 9_000, "{done}");
    assert_eq!(done["read"]["entries"], 9_000, "{done}");
    assert_eq!(done["tags"]["late-reply"], serde_json::json!({"as": "trigger", "name": "late-reply"}), "{done}");
    assert_eq!(done["first"], "2025-01-01T00:01:00+01:00", "{done}");
    assert_eq!(counts(&s).0, 9_000);
    let found = s.json(&["search", "number", "--json"]);
    assert_eq!(found["total"], 9_000, "every part is in the search index: {found}");
    let again = s.json(&["import", "jrnl", &good, "--json"]);
    assert_eq!(
        (again["imported"]["entries"].clone(), again["imported"]["already_there"].clone()),
        (0.into(), 9_000.into())
    );
}

/// A journal with something in every part: entries, check-ins, renamed and
/// merged labels, the plan, agreements, activities, supporters.
fn full_journal() -> Sandbox {
    let s = Sandbox::new();
    s.init();
    s.run(&["triggers", "add", "Left on read"]);
    s.run(&["triggers", "add", "Slow text"]);
    s.run(&["triggers", "merge", "slow-text", "late-reply"]);
    s.run(&["feelings", "rename", "lonely", "Alone"]);
    s.run(&[
        "log",
        "no reply for 5 hours",
        "--trigger",
        "left-on-read",
        "--intensity",
        "7",
        "--feeling",
        "anxious",
        "--tag",
        "work",
    ]);
    s.run(&[
        "log",
        "a calm dinner, then a small argument",
        "--trigger",
        "conflict",
        "--intensity",
        "4",
        "--at",
        "yesterday",
    ]);
    s.run(&["checkin", "--security", "6", "--seen", "5", "--trusted", "7", "--respected", "6", "-c", "jealousy=1"]);
    s.run(&["checkin", "--security", "3", "--note", "rough day"]);
    s.run(&["plan", "need", "transparency", "--looks-like", "tell me when plans change"]);
    s.run(&["plan", "trigger", "late-reply", "--myself", "breathe, wait an hour", "--ask", "a two-word text"]);
    s.run(&["agree", "add", "a 20-minute talk on Sundays", "--every", "sunday", "--at", "19:00", "--minutes", "20"]);
    s.run(&["did", "pottery class", "--category", "art"]);
    s.run(&["support", "add", "Mia", "--relation", "sister", "--can-call"]);
    s
}

fn without_export_time(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("exported_at");
    v
}

#[test]
fn attune_json_export_then_import_into_an_empty_journal_reproduces_it() {
    let s = full_journal();
    let out = s.dir.path().join("export.json");
    s.run(&["export", "json", "-o", out.to_str().unwrap()]);
    let original: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(original["format"], "attune-export");
    assert_eq!(original["version"], 1);
    for key in ["entries", "checkins", "needs", "trigger_plans", "agreements", "activities", "supporters"] {
        assert!(!original[key].as_array().unwrap().is_empty(), "{key} is empty in the export");
    }

    let fresh = Sandbox::new();
    fresh.init();
    fresh.run(&["import", "attune", out.to_str().unwrap()]);
    let again = fresh.dir.path().join("again.json");
    fresh.run(&["export", "json", "-o", again.to_str().unwrap()]);
    let copy: Value = serde_json::from_slice(&std::fs::read(&again).unwrap()).unwrap();
    assert_eq!(without_export_time(copy), without_export_time(original.clone()));

    // Importing it once more adds nothing.
    let twice = fresh.run(&["import", "attune", out.to_str().unwrap()]);
    assert!(twice.contains("nothing new"), "{twice}");
}

#[test]
fn a_bad_attune_export_is_refused_and_changes_nothing() {
    let s = full_journal();
    let out = s.dir.path().join("export.json");
    s.run(&["export", "json", "-o", out.to_str().unwrap()]);
    let good: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let variants: Vec<(&str, Value, &str)> = vec![
        ("format", serde_json::json!({"format": "other", "version": 1}), "format: is not \"attune-export\""),
        (
            "version",
            {
                let mut v = good.clone();
                v["version"] = 99.into();
                v
            },
            "version: 99 is newer than this attune reads",
        ),
        (
            "intensity",
            {
                let mut v = good.clone();
                v["entries"][0]["intensity"] = 11.into();
                v
            },
            "intensity 11 is above 10",
        ),
        (
            "unknown field",
            {
                let mut v = good.clone();
                v["surprise"] = 1.into();
                v
            },
            "unknown field `surprise`",
        ),
        (
            "missing trigger",
            {
                let mut v = good.clone();
                v["triggers"] = serde_json::json!([]);
                v["entries"][1]["id"] = "01890000-0000-7000-8000-0000000000aa".into();
                v
            },
            "not on your list",
        ),
    ];
    let target = Sandbox::new();
    target.init();
    target.run(&["log", "already here"]);
    let before = target.snapshot_files();
    for (name, doc, expected) in variants {
        let path = target.dir.path().join(format!("{}.json", name.replace(' ', "-")));
        std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
        let (_, err) = target.fail(&["import", "attune", path.to_str().unwrap()]);
        assert!(err.contains(expected), "{name}: expected {expected:?} in {err}");
        assert_eq!(target.snapshot_files(), before, "{name} changed the journal");
    }
    let truncated = target.dir.path().join("truncated.json");
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let (_, err) = target.fail(&["import", "attune", truncated.to_str().unwrap()]);
    assert!(err.contains("truncated.json: line"), "{err}");
    assert_eq!(target.snapshot_files(), before);
}

#[test]
fn exports_in_every_format_are_written_atomically() {
    let s = full_journal();
    let dir = s.dir.path();
    let md = s.run(&["export", "markdown"]);
    assert!(md.starts_with("# My attune journal"), "{md}");
    assert!(md.contains("**Triggers:** Left on read") && md.contains("no reply for 5 hours"), "{md}");

    let jrnl_path = dir.join("journal.txt");
    s.run(&["export", "jrnl", "-o", jrnl_path.to_str().unwrap()]);
    let jrnl = std::fs::read_to_string(&jrnl_path).unwrap();
    assert!(jrnl.contains("] no reply for 5 hours\n"), "{jrnl}");
    assert!(jrnl.contains("@left-on-read @anxious @work"), "{jrnl}");
    // jrnl's file comes back as the same entries.
    let back = Sandbox::new();
    back.init();
    back.run(&["triggers", "add", "Left on read"]);
    back.run(&["import", "jrnl", jrnl_path.to_str().unwrap()]);
    let list = back.json(&["list", "--json"]);
    let e = list.as_array().unwrap().iter().find(|e| e["triggers"] == serde_json::json!(["left-on-read"])).unwrap();
    assert_eq!(e["feelings"], serde_json::json!(["anxious"]));
    assert_eq!(e["tags"], serde_json::json!(["work"]));

    let zip = dir.join("all.zip");
    s.run(&["export", "csv", "-o", zip.to_str().unwrap()]);
    assert!(std::fs::read(&zip).unwrap().starts_with(b"PK"));
    let folder = dir.join("csv");
    s.run(&["export", "csv", "-o", folder.to_str().unwrap()]);
    let entries = std::fs::read_to_string(folder.join("entries.csv")).unwrap();
    assert!(entries.starts_with("\"id\",\"occurred\",\"recorded\",\"situation\",\"triggers\""), "{entries}");
    assert_eq!(entries.lines().count(), 3);
    let checkins = std::fs::read_to_string(folder.join("checkins.csv")).unwrap();
    assert!(checkins.contains("jealousy=1") && checkins.contains("rough day"), "{checkins}");

    let ics = s.run(&["export", "ics"]);
    assert!(ics.starts_with("BEGIN:VCALENDAR") && ics.contains("RRULE:FREQ=WEEKLY"), "{ics}");

    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&jrnl_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn an_encrypted_export_needs_its_passphrase_to_come_back() {
    let s = full_journal();
    let path = s.dir.path().join("export.json.age");
    let pass = s.pass_file();
    s.cmd()
        .env("ATTUNE_NEW_PASSPHRASE_COMMAND", format!("cat '{}'", pass.display()))
        .args(["export", "json", "--encrypt", "-o", path.to_str().unwrap()])
        .assert()
        .success();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(!String::from_utf8_lossy(&bytes).contains("no reply for 5 hours"));

    let fresh = Sandbox::new();
    fresh.init();
    fresh.run(&["import", "attune", path.to_str().unwrap()]);
    assert_eq!(counts(&fresh), (2, 2));

    let wrong = Sandbox::new();
    wrong.init();
    let before = wrong.snapshot_files();
    let out = wrong
        .cmd()
        .env("ATTUNE_PASSPHRASE_COMMAND", "echo 'another passphrase entirely'")
        .env("ATTUNE_LOCK_AFTER", "15m")
        .args(["import", "attune", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not be decrypted") || err.contains("passphrase"), "{err}");
    assert_eq!(wrong.snapshot_files(), before);
}

/// The outline of an HTML page: sections, headings, and how many charts,
/// tables and list items each holds.
fn outline(html: &str) -> String {
    let mut out = String::new();
    for part in html.split("<section id=\"").skip(1) {
        let id = part.split('"').next().unwrap();
        let body = part.split("</section>").next().unwrap();
        let h2 = body.split("<h2>").nth(1).and_then(|h| h.split("</h2>").next()).unwrap_or("");
        out.push_str(&format!(
            "{id}: {h2} | charts {} | tables {} | rows {} | items {}\n",
            body.matches("<svg").count(),
            body.matches("<table>").count(),
            body.matches("<tr>").count(),
            body.matches("<li>").count()
        ));
    }
    out
}

#[test]
fn the_report_is_one_self_contained_page_with_the_chosen_sections() {
    let s = full_journal();
    let path = s.dir.path().join("report.html");
    s.run(&["report", "-o", path.to_str().unwrap(), "--question", "Why do late replies hit me so hard?"]);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for banned in ["<script", "src=\"http", "href=\"http", "<link", "@import"] {
        assert!(!html.contains(banned), "the report must be self-contained: {banned}");
    }
    assert!(html.contains("@media print"));
    assert!(html.contains("not a diagnosis"));
    assert!(html.contains("Why do late replies hit me so hard?"));
    assert!(!html.contains("no reply for 5 hours"), "journal text only when chosen");
    insta::assert_snapshot!("report_outline", outline(&html));

    let chosen = s.dir.path().join("chosen.html");
    s.run(&["report", "-o", chosen.to_str().unwrap(), "--sections", "triggers,entries", "--entries", "1"]);
    let html = std::fs::read_to_string(&chosen).unwrap();
    assert!(html.contains("no reply for 5 hours"));
    assert!(!html.contains("id=\"wellbeing\"") && html.contains("id=\"triggers\""));

    let (code, err) = s.fail(&["report", "-o", chosen.to_str().unwrap(), "--sections", "horoscope"]);
    assert_eq!(code, 1);
    assert!(err.contains("'horoscope' is not a section"), "{err}");
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        let (_, err) = s.fail(&["report", "-o", chosen.to_str().unwrap(), "--pdf"]);
        assert!(err.contains("--pdf needs Chromium"), "{err}");
    }
}
