//! The one row type: a stored record with the short number people type.
//! Entries and check-ins use it too (`EntryRow`, `CheckinRow`), so every
//! record that has a number reads the same way, `row.seq` and `row.item`.

use serde::Serialize;

/// A stored record with its short local number, which people type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Numbered<T> {
    /// Short number, unique among its kind, never reused.
    pub seq: i64,
    /// The record.
    #[serde(flatten)]
    pub item: T,
}
