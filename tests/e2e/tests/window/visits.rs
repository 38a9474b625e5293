//! Relationship maintenance in the real window: a strategic customer never contacted is overdue
//! on Today; logging a phone call from the dossier takes it off the overdue list at once; a
//! complaint opened on the dossier shows its response deadline (24 hours for a strategic
//! customer, in the company's time zone).
//!
//! A new customer is only due one interval after it was filed (a month for the strategic
//! "contact" rule), so the profile's database is prepared through the core with a clock set 40
//! days back: the customer was filed then, owned by this installation's user, with one contact;
//! that user then becomes the database's first administrator (through the core), so the window
//! signs in as them.
//! 40 days make the monthly contact rule overdue and no other strategic rule (face-to-face every
//! 3 months, liaison every 6, top leader every 12), so one phone call clears the customer.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kam_core::{ComplaintQuery, ContactInput, CustomerInput, Kam, Tier, VisitKind, VisitQuery};
use kam_e2e::{ensure, tid, Context, Driver, Failure, Profile, Step};

use super::{admin_in_core, assert_no_leftovers, fail, LONG, SHORT};

const CUSTOMER: &str = "江南轨道交通集团有限公司";
const CONTACT: &str = "李卫东";
const PURPOSE: &str = "电话沟通二季度采购计划";
const COMPLAINT: &str = "二号线道岔配件交付延迟两周，影响工期";
const FILED_DAYS_AGO: i64 = 40;

