//! Crash safety, proven by killing: `attune log` writers and `attune
//! passphrase` are killed with SIGKILL at random (seeded, so a failure can be
//! replayed) moments, and the journal is reopened after each round.
//!
//! - Every entry whose save was acknowledged ("Saved entry N") is there,
//!   exactly once, and `PRAGMA integrity_check` passes.
//! - After a killed passphrase change, the old or the new passphrase opens the
//!   journal, never neither; killed right after each of its steps in turn
//!   (`ATTUNE_TEST_STOP_AFTER`, read by debug builds only), the new one opens
//!   it exactly when the key file had switched, no entry or draft is lost, and
//!   the next open removes what the change left.
//! - A full disk (a file-size limit) and a read-only journal give a clear
//!   error and lose nothing.
//!
//! The regular suite kills 100 writers and 20 passphrase changes;
//! `ATTUNE_LONG_TESTS=1` kills 1,000 and 300 (see docs/threat-model.md).
//! `ATTUNE_CRASH_SEED=N` replays another schedule.

// Helpers outside #[test] functions panic on purpose: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use attune_store::{ChangeStep, EntryFilter, KdfParams, Passphrase, Protection, Store, drafts};
use common::{PASS, Sandbox};

fn long_mode() -> bool {
    std::env::var("ATTUNE_LONG_TESTS").is_ok_and(|v| v == "1")
}

fn seed() -> u64 {
    std::env::var("ATTUNE_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_a77e)
}

/// SplitMix64: a tiny deterministic generator, so a schedule can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A duration in [0, max).
    fn below(&mut self, max: Duration) -> Duration {
        let micros = max.as_micros().max(1) as u64;
        Duration::from_micros(self.next() % micros)
    }
}

/// A journal made with the cheapest key derivation, so that the hundreds of
/// unlocks a crash run needs take milliseconds (the format is the same).
fn cheap_journal(sb: &Sandbox) {
    let pass = Passphrase::new(PASS.into());
    Store::create(&sb.store(), Protection::Passphrase(pass, KdfParams::MINIMUM)).unwrap();
}

fn open_with(dir: &Path, pass: &str) -> Option<Store> {
    let key = Store::unlock(dir, &Passphrase::new(pass.into())).ok()?;
    Some(Store::open(dir, Some(&key)).unwrap())
}

/// The situation texts in the journal; fails on a damaged file.
fn reopen_and_check(dir: &Path, pass: &str) -> Vec<String> {
    let store = open_with(dir, pass).expect("the passphrase still opens the journal");
    assert!(store.integrity_ok().unwrap(), "PRAGMA integrity_check failed after a crash");
    store.entries(&EntryFilter::default()).unwrap().into_iter().map(|r| r.item.situation).collect()
}

/// A running command that is killed at a chosen moment.
struct Victim {
    child: Child,
    started: Instant,
    kill_at: Duration,
    killed: bool,
}

impl Victim {
    fn spawn(mut cmd: Command, kill_at: Duration) -> Self {
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let child = cmd.spawn().unwrap();
        Self { child, started: Instant::now(), kill_at, killed: false }
    }

    /// Sends SIGKILL if it is still running at its moment; true if it was.
    fn kill_if_due(&mut self) -> bool {
        if self.killed || self.started.elapsed() < self.kill_at {
            return false;
        }
        self.killed = true;
        if self.child.try_wait().unwrap().is_some() {
            return false;
        }
        self.child.kill().unwrap();
        true
    }

    fn finish(self) -> Output {
        self.child.wait_with_output().unwrap()
    }
}

