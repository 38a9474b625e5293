//! The monthly report workbook `大客户月报-YYYY-MM.xlsx` (rust_xlsxwriter).
//!
//! Every sheet: Chinese headers in a frozen first row with an autofilter, money '#,##0.00',
//! dates 'yyyy-mm-dd', column widths from the content (a CJK character counts as two), totals
//! as `=SUM(...)` formulas with the computed value cached (so readers that do not recalculate
//! still see it), landscape A4 fitted to the page width, a header with the month and the
//! department and page numbers in the footer. Money is written as fen ÷ 100, exact to the fen.

use rust_xlsxwriter::{
    utility::row_col_to_cell, Chart, ChartType, Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    Workbook, Worksheet, XlsxError,
};

use super::model::MonthlyReport;
use crate::error::{KamError, Result};
use crate::units::Fen;

pub(crate) const SHEETS: [&str; 9] =
    ["汇总", "业绩", "客户分级", "逾期拜访", "未结投诉", "逾期应收", "新客户开发", "绩效奖金", "提成"];

#[derive(Clone)]
enum Cell {
    Text(String),
    Int(i64),
    Money(Fen),
    Date(String),
    Num(f64),
    Empty,
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_money(v: Option<Fen>) -> Cell {
    v.map(Cell::Money).unwrap_or(Cell::Empty)
}

fn opt_int(v: Option<u32>) -> Cell {
    v.map(|x| Cell::Int(x as i64)).unwrap_or(Cell::Empty)
}

/// Display width: CJK and full-width characters count as two.
fn width_of(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}

fn xlsx_error(e: XlsxError) -> KamError {
    KamError::Io(std::io::Error::other(format!("Excel 生成失败 / building the workbook failed: {e}")))
}

struct Formats {
    head: Format,
    text: Format,
    int: Format,
    money: Format,
    date: Format,
    num: Format,
    total_label: Format,
    total_int: Format,
    total_money: Format,
    note: Format,
    title: Format,
}

fn formats() -> Formats {
    let b = || Format::new().set_border(FormatBorder::Thin);
    Formats {
        head: b()
            .set_bold()
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap(),
        text: b(),
        int: b().set_num_format("0"),
        money: b().set_num_format("#,##0.00"),
        date: b().set_num_format("yyyy-mm-dd"),
        num: b().set_num_format("0.00"),
        total_label: b().set_bold().set_align(FormatAlign::Center),
        total_int: b().set_bold().set_num_format("0"),
        total_money: b().set_bold().set_num_format("#,##0.00"),
        note: Format::new().set_italic().set_font_color(Color::RGB(0x595959)),
        title: Format::new().set_bold().set_font_size(14),
    }
}

/// What a column sums to in the totals row.
#[derive(Clone, Copy, PartialEq)]
enum Sum {
    No,
    Int,
    Money,
}

struct Table<'a> {
    name: &'a str,
    headers: Vec<(&'a str, Sum)>,
    rows: Vec<Vec<Cell>>,
    notes: Vec<String>,
}

fn page_setup(ws: &mut Worksheet, r: &MonthlyReport) {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    let dept = r.department.as_deref().unwrap_or("全部部门").replace('&', "&&");
    ws.set_header(format!("&L大客户月报 {}&C部门：{dept}&R生成于 {}", r.month, r.generated_at));
    ws.set_footer("&C第 &P 页，共 &N 页");
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, c: &Cell, f: &Formats) -> std::result::Result<(), XlsxError> {
    match c {
        Cell::Text(s) => ws.write_string_with_format(row, col, s, &f.text)?,
        Cell::Int(v) => ws.write_number_with_format(row, col, *v as f64, &f.int)?,
        Cell::Money(v) => ws.write_number_with_format(row, col, v.yuan_f64(), &f.money)?,
        Cell::Num(v) => ws.write_number_with_format(row, col, *v, &f.num)?,
        Cell::Date(s) => match crate::relation::parse_ymd(s) {
            Some(d) => {
                use chrono::Datelike;
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(row, col, &dt, &f.date)?
            }
            None => ws.write_string_with_format(row, col, s, &f.text)?,
        },
        Cell::Empty => ws.write_blank(row, col, &f.text)?,
    };
    Ok(())
}

fn cell_width(c: &Cell) -> usize {
    match c {
        Cell::Text(s) => width_of(s),
        Cell::Int(v) => v.to_string().len(),
        Cell::Money(v) => v.yuan_text().len(),
        Cell::Num(_) => 5,
        Cell::Date(_) => 10,
        Cell::Empty => 0,
    }
}

/// Write a table from row `top`: header, rows (or 本月无数据), totals, notes. Returns the
/// worksheet rows used: (first data row, last data row).
fn table(
    ws: &mut Worksheet,
    top: u32,
    tb: &Table,
    r: &MonthlyReport,
    f: &Formats,
) -> std::result::Result<(u32, u32), XlsxError> {
    let ncol = tb.headers.len() as u16;
    let mut widths: Vec<usize> = tb.headers.iter().map(|h| width_of(h.0)).collect();
    for (i, (h, _)) in tb.headers.iter().enumerate() {
        ws.write_string_with_format(top, i as u16, *h, &f.head)?;
    }
    ws.set_freeze_panes(top + 1, 0)?;
    let first = top + 1;
    let mut row = first;
    if tb.rows.is_empty() {
        ws.write_string_with_format(row, 0, "本月无数据", &f.text)?;
        row += 1;
    }
    for cells in &tb.rows {
        for (i, c) in cells.iter().enumerate() {
            write_cell(ws, row, i as u16, c, f)?;
            widths[i] = widths[i].max(cell_width(c));
        }
        row += 1;
    }
    let last = row - 1;
    ws.autofilter(top, 0, last, ncol - 1)?;
    if tb.headers.iter().any(|h| h.1 != Sum::No) {
        ws.write_string_with_format(row, 0, "合计", &f.total_label)?;
        for (i, (_, sum)) in tb.headers.iter().enumerate().skip(1) {
            let col = i as u16;
            let total: i64 = tb
                .rows
                .iter()
                .map(|cells| match cells.get(i) {
                    Some(Cell::Int(v)) => *v,
                    Some(Cell::Money(v)) => v.0,
                    _ => 0,
                })
                .sum();
            let range = format!("=SUM({}:{})", row_col_to_cell(first, col), row_col_to_cell(last.max(first), col));
            match sum {
                Sum::No => {
                    ws.write_blank(row, col, &f.total_label)?;
                }
                Sum::Int => {
                    ws.write_formula_with_format(
                        row,
                        col,
                        Formula::new(range).set_result(total.to_string()),
                        &f.total_int,
                    )?;
                }
                Sum::Money => {
                    let cached = format!("{}", Fen(total).yuan_f64());
                    ws.write_formula_with_format(row, col, Formula::new(range).set_result(cached), &f.total_money)?;
                    widths[i] = widths[i].max(Fen(total).yuan_text().len());
                }
            }
        }
        row += 1;
    }
    for n in &tb.notes {
        row += 1;
        ws.write_string_with_format(row, 0, n, &f.note)?;
    }
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, (*w as f64 + 2.0).clamp(6.0, 60.0))?;
    }
    let _ = r;
    Ok((first, last))
}

