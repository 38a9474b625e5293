//! Reading, listing and editing quotes and their lines.

use super::*;

impl Kam {
    /// One quote with everything attached; its internal part (costs, breakdown, margins) only
    /// for those with the internal view ([`Kam::internal_view`]).
    /// Refused with `forbidden` when the person acting may not see its customer.
    pub fn quote(&self, id: &str) -> Result<Quote> {
        let q = load_quote(&self.conn, id)?;
        self.check_access(&q.customer_id, Access::Read)?;
        Ok(if self.internal_view()? { q } else { q.without_internal() })
    }

    /// Find a quote by id, number (its newest revision) or number with revision (`…-R2`).
    pub fn resolve_quote(&self, key: &str) -> Result<Quote> {
        let key = key.trim();
        let upper = key.to_uppercase();
        let (number, revision) = match upper.rsplit_once("-R") {
            Some((n, r)) if r.parse::<u32>().is_ok() => (n.to_string(), r.parse::<u32>().ok()),
            _ => (upper.clone(), None),
        };
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM quotes WHERE deleted_at IS NULL AND (id = ?1 OR (number = ?2 AND (?3 IS NULL OR revision = ?3)))
                 ORDER BY revision DESC LIMIT 1",
                params![key, number, revision],
                |r| r.get(0),
            )
            .optional()?;
        self.quote(id.as_deref().unwrap_or(key))
    }

    /// Quotes, newest first.
    pub fn list_quotes(&self, q: &QuoteQuery) -> Result<Vec<QuoteRow>> {
        let latest = q.latest_only.unwrap_or(false);
        // Only quotes of customers the person acting may see.
        let scope = self.scope()?.and_sql("c");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT q.id, q.number, q.revision, q.customer_id, c.name, q.status, q.dealer_led, q.quote_date,
                q.valid_until, q.total_fen,
                (SELECT count(*) FROM quote_lines l WHERE l.quote_id = q.id AND l.deleted_at IS NULL), q.updated_at
             FROM quotes q JOIN customers c ON c.id = q.customer_id
             WHERE q.deleted_at IS NULL AND (?1 IS NULL OR q.customer_id = ?1) AND (?2 IS NULL OR q.status = ?2)
               AND (?3 = 0 OR NOT EXISTS (SELECT 1 FROM quotes n WHERE n.revision_of = q.id AND n.deleted_at IS NULL)){scope}
             ORDER BY q.quote_date DESC, q.number DESC, q.revision DESC LIMIT ?4 OFFSET ?5"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    clean(&q.customer_id),
                    q.status,
                    latest,
                    q.limit.unwrap_or(200).clamp(1, 10_000),
                    q.offset.unwrap_or(0)
                ],
                |r| {
                    let number: String = r.get(1)?;
                    let revision: u32 = r.get(2)?;
                    Ok(QuoteRow {
                        id: r.get(0)?,
                        display_number: display_number(&number, revision),
                        number,
                        revision,
                        customer_id: r.get(3)?,
                        customer_name: r.get(4)?,
                        status: r.get(5)?,
                        dealer_led: r.get(6)?,
                        quote_date: r.get(7)?,
                        valid_until: r.get(8)?,
                        total_fen: r.get(9)?,
                        line_count: r.get(10)?,
                        updated_at: r.get(11)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Create a draft quote for a customer, priced under today's pricing policy.
    pub fn create_quote(&mut self, input: &QuoteInput) -> Result<Quote> {
        let customer_id = input.customer_id.trim().to_string();
        customer_exists(&self.conn, &customer_id)?;
        self.check_access(&customer_id, Access::Write)?;
        let today = self.today();
        let policy = policy_on(&self.conn, &date_text(today))?;
        let valid_until = self.check_valid_until(&input.valid_until, today, policy.validity_days)?;
        let notes = v::optional("notes", "备注", "Notes", &input.notes, 2000)?;
        let prefix = format!("Q{}-{}-", today.format("%y"), self.device_tag);
        let id = new_id();
        self.write(|tx, ctx| {
            let number = next_number(tx, &prefix)?;
            tx.execute(
                "INSERT INTO quotes (id, number, revision, customer_id, policy_id, status, dealer_led, quote_date,
                    valid_until, notes, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, 1, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![
                    id,
                    number,
                    customer_id,
                    policy.id,
                    input.dealer_led.unwrap_or(false),
                    date_text(today),
                    valid_until,
                    notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(())
        })?;
        self.quote(&id)
    }

    pub(super) fn check_valid_until(&self, v: &Option<String>, from: NaiveDate, days: u32) -> Result<String> {
        match clean(v) {
            Some(s) => {
                let d = v::date("valid_until", &s)?;
                if d < from {
                    return Err(KamError::invalid(
                        "valid_until",
                        format!("有效期不能早于报价日期 {}。", date_text(from)),
                        format!("The validity date cannot be before the quote date {}.", date_text(from)),
                    ));
                }
                Ok(date_text(d))
            }
            None => Ok(date_text(from + Duration::days(days as i64))),
        }
    }

    /// Edit a quote's header: customer, dealer-led flag, validity, notes. A pending or approved
    /// quote returns to draft.
    pub fn update_quote(&mut self, id: &str, input: &QuoteInput) -> Result<Quote> {
        let h = header(&self.conn, id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        h.ensure_editable()?;
        let customer_id = input.customer_id.trim().to_string();
        customer_exists(&self.conn, &customer_id)?;
        self.check_access(&customer_id, Access::Write)?;
        let quote_date = v::date("quote_date", &h.quote_date)?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let valid_until = self.check_valid_until(&input.valid_until, quote_date, policy.validity_days)?;
        let notes = v::optional("notes", "备注", "Notes", &input.notes, 2000)?;
        let dealer_led = input.dealer_led.unwrap_or(h.dealer_led);
        if dealer_led && !h.dealer_led {
            let missing = lines_of(&self.conn, id, true)?.iter().any(|l| l.manual_unit_price_fen.is_none());
            if missing {
                return Err(KamError::invalid(
                    "dealer_led",
                    "改为经销商主导前，请先为每一行填写手工单价（经销商主导不套用公式）。",
                    "Before marking the quote dealer-led, give every line a manual unit price (the formula does not apply).",
                ));
            }
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET customer_id=?2, dealer_led=?3, valid_until=?4, notes=?5 WHERE id = ?1",
                params![id, customer_id, dealer_led, valid_until, notes],
            )?;
            touch(tx, ctx, &Header { dealer_led, ..h })
        })?;
        self.quote(id)
    }

    /// Add a line to a quote (priced under the quote's policy). A pending or approved quote
    /// returns to draft.
    pub fn add_quote_line(&mut self, quote_id: &str, input: &QuoteLineInput) -> Result<Quote> {
        self.add_quote_lines(quote_id, std::slice::from_ref(input))
    }

    /// Add several lines in one transaction (all or nothing).
    pub fn add_quote_lines(&mut self, quote_id: &str, inputs: &[QuoteLineInput]) -> Result<Quote> {
        let h = header(&self.conn, quote_id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        h.ensure_editable()?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let mut prepared = Vec::with_capacity(inputs.len());
        for (n, i) in inputs.iter().enumerate() {
            let l = prepare_line(&self.conn, &policy, h.dealer_led, i);
            prepared.push(if inputs.len() > 1 { l.map_err(|e| with_line_number(e, n + 1)) } else { l }?);
        }
        self.write(|tx, ctx| {
            let max: Option<u32> = tx.query_row(
                "SELECT max(position) FROM quote_lines WHERE quote_id = ?1 AND deleted_at IS NULL",
                [quote_id],
                |r| r.get(0),
            )?;
            let mut pos = max.unwrap_or(0);
            for l in &prepared {
                pos += 1;
                insert_line(tx, ctx, quote_id, pos, l)?;
            }
            touch(tx, ctx, &h)
        })?;
        self.quote(quote_id)
    }

    pub(super) fn line_quote(&self, line_id: &str) -> Result<Header> {
        let quote_id: String = self
            .conn
            .query_row("SELECT quote_id FROM quote_lines WHERE id = ?1 AND deleted_at IS NULL", [line_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::QuoteLine, id: line_id.to_string() })?;
        header(&self.conn, &quote_id)
    }

    /// Change a line. A pending or approved quote returns to draft. Someone without the
    /// internal view never saw the line's cost: when they leave it out and keep the product, the
    /// line keeps its cost.
    pub fn update_quote_line(&mut self, line_id: &str, input: &QuoteLineInput) -> Result<Quote> {
        let h = self.line_quote(line_id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        h.ensure_editable()?;
        let policy = policy_by_id(&self.conn, &h.policy_id)?;
        let mut input = input.clone();
        if input.cost_fen.is_none() && !self.internal_view()? {
            let (product, cost): (Option<String>, Fen) =
                self.conn.query_row("SELECT product_id, cost_fen FROM quote_lines WHERE id = ?1", [line_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if clean(&input.product_id) == product {
                input.cost_fen = Some(cost);
            }
        }
        let l = prepare_line(&self.conn, &policy, h.dealer_led, &input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quote_lines SET product_id=?2, description=?3, spec=?4, unit=?5, quantity=?6, cost_fen=?7,
                    fees_fen=?8, rebate_rate=?9, manual_unit_price_fen=?10, discount_rate=?11,
                    policy_unit_price_fen=?12, unit_price_fen=?13, line_total_fen=?14, breakdown=?15, notes=?16,
                    updated_at=?17, updated_by=?18 WHERE id = ?1",
                params![
                    line_id,
                    l.product_id,
                    l.description,
                    l.spec,
                    l.unit,
                    l.terms.quantity,
                    l.terms.cost_fen,
                    l.terms.fees_fen,
                    l.terms.rebate_rate,
                    l.terms.manual_unit_price_fen,
                    l.terms.discount_rate,
                    l.priced.breakdown.unit_price_fen,
                    l.priced.unit_price_fen,
                    l.priced.line_total_fen,
                    to_json(&l.priced.breakdown),
                    l.notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            touch(tx, ctx, &h)
        })?;
        self.quote(&h.id)
    }

    /// Remove a line (tombstone). A pending or approved quote returns to draft.
    pub fn remove_quote_line(&mut self, line_id: &str) -> Result<Quote> {
        let h = self.line_quote(line_id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        h.ensure_editable()?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quote_lines SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![line_id, ctx.now, ctx.user],
            )?;
            touch(tx, ctx, &h)
        })?;
        self.quote(&h.id)
    }

    /// Delete a quote that was never sent (tombstone).
    pub fn delete_quote(&mut self, id: &str) -> Result<()> {
        let h = header(&self.conn, id)?;
        self.check_access(&h.customer_id, Access::Write)?;
        h.ensure_editable()?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE quotes SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })
    }
}
