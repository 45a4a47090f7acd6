//! The flags of `attune assess` and its subcommands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `attune assess`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_help = "Each questionnaire is for reflection, not a diagnosis. Your answers stay in your \
encrypted journal. Stop at any time (q, Esc or Ctrl-C); `attune assess <id>` carries on.")]
pub struct AssessArgs {
    #[command(subcommand)]
    pub action: Option<AssessAction>,
    /// The questionnaire to take (leave out to list them).
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Take your own questionnaire from a TOML file; it is checked first
    /// (`attune learn questionnaires` describes the format).
    #[arg(long, value_name = "FILE", conflicts_with = "id")]
    pub file: Option<PathBuf>,
    /// Only check the file given with --file; take nothing.
    #[arg(long, requires = "file")]
    pub check: bool,
    /// Answer by typing numbers, even in a terminal.
    #[arg(long)]
    pub plain: bool,
    /// Start from the first question again, dropping answers from a paused run.
    #[arg(long)]
    pub restart: bool,
    /// Print JSON (stable shape, see docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `attune assess history`.
#[derive(Debug, Subcommand)]
pub enum AssessAction {
    /// Your results over time, newest first (all, or one questionnaire's).
    History {
        /// Only this questionnaire.
        #[arg(value_name = "ID")]
        id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
