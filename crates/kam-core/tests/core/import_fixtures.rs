//! The customer import's dry run and apply on the checked-in fixtures of tests/fixtures/import/
//! (written by LibreOffice headless and by scripts/make-import-fixtures, as clerks' files
//! arrive): the same messy list as .xlsx, .xls and .ods, CSVs in GBK without a BOM, UTF-8 with
//! a BOM, with semicolons and with ragged lines, and files that are not what they claim.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kam_core::import::{ImportOptions, ImportPreview, RowStatus};
use kam_core::*;

use crate::dossier::open;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import").join(name)
}

fn statuses(p: &ImportPreview) -> Vec<(u32, RowStatus)> {
    p.rows.iter().map(|r| (r.row, r.status)).collect()
}

fn reason(p: &ImportPreview, row: u32) -> &str {
    &p.rows.iter().find(|r| r.row == row).unwrap_or_else(|| panic!("no row {row}")).reason
}

/// What the database holds, as text: every table's row count, so "nothing written" is exact.
fn row_counts(dir: &tempfile::TempDir) -> Vec<(String, i64)> {
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| (t.clone(), c.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap()))
        .collect()
}

/// The imported customers and their contacts, one line each, sorted.
fn imported(dir: &tempfile::TempDir) -> Vec<String> {
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT c.name, coalesce(c.credit_code, ''), coalesce(c.legacy_code, ''), c.tier, c.industry, c.address, c.notes,
                    coalesce(ct.name, ''), coalesce(ct.mobile, ''), coalesce(ct.birthday, '')
             FROM customers c LEFT JOIN contacts ct ON ct.customer_id = c.id
             WHERE c.deleted_at IS NULL ORDER BY c.name, ct.name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((0..10).map(|i| r.get::<_, String>(i).unwrap()).collect::<Vec<_>>().join("|")))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The contact's mobile sits under the merged header 联系人: the clerk maps that column.
fn mobile_under_merged_header() -> ImportOptions {
    ImportOptions {
        mapping: Some(HashMap::from([("联系人(2)".to_string(), "mobile".to_string())])),
        ..Default::default()
    }
}

