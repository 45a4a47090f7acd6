//! Argument types that more than one module uses: the global flags (which
//! the settings read too) and the flags several commands share. Kept apart
//! from `cli.rs` so that the commands and the settings never import the
//! grammar that imports them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// The flags every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The journal directory (default: your data directory; also ATTUNE_STORE).
    #[arg(long, global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// When to use colour: auto (only in a terminal, never with NO_COLOR), always, never.
    #[arg(long, global = true, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
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

/// `--json` for read commands.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON (stable shape, see docs/json.md) instead of text.
    #[arg(long)]
    pub json: bool,
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
