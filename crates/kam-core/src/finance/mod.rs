//! Finance records a clerk can correct (issue 12): sales and returns, collections (回款) and
//! receivables (应收) listed and filtered (`list`), edited, voided with a reason and receivables
//! marked paid (`edit`); a customer's 交易记录 and the suggestions drawn from the records —
//! overdue receivables and dormant customers (`trade`).
//!
//! A voided record (作废) stays in its table with who voided it, when and why, is still listed,
//! and is left out of every sum (`voided_at IS NULL` wherever records are added up). Imports
//! key records by their source document number (`doc_no`, see `import/finance.rs`).

mod edit;
mod list;
mod trade;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::units::Fen;

pub(crate) use edit::clean_doc_no;
pub use trade::DORMANT_MONTHS;

str_enum!(
    /// The kinds of finance record. Sales and returns share the `sales` table.
    FinanceKind { Sale = "sale" / "销售" / "Sale", Return = "return" / "退货" / "Return",
                  Collection = "collection" / "回款" / "Collection", Receivable = "receivable" / "应收" / "Receivable" });

/// The table a kind lives in, and its date column.
pub(crate) fn table_of(kind: FinanceKind) -> (&'static str, &'static str) {
    match kind {
        FinanceKind::Sale | FinanceKind::Return => ("sales", "sold_on"),
        FinanceKind::Collection => ("collections", "collected_on"),
        FinanceKind::Receivable => ("receivables", "invoiced_on"),
    }
}

/// SQL for the open receivables of the customer `customer` (an SQL expression) that are past
/// due on `today` (`YYYY-MM-DD`, made by the core): the overdue amount, from the records.
pub(crate) fn overdue_sum_sql(customer: &str, today: &str) -> String {
    debug_assert!(today.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
    format!(
        "(SELECT COALESCE(SUM(r.amount_fen - r.paid_fen), 0) FROM receivables r
          WHERE r.customer_id = {customer} AND r.deleted_at IS NULL AND r.voided_at IS NULL
            AND r.paid_fen < r.amount_fen AND r.due_on < '{today}')"
    )
}

/// One finance record as listed.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FinanceRecord {
    pub id: String,
    pub kind: FinanceKind,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_code: Option<String>,
    pub rep_id: Option<String>,
    pub rep_name: Option<String>,
    /// Sold, collected or invoiced on (`YYYY-MM-DD`).
    pub date: String,
    /// Receivables: the due date.
    pub due_on: Option<String>,
    pub amount_fen: Fen,
    /// Receivables: paid so far, when last paid, and what is still open.
    pub paid_fen: Option<Fen>,
    pub paid_on: Option<String>,
    pub outstanding_fen: Option<Fen>,
    /// Receivables open and past due today: by how many days.
    pub days_overdue: Option<u32>,
    /// The source document number (单据号).
    pub doc_no: Option<String>,
    /// The reference (sales, receivables) or notes (collections).
    pub notes: String,
    pub voided_at: Option<String>,
    pub voided_by_name: Option<String>,
    pub void_reason: String,
    pub updated_at: String,
}

/// Filters for the finance records list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FinanceQuery {
    pub customer_id: Option<String>,
    pub kind: Option<FinanceKind>,
    /// `YYYY-MM`: records dated in that month.
    pub month: Option<String>,
    /// Also list voided records (default: no).
    pub include_voided: Option<bool>,
    /// Receivables only: those not fully paid.
    pub open_only: Option<bool>,
    /// Default 200, at most 2,000.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// A window of the list, its total and the sum of its live records' amounts (returns and
/// voided records excluded from the sum).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FinancePage {
    pub total: u32,
    pub rows: Vec<FinanceRecord>,
}

/// A correction of a record: only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FinanceEdit {
    /// Another customer (id, customer code or credit code).
    pub customer_id: Option<String>,
    /// Sale ↔ return (sales records only).
    pub kind: Option<FinanceKind>,
    /// Sold, collected or invoiced on.
    pub date: Option<String>,
    /// Receivables only.
    pub due_on: Option<String>,
    pub amount_fen: Option<Fen>,
    /// The rep credited (empty: the customer's owner).
    pub rep_id: Option<String>,
    /// Empty text clears it.
    pub doc_no: Option<String>,
    pub notes: Option<String>,
}

/// A payment against a receivable.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReceivablePayment {
    /// The total paid so far (not the increment); default: all of it (paid in full).
    pub paid_fen: Option<Fen>,
    /// Default: today.
    pub paid_on: Option<String>,
}

/// One month of a customer's purchases.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TradeMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub sales_fen: Fen,
    pub returns_fen: Fen,
    pub net_fen: Fen,
    pub collections_fen: Fen,
}

/// A customer's 交易记录: purchases by month, collections, open receivables.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TradeSummary {
    pub customer_id: String,
    /// The last 24 months with any record, newest first.
    pub months: Vec<TradeMonth>,
    /// The last 12 months up to today.
    pub net_12m_fen: Fen,
    pub collections_12m_fen: Fen,
    /// The latest collections (newest first, at most 20).
    pub collections: Vec<FinanceRecord>,
    /// Receivables not fully paid, oldest due first.
    pub open_receivables: Vec<FinanceRecord>,
    pub open_fen: Fen,
    pub overdue_fen: Fen,
    pub last_purchase_on: Option<String>,
    /// Bought before but not in the last 12 months: suggested as 休眠 (dormant).
    pub dormant_suggested: bool,
}

/// A customer with receivables past due (Today, 欠款预警).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OverdueCustomer {
    pub customer_id: String,
    pub customer_name: String,
    pub owner_name: Option<String>,
    pub overdue_fen: Fen,
    pub overdue_count: u32,
    pub oldest_due_on: String,
    pub days_overdue: u32,
}

/// A customer suggested as dormant: no purchase for 12 months (Today, 休眠提示).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DormantCustomer {
    pub customer_id: String,
    pub customer_name: String,
    pub owner_name: Option<String>,
    pub last_purchase_on: String,
    pub months_since: u32,
}
