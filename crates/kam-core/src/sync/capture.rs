//! Change capture: every insert and update of a synced table records the hybrid logical clock
//! of the write and this device, per row (creation) and per field (later changes), so a sync
//! file can carry "everything the addressee has not acknowledged" and the receiver can merge
//! field by field. Capture is done by triggers, so every write is caught, whoever makes it
//! (the app, the CLI, the demo loader); `Kam::write` stamps the clock each transaction uses.
//!
//! The triggers are derived from the schema, like the search index: [`install`] regenerates
//! them when the tables' columns differ from what the installed triggers cover, so a future
//! migration that adds a column is captured without editing an applied migration.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// The synced tables, parents before children: the order the importer applies rows in, so a
/// foreign key always finds its parent. Derived from the registry, [`super::tables::TABLES`].
pub const SYNCED_TABLES: &[&str] = super::tables::NAMES;

/// Columns never synced: local row numbers.
const LOCAL_COLUMNS: &[(&str, &str)] = &[("customers", "seq")];

/// Columns whose concurrent changes are bookkeeping, not a disagreement between people.
pub const NOT_CONFLICTS: &[&str] = &["updated_at", "updated_by", "name_pinyin"];

/// The synced columns of `table`, in table order (`id` first).
pub fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let cols = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|c| !LOCAL_COLUMNS.contains(&(table, c.as_str())))
        .collect();
    Ok(cols)
}

fn trigger_sql(table: &str, cols: &[String]) -> (String, String) {
    let ins = format!(
        "CREATE TRIGGER sync_ins_{table} AFTER INSERT ON {table} WHEN (SELECT applying FROM sync_state) <> 1
BEGIN
    UPDATE sync_state SET seq = seq + 1;
    INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT '{table}', NEW.id, hlc, 0, seq FROM sync_state WHERE 1
        ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, dev = 0, seq = excluded.seq;
    DELETE FROM sync_cols WHERE tbl = '{table}' AND row_id = NEW.id;
END"
    );
    let changed = cols
        .iter()
        .filter(|c| c.as_str() != "id")
        .map(|c| format!("SELECT '{c}' AS col WHERE NEW.\"{c}\" IS NOT OLD.\"{c}\""))
        .collect::<Vec<_>>()
        .join("\n            UNION ALL ");
    let upd = format!(
        "CREATE TRIGGER sync_upd_{table} AFTER UPDATE ON {table} WHEN (SELECT applying FROM sync_state) <> 1
BEGIN
    UPDATE sync_state SET seq = seq + 1;
    INSERT INTO sync_cols (tbl, row_id, col, hlc, dev, seq)
        SELECT '{table}', NEW.id, c.col, s.hlc, 0, s.seq FROM sync_state s, (
            {changed}) c WHERE 1
        ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc, dev = 0, seq = excluded.seq;
END"
    );
    (ins, upd)
}

/// Create or refresh the capture triggers so they cover every synced column. Writes nothing
/// when they are already current.
pub fn install(conn: &mut Connection) -> Result<()> {
    let mut wanted = Vec::new();
    for t in SYNCED_TABLES {
        let cols = columns(conn, t)?;
        let (ins, upd) = trigger_sql(t, &cols);
        wanted.push((format!("sync_ins_{t}"), ins));
        wanted.push((format!("sync_upd_{t}"), upd));
    }
    refresh_triggers(conn, &wanted)
}

/// Replace the triggers (name, CREATE statement) whose stored SQL differs, in one transaction;
/// writes nothing when all are current. Shared with the change-history triggers (`history.rs`).
pub(crate) fn refresh_triggers(conn: &mut Connection, wanted: &[(String, String)]) -> Result<()> {
    let mut stale = Vec::new();
    for (name, sql) in wanted {
        let have: Option<String> = conn
            .query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", [name], |r| r.get(0))
            .optional()?;
        if have.as_deref() != Some(sql.as_str()) {
            stale.push((name, sql));
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (name, sql) in stale {
        tx.execute_batch(&format!("DROP TRIGGER IF EXISTS {name};\n{sql};"))?;
    }
    tx.commit()?;
    Ok(())
}

/// The next hybrid logical clock for a local write: wall-clock milliseconds in the high bits,
/// a counter in the low 16, never going backwards.
pub fn next_hlc(last: u64, now_ms: i64) -> u64 {
    let wall = (now_ms.max(0) as u64) << 16;
    wall.max(last + 1)
}

/// Stamp the transaction in progress with the next clock (every local write calls this first).
pub(crate) fn tick(conn: &Connection, now_ms: i64) -> Result<()> {
    conn.execute("UPDATE sync_state SET hlc = max(hlc + 1, ?1)", [(now_ms.max(0)) << 16])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hlc_never_goes_backwards() {
        let a = next_hlc(0, 1_000);
        assert_eq!(a, 1_000 << 16);
        let b = next_hlc(a, 1_000);
        assert_eq!(b, a + 1);
        let c = next_hlc(b, 999);
        assert_eq!(c, b + 1, "a clock set back still moves forward");
        assert_eq!(next_hlc(c, 2_000), 2_000 << 16);
    }
}
