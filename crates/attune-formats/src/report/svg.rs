//! Small inline SVG charts for printed reports and web pages: no scripts, no
//! external files, readable in black and white (values are labelled, lines
//! are told apart by dash pattern as well as colour).
//!
//! Every part carries a class as well as its colours as presentation
//! attributes: a report shows the attributes' colours, and the web app's
//! style sheet overrides them through the classes (CSS always wins over
//! presentation attributes), so its light and dark themes both apply.

use std::fmt::Write;

/// One line of a line chart: `(x label, value)` points; `None` is a gap.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// The values, one per x position.
    pub values: Vec<Option<f64>>,
    /// A CSS class for this line (its colour in a themed page); empty
    /// gives `s-0`, `s-1`… by position.
    pub class: String,
    /// Mark each value with a dot (busy on long charts with several lines).
    pub dots: bool,
}

/// A line chart over time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChart {
    /// Accessible title.
    pub title: String,
    /// A longer text description for screen readers (empty: none).
    pub desc: String,
    /// An id prefix, unique on the page: the title and description get ids
    /// and the chart is labelled by them (empty: labelled by the title text).
    pub id: String,
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BarChart {
    /// Accessible title.
    pub title: String,
    /// An id prefix, as for [`LineChart::id`] (empty: none).
    pub id: String,
    /// `(label, value, value text)` per bar, drawn top to bottom.
    pub bars: Vec<(String, f64, String)>,
    /// The value of a full-width bar.
    pub max: f64,
}

/// A grid of counts (weekday × time of day): each cell's shade grows with
/// its count, and the count is written in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeatMap {
    /// Accessible title.
    pub title: String,
    /// An id prefix, as for [`LineChart::id`] (empty: none).
    pub id: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// `(row heading, one count per column)`, drawn top to bottom.
    pub rows: Vec<(String, Vec<u32>)>,
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;
const COLOURS: [&str; 4] = ["#2f5d8a", "#b5651d", "#3b7d3b", "#7a3b7a"];
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];
/// Heat map shades, none to the busiest (light enough for black text up to
/// the fourth shade, white text on the last).
const SHADES: [&str; 5] = ["#ffffff", "#dcebe3", "#a9cdb9", "#6aa488", "#2f6b52"];

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

/// The opening `<svg>` with its title (and description): labelled by their
/// ids when the chart has an id, else by the title text.
fn open(s: &mut String, class: &str, width: f64, height: f64, id: &str, title: &str, desc: &str) {
    let t = escape(title);
    let _ = write!(s, r#"<svg class="{class}" viewBox="0 0 {width} {height}" role="img" "#);
    if id.is_empty() {
        let _ = write!(s, r#"aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#);
        if !desc.is_empty() {
            let _ = write!(s, "<desc>{}</desc>", escape(desc));
        }
    } else {
        let id = escape(id);
        let by = if desc.is_empty() { format!("{id}-t") } else { format!("{id}-t {id}-d") };
        let _ =
            write!(s, r#"aria-labelledby="{by}" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{t}</title>"#);
        if !desc.is_empty() {
            let _ = write!(s, r#"<desc id="{id}-d">{}</desc>"#, escape(desc));
        }
    }
}

impl LineChart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let n = self.x_labels.len().max(self.series.iter().map(|s| s.values.len()).max().unwrap_or(0)).max(1);
        let span = (self.y_max - self.y_min).max(f64::EPSILON);
        let x = |i: usize| LEFT + (W - LEFT - RIGHT) * if n == 1 { 0.5 } else { i as f64 / (n - 1) as f64 };
        let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - ((v - self.y_min) / span).clamp(0.0, 1.0));
        let mut s = String::new();
        open(&mut s, "chart", W, H, &self.id, &self.title, &self.desc);
        // Grid lines at the ends and middle of the scale.
        for v in [self.y_min, (self.y_min + self.y_max) / 2.0, self.y_max] {
            let _ = write!(
                s,
                r##"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ccc" stroke-width="1"/><text class="axis" x="{}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
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
                    r#"<text class="axis" x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
                    x(i),
                    H - BOTTOM + 16.0,
                    escape(label)
                );
            }
        }
        let mut legend_x = LEFT;
        for (k, series) in self.series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let dash = DASHES[k % DASHES.len()];
            let class = if series.class.is_empty() { format!("s-{k}") } else { escape(&series.class) };
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
                    r#"<path class="series {class}" d="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                    path.trim_end()
                );
            }
            if series.dots {
                for (i, v) in series.values.iter().enumerate() {
                    if let Some(v) = v {
                        let _ = write!(
                            s,
                            r#"<circle class="dot {class}" cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"/>"#,
                            x(i),
                            y(*v)
                        );
                    }
                }
            }
            // The legend: a short stretch of the line (its dash pattern tells
            // the lines apart in black and white) and the name.
            let _ = write!(
                s,
                r#"<line class="series {class}" x1="{legend_x}" x2="{}" y1="{}" y2="{}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text class="legend" x="{}" y="{}" font-size="11">{}</text>"#,
                legend_x + 18.0,
                H - 8.0,
                H - 8.0,
                legend_x + 22.0,
                H - 4.0,
                escape(&series.name)
            );
            legend_x += 30.0 + 7.0 * series.name.chars().count() as f64;
        }
        if self.trend
            && let Some((slope, icpt)) = self.series.first().and_then(|s| trend_line(&s.values))
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
        s.push_str("</svg>");
        s
    }
}

