//! The search state every view reads: which query, which page, what each source answered.
//! Requests of a superseded search are aborted, and their late answers are dropped.

use std::collections::HashMap;

use cardfile_core::{Contact, Page, PageToken, Query};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::api::{FetchError, SourceConfig, fetch_page};

/// What one source is doing for the current search.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceState {
    Idle,
    Searching,
    Found {
        shown: usize,
        total: Option<u64>,
    },
    /// The source has no page this far into the results.
    Exhausted,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceStatus {
    pub id: String,
    pub label: String,
    pub state: SourceState,
}

type CacheKey = (String, Query, Option<PageToken>);

#[derive(Clone, Copy)]
pub struct Search {
    pub sources: RwSignal<Vec<SourceConfig>>,
    pub query: RwSignal<Option<Query>>,
    /// 0-based page of the merged results.
    pub page: RwSignal<usize>,
    pub statuses: RwSignal<Vec<SourceStatus>>,
    /// The page each source returned for the current query and page.
    pages: RwSignal<Vec<(String, Page)>>,
    /// Per source, the token of each page reached so far (`tokens[0]` is `None`: the start).
    tokens: StoredValue<HashMap<String, Vec<Option<PageToken>>>>,
    cache: StoredValue<HashMap<CacheKey, Page>>,
    generation: StoredValue<u64>,
    abort: StoredValue<Option<AbortController>, LocalStorage>,
}

impl Search {
    pub fn new() -> Self {
        let search = Search {
            sources: RwSignal::new(Vec::new()),
            query: RwSignal::new(None),
            page: RwSignal::new(0),
            statuses: RwSignal::new(Vec::new()),
            pages: RwSignal::new(Vec::new()),
            tokens: StoredValue::new(HashMap::new()),
            cache: StoredValue::new(HashMap::new()),
            generation: StoredValue::new(0),
            abort: StoredValue::new_local(None),
        };
        Effect::new(move |_| search.run());
        search
    }

    /// Starts a new search from its first page.
    pub fn submit(&self, input: &str) {
        let query = Query::detect(input);
        let query = (!query.is_empty()).then_some(query);
        if self.query.get_untracked() == query {
            return;
        }
        self.tokens.update_value(HashMap::clear);
        self.page.set(0);
        self.query.set(query);
    }

    pub fn has_next(&self) -> bool {
        let page = self.page.get();
        // Tokens are not reactive; they change only together with `pages`.
        self.pages.track();
        self.tokens.with_value(|t| {
            t.values()
                .any(|pages| pages.get(page + 1).is_some_and(Option::is_some))
        })
    }

    pub fn next_page(&self) {
        if self.has_next() {
            self.page.update(|p| *p += 1);
        }
    }

    pub fn previous_page(&self) {
        self.page.update(|p| *p = p.saturating_sub(1));
    }

    /// Asks `source_id` again for the current page, bypassing the cache.
    pub fn retry(&self, source_id: &str) {
        let (Some(query), page) = (self.query.get_untracked(), self.page.get_untracked()) else {
            return;
        };
        let Some(source) = self
            .sources
            .get_untracked()
            .into_iter()
            .find(|s| s.id == source_id)
        else {
            return;
        };
        self.fetch(source, query, page, self.generation.get_value());
    }

    /// Contacts of every source for the current page, in source order.
    pub fn contacts(&self) -> Vec<Contact> {
        self.pages.with(|pages| {
            pages
                .iter()
                .flat_map(|(_, p)| p.contacts.iter().cloned())
                .collect()
        })
    }

    pub fn totals(&self) -> Option<u64> {
        self.statuses.with(|s| {
            s.iter()
                .map(|s| match s.state {
                    SourceState::Found { total, .. } => total,
                    _ => Some(0),
                })
                .sum()
        })
    }

    fn run(&self) {
        let sources = self.sources.get();
        let query = self.query.get();
        let page = self.page.get();
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.abort.update_value(|old| {
            if let Some(controller) = old.take() {
                controller.abort();
            }
            *old = AbortController::new().ok();
        });
        self.pages.set(Vec::new());
        self.statuses.set(
            sources
                .iter()
                .map(|s| SourceStatus {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    state: SourceState::Idle,
                })
                .collect(),
        );
        let Some(query) = query else { return };
        for source in sources {
            self.fetch(source, query.clone(), page, generation);
        }
    }

    fn fetch(&self, source: SourceConfig, query: Query, page: usize, generation: u64) {
        // Page 0 starts at no token; a later page starts at the token the previous one gave,
        // and a source without one has no such page.
        let at = if page == 0 {
            None
        } else {
            match self
                .tokens
                .with_value(|t| t.get(&source.id).and_then(|p| p.get(page).cloned()).flatten())
            {
                Some(token) => Some(token),
                None => {
                    self.set_state(&source.id, SourceState::Exhausted);
                    return;
                }
            }
        };
        let key = (source.id.clone(), query.clone(), at.clone());
        if let Some(cached) = self.cache.with_value(|c| c.get(&key).cloned()) {
            self.accept(&source.id, page, cached);
            return;
        }
        self.set_state(&source.id, SourceState::Searching);
        let signal = self.abort.with_value(|c| c.as_ref().map(AbortController::signal));
        let search = *self;
        spawn_local(async move {
            let result = fetch_page(&source, &query, at.as_ref(), signal.as_ref()).await;
            if search.generation.get_value() != generation {
                return;
            }
            match result {
                Ok(page_data) => {
                    search.cache.update_value(|c| {
                        c.insert(key, page_data.clone());
                    });
                    search.accept(&source.id, page, page_data);
                }
                Err(FetchError::Aborted) => {}
                Err(error) => search.set_state(&source.id, SourceState::Failed(error.message())),
            }
        });
    }

    fn accept(&self, source_id: &str, page: usize, data: Page) {
        self.tokens.update_value(|t| {
            let pages = t.entry(source_id.to_owned()).or_insert_with(|| vec![None]);
            pages.truncate(page + 1);
            pages.push(data.next.clone());
        });
        self.set_state(
            source_id,
            SourceState::Found {
                shown: data.contacts.len(),
                total: data.total,
            },
        );
        let order = self
            .sources
            .with_untracked(|s| s.iter().map(|s| s.id.clone()).collect::<Vec<_>>());
        self.pages.update(|pages| {
            pages.retain(|(id, _)| id != source_id);
            pages.push((source_id.to_owned(), data));
            pages.sort_by_key(|(id, _)| order.iter().position(|o| o == id));
        });
    }

    fn set_state(&self, source_id: &str, state: SourceState) {
        self.statuses.update(|statuses| {
            if let Some(s) = statuses.iter_mut().find(|s| s.id == source_id) {
                s.state = state;
            }
        });
    }
}

impl Default for Search {
    fn default() -> Self {
        Self::new()
    }
}
