//! Dossiers, search, validation and demo data.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kam_core::*;

pub fn open(dir: &tempfile::TempDir) -> Kam {
    let clock: Clock = Arc::new(|| Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap());
    Kam::open_with_clock(&dir.path().join("kam.sqlite3"), clock).unwrap()
}

fn customer(name: &str) -> CustomerInput {
    CustomerInput { name: name.into(), ..Default::default() }
}

/// Count rows in every table: "nothing written" means these stay equal.
fn row_counts(dir: &tempfile::TempDir) -> Vec<(String, i64)> {
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'search_%' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n = c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
            (t, n)
        })
        .collect()
}

fn validation_field(e: KamError) -> String {
    match e {
        KamError::Validation { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_dossier_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut kam = open(&dir);
        let c = kam
            .create_customer(&CustomerInput {
                credit_code: Some("914403001922038216".into()),
                tier: Some(Tier::Key),
                ..customer("华东电力设备有限公司")
            })
            .unwrap()
            .customer;
        kam.add_contact(
            &c.id,
            &ContactInput {
                name: "王建国".into(),
                title: Some("总经理".into()),
                mobile: Some("13812345678".into()),
                is_decision_maker: Some(true),
                decision_role: Some("最终决策者".into()),
                birthday: Some("1972-02-29".into()),
                interests: Some("书法".into()),
                ..Default::default()
            },
        )
        .unwrap();
        kam.change_tier(&c.id, Tier::Strategic, "年采购额超过 500 万元").unwrap();
        kam.add_project(
            &c.id,
            &ProjectInput {
                name: "变电站改造".into(),
                status: ProjectStatus::Ongoing,
                amount_fen: Some(123_456_789),
                plan_year: None,
                start_date: Some("2026-03-01".into()),
                end_date: None,
                notes: None,
            },
        )
        .unwrap();
        kam.add_record(
            &c.id,
            &RecordInput {
                kind: RecordKind::Meeting, occurred_on: None, title: "年度沟通会".into(), content: None
            },
        )
        .unwrap();
        c.id
    };
    let kam = open(&dir);
    let d = kam.dossier(&id).unwrap();
    assert_eq!(d.customer.tier, Tier::Strategic);
    assert_eq!(d.contacts.len(), 1);
    assert_eq!(d.contacts[0].birthday.as_deref(), Some("1972-02-29"));
    assert!(d.contacts[0].is_decision_maker);
    assert_eq!(d.tier_history.len(), 2);
    assert_eq!(d.tier_history[0].to_tier, Tier::Strategic);
    assert_eq!(d.tier_history[0].from_tier, Some(Tier::Key));
    assert_eq!(d.tier_history[0].reason, "年采购额超过 500 万元");
    assert_eq!(d.tier_history[0].decided_by_name.as_deref(), Some("本机用户"));
    assert_eq!(d.projects[0].amount_fen, Some(123_456_789));
    assert_eq!(d.records[0].occurred_on, "2026-11-23", "today in Asia/Shanghai");
}

#[test]
fn search_finds_one_and_two_characters_pinyin_contacts_and_phones() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let hd = kam.create_customer(&customer("华东电力设备有限公司")).unwrap().customer;
    let other = kam.create_customer(&customer("上海华东电力工程有限公司")).unwrap().customer;
    let steel = kam.create_customer(&customer("宝山钢铁股份有限公司")).unwrap().customer;
    kam.add_contact(
        &steel.id,
        &ContactInput { name: "欧阳娜".into(), mobile: Some("13912345678".into()), ..Default::default() },
    )
    .unwrap();
    fn hits(kam: &Kam, q: &str) -> Vec<String> {
        kam.search(q, 50).unwrap().hits.into_iter().map(|h| h.id).collect()
    }
    let ids = |q: &str| hits(&kam, q);

    assert_eq!(ids("电力"), vec![hd.id.clone(), other.id.clone()], "name prefix cannot apply; both by name");
    assert_eq!(ids("华东"), vec![hd.id.clone(), other.id.clone()], "name prefix ranks first");
    assert_eq!(ids("钢"), vec![steel.id.clone()]);
    assert_eq!(ids("hddl"), vec![hd.id.clone(), other.id.clone()]);
    assert_eq!(ids("hd"), vec![hd.id.clone(), other.id.clone()]);
    assert_eq!(ids("huadong"), vec![hd.id.clone(), other.id.clone()]);
    assert_eq!(ids("欧阳"), vec![steel.id.clone()], "contact name");
    assert_eq!(ids("oyn"), vec![steel.id.clone()], "contact initials");
    assert_eq!(ids("12345678"), vec![steel.id.clone()], "phone digits");
    assert!(ids("水泥").is_empty());
    assert_eq!(kam.search("电力", 1).unwrap().total, 2, "total counts beyond the limit");

    let approved = kam.approve_customer(&steel.id).unwrap();
    let code = approved.customer_code.unwrap();
    assert!(code.starts_with("KA26-"), "{code}");
    assert_eq!(hits(&kam, &code.to_lowercase()), vec![steel.id.clone()], "exact code, case-insensitive");

    kam.delete_customer(&hd.id).unwrap();
    assert_eq!(hits(&kam, "电力"), vec![other.id.clone()], "tombstoned customers are not found");
    kam.restore_customer(&hd.id).unwrap();
    assert_eq!(hits(&kam, "电力").len(), 2, "undo brings it back into search");
}

