//! Shared by the CLI's integration tests: a sandboxed journal and helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub const PASS: &str = "correct horse battery staple";
pub const NOW: &str = "2026-11-26T21:00:00+01:00";
/// UUIDs differ on every run; snapshots show them as `[uuid]`.
pub const UUID: &str = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/// A sandbox: its own home, config and journal, and a passphrase command.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    pub fn store(&self) -> PathBuf {
        self.dir.path().join("journal")
    }

    pub fn pass_file(&self) -> PathBuf {
        self.dir.path().join("pass")
    }

    /// A command with no key cache, so every run must unlock.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same as [`Sandbox::cmd`], as a plain `std::process::Command`
    /// (for tests that spawn, kill or wrap the process).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_attune"));
        let home = self.dir.path();
        if !self.pass_file().exists() {
            std::fs::write(self.pass_file(), PASS).unwrap();
        }
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("ATTUNE_STORE", self.store())
            .env("ATTUNE_PASSPHRASE_COMMAND", format!("cat '{}'", self.pass_file().display()))
            .env("ATTUNE_LOCK_AFTER", "0")
            .env("ATTUNE_NOW", NOW)
            .env("TZ", "UTC");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "attune {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail; returns (exit code, stderr).
    pub fn fail(&self, args: &[&str]) -> (i32, String) {
        let out = self.cmd().args(args).output().unwrap();
        assert!(!out.status.success(), "attune {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
        (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap())
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.run(args)).unwrap()
    }

    pub fn init(&self) -> &Self {
        self.run(&["init"]);
        self
    }

    /// Every file of the store, for "nothing changed" checks.
    pub fn snapshot_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        walk(&self.store(), &mut out);
        // The -shm file is SQLite's shared index of the WAL, rebuilt by readers; it holds no data.
        out.retain(|(p, _)| !p.to_string_lossy().ends_with("-shm"));
        out.sort();
        out
    }
}

pub fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
}
