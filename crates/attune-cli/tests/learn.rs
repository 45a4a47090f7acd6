#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `attune learn`: the explanations, in the terminal and as JSON.

mod common;

use common::Sandbox;

#[test]
fn learn_sources_shows_our_explanation_of_the_five_sources() {
    let s = Sandbox::new();
    // No journal is needed to read.
    let out = s.run(&["learn", "sources"]);
    insta::assert_snapshot!("learn_sources", out);
    for heading in [
        "Old hurts",
        "The way you learned to attach",
        "Self-worth",
        "Needs that go unsaid",
        "Comparison and outside pressure",
    ] {
        assert!(out.contains(heading), "{heading}");
    }
    assert!(out.lines().all(|l| l.chars().count() <= 78), "wrapped:\n{out}");
    assert!(!out.contains("{#"), "anchors are not shown");
    assert!(!out.contains('\u{1b}'), "no colour outside a terminal");
}

#[test]
fn topics_are_listed_and_found_by_alias_or_id() {
    let s = Sandbox::new();
    let out = s.run(&["learn"]);
    for id in ["signs", "sources", "consequences", "steps", "secure", "closeness", "safety", "not-a-diagnosis"] {
        assert!(out.contains(id), "{id} missing:\n{out}");
    }
    let section = s.run(&["learn", "past-wounds"]);
    assert!(section.starts_with("Where insecurity comes from · `attune learn sources`"), "{section}");
    assert!(section.contains("Old hurts") && !section.contains("Self-worth"), "{section}");
    assert!(s.run(&["learn", "Where it comes from"]).contains("WHERE INSECURITY COMES FROM"));
    let steps = s.run(&["learn", "steps"]);
    for step in ["Reflect", "Consider professional help", "Talk openly", "Build your self-worth", "Set boundaries"] {
        assert!(steps.contains(step), "{step}");
    }
    assert!(s.run(&["learn", "not-a-diagnosis"]).contains("not therapy"));
    assert!(s.run(&["learn", "safety"]).contains("emergency number"));
}

#[test]
fn an_unknown_topic_gets_a_suggestion() {
    let s = Sandbox::new();
    let (code, err) = s.fail(&["learn", "sorces"]);
    assert_eq!(code, 1);
    assert!(err.contains("there is no topic 'sorces'"), "{err}");
    assert!(err.contains("did you mean 'sources'"), "{err}");
}

#[test]
fn learn_json_shapes() {
    let s = Sandbox::new();
    let topics = s.json(&["learn", "--json"]);
    let topics = topics.as_array().unwrap();
    assert!(topics.len() >= 8);
    let sources = topics.iter().find(|t| t["id"] == "sources").unwrap();
    assert_eq!(sources["covers"], "source");
    assert_eq!(sources["file"], "learn/sources.md");
    assert!(sources["summary"].is_string() && sources["title"].is_string());

    let topic = s.json(&["learn", "sources", "--json"]);
    assert_eq!(topic["id"], "sources");
    assert!(topic["text"].as_str().unwrap().contains("{#past-wounds}"), "the Markdown as written");
    let ids: Vec<&str> = topic["sections"].as_array().unwrap().iter().filter_map(|x| x["id"].as_str()).collect();
    assert_eq!(ids, ["past-wounds", "attachment", "self-worth", "communication", "comparison"]);

    let section = s.json(&["learn", "attachment", "--json"]);
    assert_eq!(section["topic"], "sources");
    assert_eq!(section["id"], "attachment");
    assert_eq!(section["title"], "The way you learned to attach");
    assert!(section["body"].as_str().unwrap().contains("attachment anxiety"));
}

#[test]
fn a_counsellors_own_wording_is_used() {
    let s = Sandbox::new();
    let dir = s.dir.path().join("mycontent/learn");
    std::fs::create_dir_all(&dir).unwrap();
    let built_in = s.json(&["learn", "sources", "--json"]);
    let text = built_in["text"].as_str().unwrap().replace("Insecurity rarely comes out of nowhere.", "Our own words.");
    std::fs::write(dir.join("sources.md"), text).unwrap();
    std::fs::create_dir_all(s.dir.path().join("config/attune")).unwrap();
    std::fs::write(
        s.dir.path().join("config/attune/config.toml"),
        format!("content_dir = \"{}\"\n", s.dir.path().join("mycontent").display()),
    )
    .unwrap();
    assert!(s.run(&["learn", "sources"]).contains("Our own words."));
}
