//! The real app in a real window: create a customer, a contact, a tier change and a record (then
//! fix a typo in the record), find it by global search (Chinese and pinyin initials), restart the
//! app on the same database and find everything again. Run by `scripts/test`:
//!
//! ```sh
//! cargo build -p kam-app
//! xvfb-run -a -s "-screen 0 1280x800x24" cargo test -p kam-e2e -- --test-threads=1
//! ```
//!
//! Screenshots and the combined tauri-driver/WebKitWebDriver/app log of each session land in
//! `target/e2e/`.

use std::path::Path;
use std::time::Duration;

use kam_e2e::{ensure, tid, tid_input, Context, Driver, Failure, Key, Profile, Step, TEST_ADMIN, TEST_PASSWORD};

#[path = "window/finance.rs"]
mod finance;
#[path = "window/forms.rs"]
mod forms;
#[path = "window/import.rs"]
mod import;
#[path = "window/import_finance.rs"]
mod import_finance;
#[path = "window/quotes.rs"]
mod quotes;
#[path = "window/requests.rs"]
mod requests;
#[path = "window/sign_in.rs"]
mod sign_in;
#[path = "window/sync.rs"]
mod sync;
#[path = "window/visits.rs"]
mod visits;

const CUSTOMER: &str = "华东电力设备有限公司";
const CREDIT_CODE: &str = "914403001922038216";
const CONTACT: &str = "王建国";
const MOBILE: &str = "13812345678";
const BIRTHDAY: &str = "1972-02-29";
const ROLE: &str = "最终决策者";
const TIER: &str = "战略客户";
const TIER_REASON: &str = "年采购额超过500万";
const RECORD_TYPO: &str = "年度沟通回";
const RECORD: &str = "年度沟通会";

/// For things already on screen or a click away.
const SHORT: Duration = Duration::from_secs(5);
/// For things behind a database round trip and a route change.
const LONG: Duration = Duration::from_secs(15);

fn fail<T>(r: Step<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// After a session, nothing started for this profile may still run.
fn assert_no_leftovers(profile: &Profile, after: &str) {
    let left = profile.live_processes();
    assert!(
        left.is_empty(),
        "processes left running after {after}: {}",
        left.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    );
}

/// A database prepared through the core (trusted, nobody has a password yet): its placeholder
/// user becomes the first administrator, with the test password, so the window can sign in.
fn admin_in_core(db: &Path) -> Step<kam_core::User> {
    let mut k = kam_core::Kam::open_locked(db).context("opening the database for its first administrator")?;
    k.create_first_admin(TEST_ADMIN, TEST_PASSWORD).context("create_first_admin")
}

/// The harness alone: the app starts on a fresh database at the sign-in screen (creating the
/// first administrator), renders, and the session ends with every process gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_starts_renders_and_cleans_up() {
    let profile = fail(Profile::new());
    let d = fail(Driver::start("smoke", &profile).await);
    let pgid = d.pgid();
    let r = async {
        let title = d.wd().title().await?;
        ensure(title.contains("KAM"), || format!("window title {title:?} lacks \"KAM\""))?;
        // A fresh database: the first screen creates its administrator, or imports an
        // enrollment file; no page and no navigation before someone signs in.
        d.wait_for_text(&tid("signin-screen"), "创建第一个总部管理员", LONG).await?;
        d.wait_for_text(&tid("sync-enroll-field"), "导入注册文件", SHORT).await?;
        ensure(d.find_visible(&tid("nav")).await?.is_none(), || "the navigation shows before sign-in".into())?;
        d.screenshot("signin-setup").await?;
        d.sign_in().await?;
        // An empty database still offers demo data or an empty start.
        d.wait_for(&tid("demo-skip"), LONG).await.map_err(|e| Failure::new(format!("the demo offer: {e}")))?;
        skip_demo_offer(&d).await?;
        d.wait_for(&tid("exchange-status"), LONG).await?;
        d.screenshot("smoke").await?;
        Ok(())
    }
    .await;
    d.finish(r).await;
    let group = kam_e2e::group_members(pgid);
    assert!(group.is_empty(), "process group {pgid} still alive: {group:?}");
    assert_no_leftovers(&profile, "the smoke session");
    assert!(
        profile.db_path().exists(),
        "the app did not create its database at KAM_DB={}",
        profile.db_path().display()
    );
}

/// The main scenario, across a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_contact_tier_survive_restart() {
    let profile = fail(Profile::new());

    let d = fail(Driver::start("first-run", &profile).await);
    let r = first_run(&d).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the first session");

    let d = fail(Driver::start("restart", &profile).await);
    let r = after_restart(&d).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the second session");
}

