//! What a person types: the one parser for money, rates, quantities and dates, used by the CLI
//! and (through its commands) the window alike. The window never parses these itself.
//!
//! Accepted, as Chinese business users type them:
//! - **Money** in 元: `12800.5`, `12,800.50`, `¥12,800.50`, `￥12800元`, full-width digits
//!   (`１２８００．５`). At most two decimals; thousands separators must group by three (`12,5`
//!   is refused rather than read as 125); never negative; at most 1000 亿元.
//! - **Rates**: `8%`, `８％`, `8.5%`, or a bare number. **The rule for a bare number:** it is
//!   read as percent points when it is 1 or more (`8` → 8 %, the way the field is labelled),
//!   `0` is 0 %, and a bare number between 0 and 1 (`0.08`, `0.5`) is refused as ambiguous — it
//!   could mean 8 % or 0.08 % — with a message asking for `8%` or `0.08%`. See
//!   docs/decisions.md.
//! - **Quantities**: `10000`, `10,000`, `12.5`, full-width digits; > 0, at most 4 decimals.
//! - **Dates**: `2026-01-05`, `2026/1/5`, `2026.1.5`, `2026年1月5日`, `20260105`.
//!
//! Empty text is "not given" (`None`) in the `*_opt` forms; the plain forms require a value.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::error::{KamError, Result};
use crate::quote::check_quantity;
use crate::units::{Fen, Quantity, Rate, MAX_FEN};

/// Full-width ASCII (ＡＢＣ１２３％．，) to half-width, the ideographic space to a space, and
/// the Chinese comma and full stop used as separators to their ASCII forms; trimmed.
pub fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '，' => ',',
            '。' => '.',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A decimal number as typed: optional thousands separators (grouped by three), no sign.
