//! Head-office exchange end to end on real database files: enrollment, export, preview, apply,
//! acknowledgement, conflicts, authorization, duplicate claims, merging and reassignment.

use std::path::{Path, PathBuf};

use kam_core::sync::{DeviceRole, DuplicateReason};
use kam_core::{CustomerInput, Fen, Kam, ProductInput, QuoteInput, QuoteLineInput, Role, Tier, VisitInput, VisitQuery};

pub struct Org {
    pub dir: tempfile::TempDir,
    pub hq: Kam,
    pub reps: Vec<Kam>,
    pub rep_users: Vec<String>,
}

pub fn customer(name: &str, credit: Option<&str>) -> CustomerInput {
    CustomerInput { name: name.into(), credit_code: credit.map(str::to_string), ..Default::default() }
}

/// Head office and `n` enrolled field devices, each in its own data file.
pub fn org(n: usize) -> Org {
    let dir = tempfile::tempdir().unwrap();
    let mut hq = Kam::open(&dir.path().join("hq.kam")).unwrap();
    hq.enroll_head_office("华东电力销售公司").unwrap();
    assert_eq!(hq.app_info().unwrap().current_user.name, "总部内勤");
    let names = ["张三", "李四", "王五", "赵六"];
    let mut reps = Vec::new();
    let mut rep_users = Vec::new();
    for (i, name) in names.iter().take(n).enumerate() {
        let u = hq.add_user(name, Role::Rep, "大客户部").unwrap();
        let file = dir.path().join(format!("rep{i}.kamenroll"));
        let e = hq.enroll_export(&u.id, Some(&file)).unwrap();
        assert_eq!(e.role, DeviceRole::Rep);
        let mut rep = Kam::open(&dir.path().join(format!("rep{i}.kam"))).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let st = rep.enroll_import(&file).unwrap();
        let tag = rep.app_info().unwrap().device_tag;
        assert!(text.contains(&format!("\"device_tag\": \"{tag}\"")), "the device takes the tag it was given");
        assert_eq!(st.role, Some(DeviceRole::Rep));
        assert_eq!(rep.app_info().unwrap().current_user.id, u.id);
        reps.push(rep);
        rep_users.push(u.id);
    }
    let mut tags: Vec<String> = reps.iter().map(|r| r.app_info().unwrap().device_tag).collect();
    tags.push(hq.app_info().unwrap().device_tag);
    let n_tags = tags.len();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), n_tags, "head office hands out distinct device tags");
    Org { dir, hq, reps, rep_users }
}

pub fn visits(k: &Kam, customer_id: &str) -> usize {
    k.visits(&VisitQuery { customer_id: Some(customer_id.to_string()), ..Default::default() }).unwrap().len()
}

/// A customer 嘉兴化纤 with a draft quote of one line (100 吨 at cost 70.00, the rebate given).
pub fn customer_with_quote(rep: &mut Kam, rebate: Option<&str>) -> (kam_core::Customer, kam_core::Quote) {
    let c = rep.create_customer(&customer("嘉兴化纤有限公司", None)).unwrap().customer;
    let q = rep.create_quote(&QuoteInput { customer_id: c.id.clone(), ..Default::default() }).unwrap();
    let line = QuoteLineInput {
        description: Some("涤纶长丝".into()),
        unit: Some("吨".into()),
        quantity: "100".parse().unwrap(),
        cost_fen: Some(Fen(7000)),
        rebate_rate: rebate.map(|r| r.parse().unwrap()),
        ..Default::default()
    };
    let q = rep.add_quote_line(&q.id, &line).unwrap();
    (c, q)
}

/// Export from `from` to `to` and import it there; returns the import report.
pub fn send(from: &mut Kam, to_name: &str, to: &mut Kam, dir: &Path) -> kam_core::sync::SyncFileReport {
    let out = from.sync_export(to_name, Some(dir)).unwrap();
    let res = to.sync_import(&[PathBuf::from(&out.path)], false);
    assert!(res[0].error.is_none(), "{:?}", res[0].error);
    res[0].report.clone().unwrap()
}

