//! The monthly key-account report: inputs and their validation, the pay rules on the seed's
//! worked examples and boundaries through real records, the workbook read back with calamine
//! and converted by LibreOffice, and the edge cases (future month, empty month, a rep who left,
//! a tier changed mid-month, an unwritable target).

use std::path::Path;
use std::sync::{Arc, Mutex};

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use kam_core::*;

struct TestKam {
    kam: Kam,
    now: Arc<Mutex<DateTime<Utc>>>,
    dir: tempfile::TempDir,
}

impl TestKam {
    fn at(date: &str) -> TestKam {
        let dir = tempfile::tempdir().unwrap();
        let now = Arc::new(Mutex::new(format!("{date}T02:00:00Z").parse::<DateTime<Utc>>().unwrap()));
        let c = now.clone();
        let clock: Clock = Arc::new(move || *c.lock().unwrap());
        let kam = Kam::open_with_clock(&dir.path().join("kam.sqlite3"), clock).unwrap();
        TestKam { kam, now, dir }
    }

    fn day(&self, date: &str) {
        *self.now.lock().unwrap() = format!("{date}T02:00:00Z").parse().unwrap();
    }

    fn rep(&mut self, name: &str, dept: &str) -> String {
        self.kam.add_user(name, Role::Rep, dept).unwrap().id
    }

    fn customer(&mut self, name: &str, owner: &str) -> String {
        self.kam
            .create_customer(&CustomerInput {
                name: name.into(),
                tier: Some(Tier::Regular),
                owner_id: Some(owner.into()),
                ..Default::default()
            })
            .unwrap()
            .customer
            .id
    }

    fn sale(&mut self, customer: &str, on: &str, yuan: i64) {
        self.sale_fen(customer, on, yuan * 100);
    }

    fn sale_fen(&mut self, customer: &str, on: &str, fen: i64) {
        self.kam
            .add_sale(&SaleInput {
                customer_id: customer.into(),
                sold_on: on.into(),
                amount_fen: Fen(fen),
                ..Default::default()
            })
            .unwrap();
    }

    fn ret(&mut self, customer: &str, on: &str, yuan: i64) {
        self.kam
            .add_sale(&SaleInput {
                customer_id: customer.into(),
                sold_on: on.into(),
                amount_fen: Fen(yuan * 100),
                is_return: Some(true),
                ..Default::default()
            })
            .unwrap();
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
}

fn rep_of<'a>(r: &'a MonthlyReport, id: &str) -> &'a RepFigures {
    r.reps.iter().find(|x| x.user_id == id).unwrap()
}

fn perf_of<'a>(r: &'a MonthlyReport, id: &str) -> &'a PerformanceRow {
    r.performance.iter().find(|x| x.user_id == id).unwrap()
}

