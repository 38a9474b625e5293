//! The catalog: pricing policies and products, and previewing a price.

use super::*;

pub(super) fn check_policy_input(i: &PricingPolicyInput, current: &PricingPolicy) -> Result<PricingPolicy> {
    let effective_from = date_text(v::date("effective_from", &i.effective_from)?);
    if effective_from < current.effective_from {
        return Err(KamError::invalid(
            "effective_from",
            format!("生效日期不能早于当前版本（第 {} 版）的生效日期 {}。", current.version, current.effective_from),
            format!(
                "The effective date cannot be before that of the current version ({}, {}).",
                current.version, current.effective_from
            ),
        ));
    }
    check_tiers("profit_tiers", "利润率档位", "profit rate", &i.profit_tiers)?;
    check_tiers("rebate_tiers", "返点参考档位", "rebate reference", &i.rebate_tiers)?;
    let discount_standard =
        check_rate("discount_standard", "折扣标准", "discount standard", i.discount_standard, false)?;
    let department_roles = i.department_roles.clone().unwrap_or_else(|| current.department_roles.clone());
    let general_manager_roles =
        i.general_manager_roles.clone().unwrap_or_else(|| current.general_manager_roles.clone());
    if department_roles.is_empty() || general_manager_roles.is_empty() {
        return Err(KamError::invalid(
            "department_roles",
            "每个审批级别至少要有一个可审批的角色。",
            "Each approval level needs at least one role that may sign it.",
        ));
    }
    let validity_days = i.validity_days.unwrap_or(current.validity_days);
    if !(1..=365).contains(&validity_days) {
        return Err(KamError::invalid(
            "validity_days",
            "报价有效期天数应在 1 到 365 之间。",
            "The validity must be 1 to 365 days.",
        ));
    }
    Ok(PricingPolicy {
        id: new_id(),
        version: current.version + 1,
        effective_from,
        profit_tiers: i.profit_tiers.clone(),
        rebate_tiers: i
            .rebate_tiers
            .iter()
            .map(|t| RateTier { from_fen: t.from_fen, rate: t.rate.normalize() })
            .collect(),
        discount_standard,
        department_roles,
        general_manager_roles,
        validity_days,
        notes: v::optional("notes", "说明", "Notes", &i.notes, 500)?,
        created_at: String::new(),
    })
}

pub(super) fn check_product(
    i: &ProductInput,
    today: NaiveDate,
) -> Result<(String, String, String, String, Fen, String, String)> {
    let code = v::required("code", "产品编码", "Product code", &i.code, 30)?.to_uppercase();
    if code.chars().any(char::is_whitespace) {
        return Err(KamError::invalid("code", "产品编码不能包含空格。", "A product code cannot contain spaces."));
    }
    let name = v::required("name", "产品名称", "Product name", &i.name, 100)?;
    let spec = v::optional("spec", "规格型号", "Specification", &i.spec, 200)?;
    let unit = v::required("unit", "单位", "Unit", &i.unit, 10)?;
    let cost = check_fen("cost", "成本价", "cost price", i.cost_fen)?;
    let effective = match clean(&i.effective_from) {
        Some(d) => date_text(v::date("effective_from", &d)?),
        None => date_text(today),
    };
    let notes = v::optional("notes", "备注", "Notes", &i.notes, 1000)?;
    Ok((code, name, spec, unit, cost, effective, notes))
}

pub(super) fn refuse_duplicate_code(conn: &Connection, code: &str, except: Option<&str>) -> Result<()> {
    let existing: Option<(String, String)> = conn
        .query_row(
            "SELECT id, name FROM products WHERE code = ?1 AND deleted_at IS NULL AND id IS NOT ?2",
            params![code, except],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, name)) = existing {
        return Err(KamError::Duplicate {
            field: "code".into(),
            existing_id: id,
            zh: format!("产品编码 {code} 已被「{name}」使用。请换一个编码，或修改已有产品。"),
            en: format!(
                "The product code {code} is already used by '{name}'. Choose another code or edit that product."
            ),
        });
    }
    Ok(())
}

impl Kam {
    pub(super) fn today(&self) -> NaiveDate {
        crate::time::local_today(self)
    }

    // ----- pricing policy -------------------------------------------------------------------

    /// The pricing policy in effect today.
    pub fn pricing_policy(&self) -> Result<PricingPolicy> {
        policy_on(&self.conn, &date_text(self.today()))
    }

    /// Every version of the pricing policy, newest first.
    pub fn pricing_policies(&self) -> Result<Vec<PricingPolicy>> {
        let mut stmt = self.conn.prepare(&format!("{POLICY_SELECT} WHERE deleted_at IS NULL ORDER BY version DESC"))?;
        let rows = stmt.query_map([], policy_from)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Add a new version of the pricing policy. Existing quotes keep the version they were
    /// priced under; quotes created from `effective_from` on use the new one.
    pub fn set_pricing_policy(&mut self, input: &PricingPolicyInput) -> Result<PricingPolicy> {
        self.only_head_office("报价政策", "the pricing policy")?;
        let latest = self.conn.query_row(&format!("{POLICY_SELECT} ORDER BY version DESC LIMIT 1"), [], policy_from)?;
        let p = check_policy_input(input, &latest)?;
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO pricing_policies (id, version, effective_from, profit_tiers, rebate_tiers, discount_standard,
                    department_roles, general_manager_roles, validity_days, notes, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?12)",
                params![
                    p.id,
                    p.version,
                    p.effective_from,
                    to_json(&p.profit_tiers),
                    to_json(&p.rebate_tiers),
                    p.discount_standard,
                    to_json(&p.department_roles),
                    to_json(&p.general_manager_roles),
                    p.validity_days,
                    p.notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(())
        })?;
        policy_by_id(&self.conn, &p.id)
    }

