//! The `/proxy/{source}/{*path}` route as one service, and `App`, which sends requests for it
//! straight there and all others through the router. It makes the same checks, in the same
//! order, as the layers in front of the other routes: the allowed-host check (421), the
//! OPTIONS screen (`preflight`), CORS, the rate limit (429), then `forward`. As axum
//! middleware each of them cost a boxed service clone, a boxed future and a copy of the
//! request's future per request, on the route that carries nearly all the traffic; here they
//! are plain calls. Preflights go through the same `CorsLayer` as the other routes; to any
//! other request's answer, `ActualCors` adds what that layer would (computed once; a test
//! holds the two equal).

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Either, Ready, ready};
use tower_http::cors::{Cors, CorsLayer};
use tower_layer::Layer;
use tower_service::Service;

use crate::{Proxy, allowed_host, forward, limit, preflight};

/// The proxy's HTTP service as `main` serves it: what `app` builds, with `/proxy/` requests
/// taken to their route directly rather than matched by the router (which holds the same
/// route, for the paths `is_proxy_path` leaves to it and for `app`'s users).
#[derive(Clone)]
pub struct App {
    pub(crate) router: axum::Router,
    pub(crate) proxy_route: ProxyRoute,
}

impl Service<Request> for App {
    type Response = Response;
    type Error = Infallible;
    type Future =
        Either<<ProxyRoute as Service<Request>>::Future, axum::routing::future::RouteFuture<Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if is_proxy_path(request.uri().path()) {
            Either::Left(self.proxy_route.call(request))
        } else {
            Either::Right(self.router.call(request))
        }
    }
}

/// Whether the router would match `path` to `/proxy/{source}/{*path}`: a source segment and
/// a non-empty rest.
fn is_proxy_path(path: &str) -> bool {
    path.strip_prefix("/proxy/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(source, rest)| !source.is_empty() && !rest.is_empty())
}

/// The route: host check and OPTIONS screen, then CORS around `Limited`.
/// Cheap to clone (the server clones the service for every request): the CORS layer, whose
/// clone allocates, is cloned for preflights only.
#[derive(Clone)]
pub struct ProxyRoute {
    proxy: Arc<Proxy>,
    /// For preflights.
    cors: Arc<Cors<Limited>>,
    actual_cors: Arc<ActualCors>,
}

impl ProxyRoute {
    pub(crate) fn new(proxy: Arc<Proxy>, cors: CorsLayer, actual_cors: ActualCors) -> Self {
        ProxyRoute {
            cors: Arc::new(cors.layer(Limited { proxy: proxy.clone() })),
            actual_cors: Arc::new(actual_cors),
            proxy,
        }
    }
}

impl Service<Request> for ProxyRoute {
    type Response = Response;
    type Error = Infallible;
    type Future = Either<
        Ready<Result<Response, Infallible>>,
        Either<LimitedFuture, tower_http::cors::ResponseFuture<LimitedFuture>>,
    >;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if let Some(refused) =
            allowed_host::refusal(&self.proxy, &request).or_else(|| preflight::refusal(&self.proxy, &request))
        {
            return Either::Left(ready(Ok(refused)));
        }
        if request.method() == Method::OPTIONS {
            return Either::Right(Either::Right(Cors::clone(&self.cors).call(request)));
        }
        let proxy = self.proxy.clone();
        let cors = self.actual_cors.clone();
        Either::Right(Either::Left(Box::pin(async move {
            let allow_origin = cors.allow_origin(request.headers());
            let mut response = limited(proxy, request).await;
            cors.apply(response.headers_mut(), allow_origin);
            Ok(response)
        })))
    }
}

/// What the CORS layer adds to the answer to a request that is no preflight: `Vary` (added
/// to any the answer has), `Access-Control-Expose-Headers`, and for an allowed `Origin`,
/// `Access-Control-Allow-Origin` with it.
pub(crate) struct ActualCors {
    origins: Vec<HeaderValue>,
    vary: HeaderValue,
    expose: Option<HeaderValue>,
}

impl ActualCors {
    /// Joined as tower-http joins them.
    pub(crate) fn new(origins: Vec<HeaderValue>, vary: &[HeaderName], expose: &[HeaderName]) -> Self {
        let join = |names: &[HeaderName], separator: &str| {
            let joined = names
                .iter()
                .map(HeaderName::as_str)
                .collect::<Vec<_>>()
                .join(separator);
            HeaderValue::from_str(&joined).ok()
        };
        ActualCors {
            origins,
            vary: join(vary, ", ").unwrap_or(HeaderValue::from_static("")),
            expose: join(expose, ",").filter(|_| !expose.is_empty()),
        }
    }

    fn allow_origin(&self, request: &HeaderMap) -> Option<HeaderValue> {
        request
            .get(header::ORIGIN)
            .filter(|origin| self.origins.contains(origin))
            .cloned()
    }

