//! A questionnaire ("instrument") as a data file, and the checks that make
//! it safe to score.
//!
//! The format, in TOML:
//!
//! ```toml
//! id = "closeness-and-distance"     # lower-case-dashed; never changed once shipped
//! title = "Closeness and distance"
//! version = 1                        # raise it when items or scoring change
//! intro = "What this is for … not a diagnosis."
//! stem = "How true is this for you?" # optional, shown above each item
//! reverse_keyed = ["q3"]             # optional: the scoring key's reversed items
//! norms_source = "…"                 # optional: where the norms below come from
//!
//! [scale]
//! points = 7                         # 2 to 11 answer points
//! first = 1                          # value of the first point (default 1)
//! anchors = { 1 = "Not at all true", 7 = "Very true" }   # both ends at least
//!
//! [[item]]
//! id = "q1"
//! text = "…"
//! subscale = "anxiety"
//! reverse = true                     # optional (or list it in reverse_keyed)
//!
//! [[subscale]]
//! id = "anxiety"
//! name = "Worry about closeness"
//! about = "A short explanation of what the score means."
//! score = "mean"                     # or "sum" (missing answers are prorated)
//! min_answered = 0.75                # share of its items needed for a score (default 0.8)
//! source = "attachment"              # optional link to the framework: `source` or `sign`
//! [[subscale.band]]                  # optional; together they cover every possible score
//! from = 1.0
//! to = 3.0
//! label = "lower"
//! text = "…"
//!
//! [norms.anxiety]                    # optional: mean and SD of a reference group
//! mean = 3.6
//! sd = 1.1
//!
//! [axes]                             # optional: show two subscales as a point
//! x = "avoidance"
//! y = "anxiety"
//! about = "…"
//! [[axes.region]]                    # exactly four: each (x, y) of low/high once
//! x = "low"
//! y = "low"
//! name = "…"
//! text = "…"
//! ```
//!
//! [`Instrument::parse`] checks all of it and reports every problem at once,
//! each with its line, a stable kind ([`ProblemKind`]), what is wrong and how
//! to fix it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::closest;
use crate::vocab::{Sign, Source};

/// Largest instrument file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 512 * 1024;
/// Most items in one instrument.
pub const MAX_ITEMS: usize = 300;
/// Longest single text (item, band, intro), in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Default share of a subscale's items that must be answered for a score.
pub const DEFAULT_MIN_ANSWERED: f64 = 0.8;
/// Tolerance when comparing band edges.
const EPS: f64 = 1e-9;

/// A checked questionnaire.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instrument {
    /// Stable id ("closeness-and-distance").
    pub id: String,
    /// Title shown to the person.
    pub title: String,
    /// Raised whenever items or scoring change; stored with every result.
    pub version: u32,
    /// What it is for, shown before the first item.
    pub intro: String,
    /// Shown above each item ("Over the last two weeks, how often …").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stem: Option<String>,
    /// The answer scale shared by every item.
    pub scale: Scale,
    /// Items in the order they are asked.
    pub items: Vec<Item>,
    /// Subscales in the order they are shown.
    pub subscales: Vec<Subscale>,
    /// Where the norms come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norms_source: Option<String>,
    /// Two subscales shown as a point on two axes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axes: Option<Axes>,
}

/// The answer scale: `points` whole numbers from `first` up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scale {
    /// Value of the first answer point.
    pub first: i32,
    /// Number of answer points (2 to 11).
    pub points: u32,
    /// Labels of some points (at least both ends), by value.
    pub anchors: BTreeMap<i32, String>,
}

impl Scale {
    /// Value of the last answer point.
    pub fn last(&self) -> i32 {
        self.first.saturating_add(i32::try_from(self.points).unwrap_or(1)).saturating_sub(1)
    }

    /// Every answer value, low to high.
    pub fn values(&self) -> impl Iterator<Item = i32> + use<> {
        self.first..=self.last()
    }

    /// Whether `value` is a point of the scale.
    pub fn contains(&self, value: i32) -> bool {
        (self.first..=self.last()).contains(&value)
    }

    /// The label of a point, if it has one.
    pub fn label(&self, value: i32) -> Option<&str> {
        self.anchors.get(&value).map(String::as_str)
    }

    /// The value mirrored on the scale (reverse keying): first ↔ last.
    pub fn reverse(&self, value: i32) -> i32 {
        self.first + self.last() - value
    }
}

/// One question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stable id within the instrument; answers are stored by it.
    pub id: String,
    /// The statement or question.
    pub text: String,
    /// The subscale it counts toward.
    pub subscale: String,
    /// Scored the other way round (a high answer means less of the subscale).
    pub reverse: bool,
}

/// How a subscale's items are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    /// The mean of the answered items.
    Mean,
    /// The sum of the items; with missing answers, the mean × the number of items.
    Sum,
}

/// A link from a subscale to the framework's vocabularies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Link {
    /// The subscale measures one source.
    Source(Source),
    /// The subscale measures one sign.
    Sign(Sign),
}

