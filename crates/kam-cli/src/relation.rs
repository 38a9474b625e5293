//! `kam visit …`, `kam due`, `kam complaint …`, `kam survey …` and `kam bench due`:
//! relationship maintenance. A thin client of `kam_core::Kam`.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use kam_core::{
    input, ComplaintActionInput, ComplaintActionKind, ComplaintCategory, ComplaintInput, ComplaintQuery,
    ComplaintSeverity, ComplaintStatus, DueItem, DueQuery, Executive, Kam, SurveyInput, SurveyScore, VisitInput,
    VisitKind, VisitPlanInput, VisitQuery,
};

use crate::{pad, print_json, resolve_user, Labeled};

macro_rules! labeled {
    ($($t:ty),*) => {$(
        impl Labeled for $t {
            fn parse_label(s: &str) -> Option<Self> { <$t>::parse(s) }
            fn choices() -> String {
                <$t>::ALL.iter().map(|v| format!("{} ({})", v.as_str(), v.label_zh())).collect::<Vec<_>>().join(", ")
            }
        }
    )*};
}
labeled!(VisitKind, Executive, ComplaintSeverity, ComplaintCategory, ComplaintStatus, ComplaintActionKind);

fn parse<T: Labeled>(s: &str) -> Result<T, String> {
    T::parse_label(s).ok_or_else(|| format!("'{s}' is not one of: {}", T::choices()))
}

