//! `kam enroll …`, `kam sync …` and `kam bench sync`: the head-office exchange by sync file
//! (同步文件, docs/sync.md). A thin client of `kam_core::Kam`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use kam_core::sync::{DeviceRole, DuplicateClaim, SyncConflict, SyncFileReport, SyncImportResult, SyncStatus};
use kam_core::Kam;

use crate::{pad, print_json};

#[derive(Subcommand)]
pub enum EnrollCmd {
    /// Make this installation the organisation's head office (总部): it issues enrollment files,
    /// merges the reps' sync files and writes their return files.
    Init {
        /// The organisation (company) name.
        #[arg(long)]
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Head office: write the enrollment file (.kamenroll) for a rep's or manager's laptop.
    Export {
        /// The person: user id or name (see `kam user list`).
        #[arg(long)]
        user: String,
        /// Output file (.kamenroll) or folder (default: kam-注册-NAME.kamenroll in the export folder).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// A field device: import head office's enrollment file; the device then works as that person.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SyncCmd {
    /// This installation's place in the exchange: role, peers, pending changes, open items.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Write a sync file: everything the addressee has not confirmed receiving.
    Export {
        /// `hq` on a field device; at head office a person (name or id), a device id, or `all`
        /// (a return file for every enrolled device).
        #[arg(long)]
        to: String,
        /// Output file (.kamsync) or folder; a folder for `--to all` (default: the export folder).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Import sync files: each is checked and applied on its own (in one transaction); a
    /// refused file changes nothing and makes the exit status 1, the others are still applied.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Preview only: show what each file would change and write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The conflict inbox (冲突收件箱): fields two people changed; the newer change is in force.
    Conflicts {
        /// Include confirmed and reversed entries.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Settle a conflict: keep the value in force, or write the other value back.
    Resolve {
        /// Conflict id (see `kam sync conflicts`).
        id: String,
        /// current: confirm the value in force; other: restore the losing value (sent on with the next exchange).
        #[arg(long, value_enum)]
        keep: Keep,
        #[arg(long)]
        json: bool,
    },
    /// Possible duplicate customers (撞单) found on import.
    Duplicates {
        /// Include merged and dismissed claims.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Merge a duplicate customer into another: its contacts, visits, quotes… move to the kept
    /// customer, and the duplicate is deleted with a pointer to it.
    Merge {
        /// The customer that stays (id, customer code or credit code).
        #[arg(long)]
        keep: String,
        /// The duplicate whose records move to the kept customer; it is then deleted.
        #[arg(long)]
        merge_from: String,
        #[arg(long)]
        json: bool,
    },
    /// Close a duplicate claim: the two are different companies.
    Dismiss {
        /// Claim id (see `kam sync duplicates`).
        id: String,
    },
    /// Sync files exported and applied, newest first.
    History {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Keep {
    /// The value in force now (confirm it).
    Current,
    /// The value that lost (write it back).
    Other,
}

/// A UTC timestamp from the core in the company's time zone, to the minute.
pub fn local_time(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => t.with_timezone(&kam_core::DEFAULT_TIME_ZONE).format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => ts.to_string(),
    }
}

fn kib(bytes: u64) -> String {
    if bytes < 10 * 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

pub fn enroll(kam: &mut Kam, cmd: EnrollCmd) -> Result<()> {
    match cmd {
        EnrollCmd::Init { org, json } => {
            let st = kam.enroll_head_office(&org)?;
            if json {
                return print_json(&st);
            }
            println!("本机已设为总部 this installation is now head office: {}", st.org_name.as_deref().unwrap_or(&org));
            println!("  下一步 next: kam user add --name 张三 --role rep  →  kam enroll export --user 张三");
        }
        EnrollCmd::Export { user, out, json } => {
            let e = kam.enroll_export(&user, out.as_deref())?;
            if json {
                return print_json(&e);
            }
            println!("已生成注册文件 enrollment file written: {}", e.path);
            println!("  人员 person: {}（{}）", e.user_name, e.role.label_zh());
            println!("  请交给本人，在其笔记本上运行 on their laptop: kam enroll import <file>");
        }
        EnrollCmd::Import { file, json } => {
            let st = kam.enroll_import(&file).with_context(|| format!("importing {}", file.display()))?;
            if json {
                return print_json(&st);
            }
            let me = kam.app_info()?.current_user;
            println!(
                "已加入 enrolled: {}，{}（{}）",
                st.org_name.as_deref().unwrap_or(""),
                me.name,
                st.role.map(|r| r.label_zh()).unwrap_or("")
            );
            println!("  之后 then: kam sync export --to hq，把文件交给总部 and give the file to head office");
        }
    }
    Ok(())
}

pub fn sync(kam: &mut Kam, cmd: SyncCmd) -> Result<()> {
    match cmd {
        SyncCmd::Status { json } => {
            let st = kam.sync_status()?;
            if json {
                return print_json(&st);
            }
            print_status(&st);
        }
        SyncCmd::Export { to, out, json } => {
            let all = to.trim().eq_ignore_ascii_case("all");
            let results = if all {
                let dir = out.unwrap_or_else(kam_core::default_export_dir);
                kam.sync_export_all(&dir).with_context(|| format!("exporting return files into {}", dir.display()))?
            } else {
                vec![kam.sync_export(&to, out.as_deref())?]
            };
            if json {
                // One object for one addressee, a list for `--to all`.
                return if all { print_json(&results) } else { print_json(&results[0]) };
            }
            if results.is_empty() {
                println!("没有已注册的设备 no enrolled device yet: 没有写任何文件 no file written");
            }
            for r in &results {
                println!(
                    "已导出同步文件 exported: {}  → {}  {} 条变更 changes, {}",
                    r.path,
                    r.addressee,
                    r.changes,
                    kib(r.bytes)
                );
            }
        }
        SyncCmd::Import { files, dry_run, json } => {
            let results = kam.sync_import(&files, dry_run);
            if json {
                print_json(&results)?;
            } else {
                for r in &results {
                    print_import(r, dry_run);
                }
            }
            let refused: Vec<&SyncImportResult> = results.iter().filter(|r| r.error.is_some()).collect();
            if !refused.is_empty() {
                let names = refused.iter().map(|r| r.file.as_str()).collect::<Vec<_>>().join(", ");
                let others = results.len() - refused.len();
                let applied = results.iter().filter(|r| r.applied).count();
                let rest = match (others, dry_run) {
                    (0, _) => String::new(),
                    (n, true) => format!("；其余 {n} 个文件可以导入 the other {n} file(s) can be imported"),
                    (n, false) => format!(
                        "；其余 {n} 个文件照常处理，其中 {applied} 个已导入 the other {n} file(s) were processed, {applied} applied"
                    ),
                };
                bail!(
                    "{} 个文件被拒绝，其内容未导入 {} file(s) refused, nothing of them was applied: {names}{rest}",
                    refused.len(),
                    refused.len()
                );
            }
        }
        SyncCmd::Conflicts { all, json } => {
            let list = kam.sync_conflicts(all)?;
            if json {
                return print_json(&list);
            }
            println!("{} 个冲突 conflicts{}", list.len(), if all { "" } else { "（待确认 open）" });
            for c in &list {
                print_conflict(c);
            }
        }
        SyncCmd::Resolve { id, keep, json } => {
            let c = kam.resolve_conflict(&id, matches!(keep, Keep::Other))?;
            if json {
                return print_json(&c);
            }
            match keep {
                Keep::Current => println!("已确认现值 confirmed: {} · {} = {}", c.label, c.column, c.winner_value),
                Keep::Other => println!(
                    "已改回 restored: {} · {} = {}（下次交换时发往各设备 goes out with the next exchange）",
                    c.label, c.column, c.loser_value
                ),
            }
        }
        SyncCmd::Duplicates { all, json } => {
            let list = kam.duplicate_claims(all)?;
            if json {
                return print_json(&list);
            }
            println!("{} 个可能重复的客户 possible duplicates{}", list.len(), if all { "" } else { "（待处理 open）" });
            for d in &list {
                print_duplicate(d, true);
            }
        }
        SyncCmd::Merge { keep, merge_from, json } => {
            let kept = kam.resolve_customer(&keep)?;
            let merged = kam.resolve_customer(&merge_from)?;
            let r = kam.merge_customers(&kept.id, &merged.id)?;
            if json {
                return print_json(&r);
            }
            println!(
                "已合并 merged: {} → {}，{} 条记录已转到保留的客户 records moved to the kept customer",
                merged.name, kept.name, r.moved
            );
        }
        SyncCmd::Dismiss { id } => {
            let d = kam.dismiss_duplicate(&id)?;
            println!("已标记为不是同一客户 dismissed: {} / {}", d.customer_name, d.other_name);
        }
        SyncCmd::History { limit, json } => {
            let list = kam.sync_history(limit)?;
            if json {
                return print_json(&list);
            }
            for h in &list {
                let dir = if h.direction == "export" { "导出 export" } else { "导入 import" };
                println!(
                    "{}  {}  {}  {:>6} 条 changes  拒绝 refused {}  冲突 conflicts {}  撞单 duplicates {}  {}  ({})",
                    local_time(&h.at),
                    dir,
                    pad(&h.peer_name, 16),
                    h.changes,
                    h.refused,
                    h.conflicts,
                    h.duplicates,
                    if h.file_name.is_empty() { "—" } else { &h.file_name },
                    h.by_user
                );
            }
            if list.is_empty() {
                println!("还没有交换过同步文件 no sync file exported or imported yet");
            }
        }
    }
    Ok(())
}

fn print_status(st: &SyncStatus) {
    if !st.enrolled {
        println!("尚未加入总部同步 not enrolled");
        println!("  总部 head office: kam enroll init --org 公司名称");
        println!("  业务员设备 field device: kam enroll import kam-注册-姓名.kamenroll");
        println!("  本机设备 device: {}", st.device_id);
        return;
    }
    println!(
        "已加入同步 enrolled: {}（{}）",
        st.org_name.as_deref().unwrap_or(""),
        st.role.map(|r| r.label_zh()).unwrap_or("")
    );
    println!("  本机设备 device: {}", st.device_id);
    if st.role != Some(DeviceRole::HeadOffice) {
        println!("  待发往总部的变更 changes not yet confirmed by head office: {}", st.pending_changes);
    }
    println!("  冲突待确认 open conflicts: {}{}", st.open_conflicts, hint(st.open_conflicts, "kam sync conflicts"));
    println!("  撞单待处理 open duplicates: {}{}", st.open_duplicates, hint(st.open_duplicates, "kam sync duplicates"));
    match &st.last_exchange_at {
        Some(t) => println!("  上次交换 last exchange: {}", local_time(t)),
        None => println!("  尚未交换 never exchanged"),
    }
    println!("  交换对象 peers: {}", st.peers.len());
    for p in &st.peers {
        println!(
            "    {}  {}  导入 last import {}  导出 last export {}  {}",
            pad(&p.name, 16),
            pad(p.role.label_zh(), 12),
            pad(&p.last_import_at.as_deref().map(local_time).unwrap_or_else(|| "—".into()), 16),
            pad(&p.last_export_at.as_deref().map(local_time).unwrap_or_else(|| "—".into()), 16),
            p.device_id
        );
    }
}

fn hint(n: u32, cmd: &str) -> String {
    if n > 0 {
        format!("  → {cmd}")
    } else {
        String::new()
    }
}

fn print_import(r: &SyncImportResult, dry_run: bool) {
    println!("文件 file: {}", r.file);
    if let Some(e) = &r.error {
        println!("  ✗ 已拒绝 REFUSED: {}", e.message);
        println!("    {}", e.message_en);
        println!("    未导入任何内容 nothing of this file was applied");
        return;
    }
    let Some(rep) = &r.report else { return };
    print_report(rep);
    if let Some(at) = &rep.already_applied_at {
        println!(
            "  = 该文件已于 {} 导入过，未做任何改动 already applied at that time, nothing changed",
            local_time(at)
        );
    } else if dry_run {
        println!("  预览，未写入任何内容 dry run: nothing was written (run again without --dry-run to apply)");
    } else if r.applied {
        println!("  ✓ 已导入 applied");
    }
}

fn print_report(rep: &SyncFileReport) {
    let role = if rep.sender_role == DeviceRole::HeadOffice {
        String::new()
    } else {
        format!("（{}）", rep.sender_role.label_zh())
    };
    println!(
        "  发送方 sender: {}{role}{}  生成于 created {}",
        rep.sender_name,
        if rep.new_device { " 新设备 new device" } else { "" },
        local_time(&rep.created_at)
    );
    println!(
        "  {} 条变更 changes: 新增 new {}, 修改 changed {}, 未变 unchanged {}, 拒绝 refused {}",
        rep.changes,
        rep.inserted,
        rep.updated,
        rep.unchanged,
        rep.refused.len()
    );
    if !rep.by_table.is_empty() {
        println!(
            "    {} {:>8} {:>8} {:>10} {:>8}",
            pad("表 table", 24),
            "新增 new",
            "修改 chg",
            "未变 same",
            "拒绝 ref"
        );
        for t in &rep.by_table {
            println!(
                "    {} {:>8} {:>8} {:>10} {:>8}",
                pad(&format!("{} {}", t.label_zh, t.label_en), 24),
                t.inserted,
                t.updated,
                t.unchanged,
                t.refused
            );
        }
    }
    if rep.conflicts > 0 {
        println!("  冲突 conflicts: {}  → kam sync conflicts", rep.conflicts);
    }
    if !rep.duplicates.is_empty() {
        println!("  可能重复的客户 possible duplicates (撞单): {}", rep.duplicates.len());
        for d in &rep.duplicates {
            print_duplicate(d, false);
        }
    }
    if !rep.refused.is_empty() {
        println!("  被拒绝的变更 refused changes (not applied):");
        for x in &rep.refused {
            let table = rep.by_table.iter().find(|t| t.table == x.table).map_or(x.table.as_str(), |t| &t.label_zh);
            println!("    {table} {} ({})：{}", x.label, x.row_id, x.reason);
        }
    }
}

fn print_conflict(c: &SyncConflict) {
    println!("{}  [{}] {} {} · 字段 field {}", c.id, c.status.label_zh(), c.table_label, c.label, c.column);
    println!("    现值 in force: {}  （{}，{}）", c.winner_value, c.winner_by, local_time(&c.winner_at));
    println!("    另一值 other:  {}  （{}，{}）", c.loser_value, c.loser_by, local_time(&c.loser_at));
    if c.status == kam_core::sync::ConflictStatus::Open {
        println!("    → kam sync resolve {} --keep current|other", c.id);
    }
}

fn print_duplicate(d: &DuplicateClaim, with_commands: bool) {
    let indent = if with_commands { "" } else { "    " };
    if with_commands {
        println!("{}  [{}] {}", d.id, d.status.label_zh(), d.reason.label_zh());
    } else {
        println!("{indent}{}：", d.reason.label_zh());
    }
    println!("{indent}    {}（{}）  {}", d.customer_name, d.customer_owner.as_deref().unwrap_or("—"), d.customer_id);
    println!("{indent}    {}（{}）  {}", d.other_name, d.other_owner.as_deref().unwrap_or("—"), d.other_id);
    if with_commands && d.status == kam_core::sync::DuplicateStatus::Open {
        println!("    合并 merge: kam sync merge --keep {} --merge-from {}", d.other_id, d.customer_id);
        println!("    不是同一客户 not the same: kam sync dismiss {}", d.id);
    }
}

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
                travel_fen: (i % 3 == 0).then_some(5_000 + (i as i64 * 1_237) % 40_000),
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
