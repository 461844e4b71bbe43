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
    if !path.starts_with("/_sim") {
        let provider = path.trim_start_matches('/').split('/').next().unwrap_or_default();
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
