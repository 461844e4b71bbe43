//! `cardfile-parse` on fixtures of every kind.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::fixture;

fn run(args: &[&str], body: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cardfile-parse"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A usage error exits before reading stdin; the broken pipe that causes is expected.
    let _ = child.stdin.take().unwrap().write_all(body);
    child.wait_with_output().unwrap()
}

fn parsed(args: &[&str], kind: &str, name: &str) -> serde_json::Value {
    let out = run(args, &fixture(kind, name));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{kind}/{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn prints_a_page_for_every_kind() {
    let cases: [(&[&str], &str, &str, &str); 5] = [
        (&["talkdesk"], "talkdesk", "search.json", "Maria Oliveira"),
        (&["symphony"], "symphony", "search_v1.json", "Maria Oliveira"),
        (&["gws"], "gws", "search.json", "Joe Johnson"),
        (&["8x8"], "8x8", "search.json", "Siti Rahman"),
        (&["smartflo"], "smartflo", "list.json", "Priya Sharma"),
    ];
    for (args, kind, name, first) in cases {
        let page = parsed(args, kind, name);
        assert_eq!(page["contacts"][0]["display_name"], first, "{kind}");
        assert_eq!(page["contacts"][0]["kind"], kind);
        assert!(
            page.get("next").is_some() && page.get("total").is_some(),
            "{kind}: {page}"
        );
    }
}

#[test]
fn prints_next_tokens_and_totals() {
    let page = parsed(
        &["talkdesk", "--option", "page_size=2"],
        "talkdesk",
        "page_1.json",
    );
    assert_eq!(page["next"], serde_json::json!({"style": "page", "at": 2}));
    assert_eq!(page["total"], 5);
    let page = parsed(
        &["symphony", "--at", "cursor:YWZ0ZXI6Mg=="],
        "symphony",
        "page_2.json",
    );
    assert_eq!(
        page["next"],
        serde_json::json!({"style": "cursor", "at": "YWZ0ZXI6NA=="})
    );
    assert_eq!(page["total"], serde_json::Value::Null);
    let page = parsed(
        &["gws", "--option", "page_size=2", "--at", "offset:2"],
        "gws",
        "page_2.json",
    );
    assert_eq!(page["next"], serde_json::json!({"style": "offset", "at": 4}));
    let page = parsed(&["8x8", "--at", "index:1"], "8x8", "page_1.json");
    assert_eq!(page["next"], serde_json::json!({"style": "index", "at": 2}));
    let page = parsed(
        &["gws", "--query", "id=8c8f4a0b2d8e4b1f9f3c6a7d5e4b3a21"],
        "gws",
        "contact_by_id.json",
    );
    assert_eq!(page["total"], 1);
}

#[test]
fn a_bad_body_is_one_line_on_stderr() {
    for (kind, name, status) in [
        ("talkdesk", "error_422.json", "422"),
        ("symphony", "error_invalid_cursor_400.json", "400"),
        ("gws", "error_in_200.json", "200"),
        ("8x8", "not_json.txt", "200"),
        ("smartflo", "error_429.json", "429"),
    ] {
        let out = run(&[kind, "--status", status], &fixture(kind, name));
        assert_eq!(out.status.code(), Some(1), "{kind}/{name}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with(&format!("cardfile-parse: {kind}: ")), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let out = run(
        &["smartflo", "--status", "429"],
        &fixture("smartflo", "error_429.json"),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Too many requests."));
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &[][..],
        &["nope"],
        &["gws", "--status"],
        &["gws", "--status", "abc"],
        &["gws", "--at", "page"],
        &["gws", "--bogus", "x"],
        &["symphony", "--option", "external_network=TELEGRAM"],
    ] {
        let out = run(args, b"{}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
