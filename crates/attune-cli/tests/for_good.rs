//! Delete for good, purge, the undo window and erase, end to end (issue 20).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Sandbox, walk};

const MARKER: &str = "zebraquokkamarker";

#[test]
fn an_ordinary_delete_says_how_long_undo_reaches() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "an evening"]);
    let out = s.run(&["delete", "1"]);
    assert!(out.contains(&format!("{} days", attune_store::UNDO_WINDOW_DAYS)), "{out}");
    insta::assert_snapshot!("delete", out);
    let help = s.run(&["undo", "--help"]);
    assert!(help.contains(&format!("Undo reaches back {} days", attune_store::UNDO_WINDOW_DAYS)), "{help}");
    assert!(help.contains(&format!("your last {} changes", attune_store::UNDO_ACTIONS)), "{help}");
}

#[test]
fn an_entry_deleted_for_good_is_not_in_undo_search_or_export() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "kept entry"]);
    s.run(&["log", &format!("he read my phone {MARKER}"), "--tag", &format!("{MARKER}tag")]);
    s.run(&["edit", "2", "--text", &format!("still {MARKER}")]);
    let out = s.run(&["delete", "2", "--for-good"]);
    insta::assert_snapshot!("delete_for_good", out);
    let (_, err) = s.fail(&["show", "2"]);
    assert!(err.contains("no entry matches"), "{err}");
    // The edit and the creation went with it: undo reaches the first entry.
    assert!(s.run(&["undo"]).contains("entry 1 is removed again"));
    assert!(s.run(&["undo"]).contains("nothing to undo"));
    assert!(s.run(&["search", MARKER]).contains("Nothing matches"));
    let export = s.dir.path().join("all.json");
    s.run(&["export", "json", "--out", export.to_str().unwrap()]);
    assert!(!std::fs::read_to_string(&export).unwrap().contains(MARKER));
}

#[test]
fn a_checkin_can_be_deleted_for_good_too() {
    let s = Sandbox::new();
    s.init();
    s.run(&["checkin", "--security", "6", "--note", MARKER]);
    assert!(s.run(&["delete", "c1", "--for-good"]).contains("Deleted check-in c1 for good."));
    assert!(s.run(&["undo"]).contains("nothing to undo"));
    assert!(!s.run(&["list", "--checkins"]).contains(MARKER));
}

#[test]
fn purge_needs_confirming_and_then_removes_everything_deleted() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", "first words"]);
    s.run(&["edit", "1", "--text", "second words"]);
    s.run(&["log", MARKER]);
    s.run(&["delete", "2"]);
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["purge"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("needs confirming") && err.contains("--yes"), "{err}");
    assert_eq!(s.snapshot_files(), before, "a refused purge changes nothing");
    let out = s.run(&["purge", "--yes"]);
    insta::assert_snapshot!("purge", out);
    assert!(s.run(&["purge"]).contains("nothing to purge"));
    // The edit's earlier version is gone: undo cannot go back to "first words".
    s.run(&["undo"]);
    assert!(!s.run(&["list"]).contains("first words"));
    let json = s.json(&["purge", "--yes", "--json"]);
    assert_eq!(json["entries"], 1, "undoing the creation deleted entry 1, which this purge takes");
}

#[test]
fn erase_refuses_without_a_terminal_and_leaves_nothing_that_opens() {
    let s = Sandbox::new();
    s.init();
    s.run(&["log", MARKER]);
    let before = s.snapshot_files();
    let (code, err) = s.fail(&["erase"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was erased") && err.contains("--yes"), "{err}");
    assert_eq!(s.snapshot_files(), before);

    let out = s.run(&["erase", "--yes"]);
    insta::assert_snapshot!("erase", out);
    assert!(!s.store().exists(), "the folder is gone");
    let mut files = Vec::new();
    walk(s.dir.path(), &mut files);
    assert!(
        files
            .iter()
            .all(|(p, _)| !p.to_string_lossy().contains("key.json") && !p.to_string_lossy().contains("attune.db")),
        "{files:?}"
    );
    let (_, err) = s.fail(&["list"]);
    assert!(err.contains("no journal found"), "{err}");
    let (_, err) = s.fail(&["erase", "--yes"]);
    assert!(err.contains("no journal found"), "{err}");
}

fn pty(s: &Sandbox, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = s.std_cmd();
    cmd.args(args).env("TERM", "xterm-256color").env("NO_COLOR", "1").stdin(std::process::Stdio::inherit());
    let opts = rexpect::reader::Options::new().timeout_ms(Some(20_000)).strip_ansi_escape_codes(true);
    rexpect::session::spawn_with_options(cmd, opts).unwrap()
}

#[test]
fn in_a_terminal_only_the_typed_word_erases() {
    let s = Sandbox::new();
    s.init();
    for typed in ["", "y", "yes"] {
        let mut p = pty(&s, &["erase"]);
        p.exp_string("No one can bring it back").unwrap();
        p.exp_string("to erase it, or press Enter to keep it: ").unwrap();
        p.send_line(typed).unwrap();
        let rest = p.exp_eof().unwrap();
        assert!(rest.contains("Nothing was erased."), "{typed:?}: {rest}");
        assert!(s.store().join("key.json").exists(), "{typed:?}");
    }
    let mut p = pty(&s, &["erase"]);
    p.exp_string("to erase it, or press Enter to keep it: ").unwrap();
    p.send_line("erase").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("The journal is erased.") && rest.contains("Shell history"), "{rest}");
    assert!(!s.store().exists());
}
