mod common;

use std::time::{Duration, Instant};

use common::{TestSim, small, start};
use serde_json::{Value, json};

async fn arm(sim: &TestSim, spec: Value) -> u16 {
    sim.http
        .post(sim.url("/_sim/faults"))
        .json(&spec)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn clear(sim: &TestSim) {
    let r = sim.http.delete(sim.url("/_sim/faults")).send().await.unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn status_faults_use_each_providers_error_shape() {
    let sim = start(small()).await;
    let td_token = sim.talkdesk_token().await;
    for status in [401, 403, 404, 429, 500, 502, 503] {
        for provider in ["8x8", "talkdesk", "symphony", "gws", "smartflo"] {
            assert_eq!(
                arm(
                    &sim,
                    json!({"provider": provider, "fault": "status", "status": status, "count": 1})
                )
                .await,
                201
            );
        }
        let responses = [
            ("8x8", sim.eightbyeight("/contacts").await),
            (
                "talkdesk",
                sim.http
                    .get(sim.url("/talkdesk/fsi/contacts"))
                    .bearer_auth(&td_token)
                    .send()
                    .await
                    .unwrap(),
            ),
            (
                "symphony",
                sim.get("/symphony/api/v2/customer/contacts?externalNetwork=WHATSAPP")
                    .await,
            ),
            ("gws", sim.gws("/api/v2/contacts").await),
            ("smartflo", sim.get("/smartflo/v1/contacts").await),
        ];
        for (provider, r) in responses {
            assert_eq!(r.status().as_u16(), status, "{provider}");
            let retry = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(
                retry.is_some(),
                status == 429 || status == 503,
                "{provider} {status}"
            );
            let body: Value = r.json().await.unwrap();
            match provider {
                "8x8" => assert!(body["code"].is_number() && body["errorId"].is_string(), "{body}"),
                "talkdesk" => assert!(body["code"].is_string() && body["fields"].is_array(), "{body}"),
                "symphony" => assert!(body["type"].is_string() && body["status"] == status, "{body}"),
                "gws" => assert!(
                    body["statusCode"].is_number() && body["statusMessage"].is_string(),
                    "{body}"
                ),
                _ if status == 429 => {
                    assert_eq!(body, json!({"success": "false", "message": "Too many requests."}))
                }
                _ => assert_eq!(body["success"], false),
            }
        }
    }
    // count: 1 used them all up; the next calls are normal again.
    let listed: Value = sim.get("/_sim/faults").await.json().await.unwrap();
    assert_eq!(listed, json!([]));
    assert_eq!(sim.gws("/api/v2/contacts?limit=1").await.status(), 200);
}

#[tokio::test]
async fn faults_count_list_and_clear() {
    let sim = start(small()).await;
    assert_eq!(
        arm(
            &sim,
            json!({"provider": "gws", "fault": "status", "status": 503, "count": 2})
        )
        .await,
        201
    );
    assert_eq!(arm(&sim, json!({"provider": "8x8", "fault": "html"})).await, 201);
    let listed: Value = sim.get("/_sim/faults").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(sim.gws("/api/v2/contacts").await.status(), 503);
    assert_eq!(sim.gws("/api/v2/contacts").await.status(), 503);
    assert_eq!(sim.gws("/api/v2/contacts").await.status(), 200);
    // Without count: until cleared; other providers untouched.
    for _ in 0..3 {
        assert_eq!(sim.eightbyeight("/contacts").await.status(), 502);
    }
    assert_eq!(
        sim.smartflo_login("demo@cardfile.example", "demo-smartflo-password")
            .await
            .status(),
        200
    );
    clear(&sim).await;
    assert_eq!(sim.eightbyeight("/contacts").await.status(), 200);
    // Bad specs are refused.
    assert_eq!(
        arm(&sim, json!({"provider": "nobody", "fault": "html"})).await,
        400
    );
    assert_eq!(
        arm(&sim, json!({"provider": "gws", "fault": "explode"})).await,
        400
    );
    assert_eq!(
        arm(&sim, json!({"provider": "gws", "fault": "status", "status": 200})).await,
        400
    );
    assert_eq!(
        arm(&sim, json!({"provider": "gws", "fault": "latency"})).await,
        400
    );
}

#[tokio::test]
async fn latency_and_hang() {
    let sim = start(small()).await;
    arm(
        &sim,
        json!({"provider": "gws", "fault": "latency", "ms": 300, "count": 1}),
    )
    .await;
    let started = Instant::now();
    assert_eq!(sim.gws("/api/v2/contacts?limit=1").await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    arm(&sim, json!({"provider": "talkdesk", "fault": "hang"})).await;
    let started = Instant::now();
    let r = sim
        .http
        .get(sim.url("/talkdesk/fsi/contacts"))
        .timeout(Duration::from_millis(400))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
    assert!(started.elapsed() < Duration::from_secs(5));
    // A bounded hang answers 504 in the provider's shape once the bound passes.
    clear(&sim).await;
    arm(
        &sim,
        json!({"provider": "symphony", "fault": "hang", "ms": 200, "count": 1}),
    )
    .await;
    let r = sim.get("/symphony/api/v2/customer/contacts").await;
    assert_eq!(r.status(), 504);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], 504);
}

#[tokio::test]
async fn malformed_html_and_truncated_bodies() {
    let sim = start(small()).await;
    arm(
        &sim,
        json!({"provider": "8x8", "fault": "malformed_json", "count": 1}),
    )
    .await;
    let r = sim.eightbyeight("/contacts").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err());

    arm(
        &sim,
        json!({"provider": "gws", "fault": "html", "status": 503, "count": 1}),
    )
    .await;
    let r = sim.gws("/api/v2/contacts").await;
    assert_eq!(r.status(), 503);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text().await.unwrap().contains("<html>"));

    let whole = sim.eightbyeight("/contacts?limit=5").await.text().await.unwrap();
    arm(&sim, json!({"provider": "8x8", "fault": "truncated", "count": 1})).await;
    let r = sim.eightbyeight("/contacts?limit=5").await;
    assert_eq!(r.status(), 200);
    let cut = r.text().await.unwrap();
    assert_eq!(cut.len(), whole.len() / 2);
    assert!(whole.starts_with(&cut));
    assert!(serde_json::from_str::<Value>(&cut).is_err());
}

