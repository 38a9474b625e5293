//! The part of a dry run every kind of import but customers shares: the file read, the header
//! row found (or the one the clerk named), the columns mapped to the kind's fields (detected,
//! then a saved template's, then the clerk's edits), and the data rows below the header; and the
//! preview assembled at the end.

use std::collections::HashMap;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::fields::{fields_for, required, FieldDef};
use super::mapping::{self, field_in};
use super::plan::Layout;
use super::read::{self, Cell};
use super::templates::{self, ImportTemplate};
use super::*;

/// A file ready to classify.
pub(crate) struct Sheet {
    pub file_name: String,
    pub file_sha256: String,
    pub detected: DetectedFormat,
    pub headers: Vec<String>,
    pub mapping: HashMap<String, String>,
    pub unknown_columns: Vec<String>,
    /// The saved template the mapping came from.
    pub template: Option<String>,
    /// The field of each column, if any.
    pub columns: Vec<Option<&'static str>>,
    /// Data rows (row number as the file shows it), blank rows left out.
    pub rows: Vec<(u32, Vec<Cell>)>,
    /// The footer lines skipped (see [`footer_start`]).
    pub skipped_rows: Vec<u32>,
    /// Serials in date columns count from 1904 (see `read::Grid`).
    pub date1904: bool,
}

impl Sheet {
    /// A row's cells as text, one per header.
    pub fn values(&self, cells: &[Cell]) -> Vec<String> {
        (0..self.columns.len()).map(|i| cells.get(i).map(Cell::text).unwrap_or_default()).collect()
    }

