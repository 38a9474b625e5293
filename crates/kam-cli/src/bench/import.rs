//! `kam bench import`: a customer workbook with contacts (default 50,000 rows) and a sales
//! workbook (default 200,000 rows) made with rust_xlsxwriter, imported into a temporary
//! database: the dry run and the apply timed, the sales imported again (0 new, all
//! unchanged), and the peak memory of each step (VmHWM, reset before each step where Linux
//! allows; "n/a" where /proc is missing).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use kam_core::import::{ImportKind, ImportOptions, ImportPreview};
use kam_core::Kam;
use rust_xlsxwriter::Workbook;

/// Peak resident memory of this process in MiB, where the platform tells it.
fn peak_mib() -> Option<f64> {
    std::fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    })
}

/// Start counting the peak again: free heap pages go back to the system first (glibc keeps
/// them otherwise, and the next step's peak would count the last step's leftovers), then
/// writing 5 to clear_refs resets VmHWM (Linux). Whether it could.
fn reset_peak() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory at the top of the heap and in free pages to
    // the system; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// CPU time (user + system) this process has used, in seconds, where the platform tells it:
/// on a shared machine the wall time of a step also counts other programs.
fn cpu_s() -> Option<f64> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage fills the struct it is given and reads nothing else.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0 {
            let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
            return Some(t(u.ru_utime) + t(u.ru_stime));
        }
    }
    None
}

fn cpu_text(start: Option<f64>) -> String {
    match (start, cpu_s()) {
        (Some(a), Some(b)) => format!("{:.2} s CPU", b - a),
        _ => "CPU n/a".into(),
    }
}

fn peak_text(reset: bool) -> String {
    match peak_mib() {
        Some(m) if reset => format!("{m:.0} MiB"),
        Some(m) => format!("{m:.0} MiB (since start: the peak cannot be reset here)"),
        None => "n/a".into(),
    }
}

const CITIES: &[&str] = &["上海", "苏州", "杭州", "南京", "无锡", "宁波", "合肥", "常州", "嘉兴", "南通"];
const WORDS: &[&str] =
    &["电力", "精密", "机械", "化工", "水务", "建材", "船舶", "重工", "电子", "纺织", "医药", "物流"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const TIERS: &[&str] = &["战略客户", "重点客户", "一般客户", "潜在客户"];

fn credit_code(i: u32) -> String {
    let first17 = format!("91320500{i:09}");
    format!("{first17}{}", kam_core::validate::credit_code_check_char(&first17).expect("digits have a check char"))
}

fn customers_workbook(dir: &Path, rows: u32) -> Result<PathBuf> {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.write(0, 0, "2025年客户名单")?;
    let header =
        ["客户编码", "单位名称", "统一社会信用代码", "客户等级", "行业", "单位地址", "联系人", "职务", "手机", "邮箱"];
    for (i, h) in header.iter().enumerate() {
        s.write(1, i as u16, *h)?;
    }
    for i in 0..rows {
        let y = i + 2;
        let city = CITIES[i as usize % CITIES.len()];
        let word = WORDS[(i as usize / CITIES.len()) % WORDS.len()];
        s.write(y, 0, format!("C{i:06}"))?;
        s.write(y, 1, format!("{city}{word}{i}号有限公司"))?;
        s.write(y, 2, credit_code(i))?;
        s.write(y, 3, TIERS[i as usize % TIERS.len()])?;
        s.write(y, 4, word)?;
        s.write(y, 5, format!("{city}市工业园区{}号", i % 997))?;
        s.write(
            y,
            6,
            format!("{}{}", SURNAMES[i as usize % SURNAMES.len()], ["伟", "芳", "强", "敏"][i as usize % 4]),
        )?;
        s.write(y, 7, "采购经理")?;
        s.write(y, 8, format!("139{:08}", i))?;
        s.write(y, 9, format!("buyer{i}@example.com"))?;
    }
    let p = dir.join("客户名单.xlsx");
    book.save(&p)?;
    Ok(p)
}

fn sales_workbook(dir: &Path, rows: u32, customers: u32) -> Result<PathBuf> {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (i, h) in ["单据日期", "单据号", "客户编码", "类型", "价税合计", "备注"].iter().enumerate() {
        s.write(0, i as u16, *h)?;
    }
    for i in 0..rows {
        let y = i + 1;
        let ret = i % 20 == 19;
        s.write(y, 0, format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28))?;
        s.write(y, 1, format!("{}{i:07}", if ret { "TH" } else { "XS" }))?;
        s.write(y, 2, format!("C{:06}", (i * 7919) % customers))?;
        s.write(y, 3, if ret { "退货" } else { "销售" })?;
        s.write(y, 4, f64::from(1_000 + (i * 37) % 90_000) + f64::from(i % 100) / 100.0)?;
        s.write(y, 5, "")?;
    }
    let p = dir.join("销售明细.xlsx");
    book.save(&p)?;
    Ok(p)
}

/// openpyxl in read-only mode reading every cell of the file (values only), timed inside Python
/// so the interpreter's start-up is not counted.
const OPENPYXL: &str = r#"
import sys, time
try:
    import openpyxl
