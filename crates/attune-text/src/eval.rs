//! Measuring a language check against labelled sentences.
//!
//! A labelled set is a text file with one sentence a line:
//!
//! ```text
//! # comments and blank lines are ignored
//! flag | direct        | I want to die.
//! none | hard-negative | this deadline is killing me
//! ```
//!
//! Each line is `<expect> | <category> | <sentence>`: what the check should
//! say, a group for the per-category numbers, and the sentence (which may
//! itself contain `|`). [`parse_set`] reads such a file; [`evaluate`] runs a
//! check over it and returns a [`Report`] with per-category numbers, overall
//! recall, precision and F1, the false-alarm rate on the `hard-negative`
//! category and the sentences it got wrong. The check is any closure from a
//! sentence to an [`Outcome`], so the same tool measures every lexicon;
//! [`crisis_check`] and [`abuse_check`] are the ones attune ships.

use std::fmt::{self, Write as _};

/// One labelled sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labelled {
    /// 1-based line number in the file, for pointing at it.
    pub line: usize,
    /// What the check should say ("flag", "none", "abuse", "by-writer").
    pub expect: String,
    /// The group it is counted in ("direct", "hard-negative", a kind id).
    pub category: String,
    /// The sentence itself.
    pub text: String,
}

/// Reads a labelled set. An error names the line and says what is wrong.
pub fn parse_set(text: &str) -> Result<Vec<Labelled>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut parts = trimmed.splitn(3, '|').map(str::trim);
        let (Some(expect), Some(category), Some(sentence)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "line {line}: expected `<expect> | <category> | <sentence>`, found \"{}\"",
                shorten(trimmed)
            ));
        };
        for (what, value) in [("expect", expect), ("category", category)] {
            if !is_label(value) {
                return Err(format!(
                    "line {line}: the {what} \"{value}\" is not a lower-case label (letters, digits and '-' only)"
                ));
            }
        }
        if sentence.is_empty() {
            return Err(format!("line {line}: the sentence is empty"));
        }
        out.push(Labelled {
            line,
            expect: expect.to_string(),
            category: category.to_string(),
            text: sentence.to_string(),
        });
    }
    Ok(out)
}

fn is_label(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// What a check said about one sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// In the set's terms: "flag"/"none", or "abuse"/"by-writer"/"none".
    pub verdict: String,
    /// The kinds it named (for the kind match), if the check has kinds.
    pub kinds: Vec<String>,
}

impl Outcome {
    /// An outcome without kinds.
    pub fn new(verdict: impl Into<String>) -> Self {
        Self { verdict: verdict.into(), kinds: Vec::new() }
    }

    /// The same outcome naming these kinds.
    #[must_use]
    pub fn with_kinds<S: Into<String>>(mut self, kinds: impl IntoIterator<Item = S>) -> Self {
        self.kinds = kinds.into_iter().map(Into::into).collect();
        self
    }
}

/// What the labels of a set mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The verdict that counts as positive for recall and precision.
    pub positive: String,
    /// Every verdict a line may expect.
    pub expects: Vec<String>,
    /// Categories that name a kind: on positive lines with such a category,
    /// the report counts how often the check named that kind.
    pub kinds: Vec<String>,
}

impl Spec {
    /// Crisis sets: `flag` or `none`.
    pub fn crisis() -> Self {
        Self { positive: "flag".into(), expects: vec!["flag".into(), "none".into()], kinds: Vec::new() }
    }

    /// Abuse sets: `abuse` (something done to the writer), `by-writer` (only
    /// something the writer did) or `none`; a category may be a kind id.
    pub fn abuse() -> Self {
        Self {
            positive: "abuse".into(),
            expects: vec!["abuse".into(), "by-writer".into(), "none".into()],
            kinds: crate::abuse::Kind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
        }
    }
}

/// The crisis check in the crisis sets' terms: the phrase rules and the
/// sentence reader, as people get it.
pub fn crisis_check(text: &str) -> Outcome {
    crisis_outcome(crate::crisis::assess(text))
}

/// The crisis phrase rules alone, in the crisis sets' terms.
pub fn crisis_rules_check(text: &str) -> Outcome {
    crisis_outcome(crate::crisis::Lexicon::embedded().map(|l| l.assess(text)))
}

fn crisis_outcome(a: Result<crate::crisis::Assessment, crate::crisis::LexiconError>) -> Outcome {
    match a {
        Ok(a) if a.is_flagged() => Outcome::new("flag").with_kinds(a.matches.iter().map(|m| m.rule.clone())),
        Ok(_) => Outcome::new("none"),
        Err(e) => Outcome::new(format!("error: {e}")),
    }
}

