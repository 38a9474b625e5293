//! Cadence rules (拜访频次规则) and the due/overdue engine. See the module docs of
//! [`crate::relation`] for the exact meaning of "monthly", month ends and tier changes.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::types::{Type, Value};
use rusqlite::{params, params_from_iter, Row};

use super::model::*;
use super::{local_date_of, local_today, ymd};
use crate::error::{KamError, Result};
use crate::model::Tier;
use crate::util::new_id;
use crate::Kam;

/// The interval a `per_year` rule allows between satisfying visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interval {
    Months(u32),
    Days(u32),
}

/// 12 / `per_year` calendar months when whole, else 365 / `per_year` days. `per_year` > 0.
pub(crate) fn interval(per_year: u32) -> Interval {
    debug_assert!(per_year > 0);
    if 12 % per_year == 0 {
        Interval::Months(12 / per_year)
    } else {
        Interval::Days(365 / per_year)
    }
}

/// `d` plus the interval. Months keep the day of the month, or take the month's last day when
/// it is shorter (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year).
pub(crate) fn add_interval(d: NaiveDate, i: Interval) -> NaiveDate {
    match i {
        Interval::Months(m) => d.checked_add_months(Months::new(m)).unwrap_or(NaiveDate::MAX),
        Interval::Days(n) => d + chrono::Duration::days(n as i64),
    }
}

fn interval_text(per_year: u32) -> (String, String) {
    match per_year {
        0 => ("不考核".into(), "off".into()),
        12 => ("每月至少 1 次".into(), "at least monthly".into()),
        n => match interval(n) {
            Interval::Months(m) => {
                (format!("每年至少 {n} 次（每 {m} 个月）"), format!("at least {n} a year (every {m} months)"))
            }
            Interval::Days(d) => {
                (format!("每年至少 {n} 次（每 {d} 天）"), format!("at least {n} a year (every {d} days)"))
            }
        },
    }
}

/// One customer against one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Evaluation {
    pub last_on: Option<NaiveDate>,
    pub next_due: NaiveDate,
    pub days_overdue: i32,
    pub done_this_year: u32,
}

/// Evaluate a rule of `per_year` (> 0) for a customer in its tier since `tier_since`, whose
/// satisfying visit dates are `dates` (`YYYY-MM-DD`, comma-separated, newest first), on `today`.
/// Dates after today (a clock set back) are ignored.
pub(crate) fn evaluate(
    per_year: u32,
    dates: &str,
    tier_since: NaiveDate,
    today: NaiveDate,
    jan1: &str,
    today_s: &str,
) -> Evaluation {
    let mut last: Option<&str> = None;
    let mut done = 0u32;
    for d in dates.split(',').filter(|d| d.len() == 10) {
        if d > today_s {
            continue;
        }
        if last.is_none() {
            last = Some(d);
        }
        if d < jan1 {
            break;
        }
        done += 1;
    }
    let last_on = last.and_then(super::parse_ymd);
    let anchor = match last_on {
        Some(l) if l > tier_since => l,
        _ => tier_since,
    };
    let next_due = add_interval(anchor, interval(per_year));
    Evaluation { last_on, next_due, days_overdue: (today - next_due).num_days() as i32, done_this_year: done }
}

pub(crate) fn status_of(days_overdue: i32) -> DueStatus {
    if days_overdue > 0 {
        DueStatus::Overdue
    } else if days_overdue >= -7 {
        DueStatus::DueSoon
    } else {
        DueStatus::OnTrack
    }
}

/// A text column borrowed from the row (no allocation).
fn text<'r>(r: &'r Row, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

const KINDS: [CadenceKind; 4] =
    [CadenceKind::Contact, CadenceKind::FaceToFace, CadenceKind::TopLeader, CadenceKind::Liaison];

