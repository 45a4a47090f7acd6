#![no_main]
// The body lives in crates/attune-fuzz, where `cargo test` also runs it.
libfuzzer_sys::fuzz_target!(|data: &[u8]| attune_fuzz::abuse_lexicon(data));
