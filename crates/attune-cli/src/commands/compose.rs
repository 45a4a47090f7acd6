//! Writing an entry, shared by `attune log` and `attune edit`: the editor
//! round trip until the text is a valid entry, and keeping the text as an
//! encrypted draft when it cannot be saved.

use attune_core::entry::Known;
use attune_core::{EntryDraft, Moment};
use attune_store::drafts;

use crate::app::{App, Opened};
use crate::editor;
use crate::error::{CliError, CliResult};
use crate::out;

/// Opens the editor until the text is a valid entry. Closing it unchanged
/// keeps the text as a draft; emptying it saves nothing.
pub fn edit_until_valid(
    app: &App,
    opened: &Opened,
    start: EntryDraft,
    mut when: String,
    known: Known<'_>,
) -> CliResult<(EntryDraft, Option<String>)> {
    let mut text = editor::template(&start, &when, None);
    loop {
        let edited = editor::edit(&app.settings.editor.value, &text)?;
        if edited.trim().is_empty() {
            return Err(CliError::user("nothing was saved: the file was empty"));
        }
        let (problem, draft) = match editor::parse(&edited) {
            Ok((draft, new_when)) => {
                when = new_when;
                match check(app, &draft, &when, known) {
                    Ok(()) => return Ok((draft, Some(when))),
                    Err(problem) => (problem, draft),
                }
            }
            Err(problem) => (problem, EntryDraft { situation: edited.clone(), ..Default::default() }),
        };
        out::note(&format!("Not saved yet: {problem}"));
        if edited == text {
            return Err(keep_draft(
                app,
                opened,
                &draft,
                &app.now_moment(),
                CliError::user(format!("nothing was saved: {problem}")),
            ));
        }
        text = editor::template(&draft, &when, Some(&problem));
    }
}

/// Whether a draft and its `when` text would make a valid entry.
fn check(app: &App, draft: &EntryDraft, when: &str, known: Known<'_>) -> Result<(), String> {
    let occurred = if when.trim().is_empty() {
        app.now_moment()
    } else {
        Moment::from_zoned(&app.happened("when", when).map_err(|e| e.message)?)
    };
    draft.clone().into_entry(app.new_id(), occurred, app.now_moment(), known).map(|_| ()).map_err(|e| e.to_string())
}

/// Keeps an entry that could not be saved as an encrypted draft, and turns
/// `why` into an error that says where it is.
pub fn keep_draft(app: &App, opened: &Opened, draft: &EntryDraft, occurred: &Moment, why: CliError) -> CliError {
    let dir = app.store_dir().join(attune_store::DRAFTS_DIR);
    match drafts::save(&dir, opened.key.as_ref(), draft, Some(occurred), app.now.timestamp()) {
        Ok(path) => {
            let mut err = why;
            err.hints.push(format!(
                "your text is kept safe as a draft ({}); `attune drafts restore 1` saves it once the problem is fixed",
                path.display()
            ));
            err
        }
        Err(e) => {
            let mut err = why;
            err.hints.push(format!("it could not be kept as a draft either ({e}); copy your text somewhere safe now"));
            err
        }
    }
}