#[test]
fn a_reps_customer_and_visit_reach_head_office_and_the_ack_comes_back() {
    let mut o = org(1);
    let d = o.dir.path().to_path_buf();
    let rep = &mut o.reps[0];
    let c = rep.create_customer(&customer("苏州精密机械有限公司", Some("914403001922038216"))).unwrap();
    rep.log_visit(&c.customer.id, &VisitInput { purpose: Some("年度合作洽谈".into()), ..Default::default() }).unwrap();
    assert!(rep.sync_status().unwrap().pending_changes >= 2);

    let out = rep.sync_export("hq", Some(&d)).unwrap();
    assert!(out.file_name.starts_with("kam-张三-"), "{}", out.file_name);
    assert!(out.file_name.ends_with(".kamsync"));

    // The preview changes nothing.
    let before = o.hq.sync_visible_content(None).unwrap();
    let preview = o.hq.sync_import(&[PathBuf::from(&out.path)], true);
    let p = preview[0].report.as_ref().unwrap();
    assert!(!preview[0].applied);
    assert!(p.new_device);
    assert_eq!(p.sender_name, "张三");
    assert!(p.inserted >= 2, "{p:?}");
    assert!(p.refused.is_empty(), "{:?}", p.refused);
    assert_eq!(before, o.hq.sync_visible_content(None).unwrap());

    let applied = o.hq.sync_import(&[PathBuf::from(&out.path)], false);
    assert!(applied[0].applied);
    let hq_c = o.hq.customer(&c.customer.id).unwrap();
    assert_eq!(hq_c.name, "苏州精密机械有限公司");
    assert_eq!(o.hq.search_total("精密机械").unwrap(), 1, "the search index follows an import");
    assert_eq!(visits(&o.hq, &c.customer.id), 1);

    // The same file again: recognised, nothing changes.
    let again = o.hq.sync_import(&[PathBuf::from(&out.path)], false);
    assert!(again[0].report.as_ref().unwrap().already_applied_at.is_some());
    assert!(!again[0].applied);

    // Head office's return file acknowledges: the rep has nothing pending afterwards.
    let rep = &mut o.reps[0];
    send(&mut o.hq, "张三", rep, &d);
    assert_eq!(rep.sync_status().unwrap().pending_changes, 0);
    assert_eq!(o.hq.sync_history(10).unwrap().len(), 2);
    assert!(rep.app_info().unwrap().days_since_exchange == Some(0));
}

#[test]
fn a_file_from_an_unenrolled_device_is_refused_and_changes_nothing() {
    let mut o = org(1);
    let d = o.dir.path().to_path_buf();
    // A device that enrolled with a token head office never issued.
    let mut other_hq = Kam::open(&d.join("other-hq.kam")).unwrap();
    other_hq.enroll_head_office("华东电力销售公司").unwrap();
    let u = other_hq.add_user("钱七", Role::Rep, "").unwrap();
    let f = d.join("x.kamenroll");
    other_hq.enroll_export(&u.id, Some(&f)).unwrap();
    let mut stranger = Kam::open(&d.join("stranger.kam")).unwrap();
    stranger.enroll_import(&f).unwrap();
    stranger.create_customer(&customer("冒名客户", None)).unwrap();
    let out = stranger.sync_export("hq", Some(&d)).unwrap();
    let hq_path = o.hq.path().to_path_buf();
    drop(std::mem::replace(&mut o.hq, Kam::open(&hq_path).unwrap()));
    let before = std::fs::read(&hq_path).unwrap();
    let res = o.hq.sync_import(&[PathBuf::from(&out.path)], false);
    let err = res[0].error.as_ref().expect("refused");
    assert_eq!(err.code, "sync_file");
    assert!(err.message.contains("组织") || err.message.contains("注册"), "{}", err.message);
    assert_eq!(before, std::fs::read(&hq_path).unwrap(), "the database is byte-for-byte unchanged");
}

