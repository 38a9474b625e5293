//! The users customers are assigned to.

use super::*;

impl Kam {
    /// All users, active first.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, role, department, active FROM users WHERE deleted_at IS NULL ORDER BY active DESC, role, name",
        )?;
        let users = stmt
            .query_map([], |r| {
                Ok(User { id: r.get(0)?, name: r.get(1)?, role: r.get(2)?, department: r.get(3)?, active: r.get(4)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(users)
    }

    /// One user.
    pub fn user(&self, id: &str) -> Result<User> {
        self.conn
            .query_row("SELECT id, name, role, department, active FROM users WHERE id = ?1", [id], |r| {
                Ok(User { id: r.get(0)?, name: r.get(1)?, role: r.get(2)?, department: r.get(3)?, active: r.get(4)? })
            })
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::User, id: id.to_string() })
    }

    /// Find a user by id or by name (for the CLI and scripts).
    pub fn resolve_user(&self, key: &str) -> Result<User> {
        let key = key.trim();
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM users WHERE deleted_at IS NULL AND (id = ?1 OR name = ?1) ORDER BY id = ?1 DESC LIMIT 1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        self.user(id.as_deref().unwrap_or(key))
    }

    /// Add a user (rep, manager, liaison executive…).
    pub fn add_user(&mut self, name: &str, role: Role, department: &str) -> Result<User> {
        self.only_head_office("人员名单", "the list of people")?;
        let name = v::required("name", "姓名", "Name", name, 50)?;
        let department = v::optional("department", "部门", "Department", &Some(department.to_string()), 50)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO users (id, name, role, department, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
                params![id, name, role, department, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.user(&id)
    }
}
