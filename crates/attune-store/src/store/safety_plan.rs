//! The person's safety plans (a crisis plan, a staying-safe plan): one row
//! per kind in `safety_plans`, the checked plan as JSON. Reading runs the
//! stored JSON through core's validation again, so what comes back is
//! always a valid plan (or a decode error, never a half-read one).

use attune_core::Moment;
use attune_core::safety::{PlanEntries, PlanKind, SafetyPlan, SafetyPlanDraft};
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;

use crate::error::StoreError;
use crate::store::Store;

/// The stored shape: what [`SafetyPlan`] serializes to.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    kind: PlanKind,
    sections: Vec<PlanEntries>,
    updated: Moment,
}

impl Store {
    /// The saved plan of `kind`, if one was ever saved.
    pub fn safety_plan(&self, kind: PlanKind) -> Result<Option<SafetyPlan>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT plan FROM safety_plans WHERE kind = ?1", [kind.as_str()], |r| r.get(0))
            .optional()?;
        let Some(json) = json else { return Ok(None) };
        let bad = |m: String| StoreError::Decode(format!("the {kind} safety plan: {m}"));
        let stored: Stored = serde_json::from_str(&json).map_err(|e| bad(e.to_string()))?;
        if stored.kind != kind {
            return Err(bad(format!("it is marked as the {} plan", stored.kind)));
        }
        let draft = SafetyPlanDraft { kind, sections: stored.sections };
        draft.validate(stored.updated).map(Some).map_err(|e| bad(e.to_string()))
    }

    /// Saves a plan, replacing the saved one of its kind; returns after COMMIT.
    pub fn set_safety_plan(&mut self, plan: &SafetyPlan) -> Result<(), StoreError> {
        let json = serde_json::to_string(plan).map_err(|e| StoreError::Decode(e.to_string()))?;
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO safety_plans (kind, plan, updated_ms) VALUES (?1, ?2, ?3) \
             ON CONFLICT (kind) DO UPDATE SET plan = excluded.plan, updated_ms = excluded.updated_ms",
            params![plan.kind.as_str(), json, plan.updated.unix_ms()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes the saved plan of `kind`; returns whether there was one, after COMMIT.
    pub fn delete_safety_plan(&mut self, kind: PlanKind) -> Result<bool, StoreError> {
        let tx = self.write_tx()?;
        let n = tx.execute("DELETE FROM safety_plans WHERE kind = ?1", [kind.as_str()])?;
        tx.commit()?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use attune_core::Moment;
    use attune_core::safety::{PlanKind, SafetyPlanDraft};

    use crate::{Protection, Store};

    fn at(ms: i64) -> Moment {
        Moment::with_offset(jiff::Timestamp::from_millisecond(ms).unwrap(), 3600)
    }

    #[test]
    fn plans_are_kept_per_kind_replaced_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = Store::create(&dir.path().join("j"), Protection::None).unwrap();
        assert_eq!(store.safety_plan(PlanKind::StayingSafe).unwrap(), None);
        let mut d = SafetyPlanDraft::new(PlanKind::StayingSafe);
        d.set("contacts", vec!["Mia, code word 'blue kettle'".into()]);
        let first = d.clone().validate(at(1_780_000_000_000)).unwrap();
        store.set_safety_plan(&first).unwrap();
        assert_eq!(store.safety_plan(PlanKind::StayingSafe).unwrap().as_ref(), Some(&first));
        assert_eq!(store.safety_plan(PlanKind::Crisis).unwrap(), None, "kinds are apart");

        d.set("places", vec!["my aunt's".into()]);
        let second = d.validate(at(1_780_000_100_000)).unwrap();
        store.set_safety_plan(&second).unwrap();
        let back = store.safety_plan(PlanKind::StayingSafe).unwrap().unwrap();
        assert_eq!(back, second);
        assert_eq!(back.updated.unix_ms(), 1_780_000_100_000);

        assert!(store.delete_safety_plan(PlanKind::StayingSafe).unwrap());
        assert!(!store.delete_safety_plan(PlanKind::StayingSafe).unwrap());
        assert_eq!(store.safety_plan(PlanKind::StayingSafe).unwrap(), None);
    }

    #[test]
    fn a_damaged_row_is_a_decode_error_not_a_wrong_plan() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::create(&dir.path().join("j"), Protection::None).unwrap();
        for bad in [
            "not json",
            r#"{"kind":"staying-safe","sections":[],"updated":"2026-11-26T21:00:00+01:00"}"#,
            r#"{"kind":"crisis","sections":[{"id":"nope","items":[]}],"updated":"2026-11-26T21:00:00+01:00"}"#,
        ] {
            store
                .conn
                .execute("INSERT OR REPLACE INTO safety_plans (kind, plan, updated_ms) VALUES ('crisis', ?1, 0)", [bad])
                .unwrap();
            let e = store.safety_plan(PlanKind::Crisis).unwrap_err();
            assert!(e.to_string().contains("crisis safety plan"), "{bad}: {e}");
        }
    }
}
