//! `kam report monthly`, `kam target …`, `kam sale add`, `kam collection add`,
//! `kam receivable add`, `kam score set` and `kam bench report`: the monthly key-account
//! report and its inputs. A thin client of `kam_core::Kam`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use kam_core::{input, CollectionInput, Kam, ReceivableInput, SaleInput, ScoreInput, TargetInput};

use crate::{pad, print_json, resolve_user};

#[derive(Subcommand)]
pub enum ReportCmd {
    /// The monthly key-account report (大客户月报) as an Excel workbook; prints the key figures.
    Monthly {
        /// YYYY-MM (this month or earlier).
        #[arg(long)]
        month: String,
        /// Only this department (default: the whole company).
        #[arg(long)]
        department: Option<String>,
        /// Output .xlsx (default: 大客户月报-YYYY-MM.xlsx in the export folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the figures as JSON (totals, per rep, departments) instead of text.
        #[arg(long)]
        json: bool,
        /// Only print the figures; write no workbook.
        #[arg(long)]
        preview: bool,
    },
}

#[derive(Subcommand)]
pub enum TargetCmd {
    /// Set a rep's or a department's sales target for a month (replaces that month's).
    Set {
        #[arg(long)]
        month: String,
        /// Rep: user id or name.
        #[arg(long, conflicts_with = "department")]
        rep: Option<String>,
        #[arg(long)]
        department: Option<String>,
        /// Sales target in 元.
        #[arg(long)]
        sales: String,
        /// Collection target in 元.
        #[arg(long)]
        collection: Option<String>,
        /// Department stretch target (冲刺目标) in 元.
        #[arg(long)]
        stretch: Option<String>,
    },
    /// Targets summed over a period: 2026, 2026-Q4 or 2026-10.
    List {
        period: String,
        #[arg(long)]
        json: bool,
    },
    /// The new-customer quota per rep and month (default 3).
    Quota { quota: Option<u32> },
}

