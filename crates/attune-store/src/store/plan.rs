//! The plan and the conversation toolkit: needs, trigger plans, agreements
//! (with their history), pauses, and self-worth (activities, supporters,
//! affirmations). Every write is one transaction and returns after COMMIT.

use attune_core::pause::Pause;
use attune_core::plan::{
    Agreement, AgreementKind, Change, Need, PlanStatus, Proposer, ReviewEvery, Revision, Rhythm, TriggerPlan,
};
use attune_core::selfworth::{Activity, Affirmation, Category, Suggestion, Supporter};
use attune_core::{LabelKind, RecordId, Slug};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, Params, Row, params};
use serde::Serialize;

use super::{find_label, follow_merges, label_by_id, moment, not_on_list, record_id, slug_from_db};
use crate::error::StoreError;
use crate::store::Store;

/// A stored record with its short local number, which people type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Numbered<T> {
    /// Short number, unique among its kind, never reused.
    pub seq: i64,
    /// The record.
    #[serde(flatten)]
    pub item: T,
}

/// How a supporter is named in "not found" errors.
const SUPPORTER: &str = "person on your support map";

fn not_found(what: &'static str, seq: i64) -> StoreError {
    StoreError::NotFound { what, given: seq.to_string() }
}

pub(super) fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn date_from(s: Option<String>) -> Result<Option<Date>, StoreError> {
    s.map(|s| s.parse::<Date>().map_err(|e| StoreError::Decode(format!("date '{s}': {e}")))).transpose()
}

fn json_from<T: serde::de::DeserializeOwned>(s: Option<String>, what: &str) -> Result<Option<T>, StoreError> {
    s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Decode(format!("{what} '{s}': {e}")))).transpose()
}

fn json_text<T: Serialize>(v: Option<&T>) -> Result<Option<String>, StoreError> {
    v.map(|v| serde_json::to_string(v).map_err(|e| StoreError::Decode(e.to_string()))).transpose()
}

fn u32_from(v: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Decode(format!("{what} {v}")))
}

fn moment_at(r: &Row<'_>, i: usize) -> rusqlite::Result<(i64, i64, Option<String>)> {
    Ok((r.get(i)?, r.get(i + 1)?, r.get(i + 2)?))
}

fn parse_enum<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, s: &str, what: &str) -> Result<T, StoreError> {
    all.iter().copied().find(|v| name(*v) == s).ok_or_else(|| StoreError::Decode(format!("unknown {what} '{s}'")))
}

// ---- needs ------------------------------------------------------------------

const NEED_COLS: &str = "id, slug, name, looks_like, known, created_ms, created_offset, created_zone";

type RawNeed = (String, String, String, String, bool, (i64, i64, Option<String>));

fn need_row(r: &Row<'_>) -> rusqlite::Result<RawNeed> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, moment_at(r, 5)?))
}

fn decode_need((id, slug, name, looks_like, known, created): RawNeed) -> Result<Need, StoreError> {
    Ok(Need { id: record_id(&id)?, slug: slug_from_db(slug)?, name, looks_like, known, created: moment(created)? })
}

/// Writes a new need row. The caller owns the transaction (saving one, or an import).
pub(super) fn insert_need(conn: &Connection, need: &Need) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO needs (id, slug, name, looks_like, known, created_ms, created_offset, created_zone) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        need.id.to_string(),
        need.slug.as_str(),
        need.name,
        need.looks_like,
        need.known,
        need.created.unix_ms(),
        need.created.offset_seconds,
        need.created.zone
    ])?;
    Ok(())
}

// ---- trigger plans -----------------------------------------------------------

const PLAN_COLS: &str = "p.label_id, p.id, p.for_myself, p.ask_partner, p.status, p.status_on, \
     p.updated_ms, p.updated_offset, p.updated_zone";

type RawPlan = (i64, String, String, String, String, Option<String>, (i64, i64, Option<String>));

fn plan_row(r: &Row<'_>) -> rusqlite::Result<RawPlan> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, moment_at(r, 6)?))
}

