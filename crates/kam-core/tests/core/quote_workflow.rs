//! Quotes: approvals, the workflow, revisions and validity, the Excel export read back, and the
//! company printed at its head. Pricing and lines are in `quotes.rs`.

use std::path::Path;

use calamine::{open_workbook, Data, DataType, Reader, Xlsx};
use kam_core::*;
use rust_decimal::Decimal;

use crate::quotes_common::*;

#[test]
fn approvals_are_required_enforced_by_role_and_immutable() {
    let env = Env::new();
    let mut kam = env.open();
    let (rep, manager, gm) = users(&mut kam);
    let c = customer(&mut kam, "宝山钢铁股份有限公司");

    // Nothing to approve: straight to approved on submit.
    let plain = new_quote(&mut kam, &c);
    kam.add_quote_line(&plain.id, &line(7000, "100")).unwrap();
    let plain = kam.submit_quote(&plain.id).unwrap();
    assert_eq!(plain.status, QuoteStatus::Approved);
    assert!(plain.required_approvals.is_empty());

    let q = new_quote(&mut kam, &c);
    let below = QuoteLineInput { manual_unit_price_fen: Some(Fen(8000)), ..line(7000, "100") }; // policy 84.00
    let rebate = QuoteLineInput { rebate_rate: Some(Rate(d("0.05"))), ..line(7000, "100") };
    let small_discount = QuoteLineInput { discount_rate: Some(Rate(d("0.05"))), ..line(7000, "100") };
    let big_discount = QuoteLineInput { discount_rate: Some(Rate(d("0.10"))), ..line(7000, "100") };
    let q = kam.add_quote_lines(&q.id, &[below, rebate, small_discount, big_discount]).unwrap();
    assert!(q.lines[0].below_policy);
    assert_eq!(q.lines[0].policy_unit_price_fen, Fen(8400));
    assert_eq!(q.lines[0].unit_price_fen, Fen(8000));
    let q = kam.submit_quote(&q.id).unwrap();
    assert_eq!(q.status, QuoteStatus::PendingApproval);
    let needs: Vec<(ApprovalKind, ApprovalLevel, Vec<u32>)> =
        q.required_approvals.iter().map(|r| (r.kind, r.level, r.lines.clone())).collect();
    assert_eq!(
        needs,
        vec![
            (ApprovalKind::BelowPolicy, ApprovalLevel::GeneralManager, vec![1]),
            (ApprovalKind::Rebate, ApprovalLevel::Department, vec![2]),
            (ApprovalKind::Discount, ApprovalLevel::Department, vec![3]),
            (ApprovalKind::Discount, ApprovalLevel::GeneralManager, vec![4]),
        ]
    );
    assert!(q.required_approvals[0].reason_zh.contains("总经理特批"), "{}", q.required_approvals[0].reason_zh);
    assert_eq!(q.outstanding_approvals.len(), 4);

    // Not yet approved: it cannot be sent, but it can be shown and exported (marked).
    assert_eq!(kam.send_quote(&q.id).unwrap_err().code(), "wrong_state");
    // A rep may not approve: refused, nothing written.
    let author = kam.app_info().unwrap().current_user;
    kam.set_current_user(&rep.id).unwrap();
    let err = kam.approve_quote(&q.id, "同意").unwrap_err();
    assert!(err.to_string().contains("无权审批"), "{err}");
    assert_eq!(err.code(), "forbidden");
    assert_eq!(count(&env, "quote_approvals"), 0);

    // The manager signs the department-level ones; the general manager's remain.
    kam.set_current_user(&manager.id).unwrap();
    let q = kam.approve_quote(&q.id, "返点与折扣同意").unwrap();
    assert_eq!(q.status, QuoteStatus::PendingApproval);
    assert_eq!(q.approvals.len(), 2);
    assert!(q.outstanding_approvals.iter().all(|r| r.level == ApprovalLevel::GeneralManager));
    assert_eq!(kam.approve_quote(&q.id, "").unwrap_err().code(), "forbidden", "nothing left for a manager");

    kam.set_current_user(&gm.id).unwrap();
    let q = kam.approve_quote(&q.id, "特批：战略客户首单").unwrap();
    assert_eq!(q.status, QuoteStatus::Approved);
    assert!(q.outstanding_approvals.is_empty());
    assert_eq!(q.approvals.len(), 4);
    let a = q.approvals.iter().find(|a| a.kind == ApprovalKind::BelowPolicy).unwrap();
    assert_eq!(
        (a.approver_name.as_deref(), a.approver_role, a.decision),
        (Some("王总"), Role::Executive, ApprovalDecision::Approved)
    );
    assert_eq!(a.comment, "特批：战略客户首单");
    assert_eq!(a.decided_at, "2026-11-23T02:00:00.000Z");

    // Approvals are append-only, even for a direct write to the database.
    let raw = env.raw();
    assert!(raw.execute("UPDATE quote_approvals SET comment = 'changed'", []).is_err());
    assert!(raw.execute("UPDATE quote_approvals SET deleted_at = 'x'", []).is_err());
    assert!(raw.execute("DELETE FROM quote_approvals", []).is_err());
    assert_eq!(count(&env, "quote_approvals"), 4);

    // Editing an approved quote sends it back to draft; the old approvals stay but no longer count.
    let q = kam.add_quote_line(&q.id, &line(7000, "1")).unwrap();
    assert_eq!(q.status, QuoteStatus::Draft);
    let q = kam.submit_quote(&q.id).unwrap();
    assert_eq!((q.status, q.submission), (QuoteStatus::PendingApproval, 2));
    assert_eq!(q.outstanding_approvals.len(), 4);
    assert_eq!(q.approvals.len(), 4, "history kept");

    // Rejecting needs a reason and returns the quote to draft.
    assert_eq!(field(kam.reject_quote(&q.id, " ").unwrap_err()), "comment");
    let q = kam.reject_quote(&q.id, "价格过低，请重新核算").unwrap();
    assert_eq!(q.status, QuoteStatus::Draft);
    assert_eq!(q.approvals.last().unwrap().decision, ApprovalDecision::Rejected);

    // Nobody approves their own quote, whatever their role.
    let q = kam.submit_quote(&q.id).unwrap();
    assert_eq!(q.status, QuoteStatus::PendingApproval);
    kam.set_current_user(&author.id).unwrap();
    let err = kam.approve_quote(&q.id, "").unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert!(err.to_string().contains("自己起草"), "{err}");
}

