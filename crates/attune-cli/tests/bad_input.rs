//! The bad-input corpus: well over a hundred malformed inputs across commands,
//! settings and files (wrong types, huge values, invalid UTF-8, 10 MB
//! fields, control characters, future and ancient dates, broken config,
//! content, key and database files). Each must get a clear error (a message
//! after "error:", exit 1–4; never a panic, never 70 "a bug in attune") or
//! be handled, and the journal's files must be byte-for-byte unchanged.
//!
//! Add a case by adding a row to [`cases`].

// Helpers outside #[test] functions panic on purpose: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::Stdio;

use attune_store::{KdfParams, Passphrase, Protection, Store};
use common::{PASS, Sandbox};

/// What a case does to the sandbox before running.
enum Setup {
    None,
    /// The config file's bytes.
    Config(Vec<u8>),
    /// The config file is a folder.
    ConfigIsDir,
    /// A file in the person's content_dir (path under it, bytes).
    Content(&'static str, Vec<u8>),
    /// key.json's bytes (None: removed).
    KeyFile(Option<Vec<u8>>),
    /// attune.db, changed by this function.
    Db(fn(&mut Vec<u8>)),
    /// A -wal file with these bytes.
    Wal(Vec<u8>),
    /// A junk file in drafts/.
    Draft(Vec<u8>),
}

/// What must happen.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// A clear error.
    Refused,
    /// Handled without an error (a read that finds nothing, a skipped file).
    Handled,
}

struct Case {
    name: String,
    args: Vec<OsString>,
    stdin: Vec<u8>,
    env: Vec<(&'static str, OsString)>,
    setup: Setup,
    expect: Expect,
}

impl Case {
    fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }
    fn env(mut self, key: &'static str, value: impl Into<OsString>) -> Self {
        self.env.push((key, value.into()));
        self
    }
    fn setup(mut self, setup: Setup) -> Self {
        self.setup = setup;
        self
    }
    fn handled(mut self) -> Self {
        self.expect = Expect::Handled;
        self
    }
}

/// A case that must be refused.
fn refuse(name: &str, args: &[&str]) -> Case {
    raw(name, args.iter().map(|a| OsString::from(*a)).collect())
}

fn raw(name: &str, args: Vec<OsString>) -> Case {
    Case { name: name.into(), args, stdin: Vec::new(), env: Vec::new(), setup: Setup::None, expect: Expect::Refused }
}

fn bytes_arg(prefix: &[&str], bad: &[u8]) -> Vec<OsString> {
    let mut args: Vec<OsString> = prefix.iter().map(|a| OsString::from(*a)).collect();
    args.push(OsString::from_vec(bad.to_vec()));
    args
}

const TEN_MB: usize = 10 * 1024 * 1024;
/// Longest single argument Linux accepts is 128 KiB; stay under it.
const BIG_ARG: usize = 100 * 1024;

