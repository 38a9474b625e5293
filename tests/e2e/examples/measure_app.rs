//! Benchmark for issue 2: cold start and memory of the (release) app on a large database.
//! Prints figures, asserts nothing.
//!
//! ```sh
//! npm --prefix ui run build && cargo build --release -p kam-app
//! xvfb-run -a -s "-screen 0 1280x800x24" \
//!   cargo run --release -p kam-e2e --example measure_app -- \
//!     --db /tmp/bench100k.db --app target/release/kam-app [--runs 3] [--settle 8]
//! ```
//!
//! The database is copied (with its `-wal`) into a temporary profile, so the original is never
//! touched; all runs share that profile (like one installation started several times), each
//! run being a new WebDriver session, i.e. a new app process.
//!
//! (a) Cold start, per run: from the app process's start (its `starttime` in `/proc`, 10 ms
//!     resolution; the session launches the app) to the first `exchange-status` ("window
//!     ready") and the first `customer-row` ("customer list rendered") present in the DOM,
//!     observed by polling every ~10 ms. Also shown from the moment the harness started
//!     (tauri-driver startup + session creation included), and the page's first contentful
//!     paint when WebKit reports it.
//! (b) Memory, `--settle` seconds (default 8) after the list rendered: PSS and RSS from
//!     `/proc/<pid>/smaps_rollup` of the app and all its descendants (WebKit web and network
//!     processes), per process and in total. tauri-driver and WebKitWebDriver are not counted.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kam_e2e::{group_members, tid, Driver, Failure, Profile, Step};
use serde_json::Value;

const ROW_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(10);
const NAV_GRACE: Duration = Duration::from_secs(1);

struct Args {
    db: PathBuf,
    app: PathBuf,
    runs: usize,
    settle: Duration,
}

fn usage() -> ! {
    eprintln!("usage: measure_app --db <kam.db> --app <kam-app> [--runs N] [--settle SECONDS]");
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut db = None;
    let mut app = None;
    let mut runs = 3;
    let mut settle = 8.0_f64;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--db" => db = Some(PathBuf::from(val())),
            "--app" => app = Some(PathBuf::from(val())),
            "--runs" => runs = val().parse().unwrap_or_else(|_| usage()),
            "--settle" => settle = val().parse().unwrap_or_else(|_| usage()),
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
    Args { db: abs(db), app: abs(app), runs: runs.max(1), settle: Duration::from_secs_f64(settle) }
}

// ---------------------------------------------------------------------------------------------
// /proc

fn clock(id: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// (comm, state, ppid, starttime in clock ticks since boot) of a process.
fn stat(pid: i32) -> Option<(String, char, i32, u64)> {
    let s = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = s.find('(')?;
    let close = s.rfind(')')?;
    let comm = s[open + 1..close].to_string();
    let rest: Vec<&str> = s[close + 1..].split_whitespace().collect();
    // After the comm: state(3) ppid(4) ... starttime(22) → index 0 is field 3.
    let state = rest.first()?.chars().next()?;
    let ppid = rest.get(1)?.parse().ok()?;
    let start = rest.get(19)?.parse().ok()?;
    Some((comm, state, ppid, start))
}

fn all_pids() -> Vec<i32> {
    fs::read_dir("/proc")
        .map(|rd| rd.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect())
        .unwrap_or_default()
}

/// The app process among the session's processes: same executable, or comm `kam-app`.
fn find_app_pid(pgid: i32, app: &Path) -> Option<i32> {
    group_members(pgid).into_iter().map(|p| p.pid).find(|&pid| {
        fs::read_link(format!("/proc/{pid}/exe")).map(|exe| exe == app).unwrap_or(false)
            || stat(pid).map(|s| s.0 == "kam-app").unwrap_or(false)
    })
}

/// `pid` and all its live descendants, `pid` first.
fn process_tree(pid: i32) -> Vec<(i32, String)> {
    let mut children: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    let mut root_comm = String::from("?");
    for p in all_pids() {
        if let Some((comm, state, ppid, _)) = stat(p) {
            if state == 'Z' || state == 'X' {
                continue;
            }
            if p == pid {
                root_comm = comm.clone();
            }
            children.entry(ppid).or_default().push((p, comm));
        }
    }
    let mut out = vec![(pid, root_comm)];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i].0) {
            out.extend(kids.iter().cloned());
        }
        i += 1;
    }
    out
}

/// Seconds since the process started (CLOCK_BOOTTIME vs its `starttime`).
fn process_age(pid: i32) -> Option<f64> {
    let (_, _, _, start) = stat(pid)?;
    // SAFETY: sysconf with a constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(clock(libc::CLOCK_BOOTTIME) - start as f64 / hz)
}

