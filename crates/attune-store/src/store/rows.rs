//! Reading rows back: the column lists, decoding columns into core's
//! values (a bad value is `StoreError::Decode`, never a SQLite error), and
//! the label look-ups every kind of record shares.

use std::collections::{BTreeMap, HashMap};

use attune_core::vocab::from_mask;
use attune_core::{Checkin, Consequence, Entry, Intensity, Label, LabelKind, Moment, RecordId, Sign, Slug, Source};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use serde::Serialize;

use super::numbered::Numbered;
use crate::error::StoreError;

/// A stored entry with its short local number (`seq`), which people type.
pub type EntryRow = Numbered<Entry>;

/// A stored check-in with its short local number.
pub type CheckinRow = Numbered<Checkin>;

/// Columns read for an entry, in the order [`RawEntry::from_row`] expects.
pub(super) const ENTRY_COLS: &str = "e.seq, e.id, e.occurred_ms, e.occurred_offset, e.occurred_zone, \
     e.recorded_ms, e.recorded_offset, e.recorded_zone, e.situation, e.thoughts, e.fear, e.helped, \
     e.intensity, e.signs_mask, e.sources_mask, e.starred";

/// Columns read for a check-in, in the order [`RawCheckin::from_row`] expects.
pub(super) const CHECKIN_COLS: &str = "c.seq, c.id, c.at_ms, c.at_offset, c.at_zone, c.security, c.seen, c.trusted, \
     c.respected, c.consequences, c.note";

pub(super) struct LabelRow {
    pub(super) id: i64,
    pub(super) retired: bool,
    pub(super) merged_into: Option<i64>,
}

pub(super) fn find_label(conn: &Connection, kind: LabelKind, slug: &Slug) -> Result<Option<LabelRow>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, retired, merged_into FROM labels WHERE kind = ?1 AND slug = ?2")?
        .query_row(params![kind.as_str(), slug.as_str()], |r| {
            Ok(LabelRow { id: r.get(0)?, retired: r.get(1)?, merged_into: r.get(2)? })
        })
        .optional()?)
}

pub(super) fn label_slug(conn: &Connection, id: i64) -> Result<String, StoreError> {
    Ok(conn.query_row("SELECT slug FROM labels WHERE id = ?1", params![id], |r| r.get(0))?)
}

