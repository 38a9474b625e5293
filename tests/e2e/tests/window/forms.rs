//! The work forms 附表1–4 in the real window: head office's clerk opens a customer (filed through
//! the core, with a project under way), exports its 附表2 from the dossier, then 附表1, 附表3 and
//! 附表4 (with its period) from the 工作表单 menu of the customer list. Each message names the
//! file; the four workbooks are in the export folder and in the audit log.

use kam_e2e::{ensure, step, tid, Driver, Failure, Profile, Step};

use super::{admin_in_core, assert_no_leftovers, fail, skip_demo_offer, LONG, SHORT};

const CUSTOMER: &str = "南京长江电力工程有限公司";
const PROJECT: &str = "江北变电站改造";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_forms_are_exported_from_the_list_and_the_dossier() {
    let profile = fail(Profile::new());
    fail(prepare(&profile));
    let d = fail(Driver::start("forms", &profile).await);
    let r = forms_flow(&d, &profile).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the forms session");

    let exports: Vec<String> = std::fs::read_dir(profile.path().join("exports"))
        .expect("the export folder was made")
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    for prefix in ["附表1-客户名单档案-", "附表2-客户基本情况档案-南京长江电力工程有限公司", "附表3-", "附表4-"]
    {
        assert!(exports.iter().any(|n| n.starts_with(prefix) && n.ends_with(".xlsx")), "{prefix} in {exports:?}");
    }
    let kam = kam_core::Kam::open(&profile.db_path()).unwrap();
    let kinds: Vec<String> = kam.audit_entries(&Default::default()).unwrap().into_iter().map(|a| a.kind).collect();
    assert_eq!(kinds[..4], ["form_feedback", "form_projects", "form_customers", "form_dossier"], "{kinds:?}");
}

/// The first administrator, and a customer with a project under way, through the core.
fn prepare(profile: &Profile) -> Step {
    admin_in_core(&profile.db_path())?;
    let mut k = kam_core::Kam::open(&profile.db_path()).map_err(|e| Failure::new(format!("open: {e}")))?;
    let c = k
        .create_customer(&kam_core::CustomerInput { name: CUSTOMER.into(), ..Default::default() })
        .map_err(|e| Failure::new(format!("customer: {e}")))?
        .customer;
    let p = kam_core::ProjectInput {
        name: PROJECT.into(),
        status: kam_core::ProjectStatus::Ongoing,
        amount_fen: Some(kam_core::Fen(86_000_000)),
        plan_year: None,
        start_date: Some("2026-09-01".into()),
        end_date: None,
        notes: None,
    };
    k.add_project(&c.id, &p).map_err(|e| Failure::new(format!("project: {e}")))?;
    Ok(())
}

/// Wait for the message of an export and return its text.
async fn exported(d: &Driver, form: &str) -> Step<String> {
    let m = d.wait_for_text(&tid("form-exported"), form, LONG).await?;
    let text = m.text().await?;
    ensure(text.contains(".xlsx"), || format!("the message names the file: {text:?}"))?;
    // Let it go before the next one, so each wait sees its own message.
    if let Some(close) = d.find_visible(".el-message__closeBtn").await? {
        close.click().await?;
    }
    d.wait_text_gone(&tid("form-exported"), form, LONG).await?;
    Ok(text)
}

/// Answer the next save dialog with `name` in the profile's export folder.
fn save_as(profile: &Profile, name: &str) -> Step {
    let dir = profile.path().join("exports");
    std::fs::create_dir_all(&dir).map_err(|e| Failure::new(format!("export folder: {e}")))?;
    profile.answer_pick(&[&dir.join(name)])
}

async fn forms_flow(d: &Driver, profile: &Profile) -> Step {
    d.sign_in().await?;
    skip_demo_offer(d).await?;

    // 附表2 from the dossier.
    d.click(&tid("nav-customers"), LONG).await?;
    d.wait_for_text(&tid("customer-total"), "1", LONG).await?;
    d.click(&format!("{} .el-table-v2__row", tid("customer-table")), LONG)
        .await
        .map_err(step("a row of the customer list"))?;
    d.press(kam_e2e::Key::Enter).await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG).await.map_err(step("the dossier"))?;
    save_as(profile, &format!("附表2-客户基本情况档案-{CUSTOMER}.xlsx"))?;
    d.click(&tid("form-dossier"), SHORT).await?;
    let text = exported(d, "附表2 客户基本情况档案").await.map_err(step("附表2"))?;
    ensure(text.contains(CUSTOMER), || format!("the dossier's file is named for the customer: {text:?}"))?;

    // 附表1 and 附表3 from the list's 工作表单 menu; the scope is in the message.
    for (item, form, file) in [
        ("form-customers", "附表1 客户名单档案", "附表1-客户名单档案-e2e.xlsx"),
        ("form-projects", "附表3 客户在建项目一览表", "附表3-在建项目-e2e.xlsx"),
    ] {
        save_as(profile, file)?;
        d.click(&tid("nav-customers"), LONG).await?;
        // A click on a menu still fading in may be swallowed: repeat until it acts.
        d.click_until_shown(&tid("forms-menu-button"), &tid(item), LONG).await?;
        d.click_until_gone(&tid(item), SHORT).await?;
        let text = exported(d, form).await.map_err(step("附表1 / 附表3"))?;
        ensure(text.contains("（1 行，全部客户）"), || format!("one row, everyone's customers: {text:?}"))?;
    }

    // 附表4 asks for its period first.
    d.click_until_shown(&tid("forms-menu-button"), &tid("form-feedback"), SHORT).await?;
    d.click_until_shown(&tid("form-feedback"), &tid("form-feedback-dialog"), SHORT).await?;
    d.screenshot("forms-feedback-period").await?;
    save_as(profile, "附表4-反馈-e2e.xlsx")?;
    d.click(&tid("form-feedback-export"), SHORT).await?;
    exported(d, "附表4").await.map_err(step("附表4"))?;
    d.wait_gone(&tid("form-feedback-dialog"), SHORT).await?;
    Ok(())
}
