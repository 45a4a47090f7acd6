//! The one safety decision after a save, for every front end.
//!
//! [`decide`] takes what was just saved (its words, and a check-in's safety
//! signal), the person's safety settings and which notes were already shown
//! today, reads the words for crisis language (`attune_text::crisis`) and
//! for abuse (`attune_text::abuse`), and returns the whole response as a
//! [`Decision`]: why, the notes in order, the support services in order,
//! whether safety mode must be switched on, and the next steps. The CLI and
//! the web app only render it and store what it asks them to store, so the
//! two cannot drift apart.
//!
//! The tiers follow the safety check's: words describing danger (violence,
//! strangulation, threats, sexual coercion) switch safety mode on; words
//! describing control (monitoring, money, isolation) switch it on when two
//! kinds come together and otherwise inform; emotional abuse alone informs
//! and offers support, never switching the mode on (it fires for many
//! people attune is for, and accusations can go both ways). A note about
//! abuse of a kind already shown today is not shown again that day; crisis
//! services are shown every time; the reasons are always in the decision.
//!
//! The parts: `notes` (the texts, from `content/safety/`), `input` (what
//! goes in), `output` (what comes out), `read` (reading the words),
//! `decide` (the decision), `draft` (the statement helper's note) and
//! `import` (an import's counts).

mod decide;
mod draft;
mod import;
mod input;
mod notes;
mod output;
mod read;

pub use decide::*;
pub use draft::*;
pub use import::*;
pub use input::*;
pub use notes::*;
pub use output::*;
pub use read::*;

/// The content file of the notes.
pub const NOTES_FILE: &str = "safety/notes.toml";
/// The content file of the safety check.
pub const SCREEN_FILE: &str = "safety/screen.toml";
/// The folder of services per country.
pub const RESOURCES_DIR: &str = "safety/resources/";

/// How many different control kinds in one text switch safety mode on, as
/// [`super::CONTROL_ITEMS_FOR_SAFETY_MODE`] control answers do in the check.
pub const CONTROL_KINDS_FOR_SAFETY_MODE: usize = super::CONTROL_ITEMS_FOR_SAFETY_MODE;

#[cfg(test)]
mod tests;