#[test]
fn concurrent_edits_of_one_field_land_in_the_conflict_inbox_and_can_be_reversed() {
    let mut o = org(1);
    let d = o.dir.path().to_path_buf();
    let c = o.reps[0].create_customer(&customer("无锡新能源科技有限公司", None)).unwrap().customer;
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    send(&mut o.hq, "张三", &mut o.reps[0], &d);

    // Both change the address before they next exchange; head office writes last.
    let mut a = customer("无锡新能源科技有限公司", None);
    a.address = Some("无锡市新吴区长江路 1 号".into());
    a.owner_id = Some(o.rep_users[0].clone());
    o.reps[0].update_customer(&c.id, &a).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut h = a.clone();
    h.address = Some("无锡市梁溪区中山路 88 号".into());
    o.hq.update_customer(&c.id, &h).unwrap();

    let r = send(&mut o.reps[0], "hq", &mut o.hq, &d);
    assert_eq!(r.conflicts, 1, "{r:?}");
    assert_eq!(o.hq.customer(&c.id).unwrap().address, "无锡市梁溪区中山路 88 号", "the later change wins");
    let inbox = o.hq.sync_conflicts(false).unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].column, "address");
    assert_eq!(inbox[0].loser_value, "无锡市新吴区长江路 1 号");
    assert_eq!(inbox[0].loser_by, "张三");
    assert_eq!(inbox[0].label, "无锡新能源科技有限公司");

    // Head office restores the rep's value; it travels back as a new change.
    o.hq.resolve_conflict(&inbox[0].id, true).unwrap();
    assert!(o.hq.sync_conflicts(false).unwrap().is_empty());
    assert_eq!(o.hq.customer(&c.id).unwrap().address, "无锡市新吴区长江路 1 号");
    send(&mut o.hq, "张三", &mut o.reps[0], &d);
    assert_eq!(o.reps[0].customer(&c.id).unwrap().address, "无锡市新吴区长江路 1 号");
    assert_eq!(
        o.hq.sync_visible_content(Some(&o.rep_users[0])).unwrap(),
        o.reps[0].sync_visible_content(Some(&o.rep_users[0])).unwrap()
    );
}

#[test]
fn a_rep_cannot_change_what_only_head_office_may_and_is_told_so() {
    let mut o = org(0);
    let d = o.dir.path().to_path_buf();
    let u = o.hq.add_user("张三", Role::Rep, "大客户部").unwrap();
    o.hq.enroll_export(&u.id, Some(&d.join("z.kamenroll"))).unwrap();
    let product = |code: &str| ProductInput {
        code: code.into(),
        name: "变压器".into(),
        unit: "台".into(),
        cost_fen: Fen(100),
        ..Default::default()
    };
    // A laptop used on its own before enrollment keeps its own catalog entry…
    let mut rep = Kam::open(&d.join("z.kam")).unwrap();
    rep.add_product(&product("P-1")).unwrap();
    rep.enroll_import(&d.join("z.kamenroll")).unwrap();
    // …once enrolled it refuses such edits at once…
    let e = rep.add_product(&product("P-2")).unwrap_err();
    assert!(e.to_string().contains("业务员设备"), "{e}");
    rep.create_customer(&customer("常州轨道交通有限公司", None)).unwrap();
    // …and head office refuses the old entry when it arrives, applying the rest of the file.
    let r = send(&mut rep, "hq", &mut o.hq, &d);
    assert_eq!(r.refused.len(), 1, "{r:?}");
    assert_eq!(r.refused[0].table, "products");
    assert!(r.refused[0].reason.contains("只有总部"));
    assert!(o.hq.products().unwrap().is_empty());
    assert_eq!(o.hq.search_total("常州轨道").unwrap(), 1, "the allowed changes in the same file are applied");

    // The rep learns it from head office's return file, once.
    let back = send(&mut o.hq, "张三", &mut rep, &d);
    assert_eq!(back.refused.len(), 1, "{back:?}");
    assert!(back.refused[0].reason.starts_with("总部未接受：只有总部"), "{}", back.refused[0].reason);
    assert_eq!(back.refused[0].label, "变压器");
    send(&mut rep, "hq", &mut o.hq, &d);
    assert!(send(&mut o.hq, "张三", &mut rep, &d).refused.is_empty(), "acknowledged notices are not repeated");
}

