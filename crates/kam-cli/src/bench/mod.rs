//! `kam bench …`: benchmarks that print figures (never timed assertions).

mod due;
mod history;
mod import;
mod quote;
mod report;
mod roles;
mod sign_in;
mod sync;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Subcommand;
use kam_core::Kam;

#[derive(Subcommand)]
pub enum BenchCmd {
    /// Search latency p50/p95 by query length and for pinyin initials, counting time, and
    /// database size. Builds the database first if it has fewer customers than asked.
    Search {
        #[arg(long, default_value_t = 100_000)]
        customers: u32,
        /// Queries per kind.
        #[arg(long, default_value_t = 200)]
        queries: usize,
    },
    /// The company's cadence due list and one rep's Today page (visits, reminders,
    /// complaints). Builds the customers and visit logs first if there are fewer than asked.
    Due {
        #[arg(long, default_value_t = 100_000)]
        customers: u32,
        #[arg(long, default_value_t = 1_000_000)]
        visits: u32,
        /// Timed runs per figure.
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// The monthly key-account report of last month: wall time and peak memory (VmHWM).
    /// Builds customers, visits and a year of sales first if there are fewer than asked.
    Report {
        #[arg(long, default_value_t = 100_000)]
        customers: u32,
        #[arg(long, default_value_t = 1_000_000)]
        visits: u32,
        /// Timed runs.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Price, store, submit and export a quote of N lines (temporary database).
    Quote {
        #[arg(long, default_value_t = 500)]
        lines: usize,
    },
    /// Head-office exchange (temporary databases): one rep's weekly export, head office
    /// importing every rep's weekly file, bytes per change. Builds head office and the enrolled
    /// reps first, each rep's week written through the normal API.
    Sync(sync::BenchArgs),
    /// Search and a rep's Today page signed in (the gate and the person's scope: head office
    /// everyone's customers, a rep their own) beside a trusted, unscoped `Kam`, on a big
    /// database (built first if smaller).
    Roles {
        #[arg(long, default_value_t = 100_000)]
        customers: u32,
        #[arg(long, default_value_t = 200_000)]
        visits: u32,
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// A customer's change history after N edits (temporary database with demo data).
    History {
        #[arg(long, default_value_t = 1_000)]
        changes: u32,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Import a customer workbook with contacts and a sales workbook (made with
    /// rust_xlsxwriter) into a temporary database: dry run and apply times, the sales imported
    /// again, peak memory.
    Import {
        #[arg(long, default_value_t = 50_000)]
        customers: u32,
        #[arg(long, default_value_t = 200_000)]
        sales: u32,
    },
    /// Open a database and sign in with the real argon2id parameters (temporary database).
    SignIn {
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

pub fn run(cmd: BenchCmd, path: &Path) -> Result<()> {
    match cmd {
        BenchCmd::Search { customers, queries } => search(path, customers, queries),
        BenchCmd::Quote { lines } => quote::bench(lines),
        BenchCmd::Sync(a) => sync::bench(a),
        BenchCmd::SignIn { runs } => sign_in::bench(runs),
        BenchCmd::Import { customers, sales } => import::bench(customers, sales),
        BenchCmd::History { changes, runs } => history::bench(changes, runs),
        BenchCmd::Roles { customers, visits, runs } => roles::bench(path, customers, visits, runs),
        BenchCmd::Report { customers, visits, runs } => report::bench_report(path, customers, visits, runs),
        BenchCmd::Due { customers, visits, runs } => due::bench_due(path, customers, visits, runs),
    }
}

/// Run `f` `runs` times: its last result and the times in ms, sorted.
pub(super) fn timed<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(T, Vec<f64>)> {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        drop(last.take());
        let t = Instant::now();
        let v = f()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(v);
    }
    times.sort_by(f64::total_cmp);
    Ok((last.expect("ran at least once"), times))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn search(path: &Path, customers: u32, queries: usize) -> Result<()> {
    let mut kam = Kam::open(path).with_context(|| format!("opening {}", path.display()))?;
    let have = kam.app_info()?.customer_count;
    if have < customers {
        let t = Instant::now();
        let r = kam.load_demo(customers - have, 42)?;
        println!("generated {} customers, {} contacts in {:.1} s", r.customers, r.contacts, t.elapsed().as_secs_f64());
    }
    let names: Vec<String> = kam
        .list_customers(&kam_core::CustomerQuery { limit: Some(1000), ..Default::default() })?
        .rows
        .into_iter()
        .map(|r| r.name)
        .collect();
    let info = kam.app_info()?;
    let db_bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "database: {} customers, {:.1} MiB ({})",
        info.customer_count,
        db_bytes as f64 / 1048576.0,
        path.display()
    );
    println!(
        "{:<22} {:>9} {:>9} {:>9} {:>11} {:>9}",
        "query kind", "hits p50", "hits p95", "hits max", "count p50", "count p95"
    );
    // Deterministic queries: substrings of real names, stepping through the list.
    type MakeQuery = Box<dyn Fn(&str, usize) -> Option<String>>;
    let kinds: [(&str, MakeQuery); 5] = [
        ("1 character", Box::new(|n: &str, i| sub(n, i, 1))),
        ("2 characters", Box::new(|n: &str, i| sub(n, i, 2))),
        ("3 characters", Box::new(|n: &str, i| sub(n, i, 3))),
        ("4 characters", Box::new(|n: &str, i| sub(n, i, 4))),
        (
            "pinyin initials (4)",
            Box::new(|n: &str, i| {
                let (_, ini) = kam_core::search::pinyin_of(n);
                sub(&ini, i, 4)
            }),
        ),
    ];
    for (label, make) in kinds.iter() {
        let qs: Vec<String> = (0..queries).filter_map(|i| make(&names[(i * 7) % names.len()], i)).collect();
        let mut hit_ms = Vec::new();
        let mut count_ms = Vec::new();
        for q in &qs {
            let t = Instant::now();
            let hits = kam.search_hits(q, 50)?;
            hit_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let total = kam.search_total(q)?;
            count_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(!hits.is_empty() && total > 0, "query {q:?} found nothing");
        }
        hit_ms.sort_by(f64::total_cmp);
        count_ms.sort_by(f64::total_cmp);
        println!(
            "{:<22} {:>7.3}ms {:>7.3}ms {:>7.3}ms {:>9.3}ms {:>7.3}ms",
            label,
            percentile(&hit_ms, 0.5),
            percentile(&hit_ms, 0.95),
            hit_ms.last().copied().unwrap_or(0.0),
            percentile(&count_ms, 0.5),
            percentile(&count_ms, 0.95)
        );
    }
    Ok(())
}

/// `len` characters of `s` starting at a position chosen by `i`.
fn sub(s: &str, i: usize, len: usize) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < len {
        return None;
    }
    let start = (i * 3) % (chars.len() - len + 1);
    Some(chars[start..start + len].iter().collect())
}
