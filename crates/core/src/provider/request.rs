use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    Get,
    Post,
}

/// An HTTP request relative to a source's base URL. The caller sends it through the proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub method: Method,
    /// Starts with `/`; each segment already percent-encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Self {
        Request {
            method: Method::Get,
            path: path.into(),
            query: Vec::new(),
        }
    }

    pub fn param(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Path plus encoded query string, ready to append to a base URL.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&encode_component(k));
            out.push('=');
            out.push_str(&encode_component(v));
        }
        out
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_component(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for b in input.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_cannot_break_out_of_their_parameter() {
        let r = Request::get("/c").param("query", "a&b=c d/é").param("limit", 20);
        assert_eq!(r.path_and_query(), "/c?query=a%26b%3Dc%20d%2F%C3%A9&limit=20");
    }
}
