//! Duplicate claims (撞单) and merging customers.

use super::*;

impl Kam {
    /// The duplicate-claim queue (撞单), newest first; `all` includes settled ones.
    pub fn duplicate_claims(&self, all: bool) -> Result<Vec<DuplicateClaim>> {
        let ids: Vec<String> = self
            .conn
            .prepare(&format!(
                "SELECT id FROM duplicate_claims {} ORDER BY detected_at DESC, id LIMIT 1000",
                if all { "" } else { "WHERE status = 'open'" }
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| duplicate_claim(&self.conn, id)).collect()
    }

    /// Not the same company: close the claim.
    pub fn dismiss_duplicate(&mut self, id: &str) -> Result<DuplicateClaim> {
        let id2 = id.to_string();
        let n = self.write(move |tx, ctx| {
            Ok(tx.execute(
                "UPDATE duplicate_claims SET status = 'dismissed', resolved_at = ?2, resolved_by = ?3
                 WHERE id = ?1 AND status = 'open'",
                params![id2, ctx.now, ctx.user],
            )?)
        })?;
        if n == 0 {
            return Err(KamError::NotFound { entity: crate::error::Entity::DuplicateClaim, id: id.to_string() });
        }
        duplicate_claim(&self.conn, id)
    }

    /// Merge customer `merged_id` into `keep_id`: every record of it (contacts, visits, quotes,
    /// complaints, sales…) now points at the kept customer, and the merged one is deleted with a
    /// pointer to it. Goes to every device with the next exchange.
    pub fn merge_customers(&mut self, keep_id: &str, merged_id: &str) -> Result<MergeResult> {
        let keep = self.resolve_customer(keep_id)?.id;
        let merged = self.resolve_customer(merged_id)?.id;
        if keep == merged {
            return Err(KamError::invalid(
                "merged_id",
                "不能把客户合并到它自己。",
                "A customer cannot be merged into itself.",
            ));
        }
        let (k, m) = (keep.clone(), merged.clone());
        let moved = self.write(move |tx, ctx| {
            tx.execute("UPDATE sync_state SET applying = 2", [])?;
            let mut moved = 0;
            for t in customer_tables() {
                moved += tx.execute(
                    &format!("UPDATE {t} SET customer_id = ?1, updated_at = ?3, updated_by = ?4 WHERE customer_id = ?2"),
                    params![k, m, ctx.now, ctx.user],
                )?;
            }
            tx.execute(
                "UPDATE customers SET deleted_at = ?3, merged_into = ?1, updated_at = ?3, updated_by = ?4 WHERE id = ?2",
                params![k, m, ctx.now, ctx.user],
            )?;
            tx.execute(
                "UPDATE customers SET credit_code = (SELECT credit_code FROM customers WHERE id = ?2),
                     updated_at = ?3, updated_by = ?4
                 WHERE id = ?1 AND credit_code IS NULL AND (SELECT credit_code FROM customers WHERE id = ?2) IS NOT NULL",
                params![k, m, ctx.now, ctx.user],
            )?;
            tx.execute("UPDATE sync_state SET applying = 0", [])?;
            tx.execute(
                "UPDATE duplicate_claims SET status = 'merged', resolved_at = ?3, resolved_by = ?4
                 WHERE status = 'open' AND ((customer_id = ?1 AND other_id = ?2) OR (customer_id = ?2 AND other_id = ?1))",
                params![k, m, ctx.now, ctx.user],
            )?;
            for c in [&k, &m] {
                crate::dossier::reindex_customer(tx, c)?;
                crate::relation::visit::refresh_facts(tx, c)?;
            }
            Ok(moved as u32)
        })?;
        Ok(MergeResult { kept_id: keep, merged_id: merged, moved })
    }
}

pub(super) fn duplicate_claim(conn: &Connection, id: &str) -> Result<DuplicateClaim> {
    Ok(conn.query_row(
        "SELECT d.id, d.customer_id, a.name, ua.name, d.other_id, b.name, ub.name, d.reason, d.detected_at, d.status
         FROM duplicate_claims d
         JOIN customers a ON a.id = d.customer_id LEFT JOIN users ua ON ua.id = a.owner_id
         JOIN customers b ON b.id = d.other_id LEFT JOIN users ub ON ub.id = b.owner_id
         WHERE d.id = ?1",
        [id],
        |r| {
            Ok(DuplicateClaim {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                customer_name: r.get(2)?,
                customer_owner: r.get(3)?,
                other_id: r.get(4)?,
                other_name: r.get(5)?,
                other_owner: r.get(6)?,
                reason: r.get(7)?,
                detected_at: r.get(8)?,
                status: r.get(9)?,
            })
        },
    )?)
}
