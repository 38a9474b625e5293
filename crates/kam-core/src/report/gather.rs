//! Reading one month's records into the report's figures, one kind of record at a time.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::*;
use crate::model::Tier;
use crate::ratio::{round_score, score_text};
use crate::relation::{local_date_of, ymd, DueItem, DueQuery};
use crate::util::ts;
use crate::Kam;

// Customers: name, owner, tier now, created.
pub(super) struct Cust {
    name: String,
    owner: Option<String>,
    tier: Tier,
    created: String,
}

/// The month being reported and what has been read of it so far.
pub(super) struct Gather<'a> {
    pub(super) kam: &'a Kam,
    pub(super) conn: &'a Connection,
    pub(super) m: MonthIndex,
    pub(super) department: Option<String>,
    pub(super) start_s: String,
    pub(super) end_s: String,
    pub(super) start_utc: String,
    pub(super) end_utc: String,
    pub(super) as_of: NaiveDate,
    /// Names of all users.
    pub(super) names: HashMap<String, String>,
    pub(super) dept_of: HashMap<String, String>,
    /// The report's reps, and where each is in `reps`.
    pub(super) reps: Vec<RepFigures>,
    pub(super) idx: HashMap<String, usize>,
    pub(super) customers: HashMap<String, Cust>,
}

