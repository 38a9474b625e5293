//! Whose customers a form lists: the person's reach ([`crate::scope`], docs/roles.md) — a rep
//! their own, a manager their department's, a liaison executive the strategic customers they
//! are liaison for, head office and company leaders everyone's — as an SQL condition on `c`
//! (the customers table), and in words for the sheet's subtitle.

use rusqlite::types::Value;

use crate::error::Result;
use crate::scope::Reach;
use crate::Kam;

/// The customers a form may show.
pub(crate) struct FormScope {
    /// Conditions on `c` with their arguments.
    pub filter: Filter,
    /// For the subtitle and the audit entry: 全部客户, 营销专员：张伟, 部门：大客户一部…
    pub label: String,
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

    /// Add a condition that has no placeholders (taken as it is).
    pub fn raw(&mut self, sql: String) {
        self.conds.push(sql);
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
    /// The live customers the person signed in reaches, for a form.
    pub(crate) fn form_scope(&self) -> Result<FormScope> {
        let scope = self.scope()?;
        let mut filter = Filter::default();
        filter.push("c.deleted_at IS NULL", []);
        if let Some(sql) = scope.sql("c") {
            filter.raw(format!("({sql})"));
        }
        let name = || self.user(&scope.user_id).map(|u| u.name).unwrap_or_default();
        let label = match scope.reach {
            Reach::All => "全部客户".to_string(),
            Reach::Own => format!("营销专员：{}", name()),
            Reach::Department if !scope.department.is_empty() => format!("部门：{}", scope.department),
            Reach::Department => format!("大客户部经理：{}", name()),
            Reach::Liaison => format!("联点领导：{}", name()),
        };
        Ok(FormScope { filter, label })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut f = Filter::default();
        f.push("c.deleted_at IS NULL", []);
        f.raw("(c.owner_id = 'a?')".into());
        f.push("(c.owner_id = ? OR c.liaison_id = ?)", [Value::Text("a".into()), Value::Text("b".into())]);
        f.push("c.tier = ?", [Value::Text("key".into())]);
        assert_eq!(
            f.sql(),
            "c.deleted_at IS NULL AND (c.owner_id = 'a?') AND (c.owner_id = ?1 OR c.liaison_id = ?2) AND c.tier = ?3"
        );
        assert_eq!(f.args.len(), 3);
        assert_eq!(Filter::default().sql(), "1");
    }
}
