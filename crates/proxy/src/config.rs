//! The proxy's TOML configuration. Secrets never live in the file: auth entries name the
//! environment variables that hold them.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid configuration: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The built widget (trunk's `dist/`), served under `/widget/`.
    pub widget_dir: Option<PathBuf>,
    /// A demo agent desktop served at `/`, embedding the widget.
    pub demo_dir: Option<PathBuf>,
    /// Origins of agent desktops allowed to embed the widget (`frame-ancestors`) and to call
    /// the proxy cross-origin.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// `host[:port]` names clients reach the proxy by, as they send them in `Host`; any other
    /// is refused, so a page on a hostname rebound to the proxy's address cannot use it.
    /// Empty: every name is served (the proxy warns at start-up).
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Upstream request timeout.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Requests to `/proxy/` one client (one IP address, one IPv6 /64) may make per minute,
    /// with bursts up to the same number; 0 turns the limit off.
    #[serde(default = "default_rate_limit")]
    pub rate_limit_per_minute: u32,
    /// Largest request body the proxy accepts (only GWS writes have one).
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Behind a load balancer: take the client's address from the last `X-Forwarded-For`
    /// entry (the one the balancer added) instead of the connection's peer.
    #[serde(default)]
    pub trust_x_forwarded_for: bool,
    #[serde(default)]
    pub sources: Vec<Source>,
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

fn default_timeout_ms() -> u64 {
    10_000
}

fn default_rate_limit() -> u32 {
    600
}

fn default_max_body_bytes() -> usize {
    64 * 1024
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Appears in `/proxy/{id}/...`; letters, digits, `-` and `_` only.
    pub id: String,
    pub kind: String,
    pub label: String,
    pub base_url: String,
    pub auth: Auth,
    /// Non-secret settings handed to the widget as they are.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// GWS only: also allow `POST /api/v2/contacts` and `PUT`/`DELETE /api/v2/contacts/{id}`.
    #[serde(default)]
    pub allow_writes: bool,
}

/// How the proxy authenticates to a source. Every `*_env` field names an environment
/// variable; the proxy reads it once at start-up and refuses to start when it is unset.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "scheme", deny_unknown_fields)]
pub enum Auth {
    /// `Authorization: Bearer <token>` with a static key (8x8).
    #[serde(rename = "bearer")]
    Bearer { token_env: String },
    /// HTTP Basic (GWS). Writes carry the session cookie and CSRF token that a GET to
    /// `csrf_path` (or any earlier proxied GET) handed out.
    #[serde(rename = "basic")]
    Basic {
        username_env: String,
        password_env: String,
        #[serde(default = "default_csrf_path")]
        csrf_path: String,
    },
    /// OAuth2 client credentials (Talkdesk): HTTP Basic client authentication on
    /// `token_url`, the access token cached until shortly before `expires_in`.
    #[serde(rename = "oauth2_client_credentials")]
    OAuth2ClientCredentials {
        token_url: String,
        client_id_env: String,
        client_secret_env: String,
        #[serde(default)]
        scope: Option<String>,
        #[serde(default = "default_oauth_backoff_initial_ms")]
        backoff_initial_ms: u64,
        #[serde(default = "default_oauth_backoff_max_ms")]
        backoff_max_ms: u64,
    },
    /// E-mail/password login returning a bearer token (Smartflo). Failed logins back off
    /// exponentially, and after `max_failed_logins` refusals in a row the proxy stops trying
    /// until it is restarted, so the provider never locks the account.
    #[serde(rename = "password_login")]
    PasswordLogin {
        login_url: String,
        email_env: String,
        password_env: String,
        #[serde(default = "default_login_backoff_initial_ms")]
        backoff_initial_ms: u64,
        #[serde(default = "default_login_backoff_max_ms")]
        backoff_max_ms: u64,
        #[serde(default = "default_max_failed_logins")]
        max_failed_logins: u32,
    },
    /// A fresh RS512 JWT for every request (Symphony Connect: `jti` is single-use), with
    /// `sub = "ces:customer:<key_name>"`. The private key PEM (PKCS#8 or PKCS#1) comes from the
    /// file whose path `private_key_file_env` holds, or from `private_key_env` itself.
    #[serde(rename = "jwt_rs512")]
    JwtRs512 {
        #[serde(default)]
        private_key_file_env: Option<String>,
        #[serde(default)]
        private_key_env: Option<String>,
        key_name: String,
        #[serde(default = "default_jwt_lifetime_secs")]
        lifetime_secs: u64,
    },
}

