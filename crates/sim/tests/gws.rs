mod common;

use std::collections::HashSet;

use cardfile_sim::data;
use common::{TestSim, small, start, urlencode};
use reqwest::Response;
use serde_json::{Value, json};

async fn ok_json(r: Response) -> Value {
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn error_of(r: Response) -> (u16, u64) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert!(body["statusMessage"].is_string(), "{body}");
    (status, body["statusCode"].as_u64().unwrap())
}

#[tokio::test]
async fn basic_auth_is_required() {
    let sim = start(small()).await;
    let r = sim.get("/gws/api/v2/contacts").await;
    assert!(r.headers().contains_key("www-authenticate"));
    assert_eq!(error_of(r).await, (401, 20));
    let r = sim
        .http
        .get(sim.url("/gws/api/v2/contacts"))
        .basic_auth("demo-agent", Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (401, 20));
    let body = ok_json(sim.gws("/api/v2/contacts").await).await;
    assert_eq!(body["statusCode"], 0);
    let contacts = body["contacts"].as_array().unwrap();
    assert_eq!(body["totalCount"].as_u64().unwrap() as usize, contacts.len());
    for c in contacts {
        let id = c["id"].as_str().unwrap();
        assert!(id.len() == 32 && id.chars().all(|ch| ch.is_ascii_hexdigit()));
        assert_eq!(c["path"], format!("/contacts/{id}"));
        assert!(c["uri"].as_str().unwrap().ends_with(&format!("/contacts/{id}")));
        assert!(["Custom", "Queue", "User"].contains(&c["type"].as_str().unwrap()));
        assert!(c["phoneNumber"].is_string() ^ c["phoneNumbers"].is_array());
    }
}

