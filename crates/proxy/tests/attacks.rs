//! Attacks on the proxy, in front of the real simulator: SSRF, path traversal, header and
//! request-line injection, disallowed methods. Every attempt is written as raw bytes on a TCP
//! socket (an HTTP client would normalise the very things under test) and must be refused
//! with a 4xx before any upstream call: the simulator's request log and a canary listener
//! (the "internal host" the attacks aim at) prove nothing left the proxy.
//!
//! Then a bounded load test: 10,000 requests at 200 concurrency, 0 errors, bounded memory.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{ACCOUNT, Stack, demo_env, raw, sim_total, small_sim, sources};
use futures_util::StreamExt;
use tokio::net::TcpListener;

/// A listener standing for an internal host an attacker would like the proxy to call: it
/// counts every connection it receives.
struct Canary {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

async fn canary() -> Canary {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    Canary { addr, hits }
}

/// A request: method, request target, extra header lines, body. `Host` and
/// `Connection: close` are added unless the attack writes its own head (`raw_head`).
struct Attack {
    name: String,
    bytes: Vec<u8>,
}

fn request(name: &str, method: &str, target: &str, headers: &[String], body: &str) -> Attack {
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    if !headers
        .iter()
        .any(|h| h.to_ascii_lowercase().starts_with("host:"))
    {
        head.push_str("Host: 127.0.0.1\r\n");
    }
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    if !body.is_empty() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("Connection: close\r\n\r\n");
    head.push_str(body);
    raw_bytes(name, head.into_bytes())
}

fn get(name: &str, target: &str) -> Attack {
    request(name, "GET", target, &[], "")
}

fn raw_bytes(name: &str, bytes: Vec<u8>) -> Attack {
    Attack {
        name: name.to_owned(),
        bytes,
    }
}

/// Addresses the attacks aim at.
struct Targets {
    canary: SocketAddr,
    sim: SocketAddr,
}

const LIST: &str = "/api/v1/accounts/0123456789abcdef0123456789abcdef/contacts";

fn traversal(_: &Targets) -> Vec<Attack> {
    let p = "/proxy/8x8";
    vec![
        get(
            "raw dot segments to the simulator's control plane",
            &format!("{p}/../../_sim/requests"),
        ),
        get(
            "dot segments after a valid prefix",
            &format!("{p}{LIST}/../../../../../_sim/faults"),
        ),
        get(
            "single dot segment inside a valid shape",
            &format!("{p}/api/v1/accounts/./contacts"),
        ),
        get(
            "encoded dot segments in a valid shape",
            &format!("{p}/api/v1/accounts/%2e%2e/contacts/%2e%2e"),
        ),
        get(
            "upper-case encoded dots",
            &format!("{p}/api/v1/accounts/%2E%2E/contacts"),
        ),
        get(
            "half-encoded dots .%2e",
            &format!("{p}/api/v1/accounts/.%2e/contacts"),
        ),
        get(
            "half-encoded dots %2e.",
            &format!("{p}/api/v1/accounts/%2e./contacts"),
        ),
        get(
            "double-encoded dots %252e",
            &format!("{p}/api/v1/accounts/%252e%252e/contacts"),
        ),
        get(
            "triple-encoded dots %25252e",
            &format!("{p}/api/v1/accounts/%25252e%25252e/contacts"),
        ),
        get(
            "overlong UTF-8 dots %c0%ae",
            &format!("{p}/api/v1/accounts/%c0%ae%c0%ae/contacts"),
        ),
        get(
            "encoded slash %2f",
            &format!("{p}/api/v1/accounts/x%2f..%2f..%2f_sim/contacts"),
        ),
        get(
            "double-encoded slash %252f",
            &format!("{p}/api/v1/accounts/x%252f..%252f_sim/contacts"),
        ),
        get(
            "encoded backslash %5c",
            &format!("{p}/api/v1/accounts/..%5c..%5c/contacts"),
        ),
        get(
            "raw backslashes",
            &format!("{p}/api/v1/accounts/..\\..\\_sim/contacts"),
        ),
        get(
            "Tomcat-style ..; segment",
            &format!("{p}/api/v1/accounts/..;/contacts"),
        ),
        get("encoded NUL byte", &format!("{p}/api/v1/accounts/x%00/contacts")),
        get("truncated escape", &format!("{p}/api/v1/accounts/x%2/contacts")),
        get("empty segment", &format!("{p}/api/v1/accounts//contacts")),
        get(
            "overlong path (600 bytes in one segment)",
            &format!("{p}/api/v1/accounts/{}/contacts", "a".repeat(600)),
        ),
        get(
            "thousands of segments",
            &format!("{p}{}", "/contacts".repeat(3000)),
        ),
        get(
            "overlong request target (70 kB)",
            &format!("{p}/api/v1/accounts/{}/contacts", "a".repeat(70_000)),
        ),
        get(
            "undocumented endpoint of the source",
            &format!("{p}/api/v1/accounts/{ACCOUNT}"),
        ),
        get("another provider's endpoint", &format!("{p}/v1/contacts")),
    ]
}

fn ssrf(t: &Targets) -> Vec<Attack> {
    let (c, s) = (t.canary, t.sim);
    vec![
        get("absolute URL in the path", &format!("/proxy/8x8/http://{c}/")),
        get(
            "absolute URL with encoded slashes",
            &format!("/proxy/8x8/http:%2f%2f{c}%2f"),
        ),
        get(
            "protocol-relative URL in the path",
            &format!("/proxy/8x8//{c}/api/v1/accounts/x/contacts"),
        ),
        get(
            "userinfo @ after the source id",
            &format!("/proxy/8x8@{c}/api/v1/accounts/x/contacts"),
        ),
        get(
            "@ inside a segment",
            &format!("/proxy/8x8/api/v1/accounts/x@{c}/contacts"),
        ),
        get(
            "encoded @ inside a segment",
            &format!("/proxy/8x8/api/v1/accounts/x%40{c}/contacts"),
        ),
        get("unknown source", "/proxy/intranet/api/v1/accounts/x/contacts"),
        get(
            "dot-dot as the source",
            "/proxy/../8x8/api/v1/accounts/x/contacts",
        ),
        get(
            "percent-encoded source id",
            &format!("/proxy/%38x8/api/v1/accounts/{ACCOUNT}/contacts"),
        ),
        get(
            "source id with a port",
            &format!("/proxy/8x8:{}/api/v1/accounts/x/contacts", c.port()),
        ),
        get(
            "absolute-form target aimed at the simulator's control plane",
            &format!("http://{s}/_sim/requests"),
        ),
        get(
            "absolute-form target aimed at the canary",
            &format!("http://{c}/"),
        ),
        request(
            "CONNECT tunnel to the canary",
            "CONNECT",
            &c.to_string(),
            &[format!("Host: {c}")],
            "",
        ),
        get(
            "second URL smuggled through an encoded CRLF in the query",
            &format!("/proxy/8x8{LIST}?limit=1%0d%0aGET%20http://{c}/%20HTTP/1.1"),
        ),
    ]
}

fn methods(_: &Targets) -> Vec<Attack> {
    let path = format!("/proxy/8x8{LIST}");
    let body = r#"{"firstName":"Mallory"}"#;
    let mut attacks: Vec<Attack> = ["POST", "PUT", "DELETE", "PATCH"]
        .into_iter()
        .map(|m| request(&format!("{m} on a read-only source"), m, &path, &[], body))
        .collect();
    attacks.extend([
        request("TRACE", "TRACE", &path, &[], ""),
        request("lower-case get", "get", &path, &[], ""),
        request(
            "POST with X-HTTP-Method-Override: GET",
            "POST",
            &path,
            &["X-HTTP-Method-Override: GET".to_owned()],
            body,
        ),
        request(
            "POST to GWS without allow_writes",
            "POST",
            "/proxy/gws/api/v2/contacts",
            &[],
            body,
        ),
        request(
            "cross-site write to a writable source",
            "POST",
            "/proxy/gws-admin/api/v2/contacts",
            &["Origin: https://evil.example".to_owned()],
            body,
        ),
        request(
            "write from an opaque origin",
            "DELETE",
            "/proxy/gws-admin/api/v2/contacts/0123456789abcdef0123456789abcdef",
            &["Origin: null".to_owned()],
            "",
        ),
        request(
            "write past the allowed routes of a writable source",
            "DELETE",
            "/proxy/gws-admin/api/v2/contacts",
            &[],
            "",
        ),
    ]);
    attacks
}

fn injection(t: &Targets) -> Vec<Attack> {
    let c = t.canary;
    let bad = "/proxy/8x8/api/v1/accounts/%2e%2e/contacts";
    vec![
        raw_bytes(
            "CRLF in the path",
            b"GET /proxy/8x8/api/v1/accounts/x\r\nX-Injected: 1/contacts HTTP/1.1\r\nHost: a\r\n\r\n".to_vec(),
        ),
        raw_bytes(
            "CRLF in the query",
            format!("GET /proxy/8x8{LIST}?limit=1\r\nHost: {c}\r\n\r\n").into_bytes(),
        ),
        raw_bytes(
            "spaces and a second URL in the request line",
            format!("GET /proxy/8x8{LIST}?limit=1 GET http://{c}/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                .into_bytes(),
        ),
        get("encoded CRLF in the path", "/proxy/8x8/api/v1/accounts/x%0d%0aX-Injected:1/contacts"),
        get(
            "encoded CRLF header injection in the query",
            &format!("/proxy/8x8{LIST}?limit=1%0D%0AX-Injected:%201"),
        ),
        get("encoded NUL in the query", &format!("/proxy/8x8{LIST}?limit=1%00")),
        get("raw tab in the query", &format!("/proxy/8x8{LIST}?limit=1\tx")),
        request(
            "header value with a bare CR",
            "GET",
            bad,
            &[format!("X-Note: a\rHost: {c}")],
            "",
        ),
        request(
            "obsolete line folding smuggling a Host",
            "GET",
            bad,
            &["X-Note: a".to_owned(), format!(" Host: {c}")],
            "",
        ),
        request("Host pointing at the canary", "GET", bad, &[format!("Host: {c}")], ""),
        request(
            "X-Forwarded-Host and Forwarded pointing at the canary",
            "GET",
            bad,
            &[
                format!("X-Forwarded-Host: {c}"),
                "X-Forwarded-Proto: http".to_owned(),
                format!("Forwarded: host={c};proto=http"),
                format!("X-Original-URL: http://{c}/"),
                format!("X-Rewrite-URL: http://{c}/"),
            ],
            "",
        ),
        request(
            "two Host headers",
            "GET",
            bad,
            &["Host: 127.0.0.1".to_owned(), format!("Host: {c}")],
            "",
        ),
        request(
            "Host with userinfo",
            "GET",
            bad,
            &[format!("Host: proxy@{c}")],
            "",
        ),
        raw_bytes(
            "request smuggling: Content-Length and Transfer-Encoding",
            format!(
                "POST /proxy/8x8{LIST} HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /proxy/8x8/../_sim HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
            )
            .into_bytes(),
        ),
    ]
}

/// Sends each attack to a fresh stack and checks it was refused (4xx) with no upstream call.
async fn assert_refused(make: fn(&Targets) -> Vec<Attack>) {
    let stack = Stack::start(
        small_sim(),
        "rate_limit_per_minute = 0",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    let canary = canary().await;
    let attacks = make(&Targets {
        canary: canary.addr,
        sim: stack.sim,
    });
    let mut failures = Vec::new();
    for attack in &attacks {
        let before = sim_total(&stack).await;
        let (status, head) = raw(stack.proxy, &attack.bytes).await;
        let upstream = sim_total(&stack).await - before;
        let refused = status.is_some_and(|s| (400..500).contains(&s));
        if !refused || upstream > 0 {
            let first = head.lines().take(6).collect::<Vec<_>>().join(" | ");
            failures.push(format!(
                "{}: status {status:?}, {upstream} upstream call(s): {first}",
                attack.name
            ));
        }
    }
    assert_eq!(
        canary.hits.load(Ordering::SeqCst),
        0,
        "the canary host was called"
    );
    assert!(
        failures.is_empty(),
        "{} of {} attacks not refused before any upstream call:\n{}",
        failures.len(),
        attacks.len(),
        failures.join("\n")
    );
    assert_eq!(sim_total(&stack).await, 0);
}

#[tokio::test]
async fn path_traversal_is_refused_before_any_upstream_call() {
    assert_refused(traversal).await;
}

#[tokio::test]
async fn ssrf_attempts_are_refused_before_any_upstream_call() {
    assert_refused(ssrf).await;
}

#[tokio::test]
async fn disallowed_methods_and_cross_site_writes_are_refused() {
    assert_refused(methods).await;
}

#[tokio::test]
async fn header_and_request_line_injection_is_refused() {
    assert_refused(injection).await;
}

#[test]
fn at_least_thirty_distinct_attacks() {
    let targets = Targets {
        canary: "127.0.0.1:9".parse().unwrap(),
        sim: "127.0.0.1:10".parse().unwrap(),
    };
    let all: Vec<Attack> = [traversal, ssrf, methods, injection]
        .iter()
        .flat_map(|make| make(&targets))
        .collect();
    let names: std::collections::HashSet<_> = all.iter().map(|a| a.name.as_str()).collect();
    let requests: std::collections::HashSet<_> = all.iter().map(|a| a.bytes.as_slice()).collect();
    assert_eq!(names.len(), all.len(), "attack names are distinct");
    assert_eq!(requests.len(), all.len(), "attack requests are distinct");
    assert!(all.len() >= 30, "{} attacks", all.len());
}

/// Where the caller cannot choose the upstream, hostile Host, forwarding headers, absolute-form
/// targets and URLs in the query still reach only the source's configured base URL.
#[tokio::test]
async fn hostile_hosts_and_urls_on_a_valid_route_reach_only_the_configured_upstream() {
    let stack = Stack::start(
        small_sim(),
        "rate_limit_per_minute = 0",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    let canary = canary().await;
    let c = canary.addr;
    let path = format!("/proxy/8x8{LIST}?limit=1");
    let attempts = [
        request("Host: canary", "GET", &path, &[format!("Host: {c}")], ""),
        request(
            "forwarding headers",
            "GET",
            &path,
            &[
                format!("X-Forwarded-Host: {c}"),
                format!("Forwarded: host={c}"),
                format!("X-Original-URL: http://{c}/"),
                "X-HTTP-Method-Override: DELETE".to_owned(),
            ],
            "",
        ),
        get(
            "absolute-form target with the canary's authority",
            &format!("http://{c}{path}"),
        ),
        get(
            "a URL in a query parameter",
            &format!("{path}&url=http://{c}/&next=//{c}/"),
        ),
        get("userinfo-looking query", &format!("{path}&@{c}")),
    ];
    for attempt in &attempts {
        let before = stack.sim_count("8x8").await;
        let (status, head) = raw(stack.proxy, &attempt.bytes).await;
        assert_eq!(status, Some(200), "{}: {head}", attempt.name);
        assert_eq!(stack.sim_count("8x8").await, before + 1, "{}", attempt.name);
    }
    assert_eq!(canary.hits.load(Ordering::SeqCst), 0);
}

/// OPTIONS that is no preflight from an allowed origin is refused by the proxy itself (405
/// when it is no preflight at all, 403 for a foreign origin), never calls upstream, and
/// grants nothing.
#[tokio::test]
async fn options_is_answered_by_the_proxy_without_an_upstream_call_or_a_grant() {
    let stack = Stack::start(
        small_sim(),
        "rate_limit_per_minute = 0",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    let path = format!("/proxy/8x8{LIST}");
    let attempts = [
        (
            405,
            request("OPTIONS with a body", "OPTIONS", &path, &[], r#"{"x":1}"#),
        ),
        (
            403,
            request(
                "preflight for DELETE from a foreign origin",
                "OPTIONS",
                &path,
                &[
                    "Origin: https://evil.example".to_owned(),
                    "Access-Control-Request-Method: DELETE".to_owned(),
                ],
                "",
            ),
        ),
    ];
    for (expected, attempt) in &attempts {
        let (status, head) = raw(stack.proxy, &attempt.bytes).await;
        assert_eq!(status, Some(*expected), "{}: {head}", attempt.name);
        assert!(
            !head.to_ascii_lowercase().contains("access-control-allow-origin"),
            "{}: {head}",
            attempt.name
        );
    }
    assert_eq!(sim_total(&stack).await, 0);
}

fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// 10,000 reads at 200 in flight through the proxy to the simulator (both in this process,
/// on loopback): every one answered 200, and the process's memory stays bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_at_200_concurrency_without_errors_or_growth() {
    const TOTAL: usize = 10_000;
    const CONCURRENCY: usize = 200;
    let sim = cardfile_sim::SimConfig {
        smartflo_rate_per_sec: 1_000_000,
        ..small_sim()
    };
    let stack = Stack::start(
        sim,
        "rate_limit_per_minute = 1000000",
        |sim| sources(sim, ""),
        demo_env(),
    )
    .await;
    // Symphony signs an RS512 JWT per request: in a debug build that alone would take
    // minutes, so the load goes through the other four kinds.
    let reads: Vec<String> = common::READS
        .iter()
        .filter(|(source, _)| *source != "symphony")
        .map(|(source, path)| format!("http://{}/proxy/{source}{path}", stack.proxy))
        .collect();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let run = |count: usize| {
        let client = client.clone();
        let reads = reads.clone();
        async move {
            futures_util::stream::iter(0..count)
                .map(|i| {
                    let client = client.clone();
                    let url = reads[i % reads.len()].clone();
                    async move {
                        match client.get(&url).send().await {
                            Ok(reply) if reply.status() == 200 => match reply.bytes().await {
                                Ok(body) if !body.is_empty() => Ok(()),
                                other => Err(format!("{url}: body {other:?}")),
                            },
                            Ok(reply) => Err(format!("{url}: status {}", reply.status())),
                            Err(e) => Err(format!("{url}: {e}")),
                        }
                    }
                })
                .buffer_unordered(CONCURRENCY)
                .filter_map(|r| async move { r.err() })
                .collect::<Vec<String>>()
                .await
        }
    };
    // Warm up: tokens fetched, connection pools and allocator arenas filled.
    let errors = run(2 * CONCURRENCY).await;
    assert!(errors.is_empty(), "warm-up errors: {errors:?}");
    let rss_before = vm_rss_kib();
    let started = Instant::now();
    let errors = run(TOTAL).await;
    let elapsed = started.elapsed();
    let rss_after = vm_rss_kib();
    let growth_mib = rss_after.saturating_sub(rss_before) as f64 / 1024.0;
    eprintln!(
        "{TOTAL} requests at {CONCURRENCY} concurrency in {:.1} s ({:.0}/s); RSS {} → {} KiB (+{growth_mib:.1} MiB)",
        elapsed.as_secs_f64(),
        TOTAL as f64 / elapsed.as_secs_f64(),
        rss_before,
        rss_after
    );
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(growth_mib < 64.0, "RSS grew by {growth_mib:.1} MiB");
    assert!(elapsed < Duration::from_secs(90), "took {elapsed:?}");
}