fn field(e: KamError) -> String {
    match e {
        KamError::Validation { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn num(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// The row of `sheet` whose first cell is `key`.
fn row_of(range: &calamine::Range<Data>, key: &str) -> u32 {
    (0..range.height() as u32)
        .find(|&r| text(range.get_value((r, 0))) == key)
        .unwrap_or_else(|| panic!("no row '{key}'"))
}

/// Score 88, performance pay 3,000, the department beat its stretch target → 2,772.
#[test]
fn worked_example_performance_bonus_and_commission() {
    let mut k = TestKam::at("2026-11-23");
    let rep = k.rep("张三", "大客户一部");
    let c = k.customer("华东电力", &rep);
    k.kam
        .set_target(&TargetInput {
            month: "2026-10".into(),
            user_id: Some(rep.clone()),
            sales_fen: Fen(10_000_000),
            ..Default::default()
        })
        .unwrap();
    k.kam
        .set_target(&TargetInput {
            month: "2026-10".into(),
            department: Some("大客户一部".into()),
            sales_fen: Fen(10_000_000),
            stretch_fen: Some(Fen(11_000_000)),
            ..Default::default()
        })
        .unwrap();
    k.sale(&c, "2026-10-08", 120_000);
    k.kam
        .set_score(&ScoreInput {
            user_id: rep.clone(),
            month: "2026-10".into(),
            ability: 14,
            attitude: 14,
            performance_pay_fen: Fen(300_000),
        })
        .unwrap();
    k.kam
        .add_collection(&CollectionInput {
            customer_id: c.clone(),
            collected_on: "2026-09-30".into(),
            amount_fen: Fen(1_234_567),
            ..Default::default()
        })
        .unwrap();
    let r = k.kam.monthly_report("2026-10", None).unwrap();
    let p = r.performance.iter().find(|p| p.user_id == rep).unwrap();
    assert_eq!((p.results, p.score), (Some(60), Some(88)));
    assert_eq!(p.department_outcome, DepartmentOutcome::Beat);
    let b = p.bonus.unwrap();
    assert_eq!((b.percent, b.base_fen, b.department_fen, b.total_fen), (88, Fen(264_000), Fen(13_200), Fen(277_200)));
    // 2% of 12,345.67 = 246.9134 → 246.91.
    let cm = r.commissions.iter().find(|p| p.user_id == rep).unwrap();
    assert_eq!(cm.commission_fen, Fen(24_691));
    assert_eq!(cm.collections_month, "2026-09");
    assert_eq!(r.totals.performance_bonus_fen, Fen(277_200));
    assert!(!r.empty);

    // The workbook gives the same figures.
    let out = k.path("大客户月报-2026-10.xlsx");
    let mut seen = Vec::new();
    let e = k.kam.export_monthly_report("2026-10", None, &out, &mut |p| seen.push(p)).unwrap();
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&100));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "progress only grows: {seen:?}");
    assert_eq!(
        e.sheets,
        ["汇总", "业绩", "客户分级", "逾期拜访", "未结投诉", "逾期应收", "新客户开发", "绩效奖金", "提成"]
    );
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), e.sheets);
    let bonus = wb.worksheet_range("绩效奖金").unwrap();
    assert_eq!(text(bonus.get_value((0, 11))), "绩效奖金");
    let row = row_of(&bonus, "张三");
    assert_eq!(num(bonus.get_value((row, 5))), 88.0);
    assert_eq!(num(bonus.get_value((row, 11))), 2772.0);
    let total = row_of(&bonus, "合计");
    assert_eq!(num(bonus.get_value((total, 11))), 2772.0, "the SUM formula's cached value");
    let comm = wb.worksheet_range("提成").unwrap();
    assert_eq!(num(comm.get_value((row_of(&comm, "张三"), 4))), 246.91);
    let perf = wb.worksheet_range("业绩").unwrap();
    assert_eq!(num(perf.get_value((row_of(&perf, "张三"), 11))), 120_000.0);
}

#[test]
fn performance_score_boundaries_through_the_report() {
    for (ability_attitude, expected) in [(35, 315_000), (34, 300_000), (30, 300_000), (29, 267_000), (0, 180_000)] {
        let mut k = TestKam::at("2026-11-23");
        let rep = k.rep("李四", "大客户二部");
        let c = k.customer("客户", &rep);
        k.kam
            .set_target(&TargetInput {
                month: "2026-10".into(),
                user_id: Some(rep.clone()),
                sales_fen: Fen(100_000),
                ..Default::default()
            })
            .unwrap();
        k.sale(&c, "2026-10-01", 1_000);
        k.kam
            .set_score(&ScoreInput {
                user_id: rep.clone(),
                month: "2026-10".into(),
                ability: ability_attitude / 2,
                attitude: ability_attitude - ability_attitude / 2,
                performance_pay_fen: Fen(300_000),
            })
            .unwrap();
        let r = k.kam.monthly_report("2026-10", None).unwrap();
        assert_eq!(perf_of(&r, &rep).score, Some(60 + ability_attitude), "score");
        assert_eq!(perf_of(&r, &rep).bonus.unwrap().total_fen, Fen(expected), "score {}", 60 + ability_attitude);
    }
    // Score 59: results 59 (sales 98.33% of target → 59), nothing else.
    let mut k = TestKam::at("2026-11-23");
    let rep = k.rep("王五", "大客户二部");
    let c = k.customer("客户", &rep);
    k.kam
        .set_target(&TargetInput {
            month: "2026-10".into(),
            user_id: Some(rep.clone()),
            sales_fen: Fen(600_000),
            ..Default::default()
        })
        .unwrap();
    k.sale(&c, "2026-10-01", 5_900);
    k.kam
        .set_score(&ScoreInput {
            user_id: rep.clone(),
            month: "2026-10".into(),
            ability: 0,
            attitude: 0,
            performance_pay_fen: Fen(300_000),
        })
        .unwrap();
    let r = k.kam.monthly_report("2026-10", None).unwrap();
    assert_eq!(perf_of(&r, &rep).score, Some(59));
    assert_eq!(perf_of(&r, &rep).bonus.unwrap().total_fen, Fen(0));
    // No target: no results score, no bonus, and the row says why.
    let rep2 = k.rep("赵六", "大客户二部");
    k.kam
        .set_score(&ScoreInput {
            user_id: rep2.clone(),
            month: "2026-10".into(),
            ability: 20,
            attitude: 20,
            performance_pay_fen: Fen(300_000),
        })
        .unwrap();
    let r = k.kam.monthly_report("2026-10", None).unwrap();
    let p = r.performance.iter().find(|p| p.user_id == rep2).unwrap();
    assert!(p.bonus.is_none());
    assert_eq!(p.note, "未设目标");
}