/// A group of items scored together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Subscale {
    /// Stable id within the instrument.
    pub id: String,
    /// Name shown to the person.
    pub name: String,
    /// A short explanation of what the score means.
    pub about: String,
    /// Mean or sum.
    pub score: Aggregate,
    /// Share of its items (0 < share ≤ 1) that must be answered for a score.
    pub min_answered: f64,
    /// What in the framework it measures, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// Reference group, for z-scores and percentiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norm: Option<Norm>,
    /// Interpretation bands, low to high, covering every possible score.
    pub bands: Vec<Band>,
}

/// Mean and standard deviation of a reference group.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Norm {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (> 0).
    pub sd: f64,
}

/// A range of scores with a plain-words reading. `from` is inclusive, `to`
/// exclusive, except for the highest band, which includes its `to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Band {
    /// Lowest score in the band.
    pub from: f64,
    /// Upper edge.
    pub to: f64,
    /// A short label ("lower", "in the middle").
    pub label: String,
    /// What it may mean, in plain words.
    pub text: String,
}

/// Low or high on one axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Below the split.
    Low,
    /// At or above the split.
    High,
}

/// Two subscales drawn as a point, and what the four regions mean.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axes {
    /// Subscale on the horizontal axis.
    pub x: String,
    /// Subscale on the vertical axis.
    pub y: String,
    /// Where low turns into high on x (default: the middle of the range).
    pub x_split: f64,
    /// Where low turns into high on y.
    pub y_split: f64,
    /// How to read the picture.
    pub about: String,
    /// The four regions, each (x, y) side once.
    pub regions: Vec<Region>,
}

/// One of the four regions of [`Axes`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    /// Side on x.
    pub x: Side,
    /// Side on y.
    pub y: Side,
    /// A short name.
    pub name: String,
    /// What it may mean.
    pub text: String,
}

/// What is wrong with an instrument file: a stable code for scripts and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// Not valid TOML, or a value of the wrong type.
    Syntax,
    /// A field the format does not have (often a typo).
    UnknownField,
    /// A required field is missing.
    MissingField,
    /// A text is empty or only spaces.
    EmptyText,
    /// A text is longer than [`MAX_TEXT_CHARS`], or the file too big.
    TooLarge,
    /// An id with characters other than letters, digits, `-` and `_`.
    BadId,
    /// The version is not a positive whole number.
    BadVersion,
    /// Two items, subscales or regions share an id.
    DuplicateId,
    /// The scale itself is impossible (points, first value).
    ScaleInvalid,
    /// Something does not fit the scale (an anchor outside it, a missing end label).
    ScaleMismatch,
    /// The instrument has no items.
    NoItems,
    /// An item names no subscale.
    ItemWithoutSubscale,
    /// An item (or axis, or rule) names a subscale that is not defined.
    UnknownSubscale,
    /// A subscale has no items.
    SubscaleWithoutItems,
    /// `reverse_keyed` names an item that does not exist.
    ReverseUnknownItem,
    /// An item says `reverse = false` but `reverse_keyed` lists it.
    ReverseConflict,
    /// `min_answered` is not a share above 0 and at most 1.
    MinAnsweredOutOfRange,
    /// `score` is neither "mean" nor "sum".
    BadAggregate,
    /// A band's `from` is not below its `to`.
    BandInvalid,
    /// Some possible scores fall in no band.
    BandGap,
    /// Two bands cover the same scores.
    BandOverlap,
    /// A band reaches outside the possible scores.
    BandOutsideRange,
    /// `norms` names a subscale that is not defined.
    NormsUnknownSubscale,
    /// A norm's SD is not above 0, or a value is not a finite number.
    NormsInvalid,
    /// `source` or `sign` is not one of the framework's ids.
    UnknownVocabulary,
    /// The axes are incomplete or inconsistent.
    AxesInvalid,
}

impl ProblemKind {
    /// The stable code ("item-without-subscale").
    pub fn code(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::UnknownField => "unknown-field",
            Self::MissingField => "missing-field",
            Self::EmptyText => "empty-text",
            Self::TooLarge => "too-large",
            Self::BadId => "bad-id",
            Self::BadVersion => "bad-version",
            Self::DuplicateId => "duplicate-id",
            Self::ScaleInvalid => "scale-invalid",
            Self::ScaleMismatch => "scale-mismatch",
            Self::NoItems => "no-items",
            Self::ItemWithoutSubscale => "item-without-subscale",
            Self::UnknownSubscale => "unknown-subscale",
            Self::SubscaleWithoutItems => "subscale-without-items",
            Self::ReverseUnknownItem => "reverse-unknown-item",
            Self::ReverseConflict => "reverse-conflict",
            Self::MinAnsweredOutOfRange => "min-answered-out-of-range",
            Self::BadAggregate => "bad-aggregate",
            Self::BandInvalid => "band-invalid",
            Self::BandGap => "band-gap",
            Self::BandOverlap => "band-overlap",
            Self::BandOutsideRange => "band-outside-range",
            Self::NormsUnknownSubscale => "norms-unknown-subscale",
            Self::NormsInvalid => "norms-invalid",
            Self::UnknownVocabulary => "unknown-vocabulary",
            Self::AxesInvalid => "axes-invalid",
        }
    }
}

