//! [`Instrument::parse`]: the whole file, checked at once.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::closest;

use super::axes::build_axes;
use super::checker::Checker;
use super::raw::{RawInstrument, sp};
use super::scale::build_scale;
use super::subscale::{build_subscale, check_bands};
use super::{
    Instrument, InstrumentError, Item, MAX_FILE_BYTES, MAX_ITEMS, Norm, Problem, ProblemKind, Scale, Subscale, range_of,
};

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
