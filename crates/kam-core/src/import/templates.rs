//! Named mapping templates (导入模板): a column mapping the clerk saved under a name, offered
//! again when a file with the same header shape is imported (the same headers, compared as
//! [`mapping::header_key`] compares them: width, case, spaces and a trailing `*` ignored).
//! Local to the device (migration 0016), never synced.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fields::fields_for;
use super::mapping;
use super::ImportKind;
use crate::error::{KamError, Result};
use crate::util::new_id;
use crate::Kam;

/// The longest template name, in characters.
const NAME_MAX: usize = 40;

/// A saved column mapping.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportTemplate {
    pub id: String,
    /// What it imports: `customers`, …
    pub kind: String,
    pub name: String,
    /// The headers of the file it was saved from.
    pub headers: Vec<String>,
    /// Header → field, for the headers that fill a field; the others are ignored.
    pub mapping: HashMap<String, String>,
    pub updated_at: String,
}

/// The header shape templates are matched by: the normalised headers, in order.
pub(crate) fn shape(headers: &[String]) -> String {
    headers.iter().map(|h| mapping::header_key(h)).collect::<Vec<_>>().join("\u{1f}")
}

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<ImportTemplate> {
    let headers: String = r.get(3)?;
    let mapping: String = r.get(4)?;
    Ok(ImportTemplate {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        mapping: serde_json::from_str(&mapping).unwrap_or_default(),
        updated_at: r.get(5)?,
    })
}

const SELECT: &str =
    "SELECT id, kind, name, headers_json, mapping_json, updated_at FROM import_templates WHERE deleted_at IS NULL";

