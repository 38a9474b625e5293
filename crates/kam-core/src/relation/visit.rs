//! Visit plans and visit logs, follow-ups, and the per-customer visit summary the cadence
//! engine reads (`cadence_facts`).

use chrono::NaiveDate;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use super::model::*;
use super::{check_contacts, check_user, contact_refs, local_today, sane_date, target_customer, ymd, Target};
use crate::error::{KamError, Result};
use crate::scope::Access;
use crate::units::Fen;
use crate::util::{clean, new_id};
use crate::validate as v;
use crate::Kam;

/// Visit kinds that count as face-to-face.
pub(crate) const F2F_SQL: &str = "kind IN ('face_to_face','customer_visit','executive_visit')";

/// How many recent dates per class `cadence_facts` keeps (more than any rule's `per_year`).
pub(crate) const FACTS_CAP: usize = 60;

fn facts_sql(filter: &str) -> String {
    let list = |cond: &str| {
        format!(
            "coalesce((SELECT group_concat(visited_on, ',' ORDER BY visited_on DESC) FROM (SELECT visited_on FROM visits v
                WHERE v.customer_id = c.id AND v.deleted_at IS NULL{cond} ORDER BY visited_on DESC LIMIT {FACTS_CAP})), '')"
        )
    };
    format!(
        "INSERT INTO cadence_facts (seq, any_dates, f2f_dates, top_dates, liaison_dates)
         SELECT c.seq, {}, {}, {}, {} FROM customers c WHERE {filter}
         ON CONFLICT (seq) DO UPDATE SET any_dates = excluded.any_dates, f2f_dates = excluded.f2f_dates,
            top_dates = excluded.top_dates, liaison_dates = excluded.liaison_dates",
        list(""),
        list(&format!(" AND v.{F2F_SQL}")),
        list(" AND v.executive = 'top_leader'"),
        list(" AND v.executive = 'liaison'"),
    )
}

/// Recompute one customer's visit summary after its visits changed (inside the write).
pub(crate) fn refresh_facts(conn: &Connection, customer_id: &str) -> Result<()> {
    conn.prepare_cached(&facts_sql("c.id = ?1"))?.execute([customer_id])?;
    Ok(())
}

/// Recompute every customer's visit summary (after a bulk load or an import of visits).
pub(crate) fn rebuild_facts(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE cadence_facts SET any_dates = '', f2f_dates = '', top_dates = '', liaison_dates = ''", [])?;
    conn.execute(
        &facts_sql("EXISTS (SELECT 1 FROM visits x WHERE x.customer_id = c.id AND x.deleted_at IS NULL)"),
        [],
    )?;
    Ok(())
}

/// A visit input checked and normalised, ready to store.
struct CleanVisit {
    visited_on: String,
    kind: VisitKind,
    executive: Option<Executive>,
    executive_id: Option<String>,
    contact_ids: String,
    purpose: String,
    outcome: String,
    problems: String,
    next_step: String,
    follow_up_on: Option<String>,
    travel_fen: Fen,
    hospitality_fen: Fen,
    plan_id: Option<String>,
}

fn expense(field: &str, zh: &str, en: &str, fen: Option<Fen>) -> Result<Fen> {
    let fen = fen.unwrap_or(Fen::ZERO);
    if fen < Fen::ZERO {
        return Err(KamError::invalid(
            field,
            format!("{zh}不能为负数。没有{zh}请填 0，有退款请在备注中说明。"),
            format!("{en} cannot be negative. Enter 0 if there were none; explain refunds in the notes."),
        ));
    }
    v::money(field, Some(fen)).map(|f| f.unwrap_or(Fen::ZERO))
}

