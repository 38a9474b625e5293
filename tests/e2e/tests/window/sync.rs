//! Head-office exchange in two real windows (issue 6), each installation with its own profile
//! (database and WebView storage):
//!
//! 1. Head office is set up through the core before its app starts (organisation, the rep 张三,
//!    his enrollment file).
//! 2. The rep's app, on a fresh database: the sign-in screen offers both ways in (the first
//!    administrator, or 导入注册文件); importing the enrollment file makes it 张三's field
//!    device and his first sign-in sets his password. A customer is filed through the form, then
//!    导出同步文件 writes the sync file into the folder chosen in the native dialog (answered by
//!    the test through `Profile::answer_pick`, as every file pick below).
//! 3. Head office's app: 导入同步文件 with that file → the preview names the sender and counts
//!    the new rows → 应用 → the report says applied, the status bar says today, the device is
//!    listed, and the customer is in the customer list and found by search. The return file for
//!    张三 is exported from the devices table.
//! 4. The rep's app again: importing the return file (preview, apply) leaves nothing pending.

use std::path::{Path, PathBuf};

use kam_core::{CustomerInput, Kam, Role};
use kam_e2e::{ensure, step, tid, tid_input, Context, Driver, Failure, Key, Profile, Step};

use super::{admin_in_core, assert_no_leftovers, fail, skip_demo_offer, LONG, SHORT};

const ORG: &str = "华东电力销售公司";
const REP: &str = "张三";
const CUSTOMER: &str = "苏州精密机械有限公司";

