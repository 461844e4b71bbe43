//! The cardfile widget: one search box over every configured contact source, results as
//! contact cards. Views live in [`components`]; [`api`] is the only module that talks HTTP.

pub mod api;
mod app;
pub mod components;
pub mod params;
mod search;

pub use app::App;
