//! `kam`: the command line for clerks' scripts and head-office jobs. A thin client of
//! `kam_core::Kam`, like the desktop app; errors go to stderr with a non-zero exit code.

mod audit;
mod auth;
#[cfg(feature = "bench")]
mod bench;
mod dossier;
mod errors;
mod finance;
mod form;
mod history;
mod import;
mod quote;
mod relation;
mod report;
mod request;
mod sync;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use kam_core::{Category, ContactChangeKind, Kam, Lifecycle, Nature, RecordKind, Scale, Tier};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "kam", version, about = "KAM 大客户管理 — command line")]
struct Cli {
    /// Database file (default: the app's database in the user's data directory).
    #[arg(long, global = true, env = "KAM_DB")]
    db: Option<PathBuf>,
    #[command(flatten)]
    creds: auth::Credentials,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create (or migrate) the database and print where it is.
    Init,
    /// A fresh database: create the first head-office administrator (asks for a password).
    Setup {
        #[arg(long)]
        name: String,
    },
    /// Sign in (asks for the password without echo) and keep a session for 12 hours.
    Login,
    /// End the session of `kam login`.
    Logout,
    /// Forgot your password: set a new one with the reset code head office gave you, and sign in.
    ResetPassword {
        #[arg(long)]
        code: String,
        /// For unattended runs: read the new password from this file (first line).
        #[arg(long)]
        new_password_file: Option<PathBuf>,
    },
    /// Change history (变更历史) of a customer or a quote: who changed which field from what to
    /// what, when, on which device and through which sync file.
    History {
        /// Customer (id, customer code or credit code) or quote (id or number).
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// The audit log (审计日志): every export recorded, and its hash chain checked.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// The seed's work forms 附表1–4 as workbooks (工作表单): customer list, a customer's dossier,
    /// projects under way, development and upkeep feedback.
    #[command(subcommand)]
    Form(form::FormCmd),
    /// Import customers, contacts, sales, collections or receivables from Excel, WPS or CSV
    /// (导入): a dry run first, then one batch that can be undone.
    #[command(subcommand)]
    Import(import::ImportCmd),
    /// Finance records a clerk can correct (财务记录): list, edit, void, mark receivables paid;
    /// a customer's 交易记录.
    #[command(subcommand)]
    Finance(finance::FinanceCmd),
    /// Who is signed in.
    Whoami {
        #[arg(long)]
        json: bool,
    },
    /// Show the database, device and user.
    Info {
        #[arg(long)]
        json: bool,
    },
    /// Fill the database with realistic demo data (deterministic for a seed).
    Demo {
        #[arg(long, default_value_t = 200)]
        customers: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Visit logs to generate, with plans, complaints and surveys (default: 5 per customer).
        #[arg(long)]
        visits: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Customers and their dossiers.
    #[command(subcommand)]
    Customer(dossier::CustomerCmd),
    /// Contacts and decision makers; key-person changes (`kam contact change …`).
    #[command(subcommand)]
    Contact(dossier::ContactCmd),
    /// Records of a dossier (往来记录): meetings, conversations, surveys, notes.
    #[command(subcommand)]
    Record(dossier::RecordCmd),
    /// Users (reps, managers, liaison executives).
    #[command(subcommand)]
    User(dossier::UserCmd),
    /// The company printed at the head of quote workbooks (公司信息，报价单抬头).
    #[command(subcommand)]
    Company(dossier::CompanyCmd),
    /// Benchmarks that print figures (only in builds with `--features bench`; not shipped).
    #[cfg(feature = "bench")]
    #[command(subcommand)]
    Bench(bench::BenchCmd),
    /// Visit plans and visit logs (拜访计划 / 拜访记录).
    #[command(subcommand)]
    Visit(relation::VisitCmd),
    /// What is due and overdue by the cadence rules (拜访频次); `--today` for the Today page.
    Due(relation::DueArgs),
    /// Complaints (投诉): open, handle, close, list, monthly summary.
    #[command(subcommand)]
    Complaint(relation::ComplaintCmd),
    /// Satisfaction surveys (满意度调查).
    #[command(subcommand)]
    Survey(relation::SurveyCmd),
    /// Quotes priced by the company's policy, approvals, revisions and Excel export.
    #[command(subcommand)]
    Quote(quote::QuoteCmd),
    /// The product catalog (cost prices for quotes).
    #[command(subcommand)]
    Product(quote::ProductCmd),
    /// The monthly key-account report (大客户月报) in Excel.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Sales targets by rep and department and month; quarter/year roll-ups; the quota.
    #[command(subcommand)]
    Target(report::TargetCmd),
    /// Sales and returns per customer.
    #[command(subcommand)]
    Sale(report::SaleCmd),
    /// Collections (回款) per customer.
    #[command(subcommand)]
    Collection(report::CollectionCmd),
    /// Receivables (应收) with due dates.
    #[command(subcommand)]
    Receivable(report::ReceivableCmd),
    /// Performance scores (ability, attitude, pay) and leaving dates.
    #[command(subcommand)]
    Score(report::ScoreCmd),
    /// Enrollment with head office (注册): set up head office, issue and import enrollment files.
    #[command(subcommand)]
    Enroll(sync::EnrollCmd),
    /// Requests to head office (申请): make a customer 战略客户 or assign its customer code; head
    /// office approves or refuses.
    #[command(subcommand)]
    Request(request::RequestCmd),
    /// Exchange with head office by sync file (同步): status, export, import with preview,
    /// conflict inbox, duplicate customers (撞单), history.
    #[command(subcommand)]
    Sync(sync::SyncCmd),
}

trait Labeled: Sized {
    fn parse_label(s: &str) -> Option<Self>;
    fn choices() -> String;
}
macro_rules! labeled {
    ($($t:ty),*) => {$(
        impl Labeled for $t {
            fn parse_label(s: &str) -> Option<Self> { <$t>::parse(s) }
            fn choices() -> String { <$t>::ALL.iter().map(|v| format!("{} ({})", v.as_str(), v.label_zh())).collect::<Vec<_>>().join(", ") }
        }
    )*};
}
labeled!(
    Tier,
    Category,
    Lifecycle,
    Nature,
    Scale,
    kam_core::Role,
    RecordKind,
    ContactChangeKind,
    kam_core::import::DuplicateAction,
    kam_core::import::ImportKind,
    kam_core::RequestKind,
    kam_core::RequestStatus,
    kam_core::FinanceKind
);

fn parse_enum<T: Labeled>(s: &str) -> Result<T, String> {
    T::parse_label(s).ok_or_else(|| format!("'{s}' is not one of: {}", T::choices()))
}

fn print_json<T: Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// Pad to a display width, counting CJK characters as two columns.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The id of the user named or identified by `key`, if one was given.
fn resolve_user(kam: &Kam, key: &Option<String>) -> Result<Option<String>> {
    let Some(key) = key else { return Ok(None) };
    let user = kam.resolve_user(key).with_context(|| format!("no user '{key}': see `kam user list`"))?;
    Ok(Some(user.id))
}

fn main() {
    // Behave like other Unix tools when piped into `head`: exit quietly on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let json = std::env::args().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => errors::usage_error(e, json),
    };
    if let Err(e) = run(cli) {
        errors::report_error(&e, json);
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let path = cli.db.clone().unwrap_or_else(kam_core::default_db_path);
    #[cfg(feature = "bench")]
    if let Cmd::Bench(b) = cli.cmd {
        return bench::run(b, &path);
    }
    let mut kam = Kam::open_locked(&path).with_context(|| format!("opening {}", path.display()))?;
    // What works before anyone signs in; everything else signs in first.
    match &cli.cmd {
        Cmd::Init => {
            println!("{}", kam.path().display());
            return Ok(());
        }
        Cmd::Setup { name } => return auth::setup(&mut kam, &cli.creds, name),
        Cmd::Login => return auth::login(&mut kam, &cli.creds),
        Cmd::Logout => return auth::logout(&mut kam),
        Cmd::ResetPassword { code, new_password_file } => {
            return auth::reset_with_code(&mut kam, &cli.creds, code, new_password_file.as_deref())
        }
        Cmd::Info { .. } | Cmd::Enroll(sync::EnrollCmd::Import { .. }) if kam.setup_needed()? => {}
        _ => {
            auth::sign_in(&mut kam, &cli.creds)?;
        }
    }
    match cli.cmd {
        Cmd::Init | Cmd::Setup { .. } | Cmd::Login | Cmd::Logout | Cmd::ResetPassword { .. } => {
            unreachable!("handled above")
        }
        Cmd::History { key, json } => history::run(&kam, &key, json)?,
        Cmd::Audit(cmd) => audit::run(&kam, cmd)?,
        Cmd::Request(cmd) => request::run(&mut kam, cmd)?,
        Cmd::Form(cmd) => form::run(&kam, cmd)?,
        Cmd::Import(cmd) => import::run(&mut kam, cmd)?,
        Cmd::Finance(cmd) => finance::run(&mut kam, cmd)?,
        Cmd::Whoami { json } => {
            let me = kam.me()?;
            if json {
                print_json(&me)?;
            } else {
                let admin = if me.is_admin { "，管理员 administrator" } else { "" };
                println!("{}（{}{admin}）{}", me.name, me.role.label_zh(), me.department);
            }
        }
        Cmd::Info { json } => {
            let info = kam.app_info()?;
            if json {
                print_json(&info)?;
            } else {
                println!("数据库 database: {}", info.db_path);
                println!("结构版本 schema: {}", info.schema_version);
                println!("设备 device: {} ({})", info.device_tag, info.device_id);
                println!("用户 user: {} ({})", info.current_user.name, info.current_user.role.label_zh());
                println!("客户数 customers: {}", info.customer_count);
                match info.days_since_exchange {
                    Some(d) => println!("与总部上次交换 last exchange with head office: {d} 天前 days ago"),
                    None => println!("尚未与总部交换 never exchanged with head office"),
                }
            }
        }
        Cmd::Demo { customers, seed, visits, json } => {
            let r = kam.load_demo(customers, seed).context("loading demo data")?;
            let visits = visits.unwrap_or(customers.saturating_mul(5));
            let rel = if visits > 0 {
                Some(kam.load_demo_relationship(visits, seed).context("loading demo visits")?)
            } else {
                None
            };
            if json {
                let mut v = serde_json::to_value(&r)?;
                v["relationship"] = serde_json::to_value(&rel)?;
                print_json(&v)?;
            } else {
                println!(
                    "已生成演示数据 demo data: {} customers, {} contacts, {} users in {} ms",
                    r.customers, r.contacts, r.users, r.millis
                );
                if let Some(x) = rel {
                    println!(
                        "  {} visits, {} visit plans, {} complaints, {} surveys in {} ms",
                        x.visits, x.plans, x.complaints, x.surveys, x.millis
                    );
                }
            }
        }
        Cmd::Customer(c) => dossier::customer(&mut kam, c)?,
        Cmd::Contact(c) => dossier::contact(&mut kam, c)?,
        Cmd::Record(c) => dossier::record(&mut kam, c)?,
        Cmd::User(c) => dossier::user(&mut kam, c)?,
        Cmd::Company(c) => dossier::company(&mut kam, c)?,
        Cmd::Visit(c) => relation::visit(&mut kam, c)?,
        Cmd::Due(a) => relation::due(&mut kam, a)?,
        Cmd::Complaint(c) => relation::complaint(&mut kam, c)?,
        Cmd::Survey(c) => relation::survey(&mut kam, c)?,
        Cmd::Quote(c) => quote::run(&mut kam, c)?,
        Cmd::Product(c) => quote::product(&mut kam, c)?,
        Cmd::Report(c) => report::report(&mut kam, c)?,
        Cmd::Target(c) => report::target(&mut kam, c)?,
        Cmd::Sale(c) => report::sale(&mut kam, c)?,
        Cmd::Collection(c) => report::collection(&mut kam, c)?,
        Cmd::Receivable(c) => report::receivable(&mut kam, c)?,
        Cmd::Score(c) => report::score(&mut kam, c)?,
        Cmd::Enroll(c) => sync::enroll(&mut kam, c)?,
        Cmd::Sync(c) => sync::sync(&mut kam, c)?,
        #[cfg(feature = "bench")]
        Cmd::Bench(_) => unreachable!("handled above"),
    }
    Ok(())
}
