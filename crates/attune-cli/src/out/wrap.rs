//! Terminal width and paragraph wrapping, one policy for every command.

use std::io::{IsTerminal, Write};

use dialoguer::console::Term;

use crate::error::CliResult;

/// The width of printed pages that do not follow the terminal (safety
/// notices, entries, the toolkit): what reads well anywhere, and in a log.
pub const PAGE: usize = 78;

/// The text width: the terminal's (40 to 100 columns, less a margin), or
/// [`PAGE`] when not in a terminal.
pub fn width() -> usize {
    if std::io::stdout().is_terminal()
        && let Some((_, cols)) = Term::stdout().size_checked()
    {
        return usize::from(cols).clamp(40, 100) - 2;
    }
    PAGE
}

/// Where a line may break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breaks {
    /// At spaces and after hyphens; a word longer than a line is cut.
    Words,
    /// Only at ASCII spaces and never with a hyphen added, so paths,
    /// commands and `--flags` stay whole unless longer than a line.
    Spaces,
    /// Only at ASCII spaces, a word longer than a line kept whole (web
    /// addresses), and never inside a `command` in backticks, so a person
    /// can copy it as printed.
    Commands,
}

/// A paragraph layout: width, indents and where lines may break.
#[derive(Clone, Copy, Debug)]
pub struct Wrap<'a> {
    width: usize,
    first: &'a str,
    rest: &'a str,
    breaks: Breaks,
}

impl<'a> Wrap<'a> {
    /// Lines of at most `width` columns (never fewer than 20), no indent.
    pub fn new(width: usize, breaks: Breaks) -> Self {
        Self { width: width.max(20), first: "", rest: "", breaks }
    }

    /// The indent of the first line and of the lines after it.
    pub fn indent(self, first: &'a str, rest: &'a str) -> Self {
        Self { first, rest, ..self }
    }

    /// The wrapped lines (the text as given: callers trim where they mean to).
    pub fn lines(&self, text: &str) -> Vec<String> {
        let options = textwrap::Options::new(self.width).initial_indent(self.first).subsequent_indent(self.rest);
        match self.breaks {
            Breaks::Words => textwrap::wrap(text, options).into_iter().map(|l| l.into_owned()).collect(),
            Breaks::Spaces => {
                let options = options
                    .word_separator(textwrap::WordSeparator::AsciiSpace)
                    .word_splitter(textwrap::WordSplitter::NoHyphenation);
                textwrap::wrap(text, options).into_iter().map(|l| l.into_owned()).collect()
            }
            Breaks::Commands => {
                let options = options.word_separator(textwrap::WordSeparator::AsciiSpace).break_words(false);
                // A command's spaces are held as no-break spaces while wrapping.
                let held = hold_commands(text);
                textwrap::wrap(&held, options).into_iter().map(|l| l.replace('\u{a0}', " ")).collect()
            }
        }
    }

    /// The wrapped lines joined with newlines, no newline at the end.
    pub fn fill(&self, text: &str) -> String {
        self.lines(text).join("\n")
    }

    /// Prints the wrapped lines, each ending with a newline.
    pub fn print(&self, w: &mut impl Write, text: &str) -> CliResult {
        for line in self.lines(text) {
            writeln!(w, "{line}")?;
        }
        Ok(())
    }
}

/// The page's paragraph: [`PAGE`] wide, breaking as [`Breaks::Commands`],
/// the text trimmed; no newline at the end.
pub fn fill(text: &str, first: &str, rest: &str) -> String {
    Wrap::new(PAGE, Breaks::Commands).indent(first, rest).fill(text.trim())
}

/// Prints [`fill`] with the same indent on every line, then a newline.
pub fn paragraph(w: &mut impl Write, text: &str, indent: &str) -> CliResult {
    writeln!(w, "{}", fill(text, indent, indent))?;
    Ok(())
}

/// Every space between a pair of backticks as a no-break space.
fn hold_commands(text: &str) -> String {
    let mut held = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            held.push('`');
        }
        if i % 2 == 1 { held.push_str(&part.replace(' ', "\u{a0}")) } else { held.push_str(part) }
    }
    held
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn commands_and_addresses_stay_whole() {
        let text = "run `attune safety plan crisis` or visit https://example.org/averylongaddressthatislong";
        let lines = Wrap::new(30, Breaks::Commands).indent("  ", "  ").lines(text);
        assert!(lines.iter().any(|l| l.contains("`attune safety plan crisis`")), "{lines:?}");
        assert!(lines.iter().any(|l| l.trim() == "https://example.org/averylongaddressthatislong"), "{lines:?}");
        assert!(lines.iter().all(|l| l.starts_with("  ")), "{lines:?}");
        // As before this module: a hyphen is still a place to break, in an address too.
        let lines = Wrap::new(20, Breaks::Commands).lines("see https://example.org/a-b-c-d-e-f-g-h-i-j");
        assert!(!lines.iter().any(|l| l.contains("https://example.org/a-b-c-d-e-f-g-h-i-j")), "{lines:?}");
    }

    #[test]
    fn spaces_never_hyphenate_and_words_may() {
        let text = "a well-known --dry-run flag";
        assert_eq!(Wrap::new(20, Breaks::Spaces).lines(text), vec!["a well-known", "--dry-run flag"]);
        assert_eq!(
            Wrap::new(20, Breaks::Words).indent("· ", "  ").lines("one two three four five six"),
            vec!["· one two three four", "  five six"]
        );
        assert_eq!(Wrap::new(5, Breaks::Words).fill("abc def"), "abc def", "at least 20 columns");
    }

    #[test]
    fn print_ends_each_line() {
        let mut out = Vec::new();
        Wrap::new(20, Breaks::Words).print(&mut out, "one two three four five six").unwrap();
        assert_eq!(String::from_utf8_lossy(&out), "one two three four\nfive six\n");
    }
}