pub(crate) fn list(conn: &Connection, kind: &str) -> Result<Vec<ImportTemplate>> {
    let mut stmt = conn.prepare(&format!("{SELECT} AND kind = ?1 ORDER BY name"))?;
    let rows = stmt.query_map([kind], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The template to use for a file: the one named (`Some("")`: none), else the newest saved for
/// the same header shape.
pub(crate) fn choose(
    conn: &Connection,
    kind: &str,
    headers: &[String],
    named: Option<&str>,
) -> Result<Option<ImportTemplate>> {
    match named.map(str::trim) {
        Some("") => Ok(None),
        Some(name) => {
            let found = conn
                .query_row(&format!("{SELECT} AND kind = ?1 AND name = ?2"), params![kind, name], from_row)
                .optional()?;
            match found {
                Some(t) => Ok(Some(t)),
                None => {
                    let known = list(conn, kind)?.into_iter().map(|t| t.name).collect::<Vec<_>>();
                    let known =
                        if known.is_empty() { "（还没有保存的模板）".to_string() } else { known.join("、") };
                    Err(KamError::invalid(
                        "template",
                        format!("没有名为「{name}」的导入模板。已有模板：{known}。"),
                        format!("There is no import template named '{name}'. Templates: {known}."),
                    ))
                }
            }
        }
        None => Ok(conn
            .query_row(
                &format!("{SELECT} AND kind = ?1 AND shape = ?2 ORDER BY updated_at DESC, id DESC LIMIT 1"),
                params![kind, shape(headers)],
                from_row,
            )
            .optional()?),
    }
}

impl ImportTemplate {
    /// What the template says for a header of the file: `Some(field)`, `Some("")` (ignore), or
    /// `None` when the template does not know the header (detection decides).
    pub(crate) fn field_for(&self, header: &str) -> Option<&str> {
        if let Some(f) = self.mapping.get(header) {
            return Some(f);
        }
        self.headers.iter().any(|h| h == header).then_some("")
    }
}

impl Kam {
    /// The saved import templates of a kind (`customers`, `contacts`, `sales`, `collections`,
    /// `receivables`), by name.
    pub fn import_templates(&self, kind: &str) -> Result<Vec<ImportTemplate>> {
        self.require_signed_in()?;
        list(&self.conn, kind)
    }

    /// Save a column mapping as a named template of a kind (replacing the one of that name):
    /// offered again for files of that kind with the same headers.
    pub fn save_import_template(
        &mut self,
        kind: &str,
        name: &str,
        headers: &[String],
        mapping: &HashMap<String, String>,
    ) -> Result<ImportTemplate> {
        let name = crate::validate::required("name", "模板名称", "Template name", name, NAME_MAX)?;
        let kind = ImportKind::parse(kind).ok_or_else(|| {
            KamError::invalid(
                "kind",
                format!("不认识的导入类型「{kind}」：可用 customers、contacts、sales、collections、receivables。"),
                format!("Unknown import kind '{kind}': use customers, contacts, sales, collections or receivables."),
            )
        })?;
        let fields = fields_for(kind);
        let mut kept = HashMap::new();
        for (h, f) in mapping {
            let f = f.trim();
            if f.is_empty() || f == "ignore" {
                continue;
            }
            if !fields.iter().any(|(x, _, _)| *x == f) {
                return Err(KamError::invalid(
                    "mapping",
                    format!("列「{h}」对应的字段「{f}」不存在。"),
                    format!("The column '{h}' is mapped to '{f}', which is not a field."),
                ));
            }
            if !headers.contains(h) {
                return Err(KamError::invalid(
                    "mapping",
                    format!("模板里的列「{h}」不在表头中。"),
                    format!("The template's column '{h}' is not among the headers."),
                ));
            }
            kept.insert(h.clone(), f.to_string());
        }
        if kept.is_empty() {
            return Err(KamError::invalid(
                "mapping",
                "模板里没有任何列对应到字段。请先设置列对应再保存模板。",
                "The template maps no column to a field. Set the mapping before saving it as a template.",
            ));
        }
        let headers_json = serde_json::to_string(headers).unwrap_or_default();
        let mapping_json = serde_json::to_string(&kept).unwrap_or_default();
        let sh = shape(headers);
        let kind = kind.as_str();
        let id = self.write(|tx, ctx| {
            let existing: Option<String> = tx
                .query_row(
                    "SELECT id FROM import_templates WHERE kind = ?1 AND name = ?2 AND deleted_at IS NULL",
                    params![kind, name],
                    |r| r.get(0),
                )
                .optional()?;
            let id = existing.unwrap_or_else(new_id);
            tx.execute(
                "INSERT INTO import_templates (id, kind, name, shape, headers_json, mapping_json,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)
                 ON CONFLICT(id) DO UPDATE SET shape = ?4, headers_json = ?5, mapping_json = ?6,
                    updated_at = ?7, updated_by = ?8",
                params![id, kind, name, sh, headers_json, mapping_json, ctx.now, ctx.user],
            )?;
            Ok(id)
        })?;
        Ok(self.conn.query_row(&format!("{SELECT} AND id = ?1"), [&id], from_row)?)
    }

    /// Delete a saved import template.
    pub fn delete_import_template(&mut self, id: &str) -> Result<()> {
        let n = self.write(|tx, ctx| {
            Ok(tx.execute(
                "UPDATE import_templates SET deleted_at = ?2, updated_at = ?2, updated_by = ?3
                 WHERE id = ?1 AND deleted_at IS NULL",
                params![id, ctx.now, ctx.user],
            )?)
        })?;
        if n == 0 {
            return Err(KamError::invalid(
                "template",
                "找不到这个导入模板：它可能已被删除。",
                "This import template was not found: it may have been deleted.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shape_ignores_width_case_and_spaces() {
        let a = shape(&["单位名称".into(), "Mobile".into(), " 税号* ".into()]);
        let b = shape(&["单位名称".into(), "ｍｏｂｉｌｅ".into(), "税号".into()]);
        assert_eq!(a, b);
        assert_ne!(a, shape(&["单位名称".into(), "税号".into(), "Mobile".into()]));
    }

    #[test]
    fn a_template_ignores_its_unmapped_headers_and_leaves_new_ones_to_detection() {
        let t = ImportTemplate {
            id: String::new(),
            kind: "customers".into(),
            name: "ERP".into(),
            headers: vec!["名称".into(), "编号".into()],
            mapping: HashMap::from([("名称".to_string(), "name".to_string())]),
            updated_at: String::new(),
        };
        assert_eq!(t.field_for("名称"), Some("name"));
        assert_eq!(t.field_for("编号"), Some(""));
        assert_eq!(t.field_for("手机"), None);
    }
}
