//! Reading a spreadsheet or text file into a grid of cells: .xlsx/.xls/.ods through calamine,
//! .csv/.txt through the csv crate after detecting the encoding (BOM → strict UTF-8 → GB18030)
//! and sniffing the separator (comma, tab, semicolon).

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::error::{KamError, Result};

/// One cell as the file holds it: ID-like columns must know whether a number was stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date (the local date, either epoch already applied).
    Date(chrono::NaiveDate),
}

impl Cell {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a header or plain text.
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            // Digits past 15 are lost: shown as Excel shows it.
            Cell::Number(n) if n.abs() >= 1e15 => super::mapping::excel_general(*n),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A file read into rows (1-based row numbers as the file shows them).
#[derive(Debug)]
pub(crate) struct Grid {
    pub rows: Vec<(u32, Vec<Cell>)>,
    pub encoding: Option<String>,
    pub separator: Option<char>,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    /// The workbook counts dates from 1904 (Excel for Mac's old date system): a serial stored
    /// as a plain number in a date column is read in this epoch.
    pub date1904: bool,
}

fn bad_file(name: &str, zh: &str, en: &str) -> KamError {
    KamError::invalid("file", format!("无法读取「{name}」：{zh}"), format!("Cannot read '{name}': {en}"))
}

/// Read `bytes` (named `name`, whose extension decides the reader).
pub(crate) fn read(name: &str, bytes: &[u8], sheet: Option<&str>, encoding: Option<&str>) -> Result<Grid> {
    if bytes.is_empty() {
        return Err(bad_file(
            name,
            "文件是空的（0 字节）。请确认导出或复制时文件已保存完整。",
            "the file is empty (0 bytes). Check that it was saved completely.",
        ));
    }
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(name, bytes, sheet),
        "csv" | "txt" | "tsv" => read_text(name, bytes, encoding),
        _ => Err(bad_file(
            name,
            "只能导入 .xlsx、.xls、.ods、.csv 或 .txt 文件。请在 Excel/WPS 中另存为其中一种格式。",
            "only .xlsx, .xls, .ods, .csv and .txt files can be imported. Save the file as one of them in Excel/WPS.",
        )),
    }
}

fn read_workbook(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Grid> {
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| unreadable(name, bytes, e))?;
    let sheets = book.sheet_names();
    if let calamine::Sheets::Xlsx(x) = &mut book {
        return read_xlsx(name, x, sheet, sheets);
    }
    let date1904 = matches!(&book, calamine::Sheets::Xls(x) if x.has_1904_epoch());
    let chosen = match sheet {
        Some(s) => sheets.iter().find(|n| n.as_str() == s.trim()).cloned().ok_or_else(|| {
            bad_file(
                name,
                &format!("没有名为「{s}」的工作表。现有工作表：{}。", sheets.join("、")),
                &format!("there is no sheet named '{s}'. Sheets: {}.", sheets.join(", ")),
            )
        })?,
        None => {
            first_sheet_with_data(&mut book, &sheets).unwrap_or_else(|| sheets.first().cloned().unwrap_or_default())
        }
    };
    let range = book.worksheet_range(&chosen).map_err(|e| {
        bad_file(
            name,
            &format!("工作表「{chosen}」无法读取（{e}）。"),
            &format!("the sheet '{chosen}' cannot be read ({e})."),
        )
    })?;
    // The workbook's own buffers are not needed once the sheet is read.
    drop(book);
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let lead = vec![Cell::Empty; c0 as usize];
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = lead.clone();
            cells.extend(r.iter().map(cell_of));
            (r0 + i as u32 + 1, cells)
        })
        .collect();
    Ok(Grid { rows, encoding: None, separator: None, sheet: Some(chosen), sheets, date1904 })
}

