//! Importing finance records — sales and returns, collections (回款), receivables (应收) —
//! keyed by the source document number (单据号): a document imported before is 无变化 when the
//! file says the same, and 更新 (overwritten by default) when the file corrects it, so importing
//! a month again changes nothing and a corrected file never counts twice. Rows are matched to
//! customers by customer code → credit code → normalised name; a row for an unknown customer is
//! an error row. Several rows with one document number are the lines of one document, added up.
//! See docs/decisions.md.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::{Map, Value};

use super::apply::{close_batch, finish, open_batch, record};
use super::fields::{cell_date, cell_money};
use super::plan::{error_row, existing, unknown_customer, users_by_name};
use super::progress::Ticker;
use super::sheet::{self, row_fields, Sheet};
use super::*;
use crate::finance::FinanceKind;
use crate::scope::{Access, Scope};
use crate::units::{Fen, MAX_FEN};
use crate::util::new_id;
use crate::Ctx;

/// How a kind is stored: (table, entity name in a batch, date column, notes column).
fn store(kind: ImportKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        ImportKind::Collections => ("collections", "collection", "collected_on", "notes"),
        ImportKind::Receivables => ("receivables", "receivable", "invoiced_on", "reference"),
        _ => ("sales", "sale", "sold_on", "reference"),
    }
}

/// The columns a snapshot keeps (and undo restores) per table.
fn columns(table: &str) -> &'static [&'static str] {
    match table {
        "sales" => &["customer_id", "rep_id", "sold_on", "kind", "amount_fen", "doc_no", "reference", "voided_at"],
        "collections" => &["customer_id", "rep_id", "collected_on", "amount_fen", "doc_no", "notes", "voided_at"],
        _ => &[
            "customer_id",
            "rep_id",
            "invoiced_on",
            "due_on",
            "amount_fen",
            "paid_fen",
            "paid_on",
            "doc_no",
            "reference",
            "voided_at",
        ],
    }
}

/// Customer and person ids held once, referred to by number (a big month holds a document per
/// row, and most rows name the same few thousand customers).
#[derive(Default)]
pub(crate) struct Ids {
    map: HashMap<String, u32>,
    list: Vec<String>,
}

impl Ids {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.map.insert(s.to_string(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        &self.list[i as usize]
    }
}

/// A file's documents ready to write, and the ids they refer to.
pub(crate) struct FinancePlan {
    docs: Vec<Doc>,
    ids: Ids,
}

/// A document as stored (compact: a re-import of a big month holds one per document).
struct Known {
    id: Box<str>,
    customer: u32,
    date: Option<NaiveDate>,
    amount: Fen,
    is_return: bool,
    due_on: Option<NaiveDate>,
    paid: Fen,
    rep: Option<u32>,
    notes: Box<str>,
    /// The void reason of a voided record.
    voided: Option<Box<str>>,
}

fn known_docs(conn: &Connection, kind: ImportKind, ids: &mut Ids) -> Result<HashMap<Box<str>, Known>> {
    let (table, _, date, notes) = store(kind);
    let (k, due, paid) = match table {
        "sales" => ("kind", "NULL", "0"),
        "collections" => ("'collection'", "NULL", "0"),
        _ => ("'receivable'", "due_on", "paid_fen"),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT doc_no, id, customer_id, {date}, amount_fen, {k}, {due}, {paid}, rep_id, {notes}, void_reason, voided_at
         FROM {table} WHERE doc_no IS NOT NULL AND deleted_at IS NULL ORDER BY created_at"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        let voided: Option<String> = r.get(11)?;
        let reason: String = r.get(10)?;
        let day = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
            Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(crate::time::parse_ymd))
        };
        let customer = ids.id(r.get_ref(2)?.as_str().unwrap_or(""));
        let rep = match r.get_ref(8)?.as_str() {
            Ok(x) => Some(ids.id(x)),
            Err(_) => None,
        };
        out.entry(r.get::<_, String>(0)?.into_boxed_str()).or_insert(Known {
            id: r.get::<_, String>(1)?.into_boxed_str(),
            customer,
            date: day(3)?,
            amount: r.get(4)?,
            is_return: r.get_ref(5)?.as_str().is_ok_and(|k| k == "return"),
            due_on: day(6)?,
            paid: r.get(7)?,
            rep,
            notes: r.get::<_, String>(9)?.into_boxed_str(),
            voided: voided.map(|_| reason.into_boxed_str()),
        });
    }
    Ok(out)
}