#[test]
fn a_sent_quote_refuses_edits_and_revisions_link_to_it() {
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "上海华东电力工程有限公司");
    let q = new_quote(&mut kam, &c);
    let q = kam.add_quote_lines(&q.id, &[line(7000, "10000"), line(12_345, "3")]).unwrap();
    kam.submit_quote(&q.id).unwrap();
    let sent = kam.send_quote(&q.id).unwrap();
    assert_eq!(sent.status, QuoteStatus::Sent);
    assert_eq!(sent.sent_at.as_deref(), Some("2026-11-23T02:00:00.000Z"));
    assert!(!sent.editable && sent.can_revise);

    let line_id = sent.lines[0].id.clone();
    let errors = [
        kam.add_quote_line(&q.id, &line(100, "1")).unwrap_err(),
        kam.update_quote_line(&line_id, &line(100, "1")).unwrap_err(),
        kam.remove_quote_line(&line_id).unwrap_err(),
        kam.update_quote(&q.id, &QuoteInput { customer_id: c.clone(), notes: Some("改".into()), ..Default::default() })
            .unwrap_err(),
        kam.delete_quote(&q.id).unwrap_err(),
    ];
    for e in errors {
        assert!(e.to_string().contains("修订版"), "{e}");
        assert_eq!(e.code(), "wrong_state");
    }
    assert_eq!(kam.submit_quote(&q.id).unwrap_err().code(), "wrong_state");
    // Even a direct write cannot change a sent quote or its lines.
    let raw = env.raw();
    assert!(raw.execute("UPDATE quote_lines SET unit_price_fen = 1 WHERE id = ?1", [&line_id]).is_err());
    assert!(raw.execute("UPDATE quotes SET total_fen = 1 WHERE id = ?1", [&q.id]).is_err());
    let unchanged = kam.quote(&q.id).unwrap();
    assert_eq!(unchanged.totals.total_fen, sent.totals.total_fen);

    // A revision: new draft, same number, revision 2, linked, same lines and prices.
    let r = kam.revise_quote(&q.id).unwrap();
    assert_eq!((r.number.as_str(), r.revision, r.status), (sent.number.as_str(), 2, QuoteStatus::Draft));
    assert_eq!(r.display_number, format!("{}-R2", sent.number));
    assert_eq!(r.revision_of.as_deref(), Some(q.id.as_str()));
    assert_eq!(r.policy_id, sent.policy_id);
    let prices = |q: &Quote| q.lines.iter().map(|l| (l.unit_price_fen, l.line_total_fen)).collect::<Vec<_>>();
    assert_eq!(prices(&r), prices(&sent));
    assert_ne!(r.lines[0].id, sent.lines[0].id);
    let old = kam.quote(&q.id).unwrap();
    assert_eq!(old.superseded_by.as_deref(), Some(r.id.as_str()));
    assert_eq!(old.status, QuoteStatus::Sent, "the original is untouched");
    assert!(!old.can_revise);
    assert_eq!(field(kam.revise_quote(&q.id).unwrap_err()), "revision_of", "only the newest is revised");
    assert_eq!(kam.resolve_quote(&sent.number).unwrap().id, r.id, "a number means its newest revision");
    assert_eq!(kam.resolve_quote(&format!("{}-r1", sent.number.to_lowercase())).unwrap().id, q.id);

    // The revision is edited and goes through the workflow again.
    let r = kam.update_quote_line(&r.lines[1].id, &line(12_345, "5")).unwrap();
    assert_ne!(r.totals.total_fen, sent.totals.total_fen);
    kam.submit_quote(&r.id).unwrap();
    kam.send_quote(&r.id).unwrap();
    let won = kam.close_quote(&r.id, QuoteOutcome::Won).unwrap();
    assert_eq!(won.status, QuoteStatus::Won);
    assert_eq!(kam.close_quote(&r.id, QuoteOutcome::Lost).unwrap_err().code(), "wrong_state");
    assert_eq!(kam.revise_quote(&r.id).unwrap_err().code(), "wrong_state", "a won quote is not revised");
    let all = kam.list_quotes(&QuoteQuery::default()).unwrap();
    assert_eq!(all.len(), 2);
    let latest = kam.list_quotes(&QuoteQuery { latest_only: Some(true), ..Default::default() }).unwrap();
    assert_eq!(latest.iter().map(|r| r.revision).collect::<Vec<_>>(), vec![2]);
}

