//! Who may do what (docs/roles.md): signing in, the gate, administrators, approvals by role,
//! wrong passwords and CLI sessions, on a real database opened as the window and the CLI open it.

use kam_core::*;

const PW: &str = "secret-pass-1";

fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
    r.expect_err("should be refused").code()
}

/// Sign in on a freshly opened (locked) database, as the window does after a restart.
fn as_(path: &std::path::Path, who: &str) -> Kam {
    let mut kam = Kam::open_locked(path).unwrap();
    kam.sign_in(who, PW).unwrap_or_else(|e| panic!("{who} signs in: {e}"));
    kam
}

fn line(cost_fen: i64) -> QuoteLineInput {
    QuoteLineInput {
        description: Some("环氧地坪涂料".into()),
        unit: Some("㎡".into()),
        quantity: "100".parse().unwrap(),
        cost_fen: Some(Fen(cost_fen)),
        ..Default::default()
    }
}

// Long because: one walk through the matrix of docs/roles.md, each row building on the people
// and the quote made before it.
#[test]
fn matrix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");

    // A fresh database: locked, and the first step is the first administrator.
    let mut kam = Kam::open_locked(&path).unwrap();
    assert!(kam.sign_in_state().unwrap().setup_needed);
    assert_eq!(code(kam.require_signed_in()), "setup_needed");
    assert_eq!(
        code(kam.create_customer(&CustomerInput { name: "无人登录".into(), ..Default::default() })),
        "setup_needed"
    );
    assert_eq!(code(kam.sign_in("本机用户", PW)), "setup_needed");
    assert_eq!(kam.create_first_admin("王芳", "short").unwrap_err().to_dto().field.as_deref(), Some("password"));
    let admin = kam.create_first_admin("王芳", PW).unwrap();
    assert!(admin.is_admin && admin.role == Role::HeadOffice);
    assert_eq!(code(kam.create_first_admin("又一个", PW)), "wrong_state");

    // The administrator adds people (names unique) and sets their passwords.
    let people = [
        ("张伟", Role::Rep),
        ("李经理", Role::Manager),
        ("王总", Role::Executive),
        ("赵书记", Role::Liaison),
        ("钱会计", Role::HeadOffice),
    ];
    for (name, role) in people {
        let u = kam.add_user(name, role, "大客户一部").unwrap();
        kam.set_user_password(&u.id, PW).unwrap();
    }
    assert_eq!(code(kam.add_user("张伟", Role::Rep, "大客户二部")), "duplicate");
    assert_eq!(code(kam.set_user_admin(&admin.id, false)), "wrong_state", "never the last administrator");
    let names: Vec<String> = kam.sign_in_state().unwrap().people.into_iter().map(|p| p.user.name).collect();
    assert_eq!(names.len(), 6, "everyone with a password may sign in at head office: {names:?}");

    // Nobody but an administrator manages people, whatever their role.
    for (name, _) in people {
        let mut k = as_(&path, name);
        assert_eq!(k.me().unwrap().name, name);
        assert_eq!(code(k.add_user("新人", Role::Rep, "")), "forbidden", "{name} adds people");
        assert_eq!(code(k.set_user_password(&admin.id, "taken-over-1")), "forbidden", "{name} sets passwords");
        assert_eq!(code(k.set_user_admin(&k.me().unwrap().id, true)), "forbidden", "{name} appoints");
        assert_eq!(code(k.set_current_user(&admin.id)), "forbidden", "{name} switches user without a password");
        k.change_password(PW, "changed-pass-2").unwrap();
        k.change_password("changed-pass-2", PW).unwrap();
    }
    // An administrator appoints another; then the first may step down.
    let clerk = kam.resolve_user("钱会计").unwrap();
    kam.set_user_admin(&clerk.id, true).unwrap();
    as_(&path, "钱会计").add_user("孙新人", Role::Rep, "").unwrap();

    // Approvals by role (seed 001/002): a rep drafts a quote below the policy price (特批) with a
    // rebate (department level).
    let mut rep = as_(&path, "张伟");
    let c = rep.create_customer(&CustomerInput { name: "宝山钢铁股份有限公司".into(), ..Default::default() }).unwrap();
    let q = rep.create_quote(&QuoteInput { customer_id: c.customer.id.clone(), ..Default::default() }).unwrap();
    let below = QuoteLineInput { manual_unit_price_fen: Some(Fen(8000)), ..line(7000) };
    let rebate = QuoteLineInput { rebate_rate: Some("0.05".parse().unwrap()), ..line(7000) };
    let q = rep.add_quote_lines(&q.id, &[below, rebate]).unwrap();
    let q = rep.submit_quote(&q.id).unwrap();
    assert_eq!(q.outstanding_approvals.len(), 2);
    assert_eq!(code(rep.approve_quote(&q.id, "")), "forbidden", "the author");
    drop(rep);
    for name in ["赵书记", "钱会计", "王芳"] {
        assert_eq!(code(as_(&path, name).approve_quote(&q.id, "")), "forbidden", "{name} approves");
    }
    let q = as_(&path, "李经理").approve_quote(&q.id, "返点同意").unwrap();
    assert_eq!(q.status, QuoteStatus::PendingApproval, "特批 is the general manager's");
    assert_eq!(code(as_(&path, "李经理").approve_quote(&q.id, "")), "forbidden");
    let q = as_(&path, "王总").approve_quote(&q.id, "特批").unwrap();
    assert_eq!(q.status, QuoteStatus::Approved);
    let signers: Vec<&str> = q.approvals.iter().filter_map(|a| a.approver_name.as_deref()).collect();
    assert_eq!(signers, ["李经理", "王总"]);

    // Signing out locks again.
    let mut gm = as_(&path, "王总");
    gm.sign_out();
    assert_eq!(code(gm.me()), "not_signed_in");
    assert_eq!(
        code(gm.create_customer(&CustomerInput { name: "锁定后".into(), ..Default::default() })),
        "not_signed_in"
    );
}

