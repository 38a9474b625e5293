//! The Today page (今日).

use chrono::Duration;

use super::model::*;
use super::{local_today, ymd};
use crate::error::Result;
use crate::Kam;

/// How far ahead Today looks, in days.
pub const TODAY_HORIZON_DAYS: u32 = 7;
/// Complaints this close to their deadline (minutes) show on Today.
pub const COMPLAINT_WARNING_MINUTES: u32 = 4 * 60;
/// Each cadence list on Today keeps this many rows (the totals count all).
const LIST_CAP: usize = 500;

impl Kam {
    /// The Today page for one rep's customers (`Some(user id)`) or the whole company (`None`):
    /// overdue cadence items by lateness, items due within 7 days, open follow-ups and planned
    /// visits up to 7 days ahead (late ones included), care reminders for the next 7 days, and
    /// complaints not yet responded to whose deadline is past or within 4 hours; customers with
    /// overdue receivables and customers suggested as dormant, from the finance records.
    pub fn today_page(&self, owner_id: Option<&str>) -> Result<TodayPage> {
        let today = local_today(self);
        let until = ymd(today + Duration::days(TODAY_HORIZON_DAYS as i64));
        let due = self.due(&DueQuery { owner_id: owner_id.map(str::to_string), ..Default::default() })?;
        let (mut overdue, mut due_soon): (Vec<DueItem>, Vec<DueItem>) =
            due.into_iter().filter(|d| d.status != DueStatus::OnTrack).partition(|d| d.status == DueStatus::Overdue);
        due_soon
            .sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then_with(|| a.customer_name.cmp(&b.customer_name)));
        let (overdue_total, due_soon_total) = (overdue.len() as u32, due_soon.len() as u32);
        overdue.truncate(LIST_CAP);
        due_soon.truncate(LIST_CAP);
        let (overdue_receivables, overdue_receivables_total) = self.overdue_customers(owner_id)?;
        let (dormant, dormant_total) = self.dormant_customers(owner_id)?;
        Ok(TodayPage {
            today: ymd(today),
            owner_id: owner_id.map(str::to_string),
            overdue,
            overdue_total,
            due_soon,
            due_soon_total,
            follow_ups: self.follow_ups(owner_id, &until)?,
            plans: self.visit_plans(&VisitQuery {
                owner_id: owner_id.map(str::to_string),
                to: Some(until),
                limit: Some(500),
                ..Default::default()
            })?,
            reminders: self.reminders(owner_id, TODAY_HORIZON_DAYS)?,
            complaints: self.complaints_awaiting_response(owner_id, COMPLAINT_WARNING_MINUTES)?,
            overdue_receivables,
            overdue_receivables_total,
            dormant,
            dormant_total,
        })
    }
}
