//! What the four forms share: cells, formats, A4 page setup and the list-shaped sheet
//! (title, subtitle, a header row frozen, filtered and repeated on every printed page, the
//! rows, money totals as `=SUM()` with the value cached). Money is fen ÷ 100 with
//! '#,##0.00', dates are real dates shown 'yyyy-mm-dd', identifiers stay text.

use chrono::Datelike;
use rust_xlsxwriter::{
    utility::row_col_to_cell, Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError,
};

use crate::error::KamError;
use crate::units::Fen;

pub(crate) type XResult<T> = std::result::Result<T, XlsxError>;

/// One cell of a form.
#[derive(Clone, Debug)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Money(Fen),
    /// `YYYY-MM-DD`; anything else is written as text.
    Date(String),
    Empty,
}

pub(crate) fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

pub(crate) fn opt_date(d: &Option<String>) -> Cell {
    d.clone().map(Cell::Date).unwrap_or(Cell::Empty)
}

pub(crate) fn opt_money(v: Option<Fen>) -> Cell {
    v.map(Cell::Money).unwrap_or(Cell::Empty)
}

pub(crate) fn xlsx_error(e: XlsxError) -> KamError {
    KamError::Io(std::io::Error::other(format!("Excel 生成失败 / building the workbook failed: {e}")))
}

/// Display width: CJK and full-width characters count as two.
pub(crate) fn width_of(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}

/// Lines a text needs in a column `width` characters wide (a CJK character counts as two).
pub(crate) fn lines_in(text: &str, width: f64) -> u32 {
    let cap = (width - 1.0).max(4.0) as usize;
    text.split('\n').map(|l| width_of(l).div_ceil(cap).max(1) as u32).sum()
}

/// A row height for `lines` lines of text (at most 30), in points.
pub(crate) fn height_for(lines: u32) -> f64 {
    (lines.clamp(1, 30) as f64) * 14.5 + 4.0
}

pub(crate) struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub head: Format,
    pub section: Format,
    pub label: Format,
    pub text: Format,
    pub int: Format,
    pub money: Format,
    pub date: Format,
    pub total_label: Format,
    pub total_money: Format,
    pub note: Format,
}

pub(crate) fn formats() -> Formats {
    let b = || Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    Formats {
        title: Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
        subtitle: Format::new().set_font_size(10).set_font_color(Color::RGB(0x404040)),
        head: b().set_bold().set_background_color(Color::RGB(0xD9E1F2)).set_align(FormatAlign::Center).set_text_wrap(),
        section: b().set_bold().set_background_color(Color::RGB(0xD9E1F2)),
        label: b().set_bold().set_background_color(Color::RGB(0xF2F2F2)).set_align(FormatAlign::Center).set_text_wrap(),
        text: b().set_text_wrap(),
        int: b().set_num_format("0").set_align(FormatAlign::Center),
        money: b().set_num_format("#,##0.00"),
        date: b().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Center),
        total_label: b().set_bold().set_align(FormatAlign::Center),
        total_money: b().set_bold().set_num_format("#,##0.00"),
        note: Format::new().set_italic().set_font_color(Color::RGB(0x595959)),
    }
}

/// A4, fitted to the page width, the form's name and scope in the header, page numbers below.
pub(crate) fn page_setup(ws: &mut Worksheet, landscape: bool, left: &str, right: &str) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.5, 0.5, 0.7, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    let esc = |s: &str| s.replace('&', "&&");
    ws.set_header(format!("&L{}&R{}", esc(left), esc(right)));
    ws.set_footer("&C第 &P 页，共 &N 页");
}

pub(crate) fn write_cell(ws: &mut Worksheet, row: u32, col: u16, c: &Cell, f: &Formats) -> XResult<()> {
    match c {
        Cell::Text(s) => ws.write_string_with_format(row, col, s, &f.text)?,
        Cell::Int(v) => ws.write_number_with_format(row, col, *v as f64, &f.int)?,
        Cell::Money(v) => ws.write_number_with_format(row, col, v.yuan_f64(), &f.money)?,
        Cell::Date(s) => match crate::time::parse_ymd(s) {
            Some(d) => {
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(row, col, &dt, &f.date)?
            }
            None => ws.write_string_with_format(row, col, s, &f.text)?,
        },
        Cell::Empty => ws.write_blank(row, col, &f.text)?,
    };
    Ok(())
}

