//! `kam history <customer | quote>`: who changed which field from what to what (变更历史).

use anyhow::Result;
use kam_core::history::{ChangeAction, ChangeEntry};
use kam_core::Kam;

use crate::{pad, print_json};

/// A customer (id, customer code or credit code) or a quote (id or number).
pub fn run(kam: &Kam, key: &str, json: bool) -> Result<()> {
    let entries = match kam.resolve_customer(key) {
        Ok(c) => kam.customer_history(&c.id)?,
        Err(_) => {
            let q = kam.resolve_quote(key)?;
            kam.quote_history(&q.id)?
        }
    };
    if json {
        return print_json(&entries);
    }
    for e in &entries {
        println!(
            "{}  {}  {}  {}",
            pad(&kam_core::time::local_time(&e.at), 16),
            pad(e.by_name.as_deref().unwrap_or(&e.by_user_id), 8),
            pad(&e.record_zh, 8),
            what(e)
        );
    }
    if entries.is_empty() {
        println!("没有记录 no history");
    }
    Ok(())
}

fn what(e: &ChangeEntry) -> String {
    let via = e.sync_file.as_ref().map(|f| format!("（同步文件 {}）", &f[..f.len().min(8)])).unwrap_or_default();
    match e.action {
        ChangeAction::Added => format!("新增{via}"),
        ChangeAction::Deleted => format!("删除{via}"),
        ChangeAction::Restored => format!("恢复{via}"),
        ChangeAction::Changed => format!(
            "{}：{} → {}{via}",
            e.field_zh.as_deref().or(e.field.as_deref()).unwrap_or("?"),
            e.old_text.as_deref().unwrap_or("（空）"),
            e.new_text.as_deref().unwrap_or("（空）")
        ),
    }
}
