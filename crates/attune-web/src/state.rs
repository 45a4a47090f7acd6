//! What the server keeps between requests: the one session, the launch
//! token, and the open journal (only while unlocked).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use attune_core::content::Library;
use attune_core::safety::Decision;
use attune_core::{Moment, RecordId};
use attune_store::sealed::DraftsRecipient;
use attune_store::{Store, StoreError, keycache};
use jiff::ZonedDateTime;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::config::{Config, MIN_LOCK_AFTER};
use crate::error::WebError;
use crate::pending::PendingImport;
use crate::texts::Texts;
use crate::throttle::Gate;

/// The server's state, cheap to clone (one `Arc`).
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    cfg: Config,
    library: Library,
    texts: Texts,
    /// The one-time token in the printed URL; `None` once used or expired.
    launch: Mutex<Option<Launch>>,
    /// Passphrase tries: one key derivation at a time, slower after wrong ones.
    passphrase_gate: Gate,
    /// The browser session that used it.
    session: Mutex<Option<Session>>,
    /// The open journal, only while unlocked.
    journal: Mutex<Option<Unlocked>>,
    /// Whether the journal last opened is not encrypted.
    plain: std::sync::atomic::AtomicBool,
    /// Idle time before locking (changeable in Settings for this run).
    lock_after: Mutex<Duration>,
    /// An import previewed in Settings, waiting for confirmation (dropped on lock).
    pending_import: Mutex<Option<PendingImport>>,
    /// Core's safety decision for the record saved last ("e12", "c3"),
    /// shown on the page the save leads to (dropped on lock: it may quote
    /// the person's words).
    saved_decision: Mutex<Option<(String, Decision)>>,
    /// Where text posted while locked is sealed: the journal's drafts
    /// public key, checked at the last unlock. Public, so it may stay while
    /// locked; cleared by the quick exit, which keeps nothing typed.
    drafts_to: Mutex<Option<DraftsRecipient>>,
}

/// How long the printed link works when nobody uses it. Short, because the
/// link stays in the terminal's scrollback; once used it never works again.
pub const LAUNCH_VALID_FOR: Duration = Duration::from_secs(5 * 60);

/// The launch token and its deadline.
#[derive(Debug)]
struct Launch {
    token: Zeroizing<String>,
    issued: Instant,
    valid_for: Duration,
}

impl Launch {
    fn expired(&self) -> bool {
        self.issued.elapsed() > self.valid_for
    }
}

/// The session cookie's name.
pub const COOKIE: &str = "attune_session";

/// The browser session: its cookie value and its CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    token: Zeroizing<String>,
    /// Sent back in every form as `_csrf`.
    pub csrf: String,
}

#[derive(Debug)]
struct Unlocked {
    store: Store,
    last_active: Instant,
}

