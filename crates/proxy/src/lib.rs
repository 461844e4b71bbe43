//! cardfile's gateway between the widget and the providers: it holds every credential,
//! forwards only documented provider endpoints, and serves the widget and its runtime config.

mod allowed_host;
mod auth;
pub mod config;
mod forward;
mod gate;
mod limit;
pub mod log_output;
mod preflight;
pub mod routes;
mod upstream;
mod widget;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use config::Config;
pub use forward::ERROR_HEADER;
pub use gate::App;

pub(crate) struct Upstream {
    pub(crate) source: config::Source,
    pub(crate) credential: auth::Credential,
    /// Where requests are forwarded, with its connection pool; None: forwarded through
    /// reqwest (see `upstream::Origin::new`).
    pub(crate) origin: Option<upstream::Origin>,
}

pub(crate) struct Proxy {
    pub(crate) config: Config,
    pub(crate) upstreams: HashMap<String, Upstream>,
    /// Token, login and CSRF calls, and forwarding for the sources without an `origin`.
    pub(crate) client: reqwest::Client,
    pub(crate) limiter: Option<limit::RateLimiter>,
    pub(crate) widget_page: widget::WidgetPage,
}

/// Builds the proxy's router. Fails when a credential's environment variable is missing, so
/// a misconfigured proxy stops at start-up instead of failing every request.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so the rate limit
/// sees each client's address (without it, all clients share one bucket).
pub fn app(config: Config, env: &dyn Fn(&str) -> Option<String>) -> Result<Router, String> {
    Ok(service(config, env)?.router)
}

/// `app`, with requests for `/proxy/` taken to their route without the router's matching:
/// what the binary serves. Serve it the same way (`axum::ServiceExt::
/// into_make_service_with_connect_info::<SocketAddr>`).
pub fn service(config: Config, env: &dyn Fn(&str) -> Option<String>) -> Result<gate::App, String> {
    let mut upstreams = HashMap::new();
    // Which upstreams reqwest would reach through a proxy (HTTP_PROXY and friends).
    let env_proxy = hyper_util::client::proxy::matcher::Matcher::from_system();
    let connector = upstream::connector()?;
    for source in &config.sources {
        let credential = auth::Credential::from_config(&source.id, &source.auth, env)?;
        upstreams.insert(
            source.id.clone(),
            Upstream {
                source: source.clone(),
                credential,
                origin: upstream::Origin::new(&source.base_url, &connector, &env_proxy),
            },
        );
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(config.timeout_ms))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let (cors, actual_cors) = cors(&config)?;
    if config.allowed_hosts.is_empty() {
        tracing::warn!(
            "allowed_hosts is not set: requests for any host name are served, so a page whose \
             hostname resolves to this proxy (DNS rebinding) can use it; list the names clients use"
        );
    }
    let proxy = Arc::new(Proxy {
        limiter: limit::RateLimiter::new(config.rate_limit_per_minute),
        widget_page: widget::WidgetPage::new(&config),
        config,
        upstreams,
        client,
    });
    let proxy_route = gate::ProxyRoute::new(proxy.clone(), cors.clone(), actual_cors);
    let api = Router::new()
        .route("/widget/cardfile.json", get(widget::runtime_config))
        .layer(cors.clone())
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
        // Added after the host check, but it makes that check itself, then the same ones as
        // the layers above in the same order (and the rate limit): see `gate`.
        .route_service("/proxy/{source}/{*path}", proxy_route.clone())
        // Added after the host check, so outside it: load balancers probe instances by
        // address, and "ok" is all it tells a rebinding page.
        .route("/healthz", get(|| async { "ok" }))
        .with_state(proxy);
    Ok(gate::App { router, proxy_route })
}

/// CORS for `/proxy/` and the runtime config: only the configured origins, compared
/// exactly, never `*`; no credentials (the proxy uses no cookies from the browser). It sees
/// only the preflights `preflight::screen_options` has let through. With it, what it adds to
/// the answer to a request that is no preflight, for `gate` to add without the layer.
fn cors(config: &Config) -> Result<(CorsLayer, gate::ActualCors), String> {
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
    let expose = [
        HeaderName::from_static(forward::ERROR_HEADER),
        header::RETRY_AFTER,
    ];
    let vary = [header::ORIGIN];
    let actual = gate::ActualCors::new(origins.clone(), &vary, &expose);
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods(methods.to_vec())
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers(expose)
        .max_age(Duration::from_secs(600))
        .vary(vary);
    Ok((layer, actual))
}
