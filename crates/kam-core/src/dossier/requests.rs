//! Requests to head office (申请): making a customer 战略客户 and assigning its customer code are
//! head office's decisions (seed 001: the strategic list comes out of head office's key-account
//! review). A rep or a manager files a request with a reason; the `customer_requests` table is
//! synced, so it reaches head office in the next sync file. Head office approves it — the change
//! is made there, by the person deciding, and travels back like any other — or refuses it with
//! a reason; either way the outcome travels back in the return file and shows on the dossier.
//! Head office's importer refuses a decision made on a field device (sync/exchange/apply.rs).

use super::customers::{assign_code, write_tier_change};
use super::*;

const REQUEST_SELECT: &str = "SELECT r.id, r.customer_id, c.name, c.tier, c.customer_code, r.kind, r.reason,
    r.status, r.created_by, a.name, r.created_at, r.decided_by, d.name, r.decided_at, r.decision_note
    FROM customer_requests r JOIN customers c ON c.id = r.customer_id
    LEFT JOIN users a ON a.id = r.created_by LEFT JOIN users d ON d.id = r.decided_by";

fn request_from(r: &Row) -> rusqlite::Result<CustomerRequest> {
    Ok(CustomerRequest {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_name: r.get(2)?,
        customer_tier: r.get(3)?,
        customer_code: r.get(4)?,
        kind: r.get(5)?,
        reason: r.get(6)?,
        status: r.get(7)?,
        requested_by: r.get(8)?,
        requested_by_name: r.get(9)?,
        requested_at: r.get(10)?,
        decided_by: r.get(11)?,
        decided_by_name: r.get(12)?,
        decided_at: r.get(13)?,
        decision_note: r.get(14)?,
        can_decide: false,
    })
}

/// The roles that decide the strategic list and customer codes (administrators too).
const DECIDERS: &[Role] = &[Role::HeadOffice, Role::Executive];
/// The roles that ask head office.
const REQUESTERS: &[Role] = &[Role::Rep, Role::Manager];

/// `u` decides requests by role or as an administrator.
fn decides(u: &User) -> bool {
    u.is_admin || DECIDERS.contains(&u.role)
}

/// Is the request already done on the customer as it stands?
fn already_done(kind: RequestKind, tier: Tier, code: Option<&str>) -> bool {
    match kind {
        RequestKind::StrategicTier => tier == Tier::Strategic,
        RequestKind::CustomerCode => code.is_some(),
    }
}

impl Kam {
    /// The person signed in decides requests here: by role (or as an administrator), on head
    /// office's installation.
    fn decides_here(&self, me: &User) -> Result<bool> {
        Ok((decides(me) || self.is_trusted()) && !crate::sync::is_field_device(&self.conn)?)
    }

    /// Mark the requests the person signed in may decide now.
    fn with_can_decide(&self, me: &User, mut rows: Vec<CustomerRequest>) -> Result<Vec<CustomerRequest>> {
        let here = self.decides_here(me)?;
        for r in &mut rows {
            r.can_decide = here && r.status == RequestStatus::Pending;
        }
        Ok(rows)
    }

    /// Whether the person signed in decides here, and what they may ask head office for about
    /// `c` now (see [`Dossier::requestable`]).
    pub(super) fn request_options(
        &self,
        c: &Customer,
        requests: &[CustomerRequest],
    ) -> Result<(bool, Vec<RequestKind>)> {
        let me = self.me()?;
        let may_decide = self.decides_here(&me)?;
        if may_decide || !REQUESTERS.contains(&me.role) {
            return Ok((may_decide, Vec::new()));
        }
        let pending = |k: RequestKind| requests.iter().any(|r| r.kind == k && r.status == RequestStatus::Pending);
        let open = RequestKind::ALL
            .iter()
            .copied()
            .filter(|&k| !already_done(k, c.tier, c.customer_code.as_deref()) && !pending(k))
            .collect();
        Ok((false, open))
    }

