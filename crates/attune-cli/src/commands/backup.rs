//! `attune backup`: an encrypted, consistent copy; `attune restore`: a copy
//! back in place of the journal.

use std::io::Write;
use std::path::PathBuf;

use attune_store::{Store, StoreError, backup_key_file, keycache};
use clap::Args;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, GOOD};

/// `attune backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist yet). The key file goes beside it.
    pub file: PathBuf,
}

/// `attune restore`.
#[derive(Debug, Args)]
#[command(after_help = "The backup is checked before anything moves: it must open with the \
passphrase it was made with. The journal there now, if any, is moved whole (drafts too) to a \
folder beside it named '<journal>.before-restore-<time>'. While `attune serve` has the journal \
open, restore refuses and changes nothing.")]
pub struct RestoreArgs {
    /// The copy `attune backup` wrote; its key file `<FILE>.key.json` must be beside it.
    pub file: PathBuf,
    /// Put back a backup that is not encrypted. Without this (or allow_plain), one is
    /// refused: everything written afterwards would be readable by anyone with the device.
    #[arg(long)]
    pub allow_plain: bool,
}

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

pub fn restore(args: RestoreArgs, app: &App) -> CliResult {
    let key_file = backup_key_file(&args.file);
    if !args.file.is_file() {
        return Err(CliError::user(format!("there is no backup at {}; nothing was changed", args.file.display()))
            .hint("give the file `attune backup` wrote"));
    }
    if !key_file.is_file() {
        return Err(CliError::user(format!(
            "the backup's key file {} is missing; nothing was changed",
            key_file.display()
        ))
        .hint("`attune backup` writes it beside the copy; both files are needed to restore"));
    }
    let passphrase = if Store::probe_backup(&args.file)? {
        Some(app.passphrase("Passphrase of the backup (the one the journal had when it was made): ")?)
    } else {
        None
    };
    let dir = app.store_dir();
    let plain_ok = passphrase.is_none() && (args.allow_plain || app.settings.allow_plain.value);
    if plain_ok {
        // Later runs must open what is put back: the choice is noted once, here.
        crate::config::allow_plain_in_file(&app.settings)?;
    }
    let result = if plain_ok {
        Store::restore_plain(dir, &args.file)
    } else {
        Store::restore(dir, &args.file, passphrase.as_ref())
    };
    let restored = match result {
        Err(StoreError::Plain(_)) => {
            return Err(CliError::user(format!(
                "the backup {} is not encrypted; nothing was changed",
                args.file.display()
            ))
            .hint(
                "if you made it from a journal you chose not to encrypt, add --allow-plain; if not, it is not \
                   your backup: an encrypted journal never makes a plain one",
            ));
        }
        Err(StoreError::WrongPassphrase) => {
            return Err(CliError::user("that passphrase does not open this backup; nothing was changed")
                .hint("a backup keeps the passphrase the journal had when the backup was made"));
        }
        other => other?,
    };
    keycache::forget(dir);
    if let Some(key) = &restored.key {
        app.remember(key);
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Restored{GOOD:#} the backup {} as your journal.", args.file.display())?;
    if let Some(previous) = &restored.previous {
        writeln!(w, "The journal that was there is kept, whole, in {}. Nothing was deleted.", previous.display())?;
    }
    Ok(())
}
