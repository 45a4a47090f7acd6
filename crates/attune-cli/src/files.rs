//! Files attune writes or reads outside the journal: private atomic writes
//! and the passphrase-encrypted (age) export, for every command that needs
//! them (export, import, report, man, agree's calendar).

use std::path::Path;

use attune_formats::crypt;

use crate::app::App;
use crate::error::{CliError, CliResult, Exit};

/// Writes a file atomically (temporary file beside it, then rename), mode
/// 0600, like every file attune writes; `hint` says how to choose another
/// place with the command's own flag.
pub fn write(path: &Path, bytes: &[u8], hint: &str) -> CliResult {
    attune_store::write_file_atomically(path, bytes)
        .map_err(|e| CliError::user(format!("could not write {}: {e}", path.display())).hint(hint))
}

/// Decrypts an age file made by `attune export --encrypt`, asking for its passphrase.
pub fn decrypt(bytes: &[u8], app: &App) -> CliResult<Vec<u8>> {
    let pass = app.passphrase("Passphrase of the encrypted export: ")?;
    crypt::decrypt(bytes, pass.expose()).map_err(|e| {
        CliError::user(format!("the export could not be decrypted: {e}; nothing was imported"))
            .hint("use the passphrase you chose when exporting")
            .exit(Exit::Unlock)
    })
}

/// Encrypts with a new passphrase (asked twice, or from the new-passphrase command).
pub fn encrypt(bytes: &[u8], app: &App) -> CliResult<Vec<u8>> {
    let pass = app.new_passphrase(false)?;
    crypt::encrypt(bytes, pass.expose())
        .map_err(|e| CliError::user(format!("could not encrypt the export: {e}")).exit(Exit::Internal))
}
