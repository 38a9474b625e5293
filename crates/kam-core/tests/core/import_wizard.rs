//! The import wizard's part of the core (issue 12): mapping templates offered again for the same
//! headers, the detection overridden (sheet, header row), per-kind duplicate choices with the
//! reason for 仍然新建, progress, and a cancelled apply that writes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use kam_core::import::{DuplicateAction, ImportOptions, ImportProgress, RowStatus};
use kam_core::*;
use rust_xlsxwriter::Workbook;

use crate::dossier::open;

/// Row counts that "nothing written" must leave equal: customers, contacts, batches, their
/// rows, audit entries, change history.
fn written(dir: &tempfile::TempDir) -> Vec<i64> {
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    ["customers", "contacts", "import_batches", "import_batch_rows", "audit_log", "change_history", "sync_rows"]
        .iter()
        .map(|t| c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap())
        .collect()
}

fn csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// An ERP export whose headers KAM does not know: 甲方 and 联络手机.
const ERP: &str =
    "甲方,联络人,联络手机,备注\n华东电力设备有限公司,王建国,13812345678,老客户\n江南水务有限公司,李娜,13912345678,\n";

#[test]
fn a_saved_template_is_offered_again_for_the_same_headers() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let first = csv(dir.path(), "erp-2025-10.csv", ERP);
    let e = kam.import_customers_preview(&first, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.to_dto().field.as_deref(), Some("mapping"), "no column is the name yet: {e}");

    // The clerk maps the columns in the wizard and saves them as a template.
    let look = kam.import_customers_inspect(&first, &ImportOptions::default()).unwrap();
    assert_eq!(look.headers, ["甲方", "联络人", "联络手机", "备注"]);
    assert_eq!(look.data_rows, 2);
    assert_eq!(look.sample[0].cells[0], "华东电力设备有限公司");
    assert_eq!(look.template, None);
    assert!(look.fields.iter().any(|f| f.field == "name" && f.label == "单位名称"));
    let mapping = HashMap::from([
        ("甲方".to_string(), "name".to_string()),
        ("联络人".to_string(), "contact_name".to_string()),
        ("联络手机".to_string(), "mobile".to_string()),
        ("备注".to_string(), "".to_string()),
    ]);
    let opts = ImportOptions { mapping: Some(mapping.clone()), ..Default::default() };
    let p = kam.import_customers_preview(&first, &opts).unwrap();
    assert_eq!(p.counts.new, 2);
    let t = kam.save_import_template("customers", " ERP 客户 ", &p.headers, &p.mapping).unwrap();
    assert_eq!(t.name, "ERP 客户");
    assert_eq!(t.mapping.len(), 3, "the ignored column is not stored: {:?}", t.mapping);

    // Next month's file, the same headers written differently: the template is used by itself.
    let next = csv(dir.path(), "erp-2025-11.csv", &ERP.replacen("联络手机", "联络手机 ", 1));
    let look = kam.import_customers_inspect(&next, &ImportOptions::default()).unwrap();
    assert_eq!(look.template.as_deref(), Some("ERP 客户"));
    assert_eq!(look.mapping.get("甲方").map(String::as_str), Some("name"));
    assert_eq!(look.templates.len(), 1);
    let p = kam.import_customers_preview(&next, &ImportOptions::default()).unwrap();
    assert_eq!(p.template.as_deref(), Some("ERP 客户"));
    assert_eq!(p.counts.new, 2);
    assert_eq!(p.unknown_columns, ["备注"]);
    let applied = kam.import_customers_apply(&next, &ImportOptions::default(), &mut |_| {}).unwrap();
    let hd = kam.search("华东电力", 5).unwrap().hits;
    assert_eq!(kam.dossier(&hd[0].id).unwrap().contacts[0].mobile, "13812345678");
    assert_eq!(applied.batch.created_count, 2);

    // Another shape is not matched; a template asked for by name applies to it, `""` is none.
    let other = csv(dir.path(), "other.csv", "序号,甲方,联络手机\n1,北方重工,13712345678\n");
    assert_eq!(kam.import_customers_inspect(&other, &ImportOptions::default()).unwrap().template, None);
    let named = ImportOptions { template: Some("ERP 客户".into()), ..Default::default() };
    let p = kam.import_customers_preview(&other, &named).unwrap();
    assert_eq!(p.rows[0].name, "北方重工");
    let none = ImportOptions { template: Some(String::new()), ..Default::default() };
    assert!(kam.import_customers_preview(&next, &none).is_err(), "without the template no column is the name");
    let e = kam
        .import_customers_preview(&next, &ImportOptions { template: Some("没有这个".into()), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.to_dto().field.as_deref(), Some("template"));
    assert!(e.to_string().contains("ERP 客户"), "{e}");

    // Saving under the same name replaces it; a template must map something; delete.
    let t2 = kam.save_import_template("customers", "ERP 客户", &p.headers, &p.mapping).unwrap();
    assert_eq!(t2.id, t.id);
    assert_eq!(kam.import_templates("customers").unwrap().len(), 1);
    assert!(kam.save_import_template("customers", "空", &p.headers, &HashMap::new()).is_err());
    assert!(kam.save_import_template("customers", "", &p.headers, &p.mapping).is_err());
    kam.delete_import_template(&t.id).unwrap();
    assert!(kam.import_templates("customers").unwrap().is_empty());
    assert!(kam.delete_import_template(&t.id).is_err());
}

