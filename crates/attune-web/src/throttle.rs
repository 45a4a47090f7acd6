//! Passphrase tries from the browser: at most one key derivation at a time,
//! and a growing wait after each passphrase that did not fit.
//!
//! Each derivation takes 64 MiB and most of a second (Argon2id), so tries
//! are not queued: while one is being checked, one more may wait for it (a
//! button clicked twice), holding no key memory, and any other is refused
//! at once. The count lives in this process only; it slows down guessing
//! through the web app, not an attack on the journal's files.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, OwnedMutexGuard};

/// The longest wait between two tries.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// The wait after `failures` wrong passphrases in a row: none before the
/// first, then 1, 2, 4, 8 … seconds, at most [`MAX_WAIT`]. One typo costs a
/// second; a machine guessing gets one try a minute.
pub fn wait_after(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let secs = 1u64.checked_shl(failures - 1).unwrap_or(u64::MAX);
    Duration::from_secs(secs).min(MAX_WAIT)
}

/// Wrong passphrases in a row and when the next try may be checked.
#[derive(Debug, Default)]
pub struct Tries {
    failures: u32,
    not_before: Option<Instant>,
}

impl Tries {
    /// How long until the next try may be checked, if it must wait.
    pub fn wait_left(&self, now: Instant) -> Option<Duration> {
        self.not_before.and_then(|t| t.checked_duration_since(now)).filter(|d| !d.is_zero())
    }

    /// A passphrase did not fit.
    pub fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.not_before = Some(now + wait_after(self.failures));
    }

    /// A passphrase fitted: the count starts again.
    pub fn succeeded(&mut self) {
        *self = Tries::default();
    }
}

/// Why a try was not checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Another try is being checked right now.
    Busy,
    /// Too soon after a wrong passphrase; the time left.
    Wait(Duration),
}

impl Refused {
    /// What the page says.
    pub fn message(&self) -> String {
        match self {
            Refused::Busy => {
                "attune is still checking the passphrase typed a moment ago. Wait a few seconds, then try again.".into()
            }
            Refused::Wait(left) => {
                let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                let unit = if secs == 1 { "second" } else { "seconds" };
                format!(
                    "To keep your journal safe, attune waits a little longer after each passphrase that does not \
                     fit. Please try again in {secs} {unit}."
                )
            }
        }
    }
}

/// How long the one waiting try waits for the try being checked.
const MAX_QUEUE_WAIT: Duration = Duration::from_secs(10);

/// The one way into a key derivation. Its guard is owned, so it can go
/// into the blocking task: a browser that gives up waiting does not free
/// the gate while the derivation still runs.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    tries: Arc<Mutex<Tries>>,
    /// Whether a try is already waiting for the one being checked.
    waiting: Arc<AtomicBool>,
}

/// Clears `waiting` however the wait ends (the request may be dropped).
struct Waiting<'a>(&'a AtomicBool);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Gate {
    /// The right to derive a key now, or why not.
    pub fn enter(&self) -> Result<OwnedMutexGuard<Tries>, Refused> {
        let tries = Arc::clone(&self.tries).try_lock_owned().map_err(|_| Refused::Busy)?;
        Self::check(tries)
    }

    /// Like [`Gate::enter`], but while a try is being checked one more may
    /// wait for it (a form sent twice); any other is refused at once.
    pub async fn enter_or_wait(&self) -> Result<OwnedMutexGuard<Tries>, Refused> {
        if let Ok(tries) = Arc::clone(&self.tries).try_lock_owned() {
            return Self::check(tries);
        }
        if self.waiting.swap(true, Ordering::AcqRel) {
            return Err(Refused::Busy);
        }
        let _waiting = Waiting(&self.waiting);
        match tokio::time::timeout(MAX_QUEUE_WAIT, Arc::clone(&self.tries).lock_owned()).await {
            Ok(tries) => Self::check(tries),
            Err(_) => Err(Refused::Busy),
        }
    }

    /// Whether a try is waiting (tests).
    #[cfg(test)]
    pub fn has_waiting(&self) -> bool {
        self.waiting.load(Ordering::Acquire)
    }

    fn check(tries: OwnedMutexGuard<Tries>) -> Result<OwnedMutexGuard<Tries>, Refused> {
        match tries.wait_left(Instant::now()) {
            Some(left) => Err(Refused::Wait(left)),
            None => Ok(tries),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_wait_grows_and_stops_at_a_minute() {
        let waits: Vec<u64> = (0..9).map(|n| wait_after(n).as_secs()).collect();
        assert_eq!(waits, [0, 1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(wait_after(u32::MAX), MAX_WAIT);
    }

    #[test]
    fn a_wrong_passphrase_makes_the_next_try_wait_and_a_right_one_clears_it() {
        let now = Instant::now();
        let mut t = Tries::default();
        assert_eq!(t.wait_left(now), None);
        t.failed(now);
        t.failed(now);
        assert_eq!(t.wait_left(now), Some(Duration::from_secs(2)));
        assert_eq!(t.wait_left(now + Duration::from_secs(2)), None);
        t.succeeded();
        assert_eq!(t.wait_left(now), None);
    }

    #[test]
    fn only_one_try_at_a_time() {
        let gate = Gate::default();
        let first = gate.enter().unwrap();
        assert_eq!(gate.enter().err(), Some(Refused::Busy));
        drop(first);
        let mut again = gate.enter().unwrap();
        again.failed(Instant::now());
        drop(again);
        assert!(matches!(gate.enter().err(), Some(Refused::Wait(_))));
        assert!(Refused::Wait(Duration::from_millis(1500)).message().contains("in 2 seconds"));
        assert!(Refused::Wait(Duration::from_millis(400)).message().contains("in 1 second."));
    }

    #[tokio::test]
    async fn one_try_may_wait_for_the_one_being_checked_and_no_more() {
        let gate = Gate::default();
        let first = gate.enter().unwrap();
        let waiter = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.enter_or_wait().await.map(drop) })
        };
        while !gate.waiting.load(Ordering::Acquire) {
            tokio::task::yield_now().await;
        }
        assert_eq!(gate.enter_or_wait().await.err(), Some(Refused::Busy), "a third is refused");
        drop(first);
        assert_eq!(waiter.await.unwrap(), Ok(()), "the waiting one goes next");
        assert!(!gate.waiting.load(Ordering::Acquire));
        assert!(gate.enter_or_wait().await.is_ok());
    }
}
