//! What every command needs: settings, "now", and a way to open the journal
//! (unlocking it once and caching the key for the configured time).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use attune_core::content::Library;
use attune_core::{Moment, RecordId, when};
use attune_store::{DataKey, Passphrase, Store, StoreError, keycache, sealed};
use jiff::ZonedDateTime;
use jiff::tz::{Offset, TimeZone};

use crate::config::Settings;
use crate::error::{CliError, CliResult, Exit};

/// The environment of one command run.
#[derive(Debug)]
pub struct App {
    /// Settings in effect.
    pub settings: Settings,
    /// The time the command started, in the person's time zone.
    pub now: ZonedDateTime,
    /// Whether "now" is fixed by ATTUNE_NOW (scripts and tests), rather than the clock.
    pub now_is_fixed: bool,
    /// Whether a person is at the keyboard (stdin and stdout are terminals).
    pub interactive: bool,
    passphrase_command: Option<String>,
    new_passphrase_command: Option<String>,
}

/// An open journal and the key that opened it (kept for encrypting drafts).
#[derive(Debug)]
pub struct Opened {
    /// The store.
    pub store: Store,
    /// Its data key (`None` for an unencrypted journal).
    pub key: Option<DataKey>,
}

impl App {
    /// Builds the environment; `env` looks up environment variables.
    pub fn new(settings: Settings, env: &dyn Fn(&str) -> Option<String>) -> CliResult<Self> {
        let fixed = env("ATTUNE_NOW");
        let now = match &fixed {
            Some(text) => parse_now(text)?,
            None => ZonedDateTime::now(),
        };
        Ok(Self {
            settings,
            now,
            now_is_fixed: fixed.is_some(),
            interactive: std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
            passphrase_command: env("ATTUNE_PASSPHRASE_COMMAND").filter(|c| !c.trim().is_empty()),
            new_passphrase_command: env("ATTUNE_NEW_PASSPHRASE_COMMAND").filter(|c| !c.trim().is_empty()),
        })
    }

    /// Whether ATTUNE_PASSPHRASE_COMMAND gives the passphrase, so opening
    /// the journal never asks anybody.
    pub fn has_passphrase_command(&self) -> bool {
        self.passphrase_command.is_some()
    }

    /// The journal directory.
    pub fn store_dir(&self) -> &PathBuf {
        &self.settings.store.value
    }

    /// "Now" as a stored moment.
    pub fn now_moment(&self) -> Moment {
        Moment::from_zoned(&self.now)
    }

    /// A new time-ordered id.
    pub fn new_id(&self) -> RecordId {
        RecordId::from_uuid(uuid::Uuid::now_v7())
    }

    /// Parses a date phrase typed for `flag`, relative to now.
    pub fn when(&self, flag: &str, text: &str, edge: when::Edge) -> CliResult<ZonedDateTime> {
        when::parse(text, &self.now, edge).map_err(|e| CliError::user(format!("{flag}: {e}")))
    }

    /// Parses when something happened (`--at`): like [`App::when`], but a
    /// moment more than a day ahead or before 1900 is refused as a typo
    /// rather than kept where no list or insight would ever show it.
    pub fn happened(&self, flag: &str, text: &str) -> CliResult<ZonedDateTime> {
        let z = self.when(flag, text, when::Edge::SameTime)?;
        let shown = z.strftime("%Y-%m-%d %H:%M").to_string();
        match when::check_happened(z.timestamp(), z.year(), self.now.timestamp()) {
            Ok(()) => Ok(z),
            Err(when::OutOfRange::Future) => {
                Err(CliError::user(format!("{flag}: {shown} is in the future; nothing was saved"))
                    .hint("check the year, or leave the date out to use now"))
            }
            Err(when::OutOfRange::TooEarly) => {
                Err(CliError::user(format!("{flag}: {shown} is before {}; nothing was saved", when::EARLIEST_YEAR))
                    .hint("check the year, e.g. 2026-11-01"))
            }
        }
    }

