//! Writing the sync file for a peer.

use super::*;

impl Kam {
    pub(super) fn peer_for(&self, ident: &Identity, to: &str) -> Result<Peer> {
        let peers = load_peers(&self.conn)?;
        let to = to.trim();
        if ident.role != DeviceRole::HeadOffice {
            return peers.into_iter().find(|p| p.role == DeviceRole::HeadOffice).ok_or_else(not_enrolled);
        }
        if let Some(p) = peers.iter().find(|p| p.device_id == to) {
            return Ok(p.clone());
        }
        let user = self.resolve_user(to)?;
        peers.into_iter().find(|p| p.user_id.as_deref() == Some(user.id.as_str())).ok_or_else(|| {
            KamError::invalid(
                "to",
                format!("{} 的设备还没有发来过同步文件，总部还不能给它写回传文件。请先导入该设备的第一个同步文件。", user.name),
                format!("{}'s device has not sent a sync file yet, so head office cannot write it a return file. Import that device's first file first.", user.name),
            )
        })
    }

    /// Write the sync file for `to` ("hq" on a field device; a person or device id at head
    /// office) as bytes, with its suggested file name and how many rows it carries.
    pub fn sync_export_bytes(&mut self, to: &str) -> Result<(String, Vec<u8>, u32, Addressee)> {
        let ident = self.identity()?;
        let peer = self.peer_for(&ident, to)?;
        let schema = schema(&self.conn)?;
        let devices = Devices::load(&self.conn, &self.device_id)?;
        let head_office = ident.role == DeviceRole::HeadOffice;
        let mut wanted: BTreeSet<(usize, String, String)> = BTreeSet::new();
        {
            let sql = if head_office {
                "SELECT tbl, row_id FROM sync_rows WHERE seq > ?1 AND dev <> ?2
                 UNION SELECT tbl, row_id FROM sync_cols WHERE seq > ?1 AND dev <> ?2"
            } else {
                "SELECT tbl, row_id FROM sync_rows WHERE seq > ?1 AND dev = 0 AND ?2 = ?2
                 UNION SELECT tbl, row_id FROM sync_cols WHERE seq > ?1 AND dev = 0 AND ?2 = ?2"
            };
            let peer_no = devices.existing_no(&peer.device_id).unwrap_or(-1);
            let mut stmt = self.conn.prepare(sql)?;
            for r in
                stmt.query_map(params![peer.acked, peer_no], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            {
                let (t, id) = r?;
                wanted.insert((table_rank(&t), t, id));
            }
        }
        let scope = if head_office { Some(scope_of(&self.conn, &peer)?) } else { None };
        let withdrawn = match &scope {
            Some(scope) => {
                self.resent_rows(scope, &peer, &mut wanted)?;
                self.withdrawals_for(scope, &peer)?
            }
            None => Vec::new(),
        };
        let mut dev_index: HashMap<i64, u32> = HashMap::new();
        let mut dev_list: Vec<String> = Vec::new();
        let mut idx = |no: i64| -> u32 {
            *dev_index.entry(no).or_insert_with(|| {
                dev_list.push(devices.id(no).to_string());
                (dev_list.len() - 1) as u32
            })
        };
        let mut rows = Vec::new();
        let mut cache = HashMap::new();
        for (_, t, id) in &wanted {
            let t = t.as_str();
            let Some(cols) = schema.get(t) else { continue };
            let Some(values) = read_row(&self.conn, t, cols, id)? else { continue };
            if let Some(scope) = &scope {
                let mut m: HashMap<&str, Value> = cols.iter().map(String::as_str).zip(values.iter().cloned()).collect();
                m.insert("id", Value::Text(id.clone()));
                // A withdrawn customer's row still goes: who owns it now hides it at once.
                let withdrawing = t == "customers" && withdrawn.contains(id);
                if !withdrawing && !scope.sees_row(&self.conn, &mut cache, t, &m, id)? {
                    continue;
                }
            }
            let born: (i64, i64) = self
                .conn
                .prepare_cached("SELECT hlc, dev FROM sync_rows WHERE tbl = ?1 AND row_id = ?2")?
                .query_row(params![t, id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or((0, 0));
            let mut col_st: HashMap<String, (i64, i64)> = HashMap::new();
            {
                let mut s =
                    self.conn.prepare_cached("SELECT col, hlc, dev FROM sync_cols WHERE tbl = ?1 AND row_id = ?2")?;
                for r in s.query_map(params![t, id], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))? {
                    let (c, st) = r?;
                    col_st.insert(c, st);
                }
            }
            let b = (born.0 as u64, idx(born.1));
            let c = cols
                .iter()
                .zip(values.iter())
                .map(|(c, v)| {
                    let st = col_st.get(c).map(|(h, d)| (*h as u64, idx(*d)));
                    (c.clone(), to_json(v), st.filter(|s| *s != b))
                })
                .collect();
            rows.push(Patch { t: t.to_string(), id: id.clone(), b, c });
        }
        let count = rows.len() as u32;
        let refused = if head_office { self.refusals_for(&peer)? } else { Vec::new() };
        let body = Body {
            v: BODY_VERSION,
            user_id: self.user_id.clone(),
            enrollment: match (&ident.token, head_office) {
                (Some(token), false) => Some(Proof { token: token.clone(), keys: ident.keys.public() }),
                _ => None,
            },
            devices: dev_list,
            rows,
            refused,
            withdrawn,
        };
        let body = serde_json::to_vec(&body).expect("body serialises");
        let seq: i64 = self.conn.query_row("SELECT seq FROM sync_state", [], |r| r.get(0))?;
        let now = util::ts(self.now());
        let header = SyncHeader::new(
            &ident.keys,
            &ident.org_id,
            &peer.device_id,
            ((peer.acked + 1).min(seq) as u64, seq as u64),
            peer.received.max(0) as u64,
            &now,
        );
        let bytes = write_sync_file(&ident.keys, &header, &body, &peer.keys.recipient()?)?;
        let me = self.user(&self.user_id).map(|u| u.name).unwrap_or_default();
        let date = crate::relation::local_date_of(&now).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let file_name = if head_office {
            format!("kam-总部-{}-{date}.kamsync", safe_name(&peer.name))
        } else {
            format!("kam-{}-{date}.kamsync", safe_name(&me))
        };
        Ok((file_name, bytes, count, Addressee { device_id: peer.device_id, name: peer.name }))
    }

    /// Reassigned customers: a device whose reach they entered gets the whole dossier, one
    /// they left the row (and a withdrawal, see `withdraw.rs`).
    fn resent_rows(&self, scope: &Scope, peer: &Peer, wanted: &mut BTreeSet<(usize, String, String)>) -> Result<()> {
        let mut stmt = self.conn.prepare("SELECT customer_id, from_owner, to_owner FROM sync_resend WHERE seq > ?1")?;
        let rows = stmt
            .query_map(params![peer.acked], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (customer, from_owner, to_owner) in rows {
            let (from, to) = (from_owner.as_deref(), to_owner.as_deref());
            if !scope.owner_in_scope(&self.conn, from)? && !scope.owner_in_scope(&self.conn, to)? {
                continue;
            }
            wanted.insert((table_rank("customers"), "customers".into(), customer.clone()));
            if scope.owner_in_scope(&self.conn, to)? && !scope.owner_in_scope(&self.conn, from)? {
                for t in customer_tables() {
                    let mut s = self.conn.prepare_cached(&format!("SELECT id FROM {t} WHERE customer_id = ?1"))?;
                    for id in s.query_map([&customer], |r| r.get::<_, String>(0))? {
                        wanted.insert((table_rank(t), t.to_string(), id?));
                    }
                }
                for (t, col, parent) in tables::via_parent() {
                    let mut s = self.conn.prepare_cached(&format!(
                        "SELECT x.id FROM {t} x JOIN {parent} p ON p.id = x.{col} WHERE p.customer_id = ?1"
                    ))?;
                    for id in s.query_map([&customer], |r| r.get::<_, String>(0))? {
                        wanted.insert((table_rank(t), t.to_string(), id?));
                    }
                }
            }
        }
        Ok(())
    }

    /// Head office: what it refused of `peer`'s files since `peer` last confirmed receiving.
    fn refusals_for(&self, peer: &Peer) -> Result<Vec<RefusedChange>> {
        let mut stmt = self.conn.prepare(
            "SELECT tbl, row_id, label, reason, reason_en FROM sync_refusals
                 WHERE peer_device = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![peer.device_id, peer.acked], |r| {
            Ok(RefusedChange {
                table: r.get(0)?,
                row_id: r.get(1)?,
                label: r.get(2)?,
                reason: r.get(3)?,
                reason_en: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Export the sync file for `to` ("hq" on a field device; a person or device at head
    /// office) to `out` (default: the export folder, `kam-张三-2026-11-23.kamsync`). It holds
    /// everything the addressee has not confirmed receiving, so a lost file is covered by the next.
    pub fn sync_export(&mut self, to: &str, out: Option<&Path>) -> Result<SyncExportResult> {
        let (file_name, bytes, changes, peer) = self.sync_export_bytes(to)?;
        let path = match out {
            Some(p) if p.is_dir() || !has_extension(p, "kamsync") => p.join(&file_name),
            Some(p) => p.to_path_buf(),
            None => crate::default_export_dir().join(&file_name),
        };
        write_file(&path, &bytes)?;
        self.record_export(
            "sync_file",
            serde_json::json!({ "to": peer.name, "device": peer.device_id }),
            Some(changes as i64),
            &path,
        )?;
        let file_id = crate::sync::keys::to_hex(&bytes[bytes.len() - 64..]);
        let shown_name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let (pd, pn, sn) = (peer.device_id.clone(), peer.name.clone(), shown_name.clone());
        self.write(move |tx, ctx| {
            tx.execute(
                "INSERT INTO sync_history (id, direction, peer_device, peer_name, file_name, file_id, changes, at, by_user)
                 VALUES (?1, 'export', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![util::new_id(), pd, pn, sn, file_id, changes, ctx.now, ctx.user],
            )?;
            tx.execute("UPDATE sync_peers SET last_export_at = ?2 WHERE device_id = ?1", params![pd, ctx.now])?;
            set_setting(tx, "last_exchange_at", &ctx.now)?;
            Ok(())
        })?;
        Ok(SyncExportResult {
            path: path.display().to_string(),
            file_name: shown_name,
            addressee: peer.name,
            changes,
            bytes: bytes.len() as u64,
        })
    }

    /// Head office: a return file for every enrolled device, into `dir`.
    pub fn sync_export_all(&mut self, dir: &Path) -> Result<Vec<SyncExportResult>> {
        let ident = self.identity()?;
        if ident.role != DeviceRole::HeadOffice {
            return Err(head_office_only("为所有设备导出回传文件", "export return files for every device"));
        }
        std::fs::create_dir_all(dir)?;
        let peers = load_peers(&self.conn)?;
        let mut out = Vec::new();
        for p in peers {
            out.push(self.sync_export(&p.device_id, Some(dir))?);
        }
        Ok(out)
    }
}

/// Who a sync file is for.
#[derive(Debug, Clone)]
pub struct Addressee {
    pub device_id: String,
    pub name: String,
}
