use std::net::SocketAddr;

use cardfile_sim::{Credentials, SimConfig, app};
use clap::Parser;

/// Simulator of the provider APIs cardfile reads (Talkdesk, Symphony, GWS, 8x8, Smartflo).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    #[arg(long, default_value_t = 8090, env = "CARDFILE_SIM_PORT")]
    port: u16,
    /// People in the generated population.
    #[arg(long, default_value_t = 1000)]
    contacts: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, env = "CARDFILE_SIM_8X8_KEY", default_value = "demo-8x8-key")]
    eightbyeight_key: String,
    #[arg(
        long,
        env = "CARDFILE_SIM_8X8_ACCOUNT",
        default_value = "0123456789abcdef0123456789abcdef"
    )]
    eightbyeight_account: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let config = SimConfig {
        contacts: args.contacts,
        seed: args.seed,
        credentials: Credentials {
            eightbyeight_key: args.eightbyeight_key,
            eightbyeight_account: args.eightbyeight_account,
        },
    };
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.host, args.port)).await?;
    // Tests and scripts read this line to learn the port.
    println!("cardfile-sim listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
