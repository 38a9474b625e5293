//! The pricing policy (报价政策, seed 001 篇五) and the pure pricing formula. No database here:
//! the app, the CLI and the tests can price a line with nothing but a policy.
//!
//! **Unit price = cost + cost × profit rate + cost × rebate rate + other fees per unit.**
//! The profit rate comes from the estimated sales amount (quantity × cost) by the policy's
//! half-open tiers `[from, next from)`; the rebate reference rate likewise.
//!
//! **Rounding, stated once:** every component (profit, rebate, fees) is kept exact; the unit
//! price is rounded half-up to the fen (分) once, at the unit price. A discount is applied to
//! the exact price before that one rounding. A line total is the unit price × quantity: exact
//! for whole quantities, and rounded half-up to the fen for fractional ones (10,000.5 ㎡),
//! because an amount of money is whole fen.
//!
//! Money is integer fen; quantities and rates are `rust_decimal::Decimal`; never binary
//! floating point. Arithmetic is checked: values too large are errors, never panics.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::types::{ApprovalKind, ApprovalLevel, LineEconomics};
use crate::error::{KamError, Result};
use crate::model::Role;
use crate::policy_defaults::{DISCOUNT_STANDARD_PERCENT, PROFIT_TIERS, QUOTE_VALIDITY_DAYS, REBATE_TIERS};

/// The largest amount of money the core accepts anywhere: 10^13 fen = 1000 亿元 (as
/// `validate::money`). Unit prices, line totals and quote totals are all bounded by it.
pub const MAX_FEN: i64 = 10_000_000_000_000;
/// The largest quantity on a line: 10 亿 units.
pub const MAX_QUANTITY: i64 = 1_000_000_000;
/// Quantities may have up to 4 decimals (0.0001 吨 = 100 g).
pub const QUANTITY_DECIMALS: u32 = 4;

/// The rounding rule, as shown with every breakdown.
pub const ROUNDING_ZH: &str =
    "单价按四舍五入保留到分，只在单价处取整一次；利润、返点等分项为精确值。小数数量的行金额再四舍五入到分。";
/// The rounding rule in English.
pub const ROUNDING_EN: &str = "The unit price is rounded half-up to the fen once, at the unit price; the profit and rebate components are exact. A line total with a fractional quantity is rounded half-up to the fen.";

/// One band of a tier table: from `from_fen` of estimated sales (inclusive) up to the next
/// band's `from_fen` (exclusive), this rate applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RateTier {
    #[ts(type = "number")]
    pub from_fen: i64,
    #[ts(type = "string")]
    pub rate: Decimal,
}

/// A version of the company's pricing policy. Versions are never changed: a new policy is a
/// new version with its effective date, and every quote keeps the version it was priced under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PricingPolicy {
    pub id: String,
    pub version: i32,
    /// `YYYY-MM-DD`: prices quotes created from this day on (company time zone).
    pub effective_from: String,
    /// Required profit rate by estimated sales (quantity × cost).
    pub profit_tiers: Vec<RateTier>,
    /// Rebate reference rate by estimated sales (on collected payments).
    pub rebate_tiers: Vec<RateTier>,
    /// Discounts up to this rate are approved at department level; above it by the general manager.
    #[ts(type = "string")]
    pub discount_standard: Decimal,
    /// Roles that may sign department-level approvals (key-account manager / service department).
    pub department_roles: Vec<Role>,
    /// Roles that may sign general-manager approvals (特批).
    pub general_manager_roles: Vec<Role>,
    /// Default validity of a new quote, in days.
    pub validity_days: u32,
    pub notes: String,
    pub created_at: String,
}

/// The id of the seeded default policy (version 1): the same row on every device.
pub const DEFAULT_POLICY_ID: &str = "00000000-0000-7000-8000-000000000001";

fn rate(percent: i64) -> Decimal {
    Decimal::new(percent, 2)
}

