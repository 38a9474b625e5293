//! The conflict inbox.

use super::*;

impl Kam {
    /// The conflict inbox, newest first; `all` includes confirmed and reversed entries.
    pub fn sync_conflicts(&self, all: bool) -> Result<Vec<SyncConflict>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, tbl, row_id, col, winner_value, winner_device, winner_hlc, loser_value, loser_device, loser_hlc,
                    detected_at, status FROM sync_conflicts {} ORDER BY detected_at DESC, id LIMIT 1000",
            if all { "" } else { "WHERE status = 'open'" }
        ))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, ConflictStatus>(11)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        let internal_view = self.internal_view()?;
        for (id, t, row_id, col, wv, wd, wh, lv, ld, lh, detected_at, status) in rows {
            if !internal_view && crate::history::INTERNAL_FIELDS.contains(&(t.as_str(), col.as_str())) {
                continue; // a line's cost is for those with the internal view
            }
            let (label, customer_id) = self.row_label(&t, &row_id)?;
            let who = |d: &str| -> Result<String> { self.device_owner_name(d) };
            let at = |h: i64| util::ts(chrono::DateTime::from_timestamp_millis(h >> 16).unwrap_or_default());
            out.push(SyncConflict {
                id,
                table_label: table_label(&t).0.to_string(),
                table: t,
                row_id,
                label,
                customer_id,
                column: col,
                winner_value: shown(wv.as_deref().unwrap_or("null")),
                winner_by: who(&wd)?,
                winner_at: at(wh),
                loser_value: shown(lv.as_deref().unwrap_or("null")),
                loser_by: who(&ld)?,
                loser_at: at(lh),
                detected_at,
                status,
            });
        }
        Ok(out)
    }

    pub(super) fn device_owner_name(&self, device: &str) -> Result<String> {
        if device == self.device_id {
            return Ok("总部".into());
        }
        Ok(self
            .conn
            .query_row("SELECT name FROM sync_peers WHERE device_id = ?1", [device], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| device.chars().take(8).collect()))
    }

    pub(super) fn row_label(&self, t: &str, id: &str) -> Result<(String, Option<String>)> {
        if !SYNCED_TABLES.contains(&t) {
            return Ok((String::new(), None));
        }
        let cols = columns(&self.conn, t)?;
        let cols: Vec<String> = cols.into_iter().filter(|c| c != "id").collect();
        let Some(vals) = read_row(&self.conn, t, &cols, id)? else { return Ok((String::new(), None)) };
        let mut m: HashMap<&str, Value> = cols.iter().map(String::as_str).zip(vals).collect();
        m.insert("id", Value::Text(id.to_string()));
        describe(&self.conn, t, &m)
    }

    /// Settle a conflict inbox entry: `restore_loser` false confirms the value in force; true
    /// writes the losing value back (as a new change, so every device gets it).
    pub fn resolve_conflict(&mut self, id: &str, restore_loser: bool) -> Result<SyncConflict> {
        let (t, row_id, col, loser, status): (String, String, String, Option<String>, ConflictStatus) = self
            .conn
            .query_row("SELECT tbl, row_id, col, loser_value, status FROM sync_conflicts WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::SyncConflict, id: id.to_string() })?;
        if status != ConflictStatus::Open {
            return Err(KamError::invalid(
                "id",
                format!("该冲突已处理（{}）。", status.label_zh()),
                format!("This conflict is already settled ({}).", status.label_en()),
            ));
        }
        let cols = columns(&self.conn, &t)?;
        if !SYNCED_TABLES.contains(&t.as_str()) || !cols.contains(&col) {
            return Err(KamError::NotFound { entity: crate::error::Entity::SyncConflict, id: id.to_string() });
        }
        let value = from_json(&serde_json::from_str(loser.as_deref().unwrap_or("null")).unwrap_or(Json::Null));
        let id2 = id.to_string();
        self.write(move |tx, ctx| {
            if restore_loser {
                tx.execute("UPDATE sync_state SET applying = 2", [])?;
                let extra =
                    if col == "updated_at" || col == "updated_by" { "" } else { ", updated_at = ?3, updated_by = ?4" };
                tx.execute(
                    &format!("UPDATE {t} SET \"{col}\" = ?2{extra} WHERE id = ?1"),
                    params![row_id, value, ctx.now, ctx.user],
                )?;
                tx.execute("UPDATE sync_state SET applying = 0", [])?;
                if t == "customers" || t == "contacts" {
                    let customer: Option<String> = if t == "customers" {
                        Some(row_id.clone())
                    } else {
                        tx.query_row("SELECT customer_id FROM contacts WHERE id = ?1", [&row_id], |r| r.get(0))
                            .optional()?
                    };
                    if let Some(c) = customer {
                        crate::dossier::reindex_customer(tx, &c)?;
                    }
                }
            }
            tx.execute(
                "UPDATE sync_conflicts SET status = ?2, resolved_at = ?3, resolved_by = ?4 WHERE id = ?1",
                params![id2, if restore_loser { "reversed" } else { "confirmed" }, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.sync_conflicts(true)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::SyncConflict, id: id.to_string() })
    }
}