fn plain_decimal(t: &str) -> Option<Decimal> {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || t.starts_with('+') || t.starts_with('-') {
        return None;
    }
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t.as_str(), None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    if int.contains(',') {
        let groups: Vec<&str> = int.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    let digits: String = int.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let text = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    text.parse::<Decimal>().ok()
}

fn bad_money(field: &str, typed: &str) -> KamError {
    KamError::invalid(
        field,
        format!("金额「{typed}」格式不正确：请按元填写，最多两位小数，例如 12800.5、12,800.50 或 ¥12,800.50。"),
        format!("The amount '{typed}' is malformed: give yuan with at most two decimals, e.g. 12800.5, 12,800.50 or ¥12,800.50."),
    )
}

fn too_large(field: &str) -> KamError {
    KamError::invalid(
        field,
        "金额过大：超过 1000 亿元的上限。请检查是否多输了位数。",
        "The amount is too large: over the limit of 100 billion yuan. Check for extra digits.",
    )
}

/// An amount in 元 as typed, in fen. Required.
pub fn money(field: &str, text: &str) -> Result<Fen> {
    money_opt(field, text)?.ok_or_else(|| KamError::invalid(field, "请填写金额（元）。", "Enter an amount in yuan."))
}

/// An amount in 元 as typed, in fen; empty text is `None`.
pub fn money_opt(field: &str, text: &str) -> Result<Option<Fen>> {
    let n = normalize_width(text);
    let typed = text.trim();
    let mut t = n.as_str();
    for prefix in ["RMB", "CNY", "¥", "￥"] {
        t = t.strip_prefix(prefix).unwrap_or(t).trim_start();
    }
    let t = t.strip_suffix('元').unwrap_or(t).trim_end();
    if t.is_empty() {
        return if n.is_empty() { Ok(None) } else { Err(bad_money(field, typed)) };
    }
    if t.starts_with('-') {
        return Err(KamError::invalid(field, "金额不能为负数。", "The amount cannot be negative."));
    }
    let d = plain_decimal(t).ok_or_else(|| bad_money(field, typed))?;
    if d.normalize().scale() > 2 {
        return Err(bad_money(field, typed));
    }
    let fen = d.checked_mul(Decimal::ONE_HUNDRED).and_then(|f| f.to_i64()).map(Fen).ok_or_else(|| too_large(field))?;
    if fen > MAX_FEN {
        return Err(too_large(field));
    }
    Ok(Some(fen))
}

fn bad_rate(field: &str, typed: &str) -> KamError {
    KamError::invalid(
        field,
        format!("比率「{typed}」格式不正确：请写成 8% 或 8（表示 8%）。"),
        format!("The rate '{typed}' is malformed: write it as 8% or 8 (meaning 8%)."),
    )
}

/// A rate as typed, as a fraction (`8%` → 0.08). Required. See the module doc for a bare number.
pub fn rate(field: &str, text: &str) -> Result<Rate> {
    rate_opt(field, text)?.ok_or_else(|| KamError::invalid(field, "请填写比率，例如 8%。", "Enter a rate, e.g. 8%."))
}

/// A rate as typed, as a fraction; empty text is `None`.
pub fn rate_opt(field: &str, text: &str) -> Result<Option<Rate>> {
    let n = normalize_width(text);
    let typed = text.trim();
    if n.is_empty() {
        return Ok(None);
    }
    let (num, percent) = match n.strip_suffix('%') {
        Some(num) => (num.trim(), true),
        None => (n.as_str(), false),
    };
    if num.starts_with('-') {
        return Err(KamError::invalid(field, "比率不能为负数。", "The rate cannot be negative."));
    }
    let d = plain_decimal(num).ok_or_else(|| bad_rate(field, typed))?;
    if !percent && d > Decimal::ZERO && d < Decimal::ONE {
        return Err(KamError::invalid(
            field,
            format!(
                "比率「{typed}」有歧义：是 {}% 还是 {typed}%？请带上百分号，例如 8% 或 0.08%。",
                (d * Decimal::ONE_HUNDRED).normalize()
            ),
            format!(
                "The rate '{typed}' is ambiguous: {}% or {typed}%? Write it with a percent sign, e.g. 8% or 0.08%.",
                (d * Decimal::ONE_HUNDRED).normalize()
            ),
        ));
    }
    Ok(Some(Rate((d / Decimal::ONE_HUNDRED).normalize())))
}

/// A quantity as typed. Required; > 0, at most 4 decimals, at most 10 亿.
pub fn quantity(field: &str, text: &str) -> Result<Quantity> {
    quantity_opt(field, text)?.ok_or_else(|| KamError::invalid(field, "请填写数量。", "Enter a quantity."))
}

/// A quantity as typed; empty text is `None`.
pub fn quantity_opt(field: &str, text: &str) -> Result<Option<Quantity>> {
    let n = normalize_width(text);
    if n.is_empty() {
        return Ok(None);
    }
    let d = plain_decimal(&n).ok_or_else(|| {
        KamError::invalid(
            field,
            format!("数量「{}」格式不正确，应为数字，例如 10000、10,000 或 12.5。", text.trim()),
            format!("The quantity '{}' is malformed: give a number such as 10000, 10,000 or 12.5.", text.trim()),
        )
    })?;
    check_quantity(Quantity(d)).map(Some).map_err(|e| e.with_field(field))
}

/// A calendar date as typed. Required.
pub fn date(field: &str, text: &str) -> Result<NaiveDate> {
    date_opt(field, text)?
        .ok_or_else(|| KamError::invalid(field, "请填写日期，例如 2026-01-05。", "Enter a date, e.g. 2026-01-05."))
}

/// A calendar date as typed; empty text is `None`.
pub fn date_opt(field: &str, text: &str) -> Result<Option<NaiveDate>> {
    let n = normalize_width(text);
    if n.is_empty() {
        return Ok(None);
    }
    let bad = || {
        KamError::invalid(
            field,
            format!("日期「{}」格式不正确，请写成 2026-01-05、2026/1/5 或 2026年1月5日。", text.trim()),
            format!("The date '{}' is malformed: write 2026-01-05, 2026/1/5 or 2026年1月5日.", text.trim()),
        )
    };
    let compact = n.len() == 8 && n.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = if compact {
        vec![&n[0..4], &n[4..6], &n[6..8]]
    } else {
        let t = n.strip_suffix('日').unwrap_or(&n);
        t.split(['-', '/', '.', '年', '月']).map(str::trim).collect()
    };
    if parts.len() != 3 || parts[0].len() != 4 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return Err(bad());
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    NaiveDate::from_ymd_opt(y as i32, m, d).map(Some).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec<T: std::str::FromStr>(s: &str) -> T
    where
        T::Err: std::fmt::Debug,
    {
        s.parse().unwrap()
    }

    #[test]
    fn money_as_typed() {
        for (typed, fen) in [
            ("70", 7000),
            ("12800.5", 1_280_050),
            ("12,800.50", 1_280_050),
            ("¥12,800.50", 1_280_050),
            ("￥12800元", 1_280_000),
            ("１２８００．５", 1_280_050),
            ("１２，８００", 1_280_000),
            (" RMB 1,000,000 ", 100_000_000),
            ("0", 0),
        ] {
            assert_eq!(money("m", typed).unwrap(), Fen(fen), "{typed}");
        }
        assert_eq!(money_opt("m", "  ").unwrap(), None);
    }

    #[test]
    fn money_refuses_what_it_cannot_read_exactly() {
        for typed in ["12,5", "1,2345", "12.345", "-5", "abc", "¥", "1e5", "12..5", "1.", ",100"] {
            let e = money("cost", typed).unwrap_err();
            assert_eq!(e.to_dto().field.as_deref(), Some("cost"), "{typed}");
        }
        assert!(money("m", "1000000000000").is_err(), "over 1000 亿元");
        assert!(money("m", "100000000000").is_ok(), "exactly 1000 亿元");
        assert!(money("m", "").is_err(), "required");
    }

    #[test]
    fn rates_with_one_rule_for_a_bare_number() {
        for (typed, r) in [("8%", "0.08"), ("８％", "0.08"), ("8.5%", "0.085"), ("8", "0.08"), ("0", "0"), ("0%", "0")]
        {
            assert_eq!(rate("r", typed).unwrap(), dec::<Rate>(r), "{typed}");
        }
        let e = rate("rebate_rate", "0.08").unwrap_err();
        assert!(e.to_string().contains("歧义"), "{e}");
        assert!(e.message_en().contains("ambiguous"));
        assert!(rate("r", "-8%").is_err());
        assert!(rate("r", "eight").is_err());
        assert_eq!(rate_opt("r", "").unwrap(), None);
    }

    /// Moved from quote/pricing.rs when its parsers became this module.
    #[test]
    fn parsing_as_the_quote_tests_had_it() {
        assert_eq!(money("cost", "70").unwrap(), Fen(7000));
        assert_eq!(money("cost", "¥1,000,000.05").unwrap(), Fen(100_000_005));
        assert!(money("cost", "1.005").is_err());
        assert!(money("cost", "-1").is_err());
        assert!(money("cost", "1e30").is_err());
        assert!(money("cost", "99999999999999999999999999").is_err());
        assert_eq!(rate("r", "8%").unwrap(), dec::<Rate>("0.08"));
        // A bare fraction is ambiguous (8 % or 0.08 %?) and refused; a bare 8 is 8 %.
        assert!(rate("r", "0.08").is_err());
        assert_eq!(rate("r", "12.5%").unwrap(), dec::<Rate>("0.125"));
        assert_eq!(rate("r", "8").unwrap(), dec::<Rate>("0.08"));
        assert_eq!(quantity("quantity", "10,000.5").unwrap(), dec::<Quantity>("10000.5"));
        assert!(quantity("quantity", "0").is_err());
        assert!(quantity("quantity", "1.00001").is_err());
    }

    #[test]
    fn quantities_as_typed() {
        assert_eq!(quantity("q", "10,000").unwrap(), dec::<Quantity>("10000"));
        assert_eq!(quantity("q", "１２.５").unwrap(), dec::<Quantity>("12.5"));
        assert!(quantity("q", "0").is_err());
        assert!(quantity("q", "1.23456").is_err());
        assert_eq!(quantity("line_qty", "x").unwrap_err().to_dto().field.as_deref(), Some("line_qty"));
        assert_eq!(quantity("line_qty", "0").unwrap_err().to_dto().field.as_deref(), Some("line_qty"));
    }

    #[test]
    fn dates_as_typed() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        for typed in ["2026-01-05", "2026/1/5", "2026.1.5", "2026年1月5日", "20260105", "２０２６－０１－０５"]
        {
            assert_eq!(date("d", typed).unwrap(), d, "{typed}");
        }
        for typed in ["2026-02-30", "26-1-5", "2026-1", "tomorrow", "202601050"] {
            assert!(date("d", typed).is_err(), "{typed}");
        }
    }
}
