//! Self-assessments: finished questionnaires and the ones in progress.
//!
//! Answers and scores are stored as JSON with the instrument's id, version
//! and title, so a result stays readable and comparable whatever happens to
//! the questionnaire's file later.

use attune_core::Moment;
use attune_core::assess::{Answers, Session, SubscaleScore, Taken};
use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use super::rows::moment;
use crate::error::StoreError;

const TAKEN_COLS: &str = "id, instrument, version, title, at_ms, at_offset, at_zone, answers, scores";
const SESSION_COLS: &str = "instrument, version, title, started_ms, started_offset, started_zone, \
     updated_ms, updated_offset, updated_zone, position, answers";

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode(e.to_string()))
}

fn decode<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}

fn version(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Decode(format!("version {v}")))
}

type RawTaken = (String, String, i64, String, (i64, i64, Option<String>), String, String);

fn taken_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawTaken> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, (r.get(4)?, r.get(5)?, r.get(6)?), r.get(7)?, r.get(8)?))
}

fn taken((id, instrument, v, title, at, answers, scores): RawTaken) -> Result<Taken, StoreError> {
    Ok(Taken {
        id: id.parse().map_err(|e| StoreError::Decode(format!("assessment id {id}: {e}")))?,
        instrument,
        version: version(v)?,
        title,
        at: moment(at)?,
        answers: decode::<Answers>(&answers, "assessment answers")?,
        scores: decode::<Vec<SubscaleScore>>(&scores, "assessment scores")?,
    })
}

type RawSession = (String, i64, String, (i64, i64, Option<String>), (i64, i64, Option<String>), i64, String);

fn session_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawSession> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        (r.get(3)?, r.get(4)?, r.get(5)?),
        (r.get(6)?, r.get(7)?, r.get(8)?),
        r.get(9)?,
        r.get(10)?,
    ))
}

fn session((instrument, v, title, started, updated, position, answers): RawSession) -> Result<Session, StoreError> {
    Ok(Session {
        instrument,
        version: version(v)?,
        title,
        started: moment(started)?,
        updated: moment(updated)?,
        position: usize::try_from(position).map_err(|_| StoreError::Decode(format!("position {position}")))?,
        answers: decode::<Answers>(&answers, "session answers")?,
    })
}

