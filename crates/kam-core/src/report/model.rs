//! DTOs of the monthly key-account report and its inputs (shared with the UI via ts-rs).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::calc::{BonusFigures, DepartmentOutcome};
use crate::model::Tier;
use crate::ratio::Ratio;
use crate::relation::DueItem;
use crate::units::Fen;

/// A sales target for one month: a rep's (`user_id`) or a department's (`department`, with
/// its stretch target). Setting it again replaces the month's target.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TargetInput {
    /// `YYYY-MM`.
    pub month: String,
    pub user_id: Option<String>,
    pub department: Option<String>,
    pub sales_fen: Fen,
    pub collection_fen: Option<Fen>,
    /// Department stretch target (冲刺目标); only for a department.
    pub stretch_fen: Option<Fen>,
}

/// A stored sales target.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SalesTarget {
    pub id: String,
    /// `rep` or `department`.
    pub scope: String,
    /// The rep's user id or the department name.
    pub subject: String,
    pub month: String,
    pub sales_fen: Fen,
    pub collection_fen: Fen,
    pub stretch_fen: Option<Fen>,
}

/// Targets rolled up over a period (a quarter or a year).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TargetRollup {
    pub scope: String,
    pub subject: String,
    /// `2026`, `2026-Q4` or `2026-10`.
    pub period: String,
    pub sales_fen: Fen,
    pub collection_fen: Fen,
    pub stretch_fen: Fen,
    pub months: u32,
}

/// An order/sale (or a return) for a customer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SaleInput {
    pub customer_id: String,
    /// `YYYY-MM-DD`.
    pub sold_on: String,
    /// Positive amount in fen; a return deducts it.
    pub amount_fen: Fen,
    pub is_return: Option<bool>,
    /// The rep credited; default the customer's owner.
    pub rep_id: Option<String>,
    pub reference: Option<String>,
}

/// A collection (回款) from a customer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectionInput {
    pub customer_id: String,
    pub collected_on: String,
    pub amount_fen: Fen,
    pub rep_id: Option<String>,
    pub notes: Option<String>,
}

/// A receivable (应收) with its due date.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReceivableInput {
    pub customer_id: String,
    pub invoiced_on: String,
    pub due_on: String,
    pub amount_fen: Fen,
    pub paid_fen: Option<Fen>,
    pub rep_id: Option<String>,
    pub reference: Option<String>,
}

/// The manager's performance inputs for one rep and month.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreInput {
    pub user_id: String,
    pub month: String,
    /// 能力 0–20.
    pub ability: u32,
    /// 态度 0–20.
    pub attitude: u32,
    /// 绩效工资 in fen.
    pub performance_pay_fen: Fen,
}

/// One rep's month, as in the 业绩 sheet.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RepFigures {
    pub user_id: String,
    pub name: String,
    pub department: String,
    /// Set when the rep left (still shown for the days worked).
    pub left_on: Option<String>,
    /// Visits logged in the month, planned or not.
    pub visits_done: u32,
    /// Visit plans due in the month (not cancelled).
    pub visits_planned: u32,
    /// Of those plans: carried out.
    pub visits_planned_done: u32,
    /// Visits logged without a plan (counted apart: they are not part of the plan rate).
    pub visits_unplanned: u32,
    pub visits_overdue: u32,
    pub new_customers: u32,
    pub quota: u32,
    pub quota_incentive_fen: Fen,
    pub new_customer_bonus_fen: Fen,
    pub quotes_issued: u32,
    pub quotes_won: u32,
    pub quotes_won_fen: Fen,
    pub sales_fen: Fen,
    pub returns_fen: Fen,
    /// Sales − returns.
    pub net_sales_fen: Fen,
    pub sales_target_fen: Option<Fen>,
    pub collections_fen: Fen,
    pub collection_target_fen: Option<Fen>,
    pub complaints_opened: u32,
    pub complaints_closed: u32,
    pub complaints_within_deadline: u32,
    /// Average survey score (1–5) of the month's surveys, if any.
    pub satisfaction: Option<f64>,
    /// As shown: `4.50`.
    pub satisfaction_text: Option<String>,
    pub rates: RepRates,
}

/// A rep's ratios (crate::ratio: one rounding rule; none without a meaningful whole).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RepRates {
    /// Planned visits done ÷ planned visits.
    pub visit_plan: Option<Ratio>,
    /// New customers ÷ quota.
    pub quota: Option<Ratio>,
    /// Net sales ÷ sales target.
    pub sales: Option<Ratio>,
    /// Collections ÷ collection target.
    pub collection: Option<Ratio>,
}

/// The month's ratios (crate::ratio).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TotalRates {
    /// Planned visits done ÷ planned visits.
    pub visit_plan: Option<Ratio>,
    pub quota: Option<Ratio>,
    /// Quotes won ÷ quotes issued.
    pub win: Option<Ratio>,
    pub sales: Option<Ratio>,
    pub collection: Option<Ratio>,
    /// Complaints answered within the deadline ÷ complaints opened.
    pub complaints_on_time: Option<Ratio>,
}

