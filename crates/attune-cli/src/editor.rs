//! Writing an entry in the person's own editor.
//!
//! The text is plaintext while the editor has it, so the file lives only in
//! a memory-backed, user-only folder: `$XDG_RUNTIME_DIR` when it is a 0700
//! folder of ours, else a 0700 folder of ours in `/dev/shm`. Where neither
//! exists, nothing is written and the person is offered other ways to
//! write; there is no fallback to the disk's temporary folder, where the
//! text could stay on disk. The file is created 0600, and overwritten and
//! removed afterwards.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use attune_core::EntryDraft;

use crate::error::{CliError, CliResult};

const SITUATION: &str = "what happened";
const THOUGHTS: &str = "thoughts";
const FEAR: &str = "what i fear will happen";
const HELPED: &str = "what i did, what helped";
const DETAILS: &str = "details";

/// The text the editor starts with.
pub fn template(draft: &EntryDraft, when: &str, problem: Option<&str>) -> String {
    let mut t = String::new();
    if let Some(p) = problem {
        t.push_str(&format!(
            "# NOT SAVED YET: {p}\n# Fix it below and save again. Close without changes to keep it as a draft.\n#\n"
        ));
    }
    t.push_str("# Write in your own words. Lines starting with \"# \" are ignored.\n");
    t.push_str("# Only \"What happened\" is needed; leave the rest empty if you like.\n\n");
    for (title, body) in [
        ("What happened", &draft.situation),
        ("Thoughts", &draft.thoughts),
        ("What I fear will happen", &draft.fear),
        ("What I did, what helped", &draft.helped),
    ] {
        t.push_str(&format!("## {title}\n{body}\n\n"));
    }
    t.push_str("## Details\n");
    t.push_str("# Lists are separated by commas. `attune triggers` and `attune feelings` show your lists.\n");
    t.push_str(&format!("triggers: {}\n", draft.triggers.join(", ")));
    t.push_str(&format!("feelings: {}\n", draft.feelings.join(", ")));
    t.push_str(&format!("intensity: {}\n", draft.intensity.map(|i| i.to_string()).unwrap_or_default()));
    t.push_str(&format!("signs: {}\n", draft.signs.join(", ")));
    t.push_str(&format!("sources: {}\n", draft.sources.join(", ")));
    t.push_str(&format!("tags: {}\n", draft.tags.join(", ")));
    t.push_str(&format!("starred: {}\n", if draft.starred { "yes" } else { "no" }));
    t.push_str(&format!("when: {when}\n"));
    t
}

/// Reads the edited text back. Returns the draft and the `when` text.
pub fn parse(text: &str) -> Result<(EntryDraft, String), String> {
    let mut draft = EntryDraft::default();
    let mut when = String::new();
    let mut section: Option<String> = None;
    let mut bodies: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with("# ") || line == "#" {
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            let title = title.trim().to_lowercase();
            if ![SITUATION, THOUGHTS, FEAR, HELPED, DETAILS].contains(&title.as_str()) {
                return Err(format!("line {}: unknown heading '## {}'", n + 1, title));
            }
            section = Some(title.clone());
            bodies.push((title, String::new()));
            continue;
        }
        match section.as_deref() {
            Some(DETAILS) => {
                if line.trim().is_empty() {
                    continue;
                }
                let (key, value) = line
                    .split_once(':')
                    .ok_or_else(|| format!("line {}: expected 'name: value' under Details", n + 1))?;
                let value = value.trim();
                let items = || -> Vec<String> {
                    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
                };
                match key.trim().to_lowercase().as_str() {
                    "triggers" => draft.triggers = items(),
                    "feelings" => draft.feelings = items(),
                    "signs" => draft.signs = items(),
                    "sources" => draft.sources = items(),
                    "tags" => draft.tags = items(),
                    "intensity" if value.is_empty() => draft.intensity = None,
                    "intensity" => {
                        draft.intensity =
                            Some(value.parse().map_err(|_| {
                                format!("line {}: intensity '{value}' is not a number from 0 to 10", n + 1)
                            })?)
                    }
                    "starred" => {
                        draft.starred = match value.to_lowercase().as_str() {
                            "yes" | "y" | "true" => true,
                            "no" | "n" | "false" | "" => false,
                            other => return Err(format!("line {}: starred should be yes or no, not '{other}'", n + 1)),
                        }
                    }
                    "when" => when = value.to_string(),
                    other => return Err(format!("line {}: unknown detail '{other}'", n + 1)),
                }
            }
            Some(_) => {
                if let Some((_, body)) = bodies.last_mut() {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None if line.trim().is_empty() => {}
            // Text before any heading is taken as what happened.
            None => {
                section = Some(SITUATION.into());
                bodies.push((SITUATION.into(), format!("{line}\n")));
            }
        }
    }
    for (title, body) in bodies {
        let body = body.trim().to_string();
        match title.as_str() {
            SITUATION => draft.situation = body,
            THOUGHTS => draft.thoughts = body,
            FEAR => draft.fear = body,
            HELPED => draft.helped = body,
            _ => {}
        }
    }
    Ok((draft, when))
}

/// A private, memory-backed place for the file the editor works on.
fn private_dir() -> CliResult<PathBuf> {
    private_dir_from(std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from), Path::new("/dev/shm"))
}

