//! Issued bearer tokens with an expiry, kept in memory.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What a presented token turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Check {
    Valid { scope: String },
    Expired,
    Unknown,
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    issued: Mutex<HashMap<String, (Instant, String)>>,
}

impl TokenStore {
    /// Issues a new random token valid for `ttl`, carrying `scope`.
    pub(crate) fn issue(&self, ttl: Duration, scope: &str) -> String {
        let token = super::random_token();
        let now = Instant::now();
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget tokens long expired so a long-running demo does not grow without bound.
        issued.retain(|_, (expires, _)| now.saturating_duration_since(*expires) < Duration::from_secs(3600));
        issued.insert(token.clone(), (now + ttl, scope.to_owned()));
        token
    }

    pub(crate) fn check(&self, token: &str) -> Check {
        let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        match issued.get(token) {
            None => Check::Unknown,
            Some((expires, _)) if Instant::now() >= *expires => Check::Expired,
            Some((_, scope)) => Check::Valid { scope: scope.clone() },
        }
    }
}
