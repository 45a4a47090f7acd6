//! Delete for good, purge, the undo window and erase (issue 20): what is
//! removed must be gone from undo, search, the decrypted pages, the search
//! index's segments and the write-ahead log.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use attune_core::{Checkin, Entry, Moment, RecordId};
use attune_store::{
    DataKey, EntryFilter, KdfParams, Passphrase, Protection, Store, StoreError, UNDO_WINDOW_DAYS, drafts,
};
use jiff::{SignedDuration, Timestamp};
use tempfile::TempDir;
use uuid::Uuid;

const FAST: KdfParams = KdfParams::MINIMUM;
const MARKER: &str = "zebraquokkamarker";
const OTHER: &str = "walrusnarwhalword";

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_string())
}

fn journal(encrypted: bool) -> (TempDir, PathBuf, Store, Option<DataKey>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    let protection = if encrypted { Protection::Passphrase(pass("correct horse"), FAST) } else { Protection::None };
    let (store, key) = Store::create(&dir, protection).unwrap();
    (tmp, dir, store, key)
}

fn moment(secs: i64) -> Moment {
    Moment::with_offset(Timestamp::from_second(secs).unwrap(), 0)
}

fn entry(n: u128, situation: &str) -> Entry {
    Entry {
        id: RecordId::from_uuid(Uuid::from_u128(n)),
        occurred: moment(1_700_000_000 + n as i64),
        recorded: moment(1_700_000_060 + n as i64),
        situation: situation.into(),
        triggers: vec![],
        thoughts: String::new(),
        fear: String::new(),
        feelings: vec![],
        intensity: None,
        signs: vec![],
        sources: vec![],
        helped: String::new(),
        tags: vec![],
        starred: false,
    }
}

fn checkin(n: u128, note: &str) -> Checkin {
    Checkin {
        id: RecordId::from_uuid(Uuid::from_u128(n)),
        at: moment(1_700_000_000 + n as i64),
        security: 6,
        seen: None,
        trusted: None,
        respected: None,
        consequences: Default::default(),
        note: note.into(),
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The raw bytes of a file, empty when it does not exist.
fn bytes(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_default()
}

fn wal(dir: &Path) -> PathBuf {
    dir.join("attune.db-wal")
}

/// Whether a plain SQLite file's search index still knows `word`: FTS5
/// stores terms prefix-compressed, so a byte scan alone could miss one.
fn index_knows(db: &Path, word: &str) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE temp.ev USING fts5vocab(main, entries_fts, 'row');
         CREATE VIRTUAL TABLE temp.cv USING fts5vocab(main, checkins_fts, 'row');",
    )
    .unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM ev WHERE term = ?1) + (SELECT count(*) FROM cv WHERE term = ?1)",
            [word],
            |r| r.get(0),
        )
        .unwrap();
    n > 0
}

/// Decrypts a copy of an encrypted journal into a plain file (every table,
/// the search index's shadow tables too) and returns its path.
fn decrypted_copy(dir: &Path, key: &DataKey, into: &Path) -> PathBuf {
    let plain = into.join("decrypted.db");
    let conn = rusqlite::Connection::open(dir.join("attune.db")).unwrap();
    let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;")).unwrap();
    conn.execute_batch(&format!(
        "ATTACH DATABASE '{}' AS plaintext KEY ''; SELECT sqlcipher_export('plaintext'); DETACH DATABASE plaintext;",
        plain.display()
    ))
    .unwrap();
    plain
}

