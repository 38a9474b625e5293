//! `kam form customers|dossier <customer>|projects|feedback --out FILE`: the seed's work forms
//! 附表1–4 as workbooks. What goes in them, whose customers and the audit entry are the core's.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use kam_core::forms::{FormKind, FormRequest};
use kam_core::Kam;

use crate::print_json;

#[derive(Subcommand)]
pub enum FormCmd {
    /// 附表1 客户名单档案: the customers you may see, one row each.
    Customers(Out),
    /// 附表2 客户基本情况档案: one customer's dossier, printable on A4.
    Dossier {
        /// Customer id, customer code or credit code.
        customer: String,
        #[command(flatten)]
        out: Out,
    },
    /// 附表3 客户在建项目一览表: projects under way across your customers.
    Projects(Out),
    /// 附表4 客户开发与维护过程信息反馈表: visits and complaints of a period.
    Feedback {
        /// First day (default: the first of this month), e.g. 2026-11-01.
        #[arg(long)]
        from: Option<String>,
        /// Last day (default: today).
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        out: Out,
    },
}

#[derive(Args)]
pub struct Out {
    /// The .xlsx to write (default: 附表N-….xlsx in the documents folder, $KAM_EXPORT_DIR).
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn run(kam: &Kam, cmd: FormCmd) -> Result<()> {
    let (req, out) = match cmd {
        FormCmd::Customers(out) => (FormRequest::new(FormKind::Customers), out),
        FormCmd::Dossier { customer, out } => {
            (FormRequest { customer_id: Some(customer), ..FormRequest::new(FormKind::Dossier) }, out)
        }
        FormCmd::Projects(out) => (FormRequest::new(FormKind::Projects), out),
        FormCmd::Feedback { from, to, out } => (FormRequest { from, to, ..FormRequest::new(FormKind::Feedback) }, out),
    };
    let path = match out.out {
        Some(p) => p,
        None => PathBuf::from(kam.form_default_path(&req)?),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let e = kam.export_form(&req, &path)?;
    if out.json {
        return print_json(&e);
    }
    println!(
        "已导出 exported 附表{} {}: {} ({} 行 rows, {}, {} bytes)",
        e.form.number(),
        e.form.label_zh(),
        e.path,
        e.rows,
        e.scope,
        e.bytes
    );
    Ok(())
}