fn check_executive(kind: VisitKind, executive: Option<Executive>) -> Result<Option<Executive>> {
    match (kind, executive) {
        (VisitKind::ExecutiveVisit, None) => Err(KamError::invalid(
            "executive",
            "高层拜访请选择由谁拜访：公司主要领导或联点领导。",
            "For an executive visit, choose who went: the top leader or the liaison executive.",
        )),
        (VisitKind::ExecutiveVisit, e) => Ok(e),
        (_, Some(_)) => Err(KamError::invalid(
            "executive",
            "只有高层拜访才需要选择领导。请把拜访方式改为「高层拜访」，或清空领导。",
            "Only an executive visit names an executive. Change the kind to executive visit, or clear the executive.",
        )),
        (_, None) => Ok(None),
    }
}

fn check_visit(conn: &Connection, c: &Target, i: &VisitInput, today: NaiveDate) -> Result<CleanVisit> {
    let visited = match clean(&i.visited_on) {
        Some(s) => sane_date("visited_on", &s)?,
        None => today,
    };
    if visited > today {
        return Err(KamError::invalid(
            "visited_on",
            format!("拜访日期（{visited}）不能晚于今天（{today}）。尚未发生的拜访请建拜访计划。"),
            format!("The visit date {visited} cannot be after today ({today}). Plan future visits as a visit plan."),
        ));
    }
    let executive = check_executive(i.kind, i.executive)?;
    let mut executive_id = clean(&i.executive_id);
    if let Some(id) = &executive_id {
        check_user(conn, "executive_id", id)?;
    } else if executive == Some(Executive::Liaison) {
        executive_id = c.liaison_id.clone();
    }
    let contacts = check_contacts(conn, c, "contact_ids", &i.contact_ids)?;
    let follow_up_on = match clean(&i.follow_up_on) {
        Some(s) => {
            let f = sane_date("follow_up_on", &s)?;
            if f < visited {
                return Err(KamError::invalid(
                    "follow_up_on",
                    format!("跟进日期（{f}）不能早于拜访日期（{visited}）。请改为拜访当天或之后的日期。"),
                    format!("The follow-up date {f} cannot be before the visit date {visited}. Choose the visit day or later."),
                ));
            }
            Some(ymd(f))
        }
        None => None,
    };
    let plan_id = clean(&i.plan_id);
    if let Some(pid) = &plan_id {
        let plan: Option<(String, PlanStatus)> = conn
            .query_row("SELECT customer_id, status FROM visit_plans WHERE id = ?1 AND deleted_at IS NULL", [pid], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        match plan {
            None => return Err(KamError::invalid(
                "plan_id",
                "找不到该拜访计划，它可能已被删除。请刷新后重试，或不关联计划直接登记。",
                "That visit plan does not exist; it may have been deleted. Refresh, or log the visit without a plan.",
            )),
            Some((cust, _)) if cust != c.id => {
                return Err(KamError::invalid(
                    "plan_id",
                    format!("该拜访计划不属于客户「{}」。请选择本客户的计划。", c.name),
                    format!("That visit plan is for another customer; pick a plan of '{}'.", c.name),
                ))
            }
            Some((_, status)) if status != PlanStatus::Planned => {
                return Err(KamError::invalid(
                    "plan_id",
                    format!("该拜访计划{}，不能再登记。请直接登记拜访记录。", status.label_zh()),
                    format!("That visit plan is {}; log the visit without it.", status.label_en().to_lowercase()),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(CleanVisit {
        visited_on: ymd(visited),
        kind: i.kind,
        executive,
        executive_id,
        contact_ids: serde_json::to_string(&contacts).expect("strings serialize"),
        purpose: v::optional("purpose", "拜访目的", "Purpose", &i.purpose, 500)?,
        outcome: v::optional("outcome", "拜访结果", "Outcome", &i.outcome, 2000)?,
        problems: v::optional("problems", "客户提出的问题", "Problems raised", &i.problems, 2000)?,
        next_step: v::optional("next_step", "下一步", "Next step", &i.next_step, 500)?,
        follow_up_on,
        travel_fen: expense("travel_fen", "差旅费", "Travel expenses", i.travel_fen)?,
        hospitality_fen: expense("hospitality_fen", "招待费", "Hospitality expenses", i.hospitality_fen)?,
        plan_id,
    })
}

const VISIT_SELECT: &str = "SELECT v.id, v.customer_id, c.name, v.plan_id, v.visited_on, v.kind, v.executive,
    v.executive_id, e.name, v.contact_ids, v.purpose, v.outcome, v.problems, v.next_step, v.follow_up_on,
    v.follow_up_done_on, v.travel_fen, v.hospitality_fen, a.name, v.created_at, v.updated_at
    FROM visits v JOIN customers c ON c.id = v.customer_id
    LEFT JOIN users e ON e.id = v.executive_id LEFT JOIN users a ON a.id = v.created_by";

fn visit_from(conn: &Connection, r: &Row) -> Result<Visit> {
    let contacts_json: String = r.get(9)?;
    Ok(Visit {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_name: r.get(2)?,
        plan_id: r.get(3)?,
        visited_on: r.get(4)?,
        kind: r.get(5)?,
        executive: r.get(6)?,
        executive_id: r.get(7)?,
        executive_name: r.get(8)?,
        contacts: contact_refs(conn, &contacts_json)?,
        purpose: r.get(10)?,
        outcome: r.get(11)?,
        problems: r.get(12)?,
        next_step: r.get(13)?,
        follow_up_on: r.get(14)?,
        follow_up_done_on: r.get(15)?,
        travel_fen: r.get(16)?,
        hospitality_fen: r.get(17)?,
        author_name: r.get(18)?,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
    })
}

const PLAN_SELECT: &str = "SELECT p.id, p.customer_id, c.name, p.planned_on, p.kind, p.executive, p.purpose, p.agenda,
    p.contact_ids, p.status, p.visit_id, a.name, p.updated_at
    FROM visit_plans p JOIN customers c ON c.id = p.customer_id LEFT JOIN users a ON a.id = p.created_by";

fn plan_from(conn: &Connection, r: &Row, today: NaiveDate) -> Result<VisitPlan> {
    let contacts_json: String = r.get(8)?;
    let planned_on: String = r.get(3)?;
    let status: PlanStatus = r.get(9)?;
    let days_late = match (status, NaiveDate::parse_from_str(&planned_on, "%Y-%m-%d")) {
        (PlanStatus::Planned, Ok(d)) if d < today => (today - d).num_days() as i32,
        _ => 0,
    };
    Ok(VisitPlan {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_name: r.get(2)?,
        planned_on,
        kind: r.get(4)?,
        executive: r.get(5)?,
        purpose: r.get(6)?,
        agenda: r.get(7)?,
        contacts: contact_refs(conn, &contacts_json)?,
        status,
        visit_id: r.get(10)?,
        days_late,
        author_name: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// Filters shared by the visit and plan lists: (SQL conditions, parameters).
fn list_filters(q: &VisitQuery, date_col: &str) -> Result<(Vec<String>, Vec<String>)> {
    let mut conds = Vec::new();
    let mut args = Vec::new();
    if let Some(c) = clean(&q.customer_id) {
        args.push(c);
        conds.push(format!("c.id = ?{}", args.len()));
    }
    if let Some(o) = clean(&q.owner_id) {
        args.push(o);
        conds.push(format!("c.owner_id = ?{}", args.len()));
    }
    if let Some(f) = clean(&q.from) {
        args.push(ymd(sane_date("from", &f)?));
        conds.push(format!("{date_col} >= ?{}", args.len()));
    }
    if let Some(t) = clean(&q.to) {
        args.push(ymd(sane_date("to", &t)?));
        conds.push(format!("{date_col} <= ?{}", args.len()));
    }
    Ok((conds, args))
}

impl Kam {
    /// Log a visit (拜访记录) for a customer. It closes the customer's earlier open follow-ups
    /// and, when `plan_id` is given, marks that plan done. The customer's cadence is updated at once.
    pub fn log_visit(&mut self, customer_id: &str, input: &VisitInput) -> Result<Visit> {
        let c = target_customer(&self.conn, customer_id)?;
        self.check_access(&c.id, Access::Visit)?;
        let v = check_visit(&self.conn, &c, input, local_today(self))?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO visits (id, customer_id, plan_id, visited_on, kind, executive, executive_id, contact_ids,
                    purpose, outcome, problems, next_step, follow_up_on, travel_fen, hospitality_fen,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?16, ?17)",
                params![
                    id,
                    c.id,
                    v.plan_id,
                    v.visited_on,
                    v.kind,
                    v.executive,
                    v.executive_id,
                    v.contact_ids,
                    v.purpose,
                    v.outcome,
                    v.problems,
                    v.next_step,
                    v.follow_up_on,
                    v.travel_fen,
                    v.hospitality_fen,
                    ctx.now,
                    ctx.user
                ],
            )?;
            if let Some(pid) = &v.plan_id {
                tx.execute(
                    "UPDATE visit_plans SET status = 'done', visit_id = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
                    params![pid, id, ctx.now, ctx.user],
                )?;
            }
            tx.execute(
                "UPDATE visits SET follow_up_done_on = ?2, updated_at = ?3, updated_by = ?4
                 WHERE customer_id = ?1 AND follow_up_on IS NOT NULL AND follow_up_done_on IS NULL
                   AND deleted_at IS NULL AND visited_on < ?2",
                params![c.id, v.visited_on, ctx.now, ctx.user],
            )?;
            refresh_facts(tx, &c.id)
        })?;
        self.visit(&id)
    }

    /// Edit a visit log (its plan link stays as it is).
    pub fn update_visit(&mut self, visit_id: &str, input: &VisitInput) -> Result<Visit> {
        let current = self.visit(visit_id)?;
        self.check_visit_edit("visits", visit_id, &current.customer_id)?;
        let c = target_customer(&self.conn, &current.customer_id)?;
        let input = VisitInput { plan_id: None, ..input.clone() };
        let v = check_visit(&self.conn, &c, &input, local_today(self))?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE visits SET visited_on=?2, kind=?3, executive=?4, executive_id=?5, contact_ids=?6, purpose=?7,
                    outcome=?8, problems=?9, next_step=?10, follow_up_on=?11, travel_fen=?12, hospitality_fen=?13,
                    updated_at=?14, updated_by=?15
                 WHERE id = ?1",
                params![
                    visit_id,
                    v.visited_on,
                    v.kind,
                    v.executive,
                    v.executive_id,
                    v.contact_ids,
                    v.purpose,
                    v.outcome,
                    v.problems,
                    v.next_step,
                    v.follow_up_on,
                    v.travel_fen,
                    v.hospitality_fen,
                    ctx.now,
                    ctx.user
                ],
            )?;
            refresh_facts(tx, &c.id)
        })?;
        self.visit(visit_id)
    }

    /// Delete a visit log (tombstone). A plan it carried out is planned again.
    pub fn delete_visit(&mut self, visit_id: &str) -> Result<()> {
        let current = self.visit(visit_id)?;
        self.check_visit_edit("visits", visit_id, &current.customer_id)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE visits SET deleted_at = ?2, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![visit_id, ctx.now, ctx.user],
            )?;
            if let Some(pid) = &current.plan_id {
                tx.execute(
                    "UPDATE visit_plans SET status = 'planned', visit_id = NULL, updated_at = ?2, updated_by = ?3
                     WHERE id = ?1 AND visit_id = ?4",
                    params![pid, ctx.now, ctx.user, visit_id],
                )?;
            }
            refresh_facts(tx, &current.customer_id)
        })
    }

    /// Mark a visit's follow-up as done today without logging another visit.
    pub fn complete_follow_up(&mut self, visit_id: &str) -> Result<Visit> {
        let current = self.visit(visit_id)?;
        self.check_visit_edit("visits", visit_id, &current.customer_id)?;
        if current.follow_up_on.is_none() {
            return Err(KamError::invalid(
                "follow_up_on",
                "这条拜访记录没有跟进日期，无需完成跟进。",
                "This visit has no follow-up date; there is nothing to complete.",
            ));
        }
        let today = ymd(local_today(self));
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE visits SET follow_up_done_on = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
                params![visit_id, today, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.visit(visit_id)
    }

    /// One live visit log.
    pub fn visit(&self, visit_id: &str) -> Result<Visit> {
        let mut stmt = self.conn.prepare_cached(&format!("{VISIT_SELECT} WHERE v.id = ?1 AND v.deleted_at IS NULL"))?;
        let mut rows = stmt.query([visit_id])?;
        let visit = match rows.next()? {
            Some(r) => visit_from(&self.conn, r)?,
            None => return Err(KamError::NotFound { entity: crate::error::Entity::Visit, id: visit_id.to_string() }),
        };
        self.check_access(&visit.customer_id, Access::Read)?;
        Ok(visit)
    }

    /// Editing a visit log or plan is writing to its customer; a liaison executive, who may
    /// log and plan visits, may also correct the ones they made (`table`: visits or visit_plans).
    fn check_visit_edit(&self, table: &str, id: &str, customer_id: &str) -> Result<()> {
        let own: bool = self
            .conn
            .prepare_cached(&format!("SELECT created_by = ?2 FROM {table} WHERE id = ?1"))?
            .query_row(params![id, self.user_id], |r| r.get(0))?;
        self.check_access(customer_id, if own { Access::Visit } else { Access::Write })
    }

    /// Rebuild the cadence engine's per-customer visit summary from the visit logs (after an
    /// import that wrote `visits` directly, or to repair a file). Normal writes keep it current.
    pub fn rebuild_cadence_facts(&mut self) -> Result<()> {
        self.write(|tx, _| rebuild_facts(tx))
    }

    /// How many live visit logs the database holds.
    pub fn visit_count(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM visits WHERE deleted_at IS NULL", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Visit logs, newest first (by date, then by when they were logged).
    pub fn visits(&self, q: &VisitQuery) -> Result<Vec<Visit>> {
        let (mut conds, args) = list_filters(q, "v.visited_on")?;
        conds.extend(self.scope()?.sql("c"));
        conds.push("v.deleted_at IS NULL".into());
        conds.push("c.deleted_at IS NULL".into());
        let sql = format!(
            "{VISIT_SELECT} WHERE {} ORDER BY v.visited_on DESC, v.created_at DESC LIMIT {} OFFSET {}",
            conds.join(" AND "),
            q.limit.unwrap_or(100).min(10_000),
            q.offset.unwrap_or(0)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(visit_from(&self.conn, r)?);
        }
        Ok(out)
    }

    /// Plan a visit (拜访计划) on a day from today on.
    pub fn plan_visit(&mut self, customer_id: &str, input: &VisitPlanInput) -> Result<VisitPlan> {
        let c = target_customer(&self.conn, customer_id)?;
        self.check_access(&c.id, Access::Visit)?;
        let today = local_today(self);
        let planned = sane_date("planned_on", &input.planned_on)?;
        if planned < today {
            return Err(KamError::invalid(
                "planned_on",
                format!("计划日期（{planned}）不能早于今天（{today}）。已经发生的拜访请直接登记拜访记录。"),
                format!("The planned date {planned} cannot be before today ({today}). Log visits that already happened as visit logs."),
            ));
        }
        let executive = check_executive(input.kind, input.executive)?;
        let purpose = v::required("purpose", "拜访目的", "Purpose", &input.purpose, 500)?;
        let agenda = v::optional("agenda", "议程", "Agenda", &input.agenda, 2000)?;
        let contacts = check_contacts(&self.conn, &c, "contact_ids", &input.contact_ids)?;
        let contacts = serde_json::to_string(&contacts).expect("strings serialize");
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO visit_plans (id, customer_id, planned_on, kind, executive, purpose, agenda, contact_ids,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![id, c.id, ymd(planned), input.kind, executive, purpose, agenda, contacts, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.visit_plan(&id)
    }

    /// Cancel a planned visit.
    pub fn cancel_visit_plan(&mut self, plan_id: &str) -> Result<VisitPlan> {
        let plan = self.visit_plan(plan_id)?;
        self.check_visit_edit("visit_plans", plan_id, &plan.customer_id)?;
        if plan.status != PlanStatus::Planned {
            return Err(KamError::invalid(
                "status",
                format!("该拜访计划{}，不能取消。", plan.status.label_zh()),
                format!("That visit plan is {} and cannot be cancelled.", plan.status.label_en().to_lowercase()),
            ));
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE visit_plans SET status = 'cancelled', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![plan_id, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.visit_plan(plan_id)
    }

    /// One live visit plan.
    pub fn visit_plan(&self, plan_id: &str) -> Result<VisitPlan> {
        let today = local_today(self);
        let mut stmt = self.conn.prepare_cached(&format!("{PLAN_SELECT} WHERE p.id = ?1 AND p.deleted_at IS NULL"))?;
        let mut rows = stmt.query([plan_id])?;
        let plan = match rows.next()? {
            Some(r) => plan_from(&self.conn, r, today)?,
            None => {
                return Err(KamError::NotFound { entity: crate::error::Entity::VisitPlan, id: plan_id.to_string() })
            }
        };
        self.check_access(&plan.customer_id, Access::Read)?;
        Ok(plan)
    }

    /// Visit plans by planned date (still planned ones unless `include_closed`).
    pub fn visit_plans(&self, q: &VisitQuery) -> Result<Vec<VisitPlan>> {
        let today = local_today(self);
        let (mut conds, args) = list_filters(q, "p.planned_on")?;
        conds.extend(self.scope()?.sql("c"));
        conds.push("p.deleted_at IS NULL".into());
        conds.push("c.deleted_at IS NULL".into());
        if !q.include_closed.unwrap_or(false) {
            conds.push("p.status = 'planned'".into());
        }
        let sql = format!(
            "{PLAN_SELECT} WHERE {} ORDER BY p.planned_on, p.created_at LIMIT {} OFFSET {}",
            conds.join(" AND "),
            q.limit.unwrap_or(100).min(10_000),
            q.offset.unwrap_or(0)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(plan_from(&self.conn, r, today)?);
        }
        Ok(out)
    }

    /// Open follow-ups due on or before `until` (late ones included), earliest first.
    pub fn follow_ups(&self, owner_id: Option<&str>, until: &str) -> Result<Vec<FollowUp>> {
        let until = ymd(sane_date("until", until)?);
        let today = local_today(self);
        let sql = format!(
            "SELECT v.id, c.id, c.name, o.name, v.visited_on, v.next_step, v.follow_up_on
             FROM visits v JOIN customers c ON c.id = v.customer_id LEFT JOIN users o ON o.id = c.owner_id
             WHERE v.follow_up_on IS NOT NULL AND v.follow_up_done_on IS NULL AND v.deleted_at IS NULL
               AND v.follow_up_on <= ?1 AND c.deleted_at IS NULL {}{}
             ORDER BY v.follow_up_on, c.name LIMIT 1000",
            if owner_id.is_some() { "AND c.owner_id = ?2" } else { "" },
            self.scope()?.and_sql("c")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let map = |r: &Row| {
            let on: String = r.get(6)?;
            let days = NaiveDate::parse_from_str(&on, "%Y-%m-%d").map(|d| (today - d).num_days() as i32).unwrap_or(0);
            Ok(FollowUp {
                visit_id: r.get(0)?,
                customer_id: r.get(1)?,
                customer_name: r.get(2)?,
                owner_name: r.get(3)?,
                visited_on: r.get(4)?,
                next_step: r.get(5)?,
                follow_up_on: on,
                days_overdue: days,
            })
        };
        let rows = match owner_id {
            Some(o) => stmt.query_map(params![until, o], map)?,
            None => stmt.query_map(params![until], map)?,
        };
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
