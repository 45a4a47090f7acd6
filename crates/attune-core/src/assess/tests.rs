//! Tests of the questionnaire engine, the built-in questionnaires and the
//! content check.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::content::Library;
use crate::ids::RecordId;
use crate::moment::Moment;
use crate::safety::SafetyPolicy;
use crate::vocab::Source;

fn moment(ms: i64) -> Moment {
    Moment::with_offset(jiff::Timestamp::from_millisecond(ms).unwrap(), 3600)
}

fn id(n: u128) -> RecordId {
    RecordId::from_uuid(uuid::Uuid::from_u128(n))
}

// ---- the 36-item check --------------------------------------------------------

/// A 36-item, two-dimension, 7-point instrument laid out like published
/// attachment questionnaires: odd items measure "anxiety", even items
/// "avoidance", with reverse-keyed items of both, marked both ways (an
/// item's `reverse = true`, and the scoring key's `reverse_keyed` list).
/// Placeholder item text.
fn thirty_six(score: &str, extra: &str) -> String {
    let mut s = String::from(
        "id = \"test-36\"\ntitle = \"Thirty-six\"\nversion = 3\nintro = \"Placeholder.\"\n\
         reverse_keyed = [\"i2\", \"i8\", \"i14\", \"i20\", \"i26\", \"i32\"]\n\
         [scale]\npoints = 7\nanchors = { 1 = \"Disagree strongly\", 4 = \"Neutral\", 7 = \"Agree strongly\" }\n",
    );
    for k in 1..=36 {
        let sub = if k % 2 == 1 { "anxiety" } else { "avoidance" };
        let rev = if k == 9 || k == 11 { "reverse = true\n" } else { "" };
        s.push_str(&format!("[[item]]\nid = \"i{k}\"\ntext = \"Placeholder item {k}.\"\nsubscale = \"{sub}\"\n{rev}"));
    }
    for sub in ["anxiety", "avoidance"] {
        s.push_str(&format!(
            "[[subscale]]\nid = \"{sub}\"\nname = \"{sub}\"\nabout = \"About {sub}.\"\nscore = \"{score}\"\nmin_answered = 0.9\n"
        ));
    }
    s.push_str(extra);
    s
}

