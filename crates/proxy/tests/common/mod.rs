//! The proxy in front of the real simulator, both served in-process on loopback, with every
//! auth scheme configured the way `config/demo.toml` does.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use cardfile_proxy::{Config, app};
use cardfile_sim::SimConfig;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const ACCOUNT: &str = "0123456789abcdef0123456789abcdef";

/// Every secret the tests hand the proxy: none may ever show in a response or a log line.
pub const SECRETS: &[&str] = &[
    "demo-8x8-key",
    "demo-talkdesk-secret",
    "demo-gws-password",
    "demo-smartflo-password",
];

pub fn private_key_path() -> String {
    format!(
        "{}/../sim/demo-keys/symphony-demo-private.pem",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The simulator's demo credentials under the variable names `sources()` uses.
pub fn demo_env() -> HashMap<String, String> {
    [
        ("KEY_8X8", "demo-8x8-key".to_owned()),
        ("TD_ID", "demo-talkdesk-client".to_owned()),
        ("TD_SECRET", "demo-talkdesk-secret".to_owned()),
        ("SYM_KEY_FILE", private_key_path()),
        ("GWS_USER", "demo-agent".to_owned()),
        ("GWS_PASSWORD", "demo-gws-password".to_owned()),
        ("SF_EMAIL", "demo@cardfile.example".to_owned()),
        ("SF_PASSWORD", "demo-smartflo-password".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// All five kinds against the simulator at `sim`; `extra` is added to the Smartflo auth table.
pub fn sources(sim: SocketAddr, smartflo_extra: &str) -> String {
    format!(
        r#"
        [[sources]]
        id = "8x8"
        kind = "8x8"
        label = "8x8 Connect"
        base_url = "http://{sim}/8x8"
        auth = {{ scheme = "bearer", token_env = "KEY_8X8" }}
        options = {{ account_id = "{ACCOUNT}" }}

        [[sources]]
        id = "talkdesk"
        kind = "talkdesk"
        label = "Talkdesk"
        base_url = "http://{sim}/talkdesk"
        auth = {{ scheme = "oauth2_client_credentials", token_url = "http://{sim}/talkdesk/oauth/token", client_id_env = "TD_ID", client_secret_env = "TD_SECRET", scope = "fsi-contacts:read" }}

        [[sources]]
        id = "symphony"
        kind = "symphony"
        label = "Symphony"
        base_url = "http://{sim}/symphony"
        auth = {{ scheme = "jwt_rs512", private_key_file_env = "SYM_KEY_FILE", key_name = "cardfile-demo" }}
        options = {{ external_network = "WHATSAPP" }}

        [[sources]]
        id = "gws"
        kind = "gws"
        label = "Genesys GWS"
        base_url = "http://{sim}/gws"
        auth = {{ scheme = "basic", username_env = "GWS_USER", password_env = "GWS_PASSWORD" }}

        [[sources]]
        id = "gws-admin"
        kind = "gws"
        label = "Genesys GWS (admin)"
        base_url = "http://{sim}/gws"
        allow_writes = true
        auth = {{ scheme = "basic", username_env = "GWS_USER", password_env = "GWS_PASSWORD" }}

        [[sources]]
        id = "smartflo"
        kind = "smartflo"
        label = "Tata Smartflo"
        base_url = "http://{sim}/smartflo"
        auth = {{ scheme = "password_login", login_url = "http://{sim}/smartflo/v1/auth/login", email_env = "SF_EMAIL", password_env = "SF_PASSWORD" {smartflo_extra} }}
        "#
    )
}

/// One read endpoint per source above.
pub const READS: &[(&str, &str)] = &[
    (
        "8x8",
        "/api/v1/accounts/0123456789abcdef0123456789abcdef/contacts?limit=2",
    ),
    ("talkdesk", "/fsi/contacts?per_page=2"),
    (
        "symphony",
        "/api/v2/customer/contacts?externalNetwork=WHATSAPP&limit=2",
    ),
    ("gws", "/api/v2/contacts?limit=2"),
    ("smartflo", "/v1/contacts?limit=2"),
];

pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    addr
}

pub struct Stack {
    pub sim: SocketAddr,
    pub proxy: SocketAddr,
    pub http: reqwest::Client,
}

pub fn small_sim() -> SimConfig {
    SimConfig {
        contacts: 200,
        ..SimConfig::default()
    }
}

impl Stack {
    /// The simulator with `sim_config`, and the proxy with `settings` (top-level keys) plus
    /// the sources `make_sources` writes for the simulator's address, reading `env`.
    pub async fn start(
        sim_config: SimConfig,
        settings: &str,
        make_sources: impl FnOnce(SocketAddr) -> String,
        env: HashMap<String, String>,
    ) -> Stack {
        let sim = serve(cardfile_sim::app(sim_config)).await;
        let text = format!("{settings}\n{}", make_sources(sim));
        let config = Config::parse(&text, &|_| None).unwrap();
        let router = app(config, &|name| env.get(name).cloned()).unwrap();
        Stack {
            sim,
            proxy: serve(router).await,
            http: reqwest::Client::new(),
        }
    }

    /// Every source with the demo credentials.
    pub async fn demo() -> Stack {
        Stack::start(small_sim(), "", |sim| sources(sim, ""), demo_env()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.proxy)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// `GET /proxy/{source}{path}`.
    pub async fn read(&self, source: &str, path: &str) -> reqwest::Response {
        self.get(&format!("/proxy/{source}{path}")).await
    }

    /// Requests the simulator received for one provider prefix (token endpoints included).
    pub async fn sim_count(&self, provider: &str) -> u64 {
        sim_counts(&self.http, self.sim).await[provider]
            .as_u64()
            .unwrap_or(0)
    }

    /// Arms a simulator fault: `{"provider", "fault", "status", "count"}`.
    pub async fn fault(&self, spec: Value) {
        let reply = self
            .http
            .post(format!("http://{}/_sim/faults", self.sim))
            .json(&spec)
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success(), "fault not armed: {spec}");
    }
}

/// Every request the simulator received, all providers (and token endpoints) together.
pub async fn sim_total(stack: &Stack) -> u64 {
    sim_counts(&stack.http, stack.sim)
        .await
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum()
}

/// Writes `request` as is and reads the answer until the server closes the connection.
/// Returns the status (`None` when there was no HTTP answer at all) and the answer's head.
/// For what an HTTP client would normalise away: odd targets, Host headers, framing.
pub async fn raw(addr: SocketAddr, request: &[u8]) -> (Option<u16>, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before an overlong request is fully written.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 8192];
    let deadline = tokio::time::sleep(Duration::from_secs(10));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            read = stream.read(&mut chunk) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            },
            _ = &mut deadline => break,
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = ["HTTP/1.1 ", "HTTP/1.0 "]
        .iter()
        .find_map(|version| text.strip_prefix(version))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    (status, head)
}

/// Requests the simulator received per provider (`GET /_sim/requests`).
pub async fn sim_counts(http: &reqwest::Client, sim: SocketAddr) -> Value {
    http.get(format!("http://{sim}/_sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
