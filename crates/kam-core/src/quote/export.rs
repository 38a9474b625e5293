//! The quote workbook (rust_xlsxwriter): the customer-facing quote, or the internal version
//! with cost, profit and rebate columns. Chinese headers, '#,##0.00' money, a frozen header
//! row, A4 print setup, the total in figures and in capital numerals (大写金额), and a
//! signature block. Excel stores numbers as binary floating point, so amounts are written as
//! fen ÷ 100 — exact to the fen on reading back; the core's own figures stay integer fen.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::pricing::ROUNDING_ZH;
use super::types::{LineInternal, Quote, QuoteLine, QuoteStatus};
use crate::error::{KamError, Result};
use crate::units::{ExactYuan, Fen, Quantity, Rate};

/// The company header printed on the quote (settings `company_name`, `company_address`,
/// `company_phone`).
pub(crate) struct Company {
    pub name: String,
    pub address: String,
    pub phone: String,
}

enum Cell {
    Text(String),
    Int(u32),
    Money(Fen),
    /// An exact per-unit component in yuan (may have more than 2 decimals).
    Exact(ExactYuan),
    Rate(Option<Rate>),
    Quantity(Quantity),
}

type Column = (&'static str, f64, fn(&QuoteLine) -> Cell);

/// A cell from the line's internal part (always loaded for the internal workbook).
fn inside(l: &QuoteLine, f: fn(&LineInternal) -> Cell) -> Cell {
    l.internal.as_ref().map_or(Cell::Text(String::new()), f)
}

fn customer_columns() -> Vec<Column> {
    vec![
        ("序号", 10.0, |l| Cell::Int(l.position)),
        ("品名", 26.0, |l| Cell::Text(l.description.clone())),
        ("规格型号", 18.0, |l| Cell::Text(l.spec.clone())),
        ("单位", 6.0, |l| Cell::Text(l.unit.clone())),
        ("数量", 12.0, |l| Cell::Quantity(l.quantity)),
        ("单价（元）", 13.0, |l| Cell::Money(l.unit_price_fen)),
        ("金额（元）", 16.0, |l| Cell::Money(l.line_total_fen)),
        ("备注", 20.0, |l| Cell::Text(l.notes.clone())),
    ]
}

fn internal_columns() -> Vec<Column> {
    vec![
        ("序号", 10.0, |l| Cell::Int(l.position)),
        ("品名", 24.0, |l| Cell::Text(l.description.clone())),
        ("规格型号", 14.0, |l| Cell::Text(l.spec.clone())),
        ("单位", 6.0, |l| Cell::Text(l.unit.clone())),
        ("数量", 12.0, |l| Cell::Quantity(l.quantity)),
        ("成本单价", 12.0, |l| inside(l, |i| Cell::Money(i.cost_fen))),
        ("估算销售额", 15.0, |l| inside(l, |i| Cell::Exact(i.breakdown.estimated_sales_yuan))),
        ("利润率", 9.0, |l| inside(l, |i| Cell::Rate(Some(i.breakdown.profit_rate)))),
        ("利润/单位", 11.0, |l| inside(l, |i| Cell::Exact(i.breakdown.profit_per_unit_yuan))),
        ("返点率", 9.0, |l| Cell::Rate(Some(l.rebate_rate))),
        ("返点/单位", 11.0, |l| inside(l, |i| Cell::Exact(i.breakdown.rebate_per_unit_yuan))),
        ("其他费用/单位", 12.0, |l| Cell::Money(l.fees_fen)),
        ("政策单价", 12.0, |l| Cell::Money(l.policy_unit_price_fen)),
        ("手工单价", 12.0, |l| match l.manual_unit_price_fen {
            Some(m) => Cell::Money(m),
            None => Cell::Text(String::new()),
        }),
        ("折扣率", 9.0, |l| Cell::Rate(Some(l.discount_rate))),
        ("单价（元）", 12.0, |l| Cell::Money(l.unit_price_fen)),
        ("金额（元）", 15.0, |l| Cell::Money(l.line_total_fen)),
        ("成本合计", 15.0, |l| inside(l, |i| Cell::Money(i.economics.cost_total_fen))),
        ("费用合计", 13.0, |l| inside(l, |i| Cell::Money(i.economics.fees_total_fen))),
        ("返点合计", 13.0, |l| inside(l, |i| Cell::Money(i.economics.rebate_total_fen))),
        ("利润合计", 15.0, |l| inside(l, |i| Cell::Money(i.economics.profit_total_fen))),
        ("实际利润率", 11.0, |l| inside(l, |i| Cell::Rate(i.economics.profit_rate_actual))),
        ("档位", 30.0, |l| inside(l, |i| Cell::Text(i.breakdown.profit_tier.label.clone()))),
        ("备注", 18.0, |l| Cell::Text(l.notes.clone())),
    ]
}

fn xlsx_error(e: XlsxError) -> KamError {
    KamError::Io(std::io::Error::other(format!("Excel 生成失败 / building the workbook failed: {e}")))
}

/// The workbook as bytes (nothing touches the disk here).
pub(crate) fn workbook(q: &Quote, company: &Company, internal: bool) -> Result<Vec<u8>> {
    build(q, company, internal).map_err(xlsx_error)
}

/// Merge `c1..=c2` on `row` (or write one cell when they are the same).
fn put(ws: &mut Worksheet, row: u32, c1: u16, c2: u16, text: &str, f: &Format) -> std::result::Result<(), XlsxError> {
    if c2 > c1 {
        ws.merge_range(row, c1, row, c2, text, f)?;
    } else {
        ws.write_string_with_format(row, c1, text, f)?;
    }
    Ok(())
}

/// The cell formats of a quote workbook.
struct Formats {
    title: Format,
    small: Format,
    heading: Format,
    banner: Format,
    label: Format,
    value: Format,
    wrap: Format,
    head: Format,
    text: Format,
    center: Format,
    money: Format,
    exact: Format,
    rate: Format,
    total_label: Format,
    total_money: Format,
}

fn formats() -> Formats {
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let small = Format::new().set_font_size(9).set_align(FormatAlign::Center);
    let heading = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let banner = Format::new().set_bold().set_font_color(Color::Red).set_align(FormatAlign::Center);
    let label = Format::new().set_bold();
    let value = Format::new().set_align(FormatAlign::Left);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Left).set_align(FormatAlign::Top);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let text = Format::new().set_border(FormatBorder::Thin);
    let center = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let money = Format::new().set_border(FormatBorder::Thin).set_num_format("#,##0.00");
    let exact = Format::new().set_border(FormatBorder::Thin).set_num_format("#,##0.00##");
    let rate = Format::new().set_border(FormatBorder::Thin).set_num_format("0.00%");
    let total_label = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let total_money = Format::new().set_bold().set_border(FormatBorder::Thin).set_num_format("#,##0.00");
    Formats {
        title,
        small,
        heading,
        banner,
        label,
        value,
        wrap,
        head,
        text,
        center,
        money,
        exact,
        rate,
        total_label,
        total_money,
    }
}

