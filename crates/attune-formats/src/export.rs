//! Writers for the readable exports: CSV (entries and check-ins, alone or
//! zipped together) and Markdown. The attune JSON is in [`crate::attune_json`],
//! jrnl's text in [`crate::jrnl::write`].

use std::io::{Cursor, Write};

use attune_core::{Checkin, Entry, Label};

/// Joins a list for one CSV cell.
fn list<T: ToString>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP, "CSV Injection"): `=HYPERLINK(…)` in an entry could send other
/// cells away when the file is opened.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// OWASP's rule for one cell: a cell that starts with a formula character
/// gets a single quote in front, so spreadsheets show it as text. Every other
/// cell is kept exactly; the writer wraps every cell in double quotes and
/// doubles the quotes inside.
pub fn neutralise_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) { format!("'{cell}").into() } else { cell.into() }
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(Vec::new());
    // Writing to memory cannot fail; a failing row would only shorten the file.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| neutralise_cell(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

/// Entries as CSV, oldest first, one row each (lists joined with `; `).
pub fn entries_csv(entries: &[Entry]) -> Vec<u8> {
    let header = [
        "id",
        "occurred",
        "recorded",
        "situation",
        "triggers",
        "thoughts",
        "fear",
        "feelings",
        "intensity",
        "signs",
        "sources",
        "helped",
        "tags",
        "starred",
    ];
    csv_bytes(
        &header,
        entries.iter().map(|e| {
            vec![
                e.id.to_string(),
                e.occurred.to_string(),
                e.recorded.to_string(),
                e.situation.clone(),
                list(&e.triggers),
                e.thoughts.clone(),
                e.fear.clone(),
                list(&e.feelings),
                e.intensity.map(|i| i.to_string()).unwrap_or_default(),
                list(&e.signs),
                list(&e.sources),
                e.helped.clone(),
                list(&e.tags),
                e.starred.to_string(),
            ]
        }),
    )
}

/// Check-ins as CSV, oldest first; consequences as `id=value; …`.
pub fn checkins_csv(checkins: &[Checkin]) -> Vec<u8> {
    let header = ["id", "at", "security", "seen", "trusted", "respected", "consequences", "note"];
    let opt = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
    csv_bytes(
        &header,
        checkins.iter().map(|c| {
            let consequences: Vec<String> = c.consequences.iter().map(|(k, v)| format!("{k}={v}")).collect();
            vec![
                c.id.to_string(),
                c.at.to_string(),
                c.security.to_string(),
                opt(c.seen),
                opt(c.trusted),
                opt(c.respected),
                consequences.join("; "),
                c.note.clone(),
            ]
        }),
    )
}

/// Both CSV files in one zip (`entries.csv`, `checkins.csv`).
pub fn csv_zip(entries: &[Entry], checkins: &[Checkin]) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [("entries.csv", entries_csv(entries)), ("checkins.csv", checkins_csv(checkins))] {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A readable journal in Markdown: one section per entry, oldest first,
/// with trigger and feeling names from the person's lists.
pub fn markdown(entries: &[Entry], triggers: &[Label], feelings: &[Label]) -> String {
    let name = |labels: &[Label], slug: &attune_core::Slug| {
        labels.iter().find(|l| &l.slug == slug).map_or_else(|| slug.to_string(), |l| l.name.clone())
    };
    let mut out = String::from("# My attune journal\n");
    for e in entries {
        let local = e.occurred.local();
        out.push_str(&format!(
            "\n## {} {:02}:{:02}{}\n\n",
            local.date(),
            local.hour(),
            local.minute(),
            if e.starred { " ★" } else { "" }
        ));
        out.push_str(&e.situation);
        out.push('\n');
        let mut facts = Vec::new();
        if !e.triggers.is_empty() {
            let names: Vec<String> = e.triggers.iter().map(|s| name(triggers, s)).collect();
            facts.push(format!("- **Triggers:** {}", names.join(", ")));
        }
        if !e.feelings.is_empty() {
            let names: Vec<String> = e.feelings.iter().map(|s| name(feelings, s)).collect();
            facts.push(format!("- **Feelings:** {}", names.join(", ")));
        }
        if let Some(i) = e.intensity {
            facts.push(format!("- **Intensity:** {i}/10"));
        }
        if !e.signs.is_empty() {
            facts.push(format!("- **Signs:** {}", list(&e.signs).replace("; ", ", ")));
        }
        if !e.sources.is_empty() {
            facts.push(format!("- **Sources:** {}", list(&e.sources).replace("; ", ", ")));
        }
        if !e.tags.is_empty() {
            facts.push(format!("- **Tags:** {}", e.tags.join(", ")));
        }
        if !facts.is_empty() {
            out.push('\n');
            out.push_str(&facts.join("\n"));
            out.push('\n');
        }
        for (title, text) in [("Thoughts", &e.thoughts), ("What I feared", &e.fear), ("What helped", &e.helped)] {
            if !text.is_empty() {
                out.push_str(&format!("\n**{title}:** {text}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every cell of a CSV file, as a spreadsheet would read it.
    fn cells(bytes: &[u8]) -> Vec<String> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
        r.records().flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>()).collect()
    }

    #[test]
    fn formulas_are_neutralised_and_every_cell_quoted() {
        let bytes = csv_bytes(&["a", "b"], [vec!["=HYPERLINK(\"x\")".into(), "fine, \"quoted\"".into()]].into_iter());
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text, "\"a\",\"b\"\n\"'=HYPERLINK(\"\"x\"\")\",\"fine, \"\"quoted\"\"\"\n");
        assert_eq!(cells(&bytes)[2..], ["'=HYPERLINK(\"x\")", "fine, \"quoted\""]);
        for c in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise_cell(c), format!("'{c}"));
        }
        assert_eq!(neutralise_cell("no reply for 5 hours"), "no reply for 5 hours");
        assert_eq!(neutralise_cell(""), "");
    }

    proptest! {
        #[test]
        fn no_cell_starts_with_a_formula_character_and_text_is_kept(
            row in proptest::collection::vec("[=+@\t\r\"',; a-z-]{0,12}", 1..6),
        ) {
            let header: Vec<&str> = (0..row.len()).map(|_| "h").collect();
            let bytes = csv_bytes(&header, std::iter::once(row.clone()));
            let read = cells(&bytes);
            prop_assert_eq!(read.len(), row.len() * 2);
            for (cell, original) in read[row.len()..].iter().zip(&row) {
                prop_assert!(!cell.starts_with(FORMULA_STARTS), "{:?}", cell);
                if original.starts_with(FORMULA_STARTS) {
                    prop_assert_eq!(cell, &format!("'{original}"));
                } else {
                    prop_assert_eq!(cell, original);
                }
            }
        }
    }
}
