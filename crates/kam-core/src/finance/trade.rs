//! What the finance records say about customers: a customer's 交易记录 (purchases by month,
//! collections, open receivables), customers with overdue receivables and customers suggested
//! as dormant (no purchase for 12 months), for the dossier and the Today page.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use rusqlite::params;

use super::*;
use crate::error::Result;
use crate::time::parse_ymd;
use crate::Kam;

/// A customer that bought before but not in this many months is suggested as dormant (休眠).
pub const DORMANT_MONTHS: u32 = 12;
/// Today's finance lists keep this many rows (the totals count all).
const LIST_CAP: u32 = 500;

fn dormant_cutoff(today: NaiveDate) -> NaiveDate {
    today.checked_sub_months(Months::new(DORMANT_MONTHS)).unwrap_or(today)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    use chrono::Datelike;
    let m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    (m - i32::from(to.day() < from.day())).max(0) as u32
}

impl Kam {
    /// A customer's 交易记录: net purchases and collections by month (the last 24 months with
    /// any), the latest collections, open receivables, and whether it is suggested as dormant.
    pub fn customer_trade(&self, customer_id: &str) -> Result<TradeSummary> {
        self.require_signed_in()?;
        let customer = self.customer(customer_id)?;
        let today = crate::time::local_today(self);
        let today_s = today.to_string();
        let since = crate::time::first_day(crate::time::parse_month(&today_s[..7]).unwrap_or(0) - 23).to_string();
        let cutoff_12 = today.checked_sub_months(Months::new(12)).unwrap_or(today).to_string();
        let mut months: BTreeMap<String, TradeMonth> = BTreeMap::new();
        let month = |m: &str| TradeMonth {
            month: m.to_string(),
            sales_fen: Fen::ZERO,
            returns_fen: Fen::ZERO,
            net_fen: Fen::ZERO,
            collections_fen: Fen::ZERO,
        };
        let (mut net_12m, mut coll_12m) = (Fen::ZERO, Fen::ZERO);
        let mut stmt = self.conn.prepare_cached(
            "SELECT sold_on, kind, amount_fen FROM sales
             WHERE customer_id = ?1 AND deleted_at IS NULL AND voided_at IS NULL AND sold_on >= ?2",
        )?;
        let mut rows = stmt.query(params![customer.id, since])?;
        while let Some(r) = rows.next()? {
            let (on, kind, fen): (String, String, Fen) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let e = months.entry(on[..7].to_string()).or_insert_with(|| month(&on[..7]));
            let signed = if kind == "return" { -fen } else { fen };
            if kind == "return" {
                e.returns_fen += fen;
            } else {
                e.sales_fen += fen;
            }
            e.net_fen += signed;
            if on > cutoff_12 {
                net_12m += signed;
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT collected_on, amount_fen FROM collections
             WHERE customer_id = ?1 AND deleted_at IS NULL AND voided_at IS NULL AND collected_on >= ?2",
        )?;
        let mut rows = stmt.query(params![customer.id, since])?;
        while let Some(r) = rows.next()? {
            let (on, fen): (String, Fen) = (r.get(0)?, r.get(1)?);
            months.entry(on[..7].to_string()).or_insert_with(|| month(&on[..7])).collections_fen += fen;
            if on > cutoff_12 {
                coll_12m += fen;
            }
        }
        let last_purchase_on: Option<String> = self.conn.query_row(
            "SELECT max(sold_on) FROM sales
             WHERE customer_id = ?1 AND kind = 'sale' AND deleted_at IS NULL AND voided_at IS NULL",
            [&customer.id],
            |r| r.get(0),
        )?;
        let dormant_suggested = customer.lifecycle != crate::model::Lifecycle::Dormant
            && last_purchase_on.as_deref().and_then(parse_ymd).is_some_and(|d| d < dormant_cutoff(today));
        let collections = self
            .finance_records(&FinanceQuery {
                customer_id: Some(customer.id.clone()),
                kind: Some(FinanceKind::Collection),
                limit: Some(20),
                ..Default::default()
            })?
            .rows;
        let mut open_receivables = self
            .finance_records(&FinanceQuery {
                customer_id: Some(customer.id.clone()),
                kind: Some(FinanceKind::Receivable),
                open_only: Some(true),
                limit: Some(2000),
                ..Default::default()
            })?
            .rows;
        open_receivables.sort_by(|a, b| a.due_on.cmp(&b.due_on));
        let open_fen = open_receivables.iter().filter_map(|r| r.outstanding_fen).sum();
        let overdue_fen =
            open_receivables.iter().filter(|r| r.days_overdue.is_some()).filter_map(|r| r.outstanding_fen).sum();
        Ok(TradeSummary {
            customer_id: customer.id,
            months: months.into_values().rev().collect(),
            net_12m_fen: net_12m,
            collections_12m_fen: coll_12m,
            collections,
            open_receivables,
            open_fen,
            overdue_fen,
            last_purchase_on,
            dormant_suggested,
        })
    }

    /// Customers with receivables past due today, from the records (open amount = amount −
    /// paid), oldest due first; one rep's customers or all. Returns the first 500 and the total.
    pub fn overdue_customers(&self, owner_id: Option<&str>) -> Result<(Vec<OverdueCustomer>, u32)> {
        let today = crate::time::local_today(self);
        let owner = if owner_id.is_some() { " AND c.owner_id = ?2" } else { "" };
        let scope = self.scope()?.and_sql("c");
        let sql = format!(
            "SELECT r.customer_id, c.name, o.name, sum(r.amount_fen - r.paid_fen), count(*), min(r.due_on)
             FROM receivables r JOIN customers c ON c.id = r.customer_id LEFT JOIN users o ON o.id = c.owner_id
             WHERE r.deleted_at IS NULL AND r.voided_at IS NULL AND r.paid_fen < r.amount_fen AND r.due_on < ?1
               AND c.deleted_at IS NULL{owner}{scope}
             GROUP BY r.customer_id ORDER BY min(r.due_on), c.name"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let map = |r: &rusqlite::Row| {
            let oldest: String = r.get(5)?;
            let days = parse_ymd(&oldest).map(|d| (today - d).num_days().max(0) as u32).unwrap_or(0);
            Ok(OverdueCustomer {
                customer_id: r.get(0)?,
                customer_name: r.get(1)?,
                owner_name: r.get(2)?,
                overdue_fen: r.get(3)?,
                overdue_count: r.get(4)?,
                oldest_due_on: oldest,
                days_overdue: days,
            })
        };
        let today_s = today.to_string();
        let all: Vec<OverdueCustomer> = match owner_id {
            Some(o) => stmt.query_map(params![today_s, o], map)?.collect::<rusqlite::Result<_>>()?,
            None => stmt.query_map(params![today_s], map)?.collect::<rusqlite::Result<_>>()?,
        };
        let total = all.len() as u32;
        Ok((all.into_iter().take(LIST_CAP as usize).collect(), total))
    }

    /// Customers that bought before but not for 12 months and are not yet marked 休眠:
    /// suggested as dormant, longest first; one rep's customers or all. The first 500 and the
    /// total.
    pub fn dormant_customers(&self, owner_id: Option<&str>) -> Result<(Vec<DormantCustomer>, u32)> {
        let today = crate::time::local_today(self);
        let cutoff = dormant_cutoff(today).to_string();
        // A rep's customers: each one's latest sale through the (customer, date) index; the
        // whole company: one grouped pass over the sales.
        let scope = self.scope()?.and_sql("c");
        let sql = match owner_id {
            Some(_) => {
                "SELECT c.id, c.name, o.name,
                    (SELECT max(s.sold_on) FROM sales s WHERE s.customer_id = c.id AND s.kind = 'sale'
                       AND s.deleted_at IS NULL AND s.voided_at IS NULL) AS last
                 FROM customers c LEFT JOIN users o ON o.id = c.owner_id
                 WHERE c.owner_id = ?2 AND c.deleted_at IS NULL AND c.lifecycle <> 'dormant'
                   AND last IS NOT NULL AND last < ?1{scope}
                 ORDER BY last, c.name"
            }
            None => {
                "SELECT c.id, c.name, o.name, m.last
                 FROM (SELECT customer_id, max(sold_on) AS last FROM sales
                       WHERE kind = 'sale' AND deleted_at IS NULL AND voided_at IS NULL GROUP BY customer_id) m
                 JOIN customers c ON c.id = m.customer_id LEFT JOIN users o ON o.id = c.owner_id
                 WHERE m.last < ?1 AND c.deleted_at IS NULL AND c.lifecycle <> 'dormant'{scope}
                 ORDER BY m.last, c.name"
            }
        };
        let sql = sql.replace("{scope}", &scope);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let map = |r: &rusqlite::Row| {
            let last: String = r.get(3)?;
            Ok(DormantCustomer {
                customer_id: r.get(0)?,
                customer_name: r.get(1)?,
                owner_name: r.get(2)?,
                months_since: parse_ymd(&last).map(|d| months_between(d, today)).unwrap_or(0),
                last_purchase_on: last,
            })
        };
        let all: Vec<DormantCustomer> = match owner_id {
            Some(o) => stmt.query_map(params![cutoff, o], map)?.collect::<rusqlite::Result<_>>()?,
            None => stmt.query_map(params![cutoff], map)?.collect::<rusqlite::Result<_>>()?,
        };
        let total = all.len() as u32;
        Ok((all.into_iter().take(LIST_CAP as usize).collect(), total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_months_between_dates() {
        let d = |s: &str| parse_ymd(s).unwrap();
        assert_eq!(months_between(d("2025-01-15"), d("2026-01-15")), 12);
        assert_eq!(months_between(d("2025-01-15"), d("2026-01-14")), 11);
        assert_eq!(months_between(d("2026-01-15"), d("2026-01-01")), 0);
        assert_eq!(dormant_cutoff(d("2026-02-28")), d("2025-02-28"));
    }
}