#[derive(Subcommand)]
pub enum SaleCmd {
    /// Record a sale (or a return with --return) for a customer (id, customer code or credit code).
    Add {
        customer: String,
        /// YYYY-MM-DD (not in the future).
        #[arg(long)]
        on: String,
        /// Amount in 元 (positive; --return deducts it).
        #[arg(long)]
        amount: String,
        #[arg(long = "return")]
        is_return: bool,
        /// Rep credited (default: the customer's owner).
        #[arg(long)]
        rep: Option<String>,
        #[arg(long)]
        reference: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CollectionCmd {
    /// Record a collection (回款) from a customer.
    Add {
        customer: String,
        #[arg(long)]
        on: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        rep: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ReceivableCmd {
    /// Record a receivable (应收) with its due date.
    Add {
        customer: String,
        #[arg(long)]
        invoiced: String,
        #[arg(long)]
        due: String,
        #[arg(long)]
        amount: String,
        /// Already paid, in 元.
        #[arg(long)]
        paid: Option<String>,
        #[arg(long)]
        rep: Option<String>,
        #[arg(long)]
        reference: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ScoreCmd {
    /// The manager's scores for a rep and month: ability and attitude (0–20 each) and the
    /// performance pay; the results score (0–60) is computed from the sales target.
    Set {
        #[arg(long)]
        rep: String,
        #[arg(long)]
        month: String,
        #[arg(long)]
        ability: u32,
        #[arg(long)]
        attitude: u32,
        /// Performance pay (绩效工资) in 元.
        #[arg(long)]
        pay: String,
    },
    /// Record that a user left on a date (still in that month's report).
    Left {
        user: String,
        #[arg(long)]
        on: String,
    },
}

fn customer_id(kam: &Kam, key: &str) -> Result<String> {
    Ok(kam.resolve_customer(key)?.id)
}

fn money(field: &str, s: &Option<String>) -> Result<Option<kam_core::Fen>> {
    Ok(match s {
        Some(v) => Some(input::money(field, v)?),
        None => None,
    })
}

pub fn report(kam: &mut Kam, cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::Monthly { month, department, out, json, preview } => {
            let dept = department.as_deref();
            let r = if preview {
                kam.monthly_report(&month, dept)?
            } else {
                let out = out.unwrap_or_else(|| {
                    kam_core::default_export_dir().join(format!("大客户月报-{}.xlsx", month.trim()))
                });
                if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
                    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                }
                let e = kam.export_monthly_report(&month, dept, &out, &mut |_| {})?;
                if !json {
                    println!("已导出 exported {} ({} bytes, {} ms)", e.path, e.bytes, e.millis);
                }
                e.report
            };
            if json {
                print_json(&serde_json::json!({
                    "month": r.month, "department": r.department, "as_of": r.as_of, "empty": r.empty,
                    "totals": r.totals, "reps": r.reps, "departments": r.departments, "tiers": r.tiers,
                    "performance": r.performance, "commissions": r.commissions, "new_customers": r.new_customers,
                }))?;
                return Ok(());
            }
            let t = &r.totals;
            println!("大客户月报 {}（{}）截至 {}", r.month, r.department.as_deref().unwrap_or("全部部门"), r.as_of);
            if r.empty {
                println!("  本月无数据 no activity this month");
            }
            println!("  业务员 reps {}  客户 customers {}", t.reps, t.customers);
            println!(
                "  拜访 visits {} / 计划 planned {}  逾期 overdue {}",
                t.visits_done, t.visits_planned, t.visits_overdue
            );
            println!(
                "  新客户 new customers {} / 指标 quota {}  奖罚 {}  新客户奖金 {}",
                t.new_customers, t.quota, t.quota_incentive_fen, t.new_customer_bonus_fen
            );
            println!("  报价 quotes {} 发出 / {} 成交  {}", t.quotes_issued, t.quotes_won, t.quotes_won_fen);
            println!("  销售额 net sales {} / 目标 {}", t.net_sales_fen, t.sales_target_fen);
            println!("  回款 collections {} / 目标 {}", t.collections_fen, t.collection_target_fen);
            println!(
                "  投诉 complaints {} 新增 / {} 已结 / {} 按期响应; 未结 open {}",
                t.complaints_opened, t.complaints_closed, t.complaints_within_deadline, t.open_complaints
            );
            println!("  逾期应收 overdue receivables {} 笔 {}", t.overdue_receivables, t.overdue_receivable_fen);
            println!("  绩效奖金 performance bonus {}  提成 commission {}", t.performance_bonus_fen, t.commission_fen);
            for p in r.performance.iter().take(20) {
                println!(
                    "    {} {} 得分 {} 奖金 {} {}",
                    pad(&p.name, 10),
                    pad(&p.department, 12),
                    p.score.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                    p.bonus.map(|b| b.total_fen.to_string()).unwrap_or_else(|| "-".into()),
                    p.note
                );
            }
            if r.performance.len() > 20 {
                println!("    … {} more in the workbook", r.performance.len() - 20);
            }
        }
    }
    Ok(())
}

pub fn target(kam: &mut Kam, cmd: TargetCmd) -> Result<()> {
    match cmd {
        TargetCmd::Set { month, rep, department, sales, collection, stretch } => {
            if rep.is_none() && department.is_none() {
                bail!("give --rep or --department");
            }
            let t = kam.set_target(&TargetInput {
                month,
                user_id: resolve_user(kam, &rep)?,
                department,
                sales_fen: input::money("sales", &sales)?,
                collection_fen: money("collection", &collection)?,
                stretch_fen: money("stretch", &stretch)?,
            })?;
            println!("已设置目标 target set: {} {} {} 销售 {}", t.month, t.scope, t.subject, t.sales_fen);
        }
        TargetCmd::List { period, json } => {
            let rows = kam.targets(&period)?;
            if json {
                return print_json(&rows);
            }
            let users = kam.users()?;
            for r in rows {
                let name =
                    users.iter().find(|u| u.id == r.subject).map(|u| u.name.clone()).unwrap_or(r.subject.clone());
                println!(
                    "{} {} {} 个月 销售 {} 回款 {} 冲刺 {}",
                    pad(&r.scope, 11),
                    pad(&name, 14),
                    r.months,
                    r.sales_fen,
                    r.collection_fen,
                    r.stretch_fen
                );
            }
        }
        TargetCmd::Quota { quota } => {
            if let Some(q) = quota {
                kam.set_new_customer_quota(q)?;
            }
            println!("开发指标 new-customer quota: {} per rep and month", kam.new_customer_quota()?);
        }
    }
    Ok(())
}

pub fn sale(kam: &mut Kam, cmd: SaleCmd) -> Result<()> {
    let SaleCmd::Add { customer, on, amount, is_return, rep, reference } = cmd;
    let id = kam.add_sale(&SaleInput {
        customer_id: customer_id(kam, &customer)?,
        sold_on: on,
        amount_fen: input::money("amount", &amount)?,
        is_return: Some(is_return),
        rep_id: resolve_user(kam, &rep)?,
        reference,
    })?;
    println!("已登记{} recorded {id}", if is_return { "退货" } else { "销售" });
    Ok(())
}

pub fn collection(kam: &mut Kam, cmd: CollectionCmd) -> Result<()> {
    let CollectionCmd::Add { customer, on, amount, rep, notes } = cmd;
    let id = kam.add_collection(&CollectionInput {
        customer_id: customer_id(kam, &customer)?,
        collected_on: on,
        amount_fen: input::money("amount", &amount)?,
        rep_id: resolve_user(kam, &rep)?,
        notes,
    })?;
    println!("已登记回款 recorded collection {id}");
    Ok(())
}

pub fn receivable(kam: &mut Kam, cmd: ReceivableCmd) -> Result<()> {
    let ReceivableCmd::Add { customer, invoiced, due, amount, paid, rep, reference } = cmd;
    let id = kam.add_receivable(&ReceivableInput {
        customer_id: customer_id(kam, &customer)?,
        invoiced_on: invoiced,
        due_on: due,
        amount_fen: input::money("amount", &amount)?,
        paid_fen: money("paid", &paid)?,
        rep_id: resolve_user(kam, &rep)?,
        reference,
    })?;
    println!("已登记应收 recorded receivable {id}");
    Ok(())
}

pub fn score(kam: &mut Kam, cmd: ScoreCmd) -> Result<()> {
    match cmd {
        ScoreCmd::Set { rep, month, ability, attitude, pay } => {
            let id = resolve_user(kam, &Some(rep))?.unwrap_or_default();
            kam.set_score(&ScoreInput {
                user_id: id,
                month,
                ability,
                attitude,
                performance_pay_fen: input::money("pay", &pay)?,
            })?;
            println!("已录入考核 scores recorded");
        }
        ScoreCmd::Left { user, on } => {
            let id = resolve_user(kam, &Some(user))?.unwrap_or_default();
            let u = kam.set_user_left(&id, &on)?;
            println!("已登记离职 {} left on {on}", u.name);
        }
    }
    Ok(())
}
