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

/// Ordinary writing rarely gets a notice: a reader that flagged a third of
/// everyday comments once passed every labelled set.
#[test]
fn ordinary_comments_rarely_get_a_notice() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/train/goemotions/dev.tsv");
    let Ok(raw) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} is not there (the shared data sets sit beside the project)");
        return;
    };
    let comments = attune_text::eval::ordinary_comments(&raw);
    assert!(comments.len() > 4000, "{} comments", comments.len());
    let m = attune_text::eval::Ordinary::measure(&comments).expect("the checks load");
    assert!(m.percent(m.crisis) <= 1.0, "crisis noticed in {:.2}% of ordinary comments", m.percent(m.crisis));
    assert!(m.percent(m.abuse) <= 1.0, "abuse noticed in {:.2}% of ordinary comments", m.percent(m.abuse));
}

/// Where the rules set words aside, the reader stays out; where they found
/// nothing, its notices carry its rule id, as a concern for crisis and as
/// something done to the writer for abuse.
#[test]
fn the_reader_adds_notices_only_where_the_rules_are_silent() {
    use attune_text::{abuse, crisis, eval};
    for text in ["I'm not suicidal", "I'm not saying I want to die"] {
        assert!(!crisis::assess(text).unwrap().is_flagged(), "{text}");
    }
    let set = |name: &str| {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        eval::parse_set(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let mut crisis_added = 0;
    for line in set("crisis_sealed3.txt").iter().filter(|l| l.expect == "flag") {
        let rules = crisis::Lexicon::embedded().unwrap().assess(&line.text);
        let both = crisis::assess(&line.text).unwrap();
        if !rules.is_flagged() && both.is_flagged() {
            crisis_added += 1;
            assert_eq!(both.level, crisis::Level::Concern);
            assert!(both.matches.iter().all(|m| m.rule == attune_text::reader::RULE));
            assert!(both.matches.iter().all(|m| line.text.get(m.span.clone()).is_some()));
        }
    }
    assert!(crisis_added >= 10, "the reader added {crisis_added} crisis notices");
    let mut abuse_added = 0;
    for line in set("abuse_sealed3.txt").iter().filter(|l| l.expect == "abuse") {
        let rules = abuse::Lexicon::embedded().unwrap().assess(&line.text);
        let both = abuse::assess(&line.text).unwrap();
        if !rules.is_flagged() && both.is_flagged() {
            abuse_added += 1;
            let read: Vec<_> = both.done_to_writer().collect();
            assert!(read.iter().all(|f| f.rule == attune_text::reader::RULE && f.actor == abuse::Actor::Other));
        }
    }
    assert!(abuse_added >= 10, "the reader added {abuse_added} abuse notices");
}