impl Gather<'_> {
    fn in_scope(&self, owner: &Option<String>) -> bool {
        match (&self.department, owner) {
            (None, _) => true,
            (Some(d), Some(o)) => self.dept_of.get(o).is_some_and(|x| x == d),
            (Some(_), None) => false,
        }
    }

    fn owner_idx(&self, cid: &str) -> Option<usize> {
        self.customers.get(cid).and_then(|c| c.owner.as_ref()).and_then(|o| self.idx.get(o)).copied()
    }

    /// Users: names for everyone; the report's reps are the reps (of the department) who had
    /// not left before the month began.
    pub(super) fn users(&mut self) -> Result<()> {
        let conn = self.conn;
        let mut stmt = conn.prepare(
            "SELECT id, name, role, department, left_on FROM users WHERE deleted_at IS NULL ORDER BY department, name",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, name, role, dept, left): (String, String, String, String, Option<String>) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            self.names.insert(id.clone(), name.clone());
            self.dept_of.insert(id.clone(), dept.clone());
            let stayed = left.as_deref().is_none_or(|l| l >= self.start_s.as_str());
            if role == "rep" && stayed && self.department.as_deref().is_none_or(|d| d == dept) {
                self.reps.push(RepFigures {
                    user_id: id,
                    name,
                    department: dept,
                    left_on: left,
                    visits_done: 0,
                    visits_planned: 0,
                    visits_planned_done: 0,
                    visits_unplanned: 0,
                    visits_overdue: 0,
                    new_customers: 0,
                    quota: 0,
                    quota_incentive_fen: Fen::ZERO,
                    new_customer_bonus_fen: Fen::ZERO,
                    quotes_issued: 0,
                    quotes_won: 0,
                    quotes_won_fen: Fen::ZERO,
                    sales_fen: Fen::ZERO,
                    returns_fen: Fen::ZERO,
                    net_sales_fen: Fen::ZERO,
                    sales_target_fen: None,
                    collections_fen: Fen::ZERO,
                    collection_target_fen: None,
                    complaints_opened: 0,
                    complaints_closed: 0,
                    complaints_within_deadline: 0,
                    satisfaction: None,
                    satisfaction_text: None,
                    rates: RepRates::default(),
                });
            }
        }
        self.idx = self.reps.iter().enumerate().map(|(i, r)| (r.user_id.clone(), i)).collect();
        Ok(())
    }

    /// Customers: name, owner, tier now, created.
    pub(super) fn customers(&mut self) -> Result<()> {
        let conn = self.conn;
        let mut stmt =
            conn.prepare("SELECT id, name, owner_id, tier, created_at FROM customers WHERE deleted_at IS NULL")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let owner: Option<String> = r.get(2)?;
            if !self.in_scope(&owner) {
                continue;
            }
            self.customers.insert(r.get(0)?, Cust { name: r.get(1)?, owner, tier: r.get(3)?, created: r.get(4)? });
        }
        Ok(())
    }

    /// Visits done and planned, by the customer's owner.
    pub(super) fn visits(&mut self) -> Result<()> {
        let conn = self.conn;
        let mut stmt = conn.prepare(
                "SELECT customer_id, count(*) FROM visits WHERE deleted_at IS NULL AND visited_on BETWEEN ?1 AND ?2 GROUP BY customer_id",
            )?;
        let mut rows = stmt.query(params![self.start_s, self.end_s])?;
        while let Some(r) = rows.next()? {
            let cid: String = r.get(0)?;
            if let Some(i) = self.owner_idx(&cid) {
                self.reps[i].visits_done += r.get::<_, u32>(1)?;
            }
        }
        let mut stmt = conn.prepare(
            "SELECT customer_id, count(*), count(*) FILTER (WHERE status = 'done') FROM visit_plans
                 WHERE deleted_at IS NULL AND status <> 'cancelled' AND planned_on BETWEEN ?1 AND ?2 GROUP BY customer_id",
        )?;
        let mut rows = stmt.query(params![self.start_s, self.end_s])?;
        while let Some(r) = rows.next()? {
            let cid: String = r.get(0)?;
            if let Some(i) = self.owner_idx(&cid) {
                self.reps[i].visits_planned += r.get::<_, u32>(1)?;
                self.reps[i].visits_planned_done += r.get::<_, u32>(2)?;
            }
        }
        let mut stmt = conn.prepare(
            "SELECT customer_id, count(*) FROM visits WHERE deleted_at IS NULL AND plan_id IS NULL
                 AND visited_on BETWEEN ?1 AND ?2 GROUP BY customer_id",
        )?;
        let mut rows = stmt.query(params![self.start_s, self.end_s])?;
        while let Some(r) = rows.next()? {
            let cid: String = r.get(0)?;
            if let Some(i) = self.owner_idx(&cid) {
                self.reps[i].visits_unplanned += r.get::<_, u32>(1)?;
            }
        }
        Ok(())
    }

    /// Overdue visits (the cadence engine's, as of today) of the report's customers.
    pub(super) fn overdue_visits(&mut self) -> Result<Vec<DueItem>> {
        let overdue_visits: Vec<_> = self
            .kam
            .due(&DueQuery { overdue_only: Some(true), ..Default::default() })?
            .into_iter()
            .filter(|d| self.customers.contains_key(&d.customer_id))
            .collect();
        for d in &overdue_visits {
            if let Some(i) = self.owner_idx(&d.customer_id) {
                self.reps[i].visits_overdue += 1;
            }
        }
        Ok(overdue_visits)
    }

    /// Sales and returns: the month by credited rep; per customer and month for the 14
    /// months before (new-customer development needs a year of history before month m-2).
    pub(super) fn sales(&mut self) -> Result<HashMap<String, BTreeMap<MonthIndex, Fen>>> {
        let conn = self.conn;
        let mut net: HashMap<String, BTreeMap<MonthIndex, Fen>> = HashMap::new();
        // One sequential pass, aggregated here: cheaper than an index walk plus GROUP BY
        // over a year of the whole company's sales.
        let mut stmt = conn.prepare(
            "SELECT customer_id, rep_id, sold_on, kind, amount_fen FROM sales NOT INDEXED
                 WHERE deleted_at IS NULL AND voided_at IS NULL AND sold_on BETWEEN ?1 AND ?2",
        )?;
        let mut rows = stmt.query(params![ymd(first_day(self.m - 14)), self.end_s])?;
        while let Some(r) = rows.next()? {
            let cid: String = r.get(0)?;
            if !self.customers.contains_key(&cid) {
                continue;
            }
            let sold: String = r.get(2)?;
            let mon = parse_month(sold.get(..7).unwrap_or("")).unwrap_or(0);
            let is_return = r.get_ref(3)?.as_str().is_ok_and(|k| k == "return");
            let fen: Fen = r.get(4)?;
            let signed = if is_return { -fen } else { fen };
            *net.entry(cid).or_default().entry(mon).or_default() += signed;
            if mon == self.m {
                let rep: Option<String> = r.get(1)?;
                if let Some(&i) = rep.as_ref().and_then(|r| self.idx.get(r)) {
                    if is_return {
                        self.reps[i].returns_fen += fen;
                    } else {
                        self.reps[i].sales_fen += fen;
                    }
                    self.reps[i].net_sales_fen += signed;
                }
            }
        }
        Ok(net)
    }

    /// New customers: development months m, m-1 and m-2.
    pub(super) fn new_customers(
        &mut self,
        net: &HashMap<String, BTreeMap<MonthIndex, Fen>>,
        quota: u32,
    ) -> Result<Vec<NewCustomerRow>> {
        let conn = self.conn;
        let mut new_customers: Vec<NewCustomerRow> = Vec::new();
        let mut before = conn.prepare_cached(
                "SELECT 1 FROM sales WHERE customer_id = ?1 AND deleted_at IS NULL AND voided_at IS NULL AND kind = 'sale' AND sold_on < ?2 LIMIT 1",
            )?;
        for (cid, months) in net {
            let p = |k: MonthIndex| months.get(&k).copied().unwrap_or_default();
            for nth in 1..=3u32 {
                let dev = self.m - (nth as i32 - 1);
                if !is_development_month(dev, p) {
                    continue;
                }
                let c = &self.customers[cid];
                let rep = c.owner.clone().unwrap_or_default();
                let reactivated = before.exists(params![cid, ymd(first_day(dev - 12))])?;
                let bonus = new_customer_bonus_fen(nth, p(self.m));
                if let Some(&i) = self.idx.get(&rep) {
                    if nth == 1 {
                        self.reps[i].new_customers += 1;
                    }
                    self.reps[i].new_customer_bonus_fen += bonus;
                }
                new_customers.push(NewCustomerRow {
                    customer_id: cid.clone(),
                    customer_name: c.name.clone(),
                    rep_name: self.names.get(&rep).cloned().unwrap_or_default(),
                    rep_id: rep,
                    developed_in: month_str(dev),
                    nth_month: nth,
                    reactivated,
                    net_purchases_fen: p(self.m),
                    bonus_fen: bonus,
                });
            }
        }
        new_customers.sort_by(|a, b| {
            (&a.rep_name, a.nth_month, &a.customer_name).cmp(&(&b.rep_name, b.nth_month, &b.customer_name))
        });
        for r in self.reps.iter_mut() {
            r.quota = quota;
            r.quota_incentive_fen = quota_incentive_fen(r.new_customers, quota);
        }
        Ok(new_customers)
    }

    /// Collections: this month and the previous one (commission), by credited rep.
    pub(super) fn collections(&mut self) -> Result<HashMap<String, Fen>> {
        let conn = self.conn;
        let mut prev_collections: HashMap<String, Fen> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT rep_id, substr(collected_on, 1, 7), sum(amount_fen) FROM collections
                 WHERE deleted_at IS NULL AND voided_at IS NULL AND collected_on BETWEEN ?1 AND ?2 AND rep_id IS NOT NULL GROUP BY 1, 2",
        )?;
        let mut rows = stmt.query(params![ymd(first_day(self.m - 1)), self.end_s])?;
        while let Some(r) = rows.next()? {
            let rep: String = r.get(0)?;
            let mon = parse_month(&r.get::<_, String>(1)?).unwrap_or(0);
            let fen: Fen = r.get(2)?;
            if mon == self.m {
                if let Some(&i) = self.idx.get(&rep) {
                    self.reps[i].collections_fen += fen;
                }
            } else {
                *prev_collections.entry(rep).or_default() += fen;
            }
        }
        Ok(prev_collections)
    }

    /// Targets: the reps' are set on them, the departments' returned.
    pub(super) fn targets(&mut self) -> Result<HashMap<String, (Fen, Option<Fen>)>> {
        let conn = self.conn;
        let mut dept_targets: HashMap<String, (Fen, Option<Fen>)> = HashMap::new();
        let mut stmt = conn.prepare(
                "SELECT scope, subject, sales_fen, collection_fen, stretch_fen FROM sales_targets WHERE deleted_at IS NULL AND month = ?1",
            )?;
        let mut rows = stmt.query([month_str(self.m)])?;
        while let Some(r) = rows.next()? {
            let (scope, subject): (String, String) = (r.get(0)?, r.get(1)?);
            if scope == "rep" {
                if let Some(&i) = self.idx.get(&subject) {
                    self.reps[i].sales_target_fen = Some(r.get(2)?);
                    self.reps[i].collection_target_fen = Some(r.get(3)?);
                }
            } else {
                dept_targets.insert(subject, (r.get(2)?, r.get(4)?));
            }
        }
        Ok(dept_targets)
    }

    /// Quotes issued (sent or later, by quote date) and won (closed in the month).
    pub(super) fn quotes(&mut self) -> Result<()> {
        let conn = self.conn;
        let mut stmt = conn.prepare(
            "SELECT customer_id, count(DISTINCT number) FROM quotes WHERE deleted_at IS NULL
                 AND status IN ('sent','won','lost','expired') AND quote_date BETWEEN ?1 AND ?2 GROUP BY customer_id",
        )?;
        let mut rows = stmt.query(params![self.start_s, self.end_s])?;
        while let Some(r) = rows.next()? {
            if let Some(i) = self.owner_idx(&r.get::<_, String>(0)?) {
                self.reps[i].quotes_issued += r.get::<_, u32>(1)?;
            }
        }
        let mut stmt = conn.prepare(
            "SELECT customer_id, total_fen FROM quotes WHERE deleted_at IS NULL AND status = 'won'
                 AND closed_at >= ?1 AND closed_at < ?2",
        )?;
        let mut rows = stmt.query(params![self.start_utc, self.end_utc])?;
        while let Some(r) = rows.next()? {
            if let Some(i) = self.owner_idx(&r.get::<_, String>(0)?) {
                self.reps[i].quotes_won += 1;
                self.reps[i].quotes_won_fen += r.get::<_, Fen>(1)?;
            }
        }
        Ok(())
    }

    /// Complaints: opened / closed in the month, within deadline; open at the month's end.
    pub(super) fn complaints(&mut self) -> Result<Vec<OpenComplaintRow>> {
        let conn = self.conn;
        let mut open_complaints = Vec::new();
        let mut stmt = conn.prepare(
                "SELECT id, customer_id, title, severity, status, opened_at, deadline_at, responded_at, closed_at
                 FROM complaints WHERE deleted_at IS NULL AND opened_at < ?2 AND (closed_at IS NULL OR closed_at >= ?1)",
            )?;
        let mut rows = stmt.query(params![self.start_utc, self.end_utc])?;
        let as_of_end = ts(self.kam.now()).min(self.end_utc.clone());
        while let Some(r) = rows.next()? {
            let cid: String = r.get(1)?;
            let Some(c) = self.customers.get(&cid) else { continue };
            let (opened, deadline): (String, String) = (r.get(5)?, r.get(6)?);
            let responded: Option<String> = r.get(7)?;
            let closed: Option<String> = r.get(8)?;
            let i = self.owner_idx(&cid);
            if opened >= self.start_utc {
                if let Some(i) = i {
                    self.reps[i].complaints_opened += 1;
                    if responded.as_ref().is_some_and(|t| *t <= deadline) {
                        self.reps[i].complaints_within_deadline += 1;
                    }
                }
            }
            match closed {
                Some(_) => {
                    if let Some(i) = i {
                        self.reps[i].complaints_closed += 1;
                    }
                }
                None => open_complaints.push(OpenComplaintRow {
                    complaint_id: r.get(0)?,
                    customer_name: c.name.clone(),
                    owner_name: c.owner.as_ref().and_then(|o| self.names.get(o)).cloned().unwrap_or_default(),
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
        open_complaints.sort_by(|a, b| a.opened_on.cmp(&b.opened_on));
        Ok(open_complaints)
    }

    /// Satisfaction: the month's surveys, averaged over all their scores.
    pub(super) fn satisfaction(&mut self) -> Result<()> {
        let conn = self.conn;
        let mut sums: HashMap<usize, (i64, i64)> = HashMap::new();
        let mut stmt = conn.prepare(
                "SELECT s.customer_id, sum(x.score), count(x.score) FROM surveys s JOIN survey_scores x ON x.survey_id = s.id
                 WHERE s.deleted_at IS NULL AND x.deleted_at IS NULL AND s.surveyed_on BETWEEN ?1 AND ?2 GROUP BY s.customer_id",
            )?;
        let mut rows = stmt.query(params![self.start_s, self.end_s])?;
        while let Some(r) = rows.next()? {
            if let Some(i) = self.owner_idx(&r.get::<_, String>(0)?) {
                let e = sums.entry(i).or_default();
                e.0 += r.get::<_, i64>(1)?;
                e.1 += r.get::<_, i64>(2)?;
            }
        }
        for (i, (s, n)) in sums {
            if n > 0 {
                let avg = round_score(s as f64 / n as f64);
                self.reps[i].satisfaction = Some(avg);
                self.reps[i].satisfaction_text = Some(score_text(avg));
            }
        }
        Ok(())
    }

    /// Overdue receivables as of the month's end (or today).
    pub(super) fn overdue_receivables(&self) -> Result<Vec<OverdueReceivableRow>> {
        let conn = self.conn;
        let mut overdue_receivables = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT id, customer_id, invoiced_on, due_on, amount_fen, paid_fen FROM receivables
                 WHERE deleted_at IS NULL AND voided_at IS NULL AND paid_fen < amount_fen AND due_on < ?1 ORDER BY due_on",
        )?;
        let mut rows = stmt.query([ymd(self.as_of)])?;
        while let Some(r) = rows.next()? {
            let cid: String = r.get(1)?;
            let Some(c) = self.customers.get(&cid) else { continue };
            let due: String = r.get(3)?;
            let (amount_fen, paid_fen): (Fen, Fen) = (r.get(4)?, r.get(5)?);
            let days = crate::relation::parse_ymd(&due).map(|d| (self.as_of - d).num_days()).unwrap_or(0);
            overdue_receivables.push(OverdueReceivableRow {
                receivable_id: r.get(0)?,
                customer_name: c.name.clone(),
                owner_name: c.owner.as_ref().and_then(|o| self.names.get(o)).cloned().unwrap_or_default(),
                invoiced_on: r.get(2)?,
                due_on: due,
                amount_fen,
                paid_fen,
                outstanding_fen: amount_fen - paid_fen,
                days_overdue: days.max(0) as u32,
            });
        }
        Ok(overdue_receivables)
    }

    /// Tiers at the month's start and end: the current tier, unwound through later changes.
    pub(super) fn tiers(&self) -> Result<Vec<TierFigures>> {
        let conn = self.conn;
        let mut first_after_start: HashMap<String, (String, Option<Tier>)> = HashMap::new();
        let mut first_after_end: HashMap<String, Option<Tier>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT customer_id, changed_at, from_tier FROM tier_changes WHERE deleted_at IS NULL AND changed_at >= ?1
                 ORDER BY changed_at",
        )?;
        let mut rows = stmt.query([&self.start_utc])?;
        while let Some(r) = rows.next()? {
            let cid: String = r.get(0)?;
            if !self.customers.contains_key(&cid) {
                continue;
            }
            let at: String = r.get(1)?;
            let from: Option<String> = r.get(2)?;
            let from = from.as_deref().and_then(Tier::parse);
            first_after_start.entry(cid.clone()).or_insert((at.clone(), from));
            if at >= self.end_utc {
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
        for (cid, c) in &self.customers {
            if c.created >= self.end_utc {
                continue;
            }
            let at_end = first_after_end.get(cid).copied().flatten().unwrap_or(c.tier);
            let at_start = first_after_start.get(cid).and_then(|x| x.1).unwrap_or(at_end);
            figs[pos(at_end)].at_end += 1;
            if c.created >= self.start_utc {
                figs[pos(at_end)].added += 1;
                continue;
            }
            figs[pos(at_start)].at_start += 1;
            if at_start != at_end {
                figs[pos(at_end)].moved_in += 1;
                figs[pos(at_start)].moved_out += 1;
            }
        }
        Ok(figs)
    }

    /// The manager's performance inputs: (ability, attitude, performance pay) by user.
    pub(super) fn performance_inputs(&self) -> Result<HashMap<String, (u32, u32, Fen)>> {
        let conn = self.conn;
        let mut inputs: HashMap<String, (u32, u32, Fen)> = HashMap::new();
        let mut stmt = conn.prepare(
                "SELECT user_id, ability, attitude, performance_pay_fen FROM performance_inputs WHERE deleted_at IS NULL AND month = ?1",
            )?;
        let mut rows = stmt.query([month_str(self.m)])?;
        while let Some(r) = rows.next()? {
            inputs.insert(r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?));
        }
        Ok(inputs)
    }
}
