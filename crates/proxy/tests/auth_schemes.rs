//! Every auth scheme end to end against the simulator: the proxied call succeeds, wrong
//! credentials come back as the provider's own 401, tokens are cached and fetched once
//! however many requests wait, a 401 refreshes once, and failed logins back off.

mod common;

use std::time::Duration;

use common::{READS, Stack, demo_env, small_sim, sources};
use serde_json::{Value, json};

#[tokio::test]
async fn every_scheme_reaches_its_provider() {
    let stack = Stack::demo().await;
    for (source, path) in READS {
        let reply = stack.read(source, path).await;
        assert_eq!(reply.status(), 200, "{source}");
        assert!(reply.headers().get("x-cardfile-error").is_none());
        assert!(
            reply.headers().get("set-cookie").is_none(),
            "{source}: no upstream cookie"
        );
        let body: Value = reply.json().await.unwrap();
        let items = match *source {
            "8x8" => &body["items"],
            "talkdesk" => &body["_embedded"]["contacts"],
            "smartflo" => &body["results"],
            _ => &body["contacts"],
        };
        assert_eq!(items.as_array().map(Vec::len), Some(2), "{source}: {body}");
    }
}

#[tokio::test]
async fn wrong_credentials_come_back_as_the_providers_own_401() {
    let mut env = demo_env();
    for (name, wrong) in [
        ("KEY_8X8", "wrong-key"),
        ("TD_SECRET", "wrong-secret"),
        ("GWS_PASSWORD", "wrong-password"),
        ("SF_PASSWORD", "wrong-password"),
    ] {
        env.insert(name.into(), wrong.into());
    }
    // Symphony: a key the simulator does not know by that name.
    let stack = Stack::start(
        small_sim(),
        "",
        |sim| sources(sim, "").replace("key_name = \"cardfile-demo\"", "key_name = \"someone-else\""),
        env,
    )
    .await;
    for (source, path) in READS {
        let reply = stack.read(source, path).await;
        assert_eq!(reply.status(), 401, "{source}");
        assert!(
            reply.headers().get("x-cardfile-error").is_none(),
            "{source}: the provider's answer, not the proxy's"
        );
        let body: Value = reply.json().await.unwrap();
        assert!(body.is_object(), "{source}: {body}");
    }
}

#[tokio::test]
async fn a_talkdesk_token_serves_many_requests() {
    let stack = Stack::demo().await;
    for _ in 0..5 {
        assert_eq!(
            stack.read("talkdesk", "/fsi/contacts?per_page=1").await.status(),
            200
        );
    }
    assert_eq!(
        stack.sim_count("talkdesk").await,
        6,
        "one token request, five API requests"
    );
}

#[tokio::test]
async fn twenty_concurrent_first_requests_fetch_one_token_each_scheme() {
    let stack = Stack::demo().await;
    for (source, path, provider) in [
        ("talkdesk", "/fsi/contacts?per_page=1", "talkdesk"),
        ("smartflo", "/v1/contacts?limit=1", "smartflo"),
    ] {
        let calls = (0..20).map(|_| stack.read(source, path));
        let replies = futures_util::future::join_all(calls).await;
        let ok = replies.iter().filter(|r| r.status() == 200).count();
        // Smartflo's simulated account allows 50 requests a second: all 20 fit.
        assert_eq!(ok, 20, "{source}");
        assert_eq!(
            stack.sim_count(provider).await,
            21,
            "{source}: exactly one token fetch"
        );
    }
}

