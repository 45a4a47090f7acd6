//! Self-assessments: questionnaires as data files, their scoring, the
//! profile at the end (changes since last time, a point on two axes, which
//! step to emphasise), the merged source profile for insights, and the
//! check of every content file.
//!
//! Pure, like the rest of core: the caller passes the library (the content
//! files), the answers, "now" and new ids.

mod check;
pub mod instrument;
pub mod learn;
pub mod profile;
pub mod score;
pub mod session;
pub mod steps;
pub mod texts;

#[cfg(test)]
mod tests;

pub use check::{check_file, check_library};
pub use instrument::{
    Aggregate, Axes, Band, Instrument, InstrumentError, Item, Link, Problem, ProblemKind, Scale, Side, Subscale,
};
pub use learn::{Found, LearnIndex, Section, Topic, Vocabulary};
pub use profile::{
    Basis, Change, Comparison, DEFAULT_JOURNAL_PRIOR, Direction, Point, SourceEstimate, SourceProfile, compare,
    merge_source_profile, point, source_profile,
};
pub use score::{AnswerError, Answers, SubscaleScore, score};
pub use session::{Session, Taken};
pub use steps::{Emphasis, Step, StepRules};
pub use texts::{AssessTexts, render};

use crate::content::Library;

/// Folder of the questionnaires under `content/`.
pub const INSTRUMENTS_DIR: &str = "instruments/";
/// "Where it comes from": the five sources.
pub const WHERE_IT_COMES_FROM: &str = "where-it-comes-from";
/// "Closeness and distance": attachment anxiety and avoidance, on two axes.
pub const CLOSENESS_AND_DISTANCE: &str = "closeness-and-distance";
/// "How I see myself": self-worth.
pub const HOW_I_SEE_MYSELF: &str = "how-i-see-myself";
/// "How it shows": the five signs over the last two weeks.
pub const HOW_IT_SHOWS: &str = "how-it-shows";
/// "Seen, trusted, respected": the check-in's outcome measure.
pub const SEEN_TRUSTED_RESPECTED: &str = "seen-trusted-respected";
/// The questionnaires the code relies on.
pub const BUILT_IN: &[&str] =
    &[WHERE_IT_COMES_FROM, CLOSENESS_AND_DISTANCE, HOW_I_SEE_MYSELF, HOW_IT_SHOWS, SEEN_TRUSTED_RESPECTED];
/// The subscales of [`SEEN_TRUSTED_RESPECTED`], named like the check-in's fields.
pub const OUTCOME_SUBSCALES: [&str; 3] = ["seen", "trusted", "respected"];

/// Every questionnaire in the library (built in, and the person's own
/// files under `instruments/`), in id order, and those that failed to parse.
pub fn instruments(library: &Library) -> (Vec<Instrument>, Vec<InstrumentError>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for path in library.paths_under(INSTRUMENTS_DIR) {
        if !path.ends_with(".toml") {
            continue;
        }
        match library.text(path).map(|text| Instrument::parse(text, path)) {
            Ok(Ok(i)) => ok.push(i),
            Ok(Err(e)) => bad.push(e),
            Err(e) => bad.push(InstrumentError {
                file: path.to_string(),
                problems: vec![Problem {
                    kind: ProblemKind::Syntax,
                    line: None,
                    place: String::new(),
                    message: e.message,
                    hint: None,
                }],
            }),
        }
    }
    ok.sort_by(|a: &Instrument, b| a.id.cmp(&b.id));
    (ok, bad)
}

/// One questionnaire by id, from `instruments/<id>.toml`. `Ok(None)` when
/// there is no such file.
pub fn load_instrument(library: &Library, id: &str) -> Result<Option<Instrument>, InstrumentError> {
    let path = format!("{INSTRUMENTS_DIR}{id}.toml");
    match library.text(&path) {
        Ok(text) => Instrument::parse(text, &path).map(Some),
        Err(_) => Ok(None),
    }
}
