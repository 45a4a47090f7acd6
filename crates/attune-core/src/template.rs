//! `{name}` placeholders in the texts under `content/`: one scanner that
//! every content loader and both front ends use to check a text's
//! placeholders and to fill them in.
//!
//! A text is read left to right: `{` opens a placeholder and the next `}`
//! closes it. Values are never scanned again, so a person's own words that
//! happen to hold braces are shown as written.

/// One piece of a text, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Words to show as they are (may hold a stray `}`).
    Text(&'a str),
    /// The name between `{` and the next `}`.
    Name(&'a str),
    /// A `{` with no `}` after it: the rest of the text after the brace.
    Unclosed(&'a str),
}

/// The pieces of `text`, in order; they join back to `text`.
pub fn pieces(text: &str) -> Pieces<'_> {
    Pieces { rest: text, name: None }
}

/// Iterator over a text's [`Piece`]s.
#[derive(Clone, Debug)]
pub struct Pieces<'a> {
    rest: &'a str,
    /// A placeholder found while cutting off the text before it.
    name: Option<Piece<'a>>,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        if let Some(piece) = self.name.take() {
            return Some(piece);
        }
        if self.rest.is_empty() {
            return None;
        }
        let Some(open) = self.rest.find('{') else {
            return Some(Piece::Text(std::mem::take(&mut self.rest)));
        };
        let before = &self.rest[..open];
        let after = &self.rest[open + 1..];
        let piece = match after.find('}') {
            Some(close) => {
                self.rest = &after[close + 1..];
                Piece::Name(&after[..close])
            }
            None => {
                self.rest = "";
                Piece::Unclosed(after)
            }
        };
        if before.is_empty() {
            Some(piece)
        } else {
            self.name = Some(piece);
            Some(Piece::Text(before))
        }
    }
}

/// The names of the closed placeholders, in order (repeats kept).
pub fn names(text: &str) -> impl Iterator<Item = &str> {
    pieces(text).filter_map(|p| match p {
        Piece::Name(name) => Some(name),
        _ => None,
    })
}

/// Fills each `{name}` with `value(name)`; a name without a value, and an
/// unclosed `{`, stay as written.
pub fn fill<'t, S: AsRef<str>>(text: &'t str, mut value: impl FnMut(&'t str) -> Option<S>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for piece in pieces(text) {
        match piece {
            Piece::Text(words) => out.push_str(words),
            Piece::Name(name) => match value(name) {
                Some(v) => out.push_str(v.as_ref()),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
            Piece::Unclosed(rest) => {
                out.push('{');
                out.push_str(rest);
            }
        }
    }
    out
}

/// Fills placeholders from `(name, value)` pairs; see [`fill`].
pub fn render<V: AsRef<str>>(text: &str, vars: &[(&str, V)]) -> String {
    fill(text, |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_ref()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_text_is_cut_into_words_and_names() {
        let got: Vec<Piece<'_>> = pieces("at {time}: {text}{x").collect();
        assert_eq!(
            got,
            vec![Piece::Text("at "), Piece::Name("time"), Piece::Text(": "), Piece::Name("text"), Piece::Unclosed("x"),]
        );
        assert_eq!(pieces("").count(), 0);
        assert_eq!(pieces("}{}").collect::<Vec<_>>(), vec![Piece::Text("}"), Piece::Name("")]);
        assert_eq!(names("{a} and {b} and {a} and {c").collect::<Vec<_>>(), vec!["a", "b", "a"]);
    }

    #[test]
    fn known_names_are_filled_and_the_rest_stays_as_written() {
        let vars = [("time", "19:00".to_string()), ("text", "walk {together}".to_string())];
        assert_eq!(render("{time} · {text} · {other} · {open", &vars), "19:00 · walk {together} · {other} · {open");
        assert_eq!(render("{{time}}", &vars), "{{time}}");
        assert_eq!(fill("{a}{b}", |n| (n == "b").then_some("B")), "{a}B");
    }

    proptest! {
        /// The pieces always join back to the text, whatever it holds.
        #[test]
        fn pieces_join_back(text in "[a-z{} ]{0,40}") {
            let mut joined = String::new();
            for p in pieces(&text) {
                match p {
                    Piece::Text(t) => joined.push_str(t),
                    Piece::Name(n) => { joined.push('{'); joined.push_str(n); joined.push('}'); }
                    Piece::Unclosed(r) => { joined.push('{'); joined.push_str(r); }
                }
            }
            prop_assert_eq!(&joined, &text);
            // Nothing to fill in leaves the text as it is.
            prop_assert_eq!(fill(&text, |_| None::<&str>), text.clone());
        }

        /// Filling every name with a word without braces leaves no closed placeholder.
        #[test]
        fn filling_every_name_leaves_none(text in "[a-z{} ]{0,40}") {
            let filled = fill(&text, |_| Some("v"));
            prop_assert_eq!(names(&filled).count(), 0);
        }
    }
}
