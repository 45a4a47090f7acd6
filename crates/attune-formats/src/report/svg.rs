//! Small inline SVG charts for printed reports and web pages: no scripts, no
//! external files, readable in black and white (values are labelled, lines
//! are told apart by dash pattern as well as colour).

use std::fmt::Write;

/// One line of a line chart: `(x label, value)` points; `None` is a gap.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// The values, one per x position.
    pub values: Vec<Option<f64>>,
}

/// A line chart over time.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// Accessible title.
    pub title: String,
    /// Labels under the x axis, one per position (some may be empty).
    pub x_labels: Vec<String>,
    /// The y axis runs from `y_min` to `y_max`.
    pub y_min: f64,
    /// Top of the y axis.
    pub y_max: f64,
    /// Lines to draw.
    pub series: Vec<Series>,
    /// Draw a least-squares trend line for the first series.
    pub trend: bool,
}

/// A horizontal bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    /// Accessible title.
    pub title: String,
    /// `(label, value, value text)` per bar, drawn top to bottom.
    pub bars: Vec<(String, f64, String)>,
    /// The value of a full-width bar.
    pub max: f64,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;
const COLOURS: [&str; 4] = ["#2f5d8a", "#b5651d", "#3b7d3b", "#7a3b7a"];
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

/// Escapes text for SVG/HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Least-squares slope and intercept over the present points.
pub fn trend_line(values: &[Option<f64>]) -> Option<(f64, f64)> {
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
    let slope = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / sxx;
    Some((slope, my - slope * mx))
}

impl LineChart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let n = self.x_labels.len().max(self.series.iter().map(|s| s.values.len()).max().unwrap_or(0)).max(1);
        let span = (self.y_max - self.y_min).max(f64::EPSILON);
        let x = |i: usize| LEFT + (W - LEFT - RIGHT) * if n == 1 { 0.5 } else { i as f64 / (n - 1) as f64 };
        let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - ((v - self.y_min) / span).clamp(0.0, 1.0));
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
            t = escape(&self.title)
        );
        // Grid lines at the ends and middle of the scale.
        for v in [self.y_min, (self.y_min + self.y_max) / 2.0, self.y_max] {
            let _ = write!(
                s,
                r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ccc" stroke-width="1"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
                W - RIGHT,
                LEFT - 6.0,
                y(v) + 4.0,
                trim_number(v),
                y = y(v)
            );
        }
        for (i, label) in self.x_labels.iter().enumerate() {
            if !label.is_empty() {
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
                    x(i),
                    H - BOTTOM + 16.0,
                    escape(label)
                );
            }
        }
        for (k, series) in self.series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let dash = DASHES[k % DASHES.len()];
            let mut path = String::new();
            let mut pen_up = true;
            for (i, v) in series.values.iter().enumerate() {
                match v {
                    Some(v) => {
                        let _ = write!(path, "{}{:.1},{:.1} ", if pen_up { "M" } else { "L" }, x(i), y(*v));
                        pen_up = false;
                    }
                    None => pen_up = true,
                }
            }
            if !path.is_empty() {
                let _ = write!(
                    s,
                    r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                    path.trim_end()
                );
            }
            for (i, v) in series.values.iter().enumerate() {
                if let Some(v) = v {
                    let _ = write!(s, r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"/>"#, x(i), y(*v));
                }
            }
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{}" font-size="11" fill="{colour}">{}{}</text>"#,
                LEFT + 150.0 * k as f64,
                H - 6.0,
                if dash.is_empty() { "— " } else { "- - " },
                escape(&series.name)
            );
        }
        if self.trend
            && let Some((slope, icpt)) = self.series.first().and_then(|s| trend_line(&s.values))
        {
            {
                let (a, b) = (icpt, icpt + slope * (n - 1) as f64);
                let _ = write!(
                    s,
                    r##"<line class="trend" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#555" stroke-width="1.5" stroke-dasharray="4 4"/>"##,
                    x(0),
                    y(a),
                    x(n - 1),
                    y(b)
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

impl BarChart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let row = 22.0;
        let label_w = 200.0;
        let height = row * self.bars.len().max(1) as f64 + 8.0;
        let full = W - label_w - 60.0;
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
            t = escape(&self.title)
        );
        let max = self.max.max(f64::EPSILON);
        for (i, (label, value, text)) in self.bars.iter().enumerate() {
            let top = 4.0 + row * i as f64;
            let w = (full * (value / max).clamp(0.0, 1.0)).max(1.0);
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{}</text><rect x="{label_w}" y="{:.1}" width="{w:.1}" height="{}" fill="#2f5d8a"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"##,
                label_w - 8.0,
                top + 14.0,
                escape(label),
                top + 3.0,
                row - 8.0,
                label_w + w + 6.0,
                top + 14.0,
                escape(text)
            );
        }
        s.push_str("</svg>");
        s
    }
}

fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_of_a_rising_series_rises_and_gaps_break_the_line() {
        let (slope, _) = trend_line(&[Some(2.0), None, Some(4.0), Some(5.0)]).unwrap();
        assert!(slope > 0.9 && slope < 1.1);
        let chart = LineChart {
            title: "Felt <security>".into(),
            x_labels: vec!["a".into(), "b".into(), "c".into()],
            y_min: 0.0,
            y_max: 10.0,
            series: vec![Series { name: "security".into(), values: vec![Some(2.0), None, Some(6.0)] }],
            trend: true,
        };
        let svg = chart.render();
        assert_eq!(svg.matches(" M").count() + usize::from(svg.contains("d=\"M")), 2, "{svg}");
        assert!(svg.contains("Felt &lt;security&gt;") && svg.contains("class=\"trend\""));
        assert!(!svg.contains("<script"));
    }
}
