//! The DTOs of quotes, products and approvals. Money is [`Fen`] (integer fen); quantities and rates
//! are [`Quantity`] and [`Rate`] (exact decimals), serialized as strings ("10000.5", "0.14"); dates are
//! `YYYY-MM-DD`; timestamps are UTC RFC 3339.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::units::{Fen, Quantity, Rate};

use super::pricing::PriceBreakdown;
use crate::model::Role;

str_enum!(
/// Where a quote is in its workflow: draft → pending approval → approved → sent → won / lost /
/// expired. Draft, pending and approved quotes can be edited (an edit returns them to draft);
/// a sent quote is immutable and changes only through a revision.
QuoteStatus {
    Draft = "draft" / "草稿" / "Draft",
    PendingApproval = "pending_approval" / "待审批" / "Pending approval",
    Approved = "approved" / "已审批" / "Approved",
    Sent = "sent" / "已发送" / "Sent",
    Won = "won" / "已成交" / "Won",
    Lost = "lost" / "未成交" / "Lost",
    Expired = "expired" / "已过期" / "Expired",
});

str_enum!(
/// Why an approval is needed.
ApprovalKind {
    /// A unit price below the policy price (profit below the required rate): 特批.
    BelowPolicy = "below_policy" / "低于政策价特批" / "Below-policy price",
    /// Any rebate offered: approved before anything is promised to the customer.
    Rebate = "rebate" / "返点审批" / "Rebate",
    /// A discount: within the policy's standard at department level, beyond it by the general manager.
    Discount = "discount" / "折扣审批" / "Discount",
});

str_enum!(
/// Who must approve. Which user roles may sign each level is part of the pricing policy;
/// the defaults map the key-account manager / key-account service department to role
/// `manager` (the general manager may also sign this level) and the general manager to
/// role `executive`.
ApprovalLevel {
    Department = "department" / "大客户部经理（大客户服务部）" / "Key-account manager (department)",
    GeneralManager = "general_manager" / "总经理" / "General manager",
});

str_enum!(
/// An approver's decision.
ApprovalDecision {
    Approved = "approved" / "同意" / "Approved",
    Rejected = "rejected" / "驳回" / "Rejected",
});

/// A catalog product (产品目录) with its cost price.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Product {
    pub id: String,
    pub code: String,
    pub name: String,
    pub spec: String,
    /// ㎡, 套, 吨…
    pub unit: String,
    /// Cost price per unit, in fen; absent for those without the internal view (see
    /// [`crate::Kam::internal_view`]).
    pub cost_fen: Option<Fen>,
    /// The date the cost price applies from.
    pub effective_from: String,
    pub notes: String,
    pub updated_at: String,
}

/// What the user types to add or edit a product.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductInput {
    pub code: String,
    pub name: String,
    pub spec: Option<String>,
    pub unit: String,
    pub cost_fen: Fen,
    /// `YYYY-MM-DD`; today when absent.
    pub effective_from: Option<String>,
    pub notes: Option<String>,
}

/// What the user sets on a quote's header. The quote date is the day it is created, and the
/// pricing policy is the one in effect that day.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteInput {
    pub customer_id: String,
    /// 经销商主导: the formula is not applied; every line needs a manual unit price.
    pub dealer_led: Option<bool>,
    /// `YYYY-MM-DD`; the quote date plus the policy's validity days when absent.
    pub valid_until: Option<String>,
    pub notes: Option<String>,
}

