//! Settings, resolved in one place: defaults, then the config file, then
//! `ATTUNE_*` environment variables, then flags. `attune config` shows the
//! result and where each value came from.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::args::{ColorChoice, GlobalArgs};
use crate::error::{CliError, CliResult};

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Built in.
    Default,
    /// The config file.
    File,
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag,
}

/// A value with its origin.
#[derive(Clone, Debug, Serialize)]
pub struct Setting<T> {
    /// The value in effect.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
}

impl<T> Setting<T> {
    fn new(value: T) -> Self {
        Self { value, origin: Origin::Default }
    }

    fn set(&mut self, value: T, origin: Origin) {
        self.value = value;
        self.origin = origin;
    }
}

/// Every setting in effect.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    /// The config file that was read (or would be).
    pub config_file: PathBuf,
    /// The journal directory.
    pub store: Setting<PathBuf>,
    /// How long an unlocked journal stays unlocked; zero means ask every time.
    #[serde(serialize_with = "ser_duration")]
    pub lock_after: Setting<Duration>,
    /// Colour output.
    pub color: Setting<ColorChoice>,
    /// The editor command for `--edit` (falls back to $VISUAL, $EDITOR, then vi).
    pub editor: Setting<String>,
    /// A folder of the person's own versions of content files (wording, translations).
    pub content_dir: Setting<Option<PathBuf>>,
    /// Whether `attune due --short` shows agreements' own words (off: counts and times only).
    pub due_words: Setting<bool>,
    /// Whether a journal without encryption may be opened (the person's own
    /// choice, written by `attune init --no-encryption`). Off, a plain journal
    /// is refused: it may have been put in place of the encrypted one.
    pub allow_plain: Setting<bool>,
}

fn ser_duration<S: serde::Serializer>(s: &Setting<Duration>, ser: S) -> Result<S::Ok, S::Error> {
    Setting { value: format_duration(s.value), origin: s.origin.clone() }.serialize(ser)
}

/// "15m", "1h30m", "0s".
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// The config file's shape. Unknown keys are errors, so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    store: Option<PathBuf>,
    lock_after: Option<String>,
    color: Option<ColorChoice>,
    editor: Option<String>,
    content_dir: Option<PathBuf>,
    due_words: Option<bool>,
    allow_plain: Option<bool>,
}

/// Platform directories, found once.
#[derive(Clone, Debug)]
pub struct Dirs {
    /// Default journal directory.
    pub data: PathBuf,
    /// Directory of config.toml.
    pub config: PathBuf,
}

impl Dirs {
    /// XDG on Linux, the platform's conventions elsewhere.
    pub fn platform() -> CliResult<Self> {
        let dirs = directories::ProjectDirs::from("", "", "attune").ok_or_else(|| {
            CliError::user("cannot find your home directory to keep the journal in")
                .hint("pass --store PATH or set ATTUNE_STORE")
        })?;
        Ok(Self { data: dirs.data_dir().to_path_buf(), config: dirs.config_dir().to_path_buf() })
    }
}

/// Parses "15m", "1h", "90s", "0" into a duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    let d: jiff::SignedDuration =
        t.parse().map_err(|_| format!("'{text}' is not a duration; use for example 15m, 1h or 0 (ask every time)"))?;
    if d.is_negative() {
        return Err(format!("'{text}' is negative"));
    }
    Duration::try_from(d).map_err(|_| format!("'{text}' is out of range"))
}

impl Settings {
    /// Resolves settings from all sources. `env` looks up environment variables.
    pub fn resolve(flags: &GlobalArgs, dirs: &Dirs, env: &dyn Fn(&str) -> Option<String>) -> CliResult<Self> {
        let config_file = env("ATTUNE_CONFIG").map(PathBuf::from).unwrap_or_else(|| dirs.config.join("config.toml"));
        let mut s = Settings {
            store: Setting::new(dirs.data.clone()),
            lock_after: Setting::new(Duration::from_secs(15 * 60)),
            color: Setting::new(ColorChoice::Auto),
            editor: Setting::new(
                env("VISUAL").or_else(|| env("EDITOR")).filter(|e| !e.trim().is_empty()).unwrap_or_else(|| "vi".into()),
            ),
            content_dir: Setting::new(None),
            due_words: Setting::new(false),
            allow_plain: Setting::new(false),
            config_file,
        };

        let file = read_file(&s.config_file)?;
        let bad_file = |key: &str, msg: String| {
            CliError::user(format!("{} in {}: {msg}", key, s.config_file.display()))
                .hint("fix or remove that line; `attune config` shows what is in effect")
        };
        if let Some(p) = file.store {
            s.store.set(p, Origin::File);
        }
        if let Some(v) = file.lock_after {
            let d = parse_duration(&v).map_err(|m| bad_file("lock_after", m))?;
            s.lock_after.set(d, Origin::File);
        }
        if let Some(c) = file.color {
            s.color.set(c, Origin::File);
        }
        if let Some(e) = file.editor {
            s.editor.set(e, Origin::File);
        }
        if let Some(d) = file.content_dir {
            s.content_dir.set(Some(d), Origin::File);
        }
        if let Some(w) = file.due_words {
            s.due_words.set(w, Origin::File);
        }
        if let Some(a) = file.allow_plain {
            s.allow_plain.set(a, Origin::File);
        }

        if let Some(p) = env("ATTUNE_STORE").filter(|p| !p.is_empty()) {
            s.store.set(PathBuf::from(p), Origin::Env("ATTUNE_STORE".into()));
        }
        if let Some(d) = env("ATTUNE_CONTENT_DIR").filter(|d| !d.is_empty()) {
            s.content_dir.set(Some(PathBuf::from(d)), Origin::Env("ATTUNE_CONTENT_DIR".into()));
        }
        if let Some(v) = env("ATTUNE_LOCK_AFTER") {
            let d = parse_duration(&v).map_err(|m| CliError::user(format!("ATTUNE_LOCK_AFTER: {m}")))?;
            s.lock_after.set(d, Origin::Env("ATTUNE_LOCK_AFTER".into()));
        }
        if let Some(v) = env("ATTUNE_ALLOW_PLAIN") {
            let a = match v.trim() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" | "" => false,
                other => {
                    return Err(CliError::user(format!("ATTUNE_ALLOW_PLAIN: '{other}' is not 1 or 0"))
                        .hint("ATTUNE_ALLOW_PLAIN=1 lets a journal without encryption open; unset it otherwise"));
                }
            };
            s.allow_plain.set(a, Origin::Env("ATTUNE_ALLOW_PLAIN".into()));
        }
        if let Some(v) = env("ATTUNE_COLOR") {
            let c = match v.as_str() {
                "auto" => ColorChoice::Auto,
                "always" => ColorChoice::Always,
                "never" => ColorChoice::Never,
                other => {
                    return Err(CliError::user(format!("ATTUNE_COLOR: '{other}' is not auto, always or never")));
                }
            };
            s.color.set(c, Origin::Env("ATTUNE_COLOR".into()));
        }