#[test]
fn an_entry_deleted_for_good_is_gone_from_undo_search_pages_index_and_log() {
    let (_tmp, dir, mut store, _) = journal(false);
    let db = dir.join("attune.db");
    let keep = store.insert_entry(&entry(1, &format!("a quiet evening {OTHER}"))).unwrap();
    let mut marked = entry(2, &format!("he read my phone {MARKER}"));
    marked.tags = vec![format!("{MARKER}tag")];
    let seq = store.insert_entry(&marked).unwrap();
    // An edit keeps the earlier version (with the marker) for undo.
    let edited = Entry { thoughts: format!("still {MARKER}"), ..marked.clone() };
    store.update_entry(&edited).unwrap();
    let mut found = bytes(&db);
    found.extend(bytes(&wal(&dir)));
    assert!(contains(&found, MARKER), "the scan finds the marker before the delete");
    assert!(index_knows(&db, MARKER));

    let purged = store.delete_entry_for_good(seq).unwrap();
    assert_eq!(purged.entries, 1);
    assert_eq!(purged.undo_records, 2, "the create and the edit (its earlier version)");
    assert!(purged.log_emptied);

    assert_eq!(store.search(MARKER, 10).unwrap().1, 0);
    assert!(matches!(store.entry(seq), Err(StoreError::NotFound { .. })));
    // Undo reaches only what is left: the first entry's creation.
    assert_eq!(store.undo().unwrap(), Some(attune_store::Undone::EntryCreated(keep)));
    assert_eq!(store.undo().unwrap(), None);
    drop(store);
    assert!(!contains(&bytes(&db), MARKER), "no copy in the file, its free pages or the index segments");
    assert!(!contains(&bytes(&wal(&dir)), MARKER), "nor in the write-ahead log");
    assert!(!index_knows(&db, MARKER), "the merged search index dropped the words");
    assert!(contains(&bytes(&db), OTHER) || contains(&bytes(&wal(&dir)), OTHER), "the rest is kept");
}

#[test]
fn an_encrypted_entry_deleted_for_good_is_not_in_the_decrypted_pages() {
    let (tmp, dir, mut store, key) = journal(true);
    let key = key.unwrap();
    store.insert_entry(&entry(1, "kept")).unwrap();
    let seq = store.insert_entry(&entry(2, &format!("the words {MARKER} here"))).unwrap();
    store.delete_entry(seq).unwrap();
    let before = decrypted_copy(&dir, &key, tmp.path());
    assert!(contains(&bytes(&before), MARKER), "an ordinary delete keeps it for undo");
    fs::remove_file(&before).unwrap();

    store.delete_entry_for_good(seq).unwrap();
    assert_eq!(fs::metadata(wal(&dir)).map(|m| m.len()).unwrap_or(0), 0, "the log is emptied");
    let after = decrypted_copy(&dir, &key, tmp.path());
    assert!(!contains(&bytes(&after), MARKER));
    assert!(!index_knows(&after, MARKER));
    assert_eq!(store.count_entries(&EntryFilter::default()).unwrap(), 1);
}

#[test]
fn a_checkin_deleted_for_good_is_gone_and_a_missing_one_is_refused() {
    let (_tmp, dir, mut store, _) = journal(false);
    let seq = store.insert_checkin(&checkin(1, &format!("note {MARKER}"))).unwrap();
    store.delete_checkin_for_good(seq).unwrap();
    assert_eq!(store.undo().unwrap(), None);
    assert!(matches!(store.delete_checkin_for_good(seq), Err(StoreError::NotFound { .. })));
    assert!(matches!(store.delete_entry_for_good(99), Err(StoreError::NotFound { .. })));
    drop(store);
    let db = dir.join("attune.db");
    assert!(!contains(&bytes(&db), MARKER) && !contains(&bytes(&wal(&dir)), MARKER));
    assert!(!index_knows(&db, MARKER));
}

#[test]
fn purge_removes_everything_deleted_and_earlier_versions_and_keeps_the_rest() {
    let (_tmp, dir, mut store, _) = journal(false);
    let live = store.insert_entry(&entry(1, &format!("first draft {MARKER}one"))).unwrap();
    store.update_entry(&entry(1, "kept, rewritten")).unwrap();
    let gone = store.insert_entry(&entry(2, &format!("{MARKER}two"))).unwrap();
    store.delete_entry(gone).unwrap();
    let c = store.insert_checkin(&checkin(3, &format!("{MARKER}three"))).unwrap();
    store.delete_checkin(c).unwrap();
    let waiting = store.deleted().unwrap();
    assert_eq!((waiting.entries, waiting.checkins, waiting.versions), (1, 1, 1));

    let purged = store.purge().unwrap();
    assert_eq!((purged.entries, purged.checkins), (1, 1));
    assert!(store.deleted().unwrap().is_empty());
    assert_eq!(store.entry(live).unwrap().item.situation, "kept, rewritten");
    // Nothing undo could bring back holds the marker.
    while store.undo().unwrap().is_some() {}
    assert!(store.entries(&EntryFilter::default()).unwrap().is_empty());
    drop(store);
    let db = dir.join("attune.db");
    for m in ["one", "two", "three"] {
        let word = format!("{MARKER}{m}");
        assert!(!contains(&bytes(&db), &word) && !contains(&bytes(&wal(&dir)), &word), "{word}");
        assert!(!index_knows(&db, &word), "{word}");
    }
    // Undoing its creation deleted the live entry: the next purge takes
    // that one, and then there is nothing left.
    let mut store = Store::open_plain(&dir).unwrap();
    assert_eq!(store.purge().unwrap().entries, 1);
    assert!(store.purge().unwrap().is_empty());
}

