//! `/_sim/...`: what tests and benchmarks use to see how the simulator was called.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::Sim;

/// How many recent requests `GET /_sim/log` keeps.
const RECENT: usize = 1000;

/// One request as `GET /_sim/log` shows it: whether credentials came, never their value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub auth_header: bool,
}

/// Requests received per provider prefix, and the most recent ones, so a test can prove a
/// request did (or did not) reach a provider, and how.
#[derive(Debug, Default)]
pub struct RequestLog {
    counts: Mutex<BTreeMap<String, u64>>,
    recent: Mutex<VecDeque<LoggedRequest>>,
}

impl RequestLog {
    fn record(&self, provider: &str, request: LoggedRequest) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *counts.entry(provider.to_owned()).or_default() += 1;
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back(request);
    }

    fn recent(&self) -> Vec<LoggedRequest> {
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn clear(&self) {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).clear();
        self.recent.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/_sim/requests", get(requests).delete(clear_requests))
        .route("/_sim/log", get(log).delete(clear_requests))
        .route("/_sim/timings", get(timings).delete(clear_timings))
}

/// The last 1000 requests, oldest first.
async fn log(State(sim): State<Arc<Sim>>) -> Json<Vec<LoggedRequest>> {
    Json(sim.log.recent())
}

async fn requests(State(sim): State<Arc<Sim>>) -> Json<BTreeMap<String, u64>> {
    Json(sim.log.snapshot())
}

async fn clear_requests(State(sim): State<Arc<Sim>>) -> impl IntoResponse {
    sim.log.clear();
    axum::http::StatusCode::NO_CONTENT
}

pub(crate) async fn count_requests(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if let Some(provider) = provider_of(path) {
        let logged = LoggedRequest {
            method: request.method().to_string(),
            path: path.to_owned(),
            query: request.uri().query().unwrap_or_default().to_owned(),
            auth_header: request.headers().contains_key(axum::http::header::AUTHORIZATION),
        };
        sim.log.record(provider, logged);
    }
    next.run(request).await
}

/// Server time per provider: from the request reaching the routes to the response being built
/// (the JSON body is serialized by then), without injected latency, the socket or loopback a
/// client-side timer would add. `GET /_sim/timings` summarizes it; `make bench` reports it as
/// `sim_page_server_us`.
#[derive(Debug, Default)]
pub struct Timings {
    micros: Mutex<BTreeMap<String, VecDeque<u32>>>,
}

/// Samples kept per provider (the most recent).
const TIMING_SAMPLES: usize = 20_000;

#[derive(Debug, serde::Serialize)]
struct TimingSummary {
    count: usize,
    p50_us: u32,
    p90_us: u32,
    p99_us: u32,
    max_us: u32,
}

impl Timings {
    fn record(&self, provider: &str, micros: u32) {
        let mut all = self.micros.lock().unwrap_or_else(PoisonError::into_inner);
        let samples = all.entry(provider.to_owned()).or_default();
        if samples.len() == TIMING_SAMPLES {
            samples.pop_front();
        }
        samples.push_back(micros);
    }

    fn summary(&self) -> BTreeMap<String, TimingSummary> {
        let all = self.micros.lock().unwrap_or_else(PoisonError::into_inner);
        all.iter()
            .map(|(provider, samples)| {
                let mut sorted: Vec<u32> = samples.iter().copied().collect();
                sorted.sort_unstable();
                let at = |q: f64| {
                    let rank = ((sorted.len() as f64 * q).ceil() as usize).saturating_sub(1);
                    sorted.get(rank).copied().unwrap_or_default()
                };
                let summary = TimingSummary {
                    count: sorted.len(),
                    p50_us: at(0.5),
                    p90_us: at(0.9),
                    p99_us: at(0.99),
                    max_us: sorted.last().copied().unwrap_or_default(),
                };
                (provider.clone(), summary)
            })
            .collect()
    }

    fn clear(&self) {
        self.micros.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

async fn timings(State(sim): State<Arc<Sim>>) -> Json<BTreeMap<String, TimingSummary>> {
    Json(sim.timings.summary())
}

async fn clear_timings(State(sim): State<Arc<Sim>>) -> impl IntoResponse {
    sim.timings.clear();
    axum::http::StatusCode::NO_CONTENT
}

/// Records the server time of each provider request and sends it as `Server-Timing: app;dur=`
/// (milliseconds), for browser devtools and clients.
pub(crate) async fn server_timing(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let provider = provider_of(request.uri().path()).map(str::to_owned);
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let elapsed = started.elapsed();
    if let Some(provider) = provider {
        sim.timings
            .record(&provider, u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX));
    }
    let header = format!("app;dur={:.3}", elapsed.as_secs_f64() * 1000.0);
    if let Ok(value) = axum::http::HeaderValue::from_str(&header) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// The provider prefix of a path (`/8x8/api/...` -> `8x8`); `None` for the control plane.
fn provider_of(path: &str) -> Option<&str> {
    if path.starts_with("/_sim") {
        return None;
    }
    path.trim_start_matches('/').split('/').next()
}
