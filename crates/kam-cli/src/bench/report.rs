//! `kam bench report` (built only with `--features bench`; see README).

#![allow(unused_imports)]
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use kam_core::*;

use crate::{pad, print_json};

/// Peak resident memory of this process (VmHWM), in MiB; 0 where /proc is missing.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// `kam bench report`: build the demo database if needed (customers, visits, a year of sales),
/// then time the month's report and its workbook and print the peak memory.
pub fn bench_report(path: &Path, customers: u32, visits: u32, runs: usize) -> Result<()> {
    let mut kam = Kam::open(path).with_context(|| format!("opening {}", path.display()))?;
    let have = kam.app_info()?.customer_count;
    if have < customers {
        let t = Instant::now();
        let r = kam.load_demo(customers - have, 42)?;
        println!(
            "generated {} customers, {} reps+users, a year of sales in {:.1} s",
            r.customers,
            r.users,
            t.elapsed().as_secs_f64()
        );
    }
    let have = kam.visit_count()?;
    if have < visits as u64 {
        let t = Instant::now();
        let r = kam.load_demo_relationship(visits - have as u32, 43)?;
        println!(
            "generated {} visits, {} complaints, {} surveys in {:.1} s",
            r.visits,
            r.complaints,
            r.surveys,
            t.elapsed().as_secs_f64()
        );
    }
    drop(kam);
    let before = peak_mib();
    // Reset the peak (Linux: writing 5 to clear_refs resets VmHWM) so generating the data
    // above does not count.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let kam = Kam::open(path)?;
    let month = kam.previous_month();
    let users = kam.users()?.iter().filter(|u| u.role == kam_core::Role::Rep).count();
    println!(
        "database: {} customers, {} reps, {} visits ({})",
        kam.app_info()?.customer_count,
        users,
        kam.visit_count()?,
        path.display()
    );
    let dir = tempfile_dir()?;
    let mut preview = Vec::new();
    let mut export = Vec::new();
    let mut last = None;
    for i in 0..runs.max(1) {
        let t = Instant::now();
        let r = kam.monthly_report(&month, None)?;
        preview.push(t.elapsed().as_secs_f64());
        let out = dir.join(format!("大客户月报-{month}-{i}.xlsx"));
        let t = Instant::now();
        let mut stages: Vec<(u32, f64)> = Vec::new();
        let e = kam.export_monthly_report(&month, None, &out, &mut |p| stages.push((p, t.elapsed().as_secs_f64())))?;
        export.push(t.elapsed().as_secs_f64());
        if i == 0 {
            let s: Vec<String> = stages.iter().map(|(p, s)| format!("{p}%@{:.0}ms", s * 1000.0)).collect();
            println!("stages of one export (progress%@time): {}", s.join(" "));
        }
        let _ = std::fs::remove_file(&out);
        last = Some((r, e.bytes));
    }
    let _ = std::fs::remove_dir(&dir);
    let (r, bytes) = last.context("no run")?;
    preview.sort_by(f64::total_cmp);
    export.sort_by(f64::total_cmp);
    println!(
        "month {month}: {} reps, net sales {}, {} visits, {} new customers, {} overdue visits, {} overdue receivables",
        r.reps.len(),
        r.totals.net_sales_fen,
        r.totals.visits_done,
        r.totals.new_customers,
        r.totals.visits_overdue,
        r.totals.overdue_receivables
    );
    println!(
        "report figures (preview): median {:.3} s, max {:.3} s over {} runs",
        preview[preview.len() / 2],
        preview[preview.len() - 1],
        preview.len()
    );
    println!(
        "report + workbook export: median {:.3} s, max {:.3} s; workbook {:.1} MiB",
        export[export.len() / 2],
        export[export.len() - 1],
        bytes as f64 / 1048576.0
    );
    println!("peak memory (VmHWM): {:.0} MiB (before the report: {:.0} MiB)", peak_mib(), before);
    Ok(())
}

fn tempfile_dir() -> Result<PathBuf> {
    let d = std::env::temp_dir().join(format!("kam-bench-report-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
