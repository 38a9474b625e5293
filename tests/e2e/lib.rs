//! Harness for the end-to-end tests in `tests/`: the real `kam-app` binary in a real window
//! (under Xvfb), driven through `tauri-driver` + `WebKitWebDriver`.
//!
//! - [`Profile`] is a fresh temporary directory holding the database (`KAM_DB`) and the XDG
//!   directories (WebView storage), so every run starts from nothing; reuse it for a restart.
//!   The window's file picks are answered by [`Profile::answer_pick`] (`KAM_TEST_PICK`), since
//!   WebDriver cannot drive a native open or save dialog.
//! - [`Driver`] starts `tauri-driver` in its own process group on free ports, opens a WebDriver
//!   session that launches the app, and on drop terminates the whole group (SIGTERM, up to 5 s,
//!   then SIGKILL) plus anything else still carrying this profile's `KAM_DB`, so a failing test
//!   leaves no WebKitWebDriver or app behind.
//! - Steps return [`Step`]; end a session with [`Driver::finish`], which quits the session
//!   *before* reporting a failure (a panic with the session open hangs and orphans processes).
//!
//! Required: a display (`DISPLAY`, e.g. `xvfb-run`), `tauri-driver` (`cargo install
//! tauri-driver --locked`), `WebKitWebDriver` (`apt install webkit2gtk-driver`) and a built
//! app (`cargo build -p kam-app`, or `KAM_APP=/path/to/kam-app`). A missing piece is a test
//! failure that says what to run, never a skip.

use std::fmt;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tempfile::TempDir;
pub use thirtyfour::prelude::*;

/// How the end-to-end test is meant to be run (shown in failure messages).
pub const RUN_HINT: &str = "cargo build -p kam-app && xvfb-run -a -s \"-screen 0 1280x800x24\" \
                            cargo test -p kam-e2e -- --test-threads=1   (or scripts/test)";

/// The password of every person a test signs in as (set through the core before the app starts,
/// or typed on the window's first screen).
pub const TEST_PASSWORD: &str = "kam-e2e-2026";
/// The first administrator a fresh profile's window creates.
pub const TEST_ADMIN: &str = "测试管理员";

const POLL: Duration = Duration::from_millis(100);
/// The sign-in screen and the pages behind it: a database round trip (and argon2) away.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(15);
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(15);
const SESSION_TIMEOUT: Duration = Duration::from_secs(60);
const QUIT_TIMEOUT: Duration = Duration::from_secs(20);
const TERM_GRACE: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// Errors

/// A failed step, with a message meant for a human reading the test output.
pub struct Failure(String);

impl Failure {
    pub fn new(msg: impl Into<String>) -> Self {
        Failure(msg.into())
    }

    pub fn message(&self) -> &str {
        &self.0
    }
}

/// Name the step a failure happened in: `.map_err(step("the dossier"))`.
pub fn step(what: &'static str) -> impl FnOnce(Failure) -> Failure {
    move |e| Failure::new(format!("{what}: {e}"))
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Debug is what `unwrap()` prints: keep it the readable message.
impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

impl From<WebDriverError> for Failure {
    fn from(e: WebDriverError) -> Self {
        Failure(format!("WebDriver error: {e}"))
    }
}

/// Result of a test step.
pub type Step<T = ()> = Result<T, Failure>;

/// Attach what was being done to an error.
pub trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Step<T>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Step<T> {
        self.map_err(|e| Failure(format!("{what}: {e}")))
    }
}

/// `Err(Failure)` with the message unless `cond` holds.
pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Step {
    if cond {
        Ok(())
    } else {
        Err(Failure(msg()))
    }
}

// ---------------------------------------------------------------------------------------------
// Locations and tools

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}

/// Where screenshots and driver logs go: `<workspace>/target/e2e`.
pub fn out_dir() -> PathBuf {
    workspace_root().join("target").join("e2e")
}

