//! The command-line grammar. Parsing only: commands resolve these flags into
//! settings and domain drafts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// The journal directory (default: your data directory; also ATTUNE_STORE).
    #[arg(long, global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// When to use colour: auto (only in a terminal, never with NO_COLOR), always, never.
    #[arg(long, global = true, value_name = "WHEN")]
    pub color: Option<ColorChoice>,

    #[command(subcommand)]
    pub command: Command,
}

/// Colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// Only in a terminal, and never when NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
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

/// `--json` for read commands.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON (stable shape, see docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `attune init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Do not encrypt the journal. Anyone with access to this device can then read it.
    #[arg(long)]
    pub no_encryption: bool,
}

/// The fields of an entry, shared by `log` and `edit`.
#[derive(Debug, Args, Default)]
pub struct EntryFields {
    /// What set it off (from your trigger list; repeat for several).
    #[arg(short, long = "trigger", value_name = "NAME")]
    pub triggers: Vec<String>,
    /// A feeling (from your feeling list; repeat for several).
    #[arg(short, long = "feeling", value_name = "NAME")]
    pub feelings: Vec<String>,
    /// How strong it felt, 0 (not at all) to 10 (overwhelming).
    #[arg(short, long, value_name = "0-10", allow_negative_numbers = true)]
    pub intensity: Option<i64>,
    /// What went through your mind.
    #[arg(long, value_name = "TEXT")]
    pub thoughts: Option<String>,
    /// What you fear will happen.
    #[arg(long, value_name = "TEXT")]
    pub fear: Option<String>,
    /// What you did, and what helped.
    #[arg(long, value_name = "TEXT")]
    pub helped: Option<String>,
    /// A sign you noticed: fear-of-rejection, fear-of-abandonment, reassurance-seeking,
    /// over-interpreting, feeling-threatened.
    #[arg(long = "sign", value_name = "SIGN")]
    pub signs: Vec<String>,
    /// Where you suspect it comes from: past-wounds, attachment, self-worth, communication, comparison.
    #[arg(long = "source", value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// A free tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// When it happened: "yesterday 21:00", "2 days ago", "2026-11-20 08:30" (default: now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
}

/// `attune log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// What happened, in your own words. Leave out to be guided through the questions;
    /// `-` reads it from standard input.
    #[arg(value_name = "WHAT HAPPENED")]
    pub text: Vec<String>,
    #[command(flatten)]
    pub fields: EntryFields,
    /// Mark the entry as important.
    #[arg(short, long)]
    pub star: bool,
    /// Write the entry in your editor ($VISUAL or $EDITOR).
    #[arg(short, long, conflicts_with = "text")]
    pub edit: bool,
    /// Print the saved entry as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `attune checkin`.
#[derive(Debug, Args)]
pub struct CheckinArgs {
    /// How safe the relationship feels right now, 0 (very unsafe) to 10 (completely safe).
    #[arg(short, long, value_name = "0-10", allow_negative_numbers = true)]
    pub security: Option<i64>,
    /// How seen you feel, 0–10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub seen: Option<i64>,
    /// How trusted you feel, 0–10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub trusted: Option<i64>,
    /// How respected you feel, 0–10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub respected: Option<i64>,
    /// A cost of the insecurity lately, 0 (not at all) to 3 (a lot), as NAME=N:
    /// blame, suspicion, jealousy, less-intimacy, less-trust, exhaustion, spill-over.
    #[arg(short, long = "consequence", value_name = "NAME=N")]
    pub consequences: Vec<String>,
    /// A few words about it.
    #[arg(short, long)]
    pub note: Option<String>,
    /// Right now, are you afraid of your partner, or afraid of being hurt?
    /// yes, no or skip. A "yes" puts emergency and abuse services first and
    /// switches safety mode on.
    #[arg(long, value_name = "yes|no|skip")]
    pub afraid_now: Option<String>,
    /// When (default: now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// Print the saved check-in as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `attune list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List check-ins instead of entries.
    #[arg(long)]
    pub checkins: bool,
    /// From this date or phrase: 2026-11-01, yesterday, "last week", "3 days ago".
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Up to this date or phrase.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only entries with this trigger (repeat: any of them).
    #[arg(short, long = "trigger", value_name = "NAME")]
    pub triggers: Vec<String>,
    /// Only entries with this feeling (repeat: any of them).
    #[arg(short, long = "feeling", value_name = "NAME")]
    pub feelings: Vec<String>,
    /// Only entries with this sign.
    #[arg(long = "sign", value_name = "SIGN")]
    pub signs: Vec<String>,
    /// Only entries with this suspected source.
    #[arg(long = "source", value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Only entries with this tag.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only entries at least this intense (0–10).
    #[arg(long, value_name = "0-10")]
    pub min_intensity: Option<i64>,
    /// Only starred entries.
    #[arg(long)]
    pub starred: bool,
    /// How many to show, newest first.
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `attune search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find (all must appear; word beginnings match: "jeal" finds "jealous").
    #[arg(required = true, value_name = "WORDS")]
    pub words: Vec<String>,
    /// How many results to show, newest first.
    #[arg(short = 'n', long = "limit", value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `attune show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entry number (12), check-in number (c3), or the start of an id.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `attune edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The entry number, or the start of its id.
    pub id: String,
    /// Replace what happened.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    #[command(flatten)]
    pub fields: EntryFields,
    /// Star the entry.
    #[arg(long, conflicts_with = "unstar")]
    pub star: bool,
    /// Remove the star.
    #[arg(long)]
    pub unstar: bool,
    /// Print the edited entry as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `attune delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The entry number (12), check-in number (c3), or the start of an id.
    pub id: String,
    /// Delete it for good now: undo cannot bring it back, and its words are removed
    /// from the journal's file (backups made earlier still hold it).
    #[arg(long)]
    pub for_good: bool,
}

