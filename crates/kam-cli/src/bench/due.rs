//! `kam bench due` (built only with `--features bench`; see README).

#![allow(unused_imports)]
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use kam_core::*;

use super::timed;
use crate::{pad, print_json};

fn figures(label: &str, times: &[f64], what: &str) {
    println!(
        "{:<34} median {:>8.1} ms   min {:>8.1} ms   max {:>8.1} ms   {}",
        label,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        what
    );
}

/// `kam bench due`: the company's due list and one rep's Today page on a big database.
pub fn bench_due(path: &Path, customers: u32, visits: u32, runs: usize) -> Result<()> {
    let mut kam = Kam::open(path).with_context(|| format!("opening {}", path.display()))?;
    let have = kam.app_info()?.customer_count;
    if have < customers {
        let t = Instant::now();
        let r = kam.load_demo(customers - have, 42)?;
        println!("generated {} customers, {} contacts in {:.1} s", r.customers, r.contacts, t.elapsed().as_secs_f64());
    }
    let have = kam.visit_count()?;
    if have < visits as u64 {
        let t = Instant::now();
        let r = kam.load_demo_relationship(visits - have as u32, 43)?;
        println!(
            "generated {} visits, {} plans, {} complaints, {} surveys in {:.1} s",
            r.visits,
            r.plans,
            r.complaints,
            r.surveys,
            t.elapsed().as_secs_f64()
        );
    }
    let db_bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum();
    let info = kam.app_info()?;
    println!(
        "database: {} customers, {} visits, {:.1} MiB ({})",
        info.customer_count,
        kam.visit_count()?,
        db_bytes as f64 / 1048576.0,
        path.display()
    );
    // The rep with the most customers.
    let rep = kam
        .users()?
        .into_iter()
        .filter(|u| u.role == kam_core::Role::Rep)
        .map(|u| {
            let n = kam
                .list_customers(&kam_core::CustomerQuery {
                    owner_id: Some(u.id.clone()),
                    limit: Some(1),
                    ..Default::default()
                })
                .map(|p| p.total)
                .unwrap_or(0);
            (n, u)
        })
        .max_by_key(|(n, _)| *n)
        .context("no rep in the database: run `kam demo` first")?;
    let strategic = kam
        .list_customers(&kam_core::CustomerQuery { tier: Some(Tier::Strategic), limit: Some(1), ..Default::default() })?
        .total;
    println!(
        "one rep: {} with {} customers; {} strategic customers in all; {} runs each",
        rep.1.name, rep.0, strategic, runs
    );

    let (all, t) = timed(runs, || Ok(kam.due(&DueQuery::default())?))?;
    let overdue = all.iter().filter(|d| d.days_overdue > 0).count();
    figures("company due list (all rules)", &t, &format!("{} items, {} overdue", all.len(), overdue));
    let (late, t) = timed(runs, || Ok(kam.due(&DueQuery { overdue_only: Some(true), ..Default::default() })?))?;
    figures("company overdue list", &t, &format!("{} items", late.len()));
    let contact = all.iter().filter(|d| d.rule == CadenceKind::Contact && d.days_overdue > 0).count();
    println!("{:<34} {contact} strategic customers not contacted within a month", "");
    let (page, t) = timed(runs, || Ok(kam.today_page(Some(&rep.1.id))?))?;
    figures(
        "one rep's Today page",
        &t,
        &format!(
            "{} overdue, {} due soon, {} follow-ups, {} plans, {} reminders, {} complaints",
            page.overdue_total,
            page.due_soon_total,
            page.follow_ups.len(),
            page.plans.len(),
            page.reminders.len(),
            page.complaints.len()
        ),
    );
    let (mine, t) = timed(runs, || Ok(kam.due(&DueQuery { owner_id: Some(rep.1.id.clone()), ..Default::default() })?))?;
    figures("one rep's due list", &t, &format!("{} items", mine.len()));
    let (page, t) = timed(runs, || Ok(kam.today_page(None)?))?;
    figures("company Today page", &t, &format!("{} overdue, {} reminders", page.overdue_total, page.reminders.len()));
    Ok(())
}
