//! Round trips through the export formats, on generated journals:
//! attune JSON export → import into an empty store gives the same records,
//! and a jrnl export → import keeps every entry's words, time, star and labels.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use attune_core::{
    Checkin, Consequence, ContentHash, Entry, Intensity, LabelKind, Moment, RecordId, Sign, Slug, Source,
};
use attune_formats::{Imported, attune_json, jrnl};
use attune_store::{EntryFilter, ImportBatch, Protection, Store};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proptest::prelude::*;

const TRIGGERS: &[&str] = &["late-reply", "conflict", "social-media", "cancelled-plan"];
const FEELINGS: &[&str] = &["anxious", "sad", "lonely"];

fn moment() -> impl Strategy<Value = Moment> {
    (1_500_000_000_000i64..1_800_000_000_000, prop::sample::select(vec![0, 3600, -18000, 19800]), any::<bool>())
        .prop_map(|(ms, offset, zoned)| Moment {
            at: Timestamp::from_millisecond(ms).unwrap(),
            offset_seconds: offset,
            zone: (zoned && offset == 3600).then(|| "Europe/Berlin".to_string()),
        })
}

/// Text as people write it: words, punctuation, line breaks, accents, emoji.
fn text(min: usize) -> impl Strategy<Value = String> {
    prop::string::string_regex(&format!("[A-Za-zé ü.,!?'’😊-]{{{min},40}}(\n[A-Za-z ,.]{{0,30}}){{0,2}}"))
        .unwrap()
        .prop_map(|s| s.trim().to_string())
        .prop_filter("needs words", move |s| s.chars().filter(|c| c.is_alphabetic()).count() >= min)
}

fn slugs(from: &'static [&'static str]) -> impl Strategy<Value = Vec<Slug>> {
    prop::sample::subsequence(from.to_vec(), 0..=from.len())
        .prop_map(|v| v.into_iter().map(|s| Slug::from_name(s).unwrap()).collect())
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        (moment(), text(1), slugs(TRIGGERS), slugs(FEELINGS), prop::option::of(0u8..=10)),
        (text(0), text(0), text(0), prop::sample::subsequence(vec!["work", "weekend", "family"], 0..=3), any::<bool>()),
        (prop::sample::subsequence(Sign::ALL.to_vec(), 0..=2), prop::sample::subsequence(Source::ALL.to_vec(), 0..=2)),
    )
        .prop_map(
            |(
                (occurred, situation, triggers, feelings, intensity),
                (thoughts, fear, helped, tags, starred),
                (signs, sources),
            )| Entry {
                id: RecordId::from_uuid(uuid::Uuid::now_v7()),
                recorded: occurred.clone(),
                occurred,
                situation,
                triggers,
                thoughts,
                fear,
                feelings,
                intensity: intensity.and_then(|i| Intensity::new(i64::from(i))),
                signs,
                sources,
                helped,
                tags: tags.into_iter().map(String::from).collect(),
                starred,
            },
        )
}

fn checkin() -> impl Strategy<Value = Checkin> {
    (moment(), 0u8..=10, prop::option::of(0u8..=10), prop::option::of(0u8..=10), 0u8..=3, text(0)).prop_map(
        |(at, security, seen, trusted, jealousy, note)| Checkin {
            id: RecordId::from_uuid(uuid::Uuid::now_v7()),
            at,
            security,
            seen,
            trusted,
            respected: None,
            consequences: BTreeMap::from([(Consequence::ALL[0], jealousy)]),
            note,
        },
    )
}

fn empty_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal");
    let (store, _) = Store::create(&path, Protection::None).unwrap();
    (dir, store)
}