/// One line as the user enters it: a catalog product (its name, spec, unit and cost are the
/// defaults) or free text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteLineInput {
    pub product_id: Option<String>,
    /// The product name, or the free-text description of a line without a product.
    pub description: Option<String>,
    pub spec: Option<String>,
    pub unit: Option<String>,
    pub quantity: Quantity,
    /// Cost per unit in fen; the product's cost when absent.
    pub cost_fen: Option<Fen>,
    /// Other fees per unit (freight, installation, materials), in fen.
    pub fees_fen: Option<Fen>,
    /// Rebate rate offered (0.08 = 8%); none when absent. Any rebate needs approval.
    pub rebate_rate: Option<Rate>,
    /// A price set by hand instead of the formula (required on dealer-led quotes).
    pub manual_unit_price_fen: Option<Fen>,
    /// A discount off the unit price (0.05 = 5%).
    pub discount_rate: Option<Rate>,
    pub notes: Option<String>,
}

/// The internal economics of a line (cost, fees, rebate and the profit left), in fen. Never
/// shown on the customer-facing export. Each amount is rounded half-up to the fen; the profit
/// is what is left, so the four add up to the line total exactly.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LineEconomics {
    pub cost_total_fen: Fen,
    pub fees_total_fen: Fen,
    pub rebate_total_fen: Fen,
    pub profit_total_fen: Fen,
    /// Profit ÷ cost, 4 decimals; none when the cost is zero.
    pub profit_rate_actual: Option<Rate>,
}

/// The internal part of a line: its cost, the formula's breakdown as priced (kept, so a new
/// policy never reprices it) and its economics. Only roles allowed the internal view receive it
/// (managers, head office, executives, administrators: [`crate::Kam::internal_view`]).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LineInternal {
    /// Cost per unit.
    pub cost_fen: Fen,
    pub breakdown: PriceBreakdown,
    pub economics: LineEconomics,
}

/// A priced quote line: what was entered and the price offered, with its internal part (cost,
/// breakdown, margin) for those allowed to see it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteLine {
    pub id: String,
    /// 1-based order on the quote.
    pub position: u32,
    pub product_id: Option<String>,
    pub product_code: Option<String>,
    pub description: String,
    pub spec: String,
    pub unit: String,
    pub quantity: Quantity,
    /// Other fees per unit (freight, installation, materials), as entered.
    pub fees_fen: Fen,
    pub rebate_rate: Rate,
    pub manual_unit_price_fen: Option<Fen>,
    pub discount_rate: Rate,
    /// The formula's unit price (rounded half-up to the fen once): the policy price a manual
    /// price is held against.
    pub policy_unit_price_fen: Fen,
    /// The unit price offered: the manual price or the formula's, less any discount.
    pub unit_price_fen: Fen,
    pub line_total_fen: Fen,
    /// False on dealer-led quotes: the price is set by hand (the breakdown is a reference).
    pub formula_applied: bool,
    /// The manual price is below the policy price: needs the general manager's 特批.
    pub below_policy: bool,
    pub notes: String,
    /// Cost, breakdown and margin: absent for those without the internal view.
    pub internal: Option<LineInternal>,
}

/// Σ of the lines' economics, in fen: internal, like [`LineInternal`].
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TotalsInternal {
    pub cost_fen: Fen,
    pub fees_fen: Fen,
    pub rebate_fen: Fen,
    pub profit_fen: Fen,
}

/// A quote's totals in fen, and the total in Chinese capital numerals (大写金额).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteTotals {
    pub total_fen: Fen,
    pub total_uppercase: String,
    pub line_count: u32,
    /// Cost, fees, rebate and profit: absent for those without the internal view.
    pub internal: Option<TotalsInternal>,
}

impl Quote {
    /// Drop the internal part (cost, breakdown, margins) for someone without the internal view.
    pub(crate) fn without_internal(mut self) -> Quote {
        for l in &mut self.lines {
            l.internal = None;
        }
        self.totals.internal = None;
        self
    }
}

/// An approval the quote needs before it can be sent, with the lines that caused it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequiredApproval {
    pub kind: ApprovalKind,
    pub level: ApprovalLevel,
    /// The roles that may sign it (from the quote's pricing policy).
    pub roles: Vec<Role>,
    /// Line positions.
    pub lines: Vec<u32>,
    pub reason_zh: String,
    pub reason_en: String,
}

