//! The `attune` binary: parse flags, resolve settings, run one command,
//! print one clear error on failure.

mod app;
mod args;
mod cli;
mod commands;
mod config;
mod editor;
mod error;
mod files;
mod out;
mod safety;

use std::process::ExitCode;

use attune_core::LabelKind;
use clap::{CommandFactory, Parser};

use crate::app::App;
use crate::args::ColorChoice;
use crate::cli::{Cli, Command};
use crate::config::{Dirs, Settings};
use crate::error::{CliResult, Exit};

fn main() -> ExitCode {
    no_core_dumps();
    quiet_panics();
    // Debug builds only: lets the tests prove a panic shows none of its text.
    #[cfg(debug_assertions)]
    if let Some(words) = std::env::var_os("ATTUNE_DEBUG_PANIC") {
        panic!("{}", words.to_string_lossy());
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.exit == Exit::Pipe => ExitCode::SUCCESS,
        Err(err) => {
            out::error(&err);
            ExitCode::from(err.exit as u8)
        }
    }
}

fn run(cli: Cli) -> CliResult {
    // A setting that is not text would otherwise be taken as unset, silently.
    for (key, value) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("ATTUNE_") && value.to_str().is_none() {
            return Err(error::CliError::user(format!("{key} is not valid UTF-8 text"))
                .hint(format!("set {key} to plain text, or unset it")));
        }
    }
    let env = |key: &str| std::env::var(key).ok();
    let dirs = Dirs::platform();
    // The store flag can stand in for the platform directories.
    let dirs = match (dirs, &cli.global.store) {
        (Ok(d), _) => d,
        (Err(_), Some(store)) => Dirs { data: store.clone(), config: store.clone() },
        (Err(e), None) => return Err(e),
    };
    let settings = Settings::resolve(&cli.global, &dirs, &env)?;
    let choice = match settings.color.value {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    let app = App::new(settings, &env)?;
    dispatch(cli.command, &app)
}

/// Runs one command.
fn dispatch(command: Command, app: &App) -> CliResult {
    use crate::commands::{
        affirm, agree, assess, backup, checkin, config, delete, did, docs, drafts, due, edit, erase, export, import,
        init, insights, labels, learn, list, lock, log, passphrase, pause, plan, purge, report, safety, say, scripts,
        search, serve, show, support, tags, undo,
    };
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
        Command::Completions(args) => docs::completions(args, Cli::command()),
        Command::Man(args) => docs::man(args, Cli::command()),
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

/// A panic's message can hold whatever the failing code was looking at (an
/// entry's words, a search, a file name), and a terminal may be seen or
/// logged: print a fixed, kind message and where in attune it happened,
/// never the payload. Also for `attune serve`, whose handlers run here.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
        eprintln!("{}", panic_text(&at));
    }));
}

fn panic_text(at: &str) -> String {
    format!(
        "attune stopped because of a mistake in its own code{at}. This is not something you did. \
         Anything saved before this is safe in your journal; `attune list` shows it. \
         If you report this, the line above is enough: it holds none of your words."
    )
}

/// A crash must not write the unlocked key, the passphrase or journal text
/// to a core file: set the core size limit (soft and hard) to zero before
/// anything is read. Children (the editor, the passphrase command) inherit it.
fn no_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        // Failing to lower a limit is harmless to the run; there is nobody to tell.
        let _ = setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) });
    }
}