fn by_time<T, K: Ord>(mut v: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    v.sort_by_key(key);
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn attune_json_export_then_import_reproduces_entries_and_checkins(
        entries in prop::collection::vec(entry(), 0..12),
        checkins in prop::collection::vec(checkin(), 0..8),
    ) {
        let (_dir, mut store) = empty_store();
        let doc = attune_json::Document {
            format: attune_json::FORMAT.into(),
            version: attune_json::VERSION,
            exported_at: "2026-11-26T21:00:00+01:00".into(),
            triggers: store.labels(LabelKind::Trigger).unwrap(),
            feelings: store.labels(LabelKind::Feeling).unwrap(),
            entries: entries.clone(),
            checkins: checkins.clone(),
            assessments: vec![],
            needs: vec![],
            trigger_plans: vec![],
            agreements: vec![],
            pauses: vec![],
            activities: vec![],
            supporters: vec![],
            affirmations: vec![],
        };
        let parsed = attune_json::parse(attune_json::write(&doc).as_bytes()).unwrap();
        prop_assert_eq!(&parsed, &doc);
        let batch = ImportBatch {
            labels: parsed.triggers.into_iter().chain(parsed.feelings).collect(),
            entries: parsed.entries.into_iter().map(|e| (ContentHash::of(&format!("attune:{}", e.id)), e)).collect(),
            checkins: parsed.checkins.into_iter().map(|c| (ContentHash::of(&format!("attune:{}", c.id)), c)).collect(),
            ..Default::default()
        };
        let n = store.import(&batch, false, &mut |_| {}).unwrap();
        prop_assert_eq!((n.entries, n.checkins, n.already_there), (entries.len(), checkins.len(), 0));

        let back: Vec<Entry> = store.entries(&EntryFilter::default()).unwrap().into_iter().map(|r| r.item).collect();
        let key = |e: &Entry| e.id.to_string();
        prop_assert_eq!(by_time(back, key), by_time(entries, key));
        let back: Vec<Checkin> = store
            .checkins(&attune_store::CheckinFilter::default())
            .unwrap()
            .into_iter()
            .map(|r| r.item)
            .collect();
        let key = |c: &Checkin| c.id.to_string();
        prop_assert_eq!(by_time(back, key), by_time(checkins, key));

        // Once more: nothing new.
        let again = store.import(&batch, false, &mut |_| {}).unwrap();
        prop_assert_eq!(again.entries + again.checkins, 0);
    }

    #[test]
    fn jrnl_export_then_import_keeps_words_times_stars_and_labels(entries in prop::collection::vec(entry(), 1..12)) {
        // jrnl keeps wall-clock minutes: compare in one zone, to the minute.
        let tz = TimeZone::fixed(jiff::tz::offset(1));
        let entries: Vec<Entry> = entries
            .into_iter()
            .map(|mut e| {
                let ms = e.occurred.unix_ms() - e.occurred.unix_ms().rem_euclid(60_000);
                e.occurred = Moment::with_offset(Timestamp::from_millisecond(ms).unwrap(), 3600);
                e
            })
            .collect();
        let file = jrnl::write(&entries);
        let batch = jrnl::parse(file.as_bytes(), &jrnl::Config::default(), &tz).unwrap();
        prop_assert_eq!(batch.records.len(), entries.len());
        let mut sorted = entries.clone();
        sorted.sort_by_key(|e| e.occurred.unix_ms());
        for (record, original) in batch.records.iter().zip(&sorted) {
            let Imported::Entry(e) = record else { panic!("only entries") };
            prop_assert_eq!(e.occurred.unix_ms(), original.occurred.unix_ms());
            prop_assert_eq!(e.starred, original.starred);
            // Line ends are trimmed on the way (jrnl's titles are trimmed too).
            let norm = |t: &str| t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
            prop_assert!(norm(&e.situation).starts_with(&norm(&original.situation)), "{:?} vs {:?}", e.situation, original.situation);
            let mut labels: Vec<String> = original.triggers.iter().chain(&original.feelings).map(|s| s.to_string()).collect();
            labels.extend(original.tags.iter().cloned());
            for l in labels {
                prop_assert!(e.tags.contains(&l), "{} missing from {:?}", l, e.tags);
            }
        }
    }
}
