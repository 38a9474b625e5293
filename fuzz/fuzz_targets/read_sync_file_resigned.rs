//! `read_sync_file` on the input with its last 64 bytes replaced by the trusted sender's
//! signature over the rest. A raw mutation almost never carries a valid signature, so the raw
//! target stops at the signature check; here a mutated header or ciphertext gets past it and
//! reaches the checks after it (clock range, age decryption, decompression).
#![no_main]

use ed25519_dalek::{Signer, SigningKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    const SIG_LEN: usize = 64;
    if data.len() < SIG_LEN {
        kam_fuzz::read(data);
        return;
    }
    let signed_len = data.len() - SIG_LEN;
    let key = SigningKey::from_bytes(&kam_fuzz::SENDER_SIGNING_SEED);
    let mut file = data.to_vec();
    let signature = key.sign(&file[..signed_len]);
    file[signed_len..].copy_from_slice(&signature.to_bytes());
    kam_fuzz::read(&file);
});
