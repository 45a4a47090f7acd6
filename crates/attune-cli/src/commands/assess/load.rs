//! Loading the questionnaires and their texts, with errors that say what to fix.

use std::path::Path;

use attune_core::assess::{self, AssessTexts, Instrument, InstrumentError};
use attune_core::content::{ContentError, Library};

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self};

pub(super) fn content_error(e: ContentError) -> CliError {
    CliError::user(format!("{}: {}", e.file, e.message))
        .hint("fix that file in your content_dir, or remove it to use the built-in text")
}

pub(super) fn instrument_error(e: &InstrumentError) -> CliError {
    let count = e.problems.len();
    let mut message = if count == 1 {
        format!("{} is not a valid questionnaire: ", e.file)
    } else {
        format!("{} is not a valid questionnaire; {count} things to fix:", e.file)
    };
    let mut err = CliError::user(String::new());
    for p in &e.problems {
        if count == 1 {
            message.push_str(&p.to_string());
        } else {
            message.push_str(&format!("\n  - {p}"));
        }
        if let Some(h) = &p.hint {
            err = err.hint(match p.line {
                Some(line) => format!("line {line}: {h}"),
                None => h.clone(),
            });
        }
    }
    err.message = message;
    err.hint("nothing was changed; `attune learn questionnaires` describes the format")
}

pub(super) struct Loaded {
    pub(super) library: Library,
    pub(super) texts: AssessTexts,
}

pub(super) fn load(app: &App) -> CliResult<Loaded> {
    let library = app.library()?;
    let texts = AssessTexts::load(&library).map_err(content_error)?;
    Ok(Loaded { library, texts })
}

/// The library's questionnaires, built-in ones first in their order; invalid
/// files of the person's own are named on standard error.
pub(super) fn catalog(library: &Library) -> Vec<Instrument> {
    let (mut found, bad) = assess::instruments(library);
    for e in &bad {
        out::note(&format!(
            "note: {} (left out of the list; `attune assess --file <that file> --check` shows every problem)",
            e
        ));
    }
    found.sort_by_key(|i| (assess::BUILT_IN.iter().position(|b| *b == i.id).unwrap_or(usize::MAX), i.id.clone()));
    found
}

pub(super) fn by_id(library: &Library, id: &str) -> CliResult<Instrument> {
    let id = id.trim();
    if assess::instrument::valid_id(id)
        && let Some(inst) = assess::load_instrument(library, id).map_err(|e| instrument_error(&e))?
    {
        return Ok(inst);
    }
    let known: Vec<String> = catalog(library).into_iter().map(|i| i.id).collect();
    let hint = match attune_core::error::closest(id, known.iter().map(String::as_str)) {
        Some(near) => format!("did you mean '{near}'? `attune assess` lists them all"),
        None => format!("the questionnaires are: {}", known.join(", ")),
    };
    Err(CliError::user(format!("there is no questionnaire '{id}'")).hint(hint))
}

pub(super) fn from_file(path: &Path, library: &Library) -> CliResult<Instrument> {
    let name = path.display().to_string();
    let read_err = |e: std::io::Error| {
        CliError::user(format!("cannot read {name}: {e}")).hint("check the path; nothing was changed")
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > assess::instrument::MAX_FILE_BYTES as u64 {
        return Err(instrument_error(&InstrumentError {
            file: name,
            problems: vec![assess::Problem {
                kind: assess::ProblemKind::TooLarge,
                line: None,
                place: String::new(),
                message: format!("the file is larger than {} KiB", assess::instrument::MAX_FILE_BYTES / 1024),
                hint: Some("a questionnaire file is a few kilobytes; check that this is the right file".into()),
            }],
        }));
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::user(format!("{name} is not a text file (byte {} is not UTF-8)", e.utf8_error().valid_up_to()))
            .hint("save the questionnaire as UTF-8 text; nothing was changed")
    })?;
    let inst = Instrument::parse(&text, &name).map_err(|e| instrument_error(&e))?;
    if let Ok(Some(existing)) = assess::load_instrument(library, &inst.id)
        && existing != inst
    {
        return Err(CliError::user(format!(
            "{name}: the id '{}' already belongs to the questionnaire \"{}\"",
            inst.id, existing.title
        ))
        .hint("give your questionnaire its own id, so the two sets of results are not mixed up"));
    }
    Ok(inst)
}