#[test]
fn wrong_passwords_are_refused_then_slowed_and_sessions_are_bound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    Kam::open_locked(&path).unwrap().create_first_admin("王芳", PW).unwrap();

    let mut kam = Kam::open_locked(&path).unwrap();
    for _ in 0..5 {
        assert_eq!(code(kam.sign_in("王芳", "wrong-password")), "wrong_password");
    }
    // The sixth try waits, even with the right password; nothing was signed in.
    let err = kam.sign_in("王芳", PW).unwrap_err();
    assert_eq!(err.code(), "too_many_attempts");
    assert!(err.to_string().contains("秒后再试"), "{err}");
    assert_eq!(code(kam.me()), "not_signed_in");

    // A CLI session works for its OS user only, and stops at logout.
    let dir2 = tempfile::tempdir().unwrap();
    let path2 = dir2.path().join("kam.sqlite3");
    let mut k = Kam::open_locked(&path2).unwrap();
    k.create_first_admin("李娜", PW).unwrap();
    let token = k.create_cli_session("alice").unwrap();
    assert_eq!(Kam::open_locked(&path2).unwrap().resume_cli_session(&token, "alice").unwrap().name, "李娜");
    assert_eq!(code(Kam::open_locked(&path2).unwrap().resume_cli_session(&token, "bob")), "session_invalid");
    assert_eq!(code(Kam::open_locked(&path).unwrap().resume_cli_session(&token, "alice")), "session_invalid");
    k.end_cli_session(&token).unwrap();
    assert_eq!(code(Kam::open_locked(&path2).unwrap().resume_cli_session(&token, "alice")), "session_invalid");
}

