//! Correcting finance records: edit, void (with a reason) and payments against receivables.
//! Head office's clerks (and administrators) only, on head office's installation; each act is
//! recorded in the audit log.

use rusqlite::{params, Connection};

use super::*;
use crate::error::{KamError, Result};
use crate::model::Role;
use crate::relation::{check_user, sane_date, target_customer};
use crate::units::MAX_FEN;
use crate::Kam;

/// The longest document number and note kept.
const DOC_NO_MAX: usize = 64;
const NOTES_MAX: usize = 500;

impl Kam {
    /// Finance writes: head office's installation, a head-office clerk or an administrator.
    pub(crate) fn require_finance_clerk(&self) -> Result<()> {
        self.only_head_office("财务数据", "finance data")?;
        self.require_role_or_admin(&[Role::HeadOffice], "修改财务数据", "change finance data")
    }

    /// Correct a sale, return, collection or receivable: only the fields given change. A voided
    /// record cannot be edited.
    pub fn edit_finance_record(&mut self, id: &str, e: &FinanceEdit) -> Result<FinanceRecord> {
        self.require_finance_clerk()?;
        let today = crate::time::local_today(self);
        let cur = list::record(&self.conn, id.trim(), &today.to_string())?;
        if cur.voided_at.is_some() {
            return Err(KamError::wrong_state(
                "这条记录已作废，不能再修改。如需更正，请重新登记一条。",
                "This record is voided and cannot be edited. Record a new one instead.",
            ));
        }
        let (table, date_col) = table_of(cur.kind);
        let date = match e.date.as_deref() {
            Some(d) => {
                let d = sane_date("date", d)?;
                if cur.kind != FinanceKind::Receivable && d > today {
                    return Err(KamError::invalid(
                        "date",
                        format!("日期 {d} 晚于今天（{today}），不能登记将来的业务。请核对日期。"),
                        format!("The date {d} is after today ({today}); future business cannot be recorded."),
                    ));
                }
                d.to_string()
            }
            None => cur.date.clone(),
        };
        let due_on = match (cur.kind, e.due_on.as_deref()) {
            (FinanceKind::Receivable, Some(d)) => Some(sane_date("due_on", d)?.to_string()),
            (FinanceKind::Receivable, None) => cur.due_on.clone(),
            (_, Some(_)) => {
                return Err(KamError::invalid("due_on", "只有应收记录有到期日。", "Only a receivable has a due date."))
            }
            (_, None) => None,
        };
        if let Some(due) = &due_on {
            if *due < date {
                return Err(KamError::invalid(
                    "due_on",
                    "到期日不能早于开票日。请核对日期。",
                    "The due date cannot be before the invoice date. Check the dates.",
                ));
            }
        }
        let amount = e.amount_fen.unwrap_or(cur.amount_fen);
        if amount <= Fen::ZERO || amount > MAX_FEN {
            return Err(KamError::invalid(
                "amount_fen",
                "金额必须大于 0 且不超过 1000 亿元。退货请把类型改为“退货”，金额仍填正数。",
                "The amount must be more than zero and at most 100 billion yuan. For a return, change the kind to return and keep the amount positive.",
            ));
        }
        if let Some(paid) = cur.paid_fen {
            if paid > amount {
                return Err(KamError::invalid(
                    "amount_fen",
                    format!("金额不能小于已收的 {}。请先更正收款。", paid.yuan_text()),
                    format!(
                        "The amount cannot be below the {} already paid. Correct the payment first.",
                        paid.yuan_text()
                    ),
                ));
            }
        }
        let kind = match e.kind {
            None => cur.kind,
            Some(k @ (FinanceKind::Sale | FinanceKind::Return)) if table == "sales" => k,
            Some(k) if k == cur.kind => k,
            Some(_) => {
                return Err(KamError::invalid(
                    "kind",
                    "只能在销售与退货之间更改类型。回款、应收请作废后重新登记。",
                    "Only a sale and a return can be turned into each other. Void a collection or receivable and record it again.",
                ))
            }
        };
        let doc_no = match e.doc_no.as_deref() {
            Some(d) => clean_doc_no(d)?,
            None => cur.doc_no.clone(),
        };
        let notes = match e.notes.as_deref() {
            Some(n) => crate::validate::optional("notes", "备注", "Notes", &Some(n.to_string()), NOTES_MAX)?,
            None => cur.notes.clone(),
        };
        let customer_edit = e.customer_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let rep_edit = e.rep_id.clone();
        let detail = serde_json::json!({
            "record": cur.id, "kind": kind.label_zh(), "customer": cur.customer_name,
            "doc_no": doc_no.clone().unwrap_or_default(),
            "amount": format!("{} → {}", cur.amount_fen.yuan_text(), amount.yuan_text()),
        });
        self.write(|tx, ctx| {
            let customer = match customer_edit {
                Some(c) => target_customer(tx, c)?.id,
                None => cur.customer_id.clone(),
            };
            let rep = match rep_edit.as_deref().map(str::trim) {
                Some("") => tx.query_row("SELECT owner_id FROM customers WHERE id = ?1", [&customer], |r| r.get(0))?,
                Some(r) => {
                    check_user(tx, "rep_id", r)?;
                    Some(r.to_string())
                }
                None => cur.rep_id.clone(),
            };
            if let Some(d) = &doc_no {
                doc_no_free(tx, table, d, &cur.id)?;
            }
            let notes_col = if table == "collections" { "notes" } else { "reference" };
            tx.execute(
                &format!(
                    "UPDATE {table} SET customer_id = ?2, rep_id = ?3, {date_col} = ?4, amount_fen = ?5, doc_no = ?6,
                     {notes_col} = ?7, updated_at = ?8, updated_by = ?9 WHERE id = ?1"
                ),
                params![cur.id, customer, rep, date, amount, doc_no, notes, ctx.now, ctx.user],
            )?;
            if table == "sales" {
                tx.execute("UPDATE sales SET kind = ?2 WHERE id = ?1", params![cur.id, kind.as_str()])?;
            }
            if let Some(due) = &due_on {
                tx.execute("UPDATE receivables SET due_on = ?2 WHERE id = ?1", params![cur.id, due])?;
            }
            Ok(())
        })?;
        self.append_audit("finance_edit", &detail.to_string(), Some(1), "")?;
        self.finance_record(&cur.id)
    }

