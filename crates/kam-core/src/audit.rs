//! Recorded acts (审计日志, issue 11): every export — quote workbooks (customer and internal),
//! the monthly report, sync and enrollment files — writes an entry: who, when, what (kind,
//! filters as JSON, row count), where (path) and on which device. Entries are append-only
//! (triggers refuse UPDATE and DELETE) and hash-chained per device (SHA-256 over the previous
//! hash and the entry), so [`Kam::verify_audit_chain`] finds an entry altered or dropped by a
//! direct write to the file. A field device's entries travel to head office in its sync files
//! (the one table synced one way, `Seen::Nobody`); head office checks that they continue the
//! device's chain ([`check_links`]) and refuses the whole file otherwise.

use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{KamError, Result};
use crate::model::Role;
use crate::{util, Kam};

/// The kinds of recorded acts, with their labels.
pub const KINDS: &[(&str, &str, &str)] = &[
    ("quote_customer", "导出报价单（客户版）", "Quote workbook (customer)"),
    ("quote_internal", "导出报价单（内部版）", "Quote workbook (internal)"),
    ("monthly_report", "导出大客户月报", "Monthly key-account report"),
    ("sync_file", "导出同步文件", "Sync file"),
    ("enrollment_file", "导出注册文件", "Enrollment file"),
    ("customer_import", "导入客户", "Customer import"),
    ("import_undo", "撤销导入", "Import undone"),
    ("import_errors", "导出导入错误行", "Import error rows"),
    ("form_customers", "导出客户名单档案（附表1）", "Customer list (form 1)"),
    ("form_dossier", "导出客户基本情况档案（附表2）", "Customer basic information (form 2)"),
    ("form_projects", "导出客户在建项目一览表（附表3）", "Projects under way (form 3)"),
    ("form_feedback", "导出客户开发与维护过程信息反馈表（附表4）", "Development and upkeep feedback (form 4)"),
    ("contact_import", "导入联系人", "Contact import"),
    ("sales_import", "导入销售", "Sales import"),
    ("collections_import", "导入回款", "Collections import"),
    ("receivables_import", "导入应收", "Receivables import"),
    ("finance_edit", "修改财务记录", "Finance record edited"),
    ("finance_void", "作废财务记录", "Finance record voided"),
    ("receivable_paid", "应收登记收款", "Receivable payment"),
];

/// The chain's start for a device.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One recorded act.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    pub id: String,
    pub device_id: String,
    /// 1, 2, 3… per device: a gap is a dropped entry.
    #[ts(type = "number")]
    pub device_seq: i64,
    pub user_id: String,
    pub user_name: Option<String>,
    /// RFC 3339 UTC.
    pub at: String,
    pub kind: String,
    pub kind_zh: String,
    pub kind_en: String,
    /// The filters of the act, as JSON (quote number, month, department, addressee…).
    pub detail: String,
    /// The same for people: the values, joined by " · ".
    pub detail_text: String,
    #[ts(type = "number | null")]
    pub row_count: Option<i64>,
    pub path: String,
}

/// Which entries to list (all fields optional; newest first).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditQuery {
    pub kind: Option<String>,
    /// A user id.
    pub user_id: Option<String>,
    /// Local dates, inclusive (`YYYY-MM-DD`).
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<u32>,
}

/// The result of checking the chain.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditCheck {
    pub entries: u32,
    /// The first entry (device, sequence) whose hash or predecessor does not match, if any.
    pub broken_at: Option<String>,
}

fn label(kind: &str) -> (String, String) {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, zh, en)| (zh.to_string(), en.to_string()))
        .unwrap_or_else(|| (kind.to_string(), kind.to_string()))
}

