//! Talkdesk adapter against fixtures written from the documentation.

mod common;

use cardfile_core::{PageToken, ProviderError, ProviderKind, Query};
use common::*;

fn talkdesk() -> Box<dyn cardfile_core::provider::Adapter> {
    adapter(ProviderKind::Talkdesk, &[])
}

#[test]
fn documented_search_becomes_contacts() {
    let a = talkdesk();
    let page = parse(&*a, &Query::Text("mar".into()), None, 200, "search.json").unwrap();
    assert_eq!(names(&page), ["Maria Oliveira", "John Smith"]);
    assert_eq!(page.total, Some(2));
    assert_eq!(page.next, None);

    let maria = &page.contacts[0];
    assert_eq!(
        maria.id, "8f14e45f-ceea-467f-a8d5-f1c2a0e5d001",
        "id, not member_id, identifies"
    );
    assert_eq!(maria.kind, ProviderKind::Talkdesk);
    assert_eq!(maria.source, "test-source");
    assert_eq!(maria.score, Some(0.97));
    // The SMS entry repeats the mobile number: one phone, best rank kept.
    let phones: Vec<&str> = maria.phones.iter().map(|p| p.normalized.as_str()).collect();
    assert_eq!(phones, ["+351912345678", "+351213456789"]);
    assert_eq!(maria.best_phone().unwrap().label.as_deref(), Some("MOBILE"));
    assert_eq!(maria.emails[0].value, "maria.oliveira@example.pt");
    assert_eq!(maria.emails[0].label.as_deref(), Some("WORK"));
    assert_eq!(attr(maria, "Other (HOME)"), Some("@maria.oliveira"));
    assert_eq!(maria.addresses[0].city.as_deref(), Some("Lisboa"));
    assert_eq!(maria.addresses[0].label.as_deref(), Some("POSTAL"));
    assert_eq!(maria.addresses[0].state, None);
    assert_eq!(attr(maria, "Member id"), Some("MBR-778812"));
    assert_eq!(attr(maria, "ID document type"), Some("NATIONAL_ID"));
    assert_eq!(attr(maria, "ID document number"), Some("•••••6789"));
    assert_eq!(attr(maria, "Birth date"), Some("1985-03-14"));
    assert!(maria.redacted.is_empty());

    let john = &page.contacts[1];
    assert_eq!(john.phones[0].normalized, "4155550100");
    assert_eq!(
        john.phones[0].label.as_deref(),
        Some("MOBILE"),
        "SMS numbers are phones"
    );
    assert_eq!(attr(john, "ID document number"), Some("•••••6789"));
    assert_eq!(john.redacted, ["_embedded.contacts[1].contact.birth_date"]);
    assert_eq!(attr(john, "Birth date"), None);
}

#[test]
fn the_document_number_never_leaves_unmasked() {
    let a = talkdesk();
    for name in ["search.json", "numbers_as_strings.json"] {
        let page = parse(&*a, &Query::Text("x".into()), None, 200, name).unwrap();
        let json = serde_json::to_string(&page).unwrap();
        for secret in ["123456789", "123-45-6789", "987654321"] {
            assert!(!json.contains(secret), "{name} leaks {secret}");
        }
    }
}

#[test]
fn pages_through_to_the_last_page() {
    let a = adapter(ProviderKind::Talkdesk, &[("page_size", "2")]);
    let pages = walk(&*a, &list_all(), &["page_1.json", "page_2.json", "page_3.json"]);
    assert_eq!(pages[0].next, Some(PageToken::Page(2)));
    assert_eq!(pages[1].next, Some(PageToken::Page(3)));
    let all: Vec<&str> = pages.iter().flat_map(names).collect();
    assert_eq!(
        all,
        ["Ana Costa", "Bruno Dias", "Carla Reis", "Diogo Lima", "Eva Nunes"]
    );
    assert!(pages.iter().all(|p| p.total == Some(5)));
}

