//! The fields each kind of import fills, with their Chinese labels and the header synonyms
//! they are recognised by (customers' are [`super::FIELDS`]), and the cleaning of the cells
//! finance needs: dates (Excel serials, 2026-01-05, 2026/1/5, 2026年1月5日, 20260105) and
//! amounts through the core's one money parser.

use chrono::NaiveDate;

use super::read::Cell;
use super::{ImportKind, FIELDS};
use crate::units::Fen;

/// (field, Chinese label, header synonyms).
pub type FieldDef = (&'static str, &'static str, &'static [&'static str]);

const CUSTOMER: FieldDef = (
    "customer",
    "客户名称",
    &[
        "客户名称",
        "单位名称",
        "公司名称",
        "企业名称",
        "客户全称",
        "客户",
        "购货单位",
        "购买方",
        "付款单位",
        "往来单位",
        "customer",
        "customername",
        "company",
    ],
);
const CUSTOMER_CODE: FieldDef =
    ("customer_code", "客户编码", &["客户编码", "客户代码", "客户编号", "原客户编码", "customercode"]);
const CREDIT_CODE: FieldDef = (
    "credit_code",
    "统一社会信用代码",
    &["统一社会信用代码", "社会信用代码", "信用代码", "税号", "纳税人识别号", "creditcode", "uscc", "taxid"],
);
const DOC_NO: FieldDef = (
    "doc_no",
    "单据号",
    &[
        "单据号",
        "单据编号",
        "单号",
        "订单号",
        "销售单号",
        "出库单号",
        "退货单号",
        "发票号",
        "发票号码",
        "收款单号",
        "回款单号",
        "凭证号",
        "业务单号",
        "docno",
        "documentno",
        "invoiceno",
        "orderno",
    ],
);
const AMOUNT: FieldDef = (
    "amount",
    "金额",
    &[
        "金额",
        "金额(元)",
        "价税合计",
        "含税金额",
        "销售金额",
        "退货金额",
        "回款金额",
        "收款金额",
        "到账金额",
        "应收金额",
        "发票金额",
        "amount",
    ],
);
const REP: FieldDef = ("rep", "业务员", &["业务员", "营销专员", "销售员", "客户经理", "rep", "salesman"]);
const NOTES: FieldDef = ("notes", "备注", &["备注", "摘要", "说明", "notes", "remark", "remarks"]);

/// Contacts: matched to their customer by customer code, credit code or name.
pub const CONTACT_FIELDS: &[FieldDef] = &[
    CUSTOMER,
    CUSTOMER_CODE,
    CREDIT_CODE,
    ("name", "联系人", &["联系人", "联系人姓名", "姓名", "contact", "contactname", "name"]),
    ("title", "职务", &["职务", "联系人职务", "职位", "title"]),
    ("mobile", "手机", &["手机", "手机号", "手机号码", "移动电话", "联系手机", "mobile", "cellphone"]),
    ("phone", "电话", &["电话", "固定电话", "办公电话", "联系电话", "座机", "phone", "tel", "telephone"]),
    ("email", "邮箱", &["邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail"]),
    ("birthday", "生日", &["生日", "出生日期", "birthday"]),
    ("decision_maker", "决策人", &["是否决策人", "决策人", "关键决策人", "decisionmaker"]),
    NOTES,
];

/// Sales and returns (a 类型 column saying 退货, or a negative amount, makes a return).
pub const SALE_FIELDS: &[FieldDef] = &[
    CUSTOMER,
    CUSTOMER_CODE,
    CREDIT_CODE,
    DOC_NO,
    ("date", "日期", &["日期", "单据日期", "销售日期", "业务日期", "出库日期", "开单日期", "date"]),
    AMOUNT,
    ("kind", "类型", &["类型", "业务类型", "单据类型", "销售类型", "kind", "type"]),
    REP,
    NOTES,
];

/// Collections (回款).
pub const COLLECTION_FIELDS: &[FieldDef] = &[
    CUSTOMER,
    CUSTOMER_CODE,
    CREDIT_CODE,
    DOC_NO,
    ("date", "收款日期", &["收款日期", "回款日期", "到账日期", "日期", "单据日期", "date"]),
    AMOUNT,
    REP,
    NOTES,
];

