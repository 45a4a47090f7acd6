use super::*;
use crate::tokens::tokenize;

fn macros() -> Macros {
    check_macros(&BTreeMap::from([("i".to_string(), "(i|^) _".to_string())])).unwrap()
}

#[test]
fn single_word_alternatives_are_flat_and_match_the_same() {
    let p = Phrase::compile("(hit|slapped|kicked) me", &macros()).unwrap();
    assert!(matches!(&p.seq[0], Node::Words(ws) if ws.len() == 3));
    assert_eq!(find("(hit|slapped|kicked) me", "he slapped me, then kicked me"), vec!["slapped me", "kicked me"]);
    // Mixed alternatives stay a tree.
    let q = Phrase::compile("(hit|kicked at) me", &macros()).unwrap();
    assert!(matches!(&q.seq[0], Node::Alt(_)));
    assert_eq!(find("(hit|kicked at) me", "she kicked at me"), vec!["kicked at me"]);
    assert!(p.spells("slapped") && !p.spells("slap"));
}

#[test]
fn macros_are_checked_and_shared() {
    let nested = BTreeMap::from([("a".to_string(), "x".to_string()), ("b".to_string(), "@a y".to_string())]);
    assert!(check_macros(&nested).unwrap_err().contains("may not use other macros"));
    let unclosed = BTreeMap::from([("a".to_string(), "(x y".to_string())]);
    assert!(check_macros(&unclosed).is_err());
    let err = Phrase::compile("@nobody hit me", &macros()).unwrap_err();
    assert!(err.0.contains("@nobody is not in [macros]"), "{err}");
    // Every use points at the same compiled macro.
    let m = macros();
    let (a, b) = (Phrase::compile("@i cry", &m).unwrap(), Phrase::compile("@i sleep", &m).unwrap());
    match (&a.seq[0], &b.seq[0]) {
        (Node::Shared(x), Node::Shared(y)) => assert!(Arc::ptr_eq(x, y)),
        other => panic!("not shared: {other:?}"),
    }
}

fn find(phrase: &str, text: &str) -> Vec<String> {
    let p = Phrase::compile(phrase, &macros()).unwrap();
    let tokens = tokenize(text, |w| matches!(w, "and" | "but"));
    let ctx = Context {
        tokens: &tokens,
        is_filler: &|w| matches!(w, "just" | "really"),
        is_trailer: &|w| w == "tbh",
        is_end_word: &|w| w == "and",
        max_fillers: 3,
    };
    p.find_all(&ctx).into_iter().map(|(s, e)| text[tokens[s].start..tokens[e - 1].end].to_string()).collect()
}

#[test]
fn words_alternatives_and_options() {
    assert_eq!(find("(want|wish) to die", "I wish to die"), vec!["wish to die"]);
    assert_eq!(find("kill [my] self*", "kill selfish, kill my self"), vec!["kill selfish", "kill my self"]);
    assert_eq!(find("(i (really|truly) mean|we) it", "I truly mean it"), vec!["I truly mean it"]);
}

#[test]
fn gaps_fillers_and_clause_edges() {
    assert_eq!(
        find("everyone ~3 without me", "Everyone would be better without me"),
        vec!["Everyone would be better without me"]
    );
    assert!(find("everyone ~2 without me", "Everyone would be better without me").is_empty());
    assert_eq!(find("@i want to die", "I really want to die"), vec!["I really want to die"]);
    assert_eq!(find("@i want to die", "and just want to die"), vec!["just want to die"]);
    assert!(find("@i want to die", "she want to die").is_empty());
    assert_eq!(find("disappear $", "I want to disappear tbh, ok"), vec!["disappear"]);
    assert!(find("disappear $", "disappear under a blanket").is_empty());
    assert_eq!(find("disappear $", "disappear and sleep"), vec!["disappear"]);
    assert!(find("disappear $", "disappear but not yet").is_empty());
}

#[test]
fn never_across_sentences() {
    assert!(find("want to die", "I want to. Die hard is a film").is_empty());
    assert!(find("want ~3 die", "I want to. Die hard is a film").is_empty());
}

#[test]
fn sentence_words_let_phrases_skip_sentences() {
    let tokens = tokenize("He hit the wall. Then he hit me.", |_| false);
    let sentences = sentence_words(&tokens);
    assert_eq!(sentences.len(), 2);
    let p = Phrase::compile("hit (me|wall)", &macros()).unwrap();
    let wall = Phrase::compile("the wall", &macros()).unwrap();
    assert!(p.may_match(&sentences[0]) && p.may_match(&sentences[1]));
    assert!(wall.may_match(&sentences[0]) && !wall.may_match(&sentences[1]));
    assert!(sentence_words(&[]).is_empty());
}

#[test]
fn needed_words_let_phrases_skip_texts() {
    let p = Phrase::compile("@i (want|wish) to (die|vanish*)", &macros()).unwrap();
    let yes = tokenize("I wish to be left alone and vanished", |_| false);
    let no = tokenize("I want to go home", |_| false);
    assert!(p.may_match(&Present::new(&yes)));
    assert!(!p.may_match(&Present::new(&no)));
}

#[test]
fn spelled_out_words_are_the_literal_ones() {
    let p = Phrase::compile("he (never|wont) [ever] let* me ~2 go", &macros()).unwrap();
    for word in ["ever", "go", "he", "me", "never", "wont"] {
        assert!(p.spells(word), "{word}");
    }
    for word in ["let", "lets", "she", "not", ""] {
        assert!(!p.spells(word), "{word}");
    }
}

#[test]
fn may_start_at_never_rules_out_a_real_match() {
    let tokens = tokenize("Honestly I really just want to die, and kill myself now", |w| w == "and");
    let ctx = Context {
        tokens: &tokens,
        is_filler: &|w| matches!(w, "just" | "really" | "honestly"),
        is_trailer: &|_| false,
        is_end_word: &|w| w == "and",
        max_fillers: 3,
    };
    for source in ["@i want to die", "[really] _ want to die", "kill* (myself|me)", "~2 die", "(^|and) kill myself"] {
        let p = Phrase::compile(source, &macros()).unwrap();
        for s in 0..tokens.len() {
            if !p.ends_at(&ctx, s).is_empty() {
                assert!(p.may_start_at(&ctx, s), "{source} at {s}");
            }
        }
    }
    let p = Phrase::compile("kill myself", &macros()).unwrap();
    assert!(!p.may_start_at(&ctx, 0));
    assert!(!p.may_start_at(&ctx, tokens.len()));
}

#[test]
fn start_words_list_what_can_come_first() {
    let p = Phrase::compile("^ [my] (he|she*) ~2 hit me", &macros()).unwrap();
    let (mut words, prefixes) = p.start_words().unwrap();
    words.sort();
    assert_eq!((words, prefixes), (vec![SmolStr::new("he"), SmolStr::new("my")], vec![SmolStr::new("she")]));
    assert_eq!(Phrase::compile("_ hit me", &macros()).unwrap().start_words(), None);
    assert_eq!(Phrase::compile("~2 hit me", &macros()).unwrap().start_words(), None);
}

#[test]
fn bad_phrases_are_refused() {
    for bad in ["", "(a", "a)", "a|b", "Don't", "~0 a", "~10 a", "[a]", "a () b", "@nope x", "(a|) b", "self-harm"] {
        assert!(Phrase::compile(bad, &macros()).is_err(), "{bad}");
    }
}
