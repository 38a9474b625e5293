//! Importing customers, contacts and finance records from Excel, WPS and CSV (issue 12): `read`
//! turns a file into cells, `sheet` finds the header and maps the columns to the kind's fields
//! (`mapping`, `fields`), `plan` (customers), `contacts` and `finance` are the dry runs (every
//! row classified 新建 / 更新 / 疑似重复 / 无变化 / 错误 with a reason), `apply` writes one batch
//! in one transaction and undoes it. Nothing is written until [`Kam::import_apply`].

mod apply;
mod contacts;
mod fields;
mod finance;
mod inspect;
mod keys;
mod mapping;
mod plan;
mod progress;
mod read;
mod sheet;
mod templates;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{KamError, Result};
use crate::Kam;

pub use fields::{fields_for, FieldDef};
pub use inspect::{import_errors_default_path, ImportField, ImportInspection, SheetRow};
pub use mapping::{field_for_header, field_in, normalized_name, FIELDS};
pub use read::read_step;
pub use templates::ImportTemplate;

str_enum!(
    /// What to do with a row that matches an existing customer.
    DuplicateAction { Skip = "skip" / "跳过" / "Skip", Fill = "fill" / "只补空白字段" / "Fill empty fields",
                      Overwrite = "overwrite" / "覆盖" / "Overwrite", Create = "create" / "仍然新建" / "Create anyway" });
str_enum!(
    /// How the dry run classified a row. 无变化: the record is already as the row says (a
    /// finance document or contact imported before).
    RowStatus { New = "new" / "新建" / "New", Update = "update" / "更新" / "Update",
                Duplicate = "duplicate" / "疑似重复" / "Possible duplicate",
                Unchanged = "unchanged" / "无变化" / "Unchanged", Error = "error" / "错误" / "Error" });
str_enum!(
    /// What a file holds.
    ImportKind { Customers = "customers" / "客户" / "Customers", Contacts = "contacts" / "联系人" / "Contacts",
                 Sales = "sales" / "销售与退货" / "Sales and returns", Collections = "collections" / "回款" / "Collections",
                 Receivables = "receivables" / "应收" / "Receivables" });

/// What the clerk chose; everything detected can be overridden.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportOptions {
    pub sheet: Option<String>,
    /// The header's row number as the file shows it (1-based).
    pub header_row: Option<u32>,
    /// `utf-8` or `gb18030` (text files).
    pub encoding: Option<String>,
    /// Header → field (see [`FIELDS`]); an empty field ignores the column. Headers not given
    /// keep the detected field.
    pub mapping: Option<HashMap<String, String>>,
    /// For every row that matches an existing record (default: skip; finance documents
    /// imported before: overwrite, so a corrected file updates them).
    pub on_duplicate: Option<DuplicateAction>,
    /// Per row number, overriding `on_duplicate`.
    pub row_actions: Option<HashMap<u32, DuplicateAction>>,
    /// Per kind of match (`update`: same old customer code or credit code; `duplicate`: a
    /// similar name), overriding `on_duplicate`; a row's own action still wins.
    pub status_actions: Option<HashMap<RowStatus, DuplicateAction>>,
    /// A saved mapping template by name; none: the newest template saved for the same headers,
    /// if any; `""`: no template.
    pub template: Option<String>,
    /// Why rows are created although they look like an existing customer (仍然新建): required
    /// when any row does.
    pub create_reason: Option<String>,
}

/// What was detected in the file.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DetectedFormat {
    pub encoding: Option<String>,
    /// `,`, `\t` or `;` (text files).
    pub separator: Option<String>,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    pub header_row: u32,
}

