//! Store errors, each with the meaning a person can act on.

use std::path::PathBuf;

/// Everything that can go wrong with a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No store at the directory.
    #[error("no journal found at {0}")]
    Missing(PathBuf),
    /// `create` on a directory that already holds a store.
    #[error("a journal already exists at {0}")]
    AlreadyExists(PathBuf),
    /// The passphrase did not unwrap the key. Nothing was changed.
    #[error("that passphrase does not open this journal")]
    WrongPassphrase,
    /// The store is encrypted and no key was given.
    #[error("the journal is locked")]
    NeedsKey,
    /// A journal (or backup) that is not encrypted, where the caller did not
    /// say that one is expected: it may have been put in place of an
    /// encrypted one, and everything written to it would be readable.
    #[error("{0} is not encrypted, and attune was not told to expect a journal without encryption")]
    Plain(PathBuf),
    /// The key opened the key file but not the database (or the file is damaged).
    #[error("the journal file at {0} cannot be read: it is damaged or not an attune journal")]
    Corrupt(PathBuf),
    /// The database was made by a newer attune.
    #[error("this journal was written by a newer attune (schema {found}, this version knows up to {known})")]
    TooNew {
        /// Version on disk.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// Another attune process holds the write lock for too long.
    #[error("the journal is busy (another attune is writing to it)")]
    Busy,
    /// Another attune has the journal open, so it cannot be swapped now.
    #[error("the journal at {0} is open in another attune (attune serve, or a command still running)")]
    InUse(PathBuf),
    /// The disk is full.
    #[error("the disk is full")]
    DiskFull,
    /// The operating system refused a read or write of the database (a full
    /// disk or a file-size limit shows up this way too, as may a failing or
    /// removed disk). SQLite rolled the transaction back.
    #[error("the journal at {0} could not be written or read: the disk refused it (full, removed or failing?)")]
    DiskIo(PathBuf),
    /// The store's files cannot be written.
    #[error("the journal at {0} is read-only")]
    ReadOnly(PathBuf),
    /// An erase destroyed the key, so nothing left can be read, but stopped
    /// before every file was removed. Unlike every other error, something
    /// was changed: front ends must not say otherwise.
    #[error(
        "the key of the journal at {path} was destroyed, so what is left can no longer be read by anyone, but \
         erasing stopped part way: {reason}"
    )]
    PartlyErased { path: PathBuf, reason: String },
    /// No record matches what was typed.
    #[error("no {what} matches '{given}'")]
    NotFound {
        /// "entry" or "check-in".
        what: &'static str,
        /// The id as typed.
        given: String,
    },
    /// An id prefix matches more than one record.
    #[error("'{given}' matches {count} records; type more of the id")]
    Ambiguous {
        /// The prefix as typed.
        given: String,
        /// How many matched.
        count: usize,
    },
    /// A label operation that conflicts with the list (name taken, unknown name, ...).
    #[error("{0}")]
    Label(String),
    /// A key file that cannot be parsed or has unsupported parameters.
    #[error("the key file {path} is invalid: {message}")]
    KeyFile {
        /// Where.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A key file written by a newer attune. Nothing was changed.
    #[error(
        "the key file {path} was written by a newer attune (format version {found}, this version knows up to {known})"
    )]
    KeyFileTooNew {
        /// Where.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// The newest format version this build knows.
        known: u32,
    },
    /// A record in the database that no longer decodes (should never happen).
    #[error("a stored record could not be read: {0}")]
    Decode(String),
    /// Any other file system error.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we were doing ("writing", "reading").
        action: &'static str,
        /// Which file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        if source.raw_os_error() == Some(28) {
            return StoreError::DiskFull;
        }
        StoreError::Io { action, path: path.into(), source }
    }
}
