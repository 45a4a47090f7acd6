//! The store as its callers see it: one integration binary.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use attune_core::{
    Checkin, Consequence, ContentHash, Entry, Intensity, LabelKind, Moment, RecordId, Sign, Slug, Source,
};
use attune_store::{
    CheckinFilter, DataKey, EntryFilter, KdfParams, Passphrase, Protection, RecordRef, SearchHit, Store, StoreError,
    Undone, drafts, keycache,
};
use jiff::Timestamp;
use proptest::prelude::*;
use tempfile::TempDir;
use uuid::Uuid;

/// Cheap key derivation so tests stay fast; see `default_kdf_meets_the_floor`.
const FAST: KdfParams = KdfParams::MINIMUM;

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_string())
}

struct Fixture {
    _tmp: TempDir,
    dir: PathBuf,
    store: Store,
    key: Option<DataKey>,
}

fn fixture(encrypted: bool) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    let protection = if encrypted { Protection::Passphrase(pass("correct horse"), FAST) } else { Protection::None };
    let (store, key) = Store::create(&dir, protection).unwrap();
    assert_eq!(key.is_some(), encrypted);
    Fixture { _tmp: tmp, dir, store, key }
}

fn moment(secs: i64) -> Moment {
    Moment::with_offset(Timestamp::from_second(secs).unwrap(), 3600)
}

fn slug(s: &str) -> Slug {
    Slug::from_name(s).unwrap()
}

fn rid(n: u128) -> RecordId {
    RecordId::from_uuid(Uuid::from_u128(n))
}

fn entry(n: u128, secs: i64, situation: &str) -> Entry {
    Entry {
        id: rid(n),
        occurred: moment(secs),
        recorded: moment(secs + 60),
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

fn checkin(n: u128, secs: i64, note: &str) -> Checkin {
    Checkin {
        id: rid(n),
        at: moment(secs),
        security: 6,
        seen: Some(4),
        trusted: None,
        respected: Some(9),
        consequences: BTreeMap::from([(Consequence::Blame, 2), (Consequence::SpillOver, 0)]),
        note: note.into(),
    }
}

fn full_entry(n: u128, secs: i64) -> Entry {
    Entry {
        triggers: vec![slug("late-reply"), slug("conflict")],
        thoughts: "he is losing interest".into(),
        fear: "that he leaves".into(),
        feelings: vec![slug("anxious"), slug("sad")],
        intensity: Intensity::new(7),
        signs: vec![Sign::FearOfAbandonment, Sign::OverInterpreting],
        sources: vec![Source::PastWounds],
        helped: "a walk, then I asked him calmly".into(),
        tags: vec!["weekend".into(), "phone".into()],
        starred: true,
        occurred: Moment { zone: Some("Europe/Berlin".into()), ..moment(secs) },
        ..entry(n, secs, "No reply for 5 hours")
    }
}

fn entry_seqs(store: &Store, filter: &EntryFilter) -> Vec<i64> {
    store.entries(filter).unwrap().into_iter().map(|r| r.seq).collect()
}

fn search_count(store: &Store, words: &str) -> usize {
    store.search(words, 50).unwrap().1
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// ---- create, open, keys ------------------------------------------------------

#[test]
fn entries_and_checkins_survive_closing_and_reopening_with_the_key() {
    let mut f = fixture(true);
    let entries = [full_entry(1, 1_000), entry(2, 2_000, "second"), full_entry(3, 3_000)];
    let checkins = [checkin(10, 1_500, "felt ok"), checkin(11, 2_500, "")];
    let mut seqs = vec![];
    for e in &entries {
        seqs.push(f.store.insert_entry(e).unwrap());
    }
    let cseqs: Vec<i64> = checkins.iter().map(|c| f.store.insert_checkin(c).unwrap()).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert_eq!(cseqs, vec![1, 2]);
    drop(f.store);

    assert_eq!(Store::probe(&f.dir).unwrap(), Some(true));
    let key = Store::unlock(&f.dir, &pass("correct horse")).unwrap();
    assert_eq!(key.as_bytes(), f.key.as_ref().unwrap().as_bytes(), "the data key is stable");
    let store = Store::open(&f.dir, Some(&key)).unwrap();
    assert!(store.is_encrypted());
    assert!(store.integrity_ok().unwrap());
    for (seq, e) in seqs.iter().zip(&entries) {
        assert_eq!(&store.entry(*seq).unwrap().item, e);
    }
    for (seq, c) in cseqs.iter().zip(&checkins) {
        assert_eq!(&store.checkin(*seq).unwrap().item, c);
    }
    let listed: Vec<_> = store.entries(&EntryFilter::default()).unwrap().into_iter().map(|r| r.item).collect();
    assert_eq!(listed, vec![entries[2].clone(), entries[1].clone(), entries[0].clone()], "newest first");
    let listed = store.checkins(&CheckinFilter::default()).unwrap();
    assert_eq!(listed.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![2, 1]);
}

#[cfg(unix)]
#[test]
fn store_files_are_private() {
    let f = fixture(true);
    assert_eq!(mode(&f.dir), 0o700);
    for name in ["attune.db", "attune.db-wal", "key.json"] {
        assert_eq!(mode(&f.dir.join(name)), 0o600, "{name}");
    }
}

#[cfg(unix)]
/// SQLite is built without its per-process directory sync; the store syncs
/// the directory itself when it opens a journal whose WAL is missing or
/// empty. That covers every new WAL only if opening creates it, before
/// the first save: this holds that premise.
#[test]
fn opening_creates_the_wal_before_anything_is_saved() {
    for encrypted in [true, false] {
        let f = fixture(encrypted);
        drop(f.store);
        let wal = f.dir.join("attune.db-wal");
        std::fs::remove_file(&wal).ok();
        assert!(!wal.exists());
        let store = if encrypted { Store::open(&f.dir, f.key.as_ref()) } else { Store::open_plain(&f.dir) }.unwrap();
        assert!(wal.exists(), "open made the WAL (encrypted: {encrypted})");
        drop(store);
        assert!(wal.exists(), "closing keeps the WAL, so later opens need no directory sync");
    }
}

/// A WAL that only grew would make every later start (which reads it all)
/// and every save (which would copy it all back) slower.
#[test]
fn closing_empties_a_large_wal_and_keeps_everything() {
    let mut f = fixture(true);
    let many: Vec<Entry> = (0..3_000)
        .map(|i| entry(100 + i, 10_000 + i as i64, &format!("entry number {i} {}", "words ".repeat(80))))
        .collect();
    f.store.bulk_insert_entries(&many).unwrap();
    let wal = f.dir.join("attune.db-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 1 << 20, "the test writes more than a megabyte of WAL");
    drop(f.store);
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0, "closing emptied the WAL");
    let store = Store::open(&f.dir, f.key.as_ref()).unwrap();
    assert!(store.integrity_ok().unwrap());
    assert_eq!(store.entries(&EntryFilter { limit: Some(5_000), ..Default::default() }).unwrap().len(), 3_000);
    // A small WAL is left alone: emptying it on every close would cost fsyncs on every save.
    let mut store = store;
    store.insert_entry(&entry(9_999, 20_000, "one more")).unwrap();
    drop(store);
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "one save's WAL stays");
}

#[test]
fn create_tightens_a_folder_made_by_someone_else() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    Store::create(&dir, Protection::None).unwrap();
    assert_eq!(mode(&dir), 0o700);
}

#[test]
fn probe_tells_plain_encrypted_and_absent_apart() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(Store::probe(&tmp.path().join("nothing")).unwrap(), None);
    assert_eq!(Store::probe(tmp.path()).unwrap(), None);
    let plain = fixture(false);
    assert_eq!(Store::probe(&plain.dir).unwrap(), Some(false));
    let key_json = fs::read_to_string(plain.dir.join("key.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&key_json).unwrap();
    assert_eq!(v, serde_json::json!({"version": 1, "encryption": "none"}));
    assert!(!plain.store.is_encrypted());
}

#[test]
fn create_refuses_an_existing_store_and_open_a_missing_one() {
    let f = fixture(false);
    let err = Store::create(&f.dir, Protection::None).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists(_)), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(Store::open(&tmp.path().join("x"), None).unwrap_err(), StoreError::Missing(_)));
    assert!(matches!(Store::unlock(&tmp.path().join("x"), &pass("p")).unwrap_err(), StoreError::Missing(_)));
}

#[test]
fn an_interrupted_create_leaves_no_store_and_can_be_redone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    fs::create_dir(&dir).unwrap();
    // What a crash half way through `create` can leave behind.
    fs::write(dir.join("key.json"), b"{\"version\":1,\"encryption\":\"none\"}").unwrap();
    fs::write(dir.join("key.json.tmp"), b"{\"vers").unwrap();
    fs::write(dir.join("attune.db.new"), b"half a database").unwrap();
    fs::write(dir.join("attune.db.new-journal"), b"junk").unwrap();
    assert_eq!(Store::probe(&dir).unwrap(), None);
    assert!(matches!(Store::open(&dir, None).unwrap_err(), StoreError::Missing(_)));

    let (mut store, key) = Store::create(&dir, Protection::Passphrase(pass("pw"), FAST)).unwrap();
    store.insert_entry(&entry(1, 1, "fresh")).unwrap();
    drop(store);
    let mut left: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    // The WAL stays after close (no checkpoint on close), and the empty lock
    // file every open store holds; no leftover of the crash does.
    left.retain(|f| f != "attune.db-wal" && f != "attune.db-shm");
    assert_eq!(left, vec!["attune.db", "attune.lock", "key.json"]);
    assert_eq!(fs::metadata(dir.join("attune.lock")).unwrap().len(), 0);
    assert_eq!(Store::probe(&dir).unwrap(), Some(true));
    assert_eq!(Store::open(&dir, key.as_ref()).unwrap().entry(1).unwrap().item.situation, "fresh");
}

#[test]
fn an_encrypted_store_needs_the_right_key() {
    let f = fixture(true);
    drop(f.store);
    assert!(matches!(Store::open(&f.dir, None).unwrap_err(), StoreError::NeedsKey));
    let wrong = DataKey::from_bytes([7; 32]);
    assert!(matches!(Store::open(&f.dir, Some(&wrong)).unwrap_err(), StoreError::Corrupt(_)));
    Store::open(&f.dir, f.key.as_ref()).unwrap();
}

#[test]
fn weak_kdf_settings_are_refused_at_create() {
    let tmp = tempfile::tempdir().unwrap();
    let weak = KdfParams { m_cost_kib: 1024, t_cost: 1, p_cost: 1 };
    let err = Store::create(tmp.path(), Protection::Passphrase(pass("p"), weak)).unwrap_err();
    assert!(matches!(err, StoreError::KeyFile { .. }), "{err}");
    assert_eq!(Store::probe(tmp.path()).unwrap(), None);
}

