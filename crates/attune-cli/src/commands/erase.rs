//! `attune erase`: destroy the journal and its key at once (the store's
//! `Store::erase`), then list what attune cannot remove itself. Needs the
//! word typed in a terminal, or `--yes`.

use std::io::{BufRead, Write};

use attune_core::privacy::EraseTexts;
use attune_store::{Store, StoreError};
use clap::Args;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, BOLD, DIM, GOOD};

/// `attune erase`.
#[derive(Debug, Args)]
pub struct EraseArgs {
    /// Erase without typing the confirmation (for scripts; it cannot be undone).
    #[arg(long)]
    pub yes: bool,
}

pub fn run(args: EraseArgs, app: &App) -> CliResult {
    let texts = EraseTexts::load(&app.library()?)
        .map_err(|e| CliError::user(format!("content file {}: {}", e.file, e.message)))?;
    let dir = app.store_dir();
    // Said before the question, not after the word was typed.
    if !dir.join(attune_store::KEY_FILE).exists() && !dir.join(attune_store::DB_FILE).exists() {
        return Err(StoreError::Missing(dir.clone()).into());
    }
    if !args.yes {
        if !app.interactive {
            return Err(CliError::user("nothing was erased: erasing needs the confirmation typed in a terminal").hint(
                format!("run `attune erase` in a terminal and type {}, or add --yes if you are sure", texts.word),
            ));
        }
        let mut err = anstream::stderr();
        writeln!(err, "{}", out::fill(&texts.warning, "", ""))?;
        writeln!(err, "Journal: {}", dir.display())?;
        write!(err, "Type {BOLD}{}{BOLD:#} to erase it, or press Enter to keep it: ", texts.word)?;
        err.flush()?;
        let mut typed = String::new();
        std::io::stdin().lock().read_line(&mut typed)?;
        if !texts.confirmed_by(&typed) {
            writeln!(out::stdout(), "Nothing was erased.")?;
            return Ok(());
        }
    }
    let erased = Store::erase(dir)?;
    let mut w = out::stdout();
    writeln!(w, "{GOOD}{}{GOOD:#}", out::fill(&texts.done, "", ""))?;
    if !erased.left.is_empty() {
        writeln!(w, "{DIM}Files in the folder that attune did not make were left as they were:{DIM:#}")?;
        for path in &erased.left {
            writeln!(w, "{DIM}  {}{DIM:#}", path.display())?;
        }
    }
    writeln!(w)?;
    writeln!(w, "{}", out::fill(&texts.intro, "", ""))?;
    for trace in &texts.traces {
        writeln!(w, "{}", out::fill(&format!("{}: {}", trace.what, trace.how), "  [ ] ", "      "))?;
    }
    writeln!(w)?;
    writeln!(w, "{}", out::fill(&texts.safety, "", ""))?;
    Ok(())
}
