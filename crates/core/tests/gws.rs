//! Genesys GWS adapter against fixtures written from the documentation.

mod common;

use cardfile_core::{PageToken, ProviderError, ProviderKind, Query};
use common::*;

fn gws() -> Box<dyn cardfile_core::provider::Adapter> {
    adapter(ProviderKind::Gws, &[])
}

#[test]
fn requests_use_the_wildcard_filter() {
    let a = gws();
    let r = a.build_request(&Query::Text("joh".into()), None).unwrap();
    assert_eq!(
        r.path_and_query(),
        "/api/v2/contacts?filterName=NamesOrPhoneNumberMatches&filterParameters=%2Ajoh%2A&offset=0&limit=50"
    );
    let r = a.build_request(&Query::Text("jo*son".into()), None).unwrap();
    assert!(r.path_and_query().contains("filterParameters=jo%2Ason&"));
    let r = a
        .build_request(&Query::Phone("+1 (415) 555-0142".into()), None)
        .unwrap();
    assert!(r.path_and_query().contains("filterParameters=%2A14155550142%2A&"));
    let r = a
        .build_request(
            &Query::Email("joe@example.com".into()),
            Some(&PageToken::Offset(100)),
        )
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/api/v2/contacts?emailAddress=joe%40example.com&offset=100&limit=50"
    );
    let r = a.build_request(&list_all(), None).unwrap();
    assert_eq!(r.path_and_query(), "/api/v2/contacts?offset=0&limit=50");
    let r = a
        .build_request(&Query::Id("8C8F4A0B2D8E4B1F9F3C6A7D5E4B3A21".into()), None)
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/api/v2/contacts/8C8F4A0B2D8E4B1F9F3C6A7D5E4B3A21"
    );
    assert!(a.build_request(&Query::Id("1234".into()), None).is_err());
    assert!(a.build_request(&list_all(), Some(&PageToken::Page(1))).is_err());

    let custom = adapter(
        ProviderKind::Gws,
        &[
            ("offset_param", "start"),
            ("limit_param", "count"),
            ("page_size", "10"),
        ],
    );
    let r = custom
        .build_request(&list_all(), Some(&PageToken::Offset(20)))
        .unwrap();
    assert_eq!(r.path_and_query(), "/api/v2/contacts?start=20&count=10");
}

#[test]
fn documented_contacts_of_every_type() {
    let page = parse(&*gws(), &Query::Text("jo".into()), None, 200, "search.json").unwrap();
    assert_eq!(names(&page), ["Joe Johnson", "Joanna Agent", "Billing Queue"]);
    assert_eq!((page.total, page.next.as_ref()), (Some(3), None));
    let [joe, joanna, queue] = &page.contacts[..] else {
        panic!("three contacts")
    };
    assert_eq!(joe.id, "8c8f4a0b2d8e4b1f9f3c6a7d5e4b3a21");
    let phones: Vec<(&str, Option<&str>)> = joe
        .phones
        .iter()
        .map(|p| (p.normalized.as_str(), p.label.as_deref()))
        .collect();
    assert_eq!(
        phones,
        [("+14155550142", Some("Office")), ("5550143", Some("SIP_Switch"))]
    );
    assert_eq!(attr(joe, "Type"), Some("Custom"));
    assert_eq!(joe.first_name.as_deref(), Some("Joe"));
    assert_eq!(attr(joanna, "Type"), Some("User"));
    assert_eq!(attr(joanna, "User name"), Some("jagent"));
    assert_eq!(attr(joanna, "Employee id"), Some("E-1027"));
    assert_eq!(attr(joanna, "Availability"), Some("Ready"));
    assert_eq!(joanna.phones[0].value, "7001");
    assert_eq!(joanna.emails[0].value, "jagent@example.com");
    assert_eq!(attr(queue, "Type"), Some("Queue"));
    assert_eq!(queue.phones[0].value, "8000");
}

