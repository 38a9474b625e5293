//! Applying a dry run as one batch in one transaction, undoing a batch, listing batches, and
//! saving the rows that were not imported as an .xlsx with a 错误原因 column.

use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::{Map, Value};

use super::plan::ParsedRow;
use super::*;
use crate::dossier::{index_new_customers, insert_contact, insert_full_unindexed, reindex_customer};
use crate::scope::Access;
use crate::util::new_id;
use crate::Ctx;

/// The customer columns an import may set, and undo restores: (column, field).
const COLUMNS: &[(&str, &str)] = &[
    ("name", "name"),
    ("credit_code", "credit_code"),
    ("legacy_code", "legacy_code"),
    ("address", "address"),
    ("industry", "industry"),
    ("tier", "tier"),
    ("category", "category"),
    ("nature", "nature"),
    ("scale", "scale"),
    ("source", "source"),
    ("owner_id", "owner"),
    ("notes", "notes"),
];

/// Columns with a default value rather than an empty one: "fill" leaves them alone.
const ENUM_COLUMNS: &[&str] = &["tier", "category", "nature", "scale"];

fn snapshot(tx: &Connection, id: &str) -> Result<Map<String, Value>> {
    let cols = COLUMNS.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {cols}, deleted_at FROM customers WHERE id = ?1");
    tx.prepare_cached(&sql)?
        .query_row([id], |r| {
            let mut m = Map::new();
            for (i, (c, _)) in COLUMNS.iter().enumerate() {
                let v: Option<String> = r.get(i)?;
                m.insert(c.to_string(), v.map(Value::String).unwrap_or(Value::Null));
            }
            let deleted: Option<String> = r.get(COLUMNS.len())?;
            m.insert("deleted".into(), Value::Bool(deleted.is_some()));
            Ok(m)
        })
        .map_err(Into::into)
}

/// The value a row gives for a column, as stored.
fn row_value(p: &ParsedRow, col: &str) -> Option<String> {
    let i = &p.input;
    match col {
        "name" => Some(i.name.clone()),
        "credit_code" => i.credit_code.clone(),
        "legacy_code" => p.legacy_code.clone(),
        "address" => i.address.clone(),
        "industry" => i.industry.clone(),
        "tier" => i.tier.map(|t| t.as_str().to_string()),
        "category" => i.category.map(|t| t.as_str().to_string()),
        "nature" => i.nature.map(|t| t.as_str().to_string()),
        "scale" => i.scale.map(|t| t.as_str().to_string()),
        "source" => i.source.clone(),
        "owner_id" => i.owner_id.clone(),
        "notes" => i.notes.clone(),
        _ => None,
    }
    .filter(|v| !v.trim().is_empty())
}

/// Keep what a batch did to one row: `(row, entity, id, action)` and the record's fields
/// before and after.
pub(crate) fn record(
    tx: &Transaction,
    batch: &str,
    (row, entity, id, action): (u32, &str, &str, &str),
    before: Option<&Map<String, Value>>,
    after: Option<&Map<String, Value>>,
) -> Result<()> {
    let json = |m: Option<&Map<String, Value>>| m.map(|m| serde_json::to_string(m).unwrap_or_default());
    tx.prepare_cached(
        "INSERT INTO import_batch_rows (batch_id, row_no, entity, entity_id, action, before_json, after_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![batch, row, entity, id, action, json(before), json(after)])?;
    Ok(())
}

/// Set `values` (column → value) on a customer; a tier change is kept in its history.
fn set_columns(tx: &Transaction, ctx: &Ctx, id: &str, values: &[(&str, Option<String>)], reason: &str) -> Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    let old_tier: String = tx.query_row("SELECT tier FROM customers WHERE id = ?1", [id], |r| r.get(0))?;
    let sets = values.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 4)).collect::<Vec<_>>().join(", ");
    let sql = format!("UPDATE customers SET updated_at = ?2, updated_by = ?3, {sets} WHERE id = ?1");
    let mut args: Vec<Option<String>> = vec![Some(id.into()), Some(ctx.now.clone()), Some(ctx.user.clone())];
    args.extend(values.iter().map(|(_, v)| v.clone()));
    tx.execute(&sql, rusqlite::params_from_iter(args))?;
    if let Some((_, Some(t))) = values.iter().find(|(c, _)| *c == "tier") {
        if *t != old_tier {
            tx.execute(
                "INSERT INTO tier_changes (id, customer_id, from_tier, to_tier, reason, decided_by, changed_at,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?6, ?7, ?6)",
                params![new_id(), id, old_tier, t, reason, ctx.user, ctx.now],
            )?;
        }
    }
    if values.iter().any(|(c, _)| *c == "name") {
        let (pinyin, _) = crate::search::pinyin_of(
            values.iter().find(|(c, _)| *c == "name").and_then(|(_, v)| v.as_deref()).unwrap_or(""),
        );
        tx.execute("UPDATE customers SET name_pinyin = ?2 WHERE id = ?1", params![id, pinyin])?;
    }
    Ok(())
}

