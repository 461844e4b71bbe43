mod common;

use std::collections::HashSet;
use std::time::Duration;

use cardfile_sim::{SimConfig, data};
use common::{TestSim, significant, small, start, urlencode};
use serde_json::Value;

async fn token_response(sim: &TestSim, id: &str, secret: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = sim
        .http
        .post(sim.url("/talkdesk/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn client_credentials_are_checked_with_oauth_errors() {
    let sim = start(small()).await;
    let grant = [
        ("grant_type", "client_credentials"),
        ("scope", "fsi-contacts:read"),
    ];
    let (status, body) = token_response(&sim, "demo-talkdesk-client", "demo-talkdesk-secret", &grant).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "fsi-contacts:read");
    assert!(body["access_token"].as_str().unwrap().len() >= 32);

    let (status, body) = token_response(&sim, "demo-talkdesk-client", "wrong", &grant).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].is_string());

    let r = sim
        .http
        .post(sim.url("/talkdesk/oauth/token"))
        .form(&grant)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let password = [("grant_type", "password")];
    let (status, body) =
        token_response(&sim, "demo-talkdesk-client", "demo-talkdesk-secret", &password).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );

    let bad_scope = [("grant_type", "client_credentials"), ("scope", "admin:write")];
    let (status, body) =
        token_response(&sim, "demo-talkdesk-client", "demo-talkdesk-secret", &bad_scope).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));
}

#[tokio::test]
async fn api_refuses_missing_bad_and_expired_tokens_with_talkdesk_errors() {
    let sim = start(SimConfig {
        talkdesk_token_ttl: Duration::ZERO,
        ..small()
    })
    .await;
    let r = sim.get("/talkdesk/fsi/contacts").await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["code"].is_string() && body["message"].is_string());
    assert!(body["fields"].as_array().unwrap().is_empty());

    let r = sim
        .http
        .get(sim.url("/talkdesk/fsi/contacts"))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // A zero TTL: the token is expired on arrival.
    let r = sim.talkdesk("/fsi/contacts").await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["description"], "Token expired");
}

#[tokio::test]
async fn phone_search_is_blind_to_formatting() {
    let sim = start(small()).await;
    let people = data::people(300, 1);
    let p = people.iter().find(|p| p.index % 4 != 1 && p.index > 10).unwrap();
    for style in 0..5 {
        let query = p.phone_in_style(style);
        let r = sim
            .talkdesk(&format!("/fsi/contacts?phone_number={}", urlencode(&query)))
            .await;
        assert_eq!(r.status(), 200, "{query}");
        let body: Value = r.json().await.unwrap();
        let names: Vec<&str> = body["_embedded"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["contact"]["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&p.full_name().as_str()), "{query}: {names:?}");
    }
    // The last 7 digits alone still find the contact, with a lower confidence.
    let national = &p.national;
    let suffix = &national[national.len() - 7..];
    let body: Value = sim
        .talkdesk(&format!("/fsi/contacts?phone_number={suffix}"))
        .await
        .json()
        .await
        .unwrap();
    let hit = body["_embedded"]["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["contact"]["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|ch| significant(ch["value"].as_str().unwrap()).ends_with(suffix))
        })
        .unwrap();
    assert!(hit["confidence_score"].as_f64().unwrap() < 1.0);
    // Fewer than 7 digits: a 400 naming the field.
    let r = sim.talkdesk("/fsi/contacts?phone_number=12345").await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["name"], "phone_number");
}

#[tokio::test]
async fn name_and_email_search() {
    let sim = start(small()).await;
    let people = data::people(300, 1);
    let p = people.iter().find(|p| p.index % 4 != 1).unwrap();
    let body: Value = sim
        .talkdesk(&format!("/fsi/contacts?email={}", p.email.to_uppercase()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["total"], 1);
    assert_eq!(body["_embedded"]["contacts"][0]["contact"]["name"], p.full_name());

    let wanted = p.last_name.to_uppercase();
    let body: Value = sim
        .talkdesk(&format!("/fsi/contacts?name={}", urlencode(&wanted)))
        .await
        .json()
        .await
        .unwrap();
    let contacts = body["_embedded"]["contacts"].as_array().unwrap();
    assert!(!contacts.is_empty());
    for c in contacts {
        let name = c["contact"]["name"].as_str().unwrap().to_uppercase();
        assert!(name.contains(&wanted), "{name}");
    }
}

#[tokio::test]
async fn pages_to_the_end_with_redacted_fields_listed() {
    let sim = start(small()).await;
    let expected = (0..300).filter(|i| i % 4 != 1).count();
    let mut ids = HashSet::new();
    let mut redactions = 0;
    for page in 1.. {
        let body: Value = sim
            .talkdesk(&format!("/fsi/contacts?page={page}&per_page=100"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["total"], expected);
        let contacts = body["_embedded"]["contacts"].as_array().unwrap();
        for c in contacts {
            let contact = &c["contact"];
            assert!(ids.insert(contact["id"].as_str().unwrap().to_owned()));
            assert_ne!(contact["id"], contact["member_id"]);
            let href = contact["_links"]["self"]["href"].as_str().unwrap();
            assert!(href.ends_with(contact["id"].as_str().unwrap()));
        }
        for path in body["redacted_fields"].as_array().unwrap() {
            let path = path.as_str().unwrap();
            let (index, field) = path
                .strip_prefix("_embedded.contacts[")
                .and_then(|rest| rest.split_once("].contact."))
                .unwrap();
            let contact = &contacts[index.parse::<usize>().unwrap()]["contact"];
            assert!(contact.get(field).is_none(), "{path} present");
            assert!(["birth_date", "id_document_number"].contains(&field));
            redactions += 1;
        }
        if contacts.len() < 100 {
            break;
        }
    }
    assert_eq!(ids.len(), expected);
    assert!(redactions > 10);

    let r = sim.talkdesk("/fsi/contacts?per_page=101").await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["name"], "per_page");
    let body: Value = sim.talkdesk("/fsi/contacts").await.json().await.unwrap();
    assert_eq!(body["_embedded"]["contacts"].as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn one_contact_by_id() {
    let sim = start(small()).await;
    let list: Value = sim
        .talkdesk("/fsi/contacts?per_page=1")
        .await
        .json()
        .await
        .unwrap();
    let id = list["_embedded"]["contacts"][0]["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = sim.talkdesk(&format!("/fsi/contacts/{id}")).await;
    assert_eq!(r.status(), 200);
    let one: Value = r.json().await.unwrap();
    assert_eq!(one["id"], id.as_str());
    assert!(one["redacted_fields"].is_array());

    let r = sim.talkdesk("/fsi/contacts/no-such-contact").await;
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert!(body["code"].is_string() && body["fields"].is_array());
}