/// One data row of the file and what importing it would do.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportRowResult {
    /// The row number as the file shows it.
    pub row: u32,
    pub status: RowStatus,
    /// For 更新 and 疑似重复 rows: what applying does with it.
    pub action: Option<DuplicateAction>,
    pub reason: String,
    pub reason_en: String,
    pub name: String,
    pub matched_customer_id: Option<String>,
    pub matched_name: Option<String>,
    /// The row's cells as text, one per header: for the rows the error file keeps (错误,
    /// 疑似重复); empty for the others, so a big file's cells are not held twice.
    pub values: Vec<String>,
}

/// Counts by status and by what applying would do.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportCounts {
    pub total: u32,
    pub new: u32,
    pub update: u32,
    pub duplicate: u32,
    pub unchanged: u32,
    pub error: u32,
    pub to_create: u32,
    pub to_update: u32,
    pub to_skip: u32,
}

/// The dry run: nothing was written.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportPreview {
    pub file_name: String,
    pub file_sha256: String,
    pub detected: DetectedFormat,
    pub headers: Vec<String>,
    /// Header → field, for the headers that fill a field.
    pub mapping: HashMap<String, String>,
    /// Headers that fill nothing (reported, not fatal).
    pub unknown_columns: Vec<String>,
    /// The saved template the mapping came from.
    pub template: Option<String>,
    pub rows: Vec<ImportRowResult>,
    pub counts: ImportCounts,
    /// Lines at the end of the sheet that are no data (合计/总计/小计, a note such as 制表：…):
    /// skipped, not error rows; and the one line saying so.
    pub skipped_rows: Vec<u32>,
    pub skipped_note: Option<String>,
    pub skipped_note_en: Option<String>,
}

/// One applied import.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportBatch {
    pub id: String,
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub created_count: u32,
    pub updated_count: u32,
    pub skipped_count: u32,
    pub error_count: u32,
    pub created_at: String,
    pub created_by_name: Option<String>,
    pub undone_at: Option<String>,
}

/// How far applying has come: rows done of the rows in the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
    /// 0–100.
    pub percent: u32,
}

/// The result of applying: the batch and the dry run it followed.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportApplied {
    pub batch: ImportBatch,
    pub preview: ImportPreview,
}

/// The page cache while an import is applied (negative: KiB, SQLite's convention).
const IMPORT_CACHE_KIB: i64 = -32_768;

fn read_file(path: &Path) -> Result<(String, Vec<u8>)> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| {
        KamError::invalid(
            "file",
            format!("无法打开「{}」：{e}。请检查路径，或先关闭在 Excel/WPS 中打开的该文件。", path.display()),
            format!("Cannot open '{}': {e}. Check the path, or close the file in Excel/WPS first.", path.display()),
        )
    })?;
    Ok((name, bytes))
}

impl Kam {
    /// The dry run of importing customers from `path`: every row classified with a reason, the
    /// detected format and the column mapping. Writes nothing.
    pub fn import_customers_preview(&self, path: &Path, opts: &ImportOptions) -> Result<ImportPreview> {
        self.require_signed_in()?;
        let (name, bytes) = read_file(path)?;
        Ok(plan::plan(&self.conn, &name, &bytes, opts)?.0)
    }

