//! Ids and timestamps shared by every table.

use chrono::{DateTime, SecondsFormat, Utc};

/// A new row id: a UUIDv7 generated on this device. Time-ordered, and random enough that two
/// laptops never produce the same id without talking to each other.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// UTC timestamp as stored: RFC 3339 with milliseconds and `Z`, so text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Characters, not bytes: the length users think in.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Trim and turn an empty string into `None`.
pub fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// failed export leaves no partial file (and an existing file is replaced whole or not at all).
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> crate::error::Result<()> {
    let shown = path.display().to_string();
    let is_xlsx = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let name = match (path.file_name(), is_xlsx) {
        (Some(n), true) => n.to_string_lossy().to_string(),
        _ => {
            return Err(crate::error::KamError::invalid(
                "out",
                format!("导出文件「{shown}」应以 .xlsx 结尾，例如 报价单.xlsx 或 大客户月报-2026-10.xlsx。"),
                format!("The export file '{shown}' must end in .xlsx, e.g. 报价单.xlsx or 大客户月报-2026-10.xlsx."),
            ))
        }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(crate::error::KamError::invalid(
            "out",
            format!("文件夹「{}」不存在。请先创建它，或选择其他保存位置。", dir.display()),
            format!("The folder '{}' does not exist. Create it first or choose another location.", dir.display()),
        ));
    }
    let tmp = dir.join(format!(".{name}.{}.tmp", new_id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create_new(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(crate::error::KamError::invalid(
            "out",
            format!(
                "无法写入「{shown}」：{e}。请选择有写入权限的文件夹（例如“文档”），或先关闭在 Excel/WPS 中打开的同名文件，然后重试。没有留下不完整的文件。"
            ),
            format!(
                "Cannot write '{shown}': {e}. Choose a folder you can write to (such as Documents), or close the file if it is open in Excel/WPS, then try again. No partial file was left."
            ),
        ));
    }
    Ok(())
}