// Long because: one story of exports by role, each recorded, then a tampered log detected.
#[test]
fn exports_follow_the_role_and_every_one_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("王芳", PW).unwrap();
    for (name, role, dept) in [("张伟", Role::Rep, "大客户一部"), ("李经理", Role::Manager, "大客户一部")]
    {
        let u = admin.add_user(name, role, dept).unwrap();
        admin.set_user_password(&u.id, PW).unwrap();
    }
    let mut rep = as_(&path, "张伟");
    let c = rep.create_customer(&CustomerInput { name: "宝山钢铁股份有限公司".into(), ..Default::default() }).unwrap();
    let q = rep.create_quote(&QuoteInput { customer_id: c.customer.id.clone(), ..Default::default() }).unwrap();
    rep.add_quote_line(&q.id, &line(7000)).unwrap();

    // A rep exports the customer's quote, not the internal one with costs and margins.
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    rep.export_quote(&q.id, &out.join("报价单.xlsx"), false).unwrap();
    assert_eq!(code(rep.export_quote(&q.id, &out.join("内部.xlsx"), true)), "forbidden");
    assert!(!out.join("内部.xlsx").exists(), "nothing written when refused");
    // Nor the monthly report with everyone's bonus; the manager may, for his department only.
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    assert_eq!(code(rep.export_monthly_report(&month, None, &out.join("月报.xlsx"), &mut |_| {})), "forbidden");
    assert_eq!(code(rep.audit_entries(&Default::default())), "forbidden", "reps do not read the audit log");
    let mgr = as_(&path, "李经理");
    mgr.export_quote(&q.id, &out.join("内部.xlsx"), true).unwrap();
    assert_eq!(code(mgr.export_monthly_report(&month, None, &out.join("月报.xlsx"), &mut |_| {})), "forbidden");
    mgr.export_monthly_report(&month, Some("大客户一部"), &out.join("月报-一部.xlsx"), &mut |_| {}).unwrap();

    // Head office sees every export: who, what, where.
    let log = admin.audit_entries(&Default::default()).unwrap();
    let seen: Vec<(&str, &str)> = log.iter().map(|e| (e.user_name.as_deref().unwrap_or(""), e.kind.as_str())).collect();
    assert_eq!(seen, [("李经理", "monthly_report"), ("李经理", "quote_internal"), ("张伟", "quote_customer")]);
    assert!(log[0].detail.contains("大客户一部") && log[0].path.ends_with("月报-一部.xlsx"), "{:?}", log[0]);
    assert_eq!(log[2].row_count, Some(1));
    let only =
        admin.audit_entries(&audit::AuditQuery { kind: Some("quote_internal".into()), ..Default::default() }).unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(admin.verify_audit_chain().unwrap().broken_at, None);

    // The log is append-only; an entry changed behind KAM's back (triggers dropped) is found.
    let raw = rusqlite::Connection::open(&path).unwrap();
    assert!(raw.execute("DELETE FROM audit_log", []).is_err());
    raw.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET path = '/tmp/elsewhere' WHERE kind = 'quote_internal';",
    )
    .unwrap();
    let check = admin.verify_audit_chain().unwrap();
    assert!(check.broken_at.as_ref().is_some_and(|at| at.ends_with("#2")), "{check:?}");
}

#[test]
fn a_rep_sees_only_their_own_pay_in_the_monthly_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("王芳", PW).unwrap();
    for (name, role, dept) in [
        ("张伟", Role::Rep, "大客户一部"),
        ("李娜", Role::Rep, "大客户一部"),
        ("赵强", Role::Rep, "大客户二部"),
        ("李经理", Role::Manager, "大客户一部"),
    ] {
        let u = admin.add_user(name, role, dept).unwrap();
        admin.set_user_password(&u.id, PW).unwrap();
    }
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let names = |k: &Kam| -> Vec<String> {
        let mut v: Vec<String> = k.monthly_report(&month, None).unwrap().reps.into_iter().map(|r| r.name).collect();
        v.sort();
        v
    };
    assert!(names(&admin).len() >= 3, "head office sees everyone: {:?}", names(&admin));
    assert_eq!(names(&as_(&path, "张伟")), ["张伟"]);
    let mgr = names(&as_(&path, "李经理"));
    assert!(mgr.contains(&"张伟".to_string()) && mgr.contains(&"李娜".to_string()), "{mgr:?}");
    assert!(!mgr.contains(&"赵强".to_string()), "another department's rep: {mgr:?}");
}

