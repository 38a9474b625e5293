//! The `.kamsync` file: layout, writing and reading.
//!
//! ```text
//! offset  size  content
//! 0       8     magic "KAMSYNC\0"
//! 8       2     format version, u16 big-endian
//! 10      4     header length H, u32 big-endian (at most 64 KiB)
//! 14      H     header, compact JSON (SyncHeader)
//! 14+H    4     ciphertext length C, u32 big-endian
//! 18+H    C     age ciphertext (x25519 recipient) of the deflate-compressed body
//! 18+H+C  64    ed25519 signature by the sender over bytes 0 .. 18+H+C
//! ```
//! Nothing may follow the signature. Reading checks, in order: magic, version, framing, header,
//! organisation, addressee, sender key, signature, decryption, decompression; each failure is
//! its own [`SyncFileErrorKind`]. The organisation and addressee checks read the header before the
//! signature is verified; they can only refuse a file, never accept one.

use std::io::{Read, Write};

use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};

use super::keys::{parse_verifying_key, AgeRecipient, DeviceKeys, DevicePublicKeys};
use crate::error::{KamError, Result};

/// The first eight bytes of every sync file.
pub const MAGIC: &[u8; 8] = b"KAMSYNC\0";
/// The format this program writes and reads.
pub const FORMAT_VERSION: u16 = 1;
const MAX_HEADER: usize = 64 * 1024;
/// A decompressed body larger than this is refused (a compression bomb, not a week of work).
const MAX_BODY: u64 = 1 << 30;
const SIG_LEN: usize = 64;

/// Which check a refused sync file failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncFileErrorKind {
    /// The file does not start with the KAM magic bytes.
    NotSyncFile,
    /// The file ends before its declared parts do.
    Truncated,
    /// Written in an older format this program no longer reads.
    FormatTooOld,
    /// Written by a newer KAM.
    FormatTooNew,
    /// The framing or header cannot be parsed (trailing bytes, bad JSON, impossible values).
    Malformed,
    /// The file belongs to another organisation.
    WrongOrganisation,
    /// The file is addressed to another device.
    WrongAddressee,
    /// The sender is not a device this one trusts, or its key is not the one on record.
    UnknownKey,
    /// The signature does not match: the file was altered after it was written.
    BadSignature,
    /// The body cannot be decrypted with this device's key.
    CannotDecrypt,
    /// The decrypted body is not valid compressed data.
    CorruptBody,
    /// The sender's audit entries do not continue its hash chain: altered or removed.
    AuditTampered,
}

impl SyncFileErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotSyncFile => "not_sync_file",
            Self::Truncated => "truncated",
            Self::FormatTooOld => "format_too_old",
            Self::FormatTooNew => "format_too_new",
            Self::Malformed => "malformed",
            Self::WrongOrganisation => "wrong_organisation",
            Self::WrongAddressee => "wrong_addressee",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::CannotDecrypt => "cannot_decrypt",
            Self::CorruptBody => "corrupt_body",
            Self::AuditTampered => "audit_tampered",
        }
    }
}

impl std::fmt::Display for SyncFileErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) fn bad(kind: SyncFileErrorKind, zh: impl Into<String>, en: impl Into<String>) -> KamError {
    KamError::SyncFile { kind, zh: zh.into(), en: en.into() }
}

fn truncated() -> KamError {
    bad(
        SyncFileErrorKind::Truncated,
        "同步文件不完整（在传输或拷贝中被截断）。未导入任何内容；请让对方重新导出或重新拷贝该文件。",
        "The sync file is incomplete (cut off while copying or sending). Nothing was imported; ask for the file again.",
    )
}

fn malformed(what: &str, what_en: &str) -> KamError {
    bad(
        SyncFileErrorKind::Malformed,
        format!("同步文件已损坏（{what}）。未导入任何内容；请让对方重新导出该文件。"),
        format!("The sync file is damaged ({what_en}). Nothing was imported; ask the sender to export it again."),
    )
}

/// What a sync file says about itself. Stored as JSON in the clear (signed, not encrypted), so
/// it holds no customer data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncHeader {
    pub org_id: String,
    pub sender_device_id: String,
    /// The sender's ed25519 verifying key (hex); must match the one on record for the sender.
    pub sender_public_key: String,
    pub addressee_device_id: String,
    /// The hybrid-logical-clock range of the changes in the body, inclusive.
    pub clock_from: u64,
    pub clock_to: u64,
    /// The highest clock the sender has received from the addressee (lets it drop what is acknowledged).
    pub acked_up_to: u64,
    /// When the file was written, RFC 3339 UTC.
    pub created_at: String,
}

