//! One file per command. Each takes its parsed arguments and the [`App`].

mod backup;
mod checkin;
mod config;
mod delete;
mod docs;
mod drafts;
mod edit;
mod init;
mod labels;
mod list;
mod lock;
mod log;
mod passphrase;
mod search;
mod show;
mod undo;

use attune_core::LabelKind;

use crate::app::App;
use crate::cli::Command;
use crate::error::CliResult;

/// Runs one command.
pub fn run(command: Command, app: &App) -> CliResult {
    match command {
        Command::Init(args) => init::run(args, app),
        Command::Log(args) => log::run(args, app),
        Command::Checkin(args) => checkin::run(args, app),
        Command::List(args) => list::run(args, app),
        Command::Search(args) => search::run(args, app),
        Command::Show(args) => show::run(args, app),
        Command::Edit(args) => edit::run(args, app),
        Command::Delete(args) => delete::run(args, app),
        Command::Undo(args) => undo::run(args, app),
        Command::Triggers(args) => labels::run(LabelKind::Trigger, args, app),
        Command::Feelings(args) => labels::run(LabelKind::Feeling, args, app),
        Command::Drafts(args) => drafts::run(args, app),
        Command::Config(args) => config::run(args, app),
        Command::Lock => lock::run(app),
        Command::Passphrase => passphrase::run(app),
        Command::Backup(args) => backup::run(args, app),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    }
}
