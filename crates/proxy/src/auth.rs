//! Credentials the proxy adds to upstream calls. Secrets are read from the environment once
//! at start-up and are never logged: every type holding one has a redacted `Debug`, and every
//! header value built from one is marked sensitive.
//!
//! - `bearer`: a static key.
//! - `basic`: HTTP Basic, plus the GWS session (`JSESSIONID` cookie and CSRF token) writes need.
//! - `oauth2_client_credentials` and `password_login`: a token fetched from the provider,
//!   cached until shortly before it expires, fetched by one request at a time however many
//!   wait (they queue on the cache's lock and find the fresh token), refreshed once when the
//!   provider answers 401, and backed off exponentially after failures.
//! - `jwt_rs512`: a fresh signed JWT per request (Symphony refuses a reused `jti`).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha512;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};

use crate::config;

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A secret header value; `Debug` never prints it.
#[derive(Clone)]
pub struct Secret(HeaderValue);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    fn header(value: &str) -> Option<Self> {
        let mut value = HeaderValue::from_str(value).ok()?;
        value.set_sensitive(true);
        Some(Secret(value))
    }

    pub(crate) fn value(&self) -> HeaderValue {
        self.0.clone()
    }
}

/// Why no credential could be had for a request. No upstream API call is made then.
#[derive(Debug)]
pub(crate) enum AuthFailure {
    /// The provider's token or login endpoint refused the proxy's credentials; its answer
    /// (not secret: an error code and message) goes back to the widget as it came.
    Refused {
        status: StatusCode,
        content_type: Option<HeaderValue>,
        body: Bytes,
    },
    /// Recent failures: the proxy waits before trying again, so it neither hammers the
    /// provider nor gets the account locked.
    Backoff { retry_after: Duration, why: String },
    /// The token endpoint could not be reached or gave an unusable answer.
    Unavailable(String),
}

/// What one upstream call carries: the `Authorization` value and, for cached tokens, which
/// token it was (so a 401 invalidates that token only, not a newer one).
pub(crate) struct Grant {
    pub(crate) authorization: HeaderValue,
    token_id: u64,
}

pub(crate) enum Credential {
    Bearer(Secret),
    Basic { header: Secret, session: Session },
    Token(TokenSource),
    Jwt(JwtSigner),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::Bearer(_) => "Credential::Bearer(..)",
            Credential::Basic { .. } => "Credential::Basic(..)",
            Credential::Token(_) => "Credential::Token(..)",
            Credential::Jwt(_) => "Credential::Jwt(..)",
        })
    }
}

/// Reads one secret variable, naming it (never its value) when it is missing.
fn required(env: Env<'_>, source_id: &str, name: &str) -> Result<String, String> {
    env(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("source `{source_id}`: environment variable {name} is not set"))
}

