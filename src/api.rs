//! The widget's only HTTP client: the runtime config and provider pages, always through the
//! proxy (the browser never holds a provider credential).

use cardfile_core::provider::Adapter;
use cardfile_core::{
    Page, PageToken, ProviderError, ProviderKind, Query, Request as ProviderRequest, SourceOptions,
    adapter_for,
};
use gloo_net::http::Request;
use serde::Deserialize;
use web_sys::AbortSignal;

/// Served by the proxy next to the widget.
pub const CONFIG_URL: &str = "/widget/cardfile.json";
/// Id of the page element holding the same config, written there by the proxy.
const CONFIG_ELEMENT_ID: &str = "cardfile-config";
/// Set by the proxy on its own errors (as opposed to a provider's).
const PROXY_ERROR_HEADER: &str = "x-cardfile-error";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RuntimeConfig {
    pub sources: Vec<SourceConfig>,
    /// Origins of desktops allowed to embed the widget and talk to it (`hostOrigin`).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SourceConfig {
    pub id: String,
    pub kind: ProviderKind,
    pub label: String,
    #[serde(default)]
    pub options: SourceOptions,
}

/// Why a source produced no page; each says what the agent can do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// A newer search replaced this one; nothing to show.
    Aborted,
    Network(String),
    /// The proxy refused or could not reach the provider.
    Proxy {
        status: u16,
        message: String,
    },
    Provider {
        error: ProviderError,
        retry_after: Option<u64>,
    },
    Config(String),
}

impl FetchError {
    /// A few words for a status line while retrying.
    pub fn short_reason(&self) -> String {
        match self {
            FetchError::Provider { error, .. } => match error.status() {
                Some(429) => "rate-limited".into(),
                Some(status) => format!("HTTP {status}"),
                None => "unreadable answer".into(),
            },
            FetchError::Proxy { status, .. } => format!("proxy {status}"),
            FetchError::Network(_) => "network error".into(),
            FetchError::Aborted | FetchError::Config(_) => "error".into(),
        }
    }

    /// One line for the source's status, naming what went wrong and what to do.
    pub fn message(&self) -> String {
        let advice = match self {
            FetchError::Aborted => return "cancelled".into(),
            FetchError::Network(_) => "check the connection, then retry",
            FetchError::Proxy { status: 429, .. } => {
                "too many searches from this desk; wait a minute, then retry"
            }
            FetchError::Proxy { status: 403, .. } => {
                "the proxy does not allow this request; tell an administrator"
            }
            FetchError::Proxy { .. } => "the provider is unreachable or slow; retry shortly",
            FetchError::Provider {
                retry_after: Some(_), ..
            } => "the provider asked to wait; retry in a moment",
            FetchError::Provider { error, .. } => match error.status() {
                Some(401 | 403) => "ask an administrator to check this source's credentials",
                Some(404) => {
                    "the provider does not know this account or path; check the source's configuration"
                }
                Some(429) => "rate-limited by the provider; retry in a moment",
                Some(500..) => "the provider has a problem; retry shortly",
                Some(_) => "the provider refused the search; try other words",
                None => "the provider sent an unreadable answer; retry, and report it if it persists",
            },
            FetchError::Config(_) => "tell an administrator",
        };
        let what = match self {
            FetchError::Network(e) => format!("network error ({e})"),
            FetchError::Proxy { message, .. } => message.clone(),
            FetchError::Provider {
                error,
                retry_after: Some(s),
            } => format!("{error} (retry after {s} s)"),
            FetchError::Provider { error, .. } => error.to_string(),
            FetchError::Config(e) => format!("misconfigured source: {e}"),
            FetchError::Aborted => String::new(),
        };
        format!("{what} — {advice}")
    }
}

/// The runtime config: the copy the proxy wrote into the page (`#cardfile-config`), so the
/// first search need not wait for a round trip and the first frame; fetched when the page has
/// none (`trunk serve`).
pub async fn load_config() -> Result<RuntimeConfig, String> {
    let in_page = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(CONFIG_ELEMENT_ID))
        .and_then(|e| e.text_content());
    let (text, from) = match in_page {
        Some(text) => (text, "the page's #cardfile-config"),
        None => (fetch_config().await?, CONFIG_URL),
    };
    // `from_slice`, not `from_str` or `response.json()` (which uses the `str` reader): a
    // second copy of the parser next to the slice reader every provider response already uses.
    serde_json::from_slice(text.as_bytes()).map_err(|e| format!("{from} is not a valid cardfile config: {e}"))
}

async fn fetch_config() -> Result<String, String> {
    let response = Request::get(CONFIG_URL)
        .send()
        .await
        .map_err(|e| format!("cannot load {CONFIG_URL}: {e}"))?;
    if !response.ok() {
        return Err(format!("cannot load {CONFIG_URL}: HTTP {}", response.status()));
    }
    response
        .text()
        .await
        .map_err(|e| format!("{CONFIG_URL} is not a valid cardfile config: {e}"))
}

/// One page of `query` from `source`, starting at `at`.
pub async fn fetch_page(
    source: &SourceConfig,
    query: &Query,
    at: Option<&PageToken>,
    abort: Option<&AbortSignal>,
) -> Result<Page, FetchError> {
    let adapter = adapter_of(source)?;
    let request = adapter
        .build_request(query, at)
        .map_err(|error| FetchError::Provider {
            error,
            retry_after: None,
        })?;
    fetch_parsed(&*adapter, source, &request, query, at, abort).await
}

/// Page `at` of the contacts of a locally indexed `source` changed after `since`; `None` when
/// its API cannot say what changed.
pub async fn fetch_changes(
    source: &SourceConfig,
    since: &str,
    at: Option<&PageToken>,
) -> Option<Result<Page, FetchError>> {
    let adapter = match adapter_of(source) {
        Ok(adapter) => adapter,
        Err(error) => return Some(Err(error)),
    };
    let request = adapter.changes_request(since, at)?;
    let listing = Query::Text(String::new());
    Some(fetch_parsed(&*adapter, source, &request, &listing, at, None).await)
}

fn adapter_of(source: &SourceConfig) -> Result<Box<dyn Adapter>, FetchError> {
    adapter_for(source.kind, &source.id, &source.options).map_err(|e| FetchError::Config(e.to_string()))
}

/// Sends `request` to `source` through the proxy and parses the answer as the one to `query`.
async fn fetch_parsed(
    adapter: &dyn Adapter,
    source: &SourceConfig,
    request: &ProviderRequest,
    query: &Query,
    at: Option<&PageToken>,
    abort: Option<&AbortSignal>,
) -> Result<Page, FetchError> {
    let url = format!("/proxy/{}{}", source.id, request.path_and_query());
    let response = Request::get(&url).abort_signal(abort).send().await.map_err(|e| {
        if abort.is_some_and(AbortSignal::aborted) {
            FetchError::Aborted
        } else {
            FetchError::Network(e.to_string())
        }
    })?;
    let status = response.status();
    let headers = response.headers();
    let retry_after = headers
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let from_proxy = headers.get(PROXY_ERROR_HEADER).is_some();
    let body = response.binary().await.map_err(|e| {
        if abort.is_some_and(AbortSignal::aborted) {
            FetchError::Aborted
        } else {
            FetchError::Network(e.to_string())
        }
    })?;
    if from_proxy {
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "unexpected answer".into());
        return Err(FetchError::Proxy { status, message });
    }
    adapter
        .parse_response(query, at, status, &body)
        .map_err(|error| FetchError::Provider { error, retry_after })
}
