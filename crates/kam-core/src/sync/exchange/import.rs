//! Importing sync files: check, preview and apply in one transaction.

use super::*;

impl Kam {
    /// Import sync files: each is checked, previewed and (unless `dry_run`) applied in its own
    /// transaction. A refused file gets its reason and changes nothing; the others go ahead.
    pub fn sync_import(&mut self, paths: &[PathBuf], dry_run: bool) -> Vec<SyncImportResult> {
        self.sync_import_with_progress(paths, dry_run, &mut |_| {})
    }

    /// [`Kam::sync_import`], telling `progress` the percentage of files done after each file.
    pub fn sync_import_with_progress(
        &mut self,
        paths: &[PathBuf],
        dry_run: bool,
        progress: &mut dyn FnMut(u32),
    ) -> Vec<SyncImportResult> {
        let total = paths.len().max(1);
        let results = paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                progress((i * 100 / total) as u32);
                let name = p.display().to_string();
                let file_name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let res =
                    std::fs::read(p).map_err(KamError::from).and_then(|b| self.import_file(&b, dry_run, &file_name));
                match res {
                    Ok(report) => SyncImportResult {
                        file: name,
                        applied: !dry_run && report.already_applied_at.is_none(),
                        report: Some(report),
                        error: None,
                    },
                    Err(e) => SyncImportResult { file: name, applied: false, report: None, error: Some(e.to_dto()) },
                }
            })
            .collect::<Vec<_>>();
        progress(100);
        results
    }

    /// Import one sync file from bytes (see [`Kam::sync_import`]).
    pub fn sync_import_bytes(&mut self, bytes: &[u8], dry_run: bool) -> Result<SyncFileReport> {
        self.import_file(bytes, dry_run, "")
    }

    pub(super) fn import_file(&mut self, bytes: &[u8], dry_run: bool, file_name: &str) -> Result<SyncFileReport> {
        let ident = self.identity()?;
        let peers = load_peers(&self.conn)?;
        let head_office = ident.role == DeviceRole::HeadOffice;
        let (header, body) = open_file(bytes, &ident, &peers, head_office)?;
        let file_id = crate::sync::keys::to_hex(&bytes[bytes.len() - 64..]);
        let (peer, enrollment) = self.sender_of(&peers, &header, &body)?;
        if head_office {
            check_audit_entries(&self.conn, &peer.device_id, &body.rows)?;
        }
        let mut report = SyncFileReport {
            sender_device_id: peer.device_id.clone(),
            sender_name: peer.name.clone(),
            sender_role: peer.role,
            created_at: header.created_at.clone(),
            changes: body.rows.len() as u32,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            by_table: Vec::new(),
            refused: Vec::new(),
            conflicts: 0,
            duplicates: Vec::new(),
            already_applied_at: None,
            new_device: enrollment.is_some(),
            withdrawn: 0,
        };
        let seen: Option<String> = self
            .conn
            .query_row(
                "SELECT at FROM sync_history WHERE direction = 'import' AND file_id = ?1 ORDER BY at LIMIT 1",
                [&file_id],
                |r| r.get(0),
            )
            .optional()?;
        if seen.is_some() {
            report.already_applied_at = seen;
            report.unchanged = report.changes;
            return Ok(report);
        }
        let schema = schema(&self.conn)?;
        let now = util::ts(self.now());
        let now_ms = self.now().timestamp_millis().max(0);
        let me_user = self.user_id.clone();
        let devices = Devices::load(&self.conn, &self.device_id)?;
        let scope = if head_office { Some(scope_of(&self.conn, &peer)?) } else { None };
        let tx = self.conn.transaction()?;
        tx.execute_batch("PRAGMA defer_foreign_keys = ON; UPDATE sync_state SET applying = 1;")?;
        // The change history names the file and its sender for every field it changes.
        tx.execute(
            "UPDATE sync_state SET applying_file = ?1, applying_device = ?2",
            params![file_id, header.sender_device_id],
        )?;
        let mut a = Apply {
            tx: &tx,
            schema: &schema,
            devices,
            file_devs: Vec::new(),
            file_dev_ids: body.devices.clone(),
            scope,
            sender_acked: header.acked_up_to as i64,
            head_office,
            now: now.clone(),
            max_hlc: 0,
            report,
            tables: BTreeMap::new(),
            search_dirty: BTreeSet::new(),
            cadence_dirty: BTreeSet::new(),
            customers_seen: BTreeSet::new(),
            new_customers: Vec::new(),
            refused_approvals: BTreeSet::new(),
        };
        for d in &body.devices {
            let no = a.devices.no(&tx, d)?;
            a.file_devs.push(no);
        }
        a.apply_rows(&body.rows)?;
        if !head_office {
            // Customers reassigned out of this device's reach go (see `withdraw.rs`).
            let me = Scope::of_device(&tx, &crate::auth::enrolled_user(&tx)?, ident.role)?;
            let acked = peer.acked.max(header.acked_up_to as i64);
            let gone = super::withdraw::apply_withdrawals(&tx, &body.withdrawn, &me, acked, &now)?;
            for id in &gone {
                a.search_dirty.remove(id);
                a.cadence_dirty.remove(id);
            }
            a.report.withdrawn = gone.len() as u32;
        }
        // Derived data follows; head office redirects rows sent to a customer it merged away.
        tx.execute(
            "UPDATE sync_state SET applying = 2, hlc = max(hlc + 1, ?1, ?2)",
            params![a.max_hlc as i64, now_ms << 16],
        )?;
        if head_office {
            a.redirect_merged(&me_user)?;
            a.revert_refused_approvals(&me_user)?;
        }
        tx.execute("UPDATE sync_state SET applying = 0, applying_file = NULL, applying_device = NULL", [])?;
        a.refresh_derived()?;
        if head_office {
            a.claim_duplicates()?;
        }
        let mut report = a.report;
        report.by_table = a.tables.into_values().collect();
        if head_office {
            record_refusals(&tx, &peer.device_id, &report.refused, &now)?;
        } else {
            // What head office refused of ours: shown in this report, said to be head office's answer.
            for r in &body.refused {
                report.refused.push(RefusedChange {
                    reason: format!("总部未接受：{}", r.reason),
                    reason_en: format!("Not accepted by head office: {}", r.reason_en),
                    ..r.clone()
                });
            }
        }
        if dry_run {
            drop(tx);
            return Ok(report);
        }
        if let Some(token) = enrollment {
            record_enrollment(&tx, &peer, &token, &now)?;
        }
        tx.execute(
            "UPDATE sync_peers SET received_seq = max(received_seq, ?2), acked_seq = max(acked_seq, ?3), last_import_at = ?4
             WHERE device_id = ?1",
            params![peer.device_id, header.clock_to as i64, header.acked_up_to as i64, now],
        )?;
        tx.execute(
            "INSERT INTO sync_history (id, direction, peer_device, peer_name, file_name, file_id, changes, refused,
                 conflicts, duplicates, at, by_user)
             VALUES (?1, 'import', ?2, ?3, ?11, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                util::new_id(),
                peer.device_id,
                peer.name,
                file_id,
                report.changes,
                report.refused.len() as u32,
                report.conflicts,
                report.duplicates.len() as u32,
                now,
                me_user,
                file_name
            ],
        )?;
        set_setting(&tx, "last_exchange_at", &now)?;
        tx.commit()?;
        Ok(report)
    }

    /// Who sent the file, and with which role: a known peer, or a new device proving its
    /// enrollment token (then the token is returned too).
    fn sender_of(&self, peers: &[Peer], header: &SyncHeader, body: &Body) -> Result<(Peer, Option<String>)> {
        let unknown_device = || {
            bad(
                SyncFileErrorKind::UnknownKey,
                "该同步文件来自未注册的设备（注册凭证无效或已被其他设备使用）。未导入任何内容；请为该人员重新签发注册文件。",
                "This sync file comes from a device that is not enrolled (its enrollment token is invalid or used by another device). Nothing was imported; issue that person a new enrollment file.",
            )
        };
        // Who sent it, and with which role.
        let (peer, enrollment) = match peers.iter().find(|p| p.device_id == header.sender_device_id) {
            Some(p) => {
                if p.role != DeviceRole::HeadOffice && p.user_id.as_deref() != Some(body.user_id.as_str()) {
                    return Err(bad_body("sender is not the enrolled person"));
                }
                (p.clone(), None)
            }
            None => {
                let proof = body.enrollment.as_ref().ok_or_else(unknown_device)?;
                if proof.keys.device_id != header.sender_device_id
                    || proof.keys.signing_key != header.sender_public_key
                    || proof.keys.recipient().is_err()
                {
                    return Err(unknown_device());
                }
                let (user_id, role, used_by): (String, DeviceRole, Option<String>) = self
                    .conn
                    .query_row(
                        "SELECT user_id, role, device_id FROM sync_enrollments WHERE token = ?1",
                        [&proof.token],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?
                    .ok_or_else(unknown_device)?;
                if user_id != body.user_id || used_by.is_some_and(|d| d != header.sender_device_id) {
                    return Err(unknown_device());
                }
                let name = self.user(&user_id).map(|u| u.name).unwrap_or_default();
                let peer = Peer {
                    device_id: header.sender_device_id.clone(),
                    user_id: Some(user_id),
                    role,
                    name,
                    keys: proof.keys.clone(),
                    received: 0,
                    acked: 0,
                    last_import_at: None,
                    last_export_at: None,
                };
                (peer, Some(proof.token.clone()))
            }
        };
        Ok((peer, enrollment))
    }
}

