//! `kam bench sign-in`: signing in with the real argon2id parameters, as the window and
//! `kam login` do (a temporary database; goal ≤ 500 ms including the hash).

use std::time::Instant;

use anyhow::Result;
use kam_core::Kam;

use super::{percentile, timed};

pub fn bench(runs: usize) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("kam-bench-sign-in-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("kam.sqlite3");
    let t = Instant::now();
    Kam::open_locked(&path)?.create_first_admin("管理员", "bench-password-1")?;
    println!("first administrator created (one hash) in {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    let (_, ms) = timed(runs, || Ok(Kam::open_locked(&path)?.sign_in("管理员", "bench-password-1")?))?;
    println!(
        "open + sign in ({} runs): p50 {:.0} ms, max {:.0} ms (goal ≤ 500 ms)",
        ms.len(),
        percentile(&ms, 0.5),
        ms.last().copied().unwrap_or_default()
    );
    let t = Instant::now();
    let wrong = Kam::open_locked(&path)?.sign_in("管理员", "not-the-password").map(|_| ());
    println!(
        "a wrong password is refused ({}) in {:.0} ms",
        wrong.err().map(|e| e.code()).unwrap_or("accepted!"),
        t.elapsed().as_secs_f64() * 1000.0
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