impl Credential {
    pub fn from_config(source_id: &str, auth: &config::Auth, env: Env<'_>) -> Result<Self, String> {
        let unfit =
            |name: &str| format!("source `{source_id}`: {name} holds characters not allowed in a header");
        match auth {
            config::Auth::Bearer { token_env } => {
                let token = required(env, source_id, token_env)?;
                Ok(Credential::Bearer(
                    Secret::header(&format!("Bearer {token}")).ok_or_else(|| unfit(token_env))?,
                ))
            }
            config::Auth::Basic {
                username_env,
                password_env,
                csrf_path,
            } => {
                let user = required(env, source_id, username_env)?;
                let password = required(env, source_id, password_env)?;
                if user.contains(':') {
                    return Err(format!(
                        "source `{source_id}`: the user name in {username_env} must not contain `:`"
                    ));
                }
                let header = Secret::header(&basic(&user, &password)).ok_or_else(|| unfit(password_env))?;
                Ok(Credential::Basic {
                    header,
                    session: Session::new(csrf_path),
                })
            }
            config::Auth::OAuth2ClientCredentials {
                token_url,
                client_id_env,
                client_secret_env,
                scope,
                backoff_initial_ms,
                backoff_max_ms,
            } => {
                let id = required(env, source_id, client_id_env)?;
                let secret = required(env, source_id, client_secret_env)?;
                if id.contains(':') {
                    return Err(format!(
                        "source `{source_id}`: the client id in {client_id_env} must not contain `:`"
                    ));
                }
                let client_auth =
                    Secret::header(&basic(&id, &secret)).ok_or_else(|| unfit(client_secret_env))?;
                let mut form = String::from("grant_type=client_credentials");
                if let Some(scope) = scope.as_deref().filter(|s| !s.is_empty()) {
                    form.push_str("&scope=");
                    form.push_str(&form_encode(scope));
                }
                Ok(Credential::Token(TokenSource::new(
                    source_id,
                    Fetch::OAuth2 {
                        url: token_url.clone(),
                        client_auth,
                        form,
                    },
                    Backoff {
                        initial: Duration::from_millis(*backoff_initial_ms),
                        max: Duration::from_millis(*backoff_max_ms),
                        max_refusals: None,
                    },
                )))
            }
            config::Auth::PasswordLogin {
                login_url,
                email_env,
                password_env,
                backoff_initial_ms,
                backoff_max_ms,
                max_failed_logins,
            } => {
                let email = required(env, source_id, email_env)?;
                let password = required(env, source_id, password_env)?;
                let body = serde_json::to_vec(&json!({"email": email, "password": password}))
                    .map_err(|e| format!("source `{source_id}`: cannot build the login body: {e}"))?;
                Ok(Credential::Token(TokenSource::new(
                    source_id,
                    Fetch::Login {
                        url: login_url.clone(),
                        body: SecretBytes(Bytes::from(body)),
                    },
                    Backoff {
                        initial: Duration::from_millis(*backoff_initial_ms),
                        max: Duration::from_millis(*backoff_max_ms),
                        max_refusals: Some(*max_failed_logins),
                    },
                )))
            }
            config::Auth::JwtRs512 {
                private_key_file_env,
                private_key_env,
                key_name,
                lifetime_secs,
            } => {
                let pem = match (private_key_file_env, private_key_env) {
                    (Some(file_env), _) => {
                        let path = required(env, source_id, file_env)?;
                        std::fs::read_to_string(&path).map_err(|e| {
                            format!("source `{source_id}`: cannot read the private key file named by {file_env}: {e}")
                        })?
                    }
                    (None, Some(key_env)) => required(env, source_id, key_env)?,
                    (None, None) => {
                        return Err(format!("source `{source_id}`: jwt_rs512 needs a private key"));
                    }
                };
                let which = private_key_file_env
                    .as_deref()
                    .or(private_key_env.as_deref())
                    .unwrap_or("");
                let key = parse_private_key(&pem).ok_or_else(|| {
                    format!("source `{source_id}`: the key from {which} is not an RSA private key PEM (PKCS#8 or PKCS#1)")
                })?;
                Ok(Credential::Jwt(JwtSigner {
                    key: Arc::new(SigningKey::<Sha512>::new(key)),
                    sub: format!("ces:customer:{key_name}"),
                    lifetime_secs: *lifetime_secs,
                }))
            }
        }
    }

    /// The credential for the next upstream call.
    pub(crate) async fn grant(&self, client: &reqwest::Client) -> Result<Grant, AuthFailure> {
        match self {
            Credential::Bearer(secret) | Credential::Basic { header: secret, .. } => Ok(Grant {
                authorization: secret.value(),
                token_id: 0,
            }),
            Credential::Token(source) => source.grant(client).await,
            Credential::Jwt(signer) => signer.grant().await,
        }
    }

    /// The credential for the next upstream call when it is there without waiting: a static
    /// key or Basic credentials.
    pub(crate) fn ready_grant(&self) -> Option<Grant> {
        match self {
            Credential::Bearer(secret) | Credential::Basic { header: secret, .. } => Some(Grant {
                authorization: secret.value(),
                token_id: 0,
            }),
            Credential::Token(_) | Credential::Jwt(_) => None,
        }
    }

    /// Whether a 401 from the provider is worth one retry with a fresh credential.
    pub(crate) fn refreshes_on_401(&self) -> bool {
        matches!(self, Credential::Token(_))
    }

    /// Forgets the token `used` carried (the provider said 401 to it).
    pub(crate) async fn invalidate(&self, used: &Grant) {
        if let Credential::Token(source) = self {
            source.invalidate(used.token_id).await;
        }
    }

