//! Tolerant readers over `serde_json::Value`: providers send numbers where strings were
//! documented, nulls for missing values and fields nobody documented.

use serde_json::Value;

use crate::ProviderError;

pub(crate) fn parse_body(provider: &'static str, body: &[u8]) -> Result<Value, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::NotJson {
        provider,
        reason: e.to_string(),
    })
}

/// A string, or a number or boolean written as one; `None` for null, missing or blank.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    scalar_text(v.get(key)?)
}

/// [`text`] for a value itself rather than one of its keys.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A finite number, also when sent as a string.
pub(crate) fn number(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| n.is_finite())
}

pub(crate) fn required_text(provider: &'static str, v: &Value, key: &str) -> Result<String, ProviderError> {
    text(v, key).ok_or_else(|| ProviderError::MissingField {
        provider,
        field: key.to_owned(),
    })
}

/// A non-negative whole number, also when sent as a string.
pub(crate) fn count(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean, also when sent as the string `"true"` or `"false"`.
pub(crate) fn flag(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The array at `key`; missing or null is empty, anything else is a type error.
pub(crate) fn list<'a>(
    provider: &'static str,
    v: &'a Value,
    key: &str,
) -> Result<&'a [Value], ProviderError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ProviderError::WrongType {
            provider,
            field: key.to_owned(),
            reason: "expected an array".into(),
        }),
    }
}

/// Like [`list`], but a missing key is a [`ProviderError::MissingField`] named `field`
/// (null still reads as empty: providers send null for "nothing").
pub(crate) fn required_list<'a>(
    provider: &'static str,
    v: &'a Value,
    key: &str,
    field: &str,
) -> Result<&'a [Value], ProviderError> {
    match v.get(key) {
        None => Err(ProviderError::MissingField {
            provider,
            field: field.to_owned(),
        }),
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) => Ok(&[]),
        Some(_) => Err(ProviderError::WrongType {
            provider,
            field: field.to_owned(),
            reason: "expected an array".into(),
        }),
    }
}

/// The body as an object, or a type error naming the body.
pub(crate) fn object_body(provider: &'static str, v: &Value) -> Result<(), ProviderError> {
    if v.is_object() {
        Ok(())
    } else {
        Err(ProviderError::WrongType {
            provider,
            field: "(body)".into(),
            reason: "expected an object".into(),
        })
    }
}

/// An error body read leniently: anything that is not JSON reads as null, so an HTML error
/// page from a gateway still becomes a status error.
pub(crate) fn lenient_body(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}