/// One problem, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The line in the file (1-based), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Which part ("item 'q3'", "subscale 'anxiety', band 2", "[scale]").
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.place.is_empty() {
            write!(f, "{}: ", self.place)?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one instrument file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct InstrumentError {
    /// The file, as the caller named it.
    pub file: String,
    /// At least one problem, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for InstrumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not a valid questionnaire: ", self.file)?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl InstrumentError {
    /// The problem kinds, in order (for tests and scripts).
    pub fn kinds(&self) -> Vec<ProblemKind> {
        self.problems.iter().map(|p| p.kind).collect()
    }
}

// ---- the file as written ----------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    id: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    version: Option<Spanned<i64>>,
    intro: Option<Spanned<String>>,
    stem: Option<Spanned<String>>,
    scale: Option<Spanned<RawScale>>,
    #[serde(default)]
    reverse_keyed: Vec<Spanned<String>>,
    #[serde(default, rename = "item")]
    items: Vec<Spanned<RawItem>>,
    #[serde(default, rename = "subscale")]
    subscales: Vec<Spanned<RawSubscale>>,
    #[serde(default)]
    norms: BTreeMap<String, Spanned<RawNorm>>,
    norms_source: Option<Spanned<String>>,
    axes: Option<Spanned<RawAxes>>,
}

/// A top-level value and where it starts.
fn sp<T>(v: &Option<Spanned<T>>) -> (Option<&T>, Option<usize>) {
    match v {
        Some(s) => (Some(s.get_ref()), Some(s.span().start)),
        None => (None, None),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    points: Option<i64>,
    first: Option<i64>,
    #[serde(default)]
    anchors: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<String>,
    text: Option<String>,
    subscale: Option<String>,
    reverse: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubscale {
    id: Option<String>,
    name: Option<String>,
    about: Option<String>,
    score: Option<String>,
    min_answered: Option<f64>,
    source: Option<String>,
    sign: Option<String>,
    #[serde(default, rename = "band")]
    bands: Vec<Spanned<RawBand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    from: Option<f64>,
    to: Option<f64>,
    label: Option<String>,
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNorm {
    mean: Option<f64>,
    sd: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxes {
    x: Option<String>,
    y: Option<String>,
    x_split: Option<f64>,
    y_split: Option<f64>,
    about: Option<String>,
    #[serde(default, rename = "region")]
    regions: Vec<Spanned<RawRegion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    x: Option<String>,
    y: Option<String>,
    name: Option<String>,
    text: Option<String>,
}

/// Collects problems with their lines.
struct Checker<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        let end = (0..=end).rev().find(|&i| self.text.is_char_boundary(i)).unwrap_or(0);
        self.text[..end].matches('\n').count() + 1
    }

    fn push(&mut self, kind: ProblemKind, at: Option<usize>, place: &str, message: String, hint: Option<String>) {
        let line = at.map(|o| self.line_of(o));
        self.problems.push(Problem { kind, line, place: place.to_string(), message, hint });
    }

    /// A required, non-empty text (trimmed).
    fn text_field(&mut self, value: Option<&String>, at: Option<usize>, place: &str, field: &str) -> String {
        match value {
            None => {
                self.push(
                    ProblemKind::MissingField,
                    at,
                    place,
                    format!("`{field}` is missing"),
                    Some(format!("add {field} = \"…\"")),
                );
                String::new()
            }
            Some(v) => self.check_text(v, at, place, field),
        }
    }

    /// An optional text: if given, it must not be empty.
    fn optional_text(&mut self, value: Option<&String>, at: Option<usize>, place: &str, field: &str) -> Option<String> {
        value.map(|v| self.check_text(v, at, place, field))
    }

    fn check_text(&mut self, value: &str, at: Option<usize>, place: &str, field: &str) -> String {
        let t = value.trim();
        if t.is_empty() {
            self.push(
                ProblemKind::EmptyText,
                at,
                place,
                format!("`{field}` is empty"),
                Some(format!("write the {field}, or remove the line if it is optional")),
            );
        } else if t.chars().count() > MAX_TEXT_CHARS {
            self.push(
                ProblemKind::TooLarge,
                at,
                place,
                format!("`{field}` is longer than {MAX_TEXT_CHARS} characters"),
                Some("shorten it".into()),
            );
        }
        t.to_string()
    }

    fn id_field(&mut self, value: Option<&String>, at: Option<usize>, place: &str, field: &str) -> String {
        let Some(v) = value else {
            self.push(
                ProblemKind::MissingField,
                at,
                place,
                format!("`{field}` is missing"),
                Some(format!("add {field} = \"…\" (letters, digits, - and _)")),
            );
            return String::new();
        };
        let v = v.trim();
        if !valid_id(v) {
            self.push(
                ProblemKind::BadId,
                at,
                place,
                format!("`{field}` '{v}' is not a usable id"),
                Some("use 1 to 64 letters, digits, '-' or '_'".into()),
            );
        }
        v.to_string()
    }
}

/// Ids: 1–64 ASCII letters, digits, `-`, `_`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Instrument {
    /// Parses and checks an instrument file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Instrument, InstrumentError> {
        let fail = |kind, line, message: String, hint: Option<String>| InstrumentError {
            file: file.to_string(),
            problems: vec![Problem { kind, line, place: String::new(), message, hint }],
        };
        if text.len() > MAX_FILE_BYTES {
            return Err(fail(
                ProblemKind::TooLarge,
                None,
                format!("the file is larger than {} KiB", MAX_FILE_BYTES / 1024),
                Some("a questionnaire file is a few kilobytes; check that this is the right file".into()),
            ));
        }
        let raw: RawInstrument = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let mut c = Checker { text, problems: Vec::new() };
                let line = e.span().map(|s| c.line_of(s.start));
                let message = e.message().trim().to_string();
                let (kind, hint) = if message.starts_with("unknown field") {
                    (
                        ProblemKind::UnknownField,
                        Some("check the spelling against the format in the documentation".into()),
                    )
                } else {
                    (ProblemKind::Syntax, Some("check the TOML syntax: quotes, brackets, `key = value`".into()))
                };
                c.problems.push(Problem { kind, line, place: String::new(), message, hint });
                return Err(InstrumentError { file: file.to_string(), problems: c.problems });
            }
        };
        let mut c = Checker { text, problems: Vec::new() };
        let instrument = build(raw, &mut c);
        if c.problems.is_empty() {
            Ok(instrument)
        } else {
            c.problems.sort_by_key(|p| p.line.unwrap_or(0));
            Err(InstrumentError { file: file.to_string(), problems: c.problems })
        }
    }

    /// One item by id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// One subscale by id.
    pub fn subscale(&self, id: &str) -> Option<&Subscale> {
        self.subscales.iter().find(|s| s.id == id)
    }

    /// The items of a subscale, in order.
    pub fn items_of<'a>(&'a self, subscale: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.subscale == subscale)
    }

    /// The lowest and highest possible score of a subscale.
    pub fn range(&self, subscale: &Subscale) -> (f64, f64) {
        range_of(&self.scale, subscale.score, self.items_of(&subscale.id).count())
    }
}