/// The workbook as bytes, and its sheet names.
pub(crate) fn workbook(r: &MonthlyReport) -> Result<(Vec<u8>, Vec<String>)> {
    let bytes = build(r).map_err(xlsx_error)?;
    Ok((bytes, SHEETS.iter().map(|s| s.to_string()).collect()))
}

/// Two ways to write a cell's figure, by kind.
fn money(v: Fen) -> Cell {
    Cell::Money(v)
}

fn int(v: u32) -> Cell {
    Cell::Int(v as i64)
}

fn build(r: &MonthlyReport) -> std::result::Result<Vec<u8>, XlsxError> {
    let f = formats();
    let mut wb = Workbook::new();
    // 业绩 first in the code (the summary's charts refer to it); pushed in sheet order below.
    let perf = performance_table(r);
    summary_sheet(&mut wb, r, &f)?;
    push_table_sheet(&mut wb, r, &f, &perf)?;
    push_table_sheet(&mut wb, r, &f, &tiers_table(r))?;
    push_table_sheet(&mut wb, r, &f, &overdue_visits_table(r))?;
    push_table_sheet(&mut wb, r, &f, &open_complaints_table(r))?;
    push_table_sheet(&mut wb, r, &f, &overdue_receivables_table(r))?;
    new_customers_sheet(&mut wb, r, &f)?;
    push_table_sheet(&mut wb, r, &f, &bonus_table(r))?;
    push_table_sheet(&mut wb, r, &f, &commissions_table(r))?;
    wb.save_to_buffer()
}

