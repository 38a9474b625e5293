//! Complaints (投诉): response deadlines by tier, append-only handling records, feedback to the
//! customer, open → handling → resolved → closed, and the monthly summary.

use crate::ratio::Ratio;
use chrono::{Duration, Utc};
use rusqlite::{params, params_from_iter, types::Value, OptionalExtension, Row};

use super::model::*;
use super::{check_contact, local_time, parse_ts, target_customer};
use crate::error::{KamError, Result};
use crate::model::Tier;
use crate::scope::Access;
use crate::util::{char_len, clean, new_id, ts};
use crate::validate as v;
use crate::Kam;

/// Hours used when a tier has no deadline row.
const FALLBACK_HOURS: u32 = 72;

const SELECT: &str = "SELECT x.id, x.customer_id, c.name, c.tier, o.name, x.contact_id, k.name, x.severity, x.category,
    x.title, x.description, x.status, x.opened_at, x.response_hours, x.deadline_at, x.responded_at, x.resolved_at,
    x.closed_at, x.resolution, x.feedback, x.feedback_at
    FROM complaints x JOIN customers c ON c.id = x.customer_id LEFT JOIN users o ON o.id = c.owner_id
    LEFT JOIN contacts k ON k.id = x.contact_id";

fn complaint_from(r: &Row, now: chrono::DateTime<Utc>) -> rusqlite::Result<Complaint> {
    let opened_at: String = r.get(12)?;
    let deadline_at: String = r.get(14)?;
    let responded_at: Option<String> = r.get(15)?;
    let status: ComplaintStatus = r.get(11)?;
    let minutes = parse_ts(&deadline_at).map(|d| (d - now).num_minutes()).unwrap_or(0);
    Ok(Complaint {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_name: r.get(2)?,
        tier: r.get(3)?,
        owner_name: r.get(4)?,
        contact_id: r.get(5)?,
        contact_name: r.get(6)?,
        severity: r.get(7)?,
        category: r.get(8)?,
        title: r.get(9)?,
        description: r.get(10)?,
        status,
        opened_local: local_time(&opened_at),
        opened_at,
        response_hours: r.get(13)?,
        deadline_local: local_time(&deadline_at),
        deadline_at,
        overdue: responded_at.is_none() && status != ComplaintStatus::Closed && minutes < 0,
        minutes_to_deadline: minutes.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
        responded_at,
        resolved_at: r.get(16)?,
        closed_at: r.get(17)?,
        resolution: r.get(18)?,
        feedback: r.get(19)?,
        feedback_at: r.get(20)?,
    })
}

impl Kam {
    /// Response deadlines per tier (hours from opening).
    pub fn complaint_deadlines(&self) -> Result<Vec<ComplaintDeadline>> {
        Tier::ALL.iter().map(|t| Ok(ComplaintDeadline { tier: *t, response_hours: self.response_hours(*t)? })).collect()
    }

