//! The units of the business, each a type with its serde, SQL and TypeScript forms defined
//! once, here:
//!
//! - [`Fen`]: money, an integer number of fen (分, 0.01 元). JSON and TypeScript: a number;
//!   SQL: INTEGER (the `*_fen` columns). Never floating point, except [`Fen::yuan_f64`] for a
//!   spreadsheet cell.
//! - [`Rate`]: a rate as an exact fraction (0.08 = 8 %). JSON and TypeScript: a decimal string
//!   (`"0.08"`); SQL: TEXT, as typed by `Decimal`'s `Display` (`"0.20"` keeps its scale).
//! - [`Quantity`]: a line quantity, exact (`"10000.5"`). JSON, TypeScript and SQL as a rate.
//! - [`ExactYuan`]: an exact amount in 元 finer than a fen (a pricing breakdown's components,
//!   never stored in a `*_fen` column). JSON and TypeScript: a decimal string.
//!
//! Text people type is read into these by `crate::input`; the checks of a value's range live
//! with the rules that need them (`quote::pricing`, `validate`).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An amount of money in fen (分): `Fen(1_280_050)` is ¥12,800.50. Negative amounts occur in
/// computed figures (returns, a quota penalty, a loss); inputs are checked to be ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export)]
pub struct Fen(#[ts(type = "number")] pub i64);

/// The largest amount of money the core accepts anywhere: 10^13 fen = 1000 亿元. Amounts typed
/// in, unit prices, line totals and quote totals are all bounded by it.
pub const MAX_FEN: Fen = Fen(10_000_000_000_000);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan: `Fen::yuan(100)` is ¥100.00.
    pub const fn yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    /// The amount as an exact decimal number of fen, for computing with rates and quantities.
    pub fn to_decimal(self) -> Decimal {
        Decimal::from(self.0)
    }

    /// An exact number of fen rounded half-up (away from zero) to whole fen; `None` when it does
    /// not fit in an `i64`. The one rounding rule for money.
    pub fn round_half_up(exact_fen: Decimal) -> Option<Fen> {
        exact_fen.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64().map(Fen)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// The amount times a whole number (e.g. a bonus step times a count).
    pub fn checked_mul(self, n: i64) -> Option<Fen> {
        self.0.checked_mul(n).map(Fen)
    }

    pub fn abs(self) -> Fen {
        Fen(self.0.abs())
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Yuan with thousands separators and two decimals, no symbol: `Fen(70_000_000)` →
    /// `"700,000.00"`, `Fen(-5)` → `"-0.05"`. The text of every amount the core writes.
    pub fn yuan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let f = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", group_thousands(&(f / 100).to_string()), f % 100)
    }

    /// Yuan as a binary floating-point number, **only for the value of a spreadsheet cell**
    /// (Excel stores numbers as f64 and formats them with the cell's number format). Never
    /// compute with it.
    pub fn yuan_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// `¥1,234.50` (`-¥…` is not used: a negative amount is `¥-1,234.50`); honours width and
/// alignment (`{:>14}`).
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("¥{}", self.yuan_text()))
    }
}

