//! Benchmark for issue 3: how long the (release) app takes to render one rep's Today page
//! (今日, scope "mine") on a large database. Prints figures, asserts nothing.
//!
//! ```sh
//! kam --db /tmp/today100k.sqlite3 user use <rep>   # the Today page shows the current user's customers
//! npm --prefix ui run build && cargo build --release -p kam-app
//! xvfb-run -a -s "-screen 0 1280x800x24" \
//!   cargo run --release -p kam-e2e --example measure_today -- \
//!     --db /tmp/today100k.sqlite3 --app target/release/kam-app [--runs 5]
//! ```
//!
//! The database is copied (with its `-wal`) into a temporary profile. One session (one app
//! process) is used:
//!
//! - cold: right after the window is ready (`exchange-status` present; the start route is the
//!   customer list), click `nav-today` — the first visit, so the lazily loaded Today view's
//!   chunk is fetched too;
//! - warm, `--runs` times: click `nav-customers`, wait for a `customer-row`, then click
//!   `nav-today`.
//!
//! Each measurement is taken in the page: before the click, a capture-phase `click` listener
//! and a `MutationObserver` are installed; the figures are `performance.now()` differences
//! from the click event to (1) the first `today-overdue-row` (or `today-overdue-empty`) in the
//! DOM, (2) the next `requestAnimationFrame` after it (frame start) and (3) a `setTimeout(0)`
//! queued from that frame (≈ after the frame was painted). Also printed: the wall clock in the
//! harness from just before the WebDriver click until the page reported (3) (includes
//! WebDriver round trips), and the page's own `data-render-ms` (the Today view's IPC call to
//! its next frame).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kam_e2e::{tid, Driver, Failure, Profile, Step};
use serde_json::Value;
use thirtyfour::By;

const TIMEOUT: Duration = Duration::from_secs(60);

struct Args {
    db: PathBuf,
    app: PathBuf,
    runs: usize,
}

fn usage() -> ! {
    eprintln!("usage: measure_today --db <kam.db> --app <kam-app> [--runs N]");
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut db = None;
    let mut app = None;
    let mut runs = 5;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--db" => db = Some(PathBuf::from(val())),
            "--app" => app = Some(PathBuf::from(val())),
            "--runs" => runs = val().parse().unwrap_or_else(|_| usage()),
            "-h" | "--help" => usage(),
            _ => {
                eprintln!("unknown argument {a:?}");
                usage()
            }
        }
    }
    let (Some(db), Some(app)) = (db, app) else { usage() };
    let abs = |p: PathBuf| {
        let p = if p.is_relative() { std::env::current_dir().expect("cwd").join(p) } else { p };
        p.canonicalize().unwrap_or_else(|e| {
            eprintln!("{}: {e}", p.display());
            std::process::exit(2)
        })
    };
    Args { db: abs(db), app: abs(app), runs: runs.max(1) }
}

