//! Exchange history and what a user may see.

use super::*;

impl Kam {
    /// Files exported and applied, newest first.
    pub fn sync_history(&self, limit: u32) -> Result<Vec<SyncHistoryEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT h.id, h.direction, h.peer_name, h.file_name, h.changes, h.refused, h.conflicts, h.duplicates, h.at,
                    coalesce(u.name, h.by_user)
             FROM sync_history h LEFT JOIN users u ON u.id = h.by_user ORDER BY h.at DESC, h.rowid DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(SyncHistoryEntry {
                id: r.get(0)?,
                direction: r.get(1)?,
                peer_name: r.get(2)?,
                file_name: r.get(3)?,
                changes: r.get(4)?,
                refused: r.get(5)?,
                conflicts: r.get(6)?,
                duplicates: r.get(7)?,
                at: r.get(8)?,
                by_user: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// What `user` may see of this database, as comparable text: every visible row of every
    /// synced table with its synced fields (tests check that devices converge).
    pub fn sync_visible_content(&self, user_id: Option<&str>) -> Result<Vec<String>> {
        let schema = schema(&self.conn)?;
        let scope = match user_id {
            None => None,
            Some(u) => {
                let role = match self.user(u)?.role.as_str() {
                    "manager" => DeviceRole::Manager,
                    _ => DeviceRole::Rep,
                };
                Some(Scope::of_device(&self.conn, u, role)?)
            }
        };
        let mut out = Vec::new();
        let mut cache = HashMap::new();
        for t in SYNCED_TABLES {
            if tables::find(t).is_some_and(|x| x.seen == Seen::Nobody) {
                continue; // one way, to head office: never on both sides
            }
            let cols = &schema[t];
            let list = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
            let mut stmt = self.conn.prepare(&format!("SELECT id, {list} FROM {t} ORDER BY id"))?;
            let n = cols.len();
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        (1..=n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (id, vals) in rows {
                if let Some(s) = &scope {
                    let mut m: HashMap<&str, Value> =
                        cols.iter().map(String::as_str).zip(vals.iter().cloned()).collect();
                    m.insert("id", Value::Text(id.clone()));
                    if !s.sees_row(&self.conn, &mut cache, t, &m, &id)? {
                        continue;
                    }
                }
                let vals: Vec<Json> = vals.iter().map(to_json).collect();
                out.push(format!("{t} {id} {}", Json::Array(vals)));
            }
        }
        Ok(out)
    }
}
