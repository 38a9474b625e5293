//! The import wizard for finance records in the real window (issue 12, item 9): the Reports
//! page's 从 Excel 导入 opens the wizard for 销售与退货; the sales workbook (a CSV with a title
//! row, as an ERP exports it) is picked through the test's answer to the native open dialog; the
//! mapping is the sales fields and is saved as a template of that kind; the dry run counts
//! 新建 / 更新 / 无变化 / 错误 (a sale for an unknown customer is an error row with its reason);
//! applying shows the sales in 财务记录; 撤销本次导入 takes them away.
//!
//! Waits are for elements that are visible and enabled, and for the dialogs' animations to end,
//! before each click.

use std::path::{Path, PathBuf};
use std::time::Duration;

use kam_core::{CustomerInput, FinanceQuery, Kam};
use kam_e2e::{ensure, step, tid, Context, Driver, Failure, Profile, Step};

use super::{admin_in_core, assert_no_leftovers, fail, LONG, SHORT};

const TEMPLATE: &str = "ERP 销售明细";
const CUSTOMERS: [&str; 2] = ["华东电力设备有限公司", "江南水务集团有限公司"];

/// The checked-in fixture: four sales lines under a title row — two sales and a return for two
/// known customers, and a sale for 北方重工机械有限公司, who is not on file.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/import/sales-2025-06.csv")
}

fn seed(profile: &Profile) -> Step {
    let mut kam = Kam::open(&profile.db_path()).context("opening the profile's database through the core")?;
    for name in CUSTOMERS {
        kam.create_customer(&CustomerInput { name: name.into(), ..Default::default() })
            .context("creating a customer")?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_wizard_imports_sales_from_the_reports_page_and_undoes_them() {
    let profile = fail(Profile::new());
    fail(seed(&profile));
    fail(admin_in_core(&profile.db_path()));
    let d = fail(Driver::start("import-sales", &profile).await);
    let r = wizard(&d, &profile).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the sales import session");

    // What the window showed is what the database holds: the batch of sales, undone; the
    // template kept for sales files.
    let k = Kam::open(&profile.db_path()).expect("reopening the database");
    let batches = k.import_batches().expect("import_batches");
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].kind, "sales");
    assert_eq!((batches[0].created_count, batches[0].error_count), (3, 1));
    assert!(batches[0].undone_at.is_some(), "撤销本次导入 in the window undid the batch");
    assert!(k.finance_records(&FinanceQuery::default()).expect("finance_records").rows.is_empty());
    let templates = k.import_templates("sales").expect("templates");
    assert_eq!(templates.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), [TEMPLATE]);
    assert!(k.import_templates("customers").expect("templates").is_empty());
}

/// No transition or finite animation is running (a dialog fading in or out, a drawer sliding).
async fn settled(d: &Driver) -> Step {
    d.wait_js(
        "return document.getAnimations().every(a => a.playState !== 'running' || \
         (a.effect && a.effect.getTiming().iterations === Infinity));",
        LONG,
        "the animations to end",
    )
    .await
}

/// Click `css` once it is visible, enabled and nothing is animating.
async fn click_ready(d: &Driver, css: &str, timeout: Duration) -> Step {
    d.wait_for(css, timeout).await?;
    let sel = serde_json::to_string(css).map_err(|e| Failure::new(e.to_string()))?;
    d.wait_js(
        &format!(
            "const els = [...document.querySelectorAll({sel})].filter(e => e.offsetParent !== null); \
             return els.length > 0 && els.every(e => !e.disabled && !e.classList.contains('is-disabled') \
             && !e.classList.contains('is-loading'));"
        ),
        timeout,
        &format!("`{css}` to be enabled"),
    )
    .await?;
    settled(d).await?;
    d.click(css, timeout).await?;
    Ok(())
}

/// Confirm the message box on screen (its primary button) and wait until it is gone.
async fn confirm_box(d: &Driver) -> Step {
    d.wait_for(".el-message-box", LONG).await?;
    click_ready(d, ".el-message-box .el-button--primary", SHORT).await?;
    d.wait_gone(".el-message-box", LONG).await?;
    settled(d).await
}

