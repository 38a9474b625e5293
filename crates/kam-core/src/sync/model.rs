//! The DTOs of the head-office exchange, shared with the app (ts-rs) and the CLI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorDto;

str_enum!(
    /// What an installation is in the exchange: it decides what the device may change and what
    /// it receives.
    DeviceRole { Rep = "rep" / "业务员设备" / "Field rep", Manager = "manager" / "经理设备" / "Manager",
                 HeadOffice = "head_office" / "总部" / "Head office" });

/// This installation's place in the exchange.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    /// False until head office set itself up or a field device imported its enrollment file.
    pub enrolled: bool,
    pub role: Option<DeviceRole>,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub device_id: String,
    /// The devices this one exchanges with (head office on a field device).
    pub peers: Vec<SyncPeer>,
    /// Local changes head office has not confirmed receiving yet (a field device), or changes
    /// waiting for any device (head office).
    pub pending_changes: u32,
    pub open_conflicts: u32,
    pub open_duplicates: u32,
    pub last_exchange_at: Option<String>,
}

/// A device this one exchanges files with.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncPeer {
    pub device_id: String,
    pub user_id: Option<String>,
    /// The person (or "总部") the device belongs to.
    pub name: String,
    pub role: DeviceRole,
    pub last_import_at: Option<String>,
    pub last_export_at: Option<String>,
}

/// Head office issued an enrollment file.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnrollmentExport {
    pub path: String,
    pub user_id: String,
    pub user_name: String,
    pub role: DeviceRole,
}

/// A sync file was written.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncExportResult {
    pub path: String,
    pub file_name: String,
    /// Who the file is for.
    pub addressee: String,
    /// Rows carried (each with every field and its clock).
    pub changes: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Rows of one table in a file: how many are new here, changed here, or already known.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TableCount {
    pub table: String,
    pub label_zh: String,
    pub label_en: String,
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub refused: u32,
}

/// A change the sender was not allowed to make; it was not applied.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RefusedChange {
    pub table: String,
    pub row_id: String,
    /// What the row is about (a customer's name, …).
    pub label: String,
    pub reason: String,
    pub reason_en: String,
}

/// What importing one file does (the preview) or did (after applying).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncFileReport {
    pub sender_device_id: String,
    pub sender_name: String,
    pub sender_role: DeviceRole,
    pub created_at: String,
    /// Rows in the file.
    pub changes: u32,
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub by_table: Vec<TableCount>,
    pub refused: Vec<RefusedChange>,
    /// New entries in the conflict inbox.
    pub conflicts: u32,
    /// Possible duplicate customers (撞单) this file creates.
    pub duplicates: Vec<DuplicateClaim>,
    /// Set when this very file was applied before: then nothing changes.
    pub already_applied_at: Option<String>,
    /// First file from this device: it is registered by its enrollment.
    pub new_device: bool,
    /// On a field device: customers head office withdrew (reassigned to someone outside this
    /// person's reach), deleted here with everything hanging off them.
    pub withdrawn: u32,
}

/// The outcome for one file of an import.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncImportResult {
    pub file: String,
    /// True when the changes were written (not a dry run, no error).
    pub applied: bool,
    pub report: Option<SyncFileReport>,
    /// Why the file was refused; nothing of it was applied.
    pub error: Option<ErrorDto>,
}

str_enum!(
    /// State of a conflict inbox entry.
    ConflictStatus { Open = "open" / "待确认" / "Open", Confirmed = "confirmed" / "已确认" / "Confirmed",
                     Reversed = "reversed" / "已改回" / "Reversed" });

/// 冲突收件箱: two people changed the same field since they last exchanged. The newer change
/// won everywhere; the other value is kept here for a person to confirm or restore.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncConflict {
    pub id: String,
    pub table: String,
    pub table_label: String,
    pub row_id: String,
    /// The customer (or other record) the field belongs to.
    pub label: String,
    pub customer_id: Option<String>,
    pub column: String,
    /// The value in force now, and who wrote it.
    pub winner_value: String,
    pub winner_by: String,
    pub winner_at: String,
    /// The value that lost, and who wrote it.
    pub loser_value: String,
    pub loser_by: String,
    pub loser_at: String,
    pub detected_at: String,
    pub status: ConflictStatus,
}

str_enum!(
    /// Why two customers look like the same company.
    DuplicateReason { CreditCode = "credit_code" / "统一社会信用代码相同" / "Same credit code",
                      Name = "name" / "名称几乎相同" / "Near-identical name" });
str_enum!(
    /// State of a duplicate claim.
    DuplicateStatus { Open = "open" / "待处理" / "Open", Merged = "merged" / "已合并" / "Merged",
                      Dismissed = "dismissed" / "不是同一客户" / "Not a duplicate" });

/// 撞单: two customers, created by different people, that look like the same company.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateClaim {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_owner: Option<String>,
    pub other_id: String,
    pub other_name: String,
    pub other_owner: Option<String>,
    pub reason: DuplicateReason,
    pub detected_at: String,
    pub status: DuplicateStatus,
}

/// One file exported or applied.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncHistoryEntry {
    pub id: String,
    /// "export" or "import".
    pub direction: String,
    pub peer_name: String,
    pub file_name: String,
    pub changes: u32,
    pub refused: u32,
    pub conflicts: u32,
    pub duplicates: u32,
    pub at: String,
    pub by_user: String,
}

/// Result of merging a duplicate customer into the one kept.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeResult {
    pub kept_id: String,
    pub merged_id: String,
    /// Records (contacts, visits, quotes…) now pointing at the kept customer.
    pub moved: u32,
}
