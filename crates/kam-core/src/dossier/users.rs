//! The people using KAM and the customers assigned to them. Names are unique among the people
//! not deleted, so `--rep 张三` means one person.

use super::*;

const USER_COLUMNS: &str = "id, name, role, department, active, is_admin";

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        department: r.get(3)?,
        active: r.get(4)?,
        is_admin: r.get(5)?,
    })
}

impl Kam {
    /// All users, active first.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE deleted_at IS NULL ORDER BY active DESC, role, name"
        ))?;
        let users = stmt.query_map([], user_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(users)
    }

    /// One user.
    pub fn user(&self, id: &str) -> Result<User> {
        self.conn
            .query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), [id], user_row)
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::User, id: id.to_string() })
    }

    /// Find a user by id or by name (for the CLI and scripts). A name shared by several people
    /// (possible in databases from before names were unique) is refused rather than guessed.
    pub fn resolve_user(&self, key: &str) -> Result<User> {
        let key = key.trim();
        let mut stmt = self.conn.prepare(
            "SELECT id FROM users WHERE deleted_at IS NULL AND (id = ?1 OR name = ?1) ORDER BY id = ?1 DESC, active DESC",
        )?;
        let ids = stmt.query_map([key], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        match ids.as_slice() {
            [] => self.user(key),
            [one, ..] if one == key => self.user(one),
            [one] => self.user(one),
            _ => Err(KamError::invalid(
                "user",
                format!("有 {} 位人员都叫「{key}」。请用人员编号（kam user list 可查）。", ids.len()),
                format!("{} people are named '{key}'. Use the person's id (see kam user list).", ids.len()),
            )),
        }
    }

    /// Add a user (rep, manager, liaison executive…): head office's administrators.
    pub fn add_user(&mut self, name: &str, role: Role, department: &str) -> Result<User> {
        self.only_head_office("人员名单", "the list of people")?;
        self.require_admin("添加人员", "add people")?;
        let name = v::required("name", "姓名", "Name", name, 50)?;
        let department = v::optional("department", "部门", "Department", &Some(department.to_string()), 50)?;
        self.unique_user_name(&name, None)?;
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
