//! `attune backup`: an encrypted, consistent copy.

use std::io::Write;

use crate::app::App;
use crate::cli::BackupArgs;
use crate::error::{CliError, CliResult};
use crate::out::{self, GOOD};

pub fn run(args: BackupArgs, app: &App) -> CliResult {
    if args.file.exists() {
        return Err(CliError::user(format!("{} already exists; nothing was written", args.file.display()))
            .hint("choose a new file name, e.g. with today's date"));
    }
    let opened = app.open()?;
    let key_file = opened.store.backup(&args.file)?;
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Backed up{GOOD:#} to {} (key file: {}).", args.file.display(), key_file.display())?;
    if opened.store.is_encrypted() {
        writeln!(w, "Both files are needed to restore, together with the passphrase you have now.")?;
    } else {
        writeln!(w, "This journal is not encrypted, so neither is the copy: keep it somewhere private.")?;
    }
    Ok(())
}
