//! The core's one error type. Every variant says what happened and what to do next, in
//! Chinese (the UI's default language); [`KamError::message_en`] gives the English text.

use serde::Serialize;
use ts_rs::TS;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum KamError {
    /// Input failed a business rule; nothing was written. `field` names the offending input.
    #[error("{zh}")]
    Validation { field: String, zh: String, en: String },
    /// The acting user (or this device) may not do this; nothing was written.
    #[error("{zh}")]
    Forbidden { zh: String, en: String },
    /// The record is in a state where this action does not apply (a sent quote edited, a closed
    /// complaint handled…); nothing was written.
    #[error("{zh}")]
    WrongState { zh: String, en: String },
    /// A record with the same unique key already exists; nothing was written.
    #[error("{zh}")]
    Duplicate { field: String, existing_id: String, zh: String, en: String },
    /// The record does not exist, or was deleted.
    #[error("找不到{}（{id}）：它可能已被删除。请刷新列表后重试。", entity.label_zh())]
    NotFound { entity: Entity, id: String },
    /// The database file was written by a newer KAM; we refuse to touch it.
    #[error("数据库由更新版本的 KAM 写入（结构版本 {found}，本程序支持到 {supported}）。请升级 KAM 后再打开，数据未做任何改动。")]
    DatabaseTooNew { found: i64, supported: i64 },
    /// The database file could not be opened or is not a KAM database.
    #[error("无法打开数据库 {path}：{reason}。请检查路径和权限，或用 --db 指定其他文件。")]
    Open { path: String, reason: String },
    /// SQLite reported an error (disk full, file locked, corruption…). The transaction was rolled back.
    #[error("{}", storage_message(.0).0)]
    Storage(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("文件读写失败：{0}。请检查路径、权限和磁盘空间。")]
    Io(#[from] std::io::Error),
    /// A `.kamsync` file was refused. `kind` says which check failed (each way a file can be bad
    /// has its own kind); the messages say what it means and what to do. Nothing was applied.
    #[error("{zh}")]
    SyncFile { kind: crate::sync::SyncFileErrorKind, zh: String, en: String },
    /// Signing in failed or is needed first (`kind` is the code: `not_signed_in`,
    /// `wrong_password`, `too_many_attempts`, `session_invalid`, `setup_needed`). Nothing was written.
    #[error("{zh}")]
    Auth { kind: AuthErrorKind, zh: String, en: String },
    /// The person cancelled a long task (an import being applied); its one transaction was
    /// rolled back, so nothing was written.
    #[error("{zh}")]
    Cancelled { zh: String, en: String },
}

/// Why signing in failed or is needed: each its own stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// Nobody is signed in (the window is locked, or the CLI has no session).
    NotSignedIn,
    /// The password does not match.
    WrongPassword,
    /// Too many wrong passwords in a row: wait before the next try.
    TooManyAttempts,
    /// A CLI session token that is expired, from another database or another OS user.
    SessionInvalid,
    /// A fresh database: the first head-office administrator must be created first.
    SetupNeeded,
}

impl AuthErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            AuthErrorKind::NotSignedIn => "not_signed_in",
            AuthErrorKind::WrongPassword => "wrong_password",
            AuthErrorKind::TooManyAttempts => "too_many_attempts",
            AuthErrorKind::SessionInvalid => "session_invalid",
            AuthErrorKind::SetupNeeded => "setup_needed",
        }
    }
}

impl KamError {
    /// A stable machine-readable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            KamError::Validation { .. } => "validation",
            KamError::Forbidden { .. } => "forbidden",
            KamError::WrongState { .. } => "wrong_state",
            KamError::Duplicate { .. } => "duplicate",
            KamError::NotFound { .. } => "not_found",
            KamError::DatabaseTooNew { .. } => "database_too_new",
            KamError::Open { .. } => "open_failed",
            KamError::Storage(e) => storage_code(e),
            KamError::Io(_) => "io",
            KamError::SyncFile { .. } => "sync_file",
            KamError::Auth { kind, .. } => kind.code(),
            KamError::Cancelled { .. } => "cancelled",
        }
    }

    /// The English message (the UI shows it when switched to English).
    pub fn message_en(&self) -> String {
        match self {
            KamError::Validation { en, .. }
            | KamError::Forbidden { en, .. }
            | KamError::WrongState { en, .. }
            | KamError::Duplicate { en, .. }
            | KamError::SyncFile { en, .. }
            | KamError::Auth { en, .. }
            | KamError::Cancelled { en, .. } => en.clone(),
            KamError::NotFound { entity, id } => {
                format!("{} {id} not found: it may have been deleted. Refresh the list and try again.", entity.label_en())
            }
            KamError::DatabaseTooNew { found, supported } => format!(
                "The database was written by a newer KAM (schema {found}, this program supports up to {supported}). Upgrade KAM to open it; nothing was changed."
            ),
            KamError::Open { path, reason } => format!(
                "Cannot open database {path}: {reason}. Check the path and permissions, or pass --db with another file."
            ),
            KamError::Storage(e) => storage_message(e).1,
            KamError::Io(e) => format!("File read/write failed: {e}. Check the path, permissions and free space."),
        }
    }

    pub(crate) fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        KamError::Validation { field: field.to_string(), zh: zh.into(), en: en.into() }
    }

    pub(crate) fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Self {
        KamError::Forbidden { zh: zh.into(), en: en.into() }
    }

    pub(crate) fn auth(kind: AuthErrorKind, zh: impl Into<String>, en: impl Into<String>) -> Self {
        KamError::Auth { kind, zh: zh.into(), en: en.into() }
    }

    pub(crate) fn wrong_state(zh: impl Into<String>, en: impl Into<String>) -> Self {
        KamError::WrongState { zh: zh.into(), en: en.into() }
    }

    /// The same error about another input field (a shared rule reused for a named field).
    pub fn with_field(self, name: &str) -> Self {
        match self {
            KamError::Validation { zh, en, .. } => KamError::Validation { field: name.to_string(), zh, en },
            other => other,
        }
    }

    /// The serializable form sent to the UI.
    pub fn to_dto(&self) -> ErrorDto {
        let entity = match self {
            KamError::NotFound { entity, .. } => Some(*entity),
            _ => None,
        };
        let (field, existing_id) = match self {
            KamError::Validation { field, .. } => (Some(field.clone()), None),
            KamError::Duplicate { field, existing_id, .. } => (Some(field.clone()), Some(existing_id.clone())),
            _ => (None, None),
        };
        ErrorDto {
            code: self.code().to_string(),
            message: self.to_string(),
            message_en: self.message_en(),
            field,
            existing_id,
            entity,
        }
    }
}

