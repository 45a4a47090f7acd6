//! Settings: export, import (a preview first, then confirm) and the
//! therapist report, through the same attune-formats code as `attune
//! export`, `attune import` and `attune report`.

use askama::Template;
use attune_core::LabelKind;
use attune_core::insights::Window;
use attune_core::plan::{PlanTexts, ics};
use attune_formats::journal::{self, Preview};
use attune_formats::map::Target;
use attune_formats::read::{self, Parsed};
use attune_formats::report::{self, SectionId};
use attune_formats::{Format, attune_json, crypt, daylio, export, jrnl};
use attune_store::{RecordRef, StoreError};
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use jiff::tz::TimeZone;
use zeroize::Zeroizing;

use super::safety::settings;
use super::settings_page::show_with;
use super::transfer_form::{EXPORT_FORMATS, TransferForm};
use super::unlock::{secrets, strong_enough};
use super::{Ctx, Fields, SafetyPolicyView, WebError, WebResult, layout, render, see_other};
use crate::pending::PendingImport;
use crate::state::AppState;
use crate::views::Layout;

fn attachment(content_type: &'static str, filename: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response()
}

fn content(e: attune_core::content::ContentError) -> WebError {
    WebError::Internal(format!("{}: {}", e.file, e.message))
}

/// `POST /settings/export`: `format`, and optionally `export_passphrase`
/// twice to encrypt (age), as `attune export --encrypt`.
pub async fn export(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, body: Bytes) -> WebResult {
    let [format, pass, again, words] =
        secrets(body, ["format", "export_passphrase", "export_passphrase2", "ics_words"]);
    let mut form = TransferForm {
        export_format: format.trim().to_string(),
        ics_words: !words.is_empty(),
        ..TransferForm::default()
    };
    let discreet = !form.ics_words;
    let refuse = |mut form: TransferForm, msg: String| {
        form.export_error = Some(msg);
        form
    };
    if !EXPORT_FORMATS.iter().any(|(f, _)| *f == form.export_format) {
        let msg = format!("Format: choose one of the offered formats, not '{}'. Nothing was exported.", *format);
        return show_with(&state, &ctx, None, None, refuse(form, msg)).await;
    }
    if !pass.is_empty() {
        if let Err(msg) = strong_enough(&pass) {
            form = refuse(form, format!("Passphrase for the file: {msg} Nothing was exported."));
            return show_with(&state, &ctx, None, None, form).await;
        }
        if *pass != *again {
            form = refuse(form, "The two passphrases for the file differ; nothing was exported.".into());
            return show_with(&state, &ctx, None, None, form).await;
        }
    }
    let which = form.export_format.clone();
    let suggestions = attune_core::selfworth::suggestions(state.library()).map_err(content)?;
    let texts = PlanTexts::load(state.library()).map_err(content)?;
    let now = state.now();
    let exported_at = state.now_moment().to_string();
    let made = state
        .store(move |store| {
            let (entries, checkins) = journal::all_records(store)?;
            Ok(match which.as_str() {
                "json" => {
                    let doc = journal::document(store, exported_at, &suggestions)?;
                    Some(("application/json", "json", attune_json::write(&doc).into_bytes()))
                }
                "csv" => {
                    let zip = export::csv_zip(&entries, &checkins)
                        .map_err(|e| WebError::Internal(format!("the zip could not be made: {e}")))?;
                    Some(("application/zip", "zip", zip))
                }
                "markdown" => {
                    let text = export::markdown(
                        &entries,
                        &store.labels(LabelKind::Trigger)?,
                        &store.labels(LabelKind::Feeling)?,
                    );
                    Some(("text/markdown; charset=utf-8", "md", text.into_bytes()))
                }
                "jrnl" => Some(("text/plain; charset=utf-8", "txt", jrnl::write(&entries).into_bytes())),
                _ => {
                    // Agreements belong to the partner: none in safety mode, as in the CLI.
                    if settings(store)?.mode {
                        return Ok(None);
                    }
                    let agreements = store.agreements(false)?;
                    let plans = store.trigger_plans()?;
                    let refs: Vec<_> = agreements.iter().map(|a| &a.item).collect();
                    let plan_refs: Vec<_> = plans.iter().collect();
                    let text = ics::export(&refs, &plan_refs, &texts.calendar, now.timestamp(), discreet);
                    Some(("text/calendar; charset=utf-8", "ics", text.into_bytes()))
                }
            })
        })
        .await?;
    let Some((content_type, ext, bytes)) = made else {
        let msg = "In safety mode, agreements are not exported. The Safety page has support services.".to_string();
        return show_with(&state, &ctx, None, None, refuse(form, msg)).await;
    };
    let stamp = state.now().date().to_string();
    let name = format!("attune-{}-{stamp}.{ext}", form.export_format);
    if pass.is_empty() {
        return Ok(attachment(content_type, name, bytes));
    }
    // scrypt takes a moment: off the async threads.
    let sealed = AppState::blocking(move || {
        crypt::encrypt(&bytes, &pass).map_err(|e| WebError::Internal(format!("the file could not be encrypted: {e}")))
    })
    .await?;
    Ok(attachment("application/octet-stream", format!("{name}.age"), sealed))
}

