//! 附表4 客户开发与维护过程信息反馈表: what happened with the customers in scope during a
//! period — the visit logs (purpose, outcome, problems raised, next step, follow-up) on one
//! sheet, the complaints opened in it with their handling records and the feedback to the
//! customer on another.

use super::sheet::{col, opt_date, t, Cell, ListSheet};
use super::Built;
use crate::error::Result;
use crate::model::Tier;
use crate::relation::{
    ComplaintActionKind, ComplaintCategory, ComplaintSeverity, ComplaintStatus, Executive, VisitKind,
};
use crate::time::{day_start_utc, local_time, ymd};
use crate::Kam;
use chrono::NaiveDate;

fn visits(kam: &Kam, from: NaiveDate, to: NaiveDate) -> Result<Vec<Vec<Cell>>> {
    let mut filter = kam.form_scope()?.filter;
    filter.push("v.deleted_at IS NULL AND v.visited_on >= ? AND v.visited_on <= ?", [ymd(from).into(), ymd(to).into()]);
    let sql = format!(
        "SELECT v.visited_on, c.name, c.tier, o.name, v.kind, v.executive, e.name,
                (SELECT group_concat(ct.name, '、') FROM json_each(v.contact_ids) j JOIN contacts ct ON ct.id = j.value),
                v.purpose, v.outcome, v.problems, v.next_step, v.follow_up_on, v.follow_up_done_on
         FROM visits v JOIN customers c ON c.id = v.customer_id
              LEFT JOIN users o ON o.id = c.owner_id LEFT JOIN users e ON e.id = v.executive_id
         WHERE {} ORDER BY v.visited_on, c.name_pinyin, v.created_at",
        filter.sql()
    );
    let mut stmt = kam.conn.prepare(&sql)?;
    let mut q = stmt.query(rusqlite::params_from_iter(filter.args.iter()))?;
    let mut rows = Vec::new();
    while let Some(r) = q.next()? {
        let kind: VisitKind = r.get(4)?;
        let mut how = kind.label_zh().to_string();
        if let Some(x) = r.get::<_, Option<Executive>>(5)? {
            how = format!(
                "{how}（{}{}）",
                x.label_zh(),
                r.get::<_, Option<String>>(6)?.map(|n| format!("：{n}")).unwrap_or_default()
            );
        }
        let follow_up: Option<String> = r.get(12)?;
        let done: Option<String> = r.get(13)?;
        let state = match (&follow_up, &done) {
            (None, _) => String::new(),
            (Some(_), Some(d)) => format!("已于 {d} 跟进"),
            (Some(f), None) if f.as_str() < ymd(crate::time::local_today(kam)).as_str() => "逾期未跟进".into(),
            (Some(_), None) => "待跟进".into(),
        };
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            Cell::Date(r.get(0)?),
            t(r.get::<_, String>(1)?),
            t(r.get::<_, Tier>(2)?.label_zh()),
            t(r.get::<_, Option<String>>(3)?.unwrap_or_default()),
            t(how),
            t(r.get::<_, Option<String>>(7)?.unwrap_or_default()),
            t(r.get::<_, String>(8)?),
            t(r.get::<_, String>(9)?),
            t(r.get::<_, String>(10)?),
            t(r.get::<_, String>(11)?),
            opt_date(&follow_up),
            t(state),
        ]);
    }
    Ok(rows)
}

