//! The one registry of synced tables: adding a table to the exchange is one entry in
//! [`TABLES`]. Change capture, the importer's order, who may write a table, who sees its rows,
//! how its rows hang off a customer and its name in the conflict inbox all come from here.

/// How a table's rows belong to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Not customer data (people, reference data, targets, performance inputs).
    NotCustomer,
    /// The customers table itself.
    IsCustomer,
    /// The row's own `customer_id` column.
    Column,
    /// Through a parent row: `column` names a row of `parent`, which has `customer_id`.
    ViaParent { column: &'static str, parent: &'static str },
}

/// Who may change a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// Only head office: people, reference data and finance. A field device's changes are refused.
    HeadOffice,
    /// Field devices too, within the customers they may see.
    Field,
}

/// Which field devices receive a table's rows (head office receives everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Reference data every device receives.
    Everyone,
    /// Those who see the row's customer (see [`Owner`]).
    ByCustomer,
    /// Sales targets: a rep's own (or their manager's department's reps'), or their department's.
    ByTargetSubject,
    /// The user named in this column, or their manager.
    ByUser(&'static str),
    /// No field device: the rows go to head office only (the audit log).
    Nobody,
}

/// One synced table.
#[derive(Debug, Clone, Copy)]
pub struct SyncedTable {
    pub name: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub owner: Owner,
    pub writer: Writer,
    pub seen: Seen,
}

const fn table(
    name: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    owner: Owner,
    writer: Writer,
    seen: Seen,
) -> SyncedTable {
    SyncedTable { name, label_zh, label_en, owner, writer, seen }
}

use Owner::*;
use Seen::*;
use Writer::*;

/// The synced tables, parents before children: the order the importer applies rows in, so a
/// foreign key always finds its parent.
pub const TABLES: &[SyncedTable] = &[
    table("users", "人员", "People", NotCustomer, HeadOffice, Everyone),
    table("pricing_policies", "报价政策", "Pricing policies", NotCustomer, HeadOffice, Everyone),
    table("products", "产品目录", "Catalog", NotCustomer, HeadOffice, Everyone),
    table("cadence_rules", "拜访频次规则", "Cadence rules", NotCustomer, HeadOffice, Everyone),
    table("complaint_deadlines", "投诉响应时限", "Complaint deadlines", NotCustomer, HeadOffice, Everyone),
    table("survey_dimensions", "满意度维度", "Survey dimensions", NotCustomer, HeadOffice, Everyone),
    table("customers", "客户档案", "Customers", IsCustomer, Field, ByCustomer),
    table("contacts", "联系人", "Contacts", Column, Field, ByCustomer),
    table("contact_changes", "关键人员变动", "Key-person changes", Column, Field, ByCustomer),
    table("tier_changes", "等级变更", "Tier changes", Column, Field, ByCustomer),
    table("projects", "项目", "Projects", Column, Field, ByCustomer),
    table("records", "往来记录", "Records", Column, Field, ByCustomer),
    table("quotes", "报价单", "Quotes", Column, Field, ByCustomer),
    table(
        "quote_lines",
        "报价行",
        "Quote lines",
        ViaParent { column: "quote_id", parent: "quotes" },
        Field,
        ByCustomer,
    ),
    table(
        "quote_approvals",
        "审批",
        "Approvals",
        ViaParent { column: "quote_id", parent: "quotes" },
        Field,
        ByCustomer,
    ),
    table("visit_plans", "拜访计划", "Visit plans", Column, Field, ByCustomer),
    table("visits", "拜访记录", "Visit logs", Column, Field, ByCustomer),
    table("complaints", "投诉", "Complaints", Column, Field, ByCustomer),
    table(
        "complaint_actions",
        "处理记录",
        "Handling records",
        ViaParent { column: "complaint_id", parent: "complaints" },
        Field,
        ByCustomer,
    ),
    table("surveys", "满意度调查", "Surveys", Column, Field, ByCustomer),
    table(
        "survey_scores",
        "调查评分",
        "Survey scores",
        ViaParent { column: "survey_id", parent: "surveys" },
        Field,
        ByCustomer,
    ),
    // Requests to head office (战略客户, 客户编码): filed on a field device, decided at head office.
    table("customer_requests", "总部申请", "Requests to head office", Column, Field, ByCustomer),
    table("sales_targets", "销售目标", "Sales targets", NotCustomer, HeadOffice, ByTargetSubject),
    table("sales", "销售", "Sales", Column, HeadOffice, ByCustomer),
    table("collections", "回款", "Collections", Column, HeadOffice, ByCustomer),
    table("receivables", "应收", "Receivables", Column, HeadOffice, ByCustomer),
    table("performance_inputs", "绩效录入", "Performance inputs", NotCustomer, HeadOffice, ByUser("user_id")),
    // One-time password reset codes (their hashes) go to the person's own laptop.
    table("password_resets", "密码重置", "Password resets", NotCustomer, HeadOffice, ByUser("user_id")),
    // Every device's recorded exports reach head office; their hash chain is checked on import.
    table("audit_log", "审计日志", "Audit log", NotCustomer, Field, Nobody),
];

const N: usize = TABLES.len();

const NAME_ARRAY: [&str; N] = {
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = TABLES[i].name;
        i += 1;
    }
    names
};

/// The synced tables' names, in [`TABLES`] order.
pub const NAMES: &[&str] = &NAME_ARRAY;

/// The registry entry of table `t`.
pub fn find(t: &str) -> Option<&'static SyncedTable> {
    TABLES.iter().find(|x| x.name == t)
}

/// Position of `t` in the apply order (unknown tables last).
pub fn rank(t: &str) -> usize {
    TABLES.iter().position(|x| x.name == t).unwrap_or(usize::MAX)
}

/// Only head office changes `t`.
pub fn head_office_only(t: &str) -> bool {
    find(t).is_some_and(|x| x.writer == Writer::HeadOffice)
}

/// Every device receives `t`.
pub fn shared(t: &str) -> bool {
    find(t).is_some_and(|x| x.seen == Seen::Everyone)
}

/// (zh, en) name of `t` for people.
pub fn label(t: &str) -> (&'static str, &'static str) {
    find(t).map(|x| (x.label_zh, x.label_en)).unwrap_or(("其他", "Other"))
}

/// Tables other than customers with their own `customer_id` column.
pub fn with_customer_column() -> impl Iterator<Item = &'static str> {
    TABLES.iter().filter(|x| x.owner == Owner::Column).map(|x| x.name)
}

/// Tables that belong to a customer through a parent row: (table, parent column, parent table).
pub fn via_parent() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    TABLES.iter().filter_map(|x| match x.owner {
        Owner::ViaParent { column, parent } => Some((x.name, column, parent)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::capture::columns;

    #[test]
    fn the_registry_matches_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let kam = crate::Kam::open(&dir.path().join("d.kam")).unwrap();
        for t in TABLES {
            let cols = columns(&kam.conn, t.name).unwrap();
            assert!(!cols.is_empty(), "{} exists", t.name);
            let has_customer = cols.iter().any(|c| c == "customer_id");
            assert_eq!(has_customer, t.owner == Owner::Column, "{}: customer_id column", t.name);
            if let Owner::ViaParent { column, parent } = t.owner {
                assert!(cols.iter().any(|c| c == column), "{}.{column}", t.name);
                assert!(rank(parent) < rank(t.name), "{parent} before {}", t.name);
            }
        }
        assert_eq!(NAMES.len(), TABLES.len());
        let unique: std::collections::BTreeSet<_> = NAMES.iter().collect();
        assert_eq!(unique.len(), NAMES.len());
    }
}