#[test]
fn default_kdf_meets_the_floor() {
    // Checked when compiling: a weaker default does not build.
    const {
        assert!(KdfParams::DEFAULT.m_cost_kib >= 64 * 1024);
        assert!(KdfParams::DEFAULT.t_cost >= 3);
        assert!(KdfParams::DEFAULT.p_cost >= 1);
    };
    assert!(KdfParams::DEFAULT.check().is_ok());
}

#[test]
fn a_wrong_passphrase_changes_nothing() {
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 1, "kept")).unwrap();
    drop(f.store);
    let key_file = f.dir.join("key.json");
    let before = fs::read(&key_file).unwrap();
    for wrong in ["correct horse ", "Correct horse", "", "x"] {
        assert!(matches!(Store::unlock(&f.dir, &pass(wrong)).unwrap_err(), StoreError::WrongPassphrase));
    }
    let err = Store::change_passphrase(&f.dir, &pass("nope"), &pass("new"), FAST).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase));
    assert_eq!(fs::read(&key_file).unwrap(), before);
    let key = Store::unlock(&f.dir, &pass("correct horse")).unwrap();
    assert_eq!(Store::open(&f.dir, Some(&key)).unwrap().entry(1).unwrap().item.situation, "kept");
}

#[test]
fn changing_the_passphrase_makes_a_new_key_and_a_new_file() {
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 1, "still here")).unwrap();
    f.store.insert_checkin(&checkin(2, 2, "a quiet evening")).unwrap();
    drop(f.store);
    let old_key = f.key.clone().unwrap();
    let new_key = Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("battery staple"), FAST).unwrap();
    assert!(matches!(Store::unlock(&f.dir, &pass("correct horse")).unwrap_err(), StoreError::WrongPassphrase));
    let key = Store::unlock(&f.dir, &pass("battery staple")).unwrap();
    assert_eq!(key.as_bytes(), new_key.as_bytes());
    assert_ne!(key.as_bytes(), old_key.as_bytes(), "a passphrase change makes a new data key");
    // The old key opens nothing any more: not the journal, not its new file.
    assert!(matches!(Store::open(&f.dir, Some(&old_key)).unwrap_err(), StoreError::Corrupt(_)));
    let db = f.dir.join("attune-2.db");
    assert!(!pages_verify_with(&db, &old_key, "HMAC_SHA256") && !pages_verify_with(&db, &old_key, "HMAC_SHA512"));
    let store = Store::open(&f.dir, Some(&key)).unwrap();
    assert_eq!(store.entry(1).unwrap().item.situation, "still here");
    assert_eq!(store.checkins(&CheckinFilter::default()).unwrap().len(), 1);
    assert_eq!(search_count(&store, "still"), 1);
    assert!(store.integrity_ok().unwrap());
    drop(store);
    assert_eq!(files_in(&f.dir), ["attune-2.db", "attune.lock", "key.json"], "the old file is gone");
    let v = key_json(&f.dir.join("key.json"));
    assert_eq!((v["version"].as_u64(), v["db"].as_str()), (Some(3), Some("attune-2.db")), "{v}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&f.dir.join("key.json")), 0o600);
        assert_eq!(mode(&db), 0o600);
    }
    // And again: the next generation, the one before gone.
    let third = Store::change_passphrase(&f.dir, &pass("battery staple"), &pass("a third one"), FAST).unwrap();
    assert_eq!(files_in(&f.dir), ["attune-3.db", "attune.lock", "key.json"]);
    assert_eq!(Store::open(&f.dir, Some(&third)).unwrap().entry(1).unwrap().item.situation, "still here");
    assert!(!f.dir.join("key.json.tmp").exists());
}

/// The names in `dir`, sorted, without the WAL and shared-memory files
/// (which come and go with connections).
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    names.sort();
    names
}

/// Every page of the database at `db` as SQLCipher decrypts it, free pages
/// included (`sqlite3_serialize` reads each page through the pager).
fn decrypted_pages(db: &Path, key: &DataKey, mac: &str) -> Vec<u8> {
    let mut raw = rusqlite::Connection::open(db).unwrap();
    let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    raw.execute_batch(&format!("PRAGMA key = \"x'{hex}'\"; PRAGMA cipher_hmac_algorithm = {mac};")).unwrap();
    raw.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
}

#[test]
fn an_old_key_file_and_the_old_passphrase_do_not_open_the_journal_after_a_change() {
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 1, "after the change")).unwrap();
    drop(f.store);
    let old_key_file = fs::read(f.dir.join("key.json")).unwrap();
    Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("battery staple"), FAST).unwrap();
    // Someone kept the old key file and knows the old passphrase: put both
    // beside the journal's new file, as the old key file expects it.
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("journal");
    fs::create_dir(&copy).unwrap();
    fs::write(copy.join("key.json"), &old_key_file).unwrap();
    fs::copy(f.dir.join("attune-2.db"), copy.join("attune.db")).unwrap();
    let old_key = Store::unlock(&copy, &pass("correct horse")).unwrap();
    assert!(matches!(Store::open(&copy, Some(&old_key)).unwrap_err(), StoreError::Corrupt(_)));
}

#[test]
fn text_deleted_before_a_change_is_not_in_the_new_file_s_pages() {
    // Words the full-text index splits, so they never stand whole in it.
    const GONE: &str = "GONE-7f3a-marker";
    const KEPT: &str = "KEPT-91c2-marker";
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 1, GONE)).unwrap();
    f.store.insert_entry(&entry(2, 2, KEPT)).unwrap();
    drop(f.store);
    let key = f.key.clone().unwrap();
    // Deleted for good, as a purge does: the row and its undo record, with
    // secure_delete off, so the bytes stay in the file's free space.
    {
        let raw = rusqlite::Connection::open(f.dir.join("attune.db")).unwrap();
        let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        raw.execute_batch(&format!("PRAGMA key = \"x'{hex}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;")).unwrap();
        // SQLCipher zeroes deleted rows by default (secure_delete = 1); a
        // journal written without it (another SQLite build, or an older
        // attune's WAL) keeps them in free space, which is what this covers.
        let on: i64 = raw.query_row("PRAGMA secure_delete", [], |r| r.get(0)).unwrap();
        assert_eq!(on, 1, "SQLCipher's default changed: see docs/threat-model.md");
        raw.execute_batch("PRAGMA secure_delete = OFF;").unwrap();
        raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); DELETE FROM undo_log; DELETE FROM entries WHERE seq = 1;")
            .unwrap();
        raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = decrypted_pages(&f.dir.join("attune.db"), &key, "HMAC_SHA256");
    assert!(contains(&before, GONE), "the scan finds what the old file's free space holds");
    let new_key = Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("battery staple"), FAST).unwrap();
    let after = decrypted_pages(&f.dir.join("attune-2.db"), &new_key, "HMAC_SHA256");
    assert!(contains(&after, KEPT), "the scan reads the new file's text");
    assert!(!contains(&after, GONE), "deleted text was carried into the new file");
    assert!(!f.dir.join("attune.db").exists());
}

#[test]
fn drafts_are_sealed_again_under_the_new_key() {
    let f = fixture(true);
    drop(f.store);
    let old_key = f.key.clone().unwrap();
    let drafts_dir = f.dir.join("drafts");
    let typed = attune_core::EntryDraft { situation: "typed before the change".into(), ..Default::default() };
    drafts::save(&drafts_dir, Some(&old_key), &typed, None, Timestamp::UNIX_EPOCH).unwrap();
    let new_key = Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("battery staple"), FAST).unwrap();
    assert!(drafts::list(&drafts_dir, Some(&old_key)).unwrap().is_empty(), "the old key opens no draft");
    let listed = drafts::list(&drafts_dir, Some(&new_key)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].draft, typed);
    assert_eq!(fs::read_dir(&drafts_dir).unwrap().count(), 1, "the old draft file is gone");
}

#[test]
fn a_killed_change_leaves_the_old_or_the_new_passphrase_and_its_leftovers_go() {
    for stop in attune_store::ChangeStep::ALL {
        let mut f = fixture(true);
        f.store.insert_entry(&entry(1, 1, "written before the change")).unwrap();
        drop(f.store);
        let drafts_dir = f.dir.join("drafts");
        let typed = attune_core::EntryDraft { situation: "a draft".into(), ..Default::default() };
        drafts::save(&drafts_dir, f.key.as_ref(), &typed, None, Timestamp::UNIX_EPOCH).unwrap();
        // Stopped by a panic right after `stop`: no later step runs.
        let dir = f.dir.clone();
        let stopped = std::panic::catch_unwind(move || {
            Store::change_passphrase_with(&dir, &pass("correct horse"), &pass("battery staple"), FAST, &mut |step| {
                assert_ne!(step, stop, "stopped here");
            })
        });
        assert!(stopped.is_err(), "{stop:?}");
        let changed = stop as usize >= attune_store::ChangeStep::KeySwitched as usize;
        let (right, wrong) =
            if changed { ("battery staple", "correct horse") } else { ("correct horse", "battery staple") };
        assert!(matches!(Store::unlock(&f.dir, &pass(wrong)), Err(StoreError::WrongPassphrase)), "{stop:?}");
        let key = Store::unlock(&f.dir, &pass(right)).unwrap();
        let store = Store::open(&f.dir, Some(&key)).unwrap();
        assert_eq!(store.entry(1).unwrap().item.situation, "written before the change", "{stop:?}");
        assert!(store.integrity_ok().unwrap());
        drop(store);
        // The open removed what the change left: one database file, one draft.
        let db = if changed { "attune-2.db" } else { "attune.db" };
        assert_eq!(files_in(&f.dir), [db, "attune.lock", "drafts", "key.json"], "{stop:?}");
        assert_eq!(fs::read_dir(&drafts_dir).unwrap().count(), 1, "{stop:?}");
        assert_eq!(drafts::list(&drafts_dir, Some(&key)).unwrap()[0].draft, typed);
        // And the next change works from there.
        let from = right;
        let newest = Store::change_passphrase(&f.dir, &pass(from), &pass("a third one"), FAST).unwrap();
        assert_eq!(
            Store::open(&f.dir, Some(&newest)).unwrap().entry(1).unwrap().item.situation,
            "written before the change"
        );
    }
}

#[test]
fn a_changed_journal_without_its_key_file_is_never_taken_for_no_journal() {
    let f = fixture(true);
    drop(f.store);
    let key = Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("new one"), FAST).unwrap();
    fs::remove_file(f.dir.join("key.json")).unwrap();
    assert!(matches!(Store::probe(&f.dir).unwrap_err(), StoreError::KeyFile { .. }));
    assert!(matches!(Store::open(&f.dir, Some(&key)).unwrap_err(), StoreError::KeyFile { .. }));
    let err = Store::create(&f.dir, Protection::Passphrase(pass("x y z w v"), FAST)).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists(_)), "{err}");
    assert!(f.dir.join("attune-2.db").exists() && !f.dir.join("key.json").exists());
}