fn decode_plan(conn: &Connection, raw: RawPlan) -> Result<TriggerPlan, StoreError> {
    let (label_id, id, for_myself, ask_partner, status, on, updated) = raw;
    let status = PlanStatus::from_parts(&status, date_from(on)?)
        .ok_or_else(|| StoreError::Decode(format!("trigger plan status '{status}'")))?;
    Ok(TriggerPlan {
        id: record_id(&id)?,
        trigger: label_by_id(conn, label_id)?,
        for_myself,
        ask_partner,
        status,
        updated: moment(updated)?,
    })
}

/// Writes the plan for trigger `label_id` under record id `id`, replacing the
/// fields of one already there. The caller owns the transaction.
pub(super) fn write_trigger_plan(
    conn: &Connection,
    label_id: i64,
    id: &str,
    plan: &TriggerPlan,
) -> Result<(), StoreError> {
    let u = &plan.updated;
    conn.prepare_cached(
        "INSERT INTO trigger_plans (label_id, id, for_myself, ask_partner, status, status_on, \
             updated_ms, updated_offset, updated_zone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT (label_id) DO UPDATE SET for_myself = excluded.for_myself, \
             ask_partner = excluded.ask_partner, status = excluded.status, status_on = excluded.status_on, \
             updated_ms = excluded.updated_ms, updated_offset = excluded.updated_offset, \
             updated_zone = excluded.updated_zone",
    )?
    .execute(params![
        label_id,
        id,
        plan.for_myself,
        plan.ask_partner,
        plan.status.as_str(),
        date_text(plan.status.date()),
        u.unix_ms(),
        u.offset_seconds,
        u.zone
    ])?;
    Ok(())
}

// ---- agreements --------------------------------------------------------------

const AGREEMENT_COLS: &str = "seq, id, kind, text, proposed_by, agreed_on, rhythm, pause_minutes, review_on, \
     review_every, retired_on, created_ms, created_offset, created_zone";

struct RawAgreement {
    seq: i64,
    id: String,
    kind: String,
    text: String,
    proposed_by: String,
    agreed_on: Option<String>,
    rhythm: Option<String>,
    pause_minutes: Option<i64>,
    review_on: Option<String>,
    review_every: Option<String>,
    retired_on: Option<String>,
    created: (i64, i64, Option<String>),
}

fn agreement_row(r: &Row<'_>) -> rusqlite::Result<RawAgreement> {
    Ok(RawAgreement {
        seq: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        text: r.get(3)?,
        proposed_by: r.get(4)?,
        agreed_on: r.get(5)?,
        rhythm: r.get(6)?,
        pause_minutes: r.get(7)?,
        review_on: r.get(8)?,
        review_every: r.get(9)?,
        retired_on: r.get(10)?,
        created: moment_at(r, 11)?,
    })
}

