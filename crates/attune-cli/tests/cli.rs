//! End-to-end tests of the `attune` binary: real processes, a real encrypted
//! journal in a temporary directory, a fixed "now".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{PASS, Sandbox, UUID, walk};

fn three_entries_two_checkins(s: &Sandbox) {
    s.run(&[
        "log",
        "No reply for 5 hours",
        "--trigger",
        "late-reply",
        "--intensity",
        "7",
        "--feeling",
        "anxious",
        "--at",
        "yesterday 18:30",
    ]);
    s.run(&[
        "log",
        "She cancelled our dinner",
        "-t",
        "cancelled-plan",
        "-i",
        "5",
        "--thoughts",
        "maybe she would rather be with her friends",
        "--fear",
        "that I am not a priority",
        "--sign",
        "over-interpreting",
        "--source",
        "self-worth",
        "--tag",
        "weekend",
        "--star",
        "--at",
        "2026-11-24 19:00",
    ]);
    s.run(&[
        "log",
        "Saw old photos of him with his ex on Instagram",
        "-t",
        "social-media",
        "-f",
        "jealous",
        "-i",
        "8",
        "--helped",
        "went for a walk and called my sister",
    ]);
    s.run(&[
        "checkin",
        "--security",
        "4",
        "--seen",
        "5",
        "--trusted",
        "6",
        "--respected",
        "7",
        "-c",
        "jealousy=2",
        "--at",
        "yesterday 21:00",
    ]);
    s.run(&["checkin", "-s", "6", "--note", "a calm evening together"]);
}

#[test]
fn acceptance_journal_round_trip() {
    let s = Sandbox::new();
    s.init();
    three_entries_two_checkins(&s);

    let list = s.run(&["list"]);
    insta::with_settings!({filters => vec![(UUID, "[uuid]")]}, {
        insta::assert_snapshot!("list", list);
    });
    let checkins = s.run(&["list", "--checkins"]);
    insta::assert_snapshot!("list_checkins", checkins);

    let entries = s.json(&["list", "--json"]);
    assert_eq!(entries.as_array().unwrap().len(), 3);
    let first = &entries[0];
    assert_eq!(first["situation"], "Saw old photos of him with his ex on Instagram");
    assert_eq!(first["seq"], 3);

    let found = s.json(&["search", "dinner", "--json"]);
    assert_eq!(found["total"], 1);
    assert_eq!(found["hits"][0]["kind"], "entry");
    assert_eq!(found["hits"][0]["seq"], 2);
    let found = s.json(&["search", "calm", "--json"]);
    assert_eq!(found["hits"][0]["kind"], "checkin");

    let shown = s.json(&["show", "2", "--json"]);
    insta::with_settings!({filters => vec![(UUID, "[uuid]")]}, {
        insta::assert_json_snapshot!("show_entry_json", shown);
    });
    let shown = s.json(&["show", "c1", "--json"]);
    assert_eq!(shown["kind"], "checkin");
    assert_eq!(shown["security"], 4);
    assert_eq!(shown["consequences"]["jealousy"], 2);

    let text = s.run(&["show", "2"]);
    insta::with_settings!({filters => vec![(UUID, "[uuid]")]}, {
        insta::assert_snapshot!("show_entry", text);
    });
}

#[test]
fn wrong_passphrase_is_a_clear_error_and_changes_nothing() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "a quiet worry", "-i", "3"]);
    let before = s.snapshot_files();
    std::fs::write(s.pass_file(), "not the passphrase").unwrap();
    let (code, err) = s.fail(&["list"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("that passphrase does not open this journal"), "{err}");
    assert!(!err.contains("not the passphrase"), "the passphrase must never be echoed: {err}");
    assert_eq!(s.snapshot_files(), before, "a failed unlock must not touch any file");
    std::fs::write(s.pass_file(), PASS).unwrap();
    assert!(s.run(&["list"]).contains("a quiet worry"));
}

#[test]
fn bad_input_is_refused_specifically_and_nothing_is_written() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "first", "-t", "late-reply"]);
    let before = s.snapshot_files();
    let cases: &[(&[&str], &str)] = &[
        (&["log", "x", "--intensity", "11"], "intensity 11 is outside the scale"),
        (&["log", "x", "--trigger", "late-replay"], "did you mean 'late-reply'"),
        (&["log", "   "], "situation is empty"),
        (&["log", "x", "--at", "the day after never"], "--at: 'the day after never' is not a date"),
        (&["list", "--since", "someday"], "--since: 'someday' is not a date"),
        (&["checkin", "--security", "4", "-c", "jealousy=9"], "consequence 9 is outside the scale"),
        (&["checkin", "--seen", "4"], "security is missing"),
        (&["log", "x", "--sign", "jealous"], "'jealous' is not a known sign"),
        (&["show", "999"], "no entry matches '999'"),
        (&["edit", "1", "--intensity", "-2"], "intensity -2 is outside the scale"),
    ];
    for (args, expected) in cases {
        let (code, err) = s.fail(args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: expected '{expected}' in:\n{err}");
        assert!(err.starts_with("error: "), "{err}");
    }
    assert_eq!(s.snapshot_files(), before, "refused input must not change the journal");
}

