//! Change history (变更历史, issue 11): who changed which field of a customer, a contact, a
//! quote, a quote line or a visit, from what to what, when, on which device and through which
//! sync file — and which of them were added or removed.
//!
//! Field changes are recorded by triggers generated from the schema, like the sync capture
//! triggers ([`install`] regenerates them when the columns change), so every write is caught:
//! the app, the CLI, the demo loader and changes applied from sync files (the importer names the
//! file and its sender in `sync_state` while it applies). Additions come from each row's own
//! `created_at`/`created_by`; removals are the soft delete (`deleted_at` set). The table is
//! append-only (triggers refuse UPDATE and DELETE) and kept for the life of the database.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::Kam;

/// The tables with a history, and how each row finds its customer.
const TRACKED: &[(&str, &str)] = &[
    ("customers", "NEW.id"),
    ("contacts", "NEW.customer_id"),
    ("visits", "NEW.customer_id"),
    ("quotes", "NEW.customer_id"),
    ("quote_lines", "(SELECT customer_id FROM quotes WHERE id = NEW.quote_id)"),
];

/// Bookkeeping columns that are not a person's change.
const UNTRACKED: &[&str] =
    &["id", "seq", "created_at", "created_by", "updated_at", "updated_by", "deleted_at", "name_pinyin"];

/// Fields only those with the internal view read ([`Kam::internal_view`]): a line's cost and the
/// pricing breakdown that holds it.
pub(crate) const INTERNAL_FIELDS: &[(&str, &str)] = &[("quote_lines", "cost_fen"), ("quote_lines", "breakdown")];

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeAction {
    Added,
    Changed,
    Deleted,
    Restored,
}

/// One entry of a record's history.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangeEntry {
    /// RFC 3339 UTC.
    pub at: String,
    pub by_user_id: String,
    pub by_name: Option<String>,
    /// The device the change was made on, when known (this device, or the sender of a sync file).
    pub device_id: Option<String>,
    /// The sync file that brought the change, if it came from one.
    pub sync_file: Option<String>,
    /// customers | contacts | visits | quotes | quote_lines
    pub table: String,
    pub record_zh: String,
    pub record_en: String,
    pub row_id: String,
    pub action: ChangeAction,
    /// The column changed (none for additions and removals) and its label.
    pub field: Option<String>,
    pub field_zh: Option<String>,
    /// The stored values (for scripts).
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// The values as people read them: labels for coded values, 元 for money, names for people.
    pub old_text: Option<String>,
    pub new_text: Option<String>,
}

fn record_label(table: &str) -> (&'static str, &'static str) {
    match table {
        "customers" => ("客户", "Customer"),
        "contacts" => ("联系人", "Contact"),
        "visits" => ("拜访", "Visit"),
        "quotes" => ("报价单", "Quote"),
        "quote_lines" => ("报价明细", "Quote line"),
        _ => ("记录", "Record"),
    }
}

/// Chinese labels of the fields people change most; other columns show their own name.
fn field_label(col: &str) -> Option<&'static str> {
    Some(match col {
        "name" => "名称",
        "credit_code" => "统一社会信用代码",
        "customer_code" => "客户编码",
        "legacy_code" => "原客户编码",
        "address" => "地址",
        "industry" => "行业",
        "tier" => "客户等级",
        "category" => "客户类别",
        "lifecycle" => "客户状态",
        "owner_id" => "负责人",
        "liaison_id" => "联点领导",
        "notes" => "备注",
        "title" => "职务",
        "mobile" => "手机",
        "phone" => "电话",
        "email" => "邮箱",
        "birthday" => "生日",
        "status" => "状态",
        "valid_until" => "有效期至",
        "quantity" => "数量",
        "cost_fen" => "成本价",
        "rebate_rate" => "返点",
        "discount_rate" => "折扣",
        "manual_unit_price_fen" => "手工单价",
        "description" => "品名",
        "purpose" => "拜访目的",
        "visited_on" => "拜访日期",
        "outcome" => "结果",
        "credit_limit_fen" => "信用额度",
        "active" => "在职/有效",
        _ => return None,
    })
}

