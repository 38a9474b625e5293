//! What a rep is sent, and a request to head office, in the real window (issue 11). Head
//! office's database is prepared through the core: an administrator, the rep 张伟 (password set)
//! and 张伟's customer with a draft quote of one line (1,000 ㎡ at a cost of 70 元).
//!
//! In the window: 张伟 opens the quote and sees the price, not the cost or the profit (no such
//! columns, no internal totals, no formula); on the dossier he asks head office to make the
//! customer 战略客户 (申请设为战略客户, a reason) and sees it pending; the administrator opens the
//! dossier, approves the request with a remark, and the customer is 战略客户 with the request
//! marked 已批准.

use kam_core::{CustomerInput, Kam, QuoteInput, QuoteLineInput, RequestQuery, RequestStatus, Role, Tier};
use kam_e2e::{ensure, step, tid, Context, Driver, Profile, Step, TEST_ADMIN, TEST_PASSWORD};

use super::{assert_no_leftovers, fail, LONG, SHORT};

const REP: &str = "张伟";
const CUSTOMER: &str = "宝山钢铁股份有限公司";
const REASON: &str = "年采购额超过500万元";

/// The administrator, 张伟 and his customer with a draft quote; returns the customer's id.
fn prepare(profile: &Profile) -> Step<String> {
    let path = profile.db_path();
    let mut k = Kam::open_locked(&path).context("opening head office's database")?;
    k.create_first_admin(TEST_ADMIN, TEST_PASSWORD).context("create_first_admin")?;
    let u = k.add_user(REP, Role::Rep, "大客户部").context("add_user")?;
    k.set_user_password(&u.id, TEST_PASSWORD).context("set_user_password")?;
    drop(k);
    let mut rep = Kam::open_locked(&path).context("reopening as the rep")?;
    rep.sign_in(REP, TEST_PASSWORD).context("the rep signs in")?;
    let c = rep
        .create_customer(&CustomerInput { name: CUSTOMER.into(), ..Default::default() })
        .context("create_customer")?
        .customer;
    let q =
        rep.create_quote(&QuoteInput { customer_id: c.id.clone(), ..Default::default() }).context("create_quote")?;
    let line = QuoteLineInput {
        description: Some("环氧地坪涂料".into()),
        unit: Some("㎡".into()),
        quantity: "1000".parse().context("quantity")?,
        cost_fen: Some(kam_core::Fen(7000)),
        ..Default::default()
    };
    rep.add_quote_lines(&q.id, &[line]).context("add_quote_lines")?;
    Ok(c.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_sees_prices_not_margins_and_asks_head_office() {
    let profile = fail(Profile::new());
    let customer_id = fail(prepare(&profile));
    let d = fail(Driver::start("requests", &profile).await);
    let r = flow(&d).await;
    d.finish(r).await;
    assert_no_leftovers(&profile, "the requests session");

    // What the window showed is what the core stored.
    let k = Kam::open(&profile.db_path()).expect("reopening the database");
    assert_eq!(k.customer(&customer_id).expect("the customer").tier, Tier::Strategic);
    let r = k.customer_requests(&RequestQuery::default()).expect("the requests");
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].status, r[0].decided_by_name.as_deref()), (RequestStatus::Approved, Some(TEST_ADMIN)));
    assert_eq!((r[0].reason.as_str(), r[0].decision_note.as_str()), (REASON, "评审通过"));
}

/// 退出登录: back to the sign-in screen.
async fn sign_out(d: &Driver) -> Step {
    d.click(&tid("sign-out"), SHORT).await?;
    d.wait_for(&tid("signin-form"), LONG).await.map_err(step("退出登录"))?;
    Ok(())
}

/// Open the quote from the list, then its customer's dossier from the quote.
async fn open_quote(d: &Driver) -> Step {
    d.click(&tid("nav-quotes"), LONG).await?;
    d.wait_for_text(&tid("quote-row"), CUSTOMER, LONG).await.map_err(step("the quote list"))?;
    d.click(&format!("{} a.link", tid("quote-row")), SHORT).await?;
    d.wait_for_text(&tid("quote-customer"), CUSTOMER, LONG).await.map_err(step("the quote editor"))?;
    Ok(())
}

async fn open_dossier_from_quote(d: &Driver) -> Step {
    d.click(&tid("quote-customer"), SHORT).await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG).await.map_err(step("the dossier"))?;
    Ok(())
}

async fn flow(d: &Driver) -> Step {
    d.sign_in_as(Some(REP), TEST_PASSWORD).await?;
    d.wait_for_text(&tid("signed-in-user"), REP, LONG).await?;

    // The rep's quote: the price (70 × 1.2 = 84.00), no cost or profit anywhere on the page.
    open_quote(d).await?;
    d.wait_for_text(&tid("quote-line"), "84.00", LONG).await.map_err(step("the line's price"))?;
    let table = d.wait_for(&tid("quote-line"), SHORT).await?;
    let row = table.prop("textContent").await?.unwrap_or_default();
    ensure(!row.contains("70.00") && !row.contains("20%"), || {
        format!("the rep's line shows a cost or margin: {row:?}")
    })?;
    let page = d.wait_for(&tid("quote-totals"), SHORT).await?.prop("textContent").await?.unwrap_or_default();
    ensure(!page.contains("成本") && !page.contains("利润"), || {
        format!("the rep's totals show margins: {page:?}")
    })?;
    ensure(d.find_visible(&tid("quote-internal-totals")).await?.is_none(), || "internal totals shown to a rep".into())?;
    d.screenshot("requests-rep-quote").await?;

    // On the dossier he asks head office for 战略客户.
    open_dossier_from_quote(d).await?;
    ensure(d.find_visible(&tid("approve-customer")).await?.is_none(), || "审批大客户 offered to a rep".into())?;
    d.click(&tid("request-strategic"), SHORT).await?;
    d.wait_for(&tid("request-dialog"), SHORT).await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    d.fill("request-reason", REASON, SHORT).await?;
    d.click(&tid("save-request"), SHORT).await?;
    d.wait_for(&tid("request-strategic-pending"), LONG).await.map_err(step("the pending request"))?;
    d.wait_for_text(&tid("request-row"), "待总部审批", SHORT).await.map_err(step("总部申请 on the dossier"))?;
    ensure(d.find_visible(&tid("request-approve")).await?.is_none(), || "a rep may approve his own request".into())?;
    d.screenshot("requests-rep-dossier").await?;
    sign_out(d).await?;

    // Head office approves it from the dossier.
    d.sign_in_as(Some(TEST_ADMIN), TEST_PASSWORD).await?;
    open_quote(d).await?;
    open_dossier_from_quote(d).await?;
    d.click(&tid("request-approve"), LONG).await?;
    d.wait_for(&tid("request-decision-dialog"), SHORT).await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    d.fill("request-decision-text", "评审通过", SHORT).await?;
    d.click(&tid("save-request-decision"), SHORT).await?;
    d.wait_for_text(&tid("request-status"), "已批准", LONG).await.map_err(step("the approved request"))?;
    d.wait_for_text(&tid("dossier-tier"), "战略客户", LONG).await.map_err(step("the tier after approval"))?;
    d.wait_for_text(&tid("request-answer"), "评审通过", SHORT).await?;
    d.screenshot("requests-approved").await?;
    Ok(())
}