#[test]
fn a_key_file_from_a_newer_attune_says_to_update_not_to_restore() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "a quiet worry"]);
    // A later format may bring fields this attune does not know.
    let newer = br#"{"version":9,"encryption":"xchacha20poly1305","kdf":"balloon","sealed_by":"hardware"}"#;
    std::fs::write(s.store().join("key.json"), newer).unwrap();
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["list"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("was written by a newer attune (format version 9"), "{err}");
    assert!(err.contains("update attune"), "{err}");
    assert!(!err.contains("restore"), "restoring an older key file is the wrong advice: {err}");
    assert_eq!(s.snapshot_files(), before);
}

#[test]
fn missing_store_says_how_to_create_one() {
    let s = Sandbox::new();
    let (code, err) = s.fail(&["list"]);
    assert_eq!(code, 1);
    assert!(err.contains("no journal found at"), "{err}");
    assert!(err.contains("attune init"), "{err}");
}

#[test]
fn init_twice_refuses_and_keeps_the_journal() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "keep me"]);
    let (_, err) = s.fail(&["init"]);
    assert!(err.contains("already exists"), "{err}");
    assert!(s.run(&["list"]).contains("keep me"));
}

#[test]
fn edit_delete_undo() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "first version", "-i", "4"]);
    s.run(&["edit", "1", "--text", "second version", "--intensity", "6", "--star"]);
    let e = s.json(&["show", "1", "--json"]);
    assert_eq!(e["situation"], "second version");
    assert_eq!(e["intensity"], 6);
    assert_eq!(e["starred"], true);
    s.run(&["undo"]);
    let e = s.json(&["show", "1", "--json"]);
    assert_eq!(e["situation"], "first version");

    s.run(&["delete", "1"]);
    let (_, err) = s.fail(&["show", "1"]);
    assert!(err.contains("no entry matches"), "{err}");
    assert!(s.run(&["undo"]).contains("entry 1 is back"));
    assert_eq!(s.json(&["show", "1", "--json"])["situation"], "first version");

    s.run(&["log", "oops"]);
    assert!(s.run(&["undo"]).contains("entry 2 is removed again"));
    assert_eq!(s.json(&["list", "--json"]).as_array().unwrap().len(), 1);
}

#[test]
fn triggers_rename_merge_retire() {
    let s = Sandbox::new();
    s.init();
    s.run(&["triggers", "add", "Left on read"]);
    s.run(&["log", "seen at 9, no answer", "-t", "left-on-read"]);
    s.run(&["triggers", "rename", "left-on-read", "Read, no reply"]);
    let e = s.json(&["show", "1", "--json"]);
    assert_eq!(e["triggers"][0], "read-no-reply", "history follows a rename");
    s.run(&["triggers", "merge", "read-no-reply", "late-reply"]);
    assert_eq!(s.json(&["show", "1", "--json"])["triggers"][0], "late-reply");
    // Typing the merged name lands on the one it was merged into.
    s.run(&["log", "again", "-t", "read-no-reply"]);
    assert_eq!(s.json(&["show", "2", "--json"])["triggers"][0], "late-reply");

    s.run(&["triggers", "retire", "conflict"]);
    let (_, err) = s.fail(&["log", "x", "-t", "conflict"]);
    assert!(err.contains("'conflict' is retired"), "{err}");
    let list = s.json(&["triggers", "--json"]);
    assert!(list.as_array().unwrap().iter().all(|l| l["slug"] != "conflict"));
    s.run(&["triggers", "restore", "conflict"]);
    s.run(&["log", "x", "-t", "conflict"]);

    let (_, err) = s.fail(&["triggers", "add", "late reply"]);
    assert!(err.contains("already"), "{err}");
}

