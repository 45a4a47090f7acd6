//! The answer scale's checks.

use std::collections::BTreeMap;

use toml::Spanned;

use super::checker::Checker;
use super::raw::RawScale;
use super::{ProblemKind, Scale};

pub(super) fn build_scale(raw: Option<&Spanned<RawScale>>, c: &mut Checker<'_>) -> Option<Scale> {
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