/// Kills each victim at its moment; returns how many were still running then.
fn run_and_kill(victims: &mut [Victim]) -> usize {
    let mut kills = 0;
    while victims.iter().any(|v| !v.killed) {
        for v in victims.iter_mut() {
            kills += usize::from(v.kill_if_due());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    kills
}

/// No run that ended by itself may have crashed or printed a panic.
fn assert_clean_exit(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{what} panicked: {stderr}");
    if let Some(code) = out.status.code() {
        assert!(code == 0 || code == 3 || code == 4, "{what} exited with {code}: {stderr}");
    }
}

/// How long a command takes when nobody kills it (the median of three).
fn typical(mut make: impl FnMut(usize) -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..3)
        .map(|i| {
            let start = Instant::now();
            let out = make(i).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            start.elapsed()
        })
        .collect();
    times.sort();
    times[1]
}

fn log_cmd(sb: &Sandbox, text: &str) -> Command {
    let mut cmd = sb.std_cmd();
    cmd.args(["log", text, "--trigger", "late-reply", "--intensity", "6", "--tag", "crash"]);
    cmd
}

#[test]
fn acknowledged_entries_survive_sigkill_at_any_moment() {
    let target = if long_mode() { 1000 } else { 100 };
    let sb = Sandbox::new();
    cheap_journal(&sb);
    let dir = sb.store();
    let mut rng = Rng(seed());
    // A long text makes the write itself a bigger target for the kill.
    let filler = "and then I waited by the phone".repeat(40);
    let mut acknowledged: BTreeSet<String> = (0..3).map(|i| format!("warm-up {i} {filler}")).collect();
    let t = typical(|i| log_cmd(&sb, &format!("warm-up {i} {filler}")));
    // Kill anywhere in a run's life, start to finish.
    let window = t.mul_f64(1.15);

    let (mut kills, mut rounds) = (0usize, 0usize);
    while kills < target {
        rounds += 1;
        assert!(rounds < target * 6, "only {kills} of {target} kills landed in {rounds} rounds");
        // Two writers at once: one may be waiting for the other's lock when it dies.
        let texts: Vec<String> = (0..2).map(|w| format!("crash {rounds}.{w} {filler}")).collect();
        let mut victims: Vec<Victim> =
            texts.iter().map(|text| Victim::spawn(log_cmd(&sb, text), rng.below(window))).collect();
        kills += run_and_kill(&mut victims);
        for (victim, text) in victims.into_iter().zip(&texts) {
            let out = victim.finish();
            assert_clean_exit(&out, "attune log");
            if String::from_utf8_lossy(&out.stdout).contains("Saved entry") {
                acknowledged.insert(text.clone());
            }
        }
        if rounds % 10 == 0 || kills >= target {
            let present = reopen_and_check(&dir, PASS);
            let unique: BTreeSet<&String> = present.iter().collect();
            assert_eq!(unique.len(), present.len(), "an entry was saved twice");
            for text in &acknowledged {
                assert!(present.contains(text), "an acknowledged entry is gone after a crash (round {rounds})");
            }
        }
    }
    // And the CLI itself still reads the journal after all of that.
    let list = sb.json(&["list", "--json", "--limit", "1"]);
    assert!(list.to_string().contains("crash"), "{list}");
    eprintln!(
        "crash: {kills} writers killed in {rounds} rounds, {} acknowledged saves all present (seed {:#x})",
        acknowledged.len(),
        seed()
    );
}

#[test]
fn a_killed_passphrase_change_leaves_the_old_or_the_new_passphrase_working() {
    let target = if long_mode() { 300 } else { 20 };
    let sb = Sandbox::new();
    cheap_journal(&sb);
    let dir = sb.store();
    sb.run(&["log", "written before any passphrase change"]);
    let (a, b) = (PASS.to_string(), "a second, quite different passphrase".to_string());
    let new_file = sb.dir.path().join("new-pass");
    let change = |from: &str, to: &str| {
        std::fs::write(sb.pass_file(), from).unwrap();
        std::fs::write(&new_file, to).unwrap();
        let mut cmd = sb.std_cmd();
        cmd.env("ATTUNE_NEW_PASSPHRASE_COMMAND", format!("cat '{}'", new_file.display())).arg("passphrase");
        cmd
    };
    // Two clean changes (a → b → a) give the length of one, at the real cost.
    let mut rng = Rng(seed() ^ 0xabcd);
    let start = Instant::now();
    for (from, to) in [(&a, &b), (&b, &a)] {
        let out = change(from, to).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let window = (start.elapsed() / 2).mul_f64(1.1);

    let mut current = a.clone();
    let (mut kills, mut rounds, mut changed) = (0usize, 0usize, 0usize);
    while kills < target {
        rounds += 1;
        assert!(rounds < target * 6, "only {kills} of {target} kills landed");
        let other = if current == a { b.clone() } else { a.clone() };
        let mut victim = [Victim::spawn(change(&current, &other), rng.below(window))];
        kills += run_and_kill(&mut victim);
        let [victim] = victim;
        assert_clean_exit(&victim.finish(), "attune passphrase");
        let old_opens = Store::unlock(&dir, &Passphrase::new(current.clone())).is_ok();
        let new_opens = Store::unlock(&dir, &Passphrase::new(other.clone())).is_ok();
        assert!(old_opens || new_opens, "neither passphrase opens the journal after a kill in round {rounds}");
        if new_opens {
            changed += 1;
            current = other;
        }
        if rounds % 5 == 0 {
            let texts = reopen_and_check(&dir, &current);
            assert_eq!(texts, ["written before any passphrase change"]);
        }
    }
    assert_eq!(reopen_and_check(&dir, &current), ["written before any passphrase change"]);
    eprintln!(
        "passphrase: {kills} changes killed in {rounds} rounds ({changed} completed); one passphrase always opened"
    );
}

#[test]
fn a_passphrase_change_killed_after_each_step_loses_nothing() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: a release build of attune ignores ATTUNE_TEST_STOP_AFTER");
        return;
    }
    let new_pass = "a second, quite different passphrase";
    for step in ChangeStep::ALL {
        let sb = Sandbox::new();
        cheap_journal(&sb);
        let dir = sb.store();
        sb.run(&["log", "written before the change"]);
        let key = Store::unlock(&dir, &Passphrase::new(PASS.into())).unwrap();
        let typed = attune_core::EntryDraft { situation: "a draft kept before".into(), ..Default::default() };
        drafts::save(&dir.join("drafts"), Some(&key), &typed, None, jiff::Timestamp::UNIX_EPOCH).unwrap();
        let new_file = sb.dir.path().join("new-pass");
        std::fs::write(&new_file, new_pass).unwrap();
        let mut cmd = sb.std_cmd();
        cmd.env("ATTUNE_NEW_PASSPHRASE_COMMAND", format!("cat '{}'", new_file.display()))
            .env("ATTUNE_TEST_STOP_AFTER", step.name())
            .arg("passphrase");
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), None, "{step:?}: not stopped: {}", String::from_utf8_lossy(&out.stderr));
        assert_clean_exit(&out, "attune passphrase");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("is changed"), "{step:?}");

        let switched = step as usize >= ChangeStep::KeySwitched as usize;
        let (current, other) = if switched { (new_pass, PASS) } else { (PASS, new_pass) };
        assert!(Store::unlock(&dir, &Passphrase::new(other.into())).is_err(), "{step:?}: both passphrases open it");
        assert_eq!(reopen_and_check(&dir, current), ["written before the change"], "{step:?}");
        // That open removed the leftovers: one database file, one draft.
        let mut dbs: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".db"))
            .collect();
        dbs.sort();
        assert_eq!(dbs, [if switched { "attune-2.db" } else { "attune.db" }], "{step:?}");
        let key = Store::unlock(&dir, &Passphrase::new(current.into())).unwrap();
        assert_eq!(std::fs::read_dir(dir.join("drafts")).unwrap().count(), 1, "{step:?}");
        assert_eq!(drafts::list(&dir.join("drafts"), Some(&key)).unwrap()[0].draft, typed, "{step:?}");
        // And the CLI carries on with that passphrase.
        std::fs::write(sb.pass_file(), current).unwrap();
        sb.run(&["log", "written after the interrupted change"]);
        assert_eq!(reopen_and_check(&dir, current).len(), 2, "{step:?}");
    }
}

