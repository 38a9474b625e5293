//! `kam request new | list | approve | refuse`: requests to head office (申请) to make a customer
//! 战略客户 or to assign its customer code. A rep or a manager files one on their laptop; it
//! reaches head office in the next sync file, where head office approves or refuses it; the
//! outcome comes back in the return file.

use anyhow::Result;
use clap::Subcommand;
use kam_core::{CustomerRequest, Kam, RequestKind, RequestQuery, RequestStatus};

use crate::{pad, parse_enum, print_json};

#[derive(Subcommand)]
pub enum RequestCmd {
    /// Ask head office: `--kind strategic_tier` (设为战略客户) or `customer_code` (分配客户编码).
    New {
        /// Customer (id, customer code or credit code).
        customer: String,
        #[arg(long, value_parser = parse_enum::<RequestKind>)]
        kind: RequestKind,
        /// Why (required).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Requests, newest first: head office sees all, others those they filed.
    List {
        /// pending (default) | approved | refused | all
        #[arg(long, default_value = "pending")]
        status: String,
        /// Only this customer's.
        #[arg(long)]
        customer: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Approve at head office: the customer becomes 战略客户 or gets its code.
    Approve {
        id: String,
        /// A remark for the requester.
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Refuse at head office, with the reason the requester will read.
    Refuse {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

fn print_one(r: &CustomerRequest) {
    let who = r.requested_by_name.as_deref().unwrap_or(&r.requested_by);
    let code = r.customer_code.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
    println!(
        "{}  {}  {}  {}{code}（{}）  {}：{}",
        pad(r.status.label_zh(), 10),
        pad(r.kind.label_zh(), 12),
        &r.requested_at[..r.requested_at.len().min(10)],
        r.customer_name,
        r.customer_tier.label_zh(),
        who,
        r.reason
    );
    if r.status != RequestStatus::Pending {
        let by = r.decided_by_name.as_deref().or(r.decided_by.as_deref()).unwrap_or("");
        let note = if r.decision_note.is_empty() { String::new() } else { format!("：{}", r.decision_note) };
        println!("    {} {by}{note}", r.status.label_zh());
    }
    println!("    id {}", r.id);
}

fn done(r: &CustomerRequest, json: bool) -> Result<()> {
    if json {
        print_json(r)
    } else {
        print_one(r);
        Ok(())
    }
}

pub fn run(kam: &mut Kam, cmd: RequestCmd) -> Result<()> {
    match cmd {
        RequestCmd::New { customer, kind, reason, json } => {
            let c = kam.resolve_customer(&customer)?;
            let r = kam.file_request(&c.id, kind, &reason)?;
            if !json {
                println!("已提交，随下次同步文件送总部审批 filed; it goes to head office with the next sync file");
            }
            done(&r, json)?;
        }
        RequestCmd::List { status, customer, json } => {
            let status = match status.trim() {
                "all" | "全部" => None,
                s => Some(parse_enum::<RequestStatus>(s).map_err(anyhow::Error::msg)?),
            };
            let customer_id = match customer {
                Some(c) => Some(kam.resolve_customer(&c)?.id),
                None => None,
            };
            let rows = kam.customer_requests(&RequestQuery { status, customer_id })?;
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("没有申请 no requests");
            }
            for r in &rows {
                print_one(r);
            }
        }
        RequestCmd::Approve { id, note, json } => done(&kam.approve_request(&id, &note)?, json)?,
        RequestCmd::Refuse { id, reason, json } => done(&kam.refuse_request(&id, &reason)?, json)?,
    }
    Ok(())
}
