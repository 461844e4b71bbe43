//! One card per person: contacts from several sources that share a phone number or an email
//! address are merged, then ranked for the query.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;

use serde::Serialize;

use crate::matching::{fold, matches};
use crate::{Contact, Query, phone};

/// A person as found across sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedContact {
    /// Stable across re-merges while its first member stays: `source/id`.
    pub key: String,
    /// Every member's details together, without duplicates.
    pub contact: Contact,
    /// Source ids, in the order they were found.
    pub sources: Vec<String>,
    /// `(source, id)` of each member contact.
    pub members: Vec<(String, String)>,
}

impl MergedContact {
    /// Whether `key` (a merge key seen earlier) names this person: it is their key, or the
    /// key of one of their members, which it was before a late source's contact merged in
    /// ahead of it.
    pub fn answers_to(&self, key: &str) -> bool {
        self.key == key
            || self.members.iter().any(|(source, id)| {
                key.strip_prefix(source.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
                    == Some(id.as_str())
            })
    }
}

/// The digits two formats of one number surely share: the last seven.
fn phone_bucket(number: &str) -> Option<String> {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 7).then(|| digits[digits.len() - 7..].iter().collect())
}

fn email_key(address: &str) -> String {
    address.trim().to_lowercase()
}

/// Contacts grouped into people (union-find). Each group knows its given name, so a shared
/// number (a household, a switchboard) never joins two people whose names disagree, not
/// even through a nameless contact that has that number too.
struct People {
    parent: Vec<usize>,
    given: Vec<Option<String>>,
}

impl People {
    fn new(contacts: &[Contact]) -> Self {
        People {
            parent: (0..contacts.len()).collect(),
            given: contacts.iter().map(given_name).collect(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the groups of `a` and `b`; for a shared number only when their names agree.
    fn join(&mut self, a: usize, b: usize, by_number: bool) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb || (by_number && !names_agree(self.given[ra].as_deref(), self.given[rb].as_deref())) {
            return;
        }
        // The earlier contact stays the root, so the group's key is its first member.
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[high] = low;
        if self.given[low].is_none() {
            self.given[low] = self.given[high].take();
        }
    }
}

/// Groups `contacts` (in the order given) into people and ranks them for `query`. Contacts
/// the provider reports as deleted are left out.
pub fn merge(mut contacts: Vec<Contact>, query: &Query) -> Vec<MergedContact> {
    contacts.retain(|c| c.deleted_at.is_none());
    let mut people = People::new(&contacts);
    let mut by_email: HashMap<String, usize> = HashMap::new();
    let mut by_phone: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, contact) in contacts.iter().enumerate() {
        for email in &contact.emails {
            let key = email_key(&email.value);
            if key.is_empty() {
                continue;
            }
            match by_email.get(&key) {
                Some(&j) => people.join(i, j, false),
                None => {
                    by_email.insert(key, i);
                }
            }
        }
        for p in &contact.phones {
            let Some(bucket) = phone_bucket(&p.normalized) else {
                continue;
            };
            let others = by_phone.entry(bucket).or_default();
            let same_line: Vec<usize> = others
                .iter()
                .copied()
                .filter(|&j| {
                    contacts[j]
                        .phones
                        .iter()
                        .any(|q| phone::phone_matches(&q.normalized, &p.normalized))
                })
                .collect();
            others.push(i);
            for j in same_line {
                people.join(i, j, true);
            }
        }
    }
    let mut groups: Vec<(usize, MergedContact)> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for (i, contact) in contacts.into_iter().enumerate() {
        let root = people.root(i);
        match group_of_root.get(&root) {
            Some(&g) => absorb(&mut groups[g].1, contact),
            None => {
                group_of_root.insert(root, groups.len());
                groups.push((i, start_group(contact)));
            }
        }
    }
    let mut merged: Vec<MergedContact> = groups.into_iter().map(|(_, m)| m).collect();
    rank(&mut merged, query);
    merged
}

/// The first word of a real name, folded, without a trailing dot.
fn given_name(c: &Contact) -> Option<String> {
    if !has_real_name(c) {
        return None;
    }
    let folded = fold(&c.display_name);
    folded
        .split_whitespace()
        .next()
        .map(|w| w.trim_end_matches('.').to_owned())
}

/// Whether two given names can be one person's: the same, one the initial of the other
/// ("M." and "Maria"), or unknown on either side.
fn names_agree(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => {
            let initial = |short: &str, long: &str| short.chars().count() == 1 && long.starts_with(short);
            x == y || initial(x, y) || initial(y, x)
        }
        _ => true,
    }
}

fn start_group(contact: Contact) -> MergedContact {
    MergedContact {
        key: format!("{}/{}", contact.source, contact.id),
        sources: vec![contact.source.clone()],
        members: vec![(contact.source.clone(), contact.id.clone())],
        contact,
    }
}