/// The recorded filters as people read them: the non-empty values, in the order of their keys.
fn detail_text(detail: &str) -> String {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(detail) {
        Ok(m) => m
            .values()
            .filter_map(|v| match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) if s.is_empty() => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        Err(_) => detail.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    device: &str,
    seq: i64,
    user: &str,
    at: &str,
    kind: &str,
    detail: &str,
    rows: Option<i64>,
    path: &str,
) -> String {
    let mut h = Sha256::new();
    for part in
        [prev, device, &seq.to_string(), user, at, kind, detail, &rows.map(|r| r.to_string()).unwrap_or_default(), path]
    {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Kam {
    /// Record an export that has been written to `path`. If the entry cannot be written the
    /// file is removed and the error returned: no export goes unrecorded.
    pub(crate) fn record_export(
        &self,
        kind: &str,
        detail: serde_json::Value,
        rows: Option<i64>,
        path: &Path,
    ) -> Result<()> {
        let recorded = self.append_audit(kind, &detail.to_string(), rows, &path.display().to_string());
        if recorded.is_err() {
            let _ = std::fs::remove_file(path);
        }
        recorded
    }

    pub(crate) fn append_audit(&self, kind: &str, detail: &str, rows: Option<i64>, path: &str) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT device_seq, hash FROM audit_log WHERE device_id = ?1 ORDER BY device_seq DESC LIMIT 1",
                [&self.device_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (seq, prev) = match last {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS.to_string()),
        };
        let at = util::ts(self.now());
        let hash = entry_hash(&prev, &self.device_id, seq, &self.user_id, &at, kind, detail, rows, path);
        tx.execute(
            "INSERT INTO audit_log (id, device_id, device_seq, user_id, at, kind, detail, row_count, path, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![util::new_id(), self.device_id, seq, self.user_id, at, kind, detail, rows, path, prev, hash],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The audit log, newest first: head office's clerks, executives and administrators.
    pub fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.require_role_or_admin(&[Role::HeadOffice, Role::Executive], "查看审计日志", "view the audit log")?;
        let from = q.from.as_deref().map(|d| crate::input::date("from", d)).transpose()?;
        let to = q.to.as_deref().map(|d| crate::input::date("to", d)).transpose()?;
        let from_utc = from.map(crate::time::day_start_utc);
        let to_utc = to.map(|d| crate::time::day_start_utc(d + chrono::Duration::days(1)));
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.device_id, a.device_seq, a.user_id, u.name, a.at, a.kind, a.detail, a.row_count, a.path
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE (?1 IS NULL OR a.kind = ?1) AND (?2 IS NULL OR a.user_id = ?2)
               AND (?3 IS NULL OR a.at >= ?3) AND (?4 IS NULL OR a.at < ?4)
             ORDER BY a.at DESC, a.device_seq DESC LIMIT ?5",
        )?;
        let rows = stmt
            .query_map(params![q.kind, q.user_id, from_utc, to_utc, q.limit.unwrap_or(1000)], |r| {
                let kind: String = r.get(6)?;
                let (kind_zh, kind_en) = label(&kind);
                Ok(AuditEntry {
                    id: r.get(0)?,
                    device_id: r.get(1)?,
                    device_seq: r.get(2)?,
                    user_id: r.get(3)?,
                    user_name: r.get(4)?,
                    at: r.get(5)?,
                    kind,
                    kind_zh,
                    kind_en,
                    detail_text: detail_text(&r.get::<_, String>(7)?),
                    detail: r.get(7)?,
                    row_count: r.get(8)?,
                    path: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Recompute every device's chain: the first entry altered, dropped or out of order.
    pub fn verify_audit_chain(&self) -> Result<AuditCheck> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, device_seq, user_id, at, kind, detail, row_count, path, prev_hash, hash
             FROM audit_log ORDER BY device_id, device_seq",
        )?;
        let mut rows = stmt.query([])?;
        let (mut entries, mut broken_at) = (0u32, None);
        let (mut device, mut expect_seq, mut prev) = (String::new(), 1i64, GENESIS.to_string());
        while let Some(r) = rows.next()? {
            entries += 1;
            let d: String = r.get(0)?;
            if d != device {
                (device, expect_seq, prev) = (d.clone(), 1, GENESIS.to_string());
            }
            let seq: i64 = r.get(1)?;
            let stored: String = r.get(9)?;
            let computed = entry_hash(
                &prev,
                &d,
                seq,
                &r.get::<_, String>(2)?,
                &r.get::<_, String>(3)?,
                &r.get::<_, String>(4)?,
                &r.get::<_, String>(5)?,
                r.get(6)?,
                &r.get::<_, String>(7)?,
            );
            if broken_at.is_none() && (seq != expect_seq || r.get::<_, String>(8)? != prev || computed != stored) {
                broken_at = Some(format!("{d} #{seq}"));
            }
            expect_seq = seq + 1;
            prev = stored;
        }
        Ok(AuditCheck { entries, broken_at })
    }

    /// Refused with `forbidden` unless the person acting has one of `roles` or is an
    /// administrator (trusted in-process callers pass).
    pub(crate) fn require_role_or_admin(&self, roles: &[Role], what_zh: &str, what_en: &str) -> Result<()> {
        self.require_signed_in()?;
        if self.is_trusted() || self.is_admin(&self.user_id)? {
            return Ok(());
        }
        let me = self.user(&self.user_id)?;
        if roles.contains(&me.role) {
            return Ok(());
        }
        let allowed_zh = roles.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、");
        let allowed_en = roles.iter().map(|r| r.label_en()).collect::<Vec<_>>().join(", ");
        Err(KamError::forbidden(
            format!("{}（{}）无权{what_zh}：这需要{allowed_zh}的权限。", me.name, me.role.label_zh()),
            format!("{} ({}) may not {what_en}: it takes one of {allowed_en}.", me.name, me.role.label_en()),
        ))
    }
}

/// An audit entry as it arrives in a sync file.
pub(crate) struct ChainLink {
    pub id: String,
    pub device_id: String,
    pub device_seq: i64,
    pub user_id: String,
    pub at: String,
    pub kind: String,
    pub detail: String,
    pub row_count: Option<i64>,
    pub path: String,
    pub prev_hash: String,
    pub hash: String,
}

fn tampered(zh_why: &str, en_why: &str) -> KamError {
    crate::sync::file::bad(
        crate::sync::SyncFileErrorKind::AuditTampered,
        format!("同步文件中的审计记录被改动或删除过（{zh_why}）。未导入任何内容；请联系总部核查该设备。"),
        format!("The audit entries in the sync file were altered or removed ({en_why}). Nothing was imported; head office should check that device."),
    )
}

/// Head office, before applying a device's file: every audit entry in it is the sender's, its
/// hash is right, it links to the entry before it (in the file or already here), none is
/// missing, and one already here arrives unchanged. Otherwise the file is refused.
pub(crate) fn check_links(conn: &rusqlite::Connection, sender: &str, mut links: Vec<ChainLink>) -> Result<()> {
    links.sort_by_key(|l| l.device_seq);
    let mut prev: Option<(i64, String)> = None;
    for l in &links {
        if l.device_id != sender {
            return Err(tampered("记录来自其他设备", "an entry of another device"));
        }
        let computed = entry_hash(
            &l.prev_hash,
            &l.device_id,
            l.device_seq,
            &l.user_id,
            &l.at,
            &l.kind,
            &l.detail,
            l.row_count,
            &l.path,
        );
        if computed != l.hash {
            return Err(tampered(
                &format!("第 {} 条与其校验值不符", l.device_seq),
                &format!("entry #{} does not match its hash", l.device_seq),
            ));
        }
        let here: Option<String> =
            conn.query_row("SELECT hash FROM audit_log WHERE id = ?1", [&l.id], |r| r.get(0)).optional()?;
        if let Some(h) = here {
            if h != l.hash {
                return Err(tampered(
                    &format!("第 {} 条已被修改", l.device_seq),
                    &format!("entry #{} was changed", l.device_seq),
                ));
            }
        }
        let expected_prev = match &prev {
            Some((seq, hash)) if *seq + 1 == l.device_seq => Some(hash.clone()),
            _ if l.device_seq == 1 => Some(GENESIS.to_string()),
            _ => conn
                .query_row(
                    "SELECT hash FROM audit_log WHERE device_id = ?1 AND device_seq = ?2",
                    params![sender, l.device_seq - 1],
                    |r| r.get(0),
                )
                .optional()?,
        };
        if expected_prev.as_deref() != Some(l.prev_hash.as_str()) {
            return Err(tampered(
                &format!("第 {} 条之前缺少记录", l.device_seq),
                &format!("entries missing before #{}", l.device_seq),
            ));
        }
        prev = Some((l.device_seq, l.hash.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_values() {
        assert_eq!(detail_text(r#"{"month":"2026-11","department":null}"#), "2026-11");
        assert_eq!(detail_text(r#"{"customer":"宝钢","quote":"Q26-ABCD-0001"}"#), "宝钢 · Q26-ABCD-0001");
        assert_eq!(detail_text("not json"), "not json");
    }

    #[test]
    fn the_hash_covers_every_field_and_the_predecessor() {
        let base = entry_hash(GENESIS, "d", 1, "u", "t", "k", "{}", Some(3), "/p");
        assert_eq!(base.len(), 64);
        assert_ne!(base, entry_hash(GENESIS, "d", 1, "u", "t", "k", "{}", Some(4), "/p"));
        assert_ne!(base, entry_hash(GENESIS, "d", 1, "u", "t", "k", "{}", Some(3), "/q"));
        assert_ne!(base, entry_hash(&base, "d", 1, "u", "t", "k", "{}", Some(3), "/p"));
        // Length-prefixed: moving text between fields changes the hash.
        assert_ne!(
            entry_hash(GENESIS, "d", 1, "u", "t", "ab", "c", None, ""),
            entry_hash(GENESIS, "d", 1, "u", "t", "a", "bc", None, "")
        );
    }
}
