//! An import's counts per reason, never a note per record.

use serde::Serialize;

use super::{ImportNotes, join, read_all};
use crate::insights::Template;

/// How an import reports what its words showed: a count per reason, never
/// a note per record (a person importing years of journal is not in the
/// moment those words were written).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSafety {
    /// Records whose words may point to a crisis.
    pub crisis: usize,
    /// Records whose words describe abuse of the person.
    pub abuse: usize,
    /// Records whose words describe the person controlling or hurting their partner.
    pub own_behaviour: usize,
}

impl ImportSafety {
    /// An import reads the words of the records of the last this many days:
    /// the count is there for what may still be true now, and reading years
    /// of notes would make a large import many times slower.
    pub const RECENT_DAYS: i64 = 90;
    /// At most this many of those records, the most recent first.
    pub const MAX_READ: usize = 5_000;

    /// Whether a record from `occurred_ms` is read by an import at `now_ms`
    /// (both Unix milliseconds).
    pub fn is_recent(occurred_ms: i64, now_ms: i64) -> bool {
        now_ms.saturating_sub(occurred_ms) <= Self::RECENT_DAYS * 86_400_000
    }

    /// Reads each record's words (`texts` per record).
    pub fn count<'a>(records: impl IntoIterator<Item = &'a [&'a str]>) -> Self {
        let mut out = Self::default();
        for texts in records {
            let text = join(texts);
            let (crisis, abuse, own) = read_all(&text);
            out.crisis += usize::from(crisis.is_some());
            out.abuse += usize::from(abuse.is_some());
            out.own_behaviour += usize::from(own.is_some());
        }
        out
    }

    /// Whether any record showed anything.
    pub fn any(&self) -> bool {
        self.crisis + self.abuse + self.own_behaviour > 0
    }

    /// The one calm sentence an import shows, when anything was noticed.
    pub fn sentence(&self, t: &ImportNotes) -> Option<String> {
        let count = |n: usize, one: &str, many: &Template| match n {
            0 => None,
            1 => Some(one.to_string()),
            n => Some(many.render(&[("n", n.to_string())])),
        };
        let parts: Vec<String> = [
            count(self.crisis, &t.crisis_one, &t.crisis_many),
            count(self.abuse, &t.abuse_one, &t.abuse_many),
            count(self.own_behaviour, &t.own_one, &t.own_many),
        ]
        .into_iter()
        .flatten()
        .collect();
        let days = Self::RECENT_DAYS.to_string();
        (!parts.is_empty()).then(|| t.summary.render(&[("parts", parts.join("; ")), ("days", days)]))
    }
}