/// Answer to item k: (3k mod 7) + 1, which visits every point of the scale.
fn answers_36() -> Answers {
    (1..=36).map(|k| (format!("i{k}"), (3 * k % 7) + 1)).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn thirty_six_items_score_as_computed_by_hand() {
    let inst = Instrument::parse(&thirty_six("mean", ""), "test-36.toml").unwrap();
    assert_eq!(inst.items.len(), 36);
    let reversed: Vec<&str> = inst.items.iter().filter(|i| i.reverse).map(|i| i.id.as_str()).collect();
    assert_eq!(reversed, ["i2", "i8", "i9", "i11", "i14", "i20", "i26", "i32"]);

    // By hand. Answers (item:value), odd items = anxiety:
    //   1:4 3:3 5:2 7:1 9:7 11:6 13:5 15:4 17:3 19:2 21:1 23:7 25:6 27:5 29:4 31:3 33:2 35:1
    //   raw sum 66; reversed 9 (7 → 1, −6) and 11 (6 → 2, −4): keyed sum 56; mean 56/18.
    // Even items = avoidance:
    //   2:7 4:6 6:5 8:4 10:3 12:2 14:1 16:7 18:6 20:5 22:4 24:3 26:2 28:1 30:7 32:6 34:5 36:4
    //   raw sum 78; reversed 2 (7 → 1, −6), 8 (4 → 4, 0), 14 (1 → 7, +6), 20 (5 → 3, −2),
    //   26 (2 → 6, +4), 32 (6 → 2, −4): keyed sum 76; mean 76/18.
    let scores = score(&inst, &answers_36()).unwrap();
    assert_eq!(scores[0].subscale, "anxiety");
    assert!(close(scores[0].score.unwrap(), 56.0 / 18.0), "{:?}", scores[0]);
    assert!(close(scores[1].score.unwrap(), 76.0 / 18.0), "{:?}", scores[1]);
    assert_eq!((scores[0].min, scores[0].max), (1.0, 7.0));
    assert_eq!((scores[0].answered, scores[0].items), (18, 18));

    // Summed: the keyed sums themselves, on 18–126.
    let inst = Instrument::parse(&thirty_six("sum", ""), "test-36.toml").unwrap();
    let scores = score(&inst, &answers_36()).unwrap();
    assert_eq!(scores[0].score, Some(56.0));
    assert_eq!(scores[1].score, Some(76.0));
    assert_eq!((scores[1].min, scores[1].max), (18.0, 126.0));

    // Missing answers: without i1 (anxiety, 4) and i2 (avoidance, keyed 1) the
    // means use the 17 answered; sums are prorated to 18 items.
    let mut missing = answers_36();
    missing.remove("i1");
    missing.remove("i2");
    let scores = score(&inst, &missing).unwrap();
    assert!(close(scores[0].score.unwrap(), 52.0 * 18.0 / 17.0));
    assert!(close(scores[1].score.unwrap(), 75.0 * 18.0 / 17.0));
    assert_eq!(scores[0].answered, 17);
    let inst_mean = Instrument::parse(&thirty_six("mean", ""), "test-36.toml").unwrap();
    let scores = score(&inst_mean, &missing).unwrap();
    assert!(close(scores[0].score.unwrap(), 52.0 / 17.0));
    assert!(close(scores[1].score.unwrap(), 75.0 / 17.0));

    // Too few answered (min_answered 0.9 of 18 = 16.2, so 16 is too few).
    let mut sparse = answers_36();
    for k in [1, 3, 5] {
        sparse.remove(&format!("i{k}"));
    }
    let scores = score(&inst_mean, &sparse).unwrap();
    assert_eq!(scores[0].score, None);
    assert_eq!(scores[0].answered, 15);
    assert!(scores[1].score.is_some());
}

#[test]
fn thirty_six_items_with_norms_and_bands() {
    let extra = "[norms.anxiety]\nmean = 3.0\nsd = 1.2\n\
        [[subscale.band]]\nfrom = 1\nto = 4\nlabel = \"lower\"\ntext = \"Lower.\"\n\
        [[subscale.band]]\nfrom = 4\nto = 7\nlabel = \"higher\"\ntext = \"Higher.\"\n";
    let inst = Instrument::parse(&thirty_six("mean", extra), "test-36.toml").unwrap();
    let scores = score(&inst, &answers_36()).unwrap();
    // z = (56/18 − 3) / 1.2 = (1/9) / 1.2 = 0.0925926; Φ(z) = 0.53689.
    let z = scores[0].z.unwrap();
    assert!(close(z, (56.0 / 18.0 - 3.0) / 1.2));
    assert!((scores[0].percentile.unwrap() - 53.689).abs() < 0.01, "{:?}", scores[0].percentile);
    assert_eq!(scores[1].z, None);
    // The bands belong to the last subscale defined before them (avoidance): 4.22 is "higher".
    assert_eq!(scores[1].band.as_deref(), Some("higher"));
    assert_eq!(scores[0].band, None);
}

// ---- malformed instruments ------------------------------------------------------

const GOOD: &str = r#"
id = "mine"
title = "Mine"
version = 1
intro = "For reflection."

[scale]
points = 5
anchors = { 1 = "No", 5 = "Yes" }

[[item]]
id = "a"
text = "First."
subscale = "one"

[[item]]
id = "b"
text = "Second."
subscale = "one"

[[subscale]]
id = "one"
name = "One"
about = "About one."

[[subscale.band]]
from = 1
to = 3
label = "low"
text = "Low."

[[subscale.band]]
from = 3
to = 5
label = "high"
text = "High."
"#;

fn kinds(text: &str) -> Vec<ProblemKind> {
    match Instrument::parse(text, "mine.toml") {
        Ok(_) => vec![],
        Err(e) => e.kinds(),
    }
}

fn first_problem(text: &str) -> Problem {
    Instrument::parse(text, "mine.toml").unwrap_err().problems.remove(0)
}

#[test]
fn the_reference_file_is_valid() {
    let inst = Instrument::parse(GOOD, "mine.toml").unwrap();
    assert_eq!(inst.scale.last(), 5);
    assert_eq!(inst.subscales[0].min_answered, instrument::DEFAULT_MIN_ANSWERED);
}

#[test]
fn malformed_files_each_give_a_distinct_precise_error() {
    let cases: Vec<(&str, String, ProblemKind, &str)> = vec![
        (
            "item without subscale",
            GOOD.replacen("subscale = \"one\"\n", "", 1),
            ProblemKind::ItemWithoutSubscale,
            "item 'a' (item 1): has no subscale",
        ),
        (
            "reverse flag on an unknown item",
            GOOD.replacen("intro =", "reverse_keyed = [\"c\"]\nintro =", 1),
            ProblemKind::ReverseUnknownItem,
            "line 5: reverse_keyed: names the item 'c', which does not exist",
        ),
        (
            "anchor outside the scale",
            GOOD.replacen("5 = \"Yes\"", "7 = \"Yes\"", 1),
            ProblemKind::ScaleMismatch,
            "the anchor 7 is outside the 5-point scale, which runs from 1 to 5",
        ),
        (
            "duplicate item ids",
            GOOD.replacen("id = \"b\"", "id = \"a\"", 1),
            ProblemKind::DuplicateId,
            "the item id 'a' is used twice",
        ),
        (
            "band gap",
            GOOD.replacen("from = 3\n", "from = 3.5\n", 1),
            ProblemKind::BandGap,
            "no band covers scores from 3 to 3.5",
        ),
        (
            "band overlap",
            GOOD.replacen("from = 3\n", "from = 2.5\n", 1),
            ProblemKind::BandOverlap,
            "bands 1 and 2 overlap: both cover scores from 2.5 to 3",
        ),
        (
            "min share out of range",
            GOOD.replacen("about = \"About one.\"", "about = \"About one.\"\nmin_answered = 1.5", 1),
            ProblemKind::MinAnsweredOutOfRange,
            "min_answered = 1.5 is not a share above 0 and at most 1",
        ),
        (
            "empty text",
            GOOD.replacen("text = \"Second.\"", "text = \"  \"", 1),
            ProblemKind::EmptyText,
            "`text` is empty",
        ),
        (
            "unknown subscale in norms",
            format!("{GOOD}\n[norms.two]\nmean = 3\nsd = 1\n"),
            ProblemKind::NormsUnknownSubscale,
            "'two' is not a subscale of this questionnaire",
        ),
        (
            "item names an undefined subscale",
            GOOD.replacen("subscale = \"one\"", "subscale = \"oen\"", 1),
            ProblemKind::UnknownSubscale,
            "names the subscale 'oen', which is not defined",
        ),
        (
            "subscale without items",
            format!("{GOOD}\n[[subscale]]\nid = \"two\"\nname = \"Two\"\nabout = \"About two.\"\n"),
            ProblemKind::SubscaleWithoutItems,
            "subscale 'two': has no items",
        ),
        (
            "reverse conflict",
            GOOD.replacen("intro =", "reverse_keyed = [\"a\"]\nintro =", 1).replacen(
                "subscale = \"one\"\n",
                "subscale = \"one\"\nreverse = false\n",
                1,
            ),
            ProblemKind::ReverseConflict,
            "says reverse = false, but reverse_keyed lists it",
        ),
        (
            "band outside the possible scores",
            GOOD.replacen("to = 5\n", "to = 6\n", 1),
            ProblemKind::BandOutsideRange,
            "scores on this subscale can only be 1 to 5",
        ),
        (
            "impossible scale",
            GOOD.replacen("points = 5", "points = 1", 1),
            ProblemKind::ScaleInvalid,
            "points = 1 is not between 2 and 11",
        ),
        (
            "unknown field",
            GOOD.replacen("subscale = \"one\"", "subscal = \"one\"", 1),
            ProblemKind::UnknownField,
            "unknown field `subscal`",
        ),
        ("syntax", GOOD.replacen("title = \"Mine\"", "title = Mine", 1), ProblemKind::Syntax, ""),
        ("bad version", GOOD.replacen("version = 1", "version = 0", 1), ProblemKind::BadVersion, "line 4: version 0"),
        ("missing id", GOOD.replacen("id = \"mine\"", "", 1), ProblemKind::MissingField, "`id` is missing"),
        (
            "sd of zero",
            format!("{GOOD}\n[norms.one]\nmean = 3\nsd = 0\n"),
            ProblemKind::NormsInvalid,
            "sd 0 must be a number above 0",
        ),
        (
            "unknown source",
            GOOD.replacen("about = \"About one.\"", "about = \"About one.\"\nsource = \"past-wound\"", 1),
            ProblemKind::UnknownVocabulary,
            "source 'past-wound' is not one of the five sources",
        ),
        (
            "bad aggregate",
            GOOD.replacen("about = \"About one.\"", "about = \"About one.\"\nscore = \"median\"", 1),
            ProblemKind::BadAggregate,
            "score = \"median\"",
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (what, text, kind, message) in &cases {
        let err = Instrument::parse(text, "mine.toml").expect_err(what);
        assert_eq!(err.kinds(), vec![*kind], "{what}: {err}");
        let p = &err.problems[0];
        assert!(p.to_string().contains(message), "{what}: {p}");
        assert!(p.hint.is_some(), "{what}: no hint");
        // A missing field has no line of its own; everything else points at one.
        if *kind != ProblemKind::MissingField {
            assert!(p.line.is_some(), "{what}: no line in {p}");
            assert!(err.to_string().starts_with("mine.toml is not a valid questionnaire: line "), "{err}");
        }
        seen.insert(kind.code());
    }
    assert_eq!(seen.len(), cases.len(), "each case has its own kind");
}

#[test]
fn problems_point_at_the_right_line() {
    let text = GOOD.replacen("subscale = \"one\"\n", "", 1);
    let p = first_problem(&text);
    let line = text.lines().position(|l| l.starts_with("id = \"a\"")).unwrap() + 1;
    // The span of an [[item]] table starts at its header or first key.
    assert!(p.line == Some(line) || p.line == Some(line - 1), "{p:?}, item at {line}");
    assert_eq!(p.hint.as_deref(), Some("add subscale = \"…\" naming one of: one"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = GOOD.replacen("subscale = \"one\"\n", "", 1).replacen("text = \"Second.\"", "text = \"\"", 1);
    assert_eq!(kinds(&text), vec![ProblemKind::ItemWithoutSubscale, ProblemKind::EmptyText]);
}

#[test]
fn no_input_makes_the_parser_panic() {
    for text in ["", "[[item]]", "[scale]\npoints = -3", "id = 5", "\u{0}", "[axes]\n[[axes.region]]", "[norms]\nx = 1"]
    {
        assert!(Instrument::parse(text, "x.toml").is_err(), "{text:?}");
    }
    let huge = "#".repeat(instrument::MAX_FILE_BYTES + 1);
    assert_eq!(kinds(&huge), vec![ProblemKind::TooLarge]);
}

// ---- properties -------------------------------------------------------------------

fn mirror(inst: &Instrument, answers: &Answers) -> Answers {
    answers.iter().map(|(k, v)| (k.clone(), inst.scale.reverse(*v))).collect()
}

fn answers_strategy() -> impl Strategy<Value = Answers> {
    proptest::collection::vec(proptest::option::of(1..=7i32), 36)
        .prop_map(|v| v.into_iter().enumerate().filter_map(|(k, a)| a.map(|a| (format!("i{}", k + 1), a))).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn scores_stay_in_range(answers in answers_strategy(), sum in any::<bool>()) {
        let inst = Instrument::parse(&thirty_six(if sum { "sum" } else { "mean" }, ""), "t").unwrap();
        for s in score(&inst, &answers).unwrap() {
            if let Some(v) = s.score {
                prop_assert!(v >= s.min - 1e-9 && v <= s.max + 1e-9, "{s:?}");
                prop_assert!(s.level().unwrap() >= 0.0 && s.level().unwrap() <= 1.0);
            }
            prop_assert!(s.answered <= s.items);
        }
    }

    /// Reverse keying is a mirror: flipping every reverse flag and mirroring
    /// every answer gives the same scores; mirroring answers alone mirrors
    /// mean scores around the middle of the scale.
    #[test]
    fn reverse_keying_is_symmetric(answers in answers_strategy()) {
        let inst = Instrument::parse(&thirty_six("mean", ""), "t").unwrap();
        let mut flipped = inst.clone();
        for item in &mut flipped.items {
            item.reverse = !item.reverse;
        }
        let a = score(&inst, &answers).unwrap();
        let b = score(&flipped, &mirror(&inst, &answers)).unwrap();
        let c = score(&inst, &mirror(&inst, &answers)).unwrap();
        for ((a, b), c) in a.iter().zip(&b).zip(&c) {
            match (a.score, b.score, c.score) {
                (Some(x), Some(y), Some(z)) => {
                    prop_assert!((x - y).abs() < 1e-9);
                    prop_assert!((x + z - 8.0).abs() < 1e-9, "{x} + {z} should be 1 + 7");
                }
                (None, None, None) => {}
                other => prop_assert!(false, "{other:?}"),
            }
        }
    }

    /// The order of the items in the file, and the order answers arrive in,
    /// change nothing.
    #[test]
    fn scoring_ignores_order(answers in answers_strategy(), seed in any::<u64>()) {
        let inst = Instrument::parse(&thirty_six("sum", ""), "t").unwrap();
        let mut shuffled = inst.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.items.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = (state % (i as u64 + 1)) as usize;
            shuffled.items.swap(i, j);
        }
        let mut reversed_entry: Vec<(String, i32)> = answers.clone().into_iter().collect();
        reversed_entry.reverse();
        let rebuilt: Answers = reversed_entry.into_iter().collect();
        prop_assert_eq!(score(&inst, &answers).unwrap(), score(&shuffled, &rebuilt).unwrap());
    }

    #[test]
    fn merged_sources_stay_in_range(
        levels in proptest::collection::vec(proptest::option::of(0.0f64..=1.0), 5),
        counts in proptest::collection::vec(0u32..50, 5),
        extra in 0u32..20,
        prior in 0.0f64..50.0,
    ) {
        let profile = SourceProfile {
            instrument: WHERE_IT_COMES_FROM.into(),
            version: 1,
            taken_at: moment(0),
            levels: Source::ALL.iter().zip(&levels).filter_map(|(s, l)| l.map(|l| (*s, l))).collect(),
        };
        let tags: Vec<(Source, u32)> = Source::ALL.iter().copied().zip(counts.iter().copied()).collect();
        let tagged = counts.iter().copied().max().unwrap_or(0) + extra;
        let merged = merge_source_profile(Some(&profile), &tags, tagged, prior);
        for e in &merged {
            prop_assert!(e.combined >= 0.0 && e.combined <= 1.0, "{e:?}");
        }
        prop_assert!(merged.windows(2).all(|w| w[0].combined >= w[1].combined));
        let mut tags_rev = tags.clone();
        tags_rev.reverse();
        prop_assert_eq!(merged, merge_source_profile(Some(&profile), &tags_rev, tagged, prior));
    }
}

// ---- sessions, comparisons, axes, steps -----------------------------------------------

#[test]
fn a_session_stops_and_resumes_with_skip_and_back() {
    let inst = Instrument::parse(GOOD, "mine.toml").unwrap();
    let mut s = Session::new(&inst, moment(0));
    assert_eq!(s.current(&inst).unwrap().id, "a");
    assert!(s.answer(&inst, 9, moment(1)).is_err(), "off the scale");
    s.answer(&inst, 2, moment(1)).unwrap();
    // Stored and read back (as the store does, in JSON), it carries on.
    let mut s: Session = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert!(s.fits(&inst));
    assert_eq!(s.current(&inst).unwrap().id, "b");
    assert!(s.back(moment(2)));
    assert!(!s.back(moment(2)), "already at the start");
    s.answer(&inst, 4, moment(3)).unwrap();
    s.skip(&inst, moment(4));
    assert!(s.is_done(&inst));
    let taken = s.finish(&inst, id(1), moment(5)).unwrap();
    assert_eq!(taken.answers, BTreeMap::from([("a".to_string(), 4)]));
    // One of two answered is below the default 0.8: no score, and it says so.
    assert_eq!(taken.scores[0].score, None);
    assert_eq!(taken.version, 1);

    let mut changed = inst.clone();
    changed.version = 2;
    assert!(!s.fits(&changed));
}

fn taken(inst: &Instrument, answers: &[(&str, i32)], at: i64) -> Taken {
    let answers: Answers = answers.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    Taken {
        id: id(at as u128),
        instrument: inst.id.clone(),
        version: inst.version,
        title: inst.title.clone(),
        at: moment(at),
        scores: score(inst, &answers).unwrap(),
        answers,
    }
}

#[test]
fn changes_since_last_time() {
    let inst = Instrument::parse(GOOD, "mine.toml").unwrap();
    let before = taken(&inst, &[("a", 2), ("b", 2)], 1);
    let now = taken(&inst, &[("a", 4), ("b", 3)], 2);
    let c = compare(&now, &before, 0.05);
    assert_eq!(c.changes[0].direction, Direction::Higher);
    assert!(close(c.changes[0].delta, 1.5));
    assert!(!c.version_changed);
    let same = compare(&before, &taken(&inst, &[("a", 2), ("b", 2)], 0), 0.05);
    assert_eq!(same.changes[0].direction, Direction::AboutTheSame);
    assert_eq!(compare(&before, &now, 0.05).changes[0].direction, Direction::Lower);
}

#[test]
fn the_built_in_questionnaires_are_valid_and_say_they_are_not_a_diagnosis() {
    let lib = Library::embedded();
    let (found, errors) = instruments(&lib);
    assert!(errors.is_empty(), "{errors:?}");
    for id in BUILT_IN {
        let inst = found.iter().find(|i| i.id == *id).unwrap();
        assert!(inst.intro.contains("not a diagnosis"), "{id}");
    }
    let sources = found.iter().find(|i| i.id == WHERE_IT_COMES_FROM).unwrap();
    for s in &sources.subscales {
        let n = sources.items_of(&s.id).count();
        assert!((4..=6).contains(&n), "{}: {n} items", s.id);
        assert!(sources.items_of(&s.id).any(|i| i.reverse), "{} has a reverse-keyed item", s.id);
    }
    let cd = found.iter().find(|i| i.id == CLOSENESS_AND_DISTANCE).unwrap();
    assert!((10..=14).contains(&cd.items.len()));
    let me = found.iter().find(|i| i.id == HOW_I_SEE_MYSELF).unwrap();
    assert!((6..=10).contains(&me.items.len()));
}

#[test]
fn closeness_is_a_point_with_four_regions() {
    let lib = Library::embedded();
    let inst = load_instrument(&lib, CLOSENESS_AND_DISTANCE).unwrap().unwrap();
    let axes = inst.axes.as_ref().unwrap();
    assert_eq!(axes.regions.len(), 4);
    // Worried and close: every anxiety item high (keyed), every avoidance item low.
    let answers: Vec<(String, i32)> = inst
        .items
        .iter()
        .map(|i| {
            let want_high = i.subscale == "anxiety";
            let v = if want_high != i.reverse { 7 } else { 1 };
            (i.id.clone(), v)
        })
        .collect();
    let refs: Vec<(&str, i32)> = answers.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let t = taken(&inst, &refs, 1);
    let p = point(&inst, &t.scores).unwrap();
    assert_eq!((p.x_side, p.y_side), (Side::Low, Side::High));
    assert_eq!((p.x, p.y), (1.0, 7.0));
    assert!(!p.near_a_line);
}

#[test]
fn steps_follow_the_rules_in_content() {
    let lib = Library::embedded();
    let (found, _) = instruments(&lib);
    let rules = StepRules::load(&lib, &found).unwrap();
    let inst = load_instrument(&lib, HOW_IT_SHOWS).unwrap().unwrap();
    let all_zero: Vec<(&str, i32)> = inst.items.iter().map(|i| (i.id.as_str(), 0)).collect();
    let e = rules.emphasis(&taken(&inst, &all_zero, 1), SafetyPolicy::NORMAL);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].step, Step::Reflect, "the default");
    let high: Vec<(&str, i32)> = inst.items.iter().map(|i| (i.id.as_str(), 3)).collect();
    let e = rules.emphasis(&taken(&inst, &high, 1), SafetyPolicy::NORMAL);
    assert_eq!(e.len(), rules.show_at_most);
    assert_eq!(e[0].step, Step::ProfessionalHelp);
    assert_eq!(e[0].number, 2);
    assert_eq!(rules.safety_note(SafetyPolicy::NORMAL), None);
}

#[test]
fn safety_mode_leaves_out_the_steps_with_the_partner_and_says_what_is_offered() {
    let lib = Library::embedded();
    let (found, _) = instruments(&lib);
    let rules = StepRules::load(&lib, &found).unwrap();
    // Feeling unseen and untrusted leads to talking openly outside safety mode.
    let inst = load_instrument(&lib, SEEN_TRUSTED_RESPECTED).unwrap().unwrap();
    let low: Vec<(&str, i32)> = inst
        .items
        .iter()
        .map(|i| (i.id.as_str(), if i.reverse { inst.scale.last() } else { inst.scale.first }))
        .collect();
    let t = taken(&inst, &low, 1);
    let normal = rules.emphasis(&t, SafetyPolicy::NORMAL);
    assert!(normal.iter().any(|e| !e.step.offered(SafetyPolicy::SAFETY_MODE)), "{normal:?}");
    let safe = rules.emphasis(&t, SafetyPolicy::SAFETY_MODE);
    assert!(!safe.is_empty(), "the default fills in");
    for e in &safe {
        assert!(e.step.offered(SafetyPolicy::SAFETY_MODE), "{e:?}");
        assert!(e.because.iter().all(|b| !b.to_lowercase().contains("your partner")), "{e:?}");
    }
    let note = rules.safety_note(SafetyPolicy::SAFETY_MODE).unwrap();
    assert!(note.starts_with("Safety comes first") && note.contains("support services"), "{note}");
    assert!(!Step::TalkOpenly.offered(SafetyPolicy::SAFETY_MODE));
    assert!(!Step::BoundariesAndPlans.offered(SafetyPolicy::SAFETY_MODE));
    assert!(Step::ALL.iter().all(|s| s.offered(SafetyPolicy::NORMAL)));
}

#[test]
fn step_rules_refuse_unknown_ids_and_impossible_thresholds() {
    let lib = Library::embedded();
    let (found, _) = instruments(&lib);
    let base = "version = 1\nshow_at_most = 2\n[safety_mode]\ninstead = \"z\"\n[default]\nstep = \"reflect\"\nbecause = \"x\"\n";
    let rule = |body: &str| format!("{base}[[rule]]\n{body}\nbecause = \"y\"\n");
    for (body, expect) in [
        (
            "instrument = \"how-it-show\"\nsubscale = \"x\"\nat_least = 1\nstep = \"reflect\"",
            "did you mean 'how-it-shows'",
        ),
        ("instrument = \"how-it-shows\"\nsubscale = \"x\"\nat_least = 1\nstep = \"reflect\"", "has no subscale 'x'"),
        (
            "instrument = \"how-it-shows\"\nsubscale = \"fear-of-rejection\"\nat_least = 9\nstep = \"reflect\"",
            "outside the possible scores 0 to 3",
        ),
        (
            "instrument = \"how-it-shows\"\nsubscale = \"fear-of-rejection\"\nat_least = 1\nstep = \"reflekt\"",
            "did you mean 'reflect'",
        ),
        (
            "instrument = \"how-it-shows\"\nsubscale = \"fear-of-rejection\"\nstep = \"reflect\"",
            "exactly one of at_least or at_most",
        ),
    ] {
        let err = StepRules::parse(&rule(body), &found).unwrap_err();
        assert!(err.message.contains(expect), "{err}");
    }
    let ok_rule = "instrument = \"how-it-shows\"\nsubscale = \"fear-of-rejection\"\nat_least = 1\nstep = \"reflect\"";
    let partner_default = rule(ok_rule).replacen("step = \"reflect\"", "step = \"talk-openly\"", 1);
    let err = StepRules::parse(&partner_default, &found).unwrap_err();
    assert!(err.message.contains("safety mode offers"), "{err}");
}

#[test]
fn merging_weighs_the_journal_by_its_evidence() {
    let profile = SourceProfile {
        instrument: WHERE_IT_COMES_FROM.into(),
        version: 1,
        taken_at: moment(0),
        levels: BTreeMap::from([(Source::SelfWorth, 0.8), (Source::Comparison, 0.2)]),
    };
    // No journal tags: the questionnaire alone.
    let m = merge_source_profile(Some(&profile), &[], 0, DEFAULT_JOURNAL_PRIOR);
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].source, Source::SelfWorth);
    assert_eq!(m[0].basis, Basis::Assessment);
    // 10 tagged entries, prior 10: half and half. Comparison in all 10, self-worth in none.
    let m = merge_source_profile(
        Some(&profile),
        &[(Source::Comparison, 10), (Source::PastWounds, 5)],
        10,
        DEFAULT_JOURNAL_PRIOR,
    );
    let get = |s: Source| m.iter().find(|e| e.source == s).unwrap();
    assert!(close(get(Source::Comparison).combined, 0.5 * 0.2 + 0.5 * 1.0));
    assert!(close(get(Source::SelfWorth).combined, 0.5 * 0.8));
    assert_eq!(get(Source::PastWounds).basis, Basis::Journal);
    assert!(close(get(Source::PastWounds).combined, 0.5));
    assert_eq!(m[0].source, Source::Comparison);
    // Neither: nothing.
    assert!(merge_source_profile(None, &[], 0, DEFAULT_JOURNAL_PRIOR).is_empty());
}

#[test]
fn a_source_profile_comes_from_linked_subscales() {
    let lib = Library::embedded();
    let inst = load_instrument(&lib, WHERE_IT_COMES_FROM).unwrap().unwrap();
    let answers: Vec<(&str, i32)> =
        inst.items.iter().map(|i| (i.id.as_str(), if i.subscale == "self-worth" { 5 } else { 1 })).collect();
    let t = taken(&inst, &answers, 1);
    let p = source_profile(&inst, &t).unwrap();
    assert_eq!(p.levels.len(), 5);
    // Self-worth items answered 5, its reverse-keyed one counts as 1: (4·5 + 1) / 5 = 4.2 → (4.2 − 1) / 4 = 0.8.
    assert!(close(p.levels[&Source::SelfWorth], 0.8), "{:?}", p.levels);
    assert!(source_profile(&load_instrument(&lib, HOW_IT_SHOWS).unwrap().unwrap(), &t).is_none());
}

// ---- the content check -------------------------------------------------------------

#[test]
fn every_content_file_passes_the_check() {
    let problems = check_library(&Library::embedded());
    assert!(problems.is_empty(), "{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"));
}