#[test]
fn a_change_clears_the_key_cache() {
    let f = fixture(true);
    drop(f.store);
    if let Err(why) = keycache::put(&f.dir, f.key.as_ref().unwrap(), Duration::from_secs(60)) {
        eprintln!("skipping: no kernel keyring here ({why})");
        return;
    }
    Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("new one"), FAST).unwrap();
    assert!(keycache::get(&f.dir).is_none(), "the old key stayed in the cache");
}

#[test]
fn a_front_end_holding_the_journal_changes_it_in_place() {
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 1, "open all along")).unwrap();
    // A wrong passphrase: refused before anything closes.
    let err = f.store.change_passphrase_while_open(&pass("nope"), &pass("new one"), FAST).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
    f.store.insert_entry(&entry(2, 2, "still open")).unwrap();
    let new_key = f.store.change_passphrase_while_open(&pass("correct horse"), &pass("new one"), FAST).unwrap();
    f.store.insert_entry(&entry(3, 3, "after the change")).unwrap();
    assert_eq!(f.store.count_entries(&EntryFilter::default()).unwrap(), 3);
    drop(f.store);
    assert_eq!(Store::unlock(&f.dir, &pass("new one")).unwrap().as_bytes(), new_key.as_bytes());
    assert_eq!(files_in(&f.dir), ["attune-2.db", "attune.lock", "key.json"]);
}

#[test]
fn a_change_is_refused_while_another_attune_has_the_journal_open() {
    let f = fixture(true);
    let before = fs::read(f.dir.join("key.json")).unwrap();
    let err = Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("new one"), FAST).unwrap_err();
    assert!(matches!(err, StoreError::InUse(_)), "{err}");
    assert_eq!(fs::read(f.dir.join("key.json")).unwrap(), before);
    drop(f.store);
    assert_eq!(files_in(&f.dir), ["attune.db", "attune.lock", "key.json"]);
}

#[test]
fn a_backup_of_a_changed_journal_is_one_file_and_restores() {
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 1, "backed up after a change")).unwrap();
    f.store.change_passphrase_while_open(&pass("correct horse"), &pass("new one"), FAST).unwrap();
    let out = tempfile::tempdir().unwrap();
    let backup = out.path().join("b.db");
    let key_path = f.store.backup(&backup).unwrap();
    let v = key_json(&key_path);
    // Version 3 for its sealed drafts' key pair; no `db`: the copy names no other file.
    assert_eq!((v["version"].as_u64(), v.get("db")), (Some(3), None), "{v}");
    assert!(v.get("drafts").is_some(), "{v}");
    drop(f.store);
    let restored = Store::restore(&f.dir, &backup, Some(&pass("new one"))).unwrap();
    let store = Store::open(&f.dir, restored.key.as_ref()).unwrap();
    assert_eq!(store.entry(1).unwrap().item.situation, "backed up after a change");
}

#[test]
fn a_crash_during_a_passphrase_change_leaves_the_old_one_working() {
    let f = fixture(true);
    drop(f.store);
    // A crash after writing part of the new key file, before the rename.
    fs::write(f.dir.join("key.json.tmp"), b"{\"version\":1,\"encryption\":\"xchacha20p").unwrap();
    assert_eq!(Store::probe(&f.dir).unwrap(), Some(true));
    let key = Store::unlock(&f.dir, &pass("correct horse")).unwrap();
    Store::open(&f.dir, Some(&key)).unwrap();
    // The next change replaces the leftover and works.
    Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("new one"), FAST).unwrap();
    assert!(!f.dir.join("key.json.tmp").exists());
    Store::unlock(&f.dir, &pass("new one")).unwrap();
}

// ---- page MACs ----------------------------------------------------------------

/// Whether the file opens with `key` when its pages are taken to carry
/// `mac` (`HMAC_SHA256` or `HMAC_SHA512`), outside the store.
fn pages_verify_with(db: &Path, key: &DataKey, mac: &str) -> bool {
    let raw = rusqlite::Connection::open(db).unwrap();
    let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    raw.execute_batch(&format!("PRAGMA key = \"x'{hex}'\"; PRAGMA cipher_hmac_algorithm = {mac};")).unwrap();
    raw.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok()
}

fn key_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_new_journal_macs_its_pages_with_sha256_and_its_key_file_says_so() {
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 1, "a new journal")).unwrap();
    let v = key_json(&f.dir.join("key.json"));
    // Version 3: new journals carry the sealed drafts' key pair.
    assert_eq!((v["version"].as_u64(), v["page_hmac"].as_str()), (Some(3), Some("sha256")), "{v}");
    let key = f.key.clone().unwrap();
    let db = f.dir.join("attune.db");
    assert!(pages_verify_with(&db, &key, "HMAC_SHA256"));
    assert!(!pages_verify_with(&db, &key, "HMAC_SHA512"));

    // A backup and a new passphrase keep both.
    let out = tempfile::tempdir().unwrap();
    let key_path = f.store.backup(&out.path().join("b.db")).unwrap();
    assert_eq!(key_json(&key_path)["page_hmac"], "sha256");
    assert!(pages_verify_with(&out.path().join("b.db"), &key, "HMAC_SHA256"));
    drop(f.store);

    // A key file edited to claim another MAC is refused: version 3 may name
    // either MAC, but the claim is bound to the sealed key, which then
    // does not open (as with any edit of a bound field).
    let original = fs::read_to_string(f.dir.join("key.json")).unwrap();
    fs::write(f.dir.join("key.json"), original.replace("\"sha256\"", "\"sha512\"")).unwrap();
    let err = Store::unlock(&f.dir, &pass("correct horse")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
    fs::write(f.dir.join("key.json"), original).unwrap();

    let key = Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("battery staple"), FAST).unwrap();
    let v = key_json(&f.dir.join("key.json"));
    assert_eq!((v["version"].as_u64(), v["page_hmac"].as_str()), (Some(3), Some("sha256")), "{v}");
    assert!(pages_verify_with(&f.dir.join("attune-2.db"), &key, "HMAC_SHA256"));
    assert!(!pages_verify_with(&f.dir.join("attune-2.db"), &key, "HMAC_SHA512"));
    assert_eq!(Store::open(&f.dir, Some(&key)).unwrap().entry(1).unwrap().item.situation, "a new journal");

    // Edited to claim SHA-512 pages (a name version 3 knows), it fails the tag check.
    let edited = fs::read_to_string(f.dir.join("key.json")).unwrap().replace("\"sha256\"", "\"sha512\"");
    fs::write(f.dir.join("key.json"), edited).unwrap();
    let err = Store::unlock(&f.dir, &pass("battery staple")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
}

/// A journal written by attune before key file version 2 (SHA-512 pages,
/// key file version 1, the default key derivation), as it left that
/// version's `attune backup`: passphrase "an older journal", one entry.
#[test]
fn a_journal_from_before_key_file_version_2_opens_and_keeps_its_format() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/journal-v1");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    fs::create_dir(&dir).unwrap();
    for name in ["attune.db", "key.json"] {
        fs::copy(fixture.join(name), dir.join(name)).unwrap();
    }
    let original_key_file = fs::read(dir.join("key.json")).unwrap();
    let key = Store::unlock(&dir, &pass("an older journal")).unwrap();
    let mut store = Store::open(&dir, Some(&key)).unwrap();
    let old = store.entry(1).unwrap();
    assert_eq!(old.item.situation, "Written by attune before key file version 2");
    assert_eq!(old.item.triggers, vec![slug("late-reply")]);
    store.insert_entry(&entry(2, 2, "written now")).unwrap();
    assert!(store.integrity_ok().unwrap());
    drop(store);
    assert_eq!(fs::read(dir.join("key.json")).unwrap(), original_key_file, "opening rewrites nothing");
    let db = dir.join("attune.db");
    assert!(pages_verify_with(&db, &key, "HMAC_SHA512"));
    assert!(!pages_verify_with(&db, &key, "HMAC_SHA256"));

    // A backup keeps the key file at version 1, so the attune that made
    // the journal can still open it.
    let out = tempfile::tempdir().unwrap();
    let key_path = Store::open(&dir, Some(&key)).unwrap().backup(&out.path().join("b.db")).unwrap();
    assert_eq!(key_json(&key_path)["version"], 1);
    assert!(pages_verify_with(&out.path().join("b.db"), &key, "HMAC_SHA512"));

    // A new passphrase makes a new file as new journals are made (SHA-256
    // pages), named by a version 3 key file, which the older attune refuses
    // as too new rather than as damaged.
    Store::change_passphrase(&dir, &pass("an older journal"), &pass("a new passphrase"), FAST).unwrap();
    let v = key_json(&dir.join("key.json"));
    assert_eq!(
        (v["version"].as_u64(), v["page_hmac"].as_str(), v["db"].as_str()),
        (Some(3), Some("sha256"), Some("attune-2.db")),
        "{v}"
    );
    let key = Store::unlock(&dir, &pass("a new passphrase")).unwrap();
    assert!(pages_verify_with(&dir.join("attune-2.db"), &key, "HMAC_SHA256"));
    let store = Store::open(&dir, Some(&key)).unwrap();
    assert_eq!(store.entry(1).unwrap().item.situation, "Written by attune before key file version 2");
    assert_eq!(store.entry(2).unwrap().item.situation, "written now");
    assert!(store.integrity_ok().unwrap());
}

#[test]
fn a_plain_store_has_no_passphrase() {
    let f = fixture(false);
    let err = Store::unlock(&f.dir, &pass("x")).unwrap_err();
    assert!(matches!(err, StoreError::KeyFile { .. }), "{err}");
    // A key passed for a plain store (a cached key, after the journal was
    // swapped for a plain one) does not open it either.
    let err = Store::open(&f.dir, Some(&DataKey::from_bytes([1; 32]))).unwrap_err();
    assert!(matches!(err, StoreError::Plain(_)), "{err}");
}