fn cases() -> Vec<Case> {
    let big = "x".repeat(BIG_ARG);
    let big_word = "y".repeat(BIG_ARG);
    let mut v = vec![
        // Wrong types and out-of-range numbers.
        refuse("intensity as a word", &["log", "x", "--intensity", "eleven"]),
        refuse("intensity too high", &["log", "x", "--intensity", "11"]),
        refuse("intensity negative", &["log", "x", "--intensity", "-1"]),
        refuse("intensity overflows i64", &["log", "x", "--intensity", "99999999999999999999"]),
        refuse("intensity i64 max", &["log", "x", "--intensity", "9223372036854775807"]),
        refuse("intensity i64 min", &["log", "x", "--intensity", "-9223372036854775808"]),
        refuse("intensity fraction", &["log", "x", "--intensity", "5.5"]),
        refuse("security too high", &["checkin", "--security", "11"]),
        refuse("security negative", &["checkin", "--security", "-5"]),
        refuse("security as a word", &["checkin", "--security", "high"]),
        refuse("seen overflows", &["checkin", "-s", "5", "--seen", "18446744073709551616"]),
        refuse("consequence too high", &["checkin", "-s", "5", "-c", "jealousy=4"]),
        refuse("consequence negative", &["checkin", "-s", "5", "-c", "jealousy=-1"]),
        refuse("consequence without value", &["checkin", "-s", "5", "-c", "jealousy"]),
        refuse("consequence unknown", &["checkin", "-s", "5", "-c", "nonsense=1"]),
        refuse("consequence without name", &["checkin", "-s", "5", "-c", "=2"]),
        refuse("consequence huge", &["checkin", "-s", "5", "-c", "blame=99999999999999999999"]),
        refuse("empty check-in", &["checkin"]),
        refuse("list limit negative", &["list", "--limit", "-1"]),
        raw("list limit huge", vec!["list".into(), "--limit".into(), "18446744073709551615".into()]).handled(),
        refuse("list limit overflow", &["list", "--limit", "99999999999999999999999"]),
        refuse("min intensity as a word", &["list", "--min-intensity", "high"]),
        refuse("search limit as a word", &["search", "x", "--limit", "all"]),
        // Ids that do not exist or are not ids.
        refuse("show 0", &["show", "0"]),
        refuse("show negative", &["show", "-1"]),
        refuse("show c0", &["show", "c0"]),
        refuse("show huge number", &["show", "99999999999999999999999"]),
        refuse("show huge check-in", &["show", "c99999999999999999999"]),
        refuse("show empty", &["show", ""]),
        refuse("show percent", &["show", "%"]),
        refuse("show sql", &["show", "1'; DROP TABLE entries;--"]),
        refuse("show underscore", &["show", "_"]),
        refuse("edit missing", &["edit", "999", "--intensity", "5"]),
        refuse("edit bad intensity", &["edit", "1", "--intensity", "50"]),
        refuse("edit empty text", &["edit", "1", "--text", ""]),
        refuse("delete missing", &["delete", "999"]),
        refuse("delete missing check-in", &["delete", "c999"]),
        refuse("delete empty", &["delete", ""]),
        // Search queries with FTS syntax and odd sizes.
        refuse("search nothing", &["search"]),
        raw("search empty word", vec!["search".into(), "".into()]),
        raw("search quote", vec!["search".into(), "\"".into()]).handled(),
        raw("search star", vec!["search".into(), "*".into()]).handled(),
        raw("search NEAR(", vec!["search".into(), "NEAR(".into()]).handled(),
        raw("search OR", vec!["search".into(), "a".into(), "OR".into()]).handled(),
        raw("search column filter", vec!["search".into(), "situation:x".into()]).handled(),
        raw("search caret and braces", vec!["search".into(), "^{a b}".into()]).handled(),
        raw("search 100 KB word", vec!["search".into(), big_word.clone().into()]).handled(),
        raw("search 2000 words", vec!["search".into(), "w ".repeat(2000).into()]).handled(),
        // Dates: future, ancient, impossible, overflowing, junk.
        refuse("at in the year 3000", &["log", "x", "--at", "3000-01-01"]),
        refuse("at tomorrow", &["log", "x", "--at", "tomorrow"]),
        refuse("at next year", &["log", "x", "--at", "2027-11-26 10:00"]),
        refuse("at year 1", &["log", "x", "--at", "0001-01-01"]),
        refuse("at year -9999", &["log", "x", "--at", "-009999-01-01"]),
        refuse("at 1899", &["log", "x", "--at", "1899-12-31"]),
        refuse("at February 30", &["log", "x", "--at", "2026-02-30"]),
        refuse("at month 13", &["log", "x", "--at", "2026-13-01"]),
        refuse("at 25 o'clock", &["log", "x", "--at", "25:00"]),
        refuse("at a billion days ago", &["log", "x", "--at", "999999999 days ago"]),
        refuse("at overflowing days ago", &["log", "x", "--at", "99999999999999999999 days ago"]),
        refuse("at junk", &["log", "x", "--at", "when the moon is blue"]),
        refuse("at 100 KB", &["log", "x", "--at", &big]),
        refuse("at with escape codes", &["log", "x", "--at", "2026-11-01\u{1b}[31m"]),
        refuse("since junk", &["list", "--since", "the day after never"]),
        refuse("since after until", &["list", "--since", "2026-11-20", "--until", "2026-01-01"]),
        refuse("since the last day of year 9999", &["list", "--since", "9999-12-31"]),
        refuse("checkin in the future", &["checkin", "-s", "5", "--at", "3000-01-01"]),
        refuse("did in the future", &["did", "x", "--at", "3000-01-01"]),
        // Invalid UTF-8 in arguments.
        raw("log invalid UTF-8", bytes_arg(&["log"], b"bad \xff\xfe text")),
        raw("thoughts invalid UTF-8", bytes_arg(&["log", "x", "--thoughts"], b"\xc3\x28")),
        raw("trigger add invalid UTF-8", bytes_arg(&["triggers", "add"], b"\xed\xa0\x80")),
        raw("at invalid UTF-8", bytes_arg(&["log", "x", "--at"], b"\xff")),
        raw("search invalid UTF-8", bytes_arg(&["search"], b"\x80abc")),
        raw("note invalid UTF-8", bytes_arg(&["checkin", "-s", "5", "--note"], b"\xf8\x88\x80\x80\x80")),
        raw("store path invalid UTF-8 elsewhere", bytes_arg(&["--store"], b"/nonexistent/\xff")),
        // Control characters and odd text.
        refuse("log only NUL", &["log", "-"]).stdin(b"\0".to_vec()),
        refuse("log only whitespace", &["log", " \t\n "]),
        refuse("log only control characters", &["log", "\u{1b}\u{7}\u{8}"]),
        refuse("trigger name with newline", &["triggers", "add", "a\nb"]),
        refuse("trigger name DEL", &["triggers", "add", "\u{7f}"]),
        refuse("trigger name empty", &["triggers", "add", ""]),
        refuse("trigger name blank", &["triggers", "add", "   "]),
        refuse("trigger name 81 chars", &["triggers", "add", &"n".repeat(81)]),
        refuse("trigger name only punctuation", &["triggers", "add", "!!!"]),
        refuse("trigger already there", &["triggers", "add", "late-reply"]),
        refuse("rename unknown trigger", &["triggers", "rename", "nope", "x"]),
        refuse("merge into itself", &["triggers", "merge", "late-reply", "late-reply"]),
        refuse("retire unknown feeling", &["feelings", "retire", "nope"]),
        refuse("unknown trigger on log", &["log", "x", "--trigger", "late-replyy"]),
        refuse("unknown feeling on log", &["log", "x", "--feeling", "anxios"]),
        refuse("unknown sign", &["log", "x", "--sign", "bogus"]),
        refuse("unknown source", &["log", "x", "--source", "bogus"]),
        refuse("empty tag", &["log", "x", "--tag", ""]),
        refuse("tag 100 KB", &["log", "x", "--tag", &big]),
        refuse("tag with escape", &["log", "x", "--tag", "\u{1b}"]),
        // Huge fields.
        refuse("situation 100 KB", &["log", &big]),
        refuse("thoughts 100 KB", &["log", "x", "--thoughts", &big]),
        refuse("note 100 KB", &["checkin", "-s", "5", "--note", &big]),
        refuse("stdin 10 MB", &["log", "-"]).stdin(vec![b'z'; TEN_MB]),
        refuse("stdin 10 MB on one line of words", &["log", "-"]).stdin("word ".repeat(TEN_MB / 5)),
        refuse("stdin invalid UTF-8", &["log", "-"]).stdin(b"half \xe2\x82 a euro".to_vec()),
        refuse("stdin empty", &["log", "-"]),
        refuse("stdin NULs", &["log", "-"]).stdin(vec![0u8; 1000]),
        refuse("activity 100 KB", &["did", &big]),
        refuse("affirmation 100 KB", &["affirm", "add", &big]),
        refuse("agreement 100 KB", &["agree", "add", &big]),
        refuse("need 100 KB", &["plan", "need", &big]),
        refuse("support name 100 KB", &["support", "add", &big]),
        raw("say check 100 KB", vec!["say".into(), "--check".into(), big.clone().into()]).handled(),
        // The plan, agreements, support map, activities, affirmations, drafts.
        refuse("need empty", &["plan", "need", ""]),
        refuse("trigger plan for unknown trigger", &["plan", "trigger", "nope", "--myself", "x"]),
        refuse("trigger plan bad status", &["plan", "trigger", "late-reply", "--status", "bogus"]),
        refuse("trigger plan bad date", &["plan", "trigger", "late-reply", "--status", "agreed", "--on", "someday"]),
        refuse("agreement empty", &["agree", "add", ""]),
        refuse("agreement odd rhythm", &["agree", "add", "x", "--every", "blue moon"]),
        refuse("agreement time 25:61", &["agree", "add", "x", "--every", "sunday", "--at", "25:61"]),
        refuse("agreement negative minutes", &["agree", "add", "x", "--every", "sunday", "--minutes", "-5"]),
        refuse("agreement huge minutes", &["agree", "add", "x", "--every", "sunday", "--minutes", "99999999999"]),
        refuse("agreement review every 0 weeks", &["agree", "add", "x", "--review-every", "0w"]),
        refuse("agreement review every -1 weeks", &["agree", "add", "x", "--review-every", "-1w"]),
        refuse("agreement review every 10^20 weeks", &["agree", "add", "x", "--review-every", "99999999999999999999w"]),
        refuse("agreed unknown", &["agree", "agreed", "999"]),
        refuse("retire unknown agreement", &["agree", "retire", "999"]),
        refuse("support name empty", &["support", "add", ""]),
        refuse("support contact unknown", &["support", "contact", "Nobody"]),
        refuse("support remove unknown", &["support", "remove", "99"]),
        refuse("support contact date junk", &["support", "add", "Jo", "--contact", "soonish"]),
        refuse("activity empty", &["did", ""]),
        refuse("activity unknown category", &["did", "x", "--category", "naps"]),
        refuse("activity felt 11", &["did", "x", "--felt", "11"]),
        refuse("activity negative minutes", &["did", "x", "--minutes", "-1"]),
        refuse("remove unknown activity", &["did", "--remove", "99"]),
        refuse("affirmation empty", &["affirm", "add", ""]),
        refuse("star unknown affirmation", &["affirm", "star", "99"]),
        refuse("restore unknown draft", &["drafts", "restore", "99"]),
        refuse("discard draft 0", &["drafts", "discard", "0"]),
        // Reading commands given names that do not exist.
        refuse("unknown questionnaire", &["assess", "nope"]),
        refuse("questionnaire path", &["assess", "../defaults"]),
        refuse("history of unknown questionnaire", &["assess", "history", "nope"]),
        refuse("unknown learn topic", &["learn", "nope"]),
        refuse("unknown script", &["scripts", "nope"]),
        refuse("country path", &["safety", "country", "../../etc/passwd"]),
        refuse("backup over an existing file", &["backup", "/etc/hostname"]),
        refuse("backup into a missing folder", &["backup", "/nonexistent/dir/x.db"]),
        refuse("backup to empty path", &["backup", ""]),
        refuse("unknown command", &["frobnicate"]),
        refuse("unknown flag", &["log", "x", "--frobnicate"]),
        refuse("colour purple", &["--color", "purple", "list"]),
        refuse("completions for an unknown shell", &["completions", "tcsh"]),
        // Settings from the environment.
        refuse("lock_after junk", &["list"]).env("ATTUNE_LOCK_AFTER", "soon"),
        refuse("lock_after negative", &["list"]).env("ATTUNE_LOCK_AFTER", "-5m"),
        refuse("lock_after huge", &["list"]).env("ATTUNE_LOCK_AFTER", "99999999999999999999h"),
        refuse("colour env purple", &["list"]).env("ATTUNE_COLOR", "purple"),
        refuse("now junk", &["list"]).env("ATTUNE_NOW", "tea time"),
        refuse("now in year 99999", &["list"]).env("ATTUNE_NOW", "+99999-01-01T00:00:00Z"),
        refuse("now invalid UTF-8", &["list"]).env("ATTUNE_NOW", OsString::from_vec(b"2026-\xff".to_vec())),
        refuse("store missing", &["list"]).env("ATTUNE_STORE", "/nonexistent/journal"),
        refuse("store is a file", &["list"]).env("ATTUNE_STORE", "/etc/hostname"),
        refuse("passphrase command fails", &["list"]).env("ATTUNE_PASSPHRASE_COMMAND", "exit 1"),
        refuse("passphrase command prints nothing", &["list"]).env("ATTUNE_PASSPHRASE_COMMAND", "printf ''"),
        refuse("passphrase command prints bytes", &["list"]).env("ATTUNE_PASSPHRASE_COMMAND", "printf '\\377\\376'"),
        refuse("passphrase command prints 10 MB", &["list"])
            .env("ATTUNE_PASSPHRASE_COMMAND", "head -c 10485760 /dev/zero | tr '\\0' a"),
        refuse("content_dir missing", &["learn"]).env("ATTUNE_CONTENT_DIR", "/nonexistent/content"),
        // The config file.
        refuse("config not TOML", &["list"]).setup(Setup::Config(b"lock_after = \n[[".to_vec())),
        refuse("config unknown key", &["list"]).setup(Setup::Config(b"lock_afer = \"5m\"\n".to_vec())),
        refuse("config wrong type", &["list"]).setup(Setup::Config(b"lock_after = 5\n".to_vec())),
        refuse("config colour purple", &["list"]).setup(Setup::Config(b"color = \"purple\"\n".to_vec())),
        refuse("config store a number", &["list"]).setup(Setup::Config(b"store = 42\n".to_vec())),
        refuse("config invalid UTF-8", &["list"]).setup(Setup::Config(b"editor = \"\xff\"\n".to_vec())),
        raw("config 10 MB of comments", vec!["list".into()]).setup(Setup::Config(vec![b'#'; TEN_MB])).handled(),
        refuse("config 10 MB value", &["list"]).setup(Setup::Config(format!("editor = \"{}\"\n[", "e".repeat(TEN_MB)).into_bytes())),
        refuse("config NUL", &["list"]).setup(Setup::Config(b"\0\0\0".to_vec())),
        refuse("config is a folder", &["list"]).setup(Setup::ConfigIsDir),
        refuse("config lock_after junk", &["list"]).setup(Setup::Config(b"lock_after = \"forever\"\n".to_vec())),
        refuse("config content_dir missing", &["learn"])
            .setup(Setup::Config(b"content_dir = \"/nonexistent/content\"\n".to_vec())),
        raw("config empty", vec!["list".into()]).setup(Setup::Config(Vec::new())).handled(),
        // The person's content overrides.
        raw("content instrument not TOML", vec!["assess".into()])
            .setup(Setup::Content("instruments/how-it-shows.toml", b"[[items\nid=".to_vec()))
            .handled(),
        refuse("content instrument empty items", &["assess", "how-it-shows"])
            .setup(Setup::Content("instruments/how-it-shows.toml", b"id = \"how-it-shows\"\nitems = []\n".to_vec())),
        refuse("content learn index junk", &["learn"]).setup(Setup::Content("learn/index.toml", b"topics = 3".to_vec())),
        refuse("content scripts junk", &["scripts", "naming-a-trigger"])
            .setup(Setup::Content("scripts/naming-a-trigger.toml", b"\xff\xfe".to_vec())),
        refuse("content unknown file", &["learn"]).setup(Setup::Content("nonsense.toml", b"a = 1".to_vec())),
        raw("content statement lexicon junk", vec!["say".into(), "--check".into(), "you never listen".into()])
            .setup(Setup::Content("say/statement_lexicon.toml", b"rules = 7".to_vec())),
        raw("content plan texts 10 MB", vec!["plan".into()])
            .setup(Setup::Content("plan/texts.toml", vec![b'#'; TEN_MB])),
        // A damaged key file.
        refuse("key file truncated", &["list"]).setup(Setup::KeyFile(Some(b"{\"version\":1,\"encr".to_vec()))),
        refuse("key file empty", &["list"]).setup(Setup::KeyFile(Some(Vec::new()))),
        refuse("key file not JSON", &["list"]).setup(Setup::KeyFile(Some(b"\x00\xff binary".to_vec()))),
        refuse("key file from the future", &["list"])
            .setup(Setup::KeyFile(Some(br#"{"version":2,"encryption":"xchacha20poly1305"}"#.to_vec()))),
        refuse("key file asks for 4 TiB", &["list"]).setup(Setup::KeyFile(Some(
            br#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":4294967295,"t_cost":1,"p_cost":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"AAAA"}"#.to_vec(),
        ))),
        refuse("key file wrong ciphertext length", &["list"]).setup(Setup::KeyFile(Some(
            br#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":65536,"t_cost":3,"p_cost":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"AAAA"}"#.to_vec(),
        ))),
        refuse("key file from a newer attune", &["list"])
            .setup(Setup::KeyFile(Some(br#"{"version":7,"encryption":"none","later":[1]}"#.to_vec()))),
        refuse("key file says plain", &["list"])
            .setup(Setup::KeyFile(Some(br#"{"version":1,"encryption":"none"}"#.to_vec()))),
        refuse("key file missing", &["list"]).setup(Setup::KeyFile(None)),
        // A damaged database.
        refuse("database truncated to half", &["list"]).setup(Setup::Db(|b| b.truncate(b.len() / 2))),
        refuse("database emptied", &["list"]).setup(Setup::Db(Vec::clear)),
        refuse("database first page scrambled", &["list"]).setup(Setup::Db(|b| {
            for x in b.iter_mut().take(4096) {
                *x ^= 0x5a;
            }
        })),
        refuse("database replaced by text", &["list"])
            .setup(Setup::Db(|b| *b = b"SQLite format 3\0 but not really".to_vec())),
        raw("garbage WAL", vec!["list".into()]).setup(Setup::Wal(vec![0xab; 8192])).handled(),
        raw("junk draft file", vec!["drafts".into()]).setup(Setup::Draft(b"{\"version\":1".to_vec())).handled(),
    ];
    for (i, c) in v.iter_mut().enumerate() {
        c.name = format!("{i:03} {}", c.name);
    }
    v
}

fn write_setup(sb: &Sandbox, setup: &Setup) {
    let store = sb.store();
    let config_dir = sb.dir.path().join("config/attune");
    std::fs::create_dir_all(&config_dir).unwrap();
    match setup {
        Setup::None => {}
        Setup::Config(bytes) => std::fs::write(config_dir.join("config.toml"), bytes).unwrap(),
        Setup::ConfigIsDir => std::fs::create_dir_all(config_dir.join("config.toml")).unwrap(),
        Setup::Content(path, bytes) => {
            let file = sb.dir.path().join("content").join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, bytes).unwrap();
            let config = format!("content_dir = \"{}\"\n", sb.dir.path().join("content").display());
            std::fs::write(config_dir.join("config.toml"), config).unwrap();
        }
        Setup::KeyFile(Some(bytes)) => std::fs::write(store.join("key.json"), bytes).unwrap(),
        Setup::KeyFile(None) => std::fs::remove_file(store.join("key.json")).unwrap(),
        Setup::Db(change) => {
            let mut bytes = std::fs::read(store.join("attune.db")).unwrap();
            change(&mut bytes);
            std::fs::write(store.join("attune.db"), bytes).unwrap();
        }
        Setup::Wal(bytes) => std::fs::write(store.join("attune.db-wal"), bytes).unwrap(),
        Setup::Draft(bytes) => {
            std::fs::create_dir_all(store.join("drafts")).unwrap();
            std::fs::write(store.join("drafts/0000.draft"), bytes).unwrap();
        }
    }
}

/// Puts the journal and settings back as they were before a case.
fn restore(sb: &Sandbox, pristine: &[(std::path::PathBuf, Vec<u8>)]) {
    let _ = std::fs::remove_dir_all(sb.dir.path().join("config"));
    let _ = std::fs::remove_dir_all(sb.dir.path().join("content"));
    let _ = std::fs::remove_dir_all(sb.store());
    std::fs::create_dir_all(sb.store()).unwrap();
    for (path, bytes) in pristine {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    common::walk(dir, &mut files);
    files.sort();
    files
}

/// What went wrong with one case, if anything.
fn judge(sb: &Sandbox, case: &Case) -> Option<String> {
    write_setup(sb, &case.setup);
    let before = sb.snapshot_files();
    let mut cmd = sb.std_cmd();
    cmd.args(&case.args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in &case.env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = case.stdin.clone();
    // The child may stop reading early (an error after the first bytes).
    let writer = std::thread::spawn(move || {
        let _ = std::io::Write::write_all(&mut input, &stdin);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code();
    let mut problems = Vec::new();
    if stderr.contains("panicked") || stdout.contains("panicked") || code == Some(101) || code.is_none() {
        problems.push("it panicked or crashed".to_string());
    }
    if code == Some(70) {
        problems.push("it was reported as a bug in attune (exit 70)".into());
    }
    match case.expect {
        Expect::Refused => {
            if code == Some(0) {
                problems.push("it was accepted".into());
            } else if !stderr.starts_with("error:") || stderr.trim().len() < 12 {
                problems.push("the error has no clear message".into());
            }
        }
        Expect::Handled => {
            if code != Some(0) {
                problems.push(format!("it failed with exit {code:?}"));
            }
        }
    }
    // Messages stay readable: they do not repeat a 100 KB argument.
    if stderr.len() > 4096 {
        problems.push(format!("the message is {} bytes long", stderr.len()));
    }
    if sb.snapshot_files() != before {
        problems.push("the journal's files changed".into());
    }
    if problems.is_empty() {
        return None;
    }
    let shown: String = stderr.chars().take(300).collect();
    Some(format!("{}: {} (exit {code:?}): {shown}", case.name, problems.join("; ")))
}

#[test]
fn every_malformed_input_gets_a_clear_error_and_changes_nothing() {
    let sb = Sandbox::new();
    Store::create(&sb.store(), Protection::Passphrase(Passphrase::new(PASS.into()), KdfParams::MINIMUM)).unwrap();
    sb.run(&["log", "an entry that must survive every bad input", "--trigger", "late-reply", "--intensity", "5"]);
    sb.run(&["log", "a second one"]);
    sb.run(&["checkin", "-s", "6", "--note", "a check-in"]);
    // The first `affirm` adds the shipped suggestions (housekeeping, not input).
    sb.run(&["affirm", "list"]);
    let pristine = all_files(&sb.store());
    let cases = cases();
    assert!(cases.len() >= 100, "the corpus has only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        if let Some(f) = judge(&sb, case) {
            failures.push(f);
        }
        restore(&sb, &pristine);
    }
    assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), cases.len(), failures.join("\n"));
    // The journal is whole and holds exactly what it held.
    let key = Store::unlock(&sb.store(), &Passphrase::new(PASS.into())).unwrap();
    let store = Store::open(&sb.store(), Some(&key)).unwrap();
    assert!(store.integrity_ok().unwrap());
    assert_eq!(store.entries(&Default::default()).unwrap().len(), 2);
    eprintln!("bad input: {} cases, all refused clearly or handled, journal unchanged", cases.len());
}