/// Receivables (应收) with their due dates and what has been paid.
pub const RECEIVABLE_FIELDS: &[FieldDef] = &[
    CUSTOMER,
    CUSTOMER_CODE,
    CREDIT_CODE,
    DOC_NO,
    ("date", "开票日期", &["开票日期", "发票日期", "日期", "单据日期", "业务日期", "date"]),
    ("due_on", "到期日", &["到期日", "到期日期", "应收日期", "约定付款日", "付款期限", "duedate", "due"]),
    AMOUNT,
    ("paid", "已收金额", &["已收金额", "已收", "已收款", "已回款", "已付金额", "paid"]),
    REP,
    NOTES,
];

/// The fields of a kind of import.
pub fn fields_for(kind: ImportKind) -> &'static [FieldDef] {
    match kind {
        ImportKind::Customers => FIELDS,
        ImportKind::Contacts => CONTACT_FIELDS,
        ImportKind::Sales => SALE_FIELDS,
        ImportKind::Collections => COLLECTION_FIELDS,
        ImportKind::Receivables => RECEIVABLE_FIELDS,
    }
}

/// What a file of this kind must have: (fields that must all be mapped, fields of which one
/// must be mapped).
pub(crate) fn required(kind: ImportKind) -> (&'static [&'static str], &'static [&'static str]) {
    const CUSTOMER_KEYS: &[&str] = &["customer_code", "credit_code", "customer"];
    match kind {
        ImportKind::Customers => (&["name"], &[]),
        ImportKind::Contacts => (&["name"], CUSTOMER_KEYS),
        ImportKind::Sales | ImportKind::Collections => (&["doc_no", "date", "amount"], CUSTOMER_KEYS),
        ImportKind::Receivables => (&["doc_no", "date", "due_on", "amount"], CUSTOMER_KEYS),
    }
}

/// A date cell: an Excel date (either epoch), an Excel serial stored as a number (in the
/// workbook's epoch: `date1904`), or text as people write it (2026-01-05, 2026/1/5, 2026年1月5日,
/// 20260105). Day and month that could swap (01/05/2026) and two-digit years are errors saying
/// so. Years 2000–2100 (birthdays: 1900 on).
pub(crate) fn cell_date(field: &str, cell: &Cell, date1904: bool) -> Result<Option<NaiveDate>, (String, String)> {
    let err = |e: crate::error::KamError| (e.to_string(), e.message_en());
    let d = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(d) => *d,
        Cell::Number(n) => number_date(*n, date1904).ok_or_else(|| bad_date(&cell.text()))?,
        Cell::Text(t) => {
            let t = crate::input::normalize_width(t);
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            match t.parse::<f64>() {
                Ok(n) if t.len() != 8 && t.chars().all(|c| c.is_ascii_digit() || c == '.') => {
                    number_date(n, date1904).ok_or_else(|| bad_date(t))?
                }
                _ => match crate::input::date(field, t) {
                    Ok(d) => d,
                    Err(e) => match year_last(t) {
                        Some(d) => d,
                        None => return Err(day_first_or_month_first(t).unwrap_or_else(|| err(e))),
                    },
                },
            }
        }
    };
    use chrono::Datelike;
    let min = if field == "birthday" { 1900 } else { 2000 };
    if !(min..=2100).contains(&d.year()) {
        return Err((
            format!("日期「{d}」超出范围，应在 {min} 年到 2100 年之间。请核对日期。"),
            format!("The date '{d}' is out of range; use a date between {min} and 2100."),
        ));
    }
    Ok(Some(d))
}