#[derive(Subcommand)]
pub enum VisitCmd {
    /// Plan a visit (拜访计划) for a customer (id, customer code or credit code).
    Plan {
        customer: String,
        /// YYYY-MM-DD, today or later.
        #[arg(long)]
        on: String,
        #[arg(long)]
        purpose: String,
        #[arg(long)]
        agenda: Option<String>,
        /// face_to_face | phone | email | customer_visit | executive_visit (or 中文)
        #[arg(long, value_parser = parse::<VisitKind>, default_value = "face_to_face")]
        kind: VisitKind,
        /// For executive visits: top_leader | liaison
        #[arg(long, value_parser = parse::<Executive>)]
        executive: Option<Executive>,
        /// A contact to meet (name or id); repeat for several.
        #[arg(long = "contact")]
        contacts: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Log a visit (拜访记录); the date defaults to today.
    Log {
        customer: String,
        /// YYYY-MM-DD (default: today in Asia/Shanghai).
        #[arg(long)]
        on: Option<String>,
        /// face_to_face | phone | email | customer_visit | executive_visit (or 中文)
        #[arg(long, value_parser = parse::<VisitKind>, default_value = "face_to_face")]
        kind: VisitKind,
        /// For executive visits: top_leader | liaison
        #[arg(long, value_parser = parse::<Executive>)]
        executive: Option<Executive>,
        /// The executive who went (user name or id; default for liaison: the customer's liaison).
        #[arg(long)]
        executive_user: Option<String>,
        /// A contact met (name or id); repeat for several.
        #[arg(long = "contact")]
        contacts: Vec<String>,
        #[arg(long)]
        purpose: Option<String>,
        #[arg(long)]
        outcome: Option<String>,
        /// Problems the customer raised.
        #[arg(long)]
        problems: Option<String>,
        #[arg(long)]
        next_step: Option<String>,
        /// Follow-up date, YYYY-MM-DD (not before the visit).
        #[arg(long)]
        follow_up: Option<String>,
        /// Travel expenses in yuan (e.g. 350 or 350.50).
        #[arg(long)]
        travel: Option<String>,
        /// Hospitality expenses in yuan.
        #[arg(long)]
        hospitality: Option<String>,
        /// The visit plan this carries out (id).
        #[arg(long)]
        plan: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List visit logs (or plans with --plans), newest first.
    List {
        /// Only this customer.
        customer: Option<String>,
        /// Only this rep's customers (name or id).
        #[arg(long)]
        rep: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// Visit plans instead of logs (still planned; add --all for done and cancelled).
        #[arg(long)]
        plans: bool,
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a visit plan.
    Cancel { plan: String },
    /// Mark a visit's follow-up done without another visit.
    Done { visit: String },
}

/// `kam due`: what is due and overdue by the cadence rules.
#[derive(Args)]
pub struct DueArgs {
    /// Only this rep's customers (name or id).
    #[arg(long)]
    rep: Option<String>,
    /// Only this customer.
    #[arg(long)]
    customer: Option<String>,
    /// Only overdue items.
    #[arg(long)]
    overdue: bool,
    /// The Today page instead: overdue, follow-ups, plans, reminders, complaints.
    #[arg(long)]
    today: bool,
    /// The cadence rules in force.
    #[arg(long)]
    rules: bool,
    /// Rows to print (JSON prints everything unless given).
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ComplaintCmd {
    /// Open a complaint (投诉); the deadline follows the customer's tier.
    Open {
        customer: String,
        /// low | medium | high | critical (or 轻微/一般/严重/重大)
        #[arg(long, value_parser = parse::<ComplaintSeverity>)]
        severity: ComplaintSeverity,
        /// product_quality | delivery | service | project | billing | other (or 中文)
        #[arg(long, value_parser = parse::<ComplaintCategory>)]
        category: ComplaintCategory,
        /// The contact who raised it (name or id).
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        description: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a handling record (default), feedback to the customer, or the resolution.
    Handle {
        complaint: String,
        #[arg(long)]
        note: String,
        /// handling | feedback | resolution
        #[arg(long, value_parser = parse::<ComplaintActionKind>, default_value = "handling")]
        kind: ComplaintActionKind,
        #[arg(long)]
        json: bool,
    },
    /// Close (needs a handling record and feedback to the customer).
    Close {
        complaint: String,
        /// Feedback to the customer, if not recorded yet.
        #[arg(long)]
        feedback: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one complaint with its handling records.
    Show {
        complaint: String,
        #[arg(long)]
        json: bool,
    },
    /// List complaints, newest first.
    List {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long)]
        rep: Option<String>,
        /// Everything not closed.
        #[arg(long)]
        open: bool,
        /// open | handling | resolved | closed
        #[arg(long, value_parser = parse::<ComplaintStatus>)]
        status: Option<ComplaintStatus>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Monthly summary (opened, closed, within deadline, by severity).
    Summary {
        /// YYYY-MM (company time zone).
        #[arg(long)]
        month: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SurveyCmd {
    /// Record a satisfaction survey: scores 1–5 per dimension (5 = very satisfied).
    Add {
        customer: String,
        /// dimension=score, e.g. product_quality=4; repeat per dimension.
        #[arg(long = "score", required = true)]
        scores: Vec<String>,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        on: Option<String>,
        /// The respondent (contact name or id).
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        comments: Option<String>,
        /// Follow-up actions agreed.
        #[arg(long)]
        actions: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A customer's surveys and satisfaction trend.
    List {
        customer: String,
        #[arg(long)]
        json: bool,
    },
    /// The survey dimensions.
    Dimensions {
        #[arg(long)]
        json: bool,
    },
}

/// A contact of the customer by id or name.
fn resolve_contact(kam: &Kam, customer_id: &str, key: &str) -> Result<String> {
    let d = kam.dossier(customer_id)?;
    let hits: Vec<_> = d.contacts.iter().filter(|k| k.id == key || k.name == key).collect();
    match hits.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => bail!("customer '{}' has no contact '{key}': see `kam customer show {customer_id}`", d.customer.name),
        _ => bail!("several contacts of '{}' are called '{key}': give the contact id", d.customer.name),
    }
}

fn money(field: &str, s: &Option<String>) -> Result<Option<kam_core::Fen>> {
    s.as_deref().map(|v| input::money(field, v).map_err(anyhow::Error::from)).transpose()
}

fn days_text(d: &DueItem) -> String {
    match d.days_overdue {
        n if n > 0 => format!("逾期 {n} 天"),
        0 => "今天到期".to_string(),
        n => format!("还有 {} 天", -n),
    }
}

fn print_due(items: &[DueItem], limit: usize) {
    println!(
        "{}  {}  {}  {}  {}  {}  营销专员 owner",
        pad("状态", 14),
        pad("客户 customer", 36),
        pad("等级", 9),
        pad("规则 rule", 14),
        pad("上次 last", 10),
        pad("应于 due", 10),
    );
    for d in items.iter().take(limit) {
        println!(
            "{}  {}  {}  {}  {}  {}  {}",
            pad(&days_text(d), 14),
            pad(&d.customer_name, 36),
            pad(d.tier.label_zh(), 9),
            pad(d.rule.label_zh(), 14),
            pad(d.last_on.as_deref().unwrap_or("从未"), 10),
            pad(&d.next_due_on, 10),
            d.owner_name.as_deref().unwrap_or("—")
        );
    }
    if items.len() > limit {
        println!("… 共 {} 项 items in all (--limit to show more, --json for everything)", items.len());
    }
}

pub fn visit(kam: &mut Kam, cmd: VisitCmd) -> Result<()> {
    match cmd {
        VisitCmd::Plan { customer, on, purpose, agenda, kind, executive, contacts, json } => {
            let c = kam.resolve_customer(&customer)?;
            let contact_ids = contacts.iter().map(|k| resolve_contact(kam, &c.id, k)).collect::<Result<Vec<_>>>()?;
            let p = kam
                .plan_visit(&c.id, &VisitPlanInput { planned_on: on, kind, executive, purpose, agenda, contact_ids })?;
            if json {
                return print_json(&p);
            }
            println!("已计划拜访 planned: {} {} {} ({})", p.planned_on, p.customer_name, p.purpose, p.id);
        }
        VisitCmd::Log {
            customer,
            on,
            kind,
            executive,
            executive_user,
            contacts,
            purpose,
            outcome,
            problems,
            next_step,
            follow_up,
            travel,
            hospitality,
            plan,
            json,
        } => {
            let c = kam.resolve_customer(&customer)?;
            let contact_ids = contacts.iter().map(|k| resolve_contact(kam, &c.id, k)).collect::<Result<Vec<_>>>()?;
            let input = VisitInput {
                visited_on: on,
                kind,
                executive,
                executive_id: resolve_user(kam, &executive_user)?,
                contact_ids,
                purpose,
                outcome,
                problems,
                next_step,
                follow_up_on: follow_up,
                travel_fen: money("travel_fen", &travel)?,
                hospitality_fen: money("hospitality_fen", &hospitality)?,
                plan_id: plan,
            };
            let v = kam.log_visit(&c.id, &input)?;
            if json {
                return print_json(&v);
            }
            println!("已登记拜访 logged: {} {} {} ({})", v.visited_on, v.customer_name, v.kind.label_zh(), v.id);
            let late: Vec<String> = kam
                .due(&DueQuery { customer_id: Some(c.id.clone()), overdue_only: Some(true), ..Default::default() })?
                .iter()
                .map(|d| format!("{}（{}）", d.rule.label_zh(), days_text(d)))
                .collect();
            if !late.is_empty() {
                println!("仍逾期 still overdue: {}", late.join("，"));
            }
        }
        VisitCmd::List { customer, rep, from, to, plans, all, limit, json } => {
            let customer_id = match customer {
                Some(k) => Some(kam.resolve_customer(&k)?.id),
                None => None,
            };
            let q = VisitQuery {
                customer_id,
                owner_id: resolve_user(kam, &rep)?,
                from,
                to,
                include_closed: Some(all),
                limit: Some(limit),
                offset: None,
            };
            if plans {
                let list = kam.visit_plans(&q)?;
                if json {
                    return print_json(&list);
                }
                for p in list {
                    let late =
                        if p.days_late > 0 { format!("（已过 {} 天）", p.days_late) } else { String::new() };
                    println!(
                        "{}  {}  {}  {}{}  {}",
                        p.planned_on,
                        pad(p.status.label_zh(), 6),
                        pad(&p.customer_name, 36),
                        p.purpose,
                        late,
                        p.id
                    );
                }
            } else {
                let list = kam.visits(&q)?;
                if json {
                    return print_json(&list);
                }
                for v in list {
                    let who: Vec<&str> = v.contacts.iter().map(|k| k.name.as_str()).collect();
                    println!(
                        "{}  {}  {}  {}  {}  {}",
                        v.visited_on,
                        pad(v.kind.label_zh(), 8),
                        pad(&v.customer_name, 36),
                        pad(&who.join("、"), 12),
                        v.purpose,
                        v.id
                    );
                }
            }
        }
        VisitCmd::Cancel { plan } => {
            let p = kam.cancel_visit_plan(&plan)?;
            println!("已取消 cancelled: {} {}", p.planned_on, p.customer_name);
        }
        VisitCmd::Done { visit } => {
            let v = kam.complete_follow_up(&visit)?;
            println!("已完成跟进 follow-up done: {} {}", v.customer_name, v.next_step);
        }
    }
    Ok(())
}

pub fn due(kam: &mut Kam, a: DueArgs) -> Result<()> {
    let owner_id = resolve_user(kam, &a.rep)?;
    if a.rules {
        let rules = kam.cadence_rules()?;
        if a.json {
            return print_json(&rules);
        }
        for r in rules.iter().filter(|r| r.per_year > 0) {
            println!("{}  {}  {}", pad(r.tier.label_zh(), 9), pad(r.kind.label_zh(), 14), r.interval_zh);
        }
        return Ok(());
    }
    if a.today {
        let page = kam.today_page(owner_id.as_deref())?;
        if a.json {
            return print_json(&page);
        }
        let limit = a.limit.unwrap_or(20) as usize;
        println!("今日 Today {}", page.today);
        println!("\n逾期 overdue: {}", page.overdue_total);
        print_due(&page.overdue, limit);
        println!("\n7 天内到期 due within 7 days: {}", page.due_soon_total);
        print_due(&page.due_soon, limit);
        println!("\n待跟进 follow-ups: {}", page.follow_ups.len());
        for f in page.follow_ups.iter().take(limit) {
            println!("  {}  {}  {}", f.follow_up_on, pad(&f.customer_name, 36), f.next_step);
        }
        println!("\n拜访计划 planned visits: {}", page.plans.len());
        for p in page.plans.iter().take(limit) {
            println!("  {}  {}  {}", p.planned_on, pad(&p.customer_name, 36), p.purpose);
        }
        println!("\n关怀提醒 reminders: {}", page.reminders.len());
        for r in page.reminders.iter().take(limit) {
            println!(
                "  {}  {}  {}  {}",
                r.on,
                pad(r.kind.label_zh(), 12),
                pad(&r.title, 30),
                r.customer_name.as_deref().unwrap_or("")
            );
        }
        println!("\n投诉临近或超过时限 complaints near or past their deadline: {}", page.complaints.len());
        for c in page.complaints.iter().take(limit) {
            let state = if c.overdue { "已超时" } else { "临近时限" };
            println!("  {}  {}  {}  {}  {}", c.deadline_local, pad(state, 8), pad(&c.customer_name, 36), c.title, c.id);
        }
        return Ok(());
    }
    let customer_id = match &a.customer {
        Some(k) => Some(kam.resolve_customer(k)?.id),
        None => None,
    };
    let items = kam.due(&DueQuery {
        owner_id,
        customer_id,
        overdue_only: Some(a.overdue),
        limit: if a.json { a.limit } else { None },
    })?;
    if a.json {
        return print_json(&items);
    }
    let overdue = items.iter().filter(|d| d.days_overdue > 0).count();
    println!("{} 项 items, {} 逾期 overdue", items.len(), overdue);
    print_due(&items, a.limit.unwrap_or(50) as usize);
    Ok(())
}

pub fn complaint(kam: &mut Kam, cmd: ComplaintCmd) -> Result<()> {
    match cmd {
        ComplaintCmd::Open { customer, severity, category, contact, title, description, json } => {
            let c = kam.resolve_customer(&customer)?;
            let contact_id = contact.map(|k| resolve_contact(kam, &c.id, &k)).transpose()?;
            let x =
                kam.open_complaint(&c.id, &ComplaintInput { contact_id, severity, category, title, description })?;
            if json {
                return print_json(&x);
            }
            println!(
                "已登记投诉 opened: {} — 响应时限 respond by {} ({} h) — {}",
                x.title, x.deadline_local, x.response_hours, x.id
            );
        }
        ComplaintCmd::Handle { complaint, note, kind, json } => {
            let d = kam.handle_complaint(&complaint, &ComplaintActionInput { kind, note })?;
            if json {
                return print_json(&d);
            }
            println!("已记录 recorded: {} → {}", d.complaint.title, d.complaint.status.label_zh());
        }
        ComplaintCmd::Close { complaint, feedback, json } => {
            let d = kam.close_complaint(&complaint, feedback.as_deref())?;
            if json {
                return print_json(&d);
            }
            println!("已关闭 closed: {}", d.complaint.title);
        }
        ComplaintCmd::Show { complaint, json } => {
            let d = kam.complaint(&complaint)?;
            if json {
                return print_json(&d);
            }
            let c = &d.complaint;
            println!("{}  [{} · {} · {}]", c.title, c.status.label_zh(), c.severity.label_zh(), c.category.label_zh());
            println!(
                "  客户 customer: {}  联系人 contact: {}",
                c.customer_name,
                c.contact_name.as_deref().unwrap_or("—")
            );
            println!(
                "  登记 opened: {}  时限 deadline: {}{}",
                c.opened_local,
                c.deadline_local,
                if c.overdue { "（已超时 overdue）" } else { "" }
            );
            println!("  内容: {}", c.description);
            for a in &d.actions {
                println!(
                    "    {}  {}  {}  {}",
                    a.acted_local,
                    pad(a.kind.label_zh(), 8),
                    a.note,
                    a.author_name.as_deref().unwrap_or("")
                );
            }
        }
        ComplaintCmd::List { customer, rep, open, status, limit, json } => {
            let customer_id = match customer {
                Some(k) => Some(kam.resolve_customer(&k)?.id),
                None => None,
            };
            let list = kam.complaints(&ComplaintQuery {
                customer_id,
                owner_id: resolve_user(kam, &rep)?,
                status,
                open_only: Some(open),
                limit: Some(limit),
            })?;
            if json {
                return print_json(&list);
            }
            for c in list {
                println!(
                    "{}  {}  {}  {}  {}  {}{}",
                    c.opened_local,
                    pad(c.status.label_zh(), 6),
                    pad(c.severity.label_zh(), 4),
                    pad(&c.customer_name, 36),
                    c.title,
                    c.id,
                    if c.overdue { "  ⚠ 已超时 overdue" } else { "" }
                );
            }
        }
        ComplaintCmd::Summary { month, json } => {
            let s = kam.complaint_summary(&month)?;
            if json {
                return print_json(&s);
            }
            println!("投诉月度汇总 complaints {}", s.month);
            println!(
                "  新增 opened {}  关闭 closed {}  按时响应 within deadline {}  超时 late {}  未关闭 still open {}",
                s.opened, s.closed, s.within_deadline, s.late, s.still_open
            );
            for b in &s.by_severity {
                println!(
                    "  {}  新增 {}  关闭 {}  按时响应 {}",
                    pad(b.severity.label_zh(), 6),
                    b.opened,
                    b.closed,
                    b.within_deadline
                );
            }
        }
    }
    Ok(())
}

pub fn survey(kam: &mut Kam, cmd: SurveyCmd) -> Result<()> {
    match cmd {
        SurveyCmd::Add { customer, scores, on, contact, comments, actions, json } => {
            let c = kam.resolve_customer(&customer)?;
            let contact_id = contact.map(|k| resolve_contact(kam, &c.id, &k)).transpose()?;
            let scores = scores
                .iter()
                .map(|s| {
                    let (d, n) = s
                        .split_once('=')
                        .with_context(|| format!("'{s}': write dimension=score, e.g. product_quality=4"))?;
                    let n: u8 =
                        n.trim().parse().with_context(|| format!("'{s}': the score must be a whole number 1–5"))?;
                    Ok(SurveyScore { dimension: d.trim().to_string(), score: n })
                })
                .collect::<Result<Vec<_>>>()?;
            let s = kam.add_survey(
                &c.id,
                &SurveyInput { surveyed_on: on, contact_id, scores, comments, follow_up_actions: actions },
            )?;
            if json {
                return print_json(&s);
            }
            println!("已记录满意度调查 recorded: {} {} 平均 average {:.2}", s.surveyed_on, s.customer_name, s.average);
        }
        SurveyCmd::List { customer, json } => {
            let c = kam.resolve_customer(&customer)?;
            let t = kam.survey_trend(&c.id)?;
            if json {
                return print_json(&t);
            }
            let header: Vec<String> = t.dimensions.iter().map(|d| pad(&d.label_zh, 10)).collect();
            println!("{}  {}  平均  意见 / 改进措施", pad("日期", 10), header.join(" "));
            for s in &t.surveys {
                let cells: Vec<String> = t
                    .dimensions
                    .iter()
                    .map(|d| {
                        let v = s.scores.iter().find(|x| x.dimension == d.code).map(|x| x.score.to_string());
                        pad(v.as_deref().unwrap_or("—"), 10)
                    })
                    .collect();
                println!(
                    "{}  {}  {:.2}  {} {}",
                    s.surveyed_on,
                    cells.join(" "),
                    s.average,
                    s.comments,
                    s.follow_up_actions
                );
            }
            if let Some(ch) = t.change {
                println!("较上次 change since the previous survey: {ch:+.2}");
            }
        }
        SurveyCmd::Dimensions { json } => {
            let dims = kam.survey_dimensions()?;
            if json {
                return print_json(&dims);
            }
            for d in dims {
                println!(
                    "{}  {}  {}{}",
                    pad(&d.code, 20),
                    pad(&d.label_zh, 10),
                    d.label_en,
                    if d.active { "" } else { "（停用）" }
                );
            }
        }
    }
    Ok(())
}
