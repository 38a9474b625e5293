//! Whose customers a person may see and change (docs/roles.md), in one place for the window,
//! the CLI and the sync exchange: a rep their own customers, a department manager their
//! department's, a liaison executive the strategic customers they are liaison for (read, and
//! log visits), head office and executives everyone's. An administrator reaches by their role.
//!
//! The same [`Scope`] answers per row (`owner_in_scope`, `sees_customer`: the sync exporter and
//! head office's importer, single reads and writes in the core) and as SQL ([`Scope::sql`]: lists
//! and search filter in the query, never by loading rows).

use rusqlite::{Connection, OptionalExtension};

use crate::error::{KamError, Result};
use crate::model::{Role, Tier};
use crate::sync::DeviceRole;
use crate::Kam;

/// How far a person reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Every customer: head office, executives, trusted in-process callers.
    All,
    /// Customers they own (a rep).
    Own,
    /// Customers owned by anyone in their department, or by themselves (a department manager).
    Department,
    /// Strategic customers they are liaison for: read and log visits only (a liaison executive).
    Liaison,
}

/// What someone wants to do with a customer's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    /// Log a visit: a liaison executive may, for their strategic customers.
    Visit,
    Write,
}

/// Whose data a person (or an enrolled device) may see and change.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub user_id: String,
    pub reach: Reach,
    pub department: String,
}

