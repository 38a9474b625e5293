//! 附表3 客户在建项目一览表: every project under way (在建) of the customers in scope, by
//! customer (strategic first) and start date, with the contract amounts totalled.

use super::customers::TIER_ORDER;
use super::sheet::{col, opt_date, opt_money, sum_col, t, Cell, ListSheet};
use super::Built;
use crate::error::Result;
use crate::model::Tier;
use crate::units::Fen;
use crate::Kam;

pub(super) fn build(kam: &Kam) -> Result<Built> {
    let scope = kam.form_scope()?;
    let sql = format!(
        "SELECT c.customer_code, c.name, c.tier, p.name, p.amount_fen, p.start_date, p.end_date, o.name, p.notes
         FROM projects p JOIN customers c ON c.id = p.customer_id LEFT JOIN users o ON o.id = c.owner_id
         WHERE p.deleted_at IS NULL AND p.status = 'ongoing' AND {}
         ORDER BY {TIER_ORDER}, c.name_pinyin, c.id, p.start_date IS NULL, p.start_date, p.name",
        scope.filter.sql()
    );
    let mut stmt = kam.conn.prepare(&sql)?;
    let mut q = stmt.query(rusqlite::params_from_iter(scope.filter.args.iter()))?;
    let mut rows = Vec::new();
    let mut customers = std::collections::HashSet::new();
    let mut total = Fen::ZERO;
    while let Some(r) = q.next()? {
        let name: String = r.get(1)?;
        let amount: Option<Fen> = r.get(4)?;
        total += amount.unwrap_or(Fen::ZERO);
        customers.insert(name.clone());
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            t(r.get::<_, Option<String>>(0)?.unwrap_or_default()),
            t(name),
            t(r.get::<_, Tier>(2)?.label_zh()),
            t(r.get::<_, String>(3)?),
            opt_money(amount),
            opt_date(&r.get(5)?),
            opt_date(&r.get(6)?),
            t(r.get::<_, Option<String>>(7)?.unwrap_or_default()),
            t(r.get::<_, String>(8)?),
        ]);
    }
    let today = crate::time::local_today(kam);
    let n = rows.len() as u32;
    let list = ListSheet {
        sheet: "在建项目",
        title: "客户在建项目一览表".into(),
        subtitle: format!(
            "附表3 · 范围：{} · {} 个客户的 {n} 个在建项目，合同额合计 {} 元 · 截至 {today}",
            scope.label,
            customers.len(),
            total.yuan_text()
        ),
        empty: "没有在建项目。",
        cols: vec![
            col("序号", 6.0),
            col("客户代码", 16.0),
            col("客户名称", 30.0),
            col("客户等级", 10.0),
            col("项目名称", 32.0),
            sum_col("合同额（元）", 16.0),
            col("开工日期", 11.0),
            col("计划完工", 11.0),
            col("营销专员", 10.0),
            col("备注", 30.0),
        ],
        rows,
        notes: vec!["只列状态为“在建”的项目；拟开发和已完成的项目见各客户的基本情况档案（附表2）。".into()],
        header: ("客户在建项目一览表（附表3）".into(), scope.label.clone()),
    };
    Built::from_lists(&[&list], n, scope.label, serde_json::json!({}))
}