    /// Price one line with the policy in effect today (the quick calculation).
    pub fn preview_price(&self, input: &PriceInput) -> Result<PriceBreakdown> {
        price_line(
            &self.pricing_policy()?,
            input.cost_fen,
            input.quantity,
            input.rebate_rate.unwrap_or(Rate::ZERO),
            input.fees_fen.unwrap_or(Fen::ZERO),
        )
    }

    /// Price a line as it would be on a quote (its policy and dealer-led flag), without saving
    /// it: the live breakdown while the user types. With no quote, today's policy, direct project.
    pub fn preview_quote_line(&self, quote_id: Option<&str>, input: &QuoteLineInput) -> Result<QuoteLine> {
        let (policy, dealer_led) = match quote_id {
            Some(id) => {
                let h = header(&self.conn, id)?;
                self.check_access(&h.customer_id, Access::Read)?;
                (policy_by_id(&self.conn, &h.policy_id)?, h.dealer_led)
            }
            None => (self.pricing_policy()?, false),
        };
        let l = prepare_line(&self.conn, &policy, dealer_led, input)?;
        let product_code = match &l.product_id {
            Some(id) => Some(product_by_id(&self.conn, id)?.code),
            None => None,
        };
        Ok(QuoteLine {
            id: String::new(),
            position: 0,
            product_id: l.product_id,
            product_code,
            description: l.description,
            spec: l.spec,
            unit: l.unit,
            quantity: l.terms.quantity,
            fees_fen: l.terms.fees_fen,
            rebate_rate: l.terms.rebate_rate,
            manual_unit_price_fen: l.terms.manual_unit_price_fen,
            discount_rate: l.terms.discount_rate,
            policy_unit_price_fen: l.priced.breakdown.unit_price_fen,
            unit_price_fen: l.priced.unit_price_fen,
            line_total_fen: l.priced.line_total_fen,
            formula_applied: !dealer_led && l.terms.manual_unit_price_fen.is_none(),
            below_policy: l.priced.below_policy,
            notes: l.notes,
            internal: self.internal_view()?.then_some(LineInternal {
                cost_fen: l.terms.cost_fen,
                breakdown: l.priced.breakdown,
                economics: l.priced.economics,
            }),
        })
    }

    // ----- product catalog --------------------------------------------------------------------

    /// Add a product to the catalog.
    pub fn add_product(&mut self, input: &ProductInput) -> Result<Product> {
        self.only_head_office("产品目录", "the catalog")?;
        let (code, name, spec, unit, cost, effective, notes) = check_product(input, self.today())?;
        refuse_duplicate_code(&self.conn, &code, None)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO products (id, code, name, spec, unit, cost_fen, effective_from, notes,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![id, code, name, spec, unit, cost, effective, notes, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.product(&id)
    }

    /// Edit a product (a new cost price with its effective date). Quotes already priced keep
    /// the cost they were priced with.
    pub fn update_product(&mut self, id: &str, input: &ProductInput) -> Result<Product> {
        self.only_head_office("产品目录", "the catalog")?;
        product_by_id(&self.conn, id)?;
        let (code, name, spec, unit, cost, effective, notes) = check_product(input, self.today())?;
        refuse_duplicate_code(&self.conn, &code, Some(id))?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE products SET code=?2, name=?3, spec=?4, unit=?5, cost_fen=?6, effective_from=?7, notes=?8,
                    updated_at=?9, updated_by=?10 WHERE id = ?1",
                params![id, code, name, spec, unit, cost, effective, notes, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.product(id)
    }

    /// Remove a product from the catalog (tombstone). Quote lines keep their copy.
    pub fn delete_product(&mut self, id: &str) -> Result<()> {
        self.only_head_office("产品目录", "the catalog")?;
        product_by_id(&self.conn, id)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE products SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })
    }

    /// A product as the person signed in may see it: without its cost unless they have the
    /// internal view.
    fn shown(&self, mut p: Product) -> Result<Product> {
        if !self.internal_view()? {
            p.cost_fen = None;
        }
        Ok(p)
    }

    /// One product.
    pub fn product(&self, id: &str) -> Result<Product> {
        self.shown(product_by_id(&self.conn, id)?)
    }

    /// The catalog, by code (costs only for those with the internal view).
    pub fn products(&self) -> Result<Vec<Product>> {
        let mut stmt = self.conn.prepare(&format!("{PRODUCT_SELECT} WHERE deleted_at IS NULL ORDER BY code"))?;
        let rows = stmt.query_map([], product_from)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|p| self.shown(p)).collect()
    }

    /// Find a product by id or code (for the CLI).
    pub fn resolve_product(&self, key: &str) -> Result<Product> {
        let key = key.trim();
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM products WHERE deleted_at IS NULL AND (id = ?1 OR code = upper(?1))",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        self.product(id.as_deref().unwrap_or(key))
    }

    // ----- quotes -----------------------------------------------------------------------------
}
