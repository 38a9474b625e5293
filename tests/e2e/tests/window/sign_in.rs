//! Signing in and roles in the real window (issue 11). Head office's database is prepared through
//! the core: an administrator, the rep 张伟 and the manager 李经理 (passwords set), a customer and
//! a quote 张伟 drafted with a 5 % rebate line, submitted (pending the department's approval).
//!
//! In the window: a wrong password is refused with the core's message; 张伟 signs in, his unsaved
//! customer form survives 锁定 and unlocking, and his own quote cannot be approved by him; the
//! administrator (head office) may not approve it either (无权审批), and Settings → 人员 refuses
//! removing the last administrator; 李经理 approves it → 已审批, the quote's 变更历史 shows the
//! status moving from 待审批 to 已审批, and his internal export (refused to 张伟) appears in head
//! office's 审计日志; the administrator issues a reset code with which 张伟 sets a new password.
//! After a restart the window asks for a password again.

use std::time::Duration;

use kam_core::{CustomerInput, Kam, QuoteInput, QuoteLineInput, QuoteStatus, Role};
use kam_e2e::{ensure, step, tid, tid_input, Context, Driver, Key, Profile, Step, TEST_ADMIN, TEST_PASSWORD};

use super::{assert_no_leftovers, fail, LONG, SHORT};

const REP: &str = "张伟";
const MANAGER: &str = "李经理";
const CUSTOMER: &str = "上海宝冶建设有限公司";
const UNSAVED: &str = "尚未保存的客户名称";