/// A sheet holding one table.
fn push_table_sheet(
    wb: &mut Workbook,
    r: &MonthlyReport,
    f: &Formats,
    tb: &Table,
) -> std::result::Result<(), XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(tb.name)?;
    page_setup(&mut ws, r);
    table(&mut ws, 0, tb, r, f)?;
    wb.push_worksheet(ws);
    Ok(())
}

/// 业绩: one row per rep.
fn performance_table(r: &MonthlyReport) -> Table<'static> {
    let perf_rows: Vec<Vec<Cell>> = r
        .reps
        .iter()
        .map(|p| {
            vec![
                t(&p.name),
                t(&p.department),
                p.left_on.as_ref().map(|d| Cell::Date(d.clone())).unwrap_or(Cell::Empty),
                int(p.visits_done),
                int(p.visits_planned),
                int(p.visits_overdue),
                int(p.new_customers),
                int(p.quota),
                int(p.quotes_issued),
                int(p.quotes_won),
                money(p.quotes_won_fen),
                money(p.net_sales_fen),
                opt_money(p.sales_target_fen),
                money(p.collections_fen),
                opt_money(p.collection_target_fen),
                int(p.complaints_opened),
                int(p.complaints_closed),
                int(p.complaints_within_deadline),
                p.satisfaction.map(Cell::Num).unwrap_or(Cell::Empty),
            ]
        })
        .collect();
    Table {
        name: "业绩",
        headers: vec![
            ("业务员", Sum::No),
            ("部门", Sum::No),
            ("离职日期", Sum::No),
            ("拜访完成", Sum::Int),
            ("拜访计划", Sum::Int),
            ("逾期拜访", Sum::Int),
            ("新客户", Sum::Int),
            ("开发指标", Sum::Int),
            ("报价发出", Sum::Int),
            ("报价成交", Sum::Int),
            ("成交金额", Sum::Money),
            ("销售额（净）", Sum::Money),
            ("销售目标", Sum::Money),
            ("回款", Sum::Money),
            ("回款目标", Sum::Money),
            ("新增投诉", Sum::Int),
            ("已结投诉", Sum::Int),
            ("按期响应", Sum::Int),
            ("满意度（1–5）", Sum::No),
        ],
        rows: perf_rows,
        notes: vec![
            "销售额为销售减退货；拜访、报价、投诉和满意度按客户的当前负责人统计；逾期拜访截至生成日。".into(),
            "离职人员在离职当月仍列出（按在职天数内的业绩）。".into(),
        ],
    }
}

