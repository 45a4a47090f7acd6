//! What waits in the state between two requests of one task: an import
//! checked and shown, until the person confirms it (dropped on lock).

use attune_store::ImportBatch;

/// An import that was previewed and waits for "Import these".
#[derive(Debug)]
pub struct PendingImport {
    /// Names this preview in the confirm form.
    pub token: String,
    /// The file's name, for the message afterwards.
    pub file: String,
    /// The checked records.
    pub batch: ImportBatch,
}
