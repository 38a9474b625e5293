//! `kam bench history`: a customer's change history with N recorded changes (goal ≤ 50 ms at
//! 1,000), on a temporary database.

use std::time::Instant;

use anyhow::Result;
use kam_core::{CustomerInput, Kam};

use super::{percentile, timed};

pub fn bench(changes: u32, runs: usize) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("kam-bench-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut kam = Kam::open(&dir.join("kam.sqlite3"))?;
    kam.load_demo(2_000, 7)?;
    let c = kam.create_customer(&CustomerInput { name: "苏州精密机械有限公司".into(), ..Default::default() })?.customer;
    let t = Instant::now();
    for i in 0..changes {
        let input = CustomerInput {
            name: c.name.clone(),
            address: Some(format!("苏州工业园区星湖街 {i} 号")),
            notes: Some(format!("第 {i} 次拜访后更新")),
            ..Default::default()
        };
        kam.update_customer(&c.id, &input)?;
    }
    println!("{changes} edits (2 fields each) in {:.1} s", t.elapsed().as_secs_f64());
    let (entries, ms) = timed(runs, || Ok(kam.customer_history(&c.id)?.len()))?;
    println!(
        "customer history ({entries} entries, {} runs): p50 {:.1} ms, max {:.1} ms (goal ≤ 50 ms)",
        ms.len(),
        percentile(&ms, 0.5),
        ms.last().copied().unwrap_or_default()
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
