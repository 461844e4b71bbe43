//! `/_sim/...`: what tests and benchmarks use to see how the simulator was called.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::Sim;

/// Requests received per provider prefix, so a test can prove a request did (or did not)
/// reach a provider.
#[derive(Debug, Default)]
pub struct RequestLog {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl RequestLog {
    fn record(&self, provider: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *counts.entry(provider.to_owned()).or_default() += 1;
    }

    fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn clear(&self) {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/_sim/requests", get(requests).delete(clear_requests))
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
        sim.log.record(provider);
    }
    next.run(request).await
}
