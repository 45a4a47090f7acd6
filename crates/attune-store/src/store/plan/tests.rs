//! Round trips of the plan, pause and self-worth records through a real journal.

use attune_core::pause::Pause;
use attune_core::plan::{Day, Every, ReviewUnit};
use attune_core::{Label, Moment};
use jiff::civil::Time;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::Connection;

use attune_core::RecordId;
use attune_core::selfworth::{Activity, Affirmation, Category, Suggestion, Supporter};
use jiff::Timestamp;
use jiff::civil::Date;

use super::*;
use crate::keyfile::{self, KeyFile};
use crate::{DB_FILE, Protection};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::create(&dir.path().join("j"), Protection::None).unwrap();
    (dir, store)
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() })
}

fn rid() -> impl Strategy<Value = RecordId> {
    any::<u128>().prop_map(|n| RecordId::from_uuid(uuid::Uuid::from_u128(n)))
}

fn moment() -> impl Strategy<Value = Moment> {
    (0i64..4_000_000_000_000, -14 * 60i32..=14 * 60, proptest::option::of("[A-Z][a-z]{2,6}/[A-Z][a-z]{2,6}")).prop_map(
        |(ms, off, zone)| Moment { at: Timestamp::from_millisecond(ms).unwrap(), offset_seconds: off * 60, zone },
    )
}

fn date() -> impl Strategy<Value = Date> {
    (0i64..30_000).prop_map(|d| Date::constant(1990, 1, 1).saturating_add(jiff::Span::new().days(d)))
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,40}"
}

fn rhythm() -> impl Strategy<Value = Rhythm> {
    let every = prop_oneof![
        (1u32..=12).prop_map(|interval| Every::Daily { interval }),
        (1u32..=12, proptest::sample::subsequence(Day::ALL.to_vec(), 1..=7))
            .prop_map(|(interval, days)| Every::Weekly { interval, days }),
        (1u32..=12, 1u8..=28).prop_map(|(interval, day)| Every::Monthly { interval, day }),
    ];
    (every, 0i8..24, 0i8..60, 1u32..=720, date())
        .prop_map(|(e, h, m, minutes, from)| Rhythm::new(e, Time::new(h, m, 0, 0).unwrap(), minutes, from).unwrap())
}

fn agreement() -> impl Strategy<Value = Agreement> {
    let kind = proptest::sample::select(AgreementKind::ALL.to_vec());
    let who = proptest::sample::select(vec![Proposer::Me, Proposer::Partner, Proposer::Both]);
    let review = proptest::option::of(
        (1u32..=12, any::<bool>())
            .prop_map(|(n, w)| ReviewEvery { n, unit: if w { ReviewUnit::Weeks } else { ReviewUnit::Months } }),
    );
    let step = (moment(), proptest::sample::select(Change::ALL.to_vec()), text(), text())
        .prop_map(|(at, change, text, note)| Revision { at, change, text, note });
    (
        (rid(), kind, "\\PC{1,40}", who, proptest::option::of(date()), proptest::option::of(rhythm())),
        (proptest::option::of(1u32..=120), proptest::option::of(date()), review, proptest::option::of(date())),
        (moment(), proptest::collection::vec(step, 1..5)),
    )
        .prop_map(
            |(
                (id, kind, text, proposed_by, agreed_on, rhythm),
                (pause_minutes, review_on, review_every, retired_on),
                (created, history),
            )| {
                Agreement {
                    id,
                    kind,
                    text,
                    proposed_by,
                    agreed_on,
                    rhythm,
                    pause_minutes,
                    review_on,
                    review_every,
                    retired_on,
                    created,
                    history,
                }
            },
        )
}

#[test]
fn agreements_round_trip_and_history_only_grows() {
    let (_d, s) = store();
    let s = std::cell::RefCell::new(s);
    runner()
        .run(&(agreement(), agreement()), |(a, later)| {
            let mut s = s.borrow_mut();
            let seq = s.add_agreement(&a).unwrap();
            prop_assert_eq!(&s.agreement(seq).unwrap().item, &a);
            let mut changed = later.clone();
            changed.id = a.id;
            changed.created = a.created.clone();
            changed.history = a.history.iter().chain(later.history.iter()).cloned().collect();
            s.update_agreement(seq, &changed).unwrap();
            prop_assert_eq!(&s.agreement(seq).unwrap().item, &changed);
            let shorter = Agreement { history: Vec::new(), ..changed.clone() };
            prop_assert!(s.update_agreement(seq, &shorter).is_err());
            prop_assert_eq!(&s.agreement(seq).unwrap().item, &changed);
            Ok(())
        })
        .unwrap();
    let s = s.into_inner();
    assert!(matches!(s.agreement(9999), Err(StoreError::NotFound { what: "agreement", .. })));
}