/// New customers and their first/second/third-month bonuses at exactly the seed's amounts.
#[test]
fn new_customer_bonuses_at_the_boundaries() {
    let mut k = TestKam::at("2026-11-23");
    let rep = k.rep("张三", "渠道部");
    // Developed in August (month 1), September (2), October (3).
    let a = k.customer("甲", &rep); // month 1 exactly 2,000 → 50; month 2 exactly 3,000 → 50; month 3 exactly 5,000 → 0
    let b = k.customer("乙", &rep); // month 1 exactly 4,000 → 100; month 2 exactly 5,000 → 50; month 3 exactly 10,000 → 100
    let c = k.customer("丙", &rep); // month 2 5,000.01 → 100; month 3 10,000.01 → 200
    let d = k.customer("丁", &rep); // month 1 4,000 with a 100 return → 3,900 → 50
    k.sale(&a, "2026-08-03", 2_000);
    k.sale(&a, "2026-09-03", 3_000);
    k.sale(&a, "2026-10-03", 5_000);
    k.sale(&b, "2026-08-03", 4_000);
    k.sale(&b, "2026-09-03", 5_000);
    k.sale(&b, "2026-10-03", 10_000);
    k.sale(&c, "2026-08-03", 150);
    k.sale_fen(&c, "2026-09-03", 500_001);
    k.sale_fen(&c, "2026-10-03", 1_000_001);
    k.sale(&d, "2026-08-03", 4_000);
    k.ret(&d, "2026-08-20", 100);

    let bonus = |r: &MonthlyReport, id: &str| {
        r.new_customers.iter().find(|n| n.customer_id == id).map(|n| (n.nth_month, n.bonus_fen))
    };
    let aug = k.kam.monthly_report("2026-08", None).unwrap();
    assert_eq!(bonus(&aug, &a), Some((1, Fen(5_000))));
    assert_eq!(bonus(&aug, &b), Some((1, Fen(10_000))));
    assert_eq!(bonus(&aug, &c), Some((1, Fen(0))));
    assert_eq!(bonus(&aug, &d), Some((1, Fen(5_000))), "returns deduct");
    assert_eq!(rep_of(&aug, &rep).new_customers, 4);
    assert_eq!(rep_of(&aug, &rep).quota_incentive_fen, Fen(1_000), "4 against a quota of 3: +10 元");
    let sep = k.kam.monthly_report("2026-09", None).unwrap();
    assert_eq!(bonus(&sep, &a), Some((2, Fen(5_000))));
    assert_eq!(bonus(&sep, &b), Some((2, Fen(5_000))));
    assert_eq!(bonus(&sep, &c), Some((2, Fen(10_000))));
    assert_eq!(rep_of(&sep, &rep).new_customers, 0);
    assert_eq!(rep_of(&sep, &rep).quota_incentive_fen, Fen(-3_000), "none against 3: −30 元");
    let oct = k.kam.monthly_report("2026-10", None).unwrap();
    assert_eq!(bonus(&oct, &a), Some((3, Fen(0))));
    assert_eq!(bonus(&oct, &b), Some((3, Fen(10_000))));
    assert_eq!(bonus(&oct, &c), Some((3, Fen(20_000))));
    assert_eq!(rep_of(&oct, &rep).new_customer_bonus_fen, Fen(30_000));
    let nov = k.kam.monthly_report("2026-11", None).unwrap();
    assert!(nov.new_customers.is_empty(), "nothing after the third month");

    // The quota is a setting.
    k.kam.set_new_customer_quota(10).unwrap();
    let aug = k.kam.monthly_report("2026-08", None).unwrap();
    assert_eq!(rep_of(&aug, &rep).quota_incentive_fen, Fen(-6_000));
}