/// Head office's database, and the enrollment file it issued for 张三.
fn prepare_head_office(hq: &Profile, exchange: &Path) -> Step<PathBuf> {
    let mut k = Kam::open(&hq.db_path()).context("opening head office's database through the core")?;
    k.enroll_head_office(ORG).context("enroll_head_office")?;
    let u = k.add_user(REP, Role::Rep, "大客户部").context("add_user")?;
    let file = exchange.join("kam-注册-张三.kamenroll");
    k.enroll_export(&u.id, Some(&file)).context("enroll_export")?;
    drop(k);
    admin_in_core(&hq.db_path())?;
    Ok(file)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rep_sync_file_previewed_and_applied_at_head_office() {
    let exchange = fail(tempfile::Builder::new().prefix("kam-e2e-usb-").tempdir().context("exchange folder"));
    let hq = fail(Profile::new());
    let rep = fail(Profile::new());
    let enrollment = fail(prepare_head_office(&hq, exchange.path()));

    // The rep: enroll, file a customer, export.
    let d = fail(Driver::start("sync-rep", &rep).await);
    let r = rep_enroll_and_export(&d, &rep, &enrollment, exchange.path()).await;
    let sync_file = d.finish(r).await;
    assert_no_leftovers(&rep, "the rep's session");
    assert!(sync_file.is_file(), "the sync file shown in the window exists: {}", sync_file.display());

    // Head office: preview, apply, see the customer, export the return file.
    let d = fail(Driver::start("sync-hq", &hq).await);
    let r = head_office_import(&d, &hq, &sync_file, exchange.path()).await;
    let return_file = d.finish(r).await;
    assert_no_leftovers(&hq, "head office's session");
    assert!(return_file.is_file(), "the return file shown in the window exists: {}", return_file.display());

    // What the window showed is what head office's database holds.
    let k = Kam::open(&hq.db_path()).expect("reopening head office's database");
    assert_eq!(k.search_total("精密机械").expect("search"), 1, "the customer reached head office");
    drop(k);

    // The rep imports the return file: head office confirmed everything.
    let d = fail(Driver::start("sync-rep-return", &rep).await);
    let r = rep_import_return(&d, &rep, &return_file).await;
    d.finish(r).await;
    assert_no_leftovers(&rep, "the rep's second session");
    let k = Kam::open(&rep.db_path()).expect("reopening the rep's database");
    assert_eq!(k.sync_status().expect("sync_status").pending_changes, 0, "nothing left pending on the rep's device");
}

async fn rep_enroll_and_export(d: &Driver, profile: &Profile, enrollment: &Path, exchange: &Path) -> Step<PathBuf> {
    // Not enrolled: the first screen explains both ways in; import the enrollment file.
    d.wait_for_text(&tid("signin-screen"), "创建第一个总部管理员", LONG)
        .await
        .map_err(step("the fresh laptop's first screen"))?;
    d.wait_for_text(&tid("sync-enroll-field"), "导入注册文件", SHORT).await?;
    d.screenshot("sync-rep-enroll").await?;
    // 选择注册文件…: the test answers the native open dialog.
    profile.answer_pick(&[enrollment])?;
    d.click(&tid("sync-enroll-pick"), SHORT).await?;
    d.wait_for_text(&tid("sync-enroll-path"), "kam-注册-张三.kamenroll", SHORT)
        .await
        .map_err(step("the chosen file"))?;
    d.click(&tid("sync-enroll-import"), SHORT).await?;
    // Only 张三 signs in here; his first sign-in sets his password.
    d.wait_for_text(&tid("signin-first"), "首次登录：请设置您的密码", LONG)
        .await
        .map_err(step("after importing the enrollment"))?;
    d.wait_for_text(&tid("signin-person"), REP, SHORT).await?;
    d.wait_for_text(&tid("signin-field-device"), REP, SHORT).await?;
    d.screenshot("signin-first").await?;
    d.sign_in().await?;
    skip_demo_offer(d).await?;
    d.click(&tid("nav-sync"), LONG).await?;
    d.wait_for_text(&tid("sync-role"), "业务员设备", LONG).await.map_err(step("after importing the enrollment"))?;
    d.wait_for_text(&tid("sync-org"), ORG, SHORT).await?;
    d.wait_for_text(&tid("sync-head-office"), ORG, SHORT).await?;
    d.wait_for_text(&tid("current-user"), REP, LONG).await.map_err(step("the device now works as 张三"))?;

    // A customer, through the form.
    d.click(&tid("nav-customers"), LONG).await?;
    d.click(&tid("new-customer"), LONG).await?;
    d.fill("field-name", CUSTOMER, SHORT).await?;
    d.click(&tid("save-customer"), SHORT).await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG).await.map_err(step("after saving the customer"))?;

    // Export into the folder chosen in the native dialog (answered by the test).
    d.click(&tid("nav-sync"), LONG).await?;
    let pending = d.wait_for(&tid("sync-pending"), LONG).await?;
    let pending = pending.prop("textContent").await?.unwrap_or_default();
    ensure(!pending.trim_start().starts_with("0 "), || {
        format!("changes are pending after filing a customer: {pending:?}")
    })?;
    profile.answer_pick(&[exchange])?;
    d.click(&tid("sync-export"), SHORT).await?;
    d.wait_for_text(&tid("sync-export-result"), "同步文件已导出", LONG).await.map_err(step("the export result"))?;
    let shown = d.wait_for(&tid("sync-export-path"), SHORT).await?.text().await?;
    let path = PathBuf::from(shown.trim());
    ensure(path.parent() == Some(exchange), || format!("the file went to the folder chosen: {shown:?}"))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    ensure(name.starts_with("kam-张三-") && name.ends_with(".kamsync"), || format!("suggested file name: {name:?}"))?;
    d.wait_for_text(&tid("sync-export-rows"), "行", SHORT).await?;
    d.wait_for_text(&tid("sync-export-addressee"), "总部", SHORT).await?;
    d.wait_for_text(&tid("exchange-status"), "今天", LONG).await.map_err(step("the status bar after exporting"))?;
    d.screenshot("sync-rep-export").await?;
    Ok(path)
}

