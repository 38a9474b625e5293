//! Quotes (报价单, DOMAIN.md "Quotes"): the product catalog, the pricing policy and its
//! versions, quotes with their priced lines, the approval workflow, revisions and the Excel
//! export.
//!
//! Workflow: draft → pending approval → approved → sent → won / lost / expired. Submitting
//! computes the approvals the quote needs (see [`pricing::line_approvals`]); a quote that needs
//! none is approved at once. Approvals are append-only. Editing a pending or approved quote
//! returns it to draft (its approvals stay in the history but no longer count). A sent quote
//! is immutable: a change makes a revision, a new quote linked to it with the same number.
//! A quote keeps the pricing policy version it was created under, and each line keeps the
//! figures it was priced with: a new policy never reprices an existing quote.
//!
//! Roles: approval levels map to `users.role` through the policy — by default the
//! key-account manager / key-account service department is `manager` (a general manager, role
//! `executive`, may also sign it) and the general manager is `executive`.

mod draft;
mod export;
mod pricing;
mod rmb;
mod types;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

pub use draft::QuoteLineDraft;
pub use pricing::{
    check_quantity, price_line, round_fen, PriceBreakdown, PricingPolicy, RateTier, TierApplied, DEFAULT_POLICY_ID,
    MAX_QUANTITY, QUANTITY_DECIMALS, ROUNDING_EN, ROUNDING_ZH,
};
pub use rmb::rmb_uppercase;
pub use types::*;

use crate::error::{KamError, Result};
use crate::model::Role;
use crate::scope::Access;
use crate::units::{Fen, Quantity, Rate, MAX_FEN};
use crate::util::{clean, new_id};
use crate::validate as v;
use crate::{Ctx, Kam};
use pricing::{check_fen, check_rate, check_tiers, LineTerms};

const POLICY_SELECT: &str = "SELECT id, version, effective_from, profit_tiers, rebate_tiers, discount_standard,
    department_roles, general_manager_roles, validity_days, notes, created_at FROM pricing_policies";

fn conversion<E: std::error::Error + Send + Sync + 'static>(i: usize, e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

fn json_col<T: serde::de::DeserializeOwned>(r: &Row, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    serde_json::from_str(&s).map_err(|e| conversion(i, e))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("DTOs serialize")
}

fn policy_from(r: &Row) -> rusqlite::Result<PricingPolicy> {
    Ok(PricingPolicy {
        id: r.get(0)?,
        version: r.get(1)?,
        effective_from: r.get(2)?,
        profit_tiers: json_col(r, 3)?,
        rebate_tiers: json_col(r, 4)?,
        discount_standard: r.get(5)?,
        department_roles: json_col(r, 6)?,
        general_manager_roles: json_col(r, 7)?,
        validity_days: r.get(8)?,
        notes: r.get(9)?,
        created_at: r.get(10)?,
    })
}

fn policy_by_id(conn: &Connection, id: &str) -> Result<PricingPolicy> {
    conn.query_row(&format!("{POLICY_SELECT} WHERE id = ?1"), [id], policy_from)
        .optional()?
        .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::PricingPolicy, id: id.to_string() })
}

/// The version in effect on `date`: the latest one whose effective date is not after it.
fn policy_on(conn: &Connection, date: &str) -> Result<PricingPolicy> {
    let found = conn
        .query_row(
            &format!(
                "{POLICY_SELECT} WHERE deleted_at IS NULL AND effective_from <= ?1
                 ORDER BY effective_from DESC, version DESC LIMIT 1"
            ),
            [date],
            policy_from,
        )
        .optional()?;
    match found {
        Some(p) => Ok(p),
        None => Ok(conn.query_row(&format!("{POLICY_SELECT} ORDER BY version LIMIT 1"), [], policy_from)?),
    }
}

const PRODUCT_SELECT: &str =
    "SELECT id, code, name, spec, unit, cost_fen, effective_from, notes, updated_at FROM products";

