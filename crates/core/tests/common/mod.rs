//! Helpers shared by the provider integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use cardfile_core::provider::Adapter;
use cardfile_core::{
    Contact, Page, PageToken, ProviderError, ProviderKind, Query, SourceOptions, adapter_for,
};

pub fn fixture_path(kind: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind)
        .join(name)
}

pub fn fixture(kind: &str, name: &str) -> Vec<u8> {
    let path = fixture_path(kind, name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn options(pairs: &[(&str, &str)]) -> SourceOptions {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn adapter(kind: ProviderKind, pairs: &[(&str, &str)]) -> Box<dyn Adapter> {
    adapter_for(kind, "test-source", &options(pairs)).unwrap()
}

/// Parses fixture `name` of `adapter`'s kind as the answer to `query` at `at` with `status`.
pub fn parse(
    adapter: &dyn Adapter,
    query: &Query,
    at: Option<&PageToken>,
    status: u16,
    name: &str,
) -> Result<Page, ProviderError> {
    adapter.parse_response(query, at, status, &fixture(adapter.kind().as_str(), name))
}

pub fn list_all() -> Query {
    Query::Text(String::new())
}

pub fn names(page: &Page) -> Vec<&str> {
    page.contacts.iter().map(|c| c.display_name.as_str()).collect()
}

pub fn attr<'a>(c: &'a Contact, name: &str) -> Option<&'a str> {
    c.attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.as_str())
}

pub fn attrs<'a>(c: &'a Contact, name: &str) -> Vec<&'a str> {
    c.attributes
        .iter()
        .filter(|a| a.name == name)
        .map(|a| a.value.as_str())
        .collect()
}

/// Follows `next` from the first page through fixtures `pages`, returning every page.
pub fn walk(adapter: &dyn Adapter, query: &Query, pages: &[&str]) -> Vec<Page> {
    let mut at: Option<PageToken> = None;
    let mut out = Vec::new();
    for (i, name) in pages.iter().enumerate() {
        // Every request along the way must build.
        adapter.build_request(query, at.as_ref()).unwrap();
        let page = parse(adapter, query, at.as_ref(), 200, name).unwrap();
        let last = i + 1 == pages.len();
        assert_eq!(page.next.is_none(), last, "page {name}: next = {:?}", page.next);
        at = page.next.clone();
        out.push(page);
    }
    out
}

/// The provider code and message of a status error, or a panic naming what came instead.
pub fn status_parts(err: &ProviderError) -> (u16, Option<&str>, &str) {
    match err {
        ProviderError::Status {
            status,
            code,
            message,
            ..
        } => (*status, code.as_deref(), message.as_str()),
        other => panic!("expected a status error, got {other:?}"),
    }
}