fn override_file(path: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
    let lib = Library::embedded();
    let text = edit(lib.text(path).unwrap());
    assert_ne!(text, lib.text(path).unwrap(), "the edit changed nothing in {path}");
    let lib = lib.with_overrides([(path.to_string(), text)]).unwrap();
    let problems: Vec<String> = check_library(&lib).iter().map(|p| p.to_string()).collect();
    // Checking only what reads the changed file finds the same problems.
    let one: Vec<String> = check_file(&lib, path).iter().map(|p| p.to_string()).collect();
    assert_eq!(one, problems, "check_file({path}) differs from check_library");
    problems
}

#[test]
fn checking_one_file_finds_what_checking_the_library_finds() {
    let embedded = Library::embedded();
    for path in embedded.paths() {
        // Emptied, broken, and valid TOML with a blank text.
        for text in ["", "[broken", "x = \" \"\n"] {
            let lib = embedded.clone().with_overrides([(path.to_string(), text.to_string())]).unwrap();
            let all: Vec<String> = check_library(&lib).iter().map(|p| p.to_string()).collect();
            assert!(!all.is_empty() || path.ends_with(".md"), "{path} as {text:?} passes the check");
            let one: Vec<String> = check_file(&lib, path).iter().map(|p| p.to_string()).collect();
            assert_eq!(one, all, "{path} as {text:?}");
        }
    }
}