    /// The cell of `field` in a row.
    pub fn cell<'a>(&self, cells: &'a [Cell], field: &str) -> Option<&'a Cell> {
        self.columns.iter().position(|c| *c == Some(field)).and_then(|i| cells.get(i))
    }

    /// Whether a column fills `field`.
    pub fn has(&self, field: &str) -> bool {
        self.columns.contains(&Some(field))
    }

    /// The dry run's result for these rows.
    pub fn preview(self, rows: Vec<ImportRowResult>, counts: ImportCounts) -> ImportPreview {
        let (skipped_note, skipped_note_en) = footer_note(&self.skipped_rows);
        ImportPreview {
            skipped_rows: self.skipped_rows,
            skipped_note,
            skipped_note_en,
            file_name: self.file_name,
            file_sha256: self.file_sha256,
            detected: self.detected,
            headers: self.headers,
            mapping: self.mapping,
            unknown_columns: self.unknown_columns,
            template: self.template,
            rows,
            counts,
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Header → field: detected, then the template's, then the clerk's edits.
fn column_mapping(
    fields: &'static [FieldDef],
    headers: &[String],
    template: Option<&ImportTemplate>,
    edits: Option<&HashMap<String, String>>,
) -> Result<HashMap<String, String>> {
    let mut map: HashMap<String, String> = HashMap::new();
    for h in headers {
        if let Some(f) = field_in(fields, h) {
            if !map.values().any(|v| v == f) {
                map.insert(h.clone(), f.to_string());
            }
        }
    }
    let mut chosen: Vec<(&str, &str)> = Vec::new();
    if let Some(t) = template {
        chosen.extend(headers.iter().filter_map(|h| Some((h.as_str(), t.field_for(h)?))));
    }
    chosen.extend(edits.into_iter().flatten().map(|(h, f)| (h.as_str(), f.as_str())));
    for (h, f) in chosen {
        let f = f.trim();
        if f.is_empty() || f == "ignore" {
            map.remove(h);
            continue;
        }
        if !fields.iter().any(|(x, _, _)| *x == f) {
            let known = fields.iter().map(|(f, _, _)| *f).collect::<Vec<_>>().join(", ");
            return Err(KamError::invalid(
                "mapping",
                format!("列「{h}」对应的字段「{f}」不存在。可用字段：{known}。"),
                format!("The column '{h}' is mapped to '{f}', which is not a field. Fields: {known}."),
            ));
        }
        map.retain(|k, v| v != f || k == h);
        map.insert(h.to_string(), f.to_string());
    }
    Ok(map)
}

fn missing(fields: &[FieldDef], wanted: &[&str], headers: &[String]) -> KamError {
    let label =
        |f: &&str| fields.iter().find(|(x, _, _)| x == f).map(|(_, l, _)| l.to_string()).unwrap_or(f.to_string());
    let zh = wanted.iter().map(|f| format!("“{}”", label(f))).collect::<Vec<_>>().join("或");
    let en = wanted.join(" or ");
    KamError::invalid(
        "mapping",
        format!("没有对应{zh}的列（表头：{}）。请把该列对应到 {}。", headers.join("、"), wanted.join(" / ")),
        format!("No column holds the {en} (headers: {}). Map that column to '{}'.", headers.join(", "), wanted[0]),
    )
}

/// Read `bytes` (named `name`), find its header for `kind` and map the columns (a template:
/// the one named in `opts`, else the newest saved for the same headers). `lenient` (the wizard's
/// first look) takes the first row as the header when none is recognised, instead of refusing.
pub(crate) fn layout(
    conn: &Connection,
    kind: ImportKind,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    lenient: bool,
) -> Result<Layout> {
    let fields = fields_for(kind);
    let grid = read::read(name, bytes, opts.sheet.as_deref(), opts.encoding.as_deref())?;
    let header_idx = match opts.header_row {
        Some(n) => grid.rows.iter().position(|(r, _)| *r == n),
        None => mapping::find_header(&grid.rows, fields),
    }
    .or_else(|| (lenient && opts.header_row.is_none() && !grid.rows.is_empty()).then_some(0))
    .ok_or_else(|| match opts.header_row {
        Some(n) => KamError::invalid(
            "header_row",
            format!("第 {n} 行不在表格里（或是空行）。请选择表头所在的行。"),
            format!("Row {n} is not in the sheet (or is empty). Choose the row that holds the headers."),
        ),
        None => {
            let first = fields[0].1;
            KamError::invalid(
                "header_row",
                format!("找不到表头行：请确认表格里有“{first}”等列标题，或用 --header-row 指定表头所在行。"),
                format!("No header row found: make sure the sheet has column titles such as {first}, or give the header's row with --header-row."),
            )
        }
    })?;
    let width = grid.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let headers = mapping::headers(&grid.rows[header_idx].1, width);
    let template = templates::choose(conn, kind.as_str(), &headers, opts.template.as_deref())?;
    let map = column_mapping(fields, &headers, template.as_ref(), opts.mapping.as_ref())?;
    Ok(Layout { grid, header_idx, headers, map, template: template.map(|t| t.name) })
}

/// [`layout`], checked: the kind's required fields are mapped; the data rows below the header.
pub(crate) fn prepare(
    conn: &Connection,
    kind: ImportKind,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<Sheet> {
    let fields = fields_for(kind);
    let Layout { grid, header_idx, headers, map, template } = layout(conn, kind, name, bytes, opts, false)?;
    let (all, one_of) = required(kind);
    for f in all {
        if !map.values().any(|v| v == f) {
            return Err(missing(fields, &[f], &headers));
        }
    }
    if !one_of.is_empty() && !map.values().any(|v| one_of.contains(&v.as_str())) {
        return Err(missing(fields, one_of, &headers));
    }
    let columns: Vec<Option<&'static str>> = headers
        .iter()
        .map(|h| map.get(h).and_then(|f| fields.iter().find(|(x, _, _)| x == f)).map(|(f, _, _)| *f))
        .collect();
    let unknown_columns = headers.iter().filter(|h| !map.contains_key(*h)).cloned().collect();
    let header_row = grid.rows[header_idx].0;
    let date1904 = grid.date1904;
    let detected = DetectedFormat {
        encoding: grid.encoding,
        separator: grid.separator.map(|c| c.to_string()),
        sheet: grid.sheet,
        sheets: grid.sheets,
        header_row,
    };
    let mut rows: Vec<(u32, Vec<Cell>)> =
        grid.rows.into_iter().skip(header_idx + 1).filter(|(_, cells)| !cells.iter().all(Cell::is_empty)).collect();
    let skipped_rows = rows.drain(footer_start(&rows, &columns)..).map(|(n, _)| n).collect();
    Ok(Sheet {
        file_name: name.to_string(),
        file_sha256: sha256_hex(bytes),
        detected,
        headers,
        mapping: map,
        unknown_columns,
        template,
        columns,
        rows,
        skipped_rows,
        date1904,
    })
}

/// Columns whose cell alone makes a data row (a row with only the name is a customer).
const KEY_FIELDS: &[&str] = &["name", "customer", "customer_code", "credit_code", "legacy_code", "doc_no"];

/// How a note line starts: 注：…, 制表：…, 单位：元.
const NOTE_MARKS: &[&str] =
    &["注", "备注", "说明", "制表", "填表", "审核", "复核", "打印", "数据来源", "单位：", "单位:", "金额单位"];

/// Whether a non-blank line is a footer, no data: its first cell starts with 合计, 总计, 小计
/// or 共计, or it has one text cell only, a note (starting like 注：/制表：, or outside the
/// columns that identify a record).
fn is_footer(cells: &[Cell], columns: &[Option<&'static str>]) -> bool {
    let filled: Vec<(usize, &Cell)> = cells.iter().enumerate().filter(|(_, c)| !c.is_empty()).collect();
    let Some((_, first)) = filled.first() else { return true };
    let text: String = crate::input::normalize_width(&first.text()).chars().filter(|c| !c.is_whitespace()).collect();
    if ["合计", "总计", "小计", "共计"].iter().any(|m| text.starts_with(m)) {
        return true;
    }
    let [(i, Cell::Text(_))] = filled.as_slice() else { return false };
    NOTE_MARKS.iter().any(|m| text.starts_with(m))
        || !columns.get(*i).copied().flatten().is_some_and(|f| KEY_FIELDS.contains(&f))
}

/// Where the footer lines at the end of the data rows begin (`rows.len()`: none).
pub(crate) fn footer_start<R: std::borrow::Borrow<(u32, Vec<Cell>)>>(
    rows: &[R],
    columns: &[Option<&'static str>],
) -> usize {
    let mut start = rows.len();
    while start > 0 && is_footer(&rows[start - 1].borrow().1, columns) {
        start -= 1;
    }
    start
}

/// The report's line about the footer lines skipped (none: none).
pub(crate) fn footer_note(rows: &[u32]) -> (Option<String>, Option<String>) {
    if rows.is_empty() {
        return (None, None);
    }
    let list = rows.iter().map(u32::to_string).collect::<Vec<_>>();
    (
        Some(format!("已跳过表尾第 {} 行：合计或备注，不是数据，未导入。", list.join("、"))),
        Some(format!("Skipped the footer line(s) {}: a total or a note, not data; not imported.", list.join(", "))),
    )
}

/// The fields of a row as cleaned text (ID-like columns as text; lost digits are errors).
pub(crate) fn row_fields(
    sheet: &Sheet,
    cells: &[Cell],
) -> std::result::Result<HashMap<&'static str, String>, (String, String)> {
    let mut fields = HashMap::new();
    for (i, col) in sheet.columns.iter().enumerate() {
        let (Some(f), Some(cell)) = (col, cells.get(i)) else { continue };
        let t = mapping::cell_text(f, cell)?;
        if !t.is_empty() {
            fields.insert(*f, t);
        }
    }
    Ok(fields)
}

/// Whether a row keeps its cells' text in the preview: the rows that go to the error file
/// (错误, 疑似重复). The others carry none, so a big file's cells are not held twice.
pub(crate) fn keeps_values(status: RowStatus) -> bool {
    matches!(status, RowStatus::Error | RowStatus::Duplicate)
}

/// A row's cells' text in one allocation, while its status is not known yet.
pub(crate) fn pack(values: &[String]) -> Box<str> {
    values.join("\u{1f}").into()
}

/// The cells' text of [`pack`].
pub(crate) fn unpack(packed: &str) -> Vec<String> {
    packed.split('\u{1f}').map(str::to_string).collect()
}

/// Count a classified row.
pub(crate) fn count(counts: &mut ImportCounts, r: &ImportRowResult) {
    counts.total += 1;
    match r.status {
        RowStatus::New => counts.new += 1,
        RowStatus::Update => counts.update += 1,
        RowStatus::Duplicate => counts.duplicate += 1,
        RowStatus::Unchanged => counts.unchanged += 1,
        RowStatus::Error => counts.error += 1,
    }
    match (r.status, r.action) {
        (RowStatus::Error, _) => {}
        (RowStatus::New, _) | (_, Some(DuplicateAction::Create)) => counts.to_create += 1,
        (RowStatus::Unchanged, _) => counts.to_skip += 1,
        (_, Some(DuplicateAction::Fill | DuplicateAction::Overwrite)) => counts.to_update += 1,
        _ => counts.to_skip += 1,
    }
}