/// An empty database may offer demo data: decline it.
async fn skip_demo_offer(d: &Driver) -> Step {
    if d.try_wait_for(&tid("demo-skip"), Duration::from_secs(3)).await?.is_some() {
        d.click_until_gone(&tid("demo-skip"), SHORT).await?;
    }
    Ok(())
}

async fn check_status_bar(d: &Driver) -> Step {
    d.wait_for_text(&tid("exchange-status"), "总部", SHORT)
        .await
        .map_err(|e| Failure::new(format!("status bar: {e}")))?;
    Ok(())
}

async fn first_run(d: &Driver) -> Step {
    d.sign_in().await?;
    skip_demo_offer(d).await?;
    check_status_bar(d).await?;

    // New customer.
    d.click(&tid("nav-customers"), LONG).await?;
    d.click(&tid("new-customer"), LONG).await?;
    d.fill("field-name", CUSTOMER, SHORT).await?;
    d.fill("field-credit_code", CREDIT_CODE, SHORT).await?;
    d.click(&tid("save-customer"), SHORT).await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG)
        .await
        .map_err(|e| Failure::new(format!("after saving the customer: {e}")))?;

    // Contact, a decision maker born on a leap day.
    d.click(&tid("add-contact"), SHORT).await?;
    // Let the dialog finish opening: it focuses its first field when it has.
    tokio::time::sleep(Duration::from_millis(500)).await;
    d.fill("contact-name", CONTACT, SHORT).await?;
    d.fill("contact-mobile", MOBILE, SHORT).await?;
    d.ensure_checked("contact-decision", SHORT).await?;
    d.fill("contact-decision-role", ROLE, SHORT).await?;
    let birthday = d.wait_for(&tid_input("contact-birthday"), SHORT).await?;
    d.type_raw(&birthday, "").await?;
    // The date picker re-parses on every input event: type it a key at a time, like a person.
    for ch in BIRTHDAY.chars() {
        birthday.send_keys(ch.to_string()).await?;
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    d.press(Key::Enter).await?;
    let held = birthday.prop("value").await?.unwrap_or_default();
    ensure(held.contains("1972"), || format!("birthday field holds {held:?} after typing {BIRTHDAY:?} + Enter"))?;
    // Let the date picker's popper finish fading out before the next click.
    tokio::time::sleep(Duration::from_millis(400)).await;
    d.ensure_value("contact-name", CONTACT, SHORT).await?;
    d.ensure_value("contact-mobile", MOBILE, SHORT).await?;
    d.click(&tid("save-contact"), SHORT).await?;
    d.wait_for_text(&tid("contact-row"), CONTACT, LONG)
        .await
        .map_err(|e| Failure::new(format!("after saving the contact: {e}")))?;

    // Tier.
    d.click(&tid("change-tier"), SHORT).await?;
    d.click(&tid("tier-option-strategic"), SHORT).await?;
    d.fill("tier-reason", TIER_REASON, SHORT).await?;
    d.click(&tid("save-tier"), SHORT).await?;
    d.wait_for_text(&tid("dossier-tier"), TIER, LONG)
        .await
        .map_err(|e| Failure::new(format!("after changing the tier: {e}")))?;

    // A record with a typo, then the typo fixed in the same dialog, prefilled.
    d.click(&tid("add-record"), SHORT).await?;
    d.wait_for(&tid("record-dialog"), SHORT).await?;
    // Let the dialog finish opening: it focuses the title when it has.
    tokio::time::sleep(Duration::from_millis(500)).await;
    d.fill("record-title", RECORD_TYPO, SHORT).await?;
    d.click(&tid("save-record"), SHORT).await?;
    d.wait_gone(&tid("record-dialog"), LONG).await.map_err(|e| Failure::new(format!("saving the record: {e}")))?;
    d.wait_for_text(&tid("record-row"), RECORD_TYPO, LONG)
        .await
        .map_err(|e| Failure::new(format!("after saving the record: {e}")))?;
    d.click(&tid("edit-record"), SHORT).await?;
    d.wait_for(&tid("record-dialog"), SHORT).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let title = d.wait_for(&tid_input("record-title"), SHORT).await?;
    let held = title.prop("value").await?.unwrap_or_default();
    ensure(held == RECORD_TYPO, || format!("the edit dialog should hold the record's title, holds {held:?}"))?;
    d.fill("record-title", RECORD, SHORT).await?;
    d.click(&tid("save-record"), SHORT).await?;
    d.wait_gone(&tid("record-dialog"), LONG).await.map_err(|e| Failure::new(format!("saving the edit: {e}")))?;
    d.wait_for_text(&tid("record-row"), RECORD, LONG)
        .await
        .map_err(|e| Failure::new(format!("after editing the record: {e}")))?;
    d.wait_text_gone(&tid("record-row"), RECORD_TYPO, SHORT)
        .await
        .map_err(|e| Failure::new(format!("the edit replaces the typo, it does not add a record: {e}")))?;

    // Global search from another page: two Chinese characters, then pinyin initials.
    d.click(&tid("nav-today"), SHORT).await?;
    d.chord(Key::Control, 'k').await?;
    let input =
        d.wait_for(&tid_input("global-search-input"), SHORT).await.map_err(|e| Failure::new(format!("Ctrl+K: {e}")))?;
    d.type_text(&input, "电力").await?;
    d.wait_for_text(&tid("global-search-hit"), CUSTOMER, SHORT)
        .await
        .map_err(|e| Failure::new(format!("global search \"电力\": {e}")))?;
    // A query matching nothing first, so the pinyin hit below cannot be the stale one.
    d.type_text(&input, "zzzzqx").await?;
    d.wait_text_gone(&tid("global-search-hit"), CUSTOMER, SHORT)
        .await
        .map_err(|e| Failure::new(format!("global search \"zzzzqx\" (should match nothing): {e}")))?;
    d.type_text(&input, "hddl").await?;
    d.wait_for_text(&tid("global-search-hit"), CUSTOMER, SHORT)
        .await
        .map_err(|e| Failure::new(format!("global search \"hddl\": {e}")))?;
    d.press(Key::Enter).await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG)
        .await
        .map_err(|e| Failure::new(format!("Enter on a global search hit: {e}")))?;
    d.screenshot("dossier").await?;
    Ok(())
}

