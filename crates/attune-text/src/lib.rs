//! attune's language analysis. Pure: no file, network or database access and
//! no clock; the lexicons it needs are embedded at build time from `content/`.
//!
//! - [`abuse`]: notices words that may describe abuse in a relationship
//!   (violence, threats, control, put-downs), and who did it: something
//!   done to the writer, or by them. The caller offers the safety check and
//!   support services after saving; it never blocks anything.
//! - [`crisis`]: notices words that may point to thoughts of suicide or
//!   self-harm, so the caller can show support resources after saving. It
//!   never blocks or changes what the person wrote.
//! - [`reader`]: the sentence reader behind both: static word-piece vectors
//!   and small trained heads that notice crisis and abuse said in words the
//!   phrase rules do not know. It adds notices, never removes them.
//! - [`eval`]: reads labelled sentence sets and measures a check against
//!   them (recall, precision, false alarms per category).

pub mod abuse;
pub mod crisis;
pub mod eval;
mod lexicon;
mod pattern;
pub mod reader;
pub mod statement;
mod tokens;
