//! `/proxy/{source}/{path}?{query}` → `{base_url}/{path}?{query}` with the source's
//! credentials, after the route check.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::{AuthFailure, CsrfSession, Grant};
use crate::routes::{self, Refusal};
use crate::upstream::{Origin, SendError};
use crate::{Proxy, Upstream};

/// Response headers worth passing back to the widget; everything else (cookies, CSRF
/// tokens, upstream server details) stays behind.
const PASSED_BACK: [header::HeaderName; 3] =
    [header::CONTENT_TYPE, header::RETRY_AFTER, header::CONTENT_LENGTH];

/// The proxy's own errors carry this header so the widget can tell them from a provider's.
pub const ERROR_HEADER: &str = "x-cardfile-error";

pub(crate) fn refuse(status: StatusCode, code: &'static str, message: String) -> Response {
    let mut response = (status, axum::Json(json!({"error": code, "message": message}))).into_response();
    response
        .headers_mut()
        .insert(ERROR_HEADER, HeaderValue::from_static(code));
    response
}

/// One request's line in the log: never a header, a query string or an identifier (the
/// route is the matched pattern, with `*` for path parameters). `error` is the proxy's own
/// error code when the answer is the proxy's rather than the provider's.
fn log(source: &str, method: &Method, route: &str, response: &Response, started: Instant) {
    let error = response
        .headers()
        .get(ERROR_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info!(
        source,
        method = %method,
        route,
        status = response.status().as_u16(),
        error,
        latency_ms = started.elapsed().as_millis() as u64,
        "proxied request"
    );
}

/// Forwards one request whose path matched `/proxy/{source}/{*path}`, after the host
/// check, the CORS layer and the rate limit (see `gate`).
pub(crate) async fn forward(proxy: Arc<Proxy>, request: axum::extract::Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    // The source id and the path after it as they came, still encoded: a decoded path would
    // hide `%2F` and friends, and a source id is matched exactly as written.
    let after_prefix = uri.path().strip_prefix("/proxy/").unwrap_or_default();
    let source_id = after_prefix.split('/').next().unwrap_or_default();
    let Some(upstream) = proxy.upstreams.get(source_id) else {
        tracing::info!(method = %method, status = 404, "request refused: unknown source");
        return refuse(
            StatusCode::NOT_FOUND,
            "unknown_source",
            format!("no source `{}` is configured", truncated(source_id)),
        );
    };
    let source = &upstream.source;
    let raw_path = &after_prefix[source_id.len()..];
    let checked = routes::allowed_route(&source.kind, source.allow_writes, &method, raw_path)
        .and_then(|route| routes::check_query(uri.query().unwrap_or_default()).map(|()| route));
    let route = match checked {
        Ok(route) => route,
        Err(refusal) => {
            let (code, why) = match refusal {
                Refusal::Method => ("method_not_allowed", format!("{method} is not allowed")),
                Refusal::Path(why) => ("route_not_allowed", why.to_owned()),
            };
            let response = refuse(
                StatusCode::FORBIDDEN,
                code,
                format!("{why}: {}", truncated(raw_path)),
            );
            log(&source.id, &method, "(refused)", &response, started);
            return response;
        }
    };
    let write = method != Method::GET && method != Method::HEAD;
    if write
        && !origin_allowed(
            &headers,
            &proxy.config.allowed_origins,
            &proxy.config.allowed_hosts,
        )
    {
        let response = refuse(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            "writes are accepted only from this site and the configured origins".into(),
        );
        log(&source.id, &method, route, &response, started);
        return response;
    }
    let limit = proxy.config.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("request bodies are limited to {limit} bytes"),
        )
    };
    if declared.is_some_and(|n| n > limit as u64) {
        let response = too_large();
        log(&source.id, &method, route, &response, started);
        return response;
    }
    // Only writes send a body upstream; it is read whole (it is small, and a retry after a
    // refreshed token or CSRF session needs it again).
    let body = if write {
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(_) => {
                let response = too_large();
                log(&source.id, &method, route, &response, started);
                return response;
            }
        }
    } else {
        Bytes::new()
    };
    let target = match &upstream.origin {
        Some(origin) => Target::Lean(origin, origin.target(raw_path, uri.query())),
        None => {
            let mut url = format!("{}{}", source.base_url, raw_path);
            if let Some(query) = uri.query() {
                url.push('?');
                url.push_str(query);
            }
            Target::Reqwest(url)
        }
    };
    let call = Call {
        proxy: &proxy,
        upstream,
        method: &method,
        target,
        content_type: headers.get(header::CONTENT_TYPE),
        body,
        write,
    };
    let response = match call.run().await {
        Ok(reply) => pass_back(reply),
        Err(response) => response,
    };
    log(&source.id, &method, route, &response, started);
    response
}

