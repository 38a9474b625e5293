//! Which column is which: the header row found past title rows, merged header cells filled,
//! headers matched to customer fields by Chinese and English names and synonyms; and the typed
//! cleaning of a cell for its field (ID-like text, lost digits, dates, the normalised name).

use super::fields::FieldDef;
use super::read::Cell;
use crate::input::normalize_width;

/// The customer fields a column can fill: (field, Chinese label, synonyms). Matching ignores
/// width, case, spaces and a trailing `*` or colon.
pub const FIELDS: &[FieldDef] = &[
    (
        "name",
        "单位名称",
        &[
            "单位名称",
            "客户名称",
            "公司名称",
            "企业名称",
            "客户全称",
            "单位全称",
            "名称",
            "name",
            "customer",
            "company",
            "customername",
            "companyname",
        ],
    ),
    (
        "credit_code",
        "统一社会信用代码",
        &["统一社会信用代码", "社会信用代码", "信用代码", "税号", "纳税人识别号", "creditcode", "uscc", "taxid"],
    ),
    ("legacy_code", "原客户编码", &["客户编码", "客户代码", "客户编号", "原客户编码", "编码", "customercode", "code"]),
    ("address", "单位地址", &["单位地址", "地址", "公司地址", "通讯地址", "address"]),
    ("city", "城市", &["城市", "所在城市", "所在地", "所在地区", "地区", "city"]),
    ("industry", "行业类别", &["行业类别", "行业", "所属行业", "industry"]),
    ("tier", "客户等级", &["客户等级", "等级", "客户级别", "级别", "tier", "level"]),
    ("category", "客户类别", &["客户类别", "类别", "客户类型", "category"]),
    ("nature", "单位性质", &["单位性质", "企业性质", "性质", "nature"]),
    ("scale", "经营规模", &["经营规模", "规模", "scale"]),
    ("source", "客户来源", &["客户来源", "来源", "source"]),
    ("owner", "营销专员", &["营销专员", "负责人", "客户经理", "业务员", "销售", "owner", "accountmanager"]),
    ("contact_name", "联系人", &["联系人", "联系人姓名", "contact", "contactname"]),
    ("contact_title", "职务", &["职务", "联系人职务", "title"]),
    ("mobile", "手机", &["手机", "手机号", "手机号码", "移动电话", "联系手机", "mobile", "cellphone"]),
    ("phone", "电话", &["电话", "固定电话", "办公电话", "联系电话", "座机", "phone", "tel", "telephone"]),
    ("email", "邮箱", &["邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail"]),
    ("birthday", "联系人生日", &["生日", "联系人生日", "birthday"]),
    ("notes", "备注", &["备注", "说明", "notes", "remark", "remarks"]),
];

/// The field kinds that are identifiers: read as text, never as numbers.
pub(crate) const ID_FIELDS: &[&str] = &["credit_code", "legacy_code", "customer_code", "doc_no", "mobile", "phone"];

pub(crate) fn header_key(h: &str) -> String {
    normalize_width(h)
        .chars()
        .filter(|c| !c.is_whitespace() && !"*:：_".contains(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The customer field a header names, if any.
pub fn field_for_header(h: &str) -> Option<&'static str> {
    field_in(FIELDS, h)
}

/// The field of `fields` a header names, if any.
pub fn field_in(fields: &[FieldDef], h: &str) -> Option<&'static str> {
    let k = header_key(h);
    if k.is_empty() {
        return None;
    }
    fields.iter().find(|(f, _, syn)| *f == k || syn.iter().any(|s| header_key(s) == k)).map(|(f, _, _)| *f)
}

/// Whether `field` is one of the customer import's fields.
pub fn is_field(field: &str) -> bool {
    FIELDS.iter().any(|(f, _, _)| *f == field)
}

/// The index (into `rows`) of the header row: among the first 20 rows, the one naming most
/// known fields; without any, the first row with two or more text cells.
pub(crate) fn find_header(rows: &[(u32, Vec<Cell>)], fields: &[FieldDef]) -> Option<usize> {
    let head = rows.iter().take(20).enumerate();
    let best = head
        .clone()
        .map(|(i, (_, cells))| (cells.iter().filter(|c| field_in(fields, &c.text()).is_some()).count(), i))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, i)| (*n, std::cmp::Reverse(*i)));
    best.map(|(_, i)| i).or_else(|| {
        head.clone()
            .find(|(_, (_, cells))| cells.iter().filter(|c| matches!(c, Cell::Text(_)) && !c.is_empty()).count() >= 2)
            .map(|(i, _)| i)
    })
}

