//! cardfile's gateway between the widget and the providers: it holds every credential,
//! forwards only documented provider endpoints, and serves the widget and its runtime config.

mod auth;
pub mod config;
mod forward;
pub mod routes;
mod widget;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{any, get};

pub use config::Config;

pub(crate) struct Upstream {
    pub(crate) source: config::Source,
    pub(crate) credential: auth::Credential,
}

pub(crate) struct Proxy {
    pub(crate) config: Config,
    pub(crate) upstreams: HashMap<String, Upstream>,
    pub(crate) client: reqwest::Client,
}

/// Builds the proxy's router. Fails when a credential's environment variable is missing, so
/// a misconfigured proxy stops at start-up instead of failing every request.
pub fn app(config: Config, env: &dyn Fn(&str) -> Option<String>) -> Result<Router, String> {
    let mut upstreams = HashMap::new();
    for source in &config.sources {
        let credential = auth::Credential::from_config(&source.id, &source.auth, env)?;
        upstreams.insert(
            source.id.clone(),
            Upstream {
                source: source.clone(),
                credential,
            },
        );
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(config.timeout_ms))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let proxy = Arc::new(Proxy {
        config,
        upstreams,
        client,
    });
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/proxy/{source}/{*path}", any(forward::forward))
        .merge(widget::routes(&proxy))
        .with_state(proxy);
    Ok(router)
}