    /// Apply the import as one batch in one transaction (all rows or none), after the same dry
    /// run as [`Kam::import_customers_preview`]. `progress` receives the rows done so far.
    pub fn import_customers_apply(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u32),
    ) -> Result<ImportApplied> {
        self.import_customers_apply_with(path, opts, &mut |p| progress(p.done), &AtomicBool::new(false))
    }

    /// [`Kam::import_customers_apply`] that can be cancelled: see [`Kam::import_apply_with`].
    pub fn import_customers_apply_with(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportApplied> {
        self.import_apply_with(ImportKind::Customers, path, opts, progress, cancel)
    }

    /// The dry run of importing `kind` from `path` (customers, contacts, sales and returns,
    /// collections, receivables): every row classified with a reason. Writes nothing.
    pub fn import_preview(&self, kind: ImportKind, path: &Path, opts: &ImportOptions) -> Result<ImportPreview> {
        self.require_signed_in()?;
        let (name, bytes) = read_file(path)?;
        Ok(match kind {
            ImportKind::Customers => plan::plan(&self.conn, &name, &bytes, opts)?.0,
            ImportKind::Contacts => contacts::plan(&self.conn, &self.scope()?, &name, &bytes, opts)?.0,
            _ => {
                finance::plan(&self.conn, &self.scope()?, kind, &name, &bytes, opts, crate::time::local_today(self))?.0
            }
        })
    }

    /// Apply an import of `kind` as one batch in one transaction (all rows or none), after the
    /// same dry run as [`Kam::import_preview`]. Finance imports need a head-office clerk.
    /// `progress` receives the rows done so far.
    pub fn import_apply(
        &mut self,
        kind: ImportKind,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u32),
    ) -> Result<ImportApplied> {
        self.import_apply_with(kind, path, opts, &mut |p| progress(p.done), &AtomicBool::new(false))
    }

    /// [`Kam::import_apply`] that can be cancelled: when `cancel` is set (from another thread)
    /// the one transaction is rolled back and nothing is written (`cancelled`). `progress` is
    /// told each time another percent of the rows is done.
    pub fn import_apply_with(
        &mut self,
        kind: ImportKind,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportApplied> {
        self.with_import_cache(|kam| kam.import_apply_inner(kind, path, opts, progress, cancel))
    }

    /// A big batch touches index pages all over the file: with SQLite's default 2 MB page
    /// cache it spills dirty pages mid-transaction. A larger cache while an import applies.
    fn with_import_cache<T>(&mut self, f: impl FnOnce(&mut Kam) -> Result<T>) -> Result<T> {
        let cache: i64 = self.conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        let out = f(self);
        self.conn.pragma_update(None, "cache_size", cache)?;
        out
    }

    fn import_apply_inner(
        &mut self,
        kind: ImportKind,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportApplied> {
        let (name, bytes) = read_file(path)?;
        let (batch, preview) = match kind {
            ImportKind::Customers => {
                let (preview, parsed) = plan::plan(&self.conn, &name, &bytes, opts)?;
                let reason = opts.create_reason.as_deref();
                (apply::apply(self, &preview, &parsed, reason, progress, cancel)?, preview)
            }
            ImportKind::Contacts => {
                self.require_signed_in()?;
                let (preview, parsed) = contacts::plan(&self.conn, &self.scope()?, &name, &bytes, opts)?;
                let mut ticker = progress::Ticker::start(preview.counts.total, progress, cancel)?;
                (contacts::apply(self, &preview, &parsed, &mut ticker)?, preview)
            }
            _ => {
                self.require_finance_clerk()?;
                let today = crate::time::local_today(self);
                let (preview, parsed) = finance::plan(&self.conn, &self.scope()?, kind, &name, &bytes, opts, today)?;
                let mut ticker = progress::Ticker::start(preview.counts.total, progress, cancel)?;
                (finance::apply(self, kind, &preview, &parsed, &mut ticker)?, preview)
            }
        };
        Ok(ImportApplied { batch, preview })
    }

    /// Applied imports, newest first.
    pub fn import_batches(&self) -> Result<Vec<ImportBatch>> {
        self.require_signed_in()?;
        apply::batches(&self.conn, None)
    }

    /// Undo an import (撤销本次导入): the customers it created are deleted (tombstones), the
    /// fields it changed restored. Refused (`wrong_state`) when any of them changed since.
    pub fn undo_import(&mut self, batch_id: &str) -> Result<ImportBatch> {
        apply::undo(self, batch_id)
    }

    /// Save the dry run's error and duplicate rows as an .xlsx with a 错误原因 column, to fix
    /// and import again. Returns the number of rows written.
    pub fn write_import_errors(&self, preview: &ImportPreview, out: &Path) -> Result<u32> {
        self.require_signed_in()?;
        apply::write_errors(self, preview, out)
    }
}
