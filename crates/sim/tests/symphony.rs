mod common;

use std::collections::HashSet;

use cardfile_sim::data;
use common::{TestSim, default_claims, now, sign_jwt, small, start, symphony_jwt, urlencode};
use serde_json::{Value, json};

async fn with_token(sim: &TestSim, token: &str, path: &str) -> (u16, Value) {
    let r = sim
        .http
        .get(sim.url(&format!("/symphony{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

const LIST: &str = "/api/v2/customer/contacts?externalNetwork=WHATSAPP";

fn assert_unauthorized((status, body): (u16, Value)) {
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["type"], "unauthorized");
    assert_eq!(body["status"], 401);
    assert!(body["title"].is_string());
}

#[tokio::test]
async fn jwt_claims_and_signature_are_verified() {
    let sim = start(small()).await;
    let (status, _) = with_token(&sim, &symphony_jwt(&default_claims()), LIST).await;
    assert_eq!(status, 200);

    let r = sim.get(&format!("/symphony{LIST}")).await;
    assert_eq!(r.status(), 401);
    assert_unauthorized((401, r.json().await.unwrap()));

    let mut wrong_sub = default_claims();
    wrong_sub["sub"] = json!("ces:customer:someone-else");
    assert_unauthorized(with_token(&sim, &symphony_jwt(&wrong_sub), LIST).await);

    let mut too_long = default_claims();
    too_long["exp"] = json!(too_long["iat"].as_u64().unwrap() + 1801);
    assert_unauthorized(with_token(&sim, &symphony_jwt(&too_long), LIST).await);

    let mut expired = default_claims();
    expired["iat"] = json!(now() - 600);
    expired["exp"] = json!(now() - 10);
    assert_unauthorized(with_token(&sim, &symphony_jwt(&expired), LIST).await);

    let mut no_jti = default_claims();
    no_jti.as_object_mut().unwrap().remove("jti");
    assert_unauthorized(with_token(&sim, &symphony_jwt(&no_jti), LIST).await);

    // The same token twice: the jti is spent.
    let once = symphony_jwt(&default_claims());
    assert_eq!(with_token(&sim, &once, LIST).await.0, 200);
    assert_unauthorized(with_token(&sim, &once, LIST).await);

    // Tampered claims under the original signature.
    let token = symphony_jwt(&default_claims());
    let mut parts: Vec<&str> = token.split('.').collect();
    let mut claims = default_claims();
    claims["sub"] = json!("ces:customer:cardfile-demo ");
    let forged_payload = base64_url(&claims.to_string());
    parts[1] = &forged_payload;
    assert_unauthorized(with_token(&sim, &parts.join("."), LIST).await);

    // Another algorithm name over the same RSA signature is refused too.
    assert_unauthorized(
        with_token(
            &sim,
            &sign_jwt(&default_claims(), common::SYMPHONY_PRIVATE_PEM, "RS256"),
            LIST,
        )
        .await,
    );
    assert_unauthorized(with_token(&sim, "not.a.jwt", LIST).await);
}

fn base64_url(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[tokio::test]
async fn cursor_paging_to_the_last_page_without_a_total() {
    let sim = start(small()).await;
    let expected = (0..300).filter(|i| i % 3 != 2).count();
    let mut seen = HashSet::new();
    let mut path = format!("{LIST}&limit=40");
    let mut pages = 0;
    loop {
        let body: Value = sim.symphony(&path).await.json().await.unwrap();
        pages += 1;
        assert!(body.get("total").is_none() && body["pagination"].get("total").is_none());
        for c in body["contacts"].as_array().unwrap() {
            assert_eq!(c["externalNetwork"], "WHATSAPP");
            assert!(
                c["symphonyId"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .all(|ch| ch.is_ascii_digit())
            );
            assert!(seen.insert(c["symphonyId"].as_str().unwrap().to_owned()));
        }
        let pagination = &body["pagination"];
        assert!(pagination["cursors"]["before"].is_string() && pagination["cursors"]["after"].is_string());
        if pages == 1 {
            assert!(pagination["previous"].is_null());
        } else {
            assert!(pagination["previous"].as_str().unwrap().starts_with("?before="));
        }
        match pagination["next"].as_str() {
            None => break,
            Some(next) => {
                assert!(next.starts_with("?after="));
                path = format!("{LIST}&limit=40&{}", &next[1..]);
            }
        }
    }
    assert_eq!(seen.len(), expected);
    assert_eq!(pages, expected.div_ceil(40));

    // Default page size is 50.
    let body: Value = sim.symphony(LIST).await.json().await.unwrap();
    assert_eq!(body["contacts"].as_array().unwrap().len(), 50);
    // previous leads back to the first page.
    let second: Value = sim
        .symphony(&format!(
            "{LIST}&{}",
            &body["pagination"]["next"].as_str().unwrap()[1..]
        ))
        .await
        .json()
        .await
        .unwrap();
    let back: Value = sim
        .symphony(&format!(
            "{LIST}&{}",
            &second["pagination"]["previous"].as_str().unwrap()[1..]
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["contacts"], body["contacts"]);
}

#[tokio::test]
async fn forged_garbled_and_foreign_cursors_are_400() {
    let sim = start(small()).await;
    let body: Value = sim.symphony(LIST).await.json().await.unwrap();
    let after = body["pagination"]["cursors"]["after"]
        .as_str()
        .unwrap()
        .to_owned();
    let forged = base64_url("100:0000000000000000:0000000000000000");
    let sms = "/api/v2/customer/contacts?externalNetwork=SMS";
    for path in [
        format!("{LIST}&after={forged}"),
        format!("{LIST}&after=%%%garbled"),
        format!("{LIST}&after={}", base64_url("50")),
        format!("{sms}&after={after}"),
    ] {
        let r = sim.symphony(&path).await;
        assert_eq!(r.status(), 400, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["type"], "invalid.page.cursor");
        assert_eq!(body["status"], 400);
        assert!(body["title"].is_string());
    }
}

#[tokio::test]
async fn exact_filters_and_one_contact_by_phone() {
    let sim = start(small()).await;
    let people = data::people(300, 1);
    // Not one of a household sharing a number.
    let shares = |i: usize| i % data::HOUSEHOLD_EVERY == 1 || (i + 1) % data::HOUSEHOLD_EVERY == 1;
    let p = people
        .iter()
        .find(|p| p.index % 3 == 1 && !shares(p.index))
        .unwrap();
    let e164 = urlencode(&p.e164());
    let body: Value = sim
        .symphony(&format!("{LIST}&phoneNumber={e164}"))
        .await
        .json()
        .await
        .unwrap();
    let contacts = body["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["firstName"], p.first_name.as_str());
    // Exact means exact: another format of the same number finds nothing.
    let spaced = urlencode(&p.phone_in_style(2));
    let body: Value = sim
        .symphony(&format!("{LIST}&phoneNumber={spaced}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(body["contacts"].as_array().unwrap().is_empty());

    let email = contacts[0]["emailAddress"].as_str().unwrap();
    assert_ne!(email, p.email, "Symphony keeps another case");
    let body: Value = sim
        .symphony(&format!("{LIST}&emailAddress={}", urlencode(&p.email)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["contacts"].as_array().unwrap().len(), 1);

    let r = sim
        .symphony(&format!(
            "/api/v2/customer/contact?externalNetwork=WHATSAPP&phoneNumber={e164}"
        ))
        .await;
    assert_eq!(r.status(), 200);
    let one: Value = r.json().await.unwrap();
    assert_eq!(one["phoneNumber"], p.e164().as_str());
    let r = sim
        .symphony("/api/v2/customer/contact?externalNetwork=WHATSAPP&phoneNumber=%2B10000000000")
        .await;
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["type"], "contact.not.found");

    // externalNetwork is required and checked.
    let r = sim.symphony("/api/v2/customer/contacts").await;
    assert_eq!(r.status(), 400);
    let r = sim
        .symphony("/api/v2/customer/contacts?externalNetwork=TELEGRAM")
        .await;
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["type"], "external.network.not.found");
}

#[tokio::test]
async fn blocked_contacts_dates_and_advisors() {
    let sim = start(small()).await;
    let body: Value = sim
        .symphony(&format!("{LIST}&phoneBlocked=true&limit=100"))
        .await
        .json()
        .await
        .unwrap();
    let blocked = body["contacts"].as_array().unwrap();
    assert!(!blocked.is_empty());
    assert!(blocked.iter().any(|c| c["phoneNumberBlockedBy"].is_array()));
    assert!(
        blocked
            .iter()
            .any(|c| c["advisorSymphonyId"].is_string() && c["reason"].is_string())
    );
    let body: Value = sim
        .symphony(&format!("{LIST}&limit=100"))
        .await
        .json()
        .await
        .unwrap();
    let all = body["contacts"].as_array().unwrap();
    assert!(all.iter().any(|c| c["statusUpdateDate"].is_u64()));
    assert!(all.iter().any(|c| c["statusUpdateDate"].is_string()));

    let contact = &all[0];
    let id = contact["symphonyId"].as_str().unwrap();
    let body: Value = sim
        .symphony(&format!("/api/v2/customer/contacts/{id}/advisors"))
        .await
        .json()
        .await
        .unwrap();
    let advisors = body["advisors"].as_array().unwrap();
    assert_eq!(advisors.len(), contact["advisors"].as_array().unwrap().len());
    assert!(body["pagination"]["next"].is_null());

    let advisor = advisors[0]["symphonyId"].as_str().unwrap();
    let body: Value = sim
        .symphony(&format!(
            "/api/v1/customer/advisors/{advisor}/externalNetwork/WHATSAPP/contacts"
        ))
        .await
        .json()
        .await
        .unwrap();
    for c in body["contacts"].as_array().unwrap() {
        assert!(
            c["advisors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["symphonyId"] == advisor)
        );
    }
    let filtered: Value = sim
        .symphony(&format!("{LIST}&advisorSymphonyId={advisor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["contacts"], body["contacts"]);
    assert_eq!(
        sim.symphony("/api/v2/customer/contacts/404/advisors")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn name_search_ranks_first_then_last_then_display_name() {
    let sim = start(small()).await;
    let people = data::people(300, 1);
    // A prefix that is some WhatsApp contact's last name and maybe others' first names.
    let p = people
        .iter()
        .find(|p| p.index % 3 != 2 && p.last_name == "Santos")
        .unwrap();
    let query = "San";
    let body: Value = sim
        .symphony(&format!(
            "/api/v1/customer/contacts/externalNetwork/WHATSAPP/search?query={query}&limit=100"
        ))
        .await
        .json()
        .await
        .unwrap();
    let contacts = body["contacts"].as_array().unwrap();
    assert!(contacts.iter().any(|c| c["lastName"] == p.last_name.as_str()));
    let rank = |c: &Value| {
        if c["firstName"].as_str().unwrap().to_lowercase().starts_with("san") {
            0
        } else if c["lastName"].as_str().unwrap().to_lowercase().starts_with("san") {
            1
        } else {
            2
        }
    };
    let ranks: Vec<i32> = contacts.iter().map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert!(contacts.iter().all(|c| c.get("phoneNumberBlockedBy").is_none()));
    // A display-name match ("first last").
    let full = urlencode(&p.full_name());
    let body: Value = sim
        .symphony(&format!(
            "/api/v1/customer/contacts/externalNetwork/WHATSAPP/search?query={full}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        body["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["lastName"] == p.last_name.as_str())
    );
    let statuses: HashSet<String> = {
        let body: Value = sim
            .symphony("/api/v1/customer/contacts/externalNetwork/WHATSAPP/search?query=a&limit=100")
            .await
            .json()
            .await
            .unwrap();
        body["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        statuses.contains("OPTED_IN") || statuses.contains("OPTED_OUT"),
        "{statuses:?}"
    );
}