async fn wizard(d: &Driver, profile: &Profile) -> Step {
    d.sign_in().await?;
    // The Reports page's data entry: 从 Excel 导入 opens the wizard for sales and returns.
    click_ready(d, &tid("nav-reports"), LONG).await?;
    click_ready(d, &tid("report-import"), LONG).await.map_err(step("the Reports page's import"))?;
    d.wait_for(&format!(r#"{}[data-kind="sales"]"#, tid("import-view")), LONG).await?;
    d.wait_for_text(&tid("import-title"), "从 Excel 导入销售与退货", SHORT).await?;
    d.wait_for(&format!("{}.is-active", tid("import-what-sales")), SHORT).await.map_err(step("销售与退货 chosen"))?;
    d.wait_for_text(&tid("import-what-hint"), "单据号", SHORT).await?;
    d.screenshot("import-sales-file").await?;

    // 选择文件: the test answers the native open dialog.
    profile.answer_pick(&[&fixture()])?;
    click_ready(d, &tid("import-pick"), SHORT).await?;
    d.wait_for(&tid("import-step-layout"), LONG).await.map_err(step("after picking the sales file"))?;
    d.wait_for_text(&tid("import-file-name"), "sales-2025-06.csv", SHORT).await?;
    d.wait_for_text(&tid("import-data-rows"), "4", SHORT).await?;

    // 列对应: the sales fields, detected by the core; saved as a template of sales.
    click_ready(d, &tid("import-next"), SHORT).await?;
    d.wait_for(&tid("import-step-mapping"), LONG).await?;
    for (header, field) in [("单据号", "doc_no"), ("客户名称", "customer"), ("价税合计", "amount"), ("类型", "kind")]
    {
        let row = d.wait_for(&format!(r#"{}[data-header="{header}"]"#, tid("import-mapping-row")), SHORT).await?;
        let text = row.prop("textContent").await?.unwrap_or_default();
        ensure(text.contains(&format!("({field})")), || format!("{header} is mapped to {field}: {text:?}"))?;
    }
    click_ready(d, &tid("import-template-save"), SHORT).await?;
    let prompt = d.wait_for(".el-message-box input", LONG).await.map_err(step("the template name prompt"))?;
    settled(d).await?;
    d.type_text(&prompt, TEMPLATE).await?;
    confirm_box(d).await?;
    d.wait_for_text(".el-message", "已保存模板", LONG).await.map_err(step("saving the template"))?;
    d.wait_for_text(&tid("import-template-used"), TEMPLATE, LONG).await?;
    d.screenshot("import-sales-mapping").await?;

    // 试导入: 新建 3, 无变化 0, 错误 1 with its reason; nothing written yet.
    click_ready(d, &tid("import-next"), SHORT).await?;
    d.wait_for(&tid("import-step-preview"), LONG).await.map_err(step("the dry run"))?;
    d.wait_for_text(&tid("import-count-new"), "新建 3", LONG).await?;
    d.wait_for_text(&tid("import-count-update"), "更新 0", SHORT).await?;
    d.wait_for_text(&tid("import-count-unchanged"), "无变化 0", SHORT).await?;
    d.wait_for_text(&tid("import-count-error"), "错误 1", SHORT).await?;
    ensure(d.find_visible(&tid("import-count-duplicate")).await?.is_none(), || {
        "a finance dry run counts no 疑似重复".into()
    })?;
    d.wait_for_text(&tid("import-row"), "找不到客户", SHORT).await.map_err(step("the unknown customer's reason"))?;
    d.wait_for_text(&tid("import-row"), "XS-2506-003", SHORT).await?;
    d.screenshot("import-sales-preview").await?;
    let k = Kam::open(&profile.db_path()).map_err(|e| Failure::new(format!("reading the database: {e}")))?;
    let n = k.finance_records(&FinanceQuery::default()).map(|p| p.total).unwrap_or(u32::MAX);
    ensure(n == 0, || format!("the dry run wrote {n} records"))?;
    drop(k);

    // 应用导入 → the report; the sales are in 财务记录.
    click_ready(d, &tid("import-apply"), SHORT).await?;
    d.wait_for_text(&tid("import-summary"), "新建 3", LONG).await.map_err(step("the import's report"))?;
    d.screenshot("import-sales-report").await?;
    d.wait_for_text(&tid("import-show-customers"), "查看财务记录", SHORT).await?;
    click_ready(d, &tid("import-show-customers"), SHORT).await?;
    d.wait_for(&tid("finance-drawer"), LONG).await.map_err(step("查看财务记录 opens 财务记录"))?;
    settled(d).await?;
    // Opened from the import, on every month (the file's are June 2025).
    for doc in ["XS-2506-001", "XS-2506-002", "XS-2506-003"] {
        d.wait_for_text(&tid("finance-table"), doc, LONG).await.map_err(step("the imported sales in 财务记录"))?;
    }
    d.wait_for_text(&tid("finance-total"), "共 3 条", LONG).await?;
    d.wait_text_gone(&tid("finance-table"), "XS-2506-004", SHORT).await?;
    d.screenshot("import-sales-records").await?;

    // 财务记录's own 从 Excel 导入 leads back to the wizard, which kept the report: undo it.
    click_ready(d, &tid("finance-import"), SHORT).await?;
    d.wait_for(&tid("import-report"), LONG).await.map_err(step("the wizard kept its report"))?;
    click_ready(d, &tid("import-undo"), LONG).await?;
    confirm_box(d).await?;
    d.wait_for_text(".el-result", "已撤销本次导入", LONG).await.map_err(step("撤销本次导入"))?;
    d.screenshot("import-sales-undone").await?;
    click_ready(d, &tid("import-show-customers"), SHORT).await?;
    d.wait_for(&tid("finance-drawer"), LONG).await?;
    settled(d).await?;
    d.wait_for_text(&tid("finance-total"), "共 0 条", LONG).await?;
    d.wait_text_gone(&tid("finance-table"), "XS-2506", LONG).await.map_err(step("the sales gone after the undo"))?;
    Ok(())
}