// Long because: one walk through the messy list, the same for each of the three formats, ending
// in what the three applied imports stored, compared with each other.
#[test]
fn the_messy_list_reads_alike_as_xlsx_xls_and_ods() {
    let mut stored = Vec::new();
    for file in ["customers-messy.xlsx", "customers-messy.xls", "customers-messy.ods"] {
        let dir = tempfile::tempdir().unwrap();
        let mut kam = open(&dir);
        let north = kam
            .create_customer(&CustomerInput { name: "北方重工有限公司".into(), ..Default::default() })
            .unwrap()
            .customer;
        let before = row_counts(&dir);
        let p = kam.import_customers_preview(&fixture(file), &mobile_under_merged_header()).unwrap();
        assert_eq!(row_counts(&dir), before, "{file}: the dry run writes nothing");

        // Found past the title rows, on the sheet with the list (not 说明 or the empty Sheet2).
        assert_eq!(p.detected.sheet.as_deref(), Some("客户名单"), "{file}");
        assert_eq!(p.detected.sheets, ["客户名单", "Sheet2", "说明"], "{file}");
        assert_eq!(p.detected.header_row, 4, "{file}");
        assert_eq!(p.mapping.get("联系人").map(String::as_str), Some("contact_name"), "{file}");
        assert_eq!(p.unknown_columns, ["序号"], "{file}");
        use RowStatus::*;
        assert_eq!(
            statuses(&p),
            [
                (5, New),
                (6, Error),
                (7, New),
                (8, Duplicate),
                (9, Duplicate),
                (10, Duplicate),
                (11, New),
                (12, Error),
                (13, Error),
            ],
            "{file}: {:#?}",
            p.rows
        );
        let c = &p.counts;
        assert_eq!((c.total, c.new, c.update, c.duplicate, c.error), (9, 3, 0, 3, 3), "{file}");
        assert_eq!((c.to_create, c.to_update, c.to_skip), (3, 0, 3), "{file}");
        // The credit code typed as a number lost its last digits: an error that says what to do.
        let lost = reason(&p, 6);
        assert!(lost.contains("「9.14403E+17」") && lost.contains("超过 15 位的数字已丢失"), "{file}: {lost}");
        assert!(lost.contains("设置单元格格式→文本"), "{file}: {lost}");
        assert!(reason(&p, 12).contains("「9.14403E+17」"), "{file}: {}", reason(&p, 12));
        assert!(reason(&p, 13).contains("钻石客户"), "{file}");
        assert_eq!(p.skipped_rows, [15], "{file}: the footer line 制表：… is no customer");
        assert!(p.skipped_note.as_deref().unwrap_or("").contains("第 15 行"), "{file}: {:?}", p.skipped_note);
        // Duplicates within the file (by name, by customer code) and against the database.
        assert!(reason(&p, 8).contains("第 5 行") && reason(&p, 8).contains("单位名称"), "{file}");
        assert!(reason(&p, 10).contains("第 5 行") && reason(&p, 10).contains("客户编码"), "{file}");
        let dup = p.rows.iter().find(|r| r.row == 9).unwrap();
        assert_eq!(dup.matched_customer_id.as_deref(), Some(north.id.as_str()), "{file}");
        // Full-width letters and digits read as people mean them.
        assert_eq!(p.rows[2].name, "ABC科技有限公司", "{file}");

        let applied = kam.import_customers_apply(&fixture(file), &mobile_under_merged_header(), &mut |_| {}).unwrap();
        assert_eq!((applied.batch.created_count, applied.batch.error_count), (3, 3), "{file}");
        stored.push((file, imported(&dir)));
    }
    let code = |first17: &str| format!("{first17}{}", validate::credit_code_check_char(first17).unwrap());
    let mut expected = vec![
        format!(
            "ABC科技有限公司|{}|C003|strategic|软件||全角字符|陈伟|13700001111|1980-04-05",
            code("91440300MA5DC0QX0")
        ),
        "北方重工有限公司|||prospect||||||".to_string(),
        format!(
            "华东电力设备有限公司|{}|C001|strategic|电力装备||老客户|王建国|13812345678|1968-05-17",
            code("91310000132200011")
        ),
        format!("西部能源有限公司|{}|1007|key|能源|||孙丽|13500002222|1985-12-01", code("91510100MA61R7PQ2")),
    ];
    expected.sort();
    let (_, xlsx) = &stored[0];
    assert_eq!(xlsx, &expected);
    for (file, rows) in &stored[1..] {
        assert_eq!(rows, xlsx, "{file} stores what the .xlsx does");
    }
}

#[test]
fn a_gbk_csv_without_bom_decodes_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let file = fixture("customers-gbk.csv");
    let raw = std::fs::read(&file).unwrap();
    assert!(std::str::from_utf8(&raw).is_err() && !raw.starts_with(&[0xEF, 0xBB, 0xBF]), "GBK bytes, no BOM");
    let p = kam.import_customers_preview(&file, &ImportOptions::default()).unwrap();
    assert_eq!(p.detected.encoding.as_deref(), Some("gb18030"));
    assert_eq!((p.detected.separator.as_deref(), p.detected.header_row), (Some(","), 2));
    let names: Vec<&str> = p.rows.iter().map(|r| r.name.as_str()).collect();
    // 喆 and 镕 are in GBK but not in GB2312.
    assert_eq!(names, ["华东电力(上海)有限公司", "深圳市喆啡科技有限公司", "镕信精密机械有限公司"]);
    assert_eq!(statuses(&p), [(3, RowStatus::New), (4, RowStatus::Error), (5, RowStatus::New)]);
    assert!(reason(&p, 4).contains("「9.14403E+17」"), "{}", reason(&p, 4));
    kam.import_customers_apply(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let rows = imported(&dir);
    assert!(
        rows.iter().any(|r| r.starts_with("镕信精密机械有限公司|||regular|") && r.contains("|周镕|13700001111|")),
        "{rows:#?}"
    );
    assert!(rows.iter().any(|r| r.starts_with("华东电力(上海)有限公司|913100001322000113||strategic|")), "{rows:#?}");
}

