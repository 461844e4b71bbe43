//! cardfile's gateway between the widget and the providers: it holds every credential,
//! forwards only documented provider endpoints, and serves the widget and its runtime config.

mod allowed_host;
mod auth;
pub mod config;
mod forward;
mod limit;
mod preflight;
pub mod routes;
mod widget;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use axum::routing::{any, get};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use config::Config;
pub use forward::ERROR_HEADER;

pub(crate) struct Upstream {
    pub(crate) source: config::Source,
    pub(crate) credential: auth::Credential,
}

pub(crate) struct Proxy {
    pub(crate) config: Config,
    pub(crate) upstreams: HashMap<String, Upstream>,
    pub(crate) client: reqwest::Client,
    pub(crate) limiter: Option<limit::RateLimiter>,
    pub(crate) csp: widget::WidgetCsp,
}

/// Builds the proxy's router. Fails when a credential's environment variable is missing, so
/// a misconfigured proxy stops at start-up instead of failing every request.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so the rate limit
/// sees each client's address (without it, all clients share one bucket).
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
    let cors = cors(&config)?;
    if config.allowed_hosts.is_empty() {
        tracing::warn!(
            "allowed_hosts is not set: requests for any host name are served, so a page whose \
             hostname resolves to this proxy (DNS rebinding) can use it; list the names clients use"
        );
    }
    let proxy = Arc::new(Proxy {
        limiter: limit::RateLimiter::new(config.rate_limit_per_minute),
        csp: widget::WidgetCsp::new(config.widget_dir.as_deref(), &config.allowed_origins),
        config,
        upstreams,
        client,
    });
    let api = Router::new()
        .route("/proxy/{source}/{*path}", any(forward::forward))
        .layer(middleware::from_fn_with_state(proxy.clone(), limit::rate_limit))
        .route("/widget/cardfile.json", get(widget::runtime_config))
        .layer(cors)
        .layer(middleware::from_fn_with_state(
            proxy.clone(),
            preflight::screen_options,
        ));
    let router = Router::new()
        .merge(api)
        .merge(widget::routes(&proxy))
        .layer(middleware::from_fn_with_state(
            proxy.clone(),
            allowed_host::require_allowed_host,
        ))
        // Added after the host check, so outside it: load balancers probe instances by
        // address, and "ok" is all it tells a rebinding page.
        .route("/healthz", get(|| async { "ok" }))
        .with_state(proxy);
    Ok(router)
}

/// CORS for `/proxy/` and the runtime config: only the configured origins, compared
/// exactly, never `*`; no credentials (the proxy uses no cookies from the browser). It sees
/// only the preflights `preflight::screen_options` has let through.
fn cors(config: &Config) -> Result<CorsLayer, String> {
    let origins = config
        .allowed_origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o).map_err(|_| format!("allowed origin `{o}` is not a valid header value"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let methods = if config.sources.iter().any(|s| s.allow_writes) {
        preflight::READ_WRITE_METHODS
    } else {
        preflight::READ_METHODS
    };
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods(methods.to_vec())
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([
            HeaderName::from_static(forward::ERROR_HEADER),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600))
        .vary([header::ORIGIN]))
}