/// One document of the file (its lines added up), ready to write.
pub(crate) struct Doc {
    doc_no: String,
    first_row: u32,
    /// The index of its first row in the preview, and how many rows it has.
    first: usize,
    lines: u32,
    customer: u32,
    date: NaiveDate,
    due_on: Option<NaiveDate>,
    /// Signed: a return is negative.
    net: i64,
    paid: Option<Fen>,
    /// The rep named in the file (`None`: the file has no rep column).
    rep: Option<Option<u32>>,
    notes: Option<String>,
    /// What applying does: create, update this record, or nothing.
    write: Write,
}

#[derive(Clone, PartialEq)]
enum Write {
    Create,
    Update(String),
    Nothing,
}

type RowError = (String, String);

/// A row read: its document's fields, or why it cannot be imported.
struct Line {
    doc_no: String,
    customer: (String, String),
    date: NaiveDate,
    due_on: Option<NaiveDate>,
    signed: i64,
    paid: Option<Fen>,
    rep: Option<Option<String>>,
    notes: Option<String>,
}

fn return_kind(t: &str) -> Option<bool> {
    let t = t.trim().to_lowercase();
    if t.is_empty() || ["销售", "销售出库", "出库", "正常", "sale", "sales"].contains(&t.as_str()) {
        Some(false)
    } else if ["退货", "销售退货", "退", "红字", "return", "returns"].contains(&t.as_str()) {
        Some(true)
    } else {
        None
    }
}

fn read_line(
    kind: ImportKind,
    sheet: &Sheet,
    cells: &[read::Cell],
    customers: &plan::Existing,
    users: &HashMap<String, String>,
) -> std::result::Result<Line, RowError> {
    let f = row_fields(sheet, cells)?;
    let get = |k: &str| f.get(k).map(String::as_str);
    let customer = customers
        .find(get("customer_code"), get("credit_code"), get("customer"))
        .cloned()
        .ok_or_else(|| unknown_customer(get("customer_code"), get("credit_code"), get("customer")))?;
    let doc_no = crate::finance::clean_doc_no(get("doc_no").unwrap_or(""))
        .map_err(|e| (e.to_string(), e.message_en()))?
        .ok_or_else(|| {
            (
                "缺少单据号：财务记录按单据号识别，重复导入才不会重复计数。请在文件中补上单据号（订单号、发票号或收款单号）。".to_string(),
                "No document number: finance records are keyed by it, so importing again never counts twice. Add the order, invoice or receipt number.".to_string(),
            )
        })?;
    let date = match sheet.cell(cells, "date") {
        Some(c) => cell_date("date", c, sheet.date1904)?,
        None => None,
    }
    .ok_or_else(|| ("缺少日期。".to_string(), "The date is missing.".to_string()))?;
    let due_on = match sheet.cell(cells, "due_on") {
        Some(c) => cell_date("due_on", c, sheet.date1904)?,
        None => None,
    };
    if kind == ImportKind::Receivables && due_on.is_none() {
        return Err(("缺少到期日。".into(), "The due date is missing.".into()));
    }
    let (amount, negative) = match sheet.cell(cells, "amount") {
        Some(c) => cell_money(c)?,
        None => None,
    }
    .ok_or_else(|| ("缺少金额。".to_string(), "The amount is missing.".to_string()))?;
    let is_return = match get("kind") {
        None => false,
        Some(t) => return_kind(t).ok_or_else(|| {
            (
                format!("类型「{t}」无法识别，请填“销售”或“退货”。"),
                format!("The kind '{t}' is not recognised; use 销售 (sale) or 退货 (return)."),
            )
        })?,
    };
    if negative && kind != ImportKind::Sales {
        return Err((
            "金额不能为负数。冲销请在原单据上更正，或作废原记录。".into(),
            "The amount cannot be negative. Correct the original document or void its record.".into(),
        ));
    }
    let signed = if is_return || negative { -amount.0 } else { amount.0 };
    let paid = match sheet.cell(cells, "paid") {
        Some(c) => match cell_money(c)? {
            Some((_, true)) => {
                return Err(("已收金额不能为负数。".into(), "The amount paid cannot be negative.".into()))
            }
            Some((p, false)) => Some(p),
            // Left blank: not stated (a payment recorded since stands).
            None => None,
        },
        None => None,
    };
    let rep = match (sheet.has("rep"), get("rep")) {
        (false, _) => None,
        (true, None) => Some(None),
        (true, Some(n)) => Some(Some(users.get(n).cloned().ok_or_else(|| {
            (
                format!("业务员「{n}」不在人员名单中。请先添加该人员，或改为已有人员的姓名。"),
                format!("The rep '{n}' is not a known person. Add them first or use an existing person's name."),
            )
        })?)),
    };
    let notes = sheet.has("notes").then(|| get("notes").unwrap_or("").to_string());
    Ok(Line { doc_no, customer, date, due_on, signed, paid, rep, notes })
}

