//! Charts as SVG, drawn on the server so they work without JavaScript (and
//! in an exported report). Colours come from classes in style.css, so the
//! light and dark themes both apply; every chart has a title and a text
//! description for screen readers.

use std::fmt::Write;

/// Escapes text for SVG/HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of a line chart: a CSS class, a legend label, a value per week.
#[derive(Debug)]
pub struct Series<'a> {
    /// CSS class (colour, dash).
    pub class: &'a str,
    /// Legend.
    pub label: &'a str,
    /// Values 0–10, one per week; `None` where nothing was rated.
    pub values: Vec<Option<f64>>,
}

/// Least-squares line through the points that exist: (slope, intercept).
pub fn fit(values: &[Option<f64>]) -> Option<(f64, f64)> {
    let pts: Vec<(f64, f64)> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64, v))).collect();
    if pts.len() < 2 {
        return None;
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}

/// Weekly ratings (0–10) over time, the first series with its trend line.
pub fn lines(title: &str, desc: &str, week_labels: &[String], series: &[Series<'_>]) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 34.0, 12.0, 12.0, 40.0);
    let weeks = week_labels.len().max(1);
    let x = |i: usize| left + (w - left - right) * if weeks > 1 { i as f64 / (weeks - 1) as f64 } else { 0.5 };
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / 10.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="c-lines-t c-lines-d"><title id="c-lines-t">{}</title><desc id="c-lines-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    for v in [0.0, 5.0, 10.0] {
        let _ = write!(
            s,
            r#"<line class="grid" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{}" y="{:.1}" text-anchor="end">{v}</text>"#,
            w - right,
            left - 6.0,
            y(v) + 4.0,
            y = y(v)
        );
    }
    let step = (weeks / 6).max(1);
    for (i, label) in week_labels.iter().enumerate().filter(|(i, _)| i % step == 0) {
        let _ = write!(
            s,
            r#"<text class="axis" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            h - 22.0,
            esc(label)
        );
    }
    for (n, ser) in series.iter().enumerate() {
        let mut d = String::new();
        let mut pen_up = true;
        for (i, v) in ser.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(d, "{}{:.1},{:.1} ", if pen_up { "M" } else { "L" }, x(i), y(*v));
                    pen_up = false;
                }
                None => pen_up = true,
            }
        }
        let _ = write!(s, r#"<path class="series {}" d="{}"/>"#, ser.class, d.trim_end());
        for (i, v) in ser.values.iter().enumerate() {
            if let (Some(v), 0) = (v, n) {
                let _ = write!(s, r#"<circle class="dot {}" cx="{:.1}" cy="{:.1}" r="3"/>"#, ser.class, x(i), y(*v));
            }
        }
        if n == 0
            && let Some((slope, icpt)) = fit(&ser.values)
        {
            let last = weeks.saturating_sub(1);
            let (a, b) = ((icpt).clamp(0.0, 10.0), (icpt + slope * last as f64).clamp(0.0, 10.0));
            let _ = write!(
                s,
                r#"<line class="trend" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
                x(0),
                y(a),
                x(last),
                y(b)
            );
        }
    }
    let mut lx = left;
    for ser in series {
        let _ = write!(
            s,
            r#"<line class="series {}" x1="{lx}" x2="{}" y1="{}" y2="{}"/><text class="legend" x="{}" y="{}">{}</text>"#,
            ser.class,
            lx + 18.0,
            h - 6.0,
            h - 6.0,
            lx + 22.0,
            h - 2.0,
            esc(ser.label)
        );
        lx += 30.0 + 7.0 * ser.label.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars: (label, value, text shown at the end of the bar).
pub fn bars(id: &str, title: &str, rows: &[(String, f64, String)]) -> String {
    let row_h = 26.0;
    let (w, label_w) = (640.0, 220.0);
    let h = row_h * rows.len().max(1) as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(f64::EPSILON);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t"><title id="{id}-t">{}</title>"#,
        esc(title)
    );
    for (i, (label, value, text)) in rows.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let bw = ((w - label_w - 90.0) * value / max).max(2.0);
        let _ = write!(
            s,
            r#"<text class="label" x="{}" y="{:.1}" text-anchor="end">{}</text><rect class="bar" x="{label_w}" y="{:.1}" width="{bw:.1}" height="{}" rx="4"/><text class="value" x="{:.1}" y="{:.1}">{}</text>"#,
            label_w - 8.0,
            y + 17.0,
            esc(label),
            y + 3.0,
            row_h - 8.0,
            label_w + bw + 6.0,
            y + 17.0,
            esc(text)
        );
    }
    s.push_str("</svg>");
    s
}

/// Weekday × time of day: each cell's shade grows with the episodes in it.
pub fn heat(title: &str, parts: &[String], rows: &[(String, Vec<u32>)]) -> String {
    let (cell_w, cell_h, left, top) = (120.0, 34.0, 60.0, 24.0);
    let w = left + cell_w * parts.len() as f64 + 4.0;
    let h = top + cell_h * rows.len() as f64 + 4.0;
    let max = rows.iter().flat_map(|r| r.1.iter()).copied().max().unwrap_or(0).max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart heat" viewBox="0 0 {w} {h}" role="img" aria-labelledby="c-heat-t"><title id="c-heat-t">{}</title>"#,
        esc(title)
    );
    for (j, p) in parts.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text class="axis" x="{:.1}" y="16" text-anchor="middle">{}</text>"#,
            left + cell_w * j as f64 + cell_w / 2.0,
            esc(p)
        );
    }
    for (i, (day, counts)) in rows.iter().enumerate() {
        let y = top + cell_h * i as f64;
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y + 22.0,
            esc(day)
        );
        for (j, n) in counts.iter().enumerate() {
            // Five shades: class heat-0 (none) to heat-4 (the busiest).
            let level = if *n == 0 { 0 } else { 1 + (3 * n / max).min(3) };
            let x = left + cell_w * j as f64;
            let _ = write!(
                s,
                r#"<rect class="heat-{level}" x="{x:.1}" y="{y:.1}" width="{}" height="{}" rx="4"/><text class="cell" x="{:.1}" y="{:.1}" text-anchor="middle">{n}</text>"#,
                cell_w - 4.0,
                cell_h - 4.0,
                x + cell_w / 2.0 - 2.0,
                y + 21.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_finds_the_line() {
        let (slope, icpt) = fit(&[Some(1.0), None, Some(3.0), Some(4.0)]).unwrap();
        assert!((slope - 1.0).abs() < 1e-9 && (icpt - 1.0).abs() < 1e-9, "{slope} {icpt}");
        assert!(fit(&[Some(1.0)]).is_none());
    }

    #[test]
    fn labels_are_escaped() {
        let svg = bars("b", "T<", &[("<script>".into(), 1.0, "1".into())]);
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("T&lt;"));
    }
}
