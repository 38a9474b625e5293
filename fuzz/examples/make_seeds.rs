//! Writes the seed files in `fuzz/seeds/`: small valid sync files from the fixed fuzz sender to
//! the fixed fuzz addressee, so the fuzzer starts past the magic, framing and signature checks.
//! Run from `fuzz/` after a change to the file format or to the fuzz keys:
//!
//!     cargo run --example make_seeds
//!
//! The age encryption is randomised, so every run writes different bytes; all of them are valid.

use std::path::Path;

use kam_core::sync::{write_sync_file, DeviceKeys};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    std::fs::create_dir_all(&dir).unwrap();
    let other = kam_fuzz::keys("hq-other", 0x66, kam_fuzz::OTHER_AGE);
    let changes = r#"[{"table":"customers","id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","op":"upsert","hlc":7,"fields":{"name":"华东精密机械有限公司","tier":"A"}},{"table":"visits","op":"delete","hlc":9}]"#.as_bytes();
    let seeds: [(&str, (u64, u64), u64, &[u8], &DeviceKeys); 4] = [
        ("empty_body.kamsync", (0, 0), 0, b"", kam_fuzz::me()),
        ("small_body.kamsync", (5, 9), 3, b"[]", kam_fuzz::me()),
        ("changes.kamsync", (7, 9), 6, changes, kam_fuzz::me()),
        // Signed correctly but encrypted to another device: reaches decryption and fails there.
        ("other_recipient.kamsync", (1, 2), 0, b"[]", &other),
    ];
    for (name, clock, acked, body, recipient) in seeds {
        let file =
            write_sync_file(kam_fuzz::sender(), &kam_fuzz::header(clock, acked), body, &recipient.recipient()).unwrap();
        let read = kam_core::sync::read_sync_file(&file, kam_fuzz::me(), &kam_fuzz::trusted, kam_fuzz::ORG);
        assert_eq!(read.is_ok(), recipient.device_id() == kam_fuzz::ME_ID, "{name}: {read:?}");
        std::fs::write(dir.join(name), &file).unwrap();
        println!("{name}: {} bytes", file.len());
    }
}
