#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `attune assess`: every questionnaire end to end (plain mode here, arrow
//! keys in a pseudo-terminal below), stop and resume, history, your own
//! questionnaire files and their errors, and the JSON shapes.

mod common;

use std::process::{Command as StdCommand, Stdio};

use common::{NOW, Sandbox};
use serde_json::Value;

const BUILT_IN: [&str; 5] =
    ["where-it-comes-from", "closeness-and-distance", "how-i-see-myself", "how-it-shows", "seen-trusted-respected"];

/// An unencrypted journal, so the tests spend no time on key derivation.
fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    s
}

/// Runs attune with `input` on standard input; returns (status, stdout, stderr).
fn with_input(s: &Sandbox, args: &[&str], input: &str) -> (i32, String, String) {
    let mut cmd = s.cmd();
    cmd.args(args).write_stdin(input.as_bytes().to_vec());
    let out = cmd.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// Standard error with line breaks and runs of spaces made single spaces,
/// so sentences can be found whatever the wrapping.
fn ok_with_input(s: &Sandbox, args: &[&str], input: &str) -> (String, String) {
    let (code, out, err) = with_input(s, args, input);
    assert_eq!(code, 0, "attune {args:?} failed:\n{err}\n{out}");
    (out, flat(&err))
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn json_with_input(s: &Sandbox, args: &[&str], input: &str) -> Value {
    let (out, _) = ok_with_input(s, args, input);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn list(s: &Sandbox) -> Vec<Value> {
    s.json(&["assess", "--json"]).as_array().unwrap().clone()
}

fn listed<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter().find(|i| i["id"] == id).unwrap()
}

/// `n` answers of `value`, one per line.
fn lines(value: i64, n: usize) -> String {
    format!("{value}\n").repeat(n)
}

#[test]
fn the_list_names_every_questionnaire_and_when_it_was_last_taken() {
    let s = sandbox();
    let items = list(&s);
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, BUILT_IN);
    for i in &items {
        assert!(i["title"].is_string());
        assert_eq!(i["version"], 1);
        assert!(i["items"].as_u64().unwrap() >= 3);
        assert!(i["last_taken"].is_null());
        assert!(i["in_progress"].is_null());
    }
    let text = s.run(&["assess"]);
    assert!(text.contains("Where it comes from"), "{text}");
    assert!(text.contains("not taken yet"), "{text}");
    assert!(text.contains("not a diagnosis"), "{text}");

    ok_with_input(&s, &["assess", "seen-trusted-respected", "--plain"], "7\n6\n8\n");
    let items = list(&s);
    let taken = listed(&items, "seen-trusted-respected");
    assert!(taken["last_taken"].as_str().unwrap().starts_with("2026-11-26T21:00:00+01:00"), "{taken}");
    let text = s.run(&["assess"]);
    assert!(text.contains("last taken Thu 26 Nov"), "{text}");
}

#[test]
fn every_questionnaire_end_to_end_in_plain_mode() {
    let s = sandbox();
    for item in list(&s) {
        let id = item["id"].as_str().unwrap();
        let n = item["items"].as_u64().unwrap() as usize;
        // 2 is on every built-in scale (0–3, 1–5, 1–7, 0–10).
        let v = json_with_input(&s, &["assess", id, "--json"], &lines(2, n));
        assert_eq!(v["status"], "finished", "{id}: {v}");
        let r = &v["result"];
        assert_eq!(r["instrument"], id);
        assert_eq!(r["version"], 1);
        assert!(r["id"].as_str().unwrap().len() == 36);
        assert!(r["at"].as_str().unwrap().starts_with("2026-11-26T21:00:00"));
        assert_eq!(r["answers"].as_object().unwrap().len(), n, "{id}");
        assert!(r["answers"].as_object().unwrap().values().all(|a| a == 2));
        for sc in r["scores"].as_array().unwrap() {
            let score = sc["score"].as_f64().unwrap();
            assert!(score >= sc["min"].as_f64().unwrap() && score <= sc["max"].as_f64().unwrap(), "{sc}");
            assert!(sc["band"].is_string(), "{id}: {sc}");
            assert_eq!(sc["answered"], sc["items"]);
        }
        let steps = v["steps"].as_array().unwrap();
        assert!(!steps.is_empty() && steps.len() <= 2, "{id}: {v}");
        for st in steps {
            assert!(st["number"].as_u64().unwrap() >= 1);
            assert!(!st["because"].as_array().unwrap().is_empty());
        }
        assert!(v.get("changes").is_none(), "first time: {v}");
        assert_eq!(v.get("point").is_some(), id == "closeness-and-distance", "{id}");
        assert_eq!(v.get("sources").is_some(), id == "where-it-comes-from", "{id}");
    }
    let history = s.json(&["assess", "history", "--json"]);
    assert_eq!(history.as_array().unwrap().len(), 5);
}

#[test]
fn the_profile_explains_each_score_and_suggests_a_step() {
    let s = sandbox();
    let (out, err) = ok_with_input(&s, &["assess", "where-it-comes-from"], &lines(4, 25));
    assert!(err.contains("Where it comes from"), "{err}");
    assert!(err.contains("1 of 25") && err.contains("25 of 25"), "{err}");
    assert!(err.contains("How much is this like you?"), "{err}");
    assert!(err.contains("not a diagnosis"), "{err}");
    for want in [
        "Your answers: Where it comes from",
        "Old hurts",
        "Comparison and outside pressure",
        "on a scale from 1 to 5",
        "How much earlier hurts",
        "This is the first time you took it",
        "What may help most right now",
        "`attune learn steps`",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    // Every answer 4 with one reversed item per subscale: (4·4 + 2) / 5 = 3.6, "a larger part".
    assert!(out.contains("3.6"), "{out}");
    assert!(out.contains("a larger part"), "{out}");
    assert!(out.contains("4. Build your self-worth"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn closeness_shows_a_point_and_all_four_regions() {
    let s = sandbox();
    let (out, _) = ok_with_input(&s, &["assess", "closeness-and-distance"], &lines(6, 12));
    assert!(out.contains("Where you are today"), "{out}");
    assert!(out.contains('●'), "{out}");
    for region in [
        "At ease with closeness",
        "Close, with worry",
        "Some distance feels safer",
        "Wanting closeness, and guarding against it",
    ] {
        assert!(out.contains(region), "{region} missing:\n{out}");
    }
    assert!(out.contains("not a kind of person"), "{out}");
    assert!(out.contains("Today your point is in the region"), "{out}");
}

#[test]
fn stop_in_the_middle_and_resume_later() {
    let s = sandbox();
    let v = json_with_input(&s, &["assess", "how-i-see-myself", "--json"], "5\n4\n3\nq\n");
    assert_eq!(v["status"], "stopped");
    assert_eq!(v["answered"], 3);
    assert_eq!(v["position"], 3);
    assert_eq!(v["total"], 8);
    assert_eq!(v["saved"], true);
    let items = list(&s);
    let p = &listed(&items, "how-i-see-myself")["in_progress"];
    assert_eq!(p["answered"], 3);
    assert_eq!(p["total"], 8);
    assert!(s.run(&["assess"]).contains("paused at 3 of 8"));
    assert!(s.json(&["assess", "history", "--json"]).as_array().unwrap().is_empty());

    // Later: it carries on at item 4, and the first three answers are kept.
    let (out, err) = ok_with_input(&s, &["assess", "how-i-see-myself", "--json"], &lines(1, 5));
    assert!(err.contains("Welcome back. You had answered 3 of 8"), "{err}");
    assert!(err.contains("4 of 8") && !err.contains("1 of 8"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "finished");
    let a = &v["result"]["answers"];
    assert_eq!(
        (a["sm-1"].as_i64(), a["sm-2"].as_i64(), a["sm-3"].as_i64(), a["sm-8"].as_i64()),
        (Some(5), Some(4), Some(3), Some(1))
    );
    assert!(listed(&list(&s), "how-i-see-myself")["in_progress"].is_null());
}

#[test]
fn the_end_of_input_stops_too_and_keeps_the_answers() {
    let s = sandbox();
    let (out, err) = ok_with_input(&s, &["assess", "how-it-shows"], "1\n2\n");
    assert!(out.is_empty(), "no profile: {out}");
    assert!(
        err.contains("Stopped for now. What you answered (2 of 10) is kept; `attune assess how-it-shows` carries on"),
        "{err}"
    );
    let (_, err) = ok_with_input(&s, &["assess", "how-it-shows"], "");
    assert!(err.contains("You had answered 2 of 10"), "{err}");
    // Nothing typed at all, and no earlier answers: nothing is saved.
    let (_, err) = ok_with_input(&s, &["assess", "seen-trusted-respected"], "");
    assert!(err.contains("Stopped before the first answer; nothing was saved."), "{err}");
    assert!(listed(&list(&s), "seen-trusted-respected")["in_progress"].is_null());
}

#[test]
fn skip_back_restart_and_answers_off_the_scale() {
    let s = sandbox();
    // 11 is off the 0–10 scale (asked again), then: seen 3, back, seen 9, skip trusted, respected 5.
    let v = json_with_input(&s, &["assess", "seen-trusted-respected", "--json"], "11\nthree\n3\nb\n9\ns\n5\n");
    let r = &v["result"];
    assert_eq!(r["answers"], serde_json::json!({"seen": 9, "respected": 5}));
    let trusted = r["scores"].as_array().unwrap().iter().find(|x| x["subscale"] == "trusted").unwrap();
    assert!(trusted.get("score").is_none(), "skipped: {trusted}");
    assert_eq!(trusted["answered"], 0);
    let (_, err) = ok_with_input(&s, &["assess", "seen-trusted-respected"], "11\n");
    assert!(err.contains("Please type a number from 0 to 10, or s, b or q."), "{err}");

    // --restart drops a paused run.
    ok_with_input(&s, &["assess", "how-it-shows"], "3\n3\nq\n");
    let v = json_with_input(&s, &["assess", "how-it-shows", "--restart", "--json"], "q\n");
    assert_eq!(v["answered"], 0);
    assert_eq!(v["saved"], false);

    // Skipping everything saves nothing.
    let v = json_with_input(&s, &["assess", "seen-trusted-respected", "--json"], "s\ns\ns\n");
    assert_eq!(v["status"], "nothing-answered");
    assert_eq!(s.json(&["assess", "history", "seen-trusted-respected", "--json"]).as_array().unwrap().len(), 1);

    // Endless nonsense ends with an error, keeping the answers.
    let (code, _, err) = with_input(&s, &["assess", "how-it-shows"], &"x\n".repeat(25));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("20 answers in a row"), "{err}");
}

#[test]
fn what_changed_since_last_time() {
    let s = sandbox();
    ok_with_input(&s, &["assess", "seen-trusted-respected"], "3\n5\n8\n");
    let v = json_with_input(&s, &["assess", "seen-trusted-respected", "--json"], "7\n5\n2\n");
    let c = &v["changes"];
    assert_eq!(c["previous_version"], 1);
    assert_eq!(c["version_changed"], false);
    assert!(c["previous_at"].is_string());
    let dirs: Vec<(&str, &str)> = c["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["subscale"].as_str().unwrap(), x["direction"].as_str().unwrap()))
        .collect();
    assert_eq!(dirs, [("seen", "higher"), ("trusted", "about-the-same"), ("respected", "lower")]);
    let (out, _) = ok_with_input(&s, &["assess", "seen-trusted-respected"], "7\n5\n2\n");
    assert!(out.contains("Since last time (Thu 26 Nov)"), "{out}");
    assert!(out.contains("Respected: about the same as last time (2 → 2)"), "{out}");
    // Respected 2 is at most 3: step 5 is suggested, per content/assess/steps.toml.
    assert!(out.contains("5. Set boundaries and trigger plans"), "{out}");
}

#[test]
fn history_lists_results_newest_first() {
    let s = sandbox();
    assert!(s.run(&["assess", "history"]).contains("You have not taken a questionnaire yet"));
    ok_with_input(&s, &["assess", "seen-trusted-respected"], "3\n5\n8\n");
    let cmd = |at: &str| {
        let mut c = s.cmd();
        c.env("ATTUNE_NOW", at);
        c
    };
    let out = cmd("2026-11-27T09:00:00+01:00")
        .args(["assess", "how-it-shows", "--json"])
        .write_stdin(lines(1, 10))
        .output()
        .unwrap();
    assert!(out.status.success());
    let h = s.json(&["assess", "history", "--json"]);
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["instrument"], "how-it-shows");
    assert_eq!(h[1]["instrument"], "seen-trusted-respected");
    for r in h {
        for key in ["id", "instrument", "version", "title", "at", "answers", "scores"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    let only = s.json(&["assess", "history", "seen-trusted-respected", "--json"]);
    assert_eq!(only.as_array().unwrap().len(), 1);
    let text = s.run(&["assess", "history"]);
    assert!(text.contains("How it shows") && text.contains("Seen 3 · Trusted 5 · Respected 8"), "{text}");
    let (code, err) = s.fail(&["assess", "history", "how-it-show"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("there is no questionnaire 'how-it-show'") && err.contains("did you mean 'how-it-shows'"),
        "{err}"
    );
}

#[test]
fn an_unknown_questionnaire_gets_a_suggestion() {
    let s = sandbox();
    let (code, err) = s.fail(&["assess", "closeness"]);
    assert_eq!(code, 1);
    assert!(err.contains("there is no questionnaire 'closeness'"), "{err}");
    assert!(err.contains("did you mean 'closeness-and-distance'"), "{err}");
    let (_, err) = s.fail(&["assess", "../defaults"]);
    assert!(err.contains("there is no questionnaire '../defaults'"), "{err}");
}

// ---- your own questionnaire ---------------------------------------------------------------

const MINE: &str = r#"
id = "my-check"
title = "My check"
version = 1
intro = "For reflection, not a diagnosis."

[scale]
points = 5
anchors = { 1 = "Never", 5 = "Always" }

[[item]]
id = "a"
text = "First statement."
subscale = "one"

[[item]]
id = "b"
text = "Second statement."
subscale = "one"
reverse = true

[[subscale]]
id = "one"
name = "One"
about = "What one means."

[[subscale.band]]
from = 1
to = 3
label = "lower"
text = "Lower."

[[subscale.band]]
from = 3
to = 5
label = "higher"
text = "Higher."
"#;

fn write(s: &Sandbox, name: &str, text: &str) -> String {
    let path = s.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn your_own_questionnaire_from_a_file() {
    let s = sandbox();
    let file = write(&s, "mine.toml", MINE);
    let v = s.json(&["assess", "--file", &file, "--check", "--json"]);
    assert_eq!(
        v,
        serde_json::json!({"valid": true, "id": "my-check", "title": "My check", "version": 1, "items": 2, "subscales": ["one"]})
    );
    assert!(s.run(&["assess", "--file", &file, "--check"]).contains("Valid"));

    let (_, err) = ok_with_input(&s, &["assess", "--file", &file], "4\nq\n");
    assert!(err.contains(&format!("`attune assess --file {file}` carries on")), "{err}");
    let v = json_with_input(&s, &["assess", "--file", &file, "--json"], "2\n");
    // a = 4, b = 2 reversed → 4: mean 4.
    assert_eq!(v["result"]["scores"][0]["score"], 4.0);
    assert_eq!(v["result"]["scores"][0]["band"], "higher");
    assert_eq!(v["result"]["instrument"], "my-check");
    let h = s.json(&["assess", "history", "my-check", "--json"]);
    assert_eq!(h.as_array().unwrap().len(), 1);
    assert!(s.run(&["assess", "history"]).contains("My check"));

    // A file may not take the id of a built-in questionnaire.
    let clash = write(&s, "clash.toml", &MINE.replace("id = \"my-check\"", "id = \"how-it-shows\""));
    let (code, err) = s.fail(&["assess", "--file", &clash]);
    assert_eq!(code, 1);
    assert!(err.contains("the id 'how-it-shows' already belongs to the questionnaire \"How it shows\""), "{err}");
}

/// The 36-item, two-dimension, 7-point instrument with a mixed reverse-keyed
/// layout, taken through the command line; the expected scores are worked
/// out by hand in attune-core's `assess::tests`.
#[test]
fn the_thirty_six_item_instrument_scores_as_computed_by_hand() {
    let s = sandbox();
    let mut text = String::from(
        "id = \"test-36\"\ntitle = \"Thirty-six\"\nversion = 1\nintro = \"Placeholder.\"\n\
         reverse_keyed = [\"i2\", \"i8\", \"i14\", \"i20\", \"i26\", \"i32\"]\n\
         [scale]\npoints = 7\nanchors = { 1 = \"Disagree strongly\", 7 = \"Agree strongly\" }\n",
    );
    for k in 1..=36 {
        let sub = if k % 2 == 1 { "anxiety" } else { "avoidance" };
        let rev = if k == 9 || k == 11 { "reverse = true\n" } else { "" };
        text.push_str(&format!("[[item]]\nid = \"i{k}\"\ntext = \"Item {k}.\"\nsubscale = \"{sub}\"\n{rev}"));
    }
    for sub in ["anxiety", "avoidance"] {
        text.push_str(&format!("[[subscale]]\nid = \"{sub}\"\nname = \"{sub}\"\nabout = \"{sub}.\"\n"));
    }
    let file = write(&s, "test-36.toml", &text);
    let answers: String = (1..=36).map(|k| format!("{}\n", (3 * k % 7) + 1)).collect();
    let v = json_with_input(&s, &["assess", "--file", &file, "--json"], &answers);
    let scores = v["result"]["scores"].as_array().unwrap();
    assert!((scores[0]["score"].as_f64().unwrap() - 56.0 / 18.0).abs() < 1e-9, "{v}");
    assert!((scores[1]["score"].as_f64().unwrap() - 76.0 / 18.0).abs() < 1e-9, "{v}");
}

#[test]
fn malformed_files_are_refused_with_distinct_precise_errors_and_change_nothing() {
    let s = sandbox();
    let before = s.snapshot_files();
    let cases: Vec<(&str, String, &str)> = vec![
        ("item without subscale", MINE.replacen("subscale = \"one\"\n", "", 1), "item 'a' (item 1): has no subscale"),
        (
            "reverse flag on an unknown item",
            MINE.replacen("intro =", "reverse_keyed = [\"c\"]\nintro =", 1),
            "reverse_keyed: names the item 'c', which does not exist",
        ),
        (
            "scale mismatch",
            MINE.replacen("5 = \"Always\"", "6 = \"Always\"", 1),
            "the anchor 6 is outside the 5-point scale, which runs from 1 to 5",
        ),
        ("duplicate ids", MINE.replacen("id = \"b\"", "id = \"a\"", 1), "the item id 'a' is used twice"),
        ("band gap", MINE.replacen("from = 3\n", "from = 3.5\n", 1), "no band covers scores from 3 to 3.5"),
        (
            "band overlap",
            MINE.replacen("from = 3\n", "from = 2\n", 1),
            "bands 1 and 2 overlap: both cover scores from 2 to 3",
        ),
        (
            "min share out of range",
            MINE.replacen("about = \"What one means.\"", "about = \"What one means.\"\nmin_answered = 0", 1),
            "min_answered = 0 is not a share above 0 and at most 1",
        ),
        (
            "empty text",
            MINE.replacen("text = \"Second statement.\"", "text = \"\"", 1),
            "item 'b' (item 2): `text` is empty",
        ),
        (
            "unknown subscale in norms",
            format!("{MINE}\n[norms.two]\nmean = 3\nsd = 1\n"),
            "norms.two: 'two' is not a subscale of this questionnaire",
        ),
        (
            "undefined subscale",
            MINE.replacen("subscale = \"one\"", "subscale = \"oen\"", 1),
            "names the subscale 'oen', which is not defined",
        ),
        ("a typo in a field", MINE.replacen("subscale = \"one\"", "subscal = \"one\"", 1), "unknown field `subscal`"),
        ("not TOML", MINE.replacen("title = \"My check\"", "title = My check", 1), "line 3: "),
    ];
    let mut messages = std::collections::BTreeSet::new();
    for (what, text, expect) in &cases {
        let file = write(&s, "bad.toml", text);
        let (code, err) = s.fail(&["assess", "--file", &file]);
        assert_eq!(code, 1, "{what}: {err}");
        assert!(err.contains(&format!("error: {file} is not a valid questionnaire: line ")), "{what}: {err}");
        assert!(err.contains(expect), "{what}: expected {expect:?} in\n{err}");
        assert!(err.contains("hint: line "), "{what}: a hint with the line: {err}");
        assert!(err.contains("nothing was changed"), "{what}: {err}");
        // --check says the same without a journal.
        let (code, err2) = s.fail(&["--store", "/nonexistent/attune", "assess", "--file", &file, "--check"]);
        assert_eq!(code, 1);
        assert_eq!(err, err2, "{what}");
        messages.insert(err.lines().next().unwrap().to_string());
    }
    assert_eq!(messages.len(), cases.len(), "every error is distinct");
    assert_eq!(s.snapshot_files(), before, "nothing changed");

    // Several problems are listed at once, each with its line.
    let file = write(
        &s,
        "bad.toml",
        &MINE.replacen("subscale = \"one\"\n", "", 1).replacen("text = \"Second statement.\"", "text = \"\"", 1),
    );
    let (_, err) = s.fail(&["assess", "--file", &file]);
    assert!(err.contains("2 things to fix:\n  - line "), "{err}");
    // A missing file, and one that is not text.
    let (_, err) = s.fail(&["assess", "--file", "/nonexistent/x.toml"]);
    assert!(err.contains("cannot read /nonexistent/x.toml"), "{err}");
    let bin = s.dir.path().join("bin.toml");
    std::fs::write(&bin, [0x66, 0xff, 0xfe]).unwrap();
    let (_, err) = s.fail(&["assess", "--file", bin.to_str().unwrap()]);
    assert!(err.contains("is not a text file"), "{err}");
}

// ---- in a pseudo-terminal, with the arrow keys ------------------------------------------------

const DOWN: &str = "\x1b[B";

fn pty(s: &Sandbox, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("attune"));
    let home = s.dir.path();
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("ATTUNE_STORE", s.store())
        .env("ATTUNE_LOCK_AFTER", "0")
        .env("ATTUNE_NOW", NOW)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .stdin(Stdio::inherit());
    let opts = rexpect::reader::Options::new().timeout_ms(Some(20_000)).strip_ansi_escape_codes(true);
    rexpect::session::spawn_with_options(cmd, opts).unwrap()
}

/// Answers items `from..=to` of `total` with Enter (the middle of the
/// scale), pressing ↓ first on every third one.
fn answer(p: &mut rexpect::session::PtySession, from: usize, to: usize, total: usize) {
    for n in from..=to {
        p.exp_string(&format!("{n} of {total}")).unwrap();
        if n % 3 == 0 {
            p.send(DOWN).unwrap();
        }
        p.send("\r").unwrap();
        p.flush().unwrap();
    }
}

fn finish(mut p: rexpect::session::PtySession) -> String {
    let rest = p.exp_eof().unwrap();
    let status = format!("{:?}", p.process().wait().unwrap());
    assert!(status.starts_with("Exited(") && status.ends_with(", 0)"), "{status}: {rest}");
    rest
}

#[test]
fn every_questionnaire_end_to_end_with_arrow_keys_in_a_terminal() {
    let s = sandbox();
    let sizes: Vec<(String, usize)> = list(&s)
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_string(), i["items"].as_u64().unwrap() as usize))
        .collect();
    for (id, n) in &sizes {
        let mut p = pty(&s, &["assess", id]);
        // (rexpect reads bytes as Latin-1: look for ASCII only.)
        p.exp_string("and Enter. Esc or q stops for now").unwrap();
        answer(&mut p, 1, *n, *n);
        let rest = finish(p);
        assert!(rest.contains("Your answers:"), "{id}: {rest}");
        assert!(rest.contains("What may help most right now"), "{id}: {rest}");
    }
    let h = s.json(&["assess", "history", "--json"]);
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 5);
    // how-it-shows (0–3): Enter on the middle answers 2; ↓ first on item 3 (rs-1) answers 3.
    let shows = h.iter().find(|r| r["instrument"] == "how-it-shows").unwrap();
    assert_eq!(shows["answers"]["fr-1"], 2);
    assert_eq!(shows["answers"]["rs-1"], 3);
    assert_eq!(shows["answers"].as_object().unwrap().len(), 10);
}

#[test]
fn stop_with_q_or_ctrl_c_in_a_terminal_and_resume() {
    let s = sandbox();
    // q after four answers.
    let mut p = pty(&s, &["assess", "closeness-and-distance"]);
    answer(&mut p, 1, 4, 12);
    p.exp_string("5 of 12").unwrap();
    p.send("q").unwrap();
    p.flush().unwrap();
    let rest = finish(p);
    assert!(flat(&rest).contains("Stopped for now. What you answered (4 of 12) is kept"), "{rest}");
    assert_eq!(listed(&list(&s), "closeness-and-distance")["in_progress"]["answered"], 4);

    // Resume: starts at 5; Ctrl-C after two more.
    let mut p = pty(&s, &["assess", "closeness-and-distance"]);
    p.exp_string("Welcome back. You had answered 4 of 12").unwrap();
    answer(&mut p, 5, 6, 12);
    p.exp_string("7 of 12").unwrap();
    p.send_control('c').unwrap();
    let _ = p.exp_eof();
    assert_eq!(listed(&list(&s), "closeness-and-distance")["in_progress"]["answered"], 6);

    // Resume again and finish; "Go back one" is offered from the second item on.
    let mut p = pty(&s, &["assess", "closeness-and-distance"]);
    p.exp_string("You had answered 6 of 12").unwrap();
    answer(&mut p, 7, 12, 12);
    let rest = finish(p);
    assert!(rest.contains("Where you are today"), "{rest}");
    let h = s.json(&["assess", "history", "closeness-and-distance", "--json"]);
    assert_eq!(h[0]["answers"].as_object().unwrap().len(), 12);
    assert!(listed(&list(&s), "closeness-and-distance")["in_progress"].is_null());
}

#[test]
fn plain_mode_can_be_forced_in_a_terminal() {
    let s = sandbox();
    let mut p = pty(&s, &["assess", "seen-trusted-respected", "--plain"]);
    p.exp_string("Type the number of your answer").unwrap();
    for v in ["8", "7", "9"] {
        p.exp_string("> ").unwrap();
        p.send_line(v).unwrap();
    }
    let rest = finish(p);
    assert!(rest.contains("Your answers: Seen, trusted, respected"), "{rest}");
}
