//! The typed cleaning of imported cells (issue 12): dates in both Excel epochs and ambiguous
//! dates flagged, digits lost in Excel shown as Excel shows them, footer lines skipped.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use kam_core::import::{ImportKind, ImportOptions, RowStatus};
use kam_core::*;
use rust_xlsxwriter::Workbook;

use crate::dossier::open;

/// Turn an .xlsx into one in the 1904 date system (as Excel for Mac wrote them), cell values
/// unchanged.
fn to_1904(path: &Path) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes: Vec<u8> = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "xl/workbook.xml" {
            let xml = String::from_utf8(bytes).unwrap();
            assert!(xml.contains("<workbookPr"), "{xml}");
            bytes = xml.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1).into_bytes();
        }
        parts.push((name, bytes));
    }
    drop(zin);
    let mut zout = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in parts {
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

/// A sales workbook: `rows` of (date cell, document number); a date starting with `#` is a
/// plain number.
fn sales(dir: &Path, name: &str, rows: &[(&str, &str)]) -> PathBuf {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (i, h) in ["单据日期", "单据号", "客户名称", "价税合计"].iter().enumerate() {
        s.write(0, i as u16, *h).unwrap();
    }
    for (y, (date, doc)) in rows.iter().enumerate() {
        let y = 1 + y as u32;
        match date.strip_prefix('#') {
            Some(n) => s.write(y, 0, n.parse::<f64>().unwrap()).unwrap(),
            None => s.write(y, 0, *date).unwrap(),
        };
        s.write(y, 1, *doc).unwrap();
        s.write(y, 2, "华东电力有限公司").unwrap();
        s.write(y, 3, 100.0).unwrap();
    }
    let p = dir.join(name);
    book.save(&p).unwrap();
    p
}

#[test]
fn serials_in_a_1904_workbook_and_ambiguous_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    kam.create_customer(&CustomerInput { name: "华东电力有限公司".into(), ..Default::default() }).unwrap();
    // 2026-11-02 is serial 46328 in the 1900 system, 46328 − 1462 in the 1904 one.
    let rows = [("#44866", "XS-1"), ("01/05/2026", "XS-2"), ("26/11/5", "XS-3"), ("25/10/2026", "XS-4")];
    let file = sales(dir.path(), "mac.xlsx", &rows);
    to_1904(&file);
    let p = kam.import_preview(ImportKind::Sales, &file, &ImportOptions::default()).unwrap();
    let status: Vec<RowStatus> = p.rows.iter().map(|r| r.status).collect();
    assert_eq!(status, [RowStatus::New, RowStatus::Error, RowStatus::Error, RowStatus::New], "{:#?}", p.rows);
    assert!(p.rows[1].reason.contains("有歧义") && p.rows[1].reason.contains("2026-01-05"), "{}", p.rows[1].reason);
    assert!(p.rows[2].reason.contains("年份只有两位"), "{}", p.rows[2].reason);
    kam.import_apply(ImportKind::Sales, &file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let dates: Vec<(Option<String>, String)> =
        kam.finance_records(&FinanceQuery::default()).unwrap().rows.into_iter().map(|r| (r.doc_no, r.date)).collect();
    assert!(dates.contains(&(Some("XS-1".into()), "2026-11-02".into())), "{dates:?}");
    assert!(dates.contains(&(Some("XS-4".into()), "2026-10-25".into())), "{dates:?}");
}

#[test]
fn totals_and_notes_at_the_end_of_the_sheet_are_skipped_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    kam.create_customer(&CustomerInput { name: "华东电力有限公司".into(), ..Default::default() }).unwrap();
    let list = dir.path().join("客户.csv");
    std::fs::write(
        &list,
        "单位名称,信用代码,备注\n甲方科技有限公司,,\n乙方物流有限公司,,老客户\n\n 合 计：2 家,,\n注：数据截至 2026-11-30,,\n",
    )
    .unwrap();
    let p = kam.import_customers_preview(&list, &ImportOptions::default()).unwrap();
    assert_eq!(p.rows.len(), 2, "{:#?}", p.rows);
    assert_eq!((p.counts.total, p.counts.error), (2, 0));
    assert_eq!(p.skipped_rows, [5, 6]);
    assert_eq!(p.skipped_note.as_deref(), Some("已跳过表尾第 5、6 行：合计或备注，不是数据，未导入。"));
    let applied = kam.import_customers_apply(&list, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!((applied.batch.created_count, applied.batch.error_count, applied.batch.skipped_count), (2, 0, 0));

    let sales = dir.path().join("销售.csv");
    std::fs::write(
        &sales,
        "单据日期,单据号,客户名称,价税合计\n2026-11-02,XS-1,华东电力有限公司,100\n小计,,,100\n总计,,,100\n制表：财务部 钱会计,,,\n",
    )
    .unwrap();
    let p = kam.import_preview(ImportKind::Sales, &sales, &ImportOptions::default()).unwrap();
    assert_eq!(p.rows.iter().map(|r| r.status).collect::<Vec<_>>(), [RowStatus::New]);
    assert_eq!(p.skipped_rows, [3, 4, 5]);
    assert!(p.skipped_note_en.as_deref().unwrap_or("").contains("3, 4, 5"), "{:?}", p.skipped_note_en);

    // A line with only a name is a customer, not a note.
    std::fs::write(&list, "单位名称,信用代码,备注\n甲方科技有限公司,,\n丙方建材有限公司,,\n").unwrap();
    let p = kam.import_customers_preview(&list, &ImportOptions::default()).unwrap();
    assert_eq!((p.rows.len(), p.skipped_rows.len()), (2, 0));
}