/// Why a workbook cannot be opened, said so a person can act on it: a password, another kind
/// of zip, or (otherwise) not a workbook at all.
fn unreadable(name: &str, bytes: &[u8], e: calamine::Error) -> KamError {
    if is_encrypted(bytes) {
        return bad_file(
            name,
            "它设置了打开密码（已加密），KAM 无法读取。请在 Excel/WPS 中用密码打开它，取消密码（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码；WPS：文件→文档加密→密码加密，清空）并保存，再导入。",
            "it is protected with an opening password (encrypted), which KAM cannot read. Open it in Excel/WPS with the password, remove the password (Excel: File → Info → Protect Workbook → Encrypt with Password, clear it; WPS: File → Document Encryption) and save, then import it again.",
        );
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return bad_file(
            name,
            "它不是可读的 Excel/WPS 工作簿，而是一个别的 zip 压缩包（可能是其他文件被改成了 .xlsx 等扩展名）。请确认选的是客户名单工作簿本身。",
            "it is not a readable Excel/WPS workbook but some other zip archive (perhaps another file renamed to .xlsx). Make sure you chose the workbook itself.",
        );
    }
    bad_file(
        name,
        &format!("它不是可读的 Excel/WPS 工作簿（{e}）。请在 Excel/WPS 中打开后另存为 .xlsx 再导入。"),
        &format!(
            "it is not a readable Excel/WPS workbook ({e}). Open it in Excel/WPS, save it as .xlsx and import again."
        ),
    )
}

/// An encrypted workbook: an OOXML package inside an OLE compound file (`EncryptedPackage`),
/// an .xls with a FILEPASS record, or an .ods with encrypted parts.
fn is_encrypted(bytes: &[u8]) -> bool {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(OLE) {
        let stream: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
        return bytes.windows(stream.len()).any(|w| w == stream.as_slice())
            || matches!(<calamine::Xls<_> as Reader<_>>::new(Cursor::new(bytes)), Err(calamine::XlsError::Password));
    }
    bytes.starts_with(b"PK\x03\x04")
        && matches!(<calamine::Ods<_> as Reader<_>>::new(Cursor::new(bytes)), Err(calamine::OdsError::Password))
}

fn no_sheet(name: &str, s: &str, sheets: &[String]) -> KamError {
    bad_file(
        name,
        &format!("没有名为「{s}」的工作表。现有工作表：{}。", sheets.join("、")),
        &format!("there is no sheet named '{s}'. Sheets: {}.", sheets.join(", ")),
    )
}

/// An .xlsx sheet streamed cell by cell into rows: no intermediate copies of the sheet, so a
/// sheet of hundreds of thousands of rows is held once. Rows without any cell are left out
/// (blank rows are skipped later anyway).
fn read_xlsx<R: std::io::Read + std::io::Seek>(
    name: &str,
    x: &mut calamine::Xlsx<R>,
    sheet: Option<&str>,
    sheets: Vec<String>,
) -> Result<Grid> {
    let unreadable = |s: &str, e: calamine::XlsxError| {
        bad_file(name, &format!("工作表「{s}」无法读取（{e}）。"), &format!("the sheet '{s}' cannot be read ({e})."))
    };
    let chosen = match sheet {
        Some(s) => sheets.iter().find(|n| n.as_str() == s.trim()).cloned().ok_or_else(|| no_sheet(name, s, &sheets))?,
        None => {
            let mut first = None;
            for s in &sheets {
                let mut r = x.worksheet_cells_reader(s).map_err(|e| unreadable(s, e))?;
                let mut has = false;
                while let Some(c) = r.next_cell().map_err(|e| unreadable(s, e))? {
                    if !matches!(cell_of_ref(c.get_value()), Cell::Empty) {
                        has = true;
                        break;
                    }
                }
                if has {
                    first = Some(s.clone());
                    break;
                }
            }
            first.unwrap_or_else(|| sheets.first().cloned().unwrap_or_default())
        }
    };
    let mut rows: Vec<(u32, Vec<Cell>)> = Vec::new();
    if !chosen.is_empty() {
        let mut r = x.worksheet_cells_reader(&chosen).map_err(|e| unreadable(&chosen, e))?;
        while let Some(c) = r.next_cell().map_err(|e| unreadable(&chosen, e))? {
            let v = cell_of_ref(c.get_value());
            if matches!(v, Cell::Empty) {
                continue;
            }
            let (row, col) = c.get_position();
            if rows.last().map(|(n, _)| *n) != Some(row + 1) {
                rows.push((row + 1, Vec::new()));
            }
            let cells = &mut rows.last_mut().expect("just pushed").1;
            if cells.len() <= col as usize {
                cells.resize(col as usize + 1, Cell::Empty);
            }
            cells[col as usize] = v;
        }
    }
    if !rows.is_sorted_by_key(|(n, _)| *n) {
        // Cells written out of row order (rare): put the rows in order and join the pieces.
        rows.sort_by_key(|(n, _)| *n);
        let mut joined: Vec<(u32, Vec<Cell>)> = Vec::with_capacity(rows.len());
        for (n, cells) in rows {
            match joined.last_mut() {
                Some((m, have)) if *m == n => {
                    for (i, c) in cells.into_iter().enumerate() {
                        if !matches!(c, Cell::Empty) {
                            if have.len() <= i {
                                have.resize(i + 1, Cell::Empty);
                            }
                            have[i] = c;
                        }
                    }
                }
                _ => joined.push((n, cells)),
            }
        }
        rows = joined;
    }
    let date1904 = x.has_1904_epoch();
    Ok(Grid { rows, encoding: None, separator: None, sheet: Some(chosen), sheets, date1904 })
}