    pub(crate) fn session(&self) -> Option<&Session> {
        match self {
            Credential::Basic { session, .. } => Some(session),
            _ => None,
        }
    }

    /// Fetches made by a token credential so far (tests and metrics).
    #[cfg(test)]
    pub(crate) fn fetches(&self) -> u64 {
        match self {
            Credential::Token(source) => source.fetches.load(Ordering::Relaxed),
            _ => 0,
        }
    }
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn parse_private_key(pem: &str) -> Option<rsa::PrivateKey> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    let pem = pem.trim();
    rsa::PrivateKey::from_pkcs8_pem(pem)
        .ok()
        .or_else(|| rsa::PrivateKey::from_pkcs1_pem(pem).ok())
}

/// Request body bytes holding a secret (the login's password).
struct SecretBytes(Bytes);

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBytes(..)")
    }
}

// ---------------------------------------------------------------------------------------
// Cached tokens: OAuth2 client credentials and password login.

enum Fetch {
    OAuth2 {
        url: String,
        client_auth: Secret,
        form: String,
    },
    Login {
        url: String,
        body: SecretBytes,
    },
}

struct Backoff {
    initial: Duration,
    max: Duration,
    /// Credential refusals in a row after which the proxy stops trying until restarted.
    max_refusals: Option<u32>,
}

impl Backoff {
    fn delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(20);
        self.initial.saturating_mul(1 << doublings).min(self.max)
    }
}

struct Cached {
    authorization: HeaderValue,
    id: u64,
    /// Past this the token is refreshed before use...
    refresh_at: Instant,
    /// ...and past this it is not used at all.
    expires_at: Instant,
}

#[derive(Default)]
struct TokenState {
    current: Option<Cached>,
    issued: u64,
    failures: u32,
    refusals: u32,
    retry_at: Option<Instant>,
    disabled: bool,
    last_failure: String,
}

pub(crate) struct TokenSource {
    source_id: String,
    fetch: Fetch,
    backoff: Backoff,
    /// Held across a fetch: that is what keeps one fetch in flight at a time.
    state: tokio::sync::Mutex<TokenState>,
    fetches: AtomicU64,
}

/// Lifetime assumed when a token endpoint gives no `expires_in`.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// Longest a token is kept, whatever the provider says.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Retry-After given while logins are disabled for good.
const DISABLED_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Largest error body from a token endpoint passed back.
const MAX_ERROR_BODY: usize = 16 * 1024;

impl TokenSource {
    fn new(source_id: &str, fetch: Fetch, backoff: Backoff) -> Self {
        TokenSource {
            source_id: source_id.to_owned(),
            fetch,
            backoff,
            state: tokio::sync::Mutex::new(TokenState::default()),
            fetches: AtomicU64::new(0),
        }
    }

