//! Contacts of a source that cannot search server-side (Smartflo), held in memory and
//! searched here. Each contact's search text is folded once, when it is added, so a keystroke
//! costs one pass of `contains` over prepared strings.

use cardfile_core::matching::{haystack, matches_prepared, words};
use cardfile_core::{Contact, Page, PageToken, Query};

/// Results per page of a local search.
pub const PAGE_SIZE: usize = 20;

#[derive(Default)]
pub struct LocalIndex {
    entries: Vec<(String, Contact)>,
    /// Every page has been read.
    pub complete: bool,
}

impl LocalIndex {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn add(&mut self, contacts: Vec<Contact>) {
        self.entries
            .extend(contacts.into_iter().map(|c| (haystack(&c), c)));
    }

    /// Page `at` (an item offset; `None` = the start) of the contacts answering `query`.
    pub fn search(&self, query: &Query, at: Option<&PageToken>) -> Page {
        let skip = match at {
            Some(PageToken::Offset(o)) => usize::try_from(*o).unwrap_or(usize::MAX),
            _ => 0,
        };
        let wanted = match query {
            Query::Text(t) => words(t),
            _ => Vec::new(),
        };
        let mut hits = self
            .entries
            .iter()
            .filter(|(hay, contact)| matches_prepared(hay, contact, query, &wanted))
            .map(|(_, c)| c);
        let mut total = 0u64;
        let mut contacts = Vec::new();
        for contact in hits.by_ref() {
            let position = total as usize;
            if position >= skip && contacts.len() < PAGE_SIZE {
                contacts.push(contact.clone());
            }
            total += 1;
        }
        let end = skip.saturating_add(contacts.len());
        let next = ((end as u64) < total).then_some(PageToken::Offset(end as u64));
        Page {
            contacts,
            next,
            total: Some(total),
        }
    }
}

#[cfg(test)]
mod tests {
    use cardfile_core::{Phone, ProviderKind};

    use super::*;

    fn contact(i: usize, name: &str) -> Contact {
        let mut c = Contact::new("smartflo", ProviderKind::Smartflo, i.to_string());
        c.display_name = name.into();
        c.phones.push(Phone {
            value: format!("98765{i:05}"),
            normalized: format!("+9198765{i:05}"),
            label: None,
            rank: None,
        });
        c
    }

    #[test]
    fn pages_through_local_matches_with_a_total() {
        let mut index = LocalIndex::default();
        index.add(
            (0..45)
                .map(|i| contact(i, if i % 3 == 0 { "Priya Sharma" } else { "Rohan Iyer" }))
                .collect(),
        );
        let first = index.search(&Query::Text("sharma priya".into()), None);
        assert_eq!(first.total, Some(15));
        assert_eq!(first.contacts.len(), 15);
        assert_eq!(first.next, None);
        let all = index.search(&Query::Text("r".into()), None);
        assert_eq!((all.total, all.contacts.len()), (Some(45), PAGE_SIZE));
        let second = index.search(&Query::Text("r".into()), all.next.as_ref());
        assert_eq!(second.contacts.first().map(|c| c.id.as_str()), Some("20"));
        let by_phone = index.search(&Query::Phone("+91 98765 00007".into()), None);
        assert_eq!(
            by_phone
                .contacts
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>(),
            ["7"]
        );
    }
}