/// Whether the contact is named after a person: first/last names, or a display name that is
/// not one of `fill_display_name`'s stand-ins (company, phone, email, `#id`). Providers such
/// as Talkdesk and Smartflo send only a full name.
fn has_real_name(c: &Contact) -> bool {
    let name = c.display_name.trim();
    let stand_in = name.is_empty()
        || name.starts_with('#')
        || c.company.as_deref() == Some(name)
        || c.phones.iter().any(|p| p.value == name)
        || c.emails.iter().any(|e| e.value == name);
    c.first_name.is_some() || c.last_name.is_some() || !stand_in
}

fn absorb(group: &mut MergedContact, other: Contact) {
    if !group.sources.contains(&other.source) {
        group.sources.push(other.source.clone());
    }
    group.members.push((other.source.clone(), other.id.clone()));
    let c = &mut group.contact;
    if !has_real_name(c) && has_real_name(&other) {
        c.display_name = other.display_name.clone();
        c.first_name = other.first_name.clone();
        c.last_name = other.last_name.clone();
    }
    if c.company.is_none() {
        c.company = other.company;
    }
    for p in other.phones {
        if !c
            .phones
            .iter()
            .any(|q| phone::phone_matches(&q.normalized, &p.normalized))
        {
            c.phones.push(p);
        }
    }
    for e in other.emails {
        if !c
            .emails
            .iter()
            .any(|f| email_key(&f.value) == email_key(&e.value))
        {
            c.emails.push(e);
        }
    }
    extend_unique(&mut c.handles, other.handles);
    extend_unique(&mut c.addresses, other.addresses);
    extend_unique(&mut c.groups, other.groups);
    extend_unique(&mut c.attributes, other.attributes);
    extend_unique(&mut c.redacted, other.redacted);
    c.score = match (c.score, other.score) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if other.updated_at > c.updated_at {
        c.updated_at = other.updated_at;
    }
}