/// A date written with the year last (05/01/2026, 5-1-2026) or with a two-digit year (26/1/5,
/// 1/5/26): the error saying what is ambiguous and how to write it. A year-last date whose day
/// and month cannot swap (25/12/2026) is read as day-month-year or month-day-year, whichever is
/// a date. None: not such a date (the plain format error applies).
fn day_first_or_month_first(t: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = t.split(['-', '/', '.']).map(str::trim).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let fix = "请在 Excel/WPS 中把该列设置为日期格式，或写成 2026-01-05 这样的“年-月-日”（四位年份），再导入。";
    let fix_en = "Format the column as a date in Excel/WPS, or write year-month-day with a four-digit year such as 2026-01-05, then import again.";
    if parts.iter().all(|p| p.len() <= 2) {
        return Some((
            format!("日期「{t}」的年份只有两位，无法确定哪一位是年、哪一位是月和日（也无法确定世纪）。{fix}"),
            format!("The date '{t}' has a two-digit year: which part is the year, month and day (and the century) cannot be told. {fix_en}"),
        ));
    }
    if parts[2].len() != 4 {
        return None;
    }
    let (a, b, y): (u32, u32, i32) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
    let dm = NaiveDate::from_ymd_opt(y, b, a);
    let md = NaiveDate::from_ymd_opt(y, a, b);
    match (dm, md) {
        (Some(x), Some(z)) if x != z => Some((
            format!(
                "日期「{t}」有歧义：可能是 {}，也可能是 {}（日和月可以互换）。{fix}",
                x.format("%Y年%-m月%-d日"),
                z.format("%Y年%-m月%-d日")
            ),
            format!("The date '{t}' is ambiguous: it may be {x} or {z} (day and month can swap). {fix_en}"),
        )),
        _ => None,
    }
}

/// A year-last date whose day and month cannot swap: (the date).
fn year_last(t: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = t.split(['-', '/', '.']).map(str::trim).collect();
    if parts.len() != 3 || parts[2].len() != 4 || parts[..2].iter().any(|p| p.is_empty() || p.len() > 2) {
        return None;
    }
    let (a, b, y): (u32, u32, i32) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
    match (NaiveDate::from_ymd_opt(y, b, a), NaiveDate::from_ymd_opt(y, a, b)) {
        (Some(d), None) | (None, Some(d)) => Some(d),
        (Some(d), Some(e)) if d == e => Some(d),
        _ => None,
    }
}

/// 20260105 as a number, or an Excel serial (days since 1899-12-30 in the 1900 date system,
/// since 1904-01-01 in the 1904 one; a time of day is dropped).
fn number_date(n: f64, date1904: bool) -> Option<NaiveDate> {
    if n.fract() == 0.0 && (19_000_101.0..=21_001_231.0).contains(&n) {
        let v = n as u32;
        return NaiveDate::from_ymd_opt((v / 10_000) as i32, v / 100 % 100, v % 100);
    }
    if (1.0..2_958_466.0).contains(&n) {
        let base = if date1904 { NaiveDate::from_ymd_opt(1904, 1, 1)? } else { NaiveDate::from_ymd_opt(1899, 12, 30)? };
        return base.checked_add_days(chrono::Days::new(n.floor() as u64));
    }
    None
}

fn bad_date(shown: &str) -> (String, String) {
    (
        format!("日期「{shown}」无法识别，请写成 2026-01-05、2026/1/5、2026年1月5日 或 20260105。"),
        format!("The date '{shown}' is not recognised; write 2026-01-05, 2026/1/5, 2026年1月5日 or 20260105."),
    )
}

/// An amount cell in 元 through the core's money parser: the amount and whether it was
/// negative (`-1,200.00`, `(1,200.00)`, or a negative number). A number from Excel is taken
/// to the fen only when it is one (`1234.5600000001` from a formula is 1234.56; `12.345` is an
/// error, as typed).
pub(crate) fn cell_money(cell: &Cell) -> Result<Option<(Fen, bool)>, (String, String)> {
    let err = |e: crate::error::KamError| (e.to_string(), e.message_en());
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(_) => Err(bad_money(&cell.text())),
        Cell::Number(n) => {
            let neg = *n < 0.0;
            let a = n.abs();
            let fen = (a * 100.0).round();
            let text = if ((a * 100.0) - fen).abs() < 1e-6 { format!("{:.2}", fen / 100.0) } else { a.to_string() };
            Ok(Some((crate::input::money("amount", &text).map_err(err)?, neg)))
        }
        Cell::Text(t) => {
            let n = crate::input::normalize_width(t);
            let mut s = n.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let mut neg = false;
            if let Some(x) = s.strip_prefix('-') {
                (s, neg) = (x.trim_start(), true);
            } else if let Some(x) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                (s, neg) = (x.trim(), true);
            }
            Ok(Some((crate::input::money("amount", s).map_err(err)?, neg)))
        }
    }
}