/// File the customer 40 days ago (see the module docs); returns its id.
fn seed(profile: &Profile) -> Step<String> {
    let filed = Utc::now() - chrono::Duration::days(FILED_DAYS_AGO);
    let mut kam = Kam::open_with_clock(&profile.db_path(), Arc::new(move || filed))
        .context("opening the profile's database through the core")?;
    let me = kam.app_info().context("app_info")?.current_user.id;
    let created = kam
        .create_customer(&CustomerInput {
            name: CUSTOMER.into(),
            tier: Some(Tier::Strategic),
            owner_id: Some(me),
            ..Default::default()
        })
        .context("creating the customer")?;
    kam.add_contact(
        &created.customer.id,
        &ContactInput { name: CONTACT.into(), title: Some("物资部主任".into()), ..Default::default() },
    )
    .context("adding the contact")?;
    Ok(created.customer.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visit_clears_overdue_and_complaint_shows_deadline() {
    let profile = fail(Profile::new());
    let customer_id = fail(seed(&profile));
    fail(admin_in_core(&profile.db_path()));

    let d = fail(Driver::start("visits", &profile).await);
    let r = scenario(&d).await;
    let shown_deadline = d.finish(r).await;
    assert_no_leftovers(&profile, "the visits session");

    // What the window showed is what the core stored.
    let kam = Kam::open(&profile.db_path()).expect("reopening the database");
    let visits = kam
        .visits(&VisitQuery { customer_id: Some(customer_id.clone()), ..Default::default() })
        .expect("listing visits");
    assert_eq!(visits.len(), 1, "one visit logged: {visits:?}");
    assert_eq!(visits[0].kind, VisitKind::Phone);
    assert_eq!(visits[0].purpose, PURPOSE);
    assert_eq!(visits[0].contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), [CONTACT]);
    let complaints = kam
        .complaints(&ComplaintQuery { customer_id: Some(customer_id), ..Default::default() })
        .expect("listing complaints");
    assert_eq!(complaints.len(), 1, "one complaint opened: {complaints:?}");
    let c = &complaints[0];
    assert_eq!(c.description, COMPLAINT);
    assert_eq!(c.response_hours, 24, "strategic customers: 24 hours");
    assert_eq!(shown_deadline.trim(), c.deadline_local, "the dossier shows the core's local deadline");
    let opened: DateTime<Utc> = c.opened_at.parse().expect("opened_at is RFC 3339");
    let deadline: DateTime<Utc> = c.deadline_at.parse().expect("deadline_at is RFC 3339");
    assert_eq!(deadline - opened, chrono::Duration::hours(24));
}

async fn scenario(d: &Driver) -> Step<String> {
    d.sign_in().await?;
    // One customer in the database: no demo offer; dismiss it anyway if it shows.
    if d.try_wait_for(&tid("demo-skip"), Duration::from_secs(1)).await?.is_some() {
        d.click_until_gone(&tid("demo-skip"), SHORT).await?;
    }

    // Today: the customer is overdue (never contacted, filed 40 days ago).
    d.click(&tid("nav-today"), LONG).await?;
    d.wait_for(&tid("today-overdue"), LONG).await.map_err(|e| Failure::new(format!("Today page: {e}")))?;
    let row = d
        .wait_for_text(&tid("today-overdue-row"), CUSTOMER, LONG)
        .await
        .map_err(|e| Failure::new(format!("the never-contacted strategic customer on Today's overdue list: {e}")))?;
    let text = row.prop("textContent").await?.unwrap_or_default();
    ensure(text.contains("逾期"), || format!("the overdue row says how late it is: {text:?}"))?;
    d.screenshot("today").await?;

    // Open the dossier from the row and log a phone call with the keyboard-first dialog.
    let link = row.find(kam_e2e::By::Css(tid("today-overdue-customer"))).await?;
    link.click().await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG).await?;
    d.click(&tid("log-visit"), SHORT).await?;
    d.wait_for(&tid("visit-dialog"), SHORT).await?;
    // Let the dialog finish opening: it focuses the kind when it has.
    tokio::time::sleep(Duration::from_millis(500)).await;
    d.click(&tid("visit-kind-phone"), SHORT).await?;
    let date = d.wait_for(&kam_e2e::tid_input("visit-date"), SHORT).await?;
    let date_value = date.prop("value").await?.unwrap_or_default();
    ensure(date_value.len() == 10, || format!("the visit date defaults to today, field holds {date_value:?}"))?;
    d.fill("visit-purpose", PURPOSE, SHORT).await?;
    // A multiple select stays open after a pick; the click on save closes it.
    pick(d, "visit-contacts", CONTACT).await?;
    d.wait_for_text(&format!("{} .el-tag", tid("visit-contacts")), CONTACT, SHORT)
        .await
        .map_err(|e| Failure::new(format!("the contact met shows as picked: {e}")))?;
    d.click(&tid("save-visit"), SHORT).await?;
    d.wait_gone(&tid("visit-dialog"), LONG).await.map_err(|e| Failure::new(format!("saving the visit: {e}")))?;
    d.wait_for_text(&tid("visit-row"), PURPOSE, LONG)
        .await
        .map_err(|e| Failure::new(format!("the visit in the dossier's visit logs: {e}")))?;

    // Back on Today the customer has left the overdue list.
    d.click(&tid("nav-today"), SHORT).await?;
    d.wait_for(&tid("today-overdue-empty"), LONG)
        .await
        .map_err(|e| Failure::new(format!("Today after the visit should have no overdue visits: {e}")))?;
    d.wait_text_gone(&tid("today-overdue-row"), CUSTOMER, SHORT).await?;
    d.screenshot("today-after-visit").await?;

    // Back to the dossier: open a complaint and read its deadline.
    d.wd().back().await?;
    d.wait_for_text(&tid("dossier-name"), CUSTOMER, LONG).await?;
    d.click(&tid("open-complaint"), SHORT).await?;
    d.wait_for(&tid("complaint-dialog"), SHORT).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    d.click(&tid("complaint-severity-high"), SHORT).await?;
    pick(d, "complaint-contact", CONTACT).await?;
    d.fill("complaint-description", COMPLAINT, SHORT).await?;
    d.click(&tid("save-complaint"), SHORT).await?;
    d.wait_gone(&tid("complaint-dialog"), LONG)
        .await
        .map_err(|e| Failure::new(format!("saving the complaint: {e}")))?;
    let row = d
        .wait_for_text(&tid("complaint-row"), "二号线", LONG)
        .await
        .map_err(|e| Failure::new(format!("the complaint on the dossier: {e}")))?;
    let deadline = row.find(kam_e2e::By::Css(tid("complaint-deadline"))).await?;
    let shown = deadline.prop("textContent").await?.unwrap_or_default();
    let shown = shown.trim().to_string();
    ensure(looks_like_local_time(&shown), || format!("the deadline reads as YYYY-MM-DD HH:MM, got {shown:?}"))?;
    d.screenshot("dossier-complaint").await?;
    Ok(shown)
}

/// Pick `label` in the Element Plus select `id`. A click on a select that is still settling
/// (focus just moved to it) sometimes closes the dropdown it opened: try again, as a person would.
async fn pick(d: &Driver, id: &str, label: &str) -> Step {
    let mut last = None;
    for _ in 0..3 {
        match d.select_option(id, label, Duration::from_secs(2)).await {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| Failure::new(format!("cannot pick {label:?} in `{id}`"))))
}

/// `2026-11-24 10:00`.
fn looks_like_local_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}
