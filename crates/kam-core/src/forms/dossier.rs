//! 附表2 客户基本情况档案: one customer on a printable A4 form (portrait, fitted to the page
//! width, print area set, header and page numbers), in the sections of seed 003 §2.2:
//! the company, contacts, the decision makers, business information, cooperation (projects
//! done and under way), planned projects, key-person and tier changes, and the records
//! (meetings, conversations, surveys, visits, complaints and their handling).

use rust_xlsxwriter::{Workbook, Worksheet};

use super::sheet::{
    self, height_for, lines_in, opt_date, opt_money, page_setup, t, width_of, write_cell, Cell, Formats, XResult,
};
use super::Built;
use crate::error::Result;
use crate::model::{Customer, Dossier, ProjectStatus};
use crate::relation::{ComplaintQuery, VisitQuery};
use crate::time::{local_date_of, ymd};
use crate::Kam;

/// The form's grid: eight columns, the first of each half wide enough for a label such as
/// 统一社会信用代码.
const COLS: u16 = 8;
const WIDTHS: [f64; COLS as usize] = [18.0, 12.0, 12.0, 12.0, 18.0, 12.0, 12.0, 12.0];

/// A form being written row by row.
struct Form<'a> {
    ws: Worksheet,
    f: &'a Formats,
    row: u32,
}

/// Lines a text needs in the grid columns `c..c + span`.
fn lines(text: &str, c: u16, span: u16) -> u32 {
    lines_in(text, WIDTHS[c as usize..(c + span) as usize].iter().sum())
}

impl Form<'_> {
    /// A cell spanning `span` grid columns from `c`.
    fn put(&mut self, c: u16, span: u16, cell: &Cell, fmt: Option<&rust_xlsxwriter::Format>) -> XResult<()> {
        let f = self.f;
        if span > 1 {
            let text = match cell {
                Cell::Text(s) => s.as_str(),
                _ => "",
            };
            self.ws.merge_range(self.row, c, self.row, c + span - 1, text, fmt.unwrap_or(&f.text))?;
            if !matches!(cell, Cell::Text(_) | Cell::Empty) {
                write_cell(&mut self.ws, self.row, c, cell, f)?;
            }
        } else if let (Some(fmt), Cell::Text(s)) = (fmt, cell) {
            self.ws.write_string_with_format(self.row, c, s, fmt)?;
        } else {
            write_cell(&mut self.ws, self.row, c, cell, f)?;
        }
        Ok(())
    }

    fn height(&mut self, n_lines: u32) -> XResult<()> {
        self.ws.set_row_height(self.row, height_for(n_lines))?;
        Ok(())
    }

    fn section(&mut self, title: &str) -> XResult<()> {
        self.row += 1;
        let f = self.f;
        self.ws.merge_range(self.row, 0, self.row, COLS - 1, title, &f.section)?;
        self.height(1)?;
        self.row += 1;
        Ok(())
    }

    /// Label–value pairs, two to a row; a pair whose value is long takes the whole row.
    fn pairs(&mut self, items: &[(&str, Cell)]) -> XResult<()> {
        let long = |c: &Cell| matches!(c, Cell::Text(s) if width_of(s) > 30 || s.contains('\n'));
        let mut i = 0;
        while i < items.len() {
            let (label, value) = &items[i];
            let pair_next = items.get(i + 1).filter(|(_, v)| !long(value) && !long(v));
            let label_fmt = &self.f.label;
            self.put(0, 1, &t(*label), Some(label_fmt))?;
            match pair_next {
                Some((label2, value2)) => {
                    self.put(1, 3, value, None)?;
                    self.put(4, 1, &t(*label2), Some(label_fmt))?;
                    self.put(5, 3, value2, None)?;
                    i += 2;
                }
                None => {
                    self.put(1, COLS - 1, value, None)?;
                    if let Cell::Text(s) = value {
                        self.height(lines(s, 1, COLS - 1))?;
                    }
                    i += 1;
                }
            }
            self.row += 1;
        }
        Ok(())
    }

    /// A table: headers with their spans (summing to eight), then the rows, or 无 when none.
    fn table(&mut self, heads: &[(&str, u16)], rows: &[Vec<Cell>]) -> XResult<()> {
        let mut c = 0;
        let head_fmt = &self.f.head;
        for (h, span) in heads {
            self.put(c, *span, &t(*h), Some(head_fmt))?;
            c += span;
        }
        self.row += 1;
        if rows.is_empty() {
            self.put(0, COLS, &t("无"), None)?;
            self.row += 1;
        }
        for cells in rows {
            let mut c = 0;
            let mut n = 1;
            for ((_, span), cell) in heads.iter().zip(cells) {
                self.put(c, *span, cell, None)?;
                if let Cell::Text(s) = cell {
                    n = n.max(lines(s, c, *span));
                }
                c += span;
            }
            if n > 1 {
                self.height(n)?;
            }
            self.row += 1;
        }
        Ok(())
    }
}

