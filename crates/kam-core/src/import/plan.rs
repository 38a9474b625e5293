//! The dry run: each row read, cleaned and checked as creating it would check it, then matched
//! against the file's earlier rows and the database by the duplicate keys in rank order — old
//! customer code → credit code → normalised name plus city → mobile/phone → e-mail.

use std::collections::HashMap;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::mapping::{self, cell_text, field_for_header, is_field};
use super::read::{self, Cell};
use super::templates::{self, ImportTemplate};
use super::*;
use super::{fields, keys};
use crate::model::{Category, ContactInput, CustomerInput, Nature, Scale, Tier};

/// A row ready to write (rows with errors have none).
#[derive(Clone)]
pub(crate) struct ParsedRow {
    pub input: CustomerInput,
    pub legacy_code: Option<String>,
    pub contact: Option<ContactInput>,
    /// The weaker keys: the city (from a 城市 column or the address), mobiles/phones, e-mail.
    pub city: Option<String>,
    pub phones: Vec<String>,
    pub email: Option<String>,
}

/// A live customer (its index in [`Existing::who`]) under a normalised name, with the city of
/// its address.
pub(crate) struct NameEntry {
    who: u32,
    city: Option<String>,
}

/// Live customers by each duplicate key. Each customer's (id, name) is held once, in `who`; the
/// keys refer to it by index (a big customer list is held once, not once per key).
pub(crate) struct Existing {
    who: Vec<(String, String)>,
    by_legacy: HashMap<String, u32>,
    by_credit: HashMap<String, u32>,
    by_name: HashMap<String, Vec<NameEntry>>,
    /// Contacts' mobiles and phones, and e-mails (see [`Existing::load_contacts`]).
    by_phone: HashMap<String, u32>,
    by_email: HashMap<String, u32>,
}

pub(crate) fn existing(conn: &Connection) -> Result<Existing> {
    let mut e = Existing {
        who: Vec::new(),
        by_legacy: HashMap::new(),
        by_credit: HashMap::new(),
        by_name: HashMap::new(),
        by_phone: HashMap::new(),
        by_email: HashMap::new(),
    };
    let mut stmt = conn.prepare(
        "SELECT id, name, credit_code, customer_code, legacy_code, address FROM customers
         WHERE deleted_at IS NULL ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, name): (String, String) = (r.get(0)?, r.get(1)?);
        let v = e.who.len() as u32;
        for code in [r.get::<_, Option<String>>(3)?, r.get::<_, Option<String>>(4)?].into_iter().flatten() {
            e.by_legacy.entry(code.to_uppercase()).or_insert(v);
        }
        if let Some(c) = r.get::<_, Option<String>>(2)? {
            e.by_credit.entry(c).or_insert(v);
        }
        let city = keys::city_of(&r.get::<_, String>(5)?);
        e.by_name.entry(mapping::normalized_name(&name)).or_default().push(NameEntry { who: v, city });
        e.who.push((id, name));
    }
    Ok(e)
}

impl Existing {
    /// Add the live contacts' mobiles, phones and e-mails (the customer import's weaker keys).
    pub(crate) fn load_contacts(&mut self, conn: &Connection) -> Result<()> {
        let index: HashMap<&str, u32> =
            self.who.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i as u32)).collect();
        let mut stmt = conn.prepare(
            "SELECT c.customer_id, c.mobile, c.phone, c.email FROM contacts c JOIN customers cu ON cu.id = c.customer_id
             WHERE c.deleted_at IS NULL AND cu.deleted_at IS NULL ORDER BY cu.seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(&v) = index.get(r.get_ref(0)?.as_str().unwrap_or("")) else { continue };
            for i in [1, 2] {
                if let Some(k) = keys::phone_key(&r.get::<_, String>(i)?) {
                    self.by_phone.entry(k).or_insert(v);
                }
            }
            if let Some(k) = keys::email_key(&r.get::<_, String>(3)?) {
                self.by_email.entry(k).or_insert(v);
            }
        }
        Ok(())
    }

    fn at(&self, i: Option<&u32>) -> Option<&(String, String)> {
        i.map(|i| &self.who[*i as usize])
    }

    /// The live customer of this normalised name in a city that does not tell them apart
    /// (the same city first).
    fn by_name_in(&self, key: &str, city: Option<&str>) -> Option<&(String, String)> {
        let all = self.by_name.get(key)?;
        let e = all
            .iter()
            .find(|e| city.is_some() && e.city.as_deref() == city)
            .or_else(|| all.iter().find(|e| keys::same_city(city, e.city.as_deref())))?;
        self.at(Some(&e.who))
    }

    /// The live customer a finance or contact row names, by customer code (or the old
    /// system's) → credit code → normalised name: (id, name).
    pub(crate) fn find(
        &self,
        code: Option<&str>,
        credit: Option<&str>,
        name: Option<&str>,
    ) -> Option<&(String, String)> {
        code.and_then(|c| self.at(self.by_legacy.get(&c.trim().to_uppercase())))
            .or_else(|| credit.and_then(|c| self.at(self.by_credit.get(&c.trim().to_uppercase()))))
            .or_else(|| {
                name.and_then(|n| self.at(self.by_name.get(&mapping::normalized_name(n))?.first().map(|e| &e.who)))
            })
    }
}