async fn head_office_import(d: &Driver, profile: &Profile, sync_file: &Path, exchange: &Path) -> Step<PathBuf> {
    d.sign_in().await?;
    skip_demo_offer(d).await?;
    d.wait_for_text(&tid("exchange-status"), "尚未", LONG).await.map_err(step("no exchange yet at head office"))?;

    d.click(&tid("nav-sync"), LONG).await?;
    d.wait_for_text(&tid("sync-role"), "总部", LONG).await.map_err(step("head office's Sync page"))?;
    d.wait_for_text(&tid("sync-org"), ORG, SHORT).await?;

    // Preview: nothing is written yet. The file is chosen in the (test-answered) open dialog.
    profile.answer_pick(&[sync_file])?;
    d.click(&tid("sync-import-pick"), SHORT).await?;
    d.wait_for(&tid("sync-import-file"), SHORT).await.map_err(step("the chosen sync file"))?;
    d.click(&tid("sync-preview"), SHORT).await?;
    let card = d.wait_for_text(&tid("sync-file-report"), REP, LONG).await.map_err(step("the preview"))?;
    let text = card.prop("textContent").await?.unwrap_or_default();
    ensure(text.contains("可以应用"), || format!("the preview says the file can be applied: {text:?}"))?;
    ensure(text.contains("客户档案"), || format!("the preview counts rows per table: {text:?}"))?;
    ensure(text.contains("新设备"), || format!("the first file of a device says so: {text:?}"))?;
    let inserted = d.wait_for(&tid("sync-file-inserted"), SHORT).await?.text().await?;
    let n: u32 = inserted.trim().replace(',', "").parse().unwrap_or(0);
    ensure(n >= 2, || format!("the preview counts new rows (the customer and its owner): {inserted:?}"))?;
    d.wait_for_text(&tid("sync-import-phase"), "预览", SHORT).await?;
    d.screenshot("sync-hq-preview").await?;

    // Apply.
    d.click(&tid("sync-apply"), SHORT).await?;
    d.wait_for_text(&tid("sync-file-state"), "已应用", LONG).await.map_err(step("after applying"))?;
    d.wait_for_text(&tid("exchange-status"), "今天", LONG).await.map_err(step("the status bar after importing"))?;

    // The same report in English, then back to Chinese.
    let lang = format!("{} .el-radio-button", tid("lang-switch"));
    d.wait_for_text(&lang, "EN", SHORT).await?.click().await?;
    d.wait_for_text(&tid("sync-file-state"), "Applied", SHORT).await.map_err(step("the report in English"))?;
    d.wait_for_text(&tid("sync-file-report"), "Customers", SHORT).await?;
    d.wait_for_text(&tid("sync-tab-conflicts"), "Conflict inbox", SHORT).await?;
    d.screenshot("sync-hq-applied-en").await?;
    d.wait_for_text(&lang, "中文", SHORT).await?.click().await?;
    d.wait_for_text(&tid("sync-file-state"), "已应用", SHORT).await?;

    d.click(&tid("sync-tab-devices"), SHORT).await?;
    d.wait_for_text(&tid("sync-device-row"), REP, LONG).await.map_err(step("the device is enrolled"))?;
    d.screenshot("sync-hq-applied").await?;

    // The return file for 张三, from the devices table, into the exchange folder.
    profile.answer_pick(&[exchange])?;
    d.click(&tid("sync-device-export"), SHORT).await?;
    d.wait_for_text(&tid("sync-export-addressee"), REP, LONG).await.map_err(step("the return file"))?;
    let shown = d.wait_for(&tid("sync-export-path"), SHORT).await?.text().await?;
    let return_file = PathBuf::from(shown.trim());

    // History: one import, one export.
    d.click(&tid("sync-tab-history"), SHORT).await?;
    d.wait_for_text(&tid("sync-history-row"), "导入", LONG).await.map_err(step("the exchange history"))?;

    // The customer is at head office: in the list and in the search.
    d.click(&tid("nav-customers"), LONG).await?;
    d.wait_for_text(&tid("customer-row"), CUSTOMER, LONG).await.map_err(step("the customer list at head office"))?;
    d.chord(Key::Control, 'k').await?;
    let input = d.wait_for(&tid_input("global-search-input"), SHORT).await?;
    d.type_text(&input, "精密机械").await?;
    d.wait_for_text(&tid("global-search-hit"), CUSTOMER, SHORT).await.map_err(step("global search at head office"))?;
    d.press(Key::Escape).await?;
    Ok(return_file)
}

async fn rep_import_return(d: &Driver, profile: &Profile, return_file: &Path) -> Step {
    // His password from the first session.
    d.sign_in().await?;
    skip_demo_offer(d).await?;
    d.click(&tid("nav-sync"), LONG).await?;
    d.wait_for_text(&tid("sync-role"), "业务员设备", LONG).await?;
    profile.answer_pick(&[return_file])?;
    d.click(&tid("sync-import-pick"), SHORT).await?;
    d.wait_for(&tid("sync-import-file"), SHORT).await.map_err(step("the chosen return file"))?;
    d.click(&tid("sync-preview"), SHORT).await?;
    d.wait_for_text(&tid("sync-file-report"), ORG, LONG).await.map_err(step("the return file's preview"))?;
    d.click(&tid("sync-apply"), SHORT).await?;
    d.wait_for_text(&tid("sync-file-state"), "已应用", LONG).await.map_err(step("after applying the return file"))?;
    d.wait_for_text(&tid("sync-pending"), "0 行", LONG).await.map_err(step("nothing pending after the return file"))?;
    d.screenshot("sync-rep-return").await?;
    Ok(())
}