/// A write must come from the proxy's own site (same host) or an allowed origin: a browser
/// on another site could otherwise send a form post with the proxy's credentials.
///
/// "Same host" alone is what a DNS-rebinding page also satisfies (its own name is both its
/// origin and the `Host` it sends), so with `allowed_hosts` set that host must be one of them.
/// The host check in front of every route already refuses such requests; this keeps writes
/// safe should a route ever be added outside it.
fn origin_allowed(headers: &HeaderMap, allowed_origins: &[String], allowed_hosts: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Not sent by a browser (or a same-origin GET-like request): nothing to check.
        return true;
    };
    if allowed_origins.iter().any(|a| a == origin) {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host_trusted = allowed_hosts.is_empty() || allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(host));
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    host_trusted && authority.is_some_and(|a| a.eq_ignore_ascii_case(host))
}

/// Where a call goes: the source's origin and a target on it (None if it could not be
/// built, which fails the call as reqwest failed an unusable URL), or a URL for reqwest.
enum Target<'a> {
    Lean(&'a Origin, Option<PathAndQuery>),
    Reqwest(String),
}

/// What a provider answered, its body still streaming.
type Reply = axum::http::Response<Body>;

struct Call<'a> {
    proxy: &'a Proxy,
    upstream: &'a Upstream,
    method: &'a Method,
    target: Target<'a>,
    content_type: Option<&'a HeaderValue>,
    body: Bytes,
    write: bool,
}