/// The import preview page.
#[derive(Debug, Template)]
#[template(path = "import_preview.html")]
pub struct ImportPreviewPage {
    l: Layout,
    file: String,
    format: String,
    lines: Vec<String>,
    skipped: Vec<String>,
    would: String,
    token: String,
}

fn preview_lines(p: &Preview) -> Vec<String> {
    let mut lines = Vec::new();
    let read: Vec<String> = p.read.iter().filter(|(_, n)| **n > 0).map(|(k, n)| journal::counted(*n, k)).collect();
    lines.push(format!("Read: {}.", if read.is_empty() { "nothing to import".into() } else { read.join(", ") }));
    if let (Some(first), Some(last)) = (&p.first, &p.last) {
        lines.push(format!("From {first} to {last}."));
    }
    if let Some(zone) = &p.time_zone {
        lines.push(format!("Clock times in the file were read as {zone}."));
    }
    if !p.moods.is_empty() {
        let moods: Vec<String> = p.moods.iter().map(|(m, v)| format!("{m} → {v}")).collect();
        lines.push(format!("Moods become check-ins with felt security: {}.", moods.join(", ")));
    }
    for (kind, pick) in [("triggers", 0), ("feelings", 1), ("tags", 2)] {
        let names: Vec<String> = p
            .tags
            .iter()
            .filter_map(|(tag, t)| {
                let (k, name) = match t {
                    Target::Trigger(n) => (0, n),
                    Target::Feeling(n) => (1, n),
                    Target::Tag(n) => (2, n),
                };
                (k == pick).then(|| if tag == name { tag.clone() } else { format!("{tag} → {name}") })
            })
            .collect();
        if !names.is_empty() {
            lines.push(format!("Kept as {kind}: {}.", names.join(", ")));
        }
    }
    lines.extend(p.notes.iter().cloned());
    lines
}

/// Reads the upload's fields; the file's bytes and name.
struct Upload {
    format: String,
    tz: String,
    moods: String,
    passphrase: Zeroizing<String>,
    file: Option<(String, Vec<u8>)>,
}

async fn read_upload(mut mp: Multipart) -> Result<Upload, String> {
    let mut up = Upload {
        format: String::new(),
        tz: String::new(),
        moods: String::new(),
        passphrase: Zeroizing::default(),
        file: None,
    };
    let broken =
        |e: axum::extract::multipart::MultipartError| format!("The upload could not be read ({e}); try again.");
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let file = field.file_name().unwrap_or("the file").to_string();
                let bytes = field.bytes().await.map_err(broken)?;
                if !bytes.is_empty() {
                    up.file = Some((file, bytes.to_vec()));
                }
            }
            "format" => up.format = field.text().await.map_err(broken)?.trim().to_string(),
            "tz" => up.tz = field.text().await.map_err(broken)?.trim().to_string(),
            "mood_map" => up.moods = field.text().await.map_err(broken)?.trim().to_string(),
            "import_passphrase" => up.passphrase = Zeroizing::new(field.text().await.map_err(broken)?),
            _ => {}
        }
    }
    Ok(up)
}

