//! Demo data for the monthly report: a year of sales, returns, collections and receivables for
//! the demo customers, monthly targets for reps and departments, and performance scores.
//! Deterministic for a seed; inserted in bulk in one transaction.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::params;

use super::calc::month_str;
use super::{first_day, last_day, month_of};
use crate::error::Result;
use crate::relation::{local_today, ymd};
use crate::util::new_id;
use crate::Kam;

/// Sales rows written, for the demo report.
pub(crate) fn demo_sales(kam: &mut Kam, seed: u64) -> Result<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5A1E5);
    let today = local_today(kam);
    let this = month_of(today);
    let mut customers: Vec<(String, String, String)> = Vec::new(); // id, owner, tier
    {
        let mut stmt = kam.conn.prepare(
            "SELECT id, owner_id, tier FROM customers WHERE deleted_at IS NULL AND owner_id IS NOT NULL ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        for r in rows {
            customers.push(r?);
        }
    }
    let mut reps: Vec<(String, String)> = Vec::new();
    {
        let mut stmt =
            kam.conn.prepare("SELECT id, department FROM users WHERE role = 'rep' AND department <> '' AND deleted_at IS NULL ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for r in rows {
            reps.push(r?);
        }
    }
    kam.write(|tx, ctx| {
        let mut sale = tx.prepare(
            "INSERT INTO sales (id, customer_id, rep_id, sold_on, kind, amount_fen, reference, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8, ?7, ?8)",
        )?;
        let mut coll = tx.prepare(
            "INSERT INTO collections (id, customer_id, rep_id, collected_on, amount_fen, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
        )?;
        let mut recv = tx.prepare(
            "INSERT INTO receivables (id, customer_id, rep_id, invoiced_on, due_on, amount_fen, paid_fen, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
        )?;
        let mut n = 0u64;
        let mut by_rep: HashMap<(String, i32), i64> = HashMap::new();
        for (cid, owner, tier) in &customers {
            // Prospects start buying in one of the last three months (new customers); others
            // buy in some months of the year, more often the higher the tier.
            let (p, scale, from) = match tier.as_str() {
                "strategic" => (0.9, 2_000_000, this - 11),
                "key" => (0.6, 600_000, this - 11),
                "regular" => (0.25, 200_000, this - 11),
                _ => (0.8, 300_000, this - rng.random_range(0..3)),
            };
            if tier == "prospect" && !rng.random_bool(0.05) {
                continue;
            }
            for m in from..=this {
                if !rng.random_bool(p) {
                    continue;
                }
                let last = if m == this { today } else { last_day(m) };
                let day = first_day(m) + chrono::Duration::days(rng.random_range(0..=(last - first_day(m)).num_days()));
                let fen = rng.random_range(scale / 10..scale * 2) / 100 * 100;
                sale.execute(params![new_id(), cid, owner, ymd(day), "sale", fen, ctx.now, ctx.user])?;
                n += 1;
                *by_rep.entry((owner.clone(), m)).or_default() += fen;
                if rng.random_bool(0.03) {
                    sale.execute(params![new_id(), cid, owner, ymd(day), "return", fen / 10, ctx.now, ctx.user])?;
                    n += 1;
                }
                // Collected within about a month; some left as receivables, a few overdue.
                let paid_on = day + chrono::Duration::days(rng.random_range(5..40));
                if paid_on <= today && rng.random_bool(0.85) {
                    coll.execute(params![new_id(), cid, owner, ymd(paid_on), fen, ctx.now, ctx.user])?;
                } else {
                    let due = day + chrono::Duration::days(*[30, 60, 90].get(rng.random_range(0..3)).unwrap_or(&30));
                    let paid = if rng.random_bool(0.3) { fen / 2 } else { 0 };
                    recv.execute(params![new_id(), cid, owner, ymd(day), ymd(due), fen, paid, ctx.now, ctx.user])?;
                }
            }
        }
        // Targets: about the rep's average month, so some beat it and some miss; departments
        // get the sum and a stretch target 10% above. Scores for the last two months.
        let mut dept: HashMap<(String, i32), i64> = HashMap::new();
        for m in (this - 11)..=this {
            for (rep, d) in &reps {
                let avg = (this - 11..=this).map(|k| by_rep.get(&(rep.clone(), k)).copied().unwrap_or(0)).sum::<i64>() / 12;
                let target = (avg.max(1_000_000) / 10_000) * 10_000;
                tx.execute(
                    "INSERT INTO sales_targets (id, scope, subject, month, sales_fen, collection_fen, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, 'rep', ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
                    params![new_id(), rep, month_str(m), target, target * 9 / 10, ctx.now, ctx.user],
                )?;
                *dept.entry((d.clone(), m)).or_default() += target;
                if m >= this - 1 {
                    tx.execute(
                        "INSERT INTO performance_inputs (id, user_id, month, ability, attitude, performance_pay_fen, created_at, created_by, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, 300000, ?6, ?7, ?6, ?7)",
                        params![new_id(), rep, month_str(m), rng.random_range(12..=20), rng.random_range(14..=20), ctx.now, ctx.user],
                    )?;
                }
            }
        }
        for ((d, m), t) in dept {
            tx.execute(
                "INSERT INTO sales_targets (id, scope, subject, month, sales_fen, collection_fen, stretch_fen, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, 'department', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![new_id(), d, month_str(m), t, t * 9 / 10, t * 11 / 10, ctx.now, ctx.user],
            )?;
        }
        Ok(n)
    })
}