#[test]
fn identical_credit_code_is_refused_and_similar_names_warned() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let first = kam
        .create_customer(&CustomerInput {
            credit_code: Some("91440300708461136T".into()),
            ..customer("深圳腾讯计算机系统有限公司")
        })
        .unwrap();
    assert!(first.warnings.is_empty());
    let before = row_counts(&dir);
    let err = kam
        .create_customer(&CustomerInput {
            credit_code: Some("91440300708461136t".into()), ..customer("另一家公司")
        })
        .unwrap_err();
    match &err {
        KamError::Duplicate { existing_id, field, .. } => {
            assert_eq!(existing_id, &first.customer.id);
            assert_eq!(field, "credit_code");
        }
        other => panic!("expected Duplicate, got {other:?}"),
    }
    assert!(err.to_string().contains("已属于客户"));
    assert_eq!(row_counts(&dir), before, "nothing written");

    let similar = kam.create_customer(&customer("深圳腾讯计算机系统股份有限公司")).unwrap();
    assert_eq!(similar.warnings.len(), 1);
    assert_eq!(similar.warnings[0].customer_id, first.customer.id);
    assert!(similar.warnings[0].message.contains("可能已存在"));
}

#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let c = kam.create_customer(&customer("杭州海天建材有限公司")).unwrap().customer;
    let before = row_counts(&dir);

    let bad_credit = CustomerInput { credit_code: Some("914403001922038217".into()), ..customer("某公司") };
    assert_eq!(validation_field(kam.create_customer(&bad_credit).unwrap_err()), "credit_code");
    let too_long = customer(&"长".repeat(101));
    assert_eq!(validation_field(kam.create_customer(&too_long).unwrap_err()), "name");
    assert_eq!(validation_field(kam.create_customer(&customer("  ")).unwrap_err()), "name");
    let huge = CustomerInput { receivable_fen: Some(i64::MAX), ..customer("某公司") };
    assert_eq!(validation_field(kam.create_customer(&huge).unwrap_err()), "receivable_fen");
    let ghost_owner = CustomerInput { owner_id: Some("no-such-user".into()), ..customer("某公司") };
    assert_eq!(validation_field(kam.create_customer(&ghost_owner).unwrap_err()), "owner_id");

    let contact = |f: fn(&mut ContactInput)| {
        let mut k = ContactInput { name: "李四".into(), ..Default::default() };
        f(&mut k);
        k
    };
    type Mutate = fn(&mut ContactInput);
    let cases: [(Mutate, &str); 5] = [
        (|k| k.email = Some("li si@example".into()), "email"),
        (|k| k.mobile = Some("1234".into()), "mobile"),
        (|k| k.phone = Some("电话号码".into()), "phone"),
        (|k| k.birthday = Some("1980-02-30".into()), "birthday"),
        (|k| k.name = "名".repeat(51), "contact_name"),
    ];
    for (f, field) in cases {
        assert_eq!(validation_field(kam.add_contact(&c.id, &contact(f)).unwrap_err()), field);
    }
    assert_eq!(validation_field(kam.change_tier(&c.id, Tier::Key, " ").unwrap_err()), "reason");
    assert!(matches!(kam.add_contact("missing", &contact(|_| ())), Err(KamError::NotFound { .. })));
    assert_eq!(row_counts(&dir), before, "nothing written by any failed call");

    let e = kam.create_customer(&bad_credit).unwrap_err().to_dto();
    assert_eq!(e.code, "validation");
    assert!(e.message.contains("校验位"), "{}", e.message);
    assert!(e.message_en.contains("check character"), "{}", e.message_en);
}