    /// Void a record (作废) with a reason: it stays, listed as voided, and no sum counts it.
    pub fn void_finance_record(&mut self, id: &str, reason: &str) -> Result<FinanceRecord> {
        self.require_finance_clerk()?;
        let reason = crate::validate::required("reason", "作废原因", "Reason", reason, NOTES_MAX)?;
        let cur = list::record(&self.conn, id.trim(), &crate::time::local_today(self).to_string())?;
        if cur.voided_at.is_some() {
            return Err(KamError::wrong_state("这条记录已经作废了。", "This record is already voided."));
        }
        let (table, _) = table_of(cur.kind);
        self.write(|tx, ctx| {
            tx.execute(
                &format!(
                    "UPDATE {table} SET voided_at = ?2, voided_by = ?3, void_reason = ?4, updated_at = ?2, updated_by = ?3
                     WHERE id = ?1"
                ),
                params![cur.id, ctx.now, ctx.user, reason],
            )?;
            Ok(())
        })?;
        let detail = serde_json::json!({
            "record": cur.id, "kind": cur.kind.label_zh(), "customer": cur.customer_name,
            "doc_no": cur.doc_no.clone().unwrap_or_default(), "amount": cur.amount_fen.yuan_text(), "reason": reason,
        });
        self.append_audit("finance_void", &detail.to_string(), Some(1), "")?;
        self.finance_record(&cur.id)
    }

    /// Record what has been paid against a receivable (the total so far; default all of it)
    /// and when: a receivable paid in full is no longer open or overdue.
    pub fn record_receivable_payment(&mut self, id: &str, p: &ReceivablePayment) -> Result<FinanceRecord> {
        self.require_finance_clerk()?;
        let today = crate::time::local_today(self);
        let cur = list::record(&self.conn, id.trim(), &today.to_string())?;
        if cur.kind != FinanceKind::Receivable {
            return Err(KamError::invalid(
                "id",
                format!("这是一条{}记录，只有应收记录可以登记收款。", cur.kind.label_zh()),
                format!("This is a {} record; only a receivable takes payments.", cur.kind.label_en()),
            ));
        }
        if cur.voided_at.is_some() {
            return Err(KamError::wrong_state(
                "这条应收已作废，不能登记收款。",
                "This receivable is voided; it takes no payments.",
            ));
        }
        let paid = p.paid_fen.unwrap_or(cur.amount_fen);
        if paid < Fen::ZERO || paid > cur.amount_fen {
            return Err(KamError::invalid(
                "paid_fen",
                format!("已收金额应在 0 到应收金额 {} 之间（是累计已收，不是本次收款）。", cur.amount_fen.yuan_text()),
                format!(
                    "The amount paid must be between 0 and the {} receivable (the total paid so far, not this payment).",
                    cur.amount_fen.yuan_text()
                ),
            ));
        }
        let paid_on = match p.paid_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => {
                let d = sane_date("paid_on", d)?;
                if d > today {
                    return Err(KamError::invalid(
                        "paid_on",
                        format!("收款日期 {d} 晚于今天（{today}）。请核对日期。"),
                        format!("The payment date {d} is after today ({today}). Check the date."),
                    ));
                }
                d
            }
            None => today,
        };
        let paid_on = (paid > Fen::ZERO).then(|| paid_on.to_string());
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE receivables SET paid_fen = ?2, paid_on = ?3, updated_at = ?4, updated_by = ?5 WHERE id = ?1",
                params![cur.id, paid, paid_on, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        let detail = serde_json::json!({
            "record": cur.id, "customer": cur.customer_name, "doc_no": cur.doc_no.clone().unwrap_or_default(),
            "paid": format!("{} / {}", paid.yuan_text(), cur.amount_fen.yuan_text()),
        });
        self.append_audit("receivable_paid", &detail.to_string(), Some(1), "")?;
        self.finance_record(&cur.id)
    }
}

/// A document number as kept: trimmed, half-width, at most 64 characters; empty is none.
pub(crate) fn clean_doc_no(d: &str) -> Result<Option<String>> {
    let d = crate::input::normalize_width(d).trim().to_string();
    if d.is_empty() {
        return Ok(None);
    }
    if d.chars().count() > DOC_NO_MAX {
        return Err(KamError::invalid(
            "doc_no",
            format!("单据号不能超过 {DOC_NO_MAX} 个字符。"),
            format!("A document number has at most {DOC_NO_MAX} characters."),
        ));
    }
    Ok(Some(d))
}

/// Refuse a document number another live record of `table` already has.
fn doc_no_free(conn: &Connection, table: &str, doc_no: &str, except: &str) -> Result<()> {
    let other: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        &format!("SELECT id FROM {table} WHERE doc_no = ?1 AND deleted_at IS NULL AND id <> ?2 LIMIT 1"),
        params![doc_no, except],
        |r| r.get(0),
    ))?;
    match other {
        Some(id) => Err(KamError::Duplicate {
            field: "doc_no".into(),
            zh: format!("单据号「{doc_no}」已被另一条记录使用。请核对单据号。"),
            en: format!("The document number '{doc_no}' is used by another record. Check it."),
            existing_id: id,
        }),
        None => Ok(()),
    }
}
