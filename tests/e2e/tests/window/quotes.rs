//! Quotes in the real window (issue 4): a customer created through the UI, a quote started from
//! its dossier, one line typed with the seed's worked example (10,000 ㎡ at 70 元 cost, 8%
//! rebate) whose live breakdown shows 85.40 元 before the line is added, then submitted: the
//! rebate needs the key-account manager, so the quote is pending approval and says so. The
//! person signed in (the first administrator, who drafted it) may not approve it: the core
//! refuses and the dialog shows why. (A refusal by role, 无权审批, is in sign_in.rs.)

use std::time::Duration;

use kam_e2e::{step, tid, tid_input, Driver, Key, Profile, Step};

use super::{assert_no_leftovers, fail, skip_demo_offer, LONG, SHORT};

const CUSTOMER: &str = "苏州新材料科技股份有限公司";
const PRODUCT: &str = "防静电架空地板";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quote_priced_by_policy_and_submitted() {
    let profile = fail(Profile::new());
    let d = fail(Driver::start("quote", &profile).await);
    let r = quote_flow(&d).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the quote session");
}

async fn quote_flow(d: &Driver) -> Step {
    d.sign_in().await?;
    skip_demo_offer(d).await?;

    // A customer, through the form.
    d.click(&tid("nav-customers"), LONG).await?;
    d.click(&tid("new-customer"), LONG).await?;
    d.fill("field-name", CUSTOMER, SHORT).await?;
    d.click(&tid("save-customer"), SHORT).await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG).await.map_err(step("after saving the customer"))?;

    // New quote from the dossier: the editor opens on a draft for this customer.
    d.click(&tid("new-quote"), SHORT).await?;
    d.wait_for_text(&tid("quote-customer"), CUSTOMER, LONG).await.map_err(step("the quote editor"))?;
    d.wait_for_text(&tid("quote-status"), "草稿", SHORT).await.map_err(step("a new quote is a draft"))?;

    // One line, the seed's worked example; the breakdown follows the typing.
    d.fill("line-description", PRODUCT, SHORT).await?;
    d.fill("line-unit", "㎡", SHORT).await?;
    // Typed as people write them; the core alone reads them (same meaning as
    // `kam quote price --cost ¥70 --qty 10,000 --rebate 8%`).
    d.fill("line-qty", "10,000", SHORT).await?;
    d.fill("line-cost", "12,5", SHORT).await?;
    d.wait_for_text(&tid("line-cost"), "金额「12,5」格式不正确", LONG)
        .await
        .map_err(step("the core's message on the field"))?;
    d.fill("line-cost", "¥70", SHORT).await?;
    d.fill("line-rebate", "8%", SHORT).await?;
    d.wait_for_text(&tid("line-breakdown"), "85.40", LONG).await.map_err(step("live breakdown"))?;
    d.wait_for_text(&tid("breakdown-profit-tier"), "14%", SHORT).await.map_err(step("profit tier in the breakdown"))?;
    d.wait_for_text(&tid("breakdown-needs"), "大客户部经理", SHORT).await.map_err(step("rebate approval hint"))?;
    d.screenshot("quote-breakdown").await?;
    d.click(&tid("add-line"), SHORT).await?;
    d.wait_for_text(&tid("quote-line"), "85.40", LONG).await.map_err(step("the added line"))?;
    d.wait_for_text(&tid("quote-total"), "854,000.00", SHORT).await.map_err(step("quote total"))?;
    d.wait_for_text(&tid("quote-uppercase"), "捌拾伍万肆仟元整", SHORT).await.map_err(step("大写金额"))?;

    // Submit: the rebate needs the key-account manager, so the quote waits, clearly unapproved.
    d.click(&tid("submit-quote"), SHORT).await?;
    d.wait_for_text(&tid("quote-status"), "待审批", LONG).await.map_err(step("status after submit"))?;
    d.wait_for_text(&tid("approval-pending"), "未审批", SHORT).await.map_err(step("not-approved marking"))?;
    d.wait_for_text(&tid("required-approval"), "大客户部经理", SHORT).await.map_err(step("who must approve"))?;
    // Let the success message fade before the picture.
    tokio::time::sleep(Duration::from_millis(600)).await;
    d.screenshot("quote").await?;

    // Nobody approves a quote they drafted: the core refuses and the dialog says why.
    d.click(&tid("approve-quote"), SHORT).await?;
    d.wait_for(&tid_input("decision-comment"), SHORT).await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    d.click(&tid("save-decision"), SHORT).await?;
    d.wait_for_text(&tid("decision-error"), "不能审批自己起草的报价单", LONG)
        .await
        .map_err(step("approval by its drafter"))?;
    d.screenshot("quote-approve-refused").await?;
    d.press(Key::Escape).await?;
    d.wait_gone(&tid("decision-error"), SHORT).await?;
    d.wait_for_text(&tid("quote-status"), "待审批", SHORT).await.map_err(step("still pending after the refusal"))?;

    // The print view: customer-facing, marked as not approved.
    d.click(&tid("print-quote"), SHORT).await?;
    d.wait_for_text(&tid("print-uppercase"), "捌拾伍万肆仟元整", LONG).await.map_err(step("print view"))?;
    d.wait_for(&tid("print-not-approved"), SHORT).await.map_err(step("print view marking"))?;
    d.screenshot("quote-print").await?;

    // The quote list shows it.
    d.click(&tid("nav-quotes"), SHORT).await?;
    d.wait_for_text(&tid("quote-row"), CUSTOMER, LONG).await.map_err(step("quote list"))?;
    d.wait_for_text(&tid("quote-row"), "待审批", SHORT).await.map_err(step("status in the quote list"))?;
    d.screenshot("quote-list").await?;
    Ok(())
}
