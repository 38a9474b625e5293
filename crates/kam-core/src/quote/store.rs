//! Reading and writing quote rows: lines priced from their products, approvals, totals.

use super::*;

/// A line input checked, defaulted from its product, and priced.
pub(super) struct PreparedLine {
    pub(super) product_id: Option<String>,
    pub(super) description: String,
    pub(super) spec: String,
    pub(super) unit: String,
    pub(super) terms: LineTerms,
    pub(super) priced: pricing::LinePricing,
    pub(super) notes: String,
}

pub(super) fn prepare_line(
    conn: &Connection,
    policy: &PricingPolicy,
    dealer_led: bool,
    i: &QuoteLineInput,
) -> Result<PreparedLine> {
    let product = match clean(&i.product_id) {
        Some(id) => Some(product_by_id(conn, &id).map_err(|_| {
            KamError::invalid(
                "product_id",
                "所选产品不存在或已被删除。请从产品目录中重新选择。",
                "The selected product does not exist or was deleted. Pick it again from the catalog.",
            )
        })?),
        None => None,
    };
    let description = match (clean(&i.description), &product) {
        (Some(d), _) => d,
        (None, Some(p)) => p.name.clone(),
        (None, None) => String::new(),
    };
    let description = v::required("description", "品名/描述", "Description", &description, 200)?;
    let spec = clean(&i.spec).or_else(|| product.as_ref().map(|p| p.spec.clone())).unwrap_or_default();
    let spec = v::optional("spec", "规格型号", "Specification", &Some(spec), 200)?;
    let unit = clean(&i.unit).or_else(|| product.as_ref().map(|p| p.unit.clone())).unwrap_or_default();
    let unit = v::required("unit", "单位", "Unit", &unit, 10)?;
    let cost_fen = match (i.cost_fen, product.as_ref().and_then(|p| p.cost_fen)) {
        (Some(c), _) => c,
        (None, Some(c)) => c,
        (None, None) => {
            return Err(KamError::invalid(
                "cost",
                "请填写成本价（或从产品目录选择产品）。",
                "Enter the cost price (or pick a product from the catalog).",
            ))
        }
    };
    let terms = LineTerms {
        cost_fen,
        quantity: i.quantity,
        fees_fen: i.fees_fen.unwrap_or(Fen::ZERO),
        rebate_rate: i.rebate_rate.unwrap_or(Rate::ZERO),
        manual_unit_price_fen: i.manual_unit_price_fen,
        discount_rate: i.discount_rate.unwrap_or(Rate::ZERO),
    };
    let priced = pricing::price_terms(policy, &terms, dealer_led)?;
    let terms = LineTerms {
        quantity: priced.breakdown.quantity,
        rebate_rate: priced.breakdown.rebate_rate,
        discount_rate: terms.discount_rate.normalize(),
        ..terms
    };
    let notes = v::optional("notes", "备注", "Notes", &i.notes, 500)?;
    Ok(PreparedLine { product_id: product.map(|p| p.id), description, spec, unit, terms, priced, notes })
}

pub(super) fn with_line_number(e: KamError, n: usize) -> KamError {
    match e {
        KamError::Validation { field, zh, en } => {
            KamError::Validation { field, zh: format!("第 {n} 行：{zh}"), en: format!("Line {n}: {en}") }
        }
        other => other,
    }
}

pub(super) const LINE_SELECT: &str =
    "SELECT l.id, l.position, l.product_id, p.code, l.description, l.spec, l.unit, l.quantity,
    l.cost_fen, l.fees_fen, l.rebate_rate, l.manual_unit_price_fen, l.discount_rate, l.policy_unit_price_fen,
    l.unit_price_fen, l.line_total_fen, l.breakdown, l.notes
    FROM quote_lines l LEFT JOIN products p ON p.id = l.product_id";

