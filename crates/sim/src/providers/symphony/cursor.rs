//! Symphony's opaque paging cursors: base64url of an offset bound to the query it came
//! from and signed with a per-process key, so a forged or garbled cursor is refused.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

pub(crate) const DEFAULT_LIMIT: usize = 50;
pub(crate) const MAX_LIMIT: usize = 100;

/// Why a page request was refused.
pub(crate) enum PageError {
    BadCursor,
    BadLimit,
}

/// One page of a result of `len` items: the window to show and the `pagination` object.
pub(crate) struct Page {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) pagination: Value,
}

/// What identifies a query: its path and every parameter but the paging ones.
fn fingerprint(keys: &impl BuildHasher, path: &str, params: &HashMap<String, String>) -> u64 {
    let mut filters: Vec<(&String, &String)> = params
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "before" | "after" | "limit"))
        .collect();
    filters.sort();
    let mut h = keys.build_hasher();
    h.write(path.as_bytes());
    for (k, v) in filters {
        h.write(k.as_bytes());
        h.write_u8(0);
        h.write(v.as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

fn mac(keys: &impl BuildHasher, offset: usize, fingerprint: u64) -> u64 {
    let mut h = keys.build_hasher();
    h.write_u64(0x5ec0_0c75);
    h.write_usize(offset);
    h.write_u64(fingerprint);
    h.finish()
}

fn encode(keys: &impl BuildHasher, offset: usize, fp: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{offset}:{fp:016x}:{:016x}", mac(keys, offset, fp)))
}

fn decode(keys: &impl BuildHasher, cursor: &str, fp: u64) -> Option<usize> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?).ok()?;
    let mut parts = raw.split(':');
    let offset = parts.next()?.parse::<usize>().ok()?;
    let given_fp = u64::from_str_radix(parts.next()?, 16).ok()?;
    let given_mac = u64::from_str_radix(parts.next()?, 16).ok()?;
    (parts.next().is_none() && given_fp == fp && given_mac == mac(keys, offset, fp)).then_some(offset)
}

/// Works out the page `params` ask for (`before`, `after`, `limit`) over `len` items.
pub(crate) fn page(
    keys: &impl BuildHasher,
    path: &str,
    params: &HashMap<String, String>,
    len: usize,
) -> Result<Page, PageError> {
    let limit = match params.get("limit").map(|l| l.parse::<usize>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(l)) if (1..=MAX_LIMIT).contains(&l) => l,
        Some(_) => return Err(PageError::BadLimit),
    };
    let fp = fingerprint(keys, path, params);
    let cursor = |name: &str| {
        params
            .get(name)
            .map(|c| decode(keys, c, fp).ok_or(PageError::BadCursor))
    };
    let (start, end) = match (cursor("after").transpose()?, cursor("before").transpose()?) {
        (Some(_), Some(_)) => return Err(PageError::BadCursor),
        (Some(after), None) => (after.min(len), after.saturating_add(limit).min(len)),
        (None, Some(before)) => {
            let before = before.min(len);
            (before.saturating_sub(limit), before)
        }
        (None, None) => (0, limit.min(len)),
    };
    let before = encode(keys, start, fp);
    let after = encode(keys, end, fp);
    let pagination = json!({
        "previous": (start > 0).then(|| format!("?before={before}")),
        "next": (end < len).then(|| format!("?after={after}")),
        "cursors": {"before": before, "after": after},
    });
    Ok(Page {
        start,
        end,
        pagination,
    })
}
