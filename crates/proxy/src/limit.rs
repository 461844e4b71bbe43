//! Per-client rate limit on `/proxy/`: a token bucket per client address (an IPv6 client
//! counts by its /64, which one host usually owns whole). Buckets that have refilled are
//! dropped now and then, so memory stays bounded by the clients of the last few minutes.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::Proxy;
use crate::forward::refuse;

/// How often full buckets are swept away.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Past this many clients a sweep runs at once.
const MAX_CLIENTS: usize = 100_000;

pub(crate) struct RateLimiter {
    /// Tokens per second.
    rate: f64,
    /// Bucket size (the burst a client may make at once).
    capacity: f64,
    state: Mutex<Buckets>,
}

struct Buckets {
    by_client: HashMap<IpAddr, (f64, Instant)>,
    last_sweep: Instant,
}

impl RateLimiter {
    /// `per_minute` requests a minute, in bursts of up to as many; None when 0 (no limit).
    pub(crate) fn new(per_minute: u32) -> Option<Self> {
        (per_minute > 0).then(|| RateLimiter {
            rate: f64::from(per_minute) / 60.0,
            capacity: f64::from(per_minute),
            state: Mutex::new(Buckets {
                by_client: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        })
    }

    /// Takes one token for `client`, or says how long until one is there.
    pub(crate) fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if now.saturating_duration_since(state.last_sweep) >= SWEEP_EVERY
            || state.by_client.len() >= MAX_CLIENTS
        {
            let (rate, capacity) = (self.rate, self.capacity);
            state.by_client.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < capacity
            });
            state.last_sweep = now;
        }
        let (tokens, at) = state
            .by_client
            .entry(client_key(client))
            .or_insert((self.capacity, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * self.rate).min(self.capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / self.rate))
        }
    }
}

/// An IPv6 client is keyed by its /64; an IPv4-mapped address as the IPv4 address.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The client's address: the connection's peer, or behind a trusted load balancer the last
/// `X-Forwarded-For` entry. None when neither is known (one bucket for all such clients).
fn client_ip<B>(request: &axum::http::Request<B>, trust_forwarded: bool) -> Option<IpAddr> {
    if trust_forwarded && let Some(ip) = last_forwarded_for(request.headers()) {
        return Some(ip);
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// The 429 for a client over its rate (taking one of its tokens otherwise); None when the
/// request may go on.
pub(crate) fn refusal<B>(proxy: &Proxy, request: &axum::http::Request<B>) -> Option<Response> {
    let limiter = proxy.limiter.as_ref()?;
    let client =
        client_ip(request, proxy.config.trust_x_forwarded_for).unwrap_or(IpAddr::V4([0, 0, 0, 0].into()));
    let wait = limiter.take(client, Instant::now()).err()?;
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("too many requests from this client; retry in {secs} s"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    tracing::info!(status = 429, "request refused: rate limited");
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_the_rate() {
        let limiter = RateLimiter::new(60).unwrap();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take(ip, t0).is_ok());
        }
        let wait = limiter.take(ip, t0).unwrap_err();
        assert!(
            wait <= Duration::from_secs(1) && wait > Duration::from_millis(900),
            "{wait:?}"
        );
        assert!(
            limiter.take("10.0.0.2".parse().unwrap(), t0).is_ok(),
            "per client"
        );
        assert!(limiter.take(ip, t0 + Duration::from_secs(1)).is_ok());
        assert!(limiter.take(ip, t0 + Duration::from_secs(1)).is_err());
        assert!(RateLimiter::new(0).is_none());
    }

    #[test]
    fn ipv6_clients_share_their_64_and_full_buckets_are_swept() {
        let limiter = RateLimiter::new(1).unwrap();
        let t0 = Instant::now();
        assert!(limiter.take("2001:db8::1".parse().unwrap(), t0).is_ok());
        assert!(limiter.take("2001:db8::2".parse().unwrap(), t0).is_err());
        assert!(limiter.take("::ffff:10.0.0.9".parse().unwrap(), t0).is_ok());
        assert!(limiter.take("10.0.0.9".parse().unwrap(), t0).is_err());
        let later = t0 + SWEEP_EVERY * 2;
        assert!(limiter.take("10.0.0.10".parse().unwrap(), later).is_ok());
        let state = limiter.state.lock().unwrap();
        assert_eq!(state.by_client.len(), 1, "refilled buckets are gone");
    }

    #[test]
    fn forwarded_for_takes_the_entry_the_balancer_added() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 10.0.0.7"));
        assert_eq!(last_forwarded_for(&headers), Some("10.0.0.7".parse().unwrap()));
        headers.insert("x-forwarded-for", HeaderValue::from_static("junk"));
        assert_eq!(last_forwarded_for(&headers), None);
    }
}