/// 汇总: the key figures and three charts.
fn summary_sheet(wb: &mut Workbook, r: &MonthlyReport, f: &Formats) -> std::result::Result<(), XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEETS[0])?;
    page_setup(&mut ws, r);
    let tt = &r.totals;
    let dept = r.department.clone().unwrap_or_else(|| "全部部门".into());
    ws.write_string_with_format(0, 0, format!("大客户月报 {}（{dept}）", r.month), &f.title)?;
    let mut key: Vec<Vec<Cell>> = vec![
        vec![t("统计截至"), Cell::Date(r.as_of.clone())],
        vec![t("业务员人数"), int(tt.reps)],
        vec![t("客户数"), int(tt.customers)],
        vec![t("拜访完成"), int(tt.visits_done)],
        vec![t("拜访计划"), int(tt.visits_planned)],
        vec![t("逾期拜访"), int(tt.visits_overdue)],
        vec![t("新客户 / 开发指标"), t(format!("{} / {}", tt.new_customers, tt.quota))],
        vec![t("开发指标奖罚（元）"), money(tt.quota_incentive_fen)],
        vec![t("新客户奖金（元）"), money(tt.new_customer_bonus_fen)],
        vec![t("报价发出 / 成交"), t(format!("{} / {}", tt.quotes_issued, tt.quotes_won))],
        vec![t("成交金额（元）"), money(tt.quotes_won_fen)],
        vec![t("销售额（净，元）"), money(tt.net_sales_fen)],
        vec![t("销售目标（元）"), money(tt.sales_target_fen)],
        vec![t("回款（元）"), money(tt.collections_fen)],
        vec![t("回款目标（元）"), money(tt.collection_target_fen)],
        vec![
            t("新增 / 已结 / 按期响应投诉"),
            t(format!("{} / {} / {}", tt.complaints_opened, tt.complaints_closed, tt.complaints_within_deadline)),
        ],
        vec![t("未结投诉"), int(tt.open_complaints)],
        vec![t("平均满意度（1–5）"), tt.satisfaction.map(Cell::Num).unwrap_or(Cell::Empty)],
        vec![t("逾期应收笔数"), int(tt.overdue_receivables)],
        vec![t("逾期应收金额（元）"), money(tt.overdue_receivable_fen)],
        vec![t("绩效奖金合计（元）"), money(tt.performance_bonus_fen)],
        vec![t("提成合计（元）"), money(tt.commission_fen)],
    ];
    if r.empty {
        key.insert(0, vec![t("本月无数据"), t("本月没有拜访、销售、回款、报价或投诉记录。")]);
    }
    let summary =
        Table { name: "汇总", headers: vec![("指标", Sum::No), ("数值", Sum::No)], rows: key, notes: vec![] };
    table(&mut ws, 2, &summary, r, f)?;
    ws.set_column_width(1, 22)?;
    let n = r.reps.len() as u32;
    if n > 0 {
        let mut c1 = Chart::new(ChartType::Column);
        c1.title().set_name("各业务员拜访完成");
        c1.add_series().set_name("拜访完成").set_categories(("业绩", 1, 0, n, 0)).set_values(("业绩", 1, 3, n, 3));
        c1.legend().set_hidden();
        ws.insert_chart(2, 3, &c1)?;
        let mut c2 = Chart::new(ChartType::Column);
        c2.title().set_name("各业务员销售额（元）");
        c2.add_series().set_name("销售额").set_categories(("业绩", 1, 0, n, 0)).set_values(("业绩", 1, 11, n, 11));
        c2.legend().set_hidden();
        ws.insert_chart(18, 3, &c2)?;
    }
    let mut c3 = Chart::new(ChartType::Pie);
    c3.title().set_name("月末客户等级分布");
    c3.add_series().set_name("客户数").set_categories(("客户分级", 1, 0, 4, 0)).set_values(("客户分级", 1, 2, 4, 2));
    ws.insert_chart(2, 11, &c3)?;
    wb.push_worksheet(ws);
    Ok(())
}

/// 客户分级: tiers at the month's start and end.
fn tiers_table(r: &MonthlyReport) -> Table<'static> {
    Table {
        name: "客户分级",
        headers: vec![
            ("等级", Sum::No),
            ("月初", Sum::Int),
            ("月末", Sum::Int),
            ("调入", Sum::Int),
            ("调出", Sum::Int),
            ("本月新建", Sum::Int),
        ],
        rows: r
            .tiers
            .iter()
            .map(|x| vec![t(&x.label), int(x.at_start), int(x.at_end), int(x.moved_in), int(x.moved_out), int(x.added)])
            .collect(),
        notes: vec!["说明：月内等级有变动的客户只计一次，按其月末所在等级统计；调入/调出比较月初与月末的等级。".into()],
    }
}

/// 逾期拜访.
fn overdue_visits_table(r: &MonthlyReport) -> Table<'static> {
    Table {
        name: "逾期拜访",
        headers: vec![
            ("客户", Sum::No),
            ("客户代码", Sum::No),
            ("等级", Sum::No),
            ("负责人", Sum::No),
            ("规则", Sum::No),
            ("每年次数", Sum::No),
            ("上次", Sum::No),
            ("应于", Sum::No),
            ("逾期天数", Sum::No),
        ],
        rows: r
            .overdue_visits
            .iter()
            .map(|d| {
                vec![
                    t(&d.customer_name),
                    t(d.customer_code.clone().unwrap_or_default()),
                    t(d.tier.label_zh()),
                    t(d.owner_name.clone().unwrap_or_default()),
                    t(d.rule.label_zh()),
                    int(d.per_year),
                    d.last_on.clone().map(Cell::Date).unwrap_or(Cell::Empty),
                    Cell::Date(d.next_due_on.clone()),
                    Cell::Int(d.days_overdue as i64),
                ]
            })
            .collect(),
        notes: vec![format!("逾期拜访截至生成日（{}），按拜访频次规则计算。", r.generated_at)],
    }
}

