//! Which upstream calls each provider kind allows. Everything else is refused before any
//! upstream request is made: the proxy is not an open proxy.

use axum::http::Method;

/// `*` stands for exactly one path segment.
const TALKDESK: &[&str] = &["/fsi/contacts", "/fsi/contacts/*"];
const SYMPHONY: &[&str] = &[
    "/api/v2/customer/contacts",
    "/api/v2/customer/contact",
    "/api/v2/customer/contacts/*/advisors",
    "/api/v1/customer/advisors/*/externalNetwork/*/contacts",
    "/api/v1/customer/contacts/externalNetwork/*/search",
];
const GWS: &[&str] = &["/api/v2/contacts", "/api/v2/contacts/*"];
const EIGHT_BY_EIGHT: &[&str] = &["/api/v1/accounts/*/contacts", "/api/v1/accounts/*/contacts/*"];
const SMARTFLO: &[&str] = &["/v1/contacts"];

fn readable(kind: &str) -> &'static [&'static str] {
    match kind {
        "talkdesk" => TALKDESK,
        "symphony" => SYMPHONY,
        "gws" => GWS,
        "8x8" => EIGHT_BY_EIGHT,
        "smartflo" => SMARTFLO,
        _ => &[],
    }
}

/// Why a path was refused; shown to the caller as is.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Method,
    Path(&'static str),
}

/// GWS writes (Custom contacts), allowed only for a source with `allow_writes = true`.
const GWS_WRITES: &[(Method, &str)] = &[
    (Method::POST, "/api/v2/contacts"),
    (Method::PUT, "/api/v2/contacts/*"),
    (Method::DELETE, "/api/v2/contacts/*"),
];

/// Checks a raw (still percent-encoded) path after `/proxy/{source}` for a read-only source.
pub fn check(kind: &str, method: &Method, raw_path: &str) -> Result<(), Refusal> {
    allowed_route(kind, false, method, raw_path).map(|_| ())
}

/// Checks a raw path after `/proxy/{source}`; the matched pattern (`*` for one segment, so
/// it holds no identifier) names the route in logs.
pub fn allowed_route(
    kind: &str,
    writes: bool,
    method: &Method,
    raw_path: &str,
) -> Result<&'static str, Refusal> {
    let read = method == Method::GET || method == Method::HEAD;
    let may_write = writes && kind == "gws";
    let writable = may_write && GWS_WRITES.iter().any(|(m, _)| m == method);
    if !(read || writable) {
        return Err(Refusal::Method);
    }
    let path = safe_path(raw_path)?;
    let matches = |pattern: &str| {
        let mut pattern = pattern.trim_start_matches('/').split('/');
        let mut segments = path.split('/');
        loop {
            match (pattern.next(), segments.next()) {
                (None, None) => return true,
                (Some(p), Some(s)) if p == "*" || p == s => {}
                _ => return false,
            }
        }
    };
    let found = if read {
        readable(kind).iter().copied().find(|p| matches(p))
    } else {
        GWS_WRITES
            .iter()
            .find(|(m, p)| m == method && matches(p))
            .map(|(_, p)| *p)
    };
    found.ok_or(Refusal::Path("not a documented endpoint of this provider"))
}

/// Checks every segment of a path, refusing anything that could step outside the source's
/// base or smuggle a different meaning past the pattern match; the path without its leading
/// `/` when it is safe.
fn safe_path(raw_path: &str) -> Result<&str, Refusal> {
    const MAX_PATH: usize = 512;
    if raw_path.len() > MAX_PATH {
        return Err(Refusal::Path("path too long"));
    }
    let path = raw_path
        .strip_prefix('/')
        .ok_or(Refusal::Path("path must start with /"))?;
    let mut encoded_non_ascii = false;
    for segment in path.split('/') {
        if segment.is_empty() {
            return Err(Refusal::Path("empty path segment"));
        }
        // Servlet containers drop `;parameters` before resolving dot segments, so `..;x`
        // is `..` to some providers (Tomcat, Jetty).
        let before_params = segment.split(';').next().unwrap_or_default();
        if before_params.is_empty() {
            return Err(Refusal::Path("empty path segment"));
        }
        if before_params == "." || before_params == ".." {
            return Err(Refusal::Path("dot segment"));
        }
        let mut bytes = segment.bytes();
        while let Some(b) = bytes.next() {
            let fine = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:".contains(&b);
            if b == b'%' {
                // An encoded byte is allowed only if it is harmless once decoded.
                let hex = [bytes.next(), bytes.next()];
                let decoded = match hex {
                    [Some(h), Some(l)] => std::str::from_utf8(&[h, l])
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok()),
                    _ => None,
                };
                match decoded {
                    Some(d) if d >= 0x80 => encoded_non_ascii = true,
                    Some(d)
                        if d.is_ascii_alphanumeric() || d == b'-' || d == b'_' || d == b'+' || d == b' ' => {}
                    _ => return Err(Refusal::Path("encoded separator, dot or control character")),
                }
            } else if !fine {
                return Err(Refusal::Path("character not allowed in a path"));
            }
        }
    }
    // Encoded bytes beyond ASCII must spell UTF-8 text, as a decoded path must be.
    if encoded_non_ascii && std::str::from_utf8(&percent_decoded(path)).is_err() {
        return Err(Refusal::Path("encoded bytes that are not UTF-8"));
    }
    Ok(path)
}

