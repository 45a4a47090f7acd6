//! Reads sentences from standard input, one per line, and prints what the
//! crisis detector notices in each: a quick way to try out a lexicon edit.
//!
//! ```text
//! cargo run -p attune-text --example crisis_check < sentences.txt
//! ```

use std::io::BufRead;

use attune_text::crisis::assess;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut flagged = 0usize;
    let mut total = 0usize;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        total += 1;
        let a = assess(text)?;
        if a.is_flagged() {
            flagged += 1;
        }
        let why: Vec<String> = a.matches.iter().map(|m| format!("{} \"{}\"", m.rule, &text[m.span.clone()])).collect();
        println!(
            "{:<8} {text}{}",
            a.level.as_str(),
            if why.is_empty() { String::new() } else { format!("   <- {}", why.join("; ")) }
        );
    }
    println!("{flagged} of {total} flagged");
    Ok(())
}