#[test]
fn two_reps_registering_one_company_are_flagged_and_merged_with_every_reference() {
    let mut o = org(2);
    let d = o.dir.path().to_path_buf();
    let a = o.reps[0].create_customer(&customer("南京钢铁集团有限公司", Some("91440300708461136T"))).unwrap().customer;
    o.reps[0].log_visit(&a.id, &VisitInput { purpose: Some("a".into()), ..Default::default() }).unwrap();
    let b = o.reps[1].create_customer(&customer("南京钢铁集团有限公司", Some("91440300708461136T"))).unwrap().customer;
    o.reps[1].log_visit(&b.id, &VisitInput { purpose: Some("b".into()), ..Default::default() }).unwrap();
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    let r = send(&mut o.reps[1], "hq", &mut o.hq, &d);
    assert_eq!(r.duplicates.len(), 1, "{r:?}");
    assert_eq!(r.duplicates[0].reason, DuplicateReason::CreditCode);
    let claims = o.hq.duplicate_claims(false).unwrap();
    assert_eq!(claims.len(), 1);

    let m = o.hq.merge_customers(&a.id, &b.id).unwrap();
    assert!(m.moved >= 1, "the visit moved");
    assert!(o.hq.duplicate_claims(false).unwrap().is_empty());
    assert_eq!(visits(&o.hq, &a.id), 2);
    assert!(o.hq.customer(&b.id).is_err(), "the merged customer is gone");

    // A visit the second rep logged offline to the merged customer is redirected on arrival.
    o.reps[1].log_visit(&b.id, &VisitInput { purpose: Some("late".into()), ..Default::default() }).unwrap();
    send(&mut o.reps[1], "hq", &mut o.hq, &d);
    assert_eq!(visits(&o.hq, &a.id), 3);

    // The kept customer's owner receives the moved visits.
    send(&mut o.hq, "张三", &mut o.reps[0], &d);
    assert_eq!(visits(&o.reps[0], &a.id), 3);
}

#[test]
fn reassigning_a_departed_reps_customer_sends_the_whole_dossier_to_the_new_owner() {
    let mut o = org(2);
    let d = o.dir.path().to_path_buf();
    let c = o.reps[0].create_customer(&customer("杭州数据科技有限公司", None)).unwrap().customer;
    for i in 0..3 {
        o.reps[0].log_visit(&c.id, &VisitInput { purpose: Some(format!("v{i}")), ..Default::default() }).unwrap();
    }
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    send(&mut o.reps[1], "hq", &mut o.hq, &d);
    send(&mut o.hq, "李四", &mut o.reps[1], &d);
    assert!(o.reps[1].customer(&c.id).is_err(), "李四 does not see 张三's customer");

    let mut input = customer("杭州数据科技有限公司", None);
    input.owner_id = Some(o.rep_users[1].clone());
    o.hq.update_customer(&c.id, &input).unwrap();
    send(&mut o.hq, "李四", &mut o.reps[1], &d);
    assert_eq!(visits(&o.reps[1], &c.id), 3, "nothing is lost");
    // The old owner's laptop gives the customer up with everything of it; head office keeps it.
    let r = send(&mut o.hq, "张三", &mut o.reps[0], &d);
    assert_eq!(r.withdrawn, 1);
    assert_eq!(o.reps[0].customer(&c.id).unwrap_err().code(), "not_found");
    assert_eq!(visits(&o.reps[0], &c.id), 0);
    assert_eq!(visits(&o.hq, &c.id), 3);
    for (i, rep) in o.reps.iter().enumerate() {
        assert_eq!(
            o.hq.sync_visible_content(Some(&o.rep_users[i])).unwrap(),
            rep.sync_visible_content(Some(&o.rep_users[i])).unwrap(),
            "device {i} converged"
        );
    }
}

fn db_bytes(k: &Kam) -> (Vec<u8>, Vec<u8>) {
    let p = k.path().to_path_buf();
    let wal = PathBuf::from(format!("{}-wal", p.display()));
    (std::fs::read(&p).unwrap(), std::fs::read(&wal).unwrap_or_default())
}

fn kind(e: &kam_core::KamError) -> &'static str {
    match e {
        kam_core::KamError::SyncFile { kind, .. } => kind.as_str(),
        other => panic!("expected a sync file error, got {other:?}"),
    }
}

