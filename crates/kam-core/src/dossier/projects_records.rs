//! Projects and free records, and deleting either.

use super::*;
use crate::error::Entity;

impl Kam {
    pub(super) fn check_project(&self, i: &ProjectInput) -> Result<(String, String, Option<String>, Option<String>)> {
        let name = v::required("project_name", "项目名称", "Project name", &i.name, 100)?;
        let notes = v::optional("notes", "备注", "Notes", &i.notes, 2000)?;
        v::money("amount_fen", i.amount_fen)?;
        let start = opt_date("start_date", &i.start_date)?;
        let end = opt_date("end_date", &i.end_date)?;
        if let (Some(s), Some(e)) = (&start, &end) {
            if e < s {
                return Err(KamError::invalid(
                    "end_date",
                    "结束日期不能早于开始日期。",
                    "The end date cannot be before the start date.",
                ));
            }
        }
        if let Some(y) = i.plan_year {
            if !(2000..=2100).contains(&y) {
                return Err(KamError::invalid(
                    "plan_year",
                    "计划年度应在 2000 到 2100 之间。",
                    "The plan year must be between 2000 and 2100.",
                ));
            }
        }
        Ok((name, notes, start, end))
    }

    /// Add a project (past, under way, or planned development).
    pub fn add_project(&mut self, customer_id: &str, input: &ProjectInput) -> Result<Project> {
        customer_seq(&self.conn, customer_id)?;
        self.check_access(customer_id, Access::Write)?;
        let (name, notes, start, end) = self.check_project(input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO projects (id, customer_id, name, status, amount_fen, plan_year, start_date, end_date, notes,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)",
                params![id, customer_id, name, input.status, input.amount_fen, input.plan_year, start, end, notes, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        Ok(self.dossier(customer_id)?.projects.into_iter().find(|p| p.id == id).expect("just inserted"))
    }

    /// Edit a project.
    pub fn update_project(&mut self, project_id: &str, input: &ProjectInput) -> Result<Project> {
        let customer_id = self.owner_of("projects", Entity::Project, project_id)?;
        self.check_access(&customer_id, Access::Write)?;
        let (name, notes, start, end) = self.check_project(input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE projects SET name=?2, status=?3, amount_fen=?4, plan_year=?5, start_date=?6, end_date=?7,
                    notes=?8, updated_at=?9, updated_by=?10 WHERE id = ?1",
                params![
                    project_id,
                    name,
                    input.status,
                    input.amount_fen,
                    input.plan_year,
                    start,
                    end,
                    notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(())
        })?;
        Ok(self.dossier(&customer_id)?.projects.into_iter().find(|p| p.id == project_id).expect("exists"))
    }

    /// The cleaned title, content and date (default today, never after today) of a record.
    pub(super) fn check_record(&self, input: &RecordInput) -> Result<(String, String, String)> {
        let title = v::required("title", "标题", "Title", &input.title, 100)?;
        let content = v::optional("content", "内容", "Content", &input.content, 10000)?;
        let today = crate::time::local_today(self);
        let on = opt_date("occurred_on", &input.occurred_on)?.unwrap_or_else(|| today.to_string());
        if NaiveDate::parse_from_str(&on, "%Y-%m-%d").map(|d| d > today).unwrap_or(false) {
            return Err(KamError::invalid(
                "occurred_on",
                "记录日期不能晚于今天。",
                "A record cannot be dated after today.",
            ));
        }
        Ok((title, content, on))
    }

    /// One live record of a live customer.
    pub fn record(&self, id: &str) -> Result<Record> {
        let r = self
            .conn
            .query_row(
                &format!(
                    "{RECORD_SELECT} JOIN customers c ON c.id = r.customer_id
                     WHERE r.id = ?1 AND r.deleted_at IS NULL AND c.deleted_at IS NULL"
                ),
                [id],
                record_from,
            )
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Record, id: id.to_string() })?;
        self.check_access(&r.customer_id, Access::Read)?;
        Ok(r)
    }

    /// Add a free record (meeting, conversation, survey, note).
    pub fn add_record(&mut self, customer_id: &str, input: &RecordInput) -> Result<Record> {
        customer_seq(&self.conn, customer_id)?;
        self.check_access(customer_id, Access::Write)?;
        let (title, content, on) = self.check_record(input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO records (id, customer_id, kind, occurred_on, title, content, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![id, customer_id, input.kind, on, title, content, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        Ok(self.dossier(customer_id)?.records.into_iter().find(|r| r.id == id).expect("just inserted"))
    }

    /// Edit a record, validated like a new one. Its author stays the one who wrote it.
    pub fn update_record(&mut self, id: &str, input: &RecordInput) -> Result<Record> {
        let current = self.record(id)?;
        self.check_access(&current.customer_id, Access::Write)?;
        let (title, content, on) = self.check_record(input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE records SET kind=?2, occurred_on=?3, title=?4, content=?5, updated_at=?6, updated_by=?7
                 WHERE id = ?1",
                params![id, input.kind, on, title, content, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.record(id)
    }

    /// Delete a project or a record (tombstone). `kind` is "project" or "record".
    pub fn delete_item(&mut self, kind: &str, id: &str) -> Result<()> {
        let (table, entity) = match kind {
            "project" => ("projects", Entity::Project),
            "record" => ("records", Entity::Record),
            "contact_change" => ("contact_changes", Entity::ContactChange),
            _ => return Err(KamError::invalid("kind", "未知的条目类型。", "Unknown item kind.")),
        };
        let customer_id = self.owner_of(table, entity, id)?;
        self.check_access(&customer_id, Access::Write)?;
        self.write(|tx, ctx| {
            tx.execute(
                &format!("UPDATE {table} SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1"),
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })
    }

    pub(super) fn owner_of(&self, table: &str, entity: Entity, id: &str) -> Result<String> {
        self.conn
            .query_row(&format!("SELECT customer_id FROM {table} WHERE id = ?1 AND deleted_at IS NULL"), [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity, id: id.to_string() })
    }
}
