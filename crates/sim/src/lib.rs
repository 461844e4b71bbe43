//! A simulator of the provider APIs cardfile reads, built from their public documentation.
//!
//! It deliberately shares no code with `cardfile-core`: it is the independent party core's
//! parsers are tested against. Every provider lives under its own prefix with its real paths
//! after it (`/8x8/api/v1/accounts/{id}/contacts`, ...); `/_sim/...` is the control plane.

mod control;
pub mod data;
mod providers;

use std::sync::Arc;

use axum::Router;

pub use control::RequestLog;

/// Demo credentials; every one can be overridden on the command line or through the
/// environment.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub eightbyeight_key: String,
    pub eightbyeight_account: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            eightbyeight_key: "demo-8x8-key".into(),
            eightbyeight_account: "0123456789abcdef0123456789abcdef".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// People in the population; each provider holds a large, overlapping share.
    pub contacts: usize,
    pub seed: u64,
    pub credentials: Credentials,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            contacts: 1000,
            seed: 1,
            credentials: Credentials::default(),
        }
    }
}

pub(crate) struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) log: RequestLog,
    pub(crate) eightbyeight: providers::eightbyeight::Store,
}

/// The whole simulator as one router.
pub fn app(config: SimConfig) -> Router {
    let people = data::people(config.contacts, config.seed);
    let sim = Arc::new(Sim {
        eightbyeight: providers::eightbyeight::Store::new(&people),
        log: RequestLog::default(),
        config,
    });
    Router::new()
        .nest("/8x8", providers::eightbyeight::routes())
        .merge(control::routes())
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            control::count_requests,
        ))
        .with_state(sim)
}
