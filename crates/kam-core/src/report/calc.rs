//! The pay and development rules of DOMAIN.md "Targets, quotas and pay" as pure functions.
//!
//! Money is integer fen throughout. Every derived figure is rounded **once**, half-up (away
//! from zero) to the fen, from exact decimal arithmetic on rounded inputs: e.g. the department
//! adjustment is 5% of the already-rounded base bonus, as a clerk would compute it by hand.
//!
//! Results score (业绩得分, 0–60): `min(60, round_half_up(60 × net sales ÷ sales target))`,
//! whole points; net sales below zero count as zero; without a sales target for the rep and
//! month there is no results score (the bonus is then not computed and the sheet says 未设目标).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::units::Fen;

pub use crate::time::{month_str, parse_month, MonthIndex};

// The seed's numbers (thresholds, steps, bands, the 2 % commission) live in policy_defaults.rs.
pub use crate::policy_defaults::{COMMISSION_PERCENT, NEW_CUSTOMER_MIN_FEN, QUOTA_STEP_FEN};
use crate::policy_defaults::{DEPARTMENT_ADJUST_PERCENT, NEW_CUSTOMER_BONUS, PERFORMANCE_BONUS_BANDS};
/// Default new-customer quota per rep and month (setting `new_customer_quota`).
pub const DEFAULT_QUOTA: u32 = crate::policy_defaults::NEW_CUSTOMER_QUOTA;

fn round_fen(d: Decimal) -> Fen {
    Fen::round_half_up(d).unwrap_or_default()
}

/// Is `month` a development month (开发月) of a customer? Its net purchases that month
/// (sales − returns) exceed 100 元, and it bought nothing in the 12 months before — either it
/// never bought before (a new customer) or it was dormant for more than a year (reactivated,
/// which counts as new). `purchases(m)` gives the net purchases of month `m` in fen.
pub fn is_development_month(month: MonthIndex, purchases: impl Fn(MonthIndex) -> Fen) -> bool {
    purchases(month) > NEW_CUSTOMER_MIN_FEN && (1..=12).all(|k| purchases(month - k) <= Fen::ZERO)
}

/// The quota incentive (开发指标奖罚): +10 元 per new customer above the quota, −10 元 per
/// customer short of it.
pub fn quota_incentive_fen(new_customers: u32, quota: u32) -> Fen {
    Fen(QUOTA_STEP_FEN.0 * (new_customers as i64 - quota as i64))
}

/// The bonus for one new customer in its `nth` month (1 = the development month, 2, 3) on
/// that month's net purchases (returns deducted). Only the highest step is paid (奖金不重叠).
/// The seed's wording: 含 = at least (≥), 超过 = more than (>).
/// - month 1: ≥ 2,000 元 → 50; ≥ 4,000 元 → 100
/// - month 2: ≥ 3,000 元 → 50; > 5,000 元 → 100
/// - month 3: > 5,000 元 → 100; > 10,000 元 → 200
pub fn new_customer_bonus_fen(nth: u32, net_purchases_fen: Fen) -> Fen {
    let p = net_purchases_fen;
    NEW_CUSTOMER_BONUS
        .iter()
        .find(|s| s.month == nth && if s.inclusive { p >= s.from_fen } else { p > s.from_fen })
        .map_or(Fen::ZERO, |s| s.bonus_fen)
}

/// The results score (0–60) from target achievement, see the module docs.
pub fn results_score(net_sales_fen: Fen, target_fen: Fen) -> Option<u32> {
    if target_fen <= Fen::ZERO {
        return None;
    }
    let ratio = net_sales_fen.max(Fen::ZERO).to_decimal() * Decimal::from(60) / target_fen.to_decimal();
    Some(ratio.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64().unwrap_or(0).clamp(0, 60)
        as u32)
}

/// How the department did against its targets (for the ±5% of the performance bonus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentOutcome {
    /// Net sales reached the stretch target (≥): +5%.
    Beat,
    /// Reached the target but not the stretch target, or no targets set: ±0.
    Met,
    /// Below the sales target: −5%.
    Missed,
}

impl DepartmentOutcome {
    /// Compare the department's net sales with its target and stretch target (fen).
    pub fn of(net_sales_fen: Fen, target_fen: Option<Fen>, stretch_fen: Option<Fen>) -> DepartmentOutcome {
        if stretch_fen.is_some_and(|s| s > Fen::ZERO && net_sales_fen >= s) {
            DepartmentOutcome::Beat
        } else if target_fen.is_some_and(|t| t > Fen::ZERO && net_sales_fen < t) {
            DepartmentOutcome::Missed
        } else {
            DepartmentOutcome::Met
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DepartmentOutcome::Beat => "超额完成（+5%）",
            DepartmentOutcome::Met => "完成（±0）",
            DepartmentOutcome::Missed => "未完成（−5%）",
        }
    }
}

