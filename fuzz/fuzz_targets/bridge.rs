//! Arbitrary bytes as a message from the host page: whatever JSON they make goes through
//! `parse_host_message`. The first byte, when odd, stamps `"cardfile": 1` on an object so
//! the fuzzer gets past the version check into every message type.
#![no_main]

use cardfile::bridge::{HostMessage, parse_host_message};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let [first, rest @ ..] = data else {
        return;
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(rest) else {
        return;
    };
    if first & 1 == 1
        && let Value::Object(map) = &mut value
    {
        map.insert("cardfile".into(), Value::from(1));
    }
    if let Ok(message) = parse_host_message(&value) {
        // What the widget relies on: bounded, plain values.
        match message {
            HostMessage::Search { query } => assert!(query.chars().count() <= 200),
            HostMessage::ScreenPop { phone } => assert!(phone.chars().count() <= 200),
            HostMessage::Theme { tokens, .. } => {
                assert!(tokens.len() <= 64);
                for (name, value) in tokens {
                    assert!(name.starts_with("--") && !value.contains([';', '{', '}', '<', '"']));
                }
            }
            HostMessage::Config { .. } => {}
        }
    }
});
