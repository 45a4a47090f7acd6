//! `attune safety plan`: both plans listed, shown with the country's
//! services, filled in through the editor, refused with the section named,
//! and deleted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Sandbox;

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An "editor" that puts `lines` under the heading `heading` (a sed script),
/// and leaves a refused text as it is.
fn editor(s: &Sandbox, name: &str, heading: &str, lines: &[&str]) -> String {
    let script = s.dir.path().join(name);
    let insert: String = lines.iter().map(|l| format!("\\n- {l}")).collect();
    std::fs::write(&script, format!("#!/bin/sh\nif grep -q 'NOT SAVED' \"$1\"; then exit 0; fi\nsed -i -e 's/^## {heading}$/## {heading}{insert}/' \"$1\"\n")).unwrap();
    format!("sh {}", script.display())
}

#[test]
fn both_plans_are_listed_and_shown_with_the_countrys_services() {
    let s = Sandbox::new();
    s.init();
    s.run(&["safety", "country", "gb"]);
    insta::assert_snapshot!("list_empty", s.run(&["safety", "plan"]));

    let crisis = s.run(&["safety", "plan", "crisis"]);
    insta::assert_snapshot!("crisis_empty", crisis);
    let f = flat(&crisis);
    assert!(f.contains("Samaritans: call 116 123"), "crisis lines in step 5: {crisis}");
    assert!(f.contains("999: call 999"), "the emergency number: {crisis}");
    assert!(f.contains("calmer day"), "{crisis}");

    let staying = s.run(&["safety", "plan", "staying-safe"]);
    insta::assert_snapshot!("staying_safe_empty", staying);
    // Said first and plainly: where to keep it, and the quick exit.
    let after_title = flat(staying.lines().nth(1).unwrap());
    assert!(after_title.contains("If your partner may look at this device"), "{staying}");
    assert!(flat(&staying).contains("Escape three times"), "{staying}");
    assert!(flat(&staying).contains("0808 2000 247"), "the abuse helpline: {staying}");

    let json = s.json(&["safety", "plan", "crisis", "--json"]);
    assert_eq!(json["kind"], "crisis");
    assert_eq!(json["country"], "gb");
    assert_eq!(json["sections"].as_array().unwrap().len(), 7);
    assert_eq!(json["sections"][4]["id"], "professionals");
    assert_eq!(json["sections"][4]["services"][0]["purpose"], "crisis");
    assert!(json["sections"][0].get("services").is_none());
    assert!(json.get("updated").is_none(), "never saved");
}

#[test]
fn the_editor_fills_a_plan_in_and_it_is_kept_encrypted() {
    let s = Sandbox::new();
    s.init();
    let ed = editor(&s, "fill.sh", "Who I can call, and our code word", &["Mia, code word blue-kettle-77", "Aunt Jo"]);
    let out = s.cmd().env("EDITOR", &ed).args(["safety", "plan", "staying-safe", "--edit"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("Saved My plan for staying safe"), "{said}");

    let json = s.json(&["safety", "plan", "staying-safe", "--json"]);
    assert_eq!(json["sections"][1]["items"], serde_json::json!(["Mia, code word blue-kettle-77", "Aunt Jo"]));
    assert!(json["updated"].as_str().unwrap().starts_with("2026-11-26T21:00:00+01:00"), "{json}");
    let shown = s.run(&["safety", "plan", "staying-safe"]);
    insta::assert_snapshot!("staying_safe_filled", shown);

    let list = s.json(&["safety", "plan", "--json"]);
    assert_eq!(list[0]["filled"], 0);
    assert_eq!(list[1]["kind"], "staying-safe");
    assert_eq!(list[1]["filled"], 1);
    assert_eq!(list[1]["sections"], 6);
    insta::assert_snapshot!("list_one_filled", s.run(&["safety", "plan"]));

    // Opening it again and closing without a change changes nothing.
    let out = s.cmd().env("EDITOR", "true").args(["safety", "plan", "staying-safe", "--edit"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing changed"));

    // The words are inside the encrypted journal, not in any file as text.
    let mut files = Vec::new();
    common::walk(&s.store(), &mut files);
    assert!(!files.is_empty());
    for (path, bytes) in files {
        assert!(!bytes.windows(14).any(|w| w == b"blue-kettle-77"), "{} holds the plan as text", path.display());
    }
}

#[test]
fn a_refused_plan_names_the_section_and_changes_nothing() {
    let s = Sandbox::new();
    s.init();
    let long = "x".repeat(301);
    let ed = editor(&s, "long.sh", "1. My warning signs", &[&long]);
    let before = s.snapshot_files();
    let out = s.cmd().env("EDITOR", &ed).args(["safety", "plan", "crisis", "--edit"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning-signs: line 1 is 301 characters long; the most is 300"), "{err}");
    assert!(err.contains("nothing was saved"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&long), "what was written is printed, not lost");
    assert_eq!(s.snapshot_files(), before);

    // A heading that is not one of the plan's.
    let script = s.dir.path().join("heading.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\ngrep -q 'NOT SAVED' \"$1\" && exit 0\nprintf '## My favourite things\\n- tea\\n' > \"$1\"\n",
    )
    .unwrap();
    let out = s
        .cmd()
        .env("EDITOR", format!("sh {}", script.display()))
        .args(["safety", "plan", "crisis", "--edit"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a heading of this plan"));

    let (_, err) = s.fail(&["safety", "plan", "leaving"]);
    assert!(err.contains("crisis") && err.contains("staying-safe"), "{err}");
}

#[test]
fn a_plan_can_be_deleted_after_confirming() {
    let s = Sandbox::new();
    s.init();
    let ed = editor(&s, "fill.sh", "What matters to me", &["my niece"]);
    let out = s.cmd().env("EDITOR", &ed).args(["safety", "plan", "crisis", "--edit"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let (_, err) = s.fail(&["safety", "plan", "crisis", "--delete"]);
    assert!(err.contains("--yes"), "not at a terminal, deleting needs --yes: {err}");
    assert_eq!(s.json(&["safety", "plan", "--json"])[0]["filled"], 1);

    let out = s.run(&["safety", "plan", "crisis", "--delete", "--yes"]);
    assert!(out.contains("Deleted My safety plan for hard moments"), "{out}");
    assert_eq!(s.json(&["safety", "plan", "--json"])[0]["filled"], 0);
    assert!(s.run(&["safety", "plan", "crisis", "--delete", "--yes"]).contains("no saved"));
}
