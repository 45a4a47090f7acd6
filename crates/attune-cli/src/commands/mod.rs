//! One file per command. Each takes its parsed arguments and the [`App`].

pub mod affirm;
pub mod agree;
pub mod assess;
mod backup;
mod checkin;
mod config;
mod delete;
pub mod did;
mod docs;
mod drafts;
pub mod due;
mod edit;
mod erase;
pub mod export;
pub mod import;
mod init;
pub mod insights;
mod labels;
pub mod learn;
mod list;
mod lock;
mod log;
mod passphrase;
pub mod pause;
pub mod plan;
mod purge;
pub mod report;
pub mod safety;
pub mod safety_plan;
pub mod say;
pub mod scripts;
mod search;
pub mod serve;
mod show;
pub mod support;
mod tags;
mod toolkit;
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
        Command::Purge(args) => purge::run(args, app),
        Command::Erase(args) => erase::run(args, app),
        Command::Triggers(args) => labels::run(LabelKind::Trigger, args, app),
        Command::Tags(args) => tags::run(args, app),
        Command::Feelings(args) => labels::run(LabelKind::Feeling, args, app),
        Command::Drafts(args) => drafts::run(args, app),
        Command::Config(args) => config::run(args, app),
        Command::Lock => lock::run(app),
        Command::Passphrase => passphrase::run(app),
        Command::Backup(args) => backup::run(args, app),
        Command::Restore(args) => backup::restore(args, app),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
        Command::Plan(args) => plan::run(args, app),
        Command::Agree(args) => agree::run(args, app),
        Command::Pause(args) => pause::run(args, app),
        Command::Scripts(args) => scripts::run(args, app),
        Command::Say(args) => say::run(args, app),
        Command::Did(args) => did::run(args, app),
        Command::Support(args) => support::run(args, app),
        Command::Affirm(args) => affirm::run(args, app),
        Command::Due(args) => due::run(args, app),
        Command::Insights(args) => insights::run(args, app),
        Command::Safety(args) => safety::run(args, app),
        Command::Assess(args) => assess::run(args, app),
        Command::Learn(args) => learn::run(args, app),
        Command::Serve(args) => serve::run(args, app),
        Command::Import(args) => import::run(args, app),
        Command::Export(args) => export::run(args, app),
        Command::Report(args) => report::run(args, app),
    }
}