#[test]
fn past_the_undo_window_deleted_records_and_earlier_versions_go_for_good() {
    let (_tmp, _dir, mut store, _) = journal(false);
    let live = store.insert_entry(&entry(1, "before the edit")).unwrap();
    store.update_entry(&entry(1, "after the edit")).unwrap();
    let gone = store.insert_entry(&entry(2, MARKER)).unwrap();
    store.delete_entry(gone).unwrap();

    let now = Timestamp::now();
    let inside = now + SignedDuration::from_hours(24 * (UNDO_WINDOW_DAYS - 1));
    assert!(store.purge_expired_at(inside).unwrap().is_empty(), "within the window nothing goes");
    assert_eq!(store.deleted().unwrap().entries, 1);

    let past = now + SignedDuration::from_hours(24 * (UNDO_WINDOW_DAYS + 1));
    let purged = store.purge_expired_at(past).unwrap();
    assert_eq!(purged.entries, 1);
    assert_eq!(store.undo().unwrap(), None, "no undo record is older than the window");
    assert_eq!(store.entry(live).unwrap().item.situation, "after the edit");
    assert!(store.deleted().unwrap().is_empty());
}

#[test]
fn opening_a_journal_removes_what_was_deleted_before_the_window() {
    let (_tmp, dir, mut store, _) = journal(false);
    let old = store.insert_entry(&entry(1, &format!("long ago {MARKER}"))).unwrap();
    store.delete_entry(old).unwrap();
    let recent = store.insert_entry(&entry(2, "yesterday")).unwrap();
    store.delete_entry(recent).unwrap();
    drop(store);
    // As if the first delete had been 40 days ago.
    let raw = rusqlite::Connection::open(dir.join("attune.db")).unwrap();
    let days_ms = (UNDO_WINDOW_DAYS + 10) * 86_400_000;
    raw.execute("UPDATE entries SET deleted_at = deleted_at - ?1 WHERE seq = ?2", [days_ms, old]).unwrap();
    raw.execute("UPDATE undo_log SET at_ms = at_ms - ?1 WHERE record_seq = ?2", [days_ms, old]).unwrap();
    drop(raw);

    let mut store = Store::open_plain(&dir).unwrap();
    assert_eq!(store.deleted().unwrap().entries, 1, "only the recent delete is left");
    assert_eq!(store.undo().unwrap(), Some(attune_store::Undone::EntryDeleted(recent)));
    drop(store);
    assert!(!contains(&bytes(&dir.join("attune.db")), MARKER));
}