#[test]
fn without_a_total_a_short_page_is_the_last() {
    let a = adapter(ProviderKind::Talkdesk, &[("page_size", "2")]);
    let pages = walk(
        &*a,
        &list_all(),
        &["no_total_page_1.json", "no_total_page_2.json"],
    );
    assert_eq!(pages[0].total, None);
    assert_eq!(pages[0].next, Some(PageToken::Page(2)));
}

#[test]
fn requests_use_configurable_parameter_names() {
    let a = talkdesk();
    let r = a
        .build_request(&Query::Phone("+351 912 345 678".into()), None)
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/fsi/contacts?phone_number=%2B351912345678&page=1&per_page=50"
    );
    let r = a
        .build_request(&Query::Email("a@b.pt".into()), Some(&PageToken::Page(3)))
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/fsi/contacts?email=a%40b.pt&page=3&per_page=50"
    );
    let r = a.build_request(&Query::Text("Maria".into()), None).unwrap();
    assert_eq!(r.path_and_query(), "/fsi/contacts?name=Maria&page=1&per_page=50");
    let r = a.build_request(&Query::Id("abc/1".into()), None).unwrap();
    assert_eq!(r.path_and_query(), "/fsi/contacts/abc%2F1");

    let custom = adapter(
        ProviderKind::Talkdesk,
        &[
            ("phone_param", "phone"),
            ("text_param", "q"),
            ("page_param", "p"),
            ("per_page_param", "size"),
            ("page_size", "25"),
        ],
    );
    let r = custom
        .build_request(&Query::Phone("0912 345 678".into()), None)
        .unwrap();
    assert_eq!(r.path_and_query(), "/fsi/contacts?phone=0912345678&p=1&size=25");
    let r = custom.build_request(&Query::Text("ana".into()), None).unwrap();
    assert_eq!(r.path_and_query(), "/fsi/contacts?q=ana&p=1&size=25");

    assert!(
        cardfile_core::adapter_for(ProviderKind::Talkdesk, "s", &options(&[("page_size", "0")])).is_err()
    );
    assert!(a.build_request(&list_all(), Some(&PageToken::Offset(3))).is_err());
    assert!(a.build_request(&Query::Phone("--".into()), None).is_err());
}

#[test]
fn contact_by_id() {
    let a = talkdesk();
    let q = Query::Id("8f14e45f-ceea-467f-a8d5-f1c2a0e5d001".into());
    let page = parse(&*a, &q, None, 200, "contact.json").unwrap();
    assert_eq!(names(&page), ["Maria Oliveira"]);
    assert_eq!(page.contacts[0].id, "8f14e45f-ceea-467f-a8d5-f1c2a0e5d001");
    let missing = parse(&*a, &q, None, 404, "error_404.json").unwrap();
    assert!(missing.contacts.is_empty());
}

#[test]
fn errors_keep_the_provider_code_and_message() {
    let a = talkdesk();
    let q = Query::Text("x".into());
    let err = parse(&*a, &q, None, 400, "error_400.json").unwrap_err();
    let (status, code, message) = status_parts(&err);
    assert_eq!((status, code), (400, Some("0400001")));
    assert!(
        message.starts_with("Invalid request: The request has invalid parameters"),
        "{message}"
    );
    assert!(
        message.contains("`per_page` must be less than or equal to 100"),
        "{message}"
    );
    assert!(err.to_string().contains("Talkdesk"));

    for (status, name, code, text) in [
        (401, "error_401.json", "0401001", "Unauthorized"),
        (
            403,
            "error_403.json",
            "0403001",
            "Forbidden: Missing scope fsi-contacts:read",
        ),
        (404, "error_404.json", "0404001", "Contact not found"),
    ] {
        let err = parse(&*a, &q, None, status, name).unwrap_err();
        assert_eq!(status_parts(&err), (status, Some(code), text));
    }
    let err = parse(&*a, &q, None, 422, "error_422.json").unwrap_err();
    let (_, code, message) = status_parts(&err);
    assert_eq!(code, Some("0422001"));
    assert!(
        message.contains("`phone_number` is not a valid phone number; `email`"),
        "{message}"
    );

    let err = parse(&*a, &q, None, 502, "not_json.txt").unwrap_err();
    assert_eq!(status_parts(&err), (502, None, "HTTP 502"));
}

