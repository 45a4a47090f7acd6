//! The plan: needs, trigger plans and agreements (with their history).
//! Every write is one transaction and returns after COMMIT.

use attune_core::plan::{
    Agreement, AgreementKind, Change, Need, PlanStatus, Proposer, ReviewEvery, Revision, Rhythm, TriggerPlan,
};
use attune_core::{LabelKind, Slug};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Store;
use super::numbered::Numbered;
use super::rows::{
    date_from, date_text, find_label, follow_merges, json_from, json_text, label_by_id, moment, moment_at, not_found,
    not_on_list, parse_enum, record_id, slug_from_db, u32_from,
};
use crate::error::StoreError;

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

impl Store {
    // ---- needs ---------------------------------------------------------------

    /// My needs, in the order they were first written down.
    pub fn needs(&self) -> Result<Vec<Need>, StoreError> {
        self.reading(|conn| {
            let mut stmt = conn.prepare_cached(&format!("SELECT {NEED_COLS} FROM needs ORDER BY seq"))?;
            let rows = stmt.query_map([], need_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(decode_need).collect()
        })
    }

    /// Adds a need, or updates the one with the same slug (keeping its id
    /// and creation time). Returns the need as stored and whether it is new.
    pub fn save_need(&mut self, need: &Need) -> Result<(Need, bool), StoreError> {
        self.writing(|tx| {
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
                    insert_need(tx, need)?;
                    (need.clone(), true)
                }
            };
            Ok((stored, new))
        })
    }

    /// Removes a need; false if there was none with that slug.
    pub fn remove_need(&mut self, slug: &Slug) -> Result<bool, StoreError> {
        self.writing(|tx| {
            let n = tx.execute("DELETE FROM needs WHERE slug = ?1", [slug.as_str()])?;
            Ok(n > 0)
        })
    }

    // ---- trigger plans -------------------------------------------------------

    /// Every trigger plan, in the order of my trigger list.
    pub fn trigger_plans(&self) -> Result<Vec<TriggerPlan>, StoreError> {
        self.reading(|conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {PLAN_COLS} FROM trigger_plans p ORDER BY p.label_id"))?;
            let rows = stmt.query_map([], plan_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(|raw| decode_plan(conn, raw)).collect()
        })
    }

    /// The plan for one trigger (by its current slug, following merges).
    pub fn trigger_plan(&self, slug: &Slug) -> Result<Option<TriggerPlan>, StoreError> {
        self.reading(|conn| {
            let row =
                find_label(conn, LabelKind::Trigger, slug)?.ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
            let label_id = follow_merges(conn, row.id)?;
            let raw = conn
                .query_row(
                    &format!("SELECT {PLAN_COLS} FROM trigger_plans p WHERE p.label_id = ?1"),
                    [label_id],
                    plan_row,
                )
                .optional()?;
            raw.map(|raw| decode_plan(conn, raw)).transpose()
        })
    }

    /// Saves the plan for `plan.trigger` (following merges), replacing an
    /// earlier one but keeping its id. Returns the plan as stored.
    pub fn save_trigger_plan(&mut self, plan: &TriggerPlan) -> Result<TriggerPlan, StoreError> {
        self.writing(|tx| {
            let slug = &plan.trigger.slug;
            let row = find_label(tx, LabelKind::Trigger, slug)?.ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
            let label_id = follow_merges(tx, row.id)?;
            let id: String = tx
                .query_row("SELECT id FROM trigger_plans WHERE label_id = ?1", [label_id], |r| r.get(0))
                .optional()?
                .unwrap_or_else(|| plan.id.to_string());
            write_trigger_plan(tx, label_id, &id, plan)?;
            let raw = tx.query_row(
                &format!("SELECT {PLAN_COLS} FROM trigger_plans p WHERE p.label_id = ?1"),
                [label_id],
                plan_row,
            )?;
            let stored = decode_plan(tx, raw)?;
            Ok(stored)
        })
    }

    /// Removes the plan for a trigger; false if it had none.
    pub fn remove_trigger_plan(&mut self, slug: &Slug) -> Result<bool, StoreError> {
        self.writing(|tx| {
            let row = find_label(tx, LabelKind::Trigger, slug)?.ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
            let label_id = follow_merges(tx, row.id)?;
            let n = tx.execute("DELETE FROM trigger_plans WHERE label_id = ?1", [label_id])?;
            Ok(n > 0)
        })
    }

    // ---- agreements ----------------------------------------------------------

    /// Saves a new agreement with its history; returns its number.
    pub fn add_agreement(&mut self, a: &Agreement) -> Result<i64, StoreError> {
        self.writing(|tx| insert_agreement(tx, a))
    }

    /// Agreements, oldest first; retired ones only when asked.
    pub fn agreements(&self, include_retired: bool) -> Result<Vec<Numbered<Agreement>>, StoreError> {
        self.reading(|conn| {
            let filter = if include_retired { "" } else { "WHERE retired_on IS NULL" };
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {AGREEMENT_COLS} FROM agreements {filter} ORDER BY seq"))?;
            let rows = stmt.query_map([], agreement_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(|raw| decode_agreement(conn, raw)).collect()
        })
    }

    /// One agreement by number.
    pub fn agreement(&self, seq: i64) -> Result<Numbered<Agreement>, StoreError> {
        self.reading(|conn| {
            let raw = conn
                .query_row(&format!("SELECT {AGREEMENT_COLS} FROM agreements WHERE seq = ?1"), [seq], agreement_row)
                .optional()?
                .ok_or_else(|| not_found("agreement", seq))?;
            decode_agreement(conn, raw)
        })
    }

    /// Writes a changed agreement: its fields, and the history steps added
    /// since it was read (history is append-only; earlier steps are kept).
    pub fn update_agreement(&mut self, seq: i64, a: &Agreement) -> Result<(), StoreError> {
        self.writing(|tx| {
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
            write_history(tx, seq, from, &a.history)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests;
