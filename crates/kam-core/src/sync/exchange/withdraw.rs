//! Withdrawing reassigned customers from field devices (issue 11): head office's return file
//! names the customers the addressee saw and no longer sees (reassigned to someone outside
//! their reach); the device deletes each with every row hanging off it, its change capture,
//! change history and derived data, none of it captured as a change to send back. Head office
//! keeps the history. A customer this device still has unconfirmed changes to waits (hidden,
//! its row names the new owner) until head office confirms receiving them.

use super::*;

impl Kam {
    /// Head office: the customers to withdraw from `peer` — reassigned since it last confirmed
    /// receiving, seen by it before (their old owner was within its reach) and not any more.
    pub(super) fn withdrawals_for(&self, scope: &Scope, peer: &Peer) -> Result<Vec<String>> {
        let mut stmt =
            self.conn.prepare("SELECT customer_id, from_owner FROM sync_resend WHERE seq > ?1 ORDER BY seq")?;
        let moved = stmt
            .query_map([peer.acked], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: Vec<String> = Vec::new();
        for (customer, from) in moved {
            if out.contains(&customer) || !scope.owner_in_scope(&self.conn, from.as_deref())? {
                continue;
            }
            if scope.sees_customer(&self.conn, &customer)? == Some(false) {
                out.push(customer);
            }
        }
        Ok(out)
    }
}

/// Every row of a customer in the synced tables, children before parents (the order to
/// delete them in), the customer last.
fn rows_of(tx: &Transaction, customer: &str) -> Result<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    for (t, col, parent) in tables::via_parent() {
        let mut s = tx.prepare_cached(&format!(
            "SELECT x.id FROM {t} x JOIN {parent} p ON p.id = x.{col} WHERE p.customer_id = ?1"
        ))?;
        for id in s.query_map([customer], |r| r.get::<_, String>(0))? {
            out.push((t, id?));
        }
    }
    let mut direct: Vec<&'static str> = customer_tables().collect();
    direct.reverse();
    for t in direct {
        let mut s = tx.prepare_cached(&format!("SELECT id FROM {t} WHERE customer_id = ?1"))?;
        for id in s.query_map([customer], |r| r.get::<_, String>(0))? {
            out.push((t, id?));
        }
    }
    out.push(("customers", customer.to_string()));
    Ok(out)
}

/// Has this device changed any of `rows` since head office last confirmed (`acked`)?
fn unconfirmed(tx: &Transaction, rows: &[(&'static str, String)], acked: i64) -> Result<bool> {
    let mut s = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM sync_rows WHERE tbl = ?1 AND row_id = ?2 AND dev = 0 AND seq > ?3)
             OR EXISTS (SELECT 1 FROM sync_cols WHERE tbl = ?1 AND row_id = ?2 AND dev = 0 AND seq > ?3)",
    )?;
    for (t, id) in rows {
        if s.query_row(params![t, id, acked], |r| r.get::<_, bool>(0))? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Delete one customer and everything of it on this device, without capturing the deletion.
fn delete_customer(tx: &Transaction, customer: &str, rows: &[(&'static str, String)]) -> Result<()> {
    let seq: Option<i64> =
        tx.query_row("SELECT seq FROM customers WHERE id = ?1", [customer], |r| r.get(0)).optional()?;
    for (t, id) in rows {
        tx.prepare_cached(&format!("DELETE FROM {t} WHERE id = ?1"))?.execute([id])?;
        tx.prepare_cached("DELETE FROM sync_rows WHERE tbl = ?1 AND row_id = ?2")?.execute(params![t, id])?;
        tx.prepare_cached("DELETE FROM sync_cols WHERE tbl = ?1 AND row_id = ?2")?.execute(params![t, id])?;
    }
    tx.execute("DELETE FROM change_history WHERE customer_id = ?1", [customer])?;
    if let Some(seq) = seq {
        tx.execute("DELETE FROM cadence_facts WHERE seq = ?1", [seq])?;
        crate::search::reindex(tx, seq, None)?;
    }
    Ok(())
}

/// A field device applies head office's withdrawals (`ids`, from the file) and those still
/// waiting from earlier files. `scope` is the enrolled person's; `acked` the highest of this
/// device's changes head office has confirmed. A customer the person sees again (reassigned
/// back) is kept. Returns the customers withdrawn.
pub(super) fn apply_withdrawals(
    tx: &Transaction,
    ids: &[String],
    scope: &Scope,
    acked: i64,
    now: &str,
) -> Result<Vec<String>> {
    let mut wanted: Vec<String> = ids.to_vec();
    {
        let mut s = tx.prepare("SELECT customer_id FROM sync_withdrawals ORDER BY customer_id")?;
        for id in s.query_map([], |r| r.get::<_, String>(0))? {
            let id = id?;
            if !wanted.contains(&id) {
                wanted.push(id);
            }
        }
    }
    let mut done = Vec::new();
    if wanted.is_empty() {
        return Ok(done);
    }
    tx.execute("UPDATE sync_state SET applying = 3", [])?;
    for id in wanted {
        // Not here (any more), or theirs again: nothing to withdraw.
        if scope.sees_customer(tx, &id)? != Some(false) {
            tx.execute("DELETE FROM sync_withdrawals WHERE customer_id = ?1", [&id])?;
            continue;
        }
        let rows = rows_of(tx, &id)?;
        if unconfirmed(tx, &rows, acked)? {
            tx.execute(
                "INSERT INTO sync_withdrawals (customer_id, since) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![id, now],
            )?;
            continue;
        }
        delete_customer(tx, &id, &rows)?;
        tx.execute("DELETE FROM sync_withdrawals WHERE customer_id = ?1", [&id])?;
        done.push(id);
    }
    tx.execute("UPDATE sync_state SET applying = 1", [])?;
    Ok(done)
}