/// Fill or overwrite an existing customer from a row; add its contact unless one of that name
/// exists. Returns whether anything changed.
fn update_existing(tx: &Transaction, ctx: &Ctx, batch: &str, row: &ImportRowResult, p: &ParsedRow) -> Result<bool> {
    let id = row.matched_customer_id.as_deref().unwrap_or_default();
    let before = snapshot(tx, id)?;
    let overwrite = row.action == Some(DuplicateAction::Overwrite);
    let mut values: Vec<(&str, Option<String>)> = Vec::new();
    for (col, _) in COLUMNS {
        let Some(new) = row_value(p, col) else { continue };
        let current = before.get(*col).and_then(Value::as_str).unwrap_or("");
        let empty = current.is_empty() && !ENUM_COLUMNS.contains(col);
        if (overwrite || empty) && current != new {
            values.push((col, Some(new)));
        }
    }
    set_columns(tx, ctx, id, &values, "导入覆盖")?;
    let mut changed = !values.is_empty();
    // Reindexed once, after the fields and the contact.
    if let Some(k) = &p.contact {
        let exists: bool = tx.query_row(
            "SELECT count(*) > 0 FROM contacts WHERE customer_id = ?1 AND name = ?2 AND deleted_at IS NULL",
            params![id, k.name.trim()],
            |r| r.get(0),
        )?;
        if !exists {
            let cid = insert_contact(tx, ctx, id, k)?;
            record(tx, batch, (row.row, "contact", &cid, "created"), None, None)?;
            changed = true;
        }
    }
    if changed {
        reindex_customer(tx, id)?;
    }
    if !values.is_empty() {
        record(tx, batch, (row.row, "customer", id, "updated"), Some(&before), Some(&snapshot(tx, id)?))?;
    }
    Ok(changed)
}

/// Start a batch inside the apply's transaction; returns its id.
pub(crate) fn open_batch(tx: &Transaction, ctx: &Ctx, kind: ImportKind, preview: &ImportPreview) -> Result<String> {
    let batch_id = new_id();
    tx.execute(
        "INSERT INTO import_batches (id, kind, file_name, file_sha256, created_count, updated_count, skipped_count,
            error_count, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, 0, 0, 0, ?5, ?6, ?7)",
        params![
            batch_id,
            kind.as_str(),
            preview.file_name,
            preview.file_sha256,
            preview.counts.error,
            ctx.now,
            ctx.user
        ],
    )?;
    Ok(batch_id)
}

/// Close a batch with what it did (rows): the rest of the rows without errors were skipped.
pub(crate) fn close_batch(tx: &Transaction, id: &str, counts: &ImportCounts, created: u32, updated: u32) -> Result<()> {
    let skipped = counts.total - counts.error - created - updated;
    tx.execute(
        "UPDATE import_batches SET created_count = ?2, updated_count = ?3, skipped_count = ?4 WHERE id = ?1",
        params![id, created, updated, skipped],
    )?;
    Ok(())
}

/// The applied batch, recorded in the audit log.
pub(crate) fn finish(kam: &Kam, kind: ImportKind, batch_id: &str, preview: &ImportPreview) -> Result<ImportBatch> {
    let batch = batches(&kam.conn, Some(batch_id))?.remove(0);
    let detail = serde_json::json!({
        "batch": batch.id, "file": batch.file_name, "sha256": batch.file_sha256,
        "created": batch.created_count, "updated": batch.updated_count,
        "skipped": batch.skipped_count, "errors": batch.error_count,
    });
    let audit_kind = match kind {
        ImportKind::Customers => "customer_import",
        ImportKind::Contacts => "contact_import",
        ImportKind::Sales => "sales_import",
        ImportKind::Collections => "collections_import",
        ImportKind::Receivables => "receivables_import",
    };
    kam.append_audit(audit_kind, &detail.to_string(), Some(preview.counts.total as i64), &preview.file_name)?;
    Ok(batch)
}