/// `attune purge`.
#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Remove without being asked to confirm (for scripts).
    #[arg(long)]
    pub yes: bool,
    /// Print JSON (stable shape, see docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `attune erase`.
#[derive(Debug, Args)]
pub struct EraseArgs {
    /// Erase without typing the confirmation (for scripts; it cannot be undone).
    #[arg(long)]
    pub yes: bool,
}

/// `attune triggers` / `attune feelings`.
#[derive(Debug, Args)]
pub struct LabelArgs {
    #[command(subcommand)]
    pub action: Option<LabelAction>,
    /// Print JSON (for the list).
    #[arg(long)]
    pub json: bool,
    /// Also list retired and merged names.
    #[arg(long)]
    pub all: bool,
}

/// What to do with a trigger or feeling list.
#[derive(Debug, Subcommand)]
pub enum LabelAction {
    /// Add a name to the list.
    Add {
        /// The name, e.g. "Left on read".
        name: String,
    },
    /// Rename; past entries follow the new name.
    Rename {
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Fold one name into another; past entries move to the second.
    Merge {
        /// The name to fold away.
        from: String,
        /// The name to keep.
        into: String,
    },
    /// Stop offering a name; past entries keep it.
    Retire {
        /// The name.
        name: String,
    },
    /// Offer a retired name again.
    Restore {
        /// The name.
        name: String,
    },
}

/// `attune drafts`.
#[derive(Debug, Args)]
pub struct DraftArgs {
    #[command(subcommand)]
    pub action: Option<DraftAction>,
    /// Print JSON (for the list).
    #[arg(long)]
    pub json: bool,
}

/// What to do with drafts.
#[derive(Debug, Subcommand)]
pub enum DraftAction {
    /// Save a draft as an entry.
    Restore {
        /// The draft's number in `attune drafts`.
        number: usize,
    },
    /// Throw a draft away.
    Discard {
        /// The draft's number in `attune drafts`.
        number: usize,
    },
}

/// `attune backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist yet). The key file goes beside it.
    pub file: PathBuf,
}

/// `attune restore`.
#[derive(Debug, Args)]
#[command(after_help = "The backup is checked before anything moves: it must open with the \
passphrase it was made with. The journal there now, if any, is moved whole (drafts too) to a \
folder beside it named '<journal>.before-restore-<time>'. While `attune serve` has the journal \
open, restore refuses and changes nothing.")]
pub struct RestoreArgs {
    /// The copy `attune backup` wrote; its key file `<FILE>.key.json` must be beside it.
    pub file: PathBuf,
    /// Put back a backup that is not encrypted. Without this (or allow_plain), one is
    /// refused: everything written afterwards would be readable by anyone with the device.
    #[arg(long)]
    pub allow_plain: bool,
}

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