fn or_dash(s: &Option<String>) -> Cell {
    t(s.clone().unwrap_or_default())
}

/// The records of §2.2 (会议/谈话/调查/走访/投诉/处理记录), newest first: (date, kind, subject, content).
fn records(kam: &Kam, d: &Dossier) -> Result<Vec<Vec<Cell>>> {
    let id = &d.customer.id;
    let mut all: Vec<(String, String, String, String)> = d
        .records
        .iter()
        .map(|r| (r.occurred_on.clone(), format!("{}记录", r.kind.label_zh()), r.title.clone(), r.content.clone()))
        .collect();
    let vq = VisitQuery { customer_id: Some(id.clone()), limit: Some(10_000), ..Default::default() };
    for v in kam.visits(&vq)? {
        let mut parts = Vec::new();
        for (label, text) in [("结果", &v.outcome), ("问题", &v.problems), ("下一步", &v.next_step)] {
            if !text.is_empty() {
                parts.push(format!("{label}：{text}"));
            }
        }
        let met: Vec<&str> = v.contacts.iter().map(|c| c.name.as_str()).collect();
        if !met.is_empty() {
            parts.push(format!("会见：{}", met.join("、")));
        }
        all.push((v.visited_on.clone(), format!("走访（{}）", v.kind.label_zh()), v.purpose.clone(), parts.join("\n")));
    }
    let cq = ComplaintQuery { customer_id: Some(id.clone()), limit: Some(10_000), ..Default::default() };
    for x in kam.complaints(&cq)? {
        let mut content = x.description.clone();
        if !x.resolution.is_empty() {
            content.push_str(&format!("\n处理：{}", x.resolution));
        }
        if !x.feedback.is_empty() {
            content.push_str(&format!("\n反馈客户：{}", x.feedback));
        }
        let day = local_date_of(&x.opened_at).map(ymd).unwrap_or_default();
        all.push((day, format!("投诉（{}）", x.status.label_zh()), x.title.clone(), content));
    }
    all.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(all.into_iter().map(|(d, k, s, c)| vec![Cell::Date(d), t(k), t(s), t(c)]).collect())
}

