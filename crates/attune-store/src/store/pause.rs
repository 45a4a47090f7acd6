//! Pauses taken in a conversation. Every write is one transaction and
//! returns after COMMIT.

use attune_core::pause::Pause;
use rusqlite::{Connection, Row, params};

use super::Store;
use super::numbered::Numbered;
use super::rows::{moment, moment_at, record_id, u32_from};
use crate::error::StoreError;

const PAUSE_COLS: &str =
    "seq, id, started_ms, started_offset, started_zone, planned_secs, actual_secs, ended_early, reconvened";

type RawPause = (i64, String, (i64, i64, Option<String>), i64, i64, bool, Option<bool>);

fn pause_row(r: &Row<'_>) -> rusqlite::Result<RawPause> {
    Ok((r.get(0)?, r.get(1)?, moment_at(r, 2)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
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

impl Store {
    /// Logs a pause; returns its number.
    pub fn insert_pause(&mut self, p: &Pause) -> Result<i64, StoreError> {
        self.writing(|tx| insert_pause(tx, p))
    }

    /// Records whether we came back together after pause `seq`.
    pub fn set_pause_reconvened(&mut self, seq: i64, reconvened: Option<bool>) -> Result<(), StoreError> {
        self.change_one("pause", seq, "UPDATE pauses SET reconvened = ?2 WHERE seq = ?1", params![seq, reconvened])
    }

    /// Pauses, newest first (the newest `limit` when given).
    pub fn pauses(&self, limit: Option<usize>) -> Result<Vec<Numbered<Pause>>, StoreError> {
        self.reading(|conn| {
            let limit = limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX)).unwrap_or(-1);
            let mut stmt = conn.prepare_cached(&format!(
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
        })
    }

    /// How many pauses were logged.
    pub fn count_pauses(&self) -> Result<u64, StoreError> {
        self.reading(|conn| Ok(conn.query_row("SELECT count(*) FROM pauses", [], |r| r.get::<_, i64>(0))?))
            .map(|n| u64::try_from(n).unwrap_or(0))
    }
}
