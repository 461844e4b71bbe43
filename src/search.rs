//! The search state every view reads: which query, which page, what each source answered,
//! merged into one list of people. Requests of a superseded search are aborted and their late
//! answers dropped; transient failures are retried with back-off, honouring `Retry-After`.

use std::collections::HashMap;
use std::sync::Arc;

use cardfile_core::matching::{matches, search_term};
use cardfile_core::{Contact, MergedContact, Page, PageToken, Query, adapter_for, merge};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::api::{FetchError, SourceConfig, fetch_changes, fetch_page};
use crate::local_index::LocalIndex;

/// What one source is doing for the current search.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceState {
    Idle,
    Searching,
    /// Reading every page of a source that cannot search server-side.
    Indexing {
        loaded: usize,
    },
    /// Waiting before retrying a transient failure.
    Retrying {
        seconds: u64,
        reason: String,
    },
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

/// Pause in typing before a typed query goes to the network; locally indexed sources answer
/// every keystroke at once.
pub const TYPING_PAUSE_MS: u64 = 200;

/// Seconds between refreshes of a local index while the widget is open, unless the source's
/// `refresh_seconds` option says otherwise (0: never).
const DEFAULT_REFRESH_SECONDS: u64 = 300;

/// Attempts per request: the first and two retries.
const ATTEMPTS: u32 = 3;
/// Longest `Retry-After` honoured inside a search; longer waits fail with the message.
const MAX_WAIT_SECONDS: u64 = 30;

#[derive(Clone, Copy)]
pub struct Search {
    /// Every source the proxy offers.
    pub configured: RwSignal<Vec<SourceConfig>>,
    /// The sources searched (all, or those the URL or host chose).
    pub sources: RwSignal<Vec<SourceConfig>>,
    pub query: RwSignal<Option<Query>>,
    /// 0-based page of the merged results.
    pub page: RwSignal<usize>,
    pub statuses: RwSignal<Vec<SourceStatus>>,
    /// The people on the current page, merged across sources and ranked; shared, so views
    /// and keyed lists copy pointers, not contacts.
    pub results: Memo<Vec<Arc<MergedContact>>>,
    /// The page each source returned for the current query and page.
    pages: RwSignal<Vec<(String, Page)>>,
    /// Per source, the token of each page reached so far (`tokens[0]` is `None`: the start).
    tokens: StoredValue<HashMap<String, Vec<Option<PageToken>>>>,
    cache: StoredValue<HashMap<CacheKey, Page>>,
    indexes: StoredValue<HashMap<String, LocalIndex>, LocalStorage>,
    generation: StoredValue<u64>,
    abort: StoredValue<Option<AbortController>, LocalStorage>,
    /// The next search was typed: its network requests wait for a pause in typing.
    typed: StoredValue<bool>,
    /// The search generation whose network requests wait for that pause.
    waiting_for_pause: StoredValue<Option<u64>>,
}

impl Search {
    pub fn new() -> Self {
        let pages = RwSignal::new(Vec::<(String, Page)>::new());
        let query = RwSignal::new(None::<Query>);
        let results = Memo::new(move |_| {
            let contacts: Vec<Contact> = pages.with(|pages| {
                pages
                    .iter()
                    .flat_map(|(_, p)| p.contacts.iter().cloned())
                    .collect()
            });
            query.with(|q| {
                q.as_ref()
                    .map(|q| merge(contacts, q).into_iter().map(Arc::new).collect())
                    .unwrap_or_default()
            })
        });
        let search = Search {
            configured: RwSignal::new(Vec::new()),
            sources: RwSignal::new(Vec::new()),
            query,
            page: RwSignal::new(0),
            statuses: RwSignal::new(Vec::new()),
            results,
            pages,
            tokens: StoredValue::new(HashMap::new()),
            cache: StoredValue::new(HashMap::new()),
            indexes: StoredValue::new_local(HashMap::new()),
            generation: StoredValue::new(0),
            abort: StoredValue::new_local(None),
            typed: StoredValue::new(false),
            waiting_for_pause: StoredValue::new(None),
        };
        Effect::new(move |_| search.run());
        search
    }

    /// Sets the sources and starts indexing those that cannot search server-side.
    pub fn set_sources(&self, sources: Vec<SourceConfig>) {
        for source in &sources {
            self.ensure_index(source);
        }
        self.sources.set(sources);
    }