    /// One request.
    pub fn customer_request(&self, id: &str) -> Result<CustomerRequest> {
        let me = self.me()?;
        let r = self
            .conn
            .query_row(&format!("{REQUEST_SELECT} WHERE r.id = ?1 AND r.deleted_at IS NULL"), [id.trim()], request_from)
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::CustomerRequest, id: id.to_string() })?;
        Ok(self.with_can_decide(&me, vec![r])?.remove(0))
    }

    /// Requests, newest first. Head office (and executives, administrators) sees every request;
    /// anyone else sees a customer's requests on its dossier, and otherwise those they filed.
    pub fn customer_requests(&self, q: &RequestQuery) -> Result<Vec<CustomerRequest>> {
        let me = self.me()?;
        let customer = clean(&q.customer_id);
        let mine_only = customer.is_none() && !decides(&me) && !self.is_trusted();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{REQUEST_SELECT} WHERE r.deleted_at IS NULL AND (?1 IS NULL OR r.status = ?1)
               AND (?2 IS NULL OR r.customer_id = ?2) AND (?3 IS NULL OR r.created_by = ?3)
             ORDER BY r.created_at DESC, r.id DESC"
        ))?;
        let rows = stmt
            .query_map(params![q.status, customer, mine_only.then_some(&me.id)], request_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_can_decide(&me, rows)
    }

    /// Ask head office to make a customer 战略客户 or to assign its customer code, with a reason
    /// (≤ 500 characters). For reps and managers; head office decides these itself. Refused when
    /// it is done already or the same request is pending (`duplicate`, naming it).
    pub fn file_request(&mut self, customer_id: &str, kind: RequestKind, reason: &str) -> Result<CustomerRequest> {
        let me = self.me()?;
        if !REQUESTERS.contains(&me.role) {
            if decides(&me) {
                return Err(KamError::wrong_state(
                    format!("{}（{}）可以直接{}，无需申请。", me.name, me.role.label_zh(), kind.label_zh()),
                    format!(
                        "{} ({}) may do this directly ({}); no request is needed.",
                        me.name,
                        me.role.label_en(),
                        kind.label_en().to_lowercase()
                    ),
                ));
            }
            return Err(KamError::forbidden(
                format!("{}（{}）不能向总部提交此类申请：由营销专员或大客户部经理申请。", me.name, me.role.label_zh()),
                format!(
                    "{} ({}) may not file this request: account managers and managers do.",
                    me.name,
                    me.role.label_en()
                ),
            ));
        }
        let reason = v::required("reason", "申请理由", "Reason", reason, 500)?;
        let c = self.customer(customer_id)?;
        if already_done(kind, c.tier, c.customer_code.as_deref()) {
            return Err(match kind {
                RequestKind::StrategicTier => KamError::wrong_state(
                    format!("「{}」已是战略客户，无需申请。", c.name),
                    format!("'{}' is already a strategic customer; no request is needed.", c.name),
                ),
                RequestKind::CustomerCode => KamError::wrong_state(
                    format!("「{}」已有客户编码 {}，无需申请。", c.name, c.customer_code.clone().unwrap_or_default()),
                    format!(
                        "'{}' already has the customer code {}; no request is needed.",
                        c.name,
                        c.customer_code.clone().unwrap_or_default()
                    ),
                ),
            });
        }
        let pending: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT id, created_at FROM customer_requests
                 WHERE customer_id = ?1 AND kind = ?2 AND status = 'pending' AND deleted_at IS NULL LIMIT 1",
                params![c.id, kind],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((existing_id, at)) = pending {
            let day = &at[..at.len().min(10)];
            return Err(KamError::Duplicate {
                field: "kind".into(),
                existing_id,
                zh: format!("「{}」已有一份待总部审批的「{}」申请（{day}），请等待总部答复。", c.name, kind.label_zh()),
                en: format!(
                    "'{}' already has a pending request ({}, {day}); wait for head office's answer.",
                    c.name,
                    kind.label_en().to_lowercase()
                ),
            });
        }
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO customer_requests (id, customer_id, kind, reason, status, created_at, created_by,
                    updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?5, ?6)",
                params![id, c.id, kind, reason, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.customer_request(&id)
    }

    /// The request, checked for a decision here: head office's installation, a person who
    /// decides, and still pending.
    fn pending_for_decision(&self, id: &str) -> Result<CustomerRequest> {
        self.only_head_office("战略客户和客户编码的审批", "deciding 战略客户 and customer-code requests")?;
        self.require_role_or_admin(
            DECIDERS,
            "审批战略客户和客户编码申请",
            "decide requests for 战略客户 and customer codes",
        )?;
        let r = self.customer_request(id)?;
        if r.status != RequestStatus::Pending {
            return Err(KamError::wrong_state(
                format!("该申请已{}，不能再审批。", r.status.label_zh()),
                format!("The request is already {}; it cannot be decided again.", r.status.label_en().to_lowercase()),
            ));
        }
        Ok(r)
    }

    /// Approve a request at head office: the customer becomes 战略客户 (recorded in its tier
    /// history with the request's reason) or gets its customer code, by the person approving, in
    /// the same transaction as the decision. When it was done meanwhile, only the decision is
    /// recorded. `note` (≤ 500 characters) is optional.
    pub fn approve_request(&mut self, id: &str, note: &str) -> Result<CustomerRequest> {
        let r = self.pending_for_decision(id)?;
        let note = v::optional("note", "审批意见", "Remark", &Some(note.to_string()), 500)?;
        let c = self.customer(&r.customer_id)?;
        let year = self.now().with_timezone(&crate::DEFAULT_TIME_ZONE).year() % 100;
        let tag = self.device_tag.clone();
        self.write(|tx, ctx| {
            if !already_done(r.kind, c.tier, c.customer_code.as_deref()) {
                match r.kind {
                    RequestKind::StrategicTier => {
                        let why = format!("批准{}的申请：{}", r.requested_by_name.as_deref().unwrap_or(""), r.reason);
                        write_tier_change(tx, ctx, &c.id, c.tier, Tier::Strategic, &why)?;
                    }
                    RequestKind::CustomerCode => {
                        assign_code(tx, ctx, &c.id, year, &tag)?;
                    }
                }
            }
            decide(tx, ctx, &r.id, RequestStatus::Approved, &note)
        })?;
        self.customer_request(&r.id)
    }

    /// Refuse a request at head office, with the reason the requester will read (required,
    /// ≤ 500 characters). The customer stays as it is.
    pub fn refuse_request(&mut self, id: &str, reason: &str) -> Result<CustomerRequest> {
        let r = self.pending_for_decision(id)?;
        let reason = v::required("reason", "未批准的理由", "Reason", reason, 500)?;
        self.write(|tx, ctx| decide(tx, ctx, &r.id, RequestStatus::Refused, &reason))?;
        self.customer_request(&r.id)
    }
}

fn decide(tx: &Transaction, ctx: &Ctx, id: &str, status: RequestStatus, note: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_requests SET status = ?2, decided_by = ?3, decided_at = ?4, decision_note = ?5,
            updated_at = ?4, updated_by = ?3 WHERE id = ?1",
        params![id, status, ctx.user, ctx.now, note],
    )?;
    Ok(())
}
