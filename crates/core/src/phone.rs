//! Phone numbers, normalized without regex or a numbering-plan database: enough to match the
//! same number written in different formats by different providers.

/// True when `input` is plausibly a phone number: at least 4 digits and nothing but digits,
/// a leading `+`, spaces and `-().` punctuation.
pub fn looks_like_phone(input: &str) -> bool {
    let mut digits = 0;
    for (i, c) in input.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits += 1,
            '+' if i == 0 => {}
            ' ' | '-' | '(' | ')' | '.' | '/' => {}
            _ => return false,
        }
    }
    digits >= 4
}

/// Digits only, international numbers with a leading `+`. `00` becomes `+`; a national number
/// with a trunk `0` prefix takes `default_cc` (e.g. "351") when one is configured.
pub fn normalize(input: &str, default_cc: Option<&str>) -> String {
    let trimmed = input.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if trimmed.starts_with('+') {
        return format!("+{digits}");
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return format!("+{rest}");
    }
    match default_cc
        .map(|cc| cc.trim_start_matches('+'))
        .filter(|cc| !cc.is_empty())
    {
        Some(cc) => format!("+{cc}{}", digits.strip_prefix('0').unwrap_or(&digits)),
        None => digits,
    }
}

/// Whether two numbers are the same line, blind to formatting and to national versus
/// international form: the shorter digit string (at least 7 digits, trunk `0` removed) must
/// end the longer one.
pub fn phone_matches(a: &str, b: &str) -> bool {
    let a = significant_digits(a);
    let b = significant_digits(b);
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 7 && long.ends_with(&short)
}

fn significant_digits(input: &str) -> String {
    let n = normalize(input, None);
    let digits = n.trim_start_matches('+');
    if n.starts_with('+') {
        digits.to_owned()
    } else {
        digits.trim_start_matches('0').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_forms_agree() {
        assert_eq!(normalize("+351 912 345 678", None), "+351912345678");
        assert_eq!(normalize("00351-912-345-678", None), "+351912345678");
        assert_eq!(normalize("0912 345 678", Some("351")), "+351912345678");
        assert_eq!(normalize("(212) 555-0100", None), "2125550100");
    }

    #[test]
    fn matching_is_blind_to_format() {
        assert!(phone_matches("+351 912 345 678", "00351912345678"));
        assert!(phone_matches("+351 912 345 678", "912-345-678"));
        assert!(phone_matches("0912 345 678", "+351912345678"));
        assert!(!phone_matches("+351 912 345 678", "+351 912 345 679"));
        assert!(
            !phone_matches("345 678", "+351 912 345 678"),
            "too few digits to call a match"
        );
    }
}