/// Check, decrypt and parse a sync file. At head office a file from a device never seen
/// before is trusted on its own key here; its enrollment proof is checked by the caller.
fn open_file(bytes: &[u8], ident: &Identity, peers: &[Peer], head_office: bool) -> Result<(SyncHeader, Body)> {
    let peeked = peek_header(bytes);
    let first_contact =
        head_office && peeked.as_ref().is_some_and(|h| !peers.iter().any(|p| p.device_id == h.sender_device_id));
    let trusted = |id: &str| -> Option<DevicePublicKeys> {
        if let Some(p) = peers.iter().find(|p| p.device_id == id) {
            return Some(p.keys.clone());
        }
        match (&peeked, first_contact) {
            (Some(h), true) if h.sender_device_id == id => Some(DevicePublicKeys {
                device_id: id.to_string(),
                signing_key: h.sender_public_key.clone(),
                age_recipient: String::new(),
            }),
            _ => None,
        }
    };
    let (header, body) = read_sync_file(bytes, &ident.keys, &trusted, &ident.org_id)?;
    let body: Body = serde_json::from_slice(&body).map_err(|_| bad_body("unreadable change list"))?;
    if body.v != BODY_VERSION {
        return Err(bad_body("change list version"));
    }
    Ok((header, body))
}