fn range_of(scale: &Scale, score: Aggregate, items: usize) -> (f64, f64) {
    let (lo, hi) = (f64::from(scale.first), f64::from(scale.last()));
    match score {
        Aggregate::Mean => (lo, hi),
        Aggregate::Sum => {
            let n = items as f64;
            (lo * n, hi * n)
        }
    }
}

fn build(raw: RawInstrument, c: &mut Checker<'_>) -> Instrument {
    let top = None;
    let (v, at) = sp(&raw.id);
    let id = c.id_field(v, at, "", "id");
    let (v, at) = sp(&raw.title);
    let title = c.text_field(v, at, "", "title");
    let version = match sp(&raw.version) {
        (None, _) => {
            c.push(
                ProblemKind::MissingField,
                top,
                "",
                "`version` is missing".into(),
                Some("add version = 1 (raise it whenever items or scoring change)".into()),
            );
            0
        }
        (Some(&v), at) => match u32::try_from(v) {
            Ok(v) if v >= 1 => v,
            _ => {
                c.push(
                    ProblemKind::BadVersion,
                    at,
                    "",
                    format!("version {v} is not a positive whole number"),
                    Some("use 1 for a first version, and raise it whenever items or scoring change".into()),
                );
                0
            }
        },
    };
    let (v, at) = sp(&raw.intro);
    let intro = c.text_field(v, at, "", "intro");
    let (v, at) = sp(&raw.stem);
    let stem = c.optional_text(v, at, "", "stem");
    let (v, at) = sp(&raw.norms_source);
    let norms_source = c.optional_text(v, at, "", "norms_source");

    let scale = build_scale(raw.scale.as_ref(), c);

    // Subscales first, so items can be checked against them.
    let mut subscales = Vec::new();
    let mut subscale_spans = Vec::new();
    for (n, s) in raw.subscales.iter().enumerate() {
        let at = Some(s.span().start);
        let place = match &s.get_ref().id {
            Some(id) => format!("subscale '{}'", id.trim()),
            None => format!("subscale {}", n + 1),
        };
        let built = build_subscale(s.get_ref(), at, &place, c);
        if subscales.iter().any(|x: &Subscale| x.id == built.id && !built.id.is_empty()) {
            c.push(
                ProblemKind::DuplicateId,
                at,
                &place,
                format!("the subscale id '{}' is used twice", built.id),
                Some("give each subscale its own id".into()),
            );
        }
        subscale_spans.push((s.span().start, s.get_ref().bands.iter().map(|b| b.span().start).collect::<Vec<_>>()));
        subscales.push(built);
    }
    let subscale_ids: Vec<String> = subscales.iter().map(|s| s.id.clone()).collect();
    let known_subscales = || subscale_ids.join(", ");

    if raw.items.is_empty() {
        c.push(
            ProblemKind::NoItems,
            top,
            "",
            "the questionnaire has no items".into(),
            Some("add at least one [[item]] with id, text and subscale".into()),
        );
    }
    if raw.items.len() > MAX_ITEMS {
        c.push(
            ProblemKind::TooLarge,
            top,
            "",
            format!("{} items is more than the {MAX_ITEMS} attune accepts", raw.items.len()),
            Some("split it into several questionnaires".into()),
        );
    }
    let mut items: Vec<Item> = Vec::new();
    let mut item_spans = Vec::new();
    for (n, it) in raw.items.iter().enumerate() {
        let at = Some(it.span().start);
        let r = it.get_ref();
        let place = match &r.id {
            Some(id) => format!("item '{}' (item {})", id.trim(), n + 1),
            None => format!("item {}", n + 1),
        };
        let id = c.id_field(r.id.as_ref(), at, &place, "id");
        let text = c.text_field(r.text.as_ref(), at, &place, "text");
        let subscale = match &r.subscale {
            None => {
                c.push(
                    ProblemKind::ItemWithoutSubscale,
                    at,
                    &place,
                    "has no subscale".into(),
                    Some(if subscale_ids.is_empty() {
                        "add subscale = \"…\" and define that subscale with [[subscale]]".into()
                    } else {
                        format!("add subscale = \"…\" naming one of: {}", known_subscales())
                    }),
                );
                String::new()
            }
            Some(s) => {
                let s = s.trim().to_string();
                if !subscale_ids.contains(&s) {
                    let hint = match closest(&s, subscale_ids.iter().map(String::as_str)) {
                        Some(near) => format!("did you mean '{near}'? Defined subscales: {}", known_subscales()),
                        None if subscale_ids.is_empty() => "define it with [[subscale]] id = \"…\"".into(),
                        None => format!("defined subscales: {}", known_subscales()),
                    };
                    c.push(
                        ProblemKind::UnknownSubscale,
                        at,
                        &place,
                        format!("names the subscale '{s}', which is not defined"),
                        Some(hint),
                    );
                }
                s
            }
        };
        if !id.is_empty() && items.iter().any(|x| x.id == id) {
            c.push(
                ProblemKind::DuplicateId,
                at,
                &place,
                format!("the item id '{id}' is used twice"),
                Some("give each item its own id; answers are stored by it".into()),
            );
        }
        item_spans.push((at, r.reverse));
        items.push(Item { id, text, subscale, reverse: r.reverse.unwrap_or(false) });
    }

    // The scoring key's list of reversed items.
    let mut listed = BTreeSet::new();
    for spanned in &raw.reverse_keyed {
        let name = spanned.get_ref().trim();
        let listed_at = Some(spanned.span().start);
        match items.iter().position(|i| i.id == name) {
            None => {
                let hint = match closest(name, items.iter().map(|i| i.id.as_str())) {
                    Some(near) => format!("did you mean '{near}'? reverse_keyed must list item ids"),
                    None => "reverse_keyed must list ids of items defined with [[item]]".into(),
                };
                c.push(
                    ProblemKind::ReverseUnknownItem,
                    listed_at,
                    "reverse_keyed",
                    format!("names the item '{name}', which does not exist"),
                    Some(hint),
                );
            }
            Some(k) => {
                if !listed.insert(name.to_string()) {
                    continue;
                }
                let (at, explicit) = item_spans[k];
                if explicit == Some(false) {
                    c.push(
                        ProblemKind::ReverseConflict,
                        at,
                        &format!("item '{name}'"),
                        "says reverse = false, but reverse_keyed lists it".into(),
                        Some("decide once: remove reverse = false, or take it out of reverse_keyed".into()),
                    );
                }
                items[k].reverse = true;
            }
        }
    }

    // Subscales: items, ranges, bands.
    for (k, s) in subscales.iter().enumerate() {
        let (at, band_starts) = &subscale_spans[k];
        let place = format!("subscale '{}'", s.id);
        let n = items.iter().filter(|i| i.subscale == s.id).count();
        if n == 0 && !s.id.is_empty() {
            c.push(
                ProblemKind::SubscaleWithoutItems,
                Some(*at),
                &place,
                "has no items".into(),
                Some(format!("add items with subscale = \"{}\", or remove the subscale", s.id)),
            );
            continue;
        }
        if let Some(scale) = &scale {
            check_bands(s, range_of(scale, s.score, n), band_starts, &place, c);
        }
    }

    // Norms.
    for (name, norm) in &raw.norms {
        let at = Some(norm.span().start);
        let place = format!("norms.{name}");
        let Some(k) = subscales.iter().position(|s| &s.id == name) else {
            let hint = match closest(name, subscale_ids.iter().map(String::as_str)) {
                Some(near) => format!("did you mean '{near}'? Norms are given per subscale id"),
                None => format!("norms are given per subscale id: {}", known_subscales()),
            };
            c.push(
                ProblemKind::NormsUnknownSubscale,
                at,
                &place,
                format!("'{name}' is not a subscale of this questionnaire"),
                Some(hint),
            );
            continue;
        };
        let r = norm.get_ref();
        match (r.mean, r.sd) {
            (Some(mean), Some(sd)) if mean.is_finite() && sd.is_finite() && sd > 0.0 => {
                subscales[k].norm = Some(Norm { mean, sd });
            }
            (Some(_), Some(sd)) => c.push(
                ProblemKind::NormsInvalid,
                at,
                &place,
                format!("sd {sd} must be a number above 0 (and mean a finite number)"),
                Some("copy mean and sd from the norm table of the published scoring key".into()),
            ),
            _ => c.push(
                ProblemKind::MissingField,
                at,
                &place,
                "needs both `mean` and `sd`".into(),
                Some("write mean = … and sd = …".into()),
            ),
        }
    }

    let axes = raw.axes.as_ref().and_then(|a| build_axes(a, &subscales, &items, scale.as_ref(), c));

    Instrument {
        id,
        title,
        version,
        intro,
        stem,
        scale: scale.unwrap_or(Scale { first: 1, points: 2, anchors: BTreeMap::new() }),
        items,
        subscales,
        norms_source,
        axes,
    }
}