#[test]
fn list_filters_sorts_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    kam.load_demo(300, 7).unwrap();
    let all = kam.list_customers(&CustomerQuery { limit: Some(1000), ..Default::default() }).unwrap();
    assert_eq!(all.total, 300);
    let strategic = kam
        .list_customers(&CustomerQuery { tier: Some(Tier::Strategic), limit: Some(1000), ..Default::default() })
        .unwrap();
    assert!(strategic.total > 0 && strategic.total < 300);
    assert!(strategic.rows.iter().all(|r| r.tier == Tier::Strategic));
    let page2 =
        kam.list_customers(&CustomerQuery { offset: Some(100), limit: Some(100), ..Default::default() }).unwrap();
    assert_eq!(page2.rows[0].id, all.rows[100].id);
    let by_tier = kam
        .list_customers(&CustomerQuery { sort: Some(CustomerSort::Tier), limit: Some(1000), ..Default::default() })
        .unwrap();
    let rank = |t: Tier| Tier::ALL.iter().position(|x| *x == t).unwrap();
    assert!(by_tier.rows.windows(2).all(|w| rank(w[0].tier) <= rank(w[1].tier)));
}

#[test]
fn demo_data_is_deterministic_for_a_seed() {
    let names = |seed| {
        let dir = tempfile::tempdir().unwrap();
        let mut kam = open(&dir);
        kam.load_demo(50, seed).unwrap();
        kam.list_customers(&CustomerQuery { limit: Some(100), ..Default::default() })
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(3), names(3));
    assert_ne!(names(3), names(4));
}

#[test]
fn key_person_change_marks_a_departed_contact_inactive() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let a = kam.create_customer(&customer("成都恒信通信有限公司")).unwrap().customer;
    let b = kam.create_customer(&customer("重庆鼎盛物流有限公司")).unwrap().customer;
    let k = kam.add_contact(&a.id, &ContactInput { name: "赵敏".into(), ..Default::default() }).unwrap();
    let wrong = ContactChangeInput {
        contact_id: Some(k.id.clone()),
        kind: ContactChangeKind::Left,
        description: "离职".into(),
        changed_on: None,
    };
    assert_eq!(validation_field(kam.add_contact_change(&b.id, &wrong).unwrap_err()), "contact_id");
    kam.add_contact_change(&a.id, &wrong).unwrap();
    let d = kam.dossier(&a.id).unwrap();
    assert!(!d.contacts[0].active);
    assert_eq!(d.contact_changes[0].contact_name.as_deref(), Some("赵敏"));
}

#[test]
fn the_app_info_reports_the_last_exchange() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    assert_eq!(kam.app_info().unwrap().days_since_exchange, None);
    kam.mark_exchanged().unwrap();
    assert_eq!(kam.app_info().unwrap().days_since_exchange, Some(0));
}

#[test]
fn switching_the_current_user_changes_the_author_of_new_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let manager = kam.add_user("李经理", Role::Manager, "大客户一部").unwrap();
    kam.set_current_user(&manager.id).unwrap();
    let c = kam.create_customer(&customer("宁波港务物流有限公司")).unwrap().customer;
    let d = kam.dossier(&c.id).unwrap();
    assert_eq!(d.tier_history[0].decided_by_name.as_deref(), Some("李经理"));
    drop(kam);
    let kam = open(&dir);
    assert_eq!(kam.app_info().unwrap().current_user.id, manager.id, "kept across restarts");
    let mut kam = kam;
    assert!(matches!(kam.set_current_user("nobody"), Err(KamError::NotFound { .. })));
}

#[test]
fn users_resolve_by_id_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let u = kam.add_user("张伟", Role::Rep, "大客户一部").unwrap();
    assert_eq!(kam.resolve_user("张伟").unwrap().id, u.id);
    assert_eq!(kam.resolve_user(&u.id).unwrap().name, "张伟");
    assert!(matches!(kam.resolve_user("李四"), Err(KamError::NotFound { .. })));
}