    /// Starts reading `source` into a local index if it needs one and has none (a failed
    /// indexing run leaves none, so a retry starts over).
    fn ensure_index(&self, source: &SourceConfig) {
        if !needs_local_index(source) {
            return;
        }
        let started = self.indexes.with_value(|i| i.contains_key(&source.id));
        if started {
            return;
        }
        if let Some(saved) = LocalIndex::load(source) {
            // Searchable at once; what changed since it was saved follows.
            self.indexes.update_value(|i| {
                i.insert(source.id.clone(), saved);
            });
            spawn_local(refresh_index(*self, source.clone(), true));
        } else {
            self.indexes.update_value(|i| {
                i.insert(source.id.clone(), LocalIndex::default());
            });
            self.set_state(&source.id, SourceState::Indexing { loaded: 0 });
            spawn_local(build_index(*self, source.clone()));
        }
    }

    /// Starts a new search from its first page, at once (Enter, the host, the URL).
    pub fn submit(&self, input: &str) {
        if !self.start(input, false) {
            // Already typed: its network requests need not wait any longer.
            self.ask_network_now(self.generation.get_value());
        }
    }

    /// Starts a search for what is being typed: locally indexed sources answer now, the
    /// network once typing pauses (so a typed name costs one request per source).
    pub fn type_ahead(&self, input: &str) {
        self.start(input, true);
    }

    /// Whether `input` started a new search (it differs from the current one).
    fn start(&self, input: &str, typed: bool) -> bool {
        let query = Query::detect(input);
        let query = (!query.is_empty()).then_some(query);
        if self.query.get_untracked() == query {
            return false;
        }
        self.typed.set_value(typed);
        self.tokens.update_value(HashMap::clear);
        self.page.set(0);
        self.query.set(query);
        true
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
        // A source whose indexing failed starts it again; the finished index answers.
        self.ensure_index(&source);
        self.fetch(source, query, page, self.generation.get_value(), false);
    }

    pub fn label_of(&self, source_id: &str) -> String {
        self.sources
            .with_untracked(|s| s.iter().find(|s| s.id == source_id).map(|s| s.label.clone()))
            .unwrap_or_else(|| source_id.to_owned())
    }

    pub fn is_busy(&self) -> bool {
        self.statuses.with(|s| {
            s.iter()
                .any(|s| matches!(s.state, SourceState::Searching | SourceState::Retrying { .. }))
        })
    }

