//! A simulator of the provider APIs cardfile reads, built from their public documentation.
//!
//! It deliberately shares no code with `cardfile-core`: it is the independent party core's
//! parsers are tested against. Every provider lives under its own prefix with its real paths
//! after it (`/8x8/api/v1/accounts/{id}/contacts`, `/talkdesk/fsi/contacts`,
//! `/symphony/api/v2/customer/contacts`, `/gws/api/v2/contacts`, `/smartflo/v1/contacts`);
//! `/_sim/...` is the control plane (request counts, fault injection).

// Handlers answer errors as ready `Response`s; boxing them would only add noise.
#![allow(clippy::result_large_err)]

mod adversarial;
mod auth;
mod control;
pub mod data;
mod faults;
mod providers;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

pub use adversarial::adversarial_payloads;
pub use control::RequestLog;

/// The demo Symphony Connect public key (demo-only; see `demo-keys/README.md`).
pub const SYMPHONY_DEMO_PUBLIC_KEY_PEM: &str = include_str!("../demo-keys/symphony-demo-public.pem");

/// Demo credentials; every one can be overridden on the command line or through the
/// environment.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub eightbyeight_key: String,
    pub eightbyeight_account: String,
    /// Talkdesk OAuth2 client credentials (HTTP Basic on `POST /talkdesk/oauth/token`).
    pub talkdesk_client_id: String,
    pub talkdesk_client_secret: String,
    /// PEM (SPKI or PKCS#1) of the RSA public key Symphony JWTs are verified against.
    pub symphony_public_key_pem: String,
    /// The key's name: tokens must carry `sub = "ces:customer:<name>"`.
    pub symphony_key_name: String,
    /// GWS HTTP Basic user and password.
    pub gws_user: String,
    pub gws_password: String,
    /// Smartflo login (`POST /smartflo/v1/auth/login`).
    pub smartflo_email: String,
    pub smartflo_password: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            eightbyeight_key: "demo-8x8-key".into(),
            eightbyeight_account: "0123456789abcdef0123456789abcdef".into(),
            talkdesk_client_id: "demo-talkdesk-client".into(),
            talkdesk_client_secret: "demo-talkdesk-secret".into(),
            symphony_public_key_pem: SYMPHONY_DEMO_PUBLIC_KEY_PEM.into(),
            symphony_key_name: "cardfile-demo".into(),
            gws_user: "demo-agent".into(),
            gws_password: "demo-gws-password".into(),
            smartflo_email: "demo@cardfile.example".into(),
            smartflo_password: "demo-smartflo-password".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// People in the population; each provider holds a large, overlapping share.
    pub contacts: usize,
    pub seed: u64,
    pub credentials: Credentials,
    /// Replace names, companies, addresses and custom field values with hostile payloads.
    pub adversarial: bool,
    /// Lifetime of Talkdesk access tokens.
    pub talkdesk_token_ttl: Duration,
    /// Lifetime of Smartflo access tokens (`expires_in`).
    pub smartflo_token_ttl: Duration,
    /// How long a Smartflo account stays locked after 5 failed logins; `None`: until restart.
    pub smartflo_lock: Option<Duration>,
    /// Smartflo requests allowed per second per account before 429.
    pub smartflo_rate_per_sec: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            contacts: 1000,
            seed: 1,
            credentials: Credentials::default(),
            adversarial: false,
            talkdesk_token_ttl: Duration::from_secs(3600),
            smartflo_token_ttl: Duration::from_secs(3600),
            smartflo_lock: None,
            smartflo_rate_per_sec: 50,
        }
    }
}

pub(crate) struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) log: RequestLog,
    pub(crate) timings: control::Timings,
    pub(crate) faults: faults::Faults,
    pub(crate) eightbyeight: providers::eightbyeight::Store,
    pub(crate) talkdesk: providers::talkdesk::Store,
    pub(crate) symphony: providers::symphony::Store,
    pub(crate) gws: providers::gws::Store,
    pub(crate) smartflo: providers::smartflo::Store,
}

/// Checks what `app` cannot report itself: a Symphony public key that is not an RSA public
/// key PEM (with such a key the simulator refuses every Symphony token).
pub fn validate_config(config: &SimConfig) -> Result<(), String> {
    auth::jwt::parse_public_key(&config.credentials.symphony_public_key_pem)
        .map(|_| ())
        .map_err(|e| format!("invalid Symphony public key: {e}"))
}

/// The whole simulator as one router.
pub fn app(config: SimConfig) -> Router {
    let mut people = data::people(config.contacts, config.seed);
    if config.adversarial {
        adversarial::poison(&mut people);
    }
    let sim = Arc::new(Sim {
        eightbyeight: providers::eightbyeight::Store::new(&people),
        talkdesk: providers::talkdesk::Store::new(&people),
        symphony: providers::symphony::Store::new(&people, &config.credentials),
        gws: providers::gws::Store::new(&people),
        smartflo: providers::smartflo::Store::new(&people),
        log: RequestLog::default(),
        timings: control::Timings::default(),
        faults: faults::Faults::default(),
        config,
    });
    Router::new()
        .nest("/8x8", providers::eightbyeight::routes())
        .nest("/talkdesk", providers::talkdesk::routes())
        .nest("/symphony", providers::symphony::routes())
        .nest("/gws", providers::gws::routes())
        .nest("/smartflo", providers::smartflo::routes())
        .merge(control::routes())
        .merge(faults::routes())
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            control::server_timing,
        ))
        .layer(axum::middleware::from_fn_with_state(sim.clone(), faults::inject))
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            control::count_requests,
        ))
        .with_state(sim)
}
