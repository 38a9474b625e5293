//! Ratios shown as percentages (达成率, 完成率, 赢单率, 及时率) are computed here, once, with one
//! rounding rule: part × 100 ÷ whole, rounded half-up to one decimal. A ratio exists only where
//! its denominator means something: none when the whole is zero or negative (no target set,
//! no visits planned), never a figure like "46650 %". The window shows `text` and colours by
//! `reached` / `behind`; it never divides.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::units::Fen;

/// At or above this many percent a target is reached.
pub const REACHED_PERCENT: i64 = 100;
/// Below this many percent a figure is behind (shown in red).
pub const BEHIND_PERCENT: i64 = 80;

/// A ratio as a percentage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Ratio {
    /// The percentage × 10, rounded half-up: 925 = 92.5 %. For sorting.
    #[ts(type = "number")]
    pub tenths: i64,
    /// `92.5%`.
    pub text: String,
    /// ≥ 100 %.
    pub reached: bool,
    /// < 80 %.
    pub behind: bool,
}

impl Ratio {
    /// `part / whole` as a percentage, or `None` when the whole is not positive.
    pub fn of(part: i64, whole: i64) -> Option<Ratio> {
        if whole <= 0 {
            return None;
        }
        let pct = (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        let tenths = (pct * Decimal::TEN).to_i64().unwrap_or(i64::MAX);
        Some(Ratio {
            tenths,
            text: format!("{pct:.1}%"),
            reached: tenths >= REACHED_PERCENT * 10,
            behind: tenths < BEHIND_PERCENT * 10,
        })
    }

    /// For counts.
    pub fn of_counts(part: u32, whole: u32) -> Option<Ratio> {
        Ratio::of(part.into(), whole.into())
    }

    /// For an optional whole (a target that may not be set).
    pub fn of_target(part: Fen, whole: Option<Fen>) -> Option<Ratio> {
        whole.and_then(|w| Ratio::of(part.0, w.0))
    }
}

/// A satisfaction average (1–5) kept to two decimals, the one rounding rule for scores.
pub fn round_score(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A satisfaction average as shown: `4.50`.
pub fn score_text(x: f64) -> String {
    format!("{x:.2}")
}

/// The change between two averages as shown: `▲ 0.25`, `▼ 0.25`, or `＝`.
pub fn score_change_text(change: f64) -> String {
    if change > 0.0 {
        format!("▲ {change:.2}")
    } else if change < 0.0 {
        format!("▼ {:.2}", -change)
    } else {
        "＝".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rounding_rule() {
        let r = Ratio::of(925, 1000).unwrap();
        assert_eq!((r.tenths, r.text.as_str(), r.reached, r.behind), (925, "92.5%", false, false));
        assert_eq!(Ratio::of(1, 3).unwrap().text, "33.3%");
        assert_eq!(Ratio::of(2, 3).unwrap().text, "66.7%");
        assert_eq!(Ratio::of(1, 8).unwrap().text, "12.5%", "exact halves stay");
        assert_eq!(Ratio::of(1, 16).unwrap().text, "6.3%", "6.25 rounds half-up");
        assert_eq!(Ratio::of(3, 3).unwrap().text, "100.0%");
        assert!(Ratio::of(3, 3).unwrap().reached);
        assert!(Ratio::of(79, 100).unwrap().behind);
        assert!(!Ratio::of(80, 100).unwrap().behind);
        assert_eq!(Ratio::of(-50, 100).unwrap().text, "-50.0%", "net sales after returns can be negative");
    }

    #[test]
    fn scores_as_shown() {
        assert_eq!(round_score(13.0 / 3.0), 4.33);
        assert_eq!(score_text(4.5), "4.50");
        assert_eq!(score_change_text(0.25), "▲ 0.25");
        assert_eq!(score_change_text(-0.5), "▼ 0.50");
        assert_eq!(score_change_text(0.0), "＝");
    }

    #[test]
    fn no_ratio_without_a_meaningful_whole() {
        assert_eq!(Ratio::of(933, 0), None);
        assert_eq!(Ratio::of_target(Fen(5), None), None);
        assert_eq!(Ratio::of_counts(0, 0), None);
    }
}
