//! Small pieces every adapter needs: reading the page token it produced, building status
//! errors and filling the contact model.

use crate::{Attribute, Contact, Email, PageToken, Phone, ProviderError, phone};

fn wrong_token(provider: &'static str, token: &PageToken, style: &str) -> ProviderError {
    ProviderError::Unsupported {
        provider,
        reason: format!("page token {token:?} is not {style}"),
    }
}

/// The 1-based page number in `at`; the first page when `None`.
pub(crate) fn page_number(provider: &'static str, at: Option<&PageToken>) -> Result<u32, ProviderError> {
    match at {
        None => Ok(1),
        Some(PageToken::Page(n)) => Ok((*n).max(1)),
        Some(other) => Err(wrong_token(provider, other, "a page number")),
    }
}

/// The 0-based page index in `at`; the first page when `None`.
pub(crate) fn page_index(provider: &'static str, at: Option<&PageToken>) -> Result<u32, ProviderError> {
    match at {
        None => Ok(0),
        Some(PageToken::Index(i)) => Ok(*i),
        Some(other) => Err(wrong_token(provider, other, "a page index")),
    }
}

/// The item offset in `at`; the first page when `None`.
pub(crate) fn offset(provider: &'static str, at: Option<&PageToken>) -> Result<u64, ProviderError> {
    match at {
        None => Ok(0),
        Some(PageToken::Offset(o)) => Ok(*o),
        Some(other) => Err(wrong_token(provider, other, "an item offset")),
    }
}

/// The cursor in `at`; `None` for the first page. An empty cursor is refused: sending none
/// would silently restart at the first page.
pub(crate) fn cursor<'a>(
    provider: &'static str,
    at: Option<&'a PageToken>,
) -> Result<Option<&'a str>, ProviderError> {
    match at {
        None => Ok(None),
        Some(PageToken::Cursor(c)) if !c.trim().is_empty() => Ok(Some(c)),
        Some(other) => Err(wrong_token(provider, other, "a non-empty cursor")),
    }
}

/// A phone or email search term; a blank one would list everyone instead of searching.
pub(crate) fn required_term(provider: &'static str, term: String) -> Result<String, ProviderError> {
    if term.trim().is_empty() {
        Err(ProviderError::Unsupported {
            provider,
            reason: "nothing to search for".into(),
        })
    } else {
        Ok(term)
    }
}

/// A provider's error status with its own code and message; the message defaults to the
/// HTTP status when the provider gave none. Line breaks are flattened so the message fits one
/// line of a log or a card.
pub(crate) fn status_error(
    provider: &'static str,
    status: u16,
    code: Option<String>,
    message: Option<String>,
) -> ProviderError {
    let message = message
        .map(|m| m.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| format!("HTTP {status}"));
    ProviderError::Status {
        provider,
        status,
        code,
        message,
        retry_after: None,
    }
}

/// Adds a phone unless the contact already has the same number (same normalized form); a
/// better (lower) rank sent later replaces the earlier one's.
pub(crate) fn add_phone(
    c: &mut Contact,
    value: String,
    label: Option<String>,
    rank: Option<u32>,
    default_cc: Option<&str>,
) {
    let normalized = phone::normalize(&value, default_cc);
    if normalized.is_empty() {
        return;
    }
    if let Some(known) = c.phones.iter_mut().find(|p| p.normalized == normalized) {
        if rank.is_some() && (known.rank.is_none() || rank < known.rank) {
            known.rank = rank;
        }
        if known.label.is_none() {
            known.label = label;
        }
        return;
    }
    c.phones.push(Phone {
        value,
        normalized,
        label,
        rank,
    });
}

/// Adds an email unless the contact already has it (compared case-insensitively).
pub(crate) fn add_email(c: &mut Contact, value: String, label: Option<String>) {
    if c.emails.iter().any(|e| e.value.eq_ignore_ascii_case(&value)) {
        return;
    }
    c.emails.push(Email { value, label });
}

/// Adds a name/value attribute when the value is present.
pub(crate) fn add_attribute(c: &mut Contact, name: &str, value: Option<String>) {
    if let Some(value) = value {
        c.attributes.push(Attribute {
            name: name.to_owned(),
            value,
        });
    }
}