#[test]
fn only_purchases_over_100_yuan_and_dormant_for_a_year_count_as_new() {
    let mut k = TestKam::at("2026-11-23");
    let rep = k.rep("张三", "渠道部");
    let small = k.customer("小额", &rep);
    let dormant = k.customer("休眠", &rep);
    let recent = k.customer("近期", &rep);
    k.sale(&small, "2026-10-05", 100); // exactly 100 元 is not more than 100
    k.sale(&dormant, "2025-09-30", 8_000); // 13 months before: reactivated
    k.sale(&dormant, "2026-10-05", 3_000);
    k.sale(&recent, "2025-10-31", 8_000); // 12 months before: not dormant a year
    k.sale(&recent, "2026-10-05", 3_000);
    let r = k.kam.monthly_report("2026-10", None).unwrap();
    let ids: Vec<_> = r.new_customers.iter().map(|n| (n.customer_id.as_str(), n.reactivated)).collect();
    assert_eq!(ids, [(dormant.as_str(), true)]);
    assert_eq!(rep_of(&r, &rep).new_customers, 1);
}

#[test]
fn inputs_are_validated() {
    let mut k = TestKam::at("2026-11-23");
    let rep = k.rep("张三", "大客户一部");
    let c = k.customer("客户", &rep);
    let t = |month: &str| TargetInput {
        month: month.into(),
        user_id: Some(rep.clone()),
        sales_fen: Fen(100),
        ..Default::default()
    };
    assert_eq!(field(k.kam.set_target(&t("2026-13")).unwrap_err()), "month");
    assert_eq!(field(k.kam.set_target(&TargetInput { sales_fen: Fen(-1), ..t("2026-10") }).unwrap_err()), "sales_fen");
    assert_eq!(
        field(k.kam.set_target(&TargetInput { user_id: Some("nobody".into()), ..t("2026-10") }).unwrap_err()),
        "user_id"
    );
    assert_eq!(
        field(
            k.kam
                .set_target(&TargetInput {
                    user_id: None, department: Some("没有这个部门".into()), ..t("2026-10")
                })
                .unwrap_err()
        ),
        "department"
    );
    assert_eq!(
        field(k.kam.set_target(&TargetInput { stretch_fen: Some(Fen(500)), ..t("2026-10") }).unwrap_err()),
        "stretch_fen"
    );
    let sale = |amount_fen: i64, on: &str, customer: &str| SaleInput {
        customer_id: customer.into(),
        sold_on: on.into(),
        amount_fen: Fen(amount_fen),
        ..Default::default()
    };
    assert_eq!(field(k.kam.add_sale(&sale(-100, "2026-10-01", &c)).unwrap_err()), "amount_fen");
    assert_eq!(field(k.kam.add_sale(&sale(0, "2026-10-01", &c)).unwrap_err()), "amount_fen");
    assert_eq!(field(k.kam.add_sale(&sale(100, "2026-12-01", &c)).unwrap_err()), "sold_on");
    assert_eq!(field(k.kam.add_sale(&sale(100, "2026-10-32", &c)).unwrap_err()), "sold_on");
    assert_eq!(field(k.kam.add_sale(&sale(100, "2026-10-01", "no-such-customer")).unwrap_err()), "customer_id");
    assert_eq!(
        field(k.kam.add_sale(&SaleInput { rep_id: Some("nobody".into()), ..sale(100, "2026-10-01", &c) }).unwrap_err()),
        "rep_id"
    );
    assert_eq!(
        field(
            k.kam
                .add_collection(&CollectionInput {
                    customer_id: c.clone(),
                    collected_on: "2026-10-01".into(),
                    amount_fen: Fen(-5),
                    ..Default::default()
                })
                .unwrap_err()
        ),
        "amount_fen"
    );
    let recv = ReceivableInput {
        customer_id: c.clone(),
        invoiced_on: "2026-10-01".into(),
        due_on: "2026-09-01".into(),
        amount_fen: Fen(100),
        ..Default::default()
    };
    assert_eq!(field(k.kam.add_receivable(&recv).unwrap_err()), "due_on");
    assert_eq!(
        field(
            k.kam
                .add_receivable(&ReceivableInput {
                    due_on: "2026-10-31".into(),
                    paid_fen: Some(Fen(101)),
                    ..recv.clone()
                })
                .unwrap_err()
        ),
        "paid_fen"
    );
    let score = ScoreInput {
        user_id: rep.clone(),
        month: "2026-10".into(),
        ability: 21,
        attitude: 0,
        performance_pay_fen: Fen(0),
    };
    assert_eq!(field(k.kam.set_score(&score).unwrap_err()), "ability");
    assert_eq!(
        field(k.kam.set_score(&ScoreInput { ability: 0, attitude: 25, ..score.clone() }).unwrap_err()),
        "attitude"
    );
    assert_eq!(
        field(k.kam.set_score(&ScoreInput { ability: 0, user_id: "x".into(), ..score.clone() }).unwrap_err()),
        "user_id"
    );
    // Report months: malformed and future refused; this month allowed.
    assert_eq!(field(k.kam.monthly_report("2026-13", None).unwrap_err()), "month");
    let e = k.kam.monthly_report("2026-12", None).unwrap_err();
    assert!(e.to_string().contains("将来"), "{e}");
    assert!(e.message_en().contains("future"));
    k.kam.monthly_report("2026-11", None).unwrap();
}

