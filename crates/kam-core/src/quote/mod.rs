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
use rust_decimal::Decimal;

pub use draft::QuoteLineDraft;
pub use pricing::{
    check_quantity, format_rate, format_yuan, parse_quantity, parse_rate, parse_yuan, price_line, round_fen,
    PriceBreakdown, PricingPolicy, RateTier, TierApplied, DEFAULT_POLICY_ID, MAX_FEN, MAX_QUANTITY, QUANTITY_DECIMALS,
    ROUNDING_EN, ROUNDING_ZH,
};
pub use rmb::rmb_uppercase;
pub use types::*;

use crate::error::{KamError, Result};
use crate::model::Role;
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

fn dec_col(r: &Row, i: usize) -> rusqlite::Result<Decimal> {
    let s: String = r.get(i)?;
    Decimal::from_str_exact(&s).map_err(|e| conversion(i, e))
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
        discount_standard: dec_col(r, 5)?,
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
        .ok_or_else(|| KamError::NotFound { entity: "报价政策", id: id.to_string() })
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
        .ok_or_else(|| KamError::NotFound { entity: "产品", id: id.to_string() })
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
}

fn header(conn: &Connection, id: &str) -> Result<Header> {
    conn.query_row(
        "SELECT id, number, revision, customer_id, policy_id, status, dealer_led, quote_date, valid_until,
            submission, required_approvals
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
            })
        },
    )
    .optional()?
    .ok_or_else(|| KamError::NotFound { entity: "报价单", id: id.to_string() })
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
        Err(KamError::invalid(
            "status",
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
        KamError::invalid(
            "status",
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

/// A line input checked, defaulted from its product, and priced.
struct PreparedLine {
    product_id: Option<String>,
    description: String,
    spec: String,
    unit: String,
    terms: LineTerms,
    priced: pricing::LinePricing,
    notes: String,
}

fn prepare_line(
    conn: &Connection,
    policy: &PricingPolicy,
    dealer_led: bool,
    i: &QuoteLineInput,
) -> Result<PreparedLine> {
    let product = match clean(&i.product_id) {
        Some(id) => Some(product_by_id(conn, &id).map_err(|_| {
            KamError::invalid(
                "product_id",
                "所选产品不存在或已被删除。请从产品目录中重新选择。",
                "The selected product does not exist or was deleted. Pick it again from the catalog.",
            )
        })?),
        None => None,
    };
    let description = match (clean(&i.description), &product) {
        (Some(d), _) => d,
        (None, Some(p)) => p.name.clone(),
        (None, None) => String::new(),
    };
    let description = v::required("description", "品名/描述", "Description", &description, 200)?;
    let spec = clean(&i.spec).or_else(|| product.as_ref().map(|p| p.spec.clone())).unwrap_or_default();
    let spec = v::optional("spec", "规格型号", "Specification", &Some(spec), 200)?;
    let unit = clean(&i.unit).or_else(|| product.as_ref().map(|p| p.unit.clone())).unwrap_or_default();
    let unit = v::required("unit", "单位", "Unit", &unit, 10)?;
    let cost_fen = match (i.cost_fen, &product) {
        (Some(c), _) => c,
        (None, Some(p)) => p.cost_fen,
        (None, None) => {
            return Err(KamError::invalid(
                "cost",
                "请填写成本价（或从产品目录选择产品）。",
                "Enter the cost price (or pick a product from the catalog).",
            ))
        }
    };
    let terms = LineTerms {
        cost_fen,
        quantity: i.quantity,
        fees_fen: i.fees_fen.unwrap_or(0),
        rebate_rate: i.rebate_rate.unwrap_or(Decimal::ZERO),
        manual_unit_price_fen: i.manual_unit_price_fen,
        discount_rate: i.discount_rate.unwrap_or(Decimal::ZERO),
    };
    let priced = pricing::price_terms(policy, &terms, dealer_led)?;
    let terms = LineTerms {
        quantity: priced.breakdown.quantity,
        rebate_rate: priced.breakdown.rebate_rate,
        discount_rate: terms.discount_rate.normalize(),
        ..terms
    };
    let notes = v::optional("notes", "备注", "Notes", &i.notes, 500)?;
    Ok(PreparedLine { product_id: product.map(|p| p.id), description, spec, unit, terms, priced, notes })
}

fn with_line_number(e: KamError, n: usize) -> KamError {
    match e {
        KamError::Validation { field, zh, en } => {
            KamError::Validation { field, zh: format!("第 {n} 行：{zh}"), en: format!("Line {n}: {en}") }
        }
        other => other,
    }
}

const LINE_SELECT: &str = "SELECT l.id, l.position, l.product_id, p.code, l.description, l.spec, l.unit, l.quantity,
    l.cost_fen, l.fees_fen, l.rebate_rate, l.manual_unit_price_fen, l.discount_rate, l.policy_unit_price_fen,
    l.unit_price_fen, l.line_total_fen, l.breakdown, l.notes
    FROM quote_lines l LEFT JOIN products p ON p.id = l.product_id";

fn lines_of(conn: &Connection, quote_id: &str, dealer_led: bool) -> Result<Vec<QuoteLine>> {
    let mut stmt = conn
        .prepare_cached(&format!("{LINE_SELECT} WHERE l.quote_id = ?1 AND l.deleted_at IS NULL ORDER BY l.position"))?;
    let rows = stmt
        .query_map([quote_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                [r.get::<_, String>(4)?, r.get(5)?, r.get(6)?, r.get(17)?],
                dec_col(r, 7)?,
                [r.get::<_, i64>(8)?, r.get(9)?],
                dec_col(r, 10)?,
                r.get::<_, Option<i64>>(11)?,
                dec_col(r, 12)?,
                [r.get::<_, i64>(13)?, r.get(14)?, r.get(15)?],
                json_col::<PriceBreakdown>(r, 16)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(
            |(
                id,
                position,
                product_id,
                product_code,
                [description, spec, unit, notes],
                quantity,
                [cost_fen, fees_fen],
                rebate_rate,
                manual,
                discount_rate,
                [policy_price, unit_price, total],
                breakdown,
            )| {
                Ok(QuoteLine {
                    economics: pricing::economics(cost_fen, quantity, fees_fen, rebate_rate, total)?,
                    below_policy: !dealer_led && manual.is_some_and(|m| m < policy_price),
                    formula_applied: !dealer_led && manual.is_none(),
                    id,
                    position,
                    product_id,
                    product_code,
                    description,
                    spec,
                    unit,
                    quantity,
                    cost_fen,
                    fees_fen,
                    rebate_rate,
                    manual_unit_price_fen: manual,
                    discount_rate,
                    policy_unit_price_fen: policy_price,
                    unit_price_fen: unit_price,
                    line_total_fen: total,
                    breakdown,
                    notes,
                })
            },
        )
        .collect()
}

/// The approvals a set of lines needs, one entry per (kind, level), with the lines that caused it.
fn required_for(policy: &PricingPolicy, lines: &[QuoteLine]) -> Vec<RequiredApproval> {
    let mut out: Vec<RequiredApproval> = Vec::new();
    for l in lines {
        for (kind, level) in pricing::line_approvals(policy, l.below_policy, l.rebate_rate, l.discount_rate) {
            match out.iter_mut().find(|r| r.kind == kind && r.level == level) {
                Some(r) => r.lines.push(l.position),
                None => out.push(RequiredApproval {
                    kind,
                    level,
                    roles: policy.roles_for(level).to_vec(),
                    lines: vec![l.position],
                    reason_zh: String::new(),
                    reason_en: String::new(),
                }),
            }
        }
    }
    let std = format_rate(policy.discount_standard);
    for r in &mut out {
        let ns = r.lines.iter().map(u32::to_string).collect::<Vec<_>>();
        let (zh_lines, en_lines) = (ns.join("、"), ns.join(", "));
        let roles_zh = r.roles.iter().map(|x| x.label_zh()).collect::<Vec<_>>().join("/");
        let roles_en = r.roles.iter().map(|x| x.label_en()).collect::<Vec<_>>().join("/");
        let (zh, en) = match (r.kind, r.level) {
            (ApprovalKind::BelowPolicy, _) => (
                format!("第 {zh_lines} 行单价低于政策价（利润低于要求），需总经理特批"),
                format!("Line {en_lines}: unit price below the policy price (profit below the required rate): needs the general manager's special approval"),
            ),
            (ApprovalKind::Rebate, _) => (
                format!("第 {zh_lines} 行含返点，须在向客户承诺前由大客户部经理审批"),
                format!("Line {en_lines}: a rebate is offered: the key-account manager must approve it before it is promised to the customer"),
            ),
            (ApprovalKind::Discount, ApprovalLevel::Department) => (
                format!("第 {zh_lines} 行折扣在标准（{std}）以内，由大客户服务部审批"),
                format!("Line {en_lines}: discount within the standard ({std}): approved by the key-account service department"),
            ),
            (ApprovalKind::Discount, ApprovalLevel::GeneralManager) => (
                format!("第 {zh_lines} 行折扣超过标准（{std}），需总经理审批"),
                format!("Line {en_lines}: discount beyond the standard ({std}): needs the general manager"),
            ),
        };
        r.reason_zh = format!("{zh}（可审批角色：{roles_zh}）。");
        r.reason_en = format!("{en} (roles: {roles_en}).");
    }
    out
}

fn approvals_of(conn: &Connection, quote_id: &str) -> Result<Vec<Approval>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.submission, a.kind, a.level, a.decision, a.approver_id, u.name, a.approver_role, a.comment,
            a.decided_at
         FROM quote_approvals a LEFT JOIN users u ON u.id = a.approver_id
         WHERE a.quote_id = ?1 ORDER BY a.decided_at, a.id",
    )?;
    let rows = stmt
        .query_map([quote_id], |r| {
            Ok(Approval {
                id: r.get(0)?,
                submission: r.get(1)?,
                kind: r.get(2)?,
                level: r.get(3)?,
                decision: r.get(4)?,
                approver_id: r.get(5)?,
                approver_name: r.get(6)?,
                approver_role: r.get(7)?,
                comment: r.get(8)?,
                decided_at: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn outstanding(required: &[RequiredApproval], approvals: &[Approval], submission: u32) -> Vec<RequiredApproval> {
    required
        .iter()
        .filter(|r| {
            !approvals.iter().any(|a| {
                a.submission == submission
                    && a.kind == r.kind
                    && a.level == r.level
                    && a.decision == ApprovalDecision::Approved
            })
        })
        .cloned()
        .collect()
}

fn totals_of(lines: &[QuoteLine]) -> Result<QuoteTotals> {
    let sum = |f: &dyn Fn(&QuoteLine) -> i64| -> Result<i64> {
        let mut s: i64 = 0;
        for l in lines {
            s = s.checked_add(f(l)).filter(|v| v.abs() <= MAX_FEN).ok_or_else(|| {
                KamError::invalid(
                    "quantity",
                    "报价单合计超过 1000 亿元的上限。请检查数量和单价。",
                    "The quote total is over the limit of 100 billion yuan. Check the quantities and prices.",
                )
            })?;
        }
        Ok(s)
    };
    let total_fen = sum(&|l| l.line_total_fen)?;
    Ok(QuoteTotals {
        total_fen,
        total_uppercase: rmb_uppercase(total_fen),
        cost_fen: sum(&|l| l.economics.cost_total_fen)?,
        fees_fen: sum(&|l| l.economics.fees_total_fen)?,
        rebate_fen: sum(&|l| l.economics.rebate_total_fen)?,
        profit_fen: sum(&|l| l.economics.profit_total_fen)?,
        line_count: lines.len() as u32,
    })
}

/// Customer name and code, policy version, notes, sent, closed, created and updated times.
type Extras = (String, Option<String>, i32, String, Option<String>, Option<String>, String, String);

fn load_quote(conn: &Connection, id: &str) -> Result<Quote> {
    let h = header(conn, id)?;
    let (customer_name, customer_code, policy_version, notes, sent_at, closed_at, created_at, updated_at): Extras =
        conn.query_row(
            "SELECT c.name, c.customer_code, p.version, q.notes, q.sent_at, q.closed_at, q.created_at, q.updated_at
         FROM quotes q JOIN customers c ON c.id = q.customer_id JOIN pricing_policies p ON p.id = q.policy_id
         WHERE q.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )?;
    let superseded_by: Option<String> = conn
        .query_row(
            "SELECT id FROM quotes WHERE revision_of = ?1 AND deleted_at IS NULL ORDER BY revision DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let revision_of: Option<String> =
        conn.query_row("SELECT revision_of FROM quotes WHERE id = ?1", [id], |r| r.get(0))?;
    let lines = lines_of(conn, id, h.dealer_led)?;
    let totals = totals_of(&lines)?;
    let approvals = approvals_of(conn, id)?;
    let outstanding_approvals = match h.status {
        QuoteStatus::PendingApproval => outstanding(&h.required, &approvals, h.submission),
        _ => Vec::new(),
    };
    Ok(Quote {
        display_number: h.display(),
        editable: h.editable(),
        can_revise: matches!(h.status, QuoteStatus::Sent | QuoteStatus::Lost | QuoteStatus::Expired)
            && superseded_by.is_none(),
        id: h.id,
        number: h.number,
        revision: h.revision,
        revision_of,
        superseded_by,
        customer_id: h.customer_id,
        customer_name,
        customer_code,
        policy_id: h.policy_id,
        policy_version,
        status: h.status,
        dealer_led: h.dealer_led,
        quote_date: h.quote_date,
        valid_until: h.valid_until,
        notes,
        lines,
        totals,
        submission: h.submission,
        required_approvals: h.required,
        outstanding_approvals,
        approvals,
        sent_at,
        closed_at,
        created_at,
        updated_at,
    })
}

/// After a change to lines or header: recompute the total, and send a pending or approved
/// quote back to draft (its approvals no longer count).
fn touch(tx: &Transaction, ctx: &Ctx, h: &Header) -> Result<()> {
    let lines = lines_of(tx, &h.id, h.dealer_led)?;
    let totals = totals_of(&lines)?;
    tx.execute(
        "UPDATE quotes SET total_fen = ?2, status = 'draft', updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![h.id, totals.total_fen, ctx.now, ctx.user],
    )?;
    Ok(())
}

fn insert_line(tx: &Transaction, ctx: &Ctx, quote_id: &str, position: u32, l: &PreparedLine) -> Result<String> {
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO quote_lines (id, quote_id, position, product_id, description, spec, unit, quantity, cost_fen,
            fees_fen, rebate_rate, manual_unit_price_fen, discount_rate, policy_unit_price_fen, unit_price_fen,
            line_total_fen, breakdown, notes, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?19, ?20)",
    )?
    .execute(params![
        id,
        quote_id,
        position,
        l.product_id,
        l.description,
        l.spec,
        l.unit,
        l.terms.quantity.to_string(),
        l.terms.cost_fen,
        l.terms.fees_fen,
        l.terms.rebate_rate.to_string(),
        l.terms.manual_unit_price_fen,
        l.terms.discount_rate.to_string(),
        l.priced.breakdown.unit_price_fen,
        l.priced.unit_price_fen,
        l.priced.line_total_fen,
        to_json(&l.priced.breakdown),
        l.notes,
        ctx.now,
        ctx.user
    ])?;
    Ok(id)
}

fn next_number(conn: &Connection, prefix: &str) -> Result<String> {
    let max: Option<i64> = conn.query_row(
        "SELECT max(CAST(substr(number, length(?1) + 1) AS INTEGER)) FROM quotes WHERE number LIKE ?1 || '%'",
        [prefix],
        |r| r.get(0),
    )?;
    Ok(format!("{prefix}{:04}", max.unwrap_or(0) + 1))
}

fn check_policy_input(i: &PricingPolicyInput, current: &PricingPolicy) -> Result<PricingPolicy> {
    let effective_from = date_text(v::date("effective_from", &i.effective_from)?);
    if effective_from < current.effective_from {
        return Err(KamError::invalid(
            "effective_from",
            format!("生效日期不能早于当前版本（第 {} 版）的生效日期 {}。", current.version, current.effective_from),
            format!(
                "The effective date cannot be before that of the current version ({}, {}).",
                current.version, current.effective_from
            ),
        ));
    }
    check_tiers("profit_tiers", "利润率档位", "profit rate", &i.profit_tiers)?;
    check_tiers("rebate_tiers", "返点参考档位", "rebate reference", &i.rebate_tiers)?;
    let discount_standard =
        check_rate("discount_standard", "折扣标准", "discount standard", i.discount_standard, false)?;
    let department_roles = i.department_roles.clone().unwrap_or_else(|| current.department_roles.clone());
    let general_manager_roles =
        i.general_manager_roles.clone().unwrap_or_else(|| current.general_manager_roles.clone());
    if department_roles.is_empty() || general_manager_roles.is_empty() {
        return Err(KamError::invalid(
            "department_roles",
            "每个审批级别至少要有一个可审批的角色。",
            "Each approval level needs at least one role that may sign it.",
        ));
    }
    let validity_days = i.validity_days.unwrap_or(current.validity_days);
    if !(1..=365).contains(&validity_days) {
        return Err(KamError::invalid(
            "validity_days",
            "报价有效期天数应在 1 到 365 之间。",
            "The validity must be 1 to 365 days.",
        ));
    }
    Ok(PricingPolicy {
        id: new_id(),
        version: current.version + 1,
        effective_from,
        profit_tiers: i.profit_tiers.clone(),
        rebate_tiers: i
            .rebate_tiers
            .iter()
            .map(|t| RateTier { from_fen: t.from_fen, rate: t.rate.normalize() })
            .collect(),
        discount_standard,
        department_roles,
        general_manager_roles,
        validity_days,
        notes: v::optional("notes", "说明", "Notes", &i.notes, 500)?,
        created_at: String::new(),
    })
}

fn check_product(i: &ProductInput, today: NaiveDate) -> Result<(String, String, String, String, i64, String, String)> {
    let code = v::required("code", "产品编码", "Product code", &i.code, 30)?.to_uppercase();
    if code.chars().any(char::is_whitespace) {
        return Err(KamError::invalid("code", "产品编码不能包含空格。", "A product code cannot contain spaces."));
    }
    let name = v::required("name", "产品名称", "Product name", &i.name, 100)?;
    let spec = v::optional("spec", "规格型号", "Specification", &i.spec, 200)?;
    let unit = v::required("unit", "单位", "Unit", &i.unit, 10)?;
    let cost = check_fen("cost", "成本价", "cost price", i.cost_fen)?;
    let effective = match clean(&i.effective_from) {
        Some(d) => date_text(v::date("effective_from", &d)?),
        None => date_text(today),
    };
    let notes = v::optional("notes", "备注", "Notes", &i.notes, 1000)?;
    Ok((code, name, spec, unit, cost, effective, notes))
}

fn refuse_duplicate_code(conn: &Connection, code: &str, except: Option<&str>) -> Result<()> {
    let existing: Option<(String, String)> = conn
        .query_row(
            "SELECT id, name FROM products WHERE code = ?1 AND deleted_at IS NULL AND id IS NOT ?2",
            params![code, except],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, name)) = existing {
        return Err(KamError::Duplicate {
            field: "code".into(),
            existing_id: id,
            zh: format!("产品编码 {code} 已被「{name}」使用。请换一个编码，或修改已有产品。"),
            en: format!(
                "The product code {code} is already used by '{name}'. Choose another code or edit that product."
            ),
        });
    }
    Ok(())
}

impl Kam {
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&crate::DEFAULT_TIME_ZONE).date_naive()
    }

    // ----- pricing policy -------------------------------------------------------------------

    /// The pricing policy in effect today.
    pub fn pricing_policy(&self) -> Result<PricingPolicy> {
        policy_on(&self.conn, &date_text(self.today()))
    }

    /// Every version of the pricing policy, newest first.
    pub fn pricing_policies(&self) -> Result<Vec<PricingPolicy>> {
        let mut stmt = self.conn.prepare(&format!("{POLICY_SELECT} WHERE deleted_at IS NULL ORDER BY version DESC"))?;
        let rows = stmt.query_map([], policy_from)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Add a new version of the pricing policy. Existing quotes keep the version they were
    /// priced under; quotes created from `effective_from` on use the new one.
    pub fn set_pricing_policy(&mut self, input: &PricingPolicyInput) -> Result<PricingPolicy> {
        self.only_head_office("报价政策", "the pricing policy")?;
        let latest = self.conn.query_row(&format!("{POLICY_SELECT} ORDER BY version DESC LIMIT 1"), [], policy_from)?;
        let p = check_policy_input(input, &latest)?;
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO pricing_policies (id, version, effective_from, profit_tiers, rebate_tiers, discount_standard,
                    department_roles, general_manager_roles, validity_days, notes, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?12)",
                params![
                    p.id,
                    p.version,
                    p.effective_from,
                    to_json(&p.profit_tiers),
                    to_json(&p.rebate_tiers),
                    p.discount_standard.to_string(),
                    to_json(&p.department_roles),
                    to_json(&p.general_manager_roles),
                    p.validity_days,
                    p.notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(())
        })?;
        policy_by_id(&self.conn, &p.id)
    }

    /// Price one line with the policy in effect today (the quick calculation).
    pub fn preview_price(&self, input: &PriceInput) -> Result<PriceBreakdown> {
        price_line(
            &self.pricing_policy()?,
            input.cost_fen,
            input.quantity,
            input.rebate_rate.unwrap_or(Decimal::ZERO),
            input.fees_fen.unwrap_or(0),
        )
    }

    /// Price a line as it would be on a quote (its policy and dealer-led flag), without saving
    /// it: the live breakdown while the user types. With no quote, today's policy, direct project.
    pub fn preview_quote_line(&self, quote_id: Option<&str>, input: &QuoteLineInput) -> Result<QuoteLine> {
        let (policy, dealer_led) = match quote_id {
            Some(id) => {
                let h = header(&self.conn, id)?;
                (policy_by_id(&self.conn, &h.policy_id)?, h.dealer_led)
            }
            None => (self.pricing_policy()?, false),
        };
        let l = prepare_line(&self.conn, &policy, dealer_led, input)?;
        let product_code = match &l.product_id {
            Some(id) => Some(product_by_id(&self.conn, id)?.code),
            None => None,
        };
        Ok(QuoteLine {
            id: String::new(),
            position: 0,
            product_id: l.product_id,
            product_code,
            description: l.description,
            spec: l.spec,
            unit: l.unit,
            quantity: l.terms.quantity,
            cost_fen: l.terms.cost_fen,
            fees_fen: l.terms.fees_fen,
            rebate_rate: l.terms.rebate_rate,
            manual_unit_price_fen: l.terms.manual_unit_price_fen,
            discount_rate: l.terms.discount_rate,
            policy_unit_price_fen: l.priced.breakdown.unit_price_fen,
            unit_price_fen: l.priced.unit_price_fen,
            line_total_fen: l.priced.line_total_fen,
            formula_applied: !dealer_led && l.terms.manual_unit_price_fen.is_none(),
            below_policy: l.priced.below_policy,
            breakdown: l.priced.breakdown,
            economics: l.priced.economics,
            notes: l.notes,
        })
    }

    // ----- product catalog --------------------------------------------------------------------

    /// Add a product to the catalog.
    pub fn add_product(&mut self, input: &ProductInput) -> Result<Product> {
        self.only_head_office("产品目录", "the catalog")?;
        let (code, name, spec, unit, cost, effective, notes) = check_product(input, self.today())?;
        refuse_duplicate_code(&self.conn, &code, None)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO products (id, code, name, spec, unit, cost_fen, effective_from, notes,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![id, code, name, spec, unit, cost, effective, notes, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        product_by_id(&self.conn, &id)
    }

    /// Edit a product (a new cost price with its effective date). Quotes already priced keep
    /// the cost they were priced with.
    pub fn update_product(&mut self, id: &str, input: &ProductInput) -> Result<Product> {
        self.only_head_office("产品目录", "the catalog")?;
        product_by_id(&self.conn, id)?;
        let (code, name, spec, unit, cost, effective, notes) = check_product(input, self.today())?;
        refuse_duplicate_code(&self.conn, &code, Some(id))?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE products SET code=?2, name=?3, spec=?4, unit=?5, cost_fen=?6, effective_from=?7, notes=?8,
                    updated_at=?9, updated_by=?10 WHERE id = ?1",
                params![id, code, name, spec, unit, cost, effective, notes, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        product_by_id(&self.conn, id)
    }

    /// Remove a product from the catalog (tombstone). Quote lines keep their copy.
    pub fn delete_product(&mut self, id: &str) -> Result<()> {
        self.only_head_office("产品目录", "the catalog")?;
        product_by_id(&self.conn, id)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE products SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })
    }

    /// One product.
    pub fn product(&self, id: &str) -> Result<Product> {
        product_by_id(&self.conn, id)
    }

    /// The catalog, by code.
    pub fn products(&self) -> Result<Vec<Product>> {
        let mut stmt = self.conn.prepare(&format!("{PRODUCT_SELECT} WHERE deleted_at IS NULL ORDER BY code"))?;
        let rows = stmt.query_map([], product_from)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Find a product by id or code (for the CLI).
    pub fn resolve_product(&self, key: &str) -> Result<Product> {
        let key = key.trim();
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM products WHERE deleted_at IS NULL AND (id = ?1 OR code = upper(?1))",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        product_by_id(&self.conn, id.as_deref().unwrap_or(key))
    }

    // ----- quotes -----------------------------------------------------------------------------

    /// One quote with everything attached.
    pub fn quote(&self, id: &str) -> Result<Quote> {
        load_quote(&self.conn, id)
    }

    /// Find a quote by id, number (its newest revision) or number with revision (`…-R2`).
    pub fn resolve_quote(&self, key: &str) -> Result<Quote> {
        let key = key.trim();
        let upper = key.to_uppercase();
        let (number, revision) = match upper.rsplit_once("-R") {
            Some((n, r)) if r.parse::<u32>().is_ok() => (n.to_string(), r.parse::<u32>().ok()),
            _ => (upper.clone(), None),
        };
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM quotes WHERE deleted_at IS NULL AND (id = ?1 OR (number = ?2 AND (?3 IS NULL OR revision = ?3)))
                 ORDER BY revision DESC LIMIT 1",
                params![key, number, revision],
                |r| r.get(0),
            )
            .optional()?;
        self.quote(id.as_deref().unwrap_or(key))
    }

    /// Quotes, newest first.
    pub fn list_quotes(&self, q: &QuoteQuery) -> Result<Vec<QuoteRow>> {
        let latest = q.latest_only.unwrap_or(false);
        let mut stmt = self.conn.prepare_cached(
            "SELECT q.id, q.number, q.revision, q.customer_id, c.name, q.status, q.dealer_led, q.quote_date,
                q.valid_until, q.total_fen,
                (SELECT count(*) FROM quote_lines l WHERE l.quote_id = q.id AND l.deleted_at IS NULL), q.updated_at
             FROM quotes q JOIN customers c ON c.id = q.customer_id
             WHERE q.deleted_at IS NULL AND (?1 IS NULL OR q.customer_id = ?1) AND (?2 IS NULL OR q.status = ?2)
               AND (?3 = 0 OR NOT EXISTS (SELECT 1 FROM quotes n WHERE n.revision_of = q.id AND n.deleted_at IS NULL))
             ORDER BY q.quote_date DESC, q.number DESC, q.revision DESC LIMIT ?4 OFFSET ?5",
        )?;
        let rows = stmt
            .query_map(
                params![
                    clean(&q.customer_id),
                    q.status,
                    latest,
                    q.limit.unwrap_or(200).clamp(1, 10_000),
                    q.offset.unwrap_or(0)
                ],
                |r| {
                    let number: String = r.get(1)?;
                    let revision: u32 = r.get(2)?;
                    Ok(QuoteRow {
                        id: r.get(0)?,
                        display_number: display_number(&number, revision),
                        number,
                        revision,
                        customer_id: r.get(3)?,
                        customer_name: r.get(4)?,
                        status: r.get(5)?,
                        dealer_led: r.get(6)?,
                        quote_date: r.get(7)?,
                        valid_until: r.get(8)?,
                        total_fen: r.get(9)?,
                        line_count: r.get(10)?,
                        updated_at: r.get(11)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Create a draft quote for a customer, priced under today's pricing policy.
    pub fn create_quote(&mut self, input: &QuoteInput) -> Result<Quote> {
        let customer_id = input.customer_id.trim().to_string();
        customer_exists(&self.conn, &customer_id)?;
        let today = self.today();
        let policy = policy_on(&self.conn, &date_text(today))?;
        let valid_until = self.check_valid_until(&input.valid_until, today, policy.validity_days)?;
        let notes = v::optional("notes", "备注", "Notes", &input.notes, 2000)?;
        let prefix = format!("Q{}-{}-", today.format("%y"), self.device_tag);
        let id = new_id();
        self.write(|tx, ctx| {
            let number = next_number(tx, &prefix)?;
            tx.execute(
                "INSERT INTO quotes (id, number, revision, customer_id, policy_id, status, dealer_led, quote_date,
                    valid_until, notes, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, 1, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![
                    id,
                    number,
                    customer_id,
                    policy.id,
                    input.dealer_led.unwrap_or(false),
                    date_text(today),
                    valid_until,
                    notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(())
        })?;
        self.quote(&id)
    }

    fn check_valid_until(&self, v: &Option<String>, from: NaiveDate, days: u32) -> Result<String> {
        match clean(v) {
            Some(s) => {
                let d = v::date("valid_until", &s)?;
                if d < from {
                    return Err(KamError::invalid(
                        "valid_until",
                        format!("有效期不能早于报价日期 {}。", date_text(from)),
                        format!("The validity date cannot be before the quote date {}.", date_text(from)),
                    ));
                }
                Ok(date_text(d))
            }
            None => Ok(date_text(from + Duration::days(days as i64))),
        }
    }

    /// Edit a quote's header: customer, dealer-led flag, validity, notes. A pending or approved
    /// quote returns to draft.
    pub fn update_quote(&mut self, id: &str, input: &QuoteInput) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        h.ensure_editable()?;
        let customer_id = input.customer_id.trim().to_string();
        customer_exists(&self.conn, &customer_id)?;
        let quote_date = v::date("quote_date", &h.quote_date)?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let valid_until = self.check_valid_until(&input.valid_until, quote_date, policy.validity_days)?;
        let notes = v::optional("notes", "备注", "Notes", &input.notes, 2000)?;
        let dealer_led = input.dealer_led.unwrap_or(h.dealer_led);
        if dealer_led && !h.dealer_led {
            let missing = lines_of(&self.conn, id, true)?.iter().any(|l| l.manual_unit_price_fen.is_none());
            if missing {
                return Err(KamError::invalid(
                    "dealer_led",
                    "改为经销商主导前，请先为每一行填写手工单价（经销商主导不套用公式）。",
                    "Before marking the quote dealer-led, give every line a manual unit price (the formula does not apply).",
                ));
            }
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET customer_id=?2, dealer_led=?3, valid_until=?4, notes=?5 WHERE id = ?1",
                params![id, customer_id, dealer_led, valid_until, notes],
            )?;
            touch(tx, ctx, &Header { dealer_led, ..h })
        })?;
        self.quote(id)
    }

    /// Add a line to a quote (priced under the quote's policy). A pending or approved quote
    /// returns to draft.
    pub fn add_quote_line(&mut self, quote_id: &str, input: &QuoteLineInput) -> Result<Quote> {
        self.add_quote_lines(quote_id, std::slice::from_ref(input))
    }

    /// Add several lines in one transaction (all or nothing).
    pub fn add_quote_lines(&mut self, quote_id: &str, inputs: &[QuoteLineInput]) -> Result<Quote> {
        let h = header(&self.conn, quote_id)?;
        h.ensure_editable()?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let mut prepared = Vec::with_capacity(inputs.len());
        for (n, i) in inputs.iter().enumerate() {
            let l = prepare_line(&self.conn, &policy, h.dealer_led, i);
            prepared.push(if inputs.len() > 1 { l.map_err(|e| with_line_number(e, n + 1)) } else { l }?);
        }
        self.write(|tx, ctx| {
            let max: Option<u32> = tx.query_row(
                "SELECT max(position) FROM quote_lines WHERE quote_id = ?1 AND deleted_at IS NULL",
                [quote_id],
                |r| r.get(0),
            )?;
            let mut pos = max.unwrap_or(0);
            for l in &prepared {
                pos += 1;
                insert_line(tx, ctx, quote_id, pos, l)?;
            }
            touch(tx, ctx, &h)
        })?;
        self.quote(quote_id)
    }

    fn line_quote(&self, line_id: &str) -> Result<Header> {
        let quote_id: String = self
            .conn
            .query_row("SELECT quote_id FROM quote_lines WHERE id = ?1 AND deleted_at IS NULL", [line_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: "报价行", id: line_id.to_string() })?;
        header(&self.conn, &quote_id)
    }

    /// Change a line. A pending or approved quote returns to draft.
    pub fn update_quote_line(&mut self, line_id: &str, input: &QuoteLineInput) -> Result<Quote> {
        let h = self.line_quote(line_id)?;
        h.ensure_editable()?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let l = prepare_line(&self.conn, &policy, h.dealer_led, input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quote_lines SET product_id=?2, description=?3, spec=?4, unit=?5, quantity=?6, cost_fen=?7,
                    fees_fen=?8, rebate_rate=?9, manual_unit_price_fen=?10, discount_rate=?11,
                    policy_unit_price_fen=?12, unit_price_fen=?13, line_total_fen=?14, breakdown=?15, notes=?16,
                    updated_at=?17, updated_by=?18 WHERE id = ?1",
                params![
                    line_id,
                    l.product_id,
                    l.description,
                    l.spec,
                    l.unit,
                    l.terms.quantity.to_string(),
                    l.terms.cost_fen,
                    l.terms.fees_fen,
                    l.terms.rebate_rate.to_string(),
                    l.terms.manual_unit_price_fen,
                    l.terms.discount_rate.to_string(),
                    l.priced.breakdown.unit_price_fen,
                    l.priced.unit_price_fen,
                    l.priced.line_total_fen,
                    to_json(&l.priced.breakdown),
                    l.notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            touch(tx, ctx, &h)
        })?;
        self.quote(&h.id)
    }

    /// Remove a line (tombstone). A pending or approved quote returns to draft.
    pub fn remove_quote_line(&mut self, line_id: &str) -> Result<Quote> {
        let h = self.line_quote(line_id)?;
        h.ensure_editable()?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quote_lines SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![line_id, ctx.now, ctx.user],
            )?;
            touch(tx, ctx, &h)
        })?;
        self.quote(&h.id)
    }

    /// Delete a quote that was never sent (tombstone).
    pub fn delete_quote(&mut self, id: &str) -> Result<()> {
        let h = header(&self.conn, id)?;
        h.ensure_editable()?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })
    }

    /// Submit a draft for approval. The approvals it needs are computed now, from its lines and
    /// its policy; with none it is approved at once, otherwise it waits as pending approval.
    pub fn submit_quote(&mut self, id: &str) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        match h.status {
            QuoteStatus::Draft => {}
            QuoteStatus::PendingApproval => {
                return Err(h.wrong_status(
                    "再次提交",
                    "submitted again",
                    "它正在等待审批。",
                    "It is waiting for approval.",
                ))
            }
            _ => {
                return Err(h.wrong_status(
                    "提交审批",
                    "submitted",
                    "只有草稿可以提交。",
                    "Only a draft can be submitted.",
                ))
            }
        }
        let lines = lines_of(&self.conn, id, h.dealer_led)?;
        if lines.is_empty() {
            return Err(KamError::invalid(
                "lines",
                "报价单还没有报价行。请先添加产品或报价行，再提交。",
                "The quote has no lines yet. Add products or lines, then submit.",
            ));
        }
        self.check_not_expired(&h)?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let required = required_for(&policy, &lines);
        let status = if required.is_empty() { QuoteStatus::Approved } else { QuoteStatus::PendingApproval };
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET status=?2, submission=submission + 1, required_approvals=?3, updated_at=?4, updated_by=?5
                 WHERE id = ?1",
                params![id, status, to_json(&required), ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    fn check_not_expired(&self, h: &Header) -> Result<()> {
        if h.valid_until < date_text(self.today()) {
            return Err(KamError::invalid(
                "valid_until",
                format!("报价单 {} 已过有效期（{}）。请修改有效期后再继续。", h.display(), h.valid_until),
                format!(
                    "Quote {} is past its validity date ({}). Change the validity date, then go on.",
                    h.display(),
                    h.valid_until
                ),
            ));
        }
        Ok(())
    }

    /// The outstanding approvals `approver_id` may sign, or a clear refusal.
    fn signable(&self, h: &Header, approver_id: &str) -> Result<(crate::model::User, Vec<RequiredApproval>)> {
        if h.status != QuoteStatus::PendingApproval {
            return Err(h.wrong_status(
                "审批",
                "approved",
                "只有待审批的报价单需要审批。",
                "Only a quote pending approval can be approved.",
            ));
        }
        let approver = self.user(approver_id).map_err(|_| {
            KamError::invalid("approver", "审批人不存在。请选择一个用户。", "The approver does not exist. Pick a user.")
        })?;
        if !approver.active {
            return Err(KamError::invalid(
                "approver",
                format!("「{}」已停用，不能审批。", approver.name),
                format!("'{}' is inactive and cannot approve.", approver.name),
            ));
        }
        let approvals = approvals_of(&self.conn, &h.id)?;
        let open = outstanding(&h.required, &approvals, h.submission);
        let mine: Vec<RequiredApproval> = open.iter().filter(|r| r.roles.contains(&approver.role)).cloned().collect();
        if mine.is_empty() {
            let need_zh = open.iter().map(|r| r.reason_zh.as_str()).collect::<Vec<_>>().join("");
            let need_en = open.iter().map(|r| r.reason_en.as_str()).collect::<Vec<_>>().join(" ");
            return Err(KamError::invalid(
                "approver",
                format!(
                    "「{}」的角色是{}，无权审批此报价单：{need_zh}请由有权限的人员审批。",
                    approver.name,
                    approver.role.label_zh()
                ),
                format!(
                    "'{}' is a {} and may not approve this quote: {need_en} Ask someone with that role.",
                    approver.name,
                    approver.role.label_en().to_lowercase()
                ),
            ));
        }
        Ok((approver, mine))
    }

    /// Approve as `approver_id`: records one approval for each outstanding requirement the
    /// approver's role may sign (append-only), and approves the quote once none is left.
    /// Refused if the approver's role matches none of them.
    pub fn approve_quote(&mut self, id: &str, approver_id: &str, comment: &str) -> Result<Quote> {
        self.decide(id, approver_id, comment, ApprovalDecision::Approved)
    }

    /// Reject as `approver_id` (a comment is required): records the decision and returns the
    /// quote to draft for changes.
    pub fn reject_quote(&mut self, id: &str, approver_id: &str, comment: &str) -> Result<Quote> {
        self.decide(id, approver_id, comment, ApprovalDecision::Rejected)
    }

    fn decide(&mut self, id: &str, approver_id: &str, comment: &str, decision: ApprovalDecision) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        let comment = match decision {
            ApprovalDecision::Approved => {
                v::optional("comment", "审批意见", "Comment", &Some(comment.to_string()), 1000)?
            }
            ApprovalDecision::Rejected => v::required("comment", "驳回理由", "Reason for rejecting", comment, 1000)?,
        };
        let (approver, mine) = self.signable(&h, approver_id)?;
        self.write(|tx, ctx| {
            for r in &mine {
                tx.execute(
                    "INSERT INTO quote_approvals (id, quote_id, submission, kind, level, decision, approver_id, approver_role,
                        comment, decided_at, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?10, ?11)",
                    params![
                        new_id(),
                        id,
                        h.submission,
                        r.kind,
                        r.level,
                        decision,
                        approver.id,
                        approver.role,
                        comment,
                        ctx.now,
                        ctx.user
                    ],
                )?;
            }
            let status = match decision {
                ApprovalDecision::Rejected => QuoteStatus::Draft,
                ApprovalDecision::Approved => {
                    let left = outstanding(&h.required, &approvals_of(tx, id)?, h.submission);
                    if left.is_empty() {
                        QuoteStatus::Approved
                    } else {
                        QuoteStatus::PendingApproval
                    }
                }
            };
            tx.execute(
                "UPDATE quotes SET status=?2, updated_at=?3, updated_by=?4 WHERE id = ?1",
                params![id, status, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    /// Mark an approved quote as sent to the customer. From now on it is immutable.
    pub fn send_quote(&mut self, id: &str) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        if h.status != QuoteStatus::Approved {
            let hint = match h.status {
                QuoteStatus::Draft => ("请先提交审批。", "Submit it for approval first."),
                QuoteStatus::PendingApproval => {
                    ("它还在等待审批，审批通过后才能发送。", "It is still waiting for approval.")
                }
                _ => ("", ""),
            };
            return Err(h.wrong_status("发送", "sent", hint.0, hint.1));
        }
        self.check_not_expired(&h)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET status='sent', sent_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    /// Record how a sent quote ended: won, lost, or expired (only once its validity has passed;
    /// an approved quote that was never sent may expire too).
    pub fn close_quote(&mut self, id: &str, outcome: QuoteOutcome) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        let status = match outcome {
            QuoteOutcome::Won => QuoteStatus::Won,
            QuoteOutcome::Lost => QuoteStatus::Lost,
            QuoteOutcome::Expired => QuoteStatus::Expired,
        };
        let allowed =
            h.status == QuoteStatus::Sent || (outcome == QuoteOutcome::Expired && h.status == QuoteStatus::Approved);
        if !allowed {
            return Err(h.wrong_status(
                &format!("标记为「{}」", status.label_zh()),
                &format!("marked {}", status.label_en().to_lowercase()),
                "只有已发送的报价单才有成交结果。",
                "Only a sent quote has an outcome.",
            ));
        }
        if outcome == QuoteOutcome::Expired && h.valid_until >= date_text(self.today()) {
            return Err(KamError::invalid(
                "valid_until",
                format!("报价单 {} 有效期至 {}，尚未过期。", h.display(), h.valid_until),
                format!("Quote {} is valid until {}: it has not expired.", h.display(), h.valid_until),
            ));
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET status=?2, closed_at=?3, updated_at=?3, updated_by=?4 WHERE id = ?1",
                params![id, status, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    /// Make a revision of a sent (or lost, or expired) quote: a new draft with the same number,
    /// revision + 1, linked to it, with the same customer, policy version and lines (their
    /// figures as priced). The original is left untouched.
    pub fn revise_quote(&mut self, id: &str) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        if !matches!(h.status, QuoteStatus::Sent | QuoteStatus::Lost | QuoteStatus::Expired) {
            let (zh, en) = if h.editable() {
                ("它还没有发送，可以直接修改。", "It has not been sent: edit it directly.")
            } else {
                ("已成交的报价单不再修订。", "A won quote is not revised.")
            };
            return Err(h.wrong_status("创建修订版", "revised", zh, en));
        }
        let newer: Option<String> = self
            .conn
            .query_row(
                "SELECT number || '-R' || revision FROM quotes WHERE revision_of = ?1 AND deleted_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(newer) = newer {
            return Err(KamError::invalid(
                "revision_of",
                format!("报价单 {} 已有修订版 {newer}。请在最新的修订版上修改。", h.display()),
                format!("Quote {} already has a revision, {newer}. Work on the newest revision.", h.display()),
            ));
        }
        let today = self.today();
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let old_span = (v::date("valid_until", &h.valid_until)? - v::date("quote_date", &h.quote_date)?).num_days();
        let valid_until = date_text(today + Duration::days(old_span.max(policy.validity_days as i64)));
        let new_id_ = new_id();
        let revision = h.revision + 1;
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO quotes (id, number, revision, revision_of, customer_id, policy_id, status, dealer_led,
                    quote_date, valid_until, notes, total_fen, created_at, created_by, updated_at, updated_by)
                 SELECT ?1, number, ?2, id, customer_id, policy_id, 'draft', dealer_led, ?3, ?4, notes, total_fen,
                    ?5, ?6, ?5, ?6
                 FROM quotes WHERE id = ?7",
                params![new_id_, revision, date_text(today), valid_until, ctx.now, ctx.user, id],
            )?;
            let ids: Vec<String> = tx
                .prepare("SELECT id FROM quote_lines WHERE quote_id = ?1 AND deleted_at IS NULL ORDER BY position")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for old in ids {
                tx.execute(
                    "INSERT INTO quote_lines (id, quote_id, position, product_id, description, spec, unit, quantity,
                        cost_fen, fees_fen, rebate_rate, manual_unit_price_fen, discount_rate, policy_unit_price_fen,
                        unit_price_fen, line_total_fen, breakdown, notes, created_at, created_by, updated_at, updated_by)
                     SELECT ?1, ?2, position, product_id, description, spec, unit, quantity, cost_fen, fees_fen,
                        rebate_rate, manual_unit_price_fen, discount_rate, policy_unit_price_fen, unit_price_fen,
                        line_total_fen, breakdown, notes, ?3, ?4, ?3, ?4
                     FROM quote_lines WHERE id = ?5",
                    params![new_id(), new_id_, ctx.now, ctx.user, old],
                )?;
            }
            Ok(())
        })?;
        self.quote(&new_id_)
    }

    /// The company printed at the head of quote workbooks; empty fields when unset.
    pub fn company_info(&self) -> Result<CompanyInfo> {
        Ok(CompanyInfo {
            name: self.setting("company_name")?.unwrap_or_default(),
            address: self.setting("company_address")?.unwrap_or_default(),
            phone: self.setting("company_phone")?.unwrap_or_default(),
        })
    }

    /// Set the company printed at the head of quote workbooks: name required (≤ 100
    /// characters), address ≤ 200, phone ≤ 50; trimmed. Returns what was stored.
    pub fn set_company_info(&mut self, input: &CompanyInfo) -> Result<CompanyInfo> {
        let info = CompanyInfo {
            name: v::required("name", "公司名称", "Company name", &input.name, 100)?,
            address: v::optional("address", "公司地址", "Company address", &Some(input.address.clone()), 200)?,
            phone: v::optional("phone", "公司电话", "Company phone", &Some(input.phone.clone()), 50)?,
        };
        self.write(|tx, _| store_company(tx, &info))?;
        self.company_info()
    }

    /// Export a quote as an Excel workbook: the customer-facing quote, or (`internal`) the
    /// internal version with cost, profit and rebate columns. Written to a temporary file in
    /// the same folder and renamed, so a failed export leaves no partial file.
    pub fn export_quote(&self, id: &str, path: &std::path::Path, internal: bool) -> Result<QuoteExport> {
        let q = self.quote(id)?;
        let info = self.company_info()?;
        let company = export::Company {
            name: if info.name.is_empty() {
                "（公司名称：请在设置中填写）".to_string()
            } else {
                info.name
            },
            address: info.address,
            phone: info.phone,
        };
        let bytes = export::workbook(&q, &company, internal)?;
        export::write_atomically(path, &bytes)?;
        Ok(QuoteExport { path: path.display().to_string(), bytes: bytes.len() as u64, internal })
    }

    /// Export into [`crate::default_export_dir`] as `报价单-<number>.xlsx` (or `…-内部.xlsx`),
    /// creating the folder if needed: what the app's export button does.
    pub fn export_quote_default(&self, id: &str, internal: bool) -> Result<QuoteExport> {
        let q = self.quote(id)?;
        let dir = crate::default_export_dir();
        std::fs::create_dir_all(&dir)?;
        let suffix = if internal { "-内部" } else { "" };
        self.export_quote(id, &dir.join(format!("报价单-{}{suffix}.xlsx", q.number)), internal)
    }
}

/// Write the company header settings (trimmed).
pub(crate) fn store_company(conn: &rusqlite::Connection, c: &CompanyInfo) -> Result<()> {
    for (k, v) in [("company_name", &c.name), ("company_address", &c.address), ("company_phone", &c.phone)] {
        crate::db::set_setting(conn, k, v.trim())?;
    }
    Ok(())
}

/// Demo data for `kam demo`: a small catalog and a few quotes in every state, for the first
/// strategic and key customers. Deterministic for a seed. Returns (products, quotes) added.
// Called by `demo::load` (kam demo).
pub(crate) fn demo_quotes(kam: &mut Kam, seed: u64) -> Result<(u32, u32)> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5157_4f54);
    if kam.setting("company_name")?.is_none() {
        kam.conn.execute(
            "INSERT OR REPLACE INTO settings(key, value) VALUES ('company_name', '华东新材料科技有限公司'),
                ('company_address', '上海市浦东新区张江路 88 号'), ('company_phone', '021-5888 6666')",
            [],
        )?;
    }
    let catalog: [(&str, &str, &str, &str, i64); 8] = [
        ("FL-EP-200", "环氧地坪涂料", "2mm 自流平", "㎡", 7000),
        ("FL-PU-300", "聚氨酯地坪", "3mm 砂浆型", "㎡", 9500),
        ("WP-SBS-4", "SBS 改性沥青防水卷材", "4mm PY 类", "㎡", 3200),
        ("IN-RW-100", "岩棉保温板", "100mm 140kg/m³", "㎡", 4800),
        ("ST-Q355", "Q355B 钢结构构件", "焊接 H 型钢", "吨", 620_000),
        ("DR-FM-A", "甲级钢质防火门", "1000×2100", "套", 185_000),
        ("CT-GRC", "GRC 装饰构件", "定制", "件", 42_000),
        ("AD-TILE", "瓷砖胶", "C2TE 20kg", "袋", 3800),
    ];
    let mut products = Vec::new();
    let mut added = 0;
    for (code, name, spec, unit, cost) in catalog {
        let p = match kam.resolve_product(code) {
            Ok(p) => p,
            Err(_) => {
                added += 1;
                kam.add_product(&ProductInput {
                    code: code.into(),
                    name: name.into(),
                    spec: Some(spec.into()),
                    unit: unit.into(),
                    cost_fen: cost,
                    effective_from: None,
                    notes: None,
                })?
            }
        };
        products.push(p);
    }
    let customers: Vec<String> = kam
        .conn
        .prepare(
            "SELECT id FROM customers WHERE deleted_at IS NULL AND tier IN ('strategic','key') ORDER BY seq LIMIT 6",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let user_of = |kam: &Kam, role: Role| -> Result<Option<String>> {
        Ok(kam.users()?.into_iter().find(|u| u.role == role && u.active).map(|u| u.id))
    };
    let manager = match user_of(kam, Role::Manager)? {
        Some(id) => id,
        None => kam.add_user("演示经理", Role::Manager, "大客户部")?.id,
    };
    if user_of(kam, Role::Executive)?.is_none() {
        kam.add_user("演示总经理", Role::Executive, "公司领导")?; // decides the 特批 left pending below
    }
    let mut quotes = 0;
    for (i, customer_id) in customers.iter().enumerate() {
        let dealer_led = i == 4;
        let q = kam.create_quote(&QuoteInput {
            customer_id: customer_id.clone(),
            dealer_led: Some(dealer_led),
            valid_until: None,
            notes: Some("含运输，不含税。".into()),
        })?;
        quotes += 1;
        let mut lines = Vec::new();
        if i == 0 {
            // The seed's worked example: 10,000 ㎡ at 70 元 with an 8% rebate → 85.40 元/㎡.
            lines.push(QuoteLineInput {
                product_id: Some(products[0].id.clone()),
                quantity: Decimal::from(10_000),
                rebate_rate: Some(Decimal::new(8, 2)),
                ..Default::default()
            });
        }
        for _ in 0..rng.random_range(1..=3) {
            let p = &products[rng.random_range(0..products.len())];
            let qty = match p.unit.as_str() {
                "吨" => rng.random_range(5..200),
                "套" | "件" => rng.random_range(10..400),
                _ => rng.random_range(500..30_000),
            };
            lines.push(QuoteLineInput {
                product_id: Some(p.id.clone()),
                quantity: Decimal::from(qty),
                fees_fen: Some(rng.random_range(0..5) * 50),
                manual_unit_price_fen: dealer_led.then(|| p.cost_fen * 112 / 100),
                discount_rate: (i == 3).then(|| Decimal::new(3, 2)),
                ..Default::default()
            });
        }
        if i == 5 {
            // Below the policy price: waits for the general manager's 特批.
            lines.push(QuoteLineInput {
                product_id: Some(products[4].id.clone()),
                quantity: Decimal::from(80),
                manual_unit_price_fen: Some(680_000),
                ..Default::default()
            });
        }
        kam.add_quote_lines(&q.id, &lines)?;
        match i {
            0 => {
                kam.submit_quote(&q.id)?; // waits for the key-account manager (rebate)
            }
            1 | 2 | 4 => {
                kam.submit_quote(&q.id)?;
                kam.send_quote(&q.id)?;
                if i == 2 {
                    kam.close_quote(&q.id, QuoteOutcome::Won)?;
                }
            }
            3 => {
                kam.submit_quote(&q.id)?;
                kam.approve_quote(&q.id, &manager, "折扣在标准以内，同意。")?;
            }
            5 => {
                kam.submit_quote(&q.id)?; // waits for the general manager's 特批
            }
            _ => {}
        }
    }
    Ok((added, quotes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_quotes_cover_every_state_and_are_repeatable() {
        let dir = tempfile::tempdir().unwrap();
        let mut kam = Kam::open(&dir.path().join("d.kam")).unwrap();
        let report = kam.load_demo(60, 3).unwrap(); // calls demo_quotes
        assert_eq!((report.products, report.quotes), (8, 6));
        let rows = kam.list_quotes(&QuoteQuery::default()).unwrap();
        let statuses: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.status.as_str()).collect();
        for s in ["pending_approval", "approved", "sent", "won"] {
            assert!(statuses.contains(s), "{s} in {statuses:?}");
        }
        let example = kam.quote(&rows.iter().find(|r| r.number.ends_with("0001")).unwrap().id).unwrap();
        assert_eq!(example.lines[0].unit_price_fen, 8540);
        let (again, _) = demo_quotes(&mut kam, 3).unwrap();
        assert_eq!(again, 0, "products are added once");
    }
}