impl PricingPolicy {
    /// DOMAIN.md's defaults, exactly as migration 0002 seeds them. Profit: < 200,000 → 20%;
    /// [200,000, 500,000) → 17%; [500,000, 1,000,000) → 14%; ≥ 1,000,000 → 10%. Rebate
    /// reference: < 200,000 → 5%; [200,000, 1,000,000) → 8%; ≥ 1,000,000 → 10%. Discount
    /// standard 5%.
    pub fn default_policy() -> PricingPolicy {
        let t = |from_yuan: i64, pct: i64| RateTier { from_fen: from_yuan * 100, rate: rate(pct) };
        PricingPolicy {
            id: DEFAULT_POLICY_ID.to_string(),
            version: 1,
            effective_from: "2000-01-01".to_string(),
            // The seed's numbers: crate::policy_defaults.
            profit_tiers: PROFIT_TIERS.iter().map(|&(from, pct)| t(from, pct)).collect(),
            rebate_tiers: REBATE_TIERS.iter().map(|&(from, pct)| t(from, pct)).collect(),
            discount_standard: rate(DISCOUNT_STANDARD_PERCENT),
            department_roles: vec![Role::Manager, Role::Executive],
            general_manager_roles: vec![Role::Executive],
            validity_days: QUOTE_VALIDITY_DAYS,
            notes: "默认报价政策（大客户管理制度 篇五）".to_string(),
            created_at: "2026-01-01T00:00:00.000Z".to_string(),
        }
    }

    /// The roles that may sign a level.
    pub fn roles_for(&self, level: ApprovalLevel) -> &[Role] {
        match level {
            ApprovalLevel::Department => &self.department_roles,
            ApprovalLevel::GeneralManager => &self.general_manager_roles,
        }
    }
}

/// The tier a line fell into, for the breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TierApplied {
    #[ts(type = "number")]
    pub from_fen: i64,
    /// Exclusive upper bound; none for the top tier.
    #[ts(type = "number | null")]
    pub to_fen: Option<i64>,
    #[ts(type = "string")]
    pub rate: Decimal,
    /// "[500,000.00, 1,000,000.00) → 14%"
    pub label: String,
}

/// The formula for one line, step by step. Components are exact (in yuan); only the unit price
/// is rounded (half-up to the fen, once) — see [`ROUNDING_ZH`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PriceBreakdown {
    pub policy_id: String,
    pub policy_version: i32,
    #[ts(type = "number")]
    pub cost_fen: i64,
    #[ts(type = "string")]
    pub quantity: Decimal,
    /// Other fees per unit (freight, installation, materials).
    #[ts(type = "number")]
    pub fees_fen: i64,
    /// Quantity × cost, exact, in yuan: what selects the tiers.
    #[ts(type = "string")]
    pub estimated_sales_yuan: Decimal,
    pub profit_tier: TierApplied,
    pub rebate_reference_tier: TierApplied,
    #[ts(type = "string")]
    pub profit_rate: Decimal,
    /// The rebate rate offered (the reference rate is in `rebate_reference_tier`).
    #[ts(type = "string")]
    pub rebate_rate: Decimal,
    /// Cost × profit rate, exact, in yuan.
    #[ts(type = "string")]
    pub profit_per_unit_yuan: Decimal,
    /// Cost × rebate rate, exact, in yuan.
    #[ts(type = "string")]
    pub rebate_per_unit_yuan: Decimal,
    /// Cost + profit + rebate + fees before rounding, in yuan.
    #[ts(type = "string")]
    pub exact_unit_price_yuan: Decimal,
    /// The policy unit price: the exact price rounded half-up to the fen, once.
    #[ts(type = "number")]
    pub unit_price_fen: i64,
    /// Unit price × quantity (rounded half-up to the fen for fractional quantities).
    #[ts(type = "number")]
    pub line_total_fen: i64,
    pub rounding_zh: String,
    pub rounding_en: String,
}

fn overflow(field: &str) -> KamError {
    KamError::invalid(
        field,
        "金额过大：超过 1000 亿元的上限。请检查数量和单价是否多输了位数。",
        "The amount is too large: over the limit of 100 billion yuan. Check the quantity and prices for extra digits.",
    )
}

/// Money in fen that must be 0 ≤ v ≤ [`MAX_FEN`].
pub(crate) fn check_fen(field: &str, label_zh: &str, label_en: &str, v: i64) -> Result<i64> {
    if v < 0 {
        return Err(KamError::invalid(
            field,
            format!("{label_zh}不能为负数。请输入 0 或正数。"),
            format!("The {label_en} cannot be negative. Enter zero or a positive amount."),
        ));
    }
    if v > MAX_FEN {
        return Err(KamError::invalid(
            field,
            format!("{label_zh}超过上限 1000 亿元。请检查是否多输了位数。"),
            format!("The {label_en} is over the limit of 100 billion yuan. Check for extra digits."),
        ));
    }
    Ok(v)
}