#[test]
fn every_way_a_file_can_be_bad_is_refused_with_its_reason_and_the_database_is_unchanged() {
    let mut o = org(2);
    o.reps[0].create_customer(&customer("合肥光伏材料有限公司", None)).unwrap();
    let (_, good, _, _) = o.reps[0].sync_export_bytes("hq").unwrap();
    let (_, for_hq_from_rep1, _, _) = o.reps[1].sync_export_bytes("hq").unwrap();
    let before = db_bytes(&o.hq);

    for cut in 0..good.len() {
        let e = o.hq.sync_import_bytes(&good[..cut], false).unwrap_err();
        assert_eq!(kind(&e), "truncated", "cut at {cut}");
    }
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 1 << (i % 8);
        let e = o.hq.sync_import_bytes(&bad, false).unwrap_err();
        let k = kind(&e);
        assert!(k != "truncated" || i >= 10, "byte {i}: {k}");
    }
    let mut old = good.clone();
    old[8..10].copy_from_slice(&0u16.to_be_bytes());
    assert_eq!(kind(&o.hq.sync_import_bytes(&old, false).unwrap_err()), "format_too_old");
    let mut new = good.clone();
    new[8..10].copy_from_slice(&2u16.to_be_bytes());
    assert_eq!(kind(&o.hq.sync_import_bytes(&new, false).unwrap_err()), "format_too_new");
    let mut junk = b"PK\x03\x04 not a sync file".to_vec();
    junk.extend_from_slice(&good);
    assert_eq!(kind(&o.hq.sync_import_bytes(&junk, false).unwrap_err()), "not_sync_file");
    assert_eq!(before, db_bytes(&o.hq), "head office is byte-for-byte unchanged");

    // A file addressed to head office, imported on another rep's laptop.
    let rep0_before = db_bytes(&o.reps[0]);
    assert_eq!(kind(&o.reps[0].sync_import_bytes(&for_hq_from_rep1, false).unwrap_err()), "wrong_addressee");
    assert_eq!(rep0_before, db_bytes(&o.reps[0]));

    // Another organisation's file.
    let d = o.dir.path().to_path_buf();
    let mut other = Kam::open(&d.join("other.kam")).unwrap();
    other.enroll_head_office("另一家公司").unwrap();
    let u = other.add_user("外人", Role::Rep, "").unwrap();
    other.enroll_export(&u.id, Some(&d.join("o.kamenroll"))).unwrap();
    let mut outsider = Kam::open(&d.join("outsider.kam")).unwrap();
    outsider.enroll_import(&d.join("o.kamenroll")).unwrap();
    let (_, foreign, _, _) = outsider.sync_export_bytes("hq").unwrap();
    assert_eq!(kind(&o.hq.sync_import_bytes(&foreign, false).unwrap_err()), "wrong_organisation");

    // Same organisation, but an enrollment head office never issued (forged token): unknown key.
    let u2 = o.hq.add_user("孙八", Role::Rep, "").unwrap();
    let f = d.join("forged.kamenroll");
    o.hq.enroll_export(&u2.id, Some(&f)).unwrap();
    let text = std::fs::read_to_string(&f).unwrap();
    let token = text.split("\"token\": \"").nth(1).unwrap().split('"').next().unwrap().to_string();
    std::fs::write(&f, text.replace(&token, "0123456789abcdef0123456789abcdef")).unwrap();
    let mut forger = Kam::open(&d.join("forger.kam")).unwrap();
    forger.enroll_import(&f).unwrap();
    let (_, forged, _, _) = forger.sync_export_bytes("hq").unwrap();
    let before = db_bytes(&o.hq);
    assert_eq!(kind(&o.hq.sync_import_bytes(&forged, false).unwrap_err()), "unknown_key");
    assert_eq!(before, db_bytes(&o.hq));

    // And the good file still applies.
    assert_eq!(o.hq.sync_import_bytes(&good, false).unwrap().inserted, 2);
}

#[test]
fn near_identical_names_from_two_reps_are_a_duplicate_claim() {
    let mut o = org(2);
    let d = o.dir.path().to_path_buf();
    o.reps[0].create_customer(&customer("南京钢铁集团有限公司", None)).unwrap();
    o.reps[1].create_customer(&customer("南京钢铁集团股份有限公司", None)).unwrap();
    o.reps[1].create_customer(&customer("南京钢铁贸易有限公司", None)).unwrap();
    assert!(send(&mut o.reps[0], "hq", &mut o.hq, &d).duplicates.is_empty());
    let r = send(&mut o.reps[1], "hq", &mut o.hq, &d);
    assert_eq!(r.duplicates.len(), 1, "{:?}", r.duplicates);
    assert_eq!(r.duplicates[0].reason, DuplicateReason::Name);
    assert_eq!(r.duplicates[0].customer_name, "南京钢铁集团股份有限公司");
    assert_eq!(r.duplicates[0].other_name, "南京钢铁集团有限公司");
    assert_eq!(r.duplicates[0].other_owner.as_deref(), Some("张三"));
    let h = o.hq.sync_history(1).unwrap();
    assert!(h[0].file_name.starts_with("kam-李四-"), "{:?}", h[0]);
}

