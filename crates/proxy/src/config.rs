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
    /// Upstream request timeout.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default)]
    pub sources: Vec<Source>,
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

fn default_timeout_ms() -> u64 {
    10_000
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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "scheme", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// `Authorization: Bearer <token>` with a static key (8x8).
    Bearer { token_env: String },
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
            if !(s.base_url.starts_with("http://") || s.base_url.starts_with("https://")) {
                return Err(ConfigError::Invalid(format!(
                    "source `{}`: base_url must start with http:// or https://",
                    s.id
                )));
            }
        }
        for origin in &self.allowed_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) || origin.ends_with('/') {
                return Err(ConfigError::Invalid(format!(
                    "allowed origin `{origin}` must be scheme://host[:port] with no path"
                )));
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
}