fn extend_unique<T: PartialEq>(into: &mut Vec<T>, items: Vec<T>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// How well the name answers a text query: 3 exactly, 2 as a prefix, 1 containing every
/// word, 0 otherwise.
fn name_quality(contact: &Contact, query: &Query) -> u8 {
    let Query::Text(text) = query else { return 0 };
    let (name, wanted) = (fold(&contact.display_name), fold(text.trim()));
    if wanted.is_empty() {
        0
    } else if name == wanted {
        3
    } else if name.starts_with(&wanted) {
        2
    } else if wanted.split_whitespace().all(|w| name.contains(w)) {
        1
    } else {
        0
    }
}

/// Exact phone or email matches first, then the providers' own scores, then name matches;
/// ties keep the order the sources returned.
pub fn rank(merged: &mut [MergedContact], query: &Query) {
    let by_contact = matches!(query, Query::Phone(_) | Query::Email(_));
    // Each key is computed once (name_quality folds strings), not once per comparison.
    merged.sort_by_cached_key(|m| {
        let exact = by_contact && matches(&m.contact, query);
        let score = m.contact.score.filter(|s| s.is_finite()).unwrap_or(0.0);
        (
            Reverse(exact),
            Reverse(TotalOrder(score)),
            Reverse(name_quality(&m.contact, query)),
        )
    });
}

/// An `f64` ordered by `total_cmp`, so it can be part of a sort key.
#[derive(PartialEq)]
struct TotalOrder(f64);

impl Eq for TotalOrder {}

impl PartialOrd for TotalOrder {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TotalOrder {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Email, Phone, ProviderKind};

    fn person(source: &str, id: &str, name: &str, phone: &str, email: Option<&str>) -> Contact {
        let mut c = Contact::new(source, ProviderKind::Gws, id.into());
        c.display_name = name.into();
        c.first_name = name.split(' ').next().map(str::to_owned);
        c.phones.push(Phone {
            value: phone.into(),
            normalized: phone::normalize(phone, Some("351")),
            label: None,
            rank: None,
        });
        c.emails.extend(email.map(|e| Email {
            value: e.into(),
            label: None,
        }));
        c
    }

    #[test]
    fn a_person_answers_to_the_key_of_every_member() {
        let query = Query::Text("Maria".into());
        let alone = merge(
            vec![person(
                "smartflo",
                "s1",
                "Maria Oliveira",
                "+351 912 345 678",
                None,
            )],
            &query,
        );
        assert_eq!(alone[0].key, "smartflo/s1");
        // 8x8 answers later and comes first in the configured order: the key changes, and
        // the person can still be found by the key they had.
        let both = merge(
            vec![
                person("8x8", "e1", "Maria Oliveira", "00351912345678", None),
                person("smartflo", "s1", "Maria Oliveira", "+351 912 345 678", None),
            ],
            &query,
        );
        assert_eq!(both[0].key, "8x8/e1");
        assert!(both[0].answers_to("smartflo/s1") && both[0].answers_to("8x8/e1"));
        assert!(!both[0].answers_to("smartflo/s"), "ids compare whole");
        assert!(!both[0].answers_to("smartflo/s10") && !both[0].answers_to("smartflos1"));
    }

    #[test]
    fn a_contact_the_provider_deleted_is_not_a_result_and_joins_nobody() {
        let mut gone = person("smartflo", "s1", "Maria Oliveira", "+351 912 345 678", None);
        gone.deleted_at = Some("2024-05-10T07:30:00+00:00".into());
        let merged = merge(
            vec![
                gone,
                person("8x8", "e1", "Maria Oliveira", "00351912345678", None),
            ],
            &Query::Text("Maria".into()),
        );
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].sources, ["8x8"], "the deleted copy lends no badge");
        assert_eq!(merged[0].key, "8x8/e1");
    }

    #[test]
    fn the_same_person_in_three_sources_is_one_card_with_three_badges() {
        let merged = merge(
            vec![
                person("talkdesk", "t1", "Maria Oliveira", "+351 912 345 678", None),
                person("gws", "g1", "Rui Santos", "+351 934 000 111", Some("rui@x.pt")),
                person(
                    "8x8",
                    "e1",
                    "Maria Oliveira",
                    "00351912345678",
                    Some("MARIA@x.pt"),
                ),
                person(
                    "smartflo",
                    "s1",
                    "M. Oliveira",
                    "0912-345-678",
                    Some("maria@x.pt"),
                ),
            ],
            &Query::Text("Maria Oliveira".into()),
        );
        assert_eq!(merged.len(), 2);
        let maria = merged
            .iter()
            .find(|m| m.contact.display_name == "Maria Oliveira")
            .unwrap();
        assert_eq!(maria.sources, ["talkdesk", "8x8", "smartflo"]);
        assert_eq!(maria.key, "talkdesk/t1");
        assert_eq!(maria.contact.phones.len(), 1, "one number in three formats");
        assert_eq!(maria.contact.emails.len(), 1, "one address in two cases");
    }

    #[test]
    fn a_household_line_does_not_make_two_people_one() {
        let merged = merge(
            vec![
                person("gws", "1", "Maria Oliveira", "+351 912 345 678", None),
                person("gws", "2", "Rui Oliveira", "+351 912 345 678", None),
                person("8x8", "3", "M. Oliveira", "00351912345678", None),
            ],
            &Query::Phone("+351912345678".into()),
        );
        let names: Vec<&str> = merged.iter().map(|m| m.contact.display_name.as_str()).collect();
        assert_eq!(
            names,
            ["Maria Oliveira", "Rui Oliveira"],
            "M. joins Maria, not Rui"
        );
        assert_eq!(merged[0].sources, ["gws", "8x8"]);
    }

    #[test]
    fn a_nameless_contact_on_a_shared_line_bridges_no_one() {
        let mut nameless = person("smartflo", "0", "", "+351 912 345 678", None);
        nameless.first_name = None;
        let merged = merge(
            vec![
                person("gws", "1", "Maria Oliveira", "+351 912 345 678", None),
                nameless,
                person("gws", "2", "Rui Oliveira", "+351 912 345 678", None),
            ],
            &Query::Phone("+351912345678".into()),
        );
        assert_eq!(merged.len(), 2, "{merged:?}");
    }

    #[test]
    fn a_full_name_without_first_and_last_still_keeps_a_household_apart() {
        let mut full_name_only = person("talkdesk", "t", "James Johnson", "+1 212 655 6029", None);
        full_name_only.first_name = None;
        let merged = merge(
            vec![
                full_name_only,
                person("8x8", "e", "Sakura Ito", "+12126556029", None),
            ],
            &Query::Phone("+12126556029".into()),
        );
        let names: Vec<&str> = merged.iter().map(|m| m.contact.display_name.as_str()).collect();
        assert_eq!(names, ["James Johnson", "Sakura Ito"]);
    }

    #[test]
    fn a_shared_email_links_contacts_whose_numbers_differ() {
        let merged = merge(
            vec![
                person("a", "1", "Ana", "+351 911 111 111", Some("ana@x.pt")),
                person("b", "2", "Ana", "+351 922 222 222", Some("ANA@X.PT")),
            ],
            &Query::Text("ana".into()),
        );
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].contact.phones.len(), 2);
    }

    #[test]
    fn exact_number_first_then_provider_score_then_name() {
        let mut scored = person("talkdesk", "t", "Maria Santos", "+351 933 333 333", None);
        scored.score = Some(0.9);
        let exact = person("gws", "g", "Zé Maria", "+351 912 345 678", None);
        let merged = merge(
            vec![
                person("8x8", "e", "Maria", "+351 944 444 444", None),
                scored,
                exact,
            ],
            &Query::Phone("912 345 678".into()),
        );
        let order: Vec<&str> = merged.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(order, ["gws/g", "talkdesk/t", "8x8/e"]);

        let by_name = merge(
            vec![
                person("a", "1", "Mariana Silva", "+351 900 000 001", None),
                person("b", "2", "Maria", "+351 900 000 002", None),
            ],
            &Query::Text("maria".into()),
        );
        assert_eq!(by_name[0].key, "b/2", "an exact name beats a prefix");
    }
}
