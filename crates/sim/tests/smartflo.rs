mod common;

use std::collections::HashSet;
use std::time::Duration;

use cardfile_sim::SimConfig;
use common::{small, start};
use serde_json::Value;

#[tokio::test]
async fn login_and_bearer_auth() {
    let sim = start(small()).await;
    let r = sim
        .smartflo_login("demo@cardfile.example", "demo-smartflo-password")
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["success"], true);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);

    let r = sim.smartflo_login("demo@cardfile.example", "wrong").await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert!(body["message"].is_string());

    let r = sim.get("/smartflo/v1/contacts").await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["success"], false);
    let r = sim.smartflo_with("made-up", "/v1/contacts").await;
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn five_failures_in_a_row_lock_the_account() {
    let sim = start(small()).await;
    // A success resets the count.
    for _ in 0..4 {
        assert_eq!(
            sim.smartflo_login("demo@cardfile.example", "bad").await.status(),
            401
        );
    }
    sim.smartflo_token().await;
    for _ in 0..5 {
        assert_eq!(
            sim.smartflo_login("demo@cardfile.example", "bad").await.status(),
            401
        );
    }
    let r = sim
        .smartflo_login("demo@cardfile.example", "demo-smartflo-password")
        .await;
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert!(body["message"].as_str().unwrap().contains("locked"));
}

#[tokio::test]
async fn the_lock_lifts_after_the_configured_time() {
    let sim = start(SimConfig {
        smartflo_lock: Some(Duration::from_millis(300)),
        ..small()
    })
    .await;
    for _ in 0..5 {
        sim.smartflo_login("demo@cardfile.example", "bad").await;
    }
    let r = sim
        .smartflo_login("demo@cardfile.example", "demo-smartflo-password")
        .await;
    assert_eq!(r.status(), 403);
    tokio::time::sleep(Duration::from_millis(350)).await;
    sim.smartflo_token().await;
}

#[tokio::test]
async fn contacts_page_to_a_short_last_page_with_numbers_and_nulls() {
    let sim = start(small()).await;
    let token = sim.smartflo_token().await;
    let mut ids = HashSet::new();
    let mut all = Vec::new();
    for page in 1.. {
        let body: Value = sim
            .smartflo_with(&token, &format!("/v1/contacts?page={page}&limit=40"))
            .await
            .json()
            .await
            .unwrap();
        assert!(body.get("total").is_none());
        assert_eq!(
            (body["page"].as_u64(), body["limit"].as_u64()),
            (Some(page), Some(40))
        );
        let results = body["results"].as_array().unwrap().clone();
        assert_eq!(body["size"].as_u64().unwrap() as usize, results.len());
        for r in &results {
            assert!(r["id"].is_u64() && r["contact_group_id"].is_u64(), "{r}");
            assert!(ids.insert(r["id"].as_u64().unwrap()));
            for field in ["created_at", "updated_at"] {
                let t = r[field].as_str().unwrap();
                assert_eq!(t.len(), 24, "{t}");
                assert!(t.ends_with("+0000") && t.as_bytes()[10] == b'T', "{t}");
            }
        }
        let short = results.len() < 40;
        all.extend(results);
        if short {
            break;
        }
    }
    assert_eq!(ids.len(), 150);
    assert!(all.iter().any(|r| r["name"].is_null()));
    assert!(all.iter().any(|r| r["email_id"].is_null()));
    assert!(all.iter().any(|r| r["address"].is_null()));
    assert!(all.iter().any(|r| r["deleted_at"].is_string()));
    assert!(
        all.iter()
            .any(|r| !r["custom_fields"].as_array().unwrap().is_empty())
    );

    // Filters: one contact by id, a group, and updated_after.
    let id = all[7]["id"].as_u64().unwrap();
    let body: Value = sim
        .smartflo_with(&token, &format!("/v1/contacts?contact_id={id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["results"].as_array().unwrap().len(), 1);
    let body: Value = sim
        .smartflo_with(&token, "/v1/contacts?contact_group_id=102&limit=100")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["contact_group_id"] == 102)
    );
    let mut stamps: Vec<&str> = all.iter().map(|r| r["updated_at"].as_str().unwrap()).collect();
    stamps.sort();
    let median = stamps[stamps.len() / 2];
    let body: Value = sim
        .smartflo_with(
            &token,
            &format!(
                "/v1/contacts?updated_after={}&limit=100",
                median.replace('+', "%2B")
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    let newer = body["results"].as_array().unwrap();
    assert!(!newer.is_empty() && newer.len() < 100);
    assert!(newer.iter().all(|r| r["updated_at"].as_str().unwrap() > median));
    let r = sim
        .smartflo_with(&token, "/v1/contacts?updated_after=yesterday")
        .await;
    assert_eq!(r.status(), 400);
    let r = sim.smartflo_with(&token, "/v1/contacts?limit=1000").await;
    assert_eq!(r.status(), 400);
    // Past the end: an empty page.
    let body: Value = sim
        .smartflo_with(&token, "/v1/contacts?page=99&limit=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["size"], 0);
}

#[tokio::test]
async fn rate_limit_answers_429_with_success_as_a_string() {
    let sim = start(SimConfig {
        smartflo_rate_per_sec: 3,
        ..small()
    })
    .await;
    let token = sim.smartflo_token().await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(sim.smartflo_with(&token, "/v1/contacts?limit=1").await);
    }
    let last = statuses.pop().unwrap();
    assert_eq!(last.status(), 429);
    let body: Value = last.json().await.unwrap();
    assert_eq!(body["success"], "false");
    assert_eq!(body["message"], "Too many requests.");
    assert_eq!(statuses[0].status(), 200);
}
