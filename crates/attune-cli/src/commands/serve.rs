//! `attune serve`: the local web app (crate attune-web) on 127.0.0.1.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};

use attune_store::KdfParams;
use clap::Args;

use crate::app::App;
use crate::error::{CliError, CliResult, Exit};
use crate::out;

/// `attune serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (default: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the link in your web browser.
    #[arg(long)]
    pub open: bool,
    /// Listen on this address instead (e.g. 0.0.0.0:8080). Anyone who can reach it could try to
    /// get in: only for a network you fully trust.
    #[arg(long, value_name = "ADDR")]
    pub unsafe_listen: Option<SocketAddr>,
}

pub fn run(args: ServeArgs, app: &App) -> CliResult {
    let addr = args.unsafe_listen.unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)));
    attune_web::check_listen(addr, args.unsafe_listen.is_some()).map_err(|e| CliError::user(e.0))?;
    if args.unsafe_listen.is_some() && !addr.ip().is_loopback() {
        out::note(&format!(
            "warning: attune is listening on {addr}, where other devices may reach it. \
             Your journal is only as private as that network."
        ));
    }
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| CliError::user(format!("cannot listen on {addr}: {e}")).hint("choose another --port"))?;
    listener.set_nonblocking(true)?;
    let listen = listener.local_addr()?;
    let cfg = attune_web::Config {
        store_dir: app.store_dir().clone(),
        lock_after: app.settings.lock_after.value,
        listen,
        now: app.now_is_fixed.then(|| app.now.clone()),
        kdf: KdfParams::DEFAULT,
        allow_plain: app.settings.allow_plain.value,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::user(format!("cannot start the web server: {e}")).exit(Exit::Internal))?;
    runtime.block_on(async move {
        let (state, token) = attune_web::AppState::new(cfg)
            .map_err(|e| CliError::user(format!("cannot start the web server: {e:?}")).exit(Exit::Internal))?;
        let url = state.launch_url(&token);
        let mut w = out::stdout();
        writeln!(w, "attune is running. Open this link in your browser (it works once, within five minutes):")?;
        writeln!(w, "  {url}")?;
        writeln!(w, "Press Ctrl-C here to stop attune; the journal locks when it stops.")?;
        w.flush()?;
        drop(w);
        // Kept until the link is used or expired, then removed with its folder.
        let launch_file = if args.open { open_browser(&url) } else { None };
        let _launch_file = launch_file.map(|dir| remove_when_used(&state, dir));
        let _idle = state.spawn_idle_lock();
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, attune_web::router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

/// Opens the link in the browser without putting it on a command line:
/// any program of any account can read a process's arguments, and the
/// browser keeps its own for as long as it runs. The browser is given a
/// file instead, readable only by this account, that forwards to the
/// link. Best effort: without an opener, or with a browser that may not
/// read the file, the printed link still works.
fn open_browser(url: &str) -> Option<tempfile::TempDir> {
    let dir = match launch_file(url) {
        Ok(dir) => dir,
        Err(e) => {
            out::note(&format!("could not prepare the browser ({e}); open the link above yourself."));
            return None;
        }
    };
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let _ = std::process::Command::new(opener)
        .arg(dir.path().join(LAUNCH_FILE))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    Some(dir)
}

const LAUNCH_FILE: &str = "open-attune.html";

/// A folder only this account can enter (in the memory-backed runtime
/// folder where there is one) with a page that forwards to `url`.
fn launch_file(url: &str) -> std::io::Result<tempfile::TempDir> {
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new().prefix("attune-open-").tempdir_in(base)?;
    // Made with the umask's mode (0755 usually): closed before the file is in it.
    #[cfg(unix)]
    std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={url}\"><title>attune</title></head>\
         <body><p><a href=\"{url}\">Open attune</a></p></body></html>\n"
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(dir.path().join(LAUNCH_FILE))?;
    file.write_all(page.as_bytes())?;
    Ok(dir)
}

/// Removes the launch file once the link was used or expired (the browser
/// has read it by then); at the latest when attune stops.
fn remove_when_used(state: &attune_web::AppState, dir: tempfile::TempDir) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        while state.launch_pending() {
            tick.tick().await;
        }
        drop(dir);
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_launch_file_forwards_to_the_link_and_only_this_account_can_read_it() {
        let url = "http://127.0.0.1:8123/open?token=abc123";
        let dir = launch_file(url).unwrap();
        let file = dir.path().join(LAUNCH_FILE);
        let page = std::fs::read_to_string(&file).unwrap();
        assert!(
            page.contains(r#"<meta http-equiv="refresh" content="0;url=http://127.0.0.1:8123/open?token=abc123">"#)
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(dir.path()).unwrap().permissions().mode() & 0o777, 0o700);
        }
        let path = dir.path().to_path_buf();
        drop(dir);
        assert!(!path.exists(), "removed with its folder");
    }
}