#[derive(Default, Clone, Copy)]
struct Mem {
    pss: u64,
    rss: u64,
    pss_anon: u64,
    pss_file: u64,
    pss_shmem: u64,
}

/// kB figures from `/proc/<pid>/smaps_rollup`.
fn mem(pid: i32) -> Option<Mem> {
    let text = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let mut m = Mem::default();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(key), Some(val)) = (parts.next(), parts.next()) else { continue };
        let Ok(kb) = val.parse::<u64>() else { continue };
        match key {
            "Pss:" => m.pss = kb,
            "Rss:" => m.rss = kb,
            "Pss_Anon:" => m.pss_anon = kb,
            "Pss_File:" => m.pss_file = kb,
            "Pss_Shmem:" => m.pss_shmem = kb,
            _ => {}
        }
    }
    Some(m)
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

// ---------------------------------------------------------------------------------------------
// One run

struct RunResult {
    /// Seconds from the app process's start.
    ready: f64,
    list: f64,
    /// Seconds from the harness starting tauri-driver.
    ready_harness: f64,
    list_harness: f64,
    fcp: Option<f64>,
    rows: u64,
    clicked_nav: bool,
    mem: Vec<(i32, String, Mem)>,
}

const PROBE: &str = r#"
    const q = (s) => document.querySelector(s) !== null;
    let fcp = null;
    try {
        const e = performance.getEntriesByName('first-contentful-paint')[0]
            || performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint');
        if (e) fcp = performance.timeOrigin + e.startTime;
    } catch (_) {}
    return {
        ready: q(arguments[0]),
        rows: document.querySelectorAll(arguments[1]).length,
        hash: location.hash,
        now: Date.now(),
        fcp: fcp,
    };
"#;

async fn probe(d: &Driver) -> Step<Value> {
    let r = d.wd().execute(PROBE, vec![Value::from(tid("exchange-status")), Value::from(tid("customer-row"))]).await?;
    Ok(r.json().clone())
}

