//! Tata Smartflo adapter against fixtures written from the documentation.

mod common;

use cardfile_core::provider::Smartflo;
use cardfile_core::{PageToken, ProviderError, ProviderKind, Query};
use common::*;

fn smartflo() -> Box<dyn cardfile_core::provider::Adapter> {
    adapter(ProviderKind::Smartflo, &[])
}

#[test]
fn no_server_side_search_only_listing() {
    let a = smartflo();
    let caps = a.capabilities();
    assert!(!caps.text && !caps.phone && !caps.email && caps.id && !caps.knows_total);
    let r = a.build_request(&list_all(), None).unwrap();
    assert_eq!(r.path_and_query(), "/v1/contacts?limit=100&page=1");
    let r = a.build_request(&list_all(), Some(&PageToken::Page(4))).unwrap();
    assert_eq!(r.path_and_query(), "/v1/contacts?limit=100&page=4");
    let r = a.build_request(&Query::Id("48213".into()), None).unwrap();
    assert_eq!(r.path_and_query(), "/v1/contacts?contact_id=48213");
    for q in [
        Query::Text("priya".into()),
        Query::Phone("98200 12345".into()),
        Query::Email("p@x.in".into()),
    ] {
        assert!(matches!(
            a.build_request(&q, None),
            Err(ProviderError::Unsupported { .. })
        ));
    }
    assert!(a.build_request(&list_all(), Some(&PageToken::Offset(0))).is_err());
}

#[test]
fn incremental_sync_requests() {
    let s = Smartflo::new("s", &options(&[("page_size", "500"), ("contact_group_id", "12")])).unwrap();
    assert_eq!(
        s.list_request(2, Some("2024-05-08T12:45:03+0000"))
            .path_and_query(),
        "/v1/contacts?contact_group_id=12&updated_after=2024-05-08T12%3A45%3A03%2B0000&limit=500&page=2"
    );
    assert_eq!(
        s.list_request(0, None).path_and_query(),
        "/v1/contacts?contact_group_id=12&limit=500&page=1"
    );
    assert!(Smartflo::new("s", &options(&[("page_size", "1001")])).is_err());
    let page = parse(&*smartflo(), &list_all(), None, 200, "updated_after.json").unwrap();
    let c = &page.contacts[0];
    assert_eq!(c.deleted_at.as_deref(), Some("2024-05-10T07:30:00+00:00"));
    assert_eq!(
        attr(c, "Deleted"),
        None,
        "a deletion is a state, not a detail to show"
    );
    assert_eq!(c.updated_at.as_deref(), Some("2024-05-10T07:30:00+00:00"));
}

#[test]
fn changes_since_the_latest_update_seen_go_back_in_smartflos_time_format() {
    let a = smartflo();
    let since = "2024-05-10T07:30:00+00:00"; // as the adapter reports `updated_at`
    assert_eq!(
        a.changes_request(since, None).unwrap().path_and_query(),
        "/v1/contacts?updated_after=2024-05-10T07%3A30%3A00%2B0000&limit=100&page=1"
    );
    assert_eq!(
        a.changes_request("2024-05-10T07:30:00-05:30", Some(&PageToken::Page(3)))
            .unwrap()
            .path_and_query(),
        "/v1/contacts?updated_after=2024-05-10T07%3A30%3A00-0530&limit=100&page=3"
    );
    assert_eq!(
        a.changes_request("2024-05-10", None).unwrap().path_and_query(),
        "/v1/contacts?updated_after=2024-05-10&limit=100&page=1",
        "anything else is sent as it is"
    );
    assert!(a.changes_request(since, Some(&PageToken::Offset(3))).is_none());
    for searchable in [ProviderKind::Talkdesk, ProviderKind::Gws] {
        assert!(adapter(searchable, &[]).changes_request(since, None).is_none());
    }
}

#[test]
fn documented_list_becomes_contacts() {
    let page = parse(&*smartflo(), &list_all(), None, 200, "list.json").unwrap();
    assert_eq!(
        (page.next.as_ref(), page.total),
        (None, None),
        "short page is the last"
    );
    let [priya, unnamed] = &page.contacts[..] else {
        panic!("two contacts")
    };
    assert_eq!(
        (priya.id.as_str(), priya.display_name.as_str()),
        ("48213", "Priya Sharma")
    );
    assert_eq!(priya.phones[0].normalized, "+919820012345");
    assert_eq!(priya.emails[0].value, "priya.sharma@example.in");
    assert_eq!(priya.company.as_deref(), Some("Sharma Traders"));
    assert_eq!(
        priya.addresses[0].street.as_deref(),
        Some("14 MG Road, Bengaluru")
    );
    assert_eq!(priya.groups, ["Customers"]);
    assert_eq!(attr(priya, "Customer tier"), Some("Gold"));
    assert_eq!(
        attr(priya, "Branch"),
        None,
        "null custom field values are dropped"
    );
    assert_eq!(attr(priya, "Group id"), Some("12"));
    assert_eq!(attr(priya, "Created"), Some("2024-05-01T09:00:00+05:30"));
    assert_eq!(priya.updated_at.as_deref(), Some("2024-05-08T12:45:03+00:00"));
    assert_eq!(unnamed.display_name, "09820054321");
    assert_eq!(unnamed.phones[0].normalized, "09820054321");
}