pub(super) fn label_by_id(conn: &Connection, id: i64) -> Result<Label, StoreError> {
    let (kind, slug, name, retired, merged): (String, String, String, bool, Option<String>) = conn.query_row(
        "SELECT l.kind, l.slug, l.name, l.retired, m.slug FROM labels l LEFT JOIN labels m ON m.id = l.merged_into \
         WHERE l.id = ?1",
        params![id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    label_from_parts(&kind, slug, name, retired, merged)
}

fn label_from_parts(
    kind: &str,
    slug: String,
    name: String,
    retired: bool,
    merged: Option<String>,
) -> Result<Label, StoreError> {
    let kind = match kind {
        "trigger" => LabelKind::Trigger,
        "feeling" => LabelKind::Feeling,
        other => return Err(StoreError::Decode(format!("unknown label kind '{other}'"))),
    };
    Ok(Label { kind, slug: slug_from_db(slug)?, name, retired, merged_into: merged.map(slug_from_db).transpose()? })
}

pub(super) fn slug_from_db(s: String) -> Result<Slug, StoreError> {
    Slug::try_from(s.clone()).map_err(|_| StoreError::Decode(format!("'{s}' is not a valid label id")))
}

pub(super) fn list_labels(conn: &Connection, kind: LabelKind) -> Result<Vec<Label>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.kind, l.slug, l.name, l.retired, m.slug FROM labels l LEFT JOIN labels m ON m.id = l.merged_into \
         WHERE l.kind = ?1 ORDER BY l.id",
    )?;
    let rows = stmt
        .query_map(params![kind.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|(k, slug, name, retired, merged)| label_from_parts(&k, slug, name, retired, merged)).collect()
}

/// Follows `merged_into` to the label now in use (bounded, in case of a cycle
/// in a damaged file).
pub(super) fn follow_merges(conn: &Connection, id: i64) -> Result<i64, StoreError> {
    let mut current = id;
    for _ in 0..64 {
        let next: Option<i64> = conn
            .prepare_cached("SELECT merged_into FROM labels WHERE id = ?1")?
            .query_row(params![current], |r| r.get(0))
            .optional()?
            .flatten();
        match next {
            Some(n) => current = n,
            None => return Ok(current),
        }
    }
    Err(StoreError::Decode("label merges form a cycle".into()))
}

/// Label ids for slugs, in order, following merges; an unknown slug is an error.
pub(super) fn label_ids(conn: &Connection, kind: LabelKind, slugs: &[Slug]) -> Result<Vec<i64>, StoreError> {
    label_ids_cached(conn, kind, slugs, &mut HashMap::new())
}

/// [`label_ids`], remembering each slug's id in `known` (one map per kind):
/// an import looks up the same few labels for every entry, and the lists do
/// not change meanwhile.
pub(super) fn label_ids_cached(
    conn: &Connection,
    kind: LabelKind,
    slugs: &[Slug],
    known: &mut HashMap<Slug, i64>,
) -> Result<Vec<i64>, StoreError> {
    let mut out = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let id = match known.get(slug) {
            Some(id) => *id,
            None => {
                let row = find_label(conn, kind, slug)?.ok_or_else(|| not_on_list(kind, slug))?;
                let id = follow_merges(conn, row.id)?;
                known.insert(slug.clone(), id);
                id
            }
        };
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

pub(super) fn not_on_list(kind: LabelKind, slug: &Slug) -> StoreError {
    StoreError::Label(format!("'{slug}' is not on your list of {kind}s"))
}

/// Column values of an entry row, decoded in a second step so that a bad
/// value becomes `StoreError::Decode` rather than a SQLite error.
pub(super) struct RawEntry {
    pub(super) seq: i64,
    id: String,
    occurred: (i64, i64, Option<String>),
    recorded: (i64, i64, Option<String>),
    situation: String,
    thoughts: String,
    fear: String,
    helped: String,
    intensity: Option<i64>,
    signs: i64,
    sources: i64,
    starred: bool,
}

impl RawEntry {
    pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(RawEntry {
            seq: r.get(0)?,
            id: r.get(1)?,
            occurred: (r.get(2)?, r.get(3)?, r.get(4)?),
            recorded: (r.get(5)?, r.get(6)?, r.get(7)?),
            situation: r.get(8)?,
            thoughts: r.get(9)?,
            fear: r.get(10)?,
            helped: r.get(11)?,
            intensity: r.get(12)?,
            signs: r.get(13)?,
            sources: r.get(14)?,
            starred: r.get(15)?,
        })
    }

    pub(super) fn decode(self, lists: Option<EntryLists>) -> Result<EntryRow, StoreError> {
        let lists = lists.unwrap_or_default();
        let intensity = match self.intensity {
            None => None,
            Some(v) => Some(Intensity::new(v).ok_or_else(|| StoreError::Decode(format!("intensity {v}")))?),
        };
        Ok(EntryRow {
            seq: self.seq,
            item: Entry {
                id: record_id(&self.id)?,
                occurred: moment(self.occurred)?,
                recorded: moment(self.recorded)?,
                situation: self.situation,
                triggers: lists.triggers,
                thoughts: self.thoughts,
                fear: self.fear,
                feelings: lists.feelings,
                intensity,
                signs: from_mask(mask(self.signs)?, Sign::ALL),
                sources: from_mask(mask(self.sources)?, Source::ALL),
                helped: self.helped,
                tags: lists.tags,
                starred: self.starred,
            },
        })
    }
}

#[derive(Default)]
pub(super) struct EntryLists {
    triggers: Vec<Slug>,
    feelings: Vec<Slug>,
    tags: Vec<String>,
}

pub(super) fn record_id(s: &str) -> Result<RecordId, StoreError> {
    s.parse().map_err(|_| StoreError::Decode(format!("'{s}' is not a record id")))
}

pub(super) fn moment((ms, offset, zone): (i64, i64, Option<String>)) -> Result<Moment, StoreError> {
    let at = Timestamp::from_millisecond(ms).map_err(|e| StoreError::Decode(format!("time {ms}: {e}")))?;
    let offset_seconds = i32::try_from(offset).map_err(|_| StoreError::Decode(format!("offset {offset}")))?;
    Ok(Moment { at, offset_seconds, zone })
}

pub(super) fn mask(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Decode(format!("mask {v}")))
}

pub(super) fn read_entry(conn: &Connection, seq: i64) -> Result<EntryRow, StoreError> {
    let sql = format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.seq = ?1 AND e.deleted_at IS NULL");
    query_entries(conn, &sql, &[Value::Integer(seq)])?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "entry", given: seq.to_string() })
}

/// Runs an entry query, then loads the labels and tags of all its rows in
/// two batched queries (not one per entry).
pub(super) fn query_entries(conn: &Connection, sql: &str, values: &[Value]) -> Result<Vec<EntryRow>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let raw = stmt.query_map(params_from_iter(values.iter()), RawEntry::from_row)?.collect::<Result<Vec<_>, _>>()?;
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let seqs: Vec<i64> = raw.iter().map(|r| r.seq).collect();
    let mut lists = load_lists(conn, &seqs)?;
    raw.into_iter()
        .map(|r| {
            let l = lists.remove(&r.seq);
            r.decode(l)
        })
        .collect()
}

fn load_lists(conn: &Connection, seqs: &[i64]) -> Result<HashMap<i64, EntryLists>, StoreError> {
    let ids = serde_json::to_string(seqs).map_err(|e| StoreError::Decode(e.to_string()))?;
    let mut out: HashMap<i64, EntryLists> = HashMap::with_capacity(seqs.len());
    let mut stmt = conn.prepare_cached(
        "SELECT el.entry_seq, l.kind, l.slug FROM entry_labels el JOIN labels l ON l.id = el.label_id \
         WHERE el.entry_seq IN (SELECT value FROM json_each(?1)) ORDER BY el.entry_seq, el.position, el.label_id",
    )?;
    let rows = stmt.query_map(params![ids], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?)))?;
    for row in rows {
        let (seq, kind, slug) = row?;
        let slug = slug_from_db(slug)?;
        let lists = out.entry(seq).or_default();
        if kind == "trigger" { lists.triggers.push(slug) } else { lists.feelings.push(slug) }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT entry_seq, tag FROM entry_tags WHERE entry_seq IN (SELECT value FROM json_each(?1)) \
         ORDER BY entry_seq, position",
    )?;
    let rows = stmt.query_map(params![ids], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (seq, tag) = row?;
        out.entry(seq).or_default().tags.push(tag);
    }
    Ok(out)
}

