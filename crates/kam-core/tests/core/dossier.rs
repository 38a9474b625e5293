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
                amount_fen: Some(Fen(123_456_789)),
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
    assert_eq!(d.projects[0].amount_fen, Some(Fen(123_456_789)));
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
fn upgrading_to_owner_keyed_search_rebuilds_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let rep = kam.add_user("张伟", Role::Rep, "大客户一部").unwrap();
    for (name, owner) in [("华东电力设备有限公司", Some(rep.id.clone())), ("上海华东电力工程有限公司", None)]
    {
        kam.create_customer(&CustomerInput { name: name.into(), owner_id: owner, ..Default::default() }).unwrap();
    }
    drop(kam);
    // The database as version 16 left it: no owner keys (migration 0017 empties the indexes).
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    c.execute_batch("DROP TABLE search_owners; DROP TABLE search_keys; PRAGMA user_version = 16;").unwrap();
    drop(c);
    let kam = open(&dir);
    assert_eq!(kam.search("电力", 50).unwrap().total, 2, "both indexed again");
    assert_eq!(kam.search_hits("hddl", 50).unwrap().len(), 2, "pinyin too");
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    let keys: Vec<i64> = c
        .prepare("SELECT key >> 32 FROM search_keys ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(keys, [1, 0], "the rep's customer under their number, the unowned one under 0");
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
    let huge = CustomerInput { receivable_fen: Some(Fen(i64::MAX)), ..customer("某公司") };
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

/// The sync capture of one field change of one row (its local sequence number), if any.
fn captured_change(dir: &tempfile::TempDir, table: &str, id: &str, col: &str) -> Option<i64> {
    let c = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    c.query_row("SELECT seq FROM sync_cols WHERE tbl = ?1 AND row_id = ?2 AND col = ?3", [table, id, col], |r| r.get(0))
        .ok()
}

#[test]
fn a_record_can_be_edited_like_it_was_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let c = kam.create_customer(&customer("苏州金桥精密机械有限公司")).unwrap().customer;
    let input = RecordInput {
        kind: RecordKind::Meeting,
        occurred_on: Some("2026-11-20".into()),
        title: "年度沟通回".into(),
        content: Some("讨论明年框架协议".into()),
    };
    let added = kam.add_record(&c.id, &input).unwrap();
    assert_eq!(captured_change(&dir, "records", &added.id, "title"), None, "a new row has no field changes yet");

    let manager = kam.add_user("李经理", Role::Manager, "大客户一部").unwrap();
    kam.set_current_user(&manager.id).unwrap();
    let fixed = RecordInput {
        kind: RecordKind::Conversation,
        occurred_on: Some("2026-11-21".into()),
        title: "  年度沟通会 ".into(),
        content: None,
    };
    let edited = kam.update_record(&added.id, &fixed).unwrap();
    assert_eq!(edited.id, added.id);
    assert_eq!(edited.title, "年度沟通会", "trimmed like a new record");
    let d = kam.dossier(&c.id).unwrap();
    assert_eq!(d.records.len(), 1, "edited in place, not added");
    let r = &d.records[0];
    assert_eq!(
        (r.kind, r.occurred_on.as_str(), r.title.as_str(), r.content.as_str()),
        (RecordKind::Conversation, "2026-11-21", "年度沟通会", "")
    );
    assert_eq!(r.author_name.as_deref(), Some("本机用户"), "the author stays the one who wrote it");
    assert!(captured_change(&dir, "records", &added.id, "title").is_some(), "the edit is captured for sync");
    let db = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
    let by: String = db.query_row("SELECT updated_by FROM records WHERE id = ?1", [&added.id], |r| r.get(0)).unwrap();
    assert_eq!(by, manager.id, "stamped with who edited it");

    // Refused exactly like a new record, and nothing written.
    let before = row_counts(&dir);
    let bad = |f: fn(&mut RecordInput)| {
        let mut i = fixed.clone();
        f(&mut i);
        i
    };
    type Mutate = fn(&mut RecordInput);
    let cases: [(Mutate, &str); 4] = [
        (|i| i.title = "  ".into(), "title"),
        (|i| i.title = "长".repeat(101), "title"),
        (|i| i.occurred_on = Some("2026-11-24".into()), "occurred_on"),
        (|i| i.occurred_on = Some("2026-02-30".into()), "occurred_on"),
    ];
    for (f, field) in cases {
        assert_eq!(validation_field(kam.update_record(&added.id, &bad(f)).unwrap_err()), field);
        assert_eq!(validation_field(kam.add_record(&c.id, &bad(f)).unwrap_err()), field, "same rule as adding");
    }
    assert_eq!(row_counts(&dir), before, "nothing written by any refused edit");
    assert_eq!(kam.dossier(&c.id).unwrap().records[0].title, "年度沟通会");

    // Deleted records, and records of a deleted customer, are not found.
    assert!(matches!(kam.update_record("no-such-record", &fixed), Err(KamError::NotFound { .. })));
    kam.delete_item("record", &added.id).unwrap();
    let before = row_counts(&dir);
    assert!(matches!(kam.update_record(&added.id, &fixed), Err(KamError::NotFound { .. })));
    assert!(matches!(kam.record(&added.id), Err(KamError::NotFound { .. })));
    assert_eq!(row_counts(&dir), before);
    assert!(kam.dossier(&c.id).unwrap().records.is_empty(), "a refused edit does not bring it back");

    let other = kam.add_record(&c.id, &input).unwrap();
    kam.delete_customer(&c.id).unwrap();
    let before = row_counts(&dir);
    assert!(matches!(kam.update_record(&other.id, &fixed), Err(KamError::NotFound { .. })));
    assert_eq!(row_counts(&dir), before);
}