/// A line quantity: > 0, at most [`MAX_QUANTITY`], at most [`QUANTITY_DECIMALS`] decimals.
pub fn check_quantity(q: Decimal) -> Result<Decimal> {
    let q = q.normalize();
    if q <= Decimal::ZERO {
        return Err(KamError::invalid("quantity", "数量必须大于 0。", "The quantity must be greater than zero."));
    }
    if q > Decimal::from(MAX_QUANTITY) {
        return Err(KamError::invalid(
            "quantity",
            "数量超过上限 10 亿。请检查是否多输了位数。",
            "The quantity is over the limit of one billion. Check for extra digits.",
        ));
    }
    if q.scale() > QUANTITY_DECIMALS {
        return Err(KamError::invalid(
            "quantity",
            format!("数量最多保留 {QUANTITY_DECIMALS} 位小数。"),
            format!("A quantity may have at most {QUANTITY_DECIMALS} decimals."),
        ));
    }
    Ok(q)
}

/// A rate 0 ≤ r < 1 (or ≤ 1 when `allow_one`).
pub(crate) fn check_rate(field: &str, label_zh: &str, label_en: &str, r: Decimal, allow_one: bool) -> Result<Decimal> {
    let ok = r >= Decimal::ZERO && (r < Decimal::ONE || (allow_one && r == Decimal::ONE));
    if !ok || r.normalize().scale() > 6 {
        let max = if allow_one { "100%" } else { "100%（不含）" };
        return Err(KamError::invalid(
            field,
            format!("{label_zh}应在 0 到 {max} 之间，最多 4 位百分比小数，例如 8% 或 0.08。"),
            format!(
                "The {label_en} must be between 0 and 100%{}, e.g. 8% or 0.08.",
                if allow_one { "" } else { " (exclusive)" }
            ),
        ));
    }
    Ok(r.normalize())
}

/// Check a tier table: starts at 0, strictly increasing bounds, rates 0–100%.
pub(crate) fn check_tiers(field: &str, label_zh: &str, label_en: &str, tiers: &[RateTier]) -> Result<()> {
    let bad = |zh: String, en: String| Err(KamError::invalid(field, zh, en));
    if tiers.first().map(|t| t.from_fen) != Some(0) {
        return bad(
            format!("{label_zh}的第一档必须从 0 开始。"),
            format!("The first {label_en} tier must start at 0."),
        );
    }
    for w in tiers.windows(2) {
        if w[1].from_fen <= w[0].from_fen {
            return bad(
                format!("{label_zh}的档位下限必须逐档递增。"),
                format!("The {label_en} tier bounds must increase from tier to tier."),
            );
        }
    }
    for t in tiers {
        check_fen(field, label_zh, label_en, t.from_fen)?;
        check_rate(field, label_zh, label_en, t.rate, true)?;
    }
    Ok(())
}

/// Fen as yuan with thousands separators: 70000000 → "700,000.00".
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    let int = (f / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && i % 3 == int.len() % 3 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", f % 100)
}

/// A rate as a percentage: 0.14 → "14%", 0.085 → "8.5%".
pub fn format_rate(r: Decimal) -> String {
    format!("{}%", (r * Decimal::ONE_HUNDRED).normalize())
}

fn tier(tiers: &[RateTier], estimated_fen: Decimal) -> TierApplied {
    let i = tiers.iter().rposition(|t| Decimal::from(t.from_fen) <= estimated_fen).unwrap_or(0);
    let t = &tiers[i];
    let to = tiers.get(i + 1).map(|n| n.from_fen);
    let label = match to {
        Some(to) => format!("[{}, {}) → {}", format_yuan(t.from_fen), format_yuan(to), format_rate(t.rate)),
        None => format!("≥ {} → {}", format_yuan(t.from_fen), format_rate(t.rate)),
    };
    TierApplied { from_fen: t.from_fen, to_fen: to, rate: t.rate, label }
}

/// Round an exact amount of fen half-up (away from zero) to whole fen, within [`MAX_FEN`].
pub fn round_fen(field: &str, exact_fen: Decimal) -> Result<i64> {
    let r = exact_fen.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    match r.to_i64() {
        Some(v) if (-MAX_FEN..=MAX_FEN).contains(&v) => Ok(v),
        _ => Err(overflow(field)),
    }
}

fn mul(field: &str, a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(|| overflow(field))
}

fn add(field: &str, a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| overflow(field))
}

fn yuan(fen: Decimal) -> Decimal {
    fen / Decimal::ONE_HUNDRED
}

