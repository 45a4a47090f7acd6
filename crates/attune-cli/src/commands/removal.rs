//! What `attune delete --for-good` and `attune purge` both say after
//! removing something for good.

use attune_store::Purged;

/// What a removal for good cannot reach, said after it.
/// `it`: "it" or "them".
pub fn after_for_good(purged: &Purged, it: &str) -> Vec<String> {
    let mut lines =
        vec![format!("Backups and exports made before now still hold {it}: delete those files too if they matter.")];
    if !purged.log_emptied {
        lines.push(format!(
            "Another attune is reading the journal just now, so a copy of {it} can stay in its log file until \
             that one closes; run `attune purge` later to finish."
        ));
    }
    lines
}