/// The rows as the person importing may write them: a new customer with no owner is theirs
/// (unless they see everyone, like head office; or on a field device, as when creating one);
/// a row naming someone they may not give customers to, or matching a customer they may not
/// change, refuses the whole import (`forbidden`, the row named).
fn own_rows<'a>(
    kam: &Kam,
    preview: &ImportPreview,
    parsed: &'a [Option<ParsedRow>],
) -> Result<Vec<Option<std::borrow::Cow<'a, ParsedRow>>>> {
    let scope = kam.scope()?;
    let default_mine = !scope.is_all() || crate::sync::is_field_device(&kam.conn)?;
    let at_row =
        |n: u32, e: KamError| KamError::forbidden(format!("第 {n} 行：{e}"), format!("Row {n}: {}", e.message_en()));
    let mut out = Vec::with_capacity(parsed.len());
    for (row, p) in preview.rows.iter().zip(parsed) {
        let Some(p) = p else {
            out.push(None);
            continue;
        };
        // Copied only when the owner is filled in.
        let mut p = std::borrow::Cow::Borrowed(p);
        if creates(row) {
            if p.input.owner_id.is_none() && default_mine {
                p.to_mut().input.owner_id = Some(kam.user_id.clone());
            }
            scope.check_owner(&kam.conn, p.input.owner_id.as_deref(), None).map_err(|e| at_row(row.row, e))?;
        } else if matches!(row.action, Some(DuplicateAction::Fill | DuplicateAction::Overwrite)) {
            let id = row.matched_customer_id.as_deref().unwrap_or_default();
            scope.check(&kam.conn, id, Access::Write).map_err(|e| at_row(row.row, e))?;
            let current = crate::scope::customer_keys(&kam.conn, id)?.and_then(|k| k.0);
            let overwrite = row.action == Some(DuplicateAction::Overwrite);
            if p.input.owner_id.is_some() && (overwrite || current.is_none()) {
                scope
                    .check_owner(&kam.conn, p.input.owner_id.as_deref(), Some(current.as_deref()))
                    .map_err(|e| at_row(row.row, e))?;
            }
        }
        out.push(Some(p));
    }
    Ok(out)
}

/// Whether a row creates a customer: a new one, or 仍然新建 beside a similar one.
fn creates(row: &ImportRowResult) -> bool {
    row.status == RowStatus::New || row.action == Some(DuplicateAction::Create)
}

/// 仍然新建 needs a reason: the trimmed text, refused when missing.
fn create_reason(preview: &ImportPreview, reason: Option<&str>) -> Result<Option<String>> {
    let anyway = preview.rows.iter().filter(|r| r.status != RowStatus::New && creates(r)).count();
    if anyway == 0 {
        return Ok(None);
    }
    if reason.map(str::trim).unwrap_or("").is_empty() {
        return Err(KamError::invalid(
            "create_reason",
            format!("有 {anyway} 行与已有客户相似，选择了「仍然新建」：请填写原因（例如“同名不同单位”），以便日后核对。"),
            format!("{anyway} rows look like existing customers and are set to 'create anyway': give the reason (e.g. 'same name, different company') so it can be checked later."),
        ));
    }
    let reason = crate::validate::required("create_reason", "仍然新建的原因", "The reason", reason.unwrap_or(""), 200)?;
    Ok(Some(reason))
}

fn cancelled() -> KamError {
    KamError::Cancelled {
        zh: "导入已取消，没有写入任何数据。".into(),
        en: "The import was cancelled; nothing was written.".into(),
    }
}