/// The policy price of one line: unit price = cost + cost × profit + cost × rebate + fees,
/// rounded half-up to the fen once (at the unit price). `rebate_rate` is the rate offered
/// (0.08 = 8%); the rebate reference tier is reported alongside. Errors (never panics) on
/// negative or oversized inputs.
pub fn price_line(
    policy: &PricingPolicy,
    cost_fen: i64,
    quantity: Decimal,
    rebate_rate: Decimal,
    fees_fen: i64,
) -> Result<PriceBreakdown> {
    let cost_fen = check_fen("cost", "成本价", "cost price", cost_fen)?;
    let fees_fen = check_fen("fees", "其他费用", "other fees", fees_fen)?;
    let quantity = check_quantity(quantity)?;
    let rebate_rate = check_rate("rebate_rate", "返点率", "rebate rate", rebate_rate, false)?;
    let cost = Decimal::from(cost_fen);
    let estimated = mul("quantity", cost, quantity)?;
    let profit_tier = tier(&policy.profit_tiers, estimated);
    let rebate_reference_tier = tier(&policy.rebate_tiers, estimated);
    let profit = mul("cost", cost, profit_tier.rate)?;
    let rebate = mul("cost", cost, rebate_rate)?;
    let exact = add("cost", add("cost", add("cost", cost, profit)?, rebate)?, Decimal::from(fees_fen))?;
    let unit_price_fen = round_fen("cost", exact)?;
    let line_total_fen = round_fen("quantity", mul("quantity", Decimal::from(unit_price_fen), quantity)?)?;
    Ok(PriceBreakdown {
        policy_id: policy.id.clone(),
        policy_version: policy.version,
        cost_fen,
        quantity,
        fees_fen,
        estimated_sales_yuan: yuan(estimated),
        profit_rate: profit_tier.rate,
        profit_tier,
        rebate_reference_tier,
        rebate_rate,
        profit_per_unit_yuan: yuan(profit),
        rebate_per_unit_yuan: yuan(rebate),
        exact_unit_price_yuan: yuan(exact),
        unit_price_fen,
        line_total_fen,
        rounding_zh: ROUNDING_ZH.to_string(),
        rounding_en: ROUNDING_EN.to_string(),
    })
}

/// What a quote line asks for, beyond the formula's inputs.
#[derive(Debug, Clone)]
pub(crate) struct LineTerms {
    pub cost_fen: i64,
    pub quantity: Decimal,
    pub fees_fen: i64,
    pub rebate_rate: Decimal,
    pub manual_unit_price_fen: Option<i64>,
    pub discount_rate: Decimal,
}

/// A quote line priced: the breakdown, the price offered and the approvals it calls for.
#[derive(Debug, Clone)]
pub(crate) struct LinePricing {
    pub breakdown: PriceBreakdown,
    pub unit_price_fen: i64,
    pub line_total_fen: i64,
    pub below_policy: bool,
    pub economics: LineEconomics,
}

/// Price a quote line: the formula's price, or the manual one, less the discount, rounded
/// half-up to the fen once. On a dealer-led quote the formula is not applied and a manual
/// price is required.
pub(crate) fn price_terms(policy: &PricingPolicy, t: &LineTerms, dealer_led: bool) -> Result<LinePricing> {
    let breakdown = price_line(policy, t.cost_fen, t.quantity, t.rebate_rate, t.fees_fen)?;
    let discount = check_rate("discount_rate", "折扣率", "discount rate", t.discount_rate, false)?;
    let manual = t
        .manual_unit_price_fen
        .map(|m| check_fen("manual_unit_price", "手工单价", "manual unit price", m))
        .transpose()?;
    if dealer_led && manual.is_none() {
        return Err(KamError::invalid(
            "manual_unit_price",
            "经销商主导的报价不套用公式，每一行都需要填写手工单价。",
            "A dealer-led quote does not use the formula: every line needs a manual unit price.",
        ));
    }
    let base = match manual {
        Some(m) => Decimal::from(m),
        None => breakdown.exact_unit_price_yuan * Decimal::ONE_HUNDRED,
    };
    let unit_price_fen = if discount.is_zero() {
        manual.unwrap_or(breakdown.unit_price_fen)
    } else {
        round_fen("discount_rate", mul("discount_rate", base, Decimal::ONE - discount)?)?
    };
    let line_total_fen = round_fen("quantity", mul("quantity", Decimal::from(unit_price_fen), breakdown.quantity)?)?;
    let below_policy = !dealer_led && manual.is_some_and(|m| m < breakdown.unit_price_fen);
    let economics = economics(t.cost_fen, breakdown.quantity, t.fees_fen, breakdown.rebate_rate, line_total_fen)?;
    Ok(LinePricing { breakdown, unit_price_fen, line_total_fen, below_policy, economics })
}