fn cell_of_ref(d: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef as D;
    match d {
        D::Empty | D::Error(_) => Cell::Empty,
        D::SharedString(s) => Cell::Text((*s).to_string()),
        D::String(s) | D::DateTimeIso(s) | D::DurationIso(s) => Cell::Text(s.clone()),
        D::Int(i) => Cell::Number(*i as f64),
        D::Float(f) => Cell::Number(*f),
        D::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        D::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => Cell::Date(t.date()),
            _ => Cell::Number(dt.as_f64()),
        },
    }
}

fn first_sheet_with_data<R: std::io::Read + std::io::Seek>(
    book: &mut calamine::Sheets<R>,
    sheets: &[String],
) -> Option<String> {
    sheets.iter().find(|s| book.worksheet_range(s).map(|r| !r.is_empty()).unwrap_or(false)).cloned()
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => Cell::Date(t.date()),
            _ => Cell::Number(dt.as_f64()),
        },
    }
}

/// The read step alone, for benchmarks set against other readers: the file at `path` read into
/// cells (the sheet named, or the first with data). Returns (rows, cells holding a value).
pub fn read_step(path: &std::path::Path, sheet: Option<&str>) -> Result<(usize, usize)> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| bad_file(&name, &e.to_string(), &e.to_string()))?;
    let grid = read(&name, &bytes, sheet, None)?;
    let cells = grid.rows.iter().map(|(_, c)| c.iter().filter(|c| !c.is_empty()).count()).sum();
    Ok((grid.rows.len(), cells))
}

/// Decode text: a BOM wins, then strict UTF-8, then GB18030 (a superset of the GBK that Chinese
/// Excel and WPS write for 另存为 CSV). `forced` overrides detection.
pub(crate) fn decode(name: &str, bytes: &[u8], forced: Option<&str>) -> Result<(String, String)> {
    let undecodable = |enc: &str| {
        bad_file(
            name,
            &format!("文件不是有效的 {enc} 文本。请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”后再导入。"),
            &format!("the file is not valid {enc} text. Save it as 'CSV UTF-8 (comma delimited)' in Excel/WPS and import again."),
        )
    };
    if let Some(f) = forced {
        let enc = match f.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => encoding_rs::UTF_8,
            "gb18030" | "gbk" | "gb2312" => encoding_rs::GB18030,
            other => {
                return Err(KamError::invalid(
                    "encoding",
                    format!("不支持的编码「{other}」：请写 utf-8 或 gb18030。"),
                    format!("Unsupported encoding '{other}': use utf-8 or gb18030."),
                ))
            }
        };
        let (text, had_errors) = enc.decode_without_bom_handling(strip_utf8_bom(bytes));
        if had_errors {
            return Err(undecodable(enc.name()));
        }
        return Ok((text.into_owned(), enc.name().to_string()));
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(undecodable(enc.name()));
        }
        return Ok((text.into_owned(), format!("{} (BOM)", enc.name())));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), "UTF-8".into()));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), "gb18030".into())),
        None => Err(undecodable("UTF-8 或 GB18030")),
    }
}

