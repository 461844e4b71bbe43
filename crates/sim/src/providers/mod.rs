pub mod eightbyeight;
pub mod gws;
pub mod smartflo;
pub mod symphony;
pub mod talkdesk;
mod text_index;

pub(crate) use text_index::TextIndex;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// A page as a response body: the small `fields` (a JSON object) and the page's `items`
/// under `key`, serialized straight from the stored items. `json!` would first copy every
/// item into a second `Value` tree, which was most of a page's time.
pub(crate) fn page_body<T: Serialize>(fields: Value, key: &str, items: &[T]) -> Response {
    Json(PageBody { fields, key, items }).into_response()
}

struct PageBody<'a, T> {
    fields: Value,
    key: &'a str,
    items: &'a [T],
}

impl<T: Serialize> Serialize for PageBody<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = self.fields.as_object();
        let mut map = serializer.serialize_map(Some(fields.map_or(0, |f| f.len()) + 1))?;
        for (name, value) in fields.into_iter().flatten() {
            map.serialize_entry(name, value)?;
        }
        map.serialize_entry(self.key, self.items)?;
        map.end()
    }
}

/// A stable 32-hex-digit identifier for (`index`, `salt`): the same person always gets the
/// same id, and different providers (salts) different ones.
pub(crate) fn stable_hex(index: usize, salt: u64) -> String {
    let mut rng = crate::data::Rng::new((index as u64).wrapping_mul(0x1000_0000_01B3) ^ salt);
    format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

/// `stable_hex` laid out as a UUID.
pub(crate) fn stable_uuid(index: usize, salt: u64) -> String {
    let h = stable_hex(index, salt);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The ASCII digits of `s`.
pub(crate) fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Formatting-blind phone match: digits only, leading zeros (trunk `0`, international
/// `00`) dropped, then one must end with the other over at least 7 significant digits.
pub(crate) fn phone_suffix_match(query: &str, stored: &str) -> bool {
    let q = digits(query);
    let c = digits(stored);
    let (q, c) = (q.trim_start_matches('0'), c.trim_start_matches('0'));
    q.len().min(c.len()) >= 7 && (c.ends_with(q) || q.ends_with(c))
}

/// Case-insensitive match of a whole value against a pattern where `*` stands for any run
/// of characters.
pub(crate) fn wildcard_match(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let v: Vec<char> = value.to_lowercase().chars().collect();
    // Classic greedy glob with backtracking to the last star.
    let (mut pi, mut vi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if pi < p.len() && p[pi] == v[vi] {
            pi += 1;
            vi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// An error in `provider`'s own body shape, for injected faults; `None` for an unknown prefix.
pub(crate) fn error_for(provider: &str, status: StatusCode) -> Option<Response> {
    let reason = status.canonical_reason().unwrap_or("Error");
    Some(match provider {
        "8x8" => eightbyeight::error(status, u32::from(status.as_u16()) * 10, reason),
        "talkdesk" => talkdesk::error(status, reason, None),
        "symphony" => symphony::problem(status, &symphony::problem_type(status), reason),
        "gws" => gws::error(status, gws::status_code_for(status), reason),
        "smartflo" => smartflo::error(status, reason),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_match_whatever_the_format() {
        assert!(phone_suffix_match("+351 912 345 678", "00351912345678"));
        assert!(phone_suffix_match("0912-345678", "+351912345678"));
        assert!(phone_suffix_match("2345678", "(351) 912345678"));
        assert!(!phone_suffix_match("345678", "+351912345678"));
        assert!(!phone_suffix_match("+351912345679", "+351912345678"));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("joh*", "John Smith"));
        assert!(wildcard_match("*smith", "John SMITH"));
        assert!(wildcard_match("*oh*mi*", "John Smith"));
        assert!(wildcard_match("john smith", "John Smith"));
        assert!(!wildcard_match("john", "John Smith"));
        assert!(!wildcard_match("*x*", "John Smith"));
    }
}
