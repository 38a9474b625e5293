//! Importing customers (issue 12): a messy workbook, GBK and UTF-8-with-BOM CSVs, the dry run,
//! apply, re-import and undo.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kam_core::import::{DuplicateAction, ImportOptions, RowStatus};
use kam_core::*;
use rust_xlsxwriter::{Format, Workbook};

use crate::dossier::open;

/// A valid credit code from 17 characters.
fn code(first17: &str) -> String {
    format!("{first17}{}", kam_core::validate::credit_code_check_char(first17).unwrap())
}

fn counts(dir: &tempfile::TempDir) -> (i64, i64, i64) {
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get(0)).unwrap();
    (
        n("SELECT count(*) FROM customers WHERE deleted_at IS NULL"),
        n("SELECT count(*) FROM contacts WHERE deleted_at IS NULL"),
        n("SELECT count(*) FROM import_batches"),
    )
}

/// A list shaped like a real one: a title row, a blank row, a merged header over the contact's
/// name and mobile, numbers stored as text, a credit code stored as a number, duplicates.
fn messy_workbook(dir: &Path, dup_credit: &str) -> PathBuf {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    let title = Format::new().set_bold();
    s.merge_range(0, 0, 0, 6, "2025年客户名单", &title).unwrap();
    for (i, h) in ["客户编码", "单位名称", "统一社会信用代码", "客户等级", "联系人"].iter().enumerate()
    {
        s.write(2, i as u16, *h).unwrap();
    }
    s.merge_range(2, 4, 2, 5, "联系人", &Format::new()).unwrap();
    s.write(2, 6, "序号说明").unwrap();
    let rows: Vec<(&str, &str, Option<String>, &str, &str)> = vec![
        ("C001", "华东电力设备有限公司", Some(code("91440300192203821")), "战略客户", "王建国"),
        ("C002", "江南建材（集团）有限公司", None, "重点客户", ""),
        ("C003", "江南水务有限公司", Some(code("91310000132200011")), "重点客户", "李娜"),
        ("C004", "华东电力设备股份有限公司", None, "", ""),
        ("C005", "北方重工有限公司", None, "", ""),
        ("C006", "东海船舶有限公司", Some(dup_credit.to_string()), "", ""),
        ("C001", "华东电力二厂", None, "", ""),
    ];
    for (i, (legacy, name, credit, tier, contact)) in rows.iter().enumerate() {
        let y = 3 + i as u32;
        s.write(y, 0, *legacy).unwrap();
        s.write(y, 1, *name).unwrap();
        match credit {
            Some(c) => s.write(y, 2, c.as_str()).unwrap(),
            // Typed into a General cell: Excel keeps 15 digits.
            None if i == 1 => s.write(y, 2, 914403001922038216f64).unwrap(),
            None => s,
        };
        s.write(y, 3, *tier).unwrap();
        if !contact.is_empty() {
            s.write(y, 4, *contact).unwrap();
        }
        match i {
            0 => s.write(y, 5, 13812345678f64).unwrap(), // a mobile stored as a number
            2 => s.write(y, 5, "13912345678").unwrap(),  // …and one stored as text
            _ => s,
        };
    }
    let p = dir.join("客户名单.xlsx");
    book.save(&p).unwrap();
    p
}

fn opts(on_duplicate: Option<DuplicateAction>) -> ImportOptions {
    ImportOptions {
        mapping: Some(HashMap::from([("联系人(2)".to_string(), "mobile".to_string())])),
        on_duplicate,
        ..Default::default()
    }
}

