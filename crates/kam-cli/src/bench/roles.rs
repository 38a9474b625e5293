//! `kam bench roles`: search and a rep's Today page through the API as the window calls it
//! when signed in (the sign-in gate every window command passes first) beside the same calls on
//! a trusted in-process `Kam` (no gate), on a big database — the cost of the checks, side by side.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use kam_core::{CustomerQuery, Kam, Role};

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
    let rep = trusted.users()?.into_iter().find(|u| u.role == Role::Rep).context("no rep: run kam demo first")?;
    trusted.set_user_password(&rep.id, PASSWORD)?;
    let mut signed = Kam::open_locked(path)?;
    signed.sign_in(&rep.id, PASSWORD)?;
    let names: Vec<String> = trusted
        .list_customers(&CustomerQuery { limit: Some(200), ..Default::default() })?
        .rows
        .into_iter()
        .map(|r| r.name.chars().skip(2).take(2).collect())
        .collect();
    println!(
        "{} customers; rep {}; {} two-character queries, {runs} Today runs",
        trusted.app_info()?.customer_count,
        rep.name,
        names.len()
    );
    // Interleaved, one run of each in turn, so both see the same cache and machine load.
    let (mut search, mut today) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for _ in 0..runs.max(1) {
        for (i, k) in [&trusted, &signed].into_iter().enumerate() {
            let (_, t) = timed(1, || {
                for q in &names {
                    k.require_signed_in()?;
                    k.search_hits(q, 50)?;
                }
                Ok(())
            })?;
            search[i].push(t[0] / names.len().max(1) as f64);
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
    let mut rows = Vec::new();
    for (i, label) in ["trusted, no gate", "signed in as the rep"].into_iter().enumerate() {
        let (s, t) = (med(&mut search[i]), med(&mut today[i]));
        println!("{label:<22} search first 50: {s:.3} ms per query   Today page: {t:.1} ms (medians of {runs})");
        rows.push((s, t));
    }
    let (a, b) = (rows[0], rows[1]);
    println!(
        "signed in ÷ trusted: search {:+.1} %, Today {:+.1} % (goal ≤ +5 %)",
        (b.0 / a.0 - 1.0) * 100.0,
        (b.1 / a.1 - 1.0) * 100.0
    );
    Ok(())
}