fn bad_money(shown: &str) -> (String, String) {
    (
        format!("金额「{shown}」无法识别，请写成 12800.50 这样的数字（元）。"),
        format!("The amount '{shown}' is not recognised; write a number of yuan such as 12800.50."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn dates_as_excel_and_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        for c in [
            Cell::Date(d),
            Cell::Number(46027.0),
            Cell::Number(46027.75),
            Cell::Number(20260105.0),
            t("2026-01-05"),
            t("2026/1/5"),
            t("2026年1月5日"),
            t("20260105"),
            t("46027"),
            t("２０２６-１-５"),
        ] {
            assert_eq!(cell_date("date", &c, false).unwrap(), Some(d), "{c:?}");
        }
        // The 1904 date system: the same day is 1462 serial days less.
        assert_eq!(cell_date("date", &Cell::Number(46027.0 - 1462.0), true).unwrap(), Some(d));
        assert_eq!(cell_date("date", &t("44565"), true).unwrap(), Some(d));
        assert_eq!(cell_date("date", &Cell::Date(d), true).unwrap(), Some(d), "calamine applied the epoch");
        assert_eq!(cell_date("date", &t(" "), false).unwrap(), None);
        // Year last, day and month that cannot swap: one reading only.
        let xmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        assert_eq!(cell_date("date", &t("25/12/2026"), false).unwrap(), Some(xmas));
        assert_eq!(cell_date("date", &t("12/25/2026"), false).unwrap(), Some(xmas));
        assert_eq!(cell_date("date", &t("05/05/2026"), false).unwrap(), NaiveDate::from_ymd_opt(2026, 5, 5));
        // Day and month that could swap, and two-digit years: errors saying what and how.
        for amb in ["01/05/2026", "05/01/2026", "1-5-2026", "5.1.2026"] {
            let (zh, en) = cell_date("date", &t(amb), false).unwrap_err();
            assert!(zh.contains("有歧义") && zh.contains("2026年1月5日") && zh.contains("2026年5月1日"), "{zh}");
            assert!(zh.contains("2026-01-05"), "{zh}");
            assert!(en.contains("ambiguous"), "{en}");
        }
        for two in ["26/1/5", "1/5/26", "26-01-05"] {
            let (zh, _) = cell_date("date", &t(two), false).unwrap_err();
            assert!(zh.contains("年份只有两位") && zh.contains("四位年份"), "{two}: {zh}");
        }
        assert!(cell_date("date", &t("2026-02-30"), false).is_err());
        assert!(cell_date("date", &t("31/02/2026"), false).is_err());
        assert!(cell_date("date", &Cell::Number(3.0), false).is_err(), "1900 is out of range for business");
        assert!(cell_date("birthday", &t("1965-03-02"), false).is_ok());
    }

    #[test]
    fn amounts_through_the_money_parser() {
        assert_eq!(cell_money(&Cell::Number(12800.5)).unwrap(), Some((Fen(1_280_050), false)));
        assert_eq!(cell_money(&Cell::Number(1234.5600000000002)).unwrap(), Some((Fen(123_456), false)));
        assert_eq!(cell_money(&Cell::Number(-500.0)).unwrap(), Some((Fen(50_000), true)));
        assert_eq!(cell_money(&t("¥12,800.50")).unwrap(), Some((Fen(1_280_050), false)));
        assert_eq!(cell_money(&t("-1,200.00")).unwrap(), Some((Fen(120_000), true)));
        assert_eq!(cell_money(&t("(1,200.00)")).unwrap(), Some((Fen(120_000), true)));
        assert_eq!(cell_money(&t("")).unwrap(), None);
        assert!(cell_money(&Cell::Number(12.345)).is_err());
        assert!(cell_money(&t("12.345")).is_err());
        assert!(cell_money(&t("abc")).is_err());
    }
}
