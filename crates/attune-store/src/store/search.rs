//! Finding records: full-text search, and ids as people type them.

use std::collections::HashMap;

use attune_core::RecordId;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Store;
use super::rows::{CHECKIN_COLS, CheckinRow, ENTRY_COLS, EntryRow, query_checkins, query_entries};
use crate::error::StoreError;

/// What an id typed by a person points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordRef {
    /// An entry, by its local number.
    Entry(i64),
    /// A check-in, by its local number.
    Checkin(i64),
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
// Hits are few (one page) and built once; boxing would only complicate the API.
#[allow(clippy::large_enum_variant)]
pub enum SearchHit {
    /// An entry matched.
    Entry {
        /// The entry.
        #[serde(flatten)]
        row: EntryRow,
        /// The best matching passage, with matches between `[` and `]`.
        snippet: String,
    },
    /// A check-in note matched.
    Checkin {
        /// The check-in.
        #[serde(flatten)]
        row: CheckinRow,
        /// The best matching passage.
        snippet: String,
    },
}

/// Most words used from a search query.
const MAX_SEARCH_WORDS: usize = 32;

/// Words of context around a search match.
const SNIPPET_WORDS: i64 = 12;

impl Store {
    /// Full-text search over every text field of entries (situation, thoughts,
    /// fear, helped, tags, trigger and feeling names) and check-in notes.
    /// All words must match (prefix match on each); newest first, at most `limit`.
    /// Returns the hits and the total number of matches.
    ///
    /// Only letters and digits of `words` are used, each as a quoted prefix
    /// term, so no input is ever read as FTS5 query syntax.
    pub fn search(&self, words: &str, limit: usize) -> Result<(Vec<SearchHit>, usize), StoreError> {
        // Per table, the FTS query runs once whatever the page size (see
        // [`newest_matches`]); snippets come from the page's rows in memory.
        // Per-row FTS queries would merge the prefix terms' whole doclists again
        // for every hit.
        self.reading(|conn| {
            let Some(query) = fts_query(words) else {
                return Ok((Vec::new(), 0));
            };
            let lim = i64::try_from(limit).unwrap_or(i64::MAX);
            let entry_matches = newest_matches(conn, "entries", "e", "occurred_ms", &query, lim)?;
            let checkin_matches = newest_matches(conn, "checkins", "c", "at_ms", &query, lim)?;
            let total = entry_matches.0 + checkin_matches.0;
            let (entry_matches, checkin_matches) = (entry_matches.1, checkin_matches.1);

            // Merge the two newest-first lists; ties go to the entry.
            let (mut e_page, mut c_page, mut order) = (Vec::new(), Vec::new(), Vec::new());
            let (mut ei, mut ci) = (entry_matches.iter().peekable(), checkin_matches.iter().peekable());
            while order.len() < limit {
                let take_entry = match (ei.peek(), ci.peek()) {
                    (Some(e), Some(c)) => e.1 >= c.1,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                if take_entry {
                    if let Some((seq, _)) = ei.next() {
                        e_page.push(*seq);
                        order.push(RecordRef::Entry(*seq));
                    }
                } else if let Some((seq, _)) = ci.next() {
                    c_page.push(*seq);
                    order.push(RecordRef::Checkin(*seq));
                }
            }
            if order.is_empty() {
                return Ok((Vec::new(), total));
            }

            let e_ids = json_ids(&e_page)?;
            let c_ids = json_ids(&c_page)?;
            let entry_sql =
                format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.seq IN (SELECT value FROM json_each(?1))");
            let mut entries: HashMap<i64, EntryRow> = query_entries(conn, &entry_sql, &[Value::Text(e_ids.clone())])?
                .into_iter()
                .map(|r| (r.seq, r))
                .collect();
            let checkin_sql =
                format!("SELECT {CHECKIN_COLS} FROM checkins c WHERE c.seq IN (SELECT value FROM json_each(?1))");
            let mut checkins: HashMap<i64, CheckinRow> =
                query_checkins(conn, &checkin_sql, &[Value::Text(c_ids.clone())])?
                    .into_iter()
                    .map(|r| (r.seq, r))
                    .collect();
            let terms = search_terms(words);
            let mut hits = Vec::with_capacity(order.len());
            for r in order {
                match r {
                    RecordRef::Entry(seq) => {
                        if let Some(row) = entries.remove(&seq) {
                            let e = &row.item;
                            let snippet = snippet(&[&e.situation, &e.thoughts, &e.fear, &e.helped], &terms);
                            hits.push(SearchHit::Entry { row, snippet });
                        }
                    }
                    RecordRef::Checkin(seq) => {
                        if let Some(row) = checkins.remove(&seq) {
                            let snippet = snippet(&[&row.item.note], &terms);
                            hits.push(SearchHit::Checkin { row, snippet });
                        }
                    }
                }
            }
            Ok((hits, total))
        })
    }

    /// Resolves an id as typed: "12" (entry number), "c3" (check-in number),
    /// or at least 6 hex digits of a UUID (with or without dashes).
    pub fn resolve(&self, given: &str) -> Result<RecordRef, StoreError> {
        self.reading(|conn| {
            let text = given.trim().to_ascii_lowercase();
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let simple: String = text.chars().filter(|c| *c != '-').collect();
            let hex = simple.len() >= 6 && simple.len() <= 32 && simple.bytes().all(|b| b.is_ascii_hexdigit());

            if digits(&text) {
                if let Ok(n) = text.parse::<i64>()
                    && live(conn, "entries", n)?
                {
                    return Ok(RecordRef::Entry(n));
                }
                if !hex {
                    return Err(StoreError::NotFound { what: "entry", given: given.trim().to_string() });
                }
            } else if let Some(rest) = text.strip_prefix('c')
                && digits(rest)
            {
                if let Ok(n) = rest.parse::<i64>()
                    && live(conn, "checkins", n)?
                {
                    return Ok(RecordRef::Checkin(n));
                }
                if !hex {
                    return Err(StoreError::NotFound { what: "check-in", given: given.trim().to_string() });
                }
            }
            if !hex {
                return Err(StoreError::NotFound { what: "entry or check-in", given: given.trim().to_string() });
            }
            resolve_prefix(conn, &simple, given.trim())
        })
    }

    /// Finds a record by its UUID (used by imports and tests). Deleted
    /// records are not found.
    pub fn find_id(&self, id: RecordId) -> Result<Option<RecordRef>, StoreError> {
        self.reading(|conn| {
            let id = id.to_string();
            let by_id = |table: &str| -> Result<Option<i64>, StoreError> {
                let sql = format!("SELECT seq FROM {table} WHERE id = ?1 AND deleted_at IS NULL");
                Ok(conn.prepare_cached(&sql)?.query_row(params![id], |r| r.get(0)).optional()?)
            };
            if let Some(seq) = by_id("entries")? {
                return Ok(Some(RecordRef::Entry(seq)));
            }
            Ok(by_id("checkins")?.map(RecordRef::Checkin))
        })
    }
}

/// Finds ids starting with a hex prefix with an index range scan: ids are
/// stored hyphenated in lower case, and every id character sorts below 'g'.
fn resolve_prefix(conn: &Connection, simple: &str, given: &str) -> Result<RecordRef, StoreError> {
    let mut low = String::with_capacity(40);
    for (i, c) in simple.chars().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            low.push('-');
        }
        low.push(c);
    }
    let high = format!("{low}g");
    let mut found = Vec::new();
    let mut count = 0usize;
    for (table, make) in [("entries", RecordRef::Entry as fn(i64) -> RecordRef), ("checkins", RecordRef::Checkin)] {
        let sql = format!("SELECT seq FROM {table} WHERE id >= ?1 AND id < ?2 AND deleted_at IS NULL LIMIT 2");
        let mut stmt = conn.prepare_cached(&sql)?;
        let seqs = stmt.query_map(params![low, high], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
        if seqs.len() > 1 {
            let sql = format!("SELECT count(*) FROM {table} WHERE id >= ?1 AND id < ?2 AND deleted_at IS NULL");
            let n: i64 = conn.query_row(&sql, params![low, high], |r| r.get(0))?;
            count += usize::try_from(n).unwrap_or(0);
        } else {
            count += seqs.len();
        }
        found.extend(seqs.into_iter().map(make));
    }
    match (count, found.first()) {
        (1, Some(r)) => Ok(*r),
        (0, _) | (_, None) => Err(StoreError::NotFound { what: "entry or check-in", given: given.to_string() }),
        (count, _) => Err(StoreError::Ambiguous { given: given.to_string(), count }),
    }
}