#[test]
fn a_newer_schema_is_refused() {
    let f = fixture(false);
    drop(f.store);
    let conn = rusqlite::Connection::open(f.dir.join("attune.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open_plain(&f.dir).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
}

#[test]
fn two_open_handles_share_the_journal() {
    let mut f = fixture(true);
    let mut other = Store::open(&f.dir, f.key.as_ref()).unwrap();
    f.store.insert_entry(&entry(1, 1, "from the first")).unwrap();
    other.insert_entry(&entry(2, 2, "from the second")).unwrap();
    assert_eq!(f.store.count_entries(&EntryFilter::default()).unwrap(), 2);
    assert_eq!(other.entry(1).unwrap().item.situation, "from the first");
}

// ---- round trips --------------------------------------------------------------

fn arb_moment() -> impl Strategy<Value = Moment> {
    (
        -2_000_000_000_000i64..4_000_000_000_000i64,
        -14 * 60i32..=14 * 60,
        proptest::option::of("[A-Z][a-z]{2,8}/[A-Z][a-z]{2,8}"),
    )
        .prop_map(|(ms, minutes, zone)| Moment {
            at: Timestamp::from_millisecond(ms).unwrap(),
            offset_seconds: minutes * 60,
            zone,
        })
}

fn arb_slugs(all: &'static [&'static str]) -> impl Strategy<Value = Vec<Slug>> {
    proptest::sample::subsequence(all.to_vec(), 0..=all.len().min(4))
        .prop_shuffle()
        .prop_map(|v| v.into_iter().map(slug).collect())
}

const TRIGGERS: &[&str] = &["late-reply", "cancelled-plan", "change-of-tone", "conflict", "criticism"];
const FEELINGS: &[&str] = &["anxious", "afraid", "sad", "lonely", "calm", "not-enough"];

fn arb_entry() -> impl Strategy<Value = Entry> {
    let texts = ("\\PC{1,60}", "\\PC{0,40}", "\\PC{0,40}", "\\PC{0,40}");
    let lists = (
        arb_slugs(TRIGGERS),
        arb_slugs(FEELINGS),
        proptest::sample::subsequence(Sign::ALL.to_vec(), 0..=Sign::ALL.len()),
        proptest::sample::subsequence(Source::ALL.to_vec(), 0..=Source::ALL.len()),
        proptest::collection::btree_set("[a-z0-9][a-z0-9-]{0,11}", 0..4).prop_shuffle_set(),
    );
    let rest = (any::<u128>(), arb_moment(), arb_moment(), proptest::option::of(0i64..=10), any::<bool>());
    (texts, lists, rest).prop_map(
        |(
            (situation, thoughts, fear, helped),
            (triggers, feelings, signs, sources, tags),
            (id, occ, rec, i, starred),
        )| {
            Entry {
                id: rid(id),
                occurred: occ,
                recorded: rec,
                situation,
                triggers,
                thoughts,
                fear,
                feelings,
                intensity: i.and_then(Intensity::new),
                signs,
                sources,
                helped,
                tags,
                starred,
            }
        },
    )
}

/// `btree_set` then shuffled into a `Vec`, so tag order is arbitrary but unique.
trait ShuffleSet {
    fn prop_shuffle_set(self) -> BoxedStrategy<Vec<String>>;
}

impl<S: Strategy<Value = std::collections::BTreeSet<String>> + 'static> ShuffleSet for S {
    fn prop_shuffle_set(self) -> BoxedStrategy<Vec<String>> {
        self.prop_map(|s| s.into_iter().collect::<Vec<_>>()).prop_shuffle().boxed()
    }
}

fn arb_checkin() -> impl Strategy<Value = Checkin> {
    let scale = || proptest::option::of(0u8..=10);
    (
        any::<u128>(),
        arb_moment(),
        0u8..=10,
        (scale(), scale(), scale()),
        proptest::collection::btree_map(proptest::sample::select(Consequence::ALL.to_vec()), 0u8..=3, 0..4),
        "\\PC{0,60}",
    )
        .prop_map(|(id, at, security, (seen, trusted, respected), consequences, note)| Checkin {
            id: rid(id),
            at,
            security,
            seen,
            trusted,
            respected,
            consequences,
            note,
        })
}

#[test]
fn any_entry_and_checkin_reads_back_equal() {
    let f = fixture(true);
    // The runner wants `Fn`; one store serves every case.
    let store = std::cell::RefCell::new(f.store);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
    runner
        .run(&arb_entry(), |e| {
            let mut store = store.borrow_mut();
            let seq = store.insert_entry(&e).unwrap();
            prop_assert_eq!(&store.entry(seq).unwrap().item, &e);
            prop_assert_eq!(store.find_id(e.id).unwrap(), Some(RecordRef::Entry(seq)));
            Ok(())
        })
        .unwrap();
    runner
        .run(&arb_checkin(), |c| {
            let mut store = store.borrow_mut();
            let seq = store.insert_checkin(&c).unwrap();
            prop_assert_eq!(&store.checkin(seq).unwrap().item, &c);
            Ok(())
        })
        .unwrap();
}

// ---- encryption ---------------------------------------------------------------

/// Writes 20 distinct markers through every path that stores text (entry
/// fields, tags, label names, check-in notes, a renamed label, a backup, a
/// draft) and returns every file the store produced, read while the
/// connection is still open so the WAL has not been checkpointed away.
fn files_after_writing_markers(encrypted: bool) -> (Vec<String>, Vec<(PathBuf, Vec<u8>)>) {
    let mut f = fixture(encrypted);
    let m: Vec<String> = (0..20).map(|i| format!("qx7marker{i:02}zz")).collect();

    let t = f.store.add_label(LabelKind::Trigger, &format!("{} trigger", m[0])).unwrap();
    let feel = f.store.add_label(LabelKind::Feeling, &format!("{} feeling", m[1])).unwrap();
    let renamed = f.store.add_label(LabelKind::Trigger, "to be renamed").unwrap();
    f.store.rename_label(LabelKind::Trigger, &renamed.slug, &format!("{} renamed", m[2])).unwrap();
    for i in 0..3 {
        let base = 3 + i * 4;
        let e = Entry {
            triggers: vec![t.slug.clone()],
            feelings: vec![feel.slug.clone()],
            thoughts: format!("thinking {}", m[base + 1]),
            fear: format!("fearing {}", m[base + 2]),
            helped: format!("helped by {}", m[base + 3]),
            tags: vec![m[15 + i].clone()],
            ..entry(i as u128 + 1, 1_000 + i as i64, &format!("situation {}", m[base]))
        };
        f.store.insert_entry(&e).unwrap();
    }
    f.store.insert_checkin(&checkin(50, 5_000, &format!("note {}", m[18]))).unwrap();

    let backup = f.dir.parent().unwrap().join("backup.db");
    let backup_key = f.store.backup(&backup).unwrap();
    let draft = attune_core::EntryDraft { situation: format!("unsaved {}", m[19]), ..Default::default() };
    drafts::save(&f.dir.join("drafts"), f.key.as_ref(), &draft, None, Timestamp::UNIX_EPOCH).unwrap();

    let wal = f.dir.join("attune.db-wal");
    assert!(fs::metadata(&wal).unwrap().len() > 0, "the WAL must still hold the writes");
    let mut files = vec![];
    let mut paths = vec![backup, backup_key];
    for dir in [f.dir.clone(), f.dir.join("drafts")] {
        for item in fs::read_dir(dir).unwrap() {
            let p = item.unwrap().path();
            if p.is_file() {
                paths.push(p);
            }
        }
    }
    for p in paths {
        let bytes = fs::read(&p).unwrap();
        files.push((p, bytes));
    }
    drop(f.store); // only now: the WAL is checkpointed on close
    (m, files)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn no_written_text_reaches_the_disk_unencrypted() {
    let (markers, files) = files_after_writing_markers(true);
    let names: Vec<String> = files.iter().map(|(p, _)| p.file_name().unwrap().to_string_lossy().into()).collect();
    for wanted in ["attune.db", "attune.db-wal", "key.json", "backup.db", "backup.db.key.json"] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} missing from {names:?}");
    }
    assert!(names.iter().any(|n| n.ends_with(".draft")), "{names:?}");
    for (path, bytes) in &files {
        for m in &markers {
            assert!(!contains(bytes, m), "{m} is readable in {}", path.display());
        }
    }
}

/// The proof above can fail: the same writes to a plain store are readable.
#[test]
fn the_leak_check_finds_text_in_a_plain_store() {
    let (markers, files) = files_after_writing_markers(false);
    for m in &markers {
        assert!(files.iter().any(|(_, bytes)| contains(bytes, m)), "{m} not found in a plain store");
    }
    let wal = files.iter().find(|(p, _)| p.ends_with("attune.db-wal")).unwrap();
    assert!(contains(&wal.1, &markers[3]), "the WAL of a plain store holds the entry text");
}

// ---- backup -------------------------------------------------------------------

#[test]
fn a_backup_opens_with_the_same_key_and_holds_the_data() {
    let mut f = fixture(true);
    f.store.insert_entry(&full_entry(1, 100)).unwrap();
    f.store.insert_checkin(&checkin(2, 200, "backed up")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("attune-2026-01-01.db");
    let key_path = f.store.backup(&dest).unwrap();
    assert_eq!(key_path, out.path().join("attune-2026-01-01.db.key.json"));
    #[cfg(unix)]
    {
        assert_eq!(mode(&dest), 0o600);
        assert_eq!(mode(&key_path), 0o600);
    }
    assert!(!out.path().join("attune-2026-01-01.db-wal").exists(), "a backup is a single file");

    // Refuses to overwrite, and leaves the first backup alone.
    let before = fs::read(&dest).unwrap();
    assert!(f.store.backup(&dest).is_err());
    assert_eq!(fs::read(&dest).unwrap(), before);

    // Restoring is copying the two files into a store folder.
    let restored = out.path().join("restored");
    fs::create_dir(&restored).unwrap();
    fs::copy(&dest, restored.join("attune.db")).unwrap();
    fs::copy(&key_path, restored.join("key.json")).unwrap();
    let key = Store::unlock(&restored, &pass("correct horse")).unwrap();
    let copy = Store::open(&restored, Some(&key)).unwrap();
    assert!(copy.integrity_ok().unwrap());
    assert_eq!(copy.entry(1).unwrap().item, full_entry(1, 100));
    assert_eq!(copy.checkin(1).unwrap().item.note, "backed up");
    assert_eq!(copy.search("backed", 10).unwrap().1, 1);

    // Without the key, it is not a database.
    let raw = rusqlite::Connection::open(&dest).unwrap();
    assert!(raw.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err());
}

/// Every file under `dir` with its bytes, to show that a refused restore changed nothing.
fn folder_bytes(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for item in fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            out.extend(folder_bytes(&path));
        } else {
            out.insert(path.clone(), fs::read(&path).unwrap());
        }
    }
    out
}