/// What every part of the quote sheet needs.
struct Sheet<'a> {
    q: &'a Quote,
    company: &'a Company,
    internal: bool,
    columns: Vec<Column>,
    last: u16,
    mid: u16,
    f: Formats,
}

fn build(q: &Quote, company: &Company, internal: bool) -> std::result::Result<Vec<u8>, XlsxError> {
    let columns = if internal { internal_columns() } else { customer_columns() };
    let last = (columns.len() - 1) as u16;
    let mid = (columns.len() / 2) as u16;
    let s = Sheet { q, company, internal, columns, last, mid, f: formats() };

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(if internal { "内部报价单" } else { "报价单" })?;
    ws.set_paper_size(9); // A4
    if internal {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    for (i, c) in s.columns.iter().enumerate() {
        ws.set_column_width(i as u16, c.1)?;
    }
    s.heading(ws)?;
    let row = s.lines(ws)?;
    let row = s.totals_and_notes(ws, row)?;
    s.signatures(ws, row)?;
    wb.save_to_buffer()
}

impl Sheet<'_> {
    /// Company, title, approval banner and the quote's particulars (rows 0–7).
    fn heading(&self, ws: &mut Worksheet) -> std::result::Result<(), XlsxError> {
        let (q, company, internal, last, mid) = (self.q, self.company, self.internal, self.last, self.mid);
        put(ws, 0, 0, last, &company.name, &self.f.title)?;
        let contact = [company.address.as_str(), company.phone.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("    电话：");
        put(ws, 1, 0, last, &contact, &self.f.small)?;
        let heading_text = if internal {
            "内部报价单（含成本、利润、返点 — 严格保密，不得外传）"
        } else {
            "报 价 单"
        };
        put(ws, 2, 0, last, heading_text, &self.f.heading)?;
        let unapproved = matches!(q.status, QuoteStatus::Draft | QuoteStatus::PendingApproval);
        let banner_text = if unapproved {
            format!("未审批（{}）— 仅供内部核对，不得发给客户", q.status.label_zh())
        } else {
            String::new()
        };
        put(ws, 3, 0, last, &banner_text, &self.f.banner)?;
        let pairs: [(&str, String, &str, String); 3] = [
            ("客户", q.customer_name.clone(), "报价单号", q.display_number.clone()),
            ("客户代码", q.customer_code.clone().unwrap_or_default(), "报价日期", q.quote_date.clone()),
            (
                "有效期至",
                q.valid_until.clone(),
                if internal { "报价政策" } else { "币种" },
                if internal { format!("第 {} 版", q.policy_version) } else { "人民币（元）".to_string() },
            ),
        ];
        for (i, (l1, v1, l2, v2)) in pairs.iter().enumerate() {
            let row = 4 + i as u32;
            ws.write_string_with_format(row, 0, *l1, &self.f.label)?;
            put(ws, row, 1, mid - 1, v1, &self.f.value)?;
            ws.write_string_with_format(row, mid, *l2, &self.f.label)?;
            put(ws, row, mid + 1, last, v2, &self.f.value)?;
        }
        Ok(())
    }

    /// The column headings and one row per line; returns the first row after them.
    fn lines(&self, ws: &mut Worksheet) -> std::result::Result<u32, XlsxError> {
        let (q, columns) = (self.q, &self.columns);
        let header_row = 8u32;
        ws.set_row_height(header_row, 30)?;
        for (i, c) in columns.iter().enumerate() {
            ws.write_string_with_format(header_row, i as u16, c.0, &self.f.head)?;
        }
        ws.set_freeze_panes(header_row + 1, 0)?;
        ws.set_repeat_rows(header_row, header_row)?;

        let mut row = header_row + 1;
        for l in &q.lines {
            for (i, c) in columns.iter().enumerate() {
                let col = i as u16;
                match (c.2)(l) {
                    Cell::Text(s) => ws.write_string_with_format(row, col, s, &self.f.text)?,
                    Cell::Int(n) => ws.write_number_with_format(row, col, n, &self.f.center)?,
                    Cell::Money(f) => ws.write_number_with_format(row, col, f.yuan_f64(), &self.f.money)?,
                    Cell::Exact(d) => {
                        ws.write_number_with_format(row, col, d.0.to_f64().unwrap_or(0.0), &self.f.exact)?
                    }
                    Cell::Rate(Some(r)) => {
                        ws.write_number_with_format(row, col, r.0.to_f64().unwrap_or(0.0), &self.f.rate)?
                    }
                    Cell::Rate(None) => ws.write_string_with_format(row, col, "", &self.f.text)?,
                    Cell::Quantity(qty) => {
                        let scale = qty.0.normalize().scale() as usize;
                        let fmt = if scale == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(scale)) };
                        let f = Format::new().set_border(FormatBorder::Thin).set_num_format(fmt);
                        ws.write_number_with_format(row, col, qty.0.to_f64().unwrap_or(0.0), &f)?
                    }
                };
            }
            row += 1;
        }
        Ok(row)
    }

    /// Totals, amount in words, validity, notes and (internal) pricing and approvals.
    fn totals_and_notes(&self, ws: &mut Worksheet, mut row: u32) -> std::result::Result<u32, XlsxError> {
        let (q, internal, last) = (self.q, self.internal, self.last);
        let columns = &self.columns;
        let amount_col = columns.iter().position(|c| c.0 == "金额（元）").unwrap_or(0) as u16;
        // Totals.
        put(ws, row, 0, amount_col.saturating_sub(1).max(1), "合计", &self.f.total_label)?;
        ws.write_number_with_format(row, amount_col, q.totals.total_fen.yuan_f64(), &self.f.total_money)?;
        if let (true, Some(t)) = (internal, &q.totals.internal) {
            for (name, fen) in [
                ("成本合计", t.cost_fen),
                ("费用合计", t.fees_fen),
                ("返点合计", t.rebate_fen),
                ("利润合计", t.profit_fen),
            ] {
                if let Some(i) = columns.iter().position(|c| c.0 == name) {
                    ws.write_number_with_format(row, i as u16, fen.yuan_f64(), &self.f.total_money)?;
                }
            }
        }
        row += 1;
        ws.write_string_with_format(row, 0, "大写金额", &self.f.label)?;
        put(ws, row, 1, last, &format!("人民币{}", q.totals.total_uppercase), &self.f.label)?;
        row += 1;
        ws.write_string_with_format(row, 0, "有效期", &self.f.label)?;
        put(ws, row, 1, last, &format!("本报价有效期至 {}，逾期请重新确认。", q.valid_until), &self.f.value)?;
        row += 1;
        if !q.notes.is_empty() {
            ws.write_string_with_format(row, 0, "备注", &self.f.label)?;
            put(ws, row, 1, last, &q.notes, &self.f.wrap)?;
            row += 1;
        }
        if internal {
            ws.write_string_with_format(row, 0, "计价说明", &self.f.label)?;
            let rule = format!(
                "单价 = 成本 + 成本×利润率 + 成本×返点率 + 其他费用。{ROUNDING_ZH}{}",
                if q.dealer_led {
                    "经销商主导：不套用公式，手工定价（政策单价仅供参考）。"
                } else {
                    ""
                }
            );
            put(ws, row, 1, last, &rule, &self.f.wrap)?;
            row += 1;
            for r in &q.required_approvals {
                ws.write_string_with_format(row, 0, "审批要求", &self.f.label)?;
                put(ws, row, 1, last, &r.reason_zh, &self.f.wrap)?;
                row += 1;
            }
            for a in &q.approvals {
                ws.write_string_with_format(row, 0, "审批记录", &self.f.label)?;
                let who = a.approver_name.clone().unwrap_or_else(|| a.approver_id.clone());
                let line = format!(
                    "{} {} {}（{}）{} {}",
                    &a.decided_at[..a.decided_at.len().min(10)],
                    a.kind.label_zh(),
                    who,
                    a.approver_role.label_zh(),
                    a.decision.label_zh(),
                    a.comment
                );
                put(ws, row, 1, last, &line, &self.f.value)?;
                row += 1;
            }
        }
        Ok(row)
    }

    /// The signature block.
    fn signatures(&self, ws: &mut Worksheet, mut row: u32) -> std::result::Result<(), XlsxError> {
        let (q, company, last, mid) = (self.q, self.company, self.last, self.mid);
        // Signature block.
        row += 1;
        put(ws, row, 0, mid - 1, &format!("报价单位（盖章）：{}", company.name), &self.f.label)?;
        put(ws, row, mid, last, "客户确认（签字盖章）：", &self.f.label)?;
        row += 2;
        put(ws, row, 0, mid - 1, "报价人：", &self.f.label)?;
        put(ws, row, mid, last, "签字：", &self.f.label)?;
        row += 1;
        put(ws, row, 0, mid - 1, &format!("日期：{}", q.quote_date), &self.f.label)?;
        put(ws, row, mid, last, "日期：", &self.f.label)?;
        Ok(())
    }
}

pub(crate) use crate::util::write_atomically;
