use thiserror::Error;

/// Why a provider response could not become a [`crate::Page`]. Every variant names the
/// provider, so a message shown to an agent says which source failed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProviderError {
    /// The provider answered with an error status; its own code and message are kept.
    #[error("{provider} answered HTTP {status}{}: {message}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Status {
        provider: &'static str,
        status: u16,
        code: Option<String>,
        message: String,
        /// Seconds to wait, from the body where the provider puts it there.
        retry_after: Option<u64>,
    },
    #[error("{provider} sent a body that is not valid JSON: {reason}")]
    NotJson { provider: &'static str, reason: String },
    #[error("{provider} response lacks required field `{field}`")]
    MissingField { provider: &'static str, field: String },
    #[error("{provider} response has `{field}` of the wrong type: {reason}")]
    WrongType {
        provider: &'static str,
        field: String,
        reason: String,
    },
    /// The query cannot be asked of this provider (e.g. an id that is not the right shape).
    #[error("{provider} cannot answer this query: {reason}")]
    Unsupported { provider: &'static str, reason: String },
}

impl ProviderError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ProviderError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
