//! `kam bench sync` (built only with `--features bench`; see README).

#![allow(unused_imports)]
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use kam_core::*;

use crate::{pad, print_json};

// ---------------------------------------------------------------------------------------------
// `kam bench sync`

const CITIES: &[(&str, &str)] = &[
    ("310000", "上海"),
    ("320100", "南京"),
    ("320500", "苏州"),
    ("330100", "杭州"),
    ("330200", "宁波"),
    ("340100", "合肥"),
    ("350100", "福州"),
    ("350200", "厦门"),
    ("360100", "南昌"),
    ("370100", "济南"),
    ("370200", "青岛"),
    ("410100", "郑州"),
    ("420100", "武汉"),
    ("430100", "长沙"),
    ("440100", "广州"),
    ("440300", "深圳"),
    ("450100", "南宁"),
    ("500000", "重庆"),
    ("510100", "成都"),
    ("520100", "贵阳"),
];
const BRANDS: &[&str] = &[
    "华东", "恒信", "中联", "海润", "新程", "金桥", "鼎盛", "瑞丰", "天诚", "宏远", "博源", "启明", "长青", "众合",
    "汇通", "德隆", "永泰", "星河", "安达", "正泰", "远航", "万嘉", "晨光", "立信", "卓越",
];
const TRADES: &[(&str, &str)] = &[
    ("电力设备", "电力"),
    ("建设工程", "建筑"),
    ("精密机械", "制造"),
    ("新能源科技", "能源"),
    ("物流", "交通运输"),
    ("医药", "医药"),
    ("食品", "食品"),
    ("信息技术", "信息技术"),
    ("环保科技", "环保"),
    ("轨道交通", "交通运输"),
    ("化工", "化工"),
    ("钢铁", "冶金"),
    ("数据科技", "信息技术"),
    ("港务", "交通运输"),
    ("水务", "公用事业"),
    ("燃气", "公用事业"),
];
const FORMS: &[&str] = &["有限公司", "股份有限公司", "集团有限公司"];
const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: &[&str] =
    &["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英"];
const TITLES: &[(&str, Option<&str>)] = &[
    ("总经理", Some("决策者")),
    ("采购部经理", Some("影响者")),
    ("技术总监", Some("技术把关")),
    ("财务经理", None),
    ("办公室主任", None),
    ("项目经理", None),
];
const PURPOSES: &[&str] =
    &["年度合作洽谈", "新产品推介", "回款催收", "投标前沟通", "售后回访", "合同续签", "技术交流", "节日问候"];
const OUTCOMES: &[&str] = &[
    "客户对报价基本认可，要求下周提供详细技术方案",
    "采购部确认年内有两批次需求，预计金额约八十万元",
    "客户反映上批货物交付延迟两天，已当面致歉并说明原因",
    "对方总经理出差，与采购经理沟通了付款节点",
    "客户正在比较三家供应商，价格是关键因素",
    "确认了明年框架协议的主要条款，待法务审核",
];
const NEXT_STEPS: &[&str] = &[
    "下周二前发送技术方案",
    "安排技术人员现场勘察",
    "跟进合同审批进度",
    "约总经理月底面谈",
    "寄送样品",
    "准备投标文件",
];

/// A valid 统一社会信用代码 for the `n`th generated company in `region`.
fn bench_credit_code(region: &str, n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut org = String::new();
    let mut x = n.wrapping_mul(2_654_435_761) % 31u64.pow(9);
    for _ in 0..9 {
        org.push(DIGITS[(x % 31) as usize] as char);
        x /= 31;
    }
    let first17 = format!("91{region}{org}");
    let check = kam_core::validate::credit_code_check_char(&first17).expect("valid characters");
    format!("{first17}{check}")
}

/// How a week of `n` changes splits into kinds of work (each is one row in the sync file).
struct WeekMix {
    customers: usize,
    contacts: usize,
    plans: usize,
    records: usize,
    visits: usize,
    edits: usize,
}

impl WeekMix {
    fn of(n: usize) -> WeekMix {
        let customers = (n * 8 / 100).max(1);
        let contacts = n / 5;
        let plans = n * 12 / 100;
        let records = n * 8 / 100;
        // A new customer is two rows: the customer and its first tier history entry.
        let visits = n.saturating_sub(2 * customers + contacts + plans + records);
        WeekMix { customers, contacts, plans, records, visits, edits: customers / 2 }
    }
}

