//! `kam bench quote` (built only with `--features bench`; see README).

#![allow(unused_imports)]
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use kam_core::*;

use crate::{pad, print_json};

/// `kam bench quote` / `kam quote bench`: time pricing, storing, loading, submitting and
/// exporting a quote of `lines` lines, in a temporary database (the user's is not touched).
pub fn bench(lines: usize) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("kam-bench-quote-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = bench_in(&dir, lines);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn bench_in(dir: &Path, n: usize) -> Result<()> {
    let mut kam = Kam::open(&dir.join("bench.sqlite3"))?;
    let customer = kam
        .create_customer(&kam_core::CustomerInput {
            name: "基准测试客户有限公司".into(), ..Default::default()
        })?
        .customer;
    let inputs: Vec<QuoteLineInput> = (0..n)
        .map(|i| QuoteLineInput {
            description: Some(format!("基准产品 {i:04}")),
            spec: Some("标准规格".into()),
            unit: Some(["㎡", "套", "吨"][i % 3].into()),
            quantity: Quantity(rust_decimal::Decimal::new(
                100 + (i as i64 * 37) % 20_000,
                if i % 5 == 0 { 1 } else { 0 },
            )),
            cost_fen: Some(Fen(1_000 + (i as i64 * 7_919) % 900_000)),
            fees_fen: Some(Fen((i as i64 % 4) * 50)),
            rebate_rate: (i % 7 == 0).then(|| Rate::percent(8)),
            discount_rate: (i % 11 == 0).then(|| Rate::percent(3)),
            ..Default::default()
        })
        .collect();
    let policy = kam.pricing_policy()?;
    let t = Instant::now();
    let mut total = Fen::ZERO;
    for l in &inputs {
        let b = price_line(
            &policy,
            l.cost_fen.unwrap_or_default(),
            l.quantity,
            l.rebate_rate.unwrap_or_default(),
            l.fees_fen.unwrap_or_default(),
        )?;
        total += b.line_total_fen;
    }
    let price_ms = ms(t);
    let q = kam.create_quote(&QuoteInput { customer_id: customer.id, ..Default::default() })?;
    let t = Instant::now();
    kam.add_quote_lines(&q.id, &inputs)?;
    let store_ms = ms(t);
    let t = Instant::now();
    let loaded = kam.quote(&q.id)?;
    let load_ms = ms(t);
    let t = Instant::now();
    let submitted = kam.submit_quote(&q.id)?;
    let submit_ms = ms(t);
    let t = Instant::now();
    let e1 = kam.export_quote(&q.id, &dir.join("quote.xlsx"), false)?;
    let export_ms = ms(t);
    let t = Instant::now();
    let e2 = kam.export_quote(&q.id, &dir.join("quote-internal.xlsx"), true)?;
    let export_internal_ms = ms(t);
    println!(
        "quote of {n} lines (total {}; {} approvals needed)",
        loaded.totals.total_fen,
        submitted.required_approvals.len()
    );
    println!("{:<40} {:>10.3} ms", "price (pure price_line × lines)", price_ms);
    println!("{:<40} {:>10.3} ms", "price + store (add_quote_lines, 1 tx)", store_ms);
    println!("{:<40} {:>10.3} ms", "load (quote with lines, totals)", load_ms);
    println!("{:<40} {:>10.3} ms", "submit (approvals computed)", submit_ms);
    println!("{:<40} {:>10.3} ms  ({} KiB)", "export customer workbook", export_ms, e1.bytes / 1024);
    println!("{:<40} {:>10.3} ms  ({} KiB)", "export internal workbook", export_internal_ms, e2.bytes / 1024);
    let _ = total;
    Ok(())
}
