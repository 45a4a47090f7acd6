//! The file as written: every field optional and spanned, so that the
//! checks can name each missing or wrong one with its line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInstrument {
    pub(super) id: Option<Spanned<String>>,
    pub(super) title: Option<Spanned<String>>,
    pub(super) version: Option<Spanned<i64>>,
    pub(super) intro: Option<Spanned<String>>,
    pub(super) stem: Option<Spanned<String>>,
    pub(super) scale: Option<Spanned<RawScale>>,
    #[serde(default)]
    pub(super) reverse_keyed: Vec<Spanned<String>>,
    #[serde(default, rename = "item")]
    pub(super) items: Vec<Spanned<RawItem>>,
    #[serde(default, rename = "subscale")]
    pub(super) subscales: Vec<Spanned<RawSubscale>>,
    #[serde(default)]
    pub(super) norms: BTreeMap<String, Spanned<RawNorm>>,
    pub(super) norms_source: Option<Spanned<String>>,
    pub(super) axes: Option<Spanned<RawAxes>>,
}

/// A top-level value and where it starts.
pub(super) fn sp<T>(v: &Option<Spanned<T>>) -> (Option<&T>, Option<usize>) {
    match v {
        Some(s) => (Some(s.get_ref()), Some(s.span().start)),
        None => (None, None),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScale {
    pub(super) points: Option<i64>,
    pub(super) first: Option<i64>,
    #[serde(default)]
    pub(super) anchors: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawItem {
    pub(super) id: Option<String>,
    pub(super) text: Option<String>,
    pub(super) subscale: Option<String>,
    pub(super) reverse: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubscale {
    pub(super) id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) about: Option<String>,
    pub(super) score: Option<String>,
    pub(super) min_answered: Option<f64>,
    pub(super) source: Option<String>,
    pub(super) sign: Option<String>,
    #[serde(default, rename = "band")]
    pub(super) bands: Vec<Spanned<RawBand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBand {
    pub(super) from: Option<f64>,
    pub(super) to: Option<f64>,
    pub(super) label: Option<String>,
    pub(super) text: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNorm {
    pub(super) mean: Option<f64>,
    pub(super) sd: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAxes {
    pub(super) x: Option<String>,
    pub(super) y: Option<String>,
    pub(super) x_split: Option<f64>,
    pub(super) y_split: Option<f64>,
    pub(super) about: Option<String>,
    #[serde(default, rename = "region")]
    pub(super) regions: Vec<Spanned<RawRegion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegion {
    pub(super) x: Option<String>,
    pub(super) y: Option<String>,
    pub(super) name: Option<String>,
    pub(super) text: Option<String>,
}
