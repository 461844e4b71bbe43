//! The client that forwards `/proxy/` requests: hyper's HTTP/1.1 client over rustls for
//! `https://` sources (the same verifier and crypto provider as reqwest's, which the proxy
//! still uses for token, login and CSRF calls), with a small connection pool per source.
//!
//! It is lean where a forwarder pays on every request:
//! - each source's base URL is parsed and normalised once at start-up; a request's target is
//!   the base path plus the already-checked raw path and query, in origin form;
//! - a connection is driven by the task of the request using it, not by a task of its own:
//!   the request, the provider's answer and its body move without waking another task, and
//!   once the body is through, the connection goes back to the pool (most recent first;
//!   unused for `POOL_IDLE_TIMEOUT`, it is closed);
//! - idle connections are kept per thread, so with the binary's one runtime per thread a
//!   connection is only used by the runtime whose reactor watches its socket;
//! - no URL parser, IDNA, redirect or retry layers, boxed futures or header copies.
//!
//! A pooled connection the provider closed meanwhile is noticed when it is taken, and a
//! request that could not be written on a reused connection is sent again on a new one
//! (as hyper's pooled client does); one already written is never sent twice.
//!
//! A source whose base URL is not plain (user info, query, fragment), or that an
//! `HTTP(S)_PROXY`/`ALL_PROXY` setting would send through a proxy, keeps going through
//! reqwest, which handles those.

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::uri::{Authority, PathAndQuery, Scheme};
use axum::http::{HeaderValue, Request, Response, Uri, header};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tower_service::Service;

/// As reqwest was configured: connecting may take this long (the whole call, `timeout_ms`).
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Idle pooled connections are closed after this long (reqwest's default).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// At most this many idle connections are kept per source and thread.
const POOL_MAX_IDLE: usize = 1024;
/// Idle connections are kept per thread (up to this many, then threads share), so a
/// connection is used by the thread whose runtime drives its socket.
const POOL_SLOTS: usize = 16;

static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SLOT: usize = NEXT_SLOT.fetch_add(1, Ordering::Relaxed) % POOL_SLOTS;
}

/// Idle connections of one source, per thread.
type IdleSlots = Arc<[Mutex<VecDeque<Idle>>; POOL_SLOTS]>;

/// This thread's idle connections.
fn slot(idle: &IdleSlots) -> std::sync::MutexGuard<'_, VecDeque<Idle>> {
    idle[SLOT.with(|s| *s)]
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

pub(crate) type Connector = HttpsConnector<HttpConnector>;
type Io = MaybeHttpsStream<TokioIo<TcpStream>>;
type Sender = http1::SendRequest<Full<Bytes>>;
type Connection = http1::Connection<Io, Full<Bytes>>;

/// The connector for `http://` and `https://` upstreams: TCP with `TCP_NODELAY`, rustls
/// with the platform's certificate verifier, HTTP/1.1 by ALPN.
pub(crate) fn connector() -> Result<Connector, String> {
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| format!("cannot set up TLS certificate verification: {e}"))?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

/// Why a call got no answer.
#[derive(Debug)]
pub(crate) enum SendError {
    /// Connecting timed out.
    Timeout,
    /// No connection, or it broke before the answer.
    Failed,
}

/// One source's upstream: where it is, and its idle connections.
pub(crate) struct Origin {
    connector: Connector,
    /// `scheme://authority/`, what the connector connects to.
    connect_to: Uri,
    /// The `Host` header: the authority (no user info; no port when it is the default).
    host: HeaderValue,
    /// The base URL's path, without a trailing `/` (empty for the root).
    prefix: String,
    idle: IdleSlots,
}

struct Idle {
    live: Box<Live>,
    since: Instant,
}

/// A connection in use: the request side and the connection future that does its I/O. Kept
/// boxed: it is large, and moves between the pool and the requests using it.
struct Live {
    sender: Sender,
    connection: Connection,
    /// The connection future has completed (closed or failed): it must not be polled again.
    done: bool,
}

impl Live {
    /// Lets the connection do what it can: read, write, notice a close.
    fn drive(&mut self, cx: &mut Context<'_>) {
        drive(&mut self.connection, &mut self.done, cx);
    }
}

fn drive(connection: &mut Connection, done: &mut bool, cx: &mut Context<'_>) {
    if !*done && Pin::new(connection).poll(cx).is_ready() {
        *done = true;
    }
}

impl Origin {
    /// The origin for a source's base URL, normalised the way reqwest's URL parser would
    /// (lower-case host, no default port, IDNA). None when the source must go through reqwest.
    pub(crate) fn new(
        base_url: &str,
        connector: &Connector,
        env_proxy: &hyper_util::client::proxy::matcher::Matcher,
    ) -> Option<Origin> {
        let url = url::Url::parse(base_url).ok()?;
        let plain = matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none()
            && url.host().is_some();
        if !plain {
            return None;
        }
        let authority: Authority = url[url::Position::BeforeHost..url::Position::AfterPort]
            .parse()
            .ok()?;
        let scheme = if url.scheme() == "https" {
            Scheme::HTTPS
        } else {
            Scheme::HTTP
        };
        let connect_to = Uri::builder()
            .scheme(scheme)
            .authority(authority.clone())
            .path_and_query("/")
            .build()
            .ok()?;
        if env_proxy.intercept(&connect_to).is_some() {
            return None;
        }
        Some(Origin {
            connector: connector.clone(),
            connect_to,
            host: HeaderValue::from_str(authority.as_str()).ok()?,
            prefix: url.path().trim_end_matches('/').to_owned(),
            idle: Arc::new(std::array::from_fn(|_| Mutex::default())),
        })
    }

