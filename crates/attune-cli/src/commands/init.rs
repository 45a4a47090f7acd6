//! `attune init`: create the journal.

use std::io::Write;

use attune_store::{KdfParams, Protection, Store};

use crate::app::App;
use crate::cli::InitArgs;
use crate::error::CliResult;
use crate::out::{self, BOLD, GOOD};

pub fn run(args: InitArgs, app: &App) -> CliResult {
    let dir = app.store_dir();
    let protection = if args.no_encryption {
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
