//! Tata Smartflo: `POST /v1/auth/login` (with lockout after repeated failures) and
//! `GET /v1/contacts` (page/limit, no total, no text search, `updated_after`, per-account
//! rate limit).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::Sim;
use crate::auth::lockout::Lockout;
use crate::auth::rate::RateLimiter;
use crate::auth::tokens::{Check, TokenStore};
use crate::data::Person;

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;
const GROUPS: &[(u64, &str)] = &[
    (101, "Default"),
    (102, "VIP Customers"),
    (103, "Collections"),
    (104, "Leads"),
];
const TIERS: &[&str] = &["Silver", "Gold", "Platinum"];

struct Record {
    value: Value,
    id: u64,
    group_id: u64,
    updated_at: u64,
}

pub(crate) struct Store {
    records: Vec<Record>,
    pub(crate) tokens: TokenStore,
    lockout: Lockout,
    rate: RateLimiter,
}

/// Smartflo's timestamp: `2024-05-08T12:45:03+0000` (no colon in the offset).
fn timestamp(secs: u64) -> String {
    crate::data::iso8601(secs).replace('Z', "+0000")
}

fn record(p: &Person) -> Record {
    let id = 4_100_000 + p.index as u64 * 3;
    let (group_id, group_name) = GROUPS[p.index % GROUPS.len()];
    let created = 1_672_531_200 + p.index as u64 * 7_919;
    let updated = created + (p.index as u64 % 97) * 86_400 + 3_600;
    let email = match p.index % 5 {
        2 => Value::Null,
        0 => json!(p.email.to_uppercase()),
        _ => json!(p.email),
    };
    let custom_fields = if p.index % 3 == 1 {
        json!([])
    } else {
        json!([
            {"name": "City", "value": p.city},
            {"name": "Customer Tier", "value": TIERS[p.index % TIERS.len()]},
        ])
    };
    let value = json!({
        "id": id,
        "contact_group_id": group_id,
        "contact_group_name": group_name,
        "phone_number": p.phone_in_style(p.index + 1),
        "name": if p.index % 7 == 3 { Value::Null } else { json!(p.full_name()) },
        "email_id": email,
        "address": if p.index % 3 == 2 { Value::Null } else { json!(format!("{}, {} {}", p.street, p.postal_code, p.city)) },
        "company_name": p.company,
        "custom_fields": custom_fields,
        "created_at": timestamp(created),
        "updated_at": timestamp(updated),
        "deleted_at": if p.index % 29 == 14 { json!(timestamp(updated + 60)) } else { Value::Null },
    });
    Record {
        value,
        id,
        group_id,
        updated_at: updated,
    }
}

impl Store {
    pub(crate) fn new(people: &[Person]) -> Self {
        Store {
            // Half the people are Smartflo contacts.
            records: people
                .iter()
                .filter(|p| p.index.is_multiple_of(2))
                .map(record)
                .collect(),
            tokens: TokenStore::default(),
            lockout: Lockout::default(),
            rate: RateLimiter::default(),
        }
    }
}

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/v1/auth/login", post(login))
        .route("/v1/contacts", get(contacts))
}

/// Smartflo's error `{success:false, message}`; its 429 says `"success":"false"` (a string).
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return (
            status,
            Json(json!({"success": "false", "message": "Too many requests."})),
        )
            .into_response();
    }
    (status, Json(json!({"success": false, "message": message}))).into_response()
}

async fn login(State(sim): State<Arc<Sim>>, body: Result<Json<Value>, JsonRejection>) -> Response {
    let creds = &sim.config.credentials;
    let store = &sim.smartflo;
    let given = body.ok().and_then(|Json(b)| {
        Some((
            b.get("email")?.as_str()?.to_owned(),
            b.get("password")?.as_str()?.to_owned(),
        ))
    });
    let Some((email, password)) = given else {
        return error(StatusCode::BAD_REQUEST, "email and password are required");
    };
    let account = email.eq_ignore_ascii_case(&creds.smartflo_email);
    if account && store.lockout.is_locked(sim.config.smartflo_lock) {
        return error(
            StatusCode::FORBIDDEN,
            "Your account has been locked due to multiple failed login attempts.",
        );
    }
    if !account || password != creds.smartflo_password {
        if account {
            store.lockout.fail();
        }
        return error(StatusCode::UNAUTHORIZED, "Invalid email or password");
    }
    store.lockout.succeed();
    let ttl = sim.config.smartflo_token_ttl;
    let token = store.tokens.issue(ttl, &creds.smartflo_email);
    Json(json!({
        "success": true,
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl.as_secs(),
    }))
    .into_response()
}