impl Call<'_> {
    /// Sends the request with the source's credentials: after a 401, once more with a fresh
    /// token (token schemes); after a 403 to a write, once more with a fresh CSRF session.
    async fn run(&self) -> Result<Reply, Response> {
        let credential = &self.upstream.credential;
        let client = &self.proxy.client;
        let mut grant = self.grant().await?;
        let session = credential.session();
        let mut csrf = match session {
            Some(s) if self.write => Some(
                Box::pin(s.for_write(
                    client,
                    &self.upstream.source.base_url,
                    grant.authorization.clone(),
                ))
                .await
                .map_err(|f| self.auth_failure(f))?,
            ),
            Some(s) => s.current(),
            None => None,
        };
        let mut reply = self.send(&grant, csrf.as_ref()).await?;
        if reply.status() == StatusCode::UNAUTHORIZED && credential.refreshes_on_401() {
            tracing::info!(source = %self.upstream.source.id, "upstream said 401: refreshing the token once");
            Box::pin(credential.invalidate(&grant)).await;
            grant = self.grant().await?;
            reply = self.send(&grant, csrf.as_ref()).await?;
        } else if reply.status() == StatusCode::FORBIDDEN
            && self.write
            && let (Some(s), Some(used)) = (session, csrf.as_ref())
        {
            tracing::info!(source = %self.upstream.source.id, "upstream refused a write: renewing the CSRF session once");
            s.invalidate(used);
            csrf = Some(
                Box::pin(s.for_write(
                    client,
                    &self.upstream.source.base_url,
                    grant.authorization.clone(),
                ))
                .await
                .map_err(|f| self.auth_failure(f))?,
            );
            reply = self.send(&grant, csrf.as_ref()).await?;
        }
        if let Some(s) = session {
            s.observe(reply.headers());
        }
        Ok(reply)
    }

    /// The credential for the next call: at once for a static one. A token or a JWT may take
    /// a request or a signature; their futures (and the CSRF fetch's, the reqwest call's
    /// below, a new connection's) are boxed, so that the future of every request, allocated
    /// and moved for each one, is not sized for them.
    async fn grant(&self) -> Result<Grant, Response> {
        let credential = &self.upstream.credential;
        match credential.ready_grant() {
            Some(grant) => Ok(grant),
            None => Box::pin(credential.grant(&self.proxy.client))
                .await
                .map_err(|f| self.auth_failure(f)),
        }
    }

    async fn send(&self, grant: &Grant, csrf: Option<&CsrfSession>) -> Result<Reply, Response> {
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(header::AUTHORIZATION, grant.authorization.clone());
        if let Some(csrf) = csrf {
            csrf.apply(&mut headers, self.write);
        }
        let body = if self.write {
            let content_type = self
                .content_type
                .cloned()
                .unwrap_or(HeaderValue::from_static("application/json"));
            headers.insert(header::CONTENT_TYPE, content_type);
            self.body.clone()
        } else {
            Bytes::new()
        };
        let label = &self.upstream.source.label;
        let timed_out = || {
            refuse(
                StatusCode::GATEWAY_TIMEOUT,
                "upstream_timeout",
                format!("{label} did not answer in time"),
            )
        };
        let unreachable = || {
            refuse(
                StatusCode::BAD_GATEWAY,
                "upstream_unreachable",
                format!("{label} could not be reached"),
            )
        };
        let timeout = Duration::from_millis(self.proxy.config.timeout_ms);
        match &self.target {
            Target::Lean(origin, target) => {
                let Some(target) = target.clone() else {
                    return Err(unreachable());
                };
                let mut request = Request::new(http_body_util::Full::new(body));
                *request.method_mut() = self.method.clone();
                *request.uri_mut() = Uri::from(target);
                *request.headers_mut() = headers;
                // One deadline for the answer and its body, as reqwest's `timeout` was.
                let deadline = tokio::time::Instant::now() + timeout;
                match tokio::time::timeout_at(deadline, origin.send(request, deadline)).await {
                    Ok(Ok(reply)) => Ok(reply.map(Body::new)),
                    Ok(Err(SendError::Timeout)) | Err(_) => Err(timed_out()),
                    Ok(Err(SendError::Failed)) => Err(unreachable()),
                }
            }
            Target::Reqwest(url) => {
                let mut request = self
                    .proxy
                    .client
                    .request(self.method.clone(), url)
                    .headers(headers);
                if self.write {
                    request = request.body(body);
                }
                match Box::pin(request.send()).await {
                    Ok(reply) => Ok(axum::http::Response::from(reply).map(Body::new)),
                    Err(e) if e.is_timeout() => Err(timed_out()),
                    Err(_) => Err(unreachable()),
                }
            }
        }
    }

    fn auth_failure(&self, failure: AuthFailure) -> Response {
        let label = &self.upstream.source.label;
        match failure {
            AuthFailure::Refused {
                status,
                content_type,
                body,
            } => {
                // The provider's own refusal, as it came: the widget reads it like any
                // other answer of that provider (and tells the agent to check credentials).
                let mut response = Response::new(Body::from(body));
                *response.status_mut() = status;
                let headers = response.headers_mut();
                if let Some(content_type) = content_type {
                    headers.insert(header::CONTENT_TYPE, content_type);
                }
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
            AuthFailure::Backoff { retry_after, why } => {
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                let mut response = refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "upstream_auth_backoff",
                    format!("{label}: {why}; the proxy retries in {secs} s"),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
                response
            }
            AuthFailure::Unavailable(why) => refuse(
                StatusCode::BAD_GATEWAY,
                "upstream_auth_failed",
                format!("{label}: {why}"),
            ),
        }
    }
}

fn pass_back(reply: Reply) -> Response {
    let (parts, body) = reply.into_parts();
    let mut headers = HeaderMap::with_capacity(PASSED_BACK.len() + 1);
    for name in PASSED_BACK {
        if let Some(value) = parts.headers.get(&name) {
            headers.insert(name, value.clone());
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let mut response = Response::new(body);
    *response.status_mut() = parts.status;
    *response.headers_mut() = headers;
    response
}

fn truncated(s: &str) -> String {
    s.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_come_from_this_site_or_an_allowed_origin() {
        let allowed = vec!["https://desk.example".to_owned()];
        let mut h = HeaderMap::new();
        assert!(origin_allowed(&h, &allowed, &[]), "no Origin: not a browser");
        h.insert(header::HOST, HeaderValue::from_static("proxy.example:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://proxy.example:8080"),
        );
        assert!(origin_allowed(&h, &allowed, &[]));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://desk.example"));
        assert!(origin_allowed(&h, &allowed, &[]));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!origin_allowed(&h, &allowed, &[]));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!origin_allowed(&h, &allowed, &[]));
    }

    #[test]
    fn same_host_counts_only_for_an_allowed_host_once_they_are_listed() {
        let hosts = vec!["proxy.example:8080".to_owned()];
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("Proxy.Example:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://proxy.example:8080"),
        );
        assert!(origin_allowed(&h, &[], &hosts));
        h.insert(header::HOST, HeaderValue::from_static("rebound.example:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://rebound.example:8080"),
        );
        assert!(origin_allowed(&h, &[], &[]), "no list: same host as before");
        assert!(!origin_allowed(&h, &[], &hosts));
    }
}
