//! Shared by the provider targets: turns fuzzer bytes into a status, a query, a page token
//! and a response body, and hands them to one adapter's `parse_response`.
//!
//! Input layout: `[status][query and token kind][query length][query bytes…][body…]`.
//! Seeds are the fixtures in `crates/core/tests/fixtures/` behind the prefix `[0, 0, 0]`
//! (200, a text query, no token).

use cardfile_core::{PageToken, ProviderKind, Query, SourceOptions, adapter_for};

/// Mostly the statuses providers really send, so the fuzzer spends its time in the parsers;
/// bytes from 128 reach every status from 100 to 608.
const STATUSES: [u16; 16] = [
    200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 429, 500,
];

fn status(b: u8) -> u16 {
    if b < 128 {
        STATUSES[usize::from(b % 16)]
    } else {
        100 + u16::from(b - 128) * 4
    }
}

pub fn run(kind: ProviderKind, data: &[u8]) {
    let [s, shape, len, rest @ ..] = data else {
        return;
    };
    let split = usize::from(*len % 48).min(rest.len());
    let (text, body) = rest.split_at(split);
    let text = String::from_utf8_lossy(text).into_owned();
    let query = match shape & 3 {
        0 => Query::Text(text.clone()),
        1 => Query::Phone(text.clone()),
        2 => Query::Email(text.clone()),
        _ => Query::Id(text.clone()),
    };
    let number = u32::from(*len) * 7;
    let at = match (shape >> 2) % 5 {
        0 => None,
        1 => Some(PageToken::Page(number)),
        2 => Some(PageToken::Index(number)),
        3 => Some(PageToken::Offset(u64::from(number) * 13)),
        _ => Some(PageToken::Cursor(text)),
    };
    // Two option sets: the defaults, and small pages (paging arithmetic at its edges).
    let page_size = if shape & 0x80 == 0 { None } else { Some("1") };
    let mut options: SourceOptions = [
        ("account_id", "0f8fad5bd9cb469fa16570867728950e"),
        ("external_network", "WHATSAPP"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    if let Some(n) = page_size {
        options.insert("page_size".into(), n.into());
    }
    let adapter = adapter_for(kind, "fuzz", &options).expect("valid options");
    let _ = adapter.parse_response(&query, at.as_ref(), status(*s), body);
}
