//! Credentials the proxy adds to upstream calls. Secrets are read from the environment once
//! at start-up and are never logged (their `Debug` is redacted).

use std::fmt;

use axum::http::HeaderValue;

use crate::config;

pub enum Credential {
    Bearer(Secret),
}

/// A secret header value; `Debug` never prints it.
pub struct Secret(HeaderValue);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Credential {
    pub fn from_config(
        source_id: &str,
        auth: &config::Auth,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        match auth {
            config::Auth::Bearer { token_env } => {
                let token = env(token_env).filter(|t| !t.is_empty()).ok_or_else(|| {
                    format!("source `{source_id}`: environment variable {token_env} is not set")
                })?;
                let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                    format!("source `{source_id}`: {token_env} holds characters not allowed in a header")
                })?;
                value.set_sensitive(true);
                Ok(Credential::Bearer(Secret(value)))
            }
        }
    }

    /// The `Authorization` header value for the next upstream call.
    pub async fn authorization(&self) -> HeaderValue {
        match self {
            Credential::Bearer(secret) => secret.0.clone(),
        }
    }
}