pub(crate) fn apply(
    kam: &mut Kam,
    preview: &ImportPreview,
    parsed: &[Option<ParsedRow>],
    reason: Option<&str>,
    progress: &mut dyn FnMut(ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportBatch> {
    let reason = create_reason(preview, reason)?;
    let counts = &preview.counts;
    let owned = own_rows(kam, preview, parsed)?;
    let total = preview.rows.len() as u32;
    let mut shown = ImportProgress { done: 0, total, percent: 0 };
    if cancel.load(Ordering::Relaxed) {
        return Err(cancelled());
    }
    progress(shown);
    let batch_id = kam.write(|tx, ctx| {
        let batch_id = open_batch(tx, ctx, ImportKind::Customers, preview)?;
        let (mut created, mut updated) = (0u32, 0u32);
        for (i, (row, p)) in preview.rows.iter().zip(&owned).enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return Err(cancelled());
            }
            let done = i as u32 + 1;
            let percent = done * 100 / total.max(1);
            if percent != shown.percent || done == total {
                shown = ImportProgress { done, total, percent };
                progress(shown);
            }
            let Some(p) = p else { continue };
            if creates(row) {
                let (id, _) =
                    insert_full_unindexed(tx, ctx, &p.input, p.contact.as_slice(), None, p.legacy_code.as_deref())?;
                record(tx, &batch_id, (row.row, "customer", &id, "created"), None, Some(&snapshot(tx, &id)?))?;
                if row.status != RowStatus::New {
                    tx.execute(
                        "UPDATE import_batch_rows SET reason = ?3 WHERE batch_id = ?1 AND entity_id = ?2",
                        params![batch_id, id, reason],
                    )?;
                }
                created += 1;
            } else if matches!(row.action, Some(DuplicateAction::Fill | DuplicateAction::Overwrite))
                && update_existing(tx, ctx, &batch_id, row, p)?
            {
                updated += 1;
            }
        }
        // The new customers indexed for search in one pass.
        index_new_customers(
            tx,
            "SELECT entity_id FROM import_batch_rows WHERE batch_id = ?1 AND entity = 'customer' AND action = 'created'",
            &batch_id,
        )?;
        close_batch(tx, &batch_id, counts, created, updated)?;
        // The last chance to cancel: after this the batch is committed.
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        Ok(batch_id)
    })?;
    let batch = batches(&kam.conn, Some(&batch_id))?.remove(0);
    let detail = serde_json::json!({
        "batch": batch.id, "file": batch.file_name, "sha256": batch.file_sha256,
        "created": batch.created_count, "updated": batch.updated_count,
        "skipped": batch.skipped_count, "errors": batch.error_count, "create_reason": reason,
    });
    kam.append_audit("customer_import", &detail.to_string(), Some(counts.total as i64), &preview.file_name)?;
    Ok(batch)
}

