//! The customer dossier: customers, contacts, key-person changes, tier history, projects,
//! free records, and the users they are assigned to.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::error::{KamError, Result};
use crate::model::*;
use crate::search;
use crate::util::{clean, new_id};
use crate::validate as v;
use crate::{Ctx, Kam};

const CUSTOMER_SELECT: &str = "SELECT c.id, c.name, c.credit_code, c.customer_code, c.approved_at, c.address, c.nature,
    c.industry, c.scale, c.assets, c.shareholders, c.source, c.tier, c.category, c.lifecycle,
    c.owner_id, o.name, c.liaison_id, l.name, c.contract_performance, c.payment_behaviour,
    c.cooperation_mode, c.bidding_method, c.contract_terms, c.price_level, c.credit_terms_days,
    c.credit_limit_fen, c.receivable_fen, c.overdue_receivable_fen, c.notes, c.created_at,
    c.updated_at, c.deleted_at
    FROM customers c LEFT JOIN users o ON o.id = c.owner_id LEFT JOIN users l ON l.id = c.liaison_id";

const CONTACT_CHANGE_SELECT: &str =
    "SELECT x.id, x.customer_id, x.contact_id, k.name, x.kind, x.description, x.changed_on
    FROM contact_changes x LEFT JOIN contacts k ON k.id = x.contact_id";

fn contact_change_from(r: &Row) -> rusqlite::Result<ContactChange> {
    Ok(ContactChange {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        contact_id: r.get(2)?,
        contact_name: r.get(3)?,
        kind: r.get(4)?,
        description: r.get(5)?,
        changed_on: r.get(6)?,
    })
}

const RECORD_SELECT: &str = "SELECT r.id, r.customer_id, r.kind, r.occurred_on, r.title, r.content, u.name
    FROM records r LEFT JOIN users u ON u.id = r.created_by";

fn record_from(r: &Row) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        kind: r.get(2)?,
        occurred_on: r.get(3)?,
        title: r.get(4)?,
        content: r.get(5)?,
        author_name: r.get(6)?,
    })
}

fn customer_from(r: &Row) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        name: r.get(1)?,
        credit_code: r.get(2)?,
        customer_code: r.get(3)?,
        approved_at: r.get(4)?,
        address: r.get(5)?,
        nature: r.get(6)?,
        industry: r.get(7)?,
        scale: r.get(8)?,
        assets: r.get(9)?,
        shareholders: r.get(10)?,
        source: r.get(11)?,
        tier: r.get(12)?,
        category: r.get(13)?,
        lifecycle: r.get(14)?,
        owner_id: r.get(15)?,
        owner_name: r.get(16)?,
        liaison_id: r.get(17)?,
        liaison_name: r.get(18)?,
        contract_performance: r.get(19)?,
        payment_behaviour: r.get(20)?,
        cooperation_mode: r.get(21)?,
        bidding_method: r.get(22)?,
        contract_terms: r.get(23)?,
        price_level: r.get(24)?,
        credit_terms_days: r.get(25)?,
        credit_limit_fen: r.get(26)?,
        receivable_fen: r.get(27)?,
        overdue_receivable_fen: r.get(28)?,
        notes: r.get(29)?,
        created_at: r.get(30)?,
        updated_at: r.get(31)?,
        deleted_at: r.get(32)?,
    })
}

const ROW_SELECT: &str = "SELECT c.id, c.name, c.customer_code, c.credit_code, c.tier, c.category, c.lifecycle,
    c.industry, o.name, c.overdue_receivable_fen, c.updated_at
    FROM customers c LEFT JOIN users o ON o.id = c.owner_id";

