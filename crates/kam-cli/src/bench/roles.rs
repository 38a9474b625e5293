//! `kam bench roles`: search and a rep's Today page through the API as the window calls it
//! when signed in (the gate, then the person's scope: a head-office clerk sees every customer,
//! a rep only their own, filtered in the SQL) beside the same calls on a trusted in-process
//! `Kam` (no gate, no scope), on a big database — the cost of the checks, side by side.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use kam_core::{CustomerQuery, CustomerSort, Kam, Role};

use super::{percentile, timed};

const PASSWORD: &str = "bench-password-1";

pub fn bench(path: &Path, customers: u32, visits: u32, runs: usize) -> Result<()> {
    let mut trusted = Kam::open(path).with_context(|| format!("opening {}", path.display()))?;
    let have = trusted.app_info()?.customer_count;
    if have < customers {
        let t = Instant::now();
        trusted.load_demo(customers - have, 42)?;
        trusted.load_demo_relationship(visits, 43)?;
        println!("generated {} customers and {visits} visits in {:.1} s", customers - have, t.elapsed().as_secs_f64());
    }
    let users = trusted.users()?;
    let rep = users.iter().find(|u| u.role == Role::Rep).context("no rep: run kam demo first")?.clone();
    let clerk = users.iter().find(|u| u.role == Role::HeadOffice).context("no head-office clerk")?.clone();
    let mut signed = Vec::new();
    for who in [&clerk, &rep] {
        trusted.set_user_password(&who.id, PASSWORD)?;
        let mut k = Kam::open_locked(path)?;
        k.sign_in(&who.id, PASSWORD)?;
        signed.push(k);
    }
    // Two characters from the middle of 200 names in the generator's (random) order, so the
    // queries differ (the first 200 by name share a city and so one fragment).
    let names: Vec<String> = trusted
        .list_customers(&CustomerQuery {
            limit: Some(200),
            sort: Some(CustomerSort::UpdatedDesc),
            ..Default::default()
        })?
        .rows
        .into_iter()
        .map(|r| r.name.chars().skip(2).take(2).collect())
        .collect();
    let distinct = names.iter().collect::<std::collections::BTreeSet<_>>().len();
    let own = signed[1].list_customers(&CustomerQuery { limit: Some(1), ..Default::default() })?.total;
    println!(
        "{} customers; rep {} owns {own}; {} two-character queries ({distinct} different), {runs} Today runs",
        trusted.app_info()?.customer_count,
        rep.name,
        names.len()
    );
    // Interleaved, one run of each in turn, so all see the same cache and machine load.
    let kams = [&trusted, &signed[0], &signed[1]];
    let (mut search, mut today) = (vec![Vec::new(); 3], vec![Vec::new(); 3]);
    let mut found = [0usize; 3];
    let mut each = vec![Vec::new(); 3];
    for _ in 0..runs.max(1) {
        for (i, k) in kams.iter().enumerate() {
            let (mut n, mut total) = (0, 0.0);
            for q in &names {
                let (hits, t) = timed(1, || {
                    k.require_signed_in()?;
                    Ok(k.search_hits(q, 50)?.len())
                })?;
                n += hits;
                total += t[0];
                each[i].push(t[0]);
            }
            found[i] = n;
            search[i].push(total / names.len().max(1) as f64);
            let (_, t) = timed(1, || {
                k.require_signed_in()?;
                Ok(k.today_page(Some(&rep.id))?)
            })?;
            today[i].push(t[0]);
        }
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        percentile(v, 0.5)
    };
    let labels = ["trusted, no gate or scope", "head office signed in", "the rep signed in (own)"];
    let mut rows = Vec::new();
    for (i, label) in labels.into_iter().enumerate() {
        let (s, t) = (med(&mut search[i]), med(&mut today[i]));
        let hits = found[i] as f64 / names.len().max(1) as f64;
        each[i].sort_by(f64::total_cmp);
        let (p50, p95) = (percentile(&each[i], 0.5), percentile(&each[i], 0.95));
        println!(
            "{label:<27} search first 50: {s:.3} ms per query (p50 {p50:.3}, p95 {p95:.3}; {hits:.1} hits)   Today page: {t:.1} ms (medians of {runs})"
        );
        rows.push((s, t));
    }
    let pct = |b: f64, a: f64| (b / a - 1.0) * 100.0;
    let (a, h, r) = (rows[0], rows[1], rows[2]);
    println!(
        "head office ÷ trusted: search {:+.1} %, Today {:+.1} % (the gate and the scope lookup; goal ≤ +5 %)",
        pct(h.0, a.0),
        pct(h.1, a.1)
    );
    println!(
        "rep ÷ trusted: search {:+.1} %, Today {:+.1} % (the rep's own customers only, filtered in SQL)",
        pct(r.0, a.0),
        pct(r.1, a.1)
    );
    Ok(())
}
