//! Building the report: the preview and the workbook export, and the figures derived from
//! what [`Gather`] read (departments, performance, commissions, totals).

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use super::gather::Gather;
use super::*;
use crate::ratio::{round_score, score_text, Ratio};
use crate::relation::{local_today, ymd};
use crate::units::Fen;
use crate::util::ts;
use crate::{Kam, Role};

impl Kam {
    /// The monthly key-account report's figures for `month` (`YYYY-MM`), for the whole company
    /// or one department. A month after the current one is refused.
    /// Someone who may not see everyone's pay (a rep: their own line; a department manager:
    /// their department's) gets the report without the others' lines.
    pub fn monthly_report(&self, month: &str, department: Option<&str>) -> Result<MonthlyReport> {
        self.require_signed_in()?;
        let mut report = self.build_report(month, department, &mut |_| {})?;
        self.withhold_others_pay(&mut report)?;
        Ok(report)
    }

    /// Keep only the rep lines, performance bonuses and commissions the person acting may see.
    fn withhold_others_pay(&self, r: &mut MonthlyReport) -> Result<()> {
        if self.is_trusted() || self.is_admin(&self.user_id)? {
            return Ok(());
        }
        let me = self.user(&self.user_id)?;
        let visible = |user_id: &str, department: &str| match me.role {
            Role::HeadOffice | Role::Executive => true,
            Role::Manager => user_id == me.id || (!me.department.is_empty() && department == me.department),
            Role::Rep | Role::Liaison => user_id == me.id,
        };
        let departments: HashMap<String, String> =
            r.reps.iter().map(|x| (x.user_id.clone(), x.department.clone())).collect();
        let dept = |id: &str| departments.get(id).map(String::as_str).unwrap_or_default();
        r.new_customers.retain(|x| visible(&x.rep_id, dept(&x.rep_id)));
        r.reps.retain(|x| visible(&x.user_id, &x.department));
        r.performance.retain(|x| visible(&x.user_id, &x.department));
        r.commissions.retain(|x| visible(&x.user_id, &x.department));
        // The pay totals are those of the lines left: nobody infers the others' from a sum.
        let t = &mut r.totals;
        t.quota_incentive_fen = r.reps.iter().map(|x| x.quota_incentive_fen).sum();
        t.new_customer_bonus_fen = r.reps.iter().map(|x| x.new_customer_bonus_fen).sum();
        t.performance_bonus_fen = r.performance.iter().filter_map(|p| p.bonus.map(|b| b.total_fen)).sum();
        t.commission_fen = r.commissions.iter().map(|c| c.commission_fen).sum();
        Ok(())
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
        self.may_export_report(department)?;
        progress(0);
        let report = self.build_report(month, department, &mut |p| progress(p * 6 / 10))?;
        progress(60);
        let (bytes, sheets) = xlsx::workbook(&report)?;
        progress(90);
        xlsx::write_atomically(path, &bytes)?;
        self.record_export(
            "monthly_report",
            serde_json::json!({ "month": month, "department": department }),
            Some(report.reps.len() as i64),
            path,
        )?;
        progress(100);
        Ok(ReportExport {
            path: path.display().to_string(),
            bytes: bytes.len() as u64,
            sheets,
            millis: started.elapsed().as_millis() as u32,
            report,
        })
    }