except ImportError:
    print("missing"); sys.exit(0)
t = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
ws = wb.worksheets[0]
rows = cells = 0
for row in ws.iter_rows(values_only=True):
    rows += 1
    cells += sum(1 for v in row if v is not None and v != "")
wb.close()
print(time.perf_counter() - t, rows, cells)
"#;

/// The read step (the file into cells) of KAM against Python's openpyxl (read-only) on the same
/// file, printed as a ratio; without python3 or openpyxl, says so and skips the ratio.
fn read_vs_openpyxl(file: &Path, label: &str) {
    let t = Instant::now();
    let ours = match kam_core::import::read_step(file, None) {
        Ok((rows, cells)) => (t.elapsed().as_secs_f64(), rows, cells),
        Err(e) => {
            println!("{label} read step: failed ({e})");
            return;
        }
    };
    println!("{label} read step (KAM, calamine): {:.2} s — {} rows, {} cells", ours.0, ours.1, ours.2);
    let out = std::process::Command::new("python3").arg("-c").arg(OPENPYXL).arg(file).output();
    let text = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        Ok(o) => {
            println!("{label} openpyxl: python3 failed ({}); ratio skipped", String::from_utf8_lossy(&o.stderr).trim());
            return;
        }
        Err(_) => {
            println!(
                "{label} openpyxl: python3 not found; ratio skipped (install Python 3 and `pip install openpyxl`)"
            );
            return;
        }
    };
    if text == "missing" {
        println!("{label} openpyxl: not installed; ratio skipped (`pip install openpyxl`)");
        return;
    }
    let mut parts = text.split_whitespace();
    match parts.next().and_then(|s| s.parse::<f64>().ok()) {
        Some(py) => println!(
            "{label} read step (Python openpyxl, read_only=True): {py:.2} s — {} rows, {} cells; KAM is {:.1}× as fast",
            parts.next().unwrap_or("?"),
            parts.next().unwrap_or("?"),
            py / ours.0.max(1e-9)
        ),
        None => println!("{label} openpyxl: unexpected output '{text}'; ratio skipped"),
    }
}

fn counts(p: &ImportPreview) -> String {
    let c = &p.counts;
    format!(
        "{} rows: new {} · update {} · duplicate {} · unchanged {} · error {}",
        c.total, c.new, c.update, c.duplicate, c.unchanged, c.error
    )
}

fn step(kam: &mut Kam, kind: ImportKind, file: &Path, label: &str) -> Result<()> {
    let opts = ImportOptions::default();
    let reset = reset_peak();
    let (t, cpu) = (Instant::now(), cpu_s());
    let p = kam.import_preview(kind, file, &opts)?;
    let dry = t.elapsed().as_secs_f64();
    println!("{label} dry run: {dry:.2} s ({}) — {}", cpu_text(cpu), counts(&p));
    drop(p);
    let (t, cpu) = (Instant::now(), cpu_s());
    let a = kam.import_apply(kind, file, &opts, &mut |_| {})?;
    let apply = t.elapsed().as_secs_f64();
    let b = &a.batch;
    println!(
        "{label} apply (its own dry run included): {apply:.2} s ({}) — created {} · updated {} · skipped {} · errors {}",
        cpu_text(cpu),
        b.created_count,
        b.updated_count,
        b.skipped_count,
        b.error_count
    );
    println!("{label} dry run + apply: {:.2} s; peak memory (VmHWM): {}", dry + apply, peak_text(reset));
    Ok(())
}

pub fn bench(customers: u32, sales: u32) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("kam-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let t = Instant::now();
    let cfile = customers_workbook(&dir, customers)?;
    let sfile = sales_workbook(&dir, sales, customers)?;
    println!(
        "generated {customers} customer rows with contacts ({:.1} MB) and {sales} sales rows ({:.1} MB) in {:.1} s",
        std::fs::metadata(&cfile)?.len() as f64 / 1e6,
        std::fs::metadata(&sfile)?.len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    read_vs_openpyxl(&cfile, "customers");
    read_vs_openpyxl(&sfile, "sales");
    let mut kam = Kam::open(&dir.join("kam.sqlite3"))?;
    step(&mut kam, ImportKind::Customers, &cfile, "customers")?;
    step(&mut kam, ImportKind::Sales, &sfile, "sales")?;
    let reset = reset_peak();
    let (t, cpu) = (Instant::now(), cpu_s());
    let again = kam.import_preview(ImportKind::Sales, &sfile, &ImportOptions::default())?;
    println!(
        "sales imported again, dry run: {:.2} s ({}) — {}; peak memory (VmHWM): {}",
        t.elapsed().as_secs_f64(),
        cpu_text(cpu),
        counts(&again),
        peak_text(reset)
    );
    #[cfg(unix)]
    {
        let mut load = [0f64; 1];
        // SAFETY: getloadavg writes at most the one element it is given.
        if unsafe { libc::getloadavg(load.as_mut_ptr(), 1) } == 1 {
            println!("load average (1 min) at the end: {:.2}", load[0]);
        }
    }
    drop(kam);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