impl BarChart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let row = 24.0;
        let label_w = 210.0;
        let height = row * self.bars.len().max(1) as f64 + 8.0;
        let full = W - label_w - 80.0;
        let mut s = String::new();
        open(&mut s, "chart", W, height, &self.id, &self.title, "");
        let max = self.max.max(f64::EPSILON);
        for (i, (label, value, text)) in self.bars.iter().enumerate() {
            let top = 4.0 + row * i as f64;
            let w = (full * (value / max).clamp(0.0, 1.0)).max(1.0);
            let _ = write!(
                s,
                r##"<text class="label" x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{}</text><rect class="bar" x="{label_w}" y="{:.1}" width="{w:.1}" height="{}" rx="3" fill="#2f5d8a"/><text class="value" x="{:.1}" y="{:.1}" font-size="11">{}</text>"##,
                label_w - 8.0,
                top + 15.0,
                escape(label),
                top + 3.0,
                row - 8.0,
                label_w + w + 6.0,
                top + 15.0,
                escape(text)
            );
        }
        s.push_str("</svg>");
        s
    }
}

impl HeatMap {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let (cell_w, cell_h, left, top) = (120.0, 34.0, 60.0, 24.0);
        let width = left + cell_w * self.columns.len() as f64 + 4.0;
        let height = top + cell_h * self.rows.len() as f64 + 4.0;
        let max = self.rows.iter().flat_map(|r| r.1.iter()).copied().max().unwrap_or(0).max(1);
        let mut s = String::new();
        open(&mut s, "chart heat", width, height, &self.id, &self.title, "");
        for (j, heading) in self.columns.iter().enumerate() {
            let _ = write!(
                s,
                r#"<text class="axis" x="{:.1}" y="16" font-size="12" text-anchor="middle">{}</text>"#,
                left + cell_w * j as f64 + cell_w / 2.0,
                escape(heading)
            );
        }
        for (i, (heading, counts)) in self.rows.iter().enumerate() {
            let y = top + cell_h * i as f64;
            let _ = write!(
                s,
                r#"<text class="axis" x="{}" y="{:.1}" font-size="12" text-anchor="end">{}</text>"#,
                left - 8.0,
                y + 22.0,
                escape(heading)
            );
            for (j, n) in counts.iter().enumerate() {
                let level = shade(*n, max);
                let x = left + cell_w * j as f64;
                let ink = if level >= 4 { "#ffffff" } else { "#000000" };
                let _ = write!(
                    s,
                    r##"<rect class="heat-{level}" x="{x:.1}" y="{y:.1}" width="{}" height="{}" rx="4" fill="{}" stroke="#ccc"/><text class="cell" x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="{ink}">{n}</text>"##,
                    cell_w - 4.0,
                    cell_h - 4.0,
                    SHADES[level],
                    x + cell_w / 2.0 - 2.0,
                    y + 21.0
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

/// Five shades: 0 for none, 1 to 4 growing with the share of the busiest cell.
fn shade(n: u32, max: u32) -> usize {
    if n == 0 { 0 } else { 1 + usize::try_from((3 * u64::from(n) / u64::from(max.max(1))).min(3)).unwrap_or(3) }
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
        let (slope, icpt) = trend_line(&[Some(1.0), None, Some(3.0), Some(4.0)]).unwrap();
        assert!((slope - 1.0).abs() < 1e-9 && (icpt - 1.0).abs() < 1e-9, "{slope} {icpt}");
        assert!(trend_line(&[Some(1.0)]).is_none());
        let chart = LineChart {
            title: "Felt <security>".into(),
            x_labels: vec!["a".into(), "b".into(), "c".into()],
            y_min: 0.0,
            y_max: 10.0,
            series: vec![Series {
                name: "security".into(),
                values: vec![Some(2.0), None, Some(6.0)],
                ..Default::default()
            }],
            trend: true,
            ..Default::default()
        };
        let svg = chart.render();
        assert_eq!(svg.matches(" M").count() + usize::from(svg.contains("d=\"M")), 2, "{svg}");
        assert!(svg.contains("Felt &lt;security&gt;") && svg.contains("class=\"trend\""));
        assert!(svg.contains(r#"aria-label="Felt &lt;security&gt;""#) && !svg.contains("<desc"), "{svg}");
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn an_id_labels_the_chart_by_its_title_and_description() {
        let chart = LineChart {
            title: "Weeks".into(),
            desc: "3 of 4 weeks <rated>".into(),
            id: "c-lines".into(),
            x_labels: vec!["a".into(), String::new()],
            y_max: 10.0,
            series: vec![
                Series {
                    name: "felt security".into(),
                    values: vec![Some(1.0), Some(2.0)],
                    class: "s-security".into(),
                    dots: true,
                },
                Series { name: "seen".into(), values: vec![Some(3.0), None], ..Default::default() },
            ],
            ..Default::default()
        };
        let svg = chart.render();
        assert!(svg.contains(r#"aria-labelledby="c-lines-t c-lines-d""#), "{svg}");
        assert!(
            svg.contains(
                r#"<title id="c-lines-t">Weeks</title><desc id="c-lines-d">3 of 4 weeks &lt;rated&gt;</desc>"#
            )
        );
        // Named and positional classes, dots only where asked for.
        assert!(svg.contains(r#"<path class="series s-security""#) && svg.contains(r#"<path class="series s-1""#));
        assert_eq!(svg.matches("<circle class=\"dot s-security\"").count(), 2, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 2);
        // A single point draws no line but still a legend entry.
        assert!(svg.contains(">seen</text>"));
    }

    #[test]
    fn bars_are_escaped_and_scaled_to_the_maximum() {
        let chart = BarChart {
            title: "T<".into(),
            id: "c-trig".into(),
            bars: vec![("<script>".into(), 2.0, "2".into()), ("b".into(), 1.0, "1".into())],
            max: 2.0,
        };
        let svg = chart.render();
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("T&lt;"));
        assert!(svg.contains(r#"aria-labelledby="c-trig-t""#) && svg.contains(r#"<title id="c-trig-t">"#));
        let widths: Vec<f64> = svg
            .match_indices("width=\"")
            .map(|(i, _)| svg[i + 7..].split('"').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(widths.len(), 2, "{svg}");
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.2, "{widths:?}");
    }

    #[test]
    fn heat_cells_shade_with_their_share_of_the_busiest() {
        let map = HeatMap {
            title: "Moments & times".into(),
            id: "c-heat".into(),
            columns: vec!["night".into(), "morning".into()],
            rows: vec![("Mon".into(), vec![0, 4]), ("Tue".into(), vec![1, 2])],
        };
        let svg = map.render();
        assert!(svg.starts_with(r#"<svg class="chart heat""#) && svg.contains("Moments &amp; times"));
        for level in ["heat-0", "heat-4", "heat-1", "heat-2"] {
            assert_eq!(svg.matches(&format!("class=\"{level}\"")).count(), 1, "{level}: {svg}");
        }
        assert_eq!(svg.matches("<text class=\"cell\"").count(), 4);
        assert!(svg.contains(">4</text>") && svg.contains(">Tue</text>"));
        assert_eq!((shade(0, 0), shade(1, 1), shade(1, 3), shade(3, 4)), (0, 4, 2, 3));
    }
}