#[test]
fn the_strategic_list_and_customer_codes_are_head_offices() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("王芳", PW).unwrap();
    for (name, role) in [("张伟", Role::Rep), ("李经理", Role::Manager)] {
        let u = admin.add_user(name, role, "大客户一部").unwrap();
        admin.set_user_password(&u.id, PW).unwrap();
    }
    let mut rep = as_(&path, "张伟");
    let c = rep
        .create_customer(&CustomerInput { name: "宝山钢铁股份有限公司".into(), ..Default::default() })
        .unwrap()
        .customer;
    // A rep may raise a customer to 重点客户, not to 战略客户, and may not assign its code.
    rep.change_tier(&c.id, Tier::Key, "年采购额超过 100 万元").unwrap();
    let err = rep.change_tier(&c.id, Tier::Strategic, "年采购额超过 500 万元").unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert!(err.to_string().contains("向总部申请"), "{err}");
    assert_eq!(code(rep.approve_customer(&c.id)), "forbidden");
    assert_eq!(code(as_(&path, "李经理").approve_customer(&c.id)), "forbidden");
    assert_eq!(rep.customer(&c.id).unwrap().tier, Tier::Key, "nothing written");
    // Head office decides.
    assert_eq!(admin.change_tier(&c.id, Tier::Strategic, "大客户评审通过").unwrap().tier, Tier::Strategic);
    assert!(admin.approve_customer(&c.id).unwrap().customer_code.is_some());
    assert_eq!(code(rep.change_tier(&c.id, Tier::Key, "降级")), "forbidden", "nor take it off the list");
}

