//! What the proxy enforces at its edge: the per-client rate limit, the body size limit,
//! CORS for the configured origins only, and the widget's security and cache headers.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;

use common::{ACCOUNT, Stack, demo_env, small_sim, sources};
use reqwest::Method;
use sha2::{Digest, Sha256};

const LIST_8X8: &str = "/api/v1/accounts/0123456789abcdef0123456789abcdef/contacts?limit=1";

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let stack = Stack::start(
        small_sim(),
        "rate_limit_per_minute = 5",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    for _ in 0..5 {
        assert_eq!(stack.read("8x8", LIST_8X8).await.status(), 200);
    }
    let limited = stack.read("8x8", LIST_8X8).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-cardfile-error"], "rate_limited");
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=12).contains(&retry_after), "{retry_after}");
    assert_eq!(
        stack.sim_count("8x8").await,
        5,
        "the limited call never left the proxy"
    );
    // The runtime config and health check are not counted against the client.
    assert_eq!(stack.get("/widget/cardfile.json").await.status(), 200);
    assert_eq!(stack.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let stack = Stack::start(
        small_sim(),
        "max_body_bytes = 200",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    let url = stack.url("/proxy/gws-admin/api/v2/contacts");
    let big = format!(r#"{{"name": "{}"}}"#, "x".repeat(500));
    let declared = stack
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), 413);
    assert_eq!(declared.headers()["x-cardfile-error"], "body_too_large");
    // Chunked, with no Content-Length to judge by.
    let stream = futures_util::stream::iter(
        big.into_bytes()
            .chunks(50)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let chunked = stack
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(chunked.status(), 413);
    assert_eq!(stack.sim_count("gws").await, 0);
    let small = stack
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"name": "Grace Hopper"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins() {
    let stack = Stack::start(
        small_sim(),
        r#"allowed_origins = ["https://desk.example"]"#,
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    let proxied = format!("/proxy/8x8{LIST_8X8}");
    for path in [proxied.as_str(), "/widget/cardfile.json"] {
        let allowed = stack
            .http
            .get(stack.url(path))
            .header("origin", "https://desk.example")
            .send()
            .await
            .unwrap();
        assert_eq!(allowed.status(), 200);
        assert_eq!(
            allowed.headers()["access-control-allow-origin"],
            "https://desk.example"
        );
        assert!(
            allowed.headers()["vary"]
                .to_str()
                .unwrap()
                .to_lowercase()
                .contains("origin")
        );
        assert!(
            allowed
                .headers()
                .get("access-control-allow-credentials")
                .is_none()
        );

        for origin in ["https://evil.example", "https://desk.example.evil", "null"] {
            let refused = stack
                .http
                .get(stack.url(path))
                .header("origin", origin)
                .send()
                .await
                .unwrap();
            assert!(
                refused.headers().get("access-control-allow-origin").is_none(),
                "{origin} {path}"
            );
        }

        let preflight = stack
            .http
            .request(Method::OPTIONS, stack.url(path))
            .header("origin", "https://desk.example")
            .header("access-control-request-method", "GET")
            .send()
            .await
            .unwrap();
        assert!(preflight.status().is_success());
        assert_eq!(
            preflight.headers()["access-control-allow-origin"],
            "https://desk.example"
        );
        let methods = preflight.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap();
        assert!(methods.contains("GET"), "{methods}");
        let refused_preflight = stack
            .http
            .request(Method::OPTIONS, stack.url(path))
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "GET")
            .send()
            .await
            .unwrap();
        assert_eq!(refused_preflight.status(), 403, "{path}");
        assert!(
            refused_preflight
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
    }
    // One allowed and three refused-origin reads (CORS hides those answers from the browser;
    // the calls themselves are harmless reads); the preflights never reach the provider.
    assert_eq!(stack.sim_count("8x8").await, 4);
    // Errors of the proxy's own are readable cross-origin, with their code.
    let error = stack
        .http
        .get(stack.url("/proxy/8x8/admin"))
        .header("origin", "https://desk.example")
        .send()
        .await
        .unwrap();
    let exposed = error.headers()["access-control-expose-headers"].to_str().unwrap();
    assert!(exposed.contains("x-cardfile-error"), "{exposed}");
}

/// A trunk-like `dist/`: the release `index.html` with its inline loader, a hashed script
/// with a brotli twin.
fn widget_dir() -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("cardfile-proxy-widget-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let loader = "import init from '/widget/cardfile-0123456789abcdef.js';\nawait init({ module_or_path: '/widget/cardfile-0123456789abcdef_bg.wasm' });";
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html lang=en><title>cardfile</title><script type=module>{loader}</script>\
             <link crossorigin href=/widget/cardfile-0123456789abcdef.js rel=modulepreload></head><body></body></html>"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("cardfile-0123456789abcdef.js"), "export default 1;").unwrap();
    std::fs::write(
        dir.join("cardfile-0123456789abcdef.js.br"),
        b"\x0b\x07\x80export default 1;\x03",
    )
    .unwrap();
    let hash = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(loader.as_bytes()))
    };
    (dir, hash)
}

#[tokio::test]
async fn the_widget_page_has_a_strict_csp_with_the_loaders_hash() {
    let (dir, hash) = widget_dir();
    let settings = format!(
        "widget_dir = {:?}\nallowed_origins = [\"https://desk.example\"]",
        dir.to_str().unwrap()
    );
    let stack = Stack::start(small_sim(), &settings, |sim| sources(sim, ""), demo_env()).await;
    let runtime: serde_json::Value = stack.get("/widget/cardfile.json").await.json().await.unwrap();
    for path in ["/widget/", "/widget/index.html"] {
        let page = stack.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache");
        assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        // The runtime config is in the page, so the widget's first search needs no round trip.
        let html = page.text().await.unwrap();
        let open = r#"<script id="cardfile-config" type="application/json">"#;
        let data = html
            .split_once(open)
            .and_then(|(_, rest)| rest.split_once("</script>"))
            .map(|(data, _)| data)
            .unwrap_or_else(|| panic!("no config block in {html}"));
        assert_eq!(serde_json::from_str::<serde_json::Value>(data).unwrap(), runtime);
        assert!(
            csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';")),
            "{csp}"
        );
        for directive in [
            "default-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'self' https://desk.example",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(directive), "{directive} missing: {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
    }
    let asset = stack
        .http
        .get(stack.url("/widget/cardfile-0123456789abcdef.js"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.headers()["content-encoding"], "br");
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(asset.headers().get("content-security-policy").is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_runtime_config_lists_every_source_and_no_secret() {
    let stack = Stack::demo().await;
    let config = stack.get("/widget/cardfile.json").await.text().await.unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&config).unwrap();
    let ids: Vec<&str> = parsed["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["8x8", "talkdesk", "symphony", "gws", "gws-admin", "smartflo"]
    );
    assert!(config.contains(ACCOUNT) && config.contains("WHATSAPP"));
    for (name, value) in demo_env() {
        assert!(!config.contains(&name), "{name} in {config}");
        assert!(!config.contains(&value), "{value} in {config}");
    }
    for leak in ["auth", "scheme", "_env", "PRIVATE KEY", "token_url", "login_url"] {
        assert!(!config.contains(leak), "{leak} in {config}");
    }
}

#[tokio::test]
async fn the_peer_address_is_what_the_rate_limit_counts() {
    // Two clients behind one trusted balancer are told apart by X-Forwarded-For.
    let stack = Stack::start(
        small_sim(),
        "rate_limit_per_minute = 1\ntrust_x_forwarded_for = true",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    let read = |client: &'static str| {
        stack
            .http
            .get(stack.url(&format!("/proxy/8x8{LIST_8X8}")))
            .header("x-forwarded-for", format!("198.51.100.9, {client}"))
            .send()
    };
    assert_eq!(read("10.0.0.1").await.unwrap().status(), 200);
    assert_eq!(read("10.0.0.1").await.unwrap().status(), 429);
    assert_eq!(read("10.0.0.2").await.unwrap().status(), 200);
    let _: SocketAddr = stack.proxy;
}