/// The account a valid token belongs to.
fn authorize(sim: &Sim, headers: &HeaderMap) -> Result<String, Response> {
    let token =
        crate::auth::bearer(headers).ok_or_else(|| error(StatusCode::UNAUTHORIZED, "Unauthorized"))?;
    match sim.smartflo.tokens.check(token) {
        Check::Valid { scope: account } => Ok(account),
        Check::Expired => Err(error(StatusCode::UNAUTHORIZED, "Token has expired")),
        Check::Unknown => Err(error(StatusCode::UNAUTHORIZED, "Unauthorized")),
    }
}

fn number(params: &HashMap<String, String>, name: &str) -> Result<Option<u64>, Response> {
    params
        .get(name)
        .map(|v| v.trim().parse::<u64>())
        .transpose()
        .map_err(|_| error(StatusCode::BAD_REQUEST, &format!("{name} must be a number")))
}

async fn contacts(
    State(sim): State<Arc<Sim>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let account = match authorize(&sim, &headers) {
        Ok(a) => a,
        Err(denied) => return denied,
    };
    if !sim
        .smartflo
        .rate
        .allow(&account, sim.config.smartflo_rate_per_sec)
    {
        return error(StatusCode::TOO_MANY_REQUESTS, "Too many requests.");
    }
    let answer = (|| {
        let page = number(&params, "page")?.unwrap_or(1).max(1) as usize;
        let limit = number(&params, "limit")?.unwrap_or(DEFAULT_LIMIT as u64) as usize;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(error(StatusCode::BAD_REQUEST, "limit must be between 1 and 100"));
        }
        let contact_id = number(&params, "contact_id")?;
        let group_id = number(&params, "contact_group_id")?;
        let updated_after = match params.get("updated_after") {
            None => None,
            Some(v) => Some(parse_time(v).ok_or_else(|| {
                error(
                    StatusCode::BAD_REQUEST,
                    "updated_after must be a date-time like 2024-05-08T12:45:03+0000",
                )
            })?),
        };
        let results: Vec<&Value> = sim
            .smartflo
            .records
            .iter()
            .filter(|r| contact_id.is_none_or(|id| r.id == id))
            .filter(|r| group_id.is_none_or(|g| r.group_id == g))
            .filter(|r| updated_after.is_none_or(|t| r.updated_at > t))
            .skip((page - 1).saturating_mul(limit))
            .take(limit)
            .map(|r| &r.value)
            .collect();
        Ok(super::page_body(
            json!({"page": page, "size": results.len(), "limit": limit}),
            "results",
            &results,
        ))
    })();
    answer.unwrap_or_else(|e| e)
}

/// Epoch seconds of `YYYY-MM-DD[(T| )HH:MM[:SS]][Z|±HHMM|±HH:MM]`.
fn parse_time(s: &str) -> Option<u64> {
    let s = s.trim();
    let num = |range: std::ops::Range<usize>| s.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if s.get(4..5)? != "-" || s.get(7..8)? != "-" || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (mut secs, rest) = if s.len() == 10 {
        (0, "")
    } else {
        if !matches!(s.get(10..11)?, "T" | " ") {
            return None;
        }
        let (h, min) = (num(11..13)?, num(14..16)?);
        let (sec, rest) = match s.get(16..17) {
            Some(":") => (num(17..19)?, s.get(19..)?),
            _ => (0, s.get(16..)?),
        };
        (h * 3600 + min * 60 + sec, rest)
    };
    let rest = rest.split_once('.').map_or(rest, |(_, frac)| {
        frac.trim_start_matches(|c: char| c.is_ascii_digit())
    });
    match rest {
        "" | "Z" => {}
        offset => {
            let sign = match offset.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let digits: String = offset[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 {
                return None;
            }
            let (oh, om) = (
                digits[0..2].parse::<i64>().ok()?,
                digits[2..4].parse::<i64>().ok()?,
            );
            secs -= sign * (oh * 3600 + om * 60);
        }
    }
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for secs in [0, 1_715_172_303, 1_672_531_200 + 999 * 7_919] {
            assert_eq!(parse_time(&timestamp(secs)), Some(secs));
        }
        assert_eq!(timestamp(1_715_172_303), "2024-05-08T12:45:03+0000");
        assert_eq!(parse_time("2024-05-08"), Some(1_715_126_400));
        assert_eq!(parse_time("2024-05-08 14:45:03+02:00"), Some(1_715_172_303));
        assert_eq!(parse_time("2024-05-08T12:45:03.123Z"), Some(1_715_172_303));
        assert_eq!(parse_time("yesterday"), None);
    }
}