/// The abuse check in the abuse sets' terms; the kinds are those of the
/// findings about what was done to the writer (or, for `by-writer`, by them).
pub fn abuse_check(text: &str) -> Outcome {
    abuse_outcome(crate::abuse::assess(text))
}

/// The abuse phrase rules alone, in the abuse sets' terms.
pub fn abuse_rules_check(text: &str) -> Outcome {
    abuse_outcome(crate::abuse::Lexicon::embedded().map(|l| l.assess(text)))
}

fn abuse_outcome(a: Result<crate::abuse::Assessment, crate::abuse::LexiconError>) -> Outcome {
    match a {
        Ok(a) if a.is_flagged() => Outcome::new("abuse").with_kinds(a.kinds().iter().map(|k| k.as_str())),
        Ok(a) if a.by_writer().next().is_some() => {
            Outcome::new("by-writer").with_kinds(a.by_writer().map(|f| f.kind.as_str()))
        }
        Ok(_) => Outcome::new("none"),
        Err(e) => Outcome::new(format!("error: {e}")),
    }
}

/// The numbers for one (expect, category) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// What the lines expect.
    pub expect: String,
    /// Their category.
    pub category: String,
    /// How many lines.
    pub n: usize,
    /// How many the check got right (said what was expected).
    pub hits: usize,
    /// Whether `expect` is the positive verdict.
    pub positive: bool,
}

impl Row {
    /// Recall for a positive row, false-alarm rate (share not answered as
    /// expected) for any other.
    pub fn rate(&self) -> f64 {
        let wrong = self.n - self.hits;
        ratio(if self.positive { self.hits } else { wrong }, self.n)
    }
}

/// A line the check got wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The line as labelled.
    pub item: Labelled,
    /// What the check said instead.
    pub got: Outcome,
}

/// Everything [`evaluate`] measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Per (expect, category), in the order they first appear in the set.
    pub rows: Vec<Row>,
    /// The positive verdict.
    pub positive: String,
    /// Positive lines answered positive.
    pub true_positives: usize,
    /// Other lines answered positive.
    pub false_positives: usize,
    /// Positive lines answered otherwise.
    pub false_negatives: usize,
    /// Lines in the `hard-negative` category.
    pub hard_negatives: usize,
    /// Of those, how many were not answered as expected.
    pub hard_negative_alarms: usize,
    /// Positive lines whose category is a kind, answered positive.
    pub kind_checked: usize,
    /// Of those, how many named that kind.
    pub kind_matched: usize,
    /// Every line not answered as expected, in set order.
    pub misses: Vec<Miss>,
}

#[allow(clippy::cast_precision_loss)]
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

impl Report {
    /// Share of positive lines answered positive.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    /// Share of positive answers that were right.
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    /// Share of `hard-negative` lines not answered as expected; `None` if
    /// the set has none.
    pub fn hard_negative_false_alarm_rate(&self) -> Option<f64> {
        (self.hard_negatives > 0).then(|| ratio(self.hard_negative_alarms, self.hard_negatives))
    }

    /// Share of positive lines labelled with a kind (and found) where the
    /// check named that kind; `None` if there are none.
    pub fn kind_match_rate(&self) -> Option<f64> {
        (self.kind_checked > 0).then(|| ratio(self.kind_matched, self.kind_checked))
    }

    /// Recall over the positive rows for which `pick(category)` holds;
    /// `None` if there are no such lines.
    pub fn recall_where(&self, pick: impl Fn(&str) -> bool) -> Option<f64> {
        let rows = self.rows.iter().filter(|r| r.positive && pick(&r.category));
        let (hits, n) = rows.fold((0, 0), |(h, n), r| (h + r.hits, n + r.n));
        (n > 0).then(|| ratio(hits, n))
    }

    /// The per-category table and the overall numbers, aligned for a
    /// terminal.
    pub fn table(&self) -> String {
        let expect_w = self.rows.iter().map(|r| r.expect.len()).chain([6]).max().unwrap_or(6);
        let cat_w = self.rows.iter().map(|r| r.category.len()).chain([8]).max().unwrap_or(8);
        let mut out = String::new();
        let _ =
            writeln!(out, "{:<expect_w$}  {:<cat_w$}  {:>5}  {:>5}  {:>7}", "expect", "category", "n", "right", "rate");
        for r in &self.rows {
            let what = if r.positive { "recall" } else { "false alarms" };
            let _ = writeln!(
                out,
                "{:<expect_w$}  {:<cat_w$}  {:>5}  {:>5}  {:>6.1}%  {what}",
                r.expect,
                r.category,
                r.n,
                r.hits,
                r.rate() * 100.0
            );
        }
        let _ = writeln!(
            out,
            "overall ({}): recall {:.1}% ({}/{}), precision {:.1}% ({}/{}), F1 {:.3}",
            self.positive,
            self.recall() * 100.0,
            self.true_positives,
            self.true_positives + self.false_negatives,
            self.precision() * 100.0,
            self.true_positives,
            self.true_positives + self.false_positives,
            self.f1()
        );
        if let Some(rate) = self.hard_negative_false_alarm_rate() {
            let _ = writeln!(
                out,
                "hard-negative: false alarms {:.1}% ({}/{})",
                rate * 100.0,
                self.hard_negative_alarms,
                self.hard_negatives
            );
        }
        if let Some(rate) = self.kind_match_rate() {
            let _ = writeln!(
                out,
                "kind: the labelled kind was among those found in {:.1}% ({}/{}) of the found lines",
                rate * 100.0,
                self.kind_matched,
                self.kind_checked
            );
        }
        out
    }

