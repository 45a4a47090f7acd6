//! Every file and folder attune makes is its owner's alone (0600 / 0700),
//! whatever the umask: a partner with another account on the same device
//! must not read an export, a calendar file or a backup (issue 20).
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::Sandbox;

/// Runs attune under `umask 022`, the usual setting that makes new files
/// 0644 and folders 0755 unless the program asks otherwise.
fn run_with_umask(s: &Sandbox, args: &[&str]) -> String {
    let attune = s.std_cmd();
    let mut cmd = std::process::Command::new("sh");
    cmd.env_clear();
    for (k, v) in attune.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd.arg("-c").arg("umask 022; exec \"$0\" \"$@\"").arg(attune.get_program()).args(args);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "attune {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every path under `dir` (itself included) with a mode other than 0600 for
/// files and 0700 for folders.
fn loose(dir: &Path, found: &mut Vec<String>) {
    let meta = std::fs::symlink_metadata(dir).unwrap();
    let mode = meta.permissions().mode() & 0o777;
    if meta.is_dir() {
        if mode != 0o700 {
            found.push(format!("{} is {mode:o}", dir.display()));
        }
        for e in std::fs::read_dir(dir).unwrap() {
            loose(&e.unwrap().path(), found);
        }
    } else if mode != 0o600 {
        found.push(format!("{} is {mode:o}", dir.display()));
    }
}

#[test]
fn under_umask_022_every_created_file_is_0600_and_folder_0700() {
    let s = Sandbox::new();
    let out = s.dir.path().join("made-by-attune");
    let at = |rest: &str| out.join(rest).to_str().unwrap().to_string();
    run_with_umask(&s, &["init"]);
    run_with_umask(&s, &["log", "No reply all evening, the private words"]);
    run_with_umask(&s, &["checkin", "--security", "6", "--note", "a rough day"]);
    run_with_umask(&s, &["agree", "add", "a talk on Sundays", "--every", "sunday", "--at", "19:00", "--minutes", "20"]);
    // Folders that do not exist yet, several levels deep.
    run_with_umask(&s, &["export", "csv", "-o", &at("csv/nested")]);
    std::fs::create_dir_all(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o700)).unwrap();
    run_with_umask(&s, &["export", "csv", "-o", &at("all.zip")]);
    run_with_umask(&s, &["export", "json", "-o", &at("export.json")]);
    run_with_umask(&s, &["export", "markdown", "-o", &at("journal.md")]);
    run_with_umask(&s, &["agree", "export", "--ics", "--out", &at("plan.ics")]);
    run_with_umask(&s, &["report", "-o", &at("report.html")]);
    run_with_umask(&s, &["backup", &at("backup.db")]);
    run_with_umask(&s, &["man", "--out-dir", &at("man")]);

    let mut found = Vec::new();
    loose(&s.store(), &mut found);
    loose(&out, &mut found);
    assert!(found.is_empty(), "readable by others: {found:#?}");
    // The checks above looked at real files.
    for f in ["csv/nested/entries.csv", "all.zip", "plan.ics", "report.html", "backup.db", "backup.db.key.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(out.join("man").read_dir().unwrap().count() > 5);
    assert!(s.store().join("attune.db").is_file());
}

#[test]
fn a_panic_shows_a_kind_message_and_a_location_but_never_its_text() {
    let s = Sandbox::new();
    // Debug builds panic on purpose with these words (see `main`).
    let out = s.cmd().env("ATTUNE_DEBUG_PANIC", "secret words 4711 from an entry").args(["list"]).output().unwrap();
    assert!(!out.status.success());
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!shown.contains("4711") && !shown.contains("secret"), "{shown}");
    assert!(shown.contains("mistake in its own code") && shown.contains("main.rs:"), "{shown}");
}

#[test]
fn a_journal_swapped_for_a_plain_one_is_refused_and_nothing_is_written() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "my own words"]);
    // Someone puts a plain journal of their own in its place.
    let other = Sandbox::new();
    other.run(&["init", "--no-encryption"]);
    std::fs::rename(s.store(), s.dir.path().join("moved-away")).unwrap();
    std::fs::rename(other.store(), s.store()).unwrap();
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["log", "words that must not land in plaintext"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("not encrypted") && err.contains("attune restore"), "{err}");
    assert_eq!(s.snapshot_files(), before, "nothing written");
    // A prompt line stays quiet rather than open it.
    let out = s.cmd().args(["due", "--short"]).output().unwrap();
    assert!(out.stdout.is_empty());
    // The person's own, explicit choice opens it.
    let out = s.cmd().env("ATTUNE_ALLOW_PLAIN", "1").args(["list"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn init_without_encryption_notes_the_choice_outside_the_journal() {
    let s = Sandbox::new();
    let said = s.run(&["init", "--no-encryption"]);
    assert!(said.contains("allow_plain = true"), "{said}");
    let config = std::fs::read_to_string(s.dir.path().join("config/attune/config.toml")).unwrap();
    assert!(config.contains("\nallow_plain = true\n"), "{config}");
    s.run(&["log", "written on purpose without encryption"]);
    assert!(s.run(&["config"]).contains("allow_plain = true  # config file"));
    // An explicit "no" is respected, and nothing is made.
    let t = Sandbox::new();
    let out = t.cmd().env("ATTUNE_ALLOW_PLAIN", "0").args(["init", "--no-encryption"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("allow_plain is off"), "{err}");
    assert!(!t.store().join("attune.db").exists());
}

#[test]
fn a_plain_backup_is_put_back_only_when_asked_for() {
    let plain = Sandbox::new();
    plain.run(&["init", "--no-encryption"]);
    plain.run(&["log", "from a plain journal"]);
    let backup = plain.dir.path().join("plain-backup.db");
    plain.run(&["backup", backup.to_str().unwrap()]);
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "my own words"]);
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["restore", backup.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not encrypted") && err.contains("--allow-plain"), "{err}");
    assert_eq!(s.snapshot_files(), before, "nothing changed");
    s.run(&["restore", backup.to_str().unwrap(), "--allow-plain"]);
    assert_eq!(s.json(&["show", "1", "--json"])["situation"], "from a plain journal");
}