#[test]
fn the_sheet_and_header_row_detected_can_be_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let kam = open(&dir);
    let mut book = Workbook::new();
    book.add_worksheet().set_name("说明").unwrap().write(0, 0, "本工作簿第二张表是客户名单").unwrap();
    let s = book.add_worksheet().set_name("名单").unwrap();
    for (y, row) in
        [["单位名称", "地址"], ["华东电力", "上海"], ["名称", "城市"], ["江南水务", "杭州"]].iter().enumerate()
    {
        for (x, v) in row.iter().enumerate() {
            s.write(y as u32, x as u16, *v).unwrap();
        }
    }
    let p = dir.path().join("两张表.xlsx");
    book.save(&p).unwrap();

    let look = kam.import_customers_inspect(&p, &ImportOptions::default()).unwrap();
    assert_eq!(look.detected.sheets, ["说明", "名单"]);
    assert_eq!(look.detected.sheet.as_deref(), Some("说明"), "the first sheet with data");
    let opts = ImportOptions { sheet: Some("名单".into()), ..Default::default() };
    let look = kam.import_customers_inspect(&p, &opts).unwrap();
    assert_eq!(look.detected.header_row, 1);
    assert_eq!(look.top_rows.len(), 4);
    assert_eq!(look.top_rows[2].cells, ["名称", "城市"]);
    assert_eq!(look.data_rows, 3);

    // The clerk says the header is on row 3.
    let opts = ImportOptions { sheet: Some("名单".into()), header_row: Some(3), ..Default::default() };
    let r = kam.import_customers_preview(&p, &opts).unwrap();
    assert_eq!(r.detected.header_row, 3);
    assert_eq!(r.headers, ["名称", "城市"]);
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].name, "江南水务");
    let e = kam.import_customers_inspect(&p, &ImportOptions { header_row: Some(99), ..opts.clone() }).unwrap_err();
    assert_eq!(e.to_dto().field.as_deref(), Some("header_row"));
    let e = kam.import_customers_inspect(&p, &ImportOptions { sheet: Some("没有".into()), ..opts }).unwrap_err();
    assert!(e.to_string().contains("说明、名单"), "{e}");

    // A GBK file forced to be read as UTF-8 is refused, not garbled.
    let (gbk, _, _) = encoding_rs::GBK.encode("单位名称\n华东电力\n");
    let g = dir.path().join("gbk.csv");
    std::fs::write(&g, &gbk).unwrap();
    let look = kam.import_customers_inspect(&g, &ImportOptions::default()).unwrap();
    assert_eq!(look.detected.encoding.as_deref(), Some("gb18030"));
    let utf8 = ImportOptions { encoding: Some("utf-8".into()), ..Default::default() };
    assert_eq!(kam.import_customers_inspect(&g, &utf8).unwrap_err().code(), "validation");
}

