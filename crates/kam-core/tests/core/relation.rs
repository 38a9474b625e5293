//! Relationship maintenance: visits and plans, the cadence engine on fixed dates, care
//! reminders, complaints and their deadlines, surveys, the Today page, and bad input.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use kam_core::*;

/// A clock the test moves: `set(t)` changes what the core thinks "now" is.
struct TestKam {
    kam: Kam,
    now: Arc<Mutex<DateTime<Utc>>>,
    _dir: tempfile::TempDir,
}

impl TestKam {
    fn at(utc: &str) -> TestKam {
        let dir = tempfile::tempdir().unwrap();
        let now = Arc::new(Mutex::new(utc.parse::<DateTime<Utc>>().unwrap()));
        let c = now.clone();
        let clock: Clock = Arc::new(move || *c.lock().unwrap());
        let kam = Kam::open_with_clock(&dir.path().join("kam.sqlite3"), clock).unwrap();
        TestKam { kam, now, _dir: dir }
    }

    /// Move the clock to 10:00 in Shanghai on `date` (02:00 UTC).
    fn day(&self, date: &str) {
        self.set(&format!("{date}T02:00:00Z"));
    }

    fn set(&self, utc: &str) {
        *self.now.lock().unwrap() = utc.parse().unwrap();
    }

    fn customer(&mut self, name: &str, tier: Tier, owner: Option<&str>) -> Customer {
        self.kam
            .create_customer(&CustomerInput {
                name: name.into(),
                tier: Some(tier),
                owner_id: owner.map(str::to_string),
                ..Default::default()
            })
            .unwrap()
            .customer
    }

    fn contact(&mut self, customer: &str, name: &str) -> Contact {
        self.kam.add_contact(customer, &ContactInput { name: name.into(), ..Default::default() }).unwrap()
    }

    fn log(&mut self, customer: &str, on: &str, kind: VisitKind) -> Visit {
        let executive = (kind == VisitKind::ExecutiveVisit).then_some(Executive::Liaison);
        self.kam
            .log_visit(customer, &VisitInput { visited_on: Some(on.into()), kind, executive, ..Default::default() })
            .unwrap()
    }

    /// The due item of one customer and rule.
    fn due(&self, customer: &str, rule: CadenceKind) -> Option<DueItem> {
        self.kam
            .due(&DueQuery { customer_id: Some(customer.into()), ..Default::default() })
            .unwrap()
            .into_iter()
            .find(|d| d.rule == rule)
    }

