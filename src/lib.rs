//! cardfile widget
