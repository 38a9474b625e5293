//! The monthly key-account report (大客户月报) and the inputs it needs: sales targets, sales
//! and returns, collections (回款), receivables (应收) and the manager's performance scores.
//!
//! The rules are pure functions in [`calc`]; this module reads the month's records, applies
//! them and hands the figures to the preview ([`Kam::monthly_report`]) and the workbook
//! ([`Kam::export_monthly_report`]).
//!
//! Attribution: sales, returns and collections are credited to the rep stored on the record
//! (the customer's owner when entered, unless given). Visits, plans, quotes, complaints,
//! surveys, new customers and receivables count for the customer's current owner. Months are
//! calendar months in the company time zone. Lists "as of" use the month's last day (today for
//! the current month); the overdue-visit list is the cadence engine's as of today.

mod calc;
mod demo;
mod model;
mod xlsx;

pub use calc::*;
pub(crate) use demo::demo_sales;
pub use model::*;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{Datelike, NaiveDate, TimeZone};
use rusqlite::{params, OptionalExtension};

use crate::error::{KamError, Result};
use crate::model::{Tier, User};
use crate::relation::{check_user, local_date_of, local_today, sane_date, target_customer, ymd, DueQuery};
use crate::util::{new_id, ts};
use crate::{Kam, DEFAULT_TIME_ZONE};

const MAX_FEN: i64 = 10_000_000_000_000;

fn month_arg(field: &str, s: &str) -> Result<MonthIndex> {
    parse_month(s).ok_or_else(|| {
        KamError::invalid(
            field,
            format!("月份「{}」格式不正确，应为 2026-10 这样的年-月（月份 01–12）。", s.trim()),
            format!("The month '{}' is malformed; use year-month like 2026-10 (month 01–12).", s.trim()),
        )
    })
}

fn amount(field: &str, fen: i64, allow_zero: bool) -> Result<i64> {
    if fen < 0 || (!allow_zero && fen == 0) || fen > MAX_FEN {
        return Err(KamError::invalid(
            field,
            format!(
                "金额必须{}且不超过 1000 亿元。退货请用“退货”登记正数金额，而不是负数。",
                if allow_zero { "不小于 0" } else { "大于 0" }
            ),
            format!(
                "The amount must be {} and at most 100 billion yuan. Record a return as a return with a positive amount, not a negative one.",
                if allow_zero { "zero or more" } else { "more than zero" }
            ),
        ));
    }
    Ok(fen)
}

fn first_day(m: MonthIndex) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.div_euclid(12), (m.rem_euclid(12) + 1) as u32, 1).expect("valid month")
}

fn last_day(m: MonthIndex) -> NaiveDate {
    first_day(m + 1).pred_opt().expect("valid date")
}

/// Local midnight at the start of month `m`, as a stored UTC timestamp.
fn month_start_utc(m: MonthIndex) -> String {
    let local = first_day(m).and_hms_opt(0, 0, 0).expect("midnight");
    let t = DEFAULT_TIME_ZONE.from_local_datetime(&local).earliest().expect("no gap at midnight in Asia/Shanghai");
    ts(t.with_timezone(&chrono::Utc))
}

fn month_of(d: NaiveDate) -> MonthIndex {
    d.year() * 12 + d.month0() as i32
}

fn not_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<()> {
    if d > today {
        return Err(KamError::invalid(
            field,
            format!("日期 {} 晚于今天（{}），不能登记将来的业务。请核对日期。", ymd(d), ymd(today)),
            format!(
                "The date {} is after today ({}); future business cannot be recorded. Check the date.",
                ymd(d),
                ymd(today)
            ),
        ));
    }
    Ok(())
}

/// The rep credited: the one given (must exist), else the customer's owner.
fn credited_rep(tx: &rusqlite::Connection, customer_id: &str, rep: &Option<String>) -> Result<Option<String>> {
    match rep.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => {
            check_user(tx, "rep_id", r)?;
            Ok(Some(r.to_string()))
        }
        None => Ok(tx.query_row("SELECT owner_id FROM customers WHERE id = ?1", [customer_id], |r| r.get(0))?),
    }
}

impl Kam {
    /// The month before this one, `YYYY-MM` (the report's usual month; the UI's default).
    pub fn previous_month(&self) -> String {
        month_str(month_of(local_today(self)) - 1)
    }