pub(crate) fn plan(
    conn: &Connection,
    scope: &Scope,
    kind: ImportKind,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<(ImportPreview, FinancePlan)> {
    let mut sheet = sheet::prepare(conn, kind, name, bytes, opts)?;
    let customers = existing(conn)?;
    let users = users_by_name(conn)?;
    let mut ids = Ids::default();
    let known = known_docs(conn, kind, &mut ids)?;
    let mut rows: Vec<ImportRowResult> = Vec::with_capacity(sheet.rows.len());
    // The document of each row (u32::MAX: none).
    let mut doc_of: Vec<u32> = Vec::with_capacity(sheet.rows.len());
    let mut docs: Vec<Doc> = Vec::new();
    let mut by_no: HashMap<String, usize> = HashMap::new();
    // The cells' text of rows whose status is decided later (only error rows keep it).
    let mut packed: Vec<Option<Box<str>>> = Vec::with_capacity(sheet.rows.len());
    // Each row's cells are dropped once read, so the file and its results are not held twice.
    for (row, cells) in std::mem::take(&mut sheet.rows) {
        let row = &row;
        let cells = &cells;
        let values = sheet.values(cells);
        let line = read_line(kind, &sheet, cells, &customers, &users).and_then(|l| {
            // Only customers the person reaches (a head-office clerk reaches all).
            match scope.check(conn, &l.customer.0, Access::Read) {
                Ok(()) => Ok(l),
                Err(e) => {
                    Err((format!("客户「{}」：{e}", l.customer.1), format!("'{}': {}", l.customer.1, e.message_en())))
                }
            }
        });
        let line = match line {
            Ok(l) => l,
            Err((zh, en)) => {
                rows.push(error_row(*row, "", values, zh, en));
                doc_of.push(u32::MAX);
                packed.push(None);
                continue;
            }
        };
        packed.push(Some(sheet::pack(&values)));
        drop(values);
        let customer = ids.id(&line.customer.0);
        let line_rep = line.rep.map(|r| r.map(|r| ids.id(&r)));
        let shown = format!("{}（{}）", line.doc_no, line.customer.1);
        let mut result = error_row(*row, &shown, Vec::new(), String::new(), String::new());
        result.matched_customer_id = Some(line.customer.0.clone());
        result.matched_name = Some(line.customer.1.clone());
        match by_no.get(&line.doc_no) {
            Some(&d) if docs[d].customer != customer => {
                let doc = &docs[d];
                let doc_customer = rows[doc.first].matched_name.clone().unwrap_or_default();
                result.reason = format!(
                    "单据号「{}」在第 {} 行属于客户「{}」，本行却是「{}」。请核对单据号或客户。",
                    line.doc_no, doc.first_row, doc_customer, line.customer.1
                );
                result.reason_en = format!(
                    "The document '{}' belongs to '{}' on row {}, but this row names '{}'. Check the number or the customer.",
                    line.doc_no, doc_customer, doc.first_row, line.customer.1
                );
                doc_of.push(u32::MAX);
            }
            Some(&d) => {
                let doc = &mut docs[d];
                doc.net += line.signed;
                doc.paid = match (doc.paid, line.paid) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
                doc.lines += 1;
                doc_of.push(d as u32);
            }
            None => {
                by_no.insert(line.doc_no, docs.len());
                doc_of.push(docs.len() as u32);
                docs.push(Doc {
                    // Set from `by_no`'s key below: one copy of each number.
                    doc_no: String::new(),
                    first_row: *row,
                    first: rows.len(),
                    lines: 1,
                    customer,
                    date: line.date,
                    due_on: line.due_on,
                    net: line.signed,
                    paid: line.paid,
                    rep: line_rep,
                    notes: line.notes,
                    write: Write::Nothing,
                });
            }
        }
        rows.push(result);
    }
    for (no, i) in by_no {
        docs[i].doc_no = no;
    }
    // Each document classified once; its rows take its status (lines after the first say so).
    let mut outcome: Vec<Classified> = Vec::with_capacity(docs.len());
    for doc in docs.iter_mut() {
        let customer_name = rows[doc.first].matched_name.clone().unwrap_or_default();
        let c = match classify(kind, doc, &customer_name, known.get(doc.doc_no.as_str()), opts, today) {
            Ok(c) => c,
            Err((zh, en)) => (RowStatus::Error, None, zh, en),
        };
        if c.0 == RowStatus::Error {
            doc.write = Write::Nothing;
        }
        outcome.push(c);
    }
    drop(known);
    for (i, r) in rows.iter_mut().enumerate() {
        let Some(&d) = doc_of.get(i).filter(|d| **d != u32::MAX) else { continue };
        let (doc, (status, action, zh, en)) = (&docs[d as usize], &outcome[d as usize]);
        r.status = *status;
        r.action = *action;
        let lines = doc.lines;
        (r.reason, r.reason_en) = match (lines, i == doc.first) {
            (1, _) => (zh.clone(), en.clone()),
            (_, true) => (format!("{zh}（本单据共 {lines} 行明细，已合计）"), format!("{en} ({lines} lines added up)")),
            _ => (
                format!("单据「{}」的明细行，与第 {} 行合计：{zh}", doc.doc_no, doc.first_row),
                format!("A line of document '{}', added up with row {}: {en}", doc.doc_no, doc.first_row),
            ),
        };
    }
    let mut counts = ImportCounts::default();
    for (r, p) in rows.iter_mut().zip(packed) {
        sheet::count(&mut counts, r);
        if let (true, Some(p)) = (sheet::keeps_values(r.status), p) {
            r.values = sheet::unpack(&p);
        }
    }
    docs.retain(|d| d.write != Write::Nothing);
    Ok((sheet.preview(rows, counts), FinancePlan { docs, ids }))
}

type Classified = (RowStatus, Option<DuplicateAction>, String, String);

/// Check a document and compare it with the record of the same number.
fn classify(
    kind: ImportKind,
    doc: &mut Doc,
    customer_name: &str,
    known: Option<&Known>,
    opts: &ImportOptions,
    today: NaiveDate,
) -> std::result::Result<Classified, RowError> {
    let amount = Fen(doc.net.abs());
    if doc.net == 0 {
        return Err((
            format!("单据「{}」的金额合计为 0，无法登记。请核对金额。", doc.doc_no),
            format!("The document '{}' adds up to 0 and cannot be recorded. Check the amounts.", doc.doc_no),
        ));
    }
    if amount > MAX_FEN {
        return Err(("金额超过 1000 亿元。请核对金额。".into(), "The amount exceeds 100 billion yuan.".into()));
    }
    if kind != ImportKind::Receivables && doc.date > today {
        return Err((
            format!("日期 {} 晚于今天（{today}），不能登记将来的业务。请核对日期。", doc.date),
            format!("The date {} is after today ({today}); future business cannot be recorded.", doc.date),
        ));
    }
    if let Some(due) = doc.due_on {
        if due < doc.date {
            return Err((
                "到期日不能早于开票日。请核对日期。".into(),
                "The due date cannot be before the invoice date.".into(),
            ));
        }
    }
    let paid_now = doc.paid.or(known.map(|k| k.paid)).unwrap_or(Fen::ZERO);
    if kind == ImportKind::Receivables && paid_now > amount {
        return Err((
            format!("已收金额 {} 超过应收金额 {}。请核对。", paid_now.yuan_text(), amount.yuan_text()),
            format!("The amount paid {} exceeds the {} receivable.", paid_now.yuan_text(), amount.yuan_text()),
        ));
    }
    let kind_text = if doc.net < 0 { "return" } else { kind_word(kind) };
    let what = FinanceKind::parse(kind_text).map(|k| k.label_zh()).unwrap_or("记录");
    let Some(k) = known else {
        doc.write = Write::Create;
        return Ok((
            RowStatus::New,
            None,
            format!("新{what}单据，金额 {}。", amount.yuan_text()),
            format!("A new document of {}; it will be recorded.", amount.yuan_text()),
        ));
    };
    if let Some(reason) = &k.voided {
        return Ok((
            RowStatus::Unchanged,
            None,
            format!("单据「{}」的记录已作废（{reason}），不再导入。", doc.doc_no),
            format!("The record of document '{}' was voided ({reason}); it is not imported again.", doc.doc_no),
        ));
    }
    let mut changes: Vec<String> = Vec::new();
    if k.customer != doc.customer {
        changes.push(format!("客户 → {customer_name}"));
    }
    if k.date != Some(doc.date) {
        changes.push(format!("日期 {} → {}", k.date.map(|d| d.to_string()).unwrap_or_default(), doc.date));
    }
    if k.amount != amount {
        changes.push(format!("金额 {} → {}", k.amount.yuan_text(), amount.yuan_text()));
    }
    if kind == ImportKind::Sales && k.is_return != (doc.net < 0) {
        changes.push(format!("类型 → {what}"));
    }
    if kind == ImportKind::Receivables && k.due_on != doc.due_on {
        changes.push(format!("到期日 → {}", doc.due_on.map(|d| d.to_string()).unwrap_or_default()));
    }
    if doc.paid.is_some_and(|p| p != k.paid) {
        changes.push(format!("已收 {} → {}", k.paid.yuan_text(), paid_now.yuan_text()));
    }
    if doc.rep.is_some_and(|r| r.is_some() && r != k.rep) {
        changes.push("业务员".into());
    }
    if doc.notes.as_deref().is_some_and(|n| n != &*k.notes) {
        changes.push("备注".into());
    }
    if changes.is_empty() {
        return Ok((
            RowStatus::Unchanged,
            None,
            "已导入过，内容相同，无需更改。".to_string(),
            "Imported before and the same; nothing changes.".to_string(),
        ));
    }
    let action = opts
        .row_actions
        .as_ref()
        .and_then(|m| m.get(&doc.first_row).copied())
        .or(opts.on_duplicate)
        .unwrap_or(DuplicateAction::Overwrite);
    if action == DuplicateAction::Create {
        return Err((
            format!("单据号「{}」已有记录，不能再新建一条（会重复计数）。请选择覆盖或跳过。", doc.doc_no),
            format!("The document '{}' is already recorded; a second record would count it twice. Choose overwrite or skip.", doc.doc_no),
        ));
    }
    if action != DuplicateAction::Skip {
        doc.write = Write::Update(k.id.to_string());
    }
    Ok((
        RowStatus::Update,
        Some(action),
        format!(
            "单据「{}」已导入过，本文件有更正：{}；处理方式：{}。",
            doc.doc_no,
            changes.join("，"),
            action.label_zh()
        ),
        format!(
            "The document '{}' was imported before and this file corrects it ({} changes); action: {}.",
            doc.doc_no,
            changes.len(),
            action.label_en()
        ),
    ))
}

fn kind_word(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Collections => "collection",
        ImportKind::Receivables => "receivable",
        _ => "sale",
    }
}