pub(crate) fn batches(conn: &Connection, only: Option<&str>) -> Result<Vec<ImportBatch>> {
    let mut stmt = conn.prepare(
        "SELECT b.id, b.kind, b.file_name, b.file_sha256, b.created_count, b.updated_count, b.skipped_count,
            b.error_count, b.created_at, u.name, b.undone_at
         FROM import_batches b LEFT JOIN users u ON u.id = b.created_by
         WHERE ?1 IS NULL OR b.id = ?1 ORDER BY b.created_at DESC, b.id DESC",
    )?;
    let rows = stmt
        .query_map([only], |r| {
            Ok(ImportBatch {
                id: r.get(0)?,
                kind: r.get(1)?,
                file_name: r.get(2)?,
                file_sha256: r.get(3)?,
                created_count: r.get(4)?,
                updated_count: r.get(5)?,
                skipped_count: r.get(6)?,
                error_count: r.get(7)?,
                created_at: r.get(8)?,
                created_by_name: r.get(9)?,
                undone_at: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn changed_since(row: u32, name: &str) -> KamError {
    KamError::wrong_state(
        format!("第 {row} 行导入的客户「{name}」在导入后又被修改过，不能撤销本次导入，以免覆盖之后的修改。请手工调整该客户。"),
        format!("The customer '{name}' imported from row {row} was changed after the import; the import cannot be undone without losing that change. Adjust the customer by hand."),
    )
}

pub(crate) fn undo(kam: &mut Kam, batch_id: &str) -> Result<ImportBatch> {
    let batch = batches(&kam.conn, Some(batch_id))?.into_iter().next().ok_or_else(|| {
        KamError::invalid(
            "batch",
            format!("找不到导入批次 {batch_id}。请用 kam import list 查看批次编号。"),
            format!("No import batch {batch_id}. List the batches with kam import list."),
        )
    })?;
    if batch.undone_at.is_some() {
        return Err(KamError::wrong_state("这次导入已经撤销过了。", "This import has already been undone."));
    }
    if matches!(batch.kind.as_str(), "sales" | "collections" | "receivables") {
        kam.require_finance_clerk()?;
    }
    kam.write(|tx, ctx| {
        let mut stmt = tx.prepare(
            "SELECT row_no, entity, entity_id, action, before_json, after_json FROM import_batch_rows
             WHERE batch_id = ?1 ORDER BY rowid DESC",
        )?;
        let rows = stmt
            .query_map([batch_id], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (row, entity, id, action, before, after) in rows {
            let json = |j: &Option<String>| -> Map<String, Value> {
                j.as_deref().and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default()
            };
            if matches!(entity.as_str(), "sale" | "collection" | "receivable") {
                super::finance::undo_row(tx, ctx, row, &entity, &id, &action, &json(&before), &json(&after))?;
                continue;
            }
            if entity == "contact" && action == "updated" {
                super::contacts::undo_row(tx, ctx, row, &id, &json(&before), &json(&after))?;
                continue;
            }
            if entity == "contact" {
                tx.execute(
                    "UPDATE contacts SET deleted_at = ?2, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                    params![id, ctx.now, ctx.user],
                )?;
                let customer: Option<String> =
                    tx.query_row("SELECT customer_id FROM contacts WHERE id = ?1", [&id], |r| r.get(0)).optional()?;
                if let Some(c) = customer {
                    reindex_customer(tx, &c)?;
                }
                continue;
            }
            let now = snapshot(tx, &id)?;
            let after: Map<String, Value> =
                after.as_deref().and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
            if now != after {
                let name = now.get("name").and_then(Value::as_str).unwrap_or("").to_string();
                return Err(changed_since(row, &name));
            }
            if action == "created" {
                tx.execute(
                    "UPDATE customers SET deleted_at = ?2, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                    params![id, ctx.now, ctx.user],
                )?;
                reindex_customer(tx, &id)?;
            } else {
                let before: Map<String, Value> =
                    before.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
                let values: Vec<(&str, Option<String>)> = COLUMNS
                    .iter()
                    .filter(|(c, _)| before.get(*c) != after.get(*c))
                    .map(|(c, _)| (*c, before.get(*c).and_then(Value::as_str).map(str::to_string)))
                    .collect();
                set_columns(tx, ctx, &id, &values, "撤销导入")?;
                reindex_customer(tx, &id)?;
            }
        }
        tx.execute(
            "UPDATE import_batches SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
            params![batch_id, ctx.now, ctx.user],
        )?;
        Ok(())
    })?;
    let detail = serde_json::json!({ "batch": batch_id, "file": batch.file_name });
    kam.append_audit("import_undo", &detail.to_string(), None, &batch.file_name)?;
    Ok(batches(&kam.conn, Some(batch_id))?.remove(0))
}

pub(crate) fn write_errors(kam: &Kam, preview: &ImportPreview, out: &Path) -> Result<u32> {
    use rust_xlsxwriter::{Format, Workbook};
    let bad: Vec<&ImportRowResult> =
        preview.rows.iter().filter(|r| matches!(r.status, RowStatus::Error | RowStatus::Duplicate)).collect();
    let xlsx = |e: rust_xlsxwriter::XlsxError| {
        KamError::invalid("out", format!("生成工作簿失败：{e}"), format!("Building the workbook failed: {e}"))
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("错误行").map_err(xlsx)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    sheet.write_with_format(0, 0, "原行号", &bold).map_err(xlsx)?;
    sheet.write_with_format(0, 1, "错误原因", &bold).map_err(xlsx)?;
    for (i, h) in preview.headers.iter().enumerate() {
        sheet.write_with_format(0, i as u16 + 2, h.as_str(), &bold).map_err(xlsx)?;
        // Every column as text, so IDs keep their digits when fixed and imported again.
        sheet.set_column_format(i as u16 + 2, &text).map_err(xlsx)?;
    }
    for (n, r) in bad.iter().enumerate() {
        let y = n as u32 + 1;
        sheet.write(y, 0, r.row).map_err(xlsx)?;
        sheet.write(y, 1, format!("{}：{}", r.status.label_zh(), r.reason)).map_err(xlsx)?;
        for (i, v) in r.values.iter().enumerate() {
            sheet.write_with_format(y, i as u16 + 2, v.as_str(), &text).map_err(xlsx)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    sheet.set_column_width(1, 60).map_err(xlsx)?;
    let bytes = book.save_to_buffer().map_err(xlsx)?;
    crate::util::write_atomically(out, &bytes)?;
    let detail = serde_json::json!({ "file": preview.file_name, "sha256": preview.file_sha256 });
    kam.record_export("import_errors", detail, Some(bad.len() as i64), out)?;
    Ok(bad.len() as u32)
}
