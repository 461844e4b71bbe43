use std::path::PathBuf;

use cardfile_proxy::{Config, app};
use clap::Parser;

/// cardfile's gateway: adds provider credentials, allows only documented routes, serves the widget.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// TOML configuration (see config/demo.toml).
    #[arg(long)]
    config: PathBuf,
    /// Overrides `listen` from the configuration; port 0 picks a free port.
    #[arg(long)]
    listen: Option<String>,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "cardfile_proxy=info".into()),
        )
        .init();
    if let Err(message) = run(Args::parse()).await {
        eprintln!("cardfile-proxy: {message}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut config = Config::load(&args.config).map_err(|e| e.to_string())?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let addr = config.listen_addr().map_err(|e| e.to_string())?;
    let router = app(config, &|name| std::env::var(name).ok())?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    // Tests and scripts read this line to learn the port.
    println!("cardfile-proxy listening on http://{bound}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .map_err(|e| e.to_string())
}

/// Ctrl-C, or SIGTERM as orchestrators and load balancers' drains send it.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