fn copy_db(src: &Path, dst: &Path) -> Step {
    fs::copy(src, dst).map_err(|e| Failure::new(format!("copying {}: {e}", src.display())))?;
    let wal = PathBuf::from(format!("{}-wal", src.display()));
    if wal.exists() {
        let d = PathBuf::from(format!("{}-wal", dst.display()));
        fs::copy(&wal, &d).map_err(|e| Failure::new(format!("copying {}: {e}", wal.display())))?;
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Installs the click listener and the observer; returns whether a target was already there.
const ARM: &str = r#"
    const nav = arguments[0], target = arguments[1];
    const m = { click: null, row: null, frame: null, painted: null, pre: document.querySelector(target) !== null };
    window.__kamToday = m;
    const onClick = (e) => {
        if (m.click === null && e.target && e.target.closest && e.target.closest(nav)) m.click = performance.now();
    };
    document.addEventListener('click', onClick, true);
    const seen = () => {
        if (m.row !== null || m.click === null || document.querySelector(target) === null) return;
        m.row = performance.now();
        obs.disconnect();
        document.removeEventListener('click', onClick, true);
        requestAnimationFrame(() => {
            m.frame = performance.now();
            setTimeout(() => { m.painted = performance.now(); }, 0);
        });
    };
    const obs = new MutationObserver(seen);
    obs.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
    return m.pre;
"#;

/// Resolves once the page painted after the target appeared (or after 30 s).
const COLLECT: &str = r#"
    const done = arguments[arguments.length - 1];
    const target = arguments[0];
    const until = performance.now() + 30000;
    const tick = () => {
        const m = window.__kamToday;
        if ((m && m.painted !== null) || performance.now() > until) {
            const grid = document.querySelector('.grid[data-render-ms]');
            done({
                m: m || null,
                overdue: document.querySelectorAll(arguments[1]).length,
                empty: document.querySelector(arguments[2]) !== null,
                renderMs: grid ? grid.getAttribute('data-render-ms') : null,
                hash: location.hash,
                present: document.querySelector(target) !== null,
            });
        } else {
            setTimeout(tick, 5);
        }
    };
    tick();
"#;

/// Times `today_page` via Tauri's IPC directly, 5 times; resolves with the durations in ms.
const IPC: &str = r#"
    const done = arguments[arguments.length - 1];
    const invoke = window.__TAURI_INTERNALS__.invoke;
    (async () => {
        const me = (await invoke('app_info')).current_user.id;
        const out = [];
        for (let i = 0; i < 5; i++) {
            const t = performance.now();
            const p = await invoke('today_page', { ownerId: me });
            out.push([Math.round(performance.now() - t), JSON.stringify(p).length]);
        }
        return out;
    })().then(done, (e) => done(String(e)));
"#;

struct Sample {
    row: f64,
    frame: f64,
    painted: f64,
    wall: f64,
    overdue: u64,
    empty: bool,
    render_ms: String,
}

fn target() -> String {
    format!("{}, {}", tid("today-overdue-row"), tid("today-overdue-empty"))
}

/// Click `nav-today` and measure until the overdue list is in the DOM and painted.
async fn measure_today(d: &Driver, label: &str) -> Step<Sample> {
    let nav = tid("nav-today");
    let el = d.wait_for(&nav, TIMEOUT).await?;
    let pre = d.wd().execute(ARM, vec![Value::from(nav.clone()), Value::from(target())]).await?;
    if pre.json().as_bool() == Some(true) {
        eprintln!("[{label}] note: a today-overdue row was already in the DOM before the click");
    }
    let t = Instant::now();
    el.click().await?;
    let r = d
        .wd()
        .execute_async(
            COLLECT,
            vec![Value::from(target()), Value::from(tid("today-overdue-row")), Value::from(tid("today-overdue-empty"))],
        )
        .await?;
    let wall = t.elapsed().as_secs_f64() * 1000.0;
    let v = r.json().clone();
    let m = &v["m"];
    let f = |k: &str| m[k].as_f64();
    let (Some(click), Some(row), Some(frame), Some(painted)) = (f("click"), f("row"), f("frame"), f("painted")) else {
        let _ = d.screenshot(&format!("measure-today-{label}")).await;
        return Err(Failure::new(format!("[{label}] incomplete measurement: {v}")));
    };
    Ok(Sample {
        row: row - click,
        frame: frame - click,
        painted: painted - click,
        wall,
        overdue: v["overdue"].as_u64().unwrap_or(0),
        empty: v["empty"].as_bool().unwrap_or(false),
        render_ms: v["renderMs"].as_str().unwrap_or("").to_string(),
    })
}

fn print(label: &str, s: &Sample) {
    println!(
        "{label:>6}: overdue row in DOM {:7.1} ms | next frame {:7.1} ms | painted {:7.1} ms | \
         wall (WebDriver) {:7.1} ms | data-render-ms {:>5} | {} overdue rows{}",
        s.row,
        s.frame,
        s.painted,
        s.wall,
        s.render_ms,
        s.overdue,
        if s.empty { " (empty)" } else { "" }
    );
}

async fn run(d: &Driver, runs: usize) -> Step<Vec<Sample>> {
    // Window ready: the app shell with its exchange status (start route: the customer list).
    let t = Instant::now();
    d.wait_for(&tid("exchange-status"), TIMEOUT).await?;
    println!("window ready {:.2} s after session start", t.elapsed().as_secs_f64());
    let cold = measure_today(d, "cold").await?;
    print("cold", &cold);
    let who = d
        .wd()
        .execute(
            "const c = document.querySelector(arguments[0] + ' .is-active'); return c ? c.textContent.trim() : null;",
            vec![Value::from(tid("today-scope"))],
        )
        .await?;
    println!("        (scope: {})", who.json());

    let mut out = Vec::new();
    for i in 1..=runs {
        d.click(&tid("nav-customers"), TIMEOUT).await?;
        d.wait_for(&tid("customer-row"), TIMEOUT).await?;
        // Let the customer list settle (its own follow-up requests) before timing.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let gone = d.wd().find_all(By::Css(target())).await?.is_empty();
        if !gone {
            eprintln!("[warm {i}] note: Today page still in the DOM after navigating away");
        }
        let s = measure_today(d, &format!("warm {i}")).await?;
        print(&format!("warm {i}"), &s);
        out.push(s);
    }
    // The IPC call alone (no rendering), for comparison: `today_page` for the current user.
    let r = d.wd().execute_async(IPC, Vec::new()).await?;
    println!("IPC today_page alone (invoke → resolved, JSON parsed), 5 calls: {} ms", r.json());
    Ok(out)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = parse_args();
    // The harness takes the app binary from KAM_APP (edition 2021: set_var is safe).
    std::env::set_var("KAM_APP", &args.app);

    let profile = Profile::new().unwrap_or_else(|e| panic!("{e}"));
    copy_db(&args.db, &profile.db_path()).unwrap_or_else(|e| panic!("{e}"));
    println!("app: {}", args.app.display());
    println!(
        "db:  {} ({:.0} MiB) copied to {}",
        args.db.display(),
        fs::metadata(&args.db).map(|m| m.len() as f64 / 1048576.0).unwrap_or(0.0),
        profile.db_path().display()
    );

    let d = match Driver::start("measure-today", &profile).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let r = run(&d, args.runs).await;
    let log = d.log_path().to_path_buf();
    if let Err(e) = d.quit().await {
        eprintln!("warning: {e}");
    }
    match r {
        Ok(samples) => {
            let med = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
            println!(
                "median of {} warm runs: overdue row in DOM {:.1} ms | next frame {:.1} ms | painted {:.1} ms | \
                 wall (WebDriver) {:.1} ms",
                samples.len(),
                med(|s| s.row),
                med(|s| s.frame),
                med(|s| s.painted),
                med(|s| s.wall)
            );
        }
        Err(e) => {
            eprintln!("{e}\n  log: {}", log.display());
            drop(profile);
            std::process::exit(1);
        }
    }
}
