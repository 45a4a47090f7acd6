//! Versioned schema migrations. An applied migration is never edited.
//!
//! The schema version lives in `PRAGMA user_version`. Migration `n` (1-based)
//! is `MIGRATIONS[n - 1]`; every pending one runs in a single transaction, so
//! a failure leaves the database as it was. A change to the schema is always
//! a new entry at the end of the list, plus a test that upgrades a database
//! made by the previous version (see the tests below). `CHECKSUMS` makes an
//! accidental edit of a shipped migration fail the test suite.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::StoreError;

/// 1: the journal's core tables.
///
/// - `entries` / `checkins`: one row per record. `seq` is AUTOINCREMENT so a
///   number people typed once never points at another record later; `id` is
///   the record's UUID (hyphenated, lower case) for exports and sync. Times
///   are Unix milliseconds plus the offset (seconds) and IANA zone the person
///   was in. Deletes are soft (`deleted_at`, Unix ms) so undo can restore.
///   Signs and sources are bit masks in vocabulary order (`Sign::index`).
///   Check-in consequences are a JSON object (`{"blame": 2}`) so a new
///   consequence needs no migration.
/// - `labels`: the person's trigger and feeling lists. Entries point at label
///   rows (`entry_labels`), not at names, so a rename shows on old entries;
///   a merge re-points the rows and leaves the old label `merged_into` the new.
/// - `entry_tags`: free tags, in the order given.
/// - Partial indexes on the time columns cover the usual "newest N live
///   records" read, whatever the journal's size.
const V1: &str = r#"
CREATE TABLE labels (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('trigger', 'feeling')),
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    merged_into INTEGER REFERENCES labels (id),
    UNIQUE (kind, slug)
);

CREATE TABLE entries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    occurred_ms     INTEGER NOT NULL,
    occurred_offset INTEGER NOT NULL,
    occurred_zone   TEXT,
    recorded_ms     INTEGER NOT NULL,
    recorded_offset INTEGER NOT NULL,
    recorded_zone   TEXT,
    situation       TEXT    NOT NULL,
    thoughts        TEXT    NOT NULL DEFAULT '',
    fear            TEXT    NOT NULL DEFAULT '',
    helped          TEXT    NOT NULL DEFAULT '',
    intensity       INTEGER CHECK (intensity BETWEEN 0 AND 10),
    signs_mask      INTEGER NOT NULL DEFAULT 0,
    sources_mask    INTEGER NOT NULL DEFAULT 0,
    starred         INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
    deleted_at      INTEGER
);
CREATE INDEX entries_live_by_time ON entries (occurred_ms DESC, seq DESC) WHERE deleted_at IS NULL;

