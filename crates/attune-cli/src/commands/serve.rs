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
        now: std::env::var_os("ATTUNE_NOW").map(|_| app.now.clone()),
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
        writeln!(w, "attune is running. Open this link in your browser (it works once):")?;
        writeln!(w, "  {url}")?;
        writeln!(w, "Press Ctrl-C here to stop attune; the journal locks when it stops.")?;
        w.flush()?;
        drop(w);
        if args.open {
            open_browser(&url);
        }
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

/// Best effort: without a browser opener the printed link still works.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
