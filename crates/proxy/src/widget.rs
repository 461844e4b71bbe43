//! Serves the built widget under `/widget/`, its runtime config, and the demo desktop at `/`,
//! with the caching and security headers an embedded widget needs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

use crate::{Config, Proxy};

pub(crate) fn routes(proxy: &Arc<Proxy>) -> Router<Arc<Proxy>> {
    let mut router = Router::new().route("/widget", get(|| async { Redirect::permanent("/widget/") }));
    if let Some(dir) = &proxy.config.widget_dir {
        router = router.nest_service(
            "/widget/",
            ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        );
    }
    if let Some(dir) = &proxy.config.demo_dir {
        router = router.fallback_service(ServeDir::new(dir));
    }
    router
        .layer(middleware::from_fn_with_state(proxy.clone(), widget_index))
        .layer(middleware::from_fn_with_state(proxy.clone(), page_headers))
}

/// What the widget needs to know about each source, never a secret, and which desktop origins
/// may talk to it over the host bridge: `/widget/cardfile.json`, and the same written into the
/// widget's page.
pub(crate) fn runtime_config_json(config: &Config) -> Value {
    let sources: Vec<_> = config
        .sources
        .iter()
        .map(|s| json!({"id": s.id, "kind": s.kind, "label": s.label, "options": s.options}))
        .collect();
    json!({ "sources": sources, "allowed_origins": config.allowed_origins })
}

/// `/widget/cardfile.json`.
pub(crate) async fn runtime_config(State(proxy): State<Arc<Proxy>>) -> Response {
    let mut response = Json(runtime_config_json(&proxy.config)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The widget's page and its Content-Security-Policy, both made from `index.html` at
/// start-up and again whenever the file changes (a rebuild while the proxy runs). The page
/// carries the runtime config as a JSON data block, so the widget's first search needs no
/// round trip for it (the widget fetches `cardfile.json` when the block is absent, as under
/// `trunk serve`); the policy's `script-src` allows trunk's inline module loader by hash.
pub(crate) struct WidgetPage {
    index: Option<PathBuf>,
    frame_ancestors: String,
    config_block: String,
    cached: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    modified: Option<SystemTime>,
    policy: String,
    /// `index.html` with the config block; `None` if there is no readable file.
    page: Option<Arc<str>>,
}

impl WidgetPage {
    pub(crate) fn new(config: &Config) -> Self {
        let frame_ancestors = std::iter::once("'self'")
            .chain(config.allowed_origins.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let widget = WidgetPage {
            index: config.widget_dir.as_deref().map(|d| d.join("index.html")),
            frame_ancestors,
            config_block: config_block(&runtime_config_json(config)),
            cached: Mutex::new(Cached::default()),
        };
        let _ = widget.policy();
        widget
    }

    fn policy(&self) -> String {
        self.current(|c| c.policy.clone())
    }

    fn page(&self) -> Option<Arc<str>> {
        self.current(|c| c.page.clone())
    }

    fn current<T>(&self, read: impl FnOnce(&Cached) -> T) -> T {
        let modified = self
            .index
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .and_then(|m| m.modified().ok());
        let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        if cached.policy.is_empty() || cached.modified != modified {
            let html = self.index.as_ref().and_then(|p| std::fs::read_to_string(p).ok());
            let hashes = inline_script_hashes(html.as_deref().unwrap_or_default());
            tracing::debug!(
                inline_scripts = hashes.len(),
                "widget Content-Security-Policy computed"
            );
            *cached = Cached {
                modified,
                policy: widget_policy(&hashes, &self.frame_ancestors),
                page: html.map(|html| with_block(&html, &self.config_block).into()),
            };
        }
        read(&cached)
    }

    /// Other pages (the demo desktop): scripts and styles from files of this origin only,
    /// never inline.
    fn other_pages(&self) -> String {
        format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; frame-src 'self'; \
             frame-ancestors {}; base-uri 'none'; form-action 'none'; object-src 'none'",
            self.frame_ancestors
        )
    }
}

/// The runtime config as a `<script type="application/json">` data block: never run (so the
/// policy needs no hash for it), and escaped so no value can close the element early.
fn config_block(config: &Value) -> String {
    let json = config
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    format!(r#"<script id="cardfile-config" type="application/json">{json}</script>"#)
}

/// `html` with `block` at the end of its head, or at the end of the document if a minifier
/// left out the optional `</head>` (never before the doctype: that would switch the page to
/// quirks mode).
fn with_block(html: &str, block: &str) -> String {
    let at = html.to_ascii_lowercase().find("</head>").unwrap_or(html.len());
    let mut page = String::with_capacity(html.len() + block.len());
    page.push_str(&html[..at]);
    page.push_str(block);
    page.push_str(&html[at..]);
    page
}

/// `/widget/` and `/widget/index.html`: the page with the runtime config in it, never the
/// file's precompressed copies, which lack it.
async fn widget_index(State(proxy): State<Arc<Proxy>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_page = path == "/widget/" || path == "/widget/index.html";
    if !is_page || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    match proxy.widget_page.page() {
        Some(page) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page.to_string(),
        )
            .into_response(),
        None => next.run(request).await,
    }
}

fn widget_policy(hashes: &[String], frame_ancestors: &str) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in hashes {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors {frame_ancestors}; base-uri 'none'; form-action 'none'; \
         object-src 'none'"
    )
}

/// Base64 SHA-256 of the text of every inline `<script>` (one without `src`) in `html`,
/// exactly as the browser hashes it for CSP.
pub(crate) fn inline_script_hashes(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<script") {
        let tag_start = at + found;
        let after_name = tag_start + "<script".len();
        // `<scripts>` or `<script-x>` are other elements.
        if !lower[after_name..]
            .chars()
            .next()
            .is_some_and(|c| c == '>' || c == '/' || c.is_ascii_whitespace())
        {
            at = after_name;
            continue;
        }
        let Some(tag_len) = tag_end(&lower[after_name..]) else {
            break;
        };
        let attributes = &lower[after_name..after_name + tag_len];
        let content_start = after_name + tag_len + 1;
        let Some(close) = lower[content_start..].find("</script") else {
            break;
        };
        let content_end = content_start + close;
        if !has_attribute(attributes, "src") {
            let digest = Sha256::digest(&html.as_bytes()[content_start..content_end]);
            hashes.push(STANDARD.encode(digest));
        }
        at = content_end;
    }
    hashes
}