fn snapshot(tx: &Connection, table: &str, id: &str) -> Result<Map<String, Value>> {
    let cols = columns(table);
    let sql = format!("SELECT {}, deleted_at FROM {table} WHERE id = ?1", cols.join(", "));
    tx.prepare_cached(&sql)?
        .query_row([id], |r| {
            let mut m = Map::new();
            for (i, c) in cols.iter().enumerate() {
                let v: Option<String> = match *c {
                    "amount_fen" | "paid_fen" => r.get::<_, Option<i64>>(i)?.map(|n| n.to_string()),
                    _ => r.get(i)?,
                };
                m.insert(c.to_string(), v.map(Value::String).unwrap_or(Value::Null));
            }
            m.insert("deleted".into(), Value::Bool(r.get::<_, Option<String>>(cols.len())?.is_some()));
            Ok(m)
        })
        .map_err(Into::into)
}

/// A document written: its id, `created` or `updated`, and (for a new sale or collection) the
/// record as written.
type Written = (String, &'static str, Option<Map<String, Value>>);

/// Write one document. `owners`: the customers' owners looked up so far (a month names the
/// same customers again and again).
fn write_doc(
    tx: &Transaction,
    ctx: &Ctx,
    kind: ImportKind,
    d: &Doc,
    ids: &Ids,
    owners: &mut HashMap<u32, Option<String>>,
) -> Result<Written> {
    let customer_id = ids.get(d.customer);
    let (table, _, date_col, notes_col) = store(kind);
    let amount = Fen(d.net.abs());
    let sale_kind = if d.net < 0 { "return" } else { "sale" };
    match &d.write {
        Write::Create => {
            let rep: Option<String> = match d.rep {
                Some(Some(r)) => Some(ids.get(r).to_string()),
                _ => match owners.get(&d.customer) {
                    Some(o) => o.clone(),
                    None => {
                        let o: Option<String> = tx
                            .prepare_cached("SELECT owner_id FROM customers WHERE id = ?1")?
                            .query_row([customer_id], |r| r.get(0))?;
                        owners.insert(d.customer, o.clone());
                        o
                    }
                },
            };
            let id = new_id();
            let notes = d.notes.clone().unwrap_or_default();
            // A new sale or collection as `snapshot` reads it back, from what was written (no
            // query per document).
            let written = |date_col: &str, notes_col: &str, kind: Option<&str>| {
                let mut m = Map::new();
                let s = |v: &str| Value::String(v.to_string());
                m.insert("customer_id".into(), s(customer_id));
                m.insert("rep_id".into(), rep.as_deref().map(s).unwrap_or(Value::Null));
                m.insert(date_col.into(), s(&d.date.to_string()));
                if let Some(k) = kind {
                    m.insert("kind".into(), s(k));
                }
                m.insert("amount_fen".into(), s(&amount.0.to_string()));
                m.insert("doc_no".into(), s(&d.doc_no));
                m.insert(notes_col.into(), s(&notes));
                m.insert("voided_at".into(), Value::Null);
                m.insert("deleted".into(), Value::Bool(false));
                m
            };
            let after = match table {
                "sales" => Some(written("sold_on", "reference", Some(sale_kind))),
                "collections" => Some(written("collected_on", "notes", None)),
                _ => None,
            };
            match table {
                "sales" => tx
                    .prepare_cached(
                        "INSERT INTO sales (id, customer_id, rep_id, sold_on, kind, amount_fen, doc_no, reference,
                         created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                    )?
                    .execute(params![id, customer_id, rep, d.date.to_string(), sale_kind, amount, d.doc_no, notes, ctx.now, ctx.user])?,
                "collections" => tx
                    .prepare_cached(
                        "INSERT INTO collections (id, customer_id, rep_id, collected_on, amount_fen, doc_no, notes,
                         created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
                    )?
                    .execute(params![id, customer_id, rep, d.date.to_string(), amount, d.doc_no, notes, ctx.now, ctx.user])?,
                _ => {
                    let paid = d.paid.unwrap_or(Fen::ZERO);
                    let paid_on = (paid > Fen::ZERO).then(|| ctx_date(ctx));
                    tx.prepare_cached(
                        "INSERT INTO receivables (id, customer_id, rep_id, invoiced_on, due_on, amount_fen, paid_fen, paid_on,
                         doc_no, reference, created_at, created_by, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?12)",
                    )?
                    .execute(params![
                            id,
                            customer_id,
                            rep,
                            d.date.to_string(),
                            d.due_on.map(|x| x.to_string()),
                            amount,
                            paid,
                            paid_on,
                            d.doc_no,
                            notes,
                            ctx.now,
                            ctx.user
                        ])?
                }
            };
            Ok((id, "created", after))
        }
        Write::Update(id) => {
            tx.execute(
                &format!(
                    "UPDATE {table} SET customer_id = ?2, {date_col} = ?3, amount_fen = ?4, updated_at = ?5, updated_by = ?6
                     WHERE id = ?1"
                ),
                params![id, customer_id, d.date.to_string(), amount, ctx.now, ctx.user],
            )?;
            if table == "sales" {
                tx.execute("UPDATE sales SET kind = ?2 WHERE id = ?1", params![id, sale_kind])?;
            }
            if table == "receivables" {
                tx.execute(
                    "UPDATE receivables SET due_on = ?2 WHERE id = ?1",
                    params![id, d.due_on.map(|x| x.to_string())],
                )?;
                if let Some(p) = d.paid {
                    let changed: bool =
                        tx.query_row("SELECT paid_fen <> ?2 FROM receivables WHERE id = ?1", params![id, p], |r| {
                            r.get(0)
                        })?;
                    if changed {
                        let paid_on = (p > Fen::ZERO).then(|| ctx_date(ctx));
                        tx.execute(
                            "UPDATE receivables SET paid_fen = ?2, paid_on = ?3 WHERE id = ?1",
                            params![id, p, paid_on],
                        )?;
                    }
                }
            }
            if let Some(Some(r)) = d.rep {
                let r = ids.get(r);
                tx.execute(&format!("UPDATE {table} SET rep_id = ?2 WHERE id = ?1"), params![id, r])?;
            }
            if let Some(n) = &d.notes {
                tx.execute(&format!("UPDATE {table} SET {notes_col} = ?2 WHERE id = ?1"), params![id, n])?;
            }
            Ok((id.clone(), "updated", None))
        }
        Write::Nothing => unreachable!("documents that write nothing are not kept"),
    }
}

