//! Head-office exchange by sync files (`.kamsync`), see docs/sync.md.
//!
//! This layer is the file alone: device identity ([`DeviceKeys`]) and writing and reading one
//! signed, compressed, encrypted file ([`write_sync_file`], [`read_sync_file`]). It touches no
//! database: the body is opaque bytes given by the caller. What comes next builds on it — change
//! capture with a hybrid logical clock, last-writer-wins merge, the conflict inbox, and the
//! importer that applies a file in one transaction, so the database stays byte-for-byte
//! unchanged when a file is refused.

pub mod capture;
mod exchange;
pub(crate) mod file;
mod keys;
mod model;
pub mod tables;

pub(crate) use exchange::is_field_device;
pub use exchange::Addressee;
pub use file::peek_header;
pub use file::{read_sync_file, write_sync_file, SyncFileErrorKind, SyncHeader, FORMAT_VERSION, MAGIC};
pub use keys::{AgeRecipient, DeviceKeys, DevicePublicKeys, StoredDeviceKeys};
pub use model::*;