/// Writes a finished questionnaire's row. The caller owns the transaction
/// (finishing one, or an import).
pub(super) fn insert_assessment(conn: &Connection, t: &Taken) -> Result<(), StoreError> {
    let (answers, scores) = (json(&t.answers)?, json(&t.scores)?);
    let (ms, offset, zone) = parts(&t.at);
    conn.prepare_cached(
        "INSERT INTO assessments (id, instrument, version, title, at_ms, at_offset, at_zone, answers, scores) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![t.id.to_string(), t.instrument, t.version, t.title, ms, offset, zone, answers, scores])?;
    Ok(())
}

fn parts(m: &Moment) -> (i64, i32, Option<&str>) {
    (m.unix_ms(), m.offset_seconds, m.zone.as_deref())
}

impl Store {
    /// Saves a finished questionnaire and ends its session, in one
    /// transaction; returns after COMMIT.
    pub fn save_assessment(&mut self, t: &Taken) -> Result<(), StoreError> {
        self.writing(|tx| {
            insert_assessment(tx, t)?;
            tx.execute("DELETE FROM assessment_sessions WHERE instrument = ?1", [&t.instrument])?;
            Ok(())
        })
    }

    /// Finished questionnaires, newest first; all, or one instrument's.
    pub fn assessments(&self, instrument: Option<&str>) -> Result<Vec<Taken>, StoreError> {
        self.reading(|conn| {
            let sql = format!(
                "SELECT {TAKEN_COLS} FROM assessments WHERE deleted_at IS NULL AND (?1 IS NULL OR instrument = ?1) \
                 ORDER BY at_ms DESC, seq DESC"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let raw = stmt.query_map([instrument], taken_from_row)?.collect::<Result<Vec<_>, _>>()?;
            raw.into_iter().map(taken).collect()
        })
    }

    /// The newest finished result of one questionnaire.
    pub fn last_assessment(&self, instrument: &str) -> Result<Option<Taken>, StoreError> {
        self.reading(|conn| {
            let sql = format!(
                "SELECT {TAKEN_COLS} FROM assessments WHERE deleted_at IS NULL AND instrument = ?1 \
                 ORDER BY at_ms DESC, seq DESC LIMIT 1"
            );
            let raw = conn.prepare_cached(&sql)?.query_row([instrument], taken_from_row).optional()?;
            raw.map(taken).transpose()
        })
    }

    /// Saves (or replaces) the questionnaire in progress; returns after COMMIT.
    pub fn save_assessment_session(&mut self, s: &Session) -> Result<(), StoreError> {
        let answers = json(&s.answers)?;
        let (sm, so, sz) = parts(&s.started);
        let (um, uo, uz) = parts(&s.updated);
        let position = i64::try_from(s.position).unwrap_or(i64::MAX);
        self.writing(|tx| {
            tx.execute(
                &format!(
                    "INSERT OR REPLACE INTO assessment_sessions ({SESSION_COLS}) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                ),
                params![s.instrument, s.version, s.title, sm, so, sz, um, uo, uz, position, answers],
            )?;
            Ok(())
        })
    }

    /// The questionnaire in progress for an instrument, if any.
    pub fn assessment_session(&self, instrument: &str) -> Result<Option<Session>, StoreError> {
        self.reading(|conn| {
            let sql = format!("SELECT {SESSION_COLS} FROM assessment_sessions WHERE instrument = ?1");
            let raw = conn.prepare_cached(&sql)?.query_row([instrument], session_from_row).optional()?;
            raw.map(session).transpose()
        })
    }

    /// Every questionnaire in progress, most recently answered first.
    pub fn assessment_sessions(&self) -> Result<Vec<Session>, StoreError> {
        self.reading(|conn| {
            let sql = format!("SELECT {SESSION_COLS} FROM assessment_sessions ORDER BY updated_ms DESC, instrument");
            let mut stmt = conn.prepare_cached(&sql)?;
            let raw = stmt.query_map([], session_from_row)?.collect::<Result<Vec<_>, _>>()?;
            raw.into_iter().map(session).collect()
        })
    }

    /// Throws away the questionnaire in progress; false if there was none.
    pub fn discard_assessment_session(&mut self, instrument: &str) -> Result<bool, StoreError> {
        self.writing(|tx| {
            let n = tx.execute("DELETE FROM assessment_sessions WHERE instrument = ?1", [instrument])?;
            Ok(n > 0)
        })
    }
}

#[cfg(test)]
mod tests {
    use attune_core::RecordId;
    use jiff::Timestamp;

    use super::*;
    use crate::Protection;

    fn at(ms: i64) -> Moment {
        Moment {
            at: Timestamp::from_millisecond(ms).unwrap(),
            offset_seconds: 3600,
            zone: Some("Europe/Berlin".into()),
        }
    }

    fn result(n: u128, instrument: &str, ms: i64, score: Option<f64>) -> Taken {
        Taken {
            id: RecordId::from_uuid(uuid::Uuid::from_u128(n)),
            instrument: instrument.into(),
            version: 2,
            title: "T".into(),
            at: at(ms),
            answers: [("a".to_string(), 3), ("b".to_string(), 1)].into(),
            scores: vec![SubscaleScore {
                subscale: "s".into(),
                items: 2,
                answered: 2,
                score,
                min: 1.0,
                max: 5.0,
                z: Some(0.5),
                percentile: Some(69.1),
                band: None,
            }],
        }
    }

    #[test]
    fn results_and_sessions_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = Store::create(dir.path(), Protection::None).unwrap();
        assert!(store.assessments(None).unwrap().is_empty());
        assert_eq!(store.last_assessment("x").unwrap(), None);

        let s = Session {
            instrument: "x".into(),
            version: 2,
            title: "T".into(),
            started: at(1_000),
            updated: at(2_000),
            position: 1,
            answers: [("a".to_string(), 3)].into(),
        };
        store.save_assessment_session(&s).unwrap();
        let mut later = s.clone();
        later.position = 2;
        later.updated = at(3_000);
        store.save_assessment_session(&later).unwrap();
        assert_eq!(store.assessment_session("x").unwrap(), Some(later.clone()));
        assert_eq!(store.assessment_sessions().unwrap(), vec![later]);

        let old = result(1, "x", 10_000, Some(2.5));
        let new = result(2, "x", 20_000, None);
        let other = result(3, "y", 15_000, Some(4.0));
        for r in [&old, &new, &other] {
            store.save_assessment(r).unwrap();
        }
        assert_eq!(store.assessment_session("x").unwrap(), None);
        assert_eq!(store.assessments(Some("x")).unwrap(), vec![new.clone(), old]);
        assert_eq!(store.assessments(None).unwrap().len(), 3);
        assert_eq!(store.last_assessment("x").unwrap(), Some(new));

        store.save_assessment_session(&s).unwrap();
        assert!(store.discard_assessment_session("x").unwrap());
        assert!(!store.discard_assessment_session("x").unwrap());
        // The same result twice is refused, not duplicated.
        assert!(store.save_assessment(&other).is_err());
        assert_eq!(store.assessments(Some("y")).unwrap().len(), 1);
    }
}