/// A recorded approval decision. Append-only: never edited or deleted.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Approval {
    pub id: String,
    /// The submission (approval round) it belongs to.
    pub submission: u32,
    pub kind: ApprovalKind,
    pub level: ApprovalLevel,
    pub decision: ApprovalDecision,
    pub approver_id: String,
    pub approver_name: Option<String>,
    /// The approver's role when they decided.
    pub approver_role: Role,
    pub comment: String,
    pub decided_at: String,
}

/// A quote with its lines, totals, approvals and revision links.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Quote {
    pub id: String,
    /// Q26-ABCD-0001: shared by all revisions.
    pub number: String,
    pub revision: u32,
    /// The number with the revision when > 1: Q26-ABCD-0001-R2.
    pub display_number: String,
    pub revision_of: Option<String>,
    /// The newer revision, if one was made.
    pub superseded_by: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_code: Option<String>,
    pub policy_id: String,
    pub policy_version: i32,
    pub status: QuoteStatus,
    pub dealer_led: bool,
    pub quote_date: String,
    pub valid_until: String,
    pub notes: String,
    pub lines: Vec<QuoteLine>,
    pub totals: QuoteTotals,
    /// The current submission (approval round); 0 before the first submit.
    pub submission: u32,
    /// Computed on submit.
    pub required_approvals: Vec<RequiredApproval>,
    /// Required approvals not yet given in the current submission.
    pub outstanding_approvals: Vec<RequiredApproval>,
    /// Every decision ever recorded on this quote, oldest first.
    pub approvals: Vec<Approval>,
    /// Lines, header and customer can still change (draft, pending approval, approved).
    pub editable: bool,
    /// A revision can be made (sent, lost or expired, and no newer revision yet).
    pub can_revise: bool,
    pub sent_at: Option<String>,
    pub closed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One row of the quote list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteRow {
    pub id: String,
    pub number: String,
    pub revision: u32,
    pub display_number: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: QuoteStatus,
    pub dealer_led: bool,
    pub quote_date: String,
    pub valid_until: String,
    pub total_fen: Fen,
    pub line_count: u32,
    pub updated_at: String,
}

/// Filters for the quote list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteQuery {
    pub customer_id: Option<String>,
    pub status: Option<QuoteStatus>,
    /// Only the newest revision of each quote number.
    pub latest_only: Option<bool>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

/// How a quote ends after it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QuoteOutcome {
    Won,
    Lost,
    /// Only once the validity date has passed.
    Expired,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteExport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// The internal version, with cost, profit and rebate columns.
    pub internal: bool,
}

/// A line priced with the current policy, for a quick calculation (`kam quote price`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PriceInput {
    pub cost_fen: Fen,
    pub quantity: Quantity,
    pub rebate_rate: Option<Rate>,
    pub fees_fen: Option<Fen>,
}

/// A new version of the pricing policy. Tiers are half-open `[from, next from)` bands of the
/// estimated sales amount (quantity × cost), the first starting at 0.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PricingPolicyInput {
    /// `YYYY-MM-DD`: the policy prices quotes created from this day on.
    pub effective_from: String,
    pub profit_tiers: Vec<super::pricing::RateTier>,
    pub rebate_tiers: Vec<super::pricing::RateTier>,
    pub discount_standard: Rate,
    /// Roles that may sign department-level approvals; the current version's when absent.
    pub department_roles: Option<Vec<Role>>,
    /// Roles that may sign general-manager approvals; the current version's when absent.
    pub general_manager_roles: Option<Vec<Role>>,
    pub validity_days: Option<u32>,
    pub notes: Option<String>,
}

/// The company printed at the head of quote workbooks (settings `company_name`,
/// `company_address`, `company_phone`). Empty strings when unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompanyInfo {
    pub name: String,
    pub address: String,
    pub phone: String,
}