    /// The misses, one a line: line number, expected and got, sentence.
    pub fn misses_table(&self) -> String {
        let mut out = String::new();
        for m in &self.misses {
            let kinds = if m.got.kinds.is_empty() { String::new() } else { format!(" [{}]", m.got.kinds.join(", ")) };
            let _ = writeln!(
                out,
                "line {:>4}: expected {} ({}), got {}{kinds}: {}",
                m.item.line, m.item.expect, m.item.category, m.got.verdict, m.item.text
            );
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.table())
    }
}

/// Runs `check` over `set`. Fails if a line expects something `spec` does
/// not know (naming the line), so a typo in a label is not silently counted.
pub fn evaluate(set: &[Labelled], spec: &Spec, check: impl Fn(&str) -> Outcome) -> Result<Report, String> {
    let mut report = Report {
        rows: Vec::new(),
        positive: spec.positive.clone(),
        true_positives: 0,
        false_positives: 0,
        false_negatives: 0,
        hard_negatives: 0,
        hard_negative_alarms: 0,
        kind_checked: 0,
        kind_matched: 0,
        misses: Vec::new(),
    };
    for item in set {
        if !spec.expects.contains(&item.expect) {
            return Err(format!(
                "line {}: \"{}\" is not a known expectation (use one of: {})",
                item.line,
                item.expect,
                spec.expects.join(", ")
            ));
        }
        let got = check(&item.text);
        let right = got.verdict == item.expect;
        let expect_pos = item.expect == spec.positive;
        let got_pos = got.verdict == spec.positive;
        match (expect_pos, got_pos) {
            (true, true) => report.true_positives += 1,
            (true, false) => report.false_negatives += 1,
            (false, true) => report.false_positives += 1,
            (false, false) => {}
        }
        if item.category == "hard-negative" {
            report.hard_negatives += 1;
            report.hard_negative_alarms += usize::from(!right);
        }
        if expect_pos && got_pos && spec.kinds.contains(&item.category) {
            report.kind_checked += 1;
            report.kind_matched += usize::from(got.kinds.contains(&item.category));
        }
        let at = match report.rows.iter().position(|r| r.expect == item.expect && r.category == item.category) {
            Some(at) => at,
            None => {
                report.rows.push(Row {
                    expect: item.expect.clone(),
                    category: item.category.clone(),
                    n: 0,
                    hits: 0,
                    positive: expect_pos,
                });
                report.rows.len() - 1
            }
        };
        report.rows[at].n += 1;
        report.rows[at].hits += usize::from(right);
        if !right {
            report.misses.push(Miss { item: item.clone(), got });
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: &str = "# a comment\n\nflag | direct | I want to die\n\
                       flag | indirect | I can't go on | really\n\
                       none | hard-negative | this deadline is killing me\n\
                       none | hard-negative | my phone is dead\n";

    #[test]
    fn parses_lines_with_numbers_and_keeps_bars_in_sentences() {
        let set = parse_set(SET).unwrap();
        assert_eq!(set.len(), 4);
        assert_eq!(set[0].line, 3);
        assert_eq!(set[1].text, "I can't go on | really");
        assert_eq!(set[3].category, "hard-negative");
    }

    #[test]
    fn bad_lines_are_named() {
        for (text, needle) in [
            ("flag | direct | ok\nflag | direct\n", "line 2: expected"),
            ("Flag | direct | x\n", "line 1: the expect \"Flag\""),
            ("flag | hard negative | x\n", "the category"),
            ("flag | direct |   \n", "line 1: the sentence is empty"),
        ] {
            let err = parse_set(text).unwrap_err();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn counts_recall_precision_and_false_alarms() {
        let set = parse_set(SET).unwrap();
        // Flags "die" and "phone": one hit, one miss, one false alarm.
        let check = |t: &str| Outcome::new(if t.contains("die") || t.contains("phone") { "flag" } else { "none" });
        let r = evaluate(&set, &Spec::crisis(), check).unwrap();
        assert_eq!((r.true_positives, r.false_negatives, r.false_positives), (1, 1, 1));
        assert!((r.recall() - 0.5).abs() < 1e-9);
        assert!((r.precision() - 0.5).abs() < 1e-9);
        assert_eq!(r.hard_negative_false_alarm_rate(), Some(0.5));
        assert_eq!(r.recall_where(|c| c == "direct"), Some(1.0));
        assert_eq!(r.recall_where(|c| c != "direct"), Some(0.0));
        assert_eq!(r.misses.iter().map(|m| m.item.line).collect::<Vec<_>>(), vec![4, 6]);
        let table = r.table();
        assert!(table.contains("hard-negative") && table.contains("50.0%"), "{table}");
        assert!(r.misses_table().contains("line    6: expected none (hard-negative), got flag"));
    }

    #[test]
    fn kind_match_and_unknown_expectations() {
        let set = parse_set("abuse | strangulation | he choked me\nabuse | monitoring | he reads my texts\n").unwrap();
        let check = |_: &str| Outcome::new("abuse").with_kinds(["strangulation"]);
        let spec = Spec {
            positive: "abuse".into(),
            expects: vec!["abuse".into()],
            kinds: vec!["strangulation".into(), "monitoring".into()],
        };
        let r = evaluate(&set, &spec, check).unwrap();
        assert_eq!((r.kind_checked, r.kind_matched), (2, 1));
        let bad = parse_set("flagged | direct | x\n").unwrap();
        let err = evaluate(&bad, &Spec::crisis(), |_| Outcome::new("none")).unwrap_err();
        assert!(err.contains("line 1") && err.contains("flagged"), "{err}");
    }
}

/// Parts of words that keep a comment out of the ordinary-writing measure:
/// it may really be about harm, and that measure is about everyday words.
pub const NEAR_HARM: &[&str] = &[
    "suicid",
    "kill",
    "die",
    "dying",
    "dead",
    "death",
    "alive",
    "live",
    "living",
    "hurt",
    "harm",
    "cut",
    "bleed",
    "blood",
    "pill",
    "overdos",
    "hang",
    "jump",
    "bridge",
    "gun",
    "knife",
    "shoot",
    "weapon",
    "hit",
    "punch",
    "slap",
    "kick",
    "chok",
    "strangl",
    "throat",
    "rape",
    "abus",
    "threat",
    "beat",
    "bruis",
    "push",
    "shov",
    "hate my",
    "hate me",
    "worthless",
    "burden",
    "end it",
    "gone",
    "disappear",
    "goodbye",
    "hopeless",
    "pointless",
    "control",
    "phone",
    "money",
    "track",
    "monitor",
    "isolat",
    "friends",
    "stupid",
    "useless",
    "crazy",
    "insane",
    "liar",
    "cheat",
    "slut",
    "whore",
    "bitch",
];

/// The comments of a GoEmotions file (`text<TAB>labels<TAB>id` per line)
/// with no word near harm.
pub fn ordinary_comments(tsv: &str) -> Vec<&str> {
    tsv.lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|t| {
            let lower = t.to_lowercase();
            !NEAR_HARM.iter().any(|w| lower.contains(w))
        })
        .collect()
}

/// How often the safety checks speak up on ordinary writing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ordinary {
    /// Texts read.
    pub texts: usize,
    /// Texts with crisis noticed.
    pub crisis: usize,
    /// Texts with abuse of the writer noticed.
    pub abuse: usize,
    /// Texts where the sentence reader noticed either.
    pub by_reader: usize,
}

impl Ordinary {
    /// Reads each text as one entry, with the rules and the reader.
    pub fn measure(texts: &[&str]) -> Result<Ordinary, String> {
        let mut out = Ordinary { texts: texts.len(), ..Ordinary::default() };
        for text in texts {
            let (c, a) = crate::assess_safety(text);
            let (c, a) = (c.map_err(|e| e.to_string())?, a.map_err(|e| e.to_string())?);
            out.crisis += usize::from(c.is_flagged());
            out.abuse += usize::from(a.is_flagged());
            let read = |rule: &str| rule == crate::reader::RULE;
            out.by_reader +=
                usize::from(c.matches.iter().any(|m| read(&m.rule)) || a.findings.iter().any(|f| read(&f.rule)));
        }
        Ok(out)
    }

    /// `n` as a share of the texts read, in percent.
    pub fn percent(&self, n: usize) -> f64 {
        if self.texts == 0 { 0.0 } else { 100.0 * n as f64 / self.texts as f64 }
    }
}