    /// The product texts: built in, with the person's own files from
    /// `content_dir` laid over them.
    pub fn library(&self) -> CliResult<Library> {
        let library = Library::embedded();
        let Some(dir) = &self.settings.content_dir.value else {
            return Ok(library);
        };
        let mut files = Vec::new();
        read_tree(dir, dir, &mut files).map_err(|e| {
            CliError::user(format!("cannot read content_dir {}: {e}", dir.display()))
                .hint("fix the path in your config, or remove content_dir to use the built-in texts")
        })?;
        library.with_overrides(files).map_err(|e| {
            CliError::user(format!("content_dir {}: {}", dir.display(), e.message))
                .hint("the file names must match those under content/ in attune's source")
        })
    }

    /// Whether safety mode is on for this journal. Every screen that could
    /// suggest something involving the partner (talking openly, scripts meant
    /// for them, agreements, sharing) asks [`App::safety_policy`] first and
    /// leaves it out when this is true; see ARCHITECTURE.md, "in safety mode".
    pub fn safety_mode(&self, store: &Store) -> CliResult<bool> {
        Ok(store.safety_mode()?)
    }

    /// What to offer, given safety mode: resources first, and no partner
    /// talk, partner sharing or agreements while it is on.
    pub fn safety_policy(&self, store: &Store) -> CliResult<attune_core::safety::SafetyPolicy> {
        Ok(attune_core::safety::SafetyPolicy::for_mode(self.safety_mode(store)?))
    }

    /// Opens the journal, unlocking it if needed.
    pub fn open(&self) -> CliResult<Opened> {
        let dir = self.store_dir();
        match Store::probe(dir)? {
            None => Err(StoreError::Missing(dir.clone()).into()),
            Some(false) => Ok(Opened { store: self.open_plain()?, key: None }),
            Some(true) => {
                if let Some(key) = keycache::get(dir) {
                    match Store::open(dir, Some(&key)) {
                        Ok(store) => {
                            if sealed::count(dir) > 0 {
                                offer_sealed(dir, &key);
                            }
                            return Ok(Opened { store, key: Some(key) });
                        }
                        // A stale cached key (e.g. a restored backup): forget it and ask.
                        Err(StoreError::Corrupt(_)) => {
                            keycache::forget(dir);
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                let passphrase = self.passphrase("Passphrase: ")?;
                let key = Store::unlock(dir, &passphrase)?;
                self.remember(&key);
                let store = Store::open(dir, Some(&key))?;
                // Also gives a key file from before sealed drafts its drafts key.
                offer_sealed(dir, &key);
                Ok(Opened { store, key: Some(key) })
            }
        }
    }

    /// Opens a journal without encryption: only with the person's
    /// `allow_plain`; otherwise the store refuses it ([`StoreError::Plain`]).
    pub fn open_plain(&self) -> CliResult<Store> {
        let dir = self.store_dir();
        Ok(if self.settings.allow_plain.value { Store::open_plain(dir)? } else { Store::open(dir, None)? })
    }

    /// Keeps the key unlocked for the configured time, if the platform allows.
    pub fn remember(&self, key: &DataKey) {
        let ttl = self.settings.lock_after.value;
        if !ttl.is_zero() {
            // Without a key cache attune still works; it just asks each time.
            let _ = keycache::put(self.store_dir(), key, ttl);
        }
    }

    /// Asks for the journal passphrase: from ATTUNE_PASSPHRASE_COMMAND, or the terminal.
    pub fn passphrase(&self, prompt: &str) -> CliResult<Passphrase> {
        match &self.passphrase_command {
            Some(cmd) => run_passphrase_command(cmd, "ATTUNE_PASSPHRASE_COMMAND"),
            None => self.prompt_passphrase(prompt),
        }
    }

    /// Asks for a new passphrase twice (or from ATTUNE_NEW_PASSPHRASE_COMMAND,
    /// falling back to ATTUNE_PASSPHRASE_COMMAND when creating a journal).
    pub fn new_passphrase(&self, creating: bool) -> CliResult<Passphrase> {
        let command =
            self.new_passphrase_command.as_ref().or(if creating { self.passphrase_command.as_ref() } else { None });
        let pass = match command {
            Some(cmd) => run_passphrase_command(cmd, "the passphrase command")?,
            None => {
                let first = self.prompt_passphrase("New passphrase: ")?;
                let second = self.prompt_passphrase("Type it again: ")?;
                if first.expose() != second.expose() {
                    return Err(CliError::user("the two passphrases differ; nothing was changed").hint("try again"));
                }
                first
            }
        };
        check_strength(&pass)?;
        Ok(pass)
    }

    fn prompt_passphrase(&self, prompt: &str) -> CliResult<Passphrase> {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::user("the journal is locked and there is no terminal to ask for the passphrase")
                .hint("run the command in a terminal, or set ATTUNE_PASSPHRASE_COMMAND to a command that prints it")
                .exit(Exit::Unlock));
        }
        let text = rpassword::prompt_password(prompt)
            .map_err(|e| CliError::user(format!("could not read the passphrase: {e}")).exit(Exit::Unlock))?;
        Ok(Passphrase::new(text))
    }
}

/// Every file under `dir`, as (path relative to `root` with `/`, text).
fn read_tree(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_tree(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push((rel.join("/"), std::fs::read_to_string(&path)?));
        }
    }
    Ok(())
}

