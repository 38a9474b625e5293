//! Applying one file's rows: authorization, field-level last-writer-wins merge, conflicts.

use super::*;

/// Everything the importer tracks while applying one file.
pub(super) struct Apply<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) schema: &'a HashMap<&'static str, Vec<String>>,
    pub(super) devices: Devices,
    /// Local device numbers of the file's device list.
    pub(super) file_devs: Vec<i64>,
    pub(super) file_dev_ids: Vec<String>,
    /// Set when the sender's changes must be authorized (head office reading a field device).
    pub(super) scope: Option<Scope>,
    pub(super) sender_acked: i64,
    pub(super) head_office: bool,
    pub(super) now: String,
    pub(super) max_hlc: u64,
    pub(super) report: SyncFileReport,
    pub(super) tables: BTreeMap<usize, TableCount>,
    pub(super) search_dirty: BTreeSet<String>,
    pub(super) cadence_dirty: BTreeSet<String>,
    /// Customers the file's rows point at (to redirect rows sent to a merged-away customer).
    pub(super) customers_seen: BTreeSet<String>,
    pub(super) new_customers: Vec<String>,
    /// Quotes whose approval rows were refused (head office): see `revert_refused_approvals`.
    pub(super) refused_approvals: BTreeSet<String>,
}

pub(super) enum Outcome {
    Inserted,
    Updated,
    Unchanged,
    Refused(String, String, String),
}

