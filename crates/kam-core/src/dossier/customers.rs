//! Customers: duplicates, create, update, tier, approval, delete and restore, the dossier.

use super::*;

impl Kam {
    /// Existing customers that look like `input` ("可能已存在"): same name stem, or a contact
    /// phone already on file. Never blocks; the UI links to them.
    pub fn check_duplicates(&self, input: &CustomerInput, phones: &[String]) -> Result<Vec<DuplicateHint>> {
        let mut hints: Vec<DuplicateHint> = Vec::new();
        let stem = name_stem(&input.name);
        if search::pinyin_of(&stem).0.chars().count() >= 2 && !stem.is_empty() {
            let select = row_select(&crate::time::local_today(self).to_string());
            let mut stmt = self.conn.prepare_cached(&format!(
                "{select} WHERE c.deleted_at IS NULL AND c.name LIKE ?1 ESCAPE '\\' LIMIT 5"
            ))?;
            let pat = format!("%{}%", stem.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            for row in stmt.query_map([pat], row_from)? {
                let row = row?;
                hints.push(DuplicateHint {
                    message: format!("可能已存在：客户「{}」名称相近。", row.name),
                    message_en: format!("May already exist: '{}' has a similar name.", row.name),
                    customer_id: row.id,
                    name: row.name,
                    customer_code: row.customer_code,
                    reason: "name".into(),
                });
            }
        }
        for p in phones {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            if digits.len() < 5 {
                continue;
            }
            let mut stmt = self.conn.prepare_cached(
                "SELECT c.id, c.name, c.customer_code, k.name FROM contacts k JOIN customers c ON c.id = k.customer_id
                 WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL AND (k.mobile = ?1 OR k.phone = ?2) LIMIT 5",
            )?;
            let rows = stmt.query_map(params![digits, p.trim()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (id, name, code, contact) = row?;
                if hints.iter().any(|h| h.customer_id == id) {
                    continue;
                }
                hints.push(DuplicateHint {
                    message: format!("可能已存在：电话 {p} 已登记在客户「{name}」的联系人{contact}名下。"),
                    message_en: format!("May already exist: phone {p} is on file for {contact} at '{name}'."),
                    customer_id: id,
                    name,
                    customer_code: code,
                    reason: "phone".into(),
                });
            }
        }
        Ok(hints)
    }

    /// Create a customer. An identical credit code is refused; similar names or phones come
    /// back as warnings ("可能已存在").
    pub fn create_customer(&mut self, input: &CustomerInput) -> Result<CustomerCreated> {
        // On a field device, and for a rep or a manager anywhere, a new customer is the
        // person's own unless someone else is named; whom they may name is their scope's.
        let scope = self.scope()?;
        let mut owned;
        let input =
            if clean(&input.owner_id).is_none() && (!scope.is_all() || crate::sync::is_field_device(&self.conn)?) {
                owned = input.clone();
                owned.owner_id = Some(self.user_id.clone());
                &owned
            } else {
                input
            };
        let c = check_customer(&self.conn, input)?;
        scope.check_owner(&self.conn, c.owner_id.as_deref(), None)?;
        refuse_duplicate_credit_code(&self.conn, &c.credit_code, None)?;
        let warnings = self.check_duplicates(input, &[])?;
        let id = new_id();
        let tier = input.tier.unwrap_or(Tier::Prospect);
        self.write(|tx, ctx| {
            insert_customer_row(tx, ctx, &id, &c, tier, None)?;
            reindex_customer(tx, &id)
        })?;
        Ok(CustomerCreated { customer: self.customer(&id)?, warnings })
    }

    /// Edit the profile and business information. The tier is not changed here (use
    /// [`Kam::change_tier`], which keeps the history).
    pub fn update_customer(&mut self, id: &str, input: &CustomerInput) -> Result<Customer> {
        customer_seq(&self.conn, id)?;
        self.check_access(id, Access::Write)?;
        let c = check_customer(&self.conn, input)?;
        let owner_now = crate::scope::customer_keys(&self.conn, id)?.and_then(|k| k.0);
        self.check_owner(c.owner_id.as_deref(), Some(owner_now.as_deref()))?;
        refuse_duplicate_credit_code(&self.conn, &c.credit_code, Some(id))?;
        let (pinyin, _) = search::pinyin_of(&c.name);
        self.write(|tx, ctx| {
            let [address, industry, assets, shareholders, source, perf, pay, coop, bidding, terms, price, notes] =
                &c.text;
            tx.execute(
                "UPDATE customers SET name=?2, name_pinyin=?3, credit_code=?4, address=?5, nature=?6, industry=?7,
                    scale=?8, assets=?9, shareholders=?10, source=?11, category=?12, lifecycle=?13, owner_id=?14,
                    liaison_id=?15, contract_performance=?16, payment_behaviour=?17, cooperation_mode=?18,
                    bidding_method=?19, contract_terms=?20, price_level=?21, credit_terms_days=?22,
                    credit_limit_fen=?23, receivable_fen=?24, overdue_receivable_fen=?25, notes=?26,
                    updated_at=?27, updated_by=?28
                 WHERE id = ?1",
                params![
                    id,
                    c.name,
                    pinyin,
                    c.credit_code,
                    address,
                    c.nature,
                    industry,
                    c.scale,
                    assets,
                    shareholders,
                    source,
                    c.category,
                    c.lifecycle,
                    c.owner_id,
                    c.liaison_id,
                    perf,
                    pay,
                    coop,
                    bidding,
                    terms,
                    price,
                    c.credit_terms_days,
                    c.credit_limit_fen,
                    c.receivable_fen,
                    c.overdue_receivable_fen,
                    notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            reindex_customer(tx, id)
        })?;
        self.customer(id)
    }

    /// Change the tier, keeping date, reason and who decided in the history.
    pub fn change_tier(&mut self, id: &str, tier: Tier, reason: &str) -> Result<Customer> {
        let reason = v::required("reason", "调整原因", "Reason", reason, 500)?;
        let current = self.customer(id)?;
        self.check_access(id, Access::Write)?;
        if tier == Tier::Strategic || current.tier == Tier::Strategic {
            // Seed 001: the strategic list is decided by head office's key-account review.
            self.require_role_or_admin(
                &[Role::HeadOffice, Role::Executive],
                "认定或取消战略客户（由总部大客户评审决定，请向总部申请）",
                "make a customer strategic or take it off the list (head office's review decides; ask head office)",
            )?;
        }
        if current.tier == tier {
            return Err(KamError::invalid(
                "tier",
                format!("客户已是{}，无需调整。", tier.label_zh()),
                format!("The customer is already {}; nothing to change.", tier.label_en()),
            ));
        }
        self.write(|tx, ctx| write_tier_change(tx, ctx, id, current.tier, tier, &reason))?;
        self.customer(id)
    }

    /// Approve as a key account and assign the customer code `KA{yy}-{device tag}-{seq}`
    /// (see ARCHITECTURE.md: unique across devices because the tag is the device's).
    pub fn approve_customer(&mut self, id: &str) -> Result<Customer> {
        self.require_role_or_admin(
            &[Role::HeadOffice, Role::Executive],
            "审批大客户并分配客户代码（由总部负责，请向总部申请）",
            "approve a key account and assign its customer code (head office does; ask head office)",
        )?;
        let current = self.customer(id)?;
        if current.customer_code.is_some() {
            return Ok(current);
        }
        let year = self.now().with_timezone(&crate::DEFAULT_TIME_ZONE).year() % 100;
        let tag = self.device_tag.clone();
        self.write(|tx, ctx| assign_code(tx, ctx, id, year, &tag).map(drop))?;
        self.customer(id)
    }

    /// Delete (as a tombstone: the row stays for sync and can be restored).
    pub fn delete_customer(&mut self, id: &str) -> Result<()> {
        customer_seq(&self.conn, id)?;
        self.check_access(id, Access::Write)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE customers SET deleted_at = ?2, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            reindex_customer(tx, id)
        })
    }

    /// Undo a delete. Refused if another live customer has taken the credit code meanwhile.
    pub fn restore_customer(&mut self, id: &str) -> Result<Customer> {
        let code: Option<Option<String>> =
            self.conn.query_row("SELECT credit_code FROM customers WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let code =
            code.ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Customer, id: id.to_string() })?;
        self.check_access(id, Access::Write)?;
        refuse_duplicate_credit_code(&self.conn, &code, Some(id))?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE customers SET deleted_at = NULL, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            reindex_customer(tx, id)
        })?;
        self.customer(id)
    }

    /// One live customer; refused with `forbidden` when the person acting may not see it.
    pub fn customer(&self, id: &str) -> Result<Customer> {
        let c = self
            .conn
            .query_row(&format!("{CUSTOMER_SELECT} WHERE c.id = ?1 AND c.deleted_at IS NULL"), [id], customer_from)
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Customer, id: id.to_string() })?;
        self.check_access(&c.id, Access::Read)?;
        Ok(c)
    }

    /// Find a live customer by id, customer code or credit code (for the CLI).
    pub fn resolve_customer(&self, key: &str) -> Result<Customer> {
        let key = key.trim();
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM customers WHERE deleted_at IS NULL AND (id = ?1 OR customer_code = upper(?1) OR credit_code = upper(?1))",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        self.customer(id.as_deref().unwrap_or(key))
    }

    /// The customer with everything attached.
    pub fn dossier(&self, id: &str) -> Result<Dossier> {
        let customer = self.customer(id)?;
        let contacts = self
            .conn
            .prepare_cached(
                "SELECT id, customer_id, name, title, phone, mobile, fax, email, postcode, is_decision_maker,
                    decision_role, birthday, interests, family, notes, active, updated_at
                 FROM contacts WHERE customer_id = ?1 AND deleted_at IS NULL
                 ORDER BY active DESC, is_decision_maker DESC, created_at",
            )?
            .query_map([id], |r| {
                Ok(Contact {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    name: r.get(2)?,
                    title: r.get(3)?,
                    phone: r.get(4)?,
                    mobile: r.get(5)?,
                    fax: r.get(6)?,
                    email: r.get(7)?,
                    postcode: r.get(8)?,
                    is_decision_maker: r.get(9)?,
                    decision_role: r.get(10)?,
                    birthday: r.get(11)?,
                    interests: r.get(12)?,
                    family: r.get(13)?,
                    notes: r.get(14)?,
                    active: r.get(15)?,
                    updated_at: r.get(16)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let contact_changes = self
            .conn
            .prepare_cached(&format!(
                "{CONTACT_CHANGE_SELECT}
                 WHERE x.customer_id = ?1 AND x.deleted_at IS NULL ORDER BY x.changed_on DESC, x.created_at DESC"
            ))?
            .query_map([id], contact_change_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let tier_history = self
            .conn
            .prepare_cached(
                "SELECT t.id, t.from_tier, t.to_tier, t.reason, t.decided_by, u.name, t.changed_at
                 FROM tier_changes t LEFT JOIN users u ON u.id = t.decided_by
                 WHERE t.customer_id = ?1 AND t.deleted_at IS NULL ORDER BY t.changed_at DESC, t.id DESC",
            )?
            .query_map([id], |r| {
                Ok(TierChange {
                    id: r.get(0)?,
                    from_tier: r.get(1)?,
                    to_tier: r.get(2)?,
                    reason: r.get(3)?,
                    decided_by: r.get(4)?,
                    decided_by_name: r.get(5)?,
                    changed_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let projects = self
            .conn
            .prepare_cached(
                "SELECT id, customer_id, name, status, amount_fen, plan_year, start_date, end_date, notes
                 FROM projects WHERE customer_id = ?1 AND deleted_at IS NULL
                 ORDER BY CASE status WHEN 'ongoing' THEN 0 WHEN 'planned' THEN 1 ELSE 2 END, start_date DESC",
            )?
            .query_map([id], |r| {
                Ok(Project {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    name: r.get(2)?,
                    status: r.get(3)?,
                    amount_fen: r.get(4)?,
                    plan_year: r.get(5)?,
                    start_date: r.get(6)?,
                    end_date: r.get(7)?,
                    notes: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let records = self
            .conn
            .prepare_cached(&format!(
                "{RECORD_SELECT}
                 WHERE r.customer_id = ?1 AND r.deleted_at IS NULL ORDER BY r.occurred_on DESC, r.created_at DESC"
            ))?
            .query_map([id], record_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let today = crate::time::local_today(self).to_string();
        let receivables = self.conn.query_row(
            "SELECT COALESCE(SUM(amount_fen - paid_fen), 0),
                    COALESCE(SUM(CASE WHEN due_on < ?2 THEN amount_fen - paid_fen END), 0),
                    COUNT(CASE WHEN due_on < ?2 THEN 1 END),
                    MIN(CASE WHEN due_on < ?2 THEN due_on END)
             FROM receivables WHERE customer_id = ?1 AND deleted_at IS NULL AND voided_at IS NULL AND paid_fen < amount_fen",
            params![id, today],
            |r| {
                Ok(ReceivableStatus {
                    open_fen: r.get(0)?,
                    overdue_fen: r.get(1)?,
                    overdue_count: r.get(2)?,
                    oldest_overdue_due_on: r.get(3)?,
                })
            },
        )?;
        let requests =
            self.customer_requests(&RequestQuery { customer_id: Some(customer.id.clone()), status: None })?;
        let (may_decide, requestable) = self.request_options(&customer, &requests)?;
        Ok(Dossier {
            customer,
            receivables,
            contacts,
            contact_changes,
            tier_history,
            projects,
            records,
            requests,
            may_decide,
            requestable,
        })
    }
}

/// Change a customer's tier and record it in the tier history, inside the caller's transaction.
pub(super) fn write_tier_change(
    tx: &Transaction,
    ctx: &Ctx,
    id: &str,
    from: Tier,
    to: Tier,
    reason: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE customers SET tier = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![id, to, ctx.now, ctx.user],
    )?;
    tx.execute(
        "INSERT INTO tier_changes (id, customer_id, from_tier, to_tier, reason, decided_by, changed_at,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?6, ?7, ?6)",
        params![new_id(), id, from, to, reason, ctx.user, ctx.now],
    )?;
    Ok(())
}

/// Give a customer the next code `KA{yy}-{device tag}-{nnnn}` inside the caller's transaction.
pub(super) fn assign_code(tx: &Transaction, ctx: &Ctx, id: &str, year: i32, tag: &str) -> Result<String> {
    let next: i64 = tx
        .query_row("SELECT value FROM settings WHERE key = 'code_seq'", [], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
        + 1;
    crate::db::set_setting(tx, "code_seq", &next.to_string())?;
    let code = format!("KA{year:02}-{tag}-{next:04}");
    tx.execute(
        "UPDATE customers SET customer_code = ?2, approved_at = ?3, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![id, code, ctx.now, ctx.user],
    )?;
    reindex_customer(tx, id)?;
    Ok(code)
}

/// Bulk insert used by the demo generator: same validation and indexing as the app, inside
/// the caller's transaction.
pub(crate) fn insert_full(
    tx: &Transaction,
    ctx: &Ctx,
    input: &CustomerInput,
    contacts: &[ContactInput],
    customer_code: Option<&str>,
    legacy_code: Option<&str>,
) -> Result<(String, u32)> {
    let (id, n) = insert_full_unindexed(tx, ctx, input, contacts, customer_code, legacy_code)?;
    reindex_customer(tx, &id)?;
    Ok((id, n))
}

/// [`insert_full`] leaving the search index to the caller: an import indexes all the customers
/// it created in one pass at the end of its batch ([`crate::dossier::index_new_customers`]).
pub(crate) fn insert_full_unindexed(
    tx: &Transaction,
    ctx: &Ctx,
    input: &CustomerInput,
    contacts: &[ContactInput],
    customer_code: Option<&str>,
    legacy_code: Option<&str>,
) -> Result<(String, u32)> {
    let c = check_customer(tx, input)?;
    let id = new_id();
    insert_customer_row(tx, ctx, &id, &c, input.tier.unwrap_or(Tier::Prospect), legacy_code)?;
    if let Some(code) = customer_code {
        tx.execute(
            "UPDATE customers SET customer_code = ?2, approved_at = ?3 WHERE id = ?1",
            params![id, code, ctx.now],
        )?;
    }
    for k in contacts {
        insert_contact(tx, ctx, &id, k)?;
    }
    Ok((id, contacts.len() as u32))
}

/// Insert one checked contact of `customer_id` inside the caller's transaction (the caller
/// reindexes the customer); returns its id.
pub(crate) fn insert_contact(tx: &Transaction, ctx: &Ctx, customer_id: &str, k: &ContactInput) -> Result<String> {
    let k = check_contact(k)?;
    let contact_id = new_id();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO contacts (id, customer_id, name, title, phone, mobile, email, is_decision_maker, decision_role,
            birthday, interests, family, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?13, ?14)",
    )?;
    {
        stmt.execute(params![
            contact_id,
            customer_id,
            k.name,
            k.title,
            k.phone,
            k.mobile,
            k.email,
            k.is_decision_maker,
            k.decision_role,
            k.birthday,
            k.interests,
            k.family,
            ctx.now,
            ctx.user
        ])?;
    }
    Ok(contact_id)
}
