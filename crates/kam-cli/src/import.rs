//! `kam import customers|contacts|sales|collections|receivables FILE | list | undo <batch>`:
//! importing from Excel, WPS and CSV. The dry run, the mapping, the duplicate checks and the batch are the core's.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use kam_core::import::{DuplicateAction, ImportKind, ImportOptions, ImportPreview};
use kam_core::Kam;

use crate::{pad, parse_enum, print_json};

/// What every file import takes.
#[derive(Args)]
pub struct FileArgs {
    file: PathBuf,
    /// The sheet of a workbook (default: the first with data).
    #[arg(long)]
    sheet: Option<String>,
    /// The header's row number as the file shows it (default: detected).
    #[arg(long)]
    header_row: Option<u32>,
    /// gb18030 | utf-8 (text files; default: detected).
    #[arg(long)]
    encoding: Option<String>,
    /// Show what would happen; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// For rows matching an existing record: skip | fill | overwrite | create (default: skip;
    /// finance documents imported before: overwrite, so a corrected file updates them).
    #[arg(long, value_parser = parse_enum::<DuplicateAction>)]
    on_duplicate: Option<DuplicateAction>,
    /// A column's field, as `表头=field` (e.g. `联系电话=mobile`; `表头=` ignores it). Repeatable.
    #[arg(long = "map")]
    map: Vec<String>,
    /// Start from a saved mapping template of this kind (default: the one saved for the same
    /// headers; `--template ""` for none).
    #[arg(long)]
    template: Option<String>,
    /// Save the mapping used (detected, template and --map) as a template of this name, offered
    /// again for files of this kind with the same headers.
    #[arg(long)]
    save_template: Option<String>,
    /// Why rows are created although they look like an existing record (needed with
    /// --on-duplicate create).
    #[arg(long)]
    reason: Option<String>,
    /// Save the error and duplicate rows with a 错误原因 column (.xlsx).
    #[arg(long)]
    errors_out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ImportCmd {
    /// Import customers: prints the dry run (counts, each row with its reason) and, unless
    /// --dry-run, applies it as one batch and prints the batch id.
    Customers(FileArgs),
    /// Import contacts, each matched to its customer (customer code, credit code or name).
    Contacts(FileArgs),
    /// Import sales and returns, keyed by document number (单据号): importing the same month
    /// again changes nothing; a corrected file updates. Head-office clerks.
    Sales(FileArgs),
    /// Import collections (回款), keyed by document number. Head-office clerks.
    Collections(FileArgs),
    /// Import receivables (应收) with due dates and amounts paid, keyed by document number.
    /// Head-office clerks.
    Receivables(FileArgs),
    /// Applied imports, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Undo an import (撤销本次导入) while its rows are unchanged since.
    Undo { batch: String },
    /// Saved mapping templates (of one kind, or of every kind).
    Templates {
        /// customers | contacts | sales | collections | receivables (default: every kind).
        #[arg(long, value_parser = parse_enum::<ImportKind>)]
        kind: Option<ImportKind>,
        #[arg(long)]
        json: bool,
    },
}

fn print_preview(p: &ImportPreview) {
    let d = &p.detected;
    if let Some(t) = &p.template {
        println!("模板 template: {t}");
    }
    println!(
        "文件 file: {}  工作表 sheet: {}  编码 encoding: {}  分隔符 separator: {}  表头行 header row: {}",
        p.file_name,
        d.sheet.as_deref().unwrap_or("-"),
        d.encoding.as_deref().unwrap_or("-"),
        d.separator.as_deref().map(|s| if s == "\t" { "TAB" } else { s }).unwrap_or("-"),
        d.header_row
    );
    let mut mapped: Vec<_> = p.mapping.iter().collect();
    mapped.sort_by_key(|(h, _)| p.headers.iter().position(|x| x == *h));
    let shown: Vec<String> = mapped.iter().map(|(h, f)| format!("{h}→{f}")).collect();
    println!("列对应 mapping: {}", shown.join("  "));
    if !p.unknown_columns.is_empty() {
        println!("未使用的列 unused columns: {}", p.unknown_columns.join("、"));
    }
    let c = &p.counts;
    println!(
        "共 {} 行 rows: 新建 new {} · 更新 update {} · 疑似重复 duplicate {} · 错误 error {} · 无变化 unchanged {}  →  将新建 create {} · 将更新 update {} · 跳过 skip {}",
        c.total, c.new, c.update, c.duplicate, c.error, c.unchanged, c.to_create, c.to_update, c.to_skip
    );
    if let (Some(zh), Some(en)) = (&p.skipped_note, &p.skipped_note_en) {
        println!("{zh} {en}");
    }
    for r in &p.rows {
        println!(
            "{}  {}  {}  {}",
            pad(&format!("第{}行", r.row), 8),
            pad(r.status.label_zh(), 8),
            pad(&r.name, 30),
            r.reason
        );
    }
}

fn file_import(kam: &mut Kam, kind: ImportKind, a: FileArgs) -> Result<()> {
    let FileArgs {
        file,
        sheet,
        header_row,
        encoding,
        dry_run,
        on_duplicate,
        map,
        template,
        save_template,
        reason,
        errors_out,
        json,
    } = a;
    let mut mapping = std::collections::HashMap::new();
    for m in map {
        let (h, f) = m.split_once('=').ok_or_else(|| anyhow::anyhow!("--map 应写成 表头=字段 (header=field): {m}"))?;
        mapping.insert(h.trim().to_string(), f.trim().to_string());
    }
    let opts = ImportOptions {
        sheet,
        header_row,
        encoding,
        mapping: (!mapping.is_empty()).then_some(mapping),
        on_duplicate,
        row_actions: None,
        status_actions: None,
        template,
        create_reason: reason,
    };
    let preview = kam.import_preview(kind, &file, &opts)?;
    if let Some(name) = &save_template {
        let t = kam.save_import_template(kind.as_str(), name, &preview.headers, &preview.mapping)?;
        if !json {
            println!("已保存模板 template saved: {}", t.name);
        }
    }
    if let Some(out) = &errors_out {
        let n = kam.write_import_errors(&preview, out)?;
        if !json {
            println!("错误与重复行 error and duplicate rows: {n} → {}", out.display());
        }
    }
    if dry_run {
        if json {
            return print_json(&preview);
        }
        print_preview(&preview);
        return Ok(());
    }
    let applied = kam.import_apply(kind, &file, &opts, &mut |_| {})?;
    if json {
        return print_json(&applied);
    }
    print_preview(&applied.preview);
    let b = &applied.batch;
    println!(
        "已导入 imported: 批次 batch {}  新建 created {} · 更新 updated {} · 跳过 skipped {} · 错误 errors {}",
        b.id, b.created_count, b.updated_count, b.skipped_count, b.error_count
    );
    Ok(())
}

pub fn run(kam: &mut Kam, cmd: ImportCmd) -> Result<()> {
    match cmd {
        ImportCmd::Customers(a) => file_import(kam, ImportKind::Customers, a)?,
        ImportCmd::Contacts(a) => file_import(kam, ImportKind::Contacts, a)?,
        ImportCmd::Sales(a) => file_import(kam, ImportKind::Sales, a)?,
        ImportCmd::Collections(a) => file_import(kam, ImportKind::Collections, a)?,
        ImportCmd::Receivables(a) => file_import(kam, ImportKind::Receivables, a)?,
        ImportCmd::List { json } => {
            let batches = kam.import_batches()?;
            if json {
                return print_json(&batches);
            }
            for b in &batches {
                let undone = if b.undone_at.is_some() { "已撤销 undone" } else { "" };
                println!(
                    "{}  {}  {}  {}  新建 {} · 更新 {} · 跳过 {} · 错误 {}  {undone}",
                    b.id,
                    pad(&kam_core::time::local_time(&b.created_at), 16),
                    pad(b.created_by_name.as_deref().unwrap_or(""), 8),
                    b.file_name,
                    b.created_count,
                    b.updated_count,
                    b.skipped_count,
                    b.error_count
                );
            }
        }
        ImportCmd::Templates { kind, json } => {
            let kinds = kind.map_or(ImportKind::ALL.to_vec(), |k| vec![k]);
            let mut templates = Vec::new();
            for k in kinds {
                templates.extend(kam.import_templates(k.as_str())?);
            }
            if json {
                return print_json(&templates);
            }
            for t in &templates {
                let mut mapped: Vec<_> = t.mapping.iter().collect();
                mapped.sort_by_key(|(h, _)| t.headers.iter().position(|x| x == *h));
                let shown: Vec<String> = mapped.iter().map(|(h, f)| format!("{h}→{f}")).collect();
                let kind = ImportKind::parse(&t.kind).map_or(t.kind.as_str(), |k| k.label_zh());
                println!("{}  {}  {}", pad(kind, 10), pad(&t.name, 20), shown.join("  "));
            }
        }
        ImportCmd::Undo { batch } => {
            let b = kam.undo_import(&batch)?;
            println!("已撤销导入 import undone: {} ({})", b.id, b.file_name);
        }
    }
    Ok(())
}
