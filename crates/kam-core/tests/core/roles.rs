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
        cost_fen: Some(cost_fen),
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
    let below = QuoteLineInput { manual_unit_price_fen: Some(8000), ..line(7000) };
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