        if let Some(p) = &flags.store {
            s.store.set(p.clone(), Origin::Flag);
        }
        if let Some(c) = flags.color {
            s.color.set(c, Origin::Flag);
        }
        Ok(s)
    }
}

/// Records in the config file that a journal without encryption is the
/// person's choice (`attune init --no-encryption`), so later runs open it.
/// Kept outside the journal's folder on purpose: a journal swapped for a
/// plain one brings no such line with it.
pub fn allow_plain_in_file(settings: &Settings) -> CliResult {
    if settings.allow_plain.value {
        return Ok(());
    }
    let path = &settings.config_file;
    if settings.allow_plain.origin != Origin::Default {
        return Err(CliError::user(format!(
            "allow_plain is off ({}), so a journal without encryption would not open; nothing was created",
            match &settings.allow_plain.origin {
                Origin::Env(var) => format!("set by {var}"),
                _ => format!("in {}", path.display()),
            }
        ))
        .hint("remove that setting (or set it to true) if a journal without encryption is what you want"));
    }
    let mut text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(CliError::user(format!("cannot read the config file {}: {e}", path.display()))),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# Written by `attune init --no-encryption`: a journal without encryption is my choice.\n");
    text.push_str("allow_plain = true\n");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        attune_store::create_private_dir_all(dir).map_err(|e| CliError::user(e.to_string()))?;
    }
    attune_store::write_file_atomically(path, text.as_bytes()).map_err(|e| {
        CliError::user(format!("could not write the config file {}: {e}; nothing was created", path.display()))
    })
}

fn read_file(path: &Path) -> CliResult<FileConfig> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(e) => return Err(CliError::user(format!("cannot read the config file {}: {e}", path.display()))),
    };
    toml::from_str(&text).map_err(|e| {
        CliError::user(format!("the config file {} is not valid: {}", path.display(), e.message()))
            .hint("known settings: store, lock_after, color, editor, content_dir, due_words, allow_plain")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(tmp: &Path) -> Dirs {
        Dirs { data: tmp.join("data"), config: tmp.join("config") }
    }

    #[test]
    fn layers_apply_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("config")).unwrap();
        std::fs::write(
            tmp.path().join("config/config.toml"),
            "lock_after = \"5m\"\nstore = \"/from/file\"\ncolor = \"never\"\n",
        )
        .unwrap();
        let flags = GlobalArgs { store: Some(PathBuf::from("/from/flag")), color: None };
        let env = |k: &str| (k == "ATTUNE_LOCK_AFTER").then(|| "1h".to_string());
        let s = Settings::resolve(&flags, &dirs(tmp.path()), &env).unwrap();
        assert_eq!(s.store.value, PathBuf::from("/from/flag"));
        assert_eq!(s.store.origin, Origin::Flag);
        assert_eq!(s.lock_after.value, Duration::from_secs(3600));
        assert_eq!(s.lock_after.origin, Origin::Env("ATTUNE_LOCK_AFTER".into()));
        assert_eq!(s.color.value, ColorChoice::Never);
        assert_eq!(s.color.origin, Origin::File);
    }

    #[test]
    fn typos_in_the_file_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("config")).unwrap();
        std::fs::write(tmp.path().join("config/config.toml"), "lock_afer = \"5m\"\n").unwrap();
        let flags = GlobalArgs { store: None, color: None };
        let err = Settings::resolve(&flags, &dirs(tmp.path()), &|_| None).unwrap_err();
        assert!(err.message.contains("lock_afer"), "{}", err.message);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("soon").is_err());
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }
}