#[test]
fn a_messy_workbook_dry_run_apply_reimport_and_undo() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let north = kam
        .create_customer(&CustomerInput { name: "北方重工股份有限公司".into(), ..Default::default() })
        .unwrap()
        .customer;
    let east_code = code("91320000100000013");
    let east = kam
        .create_customer(&CustomerInput {
            name: "东海船舶".into(),
            credit_code: Some(east_code.clone()),
            ..Default::default()
        })
        .unwrap()
        .customer;
    let file = messy_workbook(dir.path(), &east_code);

    // The dry run: detected, mapped, classified, nothing written.
    let before = counts(&dir);
    let db_bytes = std::fs::read(dir.path().join("kam.sqlite3")).unwrap();
    let p = kam.import_customers_preview(&file, &ImportOptions::default()).unwrap();
    assert_eq!(p.detected.header_row, 3);
    assert!(p.unknown_columns.contains(&"联系人(2)".to_string()), "{:?}", p.unknown_columns);
    assert!(p.unknown_columns.contains(&"序号说明".to_string()));
    assert_eq!(p.mapping.get("统一社会信用代码").map(String::as_str), Some("credit_code"));
    let p = kam.import_customers_preview(&file, &opts(None)).unwrap();
    assert_eq!(counts(&dir), before, "a dry run writes nothing");
    assert_eq!(std::fs::read(dir.path().join("kam.sqlite3")).unwrap(), db_bytes);
    let status: Vec<(u32, RowStatus)> = p.rows.iter().map(|r| (r.row, r.status)).collect();
    assert_eq!(
        status,
        [
            (4, RowStatus::New),
            (5, RowStatus::Error),
            (6, RowStatus::New),
            (7, RowStatus::Duplicate),
            (8, RowStatus::Duplicate),
            (9, RowStatus::Update),
            (10, RowStatus::Duplicate),
        ]
    );
    assert!(p.rows[1].reason.contains("设置单元格格式→文本"), "{}", p.rows[1].reason);
    assert!(p.rows[3].reason.contains("第 4 行"), "{}", p.rows[3].reason);
    assert_eq!(p.rows[4].matched_customer_id.as_deref(), Some(north.id.as_str()));
    assert_eq!(p.rows[5].matched_customer_id.as_deref(), Some(east.id.as_str()));
    assert!(p.rows[6].reason.contains("客户编码"), "{}", p.rows[6].reason);
    assert_eq!((p.counts.new, p.counts.update, p.counts.duplicate, p.counts.error), (2, 1, 3, 1));

    // The error and duplicate rows, with their reasons, to fix.
    let out = dir.path().join("错误行.xlsx");
    assert_eq!(kam.write_import_errors(&p, &out).unwrap(), 4);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    use calamine::Reader;
    let range = book.worksheet_range("错误行").unwrap();
    assert_eq!(range.get((0, 1)).unwrap().to_string(), "错误原因");
    assert!(range.get((1, 1)).unwrap().to_string().contains("15 位"));

    // Apply, filling empty fields of the customers that match.
    let mut seen = Vec::new();
    let applied = kam.import_customers_apply(&file, &opts(Some(DuplicateAction::Fill)), &mut |n| seen.push(n)).unwrap();
    assert_eq!(seen.last(), Some(&7));
    // Filled: east's and north's empty old customer codes (rows 9 and 8).
    assert_eq!((applied.batch.created_count, applied.batch.updated_count, applied.batch.error_count), (2, 2, 1));
    let after = counts(&dir);
    assert_eq!(after.0, before.0 + 2);
    let hd = kam.resolve_customer(&code("91440300192203821")).unwrap();
    assert_eq!(hd.tier, Tier::Strategic);
    let d = kam.dossier(&hd.id).unwrap();
    assert_eq!(d.contacts[0].name, "王建国");
    assert_eq!(d.contacts[0].mobile, "13812345678");
    assert_eq!(kam.import_batches().unwrap().len(), 1);
    assert!(kam.audit_entries(&Default::default()).unwrap().iter().any(|e| e.kind == "customer_import"));

    // Importing the same file again creates nothing: the rows are known now.
    let again = kam.import_customers_preview(&file, &opts(None)).unwrap();
    assert_eq!(again.counts.new, 0, "{:?}", again.rows);
    assert_eq!(again.rows[0].status, RowStatus::Update);
    assert_eq!(again.rows[0].matched_customer_id.as_deref(), Some(hd.id.as_str()));
    assert_eq!(again.rows[6].status, RowStatus::Update, "C001 is now a known customer code");

    // Undo restores the state before the import.
    kam.undo_import(&applied.batch.id).unwrap();
    assert_eq!(counts(&dir).0, before.0);
    assert!(kam.resolve_customer(&code("91440300192203821")).is_err());
    assert!(kam.undo_import(&applied.batch.id).is_err(), "undone once");
    assert!(kam.import_batches().unwrap()[0].undone_at.is_some());
}