/// The performance bonus computation for one rep and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BonusFigures {
    /// Percent of the performance pay by score: 105, 100, the score itself, or 0.
    pub percent: u32,
    /// Performance pay × percent, rounded to the fen.
    pub base_fen: Fen,
    /// ±5% of the base for the department's outcome, rounded to the fen.
    pub department_fen: Fen,
    pub total_fen: Fen,
}

/// The percent of the performance pay a score earns: 95–100 → 105; 90–94 → 100; 60–89 → the
/// score; below 60 → 0.
pub fn bonus_percent(score: u32) -> u32 {
    PERFORMANCE_BONUS_BANDS.iter().find(|(from, _)| score >= *from).map_or(0, |(_, pct)| pct.unwrap_or(score))
}

/// The performance bonus (绩效奖金): score 88, pay 3,000 元, department beat its stretch
/// target → 2,640 + 132 = 2,772 元.
pub fn performance_bonus(score: u32, performance_pay_fen: Fen, dept: DepartmentOutcome) -> BonusFigures {
    let percent = bonus_percent(score.min(100));
    let base_fen = round_fen(performance_pay_fen.to_decimal() * Decimal::from(percent) / Decimal::from(100));
    let sign = match dept {
        DepartmentOutcome::Beat => 1,
        DepartmentOutcome::Met => 0,
        DepartmentOutcome::Missed => -1,
    };
    let department_fen =
        round_fen(base_fen.to_decimal() * Decimal::from(sign * DEPARTMENT_ADJUST_PERCENT) / Decimal::from(100));
    BonusFigures { percent, base_fen, department_fen, total_fen: base_fen + department_fen }
}

