//! Any bytes through `read_file` and `analyze`, with the server's check on
//! the profiles that come out.

#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../harness.rs");

fuzz_target!(|data: &[u8]| run_input(data));