    async fn grant(&self, client: &reqwest::Client) -> Result<Grant, AuthFailure> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let usable = |state: &TokenState, before: fn(&Cached) -> Instant| {
            state.current.as_ref().filter(|c| now < before(c)).map(|c| Grant {
                authorization: c.authorization.clone(),
                token_id: c.id,
            })
        };
        if let Some(grant) = usable(&state, |c| c.refresh_at) {
            return Ok(grant);
        }
        let waiting = if state.disabled {
            Some(DISABLED_RETRY_AFTER)
        } else {
            state.retry_at.filter(|at| now < *at).map(|at| at - now)
        };
        if let Some(retry_after) = waiting {
            // Still backing off: an old token that has not quite expired is better than none.
            return usable(&state, |c| c.expires_at).ok_or_else(|| AuthFailure::Backoff {
                retry_after,
                why: state.last_failure.clone(),
            });
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match self.fetch(client).await {
            Ok((token, lifetime)) => {
                let mut authorization = HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| AuthFailure::Unavailable("the provider issued a malformed token".into()))?;
                authorization.set_sensitive(true);
                let now = Instant::now();
                // Refresh a minute early, or a tenth early for short-lived tokens.
                let margin = (lifetime / 10).min(Duration::from_secs(60));
                state.issued += 1;
                state.current = Some(Cached {
                    authorization: authorization.clone(),
                    id: state.issued,
                    refresh_at: now + lifetime - margin,
                    expires_at: now + lifetime,
                });
                state.failures = 0;
                state.refusals = 0;
                state.retry_at = None;
                tracing::info!(
                    source = %self.source_id,
                    lifetime_s = lifetime.as_secs(),
                    "upstream token obtained"
                );
                Ok(Grant {
                    authorization,
                    token_id: state.issued,
                })
            }
            Err(failure) => {
                state.failures += 1;
                let refused = matches!(failure, AuthFailure::Refused { .. });
                if refused {
                    state.refusals += 1;
                }
                let delay = self.backoff.delay(state.failures).min(MAX_TOKEN_LIFETIME);
                state.retry_at = Some(Instant::now() + delay);
                state.last_failure = match &failure {
                    AuthFailure::Refused { status, .. } => {
                        format!(
                            "the provider refused the proxy's credentials (HTTP {})",
                            status.as_u16()
                        )
                    }
                    AuthFailure::Unavailable(why) | AuthFailure::Backoff { why, .. } => why.clone(),
                };
                if let Some(max) = self.backoff.max_refusals
                    && state.refusals >= max
                {
                    state.disabled = true;
                    state.last_failure = format!(
                        "{}; {max} refused logins in a row, so the proxy stopped logging in (fix the credentials and restart it)",
                        state.last_failure
                    );
                }
                tracing::warn!(
                    source = %self.source_id,
                    failures = state.failures,
                    retry_in_s = delay.as_secs_f32(),
                    disabled = state.disabled,
                    "upstream token request failed: {}",
                    state.last_failure
                );
                match usable(&state, |c| c.expires_at) {
                    Some(grant) => Ok(grant),
                    None => Err(failure),
                }
            }
        }
    }

    async fn invalidate(&self, token_id: u64) {
        let mut state = self.state.lock().await;
        if state.current.as_ref().is_some_and(|c| c.id == token_id) {
            state.current = None;
        }
    }

    /// One request to the token or login endpoint: the token and its lifetime.
    async fn fetch(&self, client: &reqwest::Client) -> Result<(String, Duration), AuthFailure> {
        let request = match &self.fetch {
            Fetch::OAuth2 {
                url,
                client_auth,
                form,
            } => client
                .post(url)
                .header(header::AUTHORIZATION, client_auth.value())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form.clone()),
            Fetch::Login { url, body } => client
                .post(url)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.0.clone()),
        };
        let reply = request
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| {
                AuthFailure::Unavailable(if e.is_timeout() {
                    "the token endpoint did not answer in time".into()
                } else {
                    "the token endpoint could not be reached".into()
                })
            })?;
        let status = reply.status();
        let content_type = reply.headers().get(header::CONTENT_TYPE).cloned();
        let body = read_capped(reply, MAX_ERROR_BODY * 4).await;
        if matches!(status.as_u16(), 400 | 401 | 403) {
            return Err(AuthFailure::Refused {
                status,
                content_type,
                body: body.slice(..body.len().min(MAX_ERROR_BODY)),
            });
        }
        if !status.is_success() {
            return Err(AuthFailure::Unavailable(format!(
                "the token endpoint answered HTTP {}",
                status.as_u16()
            )));
        }
        let value: Value = serde_json::from_slice(&body)
            .map_err(|_| AuthFailure::Unavailable("the token endpoint's answer is not JSON".into()))?;
        let token = value["access_token"].as_str().filter(|t| !t.is_empty());
        let Some(token) = token else {
            // Smartflo may say `{success:false, message}` with a 2xx: a refusal all the same.
            if value["success"] == json!(false) || value["success"] == json!("false") {
                return Err(AuthFailure::Refused {
                    status: StatusCode::UNAUTHORIZED,
                    content_type,
                    body: body.slice(..body.len().min(MAX_ERROR_BODY)),
                });
            }
            return Err(AuthFailure::Unavailable(
                "the token endpoint's answer has no access_token".into(),
            ));
        };
        let lifetime = match &value["expires_in"] {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|s| *s > 0)
        .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs)
        .min(MAX_TOKEN_LIFETIME);
        Ok((token.to_owned(), lifetime))
    }
}