/// The local date of the write (payments found in a file are dated the day they were imported).
fn ctx_date(ctx: &Ctx) -> String {
    crate::time::local_date_of(&ctx.now).map(|d| d.to_string()).unwrap_or_else(|| ctx.now[..10].to_string())
}

pub(crate) fn apply(
    kam: &mut Kam,
    kind: ImportKind,
    preview: &ImportPreview,
    plan: &FinancePlan,
    ticker: &mut Ticker,
) -> Result<ImportBatch> {
    let (table, entity, _, _) = store(kind);
    let batch_id = kam.write(|tx, ctx| {
        let batch = open_batch(tx, ctx, kind, preview)?;
        let (mut created, mut updated) = (0u32, 0u32);
        let mut owners = HashMap::new();
        for (i, d) in plan.docs.iter().enumerate() {
            if i % 256 == 0 {
                ticker.tick(d.first as u32)?;
            }
            let before = match &d.write {
                Write::Update(id) => Some(snapshot(tx, table, id)?),
                _ => None,
            };
            let (id, action, after) = write_doc(tx, ctx, kind, d, &plan.ids, &mut owners)?;
            let after = match after {
                Some(a) => a,
                None => snapshot(tx, table, &id)?,
            };
            debug_assert_eq!(after, snapshot(tx, table, &id)?, "the written record as read back");
            record(tx, &batch, (d.first_row, entity, &id, action), before.as_ref(), Some(&after))?;
            match action {
                "created" => created += d.lines,
                _ => updated += d.lines,
            }
        }
        close_batch(tx, &batch, &preview.counts, created, updated)?;
        ticker.tick(preview.counts.total)?;
        // The last chance to cancel: after this the batch is committed.
        ticker.check()?;
        Ok(batch)
    })?;
    finish(kam, kind, &batch_id, preview)
}

