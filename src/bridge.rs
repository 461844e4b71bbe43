//! The host bridge: postMessage between the widget and the agent desktop that embeds it.
//! Protocol version 1, documented in docs/host-bridge.md.
//!
//! Messages are accepted only from the configured host origin and only from `window.parent`;
//! every outgoing message names that exact origin, never `*`. Incoming data is untrusted and
//! parsed into [`HostMessage`] or refused.

use cardfile_core::{Contact, phone};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

pub const PROTOCOL_VERSION: u64 = 1;
const MAX_TEXT: usize = 200;
const MAX_TOKENS: usize = 64;

/// Host → widget.
#[derive(Debug, Clone, PartialEq)]
pub enum HostMessage {
    Search {
        query: String,
    },
    /// An incoming call: find the caller and open the best match.
    ScreenPop {
        phone: String,
    },
    Theme {
        mode: Option<ThemeMode>,
        tokens: Vec<(String, String)>,
    },
    /// Narrow the sources searched to these ids.
    Config {
        sources: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeMode {
    Light,
    Dark,
    Auto,
}

impl ThemeMode {
    pub fn parse(s: &str) -> Option<ThemeMode> {
        match s {
            "light" => Some(ThemeMode::Light),
            "dark" => Some(ThemeMode::Dark),
            "auto" => Some(ThemeMode::Auto),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeMode::Light => "light",
            ThemeMode::Dark => "dark",
            ThemeMode::Auto => "auto",
        }
    }
}

/// Widget → host.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WidgetMessage<'a> {
    Ready {
        sources: Vec<&'a str>,
    },
    Select {
        contact: &'a Contact,
    },
    Dial {
        number: &'a str,
        contact: &'a Contact,
    },
    Message {
        channel: &'a str,
        address: &'a str,
        contact: &'a Contact,
    },
    Resize {
        height: u32,
    },
}

fn text_field(v: &Value, key: &str) -> Result<String, String> {
    let text = v
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{key}` must be a string"))?
        .trim();
    if text.chars().count() > MAX_TEXT {
        return Err(format!("`{key}` is longer than {MAX_TEXT} characters"));
    }
    Ok(text.to_owned())
}

/// A CSS custom property a host may set: `--name` of `[a-z0-9-]`, and a value that cannot
/// close the declaration or load anything.
fn theme_token(name: &str, value: &Value) -> Result<(String, String), String> {
    let value = value
        .as_str()
        .ok_or_else(|| format!("theme token {name} must be a string"))?;
    let name_ok = name.len() <= 40
        && name.strip_prefix("--").is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    let lowered = value.to_ascii_lowercase();
    let value_ok = value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " #%.,()-+/".contains(c))
        && !lowered.contains("url(")
        && !lowered.contains("expression(");
    if name_ok && value_ok {
        Ok((name.to_owned(), value.to_owned()))
    } else {
        Err(format!(
            "theme token {name} is not a plain CSS custom property value"
        ))
    }
}

/// Parses one message from the host.
pub fn parse_host_message(data: &Value) -> Result<HostMessage, String> {
    match data.get("cardfile").and_then(Value::as_u64) {
        Some(PROTOCOL_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "protocol version {v} is not supported (this widget speaks 1)"
            ));
        }
        None => return Err("not a cardfile message (no `cardfile` version)".into()),
    }
    match data.get("type").and_then(Value::as_str) {
        Some("search") => Ok(HostMessage::Search {
            query: text_field(data, "query")?,
        }),
        Some("screenPop") => {
            let number = text_field(data, "phone")?;
            if !phone::looks_like_phone(&number) {
                return Err(format!("screenPop phone `{number}` is not a phone number"));
            }
            Ok(HostMessage::ScreenPop { phone: number })
        }
        Some("theme") => {
            let mode = match data.get("mode") {
                None | Some(Value::Null) => None,
                Some(m) => Some(
                    m.as_str()
                        .and_then(ThemeMode::parse)
                        .ok_or("theme mode must be light, dark or auto")?,
                ),
            };
            let tokens = match data.get("tokens") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Object(map)) if map.len() <= MAX_TOKENS => map
                    .iter()
                    .map(|(k, v)| theme_token(k, v))
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(format!(
                        "theme tokens must be an object of at most {MAX_TOKENS} entries"
                    ));
                }
            };
            Ok(HostMessage::Theme { mode, tokens })
        }
        Some("config") => {
            let ids = data
                .get("sources")
                .and_then(Value::as_array)
                .ok_or("config sources must be an array of source ids")?;
            let sources = ids
                .iter()
                .map(|id| {
                    id.as_str()
                        .map(str::to_owned)
                        .ok_or("config sources must be strings")
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(HostMessage::Config { sources })
        }
        Some(other) => Err(format!(
            "unknown message type `{}`",
            other.chars().take(40).collect::<String>()
        )),
        None => Err("message has no `type`".into()),
    }
}

/// The link to the host, when the widget is embedded by an allowed origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    origin: String,
}

impl Host {
    /// The host at `origin`, if it is one of `allowed` (or the widget's own origin, whose pages
    /// could script the frame anyway) and the widget really is in a frame.
    pub fn connect(origin: &str, allowed: &[String]) -> Result<Host, String> {
        let window = web_sys::window().ok_or("no window")?;
        let own = window.location().origin().unwrap_or_default();
        if origin != own && !allowed.iter().any(|a| a == origin) {
            return Err(format!(
                "hostOrigin {origin} is not an allowed host origin for this widget"
            ));
        }
        let framed = window
            .parent()
            .ok()
            .flatten()
            .is_some_and(|p| !js_sys::Object::is(&p, &window));
        if !framed {
            return Err("hostOrigin is set but the widget is not embedded in a frame".into());
        }
        Ok(Host {
            origin: origin.to_owned(),
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Sends `message` to the parent window, addressed to the host's exact origin.
    pub fn send(&self, message: &WidgetMessage) {
        // Straight to JSON text and into a JS object, with the protocol version added there:
        // no `serde_json::Value` in between (its serializer and maps cost bundle size).
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        let Ok(data) = js_sys::JSON::parse(&text) else {
            return;
        };
        if js_sys::Reflect::set(&data, &"cardfile".into(), &(PROTOCOL_VERSION as f64).into()).is_err() {
            return;
        }
        if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
            let _ = parent.post_message(&data, &self.origin);
        }
    }

    /// Calls `handle` with each valid message from the host; invalid ones go to `refused`.
    pub fn listen(&self, handle: impl Fn(HostMessage) + 'static, refused: impl Fn(String) + 'static) {
        let Some(window) = web_sys::window() else { return };
        let origin = self.origin.clone();
        let listener = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(window) = web_sys::window() else { return };
            let from_parent = match (event.source(), window.parent().ok().flatten()) {
                (Some(source), Some(parent)) => js_sys::Object::is(&source, &parent),
                _ => false,
            };
            if event.origin() != origin || !from_parent {
                return; // Not our host: ignored without a word, as anyone can post to a frame.
            }
            let data = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|s| s.as_string())
                // from_slice, not from_str: the providers' parsers already instantiate the
                // slice reader, so this adds no second copy of serde_json's parser.
                .and_then(|s| serde_json::from_slice::<Value>(s.as_bytes()).ok());
            match data.as_ref().map(parse_host_message) {
                Some(Ok(message)) => handle(message),
                Some(Err(reason)) => refused(reason),
                None => refused("message data is not JSON".into()),
            }
        });
        let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        // The listener lives as long as the widget.
        listener.forget();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_each_host_message() {
        assert_eq!(
            parse_host_message(&json!({"cardfile": 1, "type": "search", "query": " Maria "})),
            Ok(HostMessage::Search {
                query: "Maria".into()
            })
        );
        assert_eq!(
            parse_host_message(&json!({"cardfile": 1, "type": "screenPop", "phone": "+351 912 345 678"})),
            Ok(HostMessage::ScreenPop {
                phone: "+351 912 345 678".into()
            })
        );
        assert_eq!(
            parse_host_message(
                &json!({"cardfile": 1, "type": "theme", "mode": "dark", "tokens": {"--accent": "#ff0066"}})
            ),
            Ok(HostMessage::Theme {
                mode: Some(ThemeMode::Dark),
                tokens: vec![("--accent".into(), "#ff0066".into())]
            })
        );
        assert_eq!(
            parse_host_message(&json!({"cardfile": 1, "type": "config", "sources": ["gws"]})),
            Ok(HostMessage::Config {
                sources: vec!["gws".into()]
            })
        );
    }

    #[test]
    fn refuses_what_is_not_a_valid_message() {
        for bad in [
            json!("search"),
            json!({"type": "search", "query": "x"}),
            json!({"cardfile": 2, "type": "search", "query": "x"}),
            json!({"cardfile": 1, "type": "search", "query": 5}),
            json!({"cardfile": 1, "type": "search", "query": "x".repeat(201)}),
            json!({"cardfile": 1, "type": "screenPop", "phone": "<script>"}),
            json!({"cardfile": 1, "type": "theme", "tokens": {"--bg": "red; background: url(http://x)"}}),
            json!({"cardfile": 1, "type": "theme", "tokens": {"color": "red"}}),
            json!({"cardfile": 1, "type": "theme", "mode": "neon"}),
            json!({"cardfile": 1, "type": "config", "sources": "all"}),
            json!({"cardfile": 1, "type": "eval", "code": "x"}),
        ] {
            assert!(parse_host_message(&bad).is_err(), "accepted {bad}");
        }
    }
}