#[test]
fn the_check_fails_when_a_referenced_id_is_removed() {
    // A source the code knows loses its explanation.
    let p = override_file("learn/sources.md", |t| t.replace("{#comparison}", ""));
    assert!(p.iter().any(|m| m.contains("no section explains the source 'comparison'")), "{p:?}");

    // A step loses its explanation.
    let p = override_file("learn/steps.md", |t| t.replace("{#talk-openly}", "{#talk}"));
    assert!(p.iter().any(|m| m.contains("the step 'talk-openly'")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("{#talk} is not a step id")), "{p:?}");

    // A sign loses its link in the questionnaire that measures the signs.
    let p = override_file("instruments/how-it-shows.toml", |t| t.replace("sign = \"over-interpreting\"\n", ""));
    assert!(p.iter().any(|m| m.contains("exactly one subscale must have sign = \"over-interpreting\"")), "{p:?}");

    // A subscale a step rule points at is renamed.
    let p = override_file("instruments/where-it-comes-from.toml", |t| {
        t.replace("subscale = \"comparison\"", "subscale = \"outside\"")
            .replace("id = \"comparison\"", "id = \"outside\"")
    });
    assert!(p.iter().any(|m| m.contains("'where-it-comes-from' has no subscale 'comparison'")), "{p:?}");

    // A topic points at a topic that does not exist.
    let p = override_file("learn/index.toml", |t| {
        t.replacen("see_also = [\"sources\", \"consequences\"]", "see_also = [\"source-list\"]", 1)
    });
    assert!(p.iter().any(|m| m.contains("see_also names 'source-list'")), "{p:?}");

    // A topic's file is missing.
    let p = override_file("learn/index.toml", |t| t.replace("learn/secure.md", "learn/secur.md"));
    assert!(p.iter().any(|m| m.contains("learn/secur.md does not exist")), "{p:?}");

    // An instrument the code uses loses an outcome subscale.
    let p = override_file("instruments/seen-trusted-respected.toml", |t| {
        t.replace("subscale = \"trusted\"", "subscale = \"trust\"")
            .replace("id = \"trusted\"\nname", "id = \"trust\"\nname")
    });
    assert!(p.iter().any(|m| m.contains("needs the subscale 'trusted'")), "{p:?}");

    // A text uses a placeholder it cannot fill, or is empty.
    let p = override_file("assess/texts.toml", |t| t.replace("{n} of {total}", "{n} of {count}"));
    assert!(p.iter().any(|m| m.contains("take.progress uses {count}")), "{p:?}");
    let p = override_file("assess/texts.toml", |t| t.replace("heading = \"Questionnaires\"", "heading = \" \""));
    assert!(p.iter().any(|m| m.contains("list.heading is empty") || m.contains("empty text")), "{p:?}");

    // A section without text.
    let p = override_file("learn/signs.md", |t| {
        let start = t.find("A worry that your partner").unwrap();
        let end = t.find("## Asking").unwrap();
        format!("{}{}", &t[..start], &t[end..])
    });
    assert!(p.iter().any(|m| m.contains("the section 'Fear of being left' has no text")), "{p:?}");
}

