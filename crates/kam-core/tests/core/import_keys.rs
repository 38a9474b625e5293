//! The customer import's duplicate keys in full rank order (issue 12): old customer code →
//! credit code → normalised name plus city → mobile/phone → e-mail, within the file and against
//! the database.

use std::collections::HashMap;

use kam_core::import::{DuplicateAction, ImportOptions, RowStatus};
use kam_core::*;

use crate::dossier::open;

#[test]
fn name_and_city_then_phone_then_email_within_the_file_and_against_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let shanghai = kam
        .create_customer(&CustomerInput {
            name: "华东电力有限公司".into(),
            address: Some("上海市浦东新区世纪大道 100 号".into()),
            ..Default::default()
        })
        .unwrap()
        .customer;
    kam.add_contact(
        &shanghai.id,
        &ContactInput {
            name: "王建国".into(),
            mobile: Some("13800000001".into()),
            email: Some("wang@huadong.cn".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let csv = dir.path().join("客户.csv");
    std::fs::write(
        &csv,
        "单位名称,地址,城市,联系人,手机,邮箱\n\
         华东电力股份有限公司,深圳市南山区科技园,,,,\n\
         华东电力 有限责任公司,,上海,,,\n\
         南方新材料有限公司,,,李娜,138-0000-0001,\n\
         西部科技有限公司,,,赵敏,,WANG@huadong.cn\n\
         北岸贸易有限公司,,,周强,13900000009,\n\
         北岸物流有限公司,,,吴刚,+86 139 0000 0009,\n\
         华东电力有限公司,广东省深圳市福田区,,,,\n\
         华东电力有限公司,广州市天河区,,,,\n",
    )
    .unwrap();
    let p = kam.import_customers_preview(&csv, &ImportOptions::default()).unwrap();
    let status: Vec<(u32, RowStatus)> = p.rows.iter().map(|r| (r.row, r.status)).collect();
    assert_eq!(
        status,
        [
            (2, RowStatus::New), // same name, another city: a branch in 深圳
            (3, RowStatus::Duplicate),
            (4, RowStatus::Duplicate),
            (5, RowStatus::Duplicate),
            (6, RowStatus::New),
            (7, RowStatus::Duplicate),
            (8, RowStatus::Duplicate),
            (9, RowStatus::New),
        ],
        "{:#?}",
        p.rows
    );
    let r = |n: u32| p.rows.iter().find(|r| r.row == n).unwrap();
    assert_eq!(r(3).matched_customer_id.as_deref(), Some(shanghai.id.as_str()));
    assert!(r(3).reason.contains("城市（上海）"), "{}", r(3).reason);
    assert_eq!(r(4).matched_customer_id.as_deref(), Some(shanghai.id.as_str()));
    assert!(
        r(4).reason.contains("手机/电话「13800000001」") && r(4).reason.contains("华东电力有限公司"),
        "{}",
        r(4).reason
    );
    assert!(r(4).reason_en.contains("mobile/phone"), "{}", r(4).reason_en);
    assert_eq!(r(5).matched_customer_id.as_deref(), Some(shanghai.id.as_str()));
    assert!(r(5).reason.contains("邮箱「wang@huadong.cn」"), "{}", r(5).reason);
    assert!(r(7).reason.contains("第 6 行") && r(7).reason.contains("13900000009"), "{}", r(7).reason);
    assert_eq!(r(7).matched_customer_id, None);
    assert!(r(8).reason.contains("第 2 行") && r(8).reason.contains("深圳"), "{}", r(8).reason);
    assert_eq!(r(2).action, None);
    assert_eq!(r(4).action, Some(DuplicateAction::Skip));

    // Applied: the three new rows; the city column fills an empty address.
    let applied = kam.import_customers_apply(&csv, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!((applied.batch.created_count, applied.batch.updated_count), (3, 0));
    // Indexed for search in the batch's one pass: by name, by a contact's name and mobile.
    assert_eq!(kam.search_total("北岸贸易").unwrap(), 1);
    assert_eq!(kam.search_total("周强").unwrap(), 1);
    assert_eq!(kam.search_total("13900000009").unwrap(), 1);
    // Undone: out of the search again.
    kam.undo_import(&applied.batch.id).unwrap();
    assert_eq!(kam.search_total("北岸贸易").unwrap(), 0);
    let applied = kam.import_customers_apply(&csv, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(applied.batch.created_count, 3);
    assert_eq!(kam.search_total("北岸贸易").unwrap(), 1);

    // 仍然新建 for the row that only shares a contact's mobile with the file's row 6.
    let anyway = ImportOptions {
        row_actions: Some(HashMap::from([(7, DuplicateAction::Create)])),
        create_reason: Some("两家公司共用一位代理人".into()),
        template: Some(String::new()),
        ..Default::default()
    };
    let csv2 = dir.path().join("客户2.csv");
    std::fs::write(&csv2, "单位名称,手机\n东岸贸易有限公司,13700000007\n东岸物流有限公司,13700000007\n").unwrap();
    let anyway = ImportOptions { row_actions: Some(HashMap::from([(3, DuplicateAction::Create)])), ..anyway };
    let p = kam.import_customers_preview(&csv2, &anyway).unwrap();
    assert_eq!((p.rows[1].status, p.rows[1].action), (RowStatus::Duplicate, Some(DuplicateAction::Create)));
    let applied = kam.import_customers_apply(&csv2, &anyway, &mut |_| {}).unwrap();
    assert_eq!(applied.batch.created_count, 2);
    // Importing the first file again: every row matches something now.
    let again = kam.import_customers_preview(&csv, &ImportOptions::default()).unwrap();
    assert_eq!(again.counts.new, 0, "{:#?}", again.rows);
}