/// The error of a row whose customer is not on file.
pub(crate) fn unknown_customer(code: Option<&str>, credit: Option<&str>, name: Option<&str>) -> (String, String) {
    let given: Vec<String> = [("客户编码", code), ("信用代码", credit), ("名称", name)]
        .iter()
        .filter_map(|(l, v)| v.map(|v| format!("{l}「{v}」")))
        .collect();
    let given_en: Vec<String> = [("code", code), ("credit code", credit), ("name", name)]
        .iter()
        .filter_map(|(l, v)| v.map(|v| format!("{l} '{v}'")))
        .collect();
    (
        format!("找不到客户（{}）。请先导入或新建该客户，或核对客户编码、信用代码和名称。", given.join("、")),
        format!(
            "No customer matches ({}). Import or create the customer first, or check its code, credit code and name.",
            given_en.join(", ")
        ),
    )
}

pub(crate) fn users_by_name(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT name, id FROM users WHERE deleted_at IS NULL AND active = 1")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Header → field: detected, then the template's, then the clerk's edits.
fn column_mapping(
    headers: &[String],
    template: Option<&ImportTemplate>,
    edits: Option<&HashMap<String, String>>,
) -> Result<HashMap<String, String>> {
    let mut map: HashMap<String, String> = HashMap::new();
    for h in headers {
        if let Some(f) = field_for_header(h) {
            if !map.values().any(|v| v == f) {
                map.insert(h.clone(), f.to_string());
            }
        }
    }
    if let Some(t) = template {
        for h in headers {
            if let Some(f) = t.field_for(h) {
                edit_mapping(&mut map, h, f)?;
            }
        }
    }
    for (h, f) in edits.into_iter().flatten() {
        edit_mapping(&mut map, h, f)?;
    }
    Ok(map)
}

/// Map header `h` to field `f` (empty or `ignore`: no field); a field fills one column.
fn edit_mapping(map: &mut HashMap<String, String>, h: &str, f: &str) -> Result<()> {
    let f = f.trim();
    if f.is_empty() || f == "ignore" {
        map.remove(h);
        return Ok(());
    }
    if !is_field(f) {
        let known = FIELDS.iter().map(|(f, _, _)| *f).collect::<Vec<_>>().join(", ");
        return Err(KamError::invalid(
            "mapping",
            format!("列「{h}」对应的字段「{f}」不存在。可用字段：{known}。"),
            format!("The column '{h}' is mapped to '{f}', which is not a field. Fields: {known}."),
        ));
    }
    map.retain(|k, v| v != f || k == h);
    map.insert(h.to_string(), f.to_string());
    Ok(())
}

/// Where the data is: the grid, its header row and the columns' fields.
pub(crate) struct Layout {
    pub grid: read::Grid,
    /// Index into `grid.rows` of the header row.
    pub header_idx: usize,
    pub headers: Vec<String>,
    pub map: HashMap<String, String>,
    /// The name of the template the mapping came from.
    pub template: Option<String>,
}

/// Read the file and find its layout. `lenient` (the wizard's first look) takes the first row
/// as the header when none is recognised, instead of refusing.
pub(crate) fn layout(
    conn: &Connection,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    lenient: bool,
) -> Result<Layout> {
    let grid = read::read(name, bytes, opts.sheet.as_deref(), opts.encoding.as_deref())?;
    let header_idx = match opts.header_row {
        Some(n) => grid.rows.iter().position(|(r, _)| *r == n),
        None => mapping::find_header(&grid.rows, FIELDS),
    }
    .or_else(|| (lenient && opts.header_row.is_none() && !grid.rows.is_empty()).then_some(0));
    let Some(header_idx) = header_idx else {
        return Err(match opts.header_row {
            Some(n) => KamError::invalid(
                "header_row",
                format!("第 {n} 行不在表格里（或是空行）。请选择表头所在的行。"),
                format!("Row {n} is not in the sheet (or is empty). Choose the row that holds the headers."),
            ),
            None => KamError::invalid(
                "header_row",
                "找不到表头行：请确认表格里有“单位名称”等列标题，或用 --header-row 指定表头所在行。",
                "No header row found: make sure the sheet has column titles such as 单位名称, or give the header's row with --header-row.",
            ),
        });
    };
    let width = grid.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let headers = mapping::headers(&grid.rows[header_idx].1, width);
    let template = templates::choose(conn, "customers", &headers, opts.template.as_deref())?;
    let map = column_mapping(&headers, template.as_ref(), opts.mapping.as_ref())?;
    Ok(Layout { grid, header_idx, headers, map, template: template.map(|t| t.name) })
}

pub(crate) fn plan(
    conn: &Connection,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<(ImportPreview, Vec<Option<ParsedRow>>)> {
    let Layout { grid, header_idx, headers, map, template } = layout(conn, name, bytes, opts, false)?;
    if !map.values().any(|f| f == "name") {
        return Err(KamError::invalid(
            "mapping",
            format!("没有对应“单位名称”的列（表头：{}）。请把客户名称所在的列对应到 name。", headers.join("、")),
            format!(
                "No column holds the company name (headers: {}). Map the name column to 'name'.",
                headers.join(", ")
            ),
        ));
    }
    let columns: Vec<Option<&'static str>> = headers
        .iter()
        .map(|h| map.get(h).and_then(|f| FIELDS.iter().find(|(x, _, _)| x == f)).map(|(f, _, _)| *f))
        .collect();
    let unknown_columns = headers.iter().filter(|h| !map.contains_key(*h)).cloned().collect();
    let mut ctx = Classifier {
        conn,
        existing: {
            let mut e = existing(conn)?;
            e.load_contacts(conn)?;
            e
        },
        users: users_by_name(conn)?,
        seen: HashMap::new(),
        seen_names: HashMap::new(),
        date1904: grid.date1904,
        opts,
        counts: ImportCounts::default(),
    };
    let mut rows = Vec::new();
    let mut parsed = Vec::new();
    // In a text file, a value right of the header's last column is a field shifted by an
    // unquoted separator: the row's values are in the wrong columns.
    let header_cols = grid.rows[header_idx].1.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
    let text_file = grid.separator.is_some();
    let data: Vec<&(u32, Vec<Cell>)> =
        grid.rows[header_idx + 1..].iter().filter(|(_, c)| !c.iter().all(Cell::is_empty)).collect();
    let end = sheet::footer_start(&data, &columns);
    let skipped_rows: Vec<u32> = data[end..].iter().map(|(n, _)| *n).collect();
    let (skipped_note, skipped_note_en) = sheet::footer_note(&skipped_rows);
    for (row_no, cells) in data[..end].iter().copied() {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let fields = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        let (result, p) = if text_file && fields > header_cols {
            ctx.too_many_fields(*row_no, cells, &columns, fields, header_cols)
        } else {
            ctx.classify(*row_no, cells, &columns)?
        };
        rows.push(result);
        parsed.push(p);
    }
    let detected = DetectedFormat {
        encoding: grid.encoding,
        separator: grid.separator.map(|c| c.to_string()),
        sheet: grid.sheet,
        sheets: grid.sheets,
        header_row: grid.rows[header_idx].0,
    };
    let preview = ImportPreview {
        file_name: name.to_string(),
        file_sha256: sha256_hex(bytes),
        detected,
        headers,
        mapping: map,
        unknown_columns,
        template,
        rows,
        counts: ctx.counts,
        skipped_rows,
        skipped_note,
        skipped_note_en,
    };
    Ok((preview, parsed))
}

struct Classifier<'a> {
    conn: &'a Connection,
    existing: Existing,
    users: HashMap<String, String>,
    /// Keys of earlier rows in the file (`legacy:…`, `credit:…`, `mobile:…`, `email:…`) → their row.
    seen: HashMap<String, u32>,
    /// Normalised names of earlier rows → (row, city).
    seen_names: HashMap<String, Vec<(u32, Option<String>)>>,
    /// Serials in date columns count from 1904.
    date1904: bool,
    opts: &'a ImportOptions,
    counts: ImportCounts,
}

/// A row's error as a result.
pub(crate) fn error_row(row: u32, name: &str, values: Vec<String>, zh: String, en: String) -> ImportRowResult {
    ImportRowResult {
        row,
        status: RowStatus::Error,
        action: None,
        reason: zh,
        reason_en: en,
        name: name.to_string(),
        matched_customer_id: None,
        matched_name: None,
        values,
    }
}

impl Classifier<'_> {
    fn classify(
        &mut self,
        row: u32,
        cells: &[Cell],
        columns: &[Option<&'static str>],
    ) -> Result<(ImportRowResult, Option<ParsedRow>)> {
        let values: Vec<String> =
            (0..columns.len()).map(|i| cells.get(i).map(Cell::text).unwrap_or_default()).collect();
        let mut fields: HashMap<&'static str, String> = HashMap::new();
        let mut errors: Vec<(String, String)> = Vec::new();
        for (i, col) in columns.iter().enumerate() {
            let (Some(f), Some(cell)) = (col, cells.get(i)) else { continue };
            let text = match *f {
                "birthday" => {
                    fields::cell_date(f, cell, self.date1904).map(|d| d.map(|d| d.to_string()).unwrap_or_default())
                }
                _ => cell_text(f, cell),
            };
            match text {
                Ok(t) if !t.is_empty() => {
                    fields.insert(f, t);
                }
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        let name = fields.get("name").cloned().unwrap_or_default();
        let parsed = match errors.is_empty() {
            true => self.parse(&fields),
            false => Err(errors.remove(0)),
        };
        let parsed = match parsed {
            Ok(p) => p,
            Err((zh, en)) => {
                let r = error_row(row, &name, values, zh, en);
                sheet::count(&mut self.counts, &r);
                return Ok((r, None));
            }
        };
        Ok(self.match_keys(row, &name, values, parsed))
    }

    /// A text row with more fields than the header has columns: an error, never imported shifted.
    fn too_many_fields(
        &mut self,
        row: u32,
        cells: &[Cell],
        columns: &[Option<&'static str>],
        fields: usize,
        header_cols: usize,
    ) -> (ImportRowResult, Option<ParsedRow>) {
        self.counts.total += 1;
        self.counts.error += 1;
        let values: Vec<String> =
            (0..columns.len()).map(|i| cells.get(i).map(Cell::text).unwrap_or_default()).collect();
        let name = columns.iter().position(|c| *c == Some("name")).map(|i| values[i].clone()).unwrap_or_default();
        let zh = format!(
            "这一行有 {fields} 个字段，比表头的 {header_cols} 列多：可能某个字段里有未加引号的分隔符（逗号），后面的内容错了位。请用英文双引号括起含逗号的内容（或在 Excel/WPS 中修正这一行后另存为 CSV），再导入。"
        );
        let en = format!(
            "This line has {fields} fields, more than the header's {header_cols} columns: a field probably holds an unquoted separator (comma) and the values after it moved. Put double quotes around text with commas (or fix the line in Excel/WPS and save as CSV again), then import."
        );
        (error_row(row, &name, values, zh, en), None)
    }

    /// Build and check the customer as creating it would.
    fn parse(&self, f: &HashMap<&'static str, String>) -> std::result::Result<ParsedRow, (String, String)> {
        let get = |k: &str| f.get(k).cloned();
        let label = |k: &str| FIELDS.iter().find(|(x, _, _)| *x == k).map(|(_, l, _)| *l).unwrap_or("");
        fn choice<T>(
            v: Option<String>,
            parse: fn(&str) -> Option<T>,
            what: &str,
            all: &str,
        ) -> Result<Option<T>, (String, String)> {
            match v {
                None => Ok(None),
                Some(t) => parse(&t).map(Some).ok_or_else(|| {
                    (
                        format!("{what}「{t}」无法识别，可填：{all}。"),
                        format!("The {what} '{t}' is not recognised; use one of: {all}."),
                    )
                }),
            }
        }
        let labels = |zh: &[&str]| zh.join("、");
        let tier = choice(
            get("tier"),
            parse_tier,
            label("tier"),
            &labels(&Tier::ALL.iter().map(|t| t.label_zh()).collect::<Vec<_>>()),
        )?;
        let category = choice(
            get("category"),
            Category::parse,
            label("category"),
            &labels(&Category::ALL.iter().map(|t| t.label_zh()).collect::<Vec<_>>()),
        )?;
        let nature = choice(
            get("nature"),
            Nature::parse,
            label("nature"),
            &labels(&Nature::ALL.iter().map(|t| t.label_zh()).collect::<Vec<_>>()),
        )?;
        let scale = choice(
            get("scale"),
            Scale::parse,
            label("scale"),
            &labels(&Scale::ALL.iter().map(|t| t.label_zh()).collect::<Vec<_>>()),
        )?;
        let owner_id = match get("owner") {
            None => None,
            Some(n) => Some(self.users.get(&n).cloned().ok_or_else(|| {
                (
                    format!("营销专员「{n}」不在人员名单中。请先添加该人员，或改为已有人员的姓名。"),
                    format!("The account manager '{n}' is not a known person. Add them first or use an existing person's name."),
                )
            })?),
        };
        let birthday = match get("birthday") {
            None => None,
            Some(b) => {
                Some(crate::input::date("birthday", &b).map_err(|e| (e.to_string(), e.message_en()))?.to_string())
            }
        };
        let city = get("city")
            .as_deref()
            .and_then(keys::city_of)
            .or_else(|| get("address").as_deref().and_then(keys::city_of));
        // A 城市 column without an address is kept as the address, so the city is on file.
        let address = get("address").or_else(|| city.as_ref().map(|c| format!("{c}市")));
        let phones = [get("mobile"), get("phone")].iter().flatten().filter_map(|p| keys::phone_key(p)).collect();
        let email = get("email").as_deref().and_then(keys::email_key);
        let input = CustomerInput {
            name: get("name").unwrap_or_default(),
            credit_code: get("credit_code").map(|c| c.to_uppercase()),
            address,
            industry: get("industry"),
            source: get("source"),
            notes: get("notes"),
            tier,
            category,
            nature,
            scale,
            owner_id,
            ..Default::default()
        };
        let contact = get("contact_name").map(|n| ContactInput {
            name: n,
            title: get("contact_title"),
            mobile: get("mobile"),
            phone: get("phone"),
            email: get("email"),
            birthday,
            ..Default::default()
        });
        crate::dossier::check_customer_input(self.conn, &input, contact.as_slice())
            .map_err(|e| (e.to_string(), e.message_en()))?;
        Ok(ParsedRow { input, legacy_code: get("legacy_code"), contact, city, phones, email })
    }

    fn match_keys(
        &mut self,
        row: u32,
        name: &str,
        values: Vec<String>,
        p: ParsedRow,
    ) -> (ImportRowResult, Option<ParsedRow>) {
        let city = p.city.as_deref();
        let name_label = match city {
            Some(c) => (format!("单位名称（规范化后）和城市（{c}）"), format!("normalised name and city ({c})")),
            None => ("单位名称（规范化后）".to_string(), "normalised name".to_string()),
        };
        // (kind, key, zh, en) in rank order.
        let mut keys: Vec<(&str, String, String, String)> = Vec::new();
        if let Some(c) = &p.legacy_code {
            keys.push(("legacy", c.to_uppercase(), "客户编码".into(), "customer code".into()));
        }
        if let Some(c) = &p.input.credit_code {
            keys.push(("credit", c.clone(), "统一社会信用代码".into(), "credit code".into()));
        }
        keys.push(("name", mapping::normalized_name(name), name_label.0, name_label.1));
        for ph in &p.phones {
            keys.push((
                "phone",
                ph.clone(),
                format!("联系人手机/电话「{ph}」"),
                format!("contact mobile/phone '{ph}'"),
            ));
        }
        if let Some(e) = &p.email {
            keys.push(("email", e.clone(), format!("联系人邮箱「{e}」"), format!("contact e-mail '{e}'")));
        }
        let mut result = ImportRowResult {
            row,
            status: RowStatus::New,
            action: None,
            reason: "新客户，将新建档案。".into(),
            reason_en: "A new customer; a dossier will be created.".into(),
            name: name.to_string(),
            matched_customer_id: None,
            matched_name: None,
            values,
        };
        for (kind, key, zh, en) in &keys {
            let weak = matches!(*kind, "phone" | "email");
            let db = match *kind {
                "legacy" => self.existing.at(self.existing.by_legacy.get(key)),
                "credit" => self.existing.at(self.existing.by_credit.get(key)),
                "name" => self.existing.by_name_in(key, city),
                "phone" => self.existing.at(self.existing.by_phone.get(key)),
                _ => self.existing.at(self.existing.by_email.get(key)),
            };
            if let Some((id, existing_name)) = db {
                let strong = matches!(*kind, "legacy" | "credit");
                result.status = if strong { RowStatus::Update } else { RowStatus::Duplicate };
                let action = self.action_for(row, result.status);
                result.action = Some(action);
                result.matched_customer_id = Some(id.clone());
                result.matched_name = Some(existing_name.clone());
                (result.reason, result.reason_en) = if weak {
                    (
                        format!("只有{zh}与已有客户「{existing_name}」的联系人相同（名称、编码不同），疑似重复；处理方式：{}。", action.label_zh()),
                        format!("Only the {en} is the same as a contact of the existing customer '{existing_name}' (name and codes differ): a possible duplicate; action: {}.", action.label_en()),
                    )
                } else {
                    (
                        format!("{zh}与已有客户「{existing_name}」相同；处理方式：{}。", action.label_zh()),
                        format!("Same {en} as the existing customer '{existing_name}'; action: {}.", action.label_en()),
                    )
                };
                if action == DuplicateAction::Create && strong {
                    result.status = RowStatus::Error;
                    result.action = None;
                    result.reason =
                        format!("{zh}已属于客户「{existing_name}」，不能仍然新建。请选择跳过、补全或覆盖。");
                    result.reason_en = format!("The {en} already belongs to '{existing_name}'; it cannot be created again. Choose skip, fill or overwrite.");
                }
                break;
            }
            let first = match *kind {
                "name" => self
                    .seen_names
                    .get(key)
                    .and_then(|v| v.iter().find(|(_, c)| keys::same_city(city, c.as_deref())).map(|(r, _)| *r)),
                _ => self.seen.get(&format!("{kind}:{key}")).copied(),
            };
            if let Some(first) = first {
                result.status = RowStatus::Duplicate;
                if weak {
                    // Two companies may share a contact: 仍然新建 stays possible; otherwise skipped
                    // (there is no customer yet to fill).
                    let anyway = self.action_for(row, RowStatus::Duplicate) == DuplicateAction::Create;
                    let action = if anyway { DuplicateAction::Create } else { DuplicateAction::Skip };
                    result.action = Some(action);
                    result.reason = format!(
                        "只有{zh}与本文件第 {first} 行相同（名称、编码不同），疑似重复；处理方式：{}。",
                        action.label_zh()
                    );
                    result.reason_en = format!("Only the {en} is the same as row {first} of this file (name and codes differ): a possible duplicate; action: {}.", action.label_en());
                } else {
                    result.action = Some(DuplicateAction::Skip);
                    result.reason = format!("与本文件第 {first} 行的{zh}相同，已跳过（只导入第一次出现的行）。");
                    result.reason_en = format!(
                        "Same {en} as row {first} of this file; skipped (only the first occurrence is imported)."
                    );
                }
                break;
            }
        }
        let creates = result.status == RowStatus::New || result.action == Some(DuplicateAction::Create);
        if creates {
            for (kind, key, _, _) in &keys {
                if *kind == "name" {
                    self.seen_names.entry(key.clone()).or_default().push((row, p.city.clone()));
                } else {
                    self.seen.entry(format!("{kind}:{key}")).or_insert(row);
                }
            }
        }
        sheet::count(&mut self.counts, &result);
        if !sheet::keeps_values(result.status) {
            result.values = Vec::new();
        }
        let keep = result.status != RowStatus::Error;
        (result, keep.then_some(p))
    }

    fn action_for(&self, row: u32, status: RowStatus) -> DuplicateAction {
        self.opts
            .row_actions
            .as_ref()
            .and_then(|m| m.get(&row).copied())
            .or_else(|| self.opts.status_actions.as_ref().and_then(|m| m.get(&status).copied()))
            .or(self.opts.on_duplicate)
            .unwrap_or(DuplicateAction::Skip)
    }
}

/// A tier as old lists write it: the labels, A/B/C/D, 战略/重点/一般/潜在.
fn parse_tier(t: &str) -> Option<Tier> {
    let t = t.trim();
    Tier::parse(t).or_else(|| match t.to_ascii_uppercase().as_str() {
        "A" | "战略" | "A类" => Some(Tier::Strategic),
        "B" | "重点" | "B类" => Some(Tier::Key),
        "C" | "一般" | "普通" | "C类" => Some(Tier::Regular),
        "D" | "潜在" | "D类" => Some(Tier::Prospect),
        _ => None,
    })
}
