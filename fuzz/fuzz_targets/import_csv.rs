#![no_main]
//! Any bytes as a CSV dataset file: no panic, all or nothing.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::import_one(data, "csv"));
