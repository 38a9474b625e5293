//! Finance records in the real window: a customer with an overdue receivable and no purchase for
//! 13 months shows on Today (欠款预警, 休眠提示) and in its dossier's 交易记录; the clerk marks the
//! receivable paid in the Reports page's 财务记录 drawer, and the warning clears from Today.
//!
//! The profile's database is prepared through the core (trusted): the customer, a sale 13 months
//! ago and a receivable due 30 days ago; then its placeholder user becomes the first
//! administrator (a head-office clerk), so the window signs in as someone who may mark it paid.

use chrono::{Duration as Days, Local};
use kam_core::{CustomerInput, Fen, Kam, ReceivableInput, SaleInput};
use kam_e2e::{ensure, tid, Context, Driver, Profile, Step};

use super::{admin_in_core, assert_no_leftovers, fail, LONG, SHORT};

const CUSTOMER: &str = "江南水务集团有限公司";

fn seed(profile: &Profile) -> Step<String> {
    let mut kam = Kam::open(&profile.db_path()).context("opening the profile's database through the core")?;
    // Owned by this installation's user, who becomes the administrator: Today's 我的客户.
    let me = kam.app_info().context("app_info")?.current_user.id;
    let c = kam
        .create_customer(&CustomerInput { name: CUSTOMER.into(), owner_id: Some(me), ..Default::default() })
        .context("creating the customer")?
        .customer;
    let today = Local::now().date_naive();
    kam.add_sale(&SaleInput {
        customer_id: c.id.clone(),
        sold_on: (today - Days::days(400)).to_string(),
        amount_fen: Fen(1_280_050),
        ..Default::default()
    })
    .context("adding the old sale")?;
    kam.add_receivable(&ReceivableInput {
        customer_id: c.id.clone(),
        invoiced_on: (today - Days::days(90)).to_string(),
        due_on: (today - Days::days(30)).to_string(),
        amount_fen: Fen(500_000),
        reference: Some("FP-0001".into()),
        ..Default::default()
    })
    .context("adding the receivable")?;
    Ok(c.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_receivable_clears_the_overdue_warning() {
    let profile = fail(Profile::new());
    fail(seed(&profile));
    fail(admin_in_core(&profile.db_path()));
    let d = fail(Driver::start("finance", &profile).await);
    let r = scenario(&d).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the finance session");
}

async fn scenario(d: &Driver) -> Step {
    d.sign_in().await?;
    d.click(&tid("nav-today"), LONG).await?;
    // Today: the overdue receivable and the dormant suggestion, from the records.
    d.wait_for_text(&tid("today-overdue-receivables"), CUSTOMER, LONG).await?;
    d.wait_for_text(&tid("today-overdue-receivables"), "¥5,000.00", SHORT).await?;
    d.wait_for_text(&tid("today-dormant"), CUSTOMER, SHORT).await?;
    d.screenshot("finance-today").await?;

    // The dossier's 交易记录.
    d.click(&tid("today-overdue-receivable-customer"), SHORT).await?;
    d.wait_for_text(&tid("section-trade"), "建议标为休眠", LONG).await?;
    d.wait_for_text(&tid("trade-overdue"), "¥5,000.00", SHORT).await?;
    d.wait_for_text(&tid("trade-months"), "¥12,800.50", SHORT).await?;
    d.wait_for(&tid("trade-dormant"), SHORT).await?;
    d.screenshot("finance-dossier-trade").await?;

    // Reports → 财务记录: mark it paid in full.
    d.click(&tid("nav-reports"), SHORT).await?;
    d.click(&tid("finance-open"), LONG).await?;
    d.wait_for(&tid("finance-drawer"), SHORT).await?;
    // The month filter starts at the report's month; clear it to see every record.
    d.fill("finance-month", "", SHORT).await?;
    d.wait_for_text(&tid("finance-table"), "逾期", LONG).await?;
    d.screenshot("finance-records").await?;
    d.click_until_shown(&tid("finance-pay"), &tid("finance-pay-dialog"), LONG).await?;
    d.click(&tid("finance-pay-confirm"), SHORT).await?;
    d.wait_gone(&tid("finance-pay-dialog"), LONG).await?;
    d.wait_for_text(&tid("finance-table"), "已收清", LONG).await?;
    d.screenshot("finance-paid").await?;

    // Today no longer warns.
    d.press(kam_e2e::Key::Escape).await?;
    d.click(&tid("nav-today"), SHORT).await?;
    d.wait_for_text(&tid("today-dormant"), CUSTOMER, LONG).await?;
    let warn = d.find_visible(&tid("today-overdue-receivables")).await?;
    ensure(warn.is_none(), || "the overdue warning still shows after the receivable was paid".into())?;
    Ok(())
}
