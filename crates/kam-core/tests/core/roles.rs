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

fn complaint(text: &str) -> ComplaintInput {
    ComplaintInput {
        contact_id: None,
        severity: ComplaintSeverity::Medium,
        category: ComplaintCategory::ProductQuality,
        title: None,
        description: text.into(),
    }
}

fn visit(purpose: &str) -> VisitInput {
    VisitInput { purpose: Some(purpose.into()), ..Default::default() }
}

// Long because: one walk through the ownership rows of docs/roles.md — for each role, which
// customers it lists, finds, opens and changes — on one set of people and customers.
#[test]
fn customers_are_read_and_written_by_ownership() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("王芳", PW).unwrap();
    let mut id = std::collections::HashMap::new();
    for (name, role, dept) in [
        ("张伟", Role::Rep, "大客户一部"),
        ("刘洋", Role::Rep, "大客户一部"),
        ("陈静", Role::Rep, "大客户二部"),
        ("李经理", Role::Manager, "大客户一部"),
        ("赵书记", Role::Liaison, "公司领导"),
        ("王总", Role::Executive, "公司领导"),
        ("钱会计", Role::HeadOffice, "总部"),
    ] {
        let u = admin.add_user(name, role, dept).unwrap();
        admin.set_user_password(&u.id, PW).unwrap();
        id.insert(name, u.id);
    }
    // Head office registers three customers: 张伟's strategic one (赵书记 its liaison
    // executive), 刘洋's in the same department, and 陈静's in another (赵书记 named as liaison,
    // but it is not strategic).
    let mut cust = std::collections::HashMap::new();
    for (name, owner, tier) in
        [("宝山钢铁", "张伟", Tier::Strategic), ("鞍山钢铁", "刘洋", Tier::Key), ("武汉钢铁", "陈静", Tier::Key)]
    {
        let input = CustomerInput {
            name: format!("{name}股份有限公司"),
            owner_id: Some(id[owner].clone()),
            liaison_id: Some(id["赵书记"].clone()),
            tier: Some(tier),
            ..Default::default()
        };
        let c = admin.create_customer(&input).unwrap().customer;
        admin.add_contact(&c.id, &ContactInput { name: format!("{name}采购"), ..Default::default() }).unwrap();
        admin.log_visit(&c.id, &visit("年度拜访")).unwrap();
        admin.open_complaint(&c.id, &complaint("交货延迟")).unwrap();
        admin.create_quote(&QuoteInput { customer_id: c.id.clone(), ..Default::default() }).unwrap();
        cust.insert(name, c);
    }
    let quote_of = |c: &str| {
        admin.list_quotes(&QuoteQuery { customer_id: Some(cust[c].id.clone()), ..Default::default() }).unwrap()[0]
            .id
            .clone()
    };
    let quotes: std::collections::HashMap<&str, String> =
        ["宝山钢铁", "鞍山钢铁", "武汉钢铁"].into_iter().map(|c| (c, quote_of(c))).collect();

    // Reads: who sees which customers, in every list and by every door.
    let all = ["宝山钢铁", "鞍山钢铁", "武汉钢铁"];
    for (who, sees) in [
        ("张伟", &["宝山钢铁"][..]),
        ("刘洋", &["鞍山钢铁"][..]),
        ("李经理", &["宝山钢铁", "鞍山钢铁"][..]),
        ("赵书记", &["宝山钢铁"][..]),
        ("王总", &all[..]),
        ("钱会计", &all[..]),
        ("王芳", &all[..]),
    ] {
        let k = as_(&path, who);
        let names = |mut v: Vec<String>| {
            v.sort();
            v.dedup();
            v.into_iter().map(|n| n.replace("股份有限公司", "")).collect::<Vec<_>>()
        };
        let mut want: Vec<String> = sees.iter().map(|s| s.to_string()).collect();
        want.sort();
        let page = k.list_customers(&Default::default()).unwrap();
        assert_eq!(page.total as usize, sees.len(), "{who}: list total");
        assert_eq!(names(page.rows.into_iter().map(|r| r.name).collect()), want, "{who}: list");
        let found = k.search("钢铁", 50).unwrap();
        assert_eq!(found.total as usize, sees.len(), "{who}: search total");
        assert_eq!(names(found.hits.into_iter().map(|h| h.name).collect()), want, "{who}: search");
        assert_eq!(
            names(k.search_hits("gt", 50).unwrap().into_iter().map(|h| h.name).collect()),
            want,
            "{who}: pinyin"
        );
        let listed = |v: Vec<String>| names(v);
        assert_eq!(
            listed(k.visits(&Default::default()).unwrap().into_iter().map(|v| v.customer_name).collect()),
            want,
            "{who}: visits"
        );
        assert_eq!(
            listed(k.complaints(&Default::default()).unwrap().into_iter().map(|c| c.customer_name).collect()),
            want,
            "{who}: complaints"
        );
        assert_eq!(
            listed(k.list_quotes(&Default::default()).unwrap().into_iter().map(|q| q.customer_name).collect()),
            want,
            "{who}: quotes"
        );
        let today = k.today_page(None).unwrap();
        let on_today: Vec<String> = today
            .overdue
            .iter()
            .chain(&today.due_soon)
            .map(|d| d.customer_name.clone())
            .chain(today.complaints.iter().map(|c| c.customer_name.clone()))
            .collect();
        assert!(names(on_today).iter().all(|n| want.contains(n)), "{who}: Today shows only their customers");
        for c in all {
            let (customer, quote) = (&cust[c].id, &quotes[c]);
            if sees.contains(&c) {
                assert_eq!(k.dossier(customer).unwrap().contacts.len(), 1, "{who} opens {c}");
                k.quote(quote).unwrap();
                k.customer_history(customer).unwrap();
            } else {
                let e = k.dossier(customer).unwrap_err();
                assert_eq!(e.code(), "forbidden", "{who} opens {c}");
                assert!(!e.to_string().is_empty() && !e.message_en().is_empty());
                assert_eq!(code(k.quote(quote)), "forbidden", "{who} opens {c}'s quote");
                assert_eq!(code(k.customer_history(customer)), "forbidden", "{who}: {c}'s history");
                assert_eq!(code(k.survey_trend(customer)), "forbidden", "{who}: {c}'s surveys");
            }
        }
    }
    let e = as_(&path, "张伟").dossier(&cust["鞍山钢铁"].id).unwrap_err();
    assert!(e.to_string().contains("不是你负责的客户") && e.message_en().contains("not yours"), "{e}");

    // Writes: a rep changes only their own customers, and only keeps them their own.
    let before = admin.dossier(&cust["鞍山钢铁"].id).unwrap();
    let mut rep = as_(&path, "张伟");
    let renamed = |c: &Customer, name: &str, owner: &str| CustomerInput {
        name: name.into(),
        owner_id: Some(owner.to_string()),
        tier: Some(c.tier),
        liaison_id: c.liaison_id.clone(),
        ..Default::default()
    };
    let baosteel = &cust["宝山钢铁"];
    rep.update_customer(&baosteel.id, &renamed(baosteel, "宝山钢铁股份有限公司", &id["张伟"])).unwrap();
    let other = &cust["鞍山钢铁"];
    for refused in [
        code(rep.update_customer(&other.id, &renamed(other, "改名", &id["刘洋"]))),
        code(rep.add_contact(&other.id, &ContactInput { name: "新联系人".into(), ..Default::default() })),
        code(rep.log_visit(&other.id, &visit("顺路拜访"))),
        code(rep.open_complaint(&other.id, &complaint("抢单"))),
        code(rep.create_quote(&QuoteInput { customer_id: other.id.clone(), ..Default::default() })),
        code(rep.submit_quote(&quotes["鞍山钢铁"])),
        code(rep.delete_customer(&other.id)),
        code(rep.update_customer(&baosteel.id, &renamed(baosteel, "宝山钢铁股份有限公司", &id["刘洋"]))),
        code(rep.create_customer(&CustomerInput {
            name: "替人登记有限公司".into(),
            owner_id: Some(id["刘洋"].clone()),
            ..Default::default()
        })),
    ] {
        assert_eq!(refused, "forbidden");
    }
    let after = admin.dossier(&other.id).unwrap();
    assert_eq!((after.customer.updated_at, after.contacts.len()), (before.customer.updated_at, 1), "nothing written");
    assert_eq!(admin.customer(&baosteel.id).unwrap().owner_id.as_deref(), Some(id["张伟"].as_str()));
    let mine =
        rep.create_customer(&CustomerInput { name: "自己的新客户有限公司".into(), ..Default::default() }).unwrap();
    assert_eq!(mine.customer.owner_id.as_deref(), Some(id["张伟"].as_str()), "a rep's new customer is their own");
    // Importing a list is creating customers: as their own, never someone else's.
    let csv = dir.path().join("名单.csv");
    std::fs::write(&csv, "单位名称,营销专员\n替人导入有限公司,刘洋\n").unwrap();
    let e = rep.import_customers_apply(&csv, &Default::default(), &mut |_| {}).unwrap_err();
    assert!(e.code() == "forbidden" && e.to_string().starts_with("第 2 行"), "{e}");
    std::fs::write(&csv, "单位名称\n自己导入有限公司\n").unwrap();
    rep.import_customers_apply(&csv, &Default::default(), &mut |_| {}).unwrap();
    let imported = rep.search_hits("自己导入", 5).unwrap();
    assert_eq!(imported.len(), 1);
    assert_eq!(rep.customer(&imported[0].id).unwrap().owner_id.as_deref(), Some(id["张伟"].as_str()));
    assert_eq!(admin.search_total("替人导入").unwrap(), 0, "nothing of the refused list was written");
    drop(rep);

    // A manager works on the department's customers and reassigns within it.
    let mut mgr = as_(&path, "李经理");
    mgr.update_customer(&other.id, &renamed(other, "鞍山钢铁股份有限公司", &id["张伟"])).unwrap();
    // The search index follows the owner (a rep's search reads only their stretch of it).
    let found = |who: &str, q: &str| {
        let k = as_(&path, who);
        let mut v: Vec<String> = k.search_hits(q, 50).unwrap().into_iter().map(|h| h.name).collect();
        v.sort();
        (k.search_total(q).unwrap(), v)
    };
    assert_eq!(found("张伟", "鞍山").0, 1, "the new owner finds it");
    assert_eq!(found("张伟", "钢铁").1, ["宝山钢铁股份有限公司", "鞍山钢铁股份有限公司"]);
    assert_eq!(found("刘洋", "鞍山"), (0, vec![]), "the old owner no longer does");
    mgr.update_customer(&other.id, &renamed(other, "鞍山钢铁股份有限公司", &id["刘洋"])).unwrap();
    assert_eq!(found("刘洋", "as"), (1, vec!["鞍山钢铁股份有限公司".to_string()]), "back with its owner");
    assert_eq!(found("张伟", "鞍山钢铁").0, 0);
    assert_eq!(code(mgr.update_customer(&other.id, &renamed(other, "鞍山钢铁股份有限公司", &id["陈静"]))), "forbidden");
    let wuhan = &cust["武汉钢铁"];
    assert_eq!(code(mgr.update_customer(&wuhan.id, &renamed(wuhan, "改名", &id["陈静"]))), "forbidden");
    assert_eq!(code(mgr.approve_quote(&quotes["武汉钢铁"], "")), "forbidden", "another department's quote");
    drop(mgr);

    // A liaison executive reads their strategic customer and logs visits, nothing else.
    let mut liaison = as_(&path, "赵书记");
    let v = liaison.log_visit(&baosteel.id, &visit("联点领导走访")).unwrap();
    liaison.update_visit(&v.id, &visit("联点领导走访（补记）")).unwrap();
    let e = liaison.update_customer(&baosteel.id, &renamed(baosteel, "改名", &id["张伟"])).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("联点领导") && e.message_en().contains("liaison"), "{e}");
    assert_eq!(
        code(liaison.add_contact(&baosteel.id, &ContactInput { name: "新联系人".into(), ..Default::default() })),
        "forbidden"
    );
    assert_eq!(code(liaison.log_visit(&wuhan.id, &visit("不是战略客户"))), "forbidden");
    assert_eq!(
        code(liaison.create_customer(&CustomerInput { name: "新客户有限公司".into(), ..Default::default() })),
        "forbidden"
    );
    drop(liaison);

    // An executive and head office change anyone's.
    as_(&path, "王总").update_customer(&wuhan.id, &renamed(wuhan, "武汉钢铁（集团）有限公司", &id["陈静"])).unwrap();
    as_(&path, "钱会计").log_visit(&wuhan.id, &visit("总部回访")).unwrap();
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
    // A liaison executive has no internal view (and this customer is not one of theirs at all).
    let liaison = as_(&path, "赵书记");
    assert!(!liaison.internal_view().unwrap(), "a liaison executive");
    assert_eq!(code(liaison.quote(&q.id)), "forbidden");
    drop(liaison);

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