#[test]
fn targets_roll_up_by_quarter_and_year() {
    let mut k = TestKam::at("2026-11-23");
    let rep = k.rep("张三", "大客户一部");
    for (m, v) in [("2026-10", 100), ("2026-11", 200), ("2026-12", 300), ("2026-01", 1000)] {
        k.kam
            .set_target(&TargetInput {
                month: m.into(),
                user_id: Some(rep.clone()),
                sales_fen: Fen(v),
                ..Default::default()
            })
            .unwrap();
    }
    // Setting a month again replaces it.
    k.kam
        .set_target(&TargetInput {
            month: "2026-12".into(),
            user_id: Some(rep.clone()),
            sales_fen: Fen(400),
            ..Default::default()
        })
        .unwrap();
    let q4 = k.kam.targets("2026-Q4").unwrap();
    assert_eq!((q4[0].sales_fen, q4[0].months), (Fen(700), 3));
    assert_eq!(k.kam.targets("2026").unwrap()[0].sales_fen, Fen(1700));
    assert_eq!(k.kam.targets("2026-10").unwrap()[0].sales_fen, Fen(100));
    assert_eq!(field(k.kam.targets("2026-Q5").unwrap_err()), "period");
}

#[test]
fn a_rep_who_left_mid_month_still_appears_and_tiers_count_once_at_month_end() {
    let mut k = TestKam::at("2026-09-25");
    let stays = k.rep("留任", "大客户一部");
    let left = k.rep("离职", "大客户一部");
    let gone = k.rep("早走", "大客户一部");
    let c = k.customer("客户甲", &left);
    let c2 = k.customer("客户乙", &stays);
    // 客户乙: regular → key → strategic during October: counted once, as strategic.
    k.day("2026-10-10");
    k.kam.change_tier(&c2, Tier::Key, "升级").unwrap();
    k.day("2026-10-20");
    k.kam.change_tier(&c2, Tier::Strategic, "再升级").unwrap();
    k.day("2026-11-05");
    k.kam.change_tier(&c2, Tier::Key, "下月降级").unwrap();
    k.day("2026-11-23");
    k.sale(&c, "2026-10-05", 1_000);
    k.kam.set_user_left(&left, "2026-10-15").unwrap();
    k.kam.set_user_left(&gone, "2026-09-30").unwrap();
    let r = k.kam.monthly_report("2026-10", None).unwrap();
    let names: Vec<_> = r.reps.iter().map(|x| x.name.as_str()).collect();
    assert!(names.contains(&"离职") && names.contains(&"留任"), "{names:?}");
    assert!(!names.contains(&"早走"), "left before the month: {names:?}");
    let l = r.reps.iter().find(|x| x.name == "离职").unwrap();
    assert_eq!((l.net_sales_fen, l.left_on.as_deref()), (Fen(100_000), Some("2026-10-15")));
    let tier = |t: Tier| r.tiers.iter().find(|x| x.tier == t).unwrap();
    assert_eq!(tier(Tier::Strategic).at_end, 1);
    assert_eq!(tier(Tier::Strategic).moved_in, 1);
    assert_eq!(tier(Tier::Key).at_end, 0, "counted once, under the month-end tier");
    assert_eq!(tier(Tier::Regular).at_end, 1);
    assert_eq!(r.tiers.iter().map(|x| x.at_end).sum::<u32>(), 2);
    // The note says so in the sheet.
    let out = k.path("tiers.xlsx");
    k.kam.export_monthly_report("2026-10", None, &out, &mut |_| {}).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let s = wb.worksheet_range("客户分级").unwrap();
    let all: String = s.rows().flatten().map(|d| text(Some(d))).collect();
    assert!(all.contains("只计一次，按其月末所在等级统计"));
    // The department filter keeps only its reps.
    assert!(k.kam.monthly_report("2026-10", Some("大客户二部")).unwrap().reps.is_empty());
}