/// Reads at most `cap` bytes of a reply's body (more is dropped).
async fn read_capped(mut reply: reqwest::Response, cap: usize) -> Bytes {
    let mut out = Vec::new();
    while let Ok(Some(chunk)) = reply.chunk().await {
        let room = cap.saturating_sub(out.len());
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= cap {
            break;
        }
    }
    Bytes::from(out)
}

// ---------------------------------------------------------------------------------------
// Symphony: RS512 JWTs.

pub(crate) struct JwtSigner {
    key: Arc<SigningKey<Sha512>>,
    sub: String,
    lifetime_secs: u64,
}

impl JwtSigner {
    async fn grant(&self) -> Result<Grant, AuthFailure> {
        let key = self.key.clone();
        let claims = self.claims()?;
        // RSA signing is CPU work: keep it off the request threads.
        let token = tokio::task::spawn_blocking(move || sign(&key, &claims))
            .await
            .map_err(|_| AuthFailure::Unavailable("signing the JWT failed".into()))??;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| AuthFailure::Unavailable("signing the JWT failed".into()))?;
        authorization.set_sensitive(true);
        Ok(Grant {
            authorization,
            token_id: 0,
        })
    }

    fn claims(&self) -> Result<Value, AuthFailure> {
        let iat = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| AuthFailure::Unavailable("the system clock is before 1970".into()))?
            .as_secs();
        Ok(json!({
            "sub": self.sub,
            "iat": iat,
            "exp": iat + self.lifetime_secs,
            "jti": uuid_v4().map_err(|_| AuthFailure::Unavailable("no randomness for the JWT id".into()))?,
        }))
    }
}

fn sign(key: &SigningKey<Sha512>, claims: &Value) -> Result<String, AuthFailure> {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS512","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let signature = key
        .try_sign(signing_input.as_bytes())
        .map_err(|_| AuthFailure::Unavailable("signing the JWT failed".into()))?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

/// A random (version 4) UUID, as Symphony wants for `jti`.
fn uuid_v4() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

// ---------------------------------------------------------------------------------------
// GWS: the session cookie and CSRF token writes must carry.

const CSRF_NAME_HEADER: &str = "x-csrf-header";
const DEFAULT_CSRF_HEADER: &str = "x-csrf-token";
const SESSION_COOKIE: &str = "JSESSIONID";

#[derive(Clone)]
pub(crate) struct CsrfSession {
    id: u64,
    /// `JSESSIONID=...` for the `Cookie` header.
    cookie: HeaderValue,
    header_name: HeaderName,
    token: Option<HeaderValue>,
}

impl CsrfSession {
    /// Adds the session cookie, and the CSRF token when `write`, to an upstream request's headers.
    pub(crate) fn apply(&self, headers: &mut HeaderMap, write: bool) {
        headers.insert(header::COOKIE, self.cookie.clone());
        if write && let Some(token) = &self.token {
            headers.insert(self.header_name.clone(), token.clone());
        }
    }
}

pub(crate) struct Session {
    csrf_path: String,
    current: Mutex<Option<CsrfSession>>,
    /// One CSRF fetch at a time.
    gate: tokio::sync::Mutex<()>,
    issued: AtomicU64,
}

impl Session {
    fn new(csrf_path: &str) -> Self {
        Session {
            csrf_path: csrf_path.to_owned(),
            current: Mutex::new(None),
            gate: tokio::sync::Mutex::new(()),
            issued: AtomicU64::new(0),
        }
    }

    pub(crate) fn current(&self) -> Option<CsrfSession> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Keeps the session a provider's answer handed out (a new `JSESSIONID` cookie with its
    /// CSRF token), so later calls reuse it instead of opening a session each.
    pub(crate) fn observe(&self, headers: &HeaderMap) -> bool {
        let Some(cookie) = session_cookie(headers) else {
            return false;
        };
        let header_name = headers
            .get(CSRF_NAME_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
            // Only an `X-...` header: an upstream must not make the proxy overwrite, say,
            // `Authorization` or `Host`.
            .filter(|name| name.as_str().starts_with("x-"))
            .unwrap_or(HeaderName::from_static(DEFAULT_CSRF_HEADER));
        let token = headers.get(&header_name).cloned().map(|mut t| {
            t.set_sensitive(true);
            t
        });
        let id = self.issued.fetch_add(1, Ordering::Relaxed) + 1;
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(CsrfSession {
            id,
            cookie,
            header_name,
            token,
        });
        true
    }

    /// Forgets the session `used` (the provider answered 403 to a write carrying it).
    pub(crate) fn invalidate(&self, used: &CsrfSession) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_some_and(|c| c.id == used.id) {
            *current = None;
        }
    }

    /// A session with a CSRF token for a write, from a GET to `csrf_path` when none is kept.
    pub(crate) async fn for_write(
        &self,
        client: &reqwest::Client,
        base_url: &str,
        authorization: HeaderValue,
    ) -> Result<CsrfSession, AuthFailure> {
        if let Some(s) = self.current().filter(|s| s.token.is_some()) {
            return Ok(s);
        }
        let _one_at_a_time = self.gate.lock().await;
        if let Some(s) = self.current().filter(|s| s.token.is_some()) {
            return Ok(s);
        }
        let reply = client
            .get(format!("{base_url}{}", self.csrf_path))
            .header(header::AUTHORIZATION, authorization)
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|_| AuthFailure::Unavailable("the CSRF token could not be fetched".into()))?;
        let status = reply.status();
        if matches!(status.as_u16(), 401 | 403) {
            let content_type = reply.headers().get(header::CONTENT_TYPE).cloned();
            return Err(AuthFailure::Refused {
                status,
                content_type,
                body: read_capped(reply, MAX_ERROR_BODY).await,
            });
        }
        self.observe(reply.headers());
        self.current().filter(|s| s.token.is_some()).ok_or_else(|| {
            AuthFailure::Unavailable("the provider handed out no CSRF token and session".into())
        })
    }
}

