//! `kam quote …` and `kam product …`: quotes priced by the company's policy, the product
//! catalog, and the quote benchmark. A thin client of `kam_core::Kam`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use kam_core::{
    input, Kam, PriceBreakdown, PriceInput, PricingPolicy, ProductInput, Quote, QuoteInput, QuoteLine, QuoteLineDraft,
    QuoteOutcome, QuoteQuery, QuoteStatus, Rate,
};

use crate::{pad, print_json};

#[derive(Subcommand)]
pub enum QuoteCmd {
    /// Price one line by the policy in effect: prints the breakdown and the unit price.
    Price {
        /// Cost price per unit, in yuan (70, ¥70, 12,800.50).
        #[arg(long)]
        cost: String,
        /// Quantity (10000, 10,000 or 10000.5).
        #[arg(long)]
        qty: String,
        /// Rebate rate offered: 8% or 8 (both 8 %; a bare 0.08 is refused as ambiguous).
        #[arg(long, default_value = "0")]
        rebate: String,
        /// Other fees per unit (freight, installation, materials), in yuan.
        #[arg(long, default_value = "0")]
        fees: String,
        #[arg(long)]
        json: bool,
    },
    /// Create a draft quote for a customer (id, customer code or credit code).
    New {
        #[arg(long)]
        customer: String,
        /// 经销商主导: no formula, every line needs --price.
        #[arg(long)]
        dealer_led: bool,
        /// YYYY-MM-DD (default: today + the policy's validity days).
        #[arg(long)]
        valid_until: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a line: a catalog product (--product CODE) or free text (--name, --unit, --cost).
    AddLine {
        /// Quote id or number (Q26-ABCD-0001, or …-R2 for a revision).
        quote: String,
        #[arg(long)]
        product: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        spec: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        qty: String,
        /// Cost per unit in yuan (default: the product's).
        #[arg(long)]
        cost: Option<String>,
        /// Other fees per unit in yuan.
        #[arg(long)]
        fees: Option<String>,
        /// Rebate rate offered: 8% or 8 (both 8 %; needs approval).
        #[arg(long)]
        rebate: Option<String>,
        /// Manual unit price in yuan instead of the formula (required on dealer-led quotes).
        #[arg(long)]
        price: Option<String>,
        /// Discount: 3% or 3 (both 3 %; needs approval).
        #[arg(long)]
        discount: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Remove a line by its number on the quote.
    RemoveLine {
        quote: String,
        #[arg(long)]
        line: u32,
        #[arg(long)]
        json: bool,
    },
    /// Submit for approval (approved at once when no approval is needed).
    Submit {
        quote: String,
        #[arg(long)]
        json: bool,
    },
    /// Approve as the person signed in (their role must allow the outstanding approvals;
    /// nobody approves their own quote).
    Approve {
        quote: String,
        #[arg(long, default_value = "")]
        comment: String,
        #[arg(long)]
        json: bool,
    },
    /// Reject as the person signed in, with a reason: the quote goes back to draft.
    Reject {
        quote: String,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark an approved quote as sent to the customer (it becomes immutable).
    Send {
        quote: String,
        #[arg(long)]
        json: bool,
    },
    /// Record the outcome of a sent quote: won | lost | expired.
    Close {
        quote: String,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        json: bool,
    },
    /// Make a revision of a sent quote (a new draft linked to it).
    Revise {
        quote: String,
        #[arg(long)]
        json: bool,
    },
    /// Show a quote with each line's breakdown (--internal adds cost, rebate and profit totals).
    Show {
        quote: String,
        #[arg(long)]
        internal: bool,
        #[arg(long)]
        json: bool,
    },
    /// Export as an Excel workbook (customer-facing, or --internal with cost/profit/rebate).
    Export {
        quote: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        internal: bool,
        #[arg(long)]
        json: bool,
    },
    /// List quotes.
    List {
        #[arg(long)]
        customer: Option<String>,
        /// draft | pending_approval | approved | sent | won | lost | expired (or 中文)
        #[arg(long)]
        status: Option<String>,
        /// Only the newest revision of each quote.
        #[arg(long)]
        latest: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Show the pricing policy in effect and its earlier versions.
    Policy {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ProductCmd {
    /// Add a product to the catalog.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        spec: Option<String>,
        /// ㎡, 套, 吨…
        #[arg(long)]
        unit: String,
        /// Cost price per unit, in yuan.
        #[arg(long)]
        cost: String,
        /// YYYY-MM-DD the cost applies from (default today).
        #[arg(long)]
        effective_from: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the catalog.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change a product (id or code): only the fields given.
    Update {
        key: String,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        spec: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        cost: Option<String>,
        #[arg(long)]
        effective_from: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn print_breakdown(b: &PriceBreakdown) {
    let cost = b.cost_fen.yuan_text();
    println!("估算销售额 estimated sales: {} × {} = {}", b.quantity, cost, b.estimated_sales_yuan.yuan_text());
    println!("利润率 profit rate:   {}   档位 tier {}", b.profit_rate.percent_text(), b.profit_tier.label);
    println!(
        "返点率 rebate rate:   {}   参考 reference {} ({})",
        b.rebate_rate.percent_text(),
        b.rebate_reference_tier.rate.percent_text(),
        b.rebate_reference_tier.label
    );
    println!("  成本 cost          {:>14}", cost);
    println!(
        "+ 利润 profit        {:>14}   ({cost} × {})",
        b.profit_per_unit_yuan.yuan_text(),
        b.profit_rate.percent_text()
    );
    println!(
        "+ 返点 rebate        {:>14}   ({cost} × {})",
        b.rebate_per_unit_yuan.yuan_text(),
        b.rebate_rate.percent_text()
    );
    println!("+ 其他费用 fees      {:>14}", b.fees_fen.yuan_text());
    println!("= 精确值 exact       {:>14}", b.exact_unit_price_yuan.yuan_text());
    println!(
        "单价 unit price      {:>14}   (政策第 {} 版 policy v{})",
        b.unit_price_fen.yuan_text(),
        b.policy_version,
        b.policy_version
    );
    println!("金额 line total      {:>14}", b.line_total_fen.yuan_text());
    println!("{}", b.rounding_zh);
}

fn print_line(l: &QuoteLine, internal: bool) {
    println!(
        "{:>3}  {}  {}  {}  {:>12}  {:>12}  {:>16}{}{}",
        l.position,
        pad(&l.description, 24),
        pad(&l.spec, 16),
        pad(&l.unit, 4),
        l.quantity.to_string(),
        l.unit_price_fen.yuan_text(),
        l.line_total_fen.yuan_text(),
        if l.below_policy { "  低于政策价 below policy" } else { "" },
        if l.formula_applied { "" } else { "  手工定价 manual" },
    );
    let offered = format!(
        "政策单价 {}{}{}",
        l.policy_unit_price_fen.yuan_text(),
        l.manual_unit_price_fen.map(|m| format!("；手工单价 {}", m.yuan_text())).unwrap_or_default(),
        if l.discount_rate.is_zero() { String::new() } else { format!("；折扣 {}", l.discount_rate.percent_text()) },
    );
    // The cost and the breakdown come only to those the core allows the internal view.
    let Some(inner) = &l.internal else {
        println!("       返点 {}  费用 {}/单位 → {offered}", l.rebate_rate.percent_text(), l.fees_fen.yuan_text());
        return;
    };
    let b = &inner.breakdown;
    println!(
        "       成本 {} + 利润 {} ({}) + 返点 {} ({}) + 费用 {} = {} → {offered}",
        b.cost_fen.yuan_text(),
        b.profit_per_unit_yuan.yuan_text(),
        b.profit_rate.percent_text(),
        b.rebate_per_unit_yuan.yuan_text(),
        b.rebate_rate.percent_text(),
        b.fees_fen.yuan_text(),
        b.exact_unit_price_yuan.yuan_text(),
    );
    if internal {
        let e = &inner.economics;
        println!(
            "       成本合计 {}  费用合计 {}  返点合计 {}  利润合计 {}  实际利润率 {}",
            e.cost_total_fen.yuan_text(),
            e.fees_total_fen.yuan_text(),
            e.rebate_total_fen.yuan_text(),
            e.profit_total_fen.yuan_text(),
            e.profit_rate_actual.map(Rate::percent_text).unwrap_or_else(|| "—".into())
        );
    }
}

fn print_quote(q: &Quote, internal: bool) {
    println!(
        "{}  [{} {}]  {}{}",
        q.display_number,
        q.status.label_zh(),
        q.status.as_str(),
        q.customer_name,
        q.customer_code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
    );
    println!(
        "  报价日期 {}  有效期至 {}  报价政策第 {} 版{}  id {}",
        q.quote_date,
        q.valid_until,
        q.policy_version,
        if q.dealer_led { "  经销商主导 dealer-led" } else { "" },
        q.id
    );
    if let Some(prev) = &q.revision_of {
        println!("  修订自 revision of: {prev}");
    }
    if let Some(next) = &q.superseded_by {
        println!("  已有新修订版 superseded by: {next}");
    }
    for l in &q.lines {
        print_line(l, internal);
    }
    println!("  合计 total: {}   大写: 人民币{}", q.totals.total_fen, q.totals.total_uppercase);
    if let (true, Some(t)) = (internal, &q.totals.internal) {
        println!("  成本 {}  费用 {}  返点 {}  利润 {}", t.cost_fen, t.fees_fen, t.rebate_fen, t.profit_fen);
    }
    if !q.notes.is_empty() {
        println!("  备注 notes: {}", q.notes);
    }
    if !q.outstanding_approvals.is_empty() {
        println!("  待审批 waiting for approval:");
        for r in &q.outstanding_approvals {
            println!("    - {}", r.reason_zh);
        }
    }
    if !q.approvals.is_empty() {
        println!("  审批记录 approvals:");
        for a in &q.approvals {
            println!(
                "    {}  {}  {}  {}（{}）  {}",
                a.decided_at,
                a.kind.label_zh(),
                a.decision.label_zh(),
                a.approver_name.as_deref().unwrap_or(&a.approver_id),
                a.approver_role.label_zh(),
                a.comment
            );
        }
    }
}

fn show(q: &Quote, json: bool) -> Result<()> {
    if json {
        print_json(q)
    } else {
        print_quote(q, false);
        Ok(())
    }
}

/// `kam quote …`: hands each subcommand to the function for its group.
pub fn run(kam: &mut Kam, cmd: QuoteCmd) -> Result<()> {
    match cmd {
        QuoteCmd::Price { .. } | QuoteCmd::Policy { .. } => pricing(kam, cmd),
        QuoteCmd::New { .. } | QuoteCmd::AddLine { .. } | QuoteCmd::RemoveLine { .. } => editing(kam, cmd),
        QuoteCmd::Submit { .. }
        | QuoteCmd::Approve { .. }
        | QuoteCmd::Reject { .. }
        | QuoteCmd::Send { .. }
        | QuoteCmd::Close { .. }
        | QuoteCmd::Revise { .. } => workflow(kam, cmd),
        QuoteCmd::Show { .. } | QuoteCmd::Export { .. } | QuoteCmd::List { .. } => viewing(kam, cmd),
    }
}

/// The pricing subcommands: one line priced by the policy in effect, and the policy itself.
fn pricing(kam: &mut Kam, cmd: QuoteCmd) -> Result<()> {
    match cmd {
        QuoteCmd::Price { cost, qty, rebate, fees, json } => {
            let b = kam.preview_price(&PriceInput {
                cost_fen: input::money("cost", &cost)?,
                quantity: input::quantity("quantity", &qty)?,
                rebate_rate: Some(input::rate("rebate", &rebate)?),
                fees_fen: Some(input::money("fees", &fees)?),
            })?;
            if json {
                print_json(&b)?;
            } else {
                print_breakdown(&b);
            }
        }
        QuoteCmd::Policy { json } => {
            let current = kam.pricing_policy()?;
            let all = kam.pricing_policies()?;
            if json {
                #[derive(serde::Serialize)]
                struct Out<'a> {
                    current: &'a PricingPolicy,
                    versions: &'a [PricingPolicy],
                }
                return print_json(&Out { current: &current, versions: &all });
            }
            print_policy(&current);
            for p in all.iter().filter(|p| p.id != current.id) {
                println!("  其他版本 other version: 第 {} 版，{} 起生效", p.version, p.effective_from);
            }
        }
        _ => unreachable!("run sends only the pricing subcommands here"),
    }
    Ok(())
}

/// The editing subcommands: a new draft and its lines.
fn editing(kam: &mut Kam, cmd: QuoteCmd) -> Result<()> {
    match cmd {
        QuoteCmd::New { customer, dealer_led, valid_until, notes, json } => {
            let c = kam.resolve_customer(&customer)?;
            let q =
                kam.create_quote(&QuoteInput { customer_id: c.id, dealer_led: Some(dealer_led), valid_until, notes })?;
            if json {
                print_json(&q)?;
            } else {
                println!("已创建报价单 created quote {} for {} ({})", q.display_number, q.customer_name, q.id);
            }
        }
        QuoteCmd::AddLine {
            quote,
            product,
            name,
            spec,
            unit,
            qty,
            cost,
            fees,
            rebate,
            price,
            discount,
            notes,
            json,
        } => {
            let q = kam.resolve_quote(&quote)?;
            let product_id = match product {
                Some(p) => Some(kam.resolve_product(&p)?.id),
                None => None,
            };
            let q = kam.add_quote_line(
                &q.id,
                &QuoteLineDraft {
                    product_id,
                    description: name,
                    spec,
                    unit,
                    quantity: qty,
                    cost: cost.unwrap_or_default(),
                    fees: fees.unwrap_or_default(),
                    rebate: rebate.unwrap_or_default(),
                    manual_unit_price: price.unwrap_or_default(),
                    discount: discount.unwrap_or_default(),
                    notes,
                }
                .parse()?,
            )?;
            if json {
                print_json(&q)?;
            } else {
                let l = q.lines.last().expect("just added");
                print_line(l, false);
                println!("合计 total: {}", q.totals.total_fen);
            }
        }
        QuoteCmd::RemoveLine { quote, line, json } => {
            let q = kam.resolve_quote(&quote)?;
            let Some(l) = q.lines.iter().find(|l| l.position == line) else {
                bail!("quote {} has no line {line}: see `kam quote show {}`", q.display_number, q.display_number)
            };
            let q = kam.remove_quote_line(&l.id)?;
            show(&q, json)?;
        }
        _ => unreachable!("run sends only the editing subcommands here"),
    }
    Ok(())
}

/// The workflow subcommands: approval, sending, the outcome and revisions.
fn workflow(kam: &mut Kam, cmd: QuoteCmd) -> Result<()> {
    match cmd {
        QuoteCmd::Submit { quote, json } => {
            let q = kam.resolve_quote(&quote)?;
            let q = kam.submit_quote(&q.id)?;
            if json {
                return print_json(&q);
            }
            println!("{} → {}", q.display_number, q.status.label_zh());
            for r in &q.outstanding_approvals {
                println!("  需要审批 needs: {}", r.reason_zh);
            }
        }
        QuoteCmd::Approve { quote, comment, json } => {
            let q = kam.resolve_quote(&quote)?;
            let q = kam.approve_quote(&q.id, &comment)?;
            if json {
                return print_json(&q);
            }
            println!("{} → {}", q.display_number, q.status.label_zh());
            for r in &q.outstanding_approvals {
                println!("  仍需审批 still needs: {}", r.reason_zh);
            }
        }
        QuoteCmd::Reject { quote, comment, json } => {
            let q = kam.resolve_quote(&quote)?;
            let q = kam.reject_quote(&q.id, &comment)?;
            if json {
                return print_json(&q);
            }
            println!("{} → {}（已驳回 rejected）", q.display_number, q.status.label_zh());
        }
        QuoteCmd::Send { quote, json } => {
            let q = kam.resolve_quote(&quote)?;
            let q = kam.send_quote(&q.id)?;
            if json {
                return print_json(&q);
            }
            println!("{} → {}", q.display_number, q.status.label_zh());
        }
        QuoteCmd::Close { quote, outcome, json } => {
            let outcome = match outcome.trim() {
                "won" | "已成交" | "成交" => QuoteOutcome::Won,
                "lost" | "未成交" => QuoteOutcome::Lost,
                "expired" | "已过期" | "过期" => QuoteOutcome::Expired,
                other => bail!("unknown outcome '{other}': use won, lost or expired"),
            };
            let q = kam.resolve_quote(&quote)?;
            let q = kam.close_quote(&q.id, outcome)?;
            if json {
                return print_json(&q);
            }
            println!("{} → {}", q.display_number, q.status.label_zh());
        }
        QuoteCmd::Revise { quote, json } => {
            let q = kam.resolve_quote(&quote)?;
            let r = kam.revise_quote(&q.id)?;
            if json {
                return print_json(&r);
            }
            println!("已创建修订版 created revision {} (draft) of {} ({})", r.display_number, q.display_number, r.id);
        }
        _ => unreachable!("run sends only the workflow subcommands here"),
    }
    Ok(())
}

/// The subcommands that show, export and list quotes.
fn viewing(kam: &mut Kam, cmd: QuoteCmd) -> Result<()> {
    match cmd {
        QuoteCmd::Show { quote, internal, json } => {
            if internal {
                kam.require_internal_view("查看报价单的成本和利润", "see a quote's costs and margins")?;
            }
            let q = kam.resolve_quote(&quote)?;
            if json {
                return print_json(&q);
            }
            print_quote(&q, internal);
        }
        QuoteCmd::Export { quote, out, internal, json } => {
            let q = kam.resolve_quote(&quote)?;
            let e = kam.export_quote(&q.id, &out, internal)?;
            if json {
                return print_json(&e);
            }
            println!(
                "已导出 exported {} ({}, {} bytes) → {}",
                q.display_number,
                if internal { "内部版 internal" } else { "客户版 customer" },
                e.bytes,
                e.path
            );
            if matches!(q.status, QuoteStatus::Draft | QuoteStatus::PendingApproval) {
                eprintln!(
                    "注意 warning: 报价单尚未审批，文件已标注“未审批”，不得发给客户 (not approved yet: marked as such)"
                );
            }
        }
        QuoteCmd::List { customer, status, latest, limit, json } => {
            let customer_id = match customer {
                Some(c) => Some(kam.resolve_customer(&c)?.id),
                None => None,
            };
            let status = match status {
                Some(s) => Some(QuoteStatus::parse(&s).with_context(|| {
                    format!(
                        "'{s}' is not one of: {}",
                        QuoteStatus::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                    )
                })?),
                None => None,
            };
            let rows = kam.list_quotes(&QuoteQuery {
                customer_id,
                status,
                latest_only: Some(latest),
                limit: Some(limit),
                offset: None,
            })?;
            if json {
                return print_json(&rows);
            }
            for r in rows {
                println!(
                    "{}  {}  {}  {}  {:>16}  {}  {}",
                    pad(&r.display_number, 18),
                    pad(r.status.label_zh(), 8),
                    r.quote_date,
                    pad(&r.customer_name, 36),
                    r.total_fen,
                    r.line_count,
                    r.id
                );
            }
        }
        _ => unreachable!("run sends only the viewing subcommands here"),
    }
    Ok(())
}

fn print_policy(p: &PricingPolicy) {
    println!(
        "报价政策第 {} 版 pricing policy v{}，{} 起生效 effective from  {}",
        p.version, p.version, p.effective_from, p.notes
    );
    let tiers = |t: &[kam_core::RateTier]| {
        t.iter()
            .enumerate()
            .map(|(i, x)| match t.get(i + 1) {
                Some(n) => {
                    format!("[{}, {}) → {}", x.from_fen.yuan_text(), n.from_fen.yuan_text(), x.rate.percent_text())
                }
                None => format!("≥ {} → {}", x.from_fen.yuan_text(), x.rate.percent_text()),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    println!("  利润率 profit:   {}", tiers(&p.profit_tiers));
    println!("  返点参考 rebate: {}", tiers(&p.rebate_tiers));
    println!("  折扣标准 discount standard: {}（以内部门审批，超出总经理审批）", p.discount_standard.percent_text());
    let roles = |r: &[kam_core::Role]| r.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ");
    println!(
        "  审批角色 roles: 部门级 department = {}; 总经理 general manager = {}",
        roles(&p.department_roles),
        roles(&p.general_manager_roles)
    );
    println!("  默认有效期 validity: {} 天 days", p.validity_days);
}

pub fn product(kam: &mut Kam, cmd: ProductCmd) -> Result<()> {
    match cmd {
        ProductCmd::Add { code, name, spec, unit, cost, effective_from, notes, json } => {
            let p = kam.add_product(&ProductInput {
                code,
                name,
                spec,
                unit,
                cost_fen: input::money("cost", &cost)?,
                effective_from,
                notes,
            })?;
            if json {
                print_json(&p)?;
            } else {
                println!("已添加产品 added product {} {} ({})", p.code, p.name, p.id);
            }
        }
        ProductCmd::List { json } => {
            let ps = kam.products()?;
            if json {
                return print_json(&ps);
            }
            for p in ps {
                println!(
                    "{}  {}  {}  {}  {:>14}  {}",
                    pad(&p.code, 14),
                    pad(&p.name, 24),
                    pad(&p.spec, 18),
                    pad(&p.unit, 4),
                    p.cost_fen.map_or_else(|| "—".to_string(), |c| c.yuan_text()),
                    p.effective_from
                );
            }
        }
        ProductCmd::Update { key, code, name, spec, unit, cost, effective_from, json } => {
            let p = kam.resolve_product(&key)?;
            let input = ProductInput {
                code: code.unwrap_or(p.code),
                name: name.unwrap_or(p.name),
                spec: Some(spec.unwrap_or(p.spec)),
                unit: unit.unwrap_or(p.unit),
                cost_fen: match (cost, p.cost_fen) {
                    (Some(c), _) => input::money("cost", &c)?,
                    (None, Some(c)) => c,
                    (None, None) => {
                        // The cost was not shown: only those with the internal view keep it.
                        kam.require_internal_view("查看产品成本价", "see catalog costs")?;
                        bail!("the catalog cost was not shown; give --cost")
                    }
                },
                effective_from: Some(effective_from.unwrap_or(p.effective_from)),
                notes: Some(p.notes),
            };
            let p = kam.update_product(&p.id, &input)?;
            if json {
                print_json(&p)?;
            } else {
                let cost = p.cost_fen.map(|c| format!(" 成本 {}", c.yuan_text())).unwrap_or_default();
                println!("已保存 saved: {} {}{cost}", p.code, p.name);
            }
        }
    }
    Ok(())
}
