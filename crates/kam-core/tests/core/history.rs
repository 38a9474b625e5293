//! Change history (变更历史): every field change with its old and new value, additions and
//! removals, local and from sync files; append-only.

use kam_core::history::ChangeAction;
use kam_core::*;

#[test]
fn a_customers_history_shows_who_changed_what_from_what_to_what() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut kam = Kam::open(&path).unwrap();
    let me = kam.app_info().unwrap().current_user;
    let c = kam
        .create_customer(&CustomerInput {
            name: "苏州精密机械有限公司".into(),
            address: Some("苏州".into()),
            ..Default::default()
        })
        .unwrap()
        .customer;
    let mut input =
        CustomerInput {
            name: c.name.clone(), address: Some("苏州工业园区星湖街 328 号".into()), ..Default::default()
        };
    input.notes = Some("年度框架协议".into());
    kam.update_customer(&c.id, &input).unwrap();
    let contact = kam
        .add_contact(
            &c.id,
            &ContactInput { name: "王建国".into(), mobile: Some("13812345678".into()), ..Default::default() },
        )
        .unwrap();
    kam.delete_contact(&contact.id).unwrap();

    let h = kam.customer_history(&c.id).unwrap();
    let address = h.iter().find(|e| e.field.as_deref() == Some("address")).expect("the address change");
    assert_eq!(address.action, ChangeAction::Changed);
    assert_eq!(
        (address.old_value.as_deref(), address.new_value.as_deref()),
        (Some("苏州"), Some("苏州工业园区星湖街 328 号"))
    );
    assert_eq!(address.field_zh.as_deref(), Some("地址"));
    assert_eq!(address.new_text.as_deref(), Some("苏州工业园区星湖街 328 号"));
    assert_eq!(address.by_name.as_deref(), Some(me.name.as_str()));
    assert_eq!(address.device_id.as_deref(), Some(kam.app_info().unwrap().device_id.as_str()));
    assert_eq!(address.sync_file, None);
    assert!(h.iter().any(|e| e.field.as_deref() == Some("notes") && e.new_value.as_deref() == Some("年度框架协议")));
    let contact_events: Vec<ChangeAction> = h.iter().filter(|e| e.row_id == contact.id).map(|e| e.action).collect();
    assert_eq!(contact_events, [ChangeAction::Deleted, ChangeAction::Added], "newest first: {h:#?}");
    assert!(h.iter().any(|e| e.table == "customers" && e.action == ChangeAction::Added));
    assert!(h.iter().all(|e| e.field.as_deref() != Some("updated_at")), "no bookkeeping");

    // Append-only, even for a direct write.
    let raw = rusqlite::Connection::open(&path).unwrap();
    assert!(raw.execute("UPDATE change_history SET new_value = 'x'", []).is_err());
    assert!(raw.execute("DELETE FROM change_history", []).is_err());
}

#[test]
fn a_quotes_history_includes_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = Kam::open(&dir.path().join("kam.sqlite3")).unwrap();
    let c = kam.create_customer(&CustomerInput { name: "宝山钢铁股份有限公司".into(), ..Default::default() }).unwrap();
    let q = kam.create_quote(&QuoteInput { customer_id: c.customer.id.clone(), ..Default::default() }).unwrap();
    let line = QuoteLineInput {
        description: Some("防水卷材".into()),
        unit: Some("㎡".into()),
        quantity: "100".parse().unwrap(),
        cost_fen: Some(Fen(7000)),
        ..Default::default()
    };
    let q = kam.add_quote_line(&q.id, &line).unwrap();
    let line_id = q.lines[0].id.clone();
    let q = kam.remove_quote_line(&line_id).unwrap();
    assert!(q.lines.is_empty());
    let h = kam.quote_history(&q.id).unwrap();
    let line_events: Vec<ChangeAction> = h.iter().filter(|e| e.row_id == line_id).map(|e| e.action).collect();
    assert_eq!(line_events, [ChangeAction::Deleted, ChangeAction::Added], "{h:#?}");
    assert_eq!(h.iter().find(|e| e.row_id == line_id).unwrap().record_zh, "报价明细");
    // Coded values read as people read them.
    let q = kam.add_quote_line(&q.id, &line).unwrap();
    kam.submit_quote(&q.id).unwrap();
    let h = kam.quote_history(&q.id).unwrap();
    let status = h.iter().find(|e| e.field.as_deref() == Some("status")).expect("the status change");
    assert_eq!((status.old_value.as_deref(), status.new_value.as_deref()), (Some("draft"), Some("approved")));
    assert_eq!((status.old_text.as_deref(), status.new_text.as_deref()), (Some("草稿"), Some("已审批")));
}