/// Undo what a batch did to one finance record: a record it created is removed (tombstone), one
/// it corrected is put back, unless the record changed since (edited, voided or paid).
#[allow(clippy::too_many_arguments)]
pub(crate) fn undo_row(
    tx: &Transaction,
    ctx: &Ctx,
    row: u32,
    entity: &str,
    id: &str,
    action: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Result<()> {
    let table = match entity {
        "sale" => "sales",
        "collection" => "collections",
        _ => "receivables",
    };
    if snapshot(tx, table, id)? != *after {
        let doc: Option<String> = tx
            .query_row(&format!("SELECT doc_no FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
            .optional()?
            .flatten();
        let doc = doc.unwrap_or_default();
        return Err(KamError::wrong_state(
            format!("第 {row} 行导入的单据「{doc}」在导入后又被修改、作废或登记了收款，不能撤销本次导入，以免丢失之后的更正。请手工调整该记录。"),
            format!("The document '{doc}' imported from row {row} was edited, voided or paid after the import; the import cannot be undone without losing that. Adjust the record by hand."),
        ));
    }
    if action == "created" {
        tx.execute(
            &format!("UPDATE {table} SET deleted_at = ?2, updated_at = ?2, updated_by = ?3 WHERE id = ?1"),
            params![id, ctx.now, ctx.user],
        )?;
        return Ok(());
    }
    for c in columns(table) {
        if before.get(*c) != after.get(*c) {
            let v = before.get(*c).and_then(Value::as_str);
            tx.execute(&format!("UPDATE {table} SET {c} = ?2 WHERE id = ?1"), params![id, v])?;
        }
    }
    tx.execute(
        &format!("UPDATE {table} SET updated_at = ?2, updated_by = ?3 WHERE id = ?1"),
        params![id, ctx.now, ctx.user],
    )?;
    Ok(())
}