/// CSS selector for a `data-testid`.
pub fn tid(id: &str) -> String {
    format!(r#"[data-testid="{id}"]"#)
}

/// CSS selector for the text field carrying a `data-testid`, whether the id sits on the
/// `<input>`/`<textarea>` itself or on a wrapper around it (Element Plus puts it on either).
pub fn tid_input(id: &str) -> String {
    let t = tid(id);
    format!("input{t}, textarea{t}, {t} input:not([type=hidden]), {t} textarea")
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The app binary: `$KAM_APP`, else `$CARGO_TARGET_DIR/debug/kam-app`, else
/// `<workspace>/target/debug/kam-app`. A relative path is taken from the workspace root.
pub fn app_binary() -> Step<PathBuf> {
    let root = workspace_root();
    let (path, from) = if let Some(p) = env_path("KAM_APP") {
        (p, "KAM_APP")
    } else if let Some(t) = env_path("CARGO_TARGET_DIR") {
        (t.join("debug").join("kam-app"), "CARGO_TARGET_DIR")
    } else {
        (root.join("target").join("debug").join("kam-app"), "the workspace target/")
    };
    let path = if path.is_relative() { root.join(path) } else { path };
    if is_executable(&path) {
        Ok(path)
    } else {
        Err(Failure(format!(
            "app binary not found at {} (from {from}): run `cargo build -p kam-app` \
             or set KAM_APP to the binary",
            path.display()
        )))
    }
}

/// `tauri-driver`: `$TAURI_DRIVER`, else on `PATH`, else in `$CARGO_HOME/bin` / `~/.cargo/bin`.
pub fn tauri_driver_binary() -> Step<PathBuf> {
    let cargo_bin = env_path("CARGO_HOME")
        .or_else(|| env_path("HOME").map(|h| h.join(".cargo")))
        .map(|c| c.join("bin").join("tauri-driver"));
    env_path("TAURI_DRIVER")
        .filter(|p| is_executable(p))
        .or_else(|| find_in_path("tauri-driver"))
        .or_else(|| cargo_bin.filter(|p| is_executable(p)))
        .ok_or_else(|| {
            Failure(
                "tauri-driver not found (TAURI_DRIVER, PATH, ~/.cargo/bin): run \
                     `cargo install tauri-driver --locked`"
                    .into(),
            )
        })
}

/// Everything a session needs, checked up front so a missing piece fails with what to run.
#[derive(Debug, Clone)]
pub struct Tools {
    pub app: PathBuf,
    pub tauri_driver: PathBuf,
    pub webkit_driver: PathBuf,
}

pub fn preflight() -> Step<Tools> {
    let mut problems = Vec::new();
    if env_path("DISPLAY").is_none() {
        problems.push("no DISPLAY: run the test under Xvfb (see below)".to_string());
    }
    let app = app_binary().map_err(|e| problems.push(e.0)).ok();
    let tauri_driver = tauri_driver_binary().map_err(|e| problems.push(e.0)).ok();
    let webkit_driver = find_in_path("WebKitWebDriver");
    if webkit_driver.is_none() {
        problems.push("WebKitWebDriver not on PATH: run `apt-get install webkit2gtk-driver`".to_string());
    }
    match (app, tauri_driver, webkit_driver) {
        (Some(app), Some(tauri_driver), Some(webkit_driver)) if problems.is_empty() => {
            Ok(Tools { app, tauri_driver, webkit_driver })
        }
        _ => Err(Failure(format!(
            "end-to-end test cannot start:\n  - {}\nrun it as: {RUN_HINT}",
            problems.join("\n  - ")
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Profile: database and WebView storage of one simulated installation

/// A fresh temporary directory standing for one installation: `KAM_DB` points into it, and so
/// do `XDG_DATA_HOME`/`XDG_CONFIG_HOME`/`XDG_CACHE_HOME` (WebView local storage). Removed on
/// drop. Start several [`Driver`]s on the same profile to test a restart.
pub struct Profile {
    dir: TempDir,
}

impl Profile {
    pub fn new() -> Step<Self> {
        let dir = tempfile::Builder::new()
            .prefix("kam-e2e-")
            .tempdir()
            .context("cannot create a temporary profile directory")?;
        for sub in ["data", "config", "cache"] {
            fs::create_dir_all(dir.path().join(sub)).context("cannot create profile dirs")?;
        }
        Ok(Profile { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The database file the app is told to use (`KAM_DB`).
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("kam.db")
    }

    /// Where the window's file picks find their answer (`KAM_TEST_PICK`): WebDriver cannot drive
    /// a native dialog, so the app answers a pick with the paths written here and opens none.
    fn pick_file(&self) -> PathBuf {
        self.dir.path().join("pick-answer.txt")
    }

    /// The answer to the window's next file pick (open or save, file or folder): these paths.
    /// Without an answer a pick is cancelled; each answer is used once.
    pub fn answer_pick(&self, paths: &[&Path]) -> Step {
        let text: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        fs::write(self.pick_file(), text.join("\n")).context("cannot write the pick answer")
    }

    fn env(&self) -> Vec<(&'static str, PathBuf)> {
        let p = self.dir.path();
        vec![
            ("KAM_DB", self.db_path()),
            ("XDG_DATA_HOME", p.join("data")),
            ("XDG_CONFIG_HOME", p.join("config")),
            ("XDG_CACHE_HOME", p.join("cache")),
            // Exports stay in the profile (without a Documents folder they would go to the
            // app's working directory).
            ("KAM_EXPORT_DIR", p.join("exports")),
            // File picks are answered by the test, never by a native dialog (see answer_pick).
            ("KAM_TEST_PICK", self.pick_file()),
        ]
    }

    /// `KAM_DB=<path>` as it appears in `/proc/<pid>/environ` of every process of a session.
    fn marker(&self) -> Vec<u8> {
        let mut m = b"KAM_DB=".to_vec();
        m.extend_from_slice(self.db_path().as_os_str().as_encoded_bytes());
        m
    }

    /// Live (non-zombie) processes started for this profile: tauri-driver, WebKitWebDriver,
    /// the app and its WebKit helpers all inherit `KAM_DB`. Empty after a clean shutdown.
    pub fn live_processes(&self) -> Vec<ProcInfo> {
        processes_with_env(&self.marker())
    }
}

// ---------------------------------------------------------------------------------------------
// Processes (Linux /proc)

/// A process seen in `/proc`.
#[derive(Debug, Clone)]
pub struct ProcInfo {
    pub pid: i32,
    pub pgrp: i32,
    pub comm: String,
}

impl fmt::Display for ProcInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} (pgrp {})", self.pid, self.comm, self.pgrp)
    }
}

/// `/proc/<pid>/stat`: the process, its state letter and its parent.
fn proc_stat_full(pid: i32) -> Option<(ProcInfo, char, i32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat[open + 1..close].to_string();
    let mut rest = stat[close + 1..].split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid: i32 = rest.next()?.parse().ok()?;
    let pgrp: i32 = rest.next()?.parse().ok()?;
    Some((ProcInfo { pid, pgrp, comm }, state, ppid))
}

/// Parse `/proc/<pid>/stat`; `None` for zombies and vanished processes.
fn proc_stat(pid: i32) -> Option<ProcInfo> {
    proc_stat_full(pid).and_then(|(p, state, _)| (state != 'Z' && state != 'X').then_some(p))
}

/// Reap zombies of group `pgid` that were re-parented to this process (we are a child
/// subreaper, see [`Driver::start`]), except `keep` (a child reaped through its `Child`).
fn reap_group_zombies(pgid: i32, keep: i32) {
    let me = std::process::id() as i32;
    for pid in all_pids() {
        if pid == keep {
            continue;
        }
        if let Some((p, 'Z', ppid)) = proc_stat_full(pid) {
            if p.pgrp == pgid && ppid == me {
                let mut status = 0;
                // SAFETY: waitpid on a specific zombie child of ours.
                unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
            }
        }
    }
}

fn all_pids() -> Vec<i32> {
    fs::read_dir("/proc")
        .map(|rd| rd.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect())
        .unwrap_or_default()
}

/// Live processes in process group `pgid`.
pub fn group_members(pgid: i32) -> Vec<ProcInfo> {
    all_pids().into_iter().filter_map(proc_stat).filter(|p| p.pgrp == pgid).collect()
}

fn processes_with_env(marker: &[u8]) -> Vec<ProcInfo> {
    let me = std::process::id() as i32;
    all_pids()
        .into_iter()
        .filter(|&pid| pid != me)
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|&b| b == 0).any(|kv| kv == marker))
                .unwrap_or(false)
        })
        .filter_map(proc_stat)
        .collect()
}

fn free_port() -> Step<u16> {
    let l = TcpListener::bind("127.0.0.1:0").context("cannot bind a free local port")?;
    Ok(l.local_addr().context("cannot read the bound port")?.port())
}

fn tail(path: &Path, lines: usize) -> String {
    let Ok(f) = File::open(path) else {
        return String::from("(no log)");
    };
    let all: Vec<String> = BufReader::new(f).lines().map_while(Result::ok).collect();
    let start = all.len().saturating_sub(lines);
    all[start..].join("\n")
}

// ---------------------------------------------------------------------------------------------
// Driver

/// One app session: tauri-driver (own process group) + WebKitWebDriver + the app.
pub struct Driver {
    wd: Option<WebDriver>,
    child: Child,
    pgid: i32,
    marker: Vec<u8>,
    log: PathBuf,
    label: String,
    terminated: bool,
}

impl Driver {
    /// Start tauri-driver and a session that launches the app with `profile`'s environment.
    /// `label` names the log file and failure screenshot in [`out_dir`].
    pub async fn start(label: &str, profile: &Profile) -> Step<Driver> {
        let tools = preflight()?;
        // Become a child subreaper: WebKit processes orphaned by the shutdown are then
        // re-parented to this process, which reaps them, instead of lingering as zombies under
        // an init that may never reap (a container's PID 1).
        // SAFETY: prctl with integer arguments; affects only this process.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong) };
        let out = out_dir();
        fs::create_dir_all(&out).context(format!("cannot create {}", out.display()))?;
        let port = free_port()?;
        let mut native_port = free_port()?;
        while native_port == port {
            native_port = free_port()?;
        }

        // tauri-driver's stderr is shared by WebKitWebDriver and the app: one log for all.
        let log = out.join(format!("{label}-driver.log"));
        let logf = File::create(&log).context(format!("cannot create {}", log.display()))?;
        let logf2 = logf.try_clone().context("cannot duplicate the log handle")?;
        let mut cmd = Command::new(&tools.tauri_driver);
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&tools.webkit_driver)
            .stdin(Stdio::null())
            .stdout(logf)
            .stderr(logf2)
            .process_group(0);
        for (k, v) in profile.env() {
            cmd.env(k, v);
        }
        // Should this test process die without unwinding, take tauri-driver down with it.
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong);
                Ok(())
            });
        }
        let child = cmd.spawn().context(format!("cannot start {}", tools.tauri_driver.display()))?;
        let mut d = Driver {
            wd: None,
            pgid: child.id() as i32,
            child,
            marker: profile.marker(),
            log,
            label: label.to_string(),
            terminated: false,
        };
        // From here on, Drop cleans up whatever happens.

        d.wait_listening(&[port, native_port]).await?;

        let mut caps = Capabilities::new();
        caps.set("tauri:options", json!({ "application": tools.app }))?;
        let builder = WebDriver::builder(format!("http://127.0.0.1:{port}"), caps).request_timeout(SESSION_TIMEOUT);
        let wd = match tokio::time::timeout(SESSION_TIMEOUT, builder).await {
            Ok(Ok(wd)) => wd,
            Ok(Err(e)) => return Err(d.with_log(format!("cannot open a WebDriver session: {e}"))),
            Err(_) => {
                return Err(d.with_log(format!(
                    "no WebDriver session within {}s (the app did not come up)",
                    SESSION_TIMEOUT.as_secs()
                )))
            }
        };
        d.wd = Some(wd);
        d.wait_js("return document.readyState === 'complete'", Duration::from_secs(15), "the page to finish loading")
            .await?;
        Ok(d)
    }

    async fn wait_listening(&mut self, ports: &[u16]) -> Step {
        let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(self.with_log(format!("tauri-driver exited early ({status})")));
            }
            let up = ports.iter().all(|p| {
                let addr = SocketAddr::from(([127, 0, 0, 1], *p));
                TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            });
            if up {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(self.with_log(format!(
                    "tauri-driver/WebKitWebDriver did not listen on ports {ports:?} within {}s",
                    DRIVER_READY_TIMEOUT.as_secs()
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn with_log(&self, msg: String) -> Failure {
        Failure(format!(
            "{msg}\n--- last lines of {} (tauri-driver, WebKitWebDriver, app) ---\n{}\n---",
            self.log.display(),
            tail(&self.log, 30)
        ))
    }

    /// The WebDriver session (panics after [`Driver::quit`], which consumes the driver anyway).
    pub fn wd(&self) -> &WebDriver {
        self.wd.as_ref().expect("WebDriver session already closed")
    }

    /// The process group of tauri-driver and everything it started.
    pub fn pgid(&self) -> i32 {
        self.pgid
    }

    /// The combined log of tauri-driver, WebKitWebDriver and the app.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    // -- finding ---------------------------------------------------------------------------

    /// The first displayed element matching `css`, if any (no waiting).
    pub async fn find_visible(&self, css: &str) -> Step<Option<WebElement>> {
        for el in self.wd().find_all(By::Css(css)).await? {
            // An element may go stale between find and check: treat it as not there.
            if el.is_displayed().await.unwrap_or(false) {
                return Ok(Some(el));
            }
        }
        Ok(None)
    }

    /// Wait for a displayed element matching `css`; `None` after `timeout`.
    pub async fn try_wait_for(&self, css: &str, timeout: Duration) -> Step<Option<WebElement>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(el) = self.find_visible(css).await? {
                return Ok(Some(el));
            }
            if Instant::now() > deadline {
                return Ok(None);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Wait for a displayed element matching `css`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Step<WebElement> {
        if let Some(el) = self.try_wait_for(css, timeout).await? {
            return Ok(el);
        }
        let present = self.wd().find_all(By::Css(css)).await?.len();
        Err(Failure(format!(
            "timed out after {:.1}s waiting for a visible `{css}` ({present} matching element(s) \
             present but hidden) on {}",
            timeout.as_secs_f32(),
            self.where_am_i().await
        )))
    }

    /// Wait for a displayed element matching `css` whose text contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> Step<WebElement> {
        let deadline = Instant::now() + timeout;
        let mut seen: Vec<String> = Vec::new();
        loop {
            seen.clear();
            for el in self.wd().find_all(By::Css(css)).await? {
                if !el.is_displayed().await.unwrap_or(false) {
                    continue;
                }
                // WebKitWebDriver's visible text leaves out ellipsised (overflow: hidden) spans
                // that are plainly on screen; the element itself is displayed, so its
                // textContent is what the user reads.
                let text = el.text().await.unwrap_or_default();
                let content = el.prop("textContent").await.ok().flatten().unwrap_or_default();
                if text.contains(needle) || content.contains(needle) {
                    return Ok(el);
                }
                seen.push(if content.is_empty() { text } else { content });
            }
            if Instant::now() > deadline {
                let seen: Vec<String> =
                    seen.iter().take(5).map(|t| format!("{:?}", t.chars().take(80).collect::<String>())).collect();
                return Err(Failure(format!(
                    "timed out after {:.1}s waiting for `{css}` containing {needle:?}; visible \
                     matches: [{}] on {}",
                    timeout.as_secs_f32(),
                    seen.join(", "),
                    self.where_am_i().await
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Wait until no displayed element matching `css` contains `needle` (e.g. stale results
    /// before typing a new query).
    pub async fn wait_text_gone(&self, css: &str, needle: &str, timeout: Duration) -> Step {
        let deadline = Instant::now() + timeout;
        loop {
            let mut found = false;
            for el in self.wd().find_all(By::Css(css)).await? {
                if el.is_displayed().await.unwrap_or(false) && el.text().await.unwrap_or_default().contains(needle) {
                    found = true;
                    break;
                }
            }
            if !found {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(Failure(format!(
                    "`{css}` still shows {needle:?} after {:.1}s on {}",
                    timeout.as_secs_f32(),
                    self.where_am_i().await
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Wait until no element matching `css` is displayed.
    pub async fn wait_gone(&self, css: &str, timeout: Duration) -> Step {
        let deadline = Instant::now() + timeout;
        while self.find_visible(css).await?.is_some() {
            if Instant::now() > deadline {
                return Err(Failure(format!(
                    "`{css}` still visible after {:.1}s on {}",
                    timeout.as_secs_f32(),
                    self.where_am_i().await
                )));
            }
            tokio::time::sleep(POLL).await;
        }
        Ok(())
    }

    /// Wait until `script` (a JS function body) returns `true`.
    pub async fn wait_js(&self, script: &str, timeout: Duration, what: &str) -> Step {
        let deadline = Instant::now() + timeout;
        loop {
            let ok =
                self.wd().execute(script, Vec::new()).await.map(|r| r.json().as_bool() == Some(true)).unwrap_or(false);
            if ok {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(Failure(format!("timed out after {:.1}s waiting for {what}", timeout.as_secs_f32())));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Current route and title, for error messages.
    pub async fn where_am_i(&self) -> String {
        let r = self.wd().execute("return location.hash + ' ' + location.pathname", Vec::new()).await;
        let loc = r.ok().and_then(|r| r.json().as_str().map(str::to_string)).unwrap_or_default();
        format!("page `{}`", loc.trim())
    }

    // -- acting ----------------------------------------------------------------------------

    /// Wait for `css` and click it; retries while something (a dialog animating in or out)
    /// intercepts the click.
    pub async fn click(&self, css: &str, timeout: Duration) -> Step<WebElement> {
        let deadline = Instant::now() + timeout;
        loop {
            let el = self.wait_for(css, timeout).await?;
            let _ = el.scroll_into_view().await;
            match el.click().await {
                Ok(()) => return Ok(el),
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(Failure(format!("cannot click `{css}`: {e}"))),
            }
        }
    }

    /// Click `css` until `shows` is displayed (a dialog it opens): a click that lands while
    /// something animates may be swallowed, so click again if nothing opened after a moment.
    pub async fn click_until_shown(&self, css: &str, shows: &str, timeout: Duration) -> Step<WebElement> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(el) = self.find_visible(shows).await? {
                return Ok(el);
            }
            self.click(css, timeout).await?;
            if let Some(el) = self.try_wait_for(shows, Duration::from_secs(2)).await? {
                return Ok(el);
            }
            if Instant::now() > deadline {
                return self.wait_for(shows, Duration::ZERO).await;
            }
        }
    }

    /// Click `css` until it is no longer displayed (a button that closes its dialog): a click
    /// swallowed by an animation is repeated.
    pub async fn click_until_gone(&self, css: &str, timeout: Duration) -> Step {
        let deadline = Instant::now() + timeout;
        while let Some(el) = self.find_visible(css).await? {
            let _ = el.click().await;
            if self.wait_gone(css, Duration::from_secs(2)).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return self.wait_gone(css, Duration::ZERO).await;
            }
        }
        Ok(())
    }

    /// Replace the text of a field the way a user does: click, Ctrl+A, Backspace, type.
    /// (`WebElement::clear()` does not reach Vue's v-model.) Returns the field's value.
    pub async fn type_raw(&self, el: &WebElement, text: &str) -> Step<String> {
        // A closing popper (date picker, select) may still cover the field for its fade-out.
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            match el.click().await {
                Ok(()) => break,
                Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(150)).await,
                Err(e) => return Err(e.into()),
            }
        }
        el.send_keys(Key::Control + "a").await?;
        el.send_keys(Key::Backspace).await?;
        if !text.is_empty() {
            el.send_keys(text).await?;
        }
        Ok(el.prop("value").await?.unwrap_or_default())
    }

    /// [`Driver::type_raw`], then check the field holds exactly `text`.
    /// A dialog that is still opening may move the focus mid-typing (autofocus on its first
    /// field): retry a few times, as a person would retype.
    pub async fn type_text(&self, el: &WebElement, text: &str) -> Step {
        let mut value = String::new();
        for _ in 0..3 {
            value = self.type_raw(el, text).await?;
            if value == text {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        ensure(value == text, || format!("typed {text:?} but the field holds {value:?}"))
    }

    /// Type into the text field of `data-testid` `id` (on the input or a wrapper).
    pub async fn fill(&self, id: &str, text: &str, timeout: Duration) -> Step<WebElement> {
        let el = self.wait_for(&tid_input(id), timeout).await?;
        self.type_text(&el, text).await.map_err(|e| Failure(format!("field `{id}`: {e}")))?;
        Ok(el)
    }

    /// Check the field of `data-testid` `id` still holds `text` and retype it if not: when the
    /// focus lags behind a click, keys meant for the next field (Backspace) can land in it.
    pub async fn ensure_value(&self, id: &str, text: &str, timeout: Duration) -> Step {
        let el = self.wait_for(&tid_input(id), timeout).await?;
        if el.prop("value").await?.unwrap_or_default() != text {
            self.type_text(&el, text).await.map_err(|e| Failure(format!("field `{id}`: {e}")))?;
        }
        Ok(())
    }

    /// Press keys on whatever has focus (e.g. `Key::Enter`, `Key::Escape`).
    pub async fn press(&self, keys: impl Into<TypingData>) -> Step {
        self.wd().action_chain().send_keys(keys).perform().await?;
        Ok(())
    }

    /// Press `modifier`+`key` on whatever has focus, e.g. `chord(Key::Control, 'k')`.
    pub async fn chord(&self, modifier: Key, key: char) -> Step {
        let modifier = modifier.value();
        self.wd().action_chain().key_down(modifier).key_down(key).key_up(key).key_up(modifier).perform().await?;
        Ok(())
    }

    /// Make the checkbox of `data-testid` `id` checked (the id may sit on the `<input>`, which
    /// Element Plus hides, or on its label/wrapper).
    pub async fn ensure_checked(&self, id: &str, timeout: Duration) -> Step {
        const STATE: &str = "const el = arguments[0]; \
            const input = el.matches('input') ? el : el.querySelector('input[type=checkbox]'); \
            return input ? input.checked : (el.getAttribute('aria-checked') === 'true' \
                || el.classList.contains('is-checked'));";
        const TARGET: &str = "const el = arguments[0]; \
            return el.matches('input') ? (el.closest('label') || el) : el;";
        let css = tid(id);
        let deadline = Instant::now() + timeout;
        let el = loop {
            if let Some(el) = self.wd().find_all(By::Css(&css)).await?.into_iter().next() {
                break el;
            }
            if Instant::now() > deadline {
                return Err(Failure(format!("checkbox `{css}` not found")));
            }
            tokio::time::sleep(POLL).await;
        };
        let state = |el: WebElement| async move {
            let r = self.wd().execute(STATE, vec![el.to_json()?]).await?;
            Step::Ok(r.json().as_bool() == Some(true))
        };
        if state(el.clone()).await? {
            return Ok(());
        }
        let target = self.wd().execute(TARGET, vec![el.to_json()?]).await?;
        target.element()?.click().await?;
        while !state(el.clone()).await? {
            if Instant::now() > deadline {
                return Err(Failure(format!("checkbox `{css}` did not become checked")));
            }
            tokio::time::sleep(POLL).await;
        }
        Ok(())
    }

    /// Choose the option labelled `label` in the select of `data-testid` `id`: a native
    /// `<select>`, or an Element Plus `el-select` (options in a teleported dropdown).
    pub async fn select_option(&self, id: &str, label: &str, timeout: Duration) -> Step {
        let el = self.wait_for(&tid(id), timeout).await?;
        if el.tag_name().await?.eq_ignore_ascii_case("select") {
            for opt in el.find_all(By::Css("option")).await? {
                if opt.text().await?.trim() == label {
                    opt.click().await?;
                    return Ok(());
                }
            }
            return Err(Failure(format!("`{id}` has no option {label:?}")));
        }
        // Element Plus opens the dropdown from its inner wrapper, not from the root element.
        match el.find(By::Css(".el-select__wrapper")).await {
            Ok(wrapper) => wrapper.click().await?,
            Err(_) => el.click().await?,
        }
        let option = self
            .wait_for_text(".el-select-dropdown__item, [role=option]", label, timeout)
            .await
            .map_err(|e| Failure(format!("select `{id}`: {e}")))?;
        option.click().await?;
        Ok(())
    }

    /// Save a PNG of the window to `<workspace>/target/e2e/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Step<PathBuf> {
        let dir = out_dir();
        fs::create_dir_all(&dir).context(format!("cannot create {}", dir.display()))?;
        let path = dir.join(format!("{name}.png"));
        let png = self.wd().screenshot_as_png().await?;
        fs::write(&path, png).context(format!("cannot write {}", path.display()))?;
        Ok(path)
    }

    // -- signing in -------------------------------------------------------------------------

    /// Get past the window's first screen, whichever it shows: a fresh database creates its
    /// first administrator ([`TEST_ADMIN`]); otherwise the preselected person signs in with
    /// [`TEST_PASSWORD`] (which an enrolled person's first sign-in sets). Returns when the
    /// pages are up.
    pub async fn sign_in(&self) -> Step {
        let either = format!("{}, {}", tid("signin-setup"), tid("signin-form"));
        let screen =
            self.wait_for(&either, SIGN_IN_TIMEOUT).await.map_err(|e| Failure(format!("the sign-in screen: {e}")))?;
        if screen.attr("data-testid").await?.as_deref() == Some("signin-setup") {
            self.fill("setup-name", TEST_ADMIN, SIGN_IN_TIMEOUT).await?;
            self.fill("setup-password", TEST_PASSWORD, SIGN_IN_TIMEOUT).await?;
            self.fill("setup-password-again", TEST_PASSWORD, SIGN_IN_TIMEOUT).await?;
            self.click(&tid("setup-create"), SIGN_IN_TIMEOUT).await?;
            return self.wait_signed_in().await;
        }
        self.sign_in_as(None, TEST_PASSWORD).await
    }

    /// On the sign-in screen, sign in as the person whose entry contains `name` (`None`: the
    /// one preselected) with `password`, typed twice when it is their first sign-in; Enter
    /// submits. Returns when the pages are up.
    pub async fn sign_in_as(&self, name: Option<&str>, password: &str) -> Step {
        self.wait_for(&tid("signin-form"), SIGN_IN_TIMEOUT)
            .await
            .map_err(|e| Failure(format!("the sign-in screen: {e}")))?;
        if let Some(name) = name {
            self.select_option("signin-person", name, SIGN_IN_TIMEOUT).await?;
            // Let the dropdown fade out before typing.
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        if self.find_visible(&tid("signin-first")).await?.is_some() {
            self.fill("signin-new-password", password, SIGN_IN_TIMEOUT).await?;
            self.fill("signin-new-password-again", password, SIGN_IN_TIMEOUT).await?;
        } else {
            self.fill("signin-password", password, SIGN_IN_TIMEOUT).await?;
        }
        self.press(Key::Enter).await?;
        self.wait_signed_in().await
    }

    async fn wait_signed_in(&self) -> Step {
        self.wait_for(&tid("nav"), SIGN_IN_TIMEOUT).await.map_err(|e| Failure(format!("after signing in: {e}")))?;
        Ok(())
    }

    // -- ending ----------------------------------------------------------------------------

    /// Close the session (the app exits), then stop tauri-driver and its group.
    pub async fn quit(mut self) -> Step {
        let result = match self.wd.take() {
            None => Ok(()),
            Some(wd) => {
                let fut = wd.quit();
                tokio::pin!(fut);
                tokio::select! {
                    r = &mut fut => r.map_err(|e| Failure(format!("closing the session: {e}"))),
                    _ = tokio::time::sleep(QUIT_TIMEOUT) => {
                        // Kill first, so dropping the unfinished quit cannot block on a
                        // driver that no longer answers.
                        self.terminate();
                        Err(Failure(format!(
                            "closing the session took over {}s",
                            QUIT_TIMEOUT.as_secs()
                        )))
                    }
                }
            }
        };
        let result = match result {
            Ok(()) => self.wait_app_exit().await,
            Err(e) => Err(e),
        };
        self.terminate();
        result
    }

    /// After the session closed, the app and its WebKit processes should exit on their own,
    /// leaving only tauri-driver and WebKitWebDriver in the group.
    async fn wait_app_exit(&mut self) -> Step {
        let deadline = Instant::now() + TERM_GRACE;
        loop {
            let _ = self.child.try_wait();
            let app: Vec<ProcInfo> = group_members(self.pgid)
                .into_iter()
                .filter(|p| p.pid != self.pgid && p.comm != "WebKitWebDriver")
                .collect();
            if app.is_empty() {
                return Ok(());
            }
            if Instant::now() > deadline {
                let app: Vec<String> = app.iter().map(ToString::to_string).collect();
                return Err(Failure(format!(
                    "the app did not exit within {}s of closing the session: {}",
                    TERM_GRACE.as_secs(),
                    app.join("; ")
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// End the session and report `result`: on failure, save a screenshot, quit, then panic
    /// with the message (and where the screenshot and log are). Quitting first matters: a
    /// panic with the session open hangs and orphans processes.
    pub async fn finish<T>(self, result: Step<T>) -> T {
        match result {
            Ok(v) => {
                let label = self.label.clone();
                if let Err(e) = self.quit().await {
                    panic!("[{label}] {e}");
                }
                v
            }
            Err(e) => {
                let shot = match self.screenshot(&format!("{}-failure", self.label)).await {
                    Ok(p) => p.display().to_string(),
                    Err(se) => format!("(none: {se})"),
                };
                let label = self.label.clone();
                let log = self.log.clone();
                let quit = self.quit().await.err();
                panic!(
                    "[{label}] {e}\n  screenshot: {shot}\n  driver/app log: {}{}",
                    log.display(),
                    quit.map(|q| format!("\n  also: {q}")).unwrap_or_default()
                );
            }
        }
    }

    /// SIGTERM the process group and whatever carries this profile's `KAM_DB`, wait up to
    /// 5 s, then SIGKILL what is left. Idempotent.
    fn terminate(&mut self) {
        if self.terminated {
            return;
        }
        self.terminated = true;
        let signal_all = |sig: i32| {
            // SAFETY: plain syscalls on ids we started (group) or that carry our marker.
            unsafe { libc::killpg(self.pgid, sig) };
            for p in processes_with_env(&self.marker) {
                unsafe { libc::kill(p.pid, sig) };
            }
        };
        let pgid = self.pgid;
        let alive = |child: &mut Child| {
            let _ = child.try_wait(); // reap tauri-driver
            reap_group_zombies(pgid, child.id() as i32);
            let mut left = group_members(self.pgid);
            left.extend(processes_with_env(&self.marker));
            left
        };
        signal_all(libc::SIGTERM);
        let deadline = Instant::now() + TERM_GRACE;
        while !alive(&mut self.child).is_empty() && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        if !alive(&mut self.child).is_empty() {
            signal_all(libc::SIGKILL);
            let deadline = Instant::now() + Duration::from_secs(2);
            while !alive(&mut self.child).is_empty() && Instant::now() < deadline {
                std::thread::sleep(POLL);
            }
        }
        let left = alive(&mut self.child);
        // Zombies whose parent died last are re-parented to us a moment later: reap them too.
        std::thread::sleep(Duration::from_millis(50));
        reap_group_zombies(pgid, self.child.id() as i32);
        if !left.is_empty() {
            let left: Vec<String> = left.iter().map(ToString::to_string).collect();
            eprintln!("[{}] warning: processes survived SIGKILL: {}", self.label, left.join("; "));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Kill the processes first: if the session is still open (a panic), thirtyfour's
        // synchronous fallback DELETE then fails at once instead of hanging.
        self.terminate();
        drop(self.wd.take());
    }
}
