//! `attune report`: a summary to bring to a counsellor or therapist, as one
//! self-contained HTML file (and a PDF through headless Chromium when it is
//! installed). The numbers are the ones `attune insights` and `attune assess
//! history` show: the same loading and the same core computations.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use attune_core::insights::{Window, insights_of};
use attune_core::when::Edge;
use attune_formats::journal;
use attune_formats::report::{self, SectionId};
use attune_store::RecordRef;
use clap::Args;

use crate::app::App;
use crate::error::{CliError, CliResult};
use crate::out::{self, DIM, GOOD};

/// `attune report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: a number of weeks ("8w") or a date phrase ("2026-09-01", "3 months ago").
    #[arg(long, value_name = "WHEN", default_value = "8w")]
    pub since: String,
    /// Only these sections (comma-separated): pattern, wellbeing, triggers, profile,
    /// questionnaires, consequences, agreements, questions, entries.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub sections: Vec<String>,
    /// Leave these sections out (comma-separated).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub without: Vec<String>,
    /// A question you want to bring to the session (repeat for several). In a
    /// terminal without this flag, you are asked.
    #[arg(long = "question", value_name = "TEXT")]
    pub questions: Vec<String>,
    /// Entries whose words to include (numbers, comma-separated). No journal text is included otherwise.
    #[arg(long, value_name = "NUMBERS", value_delimiter = ',')]
    pub entries: Vec<String>,
    /// The HTML file to write.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub out: PathBuf,
    /// Also print it to a PDF beside it (needs Chromium).
    #[arg(long)]
    pub pdf: bool,
}

/// Where Chromium is looked for.
const CHROMIUM: &str = "/usr/bin/chromium";

fn sections(args: &ReportArgs) -> CliResult<Vec<SectionId>> {
    let parse = |names: &[String]| -> CliResult<Vec<SectionId>> {
        names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| {
                SectionId::parse(n).ok_or_else(|| {
                    let known: Vec<&str> = SectionId::ALL.iter().map(|s| s.as_str()).collect();
                    CliError::user(format!("--sections: '{}' is not a section", n.trim()))
                        .hint(format!("sections: {}", known.join(", ")))
                })
            })
            .collect()
    };
    let mut chosen = if args.sections.is_empty() { SectionId::ALL.to_vec() } else { parse(&args.sections)? };
    let without = parse(&args.without)?;
    chosen.retain(|s| !without.contains(s));
    if chosen.is_empty() {
        return Err(CliError::user("no sections are left to show").hint("leave out fewer with --without"));
    }
    Ok(chosen)
}

/// "8w" → 8 weeks; a date phrase → the weeks from it to today.
fn weeks(text: &str, app: &App) -> CliResult<u32> {
    let t = text.trim();
    if let Some(n) = t.strip_suffix('w').and_then(|n| n.parse::<u32>().ok())
        && (1..=520).contains(&n)
    {
        return Ok(n);
    }
    let since = app.when("--since", t, Edge::Start)?;
    let today = app.now.date();
    if since.date() > today {
        return Err(CliError::user("--since is in the future").hint("give a past date, or a number of weeks like 8w"));
    }
    let days = (today - since.date()).get_days().max(0) + 1;
    Ok(u32::try_from((days + 6) / 7).unwrap_or(520).clamp(1, 520))
}

fn ask_questions(app: &App) -> CliResult<Vec<String>> {
    if !app.interactive {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    eprintln!("What would you like to ask or talk about in the session? One per line; an empty line ends.");
    loop {
        let q: String = dialoguer::Input::new()
            .with_prompt(">")
            .allow_empty(true)
            .interact_text()
            .map_err(|e| CliError::user(format!("could not read your question: {e}")))?;
        if q.trim().is_empty() {
            break;
        }
        out.push(q.trim().to_string());
    }
    Ok(out)
}

pub fn run(args: ReportArgs, app: &App) -> CliResult {
    let chosen = sections(&args)?;
    let n_weeks = weeks(&args.since, app)?;
    if args.pdf && !Path::new(CHROMIUM).exists() {
        return Err(CliError::user(format!(
            "--pdf needs Chromium ({CHROMIUM}), which is not installed; nothing was written"
        ))
        .hint("leave out --pdf, open the HTML file in any browser and print it to PDF"));
    }
    let library = app.library()?;
    let (cfg, _) = crate::commands::insights::load_content(&library)?;
    let opened = app.open()?;
    let store = &opened.store;
    let window = Window::LastWeeks(n_weeks);
    let now = app.now.clone();
    let data = crate::commands::insights::load(store, &cfg, &now, window, false, None)?;
    let insights = insights_of(&data.facts, &data.checkins, &data.exposures, &now, window, &cfg);

    let policy = app.safety_policy(store)?;
    let records = journal::report_records(store, insights.window.start, policy.partner_agreements)?;
    let mut picked = Vec::new();
    for given in &args.entries {
        match store.resolve(given.trim())? {
            RecordRef::Entry(seq) => picked.push((seq, store.entry(seq)?.item)),
            RecordRef::Checkin(_) => {
                return Err(CliError::user(format!("--entries: '{}' is a check-in, not an entry", given.trim()))
                    .hint("`attune list` shows entry numbers"));
            }
        }
    }
    let questions = if args.questions.is_empty() && chosen.contains(&SectionId::Questions) {
        ask_questions(app)?
    } else {
        args.questions.iter().map(|q| q.trim().to_string()).filter(|q| !q.is_empty()).collect()
    };
    let input = records.report_input(&insights, app.now.date(), chosen, questions, &picked, policy.partner_agreements);
    let html = report::render(&input);
    crate::files::write(&args.out, html.as_bytes(), "choose another place with -o")?;
    let mut w = out::stdout();
    writeln!(w, "{GOOD}Wrote{GOOD:#} {}.", args.out.display())?;
    if args.pdf {
        let pdf = args.out.with_extension("pdf");
        print_pdf(&args.out, &pdf)?;
        writeln!(w, "{GOOD}Wrote{GOOD:#} {}.", pdf.display())?;
    }
    writeln!(
        w,
        "{DIM}It holds no journal text{} and is not encrypted: share it only with whom you choose.{DIM:#}",
        if picked.is_empty() { "" } else { " besides the entries you chose" }
    )?;
    Ok(())
}

fn print_pdf(html: &Path, pdf: &Path) -> CliResult {
    let html =
        std::fs::canonicalize(html).map_err(|e| CliError::user(format!("cannot find {}: {e}", html.display())))?;
    let status = Command::new(CHROMIUM)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| CliError::user(format!("could not run Chromium: {e}")))?;
    if !status.success() || !pdf.exists() {
        return Err(CliError::user(format!("Chromium could not print the PDF ({status}); the HTML file is written"))
            .hint("open the HTML file in a browser and print it to PDF"));
    }
    Ok(())
}