/// The names in the folder that holds the journal, to show nothing was left beside it.
fn names_beside(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An encrypted journal with entry 1 (`situation`) and a backup of it at
/// `<out>/b.db`.
fn journal_with_backup(situation: &str) -> (Fixture, TempDir, PathBuf) {
    let mut f = fixture(true);
    f.store.insert_entry(&entry(1, 100, situation)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let backup = out.path().join("b.db");
    f.store.backup(&backup).unwrap();
    (f, out, backup)
}

#[test]
fn a_restore_puts_the_backup_back_and_keeps_the_journal_it_replaces() {
    let (mut f, _out, backup) = journal_with_backup("before the backup");
    f.store.insert_entry(&entry(2, 200, "after the backup")).unwrap();
    drop(f.store);
    // Backups keep the passphrase they were made with.
    Store::change_passphrase(&f.dir, &pass("correct horse"), &pass("a newer passphrase"), FAST).unwrap();

    let restored = Store::restore(&f.dir, &backup, Some(&pass("correct horse"))).unwrap();
    let store = Store::open(&f.dir, restored.key.as_ref()).unwrap();
    assert!(store.integrity_ok().unwrap());
    assert_eq!(store.entry(1).unwrap().item.situation, "before the backup");
    assert!(store.entry(2).is_err(), "the restored journal is the backup's");
    assert_eq!(store.search("backup", 10).unwrap().1, 1);
    drop(store);
    Store::unlock(&f.dir, &pass("correct horse")).unwrap();

    // The journal it replaced is whole beside it, with its own passphrase.
    let previous = restored.previous.expect("there was a journal");
    assert_eq!(previous.parent(), f.dir.parent());
    assert!(previous.file_name().unwrap().to_str().unwrap().starts_with("journal.before-restore-"));
    let key = Store::unlock(&previous, &pass("a newer passphrase")).unwrap();
    let old = Store::open(&previous, Some(&key)).unwrap();
    assert_eq!(old.entry(2).unwrap().item.situation, "after the backup");
    assert_eq!(names_beside(&f.dir).len(), 2, "{:?}", names_beside(&f.dir));
    #[cfg(unix)]
    assert_eq!(mode(&f.dir) & 0o777, 0o700);
}

#[test]
fn a_refused_restore_changes_nothing() {
    let (f, out, backup) = journal_with_backup("kept");
    drop(f.store);
    let before = folder_bytes(&f.dir);
    let beside = names_beside(&f.dir);
    let unchanged = |what: &str| {
        assert_eq!(folder_bytes(&f.dir), before, "{what}");
        assert_eq!(names_beside(&f.dir), beside, "{what}: nothing left beside the journal");
    };

    let err = Store::restore(&f.dir, &backup, Some(&pass("not it"))).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
    unchanged("wrong passphrase");

    let err = Store::restore(&f.dir, &out.path().join("none.db"), Some(&pass("correct horse"))).unwrap_err();
    assert!(err.to_string().contains("none.db"), "{err}");
    unchanged("no such backup");

    // A damaged copy: the key opens the key file, not the pages.
    let damaged = out.path().join("damaged.db");
    let mut bytes = fs::read(&backup).unwrap();
    for b in &mut bytes[5000..9000] {
        *b ^= 0x5a;
    }
    fs::write(&damaged, &bytes).unwrap();
    fs::copy(attune_store::backup_key_file(&backup), attune_store::backup_key_file(&damaged)).unwrap();
    let err = Store::restore(&f.dir, &damaged, Some(&pass("correct horse"))).unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt(p) if p == &damaged), "{err}");
    unchanged("damaged backup");

    fs::remove_file(attune_store::backup_key_file(&backup)).unwrap();
    let err = Store::restore(&f.dir, &backup, Some(&pass("correct horse"))).unwrap_err();
    assert!(err.to_string().contains("b.db.key.json"), "{err}");
    unchanged("no key file");
}

#[test]
fn a_restore_refuses_a_journal_another_attune_has_open() {
    let (f, _out, backup) = journal_with_backup("in use");
    // `f.store` stays open, as `attune serve` would keep it.
    let before = folder_bytes(&f.dir);
    let beside = names_beside(&f.dir);
    let err = Store::restore(&f.dir, &backup, Some(&pass("correct horse"))).unwrap_err();
    assert!(matches!(&err, StoreError::InUse(d) if d == &f.dir), "{err}");
    assert_eq!(folder_bytes(&f.dir), before);
    assert_eq!(names_beside(&f.dir), beside, "no staging folder left, nothing moved aside");
    // Other stores open side by side as before; once all are closed it goes ahead.
    let second = Store::open(&f.dir, f.key.as_ref()).unwrap();
    drop((f.store, second));
    Store::restore(&f.dir, &backup, Some(&pass("correct horse"))).unwrap();
}

