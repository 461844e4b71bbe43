//! RS512 JWT verification as Symphony Connect does it: signature against the customer's
//! public key, `sub = "ces:customer:<key name>"`, `exp` at most 30 minutes after `iat`,
//! not expired, and a `jti` that has not been seen before.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::sha2::Sha512;
use rsa::signature::Verifier;
use serde_json::Value;

/// Longest lifetime Symphony accepts: `exp - iat <= 30 min`.
pub(crate) const MAX_LIFETIME_SECS: u64 = 1800;
/// Clock skew tolerated on `iat` in the future.
const SKEW_SECS: u64 = 60;

/// Parses an RSA public key PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
pub(crate) fn parse_public_key(pem: &str) -> Result<rsa::PublicKey, String> {
    rsa::PublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| rsa::PublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|e| e.to_string())
}

pub(crate) struct JwtVerifier {
    key: Option<VerifyingKey<Sha512>>,
    expected_sub: String,
    /// Seen `jti`s with their token's `exp`, forgotten once that has passed.
    seen: Mutex<HashMap<String, u64>>,
}

impl JwtVerifier {
    /// With an invalid key every token is refused (and the problem logged).
    pub(crate) fn new(public_key_pem: &str, key_name: &str) -> Self {
        let key = match parse_public_key(public_key_pem) {
            Ok(key) => Some(VerifyingKey::<Sha512>::new(key)),
            Err(e) => {
                tracing::error!("Symphony public key unusable, every token will be refused: {e}");
                None
            }
        };
        JwtVerifier {
            key,
            expected_sub: format!("ces:customer:{key_name}"),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Verifies `token` at time `now` (epoch seconds); the error says why it was refused.
    pub(crate) fn verify(&self, token: &str, now: u64) -> Result<(), String> {
        let key = self.key.as_ref().ok_or("no usable public key is configured")?;
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("the token is not a JWS compact serialization".into());
        };
        let header = decode_json(header).ok_or("the JWT header is not base64url JSON")?;
        if header["alg"].as_str() != Some("RS512") {
            return Err("the JWT must be signed with RS512".into());
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|s| Signature::try_from(s.as_slice()).ok())
            .ok_or("the JWT signature is not base64url")?;
        let signed = &token[..header_and_payload_len(token)];
        key.verify(signed.as_bytes(), &signature)
            .map_err(|_| "the JWT signature does not verify")?;
        let claims = decode_json(payload).ok_or("the JWT claims are not base64url JSON")?;
        if claims["sub"].as_str() != Some(self.expected_sub.as_str()) {
            return Err(format!("sub must be {}", self.expected_sub));
        }
        let (Some(iat), Some(exp)) = (claims["iat"].as_u64(), claims["exp"].as_u64()) else {
            return Err("iat and exp must be numeric dates".into());
        };
        if exp > iat.saturating_add(MAX_LIFETIME_SECS) {
            return Err("exp must be at most 30 minutes after iat".into());
        }
        if now >= exp {
            return Err("the JWT has expired".into());
        }
        if iat > now + SKEW_SECS {
            return Err("the JWT is issued in the future".into());
        }
        let jti = claims["jti"]
            .as_str()
            .filter(|j| !j.is_empty())
            .ok_or("jti is missing")?;
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.retain(|_, exp| *exp > now);
        if seen.insert(jti.to_owned(), exp).is_some() {
            return Err("the JWT's jti has already been used".into());
        }
        Ok(())
    }
}

fn header_and_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

fn decode_json(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok()
}