#[test]
fn validity_and_expiry() {
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "苏州园区建设发展有限公司");
    assert_eq!(
        field(
            kam.create_quote(&QuoteInput {
                customer_id: c.clone(),
                valid_until: Some("2026-11-01".into()),
                ..Default::default()
            })
            .unwrap_err()
        ),
        "valid_until"
    );
    let q = kam
        .create_quote(&QuoteInput {
            customer_id: c.clone(),
            valid_until: Some("2026-11-30".into()),
            ..Default::default()
        })
        .unwrap();
    kam.add_quote_line(&q.id, &line(7000, "1")).unwrap();
    kam.submit_quote(&q.id).unwrap();
    kam.send_quote(&q.id).unwrap();
    assert_eq!(field(kam.close_quote(&q.id, QuoteOutcome::Expired).unwrap_err()), "valid_until", "not yet expired");
    env.advance_days(10);
    let mut kam = env.open();
    let q = kam.close_quote(&q.id, QuoteOutcome::Expired).unwrap();
    assert_eq!(q.status, QuoteStatus::Expired);
    // An expired quote is revised with a fresh validity.
    let r = kam.revise_quote(&q.id).unwrap();
    assert_eq!(r.quote_date, "2026-12-03");
    assert_eq!(r.valid_until, "2027-01-02");
    // A draft past its validity cannot be submitted until the date is changed.
    let late = kam
        .create_quote(&QuoteInput {
            customer_id: c.clone(),
            valid_until: Some("2026-12-04".into()),
            ..Default::default()
        })
        .unwrap();
    kam.add_quote_line(&late.id, &line(7000, "1")).unwrap();
    env.advance_days(5);
    let mut kam = env.open();
    assert_eq!(field(kam.submit_quote(&late.id).unwrap_err()), "valid_until");
}