impl Apply<'_> {
    pub(super) fn next_seq(&self) -> Result<i64> {
        Ok(self.tx.query_row("UPDATE sync_state SET seq = seq + 1 RETURNING seq", [], |r| r.get(0))?)
    }

    pub(super) fn stamp(&self, s: Stamp) -> Result<(u64, i64, &str)> {
        let i = s.1 as usize;
        match (self.file_devs.get(i), self.file_dev_ids.get(i)) {
            (Some(no), Some(id)) => Ok((s.0, *no, id.as_str())),
            _ => Err(bad_body("a clock names an unknown device")),
        }
    }

    pub(super) fn label(&self, t: &str, values: &HashMap<&str, Value>) -> String {
        describe(self.tx, t, values).map(|(label, _)| label).unwrap_or_default()
    }

    /// May the sender make this change? `current` is the row as stored here, `incoming` as sent.
    pub(super) fn authorize(
        &self,
        t: &str,
        current: Option<&HashMap<&str, Value>>,
        incoming: &HashMap<&str, Value>,
        owner_stamp: Option<(u64, &str)>,
        max_hlc: u64,
    ) -> Result<Option<(String, String)>> {
        let Some(scope) = &self.scope else { return Ok(None) };
        let (zh, en) = table_label(t);
        if tables::head_office_only(t) {
            return Ok(Some((format!("只有总部可以修改「{zh}」。"), format!("Only head office may change {en}."))));
        }
        // Each change carries its author: on a field device that is the person enrolled there.
        for col in ["created_by", "updated_by"] {
            if let Some(Value::Text(author)) = incoming.get(col) {
                let unchanged = current.and_then(|c| c.get(col)) == incoming.get(col);
                if author != &scope.user_id && !unchanged {
                    return Ok(Some((
                        "这项更改的作者不是该设备的登记人员，未接受。".into(),
                        "The author of this change is not the person the device is enrolled for; not accepted.".into(),
                    )));
                }
            }
        }
        if t == "audit_log" {
            // A device reports its own acts, once: never another device's, never a change.
            let sender = self.report.sender_device_id.as_str();
            let own = matches!(incoming.get("device_id"), Some(Value::Text(d)) if d == sender);
            if !own || current.is_some_and(|c| c != incoming) {
                return Ok(Some((
                    "审计记录只能由记录它的设备发送一次，不能修改。".into(),
                    "An audit entry is sent once by the device that recorded it and never changed.".into(),
                )));
            }
            return Ok(None);
        }
        if t == "quote_approvals" && scope.reach == Reach::Own {
            return Ok(Some(("业务员不能审批报价。".into(), "A field rep cannot approve quotes.".into())));
        }
        if t == "customer_requests" && decides_request(current, incoming) {
            return Ok(Some((
                "申请由总部审批，设备上不能批准或驳回，未接受此更改。".into(),
                "Head office decides requests; a field device cannot approve or refuse one. The change was not accepted."
                    .into(),
            )));
        }
        let owner_text = |m: &HashMap<&str, Value>| match m.get("owner_id") {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        let mut customers = Vec::new();
        if t == "customers" {
            match current {
                None => {
                    if !scope.owner_in_scope(self.tx, owner_text(incoming).as_deref())? {
                        return Ok(Some((
                            "新客户的营销专员必须是发送人本人（或其部门的人员）。".into(),
                            "A new customer's account manager must be the sender (or in the sender's department)."
                                .into(),
                        )));
                    }
                    return Ok(None);
                }
                Some(cur) => {
                    let became = |c: &str, v: Option<&str>| {
                        let new = incoming.get(c);
                        new.is_some() && new != cur.get(c) && v.is_none_or(|v| new == Some(&Value::Text(v.into())))
                    };
                    if became("tier", Some("strategic")) || became("customer_code", None) {
                        return Ok(Some((
                            "战略客户的认定和客户代码的分配由总部负责，未接受此更改。请向总部申请。".into(),
                            "Making a customer strategic and assigning customer codes are head office's; the change was not accepted. Ask head office."
                                .into(),
                        )));
                    }
                    let id = match incoming.get("id") {
                        Some(Value::Text(s)) => s.clone(),
                        _ => String::new(),
                    };
                    customers.push(id);
                    let (from, to) = (owner_text(cur), owner_text(incoming));
                    if from != to {
                        let may = scope.reach == Reach::Department && scope.owner_in_scope(self.tx, to.as_deref())?;
                        if !may && self.owner_change_would_win(&customers[0], owner_stamp)? {
                            return Ok(Some((
                                "只有经理或总部可以把客户改派给其他营销专员。".into(),
                                "Only a manager or head office may reassign a customer.".into(),
                            )));
                        }
                    }
                }
            }
        } else {
            if let Some(c) = customer_of(self.tx, t, incoming)? {
                customers.push(c);
            }
            if let Some(cur) = current {
                if let Some(c) = customer_of(self.tx, t, cur)? {
                    customers.push(c);
                }
            }
            if customers.is_empty() {
                return Ok(Some((
                    "找不到这条记录所属的客户。".into(),
                    "The customer this record belongs to is unknown.".into(),
                )));
            }
        }
        for c in customers {
            if !self.may_write_customer(scope, &c, max_hlc)? {
                return Ok(Some((
                    "该客户不归发送人负责，不能修改。".into(),
                    "This customer is not the sender's; the change is not allowed.".into(),
                )));
            }
        }
        Ok(None)
    }

    /// Would the sent owner replace the one here (its clock is later)?
    pub(super) fn owner_change_would_win(&self, id: &str, sent: Option<(u64, &str)>) -> Result<bool> {
        let Some(sent) = sent else { return Ok(false) };
        let local: Option<(i64, i64)> = self
            .tx
            .query_row(
                "SELECT hlc, dev FROM sync_cols WHERE tbl = 'customers' AND row_id = ?1 AND col = 'owner_id'
                 UNION ALL SELECT hlc, dev FROM sync_rows WHERE tbl = 'customers' AND row_id = ?1 LIMIT 1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match local {
            None => true,
            Some((h, d)) => beats(sent, (h as u64, self.devices.id(d))),
        })
    }

    /// The sender owns the customer here, or owned it until a reassignment newer than the change.
    pub(super) fn may_write_customer(&self, scope: &Scope, id: &str, max_hlc: u64) -> Result<bool> {
        match owner_of(self.tx, id)? {
            None => Ok(false),
            Some(owner) => {
                if scope.owner_in_scope(self.tx, owner.as_deref())? {
                    return Ok(true);
                }
                let reassigned_at: Option<i64> = self
                    .tx
                    .query_row(
                        "SELECT c.hlc FROM sync_resend r JOIN sync_cols c
                           ON c.tbl = 'customers' AND c.row_id = r.customer_id AND c.col = 'owner_id'
                         WHERE r.customer_id = ?1 AND r.from_owner = ?2 LIMIT 1",
                        params![id, scope.user_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok(reassigned_at.is_some_and(|h| max_hlc < h as u64))
            }
        }
    }

    pub(super) fn apply(&mut self, p: &Patch) -> Result<Outcome> {
        let t = SYNCED_TABLES.iter().copied().find(|x| *x == p.t).ok_or_else(|| bad_body("unknown table"))?;
        let cols = &self.schema[t];
        let mut incoming: HashMap<&str, Value> = HashMap::new();
        let mut stamps: HashMap<&str, (u64, i64, String)> = HashMap::new();
        let born = self.stamp(p.b)?;
        let born = (born.0, born.1, born.2.to_string());
        let mut max_hlc = born.0;
        for (c, v, s) in &p.c {
            let col = cols.iter().find(|x| *x == c).ok_or_else(|| bad_body("unknown column"))?;
            let st = match s {
                Some(s) => {
                    let (h, no, id) = self.stamp(*s)?;
                    (h, no, id.to_string())
                }
                None => born.clone(),
            };
            max_hlc = max_hlc.max(st.0);
            incoming.insert(col.as_str(), from_json(v));
            stamps.insert(col.as_str(), st);
        }
        incoming.insert("id", Value::Text(p.id.clone()));
        self.max_hlc = self.max_hlc.max(max_hlc);

        let current = read_row(self.tx, t, cols, &p.id)?;
        let current_map: Option<HashMap<&str, Value>> = current.as_ref().map(|vals| {
            let mut m: HashMap<&str, Value> = cols.iter().map(String::as_str).zip(vals.iter().cloned()).collect();
            m.insert("id", Value::Text(p.id.clone()));
            m
        });
        let owner_stamp = stamps.get("owner_id").map(|s| (s.0, s.2.as_str()));
        if let Some((zh, en)) = self.authorize(t, current_map.as_ref(), &incoming, owner_stamp, max_hlc)? {
            let label = self.label(t, current_map.as_ref().unwrap_or(&incoming));
            return Ok(Outcome::Refused(label, zh, en));
        }
        let seq = self.next_seq()?;
        let Some(current) = current_map else {
            if incoming.len() != cols.len() + 1 {
                return Err(bad_body("a new row lacks fields"));
            }
            let names: Vec<&str> = p.c.iter().map(|(c, _, _)| c.as_str()).collect();
            let sql = format!(
                "INSERT INTO {t} (id, {}) VALUES (?1, {})",
                names.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
                (2..=names.len() + 1).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            let mut values: Vec<Value> = vec![Value::Text(p.id.clone())];
            values.extend(names.iter().map(|c| incoming[c].clone()));
            self.tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
            self.tx
                .prepare_cached(
                    "INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev, seq = excluded.seq",
                )?
                .execute(params![t, p.id, born.0 as i64, born.1, seq])?;
            for (c, st) in &stamps {
                if st.0 != born.0 || st.1 != born.1 {
                    self.upsert_col(t, &p.id, c, st, seq)?;
                }
            }
            self.touched(t, &incoming, true)?;
            return Ok(Outcome::Inserted);
        };

        // The row exists: field by field, the later clock wins.
        let row_stamp: Option<(i64, i64, i64)> = self
            .tx
            .prepare_cached("SELECT hlc, dev, seq FROM sync_rows WHERE tbl = ?1 AND row_id = ?2")?
            .query_row(params![t, p.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if row_stamp.is_none() {
            self.tx
                .prepare_cached("INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) VALUES (?1, ?2, ?3, ?4, ?5)")?
                .execute(params![t, p.id, born.0 as i64, born.1, seq])?;
        }
        let mut col_stamps: HashMap<String, (i64, i64, i64)> = HashMap::new();
        {
            let mut stmt =
                self.tx.prepare_cached("SELECT col, hlc, dev, seq FROM sync_cols WHERE tbl = ?1 AND row_id = ?2")?;
            for r in
                stmt.query_map(params![t, p.id], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
            {
                let (c, s) = r?;
                col_stamps.insert(c, s);
            }
        }
        let mut sets: Vec<(&str, Value)> = Vec::new();
        for (c, _, _) in &p.c {
            let c = c.as_str();
            let st = &stamps[c];
            let local = col_stamps.get(c).copied().or(row_stamp);
            let (lh, ldev, lseq) = local.unwrap_or((0, -1, 0));
            let local_dev_id = if ldev < 0 { "" } else { self.devices.id(ldev) }.to_string();
            let cur_v = &current[c];
            let new_v = &incoming[c];
            if beats((st.0, &st.2), (lh as u64, &local_dev_id)) {
                if cur_v != new_v {
                    sets.push((c, new_v.clone()));
                    if self.head_office
                        && self.scope.is_some()
                        && lh > 0
                        && local_dev_id != st.2
                        && lseq > self.sender_acked
                        && !NOT_CONFLICTS.contains(&c)
                    {
                        self.conflict(t, &p.id, c, (new_v, st.0, &st.2), (cur_v, lh as u64, &local_dev_id))?;
                    }
                }
                self.upsert_col(t, &p.id, c, st, seq)?;
            } else if self.head_office
                && self.scope.is_some()
                && cur_v != new_v
                && lh > 0
                && local_dev_id != st.2
                && (st.0, st.2.as_str()) != (lh as u64, local_dev_id.as_str())
                && !NOT_CONFLICTS.contains(&c)
            {
                self.conflict(t, &p.id, c, (cur_v, lh as u64, &local_dev_id), (new_v, st.0, &st.2))?;
            }
        }
        if sets.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        let sql = format!(
            "UPDATE {t} SET {} WHERE id = ?1",
            sets.iter().enumerate().map(|(i, (c, _))| format!("\"{c}\" = ?{}", i + 2)).collect::<Vec<_>>().join(", ")
        );
        let mut values: Vec<Value> = vec![Value::Text(p.id.clone())];
        values.extend(sets.iter().map(|(_, v)| v.clone()));
        self.tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
        let mut after = current.clone();
        for (c, v) in sets {
            after.insert(c, v);
        }
        self.touched(t, &current, false)?;
        self.touched(t, &after, false)?;
        Ok(Outcome::Updated)
    }

    pub(super) fn upsert_col(&self, t: &str, id: &str, c: &str, st: &(u64, i64, String), seq: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sync_cols (tbl, row_id, col, hlc, dev, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev, seq = excluded.seq",
            )?
            .execute(params![t, id, c, st.0 as i64, st.1, seq])?;
        Ok(())
    }

    pub(super) fn conflict(
        &mut self,
        t: &str,
        id: &str,
        c: &str,
        winner: (&Value, u64, &str),
        loser: (&Value, u64, &str),
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sync_conflicts (id, tbl, row_id, col, winner_value, winner_device, winner_hlc,
                 loser_value, loser_device, loser_hlc, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                util::new_id(),
                t,
                id,
                c,
                to_json(winner.0).to_string(),
                winner.2,
                winner.1 as i64,
                to_json(loser.0).to_string(),
                loser.2,
                loser.1 as i64,
                self.now
            ],
        )?;
        self.report.conflicts += 1;
        Ok(())
    }

    /// Remember what derived data (search index, cadence facts) must follow.
    pub(super) fn touched(&mut self, t: &str, values: &HashMap<&str, Value>, inserted: bool) -> Result<()> {
        let text = |c: &str| match values.get(c) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        if let Some(c) = text("customer_id") {
            self.customers_seen.insert(c);
        }
        match t {
            "customers" => {
                if let Some(id) = text("id") {
                    self.search_dirty.insert(id.clone());
                    self.cadence_dirty.insert(id.clone());
                    if inserted {
                        self.new_customers.push(id);
                    }
                }
            }
            "contacts" => {
                if let Some(c) = text("customer_id") {
                    self.search_dirty.insert(c);
                }
            }
            "visits" | "tier_changes" => {
                if let Some(c) = text("customer_id") {
                    self.cadence_dirty.insert(c);
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn count(&mut self, t: &str, o: &Outcome) {
        let e = self.tables.entry(table_rank(t)).or_insert_with(|| {
            let (zh, en) = table_label(t);
            TableCount { table: t.to_string(), label_zh: zh.into(), label_en: en.into(), ..Default::default() }
        });
        match o {
            Outcome::Inserted => e.inserted += 1,
            Outcome::Updated => e.updated += 1,
            Outcome::Unchanged => e.unchanged += 1,
            Outcome::Refused(..) => e.refused += 1,
        }
    }
}

/// Would this change of a request from a field device decide it? A new request must be pending
/// and undecided; an existing one keeps the decision head office recorded.
fn decides_request(current: Option<&HashMap<&str, Value>>, incoming: &HashMap<&str, Value>) -> bool {
    const DECISION: [&str; 4] = ["status", "decided_by", "decided_at", "decision_note"];
    match current {
        None => {
            incoming.get("status") != Some(&Value::Text("pending".into()))
                || !matches!(incoming.get("decided_by"), None | Some(Value::Null))
                || !matches!(incoming.get("decided_at"), None | Some(Value::Null))
        }
        Some(cur) => DECISION.iter().any(|c| incoming.get(c).is_some_and(|v| cur.get(c) != Some(v))),
    }
}

pub(super) fn bad_body(what: &str) -> KamError {
    bad(
        SyncFileErrorKind::Malformed,
        format!("同步文件内容无法识别（{what}）。未导入任何内容；请确认双方使用相同版本的 KAM 后重新导出。"),
        format!("The sync file's content is not understood ({what}). Nothing was imported; make sure both sides run the same KAM version and export again."),
    )
}

/// Find other live customers that look like the same company as `id`.
pub(super) fn find_duplicates(conn: &Connection, id: &str) -> Result<Vec<(String, DuplicateReason)>> {
    let Some((name, credit)): Option<(String, Option<String>)> = conn
        .query_row("SELECT name, credit_code FROM customers WHERE id = ?1 AND deleted_at IS NULL", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(String, DuplicateReason)> = Vec::new();
    if let Some(code) = credit {
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM customers WHERE credit_code = ?1 AND id <> ?2 AND deleted_at IS NULL LIMIT 5",
        )?;
        for r in stmt.query_map(params![code, id], |r| r.get::<_, String>(0))? {
            out.push((r?, DuplicateReason::CreditCode));
        }
    }
    let stem = crate::dossier::name_stem(&name);
    if stem.chars().count() >= 2 {
        // Candidates from the search index (the name column), then the same stem exactly.
        let (sql, arg) = match crate::search::match_expr(&stem) {
            Some((table, expr)) => (
                format!(
                    "SELECT id, name FROM customers WHERE seq IN ({} LIMIT 1000)
                     AND id <> ?2 AND deleted_at IS NULL",
                    crate::search::seqs_matching(table, "?1")
                ),
                crate::search::name_only(&expr),
            ),
            None => (
                "SELECT id, name FROM customers WHERE name LIKE ?1 ESCAPE '\\' AND id <> ?2 AND deleted_at IS NULL"
                    .into(),
                format!("%{}%", stem.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        for r in stmt.query_map(params![arg, id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (other, other_name) = r?;
            if crate::dossier::name_stem(&other_name) == stem && !out.iter().any(|(o, _)| *o == other) {
                out.push((other, DuplicateReason::Name));
            }
        }
    }
    Ok(out)
}
