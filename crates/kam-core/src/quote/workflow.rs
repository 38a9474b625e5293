//! A quote's way: submit, approve or reject, send, close, revise.

use super::*;

impl Kam {
    /// Submit a draft for approval. The approvals it needs are computed now, from its lines and
    /// its policy; with none it is approved at once, otherwise it waits as pending approval.
    pub fn submit_quote(&mut self, id: &str) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        match h.status {
            QuoteStatus::Draft => {}
            QuoteStatus::PendingApproval => {
                return Err(h.wrong_status(
                    "再次提交",
                    "submitted again",
                    "它正在等待审批。",
                    "It is waiting for approval.",
                ))
            }
            _ => {
                return Err(h.wrong_status(
                    "提交审批",
                    "submitted",
                    "只有草稿可以提交。",
                    "Only a draft can be submitted.",
                ))
            }
        }
        let lines = lines_of(&self.conn, id, h.dealer_led)?;
        if lines.is_empty() {
            return Err(KamError::invalid(
                "lines",
                "报价单还没有报价行。请先添加产品或报价行，再提交。",
                "The quote has no lines yet. Add products or lines, then submit.",
            ));
        }
        self.check_not_expired(&h)?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let required = required_for(&policy, &lines);
        let status = if required.is_empty() { QuoteStatus::Approved } else { QuoteStatus::PendingApproval };
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET status=?2, submission=submission + 1, required_approvals=?3, updated_at=?4, updated_by=?5
                 WHERE id = ?1",
                params![id, status, to_json(&required), ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    pub(super) fn check_not_expired(&self, h: &Header) -> Result<()> {
        if h.valid_until < date_text(self.today()) {
            return Err(KamError::invalid(
                "valid_until",
                format!("报价单 {} 已过有效期（{}）。请修改有效期后再继续。", h.display(), h.valid_until),
                format!(
                    "Quote {} is past its validity date ({}). Change the validity date, then go on.",
                    h.display(),
                    h.valid_until
                ),
            ));
        }
        Ok(())
    }

    /// The outstanding approvals `approver_id` may sign, or a clear refusal.
    pub(super) fn signable(
        &self,
        h: &Header,
        approver_id: &str,
    ) -> Result<(crate::model::User, Vec<RequiredApproval>)> {
        if h.status != QuoteStatus::PendingApproval {
            return Err(h.wrong_status(
                "审批",
                "approved",
                "只有待审批的报价单需要审批。",
                "Only a quote pending approval can be approved.",
            ));
        }
        let approver = self.user(approver_id).map_err(|_| {
            KamError::invalid("approver", "审批人不存在。请选择一个用户。", "The approver does not exist. Pick a user.")
        })?;
        if !approver.active {
            return Err(KamError::forbidden(
                format!("「{}」已停用，不能审批。", approver.name),
                format!("'{}' is inactive and cannot approve.", approver.name),
            ));
        }
        if approver.id == h.created_by {
            return Err(KamError::forbidden(
                "不能审批自己起草的报价单。请由有权限的其他人审批。",
                "Nobody approves their own quote. Ask someone else with the right role.",
            ));
        }
        let approvals = approvals_of(&self.conn, &h.id)?;
        let open = outstanding(&h.required, &approvals, h.submission);
        let mine: Vec<RequiredApproval> = open.iter().filter(|r| r.roles.contains(&approver.role)).cloned().collect();
        if mine.is_empty() {
            let need_zh = open.iter().map(|r| r.reason_zh.as_str()).collect::<Vec<_>>().join("");
            let need_en = open.iter().map(|r| r.reason_en.as_str()).collect::<Vec<_>>().join(" ");
            return Err(KamError::forbidden(
                format!(
                    "「{}」的角色是{}，无权审批此报价单：{need_zh}请由有权限的人员审批。",
                    approver.name,
                    approver.role.label_zh()
                ),
                format!(
                    "'{}' is a {} and may not approve this quote: {need_en} Ask someone with that role.",
                    approver.name,
                    approver.role.label_en().to_lowercase()
                ),
            ));
        }
        Ok((approver, mine))
    }

    /// Approve as the person signed in: records one approval for each outstanding requirement
    /// their role may sign (append-only), and approves the quote once none is left. Refused if
    /// their role matches none of them, or if they drafted the quote.
    pub fn approve_quote(&mut self, id: &str, comment: &str) -> Result<Quote> {
        let me = self.me()?.id;
        self.decide(id, &me, comment, ApprovalDecision::Approved)
    }

    /// Reject as the person signed in (a comment is required): records the decision and returns
    /// the quote to draft for changes.
    pub fn reject_quote(&mut self, id: &str, comment: &str) -> Result<Quote> {
        let me = self.me()?.id;
        self.decide(id, &me, comment, ApprovalDecision::Rejected)
    }

    pub(super) fn decide(
        &mut self,
        id: &str,
        approver_id: &str,
        comment: &str,
        decision: ApprovalDecision,
    ) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        let comment = match decision {
            ApprovalDecision::Approved => {
                v::optional("comment", "审批意见", "Comment", &Some(comment.to_string()), 1000)?
            }
            ApprovalDecision::Rejected => v::required("comment", "驳回理由", "Reason for rejecting", comment, 1000)?,
        };
        let (approver, mine) = self.signable(&h, approver_id)?;
        self.write(|tx, ctx| {
            for r in &mine {
                tx.execute(
                    "INSERT INTO quote_approvals (id, quote_id, submission, kind, level, decision, approver_id, approver_role,
                        comment, decided_at, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?10, ?11)",
                    params![
                        new_id(),
                        id,
                        h.submission,
                        r.kind,
                        r.level,
                        decision,
                        approver.id,
                        approver.role,
                        comment,
                        ctx.now,
                        ctx.user
                    ],
                )?;
            }
            let status = match decision {
                ApprovalDecision::Rejected => QuoteStatus::Draft,
                ApprovalDecision::Approved => {
                    let left = outstanding(&h.required, &approvals_of(tx, id)?, h.submission);
                    if left.is_empty() {
                        QuoteStatus::Approved
                    } else {
                        QuoteStatus::PendingApproval
                    }
                }
            };
            tx.execute(
                "UPDATE quotes SET status=?2, updated_at=?3, updated_by=?4 WHERE id = ?1",
                params![id, status, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    /// Mark an approved quote as sent to the customer. From now on it is immutable.
    pub fn send_quote(&mut self, id: &str) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        if h.status != QuoteStatus::Approved {
            let hint = match h.status {
                QuoteStatus::Draft => ("请先提交审批。", "Submit it for approval first."),
                QuoteStatus::PendingApproval => {
                    ("它还在等待审批，审批通过后才能发送。", "It is still waiting for approval.")
                }
                _ => ("", ""),
            };
            return Err(h.wrong_status("发送", "sent", hint.0, hint.1));
        }
        self.check_not_expired(&h)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET status='sent', sent_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    /// Record how a sent quote ended: won, lost, or expired (only once its validity has passed;
    /// an approved quote that was never sent may expire too).
    pub fn close_quote(&mut self, id: &str, outcome: QuoteOutcome) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        let status = match outcome {
            QuoteOutcome::Won => QuoteStatus::Won,
            QuoteOutcome::Lost => QuoteStatus::Lost,
            QuoteOutcome::Expired => QuoteStatus::Expired,
        };
        let allowed =
            h.status == QuoteStatus::Sent || (outcome == QuoteOutcome::Expired && h.status == QuoteStatus::Approved);
        if !allowed {
            return Err(h.wrong_status(
                &format!("标记为「{}」", status.label_zh()),
                &format!("marked {}", status.label_en().to_lowercase()),
                "只有已发送的报价单才有成交结果。",
                "Only a sent quote has an outcome.",
            ));
        }
        if outcome == QuoteOutcome::Expired && h.valid_until >= date_text(self.today()) {
            return Err(KamError::invalid(
                "valid_until",
                format!("报价单 {} 有效期至 {}，尚未过期。", h.display(), h.valid_until),
                format!("Quote {} is valid until {}: it has not expired.", h.display(), h.valid_until),
            ));
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET status=?2, closed_at=?3, updated_at=?3, updated_by=?4 WHERE id = ?1",
                params![id, status, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.quote(id)
    }

    /// Make a revision of a sent (or lost, or expired) quote: a new draft with the same number,
    /// revision + 1, linked to it, with the same customer, policy version and lines (their
    /// figures as priced). The original is left untouched.
    pub fn revise_quote(&mut self, id: &str) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        if !matches!(h.status, QuoteStatus::Sent | QuoteStatus::Lost | QuoteStatus::Expired) {
            let (zh, en) = if h.editable() {
                ("它还没有发送，可以直接修改。", "It has not been sent: edit it directly.")
            } else {
                ("已成交的报价单不再修订。", "A won quote is not revised.")
            };
            return Err(h.wrong_status("创建修订版", "revised", zh, en));
        }
        let newer: Option<String> = self
            .conn
            .query_row(
                "SELECT number || '-R' || revision FROM quotes WHERE revision_of = ?1 AND deleted_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(newer) = newer {
            return Err(KamError::invalid(
                "revision_of",
                format!("报价单 {} 已有修订版 {newer}。请在最新的修订版上修改。", h.display()),
                format!("Quote {} already has a revision, {newer}. Work on the newest revision.", h.display()),
            ));
        }
        let today = self.today();
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let old_span = (v::date("valid_until", &h.valid_until)? - v::date("quote_date", &h.quote_date)?).num_days();
        let valid_until = date_text(today + Duration::days(old_span.max(policy.validity_days as i64)));
        let new_id_ = new_id();
        let revision = h.revision + 1;
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO quotes (id, number, revision, revision_of, customer_id, policy_id, status, dealer_led,
                    quote_date, valid_until, notes, total_fen, created_at, created_by, updated_at, updated_by)
                 SELECT ?1, number, ?2, id, customer_id, policy_id, 'draft', dealer_led, ?3, ?4, notes, total_fen,
                    ?5, ?6, ?5, ?6
                 FROM quotes WHERE id = ?7",
                params![new_id_, revision, date_text(today), valid_until, ctx.now, ctx.user, id],
            )?;
            let ids: Vec<String> = tx
                .prepare("SELECT id FROM quote_lines WHERE quote_id = ?1 AND deleted_at IS NULL ORDER BY position")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for old in ids {
                tx.execute(
                    "INSERT INTO quote_lines (id, quote_id, position, product_id, description, spec, unit, quantity,
                        cost_fen, fees_fen, rebate_rate, manual_unit_price_fen, discount_rate, policy_unit_price_fen,
                        unit_price_fen, line_total_fen, breakdown, notes, created_at, created_by, updated_at, updated_by)
                     SELECT ?1, ?2, position, product_id, description, spec, unit, quantity, cost_fen, fees_fen,
                        rebate_rate, manual_unit_price_fen, discount_rate, policy_unit_price_fen, unit_price_fen,
                        line_total_fen, breakdown, notes, ?3, ?4, ?3, ?4
                     FROM quote_lines WHERE id = ?5",
                    params![new_id(), new_id_, ctx.now, ctx.user, old],
                )?;
            }
            Ok(())
        })?;
        self.quote(&new_id_)
    }
}

/// Head office, after refusing a field device's approval rows: a quote that stands as approved
/// or sent without the approvals it needs goes back to pending approval. Written while the
/// importer captures changes as head office's own, so the device gets the quote back in its
/// next return file. Returns the quote's number when it was sent back.
pub(crate) fn revert_unapproved(conn: &Connection, quote_id: &str, now: &str, by: &str) -> Result<Option<String>> {
    let h = match header(conn, quote_id) {
        Ok(h) => h,
        Err(KamError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    // A quote already won or lost stays frozen (a trigger protects it); head office sees the
    // refusal in its report.
    if !matches!(h.status, QuoteStatus::Approved | QuoteStatus::Sent) {
        return Ok(None);
    }
    if outstanding(&h.required, &approvals_of(conn, quote_id)?, h.submission).is_empty() {
        return Ok(None);
    }
    conn.execute(
        "UPDATE quotes SET status = 'pending_approval', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![quote_id, now, by],
    )?;
    Ok(Some(display_number(&h.number, h.revision)))
}
