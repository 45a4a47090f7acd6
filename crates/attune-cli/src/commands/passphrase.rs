//! `attune passphrase`: change the passphrase (the data key stays, only its wrapping changes).

use std::io::Write;

use attune_store::{KdfParams, Store, StoreError, keycache};

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
    let key = Store::unlock(dir, &old)?;
    let new = app.new_passphrase(false)?;
    Store::change_passphrase(dir, &old, &new, KdfParams::DEFAULT)?;
    keycache::forget(dir);
    app.remember(&key);
    writeln!(out::stdout(), "{GOOD}Your passphrase is changed.{GOOD:#} Backups made before keep the old one.")?;
    Ok(())
}
