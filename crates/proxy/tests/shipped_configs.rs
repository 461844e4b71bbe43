//! The configuration files the repository ships: `config/demo.toml` with `config/demo.env`
//! works against the simulator for every source, and `config/example.toml` is valid.

mod common;

use std::collections::HashMap;

use cardfile_proxy::{Config, app};
use common::{READS, serve, small_sim};
use serde_json::Value;

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// `config/demo.env` as `make run` exports it; relative paths are the repository root's.
fn demo_env() -> HashMap<String, String> {
    repo_file("config/demo.env")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = if v.ends_with(".pem") {
                format!("{}/../../{v}", env!("CARGO_MANIFEST_DIR"))
            } else {
                v.to_owned()
            };
            (k.to_owned(), v)
        })
        .collect()
}

#[tokio::test]
async fn the_demo_config_reaches_every_simulated_provider() {
    let sim = serve(cardfile_sim::app(small_sim())).await;
    let sim_url = format!("http://{sim}");
    let env = demo_env();
    let lookup = |name: &str| match name {
        "CARDFILE_SIM_URL" => Some(sim_url.clone()),
        _ => env.get(name).cloned(),
    };
    let config = Config::parse(&repo_file("config/demo.toml"), &lookup).unwrap();
    let labels: Vec<(&str, &str)> = config
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("talkdesk", "Talkdesk"),
            ("symphony", "Symphony"),
            ("gws", "Genesys GWS"),
            ("8x8", "8x8 Connect"),
            ("smartflo", "Tata Smartflo"),
        ]
    );
    let proxy = serve(app(config, &lookup).unwrap()).await;
    let http = reqwest::Client::new();
    for (source, path) in READS {
        let reply = http
            .get(format!("http://{proxy}/proxy/{source}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "{source}");
    }
    let runtime: Value = http
        .get(format!("http://{proxy}/widget/cardfile.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(runtime["sources"][1]["options"]["external_network"], "WHATSAPP");
    let text = runtime.to_string();
    for value in env.values() {
        assert!(!text.contains(value.as_str()), "{value}");
    }
}

#[test]
fn the_example_config_is_valid_and_covers_every_kind() {
    let config = Config::parse(&repo_file("config/example.toml"), &|_| None).unwrap();
    for kind in cardfile_proxy::config::KINDS {
        assert!(config.sources.iter().any(|s| s.kind == kind), "{kind}");
    }
    assert!(config.sources.iter().all(|s| s.base_url.starts_with("https://")));
    assert!(
        !config.allowed_hosts.is_empty(),
        "the template recommends allowed_hosts"
    );
}