fn row_from(r: &Row) -> rusqlite::Result<CustomerRow> {
    Ok(CustomerRow {
        id: r.get(0)?,
        name: r.get(1)?,
        customer_code: r.get(2)?,
        credit_code: r.get(3)?,
        tier: r.get(4)?,
        category: r.get(5)?,
        lifecycle: r.get(6)?,
        industry: r.get(7)?,
        owner_name: r.get(8)?,
        overdue_receivable_fen: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

/// A customer input checked and normalised, ready to store.
struct CleanCustomer {
    name: String,
    credit_code: Option<String>,
    text: [String; 12],
    nature: Nature,
    scale: Scale,
    category: Category,
    lifecycle: Lifecycle,
    owner_id: Option<String>,
    liaison_id: Option<String>,
    credit_terms_days: Option<i32>,
    credit_limit_fen: Option<i64>,
    receivable_fen: i64,
    overdue_receivable_fen: i64,
}

fn check_customer(conn: &Connection, i: &CustomerInput) -> Result<CleanCustomer> {
    let name = v::required("name", "单位名称", "Company name", &i.name, 100)?;
    let credit_code = clean(&i.credit_code).map(|c| v::credit_code(&c)).transpose()?;
    let t = |f: &str, zh: &str, en: &str, val: &Option<String>, max| v::optional(f, zh, en, val, max);
    let text = [
        t("address", "单位地址", "Address", &i.address, 200)?,
        t("industry", "行业类别", "Industry", &i.industry, 50)?,
        t("assets", "资产状况", "Assets", &i.assets, 500)?,
        t("shareholders", "股东结构", "Shareholders", &i.shareholders, 500)?,
        t("source", "客户来源", "Source", &i.source, 100)?,
        t("contract_performance", "履约情况", "Contract performance", &i.contract_performance, 1000)?,
        t("payment_behaviour", "付款情况", "Payment behaviour", &i.payment_behaviour, 1000)?,
        t("cooperation_mode", "合作方式", "Cooperation mode", &i.cooperation_mode, 500)?,
        t("bidding_method", "竞标办法", "Bidding method", &i.bidding_method, 500)?,
        t("contract_terms", "主要合同条款", "Main contract terms", &i.contract_terms, 2000)?,
        t("price_level", "价格水平", "Price level", &i.price_level, 500)?,
        t("notes", "备注", "Notes", &i.notes, 5000)?,
    ];
    if let Some(d) = i.credit_terms_days {
        if !(0..=3650).contains(&d) {
            return Err(KamError::invalid(
                "credit_terms_days",
                "账期天数应在 0 到 3650 之间。",
                "Credit terms must be 0 to 3650 days.",
            ));
        }
    }
    for (field, id) in [("owner_id", &i.owner_id), ("liaison_id", &i.liaison_id)] {
        if let Some(id) = clean(id) {
            let exists: bool =
                conn.query_row("SELECT count(*) FROM users WHERE id = ?1 AND deleted_at IS NULL", [&id], |r| {
                    r.get::<_, i64>(0).map(|n| n > 0)
                })?;
            if !exists {
                return Err(KamError::invalid(
                    field,
                    "所选人员不存在，请重新选择。",
                    "The selected person does not exist; choose again.",
                ));
            }
        }
    }
    Ok(CleanCustomer {
        name,
        credit_code,
        text,
        nature: i.nature.unwrap_or(Nature::Private),
        scale: i.scale.unwrap_or(Scale::Medium),
        category: i.category.unwrap_or(Category::Private),
        lifecycle: i.lifecycle.unwrap_or(Lifecycle::Prospect),
        owner_id: clean(&i.owner_id),
        liaison_id: clean(&i.liaison_id),
        credit_terms_days: i.credit_terms_days,
        credit_limit_fen: v::money("credit_limit_fen", i.credit_limit_fen)?,
        receivable_fen: v::money("receivable_fen", i.receivable_fen)?.unwrap_or(0),
        overdue_receivable_fen: v::money("overdue_receivable_fen", i.overdue_receivable_fen)?.unwrap_or(0),
    })
}

fn refuse_duplicate_credit_code(conn: &Connection, code: &Option<String>, except: Option<&str>) -> Result<()> {
    if let Some(code) = code {
        let existing: Option<(String, String)> = conn
            .query_row(
                "SELECT id, name FROM customers WHERE credit_code = ?1 AND deleted_at IS NULL AND id IS NOT ?2",
                params![code, except],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, name)) = existing {
            return Err(KamError::Duplicate {
                field: "credit_code".into(),
                existing_id: id,
                zh: format!("统一社会信用代码 {code} 已属于客户「{name}」，不能重复建档。请打开该客户的档案。"),
                en: format!("The credit code {code} already belongs to '{name}'; a customer cannot be filed twice. Open that dossier instead."),
            });
        }
    }
    Ok(())
}

/// The name with common legal-form suffixes removed, for "可能已存在" matching.
pub(crate) fn name_stem(name: &str) -> String {
    let mut s: String = name.chars().filter(|c| !c.is_whitespace() && !"()（）".contains(*c)).collect();
    for suffix in ["股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "集团"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.to_string();
            break;
        }
    }
    s
}

fn customer_seq(conn: &Connection, id: &str) -> Result<i64> {
    conn.query_row("SELECT seq FROM customers WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| KamError::NotFound { entity: "客户", id: id.to_string() })
}

/// Rebuild the search entry of one customer from its current name, codes and contacts.
pub(crate) fn reindex_customer(conn: &Connection, id: &str) -> Result<()> {
    let (seq, name, code, credit, deleted): (i64, String, Option<String>, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT seq, name, customer_code, credit_code, deleted_at FROM customers WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    if deleted.is_some() {
        return search::reindex(conn, seq, None);
    }
    let mut stmt =
        conn.prepare_cached("SELECT name, phone, mobile FROM contacts WHERE customer_id = ?1 AND deleted_at IS NULL")?;
    let contacts = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<(String, String, String)>>>()?;
    let text = search::index_text(&name, &[code.as_deref().unwrap_or(""), credit.as_deref().unwrap_or("")], &contacts);
    search::reindex(conn, seq, Some(&text))
}

fn insert_customer_row(tx: &Transaction, ctx: &Ctx, id: &str, c: &CleanCustomer, tier: Tier) -> Result<i64> {
    let (pinyin, _) = search::pinyin_of(&c.name);
    let [address, industry, assets, shareholders, source, perf, pay, coop, bidding, terms, price, notes] = &c.text;
    tx.execute(
        "INSERT INTO customers (id, name, name_pinyin, credit_code, address, nature, industry, scale, assets,
            shareholders, source, tier, category, lifecycle, owner_id, liaison_id, contract_performance,
            payment_behaviour, cooperation_mode, bidding_method, contract_terms, price_level,
            credit_terms_days, credit_limit_fen, receivable_fen, overdue_receivable_fen, notes,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
            ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?28, ?29)",
        params![
            id,
            c.name,
            pinyin,
            c.credit_code,
            address,
            c.nature,
            industry,
            c.scale,
            assets,
            shareholders,
            source,
            tier,
            c.category,
            c.lifecycle,
            c.owner_id,
            c.liaison_id,
            perf,
            pay,
            coop,
            bidding,
            terms,
            price,
            c.credit_terms_days,
            c.credit_limit_fen,
            c.receivable_fen,
            c.overdue_receivable_fen,
            notes,
            ctx.now,
            ctx.user
        ],
    )?;
    let seq = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO tier_changes (id, customer_id, from_tier, to_tier, reason, decided_by, changed_at,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, NULL, ?3, '新建档案', ?4, ?5, ?5, ?4, ?5, ?4)",
        params![new_id(), id, tier, ctx.user, ctx.now],
    )?;
    Ok(seq)
}

fn check_contact(i: &ContactInput) -> Result<ContactInput> {
    let t = |f: &str, zh: &str, en: &str, val: &Option<String>, max| v::optional(f, zh, en, val, max).map(Some);
    let birthday = match clean(&i.birthday) {
        Some(b) => {
            let d = v::date("birthday", &b)?;
            if d.year() < 1900 {
                return Err(KamError::invalid(
                    "birthday",
                    "生日年份不能早于 1900 年。",
                    "A birthday cannot be before 1900.",
                ));
            }
            Some(d.format("%Y-%m-%d").to_string())
        }
        None => None,
    };
    Ok(ContactInput {
        name: v::required("contact_name", "联系人姓名", "Contact name", &i.name, 50)?,
        title: t("title", "职务", "Title", &i.title, 50)?,
        phone: Some(v::phone("phone", i.phone.as_deref().unwrap_or(""))?),
        mobile: Some(v::mobile(i.mobile.as_deref().unwrap_or(""))?),
        fax: Some(v::phone("fax", i.fax.as_deref().unwrap_or(""))?),
        email: Some(v::email(i.email.as_deref().unwrap_or(""))?),
        postcode: {
            let p = i.postcode.as_deref().unwrap_or("").trim().to_string();
            if !p.is_empty() && (p.len() != 6 || !p.bytes().all(|b| b.is_ascii_digit())) {
                return Err(KamError::invalid("postcode", "邮政编码应为 6 位数字。", "A postcode has 6 digits."));
            }
            Some(p)
        },
        is_decision_maker: Some(i.is_decision_maker.unwrap_or(false)),
        decision_role: t("decision_role", "决策角色", "Decision role", &i.decision_role, 100)?,
        birthday,
        interests: t("interests", "兴趣爱好", "Interests", &i.interests, 500)?,
        family: t("family", "家庭情况", "Family", &i.family, 500)?,
        notes: t("notes", "备注", "Notes", &i.notes, 2000)?,
        active: Some(i.active.unwrap_or(true)),
    })
}

/// A "left" key-person change marks its contact inactive.
fn mark_contact_left(tx: &Transaction, ctx: &Ctx, contact_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE contacts SET active = 0, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![contact_id, ctx.now, ctx.user],
    )?;
    Ok(())
}

