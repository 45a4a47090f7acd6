//! `attune safety check` in a pseudo-terminal, typed as a person types:
//! the letters answer, Enter alone never does, and what is saved is what
//! was typed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Stdio;

use attune_core::safety::{Answer, SavedCheck, screen};
use attune_store::Store;
use common::Sandbox;

/// An unencrypted journal, so the test can read what was saved directly.
fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.run(&["init", "--no-encryption"]);
    s
}

fn pty(s: &Sandbox, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = s.std_cmd();
    cmd.args(args).env("TERM", "xterm-256color").env("NO_COLOR", "1").stdin(Stdio::inherit());
    let opts = rexpect::reader::Options::new().timeout_ms(Some(20_000)).strip_ansi_escape_codes(true);
    rexpect::session::spawn_with_options(cmd, opts).unwrap()
}

/// Waits for question `n` and its prompt, then types `keys` and Enter.
fn answer(p: &mut rexpect::session::PtySession, n: usize, total: usize, keys: &str) {
    p.exp_string(&format!("Question {n} of {total}")).unwrap();
    p.exp_string("> ").unwrap();
    p.send_line(keys).unwrap();
}

fn finish(mut p: rexpect::session::PtySession) -> String {
    let rest = p.exp_eof().unwrap();
    let status = format!("{:?}", p.process().wait().unwrap());
    assert!(status.starts_with("Exited(") && status.ends_with(", 0)"), "{status}: {rest}");
    rest
}

fn saved(s: &Sandbox) -> (SavedCheck, bool) {
    let store = Store::open_plain(&s.store()).unwrap();
    let json = store.last_safety_check().unwrap().expect("a saved check");
    (SavedCheck::from_json(&json).expect("it reads back"), store.safety_mode().unwrap())
}

#[test]
fn y_then_enter_saves_yes_and_enter_alone_answers_nothing() {
    let s = sandbox();
    let items = &screen().unwrap().items;
    let total = items.len();
    assert_eq!(items[0].id, "afraid-of-partner");
    let mut p = pty(&s, &["safety", "check"]);
    p.exp_string("Question 1 of").unwrap();
    p.exp_string("> ").unwrap();
    // Enter alone: asked again, with how to answer; still question 1.
    p.send_line("").unwrap();
    let before = p.exp_string("Type y, n or s, then press Enter.").unwrap();
    assert!(!before.contains("Question 2"), "{before}");
    p.exp_string("> ").unwrap();
    p.send_line("x").unwrap();
    p.exp_string("Type y, n or s, then press Enter.").unwrap();
    p.exp_string("> ").unwrap();
    p.send_line("y").unwrap();
    // The rest: upper case, the skip letters and whole words work too.
    for n in 2..=total {
        let keys = match n {
            2 => "N",
            3 => "s",
            4 => "r",
            5 => "skip",
            6 => "no",
            _ => "n",
        };
        answer(&mut p, n, total, keys);
    }
    let rest = finish(p);
    assert!(rest.contains("Your safety comes first"), "{rest}");

    let (check, mode) = saved(&s);
    assert_eq!(check.version, 2);
    assert_eq!(check.answers.len(), total);
    assert_eq!(check.answers["afraid-of-partner"], Answer::Yes);
    assert_eq!(check.answers[&items[1].id], Answer::No);
    for item in &items[2..=4] {
        assert_eq!(check.answers[&item.id], Answer::PreferNotToSay, "{}", item.id);
    }
    assert!(items[5..].iter().all(|i| check.answers[&i.id] == Answer::No));
    assert!(mode, "a danger yes switches safety mode on");
}

#[test]
fn the_offer_of_safety_mode_has_no_default_either() {
    let s = sandbox();
    let items = &screen().unwrap().items;
    let total = items.len();
    let money = items.iter().position(|i| i.id == "controls-money").unwrap() + 1;
    let mut p = pty(&s, &["safety", "check"]);
    for n in 1..=total {
        answer(&mut p, n, total, if n == money { "y" } else { "n" });
    }
    p.exp_string("Switch on safety mode now?").unwrap();
    p.exp_string("> ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Type y or n, then press Enter.").unwrap();
    p.exp_string("> ").unwrap();
    p.send_line("Y").unwrap();
    let rest = finish(p);
    assert!(rest.contains("Some of this can be a sign of control"), "{rest}");
    let (check, mode) = saved(&s);
    assert_eq!(check.answers["controls-money"], Answer::Yes);
    assert!(mode, "switched on because y was typed");
}
