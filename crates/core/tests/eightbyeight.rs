//! 8x8 Connect adapter against fixtures written from the documentation.

mod common;

use cardfile_core::{PageToken, ProviderError, ProviderKind, Query};
use common::*;

const ACCOUNT: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

fn eight(extra: &[(&str, &str)]) -> Box<dyn cardfile_core::provider::Adapter> {
    let mut pairs = vec![("account_id", ACCOUNT)];
    pairs.extend_from_slice(extra);
    adapter(ProviderKind::EightByEight, &pairs)
}

#[test]
fn requests_use_limit_offset_and_query() {
    let a = eight(&[]);
    let r = a.build_request(&Query::Text("siti".into()), None).unwrap();
    assert_eq!(
        r.path_and_query(),
        format!("/api/v1/accounts/{ACCOUNT}/contacts?limit=20&offset=0&query=siti")
    );
    let r = a
        .build_request(&Query::Phone("+65 9123 4567".into()), Some(&PageToken::Index(2)))
        .unwrap();
    assert!(
        r.path_and_query()
            .ends_with("?limit=20&offset=2&query=6591234567")
    );
    let r = a.build_request(&Query::Id("5012".into()), None).unwrap();
    assert_eq!(
        r.path_and_query(),
        format!("/api/v1/accounts/{ACCOUNT}/contacts/5012")
    );
    assert!(a.build_request(&Query::Id("x".into()), None).is_err());
    assert!(cardfile_core::adapter_for(ProviderKind::EightByEight, "s", &options(&[])).is_err());
}

#[test]
fn documented_search_becomes_contacts() {
    let page = parse(&*eight(&[]), &Query::Text("s".into()), None, 200, "search.json").unwrap();
    assert_eq!(page.total, Some(2), "totalFiltered, not totalCount");
    assert_eq!(page.next, None);
    let siti = &page.contacts[0];
    assert_eq!(
        (siti.id.as_str(), siti.display_name.as_str()),
        ("5012", "Siti Rahman")
    );
    assert_eq!(siti.phones[0].normalized, "+6591234567");
    assert_eq!(siti.emails[0].value, "siti@example.sg");
    let handles: Vec<(&str, &str)> = siti
        .handles
        .iter()
        .map(|h| (h.network.as_str(), h.value.as_str()))
        .collect();
    assert_eq!(handles, [("WeChat", "siti_wx"), ("LINE", "siti.line")]);
    assert_eq!(siti.groups, ["VIP", "Do not call"]);
    assert_eq!(attr(siti, "Blocklist"), Some("Do not call"));
    assert_eq!(attr(siti, "tier"), Some("gold"));
    assert_eq!(attr(siti, "score"), Some("42"));
    // Names are often missing: the number titles the card.
    assert_eq!(page.contacts[1].display_name, "6281234567890");
}

#[test]
fn pages_through_indexes_to_the_last_page() {
    let a = eight(&[("page_size", "2")]);
    let pages = walk(&*a, &list_all(), &["page_0.json", "page_1.json", "page_2.json"]);
    assert_eq!(pages[0].next, Some(PageToken::Index(1)));
    assert_eq!(pages[1].next, Some(PageToken::Index(2)));
    let all: Vec<&str> = pages.iter().flat_map(names).collect();
    assert_eq!(all, ["Ana Tan", "Ben Lim", "Chen Wu", "Dewi Sari", "Eko Putra"]);
}

#[test]
fn contact_by_id() {
    let a = eight(&[]);
    let q = Query::Id("1009".into());
    let page = parse(&*a, &q, None, 200, "contact.json").unwrap();
    assert_eq!(names(&page), ["Farah Aziz"]);
    assert!(
        parse(&*a, &q, None, 404, "error_404.json")
            .unwrap()
            .contacts
            .is_empty()
    );
}

#[test]
fn errors_keep_code_and_message() {
    let a = eight(&[]);
    let q = Query::Text("x".into());
    for (status, name, code, message) in [
        (
            400,
            "error_400.json",
            "1001",
            "query must be at most 320 characters",
        ),
        (401, "error_401.json", "1200", "Invalid API key"),
        (404, "error_404.json", "3001", "Contact not found"),
        (429, "error_429.json", "1300", "Too many requests"),
    ] {
        let err = parse(&*a, &q, None, status, name).unwrap_err();
        assert_eq!(status_parts(&err), (status, Some(code), message));
    }
    let err = parse(&*a, &q, None, 502, "not_json.txt").unwrap_err();
    assert_eq!(status_parts(&err), (502, None, "HTTP 502"));
}

#[test]
fn quirks_are_tolerated() {
    let a = eight(&[]);
    let q = list_all();
    let page = parse(&*a, &q, None, 200, "numbers_as_strings.json").unwrap();
    assert_eq!((page.total, page.next.as_ref()), (Some(1), None));
    assert_eq!(page.contacts[0].id, "1006");
    assert_eq!(page.contacts[0].phones[0].normalized, "6591234006");

    let page = parse(&*a, &q, None, 200, "nulls.json").unwrap();
    assert_eq!(names(&page), ["#1007"]);

    let page = parse(&*a, &q, None, 200, "unknown_fields.json").unwrap();
    assert_eq!(names(&page), ["Hana Kim"]);

    let page = parse(&*a, &q, None, 200, "duplicate_keys.json").unwrap();
    assert_eq!(names(&page), ["New Dup"]);
    assert_eq!(page.next, None, "the last hasNextPage wins");
}

#[test]
fn broken_bodies_are_named() {
    let a = eight(&[]);
    let q = list_all();
    let err = parse(&*a, &q, None, 200, "missing_id.json").unwrap_err();
    assert_eq!(
        err,
        ProviderError::MissingField {
            provider: "8x8 Connect",
            field: "id".into()
        }
    );
    let err = parse(&*a, &q, None, 200, "missing_items.json").unwrap_err();
    assert!(matches!(err, ProviderError::MissingField { ref field, .. } if field == "items"));
    let err = parse(&*a, &q, None, 200, "not_json.txt").unwrap_err();
    assert!(matches!(err, ProviderError::NotJson { .. }));
}
