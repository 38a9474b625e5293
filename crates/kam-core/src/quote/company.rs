//! The company header printed on quotes, and exporting the workbook.

use super::*;

impl Kam {
    /// The company printed at the head of quote workbooks; empty fields when unset.
    pub fn company_info(&self) -> Result<CompanyInfo> {
        Ok(CompanyInfo {
            name: self.setting("company_name")?.unwrap_or_default(),
            address: self.setting("company_address")?.unwrap_or_default(),
            phone: self.setting("company_phone")?.unwrap_or_default(),
        })
    }

    /// Set the company printed at the head of quote workbooks: name required (≤ 100
    /// characters), address ≤ 200, phone ≤ 50; trimmed. Returns what was stored.
    pub fn set_company_info(&mut self, input: &CompanyInfo) -> Result<CompanyInfo> {
        let info = CompanyInfo {
            name: v::required("name", "公司名称", "Company name", &input.name, 100)?,
            address: v::optional("address", "公司地址", "Company address", &Some(input.address.clone()), 200)?,
            phone: v::optional("phone", "公司电话", "Company phone", &Some(input.phone.clone()), 50)?,
        };
        self.write(|tx, _| store_company(tx, &info))?;
        self.company_info()
    }

    /// Export a quote as an Excel workbook: the customer-facing quote, or (`internal`) the
    /// internal version with cost, profit and rebate columns. Written to a temporary file in
    /// the same folder and renamed, so a failed export leaves no partial file.
    /// The internal version (costs, margins) is for managers, head office and executives; every
    /// export is recorded in the audit log.
    pub fn export_quote(&self, id: &str, path: &std::path::Path, internal: bool) -> Result<QuoteExport> {
        self.require_signed_in()?;
        if internal {
            self.require_internal_view(
                "导出内部版报价单（含成本和利润）",
                "export the internal quote workbook (costs and margins)",
            )?;
        }
        let q = load_quote(&self.conn, id)?;
        let info = self.company_info()?;
        let company = export::Company {
            name: if info.name.is_empty() {
                "（公司名称：请在设置中填写）".to_string()
            } else {
                info.name
            },
            address: info.address,
            phone: info.phone,
        };
        let bytes = export::workbook(&q, &company, internal)?;
        export::write_atomically(path, &bytes)?;
        self.record_export(
            if internal { "quote_internal" } else { "quote_customer" },
            serde_json::json!({ "quote": q.display_number, "customer": q.customer_name }),
            Some(q.lines.len() as i64),
            path,
        )?;
        Ok(QuoteExport { path: path.display().to_string(), bytes: bytes.len() as u64, internal })
    }

    /// Export into [`crate::default_export_dir`] as `报价单-<number>.xlsx` (or `…-内部.xlsx`),
    /// creating the folder if needed: what the app's export button does.
    pub fn export_quote_default(&self, id: &str, internal: bool) -> Result<QuoteExport> {
        let q = self.quote(id)?;
        let dir = crate::default_export_dir();
        std::fs::create_dir_all(&dir)?;
        let suffix = if internal { "-内部" } else { "" };
        self.export_quote(id, &dir.join(format!("报价单-{}{suffix}.xlsx", q.number)), internal)
    }
}

impl Kam {
    /// Whether the person signed in sees the internal part of quotes — costs, the pricing
    /// breakdown, margins and profit — and catalog costs: managers, head office and executives
    /// ([`INTERNAL_VIEW_ROLES`]), and administrators. Nobody is signed in: no.
    pub fn internal_view(&self) -> Result<bool> {
        if self.is_trusted() {
            return Ok(true);
        }
        if self.require_signed_in().is_err() {
            return Ok(false);
        }
        let me = self.me()?;
        Ok(me.is_admin || INTERNAL_VIEW_ROLES.contains(&me.role))
    }

    /// Refuse (`forbidden`) someone without the internal view.
    pub fn require_internal_view(&self, what_zh: &str, what_en: &str) -> Result<()> {
        self.require_role_or_admin(INTERNAL_VIEW_ROLES, what_zh, what_en)
    }
}

/// The roles allowed the internal view of quotes (with administrators).
pub const INTERNAL_VIEW_ROLES: &[Role] = &[Role::Manager, Role::HeadOffice, Role::Executive];

/// Write the company header settings (trimmed).
pub(crate) fn store_company(conn: &rusqlite::Connection, c: &CompanyInfo) -> Result<()> {
    for (k, v) in [("company_name", &c.name), ("company_address", &c.address), ("company_phone", &c.phone)] {
        crate::db::set_setting(conn, k, v.trim())?;
    }
    Ok(())
}