/// An FTS5 query from free text: every run of letters and digits becomes a
/// quoted prefix term (`"word"*`), all of which must match. Quotes,
/// operators and parentheses in the input are separators, never syntax.
fn fts_query(words: &str) -> Option<String> {
    let terms: Vec<String> = words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if terms.is_empty() { None } else { Some(terms.join(" ")) }
}

/// How many live records of `table` match, and the newest `limit` of them
/// as (seq, time). The FTS query runs once, into a sorted list (FTS5 yields
/// rowids in order natively; deleted records are not in the index, so its
/// length is the total). Then the cheaper of two ways:
/// look each match up and sort (a page of the table, decrypted, per match),
/// or walk the table's live-by-time index newest first until `limit`
/// matches, never reading the rows themselves (about total / matches ×
/// limit index rows, some hundred to a decrypted page).
fn newest_matches(
    conn: &Connection,
    table: &str,
    alias: &str,
    time: &str,
    query: &str,
    limit: i64,
) -> Result<(usize, Vec<(i64, i64)>), StoreError> {
    let fts_sql = format!("SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?1 ORDER BY rowid");
    let matched: Vec<i64> =
        conn.prepare_cached(&fts_sql)?.query_map(params![query], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let count = matched.len();
    if count == 0 || limit <= 0 {
        return Ok((count, Vec::new()));
    }
    let want = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut page = Vec::with_capacity(want.min(count));
    // Every number ever given out bounds the rows the walk may pass.
    let rows: i64 =
        conn.prepare_cached(&format!("SELECT coalesce(max(seq), 0) FROM {table}"))?.query_row([], |r| r.get(0))?;
    if look_up_each(count, usize::try_from(rows).unwrap_or(usize::MAX), want) {
        let sql = format!(
            "SELECT {alias}.seq, {alias}.{time} FROM {table} {alias} \
             WHERE {alias}.deleted_at IS NULL AND {alias}.seq IN (SELECT value FROM json_each(?1)) \
             ORDER BY {alias}.{time} DESC, {alias}.seq DESC LIMIT ?2"
        );
        let ids = json_ids(&matched)?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![ids, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            page.push(row?);
        }
    } else {
        // Many matches: newest first along the live-by-time index, keeping the
        // matched ones; with a match in every n rows this reads about n × limit rows.
        let sql = format!(
            "SELECT {alias}.seq, {alias}.{time} FROM {table} {alias} \
             WHERE {alias}.deleted_at IS NULL ORDER BY {alias}.{time} DESC, {alias}.seq DESC"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        while page.len() < want
            && let Some(row) = rows.next()?
        {
            let seq: i64 = row.get(0)?;
            if matched.binary_search(&seq).is_ok() {
                page.push((seq, row.get(1)?));
            }
        }
    }
    Ok((count, page))
}

/// The lower-cased words of a search, as [`fts_query`] splits them.
fn search_terms(words: &str) -> Vec<String> {
    words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// The passage around the first word that starts with a search term, matches
/// between `[` and `]`. Built from the page's rows in memory: asking FTS5 for
/// snippets would walk every match of the query again.
fn snippet(texts: &[&str], terms: &[String]) -> String {
    let hit = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        !w.is_empty() && terms.iter().any(|t| w.starts_with(t.as_str()))
    };
    let words_of = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    // The field where a term appears; otherwise (a tag or trigger matched) the first non-empty one.
    let (words, first) = texts
        .iter()
        .find_map(|t| {
            let words = words_of(t);
            words.iter().position(|w| hit(w)).map(|i| (words, Some(i)))
        })
        .unwrap_or_else(|| (texts.iter().map(|t| words_of(t)).find(|w| !w.is_empty()).unwrap_or_default(), None));
    let max = usize::try_from(SNIPPET_WORDS).unwrap_or(12);
    let start = first.map_or(0, |i| i.saturating_sub(max / 3));
    let end = (start + max).min(words.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    for (i, w) in words[start..end].iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if hit(w) {
            out.push('[');
            out.push_str(w);
            out.push(']');
        } else {
            out.push_str(w);
        }
    }
    if end < words.len() {
        out.push('…');
    }
    out
}

/// Whether looking up each of `matches` rows beats walking the time index
/// for the newest `want` of them among `rows` rows. A look-up decrypts about
/// one table page; the walk passes about rows / matches × want index rows,
/// roughly 100 of which cost as much as one page.
fn look_up_each(matches: usize, rows: usize, want: usize) -> bool {
    (matches as u128).saturating_pow(2).saturating_mul(100) <= (rows as u128).saturating_mul(want as u128)
}

fn json_ids(ids: &[i64]) -> Result<String, StoreError> {
    serde_json::to_string(ids).map_err(|e| StoreError::Decode(e.to_string()))
}

fn live(conn: &Connection, table: &str, seq: i64) -> Result<bool, StoreError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE seq = ?1 AND deleted_at IS NULL)");
    Ok(conn.prepare_cached(&sql)?.query_row(params![seq], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_matches_and_fall_back_to_the_first_field() {
        let terms = search_terms("Jeal");
        let s = snippet(&["we went out", "I felt so jealous, again and again"], &terms);
        assert_eq!(s, "I felt so [jealous,] again and again");
        let long = "one two three four five six seven eight nine ten eleven twelve thirteen jealous end";
        assert!(snippet(&[long], &terms).starts_with('…'));
        assert_eq!(snippet(&["", "tagged only"], &terms), "tagged only");
        assert_eq!(snippet(&[""], &terms), "");
    }

    #[test]
    fn fts_query_quotes_every_word_and_drops_syntax() {
        assert_eq!(fts_query("late reply").as_deref(), Some("\"late\"* \"reply\"*"));
        assert_eq!(fts_query("\"a\" AND (b OR c*)").as_deref(), Some("\"a\"* \"AND\"* \"b\"* \"OR\"* \"c\"*"));
        assert_eq!(fts_query("\" ( ) * : ^ -"), None);
        assert_eq!(fts_query("él no contesta").as_deref(), Some("\"él\"* \"no\"* \"contesta\"*"));
    }

    #[test]
    fn search_looks_up_few_matches_and_walks_the_index_for_many() {
        assert!(look_up_each(5, 100_000, 20));
        assert!(look_up_each(100, 100_000, 20));
        assert!(!look_up_each(842, 10_000, 20), "842 look-ups cost more than walking ~240 index rows");
        assert!(!look_up_each(91, 1_000, 20));
        assert!(!look_up_each(usize::MAX, usize::MAX, 1), "no overflow");
    }
}