/// Digits grouped by three with commas: "1234567" → "1,234,567".
fn group_thousands(int: &str) -> String {
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && i % 3 == int.len() % 3 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0 + o.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, o: Fen) -> Fen {
        Fen(self.0 - o.0)
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        self.0 += o.0;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, o: Fen) {
        self.0 -= o.0;
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen(iter.map(|f| f.0).sum())
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

impl ToSql for Fen {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for Fen {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(Fen)
    }
}

/// An exact decimal stored as TEXT (`Decimal`'s `Display`, which keeps the scale: "0.20").
fn decimal_from_sql(value: ValueRef<'_>) -> FromSqlResult<Decimal> {
    let s = value.as_str()?;
    Decimal::from_str_exact(s).map_err(|e| FromSqlError::Other(Box::new(e)))
}

macro_rules! decimal_unit {
    ($name:ident) => {
        impl $name {
            pub const ZERO: $name = $name(Decimal::ZERO);

            pub fn is_zero(self) -> bool {
                self.0.is_zero()
            }

            /// The same value with trailing zeros removed ("0.20" → "0.2").
            pub fn normalize(self) -> $name {
                $name(self.0.normalize())
            }
        }

        impl From<Decimal> for $name {
            fn from(d: Decimal) -> $name {
                $name(d)
            }
        }

        impl std::str::FromStr for $name {
            type Err = rust_decimal::Error;
            fn from_str(s: &str) -> Result<$name, Self::Err> {
                s.parse().map($name)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0.to_string()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                decimal_from_sql(value).map($name)
            }
        }
    };
}

/// A rate as an exact fraction: `Rate(0.08)` is 8 %. Profit, rebate and discount rates, tier
/// rates, the discount standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export)]
pub struct Rate(#[ts(type = "string")] pub Decimal);

decimal_unit!(Rate);

impl Rate {
    pub const ONE: Rate = Rate(Decimal::ONE);

    /// Whole percent points: `Rate::percent(8)` is 8 % (0.08).
    pub fn percent(points: i64) -> Rate {
        Rate(Decimal::new(points, 2))
    }

    /// As a percentage: 0.14 → "14%", 0.085 → "8.5%".
    pub fn percent_text(self) -> String {
        format!("{}%", (self.0 * Decimal::ONE_HUNDRED).normalize())
    }
}

/// A quantity on a quote line, exact (`10000.5` ㎡); checked by `quote::check_quantity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export)]
pub struct Quantity(#[ts(type = "string")] pub Decimal);

decimal_unit!(Quantity);

/// As the decimal number: "10000.5".
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// An exact amount in 元, finer than a fen: the components of a pricing breakdown (cost ×
/// profit rate, …) before the one rounding. Shown, never stored as money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export)]
pub struct ExactYuan(#[ts(type = "string")] pub Decimal);

impl ExactYuan {
    /// An exact number of fen in yuan.
    pub fn from_exact_fen(fen: Decimal) -> ExactYuan {
        ExactYuan(fen / Decimal::ONE_HUNDRED)
    }

    /// In fen, exact.
    pub fn to_exact_fen(self) -> Decimal {
        self.0 * Decimal::ONE_HUNDRED
    }

    /// Yuan with thousands separators and at least two decimals: 9.8 → "9.80", 9.8014 →
    /// "9.8014", 700000 → "700,000.00".
    pub fn yuan_text(self) -> String {
        let d = self.0.normalize();
        let sign = if d.is_sign_negative() && !d.is_zero() { "-" } else { "" };
        let d = d.abs();
        let int = group_thousands(&d.trunc().to_string());
        let frac = d.fract().to_string();
        let frac = frac.trim_start_matches('0').trim_start_matches('.');
        format!("{sign}{int}.{frac:0<2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn serde_keeps_the_wire_format() {
        // Fen: a JSON number; rates and quantities: decimal strings with their scale.
        assert_eq!(serde_json::to_string(&Fen(1_280_050)).unwrap(), "1280050");
        assert_eq!(serde_json::from_str::<Fen>("-5").unwrap(), Fen(-5));
        assert_eq!(serde_json::to_string(&Rate(d("0.20"))).unwrap(), r#""0.20""#);
        assert_eq!(serde_json::from_str::<Rate>(r#""0.085""#).unwrap(), Rate(d("0.085")));
        assert_eq!(serde_json::to_string(&Quantity(d("10000.5"))).unwrap(), r#""10000.5""#);
        assert_eq!(serde_json::to_string(&ExactYuan(d("9.8"))).unwrap(), r#""9.8""#);
        assert_eq!(serde_json::to_string(&Some(Fen(1))).unwrap(), "1");
        assert_eq!(serde_json::to_string(&None::<Fen>).unwrap(), "null");

        // A stored tier table goes through unchanged, byte for byte.
        #[derive(Serialize, Deserialize)]
        struct Tier {
            from_fen: Fen,
            rate: Rate,
        }
        let stored = r#"[{"from_fen":0,"rate":"0.20"},{"from_fen":20000000,"rate":"0.17"}]"#;
        let tiers: Vec<Tier> = serde_json::from_str(stored).unwrap();
        assert_eq!(tiers[1].from_fen, Fen(20_000_000));
        assert_eq!(tiers[0].rate, Rate::percent(20));
        assert_eq!(serde_json::to_string(&tiers).unwrap(), stored);
    }

    #[test]
    fn typescript_forms_are_named_once() {
        assert_eq!(Fen::inline(&ts_rs::Config::default()), "number");
        assert_eq!(Rate::inline(&ts_rs::Config::default()), "string");
        assert_eq!(Quantity::inline(&ts_rs::Config::default()), "string");
        assert_eq!(Fen::decl(&ts_rs::Config::default()), "type Fen = number;");
    }

    #[test]
    fn sql_keeps_the_storage() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (fen INTEGER, rate TEXT, qty TEXT)").unwrap();
        c.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3)",
            rusqlite::params![Fen(-1_234), Rate(d("0.20")), Quantity(d("10000.5"))],
        )
        .unwrap();
        let (types, fen, rate, qty): (String, Fen, Rate, Quantity) = c
            .query_row(
                "SELECT typeof(fen) || ',' || typeof(rate) || ',' || typeof(qty) || ',' || rate, fen, rate, qty FROM t",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(types, "integer,text,text,0.20");
        assert_eq!((fen, rate, qty), (Fen(-1_234), Rate(d("0.20")), Quantity(d("10000.5"))));
        assert_eq!(rate.0.scale(), 2, "the stored scale is kept");
        let none: Option<Fen> = c.query_row("SELECT NULL", [], |r| r.get(0)).unwrap();
        assert_eq!(none, None);
        assert!(c.query_row("SELECT 'abc'", [], |r| r.get::<_, Rate>(0)).is_err());
    }

    #[test]
    fn arithmetic() {
        let mut a = Fen(1_000);
        a += Fen(250);
        a -= Fen(50);
        assert_eq!(a, Fen(1_200));
        assert_eq!(a + Fen(1) - Fen(2), Fen(1_199));
        assert_eq!(-a, Fen(-1_200));
        assert_eq!([Fen(1), Fen(2), Fen(3)].iter().sum::<Fen>(), Fen(6));
        assert_eq!(vec![Fen(-1), Fen(1)].into_iter().sum::<Fen>(), Fen::ZERO);
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(1_000).checked_mul(-3), Some(Fen(-3_000)));
        assert_eq!(Fen::yuan(100), Fen(10_000));
        assert_eq!(Fen::round_half_up(d("12.5")), Some(Fen(13)));
        assert_eq!(Fen::round_half_up(d("-12.5")), Some(Fen(-13)));
        assert_eq!(Fen::round_half_up(d("12.4999")), Some(Fen(12)));
        assert_eq!(Fen::round_half_up(d("1e20")), None);
        assert!(Fen(-1) < Fen::ZERO && MAX_FEN > Fen::ZERO);
    }

    #[test]
    fn formatting() {
        assert_eq!(Fen(85_400_000).yuan_text(), "854,000.00");
        assert_eq!(Fen(5).yuan_text(), "0.05");
        assert_eq!(Fen(0).yuan_text(), "0.00");
        assert_eq!(Fen(-5).yuan_text(), "-0.05");
        assert_eq!(Fen(-123_456_789).yuan_text(), "-1,234,567.89");
        assert_eq!(MAX_FEN.yuan_text(), "100,000,000,000.00");
        assert_eq!(Fen(i64::MAX).yuan_text(), "92,233,720,368,547,758.07");
        assert_eq!(Fen(i64::MIN).yuan_text(), "-92,233,720,368,547,758.08");
        assert_eq!(Fen(1_280_050).to_string(), "¥12,800.50");
        assert_eq!(format!("{:>12}|", Fen(-100)), "      ¥-1.00|");
        assert_eq!(Fen(-12_345).yuan_f64(), -123.45);

        assert_eq!(Rate(d("0.14")).percent_text(), "14%");
        assert_eq!(Rate(d("0.085")).percent_text(), "8.5%");
        assert_eq!(Rate::ZERO.percent_text(), "0%");
        assert_eq!(Quantity(d("10000.5")).to_string(), "10000.5");

        assert_eq!(ExactYuan(d("9.8")).yuan_text(), "9.80");
        assert_eq!(ExactYuan(d("9.8014")).yuan_text(), "9.8014");
        assert_eq!(ExactYuan(d("700000")).yuan_text(), "700,000.00");
        assert_eq!(ExactYuan(d("1234567.125")).yuan_text(), "1,234,567.125");
        assert_eq!(ExactYuan(d("-0.125")).yuan_text(), "-0.125");
        assert_eq!(ExactYuan::from_exact_fen(d("1252.5")), ExactYuan(d("12.525")));
    }
}