#[test]
fn importing_several_files_reports_progress_and_a_bad_one_does_not_stop_the_others() {
    let mut o = org(2);
    let d = o.dir.path().to_path_buf();
    o.reps[0].create_customer(&customer("宁波港口物流有限公司", None)).unwrap();
    o.reps[1].create_customer(&customer("温州电气有限公司", None)).unwrap();
    let a = o.reps[0].sync_export("hq", Some(&d)).unwrap();
    let b = o.reps[1].sync_export("hq", Some(&d)).unwrap();
    let junk = d.join("junk.kamsync");
    std::fs::write(&junk, b"not a sync file").unwrap();
    let mut seen = Vec::new();
    let paths = [PathBuf::from(&a.path), junk, PathBuf::from(&b.path)];
    let res = o.hq.sync_import_with_progress(&paths, false, &mut |p| seen.push(p));
    assert_eq!(seen, vec![0, 33, 66, 100]);
    assert!(res[0].applied && res[2].applied);
    assert_eq!(res[1].error.as_ref().unwrap().code, "sync_file");
    assert_eq!(o.hq.search_total("宁波港口").unwrap() + o.hq.search_total("温州电气").unwrap(), 2);
}

#[test]
fn a_manager_sees_and_approves_for_the_department_only() {
    use kam_core::QuoteStatus;
    let mut o = org(1); // 张三, 大客户部
    let d = o.dir.path().to_path_buf();
    let other = o.hq.add_user("周九", Role::Rep, "渠道部").unwrap();
    let mgr = o.hq.add_user("王经理", Role::Manager, "大客户部").unwrap();
    let (f_other, f_mgr) = (d.join("other.kamenroll"), d.join("mgr.kamenroll"));
    o.hq.enroll_export(&other.id, Some(&f_other)).unwrap();
    assert_eq!(o.hq.enroll_export(&mgr.id, Some(&f_mgr)).unwrap().role, DeviceRole::Manager);
    let mut other_dev = Kam::open(&d.join("other.kam")).unwrap();
    other_dev.enroll_import(&f_other).unwrap();
    let mut mgr_dev = Kam::open(&d.join("mgr.kam")).unwrap();
    mgr_dev.enroll_import(&f_mgr).unwrap();

    let (c, q) = customer_with_quote(&mut o.reps[0], Some("0.05"));
    assert_eq!(o.reps[0].submit_quote(&q.id).unwrap().status, QuoteStatus::PendingApproval);
    let theirs = other_dev.create_customer(&customer("湖州丝绸有限公司", None)).unwrap().customer;
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    send(&mut other_dev, "hq", &mut o.hq, &d);
    send(&mut mgr_dev, "hq", &mut o.hq, &d);
    send(&mut o.hq, "王经理", &mut mgr_dev, &d);
    assert!(mgr_dev.customer(&c.id).is_ok(), "the department's customer reaches the manager");
    assert!(mgr_dev.customer(&theirs.id).is_err(), "another department's does not");

    // The manager approves on the laptop; head office accepts it, the rep receives it.
    assert_eq!(mgr_dev.approve_quote(&q.id, "同意").unwrap().status, QuoteStatus::Approved);
    let r = send(&mut mgr_dev, "hq", &mut o.hq, &d);
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    send(&mut o.hq, "张三", &mut o.reps[0], &d);
    assert_eq!(o.reps[0].quote(&q.id).unwrap().status, QuoteStatus::Approved);

    // The manager's laptop holds what head office holds of the department.
    assert_eq!(o.hq.sync_visible_content(Some(&mgr.id)).unwrap(), mgr_dev.sync_visible_content(Some(&mgr.id)).unwrap());
}

