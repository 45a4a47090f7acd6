//! One error type for every command: a sentence, an optional hint, and the
//! exit code. Printed as one line (plus hints); never a backtrace.

use std::fmt;

use attune_core::ValidationError;
use attune_store::StoreError;

/// Exit codes (documented in the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The reader went away (`attune list | head`): not an error.
    Pipe = 0,
    /// Bad input, or something that does not exist.
    User = 1,
    /// The journal could not be unlocked (wrong or missing passphrase).
    Unlock = 3,
    /// The journal could not be read or written (busy, disk full, damaged).
    Storage = 4,
    /// A bug: please report it.
    Internal = 70,
}

/// An error ready to show to a person.
#[derive(Debug)]
pub struct CliError {
    /// What went wrong (lines for several problems).
    pub message: String,
    /// How to fix it.
    pub hints: Vec<String>,
    /// The process exit code.
    pub exit: Exit,
}

impl CliError {
    /// A user error with no hint.
    pub fn user(message: impl Into<String>) -> Self {
        Self { message: message.into(), hints: Vec::new(), exit: Exit::User }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Changes the exit code.
    pub fn exit(mut self, exit: Exit) -> Self {
        self.exit = exit;
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ValidationError> for CliError {
    fn from(err: ValidationError) -> Self {
        let count = err.problems.len();
        let mut message = if count == 1 {
            String::from("nothing was saved: ")
        } else {
            format!("nothing was saved; {count} things to fix:")
        };
        let mut hints = Vec::new();
        for p in &err.problems {
            if count == 1 {
                message.push_str(&format!("{} {}", p.field, p.message));
            } else {
                message.push_str(&format!("\n  - {} {}", p.field, p.message));
            }
            if let Some(h) = &p.hint {
                hints.push(format!("{}: {h}", p.field));
            }
        }
        Self { message, hints, exit: Exit::User }
    }
}

impl From<StoreError> for CliError {
    fn from(err: StoreError) -> Self {
        let message = err.to_string();
        let (exit, hint): (Exit, Option<String>) = match &err {
            StoreError::Missing(_) => {
                (Exit::User, Some("create one with `attune init`, or point --store at an existing journal".into()))
            }
            StoreError::AlreadyExists(_) => {
                (Exit::User, Some("use it as it is, or choose another place with --store".into()))
            }
            StoreError::WrongPassphrase => {
                (Exit::Unlock, Some("check for caps lock and try again; nothing was changed".into()))
            }
            StoreError::NeedsKey => (
                Exit::Unlock,
                Some("run the command in a terminal to be asked, or set ATTUNE_PASSPHRASE_COMMAND".into()),
            ),
            StoreError::Plain(_) => (
                Exit::Storage,
                Some(
                    "if you chose a journal without encryption, say so with `allow_plain = true` in attune's config \
                     file (`attune config` shows where) or ATTUNE_ALLOW_PLAIN=1. If you did not, someone may have \
                     replaced your journal: do not write in it, and put your encrypted backup back with \
                     `attune restore FILE`"
                        .into(),
                ),
            ),
            StoreError::Corrupt(_) => (
                Exit::Storage,
                Some("put a backup back with `attune restore FILE` (`attune backup` makes one); attune did not change the file".into()),
            ),
            StoreError::TooNew { .. } | StoreError::KeyFileTooNew { .. } => {
                (Exit::Storage, Some("update attune to the newest version; nothing was changed".into()))
            }
            StoreError::Busy => (
                Exit::Storage,
                Some("wait a moment and try again; close other attune windows if this keeps happening".into()),
            ),
            StoreError::InUse(_) => (
                Exit::Storage,
                Some("close it first (stop `attune serve` with Ctrl+C), then try again; nothing was changed".into()),
            ),
            StoreError::DiskFull => (Exit::Storage, Some("free some space and try again".into())),
            StoreError::DiskIo(_) => (
                Exit::Storage,
                Some("check that the disk has space and is still there, then try again; nothing was changed".into()),
            ),
            StoreError::PartlyErased { path, .. } => (
                Exit::Storage,
                Some(format!(
                    "run `attune erase` again to remove the rest, or delete the folder {} yourself",
                    path.display()
                )),
            ),
            StoreError::ReadOnly(_) => {
                (Exit::Storage, Some("check the folder's permissions, or whether the disk is mounted read-only".into()))
            }
            StoreError::NotFound { .. } => {
                (Exit::User, Some("`attune list` shows entry numbers; check-ins are numbered c1, c2, …".into()))
            }
            StoreError::Ambiguous { .. } => (Exit::User, None),
            StoreError::Label(_) => (Exit::User, None),
            StoreError::KeyFile { .. } => {
                (Exit::Storage, Some("restore the key file from a backup (`<backup>.key.json`)".into()))
            }
            StoreError::Decode(_) | StoreError::Sqlite(_) => {
                (Exit::Internal, Some("this is a bug in attune; your data was not changed. Please report it".into()))
            }
            StoreError::Io { .. } => (Exit::Storage, None),
        };
        Self { message, hints: hint.into_iter().collect(), exit }
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        let exit = if err.kind() == std::io::ErrorKind::BrokenPipe { Exit::Pipe } else { Exit::Storage };
        Self { message: err.to_string(), hints: Vec::new(), exit }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(err: serde_json::Error) -> Self {
        Self { message: format!("could not write JSON: {err}"), hints: Vec::new(), exit: Exit::Internal }
    }
}

/// Result alias for commands.
pub type CliResult<T = ()> = Result<T, CliError>;
