//! Symphony Connect adapter against fixtures written from the documentation.

mod common;

use cardfile_core::{PageToken, ProviderError, ProviderKind, Query};
use common::*;

fn symphony() -> Box<dyn cardfile_core::provider::Adapter> {
    adapter(ProviderKind::Symphony, &[("external_network", "WHATSAPP")])
}

#[test]
fn options_are_checked() {
    let make =
        |pairs: &[(&str, &str)]| cardfile_core::adapter_for(ProviderKind::Symphony, "s", &options(pairs));
    assert!(make(&[]).is_err(), "external_network is required");
    assert!(make(&[("external_network", "TELEGRAM")]).is_err());
    assert!(make(&[("external_network", "sms-direct")]).is_ok());
    assert!(make(&[("external_network", "LINE"), ("advisor_symphony_id", "abc")]).is_err());
    assert!(make(&[("external_network", "LINE"), ("phone_blocked", "maybe")]).is_err());
    assert!(make(&[("external_network", "LINE"), ("base_path", "admin")]).is_err());
}

#[test]
fn requests_follow_the_documented_endpoints() {
    let a = symphony();
    let r = a
        .build_request(&Query::Phone("+44 7700 900123".into()), None)
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/api/v2/customer/contacts?externalNetwork=WHATSAPP&phoneNumber=%2B447700900123"
    );
    let r = a.build_request(&Query::Email("j@x.com".into()), None).unwrap();
    assert_eq!(
        r.path_and_query(),
        "/api/v2/customer/contacts?externalNetwork=WHATSAPP&emailAddress=j%40x.com"
    );
    let r = a
        .build_request(
            &Query::Text("Maria".into()),
            Some(&PageToken::Cursor("YWZ0ZXI6Mg==".into())),
        )
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/api/v1/customer/contacts/externalNetwork/WHATSAPP/search?query=Maria&after=YWZ0ZXI6Mg%3D%3D"
    );
    let r = a
        .build_request(&Query::Id("349026222344904".into()), None)
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/api/v2/customer/contacts?externalNetwork=WHATSAPP&symphonyId=349026222344904"
    );
    assert!(a.build_request(&Query::Id("abc".into()), None).is_err());
    assert!(a.build_request(&list_all(), Some(&PageToken::Page(2))).is_err());
    assert!(
        a.build_request(&list_all(), Some(&PageToken::Cursor(String::new())))
            .is_err()
    );

    let scoped = adapter(
        ProviderKind::Symphony,
        &[
            ("external_network", "SMS-DIRECT"),
            ("advisor_symphony_id", "349026222344100"),
            ("base_path", "/admin/"),
        ],
    );
    let r = scoped.build_request(&list_all(), None).unwrap();
    assert_eq!(
        r.path_and_query(),
        "/admin/api/v2/customer/contacts?externalNetwork=SMS-DIRECT&advisorSymphonyId=349026222344100"
    );
    let r = scoped.build_request(&Query::Text("li".into()), None).unwrap();
    assert_eq!(
        r.path_and_query(),
        "/admin/api/v1/customer/contacts/externalNetwork/SMS-DIRECT/search?query=li"
    );
}

#[test]
fn documented_search_becomes_contacts() {
    let page = parse(
        &*symphony(),
        &Query::Text("mar".into()),
        None,
        200,
        "search_v1.json",
    )
    .unwrap();
    assert_eq!(names(&page), ["Maria Oliveira", "Mariana Souza"]);
    assert_eq!((page.next.as_ref(), page.total), (None, None));
    let maria = &page.contacts[0];
    assert_eq!(maria.id, "349026222344902");
    assert_eq!(maria.company.as_deref(), Some("Banco Exemplo"));
    assert_eq!(maria.phones[0].normalized, "+351912345678");
    assert_eq!(maria.handles[0].network, "WhatsApp");
    assert_eq!(maria.emails[0].value, "maria.oliveira@example.pt");
    assert_eq!(attr(maria, "Status"), Some("OPTED_IN"));
    assert_eq!(attr(maria, "Advisor"), Some("349026222344100"));
    assert_eq!(attr(maria, "Preferred language"), Some("pt"));
    assert_eq!(attr(&page.contacts[1], "Status"), Some("OPTED_OUT"));
}

#[test]
fn blocked_by_and_epoch_dates() {
    let page = parse(&*symphony(), &list_all(), None, 200, "list_v2.json").unwrap();
    let [john, li] = &page.contacts[..] else {
        panic!("two contacts")
    };
    assert_eq!(
        john.updated_at.as_deref(),
        Some("2024-05-08T12:45:03Z"),
        "epoch millis"
    );
    assert_eq!(
        attr(john, "Blocked"),
        Some(
            "by advisor 349026222344100, reason SPAM, comment asked to stop, since 2024-05-08T12:45:03.123Z"
        )
    );
    assert_eq!(attrs(john, "Advisor"), ["349026222344100", "349026222344101"]);
    assert_eq!(li.updated_at.as_deref(), Some("2024-05-08T12:45:03Z"));
    assert_eq!(
        attr(li, "Blocked"),
        Some("by advisor 349026222344101, reason OTHER, since 2024-05-01T09:00:00Z")
    );
    assert_eq!(attr(li, "Colleague"), Some("yes"));
    assert_eq!(page.next, Some(PageToken::Cursor("YWZ0ZXI6Mg==".into())));
}