#[test]
fn a_refused_approval_sends_the_quote_back_to_pending_approval_everywhere() {
    use kam_core::QuoteStatus;
    let mut o = org(1); // 张三
    let d = o.dir.path().to_path_buf();
    let mgr = o.hq.add_user("王经理", Role::Manager, "大客户部").unwrap();
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    send(&mut o.hq, "张三", &mut o.reps[0], &d); // the list of people reaches the laptop
    let (_, q) = customer_with_quote(&mut o.reps[0], Some("0.05"));
    o.reps[0].submit_quote(&q.id).unwrap();
    // A tampered laptop signs the manager's approval itself and sends the quote.
    let zhang = o.reps[0].app_info().unwrap().current_user;
    o.reps[0].set_current_user(&mgr.id).unwrap();
    o.reps[0].approve_quote(&q.id, "同意").unwrap();
    o.reps[0].set_current_user(&zhang.id).unwrap();
    assert_eq!(o.reps[0].send_quote(&q.id).unwrap().status, QuoteStatus::Sent);

    // Head office refuses the approval and does not keep the quote as sent: it goes back to
    // pending approval, and the report says so.
    let r = send(&mut o.reps[0], "hq", &mut o.hq, &d);
    assert!(r.refused.iter().any(|x| x.table == "quote_approvals"), "{:?}", r.refused);
    let back = r.refused.iter().find(|x| x.table == "quotes").expect("the quote's refusal");
    assert!(back.reason.contains("待审批"), "{}", back.reason);
    let at_hq = o.hq.quote(&q.id).unwrap();
    assert_eq!(at_hq.status, QuoteStatus::PendingApproval);
    assert!(at_hq.approvals.is_empty());

    // The rep is told in the return file, and the laptop's quote is pending approval again.
    let back_home = send(&mut o.hq, "张三", &mut o.reps[0], &d);
    assert!(
        back_home.refused.iter().any(|x| x.reason.contains("总部未接受") && x.table == "quotes"),
        "{:?}",
        back_home.refused
    );
    assert_eq!(o.reps[0].quote(&q.id).unwrap().status, QuoteStatus::PendingApproval);
}

#[test]
fn a_freshly_enrolled_rep_gets_head_offices_company_for_the_quote_header() {
    use kam_core::CompanyInfo;
    let mut o = org(0);
    let d = o.dir.path().to_path_buf();
    let company = CompanyInfo {
        name: "华东电力销售有限公司".into(),
        address: "杭州市滨江区江南大道 1 号".into(),
        phone: "0571-8888 0000".into(),
    };
    o.hq.set_company_info(&company).unwrap();
    let u = o.hq.add_user("钱七", Role::Rep, "大客户部").unwrap();
    let file = d.join("qian.kamenroll");
    o.hq.enroll_export(&u.id, Some(&file)).unwrap();
    let mut rep = Kam::open(&d.join("qian.kam")).unwrap();
    assert_eq!(rep.company_info().unwrap().name, "");
    rep.enroll_import(&file).unwrap();
    assert_eq!(rep.company_info().unwrap(), company, "the rep's quotes carry head office's header");

    // A laptop that already has its own company name keeps it.
    let u2 = o.hq.add_user("孙八", Role::Rep, "大客户部").unwrap();
    let file2 = d.join("sun.kamenroll");
    o.hq.enroll_export(&u2.id, Some(&file2)).unwrap();
    let mut rep2 = Kam::open(&d.join("sun.kam")).unwrap();
    let own = CompanyInfo { name: "自有公司".into(), ..Default::default() };
    rep2.set_company_info(&own).unwrap();
    rep2.enroll_import(&file2).unwrap();
    assert_eq!(rep2.company_info().unwrap(), own);
}

#[test]
fn a_reps_exports_reach_head_offices_audit_log_and_a_gap_in_it_is_refused() {
    let mut o = org(1);
    let d = o.dir.path().to_path_buf();
    let rep_device = o.reps[0].app_info().unwrap().device_id;
    let (_, q) = customer_with_quote(&mut o.reps[0], None);
    o.reps[0].export_quote(&q.id, &d.join("报价单.xlsx"), false).unwrap();

    // The rep's export reaches head office's audit log, as the rep's device recorded it.
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    let log = o.hq.audit_entries(&Default::default()).unwrap();
    let theirs: Vec<&str> = log.iter().filter(|e| e.device_id == rep_device).map(|e| e.kind.as_str()).collect();
    assert_eq!(theirs, ["quote_customer"], "{log:?}");
    assert!(log.iter().any(|e| e.device_id != rep_device && e.kind == "enrollment_file"), "head office's own: {log:?}");
    assert_eq!(o.hq.verify_audit_chain().unwrap().broken_at, None);

    // Two more exports on the laptop; one is removed from its database behind KAM's back. The next
    // file is refused whole, and head office's log is as it was.
    o.reps[0].export_quote(&q.id, &d.join("报价单2.xlsx"), false).unwrap();
    o.reps[0].export_quote(&q.id, &d.join("报价单3.xlsx"), false).unwrap();
    let raw = rusqlite::Connection::open(d.join("rep0.kam")).unwrap();
    raw.execute_batch(
        "DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE device_seq = (SELECT max(device_seq) - 1 FROM audit_log);",
    )
    .unwrap();
    let out = o.reps[0].sync_export("hq", Some(&d)).unwrap();
    let res = o.hq.sync_import(&[PathBuf::from(&out.path)], false);
    let err = res[0].error.as_ref().expect("a file with a gap in its audit log is refused");
    assert_eq!(err.code, "sync_file");
    assert!(err.message.contains("审计记录"), "{}", err.message);
    assert_eq!(o.hq.audit_entries(&Default::default()).unwrap().len(), log.len(), "nothing of it applied");
}