/// A rep's week through the normal API: new customers (each with its tier history row),
/// contacts, visit plans, visit logs (some carrying out a plan), free records, and edits of
/// customers made earlier in the week (no new rows, but per-field clocks).
fn rep_week(kam: &mut Kam, rep: usize, n: usize) -> Result<()> {
    use kam_core::{ContactInput, CustomerInput, RecordInput, RecordKind, VisitInput, VisitKind, VisitPlanInput};
    let mix = WeekMix::of(n);
    let today = chrono::Utc::now().with_timezone(&kam_core::DEFAULT_TIME_ZONE).date_naive();
    let day = |d: i64| (today + chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
    let mut customers = Vec::new();
    for i in 0..mix.customers {
        let g = (rep * mix.customers + i) as u64;
        let (code, city) = CITIES[(g % CITIES.len() as u64) as usize];
        let brand = BRANDS[(g / CITIES.len() as u64 % BRANDS.len() as u64) as usize];
        let (trade, industry) = TRADES[(g / (CITIES.len() * BRANDS.len()) as u64 % TRADES.len() as u64) as usize];
        // Unique names for up to 8,000 customers; a number beyond that.
        let extra = g / (CITIES.len() * BRANDS.len() * TRADES.len()) as u64;
        let extra = if extra > 0 { format!("{extra}") } else { String::new() };
        let c = kam.create_customer(&CustomerInput {
            name: format!("{city}{brand}{trade}{extra}{}", FORMS[(g % 3) as usize]),
            // Far from the numbers the demo generator uses, so no code is shared by accident.
            credit_code: (i % 4 != 3).then(|| bench_credit_code(code, 50_000_000 + g)),
            address: Some(format!("{city}市{}路{}号", BRANDS[(g % 7) as usize], 1 + g % 300)),
            industry: Some(industry.into()),
            notes: (i % 3 == 0)
                .then(|| format!("由{}介绍，{}", SURNAMES[(g % 16) as usize], OUTCOMES[(g % 6) as usize])),
            ..Default::default()
        })?;
        customers.push(c.customer);
    }
    let mut contacts: Vec<(String, String)> = Vec::new();
    for i in 0..mix.contacts {
        let c = &customers[i % customers.len()];
        let (title, role) = TITLES[i % TITLES.len()];
        let k = kam.add_contact(
            &c.id,
            &ContactInput {
                name: format!("{}{}", SURNAMES[(rep + i) % SURNAMES.len()], GIVEN[(i * 7 + rep) % GIVEN.len()]),
                title: Some(title.into()),
                mobile: Some(format!("13{}{:08}", 5 + i % 5, (rep * 7919 + i * 104_729) % 100_000_000)),
                is_decision_maker: Some(role.is_some()),
                decision_role: role.map(str::to_string),
                birthday: (i % 3 == 0).then(|| format!("19{}-{:02}-{:02}", 60 + i % 35, 1 + i % 12, 1 + i % 28)),
                ..Default::default()
            },
        )?;
        contacts.push((c.id.clone(), k.id));
    }
    let mut plans = Vec::new();
    for i in 0..mix.plans {
        let c = &customers[(i * 3) % customers.len()];
        let p = kam.plan_visit(
            &c.id,
            &VisitPlanInput {
                planned_on: day((i % 7) as i64),
                kind: if i % 4 == 0 { VisitKind::Phone } else { VisitKind::FaceToFace },
                purpose: PURPOSES[i % PURPOSES.len()].into(),
                agenda: (i % 2 == 0).then(|| NEXT_STEPS[i % NEXT_STEPS.len()].to_string()),
                ..Default::default()
            },
        )?;
        plans.push((c.id.clone(), p.id));
    }
    for i in 0..mix.visits {
        // Every third visit carries out a plan (that plan row changes; no new row).
        let (customer, plan) = match plans.get(i / 3) {
            Some((c, p)) if i % 3 == 0 => (c.clone(), Some(p.clone())),
            _ => (customers[(i * 5 + 1) % customers.len()].id.clone(), None),
        };
        let met: Vec<String> =
            contacts.iter().filter(|(c, _)| *c == customer).take(1).map(|(_, k)| k.clone()).collect();
        kam.log_visit(
            &customer,
            &VisitInput {
                visited_on: Some(day(-((i % 7) as i64))),
                kind: if i % 5 == 0 { VisitKind::Phone } else { VisitKind::FaceToFace },
                contact_ids: met,
                purpose: Some(PURPOSES[(i + rep) % PURPOSES.len()].into()),
                outcome: Some(OUTCOMES[(i * 7 + rep) % OUTCOMES.len()].into()),
                next_step: (i % 2 == 0).then(|| NEXT_STEPS[i % NEXT_STEPS.len()].to_string()),
                follow_up_on: (i % 4 == 0).then(|| day(7 + (i % 5) as i64)),
                travel_fen: (i % 3 == 0).then_some(Fen(5_000 + (i as i64 * 1_237) % 40_000)),
                plan_id: plan,
                ..Default::default()
            },
        )?;
    }
    for i in 0..mix.records {
        let c = &customers[(i * 11) % customers.len()];
        kam.add_record(
            &c.id,
            &RecordInput {
                kind: [RecordKind::Meeting, RecordKind::Conversation, RecordKind::Note][i % 3],
                occurred_on: Some(day(-((i % 7) as i64))),
                title: format!("{}纪要", PURPOSES[i % PURPOSES.len()]),
                content: Some(format!(
                    "{}；{}。",
                    OUTCOMES[(i + 1) % OUTCOMES.len()],
                    NEXT_STEPS[i % NEXT_STEPS.len()]
                )),
            },
        )?;
    }
    for i in 0..mix.edits {
        let c = &customers[(i * 2) % customers.len()];
        let mut input = CustomerInput::from(c);
        input.address = Some(format!("{}（新址）", c.address));
        input.notes = Some(format!("{}，{}", OUTCOMES[i % OUTCOMES.len()], NEXT_STEPS[(i + 2) % NEXT_STEPS.len()]));
        kam.update_customer(&c.id, &input)?;
    }
    Ok(())
}

fn ms_since(t: std::time::Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

/// `kam bench sync`: a rep's weekly export, head office importing every rep's weekly file,
/// and bytes per change. Builds head office and `reps` enrolled field devices (each its own
/// data file, the work written through the normal API) in a temporary folder first.
pub fn bench(a: BenchArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("kam-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = bench_in(&dir, a);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Options of `kam bench sync`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Enrolled field devices, one weekly file each.
    #[arg(long, default_value_t = 200)]
    reps: usize,
    /// Changes (rows) in one rep's week.
    #[arg(long, default_value_t = 500)]
    changes: usize,
    /// Timed runs of the rep's export.
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Threads building the reps' databases (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Demo customers (with 10 visit logs each) head office already has before the import.
    #[arg(long, default_value_t = 0)]
    hq_customers: u32,
}

// Long because: the benchmark is one timed script (set up devices, export, import, report), read top to bottom.
fn bench_in(dir: &std::path::Path, a: BenchArgs) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    let (reps, changes, runs) = (a.reps.max(1), a.changes.max(10), a.runs.max(1));
    let threads = a.threads;
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)).clamp(1, reps);
    let mix = WeekMix::of(changes);
    println!(
        "setup: head office + {reps} enrolled reps, each a week of work: {} new customers (+ tier history), {} contacts, \
         {} visit plans, {} visit logs, {} records, {} customer edits; {threads} threads",
        mix.customers, mix.contacts, mix.plans, mix.visits, mix.records, mix.edits
    );

    // Head office: enroll itself, add the reps, issue their enrollment files.
    let t = Instant::now();
    let mut hq = Kam::open(&dir.join("hq.sqlite3"))?;
    hq.enroll_head_office("基准测试销售公司")?;
    if a.hq_customers > 0 {
        let d = hq.load_demo(a.hq_customers, 42)?;
        let v = hq.load_demo_relationship(a.hq_customers.saturating_mul(10), 43)?;
        println!(
            "head office data: {} customers, {} contacts, {} visits in {:.1} s",
            d.customers,
            d.contacts,
            v.visits,
            t.elapsed().as_secs_f64()
        );
    }
    let enroll_dir = dir.join("enroll");
    std::fs::create_dir_all(&enroll_dir)?;
    for r in 0..reps {
        let name = format!("业务员{r:03}");
        let u = hq.add_user(&name, kam_core::Role::Rep, &format!("大客户{}部", 1 + r % 8))?;
        hq.enroll_export(&u.id, Some(&enroll_dir.join(format!("{r:03}.kamenroll"))))?;
    }
    let hq_setup = t.elapsed().as_secs_f64();

    // The reps, in parallel: open, enroll, a week of work, the weekly file to head office.
    let files_dir = dir.join("to-hq");
    std::fs::create_dir_all(&files_dir)?;
    let next = AtomicUsize::new(0);
    let t = Instant::now();
    /// Per rep: number, open + enroll ms, the week's work ms, export ms, the file.
    type RepDone = (usize, f64, f64, f64, kam_core::sync::SyncExportResult);
    let outcomes: Vec<Result<Vec<RepDone>>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<Vec<_>> {
                    let mut done = Vec::new();
                    loop {
                        let r = next.fetch_add(1, Ordering::Relaxed);
                        if r >= reps {
                            return Ok(done);
                        }
                        let t0 = Instant::now();
                        let mut kam = Kam::open(&dir.join(format!("rep{r:03}.sqlite3")))?;
                        kam.enroll_import(&enroll_dir.join(format!("{r:03}.kamenroll")))?;
                        let open_ms = ms_since(t0);
                        let t1 = Instant::now();
                        rep_week(&mut kam, r, changes).with_context(|| format!("rep {r}'s week"))?;
                        let work_ms = ms_since(t1);
                        let t2 = Instant::now();
                        let out = kam.sync_export("hq", Some(&files_dir))?;
                        done.push((r, open_ms, work_ms, ms_since(t2), out));
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("bench worker panicked")).collect()
    });
    let mut exported = Vec::new();
    for o in outcomes {
        exported.extend(o?);
    }
    exported.sort_by_key(|e| e.0);
    let reps_setup = t.elapsed().as_secs_f64();
    let open_ms: Vec<f64> = exported.iter().map(|e| e.1).collect();
    let work_ms: Vec<f64> = exported.iter().map(|e| e.2).collect();
    println!(
        "setup time: head office {hq_setup:.1} s; reps {reps_setup:.1} s wall on {threads} threads \
         (per rep: open + enroll {:.0} ms, the week's {changes} changes {:.0} ms, median)",
        median(&open_ms),
        median(&work_ms)
    );
    let rows: Vec<u32> = exported.iter().map(|e| e.4.changes).collect();
    let total_changes: u64 = rows.iter().map(|&n| n as u64).sum();
    let total_bytes: u64 = exported.iter().map(|e| e.4.bytes).sum();
    anyhow::ensure!(
        rows.iter().all(|&n| n as usize == changes),
        "a weekly file should carry {changes} changes, got {:?}",
        rows.iter().filter(|&&n| n as usize != changes).take(3).collect::<Vec<_>>()
    );

    // (a) One rep exporting the week: the same export again, `runs` times.
    let mut rep0 = Kam::open(&dir.join("rep000.sqlite3"))?;
    let scratch = dir.join("scratch.kamsync");
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(rep0.sync_export("hq", Some(&scratch))?);
        times.push(ms_since(t));
    }
    drop(rep0);
    let last = last.expect("ran");
    times.sort_by(f64::total_cmp);
    println!(
        "(a) rep export, one week ({} changes, {} bytes): median {:.1} ms  min {:.1} ms  max {:.1} ms  over {runs} runs \
         (during setup, under load: median {:.1} ms over {reps} reps)   goal ≤ 50 ms",
        last.changes,
        last.bytes,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        median(&exported.iter().map(|e| e.3).collect::<Vec<_>>()),
    );

    // (b) Head office imports every rep's file, one after another, as `kam sync import` does.
    let paths: Vec<std::path::PathBuf> = exported.iter().map(|e| std::path::PathBuf::from(&e.4.path)).collect();
    let preview_t = Instant::now();
    let preview = hq.sync_import(&paths[..1], true);
    let preview_ms = ms_since(preview_t);
    anyhow::ensure!(preview[0].error.is_none(), "preview refused: {:?}", preview[0].error);
    let mut per_file = Vec::with_capacity(paths.len());
    let mut inserted = 0u64;
    let mut refused = 0usize;
    let mut duplicates = 0usize;
    let t = Instant::now();
    for p in &paths {
        let t1 = Instant::now();
        let res = hq.sync_import(std::slice::from_ref(p), false);
        per_file.push(ms_since(t1));
        let r = &res[0];
        if let Some(e) = &r.error {
            bail!("head office refused {}: {}", r.file, e.message);
        }
        let rep = r.report.as_ref().expect("report");
        inserted += rep.inserted as u64;
        refused += rep.refused.len();
        duplicates += rep.duplicates.len();
    }
    let total = t.elapsed().as_secs_f64();
    let mut sorted = per_file.clone();
    sorted.sort_by(f64::total_cmp);
    let tenth = (per_file.len() / 10).max(1);
    println!(
        "(b) head office import: {} files from {} devices, {total_changes} changes ({inserted} new rows, {refused} refused, \
         {duplicates} duplicate claims): total {total:.2} s   goal ≤ 10 s",
        paths.len(),
        exported.len()
    );
    println!(
        "    per file: median {:.1} ms  min {:.1} ms  max {:.1} ms; first {tenth} files {:.1} ms each, last {tenth} {:.1} ms each; \
         preview (dry run) of one file {:.1} ms",
        sorted[sorted.len() / 2],
        sorted[0],
        sorted[sorted.len() - 1],
        per_file[..tenth].iter().sum::<f64>() / tenth as f64,
        per_file[per_file.len() - tenth..].iter().sum::<f64>() / tenth as f64,
        preview_ms
    );
    let customers = hq.app_info()?.customer_count;
    println!("    head office now: {customers} customers, {} visit logs", hq.visit_count()?);

    // (c) Size.
    println!(
        "(c) file size: {total_bytes} bytes for {total_changes} changes = {:.1} bytes/change \
         (one week {:.1} KiB)   goal ≤ 200 bytes/change",
        total_bytes as f64 / total_changes as f64,
        total_bytes as f64 / exported.len() as f64 / 1024.0
    );
    Ok(())
}