/// Longest JWT lifetime Symphony accepts (`exp - iat`).
pub const MAX_JWT_LIFETIME_SECS: u64 = 1800;

fn default_csrf_path() -> String {
    "/api/v2/contacts?limit=1".into()
}

fn default_oauth_backoff_initial_ms() -> u64 {
    1_000
}

fn default_oauth_backoff_max_ms() -> u64 {
    60_000
}

fn default_login_backoff_initial_ms() -> u64 {
    30_000
}

fn default_login_backoff_max_ms() -> u64 {
    30 * 60_000
}

fn default_max_failed_logins() -> u32 {
    3
}

fn default_jwt_lifetime_secs() -> u64 {
    300
}

pub const KINDS: [&str; 5] = ["talkdesk", "symphony", "gws", "8x8", "smartflo"];

impl Config {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, &|name| std::env::var(name).ok())
    }

    /// Parses `text`, expanding `${NAME}` and `${NAME:-default}` in `listen` and each
    /// `base_url` through `env`.
    pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config: Config = toml::from_str(text)?;
        config.listen = expand(&config.listen, env)?;
        for source in &mut config.sources {
            source.base_url = expand(&source.base_url, env)?.trim_end_matches('/').to_owned();
            match &mut source.auth {
                Auth::OAuth2ClientCredentials { token_url: url, .. }
                | Auth::PasswordLogin { login_url: url, .. } => *url = expand(url, env)?,
                _ => {}
            }
        }
        config.validate()?;
        Ok(config)
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen
            .parse()
            .map_err(|e| ConfigError::Invalid(format!("listen `{}` is not an address: {e}", self.listen)))
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let mut seen = std::collections::BTreeSet::new();
        for s in &self.sources {
            let valid_id = !s.id.is_empty()
                && s.id.len() <= 64
                && s.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid_id {
                return Err(ConfigError::Invalid(format!(
                    "source id `{}` must be 1-64 of [A-Za-z0-9_-]",
                    s.id
                )));
            }
            if !seen.insert(s.id.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "source id `{}` is used twice",
                    s.id
                )));
            }
            if !KINDS.contains(&s.kind.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "source `{}`: kind `{}` is not one of {}",
                    s.id,
                    s.kind,
                    KINDS.join(", ")
                )));
            }
            if !is_http_url(&s.base_url) {
                return Err(ConfigError::Invalid(format!(
                    "source `{}`: base_url must start with http:// or https://",
                    s.id
                )));
            }
            if s.allow_writes && s.kind != "gws" {
                return Err(ConfigError::Invalid(format!(
                    "source `{}`: allow_writes is only for kind gws",
                    s.id
                )));
            }
            s.auth.validate(&s.id)?;
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::Invalid("max_body_bytes must be at least 1".into()));
        }
        for origin in &self.allowed_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) || origin.ends_with('/') {
                return Err(ConfigError::Invalid(format!(
                    "allowed origin `{origin}` must be scheme://host[:port] with no path"
                )));
            }
        }
        for host in &self.allowed_hosts {
            if !is_host_and_port(host) {
                return Err(ConfigError::Invalid(format!(
                    "allowed host `{host}` must be host[:port]: no scheme, path, user or wildcard"
                )));
            }
        }
        Ok(())
    }
}

/// `name[:port]`, `IPv4[:port]` or `[IPv6][:port]`, as a client writes it in `Host`.
fn is_host_and_port(value: &str) -> bool {
    let is_label =
        |label: &str| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let (host_valid, port) = match value.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        Some((ip, after)) => (
            ip.parse::<std::net::Ipv6Addr>().is_ok() && (after.is_empty() || after.starts_with(':')),
            after.strip_prefix(':'),
        ),
        None => match value.split_once(':') {
            Some((name, port)) => (name.split('.').all(is_label), Some(port)),
            None => (value.split('.').all(is_label), None),
        },
    };
    // Digits only: `u16` parsing alone would also take `+80`.
    host_valid
        && port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0))
}

fn is_http_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

