//! Timestamps as providers send them, made ISO-8601 without a date crate.

use serde_json::Value;

/// The timestamp at `key`: epoch milliseconds (number or digit string) become an ISO-8601 UTC
/// string, text keeps its value with a `+hhmm` offset written `+hh:mm`.
pub(crate) fn timestamp(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64().map(from_epoch_millis),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                None
            } else if let Some(ms) = epoch_digits(s) {
                Some(from_epoch_millis(ms))
            } else {
                Some(colon_offset(s))
            }
        }
        _ => None,
    }
}

fn epoch_digits(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `2024-05-08T12:45:03+0000` → `2024-05-08T12:45:03+00:00`; anything else unchanged.
pub(crate) fn colon_offset(s: &str) -> String {
    let Some(split) = s.len().checked_sub(5) else {
        return s.to_owned();
    };
    let (Some(head), Some(tail)) = (s.get(..split), s.get(split..)) else {
        return s.to_owned();
    };
    let mut chars = tail.chars();
    let sign = chars.next();
    let rest = chars.as_str();
    let has_time = head.contains(':') && head.ends_with(|c: char| c.is_ascii_digit());
    match (sign, rest.split_at_checked(2)) {
        (Some(sign @ ('+' | '-')), Some((hh, mm)))
            if has_time && rest.chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{head}{sign}{hh}:{mm}")
        }
        _ => s.to_owned(),
    }
}

/// Epoch milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (with `.mmm` when not on a whole second).
pub(crate) fn from_epoch_millis(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (secs, millis) = (in_day / 1000, in_day % 1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let fraction = if millis == 0 {
        String::new()
    } else {
        format!(".{millis:03}")
    };
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}{fraction}Z")
}

/// Proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_millis_become_utc_dates() {
        assert_eq!(from_epoch_millis(0), "1970-01-01T00:00:00Z");
        assert_eq!(from_epoch_millis(1_715_172_303_000), "2024-05-08T12:45:03Z");
        assert_eq!(from_epoch_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(from_epoch_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(from_epoch_millis(4_107_542_400_000), "2100-03-01T00:00:00Z");
        // Extremes must not overflow.
        let _ = from_epoch_millis(i64::MAX);
        let _ = from_epoch_millis(i64::MIN);
    }

    #[test]
    fn offsets_gain_their_colon() {
        assert_eq!(
            colon_offset("2024-05-08T12:45:03+0000"),
            "2024-05-08T12:45:03+00:00"
        );
        assert_eq!(
            colon_offset("2024-05-08T12:45:03-0530"),
            "2024-05-08T12:45:03-05:30"
        );
        assert_eq!(
            colon_offset("2024-05-08T12:45:03+05:30"),
            "2024-05-08T12:45:03+05:30"
        );
        assert_eq!(colon_offset("2024-05-08"), "2024-05-08");
        assert_eq!(colon_offset("+0000"), "+0000");
        assert_eq!(colon_offset("é+0000"), "é+0000");
    }
}