#[test]
fn a_key_person_change_can_be_edited_like_it_was_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let a = kam.create_customer(&customer("成都恒信通信有限公司")).unwrap().customer;
    let b = kam.create_customer(&customer("重庆鼎盛物流有限公司")).unwrap().customer;
    let zhao = kam.add_contact(&a.id, &ContactInput { name: "赵敏".into(), ..Default::default() }).unwrap();
    let qian = kam.add_contact(&a.id, &ContactInput { name: "钱进".into(), ..Default::default() }).unwrap();
    let elsewhere = kam.add_contact(&b.id, &ContactInput { name: "孙立".into(), ..Default::default() }).unwrap();
    let active = |kam: &Kam, id: &str| kam.dossier(&a.id).unwrap().contacts.iter().find(|k| k.id == id).unwrap().active;

    let added = kam
        .add_contact_change(
            &a.id,
            &ContactChangeInput {
                contact_id: Some(zhao.id.clone()),
                kind: ContactChangeKind::Joined,
                description: "新人采购经理".into(),
                changed_on: Some("2026-11-01".into()),
            },
        )
        .unwrap();

    // A typo fixed; still "joined", so nobody is marked inactive.
    let fixed = ContactChangeInput {
        contact_id: Some(zhao.id.clone()),
        kind: ContactChangeKind::Joined,
        description: " 新任采购经理 ".into(),
        changed_on: Some("2026-11-02".into()),
    };
    let edited = kam.update_contact_change(&added.id, &fixed).unwrap();
    assert_eq!(edited.description, "新任采购经理");
    let d = kam.dossier(&a.id).unwrap();
    assert_eq!(d.contact_changes.len(), 1);
    let x = &d.contact_changes[0];
    assert_eq!(
        (x.id.as_str(), x.description.as_str(), x.changed_on.as_str()),
        (added.id.as_str(), "新任采购经理", "2026-11-02")
    );
    assert_eq!(x.contact_name.as_deref(), Some("赵敏"));
    assert!(active(&kam, &zhao.id));
    assert!(captured_change(&dir, "contact_changes", &added.id, "description").is_some());

    // Made a "left" change of another contact: that one is marked inactive, as when added.
    let left = ContactChangeInput { contact_id: Some(qian.id.clone()), kind: ContactChangeKind::Left, ..fixed.clone() };
    let edited = kam.update_contact_change(&added.id, &left).unwrap();
    assert_eq!((edited.kind, edited.contact_name.as_deref()), (ContactChangeKind::Left, Some("钱进")));
    assert!(!active(&kam, &qian.id));
    assert!(active(&kam, &zhao.id));

    // Fixing the description of that "left" change does not undo a later reactivation.
    let k = kam.dossier(&a.id).unwrap().contacts.into_iter().find(|k| k.id == qian.id).unwrap();
    kam.update_contact(&qian.id, &ContactInput { name: k.name, active: Some(true), ..Default::default() }).unwrap();
    kam.update_contact_change(&added.id, &ContactChangeInput { description: "钱进离职".into(), ..left.clone() })
        .unwrap();
    assert!(active(&kam, &qian.id), "already a left change of this contact: the edit changes only the text");

    // Refused exactly like a new change, and nothing written.
    let before = row_counts(&dir);
    let cases: [(ContactChangeInput, &str); 4] = [
        (ContactChangeInput { description: " ".into(), ..left.clone() }, "description"),
        (ContactChangeInput { description: "长".repeat(501), ..left.clone() }, "description"),
        (ContactChangeInput { changed_on: Some("2026-13-01".into()), ..left.clone() }, "changed_on"),
        (ContactChangeInput { contact_id: Some(elsewhere.id.clone()), ..left.clone() }, "contact_id"),
    ];
    for (input, field) in cases {
        assert_eq!(validation_field(kam.update_contact_change(&added.id, &input).unwrap_err()), field);
        assert_eq!(validation_field(kam.add_contact_change(&a.id, &input).unwrap_err()), field, "same rule as adding");
    }
    assert_eq!(row_counts(&dir), before, "nothing written by any refused edit");
    assert_eq!(kam.dossier(&a.id).unwrap().contact_changes[0].description, "钱进离职");

    // A deleted change is not found.
    kam.delete_item("contact_change", &added.id).unwrap();
    let before = row_counts(&dir);
    assert!(matches!(kam.update_contact_change(&added.id, &left), Err(KamError::NotFound { .. })));
    assert!(matches!(kam.contact_change(&added.id), Err(KamError::NotFound { .. })));
    assert_eq!(row_counts(&dir), before);
    assert!(kam.dossier(&a.id).unwrap().contact_changes.is_empty());
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
