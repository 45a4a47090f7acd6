//! The abuse-language check on sentences written for these tests: each kind,
//! who did it, negation, other people's stories and films, idioms, ordinary
//! conflict, spans and odd input. These test the phrase rules alone; the
//! sentence reader behind them (`tests/reader.rs`) and the two together are
//! measured on the labelled sets in `tests/eval.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use attune_text::abuse::{Actor, Assessment, Kind, Lexicon, Tier};

fn check(text: &str) -> Assessment {
    Lexicon::embedded().unwrap().assess(text)
}

/// The kinds found done to the writer.
fn kinds(text: &str) -> Vec<Kind> {
    check(text).kinds().into_iter().collect()
}

#[test]
fn each_kind_done_to_the_writer() {
    let cases = [
        ("He slapped me across the face last night.", Kind::PhysicalViolence),
        ("she shoved me against the fridge", Kind::PhysicalViolence),
        ("He threw his phone at me when I asked where he'd been.", Kind::PhysicalViolence),
        ("He had his hands around my throat and I couldn't breathe.", Kind::Strangulation),
        ("my ex used to choke me during fights", Kind::Strangulation),
        ("He said he'd kill me if I ever left.", Kind::WeaponsOrThreatsToKill),
        ("She came at me with a kitchen knife.", Kind::WeaponsOrThreatsToKill),
        ("He threatened to take the kids where I would never find them.", Kind::ThreatsToChildrenOrPets),
        ("he kicked the dog to scare me", Kind::ThreatsToChildrenOrPets),
        ("He pressured me into sex when I said I was too tired.", Kind::SexualCoercion),
        ("i said no but he kept going", Kind::SexualCoercion),
        ("He threatened to send my nudes to my parents.", Kind::ThreatsToShareImages),
        ("She says she will kill herself if I leave her.", Kind::SelfHarmThreatsToControl),
        ("He goes through my phone every night.", Kind::Monitoring),
        ("she makes me share my location at all times", Kind::Monitoring),
        ("He takes my wages and gives me an allowance.", Kind::MoneyControl),
        ("I have to ask him for money for groceries.", Kind::MoneyControl),
        ("He won't let me see my friends anymore.", Kind::Isolation),
        ("I'm not allowed to go out without him.", Kind::Isolation),
        ("He calls me worthless and stupid.", Kind::Belittling),
        ("he tells me nobody else would ever want me", Kind::Belittling),
        ("She mocked my accent in front of her whole family.", Kind::Humiliation),
        ("He tells me I'm imagining things and that it never happened.", Kind::Gaslighting),
        ("He keeps accusing me of cheating with my coworker.", Kind::Accusations),
        ("he sat on my chest so I couldn't breathe", Kind::Strangulation),
        ("he has a gun and says he'll use it if i leave", Kind::WeaponsOrThreatsToKill),
        ("i only sleep with him so he doesnt get angry", Kind::SexualCoercion),
        ("she's got pictures of me and says she'll post them", Kind::ThreatsToShareImages),
        ("she told me she would overdose if i go", Kind::SelfHarmThreatsToControl),
        ("I found a tracker taped under my car.", Kind::Monitoring),
        ("he won't give me access to our account", Kind::MoneyControl),
        ("i haven't seen my friends in months because he gets so angry", Kind::Isolation),
        ("he acts like it never happened", Kind::Gaslighting),
        ("he's convinced i'm having an affair with my boss", Kind::Accusations),
    ];
    let mut missed = Vec::new();
    for (text, kind) in cases {
        let a = check(text);
        if !a.is_flagged() || !a.kinds().contains(&kind) {
            missed.push(format!("{text} -> {:?}", a.findings));
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    // Every kind is covered above.
    let covered: std::collections::BTreeSet<Kind> = cases.iter().map(|c| c.1).collect();
    assert_eq!(covered.len(), Kind::ALL.len());
}

#[test]
fn tiers_follow_the_worst_kind() {
    assert_eq!(check("He calls me stupid and once he choked me.").tier(), Some(Tier::Danger));
    assert_eq!(check("He reads my texts and calls me stupid.").tier(), Some(Tier::Control));
    assert_eq!(check("He calls me worthless.").tier(), Some(Tier::Emotional));
    assert_eq!(check("We had a lovely day at the beach.").tier(), None);
}

#[test]
fn negation_cancels() {
    for text in [
        "He has never hit me.",
        "he didn't grab me, he just raised his voice",
        "She would never threaten to kill me.",
        "He doesn't check my phone.",
        "He never calls me names.",
        "Nobody has ever choked me.",
    ] {
        let a = check(text);
        assert!(!a.is_flagged(), "{text}: {:?}", a.findings);
    }
    // A negation the phrase asks for, or one before another subject, does not.
    for text in [
        "he won't let me see my family",
        "I never told anyone that he hits me.",
        "He didn't stop hitting me until I screamed.",
        "I can't believe he hit me.",
    ] {
        assert!(check(text).is_flagged(), "{text}");
    }
}

#[test]
fn other_peoples_relationships_and_media_are_not_the_writer() {
    for text in [
        "my friend's husband reads her messages",
        "In the film he strangles her in the last scene.",
        "My sister's boyfriend hit her and I drove over to get her.",
        "We watched a documentary about a man who tracked his wife's phone.",
        "In the show he kicked the dog and I had to look away.",
        "If he ever hit me I would leave that day.",
        "I'd never stay with someone who hits me.",
    ] {
        let a = check(text);
        assert!(a.findings.is_empty(), "{text}: {:?}", a.findings);
    }
}

#[test]
fn the_writers_own_actions_are_by_writer() {
    for (text, kind) in [
        ("I checked his phone while he was in the shower.", Kind::Monitoring),
        ("I pushed him during the argument.", Kind::PhysicalViolence),
        ("i called her stupid and i feel awful", Kind::Belittling),
        ("I accused him of cheating again.", Kind::Accusations),
        ("I went through her messages last night.", Kind::Monitoring),
    ] {
        let a = check(text);
        assert!(!a.is_flagged(), "{text}: {:?}", a.findings);
        let by: Vec<Kind> = a.by_writer().map(|f| f.kind).collect();
        assert_eq!(by, vec![kind], "{text}");
        assert!(a.by_writer().all(|f| f.actor == Actor::Writer));
    }
    // Both in one sentence: the writer is still flagged.
    let a = check("I pushed him after he hit me.");
    assert!(a.is_flagged());
    assert_eq!(a.by_writer().count(), 1);
    assert_eq!(a.done_to_writer().count(), 1);
    // Their own phone, or consent, is nothing at all.
    for text in ["I checked my phone all evening.", "I let him check my phone whenever he likes."] {
        assert!(check(text).findings.is_empty(), "{text}: {:?}", check(text).findings);
    }
}

#[test]
fn idioms_are_not_abuse() {
    for text in [
        "my boss is killing me this week",
        "this traffic is murder",
        "My mum will kill me if I'm late again.",
        "It hit me that he's really gone.",
        "He pushed me to apply for the job and I got it!",
        "That film choked me up.",
        "She beat me at chess three times in a row.",
        "He hit me up last night to ask about Friday.",
        "My friend stabbed me in the back.",
        "He dragged me to his work party.",
        "she kicked me out of bed for snoring lol",
    ] {
        let a = check(text);
        assert!(a.findings.is_empty(), "{text}: {:?}", a.findings);
    }
}

#[test]
fn ordinary_conflict_and_insecurity_are_not_abuse() {
    for text in [
        "He was late and I thought he'd lost interest.",
        "We argued about money again.",
        "I asked to share locations and she agreed.",
        "He didn't text back for hours and I spiralled.",
        "She was jealous of my colleague and we talked it through.",
        "He said I was overreacting about the dishes.",
        "He handles the bills because he likes spreadsheets.",
        "We both know each other's passwords.",
        "He asked if I was okay and I snapped at him.",
        "I feel worthless today.",
        "He criticised my essay and it stung.",
        "my boss wants to know where i am all the time",
        "my mum calls me constantly",
        "the dog knocked me over in the park",
        "my toddler bit me again",
        "he pushed me on the swing",
        "we wrestled on the sofa and he pinned me down",
        "i feel like he's always watching me, in a sweet way",
        "she slapped me with a parking fine",
        "he said it never happened like that and we agreed to disagree",
        "he threatened to leave me if i keep drinking",
    ] {
        let a = check(text);
        assert!(!a.is_flagged(), "{text}: {:?}", a.findings);
    }
}

#[test]
fn past_abuse_counts() {
    for text in [
        "My ex used to hit me.",
        "Years ago he strangled me and I never told anyone.",
        "he once broke my phone so i couldnt call my sister",
    ] {
        assert!(check(text).is_flagged(), "{text}");
    }
}

#[test]
fn spans_point_at_the_words_on_char_boundaries() {
    let text = "Ça va pas. Hier soir — he choked me 😢 and then said sorry.";
    let a = check(text);
    assert_eq!(a.findings.len(), 1, "{:?}", a.findings);
    let f = &a.findings[0];
    assert_eq!(&text[f.span.clone()], "choked me");
    assert_eq!(f.kind, Kind::Strangulation);
    assert_eq!(f.actor, Actor::Other);
    assert_eq!(f.rule, "choked");
    assert!(!f.about.is_empty());
    // Several findings come in text order.
    let text = "He reads my texts. Last week he slapped me.";
    let a = check(text);
    let excerpts: Vec<&str> = a.findings.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(excerpts, vec!["reads my texts", "slapped me"]);
}

#[test]
fn typos_and_missing_apostrophes() {
    assert_eq!(kinds("he strangeled me"), vec![Kind::Strangulation]);
    assert_eq!(kinds("hes thretened to kill me"), vec![Kind::WeaponsOrThreatsToKill]);
    assert_eq!(kinds("he wont let me see my mum"), vec![Kind::Isolation]);
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        " ",
        "...!!! 😭😭",
        "\u{0}\u{feff}\u{200d}",
        "ﬁ ǅ İ ß ﬀ ǈ",
        "he \u{301}choked me\u{301}",
        "'''''''",
        "me me me me me",
        "choked",
    ] {
        let a = check(text);
        for f in &a.findings {
            assert!(text.get(f.span.clone()).is_some(), "{text:?}: {:?}", f.span);
        }
    }
    let long = "He was kind today. ".repeat(3_000);
    assert!(!check(&long).is_flagged());
}

#[test]
fn a_custom_lexicon_can_be_loaded_and_lists_its_rules() {
    let lexicon = Lexicon::parse(attune_text::abuse::LEXICON_TOML).unwrap();
    assert!(lexicon.assess("he choked me").is_flagged());
    let ids: Vec<&str> = lexicon.rule_ids().collect();
    assert!(ids.contains(&"choked") && ids.contains(&"reads-messages-by-writer"), "{ids:?}");
    assert!(Lexicon::parse("version = 1").unwrap_err().to_string().starts_with("abuse lexicon is invalid"));
}

#[test]
fn every_rule_has_an_example_here_or_in_the_dev_set() {
    // Keeps dead rules out: each rule must fire on some sentence we know.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/abuse_dev.txt");
    let dev = std::fs::read_to_string(path).unwrap_or_default();
    let sentences: Vec<String> = dev
        .lines()
        .filter_map(|l| l.splitn(3, '|').nth(2).map(|s| s.trim().to_string()))
        .chain(EXTRA.iter().map(|s| (*s).to_string()))
        .chain(ROUND2.iter().map(|(s, _)| (*s).to_string()))
        .chain(ROUND2_BY_WRITER.iter().map(|(s, _)| (*s).to_string()))
        .chain(ROUND3.iter().map(|(s, _)| (*s).to_string()))
        .chain(ROUND3_BY_WRITER.iter().map(|(s, _)| (*s).to_string()))
        .collect();
    let lexicon = Lexicon::embedded().unwrap();
    let used: std::collections::BTreeSet<String> =
        sentences.iter().flat_map(|s| lexicon.assess(s).findings.into_iter().map(|f| f.rule)).collect();
    let unused: Vec<&str> = lexicon.rule_ids().filter(|id| !used.contains(*id)).collect();
    assert!(unused.is_empty(), "rules without an example: {unused:?}");
}

/// Examples for rules the other tests do not reach.
const EXTRA: &[&str] = &[
    "I grabbed her throat and I'm scared of myself.",
    "I told him I'd kill him if he lied again.",
    "I said he'd never see the kids again.",
    "I pressured him into sex when he didn't want to.",
    "I threatened to post his photos online.",
    "I told her I'd kill myself if she left.",
    "I took his bank card and kept it.",
    "I made him stop seeing his friends.",
    "I humiliated him in front of his parents.",
    "I told her she was imagining things.",
];

/// Round 2: one or two sentences per family of wording (abuse told through
/// what happened), written for these tests, none taken from the data sets.
const ROUND2: &[(&str, Kind)] = &[
    ("When he loses it he lunges for my throat.", Kind::Strangulation),
    ("She pressed her forearm hard across my throat against the door.", Kind::Strangulation),
    ("He cut off my air with his arm until I saw stars.", Kind::Strangulation),
    ("My husband sharpened his knife in front of me after our row.", Kind::WeaponsOrThreatsToKill),
    ("She keeps a bat next to the bed when she argues with me.", Kind::WeaponsOrThreatsToKill),
    ("He said he'd make sure I end up in a ditch.", Kind::WeaponsOrThreatsToKill),
    ("She shook our daughter just to get at me.", Kind::ThreatsToChildrenOrPets),
    ("He shut the dog in the shed because I was late home.", Kind::ThreatsToChildrenOrPets),
    ("He won't stop pestering until I give in.", Kind::SexualCoercion),
    ("She threw away my contraception so I'd get pregnant.", Kind::SexualCoercion),
    ("I said no and he kept going anyway.", Kind::SexualCoercion),
    ("He says if I go, my family will see the photos.", Kind::ThreatsToShareImages),
    ("She filmed me getting changed without me knowing.", Kind::ThreatsToShareImages),
    ("She says she'll do something drastic if I go to the wedding.", Kind::SelfHarmThreatsToControl),
    ("He threatens to overdose whenever I mention leaving.", Kind::SelfHarmThreatsToControl),
    ("He makes me FaceTime him every time I'm out so he can see the room.", Kind::Monitoring),
    ("She checks the receipts to see what I bought.", Kind::Monitoring),
    ("He ran up debts on my credit card again.", Kind::MoneyControl),
    ("She gives me an allowance out of my own wages.", Kind::MoneyControl),
    ("She hid my phone so I couldn't ring my sister.", Kind::Isolation),
    ("He always comes up with a reason why we can't see my family.", Kind::Isolation),
    ("She says I should be grateful she puts up with me.", Kind::Belittling),
    ("He made me kneel in the corner until I apologised.", Kind::Humiliation),
    ("She cut my hair off while I slept to punish me.", Kind::Humiliation),
    ("He told my therapist I was making things up.", Kind::Gaslighting),
    ("She twists every argument so I'm the one saying sorry.", Kind::Gaslighting),
    ("He says I'm lying whenever I come home late.", Kind::Accusations),
    ("She makes me account for every penny I spend.", Kind::Accusations),
];

/// Round 2: the writer's own acts in the new families.
const ROUND2_BY_WRITER: &[(&str, Kind)] = &[
    ("I went through her diary while she slept.", Kind::Monitoring),
    ("I told him that never happened, even though it did.", Kind::Gaslighting),
];

#[test]
fn round2_families_are_found_with_their_kind() {
    for (text, kind) in ROUND2 {
        let found = kinds(text);
        assert!(found.contains(kind), "{text:?}: expected {kind:?}, got {found:?}");
    }
    for (text, kind) in ROUND2_BY_WRITER {
        let a = check(text);
        assert!(kinds(text).is_empty(), "{text:?} read as done to the writer: {:?}", a.findings);
        assert!(
            a.findings.iter().any(|f| f.actor == Actor::Writer && f.kind == *kind),
            "{text:?}: expected a by-writer {kind:?}, got {:?}",
            a.findings
        );
    }
}

#[test]
fn round2_lookalikes_are_not_flagged() {
    // Everyday readings of the new families' words.
    for text in [
        "My sister will strangle me if I'm late to her wedding.",
        "He took out the bread knife to cut the cake.",
        "She asked who I was talking to at the party.",
        "My family will see the photos from the wedding next week.",
        "She says she can't cope without me when I travel for work.",
        "I broke my phone so I couldn't call anyone.",
        "My sister cut my hair while I was at her house.",
        "With all the edited photos online I don't know what's real anymore.",
        "I said I was lying when I told him I was fine.",
        "My budget app makes me account for every penny.",
        "I cried at the film and he carried on watching.",
        "I'm lucky she puts up with my snoring, she's lovely.",
    ] {
        let a = check(text);
        assert!(a.findings.is_empty(), "{text:?} flagged: {:?}", a.findings);
    }
}

/// Round 3: variants written for these tests (none from the data sets), one
/// or more per family of meaning.
const ROUND3: &[(&str, Kind)] = &[
    ("She showed me the knife in her bag and smiled.", Kind::WeaponsOrThreatsToKill),
    ("He told me one day he's gonna end me.", Kind::WeaponsOrThreatsToKill),
    ("She says she's going to finish me off if I leave.", Kind::WeaponsOrThreatsToKill),
    ("If I ever leave I'll never see my daughter again, that's what he says.", Kind::ThreatsToChildrenOrPets),
    ("My cat disappeared the day after I told her I wanted a divorce.", Kind::ThreatsToChildrenOrPets),
    ("He does things to me when I'm passed out and laughs about it.", Kind::SexualCoercion),
    ("He made me feel like I owed him sex for the holiday.", Kind::SexualCoercion),
    ("My ex still has photos of me and says my boss will see them.", Kind::ThreatsToShareImages),
    ("She keeps reminding me she has the videos.", Kind::ThreatsToShareImages),
    ("If I try to end things she says she'll take all her pills.", Kind::SelfHarmThreatsToControl),
    ("My husband says I'll be the reason he's dead.", Kind::SelfHarmThreatsToControl),
    ("She sat on the ledge and screamed choose me or them.", Kind::SelfHarmThreatsToControl),
    ("My wife checks the receipts to see if I went anywhere.", Kind::Monitoring),
    ("He decides who I can talk to.", Kind::Isolation),
    ("My girlfriend made me block all my male friends.", Kind::Isolation),
    ("Whatever I wear he says it's embarrassing.", Kind::Belittling),
    ("She forces me to strip when I'm late.", Kind::Humiliation),
    ("He insists I said things I know I didn't.", Kind::Gaslighting),
    ("She says that conversation never happened and I'm imagining things.", Kind::Gaslighting),
    ("He says I'm shagging my boss.", Kind::Accusations),
    ("My partner keeps elbowing me in the ribs.", Kind::PhysicalViolence),
    ("He spat in my face.", Kind::PhysicalViolence),
    ("She cut her wrists after I said I wanted a break.", Kind::SelfHarmThreatsToControl),
    ("He drove at ninety to scare me.", Kind::WeaponsOrThreatsToKill),
    ("He keeps a machete under the bed and says it's for me.", Kind::WeaponsOrThreatsToKill),
    ("She says I'll never get custody.", Kind::ThreatsToChildrenOrPets),
    ("He keeps groping me even after I push him away.", Kind::SexualCoercion),
    ("She wouldn't let me sleep until I had sex with her.", Kind::SexualCoercion),
    ("He filmed us in bed and says he'll send it to my dad.", Kind::ThreatsToShareImages),
    ("She says she's got screenshots of my nudes ready.", Kind::ThreatsToShareImages),
    ("He swallowed a load of pills when I said I was leaving.", Kind::SelfHarmThreatsToControl),
    ("She says she can't live without me and she'll jump.", Kind::SelfHarmThreatsToControl),
    ("He demands to see my bank statements.", Kind::Monitoring),
    ("She changed my passwords so I can't log into my email.", Kind::Monitoring),
    ("He won't let me buy anything without asking him first.", Kind::MoneyControl),
    ("She says if I leave she'll take the house and the kids.", Kind::ThreatsToChildrenOrPets),
    ("He threw a mug past my head.", Kind::PhysicalViolence),
    ("She told me to sleep with her friend or she'd leave.", Kind::SexualCoercion),
];

/// Round 3: the writer's own acts in the same families.
const ROUND3_BY_WRITER: &[(&str, Kind)] = &[
    ("I grabbed a knife during the row and told him to get out.", Kind::WeaponsOrThreatsToKill),
    ("I told him if he leaves he won't ever see the cat again.", Kind::ThreatsToChildrenOrPets),
    ("I nagged her for sex until she gave in.", Kind::SexualCoercion),
    ("I hid his bank card so he'd have to ask me.", Kind::MoneyControl),
    ("I told her I'd take all my pills if she went out.", Kind::SelfHarmThreatsToControl),
];

#[test]
fn round3_families_are_found_with_their_kind() {
    for (text, kind) in ROUND3 {
        let found = kinds(text);
        assert!(found.contains(kind), "{text:?}: expected {kind:?}, got {found:?}");
    }
    for (text, kind) in ROUND3_BY_WRITER {
        let a = check(text);
        assert!(kinds(text).is_empty(), "{text:?} read as done to the writer: {:?}", a.findings);
        assert!(
            a.findings.iter().any(|f| f.actor == Actor::Writer && f.kind == *kind),
            "{text:?}: expected a by-writer {kind:?}, got {:?}",
            a.findings
        );
    }
}

#[test]
fn round3_lookalikes_are_not_flagged() {
    for text in [
        "He showed me the knife he bought for his fishing trip.",
        "My trainer said this workout is going to end me.",
        "That film will be the end of me.",
        "My cat disappeared for a day after we moved house.",
        "He has photos of us on holiday and my mum will see them at Christmas.",
        "My phone keeps reminding me I have photos to back up.",
        "I decide who I talk to.",
        "My therapist suggested I block my ex.",
        "Whatever I cook he says it's amazing.",
        "My mum made me stand outside the shop.",
        "My friend says I'm sleeping with the enemy by working there.",
        "I check the receipts to see if I went over budget.",
        "We moved hours from my family for his job and it's been lovely.",
        "The spin class today destroyed me.",
        "The gym session today beat me up.",
        "I picked up a knife to cut the cake while we laughed.",
        "My sister cut her arm when I left the knife out.",
        "The baby spat in my face, lol.",
        "He drove fast to get me to the hospital while I screamed in labour.",
        "He keeps a knife in the kitchen and says it's for the bread.",
        "My mum says I'll never get custody of the cat, joking.",
        "My toddler wouldn't let me sleep until I read three stories.",
        "My accountant demands to see my receipts every April.",
        "She says she can't live without me when I travel, and she'll miss me.",
        "I changed my passwords so I can't get into my email, so silly.",
        "My budget app won't let me buy anything without checking the limit.",
        "If I leave early he'll take the kids to school.",
        "The cat smashed a glass next to my head.",
        "My friend asked me to hook up with her brother, he seems nice.",
    ] {
        let a = check(text);
        assert!(a.findings.is_empty(), "{text:?} flagged: {:?}", a.findings);
    }
}
