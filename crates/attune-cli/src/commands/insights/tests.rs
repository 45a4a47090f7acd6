//! The texts parse and fill; the charts are plain characters.

#![allow(clippy::unwrap_used)]

use attune_core::content::Library;
use attune_core::insights::Template;

use super::load::load_content;
use super::page::{bar, pad, sparkline};
use super::texts::{TEXTS_FILE, Texts};

#[test]
fn shipped_texts_parse_and_fill() {
    let library = Library::embedded();
    let (_, t) = load_content(&library).unwrap();
    fn v<'a>(names: &[&'a str]) -> Vec<(&'a str, String)> {
        names.iter().map(|n| (*n, "x".to_string())).collect()
    }
    let cases: Vec<(&Template, Vec<(&str, String)>)> = vec![
        (&t.page.window, v(&["start", "end", "weeks", "entries", "checkins"])),
        (&t.page.capped, v(&["weeks"])),
        (&t.page.future, v(&["count"])),
        (&t.triggers.line, v(&["episodes", "strong", "last"])),
        (&t.triggers.range, v(&["low", "high"])),
        (&t.triggers.examples, v(&["examples"])),
        (&t.triggers.example, v(&["seq", "title"])),
        (&t.contexts.legend, v(&["max"])),
        (&t.contexts.peak, v(&["weekday", "part", "episodes", "share"])),
        (&t.contexts.feeling, v(&["feeling", "share"])),
        (&t.contexts.profile_caption, v(&["tagged"])),
        (&t.pattern.verdict, v(&["verdict"])),
        (&t.pattern.week, v(&["start", "end", "entries", "episodes", "strong"])),
        (&t.pattern.week_intensity, v(&["mean"])),
        (&t.pattern.week_security, v(&["count", "mean"])),
        (&t.pattern.consequences, v(&["list"])),
        (&t.pattern.consequence, v(&["name", "mean"])),
        (&t.progress.span, v(&["first", "last"])),
        (&t.progress.shortened, v(&["weeks"])),
        (&t.progress.dominated_last, v(&["dominated", "recorded"])),
    ];
    for (template, vars) in cases {
        let out = template.render(&vars);
        assert!(!out.contains('{') && !out.contains('}'), "{}", template.as_str());
    }
    assert!(!t.help.bring.is_empty() && !t.help.find.is_empty());
}

#[test]
fn missing_names_are_refused() {
    let text = Library::embedded().text(TEXTS_FILE).unwrap().replace("self-worth = \"self-worth\"\n", "");
    let err = Texts::parse(&text).unwrap_err();
    assert!(err.message.contains("contexts.sources.self-worth"), "{err}");
}

#[test]
fn charts_are_plain_characters() {
    assert_eq!(sparkline(&[Some(0.0), None, Some(10.0), Some(5.0)], 10.0), "▁·█▅");
    assert_eq!(sparkline(&[Some(f64::NAN)], 10.0), "·");
    assert_eq!(bar(0.5, 4), "██░░");
    assert_eq!(bar(7.0, 2), "██");
    assert_eq!(pad("█", 3), "█  ");
}