fn opt_date(field: &str, d: &Option<String>) -> Result<Option<String>> {
    clean(d).map(|s| v::date(field, &s).map(|d| d.format("%Y-%m-%d").to_string())).transpose()
}

impl Kam {
    /// All users, active first.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, role, department, active FROM users WHERE deleted_at IS NULL ORDER BY active DESC, role, name",
        )?;
        let users = stmt
            .query_map([], |r| {
                Ok(User { id: r.get(0)?, name: r.get(1)?, role: r.get(2)?, department: r.get(3)?, active: r.get(4)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(users)
    }

    /// One user.
    pub fn user(&self, id: &str) -> Result<User> {
        self.conn
            .query_row("SELECT id, name, role, department, active FROM users WHERE id = ?1", [id], |r| {
                Ok(User { id: r.get(0)?, name: r.get(1)?, role: r.get(2)?, department: r.get(3)?, active: r.get(4)? })
            })
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: "用户", id: id.to_string() })
    }

    /// Find a user by id or by name (for the CLI and scripts).
    pub fn resolve_user(&self, key: &str) -> Result<User> {
        let key = key.trim();
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM users WHERE deleted_at IS NULL AND (id = ?1 OR name = ?1) ORDER BY id = ?1 DESC LIMIT 1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        self.user(id.as_deref().unwrap_or(key))
    }

    /// Add a user (rep, manager, liaison executive…).
    pub fn add_user(&mut self, name: &str, role: Role, department: &str) -> Result<User> {
        self.only_head_office("人员名单", "the list of people")?;
        let name = v::required("name", "姓名", "Name", name, 50)?;
        let department = v::optional("department", "部门", "Department", &Some(department.to_string()), 50)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO users (id, name, role, department, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
                params![id, name, role, department, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.user(&id)
    }

    /// Existing customers that look like `input` ("可能已存在"): same name stem, or a contact
    /// phone already on file. Never blocks; the UI links to them.
    pub fn check_duplicates(&self, input: &CustomerInput, phones: &[String]) -> Result<Vec<DuplicateHint>> {
        let mut hints: Vec<DuplicateHint> = Vec::new();
        let stem = name_stem(&input.name);
        if search::pinyin_of(&stem).0.chars().count() >= 2 && !stem.is_empty() {
            let mut stmt = self.conn.prepare_cached(&format!(
                "{ROW_SELECT} WHERE c.deleted_at IS NULL AND c.name LIKE ?1 ESCAPE '\\' LIMIT 5"
            ))?;
            let pat = format!("%{}%", stem.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            for row in stmt.query_map([pat], row_from)? {
                let row = row?;
                hints.push(DuplicateHint {
                    message: format!("可能已存在：客户「{}」名称相近。", row.name),
                    message_en: format!("May already exist: '{}' has a similar name.", row.name),
                    customer_id: row.id,
                    name: row.name,
                    customer_code: row.customer_code,
                    reason: "name".into(),
                });
            }
        }
        for p in phones {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            if digits.len() < 5 {
                continue;
            }
            let mut stmt = self.conn.prepare_cached(
                "SELECT c.id, c.name, c.customer_code, k.name FROM contacts k JOIN customers c ON c.id = k.customer_id
                 WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL AND (k.mobile = ?1 OR k.phone = ?2) LIMIT 5",
            )?;
            let rows = stmt.query_map(params![digits, p.trim()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (id, name, code, contact) = row?;
                if hints.iter().any(|h| h.customer_id == id) {
                    continue;
                }
                hints.push(DuplicateHint {
                    message: format!("可能已存在：电话 {p} 已登记在客户「{name}」的联系人{contact}名下。"),
                    message_en: format!("May already exist: phone {p} is on file for {contact} at '{name}'."),
                    customer_id: id,
                    name,
                    customer_code: code,
                    reason: "phone".into(),
                });
            }
        }
        Ok(hints)
    }

    /// Create a customer. An identical credit code is refused; similar names or phones come
    /// back as warnings ("可能已存在").
    pub fn create_customer(&mut self, input: &CustomerInput) -> Result<CustomerCreated> {
        // On a field device a new customer is the rep's own unless someone else is named.
        let mut owned;
        let input = if input.owner_id.is_none() && crate::sync::is_field_device(&self.conn)? {
            owned = input.clone();
            owned.owner_id = Some(self.user_id.clone());
            &owned
        } else {
            input
        };
        let c = check_customer(&self.conn, input)?;
        refuse_duplicate_credit_code(&self.conn, &c.credit_code, None)?;
        let warnings = self.check_duplicates(input, &[])?;
        let id = new_id();
        let tier = input.tier.unwrap_or(Tier::Prospect);
        self.write(|tx, ctx| {
            insert_customer_row(tx, ctx, &id, &c, tier)?;
            reindex_customer(tx, &id)
        })?;
        Ok(CustomerCreated { customer: self.customer(&id)?, warnings })
    }

    /// Edit the profile and business information. The tier is not changed here (use
    /// [`Kam::change_tier`], which keeps the history).
    pub fn update_customer(&mut self, id: &str, input: &CustomerInput) -> Result<Customer> {
        customer_seq(&self.conn, id)?;
        let c = check_customer(&self.conn, input)?;
        refuse_duplicate_credit_code(&self.conn, &c.credit_code, Some(id))?;
        let (pinyin, _) = search::pinyin_of(&c.name);
        self.write(|tx, ctx| {
            let [address, industry, assets, shareholders, source, perf, pay, coop, bidding, terms, price, notes] =
                &c.text;
            tx.execute(
                "UPDATE customers SET name=?2, name_pinyin=?3, credit_code=?4, address=?5, nature=?6, industry=?7,
                    scale=?8, assets=?9, shareholders=?10, source=?11, category=?12, lifecycle=?13, owner_id=?14,
                    liaison_id=?15, contract_performance=?16, payment_behaviour=?17, cooperation_mode=?18,
                    bidding_method=?19, contract_terms=?20, price_level=?21, credit_terms_days=?22,
                    credit_limit_fen=?23, receivable_fen=?24, overdue_receivable_fen=?25, notes=?26,
                    updated_at=?27, updated_by=?28
                 WHERE id = ?1",
                params![
                    id,
                    c.name,
                    pinyin,
                    c.credit_code,
                    address,
                    c.nature,
                    industry,
                    c.scale,
                    assets,
                    shareholders,
                    source,
                    c.category,
                    c.lifecycle,
                    c.owner_id,
                    c.liaison_id,
                    perf,
                    pay,
                    coop,
                    bidding,
                    terms,
                    price,
                    c.credit_terms_days,
                    c.credit_limit_fen,
                    c.receivable_fen,
                    c.overdue_receivable_fen,
                    notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            reindex_customer(tx, id)
        })?;
        self.customer(id)
    }

    /// Change the tier, keeping date, reason and who decided in the history.
    pub fn change_tier(&mut self, id: &str, tier: Tier, reason: &str) -> Result<Customer> {
        let reason = v::required("reason", "调整原因", "Reason", reason, 500)?;
        let current = self.customer(id)?;
        if current.tier == tier {
            return Err(KamError::invalid(
                "tier",
                format!("客户已是{}，无需调整。", tier.label_zh()),
                format!("The customer is already {}; nothing to change.", tier.label_en()),
            ));
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE customers SET tier = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
                params![id, tier, ctx.now, ctx.user],
            )?;
            tx.execute(
                "INSERT INTO tier_changes (id, customer_id, from_tier, to_tier, reason, decided_by, changed_at,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?6, ?7, ?6)",
                params![new_id(), id, current.tier, tier, reason, ctx.user, ctx.now],
            )?;
            Ok(())
        })?;
        self.customer(id)
    }

    /// Approve as a key account and assign the customer code `KA{yy}-{device tag}-{seq}`
    /// (see ARCHITECTURE.md: unique across devices because the tag is the device's).
    pub fn approve_customer(&mut self, id: &str) -> Result<Customer> {
        let current = self.customer(id)?;
        if current.customer_code.is_some() {
            return Ok(current);
        }
        let year = self.now().with_timezone(&crate::DEFAULT_TIME_ZONE).year() % 100;
        let tag = self.device_tag.clone();
        self.write(|tx, ctx| {
            let next: i64 = tx
                .query_row("SELECT value FROM settings WHERE key = 'code_seq'", [], |r| r.get::<_, String>(0))
                .optional()?
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
                + 1;
            crate::db::set_setting(tx, "code_seq", &next.to_string())?;
            let code = format!("KA{year:02}-{tag}-{next:04}");
            tx.execute(
                "UPDATE customers SET customer_code = ?2, approved_at = ?3, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
                params![id, code, ctx.now, ctx.user],
            )?;
            reindex_customer(tx, id)
        })?;
        self.customer(id)
    }

    /// Delete (as a tombstone: the row stays for sync and can be restored).
    pub fn delete_customer(&mut self, id: &str) -> Result<()> {
        customer_seq(&self.conn, id)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE customers SET deleted_at = ?2, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            reindex_customer(tx, id)
        })
    }

    /// Undo a delete. Refused if another live customer has taken the credit code meanwhile.
    pub fn restore_customer(&mut self, id: &str) -> Result<Customer> {
        let code: Option<Option<String>> =
            self.conn.query_row("SELECT credit_code FROM customers WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let code = code.ok_or_else(|| KamError::NotFound { entity: "客户", id: id.to_string() })?;
        refuse_duplicate_credit_code(&self.conn, &code, Some(id))?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE customers SET deleted_at = NULL, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![id, ctx.now, ctx.user],
            )?;
            reindex_customer(tx, id)
        })?;
        self.customer(id)
    }

    /// One live customer.
    pub fn customer(&self, id: &str) -> Result<Customer> {
        self.conn
            .query_row(&format!("{CUSTOMER_SELECT} WHERE c.id = ?1 AND c.deleted_at IS NULL"), [id], customer_from)
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: "客户", id: id.to_string() })
    }

    /// Find a live customer by id, customer code or credit code (for the CLI).
    pub fn resolve_customer(&self, key: &str) -> Result<Customer> {
        let key = key.trim();
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM customers WHERE deleted_at IS NULL AND (id = ?1 OR customer_code = upper(?1) OR credit_code = upper(?1))",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        self.customer(id.as_deref().unwrap_or(key))
    }

    /// The customer with everything attached.
    pub fn dossier(&self, id: &str) -> Result<Dossier> {
        let customer = self.customer(id)?;
        let contacts = self
            .conn
            .prepare_cached(
                "SELECT id, customer_id, name, title, phone, mobile, fax, email, postcode, is_decision_maker,
                    decision_role, birthday, interests, family, notes, active, updated_at
                 FROM contacts WHERE customer_id = ?1 AND deleted_at IS NULL
                 ORDER BY active DESC, is_decision_maker DESC, created_at",
            )?
            .query_map([id], |r| {
                Ok(Contact {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    name: r.get(2)?,
                    title: r.get(3)?,
                    phone: r.get(4)?,
                    mobile: r.get(5)?,
                    fax: r.get(6)?,
                    email: r.get(7)?,
                    postcode: r.get(8)?,
                    is_decision_maker: r.get(9)?,
                    decision_role: r.get(10)?,
                    birthday: r.get(11)?,
                    interests: r.get(12)?,
                    family: r.get(13)?,
                    notes: r.get(14)?,
                    active: r.get(15)?,
                    updated_at: r.get(16)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let contact_changes = self
            .conn
            .prepare_cached(&format!(
                "{CONTACT_CHANGE_SELECT}
                 WHERE x.customer_id = ?1 AND x.deleted_at IS NULL ORDER BY x.changed_on DESC, x.created_at DESC"
            ))?
            .query_map([id], contact_change_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let tier_history = self
            .conn
            .prepare_cached(
                "SELECT t.id, t.from_tier, t.to_tier, t.reason, t.decided_by, u.name, t.changed_at
                 FROM tier_changes t LEFT JOIN users u ON u.id = t.decided_by
                 WHERE t.customer_id = ?1 AND t.deleted_at IS NULL ORDER BY t.changed_at DESC, t.id DESC",
            )?
            .query_map([id], |r| {
                Ok(TierChange {
                    id: r.get(0)?,
                    from_tier: r.get(1)?,
                    to_tier: r.get(2)?,
                    reason: r.get(3)?,
                    decided_by: r.get(4)?,
                    decided_by_name: r.get(5)?,
                    changed_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let projects = self
            .conn
            .prepare_cached(
                "SELECT id, customer_id, name, status, amount_fen, plan_year, start_date, end_date, notes
                 FROM projects WHERE customer_id = ?1 AND deleted_at IS NULL
                 ORDER BY CASE status WHEN 'ongoing' THEN 0 WHEN 'planned' THEN 1 ELSE 2 END, start_date DESC",
            )?
            .query_map([id], |r| {
                Ok(Project {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    name: r.get(2)?,
                    status: r.get(3)?,
                    amount_fen: r.get(4)?,
                    plan_year: r.get(5)?,
                    start_date: r.get(6)?,
                    end_date: r.get(7)?,
                    notes: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let records = self
            .conn
            .prepare_cached(&format!(
                "{RECORD_SELECT}
                 WHERE r.customer_id = ?1 AND r.deleted_at IS NULL ORDER BY r.occurred_on DESC, r.created_at DESC"
            ))?
            .query_map([id], record_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let today = self.now().with_timezone(&crate::DEFAULT_TIME_ZONE).date_naive().to_string();
        let receivables = self.conn.query_row(
            "SELECT COALESCE(SUM(amount_fen - paid_fen), 0),
                    COALESCE(SUM(CASE WHEN due_on < ?2 THEN amount_fen - paid_fen END), 0),
                    COUNT(CASE WHEN due_on < ?2 THEN 1 END),
                    MIN(CASE WHEN due_on < ?2 THEN due_on END)
             FROM receivables WHERE customer_id = ?1 AND deleted_at IS NULL AND paid_fen < amount_fen",
            params![id, today],
            |r| {
                Ok(ReceivableStatus {
                    open_fen: r.get(0)?,
                    overdue_fen: r.get(1)?,
                    overdue_count: r.get(2)?,
                    oldest_overdue_due_on: r.get(3)?,
                })
            },
        )?;
        Ok(Dossier { customer, receivables, contacts, contact_changes, tier_history, projects, records })
    }

    /// The customer list: filters, sort, a window, and the total.
    pub fn list_customers(&self, q: &CustomerQuery) -> Result<CustomerPage> {
        let mut conds = vec!["c.deleted_at IS NULL".to_string()];
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut arg = |conds: &mut Vec<String>, sql: &str, v: rusqlite::types::Value| {
            args.push(v);
            conds.push(sql.replace('?', &format!("?{}", args.len())));
        };
        if let Some(t) = q.tier {
            arg(&mut conds, "c.tier = ?", t.as_str().to_string().into());
        }
        if let Some(t) = q.category {
            arg(&mut conds, "c.category = ?", t.as_str().to_string().into());
        }
        if let Some(t) = q.lifecycle {
            arg(&mut conds, "c.lifecycle = ?", t.as_str().to_string().into());
        }
        if let Some(o) = clean(&q.owner_id) {
            arg(&mut conds, "c.owner_id = ?", o.into());
        }
        if let Some(text) = clean(&q.text) {
            match search::match_expr(&text) {
                Some((table, expr)) => {
                    arg(&mut conds, &format!("c.seq IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"), expr.into())
                }
                None => arg(&mut conds, "c.name LIKE ?", format!("%{text}%").into()),
            }
        }
        let filter = conds.join(" AND ");
        let total: u32 = self.conn.query_row(
            &format!("SELECT count(*) FROM customers c WHERE {filter}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let order = match q.sort.unwrap_or_default() {
            CustomerSort::Name => "c.name_pinyin, c.id",
            CustomerSort::Code => "c.customer_code IS NULL, c.customer_code, c.name_pinyin",
            CustomerSort::Tier => {
                "CASE c.tier WHEN 'strategic' THEN 0 WHEN 'key' THEN 1 WHEN 'regular' THEN 2 ELSE 3 END, c.name_pinyin"
            }
            CustomerSort::UpdatedDesc => "c.updated_at DESC",
        };
        let limit = q.limit.unwrap_or(100).min(1000);
        let offset = q.offset.unwrap_or(0);
        let sql = format!("{ROW_SELECT} WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(args.iter()), row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CustomerPage { total, rows })
    }

    /// Search as you type: ranked hits (exact code, name prefix, name contains, the rest) and
    /// the number of matching customers.
    pub fn search(&self, query: &str, limit: u32) -> Result<SearchResult> {
        let hits = self.search_hits(query, limit)?;
        let total = self.search_total(query)?.max(hits.len() as u32);
        Ok(SearchResult { total, hits })
    }

    /// How many live customers match `query` (names, codes, contacts, phones, pinyin).
    pub fn search_total(&self, query: &str) -> Result<u32> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(0);
        }
        Ok(match search::match_expr(q) {
            Some((table, expr)) => {
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table} WHERE {table} MATCH ?1"), [&expr], |r| r.get(0))?
            }
            None => self.conn.query_row(
                "SELECT count(*) FROM customers WHERE name LIKE ?1 AND deleted_at IS NULL",
                [format!("%{q}%")],
                |r| r.get(0),
            )?,
        })
    }

    /// The first `limit` hits, ranked: exact customer/credit code, name prefix, name
    /// contains, then the rest (contacts, phones, pinyin).
    pub fn search_hits(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let q = query.trim();
        let limit = limit.clamp(1, 500) as usize;
        let mut hits: Vec<SearchHit> = Vec::new();
        if q.is_empty() {
            return Ok(hits);
        }
        type V = rusqlite::types::Value;
        let push = |hits: &mut Vec<SearchHit>, sql: &str, p: Vec<V>, matched: &str| -> Result<()> {
            if hits.len() >= limit {
                return Ok(());
            }
            let mut stmt = self.conn.prepare_cached(sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(p))?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                if hits.iter().any(|h| h.id == id) {
                    continue;
                }
                hits.push(SearchHit {
                    id,
                    name: r.get(1)?,
                    customer_code: r.get(2)?,
                    tier: r.get(3)?,
                    owner_name: r.get(4)?,
                    matched: matched.to_string(),
                });
                if hits.len() >= limit {
                    break;
                }
            }
            Ok(())
        };
        const HIT: &str =
            "SELECT c.id, c.name, c.customer_code, c.tier, o.name FROM customers c LEFT JOIN users o ON o.id = c.owner_id";
        let lim = limit as i64;
        if q.len() >= 4 && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            for col in ["customer_code", "credit_code"] {
                push(
                    &mut hits,
                    &format!("{HIT} WHERE c.{col} = ?1 AND c.deleted_at IS NULL"),
                    vec![V::from(q.to_uppercase())],
                    "code",
                )?;
            }
        }
        push(
            &mut hits,
            &format!(
                "{HIT} WHERE c.name >= ?1 AND c.name < ?1 || char(1114111) AND c.deleted_at IS NULL ORDER BY c.name LIMIT ?2"
            ),
            vec![V::from(q.to_string()), V::from(lim)],
            "name_prefix",
        )?;
        match search::match_expr(q) {
            Some((table, expr)) => {
                let sql = format!("{HIT} WHERE c.seq IN (SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)");
                // Names are Chinese: a Latin/digit query (pinyin, phone) can only match the
                // rest, and a column filter over its long posting lists would be slow.
                if !q.is_ascii() {
                    push(&mut hits, &sql, vec![V::from(search::name_only(&expr)), V::from(lim * 2)], "name")?;
                }
                push(&mut hits, &sql, vec![V::from(expr), V::from(lim * 2)], "other")?;
            }
            None => push(
                &mut hits,
                &format!("{HIT} WHERE c.name LIKE ?1 AND c.deleted_at IS NULL LIMIT ?2"),
                vec![V::from(format!("%{q}%")), V::from(lim)],
                "name",
            )?,
        }
        Ok(hits)
    }

    fn contact_owner(&self, contact_id: &str) -> Result<String> {
        self.conn
            .query_row(
                "SELECT k.customer_id FROM contacts k JOIN customers c ON c.id = k.customer_id
                 WHERE k.id = ?1 AND k.deleted_at IS NULL AND c.deleted_at IS NULL",
                [contact_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: "联系人", id: contact_id.to_string() })
    }

    /// Add a contact (or decision maker) to a customer.
    pub fn add_contact(&mut self, customer_id: &str, input: &ContactInput) -> Result<Contact> {
        customer_seq(&self.conn, customer_id)?;
        let c = check_contact(input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO contacts (id, customer_id, name, title, phone, mobile, fax, email, postcode,
                    is_decision_maker, decision_role, birthday, interests, family, notes, active,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?17, ?18)",
                params![
                    id,
                    customer_id,
                    c.name,
                    c.title,
                    c.phone,
                    c.mobile,
                    c.fax,
                    c.email,
                    c.postcode,
                    c.is_decision_maker,
                    c.decision_role,
                    c.birthday,
                    c.interests,
                    c.family,
                    c.notes,
                    c.active,
                    ctx.now,
                    ctx.user
                ],
            )?;
            reindex_customer(tx, customer_id)
        })?;
        Ok(self.dossier(customer_id)?.contacts.into_iter().find(|k| k.id == id).expect("just inserted"))
    }

    /// Edit a contact.
    pub fn update_contact(&mut self, contact_id: &str, input: &ContactInput) -> Result<Contact> {
        let customer_id = self.contact_owner(contact_id)?;
        let c = check_contact(input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE contacts SET name=?2, title=?3, phone=?4, mobile=?5, fax=?6, email=?7, postcode=?8,
                    is_decision_maker=?9, decision_role=?10, birthday=?11, interests=?12, family=?13, notes=?14,
                    active=?15, updated_at=?16, updated_by=?17 WHERE id = ?1",
                params![
                    contact_id,
                    c.name,
                    c.title,
                    c.phone,
                    c.mobile,
                    c.fax,
                    c.email,
                    c.postcode,
                    c.is_decision_maker,
                    c.decision_role,
                    c.birthday,
                    c.interests,
                    c.family,
                    c.notes,
                    c.active,
                    ctx.now,
                    ctx.user
                ],
            )?;
            reindex_customer(tx, &customer_id)
        })?;
        Ok(self.dossier(&customer_id)?.contacts.into_iter().find(|k| k.id == contact_id).expect("exists"))
    }

    /// Delete a contact (tombstone).
    pub fn delete_contact(&mut self, contact_id: &str) -> Result<()> {
        let customer_id = self.contact_owner(contact_id)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE contacts SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![contact_id, ctx.now, ctx.user],
            )?;
            reindex_customer(tx, &customer_id)
        })
    }

    /// The cleaned description, date (default today) and contact of a key-person change of
    /// `customer_id`; the contact, if any, must be a live contact of that customer.
    fn check_contact_change(
        &self,
        customer_id: &str,
        input: &ContactChangeInput,
    ) -> Result<(String, String, Option<String>)> {
        let description = v::required("description", "变动说明", "Description", &input.description, 500)?;
        let today = self.now().with_timezone(&crate::DEFAULT_TIME_ZONE).date_naive();
        let changed_on = opt_date("changed_on", &input.changed_on)?.unwrap_or_else(|| today.to_string());
        let contact_id = clean(&input.contact_id);
        if let Some(cid) = &contact_id {
            if self.contact_owner(cid)? != customer_id {
                return Err(KamError::invalid(
                    "contact_id",
                    "该联系人不属于此客户，请从本客户的联系人中选择。",
                    "That contact belongs to another customer; pick one of this customer's contacts.",
                ));
            }
        }
        Ok((description, changed_on, contact_id))
    }

    /// One live key-person change of a live customer.
    pub fn contact_change(&self, id: &str) -> Result<ContactChange> {
        self.conn
            .query_row(
                &format!(
                    "{CONTACT_CHANGE_SELECT} JOIN customers c ON c.id = x.customer_id
                     WHERE x.id = ?1 AND x.deleted_at IS NULL AND c.deleted_at IS NULL"
                ),
                [id],
                contact_change_from,
            )
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: "记录", id: id.to_string() })
    }

    /// Record a key-person change (关键人员变动). A "left" change also marks the contact inactive.
    pub fn add_contact_change(&mut self, customer_id: &str, input: &ContactChangeInput) -> Result<ContactChange> {
        customer_seq(&self.conn, customer_id)?;
        let (description, changed_on, contact_id) = self.check_contact_change(customer_id, input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO contact_changes (id, customer_id, contact_id, kind, description, changed_on,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![id, customer_id, contact_id, input.kind, description, changed_on, ctx.now, ctx.user],
            )?;
            if let (Some(cid), ContactChangeKind::Left) = (&contact_id, input.kind) {
                mark_contact_left(tx, ctx, cid)?;
            }
            Ok(())
        })?;
        Ok(self.dossier(customer_id)?.contact_changes.into_iter().find(|x| x.id == id).expect("just inserted"))
    }

    /// Edit a key-person change, validated like a new one. When the edit makes it a "left"
    /// change of a contact it was not one of before, that contact is marked inactive, as when
    /// such a change is added; an edit never reactivates a contact (a delete does not either).
    pub fn update_contact_change(&mut self, id: &str, input: &ContactChangeInput) -> Result<ContactChange> {
        let old = self.contact_change(id)?;
        let (description, changed_on, contact_id) = self.check_contact_change(&old.customer_id, input)?;
        let newly_left = input.kind == ContactChangeKind::Left
            && !(old.kind == ContactChangeKind::Left && old.contact_id == contact_id);
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE contact_changes SET contact_id=?2, kind=?3, description=?4, changed_on=?5,
                    updated_at=?6, updated_by=?7 WHERE id = ?1",
                params![id, contact_id, input.kind, description, changed_on, ctx.now, ctx.user],
            )?;
            if let (Some(cid), true) = (&contact_id, newly_left) {
                mark_contact_left(tx, ctx, cid)?;
            }
            Ok(())
        })?;
        self.contact_change(id)
    }

    fn check_project(&self, i: &ProjectInput) -> Result<(String, String, Option<String>, Option<String>)> {
        let name = v::required("project_name", "项目名称", "Project name", &i.name, 100)?;
        let notes = v::optional("notes", "备注", "Notes", &i.notes, 2000)?;
        v::money("amount_fen", i.amount_fen)?;
        let start = opt_date("start_date", &i.start_date)?;
        let end = opt_date("end_date", &i.end_date)?;
        if let (Some(s), Some(e)) = (&start, &end) {
            if e < s {
                return Err(KamError::invalid(
                    "end_date",
                    "结束日期不能早于开始日期。",
                    "The end date cannot be before the start date.",
                ));
            }
        }
        if let Some(y) = i.plan_year {
            if !(2000..=2100).contains(&y) {
                return Err(KamError::invalid(
                    "plan_year",
                    "计划年度应在 2000 到 2100 之间。",
                    "The plan year must be between 2000 and 2100.",
                ));
            }
        }
        Ok((name, notes, start, end))
    }

    /// Add a project (past, under way, or planned development).
    pub fn add_project(&mut self, customer_id: &str, input: &ProjectInput) -> Result<Project> {
        customer_seq(&self.conn, customer_id)?;
        let (name, notes, start, end) = self.check_project(input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO projects (id, customer_id, name, status, amount_fen, plan_year, start_date, end_date, notes,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)",
                params![id, customer_id, name, input.status, input.amount_fen, input.plan_year, start, end, notes, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        Ok(self.dossier(customer_id)?.projects.into_iter().find(|p| p.id == id).expect("just inserted"))
    }

    /// Edit a project.
    pub fn update_project(&mut self, project_id: &str, input: &ProjectInput) -> Result<Project> {
        let customer_id = self.owner_of("projects", "项目", project_id)?;
        let (name, notes, start, end) = self.check_project(input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE projects SET name=?2, status=?3, amount_fen=?4, plan_year=?5, start_date=?6, end_date=?7,
                    notes=?8, updated_at=?9, updated_by=?10 WHERE id = ?1",
                params![
                    project_id,
                    name,
                    input.status,
                    input.amount_fen,
                    input.plan_year,
                    start,
                    end,
                    notes,
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(())
        })?;
        Ok(self.dossier(&customer_id)?.projects.into_iter().find(|p| p.id == project_id).expect("exists"))
    }

    /// The cleaned title, content and date (default today, never after today) of a record.
    fn check_record(&self, input: &RecordInput) -> Result<(String, String, String)> {
        let title = v::required("title", "标题", "Title", &input.title, 100)?;
        let content = v::optional("content", "内容", "Content", &input.content, 10000)?;
        let today = self.now().with_timezone(&crate::DEFAULT_TIME_ZONE).date_naive();
        let on = opt_date("occurred_on", &input.occurred_on)?.unwrap_or_else(|| today.to_string());
        if NaiveDate::parse_from_str(&on, "%Y-%m-%d").map(|d| d > today).unwrap_or(false) {
            return Err(KamError::invalid(
                "occurred_on",
                "记录日期不能晚于今天。",
                "A record cannot be dated after today.",
            ));
        }
        Ok((title, content, on))
    }

    /// One live record of a live customer.
    pub fn record(&self, id: &str) -> Result<Record> {
        self.conn
            .query_row(
                &format!(
                    "{RECORD_SELECT} JOIN customers c ON c.id = r.customer_id
                     WHERE r.id = ?1 AND r.deleted_at IS NULL AND c.deleted_at IS NULL"
                ),
                [id],
                record_from,
            )
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: "记录", id: id.to_string() })
    }

    /// Add a free record (meeting, conversation, survey, note).
    pub fn add_record(&mut self, customer_id: &str, input: &RecordInput) -> Result<Record> {
        customer_seq(&self.conn, customer_id)?;
        let (title, content, on) = self.check_record(input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO records (id, customer_id, kind, occurred_on, title, content, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![id, customer_id, input.kind, on, title, content, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        Ok(self.dossier(customer_id)?.records.into_iter().find(|r| r.id == id).expect("just inserted"))
    }

    /// Edit a record, validated like a new one. Its author stays the one who wrote it.
    pub fn update_record(&mut self, id: &str, input: &RecordInput) -> Result<Record> {
        self.record(id)?;
        let (title, content, on) = self.check_record(input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE records SET kind=?2, occurred_on=?3, title=?4, content=?5, updated_at=?6, updated_by=?7
                 WHERE id = ?1",
                params![id, input.kind, on, title, content, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.record(id)
    }

    /// Delete a project or a record (tombstone). `kind` is "project" or "record".
    pub fn delete_item(&mut self, kind: &str, id: &str) -> Result<()> {
        let (table, entity) = match kind {
            "project" => ("projects", "项目"),
            "record" => ("records", "记录"),
            "contact_change" => ("contact_changes", "记录"),
            _ => return Err(KamError::invalid("kind", "未知的条目类型。", "Unknown item kind.")),
        };
        self.owner_of(table, entity, id)?;
        self.write(|tx, ctx| {
            tx.execute(
                &format!("UPDATE {table} SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1"),
                params![id, ctx.now, ctx.user],
            )?;
            Ok(())
        })
    }

    fn owner_of(&self, table: &str, entity: &'static str, id: &str) -> Result<String> {
        self.conn
            .query_row(&format!("SELECT customer_id FROM {table} WHERE id = ?1 AND deleted_at IS NULL"), [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity, id: id.to_string() })
    }
}

/// Bulk insert used by the demo generator: same validation and indexing as the app, inside
/// the caller's transaction.
pub(crate) fn insert_full(
    tx: &Transaction,
    ctx: &Ctx,
    input: &CustomerInput,
    contacts: &[ContactInput],
    customer_code: Option<&str>,
) -> Result<u32> {
    let c = check_customer(tx, input)?;
    let id = new_id();
    insert_customer_row(tx, ctx, &id, &c, input.tier.unwrap_or(Tier::Prospect))?;
    if let Some(code) = customer_code {
        tx.execute(
            "UPDATE customers SET customer_code = ?2, approved_at = ?3 WHERE id = ?1",
            params![id, code, ctx.now],
        )?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO contacts (id, customer_id, name, title, phone, mobile, email, is_decision_maker, decision_role,
            birthday, interests, family, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?13, ?14)",
    )?;
    for k in contacts {
        let k = check_contact(k)?;
        stmt.execute(params![
            new_id(),
            id,
            k.name,
            k.title,
            k.phone,
            k.mobile,
            k.email,
            k.is_decision_maker,
            k.decision_role,
            k.birthday,
            k.interests,
            k.family,
            ctx.now,
            ctx.user
        ])?;
    }
    reindex_customer(tx, &id)?;
    Ok(contacts.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::name_stem;

    #[test]
    fn name_stems_drop_legal_forms() {
        assert_eq!(name_stem("华东电力设备有限公司"), "华东电力设备");
        assert_eq!(name_stem("华东电力设备股份有限公司"), "华东电力设备");
        assert_eq!(name_stem("华东 电力（集团）"), "华东电力");
    }
}