fn product_from(r: &Row) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        spec: r.get(3)?,
        unit: r.get(4)?,
        cost_fen: r.get(5)?,
        effective_from: r.get(6)?,
        notes: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

fn product_by_id(conn: &Connection, id: &str) -> Result<Product> {
    conn.query_row(&format!("{PRODUCT_SELECT} WHERE id = ?1 AND deleted_at IS NULL"), [id], product_from)
        .optional()?
        .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Product, id: id.to_string() })
}

/// The quote row fields the workflow checks.
struct Header {
    id: String,
    number: String,
    revision: u32,
    customer_id: String,
    policy_id: String,
    status: QuoteStatus,
    dealer_led: bool,
    quote_date: String,
    valid_until: String,
    submission: u32,
    required: Vec<RequiredApproval>,
    /// Who drafted the quote: they may not approve it.
    created_by: String,
}

fn header(conn: &Connection, id: &str) -> Result<Header> {
    conn.query_row(
        "SELECT id, number, revision, customer_id, policy_id, status, dealer_led, quote_date, valid_until,
            submission, required_approvals, created_by
         FROM quotes WHERE id = ?1 AND deleted_at IS NULL",
        [id],
        |r| {
            Ok(Header {
                id: r.get(0)?,
                number: r.get(1)?,
                revision: r.get(2)?,
                customer_id: r.get(3)?,
                policy_id: r.get(4)?,
                status: r.get(5)?,
                dealer_led: r.get(6)?,
                quote_date: r.get(7)?,
                valid_until: r.get(8)?,
                submission: r.get(9)?,
                required: json_col(r, 10)?,
                created_by: r.get(11)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Quote, id: id.to_string() })
}

fn display_number(number: &str, revision: u32) -> String {
    if revision > 1 {
        format!("{number}-R{revision}")
    } else {
        number.to_string()
    }
}

impl Header {
    fn display(&self) -> String {
        display_number(&self.number, self.revision)
    }

    fn editable(&self) -> bool {
        matches!(self.status, QuoteStatus::Draft | QuoteStatus::PendingApproval | QuoteStatus::Approved)
    }

    /// Refuse changes to a quote that was sent (or closed): those go through a revision.
    fn ensure_editable(&self) -> Result<()> {
        if self.editable() {
            return Ok(());
        }
        Err(KamError::wrong_state(
            format!(
                "报价单 {} 的状态为「{}」，已发给客户，不能再修改。如需变更，请创建修订版（第 {} 版），原报价单保持不变。",
                self.display(),
                self.status.label_zh(),
                self.revision + 1
            ),
            format!(
                "Quote {} is {} and can no longer be changed. To change it, make a revision ({}); the original stays as it is.",
                self.display(),
                self.status.label_en().to_lowercase(),
                self.revision + 1
            ),
        ))
    }

    fn wrong_status(&self, action_zh: &str, action_en: &str, hint_zh: &str, hint_en: &str) -> KamError {
        KamError::wrong_state(
            format!("报价单 {} 当前状态为「{}」，不能{action_zh}。{hint_zh}", self.display(), self.status.label_zh()),
            format!(
                "Quote {} is {}: it cannot be {action_en}. {hint_en}",
                self.display(),
                self.status.label_en().to_lowercase()
            ),
        )
    }
}

fn customer_exists(conn: &Connection, id: &str) -> Result<()> {
    let n: i64 =
        conn.query_row("SELECT count(*) FROM customers WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))?;
    if n == 0 {
        return Err(KamError::invalid(
            "customer_id",
            "所选客户不存在或已被删除。请从客户列表中重新选择。",
            "The selected customer does not exist or was deleted. Pick the customer again from the list.",
        ));
    }
    Ok(())
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

mod catalog;
mod company;
mod demo;
mod edit;
mod store;
mod workflow;
pub(crate) use workflow::revert_unapproved;

pub(crate) use company::store_company;
pub use company::INTERNAL_VIEW_ROLES;
pub(crate) use demo::demo_quotes;
use store::*;