CREATE TABLE entry_labels (
    entry_seq INTEGER NOT NULL REFERENCES entries (seq),
    label_id  INTEGER NOT NULL REFERENCES labels (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (entry_seq, label_id)
) WITHOUT ROWID;
CREATE INDEX entry_labels_by_label ON entry_labels (label_id, entry_seq);

CREATE TABLE entry_tags (
    entry_seq INTEGER NOT NULL REFERENCES entries (seq),
    tag       TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (entry_seq, tag)
) WITHOUT ROWID;
CREATE INDEX entry_tags_by_tag ON entry_tags (tag, entry_seq);

CREATE TABLE checkins (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    at_ms        INTEGER NOT NULL,
    at_offset    INTEGER NOT NULL,
    at_zone      TEXT,
    security     INTEGER NOT NULL CHECK (security BETWEEN 0 AND 10),
    seen         INTEGER CHECK (seen BETWEEN 0 AND 10),
    trusted      INTEGER CHECK (trusted BETWEEN 0 AND 10),
    respected    INTEGER CHECK (respected BETWEEN 0 AND 10),
    consequences TEXT    NOT NULL DEFAULT '{}',
    note         TEXT    NOT NULL DEFAULT '',
    deleted_at   INTEGER
);
CREATE INDEX checkins_live_by_time ON checkins (at_ms DESC, seq DESC) WHERE deleted_at IS NULL;
"#;

/// 2: full-text search and undo.
///
/// - `entries_fts` (rowid = `entries.seq`) holds every searchable text of a
///   live entry: the four text fields, the names and slugs of its triggers
///   and feelings, and its tags. It is written by the store in the same
///   transaction as the entry (and again for affected entries after a label
///   rename or merge); deleted entries are removed from it. It keeps its own
///   copy of the text because `snippet()` needs it; like every page, that copy
///   is encrypted by SQLCipher.
/// - `checkins_fts` (rowid = `checkins.seq`) holds non-empty check-in notes.
/// - `undo_log`: one row per undoable action, newest last. `before` holds the
///   JSON of an entry before an edit. `undone` marks actions already reverted.
///
/// Existing rows are indexed here, so a journal from version 1 is searchable
/// right after the upgrade.
const V2: &str = r#"
CREATE VIRTUAL TABLE entries_fts USING fts5 (
    situation, thoughts, fear, helped, labels, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE checkins_fts USING fts5 (
    note,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO entries_fts (rowid, situation, thoughts, fear, helped, labels, tags)
SELECT e.seq, e.situation, e.thoughts, e.fear, e.helped,
       coalesce((SELECT group_concat(l.name || ' ' || l.slug, ' ')
                   FROM entry_labels el JOIN labels l ON l.id = el.label_id
                  WHERE el.entry_seq = e.seq), ''),
       coalesce((SELECT group_concat(t.tag, ' ') FROM entry_tags t WHERE t.entry_seq = e.seq), '')
  FROM entries e
 WHERE e.deleted_at IS NULL;

INSERT INTO checkins_fts (rowid, note)
SELECT seq, note FROM checkins WHERE deleted_at IS NULL AND note <> '';

CREATE TABLE undo_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    action     TEXT    NOT NULL CHECK (action IN
                   ('entry-create', 'entry-edit', 'entry-delete', 'checkin-create', 'checkin-delete')),
    record_seq INTEGER NOT NULL,
    before     TEXT,
    undone     INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
);
CREATE INDEX undo_log_pending ON undo_log (id) WHERE undone = 0;
"#;

/// Every migration, oldest first. Append only.
/// 3: per-journal settings (country for safety resources, safety mode, …).
/// They live inside the encrypted database, not in the plain config file,
/// because some of them (safety mode) are themselves private.
const V3: &str = r#"
CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// Self-assessments (issue 4).
///
/// - `assessments`: one row per finished questionnaire: the instrument's id,
///   version and title at the time, when it was finished (Unix ms, offset,
///   zone), the answers (JSON object, item id → value; skipped items are
///   absent) and the scores (JSON array, one object per subscale), so a
///   result stays readable even if the questionnaire's file changes later.
///   `seq` is never reused; `deleted_at` is for a later delete/undo.
/// - `assessment_sessions`: at most one questionnaire in progress per
///   instrument, saved after every answer so it can be stopped and resumed.
const ASSESSMENTS: &str = r#"
CREATE TABLE assessments (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    instrument TEXT    NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    title      TEXT    NOT NULL,
    at_ms      INTEGER NOT NULL,
    at_offset  INTEGER NOT NULL,
    at_zone    TEXT,
    answers    TEXT    NOT NULL DEFAULT '{}',
    scores     TEXT    NOT NULL DEFAULT '[]',
    deleted_at INTEGER
);
CREATE INDEX assessments_by_instrument ON assessments (instrument, at_ms DESC, seq DESC) WHERE deleted_at IS NULL;

CREATE TABLE assessment_sessions (
    instrument     TEXT    NOT NULL PRIMARY KEY,
    version        INTEGER NOT NULL CHECK (version >= 1),
    title          TEXT    NOT NULL,
    started_ms     INTEGER NOT NULL,
    started_offset INTEGER NOT NULL,
    started_zone   TEXT,
    updated_ms     INTEGER NOT NULL,
    updated_offset INTEGER NOT NULL,
    updated_zone   TEXT,
    position       INTEGER NOT NULL CHECK (position >= 0),
    answers        TEXT    NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
"#;

/// The plan and the conversation toolkit (issue 5).
///
/// - `needs`: what I need to feel safe; `slug` is a framework id
///   ("transparency") or derived from my own words.
/// - `trigger_plans`: one per trigger, keyed by the trigger's row in
///   `labels` (not its name), so a rename carries the plan along. `status`
///   is proposed / agreed / revisit with its day (`YYYY-MM-DD`).
/// - `agreements` + `agreement_history`: what we decided together; the
///   rhythm and review interval are JSON (`Rhythm`, `ReviewEvery` in
///   attune-core) so new rhythm shapes need no migration. Dates are
///   `YYYY-MM-DD`. Every change appends a history row with the words at
///   that point.
/// - `pauses`: each pause-timer run (planned and actual seconds, ended
///   early, reconvened or not).
/// - `activities`, `supporters`, `affirmations`: self-worth. An affirmation
///   row is either my own words (`text`) or a suggestion from content
///   (`suggestion` id, `text` NULL until I edit it); `shown` counts how often
///   it was shown, so none repeats until all were shown.
const PLAN_TOOLKIT: &str = r#"
CREATE TABLE needs (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL UNIQUE,
    slug           TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    looks_like     TEXT    NOT NULL DEFAULT '',
    known          INTEGER NOT NULL DEFAULT 0 CHECK (known IN (0, 1)),
    created_ms     INTEGER NOT NULL,
    created_offset INTEGER NOT NULL,
    created_zone   TEXT
);

CREATE TABLE trigger_plans (
    label_id       INTEGER NOT NULL PRIMARY KEY REFERENCES labels (id),
    id             TEXT    NOT NULL UNIQUE,
    for_myself     TEXT    NOT NULL DEFAULT '',
    ask_partner    TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL CHECK (status IN ('proposed', 'agreed', 'revisit')),
    status_on      TEXT,
    updated_ms     INTEGER NOT NULL,
    updated_offset INTEGER NOT NULL,
    updated_zone   TEXT,
    CHECK ((status = 'proposed') = (status_on IS NULL))
);

CREATE TABLE agreements (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL UNIQUE,
    kind           TEXT    NOT NULL CHECK (kind IN ('check-in', 'ritual', 'words', 'reconnect', 'pause-rule', 'other')),
    text           TEXT    NOT NULL,
    proposed_by    TEXT    NOT NULL CHECK (proposed_by IN ('me', 'partner', 'both')),
    agreed_on      TEXT,
    rhythm         TEXT,
    pause_minutes  INTEGER CHECK (pause_minutes BETWEEN 1 AND 120),
    review_on      TEXT,
    review_every   TEXT,
    retired_on     TEXT,
    created_ms     INTEGER NOT NULL,
    created_offset INTEGER NOT NULL,
    created_zone   TEXT
);

CREATE TABLE agreement_history (
    agreement_seq INTEGER NOT NULL REFERENCES agreements (seq),
    n             INTEGER NOT NULL,
    change        TEXT    NOT NULL CHECK (change IN ('created', 'revised', 'agreed', 'reviewed', 'retired', 'restored')),
    text          TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    at_ms         INTEGER NOT NULL,
    at_offset     INTEGER NOT NULL,
    at_zone       TEXT,
    PRIMARY KEY (agreement_seq, n)
) WITHOUT ROWID;

CREATE TABLE pauses (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL UNIQUE,
    started_ms     INTEGER NOT NULL,
    started_offset INTEGER NOT NULL,
    started_zone   TEXT,
    planned_secs   INTEGER NOT NULL CHECK (planned_secs > 0),
    actual_secs    INTEGER NOT NULL CHECK (actual_secs >= 0),
    ended_early    INTEGER NOT NULL CHECK (ended_early IN (0, 1)),
    reconvened     INTEGER CHECK (reconvened IN (0, 1))
);
CREATE INDEX pauses_by_time ON pauses (started_ms DESC, seq DESC);

CREATE TABLE activities (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    at_ms      INTEGER NOT NULL,
    at_offset  INTEGER NOT NULL,
    at_zone    TEXT,
    what       TEXT    NOT NULL,
    category   TEXT    NOT NULL CHECK (category IN ('work', 'hobby', 'volunteering', 'art', 'sport', 'friends', 'other')),
    minutes    INTEGER CHECK (minutes BETWEEN 1 AND 1440),
    felt       INTEGER CHECK (felt BETWEEN 0 AND 10),
    note       TEXT    NOT NULL DEFAULT '',
    deleted_at INTEGER
);
CREATE INDEX activities_live_by_time ON activities (at_ms DESC, seq DESC) WHERE deleted_at IS NULL;

CREATE TABLE supporters (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    relation     TEXT    NOT NULL DEFAULT '',
    last_contact TEXT,
    can_call     INTEGER NOT NULL DEFAULT 0 CHECK (can_call IN (0, 1)),
    note         TEXT    NOT NULL DEFAULT '',
    removed      INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
);

CREATE TABLE affirmations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    text       TEXT,
    suggestion TEXT    UNIQUE,
    starred    INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
    removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    shown      INTEGER NOT NULL DEFAULT 0 CHECK (shown >= 0),
    CHECK (text IS NOT NULL OR suggestion IS NOT NULL)
);
"#;

/// Insights (issue 3): a covering index for reading whole stretches of
/// history for statistics (`Store::entry_facts`). It holds every
/// column an analysis reads, in time order, so the read never touches the
/// table's rows and their long texts: with SQLCipher every page read is a
/// page decrypted, and the texts are most of the pages. (`deleted_at`, always
/// NULL here, is listed so SQLite counts the index as covering the query's
/// `deleted_at IS NULL`.)
const STATS_INDEX: &str = r#"
CREATE INDEX entries_stats ON entries (
    occurred_ms, seq, id, occurred_offset, occurred_zone, recorded_ms, recorded_offset, recorded_zone,
    intensity, signs_mask, sources_mask, starred, deleted_at
) WHERE deleted_at IS NULL;
"#;

/// Deleted entries, found without reading the table: counts over the small
/// link tables (`Store::tag_counts`) take everything and subtract what
/// belongs to deleted entries, which are few. Reading the entries' own pages
/// instead would decrypt most of the file.
const DELETED_INDEX: &str = r#"
CREATE INDEX entries_deleted ON entries (seq) WHERE deleted_at IS NOT NULL;
"#;

/// Imports (issue 7): the content hash of every record brought in by
/// `attune import`, so importing the same file (or the same records from
/// another export of it) twice adds nothing. `record_id` is the UUID the
/// record got here.
const IMPORT_HASHES: &str = r#"
CREATE TABLE import_hashes (
    hash      TEXT NOT NULL PRIMARY KEY,
    record_id TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// Faster imports (issue 7): the search tables keep no copy of the text.
/// Search only asks them which rows match (`SELECT rowid … MATCH`) and cuts
/// snippets from the records themselves, so the copy (a quarter of a big
/// journal's pages, each written, encrypted and checkpointed) served
/// nothing. `contentless_delete` lets the store delete and rewrite a row by
/// its rowid alone, as it did before; `detail` stays full, so phrase and
/// prefix queries work as before. Every live record is indexed again here.
const CONTENTLESS_FTS: &str = r#"
DROP TABLE entries_fts;
CREATE VIRTUAL TABLE entries_fts USING fts5 (
    situation, thoughts, fear, helped, labels, tags,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO entries_fts (rowid, situation, thoughts, fear, helped, labels, tags)
SELECT e.seq, e.situation, e.thoughts, e.fear, e.helped,
       coalesce((SELECT group_concat(l.name || ' ' || l.slug, ' ')
                   FROM entry_labels el JOIN labels l ON l.id = el.label_id
                  WHERE el.entry_seq = e.seq), ''),
       coalesce((SELECT group_concat(t.tag, ' ') FROM entry_tags t WHERE t.entry_seq = e.seq), '')
  FROM entries e
 WHERE e.deleted_at IS NULL;

DROP TABLE checkins_fts;
CREATE VIRTUAL TABLE checkins_fts USING fts5 (
    note,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO checkins_fts (rowid, note)
SELECT seq, note FROM checkins WHERE deleted_at IS NULL AND note <> '';
"#;

/// Faster insights (issue 6): each entry's labels, also as one column in the
/// statistics index, so reading a stretch of history is one walk of that
/// index instead of that walk plus one row of `entry_labels` per label (two
/// to three times as many rows). `label_list` is derived: the entry's label
/// ids in order of position, then id, comma-separated ('' for none); the
/// store writes it with the labels (`store::label_list`) and
/// `Store::integrity_ok` checks it against `entry_labels`. The index keeps
/// only the columns the statistics read.
const LABEL_LISTS: &str = r#"
ALTER TABLE entries ADD COLUMN label_list TEXT NOT NULL DEFAULT '';
UPDATE entries SET label_list = coalesce(
    (SELECT group_concat(el.label_id, ',' ORDER BY el.position, el.label_id)
       FROM entry_labels el WHERE el.entry_seq = entries.seq), '');
DROP INDEX entries_stats;
CREATE INDEX entries_stats ON entries (
    occurred_ms, seq, id, occurred_offset, occurred_zone, intensity, signs_mask, sources_mask, label_list,
    deleted_at
) WHERE deleted_at IS NULL;
"#;

/// Faster imports (issue 7): import hashes and record ids as bytes, not
/// text: a third of the size (100,000 records: 12 MB of pages before), and
/// nothing to format per record. Hashes that are not hex were made from an
/// attune export's record ids ("attune:entry:<id>"); they are left out, as
/// those records are recognised by their ids.
const IMPORT_HASH_BYTES: &str = r#"
CREATE TABLE import_hashes_new (
    hash      BLOB NOT NULL PRIMARY KEY,
    record_id BLOB NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO import_hashes_new (hash, record_id)
SELECT unhex(hash), unhex(replace(record_id, '-', ''))
  FROM import_hashes
 WHERE length(hash) = 64 AND unhex(hash) IS NOT NULL AND unhex(replace(record_id, '-', '')) IS NOT NULL;
DROP TABLE import_hashes;
ALTER TABLE import_hashes_new RENAME TO import_hashes;
"#;

/// Safety plans: the person's crisis plan and staying-safe plan, one row
/// each. `plan` is the checked plan as JSON (kind, sections with their
/// entries, when it was saved), so a section added to a plan later needs
/// no migration; it is read back through core's validation. Like every
/// page, it is encrypted by SQLCipher.
const SAFETY_PLANS: &str = r#"
CREATE TABLE safety_plans (
    kind       TEXT    NOT NULL PRIMARY KEY CHECK (kind IN ('crisis', 'staying-safe')),
    plan       TEXT    NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
"#;

/// The undo window (issue 20): an undo record says when it was made
/// (`at_ms`, Unix ms from SQLite's clock, like `deleted_at`), so that undo
/// records and the deleted records they could bring back are removed for
/// good once older than the window. The partial indexes find what is past
/// the window with one index seek, so the check at every open costs nothing when there is
/// nothing to remove. What was deleted before this migration counts as
/// deleted at the upgrade, so nothing is removed by the upgrade itself.
const UNDO_WINDOW: &str = r#"
ALTER TABLE undo_log ADD COLUMN at_ms INTEGER;
UPDATE undo_log SET at_ms = CAST(unixepoch('subsec') * 1000 AS INTEGER);
UPDATE entries SET deleted_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE deleted_at IS NOT NULL;
UPDATE checkins SET deleted_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE deleted_at IS NOT NULL;
UPDATE activities SET deleted_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE deleted_at IS NOT NULL;
CREATE INDEX undo_log_by_time ON undo_log (at_ms);
CREATE INDEX entries_deleted_at ON entries (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX checkins_deleted_at ON checkins (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX activities_deleted_at ON activities (deleted_at) WHERE deleted_at IS NOT NULL;
"#;

/// Every migration, oldest first. Append only.
const MIGRATIONS: &[&str] = &[
    V1,
    V2,
    V3,
    ASSESSMENTS,
    PLAN_TOOLKIT,
    STATS_INDEX,
    DELETED_INDEX,
    IMPORT_HASHES,
    CONTENTLESS_FTS,
    LABEL_LISTS,
    IMPORT_HASH_BYTES,
    SAFETY_PLANS,
    UNDO_WINDOW,
];

/// The schema version this build writes.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

fn user_version(conn: &Connection) -> Result<i64, rusqlite::Error> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the database to the newest schema.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, latest())
}

/// Applies the migrations up to `target` (tests build old databases with it).
/// A database newer than this build is refused, untouched.
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    let known = latest();
    let target = target.min(known);
    let found = user_version(conn)?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    if found >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated.
    let found = user_version(&tx)?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for version in (found + 1)..=target {
        let sql = usize::try_from(version - 1).ok().and_then(|i| MIGRATIONS.get(i)).copied().unwrap_or("");
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// SHA-256 of each shipped migration. If this test fails you edited a
    /// migration that databases in the wild have already applied: revert it
    /// and add a new migration instead.
    const CHECKSUMS: &[&str] = &[
        "c3ac71e8e6553e3738a2eb117b9c21c30d619f0a90ef19146630a5b863ce5709",
        "60dd86e6963f5c3d1f5a81c24ebe46e71ebf9d86669db3f217cd2c194335ef9a",
        "ac5aa128e500f6f4b7a92babb91b4682e603e44495c5e1286f6e85c6b1e8e53d",
        "3b4450cd22ef62f681c5f7258dab8808c4ef0f237359decf27b7a6f86433e723",
        "c56d6a4c603db26ab3dbbec80fe2d11acd4815d4d81ca1e9319fd5a046637955",
        "5f12ee9acabfbe0a880b1b61908f21846ced4f0f9f565e1e2216d364b8166c75",
        "8bef333b7c19d3eaef6a17fe3242b96b5a997767c8cf446eccd9531cc2f4ac94",
        "beacf4ccf60d661cba63d0331aab20e08ea5231e6a3a2b68149e1ae1c79083a9",
        "dda38ea779331624d8b59ed752fc0cf26e0757ae10cbb8bdb24c3b6db3128e4c",
        "863b476bb862203553427cd286904eb32499eab7e36f47592ea89cd0f90e66a8",
        "d144a2f230ad7e676f245337473433b4df004fce5587e5f0235024221cf7176d",
        "a4171f227c3031dcd7f0d27be46fda7c5b3ac3dab9451fe3cfd7db1b1182b5fa",
        "7d0d6d28246ee68b15b222ba6369dc79ca12b6437deb827923d79cab96d43aec",
    ];

    #[test]
    fn shipped_migrations_are_never_edited() {
        // Line endings are normalised so a checkout with CRLF still passes.
        let actual: Vec<String> =
            MIGRATIONS.iter().map(|m| hex::encode(Sha256::digest(m.replace("\r\n", "\n").as_bytes()))).collect();
        assert_eq!(actual, CHECKSUMS, "a shipped migration changed");
    }

    #[test]
    fn migrations_apply_in_order_and_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 1).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 1);
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest());
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { found: 99, known } if known == latest()), "{err}");
        assert_eq!(user_version(&conn).unwrap(), 99);
    }

    #[test]
    fn a_failing_migration_leaves_the_database_unchanged() {
        let mut conn = Connection::open_in_memory().unwrap();
        // A table that migration 1 wants to create makes it fail half way.
        conn.execute_batch("CREATE TABLE checkins (x)").unwrap();
        assert!(migrate(&mut conn).is_err());
        assert_eq!(user_version(&conn).unwrap(), 0);
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'entries'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0);
    }

    /// Invariant 5: a database made by the version-1 schema (data written
    /// with plain SQL, the way that release wrote it) opens with the current
    /// code, keeps its data and becomes searchable.
    #[test]
    fn a_version_1_database_upgrades_with_its_data() {
        use crate::keyfile::{self, KeyFile};
        use crate::{DB_FILE, EntryFilter, RecordRef, Store};

        let dir = tempfile::tempdir().unwrap();
        keyfile::write(dir.path(), &KeyFile::Plain).unwrap();
        {
            let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            migrate_to(&mut conn, 1).unwrap();
            conn.execute_batch(
                r#"
                INSERT INTO labels (id, kind, slug, name) VALUES
                    (1, 'trigger', 'late-reply', 'Late or no reply'),
                    (2, 'feeling', 'anxious', 'Anxious');
                INSERT INTO entries (seq, id, occurred_ms, occurred_offset, occurred_zone,
                                     recorded_ms, recorded_offset, recorded_zone,
                                     situation, thoughts, fear, helped, intensity,
                                     signs_mask, sources_mask, starred)
                VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 3600, 'Europe/Berlin',
                        1700000100000, 3600, NULL,
                        'No answer all evening', 'maybe he is bored of me', 'being left', 'a walk', 7,
                        5, 2, 1);
                INSERT INTO entry_labels (entry_seq, label_id, position) VALUES (1, 1, 0), (1, 2, 0);
                INSERT INTO entry_tags (entry_seq, tag, position) VALUES (1, 'weekend', 0);
                INSERT INTO checkins (seq, id, at_ms, at_offset, security, seen, consequences, note)
                VALUES (1, '01890000-0000-7000-8000-000000000002', 1700000200000, 0, 6, 4,
                        '{"blame":2}', 'talked it through');
                "#,
            )
            .unwrap();
        }

        let store = Store::open_plain(dir.path()).unwrap();
        let row = store.entry(1).unwrap();
        let e = &row.item;
        assert_eq!(e.situation, "No answer all evening");
        assert_eq!(e.occurred.zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(e.occurred.offset_seconds, 3600);
        assert_eq!(e.triggers[0].as_str(), "late-reply");
        assert_eq!(e.feelings[0].as_str(), "anxious");
        assert_eq!(e.tags, vec!["weekend"]);
        assert_eq!(e.intensity.map(|i| i.get()), Some(7));
        assert_eq!(e.signs.len(), 2);
        assert!(e.starred);
        assert_eq!(store.count_entries(&EntryFilter::default()).unwrap(), 1);
        let c = store.checkin(1).unwrap().item;
        assert_eq!(c.consequences.values().copied().collect::<Vec<_>>(), vec![2]);

        for word in ["answer", "bored", "left", "walk", "weekend", "late", "anxious"] {
            let (hits, total) = store.search(word, 10).unwrap();
            assert_eq!(total, 1, "{word}");
            assert_eq!(hits.len(), 1, "{word}");
        }
        assert_eq!(store.search("talked", 10).unwrap().1, 1);
        // New writes continue the old numbering, and undo works on them.
        assert_eq!(store.resolve("c1").unwrap(), RecordRef::Checkin(1));
    }

    /// A plain journal migrated to just before `migration`, filled by `fill`
    /// as that older build would have left it; the folder and `migration`'s
    /// version. The connection is closed before the store opens it.
    fn version_of(migration: &str) -> i64 {
        MIGRATIONS.iter().position(|m| *m == migration).unwrap() as i64 + 1
    }

    fn journal_just_before(migration: &str, fill: impl FnOnce(&Connection)) -> (tempfile::TempDir, i64) {
        use crate::DB_FILE;
        use crate::keyfile::{self, KeyFile};

        let version = version_of(migration);
        let dir = tempfile::tempdir().unwrap();
        keyfile::write(dir.path(), &KeyFile::Plain).unwrap();
        let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        migrate_to(&mut conn, version - 1).unwrap();
        fill(&conn);
        (dir, version)
    }

    /// Invariant 5 for the assessments migration: a journal made by the
    /// version just before it (whatever number that is) upgrades with its
    /// entries, check-ins and settings intact, and then keeps assessments.
    #[test]
    fn a_journal_from_before_assessments_upgrades_with_its_data() {
        use attune_core::assess::{Session, SubscaleScore, Taken};
        use attune_core::{Moment, RecordId};

        use crate::Store;

        let mine = version_of(ASSESSMENTS);
        let (dir, _) = journal_just_before(ASSESSMENTS, |conn| {
            assert_eq!(user_version(conn).unwrap(), mine - 1);
            conn.execute_batch(
                r#"
                INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset,
                                     situation, intensity, sources_mask)
                VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 3600,
                        1700000100000, 3600, 'No answer all evening', 6, 4);
                INSERT INTO checkins (seq, id, at_ms, at_offset, security, seen, trusted, respected)
                VALUES (1, '01890000-0000-7000-8000-000000000002', 1700000200000, 0, 6, 4, 5, 7);
                INSERT INTO settings (key, value) VALUES ('country', 'nl');
                "#,
            )
            .unwrap();
            let tables: i64 = conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE name LIKE 'assessment%'", [], |r| r.get(0))
                .unwrap();
            assert_eq!(tables, 0, "the previous version has no assessment tables");
        });

        let mut store = Store::open_plain(dir.path()).unwrap();
        assert_eq!(store.entry(1).unwrap().item.situation, "No answer all evening");
        assert_eq!(store.checkin(1).unwrap().item.respected, Some(7));
        assert_eq!(store.setting("country").unwrap().as_deref(), Some("nl"));
        assert!(store.assessments(None).unwrap().is_empty());

        let at = Moment::with_offset(jiff::Timestamp::from_millisecond(1_700_000_300_000).unwrap(), 3600);
        let session = Session {
            instrument: "how-it-shows".into(),
            version: 1,
            title: "How it shows".into(),
            started: at.clone(),
            updated: at.clone(),
            position: 1,
            answers: [("fr-1".to_string(), 2)].into(),
        };
        store.save_assessment_session(&session).unwrap();
        let taken = Taken {
            id: RecordId::from_uuid(uuid::Uuid::from_u128(7)),
            instrument: "how-it-shows".into(),
            version: 1,
            title: "How it shows".into(),
            at,
            answers: [("fr-1".to_string(), 2)].into(),
            scores: vec![SubscaleScore {
                subscale: "fear-of-rejection".into(),
                items: 2,
                answered: 1,
                score: Some(2.0),
                min: 0.0,
                max: 3.0,
                z: None,
                percentile: None,
                band: Some("on many days".into()),
            }],
        };
        store.save_assessment(&taken).unwrap();
        assert_eq!(store.assessments(Some("how-it-shows")).unwrap(), vec![taken]);
        assert_eq!(store.assessment_session("how-it-shows").unwrap(), None, "finishing ends the session");
    }

    /// The insights index: a database made just before it upgrades, and
    /// the statistics read finds its old entries (through the index; the
    /// store's tests check that the read uses it).
    #[test]
    fn the_stats_index_upgrades_old_entries_and_covers_the_read() {
        use crate::Store;

        let (dir, _) = journal_just_before(STATS_INDEX, |conn| {
            conn.execute_batch(
                r#"
                INSERT INTO labels (id, kind, slug, name) VALUES (1, 'trigger', 'late-reply', 'Late or no reply');
                INSERT INTO entries (seq, id, occurred_ms, occurred_offset, occurred_zone,
                                     recorded_ms, recorded_offset, situation, intensity, signs_mask)
                VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 3600, 'Europe/Berlin',
                        1700000100000, 3600, 'No answer all evening', 7, 1),
                       (2, '01890000-0000-7000-8000-000000000002', 1600000000000, 0, NULL,
                        1600000000000, 0, 'Older', NULL, 0);
                INSERT INTO entry_labels (entry_seq, label_id, position) VALUES (1, 1, 0);
                "#,
            )
            .unwrap();
        });
        let store = Store::open_plain(dir.path()).unwrap();
        let (seqs, facts) = store.entry_facts(None, None).unwrap();
        assert_eq!(seqs, vec![2, 1]);
        let newer = &facts.entries[1];
        assert_eq!(facts.labels[facts.triggers(newer)[0] as usize].as_str(), "late-reply");
        assert_eq!(facts.occurred(newer).zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(newer.intensity.map(|i| i.get()), Some(7));
    }

    /// The deleted-entries index: entries deleted before the upgrade are in
    /// it, so tag counts leave them out from the first open.
    #[test]
    fn the_deleted_index_upgrades_old_deletions() {
        use crate::Store;

        let (dir, _) = journal_just_before(DELETED_INDEX, |conn| {
            conn.execute_batch(
                r#"
                INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset,
                                     situation, deleted_at)
                VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 0, 1700000000000, 0, 'kept', NULL),
                       (2, '01890000-0000-7000-8000-000000000002', 1700000001000, 0, 1700000001000, 0, 'gone',
                        1700000002000);
                INSERT INTO entry_tags (entry_seq, tag, position)
                VALUES (1, 'weekend', 0), (2, 'weekend', 0), (2, 'phone', 1);
                "#,
            )
            .unwrap();
        });
        let store = Store::open_plain(dir.path()).unwrap();
        assert_eq!(store.tag_counts().unwrap(), vec![("weekend".to_string(), 1)]);
    }

    /// Imports (issue 7): a journal from just before gets the hash table,
    /// keeps its entries, and an import into it is idempotent.
    #[test]
    fn import_hashes_upgrade_an_older_journal_and_make_imports_idempotent() {
        use attune_core::ContentHash;

        use crate::{EntryFilter, ImportBatch, Store};

        let (dir, _) = journal_just_before(IMPORT_HASHES, |conn| {
            conn.execute_batch(
                "INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset, situation) \
                 VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 0, 1700000000000, 0, 'Before');",
            )
            .unwrap();
        });
        let mut store = Store::open_plain(dir.path()).unwrap();
        let mut entry = store.entry(1).unwrap().item;
        entry.id = "01890000-0000-7000-8000-000000000002".parse().unwrap();
        entry.situation = "Imported".into();
        let batch = ImportBatch { entries: vec![(ContentHash::of("hash-1"), entry)], ..Default::default() };
        let dry = store.import(&batch, true, &mut |_| {}).unwrap();
        assert_eq!(dry.entries, 1);
        assert_eq!(store.entries(&EntryFilter::default()).unwrap().len(), 1, "a dry run writes nothing");
        assert_eq!(store.import(&batch, false, &mut |_| {}).unwrap().entries, 1);
        let again = store.import(&batch, false, &mut |_| {}).unwrap();
        assert_eq!((again.entries, again.already_there), (0, 1));
        assert_eq!(store.entries(&EntryFilter::default()).unwrap().len(), 2);
    }

    /// Import hashes as bytes: a journal from just before keeps what its
    /// hashes recognise, as 32 + 16 bytes a row, and what only an attune
    /// export's record ids said is still recognised by the ids.
    #[test]
    fn import_hashes_become_bytes_and_still_recognise_what_came_before() {
        use attune_core::ContentHash;

        use crate::{ImportBatch, Store};

        let from_file = ContentHash::of("a record from a jrnl file");
        let hex_of_it = hex::encode(from_file.0);
        let (dir, _) = journal_just_before(IMPORT_HASH_BYTES, |conn| {
            conn.execute_batch(&format!(
                "INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset, situation) \
                 VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 0, 1700000000000, 0, 'From jrnl'), \
                        (2, '01890000-0000-7000-8000-000000000002', 1700000000000, 0, 1700000000000, 0, 'From attune'); \
                 INSERT INTO import_hashes (hash, record_id) VALUES \
                   ('{hex_of_it}', '01890000-0000-7000-8000-000000000001'), \
                   ('attune:entry:01890000-0000-7000-8000-000000000002', '01890000-0000-7000-8000-000000000002');"
            ))
            .unwrap();
        });
        let mut store = Store::open_plain(dir.path()).unwrap();
        let raw = Connection::open(dir.path().join(crate::DB_FILE)).unwrap();
        let rows: Vec<(Vec<u8>, Vec<u8>)> = raw
            .prepare("SELECT hash, record_id FROM import_hashes")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let id_1 = uuid::Uuid::parse_str("01890000-0000-7000-8000-000000000001").unwrap();
        assert_eq!(rows, vec![(from_file.0.to_vec(), id_1.as_bytes().to_vec())]);

        // The same records again, under new ids: the file's by its hash,
        // the export's by its id (which an attune export keeps).
        let mut again = store.entry(1).unwrap().item;
        again.id = "01890000-0000-7000-8000-000000000003".parse().unwrap();
        let exported = store.entry(2).unwrap().item;
        let batch = ImportBatch {
            entries: vec![(from_file, again), (ContentHash::of("attune:entry:2"), exported)],
            ..Default::default()
        };
        let n = store.import(&batch, false, &mut |_| {}).unwrap();
        assert_eq!((n.entries, n.already_there), (0, 2));
    }

    /// The contentless search tables: a journal from just before is indexed
    /// again on upgrade (live records only), keeps no copy of the text in
    /// them, and edits, deletes and undo keep search right afterwards.
    #[test]
    fn contentless_search_upgrades_an_older_journal_and_follows_edits() {
        use crate::{DB_FILE, Store};

        let (dir, _) = journal_just_before(CONTENTLESS_FTS, |conn| {
            conn.execute_batch(
                r#"
                INSERT INTO labels (id, kind, slug, name) VALUES (1, 'trigger', 'late-reply', 'Late or no reply');
                INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset,
                                     situation, thoughts, fear, helped, deleted_at)
                VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 0, 1700000000000, 0,
                        'No answer all evening', 'maybe he is bored', 'being left', 'a walk', NULL),
                       (2, '01890000-0000-7000-8000-000000000002', 1700000001000, 0, 1700000001000, 0,
                        'Deleted earlier', '', '', '', 1700000002000);
                INSERT INTO entry_labels (entry_seq, label_id, position) VALUES (1, 1, 0);
                INSERT INTO entry_tags (entry_seq, tag, position) VALUES (1, 'weekend', 0);
                INSERT INTO checkins (seq, id, at_ms, at_offset, security, note)
                VALUES (1, '01890000-0000-7000-8000-000000000003', 1700000200000, 0, 6, 'talked it through');
                -- The search rows as the store wrote them then.
                INSERT INTO entries_fts (rowid, situation, thoughts, fear, helped, labels, tags)
                VALUES (1, 'No answer all evening', 'maybe he is bored', 'being left', 'a walk',
                        'Late or no reply late-reply', 'weekend');
                INSERT INTO checkins_fts (rowid, note) VALUES (1, 'talked it through');
                "#,
            )
            .unwrap();
            // The old tables kept a copy of every text.
            let copy: String = conn.query_row("SELECT situation FROM entries_fts", [], |r| r.get(0)).unwrap();
            assert_eq!(copy, "No answer all evening");
        });

        let mut store = Store::open_plain(dir.path()).unwrap();
        for word in ["answer", "bored", "left", "walk", "weekend", "late", "reply", "talked"] {
            assert_eq!(store.search(word, 10).unwrap().1, 1, "{word}");
        }
        assert_eq!(store.search("deleted", 10).unwrap().1, 0, "deleted entries stay out of the index");
        assert_eq!(store.search("answer evening", 10).unwrap().1, 1, "all words must match");
        assert_eq!(store.search("answ", 10).unwrap().1, 1, "prefixes match");
        let mut entry = store.entry(1).unwrap().item;
        entry.situation = "A quiet phone".into();
        store.update_entry(&entry).unwrap();
        assert_eq!(store.search("answer", 10).unwrap().1, 0, "the old words left the index");
        assert_eq!(store.search("quiet", 10).unwrap().1, 1);
        assert_eq!(store.search("bored", 10).unwrap().1, 1, "unchanged fields stay found");
        store.delete_entry(1).unwrap();
        assert_eq!(store.search("quiet", 10).unwrap().1, 0);
        store.undo().unwrap();
        assert_eq!(store.search("quiet", 10).unwrap().1, 1, "undo puts it back");
        store.delete_checkin(1).unwrap();
        assert_eq!(store.search("talked", 10).unwrap().1, 0);
        assert!(store.integrity_ok().unwrap());
        drop(store);
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        let copy: Option<String> = conn.query_row("SELECT situation FROM entries_fts", [], |r| r.get(0)).unwrap();
        assert_eq!(copy, None, "no copy of the text in the search table");
        let rows: i64 = conn.query_row("SELECT count(*) FROM entries_fts", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1);
    }

    /// Label lists: an older journal's entries, live and deleted, get the
    /// list of their labels; insights read it, and later saves, merges and
    /// undo keep it in step with the label rows.
    #[test]
    fn label_lists_upgrade_an_older_journal_and_follow_changes() {
        use crate::Store;
        use attune_core::{LabelKind, Slug};

        let (dir, _) = journal_just_before(LABEL_LISTS, |conn| {
            conn.execute_batch(
                r#"
                INSERT INTO labels (id, kind, slug, name) VALUES
                    (1, 'trigger', 'late-reply', 'Late or no reply'),
                    (2, 'feeling', 'anxious', 'Anxious'),
                    (3, 'trigger', 'partner-distant', 'Partner distant');
                INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset,
                                     situation, thoughts, fear, helped, deleted_at)
                VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 0, 1700000000000, 0,
                        'No answer', '', '', '', NULL),
                       (2, '01890000-0000-7000-8000-000000000002', 1700000001000, 0, 1700000001000, 0,
                        'Deleted earlier', '', '', '', 1700000002000),
                       (3, '01890000-0000-7000-8000-000000000003', 1700000003000, 0, 1700000003000, 0,
                        'No labels', '', '', '', NULL);
                -- Entry 1: two triggers (partner-distant first) and a feeling.
                INSERT INTO entry_labels (entry_seq, label_id, position) VALUES (1, 3, 0), (1, 1, 1), (1, 2, 0);
                INSERT INTO entry_labels (entry_seq, label_id, position) VALUES (2, 1, 0);
                "#,
            )
            .unwrap();
        });

        let mut store = Store::open_plain(dir.path()).unwrap();
        let raw = Connection::open(dir.path().join(crate::DB_FILE)).unwrap();
        let lists: Vec<(i64, String)> = raw
            .prepare("SELECT seq, label_list FROM entries ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(lists, [(1, "2,3,1".to_string()), (2, "1".to_string()), (3, String::new())]);
        assert!(store.integrity_ok().unwrap());
        let labels_of = |store: &Store| {
            let (_, facts) = store.entry_facts(None, None).unwrap();
            let names = |ps: &[u32]| -> Vec<String> {
                ps.iter().map(|p| facts.labels[*p as usize].as_str().to_string()).collect()
            };
            facts.entries.iter().map(|e| (names(facts.triggers(e)), names(facts.feelings(e)))).collect::<Vec<_>>()
        };
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        assert_eq!(
            labels_of(&store),
            [(s(&["partner-distant", "late-reply"]), s(&["anxious"])), (s(&[]), s(&[]))],
            "triggers in their order, then feelings; the deleted entry left out"
        );

        // A merge rewrites the lists of every entry that had the label,
        // the deleted one too; undoing the delete shows the merged list.
        let from = Slug::from_name("late-reply").unwrap();
        let into = Slug::from_name("partner-distant").unwrap();
        store.merge_label(LabelKind::Trigger, &from, &into).unwrap();
        assert!(store.integrity_ok().unwrap(), "lists follow a merge");
        assert_eq!(labels_of(&store)[0], (s(&["partner-distant"]), s(&["anxious"])));
        let mut entry = store.entry(3).unwrap().item;
        entry.feelings = vec![Slug::from_name("anxious").unwrap()];
        store.update_entry(&entry).unwrap();
        assert!(store.integrity_ok().unwrap(), "lists follow an edit");
        assert_eq!(labels_of(&store)[1], (s(&[]), s(&["anxious"])));
        store.delete_entry(1).unwrap();
        store.undo().unwrap();
        assert!(store.integrity_ok().unwrap(), "lists follow undo");

        // A list out of step with its rows is caught.
        raw.execute("UPDATE entries SET label_list = '2' WHERE seq = 1", []).unwrap();
        assert!(!store.integrity_ok().unwrap());
    }

    /// Safety plans: a journal from just before keeps its entries and
    /// settings, starts with no plans, and then keeps one of each kind.
    #[test]
    fn safety_plans_upgrade_an_older_journal_and_keep_a_plan_per_kind() {
        use attune_core::Moment;
        use attune_core::safety::{PlanKind, SafetyPlanDraft};

        use crate::Store;

        let (dir, _) = journal_just_before(SAFETY_PLANS, |conn| {
            conn.execute_batch(
                "INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset, situation) \
                 VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 0, 1700000000000, 0, 'Before'); \
                 INSERT INTO settings (key, value) VALUES ('country', 'gb');",
            )
            .unwrap();
            let tables: i64 = conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'safety_plans'", [], |r| r.get(0))
                .unwrap();
            assert_eq!(tables, 0, "the previous version has no plans table");
        });
        let mut store = Store::open_plain(dir.path()).unwrap();
        assert_eq!(store.entry(1).unwrap().item.situation, "Before");
        assert_eq!(store.setting("country").unwrap().as_deref(), Some("gb"));
        assert_eq!(store.safety_plan(PlanKind::Crisis).unwrap(), None);
        let at = Moment::with_offset(jiff::Timestamp::from_millisecond(1_700_000_300_000).unwrap(), 0);
        let mut draft = SafetyPlanDraft::new(PlanKind::Crisis);
        draft.set("reasons", vec!["my niece".into()]);
        let plan = draft.validate(at).unwrap();
        store.set_safety_plan(&plan).unwrap();
        assert_eq!(store.safety_plan(PlanKind::Crisis).unwrap(), Some(plan));
        assert_eq!(store.safety_plan(PlanKind::StayingSafe).unwrap(), None);
    }

    /// Invariant 5 for the undo window: an older journal's undo records get
    /// the time of the upgrade, so they stay undoable for the whole window
    /// from then, and are removed past it.
    #[test]
    fn the_undo_window_upgrades_an_older_journal_and_counts_from_the_upgrade() {
        use crate::{Store, Undone};

        let (dir, _) = journal_just_before(UNDO_WINDOW, |conn| {
            conn.execute_batch(
                "INSERT INTO entries (seq, id, occurred_ms, occurred_offset, recorded_ms, recorded_offset, situation, \
                                      deleted_at) \
                 VALUES (1, '01890000-0000-7000-8000-000000000001', 1700000000000, 0, 1700000000000, 0, 'Gone', 1); \
                 INSERT INTO undo_log (action, record_seq) VALUES ('entry-delete', 1);",
            )
            .unwrap();
        });
        let mut store = Store::open_plain(dir.path()).unwrap();
        assert_eq!(store.deleted().unwrap().entries, 1, "an old delete is not taken at the upgrade");
        let past = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * (crate::UNDO_WINDOW_DAYS + 1));
        let mut copy = Store::open_plain(dir.path()).unwrap();
        assert_eq!(store.undo().unwrap(), Some(Undone::EntryDeleted(1)), "undo still works after the upgrade");
        store.delete_entry(1).unwrap();
        assert_eq!(copy.purge_expired_at(past).unwrap().entries, 1);
        assert!(store.deleted().unwrap().is_empty());
        assert_eq!(store.undo().unwrap(), None);
    }
}
