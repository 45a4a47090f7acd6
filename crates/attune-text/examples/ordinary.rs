//! How often the safety checks speak up on ordinary writing: GoEmotions'
//! development comments (Apache-2.0, read in place from `../shared/data`),
//! leaving out any comment with a word near crisis or harm
//! (`eval::NEAR_HARM`), each read as one entry by the rules and the
//! sentence reader together.
//!
//! `cargo run -p attune-text --release --example ordinary`

use std::process::ExitCode;

use attune_text::eval::{Ordinary, ordinary_comments};

fn main() -> ExitCode {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/train/goemotions/dev.tsv");
    let Ok(raw) = std::fs::read_to_string(path) else {
        eprintln!("cannot read {path}: this measure needs the shared data sets beside the project");
        return ExitCode::FAILURE;
    };
    let m = match Ordinary::measure(&ordinary_comments(&raw)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{} ordinary comments (GoEmotions dev, none near harm)", m.texts);
    println!("crisis noticed in {} ({:.2}%)", m.crisis, m.percent(m.crisis));
    println!("abuse noticed in {} ({:.2}%)", m.abuse, m.percent(m.abuse));
    println!("of those, by the sentence reader: {} ({:.2}%)", m.by_reader, m.percent(m.by_reader));
    ExitCode::SUCCESS
}
