//! Relationship maintenance (关系维护): visit plans and visit logs, cadence rules by tier and the
//! due/overdue list, care reminders, complaints with response deadlines, satisfaction surveys,
//! and the Today page that gathers what a rep should act on.
//!
//! # Cadence (拜访频次)
//! A rule says: customers of a tier need at least `per_year` visits of a kind a year
//! ([`CadenceKind`]: any contact; face-to-face, which counts `face_to_face`, `customer_visit` and
//! `executive_visit`; executive visits by the top leader; by the liaison executive). Defaults
//! (DOMAIN.md): strategic — contact 12 (monthly), face-to-face 4, top leader 1, liaison 2; key —
//! face-to-face 2; regular — face-to-face 1; prospect — none.
//!
//! The engine turns `per_year` into an interval: 12 / `per_year` **calendar months** when that is
//! whole (12 → 1 month, 4 → 3 months, 2 → 6, 1 → 12), else 365 / `per_year` days (rounded down).
//! "Monthly" therefore means: due one calendar month after the last contact, on the same day of
//! the month, or on the month's last day when it has no such day (Jan 31 → Feb 28, or Feb 29 in a
//! leap year; Feb 29 + 12 months → Feb 28). For each customer and active rule:
//!
//! - `last_on`: the latest live visit that satisfies the rule (never: none);
//! - `tier_since`: the local date of the customer's latest tier change (its filing, if never
//!   changed): a tier's rules apply from when the customer entered it;
//! - `next_due_on` = max(`last_on`, `tier_since`) + interval; `days_overdue` = today −
//!   `next_due_on` (overdue when > 0; due today is not overdue).
//!
//! So a customer with no visits ever is due one interval after it was filed (or entered its
//! tier); an upgrade gives the new tier's rules one interval from the upgrade day; changing a
//! rule or a tier changes the answer at once, because rules and tiers are applied on read.
//! Visits are summarised per customer in the local table `cadence_facts` (the most recent 60
//! dates per class, rebuilt by the core whenever a customer's visits change, like the search
//! index), so the company-wide list is one pass over customers, not over a million visits.
//!
//! # Complaints (投诉)
//! The response deadline is `opened_at` + the tier's hours (settings; strategic 24 h), computed
//! on UTC instants and shown in the company time zone; it is fixed when the complaint is opened.
//! The first handling record is the response. Overdue: not responded and now > deadline.
//!
//! # Care reminders (关怀提醒)
//! Birthdays on their day in the window; a 29 February birthday falls on 28 February in a common
//! year. Lunar birthdays and the lunar festivals use the `chinese-lunisolar-calendar` crate
//! (years 1901–2100); a lunar day 30 falls on day 29 in a short month, and a birthday in a leap
//! month is kept in the ordinary month of that number.

mod cadence;
mod care;
mod complaint;
mod demo;
mod model;
mod survey;
mod today;
pub(crate) mod visit;

pub use care::festivals;
pub use model::*;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};

use crate::error::{KamError, Result};
use crate::model::Tier;
use crate::Kam;

// The company-time-zone helpers live in crate::time; relation code reaches them from here.
pub(crate) use crate::time::{local_date_of, local_time, local_today, parse_ts, parse_ymd, ymd};

/// The customer a visit, plan, complaint or survey is about.
pub(crate) struct Target {
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub liaison_id: Option<String>,
}

/// The live customer `id`, or a validation error saying what to do (nothing is written).
pub(crate) fn target_customer(conn: &Connection, id: &str) -> Result<Target> {
    let row: Option<(String, Tier, Option<String>, Option<String>)> = conn
        .query_row("SELECT name, tier, liaison_id, deleted_at FROM customers WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    match row {
        None => Err(KamError::invalid(
            "customer_id",
            format!("找不到客户（{id}）。请从客户列表中选择客户后再登记。"),
            format!("There is no customer {id}. Pick the customer from the list and try again."),
        )),
        Some((name, _, _, Some(_))) => Err(KamError::invalid(
            "customer_id",
            format!("客户「{name}」已删除，不能再登记。如需继续维护，请先恢复该客户。"),
            format!("The customer '{name}' has been deleted; nothing can be recorded for it. Restore the customer first to keep working with it."),
        )),
        Some((name, tier, liaison_id, None)) => Ok(Target { id: id.to_string(), name, tier, liaison_id }),
    }
}

