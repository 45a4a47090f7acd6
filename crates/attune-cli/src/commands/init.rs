//! `attune init`: create the journal.

use std::io::Write;

use attune_store::{KdfParams, Protection, Store};
use clap::Args;

use crate::app::App;
use crate::error::CliResult;
use crate::out::{self, BOLD, GOOD};

/// `attune init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Do not encrypt the journal. Anyone with access to this device can then read it.
    #[arg(long)]
    pub no_encryption: bool,
}

pub fn run(args: InitArgs, app: &App) -> CliResult {
    let dir = app.store_dir();
    let protection = if args.no_encryption {
        // Said once, here, where the person chooses it; later runs read it back.
        if Store::probe(dir)?.is_none() {
            crate::config::allow_plain_in_file(&app.settings)?;
        }
        Protection::None
    } else {
        Protection::Passphrase(app.new_passphrase(true)?, KdfParams::DEFAULT)
    };
    let (_store, key) = Store::create(dir, protection)?;
    if let Some(key) = &key {
        app.remember(key);
    }
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Your journal is ready{GOOD:#} at {}", dir.display())?;
    if args.no_encryption {
        writeln!(
            w,
            "{BOLD}It is not encrypted:{BOLD:#} anyone who can open files on this device can read it. \
             To encrypt later, make a new journal with `attune init` and move your entries across."
        )?;
        writeln!(
            w,
            "attune noted this choice in {} (allow_plain = true); without it, a journal that is not encrypted \
             is refused, in case one was put in place of yours.",
            app.settings.config_file.display()
        )?;
    } else {
        writeln!(
            w,
            "It is encrypted with your passphrase. There is no way to recover it if the passphrase is lost, \
             so keep it somewhere safe."
        )?;
    }
    writeln!(
        w,
        "\nNext: write down a moment with `attune log \"what happened\"`, or rate today with `attune checkin`."
    )?;
    Ok(())
}