/// 未结投诉.
fn open_complaints_table(r: &MonthlyReport) -> Table<'static> {
    Table {
        name: "未结投诉",
        headers: vec![
            ("客户", Sum::No),
            ("负责人", Sum::No),
            ("标题", Sum::No),
            ("严重程度", Sum::No),
            ("状态", Sum::No),
            ("投诉日期", Sum::No),
            ("响应期限", Sum::No),
            ("已响应", Sum::No),
            ("超期未响应", Sum::No),
        ],
        rows: r
            .open_complaints
            .iter()
            .map(|c| {
                vec![
                    t(&c.customer_name),
                    t(&c.owner_name),
                    t(&c.title),
                    t(&c.severity),
                    t(&c.status),
                    Cell::Date(c.opened_on.clone()),
                    t(&c.deadline),
                    t(if c.responded { "是" } else { "否" }),
                    t(if c.overdue { "是" } else { "" }),
                ]
            })
            .collect(),
        notes: vec![],
    }
}

/// 逾期应收.
fn overdue_receivables_table(r: &MonthlyReport) -> Table<'static> {
    Table {
        name: "逾期应收",
        headers: vec![
            ("客户", Sum::No),
            ("负责人", Sum::No),
            ("开票日期", Sum::No),
            ("到期日", Sum::No),
            ("应收金额", Sum::Money),
            ("已收", Sum::Money),
            ("未收", Sum::Money),
            ("逾期天数", Sum::No),
        ],
        rows: r
            .overdue_receivables
            .iter()
            .map(|x| {
                vec![
                    t(&x.customer_name),
                    t(&x.owner_name),
                    Cell::Date(x.invoiced_on.clone()),
                    Cell::Date(x.due_on.clone()),
                    money(x.amount_fen),
                    money(x.paid_fen),
                    money(x.outstanding_fen),
                    int(x.days_overdue),
                ]
            })
            .collect(),
        notes: vec![format!("截至 {}。", r.as_of)],
    }
}

/// 新客户开发: per rep incentive, then the customers.
fn new_customers_sheet(wb: &mut Workbook, r: &MonthlyReport, f: &Formats) -> std::result::Result<(), XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("新客户开发")?;
    page_setup(&mut ws, r);
    let quota_table = Table {
        name: "新客户开发",
        headers: vec![
            ("业务员", Sum::No),
            ("部门", Sum::No),
            ("新客户", Sum::Int),
            ("开发指标", Sum::Int),
            ("差额", Sum::Int),
            ("指标奖罚（元）", Sum::Money),
            ("新客户奖金（元）", Sum::Money),
            ("合计（元）", Sum::Money),
        ],
        rows: r
            .reps
            .iter()
            .map(|p| {
                vec![
                    t(&p.name),
                    t(&p.department),
                    int(p.new_customers),
                    int(p.quota),
                    Cell::Int(p.new_customers as i64 - p.quota as i64),
                    money(p.quota_incentive_fen),
                    money(p.new_customer_bonus_fen),
                    money(p.quota_incentive_fen + p.new_customer_bonus_fen),
                ]
            })
            .collect(),
        notes: vec![
            "新客户：当月净购买额超过 100 元，且此前 12 个月无购买（休眠一年以上重新启用的客户也计为新客户）。".into(),
            "指标奖罚：每少一个 −10 元，每多一个 +10 元。".into(),
            "新客户奖金（只取当月最高一档，退货冲减）：首月 含2,000→50、含4,000→100；次月 含3,000→50、超过5,000→100；第三月 超过5,000→100、超过10,000→200。".into(),
        ],
    };
    table(&mut ws, 0, &quota_table, r, f)?;
    let top = (r.reps.len().max(1) + 7) as u32;
    let list = Table {
        name: "新客户开发",
        headers: vec![
            ("客户", Sum::No),
            ("业务员", Sum::No),
            ("开发月", Sum::No),
            ("第几月", Sum::No),
            ("重新启用", Sum::No),
            ("本月净购买额", Sum::Money),
            ("奖金（元）", Sum::Money),
        ],
        rows: r
            .new_customers
            .iter()
            .map(|c| {
                vec![
                    t(&c.customer_name),
                    t(&c.rep_name),
                    t(&c.developed_in),
                    int(c.nth_month),
                    t(if c.reactivated { "是" } else { "" }),
                    money(c.net_purchases_fen),
                    money(c.bonus_fen),
                ]
            })
            .collect(),
        notes: vec![],
    };
    // The second table: no freeze/filter of its own (one autofilter per sheet).
    write_plain(&mut ws, top, &list, f)?;
    ws.set_freeze_panes(1, 0)?;
    wb.push_worksheet(ws);
    Ok(())
}