/// A column of a list sheet: its header, width in characters and whether it is summed.
pub(crate) struct Col {
    pub head: &'static str,
    pub width: f64,
    pub sum: bool,
}

pub(crate) const fn col(head: &'static str, width: f64) -> Col {
    Col { head, width, sum: false }
}

pub(crate) const fn sum_col(head: &'static str, width: f64) -> Col {
    Col { head, width, sum: true }
}

/// A list-shaped sheet.
pub(crate) struct ListSheet<'a> {
    pub sheet: &'a str,
    pub title: String,
    pub subtitle: String,
    /// Shown when there are no rows.
    pub empty: &'a str,
    pub cols: Vec<Col>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
    /// The page header's left and right text.
    pub header: (String, String),
}

/// The header row's index (title and subtitle above it).
pub(crate) const HEAD_ROW: u32 = 2;

/// Write a list sheet: landscape A4, the header row repeated on every page, filter, print area.
pub(crate) fn list_sheet(ws: &mut Worksheet, s: &ListSheet, f: &Formats) -> XResult<()> {
    ws.set_name(s.sheet)?;
    let last_col = s.cols.len() as u16 - 1;
    page_setup(ws, true, &s.header.0, &s.header.1);
    ws.merge_range(0, 0, 0, last_col, &s.title, &f.title)?;
    ws.set_row_height(0, 26)?;
    ws.merge_range(1, 0, 1, last_col, &s.subtitle, &f.subtitle)?;
    for (i, c) in s.cols.iter().enumerate() {
        ws.write_string_with_format(HEAD_ROW, i as u16, c.head, &f.head)?;
        ws.set_column_width(i as u16, c.width)?;
    }
    ws.set_freeze_panes(HEAD_ROW + 1, 0)?;
    ws.set_repeat_rows(HEAD_ROW, HEAD_ROW)?;
    let first = HEAD_ROW + 1;
    let mut row = first;
    if s.rows.is_empty() {
        ws.merge_range(row, 0, row, last_col, s.empty, &f.text)?;
        row += 1;
    }
    for cells in &s.rows {
        let mut lines = 1;
        for (i, c) in cells.iter().enumerate() {
            write_cell(ws, row, i as u16, c, f)?;
            if let (Cell::Text(text), Some(col)) = (c, s.cols.get(i)) {
                lines = lines.max(lines_in(text, col.width));
            }
        }
        // Spreadsheet programs do not all grow a row for wrapped text on opening.
        if lines > 1 {
            ws.set_row_height(row, height_for(lines))?;
        }
        row += 1;
    }
    let last = row - 1;
    ws.autofilter(HEAD_ROW, 0, last, last_col)?;
    if s.cols.iter().any(|c| c.sum) {
        ws.write_string_with_format(row, 0, "合计", &f.total_label)?;
        for (i, c) in s.cols.iter().enumerate().skip(1) {
            let col = i as u16;
            if !c.sum {
                ws.write_blank(row, col, &f.total_label)?;
                continue;
            }
            let total: Fen =
                s.rows.iter().map(|r| if let Some(Cell::Money(v)) = r.get(i) { *v } else { Fen::ZERO }).sum();
            let range = format!("=SUM({}:{})", row_col_to_cell(first, col), row_col_to_cell(last, col));
            let cached = format!("{}", total.yuan_f64());
            ws.write_formula_with_format(row, col, Formula::new(range).set_result(cached), &f.total_money)?;
        }
        row += 1;
    }
    let body_end = row - 1;
    for n in &s.notes {
        row += 1;
        ws.write_string_with_format(row, 0, n, &f.note)?;
    }
    ws.set_print_area(0, 0, row.max(body_end), last_col)?;
    Ok(())
}

/// A file name's part from a customer name: no characters Windows forbids in names.
pub(crate) fn file_part(s: &str) -> String {
    let cleaned: String =
        s.trim().chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect();
    cleaned.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_chinese_and_drop_what_windows_forbids() {
        assert_eq!(file_part(" 华东电力/上海:分公司 "), "华东电力_上海_分公司");
        assert_eq!(width_of("华东A"), 5);
        assert_eq!(lines_in("短", 10.0), 1);
        assert_eq!(lines_in("一二三四五六七八九十", 11.0), 2);
        assert_eq!(lines_in("甲\n乙", 11.0), 2);
    }
}
