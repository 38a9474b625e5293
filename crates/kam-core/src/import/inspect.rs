//! The import wizard's first look at a file, before any row is checked: what was detected
//! (encoding, separator, sheets, header row), the headers, the suggested mapping (detected, or
//! from a template saved for the same headers), the fields a column can fill, the top of the
//! sheet to pick another header row from, and a few data rows.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fields::fields_for;
use super::plan::{self, Layout};
use super::read::Cell;
use super::sheet;
use super::templates::{self, ImportTemplate};
use super::{read_file, DetectedFormat, ImportKind, ImportOptions};
use crate::error::Result;
use crate::Kam;

/// How many rows from the top of the sheet are shown to pick the header row from.
const TOP_ROWS: usize = 12;
/// How many data rows under the header are shown beside the mapping.
const SAMPLE_ROWS: usize = 5;

/// One row of the sheet as text, with its row number as the file shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SheetRow {
    pub row: u32,
    pub cells: Vec<String>,
}

/// A field a column can fill.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportField {
    pub field: String,
    /// The Chinese label (单位名称, 统一社会信用代码…); `field` is the English key.
    pub label: String,
}

/// The wizard's first look at a file; nothing is checked or written yet.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportInspection {
    pub kind: ImportKind,
    pub file_name: String,
    pub detected: DetectedFormat,
    pub headers: Vec<String>,
    /// Header → field, for the headers that fill a field.
    pub mapping: HashMap<String, String>,
    /// The saved template the mapping came from (the same headers, or the one asked for).
    pub template: Option<String>,
    /// Every saved template of this kind.
    pub templates: Vec<ImportTemplate>,
    pub fields: Vec<ImportField>,
    /// The first rows of the sheet, to choose another header row from.
    pub top_rows: Vec<SheetRow>,
    /// The first data rows under the header, one cell per header.
    pub sample: Vec<SheetRow>,
    /// Non-blank rows under the header.
    pub data_rows: u32,
}

/// Where the error rows of `source` are saved unless the user picks another place:
/// [`crate::default_export_dir`]/`<file>-错误行.xlsx`.
pub fn import_errors_default_path(source: &Path) -> std::path::PathBuf {
    let stem = source.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "导入".into());
    crate::default_export_dir().join(format!("{stem}-错误行.xlsx"))
}

fn row_text(row: u32, cells: &[Cell], width: usize) -> SheetRow {
    SheetRow { row, cells: (0..width).map(|i| cells.get(i).map(Cell::text).unwrap_or_default()).collect() }
}

impl Kam {
    /// Look at a file to import customers from: see [`Kam::import_inspect`].
    pub fn import_customers_inspect(&self, path: &Path, opts: &ImportOptions) -> Result<ImportInspection> {
        self.import_inspect(ImportKind::Customers, path, opts)
    }

    /// Look at a file to import `kind` from: detection, headers, the suggested mapping (the
    /// kind's fields) and the kind's templates. `opts` overrides the sheet, header row, encoding,
    /// template and mapping. Nothing is checked row by row yet.
    pub fn import_inspect(&self, kind: ImportKind, path: &Path, opts: &ImportOptions) -> Result<ImportInspection> {
        self.require_signed_in()?;
        let (name, bytes) = read_file(path)?;
        let Layout { grid, header_idx, headers, map, template } = match kind {
            ImportKind::Customers => plan::layout(&self.conn, &name, &bytes, opts, true)?,
            _ => sheet::layout(&self.conn, kind, &name, &bytes, opts, true)?,
        };
        let width = headers.len();
        let top_rows = grid.rows.iter().take(TOP_ROWS).map(|(r, c)| row_text(*r, c, width)).collect();
        let data: Vec<&(u32, Vec<Cell>)> =
            grid.rows.iter().skip(header_idx + 1).filter(|(_, c)| !c.iter().all(Cell::is_empty)).collect();
        let sample = data.iter().take(SAMPLE_ROWS).map(|(r, c)| row_text(*r, c, width)).collect();
        Ok(ImportInspection {
            kind,
            file_name: name,
            detected: DetectedFormat {
                encoding: grid.encoding.clone(),
                separator: grid.separator.map(|c| c.to_string()),
                sheet: grid.sheet.clone(),
                sheets: grid.sheets.clone(),
                header_row: grid.rows.get(header_idx).map(|(r, _)| *r).unwrap_or(1),
            },
            headers,
            mapping: map,
            template,
            templates: templates::list(&self.conn, kind.as_str())?,
            fields: fields_for(kind)
                .iter()
                .map(|(f, l, _)| ImportField { field: f.to_string(), label: l.to_string() })
                .collect(),
            top_rows,
            sample,
            data_rows: data.len() as u32,
        })
    }
}