/// Head office's people and 张伟's submitted quote; returns the quote's id.
fn prepare(profile: &Profile) -> Step<String> {
    let path = profile.db_path();
    let mut k = Kam::open_locked(&path).context("opening head office's database")?;
    k.create_first_admin(TEST_ADMIN, TEST_PASSWORD).context("create_first_admin")?;
    for (name, role) in [(REP, Role::Rep), (MANAGER, Role::Manager)] {
        let u = k.add_user(name, role, "大客户部").context("add_user")?;
        k.set_user_password(&u.id, TEST_PASSWORD).context("set_user_password")?;
    }
    drop(k);

    let mut rep = Kam::open_locked(&path).context("reopening as the rep")?;
    rep.sign_in(REP, TEST_PASSWORD).context("the rep signs in")?;
    let c = rep
        .create_customer(&CustomerInput { name: CUSTOMER.into(), ..Default::default() })
        .context("create_customer")?;
    let q =
        rep.create_quote(&QuoteInput { customer_id: c.customer.id, ..Default::default() }).context("create_quote")?;
    let line = QuoteLineInput {
        description: Some("环氧地坪涂料".into()),
        unit: Some("㎡".into()),
        quantity: "1000".parse().context("quantity")?,
        cost_fen: Some(kam_core::Fen(7000)),
        rebate_rate: Some("0.05".parse().context("rate")?),
        ..Default::default()
    };
    rep.add_quote_lines(&q.id, &[line]).context("add_quote_lines")?;
    let q = rep.submit_quote(&q.id).context("submit_quote")?;
    ensure(q.status == QuoteStatus::PendingApproval, || format!("the rebate needs approval, got {:?}", q.status))?;
    Ok(q.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_roles_and_restart() {
    let profile = fail(Profile::new());
    let quote_id = fail(prepare(&profile));

    let d = fail(Driver::start("signin-roles", &profile).await);
    let r = roles(&d, &profile).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the sign-in session");

    let d = fail(Driver::start("signin-restart", &profile).await);
    let r = after_restart(&d).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the session after the restart");

    // What the window showed is what the core stored: approved by the manager.
    let k = Kam::open(&profile.db_path()).expect("reopening the database");
    let q = k.quote(&quote_id).expect("the quote");
    assert_eq!(q.status, QuoteStatus::Approved);
    let approvers: Vec<&str> = q.approvals.iter().filter_map(|a| a.approver_name.as_deref()).collect();
    assert_eq!(approvers, [MANAGER], "only the manager's approval counts");
}

/// Open the quote from the list (its number is a link).
async fn open_quote(d: &Driver) -> Step {
    d.click(&tid("nav-quotes"), LONG).await?;
    d.wait_for_text(&tid("quote-row"), CUSTOMER, LONG).await.map_err(step("the quote list"))?;
    d.click(&format!("{} a.link", tid("quote-row")), SHORT).await?;
    d.wait_for_text(&tid("quote-customer"), CUSTOMER, LONG).await.map_err(step("the quote editor"))?;
    d.wait_for_text(&tid("quote-status"), "待审批", SHORT).await?;
    Ok(())
}

/// 审批 with `comment`, as the person signed in.
async fn try_approve(d: &Driver, comment: &str) -> Step {
    d.click(&tid("approve-quote"), SHORT).await?;
    d.wait_for(&tid_input("decision-comment"), SHORT).await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    if !comment.is_empty() {
        d.fill("decision-comment", comment, SHORT).await?;
    }
    d.click(&tid("save-decision"), SHORT).await?;
    Ok(())
}

/// The approval dialog shows the core's refusal (pictured as `shot`); closed, the quote is still
/// pending.
async fn refused(d: &Driver, message: &str, what: &'static str, shot: &str) -> Step {
    d.wait_for_text(&tid("decision-error"), message, LONG).await.map_err(step(what))?;
    d.screenshot(shot).await?;
    d.press(Key::Escape).await?;
    d.wait_gone(&tid("decision-error"), SHORT).await?;
    d.wait_for_text(&tid("quote-status"), "待审批", SHORT).await.map_err(step("still pending after the refusal"))?;
    Ok(())
}

/// 退出登录: back to the sign-in screen, no page left.
async fn sign_out(d: &Driver) -> Step {
    d.click(&tid("sign-out"), SHORT).await?;
    d.wait_for(&tid("signin-form"), LONG).await.map_err(step("退出登录 returns to the sign-in screen"))?;
    ensure(d.find_visible(&tid("nav")).await?.is_none(), || "the pages are gone after signing out".into())
}

async fn roles(d: &Driver, profile: &Profile) -> Step {
    // The person who signed in last (张伟, through the core) is preselected; a wrong password is
    // refused with the core's message, in Chinese.
    d.wait_for_text(&tid("signin-person"), REP, LONG).await.map_err(step("the sign-in screen"))?;
    ensure(d.find_visible(&tid("nav")).await?.is_none(), || "the navigation shows before sign-in".into())?;
    d.fill("signin-password", "not-his-password", SHORT).await?;
    d.press(Key::Enter).await?;
    d.wait_for_text(&tid("signin-error"), "密码不对", LONG).await.map_err(step("a wrong password"))?;
    d.screenshot("signin").await?;
    d.sign_in_as(Some(REP), TEST_PASSWORD).await?;
    d.wait_for_text(&tid("signed-in-user"), REP, SHORT).await?;
    d.wait_for_text(&tid("current-user"), REP, SHORT).await?;

    // Unsaved input survives the lock: the page stays mounted under the overlay.
    d.click(&tid("nav-customers"), LONG).await?;
    d.click(&tid("new-customer"), LONG).await?;
    d.fill("field-name", UNSAVED, SHORT).await?;
    d.click(&tid("lock-now"), SHORT).await?;
    d.wait_for_text(&tid("lock-overlay"), REP, SHORT).await.map_err(step("the lock overlay"))?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    d.screenshot("lock").await?;
    d.fill("lock-password", "not-his-password", SHORT).await?;
    d.press(Key::Enter).await?;
    d.wait_for_text(&tid("lock-error"), "密码不对", LONG).await.map_err(step("a wrong password at the lock"))?;
    d.fill("lock-password", TEST_PASSWORD, SHORT).await?;
    d.press(Key::Enter).await?;
    d.wait_gone(&tid("lock-overlay"), LONG).await.map_err(step("unlocking"))?;
    let held = d.wait_for(&tid_input("field-name"), SHORT).await?.prop("value").await?.unwrap_or_default();
    ensure(held == UNSAVED, || format!("the customer form after unlocking holds {held:?}"))?;

    // His own quote: the core refuses and the dialog says why.
    open_quote(d).await?;
    try_approve(d, "").await?;
    refused(d, "不能审批自己起草的报价单", "approval by its drafter", "signin-refused-own-quote").await?;
    // Nor may he export the internal workbook (costs and margins): the core's refusal is shown.
    d.click(&tid("export-quote-internal"), SHORT).await?;
    d.wait_for_text(".el-message", "无权导出内部版报价单", LONG).await.map_err(step("the rep's internal export"))?;
    d.screenshot("signin-refused-internal-export").await?;
    sign_out(d).await?;

    // The administrator is head office: no right to approve a rebate (无权审批). In Settings →
    // 人员 the last administrator cannot be removed.
    d.sign_in_as(Some(TEST_ADMIN), TEST_PASSWORD).await?;
    open_quote(d).await?;
    try_approve(d, "").await?;
    refused(d, "无权审批", "approval by head office", "signin-refused-role").await?;
    d.click(&tid("nav-settings"), SHORT).await?;
    for name in [REP, MANAGER, TEST_ADMIN] {
        d.wait_for_text(&tid("people-row"), name, LONG).await.map_err(step("Settings → 人员"))?;
    }
    d.click(&tid(&format!("people-admin-{TEST_ADMIN}")), SHORT).await?;
    d.wait_for_text(".el-message", "最后一位管理员", LONG).await.map_err(step("removing the last administrator"))?;
    d.screenshot("settings-people").await?;
    d.click(".el-message .el-message__closeBtn", SHORT).await?;
    d.wait_gone(".el-message", SHORT).await?;
    d.click(&tid(&format!("people-set-password-{REP}")), SHORT).await?;
    d.wait_for(&tid("set-password-dialog"), SHORT).await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    d.fill("set-password", "new-pass-2026", SHORT).await?;
    d.fill("set-password-again", "new-pass-2027", SHORT).await?;
    d.click(&tid("set-password-save"), SHORT).await?;
    d.wait_for_text(&tid("set-password-again"), "两次输入的密码不一致", SHORT)
        .await
        .map_err(step("passwords that differ"))?;
    d.screenshot("settings-set-password").await?;
    d.press(Key::Escape).await?;
    d.wait_gone(&tid("set-password-dialog"), SHORT).await?;
    tokio::time::sleep(Duration::from_millis(600)).await;
    d.screenshot("settings-account").await?;
    sign_out(d).await?;

    // The manager approves: 已审批.
    d.sign_in_as(Some(MANAGER), TEST_PASSWORD).await?;
    open_quote(d).await?;
    try_approve(d, "返点 5% 同意").await?;
    d.wait_gone(&tid("decision-comment"), LONG).await.map_err(step("the manager's approval"))?;
    d.wait_for_text(&tid("quote-status"), "已审批", LONG).await.map_err(step("status after approval"))?;
    // The quote's change history shows the status moving, old and new value.
    let row = d.wait_for_text(&tid("history-row"), "已审批", LONG).await.map_err(step("the quote's history"))?;
    let text = row.prop("textContent").await?.unwrap_or_default();
    ensure(text.contains("状态") && text.contains("待审批") && text.contains(MANAGER), || {
        format!("the history row of the approval reads {text:?}")
    })?;
    // The manager may export the internal workbook, where he chooses in the save dialog
    // (answered by the test); head office finds it in the audit log.
    let workbook = profile.path().join("报价单-内部版-王经理.xlsx");
    profile.answer_pick(&[&workbook])?;
    d.click(&tid("export-quote-internal"), SHORT).await?;
    d.wait_for_text(&tid("export-message"), "报价单-内部版-王经理.xlsx", LONG)
        .await
        .map_err(step("the manager's internal export"))?;
    ensure(workbook.is_file(), || format!("the workbook was written where chosen: {}", workbook.display()))?;
    d.screenshot("signin-quote-history").await?;
    sign_out(d).await?;
    d.sign_in_as(Some(TEST_ADMIN), TEST_PASSWORD).await?;
    d.click(&tid("nav-settings"), LONG).await?;
    let row = d.wait_for_text(&tid("audit-row"), "内部版", LONG).await.map_err(step("the audit log"))?;
    ensure(row.prop("textContent").await?.unwrap_or_default().contains("报价单"), || {
        "the audit entry names the quote workbook".into()
    })?;
    let table = d.wait_for(&tid("audit-table"), SHORT).await?.prop("textContent").await?.unwrap_or_default();
    ensure(table.contains(MANAGER), || format!("the audit entry names who exported: {table:?}"))?;
    d.screenshot("settings-audit").await?;

    // A forgotten password: the administrator issues a one-time reset code for 张伟, who sets a
    // new password with it on the sign-in screen.
    d.click(&tid(&format!("people-reset-code-{REP}")), SHORT).await?;
    let msg = d.wait_for_text(".el-message-box__message", "有效至", LONG).await.map_err(step("the reset code"))?;
    let text = msg.prop("textContent").await?.unwrap_or_default();
    let code = text.split('：').nth(1).and_then(|s| s.split('（').next()).unwrap_or_default().trim().to_string();
    ensure(code.len() == 11, || format!("a reset code in {text:?}"))?;
    d.screenshot("settings-reset-code").await?;
    d.click(".el-message-box__btns .el-button", SHORT).await?;
    d.wait_gone(".el-message-box", SHORT).await?;
    sign_out(d).await?;
    d.select_option("signin-person", REP, LONG).await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    d.click(&tid("signin-forgot"), SHORT).await?;
    d.fill("signin-reset-code", &code.to_lowercase(), SHORT).await?;
    d.fill("signin-reset-password", TEST_PASSWORD, SHORT).await?;
    d.fill("signin-reset-password-again", TEST_PASSWORD, SHORT).await?;
    d.press(Key::Enter).await?;
    d.wait_for_text(&tid("signed-in-user"), REP, LONG).await.map_err(step("signing in with a reset code"))?;
    Ok(())
}

async fn after_restart(d: &Driver) -> Step {
    // The window asks for a password again; 张伟, who signed in last (with his reset code), is
    // preselected.
    d.wait_for(&tid_input("signin-password"), LONG).await.map_err(step("the sign-in screen after a restart"))?;
    d.wait_for_text(&tid("signin-person"), REP, SHORT).await?;
    ensure(d.find_visible(&tid("nav")).await?.is_none(), || "the navigation shows before sign-in".into())?;
    d.screenshot("signin-restart").await?;
    d.sign_in().await?;
    d.click(&tid("nav-quotes"), LONG).await?;
    d.wait_for_text(&tid("quote-row"), "已审批", LONG).await.map_err(step("the quote list after a restart"))?;
    Ok(())
}