// Long because: one quote seen by every role, then edited by a rep who never saw its cost.
#[test]
fn costs_and_margins_reach_only_the_internal_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("王芳", PW).unwrap();
    for (name, role) in [("张伟", Role::Rep), ("李经理", Role::Manager), ("赵书记", Role::Liaison)] {
        let u = admin.add_user(name, role, "大客户一部").unwrap();
        admin.set_user_password(&u.id, PW).unwrap();
    }
    let p = admin
        .add_product(&ProductInput {
            code: "FL-EP-200".into(),
            name: "环氧地坪涂料".into(),
            unit: "㎡".into(),
            cost_fen: Fen(7000),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(p.cost_fen, Some(Fen(7000)));

    let mut rep = as_(&path, "张伟");
    assert!(!rep.internal_view().unwrap());
    let c = rep.create_customer(&CustomerInput { name: "宝山钢铁股份有限公司".into(), ..Default::default() }).unwrap();
    let q = rep.create_quote(&QuoteInput { customer_id: c.customer.id.clone(), ..Default::default() }).unwrap();
    let from_catalog = QuoteLineInput {
        product_id: Some(p.id.clone()),
        quantity: "10000".parse().unwrap(),
        rebate_rate: Some("0.08".parse().unwrap()),
        ..Default::default()
    };
    let q = rep.add_quote_lines(&q.id, &[from_catalog, line(5000)]).unwrap();
    // The rep gets the prices, not what they are made of: no cost, breakdown, margin or profit.
    assert!(q.lines.iter().all(|l| l.internal.is_none()), "{:?}", q.lines[0].internal);
    assert!(q.totals.internal.is_none());
    assert_eq!((q.lines[0].unit_price_fen, q.lines[0].policy_unit_price_fen), (Fen(8540), Fen(8540)));
    let json = serde_json::to_string(&rep.quote(&q.id).unwrap()).unwrap();
    for secret in ["cost", "profit", "breakdown", "estimated_sales"] {
        assert!(!json.contains(secret), "{secret} sent to a rep: {json}");
    }
    assert_eq!(rep.products().unwrap()[0].cost_fen, None, "nor the catalog's cost");
    assert!(rep.preview_quote_line(Some(&q.id), &line(5000)).unwrap().internal.is_none());
    assert!(
        rep.quote_history(&q.id).unwrap().iter().all(|e| e.field.as_deref() != Some("cost_fen")),
        "nor a cost through the change history"
    );
    // Editing a line whose cost was never shown keeps it.
    let typed = QuoteLineInput { cost_fen: None, quantity: "200".parse().unwrap(), ..line(0) };
    rep.update_quote_line(&q.lines[1].id, &typed).unwrap();
    drop(rep);
    assert!(as_(&path, "赵书记").quote(&q.id).unwrap().totals.internal.is_none(), "a liaison executive");

    // The manager, head office and administrators see the internal part.
    let mgr = as_(&path, "李经理").quote(&q.id).unwrap();
    let inner = mgr.lines[1].internal.as_ref().expect("the manager's internal view");
    assert_eq!((inner.cost_fen, mgr.lines[1].quantity), (Fen(5000), "200".parse().unwrap()), "the cost was kept");
    assert_eq!(mgr.lines[0].internal.as_ref().unwrap().breakdown.profit_rate, "0.14".parse().unwrap());
    assert!(mgr.totals.internal.is_some());
    assert!(admin.quote(&q.id).unwrap().totals.internal.is_some());
    assert_eq!(admin.products().unwrap()[0].cost_fen, Some(Fen(7000)));
    // Asking for it is refused with the code a script branches on.
    assert_eq!(code(as_(&path, "张伟").require_internal_view("看成本", "see costs")), "forbidden");
}

#[test]
fn a_rep_is_sent_no_one_elses_bonus_in_the_monthly_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("王芳", PW).unwrap();
    admin.load_demo(80, 7).unwrap();
    let month = admin.previous_month();
    let all = admin.monthly_report(&month, None).unwrap();
    // A rep with a commission whose colleagues have one too.
    let rep = all.commissions.iter().find(|c| c.commission_fen > Fen(0)).expect("demo commissions").clone();
    assert!(all.commissions.iter().any(|c| c.user_id != rep.user_id && c.commission_fen > Fen(0)));
    admin.set_user_password(&rep.user_id, PW).unwrap();

    let mine = as_(&path, &rep.user_id).monthly_report(&month, None).unwrap();
    assert!(mine.reps.iter().all(|r| r.user_id == rep.user_id));
    assert!(mine.new_customers.iter().all(|n| n.rep_id == rep.user_id), "nor the others' new-customer bonuses");
    assert_eq!(mine.totals.commission_fen, rep.commission_fen, "the total is their own");
    let own = |f: fn(&RepFigures) -> Fen| mine.reps.iter().map(f).sum::<Fen>();
    assert_eq!(mine.totals.new_customer_bonus_fen, own(|r| r.new_customer_bonus_fen));
    assert_eq!(mine.totals.quota_incentive_fen, own(|r| r.quota_incentive_fen));
    let bonus: Fen = mine.performance.iter().filter_map(|p| p.bonus.map(|b| b.total_fen)).sum();
    assert_eq!(mine.totals.performance_bonus_fen, bonus);
    assert!(all.totals.commission_fen > mine.totals.commission_fen, "head office's total is everyone's");
}