    /// Rows in every table: "nothing written" means these stay equal.
    fn row_counts(&self) -> Vec<(String, i64)> {
        let c = rusqlite::Connection::open(self.kam.path()).unwrap();
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
}

fn field(e: KamError) -> String {
    match e {
        KamError::Validation { field, zh, en } => {
            assert!(!zh.is_empty() && !en.is_empty());
            field
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn monthly_contact_handles_month_ends_and_leap_years() {
    let mut t = TestKam::at("2025-06-01T02:00:00Z");
    let c = t.customer("华东电力设备有限公司", Tier::Strategic, None);
    t.day("2026-01-31");
    t.log(&c.id, "2026-01-31", VisitKind::Phone);

    t.day("2026-02-28");
    let d = t.due(&c.id, CadenceKind::Contact).unwrap();
    assert_eq!(d.last_on.as_deref(), Some("2026-01-31"));
    assert_eq!(d.next_due_on, "2026-02-28", "31 January + 1 month = 28 February");
    assert_eq!((d.days_overdue, d.status), (0, DueStatus::DueSoon), "due today is not overdue");
    t.day("2026-03-01");
    let d = t.due(&c.id, CadenceKind::Contact).unwrap();
    assert_eq!((d.days_overdue, d.status), (1, DueStatus::Overdue));

    // Leap year: 31 January 2028 + 1 month = 29 February 2028.
    t.day("2028-01-31");
    t.log(&c.id, "2028-01-31", VisitKind::Email);
    t.day("2028-02-29");
    assert_eq!(t.due(&c.id, CadenceKind::Contact).unwrap().days_overdue, 0);
    t.day("2028-03-01");
    let d = t.due(&c.id, CadenceKind::Contact).unwrap();
    assert_eq!((d.next_due_on.as_str(), d.days_overdue), ("2028-02-29", 1));

    // A top-leader visit on 29 February is due again on 28 February of the next year.
    t.kam
        .log_visit(
            &c.id,
            &VisitInput {
                visited_on: Some("2028-02-29".into()),
                kind: VisitKind::ExecutiveVisit,
                executive: Some(Executive::TopLeader),
                ..Default::default()
            },
        )
        .unwrap();
    let d = t.due(&c.id, CadenceKind::TopLeader).unwrap();
    assert_eq!(d.next_due_on, "2029-02-28");
    assert_eq!(d.done_this_year, 1);
    assert_eq!(
        t.due(&c.id, CadenceKind::FaceToFace).unwrap().last_on.as_deref(),
        Some("2028-02-29"),
        "executive visits are face-to-face"
    );
    assert_eq!(t.due(&c.id, CadenceKind::Liaison).unwrap().last_on, None, "the top leader is not the liaison");
}

#[test]
fn a_customer_never_visited_is_due_one_interval_after_filing() {
    let mut t = TestKam::at("2026-01-10T02:00:00Z");
    let c = t.customer("从未拜访的客户有限公司", Tier::Strategic, None);
    t.day("2026-03-01");
    let items = t.kam.due(&DueQuery { customer_id: Some(c.id.clone()), ..Default::default() }).unwrap();
    let by = |k| items.iter().find(|d| d.rule == k).unwrap();
    assert_eq!(items.len(), 4, "strategic: contact, face-to-face, top leader, liaison");
    assert!(items.iter().all(|d| d.last_on.is_none() && d.tier_since == "2026-01-10"));
    assert_eq!(
        (by(CadenceKind::Contact).next_due_on.as_str(), by(CadenceKind::Contact).days_overdue),
        ("2026-02-10", 19)
    );
    assert_eq!(by(CadenceKind::FaceToFace).next_due_on, "2026-04-10");
    assert_eq!(by(CadenceKind::Liaison).next_due_on, "2026-07-10");
    assert_eq!(by(CadenceKind::TopLeader).next_due_on, "2027-01-10");
    assert_eq!(items[0].rule, CadenceKind::Contact, "most overdue first");

    let prospect = t.customer("潜在客户有限公司", Tier::Prospect, None);
    assert!(
        t.kam.due(&DueQuery { customer_id: Some(prospect.id), ..Default::default() }).unwrap().is_empty(),
        "no rules for prospects"
    );
}

#[test]
fn tier_changes_mid_year_and_rule_changes_apply_at_once() {
    let mut t = TestKam::at("2026-01-10T02:00:00Z");
    let c = t.customer("年中升级客户有限公司", Tier::Regular, None);
    t.day("2026-02-01");
    t.log(&c.id, "2026-02-01", VisitKind::FaceToFace);
    t.day("2026-07-01");
    let only = t.kam.due(&DueQuery { customer_id: Some(c.id.clone()), ..Default::default() }).unwrap();
    assert_eq!(only.len(), 1, "regular: face-to-face once a year");
    assert_eq!((only[0].next_due_on.as_str(), only[0].status), ("2027-02-01", DueStatus::OnTrack));

    t.kam.change_tier(&c.id, Tier::Strategic, "年采购额超过 500 万元").unwrap();
    t.day("2026-08-05");
    let contact = t.due(&c.id, CadenceKind::Contact).unwrap();
    assert_eq!(contact.tier, Tier::Strategic);
    assert_eq!(contact.tier_since, "2026-07-01");
    assert_eq!(contact.last_on.as_deref(), Some("2026-02-01"), "the visit before the upgrade is still shown");
    assert_eq!((contact.next_due_on.as_str(), contact.days_overdue), ("2026-08-01", 4), "clock starts at the upgrade");
    assert_eq!(t.due(&c.id, CadenceKind::FaceToFace).unwrap().next_due_on, "2026-10-01");
    assert_eq!(t.due(&c.id, CadenceKind::Liaison).unwrap().next_due_on, "2027-01-01");

    // A rule change is seen by the very next read.
    t.kam.set_cadence_rule(Tier::Strategic, CadenceKind::Contact, 6).unwrap();
    let contact = t.due(&c.id, CadenceKind::Contact).unwrap();
    assert_eq!((contact.next_due_on.as_str(), contact.status), ("2026-09-01", DueStatus::OnTrack));
    t.kam.set_cadence_rule(Tier::Strategic, CadenceKind::Contact, 0).unwrap();
    assert!(t.due(&c.id, CadenceKind::Contact).is_none(), "0 switches the rule off");
    assert_eq!(field(t.kam.set_cadence_rule(Tier::Key, CadenceKind::FaceToFace, 53).unwrap_err()), "per_year");

    // Downgrade: the key tier's rules start from the downgrade day.
    t.kam.change_tier(&c.id, Tier::Key, "年度评审调整").unwrap();
    let f2f = t.due(&c.id, CadenceKind::FaceToFace).unwrap();
    assert_eq!((f2f.tier, f2f.next_due_on.as_str()), (Tier::Key, "2027-02-05"));
    let rules = t.kam.cadence_rules().unwrap();
    assert_eq!(rules.len(), 16);
    let key_f2f = rules.iter().find(|r| r.tier == Tier::Key && r.kind == CadenceKind::FaceToFace).unwrap();
    assert_eq!(key_f2f.per_year, 2);
    assert!(key_f2f.interval_zh.contains("每 6 个月"), "{}", key_f2f.interval_zh);
}

#[test]
fn logging_a_visit_takes_the_customer_off_todays_overdue_list() {
    let mut t = TestKam::at("2026-01-05T02:00:00Z");
    let rep = t.kam.add_user("李明", Role::Rep, "大客户一部").unwrap();
    let other = t.kam.add_user("王芳", Role::Rep, "大客户二部").unwrap();
    let mine = t.customer("华东电力设备有限公司", Tier::Strategic, Some(&rep.id));
    let theirs = t.customer("上海港务集团有限公司", Tier::Strategic, Some(&other.id));
    let k = t.contact(&mine.id, "张伟");
    t.day("2026-04-20");

    let page = t.kam.today_page(Some(&rep.id)).unwrap();
    assert_eq!(page.today, "2026-04-20");
    assert!(page.overdue.iter().all(|d| d.customer_id == mine.id), "only the rep's customers");
    let late: Vec<CadenceKind> = page.overdue.iter().map(|d| d.rule).collect();
    assert_eq!(late, vec![CadenceKind::Contact, CadenceKind::FaceToFace], "contact 74 days late, face-to-face 15");
    assert!(page.overdue[0].days_overdue > page.overdue[1].days_overdue, "sorted by lateness");
    assert_eq!(page.overdue_total, 2);
    assert_eq!(t.kam.today_page(None).unwrap().overdue_total, 4, "the whole company");

    let v = t
        .kam
        .log_visit(
            &mine.id,
            &VisitInput {
                kind: VisitKind::FaceToFace,
                contact_ids: vec![k.id.clone()],
                purpose: Some("年度合作回顾".into()),
                outcome: Some("客户认可方案".into()),
                problems: Some("交货期偏长".into()),
                next_step: Some("提交修改后的报价".into()),
                follow_up_on: Some("2026-04-24".into()),
                travel_fen: Some(Fen(35_000)),
                hospitality_fen: Some(Fen(120_050)),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(v.visited_on, "2026-04-20", "today in Asia/Shanghai by default");
    assert_eq!(v.contacts, vec![ContactRef { id: k.id.clone(), name: "张伟".into(), title: String::new() }]);
    assert_eq!((v.travel_fen, v.hospitality_fen), (Fen(35_000), Fen(120_050)));
    let page = t.kam.today_page(Some(&rep.id)).unwrap();
    assert!(page.overdue.is_empty(), "off the overdue list at once: {:?}", page.overdue);
    assert_eq!(page.follow_ups.len(), 1);
    assert_eq!((page.follow_ups[0].follow_up_on.as_str(), page.follow_ups[0].days_overdue), ("2026-04-24", -4));
    assert_eq!(t.kam.today_page(Some(&other.id)).unwrap().overdue.len(), 2, "the other rep's customer is still late");
    assert!(t.kam.today_page(None).unwrap().overdue.iter().all(|d| d.customer_id == theirs.id));

    // A later visit closes the follow-up; deleting it brings the cadence back.
    t.day("2026-04-22");
    let second = t.log(&mine.id, "2026-04-22", VisitKind::Phone);
    assert!(t.kam.today_page(Some(&rep.id)).unwrap().follow_ups.is_empty());
    assert_eq!(t.kam.visit(&v.id).unwrap().follow_up_done_on.as_deref(), Some("2026-04-22"));
    assert_eq!(t.due(&mine.id, CadenceKind::Contact).unwrap().last_on.as_deref(), Some("2026-04-22"));
    t.kam.delete_visit(&second.id).unwrap();
    assert_eq!(t.due(&mine.id, CadenceKind::Contact).unwrap().last_on.as_deref(), Some("2026-04-20"));
    let listed = t.kam.visits(&VisitQuery { customer_id: Some(mine.id.clone()), ..Default::default() }).unwrap();
    assert_eq!(listed.len(), 1, "tombstoned visits are not listed");
}

#[test]
fn a_visit_plan_becomes_a_visit_log() {
    let mut t = TestKam::at("2026-05-06T02:00:00Z");
    let c = t.customer("杭州海天建材有限公司", Tier::Key, None);
    let k = t.contact(&c.id, "赵敏");
    let plan = t
        .kam
        .plan_visit(
            &c.id,
            &VisitPlanInput {
                planned_on: "2026-05-08".into(),
                kind: VisitKind::FaceToFace,
                executive: None,
                purpose: "新项目需求沟通".into(),
                agenda: Some("1. 需求\n2. 报价".into()),
                contact_ids: vec![k.id.clone(), k.id.clone()],
            },
        )
        .unwrap();
    assert_eq!(plan.status, PlanStatus::Planned);
    assert_eq!(plan.contacts.len(), 1, "duplicates dropped");
    assert_eq!(t.kam.today_page(None).unwrap().plans.len(), 1);

    t.day("2026-05-10");
    assert_eq!(t.kam.visit_plan(&plan.id).unwrap().days_late, 2);
    let v = t
        .kam
        .log_visit(
            &c.id,
            &VisitInput {
                visited_on: Some("2026-05-09".into()),
                kind: VisitKind::FaceToFace,
                contact_ids: vec![k.id.clone()],
                plan_id: Some(plan.id.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    let done = t.kam.visit_plan(&plan.id).unwrap();
    assert_eq!((done.status, done.visit_id.as_deref()), (PlanStatus::Done, Some(v.id.as_str())));
    assert!(t.kam.visit_plans(&VisitQuery::default()).unwrap().is_empty());
    assert_eq!(t.kam.visit_plans(&VisitQuery { include_closed: Some(true), ..Default::default() }).unwrap().len(), 1);
    let again = VisitInput { plan_id: Some(plan.id.clone()), ..Default::default() };
    assert_eq!(field(t.kam.log_visit(&c.id, &again).unwrap_err()), "plan_id", "a done plan cannot be used twice");
}

#[test]
fn bad_visits_are_clear_errors_and_write_nothing() {
    let mut t = TestKam::at("2026-11-23T02:00:00Z");
    let c = t.customer("华东电力设备有限公司", Tier::Strategic, None);
    let other = t.customer("上海港务集团有限公司", Tier::Key, None);
    let gone = t.customer("已删除客户有限公司", Tier::Key, None);
    let theirs = t.contact(&other.id, "钱七");
    t.kam.delete_customer(&gone.id).unwrap();
    let before = t.row_counts();
    let ok = || VisitInput { kind: VisitKind::FaceToFace, ..Default::default() };

    let e = t.kam.log_visit("no-such-customer", &ok()).unwrap_err();
    assert!(e.to_string().contains("找不到客户"), "{e}");
    assert_eq!(field(e), "customer_id");
    let e = t.kam.log_visit(&gone.id, &ok()).unwrap_err();
    assert!(e.to_string().contains("已删除") && e.message_en().contains("Restore"), "{e}");
    assert_eq!(field(e), "customer_id");

    let cases: Vec<(VisitInput, &str, &str)> = vec![
        (
            VisitInput { visited_on: Some("2026-11-20".into()), follow_up_on: Some("2026-11-19".into()), ..ok() },
            "follow_up_on",
            "不能早于拜访日期",
        ),
        (VisitInput { contact_ids: vec![theirs.id.clone()], ..ok() }, "contact_ids", "不属于客户"),
        (VisitInput { contact_ids: vec!["ghost".into()], ..ok() }, "contact_ids", "找不到联系人"),
        (VisitInput { travel_fen: Some(Fen(-1)), ..ok() }, "travel_fen", "不能为负数"),
        (VisitInput { hospitality_fen: Some(Fen(-50_000)), ..ok() }, "hospitality_fen", "不能为负数"),
        (VisitInput { visited_on: Some("2026-11-24".into()), ..ok() }, "visited_on", "不能晚于今天"),
        (VisitInput { visited_on: Some("2026-02-30".into()), ..ok() }, "visited_on", "格式不正确"),
        (VisitInput { kind: VisitKind::ExecutiveVisit, ..ok() }, "executive", "公司主要领导或联点领导"),
        (VisitInput { executive: Some(Executive::Liaison), ..ok() }, "executive", "只有高层拜访"),
        (VisitInput { plan_id: Some("no-plan".into()), ..ok() }, "plan_id", "找不到该拜访计划"),
    ];
    for (input, want, text) in cases {
        let e = t.kam.log_visit(&c.id, &input).unwrap_err();
        assert!(e.to_string().contains(text), "{want}: {e}");
        assert_eq!(field(e), want);
    }
    let plan = |on: &str| VisitPlanInput { planned_on: on.into(), purpose: "回访".into(), ..Default::default() };
    assert_eq!(field(t.kam.plan_visit(&c.id, &plan("2026-11-22")).unwrap_err()), "planned_on");
    assert_eq!(
        field(t.kam.plan_visit(&c.id, &VisitPlanInput { purpose: " ".into(), ..plan("2026-12-01") }).unwrap_err()),
        "purpose"
    );
    assert_eq!(field(t.kam.plan_visit(&gone.id, &plan("2026-12-01")).unwrap_err()), "customer_id");
    assert_eq!(t.row_counts(), before, "nothing written by any failed call");
}

#[test]
fn complaint_deadlines_cross_midnight_in_shanghai_while_stored_in_utc() {
    // 01:30 on 1 December in Shanghai is still 30 November in UTC.
    let mut t = TestKam::at("2026-11-30T17:30:00Z");
    let rep = t.kam.add_user("李明", Role::Rep, "大客户一部").unwrap();
    let c = t.customer("华东电力设备有限公司", Tier::Strategic, Some(&rep.id));
    let k = t.contact(&c.id, "王建国");
    let key = t.customer("杭州海天建材有限公司", Tier::Key, Some(&rep.id));
    let x = t
        .kam
        .open_complaint(
            &c.id,
            &ComplaintInput {
                contact_id: Some(k.id.clone()),
                severity: ComplaintSeverity::High,
                category: ComplaintCategory::Delivery,
                title: None,
                description: "交货比合同约定晚了一周，影响工程进度".into(),
            },
        )
        .unwrap();
    assert_eq!(x.opened_at, "2026-11-30T17:30:00.000Z");
    assert_eq!(x.opened_local, "2026-12-01 01:30");
    assert_eq!(x.response_hours, 24, "strategic: 24 hours");
    assert_eq!(x.deadline_at, "2026-12-01T17:30:00.000Z");
    assert_eq!(x.deadline_local, "2026-12-02 01:30");
    assert_eq!((x.status, x.overdue, x.minutes_to_deadline), (ComplaintStatus::Open, false, 24 * 60));
    assert_eq!(x.contact_name.as_deref(), Some("王建国"));
    let y = t
        .kam
        .open_complaint(
            &key.id,
            &ComplaintInput {
                contact_id: None,
                severity: ComplaintSeverity::Low,
                category: ComplaintCategory::Billing,
                title: Some("发票有误".into()),
                description: "发票金额与合同不符".into(),
            },
        )
        .unwrap();
    assert_eq!((y.response_hours, y.deadline_local.as_str()), (48, "2026-12-03 01:30"));

    // Counted in December (Shanghai), not November (UTC).
    assert_eq!(t.kam.complaint_summary("2026-12").unwrap().opened, 2);
    assert_eq!(t.kam.complaint_summary("2026-11").unwrap().opened, 0);

    let on_today = |t: &TestKam| -> Vec<String> {
        t.kam.today_page(Some(&rep.id)).unwrap().complaints.into_iter().map(|c| c.id).collect()
    };
    t.set("2026-12-01T13:29:00Z");
    assert!(on_today(&t).is_empty(), "4 h 1 min left: not yet");
    t.set("2026-12-01T13:30:00Z");
    assert_eq!(on_today(&t), vec![x.id.clone()], "within 4 hours");
    t.set("2026-12-01T17:31:00Z");
    let late = t.kam.complaint(&x.id).unwrap().complaint;
    assert!(late.overdue);
    assert_eq!(late.minutes_to_deadline, -1);
    assert_eq!(on_today(&t), vec![x.id.clone()]);

    // Closing without a handling record is refused, and nothing is written.
    let before = t.row_counts();
    let e = t.kam.close_complaint(&x.id, Some("已告知客户")).unwrap_err();
    assert!(e.to_string().contains("处理记录"), "{e}");
    assert_eq!(e.code(), "wrong_state", "not a bad input: the complaint is not ready to close");
    let resolve = ComplaintActionInput { kind: ComplaintActionKind::Resolution, note: "已解决".into() };
    assert_eq!(t.kam.handle_complaint(&x.id, &resolve).unwrap_err().code(), "wrong_state");
    assert_eq!(t.row_counts(), before);

    let handled = t
        .kam
        .handle_complaint(
            &x.id,
            &ComplaintActionInput {
                kind: ComplaintActionKind::Handling, note: "已致电客户致歉，加急发货".into()
            },
        )
        .unwrap();
    assert_eq!(handled.complaint.status, ComplaintStatus::Handling);
    assert_eq!(handled.complaint.responded_at.as_deref(), Some("2026-12-01T17:31:00.000Z"));
    assert!(!handled.complaint.overdue, "responded, though late");
    assert!(on_today(&t).is_empty());
    t.kam.handle_complaint(&x.id, &resolve).unwrap();
    assert_eq!(
        field(t.kam.close_complaint(&x.id, None).unwrap_err()),
        "feedback",
        "the outcome must be fed back first"
    );
    let closed = t.kam.close_complaint(&x.id, Some("已电话告知客户处理结果")).unwrap();
    assert_eq!(closed.complaint.status, ComplaintStatus::Closed);
    assert_eq!(closed.complaint.feedback, "已电话告知客户处理结果");
    let kinds: Vec<ComplaintActionKind> = closed.actions.iter().map(|a| a.kind).collect();
    use ComplaintActionKind::*;
    assert_eq!(kinds, vec![Handling, Resolution, Feedback, Close]);
    assert_eq!(closed.actions[0].acted_local, "2026-12-02 01:31");
    let again = ComplaintActionInput { kind: Handling, note: "补充".into() };
    assert_eq!(t.kam.handle_complaint(&x.id, &again).unwrap_err().code(), "wrong_state");

    // Handling records are append-only, even for a direct SQL write.
    let raw = rusqlite::Connection::open(t.kam.path()).unwrap();
    assert!(raw.execute("UPDATE complaint_actions SET note = 'x'", []).is_err());
    assert!(raw.execute("DELETE FROM complaint_actions", []).is_err());

    let s = t.kam.complaint_summary("2026-12").unwrap();
    assert_eq!((s.opened, s.closed, s.within_deadline, s.late, s.still_open), (2, 1, 0, 1, 1));
    let high = s.by_severity.iter().find(|b| b.severity == ComplaintSeverity::High).unwrap();
    assert_eq!((high.opened, high.closed), (1, 1));
    assert_eq!(t.kam.complaints(&ComplaintQuery { open_only: Some(true), ..Default::default() }).unwrap().len(), 1);
    assert_eq!(field(t.kam.complaint_summary("2026-13").unwrap_err()), "month");

    // Settings: a new deadline applies to complaints opened afterwards only.
    t.kam.set_complaint_deadline(Tier::Key, 12).unwrap();
    assert_eq!(t.kam.complaint(&y.id).unwrap().complaint.response_hours, 48);
    assert_eq!(field(t.kam.set_complaint_deadline(Tier::Key, 0).unwrap_err()), "response_hours");
}

#[test]
fn bad_complaints_and_surveys_write_nothing() {
    let mut t = TestKam::at("2026-11-23T02:00:00Z");
    let c = t.customer("华东电力设备有限公司", Tier::Strategic, None);
    let other = t.customer("上海港务集团有限公司", Tier::Key, None);
    let theirs = t.contact(&other.id, "钱七");
    let before = t.row_counts();
    let complaint = |contact: Option<String>, description: &str| ComplaintInput {
        contact_id: contact,
        severity: ComplaintSeverity::Medium,
        category: ComplaintCategory::Service,
        title: None,
        description: description.into(),
    };
    assert_eq!(
        field(t.kam.open_complaint(&c.id, &complaint(Some(theirs.id.clone()), "电话没人接")).unwrap_err()),
        "contact_id"
    );
    assert_eq!(field(t.kam.open_complaint(&c.id, &complaint(None, "  ")).unwrap_err()), "description");
    assert_eq!(field(t.kam.open_complaint("nobody", &complaint(None, "电话没人接")).unwrap_err()), "customer_id");

    let score = |d: &str, s: u8| SurveyScore { dimension: d.into(), score: s };
    let survey = |scores: Vec<SurveyScore>| SurveyInput { scores, ..Default::default() };
    for (input, text) in [
        (survey(vec![score("product_quality", 6)]), "超出范围"),
        (survey(vec![score("service_level", 0)]), "超出范围"),
        (survey(vec![score("price", 3)]), "未知"),
        (survey(vec![score("product_quality", 4), score("product_quality", 5)]), "两次"),
        (survey(vec![]), "至少"),
    ] {
        let e = t.kam.add_survey(&c.id, &input).unwrap_err();
        assert!(e.to_string().contains(text), "{e}");
        assert_eq!(field(e), "scores");
    }
    let future = SurveyInput { surveyed_on: Some("2026-12-01".into()), ..survey(vec![score("product_quality", 4)]) };
    assert_eq!(field(t.kam.add_survey(&c.id, &future).unwrap_err()), "surveyed_on");
    assert_eq!(t.row_counts(), before, "nothing written by any failed call");
}

#[test]
fn surveys_keep_scores_actions_and_a_trend() {
    let mut t = TestKam::at("2026-05-10T02:00:00Z");
    let c = t.customer("华东电力设备有限公司", Tier::Strategic, None);
    let k = t.contact(&c.id, "王建国");
    let dim = t.kam.add_survey_dimension("delivery_speed", "交付速度", "Delivery speed").unwrap();
    assert!(!dim.builtin && dim.active);
    assert_eq!(field(t.kam.add_survey_dimension("Delivery", "交付", "Delivery").unwrap_err()), "code");
    let score = |d: &str, s: u8| SurveyScore { dimension: d.into(), score: s };
    let first = t
        .kam
        .add_survey(
            &c.id,
            &SurveyInput {
                surveyed_on: Some("2025-11-20".into()),
                contact_id: Some(k.id.clone()),
                scores: vec![score("service_level", 2), score("product_quality", 4), score("delivery_speed", 3)],
                comments: Some("售后响应慢".into()),
                follow_up_actions: Some("指定专人对接售后，每月回访".into()),
            },
        )
        .unwrap();
    assert_eq!(first.average, 3.0);
    assert_eq!(first.scores[0].dimension, "product_quality", "display order");
    t.kam
        .add_survey(
            &c.id,
            &SurveyInput {
                scores: vec![score("product_quality", 5), score("service_level", 4), score("project_execution", 4)],
                ..Default::default()
            },
        )
        .unwrap();
    let trend = t.kam.survey_trend(&c.id).unwrap();
    assert_eq!(trend.surveys.len(), 2);
    assert_eq!(trend.surveys[0].follow_up_actions, "指定专人对接售后，每月回访");
    assert_eq!(trend.surveys[1].surveyed_on, "2026-05-10");
    assert_eq!(trend.latest_average, Some(4.33));
    assert_eq!(trend.change, Some(1.33));
    assert_eq!(trend.dimensions.len(), 4);

    t.kam.set_survey_dimension_active("delivery_speed", false).unwrap();
    assert_eq!(t.kam.survey_trend(&c.id).unwrap().dimensions.len(), 4, "still charted: it has scores");
    let e = t
        .kam
        .add_survey(&c.id, &SurveyInput { scores: vec![score("delivery_speed", 3)], ..Default::default() })
        .unwrap_err();
    assert_eq!(field(e), "scores");
    assert_eq!(field(t.kam.set_survey_dimension_active("service_level", false).unwrap_err()), "code");
}

#[test]
fn care_reminders_birthdays_festivals_and_key_person_changes() {
    let mut t = TestKam::at("2027-02-24T02:00:00Z");
    let rep = t.kam.add_user("李明", Role::Rep, "大客户一部").unwrap();
    let c = t.customer("华东电力设备有限公司", Tier::Strategic, Some(&rep.id));
    let other = t.customer("上海港务集团有限公司", Tier::Key, None);
    let leap = t
        .kam
        .add_contact(
            &c.id,
            &ContactInput {
                name: "王建国".into(),
                is_decision_maker: Some(true),
                decision_role: Some("最终决策者".into()),
                birthday: Some("1980-02-29".into()),
                ..Default::default()
            },
        )
        .unwrap();
    t.kam
        .add_contact(
            &other.id,
            &ContactInput { name: "钱七".into(), birthday: Some("1975-03-02".into()), ..Default::default() },
        )
        .unwrap();

    let birthdays = |t: &TestKam, rep: Option<&str>| -> Vec<(String, String)> {
        t.kam
            .reminders(rep, 7)
            .unwrap()
            .into_iter()
            .filter(|r| r.kind == ReminderKind::Birthday)
            .map(|r| (r.contact_name.unwrap(), r.on))
            .collect()
    };
    // 2027 is a common year: 29 February falls on the 28th.
    assert_eq!(birthdays(&t, Some(&rep.id)), vec![("王建国".to_string(), "2027-02-28".to_string())]);
    assert_eq!(birthdays(&t, None).len(), 2, "the whole company");
    t.day("2027-02-20");
    assert!(birthdays(&t, Some(&rep.id)).is_empty(), "8 days away: outside the window");
    t.day("2027-02-21");
    assert_eq!(birthdays(&t, Some(&rep.id)).len(), 1, "exactly 7 days away: inside");
    t.day("2027-02-28");
    assert_eq!(birthdays(&t, Some(&rep.id)).len(), 1, "on the day itself");
    t.day("2027-03-01");
    assert!(birthdays(&t, Some(&rep.id)).is_empty());
    t.day("2028-02-25");
    assert_eq!(birthdays(&t, Some(&rep.id)), vec![("王建国".to_string(), "2028-02-29".to_string())], "leap year");
    t.day("2028-02-29");
    let r = t.kam.reminders(Some(&rep.id), 7).unwrap().into_iter().find(|r| r.kind == ReminderKind::Birthday).unwrap();
    assert_eq!((r.days_until, r.is_decision_maker, r.title.as_str()), (0, true, "王建国 生日"));
    t.day("2030-02-27");
    let r = t.kam.reminders(Some(&rep.id), 7).unwrap().into_iter().find(|r| r.kind == ReminderKind::Birthday).unwrap();
    assert_eq!((r.on.as_str(), r.title.as_str()), ("2030-02-28", "王建国 50 岁生日（整寿）"));

    // Festivals on their real dates, and lunar birthdays.
    t.day("2026-02-12");
    let spring = t.kam.reminders(None, 7).unwrap().into_iter().find(|r| r.kind == ReminderKind::Festival).unwrap();
    assert_eq!((spring.title.as_str(), spring.on.as_str(), spring.days_until), ("春节", "2026-02-17", 5));
    t.kam.set_lunar_birthday(&leap.id, Some("8-15")).unwrap();
    assert_eq!(t.kam.lunar_birthday(&leap.id).unwrap().as_deref(), Some("08-15"));
    assert_eq!(field(t.kam.set_lunar_birthday(&leap.id, Some("13-01")).unwrap_err()), "lunar_birthday");
    t.day("2026-09-20");
    let rs = t.kam.reminders(Some(&rep.id), 7).unwrap();
    let lunar = rs.iter().find(|r| r.kind == ReminderKind::LunarBirthday).unwrap();
    assert_eq!(lunar.on, "2026-09-25", "八月十五 2026 = Mid-Autumn");
    assert!(lunar.title.contains("八月十五"), "{}", lunar.title);
    assert!(rs.iter().any(|r| r.kind == ReminderKind::Festival && r.title == "中秋节" && r.on == "2026-09-25"));

    // A key person left two days ago.
    t.kam
        .add_contact_change(
            &c.id,
            &ContactChangeInput {
                contact_id: Some(leap.id.clone()),
                kind: ContactChangeKind::Left,
                description: "调任集团总部".into(),
                changed_on: Some("2026-09-18".into()),
            },
        )
        .unwrap();
    let page = t.kam.today_page(Some(&rep.id)).unwrap();
    let change = page.reminders.iter().find(|r| r.kind == ReminderKind::ContactChange).unwrap();
    assert_eq!((change.days_until, change.detail.as_str()), (-2, "调任集团总部"));
    assert!(change.title.contains("离任"));
    assert!(
        !page.reminders.iter().any(|r| r.kind == ReminderKind::LunarBirthday),
        "a contact who left (inactive) gets no birthday reminders"
    );
}

#[test]
fn demo_relationship_data_fills_today_and_the_due_list() {
    let mut t = TestKam::at("2026-11-23T02:00:00Z");
    t.kam.load_demo(120, 5).unwrap();
    let r = t.kam.load_demo_relationship(600, 5).unwrap();
    assert_eq!(r.visits, 600);
    assert!(r.plans > 0 && r.complaints > 0 && r.surveys > 0, "{r:?}");
    let all = t.kam.due(&DueQuery::default()).unwrap();
    assert!(all.iter().any(|d| d.status == DueStatus::Overdue), "some customers are late");
    assert!(all.iter().any(|d| d.status == DueStatus::OnTrack), "some are on track");
    assert!(all.windows(2).all(|w| w[0].days_overdue >= w[1].days_overdue), "most overdue first");
    let visits = t.kam.visits(&VisitQuery { limit: Some(10_000), ..Default::default() }).unwrap();
    assert_eq!(visits.len(), 600);
    let rep = all.iter().find_map(|d| d.owner_id.clone()).unwrap();
    let mine = t.kam.due(&DueQuery { owner_id: Some(rep.clone()), ..Default::default() }).unwrap();
    assert!(!mine.is_empty() && mine.iter().all(|d| d.owner_id.as_deref() == Some(rep.as_str())));
    assert_eq!(mine.len(), all.iter().filter(|d| d.owner_id.as_deref() == Some(rep.as_str())).count());
    let page = t.kam.today_page(None).unwrap();
    assert!(
        page.overdue_total > 0 && !page.complaints.is_empty(),
        "{} overdue, {} complaints",
        page.overdue_total,
        page.complaints.len()
    );
    let overdue_only = t.kam.due(&DueQuery { overdue_only: Some(true), ..Default::default() }).unwrap();
    assert_eq!(overdue_only.len() as u32, page.overdue_total);
    let s = t.kam.complaint_summary("2026-11").unwrap();
    assert!(s.opened > 0);
}