async fn measure(d: &Driver, args: &Args, t0: Instant, run: usize) -> Step<RunResult> {
    let pid = find_app_pid(d.pgid(), &args.app)
        .ok_or_else(|| Failure::new("cannot find the kam-app process among the session's processes"))?;
    // The app's start as an Instant and as epoch milliseconds (to compare with page clocks).
    let age = process_age(pid).ok_or_else(|| Failure::new("cannot read the app's start time"))?;
    let launched = Instant::now() - Duration::from_secs_f64(age);
    let launched_epoch_ms = (clock(libc::CLOCK_REALTIME) - age) * 1000.0;
    let since_launch = |t: Instant| t.saturating_duration_since(launched).as_secs_f64();

    let deadline = Instant::now() + ROW_TIMEOUT;
    let mut ready_at: Option<Instant> = None;
    let mut clicked_nav = false;
    let (list_at, rows, fcp) = loop {
        let p = probe(d).await?;
        let seen = Instant::now();
        if ready_at.is_none() && p["ready"].as_bool() == Some(true) {
            ready_at = Some(seen);
        }
        let rows = p["rows"].as_u64().unwrap_or(0);
        if rows > 0 {
            let fcp = p["fcp"].as_f64().map(|ms| (ms - launched_epoch_ms) / 1000.0);
            break (seen, rows, fcp);
        }
        // The app may still be resolving its start route ("#/" redirects to "#/customers"):
        // click the menu entry only when it settled elsewhere, or stayed on "#/" for a second.
        let hash = p["hash"].as_str().unwrap_or("");
        let elsewhere = !hash.starts_with("#/customers")
            && (!matches!(hash, "" | "#" | "#/") || ready_at.is_some_and(|t| t.elapsed() > NAV_GRACE));
        if ready_at.is_some() && !clicked_nav && elsewhere {
            clicked_nav = true;
            eprintln!("[run {run}] on {:?}: clicking nav-customers", p["hash"]);
            d.click(&tid("nav-customers"), Duration::from_secs(10)).await?;
        }
        if Instant::now() > deadline {
            let _ = d.screenshot(&format!("measure-run{run}-norows")).await;
            return Err(Failure::new(format!(
                "no `customer-row` within {}s (window ready: {}, on {})",
                ROW_TIMEOUT.as_secs(),
                ready_at.is_some(),
                d.where_am_i().await
            )));
        }
        tokio::time::sleep(POLL).await;
    };
    let ready_at = ready_at.unwrap_or(list_at);
    let _ = d.screenshot(&format!("measure-run{run}")).await;

    tokio::time::sleep(args.settle).await;
    let mem = process_tree(pid).into_iter().filter_map(|(p, comm)| mem(p).map(|m| (p, comm, m))).collect();
    Ok(RunResult {
        ready: since_launch(ready_at),
        list: since_launch(list_at),
        ready_harness: ready_at.duration_since(t0).as_secs_f64(),
        list_harness: list_at.duration_since(t0).as_secs_f64(),
        fcp,
        rows,
        clicked_nav,
        mem,
    })
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

/// SQLite `PRAGMA user_version` from the file header (bytes 60..64).
fn user_version(db: &Path) -> Option<u32> {
    let b = fs::read(db).ok().filter(|b| b.len() >= 100)?;
    Some(u32::from_be_bytes([b[60], b[61], b[62], b[63]]))
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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = parse_args();
    // The harness takes the app binary from KAM_APP (edition 2021: set_var is safe).
    std::env::set_var("KAM_APP", &args.app);

    let profile = Profile::new().unwrap_or_else(|e| panic!("{e}"));
    copy_db(&args.db, &profile.db_path()).unwrap_or_else(|e| panic!("{e}"));
    println!("app: {}", args.app.display());
    println!(
        "db:  {} ({:.0} MiB, user_version {:?}) copied to {}",
        args.db.display(),
        fs::metadata(&args.db).map(|m| m.len() as f64 / 1048576.0).unwrap_or(0.0),
        user_version(&args.db),
        profile.db_path().display()
    );

    let mut results = Vec::new();
    let mut failed = false;
    for run in 1..=args.runs {
        let t0 = Instant::now();
        let d = match Driver::start(&format!("measure-run{run}"), &profile).await {
            Ok(d) => d,
            Err(e) => {
                eprintln!("[run {run}] {e}");
                failed = true;
                break;
            }
        };
        let r = measure(&d, &args, t0, run).await;
        let log = d.log_path().to_path_buf();
        let quit = d.quit().await;
        match r {
            Ok(r) => {
                println!(
                    "run {run}: window ready {:.3} s, customer list rendered {:.3} s ({} rows{}) \
                     after app start | {:.3} s / {:.3} s after harness start{}",
                    r.ready,
                    r.list,
                    r.rows,
                    if r.clicked_nav { ", after clicking nav-customers" } else { "" },
                    r.ready_harness,
                    r.list_harness,
                    r.fcp.map(|f| format!(" | first contentful paint {f:.3} s")).unwrap_or_default()
                );
                results.push(r);
            }
            Err(e) => {
                eprintln!("[run {run}] {e}\n  log: {}", log.display());
                failed = true;
                break;
            }
        }
        if let Err(e) = quit {
            eprintln!("[run {run}] warning: {e}");
        }
        if run == 1 {
            println!("       (db user_version after run 1: {:?})", user_version(&profile.db_path()));
        }
    }

    if failed {
        drop(profile); // remove the database copy
        std::process::exit(1);
    }
    println!(
        "median of {}: window ready {:.3} s, customer list rendered {:.3} s (after app start); \
         {:.3} s / {:.3} s after harness start",
        results.len(),
        median(results.iter().map(|r| r.ready).collect()),
        median(results.iter().map(|r| r.list).collect()),
        median(results.iter().map(|r| r.ready_harness).collect()),
        median(results.iter().map(|r| r.list_harness).collect()),
    );

    for (i, r) in results.iter().enumerate() {
        println!("memory, run {}, {:.0} s after the list rendered (MiB):", i + 1, args.settle.as_secs_f64());
        println!(
            "  {:>8} {:<16} {:>8} {:>8} {:>9} {:>9} {:>9}",
            "pid", "process", "PSS", "RSS", "PSS anon", "PSS file", "PSS shmem"
        );
        let mut total = Mem::default();
        for (pid, comm, m) in &r.mem {
            println!(
                "  {:>8} {:<16} {:>8.1} {:>8.1} {:>9.1} {:>9.1} {:>9.1}",
                pid,
                comm,
                mib(m.pss),
                mib(m.rss),
                mib(m.pss_anon),
                mib(m.pss_file),
                mib(m.pss_shmem)
            );
            total.pss += m.pss;
            total.rss += m.rss;
            total.pss_anon += m.pss_anon;
            total.pss_file += m.pss_file;
            total.pss_shmem += m.pss_shmem;
        }
        println!(
            "  {:>8} {:<16} {:>8.1} {:>8.1} {:>9.1} {:>9.1} {:>9.1}",
            "",
            "TOTAL",
            mib(total.pss),
            mib(total.rss),
            mib(total.pss_anon),
            mib(total.pss_file),
            mib(total.pss_shmem)
        );
    }
    let totals: Vec<f64> = results.iter().map(|r| mib(r.mem.iter().map(|(_, _, m)| m.pss).sum())).collect();
    println!("PSS total per run: {totals:.1?} MiB, median {:.1} MiB", median(totals.clone()));
}