/// Header texts: a blank cell right of a header (a merged cell) takes the header on its left
/// with a number (`联系人(2)`); repeated headers are numbered the same way, so every key is
/// unique. Columns blank from the start are `列N`.
pub(crate) fn headers(cells: &[Cell], width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(width);
    let mut last = String::new();
    let mut repeat = 1;
    for i in 0..width {
        let t = normalize_width(&cells.get(i).map(Cell::text).unwrap_or_default());
        let h = if !t.is_empty() {
            last = t.clone();
            repeat = 1;
            t
        } else if !last.is_empty() {
            repeat += 1;
            format!("{last}({repeat})")
        } else {
            format!("列{}", i + 1)
        };
        let mut unique = h.clone();
        let mut n = 1;
        while out.contains(&unique) {
            n += 1;
            unique = format!("{h}({n})");
        }
        out.push(unique);
    }
    out
}

/// A cell read as the text of `field`, or why it cannot be (lost digits).
pub(crate) fn cell_text(field: &str, cell: &Cell) -> Result<String, (String, String)> {
    let id_like = ID_FIELDS.contains(&field);
    match cell {
        Cell::Number(n) if id_like => {
            if n.fract() != 0.0 || n.abs() >= 1e15 || (field == "credit_code" && n.abs() >= 1e14) {
                return Err(lost_digits(field, &format_number(*n)));
            }
            Ok(format!("{}", *n as i64))
        }
        Cell::Text(t) if id_like => {
            let t = normalize_width(t);
            if looks_scientific(&t) {
                return Err(lost_digits(field, &t));
            }
            Ok(t)
        }
        Cell::Text(t) => Ok(normalize_width(t)),
        other => Ok(other.text()),
    }
}

fn format_number(n: f64) -> String {
    if n.abs() >= 1e11 && n.fract() == 0.0 {
        excel_general(n)
    } else {
        n.to_string()
    }
}

