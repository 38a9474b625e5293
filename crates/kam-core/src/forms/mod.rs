//! The seed's work forms (seed 003, 7、工作表单) as formatted workbooks: 附表1 客户名单档案
//! (`customers`), 附表2 客户基本情况档案 (`dossier`, one customer, printable), 附表3
//! 客户在建项目一览表 (`projects`) and 附表4 客户开发与维护过程信息反馈表 (`feedback`, the visits
//! and complaints of a period). Each lists only the customers the person signed in may see
//! ([`scope`]); each export is written through a temporary file and recorded in the audit log.

mod customers;
mod dossier;
mod feedback;
mod projects;
mod scope;
mod sheet;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{KamError, Result};
use crate::Kam;

str_enum!(
    /// The four forms of seed 003 (附表1–4).
    FormKind { Customers = "customers" / "客户名单档案" / "Customer list",
               Dossier = "dossier" / "客户基本情况档案" / "Customer basic information",
               Projects = "projects" / "客户在建项目一览表" / "Projects under way",
               Feedback = "feedback" / "客户开发与维护过程信息反馈表" / "Development and upkeep feedback" });

impl FormKind {
    /// 1–4, as the seed numbers them (附表N).
    pub fn number(self) -> u8 {
        match self {
            FormKind::Customers => 1,
            FormKind::Dossier => 2,
            FormKind::Projects => 3,
            FormKind::Feedback => 4,
        }
    }

    /// The audit log's kind for this export.
    pub fn audit_kind(self) -> &'static str {
        match self {
            FormKind::Customers => "form_customers",
            FormKind::Dossier => "form_dossier",
            FormKind::Projects => "form_projects",
            FormKind::Feedback => "form_feedback",
        }
    }
}

/// Which form, and for which customer (附表2) or period (附表4).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FormRequest {
    pub form: FormKind,
    /// 附表2: the customer (id, customer code or credit code).
    pub customer_id: Option<String>,
    /// 附表4: the first day (default: the first of this month).
    pub from: Option<String>,
    /// 附表4: the last day (default: today).
    pub to: Option<String>,
}

impl FormRequest {
    pub fn new(form: FormKind) -> Self {
        FormRequest { form, customer_id: None, from: None, to: None }
    }
}

/// A written form.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FormExport {
    pub form: FormKind,
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Data rows written (customers, projects, visits and complaints; 1 for a dossier).
    pub rows: u32,
    /// Whose customers it lists: 全部客户, 营销专员：张伟, 部门：大客户一部…
    pub scope: String,
}

/// A built workbook before it is written.
pub(crate) struct Built {
    pub bytes: Vec<u8>,
    pub rows: u32,
    pub scope: String,
    /// What the audit entry records besides the form (customer, period).
    pub detail: serde_json::Value,
}

impl Built {
    /// A workbook of list-shaped sheets (附表1, 3, 4), one worksheet each, in order.
    pub(crate) fn from_lists(
        lists: &[&sheet::ListSheet],
        rows: u32,
        scope: String,
        detail: serde_json::Value,
    ) -> Result<Built> {
        let f = sheet::formats();
        let mut wb = rust_xlsxwriter::Workbook::new();
        for list in lists {
            let mut ws = rust_xlsxwriter::Worksheet::new();
            sheet::list_sheet(&mut ws, list, &f).map_err(sheet::xlsx_error)?;
            wb.push_worksheet(ws);
        }
        Ok(Built { bytes: wb.save_to_buffer().map_err(sheet::xlsx_error)?, rows, scope, detail })
    }
}

/// 附表4's period: (from, to), both inclusive.
fn period(kam: &Kam, req: &FormRequest) -> Result<(NaiveDate, NaiveDate)> {
    let today = crate::time::local_today(kam);
    let day = |field: &str, v: &Option<String>| -> Result<Option<NaiveDate>> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| crate::input::date(field, s)).transpose()
    };
    let from = day("from", &req.from)?.unwrap_or_else(|| today.with_day0(0).expect("day 1 exists"));
    let to = day("to", &req.to)?.unwrap_or(today);
    if from > to {
        return Err(KamError::invalid(
            "to",
            format!("结束日期 {to} 早于开始日期 {from}。请调换或重新选择期间。"),
            format!("The end date {to} is before the start date {from}. Swap them or choose the period again."),
        ));
    }
    Ok((from, to))
}

impl Kam {
    /// Build a form and write it to `path` (.xlsx, through a temporary file and a rename); the
    /// export is recorded in the audit log. Lists only the customers the person signed in may see.
    pub fn export_form(&self, req: &FormRequest, path: &Path) -> Result<FormExport> {
        let built = match req.form {
            FormKind::Customers => customers::build(self)?,
            FormKind::Dossier => dossier::build(self, &self.form_customer(req)?)?,
            FormKind::Projects => projects::build(self)?,
            FormKind::Feedback => {
                let (from, to) = period(self, req)?;
                feedback::build(self, from, to)?
            }
        };
        crate::util::write_atomically(path, &built.bytes)?;
        let mut detail = serde_json::json!({ "form": format!("附表{} {}", req.form.number(), req.form.label_zh()) });
        if let (Some(d), serde_json::Value::Object(extra)) = (detail.as_object_mut(), built.detail) {
            d.extend(extra);
        }
        detail["scope"] = serde_json::Value::String(built.scope.clone());
        self.record_export(req.form.audit_kind(), detail, Some(built.rows as i64), path)?;
        Ok(FormExport {
            form: req.form,
            path: path.display().to_string(),
            bytes: built.bytes.len() as u64,
            rows: built.rows,
            scope: built.scope,
        })
    }

    /// Where a form is saved unless the person picks another place: the documents folder
    /// ([`crate::default_export_dir`]) and `附表1-客户名单档案-2026-11-23.xlsx`,
    /// `附表2-客户基本情况档案-<单位名称>.xlsx`, `附表4-…-2026-11-01至2026-11-23.xlsx`.
    pub fn form_default_path(&self, req: &FormRequest) -> Result<String> {
        let today = crate::time::local_today(self);
        let stem = format!("附表{}-{}", req.form.number(), req.form.label_zh());
        let name = match req.form {
            FormKind::Dossier => format!("{stem}-{}.xlsx", sheet::file_part(&self.form_customer(req)?.name)),
            FormKind::Feedback => {
                let (from, to) = period(self, req)?;
                format!("{stem}-{from}至{to}.xlsx")
            }
            _ => format!("{stem}-{today}.xlsx"),
        };
        Ok(crate::default_export_dir().join(name).display().to_string())
    }

    /// Export to `path`, or to [`Kam::form_default_path`] (creating the documents folder) when
    /// none is given: what the window's buttons do.
    pub fn export_form_to(&self, req: &FormRequest, path: Option<&str>) -> Result<FormExport> {
        let path = match path.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => PathBuf::from(p),
            None => {
                let p = PathBuf::from(self.form_default_path(req)?);
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                p
            }
        };
        self.export_form(req, &path)
    }

    /// 附表2's customer: it must exist and be one the person signed in reaches.
    fn form_customer(&self, req: &FormRequest) -> Result<crate::model::Customer> {
        let key = req.customer_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
            KamError::invalid(
                "customer_id",
                "附表2（客户基本情况档案）需要指定客户。",
                "Form 2 (customer basic information) needs a customer.",
            )
        })?;
        // One out of the person's reach is refused (`forbidden`) by the core's own read.
        self.resolve_customer(key)
    }
}
