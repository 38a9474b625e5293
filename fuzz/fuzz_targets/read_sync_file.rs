//! `read_sync_file` on raw bytes, as a file from a USB stick or an e-mail would arrive. It must
//! return an error for every bad file and never panic. Seeds: `fuzz/seeds/` (valid files).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kam_fuzz::read(data);
});