impl Kam {
    /// All cadence rules, by tier then kind (a missing row reads as 0, off).
    pub fn cadence_rules(&self) -> Result<Vec<CadenceRule>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT tier, kind, per_year FROM cadence_rules WHERE deleted_at IS NULL")?;
        let mut stored: HashMap<(Tier, CadenceKind), u32> = HashMap::new();
        let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
        for row in rows {
            let (k, n) = row?;
            stored.insert(k, n);
        }
        let mut out = Vec::new();
        for tier in Tier::ALL {
            for kind in KINDS {
                let per_year = stored.get(&(*tier, kind)).copied().unwrap_or(0);
                let (interval_zh, interval_en) = interval_text(per_year);
                out.push(CadenceRule { tier: *tier, kind, per_year, interval_zh, interval_en });
            }
        }
        Ok(out)
    }

    /// Change a cadence rule (0 switches it off). Takes effect at once for every customer.
    pub fn set_cadence_rule(&mut self, tier: Tier, kind: CadenceKind, per_year: u32) -> Result<CadenceRule> {
        self.only_head_office("拜访频次规则", "the cadence rules")?;
        if per_year > 52 {
            return Err(KamError::invalid(
                "per_year",
                format!("每年次数应在 0 到 52 之间（0 表示不考核），当前为 {per_year}。"),
                format!("Visits a year must be 0 to 52 (0 switches the rule off); got {per_year}."),
            ));
        }
        self.write(|tx, ctx| {
            let n = tx.execute(
                "UPDATE cadence_rules SET per_year = ?3, updated_at = ?4, updated_by = ?5
                 WHERE tier = ?1 AND kind = ?2 AND deleted_at IS NULL",
                params![tier, kind, per_year, ctx.now, ctx.user],
            )?;
            if n == 0 {
                tx.execute(
                    "INSERT INTO cadence_rules (id, tier, kind, per_year, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
                    params![new_id(), tier, kind, per_year, ctx.now, ctx.user],
                )?;
            }
            Ok(())
        })?;
        Ok(self.cadence_rules()?.into_iter().find(|r| r.tier == tier && r.kind == kind).expect("all listed"))
    }

    /// What is due, when, and how overdue, per customer and active rule, as of today in the
    /// company time zone. Most overdue first. Computed on read from the rules, the customers'
    /// tiers and their visits (see the module docs). Only customers the person acting may see.
    pub fn due(&self, q: &DueQuery) -> Result<Vec<DueItem>> {
        let scope = self.scope()?.sql("c");
        let today = local_today(self);
        let mut rules: HashMap<Tier, Vec<(CadenceKind, u32)>> = HashMap::new();
        for r in self.cadence_rules()?.into_iter().filter(|r| r.per_year > 0) {
            rules.entry(r.tier).or_default().push((r.kind, r.per_year));
        }
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let users: HashMap<String, String> = self
            .conn
            .prepare_cached("SELECT id, name FROM users")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;

        let mut args: Vec<Value> = Vec::new();
        let tiers: Vec<String> =
            Tier::ALL.iter().filter(|t| rules.contains_key(t)).map(|t| format!("'{}'", t.as_str())).collect();
        let mut conds = vec!["c.deleted_at IS NULL".to_string(), format!("c.tier IN ({})", tiers.join(","))];
        if let Some(o) = q.owner_id.as_deref().filter(|s| !s.is_empty()) {
            args.push(Value::Text(o.to_string()));
            conds.push(format!("c.owner_id = ?{}", args.len()));
        }
        if let Some(c) = q.customer_id.as_deref().filter(|s| !s.is_empty()) {
            args.push(Value::Text(c.to_string()));
            conds.push(format!("c.id = ?{}", args.len()));
        }
        // The whole company: one sequential pass over customers (an index would mean a random
        // read per customer); one rep or customer, or someone's own: its index.
        let scan = if args.is_empty() && scope.is_none() { "NOT INDEXED" } else { "" };
        conds.extend(scope);
        let sql = format!(
            "SELECT c.id, c.name, c.customer_code, c.tier, c.owner_id, c.created_at, f.tier_since,
                f.any_dates, f.f2f_dates, f.top_dates, f.liaison_dates
             FROM customers c {scan} LEFT JOIN cadence_facts f ON f.seq = c.seq
             WHERE {}",
            conds.join(" AND ")
        );
        let overdue_only = q.overdue_only.unwrap_or(false);
        let today_s = ymd(today);
        let jan1 = format!("{}-01-01", today.year());
        let mut out = Vec::new();
        let mut evaluated: Vec<(CadenceKind, u32, Evaluation)> = Vec::with_capacity(KINDS.len());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let tier: Tier = r.get(3)?;
            let Some(tier_rules) = rules.get(&tier) else { continue };
            let since_ts = match text(r, 6)? {
                Some(s) => s,
                None => text(r, 5)?.unwrap_or(""),
            };
            let since = local_date_of(since_ts).unwrap_or(today);
            evaluated.clear();
            for &(kind, per_year) in tier_rules {
                let col = match kind {
                    CadenceKind::Contact => 7,
                    CadenceKind::FaceToFace => 8,
                    CadenceKind::TopLeader => 9,
                    CadenceKind::Liaison => 10,
                };
                let dates = text(r, col)?.unwrap_or("");
                let e = evaluate(per_year, dates, since, today, &jan1, &today_s);
                if !overdue_only || e.days_overdue > 0 {
                    evaluated.push((kind, per_year, e));
                }
            }
            if evaluated.is_empty() {
                continue;
            }
            let id: String = r.get(0)?;
            let name: String = r.get(1)?;
            let code: Option<String> = r.get(2)?;
            let owner_id: Option<String> = r.get(4)?;
            let owner_name = owner_id.as_ref().and_then(|o| users.get(o).cloned());
            let since_s = ymd(since);
            for &(kind, per_year, ref e) in &evaluated {
                out.push(DueItem {
                    customer_id: id.clone(),
                    customer_name: name.clone(),
                    customer_code: code.clone(),
                    tier,
                    owner_id: owner_id.clone(),
                    owner_name: owner_name.clone(),
                    rule: kind,
                    per_year,
                    last_on: e.last_on.map(ymd),
                    tier_since: since_s.clone(),
                    next_due_on: ymd(e.next_due),
                    days_overdue: e.days_overdue,
                    done_this_year: e.done_this_year,
                    status: status_of(e.days_overdue),
                });
            }
        }
        // Most overdue first; equally late items stay in filing order, then rule order. Sort
        // small keys, then move each item once (items are large; sorting them moves them often).
        let mut order: Vec<(std::cmp::Reverse<i32>, u32)> =
            out.iter().enumerate().map(|(i, d)| (std::cmp::Reverse(d.days_overdue), i as u32)).collect();
        order.sort_unstable();
        if let Some(n) = q.limit {
            order.truncate(n as usize);
        }
        let mut slots: Vec<Option<DueItem>> = out.into_iter().map(Some).collect();
        let out: Vec<DueItem> = order.iter().filter_map(|&(_, i)| slots[i as usize].take()).collect();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn eval(per_year: u32, dates: &str, since: &str, today: &str) -> Evaluation {
        let t = d(today);
        evaluate(per_year, dates, d(since), t, &format!("{}-01-01", t.year()), today)
    }

    #[test]
    fn intervals_are_calendar_months_when_whole() {
        assert_eq!(interval(12), Interval::Months(1));
        assert_eq!(interval(4), Interval::Months(3));
        assert_eq!(interval(2), Interval::Months(6));
        assert_eq!(interval(1), Interval::Months(12));
        assert_eq!(interval(5), Interval::Days(73));
        assert_eq!(interval(52), Interval::Days(7));
    }

    #[test]
    fn month_ends_and_leap_years() {
        let m1 = Interval::Months(1);
        assert_eq!(add_interval(d("2026-01-31"), m1), d("2026-02-28"));
        assert_eq!(add_interval(d("2028-01-31"), m1), d("2028-02-29"), "leap year");
        assert_eq!(add_interval(d("2026-03-31"), m1), d("2026-04-30"));
        assert_eq!(add_interval(d("2026-12-31"), m1), d("2027-01-31"));
        assert_eq!(add_interval(d("2028-02-29"), Interval::Months(12)), d("2029-02-28"));
        assert_eq!(add_interval(d("2026-11-30"), Interval::Months(3)), d("2027-02-28"));
    }

    #[test]
    fn monthly_contact_is_due_one_calendar_month_after_the_last() {
        let e = eval(12, "2026-01-31,2025-12-01", "2020-01-01", "2026-02-28");
        assert_eq!(e.next_due, d("2026-02-28"));
        assert_eq!(e.days_overdue, 0, "due today is not overdue");
        assert_eq!(e.done_this_year, 1);
        assert_eq!(eval(12, "2026-01-31", "2020-01-01", "2026-03-01").days_overdue, 1);
        assert_eq!(eval(12, "2028-01-31", "2020-01-01", "2028-03-01").days_overdue, 1, "due 29 Feb in 2028");
    }

    #[test]
    fn never_visited_counts_from_the_tier_start() {
        let e = eval(4, "", "2026-03-15", "2026-07-01");
        assert_eq!(e.last_on, None);
        assert_eq!(e.next_due, d("2026-06-15"));
        assert_eq!(e.days_overdue, 16);
    }

    #[test]
    fn a_visit_before_the_tier_change_does_not_restart_the_clock() {
        let e = eval(12, "2026-02-01", "2026-07-01", "2026-08-05");
        assert_eq!(e.last_on, Some(d("2026-02-01")));
        assert_eq!(e.next_due, d("2026-08-01"));
        assert_eq!(e.days_overdue, 4);
    }

    #[test]
    fn future_dates_are_ignored_and_counts_stop_at_new_year() {
        let e = eval(4, "2027-01-05,2026-12-01,2026-06-01,2025-11-01", "2020-01-01", "2026-12-10");
        assert_eq!(e.last_on, Some(d("2026-12-01")));
        assert_eq!(e.done_this_year, 2);
        assert_eq!(status_of(8), DueStatus::Overdue);
        assert_eq!(status_of(-7), DueStatus::DueSoon);
        assert_eq!(status_of(-8), DueStatus::OnTrack);
    }
}
