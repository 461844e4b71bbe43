//! GWS-style CSRF protection: a session (`JSESSIONID` cookie) holds a token that every
//! GET hands out and every write must echo in `X-CSRF-TOKEN`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use axum::http::HeaderMap;

pub(crate) const HEADER_NAME: &str = "X-CSRF-TOKEN";
pub(crate) const COOKIE: &str = "JSESSIONID";
const MAX_SESSIONS: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct Sessions {
    tokens: Mutex<HashMap<String, String>>,
}

/// The `JSESSIONID` cookie of a request, if any.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
}

impl Sessions {
    /// The session of this request (its cookie's, if known) or a new one: (session, token).
    pub(crate) fn session_for(&self, headers: &HeaderMap) -> (String, String) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = session_cookie(headers)
            && let Some(token) = tokens.get(&id)
        {
            return (id, token.clone());
        }
        // Sessions of clients that never send the cookie back would pile up: expire them
        // all at once past a bound, as a server restart would.
        if tokens.len() >= MAX_SESSIONS {
            tokens.clear();
        }
        let id = super::random_token().to_uppercase();
        let token = super::random_token();
        tokens.insert(id.clone(), token.clone());
        (id, token)
    }

    /// Whether the request carries a known session cookie and that session's token.
    pub(crate) fn verify(&self, headers: &HeaderMap) -> bool {
        let Some(id) = session_cookie(headers) else {
            return false;
        };
        let given = headers.get(HEADER_NAME).and_then(|v| v.to_str().ok());
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        matches!((tokens.get(&id), given), (Some(expected), Some(given)) if expected == given)
    }
}
