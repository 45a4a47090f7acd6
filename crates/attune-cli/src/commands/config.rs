//! `attune config`: the settings in effect and where each comes from.

use std::io::Write;

use crate::app::App;
use crate::args::JsonArgs;
use crate::config::{Origin, format_duration};
use crate::error::CliResult;
use crate::out::{self, DIM};

pub fn run(args: JsonArgs, app: &App) -> CliResult {
    let s = &app.settings;
    if args.json {
        return out::json(s);
    }
    let origin = |o: &Origin| match o {
        Origin::Default => "default".to_string(),
        Origin::File => "config file".to_string(),
        Origin::Env(var) => format!("environment {var}"),
        Origin::Flag => "flag".to_string(),
    };
    let mut w = out::stdout();
    writeln!(w, "{DIM}# config file: {}{DIM:#}", s.config_file.display())?;
    writeln!(w, "store = {:?}  {DIM}# {}{DIM:#}", s.store.value.display().to_string(), origin(&s.store.origin))?;
    writeln!(
        w,
        "lock_after = {:?}  {DIM}# {}{DIM:#}",
        format_duration(s.lock_after.value),
        origin(&s.lock_after.origin)
    )?;
    let color = serde_json::to_value(s.color.value)?;
    writeln!(w, "color = {color}  {DIM}# {}{DIM:#}", origin(&s.color.origin))?;
    writeln!(w, "editor = {:?}  {DIM}# {}{DIM:#}", s.editor.value, origin(&s.editor.origin))?;
    writeln!(w, "due_words = {}  {DIM}# {}{DIM:#}", s.due_words.value, origin(&s.due_words.origin))?;
    writeln!(w, "allow_plain = {}  {DIM}# {}{DIM:#}", s.allow_plain.value, origin(&s.allow_plain.origin))?;
    match &s.content_dir.value {
        Some(d) => {
            // Reading the folder here reports a broken one before it matters.
            let library = app.library()?;
            writeln!(
                w,
                "content_dir = {:?}  {DIM}# {}; replaces {} built-in file(s){DIM:#}",
                d.display().to_string(),
                origin(&s.content_dir.origin),
                library.overridden().len()
            )?
        }
        None => writeln!(w, "{DIM}# content_dir: not set (the built-in texts are used){DIM:#}")?,
    }
    Ok(())
}
