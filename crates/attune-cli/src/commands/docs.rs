//! `attune completions` and `attune man`: generated from the flag definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionArgs, ManArgs};
use crate::error::CliResult;

pub fn completions(args: CompletionArgs) -> CliResult {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "attune", &mut std::io::stdout().lock());
    Ok(())
}

pub fn man(args: ManArgs) -> CliResult {
    let cmd = Cli::command();
    match args.out_dir {
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock())?,
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            clap_mangen::generate_to(cmd, &dir)?;
        }
    }
    Ok(())
}
