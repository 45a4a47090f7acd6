//! The sentence reader reproduces the training side exactly, and reads.

use attune_text::reader::{Reader, sentences};

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    crisis: f32,
    abuse: f32,
}

fn fixture() -> Vec<Case> {
    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/reader_fixture.json"))
        .expect("reader_fixture.json is readable");
    serde_json::from_str(&raw).expect("reader_fixture.json parses")
}

#[test]
fn word_pieces_and_probabilities_match_the_training_side() {
    let reader = Reader::embedded().expect("the embedded model loads");
    let cases = fixture();
    assert!(cases.len() > 200, "the fixture covers many sentences");
    for c in &cases {
        assert_eq!(reader.ids(&c.text), c.ids, "word pieces of {:?}", c.text);
        let (crisis, abuse) = (reader.crisis_probability(&c.text), reader.abuse_probability(&c.text));
        assert!((crisis - c.crisis).abs() < 1e-3, "crisis {crisis} vs {} for {:?}", c.crisis, c.text);
        assert!((abuse - c.abuse).abs() < 1e-3, "abuse {abuse} vs {} for {:?}", c.abuse, c.text);
    }
}

#[test]
fn accents_case_and_punctuation_are_read_as_bert_reads_them() {
    let reader = Reader::embedded().expect("the embedded model loads");
    assert_eq!(reader.ids("Café"), reader.ids("cafe"));
    assert_eq!(reader.ids("I'M FINE!!"), reader.ids("i ' m fine ! !"));
    assert!(reader.ids("").is_empty());
    assert!(reader.embed("   \u{0}\u{fffd} ").is_none(), "nothing known, no vector");
    assert_eq!(reader.ids(&"x".repeat(101)), Vec::<u32>::new(), "an over-long word is unknown and dropped");
}

#[test]
fn sentences_are_trimmed_byte_ranges_that_skip_empty_ones() {
    let text = "  first one. second?!\n\n third; ";
    let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(got, ["first one.", "second?", "third;"]);
    assert!(sentences("...").is_empty());
}

#[test]
fn a_long_text_of_any_characters_is_read_without_panic() {
    let reader = Reader::embedded().expect("the embedded model loads");
    let text = "ünïcödé 😀 中文 text\u{202e} \t\r\n".repeat(500);
    let _ = reader.crisis(&text);
    let _ = reader.abuse(&text);
    assert!(reader.ids(&text).len() <= 512);
}