fn strip_utf8_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b)
}

/// The separator that splits the most lines into the same number (> 1) of fields.
pub(crate) fn sniff_separator(text: &str) -> char {
    let mut best = (',', (0usize, 0usize));
    for sep in [',', '\t', ';'] {
        let mut counts = std::collections::HashMap::new();
        for rec in records(text, sep).take(30) {
            if rec.len() > 1 {
                *counts.entry(rec.len()).or_insert(0usize) += 1;
            }
        }
        let score = counts.into_iter().map(|(fields, n)| (n, fields)).max().unwrap_or((0, 0));
        if score > best.1 {
            best = (sep, score);
        }
    }
    best.0
}

fn records(text: &str, sep: char) -> impl Iterator<Item = Vec<String>> + '_ {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep as u8)
        .from_reader(text.as_bytes())
        .into_records()
        .map_while(|r| r.ok())
        .map(|r| r.iter().map(str::to_string).collect())
}

fn read_text(name: &str, bytes: &[u8], encoding: Option<&str>) -> Result<Grid> {
    let (text, enc) = decode(name, bytes, encoding)?;
    let sep = sniff_separator(&text);
    let mut rows = Vec::new();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(sep as u8).from_reader(text.as_bytes());
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            bad_file(
                name,
                &format!("第 {} 行无法解析（{e}）。请检查引号是否成对。", i + 1),
                &format!("line {} cannot be parsed ({e}). Check that quotes are paired.", i + 1),
            )
        })?;
        // The line as an editor shows it (the csv crate skips blank lines when counting).
        let bytes = text.as_bytes();
        let line = rec.position().map(|p| p.byte() as usize).map_or(i as u32 + 1, |mut b| {
            while b < bytes.len() && matches!(bytes[b], b'\n' | b'\r') {
                b += 1;
            }
            bytes[..b.min(bytes.len())].iter().filter(|c| **c == b'\n').count() as u32 + 1
        });
        rows.push((line, rec.iter().map(|s| Cell::Text(s.to_string())).collect()));
    }
    Ok(Grid { rows, encoding: Some(enc), separator: Some(sep), sheet: None, sheets: Vec::new(), date1904: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_comma_tab_and_semicolon() {
        assert_eq!(sniff_separator("客户名单\n名称,地址,行业\na,b,c\nd,e,f\n"), ',');
        assert_eq!(sniff_separator("名称\t地址\t行业\na\tb,x\tc\n"), '\t');
        assert_eq!(sniff_separator("名称;地址;行业\n\"a,1\";b;c\nd;e;f\n"), ';');
    }

    #[test]
    fn decodes_gbk_without_bom_and_utf8_with_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("单位名称,地址\n华东电力,上海\n");
        let (text, enc) = decode("a.csv", &gbk, None).unwrap();
        assert!(text.starts_with("单位名称,地址"), "{text}");
        assert_eq!(enc, "gb18030");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("单位名称\n".as_bytes());
        let (text, enc) = decode("a.csv", &bom, None).unwrap();
        assert_eq!(text, "单位名称\n");
        assert!(enc.contains("BOM"), "{enc}");
        // Forcing UTF-8 on a GBK file is a clear error, not mojibake.
        assert!(decode("a.csv", &gbk, Some("utf-8")).is_err());
        assert_eq!(decode("a.csv", &gbk, Some("gbk")).unwrap().0, "单位名称,地址\n华东电力,上海\n");
    }

    #[test]
    fn empty_and_unknown_files_are_refused_clearly() {
        let e = read("空.csv", b"", None, None).unwrap_err();
        assert!(e.to_string().contains("0 字节"), "{e}");
        let e = read("坏.xlsx", b"not a zip at all", None, None).unwrap_err();
        assert!(e.to_string().contains("不是可读的"), "{e}");
        let e = read("坏.xlsx", b"PK\x03\x04 a zip, but of what?", None, None).unwrap_err();
        assert!(e.to_string().contains("别的 zip 压缩包"), "{e}");
        assert!(read("a.pdf", b"x", None, None).is_err());
    }
}