fn decode_agreement(conn: &Connection, raw: RawAgreement) -> Result<Numbered<Agreement>, StoreError> {
    let rhythm: Option<Rhythm> = json_from(raw.rhythm, "rhythm")?;
    if rhythm.as_ref().is_some_and(|r| !r.is_valid()) {
        return Err(StoreError::Decode(format!("agreement {} has an invalid rhythm", raw.seq)));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT change, text, note, at_ms, at_offset, at_zone FROM agreement_history \
         WHERE agreement_seq = ?1 ORDER BY n",
    )?;
    let rows = stmt
        .query_map([raw.seq], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, moment_at(r, 3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let history = rows
        .into_iter()
        .map(|(change, text, note, at)| {
            let change = Change::parse(&change).ok_or_else(|| StoreError::Decode(format!("change '{change}'")))?;
            Ok(Revision { at: moment(at)?, change, text, note })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Numbered {
        seq: raw.seq,
        item: Agreement {
            id: record_id(&raw.id)?,
            kind: parse_enum(&AgreementKind::ALL, AgreementKind::as_str, &raw.kind, "agreement kind")?,
            text: raw.text,
            proposed_by: parse_enum(
                &[Proposer::Me, Proposer::Partner, Proposer::Both],
                Proposer::as_str,
                &raw.proposed_by,
                "proposer",
            )?,
            agreed_on: date_from(raw.agreed_on)?,
            rhythm,
            pause_minutes: raw.pause_minutes.map(|m| u32_from(m, "pause minutes")).transpose()?,
            review_on: date_from(raw.review_on)?,
            review_every: json_from::<ReviewEvery>(raw.review_every, "review interval")?,
            retired_on: date_from(raw.retired_on)?,
            created: moment(raw.created)?,
            history,
        },
    })
}

/// Writes a new agreement row and its history; returns its number. The
/// caller owns the transaction (a single add, or a whole import).
pub(super) fn insert_agreement(conn: &Connection, a: &Agreement) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO agreements (id, kind, text, proposed_by, agreed_on, rhythm, pause_minutes, review_on, \
             review_every, retired_on, created_ms, created_offset, created_zone) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            a.id.to_string(),
            a.kind.as_str(),
            a.text,
            a.proposed_by.as_str(),
            date_text(a.agreed_on),
            json_text(a.rhythm.as_ref())?,
            a.pause_minutes,
            date_text(a.review_on),
            json_text(a.review_every.as_ref())?,
            date_text(a.retired_on),
            a.created.unix_ms(),
            a.created.offset_seconds,
            a.created.zone
        ],
    )?;
    let seq = conn.last_insert_rowid();
    write_history(conn, seq, 0, &a.history)?;
    Ok(seq)
}

fn write_history(conn: &Connection, seq: i64, from: usize, history: &[Revision]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO agreement_history (agreement_seq, n, change, text, note, at_ms, at_offset, at_zone) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (n, r) in history.iter().enumerate().skip(from) {
        stmt.execute(params![
            seq,
            n as i64,
            r.change.as_str(),
            r.text,
            r.note,
            r.at.unix_ms(),
            r.at.offset_seconds,
            r.at.zone
        ])?;
    }
    Ok(())
}

// ---- pauses, activities, supporters, affirmations ------------------------------

const PAUSE_COLS: &str =
    "seq, id, started_ms, started_offset, started_zone, planned_secs, actual_secs, ended_early, reconvened";

type RawPause = (i64, String, (i64, i64, Option<String>), i64, i64, bool, Option<bool>);