/// 32 random bytes as hex.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|e| WebError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes.as_slice()))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves plain data behind; carry on with it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Compares two tokens in constant time.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl AppState {
    /// A fresh state and its one-time launch token.
    pub fn new(cfg: Config) -> Result<(AppState, String), WebError> {
        let token = random_token()?;
        let lock_after = cfg.lock_after;
        let library = Library::embedded();
        let texts = Texts::parse(&library)?;
        let state = AppState {
            inner: Arc::new(Inner {
                cfg,
                library,
                texts,
                launch: Mutex::new(Some(Launch {
                    token: Zeroizing::new(token.clone()),
                    issued: Instant::now(),
                    valid_for: LAUNCH_VALID_FOR,
                })),
                passphrase_gate: Gate::default(),
                session: Mutex::new(None),
                journal: Mutex::new(None),
                plain: std::sync::atomic::AtomicBool::new(false),
                lock_after: Mutex::new(lock_after),
                pending_import: Mutex::new(None),
                saved_decision: Mutex::new(None),
                drafts_to: Mutex::new(None),
            }),
        };
        Ok((state, token))
    }

    /// The configuration.
    pub fn cfg(&self) -> &Config {
        &self.inner.cfg
    }

    /// The product texts.
    pub fn library(&self) -> &Library {
        &self.inner.library
    }

    /// The product texts, parsed.
    pub fn texts(&self) -> &Texts {
        &self.inner.texts
    }

    /// The URL to print at start.
    pub fn launch_url(&self, token: &str) -> String {
        format!("http://{}/open?token={token}", self.inner.cfg.listen)
    }

    /// Trades the launch token for a new session: once, and only within
    /// [`LAUNCH_VALID_FOR`] of the start.
    pub fn open_session(&self, given: &str) -> Result<Option<Session>, WebError> {
        let mut launch = lock(&self.inner.launch);
        if launch.as_ref().is_some_and(Launch::expired) {
            *launch = None;
        }
        let Some(expected) = launch.as_ref() else { return Ok(None) };
        if !same_token(&expected.token, given) {
            return Ok(None);
        }
        *launch = None;
        let session = Session { token: Zeroizing::new(random_token()?), csrf: random_token()? };
        *lock(&self.inner.session) = Some(session.clone());
        Ok(Some(session))
    }

    /// Whether the printed link can still be used (not used, not expired).
    pub fn launch_pending(&self) -> bool {
        lock(&self.inner.launch).as_ref().is_some_and(|l| !l.expired())
    }

    /// Changes how long the printed link works, counted from the start
    /// (tests; [`LAUNCH_VALID_FOR`] otherwise).
    pub fn set_launch_valid_for(&self, d: Duration) {
        if let Some(l) = lock(&self.inner.launch).as_mut() {
            l.valid_for = d;
        }
    }

    /// The gate every key derivation from a passphrase goes through.
    pub fn passphrase_gate(&self) -> &Gate {
        &self.inner.passphrase_gate
    }

    /// The session a cookie value belongs to.
    pub fn session(&self, cookie: &str) -> Option<Session> {
        lock(&self.inner.session).as_ref().filter(|s| same_token(&s.token, cookie)).cloned()
    }

    /// The cookie value of a session.
    pub fn cookie_value(session: &Session) -> &str {
        &session.token
    }

    /// "Now", in the person's time zone.
    pub fn now(&self) -> ZonedDateTime {
        self.inner.cfg.now.clone().unwrap_or_else(ZonedDateTime::now)
    }

    /// "Now" as a stored moment.
    pub fn now_moment(&self) -> Moment {
        Moment::from_zoned(&self.now())
    }

    /// A new time-ordered id.
    pub fn new_id(&self) -> RecordId {
        RecordId::from_uuid(uuid::Uuid::now_v7())
    }

    /// The idle time before locking.
    pub fn lock_after(&self) -> Duration {
        let d = *lock(&self.inner.lock_after);
        if d.is_zero() { MIN_LOCK_AFTER } else { d }
    }

    /// Changes the idle time for this run.
    pub fn set_lock_after(&self, d: Duration) {
        *lock(&self.inner.lock_after) = d;
    }

    /// Whether the journal is open.
    pub fn is_unlocked(&self) -> bool {
        lock(&self.inner.journal).is_some()
    }

    /// Locks when idle for longer than the lock time; returns whether it did.
    pub fn lock_if_idle(&self) -> bool {
        let limit = self.lock_after();
        let mut journal = lock(&self.inner.journal);
        let idle = journal.as_ref().is_some_and(|j| j.last_active.elapsed() > limit);
        if idle {
            // Dropped under the same lock that saw it idle: a request cannot slip in between.
            *journal = None;
            drop(journal);
            self.lock_now();
        }
        idle
    }

    /// Closes the journal; the key goes with the store (zeroed on drop).
    /// The kernel key cache goes too, so a terminal asks for the
    /// passphrase again: locking locks attune, not only this window.
    pub fn lock_now(&self) {
        *lock(&self.inner.journal) = None;
        *lock(&self.inner.pending_import) = None;
        *lock(&self.inner.saved_decision) = None;
        keycache::forget(&self.inner.cfg.store_dir);
    }

    /// The quick exit: locks, and forgets where to seal text, so whatever
    /// another tab posts afterwards is dropped rather than kept.
    pub fn quick_exit(&self) {
        self.lock_now();
        *lock(&self.inner.drafts_to) = None;
    }

    /// Where text posted while locked is sealed (none: it is not kept).
    pub fn drafts_to(&self) -> Option<DraftsRecipient> {
        lock(&self.inner.drafts_to).clone()
    }

    /// Keeps core's safety decision for the record just saved (`key`:
    /// "e12", "c3") until the next save or lock.
    pub fn set_saved_decision(&self, key: String, decision: Decision) {
        *lock(&self.inner.saved_decision) = Some((key, decision));
    }

    /// The decision kept for `key`, if it was the last save.
    pub fn saved_decision(&self, key: &str) -> Option<Decision> {
        lock(&self.inner.saved_decision).as_ref().filter(|(k, _)| k == key).map(|(_, d)| d.clone())
    }

    /// The person's calendar day ("2026-12-07"), for the notes shown once a day.
    pub fn today(&self) -> String {
        self.now().date().to_string()
    }

    /// Keeps (or forgets) the import waiting for confirmation.
    pub fn set_pending_import(&self, pending: Option<PendingImport>) {
        *lock(&self.inner.pending_import) = pending;
    }

    /// Takes the waiting import when `token` names it.
    pub fn take_pending_import(&self, token: &str) -> Option<PendingImport> {
        let mut pending = lock(&self.inner.pending_import);
        if pending.as_ref().is_some_and(|p| same_token(&p.token, token)) { pending.take() } else { None }
    }

    /// Keeps an opened store for the following requests, and where to seal
    /// text posted after it locks (`None` for a plain journal).
    pub fn set_unlocked(&self, store: Store, drafts_to: Option<DraftsRecipient>) {
        self.inner.plain.store(!store.is_encrypted(), std::sync::atomic::Ordering::Relaxed);
        *lock(&self.inner.journal) = Some(Unlocked { store, last_active: Instant::now() });
        *lock(&self.inner.drafts_to) = drafts_to;
    }

    /// Whether the journal last opened is not encrypted. Kept apart from the
    /// journal's mutex, so drawing a page never waits on a store call.
    pub fn is_plain(&self) -> bool {
        self.inner.plain.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `f` on the open journal in a blocking thread (SQLite is
    /// synchronous). Counts as activity for the idle lock.
    pub async fn store<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut journal = lock(&state.inner.journal);
            let Some(open) = journal.as_mut() else { return Err(WebError::Locked) };
            open.last_active = Instant::now();
            f(&mut open.store)
        })
        .await
        .map_err(|e| WebError::Internal(format!("a background task failed: {e}")))?
    }

    /// Runs `f` off the async threads (key derivation takes a while).
    pub async fn blocking<T, F>(f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, WebError> + Send + 'static,
    {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| WebError::Internal(format!("a background task failed: {e}")))?
    }

    /// Whether the journal exists, and whether it is encrypted.
    pub fn probe(&self) -> Result<Option<bool>, StoreError> {
        Store::probe(&self.inner.cfg.store_dir)
    }

    /// Locks the journal whenever it has been idle too long, even when no
    /// request comes in, so the key does not stay in memory; and within
    /// half a second of `attune lock` (see `keycache::request_lock`).
    pub fn spawn_idle_lock(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        let mut requests = keycache::LockRequests::watch(&self.inner.cfg.store_dir);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tick.tick().await;
                // One read of a file of a few bytes: cheap enough twice a second.
                if requests.asked() {
                    state.lock_now();
                }
                state.lock_if_idle();
            }
        })
    }
}