/// The commission (提成): 2% of the collections of the previous month, to the fen.
pub fn commission_fen(previous_month_collections_fen: Fen) -> Fen {
    round_fen(previous_month_collections_fen.to_decimal() * Decimal::from(COMMISSION_PERCENT) / Decimal::from(100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_print() {
        assert_eq!(parse_month("2026-10").map(month_str).as_deref(), Some("2026-10"));
        assert_eq!(parse_month("2026-01").unwrap() - 1, parse_month("2025-12").unwrap());
        for bad in ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", "abcd-ef", "2026-+1"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn development_month_needs_more_than_100_yuan_and_a_quiet_year() {
        let m = parse_month("2026-10").unwrap();
        let only = |amount: i64, other: Option<(i32, i64)>| {
            move |k: MonthIndex| {
                Fen(if k == m {
                    amount
                } else if let Some((o, a)) = other {
                    if k == m - o {
                        a
                    } else {
                        0
                    }
                } else {
                    0
                })
            }
        };
        assert!(!is_development_month(m, only(10_000, None)), "exactly 100 元 is not more than 100");
        assert!(is_development_month(m, only(10_001, None)));
        assert!(!is_development_month(m, only(50_000, Some((12, 1)))), "bought 12 months ago: not dormant a year");
        assert!(is_development_month(m, only(50_000, Some((13, 500_000)))), "reactivated after more than a year");
        assert!(!is_development_month(m, only(50_000, Some((1, 1)))));
    }

    #[test]
    fn quota_incentive_is_ten_yuan_per_customer() {
        assert_eq!(quota_incentive_fen(3, 3), Fen(0));
        assert_eq!(quota_incentive_fen(1, 3), Fen(-2_000));
        assert_eq!(quota_incentive_fen(5, 3), Fen(2_000));
        assert_eq!(quota_incentive_fen(0, 10), Fen(-10_000));
    }

    #[test]
    fn new_customer_bonus_steps_at_every_boundary() {
        let y = |yuan: i64| Fen::yuan(yuan);
        // Month 1: 含 2,000 / 含 4,000.
        assert_eq!(new_customer_bonus_fen(1, y(2_000) - Fen(1)), Fen(0));
        assert_eq!(new_customer_bonus_fen(1, y(2_000)), Fen(5_000));
        assert_eq!(new_customer_bonus_fen(1, y(4_000) - Fen(1)), Fen(5_000));
        assert_eq!(new_customer_bonus_fen(1, y(4_000)), Fen(10_000));
        assert_eq!(new_customer_bonus_fen(1, y(50_000)), Fen(10_000), "only the highest step");
        // Month 2: 含 3,000 / 超过 5,000.
        assert_eq!(new_customer_bonus_fen(2, y(3_000) - Fen(1)), Fen(0));
        assert_eq!(new_customer_bonus_fen(2, y(3_000)), Fen(5_000));
        assert_eq!(new_customer_bonus_fen(2, y(5_000)), Fen(5_000));
        assert_eq!(new_customer_bonus_fen(2, y(5_000) + Fen(1)), Fen(10_000));
        // Month 3: 超过 5,000 / 超过 10,000.
        assert_eq!(new_customer_bonus_fen(3, y(5_000)), Fen(0));
        assert_eq!(new_customer_bonus_fen(3, y(5_000) + Fen(1)), Fen(10_000));
        assert_eq!(new_customer_bonus_fen(3, y(10_000)), Fen(10_000));
        assert_eq!(new_customer_bonus_fen(3, y(10_000) + Fen(1)), Fen(20_000));
        // Returns deducted: the net decides; nothing after month 3.
        assert_eq!(new_customer_bonus_fen(1, -y(100)), Fen(0));
        assert_eq!(new_customer_bonus_fen(4, y(100_000)), Fen(0));
    }

    #[test]
    fn results_score_from_achievement() {
        assert_eq!(results_score(Fen(100), Fen(0)), None);
        assert_eq!(results_score(Fen(1_000_000), Fen(1_000_000)), Some(60));
        assert_eq!(results_score(Fen(2_000_000), Fen(1_000_000)), Some(60));
        assert_eq!(results_score(Fen(500_000), Fen(1_000_000)), Some(30));
        assert_eq!(results_score(Fen(-5), Fen(1_000_000)), Some(0));
        // 60 × 0.9925 = 59.55 → 60 (half-up); 60 × 0.9908 = 59.448 → 59.
        assert_eq!(results_score(Fen(992_500), Fen(1_000_000)), Some(60));
        assert_eq!(results_score(Fen(990_800), Fen(1_000_000)), Some(59));
    }

    #[test]
    fn performance_bonus_worked_example_and_boundaries() {
        let pay = Fen(300_000);
        let b = performance_bonus(88, pay, DepartmentOutcome::Met);
        assert_eq!(b.base_fen, Fen(264_000));
        let b = performance_bonus(88, pay, DepartmentOutcome::Beat);
        assert_eq!((b.base_fen, b.department_fen, b.total_fen), (Fen(264_000), Fen(13_200), Fen(277_200)));
        let b = performance_bonus(88, pay, DepartmentOutcome::Missed);
        assert_eq!(b.total_fen, Fen(264_000 - 13_200));
        for (score, percent, total) in [
            (100, 105, 315_000),
            (95, 105, 315_000),
            (94, 100, 300_000),
            (90, 100, 300_000),
            (89, 89, 267_000),
            (60, 60, 180_000),
            (59, 0, 0),
            (0, 0, 0),
        ] {
            let b = performance_bonus(score, pay, DepartmentOutcome::Met);
            assert_eq!((b.percent, b.total_fen), (percent, Fen(total)), "score {score}");
        }
        // Half-up to the fen once per figure: 3,333.33 × 89% = 2,966.6637 → 2,966.66; +5% → 148.33.
        let b = performance_bonus(89, Fen(333_333), DepartmentOutcome::Beat);
        assert_eq!((b.base_fen, b.department_fen), (Fen(296_666), Fen(14_833)));
    }

    #[test]
    fn department_outcome() {
        assert_eq!(DepartmentOutcome::of(Fen(120), Some(Fen(100)), Some(Fen(120))), DepartmentOutcome::Beat);
        assert_eq!(DepartmentOutcome::of(Fen(119), Some(Fen(100)), Some(Fen(120))), DepartmentOutcome::Met);
        assert_eq!(DepartmentOutcome::of(Fen(100), Some(Fen(100)), Some(Fen(120))), DepartmentOutcome::Met);
        assert_eq!(DepartmentOutcome::of(Fen(99), Some(Fen(100)), Some(Fen(120))), DepartmentOutcome::Missed);
        assert_eq!(DepartmentOutcome::of(Fen(0), None, None), DepartmentOutcome::Met);
    }

    #[test]
    fn commission_is_two_percent_half_up() {
        assert_eq!(commission_fen(Fen(1_000_000)), Fen(20_000));
        assert_eq!(commission_fen(Fen(25)), Fen(1)); // 0.5 fen → 1
        assert_eq!(commission_fen(Fen(24)), Fen(0));
        assert_eq!(commission_fen(Fen(0)), Fen(0));
    }
}