#[test]
fn needs_pauses_activities_supporters_round_trip() {
    let (_d, s) = store();
    let s = std::cell::RefCell::new(s);
    let need = (rid(), "[a-z]{1,12}", text(), text(), any::<bool>(), moment()).prop_map(
        |(id, slug, name, looks_like, known, created)| Need {
            id,
            slug: Slug::from_name(&slug).unwrap(),
            name,
            looks_like,
            known,
            created,
        },
    );
    let pause = (rid(), moment(), 1u32..100_000, 0u32..100_000, any::<bool>(), proptest::option::of(any::<bool>()))
        .prop_map(|(id, started, planned_secs, actual_secs, ended_early, reconvened)| Pause {
            id,
            started,
            planned_secs,
            actual_secs,
            ended_early,
            reconvened,
        });
    let activity = (
        rid(),
        moment(),
        "\\PC{1,30}",
        proptest::sample::select(Category::ALL.to_vec()),
        proptest::option::of(1u32..=1440),
        proptest::option::of(0u8..=10),
        text(),
    )
        .prop_map(|(id, at, what, category, minutes, felt, note)| Activity {
            id,
            at,
            what,
            category,
            minutes,
            felt,
            note,
        });
    let supporter = (rid(), "\\PC{1,30}", text(), proptest::option::of(date()), any::<bool>(), text()).prop_map(
        |(id, name, relation, last_contact, can_call, note)| Supporter {
            id,
            name,
            relation,
            last_contact,
            can_call,
            note,
        },
    );
    runner()
        .run(&(need, pause, activity, supporter), |(need, pause, activity, supporter)| {
            let mut s = s.borrow_mut();
            s.remove_need(&need.slug).unwrap();
            let (stored, new) = s.save_need(&need).unwrap();
            prop_assert!(new);
            prop_assert_eq!(&stored, &need);
            prop_assert!(s.needs().unwrap().contains(&need));

            let seq = s.insert_pause(&pause).unwrap();
            let back = s.pauses(None).unwrap().into_iter().find(|p| p.seq == seq).unwrap();
            prop_assert_eq!(&back.item, &pause);

            let seq = s.insert_activity(&activity).unwrap();
            let back = s.activities(None, None).unwrap().into_iter().find(|a| a.seq == seq).unwrap();
            prop_assert_eq!(&back.item, &activity);

            let seq = s.add_supporter(&supporter).unwrap();
            let back = s.supporters().unwrap().into_iter().find(|x| x.seq == seq).unwrap();
            prop_assert_eq!(&back.item, &supporter);
            Ok(())
        })
        .unwrap();
}

#[test]
fn affirmations_round_trip_with_suggestions() {
    let (_d, s) = store();
    let s = std::cell::RefCell::new(s);
    let mut n = 0u128;
    let mut next = || {
        n += 1;
        RecordId::from_uuid(uuid::Uuid::from_u128(n))
    };
    let suggestions =
        vec![Suggestion { id: "a".into(), text: "First".into() }, Suggestion { id: "b".into(), text: "Second".into() }];
    assert_eq!(s.borrow_mut().sync_affirmation_suggestions(&suggestions, &mut next).unwrap(), 2);
    assert_eq!(s.borrow_mut().sync_affirmation_suggestions(&suggestions, &mut next).unwrap(), 0);
    runner()
        .run(&("\\PC{1,40}", any::<bool>()), |(text, starred)| {
            let mut s = s.borrow_mut();
            let a = Affirmation {
                id: RecordId::from_uuid(uuid::Uuid::now_v7()),
                text,
                suggestion: None,
                own: true,
                starred,
                shown: 0,
            };
            let seq = s.add_affirmation(&a).unwrap();
            let back = s.affirmations(&suggestions).unwrap().into_iter().find(|x| x.seq == seq).unwrap();
            prop_assert_eq!(&back.item.text, &a.text);
            prop_assert_eq!(back.item.starred, a.starred);
            prop_assert!(back.item.own);
            Ok(())
        })
        .unwrap();
    let mut s = s.into_inner();
    let first = s.affirmations(&suggestions).unwrap().remove(0);
    assert_eq!((first.item.text.as_str(), first.item.own), ("First", false));
    s.update_affirmation(first.seq, Some("My first"), Some(true), true).unwrap();
    let edited = s.affirmations(&suggestions).unwrap().remove(0);
    assert_eq!(
        (edited.item.text.as_str(), edited.item.own, edited.item.starred, edited.item.shown),
        ("My first", true, true, 1)
    );
    // A suggestion that content no longer has is left out; a removed one never comes back.
    assert_eq!(s.affirmations(&suggestions[..1]).unwrap().iter().filter(|a| a.item.suggestion.is_some()).count(), 1);
    let second =
        s.affirmations(&suggestions).unwrap().into_iter().find(|a| a.item.suggestion.as_deref() == Some("b")).unwrap();
    s.remove_affirmation(second.seq).unwrap();
    assert_eq!(s.sync_affirmation_suggestions(&suggestions, &mut next).unwrap(), 0);
    assert!(s.remove_affirmation(second.seq).is_err());
}