    fn response_hours(&self, tier: Tier) -> Result<u32> {
        Ok(self
            .conn
            .query_row(
                "SELECT response_hours FROM complaint_deadlines WHERE tier = ?1 AND deleted_at IS NULL",
                [tier],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(FALLBACK_HOURS))
    }

    /// Change a tier's response deadline (1–720 hours). Complaints already open keep theirs.
    pub fn set_complaint_deadline(&mut self, tier: Tier, hours: u32) -> Result<ComplaintDeadline> {
        self.only_head_office("投诉响应时限", "the complaint deadlines")?;
        if !(1..=720).contains(&hours) {
            return Err(KamError::invalid(
                "response_hours",
                format!("响应时限应在 1 到 720 小时之间，当前为 {hours}。"),
                format!("The response deadline must be 1 to 720 hours; got {hours}."),
            ));
        }
        self.write(|tx, ctx| {
            let n = tx.execute(
                "UPDATE complaint_deadlines SET response_hours = ?2, updated_at = ?3, updated_by = ?4
                 WHERE tier = ?1 AND deleted_at IS NULL",
                params![tier, hours, ctx.now, ctx.user],
            )?;
            if n == 0 {
                tx.execute(
                    "INSERT INTO complaint_deadlines (id, tier, response_hours, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)",
                    params![new_id(), tier, hours, ctx.now, ctx.user],
                )?;
            }
            Ok(())
        })?;
        Ok(ComplaintDeadline { tier, response_hours: hours })
    }

    /// Open a complaint now. Its deadline is now + the tier's response hours.
    pub fn open_complaint(&mut self, customer_id: &str, input: &ComplaintInput) -> Result<Complaint> {
        let c = target_customer(&self.conn, customer_id)?;
        self.check_access(&c.id, Access::Write)?;
        let contact_id = clean(&input.contact_id);
        if let Some(k) = &contact_id {
            check_contact(&self.conn, &c, "contact_id", k)?;
        }
        let description = v::required("description", "投诉内容", "Description", &input.description, 2000)?;
        let title = match clean(&input.title) {
            Some(t) => v::required("title", "投诉标题", "Title", &t, 100)?,
            None => {
                let first = description.lines().next().unwrap_or("");
                if char_len(first) > 30 {
                    format!("{}…", first.chars().take(30).collect::<String>())
                } else {
                    first.to_string()
                }
            }
        };
        let hours = self.response_hours(c.tier)?;
        let opened = self.now();
        // The deadline is counted from the very instant stored as opened_at (one clock read).
        let opened_at = ts(opened);
        let deadline = ts(opened + Duration::hours(hours as i64));
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO complaints (id, customer_id, contact_id, severity, category, title, description, opened_at,
                    response_hours, deadline_at, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?8, ?11, ?8, ?11)",
                params![
                    id,
                    c.id,
                    contact_id,
                    input.severity,
                    input.category,
                    title,
                    description,
                    opened_at,
                    hours,
                    deadline,
                    ctx.user
                ],
            )?;
            Ok(())
        })?;
        Ok(self.complaint(&id)?.complaint)
    }

    fn live_complaint(&self, id: &str) -> Result<(Complaint, u32)> {
        let d = self.complaint(id)?;
        self.check_access(&d.complaint.customer_id, Access::Write)?;
        let handled = d.actions.iter().filter(|a| a.kind == ComplaintActionKind::Handling).count() as u32;
        Ok((d.complaint, handled))
    }

    /// Add a handling record, feedback to the customer, or the resolution. The first handling
    /// record is the response (it stops the deadline clock) and moves the complaint to handling.
    pub fn handle_complaint(&mut self, complaint_id: &str, input: &ComplaintActionInput) -> Result<ComplaintDetail> {
        let (c, handled) = self.live_complaint(complaint_id)?;
        let note = v::required("note", "处理说明", "Note", &input.note, 2000)?;
        if c.status == ComplaintStatus::Closed {
            return Err(KamError::wrong_state(
                "投诉已关闭，不能再添加记录。如客户再次反映，请新建投诉。",
                "The complaint is closed; nothing more can be added. If the customer raises it again, open a new complaint.",
            ));
        }
        match input.kind {
            ComplaintActionKind::Close => {
                return Err(KamError::invalid(
                    "kind",
                    "关闭投诉请使用「关闭」操作（需要已有处理记录并已反馈客户）。",
                    "Use close to close a complaint (it needs a handling record and feedback to the customer).",
                ))
            }
            ComplaintActionKind::Resolution if handled == 0 => return Err(KamError::wrong_state(
                "该投诉还没有处理记录，不能标记为已解决。请先添加处理记录。",
                "This complaint has no handling record yet and cannot be marked resolved. Add a handling record first.",
            )),
            _ => {}
        }
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO complaint_actions (id, complaint_id, kind, note, acted_at, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?5, ?6)",
                params![new_id(), complaint_id, input.kind, note, ctx.now, ctx.user],
            )?;
            let set = match input.kind {
                ComplaintActionKind::Handling => {
                    "responded_at = coalesce(responded_at, ?2), status = CASE status WHEN 'open' THEN 'handling' ELSE status END"
                }
                ComplaintActionKind::Feedback => "feedback = ?3, feedback_at = ?2",
                _ => "resolution = ?3, resolved_at = ?2, status = 'resolved'",
            };
            tx.execute(
                &format!("UPDATE complaints SET {set}, updated_at = ?2, updated_by = ?4 WHERE id = ?1"),
                params![complaint_id, ctx.now, note, ctx.user],
            )?;
            Ok(())
        })?;
        self.complaint(complaint_id)
    }

    /// Close a complaint. Refused without any handling record, and unless the outcome was fed
    /// back to the customer (now, with `feedback`, or earlier).
    pub fn close_complaint(&mut self, complaint_id: &str, feedback: Option<&str>) -> Result<ComplaintDetail> {
        let (c, handled) = self.live_complaint(complaint_id)?;
        if c.status == ComplaintStatus::Closed {
            return Err(KamError::wrong_state("投诉已经关闭。", "The complaint is already closed."));
        }
        if handled == 0 {
            return Err(KamError::wrong_state(
                "该投诉还没有任何处理记录，不能关闭。请先添加处理记录（处理经过和结果），再关闭。",
                "This complaint has no handling record and cannot be closed. Add a handling record (what was done and the result) first, then close it.",
            ));
        }
        let feedback = clean(&feedback.map(str::to_string))
            .map(|f| v::required("feedback", "反馈客户的内容", "Feedback", &f, 2000))
            .transpose()?;
        if feedback.is_none() && c.feedback.is_empty() {
            return Err(KamError::invalid(
                "feedback",
                "关闭前请填写给客户的反馈：处理结果已如何告知客户。",
                "Before closing, enter the feedback to the customer: how the outcome was communicated to them.",
            ));
        }
        self.write(|tx, ctx| {
            let add = |kind: ComplaintActionKind, note: &str| {
                tx.execute(
                    "INSERT INTO complaint_actions (id, complaint_id, kind, note, acted_at, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?5, ?6)",
                    params![new_id(), complaint_id, kind, note, ctx.now, ctx.user],
                )
            };
            if let Some(f) = &feedback {
                add(ComplaintActionKind::Feedback, f)?;
                tx.execute(
                    "UPDATE complaints SET feedback = ?2, feedback_at = ?3 WHERE id = ?1",
                    params![complaint_id, f, ctx.now],
                )?;
            }
            add(ComplaintActionKind::Close, "关闭投诉")?;
            tx.execute(
                "UPDATE complaints SET status = 'closed', closed_at = ?2, resolved_at = coalesce(resolved_at, ?2),
                    updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![complaint_id, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.complaint(complaint_id)
    }

    /// One complaint with its handling records (oldest first).
    pub fn complaint(&self, complaint_id: &str) -> Result<ComplaintDetail> {
        let now = self.now();
        let complaint = self
            .conn
            .prepare_cached(&format!("{SELECT} WHERE x.id = ?1 AND x.deleted_at IS NULL"))?
            .query_row([complaint_id], |r| complaint_from(r, now))
            .optional()?
            .ok_or_else(|| KamError::NotFound {
                entity: crate::error::Entity::Complaint,
                id: complaint_id.to_string(),
            })?;
        self.check_access(&complaint.customer_id, Access::Read)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.kind, a.note, a.acted_at, u.name FROM complaint_actions a LEFT JOIN users u ON u.id = a.created_by
             WHERE a.complaint_id = ?1 AND a.deleted_at IS NULL ORDER BY a.acted_at, a.rowid",
        )?;
        let actions = stmt
            .query_map([complaint_id], |r| {
                let at: String = r.get(3)?;
                Ok(ComplaintAction {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    note: r.get(2)?,
                    acted_local: local_time(&at),
                    acted_at: at,
                    author_name: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ComplaintDetail { complaint, actions })
    }

    /// Complaints, newest first.
    pub fn complaints(&self, q: &ComplaintQuery) -> Result<Vec<Complaint>> {
        let mut args: Vec<Value> = Vec::new();
        let mut conds = vec!["x.deleted_at IS NULL".to_string(), "c.deleted_at IS NULL".to_string()];
        conds.extend(self.scope()?.sql("c"));
        for (col, val) in [("c.id", &q.customer_id), ("c.owner_id", &q.owner_id)] {
            if let Some(v) = clean(val) {
                args.push(Value::Text(v));
                conds.push(format!("{col} = ?{}", args.len()));
            }
        }
        if let Some(s) = q.status {
            args.push(Value::Text(s.as_str().to_string()));
            conds.push(format!("x.status = ?{}", args.len()));
        }
        if q.open_only.unwrap_or(false) {
            conds.push("x.status <> 'closed'".into());
        }
        let sql = format!(
            "{SELECT} WHERE {} ORDER BY x.opened_at DESC LIMIT {}",
            conds.join(" AND "),
            q.limit.unwrap_or(200).min(10_000)
        );
        let now = self.now();
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| complaint_from(r, now))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Complaints not yet responded to whose deadline is past or within `minutes` from now,
    /// earliest deadline first.
    pub fn complaints_awaiting_response(&self, owner_id: Option<&str>, minutes: u32) -> Result<Vec<Complaint>> {
        let now = self.now();
        let until = ts(now + Duration::minutes(minutes as i64));
        let sql = format!(
            "{SELECT} WHERE x.responded_at IS NULL AND x.status <> 'closed' AND x.deleted_at IS NULL AND x.deadline_at <= ?1
               AND c.deleted_at IS NULL {}{} ORDER BY x.deadline_at LIMIT 500",
            if owner_id.is_some() { "AND c.owner_id = ?2" } else { "" },
            self.scope()?.and_sql("c")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let map = |r: &Row| complaint_from(r, now);
        let rows = match owner_id {
            Some(o) => stmt.query_map(params![until, o], map)?,
            None => stmt.query_map(params![until], map)?,
        };
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The monthly complaint summary (投诉月度汇总) for `month` = `YYYY-MM`, a calendar month in
    /// the company time zone.
    pub fn complaint_summary(&self, month: &str) -> Result<ComplaintSummary> {
        let bad = || {
            KamError::invalid(
                "month",
                format!("月份「{month}」格式不正确，应为 2026-11 这样的形式。"),
                format!("The month '{month}' is malformed; use the form 2026-11."),
            )
        };
        let (y, m) = month.trim().split_once('-').ok_or_else(bad)?;
        let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) {
            return Err(bad());
        }
        let from = crate::time::month_start_utc_opt(y, m).ok_or_else(bad)?;
        let to = if m == 12 {
            crate::time::month_start_utc_opt(y + 1, 1)
        } else {
            crate::time::month_start_utc_opt(y, m + 1)
        }
        .ok_or_else(bad)?;
        let now = ts(self.now());
        let mut by: Vec<SeverityCount> = ComplaintSeverity::ALL
            .iter()
            .map(|s| SeverityCount {
                severity: *s,
                opened: 0,
                closed: 0,
                within_deadline: 0,
                within_deadline_rate: None,
            })
            .collect();
        let idx = |s: ComplaintSeverity| ComplaintSeverity::ALL.iter().position(|x| *x == s).unwrap_or(0);
        let (mut opened, mut closed, mut within, mut late, mut still_open) = (0, 0, 0, 0, 0);
        // The complaints of the customers the person acting may see.
        let scope = self.scope()?.and_sql("c");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT x.severity, x.responded_at, x.deadline_at, x.status FROM complaints x JOIN customers c ON c.id = x.customer_id
             WHERE x.deleted_at IS NULL AND c.deleted_at IS NULL AND x.opened_at >= ?1 AND x.opened_at < ?2{scope}"
        ))?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok((
                r.get::<_, ComplaintSeverity>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, ComplaintStatus>(3)?,
            ))
        })?;
        for row in rows {
            let (sev, responded, deadline, status) = row?;
            opened += 1;
            by[idx(sev)].opened += 1;
            match responded {
                Some(r) if r <= deadline => {
                    within += 1;
                    by[idx(sev)].within_deadline += 1;
                }
                Some(_) => late += 1,
                None if deadline < now => late += 1,
                None => {}
            }
            if status != ComplaintStatus::Closed {
                still_open += 1;
            }
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT x.severity FROM complaints x JOIN customers c ON c.id = x.customer_id
             WHERE x.deleted_at IS NULL AND c.deleted_at IS NULL AND x.closed_at >= ?1 AND x.closed_at < ?2{scope}"
        ))?;
        for sev in stmt.query_map(params![from, to], |r| r.get::<_, ComplaintSeverity>(0))? {
            closed += 1;
            by[idx(sev?)].closed += 1;
        }
        for s in &mut by {
            s.within_deadline_rate = Ratio::of_counts(s.within_deadline, s.opened);
        }
        Ok(ComplaintSummary {
            month: format!("{y:04}-{m:02}"),
            opened,
            closed,
            within_deadline: within,
            within_deadline_rate: Ratio::of_counts(within, opened),
            late,
            still_open,
            by_severity: by,
        })
    }
}
