//! The proxy in front of the real simulator, both on loopback.

mod common;

use std::net::SocketAddr;

use cardfile_proxy::{Config, app};
use common::{ACCOUNT, serve, sim_counts};
use serde_json::Value;

const KEY: &str = "demo-8x8-key";

struct Stack {
    sim: SocketAddr,
    proxy: SocketAddr,
    http: reqwest::Client,
}

impl Stack {
    async fn start() -> Stack {
        let sim = serve(cardfile_sim::app(cardfile_sim::SimConfig::default())).await;
        let config = Config::parse(
            &format!(
                r#"
                [[sources]]
                id = "apac"
                kind = "8x8"
                label = "8x8 APAC"
                base_url = "http://{sim}/8x8"
                auth = {{ scheme = "bearer", token_env = "KEY_8X8" }}
                options = {{ account_id = "{ACCOUNT}" }}

                [[sources]]
                id = "down"
                kind = "8x8"
                label = "8x8 down"
                base_url = "http://127.0.0.1:9/8x8"
                auth = {{ scheme = "bearer", token_env = "KEY_8X8" }}
                "#
            ),
            &|_| None,
        )
        .unwrap();
        let proxy = serve(app(config, &|name| (name == "KEY_8X8").then(|| KEY.to_owned())).unwrap()).await;
        Stack {
            sim,
            proxy,
            http: reqwest::Client::new(),
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("http://{}{path}", self.proxy))
            .send()
            .await
            .unwrap()
    }

    async fn sim_requests(&self) -> u64 {
        sim_counts(&self.http, self.sim).await["8x8"]
            .as_u64()
            .unwrap_or(0)
    }
}

#[tokio::test]
async fn adds_the_sources_key_which_the_browser_never_sees() {
    let stack = Stack::start().await;
    let direct = stack
        .http
        .get(format!(
            "http://{}/8x8/api/v1/accounts/{ACCOUNT}/contacts",
            stack.sim
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 401, "the simulator wants a key");

    let reply = stack
        .http
        .get(format!(
            "http://{}/proxy/apac/api/v1/accounts/{ACCOUNT}/contacts?limit=3",
            stack.proxy
        ))
        .header("authorization", "Bearer something-the-browser-made-up")
        .header("cookie", "session=abc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        reply.status(),
        200,
        "the browser's Authorization is replaced, not forwarded"
    );
    assert_eq!(reply.headers()["cache-control"], "no-store");
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 3);

    let config = stack.get("/widget/cardfile.json").await.text().await.unwrap();
    assert!(config.contains("8x8 APAC") && config.contains(ACCOUNT));
    assert!(
        !config.contains(KEY) && !config.contains("KEY_8X8"),
        "no secret, nor where it lives: {config}"
    );
}

#[tokio::test]
async fn refuses_what_is_not_a_documented_endpoint_before_calling_upstream() {
    let stack = Stack::start().await;
    let before = stack.sim_requests().await;
    for path in [
        "/proxy/apac/api/v1/accounts/x/contacts/1/delete",
        "/proxy/apac/api/v1/accounts/%2e%2e/contacts",
        "/proxy/apac/api/v1/accounts/a%2F..%2F..%2Fadmin/contacts",
        "/proxy/apac/admin",
        "/proxy/apac/v1/contacts",
    ] {
        let reply = stack.get(path).await;
        assert_eq!(reply.status(), 403, "{path}");
        assert_eq!(reply.headers()["x-cardfile-error"], "route_not_allowed", "{path}");
    }
    let post = stack
        .http
        .post(format!(
            "http://{}/proxy/apac/api/v1/accounts/{ACCOUNT}/contacts",
            stack.proxy
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 403);
    let unknown = stack
        .get(&format!("/proxy/elsewhere/api/v1/accounts/{ACCOUNT}/contacts"))
        .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(stack.sim_requests().await, before, "nothing reached the provider");
}

#[tokio::test]
async fn an_unreachable_provider_is_a_clear_proxy_error() {
    let stack = Stack::start().await;
    let reply = stack
        .get(&format!("/proxy/down/api/v1/accounts/{ACCOUNT}/contacts"))
        .await;
    assert_eq!(reply.status(), 502);
    assert_eq!(reply.headers()["x-cardfile-error"], "upstream_unreachable");
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["message"], "8x8 down could not be reached");
}

#[test]
fn a_missing_secret_stops_start_up_with_its_variable_named() {
    let config = Config::parse(
        r#"
        [[sources]]
        id = "a"
        kind = "8x8"
        label = "A"
        base_url = "http://127.0.0.1:1"
        auth = { scheme = "bearer", token_env = "NOT_SET_ANYWHERE" }
        "#,
        &|_| None,
    )
    .unwrap();
    let error = app(config, &|_| None).err().unwrap();
    assert!(error.contains("NOT_SET_ANYWHERE"), "{error}");
}