#[test]
fn fill_and_overwrite_and_undo_refused_after_a_later_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let c = code("91320000100000013");
    let east = kam
        .create_customer(&CustomerInput {
            name: "东海船舶".into(),
            credit_code: Some(c.clone()),
            industry: Some("船舶".into()),
            ..Default::default()
        })
        .unwrap()
        .customer;
    let csv = dir.path().join("list.csv");
    std::fs::write(&csv, format!("单位名称,信用代码,行业,地址\n东海船舶有限公司,{c},造船,舟山市\n")).unwrap();

    let fill = ImportOptions { on_duplicate: Some(DuplicateAction::Fill), ..Default::default() };
    let b = kam.import_customers_apply(&csv, &fill, &mut |_| {}).unwrap().batch;
    let now = kam.customer(&east.id).unwrap();
    assert_eq!((now.industry.as_str(), now.address.as_str(), now.name.as_str()), ("船舶", "舟山市", "东海船舶"));
    kam.undo_import(&b.id).unwrap();
    assert_eq!(kam.customer(&east.id).unwrap().address, "");

    let over = ImportOptions { on_duplicate: Some(DuplicateAction::Overwrite), ..Default::default() };
    let b = kam.import_customers_apply(&csv, &over, &mut |_| {}).unwrap().batch;
    let now = kam.customer(&east.id).unwrap();
    assert_eq!((now.industry.as_str(), now.name.as_str()), ("造船", "东海船舶有限公司"));
    // Someone edits the customer afterwards: undoing would lose that edit.
    let mut edit: CustomerInput =
        CustomerInput { name: now.name.clone(), credit_code: now.credit_code.clone(), ..Default::default() };
    edit.address = Some("宁波市".into());
    kam.update_customer(&east.id, &edit).unwrap();
    let e = kam.undo_import(&b.id).unwrap_err();
    assert_eq!(e.code(), "wrong_state", "{e}");
    assert_eq!(kam.customer(&east.id).unwrap().address, "宁波市");

    // "Create anyway" is refused for a credit code already on file.
    let create = ImportOptions { on_duplicate: Some(DuplicateAction::Create), ..Default::default() };
    let p = kam.import_customers_preview(&csv, &create).unwrap();
    assert_eq!(p.rows[0].status, RowStatus::Error);
}

#[test]
fn gbk_and_bom_csvs_and_other_separators() {
    let dir = tempfile::tempdir().unwrap();
    let kam = open(&dir);
    let text = "2025年客户名单\n\n客户名称,统一社会信用代码,联系人,手机\n华东电力（上海）有限公司,9.14403E+17,王建国,13812345678\n江南水务,,李娜,13912345678\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let p = dir.path().join("gbk.csv");
    std::fs::write(&p, &gbk).unwrap();
    let r = kam.import_customers_preview(&p, &ImportOptions::default()).unwrap();
    assert_eq!(r.detected.encoding.as_deref(), Some("gb18030"));
    assert_eq!(r.detected.header_row, 3);
    assert_eq!(r.rows[0].status, RowStatus::Error);
    assert!(r.rows[0].reason.contains("15 位"), "{}", r.rows[0].reason);
    assert_eq!(r.rows[1].status, RowStatus::New);
    assert_eq!(r.rows[1].name, "江南水务");

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("名称;地址;等级\n华东电力;上海;A\n江南水务;杭州;重点客户\n".as_bytes());
    let p = dir.path().join("bom.csv");
    std::fs::write(&p, &bom).unwrap();
    let r = kam.import_customers_preview(&p, &ImportOptions::default()).unwrap();
    assert_eq!(r.detected.separator.as_deref(), Some(";"));
    assert!(r.detected.encoding.as_deref().unwrap().contains("BOM"));
    assert_eq!(r.headers, ["名称", "地址", "等级"]);
    assert_eq!(r.counts.new, 2);

    let p = dir.path().join("tab.txt");
    std::fs::write(&p, "单位名称\t客户等级\n华东电力\t钻石客户\n").unwrap();
    let r = kam.import_customers_preview(&p, &ImportOptions::default()).unwrap();
    assert_eq!(r.detected.separator.as_deref(), Some("\t"));
    assert_eq!(r.rows[0].status, RowStatus::Error, "an unknown tier label is a row error");
    assert!(r.rows[0].reason.contains("战略客户"), "{}", r.rows[0].reason);
}

#[test]
fn empty_and_broken_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let kam = open(&dir);
    let empty = dir.path().join("空.xlsx");
    std::fs::write(&empty, b"").unwrap();
    let e = kam.import_customers_preview(&empty, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("0 字节"), "{e}");
    let bad = dir.path().join("坏.xlsx");
    std::fs::write(&bad, b"PK\x03\x04 this is not really a workbook").unwrap();
    let e = kam.import_customers_preview(&bad, &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("不是可读的 Excel/WPS 工作簿"), "{e}");
    assert!(e.message_en().contains("not a readable"), "{}", e.message_en());
    let headless = dir.path().join("无表头.csv");
    std::fs::write(&headless, "1,2\n3,4\n").unwrap();
    assert!(kam.import_customers_preview(&headless, &ImportOptions::default()).is_err());
}
