//! A subscale's checks, its score bands included.

use crate::vocab::{Sign, Source};

use super::checker::Checker;
use super::raw::RawSubscale;
use super::{Aggregate, Band, DEFAULT_MIN_ANSWERED, EPS, Link, ProblemKind, Subscale, num};

pub(super) fn build_subscale(r: &RawSubscale, at: Option<usize>, place: &str, c: &mut Checker<'_>) -> Subscale {
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

pub(super) fn vocab_hint(suggestion: Option<&str>, known: &[&str]) -> String {
    match suggestion {
        Some(s) => format!("did you mean '{s}'? Known: {}", known.join(", ")),
        None => format!("known: {}", known.join(", ")),
    }
}

pub(super) fn check_bands(s: &Subscale, (lo, hi): (f64, f64), starts: &[usize], place: &str, c: &mut Checker<'_>) {
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
