//! Fixed keys and helpers shared by the fuzz targets and the seed writer.
//!
//! The keys are constants (not `DeviceKeys::generate`), so the checked-in seeds in `seeds/` stay
//! valid: they are signed by [`sender`] and encrypted to [`me`].

use std::sync::OnceLock;

use kam_core::sync::{
    peek_header, read_sync_file, DeviceKeys, DevicePublicKeys, StoredDeviceKeys, SyncFileErrorKind, SyncHeader,
};
use kam_core::KamError;

pub const ORG: &str = "org-fuzz";
/// The trusted device that writes the files.
pub const SENDER_ID: &str = "rep-1";
/// This device: the addressee that reads them.
pub const ME_ID: &str = "hq";
/// A device on record whose stored signing key is not a valid key (reaches the key-parse check).
pub const BROKEN_ID: &str = "rep-broken";

/// ed25519 seed of the sender: 32 bytes of 0x11.
pub const SENDER_SIGNING_SEED: [u8; 32] = [0x11; 32];
const SENDER_AGE: &str = "AGE-SECRET-KEY-1XVENXVENXVENXVENXVENXVENXVENXVENXVENXVENXVENXVENXVES5R36HA"; // 0x33 × 32
const ME_AGE: &str = "AGE-SECRET-KEY-1G3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZQP8LETR"; // 0x44 × 32
/// A third device's age identity: files encrypted to it cannot be decrypted by [`me`].
pub const OTHER_AGE: &str = "AGE-SECRET-KEY-1242424242424242424242424242424242424242424242424242S6JN5PD"; // 0x55 × 32

pub fn keys(device_id: &str, signing_seed: u8, age_identity: &str) -> DeviceKeys {
    DeviceKeys::from_stored(&StoredDeviceKeys {
        device_id: device_id.to_string(),
        signing_secret: format!("{signing_seed:02x}").repeat(32),
        age_identity: age_identity.to_string(),
    })
    .expect("fixed fuzz keys are valid")
}

struct Fixture {
    sender: DeviceKeys,
    me: DeviceKeys,
    sender_public: DevicePublicKeys,
    broken_public: DevicePublicKeys,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let sender = keys(SENDER_ID, SENDER_SIGNING_SEED[0], SENDER_AGE);
        let me = keys(ME_ID, 0x22, ME_AGE);
        let sender_public = sender.public();
        let broken_public = DevicePublicKeys {
            device_id: BROKEN_ID.to_string(),
            signing_key: "zz".repeat(32),
            age_recipient: sender_public.age_recipient.clone(),
        };
        Fixture { sender, me, sender_public, broken_public }
    })
}

/// The trusted sender's keys (writes the seeds).
pub fn sender() -> &'static DeviceKeys {
    &fixture().sender
}

/// This device's keys (reads the files).
pub fn me() -> &'static DeviceKeys {
    &fixture().me
}

/// The trust list: the sender, and one device whose stored key is broken; nobody else.
pub fn trusted(device_id: &str) -> Option<DevicePublicKeys> {
    let f = fixture();
    match device_id {
        SENDER_ID => Some(f.sender_public.clone()),
        BROKEN_ID => Some(f.broken_public.clone()),
        _ => None,
    }
}

/// A header from the sender to this device.
pub fn header(clock: (u64, u64), acked_up_to: u64) -> SyncHeader {
    SyncHeader::new(sender(), ORG, ME_ID, clock, acked_up_to, "2026-11-23T02:00:00Z")
}

/// What every target does with its (possibly rewritten) input: read it as this device, and
/// peek at its header the way head office does before it knows the sender.
///
/// Errors are expected; a panic is a bug. With `KAM_FUZZ_SEED_CHECK` set (scripts/fuzz does it
/// for the checked-in seeds), an input that is refused before decryption panics instead, so
/// seeds that stopped getting past the signature (a format change, new keys) are noticed.
pub fn read(bytes: &[u8]) {
    let peeked = peek_header(bytes);
    let result = read_sync_file(bytes, me(), &trusted, ORG);
    if seed_check() {
        match &result {
            Ok(_) => {}
            Err(KamError::SyncFile {
                kind: SyncFileErrorKind::CannotDecrypt | SyncFileErrorKind::CorruptBody, ..
            }) => {}
            Err(e) => panic!("seed no longer reaches decryption: {e:?}"),
        }
    }
    if let Ok((header, _body)) = result {
        // Whatever is accepted must name the trusted sender, this device and organisation.
        assert_eq!(header.sender_device_id, SENDER_ID);
        assert_eq!(header.addressee_device_id, ME_ID);
        assert_eq!(header.org_id, ORG);
        assert!(header.clock_from <= header.clock_to);
        assert_eq!(peeked.as_ref(), Some(&header), "peek_header disagrees with read_sync_file");
    }
}

fn seed_check() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KAM_FUZZ_SEED_CHECK").is_some())
}