/// 绩效奖金.
fn bonus_table(r: &MonthlyReport) -> Table<'static> {
    Table {
        name: "绩效奖金",
        headers: vec![
            ("业务员", Sum::No),
            ("部门", Sum::No),
            ("业绩得分（60）", Sum::No),
            ("能力（20）", Sum::No),
            ("态度（20）", Sum::No),
            ("总分", Sum::No),
            ("绩效工资", Sum::Money),
            ("发放比例%", Sum::No),
            ("按得分", Sum::Money),
            ("部门目标", Sum::No),
            ("部门调整（±5%）", Sum::Money),
            ("绩效奖金", Sum::Money),
            ("备注", Sum::No),
        ],
        rows: r
            .performance
            .iter()
            .map(|p| {
                vec![
                    t(&p.name),
                    t(&p.department),
                    opt_int(p.results),
                    opt_int(p.ability),
                    opt_int(p.attitude),
                    opt_int(p.score),
                    opt_money(p.performance_pay_fen),
                    opt_int(p.bonus.map(|b| b.percent)),
                    opt_money(p.bonus.map(|b| b.base_fen)),
                    t(p.department_outcome.label_zh()),
                    opt_money(p.bonus.map(|b| b.department_fen)),
                    opt_money(p.bonus.map(|b| b.total_fen)),
                    t(&p.note),
                ]
            })
            .collect(),
        notes: vec![
            "业绩得分 = min(60, 60 × 净销售额 ÷ 销售目标)，四舍五入到整分；总分 = 业绩 + 能力 + 态度。".into(),
            "发放：95–100 分 105%；90–94 分 100%；60–89 分 按得分%；60 分以下不发。部门超额完成冲刺目标 +5%，未完成目标 −5%。".into(),
            "金额逐项四舍五入到分（例：88 分、绩效工资 3,000 元 → 2,640 元；部门超额 +132 → 2,772 元）。".into(),
        ],
    }
}

/// 提成.
fn commissions_table(r: &MonthlyReport) -> Table<'static> {
    Table {
        name: "提成",
        headers: vec![
            ("业务员", Sum::No),
            ("部门", Sum::No),
            ("回款月份", Sum::No),
            ("上月回款", Sum::Money),
            ("提成（2%）", Sum::Money),
        ],
        rows: r
            .commissions
            .iter()
            .map(|c| {
                vec![
                    t(&c.name),
                    t(&c.department),
                    t(&c.collections_month),
                    money(c.collections_fen),
                    money(c.commission_fen),
                ]
            })
            .collect(),
        notes: vec!["提成 = 上月财务确认回款 × 2%，四舍五入到分。".into()],
    }
}

/// A second table on a sheet: header, rows, totals, without freeze panes or autofilter.
fn write_plain(ws: &mut Worksheet, top: u32, tb: &Table, f: &Formats) -> std::result::Result<(), XlsxError> {
    for (i, (h, _)) in tb.headers.iter().enumerate() {
        ws.write_string_with_format(top, i as u16, *h, &f.head)?;
    }
    let first = top + 1;
    let mut row = first;
    if tb.rows.is_empty() {
        ws.write_string_with_format(row, 0, "本月无数据", &f.text)?;
        row += 1;
    }
    for cells in &tb.rows {
        for (i, c) in cells.iter().enumerate() {
            write_cell(ws, row, i as u16, c, f)?;
        }
        row += 1;
    }
    let last = row - 1;
    ws.write_string_with_format(row, 0, "合计", &f.total_label)?;
    for (i, (_, sum)) in tb.headers.iter().enumerate().skip(1) {
        if *sum != Sum::Money {
            continue;
        }
        let total: Fen = tb.rows.iter().map(|c| if let Some(Cell::Money(v)) = c.get(i) { *v } else { Fen::ZERO }).sum();
        let col = i as u16;
        let range = format!("=SUM({}:{})", row_col_to_cell(first, col), row_col_to_cell(last, col));
        ws.write_formula_with_format(
            row,
            col,
            Formula::new(range).set_result(format!("{}", total.yuan_f64())),
            &f.total_money,
        )?;
    }
    Ok(())
}

pub(crate) use crate::util::write_atomically;
