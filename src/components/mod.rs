//! The views, each named for what the agent sees.

mod contact_card;
mod contact_list;
mod pager;
mod search_box;
mod source_status;

pub use contact_card::ContactCard;
pub use contact_list::ContactList;
pub use pager::Pager;
pub use search_box::SearchBox;
pub use source_status::SourceStatusList;