/// Runs `attune` under a file-size limit of `bytes`: writes beyond it fail
/// with EFBIG (SIGXFSZ is ignored), which is how a full disk looks to attune
/// without needing root to mount a small file system.
fn limited(sb: &Sandbox, bytes: u64, args: &[&str], stdin: &[u8]) -> Output {
    let cmd = sb.std_cmd();
    let program = cmd.get_program().to_owned();
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {}; exec \"$0\" \"$@\"", bytes / 512))
        .arg(program)
        .args(args)
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))));
    let mut child = sh.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut input, &stdin));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn largest_file(dir: &Path) -> u64 {
    let mut files = Vec::new();
    common::walk(dir, &mut files);
    files.iter().map(|(_, b)| b.len() as u64).max().unwrap_or(0)
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let sb = Sandbox::new();
    cheap_journal(&sb);
    for i in 0..5 {
        sb.run(&["log", &format!("before the disk filled up {i}")]);
    }
    let before = reopen_and_check(&sb.store(), PASS);
    // Room for what is there, not for an entry of four long fields.
    let limit = largest_file(&sb.store()) + 16 * 1024;
    let long: Vec<String> = (0..4).map(|f| (0..4000).map(|i| format!("w{f}x{i} ")).collect()).collect();
    let huge = long[0].clone();
    let out = limited(
        &sb,
        limit,
        &["log", "--thoughts", &long[1], "--fear", &long[2], "--helped", &long[3], "-"],
        huge.as_bytes(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "a full disk is a storage error (exit 4): {stderr}");
    assert!(stderr.contains("disk is full") || stderr.contains("could not be written"), "{stderr}");
    // What was typed is not lost: it is kept as an encrypted draft, or the message says to copy it.
    assert!(stderr.contains("kept safe as a draft") || stderr.contains("copy your text"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("bug in attune"), "{stderr}");
    assert!(!stderr.contains(&huge[..64]), "the error repeats the entry's text");
    assert_eq!(reopen_and_check(&sb.store(), PASS), before, "a failed save changed the journal");
    // Once there is room again, everything works as before.
    sb.run(&["log", "after the space was freed"]);
    assert_eq!(reopen_and_check(&sb.store(), PASS).len(), before.len() + 1);
}

#[cfg(unix)]
#[test]
fn a_read_only_journal_is_a_clear_error_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    cheap_journal(&sb);
    sb.run(&["log", "written while it was still writable"]);
    let before = sb.snapshot_files();
    let set_mode = |mode: u32| {
        let mut files = Vec::new();
        common::walk(&sb.store(), &mut files);
        for (path, _) in &files {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o666)).unwrap();
        }
        std::fs::set_permissions(sb.store(), std::fs::Permissions::from_mode(mode)).unwrap();
    };
    set_mode(0o500);
    // An account that ignores permissions (root in a container) cannot test this.
    if std::fs::write(sb.store().join("probe"), b"").is_ok() {
        std::fs::remove_file(sb.store().join("probe")).unwrap();
        set_mode(0o700);
        eprintln!("skipped: this account can write to read-only folders (root)");
        return;
    }
    let (code, stderr) = sb.fail(&["log", "written while it was read-only"]);
    set_mode(0o700);
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("read-only") || stderr.contains("ermission"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(sb.snapshot_files(), before, "a refused save changed the journal");
    assert_eq!(reopen_and_check(&sb.store(), PASS), ["written while it was still writable"]);
}
