//! One module per provider. Each turns a [`Query`] into the [`Request`] its API understands and
//! its responses into a [`Page`]. Adding a provider means one new module and one arm in
//! [`adapter_for`].

mod common;
mod dates;
mod eightbyeight;
mod gws;
mod json;
mod request;
mod smartflo;
mod symphony;
mod talkdesk;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Page, PageToken, ProviderError, Query};
pub use request::{Method, Request, encode_component};
pub use smartflo::Smartflo;

/// The provider APIs cardfile speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProviderKind {
    #[serde(rename = "talkdesk")]
    Talkdesk,
    #[serde(rename = "symphony")]
    Symphony,
    #[serde(rename = "gws")]
    Gws,
    #[serde(rename = "8x8")]
    EightByEight,
    #[serde(rename = "smartflo")]
    Smartflo,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 5] = [
        ProviderKind::Talkdesk,
        ProviderKind::Symphony,
        ProviderKind::Gws,
        ProviderKind::EightByEight,
        ProviderKind::Smartflo,
    ];

    /// The name used in configuration and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Talkdesk => "talkdesk",
            ProviderKind::Symphony => "symphony",
            ProviderKind::Gws => "gws",
            ProviderKind::EightByEight => "8x8",
            ProviderKind::Smartflo => "smartflo",
        }
    }

    /// The provider's product name, for messages shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::Talkdesk => "Talkdesk",
            ProviderKind::Symphony => "Symphony Connect",
            ProviderKind::Gws => "Genesys GWS",
            ProviderKind::EightByEight => "8x8 Connect",
            ProviderKind::Smartflo => "Tata Smartflo",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProviderKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown provider kind `{s}` (expected one of talkdesk, symphony, gws, 8x8, smartflo)"
                )
            })
    }
}

/// How a provider pages through results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paging {
    PageNumber,
    PageIndex,
    Offset,
    Cursor,
}

/// What a provider can answer server-side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub text: bool,
    pub phone: bool,
    pub email: bool,
    pub id: bool,
    pub paging: Paging,
    pub knows_total: bool,
}

impl Capabilities {
    pub fn answers(&self, query: &Query) -> bool {
        match query {
            Query::Text(_) => self.text,
            Query::Phone(_) => self.phone,
            Query::Email(_) => self.email,
            Query::Id(_) => self.id,
        }
    }
}

/// Non-secret per-source settings, as the proxy hands them to the widget.
pub type SourceOptions = BTreeMap<String, String>;

/// Request building and response parsing for one configured source.
pub trait Adapter {
    fn kind(&self) -> ProviderKind;
    fn capabilities(&self) -> Capabilities;
    /// The request for `query`, at page `at` (`None` = first page).
    fn build_request(&self, query: &Query, at: Option<&PageToken>) -> Result<Request, ProviderError>;
    /// Parses the response to the request built for `query` at `at`.
    fn parse_response(
        &self,
        query: &Query,
        at: Option<&PageToken>,
        status: u16,
        body: &[u8],
    ) -> Result<Page, ProviderError>;
    /// For a source the widget indexes locally: the request for page `at` of the contacts
    /// changed after `since` (the latest `updated_at` this adapter reported), answered like
    /// the listing (`parse_response` with an empty text query). `None`: the API cannot say
    /// what changed, so the index is read again in full.
    fn changes_request(&self, _since: &str, _at: Option<&PageToken>) -> Option<Request> {
        None
    }
}

/// Why a source's options cannot make an adapter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("source `{source_id}`: option `{option}` {reason}")]
pub struct OptionError {
    pub source_id: String,
    pub option: String,
    pub reason: String,
}

/// The adapter for a source of `kind` with id `source_id` and its options.
pub fn adapter_for(
    kind: ProviderKind,
    source_id: &str,
    options: &SourceOptions,
) -> Result<Box<dyn Adapter>, OptionError> {
    Ok(match kind {
        ProviderKind::Talkdesk => Box::new(talkdesk::Talkdesk::new(source_id, options)?),
        ProviderKind::Symphony => Box::new(symphony::Symphony::new(source_id, options)?),
        ProviderKind::Gws => Box::new(gws::Gws::new(source_id, options)?),
        ProviderKind::EightByEight => Box::new(eightbyeight::EightByEight::new(source_id, options)?),
        ProviderKind::Smartflo => Box::new(smartflo::Smartflo::new(source_id, options)?),
    })
}

impl OptionError {
    fn new(source_id: &str, option: &str, reason: impl Into<String>) -> Self {
        OptionError {
            source_id: source_id.to_owned(),
            option: option.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Reads a query-parameter name option, or its default. Names are sent as configured, so they
/// must be non-blank and must not carry characters that belong to the URL syntax.
fn name_option(
    source_id: &str,
    options: &SourceOptions,
    name: &str,
    default: &str,
) -> Result<String, OptionError> {
    let Some(raw) = options.get(name) else {
        return Ok(default.to_owned());
    };
    let value = raw.trim();
    if value.is_empty() || value.contains(['&', '=', '?', '#', ' ']) {
        return Err(OptionError::new(
            source_id,
            name,
            format!("must be a query parameter name, not `{raw}`"),
        ));
    }
    Ok(value.to_owned())
}

/// An optional free-text option: `None` when missing or blank.
fn text_option(options: &SourceOptions, name: &str) -> Option<String> {
    options
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Reads a whole-number option within `range`, or its default.
fn number_option(
    source_id: &str,
    options: &SourceOptions,
    name: &str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, OptionError> {
    let Some(raw) = options.get(name) else {
        return Ok(default);
    };
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| OptionError {
            source_id: source_id.to_owned(),
            option: name.to_owned(),
            reason: format!(
                "must be a whole number from {} to {}, not `{raw}`",
                range.start(),
                range.end()
            ),
        })
}
