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
//!
//! The parts: `problem` (what can be wrong), `raw` (the file as written),
//! `checker` (collects problems with their lines), `parse` (the whole file),
//! `scale`, `subscale` and `axes` (their checks).

mod axes;
mod checker;
mod parse;
mod problem;
mod raw;
mod scale;
mod subscale;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocab::{Sign, Source};

pub use problem::{InstrumentError, Problem, ProblemKind};

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

/// Ids: 1–64 ASCII letters, digits, `-`, `_`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Instrument {
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

/// A number without needless decimals: 3, 3.5, 3.25.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}
