//! What the app is started with, resolved by the CLI from its settings,
//! and the check of the address it listens on.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// What the app needs to know, resolved by the CLI from its settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The journal directory.
    pub store_dir: PathBuf,
    /// Idle time after which the journal locks (zero: the shortest, one minute).
    pub lock_after: Duration,
    /// The address the server listens on (for the Host check).
    pub listen: SocketAddr,
    /// A fixed "now" (tests, `ATTUNE_NOW`); `None` uses the clock.
    pub now: Option<jiff::ZonedDateTime>,
    /// Key-derivation cost for new passphrases (tests use the minimum).
    pub kdf: attune_store::KdfParams,
    /// Whether a journal (or backup) without encryption may be opened: the
    /// person's `allow_plain`. Off, one is refused, even on the restore page.
    pub allow_plain: bool,
}

/// The shortest idle lock: "ask every time" in the CLI cannot mean "lock
/// after every click" in a browser.
pub const MIN_LOCK_AFTER: Duration = Duration::from_secs(60);

/// Why a listen address was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct ListenRefused(pub String);

/// Checks a listen address: loopback always, anything else only when the
/// person explicitly asked for it (the caller prints the warning).
pub fn check_listen(addr: SocketAddr, unsafe_listen: bool) -> Result<(), ListenRefused> {
    let loopback = match addr.ip() {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => ip.is_loopback(),
    };
    if loopback || unsafe_listen {
        Ok(())
    } else {
        Err(ListenRefused(format!(
            "{addr} is reachable from other devices; attune listens on 127.0.0.1 only \
             (pass --unsafe-listen {addr} if you really mean it)"
        )))
    }
}
