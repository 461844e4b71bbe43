//! Whether a contact answers a query, decided locally: for sources that cannot search
//! (Smartflo, indexed in the browser) and to hold every source to the whole query when its
//! own search only understood part of it.

use crate::{Contact, Query, phone};

/// Lower-case with common Latin accents removed, so "Conceição" matches "conceicao".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        out.push(match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'ç' | 'č' | 'ć' => 'c',
            'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ě' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' | 'ń' => 'n',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
            'ý' | 'ÿ' => 'y',
            'š' | 'ś' => 's',
            'ž' | 'ź' | 'ż' => 'z',
            'ß' => 's',
            other => other,
        });
    }
    out
}

/// The words of a text query, folded; empty words dropped.
pub fn words(query: &str) -> Vec<String> {
    fold(query).split_whitespace().map(str::to_owned).collect()
}

/// The single word to send to a provider whose search takes one term: the longest, which is
/// the most selective. Local filtering then holds results to every word.
pub fn search_term(query: &str) -> String {
    query
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default()
        .to_owned()
}

/// Everything a text search looks at, folded into one string.
pub fn haystack(contact: &Contact) -> String {
    let mut hay = String::new();
    for part in [
        Some(contact.display_name.as_str()),
        contact.first_name.as_deref(),
        contact.last_name.as_deref(),
        contact.company.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        hay.push_str(part);
        hay.push(' ');
    }
    for email in &contact.emails {
        hay.push_str(&email.value);
        hay.push(' ');
    }
    fold(&hay)
}

/// Whether `contact` answers `query`: every word for text, formatting-blind numbers for phone,
/// case-blind addresses for email.
pub fn matches(contact: &Contact, query: &Query) -> bool {
    match query {
        Query::Text(text) => {
            let hay = haystack(contact);
            words(text).iter().all(|w| hay.contains(w.as_str()))
        }
        Query::Phone(number) => contact
            .phones
            .iter()
            .any(|p| phone::phone_matches(&p.value, number) || phone::phone_matches(&p.normalized, number)),
        Query::Email(address) => {
            let address = address.trim();
            contact
                .emails
                .iter()
                .any(|e| e.value.trim().eq_ignore_ascii_case(address))
        }
        Query::Id(id) => contact.id == *id,
    }
}

/// Like [`matches`] with `words` already folded, for scanning a large local index: the
/// haystacks are built once per contact, not once per keystroke.
pub fn matches_prepared(hay: &str, contact: &Contact, query: &Query, words: &[String]) -> bool {
    match query {
        Query::Text(_) => words.iter().all(|w| hay.contains(w.as_str())),
        _ => matches(contact, query),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Email, Phone, ProviderKind};

    fn maria() -> Contact {
        let mut c = Contact::new("s", ProviderKind::Smartflo, "1".into());
        c.display_name = "Maria da Conceição Oliveira".into();
        c.company = Some("Acme Seguros".into());
        c.phones.push(Phone {
            value: "0912-345-678".into(),
            normalized: "+351912345678".into(),
            label: None,
            rank: None,
        });
        c.emails.push(Email {
            value: "Maria.Oliveira@Exemplo.pt".into(),
            label: None,
        });
        c
    }

    #[test]
    fn text_needs_every_word_in_any_order_and_ignores_accents() {
        assert!(matches(&maria(), &Query::Text("oliveira maria".into())));
        assert!(matches(&maria(), &Query::Text("CONCEICAO".into())));
        assert!(matches(&maria(), &Query::Text("acme".into())));
        assert!(!matches(&maria(), &Query::Text("maria santos".into())));
    }

    #[test]
    fn phone_and_email_ignore_format_and_case() {
        assert!(matches(&maria(), &Query::Phone("+351 912 345 678".into())));
        assert!(matches(&maria(), &Query::Phone("00351912345678".into())));
        assert!(!matches(&maria(), &Query::Phone("+351 912 345 679".into())));
        assert!(matches(
            &maria(),
            &Query::Email("maria.oliveira@exemplo.pt".into())
        ));
        assert!(!matches(&maria(), &Query::Email("maria@exemplo.pt".into())));
    }

    #[test]
    fn search_term_is_the_most_selective_word() {
        assert_eq!(search_term("Maria  Oliveira"), "Oliveira");
        assert_eq!(search_term(""), "");
    }
}