fn build_scale(raw: Option<&Spanned<RawScale>>, c: &mut Checker<'_>) -> Option<Scale> {
    let Some(spanned) = raw else {
        c.push(
            ProblemKind::MissingField,
            Some(0),
            "",
            "the [scale] section is missing".into(),
            Some("add [scale] with points = 7 and anchors = { 1 = \"…\", 7 = \"…\" }".into()),
        );
        return None;
    };
    let at = Some(spanned.span().start);
    let r = spanned.get_ref();
    let place = "[scale]";
    let points = match r.points {
        None => {
            c.push(
                ProblemKind::MissingField,
                at,
                place,
                "`points` is missing".into(),
                Some("add points = N, the number of answer choices (2 to 11)".into()),
            );
            return None;
        }
        Some(p) if (2..=11).contains(&p) => p as u32,
        Some(p) => {
            c.push(
                ProblemKind::ScaleInvalid,
                at,
                place,
                format!("points = {p} is not between 2 and 11"),
                Some("use the number of answer choices, e.g. 5 or 7".into()),
            );
            return None;
        }
    };
    let first = match r.first.unwrap_or(1) {
        f if (-100..=100).contains(&f) => f as i32,
        f => {
            c.push(
                ProblemKind::ScaleInvalid,
                at,
                place,
                format!("first = {f} is not between -100 and 100"),
                Some("the first answer is usually 0 or 1".into()),
            );
            return None;
        }
    };
    let mut scale = Scale { first, points, anchors: BTreeMap::new() };
    let mut ok = true;
    for (key, label) in &r.anchors {
        let Ok(value) = key.trim().parse::<i32>() else {
            c.push(
                ProblemKind::ScaleMismatch,
                at,
                place,
                format!("the anchor key '{key}' is not a whole number"),
                Some("write anchors as { 1 = \"label\", 7 = \"label\" }".into()),
            );
            ok = false;
            continue;
        };
        if !scale.contains(value) {
            c.push(
                ProblemKind::ScaleMismatch,
                at,
                place,
                format!(
                    "the anchor {value} is outside the {points}-point scale, which runs from {first} to {}",
                    scale.last()
                ),
                Some(format!("label only values from {first} to {}, or change points/first", scale.last())),
            );
            ok = false;
            continue;
        }
        let label = c.check_text(label, at, place, &format!("anchor {value}"));
        scale.anchors.insert(value, label);
    }
    if ok {
        for (end, which) in [(scale.first, "lowest"), (scale.last(), "highest")] {
            if !scale.anchors.contains_key(&end) {
                c.push(
                    ProblemKind::ScaleMismatch,
                    at,
                    place,
                    format!("the {which} answer ({end}) has no anchor label"),
                    Some(format!("add {end} = \"…\" to anchors, so the direction of the scale is clear")),
                );
            }
        }
    }
    Some(scale)
}