/// A large number the way Excel's General format shows it in a cell: six significant digits
/// in scientific notation, `9.14403E+17` (what the clerk sees, so the message can be matched to
/// the cell).
pub(crate) fn excel_general(n: f64) -> String {
    let s = format!("{n:.5E}"); // 9.14403E17
    let (mant, exp) = s.split_once('E').unwrap_or((&s, "0"));
    let mant = if mant.contains('.') { mant.trim_end_matches('0').trim_end_matches('.') } else { mant };
    let e: i32 = exp.parse().unwrap_or(0);
    format!("{mant}E{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `9.14403E+17`, `9.14403e17`: what Excel shows for a long number.
fn looks_scientific(t: &str) -> bool {
    let up = t.to_ascii_uppercase();
    let Some((mant, exp)) = up.split_once('E') else { return false };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mant.is_empty()
        && mant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mant.chars().any(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

fn lost_digits(field: &str, shown: &str) -> (String, String) {
    let label = [FIELDS, super::fields::SALE_FIELDS, super::fields::CONTACT_FIELDS]
        .iter()
        .flat_map(|t| t.iter())
        .find(|(f, _, _)| *f == field)
        .map(|(_, l, _)| *l)
        .unwrap_or(field);
    (
        format!(
            "{label}「{shown}」在 Excel 中被存成了数字，超过 15 位的数字已丢失，无法还原。请在 Excel/WPS 中选中该列，设置单元格格式→文本，从原始资料重新填入后再导入；如果文件是从其他系统导出的，请在导出时把这一列设为文本（或导出为 CSV，不要先用 Excel 打开再保存）。"
        ),
        format!(
            "The {field} '{shown}' was stored as a number in Excel, which keeps only 15 digits: the rest are lost and cannot be recovered. Format the column as Text (Format Cells → Text), re-enter it from the source, and import again; if the file comes from another system, export this column as text (or export a CSV and do not open and save it in Excel first).",
            field = field.replace('_', " ")
        ),
    )
}

/// The name as duplicates are compared: half-width, （）→(), no spaces, upper-case Latin, and
/// the legal-form suffixes 有限公司/有限责任公司/股份有限公司 removed (分公司 is kept: a branch
/// is its own customer). See docs/decisions.md.
pub fn normalized_name(name: &str) -> String {
    let mut s: String = normalize_width(name)
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    for suffix in ["股份有限公司", "有限责任公司", "有限公司"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            s = stem.to_string();
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn the_header_row_is_found_past_title_and_blank_rows() {
        let rows = vec![
            (1, vec![t("2025年客户名单")]),
            (2, vec![]),
            (3, vec![t("序号"), t("客户名称"), t("税号"), t("联系人"), Cell::Empty]),
            (4, vec![Cell::Number(1.0), t("华东电力"), t("x"), t("王"), t("138")]),
        ];
        assert_eq!(find_header(&rows, FIELDS), Some(2));
        let h = headers(&rows[2].1, 6);
        assert_eq!(h, ["序号", "客户名称", "税号", "联系人", "联系人(2)", "联系人(3)"]);
        assert_eq!(field_for_header("客户名称"), Some("name"));
        assert_eq!(field_for_header("税号"), Some("credit_code"));
        assert_eq!(field_for_header("  统一社会信用代码* "), Some("credit_code"));
        assert_eq!(field_for_header("Name"), Some("name"));
        assert_eq!(field_for_header("负责人"), Some("owner"));
        assert_eq!(field_for_header("序号"), None);
    }

    #[test]
    fn normalised_names_compare_what_people_mean() {
        assert_eq!(normalized_name("华东电力设备有限公司"), normalized_name("华东电力设备股份有限公司"));
        assert_eq!(normalized_name("华东电力（上海） 有限公司"), normalized_name("华东电力(上海)有限责任公司"));
        assert_eq!(normalized_name("ＡＢＣ科技有限公司"), "ABC科技");
        assert_ne!(normalized_name("华东电力有限公司上海分公司"), normalized_name("华东电力有限公司"));
        assert_eq!(normalized_name("华东电力有限公司上海分公司"), "华东电力有限公司上海分公司");
    }

    #[test]
    fn lost_digits_are_errors_not_imports() {
        let e = cell_text("credit_code", &Cell::Number(914403001922038216.0)).unwrap_err();
        assert!(e.0.contains("设置单元格格式→文本"), "{}", e.0);
        assert!(e.0.contains("「9.14403E+17」"), "as Excel shows it: {}", e.0);
        assert!(e.1.contains("'9.14403E+17'"), "{}", e.1);
        assert_eq!(excel_general(1234567890123456.0), "1.23457E+15");
        assert_eq!(excel_general(9e17), "9E+17");
        assert_eq!(excel_general(-9.1e20), "-9.1E+20");
        let e = cell_text("mobile", &Cell::Number(1234567890123456.0)).unwrap_err();
        assert!(e.0.contains("「1.23457E+15」") && e.0.contains("15 位"), "{}", e.0);
        assert!(cell_text("credit_code", &t("9.14403E+17")).is_err());
        assert!(cell_text("mobile", &Cell::Number(1234567890123456.0)).is_err());
        assert_eq!(cell_text("mobile", &Cell::Number(13812345678.0)).unwrap(), "13812345678");
        assert_eq!(cell_text("credit_code", &t("９１４４０３００１９２２０３８２１６")).unwrap(), "914403001922038216");
        assert_eq!(cell_text("notes", &t("1E5")).unwrap(), "1E5");
    }
}