fn pause_row(r: &Row<'_>) -> rusqlite::Result<RawPause> {
    Ok((r.get(0)?, r.get(1)?, moment_at(r, 2)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
}

const ACTIVITY_COLS: &str = "seq, id, at_ms, at_offset, at_zone, what, category, minutes, felt, note";

type RawActivity = (i64, String, (i64, i64, Option<String>), String, String, Option<i64>, Option<i64>, String);

fn activity_row(r: &Row<'_>) -> rusqlite::Result<RawActivity> {
    Ok((r.get(0)?, r.get(1)?, moment_at(r, 2)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
}

fn decode_activity(
    (seq, id, at, what, category, minutes, felt, note): RawActivity,
) -> Result<Numbered<Activity>, StoreError> {
    Ok(Numbered {
        seq,
        item: Activity {
            id: record_id(&id)?,
            at: moment(at)?,
            what,
            category: parse_enum(&Category::ALL, Category::as_str, &category, "category")?,
            minutes: minutes.map(|m| u32_from(m, "minutes")).transpose()?,
            felt: felt.map(|f| u8::try_from(f).map_err(|_| StoreError::Decode(format!("felt {f}")))).transpose()?,
            note,
        },
    })
}

const SUPPORTER_COLS: &str = "seq, id, name, relation, last_contact, can_call, note";

type RawSupporter = (i64, String, String, String, Option<String>, bool, String);

fn supporter_row(r: &Row<'_>) -> rusqlite::Result<RawSupporter> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

/// Writes a new pause row; returns its number. The caller owns the transaction.
pub(super) fn insert_pause(conn: &Connection, p: &Pause) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO pauses (id, started_ms, started_offset, started_zone, planned_secs, actual_secs, \
             ended_early, reconvened) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        p.id.to_string(),
        p.started.unix_ms(),
        p.started.offset_seconds,
        p.started.zone,
        p.planned_secs,
        p.actual_secs,
        p.ended_early,
        p.reconvened
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Writes a new activity row; returns its number. The caller owns the transaction.
pub(super) fn insert_activity(conn: &Connection, a: &Activity) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO activities (id, at_ms, at_offset, at_zone, what, category, minutes, felt, note) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        a.id.to_string(),
        a.at.unix_ms(),
        a.at.offset_seconds,
        a.at.zone,
        a.what,
        a.category.as_str(),
        a.minutes,
        a.felt,
        a.note
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Writes a new supporter row; returns their number. The caller owns the transaction.
pub(super) fn insert_supporter(conn: &Connection, s: &Supporter) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO supporters (id, name, relation, last_contact, can_call, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![s.id.to_string(), s.name, s.relation, date_text(s.last_contact), s.can_call, s.note])?;
    Ok(conn.last_insert_rowid())
}

/// Writes a new affirmation row with its own words (`None`: a suggestion's
/// words, which follow the content) and how often it was shown; returns its
/// number. The caller owns the transaction.
pub(super) fn insert_affirmation(
    conn: &Connection,
    a: &Affirmation,
    text: Option<&str>,
    shown: i64,
) -> Result<i64, StoreError> {
    conn.prepare_cached("INSERT INTO affirmations (id, text, suggestion, starred, shown) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![a.id.to_string(), text, a.suggestion, a.starred, shown])?;
    Ok(conn.last_insert_rowid())
}

/// How often the least-shown affirmation in use was shown: a new one starts
/// there, so it joins the current round.
fn least_shown(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT coalesce(min(shown), 0) FROM affirmations WHERE removed = 0", [], |r| r.get(0))?)
}

impl Store {
    /// Runs `write` in its own transaction and commits (one new record).
    fn add_one(&mut self, write: impl FnOnce(&Connection) -> Result<i64, StoreError>) -> Result<i64, StoreError> {
        let r = (|| {
            let tx = self.write_tx()?;
            let seq = write(&tx)?;
            tx.commit()?;
            Ok(seq)
        })();
        self.edge(r)
    }

    /// Runs one UPDATE of record `seq` in its own transaction; when it
    /// changes no row, the record is not there (`what` names it) and
    /// nothing is written.
    fn change_one(&mut self, what: &'static str, seq: i64, sql: &str, values: impl Params) -> Result<(), StoreError> {
        let r = (|| {
            let tx = self.write_tx()?;
            if tx.execute(sql, values)? == 0 {
                return Err(not_found(what, seq));
            }
            tx.commit()?;
            Ok(())
        })();
        self.edge(r)
    }

    // ---- needs ---------------------------------------------------------------

    /// My needs, in the order they were first written down.
    pub fn needs(&self) -> Result<Vec<Need>, StoreError> {
        let r = (|| {
            let mut stmt = self.conn.prepare_cached(&format!("SELECT {NEED_COLS} FROM needs ORDER BY seq"))?;
            let rows = stmt.query_map([], need_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(decode_need).collect()
        })();
        self.edge(r)
    }

    /// Adds a need, or updates the one with the same slug (keeping its id
    /// and creation time). Returns the need as stored and whether it is new.
    pub fn save_need(&mut self, need: &Need) -> Result<(Need, bool), StoreError> {
        let r = (|| {
            let tx = self.write_tx()?;
            let existing = tx
                .query_row(&format!("SELECT {NEED_COLS} FROM needs WHERE slug = ?1"), [need.slug.as_str()], need_row)
                .optional()?;
            let (stored, new) = match existing {
                Some(raw) => {
                    let mut old = decode_need(raw)?;
                    old.name.clone_from(&need.name);
                    old.looks_like.clone_from(&need.looks_like);
                    old.known = need.known;
                    tx.execute(
                        "UPDATE needs SET name = ?2, looks_like = ?3, known = ?4 WHERE slug = ?1",
                        params![old.slug.as_str(), old.name, old.looks_like, old.known],
                    )?;
                    (old, false)
                }
                None => {
                    insert_need(&tx, need)?;
                    (need.clone(), true)
                }
            };
            tx.commit()?;
            Ok((stored, new))
        })();
        self.edge(r)
    }

    /// Removes a need; false if there was none with that slug.
    pub fn remove_need(&mut self, slug: &Slug) -> Result<bool, StoreError> {
        let r = (|| {
            let tx = self.write_tx()?;
            let n = tx.execute("DELETE FROM needs WHERE slug = ?1", [slug.as_str()])?;
            tx.commit()?;
            Ok(n > 0)
        })();
        self.edge(r)
    }

    // ---- trigger plans -------------------------------------------------------

    /// Every trigger plan, in the order of my trigger list.
    pub fn trigger_plans(&self) -> Result<Vec<TriggerPlan>, StoreError> {
        let r = (|| {
            let mut stmt =
                self.conn.prepare_cached(&format!("SELECT {PLAN_COLS} FROM trigger_plans p ORDER BY p.label_id"))?;
            let rows = stmt.query_map([], plan_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(|raw| decode_plan(&self.conn, raw)).collect()
        })();
        self.edge(r)
    }

    /// The plan for one trigger (by its current slug, following merges).
    pub fn trigger_plan(&self, slug: &Slug) -> Result<Option<TriggerPlan>, StoreError> {
        let r = (|| {
            let row = find_label(&self.conn, LabelKind::Trigger, slug)?
                .ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
            let label_id = follow_merges(&self.conn, row.id)?;
            let raw = self
                .conn
                .query_row(
                    &format!("SELECT {PLAN_COLS} FROM trigger_plans p WHERE p.label_id = ?1"),
                    [label_id],
                    plan_row,
                )
                .optional()?;
            raw.map(|raw| decode_plan(&self.conn, raw)).transpose()
        })();
        self.edge(r)
    }

    /// Saves the plan for `plan.trigger` (following merges), replacing an
    /// earlier one but keeping its id. Returns the plan as stored.
    pub fn save_trigger_plan(&mut self, plan: &TriggerPlan) -> Result<TriggerPlan, StoreError> {
        let r = (|| {
            let tx = self.write_tx()?;
            let slug = &plan.trigger.slug;
            let row =
                find_label(&tx, LabelKind::Trigger, slug)?.ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
            let label_id = follow_merges(&tx, row.id)?;
            let id: String = tx
                .query_row("SELECT id FROM trigger_plans WHERE label_id = ?1", [label_id], |r| r.get(0))
                .optional()?
                .unwrap_or_else(|| plan.id.to_string());
            write_trigger_plan(&tx, label_id, &id, plan)?;
            let raw = tx.query_row(
                &format!("SELECT {PLAN_COLS} FROM trigger_plans p WHERE p.label_id = ?1"),
                [label_id],
                plan_row,
            )?;
            let stored = decode_plan(&tx, raw)?;
            tx.commit()?;
            Ok(stored)
        })();
        self.edge(r)
    }

    /// Removes the plan for a trigger; false if it had none.
    pub fn remove_trigger_plan(&mut self, slug: &Slug) -> Result<bool, StoreError> {
        let r = (|| {
            let tx = self.write_tx()?;
            let row =
                find_label(&tx, LabelKind::Trigger, slug)?.ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
            let label_id = follow_merges(&tx, row.id)?;
            let n = tx.execute("DELETE FROM trigger_plans WHERE label_id = ?1", [label_id])?;
            tx.commit()?;
            Ok(n > 0)
        })();
        self.edge(r)
    }

    // ---- agreements ----------------------------------------------------------

    /// Saves a new agreement with its history; returns its number.
    pub fn add_agreement(&mut self, a: &Agreement) -> Result<i64, StoreError> {
        self.add_one(|conn| insert_agreement(conn, a))
    }

    /// Agreements, oldest first; retired ones only when asked.
    pub fn agreements(&self, include_retired: bool) -> Result<Vec<Numbered<Agreement>>, StoreError> {
        let r = (|| {
            let filter = if include_retired { "" } else { "WHERE retired_on IS NULL" };
            let mut stmt =
                self.conn.prepare_cached(&format!("SELECT {AGREEMENT_COLS} FROM agreements {filter} ORDER BY seq"))?;
            let rows = stmt.query_map([], agreement_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(|raw| decode_agreement(&self.conn, raw)).collect()
        })();
        self.edge(r)
    }

    /// One agreement by number.
    pub fn agreement(&self, seq: i64) -> Result<Numbered<Agreement>, StoreError> {
        let r = (|| {
            let raw = self
                .conn
                .query_row(&format!("SELECT {AGREEMENT_COLS} FROM agreements WHERE seq = ?1"), [seq], agreement_row)
                .optional()?
                .ok_or_else(|| not_found("agreement", seq))?;
            decode_agreement(&self.conn, raw)
        })();
        self.edge(r)
    }

    /// Writes a changed agreement: its fields, and the history steps added
    /// since it was read (history is append-only; earlier steps are kept).
    pub fn update_agreement(&mut self, seq: i64, a: &Agreement) -> Result<(), StoreError> {
        let r = (|| {
            let tx = self.write_tx()?;
            let stored: Option<i64> = tx
                .query_row("SELECT count(*) FROM agreement_history WHERE agreement_seq = ?1", [seq], |r| r.get(0))
                .optional()?;
            let n = tx.execute(
                "UPDATE agreements SET kind = ?2, text = ?3, proposed_by = ?4, agreed_on = ?5, rhythm = ?6, \
                     pause_minutes = ?7, review_on = ?8, review_every = ?9, retired_on = ?10 WHERE seq = ?1",
                params![
                    seq,
                    a.kind.as_str(),
                    a.text,
                    a.proposed_by.as_str(),
                    date_text(a.agreed_on),
                    json_text(a.rhythm.as_ref())?,
                    a.pause_minutes,
                    date_text(a.review_on),
                    json_text(a.review_every.as_ref())?,
                    date_text(a.retired_on)
                ],
            )?;
            if n == 0 {
                return Err(not_found("agreement", seq));
            }
            let from = usize::try_from(stored.unwrap_or(0)).unwrap_or(0);
            if a.history.len() < from {
                return Err(StoreError::Decode("an agreement's history can only grow".into()));
            }
            write_history(&tx, seq, from, &a.history)?;
            tx.commit()?;
            Ok(())
        })();
        self.edge(r)
    }

    // ---- pauses --------------------------------------------------------------

    /// Logs a pause; returns its number.
    pub fn insert_pause(&mut self, p: &Pause) -> Result<i64, StoreError> {
        self.add_one(|conn| insert_pause(conn, p))
    }

    /// Records whether we came back together after pause `seq`.
    pub fn set_pause_reconvened(&mut self, seq: i64, reconvened: Option<bool>) -> Result<(), StoreError> {
        self.change_one("pause", seq, "UPDATE pauses SET reconvened = ?2 WHERE seq = ?1", params![seq, reconvened])
    }

    /// Pauses, newest first (the newest `limit` when given).
    pub fn pauses(&self, limit: Option<usize>) -> Result<Vec<Numbered<Pause>>, StoreError> {
        let r = (|| {
            let limit = limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX)).unwrap_or(-1);
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {PAUSE_COLS} FROM pauses ORDER BY started_ms DESC, seq DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], pause_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(seq, id, started, planned, actual, ended_early, reconvened)| {
                    Ok(Numbered {
                        seq,
                        item: Pause {
                            id: record_id(&id)?,
                            started: moment(started)?,
                            planned_secs: u32_from(planned, "planned seconds")?,
                            actual_secs: u32_from(actual, "actual seconds")?,
                            ended_early,
                            reconvened,
                        },
                    })
                })
                .collect()
        })();
        self.edge(r)
    }

    /// How many pauses were logged.
    pub fn count_pauses(&self) -> Result<u64, StoreError> {
        let r = (|| Ok(self.conn.query_row("SELECT count(*) FROM pauses", [], |r| r.get::<_, i64>(0))?))();
        self.edge(r).map(|n| u64::try_from(n).unwrap_or(0))
    }

    // ---- activities ----------------------------------------------------------

    /// Saves an activity; returns its number.
    pub fn insert_activity(&mut self, a: &Activity) -> Result<i64, StoreError> {
        self.add_one(|conn| insert_activity(conn, a))
    }

    /// Activities at or after `since`, newest first.
    pub fn activities(
        &self,
        since: Option<Timestamp>,
        limit: Option<usize>,
    ) -> Result<Vec<Numbered<Activity>>, StoreError> {
        let r = (|| {
            let since = since.map(|t| t.as_millisecond()).unwrap_or(i64::MIN);
            let limit = limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX)).unwrap_or(-1);
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {ACTIVITY_COLS} FROM activities WHERE deleted_at IS NULL AND at_ms >= ?1 \
                 ORDER BY at_ms DESC, seq DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![since, limit], activity_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(decode_activity).collect()
        })();
        self.edge(r)
    }

    /// Deletes an activity (kept out of every list from now on).
    pub fn delete_activity(&mut self, seq: i64, now: Timestamp) -> Result<(), StoreError> {
        self.change_one(
            "activity",
            seq,
            "UPDATE activities SET deleted_at = ?2 WHERE seq = ?1 AND deleted_at IS NULL",
            params![seq, now.as_millisecond()],
        )
    }

    // ---- supporters ----------------------------------------------------------

    /// Adds someone to the support map; returns their number.
    pub fn add_supporter(&mut self, s: &Supporter) -> Result<i64, StoreError> {
        self.add_one(|conn| insert_supporter(conn, s))
    }

    /// The support map, in the order people were added.
    pub fn supporters(&self) -> Result<Vec<Numbered<Supporter>>, StoreError> {
        let r = (|| {
            let mut stmt = self
                .conn
                .prepare_cached(&format!("SELECT {SUPPORTER_COLS} FROM supporters WHERE removed = 0 ORDER BY seq"))?;
            let rows = stmt.query_map([], supporter_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(seq, id, name, relation, last, can_call, note)| {
                    Ok(Numbered {
                        seq,
                        item: Supporter {
                            id: record_id(&id)?,
                            name,
                            relation,
                            last_contact: date_from(last)?,
                            can_call,
                            note,
                        },
                    })
                })
                .collect()
        })();
        self.edge(r)
    }

    /// Rewrites someone on the map.
    pub fn update_supporter(&mut self, seq: i64, s: &Supporter) -> Result<(), StoreError> {
        self.change_one(
            SUPPORTER,
            seq,
            "UPDATE supporters SET name = ?2, relation = ?3, last_contact = ?4, can_call = ?5, note = ?6 \
             WHERE seq = ?1 AND removed = 0",
            params![seq, s.name, s.relation, date_text(s.last_contact), s.can_call, s.note],
        )
    }

    /// Takes someone off the map.
    pub fn remove_supporter(&mut self, seq: i64) -> Result<(), StoreError> {
        self.change_one(SUPPORTER, seq, "UPDATE supporters SET removed = 1 WHERE seq = ?1 AND removed = 0", [seq])
    }

    // ---- affirmations --------------------------------------------------------

    /// Adds rows for suggestions from content that the journal has not seen
    /// yet (a removed one is never added back). New rows count as shown as
    /// often as the least-shown affirmation, so they join the current round.
    pub fn sync_affirmation_suggestions(
        &mut self,
        suggestions: &[Suggestion],
        new_id: &mut dyn FnMut() -> RecordId,
    ) -> Result<usize, StoreError> {
        let r = (|| {
            // Usually all are there already: then write nothing, so that a
            // refused `attune affirm …` leaves the journal's files untouched.
            let mut stmt =
                self.conn.prepare_cached("SELECT suggestion FROM affirmations WHERE suggestion IS NOT NULL")?;
            let known = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            drop(stmt);
            if suggestions.iter().all(|s| known.contains(&s.id)) {
                return Ok(0);
            }
            let tx = self.write_tx()?;
            let least = least_shown(&tx)?;
            let mut added = 0;
            for s in suggestions {
                added += tx.execute(
                    "INSERT OR IGNORE INTO affirmations (id, suggestion, shown) VALUES (?1, ?2, ?3)",
                    params![new_id().to_string(), s.id, least],
                )?;
            }
            tx.commit()?;
            Ok(added)
        })();
        self.edge(r)
    }

    /// Every affirmation in use, in order. A suggestion shows its text from
    /// `suggestions` (the content in effect) unless I edited it; one that
    /// content no longer has is left out.
    pub fn affirmations(&self, suggestions: &[Suggestion]) -> Result<Vec<Numbered<Affirmation>>, StoreError> {
        let r = (|| {
            let mut stmt = self.conn.prepare_cached(
                "SELECT seq, id, text, suggestion, starred, shown FROM affirmations WHERE removed = 0 ORDER BY seq",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, bool>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::new();
            for (seq, id, text, suggestion, starred, shown) in rows {
                let (text, own) = match (text, &suggestion) {
                    (Some(t), _) => (t, true),
                    (None, Some(sid)) => match suggestions.iter().find(|s| &s.id == sid) {
                        Some(s) => (s.text.trim().to_string(), false),
                        None => continue,
                    },
                    (None, None) => return Err(StoreError::Decode(format!("affirmation {seq} has no text"))),
                };
                out.push(Numbered {
                    seq,
                    item: Affirmation {
                        id: record_id(&id)?,
                        text,
                        suggestion,
                        own,
                        starred,
                        shown: u32_from(shown, "shown")?,
                    },
                });
            }
            Ok(out)
        })();
        self.edge(r)
    }

    /// Adds my own affirmation; it joins the current round.
    pub fn add_affirmation(&mut self, a: &Affirmation) -> Result<i64, StoreError> {
        self.add_one(|conn| insert_affirmation(conn, a, Some(&a.text), least_shown(conn)?))
    }

    /// Changes an affirmation's words (a suggestion becomes my own), its
    /// star, or marks it shown once more; `None` keeps a field.
    pub fn update_affirmation(
        &mut self,
        seq: i64,
        text: Option<&str>,
        starred: Option<bool>,
        shown_once_more: bool,
    ) -> Result<(), StoreError> {
        self.change_one(
            "affirmation",
            seq,
            "UPDATE affirmations SET text = coalesce(?2, text), starred = coalesce(?3, starred), \
                 shown = shown + ?4 WHERE seq = ?1 AND removed = 0",
            params![seq, text, starred, i64::from(shown_once_more)],
        )
    }

    /// Removes an affirmation (a suggestion is not offered again).
    pub fn remove_affirmation(&mut self, seq: i64) -> Result<(), StoreError> {
        self.change_one("affirmation", seq, "UPDATE affirmations SET removed = 1 WHERE seq = ?1 AND removed = 0", [seq])
    }
}

#[cfg(test)]
mod tests {
    use attune_core::pause::Pause;
    use attune_core::plan::{Day, Every, ReviewUnit};
    use attune_core::{Label, Moment};
    use jiff::civil::Time;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use rusqlite::Connection;

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
        (0i64..4_000_000_000_000, -14 * 60i32..=14 * 60, proptest::option::of("[A-Z][a-z]{2,6}/[A-Z][a-z]{2,6}"))
            .prop_map(|(ms, off, zone)| Moment {
                at: Timestamp::from_millisecond(ms).unwrap(),
                offset_seconds: off * 60,
                zone,
            })
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
        let suggestions = vec![
            Suggestion { id: "a".into(), text: "First".into() },
            Suggestion { id: "b".into(), text: "Second".into() },
        ];
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
        assert_eq!(
            s.affirmations(&suggestions[..1]).unwrap().iter().filter(|a| a.item.suggestion.is_some()).count(),
            1
        );
        let second = s
            .affirmations(&suggestions)
            .unwrap()
            .into_iter()
            .find(|a| a.item.suggestion.as_deref() == Some("b"))
            .unwrap();
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
        let e = store.entry(1).unwrap().entry;
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
}