fn build_subscale(r: &RawSubscale, at: Option<usize>, place: &str, c: &mut Checker<'_>) -> Subscale {
    let id = c.id_field(r.id.as_ref(), at, place, "id");
    let name = c.text_field(r.name.as_ref(), at, place, "name");
    let about = c.text_field(r.about.as_ref(), at, place, "about");
    let score = match r.score.as_deref().map(str::trim) {
        None | Some("mean") => Aggregate::Mean,
        Some("sum") => Aggregate::Sum,
        Some(other) => {
            c.push(
                ProblemKind::BadAggregate,
                at,
                place,
                format!("score = \"{other}\" is not a way to combine items"),
                Some("use score = \"mean\" or score = \"sum\"".into()),
            );
            Aggregate::Mean
        }
    };
    let min_answered = match r.min_answered {
        None => DEFAULT_MIN_ANSWERED,
        Some(m) if m > 0.0 && m <= 1.0 => m,
        Some(m) => {
            c.push(
                ProblemKind::MinAnsweredOutOfRange,
                at,
                place,
                format!("min_answered = {m} is not a share above 0 and at most 1"),
                Some("write the share of items that must be answered, e.g. 0.75 for three in four".into()),
            );
            DEFAULT_MIN_ANSWERED
        }
    };
    let link = match (&r.source, &r.sign) {
        (Some(_), Some(_)) => {
            c.push(
                ProblemKind::UnknownVocabulary,
                at,
                place,
                "has both `source` and `sign`".into(),
                Some("link a subscale to one source or one sign, not both".into()),
            );
            None
        }
        (Some(s), None) => match s.parse::<Source>() {
            Ok(s) => Some(Link::Source(s)),
            Err(e) => {
                c.push(
                    ProblemKind::UnknownVocabulary,
                    at,
                    place,
                    format!("source '{s}' is not one of the five sources"),
                    Some(vocab_hint(e.suggestion.as_deref(), &e.known)),
                );
                None
            }
        },
        (None, Some(s)) => match s.parse::<Sign>() {
            Ok(s) => Some(Link::Sign(s)),
            Err(e) => {
                c.push(
                    ProblemKind::UnknownVocabulary,
                    at,
                    place,
                    format!("sign '{s}' is not one of the five signs"),
                    Some(vocab_hint(e.suggestion.as_deref(), &e.known)),
                );
                None
            }
        },
        (None, None) => None,
    };
    let mut bands = Vec::new();
    for (n, b) in r.bands.iter().enumerate() {
        let bat = Some(b.span().start);
        let bplace = format!("{place}, band {}", n + 1);
        let rb = b.get_ref();
        let label = c.text_field(rb.label.as_ref(), bat, &bplace, "label");
        let text = c.text_field(rb.text.as_ref(), bat, &bplace, "text");
        let (from, to) = match (rb.from, rb.to) {
            (Some(f), Some(t)) if f.is_finite() && t.is_finite() => (f, t),
            _ => {
                c.push(
                    ProblemKind::MissingField,
                    bat,
                    &bplace,
                    "needs `from` and `to` (numbers)".into(),
                    Some("write from = … and to = … in the subscale's score units".into()),
                );
                continue;
            }
        };
        bands.push(Band { from, to, label, text });
    }
    Subscale { id, name, about, score, min_answered, link, norm: None, bands }
}

