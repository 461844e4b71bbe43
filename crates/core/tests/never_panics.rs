//! No response body and no query, however malformed, makes an adapter panic.

use cardfile_core::provider::Adapter;
use cardfile_core::{PageToken, ProviderKind, Query, SourceOptions, adapter_for};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn adapters() -> Vec<Box<dyn Adapter>> {
    ProviderKind::ALL
        .into_iter()
        .map(|kind| {
            let options: SourceOptions = [
                ("account_id", "0f8fad5bd9cb469fa16570867728950e"),
                ("external_network", "WHATSAPP"),
                ("page_size", "2"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
            adapter_for(kind, "fuzz", &options).unwrap()
        })
        .collect()
}

/// Keys the adapters look for, so generated values reach deep into the parsers.
const KEYS: &[&str] = &[
    "_embedded",
    "contacts",
    "contact",
    "id",
    "name",
    "type",
    "value",
    "use",
    "rank",
    "addresses",
    "confidence_score",
    "total",
    "redacted_fields",
    "id_document_number",
    "code",
    "message",
    "fields",
    "pagination",
    "next",
    "cursors",
    "after",
    "symphonyId",
    "phoneNumber",
    "statusUpdateDate",
    "phoneNumberBlockedBy",
    "requestDate",
    "advisors",
    "statusCode",
    "statusMessage",
    "totalCount",
    "phoneNumbers",
    "items",
    "hasNextPage",
    "groups",
    "customAttributes",
    "msisdn",
    "results",
    "success",
    "limit",
    "custom_fields",
    "updated_at",
    "title",
    "description",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => ".{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "[+0-9 ()-]{0,16}".prop_map(Value::String),
        "(_embedded\\.)?contacts[\\[.][0-9]{1,3}\\]?\\.contact\\.[a-z_]{1,8}".prop_map(Value::String),
        "\\?after=[A-Za-z0-9%=+/]{0,12}".prop_map(Value::String),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn query() -> impl Strategy<Value = Query> {
    let text = prop_oneof![".{0,24}", "[0-9a-fA-F]{32}", "[0-9]{1,20}", "[+0-9 ]{0,16}"];
    (0..4u8, text).prop_map(|(by, v)| match by {
        0 => Query::Text(v),
        1 => Query::Phone(v),
        2 => Query::Email(v),
        _ => Query::Id(v),
    })
}

fn token() -> impl Strategy<Value = Option<PageToken>> {
    prop_oneof![
        Just(None),
        any::<u32>().prop_map(|n| Some(PageToken::Page(n))),
        any::<u32>().prop_map(|n| Some(PageToken::Index(n))),
        any::<u64>().prop_map(|n| Some(PageToken::Offset(n))),
        ".{0,16}".prop_map(|c| Some(PageToken::Cursor(c))),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(404u16), Just(429u16), 100u16..600]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..256), q in query(), at in token(), s in status()) {
        for a in adapters() {
            let _ = a.parse_response(&q, at.as_ref(), s, &body);
        }
    }

    #[test]
    fn arbitrary_json(v in json_value(), q in query(), at in token(), s in status()) {
        let body = serde_json::to_vec(&v).unwrap();
        for a in adapters() {
            let _ = a.parse_response(&q, at.as_ref(), s, &body);
        }
    }

    /// Arbitrary values in the places each provider puts its contacts.
    #[test]
    fn arbitrary_contacts(items in prop::collection::vec(json_value(), 0..4), extra in json_value(), q in query(), at in token()) {
        let items = Value::Array(items);
        let bodies = [
            serde_json::json!({"total": 3, "_embedded": {"contacts": items}, "redacted_fields": extra}),
            serde_json::json!({"contacts": items, "pagination": extra}),
            serde_json::json!({"statusCode": 0, "totalCount": 9, "contacts": items, "contact": extra}),
            serde_json::json!({"items": items, "hasNextPage": true, "totalCount": extra}),
            serde_json::json!({"page": 1, "limit": 2, "results": items, "success": extra}),
        ];
        for a in adapters() {
            for body in &bodies {
                let _ = a.parse_response(&q, at.as_ref(), 200, &serde_json::to_vec(body).unwrap());
            }
        }
    }

    #[test]
    fn requests_build_or_refuse(q in query(), at in token()) {
        for a in adapters() {
            if let Ok(r) = a.build_request(&q, at.as_ref()) {
                prop_assert!(r.path.starts_with('/'));
                let _ = r.path_and_query();
            }
        }
    }
}