/// Check that every id is a live contact of `customer`; trims, drops empties and duplicates.
pub(crate) fn check_contacts(conn: &Connection, customer: &Target, field: &str, ids: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if out.iter().any(|x| x == id) {
            continue;
        }
        check_contact(conn, customer, field, id)?;
        out.push(id.to_string());
    }
    if out.len() > 30 {
        return Err(KamError::invalid(field, "最多选择 30 位联系人。", "Pick at most 30 contacts."));
    }
    Ok(out)
}

/// Check that `id` is a live contact of `customer`.
pub(crate) fn check_contact(conn: &Connection, customer: &Target, field: &str, id: &str) -> Result<()> {
    let row: Option<(String, String, Option<String>)> = conn
        .prepare_cached("SELECT customer_id, name, deleted_at FROM contacts WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match row {
        None => Err(KamError::invalid(
            field,
            format!("找不到联系人（{id}）。请从客户「{}」的联系人中选择。", customer.name),
            format!("There is no contact {id}. Pick one of the contacts of '{}'.", customer.name),
        )),
        Some((_, name, Some(_))) => Err(KamError::invalid(
            field,
            format!("联系人「{name}」已删除，请从客户「{}」现有的联系人中选择。", customer.name),
            format!("The contact '{name}' has been deleted; pick one of the current contacts of '{}'.", customer.name),
        )),
        Some((owner, name, None)) if owner != customer.id => Err(KamError::invalid(
            field,
            format!("联系人「{name}」不属于客户「{}」，请从本客户的联系人中选择。", customer.name),
            format!(
                "The contact '{name}' belongs to another customer; pick one of the contacts of '{}'.",
                customer.name
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Contacts named by a JSON array of ids, in that order (deleted ones still shown by name).
pub(crate) fn contact_refs(conn: &Connection, json: &str) -> Result<Vec<ContactRef>> {
    let ids: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    let mut stmt = conn.prepare_cached("SELECT name, title FROM contacts WHERE id = ?1")?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some((name, title)) = stmt.query_row([&id], |r| Ok((r.get(0)?, r.get(1)?))).optional()? {
            out.push(ContactRef { id, name, title });
        }
    }
    Ok(out)
}

/// A date `YYYY-MM-DD` between 2000 and 2100 (typos like 0226 or 20266 are refused).
pub(crate) fn sane_date(field: &str, s: &str) -> Result<NaiveDate> {
    let d = crate::validate::date(field, s)?;
    if !(2000..=2100).contains(&d.year()) {
        return Err(KamError::invalid(
            field,
            format!("日期「{}」超出范围，应在 2000 年到 2100 年之间。", s.trim()),
            format!("The date '{}' is out of range; use a date between 2000 and 2100.", s.trim()),
        ));
    }
    Ok(d)
}

/// A user id that must exist.
pub(crate) fn check_user(conn: &Connection, field: &str, id: &str) -> Result<()> {
    let n: i64 =
        conn.query_row("SELECT count(*) FROM users WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))?;
    if n == 0 {
        return Err(KamError::invalid(
            field,
            "所选人员不存在，请重新选择。",
            "The selected person does not exist; choose again.",
        ));
    }
    Ok(())
}

impl Kam {
    /// Fill visits, visit plans, complaints and surveys for the customers already in the
    /// database (run after [`Kam::load_demo`]). Deterministic for a seed; inserts in bulk.
    pub fn load_demo_relationship(&mut self, visits: u32, seed: u64) -> Result<RelationDemoReport> {
        demo::load(self, visits, seed)
    }
}