    /// The new-customer quota per rep and month (setting `new_customer_quota`, default 3).
    pub fn new_customer_quota(&self) -> Result<u32> {
        Ok(self.setting("new_customer_quota")?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_QUOTA))
    }

    /// Change the new-customer quota (channel departments: e-commerce 10, terminal 1).
    pub fn set_new_customer_quota(&mut self, quota: u32) -> Result<()> {
        if quota > 100 {
            return Err(KamError::invalid(
                "quota",
                "开发指标应在 0 到 100 之间。",
                "The quota must be between 0 and 100.",
            ));
        }
        crate::db::set_setting(&self.conn, "new_customer_quota", &quota.to_string())
    }

    /// Record that a user left on a date (they still appear in reports for the days worked).
    pub fn set_user_left(&mut self, user_id: &str, left_on: &str) -> Result<User> {
        self.only_head_office("人员名单", "the list of people")?;
        let d = sane_date("left_on", left_on)?;
        self.write(|tx, ctx| {
            check_user(tx, "user_id", user_id)?;
            tx.execute(
                "UPDATE users SET left_on = ?2, active = 0, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
                params![user_id, ymd(d), ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.user(user_id)
    }

    /// Set a rep's or a department's sales target for a month (replacing the month's target).
    pub fn set_target(&mut self, input: &TargetInput) -> Result<SalesTarget> {
        self.only_head_office("销售目标", "sales targets")?;
        let m = month_arg("month", &input.month)?;
        let sales = amount("sales_fen", input.sales_fen, true)?;
        let collection = amount("collection_fen", input.collection_fen.unwrap_or(0), true)?;
        let user = input.user_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let dept = input.department.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let (scope, subject) = match (user, dept) {
            (Some(u), None) => ("rep", u.to_string()),
            (None, Some(d)) => ("department", d.to_string()),
            _ => {
                return Err(KamError::invalid(
                    "user_id",
                    "请指定一位业务员或一个部门（二选一）。",
                    "Give either a rep or a department (exactly one).",
                ));
            }
        };
        let stretch = match input.stretch_fen {
            None => None,
            Some(_) if scope == "rep" => {
                return Err(KamError::invalid(
                    "stretch_fen",
                    "冲刺目标只适用于部门。请去掉冲刺目标，或改为设置部门目标。",
                    "A stretch target applies to a department only. Drop it or set the department's target instead.",
                ));
            }
            Some(s) => {
                let s = amount("stretch_fen", s, true)?;
                if s < sales {
                    return Err(KamError::invalid(
                        "stretch_fen",
                        "冲刺目标不能低于销售目标。请调高冲刺目标。",
                        "The stretch target cannot be below the sales target. Raise the stretch target.",
                    ));
                }
                Some(s)
            }
        };
        let month = month_str(m);
        let id = self.write(|tx, ctx| {
            if scope == "rep" {
                check_user(tx, "user_id", &subject)?;
            } else {
                let n: i64 = tx.query_row(
                    "SELECT count(*) FROM users WHERE department = ?1 AND deleted_at IS NULL",
                    [&subject],
                    |r| r.get(0),
                )?;
                if n == 0 {
                    return Err(KamError::invalid(
                        "department",
                        format!("没有部门「{subject}」。请核对部门名称（见人员列表）。"),
                        format!("There is no department '{subject}'. Check the name against the user list."),
                    ));
                }
            }
            let existing: Option<String> = tx
                .query_row(
                    "SELECT id FROM sales_targets WHERE scope = ?1 AND subject = ?2 AND month = ?3 AND deleted_at IS NULL",
                    params![scope, subject, month],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(id) => {
                    tx.execute(
                        "UPDATE sales_targets SET sales_fen = ?2, collection_fen = ?3, stretch_fen = ?4,
                         updated_at = ?5, updated_by = ?6 WHERE id = ?1",
                        params![id, sales, collection, stretch, ctx.now, ctx.user],
                    )?;
                    Ok(id)
                }
                None => {
                    let id = new_id();
                    tx.execute(
                        "INSERT INTO sales_targets (id, scope, subject, month, sales_fen, collection_fen, stretch_fen,
                         created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
                        params![id, scope, subject, month, sales, collection, stretch, ctx.now, ctx.user],
                    )?;
                    Ok(id)
                }
            }
        })?;
        Ok(SalesTarget {
            id,
            scope: scope.into(),
            subject,
            month,
            sales_fen: sales,
            collection_fen: collection,
            stretch_fen: stretch,
        })
    }

    /// Targets summed over a period: a month `2026-10`, a quarter `2026-Q4` or a year `2026`.
    pub fn targets(&self, period: &str) -> Result<Vec<TargetRollup>> {
        let p = period.trim();
        let (from, to) = if let Some(m) = parse_month(p) {
            (m, m)
        } else if let Some((y, q)) = p.split_once("-Q").or_else(|| p.split_once("-q")) {
            match (y.parse::<i32>(), q.parse::<i32>()) {
                (Ok(y), Ok(q)) if (2000..=2100).contains(&y) && (1..=4).contains(&q) => {
                    (y * 12 + (q - 1) * 3, y * 12 + (q - 1) * 3 + 2)
                }
                _ => return Err(bad_period(p)),
            }
        } else {
            match p.parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) && p.len() == 4 => (y * 12, y * 12 + 11),
                _ => return Err(bad_period(p)),
            }
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT scope, subject, sum(sales_fen), sum(collection_fen), sum(coalesce(stretch_fen, 0)), count(*)
             FROM sales_targets WHERE deleted_at IS NULL AND month BETWEEN ?1 AND ?2
             GROUP BY scope, subject ORDER BY scope DESC, subject",
        )?;
        let rows = stmt.query_map(params![month_str(from), month_str(to)], |r| {
            Ok(TargetRollup {
                scope: r.get(0)?,
                subject: r.get(1)?,
                period: p.to_string(),
                sales_fen: r.get(2)?,
                collection_fen: r.get(3)?,
                stretch_fen: r.get(4)?,
                months: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Record a sale (or, with `is_return`, a return) for a customer. Returns the new id.
    pub fn add_sale(&mut self, input: &SaleInput) -> Result<String> {
        self.only_head_office("销售数据", "sales")?;
        let d = sane_date("sold_on", &input.sold_on)?;
        not_future("sold_on", d, local_today(self))?;
        let fen = amount("amount_fen", input.amount_fen, false)?;
        let kind = if input.is_return.unwrap_or(false) { "return" } else { "sale" };
        self.write(|tx, ctx| {
            let c = target_customer(tx, input.customer_id.trim())?;
            let rep = credited_rep(tx, &c.id, &input.rep_id)?;
            let id = new_id();
            tx.execute(
                "INSERT INTO sales (id, customer_id, rep_id, sold_on, kind, amount_fen, reference,
                 created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
                params![
                    id,
                    c.id,
                    rep,
                    ymd(d),
                    kind,
                    fen,
                    input.reference.clone().unwrap_or_default(),
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(id)
        })
    }

    /// Record a collection (回款) from a customer. Returns the new id.
    pub fn add_collection(&mut self, input: &CollectionInput) -> Result<String> {
        self.only_head_office("回款数据", "collections")?;
        let d = sane_date("collected_on", &input.collected_on)?;
        not_future("collected_on", d, local_today(self))?;
        let fen = amount("amount_fen", input.amount_fen, false)?;
        self.write(|tx, ctx| {
            let c = target_customer(tx, input.customer_id.trim())?;
            let rep = credited_rep(tx, &c.id, &input.rep_id)?;
            let id = new_id();
            tx.execute(
                "INSERT INTO collections (id, customer_id, rep_id, collected_on, amount_fen, notes,
                 created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![id, c.id, rep, ymd(d), fen, input.notes.clone().unwrap_or_default(), ctx.now, ctx.user],
            )?;
            Ok(id)
        })
    }

    /// Record a receivable (应收) with its due date. Returns the new id.
    pub fn add_receivable(&mut self, input: &ReceivableInput) -> Result<String> {
        self.only_head_office("应收数据", "receivables")?;
        let inv = sane_date("invoiced_on", &input.invoiced_on)?;
        let due = sane_date("due_on", &input.due_on)?;
        if due < inv {
            return Err(KamError::invalid(
                "due_on",
                "到期日不能早于开票日。请核对日期。",
                "The due date cannot be before the invoice date. Check the dates.",
            ));
        }
        let fen = amount("amount_fen", input.amount_fen, false)?;
        let paid = amount("paid_fen", input.paid_fen.unwrap_or(0), true)?;
        if paid > fen {
            return Err(KamError::invalid(
                "paid_fen",
                "已付金额不能超过应收金额。",
                "The amount paid cannot exceed the amount receivable.",
            ));
        }
        self.write(|tx, ctx| {
            let c = target_customer(tx, input.customer_id.trim())?;
            let rep = credited_rep(tx, &c.id, &input.rep_id)?;
            let id = new_id();
            tx.execute(
                "INSERT INTO receivables (id, customer_id, rep_id, invoiced_on, due_on, amount_fen, paid_fen, reference,
                 created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![
                    id,
                    c.id,
                    rep,
                    ymd(inv),
                    ymd(due),
                    fen,
                    paid,
                    input.reference.clone().unwrap_or_default(),
                    ctx.now,
                    ctx.user
                ],
            )?;
            Ok(id)
        })
    }

    /// The manager's ability and attitude scores and the performance pay of a rep for a month.
    pub fn set_score(&mut self, input: &ScoreInput) -> Result<()> {
        self.only_head_office("绩效录入", "performance inputs")?;
        let m = month_arg("month", &input.month)?;
        for (field, v, zh) in [("ability", input.ability, "能力"), ("attitude", input.attitude, "态度")] {
            if v > 20 {
                return Err(KamError::invalid(
                    field,
                    format!("{zh}得分应在 0 到 20 之间（现为 {v}）。"),
                    format!("The {field} score must be between 0 and 20 (got {v})."),
                ));
            }
        }
        let pay = amount("performance_pay_fen", input.performance_pay_fen, true)?;
        let month = month_str(m);
        self.write(|tx, ctx| {
            check_user(tx, "user_id", input.user_id.trim())?;
            let n = tx.execute(
                "UPDATE performance_inputs SET ability = ?3, attitude = ?4, performance_pay_fen = ?5, updated_at = ?6,
                 updated_by = ?7 WHERE user_id = ?1 AND month = ?2 AND deleted_at IS NULL",
                params![input.user_id.trim(), month, input.ability, input.attitude, pay, ctx.now, ctx.user],
            )?;
            if n == 0 {
                tx.execute(
                    "INSERT INTO performance_inputs (id, user_id, month, ability, attitude, performance_pay_fen,
                     created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                    params![
                        new_id(),
                        input.user_id.trim(),
                        month,
                        input.ability,
                        input.attitude,
                        pay,
                        ctx.now,
                        ctx.user
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// The monthly key-account report's figures for `month` (`YYYY-MM`), for the whole company
    /// or one department. A month after the current one is refused.
    pub fn monthly_report(&self, month: &str, department: Option<&str>) -> Result<MonthlyReport> {
        self.build_report(month, department, &mut |_| {})
    }

    /// Build the report and write the workbook atomically to `path` (temp file + rename; on
    /// failure nothing is left). `progress` gets 0–100.
    pub fn export_monthly_report(
        &self,
        month: &str,
        department: Option<&str>,
        path: &std::path::Path,
        progress: &mut dyn FnMut(u32),
    ) -> Result<ReportExport> {
        let started = Instant::now();
        progress(0);
        let report = self.build_report(month, department, &mut |p| progress(p * 6 / 10))?;
        progress(60);
        let (bytes, sheets) = xlsx::workbook(&report)?;
        progress(90);
        xlsx::write_atomically(path, &bytes)?;
        progress(100);
        Ok(ReportExport {
            path: path.display().to_string(),
            bytes: bytes.len() as u64,
            sheets,
            millis: started.elapsed().as_millis() as u32,
            report,
        })
    }

    /// Where the report is saved unless the user picks another place:
    /// [`crate::default_export_dir`]/`大客户月报-YYYY-MM.xlsx` (department appended when chosen).
    pub fn monthly_report_default_path(&self, month: &str, department: Option<&str>) -> String {
        let name = match department {
            Some(d) => format!("大客户月报-{month}-{d}.xlsx"),
            None => format!("大客户月报-{month}.xlsx"),
        };
        crate::default_export_dir().join(name).display().to_string()
    }

    /// Export to `path`, or to [`Kam::monthly_report_default_path`] (creating the documents
    /// folder) when none is given: what the app's "生成月报" button does.
    pub fn export_monthly_report_to(
        &self,
        month: &str,
        department: Option<&str>,
        path: Option<&str>,
        progress: &mut dyn FnMut(u32),
    ) -> Result<ReportExport> {
        let path = match path.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => std::path::PathBuf::from(p),
            None => {
                std::fs::create_dir_all(crate::default_export_dir())?;
                std::path::PathBuf::from(self.monthly_report_default_path(month, department))
            }
        };
        self.export_monthly_report(month, department, &path, progress)
    }

    /// The departments users belong to, for the report's department picker.
    pub fn departments(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT department FROM users WHERE deleted_at IS NULL AND department <> '' ORDER BY department",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    fn build_report(
        &self,
        month: &str,
        department: Option<&str>,
        progress: &mut dyn FnMut(u32),
    ) -> Result<MonthlyReport> {
        let m = month_arg("month", month)?;
        let today = local_today(self);
        if m > month_of(today) {
            return Err(KamError::invalid(
                "month",
                format!("{} 还没有到，不能生成将来月份的月报。请选择本月或以前的月份。", month_str(m)),
                format!(
                    "{} has not come yet; a report cannot be made for a future month. Pick this month or an earlier one.",
                    month_str(m)
                ),
            ));
        }
        let department = department.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let (start, end) = (first_day(m), last_day(m));
        let as_of = end.min(today);
        let (start_s, end_s) = (ymd(start), ymd(end));
        let (start_utc, end_utc) = (month_start_utc(m), month_start_utc(m + 1));
        let conn = &self.conn;

        // Users: names for everyone; the report's reps are the reps (of the department) who had
        // not left before the month began.
        let mut names: HashMap<String, String> = HashMap::new();
        let mut reps: Vec<RepFigures> = Vec::new();
        let mut dept_of: HashMap<String, String> = HashMap::new();
        {
            let mut stmt = conn.prepare("SELECT id, name, role, department, left_on FROM users WHERE deleted_at IS NULL ORDER BY department, name")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (id, name, role, dept, left): (String, String, String, String, Option<String>) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                names.insert(id.clone(), name.clone());
                dept_of.insert(id.clone(), dept.clone());
                let stayed = left.as_deref().is_none_or(|l| l >= start_s.as_str());
                if role == "rep" && stayed && department.as_deref().is_none_or(|d| d == dept) {
                    reps.push(RepFigures {
                        user_id: id,
                        name,
                        department: dept,
                        left_on: left,
                        visits_done: 0,
                        visits_planned: 0,
                        visits_overdue: 0,
                        new_customers: 0,
                        quota: 0,
                        quota_incentive_fen: 0,
                        new_customer_bonus_fen: 0,
                        quotes_issued: 0,
                        quotes_won: 0,
                        quotes_won_fen: 0,
                        sales_fen: 0,
                        returns_fen: 0,
                        net_sales_fen: 0,
                        sales_target_fen: None,
                        collections_fen: 0,
                        collection_target_fen: None,
                        complaints_opened: 0,
                        complaints_closed: 0,
                        complaints_within_deadline: 0,
                        satisfaction: None,
                    });
                }
            }
        }
        let idx: HashMap<String, usize> = reps.iter().enumerate().map(|(i, r)| (r.user_id.clone(), i)).collect();
        let in_scope = |owner: &Option<String>| match (&department, owner) {
            (None, _) => true,
            (Some(d), Some(o)) => dept_of.get(o).is_some_and(|x| x == d),
            (Some(_), None) => false,
        };
        progress(5);

        // Customers: name, owner, tier now, created.
        struct Cust {
            name: String,
            owner: Option<String>,
            tier: Tier,
            created: String,
        }
        let mut customers: HashMap<String, Cust> = HashMap::new();
        {
            let mut stmt =
                conn.prepare("SELECT id, name, owner_id, tier, created_at FROM customers WHERE deleted_at IS NULL")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let owner: Option<String> = r.get(2)?;
                if !in_scope(&owner) {
                    continue;
                }
                customers.insert(r.get(0)?, Cust { name: r.get(1)?, owner, tier: r.get(3)?, created: r.get(4)? });
            }
        }
        progress(15);
        let owner_idx = |cid: &str| customers.get(cid).and_then(|c| c.owner.as_ref()).and_then(|o| idx.get(o)).copied();

        // Visits done and planned, by the customer's owner.
        {
            let mut stmt = conn.prepare(
                "SELECT customer_id, count(*) FROM visits WHERE deleted_at IS NULL AND visited_on BETWEEN ?1 AND ?2 GROUP BY customer_id",
            )?;
            let mut rows = stmt.query(params![start_s, end_s])?;
            while let Some(r) = rows.next()? {
                let cid: String = r.get(0)?;
                if let Some(i) = owner_idx(&cid) {
                    reps[i].visits_done += r.get::<_, u32>(1)?;
                }
            }
            let mut stmt = conn.prepare(
                "SELECT customer_id, count(*) FROM visit_plans WHERE deleted_at IS NULL AND status <> 'cancelled'
                 AND planned_on BETWEEN ?1 AND ?2 GROUP BY customer_id",
            )?;
            let mut rows = stmt.query(params![start_s, end_s])?;
            while let Some(r) = rows.next()? {
                let cid: String = r.get(0)?;
                if let Some(i) = owner_idx(&cid) {
                    reps[i].visits_planned += r.get::<_, u32>(1)?;
                }
            }
        }
        progress(30);
        let overdue_visits: Vec<_> = self
            .due(&DueQuery { overdue_only: Some(true), ..Default::default() })?
            .into_iter()
            .filter(|d| customers.contains_key(&d.customer_id))
            .collect();
        for d in &overdue_visits {
            if let Some(i) = owner_idx(&d.customer_id) {
                reps[i].visits_overdue += 1;
            }
        }
        progress(45);

        // Sales and returns: the month by credited rep; per customer and month for the 14
        // months before (new-customer development needs a year of history before month m-2).
        let mut net: HashMap<String, BTreeMap<MonthIndex, i64>> = HashMap::new();
        {
            // One sequential pass, aggregated here: cheaper than an index walk plus GROUP BY
            // over a year of the whole company's sales.
            let mut stmt = conn.prepare(
                "SELECT customer_id, rep_id, sold_on, kind, amount_fen FROM sales NOT INDEXED
                 WHERE deleted_at IS NULL AND sold_on BETWEEN ?1 AND ?2",
            )?;
            let mut rows = stmt.query(params![ymd(first_day(m - 14)), end_s])?;
            while let Some(r) = rows.next()? {
                let cid: String = r.get(0)?;
                if !customers.contains_key(&cid) {
                    continue;
                }
                let sold: String = r.get(2)?;
                let mon = parse_month(sold.get(..7).unwrap_or("")).unwrap_or(0);
                let is_return = r.get_ref(3)?.as_str().is_ok_and(|k| k == "return");
                let fen: i64 = r.get(4)?;
                let signed = if is_return { -fen } else { fen };
                *net.entry(cid).or_default().entry(mon).or_default() += signed;
                if mon == m {
                    let rep: Option<String> = r.get(1)?;
                    if let Some(&i) = rep.as_ref().and_then(|r| idx.get(r)) {
                        if is_return {
                            reps[i].returns_fen += fen;
                        } else {
                            reps[i].sales_fen += fen;
                        }
                        reps[i].net_sales_fen += signed;
                    }
                }
            }
        }
        // New customers: development months m, m-1 and m-2.
        let quota = self.new_customer_quota()?;
        let mut new_customers: Vec<NewCustomerRow> = Vec::new();
        {
            let mut before = conn.prepare_cached(
                "SELECT 1 FROM sales WHERE customer_id = ?1 AND deleted_at IS NULL AND kind = 'sale' AND sold_on < ?2 LIMIT 1",
            )?;
            for (cid, months) in &net {
                let p = |k: MonthIndex| months.get(&k).copied().unwrap_or(0);
                for nth in 1..=3u32 {
                    let dev = m - (nth as i32 - 1);
                    if !is_development_month(dev, p) {
                        continue;
                    }
                    let c = &customers[cid];
                    let rep = c.owner.clone().unwrap_or_default();
                    let reactivated = before.exists(params![cid, ymd(first_day(dev - 12))])?;
                    let bonus = new_customer_bonus_fen(nth, p(m));
                    if let Some(&i) = idx.get(&rep) {
                        if nth == 1 {
                            reps[i].new_customers += 1;
                        }
                        reps[i].new_customer_bonus_fen += bonus;
                    }
                    new_customers.push(NewCustomerRow {
                        customer_id: cid.clone(),
                        customer_name: c.name.clone(),
                        rep_name: names.get(&rep).cloned().unwrap_or_default(),
                        rep_id: rep,
                        developed_in: month_str(dev),
                        nth_month: nth,
                        reactivated,
                        net_purchases_fen: p(m),
                        bonus_fen: bonus,
                    });
                }
            }
        }
        new_customers.sort_by(|a, b| {
            (&a.rep_name, a.nth_month, &a.customer_name).cmp(&(&b.rep_name, b.nth_month, &b.customer_name))
        });
        for r in reps.iter_mut() {
            r.quota = quota;
            r.quota_incentive_fen = quota_incentive_fen(r.new_customers, quota);
        }
        progress(60);

        // Collections: this month and the previous one (commission), by credited rep.
        let mut prev_collections: HashMap<String, i64> = HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT rep_id, substr(collected_on, 1, 7), sum(amount_fen) FROM collections
                 WHERE deleted_at IS NULL AND collected_on BETWEEN ?1 AND ?2 AND rep_id IS NOT NULL GROUP BY 1, 2",
            )?;
            let mut rows = stmt.query(params![ymd(first_day(m - 1)), end_s])?;
            while let Some(r) = rows.next()? {
                let rep: String = r.get(0)?;
                let mon = parse_month(&r.get::<_, String>(1)?).unwrap_or(0);
                let fen: i64 = r.get(2)?;
                if mon == m {
                    if let Some(&i) = idx.get(&rep) {
                        reps[i].collections_fen += fen;
                    }
                } else {
                    *prev_collections.entry(rep).or_default() += fen;
                }
            }
        }

        // Targets.
        let mut dept_targets: HashMap<String, (i64, Option<i64>)> = HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT scope, subject, sales_fen, collection_fen, stretch_fen FROM sales_targets WHERE deleted_at IS NULL AND month = ?1",
            )?;
            let mut rows = stmt.query([month_str(m)])?;
            while let Some(r) = rows.next()? {
                let (scope, subject): (String, String) = (r.get(0)?, r.get(1)?);
                if scope == "rep" {
                    if let Some(&i) = idx.get(&subject) {
                        reps[i].sales_target_fen = Some(r.get(2)?);
                        reps[i].collection_target_fen = Some(r.get(3)?);
                    }
                } else {
                    dept_targets.insert(subject, (r.get(2)?, r.get(4)?));
                }
            }
        }

        // Quotes issued (sent or later, by quote date) and won (closed in the month).
        {
            let mut stmt = conn.prepare(
                "SELECT customer_id, count(DISTINCT number) FROM quotes WHERE deleted_at IS NULL
                 AND status IN ('sent','won','lost','expired') AND quote_date BETWEEN ?1 AND ?2 GROUP BY customer_id",
            )?;
            let mut rows = stmt.query(params![start_s, end_s])?;
            while let Some(r) = rows.next()? {
                if let Some(i) = owner_idx(&r.get::<_, String>(0)?) {
                    reps[i].quotes_issued += r.get::<_, u32>(1)?;
                }
            }
            let mut stmt = conn.prepare(
                "SELECT customer_id, total_fen FROM quotes WHERE deleted_at IS NULL AND status = 'won'
                 AND closed_at >= ?1 AND closed_at < ?2",
            )?;
            let mut rows = stmt.query(params![start_utc, end_utc])?;
            while let Some(r) = rows.next()? {
                if let Some(i) = owner_idx(&r.get::<_, String>(0)?) {
                    reps[i].quotes_won += 1;
                    reps[i].quotes_won_fen += r.get::<_, i64>(1)?;
                }
            }
        }

        // Complaints: opened / closed in the month, within deadline; open at the month's end.
        let mut open_complaints = Vec::new();
        {
            let mut stmt = conn.prepare(
                "SELECT id, customer_id, title, severity, status, opened_at, deadline_at, responded_at, closed_at
                 FROM complaints WHERE deleted_at IS NULL AND opened_at < ?2 AND (closed_at IS NULL OR closed_at >= ?1)",
            )?;
            let mut rows = stmt.query(params![start_utc, end_utc])?;
            let as_of_end = ts(self.now()).min(end_utc.clone());
            while let Some(r) = rows.next()? {
                let cid: String = r.get(1)?;
                let Some(c) = customers.get(&cid) else { continue };
                let (opened, deadline): (String, String) = (r.get(5)?, r.get(6)?);
                let responded: Option<String> = r.get(7)?;
                let closed: Option<String> = r.get(8)?;
                let i = owner_idx(&cid);
                if opened >= start_utc {
                    if let Some(i) = i {
                        reps[i].complaints_opened += 1;
                        if responded.as_ref().is_some_and(|t| *t <= deadline) {
                            reps[i].complaints_within_deadline += 1;
                        }
                    }
                }
                match closed {
                    Some(_) => {
                        if let Some(i) = i {
                            reps[i].complaints_closed += 1;
                        }
                    }
                    None => open_complaints.push(OpenComplaintRow {
                        complaint_id: r.get(0)?,
                        customer_name: c.name.clone(),
                        owner_name: c.owner.as_ref().and_then(|o| names.get(o)).cloned().unwrap_or_default(),
                        title: r.get(2)?,
                        severity: r.get(3)?,
                        status: r.get(4)?,
                        opened_on: local_date_of(&opened).map(ymd).unwrap_or_default(),
                        deadline: crate::relation::local_time(&deadline),
                        responded: responded.is_some(),
                        overdue: responded.is_none() && deadline < as_of_end,
                    }),
                }
            }
        }
        open_complaints.sort_by(|a, b| a.opened_on.cmp(&b.opened_on));

        // Satisfaction: the month's surveys, averaged over all their scores.
        {
            let mut sums: HashMap<usize, (i64, i64)> = HashMap::new();
            let mut stmt = conn.prepare(
                "SELECT s.customer_id, sum(x.score), count(x.score) FROM surveys s JOIN survey_scores x ON x.survey_id = s.id
                 WHERE s.deleted_at IS NULL AND x.deleted_at IS NULL AND s.surveyed_on BETWEEN ?1 AND ?2 GROUP BY s.customer_id",
            )?;
            let mut rows = stmt.query(params![start_s, end_s])?;
            while let Some(r) = rows.next()? {
                if let Some(i) = owner_idx(&r.get::<_, String>(0)?) {
                    let e = sums.entry(i).or_default();
                    e.0 += r.get::<_, i64>(1)?;
                    e.1 += r.get::<_, i64>(2)?;
                }
            }
            for (i, (s, n)) in sums {
                if n > 0 {
                    reps[i].satisfaction = Some(((s as f64 / n as f64) * 100.0).round() / 100.0);
                }
            }
        }
        progress(75);

        // Overdue receivables as of the month's end (or today).
        let mut overdue_receivables = Vec::new();
        {
            let mut stmt = conn.prepare(
                "SELECT id, customer_id, invoiced_on, due_on, amount_fen, paid_fen FROM receivables
                 WHERE deleted_at IS NULL AND paid_fen < amount_fen AND due_on < ?1 ORDER BY due_on",
            )?;
            let mut rows = stmt.query([ymd(as_of)])?;
            while let Some(r) = rows.next()? {
                let cid: String = r.get(1)?;
                let Some(c) = customers.get(&cid) else { continue };
                let due: String = r.get(3)?;
                let (amount_fen, paid_fen): (i64, i64) = (r.get(4)?, r.get(5)?);
                let days = crate::relation::parse_ymd(&due).map(|d| (as_of - d).num_days()).unwrap_or(0);
                overdue_receivables.push(OverdueReceivableRow {
                    receivable_id: r.get(0)?,
                    customer_name: c.name.clone(),
                    owner_name: c.owner.as_ref().and_then(|o| names.get(o)).cloned().unwrap_or_default(),
                    invoiced_on: r.get(2)?,
                    due_on: due,
                    amount_fen,
                    paid_fen,
                    outstanding_fen: amount_fen - paid_fen,
                    days_overdue: days.max(0) as u32,
                });
            }
        }

        // Tiers at the month's start and end: the current tier, unwound through later changes.
        let tiers = {
            let mut first_after_start: HashMap<String, (String, Option<Tier>)> = HashMap::new();
            let mut first_after_end: HashMap<String, Option<Tier>> = HashMap::new();
            let mut stmt = conn.prepare(
                "SELECT customer_id, changed_at, from_tier FROM tier_changes WHERE deleted_at IS NULL AND changed_at >= ?1
                 ORDER BY changed_at",
            )?;
            let mut rows = stmt.query([&start_utc])?;
            while let Some(r) = rows.next()? {
                let cid: String = r.get(0)?;
                if !customers.contains_key(&cid) {
                    continue;
                }
                let at: String = r.get(1)?;
                let from: Option<String> = r.get(2)?;
                let from = from.as_deref().and_then(Tier::parse);
                first_after_start.entry(cid.clone()).or_insert((at.clone(), from));
                if at >= end_utc {
                    first_after_end.entry(cid).or_insert(from);
                }
            }
            let mut figs: Vec<TierFigures> = Tier::ALL
                .iter()
                .map(|t| TierFigures {
                    tier: *t,
                    label: t.label_zh().to_string(),
                    at_start: 0,
                    at_end: 0,
                    moved_in: 0,
                    moved_out: 0,
                    added: 0,
                })
                .collect();
            let pos = |t: Tier| Tier::ALL.iter().position(|x| *x == t).unwrap_or(0);
            for (cid, c) in &customers {
                if c.created >= end_utc {
                    continue;
                }
                let at_end = first_after_end.get(cid).copied().flatten().unwrap_or(c.tier);
                let at_start = first_after_start.get(cid).and_then(|x| x.1).unwrap_or(at_end);
                figs[pos(at_end)].at_end += 1;
                if c.created >= start_utc {
                    figs[pos(at_end)].added += 1;
                    continue;
                }
                figs[pos(at_start)].at_start += 1;
                if at_start != at_end {
                    figs[pos(at_end)].moved_in += 1;
                    figs[pos(at_start)].moved_out += 1;
                }
            }
            figs
        };
        progress(85);

        let mut inputs: HashMap<String, (u32, u32, i64)> = HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT user_id, ability, attitude, performance_pay_fen FROM performance_inputs WHERE deleted_at IS NULL AND month = ?1",
            )?;
            let mut rows = stmt.query([month_str(m)])?;
            while let Some(r) = rows.next()? {
                inputs.insert(r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?));
            }
        }
        // A rep without a department and without anything this month (such as the device's
        // default local user) is left out.
        reps.retain(|r| {
            !r.department.is_empty()
                || r.visits_done
                    + r.visits_planned
                    + r.visits_overdue
                    + r.new_customers
                    + r.quotes_issued
                    + r.quotes_won
                    > 0
                || r.sales_fen + r.returns_fen + r.collections_fen != 0
                || r.sales_target_fen.is_some()
                || r.complaints_opened + r.complaints_closed > 0
                || prev_collections.contains_key(&r.user_id)
                || inputs.contains_key(&r.user_id)
        });

        // Departments and performance.
        let mut dept_sales: BTreeMap<String, i64> = BTreeMap::new();
        for r in &reps {
            *dept_sales.entry(r.department.clone()).or_default() += r.net_sales_fen;
        }
        for d in dept_targets.keys() {
            if department.as_deref().is_none_or(|x| x == d) {
                dept_sales.entry(d.clone()).or_default();
            }
        }
        let departments: Vec<DepartmentFigures> = dept_sales
            .iter()
            .map(|(d, &s)| {
                let (t, st) = match dept_targets.get(d) {
                    Some(&(t, st)) => (Some(t), st),
                    None => (None, None),
                };
                DepartmentFigures {
                    department: d.clone(),
                    net_sales_fen: s,
                    target_fen: t,
                    stretch_fen: st,
                    outcome: DepartmentOutcome::of(s, t, st),
                }
            })
            .collect();
        let outcome_of = |d: &str| {
            departments.iter().find(|x| x.department == d).map(|x| x.outcome).unwrap_or(DepartmentOutcome::Met)
        };
        let performance: Vec<PerformanceRow> = reps
            .iter()
            .map(|r| {
                let results = r.sales_target_fen.and_then(|t| results_score(r.net_sales_fen, t));
                let inp = inputs.get(&r.user_id).copied();
                let score = match (results, inp) {
                    (Some(res), Some((a, t, _))) => Some(res + a + t),
                    _ => None,
                };
                let outcome = outcome_of(&r.department);
                let bonus = score.zip(inp).map(|(s, (_, _, pay))| performance_bonus(s, pay, outcome));
                let note = match (results, inp) {
                    (None, None) => "未设目标，未录入考核",
                    (None, _) => "未设目标",
                    (_, None) => "未录入考核",
                    _ => "",
                };
                PerformanceRow {
                    user_id: r.user_id.clone(),
                    name: r.name.clone(),
                    department: r.department.clone(),
                    results,
                    ability: inp.map(|x| x.0),
                    attitude: inp.map(|x| x.1),
                    score,
                    performance_pay_fen: inp.map(|x| x.2),
                    department_outcome: outcome,
                    bonus,
                    note: note.to_string(),
                }
            })
            .collect();
        let commissions: Vec<CommissionRow> = reps
            .iter()
            .map(|r| {
                let c = prev_collections.get(&r.user_id).copied().unwrap_or(0);
                CommissionRow {
                    user_id: r.user_id.clone(),
                    name: r.name.clone(),
                    department: r.department.clone(),
                    collections_month: month_str(m - 1),
                    collections_fen: c,
                    commission_fen: commission_fen(c),
                }
            })
            .collect();

        // Totals.
        let mut t = ReportTotals { reps: reps.len() as u32, customers: customers.len() as u32, ..Default::default() };
        let (mut sat_sum, mut sat_n) = (0.0, 0u32);
        for r in &reps {
            t.visits_done += r.visits_done;
            t.visits_planned += r.visits_planned;
            t.new_customers += r.new_customers;
            t.quota += r.quota;
            t.quota_incentive_fen += r.quota_incentive_fen;
            t.new_customer_bonus_fen += r.new_customer_bonus_fen;
            t.quotes_issued += r.quotes_issued;
            t.quotes_won += r.quotes_won;
            t.quotes_won_fen += r.quotes_won_fen;
            t.net_sales_fen += r.net_sales_fen;
            t.sales_target_fen += r.sales_target_fen.unwrap_or(0);
            t.collections_fen += r.collections_fen;
            t.collection_target_fen += r.collection_target_fen.unwrap_or(0);
            t.complaints_opened += r.complaints_opened;
            t.complaints_closed += r.complaints_closed;
            t.complaints_within_deadline += r.complaints_within_deadline;
            if let Some(s) = r.satisfaction {
                sat_sum += s;
                sat_n += 1;
            }
        }
        t.visits_overdue = overdue_visits.len() as u32;
        t.satisfaction = (sat_n > 0).then(|| ((sat_sum / sat_n as f64) * 100.0).round() / 100.0);
        t.open_complaints = open_complaints.len() as u32;
        t.overdue_receivables = overdue_receivables.len() as u32;
        t.overdue_receivable_fen = overdue_receivables.iter().map(|r| r.outstanding_fen).sum();
        t.performance_bonus_fen = performance.iter().filter_map(|p| p.bonus.map(|b| b.total_fen)).sum();
        t.commission_fen = commissions.iter().map(|c| c.commission_fen).sum();
        let empty = t.visits_done == 0
            && t.visits_planned == 0
            && new_customers.is_empty()
            && t.quotes_issued == 0
            && t.quotes_won == 0
            && reps.iter().all(|r| r.sales_fen == 0 && r.returns_fen == 0)
            && t.collections_fen == 0
            && t.complaints_opened == 0
            && t.complaints_closed == 0
            && sat_n == 0
            && prev_collections.is_empty()
            && inputs.is_empty()
            && dept_targets.is_empty()
            && t.sales_target_fen == 0;
        progress(100);
        Ok(MonthlyReport {
            month: month_str(m),
            department,
            as_of: ymd(as_of),
            generated_at: crate::relation::local_time(&ts(self.now())),
            empty,
            totals: t,
            reps,
            departments,
            tiers,
            overdue_visits,
            open_complaints,
            overdue_receivables,
            new_customers,
            performance,
            commissions,
        })
    }
}

fn bad_period(p: &str) -> KamError {
    KamError::invalid(
        "period",
        format!("期间「{p}」格式不正确，应为 2026（年）、2026-Q4（季度）或 2026-10（月）。"),
        format!("The period '{p}' is malformed; use 2026 (year), 2026-Q4 (quarter) or 2026-10 (month)."),
    )
}