/// Length of a tag's attribute text up to its closing `>`, skipping quoted values.
fn tag_end(rest: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether a tag's (lower-cased) attribute text has attribute `name`, outside quoted values.
fn has_attribute(attributes: &str, name: &str) -> bool {
    let mut quote = None;
    let mut word = String::new();
    let mut names = Vec::new();
    let mut in_value = false;
    for c in attributes.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '=' => {
                names.push(std::mem::take(&mut word));
                in_value = true;
            }
            None if c.is_ascii_whitespace() || c == '/' => {
                if !in_value && !word.is_empty() {
                    names.push(std::mem::take(&mut word));
                }
                word.clear();
                in_value = false;
            }
            None if !in_value => word.push(c),
            None => {}
        }
    }
    if !in_value && !word.is_empty() {
        names.push(word);
    }
    names.iter().any(|n| n == name)
}

/// Caching by file kind (trunk hashes asset names, so they never change) and a
/// Content-Security-Policy on every page.
async fn page_headers(State(proxy): State<Arc<Proxy>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let is_page = path.ends_with('/') || path.ends_with(".html");
    let headers = response.headers_mut();
    let cache = if is_page || path.ends_with(".json") {
        "no-cache"
    } else if path.starts_with("/widget/") && looks_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if is_page {
        let csp = if path.starts_with("/widget/") {
            proxy.widget_page.policy()
        } else {
            proxy.widget_page.other_pages()
        };
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// `cardfile-1a2b3c4d5e6f7a8b.js` style names: a 16-hex-digit hash before the extension.
fn looks_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    stem.rsplit('-')
        .next()
        .is_some_and(|h| h.len() >= 16 && h.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `trunk build --release` (0.21, minified) writes, as in `dist/index.html`.
    const TRUNK_RELEASE: &str = r#"<!doctype html><html lang=en><meta charset=utf-8><title>cardfile</title><script type=module>import init, * as bindings from '/widget/cardfile-4cbe3c646949aa28.js';
const wasm = await init({ module_or_path: '/widget/cardfile-4cbe3c646949aa28_bg.wasm' });


window.wasmBindings = bindings;


dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));</script><link crossorigin href=/widget/cardfile-4cbe3c646949aa28.js integrity=sha384-VWWFD5 rel=modulepreload></head><body></body></html>"#;

    fn sha256_b64(text: &str) -> String {
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    }

    #[test]
    fn hashes_trunks_inline_loader_exactly() {
        let start = TRUNK_RELEASE.find("<script type=module>").unwrap() + "<script type=module>".len();
        let end = TRUNK_RELEASE.find("</script>").unwrap();
        let script = &TRUNK_RELEASE[start..end];
        assert!(script.starts_with("import init") && script.ends_with("{detail: {wasm}}));"));
        assert_eq!(inline_script_hashes(TRUNK_RELEASE), vec![sha256_b64(script)]);
    }

    #[test]
    fn skips_external_scripts_and_other_elements_and_reads_quoted_attributes() {
        let html = r#"<SCRIPT SRC="/a.js"></SCRIPT><scripts>x</scripts>
            <script type="module" data-x="a>b">let a = "</scr" + "ipt";</script>
            <script data-src=1>one()</script><script src=/b.js async></script>"#;
        assert_eq!(
            inline_script_hashes(html),
            vec![sha256_b64(r#"let a = "</scr" + "ipt";"#), sha256_b64("one()")]
        );
        assert!(inline_script_hashes("<p>no scripts</p><script>unclosed").is_empty());
    }

    #[test]
    fn the_page_carries_the_runtime_config_and_no_value_can_close_its_element() {
        let hostile = r#"</script><script>alert(1)</script><!--"#;
        let config = json!({"sources": [{"id": "x", "label": hostile}], "allowed_origins": []});
        let page = with_block(TRUNK_RELEASE, &config_block(&config));
        let start = page
            .find(r#"<script id="cardfile-config" type="application/json">"#)
            .unwrap();
        let open_len = r#"<script id="cardfile-config" type="application/json">"#.len();
        let end = start + page[start..].find("</script>").unwrap();
        assert!(
            page[end..].starts_with("</script></head>"),
            "the block ends the head"
        );
        let data = &page[start + open_len..end];
        assert!(!data.contains('<') && !data.contains('>'), "{data}");
        let read: Value = serde_json::from_str(data).unwrap();
        assert_eq!(read, config, "the block reads back as the config");
        assert_eq!(
            inline_script_hashes(&page).len(),
            2,
            "the loader and the data block are the page's only inline scripts"
        );
        assert_eq!(
            page.replace(&page[start..end + "</script>".len()], ""),
            TRUNK_RELEASE
        );
        let headless = "<!doctype html><title>t</title><body></body>";
        assert_eq!(
            with_block(headless, "<x>"),
            format!("{headless}<x>"),
            "never before the doctype"
        );
    }

    #[test]
    fn the_widget_policy_allows_the_loader_by_hash_and_nothing_inline() {
        let dir = std::env::temp_dir().join(format!("cardfile-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), TRUNK_RELEASE).unwrap();
        let config = Config::parse(
            &format!("widget_dir = {dir:?}\nallowed_origins = [\"https://desk.example\"]"),
            &|_| None,
        )
        .unwrap();
        let widget = WidgetPage::new(&config);
        let policy = widget.policy();
        let hash = &inline_script_hashes(TRUNK_RELEASE)[0];
        assert!(policy.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';")));
        assert!(policy.contains("frame-ancestors 'self' https://desk.example;"));
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
        std::fs::write(dir.join("index.html"), "<script>changed()</script>").unwrap();
        // Coarse file times may not move within the test: force the re-read.
        widget.cached.lock().unwrap().policy.clear();
        assert!(widget.policy().contains(&sha256_b64("changed()")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