fn complaints(kam: &Kam, from: NaiveDate, to: NaiveDate) -> Result<Vec<Vec<Cell>>> {
    let mut filter = kam.form_scope()?.filter;
    let end = to.succ_opt().unwrap_or(to);
    filter.push(
        "x.deleted_at IS NULL AND x.opened_at >= ? AND x.opened_at < ?",
        [day_start_utc(from).into(), day_start_utc(end).into()],
    );
    let sql = format!(
        "SELECT x.id, x.opened_at, c.name, c.tier, o.name, x.category, x.severity, x.title, x.description,
                x.status, x.deadline_at, x.responded_at, x.feedback, x.closed_at
         FROM complaints x JOIN customers c ON c.id = x.customer_id LEFT JOIN users o ON o.id = c.owner_id
         WHERE {} ORDER BY x.opened_at, c.name_pinyin",
        filter.sql()
    );
    let mut stmt = kam.conn.prepare(&sql)?;
    let mut actions = kam.conn.prepare(
        "SELECT kind, note, acted_at FROM complaint_actions WHERE complaint_id = ?1 AND deleted_at IS NULL ORDER BY acted_at",
    )?;
    let mut q = stmt.query(rusqlite::params_from_iter(filter.args.iter()))?;
    let mut rows = Vec::new();
    let local = |ts: Option<String>| ts.map(|s| local_time(&s)).unwrap_or_default();
    while let Some(r) = q.next()? {
        let id: String = r.get(0)?;
        let handling = actions
            .query_map([&id], |a| {
                let kind: ComplaintActionKind = a.get(0)?;
                Ok(format!("{} {}：{}", local_time(&a.get::<_, String>(2)?), kind.label_zh(), a.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .join("\n");
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            t(local(r.get(1)?)),
            t(r.get::<_, String>(2)?),
            t(r.get::<_, Tier>(3)?.label_zh()),
            t(r.get::<_, Option<String>>(4)?.unwrap_or_default()),
            t(r.get::<_, ComplaintCategory>(5)?.label_zh()),
            t(r.get::<_, ComplaintSeverity>(6)?.label_zh()),
            t(r.get::<_, String>(7)?),
            t(r.get::<_, String>(8)?),
            t(r.get::<_, ComplaintStatus>(9)?.label_zh()),
            t(local(r.get(10)?)),
            t(local(r.get(11)?)),
            t(handling),
            t(r.get::<_, String>(12)?),
            t(local(r.get(13)?)),
        ]);
    }
    Ok(rows)
}

pub(super) fn build(kam: &Kam, from: NaiveDate, to: NaiveDate) -> Result<Built> {
    let scope = kam.form_scope()?;
    let visit_rows = visits(kam, from, to)?;
    let complaint_rows = complaints(kam, from, to)?;
    let (nv, nc) = (visit_rows.len() as u32, complaint_rows.len() as u32);
    let period = format!("{from} 至 {to}");
    let header = ("客户开发与维护过程信息反馈表（附表4）".to_string(), format!("{} · {period}", scope.label));
    let visit_sheet = ListSheet {
        sheet: "拜访反馈",
        title: "客户开发与维护过程信息反馈表".into(),
        subtitle: format!(
            "附表4 · 期间：{period} · 范围：{} · 拜访 {nv} 次，投诉 {nc} 件（见“投诉处理”表）",
            scope.label
        ),
        empty: "本期间没有拜访记录。",
        cols: vec![
            col("序号", 6.0),
            col("日期", 11.0),
            col("客户名称", 26.0),
            col("客户等级", 9.0),
            col("营销专员", 9.0),
            col("方式", 12.0),
            col("客户方人员", 14.0),
            col("目的", 22.0),
            col("结果", 24.0),
            col("客户提出的问题", 24.0),
            col("下一步", 22.0),
            col("跟进日期", 11.0),
            col("跟进情况", 12.0),
        ],
        rows: visit_rows,
        notes: vec!["逾期未跟进：跟进日期已过而尚无后续拜访或手工标记完成。".into()],
        header: header.clone(),
    };
    let complaint_sheet = ListSheet {
        sheet: "投诉处理",
        title: "客户投诉及处理情况".into(),
        subtitle: format!("附表4 · 期间：{period}（按投诉时间）· 范围：{} · 共 {nc} 件", scope.label),
        empty: "本期间没有投诉。",
        cols: vec![
            col("序号", 6.0),
            col("投诉时间", 16.0),
            col("客户名称", 24.0),
            col("客户等级", 9.0),
            col("营销专员", 9.0),
            col("类别", 10.0),
            col("严重程度", 8.0),
            col("标题", 20.0),
            col("内容", 28.0),
            col("状态", 8.0),
            col("响应期限", 16.0),
            col("首次响应", 16.0),
            col("处理记录", 36.0),
            col("反馈客户", 24.0),
            col("关闭时间", 16.0),
        ],
        rows: complaint_rows,
        notes: vec!["时间为公司所在时区的当地时间。".into()],
        header,
    };
    let detail = serde_json::json!({ "from": ymd(from), "to": ymd(to) });
    Built::from_lists(&[&visit_sheet, &complaint_sheet], nv + nc, scope.label, detail)
}
