//! Contacts of a source that cannot search server-side (Smartflo), held in memory and
//! searched here. Each contact's search text is folded once, when it is added, so a keystroke
//! costs one pass of `contains` over prepared strings. A finished index is kept in
//! `localStorage`, so a reload starts from it and asks the provider only for what changed.

use std::collections::{HashMap, HashSet};

use cardfile_core::matching::{haystack, matches_prepared, words};
use cardfile_core::{Contact, Page, PageToken, Query};
use serde::{Deserialize, Serialize};

use crate::api::SourceConfig;

/// Bumped whenever `Contact` or `Saved` change shape, so an older copy is read again in full.
/// 2: deleted contacts are no longer kept (version 1 held them, marked by an attribute).
const SAVED_VERSION: u32 = 2;

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

    /// Adds the contacts of a page, leaving out those the provider reports as deleted.
    pub fn add(&mut self, contacts: Vec<Contact>) {
        self.entries.extend(
            contacts
                .into_iter()
                .filter(|c| c.deleted_at.is_none())
                .map(|c| (haystack(&c), c)),
        );
    }

    /// Takes in contacts that changed: each replaces the one with its id, or is added; one
    /// the provider now reports as deleted is removed. (A deleted contact's `updated_at` is
    /// then not held, so later refreshes may list it again: it is removed again, harmlessly.)
    pub fn apply_changes(&mut self, changed: Vec<Contact>) {
        let (deleted, changed): (Vec<Contact>, Vec<Contact>) =
            changed.into_iter().partition(|c| c.deleted_at.is_some());
        if !deleted.is_empty() {
            let gone: HashSet<&str> = deleted.iter().map(|c| c.id.as_str()).collect();
            self.entries.retain(|(_, c)| !gone.contains(c.id.as_str()));
        }
        let mut position: HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (_, c))| (c.id.clone(), i))
            .collect();
        for contact in changed {
            let entry = (haystack(&contact), contact);
            match position.get(&entry.1.id).and_then(|&i| self.entries.get_mut(i)) {
                Some(old) => *old = entry,
                None => {
                    position.insert(entry.1.id.clone(), self.entries.len());
                    self.entries.push(entry);
                }
            }
        }
    }

    /// The latest `updated_at` held (the provider's clock, so the next refresh asks for what
    /// changed after it whatever this machine's clock says); `None` if no contact has one.
    pub fn latest_update(&self) -> Option<&str> {
        // Same adapter, same format: ISO 8601 strings in one offset compare as times.
        self.entries
            .iter()
            .filter_map(|(_, c)| c.updated_at.as_deref())
            .max()
    }

    /// The copy of a finished index saved for `source`, if there is a readable one for the
    /// source as it is configured now.
    pub fn load(source: &SourceConfig) -> Option<LocalIndex> {
        let text = storage()?.get_item(&storage_key(source)).ok().flatten()?;
        match serde_json::from_str::<Saved>(&text) {
            Ok(saved) if saved.version == SAVED_VERSION && saved.fingerprint == fingerprint(source) => {
                let mut index = LocalIndex::default();
                index.add(saved.contacts);
                index.complete = true;
                Some(index)
            }
            // Another version, another configuration or a damaged copy: read it all again.
            _ => {
                forget(source);
                None
            }
        }
    }

    /// Saves a finished index for the next start; past the storage quota nothing is kept
    /// (the next start reads the source in full again).
    pub fn save(&self, source: &SourceConfig) {
        let Some(storage) = storage() else { return };
        let saved = SavedRef {
            version: SAVED_VERSION,
            fingerprint: fingerprint(source),
            contacts: self.entries.iter().map(|(_, c)| c).collect(),
        };
        let stored = serde_json::to_string(&saved)
            .ok()
            .is_some_and(|text| storage.set_item(&storage_key(source), &text).is_ok());
        if !stored {
            forget(source);
        }
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

#[derive(Deserialize)]
struct Saved {
    version: u32,
    fingerprint: String,
    contacts: Vec<Contact>,
}

#[derive(Serialize)]
struct SavedRef<'a> {
    version: u32,
    fingerprint: String,
    contacts: Vec<&'a Contact>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn storage_key(source: &SourceConfig) -> String {
    format!("cardfile.index.{}", source.id)
}

/// What the saved contacts depend on: a changed kind or option (another group, say) makes a
/// saved copy useless.
fn fingerprint(source: &SourceConfig) -> String {
    let options = serde_json::to_string(&source.options).unwrap_or_default();
    format!("{}|{}|{options}", source.id, source.kind.as_str())
}

/// Drops the saved copy of `source`'s index.
pub fn forget(source: &SourceConfig) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&storage_key(source));
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

    #[test]
    fn changes_replace_contacts_by_id_and_add_new_ones_and_move_the_latest_update() {
        let mut index = LocalIndex::default();
        let dated = |i: usize, name: &str, at: &str| {
            let mut c = contact(i, name);
            c.updated_at = Some(at.into());
            c
        };
        index.add(vec![
            dated(1, "Priya Sharma", "2024-05-01T10:00:00+00:00"),
            dated(2, "Rohan Iyer", "2024-05-03T10:00:00+00:00"),
        ]);
        assert_eq!(index.latest_update(), Some("2024-05-03T10:00:00+00:00"));
        index.apply_changes(vec![
            dated(1, "Priya Menon", "2024-05-09T08:00:00+00:00"),
            dated(3, "Anika Rao", "2024-05-08T08:00:00+00:00"),
        ]);
        assert_eq!(index.len(), 3);
        assert_eq!(index.latest_update(), Some("2024-05-09T08:00:00+00:00"));
        let names = |q: &str| {
            index
                .search(&Query::Text(q.into()), None)
                .contacts
                .into_iter()
                .map(|c| c.display_name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("priya"),
            ["Priya Menon"],
            "the changed contact replaced the old one"
        );
        assert!(names("sharma").is_empty(), "its old text is no longer found");
        assert_eq!(names("anika"), ["Anika Rao"]);
    }

    #[test]
    fn contacts_the_provider_deleted_are_neither_indexed_nor_kept() {
        let deleted = |i: usize, name: &str| {
            let mut c = contact(i, name);
            c.deleted_at = Some("2024-05-10T07:30:00+00:00".into());
            c
        };
        let mut index = LocalIndex::default();
        index.add(vec![
            contact(1, "Priya Sharma"),
            deleted(2, "Rohan Iyer"),
            contact(3, "Anika Rao"),
        ]);
        assert_eq!(
            index.len(),
            2,
            "a deleted contact listed in a full read is left out"
        );
        assert!(
            index
                .search(&Query::Text("rohan".into()), None)
                .contacts
                .is_empty()
        );
        index.apply_changes(vec![deleted(1, "Priya Sharma"), contact(4, "Meera Nair")]);
        let ids: Vec<String> = index
            .search(&Query::Text(String::new()), None)
            .contacts
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            ids,
            ["3", "4"],
            "a refresh that reports a deletion removes the contact"
        );
    }
}