    /// Every source has answered the current search, one way or another.
    pub fn settled(&self) -> bool {
        self.statuses.with(|s| {
            !s.is_empty()
                && s.iter().all(|s| {
                    matches!(
                        s.state,
                        SourceState::Found { .. } | SourceState::Failed(_) | SourceState::Exhausted
                    )
                })
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
                    state: self.idle_state(s),
                })
                .collect(),
        );
        let typed = self.typed.get_value();
        self.typed.set_value(false);
        self.waiting_for_pause.set_value(None);
        let Some(query) = query else { return };
        let (local, network): (Vec<_>, Vec<_>) = sources
            .into_iter()
            .partition(|s| self.indexes.with_value(|i| i.contains_key(&s.id)));
        for source in local {
            self.fetch(source, query.clone(), page, generation, true);
        }
        let cached = |s: &SourceConfig| {
            self.cache
                .with_value(|c| c.contains_key(&(s.id.clone(), query.clone(), None)))
        };
        if typed && page == 0 && !network.iter().all(cached) {
            for source in &network {
                self.set_state(&source.id, SourceState::Searching);
            }
            self.waiting_for_pause.set_value(Some(generation));
            let search = *self;
            spawn_local(async move {
                sleep_ms(TYPING_PAUSE_MS).await;
                search.ask_network_now(generation);
            });
        } else {
            for source in network {
                self.fetch(source, query.clone(), page, generation, true);
            }
        }
    }

    /// Sends the network requests of search `generation` if they still wait for a pause.
    fn ask_network_now(&self, generation: u64) {
        if self.waiting_for_pause.get_value() != Some(generation) || !self.is_current(generation) {
            return;
        }
        self.waiting_for_pause.set_value(None);
        let (Some(query), page) = (self.query.get_untracked(), self.page.get_untracked()) else {
            return;
        };
        let network = self.sources.with_untracked(|sources| {
            self.indexes.with_value(|i| {
                sources
                    .iter()
                    .filter(|s| !i.contains_key(&s.id))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        });
        for source in network {
            self.fetch(source, query.clone(), page, generation, true);
        }
    }

    fn idle_state(&self, source: &SourceConfig) -> SourceState {
        self.indexes.with_value(|i| match i.get(&source.id) {
            Some(index) if !index.complete => SourceState::Indexing { loaded: index.len() },
            _ => SourceState::Idle,
        })
    }

    fn fetch(&self, source: SourceConfig, query: Query, page: usize, generation: u64, use_cache: bool) {
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
        if let Some(local) = self.indexes.with_value(|i| {
            i.get(&source.id)
                .map(|index| (index.complete, index.len(), index.search(&query, at.as_ref())))
        }) {
            match local {
                (true, _, found) => self.accept(&source.id, page, found),
                (false, loaded, _) => self.set_state(&source.id, SourceState::Indexing { loaded }),
            }
            return;
        }
        let key = (source.id.clone(), query.clone(), at.clone());
        if use_cache && let Some(cached) = self.cache.with_value(|c| c.get(&key).cloned()) {
            self.accept(&source.id, page, cached);
            return;
        }
        self.set_state(&source.id, SourceState::Searching);
        spawn_local(ask_source(*self, source, query, at, page, generation, key));
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

    fn is_current(&self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }
}

impl Default for Search {
    fn default() -> Self {
        Self::new()
    }
}

fn needs_local_index(source: &SourceConfig) -> bool {
    adapter_for(source.kind, &source.id, &source.options)
        .is_ok_and(|a| !a.capabilities().answers(&Query::Text("x".into())))
}

/// What is sent for `query`: providers disagree on what several words mean, so a text query
/// of several words sends its most selective word and the answer is held to every word here.
fn sent_query(query: &Query) -> (Query, bool) {
    match query {
        Query::Text(text) if text.split_whitespace().nth(1).is_some() => {
            (Query::Text(search_term(text)), true)
        }
        other => (other.clone(), false),
    }
}

async fn ask_source(
    search: Search,
    source: SourceConfig,
    query: Query,
    at: Option<PageToken>,
    page: usize,
    generation: u64,
    key: CacheKey,
) {
    let (sent, filter_locally) = sent_query(&query);
    let signal = search
        .abort
        .with_value(|c| c.as_ref().map(AbortController::signal));
    for attempt in 1..=ATTEMPTS {
        let result = fetch_page(&source, &sent, at.as_ref(), signal.as_ref()).await;
        if !search.is_current(generation) {
            return;
        }
        let error = match result {
            Ok(mut found) => {
                if filter_locally {
                    found.contacts.retain(|c| matches(c, &query));
                    // The provider's total counted the looser query.
                    found.total = None;
                }
                search.cache.update_value(|c| {
                    c.insert(key, found.clone());
                });
                search.accept(&source.id, page, found);
                return;
            }
            Err(FetchError::Aborted) => return,
            Err(error) => error,
        };
        let wait = retry_wait(&error, attempt);
        let Some(seconds) = wait.filter(|_| attempt < ATTEMPTS) else {
            search.set_state(&source.id, SourceState::Failed(error.message()));
            return;
        };
        search.set_state(
            &source.id,
            SourceState::Retrying {
                seconds,
                reason: error.short_reason(),
            },
        );
        sleep_ms(if seconds == 0 { 500 } else { seconds * 1000 }).await;
        if !search.is_current(generation) {
            return;
        }
    }
}

/// Seconds to wait before attempt `attempt + 1`, or `None` when retrying cannot help.
fn retry_wait(error: &FetchError, attempt: u32) -> Option<u64> {
    let backoff = u64::from(attempt); // 1 s, then 2 s
    match error {
        FetchError::Provider {
            retry_after: Some(s), ..
        } => (*s <= MAX_WAIT_SECONDS).then_some(*s),
        FetchError::Provider { error, .. } => match error.status() {
            Some(429 | 500 | 502 | 503 | 504) => Some(backoff),
            Some(_) => None,
            // A truncated or garbled body may not repeat.
            None => matches!(error, cardfile_core::ProviderError::NotJson { .. }).then_some(backoff),
        },
        FetchError::Network(_) => Some(backoff),
        FetchError::Proxy {
            status: 502..=504, ..
        } => Some(backoff),
        _ => None,
    }
}

/// Reads every page of `source` into its local index, showing progress, then answers the
/// current query from it.
async fn build_index(search: Search, source: SourceConfig) {
    let list_all = Query::Text(String::new());
    let mut at: Option<PageToken> = None;
    loop {
        let mut result = fetch_page(&source, &list_all, at.as_ref(), None).await;
        for attempt in 1..ATTEMPTS {
            match &result {
                Err(error) => match retry_wait(error, attempt) {
                    Some(seconds) => {
                        let reason = error.short_reason();
                        search.set_state(&source.id, SourceState::Retrying { seconds, reason });
                        sleep_ms(if seconds == 0 { 500 } else { seconds * 1000 }).await;
                        result = fetch_page(&source, &list_all, at.as_ref(), None).await;
                    }
                    None => break,
                },
                Ok(_) => break,
            }
        }
        let page = match result {
            Ok(page) => page,
            Err(error) => {
                search.indexes.update_value(|i| {
                    i.remove(&source.id);
                });
                search.set_state(
                    &source.id,
                    SourceState::Failed(format!("indexing stopped: {}", error.message())),
                );
                return;
            }
        };
        let next = page.next.clone();
        let loaded = search.indexes.try_update_value(|i| {
            let index = i.entry(source.id.clone()).or_default();
            index.add(page.contacts);
            index.complete = next.is_none();
            index.len()
        });
        let Some(loaded) = loaded else { return };
        if next.is_none() {
            break;
        }
        search.set_state(&source.id, SourceState::Indexing { loaded });
        at = next;
    }
    search.indexes.with_value(|i| {
        if let Some(index) = i.get(&source.id) {
            index.save(&source);
        }
    });
    schedule_refresh(search, source.clone());
    answer_from_index(search, source);
}

/// Seconds between refreshes of `source`'s local index; `None`: never.
fn refresh_interval(source: &SourceConfig) -> Option<u64> {
    match source
        .options
        .get("refresh_seconds")
        .map(|s| s.trim().parse::<u64>())
    {
        Some(Ok(0)) => None,
        Some(Ok(seconds)) => Some(seconds),
        // Absent or not a number: the default (the proxy passes options on unchecked).
        None | Some(Err(_)) => Some(DEFAULT_REFRESH_SECONDS),
    }
}

/// Refreshes `source`'s index again after its interval, so an agent's widget open all shift
/// sees contacts added or changed meanwhile.
fn schedule_refresh(search: Search, source: SourceConfig) {
    let Some(seconds) = refresh_interval(&source) else {
        return;
    };
    spawn_local(async move {
        sleep_ms(seconds.saturating_mul(1000)).await;
        refresh_index(search, source, false).await;
    });
}

/// Asks a locally indexed source what changed since its latest update, takes it in, and
/// schedules the next refresh. If that fails the index keeps answering; the status line says so
/// for the first refresh after a reload (`announce`), later ones fail quietly and try again.
async fn refresh_index(search: Search, source: SourceConfig, announce: bool) {
    let since = search.indexes.with_value(|i| {
        i.get(&source.id)
            .and_then(|index| index.latest_update().map(str::to_owned))
    });
    let mut changed = Vec::new();
    let mut at: Option<PageToken> = None;
    loop {
        let answer = match &since {
            Some(since) => fetch_changes(&source, since, at.as_ref()).await,
            None => None,
        };
        match answer {
            Some(Ok(page)) => {
                changed.extend(page.contacts);
                match page.next {
                    Some(next) => at = Some(next),
                    None => break,
                }
            }
            Some(Err(error)) => {
                if announce {
                    search.set_state(
                        &source.id,
                        SourceState::Failed(format!(
                            "refreshing the saved contacts stopped: {}; searching the copy saved earlier",
                            error.message()
                        )),
                    );
                }
                schedule_refresh(search, source);
                return;
            }
            // Nothing tells what changed: read the source in full again.
            None => {
                crate::local_index::forget(&source);
                search.indexes.update_value(|i| {
                    i.remove(&source.id);
                });
                search.ensure_index(&source);
                return;
            }
        }
    }
    schedule_refresh(search, source.clone());
    if changed.is_empty() {
        return;
    }
    search.indexes.update_value(|i| {
        if let Some(index) = i.get_mut(&source.id) {
            index.apply_changes(changed);
            index.save(&source);
        }
    });
    answer_from_index(search, source);
}

/// Answers whatever is being searched now from `source`'s finished index.
fn answer_from_index(search: Search, source: SourceConfig) {
    if let Some(query) = search.query.get_untracked() {
        let page = search.page.get_untracked();
        search.fetch(source, query, page, search.generation.get_value(), true);
    } else {
        search.set_state(&source.id, SourceState::Idle);
    }
}

async fn sleep_ms(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let ms = i32::try_from(ms).unwrap_or(i32::MAX);
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
