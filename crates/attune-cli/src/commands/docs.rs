//! `attune completions` and `attune man`: generated from the flag definitions,
//! which the caller passes in (`Cli::command()`), so this file does not import
//! the grammar that lists it.

use std::path::PathBuf;

use clap::Args;

use crate::error::{CliError, CliResult};

/// `attune completions`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// `attune man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write attune.1 and one page per command into this directory instead of printing.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub fn completions(args: CompletionArgs, mut cmd: clap::Command) -> CliResult {
    clap_complete::generate(args.shell, &mut cmd, "attune", &mut std::io::stdout().lock());
    Ok(())
}

pub fn man(args: ManArgs, cmd: clap::Command) -> CliResult {
    match args.out_dir {
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock())?,
        Some(dir) => {
            // As clap_mangen::generate_to, but through attune's private writes
            // (0700 folder, 0600 files) like every file attune makes.
            attune_store::create_private_dir_all(&dir).map_err(|e| CliError::user(e.to_string()))?;
            let mut cmd = cmd.disable_help_subcommand(true);
            cmd.build();
            write_pages(cmd, &dir)?;
        }
    }
    Ok(())
}

/// One page per command and subcommand, as `attune-<sub>.1`.
fn write_pages(cmd: clap::Command, dir: &std::path::Path) -> CliResult {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
        write_pages(sub, dir)?;
    }
    let man = clap_mangen::Man::new(cmd);
    let mut page = Vec::new();
    man.render(&mut page)?;
    crate::files::write(&dir.join(man.get_filename()), &page, "choose another place with -o")
}
