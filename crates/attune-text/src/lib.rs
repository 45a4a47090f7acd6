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

/// Both safety checks on one text, as [`crisis::assess`] and
/// [`abuse::assess`] give them, with the sentence reader's vectors worked
/// out once for both: what a save pays.
pub fn assess_safety(
    text: &str,
) -> (Result<crisis::Assessment, crisis::LexiconError>, Result<abuse::Assessment, abuse::LexiconError>) {
    let mut c = crisis::Lexicon::embedded().map(|l| l.assess(text));
    let mut a = abuse::Lexicon::embedded().map(|l| l.assess(text));
    if c.as_ref().is_ok_and(|c| !c.is_flagged()) || a.as_ref().is_ok_and(|a| !a.is_flagged()) {
        match reader::Reader::embedded() {
            Ok(r) => {
                let vectors = r.sentence_vectors(text);
                if let Some(c) = c.as_mut().ok().filter(|c| !c.is_flagged()) {
                    crisis::add_read(c, r, &vectors);
                }
                if let Some(a) = a.as_mut().ok().filter(|a| !a.is_flagged()) {
                    abuse::add_read(a, r, &vectors);
                }
            }
            Err(e) => {
                c = c.and_then(|c| if c.is_flagged() { Ok(c) } else { Err(crisis::LexiconError(e.to_string())) });
                a = a.and_then(|a| if a.is_flagged() { Ok(a) } else { Err(abuse::LexiconError(e.to_string())) });
            }
        }
    }
    (c, a)
}
