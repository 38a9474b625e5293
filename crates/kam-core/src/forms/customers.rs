//! 附表1 客户名单档案: one row per customer in scope, strategic customers first, then by name
//! (pinyin); the main contact is the first active decision maker, else the first active contact.

use super::sheet::{col, opt_date, t, Cell, ListSheet};
use super::Built;
use crate::error::Result;
use crate::model::{Category, Lifecycle, Nature, Scale, Tier};
use crate::Kam;

/// The tier order of the list: 战略 → 重点 → 一般 → 潜在.
pub(super) const TIER_ORDER: &str =
    "CASE c.tier WHEN 'strategic' THEN 0 WHEN 'key' THEN 1 WHEN 'regular' THEN 2 ELSE 3 END";

pub(super) fn build(kam: &Kam) -> Result<Built> {
    let scope = kam.form_scope()?;
    let sql = format!(
        "SELECT c.customer_code, c.name, c.credit_code, c.tier, c.category, c.nature, c.industry, c.scale,
                c.lifecycle, c.address, o.name, l.name,
                (SELECT ct.name || char(31) || ct.title || char(31) || CASE WHEN ct.mobile <> '' THEN ct.mobile ELSE ct.phone END
                   FROM contacts ct WHERE ct.customer_id = c.id AND ct.deleted_at IS NULL AND ct.active = 1
                   ORDER BY ct.is_decision_maker DESC, ct.created_at LIMIT 1),
                c.created_at
         FROM customers c LEFT JOIN users o ON o.id = c.owner_id LEFT JOIN users l ON l.id = c.liaison_id
         WHERE {} ORDER BY {TIER_ORDER}, c.name_pinyin, c.id",
        scope.filter.sql()
    );
    let mut stmt = kam.conn.prepare(&sql)?;
    let mut q = stmt.query(rusqlite::params_from_iter(scope.filter.args.iter()))?;
    let mut rows = Vec::new();
    while let Some(r) = q.next()? {
        let contact: Option<String> = r.get(12)?;
        let mut parts = contact.as_deref().unwrap_or("").split('\u{1f}').map(str::to_string);
        let (cname, ctitle, cphone) =
            (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        let created: String = r.get(13)?;
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            t(r.get::<_, Option<String>>(0)?.unwrap_or_default()),
            t(r.get::<_, String>(1)?),
            t(r.get::<_, Option<String>>(2)?.unwrap_or_default()),
            t(r.get::<_, Tier>(3)?.label_zh()),
            t(r.get::<_, Category>(4)?.label_zh()),
            t(r.get::<_, Nature>(5)?.label_zh()),
            t(r.get::<_, String>(6)?),
            t(r.get::<_, Scale>(7)?.label_zh()),
            t(r.get::<_, Lifecycle>(8)?.label_zh()),
            t(r.get::<_, String>(9)?),
            t(r.get::<_, Option<String>>(10)?.unwrap_or_default()),
            t(r.get::<_, Option<String>>(11)?.unwrap_or_default()),
            t(cname),
            t(ctitle),
            t(cphone),
            opt_date(&crate::time::local_date_of(&created).map(crate::time::ymd)),
        ]);
    }
    let today = crate::time::local_today(kam);
    let n = rows.len() as u32;
    let list = ListSheet {
        sheet: "客户名单档案",
        title: "客户名单档案".into(),
        subtitle: format!("附表1 · 范围：{} · 共 {n} 户 · 截至 {today}", scope.label),
        empty: "没有可列出的客户。",
        cols: vec![
            col("序号", 6.0),
            col("客户代码", 16.0),
            col("单位名称", 30.0),
            col("统一社会信用代码", 21.0),
            col("客户等级", 10.0),
            col("客户类别", 9.0),
            col("单位性质", 10.0),
            col("行业类别", 12.0),
            col("经营规模", 8.0),
            col("生命周期", 8.0),
            col("单位地址", 28.0),
            col("营销专员", 10.0),
            col("联点领导", 10.0),
            col("主要联系人", 10.0),
            col("职务", 12.0),
            col("联系电话", 15.0),
            col("建档日期", 11.0),
        ],
        rows,
        notes: vec!["主要联系人：在职的决策人优先，其次为最早登记的在职联系人。".into()],
        header: ("客户名单档案（附表1）".into(), scope.label.clone()),
    };
    Built::from_lists(&[&list], n, scope.label, serde_json::json!({}))
}
