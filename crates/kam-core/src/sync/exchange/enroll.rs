//! Enrollment: head office, enrollment files, joining an organisation, sync status.

use super::*;

impl Kam {
    /// On an enrolled field device, refuse a change only head office makes (people, reference
    /// data, finance): head office would refuse it on import anyway, so say so now.
    pub(crate) fn only_head_office(&self, what_zh: &str, what_en: &str) -> Result<()> {
        if is_field_device(&self.conn)? {
            return Err(KamError::forbidden(
                format!("本机是业务员设备：{what_zh}由总部维护，随总部回传文件更新。如需修改，请联系总部内勤。"),
                format!("This is a field device: {what_en} is maintained by head office and arrives with its return files. Ask head office to change it."),
            ));
        }
        Ok(())
    }

    pub(super) fn identity(&self) -> Result<Identity> {
        load_identity(&self.conn)?.ok_or_else(not_enrolled)
    }

    /// This installation's place in the exchange: role, organisation, peers, what is pending.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let ident = load_identity(&self.conn)?;
        let peers = load_peers(&self.conn)?;
        let min_acked = peers.iter().map(|p| p.acked).min().unwrap_or(0);
        let pending: u32 = match ident.as_ref().map(|i| i.role) {
            Some(DeviceRole::HeadOffice) => 0,
            _ => self.conn.query_row(
                // The audit entry of the last export itself always waits for the next file: it
                // is not a change a person made, so it is not counted as pending.
                "SELECT count(*) FROM (SELECT tbl, row_id FROM sync_rows WHERE seq > ?1 AND dev = 0
                  UNION SELECT tbl, row_id FROM sync_cols WHERE seq > ?1 AND dev = 0) WHERE tbl <> 'audit_log'",
                [min_acked],
                |r| r.get(0),
            )?,
        };
        let count = |sql: &str| -> Result<u32> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(SyncStatus {
            enrolled: ident.is_some(),
            role: ident.as_ref().map(|i| i.role),
            org_id: ident.as_ref().map(|i| i.org_id.clone()),
            org_name: setting(&self.conn, "sync_org_name")?,
            device_id: self.device_id.clone(),
            peers: peers
                .iter()
                .map(|p| SyncPeer {
                    device_id: p.device_id.clone(),
                    user_id: p.user_id.clone(),
                    name: p.name.clone(),
                    role: p.role,
                    last_import_at: p.last_import_at.clone(),
                    last_export_at: p.last_export_at.clone(),
                })
                .collect(),
            pending_changes: pending,
            open_conflicts: count("SELECT count(*) FROM sync_conflicts WHERE status = 'open'")?,
            open_duplicates: count("SELECT count(*) FROM duplicate_claims WHERE status = 'open'")?,
            last_exchange_at: setting(&self.conn, "last_exchange_at")?,
        })
    }

    /// Make this installation the organisation's head office: it enrolls field devices, merges
    /// their files and sends each its return file. The current user becomes a head-office user
    /// (the placeholder 本机用户 is renamed 总部内勤: reps see that name on head office's changes).
    pub fn enroll_head_office(&mut self, org_name: &str) -> Result<SyncStatus> {
        let org_name = org_name.trim();
        if org_name.is_empty() {
            return Err(KamError::invalid("org_name", "请填写组织（公司）名称。", "Enter the organisation's name."));
        }
        if let Some(i) = load_identity(&self.conn)? {
            return Err(KamError::invalid(
                "sync",
                format!("本机已加入同步（{}），不能再设为总部。", i.role.label_zh()),
                format!("This installation is already enrolled ({}); it cannot become head office.", i.role.label_en()),
            ));
        }
        let keys = DeviceKeys::generate(&self.device_id);
        let stored = serde_json::to_string(&keys.to_stored()).expect("keys serialise");
        let org_id = util::new_id();
        let org = org_name.to_string();
        self.write(move |tx, ctx| {
            set_setting(tx, "sync_role", DeviceRole::HeadOffice.as_str())?;
            set_setting(tx, "sync_org_id", &org_id)?;
            set_setting(tx, "sync_org_name", &org)?;
            set_setting(tx, "sync_keys", &stored)?;
            tx.execute(
                "UPDATE users SET role = 'head_office', name = CASE name WHEN '本机用户' THEN '总部内勤' ELSE name END,
                     updated_at = ?2, updated_by = ?1
                 WHERE id = ?1 AND role = 'rep'",
                params![ctx.user, ctx.now],
            )?;
            Ok(())
        })?;
        self.sync_status()
    }

    /// Head office: write the enrollment file for a person's laptop (organisation, the person,
    /// head office's public keys and a one-time token the device's first file proves itself with).
    pub fn enroll_export(&mut self, user: &str, out: Option<&Path>) -> Result<EnrollmentExport> {
        let ident = self.identity()?;
        if ident.role != DeviceRole::HeadOffice {
            return Err(head_office_only("签发注册文件", "issue enrollment files"));
        }
        let user = self.resolve_user(user)?;
        let role = match user.role.as_str() {
            "rep" => DeviceRole::Rep,
            "manager" => DeviceRole::Manager,
            _ => {
                return Err(KamError::invalid(
                    "user",
                    format!("{} 是{}，在总部设备上工作，不需要注册文件。注册文件用于营销专员和经理的笔记本。", user.name, user.role.label_zh()),
                    format!("{} is {}, who works on the head-office installation; enrollment files are for account managers' and managers' laptops.", user.name, user.role.label_en()),
                ))
            }
        };
        if !user.active {
            return Err(KamError::invalid(
                "user",
                format!("{} 已停用，不能注册设备。", user.name),
                format!("{} is inactive and cannot enroll a device.", user.name),
            ));
        }
        let token = uuid::Uuid::new_v4().simple().to_string();
        let device_tag = self.unused_device_tag()?;
        let now = util::ts(self.now());
        let file = EnrollmentFile {
            kind: ENROLLMENT_KIND.into(),
            version: 1,
            org_id: ident.org_id.clone(),
            org_name: setting(&self.conn, "sync_org_name")?.unwrap_or_default(),
            role,
            user: EnrolledUser {
                id: user.id.clone(),
                name: user.name.clone(),
                role: user.role.as_str().into(),
                department: user.department.clone(),
            },
            head_office: ident.keys.public(),
            token: token.clone(),
            issued_at: now.clone(),
            device_tag: Some(device_tag.clone()),
            company: Some(self.company_info()?).filter(|c| !c.name.is_empty()),
        };
        let default_name = format!("kam-注册-{}.kamenroll", safe_name(&user.name));
        let path = match out {
            Some(p) if p.is_dir() || !has_extension(p, "kamenroll") => p.join(default_name),
            Some(p) => p.to_path_buf(),
            None => crate::default_export_dir().join(default_name),
        };
        let bytes = serde_json::to_vec_pretty(&file).expect("enrollment serialises");
        let uid = user.id.clone();
        let target = path.clone();
        self.write(move |tx, ctx| {
            tx.execute(
                "INSERT INTO sync_enrollments (token, user_id, role, issued_at, issued_by, device_tag)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![token, uid, role.as_str(), now, ctx.user, device_tag],
            )?;
            write_file(&target, &bytes)
        })?;
        self.record_export("enrollment_file", serde_json::json!({ "user": user.name }), None, &path)?;
        Ok(EnrollmentExport { path: path.display().to_string(), user_id: user.id, user_name: user.name, role })
    }

    /// A tag no device of the organisation uses: not head office's, not one issued before, not
    /// one found in a customer code or quote number.
    pub(super) fn unused_device_tag(&self) -> Result<String> {
        let mut used: BTreeSet<String> = BTreeSet::new();
        used.insert(self.device_tag.clone());
        for sql in [
            "SELECT device_tag FROM sync_enrollments WHERE device_tag IS NOT NULL",
            "SELECT DISTINCT substr(customer_code, 6, 4) FROM customers WHERE customer_code LIKE 'KA__-____-%'",
            "SELECT DISTINCT substr(number, 5, 4) FROM quotes WHERE number LIKE 'Q__-____-%'",
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            for t in stmt.query_map([], |r| r.get::<_, String>(0))? {
                used.insert(t?);
            }
        }
        loop {
            let tag = crate::device_tag_from(uuid::Uuid::new_v4().as_bytes());
            if !used.contains(&tag) {
                return Ok(tag);
            }
        }
    }

    /// A field device: import head office's enrollment file. The device now works as that
    /// person; what was entered before enrollment becomes theirs and goes with the first file.
    pub fn enroll_import(&mut self, path: &Path) -> Result<SyncStatus> {
        let bytes = std::fs::read(path)?;
        self.enroll_import_bytes(&bytes)
    }

    /// [`Kam::enroll_import`] from bytes.
    pub fn enroll_import_bytes(&mut self, bytes: &[u8]) -> Result<SyncStatus> {
        let bad_file = || {
            KamError::invalid(
                "file",
                "这不是有效的 KAM 注册文件（.kamenroll）。请向总部索取新的注册文件。",
                "This is not a valid KAM enrollment file (.kamenroll). Ask head office for a new one.",
            )
        };
        let f: EnrollmentFile = serde_json::from_slice(bytes).map_err(|_| bad_file())?;
        if f.kind != ENROLLMENT_KIND || f.version != 1 || f.head_office.verifying_key().is_err() {
            return Err(bad_file());
        }
        f.head_office.recipient().map_err(|_| bad_file())?;
        if let Some(i) = load_identity(&self.conn)? {
            return Err(KamError::invalid(
                "sync",
                format!("本机已加入同步（{}），不能再次注册。如需换人使用，请安装新的 KAM 数据文件。", i.role.label_zh()),
                format!("This installation is already enrolled ({}). To hand it to someone else, start a new KAM data file.", i.role.label_en()),
            ));
        }
        let tag_ok = |t: &String| t.len() == 4 && t.chars().all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c));
        if f.role == DeviceRole::HeadOffice || f.device_tag.as_ref().is_some_and(|t| !tag_ok(t)) {
            return Err(bad_file());
        }
        let keys = DeviceKeys::generate(&self.device_id);
        let stored = serde_json::to_string(&keys.to_stored()).expect("keys serialise");
        let old_user = self.user_id.clone();
        let new_user = f.user.id.clone();
        let schema = schema(&self.conn)?;
        // A fresh laptop imports its enrollment file before anyone can sign in: holding the
        // file is the proof; the enrolled person sets their password at the first sign-in.
        if !self.setup_needed()? {
            self.require_signed_in()?;
        }
        self.write_unchecked(|tx, ctx| {
            tx.execute("UPDATE sync_state SET applying = 1", [])?;
            tx.execute(
                "INSERT OR IGNORE INTO users (id, name, role, department, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?1, ?5, ?1)",
                params![f.user.id, f.user.name, f.user.role, f.user.department, ctx.now],
            )?;
            if old_user != new_user {
                // The audit log keeps who acted before enrollment: its entries are hash-chained.
                for t in SYNCED_TABLES.iter().filter(|t| **t != "audit_log") {
                    for c in USER_COLUMNS {
                        if schema[t].iter().any(|x| x == c) {
                            tx.execute(&format!("UPDATE {t} SET \"{c}\" = ?2 WHERE \"{c}\" = ?1"), params![old_user, new_user])?;
                        }
                    }
                }
                tx.execute(
                    "UPDATE sales_targets SET subject = ?2 WHERE scope = 'rep' AND subject = ?1",
                    params![old_user, new_user],
                )?;
                tx.execute("DELETE FROM cli_sessions WHERE user_id = ?1", [&old_user])?;
                tx.execute("DELETE FROM credentials WHERE user_id = ?1", [&old_user])?;
                tx.execute("DELETE FROM users WHERE id = ?1", [&old_user])?;
                tx.execute("DELETE FROM sync_rows WHERE tbl = 'users' AND row_id = ?1", [&old_user])?;
                tx.execute("DELETE FROM sync_cols WHERE tbl = 'users' AND row_id = ?1", [&old_user])?;
            }
            set_setting(tx, "current_user_id", &new_user)?;
            set_setting(tx, "enrolled_user_id", &new_user)?;
            set_setting(tx, "sync_role", f.role.as_str())?;
            set_setting(tx, "sync_org_id", &f.org_id)?;
            set_setting(tx, "sync_org_name", &f.org_name)?;
            set_setting(tx, "sync_keys", &stored)?;
            set_setting(tx, "sync_token", &f.token)?;
            if let Some(tag) = &f.device_tag {
                set_setting(tx, "device_tag", tag)?;
            }
            if let Some(c) = f.company.as_ref().filter(|c| !c.name.trim().is_empty()) {
                if setting(tx, "company_name")?.unwrap_or_default().trim().is_empty() {
                    crate::quote::store_company(tx, c)?;
                }
            }
            tx.execute(
                "INSERT INTO sync_peers (device_id, user_id, role, name, signing_key, age_recipient, enrolled_at)
                 VALUES (?1, NULL, 'head_office', ?2, ?3, ?4, ?5)",
                params![
                    f.head_office.device_id,
                    format!("总部（{}）", f.org_name),
                    f.head_office.signing_key,
                    f.head_office.age_recipient,
                    ctx.now
                ],
            )?;
            tx.execute("UPDATE sync_state SET applying = 0", [])?;
            Ok(())
        })?;
        self.user_id = new_user;
        if let Some(tag) = f.device_tag {
            self.device_tag = tag;
        }
        self.sync_status()
    }
}