#[test]
fn duplicates_are_handled_per_kind_and_creating_anyway_needs_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    for name in ["华东电力设备有限公司", "江南水务有限公司"] {
        kam.create_customer(&CustomerInput { name: name.into(), ..Default::default() }).unwrap();
    }
    let mut east = CustomerInput { name: "东海船舶".into(), ..Default::default() };
    east.notes = None;
    let east = kam.create_customer(&east).unwrap().customer;
    let approved = kam.approve_customer(&east.id).unwrap();
    let code = approved.customer_code.clone().expect("a customer code once approved");
    let file = csv(
        dir.path(),
        "list.csv",
        &format!(
            "客户编码,单位名称,地址\n{code},东海船舶,舟山\n,华东电力设备股份有限公司,上海\n,江南水务,杭州\n,北方重工,沈阳\n"
        ),
    );
    // Same code → fill (更新); similar names → create anyway, except row 4 skipped.
    let mut opts = ImportOptions {
        status_actions: Some(HashMap::from([
            (RowStatus::Update, DuplicateAction::Fill),
            (RowStatus::Duplicate, DuplicateAction::Create),
        ])),
        row_actions: Some(HashMap::from([(4, DuplicateAction::Skip)])),
        ..Default::default()
    };
    let p = kam.import_customers_preview(&file, &opts).unwrap();
    let actions: Vec<_> = p.rows.iter().map(|r| (r.status, r.action)).collect();
    assert_eq!(
        actions,
        [
            (RowStatus::Update, Some(DuplicateAction::Fill)),
            (RowStatus::Duplicate, Some(DuplicateAction::Create)),
            (RowStatus::Duplicate, Some(DuplicateAction::Skip)),
            (RowStatus::New, None),
        ]
    );
    assert_eq!((p.counts.to_create, p.counts.to_update, p.counts.to_skip), (2, 1, 1));

    let before = written(&dir);
    let e = kam.import_customers_apply(&file, &opts, &mut |_| {}).unwrap_err();
    assert_eq!(e.to_dto().field.as_deref(), Some("create_reason"), "{e}");
    assert!(e.to_string().contains("1 行"), "{e}");
    assert_eq!(written(&dir), before, "refused before anything was written");

    opts.create_reason = Some("同名不同单位：上海分厂".into());
    let b = kam.import_customers_apply(&file, &opts, &mut |_| {}).unwrap().batch;
    assert_eq!((b.created_count, b.updated_count, b.skipped_count), (2, 1, 1));
    assert_eq!(kam.customer(&east.id).unwrap().address, "舟山");
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    let reasons: Vec<(u32, Option<String>)> = c
        .prepare(
            "SELECT row_no, reason FROM import_batch_rows WHERE batch_id = ?1 AND entity = 'customer' ORDER BY row_no",
        )
        .unwrap()
        .query_map([&b.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(reasons, [(2, None), (3, Some("同名不同单位：上海分厂".into())), (5, None)]);
}

/// A file of `n` new customers, each with a contact.
fn many(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("单位名称,联系人,手机\n");
    for i in 0..n {
        text.push_str(&format!("测试客户{i:04}有限公司,联系人{i},139{i:08}\n"));
    }
    csv(dir, "many.csv", &text)
}

#[test]
fn progress_is_reported_per_percent_and_a_cancelled_apply_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let file = many(dir.path(), 400);
    let before = written(&dir);

    // Cancelled half-way, from the progress callback (as the window's 取消 does from another
    // thread): the one transaction is rolled back.
    let cancel = AtomicBool::new(false);
    let mut seen: Vec<ImportProgress> = Vec::new();
    let e = kam
        .import_customers_apply_with(
            &file,
            &ImportOptions::default(),
            &mut |p| {
                seen.push(p);
                if p.percent >= 50 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .unwrap_err();
    assert_eq!(e.code(), "cancelled", "{e}");
    assert!(e.to_string().contains("没有写入任何数据"), "{e}");
    assert!(e.message_en().contains("nothing was written"));
    assert_eq!(seen.last().map(|p| p.percent), Some(50));
    assert_eq!(written(&dir), before, "a cancelled import leaves nothing behind");
    assert!(kam.import_batches().unwrap().is_empty());
    assert_eq!(kam.search_total("测试客户").unwrap(), 0, "nor in the search index");

    // Cancelled before it starts.
    let e = kam
        .import_customers_apply_with(&file, &ImportOptions::default(), &mut |_| {}, &AtomicBool::new(true))
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!(written(&dir), before);

    // Not cancelled: one call per percent, ending with every row done.
    let mut seen: Vec<ImportProgress> = Vec::new();
    let applied = kam
        .import_customers_apply_with(&file, &ImportOptions::default(), &mut |p| seen.push(p), &AtomicBool::new(false))
        .unwrap();
    assert_eq!(applied.batch.created_count, 400);
    assert_eq!(seen.first(), Some(&ImportProgress { done: 0, total: 400, percent: 0 }));
    assert_eq!(seen.last(), Some(&ImportProgress { done: 400, total: 400, percent: 100 }));
    assert_eq!(seen.len(), 101);
    assert!(seen.windows(2).all(|w| w[0].percent < w[1].percent));
    assert_eq!(kam.search_total("测试客户").unwrap(), 400);
}
