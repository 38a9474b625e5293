//! What the `kam` binary shows and does by role (issue 11): a rep sees no cost or margin of a
//! quote and asks head office for 战略客户, which head office approves.

use std::process::{Command, Output};

const ADMIN_PW: &str = "kam-test-密码";
const REP_PW: &str = "rep-password-1";

/// Run `kam` on the database in `dir`, signed in as `who` with `password` (as a job would).
fn kam(dir: &std::path::Path, who: Option<&str>, password: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kam"));
    cmd.args(args)
        .env("KAM_DB", dir.join("kam.sqlite3"))
        .env("KAM_EXPORT_DIR", dir)
        .env("KAM_SESSION_DIR", dir.join("sessions"))
        .env("KAM_PASSWORD", password);
    match who {
        Some(w) => cmd.env("KAM_USER", w),
        None => cmd.env_remove("KAM_USER"),
    };
    cmd.output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(out: Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn error_code(out: Output) -> String {
    assert_eq!(out.status.code(), Some(1), "should fail: {}", String::from_utf8_lossy(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("--json error on stderr");
    v["error"]["code"].as_str().unwrap().to_string()
}

#[test]
fn a_rep_sees_no_margins_and_asks_head_office_for_the_strategic_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let admin = |args: &[&str]| kam(d, Some("管理员"), ADMIN_PW, args);
    let rep = |args: &[&str]| kam(d, Some("张伟"), REP_PW, args);
    ok(kam(d, None, ADMIN_PW, &["setup", "--name", "管理员"]));
    ok(admin(&["user", "add", "--name", "张伟", "--role", "rep", "--department", "大客户部"]));
    let pw_file = d.join("rep.txt");
    std::fs::write(&pw_file, format!("{REP_PW}\n")).unwrap();
    ok(admin(&["user", "set-password", "张伟", "--new-password-file", pw_file.to_str().unwrap()]));

    // The rep's quote: prices, no cost, breakdown or margin, in JSON or in text.
    ok(rep(&["customer", "add", "--name", "宝山钢铁股份有限公司", "--credit-code", "914403001922038216"]));
    let q = json(rep(&["quote", "new", "--customer", "914403001922038216", "--json"]));
    let id = q["id"].as_str().unwrap();
    let line = ["--name", "防水卷材", "--unit", "㎡", "--qty", "10000", "--cost", "70", "--rebate", "8%"];
    ok(rep(&[&["quote", "add-line", id][..], &line[..]].concat()));
    let shown = json(rep(&["quote", "show", id, "--json"]));
    assert_eq!(shown["lines"][0]["unit_price_fen"], 8540);
    assert!(shown["lines"][0]["internal"].is_null() && shown["totals"]["internal"].is_null(), "{shown}");
    let text = ok(rep(&["quote", "show", id]));
    assert!(text.contains("85.40") && !text.contains("成本") && !text.contains("利润"), "{text}");
    assert_eq!(error_code(rep(&["quote", "show", id, "--internal", "--json"])), "forbidden");
    // Head office sees them.
    let full = json(admin(&["quote", "show", id, "--json"]));
    assert_eq!(full["lines"][0]["internal"]["cost_fen"], 7000);
    assert!(ok(admin(&["quote", "show", id, "--internal"])).contains("利润合计"));

    // 战略客户 is asked for, and head office decides.
    let refused = rep(&["customer", "tier", "914403001922038216", "--to", "strategic", "--reason", "x"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("[forbidden]") && err.contains("向总部申请"), "{err}");
    let r = json(rep(&[
        "request",
        "new",
        "914403001922038216",
        "--kind",
        "strategic_tier",
        "--reason",
        "年采购额超过 500 万元",
        "--json",
    ]));
    assert_eq!(r["status"], "pending");
    let rid = r["id"].as_str().unwrap();
    assert_eq!(error_code(rep(&["request", "approve", rid, "--json"])), "forbidden");
    let pending = json(admin(&["request", "list", "--json"]));
    assert_eq!(pending.as_array().unwrap().len(), 1);
    assert_eq!(
        (pending[0]["requested_by_name"].as_str(), pending[0]["can_decide"].as_bool()),
        (Some("张伟"), Some(true))
    );
    assert!(ok(admin(&["request", "list"])).contains("设为战略客户"));
    let done = json(admin(&["request", "approve", rid, "--note", "评审通过", "--json"]));
    assert_eq!((done["status"].as_str(), done["customer_tier"].as_str()), (Some("approved"), Some("strategic")));
    assert_eq!(json(rep(&["request", "list", "--json"])).as_array().unwrap().len(), 0, "nothing pending");
    let mine = ok(rep(&["request", "list", "--status", "all"]));
    assert!(mine.contains("已批准") && mine.contains("评审通过"), "{mine}");
}
