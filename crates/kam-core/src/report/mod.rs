//! The monthly key-account report (大客户月报) and the inputs it needs: sales targets, sales
//! and returns, collections (回款), receivables (应收) and the manager's performance scores.
//!
//! The rules are pure functions in [`calc`]; this module reads the month's records, applies
//! them and hands the figures to the preview ([`Kam::monthly_report`]) and the workbook
//! ([`Kam::export_monthly_report`]).
//!
//! Attribution: sales, returns and collections are credited to the rep stored on the record
//! (the customer's owner when entered, unless given). Visits, plans, quotes, complaints,
//! surveys, new customers and receivables count for the customer's current owner. Months are
//! calendar months in the company time zone. Lists "as of" use the month's last day (today for
//! the current month); the overdue-visit list is the cadence engine's as of today.

mod build;
mod calc;
mod demo;
mod gather;
mod inputs;
mod model;
mod xlsx;

pub use calc::*;
pub(crate) use demo::demo_sales;
pub use model::*;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, OptionalExtension};

use crate::error::{KamError, Result};
use crate::model::User;
use crate::relation::{check_user, local_today, sane_date, target_customer, ymd};
use crate::time::{first_day, month_start_utc};
use crate::units::{Fen, MAX_FEN};
use crate::util::new_id;

fn month_arg(field: &str, s: &str) -> Result<MonthIndex> {
    parse_month(s).ok_or_else(|| {
        KamError::invalid(
            field,
            format!("月份「{}」格式不正确，应为 2026-10 这样的年-月（月份 01–12）。", s.trim()),
            format!("The month '{}' is malformed; use year-month like 2026-10 (month 01–12).", s.trim()),
        )
    })
}

fn amount(field: &str, fen: Fen, allow_zero: bool) -> Result<Fen> {
    if fen < Fen::ZERO || (!allow_zero && fen.is_zero()) || fen > MAX_FEN {
        return Err(KamError::invalid(
            field,
            format!(
                "金额必须{}且不超过 1000 亿元。退货请用“退货”登记正数金额，而不是负数。",
                if allow_zero { "不小于 0" } else { "大于 0" }
            ),
            format!(
                "The amount must be {} and at most 100 billion yuan. Record a return as a return with a positive amount, not a negative one.",
                if allow_zero { "zero or more" } else { "more than zero" }
            ),
        ));
    }
    Ok(fen)
}

fn last_day(m: MonthIndex) -> NaiveDate {
    first_day(m + 1).pred_opt().expect("valid date")
}

fn month_of(d: NaiveDate) -> MonthIndex {
    d.year() * 12 + d.month0() as i32
}

fn not_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<()> {
    if d > today {
        return Err(KamError::invalid(
            field,
            format!("日期 {} 晚于今天（{}），不能登记将来的业务。请核对日期。", ymd(d), ymd(today)),
            format!(
                "The date {} is after today ({}); future business cannot be recorded. Check the date.",
                ymd(d),
                ymd(today)
            ),
        ));
    }
    Ok(())
}

/// The rep credited: the one given (must exist), else the customer's owner.
fn credited_rep(tx: &rusqlite::Connection, customer_id: &str, rep: &Option<String>) -> Result<Option<String>> {
    match rep.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => {
            check_user(tx, "rep_id", r)?;
            Ok(Some(r.to_string()))
        }
        None => Ok(tx.query_row("SELECT owner_id FROM customers WHERE id = ?1", [customer_id], |r| r.get(0))?),
    }
}

fn bad_period(p: &str) -> KamError {
    KamError::invalid(
        "period",
        format!("期间「{p}」格式不正确，应为 2026（年）、2026-Q4（季度）或 2026-10（月）。"),
        format!("The period '{p}' is malformed; use 2026 (year), 2026-Q4 (quarter) or 2026-10 (month)."),
    )
}
