//! `kam finance list|edit|void|pay|trade`: finance records a clerk can correct — sales,
//! returns, collections and receivables listed and filtered, edited, voided with a reason,
//! receivables marked paid — and a customer's 交易记录. The rules are the core's.

use anyhow::Result;
use clap::Subcommand;
use kam_core::{input, FinanceEdit, FinanceKind, FinanceQuery, FinanceRecord, Kam, ReceivablePayment};

use crate::{pad, parse_enum, print_json, resolve_user};

#[derive(Subcommand)]
pub enum FinanceCmd {
    /// Finance records, newest first.
    List {
        /// Customer (id, customer code or credit code).
        #[arg(long)]
        customer: Option<String>,
        /// sale | return | collection | receivable.
        #[arg(long, value_parser = parse_enum::<FinanceKind>)]
        kind: Option<FinanceKind>,
        /// YYYY-MM.
        #[arg(long)]
        month: Option<String>,
        /// Also list voided records.
        #[arg(long)]
        voided: bool,
        /// Receivables not fully paid only.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Correct a record: only the fields given change.
    Edit {
        id: String,
        /// Another customer (id, customer code or credit code).
        #[arg(long)]
        customer: Option<String>,
        /// sale | return (sales records only).
        #[arg(long, value_parser = parse_enum::<FinanceKind>)]
        kind: Option<FinanceKind>,
        /// Sold, collected or invoiced on.
        #[arg(long)]
        date: Option<String>,
        /// Due date (receivables).
        #[arg(long)]
        due: Option<String>,
        /// Amount in 元.
        #[arg(long)]
        amount: Option<String>,
        /// Rep credited (`--rep ""`: the customer's owner).
        #[arg(long)]
        rep: Option<String>,
        /// Document number (单据号; `--doc-no ""` clears it).
        #[arg(long)]
        doc_no: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Void a record (作废) with a reason: it stays listed and no sum counts it.
    Void {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Record what has been paid against a receivable: the total so far (default: all of it).
    Pay {
        id: String,
        /// Total paid so far in 元 (default: the whole amount).
        #[arg(long)]
        paid: Option<String>,
        /// Date paid (default: today).
        #[arg(long)]
        on: Option<String>,
    },
    /// A customer's 交易记录: purchases by month, collections, open receivables.
    Trade {
        customer: String,
        #[arg(long)]
        json: bool,
    },
}

fn print_record(r: &FinanceRecord) {
    let state = match (&r.voided_at, r.days_overdue, r.outstanding_fen) {
        (Some(_), _, _) => format!("已作废 voided: {}", r.void_reason),
        (None, Some(d), Some(o)) => format!("逾期 {d} 天 overdue, 未收 open {o}"),
        (None, None, Some(o)) if o > kam_core::Fen::ZERO => format!("未收 open {o}"),
        (None, None, Some(_)) => "已收清 paid".into(),
        _ => String::new(),
    };
    println!(
        "{}  {}  {}  {}  {}  {}  {}",
        r.id,
        r.date,
        pad(r.kind.label_zh(), 4),
        pad(r.doc_no.as_deref().unwrap_or("-"), 14),
        pad(&r.customer_name, 28),
        pad(&r.amount_fen.to_string(), 14),
        state
    );
}

fn customer_id(kam: &Kam, key: &Option<String>) -> Result<Option<String>> {
    Ok(match key {
        Some(k) => Some(kam.resolve_customer(k)?.id),
        None => None,
    })
}

pub fn run(kam: &mut Kam, cmd: FinanceCmd) -> Result<()> {
    match cmd {
        FinanceCmd::List { customer, kind, month, voided, open, limit, json } => {
            let page = kam.finance_records(&FinanceQuery {
                customer_id: customer_id(kam, &customer)?,
                kind,
                month,
                include_voided: Some(voided),
                open_only: Some(open),
                limit,
                offset: None,
            })?;
            if json {
                return print_json(&page);
            }
            for r in &page.rows {
                print_record(r);
            }
            println!("共 {} 条 records: {}", page.total, page.rows.len());
        }
        FinanceCmd::Edit { id, customer, kind, date, due, amount, rep, doc_no, notes, json } => {
            let rep_id = match rep {
                Some(r) if r.trim().is_empty() => Some(String::new()),
                other => resolve_user(kam, &other)?,
            };
            let edit = FinanceEdit {
                customer_id: customer_id(kam, &customer)?,
                kind,
                date,
                due_on: due,
                amount_fen: amount.map(|a| input::money("amount", &a)).transpose()?,
                rep_id,
                doc_no,
                notes,
            };
            let r = kam.edit_finance_record(&id, &edit)?;
            if json {
                return print_json(&r);
            }
            print!("已更正 corrected: ");
            print_record(&r);
        }
        FinanceCmd::Void { id, reason } => {
            let r = kam.void_finance_record(&id, &reason)?;
            print!("已作废 voided: ");
            print_record(&r);
        }
        FinanceCmd::Pay { id, paid, on } => {
            let p = ReceivablePayment { paid_fen: paid.map(|a| input::money("paid", &a)).transpose()?, paid_on: on };
            let r = kam.record_receivable_payment(&id, &p)?;
            print!("已登记收款 payment recorded: ");
            print_record(&r);
        }
        FinanceCmd::Trade { customer, json } => {
            let id = kam.resolve_customer(&customer)?.id;
            let t = kam.customer_trade(&id)?;
            if json {
                return print_json(&t);
            }
            println!(
                "近12个月 last 12 months: 净销售 net {} · 回款 collected {}  未收 open {} · 逾期 overdue {}  最近购买 last purchase {}{}",
                t.net_12m_fen,
                t.collections_12m_fen,
                t.open_fen,
                t.overdue_fen,
                t.last_purchase_on.as_deref().unwrap_or("-"),
                if t.dormant_suggested { "  建议标为休眠 suggested dormant" } else { "" }
            );
            for m in &t.months {
                println!(
                    "{}  销售 sales {}  退货 returns {}  净额 net {}  回款 collected {}",
                    m.month,
                    pad(&m.sales_fen.to_string(), 14),
                    pad(&m.returns_fen.to_string(), 12),
                    pad(&m.net_fen.to_string(), 14),
                    m.collections_fen
                );
            }
            for r in &t.open_receivables {
                print_record(r);
            }
        }
    }
    Ok(())
}