/// The sheet as a grid of cells (absolute positions).
fn read_sheet(path: &Path) -> (String, Vec<Vec<Data>>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let (rows, cols) = range.end().map(|(r, c)| (r as usize + 1, c as usize + 1)).unwrap();
    let grid = (0..rows)
        .map(|r| (0..cols).map(|c| range.get_value((r as u32, c as u32)).cloned().unwrap_or(Data::Empty)).collect())
        .collect();
    (name, grid)
}

fn text(c: &Data) -> String {
    match c {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn fen(c: &Data) -> Fen {
    match c {
        Data::Float(f) => Fen((f * 100.0).round() as i64),
        Data::Int(i) => Fen(i * 100),
        other => panic!("expected a number, got {other:?}"),
    }
}

/// A number cell equal to an exact decimal (Excel keeps binary floating point).
fn close(c: &Data, expected: Decimal) -> bool {
    use rust_decimal::prelude::ToPrimitive;
    (c.as_f64().unwrap() - expected.to_f64().unwrap()).abs() < 1e-9
}

fn col(header: &[Data], name: &str) -> usize {
    header.iter().position(|c| text(c) == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn export_reads_back_with_the_cores_numbers() {
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "华东电力设备有限公司");
    let q = new_quote(&mut kam, &c);
    let q = kam
        .add_quote_lines(
            &q.id,
            &[
                QuoteLineInput { rebate_rate: Some(Rate(d("0.08"))), ..line(7000, "10000") },
                QuoteLineInput { fees_fen: Some(Fen(150)), ..line(1002, "10000.5") },
                QuoteLineInput {
                    description: Some("甲级钢质防火门".into()),
                    unit: Some("套".into()),
                    ..line(185_000, "12")
                },
            ],
        )
        .unwrap();
    let out = env.dir.path().join("exports");
    std::fs::create_dir(&out).unwrap();

    let customer_file = out.join("报价单.xlsx");
    let e = kam.export_quote(&q.id, &customer_file, false).unwrap();
    assert!(e.bytes > 0 && !e.internal);
    let (sheet, grid) = read_sheet(&customer_file);
    assert_eq!(sheet, "报价单");
    assert_eq!(text(&grid[0][0]), "（公司名称：请在设置中填写）");
    assert!(text(&grid[3][0]).contains("未审批"), "a draft is marked as not approved");
    let flat: Vec<String> = grid.iter().flatten().map(text).collect();
    assert!(flat.contains(&q.display_number));
    assert!(flat.contains(&"华东电力设备有限公司".to_string()));
    let h = grid.iter().position(|r| text(&r[0]) == "序号").unwrap();
    let header = &grid[h];
    for internal_only in ["成本单价", "利润率", "返点率", "利润合计"] {
        assert!(!header.iter().any(|c| text(c) == internal_only), "{internal_only} is not for the customer");
    }
    let (qty, price, amount) = (col(header, "数量"), col(header, "单价（元）"), col(header, "金额（元）"));
    for (i, l) in q.lines.iter().enumerate() {
        let row = &grid[h + 1 + i];
        assert_eq!(text(&row[1]), l.description);
        assert_eq!(fen(&row[price]), l.unit_price_fen);
        assert_eq!(fen(&row[amount]), l.line_total_fen);
        assert!(close(&row[qty], l.quantity.0), "{:?} vs {}", row[qty], l.quantity);
    }
    let total_row = &grid[h + 1 + q.lines.len()];
    assert_eq!(text(&total_row[0]), "合计");
    assert_eq!(fen(&total_row[amount]), q.totals.total_fen);
    let upper = &grid[h + 2 + q.lines.len()];
    assert_eq!(text(&upper[0]), "大写金额");
    assert_eq!(text(&upper[1]), format!("人民币{}", q.totals.total_uppercase));
    assert!(flat.iter().any(|s| s.contains("本报价有效期至 2026-12-23")));
    assert!(flat.iter().any(|s| s.starts_with("客户确认（签字盖章）")));
    assert!(flat.iter().any(|s| s.starts_with("报价单位（盖章）")));

    let internal_file = out.join("内部报价单.xlsx");
    kam.export_quote(&q.id, &internal_file, true).unwrap();
    let (sheet, grid) = read_sheet(&internal_file);
    assert_eq!(sheet, "内部报价单");
    let h = grid.iter().position(|r| text(&r[0]) == "序号").unwrap();
    let header = &grid[h];
    let cols = [
        "成本单价",
        "利润/单位",
        "返点/单位",
        "政策单价",
        "单价（元）",
        "金额（元）",
        "成本合计",
        "返点合计",
        "利润合计",
    ];
    let [cost, profit, rebate, policy, price, amount, cost_total, rebate_total, profit_total] =
        cols.map(|n| col(header, n));
    for (i, l) in q.lines.iter().enumerate() {
        let row = &grid[h + 1 + i];
        let inner = l.internal.as_ref().expect("the internal view");
        assert_eq!(fen(&row[cost]), inner.cost_fen);
        assert_eq!(fen(&row[policy]), l.policy_unit_price_fen);
        assert_eq!(fen(&row[price]), l.unit_price_fen);
        assert_eq!(fen(&row[amount]), l.line_total_fen);
        assert_eq!(fen(&row[cost_total]), inner.economics.cost_total_fen);
        assert_eq!(fen(&row[rebate_total]), inner.economics.rebate_total_fen);
        assert_eq!(fen(&row[profit_total]), inner.economics.profit_total_fen);
        assert!(close(&row[profit], inner.breakdown.profit_per_unit_yuan.0));
        assert!(close(&row[rebate], inner.breakdown.rebate_per_unit_yuan.0));
    }
    let totals = &grid[h + 1 + q.lines.len()];
    assert_eq!(fen(&totals[amount]), q.totals.total_fen);
    assert_eq!(fen(&totals[profit_total]), q.totals.internal.as_ref().unwrap().profit_fen);

    // Exports go through a temporary file and a rename: nothing else is left in the folder.
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert_eq!(names, vec!["内部报价单.xlsx", "报价单.xlsx"]);
}

#[test]
fn a_failed_export_leaves_nothing() {
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "华东电力设备有限公司");
    let q = new_quote(&mut kam, &c);
    kam.add_quote_line(&q.id, &line(7000, "10")).unwrap();
    let base = env.dir.path().join("out");
    std::fs::create_dir(&base).unwrap();
    let listing = |p: &Path| -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        v.sort();
        v
    };

    // The folder is a file.
    std::fs::write(base.join("not-a-dir"), b"x").unwrap();
    let e = kam.export_quote(&q.id, &base.join("not-a-dir").join("q.xlsx"), false).unwrap_err();
    assert!(e.to_string().contains("不存在"), "{e}");
    assert_eq!(field(e), "out");
    // The folder does not exist.
    assert_eq!(field(kam.export_quote(&q.id, &base.join("missing").join("q.xlsx"), false).unwrap_err()), "out");
    // The target is a folder: the rename fails after the temporary file was written; it is removed.
    std::fs::create_dir(base.join("taken.xlsx")).unwrap();
    let e = kam.export_quote(&q.id, &base.join("taken.xlsx"), false).unwrap_err();
    assert!(e.to_string().contains("没有留下不完整的文件"), "{e}");
    assert_eq!(listing(&base), vec!["not-a-dir", "taken.xlsx"]);
    assert!(listing(&base.join("taken.xlsx")).is_empty());
    // Not an .xlsx name.
    assert_eq!(field(kam.export_quote(&q.id, &base.join("q.pdf"), false).unwrap_err()), "out");
    // An unknown quote.
    assert!(matches!(kam.export_quote("nope", &base.join("q.xlsx"), false), Err(KamError::NotFound { .. })));

    // A read-only folder (skipped when running as root, who can write anywhere).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = base.join("readonly");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        let root = std::fs::write(ro.join("probe"), b"").is_ok();
        if !root {
            let e = kam.export_quote(&q.id, &ro.join("q.xlsx"), false).unwrap_err();
            assert!(e.to_string().contains("无法写入"), "{e}");
            assert!(listing(&ro).is_empty());
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(listing(&base).iter().filter(|n| n.ends_with(".tmp") || n.ends_with("q.xlsx")).count(), 0);
}

#[test]
fn company_info_is_set_validated_and_printed_on_the_quote() {
    let env = Env::new();
    let mut kam = env.open();
    assert_eq!(kam.company_info().unwrap(), CompanyInfo::default(), "empty until set");

    let set = kam
        .set_company_info(&CompanyInfo {
            name: "  华东新材料科技有限公司 ".into(),
            address: " 上海市浦东新区张江路 88 号".into(),
            phone: "021-5888 6666 ".into(),
        })
        .unwrap();
    let expected = CompanyInfo {
        name: "华东新材料科技有限公司".into(),
        address: "上海市浦东新区张江路 88 号".into(),
        phone: "021-5888 6666".into(),
    };
    assert_eq!(set, expected);
    assert_eq!(env.open().company_info().unwrap(), expected, "stored in the file");

    // Bad input: the usual validation error naming the field, and nothing written.
    let before: Vec<(String, String)> = {
        let raw = env.raw();
        let mut st = raw.prepare("SELECT key, value FROM settings ORDER BY key").unwrap();
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        rows
    };
    let e = kam.set_company_info(&CompanyInfo { name: "   ".into(), ..expected.clone() }).unwrap_err();
    assert!(e.to_string().contains("请填写公司名称"), "{e}");
    assert_eq!(e.message_en(), "Company name is required.");
    assert_eq!(field(e), "name");
    let long = CompanyInfo { name: "新名称".into(), address: "路".repeat(201), phone: String::new() };
    assert_eq!(field(kam.set_company_info(&long).unwrap_err()), "address");
    let long = CompanyInfo { name: "新名称".into(), address: String::new(), phone: "1".repeat(51) };
    assert_eq!(field(kam.set_company_info(&long).unwrap_err()), "phone");
    let long = CompanyInfo { name: "名".repeat(101), ..Default::default() };
    assert_eq!(field(kam.set_company_info(&long).unwrap_err()), "name");
    let after: Vec<(String, String)> = {
        let raw = env.raw();
        let mut st = raw.prepare("SELECT key, value FROM settings ORDER BY key").unwrap();
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        rows
    };
    assert_eq!(before, after, "a refused input writes nothing");
    assert_eq!(kam.company_info().unwrap(), expected);

    // The exported workbook carries the company at its head.
    let c = customer(&mut kam, "华东电力设备有限公司");
    let q = new_quote(&mut kam, &c);
    kam.add_quote_line(&q.id, &line(7000, "10")).unwrap();
    let file = env.dir.path().join("报价单.xlsx");
    kam.export_quote(&q.id, &file, false).unwrap();
    let (_, grid) = read_sheet(&file);
    assert_eq!(text(&grid[0][0]), "华东新材料科技有限公司");
    let top: Vec<String> = grid.iter().take(3).flatten().map(text).collect();
    assert!(top.iter().any(|s| s.contains("上海市浦东新区张江路 88 号") && s.contains("021-5888 6666")), "{top:?}");
    let flat: Vec<String> = grid.iter().flatten().map(text).collect();
    assert!(flat.contains(&"报价单位（盖章）：华东新材料科技有限公司".to_string()));
}