    /// The workbook shows everyone's bonus: head office, executives and administrators export
    /// it; a department manager only their own department's.
    fn may_export_report(&self, department: Option<&str>) -> Result<()> {
        self.require_signed_in()?;
        if !self.is_trusted() {
            let me = self.user(&self.user_id)?;
            if me.role == Role::Manager && !me.department.is_empty() && department == Some(me.department.as_str()) {
                return Ok(());
            }
        }
        self.require_role_or_admin(
            &[Role::HeadOffice, Role::Executive],
            "导出大客户月报（含每个人的奖金）；部门经理可导出本部门的",
            "export the monthly report (everyone's bonus); a department manager may export their own department's",
        )
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

    // Long because: the report's steps in the order the workbook shows them (gather, totals,
    // departments, performance, commissions, ratios), each a call with its progress tick; split
    // further, the order and the progress figures would be spread over several functions.
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
        let mut g = Gather {
            kam: self,
            conn: &self.conn,
            m,
            department,
            start_s,
            end_s,
            start_utc,
            end_utc,
            as_of,
            names: HashMap::new(),
            dept_of: HashMap::new(),
            reps: Vec::new(),
            idx: HashMap::new(),
            customers: HashMap::new(),
        };
        g.users()?;
        progress(5);
        g.customers()?;
        progress(15);
        g.visits()?;
        progress(30);
        let overdue_visits = g.overdue_visits()?;
        progress(45);
        let net = g.sales()?;
        let quota = self.new_customer_quota()?;
        let new_customers = g.new_customers(&net, quota)?;
        progress(60);
        let prev_collections = g.collections()?;
        let dept_targets = g.targets()?;
        g.quotes()?;
        let open_complaints = g.complaints()?;
        g.satisfaction()?;
        progress(75);
        let overdue_receivables = g.overdue_receivables()?;
        let tiers = g.tiers()?;
        progress(85);
        let inputs = g.performance_inputs()?;
        let Gather { mut reps, customers, department, .. } = g;
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
                || r.sales_fen + r.returns_fen + r.collections_fen != Fen::ZERO
                || r.sales_target_fen.is_some()
                || r.complaints_opened + r.complaints_closed > 0
                || prev_collections.contains_key(&r.user_id)
                || inputs.contains_key(&r.user_id)
        });

        for r in reps.iter_mut() {
            r.rates = rep_rates(r);
        }
        let departments = department_figures(&reps, &dept_targets, department.as_deref());
        let performance = performance_rows(&reps, &departments, &inputs);
        let commissions = commission_rows(&reps, &prev_collections, m);

        // Totals.
        let mut t = ReportTotals { reps: reps.len() as u32, customers: customers.len() as u32, ..Default::default() };
        let (mut sat_sum, mut sat_n) = (0.0, 0u32);
        for r in &reps {
            t.visits_done += r.visits_done;
            t.visits_planned += r.visits_planned;
            t.visits_planned_done += r.visits_planned_done;
            t.visits_unplanned += r.visits_unplanned;
            t.new_customers += r.new_customers;
            t.quota += r.quota;
            t.quota_incentive_fen += r.quota_incentive_fen;
            t.new_customer_bonus_fen += r.new_customer_bonus_fen;
            t.quotes_issued += r.quotes_issued;
            t.quotes_won += r.quotes_won;
            t.quotes_won_fen += r.quotes_won_fen;
            t.net_sales_fen += r.net_sales_fen;
            t.sales_target_fen += r.sales_target_fen.unwrap_or_default();
            t.collections_fen += r.collections_fen;
            t.collection_target_fen += r.collection_target_fen.unwrap_or_default();
            t.complaints_opened += r.complaints_opened;
            t.complaints_closed += r.complaints_closed;
            t.complaints_within_deadline += r.complaints_within_deadline;
            if let Some(s) = r.satisfaction {
                sat_sum += s;
                sat_n += 1;
            }
        }
        t.visits_overdue = overdue_visits.len() as u32;
        t.satisfaction = (sat_n > 0).then(|| round_score(sat_sum / sat_n as f64));
        t.satisfaction_text = t.satisfaction.map(score_text);
        t.open_complaints = open_complaints.len() as u32;
        t.overdue_receivables = overdue_receivables.len() as u32;
        t.overdue_receivable_fen = overdue_receivables.iter().map(|r| r.outstanding_fen).sum();
        t.performance_bonus_fen = performance.iter().filter_map(|p| p.bonus.map(|b| b.total_fen)).sum();
        t.commission_fen = commissions.iter().map(|c| c.commission_fen).sum();
        t.rates = total_rates(&t);
        let empty = t.visits_done == 0
            && t.visits_planned == 0
            && new_customers.is_empty()
            && t.quotes_issued == 0
            && t.quotes_won == 0
            && reps.iter().all(|r| r.sales_fen.is_zero() && r.returns_fen.is_zero())
            && t.collections_fen.is_zero()
            && t.complaints_opened == 0
            && t.complaints_closed == 0
            && sat_n == 0
            && prev_collections.is_empty()
            && inputs.is_empty()
            && dept_targets.is_empty()
            && t.sales_target_fen.is_zero();
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

/// Departments: their reps' net sales against the department target.
fn department_figures(
    reps: &[RepFigures],
    dept_targets: &HashMap<String, (Fen, Option<Fen>)>,
    department: Option<&str>,
) -> Vec<DepartmentFigures> {
    let mut dept_sales: BTreeMap<String, Fen> = BTreeMap::new();
    for r in reps {
        *dept_sales.entry(r.department.clone()).or_default() += r.net_sales_fen;
    }
    for d in dept_targets.keys() {
        if department.is_none_or(|x| x == d) {
            dept_sales.entry(d.clone()).or_default();
        }
    }
    dept_sales
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
                sales_rate: Ratio::of_target(s, t),
            }
        })
        .collect()
}

/// Performance (绩效): results score from sales against target, plus the manager's inputs.
fn performance_rows(
    reps: &[RepFigures],
    departments: &[DepartmentFigures],
    inputs: &HashMap<String, (u32, u32, Fen)>,
) -> Vec<PerformanceRow> {
    let outcome_of =
        |d: &str| departments.iter().find(|x| x.department == d).map(|x| x.outcome).unwrap_or(DepartmentOutcome::Met);
    reps.iter()
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
        .collect()
}

/// Commissions on the previous month's collections.
fn commission_rows(reps: &[RepFigures], prev_collections: &HashMap<String, Fen>, m: MonthIndex) -> Vec<CommissionRow> {
    reps.iter()
        .map(|r| {
            let c = prev_collections.get(&r.user_id).copied().unwrap_or_default();
            CommissionRow {
                user_id: r.user_id.clone(),
                name: r.name.clone(),
                department: r.department.clone(),
                collections_month: month_str(m - 1),
                collections_fen: c,
                commission_fen: commission_fen(c),
            }
        })
        .collect()
}

/// A rep's ratios (crate::ratio): planned visits done ÷ planned, new customers ÷ quota, sales
/// and collections ÷ their targets.
fn rep_rates(r: &RepFigures) -> RepRates {
    RepRates {
        visit_plan: Ratio::of_counts(r.visits_planned_done, r.visits_planned),
        quota: Ratio::of_counts(r.new_customers, r.quota),
        sales: Ratio::of_target(r.net_sales_fen, r.sales_target_fen),
        collection: Ratio::of_target(r.collections_fen, r.collection_target_fen),
    }
}

/// The month's ratios (crate::ratio).
fn total_rates(t: &ReportTotals) -> TotalRates {
    TotalRates {
        visit_plan: Ratio::of_counts(t.visits_planned_done, t.visits_planned),
        quota: Ratio::of_counts(t.new_customers, t.quota),
        win: Ratio::of_counts(t.quotes_won, t.quotes_issued),
        sales: Ratio::of_target(t.net_sales_fen, Some(t.sales_target_fen)),
        collection: Ratio::of_target(t.collections_fen, Some(t.collection_target_fen)),
        complaints_on_time: Ratio::of_counts(t.complaints_within_deadline, t.complaints_opened),
    }
}