/// `POST /settings/import` (multipart): `format`, `file`, `tz`, `mood_map`,
/// `import_passphrase`. Reads and checks the whole file, then shows what
/// would change; nothing is written until the person confirms.
pub async fn import(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, mp: Multipart) -> WebResult {
    let up = match read_upload(mp).await {
        Ok(up) => up,
        Err(msg) => {
            let form = TransferForm { import_error: Some(("file", msg)), ..TransferForm::default() };
            return show_with(&state, &ctx, None, None, form).await;
        }
    };
    let mut form = TransferForm {
        import_format: up.format.clone(),
        import_tz: up.tz.clone(),
        import_moods: up.moods.clone(),
        ..TransferForm::default()
    };
    macro_rules! refuse {
        ($field:expr, $msg:expr) => {{
            form.import_error = Some(($field, $msg));
            return show_with(&state, &ctx, None, None, form).await;
        }};
    }
    let Some(format) = Format::parse(&up.format) else {
        refuse!(
            "format",
            format!("Format: choose one of the offered formats, not '{}'. Nothing was imported.", up.format)
        )
    };
    let Some((file, bytes)) = up.file else {
        refuse!("file", "Choose a file to import. Nothing was imported.".to_string())
    };
    let tz = if up.tz.is_empty() {
        state.now().time_zone().clone()
    } else {
        match TimeZone::get(&up.tz) {
            Ok(tz) => tz,
            Err(_) => refuse!(
                "tz",
                format!(
                    "Time zone: '{}' is not a known time zone. Use a name like Europe/Berlin, or leave it empty \
                     for yours. Nothing was imported.",
                    up.tz
                )
            ),
        }
    };
    let pairs: Vec<String> =
        up.moods.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect();
    let moods = match daylio::MoodMap::default().with_overrides(&pairs) {
        Ok(m) => m,
        Err(e) => refuse!(
            "moods",
            format!("Daylio moods: {}. Write pairs like meh=4, rad=10. Nothing was imported.", e.message)
        ),
    };
    let bytes = if format == Format::Attune && crypt::is_age(&bytes) {
        if up.passphrase.is_empty() {
            refuse!(
                "passphrase",
                "This export is encrypted: enter the passphrase you chose when exporting. Nothing was imported."
                    .to_string()
            )
        }
        let pass = up.passphrase.clone();
        match AppState::blocking(move || Ok(crypt::decrypt(&bytes, &pass))).await? {
            Ok(plain) => plain,
            Err(e) => refuse!(
                "passphrase",
                format!("The export could not be decrypted ({e}). Check the passphrase; nothing was imported.")
            ),
        }
    } else {
        bytes
    };
    let opts = read::Options { jrnl: jrnl::Config::default(), moods, tz: tz.clone() };
    let parsed = AppState::blocking(move || Ok(read::parse(format, &bytes, &opts))).await?;
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            let hint = e.hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
            refuse!("file", format!("{file}: {e}{hint}. Nothing was imported."))
        }
    };
    let st = state.clone();
    let now = state.now().timestamp();
    let checked = state
        .store(move |store| {
            let (batch, mut preview) = match parsed {
                Parsed::Batch(b) => {
                    let triggers = store.labels(LabelKind::Trigger)?;
                    let feelings = store.labels(LabelKind::Feeling)?;
                    match journal::from_batch(&b, format, &triggers, &feelings, now, &mut || st.new_id()) {
                        Ok(x) => x,
                        Err(e) => return Ok(Err(e)),
                    }
                }
                Parsed::Attune(doc) => match journal::from_document(*doc, now) {
                    Ok(x) => x,
                    Err(e) => return Ok(Err(e)),
                },
            };
            if format.uses_zone() {
                preview.time_zone = Some(tz.iana_name().unwrap_or("your time zone").to_string());
            }
            let counts = store.import(&batch, true, &mut |_| {})?;
            Ok(Ok((batch, preview, counts)))
        })
        .await?;
    let (batch, preview, counts) = match checked {
        Ok(x) => x,
        Err(e) => refuse!("file", format!("{file}: {e}. Nothing was imported.")),
    };
    let token = crate::state::random_token()?;
    let already = if counts.already_there > 0 {
        format!(" {} are already in your journal and would be left as they are.", counts.already_there)
    } else {
        String::new()
    };
    let page = ImportPreviewPage {
        l: layout(&state, &ctx, "Import: check before it is saved", "/settings", policy(&state).await?),
        file: file.clone(),
        format: format.as_str().to_string(),
        lines: preview_lines(&preview),
        skipped: preview.skipped.iter().map(|g| format!("{} × {} (first at {})", g.count, g.why, g.first_at)).collect(),
        would: format!("Importing would add {}.{already}", journal::added_text(&counts)),
        token: token.clone(),
    };
    state.set_pending_import(Some(PendingImport { token, file, batch }));
    render(&page)
}

async fn policy(state: &AppState) -> WebResult<SafetyPolicyView> {
    let mode = state.store(|store| Ok(settings(store)?.mode)).await?;
    Ok(SafetyPolicyView::for_mode(mode))
}

