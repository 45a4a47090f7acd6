//! Check-ins: saving, deleting and listing them.

use attune_core::Checkin;
use jiff::Timestamp;
use rusqlite::params;
use rusqlite::types::Value;

use super::Store;
use super::rows::{CHECKIN_COLS, CheckinRow, query_checkins, read_checkin};
use super::undo::log_action;
use super::write::{insert_checkin_row, soft_delete};
use crate::error::StoreError;

/// Which check-ins to list.
#[derive(Clone, Debug, Default)]
pub struct CheckinFilter {
    /// At or after.
    pub since: Option<Timestamp>,
    /// At or before.
    pub until: Option<Timestamp>,
    /// The newest N.
    pub limit: Option<usize>,
}

impl Store {
    /// Saves a new check-in; returns its number after COMMIT succeeded.
    pub fn insert_checkin(&mut self, c: &Checkin) -> Result<i64, StoreError> {
        self.writing(|tx| {
            let seq = insert_checkin_row(tx, c)?;
            log_action(tx, "checkin-create", seq, None)?;
            Ok(seq)
        })
    }

    /// Soft-deletes a check-in.
    pub fn delete_checkin(&mut self, seq: i64) -> Result<(), StoreError> {
        self.writing(|tx| {
            if !soft_delete(tx, "checkins", seq)? {
                return Err(StoreError::NotFound { what: "check-in", given: format!("c{seq}") });
            }
            tx.execute("DELETE FROM checkins_fts WHERE rowid = ?1", params![seq])?;
            log_action(tx, "checkin-delete", seq, None)
        })?;
        // Saved; what is past the undo window can wait for a later try.
        let _ = self.purge_expired();
        Ok(())
    }

    /// One check-in by number.
    pub fn checkin(&self, seq: i64) -> Result<CheckinRow, StoreError> {
        self.reading(|conn| read_checkin(conn, seq))
    }

    /// Check-ins matching the filter, newest first.
    pub fn checkins(&self, filter: &CheckinFilter) -> Result<Vec<CheckinRow>, StoreError> {
        self.reading(|conn| {
            let mut values = Vec::new();
            let mut sql = format!("SELECT {CHECKIN_COLS} FROM checkins c WHERE c.deleted_at IS NULL");
            if let Some(since) = filter.since {
                values.push(Value::Integer(since.as_millisecond()));
                sql.push_str(&format!(" AND c.at_ms >= ?{}", values.len()));
            }
            if let Some(until) = filter.until {
                values.push(Value::Integer(until.as_millisecond()));
                sql.push_str(&format!(" AND c.at_ms <= ?{}", values.len()));
            }
            sql.push_str(" ORDER BY c.at_ms DESC, c.seq DESC");
            if let Some(limit) = filter.limit {
                values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
                sql.push_str(&format!(" LIMIT ?{}", values.len()));
            }
            query_checkins(conn, &sql, &values)
        })
    }
}