// Long because: the whole matrix of requests to head office on one installation.
#[test]
fn the_strategic_list_and_customer_codes_are_asked_for_and_decided_by_head_office() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("王芳", PW).unwrap();
    for (name, role) in [
        ("张伟", Role::Rep),
        ("李经理", Role::Manager),
        ("赵书记", Role::Liaison),
        ("王总", Role::Executive),
        ("钱会计", Role::HeadOffice),
    ] {
        let u = admin.add_user(name, role, "大客户一部").unwrap();
        admin.set_user_password(&u.id, PW).unwrap();
    }
    let mut rep = as_(&path, "张伟");
    let c = rep.create_customer(&CustomerInput { name: "宝山钢铁股份有限公司".into(), ..Default::default() }).unwrap();
    let id = c.customer.id;
    let d = rep.dossier(&id).unwrap();
    assert!(!d.may_decide);
    assert_eq!(d.requestable, [RequestKind::StrategicTier, RequestKind::CustomerCode]);
    assert_eq!(
        rep.file_request(&id, RequestKind::StrategicTier, " ").unwrap_err().to_dto().field.as_deref(),
        Some("reason")
    );
    let strategic = rep.file_request(&id, RequestKind::StrategicTier, "年采购额超过 500 万元").unwrap();
    assert_eq!((strategic.status, strategic.can_decide), (RequestStatus::Pending, false));
    assert_eq!(code(rep.file_request(&id, RequestKind::StrategicTier, "再申请一次")), "duplicate");
    let coded = as_(&path, "李经理").file_request(&id, RequestKind::CustomerCode, "已签年度框架合同").unwrap();
    assert!(rep.dossier(&id).unwrap().requestable.is_empty(), "both are pending");
    assert_eq!(code(as_(&path, "赵书记").file_request(&id, RequestKind::CustomerCode, "x")), "forbidden");
    assert_eq!(code(as_(&path, "钱会计").file_request(&id, RequestKind::CustomerCode, "x")), "wrong_state");

    // Only head office, an executive or an administrator decides; nothing changes otherwise.
    for name in ["张伟", "李经理", "赵书记"] {
        assert_eq!(code(as_(&path, name).approve_request(&strategic.id, "")), "forbidden", "{name} approves");
        assert_eq!(code(as_(&path, name).refuse_request(&coded.id, "不同意")), "forbidden", "{name} refuses");
    }
    assert_eq!(rep.customer(&id).unwrap().tier, Tier::Prospect);
    let mut clerk = as_(&path, "钱会计");
    let pending =
        clerk.customer_requests(&RequestQuery { status: Some(RequestStatus::Pending), customer_id: None }).unwrap();
    assert_eq!(pending.len(), 2);
    assert!(pending.iter().all(|r| r.can_decide));
    assert_eq!(rep.customer_requests(&RequestQuery::default()).unwrap().len(), 1, "a rep lists what they filed");
    assert_eq!(clerk.refuse_request(&coded.id, "").unwrap_err().to_dto().field.as_deref(), Some("reason"));
    let refused = clerk.refuse_request(&coded.id, "框架合同尚未盖章").unwrap();
    assert_eq!((refused.status, refused.decided_by_name.as_deref()), (RequestStatus::Refused, Some("钱会计")));
    let approved = as_(&path, "王总").approve_request(&strategic.id, "评审通过").unwrap();
    assert_eq!((approved.status, approved.customer_tier), (RequestStatus::Approved, Tier::Strategic));
    assert_eq!(code(clerk.approve_request(&strategic.id, "")), "wrong_state", "decided once");
    let d = rep.dossier(&id).unwrap();
    assert_eq!(d.tier_history[0].decided_by_name.as_deref(), Some("王总"));
    assert!(d.tier_history[0].reason.contains("年采购额超过 500 万元"), "{}", d.tier_history[0].reason);
    assert_eq!(d.requestable, [RequestKind::CustomerCode], "a refused request may be asked again");
    let again = rep.file_request(&id, RequestKind::CustomerCode, "合同已盖章").unwrap();
    assert!(clerk.approve_request(&again.id, "").unwrap().customer_code.is_some_and(|c| c.starts_with("KA")));
}