#[test]
fn pages_through_cursors_to_the_last_page() {
    let a = symphony();
    let pages = walk(&*a, &list_all(), &["page_1.json", "page_2.json", "page_3.json"]);
    assert_eq!(pages[0].next, Some(PageToken::Cursor("YWZ0ZXI6Mg==".into())));
    // Page 2 names its cursor only inside `next`, percent-encoded.
    assert_eq!(pages[1].next, Some(PageToken::Cursor("YWZ0ZXI6NA==".into())));
    let r = a.build_request(&list_all(), pages[1].next.as_ref()).unwrap();
    assert!(r.path_and_query().ends_with("&after=YWZ0ZXI6NA%3D%3D"));
    let all: Vec<&str> = pages.iter().flat_map(names).collect();
    assert_eq!(
        all,
        ["Ana Costa", "Bruno Dias", "Carla Reis", "Diogo Lima", "Eva Nunes"]
    );
    assert!(pages.iter().all(|p| p.total.is_none()));
}

#[test]
fn contact_by_id_and_not_found() {
    let a = symphony();
    let q = Query::Id("349026222340007".into());
    let page = parse(&*a, &q, None, 200, "contact_by_id.json").unwrap();
    assert_eq!(names(&page), ["Gil Matos"]);
    assert_eq!(page.contacts[0].phones[0].normalized, "+819012345678");
    assert_eq!(page.contacts[0].handles[0].network, "LINE");
    let page = parse(&*a, &q, None, 404, "error_contact_not_found_404.json").unwrap();
    assert!(page.contacts.is_empty());
    let page = parse(
        &*a,
        &Query::Phone("+1 555 0100".into()),
        None,
        404,
        "error_contact_not_found_404.json",
    );
    assert!(page.unwrap().contacts.is_empty());
}

#[test]
fn problem_errors_keep_type_and_title() {
    let a = symphony();
    let q = list_all();
    for (status, name, code, title) in [
        (
            400,
            "error_invalid_cursor_400.json",
            "invalid.page.cursor",
            "Invalid page cursor",
        ),
        (401, "error_unauthorized_401.json", "unauthorized", "Unauthorized"),
        (
            404,
            "error_tenant_not_found_404.json",
            "tenant.not.found",
            "Tenant not found",
        ),
        (
            404,
            "error_external_network_not_found_404.json",
            "external.network.not.found",
            "External network not found",
        ),
    ] {
        let err = parse(&*a, &q, None, status, name).unwrap_err();
        assert_eq!(status_parts(&err), (status, Some(code), title));
        assert!(err.to_string().starts_with("Symphony Connect answered HTTP"));
    }
    let err = parse(&*a, &q, None, 503, "not_json.txt").unwrap_err();
    assert_eq!(status_parts(&err), (503, None, "HTTP 503"));
}

#[test]
fn quirks_are_tolerated() {
    let a = symphony();
    let q = list_all();
    let page = parse(&*a, &q, None, 200, "numbers_and_epoch_strings.json").unwrap();
    let c = &page.contacts[0];
    assert_eq!(c.id, "349026222344907");
    assert_eq!(c.phones[0].normalized, "351912000777");
    assert!(c.handles.is_empty(), "SMS numbers are no messaging handle");
    assert_eq!(c.updated_at.as_deref(), Some("2024-05-08T12:45:03Z"));
    assert_eq!(attr(c, "Colleague"), Some("yes"));
    assert_eq!(attr(c, "Advisor"), Some("349026222344100"));

    let page = parse(&*a, &q, None, 200, "nulls.json").unwrap();
    assert_eq!(names(&page), ["#349026222344908"]);
    assert_eq!(page.next, None);

    let page = parse(&*a, &q, None, 200, "unknown_fields.json").unwrap();
    assert_eq!(names(&page), ["Ivo Sá"]);

    let page = parse(&*a, &q, None, 200, "duplicate_keys.json").unwrap();
    assert_eq!(names(&page), ["New Duplicate"]);
    assert_eq!(page.next, None, "the last `next` (null) wins");

    let page = parse(&*a, &q, None, 200, "empty.json").unwrap();
    assert!(page.contacts.is_empty() && page.next.is_none());
}

#[test]
fn broken_bodies_are_named() {
    let a = symphony();
    let q = list_all();
    let err = parse(&*a, &q, None, 200, "missing_id.json").unwrap_err();
    assert_eq!(
        err,
        ProviderError::MissingField {
            provider: "Symphony Connect",
            field: "contacts[0].symphonyId".into()
        }
    );
    let err = parse(&*a, &q, None, 200, "missing_contacts.json").unwrap_err();
    assert!(matches!(err, ProviderError::MissingField { ref field, .. } if field == "contacts"));
    let err = parse(&*a, &q, None, 200, "not_json.txt").unwrap_err();
    assert!(matches!(err, ProviderError::NotJson { .. }));
}