#[test]
fn filters_narrow_the_list() {
    let s = Sandbox::new();
    s.init();
    three_entries_two_checkins(&s);
    let count = |args: &[&str]| {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        s.json(&all).as_array().unwrap().len()
    };
    assert_eq!(count(&["--trigger", "late-reply"]), 1);
    assert_eq!(count(&["--min-intensity", "7"]), 2);
    assert_eq!(count(&["--since", "yesterday"]), 2);
    assert_eq!(count(&["--until", "2026-11-24"]), 1);
    assert_eq!(count(&["--tag", "#weekend"]), 1);
    assert_eq!(count(&["--sign", "over-interpreting"]), 1);
    assert_eq!(count(&["--source", "self-worth"]), 1);
    assert_eq!(count(&["--starred"]), 1);
    assert_eq!(count(&["--feeling", "jealous"]), 1);
    assert_eq!(count(&["-n", "2"]), 2);
    let (_, err) = s.fail(&["list", "--since", "today", "--until", "last week"]);
    assert!(err.contains("--since is after --until"), "{err}");
}

#[test]
fn plain_output_has_no_colour_codes_and_no_color_is_respected() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "hello", "-t", "late-reply"]);
    let text = s.run(&["list"]);
    assert!(!text.contains('\u{1b}'), "no escape codes when not a terminal: {text:?}");
    let forced = s.cmd().args(["--color", "always", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'), "--color always colours");
    let no_color = s.cmd().env("NO_COLOR", "1").args(["list"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&no_color.stdout).contains('\u{1b}'));
}

#[test]
fn backup_is_encrypted_and_complete() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "marker-7f3a9c in a backup"]);
    let dest = s.dir.path().join("backup.db");
    s.run(&["backup", dest.to_str().unwrap()]);
    let bytes = std::fs::read(&dest).unwrap();
    assert!(!bytes.windows(13).any(|w| w == b"marker-7f3a9c"), "backup must be encrypted");
    assert!(dest.with_extension("db.key.json").exists());
    let (_, err) = s.fail(&["backup", dest.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn restore_puts_a_backup_back_and_keeps_the_journal_it_replaces() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "written before the backup"]);
    let backup = s.dir.path().join("backup.db");
    s.run(&["backup", backup.to_str().unwrap()]);
    s.run(&["log", "written after the backup"]);

    // Refused: nothing moves.
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["restore", s.dir.path().join("nope.db").to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("there is no backup at") && err.contains("nope.db"), "{err}");
    std::fs::write(s.pass_file(), "not the passphrase").unwrap();
    let (code, err) = s.fail(&["restore", backup.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not open this backup; nothing was changed"), "{err}");
    assert_eq!(s.snapshot_files(), before);
    std::fs::remove_file(s.pass_file()).unwrap(); // the sandbox writes the right one again

    let out = s.run(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("Restored the backup"), "{out}");
    assert!(out.contains("Nothing was deleted."), "{out}");
    let list = s.run(&["list"]);
    assert!(list.contains("written before the backup"), "{list}");
    assert!(!list.contains("written after the backup"), "{list}");

    // The replaced journal is beside it, whole, and opens as it was.
    let aside: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("journal.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(out.contains(&aside[0].display().to_string()), "the output says where: {out}");
    let old = s.cmd().env("ATTUNE_STORE", &aside[0]).args(["list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&old.stdout).contains("written after the backup"));
}

#[test]
fn unencrypted_journal_works_without_a_passphrase() {
    let s = Sandbox::new();
    let out = s.cmd().env_remove("ATTUNE_PASSPHRASE_COMMAND").args(["init", "--no-encryption"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("not encrypted"));
    let out = s.cmd().env_remove("ATTUNE_PASSPHRASE_COMMAND").args(["log", "plain entry"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn locked_journal_without_a_way_to_ask_is_a_clear_error() {
    let s = Sandbox::new();
    s.init();
    let out = s.cmd().env_remove("ATTUNE_PASSPHRASE_COMMAND").args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ATTUNE_PASSPHRASE_COMMAND"), "{err}");
}

#[test]
fn passphrase_change_then_old_fails_and_new_works() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "before the change"]);
    let new_file = s.dir.path().join("newpass");
    std::fs::write(&new_file, "a brand new passphrase").unwrap();
    let out = s
        .cmd()
        .env("ATTUNE_NEW_PASSPHRASE_COMMAND", format!("cat '{}'", new_file.display()))
        .arg("passphrase")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (code, _) = s.fail(&["list"]);
    assert_eq!(code, 3);
    std::fs::write(s.pass_file(), "a brand new passphrase").unwrap();
    assert!(s.run(&["list"]).contains("before the change"));
}

#[test]
fn lock_drops_the_cached_key() {
    let s = Sandbox::new();
    // This test uses the key cache; it is skipped where the kernel keyring is unavailable.
    let cached = |s: &Sandbox| {
        let mut cmd = s.cmd();
        cmd.env("ATTUNE_LOCK_AFTER", "5m");
        cmd
    };
    let out = cached(&s).arg("init").output().unwrap();
    assert!(out.status.success());
    std::fs::write(s.pass_file(), "wrong wrong wrong").unwrap();
    let out = cached(&s).arg("list").output().unwrap();
    if !out.status.success() {
        eprintln!("kernel keyring unavailable here; skipping the cache half of this test");
        return;
    }
    let out = cached(&s).arg("lock").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Locked"));
    let out = cached(&s).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(3), "after lock the passphrase is needed again");
}

#[test]
fn broken_pipe_exits_quietly() {
    let s = Sandbox::new();
    s.init();
    for i in 0..30 {
        s.run(&["log", &format!("entry number {i}")]);
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("attune"))
        .envs(s.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
        .args(["list", "-n", "30"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn config_shows_origins() {
    let s = Sandbox::new();
    let text = s.run(&["config"]);
    assert!(text.contains("environment ATTUNE_STORE"), "{text}");
    assert!(text.contains("lock_after = \"0s\""), "{text}");
    let json = s.json(&["config", "--json"]);
    assert_eq!(json["lock_after"]["value"], "0s");
}

#[test]
fn completions_and_man_page_are_generated() {
    let s = Sandbox::new();
    assert!(s.run(&["completions", "bash"]).contains("attune"));
    assert!(s.run(&["man"]).contains(".TH attune"));
}

#[test]
fn stdin_text_is_read_with_a_dash() {
    let s = Sandbox::new();
    s.init();
    let out = s.cmd().args(["log", "-"]).write_stdin("written elsewhere\nsecond line\n").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(s.json(&["show", "1", "--json"])["situation"], "written elsewhere\nsecond line");
}

#[test]
fn editor_flow_saves_what_the_editor_wrote() {
    let s = Sandbox::new();
    s.init();
    // A scripted "editor" that fills in the template.
    let script = s.dir.path().join("fake-editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsed -i -e 's/^## What happened$/## What happened\\nHe forgot our anniversary/' -e 's/^intensity: $/intensity: 6/' \"$1\"\n",
    )
    .unwrap();
    let out = s
        .cmd()
        .env("EDITOR", format!("sh {}", script.display()))
        .args(["log", "--edit", "-t", "conflict"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let e = s.json(&["show", "1", "--json"]);
    assert_eq!(e["situation"], "He forgot our anniversary");
    assert_eq!(e["intensity"], 6);
    assert_eq!(e["triggers"][0], "conflict");
}

#[test]
fn a_failed_editor_entry_is_kept_as_an_encrypted_draft() {
    let s = Sandbox::new();
    s.init();
    // An "editor" that writes an invalid intensity and never fixes it.
    let script = s.dir.path().join("bad-editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nif grep -q 'NOT SAVED' \"$1\"; then exit 0; fi\nsed -i -e 's/^## What happened$/## What happened\\nsecret-draft-words-91/' -e 's/^intensity: $/intensity: 12/' \"$1\"\n",
    )
    .unwrap();
    let out = s.cmd().env("EDITOR", format!("sh {}", script.display())).args(["log", "--edit"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("draft"), "{err}");
    // The draft exists, is encrypted, and restores once fixed.
    let drafts = s.json(&["drafts", "--json"]);
    assert_eq!(drafts[0]["draft"]["situation"], "secret-draft-words-91");
    let mut files = Vec::new();
    walk(&s.store().join("drafts"), &mut files);
    assert_eq!(files.len(), 1);
    assert!(!files[0].1.windows(21).any(|w| w == b"secret-draft-words-91"), "drafts are encrypted");
    let (_, err) = s.fail(&["drafts", "restore", "1"]);
    assert!(err.contains("intensity"), "{err}");
}

#[test]
fn tags_are_counted_over_live_entries_most_used_first() {
    let s = Sandbox::new();
    s.init();
    insta::assert_snapshot!(s.run(&["tags"]));
    for (text, tags) in [("one", &["weekend", "phone"][..]), ("two", &["weekend"]), ("three", &["phone", "weekend"])] {
        let mut args = vec!["log", text];
        for t in tags {
            args.extend_from_slice(&["--tag", t]);
        }
        s.run(&args);
    }
    s.run(&["log", "four", "--tag", "party"]);
    insta::assert_snapshot!(s.run(&["tags"]));
    // A deleted entry's tags no longer count.
    s.run(&["delete", "4"]);
    let json = s.json(&["tags", "--json"]);
    assert_eq!(json, serde_json::json!({"tags": [{"tag": "weekend", "entries": 3}, {"tag": "phone", "entries": 2}]}));
}