/// A checked path's bytes with `%XX` decoded.
fn percent_decoded(path: &str) -> Vec<u8> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// Checks a raw query string: it is passed on as written, so it must carry nothing a
/// provider could read as a line break, a terminator or a second request.
pub fn check_query(raw_query: &str) -> Result<(), Refusal> {
    const MAX_QUERY: usize = 4096;
    if raw_query.len() > MAX_QUERY {
        return Err(Refusal::Path("query string too long"));
    }
    let bytes = raw_query.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_control() || b == b' ' || b == b'\\' || b == b'#' {
            return Err(Refusal::Path("character not allowed in a query string"));
        }
        if b == b'%' {
            let decoded = bytes
                .get(i + 1..i + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if decoded.is_some_and(|d| d.is_ascii_control()) {
                return Err(Refusal::Path("encoded control character in a query string"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_pass() {
        assert_eq!(
            check("8x8", &Method::GET, "/api/v1/accounts/abc123/contacts"),
            Ok(())
        );
        assert_eq!(
            check("8x8", &Method::GET, "/api/v1/accounts/abc123/contacts/42"),
            Ok(())
        );
        assert_eq!(
            check(
                "symphony",
                &Method::GET,
                "/api/v1/customer/contacts/externalNetwork/WHATSAPP/search"
            ),
            Ok(())
        );
        assert_eq!(check("smartflo", &Method::GET, "/v1/contacts"), Ok(()));
    }

    #[test]
    fn anything_else_is_refused() {
        for path in [
            "/api/v1/accounts/abc/contacts/42/extra",
            "/api/v1/accounts/../../admin/contacts",
            "/api/v1/accounts/%2e%2e/contacts",
            "/api/v1/accounts/%2E%2E/contacts",
            "/api/v1/accounts/a%2fb/contacts",
            "/api/v1/accounts/a%5Cb/contacts",
            "/api/v1/accounts/a\\b/contacts",
            "/api/v1/accounts//contacts",
            "/api/v1/accounts/a%0d%0aX:1/contacts",
            "/api/v1/accounts/a%252e/contacts",
            "//evil.example/api/v1/accounts/a/contacts",
            "/api/v1/accounts/a@evil/contacts",
            "/api/v1/accounts/%FF/contacts",
            "/api/v1/accounts/%C3/contacts",
            "/api/v1/accounts/%C3%28/contacts",
            "api/v1/accounts/a/contacts",
            "/v1/contacts",
        ] {
            assert!(check("8x8", &Method::GET, path).is_err(), "allowed {path}");
        }
        assert_eq!(
            check("8x8", &Method::POST, "/api/v1/accounts/a/contacts"),
            Err(Refusal::Method)
        );
        assert!(check("nope", &Method::GET, "/v1/contacts").is_err());
        assert!(
            check(
                "8x8",
                &Method::GET,
                &format!("/api/v1/accounts/{}/contacts", "a".repeat(600))
            )
            .is_err()
        );
    }

    #[test]
    fn path_parameters_cannot_hide_dot_or_empty_segments() {
        for path in [
            "/api/v1/accounts/..;/contacts",
            "/api/v1/accounts/..;x=1/contacts",
            "/api/v1/accounts/.;/contacts",
            "/api/v1/accounts/;x/contacts",
        ] {
            assert!(check("8x8", &Method::GET, path).is_err(), "allowed {path}");
        }
        assert!(check("8x8", &Method::GET, "/api/v1/accounts/a;b/contacts").is_ok());
        assert!(check("8x8", &Method::GET, "/api/v1/accounts/Mar%C3%ADa/contacts").is_ok());
    }

    #[test]
    fn queries_with_control_characters_are_refused() {
        for query in [
            "limit=1%0d%0aX:1",
            "limit=1%0A",
            "q=%00",
            "q=%7f",
            "q=a b",
            "q=a\\b",
            "q=a#b",
        ] {
            assert!(check_query(query).is_err(), "allowed {query}");
        }
        assert!(check_query(&"a".repeat(5000)).is_err());
        for query in [
            "",
            "limit=10&query=Mar%C3%ADa",
            "phone=%2B351912345678",
            "after=YWJj%3D%3D+/",
        ] {
            assert_eq!(check_query(query), Ok(()), "{query}");
        }
    }

    #[test]
    fn gws_writes_only_when_enabled_and_only_on_contacts() {
        let id = "/api/v2/contacts/0123456789abcdef0123456789abcdef";
        for (method, path) in [
            (Method::POST, "/api/v2/contacts"),
            (Method::PUT, id),
            (Method::DELETE, id),
        ] {
            assert_eq!(check("gws", &method, path), Err(Refusal::Method));
            assert!(
                allowed_route("gws", true, &method, path).is_ok(),
                "{method} {path}"
            );
            assert_eq!(
                allowed_route("talkdesk", true, &method, "/fsi/contacts"),
                Err(Refusal::Method)
            );
        }
        assert!(allowed_route("gws", true, &Method::POST, id).is_err());
        assert!(allowed_route("gws", true, &Method::DELETE, "/api/v2/contacts").is_err());
        assert!(allowed_route("gws", true, &Method::PATCH, id).is_err());
        assert!(allowed_route("gws", true, &Method::PUT, "/api/v2/contacts/%2e%2e").is_err());
        assert_eq!(
            allowed_route("gws", false, &Method::GET, id),
            Ok("/api/v2/contacts/*")
        );
    }
}
