//! Determinism (same seed, same data) and the overlap between providers that gives
//! deduplication something real to do.
mod common;

use cardfile_sim::{SimConfig, adversarial_payloads, data};
use common::{TestSim, significant, small, start};
use serde_json::Value;

async fn snapshot(sim: &TestSim) -> Vec<Value> {
    let td: Value = sim
        .talkdesk("/fsi/contacts?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let sy: Value = sim
        .symphony("/api/v2/customer/contacts?externalNetwork=WHATSAPP&limit=100")
        .await
        .json()
        .await
        .unwrap();
    let gws: Value = sim.gws("/api/v2/contacts?limit=100").await.json().await.unwrap();
    let token = sim.smartflo_token().await;
    let sf: Value = sim
        .smartflo_with(&token, "/v1/contacts?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let ex: Value = sim
        .eightbyeight("/contacts?limit=100")
        .await
        .json()
        .await
        .unwrap();
    // Cursors are signed per process: compare the contacts, not the pagination.
    vec![td, sy["contacts"].clone(), gws, sf, ex]
}

#[tokio::test]
async fn same_seed_same_data_other_seed_other_data() {
    let a = snapshot(&start(small()).await).await;
    let b = snapshot(&start(small()).await).await;
    let c = snapshot(&start(SimConfig { seed: 2, ..small() }).await).await;
    assert_eq!(a, b);
    for (x, y) in a.iter().zip(&c) {
        assert_ne!(x, y);
    }
}

#[tokio::test]
async fn people_overlap_across_providers_with_other_formats() {
    let sim = start(small()).await;
    let people = data::people(300, 1);
    // Index 0 is in every provider.
    let p = &people[0];
    let digits = significant(&p.e164());
    let td: Value = sim
        .talkdesk(&format!("/fsi/contacts?email={}", p.email))
        .await
        .json()
        .await
        .unwrap();
    let td_phone = td["_embedded"]["contacts"][0]["contact"]["contacts"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let gws: Value = sim
        .gws(&format!("/api/v2/contacts?emailAddress={}", p.email))
        .await
        .json()
        .await
        .unwrap();
    let gws_contact = &gws["contacts"][0];
    let gws_phone = gws_contact["phoneNumber"]
        .as_str()
        .or(gws_contact["phoneNumbers"][0]["phoneNumber"].as_str())
        .unwrap()
        .to_owned();
    let token = sim.smartflo_token().await;
    let sf: Value = sim
        .smartflo_with(&token, "/v1/contacts?contact_id=4100000")
        .await
        .json()
        .await
        .unwrap();
    let sf_phone = sf["results"][0]["phone_number"].as_str().unwrap().to_owned();
    let phones = [p.e164(), td_phone, gws_phone, sf_phone];
    for phone in &phones {
        assert!(
            significant(phone).ends_with(&digits[digits.len() - 7..]),
            "{phone}"
        );
    }
    let distinct: std::collections::HashSet<&String> = phones.iter().collect();
    assert!(distinct.len() >= 3, "{phones:?}");
    let emails = [
        td["_embedded"]["contacts"][0]["contact"]["contacts"][1]["value"]
            .as_str()
            .unwrap(),
        gws_contact["emailAddress"].as_str().unwrap(),
    ];
    assert_ne!(emails[0], emails[1]);
    assert!(emails[0].eq_ignore_ascii_case(emails[1]));
}

#[tokio::test]
async fn adversarial_mode_serves_hostile_payloads() {
    let payloads = adversarial_payloads();
    assert!(payloads.len() >= 50);
    assert!(
        payloads
            .iter()
            .any(|p| p.contains("<img src=x onerror=\"__cardfile_canary()\">"))
    );
    assert!(payloads.iter().any(|p| p.contains('\u{202E}')));
    assert!(payloads.iter().any(|p| p.contains('\u{200B}')));
    assert!(payloads.iter().any(|p| p.contains('\0')));
    assert!(payloads.iter().any(|p| p.len() >= 5000));
    let sim = start(SimConfig {
        adversarial: true,
        ..small()
    })
    .await;
    let snapshot = snapshot(&sim).await;
    let text = serde_json::to_string(&snapshot).unwrap();
    assert!(text.contains("__cardfile_canary"));
    let gws = &snapshot[2]["contacts"];
    let hostile = gws
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "Custom")
        .filter(|c| payloads.contains(&c["firstName"].as_str().unwrap()))
        .count();
    assert!(hostile > 50);
    let sf = &snapshot[3]["results"];
    assert!(sf.as_array().unwrap().iter().any(|r| {
        r["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| payloads.contains(&f["value"].as_str().unwrap()))
    }));
    // Distinct payloads actually served, across the providers.
    let mut strings = std::collections::HashSet::new();
    collect_strings(&Value::Array(snapshot.clone()), &mut strings);
    let served = payloads.iter().filter(|p| strings.contains(**p)).count();
    assert!(served >= 40, "{served}");
}

fn collect_strings(v: &Value, out: &mut std::collections::HashSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_strings(i, out)),
        _ => {}
    }
}