#[test]
fn head_office_refuses_a_strategic_tier_or_a_customer_code_from_a_laptop() {
    let mut o = org(1);
    let d = o.dir.path().to_path_buf();
    let c = o.reps[0].create_customer(&customer("嘉兴化纤有限公司", None)).unwrap().customer;
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    // A tampered laptop (trusted in-process here) makes its customer strategic.
    o.reps[0].change_tier(&c.id, Tier::Strategic, "自己定的").unwrap();
    let r = send(&mut o.reps[0], "hq", &mut o.hq, &d);
    assert!(r.refused.iter().any(|x| x.table == "customers" && x.reason.contains("战略客户")), "{:?}", r.refused);
    assert_ne!(o.hq.customer(&c.id).unwrap().tier, Tier::Strategic);
}

#[test]
fn a_change_whose_author_is_not_the_devices_person_is_refused() {
    let mut o = org(2); // 张三, 李四
    let d = o.dir.path().to_path_buf();
    let c = o.reps[0].create_customer(&customer("嘉兴化纤有限公司", None)).unwrap().customer;
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    send(&mut o.hq, "张三", &mut o.reps[0], &d); // 李四 is known on 张三's laptop now
                                                 // A tampered laptop (trusted in-process here) edits as 李四.
    let zhang = o.reps[0].app_info().unwrap().current_user;
    o.reps[0].set_current_user(&o.rep_users[1]).unwrap();
    let mut input = customer("嘉兴化纤有限公司", None);
    input.address = Some("冒名修改的地址".into());
    o.reps[0].update_customer(&c.id, &input).unwrap();
    o.reps[0].set_current_user(&zhang.id).unwrap();
    let r = send(&mut o.reps[0], "hq", &mut o.hq, &d);
    assert!(r.refused.iter().any(|x| x.table == "customers" && x.reason.contains("作者")), "{:?}", r.refused);
    assert_ne!(o.hq.customer(&c.id).unwrap().address, "冒名修改的地址");
}

#[test]
fn a_reset_code_from_head_office_travels_in_the_return_file_and_works_once() {
    let mut o = org(1); // 张三
    let d = o.dir.path().to_path_buf();
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    let reset = o.hq.issue_password_reset(&o.rep_users[0]).unwrap();
    assert_eq!(reset.user.name, "张三");
    assert!(o.reps[0].issue_password_reset(&o.rep_users[0]).is_err(), "only head office issues codes");
    send(&mut o.hq, "张三", &mut o.reps[0], &d);

    let path = d.join("rep0.kam");
    let mut laptop = Kam::open_locked(&path).unwrap();
    let typed = reset.code.to_lowercase().replace('-', " ");
    assert_eq!(
        laptop.reset_password_with_code("张三", "AAAAA-AAAAA", "new-pass-1").unwrap_err().code(),
        "wrong_password"
    );
    assert_eq!(laptop.reset_password_with_code("张三", &typed, "new-pass-1").unwrap().name, "张三");
    drop(laptop);
    let mut again = Kam::open_locked(&path).unwrap();
    assert_eq!(again.sign_in("张三", "new-pass-1").unwrap().name, "张三");
    let mut third = Kam::open_locked(&path).unwrap();
    assert_eq!(
        third.reset_password_with_code("张三", &typed, "other-pass-2").unwrap_err().code(),
        "wrong_password",
        "once only"
    );
}
