//! Whose customers a form lists (docs/roles.md, 保密与授权): a rep their own, a manager their
//! department's, a liaison executive the customers they are liaison for (and any they own);
//! head office, company leaders and administrators everyone's. The forms filter by it in SQL
//! (`c` is the customers table) and say it in the sheet's subtitle.

use rusqlite::types::Value;

use crate::error::Result;
use crate::model::Role;
use crate::Kam;

/// The customers a form may show, as an SQL condition on `c` with its arguments.
pub(crate) struct Scope {
    /// `c.…` conditions joined with AND; `?` placeholders are numbered in [`Filter`].
    pub filter: Filter,
    /// For the subtitle: 全部客户, 营销专员：张伟, 部门：大客户一部…
    pub label: String,
    /// The same in English, for messages.
    pub label_en: String,
}

/// Conditions and their arguments, numbered in the order they are pushed.
#[derive(Default)]
pub(crate) struct Filter {
    conds: Vec<String>,
    pub args: Vec<Value>,
}

impl Filter {
    /// Add a condition; each `?` in `sql` takes the next of `values`.
    pub fn push(&mut self, sql: &str, values: impl IntoIterator<Item = Value>) {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut values = values.into_iter();
        for ch in sql.chars() {
            if ch == '?' {
                self.args.push(values.next().expect("one value per placeholder"));
                out.push_str(&format!("?{}", self.args.len()));
            } else {
                out.push(ch);
            }
        }
        self.conds.push(out);
    }

    /// The conditions joined with AND (`1` when there are none).
    pub fn sql(&self) -> String {
        if self.conds.is_empty() {
            "1".into()
        } else {
            self.conds.join(" AND ")
        }
    }
}

impl Kam {
    /// The customers the person signed in may put in a form.
    pub(crate) fn form_scope(&self) -> Result<Scope> {
        self.require_signed_in()?;
        let mut filter = Filter::default();
        filter.push("c.deleted_at IS NULL", []);
        if self.is_trusted() || self.is_admin(&self.user_id)? {
            return Ok(Scope { filter, label: "全部客户".into(), label_en: "all customers".into() });
        }
        let me = self.user(&self.user_id)?;
        let id = Value::Text(me.id.clone());
        let (label, label_en) = match me.role {
            Role::HeadOffice | Role::Executive => ("全部客户".to_string(), "all customers".to_string()),
            Role::Rep => {
                filter.push("c.owner_id = ?", [id]);
                (format!("营销专员：{}", me.name), format!("account manager {}", me.name))
            }
            Role::Manager if !me.department.is_empty() => {
                filter.push(
                    "(c.owner_id = ? OR c.owner_id IN (SELECT u.id FROM users u WHERE u.department = ?))",
                    [id, Value::Text(me.department.clone())],
                );
                (format!("部门：{}", me.department), format!("department {}", me.department))
            }
            Role::Manager => {
                filter.push("c.owner_id = ?", [id]);
                (format!("大客户部经理：{}", me.name), format!("manager {}", me.name))
            }
            Role::Liaison => {
                filter.push("(c.liaison_id = ? OR c.owner_id = ?)", [id.clone(), id]);
                (format!("联点领导：{}", me.name), format!("liaison executive {}", me.name))
            }
        };
        Ok(Scope { filter, label, label_en })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut f = Filter::default();
        f.push("c.deleted_at IS NULL", []);
        f.push("(c.owner_id = ? OR c.liaison_id = ?)", [Value::Text("a".into()), Value::Text("b".into())]);
        f.push("c.tier = ?", [Value::Text("key".into())]);
        assert_eq!(f.sql(), "c.deleted_at IS NULL AND (c.owner_id = ?1 OR c.liaison_id = ?2) AND c.tier = ?3");
        assert_eq!(f.args.len(), 3);
        assert_eq!(Filter::default().sql(), "1");
    }
}
