//! `attune passphrase`: change the passphrase, and with it the journal's key.

use std::io::Write;

use attune_store::{ChangeStep, KdfParams, Store, StoreError};

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, GOOD};

pub fn run(app: &App) -> CliResult {
    let dir = app.store_dir();
    match Store::probe(dir)? {
        None => return Err(StoreError::Missing(dir.clone()).into()),
        Some(false) => {
            return Err(CliError::user("this journal is not encrypted, so it has no passphrase")
                .hint("make an encrypted journal with `attune init` in another place (--store)"));
        }
        Some(true) => {}
    }
    let old = app.passphrase("Current passphrase: ")?;
    // Check the old one first, so a typo does not cost typing the new one twice.
    Store::unlock(dir, &old)?;
    let new = app.new_passphrase(false)?;
    let stop_after = test_stop_after();
    // The store makes a new key, copies the journal and the drafts under it,
    // and clears the key cache; the new key is cached as at any unlock.
    let key = Store::change_passphrase_with(dir, &old, &new, KdfParams::DEFAULT, &mut |step: ChangeStep| {
        if stop_after.as_deref() == Some(step.name()) {
            // As a kill would: no destructor, no cleanup.
            std::process::abort();
        }
    })?;
    app.remember(&key);
    let mut out = out::stdout();
    writeln!(out, "{GOOD}Your passphrase is changed,{GOOD:#} and your journal has a new key.")?;
    writeln!(
        out,
        "Backups made before now keep the old key and still open with the old passphrase; exports and \
         reports made before are not changed either. If someone else may know the old passphrase, \
         delete those copies or keep them where only you can reach them."
    )?;
    Ok(())
}

/// `ATTUNE_TEST_STOP_AFTER=<step>` ends the process right after that step
/// of the change, for the crash tests. Only in debug builds: a release
/// build never reads it.
fn test_stop_after() -> Option<String> {
    if cfg!(debug_assertions) { std::env::var("ATTUNE_TEST_STOP_AFTER").ok() } else { None }
}