/// The lists of every entry (deleted ones too: cheaper than joining to skip them).
pub(super) fn all_lists(conn: &Connection) -> Result<HashMap<i64, EntryLists>, StoreError> {
    let mut out: HashMap<i64, EntryLists> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT el.entry_seq, l.kind, l.slug FROM entry_labels el JOIN labels l ON l.id = el.label_id \
         ORDER BY el.entry_seq, el.position, el.label_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (seq, kind, slug): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let slug = slug_from_db(slug)?;
        let lists = out.entry(seq).or_default();
        if kind == "trigger" { lists.triggers.push(slug) } else { lists.feelings.push(slug) }
    }
    let mut stmt = conn.prepare("SELECT entry_seq, tag FROM entry_tags ORDER BY entry_seq, position")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().tags.push(r.get(1)?);
    }
    Ok(out)
}

/// Column values of a check-in row, decoded in a second step (as
/// [`RawEntry`]) so that a bad value becomes `StoreError::Decode`.
struct RawCheckin {
    seq: i64,
    id: String,
    at: (i64, i64, Option<String>),
    security: u8,
    seen: Option<u8>,
    trusted: Option<u8>,
    respected: Option<u8>,
    consequences: String,
    note: String,
}

impl RawCheckin {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(RawCheckin {
            seq: r.get(0)?,
            id: r.get(1)?,
            at: (r.get(2)?, r.get(3)?, r.get(4)?),
            security: r.get(5)?,
            seen: r.get(6)?,
            trusted: r.get(7)?,
            respected: r.get(8)?,
            consequences: r.get(9)?,
            note: r.get(10)?,
        })
    }

    fn decode(self) -> Result<CheckinRow, StoreError> {
        let consequences: BTreeMap<Consequence, u8> =
            serde_json::from_str(&self.consequences).map_err(|e| StoreError::Decode(format!("consequences: {e}")))?;
        Ok(CheckinRow {
            seq: self.seq,
            item: Checkin {
                id: record_id(&self.id)?,
                at: moment(self.at)?,
                security: self.security,
                seen: self.seen,
                trusted: self.trusted,
                respected: self.respected,
                consequences,
                note: self.note,
            },
        })
    }
}

pub(super) fn query_checkins(conn: &Connection, sql: &str, values: &[Value]) -> Result<Vec<CheckinRow>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let raw = stmt.query_map(params_from_iter(values.iter()), RawCheckin::from_row)?.collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(RawCheckin::decode).collect()
}

pub(super) fn read_checkin(conn: &Connection, seq: i64) -> Result<CheckinRow, StoreError> {
    let sql = format!("SELECT {CHECKIN_COLS} FROM checkins c WHERE c.seq = ?1 AND c.deleted_at IS NULL");
    query_checkins(conn, &sql, &[Value::Integer(seq)])?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "check-in", given: format!("c{seq}") })
}

/// "Not found" for record `seq` of a kind (`what` names it).
pub(super) fn not_found(what: &'static str, seq: i64) -> StoreError {
    StoreError::NotFound { what, given: seq.to_string() }
}

pub(super) fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub(super) fn date_from(s: Option<String>) -> Result<Option<Date>, StoreError> {
    s.map(|s| s.parse::<Date>().map_err(|e| StoreError::Decode(format!("date '{s}': {e}")))).transpose()
}

pub(super) fn json_from<T: serde::de::DeserializeOwned>(
    s: Option<String>,
    what: &str,
) -> Result<Option<T>, StoreError> {
    s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Decode(format!("{what} '{s}': {e}")))).transpose()
}

pub(super) fn json_text<T: Serialize>(v: Option<&T>) -> Result<Option<String>, StoreError> {
    v.map(|v| serde_json::to_string(v).map_err(|e| StoreError::Decode(e.to_string()))).transpose()
}

pub(super) fn u32_from(v: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Decode(format!("{what} {v}")))
}

/// The three columns of a moment (ms, offset, zone) from column `i` on.
pub(super) fn moment_at(r: &Row<'_>, i: usize) -> rusqlite::Result<(i64, i64, Option<String>)> {
    Ok((r.get(i)?, r.get(i + 1)?, r.get(i + 2)?))
}

pub(super) fn parse_enum<T: Copy>(
    all: &[T],
    name: impl Fn(T) -> &'static str,
    s: &str,
    what: &str,
) -> Result<T, StoreError> {
    all.iter().copied().find(|v| name(*v) == s).ok_or_else(|| StoreError::Decode(format!("unknown {what} '{s}'")))
}