const STEEL: &str = "南京钢铁集团有限公司";
const STEEL_CREDIT: &str = "91440300708461136T";
const ENERGY: &str = "无锡新能源科技有限公司";
const REP_ADDRESS: &str = "无锡市新吴区长江路 1 号";
const HQ_ADDRESS: &str = "无锡市梁溪区中山路 88 号";
const NEW_REP: &str = "王五";

/// Export from `from` to `to` (a name, or "hq") and apply it there.
fn send(from: &mut Kam, to_name: &str, to: &mut Kam, dir: &Path) -> Step {
    let out = from.sync_export(to_name, Some(dir)).context("sync_export")?;
    let res = to.sync_import(&[PathBuf::from(&out.path)], false);
    match res.first().and_then(|r| r.error.as_ref()) {
        Some(e) => Err(Failure::new(format!("importing {}: {}", out.path, e.message))),
        None => Ok(()),
    }
}

/// Head office with two reps who both filed the same company (a duplicate claim), and a field
/// both 张三 and head office changed before exchanging (a conflict, head office's change newer).
fn prepare_inbox(hq: &Profile, dir: &Path) -> Step {
    let customer = |name: &str, credit: Option<&str>| CustomerInput {
        name: name.into(),
        credit_code: credit.map(str::to_string),
        ..Default::default()
    };
    let mut h = Kam::open(&hq.db_path()).context("opening head office's database")?;
    h.enroll_head_office(ORG).context("enroll_head_office")?;
    let mut reps = Vec::new();
    for name in [REP, "李四"] {
        let u = h.add_user(name, Role::Rep, "大客户部").context("add_user")?;
        let file = dir.join(format!("{}.kamenroll", u.id));
        h.enroll_export(&u.id, Some(&file)).context("enroll_export")?;
        let mut k = Kam::open(&dir.join(format!("{}.kam", u.id))).context("a rep's database")?;
        k.enroll_import(&file).context("enroll_import")?;
        reps.push((k, u.id));
    }
    let (mut z, zid) = reps.remove(0);
    let (mut l, _) = reps.remove(0);
    let energy = z.create_customer(&customer(ENERGY, None)).context("create_customer")?.customer;
    z.create_customer(&customer(STEEL, Some(STEEL_CREDIT))).context("create_customer")?;
    l.create_customer(&customer(STEEL, Some(STEEL_CREDIT))).context("create_customer")?;
    send(&mut z, "hq", &mut h, dir)?;
    send(&mut h, REP, &mut z, dir)?;
    send(&mut l, "hq", &mut h, dir)?;

    let mut a = customer(ENERGY, None);
    a.address = Some(REP_ADDRESS.into());
    a.owner_id = Some(zid);
    z.update_customer(&energy.id, &a).context("the rep's change")?;
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut b = a.clone();
    b.address = Some(HQ_ADDRESS.into());
    h.update_customer(&energy.id, &b).context("head office's change")?;
    send(&mut z, "hq", &mut h, dir)?;
    let st = h.sync_status().context("sync_status")?;
    ensure(st.open_conflicts == 1 && st.open_duplicates == 1, || {
        format!("prepared one conflict and one duplicate claim, got {st:?}")
    })?;
    drop(h);
    admin_in_core(&hq.db_path()).map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_office_settles_conflict_inbox_and_duplicate_claim() {
    let dir = fail(tempfile::Builder::new().prefix("kam-e2e-org-").tempdir().context("org folder"));
    let hq = fail(Profile::new());
    fail(prepare_inbox(&hq, dir.path()));

    let d = fail(Driver::start("sync-inbox", &hq).await);
    let r = settle_inbox(&d, &hq, dir.path()).await;
    d.finish(r).await;
    assert_no_leftovers(&hq, "the inbox session");

    let k = Kam::open(&hq.db_path()).expect("reopening head office's database");
    let st = k.sync_status().expect("sync_status");
    assert_eq!((st.open_conflicts, st.open_duplicates), (0, 0), "both settled in the window");
    assert_eq!(k.search_total("南京钢铁").expect("search"), 1, "the two customers were merged into one");
    let energy = k.search("新能源", 5).expect("search").hits;
    assert_eq!(energy.len(), 1);
    assert_eq!(k.customer(&energy[0].id).expect("customer").address, REP_ADDRESS, "改回 restored the rep's value");
    assert!(dir.path().join("kam-注册-王五.kamenroll").is_file(), "the enrollment file issued in the window");
}

async fn settle_inbox(d: &Driver, profile: &Profile, dir: &Path) -> Step {
    d.sign_in().await?;
    skip_demo_offer(d).await?;
    d.click(&tid("nav-sync"), LONG).await?;
    d.wait_for_text(&tid("sync-role"), "总部", LONG).await?;

    // 冲突收件箱: the value in force (head office's, newer) and the losing one (张三's); 改回.
    d.click(&tid("sync-tab-conflicts"), SHORT).await?;
    let row = d.wait_for_text(&tid("sync-conflict-row"), ENERGY, LONG).await.map_err(step("the conflict inbox"))?;
    let text = row.prop("textContent").await?.unwrap_or_default();
    for needle in [HQ_ADDRESS, REP_ADDRESS, REP, "单位地址"] {
        ensure(text.contains(needle), || format!("the conflict row shows {needle:?}: {text:?}"))?;
    }
    d.screenshot("sync-conflicts").await?;
    d.click(&tid("sync-conflict-restore"), SHORT).await?;
    d.wait_for_text(".el-message-box", REP_ADDRESS, SHORT).await.map_err(step("改回 asks first"))?;
    d.click(".el-message-box .el-button--primary", SHORT).await?;
    d.wait_for(&tid("sync-conflicts-empty"), LONG).await.map_err(step("the inbox after 改回"))?;

    // 撞单: the same credit code from two reps; merge after choosing which to keep.
    d.click(&tid("sync-tab-duplicates"), SHORT).await?;
    let row = d.wait_for_text(&tid("sync-duplicate-row"), STEEL, LONG).await.map_err(step("the duplicate claims"))?;
    let text = row.prop("textContent").await?.unwrap_or_default();
    for needle in ["统一社会信用代码相同", REP, "李四"] {
        ensure(text.contains(needle), || format!("the claim shows {needle:?}: {text:?}"))?;
    }
    d.click(&tid("sync-duplicate-merge"), SHORT).await?;
    d.wait_for_text(&tid("sync-merge-dialog"), "保留哪一个", SHORT).await?;
    d.screenshot("sync-merge").await?;
    d.click(&tid("sync-merge-keep-second"), SHORT).await?;
    d.click(&tid("sync-merge-confirm"), SHORT).await?;
    d.wait_for(&tid("sync-duplicates-empty"), LONG).await.map_err(step("the claims after merging"))?;
    d.screenshot("sync-inbox-settled").await?;

    // 签发注册文件 for a new person, into the folder chosen in the (test-answered) dialog.
    d.click(&tid("sync-issue"), SHORT).await?;
    d.wait_for(&tid("sync-issue-dialog"), SHORT).await?;
    d.fill("sync-issue-name", NEW_REP, SHORT).await?;
    d.click(&tid("sync-issue-add"), SHORT).await?;
    d.wait_for_text(&tid("sync-issue-user"), NEW_REP, LONG).await.map_err(step("the new person is picked"))?;
    profile.answer_pick(&[dir])?;
    d.click(&tid("sync-issue-pick-folder"), SHORT).await?;
    d.wait_for_text(&tid("sync-issue-folder"), &dir.display().to_string(), SHORT).await?;
    d.click(&tid("sync-issue-confirm"), SHORT).await?;
    d.wait_for_text(&tid("sync-issue-result"), NEW_REP, LONG).await.map_err(step("the enrollment file"))?;
    d.wait_for_text(&tid("sync-issue-path"), "kam-注册-王五.kamenroll", SHORT).await?;
    d.screenshot("sync-issue").await?;
    Ok(())
}
