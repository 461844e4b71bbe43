//! The views, each named for what the agent sees.

mod actions;
mod contact_card;
mod contact_list;
mod pager;
mod search_box;
mod source_status;

pub use actions::{Actions, Channel, ContactActions};
pub use contact_card::ContactCard;
pub use contact_list::{ContactList, result_id};
pub use pager::Pager;
pub use search_box::{Nav, SearchBox};
pub use source_status::SourceStatusList;
