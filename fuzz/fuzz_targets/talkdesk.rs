//! Arbitrary bytes as a Talkdesk response body (see provider.rs for the input layout).
#![no_main]

mod provider;

use cardfile_core::ProviderKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| provider::run(ProviderKind::Talkdesk, data));