    fn apply(&self, response: &mut HeaderMap, allow_origin: Option<HeaderValue>) {
        if !self.vary.is_empty() {
            response.append(header::VARY, self.vary.clone());
        }
        if let Some(expose) = &self.expose {
            response.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
        }
        if let Some(origin) = allow_origin {
            response.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
    }
}

/// The rate limit, then `forward`.
async fn limited(proxy: Arc<Proxy>, request: Request) -> Response {
    match limit::refusal(&proxy, &request) {
        Some(refused) => refused,
        None => forward::forward(proxy, request).await,
    }
}

pub type LimitedFuture = BoxFuture<'static, Result<Response, Infallible>>;

/// The rate limit, then `forward`, as a service for the CORS layer (preflights, which it
/// answers itself).
#[derive(Clone)]
pub struct Limited {
    proxy: Arc<Proxy>,
}

impl Service<Request> for Limited {
    type Response = Response;
    type Error = Infallible;
    type Future = LimitedFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        Box::pin(limited(self.proxy.clone(), request).map(Ok))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer with headers of its own, `Vary` among them.
    #[derive(Clone)]
    struct Fixed;

    fn fixed_answer() -> Response {
        let mut response = Response::new(axum::body::Body::empty());
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("x-other"),
        );
        response
    }

    impl Service<Request> for Fixed {
        type Response = Response;
        type Error = Infallible;
        type Future = Ready<Result<Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request) -> Self::Future {
            ready(Ok(fixed_answer()))
        }
    }

    fn listed(headers: &HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect()
    }

    /// `ActualCors` adds exactly what the CORS layer adds to an answer, whatever the origin.
    #[tokio::test]
    async fn actual_cors_adds_what_the_cors_layer_adds() {
        for origins in [
            "[]",
            r#"["https://desk.example"]"#,
            r#"["https://a.example", "http://b.example:8080"]"#,
        ] {
            let config = crate::Config::parse(&format!("allowed_origins = {origins}"), &|_| None).unwrap();
            let (layer, actual) = crate::cors(&config).unwrap();
            let mut cors = layer.layer(Fixed);
            for method in [Method::GET, Method::HEAD, Method::POST, Method::DELETE] {
                for origin in [
                    None,
                    Some("https://desk.example"),
                    Some("https://a.example"),
                    Some("http://b.example:8080"),
                    Some("https://evil.example"),
                    Some("null"),
                ] {
                    let mut request = Request::builder().method(method.clone()).uri("/proxy/x/y");
                    if let Some(origin) = origin {
                        request = request.header(header::ORIGIN, origin);
                    }
                    let request = request.body(axum::body::Body::empty()).unwrap();
                    let allow = actual.allow_origin(request.headers());
                    let by_layer = cors.call(request).await.unwrap();
                    let mut by_us = fixed_answer();
                    actual.apply(by_us.headers_mut(), allow);
                    assert_eq!(
                        listed(by_us.headers()),
                        listed(by_layer.headers()),
                        "{origins} {method} {origin:?}"
                    );
                }
            }
        }
    }

    /// `is_proxy_path` takes no path from the router that it would not match to the route.
    #[tokio::test]
    async fn proxy_paths_are_the_ones_the_router_matches() {
        let mut router = axum::Router::new()
            .route(
                "/proxy/{source}/{*path}",
                axum::routing::any(|| async { "route" }),
            )
            .fallback(|| async { "other" });
        for path in [
            "/proxy/8x8/api/v1/accounts/a/contacts",
            "/proxy/8x8/x",
            "/proxy/8x8/",
            "/proxy/8x8//",
            "/proxy/8x8//x",
            "/proxy//x",
            "/proxy//",
            "/proxy/8x8",
            "/proxy/",
            "/proxy",
            "/proxyx/8x8/x",
            "/Proxy/8x8/x",
            "//proxy/8x8/x",
            "/proxy/%38x8/x",
            "/proxy/a%2Fb/x",
            "/proxy/8x8/x/",
            "/widget/cardfile.json",
            "/",
        ] {
            let request = Request::builder()
                .uri(path)
                .body(axum::body::Body::empty())
                .unwrap();
            let response = router.call(request).await.unwrap();
            let body = axum::body::to_bytes(response.into_body(), 64).await.unwrap();
            let routed = &body[..] == b"route";
            // The router also matches some paths `is_proxy_path` leaves to it (an empty
            // source id): they reach the same route through it.
            if is_proxy_path(path) {
                assert!(
                    routed,
                    "{path}: taken as a proxy path, but the router does not match it"
                );
            }
        }
        assert!(is_proxy_path("/proxy/8x8/api/v1/accounts/a/contacts/b?q=1"));
        assert!(is_proxy_path("/proxy/gws-1k/api/v2/contacts"));
    }
}
