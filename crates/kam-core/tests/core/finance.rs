//! Finance imports and corrections (issue 12): contacts matched to their customers, sales,
//! collections and receivables keyed by document number (a re-import changes nothing, a
//! corrected file updates), unknown customers as error rows, voided records out of every sum,
//! receivables paid clear the overdue warnings, dormant suggestions, finance writes by role.

use std::path::{Path, PathBuf};

use kam_core::import::{DuplicateAction, ImportKind, ImportOptions, RowStatus};
use kam_core::*;
use rust_xlsxwriter::Workbook;

use crate::dossier::open;

const PW: &str = "secret-pass-1";

/// A workbook with a title row, then `header`, then `rows` (a cell starting with `#` is
/// written as a number).
fn workbook(dir: &Path, name: &str, header: &[&str], rows: &[Vec<&str>]) -> PathBuf {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.write(0, 0, "2026年11月 明细").unwrap();
    for (i, h) in header.iter().enumerate() {
        s.write(2, i as u16, *h).unwrap();
    }
    for (y, row) in rows.iter().enumerate() {
        for (x, v) in row.iter().enumerate() {
            match v.strip_prefix('#') {
                Some(n) => s.write(3 + y as u32, x as u16, n.parse::<f64>().unwrap()).unwrap(),
                None => s.write(3 + y as u32, x as u16, *v).unwrap(),
            };
        }
    }
    let p = dir.join(name);
    book.save(&p).unwrap();
    p
}

fn statuses(p: &kam_core::import::ImportPreview) -> Vec<RowStatus> {
    p.rows.iter().map(|r| r.status).collect()
}

/// Two customers: one with a customer code (legacy), one with a credit code.
fn customers(kam: &mut Kam) -> (Customer, Customer) {
    let a = kam.create_customer(&CustomerInput { name: "华东电力设备有限公司".into(), ..Default::default() }).unwrap();
    let b = kam.create_customer(&CustomerInput { name: "江南水务有限公司".into(), ..Default::default() }).unwrap();
    (a.customer, b.customer)
}

fn sum_sales(kam: &Kam, customer: &str) -> Fen {
    kam.customer_trade(customer).unwrap().months.iter().map(|m| m.net_fen).sum()
}

#[test]
fn contacts_are_matched_to_their_customers_and_duplicates_classified() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let (a, b) = customers(&mut kam);
    kam.add_contact(
        &a.id,
        &ContactInput { name: "王建国".into(), mobile: Some("13812345678".into()), ..Default::default() },
    )
    .unwrap();
    let file = workbook(
        dir.path(),
        "联系人.xlsx",
        &["单位名称", "联系人", "职务", "手机", "邮箱"],
        &[
            vec!["华东电力设备股份有限公司", "王建国", "总经理", "#13812345678", ""], // same mobile: update
            vec!["江南水务有限公司", "李娜", "采购部长", "13912345678", "lina@example.com"], // new
            vec!["江南水务", "李娜", "", "13912345678", ""], // same customer and mobile as row 5
            vec!["不存在的公司", "赵六", "", "", ""],        // unknown customer
            vec!["华东电力设备有限公司", "刘强", "", "9.14403E+17", ""], // lost digits
        ],
    );
    let p = kam.import_preview(ImportKind::Contacts, &file, &ImportOptions::default()).unwrap();
    assert_eq!(p.detected.header_row, 3);
    assert_eq!(
        statuses(&p),
        [RowStatus::Update, RowStatus::New, RowStatus::Duplicate, RowStatus::Error, RowStatus::Error]
    );
    assert!(p.rows[2].reason.contains("第 5 行"), "{}", p.rows[2].reason);
    assert!(p.rows[3].reason.contains("找不到客户"), "{}", p.rows[3].reason);
    assert!(p.rows[4].reason.contains("15 位"), "{}", p.rows[4].reason);
    assert_eq!(p.rows[0].action, Some(DuplicateAction::Skip), "skip is the default for a match");
    assert_eq!(p.rows[1].matched_customer_id.as_deref(), Some(b.id.as_str()));

    // Fill: 王建国 gets his title; 李娜 is added to 江南水务.
    let opts = ImportOptions { on_duplicate: Some(DuplicateAction::Fill), ..Default::default() };
    let applied = kam.import_apply(ImportKind::Contacts, &file, &opts, &mut |_| {}).unwrap();
    assert_eq!((applied.batch.created_count, applied.batch.updated_count), (1, 1));
    assert_eq!(applied.batch.kind, "contacts");
    let da = kam.dossier(&a.id).unwrap();
    assert_eq!(da.contacts.len(), 1);
    assert_eq!(da.contacts[0].title, "总经理");
    let db = kam.dossier(&b.id).unwrap();
    assert_eq!(db.contacts.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["李娜"]);

    // Again: nothing left to do.
    let again = kam.import_preview(ImportKind::Contacts, &file, &opts).unwrap();
    assert_eq!(
        statuses(&again),
        [RowStatus::Unchanged, RowStatus::Unchanged, RowStatus::Unchanged, RowStatus::Error, RowStatus::Error]
    );

    // Undo puts 王建国's title back and removes 李娜.
    kam.undo_import(&applied.batch.id).unwrap();
    assert_eq!(kam.dossier(&a.id).unwrap().contacts[0].title, "");
    assert!(kam.dossier(&b.id).unwrap().contacts.is_empty());
    assert!(kam.audit_entries(&Default::default()).unwrap().iter().any(|e| e.kind == "contact_import"));
}

