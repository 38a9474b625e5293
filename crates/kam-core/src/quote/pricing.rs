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
//! Money is [`Fen`] (integer fen); quantities and rates are [`Quantity`] and [`Rate`] (exact
//! decimals); never binary floating point. Arithmetic is checked: values too large are errors, never panics.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::types::{ApprovalKind, ApprovalLevel, LineEconomics};
use crate::error::{KamError, Result};
use crate::model::Role;
use crate::policy_defaults::{DISCOUNT_STANDARD_PERCENT, PROFIT_TIERS, QUOTE_VALIDITY_DAYS, REBATE_TIERS};
use crate::units::{ExactYuan, Fen, Quantity, Rate, MAX_FEN};

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
    pub from_fen: Fen,
    pub rate: Rate,
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
    pub discount_standard: Rate,
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

impl PricingPolicy {
    /// DOMAIN.md's defaults, exactly as migration 0002 seeds them. Profit: < 200,000 → 20%;
    /// [200,000, 500,000) → 17%; [500,000, 1,000,000) → 14%; ≥ 1,000,000 → 10%. Rebate
    /// reference: < 200,000 → 5%; [200,000, 1,000,000) → 8%; ≥ 1,000,000 → 10%. Discount
    /// standard 5%.
    pub fn default_policy() -> PricingPolicy {
        let t = |from_yuan: i64, pct: i64| RateTier { from_fen: Fen::yuan(from_yuan), rate: Rate::percent(pct) };
        PricingPolicy {
            id: DEFAULT_POLICY_ID.to_string(),
            version: 1,
            effective_from: "2000-01-01".to_string(),
            // The seed's numbers: crate::policy_defaults.
            profit_tiers: PROFIT_TIERS.iter().map(|&(from, pct)| t(from, pct)).collect(),
            rebate_tiers: REBATE_TIERS.iter().map(|&(from, pct)| t(from, pct)).collect(),
            discount_standard: Rate::percent(DISCOUNT_STANDARD_PERCENT),
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
    pub from_fen: Fen,
    /// Exclusive upper bound; none for the top tier.
    pub to_fen: Option<Fen>,
    pub rate: Rate,
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
    pub cost_fen: Fen,
    pub quantity: Quantity,
    /// Other fees per unit (freight, installation, materials).
    pub fees_fen: Fen,
    /// Quantity × cost, exact, in yuan: what selects the tiers.
    pub estimated_sales_yuan: ExactYuan,
    pub profit_tier: TierApplied,
    pub rebate_reference_tier: TierApplied,
    pub profit_rate: Rate,
    /// The rebate rate offered (the reference rate is in `rebate_reference_tier`).
    pub rebate_rate: Rate,
    /// Cost × profit rate, exact, in yuan.
    pub profit_per_unit_yuan: ExactYuan,
    /// Cost × rebate rate, exact, in yuan.
    pub rebate_per_unit_yuan: ExactYuan,
    /// Cost + profit + rebate + fees before rounding, in yuan.
    pub exact_unit_price_yuan: ExactYuan,
    /// The policy unit price: the exact price rounded half-up to the fen, once.
    pub unit_price_fen: Fen,
    /// Unit price × quantity (rounded half-up to the fen for fractional quantities).
    pub line_total_fen: Fen,
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
pub(crate) fn check_fen(field: &str, label_zh: &str, label_en: &str, v: Fen) -> Result<Fen> {
    if v < Fen::ZERO {
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
pub fn check_quantity(q: Quantity) -> Result<Quantity> {
    let q = q.0.normalize();
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
    Ok(Quantity(q))
}

/// A rate 0 ≤ r < 1 (or ≤ 1 when `allow_one`).
pub(crate) fn check_rate(field: &str, label_zh: &str, label_en: &str, r: Rate, allow_one: bool) -> Result<Rate> {
    let r = r.0;
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
    Ok(Rate(r.normalize()))
}

/// Check a tier table: starts at 0, strictly increasing bounds, rates 0–100%.
pub(crate) fn check_tiers(field: &str, label_zh: &str, label_en: &str, tiers: &[RateTier]) -> Result<()> {
    let bad = |zh: String, en: String| Err(KamError::invalid(field, zh, en));
    if tiers.first().map(|t| t.from_fen) != Some(Fen::ZERO) {
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

fn tier(tiers: &[RateTier], estimated_fen: Decimal) -> TierApplied {
    let i = tiers.iter().rposition(|t| t.from_fen.to_decimal() <= estimated_fen).unwrap_or(0);
    let t = &tiers[i];
    let to = tiers.get(i + 1).map(|n| n.from_fen);
    let label = match to {
        Some(to) => format!("[{}, {}) → {}", t.from_fen.yuan_text(), to.yuan_text(), t.rate.percent_text()),
        None => format!("≥ {} → {}", t.from_fen.yuan_text(), t.rate.percent_text()),
    };
    TierApplied { from_fen: t.from_fen, to_fen: to, rate: t.rate, label }
}

/// Round an exact amount of fen half-up (away from zero) to whole fen, within [`MAX_FEN`].
pub fn round_fen(field: &str, exact_fen: Decimal) -> Result<Fen> {
    match Fen::round_half_up(exact_fen) {
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

/// The policy price of one line: unit price = cost + cost × profit + cost × rebate + fees,
/// rounded half-up to the fen once (at the unit price). `rebate_rate` is the rate offered
/// (0.08 = 8%); the rebate reference tier is reported alongside. Errors (never panics) on
/// negative or oversized inputs.
pub fn price_line(
    policy: &PricingPolicy,
    cost_fen: Fen,
    quantity: Quantity,
    rebate_rate: Rate,
    fees_fen: Fen,
) -> Result<PriceBreakdown> {
    let cost_fen = check_fen("cost", "成本价", "cost price", cost_fen)?;
    let fees_fen = check_fen("fees", "其他费用", "other fees", fees_fen)?;
    let quantity = check_quantity(quantity)?;
    let rebate_rate = check_rate("rebate_rate", "返点率", "rebate rate", rebate_rate, false)?;
    let cost = cost_fen.to_decimal();
    let estimated = mul("quantity", cost, quantity.0)?;
    let profit_tier = tier(&policy.profit_tiers, estimated);
    let rebate_reference_tier = tier(&policy.rebate_tiers, estimated);
    let profit = mul("cost", cost, profit_tier.rate.0)?;
    let rebate = mul("cost", cost, rebate_rate.0)?;
    let exact = add("cost", add("cost", add("cost", cost, profit)?, rebate)?, fees_fen.to_decimal())?;
    let unit_price_fen = round_fen("cost", exact)?;
    let line_total_fen = round_fen("quantity", mul("quantity", unit_price_fen.to_decimal(), quantity.0)?)?;
    Ok(PriceBreakdown {
        policy_id: policy.id.clone(),
        policy_version: policy.version,
        cost_fen,
        quantity,
        fees_fen,
        estimated_sales_yuan: ExactYuan::from_exact_fen(estimated),
        profit_rate: profit_tier.rate,
        profit_tier,
        rebate_reference_tier,
        rebate_rate,
        profit_per_unit_yuan: ExactYuan::from_exact_fen(profit),
        rebate_per_unit_yuan: ExactYuan::from_exact_fen(rebate),
        exact_unit_price_yuan: ExactYuan::from_exact_fen(exact),
        unit_price_fen,
        line_total_fen,
        rounding_zh: ROUNDING_ZH.to_string(),
        rounding_en: ROUNDING_EN.to_string(),
    })
}

/// What a quote line asks for, beyond the formula's inputs.
#[derive(Debug, Clone)]
pub(crate) struct LineTerms {
    pub cost_fen: Fen,
    pub quantity: Quantity,
    pub fees_fen: Fen,
    pub rebate_rate: Rate,
    pub manual_unit_price_fen: Option<Fen>,
    pub discount_rate: Rate,
}

/// A quote line priced: the breakdown, the price offered and the approvals it calls for.
#[derive(Debug, Clone)]
pub(crate) struct LinePricing {
    pub breakdown: PriceBreakdown,
    pub unit_price_fen: Fen,
    pub line_total_fen: Fen,
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
        Some(m) => m.to_decimal(),
        None => breakdown.exact_unit_price_yuan.to_exact_fen(),
    };
    let unit_price_fen = if discount.is_zero() {
        manual.unwrap_or(breakdown.unit_price_fen)
    } else {
        round_fen("discount_rate", mul("discount_rate", base, Decimal::ONE - discount.0)?)?
    };
    let line_total_fen = round_fen("quantity", mul("quantity", unit_price_fen.to_decimal(), breakdown.quantity.0)?)?;
    let below_policy = !dealer_led && manual.is_some_and(|m| m < breakdown.unit_price_fen);
    let economics = economics(t.cost_fen, breakdown.quantity, t.fees_fen, breakdown.rebate_rate, line_total_fen)?;
    Ok(LinePricing { breakdown, unit_price_fen, line_total_fen, below_policy, economics })
}

/// The internal economics of a line from its stored figures.
pub(crate) fn economics(
    cost_fen: Fen,
    quantity: Quantity,
    fees_fen: Fen,
    rebate_rate: Rate,
    line_total_fen: Fen,
) -> Result<LineEconomics> {
    let (quantity, cost) = (quantity.0, cost_fen.to_decimal());
    let cost_total_fen = round_fen("quantity", mul("quantity", cost, quantity)?)?;
    let fees_total_fen = round_fen("quantity", mul("quantity", fees_fen.to_decimal(), quantity)?)?;
    let rebate_total_fen = round_fen("quantity", mul("quantity", mul("quantity", cost, rebate_rate.0)?, quantity)?)?;
    let profit_total_fen = line_total_fen - cost_total_fen - fees_total_fen - rebate_total_fen;
    let profit_rate_actual = (cost_total_fen > Fen::ZERO).then(|| {
        Rate(
            (profit_total_fen.to_decimal() / cost_total_fen.to_decimal())
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero),
        )
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
    rebate_rate: Rate,
    discount_rate: Rate,
) -> Vec<(ApprovalKind, ApprovalLevel)> {
    let mut out = Vec::new();
    if below_policy {
        out.push((ApprovalKind::BelowPolicy, ApprovalLevel::GeneralManager));
    }
    if rebate_rate > Rate::ZERO {
        out.push((ApprovalKind::Rebate, ApprovalLevel::Department));
    }
    if discount_rate > Rate::ZERO {
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

    fn d<T: std::str::FromStr>(s: &str) -> T
    where
        T::Err: std::fmt::Debug,
    {
        s.parse().unwrap()
    }

    #[test]
    fn the_seeds_worked_example() {
        let b = price_line(&PricingPolicy::default_policy(), Fen(7000), d("10000"), d("0.08"), Fen(0)).unwrap();
        assert_eq!(b.estimated_sales_yuan, ExactYuan(d("700000")));
        assert_eq!(b.profit_rate, d("0.14"));
        assert_eq!(b.rebate_reference_tier.rate, d("0.08"));
        assert_eq!(b.profit_per_unit_yuan, ExactYuan(d("9.8")));
        assert_eq!(b.rebate_per_unit_yuan, ExactYuan(d("5.6")));
        assert_eq!(b.unit_price_fen, Fen(8540));
        assert_eq!(b.line_total_fen, Fen(85_400_000));
        assert_eq!(b.profit_tier.label, "[500,000.00, 1,000,000.00) → 14%");
        assert!(b.rounding_zh.contains("四舍五入"));
    }

    #[test]
    fn half_up_not_half_even() {
        // 10.02 × 1.25 = 12.525 → 12.53 (half-even would give 12.52).
        let b = price_line(&PricingPolicy::default_policy(), Fen(1002), d("1"), d("0.05"), Fen(0)).unwrap();
        assert_eq!(b.exact_unit_price_yuan, ExactYuan(d("12.525")));
        assert_eq!(b.unit_price_fen, Fen(1253));
        // 10.06 × 1.25 = 12.575 → 12.58; 10.01 × 1.25 = 12.5125 → 12.51.
        assert_eq!(
            price_line(&PricingPolicy::default_policy(), Fen(1006), d("1"), d("0.05"), Fen(0)).unwrap().unit_price_fen,
            Fen(1258)
        );
        assert_eq!(
            price_line(&PricingPolicy::default_policy(), Fen(1001), d("1"), d("0.05"), Fen(0)).unwrap().unit_price_fen,
            Fen(1251)
        );
    }

    #[test]
    fn formats() {
        assert_eq!(Fen(85_400_000).yuan_text(), "854,000.00");
        assert_eq!(Fen(5).yuan_text(), "0.05");
        assert_eq!(d::<Rate>("0.14").percent_text(), "14%");
        assert_eq!(d::<Rate>("0.085").percent_text(), "8.5%");
    }
}
