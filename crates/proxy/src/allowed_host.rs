//! DNS-rebinding defence: with `allowed_hosts` set, a request is served only when every name
//! it is addressed to (its `Host` header, and the authority of an absolute-form target) is
//! one of them. A page on an attacker's hostname that resolves to the proxy's address sends
//! that hostname, so it is refused before any route, file or upstream call.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::Proxy;
use crate::forward::refuse;

/// 421 Misdirected Request rather than 403: RFC 9110 defines it for a request sent to a
/// server that does not serve the target's authority, which is exactly the case, and it
/// tells a correctly configured client to look at the name it used, not at its permissions.
pub(crate) async fn require_allowed_host(
    State(proxy): State<Arc<Proxy>>,
    request: Request,
    next: Next,
) -> Response {
    match refusal(&proxy, &request) {
        Some(refused) => refused,
        None => next.run(request).await,
    }
}

/// The 421 for a request not addressed to an allowed host; None when it may be served.
pub(crate) fn refusal<B>(proxy: &Proxy, request: &axum::http::Request<B>) -> Option<Response> {
    let allowed = &proxy.config.allowed_hosts;
    if allowed.is_empty() || addressed_to_allowed_host(request, allowed) {
        return None;
    }
    // The name itself is not logged: it is the client's, like every other header.
    tracing::info!(status = 421, "request refused: host not allowed");
    Some(refuse(
        StatusCode::MISDIRECTED_REQUEST,
        "host_not_allowed",
        "this proxy does not serve that host name".into(),
    ))
}

fn addressed_to_allowed_host<B>(request: &axum::http::Request<B>, allowed: &[String]) -> bool {
    let is_allowed = |name: &str| allowed.iter().any(|a| a.eq_ignore_ascii_case(name));
    let host_headers = request
        .headers()
        .get_all(header::HOST)
        .iter()
        .map(|v| v.to_str().ok());
    let target_authority = request.uri().authority().map(|a| Some(a.as_str()));
    let mut names = host_headers.chain(target_authority).peekable();
    // A request naming no host at all (HTTP/1.0) cannot prove it is meant for this proxy.
    names.peek().is_some() && names.all(|name| name.is_some_and(is_allowed))
}