/// Runs a passphrase command; its output is never shown or logged.
fn run_passphrase_command(cmd: &str, what: &str) -> CliResult<Passphrase> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| CliError::user(format!("could not run {what}: {e}")).exit(Exit::Unlock))?;
    if !output.status.success() {
        return Err(CliError::user(format!("{what} failed ({})", output.status)).exit(Exit::Unlock));
    }
    let mut bytes = zeroize::Zeroizing::new(output.stdout);
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| CliError::user(format!("{what} printed something that is not text")).exit(Exit::Unlock))?;
    if text.is_empty() {
        return Err(CliError::user(format!("{what} printed nothing")).exit(Exit::Unlock));
    }
    Ok(Passphrase::new(text))
}

/// A floor, not a policy: very short passphrases fall to guessing quickly.
fn check_strength(pass: &Passphrase) -> CliResult {
    if pass.expose().chars().count() < 8 {
        return Err(CliError::user("that passphrase is shorter than 8 characters; nothing was changed")
            .hint("a few unrelated words make a passphrase that is long and easy to remember"));
    }
    Ok(())
}

/// ATTUNE_NOW: a fixed "now" for reproducible scripts and tests.
fn parse_now(text: &str) -> CliResult<ZonedDateTime> {
    if let Ok(z) = text.parse::<ZonedDateTime>() {
        return Ok(z);
    }
    let m: Moment = text.parse().map_err(|_| {
        CliError::user(format!("ATTUNE_NOW: '{text}' is not a date-time like 2026-11-26T21:00:00+01:00"))
    })?;
    let tz = TimeZone::fixed(Offset::from_seconds(m.offset_seconds).unwrap_or(Offset::UTC));
    Ok(m.at.to_zoned_datetime(tz))
}

/// After an unlock: text typed into `attune serve` after it locked was
/// sealed; it becomes an ordinary (encrypted) draft now, and the person is
/// told where to find it. A failure here never stops the command.
fn offer_sealed(dir: &std::path::Path, key: &DataKey) {
    match sealed::after_unlock(dir, key) {
        Ok(done) if done.offered == 1 => crate::out::note(
            "Something you wrote in the web app after it locked was kept for you, encrypted. \
             `attune drafts` shows it; `attune drafts restore 1` saves it.",
        ),
        Ok(done) if done.offered > 1 => crate::out::note(&format!(
            "{} things you wrote in the web app after it locked were kept for you, encrypted. \
             `attune drafts` shows them.",
            done.offered
        )),
        Ok(_) => {}
        Err(e) => crate::out::note(&format!("note: text kept while attune was locked could not be offered yet: {e}")),
    }
}