#[test]
fn pages_through_offsets_to_the_last_page() {
    let a = adapter(ProviderKind::Gws, &[("page_size", "2")]);
    let pages = walk(&*a, &list_all(), &["page_1.json", "page_2.json", "page_3.json"]);
    assert_eq!(pages[0].next, Some(PageToken::Offset(2)));
    assert_eq!(pages[1].next, Some(PageToken::Offset(4)));
    let all: Vec<&str> = pages.iter().flat_map(names).collect();
    assert_eq!(
        all,
        ["Ana Costa", "Bruno Dias", "Carla Reis", "Diogo Lima", "Eva Nunes"]
    );
    assert!(pages.iter().all(|p| p.total == Some(5)));
}

#[test]
fn contact_by_id() {
    let a = gws();
    let q = Query::Id("00000000000000000000000000008c8f".into());
    let page = parse(&*a, &q, None, 200, "contact_by_id.json").unwrap();
    assert_eq!(names(&page), ["Joe Johnson"]);
    assert!(
        parse(&*a, &q, None, 404, "error_404_not_found.json")
            .unwrap()
            .contacts
            .is_empty()
    );
}

#[test]
fn errors_keep_status_code_and_message() {
    let a = gws();
    let q = Query::Text("x".into());
    for (status, name, code, message) in [
        (
            400,
            "error_400_missing_parameter.json",
            "1",
            "Missing parameter: filterParameters",
        ),
        (
            400,
            "error_400_invalid_parameter.json",
            "2",
            "Invalid parameter: filterName",
        ),
        (403, "error_403_forbidden.json", "3", "Forbidden"),
        (
            403,
            "error_403_no_permission.json",
            "5",
            "No permission to read contacts",
        ),
        (404, "error_404_not_found.json", "6", "Contact not found"),
        (401, "error_401_not_authenticated.json", "20", "Not authenticated"),
    ] {
        let err = parse(&*a, &q, None, status, name).unwrap_err();
        assert_eq!(status_parts(&err), (status, Some(code), message));
    }
    // A failure reported in the body of an HTTP 200 is still a failure.
    let err = parse(&*a, &q, None, 200, "error_in_200.json").unwrap_err();
    assert_eq!(status_parts(&err), (200, Some("2"), "Invalid parameter: offset"));
    let err = parse(&*a, &q, None, 500, "not_json.txt").unwrap_err();
    assert_eq!(status_parts(&err), (500, None, "HTTP 500"));
}

#[test]
fn quirks_are_tolerated() {
    let a = gws();
    let q = list_all();
    let page = parse(&*a, &q, None, 200, "numbers_as_strings.json").unwrap();
    assert_eq!(page.total, Some(1));
    let c = &page.contacts[0];
    assert_eq!(c.display_name, "Fábio Gomes");
    assert_eq!(c.phones[0].value, "5550106");
    assert_eq!(attr(c, "Employee id"), Some("1027"));

    let page = parse(&*a, &q, None, 200, "nulls.json").unwrap();
    assert_eq!(names(&page), ["#00000000000000000000000000000007"]);
    assert_eq!(page.total, None);

    let page = parse(&*a, &q, None, 200, "unknown_fields.json").unwrap();
    assert_eq!(page.contacts[0].phones.len(), 2);
    assert_eq!(page.contacts[0].phones[1].label.as_deref(), Some("Desk"));

    let page = parse(&*a, &q, None, 200, "duplicate_keys.json").unwrap();
    assert_eq!(names(&page), ["New Name"]);

    let page = parse(&*a, &q, None, 200, "empty.json").unwrap();
    assert!(page.contacts.is_empty() && page.next.is_none());
}

#[test]
fn broken_bodies_are_named() {
    let a = gws();
    let q = list_all();
    let err = parse(&*a, &q, None, 200, "missing_id.json").unwrap_err();
    assert_eq!(
        err,
        ProviderError::MissingField {
            provider: "Genesys GWS",
            field: "contacts[0].id".into()
        }
    );
    let err = parse(&*a, &q, None, 200, "missing_contacts.json").unwrap_err();
    assert!(matches!(err, ProviderError::MissingField { ref field, .. } if field == "contacts"));
    let err = parse(&*a, &q, None, 200, "not_json.txt").unwrap_err();
    assert!(matches!(err, ProviderError::NotJson { .. }));
}
