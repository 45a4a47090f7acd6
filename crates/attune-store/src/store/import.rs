//! Bringing many records in at once (`attune import`): one transaction for
//! the whole file, so it lands completely or not at all, with prepared
//! statements reused for every row. A record whose content hash or id is
//! already in the journal is counted, not added again, so an import can be
//! repeated safely. A dry run does all the work and rolls it back, so the
//! preview's numbers are exactly what a real import would do.

use attune_core::assess::Taken;
use attune_core::pause::Pause;
use attune_core::plan::{Agreement, Need, TriggerPlan};
use attune_core::selfworth::{Activity, Affirmation, Supporter};
use attune_core::{Checkin, Entry, Label, LabelKind};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::plan::{date_text, insert_agreement};
use super::{find_label, follow_merges, insert_entry_row, not_on_list, reindex_checkin};
use crate::error::StoreError;
use crate::store::Store;

/// Everything one import brings. Entries and check-ins carry a content hash.
#[derive(Clone, Debug, Default)]
pub struct ImportBatch {
    /// Labels to create when missing (attune's own export carries its lists).
    pub labels: Vec<Label>,
    /// (content hash, entry).
    pub entries: Vec<(String, Entry)>,
    /// (content hash, check-in).
    pub checkins: Vec<(String, Checkin)>,
    /// Finished questionnaires.
    pub assessments: Vec<Taken>,
    /// Needs.
    pub needs: Vec<Need>,
    /// Trigger plans.
    pub trigger_plans: Vec<TriggerPlan>,
    /// Agreements with history.
    pub agreements: Vec<Agreement>,
    /// Pauses.
    pub pauses: Vec<Pause>,
    /// Activities.
    pub activities: Vec<Activity>,
    /// Supporters.
    pub supporters: Vec<Supporter>,
    /// Affirmations.
    pub affirmations: Vec<Affirmation>,
}

/// How many records were added, per kind, and how many were there already.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    /// New labels.
    pub labels: usize,
    /// New entries.
    pub entries: usize,
    /// New check-ins.
    pub checkins: usize,
    /// New questionnaire results.
    pub assessments: usize,
    /// New needs.
    pub needs: usize,
    /// New trigger plans.
    pub trigger_plans: usize,
    /// New agreements.
    pub agreements: usize,
    /// New pauses.
    pub pauses: usize,
    /// New activities.
    pub activities: usize,
    /// New supporters.
    pub supporters: usize,
    /// New affirmations.
    pub affirmations: usize,
    /// Records already in the journal (same content or same id), left as they were.
    pub already_there: usize,
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool, StoreError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)");
    Ok(conn.prepare_cached(&sql)?.query_row([id], |r| r.get(0))?)
}

fn hash_known(conn: &Connection, hash: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM import_hashes WHERE hash = ?1)")?
        .query_row([hash], |r| r.get(0))?)
}

fn remember_hash(conn: &Connection, hash: &str, id: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO import_hashes (hash, record_id) VALUES (?1, ?2)")?
        .execute([hash, id])?;
    Ok(())
}

impl Store {
    /// Imports a batch in one transaction (all or nothing). `progress` is
    /// told how many entries and check-ins are done, now and then. With
    /// `dry_run` everything is checked and counted, then rolled back.
    pub fn import(
        &mut self,
        batch: &ImportBatch,
        dry_run: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportCounts, StoreError> {
        let r = self.import_inner(batch, dry_run, progress);
        self.edge(r)
    }

    fn import_inner(
        &mut self,
        batch: &ImportBatch,
        dry_run: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportCounts, StoreError> {
        let tx = self.write_tx()?;
        let mut n = ImportCounts::default();
        import_labels(&tx, &batch.labels, &mut n)?;
        let mut done = 0;
        for (hash, e) in &batch.entries {
            let id = e.id.to_string();
            if hash_known(&tx, hash)? || exists(&tx, "entries", &id)? {
                n.already_there += 1;
            } else {
                insert_entry_row(&tx, e)?;
                remember_hash(&tx, hash, &id)?;
                n.entries += 1;
            }
            done += 1;
            if done % 1024 == 0 {
                progress(done);
            }
        }
        for (hash, c) in &batch.checkins {
            let id = c.id.to_string();
            if hash_known(&tx, hash)? || exists(&tx, "checkins", &id)? {
                n.already_there += 1;
            } else {
                insert_checkin_row(&tx, c)?;
                remember_hash(&tx, hash, &id)?;
                n.checkins += 1;
            }
            done += 1;
            if done % 1024 == 0 {
                progress(done);
            }
        }
        progress(done);
        import_rest(&tx, batch, &mut n)?;
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(n)
    }
}

/// Whether nothing in the journal uses its lists yet (a new journal).
fn lists_unused(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM entries) AND NOT EXISTS (SELECT 1 FROM checkins) \
         AND NOT EXISTS (SELECT 1 FROM trigger_plans)",
        [],
        |r| r.get(0),
    )?)
}

