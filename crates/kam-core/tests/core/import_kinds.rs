//! The import wizard for every kind (issue 12, item 9): the first look at a finance file with
//! the kind's fields, a mapping template saved for one kind and offered again for that kind's
//! files of the same header shape (not for another kind's), and a finance apply with progress
//! and cancel (cancelled: nothing written).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use kam_core::import::{ImportKind, ImportOptions, ImportProgress, RowStatus};
use kam_core::*;

use crate::dossier::open;

fn csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn count(dir: &tempfile::TempDir, table: &str) -> i64 {
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// An ERP's sales export whose headers no synonym knows.
const ERP: &str = "凭据,买方,日子,钱\nXS-1,华东电力设备有限公司,2025-06-05,100\nXS-2,北方重工,2025-06-06,50\n";

#[test]
fn a_sales_template_is_offered_again_for_sales_files_of_the_same_shape_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    kam.create_customer(&CustomerInput { name: "华东电力设备有限公司".into(), ..Default::default() }).unwrap();
    let first = csv(dir.path(), "erp-6.csv", ERP);
    // The first look takes the first row as the header and offers the sales fields.
    let look = kam.import_inspect(ImportKind::Sales, &first, &ImportOptions::default()).unwrap();
    assert_eq!(look.kind, ImportKind::Sales);
    assert_eq!(look.headers, ["凭据", "买方", "日子", "钱"]);
    assert!(look.mapping.is_empty(), "{:?}", look.mapping);
    assert!(look.fields.iter().any(|f| f.field == "doc_no" && f.label == "单据号"));
    assert!(!look.fields.iter().any(|f| f.field == "mobile"), "customer fields are not sales fields");
    assert_eq!(look.data_rows, 2);
    let e = kam.import_preview(ImportKind::Sales, &first, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.to_dto().field.as_deref(), Some("mapping"), "the core says what is missing: {e}");

    let mapping: HashMap<String, String> =
        [("凭据", "doc_no"), ("买方", "customer"), ("日子", "date"), ("钱", "amount")]
            .iter()
            .map(|(h, f)| (h.to_string(), f.to_string()))
            .collect();
    assert!(kam
        .save_import_template("sales", "坏", &look.headers, &HashMap::from([("钱".into(), "mobile".into())]))
        .is_err());
    assert!(kam.save_import_template("订单", "坏", &look.headers, &mapping).is_err(), "an unknown kind");
    let t = kam.save_import_template("sales", "ERP 销售", &look.headers, &mapping).unwrap();
    assert_eq!(t.kind, "sales");
    assert_eq!(kam.import_templates("sales").unwrap().len(), 1);
    assert!(kam.import_templates("customers").unwrap().is_empty());

    // The next month: the same headers; the template maps them.
    let next = csv(dir.path(), "erp-7.csv", &ERP.replace("2025-06", "2025-07").replace("XS-", "XS7-"));
    let look = kam.import_inspect(ImportKind::Sales, &next, &ImportOptions::default()).unwrap();
    assert_eq!(look.template.as_deref(), Some("ERP 销售"));
    assert_eq!(look.templates.len(), 1);
    assert_eq!(look.mapping.get("凭据").map(String::as_str), Some("doc_no"));
    let p = kam.import_preview(ImportKind::Sales, &next, &ImportOptions::default()).unwrap();
    assert_eq!(p.template.as_deref(), Some("ERP 销售"));
    assert_eq!(p.rows.iter().map(|r| r.status).collect::<Vec<_>>(), [RowStatus::New, RowStatus::Error]);
    assert!(p.rows[1].reason.contains("找不到客户"), "{}", p.rows[1].reason);
    // Not offered for another kind's file of the same shape; asked for by name, refused.
    let look = kam.import_inspect(ImportKind::Collections, &next, &ImportOptions::default()).unwrap();
    assert_eq!(look.template, None);
    let named = ImportOptions { template: Some("ERP 销售".into()), ..Default::default() };
    assert!(kam.import_preview(ImportKind::Collections, &next, &named).is_err());
    // No template: the mapping is the detected one again.
    let none = ImportOptions { template: Some(String::new()), ..Default::default() };
    assert!(kam.import_preview(ImportKind::Sales, &next, &none).is_err());

    // Applying: cancelled writes nothing; then progress up to every row.
    let before = (count(&dir, "sales"), count(&dir, "import_batches"));
    let e = kam
        .import_apply_with(ImportKind::Sales, &next, &ImportOptions::default(), &mut |_| {}, &AtomicBool::new(true))
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!((count(&dir, "sales"), count(&dir, "import_batches")), before);
    let mut seen: Vec<ImportProgress> = Vec::new();
    let applied = kam
        .import_apply_with(
            ImportKind::Sales,
            &next,
            &ImportOptions::default(),
            &mut |p| seen.push(p),
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!((applied.batch.created_count, applied.batch.error_count), (1, 1));
    assert_eq!(seen.first().map(|p| p.percent), Some(0));
    assert_eq!(seen.last(), Some(&ImportProgress { done: 2, total: 2, percent: 100 }));
    kam.undo_import(&applied.batch.id).unwrap();
    assert_eq!(count(&dir, "sales") - before.0, 1, "undo leaves a tombstone, no live record");
    assert!(kam.finance_records(&FinanceQuery::default()).unwrap().rows.is_empty());
}

#[test]
fn contacts_apply_with_progress_and_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    kam.create_customer(&CustomerInput { name: "华东电力设备有限公司".into(), ..Default::default() }).unwrap();
    let file = csv(dir.path(), "联系人.csv", "客户名称,联系人,手机\n华东电力设备有限公司,王建国,13812345678\n");
    let look = kam.import_inspect(ImportKind::Contacts, &file, &ImportOptions::default()).unwrap();
    assert_eq!(look.mapping.get("联系人").map(String::as_str), Some("name"));
    let before = count(&dir, "contacts");
    let cancel = AtomicBool::new(true);
    let e = kam.import_apply_with(ImportKind::Contacts, &file, &ImportOptions::default(), &mut |_| {}, &cancel);
    assert_eq!(e.unwrap_err().code(), "cancelled");
    assert_eq!(count(&dir, "contacts"), before);
    let mut last = None;
    let ok = AtomicBool::new(false);
    let a = kam.import_apply_with(ImportKind::Contacts, &file, &ImportOptions::default(), &mut |p| last = Some(p), &ok);
    assert_eq!(a.unwrap().batch.created_count, 1);
    assert_eq!(last.map(|p| p.percent), Some(100));
}

/// The checked-in sales file the window's wizard test imports: a title row, two sales and a
/// return for known customers, a sale for a customer not on file.
#[test]
fn the_checked_in_sales_file_is_three_new_documents_and_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    for name in ["华东电力设备有限公司", "江南水务集团有限公司"] {
        kam.create_customer(&CustomerInput { name: name.into(), ..Default::default() }).unwrap();
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import/sales-2025-06.csv");
    let look = kam.import_inspect(ImportKind::Sales, &file, &ImportOptions::default()).unwrap();
    assert_eq!(look.detected.header_row, 2, "the header past the title row");
    let p = kam.import_preview(ImportKind::Sales, &file, &ImportOptions::default()).unwrap();
    use RowStatus::*;
    assert_eq!(p.rows.iter().map(|r| r.status).collect::<Vec<_>>(), [New, New, New, Error]);
    assert!(p.rows[2].reason.contains("退货"), "{}", p.rows[2].reason);
    assert!(p.rows[3].reason.contains("北方重工机械有限公司"), "{}", p.rows[3].reason);
}