// Long because: the form's sections in the order of seed 003 §2.2, each a few calls; split
// further, the layout would be spread over functions that each know one section's row.
pub(super) fn build(kam: &Kam, customer: &Customer) -> Result<Built> {
    let scope = kam.form_scope()?;
    let d = kam.dossier(&customer.id)?;
    let recs = records(kam, &d)?;
    let today = crate::time::local_today(kam);
    let f = sheet::formats();
    let bytes = (|| -> XResult<Vec<u8>> {
        let c = &d.customer;
        let mut ws = Worksheet::new();
        ws.set_name("客户基本情况档案")?;
        page_setup(&mut ws, false, "客户基本情况档案（附表2）", &c.name);
        for (i, w) in WIDTHS.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        ws.merge_range(0, 0, 0, COLS - 1, "客户基本情况档案", &f.title)?;
        ws.set_row_height(0, 28)?;
        let sub = format!(
            "附表2 · {} · 营销专员：{} · 联点领导：{} · 打印日期：{today}",
            c.customer_code.as_deref().unwrap_or("（尚无客户代码）"),
            c.owner_name.as_deref().unwrap_or("—"),
            c.liaison_name.as_deref().unwrap_or("—"),
        );
        ws.merge_range(1, 0, 1, COLS - 1, &sub, &f.subtitle)?;
        let mut form = Form { ws, f: &f, row: 2 };

        form.section("一、基本情况")?;
        let day_of = |ts: &Option<String>| ts.as_deref().and_then(local_date_of).map(ymd);
        form.pairs(&[
            ("单位名称", t(&c.name)),
            ("客户代码", or_dash(&c.customer_code)),
            ("统一社会信用代码", or_dash(&c.credit_code)),
            ("客户等级", t(c.tier.label_zh())),
            ("客户类别", t(c.category.label_zh())),
            ("单位性质", t(c.nature.label_zh())),
            ("行业类别", t(&c.industry)),
            ("经营规模", t(c.scale.label_zh())),
            ("生命周期", t(c.lifecycle.label_zh())),
            ("营销专员", or_dash(&c.owner_name)),
            ("联点领导", or_dash(&c.liaison_name)),
            ("建档日期", opt_date(&day_of(&Some(c.created_at.clone())))),
            ("认定日期", opt_date(&day_of(&c.approved_at))),
            ("客户来源", t(&c.source)),
            ("资产状况", t(&c.assets)),
            ("单位地址", t(&c.address)),
            ("股东结构", t(&c.shareholders)),
        ])?;
        if !c.notes.is_empty() {
            form.pairs(&[("备注", t(&c.notes))])?;
        }

        form.section("二、联系方式")?;
        let contacts: Vec<Vec<Cell>> = d
            .contacts
            .iter()
            .map(|p| {
                let name = if p.active { p.name.clone() } else { format!("{}（已离任）", p.name) };
                vec![t(name), t(&p.title), t(&p.phone), t(&p.mobile), t(&p.fax), t(&p.email), t(&p.postcode)]
            })
            .collect();
        let heads =
            [("姓名", 1), ("职务", 1), ("办公电话", 1), ("手机", 1), ("传真", 1), ("电子邮件", 2), ("邮政编码", 1)];
        form.table(&heads, &contacts)?;

        form.section("三、决策体系")?;
        let deciders: Vec<Vec<Cell>> = d
            .contacts
            .iter()
            .filter(|p| p.is_decision_maker)
            .map(|p| {
                vec![t(&p.name), t(&p.title), t(&p.decision_role), opt_date(&p.birthday), t(&p.family), t(&p.interests)]
            })
            .collect();
        form.table(
            &[("姓名", 1), ("职务", 1), ("决策角色", 1), ("生日", 1), ("家庭情况", 2), ("兴趣爱好", 2)],
            &deciders,
        )?;

        form.section("四、商务信息")?;
        form.pairs(&[
            ("履约情况", t(&c.contract_performance)),
            ("付款情况", t(&c.payment_behaviour)),
            ("常用合作模式", t(&c.cooperation_mode)),
            ("竞标办法", t(&c.bidding_method)),
            ("价格水平", t(&c.price_level)),
            ("信用期（天）", c.credit_terms_days.map(|v| Cell::Int(v as i64)).unwrap_or(Cell::Empty)),
            ("信用额度（元）", opt_money(c.credit_limit_fen)),
            ("应收未收（元）", Cell::Money(d.receivables.open_fen)),
            ("其中逾期（元）", Cell::Money(d.receivables.overdue_fen)),
            ("合约主要条款", t(&c.contract_terms)),
        ])?;

        form.section("五、合作情况（已完成及在建项目）")?;
        let done: Vec<Vec<Cell>> = d
            .projects
            .iter()
            .filter(|p| p.status != ProjectStatus::Planned)
            .map(|p| {
                vec![
                    t(&p.name),
                    t(p.status.label_zh()),
                    opt_money(p.amount_fen),
                    opt_date(&p.start_date),
                    opt_date(&p.end_date),
                    t(&p.notes),
                ]
            })
            .collect();
        let heads = [("项目名称", 2), ("状态", 1), ("合同额（元）", 1), ("开工日期", 1), ("完工日期", 1), ("备注", 2)];
        form.table(&heads, &done)?;

        form.section("六、拟开发情况")?;
        let planned: Vec<Vec<Cell>> = d
            .projects
            .iter()
            .filter(|p| p.status == ProjectStatus::Planned)
            .map(|p| {
                vec![
                    t(&p.name),
                    p.plan_year.map(|y| Cell::Int(y as i64)).unwrap_or(Cell::Empty),
                    opt_money(p.amount_fen),
                    t(&p.notes),
                ]
            })
            .collect();
        form.table(&[("项目名称", 3), ("计划年度", 1), ("预计金额（元）", 1), ("备注", 3)], &planned)?;

        form.section("七、关键人员变动及客户等级变动")?;
        let mut changes: Vec<Vec<Cell>> = d
            .contact_changes
            .iter()
            .map(|x| {
                let who = x.contact_name.clone().unwrap_or_default();
                vec![Cell::Date(x.changed_on.clone()), t(format!("{who} {}", x.kind.label_zh())), t(&x.description)]
            })
            .collect();
        changes.extend(d.tier_history.iter().map(|x| {
            let from = x.from_tier.map(|f| f.label_zh()).unwrap_or("（新建）");
            let by = x.decided_by_name.clone().unwrap_or_default();
            let day = local_date_of(&x.changed_at).map(ymd).unwrap_or_default();
            vec![
                Cell::Date(day),
                t(format!("等级 {from} → {}", x.to_tier.label_zh())),
                t(format!("{}（{by}）", x.reason)),
            ]
        }));
        changes.sort_by_key(|row| std::cmp::Reverse(date_key(row)));
        form.table(&[("日期", 1), ("变动", 2), ("说明", 5)], &changes)?;

        form.section("八、重要记录（会议、谈话、调查、走访、投诉及处理）")?;
        form.table(&[("日期", 1), ("类别", 1), ("事由", 2), ("内容", 4)], &recs)?;

        form.row += 1;
        let note = "本档案为公司商业秘密，仅限内部授权使用，未经同意不得外传。";
        form.ws.merge_range(form.row, 0, form.row, COLS - 1, note, &f.note)?;
        let last = form.row;
        let mut ws = form.ws;
        ws.set_print_area(0, 0, last, COLS - 1)?;
        let mut wb = Workbook::new();
        wb.push_worksheet(ws);
        wb.save_to_buffer()
    })()
    .map_err(sheet::xlsx_error)?;
    Ok(Built { bytes, rows: 1, scope: scope.label, detail: serde_json::json!({ "customer": customer.name }) })
}

fn date_key(row: &[Cell]) -> String {
    match row.first() {
        Some(Cell::Date(d)) => d.clone(),
        _ => String::new(),
    }
}