async fn after_restart(d: &Driver) -> Step {
    // The administrator created in the first session is preselected and asked for a password.
    d.wait_for_text(&tid("signin-person"), TEST_ADMIN, LONG)
        .await
        .map_err(|e| Failure::new(format!("sign-in after restart: {e}")))?;
    d.sign_in().await?;
    skip_demo_offer(d).await?;
    check_status_bar(d).await?;

    d.click(&tid("nav-customers"), LONG).await?;
    d.fill("customer-search", "华东", SHORT).await?;
    let row = d
        .wait_for_text(&tid("customer-row"), CUSTOMER, LONG)
        .await
        .map_err(|e| Failure::new(format!("customer list search \"华东\": {e}")))?;
    // A click selects the row; Enter (or a double click) opens the dossier.
    row.click().await?;
    d.press(Key::Enter).await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG).await?;
    d.wait_for_text(&tid("contact-row"), CONTACT, LONG)
        .await
        .map_err(|e| Failure::new(format!("contact after restart: {e}")))?;
    d.wait_for_text(&tid("dossier-tier"), TIER, SHORT)
        .await
        .map_err(|e| Failure::new(format!("tier after restart: {e}")))?;
    d.wait_for_text(&tid("record-row"), RECORD, SHORT)
        .await
        .map_err(|e| Failure::new(format!("edited record after restart: {e}")))?;
    d.screenshot("after-restart").await?;
    Ok(())
}

/// Settings: the company header for quotes is filled in the window and stored by the core; an
/// empty name is refused with the core's message and stores nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_header_is_set_in_settings() {
    const COMPANY: &str = "华东新材料科技有限公司";
    let profile = fail(Profile::new());
    let d = fail(Driver::start("settings", &profile).await);
    let r = async {
        d.sign_in().await?;
        skip_demo_offer(&d).await?;
        d.click(&tid("nav-settings"), LONG).await?;
        d.fill("company-name", "", LONG).await?;
        d.click(&tid("company-save"), SHORT).await?;
        d.wait_for_text(".el-form-item__error", "请填写公司名称", SHORT).await?;
        d.fill("company-name", COMPANY, SHORT).await?;
        d.fill("company-phone", "021-5888 6666", SHORT).await?;
        d.ensure_value("company-name", COMPANY, SHORT).await?;
        d.click(&tid("company-save"), SHORT).await?;
        d.wait_for_text(".el-message", "公司信息已保存", LONG).await?;
        d.screenshot("settings-company").await?;
        Ok(())
    }
    .await;
    d.finish(r).await;
    let k = kam_core::Kam::open(&profile.db_path()).expect("reopening the database through the core");
    let c = k.company_info().expect("company info");
    assert_eq!(c.name, COMPANY);
    assert_eq!(c.phone, "021-5888 6666");
    assert_no_leftovers(&profile, "the settings session");
}
