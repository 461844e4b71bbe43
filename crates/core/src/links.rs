//! `tel:` and `mailto:` links built only from values that cannot carry anything else.

use crate::phone;

/// `tel:+351912345678` for a number with 4 to 15 digits; `None` for anything else.
pub fn tel_href(number: &str, default_cc: Option<&str>) -> Option<String> {
    if !phone::looks_like_phone(number) {
        return None;
    }
    let normalized = phone::normalize(number, default_cc);
    let digits = normalized.trim_start_matches('+');
    ((4..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("tel:{normalized}"))
}

/// `mailto:` for a plain address (`local@domain.tld`, no spaces, quotes, `?`, `&` or other
/// characters that would add headers); `None` otherwise.
pub fn mailto_href(address: &str) -> Option<String> {
    let address = address.trim();
    let (local, domain) = address.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let domain_ok = domain.len() <= 253
        && domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (local_ok && domain_ok).then(|| format!("mailto:{address}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_links_are_digits_only() {
        assert_eq!(
            tel_href("+351 912-345-678", None).as_deref(),
            Some("tel:+351912345678")
        );
        assert_eq!(
            tel_href("0912 345 678", Some("351")).as_deref(),
            Some("tel:+351912345678")
        );
        for bad in [
            "+1 555<script>",
            "javascript:alert(1)",
            "12",
            "+1234567890123456789",
            "1 555 0100;ext=2",
        ] {
            assert_eq!(tel_href(bad, None), None, "{bad}");
        }
    }

    #[test]
    fn mailto_links_take_plain_addresses_only() {
        assert_eq!(
            mailto_href(" ana.silva+vip@exemplo.pt ").as_deref(),
            Some("mailto:ana.silva+vip@exemplo.pt")
        );
        for bad in [
            "ana@exemplo.pt?bcc=evil@x.com",
            "\"a b\"@x.pt",
            "ana@localhost",
            "javascript:alert(1)//@x.pt",
            "ana@x.pt\r\nBcc: e@x.pt",
            "@x.pt",
        ] {
            assert_eq!(mailto_href(bad), None, "{bad}");
        }
    }
}