impl Apply<'_> {
    /// Apply the file's rows, parents first, counting what happened to each.
    fn apply_rows(&mut self, rows: &[Patch]) -> Result<()> {
        let mut order: Vec<&Patch> = rows.iter().collect();
        order.sort_by_key(|p| table_rank(&p.t));
        for p in order {
            let o = self.apply(p)?;
            self.count(&p.t, &o);
            match o {
                Outcome::Inserted => self.report.inserted += 1,
                Outcome::Updated => self.report.updated += 1,
                Outcome::Unchanged => self.report.unchanged += 1,
                Outcome::Refused(label, zh, en) => {
                    if p.t == "quote_approvals" {
                        let quote = p.c.iter().find(|(c, _, _)| c == "quote_id").and_then(|(_, v, _)| v.as_str());
                        self.refused_approvals.extend(quote.map(str::to_string));
                    }
                    self.report.refused.push(RefusedChange {
                        table: p.t.clone(),
                        row_id: p.id.clone(),
                        label,
                        reason: zh,
                        reason_en: en,
                    })
                }
            }
        }
        Ok(())
    }

    /// Head office: a refused approval never leaves its quote standing as approved or sent.
    /// The quote goes back to pending approval (a change of head office's that travels back) and
    /// the refusal says so, in the import report and in the device's next return file.
    fn revert_refused_approvals(&mut self, me_user: &str) -> Result<()> {
        for quote in std::mem::take(&mut self.refused_approvals) {
            if let Some(number) = crate::quote::revert_unapproved(self.tx, &quote, &self.now, me_user)? {
                self.report.refused.push(RefusedChange {
                    table: "quotes".into(),
                    row_id: quote,
                    label: number,
                    reason: "审批未被接受，报价单已退回“待审批”：请由有权限的人员审批后再发送。".into(),
                    reason_en: "The approval was not accepted; the quote is back to pending approval: have it approved by someone with the role before sending it.".into(),
                });
            }
        }
        Ok(())
    }

    /// Head office: rows sent to a customer it merged away move to the customer kept.
    fn redirect_merged(&mut self, me_user: &str) -> Result<()> {
        let mut merged = Vec::new();
        for c in &self.customers_seen {
            let into: Option<String> = self
                .tx
                .prepare_cached("SELECT merged_into FROM customers WHERE id = ?1 AND merged_into IS NOT NULL")?
                .query_row([c], |r| r.get(0))
                .optional()?;
            if let Some(into) = into {
                merged.push((c.clone(), into));
            }
        }
        for (from, into) in merged {
            for t in customer_tables() {
                self.tx.execute(
                    &format!(
                        "UPDATE {t} SET customer_id = ?2, updated_at = ?3, updated_by = ?4 WHERE customer_id = ?1"
                    ),
                    params![from, into, self.now, me_user],
                )?;
            }
            self.cadence_dirty.insert(into.clone());
            self.search_dirty.insert(into);
        }
        Ok(())
    }

    /// Search index and cadence facts of the customers the file touched.
    fn refresh_derived(&self) -> Result<()> {
        for c in &self.search_dirty {
            crate::dossier::reindex_customer(self.tx, c)?;
        }
        if self.cadence_dirty.len() > 2000 {
            crate::relation::visit::rebuild_facts(self.tx)?;
        } else {
            for c in &self.cadence_dirty {
                crate::relation::visit::refresh_facts(self.tx, c)?;
            }
        }
        Ok(())
    }

    /// Head office: a duplicate claim (撞单) for each new customer that looks like one it has.
    fn claim_duplicates(&mut self) -> Result<()> {
        for id in std::mem::take(&mut self.new_customers) {
            for (other, reason) in find_duplicates(self.tx, &id)? {
                let claim_id = util::new_id();
                let n = self.tx.execute(
                    "INSERT INTO duplicate_claims (id, customer_id, other_id, reason, detected_at)
                         SELECT ?1, ?2, ?3, ?4, ?5
                         WHERE NOT EXISTS (SELECT 1 FROM duplicate_claims WHERE customer_id = ?3 AND other_id = ?2)
                         ON CONFLICT DO NOTHING",
                    params![claim_id, id, other, reason.as_str(), self.now],
                )?;
                if n > 0 {
                    self.report.duplicates.push(duplicate_claim(self.tx, &claim_id)?);
                }
            }
        }
        Ok(())
    }
}

