//! Sans-IO core of cardfile.
//!
//! Builds the HTTP requests each provider understands and turns their responses into one
//! contact model. Nothing here touches a socket or a browser, so it is tested on the host and
//! used unchanged by the widget compiled to WebAssembly.

mod error;
pub mod links;
pub mod matching;
mod merge;
mod model;
pub mod phone;
pub mod provider;
mod query;

pub use error::ProviderError;
pub use merge::{MergedContact, merge, rank};
pub use model::{Address, Attribute, Contact, Email, Handle, Page, PageToken, Phone};
pub use provider::{Capabilities, Paging, ProviderKind, Request, SourceOptions, adapter_for};
pub use query::Query;
