//! The command-line grammar: the top-level parser, its global flags and the
//! list of commands. Each command's own flags live in its file under
//! `commands/`; flags shared by several are in `args.rs`. Parsing only:
//! commands resolve these flags into settings and domain drafts.

use clap::{Parser, Subcommand};

use crate::args::{GlobalArgs, JsonArgs};
use crate::commands::backup::{BackupArgs, RestoreArgs};
use crate::commands::checkin::CheckinArgs;
use crate::commands::delete::DeleteArgs;
use crate::commands::docs::{CompletionArgs, ManArgs};
use crate::commands::drafts::DraftArgs;
use crate::commands::edit::EditArgs;
use crate::commands::erase::EraseArgs;
use crate::commands::init::InitArgs;
use crate::commands::labels::LabelArgs;
use crate::commands::list::ListArgs;
use crate::commands::log::LogArgs;
use crate::commands::purge::PurgeArgs;
use crate::commands::search::SearchArgs;
use crate::commands::show::ShowArgs;

/// attune: a private journal and toolkit for feeling more secure in your relationship.
///
/// Notice insecurity, find where it comes from, and work through it. Everything
/// stays on this device, encrypted. attune is a self-help tool, not therapy and
/// not a diagnosis.
#[derive(Debug, Parser)]
#[command(name = "attune", version, max_term_width = 100, propagate_version = true)]
#[command(after_help = "Start with `attune init`, then `attune log \"what happened\"` or `attune checkin`.\n\
If you are in danger or thinking about ending your life, contact local emergency services now.")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, encrypted journal.
    Init(InitArgs),
    /// Write down a moment of insecurity (quick from flags, or guided).
    #[command(visible_alias = "add")]
    Log(LogArgs),
    /// Rate how safe, seen, trusted and respected you feel right now.
    Checkin(CheckinArgs),
    /// List entries (or check-ins), newest first.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Find entries and check-in notes by words.
    Search(SearchArgs),
    /// Show one entry or check-in in full.
    Show(ShowArgs),
    /// Change an entry (with flags, or in your editor).
    Edit(EditArgs),
    /// Delete an entry or check-in (`attune undo` brings it back for 30 days; --for-good removes it now).
    #[command(visible_alias = "rm")]
    Delete(DeleteArgs),
    /// Undo the last change: a new entry, an edit or a delete.
    ///
    /// Undo reaches back 30 days, through your last 200 changes. Entries and
    /// check-ins deleted more than 30 days ago, and earlier versions of edited
    /// entries older than that, are removed for good when attune next opens
    /// the journal. `attune purge` removes them now.
    Undo(JsonArgs),
    /// Remove for good everything deleted, and the earlier versions of edited entries kept for undo.
    Purge(PurgeArgs),
    /// Destroy this journal and its key for good, then see what else to clear (backups, history).
    Erase(EraseArgs),
    /// Your list of triggers: what tends to set the insecurity off.
    Triggers(LabelArgs),
    /// Your list of named feelings.
    Feelings(LabelArgs),
    /// The free tags on your entries, most used first, with how often each is used.
    Tags(JsonArgs),
    /// Entries that could not be saved, kept safe until you restore them.
    Drafts(DraftArgs),
    /// Show the settings in effect and where each one comes from.
    Config(JsonArgs),
    /// Lock the journal now, a running `attune serve` too: the next command asks for the passphrase again.
    Lock,
    /// Change the journal's passphrase.
    Passphrase,
    /// Write an encrypted, consistent copy of the journal.
    Backup(BackupArgs),
    /// Put a backup back in place of the journal; the journal there now is kept aside, never deleted.
    Restore(RestoreArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(CompletionArgs),
    /// Print the manual page, or write one per command into a directory.
    Man(ManArgs),
    /// Your plan: what you need to feel safe, and what you do when something sets you off.
    Plan(crate::commands::plan::PlanArgs),
    /// What you agreed together: check-in rhythms, words, reconnecting, the pause rule.
    Agree(crate::commands::agree::AgreeArgs),
    /// Take a pause when a talk gets too heated: a calm countdown, then come back together.
    Pause(crate::commands::pause::PauseArgs),
    /// Conversation starters: asking to be seen, showing vulnerability, repairing, and more.
    Scripts(crate::commands::scripts::ScriptsArgs),
    /// Say it without blame: a guided message, or `--check` a draft.
    Say(crate::commands::say::SayArgs),
    /// Write down something you did that shows your own value.
    Did(crate::commands::did::DidArgs),
    /// Your support map: people besides your partner.
    Support(crate::commands::support::SupportArgs),
    /// An affirmation, in your own words or from the suggestions.
    Affirm(crate::commands::affirm::AffirmArgs),
    /// What is due now: a check-in rhythm, an agreement to review (short enough for a prompt).
    Due(crate::commands::due::DueArgs),
    /// What your notes show: triggers, when it happens, passing or recurring, progress.
    Insights(crate::commands::insights::InsightsArgs),
    /// Safety first: support services, safety mode, the safety check, your country.
    Safety(crate::commands::safety::SafetyArgs),
    /// Questionnaires for reflection: where it comes from, closeness and distance, and more.
    Assess(crate::commands::assess::AssessArgs),
    /// Read about the signs, the sources, the five steps and more.
    Learn(crate::commands::learn::LearnArgs),
    /// Open attune in your web browser: a private app on this device only (127.0.0.1).
    Serve(crate::commands::serve::ServeArgs),
    /// Bring in what you wrote in another app (jrnl, Day One, Daylio, Bearable, FreeCBT) or an attune export.
    Import(crate::commands::import::ImportArgs),
    /// Everything you wrote, as attune JSON, CSV, Markdown, jrnl or a calendar (.ics).
    Export(crate::commands::export::ExportArgs),
    /// A summary for your counsellor or therapist, as one HTML file (or PDF).
    Report(crate::commands::report::ReportArgs),
}