/// Head office: remember what it refused of a peer's file, to tell that peer in its next return file.
fn record_refusals(tx: &Transaction, peer_device: &str, refused: &[RefusedChange], now: &str) -> Result<()> {
    for r in refused {
        let seq: i64 = tx.query_row("UPDATE sync_state SET seq = seq + 1 RETURNING seq", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO sync_refusals (id, peer_device, tbl, row_id, label, reason, reason_en, at, seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![util::new_id(), peer_device, r.table, r.row_id, r.label, r.reason, r.reason_en, now, seq],
        )?;
    }
    Ok(())
}

/// A new device's first file: it becomes a peer and its enrollment token is used up.
fn record_enrollment(tx: &Transaction, peer: &Peer, token: &str, now: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_peers (device_id, user_id, role, name, signing_key, age_recipient, enrolled_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            peer.device_id,
            peer.user_id,
            peer.role.as_str(),
            peer.name,
            peer.keys.signing_key,
            peer.keys.age_recipient,
            now
        ],
    )?;
    tx.execute("UPDATE sync_enrollments SET device_id = ?2 WHERE token = ?1", params![token, peer.device_id])?;
    Ok(())
}

/// Head office: the audit entries in a device's file must continue that device's hash chain
/// (see `audit::check_links`); otherwise the whole file is refused before anything is applied.
fn check_audit_entries(conn: &Connection, sender: &str, rows: &[Patch]) -> Result<()> {
    let links = rows
        .iter()
        .filter(|p| p.t == "audit_log")
        .map(|p| {
            let text = |c: &str| -> String {
                p.c.iter().find(|(k, _, _)| k == c).and_then(|(_, v, _)| v.as_str()).unwrap_or_default().to_string()
            };
            let int = |c: &str| p.c.iter().find(|(k, _, _)| k == c).and_then(|(_, v, _)| v.as_i64());
            crate::audit::ChainLink {
                id: p.id.clone(),
                device_id: text("device_id"),
                device_seq: int("device_seq").unwrap_or(0),
                user_id: text("user_id"),
                at: text("at"),
                kind: text("kind"),
                detail: text("detail"),
                row_count: int("row_count"),
                path: text("path"),
                prev_hash: text("prev_hash"),
                hash: text("hash"),
            }
        })
        .collect();
    crate::audit::check_links(conn, sender, links)
}
