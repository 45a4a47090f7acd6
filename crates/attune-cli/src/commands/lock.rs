//! `attune lock`: forget the unlocked key now, and lock a running
//! `attune serve` of this journal (it notices within a second).

use std::io::Write;

use attune_store::keycache;

use crate::app::App;
use crate::error::CliResult;
use crate::out;

pub fn run(app: &App) -> CliResult {
    let was_unlocked = keycache::forget(app.store_dir());
    keycache::request_lock(app.store_dir())?;
    let mut w = out::stdout();
    if was_unlocked {
        writeln!(w, "Locked. The next command will ask for your passphrase.")?;
    } else {
        writeln!(w, "The journal is locked.")?;
    }
    Ok(())
}