/// `JSESSIONID=<value>` from a reply's `Set-Cookie` headers, sensitive.
fn session_cookie(headers: &HeaderMap) -> Option<HeaderValue> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .and_then(|(name, value)| HeaderValue::from_str(&format!("{name}={value}")).ok())
        .map(|mut v| {
            v.set_sensitive(true);
            v
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let b = Backoff {
            initial: Duration::from_secs(30),
            max: Duration::from_secs(600),
            max_refusals: None,
        };
        let delays: Vec<u64> = (1..=7).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(b.delay(u32::MAX).as_secs(), 600);
    }

    #[test]
    fn jti_is_a_fresh_v4_uuid_each_time() {
        let a = uuid_v4().unwrap();
        let b = uuid_v4().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!("89ab".contains(&a[19..20]));
    }

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(form_encode("fsi-contacts:read x"), "fsi-contacts%3Aread+x");
    }

    #[test]
    fn debug_output_never_holds_a_secret() {
        let env = |name: &str| match name {
            "K" => Some("very-secret-key".to_owned()),
            "U" => Some("user".to_owned()),
            "P" => Some("very-secret-password".to_owned()),
            _ => None,
        };
        let schemes = [
            config::Auth::Bearer {
                token_env: "K".into(),
            },
            config::Auth::Basic {
                username_env: "U".into(),
                password_env: "P".into(),
                csrf_path: "/x".into(),
            },
            config::Auth::OAuth2ClientCredentials {
                token_url: "http://127.0.0.1:1/t".into(),
                client_id_env: "U".into(),
                client_secret_env: "P".into(),
                scope: None,
                backoff_initial_ms: 1,
                backoff_max_ms: 1,
            },
            config::Auth::PasswordLogin {
                login_url: "http://127.0.0.1:1/t".into(),
                email_env: "U".into(),
                password_env: "P".into(),
                backoff_initial_ms: 1,
                backoff_max_ms: 1,
                max_failed_logins: 1,
            },
        ];
        for auth in &schemes {
            let credential = Credential::from_config("s", auth, &env).unwrap();
            let shown = format!("{credential:?} {auth:?}");
            assert!(
                !shown.contains("very-secret") && !shown.contains(&STANDARD.encode("user:very")[..8]),
                "{shown}"
            );
            assert_eq!(credential.fetches(), 0);
        }
        let secret = Secret::header("Bearer very-secret-key").unwrap();
        assert!(secret.value().is_sensitive());
        assert_eq!(format!("{secret:?}"), "Secret(..)");
    }
}