/// The internal economics of a line from its stored figures.
pub(crate) fn economics(
    cost_fen: i64,
    quantity: Decimal,
    fees_fen: i64,
    rebate_rate: Decimal,
    line_total_fen: i64,
) -> Result<LineEconomics> {
    let cost_total_fen = round_fen("quantity", mul("quantity", Decimal::from(cost_fen), quantity)?)?;
    let fees_total_fen = round_fen("quantity", mul("quantity", Decimal::from(fees_fen), quantity)?)?;
    let rebate_total_fen =
        round_fen("quantity", mul("quantity", mul("quantity", Decimal::from(cost_fen), rebate_rate)?, quantity)?)?;
    let profit_total_fen = line_total_fen - cost_total_fen - fees_total_fen - rebate_total_fen;
    let profit_rate_actual = (cost_total_fen > 0).then(|| {
        (Decimal::from(profit_total_fen) / Decimal::from(cost_total_fen))
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
    });
    Ok(LineEconomics { cost_total_fen, fees_total_fen, rebate_total_fen, profit_total_fen, profit_rate_actual })
}

/// The approvals one line calls for: a manual price below the policy price needs the general
/// manager (特批, direct projects only); any rebate needs department level (the key-account
/// manager) before it is promised; a discount within the policy's standard needs department
/// level, beyond it the general manager.
pub(crate) fn line_approvals(
    policy: &PricingPolicy,
    below_policy: bool,
    rebate_rate: Decimal,
    discount_rate: Decimal,
) -> Vec<(ApprovalKind, ApprovalLevel)> {
    let mut out = Vec::new();
    if below_policy {
        out.push((ApprovalKind::BelowPolicy, ApprovalLevel::GeneralManager));
    }
    if rebate_rate > Decimal::ZERO {
        out.push((ApprovalKind::Rebate, ApprovalLevel::Department));
    }
    if discount_rate > Decimal::ZERO {
        let level = if discount_rate <= policy.discount_standard {
            ApprovalLevel::Department
        } else {
            ApprovalLevel::GeneralManager
        };
        out.push((ApprovalKind::Discount, level));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_seeds_worked_example() {
        let b = price_line(&PricingPolicy::default_policy(), 7000, d("10000"), d("0.08"), 0).unwrap();
        assert_eq!(b.estimated_sales_yuan, d("700000"));
        assert_eq!(b.profit_rate, d("0.14"));
        assert_eq!(b.rebate_reference_tier.rate, d("0.08"));
        assert_eq!(b.profit_per_unit_yuan, d("9.8"));
        assert_eq!(b.rebate_per_unit_yuan, d("5.6"));
        assert_eq!(b.unit_price_fen, 8540);
        assert_eq!(b.line_total_fen, 85_400_000);
        assert_eq!(b.profit_tier.label, "[500,000.00, 1,000,000.00) → 14%");
        assert!(b.rounding_zh.contains("四舍五入"));
    }

    #[test]
    fn half_up_not_half_even() {
        // 10.02 × 1.25 = 12.525 → 12.53 (half-even would give 12.52).
        let b = price_line(&PricingPolicy::default_policy(), 1002, d("1"), d("0.05"), 0).unwrap();
        assert_eq!(b.exact_unit_price_yuan, d("12.525"));
        assert_eq!(b.unit_price_fen, 1253);
        // 10.06 × 1.25 = 12.575 → 12.58; 10.01 × 1.25 = 12.5125 → 12.51.
        assert_eq!(
            price_line(&PricingPolicy::default_policy(), 1006, d("1"), d("0.05"), 0).unwrap().unit_price_fen,
            1258
        );
        assert_eq!(
            price_line(&PricingPolicy::default_policy(), 1001, d("1"), d("0.05"), 0).unwrap().unit_price_fen,
            1251
        );
    }

    #[test]
    fn formats() {
        assert_eq!(format_yuan(85_400_000), "854,000.00");
        assert_eq!(format_yuan(5), "0.05");
        assert_eq!(format_rate(d("0.14")), "14%");
        assert_eq!(format_rate(d("0.085")), "8.5%");
    }
}