    /// The request target for `{raw_path}?{query}` under the base path, in origin form. The
    /// path has passed the route check (nothing in it needs encoding); the query has passed
    /// `check_query`, and is encoded here the way reqwest's URL parser encodes the query of
    /// an http(s) URL, so the provider sees the same bytes as before.
    pub(crate) fn target(&self, raw_path: &str, query: Option<&str>) -> Option<PathAndQuery> {
        let mut target =
            String::with_capacity(self.prefix.len() + raw_path.len() + query.map_or(0, |q| q.len() * 3 + 1));
        target.push_str(&self.prefix);
        target.push_str(raw_path);
        if let Some(query) = query {
            target.push('?');
            for &b in query.as_bytes() {
                if b <= b' ' || b >= 0x7f || matches!(b, b'"' | b'#' | b'<' | b'>' | b'\'') {
                    const HEX: &[u8; 16] = b"0123456789ABCDEF";
                    target.push('%');
                    target.push(HEX[usize::from(b >> 4)] as char);
                    target.push(HEX[usize::from(b & 15)] as char);
                } else {
                    target.push(b as char);
                }
            }
        }
        PathAndQuery::from_maybe_shared(Bytes::from(target)).ok()
    }

    /// Sends `request` (origin-form target; `Host` is added here) and waits for the answer's
    /// head; its body comes as the provider sends it, cut off at `deadline`.
    pub(crate) async fn send(
        &self,
        mut request: Request<Full<Bytes>>,
        deadline: Instant,
    ) -> Result<Response<UpstreamBody>, SendError> {
        request.headers_mut().insert(header::HOST, self.host.clone());
        loop {
            let (mut live, reused) = match self.checkout().await {
                Some(live) => (live, true),
                // Boxed: most requests take a pooled connection, and need no room for this.
                None => (Box::pin(self.connect()).await?, false),
            };
            let sent = {
                let mut answer = pin!(live.sender.try_send_request(request));
                poll_fn(|cx| {
                    if let Poll::Ready(answer) = answer.as_mut().poll(cx) {
                        return Poll::Ready(answer);
                    }
                    // The connection writes the request, reads the answer and hands it over.
                    let Live { connection, done, .. } = &mut *live;
                    drive(connection, done, cx);
                    answer.as_mut().poll(cx)
                })
                .await
            };
            match sent {
                Ok(response) => {
                    return Ok(response.map(|body| UpstreamBody {
                        body,
                        live: Some(live),
                        idle: self.idle.clone(),
                        deadline,
                        sleep: None,
                    }));
                }
                Err(mut failed) => match failed.take_message() {
                    // Never written: the provider had closed this pooled connection.
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(SendError::Failed),
                },
            }
        }
    }

    /// The most recently used idle connection that is still open and ready for a request.
    async fn checkout(&self) -> Option<Box<Live>> {
        poll_fn(|cx| {
            loop {
                let Some(Idle { mut live, since }) = slot(&self.idle).pop_back() else {
                    return Poll::Ready(None);
                };
                if since.elapsed() >= POOL_IDLE_TIMEOUT {
                    continue;
                }
                live.drive(cx);
                if !live.done && live.sender.is_ready() {
                    return Poll::Ready(Some(live));
                }
            }
        })
        .await
    }

    async fn connect(&self) -> Result<Box<Live>, SendError> {
        let failed = |e: axum::BoxError| {
            if is_timeout(&*e) {
                SendError::Timeout
            } else {
                SendError::Failed
            }
        };
        let mut connector = self.connector.clone();
        poll_fn(|cx| connector.poll_ready(cx)).await.map_err(failed)?;
        let io = connector.call(self.connect_to.clone()).await.map_err(failed)?;
        let (sender, connection) = http1::Builder::new()
            .handshake(io)
            .await
            .map_err(|_| SendError::Failed)?;
        Ok(Box::new(Live {
            sender,
            connection,
            done: false,
        }))
    }
}

