//! Importing contacts: each row matched to its customer (customer code or the old system's →
//! credit code → normalised name), checked as adding the contact would check it, and compared
//! with the customer's contacts — the same mobile is the same person (更新), the same name a
//! possible duplicate (疑似重复) — and with the file's earlier rows.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction};
use serde_json::{Map, Value};

use super::apply::{changed_since, close_batch, finish, open_batch, record};
use super::fields::cell_date;
use super::plan::{error_row, existing, unknown_customer};
use super::progress::Ticker;
use super::read::Cell;
use super::sheet::{self, row_fields};
use super::*;
use crate::dossier::{check_contact, insert_contact, reindex_customer};
use crate::model::ContactInput;
use crate::scope::{Access, Scope};
use crate::Ctx;

/// The contact columns an import sets and undo restores.
const COLUMNS: &[&str] = &["title", "phone", "mobile", "email", "birthday", "notes", "is_decision_maker"];

/// Columns to set on a contact: (column, value).
type Changes = Vec<(&'static str, Option<String>)>;

/// A row ready to write.
pub(crate) struct ContactRow {
    customer_id: String,
    input: ContactInput,
    /// The contact it matched, and the columns to set on it.
    existing: Option<(String, Changes)>,
}

struct Known {
    id: String,
    values: HashMap<&'static str, String>,
}

/// The live contacts by (customer, mobile) and (customer, name).
struct Contacts {
    list: Vec<Known>,
    by_mobile: HashMap<(String, String), usize>,
    by_name: HashMap<(String, String), usize>,
}

fn contacts(conn: &Connection) -> Result<Contacts> {
    let mut c = Contacts { list: Vec::new(), by_mobile: HashMap::new(), by_name: HashMap::new() };
    let mut stmt = conn.prepare(
        "SELECT id, customer_id, name, title, phone, mobile, email, COALESCE(birthday, ''), notes, is_decision_maker
         FROM contacts WHERE deleted_at IS NULL ORDER BY created_at",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, customer, name): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let mut values = HashMap::new();
        for (i, col) in COLUMNS.iter().enumerate() {
            let v = match *col {
                "is_decision_maker" => r.get::<_, i64>(3 + i)?.to_string(),
                _ => r.get::<_, String>(3 + i)?,
            };
            values.insert(*col, v);
        }
        let i = c.list.len();
        if let Some(m) = values.get("mobile").filter(|m| !m.is_empty()) {
            c.by_mobile.entry((customer.clone(), m.clone())).or_insert(i);
        }
        c.by_name.entry((customer, name)).or_insert(i);
        c.list.push(Known { id, values });
    }
    Ok(c)
}

/// A contact's value for a column, as stored.
fn input_value(k: &ContactInput, col: &str) -> Option<String> {
    match col {
        "title" => k.title.clone(),
        "phone" => k.phone.clone(),
        "mobile" => k.mobile.clone(),
        "email" => k.email.clone(),
        "birthday" => k.birthday.clone(),
        "notes" => k.notes.clone(),
        "is_decision_maker" => k.is_decision_maker.map(|b| i64::from(b).to_string()),
        _ => None,
    }
    .filter(|v| !v.is_empty())
}

fn yes_no(t: &str) -> Option<bool> {
    match t.trim().to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "决策人" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

pub(crate) fn plan(
    conn: &Connection,
    scope: &Scope,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<(ImportPreview, Vec<Option<ContactRow>>)> {
    let mut sheet = sheet::prepare(conn, ImportKind::Contacts, name, bytes, opts)?;
    let customers = existing(conn)?;
    let known = contacts(conn)?;
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut counts = ImportCounts::default();
    let (mut rows, mut parsed) = (Vec::new(), Vec::new());
    for (row, cells) in std::mem::take(&mut sheet.rows) {
        let (row, cells) = (&row, &cells);
        let values = sheet.values(cells);
        let f = match row_fields(&sheet, cells) {
            Ok(f) => f,
            Err((zh, en)) => {
                let r = error_row(*row, "", values, zh, en);
                sheet::count(&mut counts, &r);
                rows.push(r);
                parsed.push(None);
                continue;
            }
        };
        let contact_name = f.get("name").cloned().unwrap_or_default();
        let built = build(&sheet, cells, &f).and_then(|input| {
            let get = |k: &str| f.get(k).map(String::as_str);
            let (cid, cname) = customers
                .find(get("customer_code"), get("credit_code"), get("customer"))
                .cloned()
                .ok_or_else(|| unknown_customer(get("customer_code"), get("credit_code"), get("customer")))?;
            // Only a customer the person may change takes a contact.
            match scope.check(conn, &cid, Access::Write) {
                Ok(()) => Ok((input, cid, cname)),
                Err(KamError::Storage(e)) => Err((e.to_string(), e.to_string())),
                Err(e) => Err((format!("客户「{cname}」：{e}"), format!("'{cname}': {}", e.message_en()))),
            }
        });
        let (input, customer_id, customer_name) = match built {
            Ok(b) => b,
            Err((zh, en)) => {
                let r = error_row(*row, &contact_name, values, zh, en);
                sheet::count(&mut counts, &r);
                rows.push(r);
                parsed.push(None);
                continue;
            }
        };
        let (r, p) = classify(*row, values, input, customer_id, customer_name, &known, &mut seen, opts);
        sheet::count(&mut counts, &r);
        rows.push(r);
        parsed.push(p);
    }
    Ok((sheet.preview(rows, counts), parsed))
}

/// The contact a row describes, checked as adding it would check it.
fn build(
    sheet: &sheet::Sheet,
    cells: &[Cell],
    f: &HashMap<&'static str, String>,
) -> std::result::Result<ContactInput, (String, String)> {
    let get = |k: &str| f.get(k).cloned();
    let birthday = match sheet.cell(cells, "birthday") {
        Some(c) => cell_date("birthday", c, sheet.date1904)?.map(|d| d.to_string()),
        None => None,
    };
    let decision = match get("decision_maker") {
        None => None,
        Some(t) => Some(yes_no(&t).ok_or_else(|| {
            (
                format!("决策人「{t}」无法识别，请填“是”或“否”。"),
                format!("The decision-maker value '{t}' is not recognised; use 是 (yes) or 否 (no)."),
            )
        })?),
    };
    let input = ContactInput {
        name: get("name").unwrap_or_default(),
        title: get("title"),
        mobile: get("mobile"),
        phone: get("phone"),
        email: get("email"),
        birthday,
        notes: get("notes"),
        is_decision_maker: decision,
        ..Default::default()
    };
    let mut checked = check_contact(&input).map_err(|e| (e.to_string(), e.message_en()))?;
    // Only what the file says counts as given (the check fills defaults).
    if decision.is_none() {
        checked.is_decision_maker = None;
    }
    Ok(checked)
}

#[allow(clippy::too_many_arguments)]
fn classify(
    row: u32,
    values: Vec<String>,
    input: ContactInput,
    customer_id: String,
    customer_name: String,
    known: &Contacts,
    seen: &mut HashMap<String, u32>,
    opts: &ImportOptions,
) -> (ImportRowResult, Option<ContactRow>) {
    let shown = format!("{}（{customer_name}）", input.name);
    let mobile = input.mobile.clone().filter(|m| !m.is_empty());
    let keys: Vec<(String, &str, &str)> = [
        mobile.as_ref().map(|m| (format!("m:{customer_id}:{m}"), "手机", "mobile")),
        Some((format!("n:{customer_id}:{}", input.name), "姓名", "name")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut r = ImportRowResult {
        row,
        status: RowStatus::New,
        action: None,
        reason: format!("新联系人，将添加到客户「{customer_name}」。"),
        reason_en: format!("A new contact; it will be added to '{customer_name}'."),
        name: shown,
        matched_customer_id: Some(customer_id.clone()),
        matched_name: Some(customer_name.clone()),
        values,
    };
    for (key, zh, en) in &keys {
        if let Some(first) = seen.get(key) {
            r.status = RowStatus::Duplicate;
            r.action = Some(DuplicateAction::Skip);
            r.reason = format!("与本文件第 {first} 行同一客户的联系人{zh}相同，已跳过（只导入第一次出现的行）。");
            r.reason_en = format!("Same customer and contact {en} as row {first} of this file; skipped.");
            return (r, None);
        }
    }
    let by_mobile = mobile.as_ref().and_then(|m| known.by_mobile.get(&(customer_id.clone(), m.clone())));
    let by_name = known.by_name.get(&(customer_id.clone(), input.name.clone()));
    let matched = by_mobile.map(|i| (*i, true)).or(by_name.map(|i| (*i, false)));
    let Some((i, strong)) = matched else {
        for (key, _, _) in &keys {
            seen.insert(key.clone(), row);
        }
        return (r, Some(ContactRow { customer_id, input, existing: None }));
    };
    let k = &known.list[i];
    let action = opts
        .row_actions
        .as_ref()
        .and_then(|m| m.get(&row).copied())
        .or(opts.on_duplicate)
        .unwrap_or(DuplicateAction::Skip);
    let (zh, en) = if strong { ("手机", "mobile") } else { ("姓名", "name") };
    r.status = if strong { RowStatus::Update } else { RowStatus::Duplicate };
    r.action = Some(action);
    r.reason = format!("客户「{customer_name}」已有{zh}相同的联系人；处理方式：{}。", action.label_zh());
    r.reason_en = format!("'{customer_name}' already has a contact with this {en}; action: {}.", action.label_en());
    match action {
        DuplicateAction::Skip => (r, None),
        DuplicateAction::Create if strong => {
            r.status = RowStatus::Error;
            r.action = None;
            r.reason = format!("客户「{customer_name}」已有手机相同的联系人，不能仍然新建。请选择跳过、补全或覆盖。");
            r.reason_en = format!("'{customer_name}' already has a contact with this mobile; it cannot be created again. Choose skip, fill or overwrite.");
            (r, None)
        }
        DuplicateAction::Create => {
            for (key, _, _) in &keys {
                seen.insert(key.clone(), row);
            }
            (r, Some(ContactRow { customer_id, input, existing: None }))
        }
        DuplicateAction::Fill | DuplicateAction::Overwrite => {
            let mut changes = Vec::new();
            for col in COLUMNS {
                let Some(new) = input_value(&input, col) else { continue };
                let cur = k.values.get(col).cloned().unwrap_or_default();
                let empty = cur.is_empty() || (*col == "is_decision_maker" && cur == "0");
                if (action == DuplicateAction::Overwrite || empty) && cur != new {
                    changes.push((*col, Some(new)));
                }
            }
            if changes.is_empty() {
                r.status = RowStatus::Unchanged;
                r.reason = format!("与客户「{customer_name}」的已有联系人相同，无需更改。");
                r.reason_en = format!("Same as the existing contact of '{customer_name}'; nothing to change.");
                return (r, None);
            }
            (r, Some(ContactRow { customer_id, input, existing: Some((k.id.clone(), changes)) }))
        }
    }
}

fn snapshot(tx: &Connection, id: &str) -> Result<Map<String, Value>> {
    let sql = format!("SELECT {}, deleted_at FROM contacts WHERE id = ?1", COLUMNS.join(", "));
    tx.query_row(&sql, [id], |r| {
        let mut m = Map::new();
        for (i, c) in COLUMNS.iter().enumerate() {
            let v: Option<String> = match *c {
                "is_decision_maker" => r.get::<_, Option<i64>>(i)?.map(|n| n.to_string()),
                _ => r.get(i)?,
            };
            m.insert(c.to_string(), v.map(Value::String).unwrap_or(Value::Null));
        }
        m.insert("deleted".into(), Value::Bool(r.get::<_, Option<String>>(COLUMNS.len())?.is_some()));
        Ok(m)
    })
    .map_err(Into::into)
}

fn set(tx: &Transaction, ctx: &Ctx, id: &str, values: &[(&str, Option<String>)]) -> Result<()> {
    let sets = values.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 4)).collect::<Vec<_>>().join(", ");
    let mut args: Vec<Option<String>> = vec![Some(id.into()), Some(ctx.now.clone()), Some(ctx.user.clone())];
    args.extend(values.iter().map(|(c, v)| match (*c, v) {
        // Columns that are NOT NULL keep an empty text rather than NULL.
        (c, None) if c != "birthday" => Some(if c == "is_decision_maker" { "0".into() } else { String::new() }),
        (_, v) => v.clone(),
    }));
    tx.execute(
        &format!("UPDATE contacts SET updated_at = ?2, updated_by = ?3, {sets} WHERE id = ?1"),
        rusqlite::params_from_iter(args),
    )?;
    let customer: String = tx.query_row("SELECT customer_id FROM contacts WHERE id = ?1", [id], |r| r.get(0))?;
    reindex_customer(tx, &customer)
}

pub(crate) fn apply(
    kam: &mut Kam,
    preview: &ImportPreview,
    parsed: &[Option<ContactRow>],
    ticker: &mut Ticker,
) -> Result<ImportBatch> {
    let batch_id = kam.write(|tx, ctx| {
        let batch = open_batch(tx, ctx, ImportKind::Contacts, preview)?;
        let (mut created, mut updated) = (0u32, 0u32);
        for (i, (row, p)) in preview.rows.iter().zip(parsed).enumerate() {
            ticker.tick(i as u32 + 1)?;
            let Some(p) = p else { continue };
            match &p.existing {
                None => {
                    let id = insert_contact(tx, ctx, &p.customer_id, &p.input)?;
                    reindex_customer(tx, &p.customer_id)?;
                    record(tx, &batch, (row.row, "contact", &id, "created"), None, None)?;
                    created += 1;
                }
                Some((id, changes)) => {
                    let before = snapshot(tx, id)?;
                    set(tx, ctx, id, changes)?;
                    record(tx, &batch, (row.row, "contact", id, "updated"), Some(&before), Some(&snapshot(tx, id)?))?;
                    updated += 1;
                }
            }
        }
        close_batch(tx, &batch, &preview.counts, created, updated)?;
        // The last chance to cancel: after this the batch is committed.
        ticker.check()?;
        Ok(batch)
    })?;
    finish(kam, ImportKind::Contacts, &batch_id, preview)
}

/// Undo a contact the batch updated: its fields put back, unless changed since.
pub(crate) fn undo_row(
    tx: &Transaction,
    ctx: &Ctx,
    row: u32,
    id: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Result<()> {
    if snapshot(tx, id)? != *after {
        let name: String = tx.query_row("SELECT name FROM contacts WHERE id = ?1", [id], |r| r.get(0))?;
        return Err(changed_since(row, &name));
    }
    let values: Vec<(&str, Option<String>)> = COLUMNS
        .iter()
        .filter(|c| before.get(**c) != after.get(**c))
        .map(|c| (*c, before.get(*c).and_then(Value::as_str).map(str::to_string)))
        .collect();
    if values.is_empty() {
        return Ok(());
    }
    set(tx, ctx, id, &values)
}