#[test]
fn a_utf8_csv_with_bom_and_dates_as_people_type_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let file = fixture("customers-utf8-bom.csv");
    let p = kam.import_customers_preview(&file, &ImportOptions::default()).unwrap();
    assert_eq!(p.detected.encoding.as_deref(), Some("UTF-8 (BOM)"));
    assert_eq!(p.headers[0], "单位名称", "the BOM is not part of the first header");
    assert_eq!((p.counts.new, p.counts.error), (4, 1));
    // 05/09/1974: day/month or month/day? Not guessed.
    assert_eq!(p.rows[4].status, RowStatus::Error);
    assert!(reason(&p, 6).contains("「05/09/1974」"), "{}", reason(&p, 6));
    kam.import_customers_apply(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let birthdays: Vec<String> = imported(&dir).iter().map(|r| r.rsplit('|').next().unwrap().to_string()).collect();
    let mut want = ["1970-01-05", "1971-02-06", "1972-03-07", "1973-04-08"];
    want.sort();
    let mut got = birthdays.clone();
    got.sort();
    assert_eq!(got, want, "2026-01-05, 2026/1/5, 2026年1月5日 and 20260105 all read");
}

#[test]
fn a_semicolon_csv_keeps_the_comma_inside_a_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let file = fixture("customers-semicolon.csv");
    let p = kam.import_customers_preview(&file, &ImportOptions::default()).unwrap();
    assert_eq!(p.detected.separator.as_deref(), Some(";"));
    assert_eq!(p.counts.new, 2);
    kam.import_customers_apply(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let c = kam.list_customers(&CustomerQuery { text: Some("精工".into()), ..Default::default() }).unwrap().rows;
    let c = kam.customer(&c[0].id).unwrap();
    assert_eq!((c.address.as_str(), c.tier), ("苏州市工业园区星湖街 88 号, 3 栋", Tier::Key));
}

#[test]
fn a_ragged_csv_line_with_a_field_too_many_is_an_error_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let file = fixture("customers-ragged.csv");
    let p = kam.import_customers_preview(&file, &ImportOptions::default()).unwrap();
    use RowStatus::*;
    assert_eq!(
        statuses(&p),
        [(2, New), (3, Error), (4, New), (5, New)],
        "short lines and trailing empty fields are fine"
    );
    let r = reason(&p, 3);
    assert!(r.contains("5 个字段") && r.contains("4 列") && r.contains("未加引号"), "{r}");
    assert_eq!(p.rows[1].name, "芜湖长江钢构有限公司");
    kam.import_customers_apply(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let rows = imported(&dir);
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(!rows.iter().any(|r| r.contains("芜湖")), "the shifted line is not imported");
    assert!(rows.iter().any(|r| r.starts_with("安庆皖江化工有限公司|||key|化工||正常|")), "{rows:#?}");
}

#[test]
fn files_that_are_not_what_they_claim_are_refused_clearly_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let before = row_counts(&dir);
    for (file, zh, en) in [
        ("password.xlsx", "设置了打开密码", "opening password"),
        ("not-a-workbook.xlsx", "别的 zip 压缩包", "some other zip archive"),
        ("empty.xlsx", "0 字节", "empty (0 bytes)"),
    ] {
        for e in [
            kam.import_customers_preview(&fixture(file), &ImportOptions::default()).unwrap_err(),
            kam.import_customers_apply(&fixture(file), &ImportOptions::default(), &mut |_| {}).unwrap_err(),
        ] {
            let dto = e.to_dto();
            assert_eq!((dto.code.as_str(), dto.field.as_deref()), ("validation", Some("file")), "{file}: {e}");
            assert!(dto.message.contains(file) && dto.message.contains(zh), "{file}: {}", dto.message);
            assert!(dto.message_en.contains(en), "{file}: {}", dto.message_en);
        }
    }
    assert_eq!(row_counts(&dir), before, "no batch, no customer, no audit entry");
}