/// `POST /settings/import/confirm`: `token` from the preview.
pub async fn confirm(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<Fields>,
) -> WebResult {
    let given = f.text("token");
    let Some(pending) = state.take_pending_import(&given) else {
        let msg = "That preview is no longer open (attune was locked, or another file was chosen since). Choose \
                   the file again; nothing was imported."
            .to_string();
        let form = TransferForm { import_error: Some(("file", msg)), ..TransferForm::default() };
        return show_with(&state, &ctx, None, None, form).await;
    };
    let PendingImport { file, batch, .. } = pending;
    let now_ms = state.now_moment().unix_ms();
    let (counts, safety) = state
        .store(move |store| {
            let counts = store.import(&batch, false, &mut |_| {})?;
            Ok((counts, batch.safety_count(now_ms)))
        })
        .await?;
    let mut message = format!("Imported from {file}: {}.", journal::added_text(&counts));
    if let Some(said) = safety.sentence(&state.texts().safety.core.notes.import) {
        message.push(' ');
        message.push_str(&said);
        message.push_str(" The Safety page lists support services.");
    }
    see_other(&format!(
        "/settings?{}",
        serde_urlencoded::to_string([("done", "import"), ("imported", &message)]).unwrap_or_default()
    ))
}

/// `POST /settings/import/cancel`: forget the preview.
pub async fn cancel(State(state): State<AppState>) -> WebResult {
    state.set_pending_import(None);
    see_other("/settings?done=import-cancelled#import-h")
}

/// `POST /settings/report`: `weeks`, `section` (repeated), `questions` (one
/// per line), `entries` (numbers). Answers with the HTML file to download.
pub async fn report(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Form(f): Form<Fields>) -> WebResult {
    let mut form = TransferForm {
        questions: f.0.iter().find(|(k, _)| k == "questions").map(|(_, v)| v.clone()).unwrap_or_default(),
        entries: f.text("entries"),
        sections: f.all("section").iter().filter_map(|s| SectionId::parse(s)).collect(),
        ..TransferForm::default()
    };
    macro_rules! refuse {
        ($field:expr, $msg:expr) => {{
            form.report_error = Some(($field, $msg));
            return show_with(&state, &ctx, None, None, form).await;
        }};
    }
    let weeks = f.get("weeks").unwrap_or("8");
    match weeks.parse::<u32>().ok().filter(|w| (1..=520).contains(w)) {
        Some(w) => form.weeks = w,
        None => refuse!("weeks", format!("Period: '{weeks}' is not a number of weeks from 1 to 520.")),
    }
    if let Some(bad) = f.all("section").iter().find(|s| SectionId::parse(s).is_none()) {
        refuse!("sections", format!("Sections: '{bad}' is not one of the offered sections."))
    }
    if form.sections.is_empty() {
        refuse!("sections", "Sections: choose at least one section for the report.".to_string())
    }
    let questions: Vec<String> =
        form.questions.lines().map(str::trim).filter(|q| !q.is_empty()).map(str::to_string).collect();
    let wanted: Vec<String> =
        form.entries.split([',', ' ']).map(str::trim).filter(|e| !e.is_empty()).map(str::to_string).collect();
    let (n_weeks, chosen) = (form.weeks, form.sections.clone());
    let st = state.clone();
    let now = state.now();
    let made = state
        .store(move |store| {
            let mut picked = Vec::new();
            for given in &wanted {
                match store.resolve(given) {
                    Ok(RecordRef::Entry(seq)) => picked.push((seq, store.entry(seq)?.item)),
                    Ok(RecordRef::Checkin(_)) => {
                        return Ok(Err(format!(
                            "Entries: '{given}' is a check-in, not an entry. The Journal page shows entry numbers."
                        )));
                    }
                    Err(StoreError::NotFound { .. }) | Err(StoreError::Ambiguous { .. }) => {
                        return Ok(Err(format!(
                            "Entries: there is no entry '{given}'. The Journal page shows entry numbers."
                        )));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            let (insights, _) = super::insights::compute(&st, store, Window::LastWeeks(n_weeks))?;
            let partner = !settings(store)?.mode;
            let records = journal::report_records(store, insights.window.start, partner)?;
            let input = records.report_input(&insights, now.date(), chosen, questions, &picked, partner);
            Ok(Ok(report::render(&input)))
        })
        .await?;
    match made {
        Ok(html) => {
            let name = format!("attune-report-{}.html", state.now().date());
            Ok(attachment("text/html; charset=utf-8", name, html.into_bytes()))
        }
        Err(msg) => refuse!("entries", msg),
    }
}
