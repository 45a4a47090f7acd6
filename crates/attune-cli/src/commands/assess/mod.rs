//! `attune assess`: the questionnaires. Lists them, asks one item at a time
//! (arrow keys in a terminal, typed numbers otherwise), saves after every
//! answer so a stop is never a loss, and ends with the profile.

mod args;
mod history;
mod list;
mod load;
mod profile;
mod take;

pub use args::{AssessAction, AssessArgs};

use crate::app::App;
use crate::error::CliResult;

pub fn run(args: AssessArgs, app: &App) -> CliResult {
    match &args.action {
        Some(AssessAction::History { id, json }) => history::history(id.as_deref(), *json || args.json, app),
        None if args.id.is_none() && args.file.is_none() => list::list(args.json, app),
        None => take::take(&args, app),
    }
}
