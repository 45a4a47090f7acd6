//! Self-worth: activities, the support map and affirmations. Every write
//! is one transaction and returns after COMMIT.

use attune_core::RecordId;
use attune_core::selfworth::{Activity, Affirmation, Category, Suggestion, Supporter};
use jiff::Timestamp;
use rusqlite::{Connection, Row, params};

use super::Store;
use super::numbered::Numbered;
use super::rows::{date_from, date_text, moment, moment_at, parse_enum, record_id, u32_from};
use crate::error::StoreError;

/// How a supporter is named in "not found" errors.
const SUPPORTER: &str = "person on your support map";

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
    // ---- activities ----------------------------------------------------------

    /// Saves an activity; returns its number.
    pub fn insert_activity(&mut self, a: &Activity) -> Result<i64, StoreError> {
        self.writing(|tx| insert_activity(tx, a))
    }

    /// Activities at or after `since`, newest first.
    pub fn activities(
        &self,
        since: Option<Timestamp>,
        limit: Option<usize>,
    ) -> Result<Vec<Numbered<Activity>>, StoreError> {
        self.reading(|conn| {
            let since = since.map(|t| t.as_millisecond()).unwrap_or(i64::MIN);
            let limit = limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX)).unwrap_or(-1);
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {ACTIVITY_COLS} FROM activities WHERE deleted_at IS NULL AND at_ms >= ?1 \
                 ORDER BY at_ms DESC, seq DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![since, limit], activity_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(decode_activity).collect()
        })
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
        self.writing(|tx| insert_supporter(tx, s))
    }

    /// The support map, in the order people were added.
    pub fn supporters(&self) -> Result<Vec<Numbered<Supporter>>, StoreError> {
        self.reading(|conn| {
            let mut stmt = conn
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
        })
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
        // Usually all are there already: then write nothing, so that a
        // refused `attune affirm …` leaves the journal's files untouched.
        let known = self.reading(|conn| {
            let mut stmt = conn.prepare_cached("SELECT suggestion FROM affirmations WHERE suggestion IS NOT NULL")?;
            let known = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(known)
        })?;
        if suggestions.iter().all(|s| known.contains(&s.id)) {
            return Ok(0);
        }
        self.writing(|tx| {
            let least = least_shown(tx)?;
            let mut added = 0;
            for s in suggestions {
                added += tx.execute(
                    "INSERT OR IGNORE INTO affirmations (id, suggestion, shown) VALUES (?1, ?2, ?3)",
                    params![new_id().to_string(), s.id, least],
                )?;
            }
            Ok(added)
        })
    }

    /// Every affirmation in use, in order. A suggestion shows its text from
    /// `suggestions` (the content in effect) unless I edited it; one that
    /// content no longer has is left out.
    pub fn affirmations(&self, suggestions: &[Suggestion]) -> Result<Vec<Numbered<Affirmation>>, StoreError> {
        self.reading(|conn| {
            let mut stmt = conn.prepare_cached(
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
        })
    }

    /// Adds my own affirmation; it joins the current round.
    pub fn add_affirmation(&mut self, a: &Affirmation) -> Result<i64, StoreError> {
        self.writing(|tx| insert_affirmation(tx, a, Some(&a.text), least_shown(tx)?))
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