fn trigger(slug: &str) -> Label {
    Label {
        kind: LabelKind::Trigger,
        slug: Slug::from_name(slug).unwrap(),
        name: slug.into(),
        retired: false,
        merged_into: None,
    }
}

#[test]
fn trigger_plans_round_trip_and_follow_renames_and_merges() {
    let (_d, s) = store();
    let s = std::cell::RefCell::new(s);
    let status = prop_oneof![
        Just(PlanStatus::Proposed),
        date().prop_map(|on| PlanStatus::Agreed { on }),
        date().prop_map(|on| PlanStatus::Revisit { on }),
    ];
    runner()
        .run(&(rid(), text(), text(), status, moment()), |(id, for_myself, ask_partner, status, updated)| {
            let mut s = s.borrow_mut();
            let plan = TriggerPlan { id, trigger: trigger("late-reply"), for_myself, ask_partner, status, updated };
            s.remove_trigger_plan(&plan.trigger.slug).unwrap();
            let stored = s.save_trigger_plan(&plan).unwrap();
            prop_assert_eq!(&stored.trigger.name, "Late or no reply");
            let want = TriggerPlan { trigger: stored.trigger.clone(), ..plan.clone() };
            prop_assert_eq!(&stored, &want);
            prop_assert_eq!(s.trigger_plan(&plan.trigger.slug).unwrap(), Some(want));
            Ok(())
        })
        .unwrap();
    let mut s = s.into_inner();
    let before = s.trigger_plan(&Slug::from_name("late-reply").unwrap()).unwrap().unwrap();
    s.rename_label(LabelKind::Trigger, &Slug::from_name("late-reply").unwrap(), "Left on read").unwrap();
    let after = s.trigger_plans().unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].trigger.slug.as_str(), "left-on-read");
    assert_eq!(after[0].id, before.id);
    // A plan saved under a merged name lands on the label it was merged into.
    s.merge_label(
        LabelKind::Trigger,
        &Slug::from_name("cancelled-plan").unwrap(),
        &Slug::from_name("left-on-read").unwrap(),
    )
    .unwrap();
    let via_old = TriggerPlan { trigger: trigger("cancelled-plan"), ..before.clone() };
    let stored = s.save_trigger_plan(&via_old).unwrap();
    assert_eq!(stored.trigger.slug.as_str(), "left-on-read");
    assert_eq!(s.trigger_plans().unwrap().len(), 1);
    assert!(s.trigger_plan(&Slug::from_name("no-such-trigger").unwrap()).is_err());
}

/// Invariant 5: a journal made by the version before this migration
/// (written with plain SQL, as that release wrote it) opens with its data
/// intact, and the new tables work.
#[test]
fn a_journal_from_before_the_plan_upgrades_with_its_data() {
    let has_agreements = |conn: &Connection| -> bool {
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'agreements'", [], |r| r.get::<_, i64>(0))
            .unwrap()
            == 1
    };
    let mine = (1..=crate::migrations::latest())
        .find(|&v| {
            let mut conn = Connection::open_in_memory().unwrap();
            crate::migrations::migrate_to(&mut conn, v).unwrap();
            has_agreements(&conn)
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    keyfile::write(dir.path(), &KeyFile::Plain).unwrap();
    {
        let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        crate::migrations::migrate_to(&mut conn, mine - 1).unwrap();
        assert!(!has_agreements(&conn));
        conn.execute_batch(
            r#"
            INSERT INTO labels (id, kind, slug, name) VALUES (1, 'trigger', 'late-reply', 'Late or no reply');
            INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset, situation, intensity)
            VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 3600, 1700000100000, 3600, 'No answer all evening', 7);
            INSERT INTO entry_labels (entry_seq, label_id, position) VALUES (1, 1, 0);
            INSERT INTO settings (key, value) VALUES ('country', 'de');
            "#,
        )
        .unwrap();
    }
    let mut store = Store::open_plain(dir.path()).unwrap();
    let e = store.entry(1).unwrap().item;
    assert_eq!(e.situation, "No answer all evening");
    assert_eq!(e.triggers[0].as_str(), "late-reply");
    assert_eq!(store.setting("country").unwrap().as_deref(), Some("de"));
    let plan = TriggerPlan {
        id: RecordId::from_uuid(uuid::Uuid::from_u128(7)),
        trigger: trigger("late-reply"),
        for_myself: "wait an hour before asking".into(),
        ask_partner: String::new(),
        status: PlanStatus::Proposed,
        updated: Moment::with_offset(Timestamp::from_second(1_700_000_000).unwrap(), 3600),
    };
    assert_eq!(store.save_trigger_plan(&plan).unwrap().trigger.name, "Late or no reply");
    assert!(store.agreements(true).unwrap().is_empty());
}