/// Counts by tier at the month's end and the movements during it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TierFigures {
    pub tier: Tier,
    pub label: String,
    pub at_start: u32,
    pub at_end: u32,
    /// Customers whose tier at month end is this one but was another at month start.
    pub moved_in: u32,
    /// Customers whose tier at month start was this one but is another at month end.
    pub moved_out: u32,
    /// Customers created during the month with this tier at month end.
    pub added: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OpenComplaintRow {
    pub complaint_id: String,
    pub customer_name: String,
    pub owner_name: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub opened_on: String,
    pub deadline: String,
    pub responded: bool,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OverdueReceivableRow {
    pub receivable_id: String,
    pub customer_name: String,
    pub owner_name: String,
    pub invoiced_on: String,
    pub due_on: String,
    pub amount_fen: Fen,
    pub paid_fen: Fen,
    pub outstanding_fen: Fen,
    pub days_overdue: u32,
}

/// A customer in its 1st, 2nd or 3rd month as a new customer, and its bonus this month.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewCustomerRow {
    pub customer_id: String,
    pub customer_name: String,
    pub rep_id: String,
    pub rep_name: String,
    /// The development month (开发月) `YYYY-MM`.
    pub developed_in: String,
    /// 1, 2 or 3.
    pub nth_month: u32,
    /// Bought before and was dormant more than a year.
    pub reactivated: bool,
    pub net_purchases_fen: Fen,
    pub bonus_fen: Fen,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PerformanceRow {
    pub user_id: String,
    pub name: String,
    pub department: String,
    pub results: Option<u32>,
    pub ability: Option<u32>,
    pub attitude: Option<u32>,
    /// results + ability + attitude, when all three are known.
    pub score: Option<u32>,
    pub performance_pay_fen: Option<Fen>,
    pub department_outcome: DepartmentOutcome,
    pub bonus: Option<BonusFigures>,
    /// Why there is no bonus figure (未设目标 / 未录入考核).
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CommissionRow {
    pub user_id: String,
    pub name: String,
    pub department: String,
    /// `YYYY-MM`, the month before the report's.
    pub collections_month: String,
    pub collections_fen: Fen,
    pub commission_fen: Fen,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DepartmentFigures {
    pub department: String,
    pub net_sales_fen: Fen,
    pub target_fen: Option<Fen>,
    pub stretch_fen: Option<Fen>,
    pub outcome: DepartmentOutcome,
    /// Net sales ÷ target.
    pub sales_rate: Option<Ratio>,
}

/// The key figures of the month (the 汇总 sheet and the preview).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportTotals {
    pub reps: u32,
    pub customers: u32,
    pub visits_done: u32,
    pub visits_planned: u32,
    pub visits_planned_done: u32,
    pub visits_unplanned: u32,
    pub visits_overdue: u32,
    pub new_customers: u32,
    pub quota: u32,
    pub quota_incentive_fen: Fen,
    pub new_customer_bonus_fen: Fen,
    pub quotes_issued: u32,
    pub quotes_won: u32,
    pub quotes_won_fen: Fen,
    pub net_sales_fen: Fen,
    pub sales_target_fen: Fen,
    pub collections_fen: Fen,
    pub collection_target_fen: Fen,
    pub complaints_opened: u32,
    pub complaints_closed: u32,
    pub complaints_within_deadline: u32,
    pub open_complaints: u32,
    pub satisfaction: Option<f64>,
    /// As shown: `4.50`.
    pub satisfaction_text: Option<String>,
    pub overdue_receivables: u32,
    pub overdue_receivable_fen: Fen,
    pub performance_bonus_fen: Fen,
    pub commission_fen: Fen,
    pub rates: TotalRates,
}

/// The monthly key-account report's figures: what the preview shows and the workbook holds.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MonthlyReport {
    /// `YYYY-MM`.
    pub month: String,
    pub department: Option<String>,
    /// Lists that are "as of" (overdue visits, open complaints, overdue receivables) are as of
    /// this date: the month's last day, or today for the current month.
    pub as_of: String,
    pub generated_at: String,
    /// Nothing happened in the month (the workbook then says 本月无数据).
    pub empty: bool,
    pub totals: ReportTotals,
    pub reps: Vec<RepFigures>,
    pub departments: Vec<DepartmentFigures>,
    pub tiers: Vec<TierFigures>,
    pub overdue_visits: Vec<DueItem>,
    pub open_complaints: Vec<OpenComplaintRow>,
    pub overdue_receivables: Vec<OverdueReceivableRow>,
    pub new_customers: Vec<NewCustomerRow>,
    pub performance: Vec<PerformanceRow>,
    pub commissions: Vec<CommissionRow>,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportExport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub sheets: Vec<String>,
    pub millis: u32,
    pub report: MonthlyReport,
}
