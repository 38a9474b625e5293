//! The customer dossier: customers, contacts, key-person changes, tier history, projects,
//! free records, and the users they are assigned to.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::error::{KamError, Result};
use crate::model::*;
use crate::scope::Access;
use crate::search;
use crate::units::Fen;
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

/// The list's columns; the overdue amount is the open receivables records past due on `today`
/// (not the hand-typed business field).
fn row_select(today: &str) -> String {
    format!(
        "SELECT c.id, c.name, c.customer_code, c.credit_code, c.tier, c.category, c.lifecycle,
    c.industry, o.name, {}, c.updated_at
    FROM customers c LEFT JOIN users o ON o.id = c.owner_id",
        crate::finance::overdue_sum_sql("c.id", today)
    )
}

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
    credit_limit_fen: Option<Fen>,
    receivable_fen: Fen,
    overdue_receivable_fen: Fen,
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
        receivable_fen: v::money("receivable_fen", i.receivable_fen)?.unwrap_or(Fen::ZERO),
        overdue_receivable_fen: v::money("overdue_receivable_fen", i.overdue_receivable_fen)?.unwrap_or(Fen::ZERO),
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

/// Check a customer and its contacts as creating them would (the import's dry run), writing
/// nothing.
pub(crate) fn check_customer_input(conn: &Connection, i: &CustomerInput, contacts: &[ContactInput]) -> Result<()> {
    check_customer(conn, i)?;
    for k in contacts {
        check_contact(k)?;
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
        .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Customer, id: id.to_string() })
}

/// Rebuild the search entry of one customer from its current name, codes and contacts.
pub(crate) fn reindex_customer(conn: &Connection, id: &str) -> Result<()> {
    let (seq, name, code, credit, deleted): (i64, String, Option<String>, Option<String>, Option<String>) = conn
        .prepare_cached("SELECT seq, name, customer_code, credit_code, deleted_at FROM customers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
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

/// Index customers never indexed before (an import's new customers, inserted without
/// [`reindex_customer`]): `sql` selects their ids with one parameter, `arg`. One pass with one
/// query for all of them and the index's inserts only, no deletes (a row id already indexed
/// makes the insert fail: the batch is rolled back rather than indexed twice).
pub(crate) fn index_new_customers(conn: &Connection, sql_ids: &str, arg: &str) -> Result<()> {
    let sql = format!(
        "SELECT c.seq, c.name, c.customer_code, c.credit_code, ct.name, ct.phone, ct.mobile
         FROM customers c LEFT JOIN contacts ct ON ct.customer_id = c.id AND ct.deleted_at IS NULL
         WHERE c.id IN ({sql_ids}) AND c.deleted_at IS NULL ORDER BY c.seq"
    );
    type IdxRow = (i64, String, Option<String>, Option<String>, Option<(String, String, String)>);
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([arg])?;
    let mut current: Option<(i64, String, Option<String>, Option<String>)> = None;
    let mut contacts: Vec<(String, String, String)> = Vec::new();
    let flush = |c: &Option<(i64, String, Option<String>, Option<String>)>,
                 contacts: &mut Vec<(String, String, String)>| {
        if let Some((seq, name, code, credit)) = c {
            let text =
                search::index_text(name, &[code.as_deref().unwrap_or(""), credit.as_deref().unwrap_or("")], contacts);
            search::index_new(conn, *seq, &text)?;
        }
        contacts.clear();
        Ok::<(), crate::error::KamError>(())
    };
    while let Some(r) = rows.next()? {
        let row: IdxRow = (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            match r.get::<_, Option<String>>(4)? {
                Some(n) => Some((n, r.get(5)?, r.get(6)?)),
                None => None,
            },
        );
        if current.as_ref().map(|c| c.0) != Some(row.0) {
            flush(&current, &mut contacts)?;
            current = Some((row.0, row.1, row.2, row.3));
        }
        if let Some(k) = row.4 {
            contacts.push(k);
        }
    }
    flush(&current, &mut contacts)
}

/// Insert a checked customer; `legacy_code` is the old system's code an import brings.
fn insert_customer_row(
    tx: &Transaction,
    ctx: &Ctx,
    id: &str,
    c: &CleanCustomer,
    tier: Tier,
    legacy_code: Option<&str>,
) -> Result<i64> {
    let (pinyin, _) = search::pinyin_of(&c.name);
    let [address, industry, assets, shareholders, source, perf, pay, coop, bidding, terms, price, notes] = &c.text;
    tx.prepare_cached(
        "INSERT INTO customers (id, name, name_pinyin, credit_code, address, nature, industry, scale, assets,
            shareholders, source, tier, category, lifecycle, owner_id, liaison_id, contract_performance,
            payment_behaviour, cooperation_mode, bidding_method, contract_terms, price_level,
            credit_terms_days, credit_limit_fen, receivable_fen, overdue_receivable_fen, notes,
            created_at, created_by, updated_at, updated_by, legacy_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
            ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?28, ?29, ?30)",
    )?
    .execute(params![
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
        ctx.user,
        legacy_code
    ])?;
    let seq = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO tier_changes (id, customer_id, from_tier, to_tier, reason, decided_by, changed_at,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, NULL, ?3, '新建档案', ?4, ?5, ?5, ?4, ?5, ?4)",
    )?
    .execute(params![new_id(), id, tier, ctx.user, ctx.now])?;
    Ok(seq)
}

pub(crate) fn check_contact(i: &ContactInput) -> Result<ContactInput> {
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

mod contacts;
mod customers;
mod list;
mod projects_records;
mod requests;
mod users;

pub(crate) use customers::insert_contact;
pub(crate) use customers::{insert_full, insert_full_unindexed};

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