#[test]
fn redacted_fields_go_to_their_contact() {
    let page = parse(&*talkdesk(), &list_all(), None, 200, "redacted.json").unwrap();
    let [zero, one] = &page.contacts[..] else {
        panic!("two contacts")
    };
    assert!(
        zero.redacted
            .contains(&"_embedded.contacts[0].contact.birth_date".to_owned())
    );
    assert!(
        !one.redacted
            .contains(&"_embedded.contacts[0].contact.birth_date".to_owned())
    );
    assert!(
        one.redacted
            .contains(&"/_embedded/contacts/1/contact/id_document_number".to_owned())
    );
    assert!(
        !zero
            .redacted
            .contains(&"/_embedded/contacts/1/contact/id_document_number".to_owned())
    );
    // Paths naming no result (out of range, or relative) go on every contact.
    for c in [zero, one] {
        assert!(
            c.redacted
                .contains(&"_embedded.contacts[9].contact.name".to_owned())
        );
        assert!(c.redacted.contains(&"contact.member_id".to_owned()));
        assert_eq!(c.redacted.len(), 3);
    }
}

#[test]
fn quirks_are_tolerated() {
    let a = talkdesk();
    let q = list_all();

    let page = parse(&*a, &q, None, 200, "numbers_as_strings.json").unwrap();
    let c = &page.contacts[0];
    assert_eq!(
        (c.id.as_str(), page.total, c.score),
        ("4242", Some(1), Some(0.87))
    );
    assert_eq!(c.phones[0].normalized, "351912000111");
    assert_eq!(c.phones[0].rank, Some(3));
    assert_eq!(attr(c, "Member id"), Some("77"));
    assert_eq!(attr(c, "ID document number"), Some("•••••4321"));

    let page = parse(&*a, &q, None, 200, "nulls.json").unwrap();
    let c = &page.contacts[0];
    assert_eq!(c.display_name, "#td-null");
    assert!(c.phones.is_empty() && c.attributes.is_empty() && c.redacted.is_empty());
    assert_eq!((c.score, page.total), (None, None));

    let page = parse(&*a, &q, None, 200, "unknown_fields.json").unwrap();
    assert_eq!(names(&page), ["Extra Fields"]);
    assert_eq!(attr(&page.contacts[0], "FAX (WORK)"), Some("+1 212 555 0199"));

    let page = parse(&*a, &q, None, 200, "duplicate_keys.json").unwrap();
    assert_eq!(names(&page), ["Last Name Sent"], "the last duplicate wins");
    assert_eq!(page.contacts[0].phones[0].value, "+44 20 7946 0958");

    let page = parse(&*a, &q, None, 200, "empty.json").unwrap();
    assert!(page.contacts.is_empty() && page.next.is_none());
}

#[test]
fn broken_bodies_are_named() {
    let a = talkdesk();
    let q = list_all();
    let err = parse(&*a, &q, None, 200, "missing_id.json").unwrap_err();
    assert_eq!(
        err,
        ProviderError::MissingField {
            provider: "Talkdesk",
            field: "_embedded.contacts[0].contact.id".into()
        }
    );
    let err = parse(&*a, &q, None, 200, "missing_embedded.json").unwrap_err();
    assert!(matches!(err, ProviderError::MissingField { ref field, .. } if field == "_embedded.contacts"));
    let err = parse(&*a, &q, None, 200, "not_json.txt").unwrap_err();
    assert!(matches!(
        err,
        ProviderError::NotJson {
            provider: "Talkdesk",
            ..
        }
    ));
}
