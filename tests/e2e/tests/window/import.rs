//! The import wizard in the real window (issue 12): a fresh installation's first-run dialog
//! offers 从 Excel 导入客户; the file (a GBK CSV with a title row, as Chinese Excel and WPS save
//! it) is picked through the test's answer to the native open dialog; the detected encoding and
//! header row are shown; the mapping is saved as a template; the dry run counts 新建 / 疑似重复 /
//! 错误 with the reasons; applying shows the customers in the list; 撤销本次导入 takes them away.

use std::path::{Path, PathBuf};

use kam_core::Kam;
use kam_e2e::{ensure, step, tid, Driver, Failure, Profile, Step};

use super::{admin_in_core, assert_no_leftovers, fail, LONG, SHORT};

const TEMPLATE: &str = "年度客户名单";

/// The checked-in fixture: five rows under a title row — three new customers, one repeating the
/// first (股份有限公司 for 有限公司), one whose credit code Excel turned into 9.14403E+17.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("客户名单-GBK.csv")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_wizard_from_the_first_run_dialog_to_undo() {
    let profile = fail(Profile::new());
    fail(admin_in_core(&profile.db_path()));
    let d = fail(Driver::start("import", &profile).await);
    let r = wizard(&d, &profile).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the import session");

    // What the window showed is what the database holds: the batch, undone; the template.
    let k = Kam::open(&profile.db_path()).expect("reopening the database");
    let batches = k.import_batches().expect("import_batches");
    assert_eq!(batches.len(), 1);
    assert_eq!((batches[0].created_count, batches[0].error_count), (3, 1));
    assert!(batches[0].undone_at.is_some(), "撤销本次导入 in the window undid the batch");
    assert_eq!(k.search_total("精密机械").expect("search"), 0);
    let templates = k.import_templates("customers").expect("templates");
    assert_eq!(templates.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), [TEMPLATE]);
}

async fn wizard(d: &Driver, profile: &Profile) -> Step {
    d.sign_in().await?;
    // An empty database: the first-run dialog offers the import beside demo data and an empty start.
    d.wait_for_text(&tid("welcome-import"), "从 Excel 导入客户", LONG).await.map_err(step("the first-run dialog"))?;
    d.screenshot("import-welcome").await?;
    d.click(&tid("welcome-import"), SHORT).await?;
    d.wait_for(&tid("import-step-file"), LONG).await.map_err(step("the wizard from the first-run dialog"))?;

    // 选择文件: the test answers the native open dialog.
    profile.answer_pick(&[&fixture()])?;
    d.click(&tid("import-pick"), SHORT).await?;
    d.wait_for(&tid("import-step-layout"), LONG).await.map_err(step("after picking the file"))?;
    d.wait_for_text(&tid("import-file-name"), "客户名单-GBK.csv", SHORT).await?;
    d.wait_for_text(&tid("import-encoding"), "gb18030", SHORT).await.map_err(step("the detected encoding"))?;
    d.wait_for_text(&tid("import-data-rows"), "5", SHORT).await?;
    let header = d.wait_for(&format!("{} tr.header", tid("import-top-rows")), SHORT).await?;
    let text = header.prop("textContent").await?.unwrap_or_default();
    ensure(text.contains("客户名称") && text.trim_start().starts_with('2'), || {
        format!("the header row found past the title row is row 2: {text:?}")
    })?;
    d.screenshot("import-layout").await?;

    // 列对应: detected by the core; saved as a template.
    d.click(&tid("import-next"), SHORT).await?;
    d.wait_for(&tid("import-step-mapping"), LONG).await?;
    let row = d.wait_for(&format!(r#"{}[data-header="客户名称"]"#, tid("import-mapping-row")), SHORT).await?;
    let text = row.prop("textContent").await?.unwrap_or_default();
    ensure(text.contains("单位名称"), || format!("客户名称 is mapped to 单位名称: {text:?}"))?;
    d.click(&tid("import-template-save"), SHORT).await?;
    let prompt = d.wait_for(".el-message-box input", SHORT).await.map_err(step("the template name prompt"))?;
    d.type_text(&prompt, TEMPLATE).await?;
    d.click(".el-message-box .el-button--primary", SHORT).await?;
    d.wait_for_text(".el-message", "已保存模板", LONG).await.map_err(step("saving the template"))?;
    d.wait_for_text(&tid("import-template-used"), TEMPLATE, LONG).await?;
    d.screenshot("import-mapping").await?;

    // 试导入: counts and a reason per row; nothing written yet.
    d.click(&tid("import-next"), SHORT).await?;
    d.wait_for(&tid("import-step-preview"), LONG).await.map_err(step("the dry run"))?;
    d.wait_for_text(&tid("import-count-new"), "3", SHORT).await?;
    d.wait_for_text(&tid("import-count-duplicate"), "1", SHORT).await?;
    d.wait_for_text(&tid("import-count-error"), "1", SHORT).await?;
    d.wait_for_text(&tid("import-row"), "15 位", SHORT).await.map_err(step("the lost digits' reason"))?;
    d.wait_for_text(&tid("import-row"), "第 3 行", SHORT).await.map_err(step("the repeated row's reason"))?;
    d.screenshot("import-preview").await?;
    let k = Kam::open(&profile.db_path()).map_err(|e| Failure::new(format!("reading the database: {e}")))?;
    ensure(k.search_total("精密机械").map(|n| n == 0).unwrap_or(false), || "the dry run wrote nothing".into())?;
    drop(k);

    // 应用导入 → the report; the customers are in the list.
    d.click(&tid("import-apply"), SHORT).await?;
    d.wait_for_text(&tid("import-summary"), "新建 3", LONG).await.map_err(step("the import's report"))?;
    d.screenshot("import-report").await?;
    d.click(&tid("import-show-customers"), SHORT).await?;
    for name in ["苏州精密机械有限公司", "无锡新能源科技有限公司", "南京钢铁集团有限公司"]
    {
        d.wait_for_text(&tid("customer-row"), name, LONG).await.map_err(step("the imported customers in the list"))?;
    }
    d.wait_for_text(&tid("customer-total"), "共 3 个客户", SHORT).await?;

    // Back to the wizard from the customer list: 撤销本次导入.
    d.click(&tid("customers-import"), SHORT).await?;
    d.click(&tid("import-undo"), LONG).await?;
    d.click(".el-message-box .el-button--primary", SHORT).await?;
    d.wait_for_text(".el-result", "已撤销本次导入", LONG).await.map_err(step("撤销本次导入"))?;
    d.screenshot("import-undone").await?;
    d.click(&tid("import-show-customers"), SHORT).await?;
    d.wait_for(&tid("customers-empty"), LONG).await.map_err(step("the list after the undo"))?;
    Ok(())
}
