//! Runs every scheme through its successes and failures with all logging on (every crate,
//! TRACE), then looks for the secrets, the tokens the simulator issued and any credential
//! header in every log line and every response the widget side received.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{READS, SECRETS, Stack, demo_env, small_sim, sources};
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything the widget side saw: status, headers and body of each response.
async fn record(seen: &mut String, reply: reqwest::Response) -> u16 {
    let status = reply.status().as_u16();
    seen.push_str(&format!("{status}\n"));
    for (name, value) in reply.headers() {
        seen.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    seen.push_str(&reply.text().await.unwrap_or_default());
    seen.push('\n');
    status
}

#[tokio::test]
async fn no_secret_or_token_in_any_log_line_or_response() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let mut seen = String::new();
    let stack = Stack::demo().await;
    for (source, path) in READS {
        assert_eq!(
            record(&mut seen, stack.read(source, path).await).await,
            200,
            "{source}"
        );
    }
    // A 401 then a refresh, and GWS writes with their CSRF session.
    stack
        .fault(json!({"provider": "talkdesk", "fault": "status", "status": 401, "count": 1}))
        .await;
    record(
        &mut seen,
        stack.read("talkdesk", "/fsi/contacts?per_page=1").await,
    )
    .await;
    let created = stack
        .http
        .post(stack.url("/proxy/gws-admin/api/v2/contacts"))
        .json(&json!({"name": "Ada Lovelace"}))
        .send()
        .await
        .unwrap();
    assert_eq!(record(&mut seen, created).await, 200);
    record(&mut seen, stack.get("/widget/cardfile.json").await).await;

    // Every scheme with wrong credentials, and the Smartflo back-off.
    let mut env = demo_env();
    for (name, wrong) in [
        ("KEY_8X8", "wrong-8x8-key-value"),
        ("TD_SECRET", "wrong-talkdesk-secret"),
        ("GWS_PASSWORD", "wrong-gws-password"),
        ("SF_PASSWORD", "wrong-smartflo-password"),
    ] {
        env.insert(name.into(), wrong.into());
    }
    let wrong = Stack::start(small_sim(), "", |sim| sources(sim, ""), env).await;
    for (source, path) in READS.iter().chain(READS) {
        record(&mut seen, wrong.read(source, path).await).await;
    }

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("proxied request"), "the run was logged");
    assert!(logs.contains("upstream token obtained"));
    let pem = std::fs::read_to_string(common::private_key_path()).unwrap();
    let key_line = pem.lines().nth(1).unwrap();
    let mut forbidden: Vec<String> = SECRETS.iter().map(|s| s.to_string()).collect();
    forbidden.extend(
        [
            "wrong-8x8-key-value",
            "wrong-talkdesk-secret",
            "wrong-gws-password",
            "wrong-smartflo-password",
            key_line,
            // base64 of "demo-agent:demo-gws-password" and of the Talkdesk client pair.
            "ZGVtby1hZ2VudDpkZW1vLWd3cy1wYXNzd29yZA",
            "ZGVtby10YWxrZGVzay1jbGllbnQ6ZGVtby10YWxrZGVzay1zZWNyZXQ",
            // A JWT header, a bearer or basic credential, the GWS session and CSRF token.
            "eyJhbGciOiJSUzUxMiIs",
            "Bearer ",
            "Basic ",
        ]
        .map(str::to_owned),
    );
    for secret in &forbidden {
        assert!(!logs.contains(secret.as_str()), "`{secret}` in the logs:\n{logs}");
        assert!(
            !seen.contains(secret.as_str()),
            "`{secret}` in a response:\n{seen}"
        );
    }
    for header in ["jsessionid", "x-csrf-token", "authorization:", "set-cookie"] {
        assert!(
            !logs.to_lowercase().contains(header),
            "`{header}` in the logs:\n{logs}"
        );
        assert!(
            !seen.to_lowercase().contains(header),
            "`{header}` in a response:\n{seen}"
        );
    }
    // No query string either: it may hold a customer's phone number.
    assert!(
        !logs.contains("per_page=") && !logs.contains("externalNetwork="),
        "{logs}"
    );
}
