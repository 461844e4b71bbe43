//! DNS rebinding: a page on an attacker's hostname that resolves to the proxy's address sends
//! that hostname as `Host` (and as its own `Origin`). With `allowed_hosts` set, such requests
//! are refused with 421 before any file, runtime config or upstream call is served.

mod common;

use cardfile_proxy::Config;
use common::{Stack, demo_env, raw, sim_total, small_sim, sources};
use reqwest::header::{HOST, ORIGIN};

const LIST_8X8: &str = "/api/v1/accounts/0123456789abcdef0123456789abcdef/contacts?limit=1";

const LISTED: &str = r#"
    allowed_hosts = ["cardfile.test", "Proxy.Test:8443"]
    rate_limit_per_minute = 0
"#;

async fn listed() -> Stack {
    Stack::start(small_sim(), LISTED, |sim| sources(sim, ""), demo_env()).await
}

fn read_8x8() -> String {
    format!("/proxy/8x8{LIST_8X8}")
}

#[tokio::test]
async fn a_host_not_listed_is_refused_with_421_before_anything_is_served() {
    let stack = listed().await;
    let actual_address = stack.proxy.to_string();
    let foreign = [
        "evil.example",
        "evil.example:8443",
        actual_address.as_str(),
        "cardfile.test:80",
        "cardfile.test.evil.example",
        "proxy.test",
    ];
    let read = read_8x8();
    for host in foreign {
        for path in [
            read.as_str(),
            "/widget/cardfile.json",
            "/widget/",
            "/",
            "/proxy/nope/x",
        ] {
            let reply = stack
                .http
                .get(stack.url(path))
                .header(HOST, host)
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 421, "{host} {path}");
            assert_eq!(reply.headers()["x-cardfile-error"], "host_not_allowed");
        }
    }
    assert_eq!(sim_total(&stack).await, 0, "nothing reached the provider");
    let health = stack
        .http
        .get(stack.url("/healthz"))
        .header(HOST, "10.0.0.7:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "load balancers probe by address");
}

#[tokio::test]
async fn a_listed_host_is_served_whatever_its_letter_case() {
    let stack = listed().await;
    for host in ["cardfile.test", "CardFile.TEST", "proxy.test:8443"] {
        let reply = stack
            .http
            .get(stack.url(&read_8x8()))
            .header(HOST, host)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "{host}");
        let runtime = stack
            .http
            .get(stack.url("/widget/cardfile.json"))
            .header(HOST, host)
            .send()
            .await
            .unwrap();
        assert_eq!(runtime.status(), 200, "{host}");
    }
    assert_eq!(stack.sim_count("8x8").await, 3);
}

async fn write_as(stack: &Stack, host: &str, origin: &str) -> reqwest::Response {
    stack
        .http
        .post(stack.url("/proxy/gws-admin/api/v2/contacts"))
        .header(HOST, host)
        .header(ORIGIN, origin)
        .header("content-type", "application/json")
        .body(r#"{"name": "Mallory Example", "phoneNumber": "+441234567890"}"#)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_rebound_same_site_write_is_refused_once_hosts_are_listed() {
    let port = 8443;
    let (host, origin) = (
        format!("evil.example:{port}"),
        format!("http://evil.example:{port}"),
    );
    let open = Stack::start(
        small_sim(),
        "rate_limit_per_minute = 0",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    let reply = write_as(&open, &host, &origin).await;
    assert_eq!(
        reply.status(),
        200,
        "without the list, Origin == Host passes for any name: the gap"
    );

    let stack = listed().await;
    let reply = write_as(&stack, &host, &origin).await;
    assert_eq!(reply.status(), 421);
    assert_eq!(stack.sim_count("gws").await, 0);
    let own = write_as(&stack, "cardfile.test", "http://cardfile.test").await;
    assert_eq!(own.status(), 200, "the proxy's own site still writes");
}

#[tokio::test]
async fn absolute_form_targets_and_missing_hosts_must_name_a_listed_host_too() {
    let stack = listed().await;
    let read = read_8x8();
    let send = |target: &str, host_lines: &str, version: &str| {
        format!("GET {target} HTTP/{version}\r\n{host_lines}Connection: close\r\n\r\n").into_bytes()
    };
    let refused = [
        (
            "absolute-form aimed elsewhere, listed Host",
            send(
                &format!("http://evil.example{read}"),
                "Host: cardfile.test\r\n",
                "1.1",
            ),
        ),
        (
            "absolute-form with a listed name, foreign Host",
            send(
                &format!("http://cardfile.test{read}"),
                "Host: evil.example\r\n",
                "1.1",
            ),
        ),
        (
            "absolute-form with userinfo before a listed name",
            send(
                &format!("http://me@cardfile.test{read}"),
                "Host: cardfile.test\r\n",
                "1.1",
            ),
        ),
        (
            "a listed and a foreign Host",
            send(&read, "Host: cardfile.test\r\nHost: evil.example\r\n", "1.1"),
        ),
        ("HTTP/1.0 with no Host", send(&read, "", "1.0")),
    ];
    for (name, bytes) in &refused {
        let (status, head) = raw(stack.proxy, bytes).await;
        assert_eq!(status, Some(421), "{name}: {head}");
    }
    assert_eq!(sim_total(&stack).await, 0);
    let (status, head) = raw(
        stack.proxy,
        &send(
            &format!("http://cardfile.test{read}"),
            "Host: cardfile.test\r\n",
            "1.1",
        ),
    )
    .await;
    assert_eq!(status, Some(200), "{head}");
}

#[test]
fn allowed_hosts_are_checked_when_the_configuration_is_loaded() {
    let sim = "127.0.0.1:9".parse().unwrap();
    for bad in [
        "https://cardfile.test",
        "cardfile.test/widget",
        "*.cardfile.test",
        "*",
        "",
        "me@cardfile.test",
        "cardfile.test:http",
    ] {
        let text = format!("allowed_hosts = [{bad:?}]\n{}", sources(sim, ""));
        let error = Config::parse(&text, &|_| None).unwrap_err().to_string();
        assert!(error.contains(&format!("allowed host `{bad}`")), "{bad}: {error}");
    }
    let text = format!(
        "allowed_hosts = [\"cardfile.test\", \"127.0.0.1:8080\", \"[::1]:8080\"]\n{}",
        sources(sim, "")
    );
    assert_eq!(Config::parse(&text, &|_| None).unwrap().allowed_hosts.len(), 3);
}