#[test]
fn a_persons_own_questionnaire_is_checked_too() {
    let lib = Library::embedded()
        .with_overrides([("instruments/mine.toml".to_string(), GOOD.replacen("subscale = \"one\"\n", "", 1))])
        .unwrap();
    let p = check_library(&lib);
    assert!(p.iter().any(|e| e.file == "instruments/mine.toml" && e.message.contains("has no subscale")), "{p:?}");
    let lib = Library::embedded().with_overrides([("instruments/other.toml".to_string(), GOOD.to_string())]).unwrap();
    let p = check_library(&lib);
    assert!(p.iter().any(|e| e.message.contains("must live in instruments/mine.toml")), "{p:?}");
}

#[test]
fn learn_finds_topics_aliases_and_sections() {
    let lib = Library::embedded();
    let index = LearnIndex::load(&lib).unwrap();
    assert!(matches!(index.find(&lib, "sources"), Ok(Found::Topic(t)) if t.id == "sources"));
    assert!(matches!(index.find(&lib, "Where it comes from"), Ok(Found::Topic(t)) if t.id == "sources"));
    assert!(
        matches!(index.find(&lib, "past-wounds"), Ok(Found::Section(t, s)) if t.id == "sources" && s == "past-wounds")
    );
    let err = index.find(&lib, "sorces").unwrap_err();
    assert!(err.contains("did you mean 'sources'"), "{err}");
    let s = index.section(&lib, Vocabulary::Step, "reflect").unwrap();
    assert_eq!(s.title, "Reflect");
}