impl SyncHeader {
    /// A header for a file from `sender` to `addressee_device_id`.
    pub fn new(
        sender: &DeviceKeys,
        org_id: &str,
        addressee_device_id: &str,
        clock: (u64, u64),
        acked_up_to: u64,
        created_at: &str,
    ) -> SyncHeader {
        SyncHeader {
            org_id: org_id.to_string(),
            sender_device_id: sender.device_id().to_string(),
            sender_public_key: sender.signing_key_hex(),
            addressee_device_id: addressee_device_id.to_string(),
            clock_from: clock.0,
            clock_to: clock.1,
            acked_up_to,
            created_at: created_at.to_string(),
        }
    }
}

/// Write a sync file: `body` compressed, encrypted to `recipient`, everything signed by `sender`.
/// The header must name `sender` (use [`SyncHeader::new`]) and a sensible clock range.
pub fn write_sync_file(
    sender: &DeviceKeys,
    header: &SyncHeader,
    body: &[u8],
    recipient: &AgeRecipient,
) -> Result<Vec<u8>> {
    if header.sender_device_id != sender.device_id() || header.sender_public_key != sender.signing_key_hex() {
        return Err(KamError::invalid(
            "sender_device_id",
            "同步文件头中的发送设备与签名密钥不一致。",
            "The sync file header names a different sender than the signing key.",
        ));
    }
    if header.clock_from > header.clock_to {
        return Err(KamError::invalid(
            "clock_from",
            "时钟范围的起点大于终点。",
            "The clock range starts after it ends.",
        ));
    }
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(body)?;
    let compressed = enc.finish()?;
    seal(sender, header, &compressed, recipient)
}

/// Frame, encrypt and sign already-compressed bytes (tests use it to seal a corrupt body).
fn seal(sender: &DeviceKeys, header: &SyncHeader, compressed: &[u8], recipient: &AgeRecipient) -> Result<Vec<u8>> {
    let header_json = serde_json::to_vec(header).expect("a header always serialises");
    let ciphertext = age::encrypt(recipient, compressed).map_err(|e| {
        KamError::invalid("recipient", format!("无法加密同步文件：{e}"), format!("Cannot encrypt the sync file: {e}"))
    })?;
    let too_big = || KamError::invalid("body", "同步文件内容过大。", "The sync file body is too large.");
    let mut out = Vec::with_capacity(18 + header_json.len() + ciphertext.len() + SIG_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    out.extend_from_slice(&u32::try_from(header_json.len()).map_err(|_| too_big())?.to_be_bytes());
    out.extend_from_slice(&header_json);
    out.extend_from_slice(&u32::try_from(ciphertext.len()).map_err(|_| too_big())?.to_be_bytes());
    out.extend_from_slice(&ciphertext);
    let signature = sender.signing_key().sign(&out);
    out.extend_from_slice(&signature.to_bytes());
    Ok(out)
}

/// A cursor over the file that reports running out of bytes as truncation.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(truncated)?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<usize> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
}

/// The header of a sync file without checking anything but its framing: lets head office see
/// which device sent a file before it knows the device (first contact after enrollment). Trust
/// nothing in it; [`read_sync_file`] does the checks.
pub fn peek_header(bytes: &[u8]) -> Option<SyncHeader> {
    let mut c = Cursor { bytes, pos: 0 };
    if c.take(MAGIC.len()).ok()? != MAGIC || c.take(2).ok()? != FORMAT_VERSION.to_be_bytes() {
        return None;
    }
    let len = c.u32().ok()?;
    if len > MAX_HEADER {
        return None;
    }
    serde_json::from_slice(c.take(len).ok()?).ok()
}

