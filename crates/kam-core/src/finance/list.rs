//! Listing finance records: one query over the three tables, filtered by customer, kind and
//! month, newest first.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::*;
use crate::error::{Entity, KamError, Result};
use crate::relation::parse_ymd;
use crate::time::{first_day, parse_month};
use crate::Kam;

/// The three tables in one shape: (kind expression, table, date, due, paid, paid_on, notes).
const PARTS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("t.kind", "sales", "t.sold_on", "NULL", "NULL", "NULL", "t.reference"),
    ("'collection'", "collections", "t.collected_on", "NULL", "NULL", "NULL", "t.notes"),
    ("'receivable'", "receivables", "t.invoiced_on", "t.due_on", "t.paid_fen", "t.paid_on", "t.reference"),
];

fn part_sql(p: &(&str, &str, &str, &str, &str, &str, &str), conds: &str) -> String {
    let (kind, table, date, due, paid, paid_on, notes) = p;
    format!(
        "SELECT t.id, {kind} AS kind, t.customer_id, t.rep_id, {date} AS d, {due} AS due_on, t.amount_fen,
                {paid} AS paid_fen, {paid_on} AS paid_on, t.doc_no, {notes} AS notes, t.voided_at, t.voided_by,
                t.void_reason, t.updated_at, t.created_at
         FROM {table} t WHERE t.deleted_at IS NULL{conds}"
    )
}

fn wrap(inner: &str) -> String {
    format!(
        "SELECT f.id, f.kind, f.customer_id, cu.name, cu.customer_code, f.rep_id, u.name, f.d, f.due_on, f.amount_fen,
                f.paid_fen, f.paid_on, f.doc_no, f.notes, f.voided_at, vu.name, f.void_reason, f.updated_at
         FROM ({inner}) f JOIN customers cu ON cu.id = f.customer_id
         LEFT JOIN users u ON u.id = f.rep_id LEFT JOIN users vu ON vu.id = f.voided_by"
    )
}

pub(crate) fn record_from(r: &Row, today: &str) -> rusqlite::Result<FinanceRecord> {
    let kind: FinanceKind = r.get(1)?;
    let amount_fen: Fen = r.get(9)?;
    let paid_fen: Option<Fen> = r.get(10)?;
    let due_on: Option<String> = r.get(8)?;
    let voided_at: Option<String> = r.get(14)?;
    let outstanding_fen = paid_fen.map(|p| amount_fen - p);
    let days_overdue = match (&due_on, outstanding_fen, &voided_at) {
        (Some(due), Some(open), None) if open > Fen::ZERO && due.as_str() < today => {
            match (parse_ymd(due), parse_ymd(today)) {
                (Some(d), Some(t)) => Some((t - d).num_days().max(0) as u32),
                _ => None,
            }
        }
        _ => None,
    };
    Ok(FinanceRecord {
        id: r.get(0)?,
        kind,
        customer_id: r.get(2)?,
        customer_name: r.get(3)?,
        customer_code: r.get(4)?,
        rep_id: r.get(5)?,
        rep_name: r.get(6)?,
        date: r.get(7)?,
        due_on,
        amount_fen,
        paid_fen,
        paid_on: r.get(11)?,
        outstanding_fen,
        days_overdue,
        doc_no: r.get(12)?,
        notes: r.get(13)?,
        voided_at,
        voided_by_name: r.get(15)?,
        void_reason: r.get(16)?,
        updated_at: r.get(17)?,
    })
}

/// One live record by id, in whichever table holds it.
pub(crate) fn record(conn: &Connection, id: &str, today: &str) -> Result<FinanceRecord> {
    let parts: Vec<String> = PARTS.iter().map(|p| part_sql(p, " AND t.id = ?1")).collect();
    let sql = wrap(&parts.join(" UNION ALL "));
    conn.query_row(&sql, [id], |r| record_from(r, today))
        .optional()?
        .ok_or_else(|| KamError::NotFound { entity: Entity::FinanceRecord, id: id.to_string() })
}

