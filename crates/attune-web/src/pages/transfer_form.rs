//! What the export, import and report forms on the Settings page offer,
//! and what was typed into them, kept when one of them is refused.

use attune_formats::report::SectionId;

/// Export formats: form value, what the person sees.
pub const EXPORT_FORMATS: [(&str, &str); 5] = [
    ("json", "attune JSON: everything, to bring back into attune"),
    ("csv", "CSV spreadsheets (entries and check-ins, in one zip)"),
    ("markdown", "Markdown: a readable journal"),
    ("jrnl", "jrnl: a text file to carry on in jrnl"),
    ("ics", "Calendar (.ics): agreements and trigger plans"),
];

/// Import formats: form value, what the person sees.
pub const IMPORT_FORMATS: [(&str, &str); 7] = [
    ("jrnl", "jrnl text file"),
    ("jrnl-json", "jrnl JSON export"),
    ("dayone", "Day One JSON export (.json or .zip)"),
    ("daylio", "Daylio CSV export"),
    ("bearable", "Bearable CSV export"),
    ("freecbt", "FreeCBT or Quirk thought records (CSV)"),
    ("attune", "attune export (JSON, encrypted or not)"),
];

/// Report sections as the person sees them.
pub fn section_label(s: SectionId) -> &'static str {
    match s {
        SectionId::Pattern => "Passing or recurring, with the evidence",
        SectionId::Wellbeing => "Felt security, seen, trusted and respected over time",
        SectionId::Triggers => "What set it off most",
        SectionId::Profile => "Signs and where it may come from",
        SectionId::Questionnaires => "Questionnaire scores",
        SectionId::Consequences => "Consequences",
        SectionId::Agreements => "Agreements and how pauses went",
        SectionId::Questions => "My questions for the session",
        SectionId::Entries => "Entries I choose to share",
    }
}

/// The report periods offered, in weeks.
pub const REPORT_WEEKS: [u32; 5] = [4, 8, 12, 26, 52];

/// What the person typed into the export, import and report forms, kept
/// when one of them is refused; errors sit next to their field.
#[derive(Clone, Debug)]
pub struct TransferForm {
    /// Chosen export format.
    pub export_format: String,
    /// Why the export was refused.
    pub export_error: Option<String>,
    /// Calendar export: the agreements' own words in the event titles
    /// (off by default, as a calendar is often seen by others).
    pub ics_words: bool,
    /// Chosen import format.
    pub import_format: String,
    /// Time zone typed for the import.
    pub import_tz: String,
    /// Daylio mood mapping typed for the import.
    pub import_moods: String,
    /// Why the import was refused, and which field: "file", "tz", "moods", "passphrase".
    pub import_error: Option<(&'static str, String)>,
    /// Report period in weeks.
    pub weeks: u32,
    /// Report sections chosen.
    pub sections: Vec<SectionId>,
    /// Questions for the session, one per line.
    pub questions: String,
    /// Entry numbers to share.
    pub entries: String,
    /// Why the report was refused, and which field: "weeks", "sections", "entries".
    pub report_error: Option<(&'static str, String)>,
}

impl Default for TransferForm {
    fn default() -> Self {
        Self {
            export_format: "json".into(),
            export_error: None,
            ics_words: false,
            import_format: "jrnl".into(),
            import_tz: String::new(),
            import_moods: String::new(),
            import_error: None,
            weeks: 8,
            sections: SectionId::ALL.to_vec(),
            questions: String::new(),
            entries: String::new(),
            report_error: None,
        }
    }
}

impl TransferForm {
    /// The error for one import field.
    pub fn import_err(&self, field: &str) -> Option<&str> {
        self.import_error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    /// The error for one report field.
    pub fn report_err(&self, field: &str) -> Option<&str> {
        self.report_error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}