#[tokio::test]
async fn attribute_filters_are_anded() {
    let sim = start(small()).await;
    let queues = ok_json(sim.gws("/api/v2/contacts?type=Queue").await).await;
    assert_eq!(queues["totalCount"], 8);
    let users = ok_json(sim.gws("/api/v2/contacts?type=User").await).await;
    assert!(
        users["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["userName"].is_string())
    );

    let people = data::people(300, 1);
    let p = people.iter().find(|p| p.index % 5 < 3).unwrap();
    let first = urlencode(&p.first_name);
    let last = urlencode(&p.last_name);
    let both = ok_json(
        sim.gws(&format!("/api/v2/contacts?firstName={first}&lastName={last}"))
            .await,
    )
    .await;
    let only_first = ok_json(sim.gws(&format!("/api/v2/contacts?firstName={first}")).await).await;
    assert!(both["totalCount"].as_u64().unwrap() >= 1);
    assert!(both["totalCount"].as_u64() <= only_first["totalCount"].as_u64());
    for c in both["contacts"].as_array().unwrap() {
        assert_eq!(
            (c["firstName"].as_str(), c["lastName"].as_str()),
            (Some(&*p.first_name), Some(&*p.last_name))
        );
    }
    let email = ok_json(
        sim.gws(&format!("/api/v2/contacts?emailAddress={}", urlencode(&p.email)))
            .await,
    )
    .await;
    assert_eq!(email["totalCount"], 1);
    assert_ne!(
        email["contacts"][0]["emailAddress"],
        p.email.as_str(),
        "GWS keeps another case"
    );

    // name and phoneNumber take comma-separated exact values.
    let names = format!("{},Billing Queue", p.full_name());
    let body = ok_json(
        sim.gws(&format!("/api/v2/contacts?name={}", urlencode(&names)))
            .await,
    )
    .await;
    let got: HashSet<&str> = body["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(got, HashSet::from([p.full_name().as_str(), "Billing Queue"]));
    let number = email["contacts"][0]["phoneNumber"]
        .as_str()
        .or(email["contacts"][0]["phoneNumbers"][0]["phoneNumber"].as_str())
        .unwrap()
        .to_owned();
    let body = ok_json(
        sim.gws(&format!(
            "/api/v2/contacts?phoneNumber={},8100",
            urlencode(&number)
        ))
        .await,
    )
    .await;
    assert!(body["totalCount"].as_u64().unwrap() >= 2);

    assert_eq!(
        error_of(sim.gws("/api/v2/contacts?favouriteColour=blue").await).await,
        (400, 2)
    );
    assert_eq!(
        error_of(sim.gws("/api/v2/contacts?limit=0").await).await,
        (400, 2)
    );
}

#[tokio::test]
async fn names_or_phone_number_matches_wildcards() {
    let sim = start(small()).await;
    let people = data::people(300, 1);
    let p = people
        .iter()
        .find(|p| p.index % 5 < 3 && p.first_name.is_ascii())
        .unwrap();
    let prefix = p.first_name[..3].to_uppercase();
    let body = ok_json(
        sim.gws(&format!(
            "/api/v2/contacts?filterName=NamesOrPhoneNumberMatches&filterParameters={prefix}*"
        ))
        .await,
    )
    .await;
    let contacts = body["contacts"].as_array().unwrap();
    assert!(contacts.iter().any(|c| c["firstName"] == p.first_name.as_str()));
    for c in contacts {
        let hit = ["name", "firstName", "lastName", "userName"]
            .iter()
            .filter_map(|k| c[*k].as_str())
            .any(|v| v.to_uppercase().starts_with(&prefix));
        assert!(hit, "{c}");
    }
    let body = ok_json(
        sim.gws("/api/v2/contacts?filterName=NamesOrPhoneNumberMatches&filterParameters=*queue")
            .await,
    )
    .await;
    assert_eq!(body["totalCount"], 8);
    let body = ok_json(
        sim.gws("/api/v2/contacts?filterName=NamesOrPhoneNumberMatches&filterParameters=81*")
            .await,
    )
    .await;
    assert!(body["totalCount"].as_u64().unwrap() >= 8);
    assert_eq!(
        error_of(
            sim.gws("/api/v2/contacts?filterName=NamesOrPhoneNumberMatches")
                .await
        )
        .await,
        (400, 1)
    );
    assert_eq!(
        error_of(
            sim.gws("/api/v2/contacts?filterName=Other&filterParameters=x")
                .await
        )
        .await,
        (400, 2)
    );
}

#[tokio::test]
async fn offset_limit_paging_to_the_end() {
    let sim = start(small()).await;
    let all = ok_json(sim.gws("/api/v2/contacts").await).await;
    let total = all["totalCount"].as_u64().unwrap() as usize;
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let body = ok_json(
            sim.gws(&format!("/api/v2/contacts?offset={offset}&limit=70"))
                .await,
        )
        .await;
        assert_eq!(body["totalCount"].as_u64().unwrap() as usize, total);
        let page = body["contacts"].as_array().unwrap();
        ids.extend(page.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        offset += 70;
        if offset >= total {
            break;
        }
    }
    let expected: Vec<String> = all["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, expected);
}

fn write(sim: &TestSim, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    sim.http
        .request(method, sim.url(&format!("/gws{path}")))
        .basic_auth("demo-agent", Some("demo-gws-password"))
}

#[tokio::test]
async fn csrf_write_dance_and_read_only_queue_and_user_contacts() {
    let sim = start(small()).await;
    let new =
        json!({"name": "Zed Tester", "firstName": "Zed", "lastName": "Tester", "phoneNumber": "+15550100"});
    // No token, no cookie: forbidden.
    let r = write(&sim, reqwest::Method::POST, "/api/v2/contacts")
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (403, 3));

    // A GET hands out the token and the session cookie.
    let r = sim.gws("/api/v2/contacts?type=Queue").await;
    assert_eq!(r.headers()["x-csrf-header"], "X-CSRF-TOKEN");
    let token = r.headers()["x-csrf-token"].to_str().unwrap().to_owned();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("JSESSIONID="));
    let queues = ok_json(r).await;
    let queue_id = queues["contacts"][0]["id"].as_str().unwrap().to_owned();

    // Token without the cookie, or a wrong token: still forbidden.
    let r = write(&sim, reqwest::Method::POST, "/api/v2/contacts")
        .header("X-CSRF-TOKEN", &token)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (403, 3));
    let r = write(&sim, reqwest::Method::POST, "/api/v2/contacts")
        .header("X-CSRF-TOKEN", "wrong")
        .header("cookie", &cookie)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (403, 3));

    let with_csrf = |m: reqwest::Method, path: &str| {
        write(&sim, m, path)
            .header("X-CSRF-TOKEN", &token)
            .header("cookie", &cookie)
    };
    let created = ok_json(
        with_csrf(reqwest::Method::POST, "/api/v2/contacts")
            .json(&new)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(created["statusCode"], 0);
    let id = created["id"].as_str().unwrap().to_owned();
    let fetched = ok_json(sim.gws(&format!("/api/v2/contacts/{id}")).await).await;
    assert_eq!(
        (fetched["name"].as_str(), fetched["type"].as_str()),
        (Some("Zed Tester"), Some("Custom"))
    );

    let r = with_csrf(reqwest::Method::PUT, &format!("/api/v2/contacts/{id}"))
        .json(&json!({"lastName": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok_json(r).await["statusCode"], 0);
    let fetched = ok_json(sim.gws(&format!("/api/v2/contacts/{id}")).await).await;
    assert_eq!(fetched["lastName"], "Renamed");

    // Queue and User contacts are read-only; only Custom ones can be created.
    let r = with_csrf(reqwest::Method::PUT, &format!("/api/v2/contacts/{queue_id}"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (403, 3));
    let r = with_csrf(reqwest::Method::DELETE, &format!("/api/v2/contacts/{queue_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (403, 3));
    let users = ok_json(sim.gws("/api/v2/contacts?type=User").await).await;
    let user_id = users["contacts"][0]["id"].as_str().unwrap();
    let r = with_csrf(reqwest::Method::DELETE, &format!("/api/v2/contacts/{user_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (403, 3));
    let r = with_csrf(reqwest::Method::POST, "/api/v2/contacts")
        .json(&json!({"name": "Q", "type": "Queue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (403, 3));
    let r = with_csrf(reqwest::Method::POST, "/api/v2/contacts")
        .json(&json!({"firstName": "No name"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (400, 1));

    let r = with_csrf(reqwest::Method::DELETE, &format!("/api/v2/contacts/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok_json(r).await["statusCode"], 0);
    assert_eq!(
        error_of(sim.gws(&format!("/api/v2/contacts/{id}")).await).await,
        (404, 6)
    );
    let r = with_csrf(reqwest::Method::DELETE, &format!("/api/v2/contacts/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await, (404, 6));
}
