//! The Settings page itself, drawn by its own handlers and by export,
//! import and the report when they refuse a form (what was typed is kept).

use std::path::PathBuf;

use askama::Template;
use attune_formats::report::SectionId;
use attune_store::{Deleted, UNDO_WINDOW_DAYS};

use super::safety::settings;
use super::transfer_form::{EXPORT_FORMATS, IMPORT_FORMATS, REPORT_WEEKS, TransferForm, section_label};
use super::{Ctx, SafetyPolicyView, WebResult, layout, render};
use crate::state::AppState;
use crate::views::Layout;

/// The lock times offered, in minutes.
pub const LOCK_CHOICES: [u64; 6] = [1, 5, 15, 30, 60, 120];

/// The Settings page.
#[derive(Debug, Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    l: Layout,
    store_dir: String,
    encrypted: bool,
    lock_choices: Vec<(u64, bool)>,
    backup_dir: String,
    message: Option<String>,
    error: Option<String>,
    /// What was typed into the export, import and report forms.
    form: TransferForm,
    export_formats: Vec<(&'static str, &'static str, bool)>,
    import_formats: Vec<(&'static str, &'static str, bool)>,
    report_weeks: Vec<(u32, bool)>,
    report_sections: Vec<(&'static str, &'static str, bool)>,
    /// What waits, deleted, for the undo window to end.
    deleted: Deleted,
    /// The same in words.
    waiting: String,
    undo_days: i64,
}

/// Where backups go unless the person says otherwise: beside the journal.
pub fn default_backup_dir(state: &AppState) -> PathBuf {
    let dir = &state.cfg().store_dir;
    dir.parent().map(|p| p.join("attune-backups")).unwrap_or_else(|| dir.join("backups"))
}

pub async fn show(state: &AppState, ctx: &Ctx, message: Option<String>, error: Option<String>) -> WebResult {
    show_with(state, ctx, message, error, TransferForm::default()).await
}

/// The page, keeping what was typed into the export, import and report forms.
pub async fn show_with(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    error: Option<String>,
    form: TransferForm,
) -> WebResult {
    let (mode, encrypted, deleted) =
        state.store(|store| Ok((settings(store)?.mode, store.is_encrypted(), store.deleted()?))).await?;
    let minutes = state.lock_after().as_secs().div_ceil(60);
    render(&SettingsPage {
        l: layout(state, ctx, "Settings", "/settings", SafetyPolicyView::for_mode(mode)),
        store_dir: state.cfg().store_dir.display().to_string(),
        encrypted,
        lock_choices: LOCK_CHOICES.iter().map(|m| (*m, *m == minutes)).collect(),
        backup_dir: default_backup_dir(state).display().to_string(),
        message,
        error,
        export_formats: EXPORT_FORMATS
            .iter()
            .filter(|(v, _)| !mode || *v != "ics")
            .map(|(v, l)| (*v, *l, *v == form.export_format))
            .collect(),
        import_formats: IMPORT_FORMATS.iter().map(|(v, l)| (*v, *l, *v == form.import_format)).collect(),
        report_weeks: REPORT_WEEKS.iter().map(|w| (*w, *w == form.weeks)).collect(),
        report_sections: SectionId::ALL
            .iter()
            .filter(|s| !mode || **s != SectionId::Agreements)
            .map(|s| (s.as_str(), section_label(*s), form.sections.contains(s)))
            .collect(),
        form,
        waiting: describe(&deleted),
        deleted,
        undo_days: UNDO_WINDOW_DAYS,
    })
}

/// "2 entries, 1 check-in and 3 earlier versions".
pub fn describe(d: &Deleted) -> String {
    let count = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    let mut parts = Vec::new();
    if d.entries > 0 {
        parts.push(count(d.entries, "entry", "entries"));
    }
    if d.checkins > 0 {
        parts.push(count(d.checkins, "check-in", "check-ins"));
    }
    if d.versions > 0 {
        parts.push(count(d.versions, "earlier version", "earlier versions"));
    }
    match parts.pop() {
        None => "nothing was waiting".to_string(),
        Some(last) if parts.is_empty() => last,
        Some(last) => format!("{} and {last}", parts.join(", ")),
    }
}