#[tokio::test]
async fn request_counts_cover_every_prefix() {
    let sim = start(small()).await;
    sim.http.delete(sim.url("/_sim/requests")).send().await.unwrap();
    sim.gws("/api/v2/contacts?limit=1").await;
    sim.get("/smartflo/v1/contacts").await;
    sim.talkdesk_token().await;
    let counts: Value = sim.get("/_sim/requests").await.json().await.unwrap();
    assert_eq!(counts, json!({"gws": 1, "smartflo": 1, "talkdesk": 1}));
}

#[tokio::test]
async fn a_fault_can_target_one_path_and_spare_the_login() {
    let sim = start(small()).await;
    let armed = json!({"provider": "smartflo", "fault": "status", "status": 503, "path": "/v1/contacts"});
    assert_eq!(arm(&sim, armed).await, 201);
    // The login endpoint is spared, so a token can still be had...
    let token = sim.smartflo_token().await;
    // ...while the contacts endpoint fails until cleared.
    assert_eq!(
        sim.smartflo_with(&token, "/v1/contacts?limit=5&page=1")
            .await
            .status(),
        503
    );
    assert_eq!(
        sim.smartflo_with(&token, "/v1/contacts?limit=5&page=1")
            .await
            .status(),
        503
    );
    clear(&sim).await;
    assert_eq!(
        sim.smartflo_with(&token, "/v1/contacts?limit=5&page=1")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_log_shows_recent_requests_and_whether_credentials_came_never_their_value() {
    let sim = start(small()).await;
    sim.http.delete(sim.url("/_sim/log")).send().await.unwrap();
    sim.gws("/api/v2/contacts?limit=1").await;
    sim.get("/smartflo/v1/contacts?page=2").await;
    let log: Value = sim.get("/_sim/log").await.json().await.unwrap();
    assert_eq!(
        log,
        json!([
            {"method": "GET", "path": "/gws/api/v2/contacts", "query": "limit=1", "auth_header": true},
            {"method": "GET", "path": "/smartflo/v1/contacts", "query": "page=2", "auth_header": false},
        ])
    );
    assert!(!log.to_string().contains("demo-gws-password"));
}

#[tokio::test]
async fn empty_answers_mislabelled_answers_and_html_with_200() {
    let sim = start(small()).await;
    for fault in [
        json!({"provider": "8x8", "fault": "empty", "count": 1}),
        json!({"provider": "8x8", "fault": "wrong_content_type", "count": 1}),
        json!({"provider": "8x8", "fault": "html", "status": 200, "count": 1}),
    ] {
        assert_eq!(arm(&sim, fault).await, 201);
    }
    let empty = sim.eightbyeight("/contacts?limit=1").await;
    assert_eq!(empty.status(), 200);
    assert!(empty.bytes().await.unwrap().is_empty());
    let mislabelled = sim.eightbyeight("/contacts?limit=1").await;
    assert_eq!(mislabelled.headers()["content-type"], "text/plain");
    let body: Value = mislabelled.json().await.unwrap();
    assert!(body["items"].is_array(), "the real answer, only mislabelled");
    let portal = sim.eightbyeight("/contacts?limit=1").await;
    assert_eq!(portal.status(), 200);
    assert!(
        portal.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        sim.eightbyeight("/contacts?limit=1").await.status(),
        200,
        "faults used up"
    );
}

#[tokio::test]
async fn server_time_is_reported_per_provider_and_in_a_header() {
    let sim = start(small()).await;
    sim.http.delete(sim.url("/_sim/timings")).send().await.unwrap();
    let page = sim.gws("/api/v2/contacts?limit=5").await;
    let header = page.headers()["server-timing"].to_str().unwrap().to_owned();
    let ms: f64 = header
        .strip_prefix("app;dur=")
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("not `app;dur=<ms>`: {header}"));
    assert!(ms >= 0.0);
    sim.gws("/api/v2/contacts?limit=5").await;
    sim.eightbyeight("/contacts?limit=1").await;
    sim.get("/_sim/requests").await;
    let timings: Value = sim.get("/_sim/timings").await.json().await.unwrap();
    let providers: Vec<&String> = timings.as_object().unwrap().keys().collect();
    assert_eq!(providers, ["8x8", "gws"], "the control plane is not timed");
    assert_eq!(timings["gws"]["count"], 2);
    assert_eq!(timings["8x8"]["count"], 1);
    let gws = &timings["gws"];
    assert!(gws["p50_us"].as_u64() <= gws["max_us"].as_u64());
    sim.http.delete(sim.url("/_sim/timings")).send().await.unwrap();
    let cleared: Value = sim.get("/_sim/timings").await.json().await.unwrap();
    assert_eq!(cleared, json!({}));
}