fn import_labels(conn: &Connection, labels: &[Label], n: &mut ImportCounts) -> Result<(), StoreError> {
    // Into a new journal the export's lists replace the starting ones, so
    // renames, merges and their order come back exactly; otherwise missing
    // labels are added and the person's own lists stay as they are.
    let mut before = Vec::new();
    if !labels.is_empty() && lists_unused(conn)? {
        let mut stmt = conn.prepare_cached("SELECT kind, slug FROM labels")?;
        before =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?.collect::<Result<_, _>>()?;
        conn.execute("DELETE FROM labels", [])?;
    }
    for l in labels {
        if find_label(conn, l.kind, &l.slug)?.is_none() {
            let known = before.iter().any(|(k, s)| k == l.kind.as_str() && s == l.slug.as_str());
            conn.prepare_cached("INSERT INTO labels (kind, slug, name, retired) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![l.kind.as_str(), l.slug.as_str(), l.name, l.retired])?;
            n.labels += usize::from(!known);
        }
    }
    // Merges second: the label merged into may come later in the list.
    for l in labels {
        let Some(into) = &l.merged_into else { continue };
        let (Some(from), Some(target)) = (find_label(conn, l.kind, &l.slug)?, find_label(conn, l.kind, into)?) else {
            return Err(not_on_list(l.kind, into));
        };
        if from.merged_into.is_none() && from.id != target.id {
            conn.prepare_cached("UPDATE labels SET merged_into = ?2, retired = 1 WHERE id = ?1")?
                .execute(params![from.id, target.id])?;
        }
    }
    Ok(())
}

fn insert_checkin_row(conn: &Connection, c: &Checkin) -> Result<(), StoreError> {
    let consequences = serde_json::to_string(&c.consequences).map_err(|e| StoreError::Decode(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO checkins (id, at_ms, at_offset, at_zone, security, seen, trusted, respected, consequences, note) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        c.id.to_string(),
        c.at.unix_ms(),
        c.at.offset_seconds,
        c.at.zone,
        c.security,
        c.seen,
        c.trusted,
        c.respected,
        consequences,
        c.note,
    ])?;
    let seq = conn.last_insert_rowid();
    reindex_checkin(conn, seq)
}

/// Everything besides entries and check-ins (attune's own export). Records
/// are matched by id; a need also by its name, a plan by its trigger.
fn import_rest(conn: &Connection, b: &ImportBatch, n: &mut ImportCounts) -> Result<(), StoreError> {
    for t in &b.assessments {
        if exists(conn, "assessments", &t.id.to_string())? {
            n.already_there += 1;
            continue;
        }
        conn.execute(
            "INSERT INTO assessments (id, instrument, version, title, at_ms, at_offset, at_zone, answers, scores) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                t.id.to_string(),
                t.instrument,
                t.version,
                t.title,
                t.at.unix_ms(),
                t.at.offset_seconds,
                t.at.zone,
                json(&t.answers)?,
                json(&t.scores)?
            ],
        )?;
        n.assessments += 1;
    }
    for need in &b.needs {
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM needs WHERE id = ?1 OR slug = ?2)",
            params![need.id.to_string(), need.slug.as_str()],
            |r| r.get(0),
        )?;
        if taken {
            n.already_there += 1;
            continue;
        }
        conn.execute(
            "INSERT INTO needs (id, slug, name, looks_like, known, created_ms, created_offset, created_zone) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                need.id.to_string(),
                need.slug.as_str(),
                need.name,
                need.looks_like,
                need.known,
                need.created.unix_ms(),
                need.created.offset_seconds,
                need.created.zone
            ],
        )?;
        n.needs += 1;
    }
    for plan in &b.trigger_plans {
        let slug = &plan.trigger.slug;
        let row = find_label(conn, LabelKind::Trigger, slug)?.ok_or_else(|| not_on_list(LabelKind::Trigger, slug))?;
        let label_id = follow_merges(conn, row.id)?;
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM trigger_plans WHERE id = ?1 OR label_id = ?2)",
            params![plan.id.to_string(), label_id],
            |r| r.get(0),
        )?;
        if taken {
            n.already_there += 1;
            continue;
        }
        let u = &plan.updated;
        conn.execute(
            "INSERT INTO trigger_plans (label_id, id, for_myself, ask_partner, status, status_on, \
                 updated_ms, updated_offset, updated_zone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                label_id,
                plan.id.to_string(),
                plan.for_myself,
                plan.ask_partner,
                plan.status.as_str(),
                date_text(plan.status.date()),
                u.unix_ms(),
                u.offset_seconds,
                u.zone
            ],
        )?;
        n.trigger_plans += 1;
    }
    for a in &b.agreements {
        if exists(conn, "agreements", &a.id.to_string())? {
            n.already_there += 1;
            continue;
        }
        insert_agreement(conn, a)?;
        n.agreements += 1;
    }
    for p in &b.pauses {
        if exists(conn, "pauses", &p.id.to_string())? {
            n.already_there += 1;
            continue;
        }
        conn.execute(
            "INSERT INTO pauses (id, started_ms, started_offset, started_zone, planned_secs, actual_secs, \
                 ended_early, reconvened) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                p.id.to_string(),
                p.started.unix_ms(),
                p.started.offset_seconds,
                p.started.zone,
                p.planned_secs,
                p.actual_secs,
                p.ended_early,
                p.reconvened
            ],
        )?;
        n.pauses += 1;
    }
    for a in &b.activities {
        if exists(conn, "activities", &a.id.to_string())? {
            n.already_there += 1;
            continue;
        }
        conn.execute(
            "INSERT INTO activities (id, at_ms, at_offset, at_zone, what, category, minutes, felt, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                a.id.to_string(),
                a.at.unix_ms(),
                a.at.offset_seconds,
                a.at.zone,
                a.what,
                a.category.as_str(),
                a.minutes,
                a.felt,
                a.note
            ],
        )?;
        n.activities += 1;
    }
    for s in &b.supporters {
        if exists(conn, "supporters", &s.id.to_string())? {
            n.already_there += 1;
            continue;
        }
        conn.execute(
            "INSERT INTO supporters (id, name, relation, last_contact, can_call, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![s.id.to_string(), s.name, s.relation, date_text(s.last_contact), s.can_call, s.note],
        )?;
        n.supporters += 1;
    }
    for a in &b.affirmations {
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM affirmations WHERE id = ?1 OR (?2 IS NOT NULL AND suggestion = ?2))",
            params![a.id.to_string(), a.suggestion],
            |r| r.get(0),
        )?;
        if taken {
            n.already_there += 1;
            continue;
        }
        // A suggestion not reworded keeps no text of its own: it follows the content.
        let text = if a.own { Some(a.text.as_str()) } else { None };
        conn.execute(
            "INSERT INTO affirmations (id, text, suggestion, starred, shown) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![a.id.to_string(), text, a.suggestion, a.starred, a.shown],
        )?;
        n.affirmations += 1;
    }
    Ok(())
}

/// JSON text for a stored column.
fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode(e.to_string()))
}
