//! Taking a questionnaire: one item at a time, with stop, skip, back and
//! resume, and the finished result that is stored.

use serde::{Deserialize, Serialize};

use super::instrument::{Instrument, Item};
use super::score::{AnswerError, Answers, SubscaleScore, check_answer, score};
use crate::ids::RecordId;
use crate::moment::Moment;

/// A finished questionnaire: the answers, the scores, and the exact version
/// of the instrument they belong to (so results stay comparable when the
/// wording changes later).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Taken {
    /// Stable identity.
    pub id: RecordId,
    /// Instrument id.
    pub instrument: String,
    /// Instrument version the answers were given to.
    pub version: u32,
    /// Instrument title at the time.
    pub title: String,
    /// When it was finished.
    pub at: Moment,
    /// Answers by item id (skipped items are absent).
    pub answers: Answers,
    /// Scores, one per subscale.
    pub scores: Vec<SubscaleScore>,
}

impl Taken {
    /// The score of one subscale.
    pub fn score(&self, subscale: &str) -> Option<&SubscaleScore> {
        self.scores.iter().find(|s| s.subscale == subscale)
    }
}

/// A questionnaire in progress, saved after every answer so it can be
/// stopped at any moment and resumed later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Instrument id.
    pub instrument: String,
    /// Instrument version.
    pub version: u32,
    /// Instrument title.
    pub title: String,
    /// When it was begun.
    pub started: Moment,
    /// When it was last answered.
    pub updated: Moment,
    /// Index of the next item to ask (items before it were answered or skipped).
    pub position: usize,
    /// Answers so far.
    pub answers: Answers,
}

impl Session {
    /// A fresh start.
    pub fn new(instrument: &Instrument, now: Moment) -> Self {
        Self {
            instrument: instrument.id.clone(),
            version: instrument.version,
            title: instrument.title.clone(),
            started: now.clone(),
            updated: now,
            position: 0,
            answers: Answers::new(),
        }
    }

    /// Whether this session was begun with this very instrument and version,
    /// and its answers still fit it.
    pub fn fits(&self, instrument: &Instrument) -> bool {
        self.instrument == instrument.id
            && self.version == instrument.version
            && self.answers.iter().all(|(k, v)| check_answer(instrument, k, *v).is_ok())
    }

    /// The item to ask next, if any are left.
    pub fn current<'a>(&self, instrument: &'a Instrument) -> Option<&'a Item> {
        instrument.items.get(self.position)
    }

    /// Answers the current item and moves on.
    pub fn answer(&mut self, instrument: &Instrument, value: i32, now: Moment) -> Result<(), AnswerError> {
        let Some(item) = self.current(instrument) else { return Ok(()) };
        check_answer(instrument, &item.id, value)?;
        self.answers.insert(item.id.clone(), value);
        self.position += 1;
        self.updated = now;
        Ok(())
    }

    /// Leaves the current item unanswered and moves on.
    pub fn skip(&mut self, instrument: &Instrument, now: Moment) {
        if let Some(item) = self.current(instrument) {
            self.answers.remove(&item.id);
            self.position += 1;
            self.updated = now;
        }
    }

    /// Goes back one item (its answer stays until it is changed). False at the start.
    pub fn back(&mut self, now: Moment) -> bool {
        if self.position == 0 {
            return false;
        }
        self.position -= 1;
        self.updated = now;
        true
    }

    /// Whether every item has been answered or skipped.
    pub fn is_done(&self, instrument: &Instrument) -> bool {
        self.position >= instrument.items.len()
    }

    /// Items answered so far.
    pub fn answered(&self) -> usize {
        self.answers.len()
    }

    /// Scores the answers into a result.
    pub fn finish(&self, instrument: &Instrument, id: RecordId, at: Moment) -> Result<Taken, AnswerError> {
        Ok(Taken {
            id,
            instrument: instrument.id.clone(),
            version: instrument.version,
            title: instrument.title.clone(),
            at,
            answers: self.answers.clone(),
            scores: score(instrument, &self.answers)?,
        })
    }
}