fn sales_file(dir: &Path, name: &str, second_amount: &str) -> PathBuf {
    workbook(
        dir,
        name,
        &["单据日期", "单据号", "客户编码", "客户名称", "类型", "价税合计"],
        &[
            vec!["2026/11/5", "XS-001", "", "华东电力设备有限公司", "销售", "12,800.50"],
            vec!["#46328", "XS-002", "", "江南水务有限公司", "销售", second_amount], // Excel serial: 2026-11-02
            vec!["2026年11月6日", "XS-003", "", "江南水务有限公司", "销售", "#1000"],
            vec!["20261106", "XS-003", "", "江南水务有限公司", "销售", "#500"], // a second line of XS-003
            vec!["2026-11-07", "TH-001", "", "华东电力设备有限公司", "退货", "-800"],
            vec!["2026-11-08", "XS-004", "", "北方重工有限公司", "销售", "100"], // unknown customer
            vec!["2026-11-08", "", "", "华东电力设备有限公司", "销售", "100"],   // no document number
            vec!["2026-12-08", "XS-005", "", "华东电力设备有限公司", "销售", "100"], // future
        ],
    )
}

#[test]
fn sales_keyed_by_document_number_reimport_changes_nothing_and_a_corrected_file_updates() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let (a, b) = customers(&mut kam);
    let file = sales_file(dir.path(), "销售11月.xlsx", "2,000");
    let p = kam.import_preview(ImportKind::Sales, &file, &ImportOptions::default()).unwrap();
    use RowStatus::*;
    assert_eq!(statuses(&p), [New, New, New, New, New, Error, Error, Error]);
    assert!(p.rows[3].reason.contains("明细行"), "{}", p.rows[3].reason);
    assert!(p.rows[5].reason.contains("找不到客户"), "{}", p.rows[5].reason);
    assert!(p.rows[6].reason.contains("缺少单据号"), "{}", p.rows[6].reason);
    assert!(p.rows[7].reason.contains("晚于今天"), "{}", p.rows[7].reason);
    assert_eq!((p.counts.new, p.counts.error, p.counts.to_create), (5, 3, 5));

    let applied = kam.import_apply(ImportKind::Sales, &file, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!((applied.batch.created_count, applied.batch.error_count), (5, 3));
    assert_eq!(sum_sales(&kam, &a.id), Fen(1_280_050 - 80_000));
    assert_eq!(sum_sales(&kam, &b.id), Fen(200_000 + 150_000));
    let xs3 = kam
        .finance_records(&FinanceQuery {
            customer_id: Some(b.id.clone()),
            month: Some("2026-11".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(xs3.total, 2, "XS-003's two lines are one record");
    let ret = kam.finance_records(&FinanceQuery { kind: Some(FinanceKind::Return), ..Default::default() }).unwrap();
    assert_eq!(ret.rows.len(), 1);
    assert_eq!((ret.rows[0].amount_fen, ret.rows[0].doc_no.as_deref()), (Fen(80_000), Some("TH-001")));
    assert_eq!(
        kam.finance_records(&FinanceQuery { month: Some("2026-11".into()), ..Default::default() })
            .unwrap()
            .rows
            .iter()
            .find(|r| r.doc_no.as_deref() == Some("XS-002"))
            .map(|r| r.date.clone()),
        Some("2026-11-02".to_string()),
        "an Excel serial date"
    );

    // The same month again: 0 new, everything unchanged, nothing written.
    let again = kam.import_preview(ImportKind::Sales, &file, &ImportOptions::default()).unwrap();
    assert_eq!(statuses(&again), [Unchanged, Unchanged, Unchanged, Unchanged, Unchanged, Error, Error, Error]);
    assert_eq!((again.counts.new, again.counts.unchanged, again.counts.to_create), (0, 5, 0));
    let b2 = kam.import_apply(ImportKind::Sales, &file, &ImportOptions::default(), &mut |_| {}).unwrap().batch;
    assert_eq!((b2.created_count, b2.updated_count), (0, 0));
    assert_eq!(sum_sales(&kam, &b.id), Fen(350_000));

    // A corrected file (XS-002 was 2,000, is 2,500) updates the record instead of adding one.
    let fixed = sales_file(dir.path(), "销售11月（更正）.xlsx", "2,500");
    let p = kam.import_preview(ImportKind::Sales, &fixed, &ImportOptions::default()).unwrap();
    assert_eq!(p.rows[1].status, Update);
    assert_eq!(p.rows[1].action, Some(DuplicateAction::Overwrite), "a corrected document overwrites by default");
    assert!(p.rows[1].reason.contains("2,000.00 → 2,500.00"), "{}", p.rows[1].reason);
    let skip = ImportOptions { on_duplicate: Some(DuplicateAction::Skip), ..Default::default() };
    assert_eq!(kam.import_preview(ImportKind::Sales, &fixed, &skip).unwrap().counts.to_update, 0);
    let b3 = kam.import_apply(ImportKind::Sales, &fixed, &ImportOptions::default(), &mut |_| {}).unwrap().batch;
    assert_eq!((b3.created_count, b3.updated_count), (0, 1));
    assert_eq!(sum_sales(&kam, &b.id), Fen(250_000 + 150_000));

    // Undo the correction: back to 2,000; undo the first import: nothing left.
    kam.undo_import(&b3.id).unwrap();
    assert_eq!(sum_sales(&kam, &b.id), Fen(350_000));
    kam.undo_import(&applied.batch.id).unwrap();
    assert_eq!(sum_sales(&kam, &b.id), Fen::ZERO);
    assert_eq!(kam.finance_records(&FinanceQuery::default()).unwrap().total, 0);
}

#[test]
fn voided_records_stay_listed_and_out_of_every_sum() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let (a, _) = customers(&mut kam);
    let file = sales_file(dir.path(), "销售.xlsx", "2,000");
    kam.import_apply(ImportKind::Sales, &file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let xs1 = kam
        .finance_records(&FinanceQuery {
            customer_id: Some(a.id.clone()),
            kind: Some(FinanceKind::Sale),
            ..Default::default()
        })
        .unwrap()
        .rows
        .remove(0);
    assert_eq!(kam.void_finance_record(&xs1.id, " ").unwrap_err().to_dto().field.as_deref(), Some("reason"));
    let v = kam.void_finance_record(&xs1.id, "重复开单").unwrap();
    assert_eq!(v.void_reason, "重复开单");
    assert!(v.voided_at.is_some());
    assert_eq!(kam.void_finance_record(&xs1.id, "again").unwrap_err().code(), "wrong_state");
    assert_eq!(sum_sales(&kam, &a.id), Fen(-80_000), "only the return is left");
    // Listed only when asked; a voided record cannot be edited; a re-import does not bring it back.
    let q = FinanceQuery { customer_id: Some(a.id.clone()), ..Default::default() };
    assert_eq!(kam.finance_records(&q).unwrap().total, 1);
    assert_eq!(kam.finance_records(&FinanceQuery { include_voided: Some(true), ..q }).unwrap().total, 2);
    assert_eq!(
        kam.edit_finance_record(&xs1.id, &FinanceEdit { amount_fen: Some(Fen(1)), ..Default::default() })
            .unwrap_err()
            .code(),
        "wrong_state"
    );
    let again = kam.import_preview(ImportKind::Sales, &file, &ImportOptions::default()).unwrap();
    assert_eq!(again.rows[0].status, RowStatus::Unchanged);
    assert!(again.rows[0].reason.contains("已作废"), "{}", again.rows[0].reason);

    // Editing: a return turned into a sale, a new amount and document number.
    let ret =
        kam.finance_records(&FinanceQuery { kind: Some(FinanceKind::Return), ..Default::default() }).unwrap().rows;
    let e = kam
        .edit_finance_record(
            &ret[0].id,
            &FinanceEdit {
                kind: Some(FinanceKind::Sale),
                amount_fen: Some(Fen(90_000)),
                doc_no: Some("XS-009".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((e.kind, e.amount_fen, e.doc_no.as_deref()), (FinanceKind::Sale, Fen(90_000), Some("XS-009")));
    assert_eq!(sum_sales(&kam, &a.id), Fen(90_000));
    let dup = kam.edit_finance_record(&ret[0].id, &FinanceEdit { doc_no: Some("XS-002".into()), ..Default::default() });
    assert_eq!(dup.unwrap_err().code(), "duplicate");
    assert!(kam.audit_entries(&Default::default()).unwrap().iter().any(|e| e.kind == "finance_void"));
}

#[test]
fn receivables_paid_clear_the_overdue_warnings_and_unknown_customers_are_error_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let (a, b) = customers(&mut kam);
    let file = workbook(
        dir.path(),
        "应收.xlsx",
        &["发票号", "客户名称", "开票日期", "到期日", "应收金额", "已收金额"],
        &[
            vec!["FP-1", "华东电力设备有限公司", "2026-08-01", "2026-09-30", "10,000", "0"],
            vec!["FP-2", "华东电力设备有限公司", "2026-10-01", "2026-12-31", "5,000", ""],
            vec!["FP-3", "江南水务有限公司", "2026-07-01", "2026-08-31", "3,000", "1,000"],
            vec!["FP-4", "无名公司", "2026-07-01", "2026-08-31", "3,000", ""],
        ],
    );
    let p = kam.import_preview(ImportKind::Receivables, &file, &ImportOptions::default()).unwrap();
    assert_eq!(statuses(&p)[3], RowStatus::Error);
    assert!(
        p.rows[3].reason.contains("找不到客户「") || p.rows[3].reason.contains("找不到客户（"),
        "{}",
        p.rows[3].reason
    );
    kam.import_apply(ImportKind::Receivables, &file, &ImportOptions::default(), &mut |_| {}).unwrap();

    // The customer list's overdue column and Today come from the records.
    let overdue_of = |kam: &Kam, id: &str| {
        kam.list_customers(&CustomerQuery::default())
            .unwrap()
            .rows
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
            .overdue_receivable_fen
    };
    assert_eq!(overdue_of(&kam, &a.id), Fen(1_000_000));
    assert_eq!(overdue_of(&kam, &b.id), Fen(200_000));
    let today = kam.today_page(None).unwrap();
    assert_eq!(today.overdue_receivables_total, 2);
    assert_eq!(today.overdue_receivables[0].customer_id, b.id, "oldest due first");
    assert_eq!(today.overdue_receivables[0].overdue_fen, Fen(200_000));
    let trade = kam.customer_trade(&a.id).unwrap();
    assert_eq!((trade.open_fen, trade.overdue_fen, trade.open_receivables.len()), (Fen(1_500_000), Fen(1_000_000), 2));
    assert_eq!(kam.dossier(&a.id).unwrap().receivables.overdue_fen, Fen(1_000_000));

    // Partly paid, then paid in full: the warning clears.
    let fp1 = trade.open_receivables.iter().find(|r| r.doc_no.as_deref() == Some("FP-1")).unwrap();
    assert!(fp1.days_overdue.unwrap() > 50);
    let part = kam
        .record_receivable_payment(
            &fp1.id,
            &ReceivablePayment { paid_fen: Some(Fen(400_000)), paid_on: Some("2026-11-20".into()) },
        )
        .unwrap();
    assert_eq!((part.outstanding_fen, part.paid_on.as_deref()), (Some(Fen(600_000)), Some("2026-11-20")));
    assert_eq!(overdue_of(&kam, &a.id), Fen(600_000));
    let too_much =
        kam.record_receivable_payment(&fp1.id, &ReceivablePayment { paid_fen: Some(Fen(2_000_000)), paid_on: None });
    assert_eq!(too_much.unwrap_err().to_dto().field.as_deref(), Some("paid_fen"));
    kam.record_receivable_payment(&fp1.id, &ReceivablePayment::default()).unwrap();
    assert_eq!(overdue_of(&kam, &a.id), Fen::ZERO);
    let today = kam.today_page(None).unwrap();
    assert_eq!(today.overdue_receivables.iter().map(|o| o.customer_id.as_str()).collect::<Vec<_>>(), [b.id.as_str()]);
    assert_eq!(kam.monthly_report("2026-11", None).unwrap().overdue_receivables.len(), 1);

    // Importing the old file again (FP-1 paid 0) would set the payment back: the file is
    // finance's word, so it is shown as an update the clerk can skip.
    let again = kam.import_preview(ImportKind::Receivables, &file, &ImportOptions::default()).unwrap();
    assert_eq!(again.rows[0].status, RowStatus::Update);
    assert_eq!(again.rows[1].status, RowStatus::Unchanged, "FP-2: no paid amount given, nothing changed");
}

#[test]
fn dormant_customers_are_suggested_and_collections_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let (a, b) = customers(&mut kam);
    kam.add_sale(&SaleInput {
        customer_id: a.id.clone(),
        sold_on: "2025-10-01".into(),
        amount_fen: Fen(10_000),
        ..Default::default()
    })
    .unwrap();
    kam.add_sale(&SaleInput {
        customer_id: b.id.clone(),
        sold_on: "2026-10-01".into(),
        amount_fen: Fen(10_000),
        ..Default::default()
    })
    .unwrap();
    let today = kam.today_page(None).unwrap();
    assert_eq!(today.dormant.iter().map(|d| d.customer_id.as_str()).collect::<Vec<_>>(), [a.id.as_str()]);
    assert_eq!(today.dormant[0].months_since, 13);
    assert!(kam.customer_trade(&a.id).unwrap().dormant_suggested);
    assert!(!kam.customer_trade(&b.id).unwrap().dormant_suggested);

    let file = workbook(
        dir.path(),
        "回款.csv.xlsx",
        &["收款单号", "付款单位", "收款日期", "收款金额", "备注"],
        &[
            vec!["SK-1", "江南水务有限公司", "2026-11-03", "¥3,000.00", "电汇"],
            vec!["SK-2", "江南水务有限公司", "2026-11-04", "-50", ""],
        ],
    );
    let p = kam.import_preview(ImportKind::Collections, &file, &ImportOptions::default()).unwrap();
    assert_eq!(statuses(&p), [RowStatus::New, RowStatus::Error]);
    kam.import_apply(ImportKind::Collections, &file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let t = kam.customer_trade(&b.id).unwrap();
    assert_eq!((t.collections.len(), t.collections_12m_fen), (1, Fen(300_000)));
    assert_eq!(t.months[0].month, "2026-11");
    assert_eq!(t.months[0].collections_fen, Fen(300_000));
    assert_eq!(t.collections[0].notes, "电汇");
}

#[test]
fn finance_writes_belong_to_head_office_clerks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut kam = Kam::open_locked(&path).unwrap();
    kam.create_first_admin("王芳", PW).unwrap();
    kam.sign_in("王芳", PW).unwrap();
    let rep = kam.add_user("张伟", Role::Rep, "大客户一部").unwrap();
    kam.set_user_password(&rep.id, PW).unwrap();
    let clerk = kam.add_user("钱会计", Role::HeadOffice, "总部").unwrap();
    kam.set_user_password(&clerk.id, PW).unwrap();
    // 张伟's customer, and one he does not reach.
    let c = kam
        .create_customer(&CustomerInput {
            name: "华东电力设备有限公司".into(),
            owner_id: Some(rep.id.clone()),
            ..Default::default()
        })
        .unwrap();
    let other = kam.create_customer(&CustomerInput { name: "江南水务有限公司".into(), ..Default::default() }).unwrap();
    kam.add_receivable(&ReceivableInput {
        customer_id: other.customer.id.clone(),
        invoiced_on: "2026-01-01".into(),
        due_on: "2026-02-01".into(),
        amount_fen: Fen(20_000),
        ..Default::default()
    })
    .unwrap();
    let id = kam
        .add_receivable(&ReceivableInput {
            customer_id: c.customer.id.clone(),
            invoiced_on: "2026-01-01".into(),
            due_on: "2026-02-01".into(),
            amount_fen: Fen(10_000),
            ..Default::default()
        })
        .unwrap();
    let file = workbook(
        dir.path(),
        "销售.xlsx",
        &["单据号", "客户名称", "日期", "金额"],
        &[
            vec!["XS-1", "华东电力设备有限公司", "2026-01-05", "100"],
            vec!["XS-2", "江南水务有限公司", "2026-01-05", "200"],
        ],
    );
    drop(kam);

    let mut rep_kam = Kam::open_locked(&path).unwrap();
    rep_kam.sign_in("张伟", PW).unwrap();
    assert_eq!(rep_kam.void_finance_record(&id, "错").unwrap_err().code(), "forbidden");
    assert_eq!(rep_kam.record_receivable_payment(&id, &Default::default()).unwrap_err().code(), "forbidden");
    assert_eq!(
        rep_kam.import_apply(ImportKind::Sales, &file, &ImportOptions::default(), &mut |_| {}).unwrap_err().code(),
        "forbidden"
    );
    // Reading is for everyone, within their customers; the dry run writes nothing and names
    // no customer out of reach as matched.
    assert_eq!(rep_kam.finance_records(&FinanceQuery::default()).unwrap().total, 1);
    let other_record = kam_other_record(&path);
    assert_eq!(rep_kam.finance_record(&other_record).unwrap_err().code(), "forbidden");
    assert_eq!(
        rep_kam.customer_trade(&other.customer.id).unwrap_err().code(),
        "forbidden",
        "another rep's 交易记录 is out of reach"
    );
    let p = rep_kam.import_preview(ImportKind::Sales, &file, &ImportOptions::default()).unwrap();
    assert_eq!((p.counts.new, p.counts.error), (1, 1));
    assert_eq!(rep_kam.today_page(None).unwrap().overdue_receivables_total, 1, "only his customer's warning");
    drop(rep_kam);

    let mut clerk_kam = Kam::open_locked(&path).unwrap();
    clerk_kam.sign_in("钱会计", PW).unwrap();
    clerk_kam.record_receivable_payment(&id, &Default::default()).unwrap();
    clerk_kam.import_apply(ImportKind::Sales, &file, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(clerk_kam.finance_records(&FinanceQuery::default()).unwrap().total, 4);
    assert_eq!(clerk_kam.today_page(None).unwrap().overdue_receivables_total, 1, "the paid one cleared");
}

/// The receivable of 江南水务 (read with a trusted `Kam`).
fn kam_other_record(path: &Path) -> String {
    let kam = Kam::open(path).unwrap();
    let page =
        kam.finance_records(&FinanceQuery { kind: Some(FinanceKind::Receivable), ..Default::default() }).unwrap();
    page.rows.into_iter().find(|r| r.customer_name == "江南水务有限公司").unwrap().id
}