fn vocab_hint(suggestion: Option<&str>, known: &[&str]) -> String {
    match suggestion {
        Some(s) => format!("did you mean '{s}'? Known: {}", known.join(", ")),
        None => format!("known: {}", known.join(", ")),
    }
}

fn check_bands(s: &Subscale, (lo, hi): (f64, f64), starts: &[usize], place: &str, c: &mut Checker<'_>) {
    if s.bands.is_empty() {
        return;
    }
    let at = |k: usize| starts.get(k).copied();
    let mut order: Vec<usize> = (0..s.bands.len()).collect();
    order.sort_by(|&a, &b| s.bands[a].from.total_cmp(&s.bands[b].from));
    let mut ok = true;
    for &k in &order {
        let b = &s.bands[k];
        let bplace = format!("{place}, band {}", k + 1);
        if b.from >= b.to {
            c.push(
                ProblemKind::BandInvalid,
                at(k),
                &bplace,
                format!("from = {} is not below to = {}", num(b.from), num(b.to)),
                Some("each band runs from a lower score to a higher one".into()),
            );
            ok = false;
        } else if b.from < lo - EPS || b.to > hi + EPS {
            c.push(
                ProblemKind::BandOutsideRange,
                at(k),
                &bplace,
                format!(
                    "runs from {} to {}, but scores on this subscale can only be {} to {}",
                    num(b.from),
                    num(b.to),
                    num(lo),
                    num(hi)
                ),
                Some(format!("keep bands between {} and {}", num(lo), num(hi))),
            );
            ok = false;
        }
    }
    if !ok {
        return;
    }
    let first = &s.bands[order[0]];
    if first.from > lo + EPS {
        c.push(
            ProblemKind::BandGap,
            at(order[0]),
            place,
            format!("no band covers scores from {} to {}", num(lo), num(first.from)),
            Some(format!("start the lowest band at from = {}", num(lo))),
        );
    }
    for pair in order.windows(2) {
        let (a, b) = (&s.bands[pair[0]], &s.bands[pair[1]]);
        if b.from > a.to + EPS {
            c.push(
                ProblemKind::BandGap,
                at(pair[1]),
                place,
                format!("no band covers scores from {} to {}", num(a.to), num(b.from)),
                Some(format!("let band {} start where band {} ends (from = {})", pair[1] + 1, pair[0] + 1, num(a.to))),
            );
        } else if b.from < a.to - EPS {
            c.push(
                ProblemKind::BandOverlap,
                at(pair[1]),
                place,
                format!(
                    "bands {} and {} overlap: both cover scores from {} to {}",
                    pair[0] + 1,
                    pair[1] + 1,
                    num(b.from),
                    num(a.to.min(b.to))
                ),
                Some(format!("let band {} start at from = {}", pair[1] + 1, num(a.to))),
            );
        }
    }
    let last = &s.bands[order[order.len() - 1]];
    if last.to < hi - EPS {
        c.push(
            ProblemKind::BandGap,
            at(order[order.len() - 1]),
            place,
            format!("no band covers scores from {} to {}", num(last.to), num(hi)),
            Some(format!("end the highest band at to = {}", num(hi))),
        );
    }
}

