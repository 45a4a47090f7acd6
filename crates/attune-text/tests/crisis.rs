//! Measures the crisis detector against the sentences in `tests/data/`.
//!
//! `cargo test -p attune-text --test crisis -- --nocapture` prints recall and
//! false-alarm rate; `-- --ignored --nocapture` also runs the detector over
//! the shared therapist-question data set (read in place, never copied) and
//! prints what it flags there, to look for false alarms by eye.
//!
//! These test the phrase rules alone; the sentence reader behind them is
//! tested in `tests/reader.rs`, and the two together are measured in
//! `tests/eval.rs`.

#![allow(clippy::unwrap_used)]

use attune_text::crisis::{Assessment, Level, Lexicon, LexiconError};

/// The phrase rules alone.
fn assess(text: &str) -> Result<Assessment, LexiconError> {
    Ok(Lexicon::embedded()?.assess(text))
}

const POSITIVE: &str = include_str!("data/crisis_positive.txt");
const NEGATIVE: &str = include_str!("data/crisis_negative.txt");

fn sentences(file: &str) -> Vec<&str> {
    file.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

#[test]
fn corpus_is_big_and_varied_enough() {
    let pos = sentences(POSITIVE);
    let neg = sentences(NEGATIVE);
    assert!(pos.len() >= 80, "{} positive sentences", pos.len());
    assert!(neg.len() >= 120, "{} negative sentences", neg.len());
    assert!(pos.iter().filter(|s| s.chars().all(|c| !c.is_uppercase())).count() >= 10, "lowercase examples");
    assert!(pos.iter().filter(|s| !s.ends_with(['.', '!', '?'])).count() >= 10, "unpunctuated examples");
    for s in pos.iter().chain(&neg) {
        assert_eq!(pos.iter().chain(&neg).filter(|t| *t == s).count(), 1, "duplicate: {s}");
    }
}

#[test]
fn recall_and_false_alarm_rate() {
    let pos = sentences(POSITIVE);
    let neg = sentences(NEGATIVE);
    let missed: Vec<&str> = pos.iter().copied().filter(|s| !assess(s).unwrap().is_flagged()).collect();
    let alarms: Vec<String> = neg
        .iter()
        .filter_map(|s| {
            let a = assess(s).unwrap();
            a.is_flagged().then(|| format!("{s}  <- {:?} {:?}", a.level, a.excerpts(s)))
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let recall = 1.0 - missed.len() as f64 / pos.len() as f64;
    #[allow(clippy::cast_precision_loss)]
    let false_alarm_rate = alarms.len() as f64 / neg.len() as f64;
    println!(
        "crisis corpus: recall {recall:.3} ({} of {} flagged), false-alarm rate {false_alarm_rate:.3} ({} of {} flagged)",
        pos.len() - missed.len(),
        pos.len(),
        alarms.len(),
        neg.len()
    );
    for m in &missed {
        println!("  missed: {m}");
    }
    for a in &alarms {
        println!("  false alarm: {a}");
    }
    assert!(recall >= 0.95, "recall {recall:.3} < 0.95; missed: {missed:#?}");
    assert!(false_alarm_rate <= 0.05, "false-alarm rate {false_alarm_rate:.3} > 0.05: {alarms:#?}");
}

#[test]
fn explicit_sentences_are_urgent() {
    for s in ["I want to kill myself", "I wrote a suicide note", "I've started cutting myself again"] {
        assert_eq!(assess(s).unwrap().level, Level::Urgent, "{s}");
    }
}

#[test]
fn spans_are_valid_for_every_corpus_sentence() {
    for s in sentences(POSITIVE).into_iter().chain(sentences(NEGATIVE)) {
        let a = assess(s).unwrap();
        for m in &a.matches {
            assert!(s.get(m.span.clone()).is_some_and(|t| !t.trim().is_empty()), "{s}: {:?}", m.span);
        }
    }
}

/// Method, plan, intent, preparation and attempts are urgent even without the
/// word "suicide"; a wish to be dead, burdensomeness and thwarted belonging
/// are at least concern (the Columbia scale and the interpersonal theory).
#[test]
fn indirect_categories_have_their_levels() {
    let urgent = [
        ("method", "I stood on the bridge and thought how easy it would be to let go."),
        ("method", "I keep staring at the rope in the garage."),
        ("plan", "I know exactly how I'd do it."),
        ("plan", "ive got the how and the when worked out"),
        ("intent", "I won't be alive by the spring."),
        ("intent", "By the time anyone reads this I'll be gone."),
        ("preparing", "I've put my affairs in order."),
        ("preparing", "I made sure someone will feed the dog once I'm gone."),
        ("attempt", "They had to pump my stomach in March."),
        ("attempt", "I had the pills in my hand and then put them back."),
    ];
    for (rule, text) in urgent {
        let a = assess(text).unwrap();
        assert_eq!(a.level, Level::Urgent, "{text}: {:?}", a.matches);
        assert!(a.matches.iter().any(|m| m.rule == rule), "{text}: expected rule {rule}, got {:?}", a.matches);
    }
    let concern = [
        ("passive-wish", "I don't care if I live or die."),
        ("passive-wish", "I keep hoping something happens to me."),
        ("burden", "I'm just dead weight to everyone."),
        ("burden", "My family would have a better life without me."),
        ("belonging", "I don't belong in this world."),
        ("belonging", "Nobody would come to my funeral."),
    ];
    for (rule, text) in concern {
        let a = assess(text).unwrap();
        assert!(a.level >= Level::Concern, "{text}");
        assert!(a.matches.iter().any(|m| m.rule == rule), "{text}: expected rule {rule}, got {:?}", a.matches);
    }
}

#[test]
fn indirect_words_are_negated_quoted_and_other_peoples_too() {
    for text in [
        "I would never walk into traffic.",
        "I don't know where he keeps his gun.",
        "I've made up my mind to end the relationship.",
        "My attempt at baking bread was a disaster.",
        "He told me to put my affairs in order before the move.",
        "She stood on the bridge looking down at the river, and we laughed.",
        "He feels like dead weight on the team, he never does his share.",
    ] {
        let a = assess(text).unwrap();
        assert_eq!(a.level, Level::None, "{text}: {:?}", a.matches);
    }
}

/// Hints ("I have a plan now", "while he's away") mean little alone: they
/// count beside a second hint or another match, and never escalate.
#[test]
fn hints_count_only_together() {
    assert_eq!(assess("I have a plan now.").unwrap().level, Level::None);
    assert_eq!(assess("I'll do the shopping while he's at work.").unwrap().level, Level::None);
    let two = assess("I have a plan now. Saturday, while he's at work.").unwrap();
    assert_eq!(two.level, Level::Concern);
    assert!(!two.escalated);
    assert_eq!(two.matches.len(), 2);
    let beside = assess("I can't go on. I have a plan now.").unwrap();
    assert_eq!(beside.level, Level::Concern, "hints do not escalate: {:?}", beside.matches);
    assert!(beside.matches.iter().any(|m| m.rule == "plan-hints"));
    let urgent = assess("I want to die. I have a plan now.").unwrap();
    assert_eq!(urgent.level, Level::Urgent);
    assert_eq!(urgent.matches.len(), 2);
}

#[test]
fn a_custom_lexicon_can_be_loaded() {
    let lexicon = Lexicon::parse(attune_text::crisis::LEXICON_TOML).unwrap();
    assert_eq!(lexicon.assess("i cant go on").level, Level::Concern);
}

/// Splits CSV text into records (quoted fields with commas, doubled quotes
/// and line breaks supported).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Words that make an unflagged question worth printing for review.
const REVIEW_WORDS: &[&str] = &[
    "suicid",
    "kill my",
    "want to die",
    "wanna die",
    "better off",
    "end it",
    "end my",
    "disappear",
    "hurt my",
    "harm my",
    "cut my",
    "overdos",
    "not be here",
    "no point",
    "worth living",
    "dead",
];

/// Not a pass/fail test: prints what the detector flags in real questions
/// people wrote to therapists, so false alarms can be spotted by eye. The
/// data stays in shared/; nothing from it is copied into the repository.
#[test]
#[ignore = "reads /work/shared/data/eval/therapistqa/dev.csv; run with --ignored --nocapture"]
fn therapistqa_dev_flags_for_review() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/eval/therapistqa/dev.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is not there", path.display());
        return;
    };
    let records = csv_records(&text);
    let header = &records[0];
    let column = header.iter().position(|h| h == "Patient Question").unwrap();
    let mut counts = [0usize; 3];
    let mut by_rule = std::collections::BTreeMap::<String, usize>::new();
    let started = std::time::Instant::now();
    for r in &records[1..] {
        let Some(q) = r.get(column) else { continue };
        let a = assess(q).unwrap();
        counts[a.level as usize] += 1;
        if a.is_flagged() {
            for m in &a.matches {
                *by_rule.entry(m.rule.clone()).or_default() += 1;
            }
            let excerpts: Vec<String> = a
                .matches
                .iter()
                .map(|m| {
                    // A little context around each match, on char boundaries.
                    let from = q.floor_char_boundary(m.span.start.saturating_sub(50));
                    let to = q.ceil_char_boundary((m.span.end + 30).min(q.len()));
                    format!("[{}] …{}…", m.rule, q[from..to].replace('\n', " "))
                })
                .collect();
            println!("{:?}: {}", a.level, excerpts.join(" | "));
        } else if let Some(at) = REVIEW_WORDS.iter().filter_map(|w| q.to_lowercase().find(w)).min() {
            // Not flagged but near a word worth a second look: print for review.
            let lower = q.to_lowercase();
            let from = lower.floor_char_boundary(at.saturating_sub(60));
            let to = lower.ceil_char_boundary((at + 60).min(lower.len()));
            println!("not flagged: …{}…", lower[from..to].replace('\n', " "));
        }
    }
    println!(
        "therapistqa dev: {} questions: none {}, concern {}, urgent {} (in {:?}); matches by rule: {by_rule:?}",
        records.len() - 1,
        counts[0],
        counts[1],
        counts[2],
        started.elapsed()
    );
}

/// Round 2: one or two sentences per family of wording, written for these
/// tests, none taken from the data sets; with the rule family they are for.
const ROUND2: &[(&str, &str)] = &[
    ("I've been hoarding my sleeping pills for weeks.", "method-acts"),
    ("Last night I looked up lethal doses of my tablets.", "method-acts"),
    ("I keep driving up to the top floor of the car park after work.", "method-acts"),
    ("There's a belt in my wardrobe, and I know why.", "method-acts"),
    ("Some nights I hope I don't wake up.", "wish-and-thoughts"),
    ("I half hope a bus hits me on the way to work.", "wish-and-thoughts"),
    ("I keep picturing my own funeral.", "wish-and-thoughts"),
    ("It would be a relief to stop existing.", "wish-and-thoughts"),
    ("Tonight I'm going through with it.", "intent-plan-round2"),
    ("I tried to take my own life two years ago.", "intent-plan-round2"),
    ("I was halfway over the railing before I stopped.", "intent-plan-round2"),
    ("I punch my thighs until they bruise.", "self-harm-round2"),
    ("I held my arm against the radiator until it burned.", "self-harm-round2"),
    ("Everyone's lives would be easier once I'm gone.", "burden-belonging-round2"),
    ("Nobody would come looking for me.", "burden-belonging-round2"),
    ("All I bring my family is grief.", "burden-belonging-round2"),
    ("I wrote a note for each of them and sealed them.", "preparing-round2"),
    ("I gave my cat to a friend and told her it was only for a while.", "preparing-round2"),
];

#[test]
fn round2_families_are_flagged_by_their_rule() {
    // An older rule may cover the same words (and then hides the new one);
    // each new rule must still fire on at least one of its examples.
    let mut fired = std::collections::BTreeSet::new();
    for (text, _) in ROUND2 {
        let a = assess(text).unwrap();
        assert!(a.is_flagged(), "{text:?} not flagged");
        fired.extend(a.matches.into_iter().map(|m| m.rule));
    }
    for (_, rule) in ROUND2 {
        assert!(fired.contains(*rule), "round 2 rule {rule} fired on none of its examples");
    }
    let lexicon = Lexicon::embedded().unwrap();
    for id in
        lexicon.rule_ids().filter(|id| id.ends_with("round2") || ["method-acts", "wish-and-thoughts"].contains(id))
    {
        assert!(id == "plan-hints-round2" || ROUND2.iter().any(|(_, r)| r == &id), "round 2 rule {id} has no example");
    }
}

#[test]
fn round2_plan_wording_is_only_a_hint() {
    // A date and a place belong to weddings too: alone, nothing is flagged.
    let wedding = "I've got the date, the place and the time sorted for the wedding.";
    assert_eq!(assess(wedding).unwrap().level, Level::None);
    let beside = assess("I've got the date, the place and the time sorted. I have a plan now.").unwrap();
    assert_eq!(beside.level, Level::Concern, "{:?}", beside.matches);
    assert!(beside.matches.iter().any(|m| m.rule == "plan-hints-round2"));
}

#[test]
fn round2_lookalikes_are_not_flagged() {
    let mut flagged = Vec::new();
    for text in [
        "I'm saving up for a holiday with him.",
        "We stood at the edge of the cliff to take photos.",
        "I drove out to the cliffs three times this summer with the kids.",
        "The best thing I can do is disappear for the weekend and rest.",
        "I'm waiting for the end of term.",
        "What if I just ended it with him?",
        "I've made my decision, no more chocolate before bed.",
        "I knocked the vase over and tried to make it look like an accident.",
        "I tried once before to talk to him about it and again today.",
        "It's nice not to wake up at six for work.",
        "I hope my train doesn't stop at every station.",
        "Everything's ready for the party, I just have to pick the date.",
        "I gave my dog to my parents for good when I moved abroad.",
        "I ruin his mood just by being here.",
        "When I was gone last week he wouldn't text me.",
        "I'm lonely and I don't want to keep living like this in this marriage.",
        "I held my hand under the cold tap until it stopped stinging.",
        "We're collecting my prescription from the pharmacy later.",
    ] {
        let a = assess(text).unwrap();
        if a.is_flagged() {
            flagged.push((text, a.matches));
        }
    }
    assert!(flagged.is_empty(), "flagged: {flagged:#?}");
}

/// Round 3: variants written for these tests (none from the data sets), one
/// or more per family of meaning, with the rule family they are for.
const ROUND3: &[(&str, &str)] = &[
    ("I wished I had never been born.", "wish-not-to-exist-round3"),
    ("Every night I beg God to take me in my sleep.", "wish-not-to-exist-round3"),
    ("No point, I might as well not exist.", "wish-not-to-exist-round3"),
    ("Thinking about disappearing forever again.", "wish-not-to-exist-round3"),
    ("There's nobody who cares whether I'm alive.", "wish-not-to-exist-round3"),
    ("The thoughts about ending things come back every night.", "thoughts-round3"),
    ("I've been having thoughts of burning myself.", "thoughts-round3"),
    ("Those pills in the cupboard are on my mind constantly.", "method-round3"),
    ("I thought about steering into the barrier on the way home.", "method-round3"),
    ("Walked back to the bridge again tonight.", "method-round3"),
    ("I'm going to do it once the flat is empty.", "intent-round3"),
    ("I want to end all of this for good.", "intent-round3"),
    ("I'm not going to keep going much longer.", "intent-round3"),
    ("I've decided when and where.", "intent-round3"),
    ("I make things harder for everyone.", "burden-round3"),
    ("The world would be a brighter place without me in it.", "burden-round3"),
    ("Gave my records to my brother so nobody has to argue over them afterwards.", "preparing-round3"),
    ("Survived an overdose last spring.", "attempt-round3"),
    ("I tried once before and woke up.", "attempt-round3"),
    ("Sometimes I hope I get hit by a bus on the way home.", "wish-not-to-exist-round3"),
    ("I keep imagining what it would be like to be dead.", "wish-not-to-exist-round3"),
    ("I don't see a way out of this except dying.", "wish-not-to-exist-round3"),
    ("I have tablets stockpiled under my bed.", "method-round3"),
    ("I've been researching painless ways to go.", "method-round3"),
    ("I was on the ledge but my friend talked me down.", "attempt-round3"),
    ("It's been a month since I last cut myself.", "self-harm-round2"),
    ("Said goodbye to my dad today as if it was the last time.", "preparing-round3"),
    ("This is the last note anyone will read from me.", "preparing-round3"),
    ("I left a note for whoever finds me.", "preparing-round3"),
    ("I keep checking train times, not to catch one.", "method-round3"),
    ("I had the rope around my neck last night.", "method-round3"),
    ("Everything would carry on turning without me.", "burden-round3"),
    ("Everyone I know would be relieved if I disappeared.", "burden-round3"),
    ("Not one person in my life would miss me.", "burden-round3"),
    ("I feel like I was never meant to exist.", "wish-not-to-exist-round3"),
    ("I've been practising a knot that will hold my weight.", "method-round3"),
    ("I looked up which pills are lethal with alcohol.", "method-round3"),
    ("I want to stop being a person.", "wish-not-to-exist-round3"),
    ("I wish I could just fade away for good.", "wish-not-to-exist-round3"),
    ("I only bring misery to the people I love.", "burden-round3"),
    ("I've chosen the songs for my funeral.", "preparing-round3"),
    ("I burn myself with the iron whenever it gets too much.", "self-harm-round2"),
];

#[test]
fn round3_families_are_flagged_by_their_rule() {
    // As in round 2: an older rule may hide a new one on one example, but
    // each new rule must fire on at least one of its examples.
    let mut fired = std::collections::BTreeSet::new();
    for (text, _) in ROUND3 {
        let a = assess(text).unwrap();
        assert!(a.is_flagged(), "{text:?} not flagged");
        fired.extend(a.matches.into_iter().map(|m| m.rule));
    }
    for (_, rule) in ROUND3 {
        assert!(fired.contains(*rule), "round 3 rule {rule} fired on none of its examples");
    }
    let lexicon = Lexicon::embedded().unwrap();
    for id in lexicon.rule_ids().filter(|id| id.ends_with("round3")) {
        assert!(id == "plan-hints-round3" || ROUND3.iter().any(|(_, r)| r == &id), "round 3 rule {id} has no example");
    }
}

#[test]
fn round3_plan_wording_is_only_a_hint() {
    // Having everything ready, or a chosen spot, is a party too: alone, nothing.
    // (Two hints together give a gentle note, even "the spot by the lake
    // where nobody goes" for a picnic: a known false alarm of hints.)
    for text in [
        "I've got everything I need now.",
        "I picked the spot out by the lake for the picnic.",
        "I updated my will after the wedding.",
    ] {
        assert_eq!(assess(text).unwrap().level, Level::None, "{text:?}");
    }
    let beside = assess("I've got everything I need now. Tonight is the night.").unwrap();
    assert_eq!(beside.level, Level::Concern, "{:?}", beside.matches);
    assert!(beside.matches.iter().all(|m| m.rule == "plan-hints-round3"));
}

#[test]
fn round3_lookalikes_are_not_flagged() {
    let mut flagged = Vec::new();
    for text in [
        "I wish I had never met him.",
        "I wish I was never born in this town, it's so boring.",
        "I pray God takes care of my mum.",
        "I might as well not bother with the gym.",
        "I keep thinking about ending things with him, it's not working.",
        "The thoughts about ending the lease keep coming back.",
        "I had thoughts about hurting his feelings.",
        "The rope swing at the park is on my mind, the kids loved it.",
        "The bridge closure is stuck in my head, my commute is ruined.",
        "We drove past the bridge again on the way to my mum's.",
        "I looked up how long it takes for a parcel to be found.",
        "I'm going to do it when the house is quiet, finally paint the hallway.",
        "I want to end this argument for good.",
        "I'm not going to carry on arguing with him.",
        "I won't be here for his birthday, I'm away for work.",
        "We've worked out when and where the wedding is.",
        "Nobody will find me until Monday, I'm going camping.",
        "The office is a calmer place without the printer.",
        "I gave my old bike to my nephew.",
        "I'm clean from smoking for a year.",
        "Wearing long sleeves because it's cold.",
        "I cleared my history so he doesn't see his present.",
        "Ugh I want to die, I tripped in front of my crush.",
        "One more zoom call and I'm going to kill myself haha.",
        "The song lyric \"I want to die in your arms\" is stuck in my head.",
        "I hope I get hit by the flu jab queue early so I can go home.",
        "Hoping I would crash on the sofa after work.",
        "I have pills saved up in my drawer for the trip abroad.",
        "The pills are ready for tonight, the vet said give her two.",
        "I was standing on the bridge when my friend grabbed me for a selfie.",
        "I gave away my old car, I won't need to look after it now I take the bus.",
        "Said goodbye to the old house like it was the last time we would see it.",
        "I wonder what it would be like to be dead famous.",
        "I can't see any way out of this contract except paying the fee.",
        "They'd be better off taking the train.",
        "This is the last message you'll get from me before my holiday.",
        "The belt around my neck was part of a joke costume.",
        "The world would keep turning without me at the meeting.",
        "Everyone at work would be happier if I vanished into the kitchen with the cake.",
        "Nobody at the party would miss me if I left early.",
        "That shirt was never meant to be here.",
        "I know how to make it stop for good, I called a plumber about the tap.",
        "We practised tying a knot that won't slip for the sailing course.",
        "Which medications are deadly for dogs? Asking for my vet course.",
        "I tried to jump but my knee gave out at the hurdles.",
        "Scars from what I did to myself at the skate park.",
        "I want to stop being a people pleaser.",
        "I hope the pain will fade away for good.",
        "I'd like to not exist on social media forever.",
        "Nobody would notice if I stopped turning up to that book club.",
        "We made a playlist for my funeral as a joke at gran's party.",
        "Drafted my goodbye email to the team before I leave the job.",
        "So the kids have one last nice summer at the old house before we move.",
    ] {
        let a = assess(text).unwrap();
        if a.is_flagged() {
            flagged.push((text, a.matches));
        }
    }
    assert!(flagged.is_empty(), "flagged: {flagged:#?}");
}