#[test]
fn default_country_code_completes_national_numbers() {
    let a = adapter(ProviderKind::Smartflo, &[("default_country_code", "91")]);
    let page = parse(&*a, &list_all(), None, 200, "list.json").unwrap();
    assert_eq!(page.contacts[1].phones[0].normalized, "+919820054321");
}

#[test]
fn pages_to_an_empty_last_page() {
    let a = adapter(ProviderKind::Smartflo, &[("page_size", "2")]);
    let pages = walk(&*a, &list_all(), &["page_1.json", "page_2.json", "page_3.json"]);
    assert_eq!(pages[0].next, Some(PageToken::Page(2)));
    assert_eq!(pages[1].next, Some(PageToken::Page(3)));
    assert!(pages[2].contacts.is_empty());
    let all: Vec<&str> = pages.iter().flat_map(names).collect();
    assert_eq!(all, ["Amit Kumar", "Bhavna Rao", "Chetan Iyer", "Deepa Nair"]);
    // A short page ends the listing too.
    let page = parse(
        &*a,
        &list_all(),
        Some(&PageToken::Page(2)),
        200,
        "short_page.json",
    )
    .unwrap();
    assert_eq!((page.contacts.len(), page.next), (1, None));
}

#[test]
fn contact_by_id() {
    let page = parse(
        &*smartflo(),
        &Query::Id("9007".into()),
        None,
        200,
        "contact_by_id.json",
    )
    .unwrap();
    assert_eq!(names(&page), ["Gaurav Jain"]);
    assert_eq!(page.next, None);
}

#[test]
fn errors_keep_the_message() {
    let a = smartflo();
    let q = list_all();
    let err = parse(&*a, &q, None, 401, "error_401.json").unwrap_err();
    assert_eq!(status_parts(&err), (401, None, "Unauthenticated"));
    let err = parse(&*a, &q, None, 429, "error_429.json").unwrap_err();
    assert_eq!(status_parts(&err), (429, None, "Too many requests."));
    // `success:false` (boolean or string) is a failure even with HTTP 200.
    let err = parse(&*a, &q, None, 200, "failed_200.json").unwrap_err();
    assert_eq!(status_parts(&err), (200, None, "Invalid contact_group_id"));
    let err = parse(&*a, &q, None, 200, "failed_string_200.json").unwrap_err();
    assert_eq!(status_parts(&err), (200, None, "Too many requests."));
    let err = parse(&*a, &q, None, 500, "not_json.txt").unwrap_err();
    assert_eq!(status_parts(&err), (500, None, "HTTP 500"));
}

#[test]
fn quirks_are_tolerated() {
    let a = smartflo();
    let q = list_all();
    let page = parse(&*a, &q, None, 200, "numbers_as_strings.json").unwrap();
    let c = &page.contacts[0];
    assert_eq!(c.id, "9009");
    assert_eq!(c.phones[0].normalized, "919820000009");
    assert_eq!(page.next, None);

    let page = parse(&*a, &q, None, 200, "nulls.json").unwrap();
    let c = &page.contacts[0];
    assert_eq!(c.display_name, "#9010");
    assert!(c.phones.is_empty() && c.attributes.is_empty() && c.updated_at.is_none());

    let page = parse(&*a, &q, None, 200, "unknown_fields.json").unwrap();
    assert_eq!(names(&page), ["Kiran Das"]);

    let page = parse(&*a, &q, None, 200, "duplicate_keys.json").unwrap();
    assert_eq!(names(&page), ["Lata Singh"]);
}

#[test]
fn broken_bodies_are_named() {
    let a = smartflo();
    let q = list_all();
    let err = parse(&*a, &q, None, 200, "missing_id.json").unwrap_err();
    assert_eq!(
        err,
        ProviderError::MissingField {
            provider: "Tata Smartflo",
            field: "results[0].id".into()
        }
    );
    let err = parse(&*a, &q, None, 200, "missing_results.json").unwrap_err();
    assert!(matches!(err, ProviderError::MissingField { ref field, .. } if field == "results"));
    let err = parse(&*a, &q, None, 200, "not_json.txt").unwrap_err();
    assert!(matches!(err, ProviderError::NotJson { .. }));
}