#[tokio::test]
async fn an_expiring_token_is_replaced_before_the_provider_refuses_it() {
    let sim = cardfile_sim::SimConfig {
        talkdesk_token_ttl: Duration::from_secs(2),
        ..small_sim()
    };
    let stack = Stack::start(sim, "", |sim| sources(sim, ""), demo_env()).await;
    assert_eq!(
        stack.read("talkdesk", "/fsi/contacts?per_page=1").await.status(),
        200
    );
    assert_eq!(
        stack.read("talkdesk", "/fsi/contacts?per_page=1").await.status(),
        200
    );
    assert_eq!(stack.sim_count("talkdesk").await, 3);
    tokio::time::sleep(Duration::from_millis(1900)).await;
    assert_eq!(
        stack.read("talkdesk", "/fsi/contacts?per_page=1").await.status(),
        200
    );
    assert_eq!(
        stack.sim_count("talkdesk").await,
        5,
        "a new token before the call, and no 401 on the way"
    );
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries_once() {
    let stack = Stack::demo().await;
    for (source, path) in [
        ("talkdesk", "/fsi/contacts?per_page=1"),
        ("smartflo", "/v1/contacts?limit=1"),
    ] {
        assert_eq!(stack.read(source, path).await.status(), 200);
        let before = stack.sim_count(source).await;
        // The provider forgets the token (say, revoked): its next answer is 401.
        stack
            .fault(json!({"provider": source, "fault": "status", "status": 401, "count": 1}))
            .await;
        assert_eq!(stack.read(source, path).await.status(), 200, "{source}");
        assert_eq!(
            stack.sim_count(source).await - before,
            3,
            "{source}: the 401, one new token, one retry"
        );
    }
    // A provider that keeps saying 401: one refresh, one retry, then its answer.
    stack
        .fault(json!({"provider": "talkdesk", "fault": "status", "status": 401, "count": 10}))
        .await;
    let before = stack.sim_count("talkdesk").await;
    assert_eq!(
        stack.read("talkdesk", "/fsi/contacts?per_page=1").await.status(),
        401
    );
    assert!(stack.sim_count("talkdesk").await - before <= 3);
}

#[tokio::test]
async fn failed_smartflo_logins_back_off_and_never_lock_the_account() {
    let mut env = demo_env();
    env.insert("SF_PASSWORD".into(), "wrong-password".into());
    let stack = Stack::start(
        small_sim(),
        "",
        |sim| sources(sim, ", backoff_initial_ms = 400, backoff_max_ms = 1000"),
        env,
    )
    .await;
    let path = "/v1/contacts?limit=1";
    let replies = futures_util::future::join_all((0..10).map(|_| stack.read("smartflo", path))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), 9, "{statuses:?}");
    let waiting = replies.iter().find(|r| r.status() == 503).unwrap();
    assert_eq!(waiting.headers()["x-cardfile-error"], "upstream_auth_backoff");
    let retry_after: u64 = waiting.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert_eq!(stack.sim_count("smartflo").await, 1, "one login for ten requests");

    // Each later attempt waits twice as long; after three refusals the proxy stops.
    for wait in [450, 850] {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        assert_eq!(stack.read("smartflo", path).await.status(), 401);
    }
    assert_eq!(
        stack.sim_count("smartflo").await,
        3,
        "3 logins, below the lock at 5"
    );
    let stopped = stack.read("smartflo", path).await;
    assert_eq!(stopped.status(), 503);
    let message: Value = stopped.json().await.unwrap();
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .contains("stopped logging in"),
        "{message}"
    );

    let direct = stack
        .http
        .post(format!("http://{}/smartflo/v1/auth/login", stack.sim))
        .json(&json!({"email": "demo@cardfile.example", "password": "demo-smartflo-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 200, "the account is not locked");
}

#[tokio::test]
async fn symphony_gets_a_fresh_jwt_every_request_from_a_file_or_a_variable() {
    let stack = Stack::demo().await;
    let path = "/api/v2/customer/contacts?externalNetwork=WHATSAPP&limit=1";
    let replies = futures_util::future::join_all((0..8).map(|_| stack.read("symphony", path))).await;
    assert!(
        replies.iter().all(|r| r.status() == 200),
        "the simulator refuses a reused jti"
    );

    let mut env = demo_env();
    env.insert(
        "SYM_KEY_PEM".into(),
        std::fs::read_to_string(common::private_key_path()).unwrap(),
    );
    let inline = Stack::start(
        small_sim(),
        "",
        |sim| {
            sources(sim, "").replace(
                "private_key_file_env = \"SYM_KEY_FILE\"",
                "private_key_env = \"SYM_KEY_PEM\"",
            )
        },
        env,
    )
    .await;
    assert_eq!(inline.read("symphony", path).await.status(), 200);
}

#[tokio::test]
async fn gws_writes_are_refused_unless_enabled_and_then_carry_the_csrf_session() {
    let stack = Stack::demo().await;
    let post = |source: &str| {
        stack
            .http
            .post(stack.url(&format!("/proxy/{source}/api/v2/contacts")))
            .json(&json!({"name": "Ada Lovelace", "phoneNumber": "+441234567890"}))
    };
    let refused = post("gws").send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(refused.headers()["x-cardfile-error"], "method_not_allowed");
    let elsewhere = post("talkdesk").send().await.unwrap();
    assert_eq!(elsewhere.status(), 403);
    assert_eq!(
        stack.sim_count("gws").await,
        0,
        "refused before any upstream call"
    );

    let created = post("gws-admin").send().await.unwrap();
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        stack.sim_count("gws").await,
        2,
        "one GET for the CSRF token, then the POST"
    );

    let contact = format!("/proxy/gws-admin/api/v2/contacts/{id}");
    let updated = stack
        .http
        .put(stack.url(&contact))
        .json(&json!({"lastName": "King"}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    assert_eq!(
        stack.sim_count("gws").await,
        3,
        "the kept session serves the next write"
    );
    let read: Value = stack.get(&contact).await.json().await.unwrap();
    assert_eq!(read["lastName"], "King");

    // The provider drops the session: one 403, a new session, one retry.
    stack
        .fault(json!({"provider": "gws", "fault": "status", "status": 403, "count": 1}))
        .await;
    let before = stack.sim_count("gws").await;
    let deleted = stack.http.delete(stack.url(&contact)).send().await.unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(stack.sim_count("gws").await - before, 3);
    assert_eq!(stack.get(&contact).await.status(), 404);

    let cross_site = post("gws-admin")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(cross_site.headers()["x-cardfile-error"], "origin_not_allowed");
}

#[test]
fn start_up_names_each_missing_variable_and_refuses_bad_keys() {
    let text = sources("127.0.0.1:1".parse().unwrap(), "");
    let config = cardfile_proxy::Config::parse(&text, &|_| None).unwrap();
    for missing in [
        "KEY_8X8",
        "TD_ID",
        "TD_SECRET",
        "SYM_KEY_FILE",
        "GWS_USER",
        "GWS_PASSWORD",
        "SF_EMAIL",
        "SF_PASSWORD",
    ] {
        let mut env = demo_env();
        env.remove(missing);
        let error = cardfile_proxy::app(config.clone(), &|name| env.get(name).cloned())
            .err()
            .unwrap();
        assert!(error.contains(missing), "{missing}: {error}");
    }
    let mut env = demo_env();
    env.insert("SYM_KEY_FILE".into(), "/nonexistent/key.pem".into());
    let error = cardfile_proxy::app(config.clone(), &|name| env.get(name).cloned())
        .err()
        .unwrap();
    assert!(error.contains("SYM_KEY_FILE"), "{error}");
    env.insert(
        "SYM_KEY_FILE".into(),
        format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR")),
    );
    let error = cardfile_proxy::app(config, &|name| env.get(name).cloned())
        .err()
        .unwrap();
    assert!(error.contains("not an RSA private key"), "{error}");
}
