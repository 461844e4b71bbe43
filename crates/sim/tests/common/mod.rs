//! Shared test harness: the simulator served on 127.0.0.1:0 and helpers to authenticate
//! with each provider the way a client would.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cardfile_sim::{SimConfig, app};
use reqwest::{Client, Response};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha512;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};

pub const SYMPHONY_PRIVATE_PEM: &str = include_str!("../../demo-keys/symphony-demo-private.pem");

pub struct TestSim {
    pub base: String,
    pub http: Client,
}

/// Serves a simulator with `config` on a free local port.
pub async fn start(config: SimConfig) -> TestSim {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app(config)).await.unwrap() });
    TestSim {
        base: format!("http://{addr}"),
        http: Client::new(),
    }
}

/// A small population keeps the suite fast.
pub fn small() -> SimConfig {
    SimConfig {
        contacts: 300,
        ..SimConfig::default()
    }
}

impl TestSim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    pub async fn talkdesk_token(&self) -> String {
        let r = self
            .http
            .post(self.url("/talkdesk/oauth/token"))
            .basic_auth("demo-talkdesk-client", Some("demo-talkdesk-secret"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "fsi-contacts:read"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn talkdesk(&self, path_and_query: &str) -> Response {
        let token = self.talkdesk_token().await;
        self.http
            .get(self.url(&format!("/talkdesk{path_and_query}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn symphony(&self, path_and_query: &str) -> Response {
        self.http
            .get(self.url(&format!("/symphony{path_and_query}")))
            .bearer_auth(symphony_jwt(&default_claims()))
            .send()
            .await
            .unwrap()
    }

    pub async fn gws(&self, path_and_query: &str) -> Response {
        self.http
            .get(self.url(&format!("/gws{path_and_query}")))
            .basic_auth("demo-agent", Some("demo-gws-password"))
            .send()
            .await
            .unwrap()
    }

    pub async fn smartflo_login(&self, email: &str, password: &str) -> Response {
        self.http
            .post(self.url("/smartflo/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    pub async fn smartflo_token(&self) -> String {
        let r = self
            .smartflo_login("demo@cardfile.example", "demo-smartflo-password")
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn smartflo_with(&self, token: &str, path_and_query: &str) -> Response {
        self.http
            .get(self.url(&format!("/smartflo{path_and_query}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn eightbyeight(&self, path_and_query: &str) -> Response {
        self.http
            .get(self.url(&format!(
                "/8x8/api/v1/accounts/0123456789abcdef0123456789abcdef{path_and_query}"
            )))
            .bearer_auth("demo-8x8-key")
            .send()
            .await
            .unwrap()
    }
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Valid claims with a fresh `jti`.
pub fn default_claims() -> Value {
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let n = SERIAL.fetch_add(1, Ordering::Relaxed);
    let iat = now();
    json!({
        "sub": "ces:customer:cardfile-demo",
        "iat": iat,
        "exp": iat + 300,
        "jti": format!("test-{}-{n}", std::process::id()),
    })
}

/// An RS512 JWT over `claims`, signed with the demo private key.
pub fn symphony_jwt(claims: &Value) -> String {
    sign_jwt(claims, SYMPHONY_PRIVATE_PEM, "RS512")
}

pub fn sign_jwt(claims: &Value, private_pem: &str, alg: &str) -> String {
    let key = rsa::PrivateKey::from_pkcs8_pem(private_pem).unwrap();
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let signature = SigningKey::<Sha512>::new(key)
        .sign(signing_input.as_bytes())
        .to_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// Digits of a phone number without leading zeros.
pub fn significant(phone: &str) -> String {
    phone
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .trim_start_matches('0')
        .to_owned()
}

/// Percent-encodes everything but unreserved characters (so `+` survives a query string).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