pub(super) fn lines_of(conn: &Connection, quote_id: &str, dealer_led: bool) -> Result<Vec<QuoteLine>> {
    let mut stmt = conn
        .prepare_cached(&format!("{LINE_SELECT} WHERE l.quote_id = ?1 AND l.deleted_at IS NULL ORDER BY l.position"))?;
    let rows = stmt
        .query_map([quote_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                [r.get::<_, String>(4)?, r.get(5)?, r.get(6)?, r.get(17)?],
                r.get::<_, Quantity>(7)?,
                [r.get::<_, Fen>(8)?, r.get(9)?],
                r.get::<_, Rate>(10)?,
                r.get::<_, Option<Fen>>(11)?,
                r.get::<_, Rate>(12)?,
                [r.get::<_, Fen>(13)?, r.get(14)?, r.get(15)?],
                json_col::<PriceBreakdown>(r, 16)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(
            |(
                id,
                position,
                product_id,
                product_code,
                [description, spec, unit, notes],
                quantity,
                [cost_fen, fees_fen],
                rebate_rate,
                manual,
                discount_rate,
                [policy_price, unit_price, total],
                breakdown,
            )| {
                Ok(QuoteLine {
                    internal: Some(LineInternal {
                        cost_fen,
                        breakdown,
                        economics: pricing::economics(cost_fen, quantity, fees_fen, rebate_rate, total)?,
                    }),
                    below_policy: !dealer_led && manual.is_some_and(|m| m < policy_price),
                    formula_applied: !dealer_led && manual.is_none(),
                    id,
                    position,
                    product_id,
                    product_code,
                    description,
                    spec,
                    unit,
                    quantity,
                    fees_fen,
                    rebate_rate,
                    manual_unit_price_fen: manual,
                    discount_rate,
                    policy_unit_price_fen: policy_price,
                    unit_price_fen: unit_price,
                    line_total_fen: total,
                    notes,
                })
            },
        )
        .collect()
}

/// The approvals a set of lines needs, one entry per (kind, level), with the lines that caused it.
pub(super) fn required_for(policy: &PricingPolicy, lines: &[QuoteLine]) -> Vec<RequiredApproval> {
    let mut out: Vec<RequiredApproval> = Vec::new();
    for l in lines {
        for (kind, level) in pricing::line_approvals(policy, l.below_policy, l.rebate_rate, l.discount_rate) {
            match out.iter_mut().find(|r| r.kind == kind && r.level == level) {
                Some(r) => r.lines.push(l.position),
                None => out.push(RequiredApproval {
                    kind,
                    level,
                    roles: policy.roles_for(level).to_vec(),
                    lines: vec![l.position],
                    reason_zh: String::new(),
                    reason_en: String::new(),
                }),
            }
        }
    }
    let std = policy.discount_standard.percent_text();
    for r in &mut out {
        let ns = r.lines.iter().map(u32::to_string).collect::<Vec<_>>();
        let (zh_lines, en_lines) = (ns.join("、"), ns.join(", "));
        let roles_zh = r.roles.iter().map(|x| x.label_zh()).collect::<Vec<_>>().join("/");
        let roles_en = r.roles.iter().map(|x| x.label_en()).collect::<Vec<_>>().join("/");
        let (zh, en) = match (r.kind, r.level) {
            (ApprovalKind::BelowPolicy, _) => (
                format!("第 {zh_lines} 行单价低于政策价（利润低于要求），需总经理特批"),
                format!("Line {en_lines}: unit price below the policy price (profit below the required rate): needs the general manager's special approval"),
            ),
            (ApprovalKind::Rebate, _) => (
                format!("第 {zh_lines} 行含返点，须在向客户承诺前由大客户部经理审批"),
                format!("Line {en_lines}: a rebate is offered: the key-account manager must approve it before it is promised to the customer"),
            ),
            (ApprovalKind::Discount, ApprovalLevel::Department) => (
                format!("第 {zh_lines} 行折扣在标准（{std}）以内，由大客户服务部审批"),
                format!("Line {en_lines}: discount within the standard ({std}): approved by the key-account service department"),
            ),
            (ApprovalKind::Discount, ApprovalLevel::GeneralManager) => (
                format!("第 {zh_lines} 行折扣超过标准（{std}），需总经理审批"),
                format!("Line {en_lines}: discount beyond the standard ({std}): needs the general manager"),
            ),
        };
        r.reason_zh = format!("{zh}（可审批角色：{roles_zh}）。");
        r.reason_en = format!("{en} (roles: {roles_en}).");
    }
    out
}

pub(super) fn approvals_of(conn: &Connection, quote_id: &str) -> Result<Vec<Approval>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.submission, a.kind, a.level, a.decision, a.approver_id, u.name, a.approver_role, a.comment,
            a.decided_at
         FROM quote_approvals a LEFT JOIN users u ON u.id = a.approver_id
         WHERE a.quote_id = ?1 ORDER BY a.decided_at, a.id",
    )?;
    let rows = stmt
        .query_map([quote_id], |r| {
            Ok(Approval {
                id: r.get(0)?,
                submission: r.get(1)?,
                kind: r.get(2)?,
                level: r.get(3)?,
                decision: r.get(4)?,
                approver_id: r.get(5)?,
                approver_name: r.get(6)?,
                approver_role: r.get(7)?,
                comment: r.get(8)?,
                decided_at: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(super) fn outstanding(
    required: &[RequiredApproval],
    approvals: &[Approval],
    submission: u32,
) -> Vec<RequiredApproval> {
    required
        .iter()
        .filter(|r| {
            !approvals.iter().any(|a| {
                a.submission == submission
                    && a.kind == r.kind
                    && a.level == r.level
                    && a.decision == ApprovalDecision::Approved
            })
        })
        .cloned()
        .collect()
}

pub(super) fn totals_of(lines: &[QuoteLine]) -> Result<QuoteTotals> {
    let sum = |f: &dyn Fn(&QuoteLine) -> Fen| -> Result<Fen> {
        let mut s = Fen::ZERO;
        for l in lines {
            s = s.checked_add(f(l)).filter(|v| v.abs() <= MAX_FEN).ok_or_else(|| {
                KamError::invalid(
                    "quantity",
                    "报价单合计超过 1000 亿元的上限。请检查数量和单价。",
                    "The quote total is over the limit of 100 billion yuan. Check the quantities and prices.",
                )
            })?;
        }
        Ok(s)
    };
    let total_fen = sum(&|l| l.line_total_fen)?;
    let econ =
        |f: fn(&LineEconomics) -> Fen| move |l: &QuoteLine| l.internal.as_ref().map_or(Fen::ZERO, |i| f(&i.economics));
    Ok(QuoteTotals {
        total_fen,
        total_uppercase: rmb_uppercase(total_fen),
        line_count: lines.len() as u32,
        internal: Some(TotalsInternal {
            cost_fen: sum(&econ(|e| e.cost_total_fen))?,
            fees_fen: sum(&econ(|e| e.fees_total_fen))?,
            rebate_fen: sum(&econ(|e| e.rebate_total_fen))?,
            profit_fen: sum(&econ(|e| e.profit_total_fen))?,
        }),
    })
}

/// Customer name and code, policy version, notes, sent, closed, created and updated times.
pub(super) type Extras = (String, Option<String>, i32, String, Option<String>, Option<String>, String, String);

pub(super) fn load_quote(conn: &Connection, id: &str) -> Result<Quote> {
    let h = header(conn, id)?;
    let (customer_name, customer_code, policy_version, notes, sent_at, closed_at, created_at, updated_at): Extras =
        conn.query_row(
            "SELECT c.name, c.customer_code, p.version, q.notes, q.sent_at, q.closed_at, q.created_at, q.updated_at
         FROM quotes q JOIN customers c ON c.id = q.customer_id JOIN pricing_policies p ON p.id = q.policy_id
         WHERE q.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )?;
    let superseded_by: Option<String> = conn
        .query_row(
            "SELECT id FROM quotes WHERE revision_of = ?1 AND deleted_at IS NULL ORDER BY revision DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let revision_of: Option<String> =
        conn.query_row("SELECT revision_of FROM quotes WHERE id = ?1", [id], |r| r.get(0))?;
    let lines = lines_of(conn, id, h.dealer_led)?;
    let totals = totals_of(&lines)?;
    let approvals = approvals_of(conn, id)?;
    let outstanding_approvals = match h.status {
        QuoteStatus::PendingApproval => outstanding(&h.required, &approvals, h.submission),
        _ => Vec::new(),
    };
    Ok(Quote {
        display_number: h.display(),
        editable: h.editable(),
        can_revise: matches!(h.status, QuoteStatus::Sent | QuoteStatus::Lost | QuoteStatus::Expired)
            && superseded_by.is_none(),
        id: h.id,
        number: h.number,
        revision: h.revision,
        revision_of,
        superseded_by,
        customer_id: h.customer_id,
        customer_name,
        customer_code,
        policy_id: h.policy_id,
        policy_version,
        status: h.status,
        dealer_led: h.dealer_led,
        quote_date: h.quote_date,
        valid_until: h.valid_until,
        notes,
        lines,
        totals,
        submission: h.submission,
        required_approvals: h.required,
        outstanding_approvals,
        approvals,
        sent_at,
        closed_at,
        created_at,
        updated_at,
    })
}

/// After a change to lines or header: recompute the total, and send a pending or approved
/// quote back to draft (its approvals no longer count).
pub(super) fn touch(tx: &Transaction, ctx: &Ctx, h: &Header) -> Result<()> {
    let lines = lines_of(tx, &h.id, h.dealer_led)?;
    let totals = totals_of(&lines)?;
    tx.execute(
        "UPDATE quotes SET total_fen = ?2, status = 'draft', updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![h.id, totals.total_fen, ctx.now, ctx.user],
    )?;
    Ok(())
}

pub(super) fn insert_line(
    tx: &Transaction,
    ctx: &Ctx,
    quote_id: &str,
    position: u32,
    l: &PreparedLine,
) -> Result<String> {
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO quote_lines (id, quote_id, position, product_id, description, spec, unit, quantity, cost_fen,
            fees_fen, rebate_rate, manual_unit_price_fen, discount_rate, policy_unit_price_fen, unit_price_fen,
            line_total_fen, breakdown, notes, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?19, ?20)",
    )?
    .execute(params![
        id,
        quote_id,
        position,
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
    ])?;
    Ok(id)
}

pub(super) fn next_number(conn: &Connection, prefix: &str) -> Result<String> {
    let max: Option<i64> = conn.query_row(
        "SELECT max(CAST(substr(number, length(?1) + 1) AS INTEGER)) FROM quotes WHERE number LIKE ?1 || '%'",
        [prefix],
        |r| r.get(0),
    )?;
    Ok(format!("{prefix}{:04}", max.unwrap_or(0) + 1))
}
