use std::future::IntoFuture;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use axum::ServiceExt;
use axum::serve::{Listener, ListenerExt};
use cardfile_proxy::log_output::BatchedLog;
use cardfile_proxy::{Config, service};
use clap::Parser;

// A forwarded request is mostly small allocations that live as long as the request.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

fn main() {
    let log = BatchedLog::stdout();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "cardfile_proxy=info".into()),
        )
        // Colours only for a person watching; a log file or collector gets plain text.
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(log.clone())
        .init();
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
        .and_then(|runtime| runtime.block_on(run(Args::parse())));
    log.flush();
    if let Err(message) = result {
        eprintln!("cardfile-proxy: {message}");
        std::process::exit(1);
    }
}

/// Serves the way nginx's workers do: one single-threaded runtime per core, each serving its
/// share of the connections from start to end (requests, upstream calls through its own
/// pooled connections, answers), so a request never waits for another thread to be woken nor
/// moves between threads. This thread accepts the connections and hands them to the workers
/// in turn (a connection stays with its worker: keep-alive clients are spread evenly).
async fn run(args: Args) -> Result<(), String> {
    let mut config = Config::load(&args.config).map_err(|e| e.to_string())?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let addr = config.listen_addr().map_err(|e| e.to_string())?;
    let app = service(config, &|name| std::env::var(name).ok())?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut handoffs = Vec::with_capacity(workers);
    let mut threads = Vec::with_capacity(workers);
    for i in 0..workers {
        let (handoff, accepted) = tokio::sync::mpsc::unbounded_channel();
        handoffs.push(handoff);
        let app = app.clone();
        let mut stopping = stopping.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a worker runtime: {e}"))?;
        let thread = std::thread::Builder::new()
            .name(format!("worker-{i}"))
            .spawn(move || {
                let listener = Handoff { accepted, bound }.tap_io(|tcp| {
                    let _ = tcp.set_nodelay(true);
                });
                let served = runtime.block_on(
                    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                        .with_graceful_shutdown(async move {
                            let _ = stopping.wait_for(|stop| *stop).await;
                        })
                        .into_future(),
                );
                if let Err(e) = served {
                    tracing::error!("worker {i} stopped: {e}");
                }
            })
            .map_err(|e| format!("cannot start a worker thread: {e}"))?;
        threads.push(thread);
    }
    // Tests and scripts read this line to learn the port.
    println!("cardfile-proxy listening on http://{bound}");
    let mut next = 0;
    let mut shutdown = std::pin::pin!(shutdown());
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Handed over as a plain socket: the worker registers it with its own runtime.
        if let Ok(tcp) = tcp.into_std() {
            let _ = handoffs[next].send((tcp, peer));
            next = (next + 1) % workers;
        }
    }
    drop(listener);
    let _ = stop.send(true);
    drop(handoffs);
    tokio::task::spawn_blocking(move || {
        for thread in threads {
            let _ = thread.join();
        }
    })
    .await
    .map_err(|e| e.to_string())
}

/// As axum's own accept loop: a failed connection is skipped; running out of descriptors or
/// memory is logged and waited out.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!("accept failed: {e}");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

/// A worker's share of the accepted connections, as an axum listener.
struct Handoff {
    accepted: tokio::sync::mpsc::UnboundedReceiver<(std::net::TcpStream, SocketAddr)>,
    bound: SocketAddr,
}

impl Listener for Handoff {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.accepted.recv().await {
                Some((tcp, peer)) => {
                    if let Ok(tcp) = tokio::net::TcpStream::from_std(tcp) {
                        return (tcp, peer);
                    }
                }
                // No more connections: shutting down, which the graceful shutdown ends.
                None => std::future::pending::<()>().await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.bound)
    }
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