/// A number without needless decimals: 3, 3.5, 3.25.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn build_axes(
    spanned: &Spanned<RawAxes>,
    subscales: &[Subscale],
    items: &[Item],
    scale: Option<&Scale>,
    c: &mut Checker<'_>,
) -> Option<Axes> {
    let at = Some(spanned.span().start);
    let r = spanned.get_ref();
    let place = "[axes]";
    let about = c.text_field(r.about.as_ref(), at, place, "about");
    let pick = |name: &Option<String>, axis: &str, c: &mut Checker<'_>| -> Option<(String, f64, f64)> {
        let Some(name) = name else {
            c.push(
                ProblemKind::AxesInvalid,
                at,
                place,
                format!("`{axis}` is missing"),
                Some(format!("add {axis} = \"…\" naming a subscale")),
            );
            return None;
        };
        let name = name.trim();
        let Some(s) = subscales.iter().find(|s| s.id == name) else {
            c.push(
                ProblemKind::UnknownSubscale,
                at,
                place,
                format!("{axis} = \"{name}\" is not a subscale of this questionnaire"),
                Some(format!(
                    "defined subscales: {}",
                    subscales.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ")
                )),
            );
            return None;
        };
        let n = items.iter().filter(|i| i.subscale == s.id).count();
        let (lo, hi) = range_of(scale?, s.score, n);
        Some((s.id.clone(), lo, hi))
    };
    let x = pick(&r.x, "x", c);
    let y = pick(&r.y, "y", c);
    let mut regions: Vec<Region> = Vec::new();
    for (n, reg) in r.regions.iter().enumerate() {
        let rat = Some(reg.span().start);
        let rplace = format!("[axes], region {}", n + 1);
        let rr = reg.get_ref();
        let name = c.text_field(rr.name.as_ref(), rat, &rplace, "name");
        let text = c.text_field(rr.text.as_ref(), rat, &rplace, "text");
        let side = |v: &Option<String>, axis: &str, c: &mut Checker<'_>| match v.as_deref().map(str::trim) {
            Some("low") => Some(Side::Low),
            Some("high") => Some(Side::High),
            other => {
                c.push(
                    ProblemKind::AxesInvalid,
                    rat,
                    &rplace,
                    format!("{axis} = {:?} must be \"low\" or \"high\"", other.unwrap_or("")),
                    Some(format!("write {axis} = \"low\" or {axis} = \"high\"")),
                );
                None
            }
        };
        let (Some(sx), Some(sy)) = (side(&rr.x, "x", c), side(&rr.y, "y", c)) else { continue };
        if regions.iter().any(|g| g.x == sx && g.y == sy) {
            c.push(
                ProblemKind::DuplicateId,
                rat,
                &rplace,
                format!("the region x = {sx:?}, y = {sy:?} is described twice").to_lowercase(),
                Some("describe each of the four regions once".into()),
            );
        }
        regions.push(Region { x: sx, y: sy, name, text });
    }
    let missing: Vec<String> = [Side::Low, Side::High]
        .iter()
        .flat_map(|&sx| [Side::Low, Side::High].map(move |sy| (sx, sy)))
        .filter(|(sx, sy)| !regions.iter().any(|g| g.x == *sx && g.y == *sy))
        .map(|(sx, sy)| format!("x {sx:?} / y {sy:?}").to_lowercase())
        .collect();
    if !missing.is_empty() {
        c.push(
            ProblemKind::AxesInvalid,
            at,
            place,
            format!("the four regions are not all described; missing: {}", missing.join(", ")),
            Some("add one [[axes.region]] for each combination of x and y, low and high".into()),
        );
    }
    let (x, y) = (x?, y?);
    let split = |given: Option<f64>, (_, lo, hi): &(String, f64, f64), axis: &str, c: &mut Checker<'_>| {
        let mid = (lo + hi) / 2.0;
        match given {
            None => Some(mid),
            Some(v) if v.is_finite() && v > *lo && v < *hi => Some(v),
            Some(v) => {
                c.push(
                    ProblemKind::AxesInvalid,
                    at,
                    place,
                    format!("{axis}_split = {} is not inside the scores {} to {}", num(v), num(*lo), num(*hi)),
                    Some(format!("leave it out to split at the middle ({})", num(mid))),
                );
                None
            }
        }
    };
    let x_split = split(r.x_split, &x, "x", c)?;
    let y_split = split(r.y_split, &y, "y", c)?;
    regions.sort_by_key(|g| (g.x, g.y));
    Some(Axes { x: x.0, y: y.0, x_split, y_split, about, regions })
}
