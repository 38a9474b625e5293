//! The report's inputs: targets, sales and returns, collections, receivables, scores, quota,
//! people leaving.

use super::*;
use crate::Kam;

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
        let collection = amount("collection_fen", input.collection_fen.unwrap_or(Fen::ZERO), true)?;
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
        let paid = amount("paid_fen", input.paid_fen.unwrap_or(Fen::ZERO), true)?;
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
}
