//! The seeds' numbers in one place (../shared/seeds, DOMAIN.md): what a new database starts
//! with before head office changes anything. A newcomer looking for "where is the 24-hour
//! complaint deadline" or "the 2 % commission" finds it here in one hop; the code that applies
//! each rule points back here.
//!
//! Cadence rules and complaint deadlines were seeded into the database by migration 0003
//! (migrations never change); the test below keeps those rows and these tables equal.

use crate::model::Tier;
use crate::relation::CadenceKind;
use crate::units::Fen;

// --- Pricing policy (大客户管理制度 篇五, 报价) ------------------------------------------------

/// Profit rate by estimated sales: (from 元, percent). 20 % below 20 万, 17 %, 14 % from 50 万,
/// 10 % from 100 万.
pub const PROFIT_TIERS: &[(i64, i64)] = &[(0, 20), (200_000, 17), (500_000, 14), (1_000_000, 10)];
/// Rebate reference by estimated sales: (from 元, percent).
pub const REBATE_TIERS: &[(i64, i64)] = &[(0, 5), (200_000, 8), (1_000_000, 10)];
/// Discounts up to this percent need the department's approval; above it the general manager's.
pub const DISCOUNT_STANDARD_PERCENT: i64 = 5;
/// A quote is valid this many days unless set otherwise.
pub const QUOTE_VALIDITY_DAYS: u32 = 30;

// --- Relationship maintenance (拜访频次, 投诉时限) ----------------------------------------------

/// Visits a year by tier and kind: strategic customers monthly contact, quarterly face-to-face,
/// the top leader once and the liaison executive twice a year; key customers face-to-face twice,
/// regular once. Kinds not listed are 0 (no rule).
pub const CADENCE_RULES: &[(Tier, CadenceKind, u32)] = &[
    (Tier::Strategic, CadenceKind::Contact, 12),
    (Tier::Strategic, CadenceKind::FaceToFace, 4),
    (Tier::Strategic, CadenceKind::TopLeader, 1),
    (Tier::Strategic, CadenceKind::Liaison, 2),
    (Tier::Key, CadenceKind::FaceToFace, 2),
    (Tier::Regular, CadenceKind::FaceToFace, 1),
];

/// Complaint response deadline by tier, in hours after opening: 24 h for strategic customers.
pub const COMPLAINT_RESPONSE_HOURS: &[(Tier, u32)] =
    &[(Tier::Strategic, 24), (Tier::Key, 48), (Tier::Regular, 72), (Tier::Prospect, 72)];

// --- New customers and pay (业绩考核, seed 002) ------------------------------------------------

/// A customer counts as new in a month when its net purchases exceed this (100 元) and it bought
/// nothing in the twelve months before.
pub const NEW_CUSTOMER_MIN_FEN: Fen = Fen(10_000);
/// New-customer quota per rep and month (setting `new_customer_quota`).
pub const NEW_CUSTOMER_QUOTA: u32 = 3;
/// Quota incentive per customer above (+) or short of (−) the quota: 10 元.
pub const QUOTA_STEP_FEN: Fen = Fen(1_000);

/// One step of the new-customer bonus: in the customer's `month`-th month (1 = development
/// month), net purchases at least (`inclusive`, 含) or more than (超过) `from_fen` earn
/// `bonus_fen`. Only the highest step is paid (奖金不重叠); steps are listed highest first.
pub struct BonusStep {
    pub month: u32,
    pub from_fen: Fen,
    pub inclusive: bool,
    pub bonus_fen: Fen,
}

/// month 1: ≥ 2,000 元 → 50, ≥ 4,000 元 → 100; month 2: ≥ 3,000 元 → 50, > 5,000 元 → 100;
/// month 3: > 5,000 元 → 100, > 10,000 元 → 200.
pub const NEW_CUSTOMER_BONUS: &[BonusStep] = &[
    BonusStep { month: 1, from_fen: Fen(400_000), inclusive: true, bonus_fen: Fen(10_000) },
    BonusStep { month: 1, from_fen: Fen(200_000), inclusive: true, bonus_fen: Fen(5_000) },
    BonusStep { month: 2, from_fen: Fen(500_000), inclusive: false, bonus_fen: Fen(10_000) },
    BonusStep { month: 2, from_fen: Fen(300_000), inclusive: true, bonus_fen: Fen(5_000) },
    BonusStep { month: 3, from_fen: Fen(1_000_000), inclusive: false, bonus_fen: Fen(20_000) },
    BonusStep { month: 3, from_fen: Fen(500_000), inclusive: false, bonus_fen: Fen(10_000) },
];

/// The share of the performance pay a score earns: (from score, percent; `None` = the score
/// itself). 95–100 → 105 %, 90–94 → 100 %, 60–89 → the score, below 60 → nothing.
pub const PERFORMANCE_BONUS_BANDS: &[(u32, Option<u32>)] = &[(95, Some(105)), (90, Some(100)), (60, None)];
/// The department's result moves the performance bonus by this percent (beat stretch: +, missed
/// target: −).
pub const DEPARTMENT_ADJUST_PERCENT: i64 = 5;
/// Commission on the previous month's collections: 2 %.
pub const COMMISSION_PERCENT: i64 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 0003 seeded these tables; a new database must hold exactly the numbers above.
    #[test]
    fn the_seeded_rows_are_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let kam = crate::Kam::open(&dir.path().join("kam.sqlite3")).unwrap();
        for rule in kam.cadence_rules().unwrap() {
            let expected =
                CADENCE_RULES.iter().find(|(t, k, _)| *t == rule.tier && *k == rule.kind).map(|r| r.2).unwrap_or(0);
            assert_eq!(rule.per_year, expected, "{:?} {:?}", rule.tier, rule.kind);
        }
        let conn = rusqlite::Connection::open(dir.path().join("kam.sqlite3")).unwrap();
        for (tier, hours) in COMPLAINT_RESPONSE_HOURS {
            let stored: u32 = conn
                .query_row("SELECT response_hours FROM complaint_deadlines WHERE tier = ?1", [tier], |r| r.get(0))
                .unwrap();
            assert_eq!(stored, *hours, "{tier:?}");
        }
    }
}