/// Read a sync file addressed to `me` in organisation `expected_org`. `trusted` gives the public
/// keys on record for a sender device id (None: not a device we know). Returns the header and
/// the decrypted, decompressed body, or a [`KamError::SyncFile`] saying exactly what is wrong.
pub fn read_sync_file(
    bytes: &[u8],
    me: &DeviceKeys,
    trusted: &dyn Fn(&str) -> Option<DevicePublicKeys>,
    expected_org: &str,
) -> Result<(SyncHeader, Vec<u8>)> {
    use SyncFileErrorKind as K;
    // Magic: a short prefix of it is a truncated sync file, anything else is not one.
    let n = bytes.len().min(MAGIC.len());
    if bytes[..n] != MAGIC[..n] {
        return Err(bad(
            K::NotSyncFile,
            "这不是 KAM 同步文件（.kamsync）。请确认选择的是从 KAM 导出的同步文件。",
            "This is not a KAM sync file (.kamsync). Check that you chose a file exported by KAM.",
        ));
    }
    let mut c = Cursor { bytes, pos: 0 };
    c.take(MAGIC.len())?;
    let v = c.take(2)?;
    let version = u16::from_be_bytes([v[0], v[1]]);
    if version < FORMAT_VERSION {
        return Err(bad(
            K::FormatTooOld,
            format!("同步文件格式版本 {version} 过旧（本程序读取版本 {FORMAT_VERSION}）。请让对方升级 KAM 后重新导出。"),
            format!("The sync file uses old format {version} (this program reads {FORMAT_VERSION}). Ask the sender to upgrade KAM and export again."),
        ));
    }
    if version > FORMAT_VERSION {
        return Err(bad(
            K::FormatTooNew,
            format!("同步文件由更新版本的 KAM 写入（格式版本 {version}，本程序支持 {FORMAT_VERSION}）。请升级 KAM 后再导入。"),
            format!("The sync file was written by a newer KAM (format {version}, this program reads {FORMAT_VERSION}). Upgrade KAM, then import it."),
        ));
    }
    let header_len = c.u32()?;
    if header_len > MAX_HEADER {
        return Err(malformed("文件头长度异常", "impossible header length"));
    }
    let header_bytes = c.take(header_len)?;
    let ct_len = c.u32()?;
    let ciphertext = c.take(ct_len)?;
    let signed_len = c.pos;
    let sig_bytes: [u8; SIG_LEN] = c.take(SIG_LEN)?.try_into().expect("took exactly SIG_LEN bytes");
    if c.pos != bytes.len() {
        return Err(malformed("签名之后还有多余数据", "extra bytes after the signature"));
    }
    let header: SyncHeader =
        serde_json::from_slice(header_bytes).map_err(|_| malformed("文件头无法解析", "unreadable header"))?;

    if header.org_id != expected_org {
        return Err(bad(
            K::WrongOrganisation,
            format!("该同步文件属于其他组织（{}），不是本组织（{expected_org}）的文件，不能导入。", header.org_id),
            format!("This sync file belongs to another organisation ({}), not yours ({expected_org}); it cannot be imported.", header.org_id),
        ));
    }
    if header.addressee_device_id != me.device_id() {
        return Err(bad(
            K::WrongAddressee,
            format!(
                "该同步文件是发给另一台设备（{}）的，不是本机（{}）。请把它导入到正确的设备。",
                header.addressee_device_id,
                me.device_id()
            ),
            format!(
                "This sync file is addressed to another device ({}), not this one ({}). Import it on the right device.",
                header.addressee_device_id,
                me.device_id()
            ),
        ));
    }
    let unknown = || {
        bad(
            K::UnknownKey,
            format!("同步文件由未登记的设备或密钥（{}）签名，不能信任。请先通过注册文件登记该设备。", header.sender_device_id),
            format!("The sync file is signed by an unregistered device or key ({}) and cannot be trusted. Enroll the device first.", header.sender_device_id),
        )
    };
    let known = trusted(&header.sender_device_id).ok_or_else(unknown)?;
    if known.signing_key != header.sender_public_key {
        return Err(unknown());
    }
    let key = parse_verifying_key(&known.signing_key).ok_or_else(unknown)?;
    key.verify_strict(&bytes[..signed_len], &Signature::from_bytes(&sig_bytes)).map_err(|_| {
        bad(
            K::BadSignature,
            "同步文件签名不符：文件在导出后被改动或损坏。未导入任何内容；请让对方重新导出。",
            "The sync file's signature does not match: it was altered or damaged after export. Nothing was imported; ask for a new export.",
        )
    })?;
    if header.clock_from > header.clock_to {
        return Err(malformed("时钟范围颠倒", "clock range ends before it starts"));
    }
    let compressed = age::decrypt(me.age_identity(), ciphertext).map_err(|_| {
        bad(
            K::CannotDecrypt,
            "无法用本机密钥解密该同步文件（发送方使用了其他加密公钥）。请让对方用本机最新的注册信息重新导出。",
            "This device's key cannot decrypt the sync file (the sender used another encryption key). Ask the sender to export again with this device's current enrollment.",
        )
    })?;
    let corrupt = || {
        bad(
            K::CorruptBody,
            "同步文件内容解压失败（数据损坏）。未导入任何内容；请让对方重新导出。",
            "The sync file's content cannot be decompressed (corrupt data). Nothing was imported; ask for a new export.",
        )
    };
    let mut body = Vec::new();
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
        .map_err(|_| corrupt())?;
    if body.len() as u64 > MAX_BODY {
        return Err(corrupt());
    }
    Ok((header, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(e: KamError) -> SyncFileErrorKind {
        match e {
            KamError::SyncFile { kind, .. } => kind,
            other => panic!("expected a sync file error, got {other:?}"),
        }
    }

    struct Setup {
        rep: DeviceKeys,
        hq: DeviceKeys,
    }

    impl Setup {
        fn new() -> Setup {
            Setup { rep: DeviceKeys::generate("rep-1"), hq: DeviceKeys::generate("hq") }
        }
        fn header(&self) -> SyncHeader {
            SyncHeader::new(&self.rep, "org-1", "hq", (5, 9), 3, "2026-11-23T02:00:00Z")
        }
        fn read(&self, bytes: &[u8]) -> Result<(SyncHeader, Vec<u8>)> {
            let rep = self.rep.public();
            read_sync_file(bytes, &self.hq, &move |id: &str| (id == rep.device_id).then(|| rep.clone()), "org-1")
        }
    }

    #[test]
    fn round_trip_and_layout() {
        let s = Setup::new();
        let body = br#"[{"table":"customers","op":"insert"}]"#.repeat(50);
        let file = write_sync_file(&s.rep, &s.header(), &body, &s.hq.recipient()).unwrap();
        assert_eq!(&file[..8], MAGIC);
        assert_eq!(u16::from_be_bytes([file[8], file[9]]), FORMAT_VERSION);
        let (h, b) = s.read(&file).unwrap();
        assert_eq!(h, s.header());
        assert_eq!(b, body);
        // the body is compressed and not readable in the clear
        assert!(!file.windows(9).any(|w| w == b"customers"));
    }

    #[test]
    fn wrong_recipient_key_cannot_decrypt() {
        let s = Setup::new();
        let other = DeviceKeys::generate("hq");
        let file = write_sync_file(&s.rep, &s.header(), b"x", &other.recipient()).unwrap();
        assert_eq!(kind(s.read(&file).unwrap_err()), SyncFileErrorKind::CannotDecrypt);
    }

    #[test]
    fn corrupt_compressed_body() {
        let s = Setup::new();
        let file = seal(&s.rep, &s.header(), &[0xff; 40], &s.hq.recipient()).unwrap();
        assert_eq!(kind(s.read(&file).unwrap_err()), SyncFileErrorKind::CorruptBody);
    }

    #[test]
    fn framing_errors() {
        let s = Setup::new();
        let file = write_sync_file(&s.rep, &s.header(), b"x", &s.hq.recipient()).unwrap();
        let mut extra = file.clone();
        extra.push(0);
        assert_eq!(kind(s.read(&extra).unwrap_err()), SyncFileErrorKind::Malformed);
        assert_eq!(kind(s.read(b"PK\x03\x04 a zip").unwrap_err()), SyncFileErrorKind::NotSyncFile);
        assert_eq!(kind(s.read(b"").unwrap_err()), SyncFileErrorKind::Truncated);
        let mut huge = file[..10].to_vec();
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(kind(s.read(&huge).unwrap_err()), SyncFileErrorKind::Malformed);
    }

    #[test]
    fn key_on_record_must_match_header() {
        let s = Setup::new();
        let impostor = DeviceKeys::generate("rep-1");
        let h = SyncHeader::new(&impostor, "org-1", "hq", (1, 1), 0, "2026-11-23T02:00:00Z");
        let file = write_sync_file(&impostor, &h, b"x", &s.hq.recipient()).unwrap();
        assert_eq!(kind(s.read(&file).unwrap_err()), SyncFileErrorKind::UnknownKey);
    }

    #[test]
    fn writer_refuses_inconsistent_headers() {
        let s = Setup::new();
        let mut h = s.header();
        h.sender_device_id = "someone-else".into();
        assert_eq!(write_sync_file(&s.rep, &h, b"x", &s.hq.recipient()).unwrap_err().code(), "validation");
        let mut h = s.header();
        h.clock_from = 10;
        assert_eq!(write_sync_file(&s.rep, &h, b"x", &s.hq.recipient()).unwrap_err().code(), "validation");
    }

    #[test]
    fn error_codes_and_messages() {
        let e = bad(SyncFileErrorKind::Truncated, "中", "en");
        assert_eq!(e.code(), "sync_file");
        assert_eq!(e.message_en(), "en");
        assert_eq!(e.to_string(), "中");
        assert_eq!(SyncFileErrorKind::BadSignature.to_string(), "bad_signature");
    }
}