fn trigger_sql(table: &str, customer: &str, cols: &[String]) -> String {
    let changed = cols
        .iter()
        .filter(|c| !UNTRACKED.contains(&c.as_str()))
        .map(|c| {
            format!(
                "SELECT '{c}' AS col, CAST(OLD.\"{c}\" AS TEXT) AS old_value, CAST(NEW.\"{c}\" AS TEXT) AS new_value \
                 WHERE NEW.\"{c}\" IS NOT OLD.\"{c}\""
            )
        })
        .collect::<Vec<_>>()
        .join("\n            UNION ALL ");
    let ctx =
        "(SELECT coalesce(applying_device, (SELECT value FROM settings WHERE key = 'device_id')) FROM sync_state), \
               (SELECT applying_file FROM sync_state)";
    format!(
        "CREATE TRIGGER history_upd_{table} AFTER UPDATE ON {table}
BEGIN
    INSERT INTO change_history (tbl, row_id, customer_id, action, col, old_value, new_value, at, by_user, device_id, sync_file)
        SELECT '{table}', NEW.id, {customer}, 'changed', c.col, c.old_value, c.new_value, NEW.updated_at, NEW.updated_by, {ctx}
        FROM (
            {changed}) c;
    INSERT INTO change_history (tbl, row_id, customer_id, action, at, by_user, device_id, sync_file)
        SELECT '{table}', NEW.id, {customer}, CASE WHEN NEW.deleted_at IS NULL THEN 'restored' ELSE 'deleted' END,
            NEW.updated_at, NEW.updated_by, {ctx}
        WHERE NEW.deleted_at IS NOT OLD.deleted_at;
END"
    )
}

/// Create or refresh the history triggers so they cover every column. Writes nothing when they
/// are current.
pub(crate) fn install(conn: &mut Connection) -> Result<()> {
    let mut wanted = Vec::new();
    for (table, customer) in TRACKED {
        let cols = crate::sync::capture::columns(conn, table)?;
        wanted.push((format!("history_upd_{table}"), trigger_sql(table, customer, &cols)));
    }
    crate::sync::capture::refresh_triggers(conn, &wanted)
}

fn entry(r: &rusqlite::Row) -> rusqlite::Result<ChangeEntry> {
    let table: String = r.get(0)?;
    let field: Option<String> = r.get(4)?;
    let (record_zh, record_en) = record_label(&table);
    Ok(ChangeEntry {
        table,
        record_zh: record_zh.into(),
        record_en: record_en.into(),
        row_id: r.get(1)?,
        action: match r.get::<_, String>(2)?.as_str() {
            "added" => ChangeAction::Added,
            "deleted" => ChangeAction::Deleted,
            "restored" => ChangeAction::Restored,
            _ => ChangeAction::Changed,
        },
        at: r.get(3)?,
        field_zh: field.as_deref().and_then(field_label).map(str::to_string),
        field,
        old_value: r.get(5)?,
        new_value: r.get(6)?,
        old_text: None,
        new_text: None,
        by_user_id: r.get(7)?,
        by_name: r.get(8)?,
        device_id: r.get(9)?,
        sync_file: r.get(10)?,
    })
}