#[test]
fn erase_leaves_nothing_that_opens_with_the_old_passphrase() {
    let (tmp, dir, mut store, key) = journal(true);
    let key = key.unwrap();
    store.insert_entry(&entry(1, MARKER)).unwrap();
    drafts::save(
        &dir.join(attune_store::DRAFTS_DIR),
        Some(&key),
        &attune_core::EntryDraft::default(),
        None,
        Timestamp::now(),
    )
    .unwrap();
    drop(store);
    // After a passphrase change the database has another name, and the
    // kept text waiting sealed and a lock request are the journal's too.
    let key = Store::change_passphrase(&dir, &pass("correct horse"), &pass("correct horse"), FAST).unwrap();
    assert!(!dir.join("attune.db").exists(), "the journal moved to a new file");
    let to = attune_store::sealed::after_unlock(&dir, &key).unwrap().recipient;
    attune_store::sealed::seal(&dir, &to, &attune_core::EntryDraft::default(), None, Timestamp::now()).unwrap();
    attune_store::keycache::request_lock(&dir).unwrap();
    assert!(dir.join("lock-request").exists());
    // A journal a restore moved aside is erased too.
    let aside = tmp.path().join("journal.before-restore-20260101-000000");
    fs::create_dir(&aside).unwrap();
    for name in ["attune-2.db", "key.json"] {
        fs::copy(dir.join(name), aside.join(name)).unwrap();
    }
    let erased = Store::erase(&dir).unwrap();
    assert!(erased.folder_removed);
    assert!(!dir.exists() && !aside.exists());
    assert_eq!(erased.key_files.len(), 2);
    assert!(erased.left.is_empty());
    assert!(Store::unlock(&dir, &pass("correct horse")).is_err());
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing is left beside it");
}

#[test]
fn erase_leaves_other_files_alone_and_refuses_while_the_journal_is_open() {
    let (_tmp, dir, store, _) = journal(true);
    fs::write(dir.join("my-notes.txt"), "mine").unwrap();
    fs::write(dir.join("attune-export.json"), "mine too").unwrap();
    assert!(matches!(Store::erase(&dir), Err(StoreError::InUse(_))));
    assert!(dir.join("key.json").exists(), "a refused erase changes nothing");
    drop(store);
    let erased = Store::erase(&dir).unwrap();
    assert!(!erased.folder_removed);
    assert_eq!(erased.left, vec![dir.join("attune-export.json"), dir.join("my-notes.txt")]);
    assert!(!dir.join("key.json").exists() && !dir.join("attune.db").exists());
    assert!(matches!(Store::erase(&dir), Err(StoreError::Missing(_))));
}

/// The costs quoted in BENCHMARKS.md and the threat model; run with
/// `TZ=UTC cargo test -p attune-store --test purge -- --ignored --nocapture measure`.
#[test]
#[ignore = "a measurement, not a check"]
fn measure_purge_costs() {
    use std::time::Instant;
    let n: u128 = std::env::var("ATTUNE_MEASURE_ENTRIES").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let (_tmp, dir, mut store, key) = journal(true);
    let words = "he did not answer for hours and I kept checking my phone, sure that something was wrong";
    let batch: Vec<Entry> = (1..=n).map(|i| entry(i, &format!("{words} {i}"))).collect();
    let t = Instant::now();
    store.bulk_insert_entries(&batch).unwrap();
    println!("bulk_insert_entries of {n} (one transaction): {:?}", t.elapsed());
    drop(store);
    let t = Instant::now();
    let mut store = Store::open(&dir, key.as_ref()).unwrap();
    println!("open with the window check, {n} entries: {:?}", t.elapsed());
    let rounds = 1000;
    let t = Instant::now();
    for _ in 0..rounds {
        assert!(store.purge_expired().unwrap().is_empty());
    }
    println!("purge_expired with nothing to remove: {:?} per call", t.elapsed() / rounds);
    let t = Instant::now();
    store.delete_entry_for_good(1).unwrap();
    println!("delete_entry_for_good in {n} entries: {:?}", t.elapsed());
    for seq in 2..=101 {
        store.delete_entry(seq).unwrap();
    }
    let t = Instant::now();
    let purged = store.purge().unwrap();
    println!("purge of {} deleted entries in {n}: {:?}", purged.entries, t.elapsed());
    let t = Instant::now();
    Store::erase(&dir).unwrap_err();
    drop(store);
    let erased = Store::erase(&dir).unwrap();
    println!("erase ({} files): {:?}", erased.removed.len(), t.elapsed());
}

#[test]
fn erase_removes_a_plain_journal_too() {
    let (_tmp, dir, mut store, _) = journal(false);
    store.insert_entry(&entry(1, MARKER)).unwrap();
    drop(store);
    let erased = Store::erase(&dir).unwrap();
    assert!(erased.folder_removed && !dir.exists());
    assert_eq!(erased.key_files, vec![dir.join("key.json")]);
}