/// The records `q` asks for (kinds, customer, month) among the customers `scope` (an SQL
/// condition on `cu`, or empty) lets the person see, as SQL and its arguments, followed by
/// `order_limit`.
pub(crate) fn query_sql(q: &FinanceQuery, scope: &str, order_limit: &str) -> Result<(String, Vec<Value>)> {
    let mut args: Vec<Value> = Vec::new();
    let mut conds = String::new();
    if let Some(c) = q.customer_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        args.push(c.to_string().into());
        conds.push_str(&format!(" AND t.customer_id = ?{}", args.len()));
    }
    if !q.include_voided.unwrap_or(false) {
        conds.push_str(" AND t.voided_at IS NULL");
    }
    let month = match q.month.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(m) => Some(parse_month(m).ok_or_else(|| {
            KamError::invalid(
                "month",
                format!("月份「{m}」格式不正确，应为 2026-01 这样的年-月。"),
                format!("The month '{m}' is malformed; use year-month like 2026-01."),
            )
        })?),
    };
    if let Some(m) = month {
        args.push(first_day(m).to_string().into());
        args.push(first_day(m + 1).to_string().into());
    }
    let range = |date: &str| match month {
        Some(_) => format!(" AND {date} >= ?{} AND {date} < ?{}", args.len() - 1, args.len()),
        None => String::new(),
    };
    let mut parts = Vec::new();
    for p in PARTS {
        let wanted = matches!(
            (q.kind, p.1),
            (None, _)
                | (Some(FinanceKind::Sale | FinanceKind::Return), "sales")
                | (Some(FinanceKind::Collection), "collections")
                | (Some(FinanceKind::Receivable), "receivables")
        );
        if !wanted || (q.open_only.unwrap_or(false) && p.1 != "receivables") {
            continue;
        }
        let mut c = format!("{conds}{}", range(p.2));
        match (q.kind, p.1) {
            (Some(FinanceKind::Sale), _) => c.push_str(" AND t.kind = 'sale'"),
            (Some(FinanceKind::Return), _) => c.push_str(" AND t.kind = 'return'"),
            _ => {}
        }
        if q.open_only.unwrap_or(false) {
            c.push_str(" AND t.paid_fen < t.amount_fen");
        }
        parts.push(part_sql(p, &c));
    }
    Ok((format!("{} WHERE 1 = 1{scope} {order_limit}", wrap(&parts.join(" UNION ALL "))), args))
}

impl Kam {
    /// Finance records, newest first: filtered by customer, kind and month; voided ones only
    /// when asked.
    pub fn finance_records(&self, q: &FinanceQuery) -> Result<FinancePage> {
        self.require_signed_in()?;
        let today = crate::time::local_today(self).to_string();
        let limit = q.limit.unwrap_or(200).min(2000);
        let offset = q.offset.unwrap_or(0);
        let scope = self.scope()?.and_sql("cu");
        let (sql, args) = query_sql(q, &scope, "")?;
        let total: u32 =
            self.conn
                .query_row(&format!("SELECT count(*) FROM ({sql})"), rusqlite::params_from_iter(&args), |r| r.get(0))?;
        let order = format!("ORDER BY f.d DESC, f.created_at DESC LIMIT {limit} OFFSET {offset}");
        let (sql, args) = query_sql(q, &scope, &order)?;
        let rows = self
            .conn
            .prepare(&sql)?
            .query_map(rusqlite::params_from_iter(&args), |r| record_from(r, &today))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(FinancePage { total, rows })
    }

    /// One finance record (voided ones too).
    pub fn finance_record(&self, id: &str) -> Result<FinanceRecord> {
        self.require_signed_in()?;
        let r = record(&self.conn, id.trim(), &crate::time::local_today(self).to_string())?;
        self.check_access(&r.customer_id, crate::scope::Access::Read)?;
        Ok(r)
    }
}
