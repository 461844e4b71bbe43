//! OPTIONS on `/proxy/` and `/widget/cardfile.json`: only a preflight from an allowed origin
//! for a method the route serves gets the CORS grant; a foreign origin or method gets 403,
//! and an OPTIONS that is no preflight at all gets 405 with `Allow`. None reaches upstream.

mod common;

use common::{Stack, demo_env, sim_total, small_sim, sources};
use reqwest::Method;

const DESK: &str = "https://desk.example";
const READ_8X8: &str = "/proxy/8x8/api/v1/accounts/0123456789abcdef0123456789abcdef/contacts";
const WRITE_GWS: &str = "/proxy/gws-admin/api/v2/contacts";
const RUNTIME: &str = "/widget/cardfile.json";

async fn stack() -> Stack {
    Stack::start(
        small_sim(),
        r#"allowed_origins = ["https://desk.example"]"#,
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await
}

/// OPTIONS on `path` with the given `Origin` and `Access-Control-Request-Method`, if any.
async fn options(stack: &Stack, path: &str, origin: Option<&str>, method: Option<&str>) -> reqwest::Response {
    let mut request = stack.http.request(Method::OPTIONS, stack.url(path));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    if let Some(method) = method {
        request = request.header("access-control-request-method", method);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_for_a_served_method_is_granted() {
    let stack = stack().await;
    for (path, method) in [
        (READ_8X8, "GET"),
        (READ_8X8, "HEAD"),
        (RUNTIME, "GET"),
        (WRITE_GWS, "POST"),
        (WRITE_GWS, "DELETE"),
    ] {
        let reply = options(&stack, path, Some(DESK), Some(method)).await;
        assert!(reply.status().is_success(), "{method} {path}: {}", reply.status());
        let headers = reply.headers();
        assert_eq!(headers["access-control-allow-origin"], DESK, "{method} {path}");
        let methods = headers["access-control-allow-methods"].to_str().unwrap();
        assert!(methods.contains(method), "{methods}");
        assert_eq!(headers["access-control-max-age"], "600");
        assert!(headers.get("access-control-allow-credentials").is_none());
    }
    assert_eq!(sim_total(&stack).await, 0);
}

#[tokio::test]
async fn a_preflight_for_a_foreign_origin_or_an_unserved_method_is_refused_with_403() {
    let stack = stack().await;
    let refused = [
        (READ_8X8, "https://evil.example", "GET"),
        (READ_8X8, "https://desk.example.evil", "GET"),
        (READ_8X8, "http://desk.example", "GET"),
        (READ_8X8, "null", "GET"),
        (RUNTIME, "https://evil.example", "GET"),
        (WRITE_GWS, "https://evil.example", "POST"),
        // A read-only source takes no writes, though another source does.
        (READ_8X8, DESK, "POST"),
        (RUNTIME, DESK, "DELETE"),
        (WRITE_GWS, DESK, "PATCH"),
        (WRITE_GWS, DESK, "TRACE"),
        (READ_8X8, DESK, "get"),
        (READ_8X8, DESK, ""),
    ];
    for (path, origin, method) in refused {
        let reply = options(&stack, path, Some(origin), Some(method)).await;
        assert_eq!(reply.status(), 403, "{origin} {method} {path}");
        assert_eq!(reply.headers()["x-cardfile-error"], "preflight_not_allowed");
        assert!(
            reply.headers().get("access-control-allow-origin").is_none(),
            "{origin} {method} {path}"
        );
        assert!(reply.headers().get("access-control-allow-methods").is_none());
    }
    assert_eq!(sim_total(&stack).await, 0);
}

#[tokio::test]
async fn options_that_is_no_preflight_gets_405_with_allow() {
    let stack = stack().await;
    let read_only = "GET, HEAD";
    let writable = "GET, HEAD, POST, PUT, DELETE";
    let not_preflights = [
        (READ_8X8, None, None, read_only),
        (RUNTIME, None, None, read_only),
        (WRITE_GWS, None, None, writable),
        (READ_8X8, Some(DESK), None, read_only),
        (READ_8X8, None, Some("GET"), read_only),
        ("/proxy/nope/x", None, None, read_only),
    ];
    for (path, origin, method, allow) in not_preflights {
        let reply = options(&stack, path, origin, method).await;
        assert_eq!(reply.status(), 405, "{origin:?} {method:?} {path}");
        assert_eq!(reply.headers()["allow"], allow, "{path}");
        assert_eq!(reply.headers()["x-cardfile-error"], "method_not_allowed");
        assert!(reply.headers().get("access-control-allow-origin").is_none());
    }
    assert_eq!(sim_total(&stack).await, 0);
}

#[tokio::test]
async fn with_no_allowed_origins_every_preflight_is_refused() {
    let stack = Stack::demo().await;
    for origin in [DESK, "https://evil.example"] {
        let reply = options(&stack, READ_8X8, Some(origin), Some("GET")).await;
        assert_eq!(reply.status(), 403, "{origin}");
    }
    assert_eq!(sim_total(&stack).await, 0);
}
