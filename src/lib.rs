//! The cardfile widget: one search box over every configured contact source, results as
//! contact cards. Views live in [`components`]; [`api`] is the only module that talks HTTP.

pub mod api;
mod app;
pub mod bridge;
pub mod components;
mod local_index;
pub mod params;
mod screen_pop;
mod search;
mod theme;

pub use app::App;
pub use search::{SourceState, SourceStatus};