#[test]
fn a_plain_backup_restores_where_there_is_no_journal_yet() {
    let mut f = fixture(false);
    f.store.insert_entry(&entry(1, 1, "plain and simple")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let backup = out.path().join("b.db");
    f.store.backup(&backup).unwrap();
    assert!(!Store::probe_backup(&backup).unwrap());
    let fresh = out.path().join("new machine").join("journal");
    let restored = Store::restore_plain(&fresh, &backup).unwrap();
    assert!(restored.key.is_none() && restored.previous.is_none());
    let store = Store::open_plain(&fresh).unwrap();
    assert_eq!(store.entry(1).unwrap().item.situation, "plain and simple");
}

#[test]
fn a_plain_store_backs_up_too() {
    let mut f = fixture(false);
    f.store.insert_entry(&entry(1, 1, "plain")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let key_path = f.store.backup(&out.path().join("b.db")).unwrap();
    assert!(fs::read_to_string(key_path).unwrap().contains("\"none\""));
    let raw = rusqlite::Connection::open(out.path().join("b.db")).unwrap();
    let n: i64 = raw.query_row("SELECT count(*) FROM entries", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
}

// ---- search -------------------------------------------------------------------

#[test]
fn search_finds_every_text_field_tags_and_label_names() {
    let mut f = fixture(true);
    let e = Entry {
        thoughts: "bravothought".into(),
        fear: "charliefear".into(),
        helped: "deltahelp".into(),
        tags: vec!["echotag".into(), "family-dinner".into()],
        triggers: vec![slug("social-media")],
        feelings: vec![slug("jealous")],
        ..entry(1, 100, "alphasituation at the café")
    };
    f.store.insert_entry(&e).unwrap();
    f.store.insert_entry(&entry(2, 200, "unrelated")).unwrap();
    for word in [
        "alphasituation",
        "alpha",
        "ALPHA",
        "bravothought",
        "charliefear",
        "deltahelp",
        "echotag",
        "family-dinner",
        "dinner",
        "Something on social media",
        "social-media",
        "jealous",
        "cafe",
        "alpha bravo",
    ] {
        let (hits, total) = f.store.search(word, 10).unwrap();
        assert_eq!(total, 1, "{word}");
        match &hits[0] {
            SearchHit::Entry { row, .. } => assert_eq!(row.seq, 1),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(search_count(&f.store, "alpha zulu"), 0, "all words must match");
    let (hits, _) = f.store.search("charlie", 10).unwrap();
    let SearchHit::Entry { snippet, .. } = &hits[0] else { panic!() };
    assert!(snippet.contains("[charliefear]"), "{snippet}");
}

#[test]
fn search_follows_renames_and_skips_deleted_entries() {
    let mut f = fixture(false);
    let mut e = entry(1, 100, "first");
    e.triggers = vec![slug("late-reply")];
    f.store.insert_entry(&e).unwrap();
    f.store.insert_entry(&entry(2, 200, "second gone")).unwrap();
    assert_eq!(search_count(&f.store, "late"), 1);
    f.store.rename_label(LabelKind::Trigger, &slug("late-reply"), "Slow answer").unwrap();
    assert_eq!(search_count(&f.store, "slow answer"), 1);
    assert_eq!(search_count(&f.store, "late"), 0);
    f.store.delete_entry(2).unwrap();
    assert_eq!(search_count(&f.store, "gone"), 0);
    f.store.undo().unwrap();
    assert_eq!(search_count(&f.store, "gone"), 1);
    // Edits are searchable at once.
    let mut edited = f.store.entry(2).unwrap().item;
    edited.situation = "rewritten".into();
    f.store.update_entry(&edited).unwrap();
    assert_eq!(search_count(&f.store, "gone"), 0);
    assert_eq!(search_count(&f.store, "rewritten"), 1);
}

#[test]
fn search_merges_entries_and_checkins_newest_first_with_a_total() {
    let mut f = fixture(false);
    for i in 0..5 {
        f.store.insert_entry(&entry(i + 1, 1_000 * i as i64, &format!("common entry {i}"))).unwrap();
    }
    f.store.insert_checkin(&checkin(100, 2_500, "common check-in")).unwrap();
    f.store.insert_checkin(&checkin(101, 9_000, "other")).unwrap();
    let (hits, total) = f.store.search("common", 3).unwrap();
    assert_eq!(total, 6);
    assert_eq!(hits.len(), 3);
    let order: Vec<String> = hits
        .iter()
        .map(|h| match h {
            SearchHit::Entry { row, .. } => format!("e{}", row.seq),
            SearchHit::Checkin { row, snippet } => {
                assert!(snippet.contains("[common]"), "{snippet}");
                format!("c{}", row.seq)
            }
        })
        .collect();
    assert_eq!(order, vec!["e5", "e4", "c1"]);
    let (hits, total) = f.store.search("common", 0).unwrap();
    assert!(hits.is_empty());
    assert_eq!(total, 6);
    f.store.delete_checkin(1).unwrap();
    assert_eq!(search_count(&f.store, "common"), 5);
}

/// Many matches: the page comes from a walk of the time index; few: from
/// looking each one up and sorting. Both ways must give the same
/// newest-first page.
#[test]
fn search_pages_agree_whichever_way_they_are_found() {
    let mut f = fixture(false);
    // Times out of insertion order (backdated entries), every third one a match.
    let time = |i: i64| (i * 7_919) % 3_001 * 60;
    let mut expected = vec![];
    for i in 0..3_600_i64 {
        let text = match i % 3 {
            0 if i % 300 == 0 => format!("pebble marble {i}"),
            0 => format!("pebble {i}"),
            _ => format!("stone {i}"),
        };
        let seq = f.store.insert_entry(&entry(i as u128 + 1, time(i), &text)).unwrap();
        if i % 3 == 0 {
            expected.push((time(i), seq, i % 300 == 0));
        }
    }
    // Deleted matches count for neither the page nor the total.
    for (_, seq, _) in expected.iter().filter(|(t, _, _)| t % 11 == 0).copied().collect::<Vec<_>>() {
        f.store.delete_entry(seq).unwrap();
        expected.retain(|(_, s, _)| *s != seq);
    }
    expected.sort_by(|a, b| b.cmp(a));
    assert!(expected.len() > 1_000, "the walk must be exercised");
    let page = |store: &Store, words: &str| -> (Vec<i64>, usize) {
        let (hits, total) = store.search(words, 25).unwrap();
        let seqs = hits
            .iter()
            .map(|h| match h {
                SearchHit::Entry { row, .. } => row.seq,
                SearchHit::Checkin { .. } => panic!("no check-ins here"),
            })
            .collect();
        (seqs, total)
    };
    let (seqs, total) = page(&f.store, "pebble");
    assert_eq!(total, expected.len());
    assert_eq!(seqs, expected.iter().take(25).map(|(_, s, _)| *s).collect::<Vec<_>>());

    // A rare word takes the sorting way; its page is newest first too.
    let rare: Vec<i64> = expected.iter().filter(|(_, _, rare)| *rare).map(|(_, s, _)| *s).collect();
    assert!(rare.len() > 5 && rare.len() < 25);
    let (seqs, total) = page(&f.store, "marble");
    assert_eq!(total, rare.len());
    assert_eq!(seqs, rare.iter().take(25).copied().collect::<Vec<_>>());
}

#[test]
fn hostile_search_input_never_errors() {
    let mut f = fixture(false);
    f.store.insert_entry(&entry(1, 1, "and or not near")).unwrap();
    let long = "x".repeat(10_000);
    for q in [
        "\"",
        "AND OR (",
        "(",
        ")",
        "*",
        "NEAR(a b",
        "a:b",
        "situation:x",
        "^",
        "'",
        "\"\"\"\"",
        "-",
        "()",
        "a OR",
        "NOT",
        "\0",
        "🙂",
        "{x y}",
        "x + y",
        "",
        "   ",
        &long,
    ] {
        f.store.search(q, 10).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    assert_eq!(search_count(&f.store, "AND OR"), 1, "operators are words");
    assert_eq!(search_count(&f.store, "\"near\""), 1);
}

// ---- filters ------------------------------------------------------------------

#[test]
fn filters_combine_and_count_ignores_the_limit() {
    let mut f = fixture(false);
    let day = 86_400;
    let e1 = Entry {
        triggers: vec![slug("late-reply")],
        signs: vec![Sign::FearOfRejection],
        sources: vec![Source::PastWounds],
        tags: vec!["weekend".into()],
        intensity: Intensity::new(3),
        ..entry(1, day, "one")
    };
    let e2 = Entry {
        triggers: vec![slug("conflict")],
        feelings: vec![slug("angry")],
        signs: vec![Sign::OverInterpreting],
        sources: vec![Source::Attachment],
        tags: vec!["work".into()],
        intensity: Intensity::new(8),
        starred: true,
        ..entry(2, 2 * day, "two")
    };
    let e3 = Entry {
        triggers: vec![slug("late-reply"), slug("social-media")],
        feelings: vec![slug("anxious")],
        tags: vec!["weekend".into()],
        ..entry(3, 3 * day, "three")
    };
    for e in [&e1, &e2, &e3] {
        f.store.insert_entry(e).unwrap();
    }
    let s = &f.store;
    let ts = |secs: i64| Some(Timestamp::from_second(secs).unwrap());
    let check = |filter: EntryFilter, want: Vec<i64>| {
        assert_eq!(entry_seqs(s, &filter), want, "{filter:?}");
        assert_eq!(s.count_entries(&filter).unwrap(), want.len(), "{filter:?}");
    };
    check(EntryFilter::default(), vec![3, 2, 1]);
    check(EntryFilter { since: ts(2 * day), ..Default::default() }, vec![3, 2]);
    check(EntryFilter { until: ts(2 * day), ..Default::default() }, vec![2, 1]);
    check(EntryFilter { since: ts(2 * day), until: ts(2 * day), ..Default::default() }, vec![2]);
    check(EntryFilter { triggers: vec![slug("late-reply")], ..Default::default() }, vec![3, 1]);
    check(EntryFilter { triggers: vec![slug("conflict"), slug("social-media")], ..Default::default() }, vec![3, 2]);
    check(EntryFilter { feelings: vec![slug("anxious")], ..Default::default() }, vec![3]);
    check(EntryFilter { signs: vec![Sign::OverInterpreting, Sign::FearOfRejection], ..Default::default() }, vec![2, 1]);
    check(EntryFilter { sources: vec![Source::Attachment], ..Default::default() }, vec![2]);
    check(EntryFilter { tags: vec!["#Weekend".into()], ..Default::default() }, vec![3, 1]);
    check(EntryFilter { min_intensity: Some(5), ..Default::default() }, vec![2]);
    check(EntryFilter { min_intensity: Some(0), ..Default::default() }, vec![2, 1]);
    check(EntryFilter { starred: true, ..Default::default() }, vec![2]);
    check(
        EntryFilter {
            triggers: vec![slug("late-reply")],
            tags: vec!["weekend".into()],
            since: ts(day + 1),
            ..Default::default()
        },
        vec![3],
    );
    let limited = EntryFilter { limit: Some(2), ..Default::default() };
    assert_eq!(entry_seqs(s, &limited), vec![3, 2]);
    assert_eq!(s.count_entries(&limited).unwrap(), 3);
    assert!(entry_seqs(s, &EntryFilter { limit: Some(0), ..Default::default() }).is_empty());

    let err = s.entries(&EntryFilter { triggers: vec![slug("late-replies")], ..Default::default() }).unwrap_err();
    assert!(matches!(&err, StoreError::Label(m) if m.contains("late-replies")), "{err}");
}

#[test]
fn checkin_filters() {
    let mut f = fixture(false);
    for i in 1..=4 {
        f.store.insert_checkin(&checkin(i, i as i64 * 100, "")).unwrap();
    }
    let ts = |secs: i64| Some(Timestamp::from_second(secs).unwrap());
    let seqs =
        |filter: CheckinFilter| f.store.checkins(&filter).unwrap().into_iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(seqs(CheckinFilter::default()), vec![4, 3, 2, 1]);
    assert_eq!(seqs(CheckinFilter { since: ts(200), until: ts(300), ..Default::default() }), vec![3, 2]);
    assert_eq!(seqs(CheckinFilter { limit: Some(1), ..Default::default() }), vec![4]);
}

// ---- labels -------------------------------------------------------------------

#[test]
fn the_default_lists_are_seeded() {
    let f = fixture(false);
    let triggers = f.store.labels(LabelKind::Trigger).unwrap();
    let defaults = attune_core::content::default_labels().unwrap();
    let want: Vec<_> = defaults.iter().filter(|l| l.kind == LabelKind::Trigger).cloned().collect();
    assert_eq!(triggers, want);
    assert!(f.store.labels(LabelKind::Feeling).unwrap().iter().any(|l| l.slug.as_str() == "anxious"));
}

#[test]
fn labels_can_be_added_but_not_twice() {
    let mut f = fixture(false);
    let l = f.store.add_label(LabelKind::Trigger, "  Ignored my text ").unwrap();
    assert_eq!(l.slug.as_str(), "ignored-my-text");
    assert_eq!(l.name, "Ignored my text");
    assert!(f.store.labels(LabelKind::Trigger).unwrap().contains(&l));
    let err = f.store.add_label(LabelKind::Trigger, "ignored my text!").unwrap_err();
    assert!(matches!(&err, StoreError::Label(m) if m.contains("already on your list")), "{err}");
    // The same name on the other list is fine.
    f.store.add_label(LabelKind::Feeling, "Ignored my text").unwrap();
    for bad in ["", "!!!", "a\u{1b}b", &"x".repeat(100)] {
        assert!(matches!(f.store.add_label(LabelKind::Trigger, bad), Err(StoreError::Label(_))), "{bad:?}");
    }
}

#[test]
fn renaming_a_label_updates_old_entries() {
    let mut f = fixture(false);
    let mut e = entry(1, 1, "x");
    e.triggers = vec![slug("late-reply"), slug("conflict")];
    f.store.insert_entry(&e).unwrap();
    let l = f.store.rename_label(LabelKind::Trigger, &slug("late-reply"), "Slow answer").unwrap();
    assert_eq!(l.slug.as_str(), "slow-answer");
    assert_eq!(f.store.entry(1).unwrap().item.triggers, vec![slug("slow-answer"), slug("conflict")]);
    // Keeping the slug and changing only the wording is a rename too.
    let l = f.store.rename_label(LabelKind::Trigger, &slug("slow-answer"), "Slow Answer!").unwrap();
    assert_eq!(l.name, "Slow Answer!");
    let err = f.store.rename_label(LabelKind::Trigger, &slug("slow-answer"), "Conflict").unwrap_err();
    assert!(matches!(&err, StoreError::Label(m) if m.contains("already on your list")), "{err}");
    let err = f.store.rename_label(LabelKind::Trigger, &slug("nope"), "x").unwrap_err();
    assert!(matches!(&err, StoreError::Label(m) if m.contains("'nope' is not on your list")), "{err}");
}

#[test]
fn merging_labels_moves_and_dedupes_their_uses() {
    let mut f = fixture(false);
    let mut a = entry(1, 1, "only conflict");
    a.triggers = vec![slug("conflict")];
    let mut b = entry(2, 2, "both");
    b.triggers = vec![slug("change-of-tone"), slug("conflict")];
    let mut gone = entry(3, 3, "deleted one");
    gone.triggers = vec![slug("conflict")];
    for e in [&a, &b, &gone] {
        f.store.insert_entry(e).unwrap();
    }
    f.store.delete_entry(3).unwrap();
    let moved = f.store.merge_label(LabelKind::Trigger, &slug("conflict"), &slug("change-of-tone")).unwrap();
    assert_eq!(moved, 2, "live entries only");
    assert_eq!(f.store.entry(1).unwrap().item.triggers, vec![slug("change-of-tone")]);
    assert_eq!(f.store.entry(2).unwrap().item.triggers, vec![slug("change-of-tone")]);
    let list = f.store.labels(LabelKind::Trigger).unwrap();
    let conflict = list.iter().find(|l| l.slug.as_str() == "conflict").unwrap();
    assert!(conflict.retired);
    assert_eq!(conflict.merged_into, Some(slug("change-of-tone")));
    assert_eq!(search_count(&f.store, "argument"), 0);
    assert_eq!(search_count(&f.store, "tone"), 2);
    // The deleted entry comes back with the merged label.
    f.store.undo().unwrap();
    assert_eq!(f.store.entry(3).unwrap().item.triggers, vec![slug("change-of-tone")]);

    // New uses of the old slug land on the new label.
    let mut c = entry(4, 4, "new");
    c.triggers = vec![slug("conflict")];
    let seq = f.store.insert_entry(&c).unwrap();
    assert_eq!(f.store.entry(seq).unwrap().item.triggers, vec![slug("change-of-tone")]);
    let filtered = entry_seqs(&f.store, &EntryFilter { triggers: vec![slug("conflict")], ..Default::default() });
    assert_eq!(filtered.len(), 4);

    for (from, into) in
        [("conflict", "late-reply"), ("late-reply", "late-reply"), ("nope", "late-reply"), ("late-reply", "nope")]
    {
        let err = f.store.merge_label(LabelKind::Trigger, &slug(from), &slug(into)).unwrap_err();
        assert!(matches!(err, StoreError::Label(_)), "{from} → {into}: {err}");
    }
}

#[test]
fn labels_retire_and_come_back() {
    let mut f = fixture(false);
    f.store.set_label_retired(LabelKind::Feeling, &slug("numb"), true).unwrap();
    let find =
        |s: &Store| s.labels(LabelKind::Feeling).unwrap().into_iter().find(|l| l.slug.as_str() == "numb").unwrap();
    assert!(find(&f.store).retired);
    f.store.set_label_retired(LabelKind::Feeling, &slug("numb"), false).unwrap();
    assert!(!find(&f.store).retired);
    let err = f.store.set_label_retired(LabelKind::Feeling, &slug("late-reply"), true).unwrap_err();
    assert!(matches!(&err, StoreError::Label(m) if m.contains("feeling")), "{err}");
}

#[test]
fn an_unknown_label_saves_nothing() {
    let mut f = fixture(false);
    let mut e = entry(1, 1, "x");
    e.feelings = vec![slug("late-reply")];
    let err = f.store.insert_entry(&e).unwrap_err();
    assert!(matches!(&err, StoreError::Label(m) if m.contains("'late-reply'")), "{err}");
    assert_eq!(f.store.count_entries(&EntryFilter::default()).unwrap(), 0);
    assert_eq!(f.store.undo().unwrap(), None);
}

// ---- undo ---------------------------------------------------------------------

#[test]
fn undo_reverts_each_kind_of_action_newest_first() {
    let mut f = fixture(true);
    let s = &mut f.store;
    assert_eq!(s.undo().unwrap(), None);

    let one = s.insert_entry(&full_entry(1, 10)).unwrap();
    assert_eq!(s.undo().unwrap(), Some(Undone::EntryCreated(one)));
    assert!(matches!(s.entry(one).unwrap_err(), StoreError::NotFound { what: "entry", .. }));
    assert_eq!(search_count(s, "walk"), 0);

    let two = s.insert_entry(&full_entry(2, 20)).unwrap();
    assert_ne!(two, one, "numbers are never reused");
    let mut edited = full_entry(2, 20);
    edited.situation = "changed my mind".into();
    edited.triggers = vec![slug("criticism")];
    edited.tags = vec![];
    s.update_entry(&edited).unwrap();
    assert_eq!(s.entry(two).unwrap().item, edited);
    assert_eq!(s.undo().unwrap(), Some(Undone::EntryEdited(two)));
    assert_eq!(s.entry(two).unwrap().item, full_entry(2, 20));
    assert_eq!(search_count(s, "changed"), 0);
    assert_eq!(search_count(s, "phone"), 1);

    s.delete_entry(two).unwrap();
    assert!(s.entry(two).is_err());
    assert!(s.resolve(&two.to_string()).is_err());
    assert_eq!(s.count_entries(&EntryFilter::default()).unwrap(), 0);
    assert!(matches!(s.delete_entry(two).unwrap_err(), StoreError::NotFound { .. }));
    assert_eq!(s.undo().unwrap(), Some(Undone::EntryDeleted(two)));
    assert_eq!(s.entry(two).unwrap().item, full_entry(2, 20));

    let c = s.insert_checkin(&checkin(3, 30, "a note")).unwrap();
    assert_eq!(s.undo().unwrap(), Some(Undone::CheckinCreated(c)));
    assert!(matches!(s.checkin(c).unwrap_err(), StoreError::NotFound { what: "check-in", .. }));
    assert_eq!(search_count(s, "note"), 0);

    let c2 = s.insert_checkin(&checkin(4, 40, "second note")).unwrap();
    s.delete_checkin(c2).unwrap();
    assert!(s.checkins(&CheckinFilter::default()).unwrap().is_empty());
    assert_eq!(s.undo().unwrap(), Some(Undone::CheckinDeleted(c2)));
    assert_eq!(s.checkin(c2).unwrap().item, checkin(4, 40, "second note"));
    assert_eq!(search_count(s, "second"), 1);

    // What is left: the check-in's creation, then the second entry's.
    assert_eq!(s.undo().unwrap(), Some(Undone::CheckinCreated(c2)));
    assert_eq!(s.undo().unwrap(), Some(Undone::EntryCreated(two)));
    assert_eq!(s.undo().unwrap(), None);
}

#[test]
fn undoing_an_edit_survives_a_rename_in_between() {
    let mut f = fixture(false);
    let mut e = entry(1, 1, "x");
    e.triggers = vec![slug("late-reply")];
    let seq = f.store.insert_entry(&e).unwrap();
    e.triggers = vec![];
    f.store.update_entry(&e).unwrap();
    f.store.rename_label(LabelKind::Trigger, &slug("late-reply"), "Slow answer").unwrap();
    assert_eq!(f.store.undo().unwrap(), Some(Undone::EntryEdited(seq)));
    assert_eq!(f.store.entry(seq).unwrap().item.triggers, vec![slug("slow-answer")]);
}

#[test]
fn updating_a_missing_entry_is_not_found() {
    let mut f = fixture(false);
    let err = f.store.update_entry(&entry(9, 1, "x")).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { what: "entry", .. }), "{err}");
}

// ---- ids ----------------------------------------------------------------------

#[test]
fn ids_resolve_by_number_check_in_number_and_uuid_prefix() {
    let mut f = fixture(false);
    let a = 0xaaaaaa01_0000_7000_8000_000000000001u128;
    let b = 0xaaaaaa02_0000_7000_8000_000000000002u128;
    let c = 0xbbbbbb01_0000_7000_8000_000000000003u128;
    let gone = 0xdddddd01_0000_7000_8000_000000000004u128;
    f.store.insert_entry(&entry(a, 1, "a")).unwrap();
    f.store.insert_entry(&entry(b, 2, "b")).unwrap();
    f.store.insert_checkin(&checkin(c, 3, "")).unwrap();
    let d = f.store.insert_entry(&entry(gone, 4, "d")).unwrap();
    f.store.delete_entry(d).unwrap();
    let s = &f.store;

    assert_eq!(s.resolve("1").unwrap(), RecordRef::Entry(1));
    assert_eq!(s.resolve(" 2 ").unwrap(), RecordRef::Entry(2));
    assert_eq!(s.resolve("c1").unwrap(), RecordRef::Checkin(1));
    assert_eq!(s.resolve("C1").unwrap(), RecordRef::Checkin(1));
    assert_eq!(s.resolve("aaaaaa01").unwrap(), RecordRef::Entry(1));
    assert_eq!(s.resolve("AAAAAA02-0000").unwrap(), RecordRef::Entry(2));
    assert_eq!(s.resolve(&rid(a).to_string()).unwrap(), RecordRef::Entry(1));
    assert_eq!(s.resolve(&rid(b).simple()).unwrap(), RecordRef::Entry(2));
    assert_eq!(s.resolve("bbbbbb").unwrap(), RecordRef::Checkin(1));
    assert_eq!(s.resolve("aaaaaa010000700080").unwrap(), RecordRef::Entry(1), "prefix across a dash");

    assert!(matches!(s.resolve("aaaaaa").unwrap_err(), StoreError::Ambiguous { count: 2, .. }));
    assert!(matches!(s.resolve("aaaaaa0").unwrap_err(), StoreError::Ambiguous { count: 2, .. }));
    for (given, what) in [
        ("99", "entry"),
        ("4", "entry"),
        ("c99", "check-in"),
        ("c2", "check-in"),
        ("abc", "entry or check-in"),
        ("dddddd", "entry or check-in"),
        ("zzzzzzz", "entry or check-in"),
        ("", "entry or check-in"),
        ("cccccc", "entry or check-in"),
        ("123456", "entry or check-in"),
    ] {
        match s.resolve(given) {
            Err(StoreError::NotFound { what: w, .. }) => assert_eq!(w, what, "{given}"),
            other => panic!("{given}: {other:?}"),
        }
    }
    assert_eq!(s.find_id(rid(c)).unwrap(), Some(RecordRef::Checkin(1)));
    assert_eq!(s.find_id(rid(gone)).unwrap(), None);
    assert_eq!(s.find_id(rid(12345)).unwrap(), None);
}

// ---- key cache ----------------------------------------------------------------

const CHILD_ENV: &str = "ATTUNE_STORE_TEST_KEYCACHE_DIR";

/// Run as a child process by `the_key_cache_is_shared_with_other_processes`;
/// does nothing in a normal test run.
#[test]
fn keycache_child_process() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    match keycache::get(Path::new(&dir)) {
        Some(key) => println!("CHILD-KEY={}", hex::encode(key.as_bytes())),
        None => println!("CHILD-KEY=none"),
    }
}

fn child_sees(dir: &Path) -> String {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["keycache_child_process", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // The harness prints "test … ... " before the child's own line.
    let value = stdout.lines().find_map(|l| l.split_once("CHILD-KEY=")).map(|(_, v)| v);
    value.unwrap_or("missing").trim().to_string()
}

#[cfg(target_os = "linux")]
#[test]
fn the_key_cache_is_shared_with_other_processes() {
    let tmp = tempfile::tempdir().unwrap();
    let key = DataKey::from_bytes(*b"0123456789abcdef0123456789abcdef");
    if let Err(why) = keycache::put(tmp.path(), &key, Duration::from_secs(60)) {
        eprintln!("skipping: no kernel keyring here ({why})");
        return;
    }
    assert_eq!(keycache::get(tmp.path()).unwrap().as_bytes(), key.as_bytes());
    assert_eq!(child_sees(tmp.path()), hex::encode(key.as_bytes()));
    // Another spelling of the same folder finds the same key.
    assert!(keycache::get(&tmp.path().join(".")).is_some());
    // Another store does not.
    let other = tempfile::tempdir().unwrap();
    assert!(keycache::get(other.path()).is_none());

    assert!(keycache::forget(tmp.path()));
    assert!(!keycache::forget(tmp.path()));
    assert!(keycache::get(tmp.path()).is_none());
    assert_eq!(child_sees(tmp.path()), "none");
}

#[cfg(target_os = "linux")]
#[test]
fn the_key_cache_forgets_after_its_time() {
    let tmp = tempfile::tempdir().unwrap();
    let key = DataKey::from_bytes([42; 32]);
    if keycache::put(tmp.path(), &key, Duration::from_secs(1)).is_err() {
        return;
    }
    assert!(keycache::get(tmp.path()).is_some());
    std::thread::sleep(Duration::from_millis(2_100));
    assert!(keycache::get(tmp.path()).is_none());
    keycache::forget(tmp.path());
}

#[test]
fn the_key_cache_needs_an_existing_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing");
    assert!(keycache::put(&missing, &DataKey::from_bytes([1; 32]), Duration::from_secs(5)).is_err());
    assert!(keycache::get(&missing).is_none());
    assert!(!keycache::forget(&missing));
}

#[test]
fn settings_round_trip_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::create(dir.path(), Protection::None).unwrap();
    assert_eq!(store.setting("country").unwrap(), None);
    store.set_setting("country", Some("ie")).unwrap();
    store.set_setting("country", Some("gb")).unwrap();
    drop(store);
    let mut store = Store::open_plain(dir.path()).unwrap();
    assert_eq!(store.setting("country").unwrap().as_deref(), Some("gb"));
    store.set_setting("country", None).unwrap();
    assert_eq!(store.setting("country").unwrap(), None);
}

/// An import writes its entries many to a statement; each entry must get
/// its own labels and tags, whatever statement it came in, in a journal
/// that already has entries (so numbers do not start at 1).
#[test]
fn entries_written_many_to_a_statement_keep_their_own_labels_and_tags() {
    let mut f = fixture(false);
    f.store.insert_entry(&entry(10_000, 1_600_000_000, "Already here")).unwrap();
    let triggers = [slug("late-reply"), slug("social-media"), slug("cancelled-plan")];
    let made = |i: u32| {
        let mut e = entry(u128::from(i), 1_700_000_000 + i64::from(i) * 60, &format!("Entry number{i}"));
        e.tags = (0..i % 3).map(|k| format!("tag{i}x{k}")).collect();
        if i.is_multiple_of(2) {
            e.triggers = vec![triggers[(i as usize / 2) % 3].clone()];
        }
        e
    };
    // 2,500 entries: runs of 1,024, statements of 32, and a short last one of each.
    let batch = attune_store::ImportBatch {
        entries: (0..2_500).map(|i| (ContentHash::of(&format!("many {i}")), made(i))).collect(),
        ..Default::default()
    };
    assert_eq!(f.store.import(&batch, false, &mut |_| {}).unwrap().entries, 2_500);
    assert!(f.store.integrity_ok().unwrap());
    for i in [0u32, 1, 2, 31, 32, 33, 1_023, 1_024, 1_025, 2_047, 2_048, 2_499] {
        let seq = 2 + i64::from(i);
        let row = f.store.entry(seq).unwrap();
        assert_eq!(row.item, made(i), "entry {i} (number {seq})");
        if let Some(tag) = row.item.tags.first() {
            assert_eq!(search_count(&f.store, tag), 1, "{tag}");
        }
    }
    assert_eq!(search_count(&f.store, "number2047"), 1);
}

#[test]
fn import_skips_records_repeated_in_the_file_or_already_there_and_indexes_the_rest() {
    let mut f = fixture(true);
    let mut tagged = entry(2, 1_700_000_100, "Quiet phone at dinner");
    tagged.triggers = vec![slug("late-reply")];
    tagged.tags = vec!["weekend".into()];
    let batch = attune_store::ImportBatch {
        entries: vec![
            (ContentHash::of("h1"), entry(1, 1_700_000_000, "No answer all evening")),
            (ContentHash::of("h2"), tagged),
            // The same record twice in one file (another id, the same content hash).
            (ContentHash::of("h1"), entry(3, 1_700_000_000, "No answer all evening")),
        ],
        checkins: vec![(ContentHash::of("h4"), checkin(4, 1_700_000_200, "talked it through"))],
        ..Default::default()
    };
    let n = f.store.import(&batch, false, &mut |_| {}).unwrap();
    assert_eq!((n.entries, n.checkins, n.already_there), (2, 1, 1));
    assert_eq!(entry_seqs(&f.store, &EntryFilter::default()).len(), 2);
    for word in ["answer", "quiet", "weekend", "late", "talked"] {
        assert_eq!(search_count(&f.store, word), 1, "{word}");
    }
    let again = f.store.import(&batch, false, &mut |_| {}).unwrap();
    assert_eq!((again.entries, again.checkins, again.already_there), (0, 0, 4));
    assert_eq!(search_count(&f.store, "answer"), 1);

    // A record with a trigger the journal lacks fails the whole import.
    let mut bad = entry(6, 1_700_000_400, "Never stored");
    bad.triggers = vec![slug("no-such-trigger")];
    let batch = attune_store::ImportBatch {
        entries: vec![
            (ContentHash::of("h5"), entry(5, 1_700_000_300, "Also never stored")),
            (ContentHash::of("h6"), bad),
        ],
        ..Default::default()
    };
    assert!(f.store.import(&batch, false, &mut |_| {}).is_err());
    assert_eq!(entry_seqs(&f.store, &EntryFilter::default()).len(), 2, "nothing of a failed import stays");
    assert_eq!(search_count(&f.store, "stored"), 0);
    // Its hashes were not kept either: the good record alone comes in.
    let good = attune_store::ImportBatch { entries: batch.entries[..1].to_vec(), ..Default::default() };
    assert_eq!(f.store.import(&good, false, &mut |_| {}).unwrap().entries, 1);
    assert_eq!(search_count(&f.store, "stored"), 1);
}

#[test]
fn an_import_puts_the_search_buffer_back_as_it_found_it() {
    let f = fixture(false);
    let mut store = f.store;
    let batch = attune_store::ImportBatch {
        entries: (1..=3_u8)
            .map(|i| {
                (
                    ContentHash::of(&format!("h{i}")),
                    entry(u128::from(i), 1_700_000_000 + i64::from(i), "No answer all evening"),
                )
            })
            .collect(),
        ..Default::default()
    };
    let buffer = |dir: &std::path::Path| -> Option<i64> {
        let conn = rusqlite::Connection::open(dir.join("attune.db")).unwrap();
        conn.query_row("SELECT v FROM entries_fts_config WHERE k = 'hashsize'", [], |r| r.get(0)).ok()
    };
    // A dry run rolls the setting back with everything else.
    store.import(&batch, true, &mut |_| {}).unwrap();
    assert_eq!(buffer(&f.dir), None);
    assert_eq!(store.import(&batch, false, &mut |_| {}).unwrap().entries, 3);
    assert_eq!(buffer(&f.dir), Some(1024 * 1024), "FTS5's default, as before the import");
    assert_eq!(search_count(&store, "answer"), 3);
}

#[test]
fn an_import_in_parts_is_one_transaction_and_sees_repeats_across_parts() {
    let mut f = fixture(true);
    let part = |from: u8, to: u8| attune_store::ImportBatch {
        entries: (from..=to)
            .map(|i| {
                (
                    ContentHash::of(&format!("h{i}")),
                    entry(u128::from(i), 1_700_000_000 + i64::from(i), "Waited for a reply"),
                )
            })
            .collect(),
        ..Default::default()
    };
    // The third part fails: the two before it are not kept.
    let mut failing =
        vec![Ok(part(1, 3)), Ok(part(4, 6)), Err(StoreError::Decode("the file broke off".into()))].into_iter();
    let err = f.store.import_parts(&mut failing, false, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("the file broke off"), "{err}");
    assert!(entry_seqs(&f.store, &EntryFilter::default()).is_empty());
    assert_eq!(search_count(&f.store, "reply"), 0);

    // A record repeated in a later part is counted once; every part is searchable.
    let mut parts = vec![Ok::<_, StoreError>(part(1, 3)), Ok(part(3, 5))].into_iter();
    let mut seen = Vec::new();
    let n = f.store.import_parts(&mut parts, false, &mut |done| seen.push(done)).unwrap();
    assert_eq!((n.entries, n.already_there), (5, 1));
    assert_eq!(seen.last(), Some(&6), "progress counts every record of every part");
    assert_eq!(search_count(&f.store, "reply"), 5);
}

#[test]
fn a_record_id_repeated_in_one_file_is_counted_once_in_a_new_journal_or_not() {
    // Into a new journal the store does not ask the tables about each
    // record; a repeated id must still be caught, for entries and check-ins.
    for journal_had_entries in [false, true] {
        let mut f = fixture(false);
        if journal_had_entries {
            f.store.insert_entry(&entry(9, 1_600_000_000, "Already here")).unwrap();
        }
        let batch = attune_store::ImportBatch {
            entries: vec![
                (ContentHash::of("a"), entry(1, 1_700_000_000, "First telling")),
                (ContentHash::of("b"), entry(1, 1_700_000_000, "Same id, other words")),
            ],
            checkins: vec![
                (ContentHash::of("c"), checkin(2, 1_700_000_100, "calm")),
                (ContentHash::of("d"), checkin(2, 1_700_000_100, "calm again")),
            ],
            ..Default::default()
        };
        let n = f.store.import(&batch, false, &mut |_| {}).unwrap();
        assert_eq!((n.entries, n.checkins, n.already_there), (1, 1, 2), "journal had entries: {journal_had_entries}");
        assert_eq!(search_count(&f.store, "telling"), 1);
        assert_eq!(search_count(&f.store, "words"), 0);
    }
}

#[test]
fn a_plain_journal_opens_only_when_asked_for() {
    let f = fixture(false);
    drop(f.store);
    // A journal swapped for a plain one must not take entries silently.
    let err = Store::open(&f.dir, None).unwrap_err();
    assert!(matches!(&err, StoreError::Plain(p) if p == &f.dir), "{err}");
    assert!(err.to_string().contains("not encrypted"), "{err}");
    Store::open_plain(&f.dir).unwrap();
    // The explicit way does not open an encrypted journal without its key.
    let g = fixture(true);
    drop(g.store);
    assert!(matches!(Store::open_plain(&g.dir).unwrap_err(), StoreError::NeedsKey));
}

#[test]
fn a_plain_backup_is_not_restored_over_an_encrypted_journal_unless_asked_for() {
    let mut plain = fixture(false);
    plain.store.insert_entry(&entry(1, 1, "made by someone else")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let backup = out.path().join("plain.db");
    plain.store.backup(&backup).unwrap();
    let mut f = fixture(true);
    f.store.insert_entry(&entry(2, 2, "my own words")).unwrap();
    drop(f.store);
    let before = folder_bytes(&f.dir);
    let beside = names_beside(&f.dir);
    let err = Store::restore(&f.dir, &backup, None).unwrap_err();
    assert!(matches!(&err, StoreError::Plain(p) if p == &backup), "{err}");
    assert_eq!(folder_bytes(&f.dir), before, "nothing changed");
    assert_eq!(names_beside(&f.dir), beside, "nothing left beside the journal");
    let store = Store::open(&f.dir, f.key.as_ref()).unwrap();
    assert_eq!(store.entry(1).unwrap().item.situation, "my own words");
    drop(store);
    // Asked for explicitly, it is restored (the encrypted journal is kept aside).
    let restored = Store::restore_plain(&f.dir, &backup).unwrap();
    assert!(restored.previous.is_some());
    assert_eq!(Store::open_plain(&f.dir).unwrap().entry(1).unwrap().item.situation, "made by someone else");
}