#[test]
fn an_empty_month_is_a_valid_workbook_that_says_so() {
    let k = TestKam::at("2026-11-23");
    let r = k.kam.monthly_report("2026-10", None).unwrap();
    assert!(r.empty);
    let out = k.path("empty.xlsx");
    k.kam.export_monthly_report("2026-10", None, &out, &mut |_| {}).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let s = wb.worksheet_range("汇总").unwrap();
    let all: String = s.rows().flatten().map(|d| text(Some(d))).collect();
    assert!(all.contains("本月无数据"));
    let p = wb.worksheet_range("业绩").unwrap();
    assert_eq!(text(p.get_value((1, 0))), "本月无数据");
    soffice_converts(&out);
}

#[test]
fn an_unwritable_target_leaves_no_file() {
    let mut k = TestKam::at("2026-11-23");
    let rep = k.rep("张三", "大客户一部");
    let c = k.customer("客户", &rep);
    k.sale(&c, "2026-10-05", 1_000);
    let missing = k.path("no/such/dir/r.xlsx");
    assert_eq!(field(k.kam.export_monthly_report("2026-10", None, &missing, &mut |_| {}).unwrap_err()), "out");
    // A directory in the way: the rename fails; the temp file is gone too.
    let blocked = k.path("blocked.xlsx");
    std::fs::create_dir(&blocked).unwrap();
    let e = k.kam.export_monthly_report("2026-10", None, &blocked, &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("没有留下不完整的文件"), "{e}");
    let left: Vec<_> = std::fs::read_dir(k.dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")), "{left:?}");
    assert_eq!(field(k.kam.export_monthly_report("2026-10", None, &k.path("r.csv"), &mut |_| {}).unwrap_err()), "out");
}

/// LibreOffice opens the workbook and converts it without error. Fails (never skips) when
/// `soffice` is missing: CI installs it.
fn soffice_converts(file: &Path) {
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
        .arg(out.path())
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("soffice (LibreOffice) must be installed to run this test");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!("soffice did not finish within 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let o = child.wait_with_output().unwrap();
    assert!(status.success(), "soffice failed: {}", String::from_utf8_lossy(&o.stderr));
    let csv: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(csv.len(), 1, "one CSV (the first sheet): {csv:?} {}", String::from_utf8_lossy(&o.stderr));
    let body = std::fs::read_to_string(&csv[0]).unwrap();
    assert!(body.contains("大客户月报"), "{body}");
}

#[test]
fn libreoffice_converts_a_full_demo_report() {
    let mut k = TestKam::at("2026-11-23");
    k.kam.load_demo(300, 7).unwrap();
    k.kam.load_demo_relationship(1500, 7).unwrap();
    let r = k.kam.monthly_report("2026-10", None).unwrap();
    assert!(!r.empty);
    assert!(r.totals.net_sales_fen > Fen(0) && r.totals.collections_fen > Fen(0));
    let out = k.path("大客户月报-2026-10.xlsx");
    let e = k.kam.export_monthly_report("2026-10", None, &out, &mut |_| {}).unwrap();
    // Per rep net sales in the sheet reconcile with the core's.
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let perf = wb.worksheet_range("业绩").unwrap();
    for (i, rep) in e.report.reps.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(text(perf.get_value((row, 0))), rep.name);
        assert_eq!(Fen((num(perf.get_value((row, 11))) * 100.0).round() as i64), rep.net_sales_fen, "{}", rep.name);
    }
    let total = row_of(&perf, "合计");
    assert_eq!(Fen((num(perf.get_value((total, 11))) * 100.0).round() as i64), r.totals.net_sales_fen);
    soffice_converts(&out);
}

#[test]
fn overdue_receivables_are_warned_about_on_the_dossier() {
    let mut k = TestKam::at("2026-11-10");
    let rep = k.rep("张伟", "大客户一部");
    let c = k.customer("苏州恒信建材有限公司", &rep);
    assert_eq!(k.kam.dossier(&c).unwrap().receivables.overdue_fen, Fen(0));
    let base = ReceivableInput {
        customer_id: c.clone(),
        invoiced_on: "2026-09-01".into(),
        due_on: "2026-10-01".into(),
        amount_fen: Fen(1_000_000),
        paid_fen: Some(Fen(250_000)),
        rep_id: None,
        reference: None,
    };
    k.kam.add_receivable(&base).unwrap();
    k.kam.add_receivable(&ReceivableInput { due_on: "2026-11-10".into(), ..base.clone() }).unwrap(); // due today
    k.kam.add_receivable(&ReceivableInput { paid_fen: Some(Fen(1_000_000)), ..base.clone() }).unwrap(); // paid
    let r = k.kam.dossier(&c).unwrap().receivables;
    assert_eq!(r.open_fen, Fen(1_500_000));
    assert_eq!(r.overdue_fen, Fen(750_000), "only the one past its due date, net of what was paid");
    assert_eq!(r.overdue_count, 1);
    assert_eq!(r.oldest_overdue_due_on.as_deref(), Some("2026-10-01"));
    k.day("2026-11-11");
    assert_eq!(k.kam.dossier(&c).unwrap().receivables.overdue_fen, Fen(1_500_000), "a day later both are overdue");
}

/// The visit rate is planned visits done ÷ planned visits; unplanned visits are counted apart
/// (the Reports page once showed "933 / 2 · 46650.0%": all visits over planned ones).
#[test]
fn the_visit_plan_rate_has_a_meaningful_denominator() {
    let mut t = TestKam::at("2026-11-10");
    let rep = t.rep("周敏", "华东区");
    let c = t.customer("华东电力设备有限公司", &rep);
    let plan = |on: &str| VisitPlanInput {
        planned_on: on.into(),
        kind: VisitKind::FaceToFace,
        executive: None,
        purpose: "年度回访".into(),
        agenda: None,
        contact_ids: vec![],
    };
    let first = t.kam.plan_visit(&c, &plan("2026-11-12")).unwrap();
    t.kam.plan_visit(&c, &plan("2026-11-20")).unwrap();
    t.day("2026-11-12");
    t.kam
        .log_visit(
            &c,
            &VisitInput { plan_id: Some(first.id.clone()), purpose: Some("年度回访".into()), ..Default::default() },
        )
        .unwrap();
    for _ in 0..3 {
        t.kam.log_visit(&c, &VisitInput { purpose: Some("顺路拜访".into()), ..Default::default() }).unwrap();
    }
    t.day("2026-11-30");
    let r = t.kam.monthly_report("2026-11", None).unwrap();
    let f = rep_of(&r, &rep);
    assert_eq!((f.visits_done, f.visits_planned, f.visits_planned_done, f.visits_unplanned), (4, 2, 1, 3));
    assert_eq!(f.rates.visit_plan.as_ref().map(|x| x.text.as_str()), Some("50.0%"));
    let tt = &r.totals;
    assert_eq!((tt.visits_done, tt.visits_planned, tt.visits_planned_done, tt.visits_unplanned), (4, 2, 1, 3));
    assert_eq!(tt.rates.visit_plan.as_ref().map(|x| x.tenths), Some(500));
    assert!(tt.rates.visit_plan.as_ref().unwrap().behind);
    // No targets and no quotes: no ratio at all rather than a made-up one.
    assert_eq!((tt.rates.sales.as_ref(), tt.rates.win.as_ref()), (None, None));
}