/// Whether an error is a timeout (connecting), as reqwest's `is_timeout` tells.
fn is_timeout(error: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// A provider's response body. Polling it drives the connection (which moves the provider's
/// bytes into it); once it is through, the connection goes back to the pool. It ends with
/// an error once the call's deadline passes (as reqwest's total timeout did); the timer is
/// only set when the body has to be waited for.
pub(crate) struct UpstreamBody {
    body: Incoming,
    live: Option<Box<Live>>,
    idle: IdleSlots,
    deadline: Instant,
    sleep: Option<Pin<Box<Sleep>>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the provider's response body did not arrive in time")]
pub(crate) struct BodyTimeout;

impl UpstreamBody {
    /// Puts the connection back in the pool if the exchange is complete and it is reusable.
    fn check_in(&mut self) {
        let Some(mut live) = self.live.take() else {
            return;
        };
        // One more turn, so the connection finishes the exchange and asks for the next
        // request (it is polled again, with a real waker, when taken from the pool).
        live.drive(&mut Context::from_waker(Waker::noop()));
        if live.done || !live.sender.is_ready() {
            return;
        }
        let now = Instant::now();
        let expired = {
            let mut idle = slot(&self.idle);
            let stale = idle
                .iter()
                .take_while(|i| now.duration_since(i.since) >= POOL_IDLE_TIMEOUT)
                .count();
            let expired: Vec<Idle> = idle.drain(..stale).collect();
            if idle.len() < POOL_MAX_IDLE {
                idle.push_back(Idle { live, since: now });
            }
            expired
        };
        // Closed outside the lock.
        drop(expired);
    }
}

impl HttpBody for UpstreamBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Some(live) = &mut this.live {
            live.drive(cx);
        }
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            if frame.is_none() || this.body.is_end_stream() {
                this.check_in();
            }
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        ready!(sleep.as_mut().poll(cx));
        this.live = None;
        Poll::Ready(Some(Err(BodyTimeout.into())))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for UpstreamBody {
    fn drop(&mut self) {
        // The server stops polling a body whose end it knows (`Content-Length`, HEAD, 204):
        // the exchange is complete all the same. Otherwise (the client went away mid-body)
        // the connection is dropped, which closes it.
        if self.body.is_end_stream() {
            self.check_in();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_proxy() -> hyper_util::client::proxy::matcher::Matcher {
        hyper_util::client::proxy::matcher::Matcher::builder().build()
    }

    fn origin(base: &str) -> Option<Origin> {
        Origin::new(base, &connector().unwrap(), &no_proxy())
    }

    #[test]
    fn bases_are_normalised_like_reqwest_and_odd_ones_left_to_it() {
        let o = origin("http://127.0.0.1:8081/8x8").unwrap();
        assert_eq!(o.connect_to.to_string(), "http://127.0.0.1:8081/");
        assert_eq!(o.host, "127.0.0.1:8081");
        assert_eq!(o.prefix, "/8x8");
        let o = origin("HTTPS://API.Example.com:443").unwrap();
        assert_eq!(o.connect_to.to_string(), "https://api.example.com/");
        assert_eq!(o.host, "api.example.com");
        assert_eq!(o.prefix, "");
        let o = origin("https://bücher.example:8443/x/y").unwrap();
        assert_eq!(o.host, "xn--bcher-kva.example:8443");
        assert_eq!(o.prefix, "/x/y");
        assert_eq!(origin("http://[::1]:9/a").unwrap().host, "[::1]:9");
        for odd in [
            "https://user:pw@api.example.com",
            "https://api.example.com/x?a=1",
            "https://api.example.com/x#f",
            "ftp://api.example.com",
        ] {
            assert!(origin(odd).is_none(), "{odd}");
        }
        let proxied = hyper_util::client::proxy::matcher::Matcher::builder()
            .all("http://egress.example:3128")
            .no("localhost")
            .build();
        let connector = connector().unwrap();
        assert!(Origin::new("https://api.example.com", &connector, &proxied).is_none());
        assert!(Origin::new("http://localhost:1", &connector, &proxied).is_some());
    }

    #[test]
    fn targets_carry_the_path_and_the_query_as_reqwest_sent_them() {
        let base = "http://127.0.0.1:1/gws";
        let o = origin(base).unwrap();
        let target = o
            .target("/api/v2/contacts/a;b", Some("q=Mar%C3%ADa&x='\"<>"))
            .unwrap();
        assert_eq!(
            target.as_str(),
            "/gws/api/v2/contacts/a;b?q=Mar%C3%ADa&x=%27%22%3C%3E"
        );
        let expected = url::Url::parse(&format!("{base}/api/v2/contacts/a;b?q=Mar%C3%ADa&x='\"<>")).unwrap();
        assert_eq!(&expected[url::Position::BeforePath..], target.as_str());
        assert_eq!(
            o.target("/v1/contacts", None).unwrap().as_str(),
            "/gws/v1/contacts"
        );
        assert_eq!(o.target("/v1/contacts", Some("")).unwrap().query(), Some(""));
        let root = origin("https://api.example.com/").unwrap();
        assert_eq!(
            root.target("/v1/contacts", None).unwrap().as_str(),
            "/v1/contacts"
        );
    }

    #[test]
    fn timeouts_are_told_from_other_failures() {
        let timed_out: Box<dyn StdError + Send + Sync> =
            Box::new(std::io::Error::new(std::io::ErrorKind::TimedOut, "connect"));
        assert!(is_timeout(&*timed_out));
        let refused: Box<dyn StdError + Send + Sync> = Box::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connect",
        ));
        assert!(!is_timeout(&*refused));
    }
}