/// A text as an SQL string literal (ids and departments come from the database itself, but
/// quote them properly all the same).
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(crate) fn user_department(conn: &Connection, user_id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT department FROM users WHERE id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Who a customer belongs to: its owner, its liaison executive, its tier.
pub(crate) type Keys = (Option<String>, Option<String>, Tier);

/// A customer's owner, liaison and tier, if it exists (deleted or not).
pub(crate) fn customer_keys(conn: &Connection, id: &str) -> Result<Option<Keys>> {
    Ok(conn
        .prepare_cached("SELECT owner_id, liaison_id, tier FROM customers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

impl Scope {
    pub fn all() -> Scope {
        Scope { user_id: String::new(), reach: Reach::All, department: String::new() }
    }

    /// A person by their role.
    pub fn of_role(user_id: &str, role: Role, department: &str) -> Scope {
        let reach = match role {
            Role::HeadOffice | Role::Executive => Reach::All,
            Role::Manager => Reach::Department,
            Role::Rep => Reach::Own,
            Role::Liaison => Reach::Liaison,
        };
        Scope { user_id: user_id.to_string(), reach, department: department.to_string() }
    }

    /// An enrolled device: head office sees everything; a field device as its person's role.
    pub fn of_device(conn: &Connection, user_id: &str, role: DeviceRole) -> Result<Scope> {
        let reach = match role {
            DeviceRole::HeadOffice => Reach::All,
            DeviceRole::Manager => Reach::Department,
            DeviceRole::Rep => Reach::Own,
        };
        Ok(Scope { user_id: user_id.to_string(), reach, department: user_department(conn, user_id)? })
    }

    pub fn is_all(&self) -> bool {
        self.reach == Reach::All
    }

    /// Is a customer owned by `owner` within reach (as its owner or their manager)?
    pub fn owner_in_scope(&self, conn: &Connection, owner: Option<&str>) -> Result<bool> {
        match self.reach {
            Reach::All => return Ok(true),
            Reach::Liaison => return Ok(false),
            Reach::Own | Reach::Department => {}
        }
        let Some(owner) = owner else { return Ok(false) };
        if owner == self.user_id {
            return Ok(true);
        }
        Ok(self.reach == Reach::Department
            && !self.department.is_empty()
            && user_department(conn, owner)? == self.department)
    }

    /// May this scope see a customer with this owner, liaison and tier?
    pub fn sees(&self, conn: &Connection, owner: Option<&str>, liaison: Option<&str>, tier: Tier) -> Result<bool> {
        match self.reach {
            Reach::Liaison => Ok(tier == Tier::Strategic && liaison == Some(self.user_id.as_str())),
            _ => self.owner_in_scope(conn, owner),
        }
    }

    /// May this scope see customer `id`? `None` when there is no such customer.
    pub fn sees_customer(&self, conn: &Connection, id: &str) -> Result<Option<bool>> {
        if self.is_all() {
            return Ok(customer_keys(conn, id)?.map(|_| true));
        }
        match customer_keys(conn, id)? {
            None => Ok(None),
            Some((owner, liaison, tier)) => Ok(Some(self.sees(conn, owner.as_deref(), liaison.as_deref(), tier)?)),
        }
    }

    /// The condition on customers (table alias `c`) a list or search adds, or `None` when
    /// the scope sees everything. Plain SQL with the person's id as a literal, so the planner
    /// can use the owner index.
    pub fn sql(&self, c: &str) -> Option<String> {
        let me = literal(&self.user_id);
        match self.reach {
            Reach::All => None,
            Reach::Own => Some(format!("{c}.owner_id = {me}")),
            Reach::Department if self.department.is_empty() => Some(format!("{c}.owner_id = {me}")),
            Reach::Department => Some(format!(
                "{c}.owner_id IN (SELECT id FROM users WHERE id = {me} OR department = {})",
                literal(&self.department)
            )),
            Reach::Liaison => Some(format!("({c}.liaison_id = {me} AND {c}.tier = 'strategic')")),
        }
    }

    /// The person whose own customers are all this scope sees (a rep; a manager without a
    /// department), for searches that read one owner's stretch of the index.
    pub fn own_only(&self) -> Option<&str> {
        match self.reach {
            Reach::Own => Some(&self.user_id),
            Reach::Department if self.department.is_empty() => Some(&self.user_id),
            _ => None,
        }
    }

    /// `AND <condition>` for appending to a WHERE clause (empty when the scope sees everything).
    pub fn and_sql(&self, c: &str) -> String {
        self.sql(c).map(|s| format!(" AND {s}")).unwrap_or_default()
    }

    /// Why a customer is out of reach.
    fn not_yours(&self) -> KamError {
        match self.reach {
            Reach::Own | Reach::All => KamError::forbidden(
                "该客户不是你负责的客户：营销专员只能查看和处理自己名下的客户。如需接手，请找部门经理改派。",
                "This customer is not yours: a rep sees and works on their own customers only. To take it over, ask your manager to reassign it.",
            ),
            Reach::Department => KamError::forbidden(
                format!("该客户不属于你的部门（{}）：部门经理只能查看和处理本部门的客户。", self.department),
                format!(
                    "This customer is not in your department ({}): a department manager sees and works on their department's customers only.",
                    self.department
                ),
            ),
            Reach::Liaison => KamError::forbidden(
                "该客户不是你联点的战略客户：联点领导只能查看自己联点的战略客户。",
                "This customer is not a strategic customer you are liaison for: a liaison executive sees only those.",
            ),
        }
    }

    /// Refused with `forbidden` unless this scope may `access` customer `id` (which exists).
    pub fn check(&self, conn: &Connection, id: &str, access: Access) -> Result<()> {
        if self.is_all() {
            return Ok(());
        }
        match self.sees_customer(conn, id)? {
            None => Ok(()), // not found is the caller's to say
            Some(false) => Err(self.not_yours()),
            Some(true) if self.reach == Reach::Liaison && access == Access::Write => Err(liaison_read_only()),
            Some(true) => Ok(()),
        }
    }

    /// Refused with `forbidden` unless a customer may be owned by `owner` when this scope
    /// creates it or reassigns it (`current`: its owner now, `None` for a new customer).
    pub fn check_owner(&self, conn: &Connection, owner: Option<&str>, current: Option<Option<&str>>) -> Result<()> {
        if let Some(cur) = current {
            if cur == owner {
                return Ok(());
            }
        }
        match self.reach {
            Reach::All => Ok(()),
            Reach::Liaison => Err(liaison_read_only()),
            Reach::Own if current.is_some() => Err(KamError::forbidden(
                "只有经理或总部可以把客户改派给其他人。请找部门经理改派。",
                "Only a manager or head office may reassign a customer. Ask your manager.",
            )),
            Reach::Own if owner != Some(self.user_id.as_str()) => Err(KamError::forbidden(
                "营销专员只能把客户登记在自己名下；指派给其他人请找部门经理或总部。",
                "A rep registers customers as their own; to give one to someone else, ask a manager or head office.",
            )),
            Reach::Own => Ok(()),
            Reach::Department if self.owner_in_scope(conn, owner)? => Ok(()),
            Reach::Department => Err(KamError::forbidden(
                format!("只能把客户指派给本部门（{}）的人员；跨部门改派请找总部。", self.department),
                format!(
                    "A customer can be given only to someone in your department ({}); ask head office to move it to another department.",
                    self.department
                ),
            )),
        }
    }
}

fn liaison_read_only() -> KamError {
    KamError::forbidden(
        "联点领导可以查看自己联点的战略客户并登记拜访，但不能修改客户的其他资料。请联系该客户的营销专员。",
        "A liaison executive may read their strategic customers and log visits, but not change anything else. Ask the customer's account manager.",
    )
}

impl Kam {
    /// The signed-in person's reach; a trusted in-process `Kam` (tests, benchmarks) sees all.
    pub(crate) fn scope(&self) -> Result<Scope> {
        self.require_signed_in()?;
        if self.is_trusted() {
            return Ok(Scope::all());
        }
        let row: Option<(Role, String)> = self
            .conn
            .prepare_cached("SELECT role, department FROM users WHERE id = ?1")?
            .query_row([&self.user_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match row {
            Some((role, department)) => Scope::of_role(&self.user_id, role, &department),
            None => Scope { user_id: self.user_id.clone(), reach: Reach::Own, department: String::new() },
        })
    }

    /// Refused with `forbidden` unless the person acting may `access` customer `id`. An
    /// unknown customer passes (the caller says `not_found` in its own words).
    pub(crate) fn check_access(&self, id: &str, access: Access) -> Result<()> {
        self.scope()?.check(&self.conn, id, access)
    }

    /// [`Kam::check_access`] for a row of a synced table that belongs to a customer
    /// (`sync::tables` says how): a contact, a visit, a quote line…
    pub(crate) fn check_row_access(&self, table: &str, row_id: &str, access: Access) -> Result<()> {
        let scope = self.scope()?;
        if scope.is_all() {
            return Ok(());
        }
        match customer_of_row(&self.conn, table, row_id)? {
            Some(customer) => scope.check(&self.conn, &customer, access),
            None => Ok(()),
        }
    }

    /// Refused with `forbidden` unless the person acting may make `owner` the owner of a new
    /// customer (`current` = None) or of one owned by `current` now.
    pub(crate) fn check_owner(&self, owner: Option<&str>, current: Option<Option<&str>>) -> Result<()> {
        self.scope()?.check_owner(&self.conn, owner, current)
    }
}

/// The customer a row of `table` belongs to (see `sync::tables`), if any.
pub(crate) fn customer_of_row(conn: &Connection, table: &str, row_id: &str) -> Result<Option<String>> {
    use crate::sync::tables::{self, Owner};
    let Some(t) = tables::find(table) else { return Ok(None) };
    let sql = match t.owner {
        Owner::IsCustomer => return Ok(Some(row_id.to_string())),
        Owner::NotCustomer => return Ok(None),
        Owner::Column => format!("SELECT customer_id FROM {table} WHERE id = ?1"),
        Owner::ViaParent { column, parent } => {
            format!("SELECT p.customer_id FROM {table} x JOIN {parent} p ON p.id = x.{column} WHERE x.id = ?1")
        }
    };
    Ok(conn.prepare_cached(&sql)?.query_row([row_id], |r| r.get(0)).optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_conditions_by_reach() {
        let s = |reach, dept: &str| Scope { user_id: "u1".into(), reach, department: dept.into() };
        assert_eq!(s(Reach::All, "").sql("c"), None);
        assert_eq!(s(Reach::Own, "").sql("c").unwrap(), "c.owner_id = 'u1'");
        assert_eq!(s(Reach::Department, "").sql("c").unwrap(), "c.owner_id = 'u1'", "no department: own only");
        assert!(s(Reach::Department, "一部's").sql("c").unwrap().contains("department = '一部''s'"), "quoted");
        assert_eq!(s(Reach::Liaison, "").sql("x").unwrap(), "(x.liaison_id = 'u1' AND x.tier = 'strategic')");
        assert_eq!(s(Reach::All, "").and_sql("c"), "");
    }
}
