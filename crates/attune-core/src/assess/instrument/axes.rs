//! The two axes on which two subscales are shown as a point.

use toml::Spanned;

use super::checker::Checker;
use super::raw::RawAxes;
use super::{Axes, Item, ProblemKind, Region, Scale, Side, Subscale, num, range_of};

pub(super) fn build_axes(
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