/// [`private_dir`] given the runtime folder and the shared-memory folder.
fn private_dir_from(runtime: Option<PathBuf>, shm: &Path) -> CliResult<PathBuf> {
    // The login's runtime folder is memory-backed and the user's own (0700).
    if let Some(dir) = runtime.filter(|d| d.is_absolute())
        && owned_and_private(&dir)
    {
        return Ok(dir);
    }
    // /dev/shm is memory too, but shared: a 0700 folder of our own in it.
    if shm.is_dir() {
        let dir = shm.join(format!("attune-{}", user_id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        // A folder someone else made there first is never used.
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && owned_and_private(&dir) => return Ok(dir),
            Err(_) => {}
        }
    }
    Err(CliError::user(
        "there is no private, memory-only folder on this system for the editor's file, so the editor was not opened",
    )
    .hint(
        "write without the editor: `attune log` asks step by step, `attune log \"what happened\"` takes it in one go, \
         or use the web app (`attune serve`)",
    ))
}

/// A real folder (not a link), ours, that nobody else can enter.
fn owned_and_private(dir: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(dir) else { return false };
    if !meta.is_dir() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.uid() == user_id() && meta.mode() & 0o077 == 0
    }
    #[cfg(not(unix))]
    true
}

fn user_id() -> u32 {
    #[cfg(unix)]
    {
        rustix::process::getuid().as_raw()
    }
    #[cfg(not(unix))]
    0
}

/// Opens `initial` in the editor and returns what was saved.
pub fn edit(editor: &str, initial: &str) -> CliResult<String> {
    let file = tempfile::Builder::new()
        .prefix("attune-")
        .suffix(".md")
        .tempfile_in(private_dir()?)
        .map_err(|e| CliError::user(format!("could not create a file for the editor: {e}")))?;
    let path = file.path().to_path_buf();
    std::fs::write(&path, initial)?;
    // `sh -c` so that EDITOR may carry arguments ("code --wait").
    let status =
        Command::new("sh").arg("-c").arg(format!("{editor} \"$1\"")).arg("attune-editor").arg(&path).status().map_err(
            |e| {
                CliError::user(format!("could not start the editor '{editor}': {e}"))
                    .hint("set EDITOR, e.g. EDITOR=nano")
            },
        )?;
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    scrub(&path, text.len());
    drop(file);
    if !status.success() {
        return Err(CliError::user(format!("the editor '{editor}' exited with {status}; nothing was saved")));
    }
    Ok(text)
}

/// Overwrites the file before it is removed, so the text does not linger.
fn scrub(path: &PathBuf, len: usize) {
    if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(path) {
        let _ = f.write_all(&vec![0u8; len]);
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_editor_file_goes_only_to_a_private_memory_folder() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A 0700 runtime folder of ours is used as it is.
        let runtime = tmp.path().join("run");
        std::fs::create_dir(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let shm = tmp.path().join("shm");
        assert_eq!(private_dir_from(Some(runtime.clone()), &shm).unwrap(), runtime);
        // One others can enter is not; a folder of our own in shm is made 0700.
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir(&shm).unwrap();
        std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o777)).unwrap();
        let mine = private_dir_from(Some(runtime.clone()), &shm).unwrap();
        assert_eq!(mine.parent(), Some(shm.as_path()));
        assert_eq!(mode(&mine), 0o700);
        assert_eq!(private_dir_from(None, &shm).unwrap(), mine, "found again");
        // That folder made readable by others (or by someone else first) is refused.
        std::fs::set_permissions(&mine, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(private_dir_from(None, &shm).is_err());
        // Neither: a clear refusal that offers other ways, never the disk's temp folder.
        let err = private_dir_from(None, &tmp.path().join("no-shm")).unwrap_err();
        let shown = format!("{} {:?}", err.message, err.hints);
        assert!(shown.contains("attune log") && shown.contains("attune serve"), "{shown}");
    }

    #[test]
    fn template_round_trips() {
        let draft = EntryDraft {
            situation: "No reply\nall evening".into(),
            thoughts: "he is bored of me".into(),
            triggers: vec!["late-reply".into(), "conflict".into()],
            intensity: Some(7),
            tags: vec!["weekend".into()],
            starred: true,
            ..Default::default()
        };
        let (back, when) = parse(&template(&draft, "2026-11-26 21:15", Some("x"))).unwrap();
        assert_eq!(back, draft);
        assert_eq!(when, "2026-11-26 21:15");
    }

    #[test]
    fn text_without_headings_is_the_situation_and_hashtags_survive() {
        let (d, _) = parse("Just this #weekend\n").unwrap();
        assert_eq!(d.situation, "Just this #weekend");
    }

    #[test]
    fn mistakes_name_the_line() {
        assert!(parse("## Details\nintensity: lots\n").unwrap_err().contains("line 2"));
        assert!(parse("## Details\nmood: 3\n").unwrap_err().contains("unknown detail 'mood'"));
        assert!(parse("## Feelings\n").unwrap_err().contains("unknown heading"));
    }
}
