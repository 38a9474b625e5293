//! `kam audit list | verify`: the recorded exports (审计日志) and their hash chain.

use anyhow::Result;
use clap::Subcommand;
use kam_core::audit::AuditQuery;
use kam_core::Kam;

use crate::{pad, print_json, resolve_user};

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Recorded exports, newest first: head office, executives and administrators.
    List {
        /// quote_customer | quote_internal | monthly_report | sync_file | enrollment_file
        #[arg(long)]
        kind: Option<String>,
        /// Who (name or id).
        #[arg(long)]
        by: Option<String>,
        /// From this local date (inclusive).
        #[arg(long)]
        from: Option<String>,
        /// To this local date (inclusive).
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Recompute the hash chain: reports the first entry altered or dropped (exit 1).
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(kam: &Kam, cmd: AuditCmd) -> Result<()> {
    match cmd {
        AuditCmd::List { kind, by, from, to, limit, json } => {
            let user_id = resolve_user(kam, &by)?;
            let entries = kam.audit_entries(&AuditQuery { kind, user_id, from, to, limit })?;
            if json {
                return print_json(&entries);
            }
            for e in &entries {
                let rows = e.row_count.map(|r| format!("{r} 行")).unwrap_or_default();
                println!(
                    "{}  {}  {}  {}  {}  {}",
                    pad(&kam_core::time::local_time(&e.at), 16),
                    pad(e.user_name.as_deref().unwrap_or(&e.user_id), 8),
                    pad(&e.kind_zh, 20),
                    pad(&rows, 8),
                    e.detail,
                    e.path
                );
            }
        }
        AuditCmd::Verify { json } => {
            let check = kam.verify_audit_chain()?;
            if json {
                print_json(&check)?;
            } else {
                match &check.broken_at {
                    None => println!("审计日志完整 the audit log is intact: {} entries", check.entries),
                    Some(at) => println!("审计日志被改动 the audit log was altered at {at}"),
                }
            }
            anyhow::ensure!(
                check.broken_at.is_none(),
                "审计日志被改动或删除 the audit log was altered or entries dropped"
            );
        }
    }
    Ok(())
}