/// Recorded changes and additions for the rows chosen by `recorded` (a condition on
/// change_history `h`) and `added` (UNION of `SELECT tbl, id, created_at, created_by` rows),
/// newest first.
fn history(conn: &Connection, recorded: &str, added: &str, key: &str) -> Result<Vec<ChangeEntry>> {
    let sql = format!(
        "SELECT e.tbl, e.row_id, e.action, e.at, e.col, e.old_value, e.new_value, e.by_user, u.name, e.device_id, e.sync_file
         FROM (
            SELECT h.seq AS seq, h.tbl, h.row_id, h.action, h.at, h.col, h.old_value, h.new_value, h.by_user, h.device_id, h.sync_file
            FROM change_history h WHERE {recorded}
            UNION ALL
            SELECT 0, a.tbl, a.id, 'added', a.created_at, NULL, NULL, NULL, a.created_by, NULL, NULL FROM ({added}) a
         ) e LEFT JOIN users u ON u.id = e.by_user
         ORDER BY e.at DESC, e.seq DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query_map(params![key], entry)?.collect::<rusqlite::Result<Vec<_>>>()?;
    for e in &mut rows {
        if let Some(col) = e.field.clone() {
            e.old_text = readable(conn, &e.table, &col, e.old_value.as_deref())?;
            e.new_text = readable(conn, &e.table, &col, e.new_value.as_deref())?;
        }
    }
    Ok(rows)
}

/// A stored value as people read it: the label of a coded value, money in 元, a person's name.
fn readable(conn: &Connection, table: &str, col: &str, raw: Option<&str>) -> Result<Option<String>> {
    use crate::model::{Category, Lifecycle, Nature, Scale, Tier};
    let Some(raw) = raw else { return Ok(None) };
    let label = match (table, col) {
        (_, c) if c.ends_with("_fen") => raw.parse::<i64>().ok().map(|v| crate::Fen(v).yuan_text()),
        ("quotes", "status") => crate::QuoteStatus::parse(raw).map(|v| v.label_zh().to_string()),
        ("customers", "tier") => Tier::parse(raw).map(|v| v.label_zh().to_string()),
        ("customers", "category") => Category::parse(raw).map(|v| v.label_zh().to_string()),
        ("customers", "lifecycle") => Lifecycle::parse(raw).map(|v| v.label_zh().to_string()),
        ("customers", "nature") => Nature::parse(raw).map(|v| v.label_zh().to_string()),
        ("customers", "scale") => Scale::parse(raw).map(|v| v.label_zh().to_string()),
        (_, "owner_id" | "liaison_id") => {
            conn.query_row("SELECT name FROM users WHERE id = ?1", [raw], |r| r.get(0)).optional()?
        }
        _ => None,
    };
    Ok(Some(label.unwrap_or_else(|| raw.to_string())))
}

impl Kam {
    /// Leave out what the person signed in may not read (see [`INTERNAL_FIELDS`]).
    fn readable_by_me(&self, mut rows: Vec<ChangeEntry>) -> Result<Vec<ChangeEntry>> {
        if !self.internal_view()? {
            rows.retain(|e| !INTERNAL_FIELDS.contains(&(e.table.as_str(), e.field.as_deref().unwrap_or(""))));
        }
        Ok(rows)
    }

    /// A customer's history: its own fields, its contacts, visits, quotes and quote lines.
    pub fn customer_history(&self, customer_id: &str) -> Result<Vec<ChangeEntry>> {
        self.require_signed_in()?;
        let c = self.customer(customer_id)?;
        let rows = history(
            &self.conn,
            "h.customer_id = ?1",
            "SELECT 'customers' AS tbl, id, created_at, created_by FROM customers WHERE id = ?1
             UNION ALL SELECT 'contacts', id, created_at, created_by FROM contacts WHERE customer_id = ?1
             UNION ALL SELECT 'visits', id, created_at, created_by FROM visits WHERE customer_id = ?1
             UNION ALL SELECT 'quotes', id, created_at, created_by FROM quotes WHERE customer_id = ?1
             UNION ALL SELECT 'quote_lines', l.id, l.created_at, l.created_by FROM quote_lines l
                JOIN quotes q ON q.id = l.quote_id WHERE q.customer_id = ?1",
            &c.id,
        )?;
        self.readable_by_me(rows)
    }

    /// A quote's history: its own fields and its lines.
    pub fn quote_history(&self, quote_id: &str) -> Result<Vec<ChangeEntry>> {
        self.require_signed_in()?;
        let q = self.quote(quote_id)?;
        let rows = history(
            &self.conn,
            "(h.tbl = 'quotes' AND h.row_id = ?1)
             OR (h.tbl = 'quote_lines' AND h.row_id IN (SELECT id FROM quote_lines WHERE quote_id = ?1))",
            "SELECT 'quotes' AS tbl, id, created_at, created_by FROM quotes WHERE id = ?1
             UNION ALL SELECT 'quote_lines', id, created_at, created_by FROM quote_lines WHERE quote_id = ?1",
            &q.id,
        )?;
        self.readable_by_me(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tracked_column_but_bookkeeping_is_in_the_trigger() {
        let cols: Vec<String> = ["id", "name", "updated_at", "owner_id"].iter().map(|s| s.to_string()).collect();
        let sql = trigger_sql("customers", "NEW.id", &cols);
        assert!(sql.contains("SELECT 'name' AS col") && sql.contains("SELECT 'owner_id' AS col"), "{sql}");
        assert!(!sql.contains("'updated_at' AS col") && !sql.contains("'id' AS col"), "{sql}");
    }
}
