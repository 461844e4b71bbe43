//! Screen pop: an incoming call's number is searched everywhere; within a time budget the
//! best match is opened, or the agent picks among several. The pick is remembered per number.

use std::sync::Arc;

use cardfile_core::{MergedContact, phone};

/// How long a screen pop waits for slower sources before showing what it has.
pub const BUDGET_MS: u64 = 1500;

#[derive(Debug, Clone, PartialEq)]
pub enum PopState {
    None,
    /// Searching for the caller.
    Waiting {
        phone: String,
    },
    /// Several people match: the agent picks one.
    Picking {
        phone: String,
        matches: usize,
    },
    NotFound {
        phone: String,
    },
}

/// What to open for a finished screen pop, and what to show.
pub fn resolve(
    phone: &str,
    results: &[Arc<MergedContact>],
    remembered: Option<&str>,
) -> (Option<String>, PopState) {
    if let Some(key) = remembered.filter(|k| results.iter().any(|m| m.key == *k)) {
        return (Some(key.to_owned()), PopState::None);
    }
    match results {
        [] => (
            None,
            PopState::NotFound {
                phone: phone.to_owned(),
            },
        ),
        [only] => (Some(only.key.clone()), PopState::None),
        several => (
            None,
            PopState::Picking {
                phone: phone.to_owned(),
                matches: several.len(),
            },
        ),
    }
}

fn storage_key(number: &str) -> String {
    format!("cardfile.pick.{}", phone::normalize(number, None))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn remembered_pick(number: &str) -> Option<String> {
    storage()?.get_item(&storage_key(number)).ok().flatten()
}

pub fn remember_pick(number: &str, key: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&storage_key(number), key);
    }
}

#[cfg(test)]
mod tests {
    use cardfile_core::{Contact, ProviderKind, Query, merge};

    use super::*;

    fn people(n: usize) -> Vec<Arc<MergedContact>> {
        let contacts = (0..n)
            .map(|i| {
                let mut c = Contact::new("gws", ProviderKind::Gws, i.to_string());
                c.display_name = format!("Person {i}");
                c
            })
            .collect();
        merge(contacts, &Query::Phone("+351912345678".into()))
            .into_iter()
            .map(Arc::new)
            .collect()
    }

    #[test]
    fn one_match_opens_several_ask_none_says_so() {
        assert_eq!(
            resolve("+351", &people(1), None),
            (Some("gws/0".into()), PopState::None)
        );
        assert_eq!(
            resolve("+351", &people(3), None),
            (
                None,
                PopState::Picking {
                    phone: "+351".into(),
                    matches: 3
                }
            )
        );
        assert_eq!(
            resolve("+351", &people(0), None),
            (None, PopState::NotFound { phone: "+351".into() })
        );
    }

    #[test]
    fn a_remembered_pick_wins_while_it_is_still_found() {
        assert_eq!(
            resolve("+351", &people(3), Some("gws/2")),
            (Some("gws/2".into()), PopState::None)
        );
        assert_eq!(resolve("+351", &people(3), Some("gws/9")).0, None);
    }
}
