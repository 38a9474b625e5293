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
            // Changes head office did not accept (an approval by someone without the role, …):
            // the files were applied, but the clerk is warned.
            let not_accepted: usize = results.iter().filter_map(|r| r.report.as_ref()).map(|r| r.refused.len()).sum();
            if not_accepted > 0 {
                eprintln!(
                    "警告 warning: {not_accepted} 项更改未被接受，原因见上；发送人会在回传文件中得知 {not_accepted} change(s) not accepted, see above; the senders are told in their return files"
                );
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
    if rep.withdrawn > 0 {
        println!("  已撤回改派给他人的客户 reassigned customers withdrawn from this device: {}", rep.withdrawn);
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