/// Storage failures a script may want to tell apart: the disk is full, the file or folder is
/// read-only, the file is damaged or not a database, another program holds the lock.
fn storage_code(e: &rusqlite::Error) -> &'static str {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DiskFull) => "storage_full",
        Some(C::ReadOnly) => "storage_read_only",
        Some(C::DatabaseCorrupt | C::NotADatabase) => "storage_damaged",
        Some(C::DatabaseBusy | C::DatabaseLocked) => "storage_busy",
        _ => "storage",
    }
}

/// What a storage failure means and what to do, in Chinese and English.
fn storage_message(e: &rusqlite::Error) -> (String, String) {
    match storage_code(e) {
        "storage_full" => (
            format!("磁盘已满：{e}。本次更改已撤销，数据保持一致；请先释放磁盘空间再重试。"),
            format!("The disk is full: {e}. The change was rolled back and the data is consistent; free disk space and try again."),
        ),
        "storage_read_only" => (
            format!("数据库文件或所在文件夹是只读的：{e}。本次更改没有写入；请检查文件权限，或把数据库放到可写的位置。"),
            format!("The database file or its folder is read-only: {e}. Nothing was written; check the file's permissions or move the database somewhere writable."),
        ),
        "storage_damaged" => (
            format!("数据库文件已损坏，或不是 KAM 数据库：{e}。请不要继续写入它，从备份恢复或联系总部。"),
            format!("The database file is damaged or not a KAM database: {e}. Stop writing to it; restore from a backup or contact head office."),
        ),
        "storage_busy" => (
            format!("数据库正被另一个程序使用（例如另一个 KAM 窗口或 kam 命令）：{e}。本次更改没有写入，请稍后重试。"),
            format!("Another program is using the database (another KAM window or a kam command): {e}. Nothing was written; try again in a moment."),
        ),
        _ => (
            format!("数据库操作失败：{e}。本次更改已撤销，数据保持一致。"),
            format!("Database operation failed: {e}. The change was rolled back and the data is consistent."),
        ),
    }
}

/// What was not found, named right in both languages (and as a stable code in `ErrorDto.entity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Entity {
    Customer,
    Contact,
    ContactChange,
    Project,
    Record,
    User,
    Visit,
    VisitPlan,
    Complaint,
    Survey,
    SurveyDimension,
    Quote,
    QuoteLine,
    Product,
    PricingPolicy,
    SyncConflict,
    DuplicateClaim,
    CustomerRequest,
    FinanceRecord,
}

impl Entity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Entity::Customer => "客户",
            Entity::Contact => "联系人",
            Entity::ContactChange => "关键人变动记录",
            Entity::Project => "项目",
            Entity::Record => "记录",
            Entity::User => "用户",
            Entity::Visit => "拜访记录",
            Entity::VisitPlan => "拜访计划",
            Entity::Complaint => "投诉",
            Entity::Survey => "满意度调查",
            Entity::SurveyDimension => "调查维度",
            Entity::Quote => "报价单",
            Entity::QuoteLine => "报价行",
            Entity::Product => "产品",
            Entity::PricingPolicy => "报价政策",
            Entity::SyncConflict => "冲突",
            Entity::DuplicateClaim => "撞单记录",
            Entity::CustomerRequest => "申请",
            Entity::FinanceRecord => "财务记录",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Entity::Customer => "Customer",
            Entity::Contact => "Contact",
            Entity::ContactChange => "Key-person change",
            Entity::Project => "Project",
            Entity::Record => "Record",
            Entity::User => "User",
            Entity::Visit => "Visit",
            Entity::VisitPlan => "Visit plan",
            Entity::Complaint => "Complaint",
            Entity::Survey => "Survey",
            Entity::SurveyDimension => "Survey dimension",
            Entity::Quote => "Quote",
            Entity::QuoteLine => "Quote line",
            Entity::Product => "Product",
            Entity::PricingPolicy => "Pricing policy",
            Entity::SyncConflict => "Conflict",
            Entity::DuplicateClaim => "Duplicate claim",
            Entity::CustomerRequest => "Request",
            Entity::FinanceRecord => "Finance record",
        }
    }
}

/// What the UI receives when a command fails: `{code, message}` plus the English text and,
/// for validation errors, the field to highlight.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct ErrorDto {
    pub code: String,
    pub message: String,
    pub message_en: String,
    pub field: Option<String>,
    pub existing_id: Option<String>,
    /// For `not_found`: what was not found.
    pub entity: Option<Entity>,
}

impl From<KamError> for ErrorDto {
    fn from(e: KamError) -> Self {
        e.to_dto()
    }
}

pub type Result<T, E = KamError> = std::result::Result<T, E>;
