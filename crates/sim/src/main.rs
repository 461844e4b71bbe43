use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use cardfile_sim::{Credentials, SimConfig, app, validate_config};
use clap::Parser;

/// Simulator of the provider APIs cardfile reads (Talkdesk, Symphony, GWS, 8x8, Smartflo).
///
/// Every credential has a demo default (shown below) and can be set by flag or environment
/// variable. How a client authenticates with the defaults:
///
///   8x8       Authorization: Bearer demo-8x8-key, account 0123456789abcdef0123456789abcdef
///
///   Talkdesk  POST /talkdesk/oauth/token, Basic demo-talkdesk-client:demo-talkdesk-secret,
///             form grant_type=client_credentials&scope=fsi-contacts:read; then Bearer <access_token>
///
///   Symphony  Bearer <JWT> signed RS512 with crates/sim/demo-keys/symphony-demo-private.pem,
///             sub=ces:customer:cardfile-demo, iat, exp <= iat+1800, fresh jti each call
///
///   GWS       Basic demo-agent:demo-gws-password; writes also echo X-CSRF-TOKEN and JSESSIONID
///             from a previous GET
///
///   Smartflo  POST /smartflo/v1/auth/login {"email":"demo@cardfile.example",
///             "password":"demo-smartflo-password"}; then Bearer <access_token>
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    #[arg(long, default_value_t = 8090, env = "CARDFILE_SIM_PORT")]
    port: u16,
    /// People in the generated population.
    #[arg(long, default_value_t = 1000, env = "CARDFILE_SIM_CONTACTS")]
    contacts: usize,
    /// Seed of the population: the same seed always gives the same data.
    #[arg(long, default_value_t = 1, env = "CARDFILE_SIM_SEED")]
    seed: u64,
    /// Fill names, companies, addresses and custom fields with hostile payloads (XSS,
    /// bidi, zero-width, template and SQL injections, very long strings).
    #[arg(long, env = "CARDFILE_SIM_ADVERSARIAL")]
    adversarial: bool,
    /// 8x8 API key (Bearer).
    #[arg(long, env = "CARDFILE_SIM_8X8_KEY", default_value = "demo-8x8-key")]
    eightbyeight_key: String,
    /// 8x8 account id.
    #[arg(
        long,
        env = "CARDFILE_SIM_8X8_ACCOUNT",
        default_value = "0123456789abcdef0123456789abcdef"
    )]
    eightbyeight_account: String,
    /// Talkdesk OAuth2 client id.
    #[arg(
        long,
        env = "CARDFILE_SIM_TALKDESK_CLIENT_ID",
        default_value = "demo-talkdesk-client"
    )]
    talkdesk_client_id: String,
    /// Talkdesk OAuth2 client secret.
    #[arg(
        long,
        env = "CARDFILE_SIM_TALKDESK_CLIENT_SECRET",
        default_value = "demo-talkdesk-secret"
    )]
    talkdesk_client_secret: String,
    /// Lifetime of Talkdesk access tokens, in seconds.
    #[arg(long, env = "CARDFILE_SIM_TALKDESK_TOKEN_TTL", default_value_t = 3600)]
    talkdesk_token_ttl: u64,
    /// PEM file of the RSA public key Symphony JWTs must verify against
    /// [default: the demo key, crates/sim/demo-keys/symphony-demo-public.pem].
    #[arg(long, env = "CARDFILE_SIM_SYMPHONY_PUBLIC_KEY")]
    symphony_public_key: Option<PathBuf>,
    /// Symphony public key name: JWTs must carry sub = "ces:customer:<name>".
    #[arg(long, env = "CARDFILE_SIM_SYMPHONY_KEY_NAME", default_value = "cardfile-demo")]
    symphony_key_name: String,
    /// GWS HTTP Basic user.
    #[arg(long, env = "CARDFILE_SIM_GWS_USER", default_value = "demo-agent")]
    gws_user: String,
    /// GWS HTTP Basic password.
    #[arg(long, env = "CARDFILE_SIM_GWS_PASSWORD", default_value = "demo-gws-password")]
    gws_password: String,
    /// Smartflo login e-mail.
    #[arg(
        long,
        env = "CARDFILE_SIM_SMARTFLO_EMAIL",
        default_value = "demo@cardfile.example"
    )]
    smartflo_email: String,
    /// Smartflo login password.
    #[arg(
        long,
        env = "CARDFILE_SIM_SMARTFLO_PASSWORD",
        default_value = "demo-smartflo-password"
    )]
    smartflo_password: String,
    /// Lifetime of Smartflo access tokens (`expires_in`), in seconds.
    #[arg(long, env = "CARDFILE_SIM_SMARTFLO_TOKEN_TTL", default_value_t = 3600)]
    smartflo_token_ttl: u64,
    /// Seconds a Smartflo account stays locked after 5 failed logins in a row; 0: until restart.
    #[arg(long, env = "CARDFILE_SIM_SMARTFLO_LOCK_SECS", default_value_t = 0)]
    smartflo_lock_secs: u64,
    /// Smartflo requests per second per account before 429.
    #[arg(long, env = "CARDFILE_SIM_SMARTFLO_RATE", default_value_t = 50)]
    smartflo_rate: u32,
}

fn config(args: Args) -> Result<SimConfig, String> {
    let symphony_public_key_pem = match &args.symphony_public_key {
        None => cardfile_sim::SYMPHONY_DEMO_PUBLIC_KEY_PEM.to_owned(),
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
    };
    let config = SimConfig {
        contacts: args.contacts,
        seed: args.seed,
        adversarial: args.adversarial,
        talkdesk_token_ttl: Duration::from_secs(args.talkdesk_token_ttl),
        smartflo_token_ttl: Duration::from_secs(args.smartflo_token_ttl),
        smartflo_lock: (args.smartflo_lock_secs > 0).then(|| Duration::from_secs(args.smartflo_lock_secs)),
        smartflo_rate_per_sec: args.smartflo_rate,
        credentials: Credentials {
            eightbyeight_key: args.eightbyeight_key,
            eightbyeight_account: args.eightbyeight_account,
            talkdesk_client_id: args.talkdesk_client_id,
            talkdesk_client_secret: args.talkdesk_client_secret,
            symphony_public_key_pem,
            symphony_key_name: args.symphony_key_name,
            gws_user: args.gws_user,
            gws_password: args.gws_password,
            smartflo_email: args.smartflo_email,
            smartflo_password: args.smartflo_password,
        },
    };
    validate_config(&config)?;
    Ok(config)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let addr = SocketAddr::new(args.host, args.port);
    let config = config(args).map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    // Tests and scripts read this line to learn the port.
    println!("cardfile-sim listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
