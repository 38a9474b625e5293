//! The `.kamsync` file layer through the public API: a round trip, and every way a file can be
//! bad giving its own error without a panic (truncated at every offset, single flipped bits,
//! wrong organisation, wrong addressee, unknown key, older and newer format versions). No
//! database is involved at this layer.

use kam_core::sync::*;
use kam_core::KamError;

struct Net {
    rep: DeviceKeys,
    hq: DeviceKeys,
}

impl Net {
    fn new() -> Net {
        Net { rep: DeviceKeys::generate("rep-zhang"), hq: DeviceKeys::generate("hq-1") }
    }

    fn header(&self) -> SyncHeader {
        SyncHeader::new(&self.rep, "org-acme", "hq-1", (100, 250), 42, "2026-11-23T02:00:00Z")
    }

    fn file(&self, body: &[u8]) -> Vec<u8> {
        write_sync_file(&self.rep, &self.header(), body, &self.hq.recipient()).unwrap()
    }

    /// Head office reads, trusting only the rep.
    fn read_as_hq(&self, bytes: &[u8], org: &str) -> kam_core::Result<(SyncHeader, Vec<u8>)> {
        let rep = self.rep.public();
        read_sync_file(bytes, &self.hq, &move |id: &str| (id == rep.device_id).then(|| rep.clone()), org)
    }
}

fn kind<T: std::fmt::Debug>(r: kam_core::Result<T>) -> SyncFileErrorKind {
    match r {
        Err(KamError::SyncFile { kind, zh, en }) => {
            assert!(!zh.is_empty() && !en.is_empty());
            kind
        }
        other => panic!("expected a sync file error, got {other:?}"),
    }
}

#[test]
fn round_trip() {
    let n = Net::new();
    let body = serde_json::to_vec(&serde_json::json!([{"table": "customers", "id": "x", "name": "华东电力"}])).unwrap();
    let (h, b) = n.read_as_hq(&n.file(&body), "org-acme").unwrap();
    assert_eq!(h, n.header());
    assert_eq!((h.clock_from, h.clock_to, h.acked_up_to), (100, 250, 42));
    assert_eq!(b, body);
    // an empty body is fine too
    assert_eq!(n.read_as_hq(&n.file(b""), "org-acme").unwrap().1, b"");
}

#[test]
fn truncation_at_every_offset_is_reported_as_truncated() {
    let n = Net::new();
    let file = n.file(b"[]");
    for len in 0..file.len() {
        assert_eq!(kind(n.read_as_hq(&file[..len], "org-acme")), SyncFileErrorKind::Truncated, "cut at {len}");
    }
}

#[test]
fn every_single_bit_flip_is_refused() {
    let n = Net::new();
    let file = n.file(b"[]");
    for bit in 0..file.len() * 8 {
        let mut bad = file.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let k = kind(n.read_as_hq(&bad, "org-acme"));
        // where the flip lands decides the kind, but a flip past the header is always the signature
        if bit / 8 >= file.len() - 64 {
            assert_eq!(k, SyncFileErrorKind::BadSignature, "bit {bit}");
        }
    }
}

#[test]
fn wrong_organisation() {
    let n = Net::new();
    assert_eq!(kind(n.read_as_hq(&n.file(b"[]"), "org-other")), SyncFileErrorKind::WrongOrganisation);
}

#[test]
fn wrong_addressee() {
    let n = Net::new();
    let other = DeviceKeys::generate("hq-2");
    let h = SyncHeader::new(&n.rep, "org-acme", "hq-2", (1, 2), 0, "2026-11-23T02:00:00Z");
    let file = write_sync_file(&n.rep, &h, b"[]", &other.recipient()).unwrap();
    assert_eq!(kind(n.read_as_hq(&file, "org-acme")), SyncFileErrorKind::WrongAddressee);
}

#[test]
fn unknown_key() {
    let n = Net::new();
    let stranger = DeviceKeys::generate("rep-li");
    let h = SyncHeader::new(&stranger, "org-acme", "hq-1", (1, 2), 0, "2026-11-23T02:00:00Z");
    let file = write_sync_file(&stranger, &h, b"[]", &n.hq.recipient()).unwrap();
    assert_eq!(kind(n.read_as_hq(&file, "org-acme")), SyncFileErrorKind::UnknownKey);
}

#[test]
fn tampered_header_or_body_breaks_the_signature() {
    let n = Net::new();
    let file = n.file(b"[1,2,3]");
    let needle = b"\"acked_up_to\":42";
    let at = file.windows(needle.len()).position(|w| w == needle).unwrap() + needle.len() - 2;
    let mut bad = file.clone();
    bad[at] = b'9';
    assert_eq!(kind(n.read_as_hq(&bad, "org-acme")), SyncFileErrorKind::BadSignature);
    let mut bad = file.clone();
    let mid = file.len() - 100;
    bad[mid] ^= 0x20;
    assert_eq!(kind(n.read_as_hq(&bad, "org-acme")), SyncFileErrorKind::BadSignature);
}

#[test]
fn older_and_newer_format_versions() {
    let n = Net::new();
    let file = n.file(b"[]");
    let with_version = |v: u16| {
        let mut f = file.clone();
        f[8..10].copy_from_slice(&v.to_be_bytes());
        f
    };
    assert_eq!(kind(n.read_as_hq(&with_version(FORMAT_VERSION - 1), "org-acme")), SyncFileErrorKind::FormatTooOld);
    assert_eq!(kind(n.read_as_hq(&with_version(FORMAT_VERSION + 1), "org-acme")), SyncFileErrorKind::FormatTooNew);
}

#[test]
fn not_a_sync_file() {
    let n = Net::new();
    assert_eq!(kind(n.read_as_hq(b"%PDF-1.7\n...", "org-acme")), SyncFileErrorKind::NotSyncFile);
    let e = n.read_as_hq(b"KAMSYNX", "org-acme").unwrap_err();
    assert_eq!(e.code(), "sync_file");
}