impl Auth {
    fn validate(&self, id: &str) -> Result<(), ConfigError> {
        let invalid = |why: String| Err(ConfigError::Invalid(format!("source `{id}`: {why}")));
        match self {
            Auth::Bearer { .. } => {}
            Auth::Basic { csrf_path, .. } => {
                if !csrf_path.starts_with('/') || csrf_path.starts_with("//") {
                    return invalid(format!("csrf_path `{csrf_path}` must be a path starting with /"));
                }
            }
            Auth::OAuth2ClientCredentials {
                token_url,
                backoff_initial_ms,
                backoff_max_ms,
                ..
            } => {
                if !is_http_url(token_url) {
                    return invalid("token_url must start with http:// or https://".into());
                }
                if backoff_initial_ms > backoff_max_ms {
                    return invalid("backoff_initial_ms must not exceed backoff_max_ms".into());
                }
            }
            Auth::PasswordLogin {
                login_url,
                backoff_initial_ms,
                backoff_max_ms,
                max_failed_logins,
                ..
            } => {
                if !is_http_url(login_url) {
                    return invalid("login_url must start with http:// or https://".into());
                }
                if backoff_initial_ms > backoff_max_ms {
                    return invalid("backoff_initial_ms must not exceed backoff_max_ms".into());
                }
                if *max_failed_logins == 0 {
                    return invalid("max_failed_logins must be at least 1".into());
                }
            }
            Auth::JwtRs512 {
                private_key_file_env,
                private_key_env,
                key_name,
                lifetime_secs,
            } => {
                if private_key_file_env.is_some() == private_key_env.is_some() {
                    return invalid(
                        "jwt_rs512 needs exactly one of private_key_file_env and private_key_env".into(),
                    );
                }
                if key_name.is_empty() || key_name.chars().any(|c| c.is_control() || c == '"' || c == '\\') {
                    return invalid("key_name must be a plain, non-empty name".into());
                }
                if !(1..=MAX_JWT_LIFETIME_SECS).contains(lifetime_secs) {
                    return invalid(format!("lifetime_secs must be 1 to {MAX_JWT_LIFETIME_SECS}"));
                }
            }
        }
        Ok(())
    }
}

fn expand(value: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| ConfigError::Invalid(format!("unclosed `${{` in `{value}`")))?;
        let (name, default) = match after[..end].split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (&after[..end], None),
        };
        let resolved = env(name).filter(|v| !v.is_empty()).or(default.map(str::to_owned));
        out.push_str(
            &resolved
                .ok_or_else(|| ConfigError::Invalid(format!("environment variable {name} is not set")))?,
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        listen = "${PORT_ADDR:-127.0.0.1:9}"
        [[sources]]
        id = "eu"
        kind = "8x8"
        label = "8x8"
        base_url = "${SIM:-http://127.0.0.1:1}/8x8/"
        auth = { scheme = "bearer", token_env = "KEY" }
    "#;

    #[test]
    fn environment_fills_placeholders_and_defaults_apply() {
        let env = |name: &str| (name == "SIM").then(|| "http://10.0.0.1:5".to_owned());
        let config = Config::parse(MINIMAL, &env).unwrap();
        assert_eq!(config.listen, "127.0.0.1:9");
        assert_eq!(config.sources[0].base_url, "http://10.0.0.1:5/8x8");
    }

    #[test]
    fn refuses_unknown_kinds_duplicate_ids_and_odd_urls() {
        let none = |_: &str| None;
        for (from, to) in [
            ("kind = \"8x8\"", "kind = \"ftp\""),
            ("id = \"eu\"", "id = \"../x\""),
            ("${SIM:-http://127.0.0.1:1}", "file:///etc"),
            ("listen", "listne"),
        ] {
            let text = MINIMAL.replace(from, to);
            assert!(Config::parse(&text, &none).is_err(), "accepted: {from} -> {to}");
        }
        let twice = format!("{MINIMAL}{}", &MINIMAL[MINIMAL.find("[[sources]]").unwrap()..]);
        assert!(
            Config::parse(&twice, &none)
                .unwrap_err()
                .to_string()
                .contains("used twice")
        );
    }

    #[test]
    fn allowed_hosts_are_plain_host_and_port() {
        let none = |_: &str| None;
        let with = |hosts: &str| Config::parse(&format!("allowed_hosts = [{hosts}]\n{MINIMAL}"), &none);
        let config =
            with(r#""Proxy.Example.com", "127.0.0.1:8080", "[::1]:8080", "[::1]", "localhost""#).unwrap();
        assert_eq!(config.allowed_hosts.len(), 5);
        for bad in [
            "https://proxy.example",
            "proxy.example/",
            "proxy.example/widget",
            "*.example.com",
            "*",
            "",
            "user@proxy.example",
            "proxy.example:",
            "proxy.example:0",
            "proxy.example:99999",
            "proxy.example:80:81",
            "proxy.example:+80",
            "::1",
            "[::1",
            "[::1]x",
            "[nope]:80",
            "proxy..example",
            "proxy example",
            "proxy.example?x",
        ] {
            let error = with(&format!("{bad:?}")).unwrap_err().to_string();
            assert!(error.contains("allowed host"), "{bad}: {error}");
        }
    }
}
